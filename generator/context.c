#include "context.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "format.h"
#include "diag.h"
#include "xmem.h"

static const char *const outcome_names[] = {"open", "achieved", "failed", "abandoned"};
static const char *const status_names[] = {"green", "amber", "red"};

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *count_or_null(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *name(const struct metrics *mt, sym s)
{
	return s ? json_string(intern_str(mt->model->names, s)) : json_null();
}

static json_t *period_json(const struct metrics *mt, bp_period p)
{
	char buf[16];
	period_label(p, mt->config->period_length, buf);
	return json_string(buf);
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v);
}

static void figures(const struct metrics *mt, json_t *o, const struct figures *f)
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
	set(o, "prev_cases_concluded", json_integer(f->prev_concluded));
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
	json_t *trend = json_array();
	for (int i = 0; i < f->ntrend; i++) {
		const struct trend_point *t = &f->trend[i];
		json_t *p = json_object();
		set(p, "period", period_json(mt, t->period));
		set(p, "cases_concluded", json_integer(t->concluded));
		set(p, "successful", json_integer(t->successful));
		set(p, "sco_rate", num((double)t->successful / (double)t->concluded));
		json_array_append_new(trend, p);
	}
	set(o, "trend", trend);
}

static json_t *data_quality(const struct dq *d)
{
	json_t *o = json_object();
	set(o, "rows_read", json_integer(dq_rows_read(d)));
	set(o, "rows_rejected", json_integer(dq_rows_rejected(d)));
	json_t *files = json_object();
	for (size_t i = 0; i < d->nfiles; i++) {
		json_t *f = json_object();
		set(f, "rows_read", json_integer(d->files[i].rows_read));
		set(f, "rows_rejected", json_integer(d->files[i].rows_rejected));
		set(files, d->files[i].name, f);
	}
	set(o, "files", files);
	json_t *issues = json_array();
	for (size_t i = 0; i < d->nissues; i++) {
		const struct dq_issue *is = &d->issues[i];
		json_t *e = json_object();
		set(e, "file", json_string(d->files[is->file].name));
		set(e, "line", json_integer(is->line));
		set(e, "column", is->column > 0 ? json_integer(is->column) : json_null());
		set(e, "message", json_string(is->message));
		json_array_append_new(issues, e);
	}
	set(o, "issues", issues);
	json_t *notes = json_array();
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct dq_note *no = &d->notes[i];
		json_t *e = json_object();
		set(e, "file",
		    no->file >= 0 ? json_string(d->files[no->file].name) : json_string("PACK.ini"));
		set(e, "line", no->line > 0 ? json_integer(no->line) : json_null());
		set(e, "message", json_string(no->message));
		json_array_append_new(notes, e);
	}
	set(o, "notes", notes);
	return o;
}

/* data_quality.defaults_used: every [defaults] key, with the rows that took its value. */
static json_t *defaults_used(const struct config *c, const struct model *m)
{
	json_t *o = json_object();
	for (size_t i = 0; i < c->ndefaults; i++) {
		long rows = 0;
		for (size_t j = 0; j < m->ndefaults_used; j++)
			if (strcmp(m->defaults_used[j].column, c->defaults[i].contract) == 0)
				rows = m->defaults_used[j].rows;
		set(o, c->defaults[i].contract, json_integer(rows));
	}
	return o;
}

