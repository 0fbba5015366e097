/*
 * departments: the sheets of the departments' side, their dashboards against their customers'
 * outcomes: Watermelons (green KPIs over red outcomes), Departments (with the KPI status chart on
 * the Summary), Heat map (journey by department) and KPIs (with the journeys each serves).
 */
#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"
#include "xlsx/book.h"

/* ---- Watermelons ---------------------------------------------------------- */

enum watermelon_field {
	W_DEPARTMENT,
	W_JOURNEY,
	W_GREEN_SHARE,
	W_CASES,
	W_SUCCESSFUL,
	W_SCO_RATE,
	W_SCO_TARGET,
	W_SHORTFALL_PTS
};

static struct val watermelon_cell(const void *ctx, size_t i, int field)
{
	const struct view_watermelon *w = &((const struct view *)ctx)->watermelons[i];
	switch ((enum watermelon_field)field) {
	case W_DEPARTMENT:
		return v_text(w->department);
	case W_JOURNEY:
		return v_text(w->journey);
	case W_GREEN_SHARE:
		return v_real(w->green_share);
	case W_CASES:
		return v_count(w->cases);
	case W_SUCCESSFUL:
		return v_count(w->successful);
	case W_SCO_RATE:
		return v_real(w->sco_rate);
	case W_SCO_TARGET:
		return v_real(w->sco_target);
	case W_SHORTFALL_PTS:
		return v_real(w->shortfall_pts);
	}
	no_field();
}

static const struct col watermelon_cols[] = {
    {"Department", W_DEPARTMENT, K_TEXT, NULL, "The department whose dashboard looks green."},
    {"Journey", W_JOURNEY, K_TEXT, NULL,
     "The journey whose customers fare badly where they pass through it."},
    {"Department green share", W_GREEN_SHARE, K_PCT, NULL,
     "Share of the department's KPIs that are green."},
    {"Cases touched", W_CASES, K_INT, NULL,
     "Cases of the journey concluded in the period that passed through the department."},
    {"Successful", W_SUCCESSFUL, K_INT, NULL, "Successful customer outcomes among those cases."},
    {"SCO rate", W_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases touched"),
     "Successful / Cases touched (a formula): below the journey's target, filled red."},
    {"SCO target", W_SCO_TARGET, K_PCT, NULL, "The journey's SCO target."},
    {"Shortfall in points", W_SHORTFALL_PTS, K_PTS,
     "IF([SCO rate]=\"\",\"\",([SCO target]-[SCO rate])*100)",
     "(SCO target - SCO rate) x 100, in percentage points (a formula). Rows are most severe "
     "first."},
};

/* Watermelons: green dashboards over red outcomes (a department's KPIs against the journeys'
 * customers who pass through it). */
void put_watermelons(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows rows = {v->nwatermelons, watermelon_cell, v};
	lxw_row_t last = put_table(x, sh, 0, "tblWatermelons", watermelon_cols, N(watermelon_cols),
	                           &rows, "No watermelons: no green dashboard hides red outcomes.");
	if (v->nwatermelons)
		cond_target(x, sh, 1, last,
		            (lxw_col_t)col_of(watermelon_cols, N(watermelon_cols), W_SCO_RATE),
		            (lxw_col_t)col_of(watermelon_cols, N(watermelon_cols), W_SCO_TARGET));
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, "Watermelons", watermelon_cols, N(watermelon_cols));
}

/* ---- Departments --------------------------------------------------------- */

enum department_field {
	D_DEPARTMENT,
	D_KPIS,
	D_GREEN,
	D_AMBER,
	D_RED,
	D_GREEN_SHARE,
	D_CASES_TOUCHED,
	D_SUCCESSFUL_TOUCHED,
	D_SCO_RATE_TOUCHED,
	D_FAILURE_CONTACTS
};

static struct val department_cell(const void *ctx, size_t i, int field)
{
	const struct view_department *d = &((const struct view *)ctx)->departments[i];
	switch ((enum department_field)field) {
	case D_DEPARTMENT:
		return v_text(d->department);
	case D_KPIS:
		return v_count(d->kpis);
	case D_GREEN:
		return v_count(d->green);
	case D_AMBER:
		return v_count(d->amber);
	case D_RED:
		return v_count(d->red);
	case D_GREEN_SHARE:
		return v_real(d->green_share);
	case D_CASES_TOUCHED:
		return v_count(d->cases_touched);
	case D_SUCCESSFUL_TOUCHED:
		return v_count(d->successful_touched);
	case D_SCO_RATE_TOUCHED:
		return v_real(d->sco_rate_touched);
	case D_FAILURE_CONTACTS:
		return v_count(d->failure_contacts);
	}
	no_field();
}

