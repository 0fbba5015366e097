#include "calc/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in/config.h"
#include "util/stats.h"
#include "util/xmem.h"

/* What one group (a journey, a goal, the totals) accumulates over the cases. */
struct acc {
	struct figures f;
	double *days; /* days to outcome of achieved cases concluded in P */
	size_t ndays, capdays;
	struct trend_point *periods; /* sorted by period; concluded cases of periods <= P */
	size_t nperiods, capperiods;
	struct lost {
		sym customer;
		bool lost;
	} * unsucc; /* customers with an unsuccessful case in P */
	size_t nunsucc, capunsucc;
	struct period_lost {
		bp_period period;
		sym customer;
	} * trend_unsucc; /* every period up to P's unsuccessful cases after which their customer
	                     left, for the trend */
	size_t ntrend_unsucc, captrend_unsucc;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static int64_t day_of(bp_time t)
{
	return floor_div(t, BP_MS_PER_DAY);
}

double metrics_case_days(const struct bp_case *k)
{
	return (double)(k->end - k->start) / (double)BP_MS_PER_DAY;
}

bool metrics_default_period(const struct model *m, enum period_len len, bp_period *out)
{
	bool any = false;
	for (size_t i = 0; i < m->ncases; i++) {
		const struct bp_case *k = &m->cases[i];
		if (k->outcome == OUTCOME_OPEN)
			continue;
		bp_period p = period_of_time(k->end, len);
		if (!any || p > *out)
			*out = p;
		any = true;
	}
	return any;
}

/* A regional pack holds the region's own cases only: a case with no region is in the whole
 * organisation's pack alone (pack.md, "A regional pack belongs to its region"). */
static void widen(bp_period p, bp_period *first, bp_period *last, bool *any)
{
	if (!*any || p < *first)
		*first = p;
	if (!*any || p > *last)
		*last = p;
	*any = true;
}

bool metrics_period_has_data(const struct model *m, enum period_len len, bp_period p,
                             bp_period *first, bp_period *last, bool *any)
{
	bool has = false;
	*any = false;
	*first = *last = 0;
	if (m->data_from != BP_TIME_NONE) {
		bp_period a = period_of_time(m->data_from, len),
		          b = period_of_time(m->data_to, len);
		widen(a, first, last, any);
		widen(b, first, last, any);
		has = p >= a && p <= b;
	}
	for (size_t i = 0; i < m->nkpis; i++) {
		widen(m->kpis[i].period, first, last, any);
		has = has || m->kpis[i].period == p;
	}
	for (size_t i = 0; i < m->ncustomers; i++) {
		const struct customer *cu = &m->customers[i];
		const int64_t days[2] = {customer_joined(cu), customer_left(cu)};
		for (int k = 0; k < 2; k++) {
			if (days[k] == INT64_MIN || days[k] == INT64_MAX)
				continue;
			bp_period q = period_of_time(days[k] * BP_MS_PER_DAY, len);
			widen(q, first, last, any);
			has = has || q == p;
		}
	}
	return has;
}

bool metrics_case_in(const struct metrics *mt, const struct bp_case *k)
{
	return !mt->region || k->region == mt->region;
}

static const struct journey_figures *journey_of(const struct metrics *mt, const uint32_t *jmap,
                                                const struct bp_case *k)
{
	return &mt->journeys[jmap[k->journey] - 1];
}

static bool case_sco(const struct journey_figures *j, const struct bp_case *k)
{
	if (k->outcome != OUTCOME_ACHIEVED)
		return false;
	if (!isnan(j->promise_days) && metrics_case_days(k) > j->promise_days)
		return false;
	return k->failure_contacts <= j->max_failure_contacts;
}

bool metrics_case_sco(const struct metrics *mt, const struct bp_case *k)
{
	for (size_t i = 0; i < mt->njourneys; i++)
		if (mt->journeys[i].name == k->journey)
			return case_sco(&mt->journeys[i], k);
	return false;
}

/* The customer as this pack sees it: in customers.csv and of this region or none. */
static const struct customer *pack_customer(const struct metrics *mt, sym id)
{
	const struct customer *cu = model_customer(mt->model, id);
	if (cu && mt->region && cu->region && cu->region != mt->region)
		return NULL;
	return cu;
}

static bool left_within_window(const struct metrics *mt, const struct customer *cu,
                               const struct bp_case *k)
{
	if (customer_left(cu) == INT64_MAX)
		return false;
	int64_t end_day = day_of(k->end);
	return customer_left(cu) >= end_day &&
	       customer_left(cu) <= end_day + mt->config->churn_window_days;
}

static void add_period(struct acc *a, bp_period p, bool sco, const struct bp_case *k)
{
	size_t lo = 0, hi = a->nperiods;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->periods[mid].period < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == a->nperiods || a->periods[lo].period != p) {
		if (a->nperiods == a->capperiods) {
			a->capperiods = a->capperiods ? a->capperiods * 2 : 16;
			a->periods = xreallocarray(a->periods, a->capperiods, sizeof *a->periods);
		}
		memmove(&a->periods[lo + 1], &a->periods[lo],
		        (a->nperiods - lo) * sizeof *a->periods);
		a->periods[lo] = (struct trend_point){.period = p, .kpi_green_share = NAN};
		a->nperiods++;
	}
	a->periods[lo].concluded++;
	a->periods[lo].successful += sco;
	a->periods[lo].contacts += k->contacts;
	a->periods[lo].failure_contacts += k->failure_contacts;
}

