/* mustache: the template engine (Mustache spec, no lambdas) over a jansson context. */
#ifndef BP_MUSTACHE_H
#define BP_MUSTACHE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

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

/* A tag as a walk shows it. */
struct mustache_tag {
	enum {
		MUSTACHE_TAG_VAR,      /* {{name}}, {{{name}}}, {{&name}} */
		MUSTACHE_TAG_SECTION,  /* {{#name}}: its tags follow, whatever the data */
		MUSTACHE_TAG_INVERTED, /* {{^name}}: likewise */
		MUSTACHE_TAG_DELIMS    /* {{=<% %>=}}: name is "" */
	} kind;
	const char *name; /* as written, trimmed */
	const char *file; /* the template or partial it stands in, as messages name it */
	long line;
};

enum mustache_walk {
	MUSTACHE_WALK_ON,         /* go on */
	MUSTACHE_WALK_LEAVE_FILE, /* skip the rest of this template or partial */
	MUSTACHE_WALK_STOP        /* end the walk */
};
typedef enum mustache_walk (*mustache_tag_fn)(void *ctx, const struct mustache_tag *tag);

/*
 * Shows fn each tag of the template file at path in reading order, as the engine parses it:
 * both branches of every section, and a partial's tags where it is included (found as
 * mustache_render_file finds it, to a depth of 16). Reports nothing: a file that cannot be read is
 * left out, one that does not parse is walked up to its first problem (rendering reports them).
 * Returns true when fn stopped the walk.
 */
bool mustache_walk_file(const char *path, mustache_tag_fn fn, void *ctx);

/* Appends s[0..n) escaped for Markdown: every ASCII punctuation character backslash-escaped, line
 * breaks as spaces. */
void mustache_escape_markdown(struct strbuf *out, const char *s, size_t n);

#endif
