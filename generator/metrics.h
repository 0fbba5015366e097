/* metrics: every figure of metrics.md, for one period and one region (or the whole organisation).
 */
#ifndef BP_METRICS_H
#define BP_METRICS_H
#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "values.h"

struct config;

/* Missing values are NAN (doubles) or -1 (counts); the JSON shows both as null. */
struct trend_point {
	bp_period period;
	long concluded, successful;
};

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

/* Cases of one journey that touched one department, concluded in the period (heat map). */
struct cell {
	long cases, successful;
};

struct metrics {
	const struct model *model;
	const struct config *config;
	bp_period period, previous;
	sym region; /* 0: the whole organisation */
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
};

/*
 * The default report period: the latest period with concluded cases over all
 * regions. Returns false when no case has concluded.
 */
bool metrics_default_period(const struct model *m, enum period_len len, bp_period *out);

/* Computes every figure for period p over the cases, KPIs and customers of region (0: all). */
struct metrics *metrics_compute(const struct model *m, const struct config *c, bp_period p,
                                sym region);
void metrics_free(struct metrics *mt);

/* Whether case k belongs to the pack of region (its own region, or none). */
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
