/* xlsx: the analyst workbook of pack.md, written with libxlsxwriter; the only module that sees
 * lxw_error. */
#include "xlsx/xlsx.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/values.h"
#include "util/xmem.h"
#include "view/view.h"
#include "xlsx/xlsxzip.h"
#include "xlsx/zpar.h"

#define SHEET_ROWS 1048576L /* rows in an Excel sheet */
#define CELL_CHARS 32767L   /* characters in an Excel cell */
#define HEADER_CHARS 255L   /* characters in a table column's header */
#define WIDTH_MAX 60.0      /* widest column, in characters */
#define NOTES_MAX 1000      /* workbook notes listed; the rest are counted */
#define DQ_ROWS_MAX 400000L /* issues, and notes, listed on the Data quality sheet */
#define ROWS_ZLEVEL 3       /* zlib level of the long sheets' rows (docs/benchmarks.md) */

/*
 * The Cases sheet lists at most this many cases: the header row, the cases,
 * an empty row and the truncation note fill the sheet's last row exactly.
 */
#define ROWS_MAX (SHEET_ROWS - 1) /* data rows of a long table's sheet, under its header */

/* How a column's values are shown. */
enum kind {
	K_TEXT,  /* text (a number found here is written as it is) */
	K_LIST,  /* names, joined with "; " */
	K_INT,   /* count: #,##0 */
	K_NUM,   /* number as given: General */
	K_RATIO, /* per case: 0.00 */
	K_DAYS,  /* days: 0.00 */
	K_PCT,   /* fraction shown as a percentage: 0.0% */
	K_PTS,   /* percentage points: +0.0 */
	K_MONEY, /* the pack's currency: £#,##0 */
	K_BOOL,  /* TRUE/FALSE */
	K_DATE,  /* a day, written as a date */
	K_TIME,  /* an instant, written as a date and time */
	K_PLAIN, /* a whole number without separators (a line number): 0 */
	K_NKINDS
};

/* A cell's value as the view gives it. V_NONE is an empty cell: a figure the view has not (NAN, a
 * count of -1, a NULL name). */
enum vtype { V_NONE, V_NUM, V_BOOL, V_TEXT, V_LIST, V_DAY, V_TIME };
struct val {
	enum vtype t;
	double num;              /* V_NUM */
	bool yes;                /* V_BOOL */
	const char *text;        /* V_TEXT */
	const char *const *list; /* V_LIST: names (a NULL one is an empty item) */
	size_t nlist;
	int64_t when; /* V_DAY: days since 1970-01-01; V_TIME: ms since the epoch */
};

static struct val v_none(void)
{
	return (struct val){.t = V_NONE};
}

static struct val v_count(long n)
{
	return n < 0 ? v_none() : (struct val){.t = V_NUM, .num = (double)n};
}

/* A whole number that may be below 0 (a difference of counts). */
static struct val v_whole(long n)
{
	return (struct val){.t = V_NUM, .num = (double)n};
}

static struct val v_real(double d)
{
	return isnan(d) || isinf(d) ? v_none() : (struct val){.t = V_NUM, .num = d};
}

static struct val v_flag(bool b)
{
	return (struct val){.t = V_BOOL, .yes = b};
}

static struct val v_text(const char *s)
{
	return s ? (struct val){.t = V_TEXT, .text = s} : v_none();
}

static struct val v_names(const char *const *names, size_t n)
{
	return (struct val){.t = V_LIST, .list = names, .nlist = n};
}

static struct val v_day(int64_t day)
{
	return day == VIEW_NO_DAY ? v_none() : (struct val){.t = V_DAY, .when = day};
}

/* The day of an instant (UTC). */
static struct val v_day_of(int64_t ms)
{
	if (ms == VIEW_NO_DAY)
		return v_none();
	return v_day(ms / BP_MS_PER_DAY - (ms % BP_MS_PER_DAY < 0));
}

static struct val v_time(int64_t ms)
{
	return ms == VIEW_NO_DAY ? v_none() : (struct val){.t = V_TIME, .when = ms};
}

/*
 * A table column: its header, the field of the row it shows, and, for rates
 * derived from counts in the same row, a formula over other columns'
 * headers ("[Successful]/[Cases concluded]"), written with the view's value
 * cached. def explains the column on the Definitions sheet.
 *
 * field is an enumerator of the table's own fields, which its rows' cell
 * function turns into a value with a switch naming every one of them: a
 * column cannot show a value its rows have not.
 */
struct col {
	const char *header;
	int field;
	enum kind kind;
	const char *formula;
	const char *def;
};

/* A table's n rows: cell gives the value of a field of row i. */
struct rows {
	size_t n;
	struct val (*cell)(const void *ctx, size_t i, int field);
	const void *ctx;
};

/* The Definitions sheet's rows, gathered as the sheets are written: static texts and the sheets'
 * names, which outlive the sheet. */
struct def {
	const char *sheet, *column, *meaning;
};
struct defs {
	struct def *v;
	size_t n;
};

static void add_def(struct defs *d, const char *sheet, const char *column, const char *meaning)
{
	if (d->n % 64 == 0)
		d->v = xreallocarray(d->v, d->n + 64, sizeof *d->v);
	d->v[d->n++] = (struct def){sheet, column, meaning};
}

static void add_defs(struct defs *d, const char *sheet, const struct col *cols, int n)
{
	for (int i = 0; i < n; i++)
		if (cols[i].def)
			add_def(d, sheet, cols[i].header, cols[i].def);
}

/* A field that the table's cell function does not name: a column given another table's field, a
 * bug that the first test writing the table shows. */
static _Noreturn void no_field(void)
{
	abort();
}

struct rowsink;

/* A table's texts that repeat, cleaned once (long_shared). */
struct cached_text;
struct textcache {
	struct cached_text *slot;
	size_t cap, used;
};

/* A note on the workbook: what a sheet could not show as it is in the data (the Data quality
 * sheet lists them). The strings are the note's own. */
struct wbnote {
	char *sheet, *cell, *note;
};

struct sheet {
	lxw_worksheet *ws;
	const char *name;
	double width[64];     /* widest content per column, in characters */
	struct rowsink *sink; /* a long table's sheet: its rows, written by this module */
};

struct xw {
	lxw_workbook *wb;
	lxw_error err; /* the first failure, LXW_NO_ERROR while none */
	const char *err_what;
	int sys_err; /* an errno value behind err, 0 when none */
	lxw_format *fmt[K_NKINDS];
	lxw_format *title, *italic, *good, *neutral, *bad;
	lxw_format *hdr;    /* header cells: styled explicitly, so that LibreOffice shows it too */
	lxw_format *wrap;   /* long texts (messages) */
	char money_sym[16]; /* "£", "€", "$" or "CHF " */
	struct strbuf text; /* the last cleaned string */
	struct wbnote *notes; /* the workbook notes, in the order they were made */
	size_t nnotes;
	long notes_dropped;
	/* the long tables (struct rowsink) */
	struct textcache texts;
	char num_attr[K_NKINDS][24]; /* `s="3"><v>`: a number cell's style, once known */
	char bool_attr[32];          /* `s="7" t="b"><v>`: a boolean cell's */
	long money_chars;            /* characters of money_sym */
};

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void check(struct xw *x, lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = e;
		x->err_what = what;
	}
}

/* ---- text ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p[0..n), or 0 (NUL, U+FFFE and U+FFFF count as invalid: XML
 * forbids them). */
static int utf8_seq(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len = utf8_next((const char *)p, n, &cp); /* 0 with U+FFFD when ill-formed */
	return cp != 0 && cp != 0xfffe && cp != 0xffff ? (int)len : 0;
}

static long utf8_chars(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* n with thousands separators ("1,048,576"). */
static const char *thousands(long n, char buf[32])
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%ld", n < 0 ? -n : n), j = 0;
	if (n < 0)
		buf[j++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

/* A workbook note (copied); past NOTES_MAX only counted, unless always (the note of that count). */
static void note_at(struct xw *x, const char *sheet, const char *cell, const char *note,
                    bool always)
{
	if (x->nnotes >= NOTES_MAX && !always) {
		x->notes_dropped++;
		return;
	}
	if (x->nnotes % 64 == 0)
		x->notes = xreallocarray(x->notes, x->nnotes + 64, sizeof *x->notes);
	x->notes[x->nnotes++] =
	    (struct wbnote){.sheet = xstrdup(sheet), .cell = xstrdup(cell), .note = xstrdup(note)};
}

static void add_note(struct xw *x, const char *sheet, const char *cell, const char *note)
{
	note_at(x, sheet, cell, note, false);
}

/* Whether p[0..n) is Excel's escape of a character, "_xHHHH_" (which a literal text must not look
 * like: its '_' is then escaped itself, "_x005F_xHHHH_"). */
static bool looks_escaped(const unsigned char *p, size_t n)
{
	if (n < 7 || p[0] != '_' || p[1] != 'x' || p[6] != '_')
		return false;
	for (int i = 2; i < 6; i++)
		if (!strchr("0123456789ABCDEFabcdef", p[i]) || !p[i])
			return false;
	return true;
}

/* A character XML 1.0 forbids (C0 controls but tab, line feed and carriage return). */
static bool xml_forbidden(unsigned char c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

struct text_scan {
	long chars, bad, ctrl; /* characters (as written), invalid bytes, characters escaped */
};

/* What writing s as Excel can hold it takes: see clean_text. */
static struct text_scan scan_text(const char *s, size_t n)
{
	struct text_scan t = {0, 0, 0};
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		int len = utf8_seq(p, (size_t)(end - p));
		if (len == 1 && (xml_forbidden(*p) || looks_escaped(p, (size_t)(end - p)))) {
			t.ctrl++;
			t.chars += 7;
		} else {
			t.chars++;
		}
		t.bad += !len;
		p += len ? len : 1;
	}
	return t;
}

static void note_text(struct xw *x, const char *sheet, const char *where, struct text_scan t,
                      long max)
{
	char a[32], b[32];
	if (!sheet)
		return;
	if (t.bad) {
		char *note = xasprintf("%s invalid UTF-8 byte%s replaced with U+FFFD",
		                       thousands(t.bad, a), t.bad == 1 ? "" : "s");
		add_note(x, sheet, where, note);
		free(note);
	}
	if (t.ctrl) {
		char *note =
		    xasprintf("%s control character%s (which XML forbids) written as Excel "
		              "writes them, _x0001_ for U+0001",
		              thousands(t.ctrl, a), t.ctrl == 1 ? "" : "s");
		add_note(x, sheet, where, note);
		free(note);
	}
	if (t.chars > max) {
		char *note = xasprintf(
		    "a text of %s characters was cut to its first %s, Excel's limit for a cell",
		    thousands(t.chars, a), thousands(max, b));
		add_note(x, sheet, where, note);
		free(note);
	}
}

/*
 * s as Excel can hold it: invalid UTF-8 bytes replaced with U+FFFD, the
 * control characters XML 1.0 forbids escaped as Excel does (U+0001 as
 * "_x0001_", and a literal "_x0041_" as "_x005F_x0041_"), cut to max
 * characters. Returns s itself when it needs none of these, else a string
 * in x->text (valid until the next call); *chars gets its length in
 * characters. Each change is noted against where (a sheet and cell) for the
 * Data quality sheet, when sheet is not NULL.
 */
static const char *clean_text(struct xw *x, const char *s, long max, const char *sheet,
                              const char *where, long *chars)
{
	size_t n = strlen(s);
	if (value_utf8_invalid(s, n) < 0) {
		long c = utf8_chars(s);
		bool plain = c <= max;
		for (const char *p = s; plain && (p = strstr(p, "\xef\xbf")) != NULL; p += 2)
			plain = (unsigned char)p[2] != 0xbe && (unsigned char)p[2] != 0xbf;
		for (const unsigned char *p = (const unsigned char *)s; plain && *p; p++)
			plain = !xml_forbidden(*p) &&
			        !(*p == '_' &&
			          looks_escaped(p, n - (size_t)(p - (const unsigned char *)s)));
		if (plain) {
			*chars = c;
			return s;
		}
	}
	strbuf_reset(&x->text);
	strbuf_puts(&x->text, "");
	long c = 0;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end && c < max) {
		int len = utf8_seq(p, (size_t)(end - p));
		if (len == 1 && xml_forbidden(*p)) {
			if (c + 7 > max)
				break;
			strbuf_printf(&x->text, "_x%04X_", *p);
			c += 7;
		} else if (len == 1 && looks_escaped(p, (size_t)(end - p))) {
			if (c + 7 > max)
				break;
			strbuf_puts(&x->text, "_x005F_");
			c += 7;
		} else {
			if (len)
				strbuf_append(&x->text, (const char *)p, (size_t)len);
			else
				strbuf_puts(&x->text, "\xef\xbf\xbd");
			c++;
		}
		p += len ? len : 1;
	}
	note_text(x, sheet, where, scan_text(s, n), max);
	*chars = c;
	return strbuf_str(&x->text);
}

/* A fresh copy of s cleaned for use outside a cell (headers, names, properties); a change is
 * noted against sheet and where when sheet is not NULL. */
static char *clean_dup_at(struct xw *x, const char *s, long max, const char *sheet,
                          const char *where)
{
	long chars;
	return xstrdup(clean_text(x, s ? s : "", max, sheet, where, &chars));
}

static char *clean_dup(struct xw *x, const char *s, long max)
{
	return clean_dup_at(x, s, max, NULL, NULL);
}

/* ---- cells --------------------------------------------------------------- */

static void measure(struct sheet *sh, lxw_col_t col, double w)
{
	if (col < sizeof sh->width / sizeof sh->width[0] && w > sh->width[col])
		sh->width[col] = w;
}

static void put_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                     lxw_format *f)
{
	if (!s) {
		check(x, worksheet_write_blank(sh->ws, r, c, f), "writing a cell");
		return;
	}
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	lxw_rowcol_to_cell(cell, r, c);
	long chars;
	const char *t = clean_text(x, s, CELL_CHARS, sh->name, cell, &chars);
	if (*t)
		check(x, worksheet_write_string(sh->ws, r, c, t, f), "writing a text cell");
	else
		check(x, worksheet_write_blank(sh->ws, r, c, f), "writing a cell");
	measure(sh, c, (double)chars);
}

/* Text that may overflow into the next cells (titles, notes): it does not widen its column. */
static void put_title(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                      lxw_format *f)
{
	double w = sh->width[c];
	put_text(x, sh, r, c, s, f);
	sh->width[c] = w;
}

/* Characters the value takes when shown in its kind's number format. */
static double shown_width(const struct xw *x, enum kind k, double v)
{
	char buf[64];
	int n;
	switch (k) {
	case K_PCT:
		n = snprintf(buf, sizeof buf, "%.1f%%", v * 100);
		break;
	case K_PTS:
		n = snprintf(buf, sizeof buf, "%+.1f", v);
		break;
	case K_RATIO:
	case K_DAYS:
		n = snprintf(buf, sizeof buf, "%.2f", v);
		break;
	case K_DATE:
		return 10;
	case K_TIME:
		return 16;
	case K_BOOL:
		return 5;
	case K_INT:
	case K_MONEY:
		n = snprintf(buf, sizeof buf, "%.0f", fabs(v));
		n += (n - 1) / 3 + (v < 0);
		if (k == K_MONEY)
			n += (int)utf8_chars(x->money_sym);
		break;
	default:
		n = snprintf(buf, sizeof buf, "%.10g", v);
		break;
	}
	return n;
}

static void put_number(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                       double v)
{
	if (isnan(v) || isinf(v)) {
		check(x, worksheet_write_blank(sh->ws, r, c, x->fmt[k]), "writing a cell");
		return;
	}
	check(x, worksheet_write_number(sh->ws, r, c, v, x->fmt[k]), "writing a number");
	measure(sh, c, shown_width(x, k, v));
}

#define EPOCH_SERIAL 25569 /* Excel's serial day number of 1970-01-01 */

static double excel_day(int64_t day)
{
	return (double)(day + EPOCH_SERIAL);
}

/* An instant as Excel's serial date and time, to the second (as the metrics JSON gives it). */
static double excel_second(int64_t ms)
{
	int64_t day = ms / BP_MS_PER_DAY - (ms % BP_MS_PER_DAY < 0);
	int64_t second = (ms - day * BP_MS_PER_DAY) / 1000;
	return excel_day(day) + (double)second / 86400.0;
}

static void put_list(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c,
                     const char *const *names, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_puts(&b, "; ");
		if (names[i])
			strbuf_puts(&b, names[i]);
	}
	put_text(x, sh, r, c, strbuf_str(&b), NULL);
	strbuf_free(&b);
}

/*
 * Writes a value as a cell of kind k; an empty value is an empty cell, never 0. A day or an
 * instant in a column of another kind (the Summary's Value column before it is typed per row)
 * is its text, "2026-07-01".
 */
static void put_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                      struct val v)
{
	char when[21];
	switch (v.t) {
	case V_NONE:
		check(x, worksheet_write_blank(sh->ws, r, c, x->fmt[k]), "writing a cell");
		break;
	case V_LIST:
		put_list(x, sh, r, c, v.list, v.nlist);
		break;
	case V_BOOL:
		check(x, worksheet_write_boolean(sh->ws, r, c, v.yes, x->fmt[K_BOOL]),
		      "writing a boolean");
		measure(sh, c, 5);
		break;
	case V_TEXT:
		put_text(x, sh, r, c, v.text, NULL);
		break;
	case V_DAY:
		if (k == K_DATE) {
			put_number(x, sh, r, c, k, excel_day(v.when));
		} else {
			value_format_date(v.when * BP_MS_PER_DAY, when);
			put_text(x, sh, r, c, when, NULL);
		}
		break;
	case V_TIME:
		if (k == K_TIME) {
			put_number(x, sh, r, c, k, excel_second(v.when));
		} else {
			value_format_time(v.when, when);
			put_text(x, sh, r, c, when, NULL);
		}
		break;
	case V_NUM:
		put_number(x, sh, r, c, k == K_TEXT || k == K_LIST ? K_NUM : k, v.num);
		break;
	}
}

/* ---- formulas ------------------------------------------------------------ */

/* The column of cols showing field, or -1. */
static int col_of(const struct col *cols, int n, int field)
{
	for (int i = 0; i < n; i++)
		if (cols[i].field == field)
			return i;
	return -1;
}

/* Appends a header as a structured-reference column name ('[', ']', '#' and '\'' escaped with
 * '\''). */
static void put_ref_name(struct strbuf *b, const char *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr("[]#'", h[i]))
			strbuf_putc(b, '\'');
		strbuf_putc(b, h[i]);
	}
}

