/* cases: cases.csv, one row per case already derived by a warehouse (data-contract.md). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/config.h"
#include "model/model.h"
#include "in/reader.h"
#include "in/readers.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"

enum {
	C_CASE,
	C_JOURNEY,
	C_START,
	C_END,
	C_OUTCOME,
	C_CONTACTS,
	C_FAILURES,
	C_HANDOFFS,
	C_DEPTS,
	C_FAILBY,
	C_CUSTOMER,
	C_REGION
};
static const char *const columns[] = {
    "case_id",     "journey",          "start",    "end",         "outcome",
    "contacts",    "failure_contacts", "handoffs", "departments", "failure_by_department",
    "customer_id", "region",           NULL};
static const bool required[] = {true, true, true, false, false, true,
                                true, true, true, false, false, false};

static const char *trim(const char *s, const char *e, const char **end)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*end = e;
	return s;
}

/* One row of cases.csv as it is read: its fields, then what was made of them. */
struct row {
	const char *f[12];
	size_t n[12];
	bp_time start, end;
	int outcome;
	uint32_t counts[3]; /* contacts, failure_contacts, handoffs */
	size_t first;       /* the case's first department in m->case_depts */
	uint32_t nd;        /* and how many */
};

/* start, end and outcome, which must agree (a concluded case has both end and outcome). Returns
 * false after rejecting the row. */
static bool read_times(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	const struct config *c = r->cfg;
	const char **f = w->f;
	const size_t *n = w->n;
	w->end = BP_TIME_NONE;
	const char *why = value_parse_time(f[C_START], n[C_START], c->date_order, &w->start);
	if (why) {
		reader_reject_value(r, rec, C_START, "bad timestamp", why);
		return false;
	}
	if (n[C_END] && (why = value_parse_time(f[C_END], n[C_END], c->date_order, &w->end))) {
		reader_reject_value(r, rec, C_END, "bad timestamp", why);
		return false;
	}
	w->outcome = OUTCOME_OPEN;
	if (n[C_OUTCOME]) {
		if (n[C_OUTCOME] == 8 && strncasecmp(f[C_OUTCOME], "achieved", 8) == 0)
			w->outcome = OUTCOME_ACHIEVED;
		else if (n[C_OUTCOME] == 6 && strncasecmp(f[C_OUTCOME], "failed", 6) == 0)
			w->outcome = OUTCOME_FAILED;
		else if (n[C_OUTCOME] == 9 && strncasecmp(f[C_OUTCOME], "abandoned", 9) == 0)
			w->outcome = OUTCOME_ABANDONED;
		else {
			reader_reject_value(r, rec, C_OUTCOME, "bad outcome",
			                    "expected achieved, failed, abandoned or blank");
			return false;
		}
	}
	if ((w->outcome == OUTCOME_OPEN) != (w->end == BP_TIME_NONE)) {
		bool open = w->outcome == OUTCOME_OPEN;
		reader_reject(r, rec, open ? C_OUTCOME : C_END, "open and concluded",
		              open ? "end is given but outcome is blank: a concluded case "
		                     "needs both, an open one neither"
		                   : "outcome is given but end is blank: a concluded case "
		                     "needs both, an open one neither");
		return false;
	}
	if (w->end != BP_TIME_NONE && w->end < w->start) {
		reader_reject(r, rec, C_END, "end before start",
		              "end is before start; a case ends with its outcome row, which cannot "
		              "precede its first row");
		return false;
	}
	return true;
}

/* contacts, failure_contacts and handoffs, which must agree. Returns false after rejecting the
 * row. */
static bool read_counts(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	uint32_t *counts = w->counts;
	const char *why;
	for (int i = 0; i < 3; i++)
		if ((why = value_parse_count(w->f[C_CONTACTS + i], w->n[C_CONTACTS + i],
		                             &counts[i]))) {
			reader_reject_value(r, rec, C_CONTACTS + i, "bad number", why);
			return false;
		}
	if (counts[0] == 0) {
		reader_reject_value(r, rec, C_CONTACTS, "bad number",
		                    "a case has at least one row, so contacts is at least 1");
		return false;
	}
	if (counts[1] > counts[0]) {
		reader_reject(r, rec, C_FAILURES, "inconsistent counts",
		              "failure_contacts (%u) is more than contacts (%u)", counts[1],
		              counts[0]);
		return false;
	}
	if (counts[2] >= counts[0]) {
		reader_reject(r, rec, C_HANDOFFS, "inconsistent counts",
		              "handoffs (%u) must be fewer than contacts (%u)", counts[2],
		              counts[0]);
		return false;
	}
	return true;
}

/* departments, each once, appended to m->case_depts. Returns false after rejecting the row
 * (none appended). */
static bool read_departments(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	struct model *m = r->m;
	w->first = m->ncase_depts;
	w->nd = 0;
	for (const char *s = w->f[C_DEPTS], *e = w->f[C_DEPTS] + w->n[C_DEPTS]; s < e;) {
		const char *semi = memchr(s, ';', (size_t)(e - s));
		const char *stop = semi ? semi : e, *te;
		const char *ts = trim(s, stop, &te);
		if (te > ts) {
			sym d = intern_add(m->names, ts, (size_t)(te - ts));
			bool dup = false;
			for (uint32_t j = 0; j < w->nd; j++)
				dup |= m->case_depts[w->first + j].dept == d;
			if (!dup) {
				m->case_depts =
				    xgrow(m->case_depts, m->ncase_depts, sizeof *m->case_depts);
				m->case_depts[m->ncase_depts++] =
				    (struct case_dept){d, 0, CONTACTS_UNKNOWN};
				w->nd++;
			}
		}
		s = stop + 1;
	}
	if (w->nd == 0) {
		m->ncase_depts = w->first;
		reader_reject_value(r, rec, C_DEPTS, "empty required field",
		                    "a case touches at least one department");
		return false;
	}
	return true;
}

