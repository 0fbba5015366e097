/*
 * xlsxgen: writes the workbook of a metrics JSON with synthetic cases, for the xlsx tests. The
 * JSON is read into a view (view/view.h) as far as the workbook reads one: what the JSON lacks
 * (a hand-written fixture of an older edition) is missing in the view too (NAN, -1, NULL).
 * Usage: xlsxgen METRICS.json OUT.xlsx [--cases N] [--odd] [--limit N] [--tmpdir DIR]
 *   --cases N   feed N deterministic cases (default 20)
 *   --odd       case 1's customer has invalid UTF-8, case 2's departments are 40,000 characters,
 *               case 3's customer has markup characters and edge spaces
 *   --limit N   at most N rows per sheet (xlsx_options.sheet_rows), to test continuation
 *               sheets quickly
 *   --tmpdir D  libxlsxwriter's temporary folder (default: the output's folder)
 * Exits 0, 2 when the JSON cannot be read, 3 when the workbook cannot be written.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"
#include "view/view.h"
#include "xlsx/xlsx.h"

/* ---- the view of a metrics JSON ------------------------------------------- */

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A count; -1 when null or absent. */
static long count(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

/* A count, 0 when null or absent (a line, a column, rows). */
static long count0(const json_t *o, const char *k)
{
	long n = count(o, k);
	return n < 0 ? 0 : n;
}

static double real(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool flag(const json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k));
}

/* A date or time of the JSON in ms; VIEW_NO_DAY when null, absent or not one. */
static int64_t instant(const json_t *o, const char *k)
{
	const char *s = str(o, k);
	bp_time t;
	if (!s || value_parse_time(s, strlen(s), DATE_ISO, &t))
		return VIEW_NO_DAY;
	return t;
}

static struct view_period label(const char *s)
{
	struct view_period p;
	snprintf(p.label, sizeof p.label, "%s", s ? s : "");
	return p;
}

/* The strings of an array (NULL for others); the caller frees the array. */
static const char **names(const json_t *a, size_t *n)
{
	*n = json_array_size(a);
	const char **v = xcalloc(*n ? *n : 1, sizeof *v);
	for (size_t i = 0; i < *n; i++)
		v[i] = json_string_value(json_array_get(a, i));
	return v;
}

/* An array of n elements of size each, zeroed (never NULL). */
static void *array(const json_t *a, size_t *n, size_t size)
{
	*n = json_array_size(a);
	return xcalloc(*n ? *n : 1, size);
}

static void trend_of(const json_t *o, struct view_figures *f, bool kpi_trend)
{
	const json_t *tr = json_object_get(o, "trend");
	f->ntrend = json_array_size(tr) < 8 ? json_array_size(tr) : 8;
	f->has_kpi_trend = kpi_trend;
	for (size_t i = 0; i < f->ntrend; i++) {
		const json_t *t = json_array_get(tr, i);
		f->trend[i] =
		    (struct view_trend_point){.period = label(str(t, "period")),
		                              .cases_concluded = count(t, "cases_concluded"),
		                              .successful = count(t, "successful"),
		                              .contacts = count(t, "contacts"),
		                              .failure_contacts = count(t, "failure_contacts"),
		                              .sco_rate = real(t, "sco_rate"),
		                              .customers_lost = count(t, "customers_lost"),
		                              .kpi_green_share = real(t, "kpi_green_share")};
	}
	const json_t *tps = json_object_get(o, "failure_touchpoints");
	f->ntouchpoints = json_array_size(tps) < 5 ? json_array_size(tps) : 5;
	for (size_t i = 0; i < f->ntouchpoints; i++) {
		const json_t *t = json_array_get(tps, i);
		f->touchpoints[i] =
		    (struct view_touchpoint){str(t, "touchpoint"), count(t, "contacts")};
	}
}

