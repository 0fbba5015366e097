/*
 * cells: what every sheet is written with. Texts made fit for a cell (valid UTF-8, no character
 * XML forbids, within Excel's length) and the workbook notes that say what was changed; cells
 * of each kind; formulas over a table's columns; tables with valid headers; page setup, column
 * widths and conditional formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/values.h"
#include "util/xmem.h"
#include "xlsx/book.h"

#define NOTES_MAX 1000 /* workbook notes listed; the rest are counted */

/* ---- text ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p[0..n), or 0 (NUL, U+FFFE and U+FFFF count as invalid: XML
 * forbids them). */
static int utf8_seq(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len = utf8_next((const char *)p, n, &cp); /* 0 with U+FFFD when ill-formed */
	return cp != 0 && cp != 0xfffe && cp != 0xffff ? (int)len : 0;
}

long utf8_chars(const char *s)
{
	long n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* n with thousands separators ("1,048,576"). */
const char *thousands(long n, char buf[32])
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
void note_at(struct xw *x, const char *sheet, const char *cell, const char *note, bool always)
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

void add_note(struct xw *x, const char *sheet, const char *cell, const char *note)
{
	note_at(x, sheet, cell, note, false);
}

void notes_move(struct xw *to, struct xw *from)
{
	for (size_t i = 0; i < from->nnotes; i++) {
		struct wbnote *n = &from->notes[i];
		if (to->nnotes >= NOTES_MAX) {
			to->notes_dropped++;
			free(n->sheet);
			free(n->cell);
			free(n->note);
			continue;
		}
		if (to->nnotes % 64 == 0)
			to->notes = xreallocarray(to->notes, to->nnotes + 64, sizeof *to->notes);
		to->notes[to->nnotes++] = *n;
	}
	to->notes_dropped += from->notes_dropped;
	free(from->notes);
	from->notes = NULL;
	from->nnotes = 0;
	from->notes_dropped = 0;
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

/* Text of ASCII letters, digits and punctuation only (no '_', which may start an _xHHHH_
 * escape): nothing to clean, one character a byte. */
bool plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '_')
			return false;
	}
	return true;
}

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
const char *clean_text(struct xw *x, const char *s, long max, const char *sheet, const char *where,
                       long *chars)
{
	size_t n = strlen(s);
	if ((long)n <= max && plain_ascii(s, n)) { /* the most common text, found in one pass */
		*chars = (long)n;
		return s;
	}
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
char *clean_dup_at(struct xw *x, const char *s, long max, const char *sheet, const char *where)
{
	long chars;
	return xstrdup(clean_text(x, s ? s : "", max, sheet, where, &chars));
}

char *clean_dup(struct xw *x, const char *s, long max)
{
	return clean_dup_at(x, s, max, NULL, NULL);
}

/* Notes now what writing s at (r, c) of sh will change (put_text_quiet writes it then): a sheet
 * written row by row has its list of the workbook notes beside its rows. */
void pre_note(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (n <= (size_t)CELL_CHARS && plain_ascii(s, n))
		return; /* most texts: nothing to note, and no cell name to make */
	struct text_scan t = scan_text(s, n);
	if (!t.bad && !t.ctrl && t.chars <= CELL_CHARS)
		return;
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	lxw_rowcol_to_cell(cell, r, c);
	note_text(x, sh->name, cell, t, CELL_CHARS);
}

/* ---- cells --------------------------------------------------------------- */

void put_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
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
void put_title(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
               lxw_format *f)
{
	double w = sh->width[c];
	put_text(x, sh, r, c, s, f);
	sh->width[c] = w;
}

/* A text cell whose changes were noted beforehand (pre_note). */
void put_text_quiet(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
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

/* Characters the value takes when shown in its kind's number format. */
double shown_width(const struct xw *x, enum kind k, double v)
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

void put_number(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k, double v)
{
	if (isnan(v) || isinf(v)) {
		check(x, worksheet_write_blank(sh->ws, r, c, x->fmt[k]), "writing a cell");
		return;
	}
	check(x, worksheet_write_number(sh->ws, r, c, v, x->fmt[k]), "writing a number");
	measure(sh, c, shown_width(x, k, v));
}

double excel_day(int64_t day)
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
void put_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k, struct val v)
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
int col_of(const struct col *cols, int n, int field)
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
void put_formula(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
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
void put_none(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *none)
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
lxw_row_t put_table_at(struct xw *x, struct sheet *sh, lxw_row_t row0, lxw_col_t col0,
                       const char *name, const struct col *cols, int n, const struct rows *rows,
                       const char *none)
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

lxw_row_t put_table(struct xw *x, struct sheet *sh, lxw_row_t row0, const char *name,
                    const struct col *cols, int n, const struct rows *rows, const char *none)
{
	return put_table_at(x, sh, row0, 0, name, cols, n, rows, none);
}

/* Print setup: landscape, one page wide, the header row repeated on every page. */
void page_setup(struct xw *x, struct sheet *sh, lxw_row_t header)
{
	worksheet_set_landscape(sh->ws);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	worksheet_set_margins(sh->ws, 0.4, 0.4, 0.5, 0.5);
	check(x, worksheet_repeat_rows(sh->ws, header, header), "setting the print titles");
	worksheet_set_footer(sh->ws, "&L&A&RPage &P of &N");
}

void set_widths(struct sheet *sh)
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
void cond_target(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t rate,
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
void cond_status(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t c)
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
