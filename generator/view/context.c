#include "view/context.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "in/config.h"
#include "util/format.h"
#include "util/strbuf.h"
#include "util/diag.h"
#include "util/xmem.h"

/* Examples of each kind of rejection or note the PDF shows (pack.md: at most five). */
#define DQ_EXAMPLES 5

/* The PDF's timeline of a story shows STORY_SHOWN of its rows. */
#define STORY_SHOWN 8


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

/* "Sales'" and "Field Operations'", "Billing's": the possessive of a name (docs/templates.md). */
static void set_possessive(json_t *o, const char *k, const char *name)
{
	size_t n = strlen(name);
	struct strbuf b = STRBUF_INIT;
	strbuf_append(&b, name, n);
	if (n && (name[n - 1] == 's' || name[n - 1] == 'S'))
		strbuf_append(&b, "'", 1);
	else
		strbuf_append(&b, "'s", 2);
	char *v = strbuf_detach(&b);
	set_str(o, k, v);
	free(v);
}

static long min_volume(const struct metrics *mt)
{
	return mt->config->min_cases > 0 ? mt->config->min_cases : 1;
}

/*
 * The volume-aware flags of a set of figures: singular and plural, "unchanged", and the tone of
 * the outcome card decided by the figure against its target, never by volume too small to judge.
 */
static void volume_fmt(const struct fmt *fm, json_t *o, const struct figures *f, double target)
{
	const struct metrics *mt = fm->mt;
	bool has = f->cases_concluded > 0, judged = has && !f->low_volume;
	long rounded = isnan(f->sco_change_pts) ? 0 : lround(f->sco_change_pts);
	json_object_set_new(o, "judged", json_boolean(judged));
	json_object_set_new(o, "successful_one", json_boolean(f->successful == 1));
	json_object_set_new(o, "change_none", json_boolean(rounded == 0));
	json_object_set_new(o, "change_pts_one", json_boolean(labs(rounded) == 1));
	json_object_set_new(o, "prev_few", json_boolean(f->prev_concluded < min_volume(mt)));
	json_object_set_new(o, "movable",
	                    json_boolean(f->cases_concluded >= min_volume(mt) &&
	                                 f->prev_concluded >= min_volume(mt)));
	json_object_set_new(o, "customers_lost_one", json_boolean(f->customers_lost == 1));
	set_str(o, "sco_tone", !judged ? "neutral" : f->sco_rate < target ? "bad" : "good");
	set_str(o, "lost_tone",
	        !judged || f->customers_lost < 0 ? "neutral"
	        : f->customers_lost > 0          ? "bad"
	                                         : "good");
	set_str(o, "failure_tone",
	        !judged || f->contacts == 0 ? "neutral"
	        : f->failure_contacts > 0   ? "bad"
	                                    : "good");
	char buf[64];
	format_number(buf, sizeof buf, has ? (target - f->sco_rate) * 100 : NAN, 0, &fm->st);
	set_str(o, "short_pts_fmt", buf);
	json_object_set_new(o, "short_pts_one",
	                    json_boolean(has && lround((target - f->sco_rate) * 100) == 1));
}

/*
 * Where it breaks, for journey (SIZE_MAX: none): the departments whose cases of the journey did
 * worse than the journey's cases that did not pass through them, both sides with min_cases,
 * largest gap first, at most three (metrics.md, breaks[]).
 */
static void journey_breaks(const struct fmt *fm, json_t *o, size_t journey)
{
	const struct metrics *mt = fm->mt;
	json_t *list = json_array();
	bool comparable = false;
	for (size_t i = 0; journey != SIZE_MAX && i < mt->nbreaks; i++) {
		const struct brk *b = &mt->breaks[i];
		if (b->journey != journey || !b->comparable)
			continue;
		comparable = true;
		if (lround(b->gap_pts) < 1 || json_array_size(list) == 3)
			continue;
		json_t *w = json_object();
		const char *dn = intern_str(mt->model->names, mt->depts[b->dept].name);
		set_str(w, "department", dn);
		set_possessive(w, "department_possessive", dn);
		set_pct(fm, w, "sco_rate_pct", b->sco_rate);
		set_pct(fm, w, "sco_rate_untouched_pct", b->sco_rate_untouched);
		set_count(fm, w, "cases_fmt", b->cases);
		set_count(fm, w, "cases_untouched_fmt", b->cases_untouched);
		json_object_set_new(w, "cases_one", json_boolean(b->cases == 1));
		json_object_set_new(w, "untouched_one", json_boolean(b->cases_untouched == 1));
		char buf[64];
		format_number(buf, sizeof buf, b->gap_pts, 0, &fm->st);
		set_str(w, "gap_pts_fmt", buf);
		json_object_set_new(w, "gap_pts_one", json_boolean(lround(b->gap_pts) == 1));
		json_array_append_new(list, w);
	}
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(json_array_get(list, i), "last", json_boolean(i + 1 == n));
	json_object_set_new(o, "breaks", list);
	json_object_set_new(o, "has_breaks", json_boolean(n > 0));
	json_object_set_new(o, "breaks_comparable", json_boolean(comparable));
}

/*
 * The second edition's figures for decisions, formatted: the same period a year before (stated
 * only when both sides have min_cases journeys, as a change is), the cost of failure demand, and
 * the touchpoints that were failure demand most often.
 */
static void decisions_fmt(const struct fmt *fm, json_t *o, const struct figures *f)
{
	const struct metrics *mt = fm->mt;
	set_pct(fm, o, "prev_year_sco_rate_pct", f->prev_year_sco_rate);
	json_object_set_new(o, "has_prev_year",
	                    json_boolean(f->cases_concluded >= min_volume(mt) &&
	                                 f->prev_year_concluded >= min_volume(mt)));
	char label[16];
	period_label(mt->year_ago, mt->config->period_length, label);
	set_str(o, "year_ago_period", label);
	set_money(fm, o, "failure_demand_cost_money", f->failure_demand_cost);
	json_object_set_new(
	    o, "has_failure_cost",
	    json_boolean(!isnan(f->failure_demand_cost) && f->failure_contacts > 0));
	json_t *tps = json_object_get(o, "failure_touchpoints");
	size_t i;
	json_t *t;
	json_array_foreach(tps, i, t)
	{
		set_count(fm, t, "contacts_fmt", f->touchpoints[i].contacts);
		json_object_set_new(t, "has_name", json_boolean(f->touchpoints[i].touchpoint != 0));
		json_object_set_new(t, "last", json_boolean(i + 1 == json_array_size(tps)));
	}
	json_object_set_new(o, "has_failure_touchpoints", json_boolean(f->ntouchpoints > 0));
}

