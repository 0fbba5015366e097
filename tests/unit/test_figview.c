/*
 * Unit tests: figure blocks that take their numbers from the view (data=REF, a card's @series,
 * docs/pdf.md "Figures from the pack"), against a view built by hand. Each reference must draw
 * exactly what the row form draws with the same numbers written out by hand, and each bad
 * reference is a template error naming the block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/charts.h"
#include "pdf/layout.h"
#include "util/diag.h"
#include "view/view.h"

#define NBSP "\xC2\xA0"

static struct view_goal goals[2];
static struct view_journey journeys[3];
static struct view_department departments[3];
static struct view_cell cells[3 * 3];
static size_t failure_order[2] = {1, 0};
static struct view view;

static void trend_point(struct view_figures *f, const char *label, long cases, long successful)
{
	struct view_trend_point *t = &f->trend[f->ntrend++];
	snprintf(t->period.label, sizeof t->period.label, "%s", label);
	t->cases_concluded = cases;
	t->successful = successful;
}

/*
 * A pack of two goals, three journeys and three departments. The totals' trend has a period
 * without cases; goal 1 (target 0.85) two periods, goal 2 (0.7) one; journey 3 (0.9) two.
 * Failure demand: Contact Centre 1,234 contacts, Billing 96, Metering none (of 1,330).
 */
static void build_view(void)
{
	memset(&view, 0, sizeof view);
	memset(goals, 0, sizeof goals);
	memset(journeys, 0, sizeof journeys);
	view.settings.min_cases = 30;
	view.settings.sco_target = 0.8;
	view.settings.number_locale = "en";
	trend_point(&view.totals.f, "2026-Q1", 100, 60);
	trend_point(&view.totals.f, "2026-Q2", 0, 0);
	trend_point(&view.totals.f, "2026-Q3", 120, 90);
	/* the cards' series: written here as the view holds them, NAN for a period without */
	const double sparks[VIEW_SPARKS][3] = {
	    {0.6, NAN, 0.75}, {5, NAN, 3}, {0.125, 0.25, 0.5}, {20, NAN, 5.5}};
	for (int k = 0; k < VIEW_SPARKS; k++)
		for (int i = 0; i < 3; i++)
			view.totals.sparks[k][i] = sparks[k][i];
	goals[0] = (struct view_goal){.goal = "Move home", .sco_target = 0.85};
	trend_point(&goals[0].f, "2026-Q2", 40, 30);
	trend_point(&goals[0].f, "2026-Q3", 50, 20);
	goals[1] = (struct view_goal){.goal = "Pay a bill", .sco_target = 0.7};
	trend_point(&goals[1].f, "2026-Q3", 10, 9);
	view.goals = goals;
	view.ngoals = 2;
	const char *jn[3] = {"Moving home", "Paying a bill", "Getting a fault fixed"};
	for (int j = 0; j < 3; j++)
		journeys[j] = (struct view_journey){.journey = jn[j], .sco_target = 0.8};
	journeys[2].sco_target = 0.9;
	trend_point(&journeys[2].f, "2026-Q2", 7, 7);
	trend_point(&journeys[2].f, "2026-Q3", 33, 11);
	view.journeys = journeys;
	view.njourneys = 3;
	const char *dn[3] = {"Billing", "Contact Centre", "Metering"};
	const long fc[3] = {96, 1234, 0};
	for (int d = 0; d < 3; d++)
		departments[d] = (struct view_department){.department = dn[d],
		                                          .failure_contacts = fc[d],
		                                          .failure_share = fc[d] / 1330.0};
	view.departments = departments;
	view.ndepartments = 3;
	view.failure_order = failure_order;
	view.nfailure_order = 2;
	/* row-major by journey: cases, successful; 0 cases is an empty cell */
	const long cs[9][2] = {{100, 60}, {0, 0},  {4, 3},    {0, 0}, {45, 40},
	                       {0, 0},    {12, 1}, {200, 50}, {0, 0}};
	for (int c = 0; c < 9; c++)
		cells[c] = (struct view_cell){.journey = jn[c / 3],
		                              .department = dn[c % 3],
		                              .cases = cs[c][0],
		                              .successful = cs[c][1]};
	view.cells = cells;
}

