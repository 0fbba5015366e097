#include "in/reader.h"
#include "util/escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/diag.h"
#include "util/format.h"
#include "in/sheetin.h"
#include "util/strbuf.h"
#include "in/xesin.h"
#include "util/xmem.h"

/* The [columns.NAME] section of each kind of input. */
static const char *const kind_names[INPUT_KINDS] = {[INPUT_JOURNEYS] = "journeys",
                                                    [INPUT_KPIS] = "kpis",
                                                    [INPUT_CUSTOMERS] = "customers",
                                                    [INPUT_CASES] = "cases",
                                                    [INPUT_ACTIONS] = "actions"};

static const char *display_name(const struct config *c, const char *path)
{
	size_t n = strlen(c->dir);
	if (strcmp(c->dir, ".") != 0 && strncmp(path, c->dir, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* A header name matches after trimming spaces (a quoted name keeps them as a field, not as a
 * name: data-contract.md), ignoring case. */
/* Trims spaces and tabs from both ends of s[0..*n): returns the start, *n the length left. */
static const char *trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

static bool header_matches(const char *field, size_t len, const char *want)
{
	field = trim(field, &len);
	return strlen(want) == len && strncasecmp(field, want, len) == 0;
}

static char *trimmed_copy(const char *field, size_t len)
{
	field = trim(field, &len);
	return xstrndup(field, len);
}

static int contract_index(const struct reader *r, const char *name)
{
	for (int i = 0; r->columns[i]; i++)
		if (strcmp(r->columns[i], name) == 0)
			return i;
	return -1;
}

/* The record column of contract column ci, or -1. */
static int record_col(const struct reader *r, int ci)
{
	return ci >= 0 ? r->col[ci] : -1;
}

/* The trimmed field of record column rc, when the row has it. */
static const char *where_field(const struct csvin_record *rec, int rc, size_t *len)
{
	*len = 0;
	/* with a wrong field count, the field at the column's place, as read: such a row is seen
	 * in the whole organisation's pack only */
	if (rc < 0 || (size_t)rc >= rec->nfields)
		return NULL;
	if (rec->problem && (rec->bad_field == 0 || rec->bad_field == (size_t)rc + 1))
		return NULL;
	size_t n = rec->lens[rc];
	const char *v = trim(rec->fields[rc], &n);
	if (!n)
		return NULL;
	*len = n;
	return v;
}

/*
 * Which packs see this row (pack.md: a row belongs to the region its own region field names,
 * read even when the row is rejected for another reason; one whose region cannot be read
 * belongs to the whole organisation's pack only). A blank region is company-wide for KPIs
 * and customers (data-contract.md) and no one's for case data.
 */
static dq_scope row_scope(struct reader *r, const struct csvin_record *rec)
{
	if (r->tables_fixed)
		return DQ_WHOLE_ONLY;
	bool case_data = r->kind == INPUT_JOURNEYS || r->kind == INPUT_CASES;
	dq_scope blank = case_data ? DQ_WHOLE_ONLY : DQ_EVERY_PACK;
	int rc = record_col(r, r->ci_region);
	if (rc < 0)
		return blank;
	if (rec->nfields != r->nheader || (size_t)rc >= rec->nfields)
		return DQ_WHOLE_ONLY;
	if (rec->problem && (rec->bad_field == 0 || rec->bad_field == (size_t)rc + 1))
		return DQ_WHOLE_ONLY;
	size_t n;
	const char *v = where_field(rec, rc, &n);
	if (!v)
		return blank;
	sym last = r->last_region;
	if (last && intern_len(r->m->names, last) == n &&
	    memcmp(intern_str(r->m->names, last), v, n) == 0)
		return last;
	return r->last_region = intern_add(r->m->names, v, n);
}

/* What a rejection of rec records beside its message; column is 1-based (0: the whole row). */
static struct dq_where row_where(const struct reader *r, const struct csvin_record *rec,
                                 long column)
{
	struct dq_where w = {.scope = r->row_scope};
	if (r->kind == INPUT_JOURNEYS || r->kind == INPUT_CASES)
		w.case_id = where_field(rec, record_col(r, r->ci_case), &w.case_len);
	w.customer_id = where_field(rec, record_col(r, r->ci_customer), &w.customer_len);
	if (column > 0 && (size_t)column <= r->nheader_names && r->header_names)
		w.column_name = r->header_names[column - 1];
	if (column > 0 && (size_t)column <= rec->nfields &&
	    !(rec->problem && rec->bad_field == (size_t)column)) {
		w.value = rec->fields[column - 1];
		w.value_len = rec->lens[column - 1];
	} else if (rec->problem && rec->bad_value) {
		w.value = rec->bad_value;
		w.value_len = strlen(rec->bad_value);
	}
	return w;
}
/* The column of field f in messages: its place in a sheet, or its position in a CSV row. */
#define FIELD_COL(rec, f) ((rec)->field_cols ? (rec)->field_cols[f] : (long)(f) + 1)

static void free_header_names(struct reader *r)
{
	if (!r->header_names)
		return;
	for (size_t i = 0; i < r->nheader_names; i++)
		free(r->header_names[i]);
	free(r->header_names);
	r->header_names = NULL;
	r->nheader_names = 0;
}

/* What a reading leaves to free. */
static void run_done(struct reader *r)
{
	free_header_names(r);
	strbuf_free(&r->msg);
}

static void header(struct reader *r, const struct csvin_record *rec)
{
	free_header_names(r);
	r->header_names = xreallocarray(NULL, rec->nfields ? rec->nfields : 1, sizeof(char *));
	r->nheader_names = rec->nfields;
	for (size_t f = 0; f < rec->nfields; f++)
		r->header_names[f] = trimmed_copy(rec->fields[f], rec->lens[f]);
	r->ci_region = contract_index(r, "region");
	r->ci_case = contract_index(r, "case_id");
	r->ci_customer = contract_index(r, "customer_id");
	struct strbuf unknown = STRBUF_INIT;
	size_t nunknown = 0;
	for (int i = 0; r->columns[i]; i++)
		r->col[i] = -1;
	for (size_t f = 0; f < rec->nfields; f++) {
		bool known = false;
		for (int i = 0; r->columns[i]; i++) {
			const char *want = config_header(r->cfg, r->kind, r->columns[i]);
			if (!header_matches(rec->fields[f], rec->lens[f], want))
				continue;
			known = true;
			if (r->col[i] >= 0) {
				char place[512];
				long line = rec->line, col = FIELD_COL(rec, f);
				const char *where =
				    dq_place(r->m->dq, r->file, &line, &col, place, sizeof place);
				diag_msg(
				    DIAG_ERROR, where, line, col,
				    "column \"%s\" appears twice (columns %ld and %ld); remove "
				    "or rename one",
				    want, FIELD_COL(rec, r->col[i]), FIELD_COL(rec, f));
				r->status = BP_ERR_INPUT;
			} else {
				r->col[i] = (int)f;
			}
		}
		if (!known && nunknown++ < 10) { /* the first ten named, the rest counted */
			if (nunknown > 1)
				strbuf_puts(&unknown, ", ");
			text_quote(&unknown, rec->fields[f], rec->lens[f]);
		}
	}
	if (nunknown > 10)
		strbuf_printf(&unknown, " and %zu more", nunknown - 10);
	if (nunknown)
		dq_note(r->m->dq, r->file, 0, "unknown columns",
		        "%zu column%s ignored (not in the data contract): %s", nunknown,
		        nunknown == 1 ? "" : "s", strbuf_str(&unknown));
	strbuf_free(&unknown);

	for (int i = 0; r->columns[i]; i++) {
		if (!r->required[i] || r->col[i] >= 0 || r->dflt[i])
			continue;
		struct strbuf found = STRBUF_INIT;
		for (size_t f = 0; f < rec->nfields && f < 40; f++) {
			if (f)
				strbuf_puts(&found, ", ");
			text_quote(&found, rec->fields[f], rec->lens[f]);
		}
		if (rec->nfields > 40)
			strbuf_printf(&found, " and %zu more", rec->nfields - 40);
		const char *want = config_header(r->cfg, r->kind, r->columns[i]);
		char place[512];
		long line = rec->line, col = 0;
		const char *where = dq_place(r->m->dq, r->file, &line, &col, place, sizeof place);
		if (strcmp(want, r->columns[i]) != 0)
			diag_msg(DIAG_ERROR, where, line, col,
			         "missing required column \"%s\" (mapped from %s in [columns.%s]); "
			         "the header has %s",
			         want, r->columns[i], kind_names[r->kind], strbuf_str(&found));
		else
			diag_msg(DIAG_ERROR, where, line, col,
			         "missing required column \"%s\"; the header has %s (map your own "
			         "name with [columns.%s] %s = Your Header)",
			         want, strbuf_str(&found), kind_names[r->kind], want);
		strbuf_free(&found);
		r->status = BP_ERR_INPUT;
	}
}

/* The header's columns, for the rows' preparation in the parser's thread (reader_cols). */
static void publish_cols(struct reader *r)
{
	struct reader_cols *c = &r->cols;
	c->nheader = r->nheader;
	for (int i = 0; i < READER_MAX_COLUMNS; i++)
		c->col[i] = -1, c->dflt[i] = NULL;
	for (int i = 0; r->columns[i]; i++)
		c->col[i] = r->col[i], c->dflt[i] = r->dflt[i];
	atomic_store_explicit(&c->ready, true, memory_order_release);
}

/* csvin_opts.prep: r->prep, once the header's columns are published, for a row of the
 * header's number of fields. */
static bool prep_record(void *ctx, const struct csvin_record *rec, void *out)
{
	const struct reader *r = ctx;
	const struct reader_cols *c = &r->cols;
	if (!atomic_load_explicit(&c->ready, memory_order_acquire) || rec->nfields != c->nheader)
		return false;
	return r->prep(r->prep_ctx, c, rec, out);
}

static int on_record(void *ctx, const struct csvin_record *rec)
{
	struct reader *r = ctx;
	if (!r->header_done) {
		r->header_done = true;
		r->nheader = rec->nfields;
		if (rec->problem) {
			diag_msg(DIAG_ERROR, r->name, rec->line, (long)rec->bad_field,
			         "the header line cannot be read: %s", rec->problem);
			r->status = BP_ERR_INPUT;
			return 1;
		}
		header(r, rec);
		if (!r->status && r->prep)
			publish_cols(r);
		return r->status ? 1 : 0;
	}
	r->row_scope = row_scope(r, rec);
	dq_count_row(r->m->dq, r->file, r->row_scope);
	if (rec->problem) {
		struct strbuf b = STRBUF_INIT;
		if (rec->bad_value) {
			strbuf_puts(&b, ": ");
			strbuf_puts(&b, rec->bad_value);
		}
		struct dq_where w = row_where(r, rec, (long)rec->bad_field);
		dq_reject_at(r->m->dq, r->file, rec->line,
		             rec->bad_field && rec->field_cols ? rec->field_cols[rec->bad_field - 1]
		                                               : (long)rec->bad_field,
		             &w, "unreadable field", "%s%s", rec->problem, strbuf_str(&b));
		strbuf_free(&b);
		return 0;
	}
	if (rec->nfields != r->nheader) {
		struct dq_where w = row_where(r, rec, 0);
		dq_reject_at(r->m->dq, r->file, rec->line, 0, &w, "wrong field count",
		             "expected %zu fields, as in the header, found %zu", r->nheader,
		             rec->nfields);
		return 0;
	}
	long rejected = r->m->dq->files[r->file].rows_rejected;
	r->nprepared += rec->prep != NULL;
	memset(r->took, 0, sizeof r->took);
	r->row(r, rec);
	if (r->m->dq->files[r->file].rows_rejected == rejected)
		for (int i = 0; r->columns[i]; i++)
			r->used[i] += r->took[i];
	return r->stop;
}

/* The sheet being read: once sheetin names it (before the header), messages name it. */
struct sheet_ctx {
	struct reader *r;
	const char *named;
	struct sheetin_result res;
};

static int sheet_record(void *ctx, const struct csvin_record *rec)
{
	struct sheet_ctx *sc = ctx;
	if (!sc->named && sc->res.sheet) {
		dq_set_sheet(sc->r->m->dq, sc->r->file, sc->res.sheet);
		sc->named = sc->res.sheet;
	}
	return on_record(sc->r, rec);
}

/* Whether s ends with suffix, ignoring case. */
static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

static const char *kind_name(enum input_kind k)
{
	return k == INPUT_JOURNEYS    ? "journeys"
	       : k == INPUT_KPIS      ? "kpis"
	       : k == INPUT_CUSTOMERS ? "customers"
	                              : "cases";
}

/*
 * An XES event log as the records a CSV export of it would give: a header naming the columns
 * the contract wants (as mapped), then one record per event. A required column no event has
 * (and with no default) is missing, as a CSV column would be.
 */
static enum bp_err run_xes(struct reader *r, const char *path)
{
	if (r->kind != INPUT_JOURNEYS) {
		diag_msg(DIAG_ERROR, r->name, 0, 0,
		         "an XES event log can only be the event log ([inputs] journeys); give "
		         "%s as a CSV file or a workbook",
		         kind_name(r->kind));
		return BP_ERR_INPUT;
	}
	const char *want[READER_MAX_COLUMNS + 1];
	int wix[READER_MAX_COLUMNS];
	size_t n = 0;
	for (int i = 0; r->columns[i]; i++) {
		const char *h = config_header(r->cfg, r->kind, r->columns[i]);
		size_t j = 0;
		while (j < n && strcasecmp(want[j], h) != 0)
			j++;
		if (j == n)
			want[n++] = h;
		wix[i] = (int)j;
	}
	want[n] = NULL;
	struct xesin_opts o = {.name = r->name, .want = want};
	struct xesin_result res;
	int rc = xesin_read(path, &o, on_record, r, &res);
	if (rc < 0 || r->status) {
		xesin_result_free(&res);
		return rc < 0 ? BP_ERR_INPUT : r->status;
	}
	for (int i = 0; r->columns[i]; i++)
		if (!res.present[wix[i]])
			r->col[i] = -1; /* an attribute no event has is a column the file lacks */
	for (int i = 0; r->columns[i] && !r->stop; i++) {
		if (!r->required[i] || r->dflt[i] || res.present[wix[i]] || !res.events)
			continue;
		const char *h = want[wix[i]];
		diag_msg(DIAG_ERROR, r->name, 0, 0,
		         "missing required column \"%s\": no event of the log has an attribute "
		         "\"%s\"; its other attributes are %s (map yours with [columns.journeys] "
		         "%s = KEY, \"case:KEY\" for an attribute of the trace, or give one in "
		         "[defaults])",
		         r->columns[i], h, res.nothers ? res.others : "none", r->columns[i]);
		r->status = BP_ERR_INPUT;
	}
	if (res.nothers)
		dq_note(r->m->dq, r->file, 0, "unknown columns",
		        "%zu attribute%s ignored (not mapped to the data contract): %s",
		        res.nothers, res.nothers == 1 ? "" : "s", res.others);
	if (res.nested_line)
		dq_note(r->m->dq, r->file, res.nested_line, "nested attributes",
		        "nested attributes and lists are ignored (the first: %s%s%s at line %ld, "
		        "column %ld; noted once)",
		        res.nested_key ? "\"" : "", res.nested_key ? res.nested_key : "an element",
		        res.nested_key ? "\"" : "", res.nested_line, res.nested_col);
	if (res.renumbered)
		dq_note(r->m->dq, r->file, res.renumbered_line, "events share lines",
		        "%ld event%s start on the line of the event before (a file without line "
		        "breaks): from line %ld on, the line given for an event is a count, and "
		        "messages about its values name their true line and column",
		        res.renumbered, res.renumbered == 1 ? "" : "s", res.renumbered_line);
	xesin_result_free(&res);
	return r->status;
}

/* The required columns' names, as the header must give them, separated by ", ". */
static void required_names(const struct reader *r, struct strbuf *want)
{
	for (int i = 0; r->columns[i]; i++)
		if (r->required[i])
			strbuf_printf(want, "%s%s", want->len ? ", " : "",
			              config_header(r->cfg, r->kind, r->columns[i]));
}

/* A sheet of a workbook as the records a CSV export of it would give (sheetin.h). */
static enum bp_err run_sheet(struct reader *r, const char *path)
{
	struct sheetin_opts o = {
	    .name = r->name, .sheet = r->cfg->sheet[r->kind], .decimal = r->cfg->decimal};
	struct sheet_ctx sc = {r, NULL, {0}};
	int rc = sheetin_read(path, &o, sheet_record, &sc, &sc.res);
	sheetin_result_free(&sc.res);
	if (rc < 0)
		return BP_ERR_INPUT;
	if (r->status)
		return r->status;
	if (!r->header_done) {
		struct strbuf want = STRBUF_INIT;
		required_names(r, &want);
		char place[512];
		long line = 0, col = 0;
		diag_msg(DIAG_ERROR, dq_place(r->m->dq, r->file, &line, &col, place, sizeof place),
		         0, 0, "the sheet is empty; expected a header row naming the columns %s",
		         strbuf_str(&want));
		strbuf_free(&want);
		return BP_ERR_INPUT;
	}
	return 0;
}

enum bp_err reader_run(struct reader *r, const char *path)
{
	r->name = display_name(r->cfg, path);
	r->file = dq_file(r->m->dq, r->name, path);
	r->header_done = false;
	r->status = 0;
	r->stop = false;
	r->header_names = NULL;
	r->ci_region = r->ci_case = r->ci_customer = -1;
	r->last_region = 0;
	for (int i = 0; r->columns[i]; i++) {
		r->dflt[i] = config_default(r->cfg, r->kind, r->columns[i]);
		r->used[i] = 0;
	}
	if (has_suffix(path, ".xes") || has_suffix(path, ".xes.gz")) {
		enum bp_err rc = run_xes(r, path);
		run_done(r);
		return rc;
	}
	if (has_suffix(path, ".xlsx") || has_suffix(path, ".ods")) {
		enum bp_err rc = run_sheet(r, path);
		run_done(r);
		return rc;
	}
	struct csvin_opts opts = {.delimiter = r->cfg->delimiter,
	                          .name = r->name,
	                          .filter = r->filter,
	                          .filter_ctx = r->filter_ctx,
	                          .ahead = r->ahead,
	                          .ahead_ctx = r->ahead_ctx,
	                          .start_at = r->start_at,
	                          .start_line = r->start_line,
	                          .stop_at = r->stop_at};
	/* BOARDPACK_TEST_PREP (tests only): "off", no row is prepared in the parser's thread;
	 * "count", the rows that were are told on stderr */
	const char *test = getenv("BOARDPACK_TEST_PREP");
	r->nprepared = 0;
	if (r->prep && !(test && strcmp(test, "off") == 0)) {
		atomic_init(&r->cols.ready, false);
		opts.prep = prep_record;
		opts.prep_ctx = r;
		opts.prep_size = r->prep_size;
	}
	char delim = 0;
	long unterminated = 0;
	int rc = csvin_read(path, &opts, on_record, r, &delim, &unterminated);
	if (r->prep && test && strcmp(test, "count") == 0)
		fprintf(stderr, "boardpack: test: %s: %ld rows prepared\n", kind_name(r->kind),
		        r->nprepared);
	run_done(r);
	if (rc < 0)
		return BP_ERR_INPUT;
	if (r->status)
		return r->status;
	if (!r->header_done && unterminated > 0) {
		diag_msg(DIAG_ERROR, r->name, unterminated, 0,
		         "the header line has a quote that is never closed, so no column could be "
		         "read; close the quote or remove it");
		return BP_ERR_INPUT;
	}
	if (!r->header_done) {
		struct strbuf want = STRBUF_INIT;
		required_names(r, &want);
		diag_msg(DIAG_ERROR, r->name, 0, 0,
		         "the file is empty; expected a header line naming the columns %s",
		         strbuf_str(&want));
		strbuf_free(&want);
		return BP_ERR_INPUT;
	}
	if (unterminated > 0) {
		/* the rest of the file cannot be read, its region neither */
		dq_count_row(r->m->dq, r->file, DQ_WHOLE_ONLY);
		dq_reject(r->m->dq, r->file, unterminated, 0, "unclosed quote",
		          "a quote opened on this line is never closed, so the rest of the file "
		          "from here was not read; close the quote or remove it");
	} else if (!r->stop_at) { /* (a reading that stops before the end is not told of it) */
		long unended = csvin_unended_line(path);
		if (unended > 0)
			dq_note(
			    r->m->dq, r->file, unended, "no line break at the end",
			    "the last line has no line break; it was read as a complete row, but "
			    "an export cut short looks exactly like this: check the file is whole");
	}
	return 0;
}

/* Field of contract column i of rec, given record index col[i] (-1: absent) and default dflt[i]
 * (NULL: none); *took set when the default is given (took may be NULL). */
static const char *column_field(const int *col, const char *const *dflt,
                                const struct csvin_record *rec, int i, size_t *len, bool *took)
{
	int f = col[i];
	if (f >= 0 && rec->lens[f]) {
		*len = rec->lens[f];
		return rec->fields[f];
	}
	if (dflt[i]) {
		if (took)
			*took = true;
		*len = strlen(dflt[i]);
		return dflt[i];
	}
	*len = 0;
	return f >= 0 ? rec->fields[f] : "";
}

const char *reader_field(struct reader *r, const struct csvin_record *rec, int i, size_t *len)
{
	return column_field(r->col, r->dflt, rec, i, len, &r->took[i]);
}

const char *reader_cols_field(const struct reader_cols *c, const struct csvin_record *rec, int i,
                              size_t *len)
{
	return column_field(c->col, c->dflt, rec, i, len, NULL);
}

void reader_note_defaults(struct reader *r)
{
	struct model *m = r->m;
	struct number_style en = format_style("en");
	for (int i = 0; r->columns[i]; i++) {
		if (!r->dflt[i] ||
		    m->ndefaults_used == sizeof m->defaults_used / sizeof *m->defaults_used)
			continue;
		m->defaults_used[m->ndefaults_used++] =
		    (struct default_use){r->columns[i], r->used[i]};
		if (!r->used[i])
			continue;
		char n[32];
		format_number(n, sizeof n, (double)r->used[i], 0, &en);
		struct strbuf q = STRBUF_INIT;
		text_escape(&q, r->dflt[i], strlen(r->dflt[i]), 60, false);
		/* a count over every region: the whole organisation's pack only (docs/regions.md)
		 */
		dq_note_in(m->dq, r->file, 0, DQ_WHOLE_ONLY, NULL, "default used",
		           "%s: %s row%s took the default %s (%s)", r->columns[i], n,
		           r->used[i] == 1 ? "" : "s", strbuf_str(&q),
		           r->col[i] < 0 ? "the file has no such column" : "their field was blank");
		strbuf_free(&q);
	}
}

/* Rejects the row with message msg (len bytes), naming contract column i (or none: -1). */
static void reject_text(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                        const char *msg, size_t len)
{
	long line = rec->line, col = i >= 0 && r->col[i] >= 0 ? r->col[i] + 1 : 0;
	struct dq_where w = row_where(r, rec, col);
	if (!w.column_name && i >= 0)
		w.column_name = config_header(r->cfg, r->kind, r->columns[i]);
	if (rec->field_lines && col > 0) { /* its place in a sheet or an XES file */
		line = rec->field_lines[col - 1];
		col = rec->field_cols[col - 1];
	}
	dq_reject_text(r->m->dq, r->file, line, col, &w, kind, msg, len);
}

void reader_reject(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                   const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	reject_text(r, rec, i, kind, msg,
	            n < 0                     ? 0
	            : (size_t)n >= sizeof msg ? sizeof msg - 1
	                                      : (size_t)n);
}

void reader_reject_value(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                         const char *what)
{
	size_t n;
	const char *v = reader_field(r, rec, i, &n);
	/* put together without printf: a file can have hundreds of thousands of them */
	struct strbuf *q = &r->msg;
	strbuf_reset(q);
	strbuf_puts(q, config_header(r->cfg, r->kind, r->columns[i]));
	if (n == 0) {
		strbuf_puts(q, " is empty; ");
	} else {
		strbuf_putc(q, ' ');
		text_quote(q, v, n);
		strbuf_puts(q, ": ");
	}
	strbuf_puts(q, what);
	reject_text(r, rec, i, kind, strbuf_str(q), q->len);
}

static bool raw_field(const char *s, size_t len, unsigned char delim, int col, const char **f,
                      size_t *n)
{
	const char *p = s, *end = s + len;
	for (int i = 0; i < col; i++) {
		const char *d = memchr(p, delim, (size_t)(end - p));
		if (!d)
			return false;
		p = d + 1;
	}
	const char *d = memchr(p, delim, (size_t)(end - p));
	*f = p;
	*n = (size_t)((d ? d : end) - p);
	return true;
}

bool reader_hint_field(const char *s, size_t len, unsigned char delim, int col, const char **f,
                       size_t *n)
{
	if (!raw_field(s, len, delim, col, f, n))
		return false;
	if (*n >= 2 && (*f)[0] == '"' && (*f)[*n - 1] == '"') {
		(*f)++;
		*n -= 2;
	}
	return true;
}