/* Whether a column of cols has the header h[0..n). */
static bool has_header(const struct col *cols, int ncols, const char *h, size_t n)
{
	for (int i = 0; i < ncols; i++)
		if (strlen(cols[i].header) == n && memcmp(cols[i].header, h, n) == 0)
			return true;
	return false;
}

/*
 * Expands "[Header]" in a column formula to the fully qualified structured
 * reference "tbl[[#This Row],[Header]]" (which LibreOffice reads as well as
 * Excel). The caller frees the result.
 */
static char *expand_formula(const char *table, const char *tpl, const struct col *cols, int ncols)
{
	struct strbuf b = STRBUF_INIT;
	for (const char *p = tpl; *p;) {
		const char *close = *p == '[' ? strchr(p, ']') : NULL;
		if (!close) {
			strbuf_putc(&b, *p++);
			continue;
		}
		if (!has_header(cols, ncols, p + 1, (size_t)(close - p - 1)))
			abort(); /* a formula over a column its table has not: a bug any test shows
			          */
		strbuf_printf(&b, "%s[[#This Row],[", table);
		put_ref_name(&b, p + 1, (size_t)(close - p - 1));
		strbuf_puts(&b, "]]");
		p = close + 1;
	}
	return strbuf_detach(&b);
}

/* A formula cell caching v: a number, or "" when v is empty (the formula's own answer then). */
static void put_formula(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                        const char *formula, struct val v)
{
	if (v.t == V_NUM) {
		check(x, worksheet_write_formula_num(sh->ws, r, c, formula, x->fmt[k], v.num),
		      "writing a formula");
		measure(sh, c, shown_width(x, k, v.num));
	} else {
		check(x, worksheet_write_formula_str(sh->ws, r, c, formula, x->fmt[k], ""),
		      "writing a formula");
	}
}

/* ---- tables -------------------------------------------------------------- */

/* The code point of the UTF-8 character at *p (advancing p), lowered the way Excel compares table
 * column names: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. */
static unsigned fold_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c;
	size_t len = utf8_next((const char *)s, strlen((const char *)s), &c);
	unsigned cp = len > 1 ? (unsigned)c : s[0]; /* a byte that starts no character: itself */
	*p = s + (len > 1 ? len : 1);
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
	    (cp >= 0x391 && cp <= 0x3A9) || (cp >= 0x410 && cp <= 0x42F))
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && !(cp & 1))
		return cp + 1;
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && (cp & 1))
		return cp + 1;
	return cp;
}

/* Whether two headers are the same to Excel, which compares table column names ignoring case. */
static bool same_header(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *q)
		if (fold_next(&p) != fold_next(&q))
			return false;
	return !*p && !*q;
}

/*
 * Makes h[0..n) valid table column names: non-empty and unique ignoring
 * case (Excel refuses a table otherwise). A repeated name gets " (2)",
 * " (3)"...: the first free number. Each change is noted on sheet.
 */
static void unique_headers(struct xw *x, const char *sheet, const char *table, char **h, int n)
{
	for (int i = 0; i < n; i++) {
		bool clash = !*h[i];
		for (int j = 0; j < i && !clash; j++)
			clash = same_header(h[j], h[i]);
		if (!clash)
			continue;
		char *was = h[i];
		for (int k = 2;; k++) {
			char *c = xasprintf("%s%s(%d)", was, *was ? " " : "", k);
			bool used = false;
			for (int j = 0; j < n && !used; j++)
				used = j != i && same_header(h[j], c);
			if (!used) {
				h[i] = c;
				break;
			}
			free(c);
		}
		char *note =
		    xasprintf("column \"%s\" headed \"%s\": the name of a table's column must "
		              "be unique ignoring case, and not empty",
		              was, h[i]);
		add_note(x, sheet, table, note);
		free(note);
		free(was);
	}
}

/* Says, to the right of a table (outside it, never as a data row), that it has no rows. */
static void put_none(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *none)
{
	if (none && *none)
		put_title(x, sh, r, c, none, x->italic);
}

/*
 * Writes rows as the Excel table `name` with its header at row0, column
 * col0 of sh. No rows get one empty data row (a table needs one; COUNTA()
 * of a column is then 0), and the words `none` beside the table. Returns
 * the table's last row.
 */
static lxw_row_t put_table_at(struct xw *x, struct sheet *sh, lxw_row_t row0, lxw_col_t col0,
                              const char *name, const struct col *cols, int n,
                              const struct rows *rows, const char *none)
{
	size_t nrows = rows->n;
	lxw_table_column *tc = xcalloc((size_t)n, sizeof *tc);
	lxw_table_column **tcp = xcalloc((size_t)n + 1, sizeof *tcp);
	char **formula = xcalloc((size_t)n, sizeof *formula);
	char **hd = xcalloc((size_t)n, sizeof *hd);
	for (int i = 0; i < n; i++)
		hd[i] = clean_dup_at(x, cols[i].header, HEADER_CHARS, sh->name, name);
	unique_headers(x, sh->name, name, hd, n);
	for (int i = 0; i < n; i++) {
		tc[i].header = hd[i];
		tc[i].header_format = x->hdr;
		if (nrows && cols[i].formula) {
			formula[i] = expand_formula(name, cols[i].formula, cols, n);
			tc[i].formula = formula[i];
		}
		tcp[i] = &tc[i];
		measure(sh, col0 + (lxw_col_t)i, (double)utf8_chars(tc[i].header) + 3);
	}
	lxw_table_options to = {.name = (char *)name,
	                        .columns = tcp,
	                        .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM,
	                        .style_type_number = 2};
	lxw_row_t last = row0 + (lxw_row_t)(nrows ? nrows : 1);
	check(x, worksheet_add_table(sh->ws, row0, col0, last, col0 + (lxw_col_t)(n - 1), &to),
	      "adding a table");
	for (size_t i = 0; i < nrows; i++) {
		lxw_row_t r = row0 + 1 + (lxw_row_t)i;
		for (int c = 0; c < n; c++) {
			struct val v = rows->cell(rows->ctx, i, cols[c].field);
			lxw_col_t cc = col0 + (lxw_col_t)c;
			if (formula[c])
				put_formula(x, sh, r, cc, cols[c].kind, formula[c], v);
			else
				put_value(x, sh, r, cc, cols[c].kind, v);
		}
	}
	if (!nrows)
		put_none(x, sh, row0 + 1, col0 + (lxw_col_t)n + 1, none);
	for (int c = 0; c < n; c++) {
		free(hd[c]);
		free(formula[c]);
	}
	free(hd);
	free(formula);
	free(tcp);
	free(tc);
	return last;
}

static lxw_row_t put_table(struct xw *x, struct sheet *sh, lxw_row_t row0, const char *name,
                           const struct col *cols, int n, const struct rows *rows, const char *none)
{
	return put_table_at(x, sh, row0, 0, name, cols, n, rows, none);
}

/* Print setup: landscape, one page wide, the header row repeated on every page. */
static void page_setup(struct xw *x, struct sheet *sh, lxw_row_t header)
{
	worksheet_set_landscape(sh->ws);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	worksheet_set_margins(sh->ws, 0.4, 0.4, 0.5, 0.5);
	check(x, worksheet_repeat_rows(sh->ws, header, header), "setting the print titles");
	worksheet_set_footer(sh->ws, "&L&A&RPage &P of &N");
}

static void set_widths(struct sheet *sh)
{
	for (lxw_col_t c = 0; c < sizeof sh->width / sizeof sh->width[0]; c++) {
		if (sh->width[c] <= 0)
			continue;
		double w = sh->width[c] + 1.5;
		worksheet_set_column(sh->ws, c, c, w > WIDTH_MAX ? WIDTH_MAX : w, NULL);
	}
}

/* A formula rule coloring rng ("J2:J9") with f where formula (relative to the range's first cell)
 * holds. */
static void cond_formula(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t c,
                         const char *formula, lxw_format *f)
{
	lxw_conditional_format cf = {
	    .type = LXW_CONDITIONAL_TYPE_FORMULA, .value_string = (char *)formula, .format = f};
	check(x, worksheet_conditional_format_range(sh->ws, r0, c, r1, c, &cf),
	      "adding conditional formatting");
}

/* Fills the SCO rate red below the target and green at or above it. */
static void cond_target(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t rate,
                        lxw_col_t target)
{
	char a[LXW_MAX_CELL_NAME_LENGTH], b[LXW_MAX_CELL_NAME_LENGTH], f[128];
	lxw_col_to_name(a, rate, LXW_TRUE);
	lxw_col_to_name(b, target, LXW_TRUE);
	snprintf(f, sizeof f, "AND(ISNUMBER(%s%u),ISNUMBER(%s%u),%s%u<%s%u)", a, r0 + 1, b, r0 + 1,
	         a, r0 + 1, b, r0 + 1);
	cond_formula(x, sh, r0, r1, rate, f, x->bad);
	snprintf(f, sizeof f, "AND(ISNUMBER(%s%u),ISNUMBER(%s%u),%s%u>=%s%u)", a, r0 + 1, b, r0 + 1,
	         a, r0 + 1, b, r0 + 1);
	cond_formula(x, sh, r0, r1, rate, f, x->good);
}

/* Fills status words: green, amber, red (the word stays: colour is never the only carrier). */
static void cond_status(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t c)
{
	static const char *const words[] = {"\"green\"", "\"amber\"", "\"red\""};
	lxw_format *fills[] = {x->good, x->neutral, x->bad};
	for (int i = 0; i < 3; i++) {
		lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_CELL,
		                             .criteria = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
		                             .value_string = (char *)words[i],
		                             .format = fills[i]};
		check(x, worksheet_conditional_format_range(sh->ws, r0, c, r1, c, &cf),
		      "adding conditional formatting");
	}
}

/* ---- the sheets' columns ------------------------------------------------- */

#define RATE_IF(num, den) "IF([" den "]=0,\"\",[" num "]/[" den "])"

/* The journey figures of metrics.md (struct view_figures), shared by Goals, Journeys, Regions and
 * the Summary. */
enum fig_field {
	F_CASES_STARTED,
	F_CASES_CONCLUDED,
	F_ACHIEVED,
	F_FAILED,
	F_ABANDONED,
	F_OPEN,
	F_SUCCESSFUL,
	F_SCO_RATE,
	F_SCO_CI_LOW,
	F_SCO_CI_HIGH,
	F_PREV_CASES_CONCLUDED,
	F_PREV_SUCCESSFUL,
	F_PREV_SCO_RATE,
	F_SCO_CHANGE_PTS,
	F_CHANGE_SIGNIFICANT,
	F_MEDIAN_DAYS,
	F_P90_DAYS,
	F_CONTACTS,
	F_FAILURE_CONTACTS,
	F_HANDOFFS,
	F_CONTACTS_PER_CASE,
	F_FAILURE_DEMAND_SHARE,
	F_HANDOFFS_PER_CASE,
	F_LOW_VOLUME,
	F_CUSTOMERS_LOST,
	F_VALUE_LOST,
	F_VALUE_AT_RISK,
	F_PREV_YEAR_CASES_CONCLUDED,
	F_PREV_YEAR_SUCCESSFUL,
	F_PREV_YEAR_SCO_RATE,
	F_FAILURE_DEMAND_COST
};
#define F_END (F_FAILURE_DEMAND_COST + 1) /* the rows' own fields follow the figures' */

static struct val figure_value(const struct view_figures *f, enum fig_field k)
{
	switch (k) {
	case F_CASES_STARTED:
		return v_count(f->cases_started);
	case F_CASES_CONCLUDED:
		return v_count(f->cases_concluded);
	case F_ACHIEVED:
		return v_count(f->achieved);
	case F_FAILED:
		return v_count(f->failed);
	case F_ABANDONED:
		return v_count(f->abandoned);
	case F_OPEN:
		return v_count(f->open);
	case F_SUCCESSFUL:
		return v_count(f->successful);
	case F_SCO_RATE:
		return v_real(f->sco_rate);
	case F_SCO_CI_LOW:
		return v_real(f->sco_ci_low);
	case F_SCO_CI_HIGH:
		return v_real(f->sco_ci_high);
	case F_PREV_CASES_CONCLUDED:
		return v_count(f->prev_cases_concluded);
	case F_PREV_SUCCESSFUL:
		return v_count(f->prev_successful);
	case F_PREV_SCO_RATE:
		return v_real(f->prev_sco_rate);
	case F_SCO_CHANGE_PTS:
		return v_real(f->sco_change_pts);
	case F_CHANGE_SIGNIFICANT:
		return v_flag(f->change_significant);
	case F_MEDIAN_DAYS:
		return v_real(f->median_days);
	case F_P90_DAYS:
		return v_real(f->p90_days);
	case F_CONTACTS:
		return v_count(f->contacts);
	case F_FAILURE_CONTACTS:
		return v_count(f->failure_contacts);
	case F_HANDOFFS:
		return v_count(f->handoffs);
	case F_CONTACTS_PER_CASE:
		return v_real(f->contacts_per_case);
	case F_FAILURE_DEMAND_SHARE:
		return v_real(f->failure_demand_share);
	case F_HANDOFFS_PER_CASE:
		return v_real(f->handoffs_per_case);
	case F_LOW_VOLUME:
		return v_flag(f->low_volume);
	case F_CUSTOMERS_LOST:
		return v_count(f->customers_lost);
	case F_VALUE_LOST:
		return v_real(f->value_lost);
	case F_VALUE_AT_RISK:
		return v_real(f->value_at_risk);
	case F_PREV_YEAR_CASES_CONCLUDED:
		return v_count(f->prev_year_cases_concluded);
	case F_PREV_YEAR_SUCCESSFUL:
		return v_count(f->prev_year_successful);
	case F_PREV_YEAR_SCO_RATE:
		return v_real(f->prev_year_sco_rate);
	case F_FAILURE_DEMAND_COST:
		return v_real(f->failure_demand_cost);
	}
	no_field();
}