static struct fontsub *fonts[FONT_COUNT];

/* Parses a block with diag's output captured into msgs; returns the figure (NULL: refused). */
static struct figure *parse(const char *info, const char *body, const struct view *v, char *msgs,
                            size_t size)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	diag_set_stream(fp);
	struct figure *fig = figure_parse(info, body, 3, v);
	diag_set_stream(NULL);
	rewind(fp);
	size_t n = fread(msgs, 1, size - 1, fp);
	msgs[n] = '\0';
	fclose(fp);
	return fig;
}

/* Draws a block that must parse into pg. */
static void draw(const char *info, const char *body, const struct view *v, struct page *pg)
{
	if (!fonts[FONT_REGULAR]) {
		fonts[FONT_REGULAR] = fontsub_open("fonts/DejaVuSans.ttf");
		fonts[FONT_BOLD] = fontsub_open("fonts/DejaVuSans-Bold.ttf");
	}
	assert_non_null(fonts[FONT_REGULAR]);
	assert_non_null(fonts[FONT_BOLD]);
	char msgs[1024];
	struct figure *f = parse(info, body, v, msgs, sizeof msgs);
	if (!f)
		fail_msg("%s: refused: %s", info, msgs);
	assert_string_equal(msgs, "");
	struct chart_ctx ctx = {fonts, 0, 0, layout_wrap};
	memset(pg, 0, sizeof *pg);
	figure_draw(f, pg, &ctx, 467, 600);
	figure_free(f);
}

