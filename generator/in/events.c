/*
 * events: journeys.csv, the touchpoint event log, reduced to cases exactly as
 * data-contract.md's "How a case is derived" says. The text of a row is never kept.
 *
 * Cases are derived as their rows arrive, in a few bytes of state each, so memory grows with
 * the number of cases, not with the file. Consecutive rows of one case (a log sorted by case)
 * are gathered first and put in time order, so they may come in any order; a log sorted by
 * time needs nothing more. A case with a row earlier than a row of it read before, in another
 * stretch of the file, is "out of order" and is derived from its rows once the file is read:
 * from the first such row on, every row is kept (24 bytes), and the rows before it are read a
 * second time, keeping those of out-of-order cases. A file in order is read once and keeps no
 * row; a file in random order keeps nearly every row and reads a few lines twice.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "in/config.h"
#include "util/escape.h"
#include "util/diag.h"
#include "model/model.h"
#include "in/reader.h"
#include "in/readers.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"

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
/* journey, customer or region differ from the case's first row in file order */
#define EV_DIFFERS 0x8u
/* bits 8 to 15: the row's channel (an index into model.channels, 0 when blank) */
#define EV_CHANNEL_SHIFT 8
#define EV_CHANNEL(flags) ((uint8_t)((flags) >> EV_CHANNEL_SHIFT))

/* A row kept: one of the current stretch of rows of one case, or one kept for out-of-order
 * cases. */
struct event {
	bp_time ts;
	uint32_t case_ix;
	uint32_t line;
	sym dept;
	uint32_t flags;
};

/* A row whose journey, customer or region differ from its case's first row in file order (rare).
 * The key first, for lower_bound. */
struct differ {
	uint32_t line;
	uint32_t case_ix;
	sym journey, customer, region;
};

/*
 * While the file is read, a case's departments are a chain of links from bp_case.dept_off, in
 * order of first sight (time order for a case whose rows come in time order). A link names a
 * department or, right after one, says how many failure-demand rows it handled, when there were
 * any. Symbols stay far below LINK_FAILURES: 2^31 distinct names would need tens of GB.
 */
struct dept_link {
	uint32_t what;     /* a department's symbol, or LINK_FAILURES | the count */
	uint32_t contacts; /* a department's: its rows in the case */
	uint32_t next;     /* NO_LINK at the end */
};
#define NO_LINK UINT32_MAX
#define LINK_FAILURES 0x80000000u

/*
 * While the file is read, a case's state is its struct bp_case (dept_off: its chain of
 * departments; ndepts: the link of the department of its latest row so far) and the time of that
 * row, OUT_OF_ORDER once a row came before it: 64 bytes, plus 8 a department and 8 a department
 * with failure demand.
 */
#define OUT_OF_ORDER INT64_MAX /* later than any timestamp, so every later row is "earlier" */

/* A case whose first row in time order is not its first in the file (rare). The key first, for
 * lower_bound. */
struct first_row {
	uint32_t case_ix, line;
};

/*
 * The last value seen in a column and its symbol: in a log grouped by case or with few cases
 * open at once, consecutive rows mostly repeat the case and the customer, so most rows hash
 * neither. The columns of few values (journey, region, department, channel) keep a few of
 * theirs instead (intern_add_few): consecutive rows rarely repeat those in a log of many cases
 * open at once, but the same few come back.
 */
struct memo {
	char text[64];
	size_t len;
	sym id;
	bool valid;
};

/* intern_add of s (hash *h, when not NULL), unless it is the text before. */
static sym memo_intern(struct memo *mo, struct intern *t, const char *s, size_t n,
                       const uint32_t *h)
{
	if (mo->valid && mo->len == n && memcmp(mo->text, s, n) == 0)
		return mo->id;
	sym id = h ? intern_add_hashed(t, s, n, *h) : intern_add(t, s, n);
	mo->valid = n <= sizeof mo->text;
	if (mo->valid) {
		memcpy(mo->text, s, n);
		mo->len = n;
		mo->id = id;
	}
	return id;
}

/* Most rows of one stretch of a case gathered before they are put in order: bounds the memory
 * one case's rows can take. A longer stretch is taken in parts (out of order if they are). */
#define STRETCH_MAX 65536

/* Of the 16 lines csvin tells of ahead: an id's slot is fetched first, its record AHEAD_RECORD
 * lines later, the case's state AHEAD_CASE lines later, some lines before its row is read. */
#define AHEAD_RECORD 5
#define AHEAD_CASE 10
#define AHEAD_RING 16
/* Cases from which the ids are fetched ahead: the tables of fewer fit in a core's cache, as long
 * as the rows come in time or case order (fewer than AHEAD_DISORDER cases out of order). */
#define AHEAD_FROM (1u << 17)
#define AHEAD_DISORDER 1024

/* Lines between two marks of where a line begins (model.journey_marks). */
#define EVENTS_MARK_LINES 16384

/* The lines at which the id tables are looked at (intern_watch_look): 2^15, 2^16, 2^17… */
#define SIZE_FIRST_LOOK (1u << 15)

struct state {
	struct memo memo[2];          /* case id, customer */
	struct intern_few few[4];     /* journey, region, department, channel */
	struct intern_watch watch[2]; /* m->ids, m->names, sized ahead */
	uint32_t next_look;           /* the line of their next look */
	long next_mark;               /* the line from which the next mark is made */
	size_t capmarks;
	sym memo_channel_sym; /* the last channel met, and its index in model.channels */
	uint8_t memo_channel;
	struct event *stretch; /* consecutive rows of case stretch_case, in file order */
	size_t nstretch;
	uint32_t stretch_case;
	bp_time *last_ts; /* per case, capacity cases_cap like model.cases */
	size_t cases_cap;
	struct first_row *firsts; /* by case: first flushes come in case order */
	size_t nfirsts, capfirsts;
	struct dept_link *links;
	size_t nlinks, caplinks;
	struct differ *diff; /* in file order */
	size_t ndiff, capdiff;
	size_t out_of_order; /* cases */
	uint32_t line;       /* of the row being read */
	/* once a case was out of order, every row from line keep_from on (UINT32_MAX, when that
	 * was found at the end of the file: none) */
	bool keeping;
	uint32_t keep_from;
	struct event *kept;
	size_t nkept, capkept;
	/* the second reading, of the lines before keep_from: keep the rows of out-of-order cases */
	bool second;
	struct event *ev;
	size_t nev, cap;
	uint32_t *start; /* after it: case ix's rows will be start[ix] .. start[ix + 1] of ev */
	bool changed;    /* the second reading found a case the first did not */
	/* failure-demand rows of the first reading: (case, touchpoint), in file order */
	struct case_failure *fail;
	size_t nfail, capfail;
	/* the hashes of the case and customer ids of the lines told of ahead (see ahead_line), a
	 * ring */
	uint32_t ahead_hash[AHEAD_RING][2];
	unsigned ahead_n;
};