json_t *context_metrics(const struct metrics *mt)
{
	const struct config *c = mt->config;
	const struct model *m = mt->model;
	json_t *root = json_object();
	set(root, "period", period_json(mt, mt->period));
	set(root, "previous_period", period_json(mt, mt->previous));
	static const char *const lens[] = {"month", "quarter", "year"};
	set(root, "period_length", json_string(lens[c->period_length]));
	set(root, "organisation", json_string(c->organisation));
	set(root, "title", json_string(c->title));
	set(root, "currency", c->currency ? json_string(c->currency) : json_null());
	set(root, "region", name(mt, mt->region));
	char day[11];
	if (m->data_from != BP_TIME_NONE) {
		value_format_date(m->data_from, day);
		set(root, "data_from", json_string(day));
		value_format_date(m->data_to, day);
		set(root, "data_to", json_string(day));
	} else {
		set(root, "data_from", json_null());
		set(root, "data_to", json_null());
	}

	json_t *totals = json_object();
	figures(mt, totals, &mt->totals);
	set(totals, "kpi_green_share", num(mt->kpi_green_share));
	set(totals, "motion_share", num(mt->motion_share));
	set(totals, "perception_gap_pts", num(mt->perception_gap_pts));
	const struct growth *g = &mt->growth;
	bool have = mt->have_growth;
	set(totals, "customers_start", have ? json_integer(g->customers_start) : json_null());
	set(totals, "customers_end", have ? json_integer(g->customers_end) : json_null());
	set(totals, "joiners", have ? json_integer(g->joiners) : json_null());
	set(totals, "leavers", have ? json_integer(g->leavers) : json_null());
	set(totals, "net_growth", have ? json_integer(g->net_growth) : json_null());
	set(totals, "value_end", have ? num(g->value_end) : json_null());
	set(totals, "sco_cases_known", have ? json_integer(g->sco_cases_known) : json_null());
	set(totals, "sco_cases_left", have ? json_integer(g->sco_cases_left) : json_null());
	set(totals, "unsuccessful_cases_known",
	    have ? json_integer(g->unsuccessful_cases_known) : json_null());
	set(totals, "unsuccessful_cases_left",
	    have ? json_integer(g->unsuccessful_cases_left) : json_null());
	set(totals, "churn_after_sco", have ? num(g->churn_after_sco) : json_null());
	set(totals, "churn_after_unsuccessful",
	    have ? num(g->churn_after_unsuccessful) : json_null());
	set(totals, "churn_ratio", have ? num(g->churn_ratio) : json_null());
	set(root, "totals", totals);

	json_t *goals = json_array();
	for (size_t i = 0; i < mt->ngoals; i++) {
		const struct goal_figures *gf = &mt->goals[i];
		json_t *o = json_object();
		set(o, "goal", json_string(gf->goal));
		json_t *js = json_array();
		for (size_t k = 0; k < gf->njourneys; k++)
			json_array_append_new(js, name(mt, mt->journeys[gf->journeys[k]].name));
		set(o, "journeys", js);
		set(o, "sco_target", num(gf->sco_target));
		figures(mt, o, &gf->f);
		json_array_append_new(goals, o);
	}
	set(root, "goals", goals);

	json_t *journeys = json_array();
	for (size_t i = 0; i < mt->njourneys; i++) {
		const struct journey_figures *j = &mt->journeys[i];
		json_t *o = json_object();
		set(o, "journey", name(mt, j->name));
		set(o, "goal", json_string(j->goal));
		set(o, "sco_target", num(j->sco_target));
		set(o, "promise_days", num(j->promise_days));
		set(o, "max_failure_contacts", json_integer(j->max_failure_contacts));
		figures(mt, o, &j->f);
		json_array_append_new(journeys, o);
	}
	set(root, "journeys", journeys);

	json_t *depts = json_array();
	for (size_t i = 0; i < mt->ndepts; i++) {
		const struct dept_figures *d = &mt->depts[i];
		json_t *o = json_object();
		set(o, "department", name(mt, d->name));
		set(o, "kpis", json_integer(d->kpis));
		set(o, "green", json_integer(d->green));
		set(o, "amber", json_integer(d->amber));
		set(o, "red", json_integer(d->red));
		set(o, "green_share", num(d->green_share));
		set(o, "cases_touched", json_integer(d->cases_touched));
		set(o, "successful_touched", json_integer(d->successful_touched));
		set(o, "sco_rate_touched", num(d->sco_rate_touched));
		set(o, "failure_contacts", json_integer(d->failure_contacts));
		json_array_append_new(depts, o);
	}
	set(root, "departments", depts);

	json_t *kpis = json_array();
	for (size_t i = 0; i < mt->nkpis; i++) {
		const struct kpi *k = mt->kpis[i].kpi;
		json_t *o = json_object();
		set(o, "department", name(mt, k->dept));
		set(o, "kpi", name(mt, k->name));
		set(o, "period", period_json(mt, k->period));
		set(o, "actual", num(k->actual));
		set(o, "target", num(k->target));
		set(o, "direction",
		    json_string(k->direction == DIRECTION_LOWER ? "lower" : "higher"));
		set(o, "unit", name(mt, k->unit));
		set(o, "kind", json_string(k->kind == KIND_OUTCOME ? "outcome" : "output"));
		set(o, "tolerance", num(k->tolerance));
		json_t *js = json_array();
		for (uint32_t j = 0; j < k->njourneys; j++)
			json_array_append_new(js, name(mt, m->kpi_journeys[k->journey_off + j]));
		set(o, "journeys", js);
		set(o, "region", name(mt, k->region));
		set(o, "status", json_string(status_names[mt->kpis[i].status]));
		json_array_append_new(kpis, o);
	}
	set(root, "kpis", kpis);

	json_t *wms = json_array();
	for (size_t i = 0; i < mt->nwatermelons; i++) {
		const struct watermelon *w = &mt->watermelons[i];
		json_t *o = json_object();
		set(o, "department", name(mt, mt->depts[w->dept].name));
		set(o, "journey", name(mt, mt->journeys[w->journey].name));
		set(o, "green_share", num(w->green_share));
		set(o, "cases", json_integer(w->cases));
		set(o, "successful", json_integer(w->successful));
		set(o, "sco_rate", num(w->sco_rate));
		set(o, "sco_target", num(w->sco_target));
		set(o, "shortfall_pts", num(w->shortfall_pts));
		json_array_append_new(wms, o);
	}
	set(root, "watermelons", wms);
	set(root, "data_quality", data_quality(m->dq));
	json_object_set_new(json_object_get(root, "data_quality"), "defaults_used",
	                    defaults_used(c, m));
	(void)outcome_names;
	return root;
}

