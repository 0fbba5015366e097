/* decisions: the Decisions sheet of the second edition, the lists behind the board's page
 * (put_decisions). */
#include <stdlib.h>

#include "util/xmem.h"
#include "xlsx/book.h"

/* The failure-demand touchpoints of each goal, then of the whole pack. */
struct touchpoint_row {
	const char *goal;
	const struct view_touchpoint *t;
};
enum touchpoint_field { TP_GOAL, TP_TOUCHPOINT, TP_CONTACTS };

static struct val touchpoint_cell(const void *ctx, size_t i, int field)
{
	const struct touchpoint_row *r = &((const struct touchpoint_row *)ctx)[i];
	switch ((enum touchpoint_field)field) {
	case TP_GOAL:
		return v_text(r->goal);
	case TP_TOUCHPOINT:
		return v_text(r->t->touchpoint);
	case TP_CONTACTS:
		return v_count(r->t->contacts);
	}
	no_field();
}

static const struct col touchpoint_cols[] = {
    {"Goal", TP_GOAL, K_TEXT, NULL,
     "The goal whose cases concluded in the period had these failure-demand rows; \"(all "
     "goals)\" for the whole pack."},
    {"Touchpoint", TP_TOUCHPOINT, K_TEXT, NULL,
     "The touchpoint of failure-demand rows (empty when none was recorded): why customers had "
     "to contact us again. At most five per goal, most first, ties by name."},
    {"Failure contacts", TP_CONTACTS, K_INT, NULL, "Failure-demand rows with that touchpoint."},
};

enum action_field {
	A_ACTION,
	A_OWNER,
	A_GOAL,
	A_DUE,
	A_STATUS,
	A_REGION,
	A_GOAL_FOUND,
	A_PREV_SCO_RATE,
	A_SCO_RATE,
	A_LINE
};

static struct val action_cell(const void *ctx, size_t i, int field)
{
	const struct view_action *a = &((const struct view *)ctx)->actions[i];
	switch ((enum action_field)field) {
	case A_ACTION:
		return v_text(a->action);
	case A_OWNER:
		return v_text(a->owner);
	case A_GOAL:
		return v_text(a->goal);
	case A_DUE:
		return v_day(a->due_day);
	case A_STATUS:
		return v_text(a->status);
	case A_REGION:
		return v_text(a->region);
	case A_GOAL_FOUND:
		return v_flag(a->goal_found);
	case A_PREV_SCO_RATE:
		return v_real(a->prev_sco_rate);
	case A_SCO_RATE:
		return v_real(a->sco_rate);
	case A_LINE:
		return v_count(a->line);
	}
	no_field();
}

static const struct col action_cols[] = {
    {"Action", A_ACTION, K_TEXT, NULL, "What the board decided (actions.csv)."},
    {"Owner", A_OWNER, K_TEXT, NULL, "Who owns the action (a person, role or department)."},
    {"Goal", A_GOAL, K_TEXT, NULL, "The goal or journey it serves, as actions.csv names it."},
    {"Due", A_DUE, K_DATE, NULL, "When it is due."},
    {"Status", A_STATUS, K_TEXT, NULL, "open, done, late or dropped."},
    {"Region", A_REGION, K_TEXT, NULL, "The region it is for; empty: every region."},
    {"Goal found", A_GOAL_FOUND, K_BOOL, NULL,
     "TRUE when the goal names a goal or journey of the pack."},
    {"Previous SCO rate", A_PREV_SCO_RATE, K_PCT, NULL,
     "The goal's SCO rate in the previous period (then)."},
    {"SCO rate", A_SCO_RATE, K_PCT, NULL, "The goal's SCO rate in the period (now)."},
    {"Line", A_LINE, K_PLAIN, NULL, "The action's line in actions.csv."},
};

/* The rows of each goal's story, one after the other. */
struct story_line {
	const char *goal;
	const struct view_story *s;
	const struct view_story_row *r;
};
enum story_field {
	ST_GOAL,
	ST_CASE,
	ST_JOURNEY,
	ST_TIME,
	ST_TOUCHPOINT,
	ST_DEPARTMENT,
	ST_CHANNEL,
	ST_FAILURE_DEMAND,
	ST_OUTCOME,
	ST_LINE
};

static struct val story_cell(const void *ctx, size_t i, int field)
{
	const struct story_line *l = &((const struct story_line *)ctx)[i];
	switch ((enum story_field)field) {
	case ST_GOAL:
		return v_text(l->goal);
	case ST_CASE:
		return v_text(l->s->case_id);
	case ST_JOURNEY:
		return v_text(l->s->journey);
	case ST_TIME:
		return v_time(l->r->time_ms);
	case ST_TOUCHPOINT:
		return v_text(l->r->touchpoint);
	case ST_DEPARTMENT:
		return v_text(l->r->department);
	case ST_CHANNEL:
		return v_text(l->r->channel);
	case ST_FAILURE_DEMAND:
		return v_flag(l->r->failure_demand);
	case ST_OUTCOME:
		return v_text(l->r->outcome);
	case ST_LINE:
		return v_count(l->r->line);
	}
	no_field();
}

