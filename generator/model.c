#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "diag.h"
#include "strbuf.h"
#include "xmem.h"

const struct customer *model_customer(const struct model *m, sym id)
{
	if (!id || id >= m->customer_index_len || !m->customer_index[id])
		return NULL;
	return &m->customers[m->customer_index[id] - 1];
}

const char *model_case_id(const struct model *m, size_t ix)
{
	return intern_str(m->ids, (sym)ix + 1);
}

/* Cases whose customer is not in customers.csv are kept and counted in one note ("customer
 * unknown"). */
static void note_unknown_customers(struct model *m, int file)
{
	size_t ncases = 0, ncust = 0;
	size_t len = intern_count(m->names);
	unsigned char *seen = xcalloc(len ? len : 1, 1);
	struct strbuf examples = STRBUF_INIT;
	long first_line = 0;
	for (size_t i = 0; i < m->ncases; i++) {
		const struct bp_case *k = &m->cases[i];
		if (!k->customer || model_customer(m, k->customer))
			continue;
		ncases++;
		if (!first_line || k->line < first_line)
			first_line = k->line;
		if (seen[k->customer])
			continue;
		seen[k->customer] = 1;
		if (++ncust <= 5) {
			strbuf_puts(&examples, ncust > 1 ? ", " : "");
			dq_quote(&examples, intern_str(m->names, k->customer),
			         intern_len(m->names, k->customer));
		}
	}
	if (ncust)
		dq_note(
		    m->dq, file, 0, "customer unknown",
		    "customer unknown: %zu case%s of %zu customer%s not in customers.csv (%s%s); "
		    "the cases are kept and count in every figure but the customer ones",
		    ncases, ncases == 1 ? "" : "s", ncust, ncust == 1 ? "" : "s",
		    strbuf_str(&examples), ncust > 5 ? ", …" : "");
	strbuf_free(&examples);
	free(seen);
}

int model_read(const struct config *c, struct model *m)
{
	memset(m, 0, sizeof *m);
	m->names = intern_new();
	m->ids = intern_new();
	m->dq = dq_new();
	m->data_from = m->data_to = BP_TIME_NONE;
	if (!config_check_inputs(c))
		return EXIT_INPUT;
	int rc = c->journeys ? events_read(c, m) : cases_read(c, m);
	int case_file = (int)m->dq->nfiles - 1;
	if (rc == 0)
		rc = kpis_read(c, m);
	if (rc == 0 && c->customers)
		rc = customers_read(c, m);
	if (rc == 0 && c->customers)
		note_unknown_customers(m, case_file);
	/* Configured journeys exist even with no cases; later stages only look names up. */
	for (size_t i = 0; i < c->njourney_confs; i++)
		intern_add(m->names, c->journey_confs[i].name, strlen(c->journey_confs[i].name));
	return rc;
}

void model_free(struct model *m)
{
	intern_free(m->names);
	intern_free(m->ids);
	free(m->cases);
	free(m->case_depts);
	free(m->kpis);
	free(m->kpi_journeys);
	free(m->customers);
	free(m->customer_index);
	dq_free(m->dq);
	memset(m, 0, sizeof *m);
}