static struct view_figures figures_of(const json_t *o, bool kpi_trend)
{
	struct view_figures f = {
	    .cases_started = count(o, "cases_started"),
	    .cases_concluded = count(o, "cases_concluded"),
	    .achieved = count(o, "achieved"),
	    .failed = count(o, "failed"),
	    .abandoned = count(o, "abandoned"),
	    .open = count(o, "open"),
	    .successful = count(o, "successful"),
	    .sco_rate = real(o, "sco_rate"),
	    .sco_ci_low = real(o, "sco_ci_low"),
	    .sco_ci_high = real(o, "sco_ci_high"),
	    .prev_cases_concluded = count(o, "prev_cases_concluded"),
	    .prev_successful = count(o, "prev_successful"),
	    .prev_sco_rate = real(o, "prev_sco_rate"),
	    .sco_change_pts = real(o, "sco_change_pts"),
	    .change_significant = flag(o, "change_significant"),
	    .median_days = real(o, "median_days"),
	    .p90_days = real(o, "p90_days"),
	    .contacts = count(o, "contacts"),
	    .failure_contacts = count(o, "failure_contacts"),
	    .handoffs = count(o, "handoffs"),
	    .contacts_per_case = real(o, "contacts_per_case"),
	    .failure_demand_share = real(o, "failure_demand_share"),
	    .handoffs_per_case = real(o, "handoffs_per_case"),
	    .low_volume = flag(o, "low_volume"),
	    .customers_lost = count(o, "customers_lost"),
	    .value_lost = real(o, "value_lost"),
	    .value_at_risk = real(o, "value_at_risk"),
	    .prev_year_cases_concluded = count(o, "prev_year_cases_concluded"),
	    .prev_year_successful = count(o, "prev_year_successful"),
	    .prev_year_sco_rate = real(o, "prev_year_sco_rate"),
	    .failure_demand_cost = real(o, "failure_demand_cost"),
	};
	trend_of(o, &f, kpi_trend);
	return f;
}

static void totals_of(const json_t *t, struct view_totals *o)
{
	o->f = figures_of(t, true);
	o->kpi_green_share = real(t, "kpi_green_share");
	o->motion_share = real(t, "motion_share");
	o->perception_gap_pts = real(t, "perception_gap_pts");
	o->goals_short = count(t, "goals_short");
	o->watermelon_count = count(t, "watermelon_count");
	o->have_growth = json_is_integer(json_object_get(t, "customers_start"));
	o->growth =
	    (struct view_growth){.customers_start = count(t, "customers_start"),
	                         .customers_end = count(t, "customers_end"),
	                         .joiners = count(t, "joiners"),
	                         .leavers = count(t, "leavers"),
	                         .net_growth = count(t, "net_growth"),
	                         .value_end = real(t, "value_end"),
	                         .sco_cases_known = count(t, "sco_cases_known"),
	                         .sco_cases_left = count(t, "sco_cases_left"),
	                         .unsuccessful_cases_known = count(t, "unsuccessful_cases_known"),
	                         .unsuccessful_cases_left = count(t, "unsuccessful_cases_left"),
	                         .churn_after_sco = real(t, "churn_after_sco"),
	                         .churn_after_unsuccessful = real(t, "churn_after_unsuccessful"),
	                         .churn_ratio = real(t, "churn_ratio")};
}

/* A goal's customer_journey; NULL when null or absent. */
static struct view_story *story_of(const json_t *cj)
{
	if (!json_is_object(cj))
		return NULL;
	struct view_story *s = xcalloc(1, sizeof *s);
	*s = (struct view_story){.case_id = str(cj, "case_id"),
	                         .journey = str(cj, "journey"),
	                         .outcome = str(cj, "outcome"),
	                         .days = real(cj, "days"),
	                         .contacts = count(cj, "contacts"),
	                         .failure_contacts = count(cj, "failure_contacts"),
	                         .handoffs = count(cj, "handoffs"),
	                         .rows_total = count(cj, "rows_total")};
	const json_t *rows = json_object_get(cj, "rows");
	s->has_rows = json_is_array(rows);
	s->rows = array(rows, &s->nrows, sizeof *s->rows);
	for (size_t i = 0; i < s->nrows; i++) {
		const json_t *r = json_array_get(rows, i);
		s->rows[i] = (struct view_story_row){.time_ms = instant(r, "time"),
		                                     .line = count(r, "line"),
		                                     .touchpoint = str(r, "touchpoint"),
		                                     .department = str(r, "department"),
		                                     .channel = str(r, "channel"),
		                                     .failure_demand = flag(r, "failure_demand"),
		                                     .outcome = str(r, "outcome")};
	}
	return s;
}

