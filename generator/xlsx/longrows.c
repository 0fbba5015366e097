/*
 * longrows: the long tables, Cases, Touches and Customers, a row per case, per case and
 * department, per customer: millions of cells, written as the sheets' XML rows by this file
 * (libxlsxwriter writes their header rows and tables), each table continued on further sheets
 * past Excel's row limit.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/copy.h"
#include "util/format.h"
#include "util/xmem.h"
#include "xlsx/book.h"
#include "xlsx/xlsx.h"
#include "xlsx/xlsxzip.h"
#include "xlsx/zpar.h"

#define ROWS_MAX (SHEET_ROWS - 1) /* data rows of a long table's sheet, under its header */
#define ROWS_ZLEVEL 3             /* zlib level of the parts around the long sheets' rows */

/* The columns of the long tables (Cases, Touches, Customers): written from the rows of the
 * source, in this order (put_case, put_customer). */
enum case_field {
	CC_CASE,
	CC_JOURNEY,
	CC_GOAL,
	CC_PERIOD,
	CC_OUTCOME,
	CC_SCO,
	CC_START,
	CC_END,
	CC_DAYS,
	CC_PROMISE,
	CC_WITHIN,
	CC_CONTACTS,
	CC_FAILURES,
	CC_HANDOFFS,
	CC_FIRST_CHANNEL,
	CC_LAST_CHANNEL,
	CC_REGION,
	CC_CUSTOMER,
	CC_SEGMENT,
	CC_VALUE,
	CC_LEFT,
	CC_LEFT_WITHIN,
	CC_DEPTS
};
static const struct col case_cols[] = {
    {"Case", CC_CASE, K_TEXT, NULL, "The case's identifier."},
    {"Journey", CC_JOURNEY, K_TEXT, NULL, "The case's journey."},
    {"Goal", CC_GOAL, K_TEXT, NULL, "The life goal the journey serves."},
    {"Period concluded", CC_PERIOD, K_TEXT, NULL,
     "The period the case concluded in (its end's period); empty while open at the report "
     "period's end. The sheet lists the cases concluded in every period of the trend window and "
     "those open at the end of the report period."},
    {"Outcome", CC_OUTCOME, K_TEXT, NULL,
     "achieved, failed, abandoned, or open at the report period's end."},
    {"SCO", CC_SCO, K_BOOL, NULL,
     "TRUE for a successful customer outcome (achieved, within the promise when one is set, with "
     "no more failure contacts than allowed), FALSE for an unsuccessful one; empty while open."},
    {"Start", CC_START, K_TIME, NULL, "When the case started (UTC)."},
    {"End", CC_END, K_TIME, NULL, "When the case ended (UTC); empty while it is open."},
    {"Days", CC_DAYS, K_DAYS, NULL, "Days from start to end; empty while open."},
    {"Promise days", CC_PROMISE, K_NUM, NULL,
     "The journey's promise: days within which the customer expects the outcome; empty when none "
     "is set."},
    {"Within promise", CC_WITHIN, K_BOOL, NULL,
     "TRUE when Days is at most Promise days; empty while open or when no promise is set."},
    {"Contacts", CC_CONTACTS, K_INT, NULL,
     "The case's rows in the event log: every touchpoint, back-office ones included, not only "
     "the customer's own contacts (data-contract.md: contacts = its rows)."},
    {"Failure contacts", CC_FAILURES, K_INT, NULL,
     "The case's failure-demand rows (a failure to do something or do it right)."},
    {"Hand-offs", CC_HANDOFFS, K_INT, NULL, "Hand-offs between departments in the case."},
    {"First channel", CC_FIRST_CHANNEL, K_TEXT, NULL,
     "The channel of the case's first row (in time order); empty when that row gives none."},
    {"Last channel", CC_LAST_CHANNEL, K_TEXT, NULL,
     "The channel of the case's last row (in time order); empty when that row gives none."},
    {"Region", CC_REGION, K_TEXT, NULL, "The case's region; empty when none."},
    {"Customer", CC_CUSTOMER, K_TEXT, NULL, "The customer's identifier; empty when unknown."},
    {"Segment", CC_SEGMENT, K_TEXT, NULL,
     "The customer's segment (customers file); empty when the customer is not in it."},
    {"Annual value", CC_VALUE, K_MONEY, NULL,
     "The customer's annual value (customers file); empty when the customer is not in it (or, in "
     "a regional pack, belongs to another region)."},
    {"Left", CC_LEFT, K_DATE, NULL, "The date the customer left; empty while still a customer."},
    {"Left within window", CC_LEFT_WITHIN, K_BOOL, NULL,
     "TRUE when the customer left on or after the case end's date and at most the churn window's "
     "days after it (Settings); empty while open or when the customer is not known. Customers "
     "lost = distinct customers of unsuccessful cases with TRUE here."},
    {"Departments", CC_DEPTS, K_TEXT, NULL,
     "The departments the case passed through, separated by \"; \" (one row each on the Touches "
     "sheet)."},
};
enum touch_field {
	TC_CASE,
	TC_JOURNEY,
	TC_PERIOD,
	TC_SCO,
	TC_DEPARTMENT,
	TC_CONTACTS,
	TC_FAILURES
};
static const struct col touch_cols[] = {
    {"Case", TC_CASE, K_TEXT, NULL, "The case's identifier (a row of the Cases sheet)."},
    {"Journey", TC_JOURNEY, K_TEXT, NULL, "The case's journey (as on the Cases sheet)."},
    {"Period concluded", TC_PERIOD, K_TEXT, NULL,
     "The period the case concluded in; empty while open (as on the Cases sheet)."},
    {"SCO", TC_SCO, K_BOOL, NULL, "The case's SCO (as on the Cases sheet); empty while open."},
    {"Department", TC_DEPARTMENT, K_TEXT, NULL,
     "A department the case passed through: one row per case and department."},
    {"Contacts", TC_CONTACTS, K_INT, NULL,
     "The case's rows that the department handled (summed over a case's departments: the "
     "case's Contacts); empty when the input gives departments only (a cases file)."},
    {"Failure contacts", TC_FAILURES, K_INT, NULL,
     "Failure-demand rows the department handled in the case. Summed over the cases concluded "
     "in the period: the department's failure contacts; counted: its cases touched, and the "
     "heat map."},
};
enum customer_field { CU_CUSTOMER, CU_SEGMENT, CU_REGION, CU_VALUE, CU_JOINED, CU_LEFT };
static const struct col customer_cols[] = {
    {"Customer", CU_CUSTOMER, K_TEXT, NULL, "The customer's identifier."},
    {"Segment", CU_SEGMENT, K_TEXT, NULL, "The customer's segment; empty when none."},
    {"Region", CU_REGION, K_TEXT, NULL, "The customer's region; empty when none."},
    {"Annual value", CU_VALUE, K_MONEY, NULL, "The customer's annual value."},
    {"Joined", CU_JOINED, K_DATE, NULL, "The date the customer joined; empty when unknown."},
    {"Left", CU_LEFT, K_DATE, NULL, "The date the customer left; empty while still a customer."},
};