/* failure_by_department onto the row's departments; it must add up to failure_contacts.
 * Returns false after rejecting the row (its departments dropped). */
static bool read_failures(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	struct model *m = r->m;
	uint32_t fsum = 0;
	for (const char *s = w->f[C_FAILBY], *e = w->f[C_FAILBY] + w->n[C_FAILBY]; s < e;) {
		const char *semi = memchr(s, ';', (size_t)(e - s));
		const char *stop = semi ? semi : e;
		const char *colon = NULL;
		for (const char *p = stop; p > s; p--)
			if (p[-1] == ':') {
				colon = p - 1;
				break;
			}
		const char *te, *ts = trim(s, colon ? colon : stop, &te);
		const char *ve, *vs = colon ? trim(colon + 1, stop, &ve) : NULL;
		uint32_t count = 0;
		bool ok =
		    colon && te > ts && vs && !value_parse_count(vs, (size_t)(ve - vs), &count);
		struct case_dept *d = NULL;
		if (ok) {
			sym dept = intern_find(m->names, ts, (size_t)(te - ts));
			for (uint32_t j = 0; dept && j < w->nd; j++)
				if (m->case_depts[w->first + j].dept == dept)
					d = &m->case_depts[w->first + j];
		}
		if (!ok || !d) {
			m->ncase_depts = w->first;
			reader_reject_value(r, rec, C_FAILBY, "bad failure_by_department",
			                    ok ? "names a department that is not in departments"
			                       : "expected Department:count pairs separated by ; "
			                         "(e.g. Billing:2;Contact Centre:1)");
			return false;
		}
		d->failures += count;
		fsum += count;
		s = stop + 1;
	}
	if (w->n[C_FAILBY] && fsum != w->counts[1]) {
		m->ncase_depts = w->first;
		reader_reject(r, rec, C_FAILBY, "inconsistent counts",
		              "failure_by_department adds up to %u but failure_contacts is %u",
		              fsum, w->counts[1]);
		return false;
	}
	return true;
}

/* The case of a row that passed every check, into the model. */
static void add_case(struct reader *r, const struct csvin_record *rec, const struct row *w)
{
	struct model *m = r->m;
	const char *const *f = w->f;
	const size_t *n = w->n;
	sym id = intern_add(m->ids, f[C_CASE], n[C_CASE]);
	(void)id;
	if ((m->ncases & (m->ncases - 1)) == 0)
		m->cases =
		    xreallocarray(m->cases, m->ncases ? m->ncases * 2 : 1024, sizeof *m->cases);
	m->cases[m->ncases++] =
	    (struct bp_case){.start = w->start,
	                     .end = w->end,
	                     .journey = intern_add(m->names, f[C_JOURNEY], n[C_JOURNEY]),
	                     .customer = intern_add(m->names, f[C_CUSTOMER], n[C_CUSTOMER]),
	                     .region = intern_add(m->names, f[C_REGION], n[C_REGION]),
	                     .contacts = w->counts[0],
	                     .failure_contacts = w->counts[1],
	                     .handoffs = w->counts[2],
	                     .dept_off = (uint32_t)w->first,
	                     .ndepts = w->nd,
	                     .line = (uint32_t)rec->line,
	                     .outcome = (uint8_t)w->outcome};
	bp_time last = w->end != BP_TIME_NONE ? w->end : w->start;
	if (m->data_from == BP_TIME_NONE || w->start < m->data_from)
		m->data_from = w->start;
	if (m->data_to == BP_TIME_NONE || last > m->data_to)
		m->data_to = last;
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct model *m = r->m;
	struct row w;
	for (int i = 0; i < 12; i++)
		w.f[i] = reader_field(r, rec, i, &w.n[i]);
	for (int i = 0; i < 12; i++)
		if (required[i] && w.n[i] == 0 && i != C_DEPTS) {
			reader_reject_value(r, rec, i, "empty required field",
			                    "every row needs one");
			return;
		}
	if (!read_times(r, rec, &w) || !read_counts(r, rec, &w))
		return;
	if (intern_find(m->ids, w.f[C_CASE], w.n[C_CASE])) {
		reader_reject_value(
		    r, rec, C_CASE, "duplicate case",
		    "appears on an earlier row; each case has one row in cases.csv");
		return;
	}
	if (!read_departments(r, rec, &w) || !read_failures(r, rec, &w))
		return;
	add_case(r, rec, &w);
	if (w.counts[1] && !w.n[C_FAILBY] && r->col[C_FAILBY] < 0 && !r->ctx) {
		dq_note(m->dq, r->file, 0, "no failure_by_department",
		        "cases have failure contacts but the file has no failure_by_department "
		        "column, so no department is credited with failure demand");
		r->ctx = (void *)1;
	}
}

enum bp_err cases_read(const struct config *c, struct model *m)
{
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_CASES,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row};
	return reader_run(&r, c->cases);
}