/*
 * Why a story was not a successful outcome: its outcome, or achieved late (after the journey's
 * promise_days) or after chasing (more failure contacts than the journey allows).
 */
static void story_ending_fmt(const struct fmt *fm, json_t *s, const struct bp_case *k)
{
	const struct journey_figures *jf = NULL;
	for (size_t i = 0; i < fm->mt->njourneys; i++)
		if (fm->mt->journeys[i].name == k->journey)
			jf = &fm->mt->journeys[i];
	bool achieved = k->outcome == OUTCOME_ACHIEVED;
	json_object_set_new(s, "ended_achieved", json_boolean(achieved));
	json_object_set_new(s, "ended_failed", json_boolean(k->outcome == OUTCOME_FAILED));
	json_object_set_new(s, "ended_abandoned", json_boolean(k->outcome == OUTCOME_ABANDONED));
	bool late =
	    achieved && jf && !isnan(jf->promise_days) && metrics_case_days(k) > jf->promise_days;
	json_object_set_new(s, "was_late", json_boolean(late));
	json_object_set_new(
	    s, "chased",
	    json_boolean(achieved && jf && k->failure_contacts > jf->max_failure_contacts));
	if (jf && !isnan(jf->promise_days))
		set_fixed(fm, s, "promise_days_fmt", jf->promise_days,
		          jf->promise_days == floor(jf->promise_days) ? 0 : 1);
}

/* One row of a story: its date, time and day of the journey, and labels that are never null. */
static void story_row_fmt(const struct fmt *fm, json_t *r, int64_t first_day)
{
	const char *t = json_string_value(json_object_get(r, "time"));
	bp_time ts;
	if (!t || value_parse_time(t, strlen(t), DATE_ISO, &ts))
		return;
	char buf[64];
	int64_t day = ts >= 0 ? ts / BP_MS_PER_DAY : 0;
	format_long_date(buf, sizeof buf, day);
	set_str(r, "date_long", buf);
	format_short_date(buf, sizeof buf, day);
	set_str(r, "date_short", buf);
	snprintf(buf, sizeof buf, "%.5s", t + 11);
	set_str(r, "time_hm", buf);
	set_count(fm, r, "day_fmt", (long)(day - first_day) + 1);
	/* labels that are never null, so that no name is looked up in an outer section */
	json_t *tp = json_object_get(r, "touchpoint"), *ch = json_object_get(r, "channel");
	json_t *oc = json_object_get(r, "outcome"), *dp = json_object_get(r, "department");
	set_str(r, "touchpoint_label",
	        json_is_string(tp) ? json_string_value(tp) : "(no touchpoint recorded)");
	set_str(r, "channel_label", json_is_string(ch) ? json_string_value(ch) : "—");
	set_str(r, "department_label", json_is_string(dp) ? json_string_value(dp) : "—");
	/* who handled it, and how: "Sales, app", or "Sales" when no channel was recorded */
	char *who = xasprintf("%s%s%s", json_is_string(dp) ? json_string_value(dp) : "—",
	                      json_is_string(ch) ? ", " : "",
	                      json_is_string(ch) ? json_string_value(ch) : "");
	set_str(r, "who", who);
	free(who);
	json_object_set_new(r, "ends", json_is_string(oc) ? json_incref(oc) : json_false());
}

/*
 * The PDF's timeline: at most STORY_SHOWN rows, the first and the last halves, and where rows are
 * left out (the story has total of them), a row that says how many.
 */
static json_t *story_timeline(const struct fmt *fm, const json_t *rows, long total)
{
	json_t *tl = json_array();
	size_t nr = json_array_size(rows);
	bool cut = total > STORY_SHOWN;
	for (size_t k = 0; k < nr; k++) {
		if (cut && (long)k == STORY_SHOWN / 2) {
			json_t *gap = json_object();
			json_object_set_new(gap, "gap", json_true());
			set_count(fm, gap, "left_out_fmt", total - STORY_SHOWN);
			json_array_append_new(tl, gap);
			k = nr - STORY_SHOWN / 2;
		}
		json_t *row = json_deep_copy(json_array_get(rows, k));
		json_object_set_new(row, "gap", json_false());
		json_array_append_new(tl, row);
	}
	return tl;
}

/* A story's rows for the timeline: the date, the time, and the day of the journey. */
static void story_fmt(const struct fmt *fm, json_t *goal, size_t ix)
{
	json_t *s = json_object_get(goal, "customer_journey");
	json_object_set_new(goal, "has_customer_journey", json_boolean(json_is_object(s)));
	if (!json_is_object(s))
		return;
	const struct model *m = fm->mt->model;
	const struct bp_case *k = &m->cases[ix];
	set_fixed(fm, s, "days_fmt", metrics_case_days(k), 1);
	story_ending_fmt(fm, s, k);
	set_count(fm, s, "contacts_fmt", k->contacts);
	set_count(fm, s, "failure_contacts_fmt", k->failure_contacts);
	json_object_set_new(s, "failure_contacts_one", json_boolean(k->failure_contacts == 1));
	json_t *rows = json_object_get(s, "rows");
	json_object_set_new(s, "has_rows", json_boolean(json_array_size(rows) > 0));
	long total = (long)json_integer_value(json_object_get(s, "rows_total"));
	size_t i;
	json_t *r;
	int64_t first_day = k->start >= 0 ? k->start / BP_MS_PER_DAY : 0;
	json_array_foreach(rows, i, r)
	{
		story_row_fmt(fm, r, first_day);
	}
	json_object_set_new(s, "timeline", story_timeline(fm, rows, total));
	/* the year of the story's start, said once above its dates */
	size_t nr = json_array_size(rows);
	char year[16];
	snprintf(year, sizeof year, "%.4s",
	         nr ? json_string_value(json_object_get(json_array_get(rows, 0), "time")) : "");
	set_str(s, "year", year);
}

