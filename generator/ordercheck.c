#include "ordercheck.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "safeopen.h"
#include "xmem.h"

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

struct found {
	bool outcome_seen;
	bool warned;
};

/* The template, when it can be read within the template limit (the renderer reports the rest). */
static char *slurp(const char *path)
{
	const char *why;
	size_t len;
	return safeopen_read(path, (size_t)4 << 20, &len, &why);
}

static void scan(const char *path, struct found *f, int depth)
{
	if (depth > 16 || f->outcome_seen || f->warned)
		return;
	char *text = slurp(path);
	if (!text)
		return; /* the engine reports a missing template or partial */
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	const char *ext = dot && (!slash || dot > slash) ? dot : "";
	long line = 1;
	for (const char *p = text; *p && !f->outcome_seen && !f->warned; p++) {
		if (*p == '\n') {
			line++;
			continue;
		}
		if (p[0] != '{' || p[1] != '{')
			continue;
		const char *end = strstr(p + 2, "}}");
		if (!end)
			break;
		const char *s = p + 2;
		while (s < end &&
		       (*s == '{' || *s == '&' || *s == '#' || *s == '^' || *s == '/' || *s == ' '))
			s++;
		if (*s == '=' || *s == '!') { /* delimiter change or comment */
			if (*s == '=')
				break;
		} else if (*s == '>') {
			s++;
			while (s < end && *s == ' ')
				s++;
			const char *e = end;
			while (e > s && (e[-1] == ' ' || e[-1] == '}'))
				e--;
			char *partial = slash ? xasprintf("%.*s/%.*s%s", (int)(slash - path), path,
			                                  (int)(e - s), s, ext)
			                      : xasprintf("%.*s%s", (int)(e - s), s, ext);
			scan(partial, f, depth + 1);
			free(partial);
		} else {
			const char *e = s;
			while (e < end && *e != ' ' && *e != '}')
				e++;
			if (names_one_of(outcome_names, s, (size_t)(e - s))) {
				f->outcome_seen = true;
			} else if (names_one_of(score_names, s, (size_t)(e - s))) {
				diag_msg(DIAG_WARNING, path, line, 0,
				         "departmental scores (\"%.*s\") come before any customer "
				         "outcome; pack.md's rule of order puts customer outcomes "
				         "first and scores after them, as supporting evidence",
				         (int)(e - s), s);
				f->warned = true;
			}
		}
		for (const char *q = p; q < end; q++)
			line += *q == '\n';
		p = end + 1;
	}
	free(text);
}

int ordercheck_template(const char *path)
{
	struct found f = {false, false};
	scan(path, &f, 0);
	return f.warned;
}