int context_write_json(const json_t *tree, const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the metrics JSON: %s",
		         strerror(errno));
		return -1;
	}
	int rc =
	    json_dumpf(tree, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	if (rc == 0)
		rc = fputc('\n', fp) == EOF ? -1 : 0;
	if (fclose(fp) != 0 || rc != 0) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the metrics JSON: %s",
		         strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* ---- the template context ---------------------------------------------- */

struct fmt {
	const struct metrics *mt;
	struct number_style st;
	const char *currency;
};

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v));
}

static void set_pct(const struct fmt *fm, json_t *o, const char *k, double v)
{
	char buf[64];
	format_percent(buf, sizeof buf, v, 0, &fm->st);
	set_str(o, k, buf);
}

static void set_fixed(const struct fmt *fm, json_t *o, const char *k, double v, int digits)
{
	char buf[64];
	format_number(buf, sizeof buf, v, digits, &fm->st);
	set_str(o, k, buf);
}

static void set_money(const struct fmt *fm, json_t *o, const char *k, double v)
{
	char buf[96];
	format_money(buf, sizeof buf, v, fm->currency, &fm->st);
	set_str(o, k, buf);
}

static void set_count(const struct fmt *fm, json_t *o, const char *k, long v)
{
	char buf[64];
	format_number(buf, sizeof buf, v < 0 ? NAN : (double)v, 0, &fm->st);
	set_str(o, k, buf);
}

