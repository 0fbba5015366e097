#include "view/view.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calc/metrics.h"
#include "in/config.h"
#include "util/values.h"
#include "util/xmem.h"

/* Rows of a story in the view: a case with more has its first and last STORY_ROWS / 2. */
#define STORY_ROWS 24

static const char *const outcome_names[] = {"open", "achieved", "failed", "abandoned"};
static const char *const status_names[] = {"green", "amber", "red"};

static const char *name(const struct metrics *mt, sym s)
{
	return s ? intern_str(mt->model->names, s) : NULL;
}

static struct view_period period_of(const struct metrics *mt, bp_period p)
{
	struct view_period v;
	period_label(p, mt->config->period_length, v.label);
	return v;
}

/* A figure that is not a finite number is missing. */
static double num(double v)
{
	return isinf(v) ? NAN : v;
}

/* The view holds as many trend periods as the metrics do. */
_Static_assert(sizeof((struct figures *)0)->trend / sizeof(struct trend_point) == VIEW_TREND_MAX,
               "the view's trend and the metrics' differ in length");

static void trend_of(const struct metrics *mt, struct view_figures *o, const struct figures *f,
                     bool kpi_share)
{
	o->ntrend = (size_t)f->ntrend;
	o->has_kpi_trend = kpi_share;
	for (int i = 0; i < f->ntrend; i++) {
		const struct trend_point *t = &f->trend[i];
		o->trend[i] = (struct view_trend_point){
		    .period = period_of(mt, t->period),
		    .cases_concluded = t->concluded,
		    .successful = t->successful,
		    .contacts = t->contacts,
		    .failure_contacts = t->failure_contacts,
		    .sco_rate = num((double)t->successful / (double)t->concluded),
		    .customers_lost = t->customers_lost < 0 ? -1 : t->customers_lost,
		    .kpi_green_share = kpi_share ? num(t->kpi_green_share) : NAN};
	}
}

static struct view_figures figures_of(const struct metrics *mt, const struct figures *f,
                                      bool kpi_share)
{
	struct view_figures o = {
	    .cases_started = f->cases_started,
	    .cases_concluded = f->cases_concluded,
	    .achieved = f->achieved,
	    .failed = f->failed,
	    .abandoned = f->abandoned,
	    .open = f->open,
	    .successful = f->successful,
	    .sco_rate = num(f->sco_rate),
	    .sco_ci_low = num(f->sco_ci_low),
	    .sco_ci_high = num(f->sco_ci_high),
	    .prev_cases_concluded = f->prev_concluded,
	    .prev_successful = f->prev_successful,
	    .prev_sco_rate = num(f->prev_sco_rate),
	    .sco_change_pts = num(f->sco_change_pts),
	    .change_significant = f->change_significant,
	    .median_days = num(f->median_days),
	    .p90_days = num(f->p90_days),
	    .contacts = f->contacts,
	    .failure_contacts = f->failure_contacts,
	    .handoffs = f->handoffs,
	    .contacts_per_case = num(f->contacts_per_case),
	    .failure_demand_share = num(f->failure_demand_share),
	    .handoffs_per_case = num(f->handoffs_per_case),
	    .low_volume = f->low_volume,
	    .customers_lost = f->customers_lost < 0 ? -1 : f->customers_lost,
	    .value_lost = num(f->value_lost),
	    .value_at_risk = num(f->value_at_risk),
	    .prev_year_cases_concluded = f->prev_year_concluded,
	    .prev_year_successful = f->prev_year_successful,
	    .prev_year_sco_rate = num(f->prev_year_sco_rate),
	    .failure_demand_cost = num(f->failure_demand_cost),
	    .ntouchpoints = (size_t)f->ntouchpoints,
	};
	trend_of(mt, &o, f, kpi_share);
	for (int i = 0; i < f->ntouchpoints; i++)
		o.touchpoints[i] = (struct view_touchpoint){name(mt, f->touchpoints[i].touchpoint),
		                                            f->touchpoints[i].contacts};
	return o;
}