/* ---- the rows as XML ----------------------------------------------------- */

/*
 * The long tables' rows. libxlsxwriter keeps every cell of a sheet in
 * memory unless the whole workbook is in constant_memory mode, and formats
 * each cell on its own; a long table's millions of cells are therefore
 * written here instead, as the sheet's XML, compressed in chunks by worker
 * threads (zpar.h) into a temporary file, and put into libxlsxwriter's
 * finished workbook, after its header row, by xlsxzip.c. Cells carry no
 * reference (`r`) but after a gap: a cell without one is the next column,
 * and unique references would make the XML a third longer and half as
 * compressible. Texts are inline strings; a repeated one (a journey, a
 * period, a department) is cleaned and escaped once (struct textcache).
 */
struct rowbuf {
	char *s;
	size_t len, cap;
};

static __attribute__((noinline)) char *rb_grow(struct rowbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	b->s = xreallocarray(b->s, cap, 1);
	b->cap = cap;
	return b->s + b->len;
}

/* Room for n more bytes at the end of b (called for every piece of every cell: the check
 * inline, the growing not). */
static inline char *rb_room(struct rowbuf *b, size_t n)
{
	return b->cap - b->len >= n ? b->s + b->len : rb_grow(b, n);
}

static inline void rb_put(struct rowbuf *b, const char *s, size_t n)
{
	char *d = rb_room(b, n);
	if (__builtin_constant_p(n))
		memcpy(d, s, n);
	else
		copy_short(d, s, n);
	b->len += n;
}

#define RB_LIT(b, lit) rb_put((b), (lit), sizeof(lit) - 1)

static int count_digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* v in decimal; returns its digits. */
static size_t rb_uint(struct rowbuf *b, uint64_t v)
{
	size_t n = format_u64(rb_room(b, 24), v);
	b->len += n;
	return n;
}

/* num / den (den > 0) as a decimal of 16 significant digits (format_ratio16). */
static void rb_ratio(struct rowbuf *b, uint64_t num, uint64_t den)
{
	b->len += format_ratio16(rb_room(b, FORMAT_RATIO16_MAX), num, den);
}

/* A cleaned, escaped text as a cell's inline string, kept for the texts that repeat. */
struct cached_text {
	char *key; /* the text as given */
	char *xml; /* `<is><t>...</t></is></c>` */
	size_t xmllen;
	long chars;
	uint64_t hash;
};

#define TEXTCACHE_MAX 65536 /* distinct texts kept; the others are cleaned each time */

static uint64_t text_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

void textcache_free(struct textcache *tc)
{
	for (size_t i = 0; i < tc->cap; i++) {
		free(tc->slot[i].key);
		free(tc->slot[i].xml);
	}
	free(tc->slot);
	if (tc->scratch)
		free(tc->scratch->s);
	free(tc->scratch);
	*tc = (struct textcache){0};
}

/* An inline string's text around it, kept when it begins or ends with a space, and the cell's
 * end (rb_inline, rb_plain). */
#define INLINE_OPEN "<is><t>"
#define INLINE_OPEN_PAD "<is><t xml:space=\"preserve\">"
#define INLINE_CLOSE "</t></is></c>"

/* s escaped for XML as an inline string's text (s is clean: valid UTF-8, no forbidden
 * character), with the cell's end. */
static void rb_inline(struct rowbuf *b, const char *s, size_t n)
{
	bool pad = n && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]));
	if (pad)
		RB_LIT(b, INLINE_OPEN_PAD);
	else
		RB_LIT(b, INLINE_OPEN);
	const char *p = s, *end = s + n;
	while (p < end) {
		size_t k = strcspn(p, "&<>");
		if (k > (size_t)(end - p))
			k = (size_t)(end - p);
		rb_put(b, p, k);
		p += k;
		if (p >= end)
			break;
		if (*p == '&')
			RB_LIT(b, "&amp;");
		else if (*p == '<')
			RB_LIT(b, "&lt;");
		else
			RB_LIT(b, "&gt;");
		p++;
	}
	RB_LIT(b, INLINE_CLOSE);
}

/* A long sheet's rows, written straight into the stream's chunk (zpar_fill_take), handed over
 * when a row ends past a chunk's length. */
