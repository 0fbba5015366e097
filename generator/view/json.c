#include "view/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/values.h"
#include "view/jsonout.h"

/* How every JSON file is written: 2-space indent, keys in insertion order, doubles exactly. */
#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* The buffer the metrics JSON is written through when its lists are streamed. */
#define STREAM_BUFFER (1u << 20)

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *count_or_null(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *str_or_null(const char *v)
{
	return v ? json_string(v) : json_null();
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

static json_t *day_or_null(int64_t ms)
{
	if (ms == VIEW_NO_DAY)
		return json_null();
	char day[11];
	value_format_date(ms, day);
	return json_string(day);
}

static json_t *names(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, str_or_null(v[i]));
	return a;
}

static json_t *trend_json(const struct view_figures *f)
{
	json_t *trend = json_array();
	for (size_t i = 0; i < f->ntrend; i++) {
		const struct view_trend_point *t = &f->trend[i];
		json_t *p = json_object();
		set(p, "period", json_string(t->period.label));
		set(p, "cases_concluded", json_integer(t->cases_concluded));
		set(p, "successful", json_integer(t->successful));
		set(p, "sco_rate", num(t->sco_rate));
		set(p, "contacts", json_integer(t->contacts));
		set(p, "failure_contacts", json_integer(t->failure_contacts));
		set(p, "customers_lost", count_or_null(t->customers_lost));
		if (f->has_kpi_trend)
			set(p, "kpi_green_share", num(t->kpi_green_share));
		json_array_append_new(trend, p);
	}
	return trend;
}

static void figures(json_t *o, const struct view_figures *f)
{
	set(o, "cases_started", json_integer(f->cases_started));
	set(o, "cases_concluded", json_integer(f->cases_concluded));
	set(o, "achieved", json_integer(f->achieved));
	set(o, "failed", json_integer(f->failed));
	set(o, "abandoned", json_integer(f->abandoned));
	set(o, "open", json_integer(f->open));
	set(o, "successful", json_integer(f->successful));
	set(o, "sco_rate", num(f->sco_rate));
	set(o, "sco_ci_low", num(f->sco_ci_low));
	set(o, "sco_ci_high", num(f->sco_ci_high));
	set(o, "prev_cases_concluded", json_integer(f->prev_cases_concluded));
	set(o, "prev_successful", json_integer(f->prev_successful));
	set(o, "prev_sco_rate", num(f->prev_sco_rate));
	set(o, "sco_change_pts", num(f->sco_change_pts));
	set(o, "change_significant", json_boolean(f->change_significant));
	set(o, "median_days", num(f->median_days));
	set(o, "p90_days", num(f->p90_days));
	set(o, "contacts", json_integer(f->contacts));
	set(o, "failure_contacts", json_integer(f->failure_contacts));
	set(o, "handoffs", json_integer(f->handoffs));
	set(o, "contacts_per_case", num(f->contacts_per_case));
	set(o, "failure_demand_share", num(f->failure_demand_share));
	set(o, "handoffs_per_case", num(f->handoffs_per_case));
	set(o, "low_volume", json_boolean(f->low_volume));
	set(o, "customers_lost", count_or_null(f->customers_lost));
	set(o, "value_lost", num(f->value_lost));
	set(o, "value_at_risk", num(f->value_at_risk));
	set(o, "trend", trend_json(f));
	/* second edition */
	set(o, "prev_year_cases_concluded", json_integer(f->prev_year_cases_concluded));
	set(o, "prev_year_successful", json_integer(f->prev_year_successful));
	set(o, "prev_year_sco_rate", num(f->prev_year_sco_rate));
	set(o, "failure_demand_cost", num(f->failure_demand_cost));
	json_t *tps = json_array();
	for (size_t i = 0; i < f->ntouchpoints; i++) {
		json_t *t = json_object();
		set(t, "touchpoint", str_or_null(f->touchpoints[i].touchpoint));
		set(t, "contacts", json_integer(f->touchpoints[i].contacts));
		json_array_append_new(tps, t);
	}
	set(o, "failure_touchpoints", tps);
}

/* One rejected row (note: one note). json_out_issues (view/jsonout.c) writes the same members in
 * the same order: the two are held to each other by tests/unit/test_jsonout.c and
 * tests/e2e/json-stream.sh. */
static json_t *issue_json(const struct view_dq_issue *is, bool note)
{
	json_t *e = json_object();
	set(e, "file", json_string(is->file));
	if (note) {
		set(e, "line", is->line > 0 ? json_integer(is->line) : json_null());
		set(e, "message", json_string(is->message));
		set(e, "kind", json_string(is->kind));
		set(e, "case_id", str_or_null(is->case_id));
		return e;
	}
	set(e, "line", json_integer(is->line));
	set(e, "column", is->column > 0 ? json_integer(is->column) : json_null());
	set(e, "message", json_string(is->message));
	set(e, "kind", json_string(is->kind));
	set(e, "column_name", str_or_null(is->column_name));
	set(e, "case_id", str_or_null(is->case_id));
	set(e, "customer_id", str_or_null(is->customer_id));
	set(e, "value", str_or_null(is->value));
	return e;
}

/* data_quality; without lists, its issues and notes are empty arrays (written by jsonout). */
static json_t *data_quality(const struct view_dq *d, bool lists)
{
	json_t *o = json_object();
	json_t *files = json_object();
	for (size_t i = 0; i < d->nfiles; i++) {
		json_t *f = json_object();
		set(f, "rows_read", json_integer(d->files[i].rows_read));
		set(f, "rows_rejected", json_integer(d->files[i].rows_rejected));
		set(files, d->files[i].file, f);
	}
	set(o, "rows_read", json_integer(d->rows_read));
	set(o, "rows_rejected", json_integer(d->rows_rejected));
	set(o, "files", files);
	json_t *issues = json_array();
	for (size_t i = 0; lists && i < d->nissues; i++)
		json_array_append_new(issues, issue_json(&d->issues[i], false));
	set(o, "issues", issues);
	json_t *notes = json_array();
	for (size_t i = 0; lists && i < d->nnotes; i++)
		json_array_append_new(notes, issue_json(&d->notes[i], true));
	set(o, "notes", notes);
	if (d->has_defaults) {
		json_t *du = json_object();
		for (size_t i = 0; i < d->ndefaults; i++)
			set(du, d->defaults[i].column, json_integer(d->defaults[i].rows));
		set(o, "defaults_used", du);
	} else {
		set(o, "defaults_used", json_null());
	}
	return o;
}

static json_t *story_json(const struct view_story *s)
{
	if (!s)
		return json_null();
	json_t *o = json_object();
	set(o, "case_id", json_string(s->case_id));
	set(o, "journey", str_or_null(s->journey));
	set(o, "outcome", json_string(s->outcome));
	set(o, "days", num(s->days));
	set(o, "contacts", json_integer(s->contacts));
	set(o, "failure_contacts", json_integer(s->failure_contacts));
	set(o, "handoffs", json_integer(s->handoffs));
	set(o, "rows_total", json_integer(s->rows_total));
	if (!s->has_rows) {
		set(o, "rows", json_null());
		return o;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < s->nrows; i++) {
		const struct view_story_row *r = &s->rows[i];
		json_t *e = json_object();
		char t[21];
		value_format_time(r->time_ms, t);
		set(e, "time", json_string(t));
		set(e, "line", json_integer(r->line));
		set(e, "touchpoint", str_or_null(r->touchpoint));
		set(e, "department", str_or_null(r->department));
		set(e, "channel", str_or_null(r->channel));
		set(e, "failure_demand", json_boolean(r->failure_demand));
		set(e, "outcome", str_or_null(r->outcome));
		json_array_append_new(rows, e);
	}
	set(o, "rows", rows);
	return o;
}

static json_t *actions_json(const struct view *v)
{
	if (!v->has_actions)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; i < v->nactions; i++) {
		const struct view_action *ac = &v->actions[i];
		json_t *o = json_object();
		set(o, "action", str_or_null(ac->action));
		set(o, "owner", str_or_null(ac->owner));
		set(o, "goal", str_or_null(ac->goal));
		set(o, "due",
		    day_or_null(ac->due_day == VIEW_NO_DAY ? VIEW_NO_DAY
		                                           : ac->due_day * BP_MS_PER_DAY));
		set(o, "status", json_string(ac->status));
		set(o, "region", str_or_null(ac->region));
		set(o, "goal_found", json_boolean(ac->goal_found));
		set(o, "prev_sco_rate", num(ac->prev_sco_rate));
		set(o, "sco_rate", num(ac->sco_rate));
		set(o, "line", json_integer(ac->line));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *breaks_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->nbreaks; i++) {
		const struct view_break *b = &v->breaks[i];
		json_t *o = json_object();
		set(o, "journey", str_or_null(b->journey));
		set(o, "department", str_or_null(b->department));
		set(o, "cases", json_integer(b->cases));
		set(o, "successful", json_integer(b->successful));
		set(o, "sco_rate", num(b->sco_rate));
		set(o, "cases_untouched", json_integer(b->cases_untouched));
		set(o, "successful_untouched", json_integer(b->successful_untouched));
		set(o, "sco_rate_untouched", num(b->sco_rate_untouched));
		set(o, "comparable", json_boolean(b->comparable));
		set(o, "gap_pts", num(b->gap_pts));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *regions_json(const struct view *v)
{
	if (!v->has_regions)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; i < v->nregions; i++) {
		json_t *o = json_object();
		set(o, "region", json_string(v->regions[i].region));
		figures(o, &v->regions[i].f);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *totals_json(const struct view_totals *t)
{
	json_t *o = json_object();
	figures(o, &t->f);
	set(o, "kpi_green_share", num(t->kpi_green_share));
	set(o, "motion_share", num(t->motion_share));
	set(o, "perception_gap_pts", num(t->perception_gap_pts));
	set(o, "goals_short", json_integer(t->goals_short));
	set(o, "watermelon_count", json_integer(t->watermelon_count));
	const struct view_growth *g = &t->growth;
	bool have = t->have_growth;
	set(o, "customers_start", have ? json_integer(g->customers_start) : json_null());
	set(o, "customers_end", have ? json_integer(g->customers_end) : json_null());
	set(o, "joiners", have ? json_integer(g->joiners) : json_null());
	set(o, "leavers", have ? json_integer(g->leavers) : json_null());
	set(o, "net_growth", have ? json_integer(g->net_growth) : json_null());
	set(o, "value_end", have ? num(g->value_end) : json_null());
	set(o, "sco_cases_known", have ? json_integer(g->sco_cases_known) : json_null());
	set(o, "sco_cases_left", have ? json_integer(g->sco_cases_left) : json_null());
	set(o, "unsuccessful_cases_known",
	    have ? json_integer(g->unsuccessful_cases_known) : json_null());
	set(o, "unsuccessful_cases_left",
	    have ? json_integer(g->unsuccessful_cases_left) : json_null());
	set(o, "churn_after_sco", have ? num(g->churn_after_sco) : json_null());
	set(o, "churn_after_unsuccessful", have ? num(g->churn_after_unsuccessful) : json_null());
	set(o, "churn_ratio", have ? num(g->churn_ratio) : json_null());
	return o;
}

static json_t *goals_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_goal *g = &v->goals[i];
		json_t *o = json_object();
		set(o, "goal", json_string(g->goal));
		set(o, "journeys", names(g->journeys, g->njourneys));
		set(o, "sco_target", num(g->sco_target));
		figures(o, &g->f);
		set(o, "customer_journey", story_json(g->story));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *journeys_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->njourneys; i++) {
		const struct view_journey *j = &v->journeys[i];
		json_t *o = json_object();
		set(o, "journey", str_or_null(j->journey));
		set(o, "goal", json_string(j->goal));
		set(o, "sco_target", num(j->sco_target));
		set(o, "promise_days", num(j->promise_days));
		set(o, "max_failure_contacts", json_integer(j->max_failure_contacts));
		figures(o, &j->f);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *departments_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->ndepartments; i++) {
		const struct view_department *d = &v->departments[i];
		json_t *o = json_object();
		set(o, "department", str_or_null(d->department));
		set(o, "kpis", json_integer(d->kpis));
		set(o, "green", json_integer(d->green));
		set(o, "amber", json_integer(d->amber));
		set(o, "red", json_integer(d->red));
		set(o, "green_share", num(d->green_share));
		set(o, "cases_touched", json_integer(d->cases_touched));
		set(o, "successful_touched", json_integer(d->successful_touched));
		set(o, "sco_rate_touched", num(d->sco_rate_touched));
		set(o, "failure_contacts", json_integer(d->failure_contacts));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *kpis_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->nkpis; i++) {
		const struct view_kpi *k = &v->kpis[i];
		json_t *o = json_object();
		set(o, "department", str_or_null(k->department));
		set(o, "kpi", str_or_null(k->kpi));
		set(o, "period", json_string(k->period.label));
		set(o, "actual", num(k->actual));
		set(o, "target", num(k->target));
		set(o, "direction", json_string(k->direction));
		set(o, "unit", str_or_null(k->unit));
		set(o, "kind", json_string(k->kind));
		set(o, "tolerance", num(k->tolerance));
		set(o, "journeys", names(k->journeys, k->njourneys));
		set(o, "region", str_or_null(k->region));
		set(o, "status", json_string(k->status));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *watermelons_json(const struct view *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->nwatermelons; i++) {
		const struct view_watermelon *w = &v->watermelons[i];
		json_t *o = json_object();
		set(o, "department", str_or_null(w->department));
		set(o, "journey", str_or_null(w->journey));
		set(o, "green_share", num(w->green_share));
		set(o, "cases", json_integer(w->cases));
		set(o, "successful", json_integer(w->successful));
		set(o, "sco_rate", num(w->sco_rate));
		set(o, "sco_target", num(w->sco_target));
		set(o, "shortfall_pts", num(w->shortfall_pts));
		json_array_append_new(a, o);
	}
	return a;
}

/* The metrics JSON of v; without lists, data_quality's issues and notes are left empty. */
static json_t *metrics_tree(const struct view *v, bool lists)
{
	json_t *root = json_object();
	set(root, "period", json_string(v->period.label));
	set(root, "previous_period", json_string(v->previous.label));
	set(root, "period_length", json_string(v->period_length));
	set(root, "organisation", json_string(v->organisation));
	set(root, "title", json_string(v->title));
	set(root, "currency", str_or_null(v->currency));
	set(root, "region", str_or_null(v->region));
	set(root, "data_from", day_or_null(v->data_from_ms));
	set(root, "data_to", day_or_null(v->data_to_ms));
	set(root, "totals", totals_json(&v->totals));
	set(root, "goals", goals_json(v));
	set(root, "journeys", journeys_json(v));
	set(root, "departments", departments_json(v));
	set(root, "kpis", kpis_json(v));
	set(root, "watermelons", watermelons_json(v));
	set(root, "breaks", breaks_json(v));
	set(root, "regions", regions_json(v));
	set(root, "actions", actions_json(v));
	set(root, "data_quality", data_quality(&v->dq, lists));
	return root;
}

json_t *view_json(const struct view *v)
{
	return metrics_tree(v, true);
}

/* Says that the metrics JSON could not be written, and why (err, an errno). */
static int write_failed(const char *path, int err)
{
	diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the metrics JSON: %s",
	         strerror(err ? err : EIO));
	return -1;
}

/*
 * The offset in text (jansson's dump of metrics_tree(v, false)) of the empty array "[]" of the
 * root's data_quality member key ("issues" or "notes"). jansson writes a newline inside a string
 * as \n, so a raw newline is always formatting and the spaces after it give the depth:
 * data_quality is the root's member at two spaces (its last), its own members are at four, and
 * its end is the next line at two. A key not found there is a bug in this file, which any test
 * shows.
 */
static size_t list_at(const char *text, const char *key)
{
	const char *dq = strstr(text, "\n  \"data_quality\": {");
	const char *end = dq ? strstr(dq, "\n  }") : NULL;
	char line[32];
	int n = snprintf(line, sizeof line, "\n    \"%s\": []", key);
	const char *at = end ? strstr(dq, line) : NULL;
	if (!at || at > end)
		abort();
	return (size_t)(at - text) + (size_t)n - 2;
}

/*
 * The metrics JSON of v written into fd as jansson would dump view_json(v), with the lists of
 * rejected rows and notes streamed: jansson dumps the rest of the tree into memory, and the two
 * lists are written into its empty arrays by json_out_issues, through a buffer of STREAM_BUFFER
 * bytes. A million rejected rows took 1 GB as jansson objects; here they take nothing more than
 * the view already holds.
 */
static int write_streamed(const struct view *v, int fd, const char *path)
{
	json_t *tree = metrics_tree(v, false);
	char *text = json_dumps(tree, JSON_FLAGS);
	json_decref(tree);
	if (!text)
		return write_failed(path, ENOMEM);
	size_t issues = list_at(text, "issues"), notes = list_at(text, "notes");
	struct json_out w;
	json_out_init(&w, STREAM_BUFFER, json_sink_fd, &fd);
	json_out_bytes(&w, text, issues);
	json_out_issues(&w, v->dq.issues, v->dq.nissues, false, 2);
	json_out_bytes(&w, text + issues + 2, notes - issues - 2);
	json_out_issues(&w, v->dq.notes, v->dq.nnotes, true, 2);
	json_out_bytes(&w, text + notes + 2, strlen(text + notes + 2));
	json_out_bytes(&w, "\n", 1);
	free(text);
	if (json_out_finish(&w) != 0)
		return write_failed(path, w.err);
	return 0;
}

int json_write_view(const struct view *v, int fd, const char *path, bool tree)
{
	if (!tree)
		return write_streamed(v, fd, path);
	json_t *t = view_json(v);
	int rc = json_write_fd(t, fd, path);
	json_decref(t);
	return rc;
}

int json_write_fd(const json_t *tree, int fd, const char *path)
{
	int dup_fd = dup(fd);
	FILE *fp = dup_fd >= 0 ? fdopen(dup_fd, "w") : NULL;
	if (!fp) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the metrics JSON: %s",
		         strerror(errno));
		if (dup_fd >= 0)
			close(dup_fd);
		return -1;
	}
	int rc = json_dumpf(tree, fp, JSON_FLAGS);
	if (rc == 0)
		rc = fputc('\n', fp) == EOF ? -1 : 0;
	if (fclose(fp) != 0 || rc != 0) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the metrics JSON: %s",
		         strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
