/*
 * book: what the files of the workbook share; internal to xlsx/ (only its .c files include it).
 * The workbook being written (struct xw) and its sheets, how a column's values are shown (enum
 * kind), a cell's value as the view gives it (struct val), a table's columns and rows, and the
 * functions each file lends the others. The files:
 *
 *   xlsx.c         the workbook: formats, the sheets in order, opening and closing, xlsx_write
 *   cells.c        texts made fit for a cell, the workbook notes, cells, formulas, tables, page
 *                  setup, conditional formats: what every sheet is written with
 *   longrows.c     Cases, Touches, Customers: the long tables, streamed as the sheets' XML rows
 *   figures.c      Summary, Goals, Journeys (with the trend table and chart), Trend, Regions
 *   departments.c  Watermelons, Departments, Heat map, KPIs
 *   decisions.c    Decisions
 *   reference.c    Settings, Data quality, Definitions
 *   zpar.c, xlsxzip.c  the long sheets' rows compressed, and spliced into the zip
 */
#ifndef BP_XLSX_BOOK_H
#define BP_XLSX_BOOK_H
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <xlsxwriter.h>

#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "view/view.h"

struct xlsx_source;
struct zpar_pool;

/* Excel's limits. */
#define SHEET_ROWS 1048576L /* rows in a sheet */
#define CELL_CHARS 32767L   /* characters in a cell */
#define HEADER_CHARS 255L   /* characters in a table column's header */

#define WIDTH_MAX 60.0     /* widest column, in characters */
#define EPOCH_SERIAL 25569 /* Excel's serial day number of 1970-01-01 */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

static inline struct val v_none(void)
{
	return (struct val){.t = V_NONE};
}

static inline struct val v_count(long n)
{
	return n < 0 ? v_none() : (struct val){.t = V_NUM, .num = (double)n};
}

/* A whole number that may be below 0 (a difference of counts). */
static inline struct val v_whole(long n)
{
	return (struct val){.t = V_NUM, .num = (double)n};
}

static inline struct val v_real(double d)
{
	return isnan(d) || isinf(d) ? v_none() : (struct val){.t = V_NUM, .num = d};
}

static inline struct val v_flag(bool b)
{
	return (struct val){.t = V_BOOL, .yes = b};
}

static inline struct val v_text(const char *s)
{
	return s ? (struct val){.t = V_TEXT, .text = s} : v_none();
}

static inline struct val v_names(const char *const *names, size_t n)
{
	return (struct val){.t = V_LIST, .list = names, .nlist = n};
}

static inline struct val v_day(int64_t day)
{
	return day == VIEW_NO_DAY ? v_none() : (struct val){.t = V_DAY, .when = day};
}

/* The day of an instant (UTC). */
static inline struct val v_day_of(int64_t ms)
{
	if (ms == VIEW_NO_DAY)
		return v_none();
	return v_day(ms / BP_MS_PER_DAY - (ms % BP_MS_PER_DAY < 0));
}

static inline struct val v_time(int64_t ms)
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

/* A column's formula: num / den, empty when den is 0. */
#define RATE_IF(num, den) "IF([" den "]=0,\"\",[" num "]/[" den "])"

/* A table's n rows: cell gives the value of a field of row i. */
struct rows {
	size_t n;
	struct val (*cell)(const void *ctx, size_t i, int field);
	const void *ctx;
};

/* A field that the table's cell function does not name: a column given another table's field, a
 * bug that the first test writing the table shows. */
static inline _Noreturn void no_field(void)
{
	abort();
}

/* The Definitions sheet's rows, gathered as the sheets are written: static texts and the sheets'
 * names, which outlive the sheet. */
struct def {
	const char *sheet, *column, *meaning;
};
struct defs {
	struct def *v;
	size_t n;
};

struct rowsink; /* a long table's sheet's rows (longrows.c) */

