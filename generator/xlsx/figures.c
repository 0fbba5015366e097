/*
 * figures: the sheets of the pack's figures of metrics.md: the Summary (the pack's own), Goals,
 * Journeys (with the trend table, and its chart on the Summary), Trend (each level by period)
 * and Regions. Goals, Journeys and Regions share the journey figures' columns (figure_cols).
 */
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xmem.h"
#include "xlsx/book.h"

/* ---- the journey figures ------------------------------------------------- */

/* The journey figures of metrics.md (struct view_figures), shared by Goals, Journeys, Regions and
 * the Summary. */
enum fig_field {
	F_CASES_STARTED,
	F_CASES_CONCLUDED,
	F_ACHIEVED,
	F_FAILED,
	F_ABANDONED,
	F_OPEN,
	F_SUCCESSFUL,
	F_SCO_RATE,
	F_SCO_CI_LOW,
	F_SCO_CI_HIGH,
	F_PREV_CASES_CONCLUDED,
	F_PREV_SUCCESSFUL,
	F_PREV_SCO_RATE,
	F_SCO_CHANGE_PTS,
	F_CHANGE_SIGNIFICANT,
	F_MEDIAN_DAYS,
	F_P90_DAYS,
	F_CONTACTS,
	F_FAILURE_CONTACTS,
	F_HANDOFFS,
	F_CONTACTS_PER_CASE,
	F_FAILURE_DEMAND_SHARE,
	F_HANDOFFS_PER_CASE,
	F_LOW_VOLUME,
	F_CUSTOMERS_LOST,
	F_VALUE_LOST,
	F_VALUE_AT_RISK,
	F_PREV_YEAR_CASES_CONCLUDED,
	F_PREV_YEAR_SUCCESSFUL,
	F_PREV_YEAR_SCO_RATE,
	F_FAILURE_DEMAND_COST
};
#define F_END (F_FAILURE_DEMAND_COST + 1) /* the rows' own fields follow the figures' */

static struct val figure_value(const struct view_figures *f, enum fig_field k)
{
	switch (k) {
	case F_CASES_STARTED:
		return v_count(f->cases_started);
	case F_CASES_CONCLUDED:
		return v_count(f->cases_concluded);
	case F_ACHIEVED:
		return v_count(f->achieved);
	case F_FAILED:
		return v_count(f->failed);
	case F_ABANDONED:
		return v_count(f->abandoned);
	case F_OPEN:
		return v_count(f->open);
	case F_SUCCESSFUL:
		return v_count(f->successful);
	case F_SCO_RATE:
		return v_real(f->sco_rate);
	case F_SCO_CI_LOW:
		return v_real(f->sco_ci_low);
	case F_SCO_CI_HIGH:
		return v_real(f->sco_ci_high);
	case F_PREV_CASES_CONCLUDED:
		return v_count(f->prev_cases_concluded);
	case F_PREV_SUCCESSFUL:
		return v_count(f->prev_successful);
	case F_PREV_SCO_RATE:
		return v_real(f->prev_sco_rate);
	case F_SCO_CHANGE_PTS:
		return v_real(f->sco_change_pts);
	case F_CHANGE_SIGNIFICANT:
		return v_flag(f->change_significant);
	case F_MEDIAN_DAYS:
		return v_real(f->median_days);
	case F_P90_DAYS:
		return v_real(f->p90_days);
	case F_CONTACTS:
		return v_count(f->contacts);
	case F_FAILURE_CONTACTS:
		return v_count(f->failure_contacts);
	case F_HANDOFFS:
		return v_count(f->handoffs);
	case F_CONTACTS_PER_CASE:
		return v_real(f->contacts_per_case);
	case F_FAILURE_DEMAND_SHARE:
		return v_real(f->failure_demand_share);
	case F_HANDOFFS_PER_CASE:
		return v_real(f->handoffs_per_case);
	case F_LOW_VOLUME:
		return v_flag(f->low_volume);
	case F_CUSTOMERS_LOST:
		return v_count(f->customers_lost);
	case F_VALUE_LOST:
		return v_real(f->value_lost);
	case F_VALUE_AT_RISK:
		return v_real(f->value_at_risk);
	case F_PREV_YEAR_CASES_CONCLUDED:
		return v_count(f->prev_year_cases_concluded);
	case F_PREV_YEAR_SUCCESSFUL:
		return v_count(f->prev_year_successful);
	case F_PREV_YEAR_SCO_RATE:
		return v_real(f->prev_year_sco_rate);
	case F_FAILURE_DEMAND_COST:
		return v_real(f->failure_demand_cost);
	}
	no_field();
}

