/* sheetin: a sheet of an Excel (.xlsx) or LibreOffice (.ods) workbook as records, one per row,
 * streamed with zipin and expat (data-contract.md, "Files as departments send them"). */
#ifndef BP_SHEETIN_H
#define BP_SHEETIN_H
#include <stdbool.h>
#include <stddef.h>

#include "in/csvin.h"

/* Most columns a sheet's header may span (as CSVIN_MAX_FIELDS). */
#define SHEETIN_MAX_COLUMNS CSVIN_MAX_FIELDS
/* Rows of a sheet (Excel's and LibreOffice's most): a row beyond it, or a row numbered before
 * the previous one, is taken as the next row. */
#define SHEETIN_MAX_ROWS 1048576L

struct sheetin_opts {
	const char *name;  /* the file's name as messages show it (e.g. "kpis.xlsx") */
	const char *sheet; /* the sheet to read; NULL: the first */
	char decimal;      /* the decimal mark numbers are written with ('.' or ','), so that
	                      the CSV rules read them */
	int index;         /* with sheet NULL: the sheet at this position (0: the first) */
	bool quiet;        /* a missing sheet returns -2 without a message (init's search) */
};

struct sheetin_result {
	char *sheet; /* the sheet being read: set before the first record is delivered */
	bool ods;
};

/*
 * Reads the sheet and calls fn for every row that has a value, as csvin_read does for records:
 * first the header (the first row with a value: its fields run from its first to its last
 * cell with a value), then every later row with a value in those columns, with one field per
 * header column. `line` is the sheet row (1-based) and field_lines/field_cols give each
 * field's row and column (A = 1). A cell's text is what the CSV rules read: numbers in full
 * precision (the percentage shown for a percent format), dates and date-times as ISO 8601, a
 * formula's stored value, shared and inline strings, booleans as TRUE or FALSE, errors as
 * shown (#N/A). A merged range reads as its top-left value in every cell, except along the
 * header row, where only its first column is named. Hidden rows are read. Returns 0 when the
 * sheet was read to its end, fn's non-zero value, or -1 after reporting through diag a file
 * that is not a workbook, a sheet that is missing (naming the sheets there are), damaged
 * parts or a zip bomb. The caller frees res with sheetin_result_free.
 */
int sheetin_read(const char *path, const struct sheetin_opts *opts, csvin_record_fn fn, void *ctx,
                 struct sheetin_result *res);

void sheetin_result_free(struct sheetin_result *res);


#endif