struct rowsink {
	struct zpar *z;
	struct rowbuf buf; /* the stream's buffer while it is filled; s NULL once finished */
	lxw_row_t row;      /* the open row (0: none; rows here start at 1, under the header) */
	long col;           /* the last cell's column in it; -1 before the first */
	lxw_row_t last_row; /* the last row with a cell */
	lxw_col_t last_col; /* the rightmost column with a cell */
	int err;            /* the stream's first failure (an errno value) */
};

static void sink_end_row(struct rowsink *k)
{
	if (!k->row)
		return;
	RB_LIT(&k->buf, "</row>");
	k->row = 0;
	if (k->buf.len >= ZPAR_CHUNK) { /* a chunk's worth: handed over, the rest kept */
		zpar_fill_put(k->z, (unsigned char *)k->buf.s, k->buf.len, k->buf.cap);
		k->buf.s = (char *)zpar_fill_take(k->z, &k->buf.len, &k->buf.cap);
	}
}

/* An inline string cell's type. */
static const struct cell_attr inline_attr = {" t=\"inlineStr\">", 15};

/* sink_cell of the first cell of a row, or of a cell after a gap. */
static __attribute__((noinline)) void sink_cell_new(struct rowsink *k, lxw_row_t r, lxw_col_t c,
                                                    const struct cell_attr *a)
{
	struct rowbuf *b = &k->buf;
	if (r != k->row) {
		sink_end_row(k);
		RB_LIT(b, "<row r=\"");
		rb_uint(b, (uint64_t)r + 1);
		RB_LIT(b, "\">");
		k->row = r;
		k->col = -1;
		k->last_row = r;
	}
	if ((long)c == k->col + 1) {
		char *p = rb_room(b, 2 + CELL_ATTR_MAX);
		p[0] = '<';
		p[1] = 'c';
		memcpy(p + 2, a->s, CELL_ATTR_MAX);
		b->len += 2 + a->n;
	} else {
		char name[16];
		lxw_col_to_name(name, c, LXW_FALSE);
		RB_LIT(b, "<c r=\"");
		rb_put(b, name, strlen(name));
		rb_uint(b, (uint64_t)r + 1);
		rb_put(b, "\"", 1);
		rb_put(b, a->s, a->n);
	}
	k->col = c;
	if (c > k->last_col)
		k->last_col = c;
}

/* Opens cell (r, c) up to its type: `<c` with a reference after a gap, and a's attributes. The
 * next cell of the open row inline (most cells), the others not. */
static inline void sink_cell(struct rowsink *k, lxw_row_t r, lxw_col_t c, const struct cell_attr *a)
{
	if (r != k->row || (long)c != k->col + 1) {
		sink_cell_new(k, r, c, a);
		return;
	}
	struct rowbuf *b = &k->buf;
	char *p = rb_room(b, 2 + CELL_ATTR_MAX);
	p[0] = '<';
	p[1] = 'c';
	memcpy(p + 2, a->s, CELL_ATTR_MAX);
	b->len += 2 + a->n;
	k->col = c;
	if (c > k->last_col)
		k->last_col = c;
}

/* ---- cells --------------------------------------------------------------- */

/* The bytes a text may hold to be written as it is: printable ASCII but the underscore (as
 * plain_ascii) and what XML escapes. */
static const bool xml_plain[256] = {
    [' '] = 1, ['!'] = 1,  ['"'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['\''] = 1, ['('] = 1,
    [')'] = 1, ['*'] = 1,  ['+'] = 1, [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1,  ['0'] = 1,
    ['1'] = 1, ['2'] = 1,  ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,  ['8'] = 1,
    ['9'] = 1, [':'] = 1,  [';'] = 1, ['='] = 1, ['?'] = 1, ['@'] = 1, ['A'] = 1,  ['B'] = 1,
    ['C'] = 1, ['D'] = 1,  ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,  ['J'] = 1,
    ['K'] = 1, ['L'] = 1,  ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1,  ['R'] = 1,
    ['S'] = 1, ['T'] = 1,  ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,  ['Z'] = 1,
    ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1, ['`'] = 1, ['a'] = 1, ['b'] = 1,  ['c'] = 1,
    ['d'] = 1, ['e'] = 1,  ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,  ['k'] = 1,
    ['l'] = 1, ['m'] = 1,  ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,  ['s'] = 1,
    ['t'] = 1, ['u'] = 1,  ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,  ['{'] = 1,
    ['|'] = 1, ['}'] = 1,  ['~'] = 1};

/* Whether s[0..n) is written as it is in an inline string (xml_plain). */
static bool plain_xml(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned all = 1;
	for (size_t i = 0; i < n; i++)
		all &= xml_plain[p[i]];
	return all;
}

/* A plain text (plain_xml) as an inline string's text, with the cell's end: what rb_inline
 * writes of it, in one piece. */
static void rb_plain(struct rowbuf *b, const char *s, size_t n)
{
	static const char open[] = INLINE_OPEN, open_pad[] = INLINE_OPEN_PAD,
	                  close[] = INLINE_CLOSE;
	bool pad = s[0] == ' ' || s[n - 1] == ' '; /* the only space plain_xml lets through */
	size_t no = pad ? sizeof open_pad - 1 : sizeof open - 1;
	char *p = rb_room(b, sizeof open_pad - 1 + n + sizeof close - 1);
	if (pad)
		memcpy(p, open_pad, sizeof open_pad - 1);
	else
		memcpy(p, open, sizeof open - 1);
	copy_short(p + no, s, n);
	memcpy(p + no + n, close, sizeof close - 1);
	b->len += no + n + sizeof close - 1;
}

static void long_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s || !*s)
		return;
	size_t n = strlen(s);
	if (n <= (size_t)CELL_CHARS && plain_xml(s, n)) { /* most: an id */
		sink_cell(sh->sink, r, c, &inline_attr);
		rb_plain(&sh->sink->buf, s, n);
		measure(sh, c, (double)n);
		return;
	}
	long chars = (long)n;
	const char *t = s;
	if (n > (size_t)CELL_CHARS || !plain_ascii(s, n)) {
		char cell[LXW_MAX_CELL_NAME_LENGTH];
		lxw_rowcol_to_cell(cell, r, c);
		t = clean_text(x, s, CELL_CHARS, sh->name, cell, &chars);
		n = strlen(t);
		if (!n)
			return;
	}
	sink_cell(sh->sink, r, c, &inline_attr);
	rb_inline(&sh->sink->buf, t, n);
	measure(sh, c, (double)chars);
}

