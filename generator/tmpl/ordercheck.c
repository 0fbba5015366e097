#include "tmpl/ordercheck.h"

#include <stdbool.h>
#include <string.h>

#include "util/diag.h"
#include "tmpl/mustache.h"

/* Names that show a departmental score, and names that show a customer outcome. */
static const char *const score_names[] = {"kpis",
                                          "kpi_list",
                                          "kpi",
                                          "status",
                                          "status_word",
                                          "green",
                                          "amber",
                                          "red",
                                          "green_share",
                                          "green_share_pct",
                                          "kpi_green_share",
                                          "kpi_green_share_pct",
                                          "actual_fmt",
                                          "target_fmt",
                                          NULL};
static const char *const outcome_names[] = {
    "sco_rate",          "sco_rate_pct",       "successful", "goals",
    "goals_worst_first", "journeys",           "goal",       "trend",
    "customers_lost",    "customers_lost_fmt", NULL};

static bool listed(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* Whether any dot-separated part of a tag's name is in list. */
static bool names_one_of(const char *const *list, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '.') {
			if (listed(list, s + start, i - start))
				return true;
			start = i + 1;
		}
	return false;
}

/* The first tag that names an outcome ends the walk quietly, the first that names a score with a
 * warning. */
static enum mustache_walk on_tag(void *ctx, const struct mustache_tag *tag)
{
	bool *warned = ctx;
	if (tag->kind == MUSTACHE_TAG_DELIMS)
		return MUSTACHE_WALK_LEAVE_FILE; /* as documented: read up to the change */
	size_t n = strlen(tag->name);
	if (names_one_of(outcome_names, tag->name, n))
		return MUSTACHE_WALK_STOP;
	if (!names_one_of(score_names, tag->name, n))
		return MUSTACHE_WALK_ON;
	diag_msg(DIAG_WARNING, tag->file, tag->line, 0,
	         "departmental scores (\"%s\") come before any customer outcome; pack.md's rule of "
	         "order puts customer outcomes first and scores after them, as supporting evidence",
	         tag->name);
	*warned = true;
	return MUSTACHE_WALK_STOP;
}

int ordercheck_template(const char *path)
{
	bool warned = false;
	mustache_walk_file(path, on_tag, &warned);
	return warned;
}
