/* customers: customers.csv, who the customers are, what they are worth, when they joined and left.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in/config.h"
#include "model/model.h"
#include "in/reader.h"
#include "in/readers.h"
#include "util/values.h"
#include "util/xmem.h"

enum { C_ID, C_SEGMENT, C_REGION, C_VALUE, C_JOINED, C_LEFT };
static const char *const columns[] = {"customer_id", "segment", "region", "annual_value",
                                      "joined",      "left",    NULL};
static const bool required[] = {true, false, false, false, false, false};

/*
 * Read-ahead, as for the event log (events.c, ahead_line): of the 16 lines csvin tells of
 * before they are read, the customer id's hash slot is fetched first, its record AHEAD_RECORD
 * lines later, then its place in model.customer_index. Only with tables too large for the
 * cache (AHEAD_FROM names): a customers file is read in its own order, nearly always not the
 * tables'.
 */
#define AHEAD_RECORD 5
#define AHEAD_INDEX 10
#define AHEAD_RING 16
#define AHEAD_FROM (1u << 17)

struct ahead {
	struct reader *r;
	uint32_t hash[AHEAD_RING];
	unsigned n;
};

static void ahead_line(void *actx, const char *s, size_t len, unsigned char delim)
{
	struct ahead *a = actx;
	const struct model *m = a->r->m;
	if (a->r->col[C_ID] < 0 || intern_count(m->names) < AHEAD_FROM)
		return;
	unsigned now = a->n++;
	if (now >= AHEAD_INDEX) {
		sym id = intern_prefetch(m->names, a->hash[(now - AHEAD_INDEX) % AHEAD_RING], 2);
		if (id && id < m->customer_index_len)
			__builtin_prefetch(&m->customer_index[id]);
	}
	if (now >= AHEAD_RECORD)
		intern_prefetch(m->names, a->hash[(now - AHEAD_RECORD) % AHEAD_RING], 1);
	const char *f;
	size_t n;
	a->hash[now % AHEAD_RING] =
	    reader_hint_field(s, len, delim, a->r->col[C_ID], &f, &n) ? intern_hash(f, n) : 0;
	intern_prefetch(m->names, a->hash[now % AHEAD_RING], 0);
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct model *m = r->m;
	const struct config *c = r->cfg;
	size_t n[6];
	const char *f[6];
	for (int i = 0; i < 6; i++)
		f[i] = reader_field(r, rec, i, &n[i]);
	if (n[C_ID] == 0) {
		reader_reject_value(r, rec, C_ID, "empty required field", "every row needs one");
		return;
	}
	struct customer cu = {
	    .joined_day = INT32_MIN, .left_day = INT32_MAX, .line = (uint32_t)rec->line};
	const char *why;
	if (n[C_VALUE]) {
		if ((why = value_parse_number(f[C_VALUE], n[C_VALUE], c->decimal,
		                              &cu.annual_value))) {
			reader_reject_value(r, rec, C_VALUE, "bad number", why);
			return;
		}
		if (cu.annual_value < 0) {
			reader_reject_value(r, rec, C_VALUE, "bad number",
			                    "expected an annual value of 0 or more");
			return;
		}
	}
	for (int i = C_JOINED; i <= C_LEFT; i++) {
		if (!n[i])
			continue;
		bp_time t;
		if ((why = value_parse_time(f[i], n[i], c->date_order, &t))) {
			reader_reject_value(r, rec, i, "bad date", why);
			return;
		}
		int64_t day =
		    t >= 0 ? t / BP_MS_PER_DAY : -((-t + BP_MS_PER_DAY - 1) / BP_MS_PER_DAY);
		if (i == C_JOINED)
			cu.joined_day =
			    (int32_t)day; /* years 0000 to 9999: within ±3 million days */
		else
			cu.left_day = (int32_t)day;
	}
	if (cu.joined_day != INT32_MIN && cu.left_day != INT32_MAX && cu.left_day < cu.joined_day) {
		reader_reject_value(r, rec, C_LEFT, "left before joined",
		                    "is before the joined date");
		return;
	}
	cu.id = intern_add(m->names, f[C_ID], n[C_ID]);
	if (model_customer(m, cu.id)) {
		const struct customer *first = model_customer(m, cu.id);
		char what[96];
		snprintf(what, sizeof what, "appears already on line %lu; the first row is kept",
		         (unsigned long)first->line);
		reader_reject_value(r, rec, C_ID, "duplicate customer", what);
		return;
	}
	struct intern_few *few = r->ctx; /* segment, region: few values each */
	cu.segment = intern_add_few(m->names, &few[0], f[C_SEGMENT], n[C_SEGMENT]);
	cu.region = intern_add_few(m->names, &few[1], f[C_REGION], n[C_REGION]);
	m->customers = xgrow(m->customers, m->ncustomers, sizeof *m->customers);
	m->customers[m->ncustomers] = cu;
	if (cu.id >= m->customer_index_len) {
		size_t len = m->customer_index_len ? m->customer_index_len : 1024;
		while (len <= cu.id)
			len *= 2;
		m->customer_index =
		    xreallocarray(m->customer_index, len, sizeof *m->customer_index);
		memset(m->customer_index + m->customer_index_len, 0,
		       (len - m->customer_index_len) * sizeof *m->customer_index);
		m->customer_index_len = len;
	}
	m->customer_index[cu.id] = (uint32_t)++m->ncustomers;
}

enum bp_err customers_read(const struct config *c, struct model *m)
{
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_CUSTOMERS,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row,
	                   .ahead = ahead_line};
	struct ahead a = {.r = &r};
	r.ahead_ctx = &a;
	struct intern_few few[2] = {0};
	r.ctx = few;
	m->have_customers = true;
	return reader_run(&r, c->customers);
}
