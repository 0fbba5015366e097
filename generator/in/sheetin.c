/*
 * sheetin: XLSX (Office Open XML, ECMA-376) and ODS (OpenDocument) sheets as records.
 *
 * Both formats feed one row assembler (struct rows): cells arrive row by row with their column,
 * as text the CSV rules read; the assembler finds the header, fills merged ranges and delivers
 * one record per row. An XLSX sheet lists its merged ranges after its cells, so the sheet's XML
 * is inflated twice: once scanning for that list (no XML parsing), once to read the cells.
 * Shared strings and styles are read first and kept; the sheet itself is never held in memory.
 */
#define _GNU_SOURCE /* memmem */
#include "in/sheetin.h"

#include <expat.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"
#include "in/zipin.h"

/* --- cell text -------------------------------------------------------------------------------- */

/* A number as the CSV rules read it back exactly: the shortest of 15 to 17 digits that does. */
static void put_number(struct strbuf *b, double v, char decimal, bool shown)
{
	char buf[48];
	for (int p = 15; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*g", p, v);
		if (shown || strtod(buf, NULL) == v)
			break;
	}
	if (decimal == ',')
		for (char *c = buf; *c; c++)
			if (*c == '.')
				*c = ',';
	strbuf_puts(b, buf);
}

/* A number's text as stored ("0.92", "-5"), with the decimal mark the CSV rules expect. */
static void put_plain(struct strbuf *b, const char *v, char decimal)
{
	size_t at = b->len;
	strbuf_puts(b, v);
	if (decimal == ',')
		for (char *c = b->s + at; *c; c++)
			if (*c == '.')
				*c = ',';
}

/* A spreadsheet date serial as ISO 8601: the date alone at midnight, else to the millisecond. */
static void put_date(struct strbuf *b, double serial, bool date1904)
{
	if (!isfinite(serial) || serial < 0 || serial > 2958465.0) { /* past 9999-12-31 */
		put_number(b, serial, '.', false);
		return;
	}
	double whole = floor(serial);
	int64_t ms = llround((serial - whole) * 86400000.0);
	int64_t day = (int64_t)whole;
	if (ms >= 86400000) {
		day++;
		ms -= 86400000;
	}
	/* 1900 system: serial 1 is 1900-01-01, and 60 the 29 February 1900 that never was */
	int64_t epoch = date1904 ? -24107 : day >= 61 ? -25569 : -25568;
	int y;
	unsigned m, d;
	value_civil_from_days(epoch + day, &y, &m, &d);
	strbuf_printf(b, "%04d-%02u-%02u", y, m, d);
	if (ms) {
		strbuf_printf(b, "T%02d:%02d:%02d", (int)(ms / 3600000), (int)(ms / 60000 % 60),
		              (int)(ms / 1000 % 60));
		if (ms % 1000)
			strbuf_printf(b, ".%03d", (int)(ms % 1000));
	}
}

/* --- the row assembler ------------------------------------------------------------------------ */

struct merge {
	long r1, c1, r2, c2;
	char *value; /* the top-left cell's text once read; NULL before */
};

struct rows {
	const struct sheetin_opts *opts;
	csvin_record_fn fn;
	void *ctx;
	int stopped;
	long row; /* the row being read */
	bool header_done;
	long first, last; /* the header's columns */
	size_t ncols;
	/* the row being read: its cells' text in arena */
	struct rcell {
		long col;
		size_t off, len;
	} * cells;
	size_t ncells, capcells;
	struct strbuf arena;
	struct merge *merges; /* sorted by r1 (XLSX: sorted once read; ODS: found in row order) */
	size_t nmerges, capmerges;
	/* delivery */
	const char **fields;
	size_t *lens;
	long *lines, *cols;
	size_t *slot; /* per header column: index into cells + 1, 0 when empty */
};

static void rows_add_merge(struct rows *w, long r1, long c1, long r2, long c2, const char *value)
{
	if (w->nmerges == w->capmerges) {
		w->capmerges = w->capmerges ? 2 * w->capmerges : 16;
		w->merges = xreallocarray(w->merges, w->capmerges, sizeof *w->merges);
	}
	w->merges[w->nmerges++] = (struct merge){r1, c1, r2, c2, value ? xstrdup(value) : NULL};
}

static void rows_cell(struct rows *w, long col, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (!n || col < 1)
		return;
	if (w->header_done && (col < w->first || col > w->last)) {
		/* outside the table, but it may be the top-left of a range reaching into it */
		bool needed = false;
		for (size_t i = 0; i < w->nmerges && !needed; i++)
			needed = w->merges[i].r1 == w->row && w->merges[i].c1 == col;
		if (!needed)
			return;
	}
	if (w->ncells == w->capcells) {
		w->capcells = w->capcells ? 2 * w->capcells : 64;
		w->cells = xreallocarray(w->cells, w->capcells, sizeof *w->cells);
	}
	w->cells[w->ncells++] = (struct rcell){col, w->arena.len, n};
	strbuf_append(&w->arena, s, n);
	strbuf_putc(&w->arena, '\0');
}