/* The departments where goal g breaks (comparable, at least a point worse), largest gap first. */
static json_t *goal_owners(const struct fmt *fm, size_t g)
{
	const struct metrics *mt = fm->mt;
	json_t *list = json_array();
	for (size_t i = 0; i < mt->nbreaks && json_array_size(list) < 3; i++) {
		const struct brk *b = &mt->breaks[i];
		if (!b->comparable || lround(b->gap_pts) < 1 ||
		    mt->journeys[b->journey].goal_index != g)
			continue;
		const char *dn = intern_str(mt->model->names, mt->depts[b->dept].name);
		bool seen = false;
		size_t k;
		json_t *v;
		json_array_foreach(list, k, v)
		{
			seen = seen ||
			       strcmp(json_string_value(json_object_get(v, "department")), dn) == 0;
		}
		if (seen)
			continue;
		json_t *w = json_object();
		set_str(w, "department", dn);
		json_array_append_new(list, w);
	}
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(json_array_get(list, i), "last", json_boolean(i + 1 == n));
	return list;
}

static int cmp_shortfall(const void *a, const void *b)
{
	const struct goal_figures *x = *(const struct goal_figures *const *)a;
	const struct goal_figures *y = *(const struct goal_figures *const *)b;
	double gx = x->sco_target - x->f.sco_rate, gy = y->sco_target - y->f.sco_rate;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	return strcmp(x->goal, y->goal);
}

/* One ask of the board, the number-th: goal g's shortfall, its owners and the money at stake. */
static json_t *ask_fmt(const struct fmt *fm, const struct goal_figures *g, long number)
{
	const struct metrics *mt = fm->mt;
	json_t *o = json_object();
	set_str(o, "goal", g->goal);
	set_pct(fm, o, "sco_rate_pct", g->f.sco_rate);
	set_pct(fm, o, "sco_target_pct", g->sco_target);
	char buf[64];
	format_number(buf, sizeof buf, (g->sco_target - g->f.sco_rate) * 100, 0, &fm->st);
	set_str(o, "short_pts_fmt", buf);
	json_object_set_new(o, "short_pts_one",
	                    json_boolean(lround((g->sco_target - g->f.sco_rate) * 100) == 1));
	set_count(fm, o, "cases_concluded_fmt", g->f.cases_concluded);
	json_t *owners = goal_owners(fm, (size_t)(g - mt->goals));
	json_object_set_new(o, "has_owners", json_boolean(json_array_size(owners) > 0));
	json_object_set_new(o, "owners", owners);
	json_object_set_new(o, "has_customers", json_boolean(mt->have_growth));
	set_money(fm, o, "value_at_risk_money", g->f.value_at_risk);
	set_money(fm, o, "value_lost_money", g->f.value_lost);
	set_count(fm, o, "customers_lost_fmt", g->f.customers_lost);
	json_object_set_new(o, "customers_lost_one", json_boolean(g->f.customers_lost == 1));
	set_money(fm, o, "failure_demand_cost_money", g->f.failure_demand_cost);
	json_object_set_new(
	    o, "has_failure_cost",
	    json_boolean(!isnan(g->f.failure_demand_cost) && g->f.failure_contacts > 0));
	set_count(fm, o, "number", number);
	return o;
}

/* The asks: the goals short of their target with enough journeys to judge, largest shortfall
 * first, at most three. */
static json_t *asks_fmt(const struct fmt *fm)
{
	const struct metrics *mt = fm->mt;
	const struct goal_figures **v = xreallocarray(NULL, mt->ngoals + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < mt->ngoals; i++) {
		const struct goal_figures *g = &mt->goals[i];
		if (g->f.cases_concluded && !g->f.low_volume && g->f.sco_rate < g->sco_target)
			v[n++] = g;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_shortfall);
	json_t *asks = json_array();
	for (size_t i = 0; i < n && i < 3; i++)
		json_array_append_new(asks, ask_fmt(fm, v[i], (long)i + 1));
	free(v);
	return asks;
}

/* The actions of actions.csv: the status in words, the due date as people read it, and the
 * rates then and now as percentages. */
static void board_actions_fmt(const struct fmt *fm, json_t *ctx)
{
	json_t *actions = json_object_get(ctx, "actions");
	json_object_set_new(ctx, "has_actions_file", json_boolean(json_is_array(actions)));
	json_object_set_new(ctx, "has_actions", json_boolean(json_array_size(actions) > 0));
	static const char *const words[] = {"Open", "Done", "Late", "Dropped"};
	static const char *const keys[] = {"open", "done", "late", "dropped"};
	size_t i;
	json_t *a;
	json_array_foreach(actions, i, a)
	{
		const char *st = json_string_value(json_object_get(a, "status"));
		for (int k = 0; k < 4; k++)
			if (st && strcmp(st, keys[k]) == 0)
				set_str(a, "status_word", words[k]);
		const char *due = json_string_value(json_object_get(a, "due"));
		bp_time t;
		if (due && !value_parse_time(due, strlen(due), DATE_ISO, &t)) {
			char buf[64];
			format_long_date(buf, sizeof buf, t / BP_MS_PER_DAY);
			set_str(a, "due_long", buf);
			format_short_date(buf, sizeof buf, t / BP_MS_PER_DAY);
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, " %.4s", due);
			set_str(a, "due_short", buf);
		} else {
			set_str(a, "due_long", "—");
			set_str(a, "due_short", "—");
		}
		json_t *then = json_object_get(a, "prev_sco_rate"),
		       *now = json_object_get(a, "sco_rate");
		set_pct(fm, a, "prev_sco_rate_pct",
		        json_is_number(then) ? json_number_value(then) : NAN);
		set_pct(fm, a, "sco_rate_pct", json_is_number(now) ? json_number_value(now) : NAN);
	}
}

/*
 * What we ask the board (pack.md): each goal short of its target, with enough journeys to
 * judge, as a question with its owners (the departments where it breaks) and the money at
 * stake; the largest shortfall first, at most three. Then the actions of actions.csv, formatted.
 */
static void board_fmt(const struct fmt *fm, json_t *ctx)
{
	json_t *asks = asks_fmt(fm);
	json_object_set_new(ctx, "first_ask",
	                    json_array_size(asks) ? json_incref(json_array_get(asks, 0))
	                                          : json_object());
	set_count(fm, ctx, "asks_count_fmt", (long)json_array_size(asks));
	json_object_set_new(ctx, "asks_one", json_boolean(json_array_size(asks) == 1));
	json_object_set_new(ctx, "asks", asks);
	json_object_set_new(ctx, "has_asks", json_boolean(json_array_size(asks) > 0));
	board_actions_fmt(fm, ctx);
}

/* One of the customer view's trend lines (figure cards): the totals' trend periods, oldest
 * first, "-" for a period without the figure. */
