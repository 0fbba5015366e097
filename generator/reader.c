#include "reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "strbuf.h"
#include "xmem.h"

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
static bool header_matches(const char *field, size_t len, const char *want)
{
	while (len && (*field == ' ' || *field == '\t'))
		field++, len--;
	while (len && (field[len - 1] == ' ' || field[len - 1] == '\t'))
		len--;
	return strlen(want) == len && strncasecmp(field, want, len) == 0;
}

static char *trimmed_copy(const char *field, size_t len)
{
	while (len && (*field == ' ' || *field == '\t'))
		field++, len--;
	while (len && (field[len - 1] == ' ' || field[len - 1] == '\t'))
		len--;
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

/*
 * Which packs see this row (pack.md: a row belongs to the region its own region field names,
 * read even when the row is rejected for another reason; one whose region cannot be read
 * belongs to the whole organisation's pack only). A blank region is company-wide for KPIs
 * and customers (data-contract.md) and no one's for case data.
 */
static dq_scope row_scope(struct reader *r, const struct csvin_record *rec)
{
	bool case_data = r->kind == INPUT_JOURNEYS || r->kind == INPUT_CASES;
	dq_scope blank = case_data ? DQ_WHOLE_ONLY : DQ_EVERY_PACK;
	int rc = record_col(r, r->ci_region);
	if (rc < 0)
		return blank;
	if (rec->nfields != r->nheader || (size_t)rc >= rec->nfields)
		return DQ_WHOLE_ONLY;
	if (rec->problem && (rec->bad_field == 0 || rec->bad_field == (size_t)rc + 1))
		return DQ_WHOLE_ONLY;
	const char *v = rec->fields[rc];
	size_t n = rec->lens[rc];
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (!n)
		return blank;
	sym last = r->last_region;
	if (last && intern_len(r->m->names, last) == n &&
	    memcmp(intern_str(r->m->names, last), v, n) == 0)
		return last;
	return r->last_region = intern_add(r->m->names, v, n);
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
	const char *v = rec->fields[rc];
	size_t n = rec->lens[rc];
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (!n)
		return NULL;
	*len = n;
	return v;
}

/* What a rejection of rec records beside its message; column is 1-based (0: the whole row). */
static struct dq_where row_where(const struct reader *r, const struct csvin_record *rec,
                                 long column)
{
	struct dq_where w = {.scope = r->row_scope};
	if (r->kind == INPUT_JOURNEYS || r->kind == INPUT_CASES)
		w.case_id = where_field(rec, record_col(r, r->ci_case), &w.case_len);
	w.customer_id = where_field(rec, record_col(r, r->ci_customer), &w.customer_len);
	if (column > 0 && (size_t)column <= r->nheader && r->header_names)
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

static void header(struct reader *r, const struct csvin_record *rec)
{
	r->header_names = xreallocarray(NULL, rec->nfields ? rec->nfields : 1, sizeof(char *));
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
				diag_msg(DIAG_ERROR, r->name, rec->line, (long)f + 1,
				         "column \"%s\" appears twice (columns %d and %zu); remove "
				         "or rename one",
				         want, r->col[i] + 1, f + 1);
				r->status = EXIT_INPUT;
			} else {
				r->col[i] = (int)f;
			}
		}
		if (!known && nunknown++ < 10) { /* the first ten named, the rest counted */
			if (nunknown > 1)
				strbuf_puts(&unknown, ", ");
			dq_quote(&unknown, rec->fields[f], rec->lens[f]);
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
		if (!r->required[i] || r->col[i] >= 0)
			continue;
		struct strbuf found = STRBUF_INIT;
		for (size_t f = 0; f < rec->nfields && f < 40; f++) {
			if (f)
				strbuf_puts(&found, ", ");
			dq_quote(&found, rec->fields[f], rec->lens[f]);
		}
		if (rec->nfields > 40)
			strbuf_printf(&found, " and %zu more", rec->nfields - 40);
		const char *want = config_header(r->cfg, r->kind, r->columns[i]);
		if (strcmp(want, r->columns[i]) != 0)
			diag_msg(DIAG_ERROR, r->name, rec->line, 0,
			         "missing required column \"%s\" (mapped from %s in [columns.%s]); "
			         "the header has %s",
			         want, r->columns[i], kind_names[r->kind], strbuf_str(&found));
		else
			diag_msg(DIAG_ERROR, r->name, rec->line, 0,
			         "missing required column \"%s\"; the header has %s (map your own "
			         "name with [columns.%s] %s = Your Header)",
			         want, strbuf_str(&found), kind_names[r->kind], want);
		strbuf_free(&found);
		r->status = EXIT_INPUT;
	}
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
			r->status = EXIT_INPUT;
			return 1;
		}
		header(r, rec);
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
		dq_reject_at(r->m->dq, r->file, rec->line, (long)rec->bad_field, &w,
		             "unreadable field", "%s%s", rec->problem, strbuf_str(&b));
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
	r->row(r, rec);
	return r->stop;
}

