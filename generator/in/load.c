/* load: every input of a pack read into the model, each file by its reader, then the
 * data-quality issues put in the packs they belong to. Above the readers and the model: the
 * readers fill the model and look things up in it; nothing below calls back up here. */
#include "in/load.h"
#include "util/escape.h"

#include <string.h>

#include "in/config.h"
#include "model/dq.h"
#include "in/readers.h"
#include "util/strbuf.h"

/* The packs that see case k: its region's, or the whole organisation's only. */
static dq_scope case_scope(const struct bp_case *k)
{
	return k->region ? k->region : DQ_WHOLE_ONLY;
}

/*
 * Each case whose customer is not in customers.csv is kept and noted ("customer unknown"),
 * one note per case, so that the note belongs to the case's region.
 */
static void note_unknown_customers(struct model *m, int file)
{
	for (size_t i = 0; i < m->ncases; i++) {
		const struct bp_case *k = &m->cases[i];
		if (!k->customer || model_customer(m, k->customer))
			continue;
		struct strbuf id = STRBUF_INIT, cust = STRBUF_INIT;
		text_quote(&id, model_case_id(m, i), intern_len(m->ids, (sym)i + 1));
		text_quote(&cust, intern_str(m->names, k->customer),
		           intern_len(m->names, k->customer));
		dq_note_in(m->dq, file, k->line, case_scope(k), model_case_id(m, i),
		           "customer unknown",
		           "case %s: customer %s is not in customers.csv; the case is kept and "
		           "counts in every figure but the customer ones",
		           strbuf_str(&id), strbuf_str(&cust));
		strbuf_free(&id);
		strbuf_free(&cust);
	}
}

/* Issue i needs no look: it is seen in the whole organisation's pack only already. */
static bool rescope_skips(const struct dq_issue *is)
{
	return is->scope == DQ_WHOLE_ONLY || (!is->case_id && !is->customer_id);
}

/*
 * Brings into the cache, in steps some issues apart (as the readers read rows ahead), what the
 * look at issue j will read: its ids' table slots (step 0), their strings' records (1), the case
 * and the customer's index entry they most likely name (2), then that customer's record (3).
 * ring[j % RESCOPE_RING] keeps issue j's two hashes from step 0 on, and the customer's symbol
 * from step 2.
 */
#define RESCOPE_RING 32
#define RESCOPE_STEP 5 /* issues between two steps, and between the last and the look */
static void rescope_fetch(const struct model *m, size_t j, int step, uint32_t ring[RESCOPE_RING][3])
{
	const struct dq *d = m->dq;
	if (j >= d->nissues)
		return;
	const struct dq_issue *is = &d->issues[j];
	if (rescope_skips(is))
		return;
	uint32_t *h = ring[j % RESCOPE_RING];
	if (step == 0) {
		h[0] = is->case_id ? intern_hash(is->case_id, strlen(is->case_id)) : 0;
		h[1] = is->customer_id ? intern_hash(is->customer_id, strlen(is->customer_id)) : 0;
	}
	if (step < 2) {
		if (h[0])
			intern_prefetch(m->ids, h[0], step);
		if (h[1])
			intern_prefetch(m->names, h[1], step);
		return;
	}
	if (step == 3) {
		sym cs = h[2];
		if (cs && m->customer_index[cs])
			__builtin_prefetch(&m->customers[m->customer_index[cs] - 1]);
		return;
	}
	sym id = h[0] ? intern_prefetch(m->ids, h[0], 2) : 0;
	if (id && id <= m->ncases)
		__builtin_prefetch(&m->cases[id - 1]);
	sym cs = h[1] ? intern_prefetch(m->names, h[1], 2) : 0;
	h[2] = cs < m->customer_index_len ? cs : 0; /* 0: none, or past the index */
	if (h[2])
		__builtin_prefetch(&m->customer_index[cs]);
}

/*
 * A rejected row belongs to the region its own region field names, but a regional pack must
 * never show another region's case or customer: a rejection naming a case or a customer that
 * belongs to another region is seen in the whole organisation's pack only. (An export with
 * hundreds of thousands of rejected rows: two lookups each in tables of millions of ids, read
 * ahead.)
 */
static void rescope_rejections(struct model *m)
{
	struct dq *d = m->dq;
	uint32_t ring[RESCOPE_RING][3];
	/* issue j + 4 * RESCOPE_STEP takes step 0 when issue j is looked at, j + RESCOPE_STEP step
	 * 3 */
	for (size_t j = 0; j < 4 * RESCOPE_STEP; j++)
		for (int step = 0; step < 4 && step * RESCOPE_STEP <= (int)j; step++)
			rescope_fetch(m, j - (size_t)step * RESCOPE_STEP, step, ring);
	for (size_t i = 0; i < d->nissues; i++) {
		for (int step = 0; step < 4; step++)
			rescope_fetch(m, i + (size_t)(4 - step) * RESCOPE_STEP, step, ring);
		const struct dq_issue *is = &d->issues[i];
		if (rescope_skips(is))
			continue;
		bool foreign = false;
		if (is->case_id) {
			sym id = intern_find(m->ids, is->case_id, strlen(is->case_id));
			if (id && id <= m->ncases) {
				dq_scope s = case_scope(&m->cases[id - 1]);
				foreign = s != is->scope;
			}
		}
		if (is->customer_id && !foreign) {
			sym cs = intern_find(m->names, is->customer_id, strlen(is->customer_id));
			const struct customer *cu = model_customer(m, cs);
			foreign = cu && cu->region && cu->region != is->scope;
		}
		if (foreign)
			dq_rescope_issue(d, i, DQ_WHOLE_ONLY);
	}
}

enum bp_err load_inputs(const struct config *c, struct model *m)
{
	memset(m, 0, sizeof *m);
	m->names = intern_new();
	m->ids = intern_new();
	m->dq = dq_new();
	m->data_from = m->data_to = BP_TIME_NONE;
	if (!config_check_inputs(c))
		return BP_ERR_INPUT;
	enum bp_err rc = c->journeys ? events_read(c, m) : cases_read(c, m);
	int case_file = (int)m->dq->nfiles - 1;
	if (rc == 0)
		rc = kpis_read(c, m);
	if (rc == 0 && c->customers)
		rc = customers_read(c, m);
	if (rc == 0 && c->customers)
		note_unknown_customers(m, case_file);
	if (rc == 0 && c->actions)
		rc = actions_read(c, m);
	if (rc == 0) {
		rescope_rejections(m);
		dq_sort(m->dq);
	}
	/* Configured journeys exist even with no cases; later stages only look names up. */
	for (size_t i = 0; i < c->njourney_confs; i++)
		intern_add(m->names, c->journey_confs[i].name, strlen(c->journey_confs[i].name));
	return rc;
}