static void spark(json_t *o, const char *k, const struct figures *f, int which)
{
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < f->ntrend; i++) {
		const struct trend_point *t = &f->trend[i];
		double rate = t->concluded ? (double)t->successful / (double)t->concluded : NAN;
		double v =
		    which == 0   ? rate
		    : which == 1 ? (t->customers_lost < 0 ? NAN : (double)t->customers_lost)
		    : which == 2
		        ? (t->contacts ? (double)t->failure_contacts / (double)t->contacts : NAN)
		        : (t->kpi_green_share - rate) * 100;
		if (i)
			strbuf_putc(&b, ' ');
		if (isnan(v) || isinf(v))
			strbuf_putc(&b, '-');
		else
			strbuf_printf(&b, "%.6g", v);
	}
	set_str(o, k, strbuf_str(&b));
	strbuf_free(&b);
}

/* The facts behind the titles that state each section's message (pack.md). */
static void titles_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	/* the worst goal with enough journeys to judge */
	json_t *worst = json_object_get(ctx, "goals_worst_first"), *pick = NULL;
	size_t i;
	json_t *g;
	json_array_foreach(worst, i, g)
	{
		if (!pick && json_is_true(json_object_get(g, "judged")))
			pick = g;
	}
	json_object_set_new(ctx, "has_worst_goal", json_boolean(pick != NULL));
	json_object_set_new(ctx, "worst_goal", pick ? json_incref(pick) : json_object());
	/* the department where a journey breaks most */
	json_t *wb = json_object();
	bool has = false;
	for (size_t k = 0; k < mt->nbreaks && !has; k++) {
		const struct brk *b = &mt->breaks[k];
		if (!b->comparable || lround(b->gap_pts) < 1)
			continue;
		has = true;
		set_str(wb, "department", intern_str(mt->model->names, mt->depts[b->dept].name));
		set_str(wb, "journey", intern_str(mt->model->names, mt->journeys[b->journey].name));
		set_pct(fm, wb, "sco_rate_pct", b->sco_rate);
		set_pct(fm, wb, "sco_rate_untouched_pct", b->sco_rate_untouched);
	}
	json_object_set_new(ctx, "has_worst_break", json_boolean(has));
	json_object_set_new(ctx, "worst_break", wb);
	/* the region whose customers fared worst, with enough journeys to judge */
	json_t *wr = json_object();
	has = false;
	for (size_t k = 0; k < mt->nregions && !has; k++) {
		const struct region_figures *r = &mt->regions[k];
		if (!r->f.cases_concluded || r->f.low_volume)
			continue;
		has = true;
		set_str(wr, "region", r->label);
		set_pct(fm, wr, "sco_rate_pct", r->f.sco_rate);
	}
	json_object_set_new(ctx, "has_worst_region", json_boolean(has && !mt->region));
	json_object_set_new(ctx, "worst_region", wr);
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
	volume_fmt(fm, o, f, target);
	journey_breaks(fm, o, journey);
	decisions_fmt(fm, o, f);
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

/* The movers: up to three goals whose change is significant and whose volume, now and before, is at
 * least min_cases; largest change first (pack.md, "Honest at every volume"). */
static void movers_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *goals = json_object_get(ctx, "goals");
	json_t *movers = json_array();
	size_t ng = mt->ngoals;
	bool *used = xcalloc(ng + 1, 1), judgeable = false;
	for (size_t i = 0; i < ng; i++)
		judgeable |= mt->goals[i].f.cases_concluded >= min_volume(mt) &&
		             mt->goals[i].f.prev_concluded >= min_volume(mt);
	for (int pick = 0; pick < 3; pick++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < ng; i++) {
			const struct figures *f = &mt->goals[i].f;
			if (used[i] || !f->change_significant || isnan(f->sco_change_pts) ||
			    f->cases_concluded < min_volume(mt) ||
			    f->prev_concluded < min_volume(mt))
				continue;
			if (best == SIZE_MAX ||
			    fabs(f->sco_change_pts) > fabs(mt->goals[best].f.sco_change_pts))
				best = i;
		}
		if (best == SIZE_MAX)
			break;
		used[best] = true;
		json_array_append(movers, json_array_get(goals, best));
	}
	free(used);
	json_object_set_new(ctx, "has_movers", json_boolean(json_array_size(movers) > 0));
	json_object_set_new(ctx, "movers_judgeable", json_boolean(judgeable));
	json_object_set_new(ctx, "movers", movers);
}

/*
 * The goals short of target (not low-volume), worst first, with how many were judged, how many
 * had too few journeys and the range of the shortfalls. Returns the largest shortfall in points,
 * NAN when no goal is short.
 */
static double short_goals_fmt(const struct fmt *fm, json_t *ctx, json_t *totals)
{
	const struct metrics *mt = fm->mt;
	char buf[64];
	json_t *list = json_array();
	double lo = NAN, hi = NAN;
	json_t *worst = json_object_get(ctx, "goals_worst_first");
	size_t i;
	json_t *g;
	json_array_foreach(worst, i, g)
	{
		for (size_t k = 0; k < mt->ngoals; k++) {
			const struct goal_figures *gf = &mt->goals[k];
			if (strcmp(gf->goal, json_string_value(json_object_get(g, "goal"))) != 0)
				continue;
			if (gf->f.cases_concluded == 0 || gf->f.low_volume ||
			    !(gf->f.sco_rate < gf->sco_target))
				break;
			double pts = (gf->sco_target - gf->f.sco_rate) * 100;
			lo = isnan(lo) ? pts : fmin(lo, pts);
			hi = isnan(hi) ? pts : fmax(hi, pts);
			json_array_append(list, g);
			break;
		}
	}
	json_object_set_new(totals, "goals_short_list", list);
	json_object_set_new(totals, "has_goals_short", json_boolean(mt->goals_short > 0));
	json_object_set_new(totals, "goals_short_one", json_boolean(mt->goals_short == 1));
	set_count(fm, totals, "goals_short_fmt", mt->goals_short);
	set_count(fm, totals, "goals_judged_fmt", mt->goals_judged);
	json_object_set_new(totals, "goals_judged_one", json_boolean(mt->goals_judged == 1));
	json_object_set_new(
	    totals, "goals_all_short",
	    json_boolean(mt->goals_judged > 0 && mt->goals_short == mt->goals_judged));
	json_object_set_new(totals, "has_goals_judged", json_boolean(mt->goals_judged > 0));
	long few = 0;
	for (size_t k = 0; k < mt->ngoals; k++)
		few += mt->goals[k].f.cases_concluded > 0 && mt->goals[k].f.low_volume;
	set_count(fm, totals, "goals_few_fmt", few);
	json_object_set_new(totals, "goals_few_one", json_boolean(few == 1));
	json_object_set_new(totals, "has_goals_few", json_boolean(few > 0));
	format_number(buf, sizeof buf, lo, 0, &fm->st);
	set_str(totals, "goals_short_min_pts_fmt", buf);
	format_number(buf, sizeof buf, hi, 0, &fm->st);
	set_str(totals, "goals_short_max_pts_fmt", buf);
	json_object_set_new(totals, "goals_short_range",
	                    json_boolean(!isnan(lo) && lround(lo) != lround(hi)));
	return hi;
}