/* A cell of a text cleaned and escaped before. */
static void put_cached(struct sheet *sh, lxw_row_t r, lxw_col_t c, const struct cached_text *e)
{
	sink_cell(sh->sink, r, c, &inline_attr);
	rb_put(&sh->sink->buf, e->xml, e->xmllen);
	measure(sh, c, (double)e->chars);
}

/* A text that repeats down the table: cleaned and escaped the first time only. */
static void long_shared(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s || !*s)
		return;
	struct textcache *tc = &x->texts;
	size_t ri = ((uintptr_t)s >> 4 ^ (uintptr_t)s >> 10) & (TEXTCACHE_RECENT - 1);
	if (tc->recent[ri].at == s) {
		const struct cached_text *e = &tc->slot[tc->recent[ri].slot];
		if (strcmp(e->key, s) == 0) {
			put_cached(sh, r, c, e);
			return;
		}
	}
	size_t n = strlen(s);
	uint64_t h = text_hash(s, n);
	struct cached_text *e = NULL;
	if (tc->cap) {
		for (size_t i = (size_t)h & (tc->cap - 1);; i = (i + 1) & (tc->cap - 1)) {
			struct cached_text *t = &tc->slot[i];
			if (!t->key)
				break;
			if (t->hash == h && strcmp(t->key, s) == 0) {
				e = t;
				tc->recent[ri].at = s;
				tc->recent[ri].slot = i;
				break;
			}
		}
	}
	if (e) {
		put_cached(sh, r, c, e);
		return;
	}
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	lxw_rowcol_to_cell(cell, r, c);
	long chars;
	const char *t = clean_text(x, s, CELL_CHARS, sh->name, cell, &chars);
	if (t != s || tc->used >= TEXTCACHE_MAX) { /* a changed text is noted each time it is met */
		long_text(x, sh, r, c, s);
		return;
	}
	if ((tc->used + 1) * 2 > tc->cap) { /* grow, keeping the table at most half full */
		struct textcache old = *tc;
		tc->cap = old.cap ? old.cap * 2 : 64;
		tc->slot = xcalloc(tc->cap, sizeof *tc->slot);
		for (size_t i = 0; i < old.cap; i++) {
			if (!old.slot[i].key)
				continue;
			size_t j = (size_t)old.slot[i].hash & (tc->cap - 1);
			while (tc->slot[j].key)
				j = (j + 1) & (tc->cap - 1);
			tc->slot[j] = old.slot[i];
		}
		free(old.slot);
		memset(tc->recent, 0, sizeof tc->recent); /* the slots moved */
	}
	size_t j = (size_t)h & (tc->cap - 1);
	while (tc->slot[j].key)
		j = (j + 1) & (tc->cap - 1);
	/* made in the cache's scratch buffer and kept at its own length: in a buffer of its own
	 * (4 KiB at first), 65,536 texts (a department list a case) took 256 MiB a lane */
	if (!tc->scratch)
		tc->scratch = xcalloc(1, sizeof *tc->scratch);
	tc->scratch->len = 0;
	rb_inline(tc->scratch, s, n);
	char *xml = xmalloc(tc->scratch->len);
	memcpy(xml, tc->scratch->s, tc->scratch->len);
	tc->slot[j] = (struct cached_text){
	    .key = xstrdup(s), .xml = xml, .xmllen = tc->scratch->len, .chars = chars, .hash = h};
	tc->used++;
	put_cached(sh, r, c, &tc->slot[j]);
}

/* a as printf would write fmt and its style number (at most 15 characters and an int's 11: it
 * fits CELL_ATTR_MAX). */
static void set_attr(struct cell_attr *a, const char *fmt, int xf)
{
	memset(a->s, 0, sizeof a->s);
	a->n = (size_t)snprintf(a->s, sizeof a->s, fmt, xf);
}

/* The cell's style attribute and the end of its opening tag, for a number of kind k. */
static __attribute__((noinline)) void number_attrs_set(struct xw *x, enum kind k)
{
	int32_t xf = x->fmt[k] ? lxw_format_get_xf_index(x->fmt[k]) : 0;
	set_attr(&x->num_attr[k], xf > 0 ? " s=\"%d\"><v>" : "><v>", (int)xf);
}

static inline const struct cell_attr *number_attrs(struct xw *x, enum kind k)
{
	if (!x->num_attr[k].n)
		number_attrs_set(x, k);
	return &x->num_attr[k];
}