/* Formatted forms of the journey figures, added beside the raw ones. */
static void figures_fmt(const struct fmt *fm, json_t *o, const struct figures *f, double target,
                        size_t journey)
{
	const struct metrics *mt = fm->mt;
	bool has = f->cases_concluded > 0, has_prev = f->prev_concluded > 0;
	json_object_set_new(o, "has_cases", json_boolean(has));
	json_object_set_new(o, "has_prev", json_boolean(has && has_prev));
	set_count(fm, o, "cases_concluded_fmt", f->cases_concluded);
	set_count(fm, o, "cases_started_fmt", f->cases_started);
	set_count(fm, o, "open_fmt", f->open);
	set_count(fm, o, "successful_fmt", f->successful);
	/* for the singular: "1 journey concluded", "1 was still open" */
	json_object_set_new(o, "concluded_one", json_boolean(f->cases_concluded == 1));
	json_object_set_new(o, "open_one", json_boolean(f->open == 1));
	set_pct(fm, o, "sco_rate_pct", f->sco_rate);
	set_pct(fm, o, "sco_ci_low_pct", f->sco_ci_low);
	set_pct(fm, o, "sco_ci_high_pct", f->sco_ci_high);
	set_pct(fm, o, "prev_sco_rate_pct", f->prev_sco_rate);
	char buf[64];
	format_signed(buf, sizeof buf, f->sco_change_pts, 0, &fm->st);
	set_str(o, "sco_change_pts_signed", buf);
	format_number(buf, sizeof buf, fabs(f->sco_change_pts), 0, &fm->st);
	set_str(o, "sco_change_pts_abs", buf);
	long rounded = isnan(f->sco_change_pts) ? 0 : lround(f->sco_change_pts);
	set_str(o, "change_word",
	        isnan(f->sco_change_pts) ? ""
	        : rounded > 0            ? "up"
	        : rounded < 0            ? "down"
	                                 : "unchanged");
	json_object_set_new(o, "change_is_real",
	                    json_boolean(has && has_prev && f->change_significant));
	json_object_set_new(o, "change_is_noise",
	                    json_boolean(has && has_prev && !f->change_significant));
	set_fixed(fm, o, "median_days_fmt", f->median_days, 1);
	set_fixed(fm, o, "p90_days_fmt", f->p90_days, 1);
	json_object_set_new(o, "has_days", json_boolean(!isnan(f->median_days)));
	set_fixed(fm, o, "contacts_per_case_fmt", f->contacts_per_case, 1);
	set_pct(fm, o, "failure_demand_share_pct", f->failure_demand_share);
	set_fixed(fm, o, "handoffs_per_case_fmt", f->handoffs_per_case, 1);
	set_count(fm, o, "customers_lost_fmt", f->customers_lost);
	set_money(fm, o, "value_lost_money", f->value_lost);
	set_money(fm, o, "value_at_risk_money", f->value_at_risk);
	json_object_set_new(o, "has_customers", json_boolean(mt->have_growth));
	set_pct(fm, o, "sco_target_pct", target);
	json_object_set_new(o, "below_target", json_boolean(has && f->sco_rate < target));
	json_object_set_new(o, "few_cases", json_boolean(f->low_volume));
	/* where it breaks: the departments whose cases of this journey fare worst */
	json_object_set_new(o, "worst_departments", json_array());
	json_object_set_new(o, "has_worst_departments", json_false());
	if (journey != SIZE_MAX && mt->ndepts) {
		size_t *order = xreallocarray(NULL, mt->ndepts, sizeof *order);
		size_t n = 0;
		for (size_t d = 0; d < mt->ndepts; d++)
			if (mt->cells[journey * mt->ndepts + d].cases >=
			    (mt->config->min_cases ? mt->config->min_cases : 1))
				order[n++] = d;
		for (size_t i = 1; i < n; i++) {
			size_t x = order[i], j = i;
			const struct cell *cx = &mt->cells[journey * mt->ndepts + x];
			double rx = (double)cx->successful / (double)cx->cases;
			while (j > 0) {
				const struct cell *cy =
				    &mt->cells[journey * mt->ndepts + order[j - 1]];
				double ry = (double)cy->successful / (double)cy->cases;
				if (ry <= rx)
					break;
				order[j] = order[j - 1];
				j--;
			}
			order[j] = x;
		}
		json_t *worst = json_array();
		for (size_t i = 0; i < n && i < 3; i++) {
			const struct cell *cl = &mt->cells[journey * mt->ndepts + order[i]];
			json_t *w = json_object();
			set_str(w, "department",
			        intern_str(mt->model->names, mt->depts[order[i]].name));
			set_pct(fm, w, "sco_rate_pct", (double)cl->successful / (double)cl->cases);
			set_count(fm, w, "cases_fmt", cl->cases);
			json_object_set_new(w, "last", json_boolean(i + 1 == n || i == 2));
			json_array_append_new(worst, w);
		}
		json_object_set_new(o, "worst_departments", worst);
		json_object_set_new(o, "has_worst_departments", json_boolean(n > 0));
		free(order);
	}
}