/* The dashboards: their green share against outcomes, judged only on enough journeys. */
static void perception_fmt(const struct fmt *fm, json_t *totals)
{
	const struct metrics *mt = fm->mt;
	bool judged = mt->totals.cases_concluded > 0 && !mt->totals.low_volume;
	bool scores = !isnan(mt->kpi_green_share);
	set_str(totals, "perception_tone",
	        !judged || !scores || isnan(mt->perception_gap_pts) ? "neutral"
	        : mt->perception_gap_pts > 0                        ? "bad"
	                                                            : "good");
	json_object_set_new(totals, "has_gap", json_boolean(!isnan(mt->perception_gap_pts)));
	json_object_set_new(totals, "perception_gap_one",
	                    json_boolean(!isnan(mt->perception_gap_pts) &&
	                                 labs(lround(mt->perception_gap_pts)) == 1));
}

/* Churn after successful and unsuccessful cases: shares with one decimal so that their ratio
 * reads true beside them, judged only when both sides have enough cases. */
static void churn_fmt(const struct fmt *fm, json_t *totals, const struct growth *gr)
{
	const struct metrics *mt = fm->mt;
	char buf[64];
	format_percent(buf, sizeof buf, gr->churn_after_sco, 1, &fm->st);
	set_str(totals, "churn_after_sco_pct1", buf);
	format_percent(buf, sizeof buf, gr->churn_after_unsuccessful, 1, &fm->st);
	set_str(totals, "churn_after_unsuccessful_pct1", buf);
	set_count(fm, totals, "sco_cases_known_fmt", gr->sco_cases_known);
	set_count(fm, totals, "unsuccessful_cases_known_fmt", gr->unsuccessful_cases_known);
	json_object_set_new(totals, "sco_cases_known_one", json_boolean(gr->sco_cases_known == 1));
	json_object_set_new(totals, "unsuccessful_cases_known_one",
	                    json_boolean(gr->unsuccessful_cases_known == 1));
	json_object_set_new(totals, "churn_judgeable",
	                    json_boolean(gr->sco_cases_known >= min_volume(mt) &&
	                                 gr->unsuccessful_cases_known >= min_volume(mt)));
	json_object_set_new(
	    totals, "churn_ratio_about_one",
	    json_boolean(!isnan(gr->churn_ratio) && lround(gr->churn_ratio * 10) == 10));
	json_object_set_new(totals, "net_growth_zero", json_boolean(gr->net_growth == 0));
	json_object_set_new(totals, "customers_start_one", json_boolean(gr->customers_start == 1));
	json_object_set_new(totals, "churn_after_sco_zero", json_boolean(gr->sco_cases_left == 0));
}

/* The summary's signals: goals short of target and by how much, watermelons, the motion share,
 * churn at a volume that can be judged, and the tones of the totals' cards. */
static void summary_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *totals = json_object_get(ctx, "totals");
	movers_fmt(fm, ctx);
	double hi = short_goals_fmt(fm, ctx, totals);
	/* watermelons */
	set_count(fm, totals, "watermelon_count_fmt", (long)mt->nwatermelons);
	json_object_set_new(totals, "watermelon_one", json_boolean(mt->nwatermelons == 1));
	json_object_set_new(ctx, "watermelons_judgeable", json_boolean(mt->watermelons_judgeable));
	perception_fmt(fm, totals);
	json_object_set_new(totals, "goals_short_max_one",
	                    json_boolean(!isnan(hi) && lround(hi) == 1));
	if (mt->have_growth)
		churn_fmt(fm, totals, &mt->growth);
}

/* Possessives and the journeys-through-a-department flags; failure demand by size. */
static void names_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	set_possessive(ctx, "organisation_possessive", mt->config->organisation);
	const char *scope =
	    mt->region ? intern_str(mt->model->names, mt->region) : mt->config->organisation;
	set_str(ctx, "scope_label", scope);
	set_possessive(ctx, "scope_possessive", scope);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ctx, "watermelons"), i, o)
	{
		set_possessive(o, "department_possessive",
		               json_string_value(json_object_get(o, "department")));
		json_object_set_new(
		    o, "cases_one",
		    json_boolean(json_integer_value(json_object_get(o, "cases")) == 1));
	}
	json_t *depts = json_object_get(ctx, "departments");
	json_array_foreach(depts, i, o)
	{
		set_possessive(o, "department_possessive",
		               json_string_value(json_object_get(o, "department")));
		json_object_set_new(o, "has_touched", json_boolean(mt->depts[i].cases_touched > 0));
		json_object_set_new(o, "cases_touched_one",
		                    json_boolean(mt->depts[i].cases_touched == 1));
		json_object_set_new(o, "successful_touched_one",
		                    json_boolean(mt->depts[i].successful_touched == 1));
		json_object_set_new(o, "failure_contacts_one",
		                    json_boolean(mt->depts[i].failure_contacts == 1));
	}
	/* failure demand by department, most first (ties by name), departments with none left out
	 */
	size_t n = mt->ndepts, k = 0;
	size_t *order = xreallocarray(NULL, n ? n : 1, sizeof *order);
	for (size_t d = 0; d < n; d++)
		if (mt->depts[d].failure_contacts > 0)
			order[k++] = d;
	for (size_t a = 1; a < k; a++) {
		size_t x = order[a], j = a;
		while (j > 0 &&
		       mt->depts[order[j - 1]].failure_contacts < mt->depts[x].failure_contacts) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	json_t *bars = json_array();
	for (size_t a = 0; a < k; a++)
		json_array_append(bars, json_array_get(depts, order[a]));
	free(order);
	json_object_set_new(ctx, "failure_demand_by_size", bars);
}