static const struct rcell *find_cell(const struct rows *w, long col)
{
	for (size_t i = w->ncells; i-- > 0;)
		if (w->cells[i].col == col)
			return &w->cells[i];
	return NULL;
}

static void deliver(struct rows *w, size_t n)
{
	struct csvin_record rec = {.line = w->row,
	                           .nfields = n,
	                           .fields = w->fields,
	                           .lens = w->lens,
	                           .field_lines = w->lines,
	                           .field_cols = w->cols};
	w->stopped = w->fn(w->ctx, &rec);
}

static void rows_header(struct rows *w)
{
	long first = LONG_MAX, last = 0;
	for (size_t i = 0; i < w->ncells; i++) {
		if (w->cells[i].col < first)
			first = w->cells[i].col;
		if (w->cells[i].col > last)
			last = w->cells[i].col;
	}
	if (last - first + 1 > SHEETIN_MAX_COLUMNS)
		last = first + SHEETIN_MAX_COLUMNS - 1;
	w->first = first;
	w->last = last;
	w->ncols = (size_t)(last - first + 1);
	w->fields = xreallocarray(NULL, w->ncols, sizeof *w->fields);
	w->lens = xreallocarray(NULL, w->ncols, sizeof *w->lens);
	w->lines = xreallocarray(NULL, w->ncols, sizeof *w->lines);
	w->cols = xreallocarray(NULL, w->ncols, sizeof *w->cols);
	w->slot = xreallocarray(NULL, w->ncols, sizeof *w->slot);
	w->header_done = true;
}

/* The row read is complete: deliver it when it has a value. */
static void rows_end(struct rows *w)
{
	/* the top-left values of the ranges starting on this row */
	for (size_t i = 0; i < w->nmerges; i++) {
		struct merge *g = &w->merges[i];
		if (g->r1 == w->row && !g->value) {
			const struct rcell *c = find_cell(w, g->c1);
			g->value = xstrdup(c ? w->arena.s + c->off : "");
		}
	}
	bool header = !w->header_done;
	if (header) {
		if (!w->ncells)
			goto done;
		rows_header(w);
	}
	for (size_t i = 0; i < w->ncols; i++)
		w->slot[i] = 0;
	for (size_t i = 0; i < w->ncells; i++) {
		long c = w->cells[i].col;
		if (c >= w->first && c <= w->last)
			w->slot[c - w->first] = i + 1;
	}
	bool any = false;
	for (size_t i = 0; i < w->ncols; i++) {
		long col = w->first + (long)i;
		const char *v = "";
		size_t n = 0;
		if (w->slot[i]) {
			const struct rcell *c = &w->cells[w->slot[i] - 1];
			v = w->arena.s + c->off;
			n = c->len;
		} else {
			for (size_t k = 0; k < w->nmerges; k++) {
				const struct merge *g = &w->merges[k];
				if (g->r1 <= w->row && w->row <= g->r2 && g->c1 <= col &&
				    col <= g->c2 && g->value && !(header && g->r1 == w->row)) {
					v = g->value;
					n = strlen(v);
					break;
				}
			}
		}
		w->fields[i] = v;
		w->lens[i] = n;
		w->lines[i] = w->row;
		w->cols[i] = col;
		any |= n > 0;
	}
	if (any || header)
		deliver(w, w->ncols);
done:
	w->ncells = 0;
	strbuf_reset(&w->arena);
	/* ranges wholly above the next row are done with */
	size_t k = 0;
	for (size_t i = 0; i < w->nmerges; i++) {
		if (w->merges[i].r2 <= w->row && w->merges[i].r1 <= w->row)
			free(w->merges[i].value);
		else
			w->merges[k++] = w->merges[i];
	}
	w->nmerges = k;
}

static void rows_free(struct rows *w)
{
	for (size_t i = 0; i < w->nmerges; i++)
		free(w->merges[i].value);
	free(w->merges);
	free(w->cells);
	strbuf_free(&w->arena);
	free(w->fields);
	free(w->lens);
	free(w->lines);
	free(w->cols);
	free(w->slot);
}

/* --- XML plumbing ----------------------------------------------------------------------------- */

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **a, const char *name)
{
	for (size_t i = 0; a[i]; i += 2)
		if (strcmp(local(a[i]), name) == 0)
			return a[i + 1];
	return NULL;
}

struct parse {
	XML_Parser p;
	const char *name;   /* the workbook's name in messages */
	const char *member; /* the part being parsed */
	bool failed;
};

