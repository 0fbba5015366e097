/* context: the template context, the tree Mustache expands the templates against. */
#ifndef BP_CONTEXT_H
#define BP_CONTEXT_H
#include <jansson.h>

#include "calc/metrics.h"

/*
 * The template context: a copy of the metrics tree plus formatted forms,
 * ordered lists and labels (docs/templates.md). A new reference.
 */
json_t *context_template(const struct metrics *mt, const json_t *metrics);

#endif