static const struct col department_cols[] = {
    {"Department", D_DEPARTMENT, K_TEXT, NULL,
     "A department with KPIs in the period or that handled a row of a case concluded in it."},
    {"KPIs", D_KPIS, K_INT, NULL, "The department's KPIs of the period."},
    {"Green", D_GREEN, K_INT, NULL, "KPIs at or better than target."},
    {"Amber", D_AMBER, K_INT, NULL, "KPIs worse than target but within the tolerance."},
    {"Red", D_RED, K_INT, NULL, "KPIs worse than target beyond the tolerance."},
    {"Green share", D_GREEN_SHARE, K_PCT, RATE_IF("Green", "KPIs"),
     "Green / KPIs (a formula; empty with no KPIs)."},
    {"Cases touched", D_CASES_TOUCHED, K_INT, NULL,
     "Cases concluded in the period that passed through the department."},
    {"Successful touched", D_SUCCESSFUL_TOUCHED, K_INT, NULL,
     "Successful customer outcomes among the cases touched."},
    {"SCO rate touched", D_SCO_RATE_TOUCHED, K_PCT, RATE_IF("Successful touched", "Cases touched"),
     "Successful touched / Cases touched (a formula): how customers fared whose case passed "
     "through the "
     "department."},
    {"Failure contacts", D_FAILURE_CONTACTS, K_INT, NULL,
     "Failure-demand rows the department handled in cases concluded in the period."},
};

/* The KPIs' status per department (the table's n rows), as stacked bars placed on the Summary
 * sheet. */
static void department_chart(struct xw *x, struct sheet *sh, size_t n, struct sheet *summary)
{
	/* Greyscale: dark green, light amber, red hatched, so that print tells them apart too. */
	static const struct {
		enum department_field field;
		lxw_color_t color;
		uint8_t pattern;
	} st[] = {{D_GREEN, 0x1B7837, 0},
	          {D_AMBER, 0xFDB863, 0},
	          {D_RED, 0xB2182B, LXW_CHART_PATTERN_WIDE_UPWARD_DIAGONAL}};
	lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_BAR_STACKED);
	for (int i = 0; i < 3; i++) {
		lxw_col_t c = (lxw_col_t)col_of(department_cols, N(department_cols), st[i].field);
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sh->name, 1, 0, (lxw_row_t)n, 0);
		chart_series_set_values(s, sh->name, 1, c, (lxw_row_t)n, c);
		chart_series_set_name_range(s, sh->name, 0, c);
		if (st[i].pattern) {
			lxw_chart_pattern p = {
			    .fg_color = st[i].color, .bg_color = 0xFFFFFF, .type = st[i].pattern};
			chart_series_set_pattern(s, &p);
		} else {
			lxw_chart_fill f = {.color = st[i].color};
			chart_series_set_fill(s, &f);
		}
		lxw_chart_line border = {.color = 0x262626, .width = 0.75f};
		chart_series_set_line(s, &border);
	}
	chart_title_set_name(ch, "KPI status by department");
	chart_axis_set_name(ch->x_axis, "KPIs");
	chart_axis_set_num_format(ch->x_axis, "0");
	chart_axis_set_min(ch->x_axis, 0);
	chart_axis_set_reverse(ch->y_axis);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options co = {.x_scale = 1.4, .y_scale = 1.4};
	check(x, worksheet_insert_chart_opt(summary->ws, 27, 4, ch, &co), "inserting a chart");
}