static bool same_color(struct color a, struct color b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Whether two drawing lists are the same, item by item and to the bit. */
static void assert_same_page(const struct page *a, const struct page *b, const char *what)
{
	if (a->n != b->n)
		fail_msg("%s: %zu items, the rows draw %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct item *x = &a->items[i], *y = &b->items[i];
		bool same = x->kind == y->kind && x->x == y->x && x->y == y->y && x->w == y->w &&
		            x->h == y->h && x->radius == y->radius &&
		            same_color(x->fill, y->fill) && same_color(x->stroke, y->stroke) &&
		            x->filled == y->filled && x->stroked == y->stroked &&
		            x->line_width == y->line_width && x->dash == y->dash &&
		            x->font == y->font && x->size == y->size && x->slant == y->slant &&
		            x->closed == y->closed && x->npts == y->npts &&
		            (x->text == NULL) == (y->text == NULL) &&
		            (!x->text || strcmp(x->text, y->text) == 0) &&
		            (!x->npts || memcmp(x->pts, y->pts, 2 * x->npts * sizeof *x->pts) == 0);
		if (!same)
			fail_msg(
			    "%s: item %zu differs (kind %d, \"%s\" at %.3f, %.3f; the rows: kind "
			    "%d, \"%s\" at %.3f, %.3f)",
			    what, i, x->kind, x->text ? x->text : "", x->x, x->y, y->kind,
			    y->text ? y->text : "", y->x, y->y);
	}
}

/* Whether pg has a text item that is exactly s. */
static bool has_text(const struct page *pg, const char *s)
{
	for (size_t i = 0; i < pg->n; i++)
		if (pg->items[i].kind == ITEM_TEXT && strcmp(pg->items[i].text, s) == 0)
			return true;
	return false;
}

/* The block with data=/@ against the view draws what the rows draw; returns nothing, frees all. */
static void check_same(const char *info, const char *body, const char *rows_info, const char *rows)
{
	struct page a, b;
	draw(info, body, &view, &a);
	draw(rows_info, rows, NULL, &b);
	assert_same_page(&a, &b, info);
	page_clear(&a);
	page_clear(&b);
}

static void trends(void **state)
{
	(void)state;
	build_view();
	/* the totals: the pack's sco_target */
	check_same("figure trend data=totals title=\"T\"", "",
	           "figure trend target=0.8 title=\"T\"",
	           "2026-Q1 | 100 | 60\n2026-Q2 | 0 | 0\n2026-Q3 | 120 | 90\n");
	/* a goal, by its number from 1, with its own target */
	check_same("figure trend data=goal:1", "", "figure trend target=0.85",
	           "2026-Q2 | 40 | 30\n2026-Q3 | 50 | 20\n");
	check_same("figure trend data=goal:2", "\n  \n", "figure trend target=0.7",
	           "2026-Q3 | 10 | 9\n");
	check_same("figure trend data=journey:3", "", "figure trend target=0.9",
	           "2026-Q2 | 7 | 7\n2026-Q3 | 33 | 11\n");
	/* a written target wins; an empty one draws none */
	check_same("figure trend data=goal:1 target=0.5", "", "figure trend target=0.5",
	           "2026-Q2 | 40 | 30\n2026-Q3 | 50 | 20\n");
	check_same("figure trend data=goal:1 target=", "", "figure trend",
	           "2026-Q2 | 40 | 30\n2026-Q3 | 50 | 20\n");
	/* the target is the goal's: its label says so */
	struct page pg;
	draw("figure trend data=goal:1", "", &view, &pg);
	assert_true(has_text(&pg, "Target 85" NBSP "%"));
	page_clear(&pg);
}

static void heatmap(void **state)
{
	(void)state;
	build_view();
	const char *rows = "| Billing | Contact Centre | Metering |\n"
	                   "Moving home | 60/100 | | 3/4 |\n"
	                   "Paying a bill | | 40/45 | |\n"
	                   "Getting a fault fixed | 1/12 | 50/200 | |\n";
	/* min defaults to the pack's min_cases */
	check_same("figure heatmap data=heatmap title=\"H\"", "",
	           "figure heatmap min=30 title=\"H\"", rows);
	check_same("figure heatmap data=heatmap min=5", "", "figure heatmap min=5", rows);
	struct page pg;
	draw("figure heatmap data=heatmap", "", &view, &pg);
	assert_true(has_text(&pg, "fewer than 30 journeys"));
	assert_true(has_text(&pg, "of 200"));
	assert_true(has_text(&pg, "25" NBSP "%")); /* 50 of 200 */
	page_clear(&pg);
}

static void bars(void **state)
{
	(void)state;
	build_view();
	/* most first; the display as the context formats it: 1,234 of 1,330 is 93 %, 96 is 7 % */
	check_same("figure bars data=failure_by_department title=\"B\"", "",
	           "figure bars title=\"B\"",
	           "Contact Centre | 1234 | 1,234 (93" NBSP "%)\nBilling | 96 | 96 (7" NBSP "%)\n");
	struct page pg;
	draw("figure bars data=failure_by_department", "", &view, &pg);
	assert_true(has_text(&pg, "1,234 (93" NBSP "%)"));
	assert_true(has_text(&pg, "96 (7" NBSP "%)"));
	page_clear(&pg);
	/* in the pack's number locale */
	view.settings.number_locale = "de";
	draw("figure bars data=failure_by_department", "", &view, &pg);
	assert_true(has_text(&pg, "1.234 (93" NBSP "%)"));
	page_clear(&pg);
}

static void cards(void **state)
{
	(void)state;
	build_view();
	check_same("figure cards", "62 % | rate | d | bad | @rate\n5 | lost | d | bad | @lost\n",
	           "figure cards",
	           "62 % | rate | d | bad | 0.6 - 0.75\n5 | lost | d | bad | 5 - 3\n");
	check_same("figure cards", "10 % | failure | | good | @failure\n28 pts | gap | | | @gap\n",
	           "figure cards",
	           "10 % | failure | | good | 0.125 0.25 0.5\n28 pts | gap | | | 20 - 5.5\n");
	/* a card without a trend field, beside one with */
	check_same("figure cards", "— | lost | none\n1 | a | b | good | @rate\n", "figure cards",
	           "— | lost | none\n1 | a | b | good | 0.6 - 0.75\n");
}

/* A block that must be refused with a message containing want. */
static void refused(const char *info, const char *body, const struct view *v, const char *want)
{
	char msgs[2048];
	struct figure *f = parse(info, body, v, msgs, sizeof msgs);
	if (f) {
		figure_free(f);
		fail_msg("%s: accepted", info);
	}
	if (!strstr(msgs, want))
		fail_msg("%s: expected \"%s\" in: %s", info, want, msgs);
}

static void errors(void **state)
{
	(void)state;
	build_view();
	refused("figure trend data=goal:9", "", &view,
	        "boardpack: template: error: figure block 3 (```figure trend): data=goal:9: the "
	        "pack has 2 goals\n");
	refused("figure trend data=journey:4", "", &view,
	        "data=journey:4: the pack has 3 journeys");
	refused("figure trend data=goal:0", "", &view,
	        "data=goal:0: N is a number from 1 (the goal's ref in the template context)");
	refused("figure trend data=journey:x", "", &view, "data=journey:x: N is a number from 1");
	refused("figure trend data=goal:", "", &view, "data=goal:: N is a number from 1");
	refused("figure trend data=goal:99999999999", "", &view, "N is a number from 1");
	refused("figure trend data=goals", "", &view,
	        "(```figure trend): data=goals: unknown reference; this figure takes data=totals, "
	        "data=goal:N or data=journey:N");
	refused("figure trend data=", "", &view, "data=: unknown reference");
	/* the wrong kind of figure */
	refused("figure trend data=heatmap", "", &view,
	        "data=heatmap is drawn by ```figure heatmap; this figure takes data=totals");
	refused("figure bars data=totals", "", &view,
	        "(```figure bars): data=totals is drawn by ```figure trend; this figure takes "
	        "data=failure_by_department");
	refused("figure heatmap data=failure_by_department", "", &view,
	        "this figure takes data=heatmap");
	refused("figure cards data=totals", "", &view,
	        "data=totals: this kind of figure takes no data= (its rows are its input; a "
	        "card's trend may be @rate, @lost, @failure or @gap)");
	refused("figure cover data=totals", "", &view, "takes no data=");
	refused("figure multiples data=goal:1", "", &view, "takes no data=");
	/* data= and rows */
	refused("figure trend data=totals", "2026-Q1 | 10 | 5\n", &view,
	        "(```figure trend): data=totals and rows: a figure's numbers come from the pack or "
	        "from its rows, not both");
	/* no view to draw from */
	refused("figure trend data=totals", "", NULL,
	        "data=totals: no pack's figures are given here to draw it from");
	refused("figure cards", "1 | a | b | good | @rate\n", NULL,
	        "line 1: the trend @rate: no pack's figures are given here");
	/* a card's series */
	refused("figure cards", "1 | a | b | good | @rates\n", &view,
	        "(```figure cards): line 1: the trend \"@rates\" is not a series of the pack "
	        "(expected @rate, @lost, @failure or @gap)");
	refused("figure cards", "1 | a | b | good | 0.5 x\n", &view, "line 1: the trend \"0.5 x\"");
	/* one goal, no journeys: said in the singular, and as none */
	view.ngoals = 1;
	view.njourneys = 0;
	refused("figure trend data=goal:2", "", &view, "data=goal:2: the pack has 1 goal\n");
	refused("figure trend data=journey:1", "", &view,
	        "data=journey:1: the pack has no journeys");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(trends), cmocka_unit_test(heatmap), cmocka_unit_test(bars),
	    cmocka_unit_test(cards),  cmocka_unit_test(errors),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fontsub_free(fonts[FONT_REGULAR]);
	fontsub_free(fonts[FONT_BOLD]);
	return rc;
}