/* The data quality as the pack sees it: a regional pack, its region's rows, rejections and
 * notes and the company-wide ones (pack.md, "A regional pack belongs to its region"). */
static void dq_of(const struct metrics *mt, struct view_dq *o)
{
	const struct dq *d = mt->model->dq;
	o->files = xcalloc(d->nfiles ? d->nfiles : 1, sizeof *o->files);
	for (size_t i = 0; i < d->nfiles; i++) {
		/* a workbook read for two inputs (its journeys and its KPIs sheets) is one file */
		size_t k = 0;
		while (k < o->nfiles && strcmp(o->files[k].file, d->files[i].name) != 0)
			k++;
		if (k == o->nfiles)
			o->files[o->nfiles++].file = d->files[i].name;
		struct view_dq_file *f = &o->files[k];
		long rr, rj;
		dq_file_counts(&d->files[i], mt->region, &rr, &rj);
		f->rows_read += rr;
		f->rows_rejected += rj;
		o->rows_read += rr;
		o->rows_rejected += rj;
	}
	o->issues = xcalloc(d->nissues ? d->nissues : 1, sizeof *o->issues);
	for (size_t i = 0; i < d->nissues; i++) {
		const struct dq_issue *is = &d->issues[i];
		if (!dq_in_scope(is->scope, mt->region))
			continue;
		o->issues[o->nissues++] =
		    (struct view_dq_issue){.file = d->files[is->file].name,
		                           .line = is->line,
		                           .column = is->column > 0 ? is->column : 0,
		                           .column_name = is->column_name,
		                           .case_id = is->case_id,
		                           .customer_id = is->customer_id,
		                           .value = is->value,
		                           .message = is->message,
		                           .kind = is->kind};
	}
	o->notes = xcalloc(d->nnotes ? d->nnotes : 1, sizeof *o->notes);
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct dq_note *no = &d->notes[i];
		if (!dq_in_scope(no->scope, mt->region))
			continue;
		o->notes[o->nnotes++] = (struct view_dq_issue){
		    .file = no->file >= 0 ? d->files[no->file].name : "PACK.ini",
		    .line = no->line > 0 ? no->line : 0,
		    .case_id = no->case_id,
		    .message = no->message,
		    .kind = no->kind};
	}
	/* counted over every region: a regional pack does not show them (docs/regions.md) */
	const struct config *c = mt->config;
	const struct model *m = mt->model;
	o->has_defaults = !mt->region;
	o->defaults = xcalloc(c->ndefaults ? c->ndefaults : 1, sizeof *o->defaults);
	if (mt->region)
		return;
	o->ndefaults = c->ndefaults;
	for (size_t i = 0; i < c->ndefaults; i++) {
		o->defaults[i].column = c->defaults[i].contract;
		for (size_t j = 0; j < m->ndefaults_used; j++)
			if (strcmp(m->defaults_used[j].column, c->defaults[i].contract) == 0)
				o->defaults[i].rows = m->defaults_used[j].rows;
	}
}

/*
 * A goal's customer_journey (pack.md, "One journey through the customer's eyes"): the case
 * (ids only: no customer id), its figures and its rows in time order; NULL when the goal had no
 * unsuccessful case. Without an event log (cases.csv) it has no rows.
 */
