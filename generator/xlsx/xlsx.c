/*
 * xlsx: the analyst workbook of pack.md, written with libxlsxwriter; the only module that sees
 * lxw_error. This file is the workbook as a whole: its formats, its sheets in order (each written
 * by the file book.h names), opening it, closing it with the long sheets' rows put in, and
 * xlsx_write.
 */
#include "xlsx/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xmem.h"
#include "xlsx/book.h"

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

/* A workbook being written: libxlsxwriter's, its sheets, and the long tables' rows. */
struct book {
	struct xw x;
	char *parts;           /* the file libxlsxwriter writes, beside the temporary files */
	const char *parts_dir; /* the temporary folder */
	struct longrows lr;
	int nsheets;
	struct sheet *sh;
	char **names;
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
	longrows_free(&b->lr);
	for (int i = 0; b->sh && i < b->nsheets; i++)
		free(b->names[i]);
	free(b->names);
	free(b->sh);
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

/* Every sheet, named and added in order (the long tables laid out by longrows_count); the long
 * tables' with the stream of their rows, and the Data quality sheet's when it may have rows to
 * stream (dq_streams). */
static bool add_sheets(struct book *b, const struct view *v, const char *path)
{
	struct longtab *lt = b->lr.t;
	b->nsheets = N(sheets_before) + b->lr.nsheets + N(sheets_after);
	b->sh = xcalloc((size_t)b->nsheets, sizeof *b->sh);
	b->names = xcalloc((size_t)b->nsheets, sizeof *b->names);
	int si = 0;
	for (int i = 0; i < N(sheets_before); i++)
		b->names[si++] = xstrdup(sheets_before[i]);
	for (int t = 0; t < LT_N; t++) {
		lt[t].sheets = &b->sh[si];
		for (int k = 0; k < lt[t].nsheets; k++)
			b->names[si++] =
			    k ? xasprintf("%s (%d)", lt[t].name, k + 1) : xstrdup(lt[t].name);
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
	if (dq_streams(&v->dq)) { /* the Data quality sheet's rows below its small tables */
		b->lr.more = &b->sh[b->nsheets - 2];
		b->lr.more_index = b->nsheets - 2;
	}
	if (!longrows_open(&b->lr, b->parts_dir)) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "cannot write the workbook: cannot create a temporary file in %s: %s",
		         b->parts_dir, strerror(errno));
		return false;
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

/* Summary to KPIs: the figures of the pack, each sheet with its columns defined in defs. */
static void put_figure_sheets(struct book *b, const struct view *v, const struct xlsx_options *opts,
                              long listed, struct defs *defs)
{
	struct xw *x = &b->x;
	struct sheet *sh = b->sh;
	put_summary(x, &sh[S_SUMMARY], v, opts->title && *opts->title ? opts->title : "Board pack",
	            listed, defs);
	put_goals_journeys(x, &sh[S_GOALS], &sh[S_JOURNEYS], &sh[S_SUMMARY], v, defs);
	put_trend_sheet(x, &sh[S_TREND], v, defs);
	put_watermelons(x, &sh[S_WATERMELONS], v, defs);
	put_departments(x, &sh[S_DEPARTMENTS], v, &sh[S_SUMMARY], defs);
	put_heatmap(x, &sh[S_HEAT], v, defs);
	put_regions(x, &sh[S_REGIONS], v, defs);
	put_decisions(x, &sh[S_DECISIONS], v, defs);
	put_kpis(x, &sh[S_KPIS], v, defs);
}

/* Settings, Data quality and Definitions, the last sheets (the long tables' columns defined
 * first, in the order of the sheets). */
static void put_reference_sheets(struct book *b, const struct view *v, struct defs *defs)
{
	struct xw *x = &b->x;
	longrows_defs(defs);
	put_settings(x, &b->sh[b->nsheets - 3], v, defs);
	put_data_quality(x, &b->sh[b->nsheets - 2], &v->dq, defs);
	put_definitions(x, &b->sh[b->nsheets - 1], defs);
}

/* libxlsxwriter's workbook closed, and the long sheets' rows put into it at path. */
static lxw_error close_book(struct book *b, const char *path, bool minizip,
                            struct sha256_digest *digest, const char **what)
{
	lxw_error closed = workbook_close(b->x.wb);
	b->x.wb = NULL;
	if (closed != LXW_NO_ERROR) {
		*what = "saving";
		return closed;
	}
	const char *why = NULL;
	if (longrows_splice(&b->lr, S_LONG, b->parts, path, minizip, digest, &why) != 0) {
		*what = why;
		return LXW_ERROR_ZIP_FILE_ADD;
	}
	return LXW_NO_ERROR;
}

int xlsx_write(const char *path, const struct view *v, const struct xlsx_source *src,
               const struct xlsx_options *opts)
{
	if (!writable(path, opts->tmpdir))
		return -1;
	struct book b = {0};
	if (!book_open(&b, path, v, opts)) {
		book_free(&b);
		return -1;
	}
	longrows_count(&b.lr, src, opts->sheet_rows);
	if (!add_sheets(&b, v, path)) {
		book_free(&b);
		return -1;
	}
	long listed = longrows_write(&b.x, &b.lr, src, opts->lanes);
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
		pending = close_book(&b, path, opts->minizip, opts->digest, &what);
	book_free(&b);
	/* for tests/e2e/xlsx-tmpfiles.sh */
	if (getenv("BOARDPACK_TEST_TMPFILES"))
		diag_info("boardpack: test: %ld workbook parts made in memory",
		          xlsx_tmpfiles_made());
	if (pending != LXW_NO_ERROR) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the workbook: %s: %s", what,
		         sys_err ? strerror(sys_err) : lxw_strerror(pending));
		return -1;
	}
	return 0;
}
