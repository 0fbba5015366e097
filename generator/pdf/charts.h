/* charts: figure blocks (cover, cards, trend, bars, heatmap, multiples) read from their rows or
 * from the pack's view (data=REF), and drawn as vector graphics. */
#ifndef BP_CHARTS_H
#define BP_CHARTS_H
#include <stdbool.h>
#include <stddef.h>

#include "pdf/fontsub.h"
#include "pdf/page.h"

struct figure;
struct view;

/* What a figure may draw with. */
struct chart_ctx {
	struct fontsub *const *fonts; /* [FONT_COUNT] */
	float logo_w, logo_h;         /* the logo's pixel size, 0 when there is none */
	/*
	 * Breaks text into lines no wider than width at size, as the typesetter does (layout_wrap:
	 * given here, so that the figures below the typesetter never call up into it). Returns the
	 * number of lines and sets *lines to an array of fresh strings.
	 */
	size_t (*wrap)(const struct fontsub *font, float size, const char *text, float width,
	               char ***lines);
};

/*
 * Reads a figure block: info is the fence's info string ("figure trend target=0.85
 * title=…"), body its lines, index its number in the document (from 1, for
 * messages). view holds the figures that a data=REF attribute and a card's @series
 * name (docs/pdf.md, "Figures from the pack"), or is NULL, where such a name is an
 * error; the figure copies what it takes, so the view need not outlive the call.
 * Returns NULL after reporting, through diag, which block is wrong and what was
 * expected.
 */
struct figure *figure_parse(const char *info, const char *body, int index, const struct view *view);
void figure_free(struct figure *f);

/* Whether the figure is the cover (drawn on a page of its own). */
bool figure_is_cover(const struct figure *f);

/*
 * Draws the figure into pg with its top left corner at (0, 0) (so every item lies
 * at y <= 0), width wide; height is the space available (used by the cover).
 * Returns the height drawn.
 */
float figure_draw(const struct figure *f, struct page *pg, const struct chart_ctx *ctx, float width,
                  float height);

/*
 * Splits one body line into fields at '|' (a backslash-escaped "\|" does not
 * split), trims each, and removes a backslash before any ASCII punctuation
 * character. Returns the number of fields; *fields is a fresh array of fresh
 * strings the caller frees.
 */
size_t figure_split(const char *line, size_t len, char ***fields);

#endif