static void goals_of(const json_t *a, struct view *v)
{
	v->goals = array(a, &v->ngoals, sizeof *v->goals);
	for (size_t i = 0; i < v->ngoals; i++) {
		const json_t *o = json_array_get(a, i);
		struct view_goal *g = &v->goals[i];
		g->goal = str(o, "goal");
		g->journeys = names(json_object_get(o, "journeys"), &g->njourneys);
		g->sco_target = real(o, "sco_target");
		g->f = figures_of(o, false);
		g->story = story_of(json_object_get(o, "customer_journey"));
	}
}

static void journeys_of(const json_t *a, struct view *v)
{
	v->journeys = array(a, &v->njourneys, sizeof *v->journeys);
	for (size_t i = 0; i < v->njourneys; i++) {
		const json_t *o = json_array_get(a, i);
		v->journeys[i] =
		    (struct view_journey){.journey = str(o, "journey"),
		                          .goal = str(o, "goal"),
		                          .sco_target = real(o, "sco_target"),
		                          .promise_days = real(o, "promise_days"),
		                          .max_failure_contacts = count(o, "max_failure_contacts"),
		                          .f = figures_of(o, false)};
	}
}

static void departments_of(const json_t *a, struct view *v)
{
	v->departments = array(a, &v->ndepartments, sizeof *v->departments);
	for (size_t i = 0; i < v->ndepartments; i++) {
		const json_t *o = json_array_get(a, i);
		v->departments[i] =
		    (struct view_department){.department = str(o, "department"),
		                             .kpis = count(o, "kpis"),
		                             .green = count(o, "green"),
		                             .amber = count(o, "amber"),
		                             .red = count(o, "red"),
		                             .green_share = real(o, "green_share"),
		                             .cases_touched = count(o, "cases_touched"),
		                             .successful_touched = count(o, "successful_touched"),
		                             .failure_contacts = count(o, "failure_contacts"),
		                             .sco_rate_touched = real(o, "sco_rate_touched")};
	}
}

static void kpis_of(const json_t *a, struct view *v)
{
	v->kpis = array(a, &v->nkpis, sizeof *v->kpis);
	for (size_t i = 0; i < v->nkpis; i++) {
		const json_t *o = json_array_get(a, i);
		struct view_kpi *k = &v->kpis[i];
		*k = (struct view_kpi){.department = str(o, "department"),
		                       .kpi = str(o, "kpi"),
		                       .period = label(str(o, "period")),
		                       .actual = real(o, "actual"),
		                       .target = real(o, "target"),
		                       .direction = str(o, "direction"),
		                       .unit = str(o, "unit"),
		                       .kind = str(o, "kind"),
		                       .tolerance = real(o, "tolerance"),
		                       .region = str(o, "region"),
		                       .status = str(o, "status")};
		k->journeys = names(json_object_get(o, "journeys"), &k->njourneys);
	}
}

static void watermelons_of(const json_t *a, struct view *v)
{
	v->watermelons = array(a, &v->nwatermelons, sizeof *v->watermelons);
	for (size_t i = 0; i < v->nwatermelons; i++) {
		const json_t *o = json_array_get(a, i);
		v->watermelons[i] =
		    (struct view_watermelon){.department = str(o, "department"),
		                             .journey = str(o, "journey"),
		                             .green_share = real(o, "green_share"),
		                             .cases = count(o, "cases"),
		                             .successful = count(o, "successful"),
		                             .sco_rate = real(o, "sco_rate"),
		                             .sco_target = real(o, "sco_target"),
		                             .shortfall_pts = real(o, "shortfall_pts")};
	}
}

