#include "view/context.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/format.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"
#include "view/json.h"

/* Examples of each kind of rejection or note the PDF shows (pack.md: at most five). */
#define DQ_EXAMPLES 5

/* The PDF's timeline of a story shows STORY_SHOWN of its rows. */
#define STORY_SHOWN 8

struct fmt {
	const struct view *v;
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
	format_count(buf, sizeof buf, v, &fm->st);
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

/* A status as a word that starts a cell or a sentence: "green" is "Green", "late" "Late". */
static void set_capitalised(json_t *o, const char *k, const char *word)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%s", word);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	set_str(o, k, buf);
}

static bool same_name(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The view relates its parts by name (names are unique among journeys, and among departments):
 * the index of the journey or the department named name, or their count when there is none. */
static size_t journey_index(const struct view *v, const char *name)
{
	size_t i = 0;
	while (i < v->njourneys && !same_name(v->journeys[i].journey, name))
		i++;
	return i;
}

static size_t department_index(const struct view *v, const char *name)
{
	size_t i = 0;
	while (i < v->ndepartments && !same_name(v->departments[i].department, name))
		i++;
	return i;
}

/* Whether journey (a name) is one of goal g's. */
static bool goal_has(const struct view_goal *g, const char *journey)
{
	for (size_t i = 0; i < g->njourneys; i++)
		if (same_name(g->journeys[i], journey))
			return true;
	return false;
}

static long min_volume(const struct view *v)
{
	return v->settings.min_cases > 0 ? v->settings.min_cases : 1;
}

/*
 * The volume-aware flags of a set of figures: singular and plural, "unchanged", and the tone of
 * the outcome card decided by the figure against its target, never by volume too small to judge.
 */
static void volume_fmt(const struct fmt *fm, json_t *o, const struct view_figures *f, double target)
{
	const struct view *v = fm->v;
	bool has = f->cases_concluded > 0, judged = has && !f->low_volume;
	long rounded = isnan(f->sco_change_pts) ? 0 : lround(f->sco_change_pts);
	json_object_set_new(o, "judged", json_boolean(judged));
	json_object_set_new(o, "successful_one", json_boolean(f->successful == 1));
	json_object_set_new(o, "change_none", json_boolean(rounded == 0));
	json_object_set_new(o, "change_pts_one", json_boolean(labs(rounded) == 1));
	json_object_set_new(o, "prev_few", json_boolean(f->prev_cases_concluded < min_volume(v)));
	json_object_set_new(o, "movable",
	                    json_boolean(f->cases_concluded >= min_volume(v) &&
	                                 f->prev_cases_concluded >= min_volume(v)));
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
 * Where it breaks, for the journey named journey (NULL: none): the departments whose cases of the
 * journey did worse than the journey's cases that did not pass through them, both sides with
 * min_cases, largest gap first, at most three (metrics.md, breaks[]).
 */
static void journey_breaks(const struct fmt *fm, json_t *o, const char *journey)
{
	const struct view *v = fm->v;
	json_t *list = json_array();
	bool comparable = false;
	for (size_t i = 0; journey && i < v->nbreaks; i++) {
		const struct view_break *b = &v->breaks[i];
		if (!same_name(b->journey, journey) || !b->comparable)
			continue;
		comparable = true;
		if (lround(b->gap_pts) < 1 || json_array_size(list) == 3)
			continue;
		json_t *w = json_object();
		set_str(w, "department", b->department);
		set_possessive(w, "department_possessive", b->department);
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
static void decisions_fmt(const struct fmt *fm, json_t *o, const struct view_figures *f)
{
	const struct view *v = fm->v;
	set_pct(fm, o, "prev_year_sco_rate_pct", f->prev_year_sco_rate);
	json_object_set_new(o, "has_prev_year",
	                    json_boolean(f->cases_concluded >= min_volume(v) &&
	                                 f->prev_year_cases_concluded >= min_volume(v)));
	set_str(o, "year_ago_period", v->year_ago.label);
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
		json_object_set_new(t, "has_name",
		                    json_boolean(f->touchpoints[i].touchpoint != NULL));
		json_object_set_new(t, "last", json_boolean(i + 1 == json_array_size(tps)));
	}
	json_object_set_new(o, "has_failure_touchpoints", json_boolean(f->ntouchpoints > 0));
}

/*
 * Why a story was not a successful outcome: its outcome, or achieved late (after the journey's
 * promise_days) or after chasing (more failure contacts than the journey allows).
 */
static void story_ending_fmt(const struct fmt *fm, json_t *s, const struct view_story *st)
{
	size_t j = journey_index(fm->v, st->journey);
	const struct view_journey *jf = j < fm->v->njourneys ? &fm->v->journeys[j] : NULL;
	bool achieved = strcmp(st->outcome, "achieved") == 0;
	json_object_set_new(s, "ended_achieved", json_boolean(achieved));
	json_object_set_new(s, "ended_failed", json_boolean(strcmp(st->outcome, "failed") == 0));
	json_object_set_new(s, "ended_abandoned",
	                    json_boolean(strcmp(st->outcome, "abandoned") == 0));
	bool late = achieved && jf && !isnan(jf->promise_days) && st->days > jf->promise_days;
	json_object_set_new(s, "was_late", json_boolean(late));
	json_object_set_new(
	    s, "chased",
	    json_boolean(achieved && jf && st->failure_contacts > jf->max_failure_contacts));
	if (jf && !isnan(jf->promise_days))
		set_fixed(fm, s, "promise_days_fmt", jf->promise_days,
		          jf->promise_days == floor(jf->promise_days) ? 0 : 1);
}

/* One row of a story (r, rendered from row): its date, time and day of the journey, and labels
 * that are never null. */
static void story_row_fmt(const struct fmt *fm, json_t *r, const struct view_story_row *row,
                          int64_t first_day)
{
	char t[21], buf[64];
	value_format_time(row->time_ms, t);
	int64_t day = row->time_ms >= 0 ? row->time_ms / BP_MS_PER_DAY : 0;
	format_long_date(buf, sizeof buf, day);
	set_str(r, "date_long", buf);
	format_short_date(buf, sizeof buf, day);
	set_str(r, "date_short", buf);
	snprintf(buf, sizeof buf, "%.5s", t + 11);
	set_str(r, "time_hm", buf);
	set_count(fm, r, "day_fmt", (long)(day - first_day) + 1);
	/* labels that are never null, so that no name is looked up in an outer section */
	const char *dp = row->department, *ch = row->channel;
	set_str(r, "touchpoint_label",
	        row->touchpoint ? row->touchpoint : "(no touchpoint recorded)");
	set_str(r, "channel_label", ch ? ch : "—");
	set_str(r, "department_label", dp ? dp : "—");
	/* who handled it, and how: "Sales, app", or "Sales" when no channel was recorded */
	char *who = xasprintf("%s%s%s", dp ? dp : "—", ch ? ", " : "", ch ? ch : "");
	set_str(r, "who", who);
	free(who);
	json_object_set_new(r, "ends", row->outcome ? json_string(row->outcome) : json_false());
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

/* A goal's story (st, NULL: none): its figures, its ending, and its rows for the timeline. */
static void story_fmt(const struct fmt *fm, json_t *goal, const struct view_story *st)
{
	json_t *s = json_object_get(goal, "customer_journey");
	json_object_set_new(goal, "has_customer_journey", json_boolean(st != NULL));
	if (!st)
		return;
	set_fixed(fm, s, "days_fmt", st->days, 1);
	story_ending_fmt(fm, s, st);
	set_count(fm, s, "contacts_fmt", st->contacts);
	set_count(fm, s, "failure_contacts_fmt", st->failure_contacts);
	json_object_set_new(s, "failure_contacts_one", json_boolean(st->failure_contacts == 1));
	json_t *rows = json_object_get(s, "rows");
	json_object_set_new(s, "has_rows", json_boolean(st->nrows > 0));
	int64_t first_day = st->start_ms >= 0 ? st->start_ms / BP_MS_PER_DAY : 0;
	for (size_t i = 0; i < st->nrows; i++)
		story_row_fmt(fm, json_array_get(rows, i), &st->rows[i], first_day);
	json_object_set_new(s, "timeline", story_timeline(fm, rows, st->rows_total));
	/* the year of the story's start, said once above its dates */
	char t[21] = "";
	if (st->nrows)
		value_format_time(st->rows[0].time_ms, t);
	char year[16];
	snprintf(year, sizeof year, "%.4s", t);
	set_str(s, "year", year);
}

/* The departments where goal g breaks (comparable, at least a point worse), largest gap first. */
static json_t *goal_owners(const struct fmt *fm, const struct view_goal *g)
{
	const struct view *v = fm->v;
	json_t *list = json_array();
	for (size_t i = 0; i < v->nbreaks && json_array_size(list) < 3; i++) {
		const struct view_break *b = &v->breaks[i];
		if (!b->comparable || lround(b->gap_pts) < 1 || !goal_has(g, b->journey))
			continue;
		bool seen = false;
		size_t k;
		json_t *o;
		json_array_foreach(list, k, o)
		{
			seen = seen || strcmp(json_string_value(json_object_get(o, "department")),
			                      b->department) == 0;
		}
		if (seen)
			continue;
		json_t *w = json_object();
		set_str(w, "department", b->department);
		json_array_append_new(list, w);
	}
	size_t n = json_array_size(list);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(json_array_get(list, i), "last", json_boolean(i + 1 == n));
	return list;
}

static int cmp_shortfall(const void *a, const void *b)
{
	const struct view_goal *x = *(const struct view_goal *const *)a;
	const struct view_goal *y = *(const struct view_goal *const *)b;
	double gx = x->sco_target - x->f.sco_rate, gy = y->sco_target - y->f.sco_rate;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	return strcmp(x->goal, y->goal);
}

/* One ask of the board, the number-th: goal g's shortfall, its owners and the money at stake. */
static json_t *ask_fmt(const struct fmt *fm, const struct view_goal *g, long number)
{
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
	json_t *owners = goal_owners(fm, g);
	json_object_set_new(o, "has_owners", json_boolean(json_array_size(owners) > 0));
	json_object_set_new(o, "owners", owners);
	json_object_set_new(o, "has_customers", json_boolean(fm->v->totals.have_growth));
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
	const struct view *v = fm->v;
	const struct view_goal **short_goals =
	    xreallocarray(NULL, v->ngoals + 1, sizeof *short_goals);
	size_t n = 0;
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_goal *g = &v->goals[i];
		if (g->f.cases_concluded && !g->f.low_volume && g->f.sco_rate < g->sco_target)
			short_goals[n++] = g;
	}
	if (n)
		qsort(short_goals, n, sizeof *short_goals, cmp_shortfall);
	json_t *asks = json_array();
	for (size_t i = 0; i < n && i < 3; i++)
		json_array_append_new(asks, ask_fmt(fm, short_goals[i], (long)i + 1));
	free(short_goals);
	return asks;
}

/* The actions of actions.csv: the status in words, the due date as people read it, and the
 * rates then and now as percentages. */
static void board_actions_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	json_t *actions = json_object_get(ctx, "actions");
	json_object_set_new(ctx, "has_actions_file", json_boolean(v->has_actions));
	json_object_set_new(ctx, "has_actions", json_boolean(v->nactions > 0));
	for (size_t i = 0; i < v->nactions; i++) {
		const struct view_action *ac = &v->actions[i];
		json_t *a = json_array_get(actions, i);
		set_capitalised(a, "status_word", ac->status);
		if (ac->due_day != VIEW_NO_DAY) {
			char buf[64], due[11];
			format_long_date(buf, sizeof buf, ac->due_day);
			set_str(a, "due_long", buf);
			format_short_date(buf, sizeof buf, ac->due_day);
			value_format_date(ac->due_day * BP_MS_PER_DAY, due);
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, " %.4s", due);
			set_str(a, "due_short", buf);
		} else {
			set_str(a, "due_long", "—");
			set_str(a, "due_short", "—");
		}
		set_pct(fm, a, "prev_sco_rate_pct", ac->prev_sco_rate);
		set_pct(fm, a, "sco_rate_pct", ac->sco_rate);
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

/* One of the customer view's trend lines as text (view_totals.sparks, for a card's trend field):
 * a number per period, oldest first, "-" for a period without the figure. */
static void spark(json_t *o, const char *k, const struct view_totals *t, enum view_spark which)
{
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < t->f.ntrend; i++) {
		double v = t->sparks[which][i];
		if (i)
			strbuf_putc(&b, ' ');
		if (isnan(v))
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
	const struct view *v = fm->v;
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
	for (size_t k = 0; k < v->nbreaks && !has; k++) {
		const struct view_break *b = &v->breaks[k];
		if (!b->comparable || lround(b->gap_pts) < 1)
			continue;
		has = true;
		set_str(wb, "department", b->department);
		set_str(wb, "journey", b->journey);
		set_pct(fm, wb, "sco_rate_pct", b->sco_rate);
		set_pct(fm, wb, "sco_rate_untouched_pct", b->sco_rate_untouched);
	}
	json_object_set_new(ctx, "has_worst_break", json_boolean(has));
	json_object_set_new(ctx, "worst_break", wb);
	/* the region whose customers fared worst, with enough journeys to judge */
	json_t *wr = json_object();
	has = false;
	for (size_t k = 0; k < v->nregions && !has; k++) {
		const struct view_region *r = &v->regions[k];
		if (!r->f.cases_concluded || r->f.low_volume)
			continue;
		has = true;
		set_str(wr, "region", r->region);
		set_pct(fm, wr, "sco_rate_pct", r->f.sco_rate);
	}
	json_object_set_new(ctx, "has_worst_region", json_boolean(has && !v->region));
	json_object_set_new(ctx, "worst_region", wr);
}

/* Formatted forms of the journey figures, added beside the raw ones; journey names the journey
 * they are of (NULL: totals, a region, a goal of several journeys). */
static void figures_fmt(const struct fmt *fm, json_t *o, const struct view_figures *f,
                        double target, const char *journey)
{
	bool has = f->cases_concluded > 0, has_prev = f->prev_cases_concluded > 0;
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
	json_object_set_new(o, "has_customers", json_boolean(fm->v->totals.have_growth));
	set_pct(fm, o, "sco_target_pct", target);
	json_object_set_new(o, "below_target", json_boolean(has && f->sco_rate < target));
	json_object_set_new(o, "few_cases", json_boolean(f->low_volume));
	volume_fmt(fm, o, f, target);
	journey_breaks(fm, o, journey);
	decisions_fmt(fm, o, f);
}

/* The rate of each period of the trend (o's, rendered from f) as a percentage. */
static void trend_fmt(const struct fmt *fm, json_t *o, const struct view_figures *f)
{
	json_t *trend = json_object_get(o, "trend");
	for (size_t i = 0; i < f->ntrend; i++)
		set_pct(fm, json_array_get(trend, i), "sco_rate_pct", f->trend[i].sco_rate);
}

/* Goals by their SCO rate, lowest first; goals without one (no case concluded) last. */
static int cmp_rate_asc(const void *a, const void *b)
{
	double x = (*(const struct view_goal *const *)a)->f.sco_rate;
	double y = (*(const struct view_goal *const *)b)->f.sco_rate;
	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	return (x > y) - (x < y);
}

/* The movers: up to three goals whose change is significant and whose volume, now and before, is at
 * least min_cases; largest change first (pack.md, "Honest at every volume"). */
static void movers_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	json_t *goals = json_object_get(ctx, "goals");
	json_t *movers = json_array();
	size_t ng = v->ngoals;
	bool *used = xcalloc(ng + 1, 1), judgeable = false;
	for (size_t i = 0; i < ng; i++)
		judgeable |= v->goals[i].f.cases_concluded >= min_volume(v) &&
		             v->goals[i].f.prev_cases_concluded >= min_volume(v);
	for (int pick = 0; pick < 3; pick++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < ng; i++) {
			const struct view_figures *f = &v->goals[i].f;
			if (used[i] || !f->change_significant || isnan(f->sco_change_pts) ||
			    f->cases_concluded < min_volume(v) ||
			    f->prev_cases_concluded < min_volume(v))
				continue;
			if (best == SIZE_MAX ||
			    fabs(f->sco_change_pts) > fabs(v->goals[best].f.sco_change_pts))
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
	const struct view *v = fm->v;
	const struct view_totals *t = &v->totals;
	char buf[64];
	json_t *list = json_array();
	double lo = NAN, hi = NAN;
	json_t *worst = json_object_get(ctx, "goals_worst_first");
	size_t i;
	json_t *g;
	json_array_foreach(worst, i, g)
	{
		for (size_t k = 0; k < v->ngoals; k++) {
			const struct view_goal *gf = &v->goals[k];
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
	json_object_set_new(totals, "has_goals_short", json_boolean(t->goals_short > 0));
	json_object_set_new(totals, "goals_short_one", json_boolean(t->goals_short == 1));
	set_count(fm, totals, "goals_short_fmt", t->goals_short);
	set_count(fm, totals, "goals_judged_fmt", t->goals_judged);
	json_object_set_new(totals, "goals_judged_one", json_boolean(t->goals_judged == 1));
	json_object_set_new(totals, "goals_all_short",
	                    json_boolean(t->goals_judged > 0 && t->goals_short == t->goals_judged));
	json_object_set_new(totals, "has_goals_judged", json_boolean(t->goals_judged > 0));
	long few = 0;
	for (size_t k = 0; k < v->ngoals; k++)
		few += v->goals[k].f.cases_concluded > 0 && v->goals[k].f.low_volume;
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
	const struct view_totals *t = &fm->v->totals;
	bool judged = t->f.cases_concluded > 0 && !t->f.low_volume;
	bool scores = !isnan(t->kpi_green_share);
	set_str(totals, "perception_tone",
	        !judged || !scores || isnan(t->perception_gap_pts) ? "neutral"
	        : t->perception_gap_pts > 0                        ? "bad"
	                                                           : "good");
	json_object_set_new(totals, "has_gap", json_boolean(!isnan(t->perception_gap_pts)));
	json_object_set_new(totals, "perception_gap_one",
	                    json_boolean(!isnan(t->perception_gap_pts) &&
	                                 labs(lround(t->perception_gap_pts)) == 1));
}

/* Churn after successful and unsuccessful cases: shares with one decimal so that their ratio
 * reads true beside them, judged only when both sides have enough cases. */
static void churn_fmt(const struct fmt *fm, json_t *totals, const struct view_growth *gr)
{
	const struct view *v = fm->v;
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
	                    json_boolean(gr->sco_cases_known >= min_volume(v) &&
	                                 gr->unsuccessful_cases_known >= min_volume(v)));
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
	const struct view *v = fm->v;
	json_t *totals = json_object_get(ctx, "totals");
	movers_fmt(fm, ctx);
	double hi = short_goals_fmt(fm, ctx, totals);
	/* watermelons */
	set_count(fm, totals, "watermelon_count_fmt", (long)v->nwatermelons);
	json_object_set_new(totals, "watermelon_one", json_boolean(v->nwatermelons == 1));
	json_object_set_new(ctx, "watermelons_judgeable", json_boolean(v->watermelons_judgeable));
	perception_fmt(fm, totals);
	json_object_set_new(totals, "goals_short_max_one",
	                    json_boolean(!isnan(hi) && lround(hi) == 1));
	if (v->totals.have_growth)
		churn_fmt(fm, totals, &v->totals.growth);
}

/* Failure demand by department, most first (view.failure_order), departments with none left
 * out: the departments' entries of the context. */
static json_t *failure_by_size(const struct view *v, json_t *depts)
{
	json_t *bars = json_array();
	for (size_t a = 0; a < v->nfailure_order; a++)
		json_array_append(bars, json_array_get(depts, v->failure_order[a]));
	return bars;
}

/* Possessives and the journeys-through-a-department flags; failure demand by size. */
static void names_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	set_possessive(ctx, "organisation_possessive", v->organisation);
	const char *scope = v->region ? v->region : v->organisation;
	set_str(ctx, "scope_label", scope);
	set_possessive(ctx, "scope_possessive", scope);
	json_t *wms = json_object_get(ctx, "watermelons");
	for (size_t i = 0; i < v->nwatermelons; i++) {
		json_t *o = json_array_get(wms, i);
		set_possessive(o, "department_possessive", v->watermelons[i].department);
		json_object_set_new(o, "cases_one", json_boolean(v->watermelons[i].cases == 1));
	}
	json_t *depts = json_object_get(ctx, "departments");
	for (size_t i = 0; i < v->ndepartments; i++) {
		const struct view_department *d = &v->departments[i];
		json_t *o = json_array_get(depts, i);
		set_possessive(o, "department_possessive", d->department);
		json_object_set_new(o, "has_touched", json_boolean(d->cases_touched > 0));
		json_object_set_new(o, "cases_touched_one", json_boolean(d->cases_touched == 1));
		json_object_set_new(o, "successful_touched_one",
		                    json_boolean(d->successful_touched == 1));
		json_object_set_new(o, "failure_contacts_one",
		                    json_boolean(d->failure_contacts == 1));
	}
	json_object_set_new(ctx, "failure_demand_by_size", failure_by_size(v, depts));
}

/*
 * The metrics JSON of v for the template, without the full lists of rejected rows and notes:
 * the PDF summarises them by kind (dq_kinds), so its size and build time do not grow with their
 * number (pack.md, "Fit to email, whatever the data"). The lists are left out of a copy of the
 * view before it is rendered, rather than rendered and dropped, for the same reason.
 */
static json_t *metrics_part(const struct view *v)
{
	struct view brief = *v;
	brief.dq.nissues = brief.dq.nnotes = 0;
	json_t *ctx = view_json(&brief);
	json_t *dq = json_object_get(ctx, "data_quality");
	json_object_del(dq, "issues");
	json_object_del(dq, "notes");
	return ctx;
}

/* One kind of rejection or note, for the summary by kind. */
struct kind_sum {
	const char *kind;
	bool rejection;
	long count;
	const struct view_dq_issue *examples[DQ_EXAMPLES]; /* its first, in file and line order */
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

/* Counts each of the n entries of list under its kind, keeping the first DQ_EXAMPLES of each. */
static void count_kinds(struct kind_sum **v, size_t *nv, const struct view_dq_issue *list, size_t n,
                        bool rejection)
{
	for (size_t i = 0; i < n; i++) {
		struct kind_sum *k = kind_of(v, nv, list[i].kind, rejection);
		if (k->nexamples < DQ_EXAMPLES)
			k->examples[k->nexamples++] = &list[i];
		k->count++;
	}
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

/* An example of a kind: where it is (a note has no column) and what it says. */
static json_t *example_json(const struct fmt *fm, const struct view_dq_issue *is)
{
	json_t *e = json_object();
	set_str(e, "file", is->file);
	if (is->line > 0)
		set_count(fm, e, "line_fmt", is->line);
	else
		json_object_set_new(e, "line_fmt", json_false());
	if (is->column > 0)
		json_object_set_new(e, "column", json_integer(is->column));
	else
		json_object_set_new(e, "column", json_false());
	set_str(e, "message", is->message);
	return e;
}

/*
 * The pack's rejections and notes by kind (pack.md, "About these figures"): each kind's count
 * and its first DQ_EXAMPLES entries in file and line order. Rejections first, then notes;
 * within each, the most frequent kind first.
 */
static json_t *dq_kinds(const struct fmt *fm)
{
	const struct view_dq *d = &fm->v->dq;
	struct kind_sum *v = NULL;
	size_t n = 0;
	count_kinds(&v, &n, d->issues, d->nissues, true);
	count_kinds(&v, &n, d->notes, d->nnotes, false);
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
		for (int e = 0; e < k->nexamples; e++)
			json_array_append_new(ex, example_json(fm, k->examples[e]));
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
	const struct view *v = fm->v;
	const struct view_settings *c = &v->settings;
	char buf[128];
	set_str(ctx, "region_label", v->region ? v->region : "Whole organisation");
	json_object_set_new(ctx, "is_regional", json_boolean(v->region != NULL));
	if (v->data_to_ms != VIEW_NO_DAY) {
		format_long_date(buf, sizeof buf, v->data_to_ms / BP_MS_PER_DAY);
		set_str(ctx, "data_to_long", buf);
	} else {
		set_str(ctx, "data_to_long", "—");
	}
	/* the data ends before the period does: the cover says the period is incomplete */
	set_str(ctx, "period_word", v->period_length);
	json_object_set_new(
	    ctx, "period_incomplete",
	    json_boolean(v->data_to_ms != VIEW_NO_DAY &&
	                 v->data_to_ms / BP_MS_PER_DAY < (v->period_end_ms - 1) / BP_MS_PER_DAY));
	json_object_set_new(ctx, "has_customers", json_boolean(v->totals.have_growth));
	json_object_set_new(ctx, "min_cases", json_integer(c->min_cases));
	set_pct(fm, ctx, "green_share_threshold_pct", c->green_share_threshold);
	set_pct(fm, ctx, "sco_target_default_pct", c->sco_target);
	set_pct(fm, ctx, "tolerance_pct", c->tolerance);
	json_object_set_new(ctx, "churn_window_days", json_integer(c->churn_window_days));
}

/* The whole pack's figures, their trend and sparklines, and what its customers did. */
static void totals_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view_totals *t = &fm->v->totals;
	char buf[128];
	json_t *totals = json_object_get(ctx, "totals");
	figures_fmt(fm, totals, &t->f, fm->v->settings.sco_target, NULL);
	trend_fmt(fm, totals, &t->f);
	set_pct(fm, totals, "kpi_green_share_pct", t->kpi_green_share);
	json_object_set_new(totals, "has_scores", json_boolean(!isnan(t->kpi_green_share)));
	set_pct(fm, totals, "motion_share_pct", t->motion_share);
	format_number(buf, sizeof buf, t->perception_gap_pts, 0, &fm->st);
	set_str(totals, "perception_gap_pts_fmt", buf);
	spark(totals, "spark_rate", t, VIEW_SPARK_RATE);
	spark(totals, "spark_lost", t, VIEW_SPARK_LOST);
	spark(totals, "spark_failure", t, VIEW_SPARK_FAILURE);
	spark(totals, "spark_gap", t, VIEW_SPARK_GAP);
	set_str(totals, "ref", "totals");
	json_object_set_new(
	    totals, "dashboard_greener",
	    json_boolean(!isnan(t->perception_gap_pts) && t->perception_gap_pts > 0));
	if (t->have_growth) {
		const struct view_growth *g = &t->growth;
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

/* The name a figure block's data= gives the figures of the i-th goal or journey: "goal:1" is the
 * first of the view's goals (docs/pdf.md, "Figures from the pack"). */
static void set_ref(json_t *o, const char *kind, size_t i)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%s:%zu", kind, i + 1);
	set_str(o, "ref", buf);
}

/* Each journey's figures. */
static void journeys_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	json_t *journeys = json_object_get(ctx, "journeys");
	for (size_t i = 0; i < v->njourneys; i++) {
		json_t *o = json_array_get(journeys, i);
		const struct view_journey *j = &v->journeys[i];
		figures_fmt(fm, o, &j->f, j->sco_target, j->journey);
		trend_fmt(fm, o, &j->f);
		set_ref(o, "journey", i);
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
	const struct view *v = fm->v;
	json_t *journeys = json_object_get(ctx, "journeys");
	json_t *goals = json_object_get(ctx, "goals");
	for (size_t i = 0; i < v->ngoals; i++) {
		json_t *o = json_array_get(goals, i);
		const struct view_goal *g = &v->goals[i];
		figures_fmt(fm, o, &g->f, g->sco_target, g->njourneys == 1 ? g->journeys[0] : NULL);
		trend_fmt(fm, o, &g->f);
		set_ref(o, "goal", i);
		/* the journeys of the goal, with their own figures, for the goal's block */
		json_t *detail = json_array();
		for (size_t k = 0; k < g->njourneys; k++)
			json_array_append(
			    detail, json_array_get(journeys, journey_index(v, g->journeys[k])));
		json_object_set_new(o, "journey_details", detail);
		json_object_set_new(o, "single_journey", json_boolean(g->njourneys == 1));
		story_fmt(fm, o, g->story);
	}
	const struct view_goal **sorted = xreallocarray(NULL, v->ngoals + 1, sizeof *sorted);
	for (size_t i = 0; i < v->ngoals; i++)
		sorted[i] = &v->goals[i];
	qsort(sorted, v->ngoals, sizeof *sorted, cmp_rate_asc);
	json_t *worst = json_array();
	for (size_t i = 0; i < v->ngoals; i++)
		json_array_append(worst, json_array_get(goals, (size_t)(sorted[i] - v->goals)));
	json_object_set_new(ctx, "goals_worst_first", worst);
	free(sorted);
}

/* The watermelons: departments green outside, red inside. */
static void watermelons_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	char buf[128];
	json_t *wms = json_object_get(ctx, "watermelons");
	for (size_t i = 0; i < v->nwatermelons; i++) {
		json_t *o = json_array_get(wms, i);
		const struct view_watermelon *w = &v->watermelons[i];
		set_pct(fm, o, "green_share_pct", w->green_share);
		set_pct(fm, o, "sco_rate_pct", w->sco_rate);
		set_pct(fm, o, "sco_target_pct", w->sco_target);
		set_count(fm, o, "cases_fmt", w->cases);
		format_number(buf, sizeof buf, w->shortfall_pts, 0, &fm->st);
		set_str(o, "shortfall_pts_fmt", buf);
		size_t j = journey_index(v, w->journey);
		if (j < v->njourneys)
			set_str(o, "goal", v->journeys[j].goal);
	}
	json_object_set_new(ctx, "has_watermelons", json_boolean(v->nwatermelons > 0));
}

/* A KPI's value or target with its unit: "95.2 %", "4.5 days"; a count or money has none. */
static void kpi_value(char *out, size_t n, const char *prefix, const char *value, const char *unit,
                      bool money)
{
	bool pct = strcmp(unit, "%") == 0, named = *unit && !money && strcmp(unit, "count") != 0;
	snprintf(out, n, "%s%s%s%s", prefix, value, pct ? "\xC2\xA0%" : (named ? "\xC2\xA0" : ""),
	         pct ? "" : (named ? unit : ""));
}

/* One KPI of a department, from its entry in the metrics JSON (src): its status, its values with
 * their unit, and the journeys it serves with their SCO rate beside. */
static json_t *kpi_fmt(const struct fmt *fm, const struct view_kpi *kp, const json_t *src)
{
	const struct view *v = fm->v;
	json_t *ko = json_deep_copy(src);
	set_capitalised(ko, "status_word", kp->status);
	json_object_set_new(ko, "company_wide", json_boolean(v->region && !kp->region));
	const char *unit = kp->unit ? kp->unit : "";
	int digits = fabs(kp->actual - round(kp->actual)) > 1e-9 ||
	                     fabs(kp->target - round(kp->target)) > 1e-9
	                 ? 1
	                 : 0;
	char a[64], t[64];
	format_number(a, sizeof a, kp->actual, digits, &fm->st);
	format_number(t, sizeof t, kp->target, digits, &fm->st);
	bool money = strcmp(unit, "currency") == 0;
	if (money) {
		format_money(a, sizeof a, kp->actual, fm->currency, &fm->st);
		format_money(t, sizeof t, kp->target, fm->currency, &fm->st);
	}
	char av[96], tv[96];
	kpi_value(av, sizeof av, "", a, unit, money);
	kpi_value(tv, sizeof tv, strcmp(kp->direction, "lower") == 0 ? "≤\xC2\xA0" : "≥\xC2\xA0", t,
	          unit, money);
	set_str(ko, "actual_fmt", av);
	set_str(ko, "target_fmt", tv);
	set_str(ko, "kind_word",
	        strcmp(kp->kind, "outcome") == 0 ? "impact (outcome)" : "motion (output)");
	/* the journeys it serves, with their SCO rate beside */
	json_t *serves = json_array();
	for (size_t j = 0; j < kp->njourneys; j++) {
		size_t x = journey_index(v, kp->journeys[j]);
		json_t *so = json_object();
		set_str(so, "journey", kp->journeys[j]);
		set_pct(fm, so, "sco_rate_pct", x < v->njourneys ? v->journeys[x].f.sco_rate : NAN);
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
	const struct view *v = fm->v;
	json_t *depts = json_object_get(ctx, "departments");
	json_t *kpis = json_object_get(ctx, "kpis");
	for (size_t d = 0; d < v->ndepartments; d++) {
		json_t *o = json_array_get(depts, d);
		const struct view_department *df = &v->departments[d];
		set_pct(fm, o, "green_share_pct", df->green_share);
		set_pct(fm, o, "sco_rate_touched_pct", df->sco_rate_touched);
		set_count(fm, o, "cases_touched_fmt", df->cases_touched);
		set_count(fm, o, "failure_contacts_fmt", df->failure_contacts);
		json_object_set_new(o, "has_kpis", json_boolean(df->kpis > 0));
		set_pct(fm, o, "failure_share_of_all_pct", df->failure_share);
		json_t *list = json_array();
		for (size_t k = 0; k < v->nkpis; k++) {
			if (!same_name(v->kpis[k].department, df->department))
				continue;
			json_array_append_new(list,
			                      kpi_fmt(fm, &v->kpis[k], json_array_get(kpis, k)));
		}
		json_object_set_new(o, "kpi_list", list);
	}
	json_object_set_new(ctx, "has_failure_demand", json_boolean(v->nfailure_order > 0));
}

/* The heat map: journeys × departments, cells "successful/cases". */
static void heatmap_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	size_t nd = v->ndepartments;
	char buf[128];
	json_t *heat = json_object();
	json_t *cols = json_array();
	for (size_t d = 0; d < nd; d++)
		json_array_append_new(cols, json_string(v->departments[d].department));
	json_object_set_new(heat, "departments", cols);
	json_t *rows = json_array();
	for (size_t j = 0; j < v->njourneys; j++) {
		json_t *row = json_object();
		set_str(row, "journey", v->journeys[j].journey);
		json_t *cells = json_array();
		for (size_t d = 0; d < nd; d++) {
			const struct view_cell *cl = &v->cells[j * nd + d];
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
	for (size_t i = 0; i < v->njourneys * nd && !any_cell; i++)
		any_cell = v->cells[i].cases > 0;
	json_object_set_new(ctx, "has_heatmap", json_boolean(any_cell));
}

/* Data quality as lists a template can walk, as this pack sees it. */
static void data_quality_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view_dq *d = &fm->v->dq;
	json_t *dq = json_object_get(ctx, "data_quality");
	json_t *files = json_array();
	for (size_t i = 0; i < d->nfiles; i++) {
		json_t *o = json_object();
		set_str(o, "name", d->files[i].file);
		set_count(fm, o, "rows_read_fmt", d->files[i].rows_read);
		set_count(fm, o, "rows_rejected_fmt", d->files[i].rows_rejected);
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
	/* whether the workbook's Data quality sheet lists every one (the JSON always does) */
	long listed = view_dq_sheet_rows();
	json_object_set_new(dq, "all_on_sheet",
	                    json_boolean((long)d->nissues <= listed && (long)d->nnotes <= listed));
	set_count(fm, dq, "sheet_rows_fmt", listed);
	set_count(fm, dq, "rows_read_fmt", d->rows_read);
	set_count(fm, dq, "rows_rejected_fmt", d->rows_rejected);
}

/* The whole organisation's comparison of its regions, worst first. */
static void regions_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	json_t *regions = json_object_get(ctx, "regions");
	for (size_t i = 0; i < v->nregions; i++)
		figures_fmt(fm, json_array_get(regions, i), &v->regions[i].f,
		            v->settings.sco_target, NULL);
	json_object_set_new(ctx, "has_regions", json_boolean(v->has_regions && v->nregions > 0));
}

/* KPIs without a region are company-wide: a regional pack says so beside its outcomes. */
static void company_wide_fmt(const struct fmt *fm, json_t *ctx)
{
	const struct view *v = fm->v;
	json_t *depts = json_object_get(ctx, "departments");
	json_t *wms = json_object_get(ctx, "watermelons");
	bool regional = v->region != NULL;
	bool all_company = regional && v->nkpis > 0, any_company = false;
	for (size_t k = 0; k < v->nkpis; k++) {
		bool cw = regional && !v->kpis[k].region;
		all_company = all_company && cw;
		any_company = any_company || cw;
	}
	json_object_set_new(ctx, "kpis_company_wide", json_boolean(all_company));
	/* a department whose every KPI is company-wide has a company-wide dashboard */
	bool *own = xcalloc(v->ndepartments + 1, 1), *some = xcalloc(v->ndepartments + 1, 1);
	for (size_t k = 0; k < v->nkpis; k++) {
		size_t d = department_index(v, v->kpis[k].department);
		some[d] = true;
		if (v->kpis[k].region)
			own[d] = true;
	}
	for (size_t d = 0; d < v->ndepartments; d++)
		json_object_set_new(json_array_get(depts, d), "company_wide",
		                    json_boolean(regional && some[d] && !own[d]));
	for (size_t i = 0; i < v->nwatermelons; i++) {
		size_t d = department_index(v, v->watermelons[i].department);
		json_object_set_new(json_array_get(wms, i), "company_wide",
		                    json_boolean(regional && some[d] && !own[d]));
	}
	free(own);
	free(some);
	json_object_set_new(ctx, "kpis_some_company_wide",
	                    json_boolean(any_company && !all_company));
}

json_t *context_template(const struct view *v)
{
	struct fmt fm = {v, format_style(v->settings.number_locale), v->currency};
	json_t *ctx = metrics_part(v);
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