static const struct col figure_cols[] = {
    {"Cases started", F_CASES_STARTED, K_INT, NULL, "Cases whose start lies in the period."},
    {"Cases concluded", F_CASES_CONCLUDED, K_INT, NULL,
     "Cases whose end lies in the period: the cases every rate on this row is taken over."},
    {"Achieved", F_ACHIEVED, K_INT, NULL,
     "Cases concluded in the period with the outcome 'achieved'."},
    {"Failed", F_FAILED, K_INT, NULL, "Cases concluded in the period with the outcome 'failed'."},
    {"Abandoned", F_ABANDONED, K_INT, NULL,
     "Cases concluded in the period with the outcome 'abandoned'."},
    {"Open", F_OPEN, K_INT, NULL,
     "Cases started on or before the period's end and not concluded by it (still open at the "
     "end)."},
    {"Successful", F_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes (SCO) concluded in the period: achieved, within the promise "
     "when one is "
     "set, and with no more failure contacts than allowed."},
    {"SCO rate", F_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful customer outcome rate: Successful / Cases concluded (a formula; empty with no "
     "concluded "
     "cases)."},
    {"SCO rate CI low", F_SCO_CI_LOW, K_PCT, NULL,
     "Lower end of the 95 % Wilson score interval of the SCO rate (z = 1.959964): the rate is "
     "plausibly no "
     "lower than this."},
    {"SCO rate CI high", F_SCO_CI_HIGH, K_PCT, NULL,
     "Upper end of the 95 % Wilson score interval of the SCO rate."},
    {"Previous cases concluded", F_PREV_CASES_CONCLUDED, K_INT, NULL,
     "Cases concluded in the previous period."},
    {"Previous successful", F_PREV_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the previous period."},
    {"Previous SCO rate", F_PREV_SCO_RATE, K_PCT,
     RATE_IF("Previous successful", "Previous cases concluded"),
     "SCO rate of the previous period: Previous successful / Previous cases concluded (a "
     "formula)."},
    {"Change in points", F_SCO_CHANGE_PTS, K_PTS,
     "IF(OR([SCO rate]=\"\",[Previous SCO rate]=\"\"),\"\",([SCO rate]-[Previous SCO rate])*100)",
     "(SCO rate - Previous SCO rate) x 100, in percentage points (a formula; empty when either "
     "rate is)."},
    {"Change is significant", F_CHANGE_SIGNIFICANT, K_BOOL, NULL,
     "TRUE when the change passes a two-proportion z-test (pooled, |z| >= 1.959964): a real "
     "change, not "
     "noise. FALSE when either period has no cases."},
    {"Median days", F_MEDIAN_DAYS, K_DAYS, NULL,
     "Median days from start to end of the achieved cases concluded in the period (Excel "
     "PERCENTILE.INC at "
     "0.5)."},
    {"P90 days", F_P90_DAYS, K_DAYS, NULL,
     "90th percentile of days to outcome of the achieved cases (Excel PERCENTILE.INC at 0.9): nine "
     "in ten "
     "took no longer."},
    {"Contacts", F_CONTACTS, K_INT, NULL,
     "Rows of the event log (every touchpoint, back-office ones included), summed over the "
     "cases concluded in the period."},
    {"Failure contacts", F_FAILURE_CONTACTS, K_INT, NULL,
     "Failure demand: contacts caused by a failure to do something or do it right, summed over the "
     "cases "
     "concluded in the period."},
    {"Hand-offs", F_HANDOFFS, K_INT, NULL,
     "Hand-offs between departments, summed over the cases concluded in the period."},
    {"Contacts per case", F_CONTACTS_PER_CASE, K_RATIO, RATE_IF("Contacts", "Cases concluded"),
     "Contacts / Cases concluded (a formula)."},
    {"Failure demand share", F_FAILURE_DEMAND_SHARE, K_PCT, RATE_IF("Failure contacts", "Contacts"),
     "Failure contacts / Contacts (a formula; empty with no contacts)."},
    {"Hand-offs per case", F_HANDOFFS_PER_CASE, K_RATIO, RATE_IF("Hand-offs", "Cases concluded"),
     "Hand-offs / Cases concluded (a formula)."},
    {"Low volume", F_LOW_VOLUME, K_BOOL, NULL,
     "TRUE when fewer cases concluded than the pack's min_cases: read the rates with care."},
    {"Customers lost", F_CUSTOMERS_LOST, K_INT, NULL,
     "Distinct customers with an unsuccessful case concluded in the period who left within the "
     "churn window "
     "after it. Empty without a customers file."},
    {"Value lost", F_VALUE_LOST, K_MONEY, NULL, "Annual value of the customers lost."},
    {"Value at risk", F_VALUE_AT_RISK, K_MONEY, NULL,
     "Annual value of customers with an unsuccessful case concluded in the period who were not "
     "lost and were "
     "still customers at the period's end."},
    {"Year earlier cases concluded", F_PREV_YEAR_CASES_CONCLUDED, K_INT, NULL,
     "Cases concluded in the same period a year before (four quarters, twelve months, a year)."},
    {"Year earlier successful", F_PREV_YEAR_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the period a year before."},
    {"Year earlier SCO rate", F_PREV_YEAR_SCO_RATE, K_PCT,
     RATE_IF("Year earlier successful", "Year earlier cases concluded"),
     "SCO rate a year before: Year earlier successful / Year earlier cases concluded (a "
     "formula)."},
    {"Failure demand cost", F_FAILURE_DEMAND_COST, K_MONEY, NULL,
     "Failure contacts x the pack's failure_contact_cost (Settings); empty when it is not "
     "configured."},
};
#define NFIG ((int)(sizeof figure_cols / sizeof figure_cols[0]))

/* A goal's own columns (struct view_goal), before and after its figures. */
enum goal_field { G_GOAL = F_END, G_JOURNEYS, G_SCO_TARGET };

static struct val goal_cell(const void *ctx, size_t i, int field)
{
	const struct view_goal *g = &((const struct view *)ctx)->goals[i];
	if (field < F_END)
		return figure_value(&g->f, (enum fig_field)field);
	switch ((enum goal_field)field) {
	case G_GOAL:
		return v_text(g->goal);
	case G_JOURNEYS:
		return v_names(g->journeys, g->njourneys);
	case G_SCO_TARGET:
		return v_real(g->sco_target);
	}
	no_field();
}

static const struct col goal_head[] = {
    {"Goal", G_GOAL, K_TEXT, NULL, "The customer's life goal, in the customer's own words."},
    {"Journeys", G_JOURNEYS, K_LIST, NULL,
     "The journeys that serve this goal, separated by \"; \"."},
};
static const struct col goal_tail[] = {
    {"SCO target", G_SCO_TARGET, K_PCT, NULL,
     "The goal's SCO target: its journeys' target when they share one, otherwise their targets "
     "weighted by "
     "cases concluded. The SCO rate is filled red below it, green at or above it."},
};
enum journey_field {
	J_JOURNEY = F_END,
	J_GOAL,
	J_SCO_TARGET,
	J_PROMISE_DAYS,
	J_MAX_FAILURE_CONTACTS
};

static struct val journey_cell(const void *ctx, size_t i, int field)
{
	const struct view_journey *j = &((const struct view *)ctx)->journeys[i];
	if (field < F_END)
		return figure_value(&j->f, (enum fig_field)field);
	switch ((enum journey_field)field) {
	case J_JOURNEY:
		return v_text(j->journey);
	case J_GOAL:
		return v_text(j->goal);
	case J_SCO_TARGET:
		return v_real(j->sco_target);
	case J_PROMISE_DAYS:
		return v_real(j->promise_days);
	case J_MAX_FAILURE_CONTACTS:
		return v_count(j->max_failure_contacts);
	}
	no_field();
}

static const struct col journey_head[] = {
    {"Journey", J_JOURNEY, K_TEXT, NULL, "The journey (the customer's case type)."},
    {"Goal", J_GOAL, K_TEXT, NULL, "The life goal the journey serves."},
};
static const struct col journey_tail[] = {
    {"SCO target", J_SCO_TARGET, K_PCT, NULL,
     "The share of successful outcomes aimed for. The SCO rate is filled red below it, green at or "
     "above it."},
    {"Promise days", J_PROMISE_DAYS, K_NUM, NULL,
     "Days within which the customer expects the outcome; empty when no promise is set."},
    {"Max failure contacts", J_MAX_FAILURE_CONTACTS, K_INT, NULL,
     "Failure contacts a case may have and still count as successful."},
};

enum watermelon_field {
	W_DEPARTMENT,
	W_JOURNEY,
	W_GREEN_SHARE,
	W_CASES,
	W_SUCCESSFUL,
	W_SCO_RATE,
	W_SCO_TARGET,
	W_SHORTFALL_PTS
};

static struct val watermelon_cell(const void *ctx, size_t i, int field)
{
	const struct view_watermelon *w = &((const struct view *)ctx)->watermelons[i];
	switch ((enum watermelon_field)field) {
	case W_DEPARTMENT:
		return v_text(w->department);
	case W_JOURNEY:
		return v_text(w->journey);
	case W_GREEN_SHARE:
		return v_real(w->green_share);
	case W_CASES:
		return v_count(w->cases);
	case W_SUCCESSFUL:
		return v_count(w->successful);
	case W_SCO_RATE:
		return v_real(w->sco_rate);
	case W_SCO_TARGET:
		return v_real(w->sco_target);
	case W_SHORTFALL_PTS:
		return v_real(w->shortfall_pts);
	}
	no_field();
}

static const struct col watermelon_cols[] = {
    {"Department", W_DEPARTMENT, K_TEXT, NULL, "The department whose dashboard looks green."},
    {"Journey", W_JOURNEY, K_TEXT, NULL,
     "The journey whose customers fare badly where they pass through it."},
    {"Department green share", W_GREEN_SHARE, K_PCT, NULL,
     "Share of the department's KPIs that are green."},
    {"Cases touched", W_CASES, K_INT, NULL,
     "Cases of the journey concluded in the period that passed through the department."},
    {"Successful", W_SUCCESSFUL, K_INT, NULL, "Successful customer outcomes among those cases."},
    {"SCO rate", W_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases touched"),
     "Successful / Cases touched (a formula): below the journey's target, filled red."},
    {"SCO target", W_SCO_TARGET, K_PCT, NULL, "The journey's SCO target."},
    {"Shortfall in points", W_SHORTFALL_PTS, K_PTS,
     "IF([SCO rate]=\"\",\"\",([SCO target]-[SCO rate])*100)",
     "(SCO target - SCO rate) x 100, in percentage points (a formula). Rows are most severe "
     "first."},
};

enum department_field {
	D_DEPARTMENT,
	D_KPIS,
	D_GREEN,
	D_AMBER,
	D_RED,
	D_GREEN_SHARE,
	D_CASES_TOUCHED,
	D_SUCCESSFUL_TOUCHED,
	D_SCO_RATE_TOUCHED,
	D_FAILURE_CONTACTS
};

static struct val department_cell(const void *ctx, size_t i, int field)
{
	const struct view_department *d = &((const struct view *)ctx)->departments[i];
	switch ((enum department_field)field) {
	case D_DEPARTMENT:
		return v_text(d->department);
	case D_KPIS:
		return v_count(d->kpis);
	case D_GREEN:
		return v_count(d->green);
	case D_AMBER:
		return v_count(d->amber);
	case D_RED:
		return v_count(d->red);
	case D_GREEN_SHARE:
		return v_real(d->green_share);
	case D_CASES_TOUCHED:
		return v_count(d->cases_touched);
	case D_SUCCESSFUL_TOUCHED:
		return v_count(d->successful_touched);
	case D_SCO_RATE_TOUCHED:
		return v_real(d->sco_rate_touched);
	case D_FAILURE_CONTACTS:
		return v_count(d->failure_contacts);
	}
	no_field();
}

static const struct col department_cols[] = {
    {"Department", D_DEPARTMENT, K_TEXT, NULL,
     "A department with KPIs in the period or that handled a row of a case concluded in it."},
    {"KPIs", D_KPIS, K_INT, NULL, "The department's KPIs of the period."},
    {"Green", D_GREEN, K_INT, NULL, "KPIs at or better than target."},
    {"Amber", D_AMBER, K_INT, NULL, "KPIs worse than target but within the tolerance."},
    {"Red", D_RED, K_INT, NULL, "KPIs worse than target beyond the tolerance."},
    {"Green share", D_GREEN_SHARE, K_PCT, RATE_IF("Green", "KPIs"),
     "Green / KPIs (a formula; empty with no KPIs)."},
    {"Cases touched", D_CASES_TOUCHED, K_INT, NULL,
     "Cases concluded in the period that passed through the department."},
    {"Successful touched", D_SUCCESSFUL_TOUCHED, K_INT, NULL,
     "Successful customer outcomes among the cases touched."},
    {"SCO rate touched", D_SCO_RATE_TOUCHED, K_PCT, RATE_IF("Successful touched", "Cases touched"),
     "Successful touched / Cases touched (a formula): how customers fared whose case passed "
     "through the "
     "department."},
    {"Failure contacts", D_FAILURE_CONTACTS, K_INT, NULL,
     "Failure-demand rows the department handled in cases concluded in the period."},
};

enum kpi_field {
	KP_DEPARTMENT,
	KP_KPI,
	KP_PERIOD,
	KP_ACTUAL,
	KP_TARGET,
	KP_DIRECTION,
	KP_UNIT,
	KP_KIND,
	KP_TOLERANCE,
	KP_STATUS,
	KP_JOURNEYS,
	KP_REGION
};

static struct val kpi_cell(const void *ctx, size_t i, int field)
{
	const struct view_kpi *k = &((const struct view *)ctx)->kpis[i];
	switch ((enum kpi_field)field) {
	case KP_DEPARTMENT:
		return v_text(k->department);
	case KP_KPI:
		return v_text(k->kpi);
	case KP_PERIOD:
		return v_text(k->period.label);
	case KP_ACTUAL:
		return v_real(k->actual);
	case KP_TARGET:
		return v_real(k->target);
	case KP_DIRECTION:
		return v_text(k->direction);
	case KP_UNIT:
		return v_text(k->unit);
	case KP_KIND:
		return v_text(k->kind);
	case KP_TOLERANCE:
		return v_real(k->tolerance);
	case KP_STATUS:
		return v_text(k->status);
	case KP_JOURNEYS:
		return v_names(k->journeys, k->njourneys);
	case KP_REGION:
		return v_text(k->region);
	}
	no_field();
}

static const struct col kpi_cols[] = {
    {"Department", KP_DEPARTMENT, K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", KP_KPI, K_TEXT, NULL, "The KPI's name."},
    {"Period", KP_PERIOD, K_TEXT, NULL, "The period the KPI's value belongs to."},
    {"Actual", KP_ACTUAL, K_NUM, NULL, "The KPI's value for the period, in its unit."},
    {"Target", KP_TARGET, K_NUM, NULL, "The KPI's target, in its unit."},
    {"Direction", KP_DIRECTION, K_TEXT, NULL,
     "'higher' when higher is better, 'lower' when lower is better."},
    {"Unit", KP_UNIT, K_TEXT, NULL, "The KPI's unit; empty when none."},
    {"Kind", KP_KIND, K_TEXT, NULL,
     "'output' for a KPI that measures motion (activity), 'outcome' for one that measures impact."},
    {"Tolerance", KP_TOLERANCE, K_PCT, NULL,
     "How far from target, as a share of the target, still counts as amber rather than red."},
    {"Status", KP_STATUS, K_TEXT, NULL,
     "green: at or better than target; amber: within the tolerance; red: beyond it. Filled in its "
     "colour."},
    {"Journeys served", KP_JOURNEYS, K_LIST, NULL,
     "The journeys the KPI is meant to serve, separated by \"; \"; see their SCO rate on the "
     "Journeys sheet."},
    {"Region", KP_REGION, K_TEXT, NULL, "The KPI's region; empty when it covers every region."},
};

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

/* The Data quality sheet's tables, written row by row (put_data_quality). */
enum file_field { FI_FILE, FI_ROWS_READ, FI_ROWS_REJECTED, FI_ROWS_KEPT };
static const struct col file_cols[] = {
    {"File", FI_FILE, K_TEXT, NULL, "An input file."},
    {"Rows read", FI_ROWS_READ, K_INT, NULL, "Data rows read from the file (the header excluded)."},
    {"Rows rejected", FI_ROWS_REJECTED, K_INT, NULL,
     "Rows left out because of an issue listed below."},
    {"Rows kept", FI_ROWS_KEPT, K_INT, "[Rows read]-[Rows rejected]",
     "Rows read - Rows rejected (a formula)."},
};
enum wbnote_field { WN_SHEET, WN_CELL, WN_NOTE };
static const struct col wbnote_cols[] = {
    {"Sheet", WN_SHEET, K_TEXT, NULL, "The workbook sheet the note is about."},
    {"Cell", WN_CELL, K_TEXT, NULL, "The cell or rows concerned."},
    {"Note", WN_NOTE, K_TEXT, NULL,
     "What the workbook could not show as it is in the data: cases beyond Excel's row limit, texts "
     "cut to "
     "Excel's cell limit, bytes that were not UTF-8."},
};
/* The Data quality sheet's one table of everything rejected or noted. */
enum issue_field {
	IS_ROW,
	IS_KIND,
	IS_FILE,
	IS_LINE,
	IS_COLUMN,
	IS_CASE,
	IS_CUSTOMER,
	IS_VALUE,
	IS_MESSAGE
};
static const struct col issue_cols[] = {
    {"Row", IS_ROW, K_TEXT, NULL,
     "rejected: the row was left out of every figure; kept: the row counts, but deserves a "
     "look."},
    {"Kind", IS_KIND, K_TEXT, NULL,
     "What kind of problem (\"bad timestamp\", \"unknown customer\"...): filter on it."},
    {"File", IS_FILE, K_TEXT, NULL, "The input file."},
    {"Line", IS_LINE, K_PLAIN, NULL,
     "The row's line in the file (counting from 1, the header included); empty when the note is "
     "about the whole file."},
    {"Column", IS_COLUMN, K_TEXT, NULL,
     "The column at fault, by its header in the file (\"column 5\" when the file has no "
     "header for it); empty for a whole-row problem."},
    {"Case", IS_CASE, K_TEXT, NULL, "The case the row belongs to; empty when not known."},
    {"Customer", IS_CUSTOMER, K_TEXT, NULL,
     "The customer the row names (customer_id); empty when none."},
    {"Value", IS_VALUE, K_TEXT, NULL, "The offending value, as found in the file."},
    {"Message", IS_MESSAGE, K_TEXT, NULL,
     "What is wrong: what was expected and what was found (for a note: what was kept but "
     "deserves a look, such as unknown columns, superseded KPIs, unknown customers, rows of a "
     "case that disagree)."},
};
enum def_field { DF_SHEET, DF_COLUMN, DF_MEANING };

static struct val def_cell(const void *ctx, size_t i, int field)
{
	const struct def *d = &((const struct defs *)ctx)->v[i];
	switch ((enum def_field)field) {
	case DF_SHEET:
		return v_text(d->sheet);
	case DF_COLUMN:
		return v_text(d->column);
	case DF_MEANING:
		return v_text(d->meaning);
	}
	no_field();
}

static const struct col def_cols[] = {
    {"Sheet", DF_SHEET, K_TEXT, NULL, "The sheet the column is on."},
    {"Column", DF_COLUMN, K_TEXT, NULL, "The column's header (on Summary: the figure's label)."},
    {"Meaning", DF_MEANING, K_TEXT, NULL,
     "What the column counts, over which cases, and how it is computed."},
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The Goals or Journeys columns: head, the journey figures, tail. The caller frees. */
static struct col *figure_table(const struct col *head, int nh, const struct col *tail, int nt,
                                int *n)
{
	struct col *c = xcalloc((size_t)(nh + NFIG + nt), sizeof *c);
	memcpy(c, head, (size_t)nh * sizeof *c);
	memcpy(c + nh, figure_cols, (size_t)NFIG * sizeof *c);
	memcpy(c + nh + NFIG, tail, (size_t)nt * sizeof *c);
	*n = nh + NFIG + nt;
	return c;
}

/* ---- Summary ------------------------------------------------------------- */

/* The totals' figures beyond the journey figures (struct view_totals). */
enum total_field {
	T_KPI_GREEN_SHARE = F_END,
	T_PERCEPTION_GAP_PTS,
	T_MOTION_SHARE,
	T_CUSTOMERS_START, /* the growth figures, from here: empty without customers */
	T_CUSTOMERS_END,
	T_JOINERS,
	T_LEAVERS,
	T_NET_GROWTH,
	T_VALUE_END,
	T_SCO_CASES_KNOWN,
	T_SCO_CASES_LEFT,
	T_CHURN_AFTER_SCO,
	T_UNSUCCESSFUL_CASES_KNOWN,
	T_UNSUCCESSFUL_CASES_LEFT,
	T_CHURN_AFTER_UNSUCCESSFUL,
	T_CHURN_RATIO
};

static struct val totals_value(const struct view_totals *t, int field)
{
	const struct view_growth *g = &t->growth;
	if (field < F_END)
		return figure_value(&t->f, (enum fig_field)field);
	if (field >= T_CUSTOMERS_START && !t->have_growth)
		return v_none();
	switch ((enum total_field)field) {
	case T_KPI_GREEN_SHARE:
		return v_real(t->kpi_green_share);
	case T_PERCEPTION_GAP_PTS:
		return v_real(t->perception_gap_pts);
	case T_MOTION_SHARE:
		return v_real(t->motion_share);
	case T_CUSTOMERS_START:
		return v_count(g->customers_start);
	case T_CUSTOMERS_END:
		return v_count(g->customers_end);
	case T_JOINERS:
		return v_count(g->joiners);
	case T_LEAVERS:
		return v_count(g->leavers);
	case T_NET_GROWTH:
		return v_whole(g->net_growth);
	case T_VALUE_END:
		return v_real(g->value_end);
	case T_SCO_CASES_KNOWN:
		return v_count(g->sco_cases_known);
	case T_SCO_CASES_LEFT:
		return v_count(g->sco_cases_left);
	case T_CHURN_AFTER_SCO:
		return v_real(g->churn_after_sco);
	case T_UNSUCCESSFUL_CASES_KNOWN:
		return v_count(g->unsuccessful_cases_known);
	case T_UNSUCCESSFUL_CASES_LEFT:
		return v_count(g->unsuccessful_cases_left);
	case T_CHURN_AFTER_UNSUCCESSFUL:
		return v_real(g->churn_after_unsuccessful);
	case T_CHURN_RATIO:
		return v_real(g->churn_ratio);
	}
	no_field();
}

/*
 * A Summary figure: field is a fig_field or a total_field. formula uses {0}
 * and {1} for the Value cells of the figures a and b.
 */
struct fig {
	const char *label;
	int field;
	enum kind kind;
	const char *def;
	const char *formula; /* NULL: the value itself */
	int a, b;
};

#define FIG_RATE "IF({1}=0,\"\",{0}/{1})"
#define FIG_CHANGE "IF(OR({0}=\"\",{1}=\"\"),\"\",({0}-{1})*100)"
#define NO_FORMULA NULL, 0, 0

static const struct fig summary_figs[] = {
    {"Cases started", F_CASES_STARTED, K_INT, "Cases whose start lies in the period.", NO_FORMULA},
    {"Cases concluded", F_CASES_CONCLUDED, K_INT, "Cases whose end lies in the period.",
     NO_FORMULA},
    {"Successful outcomes", F_SUCCESSFUL, K_INT,
     "Concluded cases with a successful customer outcome: achieved, within the promise, without "
     "too much "
     "failure demand.",
     NO_FORMULA},
    {"SCO rate (successful customer outcome rate)", F_SCO_RATE, K_PCT,
     "Successful outcomes / Cases concluded: did customers get what they came for? (a formula)",
     FIG_RATE, F_SUCCESSFUL, F_CASES_CONCLUDED},
    {"SCO rate, 95 % interval from", F_SCO_CI_LOW, K_PCT,
     "Lower end of the 95 % Wilson score interval of the SCO rate.", NO_FORMULA},
    {"SCO rate, 95 % interval to", F_SCO_CI_HIGH, K_PCT,
     "Upper end of the 95 % Wilson score interval of the SCO rate.", NO_FORMULA},
    {"Previous period: cases concluded", F_PREV_CASES_CONCLUDED, K_INT,
     "Cases concluded in the previous period.", NO_FORMULA},
    {"Previous period: successful outcomes", F_PREV_SUCCESSFUL, K_INT,
     "Successful outcomes concluded in the previous period.", NO_FORMULA},
    {"Previous period: SCO rate", F_PREV_SCO_RATE, K_PCT,
     "The previous period's successful outcomes / its cases concluded (a formula).", FIG_RATE,
     F_PREV_SUCCESSFUL, F_PREV_CASES_CONCLUDED},
    {"Change in SCO rate vs previous period (points)", F_SCO_CHANGE_PTS, K_PTS,
     "(SCO rate - previous SCO rate) x 100, in percentage points (a formula).", FIG_CHANGE,
     F_SCO_RATE, F_PREV_SCO_RATE},
    {"Change is real, not noise", F_CHANGE_SIGNIFICANT, K_BOOL,
     "TRUE when a two-proportion z-test finds the change significant at 95 %.", NO_FORMULA},
    {"Achieved", F_ACHIEVED, K_INT, "Concluded cases with the outcome 'achieved'.", NO_FORMULA},
    {"Failed", F_FAILED, K_INT, "Concluded cases with the outcome 'failed'.", NO_FORMULA},
    {"Abandoned", F_ABANDONED, K_INT, "Concluded cases with the outcome 'abandoned'.", NO_FORMULA},
    {"Open at the period's end", F_OPEN, K_INT,
     "Cases started by the period's end and not concluded by it.", NO_FORMULA},
    {"Median days to outcome", F_MEDIAN_DAYS, K_DAYS,
     "Median days to outcome of the achieved cases.", NO_FORMULA},
    {"90th percentile days to outcome", F_P90_DAYS, K_DAYS,
     "Nine in ten achieved cases took no longer than this many days.", NO_FORMULA},
    {"Contacts", F_CONTACTS, K_INT,
     "Rows of the event log in the cases concluded in the period: every touchpoint, back-office "
     "ones included.",
     NO_FORMULA},
    {"Failure contacts", F_FAILURE_CONTACTS, K_INT,
     "Contacts caused by a failure to do something or do it right (failure demand).", NO_FORMULA},
    {"Failure demand share", F_FAILURE_DEMAND_SHARE, K_PCT,
     "Failure contacts / Contacts (a formula).", FIG_RATE, F_FAILURE_CONTACTS, F_CONTACTS},
    {"Contacts per case", F_CONTACTS_PER_CASE, K_RATIO, "Contacts / Cases concluded (a formula).",
     FIG_RATE, F_CONTACTS, F_CASES_CONCLUDED},
    {"Hand-offs", F_HANDOFFS, K_INT,
     "Hand-offs between departments in the cases concluded in the period.", NO_FORMULA},
    {"Hand-offs per case", F_HANDOFFS_PER_CASE, K_RATIO, "Hand-offs / Cases concluded (a formula).",
     FIG_RATE, F_HANDOFFS, F_CASES_CONCLUDED},
    {"Customers lost after an unsuccessful outcome", F_CUSTOMERS_LOST, K_INT,
     "Distinct customers who left within the churn window after an unsuccessful case concluded in "
     "the period.",
     NO_FORMULA},
    {"Value lost", F_VALUE_LOST, K_MONEY, "Annual value of the customers lost.", NO_FORMULA},
    {"Value at risk", F_VALUE_AT_RISK, K_MONEY,
     "Annual value of customers with an unsuccessful case who are still customers.", NO_FORMULA},
    {"KPI green share", T_KPI_GREEN_SHARE, K_PCT,
     "Share of all the period's KPIs that are green: how the dashboards look.", NO_FORMULA},
    {"Perception gap (points)", T_PERCEPTION_GAP_PTS, K_PTS,
     "(KPI green share - SCO rate) x 100 (a formula): how much greener the dashboards look than "
     "customers' "
     "lives.",
     FIG_CHANGE, T_KPI_GREEN_SHARE, F_SCO_RATE},
    {"Motion share (KPIs measuring output)", T_MOTION_SHARE, K_PCT,
     "Share of the period's KPIs of kind 'output': they measure activity, not impact.", NO_FORMULA},
    {"Customers at the start", T_CUSTOMERS_START, K_INT,
     "Customers who joined before the period and had not left before it started. Empty without a "
     "customers "
     "file (as are the growth figures below).",
     NO_FORMULA},
    {"Customers at the end", T_CUSTOMERS_END, K_INT,
     "Customers who joined by the period's last day and had not left by it.", NO_FORMULA},
    {"Joiners", T_JOINERS, K_INT, "Customers who joined within the period.", NO_FORMULA},
    {"Leavers", T_LEAVERS, K_INT, "Customers who left within the period.", NO_FORMULA},
    {"Net growth", T_NET_GROWTH, K_INT,
     "Customers at the end - customers at the start (a formula).",
     "IF(OR({0}=\"\",{1}=\"\"),\"\",{0}-{1})", T_CUSTOMERS_END, T_CUSTOMERS_START},
    {"Value of customers at the end", T_VALUE_END, K_MONEY,
     "Annual value of the customers at the period's end.", NO_FORMULA},
    {"Successful cases with a known customer", T_SCO_CASES_KNOWN, K_INT,
     "Successful cases concluded in the period whose customer is in the customers file.",
     NO_FORMULA},
    {"Successful cases whose customer left within the window", T_SCO_CASES_LEFT, K_INT,
     "Of those, the cases whose customer left within the churn window.", NO_FORMULA},
    {"Churn after a successful outcome", T_CHURN_AFTER_SCO, K_PCT,
     "Share of successful cases whose customer left within the window (a formula).", FIG_RATE,
     T_SCO_CASES_LEFT, T_SCO_CASES_KNOWN},
    {"Unsuccessful cases with a known customer", T_UNSUCCESSFUL_CASES_KNOWN, K_INT,
     "Unsuccessful cases concluded in the period whose customer is in the customers file.",
     NO_FORMULA},
    {"Unsuccessful cases whose customer left within the window", T_UNSUCCESSFUL_CASES_LEFT, K_INT,
     "Of those, the cases whose customer left within the churn window.", NO_FORMULA},
    {"Churn after an unsuccessful outcome", T_CHURN_AFTER_UNSUCCESSFUL, K_PCT,
     "Share of unsuccessful cases whose customer left within the window (a formula).", FIG_RATE,
     T_UNSUCCESSFUL_CASES_LEFT, T_UNSUCCESSFUL_CASES_KNOWN},
    {"Churn ratio (how much likelier to leave)", T_CHURN_RATIO, K_RATIO,
     "Churn after an unsuccessful outcome / churn after a successful one (a formula).",
     "IF(OR({0}=\"\",{1}=\"\",{0}=0),\"\",{1}/{0})", T_CHURN_AFTER_SCO, T_CHURN_AFTER_UNSUCCESSFUL},
};
#define NSUMFIG N(summary_figs)

/* The Summary row of the figure showing field. */
static int summary_row(int field)
{
	for (int i = 0; i < NSUMFIG; i++)
		if (summary_figs[i].field == field)
			return i;
	abort(); /* a formula over a figure the Summary does not list: a bug any test shows */
}

/* The figure's formula with {0} and {1} as plain references to the Value column (B) of its
 * inputs, or NULL. */
static char *fig_formula(const struct fig *f, lxw_row_t first)
{
	if (!f->formula)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	for (const char *p = f->formula; *p;) {
		if (*p != '{') {
			strbuf_putc(&b, *p++);
			continue;
		}
		int row = summary_row(p[1] == '0' ? f->a : f->b);
		strbuf_printf(&b, "B%u", (unsigned)(first + (lxw_row_t)row + 1));
		p += 3; /* "{0}" */
	}
	return strbuf_detach(&b);
}

#define CASES_LISTED_DEF                                                                           \
	"Cases concluded in a period of the trend window or open at the report period's end: one " \
	"row each on the Cases sheet (continued on Cases (2)... past Excel's 1,048,576 rows)."
#define CASES_LISTED_LABEL "Cases listed on the Cases sheets"

/* The context rows above the figures on the Summary sheet. */
enum info_field {
	I_PERIOD,
	I_PREVIOUS,
	I_ORGANISATION,
	I_REGION,
	I_DATA_FROM,
	I_DATA_TO,
	I_CURRENCY
};
static const struct {
	const char *label;
	enum info_field field;
	enum kind kind;
	const char *def;
} info[] = {
    {"Period", I_PERIOD, K_TEXT, "The report period."},
    {"Previous period", I_PREVIOUS, K_TEXT, "The period compared with."},
    {"Organisation", I_ORGANISATION, K_TEXT, "Whose pack this is."},
    {"Region", I_REGION, K_TEXT,
     "The region of a regional pack; empty for the whole organisation."},
    {"Data from", I_DATA_FROM, K_DATE, "First date in the case data."},
    {"Data to", I_DATA_TO, K_DATE, "Last date in the case data: the date the data runs to."},
    {"Currency", I_CURRENCY, K_TEXT, "The currency of the money figures (ISO 4217)."},
};

static struct val info_value(const struct view *v, enum info_field field)
{
	switch (field) {
	case I_PERIOD:
		return v_text(v->period.label);
	case I_PREVIOUS:
		return v_text(v->previous.label);
	case I_ORGANISATION:
		return v_text(v->organisation);
	case I_REGION:
		return v_text(v->region);
	case I_DATA_FROM:
		return v_day_of(v->data_from_ms);
	case I_DATA_TO:
		return v_day_of(v->data_to_ms);
	case I_CURRENCY:
		return v_text(v->currency);
	}
	no_field();
}

enum summary_field { SC_FIGURE, SC_VALUE, SC_HOW };
static const struct col summary_cols[] = {
    {"Figure", SC_FIGURE, K_TEXT, NULL, "The figure, in plain words."},
    {"Value", SC_VALUE, K_NUM, NULL, "Its value for the period (rates formatted as percentages)."},
    {"How it is computed", SC_HOW, K_TEXT, NULL,
     "What it counts and how; '(a formula)' when Value is one."},
};

/* The Summary table's rows: the context, the figures, the cases listed. */
struct summary_rows {
	const struct view *v;
	long listed;
};

static struct val summary_cell(const void *ctx, size_t i, int field)
{
	const struct summary_rows *s = ctx;
	size_t nfig = (size_t)NSUMFIG, ninfo = (size_t)N(info);
	const char *label = CASES_LISTED_LABEL, *how = CASES_LISTED_DEF;
	struct val value = v_count(s->listed);
	if (i < ninfo) {
		label = info[i].label;
		how = info[i].def;
		value = info_value(s->v, info[i].field);
	} else if (i < ninfo + nfig) {
		label = summary_figs[i - ninfo].label;
		how = summary_figs[i - ninfo].def;
		value = totals_value(&s->v->totals, summary_figs[i - ninfo].field);
	}
	switch ((enum summary_field)field) {
	case SC_FIGURE:
		return v_text(label);
	case SC_VALUE:
		return value;
	case SC_HOW:
		return v_text(how);
	}
	no_field();
}

static void put_summary(struct xw *x, struct sheet *sh, const struct view *v, const char *title,
                        long listed)
{
	struct strbuf b = STRBUF_INIT;
	put_title(x, sh, 0, 0, title, x->title);
	strbuf_printf(&b, "%s · %s · %s", or_empty(v->organisation), v->period.label,
	              v->region ? v->region : "whole organisation");
	put_title(x, sh, 1, 0, strbuf_str(&b), NULL);
	put_title(x, sh, 2, 0,
	          "Rates are formulas over the counts beside them, with their value stored; the "
	          "charts use the "
	          "Journeys and Departments sheets.",
	          x->italic);

	/* The context rows, then the figures: Figure, Value, How it is computed. The table writes
	 * each Value as a plain number (or text), which is typed per figure below. */
	lxw_row_t head = 4, first = head + 1 + N(info);
	struct summary_rows ctx = {v, listed};
	struct rows rows = {(size_t)(N(info) + NSUMFIG + 1), summary_cell, &ctx};
	lxw_row_t last =
	    put_table(x, sh, head, "tblSummary", summary_cols, N(summary_cols), &rows, "");
	/* Re-type the Value column per figure, and write the rates as formulas over the counts. */
	for (int i = 0; i < N(info); i++)
		put_value(x, sh, head + 1 + (lxw_row_t)i, 1, info[i].kind,
		          info_value(v, info[i].field));
	for (int i = 0; i < NSUMFIG; i++) {
		const struct fig *f = &summary_figs[i];
		lxw_row_t r = first + (lxw_row_t)i;
		struct val value = totals_value(&v->totals, f->field);
		char *formula = fig_formula(f, first);
		if (formula)
			put_formula(x, sh, r, 1, f->kind, formula, value);
		else
			put_value(x, sh, r, 1, f->kind, value);
		free(formula);
	}
	put_number(x, sh, last, 1, K_INT, (double)listed);
	worksheet_freeze_panes(sh->ws, head + 1, 0);
	strbuf_free(&b);
}

/* ---- Goals, Journeys and the trend --------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The union of the journeys' trend periods, sorted (labels of one length sort as periods). The
 * caller frees the array. */
static const char **trend_periods(const struct view *v, size_t *n)
{
	size_t cap = 8, cnt = 0;
	const char **p = xreallocarray(NULL, cap, sizeof *p);
	for (size_t i = 0; i < v->njourneys; i++) {
		const struct view_figures *f = &v->journeys[i].f;
		for (size_t j = 0; j < f->ntrend; j++) {
			if (cnt == cap)
				p = xreallocarray(p, cap *= 2, sizeof *p);
			p[cnt++] = f->trend[j].period.label;
		}
	}
	qsort(p, cnt, sizeof *p, cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < cnt; i++)
		if (!u || strcmp(p[u - 1], p[i]) != 0)
			p[u++] = p[i];
	*n = u;
	return p;
}

/* The trend table's rows, a period each: field 0 is the period, field j + 1 journey j's rate. */
struct trend_table {
	const struct view *v;
	const char **per;
};

/* The SCO rate of a journey in a period (of its last trend point there), or none. */
static struct val trend_rate(const struct view_figures *f, const char *period)
{
	struct val rate = v_none();
	for (size_t k = 0; k < f->ntrend; k++)
		if (strcmp(f->trend[k].period.label, period) == 0)
			rate = v_real(f->trend[k].sco_rate);
	return rate;
}

static struct val trend_table_cell(const void *ctx, size_t i, int field)
{
	const struct trend_table *t = ctx;
	if (field == 0)
		return v_text(t->per[i]);
	if (field < 0 || (size_t)field > t->v->njourneys)
		no_field();
	return trend_rate(&t->v->journeys[field - 1].f, t->per[i]);
}

static const lxw_color_t line_colors[] = {0x08306B, 0xE08214, 0x4D4D4D, 0x8073AC,
                                          0xB35806, 0x1B7837, 0x9E9E9E};
static const uint8_t line_dashes[] = {LXW_CHART_LINE_DASH_SOLID, LXW_CHART_LINE_DASH_DASH,
                                      LXW_CHART_LINE_DASH_ROUND_DOT, LXW_CHART_LINE_DASH_LONG_DASH,
                                      LXW_CHART_LINE_DASH_DASH_DOT};
static const uint8_t line_markers[] = {LXW_CHART_MARKER_CIRCLE, LXW_CHART_MARKER_SQUARE,
                                       LXW_CHART_MARKER_TRIANGLE, LXW_CHART_MARKER_DIAMOND,
                                       LXW_CHART_MARKER_X};

/* The line chart of the trend table (header at row head of sh, nper periods, nj journeys),
 * placed on the Summary sheet. */
static void trend_chart(struct xw *x, struct sheet *sh, lxw_row_t head, size_t nper, size_t nj,
                        struct sheet *summary)
{
	lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
	for (size_t j = 0; j < nj; j++) {
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sh->name, head + 1, 0, head + (lxw_row_t)nper, 0);
		chart_series_set_values(s, sh->name, head + 1, (lxw_col_t)(j + 1),
		                        head + (lxw_row_t)nper, (lxw_col_t)(j + 1));
		chart_series_set_name_range(s, sh->name, head, (lxw_col_t)(j + 1));
		lxw_chart_line line = {.color = line_colors[j % N(line_colors)],
		                       .width = 2.25f,
		                       .dash_type = line_dashes[j % N(line_dashes)]};
		chart_series_set_line(s, &line);
		chart_series_set_marker_type(s, line_markers[j % N(line_markers)]);
		chart_series_set_marker_size(s, 7);
		lxw_chart_fill mf = {.color = line_colors[j % N(line_colors)]};
		chart_series_set_marker_fill(s, &mf);
	}
	chart_title_set_name(ch, "SCO rate by journey");
	chart_axis_set_num_format(ch->y_axis, "0%");
	chart_axis_set_min(ch->y_axis, 0);
	chart_axis_set_max(ch->y_axis, 1);
	chart_axis_set_name(ch->y_axis, "SCO rate");
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options co = {.x_scale = 1.4, .y_scale = 1.4};
	check(x, worksheet_insert_chart_opt(summary->ws, 4, 4, ch, &co), "inserting a chart");
}

/*
 * The trend table under the journeys (a period per row, a journey's SCO
 * rate per column) and the line chart of it, placed on the Summary sheet.
 */
static void put_trend(struct xw *x, struct sheet *sh, lxw_row_t row0, const struct view *v,
                      struct sheet *summary, struct defs *defs)
{
	size_t nper, nj = v->njourneys;
	const char **per = trend_periods(v, &nper);
	put_title(
	    x, sh, row0, 0,
	    "SCO rate by period (the chart on the Summary sheet is drawn from this table; the "
	    "Trend sheet has the counts)",
	    x->title);
	lxw_row_t head = row0 + 1;
	int n = (int)nj + 1;
	struct col *cols = xcalloc((size_t)n, sizeof *cols);
	cols[0] = (struct col){"Period", 0, K_TEXT, NULL, "The period."};
	/* put_table makes the headers valid (cleaned, unique ignoring case) */
	for (size_t j = 0; j < nj; j++)
		cols[j + 1] =
		    (struct col){or_empty(v->journeys[j].journey), (int)j + 1, K_PCT, NULL, NULL};
	struct trend_table t = {v, per};
	struct rows rows = {nper, trend_table_cell, &t};
	put_table(x, sh, head, "tblTrendByJourney", cols, n, &rows,
	          "No period has concluded cases.");
	add_def(defs, sh->name, "Period (trend table)",
	        "A period with concluded cases, among the last 8 up to the report period, "
	        "oldest first.");
	add_def(defs, sh->name, "<journey> (trend table)",
	        "The journey's SCO rate in that period (successful / cases concluded); "
	        "empty when it had no concluded cases then.");
	if (nper && nj)
		trend_chart(x, sh, head, nper, nj, summary);
	free(cols);
	free(per);
}

static void put_figure_sheet(struct xw *x, struct sheet *sh, const char *table,
                             const struct col *cols, int n, const struct rows *rows,
                             int target_field, const char *none)
{
	lxw_row_t last = put_table(x, sh, 0, table, cols, n, rows, none);
	int rate = col_of(cols, n, F_SCO_RATE), target = col_of(cols, n, target_field);
	if (rows->n && rate >= 0 && target >= 0)
		cond_target(x, sh, 1, last, (lxw_col_t)rate, (lxw_col_t)target);
	worksheet_freeze_panes(sh->ws, 1, 0);
}

/* ---- Regions and Decisions (second edition) -------------------------------- */

enum region_field { RG_REGION = F_END };

static struct val region_cell(const void *ctx, size_t i, int field)
{
	const struct view_region *r = &((const struct view *)ctx)->regions[i];
	if (field < F_END)
		return figure_value(&r->f, (enum fig_field)field);
	switch ((enum region_field)field) {
	case RG_REGION:
		return v_text(r->region);
	}
	no_field();
}

static const struct col region_head[] = {
    {"Region", RG_REGION, K_TEXT, NULL,
     "The region (regions[] of the JSON): its figures are those of its own regional pack. "
     "Regions worst SCO rate first; cases with no region are in no row."},
};

/* The failure-demand touchpoints of each goal, then of the whole pack. */
struct touchpoint_row {
	const char *goal;
	const struct view_touchpoint *t;
};
enum touchpoint_field { TP_GOAL, TP_TOUCHPOINT, TP_CONTACTS };

static struct val touchpoint_cell(const void *ctx, size_t i, int field)
{
	const struct touchpoint_row *r = &((const struct touchpoint_row *)ctx)[i];
	switch ((enum touchpoint_field)field) {
	case TP_GOAL:
		return v_text(r->goal);
	case TP_TOUCHPOINT:
		return v_text(r->t->touchpoint);
	case TP_CONTACTS:
		return v_count(r->t->contacts);
	}
	no_field();
}

static const struct col touchpoint_cols[] = {
    {"Goal", TP_GOAL, K_TEXT, NULL,
     "The goal whose cases concluded in the period had these failure-demand rows; \"(all "
     "goals)\" for the whole pack."},
    {"Touchpoint", TP_TOUCHPOINT, K_TEXT, NULL,
     "The touchpoint of failure-demand rows (empty when none was recorded): why customers had "
     "to contact us again. At most five per goal, most first, ties by name."},
    {"Failure contacts", TP_CONTACTS, K_INT, NULL, "Failure-demand rows with that touchpoint."},
};

enum action_field {
	A_ACTION,
	A_OWNER,
	A_GOAL,
	A_DUE,
	A_STATUS,
	A_REGION,
	A_GOAL_FOUND,
	A_PREV_SCO_RATE,
	A_SCO_RATE,
	A_LINE
};

static struct val action_cell(const void *ctx, size_t i, int field)
{
	const struct view_action *a = &((const struct view *)ctx)->actions[i];
	switch ((enum action_field)field) {
	case A_ACTION:
		return v_text(a->action);
	case A_OWNER:
		return v_text(a->owner);
	case A_GOAL:
		return v_text(a->goal);
	case A_DUE:
		return v_day(a->due_day);
	case A_STATUS:
		return v_text(a->status);
	case A_REGION:
		return v_text(a->region);
	case A_GOAL_FOUND:
		return v_flag(a->goal_found);
	case A_PREV_SCO_RATE:
		return v_real(a->prev_sco_rate);
	case A_SCO_RATE:
		return v_real(a->sco_rate);
	case A_LINE:
		return v_count(a->line);
	}
	no_field();
}

static const struct col action_cols[] = {
    {"Action", A_ACTION, K_TEXT, NULL, "What the board decided (actions.csv)."},
    {"Owner", A_OWNER, K_TEXT, NULL, "Who owns the action (a person, role or department)."},
    {"Goal", A_GOAL, K_TEXT, NULL, "The goal or journey it serves, as actions.csv names it."},
    {"Due", A_DUE, K_DATE, NULL, "When it is due."},
    {"Status", A_STATUS, K_TEXT, NULL, "open, done, late or dropped."},
    {"Region", A_REGION, K_TEXT, NULL, "The region it is for; empty: every region."},
    {"Goal found", A_GOAL_FOUND, K_BOOL, NULL,
     "TRUE when the goal names a goal or journey of the pack."},
    {"Previous SCO rate", A_PREV_SCO_RATE, K_PCT, NULL,
     "The goal's SCO rate in the previous period (then)."},
    {"SCO rate", A_SCO_RATE, K_PCT, NULL, "The goal's SCO rate in the period (now)."},
    {"Line", A_LINE, K_PLAIN, NULL, "The action's line in actions.csv."},
};

/* The rows of each goal's story, one after the other. */
struct story_line {
	const char *goal;
	const struct view_story *s;
	const struct view_story_row *r;
};
enum story_field {
	ST_GOAL,
	ST_CASE,
	ST_JOURNEY,
	ST_TIME,
	ST_TOUCHPOINT,
	ST_DEPARTMENT,
	ST_CHANNEL,
	ST_FAILURE_DEMAND,
	ST_OUTCOME,
	ST_LINE
};

static struct val story_cell(const void *ctx, size_t i, int field)
{
	const struct story_line *l = &((const struct story_line *)ctx)[i];
	switch ((enum story_field)field) {
	case ST_GOAL:
		return v_text(l->goal);
	case ST_CASE:
		return v_text(l->s->case_id);
	case ST_JOURNEY:
		return v_text(l->s->journey);
	case ST_TIME:
		return v_time(l->r->time_ms);
	case ST_TOUCHPOINT:
		return v_text(l->r->touchpoint);
	case ST_DEPARTMENT:
		return v_text(l->r->department);
	case ST_CHANNEL:
		return v_text(l->r->channel);
	case ST_FAILURE_DEMAND:
		return v_flag(l->r->failure_demand);
	case ST_OUTCOME:
		return v_text(l->r->outcome);
	case ST_LINE:
		return v_count(l->r->line);
	}
	no_field();
}

static const struct col story_cols[] = {
    {"Goal", ST_GOAL, K_TEXT, NULL,
     "The goal told through one customer's eyes: its median unsuccessful case of the period by "
     "contacts (ties by case id)."},
    {"Case", ST_CASE, K_TEXT, NULL, "The case's id (no customer id: ids only)."},
    {"Journey", ST_JOURNEY, K_TEXT, NULL, "The journey of the case told."},
    {"Time", ST_TIME, K_TIME, NULL, "When the touchpoint happened (UTC)."},
    {"Touchpoint", ST_TOUCHPOINT, K_TEXT, NULL, "What happened at that touchpoint."},
    {"Department", ST_DEPARTMENT, K_TEXT, NULL, "The department that handled the touchpoint."},
    {"Channel", ST_CHANNEL, K_TEXT, NULL, "How the customer was in touch (phone, web, ...)."},
    {"Failure demand", ST_FAILURE_DEMAND, K_BOOL, NULL, "TRUE for a failure-demand contact."},
    {"Outcome", ST_OUTCOME, K_TEXT, NULL, "The outcome the row gave, if any."},
    {"Line", ST_LINE, K_PLAIN, NULL, "The row's line in the event log."},
};

/* The touchpoints' rows and the stories' rows of the Decisions sheet. The caller frees both. */
static void decision_rows(const struct view *v, struct touchpoint_row **tps, size_t *ntps,
                          struct story_line **lines, size_t *nlines)
{
	size_t nt = v->totals.f.ntouchpoints, nl = 0;
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_story *s = v->goals[i].story;
		nt += v->goals[i].f.ntouchpoints;
		nl += s && s->has_rows ? s->nrows : 0;
	}
	*tps = xcalloc(nt ? nt : 1, sizeof **tps);
	*lines = xcalloc(nl ? nl : 1, sizeof **lines);
	*ntps = *nlines = 0;
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_goal *g = &v->goals[i];
		const char *goal = or_empty(g->goal);
		for (size_t k = 0; k < g->f.ntouchpoints; k++)
			(*tps)[(*ntps)++] = (struct touchpoint_row){goal, &g->f.touchpoints[k]};
		for (size_t k = 0; g->story && g->story->has_rows && k < g->story->nrows; k++)
			(*lines)[(*nlines)++] =
			    (struct story_line){goal, g->story, &g->story->rows[k]};
	}
	for (size_t k = 0; k < v->totals.f.ntouchpoints; k++)
		(*tps)[(*ntps)++] =
		    (struct touchpoint_row){"(all goals)", &v->totals.f.touchpoints[k]};
}

/*
 * Decisions: the second edition's lists behind the board's page — failure-demand touchpoints
 * by goal, the board's actions, and each goal's case told through the customer's eyes.
 */
static void put_decisions(struct xw *x, struct sheet *sh, const struct view *v)
{
	struct touchpoint_row *tps;
	struct story_line *lines;
	size_t ntps, nlines;
	decision_rows(v, &tps, &ntps, &lines, &nlines);
	struct rows tp_rows = {ntps, touchpoint_cell, tps};
	struct rows action_rows = {v->has_actions ? v->nactions : 0, action_cell, v};
	struct rows story_rows = {nlines, story_cell, lines};
	lxw_row_t r = put_table(x, sh, 0, "tblFailureTouchpoints", touchpoint_cols,
	                        N(touchpoint_cols), &tp_rows, "No failure demand in the period.");
	r = put_table(x, sh, r + 3, "tblActions", action_cols, N(action_cols), &action_rows,
	              v->has_actions ? "The actions file lists no action for this pack."
	                             : "No actions file was given ([inputs] actions).");
	put_table(x, sh, r + 3, "tblStories", story_cols, N(story_cols), &story_rows,
	          "No goal had an unsuccessful case, or the cases came from cases.csv.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	free(tps);
	free(lines);
}

/* ---- Departments --------------------------------------------------------- */

static void put_departments(struct xw *x, struct sheet *sh, const struct view *v,
                            struct sheet *summary)
{
	struct rows rows = {v->ndepartments, department_cell, v};
	put_table(x, sh, 0, "tblDepartments", department_cols, N(department_cols), &rows,
	          "No department has KPIs or cases in this period.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	size_t n = v->ndepartments;
	if (!n)
		return;
	/* Greyscale: dark green, light amber, red hatched, so that print tells them apart too. */
	static const struct {
		enum department_field field;
		lxw_color_t color;
		uint8_t pattern;
	} st[] = {{D_GREEN, 0x1B7837, 0},
	          {D_AMBER, 0xFDB863, 0},
	          {D_RED, 0xB2182B, LXW_CHART_PATTERN_WIDE_UPWARD_DIAGONAL}};
	lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_BAR_STACKED);
	for (int i = 0; i < 3; i++) {
		lxw_col_t c = (lxw_col_t)col_of(department_cols, N(department_cols), st[i].field);
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sh->name, 1, 0, (lxw_row_t)n, 0);
		chart_series_set_values(s, sh->name, 1, c, (lxw_row_t)n, c);
		chart_series_set_name_range(s, sh->name, 0, c);
		if (st[i].pattern) {
			lxw_chart_pattern p = {
			    .fg_color = st[i].color, .bg_color = 0xFFFFFF, .type = st[i].pattern};
			chart_series_set_pattern(s, &p);
		} else {
			lxw_chart_fill f = {.color = st[i].color};
			chart_series_set_fill(s, &f);
		}
		lxw_chart_line border = {.color = 0x262626, .width = 0.75f};
		chart_series_set_line(s, &border);
	}
	chart_title_set_name(ch, "KPI status by department");
	chart_axis_set_name(ch->x_axis, "KPIs");
	chart_axis_set_num_format(ch->x_axis, "0");
	chart_axis_set_min(ch->x_axis, 0);
	chart_axis_set_reverse(ch->y_axis);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options co = {.x_scale = 1.4, .y_scale = 1.4};
	check(x, worksheet_insert_chart_opt(summary->ws, 27, 4, ch, &co), "inserting a chart");
}

/* ---- Cases, Touches, Customers: the long tables ---------------------------- */

static long rows_max = ROWS_MAX;

void xlsx_test_case_limit(long n)
{
	rows_max = n > 0 && n < ROWS_MAX ? n : ROWS_MAX;
}

static double excel_time(int64_t ms)
{
	return (double)ms / 86400000.0 + 25569.0;
}

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

static char *rb_room(struct rowbuf *b, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->len < n)
			cap *= 2;
		b->s = xreallocarray(b->s, cap, 1);
		b->cap = cap;
	}
	return b->s + b->len;
}