/* Departments: each one's KPIs by status, and how the customers fared whose cases it touched. */
void put_departments(struct xw *x, struct sheet *sh, const struct view *v, struct sheet *summary,
                     struct defs *defs)
{
	struct rows rows = {v->ndepartments, department_cell, v};
	put_table(x, sh, 0, "tblDepartments", department_cols, N(department_cols), &rows,
	          "No department has KPIs or cases in this period.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	if (v->ndepartments)
		department_chart(x, sh, v->ndepartments, summary);
	page_setup(x, sh, 0);
	add_defs(defs, "Departments", department_cols, N(department_cols));
}

/* ---- Heat map ------------------------------------------------------------ */

enum heat_field { H_JOURNEY, H_DEPARTMENT, H_CASES, H_SUCCESSFUL, H_SCO_RATE };

static struct val heat_cell(const void *ctx, size_t i, int field)
{
	const struct view_cell *c = ((const struct view_cell *const *)ctx)[i];
	switch ((enum heat_field)field) {
	case H_JOURNEY:
		return v_text(c->journey);
	case H_DEPARTMENT:
		return v_text(c->department);
	case H_CASES:
		return v_count(c->cases);
	case H_SUCCESSFUL:
		return v_count(c->successful);
	case H_SCO_RATE:
		return v_real((double)c->successful / (double)c->cases);
	}
	no_field();
}

static const struct col heat_cols[] = {
    {"Journey", H_JOURNEY, K_TEXT, NULL, "The journey."},
    {"Department", H_DEPARTMENT, K_TEXT, NULL, "A department its cases passed through."},
    {"Cases", H_CASES, K_INT, NULL,
     "Cases of the journey concluded in the period that touched the department."},
    {"Successful", H_SUCCESSFUL, K_INT, NULL, "Successful customer outcomes among them."},
    {"SCO rate", H_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases"),
     "Successful / Cases (a formula): the heat map of the PDF, where journeys break."},
};

/* The heat map as a table: one row per journey and department with cases. */
void put_heatmap(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	size_t ncells = v->njourneys * v->ndepartments, n = 0;
	const struct view_cell **cells = xcalloc(ncells ? ncells : 1, sizeof *cells);
	for (size_t i = 0; i < ncells; i++)
		if (v->cells[i].cases)
			cells[n++] = &v->cells[i];
	struct rows rows = {n, heat_cell, cells};
	lxw_row_t last = put_table(x, sh, 0, "tblHeatMap", heat_cols, N(heat_cols), &rows,
	                           "No case concluded in the period.");
	if (n) {
		lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
		                             .min_color = 0xF8696B,
		                             .mid_color = 0xFFEB84,
		                             .max_color = 0x63BE7B,
		                             .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
		                             .min_value = 0,
		                             .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
		                             .max_value = 1};
		check(x, worksheet_conditional_format_range(sh->ws, 1, 4, last, 4, &cf),
		      "adding conditional formatting");
	}
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, "Heat map", heat_cols, N(heat_cols));
	free(cells);
}

/* ---- KPIs ---------------------------------------------------------------- */

enum kpi_field {
	KP_DEPARTMENT,
	KP_KPI,
	KP_PERIOD,
	KP_ACTUAL,
	KP_TARGET,
	KP_DIRECTION,
	KP_UNIT,
	KP_KIND,
	KP_TOLERANCE,
	KP_STATUS,
	KP_JOURNEYS,
	KP_REGION
};

static struct val kpi_cell(const void *ctx, size_t i, int field)
{
	const struct view_kpi *k = &((const struct view *)ctx)->kpis[i];
	switch ((enum kpi_field)field) {
	case KP_DEPARTMENT:
		return v_text(k->department);
	case KP_KPI:
		return v_text(k->kpi);
	case KP_PERIOD:
		return v_text(k->period.label);
	case KP_ACTUAL:
		return v_real(k->actual);
	case KP_TARGET:
		return v_real(k->target);
	case KP_DIRECTION:
		return v_text(k->direction);
	case KP_UNIT:
		return v_text(k->unit);
	case KP_KIND:
		return v_text(k->kind);
	case KP_TOLERANCE:
		return v_real(k->tolerance);
	case KP_STATUS:
		return v_text(k->status);
	case KP_JOURNEYS:
		return v_names(k->journeys, k->njourneys);
	case KP_REGION:
		return v_text(k->region);
	}
	no_field();
}

