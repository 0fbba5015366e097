/*
 * view: what every writer renders, built once from the figures (view_build). The metrics JSON
 * (view/json.c), the template context (view/context.c) and the workbook (xlsx/) read it; none of
 * them reads the model, the metrics or another writer's output.
 *
 * Everything is typed: counts are long, rates and money double, names and labels strings, dates
 * numbers. A missing figure is NAN (a double) or -1 (a count); a missing name NULL. Strings point
 * into the model or into the view, and live as long as both do. This header includes nothing of
 * the pipeline, so that a writer including it depends on no other stage.
 */
#ifndef BP_VIEW_H
#define BP_VIEW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct metrics;

/* No date: a day number, a time in ms (data_from, due, left ...). */
#define VIEW_NO_DAY INT64_MIN

/* A period's label as people read it ("2026-Q3", "2026-07", "2026"). */
struct view_period {
	char label[16];
};

/* The periods a trend holds at most (the current one and the seven before it). */
#define VIEW_TREND_MAX 8

/* One period of a trend (metrics.md, trend[]). */
struct view_trend_point {
	struct view_period period;
	long cases_concluded, successful, contacts, failure_contacts;
	double sco_rate;        /* NAN with no case concluded */
	long customers_lost;    /* -1 without customers */
	double kpi_green_share; /* only where the figures have has_kpi_trend */
};

/* Failure-demand contacts at one touchpoint (failure_touchpoints[]). */
struct view_touchpoint {
	const char *touchpoint; /* NULL: none recorded */
	long contacts;
};

/* The journey figures of metrics.md, shared by totals, goals, journeys and regions. */
struct view_figures {
	long cases_started, cases_concluded, achieved, failed, abandoned, open, successful;
	double sco_rate, sco_ci_low, sco_ci_high;
	long prev_cases_concluded, prev_successful;
	double prev_sco_rate, sco_change_pts;
	bool change_significant;
	double median_days, p90_days;
	long contacts, failure_contacts, handoffs;
	double contacts_per_case, failure_demand_share, handoffs_per_case;
	bool low_volume;
	long customers_lost;              /* -1 without customers */
	double value_lost, value_at_risk; /* NAN without customers */
	struct view_trend_point trend[VIEW_TREND_MAX];
	size_t ntrend;
	bool has_kpi_trend; /* the trend points carry kpi_green_share (totals, regions) */
	long prev_year_cases_concluded, prev_year_successful;
	double prev_year_sco_rate, failure_demand_cost;
	struct view_touchpoint touchpoints[5];
	size_t ntouchpoints;
};

/* Growth and churn (metrics.md): only when have_growth. */
struct view_growth {
	long customers_start, customers_end, joiners, leavers, net_growth;
	double value_end;
	long sco_cases_known, sco_cases_left, unsuccessful_cases_known, unsuccessful_cases_left;
	double churn_after_sco, churn_after_unsuccessful, churn_ratio;
};

/* The customer view's four trend lines (a card's trend, docs/pdf.md: @rate, @lost, @failure, @gap).
 */
enum view_spark {
	VIEW_SPARK_RATE,
	VIEW_SPARK_LOST,
	VIEW_SPARK_FAILURE,
	VIEW_SPARK_GAP,
	VIEW_SPARKS
};

struct view_totals {
	struct view_figures f;
	/*
	 * Each trend line, a value per period of f.trend (oldest first): the rate, the customers
	 * lost, the failure-demand share and the perception gap in points (the dashboards' green
	 * share less the rate); NAN for a period without the figure.
	 */
	double sparks[VIEW_SPARKS][VIEW_TREND_MAX];
	double kpi_green_share, motion_share, perception_gap_pts;
	long goals_short, watermelon_count;
	bool have_growth;
	struct view_growth growth;
	long goals_judged; /* goals with concluded cases, not low-volume: goals_short is of these */
};

/* One row of a case's story (customer_journey.rows). */
struct view_story_row {
	int64_t time_ms; /* UTC */
	long line;
	const char *touchpoint, *department, *channel; /* NULL: none */
	bool failure_demand;
	const char *outcome; /* "achieved", "failed", "abandoned"; NULL for a row without one */
};

/* The case told through the customer's eyes (a goal's customer_journey). */
struct view_story {
	const char *case_id, *journey, *outcome;
	double days;
	long contacts, failure_contacts, handoffs;
	long rows_total;
	bool has_rows; /* false without an event log (cases.csv): rows is NULL */
	struct view_story_row *rows;
	size_t nrows;
	int64_t start_ms; /* the case's first instant (UTC): day 1 of its timeline */
};

struct view_goal {
	const char *goal;
	const char **journeys; /* names */
	size_t njourneys;
	double sco_target;
	struct view_figures f;
	struct view_story *story; /* NULL: no unsuccessful case in the period */
};

struct view_journey {
	const char *journey, *goal;
	double sco_target, promise_days; /* promise NAN: none */
	long max_failure_contacts;
	struct view_figures f;
};

