/* dq: the data-quality record: rows read and rejected per file, every rejection and every note. */
#ifndef BP_DQ_H
#define BP_DQ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

/*
 * Which packs see a row, a rejection or a note (pack.md, "A regional pack belongs to its
 * region"): a region's names symbol, or one of these two.
 */
typedef uint32_t dq_scope;
#define DQ_EVERY_PACK ((dq_scope)0)          /* company-wide: every pack shows it */
#define DQ_WHOLE_ONLY ((dq_scope)UINT32_MAX) /* no region, or one that cannot be read */

struct dq_issue {
	int file; /* index into files */
	long line;
	long column;      /* 1-based; 0 for a problem with the whole row */
	const char *kind; /* static: groups issues for summaries ("bad timestamp") */
	char *message;    /* says what was expected and what was found */
	dq_scope scope;
	/* What an analyst filters on; NULL when unknown or absent. Owned by the issue. */
	char *column_name; /* the header of the offending column */
	char *case_id;     /* the row's case_id (journeys, cases) */
	char *customer_id; /* the row's customer_id (any file that has one) */
	char *value;       /* the offending value, as read */
	size_t seq;        /* order of recording: ties in sorting */
};

struct dq_note {
	int file;  /* index into files, or -1 for the configuration */
	long line; /* 0 when it concerns the whole file */
	const char *kind;
	char *message;
	dq_scope scope;
	char *case_id; /* the case it is about, or NULL */
	size_t seq;
};

/* Rows read and rejected of one scope in one file. */
struct dq_tally {
	dq_scope scope;
	bool used;
	long rows_read, rows_rejected;
};

struct dq_file {
	char *name; /* as messages show it: the path relative to PACK.ini's folder */
	char *path;
	long rows_read; /* data rows (not the header, not blank lines) */
	long rows_rejected;
	struct dq_tally *tally; /* open-addressing table by scope; ntally used of captally */
	size_t ntally, captally;
	char *sheet; /* a workbook's sheet the rows come from (dq_set_sheet), or NULL */
};

/* Where a rejected row was, beyond file, line and column: each string may be NULL. */
struct dq_where {
	dq_scope scope;
	const char *column_name;
	const char *case_id;
	size_t case_len;
	const char *customer_id;
	size_t customer_len;
	const char *value;
	size_t value_len;
};

struct dq_block; /* dq.c: the issues' and notes' strings, freed together */

struct dq {
	struct dq_file *files;
	size_t nfiles;
	struct dq_issue *issues;
	size_t nissues;
	struct dq_note *notes;
	size_t nnotes;
	struct dq_block *strings; /* where the issues' and notes' strings are kept */
};

struct dq *dq_new(void);
void dq_free(struct dq *d);
/* Registers an input file; returns its index. */
int dq_file(struct dq *d, const char *name, const char *path);
/* Counts a data row read from file, of scope s (every row, rejected or not: call it first). */
void dq_count_row(struct dq *d, int file, dq_scope s);
/*
 * Records a rejected row (counts it) — call once per rejected row, after dq_count_row() for
 * it. dq_reject() knows nothing of the row: it is seen in the whole organisation's pack only.
 */
void dq_reject(struct dq *d, int file, long line, long column, const char *kind, const char *fmt,
               ...) __attribute__((format(printf, 6, 7)));
void dq_reject_at(struct dq *d, int file, long line, long column, const struct dq_where *w,
                  const char *kind, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* dq_reject_at with the message as it is, len bytes of it (a file's hundreds of thousands of
 * rejected rows: no formatting, and no allocation of their own). */
void dq_reject_text(struct dq *d, int file, long line, long column, const struct dq_where *w,
                    const char *kind, const char *msg, size_t len);
/* Records a note: kept, but deserves a look. dq_note()'s are seen in every pack. */
void dq_note(struct dq *d, int file, long line, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A note about one case (case_id may be NULL), seen in the packs of scope s. */
void dq_note_in(struct dq *d, int file, long line, dq_scope s, const char *case_id,
                const char *kind, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Moves rejection i to scope s, with its row in the file's counts. */
void dq_rescope_issue(struct dq *d, size_t i, dq_scope s);
/* Puts issues and notes in file order (files in registration order, then line). */
void dq_sort(struct dq *d);

/* Says file's rows come from sheet of a workbook: its places read "kpis.xlsx:KPIs!D7". */
void dq_set_sheet(struct dq *d, int file, const char *sheet);
/*
 * Where line and col of file are, for diag_msg: returns the file argument and sets *line and
 * *col. For a sheet the place is written into buf ("kpis.xlsx:KPIs!D7", or "kpis.xlsx:KPIs!7:7"
 * for a whole row, quoting a sheet name as Excel does: 'My sheet'!D7) and *line = *col = 0.
 */
const char *dq_place(const struct dq *d, int file, long *line, long *col, char *buf, size_t n);
long dq_rows_read(const struct dq *d);
long dq_rows_rejected(const struct dq *d);

/*
 * Whether the pack of region (0: the whole organisation) shows something of scope s: the
 * whole organisation's pack shows everything; a region's, its own and the company-wide.
 */
bool dq_in_scope(dq_scope s, uint32_t region);
/* Rows read and rejected from file f as the pack of region (0: the whole organisation) sees
 * them. */
void dq_file_counts(const struct dq_file *f, uint32_t region, long *read, long *rejected);

struct strbuf;

/* Prints "FILE: N rows read, M rejected" for every file. */
void dq_print_counts(const struct dq *d);

/*
 * Prints every problem as file:line:col: message; more than 20 of one kind
 * in one file are summarised with a count. Issues are errors, notes notes.
 */
void dq_print(const struct dq *d, int max_per_kind, enum diag_level issue_level);

#endif
