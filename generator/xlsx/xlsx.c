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
#include "xlsx/xlsxzip.h"
#include "xlsx/zpar.h"

#define SHEET_ROWS 1048576L /* rows in an Excel sheet */
#define CELL_CHARS 32767L   /* characters in an Excel cell */
#define HEADER_CHARS 255L   /* characters in a table column's header */
#define WIDTH_MAX 60.0      /* widest column, in characters */
#define NOTES_MAX 1000      /* workbook notes listed; the rest are counted */
#define DQ_ROWS_MAX 400000L
#define ROWS_ZLEVEL 3        /* zlib level of the long sheets' rows (docs/benchmarks.md) */ /* issues, and notes, listed on the Data quality sheet */

/*
 * The Cases sheet lists at most this many cases: the header row, the cases,
 * an empty row and the truncation note fill the sheet's last row exactly.
 */
#define ROWS_MAX (SHEET_ROWS - 1) /* data rows of a long table's sheet, under its header */

/* How a column's values are typed and shown. */
enum kind {
	K_TEXT,  /* string (a number or boolean found here is written as it is) */
	K_LIST,  /* array of strings, joined with "; " */
	K_INT,   /* count: #,##0 */
	K_NUM,   /* number as given: General */
	K_RATIO, /* per case: 0.00 */
	K_DAYS,  /* days: 0.00 */
	K_PCT,   /* fraction shown as a percentage: 0.0% */
	K_PTS,   /* percentage points: +0.0 */
	K_MONEY, /* the pack's currency: £#,##0 */
	K_BOOL,  /* TRUE/FALSE */
	K_DATE,  /* "YYYY-MM-DD" written as a date */
	K_TIME,  /* an instant, written as a date and time */
	K_PLAIN, /* a whole number without separators (a line number): 0 */
	K_NKINDS
};

/*
 * A table column: its header, the JSON member it shows, and, for rates
 * derived from counts in the same row, a formula over other columns'
 * headers ("[Successful]/[Cases concluded]"), written with the JSON's value
 * cached. def explains the column on the Definitions sheet.
 */
struct col {
	const char *header;
	const char *key;
	enum kind kind;
	const char *formula;
	const char *def;
};

struct rowsink;

/* A table's texts that repeat, cleaned once (long_shared). */
struct cached_text;
struct textcache {
	struct cached_text *slot;
	size_t cap, used;
};