static struct view_story *story_of(const struct metrics *mt, size_t ix)
{
	if (ix == SIZE_MAX)
		return NULL;
	static const char *const row_outcomes[] = {NULL, "achieved", "failed", "abandoned"};
	const struct model *m = mt->model;
	const struct bp_case *k = &m->cases[ix];
	struct view_story *s = xcalloc(1, sizeof *s);
	s->case_id = model_case_id(m, ix);
	s->journey = name(mt, k->journey);
	s->outcome = outcome_names[k->outcome];
	s->days = num(metrics_case_days(k));
	s->contacts = k->contacts;
	s->failure_contacts = k->failure_contacts;
	s->handoffs = k->handoffs;
	s->start_ms = k->start;
	if (!mt->config->journeys) {
		s->rows_total = k->contacts;
		return s;
	}
	/* the story rows are by case: this case's are one run */
	size_t lo = 0, hi = m->nstory_rows;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->story_rows[mid].case_ix < ix)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < m->nstory_rows && m->story_rows[end].case_ix == ix)
		end++;
	size_t n = end - lo;
	s->rows_total = (long)n;
	s->has_rows = true;
	s->rows = xcalloc(n < STORY_ROWS ? (n ? n : 1) : STORY_ROWS, sizeof *s->rows);
	for (size_t i = 0; i < n; i++) {
		if (n > STORY_ROWS && i == STORY_ROWS / 2)
			i = n - STORY_ROWS / 2; /* the middle is left out */
		const struct story_row *sr = &m->story_rows[lo + i];
		s->rows[s->nrows++] =
		    (struct view_story_row){.time_ms = sr->ts,
		                            .line = sr->line,
		                            .touchpoint = name(mt, sr->touchpoint),
		                            .department = name(mt, sr->dept),
		                            .channel = name(mt, sr->channel),
		                            .failure_demand = sr->failure,
		                            .outcome = row_outcomes[sr->outcome]};
	}
	return s;
}

/* The figures of the goal (by its text) or the journey (by its name) an action serves, or NULL. */
static const struct figures *action_figures(const struct metrics *mt, sym goal)
{
	if (!goal)
		return NULL;
	const char *g = intern_str(mt->model->names, goal);
	for (size_t i = 0; i < mt->ngoals; i++)
		if (strcmp(mt->goals[i].goal, g) == 0)
			return &mt->goals[i].f;
	for (size_t i = 0; i < mt->njourneys; i++)
		if (mt->journeys[i].name == goal)
			return &mt->journeys[i].f;
	return NULL;
}

/*
 * The board's actions of this pack (data-contract.md, actions.csv; a regional pack: the
 * region's and those with no region), each with the rate of the goal it serves in P−1 and P.
 */
static void actions_of(const struct metrics *mt, struct view *v)
{
	static const char *const status[] = {"open", "done", "late", "dropped"};
	const struct model *m = mt->model;
	v->has_actions = m->have_actions;
	v->actions = xcalloc(m->nactions ? m->nactions : 1, sizeof *v->actions);
	if (!m->have_actions)
		return;
	for (size_t i = 0; i < m->nactions; i++) {
		const struct action *ac = &m->actions[i];
		if (mt->region && ac->region && ac->region != mt->region)
			continue;
		const struct figures *f = action_figures(mt, ac->goal);
		v->actions[v->nactions++] =
		    (struct view_action){.action = name(mt, ac->what),
		                         .owner = name(mt, ac->owner),
		                         .goal = name(mt, ac->goal),
		                         .due_day = ac->due,
		                         .status = status[ac->status],
		                         .region = name(mt, ac->region),
		                         .goal_found = f != NULL,
		                         .prev_sco_rate = f ? num(f->prev_sco_rate) : NAN,
		                         .sco_rate = f ? num(f->sco_rate) : NAN,
		                         .line = ac->line};
	}
}

/* The customer view's trend lines (view_totals.sparks), from the totals' trend. */
static void sparks_of(struct view_totals *t)
{
	for (size_t i = 0; i < t->f.ntrend; i++) {
		const struct view_trend_point *p = &t->f.trend[i];
		double rate =
		    p->cases_concluded ? (double)p->successful / (double)p->cases_concluded : NAN;
		t->sparks[VIEW_SPARK_RATE][i] = rate;
		t->sparks[VIEW_SPARK_LOST][i] =
		    p->customers_lost < 0 ? NAN : (double)p->customers_lost;
		t->sparks[VIEW_SPARK_FAILURE][i] =
		    p->contacts ? (double)p->failure_contacts / (double)p->contacts : NAN;
		t->sparks[VIEW_SPARK_GAP][i] = num((p->kpi_green_share - rate) * 100);
	}
}