static int parse_chunk(void *ctx, const char *buf, size_t n)
{
	struct parse *ps = ctx;
	if (XML_Parse(ps->p, buf, (int)n, n == 0) == XML_STATUS_ERROR) {
		if (XML_GetErrorCode(ps->p) == XML_ERROR_ABORTED)
			return ps->failed ? -1 : 1;
		diag_msg(DIAG_ERROR, ps->name, 0, 0,
		         "the workbook's part \"%s\" is not well-formed XML (line %lu, column %lu: "
		         "%s); save the workbook again from the spreadsheet program",
		         ps->member, (unsigned long)XML_GetCurrentLineNumber(ps->p),
		         (unsigned long)XML_GetCurrentColumnNumber(ps->p) + 1,
		         XML_ErrorString(XML_GetErrorCode(ps->p)));
		return -1;
	}
	return ps->failed ? -1 : 0;
}

/* Parses member with the handlers given; returns 0, -1 after reporting, or 1 when a handler
 * stopped the parser without failing. */
static int parse_member(struct zipin *z, const char *name, const char *member, void *ud,
                        XML_StartElementHandler start, XML_EndElementHandler end,
                        XML_CharacterDataHandler text, struct parse *ps)
{
	ps->p = XML_ParserCreate("UTF-8");
	if (!ps->p) {
		diag_out_of_memory();
		abort();
	}
	ps->name = name;
	ps->member = member;
	ps->failed = false;
	XML_SetUserData(ps->p, ud);
	XML_SetElementHandler(ps->p, start, end);
	if (text)
		XML_SetCharacterDataHandler(ps->p, text);
	int rc = zipin_read(z, member, parse_chunk, ps);
	XML_ParserFree(ps->p);
	ps->p = NULL;
	return rc < 0 ? -1 : rc;
}

/* --- XLSX ------------------------------------------------------------------------------------- */

enum fmt { F_NUMBER, F_PERCENT, F_DATE };

struct xlsx {
	const struct sheetin_opts *opts;
	struct parse ps;
	/* workbook.xml */
	char **sheet_names, **sheet_rids;
	size_t nsheets;
	bool date1904;
	/* workbook.xml.rels */
	char *target;
	const char *want_rid;
	/* styles.xml */
	struct numfmt {
		long id;
		enum fmt kind;
	} * numfmts;
	size_t nnumfmts;
	enum fmt *xf; /* by cellXfs index */
	size_t nxf;
	bool in_cellxfs;
	/* sharedStrings.xml */
	size_t *sst_off;
	size_t nsst, capsst;
	struct strbuf sst;
	bool in_si, in_t, in_rph;
	/* the sheet */
	struct rows w;
	long row_auto, col_auto;
	long cell_col;
	char cell_t[16];
	long cell_s;
	bool in_v, in_is;
	struct strbuf v;
};

static void wb_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	if (strcmp(n, "workbookPr") == 0) {
		const char *d = attr(a, "date1904");
		x->date1904 = d && (strcmp(d, "1") == 0 || strcasecmp(d, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		const char *sn = attr(a, "name"), *rid = attr(a, "id");
		if (!sn || !rid)
			return;
		x->sheet_names = xreallocarray(x->sheet_names, x->nsheets + 1, sizeof(char *));
		x->sheet_rids = xreallocarray(x->sheet_rids, x->nsheets + 1, sizeof(char *));
		x->sheet_names[x->nsheets] = xstrdup(sn);
		x->sheet_rids[x->nsheets++] = xstrdup(rid);
	}
}

static void no_end(void *ud, const char *name)
{
	(void)ud;
	(void)name;
}

static void rels_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	if (strcmp(local(name), "Relationship") != 0 || x->target)
		return;
	const char *id = attr(a, "Id"), *t = attr(a, "Target");
	if (id && t && strcmp(id, x->want_rid) == 0)
		x->target = t[0] == '/' ? xstrdup(t + 1) : xasprintf("xl/%s", t);
}

/* Whether an Excel format code shows a percentage or a date (its first section, outside
 * quoted text, escapes and [colour] or [$-locale] brackets). */
static enum fmt classify(const char *code)
{
	if (strcasecmp(code, "General") == 0)
		return F_NUMBER;
	bool date = false;
	for (const char *c = code; *c && *c != ';'; c++) {
		if (*c == '"') {
			c = strchr(c + 1, '"');
			if (!c)
				break;
		} else if (*c == '\\' || *c == '_' || *c == '*') {
			if (!*++c)
				break;
		} else if (*c == '[') {
			const char *e = strchr(c, ']');
			if (!e)
				break;
			/* [h], [mm], [ss]: elapsed time */
			if (strchr("hHmMsS", c[1]))
				date = true;
			c = e;
		} else if (*c == '%') {
			return F_PERCENT;
		} else if (strchr("dDmMyYhHsS", *c)) {
			date = true;
		}
	}
	return date ? F_DATE : F_NUMBER;
}

static enum fmt builtin(long id)
{
	if (id == 9 || id == 10)
		return F_PERCENT;
	if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	    (id >= 50 && id <= 58))
		return F_DATE;
	return F_NUMBER;
}