/*
 * A deep copy of the metrics for the template, without the full lists of rejected rows and
 * notes: the PDF summarises them by kind (dq_kinds), so its size and build time do not grow
 * with their number (pack.md, "Fit to email, whatever the data").
 */
static json_t *template_copy(const json_t *metrics)
{
	json_t *ctx = json_object();
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)metrics, k, v)
	{
		if (strcmp(k, "data_quality") != 0) {
			json_object_set_new(ctx, k, json_deep_copy(v));
			continue;
		}
		json_t *dq = json_object();
		const char *dk;
		json_t *dv;
		json_object_foreach(v, dk, dv)
		{
			if (strcmp(dk, "issues") != 0 && strcmp(dk, "notes") != 0)
				json_object_set_new(dq, dk, json_deep_copy(dv));
		}
		json_object_set_new(ctx, k, dq);
	}
	return ctx;
}

/* One kind of rejection or note, for the summary by kind. */
struct kind_sum {
	const char *kind;
	bool rejection;
	long count;
	size_t first; /* index of its first entry (the lists are in file and line order) */
	size_t examples[DQ_EXAMPLES];
	int nexamples;
};

static struct kind_sum *kind_of(struct kind_sum **v, size_t *n, const char *kind, bool rejection)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].rejection == rejection && strcmp((*v)[i].kind, kind) == 0)
			return &(*v)[i];
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n] = (struct kind_sum){.kind = kind, .rejection = rejection};
	return &(*v)[(*n)++];
}

static int cmp_kind(const void *a, const void *b)
{
	const struct kind_sum *x = a, *y = b;
	if (x->rejection != y->rejection)
		return x->rejection ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

static json_t *example_json(const struct fmt *fm, const char *file, long line, long column,
                            const char *message)
{
	json_t *e = json_object();
	set_str(e, "file", file);
	if (line > 0)
		set_count(fm, e, "line_fmt", line);
	else
		json_object_set_new(e, "line_fmt", json_false());
	if (column > 0)
		json_object_set_new(e, "column", json_integer(column));
	else
		json_object_set_new(e, "column", json_false());
	set_str(e, "message", message);
	return e;
}

/*
 * The pack's rejections and notes by kind (pack.md, "About these figures"): each kind's count
 * and its first DQ_EXAMPLES entries in file and line order. Rejections first, then notes;
 * within each, the most frequent kind first.
 */
static json_t *dq_kinds(const struct fmt *fm)
{
	const struct metrics *mt = fm->mt;
	const struct dq *d = mt->model->dq;
	struct kind_sum *v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < d->nissues; i++) {
		if (!dq_in_scope(d->issues[i].scope, mt->region))
			continue;
		struct kind_sum *k = kind_of(&v, &n, d->issues[i].kind, true);
		if (k->nexamples < DQ_EXAMPLES)
			k->examples[k->nexamples++] = i;
		k->count++;
	}
	for (size_t i = 0; i < d->nnotes; i++) {
		if (!dq_in_scope(d->notes[i].scope, mt->region))
			continue;
		struct kind_sum *k = kind_of(&v, &n, d->notes[i].kind, false);
		if (k->nexamples < DQ_EXAMPLES)
			k->examples[k->nexamples++] = i;
		k->count++;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_kind);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct kind_sum *k = &v[i];
		json_t *o = json_object();
		set_str(o, "kind", k->kind);
		json_object_set_new(o, "is_rejection", json_boolean(k->rejection));
		set_count(fm, o, "count_fmt", k->count);
		json_object_set_new(o, "count", json_integer(k->count));
		json_object_set_new(o, "one", json_boolean(k->count == 1));
		json_t *ex = json_array();
		for (int e = 0; e < k->nexamples; e++) {
			if (k->rejection) {
				const struct dq_issue *is = &d->issues[k->examples[e]];
				json_array_append_new(ex, example_json(fm, d->files[is->file].name,
				                                       is->line, is->column,
				                                       is->message));
			} else {
				const struct dq_note *no = &d->notes[k->examples[e]];
				json_array_append_new(ex, example_json(fm,
				                                       no->file >= 0
				                                           ? d->files[no->file].name
				                                           : "PACK.ini",
				                                       no->line, 0, no->message));
			}
		}
		json_object_set_new(o, "examples", ex);
		long more = k->count - k->nexamples;
		if (more > 0)
			set_count(fm, o, "more_fmt", more);
		else
			json_object_set_new(o, "more_fmt", json_false());
		json_array_append_new(a, o);
	}
	free(v);
	return a;
}

/* The cover's and the method's words: the pack's scope, the data's end, the settings. */
static void cover_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	const struct config *c = mt->config;
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
	/* the data ends before the period does: the cover says the period is incomplete */
	static const char *const period_words[] = {"month", "quarter", "year"};
	set_str(ctx, "period_word", period_words[c->period_length]);
	bp_time pe = period_end(mt->period, c->period_length);
	json_object_set_new(
	    ctx, "period_incomplete",
	    json_boolean(mt->model->data_to != BP_TIME_NONE &&
	                 mt->model->data_to / BP_MS_PER_DAY < (pe - 1) / BP_MS_PER_DAY));
	json_object_set_new(ctx, "has_customers", json_boolean(mt->have_growth));
	json_object_set_new(ctx, "min_cases", json_integer(c->min_cases));
	set_pct(fm, ctx, "green_share_threshold_pct", c->green_share_threshold);
	set_pct(fm, ctx, "sco_target_default_pct", c->sco_target);
	set_pct(fm, ctx, "tolerance_pct", c->tolerance);
	json_object_set_new(ctx, "churn_window_days", json_integer(c->churn_window_days));
}