/* How a case stands against the report period, worked out once for its three tallies. */
struct case_when {
	bp_time ps, pe; /* the report period's start and end */
	bp_period ep;   /* the period the case concluded in (not for an open case) */
};

static void add_case(struct metrics *mt, struct acc *a, const struct bp_case *k, bool sco,
                     const struct case_when *w)
{
	bp_time ps = w->ps, pe = w->pe;
	struct figures *f = &a->f;
	if (k->start >= ps && k->start < pe)
		f->cases_started++;
	if (k->start < pe && (k->outcome == OUTCOME_OPEN || k->end >= pe))
		f->open++;
	if (k->outcome == OUTCOME_OPEN)
		return;
	bp_period ep = w->ep;
	if (ep <= mt->period) {
		add_period(a, ep, sco, k);
		if (!sco && mt->model->have_customers && k->customer) {
			const struct customer *cu = pack_customer(mt, k->customer);
			/* only the cases after which their customer left count (trend_lost): the
			 * others are not kept, nor sorted */
			if (cu && left_within_window(mt, cu, k)) {
				if (a->ntrend_unsucc == a->captrend_unsucc) {
					a->captrend_unsucc =
					    a->captrend_unsucc ? a->captrend_unsucc * 2 : 64;
					a->trend_unsucc =
					    xreallocarray(a->trend_unsucc, a->captrend_unsucc,
					                  sizeof *a->trend_unsucc);
				}
				a->trend_unsucc[a->ntrend_unsucc++] =
				    (struct period_lost){ep, k->customer};
			}
		}
	}
	if (ep == mt->previous) {
		f->prev_concluded++;
		f->prev_successful += sco;
	}
	if (ep == mt->year_ago) {
		f->prev_year_concluded++;
		f->prev_year_successful += sco;
	}
	if (ep != mt->period)
		return;
	f->cases_concluded++;
	f->successful += sco;
	f->achieved += k->outcome == OUTCOME_ACHIEVED;
	f->failed += k->outcome == OUTCOME_FAILED;
	f->abandoned += k->outcome == OUTCOME_ABANDONED;
	f->contacts += k->contacts;
	f->failure_contacts += k->failure_contacts;
	f->handoffs += k->handoffs;
	if (k->outcome == OUTCOME_ACHIEVED) {
		if (a->ndays == a->capdays) {
			a->capdays = a->capdays ? a->capdays * 2 : 64;
			a->days = xreallocarray(a->days, a->capdays, sizeof *a->days);
		}
		a->days[a->ndays++] = metrics_case_days(k);
	}
	if (!sco && mt->model->have_customers && k->customer) {
		const struct customer *cu = pack_customer(mt, k->customer);
		if (cu) {
			if (a->nunsucc == a->capunsucc) {
				a->capunsucc = a->capunsucc ? a->capunsucc * 2 : 64;
				a->unsucc =
				    xreallocarray(a->unsucc, a->capunsucc, sizeof *a->unsucc);
			}
			a->unsucc[a->nunsucc++] =
			    (struct lost){k->customer, left_within_window(mt, cu, k)};
		}
	}
}

static int cmp_lost(const void *a, const void *b)
{
	const struct lost *x = a, *y = b;
	return (x->customer > y->customer) - (x->customer < y->customer);
}

static int cmp_period_lost(const void *a, const void *b)
{
	const struct period_lost *x = a, *y = b;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return (x->customer > y->customer) - (x->customer < y->customer);
}

/* customers_lost of each trend period: distinct customers lost after one of its unsuccessful
 * cases, as for P. */
static void trend_lost(const struct metrics *mt, struct acc *a)
{
	for (size_t i = 0; i < a->nperiods; i++)
		a->periods[i].customers_lost = mt->model->have_customers ? 0 : -1;
	if (a->ntrend_unsucc)
		qsort(a->trend_unsucc, a->ntrend_unsucc, sizeof *a->trend_unsucc, cmp_period_lost);
	size_t pi = 0;
	for (size_t i = 0; i < a->ntrend_unsucc;) {
		size_t j = i;
		while (j < a->ntrend_unsucc &&
		       a->trend_unsucc[j].period == a->trend_unsucc[i].period &&
		       a->trend_unsucc[j].customer == a->trend_unsucc[i].customer)
			j++;
		while (pi < a->nperiods && a->periods[pi].period < a->trend_unsucc[i].period)
			pi++;
		if (pi < a->nperiods)
			a->periods[pi].customers_lost++;
		i = j;
	}
	free(a->trend_unsucc);
}

static double ratio(long num, long den)
{
	return den ? (double)num / (double)den : NAN;
}