static const struct col kpi_cols[] = {
    {"Department", KP_DEPARTMENT, K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", KP_KPI, K_TEXT, NULL, "The KPI's name."},
    {"Period", KP_PERIOD, K_TEXT, NULL, "The period the KPI's value belongs to."},
    {"Actual", KP_ACTUAL, K_NUM, NULL, "The KPI's value for the period, in its unit."},
    {"Target", KP_TARGET, K_NUM, NULL, "The KPI's target, in its unit."},
    {"Direction", KP_DIRECTION, K_TEXT, NULL,
     "'higher' when higher is better, 'lower' when lower is better."},
    {"Unit", KP_UNIT, K_TEXT, NULL, "The KPI's unit; empty when none."},
    {"Kind", KP_KIND, K_TEXT, NULL,
     "'output' for a KPI that measures motion (activity), 'outcome' for one that measures impact."},
    {"Tolerance", KP_TOLERANCE, K_PCT, NULL,
     "How far from target, as a share of the target, still counts as amber rather than red."},
    {"Status", KP_STATUS, K_TEXT, NULL,
     "green: at or better than target; amber: within the tolerance; red: beyond it. Filled in its "
     "colour."},
    {"Journeys served", KP_JOURNEYS, K_LIST, NULL,
     "The journeys the KPI is meant to serve, separated by \"; \"; see their SCO rate on the "
     "Journeys sheet."},
    {"Region", KP_REGION, K_TEXT, NULL, "The KPI's region; empty when it covers every region."},
};

/* A KPI with a journey it serves, and that journey's figures (NULL: not a journey of the pack). */
struct served_line {
	const struct view_kpi *k;
	const char *journey;
	const struct view_journey *found;
};
enum served_field { SV_DEPARTMENT, SV_KPI, SV_STATUS, SV_JOURNEY, SV_SCO_RATE, SV_SCO_TARGET };

static struct val served_cell(const void *ctx, size_t i, int field)
{
	const struct served_line *l = &((const struct served_line *)ctx)[i];
	switch ((enum served_field)field) {
	case SV_DEPARTMENT:
		return v_text(l->k->department);
	case SV_KPI:
		return v_text(l->k->kpi);
	case SV_STATUS:
		return v_text(l->k->status);
	case SV_JOURNEY:
		return v_text(l->journey);
	case SV_SCO_RATE:
		return l->found ? v_real(l->found->f.sco_rate) : v_none();
	case SV_SCO_TARGET:
		return l->found ? v_real(l->found->sco_target) : v_none();
	}
	no_field();
}

static const struct col served_cols[] = {
    {"Department", SV_DEPARTMENT, K_TEXT, NULL, "The department that owns the KPI."},
    {"KPI", SV_KPI, K_TEXT, NULL, "The KPI's name."},
    {"Status", SV_STATUS, K_TEXT, NULL, "The KPI's status (green, amber or red)."},
    {"Journey served", SV_JOURNEY, K_TEXT, NULL,
     "A journey the KPI is meant to serve: one row per KPI and journey."},
    {"Journey SCO rate", SV_SCO_RATE, K_PCT, NULL,
     "The journey's SCO rate in the period (the Journeys sheet); empty when it had no concluded "
     "cases or is not a journey of the pack."},
    {"Journey SCO target", SV_SCO_TARGET, K_PCT, NULL, "The journey's SCO target."},
};

/* Whether two names are the same (both missing, or equal). */
static bool same_name(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Beside the KPIs: each KPI with the SCO rate of each journey it serves (the last journey of the
 * name). */
static void put_kpis_served(struct xw *x, struct sheet *sh, lxw_col_t col0, const struct view *v)
{
	size_t cap = 0, n = 0;
	for (size_t i = 0; i < v->nkpis; i++)
		cap += v->kpis[i].njourneys;
	struct served_line *lines = xcalloc(cap ? cap : 1, sizeof *lines);
	for (size_t i = 0; i < v->nkpis; i++) {
		const struct view_kpi *k = &v->kpis[i];
		for (size_t j = 0; j < k->njourneys; j++) {
			const struct view_journey *found = NULL;
			for (size_t m = 0; m < v->njourneys; m++)
				if (same_name(v->journeys[m].journey, k->journeys[j]))
					found = &v->journeys[m];
			lines[n++] = (struct served_line){k, k->journeys[j], found};
		}
	}
	struct rows rows = {n, served_cell, lines};
	lxw_row_t last = put_table_at(x, sh, 0, col0, "tblKPIJourneys", served_cols, N(served_cols),
	                              &rows, "No KPI names a journey it serves.");
	if (n) {
		cond_status(x, sh, 1, last, col0 + 2);
		cond_target(x, sh, 1, last, col0 + 4, col0 + 5);
	}
	free(lines);
}

/* KPIs measured in percent hold fractions shown as percentages (87.8 % is 0.878). */
static void kpi_percentages(struct xw *x, struct sheet *sh, const struct view *v)
{
	int actual = col_of(kpi_cols, N(kpi_cols), KP_ACTUAL);
	int target = col_of(kpi_cols, N(kpi_cols), KP_TARGET);
	for (size_t i = 0; i < v->nkpis; i++) {
		const struct view_kpi *k = &v->kpis[i];
		if (!k->unit || strcmp(k->unit, "%") != 0)
			continue;
		lxw_row_t r = (lxw_row_t)i + 1;
		if (v_real(k->actual).t == V_NUM)
			put_number(x, sh, r, (lxw_col_t)actual, K_PCT, k->actual / 100);
		if (v_real(k->target).t == V_NUM)
			put_number(x, sh, r, (lxw_col_t)target, K_PCT, k->target / 100);
	}
}

/* The KPIs, and beside them the journeys each serves. */
void put_kpis(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows rows = {v->nkpis, kpi_cell, v};
	lxw_row_t last =
	    put_table(x, sh, 0, "tblKPIs", kpi_cols, N(kpi_cols), &rows, "No KPIs in this period.");
	if (v->nkpis)
		cond_status(x, sh, 1, last, (lxw_col_t)col_of(kpi_cols, N(kpi_cols), KP_STATUS));
	kpi_percentages(x, sh, v);
	put_kpis_served(x, sh, N(kpi_cols) + 1, v);
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, sh->name, kpi_cols, N(kpi_cols));
	add_defs(defs, sh->name, served_cols, N(served_cols));
}