/* A table's texts that repeat, cleaned once (longrows.c, long_shared). */
struct cached_text;
struct rowbuf;
#define TEXTCACHE_RECENT 64 /* texts remembered by address (a power of two) */
struct textcache {
	struct cached_text *slot;
	size_t cap, used;
	struct rowbuf *scratch; /* where a text's XML is made before a copy of it is kept */
	/* the entries of texts met lately, by the text's address: most repeated texts are one
	 * interned string each, found here without measuring and hashing them (the entry's text
	 * is still compared: an address may be a buffer that is filled again) */
	struct {
		const char *at;
		size_t slot;
	} recent[TEXTCACHE_RECENT];
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
	struct rowsink *sink; /* a long table's sheet: its rows, written by longrows.c */
};

/* A long table's cell's attributes and the end of its opening tag (` s="3"><v>`), n bytes of
 * s: the buffer is copied whole, so that a cell's opening costs one fixed-size copy. */
#define CELL_ATTR_MAX 32
struct cell_attr {
	char s[CELL_ATTR_MAX];
	size_t n;
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
	struct cell_attr num_attr[K_NKINDS]; /* ` s="3"><v>`: a number cell's style, once known */
	struct cell_attr bool_attr;          /* ` s="7" t="b"><v>`: a boolean cell's */
	long money_chars;                    /* characters of money_sym */
	lxw_format *text_attr_fmt;           /* the format of text_attr, a text cell's attributes */
	struct cell_attr text_attr;
};

static inline const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Keeps e, when the first failure, for xlsx_write to report. */
static inline void check(struct xw *x, lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
		x->err = e;
		x->err_what = what;
	}
}

/* ---- cells.c: texts and notes ---------------------------------------------- */

long utf8_chars(const char *s);
const char *thousands(long n, char buf[32]);
void note_at(struct xw *x, const char *sheet, const char *cell, const char *note, bool always);
void add_note(struct xw *x, const char *sheet, const char *cell, const char *note);
/* from's notes after to's, in their order (past NOTES_MAX only counted, as note_at does); from
 * keeps none. */
void notes_move(struct xw *to, struct xw *from);
const char *clean_text(struct xw *x, const char *s, long max, const char *sheet, const char *where,
                       long *chars);
char *clean_dup_at(struct xw *x, const char *s, long max, const char *sheet, const char *where);
char *clean_dup(struct xw *x, const char *s, long max);
void pre_note(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s);
bool plain_ascii(const char *s, size_t n);

/* ---- cells.c: cells, formulas, tables -------------------------------------- */

/* Column col of sh is at least w characters wide (inline: the long tables call it for every
 * cell). */
static inline void measure(struct sheet *sh, lxw_col_t col, double w)
{
	if (col < sizeof sh->width / sizeof sh->width[0] && w > sh->width[col])
		sh->width[col] = w;
}
void put_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
              lxw_format *f);
void put_title(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
               lxw_format *f);
void put_text_quiet(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                    lxw_format *f);
double shown_width(const struct xw *x, enum kind k, double v);
void put_number(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k, double v);
double excel_day(int64_t day);
void put_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k, struct val v);
int col_of(const struct col *cols, int n, int field);
void put_formula(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                 const char *formula, struct val v);
void put_none(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *none);
lxw_row_t put_table_at(struct xw *x, struct sheet *sh, lxw_row_t row0, lxw_col_t col0,
                       const char *name, const struct col *cols, int n, const struct rows *rows,
                       const char *none);
lxw_row_t put_table(struct xw *x, struct sheet *sh, lxw_row_t row0, const char *name,
                    const struct col *cols, int n, const struct rows *rows, const char *none);
void page_setup(struct xw *x, struct sheet *sh, lxw_row_t header);
void set_widths(struct sheet *sh);
void cond_target(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t rate,
                 lxw_col_t target);
void cond_status(struct xw *x, struct sheet *sh, lxw_row_t r0, lxw_row_t r1, lxw_col_t c);

/* ---- longrows.c: Cases, Touches, Customers ---------------------------------- */

enum { LT_CASES, LT_TOUCHES, LT_CUSTOMERS, LT_N };

