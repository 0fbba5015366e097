/* dq: the data-quality record: rows read and rejected per file, every rejection and every note. */
#ifndef BP_DQ_H
#define BP_DQ_H
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct dq_issue {
	int file; /* index into files */
	long line;
	long column;      /* 1-based; 0 for a problem with the whole row */
	const char *kind; /* static: groups issues for summaries ("bad timestamp") */
	char *message;    /* says what was expected and what was found */
};

struct dq_note {
	int file;  /* index into files, or -1 for the configuration */
	long line; /* 0 when it concerns the whole file */
	const char *kind;
	char *message;
};

struct dq_file {
	char *name; /* as messages show it: the path relative to PACK.ini's folder */
	char *path;
	long rows_read; /* data rows (not the header, not blank lines) */
	long rows_rejected;
	char *sheet; /* a workbook's sheet the rows come from (dq_set_sheet), or NULL */
};

struct dq {
	struct dq_file *files;
	size_t nfiles;
	struct dq_issue *issues;
	size_t nissues;
	struct dq_note *notes;
	size_t nnotes;
};

struct dq *dq_new(void);
void dq_free(struct dq *d);
/* Registers an input file; returns its index. */
int dq_file(struct dq *d, const char *name, const char *path);
/* Records a rejected row (counts it) — call once per rejected row. */
void dq_reject(struct dq *d, int file, long line, long column, const char *kind, const char *fmt,
               ...) __attribute__((format(printf, 6, 7)));
/* Records a note: kept, but deserves a look. */
void dq_note(struct dq *d, int file, long line, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
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

/* Appends s[0..n) to buf as a quoted, printable excerpt (at most ~60 bytes, "…" when cut). */
struct strbuf;
void dq_quote(struct strbuf *buf, const char *s, size_t n);
/*
 * Appends s[0..n) printable: control characters as \xHH, cut to max - 3 bytes and "…" when
 * longer than max (never inside a UTF-8 character). quoted: between double quotes, with
 * quotes and backslashes inside escaped.
 */
void dq_escape(struct strbuf *buf, const char *s, size_t n, size_t max, bool quoted);

/* Prints "FILE: N rows read, M rejected" for every file. */
void dq_print_counts(const struct dq *d);

/*
 * Prints every problem as file:line:col: message; more than 20 of one kind
 * in one file are summarised with a count. Issues are errors, notes notes.
 */
void dq_print(const struct dq *d, int max_per_kind, enum diag_level issue_level);

#endif
