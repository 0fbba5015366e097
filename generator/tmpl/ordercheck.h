/* ordercheck: the rule of order (pack.md): no departmental score before a customer outcome. */
#ifndef BP_ORDERCHECK_H
#define BP_ORDERCHECK_H

/*
 * Walks the template at path and its partials in reading order (mustache_walk_file) and warns,
 * naming the file and line, when a departmental score (a KPI, a department's
 * status or green share) comes before any customer outcome (an SCO rate, a
 * goal, a journey's outcome). Returns 1 when it warned, 0 otherwise.
 * Templates that change delimiters are read up to the change.
 */
int ordercheck_template(const char *path);

#endif