/*
 * A table that may outgrow a sheet: it continues on "Cases (2)", "Cases (3)"...
 * (tables tblCases, tblCases2...), each with the header row, so that nothing
 * is dropped. libxlsxwriter writes each sheet's header row and table; the rows
 * under it are written by longrows.c, as the sheet's XML.
 */
struct longtab {
	const char *name, *table; /* "Cases", "tblCases" */
	const struct col *cols;
	int ncols;
	const char *none;     /* said beside the empty table */
	long sheet_rows;      /* data rows a sheet holds, under its header */
	long total;           /* rows counted before writing */
	long done;            /* rows written */
	long dropped;         /* rows beyond the sheets laid out (more than counted) */
	struct sheet *sheets; /* nsheets of the workbook's, set by its caller */
	int nsheets;
};

/* The long tables, and what compresses their sheets' rows. */
struct longrows {
	struct longtab t[LT_N];
	int nsheets; /* the tables' sheets, in the workbook one after the other */
	struct zpar_pool *pool;
	/* another sheet whose rows below its first ones are streamed too (Data quality, from its
	 * rows beside which nothing else stands): NULL, or set before longrows_open, with its
	 * number among the workbook's sheets (from 0) */
	struct sheet *more;
	int more_index;
};

/*
 * In this order: longrows_count lays out the tables (the rows counted, the sheets they need); the
 * caller adds those sheets and sets each table's sheets; longrows_open gives each sheet its
 * stream of rows; longrows_write writes them all; after libxlsxwriter's workbook is closed,
 * longrows_splice puts the rows in. longrows_free frees the streams, whatever happened.
 */
void longrows_count(struct longrows *lr, const struct xlsx_source *src, long sheet_rows);
bool longrows_open(struct longrows *lr, const char *dir);
long longrows_write(struct xw *x, struct longrows *lr, const struct xlsx_source *src, int lanes);
int longrows_splice(struct longrows *lr, int first, const char *parts, const char *path,
                    bool minizip, struct sha256_digest *digest, const char **why);
void longrows_free(struct longrows *lr);
void longrows_defs(struct defs *defs);

/* Cells of longrows.more, streamed after its cells written by libxlsxwriter (their rows below
 * those): stream_text as put_text_quiet, stream_value as put_value for a number or none;
 * stream_cover makes the sheet's dimension reach a cell libxlsxwriter wrote; stream_end after
 * the last. */
void stream_text(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, const char *s,
                 lxw_format *f);
void stream_value(struct xw *x, struct sheet *sh, lxw_row_t r, lxw_col_t c, enum kind k,
                  struct val v);
void stream_cover(struct sheet *sh, lxw_row_t r, lxw_col_t c);
void stream_end(struct xw *x, struct sheet *sh);
void textcache_free(struct textcache *tc);

/* ---- the sheets of figures (figures.c, departments.c, decisions.c) ---------- */
/* Each writes its sheet (Journeys and Departments a chart on summary too) and adds its columns'
 * definitions to defs, in the order of the sheets. */

void put_summary(struct xw *x, struct sheet *sh, const struct view *v, const char *title,
                 long listed, struct defs *defs);
void put_goals_journeys(struct xw *x, struct sheet *goals, struct sheet *journeys,
                        struct sheet *summary, const struct view *v, struct defs *defs);
void put_trend_sheet(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_regions(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_watermelons(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_departments(struct xw *x, struct sheet *sh, const struct view *v, struct sheet *summary,
                     struct defs *defs);
void put_heatmap(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_kpis(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_decisions(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);

/* ---- reference.c: Settings, Data quality, Definitions ----------------------- */

void add_def(struct defs *d, const char *sheet, const char *column, const char *meaning);
void add_defs(struct defs *d, const char *sheet, const struct col *cols, int n);
void put_settings(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs);
void put_data_quality(struct xw *x, struct sheet *sh, const struct view_dq *dq, struct defs *defs);
/* Whether the Data quality sheet of dq may have rows below its small tables, which are streamed
 * (longrows.more): more rejected rows and notes than its files' table has rows. */
bool dq_streams(const struct view_dq *dq);
void put_definitions(struct xw *x, struct sheet *sh, struct defs *defs);

#endif