static void finish(struct metrics *mt, struct acc *a, struct figures *out)
{
	struct figures *f = &a->f;
	f->sco_rate = ratio(f->successful, f->cases_concluded);
	f->sco_ci_low = f->sco_ci_high = NAN;
	if (f->cases_concluded)
		stats_wilson(f->successful, f->cases_concluded, &f->sco_ci_low, &f->sco_ci_high);
	f->prev_sco_rate = ratio(f->prev_successful, f->prev_concluded);
	f->sco_change_pts = (f->sco_rate - f->prev_sco_rate) * 100;
	f->change_significant = stats_change_significant(f->successful, f->cases_concluded,
	                                                 f->prev_successful, f->prev_concluded);
	f->median_days = f->p90_days = NAN;
	if (a->ndays) {
		stats_sort(a->days, a->ndays);
		f->median_days = stats_percentile_inc(a->days, a->ndays, 0.5);
		f->p90_days = stats_percentile_inc(a->days, a->ndays, 0.9);
	}
	f->prev_year_sco_rate = ratio(f->prev_year_successful, f->prev_year_concluded);
	f->failure_demand_cost =
	    isnan(mt->config->failure_contact_cost)
	        ? NAN
	        : (double)f->failure_contacts * mt->config->failure_contact_cost;
	f->contacts_per_case = ratio(f->contacts, f->cases_concluded);
	f->failure_demand_share = ratio(f->failure_contacts, f->contacts);
	f->handoffs_per_case = ratio(f->handoffs, f->cases_concluded);
	f->low_volume = f->cases_concluded < mt->config->min_cases;
	f->customers_lost = -1;
	f->value_lost = f->value_at_risk = NAN;
	if (mt->model->have_customers) {
		f->customers_lost = 0;
		f->value_lost = f->value_at_risk = 0;
		if (a->nunsucc > 1)
			qsort(a->unsucc, a->nunsucc, sizeof *a->unsucc, cmp_lost);
		int64_t last_day = day_of(period_end(mt->period, mt->config->period_length)) - 1;
		for (size_t i = 0; i < a->nunsucc;) {
			size_t j = i;
			bool lost = false;
			for (; j < a->nunsucc && a->unsucc[j].customer == a->unsucc[i].customer;
			     j++)
				lost |= a->unsucc[j].lost;
			const struct customer *cu = pack_customer(mt, a->unsucc[i].customer);
			if (lost) {
				f->customers_lost++;
				f->value_lost += cu->annual_value;
			} else if ((customer_joined(cu) == INT64_MIN ||
			            customer_joined(cu) <= last_day) &&
			           (customer_left(cu) == INT64_MAX ||
			            customer_left(cu) > last_day)) {
				f->value_at_risk += cu->annual_value;
			}
			i = j;
		}
	}
	trend_lost(mt, a);
	size_t first = a->nperiods > 8 ? a->nperiods - 8 : 0;
	f->ntrend = 0;
	for (size_t i = first; i < a->nperiods; i++)
		f->trend[f->ntrend++] = a->periods[i];
	*out = *f;
	free(a->days);
	free(a->periods);
	free(a->unsucc);
}

static int cmp_sym_name(const void *a, const void *b, void *names)
{
	return strcmp(intern_str(names, *(const sym *)a), intern_str(names, *(const sym *)b));
}