static void keep(struct event **ev, size_t *n, size_t *cap, struct event e)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		*ev = xreallocarray(*ev, *cap, sizeof **ev);
	}
	(*ev)[(*n)++] = e;
}

/* Matches an outcome word; returns -1 when it is none of them. */
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

static uint32_t link_new(struct state *st, uint32_t what, uint32_t next)
{
	if (st->nlinks == st->caplinks) {
		st->caplinks = st->caplinks ? 2 * st->caplinks : 4096;
		st->links = xreallocarray(st->links, st->caplinks, sizeof *st->links);
		xmem_huge(st->links, st->caplinks * sizeof *st->links);
	}
	st->links[st->nlinks] = (struct dept_link){what, 0, next};
	return (uint32_t)st->nlinks++;
}

/* Adds dept to case k's departments when new (at the end), and counts a failure-demand row.
 * Returns the department's link. */
static uint32_t case_touch(struct state *st, struct bp_case *k, sym dept, bool failure)
{
	uint32_t at = k->dept_off, tail = NO_LINK;
	while (at != NO_LINK && st->links[at].what != dept) {
		tail = at;
		at = st->links[at].next;
	}
	if (at == NO_LINK) {
		at = link_new(st, dept, NO_LINK);
		if (tail == NO_LINK)
			k->dept_off = at;
		else
			st->links[tail].next = at;
	}
	if (!failure)
		return at;
	uint32_t count = st->links[at].next;
	if (count != NO_LINK && (st->links[count].what & LINK_FAILURES)) {
		st->links[count].what++;
	} else {
		uint32_t added = link_new(st, LINK_FAILURES | 1, count); /* may move st->links */
		st->links[at].next = added;
	}
	return at;
}

/*
 * Adds a row of case k, whose latest row so far came at *last_ts: this one comes at or after it.
 * While the file is read, k->ndepts is the link of the department of its latest row.
 */
static void case_add_row(struct state *st, struct bp_case *k, bp_time *last_ts, bp_time ts,
                         sym dept, bool failure, int outcome, uint8_t channel)
{
	bool first = k->contacts == 0;
	if (first) {
		k->start = ts;
		k->first_channel = channel;
	}
	k->contacts++;
	uint32_t at = first ? NO_LINK : k->ndepts;
	bool same = at != NO_LINK && st->links[at].what == dept;
	if (!first && !same)
		k->handoffs++;
	if (!same || failure)
		at = case_touch(st, k, dept, failure);
	st->links[at].contacts++;
	k->failure_contacts += failure;
	if (outcome != OUTCOME_OPEN) {
		k->outcome = (uint8_t)outcome;
		k->end = ts;
	}
	*last_ts = ts;
	k->ndepts = at;
	k->last_channel = channel;
}

