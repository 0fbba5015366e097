/* xlsx: the analyst workbook, written with libxlsxwriter; the only module that sees lxw_error. */
#ifndef BP_XLSX_H
#define BP_XLSX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* One row of the Cases sheet. Strings are UTF-8 (checked), NULL when absent. */
struct xlsx_case {
	const char *id, *journey, *customer, *region;
	int64_t start_ms;    /* ms since the epoch, UTC */
	int64_t end_ms;      /* INT64_MIN when open */
	const char *outcome; /* "achieved", "failed", "abandoned" or "open" */
	int sco;             /* 1 successful, 0 unsuccessful, -1 open */
	double days;         /* NAN when open */
	uint32_t contacts, failure_contacts, handoffs;
	const char *departments; /* "Billing; Contact Centre" */
};

/* Fills *row with the next case and returns true, or returns false at the end. */
typedef bool (*xlsx_next_case_fn)(void *it, struct xlsx_case *row);

struct xlsx_options {
	const char *title;
	const char *author;   /* the organisation */
	const char *currency; /* ISO 4217 code, e.g. "GBP" */
	int64_t created;    /* seconds since the epoch (from the data, for byte-identical builds) */
	const char *tmpdir; /* libxlsxwriter's temporary files go here (inside the output folder) */
};

/*
 * Writes the workbook of pack.md to path (a temporary file the caller
 * renames) from the metrics tree (the metrics JSON, docs/json.md) and the
 * cases, which next_case yields in row order. Returns 0, or -1 after
 * reporting the problem through diag (the caller exits 3).
 */
int xlsx_write(const char *path, const json_t *metrics, xlsx_next_case_fn next_case, void *it,
               const struct xlsx_options *opts);

/* Tests only: lists at most n cases (0 < n < the row limit), so the truncation rule is tested
 * quickly. */
void xlsx_test_case_limit(long n);

#endif