static void long_number(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                        double v)
{
	if (isnan(v) || isinf(v))
		return;
	sink_cell(sh->sink, r, c, number_attrs(x, k));
	struct rowbuf *b = &sh->sink->buf;
	bool whole = v >= 0 && v < 1e15 && (double)(uint64_t)v == v; /* v == floor(v) */
	int digits = 0;
	if (whole) {
		digits = (int)rb_uint(b, (uint64_t)v);
	} else {
		b->len += format_g16(rb_room(b, 32), v);
	}
	RB_LIT(b, "</v></c>");
	if ((k == K_INT || k == K_MONEY) && whole) { /* the digits just written, and separators */
		measure(sh, c,
		        (double)(digits + (digits - 1) / 3) +
		            (k == K_MONEY ? (double)x->money_chars : 0));
	} else if ((k == K_INT || k == K_MONEY) && fabs(v) < 1e15) {
		/* shown_width's digits of "%.0f" without printing: nearbyint rounds half to even,
		 * as printf does */
		int w = count_digits((uint64_t)nearbyint(fabs(v)));
		w += (w - 1) / 3 + (v < 0);
		measure(sh, c, (double)w + (k == K_MONEY ? (double)x->money_chars : 0));
	} else if (k == K_NUM && whole && v < 1e10) { /* "%.10g" prints its digits, no more */
		measure(sh, c, (double)digits);
	} else {
		measure(sh, c, shown_width(x, k, v));
	}
}

#define MS_PER_DAY 86400000ULL

static double excel_time(int64_t ms)
{
	return (double)ms / 86400000.0 + 25569.0;
}

/* An instant (ms since the epoch) as Excel's serial date and time. */
static void long_time(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, int64_t ms)
{
	if (ms < -(int64_t)(EPOCH_SERIAL * MS_PER_DAY)) {
		long_number(x, sh, r, c, K_TIME, excel_time(ms));
		return;
	}
	sink_cell(sh->sink, r, c, number_attrs(x, K_TIME));
	rb_ratio(&sh->sink->buf, (uint64_t)(ms + (int64_t)(EPOCH_SERIAL * MS_PER_DAY)), MS_PER_DAY);
	RB_LIT(&sh->sink->buf, "</v></c>");
	measure(sh, c, 16);
}

/* A duration of ms milliseconds (ms >= 0) in days. */
static void long_days(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, int64_t ms)
{
	if (ms < 0) {
		long_number(x, sh, r, c, K_DAYS, (double)ms / (double)MS_PER_DAY);
		return;
	}
	sink_cell(sh->sink, r, c, number_attrs(x, K_DAYS));
	rb_ratio(&sh->sink->buf, (uint64_t)ms, MS_PER_DAY);
	RB_LIT(&sh->sink->buf, "</v></c>");
	double v = (double)ms / (double)MS_PER_DAY;
	measure(sh, c, (double)count_digits((uint64_t)(v + 0.005)) + 3);
}

static void long_bool(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, int v)
{
	if (v < 0)
		return;
	sink_cell(sh->sink, r, c, &x->bool_attr);
	if (v)
		RB_LIT(&sh->sink->buf, "1</v></c>");
	else
		RB_LIT(&sh->sink->buf, "0</v></c>");
	measure(sh, c, 5);
}

/* ---- another sheet's rows, streamed (Data quality) ------------------------- */

/* The attributes of an inline string cell in format f (NULL: none), the last one asked for
 * kept. */
static const struct cell_attr *text_attrs(struct xw *x, lxw_format *f)
{
	if (!f)
		return &inline_attr;
	if (x->text_attr_fmt != f) {
		set_attr(&x->text_attr, " s=\"%d\" t=\"inlineStr\">",
		         (int)lxw_format_get_xf_index(f));
		x->text_attr_fmt = f;
	}
	return &x->text_attr;
}

/* put_text_quiet's cell, streamed: a text whose changes were noted beforehand (pre_note), in
 * format f. */
void stream_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                 lxw_format *f)
{
	if (!s)
		return;
	long chars;
	const char *t = clean_text(x, s, CELL_CHARS, NULL, NULL, &chars);
	size_t n = strlen(t);
	if (n) {
		sink_cell(sh->sink, r, c, text_attrs(x, f));
		rb_inline(&sh->sink->buf, t, n);
	}
	measure(sh, c, (double)chars);
}

/* put_value's cell of a number or of none (an empty cell in the kind's format), streamed. */
void stream_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                  struct val v)
{
	if (v.t == V_NUM) {
		long_number(x, sh, r, c, k, v.num);
		return;
	}
	if (v.t != V_NONE)
		abort(); /* a kind of value no streamed sheet has */
	if (!x->fmt[k])
		return; /* libxlsxwriter writes no empty cell without a format */
	struct cell_attr a;
	set_attr(&a, " s=\"%d\"/>", (int)lxw_format_get_xf_index(x->fmt[k]));
	sink_cell(sh->sink, r, c, &a);
}

/* The sheet's dimension made to reach row r and column c (cells libxlsxwriter wrote above the
 * streamed rows). */
void stream_cover(struct sheet *sh, lxw_row_t r, lxw_col_t c)
{
	if (r > sh->sink->last_row)
		sh->sink->last_row = r;
	if (c > sh->sink->last_col)
		sh->sink->last_col = c;
}

/* ---- the tables ---------------------------------------------------------- */

static int longtab_sheets(const struct longtab *t)
{
	long n = (t->total + t->sheet_rows - 1) / t->sheet_rows;
	return n < 1 ? 1 : (int)n;
}

/* The sheet and row of the next row of t, or NULL when its sheets are full. */
static struct sheet *longtab_next(struct longtab *t, lxw_row_t *row)
{
	long s = t->done / t->sheet_rows;
	if (s >= t->nsheets) {
		t->dropped++;
		return NULL;
	}
	*row = (lxw_row_t)(t->done % t->sheet_rows) + 1;
	t->done++;
	return &t->sheets[s];
}

static void rowsink_free(struct rowsink *k)
{
	if (!k)
		return;
	if (k->z && k->buf.s) /* abandoned: the buffer goes back, its bytes dropped */
		zpar_fill_put(k->z, (unsigned char *)k->buf.s, 0, k->buf.cap);
	zpar_free(k->z);
	free(k);
}