int reader_run(struct reader *r, const char *path)
{
	r->name = display_name(r->cfg, path);
	r->file = dq_file(r->m->dq, r->name, path);
	r->header_done = false;
	r->status = 0;
	r->stop = false;
	r->header_names = NULL;
	r->ci_region = r->ci_case = r->ci_customer = -1;
	r->last_region = 0;
	struct csvin_opts opts = {.delimiter = r->cfg->delimiter, .name = r->name};
	char delim = 0;
	long unterminated = 0;
	int rc = csvin_read(path, &opts, on_record, r, &delim, &unterminated);
	if (r->header_names) {
		for (size_t i = 0; i < r->nheader; i++)
			free(r->header_names[i]);
		free(r->header_names);
		r->header_names = NULL;
	}
	if (rc < 0)
		return EXIT_INPUT;
	if (r->status)
		return r->status;
	if (!r->header_done && unterminated > 0) {
		diag_msg(DIAG_ERROR, r->name, unterminated, 0,
		         "the header line has a quote that is never closed, so no column could be "
		         "read; close the quote or remove it");
		return EXIT_INPUT;
	}
	if (!r->header_done) {
		struct strbuf want = STRBUF_INIT;
		for (int i = 0; r->columns[i]; i++)
			if (r->required[i])
				strbuf_printf(&want, "%s%s", want.len ? ", " : "",
				              config_header(r->cfg, r->kind, r->columns[i]));
		diag_msg(DIAG_ERROR, r->name, 0, 0,
		         "the file is empty; expected a header line naming the columns %s",
		         strbuf_str(&want));
		strbuf_free(&want);
		return EXIT_INPUT;
	}
	if (unterminated > 0) {
		/* the rest of the file cannot be read, its region neither */
		dq_count_row(r->m->dq, r->file, DQ_WHOLE_ONLY);
		dq_reject(r->m->dq, r->file, unterminated, 0, "unclosed quote",
		          "a quote opened on this line is never closed, so the rest of the file "
		          "from here was not read; close the quote or remove it");
	} else {
		long unended = csvin_unended_line(path);
		if (unended > 0)
			dq_note(r->m->dq, r->file, unended, "no line break at the end",
			        "the last line has no line break; it was read as a complete row, but "
			        "an export cut short looks exactly like this: check the file is whole");
	}
	return 0;
}

const char *reader_field(const struct reader *r, const struct csvin_record *rec, int i, size_t *len)
{
	if (r->col[i] < 0) {
		*len = 0;
		return "";
	}
	*len = rec->lens[r->col[i]];
	return rec->fields[r->col[i]];
}

void reader_reject(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                   const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	long col = i >= 0 && r->col[i] >= 0 ? r->col[i] + 1 : 0;
	struct dq_where w = row_where(r, rec, col);
	if (!w.column_name && i >= 0)
		w.column_name = config_header(r->cfg, r->kind, r->columns[i]);
	dq_reject_at(r->m->dq, r->file, rec->line, col, &w, kind, "%s", msg);
}

void reader_reject_value(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                         const char *what)
{
	size_t n;
	const char *v = reader_field(r, rec, i, &n);
	struct strbuf q = STRBUF_INIT;
	dq_quote(&q, v, n);
	if (n == 0)
		reader_reject(r, rec, i, kind, "%s is empty; %s",
		              config_header(r->cfg, r->kind, r->columns[i]), what);
	else
		reader_reject(r, rec, i, kind, "%s %s: %s",
		              config_header(r->cfg, r->kind, r->columns[i]), strbuf_str(&q), what);
	strbuf_free(&q);
}
