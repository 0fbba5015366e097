/* config: PACK.ini read with libinih into a checked configuration (cli.md). */
#ifndef BP_CONFIG_H
#define BP_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/paper.h"
#include "util/values.h"

/* The inputs whose columns [columns.NAME] can map. */
enum input_kind {
	INPUT_JOURNEYS,
	INPUT_KPIS,
	INPUT_CUSTOMERS,
	INPUT_CASES,
	INPUT_ACTIONS,
	INPUT_KINDS
};

struct column_map {
	char *contract; /* the contract's column name, e.g. "case_id" */
	char *header;   /* the user's header name, e.g. "Ticket Ref" */
};

/* A ';'-separated list of touchpoint names ([rules]). */
struct name_list {
	char **names;
	size_t n;
};

struct journey_conf {
	char *name;
	char *goal;          /* NULL: the journey's name */
	double promise_days; /* NAN: no promise */
	double sco_target;   /* NAN: the pack's sco_target */
	uint32_t max_failure_contacts;
};

struct config {
	char *path; /* PACK.ini as given */
	char *dir;  /* its folder: input paths are relative to it */

	/* [pack] */
	char *title, *organisation, *currency, *template_path, *number_locale;
	char *font_regular, *font_bold, *logo; /* resolved paths; NULL: defaults */
	enum period_len period_length;
	enum paper paper;
	double sco_target, green_share_threshold, tolerance;
	int churn_window_days, min_cases;
	double failure_contact_cost; /* in the pack's currency; NAN: not configured */

	/* [inputs]: resolved paths, NULL when not given */
	char *journeys, *cases, *kpis, *customers, *actions;
	char delimiter; /* 0: auto */
	char decimal;
	enum date_order date_order;

	/* [columns.*] */
	struct column_map *columns[INPUT_KINDS];
	size_t ncolumns[INPUT_KINDS];
	char *sheet[INPUT_KINDS]; /* `sheet = NAME` of a workbook input; NULL: its first sheet */

	/* [defaults]: contract column of journeys = the value used when missing or blank, in
	 * file order */
	struct column_map *defaults;
	size_t ndefaults;

	/* [rules] */
	struct name_list rule_achieved, rule_failed, rule_abandoned, rule_failure;

	/* [journey "NAME"], in file order */
	struct journey_conf *journey_confs;
	size_t njourney_confs;
};

/*
 * Reads and checks path. Every problem (unknown section or key, with a
 * "did you mean" when a known one is close; a bad value, naming what was
 * expected) is reported through diag with the file and line. Returns NULL
 * after reporting when the configuration is unusable (exit 1).
 */
struct config *config_load(const char *path);
void config_free(struct config *c);

/* Checks every input path names a readable regular file other than PACK.ini; reports each problem.
 */
bool config_check_inputs(const struct config *c);

/* The configuration of journey name, or NULL when PACK.ini has none. */
const struct journey_conf *config_journey(const struct config *c, const char *name);

/* The header a contract column has in the user's file (the mapping, or the contract name). */
const char *config_header(const struct config *c, enum input_kind kind, const char *contract);

/* The [defaults] value of a contract column of kind's file, or NULL (only journeys have
 * defaults). */
const char *config_default(const struct config *c, enum input_kind kind, const char *contract);

/* Whether name matches one of the list's entries (case-insensitive, exact). */
bool name_list_has(const struct name_list *l, const char *name, size_t len);

/* Up to `max` entries of candidates closest to word (edit distance <= 2 or a case-insensitive
 * match); returns how many were written to out. */
size_t config_closest(const char *word, const char *const *candidates, size_t ncand,
                      const char **out, size_t max);

#endif
