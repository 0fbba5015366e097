/* actions: actions.csv, what the board decided and how it went, into the model (data-contract.md).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "in/config.h"
#include "util/escape.h"
#include "model/model.h"
#include "in/reader.h"
#include "in/readers.h"
#include "util/strbuf.h"
#include "util/values.h"
#include "util/xmem.h"

enum { C_ACTION, C_OWNER, C_GOAL, C_DUE, C_STATUS, C_REGION };
static const char *const columns[] = {"action", "owner", "goal", "due", "status", "region", NULL};
static const bool required[] = {true, true, false, false, false, false};

static int status_word(const char *s, size_t n)
{
	static const char *const words[] = {"open", "done", "late", "dropped"};
	for (int i = 0; i < 4; i++)
		if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
			return i;
	return -1;
}

static void on_row(struct reader *r, const struct csvin_record *rec)
{
	struct model *m = r->m;
	size_t n[6];
	const char *f[6];
	for (int i = 0; i < 6; i++)
		f[i] = reader_field(r, rec, i, &n[i]);
	for (int i = C_ACTION; i <= C_OWNER; i++)
		if (!n[i]) {
			reader_reject_value(r, rec, i, "empty required field",
			                    "every row needs one");
			return;
		}
	struct action a = {.due = INT64_MIN, .status = ACTION_OPEN, .line = rec->line};
	if (n[C_DUE]) {
		bp_time t;
		const char *why = value_parse_time(f[C_DUE], n[C_DUE], r->cfg->date_order, &t);
		if (why) {
			reader_reject_value(r, rec, C_DUE, "bad date", why);
			return;
		}
		a.due = t >= 0 ? t / BP_MS_PER_DAY : -((-t + BP_MS_PER_DAY - 1) / BP_MS_PER_DAY);
	}
	if (n[C_STATUS]) {
		int st = status_word(f[C_STATUS], n[C_STATUS]);
		if (st < 0) {
			reader_reject_value(r, rec, C_STATUS, "bad status",
			                    "expected open, done, late, dropped or blank");
			return;
		}
		a.status = (uint8_t)st;
	}
	a.what = intern_add(m->names, f[C_ACTION], n[C_ACTION]);
	a.owner = intern_add(m->names, f[C_OWNER], n[C_OWNER]);
	a.goal = intern_add(m->names, f[C_GOAL], n[C_GOAL]);
	a.region = intern_add(m->names, f[C_REGION], n[C_REGION]);
	m->actions = xreallocarray(m->actions, m->nactions + 1, sizeof *m->actions);
	m->actions[m->nactions++] = a;
}

/* Whether name is a goal (its text in PACK.ini) or a journey of the pack; journeys[] marks the
 * symbols of journeys. */
static bool known_goal(const struct config *c, const struct model *m, const unsigned char *journeys,
                       sym name)
{
	const char *s = intern_str(m->names, name);
	for (size_t i = 0; i < c->njourney_confs; i++)
		if ((c->journey_confs[i].goal && strcmp(c->journey_confs[i].goal, s) == 0) ||
		    strcmp(c->journey_confs[i].name, s) == 0)
			return true;
	return journeys[name];
}

enum bp_err actions_read(const struct config *c, struct model *m)
{
	struct reader r = {.cfg = c,
	                   .m = m,
	                   .kind = INPUT_ACTIONS,
	                   .columns = columns,
	                   .required = required,
	                   .row = on_row};
	m->have_actions = true;
	enum bp_err rc = reader_run(&r, c->actions);
	if (rc)
		return rc;
	/* a goal that names no goal or journey of the pack is a note, not a rejection */
	unsigned char *journeys = xcalloc(intern_count(m->names) + 1, 1);
	for (size_t i = 0; i < m->ncases; i++)
		journeys[m->cases[i].journey] = 1;
	for (size_t i = 0; i < m->nactions; i++) {
		const struct action *a = &m->actions[i];
		if (!a->goal || known_goal(c, m, journeys, a->goal))
			continue;
		struct strbuf q = STRBUF_INIT;
		text_quote(&q, intern_str(m->names, a->goal), intern_len(m->names, a->goal));
		dq_note_in(m->dq, r.file, a->line, a->region ? a->region : DQ_EVERY_PACK, NULL,
		           "unknown goal",
		           "goal %s names no goal or journey of the pack; the action is listed "
		           "without a rate",
		           strbuf_str(&q));
		strbuf_free(&q);
	}
	free(journeys);
	return 0;
}