static const struct col story_cols[] = {
    {"Goal", ST_GOAL, K_TEXT, NULL,
     "The goal told through one customer's eyes: its median unsuccessful case of the period by "
     "contacts (ties by case id)."},
    {"Case", ST_CASE, K_TEXT, NULL, "The case's id (no customer id: ids only)."},
    {"Journey", ST_JOURNEY, K_TEXT, NULL, "The journey of the case told."},
    {"Time", ST_TIME, K_TIME, NULL, "When the touchpoint happened (UTC)."},
    {"Touchpoint", ST_TOUCHPOINT, K_TEXT, NULL, "What happened at that touchpoint."},
    {"Department", ST_DEPARTMENT, K_TEXT, NULL, "The department that handled the touchpoint."},
    {"Channel", ST_CHANNEL, K_TEXT, NULL, "How the customer was in touch (phone, web, ...)."},
    {"Failure demand", ST_FAILURE_DEMAND, K_BOOL, NULL, "TRUE for a failure-demand contact."},
    {"Outcome", ST_OUTCOME, K_TEXT, NULL, "The outcome the row gave, if any."},
    {"Line", ST_LINE, K_PLAIN, NULL, "The row's line in the event log."},
};

/* The touchpoints' rows and the stories' rows of the Decisions sheet. The caller frees both. */
static void decision_rows(const struct view *v, struct touchpoint_row **tps, size_t *ntps,
                          struct story_line **lines, size_t *nlines)
{
	size_t nt = v->totals.f.ntouchpoints, nl = 0;
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_story *s = v->goals[i].story;
		nt += v->goals[i].f.ntouchpoints;
		nl += s && s->has_rows ? s->nrows : 0;
	}
	*tps = xcalloc(nt ? nt : 1, sizeof **tps);
	*lines = xcalloc(nl ? nl : 1, sizeof **lines);
	*ntps = *nlines = 0;
	for (size_t i = 0; i < v->ngoals; i++) {
		const struct view_goal *g = &v->goals[i];
		const char *goal = or_empty(g->goal);
		for (size_t k = 0; k < g->f.ntouchpoints; k++)
			(*tps)[(*ntps)++] = (struct touchpoint_row){goal, &g->f.touchpoints[k]};
		for (size_t k = 0; g->story && g->story->has_rows && k < g->story->nrows; k++)
			(*lines)[(*nlines)++] =
			    (struct story_line){goal, g->story, &g->story->rows[k]};
	}
	for (size_t k = 0; k < v->totals.f.ntouchpoints; k++)
		(*tps)[(*ntps)++] =
		    (struct touchpoint_row){"(all goals)", &v->totals.f.touchpoints[k]};
}

/*
 * Decisions: the second edition's lists behind the board's page — failure-demand touchpoints
 * by goal, the board's actions, and each goal's case told through the customer's eyes.
 */
void put_decisions(struct xw *x, struct sheet *sh, const struct view *v, struct defs *defs)
{
	struct touchpoint_row *tps;
	struct story_line *lines;
	size_t ntps, nlines;
	decision_rows(v, &tps, &ntps, &lines, &nlines);
	struct rows tp_rows = {ntps, touchpoint_cell, tps};
	struct rows action_rows = {v->has_actions ? v->nactions : 0, action_cell, v};
	struct rows story_rows = {nlines, story_cell, lines};
	lxw_row_t r = put_table(x, sh, 0, "tblFailureTouchpoints", touchpoint_cols,
	                        N(touchpoint_cols), &tp_rows, "No failure demand in the period.");
	r = put_table(x, sh, r + 3, "tblActions", action_cols, N(action_cols), &action_rows,
	              v->has_actions ? "The actions file lists no action for this pack."
	                             : "No actions file was given ([inputs] actions).");
	put_table(x, sh, r + 3, "tblStories", story_cols, N(story_cols), &story_rows,
	          "No goal had an unsuccessful case, or the cases came from cases.csv.");
	worksheet_freeze_panes(sh->ws, 1, 0);
	page_setup(x, sh, 0);
	add_defs(defs, "Decisions", touchpoint_cols, N(touchpoint_cols));
	add_defs(defs, "Decisions", action_cols, N(action_cols));
	add_defs(defs, "Decisions", story_cols, N(story_cols));
	free(tps);
	free(lines);
}
