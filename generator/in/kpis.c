/* kpis: kpis.csv, departmental scores, into the model (data-contract.md). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/config.h"
#include "util/escape.h"
#include "model/model.h"
#include "in/reader.h"
#include "in/readers.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"

enum {
	C_PERIOD,
	C_DEPT,
	C_KPI,
	C_ACTUAL,
	C_TARGET,
	C_DIRECTION,
	C_UNIT,
	C_TOLERANCE,
	C_KIND,
	C_JOURNEY,
	C_REGION
};
static const char *const columns[] = {"period", "department", "kpi",    "actual",
                                      "target", "direction",  "unit",   "tolerance",
                                      "kind",   "journey",    "region", NULL};
static const bool required[] = {true,  true,  true,  true,  true, false,
                                false, false, false, false, false};

/* The row's period, actual, target and tolerance into *k; false (the row rejected) if one is not
 * what it should be. */
static bool kpi_numbers(struct reader *r, const struct csvin_record *rec, const char *const *f,
                        const size_t *n, struct kpi *k)
{
	const struct config *c = r->cfg;
	const char *why =
	    period_parse(f[C_PERIOD], n[C_PERIOD], c->period_length, c->date_order, &k->period);
	if (why) {
		reader_reject_value(r, rec, C_PERIOD, "bad period", why);
		return false;
	}
	if ((why = value_parse_number(f[C_ACTUAL], n[C_ACTUAL], c->decimal, &k->actual))) {
		reader_reject_value(r, rec, C_ACTUAL, "bad number", why);
		return false;
	}
	if ((why = value_parse_number(f[C_TARGET], n[C_TARGET], c->decimal, &k->target))) {
		reader_reject_value(r, rec, C_TARGET, "bad number", why);
		return false;
	}
	if (n[C_TOLERANCE]) {
		if ((why = value_parse_number(f[C_TOLERANCE], n[C_TOLERANCE], c->decimal,
		                              &k->tolerance))) {
			reader_reject_value(r, rec, C_TOLERANCE, "bad number", why);
			return false;
		}
		if (k->tolerance < 0) {
			reader_reject_value(
			    r, rec, C_TOLERANCE, "bad number",
			    "expected a fraction of the target of 0 or more (e.g. 0.05)");
			return false;
		}
	}
	return true;
}

/* The row's direction and kind into *k, blank being higher and output; false (the row rejected)
 * for any other word. */
static bool kpi_words(struct reader *r, const struct csvin_record *rec, const char *const *f,
                      const size_t *n, struct kpi *k)
{
	if (!n[C_DIRECTION] ||
	    (n[C_DIRECTION] == 6 && strncasecmp(f[C_DIRECTION], "higher", 6) == 0))
		k->direction = DIRECTION_HIGHER;
	else if (n[C_DIRECTION] == 5 && strncasecmp(f[C_DIRECTION], "lower", 5) == 0)
		k->direction = DIRECTION_LOWER;
	else {
		reader_reject_value(r, rec, C_DIRECTION, "bad direction",
		                    "expected higher, lower or blank (higher)");
		return false;
	}
	if (!n[C_KIND] || (n[C_KIND] == 6 && strncasecmp(f[C_KIND], "output", 6) == 0))
		k->kind = KIND_OUTPUT;
	else if (n[C_KIND] == 7 && strncasecmp(f[C_KIND], "outcome", 7) == 0)
		k->kind = KIND_OUTCOME;
	else {
		reader_reject_value(r, rec, C_KIND, "bad kind",
		                    "expected output, outcome or blank (output)");
		return false;
	}
	return true;
}

/* The journeys of the row, s[0..len) separated by ";", each trimmed of blanks, appended to
 * m->kpi_journeys for *k. */