static void totals_of(const struct metrics *mt, struct view_totals *t)
{
	t->f = figures_of(mt, &mt->totals, true);
	sparks_of(t);
	t->kpi_green_share = num(mt->kpi_green_share);
	t->motion_share = num(mt->motion_share);
	t->perception_gap_pts = num(mt->perception_gap_pts);
	t->goals_short = mt->goals_short;
	t->watermelon_count = (long)mt->nwatermelons;
	t->have_growth = mt->have_growth;
	const struct growth *g = &mt->growth;
	t->growth =
	    (struct view_growth){.customers_start = g->customers_start,
	                         .customers_end = g->customers_end,
	                         .joiners = g->joiners,
	                         .leavers = g->leavers,
	                         .net_growth = g->net_growth,
	                         .value_end = num(g->value_end),
	                         .sco_cases_known = g->sco_cases_known,
	                         .sco_cases_left = g->sco_cases_left,
	                         .unsuccessful_cases_known = g->unsuccessful_cases_known,
	                         .unsuccessful_cases_left = g->unsuccessful_cases_left,
	                         .churn_after_sco = num(g->churn_after_sco),
	                         .churn_after_unsuccessful = num(g->churn_after_unsuccessful),
	                         .churn_ratio = num(g->churn_ratio)};
}

static void goals_of(const struct metrics *mt, struct view *v)
{
	v->ngoals = mt->ngoals;
	v->goals = xcalloc(mt->ngoals ? mt->ngoals : 1, sizeof *v->goals);
	for (size_t i = 0; i < mt->ngoals; i++) {
		const struct goal_figures *gf = &mt->goals[i];
		struct view_goal *g = &v->goals[i];
		g->goal = gf->goal;
		g->njourneys = gf->njourneys;
		g->journeys = xcalloc(gf->njourneys ? gf->njourneys : 1, sizeof *g->journeys);
		for (size_t k = 0; k < gf->njourneys; k++)
			g->journeys[k] = name(mt, mt->journeys[gf->journeys[k]].name);
		g->sco_target = num(gf->sco_target);
		g->f = figures_of(mt, &gf->f, false);
		g->story = story_of(mt, gf->story_case);
	}
}

static void journeys_of(const struct metrics *mt, struct view *v)
{
	v->njourneys = mt->njourneys;
	v->journeys = xcalloc(mt->njourneys ? mt->njourneys : 1, sizeof *v->journeys);
	for (size_t i = 0; i < mt->njourneys; i++) {
		const struct journey_figures *j = &mt->journeys[i];
		v->journeys[i] =
		    (struct view_journey){.journey = name(mt, j->name),
		                          .goal = j->goal,
		                          .sco_target = num(j->sco_target),
		                          .promise_days = num(j->promise_days),
		                          .max_failure_contacts = j->max_failure_contacts,
		                          .f = figures_of(mt, &j->f, false)};
	}
}

