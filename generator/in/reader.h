/* reader: the header and row rules shared by every input file (data-contract.md, "Reading rules").
 */
#ifndef BP_READER_H
#define BP_READER_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "in/config.h"
#include "in/csvin.h"
#include "util/strbuf.h"
#include "util/err.h"
#include "model/model.h"

#define READER_MAX_COLUMNS 16

/*
 * The header's columns as a row's preparation in the parser's thread reads them: published by
 * the reader (ready set, with release order) once it has read the header, and not changed
 * after.
 */
struct reader_cols {
	atomic_bool ready;
	size_t nheader;
	int col[READER_MAX_COLUMNS];
	const char *dflt[READER_MAX_COLUMNS];
};

/*
 * A data row's preparation (csvin_prep_fn), given the header's columns: work on the row that
 * needs nothing the row callback changes, done in the CSV parser's thread when the file is
 * parsed in one. Called only for rows with the header's number of fields; returns false when
 * it has nothing for the row (the row callback then does all the work itself).
 */
typedef bool (*reader_prep_fn)(void *pctx, const struct reader_cols *c,
                               const struct csvin_record *rec, void *out);

/* What a row's checks found wrong: the contract column, the rejection's kind and why
 * (reader_reject_value's). */
struct reader_fault {
	int col;
	const char *kind, *why;
};

struct reader;
/* Called for every data row with the right number of fields; it may set r->stop to read no
 * further. */
typedef void (*reader_row_fn)(struct reader *r, const struct csvin_record *rec);

struct reader {
	/* set by the caller */
	const struct config *cfg;
	struct model *m;
	enum input_kind kind;
	const char *const *columns; /* contract column names, NULL-terminated */
	const bool *required;       /* parallel to columns */
	reader_row_fn row;
	void *ctx;
	bool stop; /* set by row: the rest of the file is not read */
	/* optional, CSV files only: lines row surely does not want (csvin_opts.filter) */
	csvin_line_filter filter;
	void *filter_ctx;
	/* optional, CSV files only: told of lines before they are read (csvin_opts.ahead) */
	csvin_line_ahead ahead;
	void *ahead_ctx;
	/* optional, CSV files only: a data row's preparation, prep_size bytes (csvin_opts.prep) */
	reader_prep_fn prep;
	void *prep_ctx;
	size_t prep_size;
	/* optional, CSV files only: where the reading goes on after the header, and where it ends
	 * (csvin_opts) */
	size_t start_at;
	long start_line;
	size_t stop_at;
	/* a reading beside another of the same model (a second reading, whose rows' scopes and
	 * data-quality record are thrown away): the model's tables are only looked into, never
	 * added to, and every row's scope is the whole organisation's */
	bool tables_fixed;
	/* set by reader_run */
	int file;                    /* dq file index */
	const char *name;            /* the file's name in messages */
	int col[READER_MAX_COLUMNS]; /* record index of each contract column, -1 when absent */
	size_t nheader;
	bool header_done;
	enum bp_err status;
	/* the row being read: which packs see it (dq.h), set before the row callback */
	dq_scope row_scope;
	int ci_region, ci_case, ci_customer; /* contract column indices, -1 when not in it */
	char **header_names; /* the header's fields, trimmed; nheader_names of them */
	size_t nheader_names;
	sym last_region; /* the previous row's region, most rows repeat it */
	/* [defaults]: the value of each contract column (NULL: none), and the rows not rejected
	 * that took it */
	const char *dflt[READER_MAX_COLUMNS];
	bool took[READER_MAX_COLUMNS]; /* the row being read took the default */
	long used[READER_MAX_COLUMNS];
	struct strbuf msg;       /* a rejection's message being put together */
	struct reader_cols cols; /* for prep */
	long nprepared;          /* rows that came prepared */
};

/* Reads path through csvin: header checks, field counts, csvin's problems. Returns 0 or
 * BP_ERR_INPUT.
 */
enum bp_err reader_run(struct reader *r, const char *path);

/* Field of contract column i of rec, trimmed; "" when the column is absent. The column's
 * [defaults] value instead, when it has one and the field is blank or absent: a row that is
 * not rejected counts as having taken it. */
const char *reader_field(struct reader *r, const struct csvin_record *rec, int i, size_t *len);

/* Field of contract column i of a row as reader_field gives it, from the header's columns c
 * (for a row's preparation: it notes no default taken). */
const char *reader_cols_field(const struct reader_cols *c, const struct csvin_record *rec, int i,
                              size_t *len);

/* Records the defaults the rows read so far took: one data-quality note per column and
 * model.defaults_used. Call once, after the reading whose rows count. */
void reader_note_defaults(struct reader *r);

/* Rejects the row: message names the column (1-based record column of contract column i, or 0). */
void reader_reject(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Rejects the row because contract column i's value is wrong: `COLUMN "value" WHAT`. */
void reader_reject_value(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                         const char *what);

/* The field of record column col (0-based) of a raw line (as csvin_opts.ahead is told of it),
 * split at every delimiter, untrimmed, without the quotes around it when it has them
 * (`"SM-001"`): a hint of the field's text, wrong when a quoted field holds the delimiter. False
 * when the line has fewer fields. */
bool reader_hint_field(const char *s, size_t len, unsigned char delim, int col, const char **f,
                       size_t *n);

#endif
