/* metrics: every figure of metrics.md, for one period and one region (or the whole organisation).
 */
#ifndef BP_METRICS_H
#define BP_METRICS_H
#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "util/values.h"

struct config;

/* Missing values are NAN (doubles) or -1 (counts); the JSON shows both as null. */
struct trend_point {
	bp_period period;
	long concluded, successful;
	long contacts, failure_contacts; /* of the period's concluded cases */
	long customers_lost;    /* as customers_lost, for the period; -1 without customers */
	double kpi_green_share; /* totals only: the KPIs of the period; NAN otherwise */
};

/* Failure-demand rows of one touchpoint (metrics.md, failure_touchpoints[]). */
struct touch_count {
	sym touchpoint; /* 0: none recorded */
	long contacts;
};
#define METRICS_TOUCHPOINTS 5

/* The journey-level figures, shared by journeys, goals and totals. */
struct figures {
	long cases_started, cases_concluded, achieved, failed, abandoned, open, successful;
	long prev_concluded, prev_successful;
	double sco_rate, sco_ci_low, sco_ci_high, prev_sco_rate, sco_change_pts;
	bool change_significant;
	double median_days, p90_days;
	long contacts, failure_contacts, handoffs;
	double contacts_per_case, failure_demand_share, handoffs_per_case;
	bool low_volume;
	long customers_lost;              /* -1 without customers.csv */
	double value_lost, value_at_risk; /* NAN without customers.csv */
	struct trend_point trend[8];
	int ntrend;
	/* second edition */
	long prev_year_concluded, prev_year_successful;
	double prev_year_sco_rate;  /* NAN when no cases a year before P */
	double failure_demand_cost; /* NAN without [pack] failure_contact_cost */
	struct touch_count touchpoints[METRICS_TOUCHPOINTS]; /* most first, ties by name */
	int ntouchpoints;
};

struct journey_figures {
	sym name;
	const char *goal;
	double sco_target, promise_days; /* promise NAN: none */
	uint32_t max_failure_contacts;
	size_t goal_index;
	struct figures f;
};

struct goal_figures {
	const char *goal;
	size_t *journeys; /* indexes into metrics.journeys */
	size_t njourneys;
	double sco_target;
	struct figures f;
	/* the case told through the customer's eyes: the median unsuccessful case of P by
	 * contacts (ties by case id), or SIZE_MAX when no case was unsuccessful */
	size_t story_case;
};

struct dept_figures {
	sym name;
	long kpis, green, amber, red;
	double green_share;
	long cases_touched, successful_touched, failure_contacts;
	double sco_rate_touched;
};

enum status { STATUS_GREEN, STATUS_AMBER, STATUS_RED };

struct kpi_figures {
	const struct kpi *kpi;
	size_t dept_index;
	enum status status;
};

struct watermelon {
	size_t dept, journey; /* indexes */
	double green_share;
	long cases, successful;
	double sco_rate, sco_target, shortfall_pts;
};

struct growth {
	long customers_start, customers_end, joiners, leavers, net_growth;
	double value_end;
	long sco_cases_known, sco_cases_left, unsuccessful_cases_known, unsuccessful_cases_left;
	double churn_after_sco, churn_after_unsuccessful, churn_ratio;
};

/*
 * Where it breaks (metrics.md, breaks[]): one heat-map cell, the journey's cases concluded in P
 * that touched the department against those that did not. comparable: both sides have at least
 * min_cases cases (and at least one); gap_pts = (sco_rate_untouched - sco_rate) * 100, NAN when
 * not comparable.
 */
struct brk {
	size_t journey, dept; /* indexes */
	long cases, successful, cases_untouched, successful_untouched;
	double sco_rate, sco_rate_untouched, gap_pts;
	bool comparable;
};

/* Cases of one journey that touched one department, concluded in the period (heat map). */
struct cell {
	long cases, successful;
};

/* One region's figures, for the whole organisation's comparison of its regions. */
struct region_figures {
	sym name;
	const char *label; /* its name, in the model's table */
	struct figures f;  /* over the region's cases, customers counted as in its own pack */
};

struct metrics {
	const struct model *model;
	const struct config *config;
	bp_period period, previous, year_ago; /* P, P−1, and P one year before */
	sym region;                           /* 0: the whole organisation */
	struct figures totals;
	double kpi_green_share, motion_share, perception_gap_pts;
	bool have_growth;
	struct growth growth;
	struct journey_figures *journeys;
	size_t njourneys;
	struct goal_figures *goals;
	size_t ngoals;
	struct dept_figures *depts;
	size_t ndepts;
	struct kpi_figures *kpis;
	size_t nkpis;
	struct watermelon *watermelons;
	size_t nwatermelons;
	struct cell *cells; /* njourneys × ndepts, row-major by journey */
	/* every heat-map cell with cases: comparable ones first, largest gap first */
	struct brk *breaks;
	size_t nbreaks;
	long goals_short;           /* goals not low-volume below their target */
	long goals_judged;          /* goals not low-volume */
	bool watermelons_judgeable; /* some department with scores had min_cases cases of a journey
	                             */
	struct region_figures
	    *regions; /* worst successful-outcome rate first; see metrics_regions */
	size_t nregions;
};

/*
 * The default report period: the latest period with concluded cases over all
 * regions. Returns false when no case has concluded.
 */
bool metrics_default_period(const struct model *m, enum period_len len, bp_period *out);

/*
 * Whether the data has anything in period p: case data (its first to its last instant), a KPI
 * of p, or a customer joining or leaving in p (cli.md, --period). *first and *last receive the
 * range of periods the data covers; false for both when the data is empty.
 */
bool metrics_period_has_data(const struct model *m, enum period_len len, bp_period p,
                             bp_period *first, bp_period *last, bool *any);

/* Computes every figure for period p over the cases, KPIs and customers of region (0: all). */
struct metrics *metrics_compute(const struct model *m, const struct config *c, bp_period p,
                                sym region);
/*
 * Adds to the whole organisation's figures mt those of each of the n regions (metrics.md,
 * regions[]): each as its own pack computes it, worst rate first (regions without a concluded
 * case last), ties by name. known[i], when known is given and it is not NULL, is region i's
 * pack's figures already computed (--split-by): they are taken, not computed again.
 */
void metrics_regions(struct metrics *mt, const sym *regions, size_t n,
                     const struct metrics *const *known);

void metrics_free(struct metrics *mt);

/* Whether case k belongs to the pack of mt (the whole organisation: every case; a region: its own).
 */
bool metrics_case_in(const struct metrics *mt, const struct bp_case *k);
/* Whether case k is a successful customer outcome (metrics.md, "Case level"). */
bool metrics_case_sco(const struct metrics *mt, const struct bp_case *k);
/* The customer of symbol id as the pack sees it (in the customers file, of its region or none), or
 * NULL. */
const struct customer *metrics_pack_customer(const struct metrics *mt, sym id);
/* Whether concluded case k's customer left within the churn window after it: 1, 0, or -1 when the
 * case is open or its customer is not known to the pack. */
int metrics_case_left_within(const struct metrics *mt, const struct bp_case *k);
/* Days from start to end of a concluded case. */
double metrics_case_days(const struct bp_case *k);

#endif
