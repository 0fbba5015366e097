/* page: the drawing list of a page, the items the typesetter and the figures add to it and the
 * PDF writer draws. */
#include "pdf/page.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmem.h"

struct item *page_add(struct page *pg, enum item_kind kind)
{
	if (pg->n == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 64;
		pg->items = xreallocarray(pg->items, pg->cap, sizeof *pg->items);
	}
	struct item *it = &pg->items[pg->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->line_width = 0.5f;
	return it;
}

void page_text(struct page *pg, int font, float size, struct color c, float x, float y,
               const char *s)
{
	struct item *it = page_add(pg, ITEM_TEXT);
	it->font = font;
	it->size = size;
	it->fill = c;
	it->x = x;
	it->y = y;
	it->text = xstrdup(s);
}

float page_text_aligned(struct page *pg, struct fontsub *const *fonts, int font, float size,
                        struct color c, float x, float y, int align, const char *s)
{
	float w = fontsub_width(fonts[font], s, strlen(s), size);
	float x0 = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
	page_text(pg, font, size, c, x0, y, s);
	return w;
}

void page_rect(struct page *pg, float x, float y, float w, float h, struct color fill)
{
	struct item *it = page_add(pg, ITEM_RECT);
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->fill = fill;
	it->filled = true;
}

void page_line(struct page *pg, float x0, float y0, float x1, float y1, float width, struct color c,
               float dash)
{
	struct item *it = page_add(pg, ITEM_LINE);
	it->x = x0;
	it->y = y0;
	it->w = x1 - x0;
	it->h = y1 - y0;
	it->line_width = width;
	it->stroke = c;
	it->stroked = true;
	it->dash = dash;
}

void page_move(struct page *dst, struct page *src, float dx, float dy)
{
	for (size_t i = 0; i < src->n; i++) {
		struct item *it = page_add(dst, ITEM_TEXT);
		*it = src->items[i];
		it->x += dx;
		it->y += dy;
		for (size_t k = 0; k < it->npts; k++) {
			it->pts[2 * k] += dx;
			it->pts[2 * k + 1] += dy;
		}
	}
	free(src->items);
	memset(src, 0, sizeof *src);
}

static void item_free(struct item *it)
{
	free(it->text);
	free(it->pts);
}

void page_clear(struct page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		item_free(&pg->items[i]);
	free(pg->items);
	memset(pg, 0, sizeof *pg);
}