static const struct col figure_cols[] = {
    {"Cases started", F_CASES_STARTED, K_INT, NULL, "Cases whose start lies in the period."},
    {"Cases concluded", F_CASES_CONCLUDED, K_INT, NULL,
     "Cases whose end lies in the period: the cases every rate on this row is taken over."},
    {"Achieved", F_ACHIEVED, K_INT, NULL,
     "Cases concluded in the period with the outcome 'achieved'."},
    {"Failed", F_FAILED, K_INT, NULL, "Cases concluded in the period with the outcome 'failed'."},
    {"Abandoned", F_ABANDONED, K_INT, NULL,
     "Cases concluded in the period with the outcome 'abandoned'."},
    {"Open", F_OPEN, K_INT, NULL,
     "Cases started on or before the period's end and not concluded by it (still open at the "
     "end)."},
    {"Successful", F_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes (SCO) concluded in the period: achieved, within the promise "
     "when one is "
     "set, and with no more failure contacts than allowed."},
    {"SCO rate", F_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful customer outcome rate: Successful / Cases concluded (a formula; empty with no "
     "concluded "
     "cases)."},
    {"SCO rate CI low", F_SCO_CI_LOW, K_PCT, NULL,
     "Lower end of the 95 % Wilson score interval of the SCO rate (z = 1.959964): the rate is "
     "plausibly no "
     "lower than this."},
    {"SCO rate CI high", F_SCO_CI_HIGH, K_PCT, NULL,
     "Upper end of the 95 % Wilson score interval of the SCO rate."},
    {"Previous cases concluded", F_PREV_CASES_CONCLUDED, K_INT, NULL,
     "Cases concluded in the previous period."},
    {"Previous successful", F_PREV_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the previous period."},
    {"Previous SCO rate", F_PREV_SCO_RATE, K_PCT,
     RATE_IF("Previous successful", "Previous cases concluded"),
     "SCO rate of the previous period: Previous successful / Previous cases concluded (a "
     "formula)."},
    {"Change in points", F_SCO_CHANGE_PTS, K_PTS,
     "IF(OR([SCO rate]=\"\",[Previous SCO rate]=\"\"),\"\",([SCO rate]-[Previous SCO rate])*100)",
     "(SCO rate - Previous SCO rate) x 100, in percentage points (a formula; empty when either "
     "rate is)."},
    {"Change is significant", F_CHANGE_SIGNIFICANT, K_BOOL, NULL,
     "TRUE when the change passes a two-proportion z-test (pooled, |z| >= 1.959964): a real "
     "change, not "
     "noise. FALSE when either period has no cases."},
    {"Median days", F_MEDIAN_DAYS, K_DAYS, NULL,
     "Median days from start to end of the achieved cases concluded in the period (Excel "
     "PERCENTILE.INC at "
     "0.5)."},
    {"P90 days", F_P90_DAYS, K_DAYS, NULL,
     "90th percentile of days to outcome of the achieved cases (Excel PERCENTILE.INC at 0.9): nine "
     "in ten "
     "took no longer."},
    {"Contacts", F_CONTACTS, K_INT, NULL,
     "Rows of the event log (every touchpoint, back-office ones included), summed over the "
     "cases concluded in the period."},
    {"Failure contacts", F_FAILURE_CONTACTS, K_INT, NULL,
     "Failure demand: contacts caused by a failure to do something or do it right, summed over the "
     "cases "
     "concluded in the period."},
    {"Hand-offs", F_HANDOFFS, K_INT, NULL,
     "Hand-offs between departments, summed over the cases concluded in the period."},
    {"Contacts per case", F_CONTACTS_PER_CASE, K_RATIO, RATE_IF("Contacts", "Cases concluded"),
     "Contacts / Cases concluded (a formula)."},
    {"Failure demand share", F_FAILURE_DEMAND_SHARE, K_PCT, RATE_IF("Failure contacts", "Contacts"),
     "Failure contacts / Contacts (a formula; empty with no contacts)."},
    {"Hand-offs per case", F_HANDOFFS_PER_CASE, K_RATIO, RATE_IF("Hand-offs", "Cases concluded"),
     "Hand-offs / Cases concluded (a formula)."},
    {"Low volume", F_LOW_VOLUME, K_BOOL, NULL,
     "TRUE when fewer cases concluded than the pack's min_cases: read the rates with care."},
    {"Customers lost", F_CUSTOMERS_LOST, K_INT, NULL,
     "Distinct customers with an unsuccessful case concluded in the period who left within the "
     "churn window "
     "after it. Empty without a customers file."},
    {"Value lost", F_VALUE_LOST, K_MONEY, NULL, "Annual value of the customers lost."},
    {"Value at risk", F_VALUE_AT_RISK, K_MONEY, NULL,
     "Annual value of customers with an unsuccessful case concluded in the period who were not "
     "lost and were "
     "still customers at the period's end."},
    {"Year earlier cases concluded", F_PREV_YEAR_CASES_CONCLUDED, K_INT, NULL,
     "Cases concluded in the same period a year before (four quarters, twelve months, a year)."},
    {"Year earlier successful", F_PREV_YEAR_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the period a year before."},
    {"Year earlier SCO rate", F_PREV_YEAR_SCO_RATE, K_PCT,
     RATE_IF("Year earlier successful", "Year earlier cases concluded"),
     "SCO rate a year before: Year earlier successful / Year earlier cases concluded (a "
     "formula)."},
    {"Failure demand cost", F_FAILURE_DEMAND_COST, K_MONEY, NULL,
     "Failure contacts x the pack's failure_contact_cost (Settings); empty when it is not "
     "configured."},
};
#define NFIG ((int)(sizeof figure_cols / sizeof figure_cols[0]))

/* The Goals or Journeys columns: head, the journey figures, tail. The caller frees. */
static struct col *figure_table(const struct col *head, int nh, const struct col *tail, int nt,
                                int *n)
{
	struct col *c = xcalloc((size_t)(nh + NFIG + nt), sizeof *c);
	memcpy(c, head, (size_t)nh * sizeof *c);
	memcpy(c + nh, figure_cols, (size_t)NFIG * sizeof *c);
	memcpy(c + nh + NFIG, tail, (size_t)nt * sizeof *c);
	*n = nh + NFIG + nt;
	return c;
}

/* A figure table (figure_table's columns: head, then the figures, then tail) on its sheet;
 * target_field names its SCO target column (-1: none), whose rate is filled against it. */
static void put_figures(struct xw *x, struct sheet *sh, struct defs *defs, const char *table,
                        const struct col *head, int nh, const struct col *tail, int nt,
                        const struct rows *rows, int target_field, const char *none)
{
	int n;
	struct col *c = figure_table(head, nh, tail, nt, &n);
	lxw_row_t last = put_table(x, sh, 0, table, c, n, rows, none);
	int rate = col_of(c, n, F_SCO_RATE), target = col_of(c, n, target_field);
	if (rows->n && rate >= 0 && target >= 0)
		cond_target(x, sh, 1, last, (lxw_col_t)rate, (lxw_col_t)target);
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, sh->name, c, n);
	free(c);
}

/* ---- Summary ------------------------------------------------------------- */

/* The totals' figures beyond the journey figures (struct view_totals). */
enum total_field {
	T_KPI_GREEN_SHARE = F_END,
	T_PERCEPTION_GAP_PTS,
	T_MOTION_SHARE,
	T_CUSTOMERS_START, /* the growth figures, from here: empty without customers */
	T_CUSTOMERS_END,
	T_JOINERS,
	T_LEAVERS,
	T_NET_GROWTH,
	T_VALUE_END,
	T_SCO_CASES_KNOWN,
	T_SCO_CASES_LEFT,
	T_CHURN_AFTER_SCO,
	T_UNSUCCESSFUL_CASES_KNOWN,
	T_UNSUCCESSFUL_CASES_LEFT,
	T_CHURN_AFTER_UNSUCCESSFUL,
	T_CHURN_RATIO
};

static struct val totals_value(const struct view_totals *t, int field)
{
	const struct view_growth *g = &t->growth;
	if (field < F_END)
		return figure_value(&t->f, (enum fig_field)field);
	if (field >= T_CUSTOMERS_START && !t->have_growth)
		return v_none();
	switch ((enum total_field)field) {
	case T_KPI_GREEN_SHARE:
		return v_real(t->kpi_green_share);
	case T_PERCEPTION_GAP_PTS:
		return v_real(t->perception_gap_pts);
	case T_MOTION_SHARE:
		return v_real(t->motion_share);
	case T_CUSTOMERS_START:
		return v_count(g->customers_start);
	case T_CUSTOMERS_END:
		return v_count(g->customers_end);
	case T_JOINERS:
		return v_count(g->joiners);
	case T_LEAVERS:
		return v_count(g->leavers);
	case T_NET_GROWTH:
		return v_whole(g->net_growth);
	case T_VALUE_END:
		return v_real(g->value_end);
	case T_SCO_CASES_KNOWN:
		return v_count(g->sco_cases_known);
	case T_SCO_CASES_LEFT:
		return v_count(g->sco_cases_left);
	case T_CHURN_AFTER_SCO:
		return v_real(g->churn_after_sco);
	case T_UNSUCCESSFUL_CASES_KNOWN:
		return v_count(g->unsuccessful_cases_known);
	case T_UNSUCCESSFUL_CASES_LEFT:
		return v_count(g->unsuccessful_cases_left);
	case T_CHURN_AFTER_UNSUCCESSFUL:
		return v_real(g->churn_after_unsuccessful);
	case T_CHURN_RATIO:
		return v_real(g->churn_ratio);
	}
	no_field();
}

/*
 * A Summary figure: field is a fig_field or a total_field. formula uses {0}
 * and {1} for the Value cells of the figures a and b.
 */
struct fig {
	const char *label;
	int field;
	enum kind kind;
	const char *def;
	const char *formula; /* NULL: the value itself */
	int a, b;
};

#define FIG_RATE "IF({1}=0,\"\",{0}/{1})"
#define FIG_CHANGE "IF(OR({0}=\"\",{1}=\"\"),\"\",({0}-{1})*100)"
#define NO_FORMULA NULL, 0, 0

static const struct fig summary_figs[] = {
    {"Cases started", F_CASES_STARTED, K_INT, "Cases whose start lies in the period.", NO_FORMULA},
    {"Cases concluded", F_CASES_CONCLUDED, K_INT, "Cases whose end lies in the period.",
     NO_FORMULA},
    {"Successful outcomes", F_SUCCESSFUL, K_INT,
     "Concluded cases with a successful customer outcome: achieved, within the promise, without "
     "too much "
     "failure demand.",
     NO_FORMULA},
    {"SCO rate (successful customer outcome rate)", F_SCO_RATE, K_PCT,
     "Successful outcomes / Cases concluded: did customers get what they came for? (a formula)",
     FIG_RATE, F_SUCCESSFUL, F_CASES_CONCLUDED},
    {"SCO rate, 95 % interval from", F_SCO_CI_LOW, K_PCT,
     "Lower end of the 95 % Wilson score interval of the SCO rate.", NO_FORMULA},
    {"SCO rate, 95 % interval to", F_SCO_CI_HIGH, K_PCT,
     "Upper end of the 95 % Wilson score interval of the SCO rate.", NO_FORMULA},
    {"Previous period: cases concluded", F_PREV_CASES_CONCLUDED, K_INT,
     "Cases concluded in the previous period.", NO_FORMULA},
    {"Previous period: successful outcomes", F_PREV_SUCCESSFUL, K_INT,
     "Successful outcomes concluded in the previous period.", NO_FORMULA},
    {"Previous period: SCO rate", F_PREV_SCO_RATE, K_PCT,
     "The previous period's successful outcomes / its cases concluded (a formula).", FIG_RATE,
     F_PREV_SUCCESSFUL, F_PREV_CASES_CONCLUDED},
    {"Change in SCO rate vs previous period (points)", F_SCO_CHANGE_PTS, K_PTS,
     "(SCO rate - previous SCO rate) x 100, in percentage points (a formula).", FIG_CHANGE,
     F_SCO_RATE, F_PREV_SCO_RATE},
    {"Change is real, not noise", F_CHANGE_SIGNIFICANT, K_BOOL,
     "TRUE when a two-proportion z-test finds the change significant at 95 %.", NO_FORMULA},
    {"Achieved", F_ACHIEVED, K_INT, "Concluded cases with the outcome 'achieved'.", NO_FORMULA},
    {"Failed", F_FAILED, K_INT, "Concluded cases with the outcome 'failed'.", NO_FORMULA},
    {"Abandoned", F_ABANDONED, K_INT, "Concluded cases with the outcome 'abandoned'.", NO_FORMULA},
    {"Open at the period's end", F_OPEN, K_INT,
     "Cases started by the period's end and not concluded by it.", NO_FORMULA},
    {"Median days to outcome", F_MEDIAN_DAYS, K_DAYS,
     "Median days to outcome of the achieved cases.", NO_FORMULA},
    {"90th percentile days to outcome", F_P90_DAYS, K_DAYS,
     "Nine in ten achieved cases took no longer than this many days.", NO_FORMULA},
    {"Contacts", F_CONTACTS, K_INT,
     "Rows of the event log in the cases concluded in the period: every touchpoint, back-office "
     "ones included.",
     NO_FORMULA},
    {"Failure contacts", F_FAILURE_CONTACTS, K_INT,
     "Contacts caused by a failure to do something or do it right (failure demand).", NO_FORMULA},
    {"Failure demand share", F_FAILURE_DEMAND_SHARE, K_PCT,
     "Failure contacts / Contacts (a formula).", FIG_RATE, F_FAILURE_CONTACTS, F_CONTACTS},
    {"Contacts per case", F_CONTACTS_PER_CASE, K_RATIO, "Contacts / Cases concluded (a formula).",
     FIG_RATE, F_CONTACTS, F_CASES_CONCLUDED},
    {"Hand-offs", F_HANDOFFS, K_INT,
     "Hand-offs between departments in the cases concluded in the period.", NO_FORMULA},
    {"Hand-offs per case", F_HANDOFFS_PER_CASE, K_RATIO, "Hand-offs / Cases concluded (a formula).",
     FIG_RATE, F_HANDOFFS, F_CASES_CONCLUDED},
    {"Customers lost after an unsuccessful outcome", F_CUSTOMERS_LOST, K_INT,
     "Distinct customers who left within the churn window after an unsuccessful case concluded in "
     "the period.",
     NO_FORMULA},
    {"Value lost", F_VALUE_LOST, K_MONEY, "Annual value of the customers lost.", NO_FORMULA},
    {"Value at risk", F_VALUE_AT_RISK, K_MONEY,
     "Annual value of customers with an unsuccessful case who are still customers.", NO_FORMULA},
    {"KPI green share", T_KPI_GREEN_SHARE, K_PCT,
     "Share of all the period's KPIs that are green: how the dashboards look.", NO_FORMULA},
    {"Perception gap (points)", T_PERCEPTION_GAP_PTS, K_PTS,
     "(KPI green share - SCO rate) x 100 (a formula): how much greener the dashboards look than "
     "customers' "
     "lives.",
     FIG_CHANGE, T_KPI_GREEN_SHARE, F_SCO_RATE},
    {"Motion share (KPIs measuring output)", T_MOTION_SHARE, K_PCT,
     "Share of the period's KPIs of kind 'output': they measure activity, not impact.", NO_FORMULA},
    {"Customers at the start", T_CUSTOMERS_START, K_INT,
     "Customers who joined before the period and had not left before it started. Empty without a "
     "customers "
     "file (as are the growth figures below).",
     NO_FORMULA},
    {"Customers at the end", T_CUSTOMERS_END, K_INT,
     "Customers who joined by the period's last day and had not left by it.", NO_FORMULA},
    {"Joiners", T_JOINERS, K_INT, "Customers who joined within the period.", NO_FORMULA},
    {"Leavers", T_LEAVERS, K_INT, "Customers who left within the period.", NO_FORMULA},
    {"Net growth", T_NET_GROWTH, K_INT,
     "Customers at the end - customers at the start (a formula).",
     "IF(OR({0}=\"\",{1}=\"\"),\"\",{0}-{1})", T_CUSTOMERS_END, T_CUSTOMERS_START},
    {"Value of customers at the end", T_VALUE_END, K_MONEY,
     "Annual value of the customers at the period's end.", NO_FORMULA},
    {"Successful cases with a known customer", T_SCO_CASES_KNOWN, K_INT,
     "Successful cases concluded in the period whose customer is in the customers file.",
     NO_FORMULA},
    {"Successful cases whose customer left within the window", T_SCO_CASES_LEFT, K_INT,
     "Of those, the cases whose customer left within the churn window.", NO_FORMULA},
    {"Churn after a successful outcome", T_CHURN_AFTER_SCO, K_PCT,
     "Share of successful cases whose customer left within the window (a formula).", FIG_RATE,
     T_SCO_CASES_LEFT, T_SCO_CASES_KNOWN},
    {"Unsuccessful cases with a known customer", T_UNSUCCESSFUL_CASES_KNOWN, K_INT,
     "Unsuccessful cases concluded in the period whose customer is in the customers file.",
     NO_FORMULA},
    {"Unsuccessful cases whose customer left within the window", T_UNSUCCESSFUL_CASES_LEFT, K_INT,
     "Of those, the cases whose customer left within the churn window.", NO_FORMULA},
    {"Churn after an unsuccessful outcome", T_CHURN_AFTER_UNSUCCESSFUL, K_PCT,
     "Share of unsuccessful cases whose customer left within the window (a formula).", FIG_RATE,
     T_UNSUCCESSFUL_CASES_LEFT, T_UNSUCCESSFUL_CASES_KNOWN},
    {"Churn ratio (how much likelier to leave)", T_CHURN_RATIO, K_RATIO,
     "Churn after an unsuccessful outcome / churn after a successful one (a formula).",
     "IF(OR({0}=\"\",{1}=\"\",{0}=0),\"\",{1}/{0})", T_CHURN_AFTER_SCO, T_CHURN_AFTER_UNSUCCESSFUL},
};
#define NSUMFIG N(summary_figs)

/* The Summary row of the figure showing field. */
static int summary_row(int field)
{
	for (int i = 0; i < NSUMFIG; i++)
		if (summary_figs[i].field == field)
			return i;
	abort(); /* a formula over a figure the Summary does not list: a bug any test shows */
}

/* The figure's formula with {0} and {1} as plain references to the Value column (B) of its
 * inputs, or NULL. */
static char *fig_formula(const struct fig *f, lxw_row_t first)
{
	if (!f->formula)
		return NULL;
	struct strbuf b = STRBUF_INIT;
	for (const char *p = f->formula; *p;) {
		if (*p != '{') {
			strbuf_putc(&b, *p++);
			continue;
		}
		int row = summary_row(p[1] == '0' ? f->a : f->b);
		strbuf_printf(&b, "B%u", (unsigned)(first + (lxw_row_t)row + 1));
		p += 3; /* "{0}" */
	}
	return strbuf_detach(&b);
}

#define CASES_LISTED_DEF                                                                           \
	"Cases concluded in a period of the trend window or open at the report period's end: one " \
	"row each on the Cases sheet (continued on Cases (2)... past Excel's 1,048,576 rows)."
#define CASES_LISTED_LABEL "Cases listed on the Cases sheets"

/* The context rows above the figures on the Summary sheet. */
enum info_field {
	I_PERIOD,
	I_PREVIOUS,
	I_ORGANISATION,
	I_REGION,
	I_DATA_FROM,
	I_DATA_TO,
	I_CURRENCY
};
static const struct {
	const char *label;
	enum info_field field;
	enum kind kind;
	const char *def;
} info[] = {
    {"Period", I_PERIOD, K_TEXT, "The report period."},
    {"Previous period", I_PREVIOUS, K_TEXT, "The period compared with."},
    {"Organisation", I_ORGANISATION, K_TEXT, "Whose pack this is."},
    {"Region", I_REGION, K_TEXT,
     "The region of a regional pack; empty for the whole organisation."},
    {"Data from", I_DATA_FROM, K_DATE, "First date in the case data."},
    {"Data to", I_DATA_TO, K_DATE, "Last date in the case data: the date the data runs to."},
    {"Currency", I_CURRENCY, K_TEXT, "The currency of the money figures (ISO 4217)."},
};

static struct val info_value(const struct view *v, enum info_field field)
{
	switch (field) {
	case I_PERIOD:
		return v_text(v->period.label);
	case I_PREVIOUS:
		return v_text(v->previous.label);
	case I_ORGANISATION:
		return v_text(v->organisation);
	case I_REGION:
		return v_text(v->region);
	case I_DATA_FROM:
		return v_day_of(v->data_from_ms);
	case I_DATA_TO:
		return v_day_of(v->data_to_ms);
	case I_CURRENCY:
		return v_text(v->currency);
	}
	no_field();
}

enum summary_field { SC_FIGURE, SC_VALUE, SC_HOW };
static const struct col summary_cols[] = {
    {"Figure", SC_FIGURE, K_TEXT, NULL, "The figure, in plain words."},
    {"Value", SC_VALUE, K_NUM, NULL, "Its value for the period (rates formatted as percentages)."},
    {"How it is computed", SC_HOW, K_TEXT, NULL,
     "What it counts and how; '(a formula)' when Value is one."},
};

/* The Summary table's rows: the context, the figures, the cases listed. */
struct summary_rows {
	const struct view *v;
	long listed;
};

static struct val summary_cell(const void *ctx, size_t i, int field)
{
	const struct summary_rows *s = ctx;
	size_t nfig = (size_t)NSUMFIG, ninfo = (size_t)N(info);
	const char *label = CASES_LISTED_LABEL, *how = CASES_LISTED_DEF;
	struct val value = v_count(s->listed);
	if (i < ninfo) {
		label = info[i].label;
		how = info[i].def;
		value = info_value(s->v, info[i].field);
	} else if (i < ninfo + nfig) {
		label = summary_figs[i - ninfo].label;
		how = summary_figs[i - ninfo].def;
		value = totals_value(&s->v->totals, summary_figs[i - ninfo].field);
	}
	switch ((enum summary_field)field) {
	case SC_FIGURE:
		return v_text(label);
	case SC_VALUE:
		return value;
	case SC_HOW:
		return v_text(how);
	}
	no_field();
}

static void summary_defs(struct defs *defs)
{
	add_defs(defs, "Summary", summary_cols, N(summary_cols));
	for (int i = 0; i < N(info); i++)
		add_def(defs, "Summary", info[i].label, info[i].def);
	for (int i = 0; i < NSUMFIG; i++)
		add_def(defs, "Summary", summary_figs[i].label, summary_figs[i].def);
	add_def(defs, "Summary", CASES_LISTED_LABEL, CASES_LISTED_DEF);
}

/* The Summary sheet: the context of the pack, and its figures (the trend chart and the KPI chart
 * are placed on it by Journeys and Departments). */
void put_summary(struct xw *x, struct sheet *sh, const struct view *v, const char *title,
                 long listed, struct defs *defs)
{
	struct strbuf b = STRBUF_INIT;
	put_title(x, sh, 0, 0, title, x->title);
	strbuf_printf(&b, "%s · %s · %s", or_empty(v->organisation), v->period.label,
	              v->region ? v->region : "whole organisation");
	put_title(x, sh, 1, 0, strbuf_str(&b), NULL);
	put_title(x, sh, 2, 0,
	          "Rates are formulas over the counts beside them, with their value stored; the "
	          "charts use the "
	          "Journeys and Departments sheets.",
	          x->italic);

	/* The context rows, then the figures: Figure, Value, How it is computed. The table writes
	 * each Value as a plain number (or text), which is typed per figure below. */
	lxw_row_t head = 4, first = head + 1 + N(info);
	struct summary_rows ctx = {v, listed};
	struct rows rows = {(size_t)(N(info) + NSUMFIG + 1), summary_cell, &ctx};
	lxw_row_t last =
	    put_table(x, sh, head, "tblSummary", summary_cols, N(summary_cols), &rows, "");
	/* Re-type the Value column per figure, and write the rates as formulas over the counts. */
	for (int i = 0; i < N(info); i++)
		put_value(x, sh, head + 1 + (lxw_row_t)i, 1, info[i].kind,
		          info_value(v, info[i].field));
	for (int i = 0; i < NSUMFIG; i++) {
		const struct fig *f = &summary_figs[i];
		lxw_row_t r = first + (lxw_row_t)i;
		struct val value = totals_value(&v->totals, f->field);
		char *formula = fig_formula(f, first);
		if (formula)
			put_formula(x, sh, r, 1, f->kind, formula, value);
		else
			put_value(x, sh, r, 1, f->kind, value);
		free(formula);
	}
	put_number(x, sh, last, 1, K_INT, (double)listed);
	worksheet_freeze_panes(sh->ws, head + 1, 0);
	page_setup(x, sh, head);
	strbuf_free(&b);
	summary_defs(defs);
}

/* ---- Goals, Journeys and the trend table -------------------------------- */

/* A goal's own columns (struct view_goal), before and after its figures. */
enum goal_field { G_GOAL = F_END, G_JOURNEYS, G_SCO_TARGET };

static struct val goal_cell(const void *ctx, size_t i, int field)
{
	const struct view_goal *g = &((const struct view *)ctx)->goals[i];
	if (field < F_END)
		return figure_value(&g->f, (enum fig_field)field);
	switch ((enum goal_field)field) {
	case G_GOAL:
		return v_text(g->goal);
	case G_JOURNEYS:
		return v_names(g->journeys, g->njourneys);
	case G_SCO_TARGET:
		return v_real(g->sco_target);
	}
	no_field();
}

static const struct col goal_head[] = {
    {"Goal", G_GOAL, K_TEXT, NULL, "The customer's life goal, in the customer's own words."},
    {"Journeys", G_JOURNEYS, K_LIST, NULL,
     "The journeys that serve this goal, separated by \"; \"."},
};
static const struct col goal_tail[] = {
    {"SCO target", G_SCO_TARGET, K_PCT, NULL,
     "The goal's SCO target: its journeys' target when they share one, otherwise their targets "
     "weighted by "
     "cases concluded. The SCO rate is filled red below it, green at or above it."},
};
enum journey_field {
	J_JOURNEY = F_END,
	J_GOAL,
	J_SCO_TARGET,
	J_PROMISE_DAYS,
	J_MAX_FAILURE_CONTACTS
};

static struct val journey_cell(const void *ctx, size_t i, int field)
{
	const struct view_journey *j = &((const struct view *)ctx)->journeys[i];
	if (field < F_END)
		return figure_value(&j->f, (enum fig_field)field);
	switch ((enum journey_field)field) {
	case J_JOURNEY:
		return v_text(j->journey);
	case J_GOAL:
		return v_text(j->goal);
	case J_SCO_TARGET:
		return v_real(j->sco_target);
	case J_PROMISE_DAYS:
		return v_real(j->promise_days);
	case J_MAX_FAILURE_CONTACTS:
		return v_count(j->max_failure_contacts);
	}
	no_field();
}

static const struct col journey_head[] = {
    {"Journey", J_JOURNEY, K_TEXT, NULL, "The journey (the customer's case type)."},
    {"Goal", J_GOAL, K_TEXT, NULL, "The life goal the journey serves."},
};
static const struct col journey_tail[] = {
    {"SCO target", J_SCO_TARGET, K_PCT, NULL,
     "The share of successful outcomes aimed for. The SCO rate is filled red below it, green at or "
     "above it."},
    {"Promise days", J_PROMISE_DAYS, K_NUM, NULL,
     "Days within which the customer expects the outcome; empty when no promise is set."},
    {"Max failure contacts", J_MAX_FAILURE_CONTACTS, K_INT, NULL,
     "Failure contacts a case may have and still count as successful."},
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The union of the journeys' trend periods, sorted (labels of one length sort as periods). The
 * caller frees the array. */
static const char **trend_periods(const struct view *v, size_t *n)
{
	size_t cap = 8, cnt = 0;
	const char **p = xreallocarray(NULL, cap, sizeof *p);
	for (size_t i = 0; i < v->njourneys; i++) {
		const struct view_figures *f = &v->journeys[i].f;
		for (size_t j = 0; j < f->ntrend; j++) {
			if (cnt == cap)
				p = xreallocarray(p, cap *= 2, sizeof *p);
			p[cnt++] = f->trend[j].period.label;
		}
	}
	qsort(p, cnt, sizeof *p, cmp_str);
	size_t u = 0;
	for (size_t i = 0; i < cnt; i++)
		if (!u || strcmp(p[u - 1], p[i]) != 0)
			p[u++] = p[i];
	*n = u;
	return p;
}

/* The trend table's rows, a period each: field 0 is the period, field j + 1 journey j's rate. */
struct trend_table {
	const struct view *v;
	const char **per;
};

/* The SCO rate of a journey in a period (of its last trend point there), or none. */
static struct val trend_rate(const struct view_figures *f, const char *period)
{
	struct val rate = v_none();
	for (size_t k = 0; k < f->ntrend; k++)
		if (strcmp(f->trend[k].period.label, period) == 0)
			rate = v_real(f->trend[k].sco_rate);
	return rate;
}

static struct val trend_table_cell(const void *ctx, size_t i, int field)
{
	const struct trend_table *t = ctx;
	if (field == 0)
		return v_text(t->per[i]);
	if (field < 0 || (size_t)field > t->v->njourneys)
		no_field();
	return trend_rate(&t->v->journeys[field - 1].f, t->per[i]);
}

static const lxw_color_t line_colors[] = {0x08306B, 0xE08214, 0x4D4D4D, 0x8073AC,
                                          0xB35806, 0x1B7837, 0x9E9E9E};
static const uint8_t line_dashes[] = {LXW_CHART_LINE_DASH_SOLID, LXW_CHART_LINE_DASH_DASH,
                                      LXW_CHART_LINE_DASH_ROUND_DOT, LXW_CHART_LINE_DASH_LONG_DASH,
                                      LXW_CHART_LINE_DASH_DASH_DOT};
static const uint8_t line_markers[] = {LXW_CHART_MARKER_CIRCLE, LXW_CHART_MARKER_SQUARE,
                                       LXW_CHART_MARKER_TRIANGLE, LXW_CHART_MARKER_DIAMOND,
                                       LXW_CHART_MARKER_X};

/* The line chart of the trend table (header at row head of sh, nper periods, nj journeys),
 * placed on the Summary sheet. */
static void trend_chart(struct xw *x, struct sheet *sh, lxw_row_t head, size_t nper, size_t nj,
                        struct sheet *summary)
{
	lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
	for (size_t j = 0; j < nj; j++) {
		lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
		chart_series_set_categories(s, sh->name, head + 1, 0, head + (lxw_row_t)nper, 0);
		chart_series_set_values(s, sh->name, head + 1, (lxw_col_t)(j + 1),
		                        head + (lxw_row_t)nper, (lxw_col_t)(j + 1));
		chart_series_set_name_range(s, sh->name, head, (lxw_col_t)(j + 1));
		lxw_chart_line line = {.color = line_colors[j % N(line_colors)],
		                       .width = 2.25f,
		                       .dash_type = line_dashes[j % N(line_dashes)]};
		chart_series_set_line(s, &line);
		chart_series_set_marker_type(s, line_markers[j % N(line_markers)]);
		chart_series_set_marker_size(s, 7);
		lxw_chart_fill mf = {.color = line_colors[j % N(line_colors)]};
		chart_series_set_marker_fill(s, &mf);
	}
	chart_title_set_name(ch, "SCO rate by journey");
	chart_axis_set_num_format(ch->y_axis, "0%");
	chart_axis_set_min(ch->y_axis, 0);
	chart_axis_set_max(ch->y_axis, 1);
	chart_axis_set_name(ch->y_axis, "SCO rate");
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	lxw_chart_options co = {.x_scale = 1.4, .y_scale = 1.4};
	check(x, worksheet_insert_chart_opt(summary->ws, 4, 4, ch, &co), "inserting a chart");
}

/*
 * The trend table under the journeys (a period per row, a journey's SCO
 * rate per column) and the line chart of it, placed on the Summary sheet.
 */
static void put_trend(struct xw *x, struct sheet *sh, lxw_row_t row0, const struct view *v,
                      struct sheet *summary, struct defs *defs)
{
	size_t nper, nj = v->njourneys;
	const char **per = trend_periods(v, &nper);
	put_title(
	    x, sh, row0, 0,
	    "SCO rate by period (the chart on the Summary sheet is drawn from this table; the "
	    "Trend sheet has the counts)",
	    x->title);
	lxw_row_t head = row0 + 1;
	int n = (int)nj + 1;
	struct col *cols = xcalloc((size_t)n, sizeof *cols);
	cols[0] = (struct col){"Period", 0, K_TEXT, NULL, "The period."};
	/* put_table makes the headers valid (cleaned, unique ignoring case) */
	for (size_t j = 0; j < nj; j++)
		cols[j + 1] =
		    (struct col){or_empty(v->journeys[j].journey), (int)j + 1, K_PCT, NULL, NULL};
	struct trend_table t = {v, per};
	struct rows rows = {nper, trend_table_cell, &t};
	put_table(x, sh, head, "tblTrendByJourney", cols, n, &rows,
	          "No period has concluded cases.");
	add_def(defs, sh->name, "Period (trend table)",
	        "A period with concluded cases, among the last 8 up to the report period, "
	        "oldest first.");
	add_def(defs, sh->name, "<journey> (trend table)",
	        "The journey's SCO rate in that period (successful / cases concluded); "
	        "empty when it had no concluded cases then.");
	if (nper && nj)
		trend_chart(x, sh, head, nper, nj, summary);
	free(cols);
	free(per);
}

/* Goals, and Journeys with the trend table. */
void put_goals_journeys(struct xw *x, struct sheet *goals_sh, struct sheet *journeys_sh,
                        struct sheet *summary, const struct view *v, struct defs *defs)
{
	struct rows goals = {v->ngoals, goal_cell, v};
	put_figures(x, goals_sh, defs, "tblGoals", goal_head, N(goal_head), goal_tail, N(goal_tail),
	            &goals, G_SCO_TARGET, "No goals.");
	struct rows journeys = {v->njourneys, journey_cell, v};
	put_figures(x, journeys_sh, defs, "tblJourneys", journey_head, N(journey_head),
	            journey_tail, N(journey_tail), &journeys, J_SCO_TARGET, "No journeys.");
	size_t nj = v->njourneys;
	put_trend(x, journeys_sh, (lxw_row_t)(nj ? nj : 1) + 3, v, summary, defs);
}

/* ---- Trend --------------------------------------------------------------- */

/* A row of the Trend sheet: a trend point of the whole pack, a goal or a journey. */
struct trend_line {
	const char *level, *name;
	const struct view_trend_point *p;
};
enum trend_field { TR_LEVEL, TR_NAME, TR_PERIOD, TR_CASES_CONCLUDED, TR_SUCCESSFUL, TR_SCO_RATE };

static struct val trend_cell(const void *ctx, size_t i, int field)
{
	const struct trend_line *l = &((const struct trend_line *)ctx)[i];
	switch ((enum trend_field)field) {
	case TR_LEVEL:
		return v_text(l->level);
	case TR_NAME:
		return v_text(l->name);
	case TR_PERIOD:
		return v_text(l->p->period.label);
	case TR_CASES_CONCLUDED:
		return v_count(l->p->cases_concluded);
	case TR_SUCCESSFUL:
		return v_count(l->p->successful);
	case TR_SCO_RATE:
		return v_real(l->p->sco_rate);
	}
	no_field();
}

static const struct col trend_cols[] = {
    {"Level", TR_LEVEL, K_TEXT, NULL, "journey, goal, or whole (every case of the pack)."},
    {"Name", TR_NAME, K_TEXT, NULL,
     "The journey, the goal, or the pack (the organisation or the region)."},
    {"Period", TR_PERIOD, K_TEXT, NULL,
     "A period with concluded cases, among the last 8 up to the report period, oldest first."},
    {"Cases concluded", TR_CASES_CONCLUDED, K_INT, NULL, "Cases concluded in the period."},
    {"Successful", TR_SUCCESSFUL, K_INT, NULL,
     "Successful customer outcomes concluded in the period."},
    {"SCO rate", TR_SCO_RATE, K_PCT, RATE_IF("Successful", "Cases concluded"),
     "Successful / Cases concluded (a formula)."},
};

static void trend_lines(struct trend_line *lines, size_t *n, const char *level, const char *name,
                        const struct view_figures *f)
{
	for (size_t i = 0; i < f->ntrend; i++)
		lines[(*n)++] = (struct trend_line){level, or_empty(name), &f->trend[i]};
}

/* The Trend sheet: per journey, goal and the whole pack, per period, the counts and the rate. */
void put_trend_sheet(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	size_t cap = v->totals.f.ntrend, n = 0;
	for (size_t i = 0; i < v->ngoals; i++)
		cap += v->goals[i].f.ntrend;
	for (size_t i = 0; i < v->njourneys; i++)
		cap += v->journeys[i].f.ntrend;
	struct trend_line *lines = xcalloc(cap ? cap : 1, sizeof *lines);
	const char *org = v->organisation;
	trend_lines(lines, &n, "whole",
	            v->region     ? v->region
	            : org && *org ? org
	                          : "Whole organisation",
	            &v->totals.f);
	for (size_t i = 0; i < v->ngoals; i++)
		trend_lines(lines, &n, "goal", v->goals[i].goal, &v->goals[i].f);
	for (size_t i = 0; i < v->njourneys; i++)
		trend_lines(lines, &n, "journey", v->journeys[i].journey, &v->journeys[i].f);
	struct rows rows = {n, trend_cell, lines};
	put_table(x, sh, 0, "tblTrend", trend_cols, N(trend_cols), &rows,
	          "No period has concluded cases.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, "Trend", trend_cols, N(trend_cols));
	free(lines);
}

/* ---- Regions ------------------------------------------------------------- */

enum region_field { RG_REGION = F_END };

static struct val region_cell(const void *ctx, size_t i, int field)
{
	const struct view_region *r = &((const struct view *)ctx)->regions[i];
	if (field < F_END)
		return figure_value(&r->f, (enum fig_field)field);
	switch ((enum region_field)field) {
	case RG_REGION:
		return v_text(r->region);
	}
	no_field();
}

static const struct col region_head[] = {
    {"Region", RG_REGION, K_TEXT, NULL,
     "The region (regions[] of the JSON): its figures are those of its own regional pack. "
     "Regions worst SCO rate first; cases with no region are in no row."},
};

/* Regions: a regional pack has none (they are compared in the whole organisation's pack). */
void put_regions(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct rows regions = {v->has_regions ? v->nregions : 0, region_cell, v};
	put_figures(x, sh, defs, "tblRegions", region_head, N(region_head), region_head, 0,
	            &regions, -1,
	            v->has_regions ? "The data has no region."
	                           : "A regional pack: the regions are compared in the whole "
	                             "organisation's pack.");
}