/* The whole pack's figures, their trend and sparklines, and what its customers did. */
static void totals_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	const struct config *c = mt->config;
	char buf[128];
	json_t *totals = json_object_get(ctx, "totals");
	figures_fmt(fm, totals, &mt->totals, c->sco_target, SIZE_MAX);
	trend_fmt(fm, totals);
	set_pct(fm, totals, "kpi_green_share_pct", mt->kpi_green_share);
	json_object_set_new(totals, "has_scores", json_boolean(!isnan(mt->kpi_green_share)));
	set_pct(fm, totals, "motion_share_pct", mt->motion_share);
	format_number(buf, sizeof buf, mt->perception_gap_pts, 0, &fm->st);
	set_str(totals, "perception_gap_pts_fmt", buf);
	spark(totals, "spark_rate", &mt->totals, 0);
	spark(totals, "spark_lost", &mt->totals, 1);
	spark(totals, "spark_failure", &mt->totals, 2);
	spark(totals, "spark_gap", &mt->totals, 3);
	json_object_set_new(
	    totals, "dashboard_greener",
	    json_boolean(!isnan(mt->perception_gap_pts) && mt->perception_gap_pts > 0));
	if (mt->have_growth) {
		const struct growth *g = &mt->growth;
		set_count(fm, totals, "customers_start_fmt", g->customers_start);
		set_count(fm, totals, "customers_end_fmt", g->customers_end);
		set_count(fm, totals, "joiners_fmt", g->joiners);
		set_count(fm, totals, "leavers_fmt", g->leavers);
		format_signed(buf, sizeof buf, (double)g->net_growth, 0, &fm->st);
		set_str(totals, "net_growth_signed", buf);
		set_money(fm, totals, "value_end_money", g->value_end);
		set_pct(fm, totals, "churn_after_sco_pct", g->churn_after_sco);
		set_pct(fm, totals, "churn_after_unsuccessful_pct", g->churn_after_unsuccessful);
		set_fixed(fm, totals, "churn_ratio_fmt", g->churn_ratio, 1);
		json_object_set_new(totals, "has_churn_ratio",
		                    json_boolean(!isnan(g->churn_ratio)));
	}
}

/* Each journey's figures. */
static void journeys_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *journeys = json_object_get(ctx, "journeys");
	for (size_t i = 0; i < mt->njourneys; i++) {
		json_t *o = json_array_get(journeys, i);
		const struct journey_figures *j = &mt->journeys[i];
		figures_fmt(fm, o, &j->f, j->sco_target, i);
		trend_fmt(fm, o);
		json_object_set_new(o, "has_promise", json_boolean(!isnan(j->promise_days)));
		set_fixed(fm, o, "promise_days_fmt", j->promise_days,
		          j->promise_days == floor(j->promise_days) ? 0 : 1);
		json_object_set_new(o, "promise_days_one", json_boolean(j->promise_days == 1));
	}
}

/* Each goal's figures, its journeys and its story; then the goals worst first (lowest SCO rate;
 * goals with no cases last). */
static void goals_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *journeys = json_object_get(ctx, "journeys");
	json_t *goals = json_object_get(ctx, "goals");
	for (size_t i = 0; i < mt->ngoals; i++) {
		json_t *o = json_array_get(goals, i);
		const struct goal_figures *g = &mt->goals[i];
		figures_fmt(fm, o, &g->f, g->sco_target,
		            g->njourneys == 1 ? g->journeys[0] : SIZE_MAX);
		trend_fmt(fm, o);
		/* the journeys of the goal, with their own figures, for the goal's block */
		json_t *detail = json_array();
		for (size_t k = 0; k < g->njourneys; k++)
			json_array_append(detail, json_array_get(journeys, g->journeys[k]));
		json_object_set_new(o, "journey_details", detail);
		json_object_set_new(o, "single_journey", json_boolean(g->njourneys == 1));
		story_fmt(fm, o, g->story_case);
	}
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
}

/* The watermelons: departments green outside, red inside. */
static void watermelons_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	char buf[128];
	json_t *wms = json_object_get(ctx, "watermelons");
	for (size_t i = 0; i < mt->nwatermelons; i++) {
		json_t *o = json_array_get(wms, i);
		const struct watermelon *w = &mt->watermelons[i];
		set_pct(fm, o, "green_share_pct", w->green_share);
		set_pct(fm, o, "sco_rate_pct", w->sco_rate);
		set_pct(fm, o, "sco_target_pct", w->sco_target);
		set_count(fm, o, "cases_fmt", w->cases);
		format_number(buf, sizeof buf, w->shortfall_pts, 0, &fm->st);
		set_str(o, "shortfall_pts_fmt", buf);
		set_str(o, "goal", mt->journeys[w->journey].goal);
	}
	json_object_set_new(ctx, "has_watermelons", json_boolean(mt->nwatermelons > 0));
}

/* One KPI of a department, from its entry in the metrics JSON (src): its status, its values with
 * their unit, and the journeys it serves with their SCO rate beside. */
static json_t *kpi_fmt(const struct fmt *fm, const struct kpi_figures *kf, const json_t *src)
{
	const struct metrics *mt = fm->mt;
	static const char *const status_words[] = {"Green", "Amber", "Red"};
	const struct kpi *kp = kf->kpi;
	json_t *ko = json_deep_copy(src);
	set_str(ko, "status_word", status_words[kf->status]);
	json_object_set_new(ko, "company_wide", json_boolean(mt->region && !kp->region));
	const char *unit = kp->unit ? intern_str(mt->model->names, kp->unit) : "";
	int digits = fabs(kp->actual - round(kp->actual)) > 1e-9 ||
	                     fabs(kp->target - round(kp->target)) > 1e-9
	                 ? 1
	                 : 0;
	char a[64], t[64];
	format_number(a, sizeof a, kp->actual, digits, &fm->st);
	format_number(t, sizeof t, kp->target, digits, &fm->st);
	bool pct = strcmp(unit, "%") == 0;
	bool money = strcmp(unit, "currency") == 0;
	if (money) {
		format_money(a, sizeof a, kp->actual, fm->currency, &fm->st);
		format_money(t, sizeof t, kp->target, fm->currency, &fm->st);
	}
	char av[96], tv[96];
	snprintf(av, sizeof av, "%s%s%s", a,
	         pct ? "\xC2\xA0%" : (*unit && !money && strcmp(unit, "count") ? "\xC2\xA0" : ""),
	         pct ? "" : (*unit && !money && strcmp(unit, "count") ? unit : ""));
	snprintf(tv, sizeof tv, "%s\xC2\xA0%s%s%s", kp->direction == DIRECTION_LOWER ? "≤" : "≥", t,
	         pct ? "\xC2\xA0%" : (*unit && !money && strcmp(unit, "count") ? "\xC2\xA0" : ""),
	         pct ? "" : (*unit && !money && strcmp(unit, "count") ? unit : ""));
	set_str(ko, "actual_fmt", av);
	set_str(ko, "target_fmt", tv);
	set_str(ko, "kind_word", kp->kind == KIND_OUTCOME ? "impact (outcome)" : "motion (output)");
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
		set_pct(fm, so, "sco_rate_pct", rate);
		json_object_set_new(so, "last", json_boolean(j + 1 == kp->njourneys));
		json_array_append_new(serves, so);
	}
	json_object_set_new(ko, "serves", serves);
	json_object_set_new(ko, "serves_any", json_boolean(kp->njourneys > 0));
	return ko;
}