static void styles_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	if (strcmp(n, "numFmt") == 0) {
		const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
		if (!id || !code)
			return;
		x->numfmts = xreallocarray(x->numfmts, x->nnumfmts + 1, sizeof *x->numfmts);
		x->numfmts[x->nnumfmts++] = (struct numfmt){strtol(id, NULL, 10), classify(code)};
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cellxfs = true;
	} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
		const char *id = attr(a, "numFmtId");
		long f = id ? strtol(id, NULL, 10) : 0;
		enum fmt k = builtin(f);
		for (size_t i = 0; i < x->nnumfmts; i++)
			if (x->numfmts[i].id == f)
				k = x->numfmts[i].kind;
		x->xf = xreallocarray(x->xf, x->nxf + 1, sizeof *x->xf);
		x->xf[x->nxf++] = k;
	}
}

static void styles_end(void *ud, const char *name)
{
	struct xlsx *x = ud;
	if (strcmp(local(name), "cellXfs") == 0)
		x->in_cellxfs = false;
}

static void sst_start(void *ud, const char *name, const char **a)
{
	(void)a;
	struct xlsx *x = ud;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		x->in_si = true;
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? 2 * x->capsst : 1024;
			x->sst_off = xreallocarray(x->sst_off, x->capsst, sizeof *x->sst_off);
		}
		x->sst_off[x->nsst++] = x->sst.len;
	} else if (strcmp(n, "t") == 0 && x->in_si) {
		x->in_t = true;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = true; /* phonetic reading: not the text */
	}
}

static void sst_end(void *ud, const char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		x->in_si = false;
		strbuf_putc(&x->sst, '\0');
	} else if (strcmp(n, "t") == 0) {
		x->in_t = false;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = false;
	}
}

static void sst_text(void *ud, const char *s, int len)
{
	struct xlsx *x = ud;
	if (x->in_t && !x->in_rph)
		strbuf_append(&x->sst, s, (size_t)len);
}

/* "D7" into column 4 and row 7; false when it is not a cell reference. */
static bool cell_ref(const char *s, long *col, long *row)
{
	long c = 0, r = 0;
	const char *p = s;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
		c = c * 26 + ((*p | 0x20) - 'a' + 1);
		if (c > 100000)
			return false;
		p++;
	}
	while (*p == '$')
		p++;
	while (*p >= '0' && *p <= '9') {
		r = r * 10 + (*p - '0');
		if (r > 100000000)
			return false;
		p++;
	}
	if (p == s)
		return false;
	*col = c;
	*row = r;
	return *p == '\0' || *p == ':';
}

static void sheet_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	if (x->w.stopped)
		return;
	if (strcmp(n, "row") == 0) {
		const char *r = attr(a, "r");
		long row = r ? strtol(r, NULL, 10) : 0;
		/* rows go down the sheet, and no further than a sheet can (the readers key rows by
		 * their number) */
		x->w.row = row > x->w.row && row <= SHEETIN_MAX_ROWS ? row : x->w.row + 1;
		x->col_auto = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		long col = 0, row = 0;
		if (!r || !cell_ref(r, &col, &row) || col == 0)
			col = x->col_auto + 1;
		x->cell_col = x->col_auto = col;
		snprintf(x->cell_t, sizeof x->cell_t, "%s", t ? t : "n");
		x->cell_s = s ? strtol(s, NULL, 10) : 0;
		strbuf_reset(&x->v);
	} else if (strcmp(n, "v") == 0) {
		x->in_v = true;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = true;
	} else if (strcmp(n, "t") == 0 && x->in_is) {
		x->in_t = true;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph = true;
	}
}

static void sheet_text(void *ud, const char *s, int len)
{
	struct xlsx *x = ud;
	if (x->in_v || (x->in_t && x->in_is && !x->in_rph))
		strbuf_append(&x->v, s, (size_t)len);
}

static void cell_done(struct xlsx *x)
{
	const char *t = x->cell_t;
	const char *v = strbuf_str(&x->v);
	struct strbuf out = STRBUF_INIT;
	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (end != v && i < x->nsst)
			strbuf_puts(&out, x->sst.s + x->sst_off[i]);
	} else if (strcmp(t, "b") == 0) {
		strbuf_puts(&out, strcmp(v, "1") == 0 ? "TRUE" : v[0] ? "FALSE" : "");
	} else if (strcmp(t, "n") == 0 && v[0]) {
		char *end;
		double d = strtod(v, &end);
		enum fmt f =
		    x->cell_s >= 0 && (size_t)x->cell_s < x->nxf ? x->xf[x->cell_s] : F_NUMBER;
		if (*end || end == v)
			strbuf_puts(&out, v);
		else if (f == F_PERCENT)
			put_number(&out, d * 100, x->opts->decimal, true);
		else if (f == F_DATE)
			put_date(&out, d, x->date1904);
		else if (strpbrk(v, "eE"))
			put_number(&out, d, x->opts->decimal, false);
		else
			put_plain(&out, v,
			          x->opts->decimal); /* already the number's shortest text */
	} else {
		strbuf_puts(&out, v); /* str, inlineStr, e (as shown: #N/A), d (ISO 8601) */
	}
	rows_cell(&x->w, x->cell_col, strbuf_str(&out), out.len);
	strbuf_free(&out);
}

