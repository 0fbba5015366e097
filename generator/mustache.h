/* mustache: the template engine (Mustache spec, no lambdas) over a jansson context. */
#ifndef BP_MUSTACHE_H
#define BP_MUSTACHE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum mustache_escape {
	MUSTACHE_ESCAPE_HTML,     /* the spec's: & < > " escaped as entities (boardpack render) */
	MUSTACHE_ESCAPE_MARKDOWN, /* for documents: data can never change the Markdown structure */
	MUSTACHE_ESCAPE_NONE
};

/* Loads partial `name`; returns a malloc'd text (and its length) or NULL when there is none. */
typedef char *(*mustache_partial_fn)(void *ctx, const char *name, size_t *len);

struct mustache_opts {
	enum mustache_escape escape;
	/* When true, a name that resolves to nothing is an error naming it and the closest names.
	 */
	bool strict;
	/* NULL: partial NAME is the file NAME + the including template's extension, in its folder.
	 */
	mustache_partial_fn load_partial;
	void *partial_ctx;
};

/*
 * Expands template text[0..len) (called `name` in messages) against ctx,
 * appending to out. Returns 0, or -1 after reporting the problem through
 * diag as name:line:col with the line and a caret.
 */
int mustache_render(const char *name, const char *text, size_t len, const json_t *ctx,
                    const struct mustache_opts *opts, struct strbuf *out);

/* Same for a template file. */
int mustache_render_file(const char *path, const json_t *ctx, const struct mustache_opts *opts,
                         struct strbuf *out);

/* Appends s[0..n) escaped for Markdown: every ASCII punctuation character backslash-escaped, line
 * breaks as spaces. */
void mustache_escape_markdown(struct strbuf *out, const char *s, size_t n);

#endif