/* The sheet's streamed rows finished: the open row closed, every chunk compressed. */
void stream_end(struct xw *x, struct sheet *sh)
{
	struct rowsink *k = sh->sink;
	sink_end_row(k);
	zpar_fill_put(k->z, (unsigned char *)k->buf.s, k->buf.len, k->buf.cap);
	k->buf = (struct rowbuf){0};
	int e = zpar_finish(k->z);
	if (e && x->err == LXW_NO_ERROR) {
		x->err = LXW_ERROR_CREATING_TMPFILE;
		x->err_what = "writing a sheet's rows to a temporary file";
		x->sys_err = e;
	}
}

/* The tables over the rows written, and each sheet's rows finished. */
static void longtab_finish(struct xw *x, struct longtab *t)
{
	for (int s = 0; s < t->nsheets; s++) {
		struct sheet *sh = &t->sheets[s];
		long rows = t->done - (long)s * t->sheet_rows;
		rows = rows > t->sheet_rows ? t->sheet_rows : rows < 0 ? 0 : rows;
		lxw_row_t last = (lxw_row_t)(rows ? rows : 1);
		stream_end(x, sh);
		if (!rows)
			put_none(x, sh, 1, (lxw_col_t)t->ncols + 1, t->none);
		lxw_table_column *tc = xcalloc((size_t)t->ncols, sizeof *tc);
		lxw_table_column **tcp = xcalloc((size_t)t->ncols + 1, sizeof *tcp);
		for (int c = 0; c < t->ncols; c++) {
			tc[c] = (lxw_table_column){.header = (char *)t->cols[c].header,
			                           .header_format = x->hdr};
			tcp[c] = &tc[c];
			measure(sh, (lxw_col_t)c, (double)utf8_chars(t->cols[c].header) + 3);
		}
		char tname[64];
		if (s)
			snprintf(tname, sizeof tname, "%s%d", t->table, s + 1);
		else
			snprintf(tname, sizeof tname, "%s", t->table);
		lxw_table_options to = {.name = tname,
		                        .columns = tcp,
		                        .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM,
		                        .style_type_number = 2};
		check(x, worksheet_add_table(sh->ws, 0, 0, last, (lxw_col_t)(t->ncols - 1), &to),
		      "adding a table");
		free(tcp);
		free(tc);
		worksheet_freeze_panes(sh->ws, 1, 0);
	}
	if (t->dropped) {
		char a[32];
		char *note =
		    xasprintf("%s more rows than counted were not listed: the rows changed "
		              "between the count and the writing",
		              thousands(t->dropped, a));
		add_note(x, t->name, "", note);
		free(note);
	}
}

/* k's row on Cases; false when its sheets are full. */
static bool put_case(struct xw *x, struct longtab *cases, const struct xlsx_case *k)
{
	lxw_row_t r;
	struct sheet *sh = longtab_next(cases, &r);
	if (!sh)
		return false;
	long_text(x, sh, r, CC_CASE, k->id);
	long_shared(x, sh, r, CC_JOURNEY, k->journey);
	long_shared(x, sh, r, CC_GOAL, k->goal);
	if (k->period)
		long_shared(x, sh, r, CC_PERIOD, k->period);
	long_shared(x, sh, r, CC_OUTCOME, k->outcome);
	long_bool(x, sh, r, CC_SCO, k->sco);
	long_time(x, sh, r, CC_START, k->start_ms);
	if (k->end_ms != INT64_MIN)
		long_time(x, sh, r, CC_END, k->end_ms);
	if (!isnan(k->days))
		long_days(x, sh, r, CC_DAYS, k->end_ms - k->start_ms);
	if (!isnan(k->promise_days))
		long_number(x, sh, r, CC_PROMISE, K_NUM, k->promise_days);
	long_bool(x, sh, r, CC_WITHIN, k->within_promise);
	long_number(x, sh, r, CC_CONTACTS, K_INT, k->contacts);
	long_number(x, sh, r, CC_FAILURES, K_INT, k->failure_contacts);
	long_number(x, sh, r, CC_HANDOFFS, K_INT, k->handoffs);
	if (k->first_channel)
		long_shared(x, sh, r, CC_FIRST_CHANNEL, k->first_channel);
	if (k->last_channel)
		long_shared(x, sh, r, CC_LAST_CHANNEL, k->last_channel);
	if (k->region)
		long_shared(x, sh, r, CC_REGION, k->region);
	if (k->customer)
		long_text(x, sh, r, CC_CUSTOMER, k->customer);
	if (k->segment)
		long_shared(x, sh, r, CC_SEGMENT, k->segment);
	if (!isnan(k->annual_value))
		long_number(x, sh, r, CC_VALUE, K_MONEY, k->annual_value);
	if (!isnan(k->annual_value) && k->left_day != INT64_MAX)
		long_number(x, sh, r, CC_LEFT, K_DATE, excel_day(k->left_day));
	long_bool(x, sh, r, CC_LEFT_WITHIN, k->left_within);
	if (k->departments)
		long_shared(x, sh, r, CC_DEPTS, k->departments);
	return true;
}

/* k's rows on Touches, one a department. */
static void put_touches(struct xw *x, struct longtab *touches, const struct xlsx_case *k)
{
	lxw_row_t r;
	for (uint32_t i = 0; i < k->ntouches; i++) {
		struct sheet *ts = longtab_next(touches, &r);
		if (!ts)
			return;
		long_text(x, ts, r, TC_CASE, k->id);
		long_shared(x, ts, r, TC_JOURNEY, k->journey);
		if (k->period)
			long_shared(x, ts, r, TC_PERIOD, k->period);
		long_bool(x, ts, r, TC_SCO, k->sco);
		long_shared(x, ts, r, TC_DEPARTMENT, k->touches[i].department);
		if (k->touches[i].contacts != UINT32_MAX)
			long_number(x, ts, r, TC_CONTACTS, K_INT, k->touches[i].contacts);
		long_number(x, ts, r, TC_FAILURES, K_INT, k->touches[i].failure_contacts);
	}
}

