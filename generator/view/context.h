/* context: the tree handed to the JSON writer, the workbook and the templates. */
#ifndef BP_CONTEXT_H
#define BP_CONTEXT_H
#include <jansson.h>

#include "calc/metrics.h"

/* The metrics JSON of docs/json.md for mt (a new reference the caller decrefs). */
json_t *context_metrics(const struct metrics *mt);

/*
 * The template context: a copy of the metrics tree plus formatted forms,
 * ordered lists and labels (docs/templates.md). A new reference.
 */
json_t *context_template(const struct metrics *mt, const json_t *metrics);

/* Writes a JSON tree to path (a temporary file the caller renames): 2-space indent, keys in
 * insertion order. Returns 0 or -1 after reporting. */
int context_write_json(const json_t *tree, const char *path);
/* The same into the open file fd (left open); path names it in messages. */
int context_write_json_fd(const json_t *tree, int fd, const char *path);

#endif
