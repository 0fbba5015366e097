/* xlsxrows: the workbook's long tables' rows, from the model and a pack's figures. */
#include "xlsxrows.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "in/config.h"
#include "util/xmem.h"

static void oldest_trend(const struct figures *f, bp_period *oldest, bool *any)
{
	if (f->ntrend && (!*any || f->trend[0].period < *oldest))
		*oldest = f->trend[0].period;
	*any |= f->ntrend > 0;
}

static void rewind_cases(void *it)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	ci->next = ci->next_customer = 0;
	bp_period oldest = 0;
	bool any = false;
	/* the period a year before (prev_year_sco_rate) and the previous one, even without trend
	 * points there */
	enum period_len len = mt->config->period_length;
	oldest = mt->period - (len == PERIOD_MONTH ? 12 : len == PERIOD_QUARTER ? 4 : 1);
	any = true;
	if (mt->previous < oldest)
		oldest = mt->previous;
	oldest_trend(&mt->totals, &oldest, &any);
	for (size_t i = 0; i < mt->njourneys; i++)
		oldest_trend(&mt->journeys[i].f, &oldest, &any);
	for (size_t i = 0; i < mt->ngoals; i++)
		oldest_trend(&mt->goals[i].f, &oldest, &any);
	ci->ws = any ? period_start(oldest, len) : ci->ps;
	if (ci->ws > ci->ps)
		ci->ws = ci->ps;
}

/* Whether the Cases sheet lists k (the pack's, concluded in the trend window or open at the
 * period's end), and whether it concluded there. */
static bool case_listed(const struct case_iter *ci, const struct bp_case *k, bool *concluded)
{
	if (!metrics_case_in(ci->mt, k))
		return false;
	*concluded = k->outcome != OUTCOME_OPEN && k->end >= ci->ws && k->end < ci->pe;
	bool open = k->start < ci->pe && (k->outcome == OUTCOME_OPEN || k->end >= ci->pe);
	return *concluded || open;
}

static bool customer_listed(const struct case_iter *ci, const struct customer *cu)
{
	return !(ci->mt->region && cu->region && cu->region != ci->mt->region);
}

static void count_rows(void *it, long *cases, long *touches, long *customers)
{
	const struct case_iter *ci = it;
	const struct model *m = ci->mt->model;
	*cases = *touches = *customers = 0;
	bool concluded;
	for (size_t i = 0; i < m->ncases; i++)
		if (case_listed(ci, &m->cases[i], &concluded)) {
			(*cases)++;
			*touches += m->cases[i].ndepts;
		}
	for (size_t i = 0; i < m->ncustomers; i++)
		*customers += customer_listed(ci, &m->customers[i]);
}

/* The label of the period holding t: one met before, or worked out (and kept while there is
 * room). */
static const char *period_of(struct case_iter *ci, bp_time t)
{
	for (int i = 0; i < ci->nperiods; i++)
		if (t >= ci->periods[i].start && t < ci->periods[i].end)
			return ci->periods[i].label;
	enum period_len len = ci->mt->config->period_length;
	bp_period p = period_of_time(t, len);
	if (ci->nperiods == XLSXROWS_PERIODS) {
		period_label(p, len, ci->period);
		return ci->period;
	}
	int i = ci->nperiods++;
	ci->periods[i].start = period_start(p, len);
	ci->periods[i].end = period_end(p, len);
	period_label(p, len, ci->periods[i].label);
	return ci->periods[i].label;
}