/* Each department's figures, with its KPIs. */
static void departments_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *depts = json_object_get(ctx, "departments");
	json_t *kpis = json_object_get(ctx, "kpis");
	long max_failures = 0;
	for (size_t d = 0; d < mt->ndepts; d++)
		if (mt->depts[d].failure_contacts > max_failures)
			max_failures = mt->depts[d].failure_contacts;
	for (size_t d = 0; d < mt->ndepts; d++) {
		json_t *o = json_array_get(depts, d);
		const struct dept_figures *df = &mt->depts[d];
		set_pct(fm, o, "green_share_pct", df->green_share);
		set_pct(fm, o, "sco_rate_touched_pct", df->sco_rate_touched);
		set_count(fm, o, "cases_touched_fmt", df->cases_touched);
		set_count(fm, o, "failure_contacts_fmt", df->failure_contacts);
		json_object_set_new(o, "has_kpis", json_boolean(df->kpis > 0));
		set_pct(fm, o, "failure_share_of_all_pct",
		        mt->totals.failure_contacts
		            ? (double)df->failure_contacts / (double)mt->totals.failure_contacts
		            : NAN);
		json_t *list = json_array();
		for (size_t k = 0; k < mt->nkpis; k++) {
			if (mt->kpis[k].dept_index != d)
				continue;
			json_array_append_new(list,
			                      kpi_fmt(fm, &mt->kpis[k], json_array_get(kpis, k)));
		}
		json_object_set_new(o, "kpi_list", list);
	}
	json_object_set_new(ctx, "has_failure_demand", json_boolean(max_failures > 0));
}

/* The heat map: journeys × departments, cells "successful/cases". */
static void heatmap_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	char buf[128];
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
}

/* Data quality as lists a template can walk, as this pack sees it. */
static void data_quality_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *dq = json_object_get(ctx, "data_quality");
	json_t *files = json_array();
	long total_read = 0, total_rejected = 0;
	for (size_t i = 0; i < mt->model->dq->nfiles; i++) {
		const struct dq_file *f = &mt->model->dq->files[i];
		long rr, rj;
		dq_file_counts(f, mt->region, &rr, &rj);
		total_read += rr;
		total_rejected += rj;
		json_t *o = json_object();
		set_str(o, "name", f->name);
		set_count(fm, o, "rows_read_fmt", rr);
		set_count(fm, o, "rows_rejected_fmt", rj);
		json_array_append_new(files, o);
	}
	json_object_set_new(dq, "file_list", files);
	json_t *kinds = dq_kinds(fm);
	bool any_issue = false, any_note = false;
	size_t ki;
	json_t *kv;
	json_array_foreach(kinds, ki, kv)
	{
		if (json_is_true(json_object_get(kv, "is_rejection")))
			any_issue = true;
		else
			any_note = true;
	}
	json_object_set_new(dq, "kinds", kinds);
	json_object_set_new(dq, "has_issues", json_boolean(any_issue));
	json_object_set_new(dq, "has_notes", json_boolean(any_note));
	set_count(fm, dq, "rows_read_fmt", total_read);
	set_count(fm, dq, "rows_rejected_fmt", total_rejected);
}

/* The whole organisation's comparison of its regions, worst first. */
static void regions_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	const struct config *c = mt->config;
	json_t *regions = json_object_get(ctx, "regions");
	for (size_t i = 0; i < mt->nregions && json_is_array(regions); i++)
		figures_fmt(fm, json_array_get(regions, i), &mt->regions[i].f, c->sco_target,
		            SIZE_MAX);
	json_object_set_new(ctx, "has_regions", json_boolean(!mt->region && mt->nregions > 0));
}

/* KPIs without a region are company-wide: a regional pack says so beside its outcomes. */
static void company_wide_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct metrics *mt = fm->mt;
	json_t *depts = json_object_get(ctx, "departments");
	json_t *wms = json_object_get(ctx, "watermelons");
	bool all_company = mt->region && mt->nkpis > 0, any_company = false;
	for (size_t k = 0; k < mt->nkpis; k++) {
		bool cw = mt->region && !mt->kpis[k].kpi->region;
		all_company = all_company && cw;
		any_company = any_company || cw;
	}
	json_object_set_new(ctx, "kpis_company_wide", json_boolean(all_company));
	/* a department whose every KPI is company-wide has a company-wide dashboard */
	bool *own = xcalloc(mt->ndepts + 1, 1), *some = xcalloc(mt->ndepts + 1, 1);
	for (size_t k = 0; k < mt->nkpis; k++) {
		some[mt->kpis[k].dept_index] = true;
		if (mt->kpis[k].kpi->region)
			own[mt->kpis[k].dept_index] = true;
	}
	for (size_t d = 0; d < mt->ndepts; d++)
		json_object_set_new(json_array_get(depts, d), "company_wide",
		                    json_boolean(mt->region && some[d] && !own[d]));
	for (size_t i = 0; i < mt->nwatermelons; i++) {
		size_t d = mt->watermelons[i].dept;
		json_object_set_new(json_array_get(wms, i), "company_wide",
		                    json_boolean(mt->region && some[d] && !own[d]));
	}
	free(own);
	free(some);
	json_object_set_new(ctx, "kpis_some_company_wide",
	                    json_boolean(any_company && !all_company));
}

json_t *context_template(const struct metrics *mt, const json_t *metrics)
{
	const struct config *c = mt->config;
	struct fmt fm = {mt, format_style(c->number_locale), c->currency};
	json_t *ctx = template_copy(metrics);
	cover_fmt(&fm, ctx);
	totals_fmt(&fm, ctx);
	journeys_fmt(&fm, ctx);
	goals_fmt(&fm, ctx);
	board_fmt(&fm, ctx);
	summary_fmt(&fm, ctx);
	watermelons_fmt(&fm, ctx);
	departments_fmt(&fm, ctx);
	heatmap_fmt(&fm, ctx);
	data_quality_fmt(&fm, ctx);
	regions_fmt(&fm, ctx);
	company_wide_fmt(&fm, ctx);
	names_fmt(&fm, ctx);
	titles_fmt(&fm, ctx);
	return ctx;
}