/* qsort_r is a GNU extension; sort small arrays of symbols by name with an insertion sort. */
static void sort_syms(sym *v, size_t n, struct intern *names)
{
	for (size_t i = 1; i < n; i++) {
		sym x = v[i];
		size_t j = i;
		while (j > 0 && cmp_sym_name(&v[j - 1], &x, names) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void setup_journeys(struct metrics *mt, uint32_t *jmap, size_t nsyms)
{
	const struct model *m = mt->model;
	const struct config *c = mt->config;
	sym *order = xreallocarray(NULL, nsyms ? nsyms : 1, sizeof *order);
	size_t n = 0;
	for (size_t i = 0; i < c->njourney_confs; i++) {
		/* load_inputs interned every configured journey name */
		sym s = intern_find(m->names, c->journey_confs[i].name,
		                    strlen(c->journey_confs[i].name));
		if (s && s < nsyms && !jmap[s]) {
			jmap[s] = (uint32_t)n + 1;
			order[n++] = s;
		}
	}
	size_t configured = n;
	for (size_t i = 0; i < m->ncases; i++) {
		sym s = m->cases[i].journey;
		if (!jmap[s]) {
			jmap[s] = (uint32_t)n + 1;
			order[n++] = s;
		}
	}
	sort_syms(order + configured, n - configured, m->names);
	mt->journeys = xcalloc(n ? n : 1, sizeof *mt->journeys);
	mt->njourneys = n;
	for (size_t i = 0; i < n; i++) {
		jmap[order[i]] = (uint32_t)i + 1;
		struct journey_figures *j = &mt->journeys[i];
		const struct journey_conf *jc = config_journey(c, intern_str(m->names, order[i]));
		j->name = order[i];
		j->goal = jc && jc->goal ? jc->goal : intern_str(m->names, order[i]);
		j->sco_target = jc && !isnan(jc->sco_target) ? jc->sco_target : c->sco_target;
		j->promise_days = jc ? jc->promise_days : NAN;
		j->max_failure_contacts = jc ? jc->max_failure_contacts : 0;
	}
	free(order);
	/* goals: journeys with the same goal text, in order of their first journey */
	mt->goals = xcalloc(n ? n : 1, sizeof *mt->goals);
	for (size_t i = 0; i < n; i++) {
		struct journey_figures *j = &mt->journeys[i];
		size_t g = 0;
		while (g < mt->ngoals && strcmp(mt->goals[g].goal, j->goal) != 0)
			g++;
		if (g == mt->ngoals)
			mt->goals[mt->ngoals++].goal = j->goal;
		struct goal_figures *gf = &mt->goals[g];
		gf->journeys = xreallocarray(gf->journeys, gf->njourneys + 1, sizeof *gf->journeys);
		gf->journeys[gf->njourneys++] = i;
		j->goal_index = g;
	}
}

static size_t dept_index(struct metrics *mt, uint32_t *dmap, sym d)
{
	if (!dmap[d]) {
		mt->depts = xreallocarray(mt->depts, mt->ndepts + 1, sizeof *mt->depts);
		mt->depts[mt->ndepts] = (struct dept_figures){.name = d};
		dmap[d] = (uint32_t)(mt->ndepts++) + 1;
	}
	return dmap[d] - 1;
}

static enum status kpi_status(const struct kpi *k)
{
	double tol = k->tolerance * fabs(k->target);
	if (k->direction == DIRECTION_HIGHER)
		return k->actual >= k->target         ? STATUS_GREEN
		       : k->actual >= k->target - tol ? STATUS_AMBER
		                                      : STATUS_RED;
	return k->actual <= k->target         ? STATUS_GREEN
	       : k->actual <= k->target + tol ? STATUS_AMBER
	                                      : STATUS_RED;
}

static int cmp_watermelon(const void *a, const void *b, const struct metrics *mt)
{
	const struct watermelon *x = a, *y = b;
	if (x->shortfall_pts != y->shortfall_pts)
		return x->shortfall_pts > y->shortfall_pts ? -1 : 1;
	if (x->cases != y->cases)
		return x->cases > y->cases ? -1 : 1;
	int c = strcmp(intern_str(mt->model->names, mt->depts[x->dept].name),
	               intern_str(mt->model->names, mt->depts[y->dept].name));
	return c ? c : (x->journey > y->journey) - (x->journey < y->journey);
}

static void growth(struct metrics *mt)
{
	const struct model *m = mt->model;
	enum period_len len = mt->config->period_length;
	int64_t first = day_of(period_start(mt->period, len));
	int64_t last = day_of(period_end(mt->period, len)) - 1;
	struct growth *g = &mt->growth;
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < m->ncustomers; i++) {
		const struct customer *cu = &m->customers[i];
		if (mt->region && cu->region && cu->region != mt->region)
			continue;
		bool joined_before =
		    customer_joined(cu) == INT64_MIN || customer_joined(cu) < first;
		if (joined_before && (customer_left(cu) == INT64_MAX || customer_left(cu) >= first))
			g->customers_start++;
		if ((customer_joined(cu) == INT64_MIN || customer_joined(cu) <= last) &&
		    (customer_left(cu) == INT64_MAX || customer_left(cu) > last)) {
			g->customers_end++;
			g->value_end += cu->annual_value;
		}
		if (customer_joined(cu) != INT64_MIN && customer_joined(cu) >= first &&
		    customer_joined(cu) <= last)
			g->joiners++;
		if (customer_left(cu) != INT64_MAX && customer_left(cu) >= first &&
		    customer_left(cu) <= last)
			g->leavers++;
	}
	g->net_growth = g->customers_end - g->customers_start;
}

/* One group's failure-demand rows of one touchpoint: a journey (index), a goal (njourneys +
 * index) or the totals (njourneys + ngoals). */
struct touch_tally {
	size_t group;
	sym touchpoint;
	long rows;
	const char *name; /* the touchpoint's, for ranking; NULL when blank */
};

static int cmp_tally_key(const void *a, const void *b)
{
	const struct touch_tally *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->touchpoint > y->touchpoint) - (x->touchpoint < y->touchpoint);
}

/* Within a group: most rows first, ties by name (a blank touchpoint last among its ties). */
static int cmp_tally_rank(const void *a, const void *b)
{
	const struct touch_tally *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	if (!x->name || !y->name)
		return (x->name == NULL) - (y->name == NULL);
	return strcmp(x->name, y->name);
}

/*
 * failure_touchpoints[] (metrics.md): failure-demand rows of cases concluded in P, by
 * touchpoint, for every journey, goal and the totals; the first METRICS_TOUCHPOINTS of each.
 */
static void failure_touchpoints(struct metrics *mt, const uint32_t *jmap, bp_time ps, bp_time pe)
{
	const struct model *m = mt->model;
	size_t n = 0;
	struct touch_tally *t = xreallocarray(NULL, 3 * m->ncase_failures + 1, sizeof *t);
	for (size_t i = 0; i < m->ncase_failures; i++) {
		const struct case_failure *cf = &m->case_failures[i];
		const struct bp_case *k = &m->cases[cf->case_ix];
		if (!metrics_case_in(mt, k) || k->outcome == OUTCOME_OPEN || k->end < ps ||
		    k->end >= pe)
			continue;
		size_t ji = jmap[k->journey] - 1;
		const size_t groups[3] = {ji, mt->njourneys + mt->journeys[ji].goal_index,
		                          mt->njourneys + mt->ngoals};
		for (int g = 0; g < 3; g++)
			t[n++] = (struct touch_tally){
			    groups[g], cf->touchpoint, cf->rows,
			    cf->touchpoint ? intern_str(m->names, cf->touchpoint) : NULL};
	}
	if (n)
		qsort(t, n, sizeof *t, cmp_tally_key);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && t[w - 1].group == t[i].group && t[w - 1].touchpoint == t[i].touchpoint)
			t[w - 1].rows += t[i].rows;
		else
			t[w++] = t[i];
	}
	if (w)
		qsort(t, w, sizeof *t, cmp_tally_rank);
	for (size_t i = 0; i < w; i++) {
		size_t g = t[i].group;
		struct figures *f = g < mt->njourneys ? &mt->journeys[g].f
		                    : g < mt->njourneys + mt->ngoals
		                        ? &mt->goals[g - mt->njourneys].f
		                        : &mt->totals;
		if (f->ntouchpoints < METRICS_TOUCHPOINTS)
			f->touchpoints[f->ntouchpoints++] =
			    (struct touch_count){t[i].touchpoint, t[i].rows};
	}
	free(t);
}

