/*
 * events: journeys.csv, the touchpoint event log, reduced to cases exactly as
 * data-contract.md's "How a case is derived" says. The text of a row is
 * never kept; each valid row becomes a 24-byte event until its case is derived.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "diag.h"
#include "model.h"
#include "reader.h"
#include "strbuf.h"
#include "values.h"
#include "xmem.h"

enum {
	C_CASE,
	C_JOURNEY,
	C_TIME,
	C_DEPT,
	C_CUSTOMER,
	C_TOUCHPOINT,
	C_CHANNEL,
	C_DEMAND,
	C_OUTCOME,
	C_REGION
};
static const char *const columns[] = {"case_id",     "journey",    "timestamp", "department",
                                      "customer_id", "touchpoint", "channel",   "demand",
                                      "outcome",     "region",     NULL};
static const bool required[] = {true, true, true, true, false, false, false, false, false, false};

#define EV_FAILURE 0x1u
#define EV_OUTCOME_SHIFT 1 /* two bits: enum outcome */
#define EV_DIFFERS                                                                                 \
	0x8u /* journey, customer or region differ from the case's first row in file order */

struct event {
	bp_time ts;
	uint32_t case_ix;
	uint32_t line;
	sym dept;
	uint32_t flags;
};

/* The values of a row that differs from its case's first row in file order (rare). */
struct differ {
	uint32_t line;
	sym journey, customer, region;
};

/*
 * The last value seen in a column and its symbol: consecutive rows mostly
 * repeat the case, journey, department and region, so most rows hash nothing.
 */
struct memo {
	char text[64];
	size_t len;
	sym id;
	bool valid;
};

static sym memo_intern(struct memo *mo, struct intern *t, const char *s, size_t n)
{
	if (mo->valid && mo->len == n && memcmp(mo->text, s, n) == 0)
		return mo->id;
	sym id = intern_add(t, s, n);
	mo->valid = n <= sizeof mo->text;
	if (mo->valid) {
		memcpy(mo->text, s, n);
		mo->len = n;
		mo->id = id;
	}
	return id;
}

struct state {
	struct memo memo[5]; /* case id, journey, customer, region, department */
	struct event *ev;
	size_t nev, cap;
	struct differ *diff;
	size_t ndiff, capdiff;
};