static void rb_put(struct rowbuf *b, const char *s, size_t n)
{
	memcpy(rb_room(b, n), s, n);
	b->len += n;
}

#define RB_LIT(b, lit) rb_put((b), (lit), sizeof(lit) - 1)

static size_t put_digits(char *p, uint64_t v)
{
	char d[24];
	size_t n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		p[i] = d[n - 1 - i];
	return n;
}

static void rb_uint(struct rowbuf *b, uint64_t v)
{
	b->len += put_digits(rb_room(b, 24), v);
}

/*
 * num / den (den > 0) as a decimal of 16 significant digits, correctly
 * rounded, trailing zeros dropped: an instant or a duration in days from
 * milliseconds, exact where printing the double would cost a printf.
 */
static void rb_ratio(struct rowbuf *b, uint64_t num, uint64_t den)
{
	char d[40];
	int n = 0, point = -1, sig = 0;
	uint64_t q = num / den, rem = num % den;
	n = (int)put_digits(d, q);
	sig = q ? n : 0;
	point = n;
	while (rem && sig < 16 && n < 36) {
		rem *= 10; /* rem < den <= 2^63 / 10 for the callers' denominators */
		int digit = (int)(rem / den);
		rem %= den;
		d[n++] = (char)('0' + digit);
		if (sig || digit)
			sig++;
	}
	if (rem && rem * 2 >= den) { /* round the last digit up, carrying */
		int i = n - 1;
		while (i >= 0 && d[i] == '9')
			d[i--] = '0';
		if (i >= 0)
			d[i]++;
		else {
			memmove(d + 1, d, (size_t)n++);
			d[0] = '1';
			point++;
		}
	}
	while (n > point && d[n - 1] == '0')
		n--;
	char *p = rb_room(b, (size_t)n + 1);
	memcpy(p, d, (size_t)point);
	size_t len = (size_t)point;
	if (n > point) {
		p[len++] = '.';
		memcpy(p + len, d + point, (size_t)(n - point));
		len += (size_t)(n - point);
	}
	b->len += len;
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

static void textcache_free(struct textcache *tc)
{
	for (size_t i = 0; i < tc->cap; i++) {
		free(tc->slot[i].key);
		free(tc->slot[i].xml);
	}
	free(tc->slot);
	*tc = (struct textcache){0};
}

/* s escaped for XML as an inline string's text (s is clean: valid UTF-8, no forbidden
 * character), with the cell's end. */
static void rb_inline(struct rowbuf *b, const char *s, size_t n)
{
	bool pad = n && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]));
	if (pad)
		RB_LIT(b, "<is><t xml:space=\"preserve\">");
	else
		RB_LIT(b, "<is><t>");
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
	RB_LIT(b, "</t></is></c>");
}