static void sheet_end(void *ud, const char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);
	if (x->w.stopped)
		return;
	if (strcmp(n, "v") == 0)
		x->in_v = false;
	else if (strcmp(n, "is") == 0)
		x->in_is = false;
	else if (strcmp(n, "t") == 0)
		x->in_t = false;
	else if (strcmp(n, "rPh") == 0)
		x->in_rph = false;
	else if (strcmp(n, "c") == 0)
		cell_done(x);
	else if (strcmp(n, "row") == 0) {
		rows_end(&x->w);
		if (x->w.stopped)
			XML_StopParser(x->ps.p, XML_FALSE);
	}
}

/* The first pass over the sheet: its merged ranges, after its cells, found without parsing
 * the cells (the bytes from "<mergeCells" to "</mergeCells>" are kept and parsed alone). */
struct scan {
	struct strbuf keep;
	char tail[16];
	size_t ntail, searched;
	bool in, done;
};

static int scan_chunk(void *ctx, const char *buf, size_t n)
{
	struct scan *s = ctx;
	if (s->done || !n)
		return 0;
	if (!s->in) {
		/* the previous piece's last bytes joined to this one's first, then this one */
		char joined[32];
		size_t h = n < 15 ? n : 15, from = 0;
		memcpy(joined, s->tail, s->ntail);
		memcpy(joined + s->ntail, buf, h);
		const char *hit = memmem(joined, s->ntail + h, "mergeCells", 10);
		if (hit) {
			size_t e = (size_t)(hit - joined) + 10;
			from = e > s->ntail ? e - s->ntail : 0;
		} else if ((hit = memmem(buf, n, "mergeCells", 10))) {
			from = (size_t)(hit - buf) + 10;
		}
		if (hit) {
			strbuf_puts(&s->keep, "<mergeCells");
			strbuf_append(&s->keep, buf + from, n - from);
			s->in = true;
			s->searched = 11;
		} else {
			size_t all = s->ntail + n;
			size_t t = all < 15 ? all : 15;
			char tmp[32];
			size_t k = 0;
			for (size_t i = all - t; i < all; i++)
				tmp[k++] = i < s->ntail ? s->tail[i] : buf[i - s->ntail];
			memcpy(s->tail, tmp, t);
			s->ntail = t;
		}
	} else {
		strbuf_append(&s->keep, buf, n);
	}
	if (!s->in)
		return 0;
	/* the closing tag, "</mergeCells>" or "</x:mergeCells>" */
	const char *e = s->keep.s + s->keep.len;
	const char *p = s->keep.s + s->searched;
	while (p < e && (p = memmem(p, (size_t)(e - p), "mergeCells>", 11))) {
		if (p[-1] == '/' || p[-1] == ':') {
			s->keep.len = (size_t)(p - s->keep.s) + 11;
			s->keep.s[s->keep.len] = '\0';
			s->done = true;
			return 0;
		}
		p++;
	}
	s->searched = s->keep.len > 11 ? s->keep.len - 11 : 11;
	if (s->keep.len > 64u << 20)
		s->done = true; /* absurd: the ranges so far */
	return 0;
}

static void merge_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	if (strcmp(local(name), "mergeCell") != 0)
		return;
	const char *ref = attr(a, "ref");
	long c1, r1, c2, r2;
	const char *colon = ref ? strchr(ref, ':') : NULL;
	if (!colon || !cell_ref(ref, &c1, &r1) || !cell_ref(colon + 1, &c2, &r2) || r2 < r1 ||
	    c2 < c1)
		return;
	rows_add_merge(&x->w, r1, c1, r2, c2, NULL);
}

static int by_r1(const void *a, const void *b)
{
	const struct merge *x = a, *y = b;
	return (x->r1 > y->r1) - (x->r1 < y->r1);
}

static void list_names(struct strbuf *b, char **names, size_t n)
{
	for (size_t i = 0; i < n && i < 20; i++)
		strbuf_printf(b, "%s\"%s\"", i ? ", " : "", names[i]);
	if (n > 20)
		strbuf_printf(b, " and %zu more", n - 20);
	if (!n)
		strbuf_puts(b, "no sheet");
}

/* The sheet asked for (by name, then ignoring case, or by its place) among the workbook's:
 * 0 and *pick; -2 (quiet) or -1 after reporting when there is none. */