struct sheet {
	lxw_worksheet *ws;
	const char *name;
	double width[64]; /* widest content per column, in characters */
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
	json_t *notes;      /* workbook notes: [{sheet, cell, note}] */
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

static void add_note(struct xw *x, const char *sheet, const char *cell, const char *note)
{
	if (json_array_size(x->notes) >= NOTES_MAX) {
		x->notes_dropped++;
		return;
	}
	json_array_append_new(
	    x->notes, json_pack("{s:s, s:s, s:s}", "sheet", sheet, "cell", cell, "note", note));
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

/* Excel's serial day number of "YYYY-MM-DD", or NAN. */
static double date_serial(const char *s)
{
	int y;
	unsigned m, d;
	char extra;
	if (!s || sscanf(s, "%4d-%2u-%2u%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return NAN;
	return (double)(value_days_from_civil(y, m, d) + 25569);
}

/* An instant "YYYY-MM-DDTHH:MM:SSZ" as an Excel serial (UTC), or NAN. */
static double time_serial(const char *s)
{
	unsigned h, mi, se;
	double d = s && strlen(s) >= 19 ? date_serial((char[11]){s[0], s[1], s[2], s[3], s[4], s[5],
	                                                         s[6], s[7], s[8], s[9], 0})
	                                : NAN;
	if (isnan(d) || sscanf(s + 11, "%2u:%2u:%2u", &h, &mi, &se) != 3)
		return NAN;
	return d + (h * 3600.0 + mi * 60.0 + se) / 86400.0;
}

static void join_list(const json_t *a, struct strbuf *b)
{
	size_t i;
	const json_t *v;
	strbuf_reset(b);
	strbuf_puts(b, "");
	json_array_foreach(a, i, v)
	{
		if (i)
			strbuf_puts(b, "; ");
		if (json_is_string(v))
			strbuf_puts(b, json_string_value(v));
	}
}

/* Writes a JSON value as a cell of kind k; null and absent values are empty cells, never 0. */
static void put_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                      const json_t *v)
{
	lxw_format *f = x->fmt[k];
	if (!v || json_is_null(v)) {
		check(x, worksheet_write_blank(sh->ws, r, c, f), "writing a cell");
	} else if (json_is_array(v)) {
		struct strbuf b = STRBUF_INIT;
		join_list(v, &b);
		put_text(x, sh, r, c, strbuf_str(&b), NULL);
		strbuf_free(&b);
	} else if (json_is_boolean(v)) {
		check(x, worksheet_write_boolean(sh->ws, r, c, json_is_true(v), x->fmt[K_BOOL]),
		      "writing a boolean");
		measure(sh, c, 5);
	} else if (json_is_string(v)) {
		double d = k == K_DATE   ? date_serial(json_string_value(v))
		           : k == K_TIME ? time_serial(json_string_value(v))
		                         : NAN;
		if (!isnan(d))
			put_number(x, sh, r, c, k, d);
		else
			put_text(x, sh, r, c, json_string_value(v), NULL);
	} else if (json_is_number(v)) {
		put_number(x, sh, r, c, k == K_TEXT || k == K_LIST ? K_NUM : k,
		           json_number_value(v));
	}
}

/* ---- formulas ------------------------------------------------------------ */

static int col_index(const struct col *cols, int n, const char *header)
{
	for (int i = 0; i < n; i++)
		if (strcmp(cols[i].header, header) == 0)
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

/*
 * Expands "[Header]" in a column formula to the fully qualified structured
 * reference "tbl[[#This Row],[Header]]" (which LibreOffice reads as well as
 * Excel). The caller frees the result.
 */
static char *expand_formula(const char *table, const char *tpl)
{
	struct strbuf b = STRBUF_INIT;
	for (const char *p = tpl; *p;) {
		const char *close = *p == '[' ? strchr(p, ']') : NULL;
		if (!close) {
			strbuf_putc(&b, *p++);
			continue;
		}
		strbuf_printf(&b, "%s[[#This Row],[", table);
		put_ref_name(&b, p + 1, (size_t)(close - p - 1));
		strbuf_puts(&b, "]]");
		p = close + 1;
	}
	return strbuf_detach(&b);
}

/* Whether every row has the members a column formula reads, and the value it caches. */
static bool formula_usable(const struct col *cols, int n, int ci, const json_t *rows)
{
	const char *tpl = cols[ci].formula;
	if (!tpl)
		return false;
	size_t i;
	const json_t *o;
	json_array_foreach(rows, i, o)
	{
		if (!json_object_get(o, cols[ci].key))
			return false;
		for (const char *p = strchr(tpl, '['); p; p = strchr(p + 1, '[')) {
			const char *close = strchr(p, ']');
			char *h = xstrndup(p + 1, (size_t)(close - p - 1));
			int k = col_index(cols, n, h);
			free(h);
			if (k < 0 || !cols[k].key || !json_object_get(o, cols[k].key))
				return false;
		}
	}
	return true;
}

/* A formula cell caching v: a number, or "" when v is null (the formula's own answer then). */
static void put_formula(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                        const char *formula, const json_t *v)
{
	if (json_is_number(v)) {
		double d = json_number_value(v);
		check(x, worksheet_write_formula_num(sh->ws, r, c, formula, x->fmt[k], d),
		      "writing a formula");
		measure(sh, c, shown_width(x, k, d));
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
 * Writes rows (an array of objects, members named by cols[].key) as the
 * Excel table `name` with its header at row0, column col0 of sh. An empty
 * array gets one empty data row (a table needs one; COUNTA() of a column
 * is then 0), and the words `none` beside the table. Returns the table's
 * last row.
 */
static lxw_row_t put_table_at(struct xw *x, struct sheet *sh, lxw_row_t row0, lxw_col_t col0,
                              const char *name, const struct col *cols, int n, const json_t *rows,
                              const char *none)
{
	size_t nrows = json_array_size(rows);
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
		if (nrows && formula_usable(cols, n, i, rows)) {
			formula[i] = expand_formula(name, cols[i].formula);
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
	size_t i;
	const json_t *o;
	json_array_foreach(rows, i, o)
	{
		lxw_row_t r = row0 + 1 + (lxw_row_t)i;
		for (int c = 0; c < n; c++) {
			const json_t *v = cols[c].key ? json_object_get(o, cols[c].key) : NULL;
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
                           const struct col *cols, int n, const json_t *rows, const char *none)
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

/* The journey figures of metrics.md, shared by Goals and Journeys. */
static const struct col figure_cols[] = {
    {"Cases started", "cases_started", K_INT, NULL, "Cases whose start lies in the period."},
    {"Cases concluded", "cases_concluded", K_INT, NULL,
     "Cases whose end lies in the period: the cases every rate on this row is taken over."},
    {"Achieved", "achieved", K_INT, NULL,
     "Cases concluded in the period with the outcome 'achieved'."},
    {"Failed", "failed", K_INT, NULL, "Cases concluded in the period with the outcome 'failed'."},
    {"Abandoned", "abandoned", K_INT, NULL,
     "Cases concluded in the period with the outcome 'abandoned'."},
    {"Open", "open", K_INT, NULL,
     "Cases started on or before the period's end and not concluded by it (still open at the "
     "end)."},
    {"Successful", "successful", K_INT, NULL,
     "Successful customer outcomes (SCO) concluded in the period: achieved, within the promise "
     "when one is "
     "set, and with no more failure contacts than allowed."},
    {"SCO rate", "sco_rate", K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful customer outcome rate: Successful / Cases concluded (a formula; empty with no "
     "concluded "
     "cases)."},
    {"SCO rate CI low", "sco_ci_low", K_PCT, NULL,
     "Lower end of the 95 % Wilson score interval of the SCO rate (z = 1.959964): the rate is "
     "plausibly no "
     "lower than this."},
    {"SCO rate CI high", "sco_ci_high", K_PCT, NULL,
     "Upper end of the 95 % Wilson score interval of the SCO rate."},
    {"Previous cases concluded", "prev_cases_concluded", K_INT, NULL,
     "Cases concluded in the previous period."},
    {"Previous successful", "prev_successful", K_INT, NULL,
     "Successful customer outcomes concluded in the previous period."},
    {"Previous SCO rate", "prev_sco_rate", K_PCT,
     RATE_IF("Previous successful", "Previous cases concluded"),
     "SCO rate of the previous period: Previous successful / Previous cases concluded (a "
     "formula)."},
    {"Change in points", "sco_change_pts", K_PTS,
     "IF(OR([SCO rate]=\"\",[Previous SCO rate]=\"\"),\"\",([SCO rate]-[Previous SCO rate])*100)",
     "(SCO rate - Previous SCO rate) x 100, in percentage points (a formula; empty when either "
     "rate is)."},
    {"Change is significant", "change_significant", K_BOOL, NULL,
     "TRUE when the change passes a two-proportion z-test (pooled, |z| >= 1.959964): a real "
     "change, not "
     "noise. FALSE when either period has no cases."},
    {"Median days", "median_days", K_DAYS, NULL,
     "Median days from start to end of the achieved cases concluded in the period (Excel "
     "PERCENTILE.INC at "
     "0.5)."},
    {"P90 days", "p90_days", K_DAYS, NULL,
     "90th percentile of days to outcome of the achieved cases (Excel PERCENTILE.INC at 0.9): nine "
     "in ten "
     "took no longer."},
    {"Contacts", "contacts", K_INT, NULL,
     "Rows of the event log (every touchpoint, back-office ones included), summed over the "
     "cases concluded in the period."},
    {"Failure contacts", "failure_contacts", K_INT, NULL,
     "Failure demand: contacts caused by a failure to do something or do it right, summed over the "
     "cases "
     "concluded in the period."},
    {"Hand-offs", "handoffs", K_INT, NULL,
     "Hand-offs between departments, summed over the cases concluded in the period."},
    {"Contacts per case", "contacts_per_case", K_RATIO, RATE_IF("Contacts", "Cases concluded"),
     "Contacts / Cases concluded (a formula)."},
    {"Failure demand share", "failure_demand_share", K_PCT, RATE_IF("Failure contacts", "Contacts"),
     "Failure contacts / Contacts (a formula; empty with no contacts)."},
    {"Hand-offs per case", "handoffs_per_case", K_RATIO, RATE_IF("Hand-offs", "Cases concluded"),
     "Hand-offs / Cases concluded (a formula)."},
    {"Low volume", "low_volume", K_BOOL, NULL,
     "TRUE when fewer cases concluded than the pack's min_cases: read the rates with care."},
    {"Customers lost", "customers_lost", K_INT, NULL,
     "Distinct customers with an unsuccessful case concluded in the period who left within the "
     "churn window "
     "after it. Empty without a customers file."},
    {"Value lost", "value_lost", K_MONEY, NULL, "Annual value of the customers lost."},
    {"Value at risk", "value_at_risk", K_MONEY, NULL,
     "Annual value of customers with an unsuccessful case concluded in the period who were not "
     "lost and were "
     "still customers at the period's end."},
    {"Year earlier cases concluded", "prev_year_cases_concluded", K_INT, NULL,
     "Cases concluded in the same period a year before (four quarters, twelve months, a year)."},
    {"Year earlier successful", "prev_year_successful", K_INT, NULL,
     "Successful customer outcomes concluded in the period a year before."},
    {"Year earlier SCO rate", "prev_year_sco_rate", K_PCT,
     RATE_IF("Year earlier successful", "Year earlier cases concluded"),
     "SCO rate a year before: Year earlier successful / Year earlier cases concluded (a "
     "formula)."},
    {"Failure demand cost", "failure_demand_cost", K_MONEY, NULL,
     "Failure contacts x the pack's failure_contact_cost (Settings); empty when it is not "
     "configured."},
};
#define NFIG ((int)(sizeof figure_cols / sizeof figure_cols[0]))

static const struct col goal_head[] = {
    {"Goal", "goal", K_TEXT, NULL, "The customer's life goal, in the customer's own words."},
    {"Journeys", "journeys", K_LIST, NULL,
     "The journeys that serve this goal, separated by \"; \"."},
};
static const struct col goal_tail[] = {
    {"SCO target", "sco_target", K_PCT, NULL,
     "The goal's SCO target: its journeys' target when they share one, otherwise their targets "
     "weighted by "
     "cases concluded. The SCO rate is filled red below it, green at or above it."},
};
static const struct col journey_head[] = {
    {"Journey", "journey", K_TEXT, NULL, "The journey (the customer's case type)."},
    {"Goal", "goal", K_TEXT, NULL, "The life goal the journey serves."},
};
static const struct col journey_tail[] = {
    {"SCO target", "sco_target", K_PCT, NULL,
     "The share of successful outcomes aimed for. The SCO rate is filled red below it, green at or "
     "above it."},
    {"Promise days", "promise_days", K_NUM, NULL,
     "Days within which the customer expects the outcome; empty when no promise is set."},
    {"Max failure contacts", "max_failure_contacts", K_INT, NULL,
     "Failure contacts a case may have and still count as successful."},
};

static const struct col watermelon_cols[] = {
    {"Department", "department", K_TEXT, NULL, "The department whose dashboard looks green."},
    {"Journey", "journey", K_TEXT, NULL,
     "The journey whose customers fare badly where they pass through it."},
    {"Department green share", "green_share", K_PCT, NULL,
     "Share of the department's KPIs that are green."},
    {"Cases touched", "cases", K_INT, NULL,
     "Cases of the journey concluded in the period that passed through the department."},
    {"Successful", "successful", K_INT, NULL, "Successful customer outcomes among those cases."},
    {"SCO rate", "sco_rate", K_PCT, RATE_IF("Successful", "Cases touched"),
     "Successful / Cases touched (a formula): below the journey's target, filled red."},
    {"SCO target", "sco_target", K_PCT, NULL, "The journey's SCO target."},
    {"Shortfall in points", "shortfall_pts", K_PTS,
     "IF([SCO rate]=\"\",\"\",([SCO target]-[SCO rate])*100)",
     "(SCO target - SCO rate) x 100, in percentage points (a formula). Rows are most severe "
     "first."},
};

static const struct col department_cols[] = {
    {"Department", "department", K_TEXT, NULL,
     "A department with KPIs in the period or that handled a row of a case concluded in it."},
    {"KPIs", "kpis", K_INT, NULL, "The department's KPIs of the period."},
    {"Green", "green", K_INT, NULL, "KPIs at or better than target."},
    {"Amber", "amber", K_INT, NULL, "KPIs worse than target but within the tolerance."},
    {"Red", "red", K_INT, NULL, "KPIs worse than target beyond the tolerance."},
    {"Green share", "green_share", K_PCT, RATE_IF("Green", "KPIs"),
     "Green / KPIs (a formula; empty with no KPIs)."},
    {"Cases touched", "cases_touched", K_INT, NULL,
     "Cases concluded in the period that passed through the department."},
    {"Successful touched", "successful_touched", K_INT, NULL,
     "Successful customer outcomes among the cases touched."},
    {"SCO rate touched", "sco_rate_touched", K_PCT, RATE_IF("Successful touched", "Cases touched"),
     "Successful touched / Cases touched (a formula): how customers fared whose case passed "
     "through the "
     "department."},
    {"Failure contacts", "failure_contacts", K_INT, NULL,
     "Failure-demand rows the department handled in cases concluded in the period."},
};

static const struct col kpi_cols[] = {
    {"Department", "department", K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", "kpi", K_TEXT, NULL, "The KPI's name."},
    {"Period", "period", K_TEXT, NULL, "The period the KPI's value belongs to."},
    {"Actual", "actual", K_NUM, NULL, "The KPI's value for the period, in its unit."},
    {"Target", "target", K_NUM, NULL, "The KPI's target, in its unit."},
    {"Direction", "direction", K_TEXT, NULL,
     "'higher' when higher is better, 'lower' when lower is better."},
    {"Unit", "unit", K_TEXT, NULL, "The KPI's unit; empty when none."},
    {"Kind", "kind", K_TEXT, NULL,
     "'output' for a KPI that measures motion (activity), 'outcome' for one that measures impact."},
    {"Tolerance", "tolerance", K_PCT, NULL,
     "How far from target, as a share of the target, still counts as amber rather than red."},
    {"Status", "status", K_TEXT, NULL,
     "green: at or better than target; amber: within the tolerance; red: beyond it. Filled in its "
     "colour."},
    {"Journeys served", "journeys", K_LIST, NULL,
     "The journeys the KPI is meant to serve, separated by \"; \"; see their SCO rate on the "
     "Journeys sheet."},
    {"Region", "region", K_TEXT, NULL, "The KPI's region; empty when it covers every region."},
};

/* The columns of the long tables (Cases, Touches, Customers): written from the rows of the
 * source, in this order (put_case, put_touch, put_customer). */
static const struct col case_cols[] = {
    {"Case", NULL, K_TEXT, NULL, "The case's identifier."},
    {"Journey", NULL, K_TEXT, NULL, "The case's journey."},
    {"Goal", NULL, K_TEXT, NULL, "The life goal the journey serves."},
    {"Period concluded", NULL, K_TEXT, NULL,
     "The period the case concluded in (its end's period); empty while open at the report "
     "period's end. The sheet lists the cases concluded in every period of the trend window and "
     "those open at the end of the report period."},
    {"Outcome", NULL, K_TEXT, NULL,
     "achieved, failed, abandoned, or open at the report period's end."},
    {"SCO", NULL, K_BOOL, NULL,
     "TRUE for a successful customer outcome (achieved, within the promise when one is set, with "
     "no more failure contacts than allowed), FALSE for an unsuccessful one; empty while open."},
    {"Start", NULL, K_TIME, NULL, "When the case started (UTC)."},
    {"End", NULL, K_TIME, NULL, "When the case ended (UTC); empty while it is open."},
    {"Days", NULL, K_DAYS, NULL, "Days from start to end; empty while open."},
    {"Promise days", NULL, K_NUM, NULL,
     "The journey's promise: days within which the customer expects the outcome; empty when none "
     "is set."},
    {"Within promise", NULL, K_BOOL, NULL,
     "TRUE when Days is at most Promise days; empty while open or when no promise is set."},
    {"Contacts", NULL, K_INT, NULL,
     "The case's rows in the event log: every touchpoint, back-office ones included, not only "
     "the customer's own contacts (data-contract.md: contacts = its rows)."},
    {"Failure contacts", NULL, K_INT, NULL,
     "The case's failure-demand rows (a failure to do something or do it right)."},
    {"Hand-offs", NULL, K_INT, NULL, "Hand-offs between departments in the case."},
    {"First channel", NULL, K_TEXT, NULL,
     "The channel of the case's first row (in time order); empty when that row gives none."},
    {"Last channel", NULL, K_TEXT, NULL,
     "The channel of the case's last row (in time order); empty when that row gives none."},
    {"Region", NULL, K_TEXT, NULL, "The case's region; empty when none."},
    {"Customer", NULL, K_TEXT, NULL, "The customer's identifier; empty when unknown."},
    {"Segment", NULL, K_TEXT, NULL,
     "The customer's segment (customers file); empty when the customer is not in it."},
    {"Annual value", NULL, K_MONEY, NULL,
     "The customer's annual value (customers file); empty when the customer is not in it (or, in "
     "a regional pack, belongs to another region)."},
    {"Left", NULL, K_DATE, NULL, "The date the customer left; empty while still a customer."},
    {"Left within window", NULL, K_BOOL, NULL,
     "TRUE when the customer left on or after the case end's date and at most the churn window's "
     "days after it (Settings); empty while open or when the customer is not known. Customers "
     "lost = distinct customers of unsuccessful cases with TRUE here."},
    {"Departments", NULL, K_TEXT, NULL,
     "The departments the case passed through, separated by \"; \" (one row each on the Touches "
     "sheet)."},
};
enum {
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
static const struct col touch_cols[] = {
    {"Case", NULL, K_TEXT, NULL, "The case's identifier (a row of the Cases sheet)."},
    {"Journey", NULL, K_TEXT, NULL, "The case's journey (as on the Cases sheet)."},
    {"Period concluded", NULL, K_TEXT, NULL,
     "The period the case concluded in; empty while open (as on the Cases sheet)."},
    {"SCO", NULL, K_BOOL, NULL, "The case's SCO (as on the Cases sheet); empty while open."},
    {"Department", NULL, K_TEXT, NULL,
     "A department the case passed through: one row per case and department."},
    {"Contacts", NULL, K_INT, NULL,
     "The case's rows that the department handled (summed over a case's departments: the "
     "case's Contacts); empty when the input gives departments only (a cases file)."},
    {"Failure contacts", NULL, K_INT, NULL,
     "Failure-demand rows the department handled in the case. Summed over the cases concluded "
     "in the period: the department's failure contacts; counted: its cases touched, and the "
     "heat map."},
};
static const struct col customer_cols[] = {
    {"Customer", NULL, K_TEXT, NULL, "The customer's identifier."},
    {"Segment", NULL, K_TEXT, NULL, "The customer's segment; empty when none."},
    {"Region", NULL, K_TEXT, NULL, "The customer's region; empty when none."},
    {"Annual value", NULL, K_MONEY, NULL, "The customer's annual value."},
    {"Joined", NULL, K_DATE, NULL, "The date the customer joined; empty when unknown."},
    {"Left", NULL, K_DATE, NULL, "The date the customer left; empty while still a customer."},
};

static const struct col file_cols[] = {
    {"File", "file", K_TEXT, NULL, "An input file."},
    {"Rows read", "rows_read", K_INT, NULL, "Data rows read from the file (the header excluded)."},
    {"Rows rejected", "rows_rejected", K_INT, NULL,
     "Rows left out because of an issue listed below."},
    {"Rows kept", "rows_kept", K_INT, "[Rows read]-[Rows rejected]",
     "Rows read - Rows rejected (a formula)."},
};
static const struct col wbnote_cols[] = {
    {"Sheet", "sheet", K_TEXT, NULL, "The workbook sheet the note is about."},
    {"Cell", "cell", K_TEXT, NULL, "The cell or rows concerned."},
    {"Note", "note", K_TEXT, NULL,
     "What the workbook could not show as it is in the data: cases beyond Excel's row limit, texts "
     "cut to "
     "Excel's cell limit, bytes that were not UTF-8."},
};
/* The Data quality sheet's one table of everything rejected or noted. */
static const struct col issue_cols[] = {
    {"Row", "row", K_TEXT, NULL,
     "rejected: the row was left out of every figure; kept: the row counts, but deserves a "
     "look."},
    {"Kind", "kind", K_TEXT, NULL,
     "What kind of problem (\"bad timestamp\", \"unknown customer\"...): filter on it."},
    {"File", "file", K_TEXT, NULL, "The input file."},
    {"Line", "line", K_PLAIN, NULL,
     "The row's line in the file (counting from 1, the header included); empty when the note is "
     "about the whole file."},
    {"Column", "column", K_TEXT, NULL,
     "The column at fault, by its header in the file (\"column 5\" when the file has no "
     "header for it); empty for a whole-row problem."},
    {"Case", "case_id", K_TEXT, NULL, "The case the row belongs to; empty when not known."},
    {"Customer", "customer_id", K_TEXT, NULL,
     "The customer the row names (customer_id); empty when none."},
    {"Value", "value", K_TEXT, NULL, "The offending value, as found in the file."},
    {"Message", "message", K_TEXT, NULL,
     "What is wrong: what was expected and what was found (for a note: what was kept but "
     "deserves a look, such as unknown columns, superseded KPIs, unknown customers, rows of a "
     "case that disagree)."},
};
static const struct col def_cols[] = {
    {"Sheet", "sheet", K_TEXT, NULL, "The sheet the column is on."},
    {"Column", "column", K_TEXT, NULL, "The column's header (on Summary: the figure's label)."},
    {"Meaning", "meaning", K_TEXT, NULL,
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

/*
 * A Summary figure. key may name alternatives ("a|b": the first the totals
 * have). formula uses {key} for the Value cell of the figure with that key
 * (its first alternative).
 */
struct fig {
	const char *label, *key;
	enum kind kind;
	const char *formula, *def;
};

#define FIG_RATE(num, den) "IF({" den "}=0,\"\",{" num "}/{" den "})"
#define EITHER_EMPTY(a, b) "OR({" a "}=\"\",{" b "}=\"\")"

static const struct fig summary_figs[] = {
    {"Cases started", "cases_started", K_INT, NULL, "Cases whose start lies in the period."},
    {"Cases concluded", "cases_concluded", K_INT, NULL, "Cases whose end lies in the period."},
    {"Successful outcomes", "successful", K_INT, NULL,
     "Concluded cases with a successful customer outcome: achieved, within the promise, without "
     "too much "
     "failure demand."},
    {"SCO rate (successful customer outcome rate)", "sco_rate", K_PCT,
     FIG_RATE("successful", "cases_concluded"),
     "Successful outcomes / Cases concluded: did customers get what they came for? (a formula)"},
    {"SCO rate, 95 % interval from", "sco_ci_low", K_PCT, NULL,
     "Lower end of the 95 % Wilson score interval of the SCO rate."},
    {"SCO rate, 95 % interval to", "sco_ci_high", K_PCT, NULL,
     "Upper end of the 95 % Wilson score interval of the SCO rate."},
    {"Previous period: cases concluded", "prev_cases_concluded", K_INT, NULL,
     "Cases concluded in the previous period."},
    {"Previous period: successful outcomes", "prev_successful", K_INT, NULL,
     "Successful outcomes concluded in the previous period."},
    {"Previous period: SCO rate", "prev_sco_rate", K_PCT,
     FIG_RATE("prev_successful", "prev_cases_concluded"),
     "The previous period's successful outcomes / its cases concluded (a formula)."},
    {"Change in SCO rate vs previous period (points)", "sco_change_pts", K_PTS,
     "IF(" EITHER_EMPTY("sco_rate", "prev_sco_rate") ",\"\",({sco_rate}-{prev_sco_rate})*100)",
     "(SCO rate - previous SCO rate) x 100, in percentage points (a formula)."},
    {"Change is real, not noise", "change_significant", K_BOOL, NULL,
     "TRUE when a two-proportion z-test finds the change significant at 95 %."},
    {"Achieved", "achieved", K_INT, NULL, "Concluded cases with the outcome 'achieved'."},
    {"Failed", "failed", K_INT, NULL, "Concluded cases with the outcome 'failed'."},
    {"Abandoned", "abandoned", K_INT, NULL, "Concluded cases with the outcome 'abandoned'."},
    {"Open at the period's end", "open", K_INT, NULL,
     "Cases started by the period's end and not concluded by it."},
    {"Median days to outcome", "median_days", K_DAYS, NULL,
     "Median days to outcome of the achieved cases."},
    {"90th percentile days to outcome", "p90_days", K_DAYS, NULL,
     "Nine in ten achieved cases took no longer than this many days."},
    {"Contacts", "contacts", K_INT, NULL,
     "Rows of the event log in the cases concluded in the period: every touchpoint, back-office "
     "ones included."},
    {"Failure contacts", "failure_contacts", K_INT, NULL,
     "Contacts caused by a failure to do something or do it right (failure demand)."},
    {"Failure demand share", "failure_demand_share", K_PCT,
     FIG_RATE("failure_contacts", "contacts"), "Failure contacts / Contacts (a formula)."},
    {"Contacts per case", "contacts_per_case", K_RATIO, FIG_RATE("contacts", "cases_concluded"),
     "Contacts / Cases concluded (a formula)."},
    {"Hand-offs", "handoffs", K_INT, NULL,
     "Hand-offs between departments in the cases concluded in the period."},
    {"Hand-offs per case", "handoffs_per_case", K_RATIO, FIG_RATE("handoffs", "cases_concluded"),
     "Hand-offs / Cases concluded (a formula)."},
    {"Customers lost after an unsuccessful outcome", "customers_lost", K_INT, NULL,
     "Distinct customers who left within the churn window after an unsuccessful case concluded in "
     "the period."},
    {"Value lost", "value_lost", K_MONEY, NULL, "Annual value of the customers lost."},
    {"Value at risk", "value_at_risk", K_MONEY, NULL,
     "Annual value of customers with an unsuccessful case who are still customers."},
    {"KPI green share", "kpi_green_share", K_PCT, NULL,
     "Share of all the period's KPIs that are green: how the dashboards look."},
    {"Perception gap (points)", "perception_gap_pts", K_PTS,
     "IF(" EITHER_EMPTY("kpi_green_share", "sco_rate") ",\"\",({kpi_green_share}-{sco_rate})*100)",
     "(KPI green share - SCO rate) x 100 (a formula): how much greener the dashboards look than "
     "customers' "
     "lives."},
    {"Motion share (KPIs measuring output)", "motion_share", K_PCT, NULL,
     "Share of the period's KPIs of kind 'output': they measure activity, not impact."},
    {"Customers at the start", "customers_start", K_INT, NULL,
     "Customers who joined before the period and had not left before it started. Empty without a "
     "customers "
     "file (as are the growth figures below)."},
    {"Customers at the end", "customers_end", K_INT, NULL,
     "Customers who joined by the period's last day and had not left by it."},
    {"Joiners", "joiners", K_INT, NULL, "Customers who joined within the period."},
    {"Leavers", "leavers", K_INT, NULL, "Customers who left within the period."},
    {"Net growth", "net_growth", K_INT,
     "IF(" EITHER_EMPTY("customers_end",
                        "customers_start") ",\"\",{customers_end}-{customers_start})",
     "Customers at the end - customers at the start (a formula)."},
    {"Value of customers at the end", "value_end", K_MONEY, NULL,
     "Annual value of the customers at the period's end."},
    {"Successful cases with a known customer", "sco_cases_known|sco_customers", K_INT, NULL,
     "Successful cases concluded in the period whose customer is in the customers file."},
    {"Successful cases whose customer left within the window", "sco_cases_left|sco_customers_left",
     K_INT, NULL, "Of those, the cases whose customer left within the churn window."},
    {"Churn after a successful outcome", "churn_after_sco", K_PCT,
     FIG_RATE("sco_cases_left", "sco_cases_known"),
     "Share of successful cases whose customer left within the window (a formula)."},
    {"Unsuccessful cases with a known customer", "unsuccessful_cases_known|unsuccessful_customers",
     K_INT, NULL,
     "Unsuccessful cases concluded in the period whose customer is in the customers file."},
    {"Unsuccessful cases whose customer left within the window",
     "unsuccessful_cases_left|unsuccessful_customers_left", K_INT, NULL,
     "Of those, the cases whose customer left within the churn window."},
    {"Churn after an unsuccessful outcome", "churn_after_unsuccessful", K_PCT,
     FIG_RATE("unsuccessful_cases_left", "unsuccessful_cases_known"),
     "Share of unsuccessful cases whose customer left within the window (a formula)."},
    {"Churn ratio (how much likelier to leave)", "churn_ratio", K_RATIO,
     "IF(OR({churn_after_sco}=\"\",{churn_after_unsuccessful}=\"\",{churn_after_sco}=0),\"\","
     "{churn_after_unsuccessful}/{churn_after_sco})",
     "Churn after an unsuccessful outcome / churn after a successful one (a formula)."},
};
#define NSUMFIG N(summary_figs)

/* The totals member a figure shows (its first alternative present), or NULL. */
static const json_t *fig_value(const json_t *totals, const char *key)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", key);
	for (char *save = NULL, *k = strtok_r(buf, "|", &save); k; k = strtok_r(NULL, "|", &save))
		if (json_object_get(totals, k))
			return json_object_get(totals, k);
	return NULL;
}

static int fig_index(const char *name, size_t n)
{
	for (int i = 0; i < NSUMFIG; i++) {
		const char *k = summary_figs[i].key;
		size_t kl = strcspn(k, "|");
		if (kl == n && strncmp(k, name, n) == 0)
			return i;
	}
	return -1;
}

/* The figure's formula with {key} as plain references to the Value column (B), or NULL when an
 * input is missing. */
static char *fig_formula(const struct fig *f, const json_t *totals, lxw_row_t first)
{
	if (!f->formula || !fig_value(totals, f->key))
		return NULL;
	struct strbuf b = STRBUF_INIT;
	for (const char *p = f->formula; *p;) {
		if (*p != '{') {
			strbuf_putc(&b, *p++);
			continue;
		}
		const char *close = strchr(p, '}');
		int i = fig_index(p + 1, (size_t)(close - p - 1));
		if (i < 0 || !fig_value(totals, summary_figs[i].key)) {
			strbuf_free(&b);
			return NULL;
		}
		strbuf_printf(&b, "B%u", (unsigned)(first + (lxw_row_t)i + 1));
		p = close + 1;
	}
	return strbuf_detach(&b);
}

#define CASES_LISTED_DEF                                                                           \
	"Cases concluded in a period of the trend window or open at the report period's end: one " \
	"row each on the Cases sheet (continued on Cases (2)... past Excel's 1,048,576 rows)."
#define CASES_LISTED_LABEL "Cases listed on the Cases sheets"

/* The context rows above the figures on the Summary sheet. */
static const struct {
	const char *label, *key;
	enum kind kind;
	const char *def;
} info[] = {
    {"Period", "period", K_TEXT, "The report period."},
    {"Previous period", "previous_period", K_TEXT, "The period compared with."},
    {"Organisation", "organisation", K_TEXT, "Whose pack this is."},
    {"Region", "region", K_TEXT,
     "The region of a regional pack; empty for the whole organisation."},
    {"Data from", "data_from", K_DATE, "First date in the case data."},
    {"Data to", "data_to", K_DATE, "Last date in the case data: the date the data runs to."},
    {"Currency", "currency", K_TEXT, "The currency of the money figures (ISO 4217)."},
};

static const struct col summary_cols[] = {
    {"Figure", "figure", K_TEXT, NULL, "The figure, in plain words."},
    {"Value", "value", K_NUM, NULL, "Its value for the period (rates formatted as percentages)."},
    {"How it is computed", "how", K_TEXT, NULL,
     "What it counts and how; '(a formula)' when Value is one."},
};

static void put_summary(struct xw *x, struct sheet *sh, const json_t *m, const char *title,
                        long listed)
{
	const json_t *t = json_object_get(m, "totals");
	const char *region = json_string_value(json_object_get(m, "region"));
	struct strbuf b = STRBUF_INIT;
	put_title(x, sh, 0, 0, title, x->title);
	strbuf_printf(&b, "%s · %s · %s",
	              or_empty(json_string_value(json_object_get(m, "organisation"))),
	              or_empty(json_string_value(json_object_get(m, "period"))),
	              region ? region : "whole organisation");
	put_title(x, sh, 1, 0, strbuf_str(&b), NULL);
	put_title(x, sh, 2, 0,
	          "Rates are formulas over the counts beside them, with their value stored; the "
	          "charts use the "
	          "Journeys and Departments sheets.",
	          x->italic);

	/* The context rows, then the figures: Figure, Value, How it is computed. */
	lxw_row_t head = 4, first = head + 1 + N(info);
	json_t *rows = json_array();
	for (int i = 0; i < N(info); i++)
		json_array_append_new(rows, json_pack("{s:s, s:O?, s:s}", "figure", info[i].label,
		                                      "value", json_object_get(m, info[i].key),
		                                      "how", info[i].def));
	for (int i = 0; i < NSUMFIG; i++)
		json_array_append_new(
		    rows, json_pack("{s:s, s:O?, s:s}", "figure", summary_figs[i].label, "value",
		                    fig_value(t, summary_figs[i].key), "how", summary_figs[i].def));
	json_array_append_new(rows,
	                      json_pack("{s:s, s:I, s:s}", "figure", CASES_LISTED_LABEL, "value",
	                                (json_int_t)listed, "how", CASES_LISTED_DEF));
	lxw_row_t last =
	    put_table(x, sh, head, "tblSummary", summary_cols, N(summary_cols), rows, "");
	/* Re-type the Value column per figure, and write the rates as formulas over the counts. */
	for (int i = 0; i < N(info); i++)
		put_value(x, sh, head + 1 + (lxw_row_t)i, 1, info[i].kind,
		          json_object_get(m, info[i].key));
	for (int i = 0; i < NSUMFIG; i++) {
		const struct fig *f = &summary_figs[i];
		lxw_row_t r = first + (lxw_row_t)i;
		char *formula = fig_formula(f, t, first);
		if (formula)
			put_formula(x, sh, r, 1, f->kind, formula, fig_value(t, f->key));
		else
			put_value(x, sh, r, 1, f->kind, fig_value(t, f->key));
		free(formula);
	}
	put_number(x, sh, last, 1, K_INT, (double)listed);
	worksheet_freeze_panes(sh->ws, head + 1, 0);
	json_decref(rows);
	strbuf_free(&b);
}

/* ---- Goals, Journeys and the trend --------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The union of the journeys' trend periods, sorted (labels of one length sort as periods). The
 * caller frees the array. */
static const char **trend_periods(const json_t *journeys, size_t *n)
{
	size_t cap = 8, cnt = 0, i, j;
	const char **p = xreallocarray(NULL, cap, sizeof *p);
	const json_t *jo, *tp;
	json_array_foreach(journeys, i, jo)
	{
		json_array_foreach(json_object_get(jo, "trend"), j, tp)
		{
			const char *s = json_string_value(json_object_get(tp, "period"));
			if (!s)
				continue;
			if (cnt == cap)
				p = xreallocarray(p, cap *= 2, sizeof *p);
			p[cnt++] = s;
		}
	}
	qsort(p, cnt, sizeof *p, cmp_str);
	size_t u = 0;
	for (i = 0; i < cnt; i++)
		if (!u || strcmp(p[u - 1], p[i]) != 0)
			p[u++] = p[i];
	*n = u;
	return p;
}

static const lxw_color_t line_colors[] = {0x08306B, 0xE08214, 0x4D4D4D, 0x8073AC,
                                          0xB35806, 0x1B7837, 0x9E9E9E};
static const uint8_t line_dashes[] = {LXW_CHART_LINE_DASH_SOLID, LXW_CHART_LINE_DASH_DASH,
                                      LXW_CHART_LINE_DASH_ROUND_DOT, LXW_CHART_LINE_DASH_LONG_DASH,
                                      LXW_CHART_LINE_DASH_DASH_DOT};
static const uint8_t line_markers[] = {LXW_CHART_MARKER_CIRCLE, LXW_CHART_MARKER_SQUARE,
                                       LXW_CHART_MARKER_TRIANGLE, LXW_CHART_MARKER_DIAMOND,
                                       LXW_CHART_MARKER_X};

/*
 * The trend table under the journeys (a period per row, a journey's SCO
 * rate per column) and the line chart of it, placed on the Summary sheet.
 */
static void put_trend(struct xw *x, struct sheet *sh, lxw_row_t row0, const json_t *journeys,
                      struct sheet *summary, json_t *defs)
{
	size_t nper, nj = json_array_size(journeys);
	const char **per = trend_periods(journeys, &nper);
	put_title(
	    x, sh, row0, 0,
	    "SCO rate by period (the chart on the Summary sheet is drawn from this table; the "
	    "Trend sheet has the counts)",
	    x->title);
	lxw_row_t head = row0 + 1;
	int n = (int)nj + 1;
	struct col *cols = xcalloc((size_t)n, sizeof *cols);
	char **keys = xcalloc((size_t)n, sizeof *keys);
	cols[0] = (struct col){"Period", "period", K_TEXT, NULL, "The period."};
	for (size_t j = 0; j < nj; j++) {
		const char *name =
		    json_string_value(json_object_get(json_array_get(journeys, j), "journey"));
		/* put_table makes the headers valid (cleaned, unique ignoring case); the rows are
		 * keyed by position. */
		keys[j + 1] = xasprintf("j%zu", j);
		cols[j + 1] = (struct col){name ? name : "", keys[j + 1], K_PCT, NULL, NULL};
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < nper; i++) {
		json_t *r = json_pack("{s:s}", "period", per[i]);
		for (size_t j = 0; j < nj; j++) {
			size_t k;
			const json_t *tp;
			json_array_foreach(json_object_get(json_array_get(journeys, j), "trend"), k,
			                   tp)
			{
				if (strcmp(
				        or_empty(json_string_value(json_object_get(tp, "period"))),
				        per[i]) == 0)
					json_object_set(r, keys[j + 1],
					                json_object_get(tp, "sco_rate"));
			}
		}
		json_array_append_new(rows, r);
	}
	put_table(x, sh, head, "tblTrendByJourney", cols, n, rows,
	          "No period has concluded cases.");
	json_array_append_new(
	    defs,
	    json_pack("{s:s, s:s, s:s}", "sheet", sh->name, "column", "Period (trend table)",
	              "meaning",
	              "A period with concluded cases, among the last 8 up to the report period, "
	              "oldest first."));
	json_array_append_new(
	    defs, json_pack("{s:s, s:s, s:s}", "sheet", sh->name, "column",
	                    "<journey> (trend table)", "meaning",
	                    "The journey's SCO rate in that period (successful / cases concluded); "
	                    "empty when it had no concluded cases then."));

	if (nper && nj) {
		lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
		for (size_t j = 0; j < nj; j++) {
			lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
			chart_series_set_categories(s, sh->name, head + 1, 0,
			                            head + (lxw_row_t)nper, 0);
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
		check(x, worksheet_insert_chart_opt(summary->ws, 4, 4, ch, &co),
		      "inserting a chart");
	}
	json_decref(rows);
	for (int j = 1; j < n; j++)
		free(keys[j]);
	free(keys);
	free(cols);
	free(per);
}

static void put_figure_sheet(struct xw *x, struct sheet *sh, const char *table,
                             const struct col *cols, int n, const json_t *rows, const char *none)
{
	lxw_row_t last = put_table(x, sh, 0, table, cols, n, rows, none);
	int rate = col_index(cols, n, "SCO rate"), target = col_index(cols, n, "SCO target");
	if (json_array_size(rows) && rate >= 0 && target >= 0)
		cond_target(x, sh, 1, last, (lxw_col_t)rate, (lxw_col_t)target);
	worksheet_freeze_panes(sh->ws, 1, 0);
}

/* ---- Regions and Decisions (second edition) -------------------------------- */

static const struct col region_head[] = {
    {"Region", "region", K_TEXT, NULL,
     "The region (regions[] of the JSON): its figures are those of its own regional pack. "
     "Regions worst SCO rate first; cases with no region are in no row."},
};

static const struct col touchpoint_cols[] = {
    {"Goal", "goal", K_TEXT, NULL,
     "The goal whose cases concluded in the period had these failure-demand rows; \"(all "
     "goals)\" for the whole pack."},
    {"Touchpoint", "touchpoint", K_TEXT, NULL,
     "The touchpoint of failure-demand rows (empty when none was recorded): why customers had "
     "to contact us again. At most five per goal, most first, ties by name."},
    {"Failure contacts", "contacts", K_INT, NULL, "Failure-demand rows with that touchpoint."},
};

static const struct col action_cols[] = {
    {"Action", "action", K_TEXT, NULL, "What the board decided (actions.csv)."},
    {"Owner", "owner", K_TEXT, NULL, "Who owns the action (a person, role or department)."},
    {"Goal", "goal", K_TEXT, NULL, "The goal or journey it serves, as actions.csv names it."},
    {"Due", "due", K_DATE, NULL, "When it is due."},
    {"Status", "status", K_TEXT, NULL, "open, done, late or dropped."},
    {"Region", "region", K_TEXT, NULL, "The region it is for; empty: every region."},
    {"Goal found", "goal_found", K_BOOL, NULL,
     "TRUE when the goal names a goal or journey of the pack."},
    {"Previous SCO rate", "prev_sco_rate", K_PCT, NULL,
     "The goal's SCO rate in the previous period (then)."},
    {"SCO rate", "sco_rate", K_PCT, NULL, "The goal's SCO rate in the period (now)."},
    {"Line", "line", K_PLAIN, NULL, "The action's line in actions.csv."},
};

static const struct col story_cols[] = {
    {"Goal", "goal", K_TEXT, NULL,
     "The goal told through one customer's eyes: its median unsuccessful case of the period by "
     "contacts (ties by case id)."},
    {"Case", "case_id", K_TEXT, NULL, "The case's id (no customer id: ids only)."},
    {"Journey", "journey", K_TEXT, NULL, "The journey of the case told."},
    {"Time", "time", K_TIME, NULL, "When the touchpoint happened (UTC)."},
    {"Touchpoint", "touchpoint", K_TEXT, NULL, "What happened at that touchpoint."},
    {"Department", "department", K_TEXT, NULL, "The department that handled the touchpoint."},
    {"Channel", "channel", K_TEXT, NULL, "How the customer was in touch (phone, web, ...)."},
    {"Failure demand", "failure_demand", K_BOOL, NULL, "TRUE for a failure-demand contact."},
    {"Outcome", "outcome", K_TEXT, NULL, "The outcome the row gave, if any."},
    {"Line", "line", K_PLAIN, NULL, "The row's line in the event log."},
};

/*
 * Decisions: the second edition's lists behind the board's page — failure-demand touchpoints
 * by goal, the board's actions, and each goal's case told through the customer's eyes.
 */
static void put_decisions(struct xw *x, struct sheet *sh, const json_t *m)
{
	json_t *tps = json_array(), *stories = json_array();
	const json_t *goals = json_object_get(m, "goals");
	size_t i;
	const json_t *g;
	json_array_foreach(goals, i, g)
	{
		const char *goal = json_string_value(json_object_get(g, "goal"));
		size_t k;
		const json_t *t;
		json_array_foreach(json_object_get(g, "failure_touchpoints"), k, t)
		{
			json_t *o = json_deep_copy(t);
			json_object_set_new(o, "goal", json_string(goal ? goal : ""));
			json_array_append_new(tps, o);
		}
		const json_t *cj = json_object_get(g, "customer_journey");
		json_array_foreach(json_object_get(cj, "rows"), k, t)
		{
			json_t *o = json_deep_copy(t);
			json_object_set_new(o, "goal", json_string(goal ? goal : ""));
			json_object_set(o, "case_id", json_object_get(cj, "case_id"));
			json_object_set(o, "journey", json_object_get(cj, "journey"));
			json_array_append_new(stories, o);
		}
	}
	size_t k;
	const json_t *t;
	json_array_foreach(json_object_get(json_object_get(m, "totals"), "failure_touchpoints"), k,
	                   t)
	{
		json_t *o = json_deep_copy(t);
		json_object_set_new(o, "goal", json_string("(all goals)"));
		json_array_append_new(tps, o);
	}
	const json_t *actions = json_object_get(m, "actions");
	json_t *no_actions = json_array();
	lxw_row_t r = put_table(x, sh, 0, "tblFailureTouchpoints", touchpoint_cols,
	                        N(touchpoint_cols), tps, "No failure demand in the period.");
	r = put_table(x, sh, r + 3, "tblActions", action_cols, N(action_cols),
	              json_is_array(actions) ? actions : no_actions,
	              json_is_array(actions) ? "The actions file lists no action for this pack."
	                                     : "No actions file was given ([inputs] actions).");
	put_table(x, sh, r + 3, "tblStories", story_cols, N(story_cols), stories,
	          "No goal had an unsuccessful case, or the cases came from cases.csv.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	json_decref(tps);
	json_decref(stories);
	json_decref(no_actions);
}

/* ---- Departments --------------------------------------------------------- */

static void put_departments(struct xw *x, struct sheet *sh, const json_t *depts,
                            struct sheet *summary)
{
	put_table(x, sh, 0, "tblDepartments", department_cols, N(department_cols), depts,
	          "No department has KPIs or cases in this period.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	size_t n = json_array_size(depts);
	if (!n)
		return;
	/* Greyscale: dark green, light amber, red hatched, so that print tells them apart too. */
	static const struct {
		const char *header;
		lxw_color_t color;
		uint8_t pattern;
	} st[] = {{"Green", 0x1B7837, 0},
	          {"Amber", 0xFDB863, 0},
	          {"Red", 0xB2182B, LXW_CHART_PATTERN_WIDE_UPWARD_DIAGONAL}};
	lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_BAR_STACKED);
	for (int i = 0; i < 3; i++) {
		lxw_col_t c =
		    (lxw_col_t)col_index(department_cols, N(department_cols), st[i].header);
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

static double excel_day(int64_t day)
{
	return (double)day + 25569.0;
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
	char *key;     /* the text as given */
	char *xml;     /* `<is><t>...</t></is></c>` */
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
	lxw_row_t row;       /* the open row (0: none; rows here start at 1, under the header) */
	long col;            /* the last cell's column in it; -1 before the first */
	lxw_row_t last_row;  /* the last row with a cell */
	lxw_col_t last_col;  /* the rightmost column with a cell */
	int err;             /* the stream's first failure (an errno value) */
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
static void sink_cell(struct rowsink *k, lxw_row_t r, lxw_col_t c, const char *attrs,
                      size_t alen)
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
#define EPOCH_SERIAL 25569ULL /* Excel's serial day number of 1970-01-01 */

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
		long_text(x, ts, r, 0, k->id);
		long_shared(x, ts, r, 1, k->journey);
		if (k->period)
			long_shared(x, ts, r, 2, k->period);
		long_bool(x, ts, r, 3, k->sco);
		long_shared(x, ts, r, 4, k->touches[i].department);
		if (k->touches[i].contacts != UINT32_MAX)
			long_number(x, ts, r, 5, K_INT, k->touches[i].contacts);
		long_number(x, ts, r, 6, K_INT, k->touches[i].failure_contacts);
	}
}

static void put_customer(struct xw *x, struct longtab *t, const struct xlsx_customer *cu)
{
	lxw_row_t r;
	struct sheet *sh = longtab_next(t, &r);
	if (!sh)
		return;
	long_text(x, sh, r, 0, cu->id);
	if (cu->segment)
		long_shared(x, sh, r, 1, cu->segment);
	if (cu->region)
		long_shared(x, sh, r, 2, cu->region);
	if (!isnan(cu->annual_value))
		long_number(x, sh, r, 3, K_MONEY, cu->annual_value);
	if (cu->joined_day != INT64_MIN)
		long_number(x, sh, r, 4, K_DATE, excel_day(cu->joined_day));
	if (cu->left_day != INT64_MAX)
		long_number(x, sh, r, 5, K_DATE, excel_day(cu->left_day));
}

/* ---- Trend, Heat map, KPIs served, Settings ------------------------------- */

static const struct col trend_cols[] = {
    {"Level", "level", K_TEXT, NULL, "journey, goal, or whole (every case of the pack)."},
    {"Name", "name", K_TEXT, NULL,
     "The journey, the goal, or the pack (the organisation or the region)."},
    {"Period", "period", K_TEXT, NULL,
     "A period with concluded cases, among the last 8 up to the report period, oldest first."},
    {"Cases concluded", "cases_concluded", K_INT, NULL, "Cases concluded in the period."},
    {"Successful", "successful", K_INT, NULL,
     "Successful customer outcomes concluded in the period."},
    {"SCO rate", "sco_rate", K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful / Cases concluded (a formula)."},
};

static void trend_rows(json_t *rows, const char *level, const char *name, const json_t *trend)
{
	size_t i;
	const json_t *tp;
	json_array_foreach(trend, i, tp)
	{
		json_t *r = json_deep_copy(tp);
		json_object_set_new(r, "level", json_string(level));
		json_object_set_new(r, "name", json_string(name ? name : ""));
		json_array_append_new(rows, r);
	}
}

/* The Trend sheet: per journey, goal and the whole pack, per period, the counts and the rate. */
static void put_trend_sheet(struct xw *x, struct sheet *sh, const json_t *m)
{
	json_t *rows = json_array();
	size_t i;
	const json_t *o;
	const char *region = json_string_value(json_object_get(m, "region"));
	const char *org = json_string_value(json_object_get(m, "organisation"));
	trend_rows(rows, "whole",
	           region        ? region
	           : org && *org ? org
	                         : "Whole organisation",
	           json_object_get(json_object_get(m, "totals"), "trend"));
	json_array_foreach(json_object_get(m, "goals"), i, o)
	    trend_rows(rows, "goal", json_string_value(json_object_get(o, "goal")),
	               json_object_get(o, "trend"));
	json_array_foreach(json_object_get(m, "journeys"), i, o)
	    trend_rows(rows, "journey", json_string_value(json_object_get(o, "journey")),
	               json_object_get(o, "trend"));
	put_table(x, sh, 0, "tblTrend", trend_cols, N(trend_cols), rows,
	          "No period has concluded cases.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	json_decref(rows);
}

static const struct col heat_cols[] = {
    {"Journey", "journey", K_TEXT, NULL, "The journey."},
    {"Department", "department", K_TEXT, NULL, "A department its cases passed through."},
    {"Cases", "cases", K_INT, NULL,
     "Cases of the journey concluded in the period that touched the department."},
    {"Successful", "successful", K_INT, NULL, "Successful customer outcomes among them."},
    {"SCO rate", "sco_rate", K_PCT, RATE_IF("Successful", "Cases"),
     "Successful / Cases (a formula): the heat map of the PDF, where journeys break."},
};

/* The heat map as a table: one row per journey and department with cases. */
static void put_heatmap(struct xw *x, struct sheet *sh, const struct xlsx_source *src)
{
	json_t *rows = json_array();
	struct xlsx_cell c;
	while (src && src->next_cell && src->next_cell(src->it, &c)) {
		if (!c.cases)
			continue;
		json_array_append_new(
		    rows, json_pack("{s:s, s:s, s:I, s:I, s:f}", "journey", or_empty(c.journey),
		                    "department", or_empty(c.department), "cases",
		                    (json_int_t)c.cases, "successful", (json_int_t)c.successful,
		                    "sco_rate", (double)c.successful / (double)c.cases));
	}
	lxw_row_t last = put_table(x, sh, 0, "tblHeatMap", heat_cols, N(heat_cols), rows,
	                           "No case concluded in the period.");
	if (json_array_size(rows)) {
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
	json_decref(rows);
}

static const struct col served_cols[] = {
    {"Department", "department", K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", "kpi", K_TEXT, NULL, "The KPI's name."},
    {"Status", "status", K_TEXT, NULL, "The KPI's status (green, amber or red)."},
    {"Journey served", "journey", K_TEXT, NULL,
     "A journey the KPI is meant to serve: one row per KPI and journey."},
    {"Journey SCO rate", "sco_rate", K_PCT, NULL,
     "The journey's SCO rate in the period (the Journeys sheet); empty when it had no concluded "
     "cases or is not a journey of the pack."},
    {"Journey SCO target", "sco_target", K_PCT, NULL, "The journey's SCO target."},
};

/* Beside the KPIs: each KPI with the SCO rate of each journey it serves. */
static void put_kpis_served(struct xw *x, struct sheet *sh, lxw_col_t col0, const json_t *kpis,
                            const json_t *journeys)
{
	json_t *rows = json_array();
	size_t i, j, k;
	const json_t *kp, *jn, *jo;
	json_array_foreach(kpis, i, kp)
	{
		json_array_foreach(json_object_get(kp, "journeys"), j, jn)
		{
			const json_t *found = NULL;
			json_array_foreach(journeys, k, jo)
			{
				if (json_equal(json_object_get(jo, "journey"), jn))
					found = jo;
			}
			json_array_append_new(
			    rows, json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "department",
			                    json_object_get(kp, "department"), "kpi",
			                    json_object_get(kp, "kpi"), "status",
			                    json_object_get(kp, "status"), "journey", jn,
			                    "sco_rate", json_object_get(found, "sco_rate"),
			                    "sco_target", json_object_get(found, "sco_target")));
		}
	}
	lxw_row_t last = put_table_at(x, sh, 0, col0, "tblKPIJourneys", served_cols, N(served_cols),
	                              rows, "No KPI names a journey it serves.");
	if (json_array_size(rows)) {
		cond_status(x, sh, 1, last, col0 + 2);
		cond_target(x, sh, 1, last, col0 + 4, col0 + 5);
	}
	json_decref(rows);
}

/* KPIs measured in percent hold fractions shown as percentages (87.8 % is 0.878). */
static void kpi_percentages(struct xw *x, struct sheet *sh, const json_t *kpis)
{
	int actual = col_index(kpi_cols, N(kpi_cols), "Actual");
	int target = col_index(kpi_cols, N(kpi_cols), "Target");
	size_t i;
	const json_t *kp;
	json_array_foreach(kpis, i, kp)
	{
		const char *unit = json_string_value(json_object_get(kp, "unit"));
		if (!unit || strcmp(unit, "%") != 0)
			continue;
		const json_t *a = json_object_get(kp, "actual"), *t = json_object_get(kp, "target");
		lxw_row_t r = (lxw_row_t)i + 1;
		if (json_is_number(a))
			put_number(x, sh, r, (lxw_col_t)actual, K_PCT, json_number_value(a) / 100);
		if (json_is_number(t))
			put_number(x, sh, r, (lxw_col_t)target, K_PCT, json_number_value(t) / 100);
	}
}

static const struct col setting_cols[] = {
    {"Setting", "setting", K_TEXT, NULL, "The pack setting (PACK.ini, [pack])."},
    {"Value", "value", K_NUM, NULL, "Its value for this pack."},
    {"Meaning", "meaning", K_TEXT, NULL, "What it does to the figures."},
};

/* The Settings sheet: every setting the figures depend on. */
static void put_settings(struct xw *x, struct sheet *sh, const json_t *m,
                         const struct xlsx_settings *st)
{
	const struct {
		const char *setting, *meaning;
		enum kind kind;
		json_t *value;
	} rows[] = {
	    {"period", "The report period.", K_TEXT, json_incref(json_object_get(m, "period"))},
	    {"previous period", "The period the report period is compared with.", K_TEXT,
	     json_incref(json_object_get(m, "previous_period"))},
	    {"period_length", "How the data is cut into periods: month, quarter or year.", K_TEXT,
	     st->period_length ? json_string(st->period_length)
	                       : json_incref(json_object_get(m, "period_length"))},
	    {"region", "The region of a regional pack; empty for the whole organisation.", K_TEXT,
	     json_incref(json_object_get(m, "region"))},
	    {"data from", "The first date in the case data.", K_DATE,
	     json_incref(json_object_get(m, "data_from"))},
	    {"data to", "The last date in the case data: the date the data runs to.", K_DATE,
	     json_incref(json_object_get(m, "data_to"))},
	    {"min_cases",
	     "Journeys with fewer cases concluded are low volume; a watermelon needs at least this "
	     "many cases of the journey through the department.",
	     K_INT, st->min_cases >= 0 ? json_integer(st->min_cases) : json_null()},
	    {"churn_window_days",
	     "A customer who leaves within this many days of a case's end counts as lost after it "
	     "(Cases: Left within window).",
	     K_INT, st->churn_window_days >= 0 ? json_integer(st->churn_window_days) : json_null()},
	    {"green_share_threshold",
	     "A department at least this share green counts as green when looking for watermelons.",
	     K_PCT,
	     isnan(st->green_share_threshold) ? json_null() : json_real(st->green_share_threshold)},
	    {"sco_target", "The SCO target of the journeys that set none (Journeys: SCO target).",
	     K_PCT, isnan(st->sco_target) ? json_null() : json_real(st->sco_target)},
	    {"tolerance",
	     "The amber band around a KPI's target, as a share of the target, for KPIs that set "
	     "none (KPIs: Tolerance).",
	     K_PCT, isnan(st->tolerance) ? json_null() : json_real(st->tolerance)},
	    {"failure_contact_cost",
	     "The cost of one failure contact, in the pack's currency: failure demand cost = "
	     "failure "
	     "contacts x this; empty when not configured.",
	     K_MONEY,
	     isnan(st->failure_contact_cost) ? json_null() : json_real(st->failure_contact_cost)},
	    {"currency", "The currency of the money figures (ISO 4217).", K_TEXT,
	     json_incref(json_object_get(m, "currency"))},
	};
	json_t *a = json_array();
	for (int i = 0; i < N(rows); i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "setting", rows[i].setting,
		                                   "meaning", rows[i].meaning));
	lxw_row_t last = put_table(x, sh, 0, "tblSettings", setting_cols, N(setting_cols), a, "");
	(void)last;
	for (int i = 0; i < N(rows); i++) {
		put_value(x, sh, (lxw_row_t)i + 1, 1, rows[i].kind, rows[i].value);
		json_decref(rows[i].value);
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	json_decref(a);
}

/* ---- Data quality and Definitions ---------------------------------------- */

/* The value of column c of a rejected row or note o: the column by name when the JSON has it. */
static const char *issue_text(const json_t *o, int c, const char *row, char buf[48])
{
	const char *key = issue_cols[c].key;
	if (strcmp(key, "row") == 0)
		return row;
	if (strcmp(key, "column") == 0) {
		const json_t *name = json_object_get(o, "column_name");
		if (json_is_string(name))
			return json_string_value(name);
		const json_t *n = json_object_get(o, "column");
		if (!json_is_integer(n))
			return NULL;
		snprintf(buf, 48, "column %" JSON_INTEGER_FORMAT, json_integer_value(n));
		return buf;
	}
	return json_string_value(json_object_get(o, key));
}

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
	const json_t *issues, *notes; /* all of them; the first ni and nn are listed */
	size_t ni, nn, nrows;         /* nrows = ni + nn */
	json_t *files;                /* [{file, rows_read, rows_rejected, rows_kept}] */
	size_t nf, nw;                /* files, workbook notes */
	lxw_col_t fc, wc;             /* the first columns of the files' and the notes' tables */
};

static const json_t *dq_row(const struct dq_sheet *d, size_t i)
{
	return i < d->ni ? json_array_get(d->issues, i) : json_array_get(d->notes, i - d->ni);
}

static const char *dq_what(const struct dq_sheet *d, size_t i)
{
	return i < d->ni ? "rejected" : "kept";
}

/* The rows listed (at most DQ_ROWS_MAX issues and as many notes: the others are counted in a
 * workbook note) and the files, in the order of the JSON. */
static void dq_gather(struct xw *x, struct sheet *sh, const json_t *dq, struct dq_sheet *d)
{
	d->issues = json_object_get(dq, "issues");
	d->notes = json_object_get(dq, "notes");
	size_t ni = json_array_size(d->issues), nn = json_array_size(d->notes);
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
	d->files = json_array();
	const char *fname;
	json_t *fo;
	json_object_foreach((json_t *)json_object_get(dq, "files"), fname, fo)
	{
		json_int_t rr = json_integer_value(json_object_get(fo, "rows_read"));
		json_int_t rj = json_integer_value(json_object_get(fo, "rows_rejected"));
		json_array_append_new(
		    d->files, json_pack("{s:s, s:O?, s:O?, s:I}", "file", fname, "rows_read",
		                        json_object_get(fo, "rows_read"), "rows_rejected",
		                        json_object_get(fo, "rows_rejected"), "rows_kept", rr - rj));
	}
	d->nf = json_array_size(d->files);
}

/* What the texts below will need noting, first: the notes table is beside them (the sheet is
 * written row by row). Then the workbook notes are complete. */
static void dq_pre_notes(struct xw *x, struct sheet *sh, lxw_row_t head, struct dq_sheet *d)
{
	char buf[48];
	for (size_t i = 0; i < d->nrows; i++)
		for (int c = 0; c < N(issue_cols); c++)
			pre_note(x, sh, head + 1 + (lxw_row_t)i, (lxw_col_t)c,
			         issue_text(dq_row(d, i), c, dq_what(d, i), buf));
	for (size_t i = 0; i < d->nf; i++)
		pre_note(x, sh, head + 1 + (lxw_row_t)i, d->fc,
		         json_string_value(json_object_get(json_array_get(d->files, i), "file")));
	if (x->notes_dropped) {
		char *n = xasprintf("%ld more workbook notes not listed", x->notes_dropped);
		json_array_append_new(
		    x->notes, json_pack("{s:s, s:s, s:s}", "sheet", "", "cell", "", "note", n));
		free(n);
		x->notes_dropped = 0;
	}
	d->nw = json_array_size(x->notes);
}

/* Rows 1 and 2: what is said above the tables, never as a data row; then the tables' header
 * row. */
static void dq_heading(struct xw *x, struct sheet *sh, const json_t *dq, lxw_row_t head,
                       const struct dq_sheet *d)
{
	json_int_t nread = json_integer_value(json_object_get(dq, "rows_read"));
	json_int_t nrej = json_integer_value(json_object_get(dq, "rows_rejected"));
	size_t nnotes = json_array_size(d->notes);
	char a[32], b[32], c3[32];
	char *said;
	if (!nrej && !nnotes)
		said = xasprintf("Nothing rejected, nothing noted: all %s rows read were kept.",
		                 thousands((long)nread, a));
	else
		said = xasprintf(
		    "%s of %s rows read rejected (left out of every figure); %s note%s on "
		    "rows kept. One row each below.",
		    thousands((long)nrej, a), thousands((long)nread, b),
		    thousands((long)nnotes, c3), nnotes == 1 ? "" : "s");
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

/* Row r of the files' table: file i, or after the last the totals (the JSON's own figures,
 * cached by the total row's formulas). */
static void dq_file_row(struct xw *x, struct sheet *sh, const json_t *dq, lxw_row_t r, size_t i,
                        const struct dq_sheet *d)
{
	size_t flast = (d->nf ? d->nf : 1) + 1; /* data rows, then the total row */
	lxw_col_t fc = d->fc;
	if (i < d->nf) {
		json_t *f = json_array_get(d->files, i);
		put_text_quiet(x, sh, r, fc, json_string_value(json_object_get(f, "file")), NULL);
		put_value(x, sh, r, fc + 1, K_INT, json_object_get(f, "rows_read"));
		put_value(x, sh, r, fc + 2, K_INT, json_object_get(f, "rows_rejected"));
		put_formula(x, sh, r, fc + 3, K_INT, dq_kept_formula, json_object_get(f, "rows_kept"));
	} else if (i == flast - 1) {
		static const char *const total_formula[] = {NULL, "SUBTOTAL(109,tblFiles[Rows read])",
		                                            "SUBTOTAL(109,tblFiles[Rows rejected])",
		                                            "SUBTOTAL(109,tblFiles[Rows kept])"};
		json_int_t nread = json_integer_value(json_object_get(dq, "rows_read"));
		json_int_t nrej = json_integer_value(json_object_get(dq, "rows_rejected"));
		json_t *tot[] = {NULL, json_integer(nread), json_integer(nrej),
		                 json_integer(nread - nrej)};
		put_text(x, sh, r, fc, "All files", NULL);
		for (int k = 1; k < 4; k++) {
			put_formula(x, sh, r, fc + (lxw_col_t)k, K_INT, total_formula[k], tot[k]);
			json_decref(tot[k]);
		}
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
static void put_data_quality(struct xw *x, struct sheet *sh, const json_t *dq)
{
	const lxw_row_t head = 2; /* the tables' header row */
	struct dq_sheet d = {0};
	dq_gather(x, sh, dq, &d);
	dq_pre_notes(x, sh, head, &d);
	dq_heading(x, sh, dq, head, &d);

	/* The rows, one sheet row at a time across the three tables. */
	int nic = N(issue_cols);
	size_t flast = (d.nf ? d.nf : 1) + 1;
	size_t n = d.nrows;
	if (flast > n)
		n = flast;
	if (d.nw > n)
		n = d.nw;
	lxw_col_t msg = (lxw_col_t)(nic - 1);
	char buf[48];
	for (size_t i = 0; i < n; i++) {
		lxw_row_t r = head + 1 + (lxw_row_t)i;
		if (i < d.nrows) {
			const json_t *o = dq_row(&d, i);
			for (int c = 0; c < nic; c++) {
				if (issue_cols[c].kind == K_PLAIN)
					put_value(x, sh, r, (lxw_col_t)c, K_PLAIN,
					          json_object_get(o, issue_cols[c].key));
				else
					put_text_quiet(x, sh, r, (lxw_col_t)c,
					               issue_text(o, c, dq_what(&d, i), buf),
					               (lxw_col_t)c == msg ? x->wrap : NULL);
			}
		}
		dq_file_row(x, sh, dq, r, i, &d);
		if (i < d.nw) {
			const json_t *w = json_array_get(x->notes, i);
			for (int c = 0; c < N(wbnote_cols); c++)
				put_text_quiet(
				    x, sh, r, d.wc + (lxw_col_t)c,
				    json_string_value(json_object_get(w, wbnote_cols[c].key)), NULL);
		}
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
	json_decref(d.files);
}

static void add_defs(json_t *defs, const char *sheet, const struct col *cols, int n)
{
	for (int i = 0; i < n; i++)
		if (cols[i].def)
			json_array_append_new(defs,
			                      json_pack("{s:s, s:s, s:s}", "sheet", sheet, "column",
			                                cols[i].header, "meaning", cols[i].def));
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
	static const char *const numfmt[K_NKINDS] = {[K_INT] = "#,##0",
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
static const char *const sheets_before[] = {
    "Summary", "Goals", "Journeys", "Trend", "Regions", "Watermelons", "Departments", "Heat map",
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
	json_decref(b->x.notes);
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
	    {.name = "Customers", .table = "tblCustomers", .cols = customer_cols, .ncols = N(customer_cols)},
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
			b->names[si++] = k ? xasprintf("%s (%d)", b->lt[t].name, k + 1)
			                   : xstrdup(b->lt[t].name);
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
			diag_msg(DIAG_ERROR, path, 0, 0,
			         "cannot write the workbook: cannot create a temporary file in %s: %s",
			         b->parts_dir, strerror(errno));
			return false;
		}
	}
	return true;
}

/* The temporary file libxlsxwriter writes to, the workbook, its formats. */
static bool book_open(struct book *b, const char *path, const json_t *m,
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
	b->x.notes = json_array();
	b->x.wb = workbook_new_opt(b->parts, &wo);
	if (!b->x.wb) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the workbook: %s",
		         strerror(errno ? errno : ENOMEM));
		return false;
	}
	make_formats(&b->x, opts->currency ? opts->currency
	                                   : json_string_value(json_object_get(m, "currency")));
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

static void clean_properties(struct book *b, const json_t *m, const struct xlsx_options *opts)
{
	const char *period = json_string_value(json_object_get(m, "period"));
	const char *region = json_string_value(json_object_get(m, "region"));
	b->title = clean_dup_at(&b->x, opts->title && *opts->title ? opts->title : "Board pack", 1000,
	                        "(document properties)", "title");
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

static void summary_defs(json_t *defs)
{
	add_defs(defs, "Summary", summary_cols, N(summary_cols));
	for (int i = 0; i < N(info); i++)
		json_array_append_new(defs,
		                      json_pack("{s:s, s:s, s:s}", "sheet", "Summary", "column",
		                                info[i].label, "meaning", info[i].def));
	for (int i = 0; i < NSUMFIG; i++)
		json_array_append_new(defs, json_pack("{s:s, s:s, s:s}", "sheet", "Summary",
		                                      "column", summary_figs[i].label, "meaning",
		                                      summary_figs[i].def));
	json_array_append_new(defs, json_pack("{s:s, s:s, s:s}", "sheet", "Summary", "column",
	                                      CASES_LISTED_LABEL, "meaning", CASES_LISTED_DEF));
}

/* A figure table (figure_table's columns: head, then the figures, then tail) on its sheet. */
static void put_figures(struct xw *x, struct sheet *sh, json_t *defs, const char *name,
                        const char *table, const struct col *head, int nh, const struct col *tail,
                        int nt, const json_t *rows, const char *none)
{
	int n;
	struct col *c = figure_table(head, nh, tail, nt, &n);
	put_figure_sheet(x, sh, table, c, n, rows, none);
	page_setup(x, sh, 0);
	add_defs(defs, name, c, n);
	free(c);
}

/* Summary to KPIs: the figures of the pack, each sheet with its columns defined in defs. */
static void put_figure_sheets(struct book *b, const json_t *m, const struct xlsx_source *src,
                              const struct xlsx_options *opts, long listed, json_t *defs)
{
	struct xw *x = &b->x;
	struct sheet *sh = b->sh;
	put_summary(x, &sh[S_SUMMARY], m, opts->title && *opts->title ? opts->title : "Board pack",
	            listed);
	page_setup(x, &sh[S_SUMMARY], 4);
	summary_defs(defs);

	put_figures(x, &sh[S_GOALS], defs, "Goals", "tblGoals", goal_head, N(goal_head), goal_tail,
	            N(goal_tail), json_object_get(m, "goals"), "No goals.");
	const json_t *journeys = json_object_get(m, "journeys");
	put_figures(x, &sh[S_JOURNEYS], defs, "Journeys", "tblJourneys", journey_head,
	            N(journey_head), journey_tail, N(journey_tail), journeys, "No journeys.");
	size_t nj = json_array_size(journeys);
	put_trend(x, &sh[S_JOURNEYS], (lxw_row_t)(nj ? nj : 1) + 3, journeys, &sh[S_SUMMARY], defs);

	put_trend_sheet(x, &sh[S_TREND], m);
	add_defs(defs, "Trend", trend_cols, N(trend_cols));

	lxw_row_t last = put_table(x, &sh[S_WATERMELONS], 0, "tblWatermelons", watermelon_cols,
	                           N(watermelon_cols), json_object_get(m, "watermelons"),
	                           "No watermelons: no green dashboard hides red outcomes.");
	if (json_array_size(json_object_get(m, "watermelons")))
		cond_target(x, &sh[S_WATERMELONS], 1, last, 5, 6);
	worksheet_freeze_panes(sh[S_WATERMELONS].ws, 1, 0);
	page_setup(x, &sh[S_WATERMELONS], 0);
	add_defs(defs, "Watermelons", watermelon_cols, N(watermelon_cols));

	put_departments(x, &sh[S_DEPARTMENTS], json_object_get(m, "departments"), &sh[S_SUMMARY]);
	page_setup(x, &sh[S_DEPARTMENTS], 0);
	add_defs(defs, "Departments", department_cols, N(department_cols));

	put_heatmap(x, &sh[S_HEAT], src);
	add_defs(defs, "Heat map", heat_cols, N(heat_cols));

	const json_t *regions = json_object_get(m, "regions");
	json_t *no_regions = json_array();
	put_figures(x, &sh[S_REGIONS], defs, "Regions", "tblRegions", region_head, N(region_head),
	            region_head, 0, json_is_array(regions) ? regions : no_regions,
	            json_is_array(regions) ? "The data has no region."
	                                   : "A regional pack: the regions are compared in the whole "
	                                     "organisation's pack.");
	json_decref(no_regions);

	put_decisions(x, &sh[S_DECISIONS], m);
	add_defs(defs, "Decisions", touchpoint_cols, N(touchpoint_cols));
	add_defs(defs, "Decisions", action_cols, N(action_cols));
	add_defs(defs, "Decisions", story_cols, N(story_cols));

	const json_t *kpis = json_object_get(m, "kpis");
	last = put_table(x, &sh[S_KPIS], 0, "tblKPIs", kpi_cols, N(kpi_cols), kpis,
	                 "No KPIs in this period.");
	if (json_array_size(kpis))
		cond_status(x, &sh[S_KPIS], 1, last,
		            (lxw_col_t)col_index(kpi_cols, N(kpi_cols), "Status"));
	kpi_percentages(x, &sh[S_KPIS], kpis);
	put_kpis_served(x, &sh[S_KPIS], N(kpi_cols) + 1, kpis, journeys);
	worksheet_freeze_panes(sh[S_KPIS].ws, 1, 0);
	page_setup(x, &sh[S_KPIS], 0);
	add_defs(defs, "KPIs", kpi_cols, N(kpi_cols));
	add_defs(defs, "KPIs", served_cols, N(served_cols));
}

/* Settings, Data quality and Definitions, the last sheets. */
static void put_reference_sheets(struct book *b, const json_t *m,
                                 const struct xlsx_options *opts, json_t *defs)
{
	struct xw *x = &b->x;
	struct sheet *settings_sh = &b->sh[b->nsheets - 3], *dq_sh = &b->sh[b->nsheets - 2],
	             *defs_sh = &b->sh[b->nsheets - 1];
	add_defs(defs, "Cases", case_cols, N(case_cols));
	add_defs(defs, "Touches", touch_cols, N(touch_cols));
	add_defs(defs, "Customers", customer_cols, N(customer_cols));
	put_settings(x, settings_sh, m, &opts->settings);
	add_defs(defs, "Settings", setting_cols, N(setting_cols));
	add_defs(defs, "Data quality", file_cols, N(file_cols));
	add_defs(defs, "Data quality", issue_cols, N(issue_cols));
	add_defs(defs, "Data quality", wbnote_cols, N(wbnote_cols));
	add_defs(defs, "Definitions", def_cols, N(def_cols));
	put_data_quality(x, dq_sh, json_object_get(m, "data_quality"));

	put_table(x, defs_sh, 0, "tblDefinitions", def_cols, N(def_cols), defs, "");
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
		zp[nzp++] = (struct xlsxzip_part){.entry = xasprintf("xl/worksheets/sheet%d.xml", i + 1),
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

int xlsx_write(const char *path, const json_t *m, const struct xlsx_source *src,
               const struct xlsx_options *opts)
{
	if (!writable(path, opts->tmpdir))
		return -1;
	const char *test_rows = getenv("BOARDPACK_TEST_SHEET_ROWS"); /* tests only (xlsx.h) */
	if (test_rows && *test_rows)
		xlsx_test_case_limit(atol(test_rows));
	struct book b = {0};
	if (!book_open(&b, path, m, opts)) {
		book_free(&b);
		return -1;
	}
	count_long_rows(&b, src);
	if (!add_sheets(&b, path)) {
		book_free(&b);
		return -1;
	}
	long listed = put_long_tables(&b, src);
	clean_properties(&b, m, opts);
	json_t *defs = json_array();
	put_figure_sheets(&b, m, src, opts, listed, defs);
	put_reference_sheets(&b, m, opts, defs);
	json_decref(defs);
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