static void kpi_add_journeys(struct model *m, const char *s, size_t len, struct kpi *k)
{
	k->journey_off = (uint32_t)m->nkpi_journeys;
	for (const char *e = s + len; s < e;) {
		const char *semi = memchr(s, ';', (size_t)(e - s));
		const char *stop = semi ? semi : e, *a = s, *b = stop;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			m->kpi_journeys = xreallocarray(m->kpi_journeys, m->nkpi_journeys + 1,
			                                sizeof *m->kpi_journeys);
			m->kpi_journeys[m->nkpi_journeys++] =
			    intern_add(m->names, a, (size_t)(b - a));
			k->njourneys++;
		}
		s = stop + 1;
	}
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct model *m = r->m;
	const struct config *c = r->cfg;
	size_t n[11];
	const char *f[11];
	for (int i = 0; i < 11; i++)
		f[i] = reader_field(r, rec, i, &n[i]);
	for (int i = 0; i < 5; i++)
		if (n[i] == 0) {
			reader_reject_value(r, rec, i, "empty required field",
			                    "every row needs one");
			return;
		}
	struct kpi k = {.tolerance = c->tolerance, .line = rec->line};
	if (!kpi_numbers(r, rec, f, n, &k) || !kpi_words(r, rec, f, n, &k))
		return;
	k.dept = intern_add(m->names, f[C_DEPT], n[C_DEPT]);
	k.name = intern_add(m->names, f[C_KPI], n[C_KPI]);
	k.unit = intern_add(m->names, f[C_UNIT], n[C_UNIT]);
	k.region = intern_add(m->names, f[C_REGION], n[C_REGION]);
	kpi_add_journeys(m, f[C_JOURNEY], n[C_JOURNEY], &k);
	m->kpis = xreallocarray(m->kpis, m->nkpis + 1, sizeof *m->kpis);
	m->kpis[m->nkpis++] = k;
}

/* Orders KPI rows by department, KPI, period and region, then file order (kpis_sort_base). */
static const struct kpi *kpis_sort_base;
static int by_key_then_row(const void *x, const void *y)
{
	const struct kpi *a = &kpis_sort_base[*(const size_t *)x];
	const struct kpi *b = &kpis_sort_base[*(const size_t *)y];
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	if (a->dept != b->dept)
		return a->dept < b->dept ? -1 : 1;
	if (a->name != b->name)
		return a->name < b->name ? -1 : 1;
	if (a->region != b->region)
		return a->region < b->region ? -1 : 1;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	return (i > j) - (i < j);
}

/* The last row in file order for a department, KPI, period and region wins; earlier ones are noted,
 * in file order, each naming the next row of its kind. Sorted, not compared pairwise: a sheet of
 * 100,000 KPI rows takes milliseconds. */
static void supersede(struct model *m, int file)
{
	size_t n = m->nkpis;
	if (n < 2)
		return;
	size_t *ix = xreallocarray(NULL, n, sizeof *ix),
	       *next = xreallocarray(NULL, n, sizeof *next);
	for (size_t i = 0; i < n; i++)
		ix[i] = i, next[i] = SIZE_MAX;
	kpis_sort_base = m->kpis;
	qsort(ix, n, sizeof *ix, by_key_then_row);
	for (size_t k = 0; k + 1 < n; k++) {
		const struct kpi *a = &m->kpis[ix[k]], *b = &m->kpis[ix[k + 1]];
		if (a->period == b->period && a->dept == b->dept && a->name == b->name &&
		    a->region == b->region)
			next[ix[k]] = ix[k + 1];
	}
	for (size_t i = 0; i < n; i++) {
		if (next[i] == SIZE_MAX)
			continue;
		struct kpi *a = &m->kpis[i];
		const struct kpi *b = &m->kpis[next[i]];
		a->superseded = true;
		struct strbuf s = STRBUF_INIT;
		text_quote(&s, intern_str(m->names, a->name), intern_len(m->names, a->name));
		strbuf_puts(&s, " of ");
		text_quote(&s, intern_str(m->names, a->dept), intern_len(m->names, a->dept));
		dq_note_in(m->dq, file, a->line, a->region ? a->region : DQ_EVERY_PACK, NULL,
		           "superseded KPI",
		           "KPI %s for this period is superseded by line %ld; the later row "
		           "is used",
		           strbuf_str(&s), b->line);
		strbuf_free(&s);
	}
	free(ix);
	free(next);
}

enum bp_err kpis_read(const struct config *c, struct model *m)
{
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_KPIS,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row};
	enum bp_err rc = reader_run(&r, c->kpis);
	if (rc == 0)
		supersede(m, r.file);
	return rc;
}
