/* context: the template context, the tree Mustache expands the templates against. */
#ifndef BP_CONTEXT_H
#define BP_CONTEXT_H
#include <jansson.h>

#include "view/view.h"

/*
 * The template context of the view v: its metrics JSON (view_json) without the lists of
 * rejected rows and notes, plus formatted forms, ordered lists and labels (docs/templates.md).
 * It reads nothing but v. A new reference the caller decrefs.
 */
json_t *context_template(const struct view *v);

#endif