/* Orders breaks: comparable first, largest gap first, then more cases, then journey and
 * department order (the heat map's). */
static int cmp_break(const struct brk *x, const struct brk *y)
{
	if (x->comparable != y->comparable)
		return x->comparable ? -1 : 1;
	if (x->comparable && x->gap_pts != y->gap_pts)
		return x->gap_pts > y->gap_pts ? -1 : 1;
	if (x->comparable && x->cases != y->cases)
		return x->cases > y->cases ? -1 : 1;
	if (x->journey != y->journey)
		return x->journey < y->journey ? -1 : 1;
	return (x->dept > y->dept) - (x->dept < y->dept);
}

/* breaks[]: each journey's cases through a department against the journey's other cases. */
static void compute_breaks(struct metrics *mt)
{
	long need = mt->config->min_cases > 0 ? mt->config->min_cases : 1;
	for (size_t ji = 0; ji < mt->njourneys; ji++) {
		const struct figures *jf = &mt->journeys[ji].f;
		for (size_t di = 0; di < mt->ndepts; di++) {
			const struct cell *cl = &mt->cells[ji * mt->ndepts + di];
			if (cl->cases == 0)
				continue;
			struct brk b = {.journey = ji,
			                .dept = di,
			                .cases = cl->cases,
			                .successful = cl->successful,
			                .cases_untouched = jf->cases_concluded - cl->cases,
			                .successful_untouched = jf->successful - cl->successful};
			b.sco_rate = ratio(b.successful, b.cases);
			b.sco_rate_untouched = ratio(b.successful_untouched, b.cases_untouched);
			b.comparable = b.cases >= need && b.cases_untouched >= need;
			b.gap_pts = b.comparable ? (b.sco_rate_untouched - b.sco_rate) * 100 : NAN;
			mt->breaks = xreallocarray(mt->breaks, mt->nbreaks + 1, sizeof *mt->breaks);
			mt->breaks[mt->nbreaks++] = b;
		}
	}
	for (size_t i = 1; i < mt->nbreaks; i++) {
		struct brk x = mt->breaks[i];
		size_t j = i;
		while (j > 0 && cmp_break(&mt->breaks[j - 1], &x) > 0) {
			mt->breaks[j] = mt->breaks[j - 1];
			j--;
		}
		mt->breaks[j] = x;
	}
}

/* goals_short, and whether the watermelon check had anything to judge. */
static void compute_judgements(struct metrics *mt)
{
	for (size_t i = 0; i < mt->ngoals; i++) {
		const struct goal_figures *g = &mt->goals[i];
		if (g->f.cases_concluded == 0 || g->f.low_volume)
			continue;
		mt->goals_judged++;
		mt->goals_short += g->f.sco_rate < g->sco_target;
	}
	long need = mt->config->min_cases > 0 ? mt->config->min_cases : 1;
	for (size_t di = 0; di < mt->ndepts && !mt->watermelons_judgeable; di++) {
		if (mt->depts[di].kpis == 0)
			continue;
		for (size_t ji = 0; ji < mt->njourneys; ji++)
			if (mt->cells[ji * mt->ndepts + di].cases >= need)
				mt->watermelons_judgeable = true;
	}
}