static bool next_case(void *it, struct xlsx_case *row)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	const struct model *m = mt->model;
	while (ci->next < m->ncases) {
		size_t ix = ci->next++;
		const struct bp_case *k = &m->cases[ix];
		bool concluded;
		if (!case_listed(ci, k, &concluded))
			continue;
		static const char *const names[] = {"open", "achieved", "failed", "abandoned"};
		strbuf_reset(&ci->depts);
		if (k->ndepts > ci->captouches) {
			ci->captouches = k->ndepts;
			ci->touches =
			    xreallocarray(ci->touches, ci->captouches, sizeof *ci->touches);
		}
		for (uint32_t d = 0; d < k->ndepts; d++) {
			const struct case_dept *cd = &m->case_depts[k->dept_off + d];
			if (d)
				strbuf_append(&ci->depts, "; ", 2);
			strbuf_append(&ci->depts, intern_str(m->names, cd->dept),
			              intern_len(m->names, cd->dept));
			ci->touches[d] = (struct xlsx_touch){intern_str(m->names, cd->dept),
			                                     cd->contacts, cd->failures};
		}
		const struct journey_figures *jf = NULL;
		for (size_t j = 0; j < mt->njourneys && !jf; j++)
			if (mt->journeys[j].name == k->journey)
				jf = &mt->journeys[j];
		double promise = jf ? jf->promise_days : NAN;
		double days = concluded ? metrics_case_days(k) : NAN;
		const struct customer *cu = metrics_pack_customer(mt, k->customer);
		const char *period = concluded ? period_of(ci, k->end) : NULL;
		*row = (struct xlsx_case){
		    .id = model_case_id(m, ix),
		    .journey = intern_str(m->names, k->journey),
		    .goal = jf ? jf->goal : NULL,
		    .customer = k->customer ? intern_str(m->names, k->customer) : NULL,
		    .region = k->region ? intern_str(m->names, k->region) : NULL,
		    .period = period,
		    .start_ms = k->start,
		    .end_ms = concluded ? k->end : INT64_MIN,
		    .outcome = concluded ? names[k->outcome] : "open",
		    .sco = concluded ? metrics_case_sco(mt, k) : -1,
		    .days = days,
		    .promise_days = promise,
		    .within_promise = concluded && !isnan(promise) ? days <= promise : -1,
		    .contacts = k->contacts,
		    .failure_contacts = k->failure_contacts,
		    .handoffs = k->handoffs,
		    .first_channel = k->first_channel
		                         ? intern_str(m->names, m->channels[k->first_channel])
		                         : NULL,
		    .last_channel =
		        k->last_channel ? intern_str(m->names, m->channels[k->last_channel]) : NULL,
		    .departments = strbuf_str(&ci->depts),
		    .touches = ci->touches,
		    .ntouches = k->ndepts,
		    .segment = cu && cu->segment ? intern_str(m->names, cu->segment) : NULL,
		    .annual_value = cu ? cu->annual_value : NAN,
		    .left_day = cu ? customer_left(cu) : INT64_MAX,
		    .left_within = concluded ? metrics_case_left_within(mt, k) : -1};
		return true;
	}
	return false;
}

static bool next_customer(void *it, struct xlsx_customer *row)
{
	struct case_iter *ci = it;
	const struct metrics *mt = ci->mt;
	const struct model *m = mt->model;
	while (ci->next_customer < m->ncustomers) {
		const struct customer *cu = &m->customers[ci->next_customer++];
		if (!customer_listed(ci, cu))
			continue;
		*row = (struct xlsx_customer){
		    .id = intern_str(m->names, cu->id),
		    .segment = cu->segment ? intern_str(m->names, cu->segment) : NULL,
		    .region = cu->region ? intern_str(m->names, cu->region) : NULL,
		    .annual_value = cu->annual_value,
		    .joined_day = customer_joined(cu),
		    .left_day = customer_left(cu)};
		return true;
	}
	return false;
}

/* A second iterator over it's pack, from the start: next_case and next_customer only read the
 * model and the figures, and each iterator keeps its own place and buffers. */
static void *fork_cases(void *it)
{
	const struct case_iter *ci = it;
	struct case_iter *c = xmalloc(sizeof *c);
	xlsxrows_init(c, ci->mt, ci->ps, ci->pe);
	rewind_cases(c);
	return c;
}

static void unfork_cases(void *it2)
{
	xlsxrows_free(it2);
	free(it2);
}

void xlsxrows_source(struct case_iter *it, struct xlsx_source *src)
{
	*src = (struct xlsx_source){.it = it,
	                            .next_case = next_case,
	                            .next_customer = next_customer,
	                            .rewind = rewind_cases,
	                            .have_customers = it->mt->model->have_customers,
	                            .count = count_rows,
	                            .fork = fork_cases,
	                            .unfork = unfork_cases};
}

void xlsxrows_init(struct case_iter *it, const struct metrics *mt, bp_time ps, bp_time pe)
{
	*it = (struct case_iter){.mt = mt, .ps = ps, .pe = pe};
}

void xlsxrows_free(struct case_iter *it)
{
	strbuf_free(&it->depts);
	free(it->touches);
	it->touches = NULL;
}
