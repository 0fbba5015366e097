/* layout: the board-pack Markdown typeset into pages of positioned text, shapes and links (no PDF
 * library here). */
#ifndef BP_LAYOUT_H
#define BP_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>

#include "pdf/fontsub.h"
#include "pdf/page.h"
#include "util/paper.h"

struct view;

/* A heading: a link target (every level) and a bookmark (levels 1 and 2). */
struct anchor {
	int level;
	char *title;
	char *slug;
	size_t page; /* from 0 */
	float y;     /* top of the heading */
};

struct document {
	float width, height;
	struct page *pages;
	size_t npages;
	struct anchor *anchors;
	size_t nanchors;
};

struct layout_options {
	enum paper paper;
	const char *header;      /* running header, or NULL */
	float logo_w, logo_h;    /* the logo's pixel size, 0 when there is none */
	const struct view *view; /* the figures data= names (figure_parse), or NULL */
};

/*
 * Lays out markdown with fonts[FONT_REGULAR] and fonts[FONT_BOLD]. Returns the
 * document (free with layout_free), or NULL after reporting bad figure blocks
 * through diag.
 */
struct document *layout_document(const char *markdown, struct fontsub *const fonts[FONT_COUNT],
                                 const struct layout_options *opts);
void layout_free(struct document *d);

/*
 * Breaks text into lines no wider than width at size (at spaces; a word wider
 * than a line is broken between characters). Returns the number of lines and sets
 * *lines to an array of fresh strings; the caller frees each and the array.
 */
size_t layout_wrap(const struct fontsub *font, float size, const char *text, float width,
                   char ***lines);

#endif