static int by_time_then_line(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Puts rows kept in file order into time order, ties in file order (lines grow in the file). */
static void sort_by_time(struct event *ev, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (ev[i].ts < ev[i - 1].ts) {
			qsort(ev, n, sizeof *ev, by_time_then_line);
			return;
		}
}

/*
 * A case is out of order: derived from its rows once the file is read, which must find its n
 * rows more. The first such case starts keeping rows, from the row being read on.
 */
static void set_out_of_order(struct state *st, struct bp_case *k, bp_time *last_ts, size_t n)
{
	if (*last_ts != OUT_OF_ORDER) {
		*last_ts = OUT_OF_ORDER;
		st->out_of_order++;
	}
	if (!st->keeping) {
		st->keeping = true;
		st->keep_from = st->line;
	}
	k->contacts += (uint32_t)n;
}

static void keep_first_row(struct state *st, uint32_t ix, uint32_t line)
{
	if (st->nfirsts == st->capfirsts) {
		st->capfirsts = st->capfirsts ? 2 * st->capfirsts : 64;
		st->firsts = xreallocarray(st->firsts, st->capfirsts, sizeof *st->firsts);
	}
	st->firsts[st->nfirsts++] = (struct first_row){ix, line};
}

/* The first of n elements of base, each size bytes and sorted by the uint32_t they start with,
 * whose key is not below key (n when none). */
static size_t lower_bound(const void *base, size_t n, size_t size, uint32_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint32_t k;
		memcpy(&k, (const char *)base + mid * size, sizeof k);
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The line of case ix's first row in time order, when its rows came in order. */
static uint32_t first_line(const struct state *st, uint32_t ix, const struct bp_case *k)
{
	size_t i = lower_bound(st->firsts, st->nfirsts, sizeof *st->firsts, ix);
	return i < st->nfirsts && st->firsts[i].case_ix == ix ? st->firsts[i].line : k->line;
}

/*
 * Adds the stretch of rows gathered to its case, in time order: when they all come at or after
 * the case's rows so far, and a new case's first row in time gives the values its first row in
 * the file gave (it is the case's first row, so the disagreement notes can be made as rows
 * arrive). Else the case is out of order.
 */
static void flush_stretch(struct state *st, struct model *m)
{
	size_t n = st->nstretch;
	if (!n)
		return;
	st->nstretch = 0;
	struct event *ev = st->stretch;
	struct bp_case *k = &m->cases[st->stretch_case];
	bp_time *last_ts = &st->last_ts[st->stretch_case];
	sort_by_time(ev, n);
	if (*last_ts == OUT_OF_ORDER || (k->contacts && ev[0].ts < *last_ts) ||
	    (!k->contacts && (ev[0].flags & EV_DIFFERS))) {
		set_out_of_order(st, k, last_ts, n);
		return;
	}
	if (!k->contacts && ev[0].line != k->line)
		keep_first_row(st, st->stretch_case, ev[0].line);
	for (size_t i = 0; i < n; i++)
		case_add_row(st, k, last_ts, ev[i].ts, ev[i].dept, ev[i].flags & EV_FAILURE,
		             (int)((ev[i].flags >> EV_OUTCOME_SHIFT) & 3u),
		             EV_CHANNEL(ev[i].flags));
}

/* A row's fields, and what its checks found. */
struct row {
	const char *f[10];
	size_t n[10];
	bp_time ts;
	int outcome; /* enum outcome */
	bool failure;
};

/*
 * The data contract's checks of a row whose fields w->f and w->n are set (required fields,
 * timestamp, outcome, demand, and the [rules] that derive the last two from the touchpoint):
 * sets w's timestamp, outcome and failure, or returns false with what is wrong. It reads only
 * the configuration and the fields, so that it can run in the CSV parser's thread (prep_row).
 */
static bool check_row(const struct config *c, struct row *w, struct reader_fault *fault)
{
	const char *const *f = w->f;
	const size_t *n = w->n;
	for (int i = 0; i < 4; i++)
		if (n[i] == 0) {
			*fault =
			    (struct reader_fault){i, "empty required field", "every row needs one"};
			return false;
		}
	const char *why = value_parse_time(f[C_TIME], n[C_TIME], c->date_order, &w->ts);
	if (why) {
		*fault = (struct reader_fault){C_TIME, "bad timestamp", why};
		return false;
	}
	w->outcome = OUTCOME_OPEN;
	if (n[C_OUTCOME]) {
		w->outcome = outcome_word(f[C_OUTCOME], n[C_OUTCOME]);
		if (w->outcome < 0) {
			*fault =
			    (struct reader_fault){C_OUTCOME, "bad outcome",
			                          "expected achieved, failed, abandoned or blank"};
			return false;
		}
	} else if (n[C_TOUCHPOINT]) {
		if (name_list_has(&c->rule_achieved, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			w->outcome = OUTCOME_ACHIEVED;
		else if (name_list_has(&c->rule_failed, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			w->outcome = OUTCOME_FAILED;
		else if (name_list_has(&c->rule_abandoned, f[C_TOUCHPOINT], n[C_TOUCHPOINT]))
			w->outcome = OUTCOME_ABANDONED;
	}
	w->failure = false;
	if (n[C_DEMAND]) {
		if (n[C_DEMAND] == 7 && strncasecmp(f[C_DEMAND], "failure", 7) == 0)
			w->failure = true;
		else if (!(n[C_DEMAND] == 5 && strncasecmp(f[C_DEMAND], "value", 5) == 0)) {
			*fault = (struct reader_fault){C_DEMAND, "bad demand",
			                               "expected value, failure or blank"};
			return false;
		}
	} else if (n[C_TOUCHPOINT]) {
		w->failure = name_list_has(&c->rule_failure, f[C_TOUCHPOINT], n[C_TOUCHPOINT]);
	}
	return true;
}

/* A row's fields (reader_field: the defaults they take noted). */
static void row_fields(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	for (int i = 0; i < 10; i++)
		w->f[i] = reader_field(r, rec, i, &w->n[i]);
}

/* A row's fields and its checks (check_row): false after rejecting it. */
static bool parse_row(struct reader *r, const struct csvin_record *rec, struct row *w)
{
	row_fields(r, rec, w);
	struct reader_fault fault;
	if (check_row(r->cfg, w, &fault))
		return true;
	reader_reject_value(r, rec, fault.col, fault.kind, fault.why);
	return false;
}

/*
 * A row prepared in the CSV parser's thread while the reader's works on the rows before it
 * (prep_row): its checks passed, with what they found, and the hashes of its case and customer
 * ids. 24 bytes.
 */
struct prepped {
	bp_time ts;
	uint32_t hash[2]; /* intern_hash of the case id, of the customer id */
	int8_t outcome;
	bool failure;
};

/* reader_prep_fn: a row's checks and its ids' hashes, or false for a row to be rejected (the
 * reader's thread checks it again and says why). */
static bool prep_row(void *pctx, const struct reader_cols *cols, const struct csvin_record *rec,
                     void *out)
{
	const struct config *c = pctx;
	struct row w;
	for (int i = 0; i < 10; i++)
		w.f[i] = reader_cols_field(cols, rec, i, &w.n[i]);
	struct reader_fault fault;
	if (!check_row(c, &w, &fault))
		return false;
	*(struct prepped *)out =
	    (struct prepped){.ts = w.ts,
	                     .hash = {intern_hash(w.f[C_CASE], w.n[C_CASE]),
	                              intern_hash(w.f[C_CUSTOMER], w.n[C_CUSTOMER])},
	                     .outcome = (int8_t)w.outcome,
	                     .failure = w.failure};
	return true;
}

/* The index in model.channels of a row's channel (0 when blank or past the channels kept). */
static uint8_t channel_of(struct state *st, struct model *m, const char *s, size_t n)
{
	if (!n)
		return 0;
	sym c = intern_add_few(m->names, &st->few[3], s, n);
	if (c == st->memo_channel_sym && st->memo_channel)
		return st->memo_channel;
	unsigned i = 1;
	while (i <= m->nchannels && m->channels[i] != c)
		i++;
	if (i > m->nchannels) {
		if (m->nchannels == MODEL_CHANNELS_MAX) {
			if (!st->second)
				m->channels_dropped++;
			return 0;
		}
		m->channels[++m->nchannels] = c;
	}
	st->memo_channel_sym = c;
	st->memo_channel = (uint8_t)i;
	return (uint8_t)i;
}

/* A case first seen on line, of journey, customer and region: the next of m->cases. */
static void case_new(struct state *st, struct model *m, sym journey, sym customer, sym region,
                     uint32_t line)
{
	if (m->ncases == st->cases_cap) {
		st->cases_cap = st->cases_cap ? 2 * st->cases_cap : 1024;
		m->cases = xreallocarray(m->cases, st->cases_cap, sizeof *m->cases);
		st->last_ts = xreallocarray(st->last_ts, st->cases_cap, sizeof *st->last_ts);
		/* a log not grouped by case reaches them at random */
		xmem_huge(m->cases, st->cases_cap * sizeof *m->cases);
		xmem_huge(st->last_ts, st->cases_cap * sizeof *st->last_ts);
	}
	m->cases[m->ncases++] = (struct bp_case){.end = BP_TIME_NONE,
	                                         .journey = journey,
	                                         .customer = customer,
	                                         .region = region,
	                                         .dept_off = NO_LINK,
	                                         .line = line,
	                                         .outcome = OUTCOME_OPEN};
	st->last_ts[m->ncases - 1] = BP_TIME_NONE;
}

/* A failure-demand row of case ix: why failure demand happens is counted by touchpoint
 * (metrics.md). */
static void note_failure(struct state *st, struct model *m, uint32_t ix, const char *touchpoint,
                         size_t len)
{
	if (st->nfail == st->capfail) {
		st->capfail = st->capfail ? 2 * st->capfail : 1024;
		st->fail = xreallocarray(st->fail, st->capfail, sizeof *st->fail);
	}
	st->fail[st->nfail++] =
	    (struct case_failure){ix, len ? intern_add(m->names, touchpoint, len) : 0, 1};
}

/* A row of case ix whose journey, customer or region differ from the case's first row: kept to
 * be said by note_disagreement. */
static void note_differ(struct state *st, uint32_t line, uint32_t ix, sym journey, sym customer,
                        sym region)
{
	if (st->ndiff == st->capdiff) {
		st->capdiff = st->capdiff ? st->capdiff * 2 : 64;
		st->diff = xreallocarray(st->diff, st->capdiff, sizeof *st->diff);
	}
	st->diff[st->ndiff++] = (struct differ){line, ix, journey, customer, region};
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct state *st = r->ctx;
	struct model *m = r->m;
	if (st->second && rec->line >= st->keep_from) {
		r->stop = true; /* the rest was kept by the first reading */
		return;
	}
	struct row w;
	const struct prepped *p = rec->prep;
	if (p) { /* checked in the parser's thread: only the fields, for the defaults they take */
		row_fields(r, rec, &w);
		w.ts = p->ts, w.outcome = p->outcome, w.failure = p->failure;
	} else if (!parse_row(r, rec, &w)) {
		return;
	}
	const char *const *f = w.f;
	const size_t *n = w.n;
	bp_time ts = w.ts;
	int outcome = w.outcome;
	bool failure = w.failure;

	sym id = memo_intern(&st->memo[0], m->ids, f[C_CASE], n[C_CASE], p ? &p->hash[0] : NULL);
	sym journey = intern_add_few(m->names, &st->few[0], f[C_JOURNEY], n[C_JOURNEY]);
	sym customer = memo_intern(&st->memo[1], m->names, f[C_CUSTOMER], n[C_CUSTOMER],
	                           p ? &p->hash[1] : NULL);
	sym region = intern_add_few(m->names, &st->few[1], f[C_REGION], n[C_REGION]);
	sym dept = intern_add_few(m->names, &st->few[2], f[C_DEPT], n[C_DEPT]);
	uint32_t ix = id - 1;
	uint32_t line = (uint32_t)rec->line;
	uint32_t flags =
	    (failure ? EV_FAILURE : 0) | ((uint32_t)outcome << EV_OUTCOME_SHIFT) |
	    ((uint32_t)channel_of(st, m, f[C_CHANNEL], n[C_CHANNEL]) << EV_CHANNEL_SHIFT);
	if (ix < m->ncases) {
		const struct bp_case *k = &m->cases[ix];
		if (k->journey != journey || k->customer != customer || k->region != region)
			flags |= EV_DIFFERS;
	}
	if (st->second) {
		/* The rows were checked and counted by the first reading: keep those of
		 * out-of-order cases. */
		if (ix >= m->ncases) {
			st->changed = true;
			return;
		}
		if (st->last_ts[ix] == OUT_OF_ORDER)
			keep(&st->ev, &st->nev, &st->cap,
			     (struct event){ts, ix, line, dept, flags});
		return;
	}
	if (rec->read_to && rec->end_line >= st->next_mark && rec->end_line < UINT32_MAX) {
		if (m->njourney_marks == st->capmarks)
			m->journey_marks =
			    xreallocarray(m->journey_marks, st->capmarks = st->capmarks * 2 + 16,
			                  sizeof *m->journey_marks);
		m->journey_marks[m->njourney_marks++] =
		    (struct line_mark){rec->read_to, (uint32_t)rec->end_line + 1};
		st->next_mark = rec->end_line + EVENTS_MARK_LINES;
	}
	if (line >= st->next_look) {
		intern_watch_look(&st->watch[0], m->ids, line, rec->read_to, rec->size);
		intern_watch_look(&st->watch[1], m->names, line, rec->read_to, rec->size);
		st->next_look = line < UINT32_MAX / 2 ? line * 2 : UINT32_MAX;
	}
	if (m->data_from == BP_TIME_NONE || ts < m->data_from)
		m->data_from = ts;
	if (m->data_to == BP_TIME_NONE || ts > m->data_to)
		m->data_to = ts;
	if (ix == m->ncases)
		case_new(st, m, journey, customer, region, line);
	struct event e = {ts, ix, line, dept, flags};
	if (failure)
		note_failure(st, m, ix, f[C_TOUCHPOINT], n[C_TOUCHPOINT]);
	if (flags & EV_DIFFERS)
		note_differ(st, line, ix, journey, customer, region);
	st->line = line;
	if (ix != st->stretch_case || st->nstretch == STRETCH_MAX)
		flush_stretch(st, m);
	if (st->keeping)
		keep(&st->kept, &st->nkept, &st->capkept, e);
	st->stretch_case = ix;
	st->stretch[st->nstretch++] = e;
}

static const struct differ *find_differ(const struct state *st, uint32_t line)
{
	/* present by construction */
	return &st->diff[lower_bound(st->diff, st->ndiff, sizeof *st->diff, line)];
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

/*
 * The note of case ix, whose first row (line first_line) gave first[]: n of its rows disagree
 * with it, the earliest in the file on line worst_line, giving wv[].
 */
static void note_disagreement(struct reader *r, size_t ix, const sym first[3], uint32_t first_line,
                              size_t n, uint32_t worst_line, const sym wv[3])
{
	struct model *m = r->m;
	static const char *const what[3] = {"journey", "customer_id", "region"};
	struct strbuf b = STRBUF_INIT;
	for (int i = 0; i < 3; i++) {
		if (wv[i] == first[i])
			continue;
		strbuf_printf(&b, "%s%s ", b.len ? ", " : "", what[i]);
		text_quote(&b, intern_str(m->names, wv[i]), intern_len(m->names, wv[i]));
		strbuf_puts(&b, " instead of ");
		text_quote(&b, intern_str(m->names, first[i]), intern_len(m->names, first[i]));
	}
	struct strbuf id = STRBUF_INIT;
	text_quote(&id, model_case_id(m, ix), intern_len(m->ids, (sym)ix + 1));
	/* the note belongs to the case's region: its first row's (pack.md) */
	dq_note_in(m->dq, r->file, worst_line, first[2] ? first[2] : DQ_WHOLE_ONLY,
	           model_case_id(m, ix), "rows of a case disagree",
	           "case %s: %zu of its rows %s with its first row (line %u); this row "
	           "gives %s. The first row's values are used and every row still counts",
	           strbuf_str(&id), n, n == 1 ? "disagrees" : "disagree", first_line,
	           strbuf_str(&b));
	strbuf_free(&b);
	strbuf_free(&id);
}

/*
 * Derives out-of-order case k (index ix) from its n rows ev[], in file order, as they were
 * kept by the second reading: ordered by time (ties in file order), then read as a case whose
 * rows came in order. Notes its rows that disagree with its first row in time order.
 */
static void derive_out_of_order(struct reader *r, struct state *st, size_t ix, struct event *ev,
                                size_t n)
{
	struct bp_case *k = &r->m->cases[ix];
	sort_by_time(ev, n);
	sym first[3], v[3], wv[3];
	row_values(st, k, &ev[0], first);
	size_t ndiffer = 0;
	uint32_t worst = 0;
	for (size_t i = 0; i < n; i++) {
		row_values(st, k, &ev[i], v);
		if (v[0] == first[0] && v[1] == first[1] && v[2] == first[2])
			continue;
		if (!ndiffer++ || ev[i].line < worst) {
			worst = ev[i].line;
			memcpy(wv, v, sizeof wv);
		}
	}
	if (ndiffer)
		note_disagreement(r, ix, first, ev[0].line, ndiffer, worst, wv);
	k->journey = first[0], k->customer = first[1], k->region = first[2];
	k->end = BP_TIME_NONE;
	k->outcome = OUTCOME_OPEN;
	k->contacts = k->failure_contacts = k->handoffs = 0;
	k->dept_off = NO_LINK;
	k->ndepts = NO_LINK;
	k->first_channel = k->last_channel = 0;
	bp_time last_ts = BP_TIME_NONE;
	for (size_t i = 0; i < n; i++)
		case_add_row(st, k, &last_ts, ev[i].ts, ev[i].dept, ev[i].flags & EV_FAILURE,
		             (int)((ev[i].flags >> EV_OUTCOME_SHIFT) & 3u),
		             EV_CHANNEL(ev[i].flags));
}

static int by_case_then_line(const void *a, const void *b)
{
	const struct differ *x = a, *y = b;
	if (x->case_ix != y->case_ix)
		return x->case_ix < y->case_ix ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/*
 * After the readings: out-of-order cases derived from the rows kept, the disagreement notes made
 * in case order, and every case's departments laid out one case after another
 * (model.case_depts).
 */
static int by_case_then_touchpoint(const void *a, const void *b)
{
	const struct case_failure *x = a, *y = b;
	if (x->case_ix != y->case_ix)
		return x->case_ix < y->case_ix ? -1 : 1;
	return (x->touchpoint > y->touchpoint) - (x->touchpoint < y->touchpoint);
}

/* The failure-demand rows counted by case and touchpoint, into model.case_failures. */
static void count_failures(struct model *m, struct state *st)
{
	if (!st->nfail)
		return;
	qsort(st->fail, st->nfail, sizeof *st->fail, by_case_then_touchpoint);
	size_t n = 0;
	for (size_t i = 0; i < st->nfail; i++) {
		if (n && st->fail[n - 1].case_ix == st->fail[i].case_ix &&
		    st->fail[n - 1].touchpoint == st->fail[i].touchpoint)
			st->fail[n - 1].rows++;
		else
			st->fail[n++] = st->fail[i];
	}
	m->case_failures = xreallocarray(st->fail, n, sizeof *m->case_failures);
	m->ncase_failures = n;
	st->fail = NULL;
	st->nfail = st->capfail = 0;
}

static void finish(struct reader *r, struct state *st)
{
	count_failures(r->m, st);
	struct model *m = r->m;
	size_t nc = m->ncases;
	/* The kept rows grouped by case, where read_again counted them (there are none when every
	 * case was in order); the scatter keeps file order within a case. */
	const uint32_t *start = st->start;
	struct event *by_case = NULL;
	if (st->nev) {
		by_case = xreallocarray(NULL, st->nev, sizeof *by_case);
		uint32_t *fill = xreallocarray(NULL, nc, sizeof *fill);
		memcpy(fill, start, nc * sizeof *fill);
		for (size_t i = 0; i < st->nev; i++)
			by_case[fill[st->ev[i].case_ix]++] = st->ev[i];
		free(fill);
		free(st->ev);
		st->ev = NULL;
	}

	/* The disagreeing rows by case, then line: the first of a case's is the earliest in the
	 * file, the one its note names. */
	struct differ *d = xreallocarray(NULL, st->ndiff ? st->ndiff : 1, sizeof *d);
	if (st->ndiff) {
		memcpy(d, st->diff, st->ndiff * sizeof *d);
		qsort(d, st->ndiff, sizeof *d, by_case_then_line);
	}

	for (size_t ix = 0, di = 0; ix < nc; ix++) {
		struct bp_case *k = &m->cases[ix];
		size_t nd = 0;
		while (di + nd < st->ndiff && d[di + nd].case_ix == ix)
			nd++;
		if (st->last_ts[ix] == OUT_OF_ORDER) {
			derive_out_of_order(r, st, ix, by_case + start[ix],
			                    start[ix + 1] - start[ix]);
		} else if (nd) {
			sym first[3] = {k->journey, k->customer, k->region};
			sym wv[3] = {d[di].journey, d[di].customer, d[di].region};
			note_disagreement(r, ix, first, first_line(st, (uint32_t)ix, k), nd,
			                  d[di].line, wv);
		}
		di += nd;
	}
	free(d);
	free(by_case);
	free(st->last_ts);
	st->last_ts = NULL;

	m->case_depts = xreallocarray(NULL, st->nlinks ? st->nlinks : 1, sizeof *m->case_depts);
	m->ncase_depts = 0;
	for (size_t ix = 0; ix < nc; ix++) {
		struct bp_case *k = &m->cases[ix];
		uint32_t link = k->dept_off;
		k->dept_off = (uint32_t)m->ncase_depts;
		k->ndepts = 0;
		for (; link != NO_LINK; link = st->links[link].next) {
			uint32_t what = st->links[link].what;
			if (what & LINK_FAILURES) {
				m->case_depts[m->ncase_depts - 1].failures = what & ~LINK_FAILURES;
			} else {
				m->case_depts[m->ncase_depts++] =
				    (struct case_dept){what, 0, st->links[link].contacts};
				k->ndepts++;
			}
		}
	}
}

/* Whether path is still the file the first reading read (same file, size and modification
 * time); before is NULL when it could not be looked at then. */
static bool same_file(const char *path, const struct stat *before)
{
	struct stat now;
	return before && stat(path, &now) == 0 && now.st_size == before->st_size &&
	       now.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	       now.st_mtim.tv_nsec == before->st_mtim.tv_nsec && now.st_ino == before->st_ino;
}

/*
 * The second reading, for out-of-order cases, of the lines before keep_from: the same rows,
 * checked the same way, their rejections and notes already made by the first (they go to a
 * scratch record, discarded). Leaves every row of out-of-order cases in st->ev, in file order.
 * Returns 0, or BP_ERR_INPUT when the file is no longer what the first reading read.
 */
static enum bp_err read_again(struct reader *r, struct state *st, const struct stat *before)
{
	struct model *m = r->m;
	struct dq *record = m->dq;
	int file = r->file;
	m->dq = dq_new();
	st->second = true;
	for (int i = 0; i < 2; i++)
		st->memo[i].valid = false;
	st->memo_channel = 0;
	enum bp_err rc = reader_run(r, r->cfg->journeys);
	dq_free(m->dq);
	m->dq = record;
	r->file = file;
	r->name = record->files[file].name;
	if (rc)
		return rc;
	/* The rows of out-of-order cases in file order: the second reading's, then those kept from
	 * keep_from on (filtered in place). */
	size_t n = 0;
	for (size_t i = 0; i < st->nkept; i++)
		if (st->last_ts[st->kept[i].case_ix] == OUT_OF_ORDER)
			st->kept[n++] = st->kept[i];
	st->kept = xreallocarray(st->kept, st->nev + n ? st->nev + n : 1, sizeof *st->kept);
	if (st->nev) {
		memmove(st->kept + st->nev, st->kept, n * sizeof *st->kept);
		memcpy(st->kept, st->ev, st->nev * sizeof *st->kept);
	}
	free(st->ev);
	st->ev = st->kept;
	st->nev += n;
	st->cap = st->nev;
	st->kept = NULL;
	st->nkept = st->capkept = 0;

	/* Where each case's rows will be once grouped; every row the first reading counted in an
	 * out-of-order case must be there, and no other. */
	size_t nc = m->ncases;
	st->start = xcalloc(nc + 1, sizeof *st->start);
	for (size_t i = 0; i < st->nev; i++)
		st->start[st->ev[i].case_ix + 1]++;
	bool changed = st->changed || !same_file(r->cfg->journeys, before);
	for (size_t ix = 0; ix < nc && !changed; ix++)
		changed =
		    st->last_ts[ix] == OUT_OF_ORDER && st->start[ix + 1] != m->cases[ix].contacts;
	for (size_t ix = 0; ix < nc; ix++)
		st->start[ix + 1] += st->start[ix];
	if (changed) {
		diag_msg(DIAG_ERROR, r->name, 0, 0,
		         "the file changed while it was being read (its rows are read twice when "
		         "some case's rows are not in time order); run boardpack again once it is "
		         "complete");
		return BP_ERR_INPUT;
	}
	return BP_OK;
}

/*
 * Told of a line 16 lines before it is read (csvin_opts.ahead): asks for the slots of its case
 * and customer ids; for the records of the ids of the line told of AHEAD_RECORD lines before,
 * whose slots have arrived by now; and for the state of the case of the line told of AHEAD_CASE
 * lines before, whose record has. On a log not grouped by case nearly every id is looked up at
 * a place of the tables not in the cache; so the misses of several rows overlap instead of
 * following one another.
 */
static void ahead_line(void *actx, const char *s, size_t len, unsigned char delim, const void *prep)
{
	struct reader *r = actx;
	struct state *st = r->ctx;
	/* a log in time or case order with tables this small stays in the cache: the hints
	 * would cost more than they save; out of order, the rows reach the whole tables */
	if (st->second || r->col[C_CASE] < 0 ||
	    (intern_count(r->m->ids) < AHEAD_FROM && st->out_of_order < AHEAD_DISORDER))
		return;
	if (len && s[len - 1] == '\n')
		len--;
	unsigned now = st->ahead_n++;
	if (now >= AHEAD_CASE) { /* its record has arrived: the case's own state */
		sym id = intern_prefetch(r->m->ids,
		                         st->ahead_hash[(now - AHEAD_CASE) % AHEAD_RING][0], 2);
		if (id && id - 1 < r->m->ncases) {
			__builtin_prefetch(&r->m->cases[id - 1]);
			__builtin_prefetch(&st->last_ts[id - 1]);
		}
	}
	if (now >= AHEAD_RECORD) { /* its slot has arrived: the string's record */
		const uint32_t *h = st->ahead_hash[(now - AHEAD_RECORD) % AHEAD_RING];
		intern_prefetch(r->m->ids, h[0], 1);
		intern_prefetch(r->m->names, h[1], 1);
	}
	uint32_t *slot = st->ahead_hash[now % AHEAD_RING];
	if (prep) { /* hashed in the parser's thread */
		const struct prepped *p = prep;
		slot[0] = p->hash[0];
		slot[1] = r->col[C_CUSTOMER] >= 0 ? p->hash[1] : 0;
		intern_prefetch(r->m->ids, slot[0], 0);
		intern_prefetch(r->m->names, slot[1], 0);
		return;
	}
	const char *f;
	size_t n;
	slot[0] = reader_hint_field(s, len, delim, r->col[C_CASE], &f, &n) ? intern_hash(f, n) : 0;
	intern_prefetch(r->m->ids, slot[0], 0);
	slot[1] =
	    r->col[C_CUSTOMER] >= 0 && reader_hint_field(s, len, delim, r->col[C_CUSTOMER], &f, &n)
	        ? intern_hash(f, n)
	        : 0;
	intern_prefetch(r->m->names, slot[1], 0);
}

enum bp_err events_read(const struct config *c, struct model *m)
{
	struct state st = {.next_look = SIZE_FIRST_LOOK};
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_JOURNEYS,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row,
	                   .ctx = &st,
	                   .ahead = ahead_line,
	                   .prep = prep_row,
	                   .prep_ctx = (void *)c,
	                   .prep_size = sizeof(struct prepped)};
	r.ahead_ctx = &r;
	st.stretch = xreallocarray(NULL, STRETCH_MAX, sizeof *st.stretch);
	/* the file as the first reading found it, for the readings after it */
	m->journeys_stat_known = stat(c->journeys, &m->journeys_stat) == 0;
	enum bp_err rc = reader_run(&r, c->journeys);
	if (rc == 0)
		reader_note_defaults(&r);
	st.line = UINT32_MAX; /* after the last row: were it out of order, no row is to be kept */
	flush_stretch(&st, m);
	if (rc == 0 && st.out_of_order)
		rc = read_again(&r, &st, m->journeys_stat_known ? &m->journeys_stat : NULL);
	if (rc == 0)
		finish(&r, &st);
	if (rc == 0 && m->channels_dropped)
		dq_note_in(
		    m->dq, r.file, 0, DQ_EVERY_PACK, NULL, "too many channels",
		    "%zu rows name a channel past the first %d distinct ones: a case whose first "
		    "or last row is one of them has that channel left empty on the workbook's "
		    "Cases sheet; every figure still counts the rows",
		    m->channels_dropped, MODEL_CHANNELS_MAX);
	free(st.stretch);
	free(st.kept);
	free(st.last_ts);
	free(st.firsts);
	free(st.links);
	free(st.ev);
	free(st.start);
	free(st.diff);
	free(st.fail);
	return rc;
}

/* The second reading for stories: the rows of the cases wanted. */
/*
 * The story cases' ids, for csvin to skip, unparsed, the lines of other cases: most of the
 * file. The filter runs in the parser's thread; it knows the case id's column once the main
 * thread has read the header (col, -1 until then: every line is parsed).
 */
struct story_filter {
	atomic_int col;
	struct {
		const char *s;
		size_t n;
	} * slot;
	size_t nslots; /* a power of two, at most half full */
};

static void story_filter_add(struct story_filter *sf, const char *s, size_t n)
{
	size_t i = intern_hash(s, n) & (sf->nslots - 1);
	while (sf->slot[i].s && !(sf->slot[i].n == n && memcmp(sf->slot[i].s, s, n) == 0))
		i = (i + 1) & (sf->nslots - 1);
	sf->slot[i].s = s;
	sf->slot[i].n = n;
}

static bool story_line_wanted(void *fctx, const char *s, size_t len, unsigned char delim)
{
	struct story_filter *sf = fctx;
	int col = atomic_load_explicit(&sf->col, memory_order_acquire);
	if (col < 0)
		return true;
	const char *p;
	size_t n;
	if (!csvin_line_field(s, len, delim, col, &p, &n))
		return true; /* too few fields, or a line libcsv splits: read as ever */
	/* blank (a default may apply) or with spaces the reader trims: parsed as ever */
	if (!n || p[0] == ' ' || p[0] == '\t' || p[n - 1] == ' ' || p[n - 1] == '\t')
		return true;
	for (size_t i = intern_hash(p, n) & (sf->nslots - 1); sf->slot[i].s;
	     i = (i + 1) & (sf->nslots - 1))
		if (sf->slot[i].n == n && memcmp(sf->slot[i].s, p, n) == 0)
			return true;
	return false;
}

struct story_state {
	const unsigned char *want; /* by case index */
	struct story_row *rows;
	size_t n, cap;
	struct story_filter *filter;
	/* each row's touchpoint, department and channel, each as its length (uint32_t) and bytes:
	 * interned once the reading is over (story_names), since two readings may run at once */
	struct strbuf texts;
};

static void keep_text(struct strbuf *b, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;
	strbuf_append(b, (const char *)&len, sizeof len);
	strbuf_append(b, s, n);
}

static void on_story_row(struct reader *r, const struct csvin_record *rec)
{
	struct story_state *ss = r->ctx;
	struct model *m = r->m;
	if (atomic_load_explicit(&ss->filter->col, memory_order_relaxed) < 0 && r->col[C_CASE] >= 0)
		atomic_store_explicit(&ss->filter->col, r->col[C_CASE], memory_order_release);
	size_t n;
	const char *id = reader_field(r, rec, C_CASE, &n);
	sym s = n ? intern_find(m->ids, id, n) : 0;
	if (!s || s > m->ncases || !ss->want[s - 1])
		return;
	struct row w;
	if (!parse_row(r, rec, &w))
		return;
	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? 2 * ss->cap : 64;
		ss->rows = xreallocarray(ss->rows, ss->cap, sizeof *ss->rows);
	}
	ss->rows[ss->n++] = (struct story_row){.case_ix = s - 1,
	                                       .line = (uint32_t)rec->line,
	                                       .ts = w.ts,
	                                       .failure = w.failure,
	                                       .outcome = (uint8_t)w.outcome};
	keep_text(&ss->texts, w.f[C_TOUCHPOINT], w.n[C_TOUCHPOINT]);
	keep_text(&ss->texts, w.f[C_DEPT], w.n[C_DEPT]);
	keep_text(&ss->texts, w.f[C_CHANNEL], w.n[C_CHANNEL]);
}

/* Gives rows[0..n) their touchpoint, department and channel from texts, in the rows' order. */
static void story_names(struct model *m, struct story_row *rows, size_t n,
                        const struct strbuf *texts)
{
	const char *p = texts->s;
	for (size_t i = 0; i < n; i++) {
		sym got[3];
		for (int k = 0; k < 3; k++) {
			uint32_t len;
			memcpy(&len, p, sizeof len);
			got[k] = intern_add(m->names, p + sizeof len, len);
			p += sizeof len + len;
		}
		rows[i].touchpoint = got[0];
		rows[i].dept = got[1];
		rows[i].channel = got[2];
	}
}

/* One of the two parts of the stories' reading: a reader of its own, into a copy of the model
 * with a data-quality record of its own (thrown away). */
struct story_part {
	struct reader r;
	struct story_state ss;
	struct model m;
	enum bp_err rc;
};

static void *story_part_run(void *arg)
{
	struct story_part *sp = arg;
	sp->rc = reader_run(&sp->r, sp->r.cfg->journeys);
	return NULL;
}

/* The stories' reading is split in two parts read at once from this many bytes on. */
#define STORIES_SPLIT_FROM CSVIN_THREAD_FROM

/*
 * Where the part to read, from byte from of a file of size bytes, is split in two for the two
 * cores: the mark nearest its middle, or NULL when it is too small to split or there is one
 * core.
 */
static const struct line_mark *story_split(const struct model *m, size_t from, size_t size)
{
	if (size <= from || size - from < STORIES_SPLIT_FROM || !csvin_several_cpus())
		return NULL;
	size_t middle = from + (size - from) / 2;
	const struct line_mark *best = NULL;
	for (size_t i = 0; i < m->njourney_marks; i++) {
		const struct line_mark *k = &m->journey_marks[i];
		if (k->at <= from || k->at >= size)
			continue;
		size_t d = k->at > middle ? k->at - middle : middle - k->at;
		if (!best || d < (best->at > middle ? best->at - middle : middle - best->at))
			best = k;
	}
	return best;
}

static int by_case_time_line(const void *a, const void *b)
{
	const struct story_row *x = a, *y = b;
	if (x->case_ix != y->case_ix)
		return x->case_ix < y->case_ix ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

enum bp_err events_read_stories(const struct config *c, struct model *m, const uint32_t *cases,
                                size_t n, bool two_parts)
{
	if (!c->journeys || !n)
		return BP_OK;
	unsigned char *want = xcalloc(m->ncases + 1, 1);
	struct story_filter sf = {.nslots = 16};
	while (sf.nslots < 2 * n)
		sf.nslots *= 2;
	sf.slot = xcalloc(sf.nslots, sizeof *sf.slot);
	atomic_init(&sf.col, -1);
	for (size_t i = 0; i < n; i++)
		if (cases[i] < m->ncases) {
			want[cases[i]] = 1;
			story_filter_add(&sf, model_case_id(m, cases[i]),
			                 intern_len(m->ids, (sym)cases[i] + 1));
		}
	struct story_part part[2];
	memset(part, 0, sizeof part);
	for (int i = 0; i < 2; i++) {
		part[i].ss = (struct story_state){.want = want, .filter = &sf};
		part[i].r = (struct reader){.cfg = c,
		                            .m = m,
		                            .kind = INPUT_JOURNEYS,
		                            .columns = columns,
		                            .required = required,
		                            .row = on_story_row,
		                            .ctx = &part[i].ss,
		                            .filter = story_line_wanted,
		                            .filter_ctx = &sf,
		                            .tables_fixed = true};
	}
	struct reader *r = &part[0].r;
	/* every row of a case is on its first row's line or after: the reading goes on from the
	 * last mark before the earliest of them (in a log in time or case order, the stories'
	 * cases are among the last: most of the file is not read again), if the file is the one
	 * read */
	uint32_t first = UINT32_MAX;
	for (size_t i = 0; i < n; i++)
		if (cases[i] < m->ncases && m->cases[cases[i]].line < first)
			first = m->cases[cases[i]].line;
	const struct line_mark *mark = NULL, *split = NULL;
	for (size_t i = 0; i < m->njourney_marks && m->journey_marks[i].line <= first; i++)
		mark = &m->journey_marks[i];
	if (m->journeys_stat_known && same_file(c->journeys, &m->journeys_stat)) {
		if (mark) {
			r->start_at = mark->at;
			r->start_line = mark->line;
		}
		/* a long part (a log not in time order): its two halves on the two cores */
		if (two_parts)
			split = story_split(m, r->start_at, (size_t)m->journeys_stat.st_size);
	}
	/* its rows were counted, and its rejections made, by the first reading */
	struct dq *record = m->dq;
	m->dq = dq_new();
	pthread_t thread;
	bool two = false;
	if (split) {
		r->stop_at = split->at;
		part[1].m = *m; /* only looked into, but for its data-quality record */
		part[1].m.dq = dq_new();
		part[1].r.m = &part[1].m;
		part[1].r.start_at = split->at;
		part[1].r.start_line = split->line;
		two = pthread_create(&thread, NULL, story_part_run, &part[1]) == 0;
		if (!two) { /* read the whole part here */
			r->stop_at = 0;
			dq_free(part[1].m.dq);
		}
	}
	enum bp_err rc = reader_run(r, c->journeys);
	if (two) {
		pthread_join(thread, NULL);
		dq_free(part[1].m.dq);
		if (!rc)
			rc = part[1].rc;
	}
	dq_free(m->dq);
	m->dq = record;
	free(want);
	free(sf.slot);
	/* the rows in file order, the first part's then the second's, named in that order */
	struct story_state ss = part[0].ss;
	struct story_state *more = &part[1].ss;
	if (two && more->n) {
		ss.rows = xreallocarray(ss.rows, ss.n + more->n, sizeof *ss.rows);
		memcpy(ss.rows + ss.n, more->rows, more->n * sizeof *ss.rows);
		ss.n += more->n;
		strbuf_append(&ss.texts, more->texts.s, more->texts.len);
	}
	free(more->rows);
	strbuf_free(&more->texts);
	if (rc) {
		free(ss.rows);
		strbuf_free(&ss.texts);
		return rc;
	}
	story_names(m, ss.rows, ss.n, &ss.texts);
	strbuf_free(&ss.texts);
	if (ss.n)
		qsort(ss.rows, ss.n, sizeof *ss.rows, by_case_time_line);
	free(m->story_rows);
	m->story_rows = ss.rows;
	m->nstory_rows = ss.n;
	return BP_OK;
}