/* A long sheet's rows: the open row in buf, handed to the stream when the next one starts. */
struct rowsink {
	struct zpar *z;
	struct rowbuf buf;
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
	zpar_put(k->z, k->buf.s, k->buf.len);
	k->buf.len = 0;
	k->row = 0;
}

/* Opens cell (r, c) up to its type: `<c` with a reference after a gap, and the style. */
static void sink_cell(struct rowsink *k, lxw_row_t r, lxw_col_t c, const char *attrs, size_t alen)
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
		RB_LIT(b, "<c");
	} else {
		char name[16];
		lxw_col_to_name(name, c, LXW_FALSE);
		RB_LIT(b, "<c r=\"");
		rb_put(b, name, strlen(name));
		rb_uint(b, (uint64_t)r + 1);
		rb_put(b, "\"", 1);
	}
	rb_put(b, attrs, alen);
	k->col = c;
	if (c > k->last_col)
		k->last_col = c;
}

/* Text of ASCII letters, digits and punctuation only (no '_', which may start an _xHHHH_ escape):
 * nothing to clean, one character a byte. */
static bool plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '_')
			return false;
	}
	return n <= (size_t)CELL_CHARS;
}

static void long_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s || !*s)
		return;
	size_t n = strlen(s);
	long chars = (long)n;
	const char *t = s;
	if (!plain_ascii(s, n)) {
		char cell[LXW_MAX_CELL_NAME_LENGTH];
		lxw_rowcol_to_cell(cell, r, c);
		t = clean_text(x, s, CELL_CHARS, sh->name, cell, &chars);
		n = strlen(t);
		if (!n)
			return;
	}
	sink_cell(sh->sink, r, c, " t=\"inlineStr\">", 15);
	rb_inline(&sh->sink->buf, t, n);
	measure(sh, c, (double)chars);
}

