/* xesin: XES event logs (IEEE 1849; .xes and .xes.gz) as records, one per event, streamed with
 * expat and zlib; the only module that sees expat's XES parsing. */
#ifndef BP_XESIN_H
#define BP_XESIN_H
#include <stdbool.h>
#include <stddef.h>

#include "in/csvin.h"

#define XESIN_MAX_COLUMNS 16

struct xesin_opts {
	const char *name; /* the file's name as messages show it (e.g. "log.xes") */
	/* The columns to deliver, as a CSV export of the log names them: "case:KEY" for an
	 * attribute of the trace, "KEY" for one of the event (matched ignoring case). At most
	 * XESIN_MAX_COLUMNS, NULL-terminated. */
	const char *const *want;
};

/* What a reading found besides its records. */
struct xesin_result {
	long present[XESIN_MAX_COLUMNS]; /* events that had each wanted column, not blank */
	long events;
	/* attribute columns found that were not wanted, as a list for a note ("a", "b" and 3
	 * more); the first 10 named */
	char *others;
	size_t nothers;
	/* the first nested attribute or list, ignored (0 when none) */
	long nested_line, nested_col;
	char *nested_key;
	/* events that start on the line of the event before (a file without line breaks): their
	 * records are numbered on from the line before, the first such at renumbered_line */
	long renumbered, renumbered_line;
};

/*
 * Reads path (gzip-compressed when it starts with gzip's magic bytes) and calls fn first with a
 * header record whose fields are opts->want (line 1), then once per event, in file order after
 * the trace it belongs to has ended: field i is the value of want[i] for that event (the
 * event's attribute, or its trace's for "case:KEY"; "" when absent), field_lines/field_cols
 * where that attribute is (the event's start tag when absent), and `line` the line of the
 * event's start tag (strictly increasing). Memory holds one trace's events at a time. An event
 * outside any trace is not read. Attributes of the log, global and classifier declarations and
 * extensions are not columns; nested attributes and lists are ignored (reported in res).
 * Returns 0 when read to its end, fn's non-zero value if it stopped, or -1 after reporting
 * through diag (file:line:col) a file that cannot be read, is not well-formed XML, is not an
 * XES log, or is truncated. res is reset first; the caller frees res->others and
 * res->nested_key with xesin_result_free.
 */
int xesin_read(const char *path, const struct xesin_opts *opts, csvin_record_fn fn, void *ctx,
               struct xesin_result *res);

/* Same, from memory (tests, fuzzing); data is XML or gzip. */
int xesin_read_mem(const char *data, size_t len, const struct xesin_opts *opts, csvin_record_fn fn,
                   void *ctx, struct xesin_result *res);

void xesin_result_free(struct xesin_result *res);

#endif