/* view.failure_order: the departments with failure demand, most first, ties in their order. */
static void failure_order_of(struct view *v)
{
	size_t n = v->ndepartments, k = 0;
	size_t *order = xreallocarray(NULL, n ? n : 1, sizeof *order);
	for (size_t d = 0; d < n; d++)
		if (v->departments[d].failure_contacts > 0)
			order[k++] = d;
	for (size_t a = 1; a < k; a++) {
		size_t x = order[a], j = a;
		while (j > 0 && v->departments[order[j - 1]].failure_contacts <
		                    v->departments[x].failure_contacts) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	v->failure_order = order;
	v->nfailure_order = k;
}

static void departments_of(const struct metrics *mt, struct view *v)
{
	v->ndepartments = mt->ndepts;
	v->departments = xcalloc(mt->ndepts ? mt->ndepts : 1, sizeof *v->departments);
	for (size_t i = 0; i < mt->ndepts; i++) {
		const struct dept_figures *d = &mt->depts[i];
		v->departments[i] =
		    (struct view_department){.department = name(mt, d->name),
		                             .kpis = d->kpis,
		                             .green = d->green,
		                             .amber = d->amber,
		                             .red = d->red,
		                             .green_share = num(d->green_share),
		                             .cases_touched = d->cases_touched,
		                             .successful_touched = d->successful_touched,
		                             .failure_contacts = d->failure_contacts,
		                             .sco_rate_touched = num(d->sco_rate_touched)};
	}
	long all = v->totals.f.failure_contacts;
	for (size_t i = 0; i < v->ndepartments; i++)
		v->departments[i].failure_share =
		    all ? (double)v->departments[i].failure_contacts / (double)all : NAN;
	failure_order_of(v);
}

static void kpis_of(const struct metrics *mt, struct view *v)
{
	const struct model *m = mt->model;
	v->nkpis = mt->nkpis;
	v->kpis = xcalloc(mt->nkpis ? mt->nkpis : 1, sizeof *v->kpis);
	for (size_t i = 0; i < mt->nkpis; i++) {
		const struct kpi *k = mt->kpis[i].kpi;
		struct view_kpi *o = &v->kpis[i];
		*o = (struct view_kpi){.department = name(mt, k->dept),
		                       .kpi = name(mt, k->name),
		                       .period = period_of(mt, k->period),
		                       .actual = num(k->actual),
		                       .target = num(k->target),
		                       .direction =
		                           k->direction == DIRECTION_LOWER ? "lower" : "higher",
		                       .unit = name(mt, k->unit),
		                       .kind = k->kind == KIND_OUTCOME ? "outcome" : "output",
		                       .tolerance = num(k->tolerance),
		                       .region = name(mt, k->region),
		                       .status = status_names[mt->kpis[i].status]};
		o->njourneys = k->njourneys;
		o->journeys = xcalloc(k->njourneys ? k->njourneys : 1, sizeof *o->journeys);
		for (uint32_t j = 0; j < k->njourneys; j++)
			o->journeys[j] = name(mt, m->kpi_journeys[k->journey_off + j]);
	}
}

static void watermelons_of(const struct metrics *mt, struct view *v)
{
	v->nwatermelons = mt->nwatermelons;
	v->watermelons = xcalloc(mt->nwatermelons ? mt->nwatermelons : 1, sizeof *v->watermelons);
	for (size_t i = 0; i < mt->nwatermelons; i++) {
		const struct watermelon *w = &mt->watermelons[i];
		v->watermelons[i] =
		    (struct view_watermelon){.department = name(mt, mt->depts[w->dept].name),
		                             .journey = name(mt, mt->journeys[w->journey].name),
		                             .green_share = num(w->green_share),
		                             .cases = w->cases,
		                             .successful = w->successful,
		                             .sco_rate = num(w->sco_rate),
		                             .sco_target = num(w->sco_target),
		                             .shortfall_pts = num(w->shortfall_pts)};
	}
}

/* The heat map: breaks[] (metrics.md, "Second edition") and the whole grid of cells. */
static void heatmap_of(const struct metrics *mt, struct view *v)
{
	v->nbreaks = mt->nbreaks;
	v->breaks = xcalloc(mt->nbreaks ? mt->nbreaks : 1, sizeof *v->breaks);
	for (size_t i = 0; i < mt->nbreaks; i++) {
		const struct brk *b = &mt->breaks[i];
		v->breaks[i] =
		    (struct view_break){.journey = name(mt, mt->journeys[b->journey].name),
		                        .department = name(mt, mt->depts[b->dept].name),
		                        .cases = b->cases,
		                        .successful = b->successful,
		                        .cases_untouched = b->cases_untouched,
		                        .successful_untouched = b->successful_untouched,
		                        .sco_rate = num(b->sco_rate),
		                        .sco_rate_untouched = num(b->sco_rate_untouched),
		                        .gap_pts = num(b->gap_pts),
		                        .comparable = b->comparable};
	}
	size_t n = mt->njourneys * mt->ndepts;
	v->cells = xcalloc(n ? n : 1, sizeof *v->cells);
	for (size_t c = 0; c < n; c++)
		v->cells[c] =
		    (struct view_cell){.journey = name(mt, mt->journeys[c / mt->ndepts].name),
		                       .department = name(mt, mt->depts[c % mt->ndepts].name),
		                       .cases = mt->cells[c].cases,
		                       .successful = mt->cells[c].successful};
}

/* regions[]: the whole organisation's pack only (metrics.md). */
static void regions_of(const struct metrics *mt, struct view *v)
{
	v->has_regions = !mt->region;
	v->regions = xcalloc(mt->nregions ? mt->nregions : 1, sizeof *v->regions);
	if (mt->region)
		return;
	v->nregions = mt->nregions;
	for (size_t i = 0; i < mt->nregions; i++)
		v->regions[i] = (struct view_region){
		    .region = mt->regions[i].label,
		    /* as the region's own totals: the dashboards of each trend period */
		    .f = figures_of(mt, &mt->regions[i].f, true)};
}

/* What the template context says beyond the metrics JSON: whether the data stops short of the
 * period, how many goals were judged, and whether the watermelon check had anything to judge. */
static void context_facts_of(const struct metrics *mt, struct view *v)
{
	v->period_end_ms = period_end(mt->period, mt->config->period_length);
	v->totals.goals_judged = mt->goals_judged;
	v->watermelons_judgeable = mt->watermelons_judgeable;
}

struct view *view_build(const struct metrics *mt)
{
	static const char *const lens[] = {"month", "quarter", "year"};
	const struct config *c = mt->config;
	const struct model *m = mt->model;
	struct view *v = xcalloc(1, sizeof *v);
	v->period = period_of(mt, mt->period);
	v->previous = period_of(mt, mt->previous);
	v->year_ago = period_of(mt, mt->year_ago);
	v->period_length = lens[c->period_length];
	v->organisation = c->organisation;
	v->title = c->title;
	v->currency = c->currency;
	v->region = name(mt, mt->region);
	v->data_from_ms = m->data_from;
	v->data_to_ms = m->data_from != BP_TIME_NONE ? m->data_to : VIEW_NO_DAY;
	v->settings = (struct view_settings){.min_cases = c->min_cases,
	                                     .churn_window_days = c->churn_window_days,
	                                     .green_share_threshold = c->green_share_threshold,
	                                     .sco_target = c->sco_target,
	                                     .tolerance = c->tolerance,
	                                     .failure_contact_cost = c->failure_contact_cost,
	                                     .number_locale = c->number_locale};
	totals_of(mt, &v->totals);
	goals_of(mt, v);
	journeys_of(mt, v);
	departments_of(mt, v);
	kpis_of(mt, v);
	watermelons_of(mt, v);
	heatmap_of(mt, v);
	regions_of(mt, v);
	actions_of(mt, v);
	dq_of(mt, &v->dq);
	context_facts_of(mt, v);
	return v;
}

void view_free(struct view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->ngoals; i++) {
		free(v->goals[i].journeys);
		if (v->goals[i].story)
			free(v->goals[i].story->rows);
		free(v->goals[i].story);
	}
	for (size_t i = 0; i < v->nkpis; i++)
		free(v->kpis[i].journeys);
	free(v->goals);
	free(v->journeys);
	free(v->departments);
	free(v->failure_order);
	free(v->kpis);
	free(v->watermelons);
	free(v->breaks);
	free(v->cells);
	free(v->regions);
	free(v->actions);
	free(v->dq.files);
	free(v->dq.issues);
	free(v->dq.notes);
	free(v->dq.defaults);
	free(v);
}

long view_dq_sheet_rows(void)
{
	const char *s = getenv("BOARDPACK_TEST_DQ_ROWS");
	long n = s && *s ? atol(s) : 0;
	return n > 0 ? n : 400000L;
}