static void put_customer(struct xw *x, struct longtab *t, const struct xlsx_customer *cu)
{
	lxw_row_t r;
	struct sheet *sh = longtab_next(t, &r);
	if (!sh)
		return;
	long_text(x, sh, r, CU_CUSTOMER, cu->id);
	if (cu->segment)
		long_shared(x, sh, r, CU_SEGMENT, cu->segment);
	if (cu->region)
		long_shared(x, sh, r, CU_REGION, cu->region);
	if (!isnan(cu->annual_value))
		long_number(x, sh, r, CU_VALUE, K_MONEY, cu->annual_value);
	if (cu->joined_day != INT64_MIN)
		long_number(x, sh, r, CU_JOINED, K_DATE, excel_day(cu->joined_day));
	if (cu->left_day != INT64_MAX)
		long_number(x, sh, r, CU_LEFT, K_DATE, excel_day(cu->left_day));
}

/* ---- in the workbook ----------------------------------------------------- */

/* The long tables laid out: the rows of src counted (when it can rewind), each table given the
 * sheets its rows need at sheet_rows a sheet (0, or beyond Excel's limit: the limit). */
void longrows_count(struct longrows *lr, const struct xlsx_source *src, long sheet_rows)
{
	static const struct longtab proto[LT_N] = {
	    {.name = "Cases",
	     .table = "tblCases",
	     .cols = case_cols,
	     .ncols = N(case_cols),
	     .none = "No case concluded in the trend window or was open at the period's end."},
	    {.name = "Touches",
	     .table = "tblTouches",
	     .cols = touch_cols,
	     .ncols = N(touch_cols),
	     .none = "No case to list."},
	    {.name = "Customers",
	     .table = "tblCustomers",
	     .cols = customer_cols,
	     .ncols = N(customer_cols)},
	};
	memcpy(lr->t, proto, sizeof proto);
	for (int t = 0; t < LT_N; t++)
		lr->t[t].sheet_rows =
		    sheet_rows > 0 && sheet_rows < ROWS_MAX ? sheet_rows : ROWS_MAX;
	lr->t[LT_CUSTOMERS].none = src && src->have_customers ? "No customer in the pack's scope."
	                                                      : "No customers file was given.";
	if (src && src->next_case && src->rewind && src->count) {
		src->rewind(src->it);
		src->count(src->it, &lr->t[LT_CASES].total, &lr->t[LT_TOUCHES].total,
		           &lr->t[LT_CUSTOMERS].total);
	} else if (src && src->next_case && src->rewind) {
		struct xlsx_case k;
		src->rewind(src->it);
		while (src->next_case(src->it, &k)) {
			lr->t[LT_CASES].total++;
			lr->t[LT_TOUCHES].total += k.ntouches;
		}
		struct xlsx_customer cu;
		while (src->next_customer && src->next_customer(src->it, &cu))
			lr->t[LT_CUSTOMERS].total++;
		src->rewind(src->it);
	}
	for (int t = 0; t < LT_N; t++)
		lr->nsheets += lr->t[t].nsheets = longtab_sheets(&lr->t[t]);
}

/* sh's stream of rows, compressed by pool into a temporary file in dir; false (errno set) when
 * the file cannot be created. */
static bool sink_open(struct sheet *sh, struct zpar_pool *pool, const char *dir)
{
	struct rowsink *k = sh->sink = xcalloc(1, sizeof *sh->sink);
	k->z = zpar_new(pool, dir);
	if (k->z)
		k->buf.s = (char *)zpar_fill_take(k->z, &k->buf.len, &k->buf.cap);
	return k->z != NULL;
}

/* The pool compressing the long sheets' rows, and each sheet's stream of them into a temporary
 * file in dir. false (errno set) when a file cannot be created. */
bool longrows_open(struct longrows *lr, const char *dir)
{
	lr->pool = zpar_pool_new(zpar_threads());
	if (lr->more && !sink_open(lr->more, lr->pool, dir))
		return false;
	for (int t = 0; t < LT_N; t++)
		for (int k = 0; k < lr->t[t].nsheets; k++)
			if (!sink_open(&lr->t[t].sheets[k], lr->pool, dir))
				return false;
	return true;
}

/*
 * One thread's share of the long tables: its rows, and a writer of its own for them (the
 * book's, with its own text cache, buffer and notes). The long tables' cells call nothing of
 * libxlsxwriter's but its formats' style numbers, looked up before (style_attrs), and each
 * sheet's stream is filled by one thread, so two lanes need no lock.
 */
struct lane {
	struct xw x;
	struct longrows *lr;
	const struct xlsx_source *src;
	void *it;
};

static void lane_init(struct lane *l, const struct xw *x, struct longrows *lr,
                      const struct xlsx_source *src, void *it)
{
	*l = (struct lane){.x = *x, .lr = lr, .src = src, .it = it};
	l->x.texts = (struct textcache){0};
	l->x.text = (struct strbuf){0};
	l->x.notes = NULL;
	l->x.nnotes = 0;
	l->x.notes_dropped = 0;
	l->x.err = LXW_NO_ERROR;
	l->x.err_what = NULL;
	l->x.sys_err = 0;
}

/* The lane's notes after x's, its first failure if x has none; the lane's writer freed. */
static void lane_end(struct xw *x, struct lane *l)
{
	notes_move(x, &l->x);
	if (l->x.err != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = l->x.err;
		x->err_what = l->x.err_what;
		x->sys_err = l->x.sys_err;
	}
	textcache_free(&l->x.texts);
	strbuf_free(&l->x.text);
}

