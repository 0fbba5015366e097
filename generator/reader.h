/* reader: the header and row rules shared by every input file (data-contract.md, "Reading rules").
 */
#ifndef BP_READER_H
#define BP_READER_H
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "csvin.h"
#include "model.h"

#define READER_MAX_COLUMNS 16

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
	/* set by reader_run */
	int file;                    /* dq file index */
	const char *name;            /* the file's name in messages */
	int col[READER_MAX_COLUMNS]; /* record index of each contract column, -1 when absent */
	size_t nheader;
	bool header_done;
	int status;
	/* the row being read: which packs see it (dq.h), set before the row callback */
	dq_scope row_scope;
	int ci_region, ci_case, ci_customer; /* contract column indices, -1 when not in it */
	char **header_names;                 /* the header's fields, trimmed; nheader of them */
	sym last_region;                     /* the previous row's region, most rows repeat it */
};

/* Reads path through csvin: header checks, field counts, csvin's problems. Returns 0 or EXIT_INPUT.
 */
int reader_run(struct reader *r, const char *path);

/* Field of contract column i of rec, trimmed; "" when the column is absent. */
const char *reader_field(const struct reader *r, const struct csvin_record *rec, int i,
                         size_t *len);

/* Rejects the row: message names the column (1-based record column of contract column i, or 0). */
void reader_reject(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Rejects the row because contract column i's value is wrong: `COLUMN "value" WHAT`. */
void reader_reject_value(struct reader *r, const struct csvin_record *rec, int i, const char *kind,
                         const char *what);

#endif
