/*
 * reference: the last sheets, which say what the others rest on: Settings (every setting the
 * figures depend on), Data quality (what was rejected or noted in the inputs, the files read,
 * and what the workbook could not show as it is) and Definitions (every column explained).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"
#include "xlsx/book.h"

/* ---- Settings ------------------------------------------------------------ */

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
void put_settings(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows rows = {(size_t)N(settings), setting_cell, NULL};
	put_table(x, sh, 0, "tblSettings", setting_cols, N(setting_cols), &rows, "");
	for (int i = 0; i < N(settings); i++)
		put_value(x, sh, (lxw_row_t)i + 1, 1, settings[i].kind,
		          setting_value(v, settings[i].row));
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, "Settings", setting_cols, N(setting_cols));
}

/* ---- Data quality -------------------------------------------------------- */

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

/* A table over rows already written on a constant_memory sheet (see longtab_finish in
 * longrows.c). */
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
	size_t nf, nw;                    /* files, workbook notes */
	lxw_col_t fc, wc; /* the first columns of the files' and the notes' tables */
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

/* The rows listed (at most view_dq_sheet_rows() issues and as many notes: the others are
 * counted in a workbook note) and the files, in the view's order. */
static void dq_gather(struct xw *x, struct sheet *sh, const struct view_dq *dq, struct dq_sheet *d)
{
	d->dq = dq;
	size_t ni = dq->nissues, nn = dq->nnotes;
	const long listed = view_dq_sheet_rows();
	long left_issues = (long)ni > listed ? (long)ni - listed : 0;
	long left_notes = (long)nn > listed ? (long)nn - listed : 0;
	d->ni = ni - (size_t)left_issues;
	d->nn = nn - (size_t)left_notes;
	d->nrows = d->ni + d->nn;
	if (left_issues) {
		char *n = xasprintf("%ld more rejected rows not listed (the first %ld are)",
		                    left_issues, listed);
		add_note(x, sh->name, "tblIssues", n);
		free(n);
	}
	if (left_notes) {
		char *n =
		    xasprintf("%ld more notes not listed (the first %ld are)", left_notes, listed);
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

/* The files' table's rows: a file each (one row saying none when no file was read), then the
 * total row. */
static size_t files_rows(size_t nfiles)
{
	return (nfiles ? nfiles : 1) + 1;
}

bool dq_streams(const struct view_dq *dq)
{
	return dq->nissues + dq->nnotes > files_rows(dq->nfiles);
}

/* Row r of the files' table: file i, or after the last the totals (the view's own figures,
 * cached by the total row's formulas). */
static void dq_file_row(struct xw *x, struct sheet *sh, lxw_row_t r, size_t i,
                        const struct dq_sheet *d)
{
	size_t flast = files_rows(d->nf); /* data rows, then the total row */
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

/* Row r of the rejected rows and notes: listed row i, through libxlsxwriter or streamed. */
static void dq_issue_row(struct xw *x, struct sheet *sh, lxw_row_t r, size_t i,
                         const struct dq_sheet *d, bool streamed)
{
	char buf[48];
	for (int c = 0; c < N(issue_cols); c++) {
		enum issue_field f = (enum issue_field)issue_cols[c].field;
		lxw_format *fmt = f == IS_MESSAGE ? x->wrap : NULL;
		if (f == IS_LINE && streamed)
			stream_value(x, sh, r, (lxw_col_t)c, issue_cols[c].kind, issue_line(d, i));
		else if (f == IS_LINE)
			put_value(x, sh, r, (lxw_col_t)c, issue_cols[c].kind, issue_line(d, i));
		else if (streamed)
			stream_text(x, sh, r, (lxw_col_t)c, issue_text(d, i, f, buf), fmt);
		else
			put_text_quiet(x, sh, r, (lxw_col_t)c, issue_text(d, i, f, buf), fmt);
	}
}

/*
 * The Data quality sheet: what the run said about the data, above the
 * table; one table of every rejected row and note (header frozen, messages
 * wrapped); beside it the files read (with a total row) and the notes on
 * this workbook, their headers on the same frozen row. The sheet is written
 * row by row (a run can reject hundreds of thousands of rows): the rows
 * beside the two small tables by libxlsxwriter in constant_memory mode, the
 * rows below them streamed as the long tables' are (longrows.c: compressed
 * on every core, 300,000 rejected rows in 0.2 s instead of 3 s). What its
 * own texts add to the workbook notes is noted before anything is written.
 */
void put_data_quality(struct xw *x, struct sheet *sh, const struct view_dq *dq, struct defs *defs)
{
	add_defs(defs, "Data quality", file_cols, N(file_cols));
	add_defs(defs, "Data quality", issue_cols, N(issue_cols));
	add_defs(defs, "Data quality", wbnote_cols, N(wbnote_cols));
	const lxw_row_t head = 2; /* the tables' header row */
	struct dq_sheet d = {0};
	dq_gather(x, sh, dq, &d);
	dq_pre_notes(x, sh, head, &d);
	dq_heading(x, sh, head, &d);

	/* The rows, one sheet row at a time across the three tables. */
	int nic = N(issue_cols);
	size_t flast = files_rows(d.nf);
	size_t n = d.nrows;
	if (flast > n)
		n = flast;
	if (d.nw > n)
		n = d.nw;
	lxw_col_t msg = (lxw_col_t)col_of(issue_cols, nic, IS_MESSAGE);
	/* the rows beside the files' and the notes' tables through libxlsxwriter, the rest (most,
	 * when many rows are rejected) streamed as the long tables' are, when the sheet can be */
	size_t beside = flast > d.nw ? flast : d.nw;
	for (size_t i = 0; i < n; i++) {
		lxw_row_t r = head + 1 + (lxw_row_t)i;
		if (i >= beside && sh->sink) {
			dq_issue_row(x, sh, r, i, &d, true);
			continue;
		}
		if (i < d.nrows)
			dq_issue_row(x, sh, r, i, &d, false);
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
	if (sh->sink) {
		stream_cover(sh, 0, d.wc + (lxw_col_t)(N(wbnote_cols) - 1));
		stream_end(x, sh);
	}
}

/* ---- Definitions --------------------------------------------------------- */

/* Adds a row to the Definitions sheet; the strings must outlive the workbook's writing. */
void add_def(struct defs *d, const char *sheet, const char *column, const char *meaning)
{
	if (d->n % 64 == 0)
		d->v = xreallocarray(d->v, d->n + 64, sizeof *d->v);
	d->v[d->n++] = (struct def){sheet, column, meaning};
}

/* The definitions of cols (those that have one), on sheet. */
void add_defs(struct defs *d, const char *sheet, const struct col *cols, int n)
{
	for (int i = 0; i < n; i++)
		if (cols[i].def)
			add_def(d, sheet, cols[i].header, cols[i].def);
}

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

/* The Definitions sheet: every column of the workbook defined, in the order the sheets added
 * them, this sheet's own last. */
void put_definitions(struct xw *x, struct sheet *sh, struct defs *defs)
{
	add_defs(defs, "Definitions", def_cols, N(def_cols));
	struct rows rows = {defs->n, def_cell, defs};
	put_table(x, sh, 0, "tblDefinitions", def_cols, N(def_cols), &rows, "");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
}