static void trend_fmt(const struct fmt *fm, json_t *o)
{
	json_t *trend = json_object_get(o, "trend");
	size_t i;
	json_t *p;
	json_array_foreach(trend, i, p)
	{
		set_pct(fm, p, "sco_rate_pct", json_real_value(json_object_get(p, "sco_rate")));
	}
}

static int cmp_rate_asc(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "sco_rate"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "sco_rate"));
	bool nx = json_is_null(json_object_get(*(json_t *const *)a, "sco_rate"));
	bool ny = json_is_null(json_object_get(*(json_t *const *)b, "sco_rate"));
	if (nx != ny)
		return nx ? 1 : -1;
	return (x > y) - (x < y);
}

json_t *context_template(const struct metrics *mt, const json_t *metrics)
{
	const struct config *c = mt->config;
	struct fmt fm = {mt, format_style(c->number_locale), c->currency};
	json_t *ctx = json_deep_copy(metrics);
	char buf[128];

	set_str(ctx, "region_label",
	        mt->region ? intern_str(mt->model->names, mt->region) : "Whole organisation");
	json_object_set_new(ctx, "is_regional", json_boolean(mt->region != 0));
	if (mt->model->data_to != BP_TIME_NONE) {
		format_long_date(buf, sizeof buf, mt->model->data_to / BP_MS_PER_DAY);
		set_str(ctx, "data_to_long", buf);
	} else {
		set_str(ctx, "data_to_long", "—");
	}
	json_object_set_new(ctx, "has_customers", json_boolean(mt->have_growth));
	json_object_set_new(ctx, "min_cases", json_integer(c->min_cases));
	set_pct(&fm, ctx, "green_share_threshold_pct", c->green_share_threshold);
	json_object_set_new(ctx, "churn_window_days", json_integer(c->churn_window_days));

	json_t *totals = json_object_get(ctx, "totals");
	figures_fmt(&fm, totals, &mt->totals, c->sco_target, SIZE_MAX);
	trend_fmt(&fm, totals);
	set_pct(&fm, totals, "kpi_green_share_pct", mt->kpi_green_share);
	json_object_set_new(totals, "has_scores", json_boolean(!isnan(mt->kpi_green_share)));
	set_pct(&fm, totals, "motion_share_pct", mt->motion_share);
	format_number(buf, sizeof buf, mt->perception_gap_pts, 0, &fm.st);
	set_str(totals, "perception_gap_pts_fmt", buf);
	json_object_set_new(
	    totals, "dashboard_greener",
	    json_boolean(!isnan(mt->perception_gap_pts) && mt->perception_gap_pts > 0));
	if (mt->have_growth) {
		const struct growth *g = &mt->growth;
		set_count(&fm, totals, "customers_start_fmt", g->customers_start);
		set_count(&fm, totals, "customers_end_fmt", g->customers_end);
		set_count(&fm, totals, "joiners_fmt", g->joiners);
		set_count(&fm, totals, "leavers_fmt", g->leavers);
		format_signed(buf, sizeof buf, (double)g->net_growth, 0, &fm.st);
		set_str(totals, "net_growth_signed", buf);
		set_money(&fm, totals, "value_end_money", g->value_end);
		set_pct(&fm, totals, "churn_after_sco_pct", g->churn_after_sco);
		set_pct(&fm, totals, "churn_after_unsuccessful_pct", g->churn_after_unsuccessful);
		set_fixed(&fm, totals, "churn_ratio_fmt", g->churn_ratio, 1);
		json_object_set_new(totals, "has_churn_ratio",
		                    json_boolean(!isnan(g->churn_ratio)));
	}

	json_t *journeys = json_object_get(ctx, "journeys");
	for (size_t i = 0; i < mt->njourneys; i++) {
		json_t *o = json_array_get(journeys, i);
		const struct journey_figures *j = &mt->journeys[i];
		figures_fmt(&fm, o, &j->f, j->sco_target, i);
		trend_fmt(&fm, o);
		json_object_set_new(o, "has_promise", json_boolean(!isnan(j->promise_days)));
		set_fixed(&fm, o, "promise_days_fmt", j->promise_days,
		          j->promise_days == floor(j->promise_days) ? 0 : 1);
	}
	json_t *goals = json_object_get(ctx, "goals");
	for (size_t i = 0; i < mt->ngoals; i++) {
		json_t *o = json_array_get(goals, i);
		const struct goal_figures *g = &mt->goals[i];
		figures_fmt(&fm, o, &g->f, g->sco_target,
		            g->njourneys == 1 ? g->journeys[0] : SIZE_MAX);
		trend_fmt(&fm, o);
		/* the journeys of the goal, with their own figures, for the goal's block */
		json_t *detail = json_array();
		for (size_t k = 0; k < g->njourneys; k++)
			json_array_append(detail, json_array_get(journeys, g->journeys[k]));
		json_object_set_new(o, "journey_details", detail);
		json_object_set_new(o, "single_journey", json_boolean(g->njourneys == 1));
	}
	/* goals worst first (lowest SCO rate; goals with no cases last) */
	size_t ng = json_array_size(goals);
	json_t **sorted = xreallocarray(NULL, ng ? ng : 1, sizeof *sorted);
	for (size_t i = 0; i < ng; i++)
		sorted[i] = json_array_get(goals, i);
	qsort(sorted, ng, sizeof *sorted, cmp_rate_asc);
	json_t *worst = json_array();
	for (size_t i = 0; i < ng; i++)
		json_array_append(worst, sorted[i]);
	json_object_set_new(ctx, "goals_worst_first", worst);
	free(sorted);

	/* the three biggest significant movers */
	json_t *movers = json_array();
	size_t nj = mt->njourneys;
	bool *used = xcalloc(nj + 1, 1);
	for (int pick = 0; pick < 3; pick++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < nj; i++) {
			const struct figures *f = &mt->journeys[i].f;
			if (used[i] || !f->change_significant || isnan(f->sco_change_pts))
				continue;
			if (best == SIZE_MAX ||
			    fabs(f->sco_change_pts) > fabs(mt->journeys[best].f.sco_change_pts))
				best = i;
		}
		if (best == SIZE_MAX)
			break;
		used[best] = true;
		json_array_append(movers, json_array_get(journeys, best));
	}
	free(used);
	json_object_set_new(ctx, "has_movers", json_boolean(json_array_size(movers) > 0));
	json_object_set_new(ctx, "movers", movers);

	/* watermelons */
	json_t *wms = json_object_get(ctx, "watermelons");
	for (size_t i = 0; i < mt->nwatermelons; i++) {
		json_t *o = json_array_get(wms, i);
		const struct watermelon *w = &mt->watermelons[i];
		set_pct(&fm, o, "green_share_pct", w->green_share);
		set_pct(&fm, o, "sco_rate_pct", w->sco_rate);
		set_pct(&fm, o, "sco_target_pct", w->sco_target);
		set_count(&fm, o, "cases_fmt", w->cases);
		format_number(buf, sizeof buf, w->shortfall_pts, 0, &fm.st);
		set_str(o, "shortfall_pts_fmt", buf);
		set_str(o, "goal", mt->journeys[w->journey].goal);
	}
	json_object_set_new(ctx, "has_watermelons", json_boolean(mt->nwatermelons > 0));

	/* departments, each with its KPIs and the journeys they serve */
	json_t *depts = json_object_get(ctx, "departments");
	json_t *kpis = json_object_get(ctx, "kpis");
	static const char *const status_words[] = {"Green", "Amber", "Red"};
	long max_failures = 0;
	for (size_t d = 0; d < mt->ndepts; d++)
		if (mt->depts[d].failure_contacts > max_failures)
			max_failures = mt->depts[d].failure_contacts;
	for (size_t d = 0; d < mt->ndepts; d++) {
		json_t *o = json_array_get(depts, d);
		const struct dept_figures *df = &mt->depts[d];
		set_pct(&fm, o, "green_share_pct", df->green_share);
		set_pct(&fm, o, "sco_rate_touched_pct", df->sco_rate_touched);
		set_count(&fm, o, "cases_touched_fmt", df->cases_touched);
		set_count(&fm, o, "failure_contacts_fmt", df->failure_contacts);
		json_object_set_new(o, "has_kpis", json_boolean(df->kpis > 0));
		set_pct(&fm, o, "failure_share_of_all_pct",
		        mt->totals.failure_contacts
		            ? (double)df->failure_contacts / (double)mt->totals.failure_contacts
		            : NAN);
		json_t *list = json_array();
		for (size_t k = 0; k < mt->nkpis; k++) {
			if (mt->kpis[k].dept_index != d)
				continue;
			const struct kpi *kp = mt->kpis[k].kpi;
			json_t *ko = json_deep_copy(json_array_get(kpis, k));
			set_str(ko, "status_word", status_words[mt->kpis[k].status]);
			const char *unit = kp->unit ? intern_str(mt->model->names, kp->unit) : "";
			int digits = fabs(kp->actual - round(kp->actual)) > 1e-9 ||
			                     fabs(kp->target - round(kp->target)) > 1e-9
			                 ? 1
			                 : 0;
			char a[64], t[64];
			format_number(a, sizeof a, kp->actual, digits, &fm.st);
			format_number(t, sizeof t, kp->target, digits, &fm.st);
			bool pct = strcmp(unit, "%") == 0;
			bool money = strcmp(unit, "currency") == 0;
			if (money) {
				format_money(a, sizeof a, kp->actual, fm.currency, &fm.st);
				format_money(t, sizeof t, kp->target, fm.currency, &fm.st);
			}
			char av[96], tv[96];
			snprintf(av, sizeof av, "%s%s%s", a,
			         pct ? "\xC2\xA0%"
			             : (*unit && !money && strcmp(unit, "count") ? "\xC2\xA0" : ""),
			         pct ? "" : (*unit && !money && strcmp(unit, "count") ? unit : ""));
			snprintf(tv, sizeof tv, "%s %s%s%s",
			         kp->direction == DIRECTION_LOWER ? "≤" : "≥", t,
			         pct ? "\xC2\xA0%"
			             : (*unit && !money && strcmp(unit, "count") ? "\xC2\xA0" : ""),
			         pct ? "" : (*unit && !money && strcmp(unit, "count") ? unit : ""));
			set_str(ko, "actual_fmt", av);
			set_str(ko, "target_fmt", tv);
			set_str(ko, "kind_word",
			        kp->kind == KIND_OUTCOME ? "impact (outcome)" : "motion (output)");
			/* the journeys it serves, with their SCO rate beside */
			json_t *serves = json_array();
			for (uint32_t j = 0; j < kp->njourneys; j++) {
				sym js = mt->model->kpi_journeys[kp->journey_off + j];
				json_t *so = json_object();
				set_str(so, "journey", intern_str(mt->model->names, js));
				double rate = NAN;
				for (size_t x = 0; x < mt->njourneys; x++)
					if (mt->journeys[x].name == js)
						rate = mt->journeys[x].f.sco_rate;
				set_pct(&fm, so, "sco_rate_pct", rate);
				json_object_set_new(so, "last",
				                    json_boolean(j + 1 == kp->njourneys));
				json_array_append_new(serves, so);
			}
			json_object_set_new(ko, "serves", serves);
			json_object_set_new(ko, "serves_any", json_boolean(kp->njourneys > 0));
			json_array_append_new(list, ko);
		}
		json_object_set_new(o, "kpi_list", list);
	}
	json_object_set_new(ctx, "has_failure_demand", json_boolean(max_failures > 0));

	/* the heat map: journeys × departments, cells "successful/cases" */
	json_t *heat = json_object();
	json_t *cols = json_array();
	for (size_t d = 0; d < mt->ndepts; d++)
		json_array_append_new(cols,
		                      json_string(intern_str(mt->model->names, mt->depts[d].name)));
	json_object_set_new(heat, "departments", cols);
	json_t *rows = json_array();
	for (size_t j = 0; j < mt->njourneys; j++) {
		json_t *row = json_object();
		set_str(row, "journey", intern_str(mt->model->names, mt->journeys[j].name));
		json_t *cells = json_array();
		for (size_t d = 0; d < mt->ndepts; d++) {
			const struct cell *cl = &mt->cells[j * mt->ndepts + d];
			json_t *co = json_object();
			if (cl->cases) {
				snprintf(buf, sizeof buf, "%ld/%ld", cl->successful, cl->cases);
				set_str(co, "value", buf);
			} else {
				set_str(co, "value", "");
			}
			json_array_append_new(cells, co);
		}
		json_object_set_new(row, "cells", cells);
		json_array_append_new(rows, row);
	}
	json_object_set_new(heat, "rows", rows);
	json_object_set_new(ctx, "heatmap", heat);
	bool any_cell = false;
	for (size_t i = 0; i < mt->njourneys * mt->ndepts && !any_cell; i++)
		any_cell = mt->cells[i].cases > 0;
	json_object_set_new(ctx, "has_heatmap", json_boolean(any_cell));

	/* data quality as lists a template can walk */
	json_t *dq = json_object_get(ctx, "data_quality");
	json_t *files = json_array();
	for (size_t i = 0; i < mt->model->dq->nfiles; i++) {
		const struct dq_file *f = &mt->model->dq->files[i];
		json_t *o = json_object();
		set_str(o, "name", f->name);
		set_count(&fm, o, "rows_read_fmt", f->rows_read);
		set_count(&fm, o, "rows_rejected_fmt", f->rows_rejected);
		json_array_append_new(files, o);
	}
	json_object_set_new(dq, "file_list", files);
	json_object_set_new(dq, "has_issues", json_boolean(mt->model->dq->nissues > 0));
	json_object_set_new(dq, "has_notes", json_boolean(mt->model->dq->nnotes > 0));
	/* the PDF lists the first rejected rows; the workbook and the JSON list them all */
	json_t *all = json_object_get(dq, "issues"), *shown = json_array();
	for (size_t i = 0; i < json_array_size(all) && i < 50; i++)
		json_array_append(shown, json_array_get(all, i));
	json_object_set_new(dq, "issues_shown", shown);
	json_object_set_new(dq, "issues_more",
	                    json_array_size(all) > 50
	                        ? json_integer((json_int_t)json_array_size(all) - 50)
	                        : json_false());
	set_count(&fm, dq, "rows_read_fmt", dq_rows_read(mt->model->dq));
	set_count(&fm, dq, "rows_rejected_fmt", dq_rows_rejected(mt->model->dq));
	return ctx;
}
