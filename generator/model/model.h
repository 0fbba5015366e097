/* model: the checked data every later stage reads: cases, KPIs, customers, and what was rejected.
 */
#ifndef BP_MODEL_H
#define BP_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "model/dq.h"
#include "util/err.h"
#include "util/intern.h"
#include "util/values.h"

enum outcome { OUTCOME_OPEN = 0, OUTCOME_ACHIEVED, OUTCOME_FAILED, OUTCOME_ABANDONED };
enum direction { DIRECTION_HIGHER, DIRECTION_LOWER };
enum kpi_kind { KIND_OUTPUT, KIND_OUTCOME };

/* A case: one customer's attempt at one goal (data-contract.md, "How a case is derived"). */
struct bp_case {
	bp_time start;
	bp_time end;                   /* BP_TIME_NONE while open */
	sym journey, customer, region; /* in model.names; customer/region 0 when blank */
	uint32_t contacts, failure_contacts, handoffs;
	uint32_t dept_off; /* its departments: model.case_depts[dept_off .. dept_off+ndepts) */
	uint32_t ndepts;
	uint32_t line;   /* the line of its first row in file order */
	uint8_t outcome; /* enum outcome */
	/* the channels of its first and last rows in time order: indexes into model.channels, 0
	 * when blank, not given, or past the channels kept (MODEL_CHANNELS_MAX) */
	uint8_t first_channel, last_channel;
};

/* A department a case touched, and the rows and failure-demand rows it handled in that case. */
struct case_dept {
	sym dept;
	uint32_t failures;
	uint32_t contacts; /* CONTACTS_UNKNOWN: not known (a cases file gives departments only) */
};
#define CONTACTS_UNKNOWN UINT32_MAX

/* Distinct channels a case's first and last channel can name (model.channels[1..]); a log with
 * more leaves the others' blank and counts them (model.channels_dropped). */
#define MODEL_CHANNELS_MAX 255

/* A touchpoint that was failure demand in a case, and on how many of the case's rows. */
struct case_failure {
	uint32_t case_ix;
	sym touchpoint; /* 0: blank or no touchpoint column */
	uint32_t rows;
};

/* A row of a case told as a story (pack.md, "One journey through the customer's eyes"). */
struct story_row {
	uint32_t case_ix, line;
	bp_time ts;
	sym touchpoint, dept, channel; /* touchpoint and channel 0 when blank */
	uint8_t failure;
	uint8_t outcome; /* enum outcome: the row's own */
};

struct kpi {
	bp_period period;
	sym dept, name, unit, region; /* unit/region 0 when blank */
	double actual, target, tolerance;
	uint8_t direction; /* enum direction */
	uint8_t kind;      /* enum kpi_kind */
	bool superseded; /* a later row for the same department, KPI, period and region replaces it
	                  */
	uint32_t journey_off, njourneys; /* into model.kpi_journeys */
	long line;
};

/* 32 bytes: a customers file can list ten million. Read the days with customer_joined and
 * customer_left. */
struct customer {
	sym id, segment, region;
	int32_t joined_day; /* day number (days since 1970-01-01); INT32_MIN: before all data */
	int32_t left_day;   /* day number; INT32_MAX: still a customer */
	uint32_t line;
	double annual_value;
};

/* The day the customer joined (days since 1970-01-01), INT64_MIN when before all data. */
static inline int64_t customer_joined(const struct customer *cu)
{
	return cu->joined_day == INT32_MIN ? INT64_MIN : cu->joined_day;
}

/* The day the customer left, INT64_MAX when still a customer. */
static inline int64_t customer_left(const struct customer *cu)
{
	return cu->left_day == INT32_MAX ? INT64_MAX : cu->left_day;
}

enum action_status { ACTION_OPEN, ACTION_DONE, ACTION_LATE, ACTION_DROPPED };

/* A decision of the board and how it went (data-contract.md, actions.csv). */
struct action {
	sym what, owner, goal, region; /* goal/region 0 when blank */
	int64_t due;                   /* day number; INT64_MIN: none */
	uint8_t status;                /* enum action_status */
	long line;
};

struct model {
	struct intern *names; /* journeys, departments, customers, regions, KPI names, units */
	struct intern *ids;   /* case ids: case i has symbol i + 1 */
	struct bp_case *cases;
	size_t ncases;
	struct case_dept *case_depts;
	size_t ncase_depts;
	sym channels[MODEL_CHANNELS_MAX + 1]; /* [1..nchannels]: the channels seen, in order of
	                                         first sight */
	unsigned nchannels;
	size_t channels_dropped;            /* rows whose channel was past MODEL_CHANNELS_MAX */
	struct case_failure *case_failures; /* by case, then touchpoint symbol */
	size_t ncase_failures;
	struct kpi *kpis;
	size_t nkpis;
	sym *kpi_journeys;
	size_t nkpi_journeys;
	struct customer *customers;
	size_t ncustomers;
	uint32_t *customer_index; /* by names symbol: customer index + 1, 0 when unknown; size
	                             names_cap */
	size_t customer_index_len;
	bool have_customers;
	struct story_row *story_rows; /* of the cases told as stories: by case, then time order */
	size_t nstory_rows;
	/*
	 * Where the event log's lines begin, one mark every EVENTS_MARK_LINES lines or so, for a
	 * second reading that needs only the lines from one on (events_read_stories): the end of a
	 * row read and the line after it, in line order (a CSV file only); and the file as it was
	 * when read, which that reading must find unchanged.
	 */
	struct line_mark {
		uint64_t at;
		uint32_t line;
	} * journey_marks;
	size_t njourney_marks;
	bool journeys_stat_known;
	struct stat journeys_stat;
	struct action *actions; /* in file order */
	size_t nactions;
	bool have_actions;
	bp_time data_from,
	    data_to; /* first and last instant in the case data; BP_TIME_NONE when none */
	struct dq *dq;
	/* rows of journeys that took a [defaults] value, by contract column (static names) */
	struct default_use {
		const char *column;
		long rows;
	} defaults_used[16];
	size_t ndefaults_used;
};

void model_free(struct model *m);

/* The customer of a symbol, or NULL when it is not in customers.csv. */
const struct customer *model_customer(const struct model *m, sym id);
const char *model_case_id(const struct model *m, size_t case_index);

#endif
