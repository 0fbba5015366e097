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

/*
 * A row prepared in the CSV parser's thread while the reader's works on the rows before it
 * (prep_row): its checks passed, with the values they read, and its id's hash.
 */
struct prepped {
	double annual_value;
	int32_t joined_day, left_day;
	uint32_t hash; /* intern_hash of the customer id */
};

static void ahead_line(void *actx, const char *s, size_t len, unsigned char delim, const void *prep)
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
	if (prep) /* hashed in the parser's thread */
		a->hash[now % AHEAD_RING] = ((const struct prepped *)prep)->hash;
	else
		a->hash[now % AHEAD_RING] =
		    reader_hint_field(s, len, delim, a->r->col[C_ID], &f, &n) ? intern_hash(f, n)
		                                                              : 0;
	intern_prefetch(m->names, a->hash[now % AHEAD_RING], 0);
}

/*
 * The data contract's checks of a row's fields f, n (a customer id, an annual value of 0 or
 * more, dates, left not before joined): fills cu's values, or returns false with what is wrong.
 * It reads only the configuration and the fields, so that it can run in the CSV parser's
 * thread (prep_row).
 */
static bool check_row(const struct config *c, const char *const f[6], const size_t n[6],
                      struct customer *cu, struct reader_fault *fault)
{
	if (n[C_ID] == 0) {
		*fault = (struct reader_fault){C_ID, "empty required field", "every row needs one"};
		return false;
	}
	const char *why;
	if (n[C_VALUE]) {
		if ((why = value_parse_number(f[C_VALUE], n[C_VALUE], c->decimal,
		                              &cu->annual_value))) {
			*fault = (struct reader_fault){C_VALUE, "bad number", why};
			return false;
		}
		if (cu->annual_value < 0) {
			*fault = (struct reader_fault){C_VALUE, "bad number",
			                               "expected an annual value of 0 or more"};
			return false;
		}
	}
	for (int i = C_JOINED; i <= C_LEFT; i++) {
		if (!n[i])
			continue;
		bp_time t;
		if ((why = value_parse_time(f[i], n[i], c->date_order, &t))) {
			*fault = (struct reader_fault){i, "bad date", why};
			return false;
		}
		int64_t day =
		    t >= 0 ? t / BP_MS_PER_DAY : -((-t + BP_MS_PER_DAY - 1) / BP_MS_PER_DAY);
		if (i == C_JOINED)
			cu->joined_day =
			    (int32_t)day; /* years 0000 to 9999: within ±3 million days */
		else
			cu->left_day = (int32_t)day;
	}
	if (cu->joined_day != INT32_MIN && cu->left_day != INT32_MAX &&
	    cu->left_day < cu->joined_day) {
		*fault = (struct reader_fault){C_LEFT, "left before joined",
		                               "is before the joined date"};
		return false;
	}
	return true;
}

/* reader_prep_fn: a row's checks and its id's hash, or false for a row to be rejected (the
 * reader's thread checks it again and says why). */
static bool prep_row(void *pctx, const struct reader_cols *cols, const struct csvin_record *rec,
                     void *out)
{
	const struct config *c = pctx;
	const char *f[6];
	size_t n[6];
	for (int i = 0; i < 6; i++)
		f[i] = reader_cols_field(cols, rec, i, &n[i]);
	struct customer cu = {.joined_day = INT32_MIN, .left_day = INT32_MAX};
	struct reader_fault fault;
	if (!check_row(c, f, n, &cu, &fault))
		return false;
	*(struct prepped *)out = (struct prepped){.annual_value = cu.annual_value,
	                                          .joined_day = cu.joined_day,
	                                          .left_day = cu.left_day,
	                                          .hash = intern_hash(f[C_ID], n[C_ID])};
	return true;
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct model *m = r->m;
	size_t n[6];
	const char *f[6];
	for (int i = 0; i < 6; i++)
		f[i] = reader_field(r, rec, i, &n[i]);
	struct customer cu = {
	    .joined_day = INT32_MIN, .left_day = INT32_MAX, .line = (uint32_t)rec->line};
	const struct prepped *p = rec->prep;
	if (p) { /* checked in the parser's thread */
		cu.annual_value = p->annual_value;
		cu.joined_day = p->joined_day;
		cu.left_day = p->left_day;
	} else {
		struct reader_fault fault;
		if (!check_row(r->cfg, f, n, &cu, &fault)) {
			reader_reject_value(r, rec, fault.col, fault.kind, fault.why);
			return;
		}
	}
	cu.id = p ? intern_add_hashed(m->names, f[C_ID], n[C_ID], p->hash)
	          : intern_add(m->names, f[C_ID], n[C_ID]);
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
	                   .ahead = ahead_line,
	                   .prep = prep_row,
	                   .prep_ctx = (void *)c,
	                   .prep_size = sizeof(struct prepped)};
	struct ahead a = {.r = &r};
	r.ahead_ctx = &a;
	struct intern_few few[2] = {0};
	r.ctx = few;
	m->have_customers = true;
	return reader_run(&r, c->customers);
}