static int xlsx_pick_sheet(const struct xlsx *x, const struct sheetin_opts *opts, size_t *pick)
{
	size_t p = 0;
	if (opts->sheet) {
		while (p < x->nsheets && strcmp(x->sheet_names[p], opts->sheet) != 0)
			p++;
		if (p == x->nsheets) /* then ignoring case */
			for (p = 0; p < x->nsheets; p++)
				if (strcasecmp(x->sheet_names[p], opts->sheet) == 0)
					break;
	} else
		p = opts->index > 0 ? (size_t)opts->index : 0;
	*pick = p;
	if (p < x->nsheets)
		return 0;
	if (opts->quiet)
		return -2;
	struct strbuf b = STRBUF_INIT;
	list_names(&b, x->sheet_names, x->nsheets);
	if (opts->sheet)
		diag_msg(DIAG_ERROR, opts->name, 0, 0,
		         "the workbook has no sheet named \"%s\"; its sheets are "
		         "%s (set "
		         "sheet = NAME in the input's [columns.*] section)",
		         opts->sheet, strbuf_str(&b));
	else
		diag_msg(DIAG_ERROR, opts->name, 0, 0, "the workbook has no sheet");
	strbuf_free(&b);
	return -1;
}

/* The sheet: its merged ranges first (they come after the cells in the XML: a first scan finds
 * them), then its cells. */
static int xlsx_read_sheet(struct zipin *z, const struct sheetin_opts *opts, struct xlsx *x,
                           struct rows *w)
{
	struct scan s = {0};
	int rc = zipin_read(z, x->target, scan_chunk, &s);
	x->w = *w;
	if (rc == 0 && s.keep.len) {
		XML_Parser p = XML_ParserCreate("UTF-8");
		XML_SetUserData(p, x);
		XML_SetElementHandler(p, merge_start, no_end);
		XML_Parse(p, s.keep.s, (int)s.keep.len, 1); /* a damaged list: ranges so far */
		XML_ParserFree(p);
		if (x->w.nmerges) /* qsort's base may not be NULL, even for no element */
			qsort(x->w.merges, x->w.nmerges, sizeof *x->w.merges, by_r1);
	}
	strbuf_free(&s.keep);
	if (rc == 0)
		rc = parse_member(z, opts->name, x->target, x, sheet_start, sheet_end, sheet_text,
		                  &x->ps);
	*w = x->w;
	if (rc == 1)
		rc = w->stopped;
	return rc;
}

static void xlsx_free(struct xlsx *x)
{
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheet_names[i]);
		free(x->sheet_rids[i]);
	}
	free(x->sheet_names);
	free(x->sheet_rids);
	free(x->target);
	free(x->numfmts);
	free(x->xf);
	free(x->sst_off);
	strbuf_free(&x->sst);
	strbuf_free(&x->v);
}

static int read_xlsx(struct zipin *z, const struct sheetin_opts *opts, struct rows *w,
                     struct sheetin_result *res)
{
	struct xlsx x = {.opts = opts};
	int rc = parse_member(z, opts->name, "xl/workbook.xml", &x, wb_start, no_end, NULL, &x.ps);
	size_t pick = 0;
	if (rc == 0)
		rc = xlsx_pick_sheet(&x, opts, &pick);
	if (rc == 0) {
		x.want_rid = x.sheet_rids[pick];
		rc = parse_member(z, opts->name, "xl/_rels/workbook.xml.rels", &x, rels_start,
		                  no_end, NULL, &x.ps);
		if (rc == 0 && !x.target) {
			diag_msg(
			    DIAG_ERROR, opts->name, 0, 0,
			    "the workbook does not say where its sheet \"%s\" is: it is damaged",
			    x.sheet_names[pick]);
			rc = -1;
		}
	}
	if (rc == 0 && zipin_has(z, "xl/styles.xml"))
		rc = parse_member(z, opts->name, "xl/styles.xml", &x, styles_start, styles_end,
		                  NULL, &x.ps);
	if (rc == 0 && zipin_has(z, "xl/sharedStrings.xml"))
		rc = parse_member(z, opts->name, "xl/sharedStrings.xml", &x, sst_start, sst_end,
		                  sst_text, &x.ps);
	if (rc == 0) {
		res->sheet = xstrdup(x.sheet_names[pick]);
		rc = xlsx_read_sheet(z, opts, &x, w);
	}
	xlsx_free(&x);
	return rc;
}

/* --- ODS -------------------------------------------------------------------------------------- */

struct ods {
	const struct sheetin_opts *opts;
	struct sheetin_result *res;
	struct parse ps;
	struct rows w;
	char **names;
	size_t nnames;
	int table_depth; /* >0 inside the table being read (nesting of table elements) */
	bool done;       /* the table was read */
	long row_repeat;
	long col;
	/* the cell being read */
	bool in_cell;
	long col_repeat, col_span, row_span;
	char vtype[16];
	struct strbuf value, text;
	int p_depth, note_depth;
	bool first_p;
	/* the row's cells, to deliver a repeated row again */
	struct rcell *saved;
	size_t nsaved;
	struct strbuf saved_text;
};

static long num_attr(const char **a, const char *name, long dflt, long max)
{
	const char *v = attr(a, name);
	long n = v ? strtol(v, NULL, 10) : dflt;
	return n < 1 ? 1 : n > max ? max : n;
}