/* A text that repeats down the table: cleaned and escaped the first time only. */
static void long_shared(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s || !*s)
		return;
	struct textcache *tc = &x->texts;
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
				break;
			}
		}
	}
	if (e) {
		sink_cell(sh->sink, r, c, " t=\"inlineStr\">", 15);
		rb_put(&sh->sink->buf, e->xml, e->xmllen);
		measure(sh, c, (double)e->chars);
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
	}
	size_t j = (size_t)h & (tc->cap - 1);
	while (tc->slot[j].key)
		j = (j + 1) & (tc->cap - 1);
	struct rowbuf xml = {0};
	rb_inline(&xml, s, n);
	tc->slot[j] = (struct cached_text){
	    .key = xstrdup(s), .xml = xml.s, .xmllen = xml.len, .chars = chars, .hash = h};
	tc->used++;
	sink_cell(sh->sink, r, c, " t=\"inlineStr\">", 15);
	rb_put(&sh->sink->buf, xml.s, xml.len);
	measure(sh, c, (double)chars);
}

static int count_digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* The cell's style attribute and the end of its opening tag, for a number of kind k. */
static void number_attrs(struct xw *x, enum kind k, const char **a, size_t *n)
{
	if (!x->num_attr[k][0]) {
		int32_t xf = x->fmt[k] ? lxw_format_get_xf_index(x->fmt[k]) : 0;
		if (xf > 0)
			snprintf(x->num_attr[k], sizeof x->num_attr[k], " s=\"%d\"><v>", (int)xf);
		else
			snprintf(x->num_attr[k], sizeof x->num_attr[k], "><v>");
	}
	*a = x->num_attr[k];
	*n = strlen(*a);
}

static void long_number(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                        double v)
{
	if (isnan(v) || isinf(v))
		return;
	const char *a;
	size_t an;
	number_attrs(x, k, &a, &an);
	sink_cell(sh->sink, r, c, a, an);
	struct rowbuf *b = &sh->sink->buf;
	bool whole = v >= 0 && v < 1e15 && v == floor(v);
	if (whole) {
		rb_uint(b, (uint64_t)v);
	} else {
		char *p = rb_room(b, 32);
		b->len += (size_t)snprintf(p, 32, "%.16G", v);
	}
	RB_LIT(b, "</v></c>");
	if (whole && (k == K_INT || k == K_MONEY)) {
		int w = count_digits((uint64_t)v);
		w += (w - 1) / 3;
		measure(sh, c, (double)w + (k == K_MONEY ? (double)x->money_chars : 0));
	} else {
		measure(sh, c, shown_width(x, k, v));
	}
}

#define MS_PER_DAY 86400000ULL

/* An instant (ms since the epoch) as Excel's serial date and time. */
static void long_time(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, int64_t ms)
{
	if (ms < -(int64_t)(EPOCH_SERIAL * MS_PER_DAY)) {
		long_number(x, sh, r, c, K_TIME, excel_time(ms));
		return;
	}
	const char *a;
	size_t an;
	number_attrs(x, K_TIME, &a, &an);
	sink_cell(sh->sink, r, c, a, an);
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
	const char *a;
	size_t an;
	number_attrs(x, K_DAYS, &a, &an);
	sink_cell(sh->sink, r, c, a, an);
	rb_ratio(&sh->sink->buf, (uint64_t)ms, MS_PER_DAY);
	RB_LIT(&sh->sink->buf, "</v></c>");
	double v = (double)ms / (double)MS_PER_DAY;
	measure(sh, c, (double)count_digits((uint64_t)(v + 0.005)) + 3);
}

static void long_bool(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, int v)
{
	if (v < 0)
		return;
	if (!x->bool_attr[0])
		snprintf(x->bool_attr, sizeof x->bool_attr, " s=\"%d\" t=\"b\"><v>",
		         (int)lxw_format_get_xf_index(x->fmt[K_BOOL]));
	sink_cell(sh->sink, r, c, x->bool_attr, strlen(x->bool_attr));
	if (v)
		RB_LIT(&sh->sink->buf, "1</v></c>");
	else
		RB_LIT(&sh->sink->buf, "0</v></c>");
	measure(sh, c, 5);
}

/*
 * A table that may outgrow a sheet: it continues on "Cases (2)", "Cases (3)"...
 * (tables tblCases, tblCases2...), each with the header row, so that nothing
 * is dropped. Its sheets are created in constant_memory mode and written row
 * by row.
 */
struct longtab {
	const char *name, *table; /* "Cases", "tblCases" */
	const struct col *cols;
	int ncols;
	const char *none; /* said beside the empty table */
	long total;       /* rows counted before writing */
	long done;        /* rows written */
	long dropped;     /* rows beyond the sheets laid out (more than counted) */
	struct sheet *sheets;
	int nsheets;
	char **names; /* the sheets' names */
};

static int longtab_sheets(const struct longtab *t)
{
	long n = (t->total + rows_max - 1) / rows_max;
	return n < 1 ? 1 : (int)n;
}

/* The sheet and row of the next row of t, or NULL when its sheets are full. */
static struct sheet *longtab_next(struct longtab *t, lxw_row_t *row)
{
	long s = t->done / rows_max;
	if (s >= t->nsheets) {
		t->dropped++;
		return NULL;
	}
	*row = (lxw_row_t)(t->done % rows_max) + 1;
	t->done++;
	return &t->sheets[s];
}

static void free_sink(struct rowsink *k)
{
	if (!k)
		return;
	zpar_free(k->z);
	free(k->buf.s);
	free(k);
}

