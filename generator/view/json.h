/* json: the metrics JSON of docs/json.md, rendered from the view; the only writer that sees
 * jansson (the template context, view/context.c, is a jansson tree too, for Mustache). */
#ifndef BP_JSON_H
#define BP_JSON_H
#include <jansson.h>
#include <stdbool.h>

#include "view/view.h"

/* The metrics JSON of v (a new reference the caller decrefs). */
json_t *view_json(const struct view *v);

/*
 * Writes the metrics JSON of v into the open file fd (left open), the bytes json_write_fd writes
 * of view_json(v); path names it in messages. The lists of rejected rows and notes are streamed
 * (view/jsonout.h), the rest dumped by jansson; with tree (BOARDPACK_TEST_JSON_TREE=1, for the
 * tests), the whole tree is built and dumped by jansson. Returns 0, or -1 after reporting.
 */
int json_write_view(const struct view *v, int fd, const char *path, bool tree);

/* Writes a JSON tree into the open file fd (left open): 2-space indent, keys in insertion order;
 * path names it in messages. Returns 0, or -1 after reporting. */
int json_write_fd(const json_t *tree, int fd, const char *path);

#endif