/* <table>: a sheet; the one asked for (by name, or by its place) is read. */
static void ods_table(struct ods *o, const char **a)
{
	if (o->table_depth) {
		o->table_depth++;
		return;
	}
	const char *tn = attr(a, "name");
	o->names = xreallocarray(o->names, o->nnames + 1, sizeof *o->names);
	o->names[o->nnames++] = xstrdup(tn ? tn : "");
	bool pick = o->opts->sheet
	                ? tn && strcasecmp(tn, o->opts->sheet) == 0
	                : o->nnames == (size_t)(o->opts->index > 0 ? o->opts->index : 0) + 1;
	if (pick) {
		o->table_depth = 1;
		free(o->res->sheet);
		o->res->sheet = xstrdup(tn ? tn : "");
	}
}

/* A cell's typed value (office:value-type and its attribute), as the CSV reader would see it. */
static void ods_cell_value(struct ods *o, const char **a)
{
	const char *v = NULL;
	if (strcmp(o->vtype, "float") == 0 || strcmp(o->vtype, "currency") == 0 ||
	    strcmp(o->vtype, "percentage") == 0) {
		v = attr(a, "value");
		if (!v)
			return;
		char *end;
		double d = strtod(v, &end);
		if (!*end && end != v) {
			if (strcmp(o->vtype, "percentage") == 0)
				put_number(&o->value, d * 100, o->opts->decimal, true);
			else if (strpbrk(v, "eE"))
				put_number(&o->value, d, o->opts->decimal, false);
			else
				put_plain(&o->value, v, o->opts->decimal);
		} else {
			strbuf_puts(&o->value, v);
		}
	} else if (strcmp(o->vtype, "date") == 0) {
		v = attr(a, "date-value");
		if (v)
			strbuf_puts(&o->value, v);
	} else if (strcmp(o->vtype, "boolean") == 0) {
		v = attr(a, "boolean-value");
		if (v)
			strbuf_puts(&o->value, strcmp(v, "true") == 0 ? "TRUE" : "FALSE");
	}
}

/* <table-cell> or <covered-table-cell>: its repeats, spans and value. */
static void ods_cell(struct ods *o, const char **a)
{
	o->in_cell = true;
	o->col_repeat = num_attr(a, "number-columns-repeated", 1, 1L << 20);
	o->col_span = num_attr(a, "number-columns-spanned", 1, SHEETIN_MAX_COLUMNS);
	o->row_span = num_attr(a, "number-rows-spanned", 1, 1L << 24);
	const char *t = attr(a, "value-type");
	snprintf(o->vtype, sizeof o->vtype, "%s", t ? t : "");
	strbuf_reset(&o->value);
	strbuf_reset(&o->text);
	ods_cell_value(o, a);
	o->first_p = true;
}

/* The text of a cell: paragraphs on lines of their own, <s c=n/> spaces, tabs, line breaks. */
static void ods_cell_text(struct ods *o, const char *n, const char **a)
{
	if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
		if (!o->first_p)
			strbuf_putc(&o->text, '\n');
		o->first_p = false;
		o->p_depth++;
	} else if (o->p_depth && strcmp(n, "s") == 0) {
		long c = num_attr(a, "c", 1, 1000);
		for (long i = 0; i < c; i++)
			strbuf_putc(&o->text, ' ');
	} else if (o->p_depth && strcmp(n, "tab") == 0) {
		strbuf_putc(&o->text, '\t');
	} else if (o->p_depth && strcmp(n, "line-break") == 0) {
		strbuf_putc(&o->text, '\n');
	}
}

static void ods_start(void *ud, const char *name, const char **a)
{
	struct ods *o = ud;
	const char *n = local(name);
	if (o->done || o->w.stopped)
		return;
	if (strcmp(n, "table") == 0) {
		ods_table(o, a);
		return;
	}
	if (o->table_depth != 1)
		return;
	if (strcmp(n, "table-row") == 0) {
		o->w.row++;
		o->row_repeat = num_attr(a, "number-rows-repeated", 1, SHEETIN_MAX_ROWS);
		o->col = 0;
	} else if (strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0) {
		ods_cell(o, a);
	} else if (o->in_cell && strcmp(n, "annotation") == 0) {
		o->note_depth++;
	} else if (o->in_cell && !o->note_depth) {
		ods_cell_text(o, n, a);
	}
}

static void ods_text(void *ud, const char *s, int len)
{
	struct ods *o = ud;
	if (o->table_depth == 1 && o->in_cell && o->p_depth && !o->note_depth)
		strbuf_append(&o->text, s, (size_t)len);
}