/* The tables over the rows written, and each sheet's rows finished. */
static void longtab_finish(struct xw *x, struct longtab *t)
{
	for (int s = 0; s < t->nsheets; s++) {
		struct sheet *sh = &t->sheets[s];
		long rows = t->done - (long)s * rows_max;
		rows = rows > rows_max ? rows_max : rows < 0 ? 0 : rows;
		lxw_row_t last = (lxw_row_t)(rows ? rows : 1);
		sink_end_row(sh->sink);
		int e = zpar_finish(sh->sink->z);
		if (e && x->err == LXW_NO_ERROR) {
			x->err = LXW_ERROR_CREATING_TMPFILE;
			x->err_what = "writing a sheet's rows to a temporary file";
			x->sys_err = e;
		}
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

static void put_case(struct xw *x, struct longtab *cases, struct longtab *touches,
                     const struct xlsx_case *k)
{
	lxw_row_t r;
	struct sheet *sh = longtab_next(cases, &r);
	if (!sh)
		return;
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

/* ---- Trend, Heat map, KPIs served, Settings ------------------------------- */

/* A row of the Trend sheet: a trend point of the whole pack, a goal or a journey. */
struct trend_line {
	const char *level, *name;
	const struct view_trend_point *p;
};
enum trend_field { TR_LEVEL, TR_NAME, TR_PERIOD, TR_CASES_CONCLUDED, TR_SUCCESSFUL, TR_SCO_RATE };

static struct val trend_cell(const void *ctx, size_t i, int field)
{
	const struct trend_line *l = &((const struct trend_line *)ctx)[i];
	switch ((enum trend_field)field) {
	case TR_LEVEL:
		return v_text(l->level);
	case TR_NAME:
		return v_text(l->name);
	case TR_PERIOD:
		return v_text(l->p->period.label);
	case TR_CASES_CONCLUDED:
		return v_count(l->p->cases_concluded);
	case TR_SUCCESSFUL:
		return v_count(l->p->successful);
	case TR_SCO_RATE:
		return v_real(l->p->sco_rate);
	}
	no_field();
}

static const struct col trend_cols[] = {
    {"Level", TR_LEVEL, K_TEXT, NULL, "journey, goal, or whole (every case of the pack)."},
    {"Name", TR_NAME, K_TEXT, NULL,
     "The journey, the goal, or the pack (the organisation or the region)."},
    {"Period", TR_PERIOD, K_TEXT, NULL,
     "A period with concluded cases, among the last 8 up to the report period, oldest first."},
    {"Cases concluded", TR_CASES_CONCLUDED, K_INT, NULL, "Cases concluded in the period."},
    {"Successful", TR_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the period."},
    {"SCO rate", TR_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful / Cases concluded (a formula)."},
};

static void trend_lines(struct trend_line *lines, size_t *n, const char *level, const char *name,
                        const struct view_figures *f)
{
	for (size_t i = 0; i < f->ntrend; i++)
		lines[(*n)++] = (struct trend_line){level, or_empty(name), &f->trend[i]};
}

/* The Trend sheet: per journey, goal and the whole pack, per period, the counts and the rate. */
static void put_trend_sheet(struct xw *x, struct sheet *sh, const struct view *v)
{
	size_t cap = v->totals.f.ntrend, n = 0;
	for (size_t i = 0; i < v->ngoals; i++)
		cap += v->goals[i].f.ntrend;
	for (size_t i = 0; i < v->njourneys; i++)
		cap += v->journeys[i].f.ntrend;
	struct trend_line *lines = xcalloc(cap ? cap : 1, sizeof *lines);
	const char *org = v->organisation;
	trend_lines(lines, &n, "whole",
	            v->region     ? v->region
	            : org && *org ? org
	                          : "Whole organisation",
	            &v->totals.f);
	for (size_t i = 0; i < v->ngoals; i++)
		trend_lines(lines, &n, "goal", v->goals[i].goal, &v->goals[i].f);
	for (size_t i = 0; i < v->njourneys; i++)
		trend_lines(lines, &n, "journey", v->journeys[i].journey, &v->journeys[i].f);
	struct rows rows = {n, trend_cell, lines};
	put_table(x, sh, 0, "tblTrend", trend_cols, N(trend_cols), &rows,
	          "No period has concluded cases.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	free(lines);
}

enum heat_field { H_JOURNEY, H_DEPARTMENT, H_CASES, H_SUCCESSFUL, H_SCO_RATE };

static struct val heat_cell(const void *ctx, size_t i, int field)
{
	const struct view_cell *c = ((const struct view_cell *const *)ctx)[i];
	switch ((enum heat_field)field) {
	case H_JOURNEY:
		return v_text(c->journey);
	case H_DEPARTMENT:
		return v_text(c->department);
	case H_CASES:
		return v_count(c->cases);
	case H_SUCCESSFUL:
		return v_count(c->successful);
	case H_SCO_RATE:
		return v_real((double)c->successful / (double)c->cases);
	}
	no_field();
}

static const struct col heat_cols[] = {
    {"Journey", H_JOURNEY, K_TEXT, NULL, "The journey."},
    {"Department", H_DEPARTMENT, K_TEXT, NULL, "A department its cases passed through."},
    {"Cases", H_CASES, K_INT, NULL,
     "Cases of the journey concluded in the period that touched the department."},
    {"Successful", H_SUCCESSFUL, K_INT, NULL, "Successful customer outcomes among them."},
    {"SCO rate", H_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases"),
     "Successful / Cases (a formula): the heat map of the PDF, where journeys break."},
};

/* The heat map as a table: one row per journey and department with cases. */
static void put_heatmap(struct xw *x, struct sheet *sh, const struct view *v)
{
	size_t ncells = v->njourneys * v->ndepartments, n = 0;
	const struct view_cell **cells = xcalloc(ncells ? ncells : 1, sizeof *cells);
	for (size_t i = 0; i < ncells; i++)
		if (v->cells[i].cases)
			cells[n++] = &v->cells[i];
	struct rows rows = {n, heat_cell, cells};
	lxw_row_t last = put_table(x, sh, 0, "tblHeatMap", heat_cols, N(heat_cols), &rows,
	                           "No case concluded in the period.");
	if (n) {
		lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
		                             .min_color = 0xF8696B,
		                             .mid_color = 0xFFEB84,
		                             .max_color = 0x63BE7B,
		                             .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
		                             .min_value = 0,
		                             .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
		                             .max_value = 1};
		check(x, worksheet_conditional_format_range(sh->ws, 1, 4, last, 4, &cf),
		      "adding conditional formatting");
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	free(cells);
}

/* A KPI with a journey it serves, and that journey's figures (NULL: not a journey of the pack). */
struct served_line {
	const struct view_kpi *k;
	const char *journey;
	const struct view_journey *found;
};
enum served_field { SV_DEPARTMENT, SV_KPI, SV_STATUS, SV_JOURNEY, SV_SCO_RATE, SV_SCO_TARGET };

static struct val served_cell(const void *ctx, size_t i, int field)
{
	const struct served_line *l = &((const struct served_line *)ctx)[i];
	switch ((enum served_field)field) {
	case SV_DEPARTMENT:
		return v_text(l->k->department);
	case SV_KPI:
		return v_text(l->k->kpi);
	case SV_STATUS:
		return v_text(l->k->status);
	case SV_JOURNEY:
		return v_text(l->journey);
	case SV_SCO_RATE:
		return l->found ? v_real(l->found->f.sco_rate) : v_none();
	case SV_SCO_TARGET:
		return l->found ? v_real(l->found->sco_target) : v_none();
	}
	no_field();
}

static const struct col served_cols[] = {
    {"Department", SV_DEPARTMENT, K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", SV_KPI, K_TEXT, NULL, "The KPI's name."},
    {"Status", SV_STATUS, K_TEXT, NULL, "The KPI's status (green, amber or red)."},
    {"Journey served", SV_JOURNEY, K_TEXT, NULL,
     "A journey the KPI is meant to serve: one row per KPI and journey."},
    {"Journey SCO rate", SV_SCO_RATE, K_PCT, NULL,
     "The journey's SCO rate in the period (the Journeys sheet); empty when it had no concluded "
     "cases or is not a journey of the pack."},
    {"Journey SCO target", SV_SCO_TARGET, K_PCT, NULL, "The journey's SCO target."},
};

/* Whether two names are the same (both missing, or equal). */
static bool same_name(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Beside the KPIs: each KPI with the SCO rate of each journey it serves (the last journey of the
 * name). */
static void put_kpis_served(struct xw *x, struct sheet *sh, lxw_col_t col0, const struct view *v)
{
	size_t cap = 0, n = 0;
	for (size_t i = 0; i < v->nkpis; i++)
		cap += v->kpis[i].njourneys;
	struct served_line *lines = xcalloc(cap ? cap : 1, sizeof *lines);
	for (size_t i = 0; i < v->nkpis; i++) {
		const struct view_kpi *k = &v->kpis[i];
		for (size_t j = 0; j < k->njourneys; j++) {
			const struct view_journey *found = NULL;
			for (size_t m = 0; m < v->njourneys; m++)
				if (same_name(v->journeys[m].journey, k->journeys[j]))
					found = &v->journeys[m];
			lines[n++] = (struct served_line){k, k->journeys[j], found};
		}
	}
	struct rows rows = {n, served_cell, lines};
	lxw_row_t last = put_table_at(x, sh, 0, col0, "tblKPIJourneys", served_cols, N(served_cols),
	                              &rows, "No KPI names a journey it serves.");
	if (n) {
		cond_status(x, sh, 1, last, col0 + 2);
		cond_target(x, sh, 1, last, col0 + 4, col0 + 5);
	}
	free(lines);
}

/* KPIs measured in percent hold fractions shown as percentages (87.8 % is 0.878). */
static void kpi_percentages(struct xw *x, struct sheet *sh, const struct view *v)
{
	int actual = col_of(kpi_cols, N(kpi_cols), KP_ACTUAL);
	int target = col_of(kpi_cols, N(kpi_cols), KP_TARGET);
	for (size_t i = 0; i < v->nkpis; i++) {
		const struct view_kpi *k = &v->kpis[i];
		if (!k->unit || strcmp(k->unit, "%") != 0)
			continue;
		lxw_row_t r = (lxw_row_t)i + 1;
		if (v_real(k->actual).t == V_NUM)
			put_number(x, sh, r, (lxw_col_t)actual, K_PCT, k->actual / 100);
		if (v_real(k->target).t == V_NUM)
			put_number(x, sh, r, (lxw_col_t)target, K_PCT, k->target / 100);
	}
}

/* The Settings sheet's rows: every setting the figures depend on. */
enum setting_row {
	SR_PERIOD,
	SR_PREVIOUS,
	SR_PERIOD_LENGTH,
	SR_REGION,
	SR_DATA_FROM,
	SR_DATA_TO,
	SR_MIN_CASES,
	SR_CHURN_WINDOW_DAYS,
	SR_GREEN_SHARE_THRESHOLD,
	SR_SCO_TARGET,
	SR_TOLERANCE,
	SR_FAILURE_CONTACT_COST,
	SR_CURRENCY
};
static const struct {
	const char *setting, *meaning;
	enum setting_row row;
	enum kind kind;
} settings[] = {
    {"period", "The report period.", SR_PERIOD, K_TEXT},
    {"previous period", "The period the report period is compared with.", SR_PREVIOUS, K_TEXT},
    {"period_length", "How the data is cut into periods: month, quarter or year.", SR_PERIOD_LENGTH,
     K_TEXT},
    {"region", "The region of a regional pack; empty for the whole organisation.", SR_REGION,
     K_TEXT},
    {"data from", "The first date in the case data.", SR_DATA_FROM, K_DATE},
    {"data to", "The last date in the case data: the date the data runs to.", SR_DATA_TO, K_DATE},
    {"min_cases",
     "Journeys with fewer cases concluded are low volume; a watermelon needs at least this "
     "many cases of the journey through the department.",
     SR_MIN_CASES, K_INT},
    {"churn_window_days",
     "A customer who leaves within this many days of a case's end counts as lost after it "
     "(Cases: Left within window).",
     SR_CHURN_WINDOW_DAYS, K_INT},
    {"green_share_threshold",
     "A department at least this share green counts as green when looking for watermelons.",
     SR_GREEN_SHARE_THRESHOLD, K_PCT},
    {"sco_target", "The SCO target of the journeys that set none (Journeys: SCO target).",
     SR_SCO_TARGET, K_PCT},
    {"tolerance",
     "The amber band around a KPI's target, as a share of the target, for KPIs that set "
     "none (KPIs: Tolerance).",
     SR_TOLERANCE, K_PCT},
    {"failure_contact_cost",
     "The cost of one failure contact, in the pack's currency: failure demand cost = "
     "failure "
     "contacts x this; empty when not configured.",
     SR_FAILURE_CONTACT_COST, K_MONEY},
    {"currency", "The currency of the money figures (ISO 4217).", SR_CURRENCY, K_TEXT},
};

static struct val setting_value(const struct view *v, enum setting_row row)
{
	const struct view_settings *st = &v->settings;
	switch (row) {
	case SR_PERIOD:
		return v_text(v->period.label);
	case SR_PREVIOUS:
		return v_text(v->previous.label);
	case SR_PERIOD_LENGTH:
		return v_text(v->period_length);
	case SR_REGION:
		return v_text(v->region);
	case SR_DATA_FROM:
		return v_day_of(v->data_from_ms);
	case SR_DATA_TO:
		return v_day_of(v->data_to_ms);
	case SR_MIN_CASES:
		return v_count(st->min_cases);
	case SR_CHURN_WINDOW_DAYS:
		return v_count(st->churn_window_days);
	case SR_GREEN_SHARE_THRESHOLD:
		return v_real(st->green_share_threshold);
	case SR_SCO_TARGET:
		return v_real(st->sco_target);
	case SR_TOLERANCE:
		return v_real(st->tolerance);
	case SR_FAILURE_CONTACT_COST:
		return v_real(st->failure_contact_cost);
	case SR_CURRENCY:
		return v_text(v->currency);
	}
	no_field();
}

enum setting_field { SE_SETTING, SE_VALUE, SE_MEANING };
static const struct col setting_cols[] = {
    {"Setting", SE_SETTING, K_TEXT, NULL, "The pack setting (PACK.ini, [pack])."},
    {"Value", SE_VALUE, K_NUM, NULL, "Its value for this pack."},
    {"Meaning", SE_MEANING, K_TEXT, NULL, "What it does to the figures."},
};

static struct val setting_cell(const void *ctx, size_t i, int field)
{
	(void)ctx;
	switch ((enum setting_field)field) {
	case SE_SETTING:
		return v_text(settings[i].setting);
	case SE_VALUE: /* written after the table, in the row's own kind */
		return v_none();
	case SE_MEANING:
		return v_text(settings[i].meaning);
	}
	no_field();
}

/* The Settings sheet: every setting the figures depend on. */
static void put_settings(struct xw *x, struct sheet *sh, const struct view *v)
{
	struct rows rows = {(size_t)N(settings), setting_cell, NULL};
	put_table(x, sh, 0, "tblSettings", setting_cols, N(setting_cols), &rows, "");
	for (int i = 0; i < N(settings); i++)
		put_value(x, sh, (lxw_row_t)i + 1, 1, settings[i].kind,
		          setting_value(v, settings[i].row));
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
}

/* ---- Data quality and Definitions ---------------------------------------- */

/* A text cell whose changes were noted beforehand (pre_note). */
static void put_text_quiet(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                           lxw_format *f)
{
	if (!s)
		return;
	long chars;
	const char *t = clean_text(x, s, CELL_CHARS, NULL, NULL, &chars);
	if (*t)
		check(x, worksheet_write_string(sh->ws, r, c, t, f), "writing a text cell");
	measure(sh, c, (double)chars);
}

static void pre_note(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s)
		return;
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	lxw_rowcol_to_cell(cell, r, c);
	note_text(x, sh->name, cell, scan_text(s, strlen(s)), CELL_CHARS);
}

/* A table over rows already written on a constant_memory sheet (see longtab_finish). */
static void add_table_after(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_col_t c0,
                            lxw_row_t r1, const char *name, const struct col *cols, int n,
                            bool total, const char *const *formulas)
{
	lxw_table_column *tc = xcalloc((size_t)n, sizeof *tc);
	lxw_table_column **tcp = xcalloc((size_t)n + 1, sizeof *tcp);
	for (int c = 0; c < n; c++) {
		tc[c] = (lxw_table_column){.header = (char *)cols[c].header};
		if (total && c == 0)
			tc[c].total_string = "All files";
		else if (total)
			tc[c].total_function = LXW_TABLE_FUNCTION_SUM;
		if (formulas && formulas[c])
			tc[c].formula = (char *)formulas[c];
		tcp[c] = &tc[c];
	}
	lxw_table_options to = {.name = (char *)name,
	                        .columns = tcp,
	                        .total_row = total,
	                        .style_type = LXW_TABLE_STYLE_TYPE_MEDIUM,
	                        .style_type_number = 2};
	lxw_error e;
#if LXW_VERSION_ID == 114
	uint8_t optimize = sh->ws->optimize;
	sh->ws->optimize = LXW_FALSE;
	e = worksheet_add_table(sh->ws, r0, c0, r1, c0 + (lxw_col_t)(n - 1), &to);
	sh->ws->optimize = optimize;
#else
	e = worksheet_autofilter(sh->ws, r0, c0, r1, c0 + (lxw_col_t)(n - 1));
#endif
	check(x, e, "adding a table");
	free(tcp);
	free(tc);
}

/* The Data quality sheet's contents: what it lists, in its order. */
struct dq_sheet {
	const struct view_dq *dq;
	size_t ni, nn, nrows; /* the first ni issues and nn notes are listed; nrows = ni + nn */
	const struct view_dq_file *files; /* the view's */
	size_t nf, nw;              /* files, workbook notes */
	lxw_col_t fc, wc;           /* the first columns of the files' and the notes' tables */
};

static const struct view_dq_issue *dq_row(const struct dq_sheet *d, size_t i)
{
	return i < d->ni ? &d->dq->issues[i] : &d->dq->notes[i - d->ni];
}

/* The text of a field of listed row i (a rejected row, then the notes): the column by its name
 * when the file has one; NULL: none. */
static const char *issue_text(const struct dq_sheet *d, size_t i, enum issue_field f, char buf[48])
{
	const struct view_dq_issue *is = dq_row(d, i);
	switch (f) {
	case IS_ROW:
		return i < d->ni ? "rejected" : "kept";
	case IS_KIND:
		return (is->kind);
	case IS_FILE:
		return (is->file);
	case IS_LINE: /* a number: issue_line */
		return NULL;
	case IS_COLUMN:
		if ((is->column_name))
			return is->column_name;
		if (is->column <= 0)
			return NULL;
		snprintf(buf, 48, "column %ld", is->column);
		return buf;
	case IS_CASE:
		return (is->case_id);
	case IS_CUSTOMER:
		return (is->customer_id);
	case IS_VALUE:
		return (is->value);
	case IS_MESSAGE:
		return (is->message);
	}
	no_field();
}

/* The line of listed row i: a rejected row's always, a note's when it is about one row. */
static struct val issue_line(const struct dq_sheet *d, size_t i)
{
	const struct view_dq_issue *is = dq_row(d, i);
	return i < d->ni || is->line > 0 ? v_count(is->line) : v_none();
}

static const char *wbnote_text(const struct wbnote *w, enum wbnote_field f)
{
	switch (f) {
	case WN_SHEET:
		return w->sheet;
	case WN_CELL:
		return w->cell;
	case WN_NOTE:
		return w->note;
	}
	no_field();
}


/* The rows listed (at most DQ_ROWS_MAX issues and as many notes: the others are counted in a
 * workbook note) and the files, in the view's order. */
static void dq_gather(struct xw *x, struct sheet *sh, const struct view_dq *dq, struct dq_sheet *d)
{
	d->dq = dq;
	size_t ni = dq->nissues, nn = dq->nnotes;
	long left_issues = ni > DQ_ROWS_MAX ? (long)ni - DQ_ROWS_MAX : 0;
	long left_notes = nn > DQ_ROWS_MAX ? (long)nn - DQ_ROWS_MAX : 0;
	d->ni = ni - (size_t)left_issues;
	d->nn = nn - (size_t)left_notes;
	d->nrows = d->ni + d->nn;
	if (left_issues) {
		char *n = xasprintf("%ld more rejected rows not listed (the first %ld are)",
		                    left_issues, DQ_ROWS_MAX);
		add_note(x, sh->name, "tblIssues", n);
		free(n);
	}
	if (left_notes) {
		char *n = xasprintf("%ld more notes not listed (the first %ld are)", left_notes,
		                    DQ_ROWS_MAX);
		add_note(x, sh->name, "tblIssues", n);
		free(n);
	}
	d->fc = (lxw_col_t)N(issue_cols) + 1;
	d->wc = d->fc + N(file_cols) + 1;
	d->files = dq->files;
	d->nf = dq->nfiles;
}

/* What the texts below will need noting, first: the notes table is beside them (the sheet is
 * written row by row). Then the workbook notes are complete. */
static void dq_pre_notes(struct xw *x, struct sheet *sh, lxw_row_t head, struct dq_sheet *d)
{
	char buf[48];
	for (size_t i = 0; i < d->nrows; i++)
		for (int c = 0; c < N(issue_cols); c++)
			pre_note(x, sh, head + 1 + (lxw_row_t)i, (lxw_col_t)c,
			         issue_text(d, i, (enum issue_field)issue_cols[c].field, buf));
	for (size_t i = 0; i < d->nf; i++)
		pre_note(x, sh, head + 1 + (lxw_row_t)i, d->fc, d->files[i].file);
	if (x->notes_dropped) {
		char *n = xasprintf("%ld more workbook notes not listed", x->notes_dropped);
		note_at(x, "", "", n, true);
		free(n);
		x->notes_dropped = 0;
	}
	d->nw = x->nnotes;
}

/* Rows 1 and 2: what is said above the tables, never as a data row; then the tables' header
 * row. */
static void dq_heading(struct xw *x, struct sheet *sh, lxw_row_t head, const struct dq_sheet *d)
{
	long nread = d->dq->rows_read, nrej = d->dq->rows_rejected;
	size_t nnotes = d->dq->nnotes;
	char a[32], b[32], c3[32];
	char *said;
	if (!nrej && !nnotes)
		said = xasprintf("Nothing rejected, nothing noted: all %s rows read were kept.",
		                 thousands(nread, a));
	else
		said = xasprintf(
		    "%s of %s rows read rejected (left out of every figure); %s note%s on "
		    "rows kept. One row each below.",
		    thousands(nrej, a), thousands(nread, b), thousands((long)nnotes, c3),
		    nnotes == 1 ? "" : "s");
	put_title(x, sh, 0, 0, "Data quality", x->title);
	put_title(x, sh, 1, 0, said, NULL);
	free(said);
	put_title(x, sh, 1, d->wc,
	          d->nw ? "Notes on this workbook: what the sheets could not show as it is"
	                : "Notes on this workbook: none (every text is shown in full).",
	          x->italic);
	if (!d->nf)
		put_title(x, sh, 1, d->fc, "No file was read.", x->italic);
	for (int c = 0; c < N(issue_cols); c++)
		put_text(x, sh, head, (lxw_col_t)c, issue_cols[c].header, x->hdr);
	for (int c = 0; c < N(file_cols); c++)
		put_text(x, sh, head, d->fc + (lxw_col_t)c, file_cols[c].header, x->hdr);
	for (int c = 0; c < N(wbnote_cols); c++)
		put_text(x, sh, head, d->wc + (lxw_col_t)c, wbnote_cols[c].header, x->hdr);
	for (int c = 0; c < N(issue_cols); c++)
		measure(sh, (lxw_col_t)c, (double)utf8_chars(issue_cols[c].header) + 3);
}

static const char dq_kept_formula[] =
    "tblFiles[[#This Row],[Rows read]]-tblFiles[[#This Row],[Rows rejected]]";

/* Row r of the files' table: file i, or after the last the totals (the view's own figures,
 * cached by the total row's formulas). */
static void dq_file_row(struct xw *x, struct sheet *sh, lxw_row_t r, size_t i,
                        const struct dq_sheet *d)
{
	size_t flast = (d->nf ? d->nf : 1) + 1; /* data rows, then the total row */
	lxw_col_t fc = d->fc;
	if (i < d->nf) {
		const struct view_dq_file *f = &d->files[i];
		put_text_quiet(x, sh, r, fc + FI_FILE, f->file, NULL);
		put_value(x, sh, r, fc + FI_ROWS_READ, K_INT, v_count(f->rows_read));
		put_value(x, sh, r, fc + FI_ROWS_REJECTED, K_INT, v_count(f->rows_rejected));
		put_formula(x, sh, r, fc + FI_ROWS_KEPT, K_INT, dq_kept_formula,
		            v_count(f->rows_read - f->rows_rejected));
	} else if (i == flast - 1) {
		static const char *const total_formula[] = {
		    NULL, "SUBTOTAL(109,tblFiles[Rows read])",
		    "SUBTOTAL(109,tblFiles[Rows rejected])", "SUBTOTAL(109,tblFiles[Rows kept])"};
		long nread = d->dq->rows_read, nrej = d->dq->rows_rejected;
		long tot[] = {0, nread, nrej, nread - nrej};
		put_text(x, sh, r, fc, "All files", NULL);
		for (int k = 1; k < 4; k++)
			put_formula(x, sh, r, fc + (lxw_col_t)k, K_INT, total_formula[k],
			            v_count(tot[k]));
	}
}

/* Row r of the rejected rows and notes: listed row i. */
static void dq_issue_row(struct xw *x, struct sheet *sh, lxw_row_t r, size_t i,
                         const struct dq_sheet *d)
{
	char buf[48];
	for (int c = 0; c < N(issue_cols); c++) {
		enum issue_field f = (enum issue_field)issue_cols[c].field;
		if (f == IS_LINE)
			put_value(x, sh, r, (lxw_col_t)c, issue_cols[c].kind, issue_line(d, i));
		else
			put_text_quiet(x, sh, r, (lxw_col_t)c, issue_text(d, i, f, buf),
			               f == IS_MESSAGE ? x->wrap : NULL);
	}
}

/*
 * The Data quality sheet: what the run said about the data, above the
 * table; one table of every rejected row and note (header frozen, messages
 * wrapped); beside it the files read (with a total row) and the notes on
 * this workbook, their headers on the same frozen row. The sheet is written
 * row by row in constant_memory mode (a run can reject hundreds of
 * thousands of rows), so what its own texts add to the workbook notes is
 * noted before anything is written.
 */
static void put_data_quality(struct xw *x, struct sheet *sh, const struct view_dq *dq)
{
	const lxw_row_t head = 2; /* the tables' header row */
	struct dq_sheet d = {0};
	dq_gather(x, sh, dq, &d);
	dq_pre_notes(x, sh, head, &d);
	dq_heading(x, sh, head, &d);

	/* The rows, one sheet row at a time across the three tables. */
	int nic = N(issue_cols);
	size_t flast = (d.nf ? d.nf : 1) + 1;
	size_t n = d.nrows;
	if (flast > n)
		n = flast;
	if (d.nw > n)
		n = d.nw;
	lxw_col_t msg = (lxw_col_t)col_of(issue_cols, nic, IS_MESSAGE);
	for (size_t i = 0; i < n; i++) {
		lxw_row_t r = head + 1 + (lxw_row_t)i;
		if (i < d.nrows)
			dq_issue_row(x, sh, r, i, &d);
		dq_file_row(x, sh, r, i, &d);
		for (int c = 0; i < d.nw && c < N(wbnote_cols); c++)
			put_text_quiet(
			    x, sh, r, d.wc + (lxw_col_t)c,
			    wbnote_text(&x->notes[i], (enum wbnote_field)wbnote_cols[c].field),
			    NULL);
	}
	const char *const file_formulas[] = {NULL, NULL, NULL, d.nf ? dq_kept_formula : NULL};
	add_table_after(x, sh, head, 0, head + (lxw_row_t)(d.nrows ? d.nrows : 1), "tblIssues",
	                issue_cols, nic, false, NULL);
	add_table_after(x, sh, head, d.fc, head + (lxw_row_t)flast, "tblFiles", file_cols,
	                N(file_cols), true, file_formulas);
	add_table_after(x, sh, head, d.wc, head + (lxw_row_t)(d.nw ? d.nw : 1), "tblWorkbookNotes",
	                wbnote_cols, N(wbnote_cols), false, NULL);
	/* Messages wrapped, in a column of fixed width; the other texts as wide as they are. */
	worksheet_set_column(sh->ws, msg, msg, WIDTH_MAX, x->wrap);
	sh->width[msg] = 0;
	worksheet_freeze_panes(sh->ws, head + 1, 0);
	page_setup(x, sh, head);
}

/* ---- the workbook -------------------------------------------------------- */

static void make_formats(struct xw *x, const char *currency)
{
	const char *sym = NULL;
	if (currency && strcmp(currency, "GBP") == 0)
		sym = "£";
	else if (currency && strcmp(currency, "EUR") == 0)
		sym = "€";
	else if (currency && strcmp(currency, "USD") == 0)
		sym = "$";
	if (sym) {
		snprintf(x->money_sym, sizeof x->money_sym, "%s", sym);
	} else {
		/* Other codes as themselves; anything but letters is dropped, so the format stays
		 * well-formed. */
		size_t j = 0;
		for (const char *p = currency ? currency : ""; *p && j < 8; p++)
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
				x->money_sym[j++] = *p;
		if (j)
			x->money_sym[j++] = ' ';
		x->money_sym[j] = '\0';
	}
	static const char *const numfmt[K_NKINDS] = {
	    [K_INT] = "#,##0",
	    [K_RATIO] = "0.00",
	    [K_DAYS] = "0.00",
	    [K_PCT] = "0.0%",
	    [K_PTS] = "+0.0;-0.0;0.0",
	    [K_DATE] = "yyyy-mm-dd",
	    [K_TIME] = "yyyy-mm-dd hh:mm",
	    [K_PLAIN] = "0",
	    /* what Excel shows for a boolean whatever its
	       format; LibreOffice shows 1 and 0 without it */
	    [K_BOOL] = "\"TRUE\";\"TRUE\";\"FALSE\""};
	for (int k = 0; k < K_NKINDS; k++) {
		if (k == K_MONEY) {
			char f[96];
			if (*x->money_sym)
				snprintf(f, sizeof f, "\"%s\"#,##0;-\"%s\"#,##0", x->money_sym,
				         x->money_sym);
			else
				snprintf(f, sizeof f, "#,##0");
			x->fmt[k] = workbook_add_format(x->wb);
			format_set_num_format(x->fmt[k], f);
		} else if (numfmt[k]) {
			x->fmt[k] = workbook_add_format(x->wb);
			format_set_num_format(x->fmt[k], numfmt[k]);
		}
	}
	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 13);
	x->italic = workbook_add_format(x->wb);
	format_set_italic(x->italic);
	/* Table headers as the table style draws them (Medium 2), set on the cells themselves. */
	x->hdr = workbook_add_format(x->wb);
	format_set_bold(x->hdr);
	format_set_font_color(x->hdr, LXW_COLOR_WHITE);
	format_set_bg_color(x->hdr, 0x4472C4);
	format_set_bottom(x->hdr, LXW_BORDER_THIN);
	format_set_text_wrap(x->hdr);
	format_set_align(x->hdr, LXW_ALIGN_VERTICAL_TOP);
	x->wrap = workbook_add_format(x->wb);
	format_set_text_wrap(x->wrap);
	format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	/* Excel's Good, Neutral and Bad styles: the word in the cell says the same. */
	static const struct {
		lxw_color_t bg, fg;
	} fill[] = {{0xC6EFCE, 0x006100}, {0xFFEB9C, 0x9C5700}, {0xFFC7CE, 0x9C0006}};
	lxw_format **f[] = {&x->good, &x->neutral, &x->bad};
	for (int i = 0; i < 3; i++) {
		*f[i] = workbook_add_format(x->wb);
		format_set_bg_color(*f[i], fill[i].bg);
		format_set_font_color(*f[i], fill[i].fg);
	}
}

static bool writable(const char *path, const char *tmpdir)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the workbook: %s", strerror(errno));
		return false;
	}
	close(fd);
	if (tmpdir && *tmpdir && access(tmpdir, W_OK | X_OK) != 0) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "cannot write the workbook: temporary folder %s: %s", tmpdir,
		         strerror(errno));
		return false;
	}
	return true;
}

/*
 * Sheets in pack.md's order, with the analyst's tables (Trend, Heat map, Touches, Customers,
 * Settings) beside those they explain.
 */
enum {
	S_SUMMARY,
	S_GOALS,
	S_JOURNEYS,
	S_TREND,
	S_REGIONS,
	S_WATERMELONS,
	S_DEPARTMENTS,
	S_HEAT,
	S_DECISIONS,
	S_KPIS,
	S_LONG /* the long tables' sheets, then Settings, Data quality, Definitions */
};
static const char *const sheets_before[] = {"Summary",   "Goals",       "Journeys",    "Trend",
                                            "Regions",   "Watermelons", "Departments", "Heat map",
                                            "Decisions", "KPIs"};
static const char *const sheets_after[] = {"Settings", "Data quality", "Definitions"};
enum { LT_CASES, LT_TOUCHES, LT_CUSTOMERS };

/* A workbook being written: libxlsxwriter's, its sheets, and the long tables' rows. */
struct book {
	struct xw x;
	char *parts;           /* the file libxlsxwriter writes, beside the temporary files */
	const char *parts_dir; /* the temporary folder */
	struct longtab lt[3];
	int nlong, nsheets;
	struct sheet *sh;
	char **names;
	struct zpar_pool *pool;
	/* the document properties, cleaned before the Data quality sheet lists what was changed */
	char *title, *author, *subject;
};

static void book_free(struct book *b)
{
	if (b->x.wb)
		lxw_workbook_free(b->x.wb);
	if (b->parts)
		unlink(b->parts);
	free(b->parts);
	for (int i = 0; b->sh && i < b->nsheets; i++) {
		free_sink(b->sh[i].sink);
		free(b->names[i]);
	}
	free(b->names);
	free(b->sh);
	zpar_pool_free(b->pool);
	textcache_free(&b->x.texts);
	for (size_t i = 0; i < b->x.nnotes; i++) {
		free(b->x.notes[i].sheet);
		free(b->x.notes[i].cell);
		free(b->x.notes[i].note);
	}
	free(b->x.notes);
	strbuf_free(&b->x.text);
	free(b->title);
	free(b->author);
	free(b->subject);
}

/* The long tables are counted first, to lay out their sheets: a table past Excel's row limit
 * continues on "Cases (2)"... */
static void count_long_rows(struct book *b, const struct xlsx_source *src)
{
	static const struct longtab proto[3] = {
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
	memcpy(b->lt, proto, sizeof proto);
	b->lt[LT_CUSTOMERS].none = src && src->have_customers ? "No customer in the pack's scope."
	                                                      : "No customers file was given.";
	if (src && src->next_case && src->rewind) {
		struct xlsx_case k;
		src->rewind(src->it);
		while (src->next_case(src->it, &k)) {
			b->lt[LT_CASES].total++;
			b->lt[LT_TOUCHES].total += k.ntouches;
		}
		struct xlsx_customer cu;
		while (src->next_customer && src->next_customer(src->it, &cu))
			b->lt[LT_CUSTOMERS].total++;
		src->rewind(src->it);
	}
	for (int t = 0; t < 3; t++)
		b->nlong += b->lt[t].nsheets = longtab_sheets(&b->lt[t]);
}

/* Every sheet, named and added in order; the long tables' with the stream of their rows. */
static bool add_sheets(struct book *b, const char *path)
{
	b->nsheets = N(sheets_before) + b->nlong + N(sheets_after);
	b->sh = xcalloc((size_t)b->nsheets, sizeof *b->sh);
	b->names = xcalloc((size_t)b->nsheets, sizeof *b->names);
	int si = 0;
	for (int i = 0; i < N(sheets_before); i++)
		b->names[si++] = xstrdup(sheets_before[i]);
	for (int t = 0; t < 3; t++) {
		b->lt[t].sheets = &b->sh[si];
		for (int k = 0; k < b->lt[t].nsheets; k++)
			b->names[si++] =
			    k ? xasprintf("%s (%d)", b->lt[t].name, k + 1) : xstrdup(b->lt[t].name);
	}
	for (int i = 0; i < N(sheets_after); i++)
		b->names[si++] = xstrdup(sheets_after[i]);
	for (int i = 0; i < b->nsheets; i++) {
		/* Data quality in constant_memory mode (a run can reject 800,000 rows) */
		b->x.wb->options.constant_memory = i == b->nsheets - 2;
		b->sh[i].name = b->names[i];
		b->sh[i].ws = workbook_add_worksheet(b->x.wb, b->names[i]);
		if (!b->sh[i].ws) {
			diag_msg(DIAG_ERROR, path, 0, 0,
			         "cannot write the workbook: cannot create a temporary file in %s",
			         b->parts_dir);
			return false;
		}
	}
	b->x.wb->options.constant_memory = LXW_FALSE;
	b->pool = zpar_pool_new(zpar_threads(), ROWS_ZLEVEL);
	for (int i = S_LONG; i < S_LONG + b->nlong; i++) {
		struct sheet *ls = &b->sh[i];
		ls->sink = xcalloc(1, sizeof *ls->sink);
		ls->sink->z = zpar_new(b->pool, b->parts_dir);
		if (!ls->sink->z) {
			diag_msg(
			    DIAG_ERROR, path, 0, 0,
			    "cannot write the workbook: cannot create a temporary file in %s: %s",
			    b->parts_dir, strerror(errno));
			return false;
		}
	}
	return true;
}

/* The temporary file libxlsxwriter writes to, the workbook, its formats. */
static bool book_open(struct book *b, const char *path, const struct view *v,
                      const struct xlsx_options *opts)
{
	lxw_workbook_options wo = {.constant_memory = LXW_FALSE,
	                           .tmpdir =
	                               opts->tmpdir && *opts->tmpdir ? (char *)opts->tmpdir : NULL};
	b->parts_dir = wo.tmpdir ? wo.tmpdir : "/tmp";
	b->parts = xasprintf("%s/.parts.XXXXXX", b->parts_dir);
	int pfd = mkstemp(b->parts);
	if (pfd < 0) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "cannot write the workbook: cannot create a temporary file in %s: %s",
		         b->parts_dir, strerror(errno));
		free(b->parts);
		b->parts = NULL;
		return false;
	}
	close(pfd);
	b->x.wb = workbook_new_opt(b->parts, &wo);
	if (!b->x.wb) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the workbook: %s",
		         strerror(errno ? errno : ENOMEM));
		return false;
	}
	make_formats(&b->x, opts->currency ? opts->currency : v->currency);
	b->x.money_chars = utf8_chars(b->x.money_sym);
	return true;
}