/* An unsuccessful case of P, a candidate for its goal's story. */
struct story_candidate {
	size_t goal;
	uint32_t contacts;
	const char *id;
	size_t ix;
};

static int cmp_candidate(const void *a, const void *b)
{
	const struct story_candidate *x = a, *y = b;
	if (x->goal != y->goal)
		return x->goal < y->goal ? -1 : 1;
	if (x->contacts != y->contacts)
		return x->contacts < y->contacts ? -1 : 1;
	return strcmp(x->id, y->id);
}

/*
 * Each goal's story (pack.md, "One journey through the customer's eyes"): its unsuccessful cases
 * concluded in P ordered by contacts, then case id; the median, the lower one of an even count.
 */
static void pick_stories(struct metrics *mt, struct story_candidate *v, size_t n)
{
	for (size_t g = 0; g < mt->ngoals; g++)
		mt->goals[g].story_case = SIZE_MAX;
	if (n)
		qsort(v, n, sizeof *v, cmp_candidate);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j].goal == v[i].goal)
			j++;
		mt->goals[v[i].goal].story_case = v[i + (j - i - 1) / 2].ix;
		i = j;
	}
}

/* Departments: those with KPIs of the period, then those that handled rows of cases concluded in
 * it, in alphabetical order (for a reader and for stable output); dmap maps a name to its index.
 * Also makes the journey × department cells. */
static void setup_departments(struct metrics *mt, uint32_t *dmap, bp_time ps, bp_time pe)
{
	const struct model *m = mt->model;
	bp_period p = mt->period;
	sym region = mt->region;
	for (size_t i = 0; i < m->nkpis; i++) {
		const struct kpi *k = &m->kpis[i];
		if (k->period == p && !k->superseded &&
		    (!region || !k->region || k->region == region))
			dept_index(mt, dmap, k->dept);
	}
	for (size_t i = 0; i < m->ncases; i++) {
		const struct bp_case *k = &m->cases[i];
		if (!metrics_case_in(mt, k) || k->outcome == OUTCOME_OPEN || k->end < ps ||
		    k->end >= pe)
			continue;
		for (uint32_t d = 0; d < k->ndepts; d++)
			dept_index(mt, dmap, m->case_depts[k->dept_off + d].dept);
	}
	sym *dnames = xreallocarray(NULL, mt->ndepts ? mt->ndepts : 1, sizeof *dnames);
	for (size_t i = 0; i < mt->ndepts; i++)
		dnames[i] = mt->depts[i].name;
	sort_syms(dnames, mt->ndepts, m->names);
	for (size_t i = 0; i < mt->ndepts; i++) {
		mt->depts[i] = (struct dept_figures){.name = dnames[i]};
		dmap[dnames[i]] = (uint32_t)i + 1;
	}
	free(dnames);
	mt->cells = xcalloc(mt->njourneys * mt->ndepts + 1, sizeof *mt->cells);
}

/* A goal's target: its journeys' shared target, else weighted by concluded cases. */
static double goal_target(const struct metrics *mt, const struct goal_figures *gf)
{
	double sum = 0, wsum = 0, plain = 0;
	bool same = true;
	for (size_t k = 0; k < gf->njourneys; k++) {
		const struct journey_figures *j = &mt->journeys[gf->journeys[k]];
		same &= j->sco_target == mt->journeys[gf->journeys[0]].sco_target;
		sum += j->sco_target * (double)j->f.cases_concluded;
		wsum += (double)j->f.cases_concluded;
		plain += j->sco_target;
	}
	return same       ? mt->journeys[gf->journeys[0]].sco_target
	       : wsum > 0 ? sum / wsum
	                  : plain / (double)gf->njourneys;
}

/* The cases: the figures of each journey, goal and the whole pack, the departments and cells
 * of the cases concluded in the period, the customers who left after them, the stories and the
 * failure touchpoints. */