struct view_department {
	const char *department;
	long kpis, green, amber, red;
	double green_share;
	long cases_touched, successful_touched, failure_contacts;
	double sco_rate_touched;
	double failure_share; /* of the pack's failure-demand contacts; NAN when it has none */
};

struct view_kpi {
	const char *department, *kpi;
	struct view_period period;
	double actual, target;
	const char *direction; /* "higher" or "lower" */
	const char *unit;      /* NULL: none */
	const char *kind;      /* "output" or "outcome" */
	double tolerance;
	const char **journeys;
	size_t njourneys;
	const char *region; /* NULL: every region */
	const char *status; /* "green", "amber" or "red" */
};

struct view_watermelon {
	const char *department, *journey;
	double green_share;
	long cases, successful;
	double sco_rate, sco_target, shortfall_pts;
};

/* One heat-map cell with cases (breaks[]). */
struct view_break {
	const char *journey, *department;
	long cases, successful, cases_untouched, successful_untouched;
	double sco_rate, sco_rate_untouched, gap_pts;
	bool comparable;
};

/* One heat-map cell of the grid: journey × department, every pair. */
struct view_cell {
	const char *journey, *department;
	long cases, successful;
};

struct view_region {
	const char *region;
	struct view_figures f;
};

struct view_action {
	const char *action, *owner, *goal; /* NULL: not given */
	int64_t due_day;                   /* VIEW_NO_DAY: none */
	const char *status;                /* "open", "done", "late", "dropped" */
	const char *region;                /* NULL: every region */
	bool goal_found;
	double prev_sco_rate, sco_rate; /* NAN when the goal is not found */
	long line;
};

struct view_dq_file {
	const char *file;
	long rows_read, rows_rejected;
};

/* A rejected row (an issue) or a note of the data quality. */
struct view_dq_issue {
	const char *file;
	long line;                                               /* 0: the whole file (notes) */
	long column;                                             /* 1-based; 0: the whole row */
	const char *column_name, *case_id, *customer_id, *value; /* NULL: unknown */
	const char *message, *kind;
};

struct view_default {
	const char *column; /* the contract's column the [defaults] key fills */
	long rows;
};

struct view_dq {
	long rows_read, rows_rejected;
	struct view_dq_file *files;
	size_t nfiles;
	struct view_dq_issue *issues; /* rejected rows */
	size_t nissues;
	struct view_dq_issue *notes; /* kept, noted: no column, customer or value */
	size_t nnotes;
	bool has_defaults; /* false in a regional pack */
	struct view_default *defaults;
	size_t ndefaults;
};

/* The pack's settings the figures depend on ([pack] of PACK.ini; NAN / -1: not given). */
struct view_settings {
	int min_cases, churn_window_days;
	double green_share_threshold, sco_target, tolerance;
	double failure_contact_cost; /* NAN: not configured */
	const char *number_locale;   /* "en", "de", "fr", "ch" ... as configured */
};

struct view {
	struct view_period period, previous, year_ago;
	const char *period_length; /* "month", "quarter" or "year" */
	const char *organisation, *title;
	const char *currency;             /* NULL: none */
	const char *region;               /* NULL: the whole organisation */
	int64_t data_from_ms, data_to_ms; /* VIEW_NO_DAY: no case data */
	struct view_settings settings;
	struct view_totals totals;
	struct view_goal *goals;
	size_t ngoals;
	struct view_journey *journeys;
	size_t njourneys;
	struct view_department *departments;
	size_t ndepartments;
	/* the departments that handled failure demand, most first (ties in departments order), as
	 * indices into departments: the bars of failure demand by department */
	size_t *failure_order;
	size_t nfailure_order;
	struct view_kpi *kpis;
	size_t nkpis;
	struct view_watermelon *watermelons;
	size_t nwatermelons;
	struct view_break *breaks;
	size_t nbreaks;
	struct view_cell *cells; /* njourneys × ndepartments, row-major by journey */
	bool has_regions;        /* the whole organisation's pack (regions may still be empty) */
	struct view_region *regions;
	size_t nregions;
	bool has_actions; /* an actions file was read */
	struct view_action *actions;
	size_t nactions;
	struct view_dq dq;
	/* the template context's words for the cover and the summary */
	int64_t period_end_ms;      /* the first instant after P (UTC): is the data short of it? */
	bool watermelons_judgeable; /* a department with KPIs had min_cases cases of a journey */
};

struct view *view_build(const struct metrics *mt);

/* Rejected rows, and notes, the workbook's Data quality sheet lists: the first 400,000 of each
 * (then counted in a workbook note; the metrics JSON lists every one). For the tests,
 * BOARDPACK_TEST_DQ_ROWS=N lists N (tests/e2e/dq-listed.sh). */
long view_dq_sheet_rows(void);
void view_free(struct view *v);

#endif