/* The long tables, row by row: a case's row, then its touches; then the customers. Returns the
 * cases listed. */
static long put_long_tables(struct book *b, const struct xlsx_source *src)
{
	struct longtab *lt = b->lt;
	if (src && src->next_case) {
		struct xlsx_case k;
		while (src->next_case(src->it, &k))
			put_case(&b->x, &lt[LT_CASES], &lt[LT_TOUCHES], &k);
		struct xlsx_customer cu;
		while (src->next_customer && src->next_customer(src->it, &cu))
			put_customer(&b->x, &lt[LT_CUSTOMERS], &cu);
	}
	for (int t = 0; t < 3; t++) {
		longtab_finish(&b->x, &lt[t]);
		for (int k = 0; k < lt[t].nsheets; k++)
			page_setup(&b->x, &lt[t].sheets[k], 0);
	}
	return lt[LT_CASES].done;
}

static void clean_properties(struct book *b, const struct view *v, const struct xlsx_options *opts)
{
	const char *period = v->period.label, *region = v->region;
	b->title = clean_dup_at(&b->x, opts->title && *opts->title ? opts->title : "Board pack",
	                        1000, "(document properties)", "title");
	b->author = clean_dup_at(&b->x, opts->author ? opts->author : "", 1000,
	                         "(document properties)", "author");
	char *subject = xasprintf("Customer outcomes, %s%s%s", period ? period : "",
	                          region ? " — " : "", region ? region : "");
	b->subject = clean_dup(&b->x, subject, 1000);
	free(subject);
}

/* Document properties; created from the data, so that two builds are byte-identical. */
static void set_properties(struct book *b, const struct xlsx_options *opts)
{
	lxw_doc_properties props = {
	    .title = b->title,
	    .subject = b->subject,
	    .author = b->author,
	    .company = b->author,
	    .keywords =
	        "board pack; customer outcomes; successful customer outcome; failure demand",
	    .comments = "Written by boardpack. Every figure equals the metrics JSON; rates are "
	                "formulas over the "
	                "counts beside them, with their values stored.",
	    .created = opts->created > 0 ? (time_t)opts->created : 1,
	};
	check(&b->x, workbook_set_properties(b->x.wb, &props), "setting the document properties");
}

static void summary_defs(struct defs *defs)
{
	add_defs(defs, "Summary", summary_cols, N(summary_cols));
	for (int i = 0; i < N(info); i++)
		add_def(defs, "Summary", info[i].label, info[i].def);
	for (int i = 0; i < NSUMFIG; i++)
		add_def(defs, "Summary", summary_figs[i].label, summary_figs[i].def);
	add_def(defs, "Summary", CASES_LISTED_LABEL, CASES_LISTED_DEF);
}

/* A figure table (figure_table's columns: head, then the figures, then tail) on its sheet;
 * target_field names its SCO target column (-1: none). */
static void put_figures(struct xw *x, struct sheet *sh, struct defs *defs, const char *table,
                        const struct col *head, int nh, const struct col *tail, int nt,
                        const struct rows *rows, int target_field, const char *none)
{
	int n;
	struct col *c = figure_table(head, nh, tail, nt, &n);
	put_figure_sheet(x, sh, table, c, n, rows, target_field, none);
	page_setup(x, sh, 0);
	add_defs(defs, sh->name, c, n);
	free(c);
}

/* Goals, and Journeys with the trend table. */
static void put_goals_journeys(struct book *b, const struct view *v, struct defs *defs)
{
	struct xw *x = &b->x;
	struct sheet *sh = b->sh;
	struct rows goals = {v->ngoals, goal_cell, v};
	put_figures(x, &sh[S_GOALS], defs, "tblGoals", goal_head, N(goal_head), goal_tail,
	            N(goal_tail), &goals, G_SCO_TARGET, "No goals.");
	struct rows journeys = {v->njourneys, journey_cell, v};
	put_figures(x, &sh[S_JOURNEYS], defs, "tblJourneys", journey_head, N(journey_head),
	            journey_tail, N(journey_tail), &journeys, J_SCO_TARGET, "No journeys.");
	size_t nj = v->njourneys;
	put_trend(x, &sh[S_JOURNEYS], (lxw_row_t)(nj ? nj : 1) + 3, v, &sh[S_SUMMARY], defs);
}

/* Regions: a regional pack has none (they are compared in the whole organisation's pack). */
static void put_regions(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows regions = {v->has_regions ? v->nregions : 0, region_cell, v};
	put_figures(x, sh, defs, "tblRegions", region_head, N(region_head), region_head, 0,
	            &regions, -1,
	            v->has_regions ? "The data has no region."
	                           : "A regional pack: the regions are compared in the whole "
	                             "organisation's pack.");
}

/* The KPIs, and beside them the journeys each serves. */
static void put_kpis(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows rows = {v->nkpis, kpi_cell, v};
	lxw_row_t last =
	    put_table(x, sh, 0, "tblKPIs", kpi_cols, N(kpi_cols), &rows, "No KPIs in this period.");
	if (v->nkpis)
		cond_status(x, sh, 1, last, (lxw_col_t)col_of(kpi_cols, N(kpi_cols), KP_STATUS));
	kpi_percentages(x, sh, v);
	put_kpis_served(x, sh, N(kpi_cols) + 1, v);
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, sh->name, kpi_cols, N(kpi_cols));
	add_defs(defs, sh->name, served_cols, N(served_cols));
}

/* Summary to KPIs: the figures of the pack, each sheet with its columns defined in defs. */
static void put_figure_sheets(struct book *b, const struct view *v, const struct xlsx_options *opts,
                              long listed, struct defs *defs)
{
	struct xw *x = &b->x;
	struct sheet *sh = b->sh;
	put_summary(x, &sh[S_SUMMARY], v, opts->title && *opts->title ? opts->title : "Board pack",
	            listed);
	page_setup(x, &sh[S_SUMMARY], 4);
	summary_defs(defs);

	put_goals_journeys(b, v, defs);

	put_trend_sheet(x, &sh[S_TREND], v);
	add_defs(defs, "Trend", trend_cols, N(trend_cols));

	struct rows watermelons = {v->nwatermelons, watermelon_cell, v};
	lxw_row_t last = put_table(x, &sh[S_WATERMELONS], 0, "tblWatermelons", watermelon_cols,
	                           N(watermelon_cols), &watermelons,
	                           "No watermelons: no green dashboard hides red outcomes.");
	if (v->nwatermelons)
		cond_target(x, &sh[S_WATERMELONS], 1, last,
		            (lxw_col_t)col_of(watermelon_cols, N(watermelon_cols), W_SCO_RATE),
		            (lxw_col_t)col_of(watermelon_cols, N(watermelon_cols), W_SCO_TARGET));
	worksheet_freeze_panes(sh[S_WATERMELONS].ws, 1, 0);
	page_setup(x, &sh[S_WATERMELONS], 0);
	add_defs(defs, "Watermelons", watermelon_cols, N(watermelon_cols));

	put_departments(x, &sh[S_DEPARTMENTS], v, &sh[S_SUMMARY]);
	page_setup(x, &sh[S_DEPARTMENTS], 0);
	add_defs(defs, "Departments", department_cols, N(department_cols));

	put_heatmap(x, &sh[S_HEAT], v);
	add_defs(defs, "Heat map", heat_cols, N(heat_cols));

	put_regions(x, &sh[S_REGIONS], v, defs);

	put_decisions(x, &sh[S_DECISIONS], v);
	add_defs(defs, "Decisions", touchpoint_cols, N(touchpoint_cols));
	add_defs(defs, "Decisions", action_cols, N(action_cols));
	add_defs(defs, "Decisions", story_cols, N(story_cols));

	put_kpis(x, &sh[S_KPIS], v, defs);
}

/* Settings, Data quality and Definitions, the last sheets. */
static void put_reference_sheets(struct book *b, const struct view *v, struct defs *defs)
{
	struct xw *x = &b->x;
	struct sheet *settings_sh = &b->sh[b->nsheets - 3], *dq_sh = &b->sh[b->nsheets - 2],
	             *defs_sh = &b->sh[b->nsheets - 1];
	add_defs(defs, "Cases", case_cols, N(case_cols));
	add_defs(defs, "Touches", touch_cols, N(touch_cols));
	add_defs(defs, "Customers", customer_cols, N(customer_cols));
	put_settings(x, settings_sh, v);
	add_defs(defs, "Settings", setting_cols, N(setting_cols));
	add_defs(defs, "Data quality", file_cols, N(file_cols));
	add_defs(defs, "Data quality", issue_cols, N(issue_cols));
	add_defs(defs, "Data quality", wbnote_cols, N(wbnote_cols));
	add_defs(defs, "Definitions", def_cols, N(def_cols));
	put_data_quality(x, dq_sh, &v->dq);

	struct rows rows = {defs->n, def_cell, defs};
	put_table(x, defs_sh, 0, "tblDefinitions", def_cols, N(def_cols), &rows, "");
	worksheet_freeze_panes(defs_sh->ws, 1, 0);
	page_setup(x, defs_sh, 0);
}

/* libxlsxwriter's workbook closed, and the long sheets' rows put into it at path. */
static lxw_error close_book(struct book *b, const char *path, const char **what)
{
	lxw_error closed = workbook_close(b->x.wb);
	b->x.wb = NULL;
	if (closed != LXW_NO_ERROR) {
		*what = "saving";
		return closed;
	}
	struct xlsxzip_part *zp = xcalloc((size_t)b->nlong, sizeof *zp);
	int nzp = 0;
	for (int i = S_LONG; i < S_LONG + b->nlong; i++) {
		struct rowsink *k = b->sh[i].sink;
		if (!zpar_in_bytes(k->z))
			continue; /* an empty table: libxlsxwriter's sheet is complete */
		zp[nzp++] =
		    (struct xlsxzip_part){.entry = xasprintf("xl/worksheets/sheet%d.xml", i + 1),
		                          .rows = k->z,
		                          .last_row = k->last_row,
		                          .last_col = k->last_col};
	}
	const char *why = NULL;
	lxw_error e = LXW_NO_ERROR;
	if (xlsxzip_splice(b->parts, path, zp, nzp, ROWS_ZLEVEL, &why) != 0) {
		e = LXW_ERROR_ZIP_FILE_ADD;
		*what = why;
	}
	for (int i = 0; i < nzp; i++)
		free((char *)zp[i].entry);
	free(zp);
	return e;
}

int xlsx_write(const char *path, const struct view *v, const struct xlsx_source *src,
               const struct xlsx_options *opts)
{
	if (!writable(path, opts->tmpdir))
		return -1;
	const char *test_rows = getenv("BOARDPACK_TEST_SHEET_ROWS"); /* tests only (xlsx.h) */
	if (test_rows && *test_rows)
		xlsx_test_case_limit(atol(test_rows));
	struct book b = {0};
	if (!book_open(&b, path, v, opts)) {
		book_free(&b);
		return -1;
	}
	count_long_rows(&b, src);
	if (!add_sheets(&b, path)) {
		book_free(&b);
		return -1;
	}
	long listed = put_long_tables(&b, src);
	clean_properties(&b, v, opts);
	struct defs defs = {0};
	put_figure_sheets(&b, v, opts, listed, &defs);
	put_reference_sheets(&b, v, &defs);
	free(defs.v);
	for (int i = 0; i < b.nsheets; i++)
		set_widths(&b.sh[i]);
	set_properties(&b, opts);

	lxw_error pending = b.x.err;
	const char *what = b.x.err_what;
	int sys_err = b.x.sys_err;
	if (pending == LXW_NO_ERROR)
		pending = close_book(&b, path, &what);
	book_free(&b);
	if (pending != LXW_NO_ERROR) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the workbook: %s: %s", what,
		         sys_err ? strerror(sys_err) : lxw_strerror(pending));
		return -1;
	}
	return 0;
}