static void tally_cases(struct metrics *mt, const uint32_t *jmap, const uint32_t *dmap, bp_time ps,
                        bp_time pe)
{
	const struct model *m = mt->model;
	struct acc *jacc = xcalloc(mt->njourneys + 1, sizeof *jacc);
	struct acc *gacc = xcalloc(mt->ngoals + 1, sizeof *gacc);
	struct acc total = {0};
	struct growth *g = &mt->growth;
	memset(g, 0, sizeof *g);
	struct story_candidate *cand = NULL;
	size_t ncand = 0, capcand = 0;
	for (size_t i = 0; i < m->ncases; i++) {
		const struct bp_case *k = &m->cases[i];
		if (!metrics_case_in(mt, k))
			continue;
		const struct journey_figures *j = journey_of(mt, jmap, k);
		size_t ji = (size_t)(j - mt->journeys);
		bool sco = case_sco(j, k);
		struct case_when w = {ps, pe, 0};
		if (k->outcome != OUTCOME_OPEN)
			w.ep = period_of_time(k->end, mt->config->period_length);
		add_case(mt, &jacc[ji], k, sco, &w);
		add_case(mt, &gacc[j->goal_index], k, sco, &w);
		add_case(mt, &total, k, sco, &w);
		if (k->outcome == OUTCOME_OPEN || k->end < ps || k->end >= pe)
			continue;
		if (!sco) {
			if (ncand == capcand) {
				capcand = capcand ? 2 * capcand : 256;
				cand = xreallocarray(cand, capcand, sizeof *cand);
			}
			cand[ncand++] = (struct story_candidate){j->goal_index, k->contacts,
			                                         model_case_id(m, i), i};
		}
		for (uint32_t d = 0; d < k->ndepts; d++) {
			const struct case_dept *cd = &m->case_depts[k->dept_off + d];
			size_t di = dmap[cd->dept] - 1;
			mt->depts[di].cases_touched++;
			mt->depts[di].successful_touched += sco;
			mt->depts[di].failure_contacts += cd->failures;
			mt->cells[ji * mt->ndepts + di].cases++;
			mt->cells[ji * mt->ndepts + di].successful += sco;
		}
		if (m->have_customers && k->customer) {
			const struct customer *cu = pack_customer(mt, k->customer);
			if (cu) {
				bool left = left_within_window(mt, cu, k);
				if (sco) {
					g->sco_cases_known++;
					g->sco_cases_left += left;
				} else {
					g->unsuccessful_cases_known++;
					g->unsuccessful_cases_left += left;
				}
			}
		}
	}
	for (size_t i = 0; i < mt->njourneys; i++)
		finish(mt, &jacc[i], &mt->journeys[i].f);
	for (size_t i = 0; i < mt->ngoals; i++) {
		struct goal_figures *gf = &mt->goals[i];
		finish(mt, &gacc[i], &gf->f);
		gf->sco_target = goal_target(mt, gf);
	}
	finish(mt, &total, &mt->totals);
	free(jacc);
	free(gacc);
	pick_stories(mt, cand, ncand);
	free(cand);
	failure_touchpoints(mt, jmap, ps, pe);
}

/* The KPIs of the period and each department's scores; the dashboards' green share in each
 * trend period, the share of output KPIs, the perception gap. */
static void score_kpis(struct metrics *mt, const uint32_t *dmap)
{
	const struct model *m = mt->model;
	bp_period p = mt->period;
	sym region = mt->region;
	mt->kpis = xcalloc(m->nkpis + 1, sizeof *mt->kpis);
	long nk = 0, ngreen = 0, noutput = 0;
	for (size_t i = 0; i < m->nkpis; i++) {
		const struct kpi *k = &m->kpis[i];
		if (k->period != p || k->superseded || (region && k->region && k->region != region))
			continue;
		struct kpi_figures *kf = &mt->kpis[mt->nkpis++];
		kf->kpi = k;
		kf->dept_index = dmap[k->dept] - 1;
		kf->status = kpi_status(k);
		struct dept_figures *d = &mt->depts[kf->dept_index];
		d->kpis++;
		d->green += kf->status == STATUS_GREEN;
		d->amber += kf->status == STATUS_AMBER;
		d->red += kf->status == STATUS_RED;
		nk++;
		ngreen += kf->status == STATUS_GREEN;
		noutput += k->kind == KIND_OUTPUT;
	}
	for (size_t i = 0; i < mt->ndepts; i++) {
		struct dept_figures *d = &mt->depts[i];
		d->green_share = ratio(d->green, d->kpis);
		d->sco_rate_touched = ratio(d->successful_touched, d->cases_touched);
	}
	mt->kpi_green_share = ratio(ngreen, nk);
	/* the dashboards of each trend period, for the perception gap's trend */
	for (int t = 0; t < mt->totals.ntrend; t++) {
		long tk = 0, tg = 0;
		for (size_t i = 0; i < m->nkpis; i++) {
			const struct kpi *k = &m->kpis[i];
			if (k->period != mt->totals.trend[t].period || k->superseded ||
			    (region && k->region && k->region != region))
				continue;
			tk++;
			tg += kpi_status(k) == STATUS_GREEN;
		}
		mt->totals.trend[t].kpi_green_share = ratio(tg, tk);
	}
	mt->motion_share = ratio(noutput, nk);
	mt->perception_gap_pts = (mt->kpi_green_share - mt->totals.sco_rate) * 100;
}

/* Watermelons: departments green outside (their KPIs) and red inside (their cases of a
 * journey), worst first. */
static void find_watermelons(struct metrics *mt)
{
	const struct config *c = mt->config;
	for (size_t di = 0; di < mt->ndepts; di++) {
		const struct dept_figures *d = &mt->depts[di];
		if (isnan(d->green_share) || d->green_share < c->green_share_threshold)
			continue;
		for (size_t ji = 0; ji < mt->njourneys; ji++) {
			const struct cell *cl = &mt->cells[ji * mt->ndepts + di];
			if (cl->cases < c->min_cases || cl->cases == 0)
				continue;
			double rate = (double)cl->successful / (double)cl->cases;
			double target = mt->journeys[ji].sco_target;
			if (rate >= target)
				continue;
			mt->watermelons = xreallocarray(mt->watermelons, mt->nwatermelons + 1,
			                                sizeof *mt->watermelons);
			mt->watermelons[mt->nwatermelons++] = (struct watermelon){
			    di,   ji,     d->green_share,       cl->cases, cl->successful,
			    rate, target, (target - rate) * 100};
		}
	}
	for (size_t i = 1; i < mt->nwatermelons; i++) {
		struct watermelon x = mt->watermelons[i];
		size_t j = i;
		while (j > 0 && cmp_watermelon(&mt->watermelons[j - 1], &x, mt) > 0) {
			mt->watermelons[j] = mt->watermelons[j - 1];
			j--;
		}
		mt->watermelons[j] = x;
	}
}

