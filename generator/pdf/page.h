/* page: the drawing list of a page (text, shapes, links, in PDF points), which the typesetter
 * (layout) and the figures (charts) add to and the PDF writer draws. */
#ifndef BP_PAGE_H
#define BP_PAGE_H
#include <stdbool.h>
#include <stddef.h>

#include "pdf/fontsub.h"

enum { FONT_REGULAR, FONT_BOLD, FONT_COUNT };

struct color {
	float r, g, b;
};

/* The palette: restrained, colour-blind safe, and distinct in greyscale by lightness. */
#define RGB(x)                                                                                     \
	((struct color){((x) >> 16 & 0xFF) / 255.0f, ((x) >> 8 & 0xFF) / 255.0f,                   \
	                ((x)&0xFF) / 255.0f})
#define C_INK RGB(0x1B2430)   /* text */
#define C_MUTED RGB(0x5C6673) /* secondary text */
#define C_FAINT RGB(0x8A939E) /* axis labels */
#define C_RULE RGB(0xD3D8DF)  /* hairlines */
#define C_PANEL RGB(0xF2F4F7) /* light panels */
#define C_WHITE RGB(0xFFFFFF)
#define C_BLUE RGB(0x1F5FA8)       /* the data: dark blue */
#define C_BLUE_LIGHT RGB(0xC8DBF0) /* confidence bands */
#define C_ORANGE RGB(0xC9650A)     /* targets and attention: mid-tone orange */
#define C_LINK RGB(0x1F5FA8)

enum item_kind {
	ITEM_TEXT,   /* text at baseline (x, y) */
	ITEM_RECT,   /* x, y (bottom left), w, h; radius rounds the corners */
	ITEM_LINE,   /* from (x, y) to (x + w, y + h) */
	ITEM_PATH,   /* polyline or polygon pts */
	ITEM_CIRCLE, /* centre (x, y), radius w */
	ITEM_HATCH,  /* rectangle x, y, w, h filled with diagonal hatching */
	ITEM_IMAGE,  /* the logo in x, y, w, h */
	ITEM_LINK    /* clickable x, y, w, h; text is "#slug" or a URI */
};

/* One thing drawn on a page, in PDF points with the origin at the bottom left. */
struct item {
	enum item_kind kind;
	float x, y, w, h;
	float radius;
	struct color fill, stroke;
	bool filled, stroked;
	float line_width;
	float dash; /* 0 solid, else the length of dashes and gaps */
	int font;
	float size;
	bool slant; /* emphasis: the regular or bold face slanted */
	char *text; /* owned */
	float *pts; /* owned: x0, y0, x1, y1, … */
	size_t npts;
	bool closed;
};

struct page {
	struct item *items;
	size_t n, cap;
};

/* Adding to a page. Strings are copied. */
struct item *page_add(struct page *pg, enum item_kind kind);
void page_text(struct page *pg, int font, float size, struct color c, float x, float y,
               const char *s);
/* Text aligned on x: align < 0 left, 0 centred, > 0 right. Returns the width. */
float page_text_aligned(struct page *pg, struct fontsub *const *fonts, int font, float size,
                        struct color c, float x, float y, int align, const char *s);
void page_rect(struct page *pg, float x, float y, float w, float h, struct color fill);
void page_line(struct page *pg, float x0, float y0, float x1, float y1, float width, struct color c,
               float dash);
/* Moves every item by (dx, dy) and appends it to dst; src is left empty. */
void page_move(struct page *dst, struct page *src, float dx, float dy);
void page_clear(struct page *pg);

#endif
