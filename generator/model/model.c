#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct customer) == 32, "a customer takes 32 bytes (model.h)");

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

void model_free(struct model *m)
{
	intern_free(m->names);
	intern_free(m->ids);
	free(m->cases);
	free(m->case_depts);
	free(m->case_failures);
	free(m->kpis);
	free(m->kpi_journeys);
	free(m->customers);
	free(m->customer_index);
	free(m->actions);
	free(m->story_rows);
	free(m->journey_marks);
	dq_free(m->dq);
	memset(m, 0, sizeof *m);
}