/* Growth: what the customers did after successful and unsuccessful cases. */
static void customer_growth(struct metrics *mt)
{
	const struct model *m = mt->model;
	struct growth *g = &mt->growth;
	mt->have_growth = m->have_customers;
	if (m->have_customers) {
		long sk = g->sco_cases_known, sl = g->sco_cases_left;
		long uk = g->unsuccessful_cases_known, ul = g->unsuccessful_cases_left;
		growth(mt);
		g->sco_cases_known = sk, g->sco_cases_left = sl;
		g->unsuccessful_cases_known = uk, g->unsuccessful_cases_left = ul;
		g->churn_after_sco = ratio(sl, sk);
		g->churn_after_unsuccessful = ratio(ul, uk);
		g->churn_ratio = isnan(g->churn_after_sco) || g->churn_after_sco == 0
		                     ? NAN
		                     : g->churn_after_unsuccessful / g->churn_after_sco;
	}
}

struct metrics *metrics_compute(const struct model *m, const struct config *c, bp_period p,
                                sym region)
{
	struct metrics *mt = xcalloc(1, sizeof *mt);
	mt->model = m;
	mt->config = c;
	mt->period = p;
	mt->previous = p - 1;
	mt->year_ago = p - (c->period_length == PERIOD_MONTH     ? 12
	                    : c->period_length == PERIOD_QUARTER ? 4
	                                                         : 1);
	mt->region = region;
	enum period_len len = c->period_length;
	bp_time ps = period_start(p, len), pe = period_end(p, len);

	size_t nsyms = intern_count(m->names);
	/* a journey's and a department's index + 1 by name, 0 for other names: calloc'd, so that
	 * the pages of the many names that are neither (customers) are never touched */
	uint32_t *jmap = xcalloc(nsyms, sizeof *jmap);
	uint32_t *dmap = xcalloc(nsyms, sizeof *dmap);
	setup_journeys(mt, jmap, nsyms);
	setup_departments(mt, dmap, ps, pe);
	tally_cases(mt, jmap, dmap, ps, pe);
	score_kpis(mt, dmap);
	find_watermelons(mt);
	customer_growth(mt);
	compute_breaks(mt);
	compute_judgements(mt);
	free(jmap);
	free(dmap);
	return mt;
}

static int cmp_region(const void *a, const void *b)
{
	const struct region_figures *x = a, *y = b;
	bool xn = x->f.cases_concluded == 0, yn = y->f.cases_concluded == 0;
	if (xn != yn)
		return xn ? 1 : -1;
	if (!xn && x->f.sco_rate != y->f.sco_rate)
		return x->f.sco_rate < y->f.sco_rate ? -1 : 1;
	return strcmp(x->label, y->label);
}

void metrics_regions(struct metrics *mt, const sym *regions, size_t n,
                     const struct metrics *const *known)
{
	mt->regions = xreallocarray(NULL, n ? n : 1, sizeof *mt->regions);
	mt->nregions = n;
	for (size_t i = 0; i < n; i++) {
		const struct metrics *k = known ? known[i] : NULL;
		struct metrics *r =
		    k ? NULL : metrics_compute(mt->model, mt->config, mt->period, regions[i]);
		mt->regions[i] =
		    (struct region_figures){.name = regions[i],
		                            .label = intern_str(mt->model->names, regions[i]),
		                            .f = k ? k->totals : r->totals};
		metrics_free(r);
	}
	if (n)
		qsort(mt->regions, n, sizeof *mt->regions, cmp_region);
}

void metrics_free(struct metrics *mt)
{
	if (!mt)
		return;
	free(mt->regions);
	for (size_t i = 0; i < mt->ngoals; i++)
		free(mt->goals[i].journeys);
	free(mt->goals);
	free(mt->journeys);
	free(mt->depts);
	free(mt->kpis);
	free(mt->watermelons);
	free(mt->cells);
	free(mt->breaks);
	free(mt);
}

/* The workbook's Cases sheet (pack.c's adapter): a case's customer as this pack sees it. */
const struct customer *metrics_pack_customer(const struct metrics *mt, sym id)
{
	return id && mt->model->have_customers ? pack_customer(mt, id) : NULL;
}

int metrics_case_left_within(const struct metrics *mt, const struct bp_case *k)
{
	const struct customer *cu = metrics_pack_customer(mt, k->customer);
	if (!cu || k->outcome == OUTCOME_OPEN)
		return -1;
	return left_within_window(mt, cu, k);
}
