/* xlsx: the analyst workbook, written with libxlsxwriter; the only module that sees lxw_error. */
#ifndef BP_XLSX_H
#define BP_XLSX_H
#include <stdbool.h>
#include <stdint.h>

#include "util/sha256.h"

struct view;

/* A department a case passed through (a row of the Touches sheet). */
struct xlsx_touch {
	const char *department;
	uint32_t contacts; /* rows the department handled in the case; UINT32_MAX: unknown */
	uint32_t failure_contacts; /* failure-demand rows the department handled in the case */
};

/* One row of the Cases sheet. Strings are UTF-8 (checked), NULL when absent. */
struct xlsx_case {
	const char *id, *journey, *goal, *customer, *region;
	const char *period;  /* the period it concluded in ("2026-Q3"); NULL when open */
	int64_t start_ms;    /* ms since the epoch, UTC */
	int64_t end_ms;      /* INT64_MIN when open */
	const char *outcome; /* "achieved", "failed", "abandoned" or "open" */
	int sco;             /* 1 successful, 0 unsuccessful, -1 open */
	double days;         /* NAN when open */
	double promise_days; /* NAN: no promise */
	int within_promise;  /* 1, 0; -1 when open or no promise is set */
	uint32_t contacts, failure_contacts, handoffs;
	const char *first_channel, *last_channel; /* of its first and last rows; NULL: none */
	const char *departments;                  /* "Billing; Contact Centre" */
	const struct xlsx_touch *touches;
	uint32_t ntouches;
	/* The customer as the pack sees it (in the customers file and in scope): */
	const char *segment;
	double annual_value; /* NAN: not a known customer */
	int64_t left_day;    /* days since 1970-01-01; INT64_MAX: not left (or not known) */
	int left_within;     /* 1, 0; -1 when open or the customer is not known */
};

/* One row of the Customers sheet. */
struct xlsx_customer {
	const char *id, *segment, *region;
	double annual_value;
	int64_t joined_day; /* days since 1970-01-01; INT64_MIN: unknown */
	int64_t left_day;   /* INT64_MAX: still a customer */
};

/*
 * Where the long tables' rows come from (the figures' sheets come from the view). next_case
 * yields the cases in row order; rewind starts them again (the workbook counts them first, to lay
 * out its sheets). next_customer may be NULL (no customers file).
 */
struct xlsx_source {
	void *it;
	bool (*next_case)(void *it, struct xlsx_case *row);
	bool (*next_customer)(void *it, struct xlsx_customer *row);
	void (*rewind)(void *it); /* the cases and customers start again; without it the rows are
	                             not counted first, so a long table gets one sheet and the rows
	                             past it are noted, not listed */
	bool have_customers;      /* a customers file was read */
	/* optional, after rewind: the rows next_case and next_customer would give (cases, their
	 * touches, customers), without making them; NULL: counted by reading them */
	void (*count)(void *it, long *cases, long *touches, long *customers);
	/* optional, with rewind: a second iterator over the same rows, from their start, which
	 * next_case and next_customer may read on another thread while it is read (the Touches
	 * and Customers sheets are then written beside the Cases sheets); unfork frees it. NULL:
	 * the tables are written one after another, it rewound between them */
	void *(*fork)(void *it);
	void (*unfork)(void *it2);
};

struct xlsx_options {
	const char *title;
	const char *author;   /* the organisation */
	const char *currency; /* ISO 4217 code, e.g. "GBP"; NULL: the view's */
	int64_t created;    /* seconds since the epoch (from the data, for byte-identical builds) */
	const char *tmpdir; /* libxlsxwriter's temporary files go here (inside the output folder) */
	long sheet_rows;    /* data rows a long sheet holds; 0: Excel's limit. The tests set fewer
	                       (tests/tools/xlsxgen --limit, BOARDPACK_TEST_SHEET_ROWS), to test the
	                       continuation sheets without a million rows */
	int lanes;          /* threads writing the long tables' rows: 2 writes Touches and Customers
	                       beside Cases (with a source that can fork); 0 or 1, one after the
	                       other. The workbook is the same either way */
	bool minizip;       /* the final zip written by minizip, as the largest workbooks are
	                       (xlsxzip.h): the same bytes; the tests compare the two
	                       (BOARDPACK_TEST_MINIZIP) */
	/* NULL, or where the written file's SHA-256 goes when it is worked out as the file is
	   written (digest->known; xlsxzip.h): the caller need not read the file again */
	struct sha256_digest *digest;
};

/*
 * Writes the workbook of pack.md to path (a temporary file the caller
 * renames) from the pack's view (view/view.h: its figures, settings and data
 * quality) and the rows of src. Returns 0, or -1 after reporting the problem
 * through diag (the caller exits 3). v and src are only read.
 */
int xlsx_write(const char *path, const struct view *v, const struct xlsx_source *src,
               const struct xlsx_options *opts);

/* libxlsxwriter's temporary files made in memory so far by this process (tmpfiles.c): 0 when the
 * library makes its own. */
long xlsx_tmpfiles_made(void);

#endif