static void ods_cell_end(struct ods *o)
{
	o->in_cell = false;
	const struct strbuf *v = o->value.len ? &o->value : &o->text;
	long col = o->col + 1;
	if (v->len) {
		for (long k = 0; k < o->col_repeat && col + k <= SHEETIN_MAX_COLUMNS + 1; k++) {
			rows_cell(&o->w, col + k, v->s, v->len);
			if (o->col_span > 1 || o->row_span > 1)
				rows_add_merge(&o->w, o->w.row, col + k, o->w.row + o->row_span - 1,
				               col + k + o->col_span - 1, NULL);
		}
	}
	o->col += o->col_repeat;
}

static void ods_row_end(struct ods *o)
{
	if (o->w.ncells == 0) { /* an empty row, however often repeated */
		rows_end(&o->w);
		o->w.row += o->row_repeat - 1;
		if (o->w.row > SHEETIN_MAX_ROWS) /* empty rows to the end of the sheet */
			o->w.row = SHEETIN_MAX_ROWS;
		return;
	}
	/* a repeated row with values: the same cells on each of its rows */
	o->nsaved = o->w.ncells;
	o->saved = xreallocarray(o->saved, o->nsaved, sizeof *o->saved);
	memcpy(o->saved, o->w.cells, o->nsaved * sizeof *o->saved);
	strbuf_reset(&o->saved_text);
	strbuf_append(&o->saved_text, o->w.arena.s, o->w.arena.len);
	rows_end(&o->w);
	for (long k = 1; k < o->row_repeat && !o->w.stopped && o->w.row < SHEETIN_MAX_ROWS; k++) {
		o->w.row++;
		for (size_t i = 0; i < o->nsaved; i++)
			rows_cell(&o->w, o->saved[i].col, o->saved_text.s + o->saved[i].off,
			          o->saved[i].len);
		rows_end(&o->w);
	}
}

static void ods_end(void *ud, const char *name)
{
	struct ods *o = ud;
	const char *n = local(name);
	if (o->done || o->w.stopped)
		return;
	if (strcmp(n, "table") == 0) {
		if (o->table_depth && --o->table_depth == 0) {
			o->done = true;
			XML_StopParser(o->ps.p, XML_FALSE);
		}
		return;
	}
	if (o->table_depth != 1)
		return;
	if (strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0)
		ods_cell_end(o);
	else if (o->in_cell && strcmp(n, "annotation") == 0)
		o->note_depth--;
	else if (o->in_cell && !o->note_depth && (strcmp(n, "p") == 0 || strcmp(n, "h") == 0))
		o->p_depth--;
	else if (strcmp(n, "table-row") == 0) {
		ods_row_end(o);
		if (o->w.stopped)
			XML_StopParser(o->ps.p, XML_FALSE);
	}
}

static int read_ods(struct zipin *z, const struct sheetin_opts *opts, struct rows *w,
                    struct sheetin_result *res)
{
	struct ods o = {.opts = opts, .res = res, .w = *w};
	res->ods = true;
	/* the sheet's name is known when its table starts; say it before any row is delivered */
	res->sheet = xstrdup(opts->sheet ? opts->sheet : "");
	int rc =
	    parse_member(z, opts->name, "content.xml", &o, ods_start, ods_end, ods_text, &o.ps);
	*w = o.w;
	if (rc >= 0 && !o.done && !w->stopped && opts->quiet) {
		rc = -2;
	} else if (rc >= 0 && !o.done && !w->stopped) {
		struct strbuf b = STRBUF_INIT;
		list_names(&b, o.names, o.nnames);
		if (opts->sheet)
			diag_msg(
			    DIAG_ERROR, opts->name, 0, 0,
			    "the workbook has no sheet named \"%s\"; its sheets are %s (set sheet "
			    "= NAME in the input's [columns.*] section)",
			    opts->sheet, strbuf_str(&b));
		else
			diag_msg(DIAG_ERROR, opts->name, 0, 0, "the workbook has no sheet");
		strbuf_free(&b);
		rc = -1;
	} else if (rc == 1) {
		rc = w->stopped;
	}
	for (size_t i = 0; i < o.nnames; i++)
		free(o.names[i]);
	free(o.names);
	free(o.saved);
	strbuf_free(&o.saved_text);
	strbuf_free(&o.value);
	strbuf_free(&o.text);
	return rc;
}

/* --- both ------------------------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int sheetin_read(const char *path, const struct sheetin_opts *opts, csvin_record_fn fn, void *ctx,
                 struct sheetin_result *res)
{
	memset(res, 0, sizeof *res);
	struct zipin *z = zipin_open(path, opts->name);
	if (!z)
		return -1;
	struct rows w = {.opts = opts, .fn = fn, .ctx = ctx};
	bool ods = ends_with(path, ".ods") ||
	           (!zipin_has(z, "xl/workbook.xml") && zipin_has(z, "content.xml"));
	int rc = ods ? read_ods(z, opts, &w, res) : read_xlsx(z, opts, &w, res);
	rows_free(&w);
	zipin_close(z);
	return rc;
}

void sheetin_result_free(struct sheetin_result *res)
{
	free(res->sheet);
	res->sheet = NULL;
}