/* Matches an outcome word; returns OUTCOME_OPEN when it is none of them. */
static int outcome_word(const char *s, size_t n)
{
	if (n == 8 && strncasecmp(s, "achieved", n) == 0)
		return OUTCOME_ACHIEVED;
	if (n == 6 && strncasecmp(s, "failed", n) == 0)
		return OUTCOME_FAILED;
	if (n == 9 && strncasecmp(s, "abandoned", n) == 0)
		return OUTCOME_ABANDONED;
	return -1;
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct state *st = r->ctx;
	struct model *m = r->m;
	const struct config *c = r->cfg;
	size_t n[10];
	const char *f[10];
	for (int i = 0; i < 10; i++)
		f[i] = reader_field(r, rec, i, &n[i]);

	for (int i = 0; i < 4; i++)
		if (n[i] == 0) {
			reader_reject_value(r, rec, i, "empty required field",
			                    "every row needs one");
			return;
		}
	bp_time ts;
	const char *why = value_parse_time(f[C_TIME], n[C_TIME], c->date_order, &ts);
	if (why) {
		reader_reject_value(r, rec, C_TIME, "bad timestamp", why);
		return;
	}
	int outcome = OUTCOME_OPEN;
	if (n[C_OUTCOME]) {
		outcome = outcome_word(f[C_OUTCOME], n[C_OUTCOME]);
		if (outcome < 0) {
			reader_reject_value(r, rec, C_OUTCOME, "bad outcome",
			                    "expected achieved, failed, abandoned or blank");
			return;
		}
	} else if (n[C_TOUCHPOINT]) {
		if (name_list_has(&c->rule_achieved, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			outcome = OUTCOME_ACHIEVED;
		else if (name_list_has(&c->rule_failed, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			outcome = OUTCOME_FAILED;
		else if (name_list_has(&c->rule_abandoned, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			outcome = OUTCOME_ABANDONED;
	}
	bool failure = false;
	if (n[C_DEMAND]) {
		if (n[C_DEMAND] == 7 && strncasecmp(f[C_DEMAND], "failure", 7) == 0)
			failure = true;
		else if (!(n[C_DEMAND] == 5 && strncasecmp(f[C_DEMAND], "value", 5) == 0)) {
			reader_reject_value(r, rec, C_DEMAND, "bad demand",
			                    "expected value, failure or blank");
			return;
		}
	} else if (n[C_TOUCHPOINT]) {
		failure = name_list_has(&c->rule_failure, f[C_TOUCHPOINT], n[C_TOUCHPOINT]);
	}

	sym id = memo_intern(&st->memo[0], m->ids, f[C_CASE], n[C_CASE]);
	sym journey = memo_intern(&st->memo[1], m->names, f[C_JOURNEY], n[C_JOURNEY]);
	sym customer = memo_intern(&st->memo[2], m->names, f[C_CUSTOMER], n[C_CUSTOMER]);
	sym region = memo_intern(&st->memo[3], m->names, f[C_REGION], n[C_REGION]);
	sym dept = memo_intern(&st->memo[4], m->names, f[C_DEPT], n[C_DEPT]);
	uint32_t ix = id - 1;
	uint32_t flags = (failure ? EV_FAILURE : 0) | ((uint32_t)outcome << EV_OUTCOME_SHIFT);
	if (ix == m->ncases) {
		if ((m->ncases & (m->ncases - 1)) == 0)
			m->cases = xreallocarray(m->cases, m->ncases ? m->ncases * 2 : 1024,
			                         sizeof *m->cases);
		m->cases[m->ncases++] = (struct bp_case){.journey = journey,
		                                         .customer = customer,
		                                         .region = region,
		                                         .line = (uint32_t)rec->line};
	} else {
		struct bp_case *k = &m->cases[ix];
		if (k->journey != journey || k->customer != customer || k->region != region) {
			flags |= EV_DIFFERS;
			if (st->ndiff == st->capdiff) {
				st->capdiff = st->capdiff ? st->capdiff * 2 : 64;
				st->diff = xreallocarray(st->diff, st->capdiff, sizeof *st->diff);
			}
			st->diff[st->ndiff++] =
			    (struct differ){(uint32_t)rec->line, journey, customer, region};
		}
	}
	if (st->nev == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 4096;
		st->ev = xreallocarray(st->ev, st->cap, sizeof *st->ev);
	}
	st->ev[st->nev++] = (struct event){ts, ix, (uint32_t)rec->line, dept, flags};
	if (m->data_from == BP_TIME_NONE || ts < m->data_from)
		m->data_from = ts;
	if (m->data_to == BP_TIME_NONE || ts > m->data_to)
		m->data_to = ts;
}

static const struct differ *find_differ(const struct state *st, uint32_t line)
{
	size_t lo = 0, hi = st->ndiff;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (st->diff[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &st->diff[lo]; /* present by construction */
}

/* The journey, customer and region a row gave. */
static void row_values(const struct state *st, const struct bp_case *k, const struct event *e,
                       sym v[3])
{
	if (e->flags & EV_DIFFERS) {
		const struct differ *d = find_differ(st, e->line);
		v[0] = d->journey, v[1] = d->customer, v[2] = d->region;
	} else {
		v[0] = k->journey, v[1] = k->customer, v[2] = k->region;
	}
}

static void note_disagreement(struct reader *r, const struct state *st, size_t ix,
                              const struct event *ev, size_t n, const sym first[3],
                              uint32_t first_line)
{
	struct model *m = r->m;
	const struct bp_case *k = &m->cases[ix];
	static const char *const what[3] = {"journey", "customer_id", "region"};
	const struct event *worst = NULL;
	size_t ndiffer = 0;
	sym v[3], wv[3];
	for (size_t i = 0; i < n; i++) {
		row_values(st, k, &ev[i], v);
		if (v[0] == first[0] && v[1] == first[1] && v[2] == first[2])
			continue;
		ndiffer++;
		if (!worst || ev[i].line < worst->line) {
			worst = &ev[i];
			memcpy(wv, v, sizeof wv);
		}
	}
	if (!worst)
		return;
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < 3; i++) {
		if (wv[i] == first[i])
			continue;
		strbuf_printf(&b, "%s%s ", b.len ? ", " : "", what[i]);
		dq_quote(&b, intern_str(m->names, wv[i]), intern_len(m->names, wv[i]));
		strbuf_puts(&b, " instead of ");
		dq_quote(&b, intern_str(m->names, first[i]), intern_len(m->names, first[i]));
	}
	struct strbuf id = STRBUF_INIT;
	dq_quote(&id, model_case_id(m, ix), intern_len(m->ids, (sym)ix + 1));
	dq_note(m->dq, r->file, worst->line, "rows of a case disagree",
	        "case %s: %zu of its rows disagree with its first row (line %u); this one gives "
	        "%s. The first row's values are used and every row still counts",
	        strbuf_str(&id), ndiffer, first_line, strbuf_str(&b));
	strbuf_free(&b);
	strbuf_free(&id);
}

/* Orders each case's events by time (ties in file order) and derives the case. */
static void derive(struct reader *r, struct state *st)
{
	struct model *m = r->m;
	size_t nc = m->ncases;
	uint32_t *start = xcalloc(nc + 1, sizeof *start);
	for (size_t i = 0; i < st->nev; i++)
		start[st->ev[i].case_ix + 1]++;
	for (size_t i = 0; i < nc; i++)
		start[i + 1] += start[i];
	/* Scatter keeps file order within a case: the tie-break. */
	struct event *by_case = xreallocarray(NULL, st->nev ? st->nev : 1, sizeof *by_case);
	uint32_t *fill = xreallocarray(NULL, nc ? nc : 1, sizeof *fill);
	memcpy(fill, start, nc * sizeof *fill);
	for (size_t i = 0; i < st->nev; i++)
		by_case[fill[st->ev[i].case_ix]++] = st->ev[i];
	free(fill);
	free(st->ev);
	st->ev = NULL;

	m->case_depts = xreallocarray(m->case_depts, st->nev ? st->nev : 1, sizeof *m->case_depts);
	for (size_t ix = 0; ix < nc; ix++) {
		struct event *ev = by_case + start[ix];
		size_t n = start[ix + 1] - start[ix];
		/* Stable insertion sort by time: logs are nearly in order already. */
		for (size_t i = 1; i < n; i++) {
			struct event e = ev[i];
			size_t j = i;
			while (j > 0 && ev[j - 1].ts > e.ts) {
				ev[j] = ev[j - 1];
				j--;
			}
			ev[j] = e;
		}
		struct bp_case *k = &m->cases[ix];
		bool differs = false;
		for (size_t i = 0; i < n; i++)
			differs |= (ev[i].flags & EV_DIFFERS) != 0;
		uint32_t file_first_line = k->line;
		if (differs) {
			sym first[3];
			row_values(st, k, &ev[0], first);
			note_disagreement(r, st, ix, ev, n, first, ev[0].line);
			k->journey = first[0], k->customer = first[1], k->region = first[2];
		}
		k->line = file_first_line;
		k->start = ev[0].ts;
		k->end = BP_TIME_NONE;
		k->outcome = OUTCOME_OPEN;
		k->contacts = (uint32_t)n;
		k->failure_contacts = 0;
		k->handoffs = 0;
		k->dept_off = (uint32_t)m->ncase_depts;
		k->ndepts = 0;
		for (size_t i = 0; i < n; i++) {
			const struct event *e = &ev[i];
			unsigned out = (e->flags >> EV_OUTCOME_SHIFT) & 3u;
			if (out != OUTCOME_OPEN) {
				k->outcome = (uint8_t)out;
				k->end = e->ts;
			}
			if (i > 0 && e->dept != ev[i - 1].dept)
				k->handoffs++;
			struct case_dept *d = NULL;
			for (uint32_t j = 0; j < k->ndepts; j++)
				if (m->case_depts[k->dept_off + j].dept == e->dept)
					d = &m->case_depts[k->dept_off + j];
			if (!d) {
				d = &m->case_depts[m->ncase_depts++];
				*d = (struct case_dept){e->dept, 0};
				k->ndepts++;
			}
			if (e->flags & EV_FAILURE) {
				d->failures++;
				k->failure_contacts++;
			}
		}
	}
	free(by_case);
	free(start);
}

int events_read(const struct config *c, struct model *m)
{
	struct state st = {0};
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_JOURNEYS,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row,
	                   .ctx = &st};
	int rc = reader_run(&r, c->journeys);
	if (rc == 0)
		derive(&r, &st);
	free(st.ev);
	free(st.diff);
	return rc;
}