static void lane_cases(struct lane *l)
{
	struct xlsx_case k;
	while (l->src->next_case(l->it, &k))
		put_case(&l->x, &l->lr->t[LT_CASES], &k);
}

static void lane_customers(struct lane *l)
{
	struct xlsx_customer cu;
	while (l->src->next_customer && l->src->next_customer(l->it, &cu))
		put_customer(&l->x, &l->lr->t[LT_CUSTOMERS], &cu);
}

static void lane_touches_customers(struct lane *l)
{
	struct xlsx_case k;
	while (l->src->next_case(l->it, &k))
		put_touches(&l->x, &l->lr->t[LT_TOUCHES], &k);
	lane_customers(l);
}

static void *lane_thread(void *arg)
{
	lane_touches_customers(arg);
	return NULL;
}

/* The style numbers of booleans and of every kind of number the long tables write, looked up
 * once, in one order, before any lane writes (looking one up adds the style to the workbook;
 * long_bool and long_number then only read them). */
static void style_attrs(struct xw *x)
{
	set_attr(&x->bool_attr, " s=\"%d\" t=\"b\"><v>",
	         (int)lxw_format_get_xf_index(x->fmt[K_BOOL]));
	static const enum kind kinds[] = {K_TIME, K_DAYS, K_NUM, K_INT, K_MONEY, K_DATE};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		number_attrs(x, kinds[i]);
}

/*
 * The long tables, row by row: the cases' rows on Cases, then, from the cases again, their
 * touches on Touches, and the customers. With lanes > 1 and a source that can fork, Touches and
 * Customers are written on a thread of their own beside Cases; the workbook is the same, its
 * notes Cases' first. Returns the cases listed.
 */
long longrows_write(struct xw *x, struct longrows *lr, const struct xlsx_source *src, int lanes)
{
	struct longtab *lt = lr->t;
	if (src && src->next_case) {
		style_attrs(x);
		struct lane a, b;
		lane_init(&a, x, lr, src, src->it);
		if (!src->rewind) { /* one pass: a case's row, then its touches */
			struct xlsx_case k;
			while (src->next_case(src->it, &k))
				if (put_case(&a.x, &lt[LT_CASES], &k))
					put_touches(&a.x, &lt[LT_TOUCHES], &k);
			lane_customers(&a);
			lane_end(x, &a);
		} else {
			void *it2 =
			    lanes > 1 && src->fork && src->unfork && zpar_pool_threads(lr->pool) > 0
			        ? src->fork(src->it)
			        : NULL;
			lane_init(&b, x, lr, src, it2 ? it2 : src->it);
			pthread_t th;
			bool threaded = it2 && pthread_create(&th, NULL, lane_thread, &b) == 0;
			lane_cases(&a);
			if (threaded) {
				pthread_join(th, NULL);
			} else {
				if (!it2)
					src->rewind(src->it);
				lane_touches_customers(&b);
			}
			if (it2)
				src->unfork(it2);
			lane_end(x, &a);
			lane_end(x, &b);
		}
	}
	for (int t = 0; t < LT_N; t++) {
		longtab_finish(x, &lt[t]);
		for (int k = 0; k < lt[t].nsheets; k++)
			page_setup(x, &lt[t].sheets[k], 0);
	}
	return lt[LT_CASES].done;
}

/* The rows of the workbook's sheet number index (from 0) as zp[*n], unless it streamed none (an
 * empty table, or none below the Data quality sheet's small tables: libxlsxwriter's sheet is
 * complete). */
static void add_part(struct xlsxzip_part *zp, int *n, const struct rowsink *k, int index)
{
	if (!zpar_in_bytes(k->z))
		return;
	zp[(*n)++] =
	    (struct xlsxzip_part){.entry = xasprintf("xl/worksheets/sheet%d.xml", index + 1),
	                          .rows = k->z,
	                          .last_row = k->last_row,
	                          .last_col = k->last_col};
}

/*
 * Writes to path libxlsxwriter's closed workbook at parts with the long sheets' rows put in; the
 * long sheets are the workbook's from number first + 1 on. Returns 0, or -1 with *why set.
 */
int longrows_splice(struct longrows *lr, int first, const char *parts, const char *path,
                    bool minizip, struct sha256_digest *digest, const char **why)
{
	struct xlsxzip_part *zp = xcalloc((size_t)lr->nsheets + 1, sizeof *zp);
	int nzp = 0, i = first;
	for (int t = 0; t < LT_N; t++)
		for (int s = 0; s < lr->t[t].nsheets; s++, i++)
			add_part(zp, &nzp, lr->t[t].sheets[s].sink, i);
	if (lr->more)
		add_part(zp, &nzp, lr->more->sink, lr->more_index);
	int rc = xlsxzip_splice(parts, path, zp, nzp, ROWS_ZLEVEL, minizip, digest, why);
	for (int j = 0; j < nzp; j++)
		free((char *)zp[j].entry);
	free(zp);
	return rc;
}

/* The streams and the pool; the sheets stay the caller's. */
void longrows_free(struct longrows *lr)
{
	for (int t = 0; t < LT_N; t++)
		for (int k = 0; lr->t[t].sheets && k < lr->t[t].nsheets; k++) {
			rowsink_free(lr->t[t].sheets[k].sink);
			lr->t[t].sheets[k].sink = NULL;
		}
	if (lr->more) {
		rowsink_free(lr->more->sink);
		lr->more->sink = NULL;
	}
	zpar_pool_free(lr->pool);
	lr->pool = NULL;
}

void longrows_defs(struct defs *defs)
{
	add_defs(defs, "Cases", case_cols, N(case_cols));
	add_defs(defs, "Touches", touch_cols, N(touch_cols));
	add_defs(defs, "Customers", customer_cols, N(customer_cols));
}