static bool same_name(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The heat map's grid, journeys × departments: the cells breaks[] gives (those with cases), the
 * others empty. */
static void cells_of(const json_t *breaks, struct view *v)
{
	size_t nd = v->ndepartments, n = v->njourneys * nd;
	v->cells = xcalloc(n ? n : 1, sizeof *v->cells);
	for (size_t c = 0; c < n; c++)
		v->cells[c] = (struct view_cell){.journey = v->journeys[c / nd].journey,
		                                 .department = v->departments[c % nd].department};
	for (size_t i = 0; i < json_array_size(breaks); i++) {
		const json_t *b = json_array_get(breaks, i);
		for (size_t c = 0; c < n; c++) {
			struct view_cell *cell = &v->cells[c];
			if (same_name(cell->journey, str(b, "journey")) &&
			    same_name(cell->department, str(b, "department"))) {
				cell->cases = count0(b, "cases");
				cell->successful = count0(b, "successful");
			}
		}
	}
}

static void regions_of(const json_t *a, struct view *v)
{
	v->has_regions = json_is_array(a);
	v->regions = array(a, &v->nregions, sizeof *v->regions);
	for (size_t i = 0; i < v->nregions; i++) {
		const json_t *o = json_array_get(a, i);
		v->regions[i] = (struct view_region){str(o, "region"), figures_of(o, true)};
	}
}

static void actions_of(const json_t *a, struct view *v)
{
	v->has_actions = json_is_array(a);
	v->actions = array(a, &v->nactions, sizeof *v->actions);
	for (size_t i = 0; i < v->nactions; i++) {
		const json_t *o = json_array_get(a, i);
		int64_t due = instant(o, "due");
		v->actions[i] = (struct view_action){
		    .action = str(o, "action"),
		    .owner = str(o, "owner"),
		    .goal = str(o, "goal"),
		    .due_day = due == VIEW_NO_DAY ? VIEW_NO_DAY : due / BP_MS_PER_DAY,
		    .status = str(o, "status"),
		    .region = str(o, "region"),
		    .goal_found = flag(o, "goal_found"),
		    .prev_sco_rate = real(o, "prev_sco_rate"),
		    .sco_rate = real(o, "sco_rate"),
		    .line = count(o, "line")};
	}
}

static struct view_dq_issue issue_of(const json_t *o)
{
	return (struct view_dq_issue){.file = str(o, "file"),
	                              .line = count0(o, "line"),
	                              .column = count0(o, "column"),
	                              .column_name = str(o, "column_name"),
	                              .case_id = str(o, "case_id"),
	                              .customer_id = str(o, "customer_id"),
	                              .value = str(o, "value"),
	                              .message = str(o, "message"),
	                              .kind = str(o, "kind")};
}

static void dq_of(const json_t *dq, struct view_dq *o)
{
	o->rows_read = count0(dq, "rows_read");
	o->rows_rejected = count0(dq, "rows_rejected");
	const json_t *files = json_object_get(dq, "files");
	o->nfiles = json_object_size(files);
	o->files = xcalloc(o->nfiles ? o->nfiles : 1, sizeof *o->files);
	size_t i = 0;
	const char *name;
	const json_t *f;
	json_object_foreach((json_t *)files, name, f)
	{
		o->files[i++] =
		    (struct view_dq_file){name, count0(f, "rows_read"), count0(f, "rows_rejected")};
	}
	const json_t *issues = json_object_get(dq, "issues"), *notes = json_object_get(dq, "notes");
	o->issues = array(issues, &o->nissues, sizeof *o->issues);
	for (i = 0; i < o->nissues; i++)
		o->issues[i] = issue_of(json_array_get(issues, i));
	o->notes = array(notes, &o->nnotes, sizeof *o->notes);
	for (i = 0; i < o->nnotes; i++)
		o->notes[i] = issue_of(json_array_get(notes, i));
}

/*
 * The view of metrics JSON m, as far as the workbook reads it; its strings point into m. The
 * settings are the defaults of PACK.ini (the JSON has none). Free it with view_free, as a
 * built view.
 */
static struct view *view_load(const json_t *m)
{
	struct view *v = xcalloc(1, sizeof *v);
	v->period = label(str(m, "period"));
	v->previous = label(str(m, "previous_period"));
	v->period_length = str(m, "period_length");
	v->organisation = str(m, "organisation");
	v->title = str(m, "title");
	v->currency = str(m, "currency");
	v->region = str(m, "region");
	v->data_from_ms = instant(m, "data_from");
	v->data_to_ms = instant(m, "data_to");
	v->settings = (struct view_settings){.min_cases = 30,
	                                     .churn_window_days = 90,
	                                     .green_share_threshold = 0.75,
	                                     .sco_target = 0.8,
	                                     .tolerance = 0.05,
	                                     .failure_contact_cost = NAN};
	totals_of(json_object_get(m, "totals"), &v->totals);
	goals_of(json_object_get(m, "goals"), v);
	journeys_of(json_object_get(m, "journeys"), v);
	departments_of(json_object_get(m, "departments"), v);
	kpis_of(json_object_get(m, "kpis"), v);
	watermelons_of(json_object_get(m, "watermelons"), v);
	cells_of(json_object_get(m, "breaks"), v);
	regions_of(json_object_get(m, "regions"), v);
	actions_of(json_object_get(m, "actions"), v);
	dq_of(json_object_get(m, "data_quality"), &v->dq);
	return v;
}

/* ---- the rows of the long tables ------------------------------------------ */

struct gen {
	long i, n;
	bool odd, odd_ids;
	const struct view *v;
	char id[32], customer[32];
	struct strbuf long_text;
	struct xlsx_touch touches[2];
	long next_customer;
};

static const char *const outcomes[] = {"achieved",  "achieved", "failed",
                                       "abandoned", "achieved", "open"};
static const char *const regions[] = {"North", "South", NULL};
static const char *const depts[] = {"Billing", "Billing; Contact Centre",
                                    "Field Ops; Contact Centre", "Field Ops"};
static const char *const dept_a[] = {"Billing", "Billing", "Field Ops", "Field Ops"};
static const char *const dept_b[] = {NULL, "Contact Centre", "Contact Centre", NULL};

static void rewind_gen(void *it)
{
	struct gen *g = it;
	g->i = 0;
	g->next_customer = 0;
}

/* 30 customers, CU00001 to CU00030; every third has left. */
static bool next_customer(void *it, struct xlsx_customer *row)
{
	struct gen *g = it;
	static char id[32];
	if (g->next_customer >= 30)
		return false;
	long i = g->next_customer++;
	snprintf(id, sizeof id, "CU%05ld", i + 1);
	if (g->odd_ids && i == 4)
		id[0] = '\x02'; /* a control character: noted on the Customers sheet */
	*row = (struct xlsx_customer){.id = id,
	                              .segment = i % 2 ? "Business" : "Household",
	                              .region = regions[i % 3],
	                              .annual_value = 1000 + 10 * (double)i,
	                              .joined_day = i % 4 ? 20000 + i : INT64_MIN,
	                              .left_day = i % 3 == 2 ? 20600 + i : INT64_MAX};
	return true;
}

static bool next_case(void *it, struct xlsx_case *row)
{
	struct gen *g = it;
	if (g->i >= g->n)
		return false;
	long i = g->i++;
	size_t nj = g->v->njourneys;
	const char *journey = nj ? g->v->journeys[(size_t)i % nj].journey : "J";
	snprintf(g->id, sizeof g->id, "C%07ld", i + 1);
	snprintf(g->customer, sizeof g->customer, "CU%05ld", i % 997 + 1);
	const char *outcome = outcomes[i % 6];
	bool open = strcmp(outcome, "open") == 0;
	int64_t start =
	    1782864000000LL + (int64_t)i * 3600000LL;         /* 2026-07-01T00:00Z plus i hours */
	int64_t end = start + (int64_t)(i % 11) * 43200000LL; /* plus half days */
	*row = (struct xlsx_case){
	    .id = g->id,
	    .journey = journey,
	    .customer = i % 7 == 3 ? NULL : g->customer,
	    .region = regions[i % 3],
	    .start_ms = start,
	    .end_ms = open ? INT64_MIN : end,
	    .outcome = outcome,
	    .sco = open ? -1 : (strcmp(outcome, "achieved") == 0 && i % 4 != 0),
	    .days = open ? NAN : (double)(end - start) / 86400000.0,
	    .contacts = (uint32_t)(i % 5 + 1),
	    .failure_contacts = (uint32_t)(i % 3),
	    .handoffs = (uint32_t)(i % 4),
	    .departments = depts[i % 4],
	    .goal = journey,
	    .period = open ? NULL : "2026-Q3",
	    .promise_days = i % 2 ? 5 : NAN,
	    .within_promise = open || i % 2 == 0 ? -1 : (end - start) <= 5 * 86400000LL,
	    .touches = g->touches,
	    .ntouches = dept_b[i % 4] ? 2 : 1,
	    .segment = NULL,
	    .annual_value = NAN,
	    .left_day = INT64_MAX,
	    .left_within = -1,
	};
	g->touches[0] =
	    (struct xlsx_touch){dept_a[i % 4], (uint32_t)(i % 5) + 1, (uint32_t)(i % 3)};
	g->touches[1] = (struct xlsx_touch){dept_b[i % 4], 1, 0};
	if (g->odd_ids && i % 500 == 7)
		g->id[0] = '\x01'; /* noted on Cases and on Touches, row by row */
	if (g->odd && i == 0)
		row->customer = "Caf\xe9 \xff\xfe Ltd";
	if (g->odd && i == 2)
		row->customer = " A&B <Ltd> "; /* markup and edge spaces, kept as they are */
	if (g->odd && i == 1) {
		strbuf_reset(&g->long_text);
		for (int k = 0; k < 40000; k++)
			strbuf_puts(&g->long_text,
			            "\xc3\xa9"); /* é: 40,000 characters, 80,000 bytes */
		row->departments = strbuf_str(&g->long_text);
	}
	return true;
}

/* A second generator over the same rows, from the start (--lanes 2). */
static void *fork_gen(void *it)
{
	const struct gen *g = it;
	struct gen *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	*c = (struct gen){
	    .n = g->n, .odd = g->odd, .odd_ids = g->odd_ids, .v = g->v, .long_text = STRBUF_INIT};
	return c;
}

static void unfork_gen(void *it2)
{
	struct gen *c = it2;
	strbuf_free(&c->long_text);
	free(c);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: xlsxgen METRICS.json OUT.xlsx [--cases N] [--odd] [--limit "
		                "N] [--tmpdir DIR] [--odd-ids] [--lanes N]\n");
		return 1;
	}
	struct gen g = {.n = 20, .long_text = STRBUF_INIT};
	const char *tmpdir = NULL;
	long limit = 0;
	int lanes = 1;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			g.n = atol(argv[++i]);
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			limit = atol(argv[++i]);
		else if (strcmp(argv[i], "--tmpdir") == 0 && i + 1 < argc)
			tmpdir = argv[++i];
		else if (strcmp(argv[i], "--odd") == 0)
			g.odd = true;
		else if (strcmp(argv[i], "--odd-ids") == 0)
			g.odd_ids = true;
		else if (strcmp(argv[i], "--lanes") == 0 && i + 1 < argc)
			lanes = atoi(argv[++i]);
		else {
			fprintf(stderr, "xlsxgen: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	json_error_t err;
	json_t *m = json_load_file(argv[1], 0, &err);
	if (!m) {
		diag_msg(DIAG_ERROR, argv[1], err.line, err.column, "%s", err.text);
		return 2;
	}
	struct view *v = view_load(m);
	g.v = v;
	char *dir = NULL;
	if (!tmpdir) {
		dir = xstrdup(argv[2]);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
		tmpdir = dir;
	}
	struct xlsx_options o = {
	    .title = v->title,
	    .author = v->organisation,
	    .currency = v->currency,
	    .created = 1790726400, /* 2026-09-30T00:00:00Z */
	    .tmpdir = tmpdir,
	    .sheet_rows = limit,
	    .lanes = lanes,
	};
	struct xlsx_source src = {.it = &g,
	                          .next_case = next_case,
	                          .next_customer = next_customer,
	                          .rewind = rewind_gen,
	                          .have_customers = true,
	                          .fork = fork_gen,
	                          .unfork = unfork_gen};
	int rc = xlsx_write(argv[2], v, &src, &o) == 0 ? 0 : 3;
	view_free(v);
	json_decref(m);
	free(dir);
	strbuf_free(&g.long_text);
	return rc;
}
