/* layout: Markdown (cmark-gfm AST) into pages of positioned items, measured with the fonts that
 * draw them. */
#include "pdf/layout.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/charts.h"
#include "util/diag.h"
#include "util/slug.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xmem.h"

/* Geometry, in points. */
#define MARGIN_X 64.0f
#define MARGIN_TOP 78.0f
#define MARGIN_BOTTOM 72.0f
#define HEADER_FROM_TOP 42.0f
#define FOOTER_FROM_BOTTOM 40.0f

/* Type scale: size and line distance. */
#define BODY_SIZE 11.0f
#define BODY_LEAD 16.0f
#define TABLE_SIZE 9.5f
#define TABLE_LEAD 13.0f
#define SMALL_SIZE 8.5f
#define GAP 8.0f /* between blocks: half a body line */

static const float heading_size[] = {0, 22.0f, 15.0f, 12.5f, 11.0f, 11.0f, 11.0f};
static const float heading_lead[] = {0, 27.0f, 20.0f, 17.0f, 16.0f, 16.0f, 16.0f};
static const float heading_before[] = {0, 20.0f, 18.0f, 12.0f, 10.0f, 10.0f, 10.0f};
static const float heading_after[] = {0, 12.0f, 6.0f, 4.0f, 4.0f, 4.0f, 4.0f};

/* ---------------------------------------------------------------- the document */

/* d without pages or anchors (their arrays kept, for a layout done again). */
static void document_clear(struct document *d)
{
	for (size_t i = 0; i < d->npages; i++)
		page_clear(&d->pages[i]);
	d->npages = 0;
	for (size_t i = 0; i < d->nanchors; i++) {
		free(d->anchors[i].title);
		free(d->anchors[i].slug);
	}
	d->nanchors = 0;
}

void layout_free(struct document *d)
{
	if (!d)
		return;
	document_clear(d);
	free(d->pages);
	free(d->anchors);
	free(d);
}

/* Process-wide state, set up once (PDFs of several packs are laid out in parallel threads). */
static pthread_once_t layout_once = PTHREAD_ONCE_INIT;

static void layout_setup(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* ---------------------------------------------------------------- inline text */

struct style {
	int font;
	bool slant;
	struct color color;
	float size;
	const char *link; /* borrowed from the AST, or NULL */
};

struct span {
	struct style st;
	char *text; /* NULL: a forced line break */
	size_t len;
};

struct para {
	struct span *spans;
	size_t n, cap;
};

struct piece {
	size_t span, off, len;
	float w;
};

struct word {
	size_t first, n; /* pieces */
	float w;
	float space; /* width of the space before the word */
	bool brk;    /* a forced line break before the word */
};

struct tline {
	size_t first, n; /* words */
	float w;
};

struct wrapped {
	struct piece *pieces;
	size_t npieces, cappieces;
	struct word *words;
	size_t nwords, capwords;
	struct tline *lines;
	size_t nlines, caplines;
	float natural; /* the width of the text on one line (forced breaks aside) */
	float longest; /* the widest word */
};

static void para_add(struct para *p, struct style st, const char *s, size_t n)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->spans = xreallocarray(p->spans, p->cap, sizeof *p->spans);
	}
	struct span *sp = &p->spans[p->n++];
	sp->st = st;
	sp->text = s ? xstrndup(s, n) : NULL;
	sp->len = s ? n : 0;
}

static void para_free(struct para *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->spans[i].text);
	free(p->spans);
	memset(p, 0, sizeof *p);
}

static void wrapped_free(struct wrapped *w)
{
	free(w->pieces);
	free(w->words);
	free(w->lines);
	memset(w, 0, sizeof *w);
}

static struct piece *new_piece(struct wrapped *w)
{
	if (w->npieces == w->cappieces) {
		w->cappieces = w->cappieces ? w->cappieces * 2 : 32;
		w->pieces = xreallocarray(w->pieces, w->cappieces, sizeof *w->pieces);
	}
	struct piece *pc = &w->pieces[w->npieces++];
	memset(pc, 0, sizeof *pc);
	return pc;
}

static struct word *new_word(struct wrapped *w)
{
	if (w->nwords == w->capwords) {
		w->capwords = w->capwords ? w->capwords * 2 : 32;
		w->words = xreallocarray(w->words, w->capwords, sizeof *w->words);
	}
	struct word *wd = &w->words[w->nwords++];
	memset(wd, 0, sizeof *wd);
	wd->first = w->npieces;
	return wd;
}

static struct tline *new_line(struct wrapped *w)
{
	if (w->nlines == w->caplines) {
		w->caplines = w->caplines ? w->caplines * 2 : 16;
		w->lines = xreallocarray(w->lines, w->caplines, sizeof *w->lines);
	}
	struct tline *l = &w->lines[w->nlines++];
	memset(l, 0, sizeof *l);
	return l;
}

static float span_width(struct fontsub *const *fonts, const struct span *sp, size_t off, size_t len)
{
	return fontsub_width(fonts[sp->st.font], sp->text + off, len, sp->st.size);
}

/* The next character after span si, byte i: what decides whether a space may break. */
static char next_char(const struct para *p, size_t si, size_t i)
{
	for (; si < p->n; si++, i = 0) {
		const struct span *sp = &p->spans[si];
		if (!sp->text)
			return '\n';
		if (i < sp->len)
			return sp->text[i];
	}
	return '\0';
}

/* Splits the paragraph into words: breaks at spaces, except before '%' ("61 %" stays whole). */
static void split_words(struct fontsub *const *fonts, const struct para *p, struct wrapped *w)
{
	struct word *wd = NULL;
	float space = 0;
	bool brk = false;
	for (size_t si = 0; si < p->n; si++) {
		const struct span *sp = &p->spans[si];
		if (!sp->text) {
			brk = true;
			wd = NULL;
			space = 0;
			continue;
		}
		size_t start = 0;
		for (size_t i = 0; i <= sp->len; i++) {
			bool end = i == sp->len;
			bool sep =
			    !end &&
			    (sp->text[i] == ' ' || sp->text[i] == '\n' || sp->text[i] == '\t') &&
			    next_char(p, si, i + 1) != '%';
			if (!end && !sep)
				continue;
			if (i > start) {
				if (!wd) {
					wd = new_word(w);
					wd->space = wd == w->words ? 0 : space;
					wd->brk = brk;
					brk = false;
				}
				struct piece *pc = new_piece(w);
				pc->span = si;
				pc->off = start;
				pc->len = i - start;
				pc->w = span_width(fonts, sp, start, i - start);
				wd = &w->words[w->nwords - 1];
				wd->n++;
				wd->w += pc->w;
			}
			if (sep) {
				wd = NULL;
				space = span_width(fonts, sp, i, 1);
			}
			start = i + 1;
		}
	}
}

/* Breaks a word wider than width between characters, into words that fit. */
static void split_long_words(struct fontsub *const *fonts, const struct para *p, struct wrapped *w,
                             float width)
{
	bool any = false;
	width += 0.01f; /* as the line filling allows: a word exactly as wide as the line fits */
	for (size_t i = 0; i < w->nwords; i++)
		if (w->words[i].w > width)
			any = true;
	if (!any)
		return;
	struct wrapped out = {0};
	for (size_t i = 0; i < w->nwords; i++) {
		struct word src = w->words[i];
		struct word *wd = new_word(&out);
		wd->space = src.space;
		wd->brk = src.brk;
		for (size_t k = 0; k < src.n; k++) {
			struct piece pc = w->pieces[src.first + k];
			if (src.w <= width) {
				*new_piece(&out) = pc;
				wd = &out.words[out.nwords - 1];
				wd->n++;
				wd->w += pc.w;
				continue;
			}
			const struct span *sp = &p->spans[pc.span];
			size_t a = pc.off, end = pc.off + pc.len;
			while (a < end) {
				size_t b = a;
				float cw = 0;
				wd = &out.words[out.nwords - 1];
				while (b < end) {
					uint32_t cp;
					size_t l = utf8_decode(sp->text + b, end - b, &cp);
					float chw = span_width(fonts, sp, b, l);
					if (wd->w + cw + chw > width && (b > a || wd->n > 0))
						break;
					cw += chw;
					b += l;
				}
				if (b > a) {
					struct piece *np = new_piece(&out);
					np->span = pc.span;
					np->off = a;
					np->len = b - a;
					np->w = cw;
					wd = &out.words[out.nwords - 1];
					wd->n++;
					wd->w += cw;
				}
				if (b < end) {
					wd = new_word(&out); /* the rest on a line of its own */
					wd->space = 0;
				}
				a = b;
			}
		}
	}
	free(w->pieces);
	free(w->words);
	w->pieces = out.pieces;
	w->npieces = out.npieces;
	w->cappieces = out.cappieces;
	w->words = out.words;
	w->nwords = out.nwords;
	w->capwords = out.capwords;
}

/* Greedy line filling: short documents, ragged right; first fit reads well enough. */
static void wrap(struct fontsub *const *fonts, const struct para *p, float width, struct wrapped *w)
{
	split_words(fonts, p, w);
	float line = 0;
	for (size_t i = 0; i < w->nwords; i++) {
		const struct word *wd = &w->words[i];
		if (wd->brk) {
			w->natural = fmaxf(w->natural, line);
			line = 0;
		}
		line += (line > 0 ? wd->space : 0) + wd->w;
		w->longest = fmaxf(w->longest, wd->w);
	}
	w->natural = fmaxf(w->natural, line);
	split_long_words(fonts, p, w, width);
	struct tline *l = NULL;
	for (size_t i = 0; i < w->nwords; i++) {
		const struct word *wd = &w->words[i];
		if (l && !wd->brk && l->w + wd->space + wd->w <= width + 0.01f) {
			l->w += wd->space + wd->w;
			l->n++;
			continue;
		}
		l = new_line(w);
		l->first = i;
		l->n = 1;
		l->w = wd->w;
	}
}

/* Emits line li of w with its left edge at x and baseline y; links become link items. */
static void emit_line(struct page *pg, struct fontsub *const *fonts, const struct para *p,
                      const struct wrapped *w, size_t li, float x, float y)
{
	const struct tline *l = &w->lines[li];
	struct strbuf text = STRBUF_INIT;
	size_t cur_span = (size_t)-1;
	float cur_x = x, pen = x;
	size_t link = 0; /* index of the link item being extended, valid while link_url is set */
	const char *link_url = NULL;

	for (size_t wi = l->first; wi < l->first + l->n; wi++) {
		const struct word *wd = &w->words[wi];
		bool first_word = wi == l->first;
		for (size_t k = 0; k < wd->n; k++) {
			const struct piece *pc = &w->pieces[wd->first + k];
			const struct span *sp = &p->spans[pc->span];
			bool space = first_word ? false : k == 0;
			if (pc->span == cur_span) {
				if (space)
					strbuf_putc(&text, ' ');
			} else {
				if (text.len) {
					const struct span *cs = &p->spans[cur_span];
					page_text(pg, cs->st.font, cs->st.size, cs->st.color, cur_x,
					          y, strbuf_str(&text));
					pg->items[pg->n - 1].slant = cs->st.slant;
					strbuf_reset(&text);
				}
				cur_span = pc->span;
				cur_x = pen + (space ? wd->space : 0);
			}
			if (space)
				pen += wd->space;
			if (sp->st.link && link_url == sp->st.link) {
				pg->items[link].w = pen + pc->w - pg->items[link].x;
			} else if (sp->st.link) {
				struct item *it = page_add(pg, ITEM_LINK);
				it->x = pen;
				it->y = y + (float)fontsub_descent(fonts[sp->st.font]) *
				                sp->st.size / 1000.0f;
				it->w = pc->w;
				it->h = sp->st.size * 1.15f;
				it->text = xstrdup(sp->st.link);
				link = pg->n - 1;
				link_url = sp->st.link;
			} else {
				link_url = NULL;
			}
			strbuf_append(&text, sp->text + pc->off, pc->len);
			pen += pc->w;
		}
	}
	if (text.len) {
		const struct span *cs = &p->spans[cur_span];
		page_text(pg, cs->st.font, cs->st.size, cs->st.color, cur_x, y, strbuf_str(&text));
		pg->items[pg->n - 1].slant = cs->st.slant;
	}
	strbuf_free(&text);
}

size_t layout_wrap(const struct fontsub *font, float size, const char *text, float width,
                   char ***lines)
{
	struct fontsub *fonts[FONT_COUNT] = {(struct fontsub *)font, (struct fontsub *)font};
	struct para p = {0};
	struct style st = {.font = FONT_REGULAR, .size = size, .color = C_INK};
	para_add(&p, st, text, strlen(text));
	struct wrapped w = {0};
	wrap(fonts, &p, width, &w);
	*lines = xcalloc(w.nlines ? w.nlines : 1, sizeof **lines);
	for (size_t li = 0; li < w.nlines; li++) {
		struct strbuf b = STRBUF_INIT;
		const struct tline *l = &w.lines[li];
		for (size_t wi = l->first; wi < l->first + l->n; wi++) {
			const struct word *wd = &w.words[wi];
			if (wi > l->first && wd->space > 0)
				strbuf_putc(&b, ' ');
			for (size_t k = 0; k < wd->n; k++) {
				const struct piece *pc = &w.pieces[wd->first + k];
				strbuf_append(&b, text + pc->off, pc->len);
			}
		}
		(*lines)[li] = strbuf_detach(&b);
	}
	size_t n = w.nlines;
	wrapped_free(&w);
	para_free(&p);
	return n;
}

/* ---------------------------------------------------------------- the layout state */

/* The section name above a level-1 title that states a message (<!-- section: NAME -->), and
 * the title's own size: a sentence, not a name, so smaller than a section's name would be. */
#define KICKER_SIZE 9.0f
#define KICKER_LEAD 13.0f
#define MESSAGE_SIZE 17.0f
#define MESSAGE_LEAD 21.0f

/* Sections a template may mark to be kept to one page, and how far one is tightened: the space
 * between its blocks (of FIT_GAP[level]) and its page's bottom margin (FIT_BOTTOM[level]). */
#define FIT_SECTIONS 8
#define FIT_LEVELS 2
static const float fit_gap[FIT_LEVELS + 1] = {1.0f, 0.5f, 0.25f};
static const float fit_bottom[FIT_LEVELS + 1] = {MARGIN_BOTTOM, 62.0f, 54.0f};

struct layout {
	struct document *doc;
	struct fontsub *const *fonts;
	const struct layout_options *opts;
	struct page *pg; /* the current page */
	float y;         /* the top of the free space on it */
	float top, bottom, left, width;
	float gap;       /* space owed before the next block (dropped at the top of a page) */
	bool empty;      /* nothing on the current page yet */
	bool break_next; /* the next block starts a new page */
	struct {
		cmark_node *node;
		struct figure *fig; /* owned; NULL when the block was bad */
	} * figs;
	size_t nfig;
	struct table_group *groups;
	size_t ngroups;
	char *section; /* from <!-- section: NAME -->: the next heading's bookmark and anchor */
	/* Sections marked <!-- one page --> (to the next page break), fitted to their page: how
	 * tight each is set this pass, and whether it ran onto another page */
	int fit_level[FIT_SECTIONS];
	bool fit_spilled[FIT_SECTIONS];
	int nfit;        /* marked sections met this pass */
	int fitting;     /* the one being laid out, or -1 */
	size_t fit_page; /* the page it starts on (SIZE_MAX until its first block) */
	bool fit_titled; /* its level-1 heading laid out: the next one starts another section */
};

/*
 * A template may give a heading that states a message a neutral name, for its bookmark and its
 * anchor, with an HTML comment on the line before it: <!-- section: Where journeys break -->.
 * Returns the name (a new string), or NULL when the block is no such comment.
 */
static char *section_comment(cmark_node *n)
{
	const char *s = cmark_node_get_literal(n);
	static const char open[] = "<!-- section:";
	if (!s || strncmp(s, open, sizeof open - 1) != 0)
		return NULL;
	s += sizeof open - 1;
	const char *end = strstr(s, "-->");
	if (!end)
		return NULL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end > s ? xstrndup(s, (size_t)(end - s)) : NULL;
}

static void new_page(struct layout *L)
{
	struct document *d = L->doc;
	d->pages = xreallocarray(d->pages, d->npages + 1, sizeof *d->pages);
	L->pg = &d->pages[d->npages++];
	memset(L->pg, 0, sizeof *L->pg);
	L->y = L->top;
	L->empty = true;
	L->gap = 0;
	L->break_next = false;
}

/* Starts a new page unless h (plus the gap owed) still fits on this one; then spends the gap. */
static void need(struct layout *L, float h)
{
	if (L->break_next && !L->empty)
		new_page(L);
	L->break_next = false;
	if (L->fitting >= 0 && L->fit_page == SIZE_MAX) { /* a marked section's first block */
		L->fit_page = L->doc->npages - 1;
		L->bottom = fit_bottom[L->fit_level[L->fitting]];
	}
	if (!L->empty && L->y - L->gap - h < L->bottom - 0.01f)
		new_page(L);
	if (!L->empty)
		L->y -= L->gap;
	L->gap = 0;
}

static void owe_gap(struct layout *L, float g)
{
	if (L->fitting >= 0)
		g *= fit_gap[L->fit_level[L->fitting]];
	L->gap = fmaxf(L->gap, g);
}

/* The end of a section marked to fit one page (a page break, the next level-1 heading, or the
 * document's end): whether it ran onto another page; the margins back as they were. */
static void fit_end(struct layout *L)
{
	if (L->fitting < 0)
		return;
	if (L->fit_page != SIZE_MAX && L->doc->npages - 1 > L->fit_page)
		L->fit_spilled[L->fitting] = true;
	L->fitting = -1;
	L->bottom = MARGIN_BOTTOM;
}

/* Whether the HTML block is the mark <!-- one page --> (spaces around the words allowed). */
static bool one_page_comment(cmark_node *n)
{
	const char *s = cmark_node_get_literal(n);
	if (!s || strncmp(s, "<!--", 4) != 0)
		return false;
	s += 4;
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "one page", 8) != 0)
		return false;
	s += 8;
	while (*s == ' ' || *s == '\t')
		s++;
	return strncmp(s, "-->", 3) == 0;
}

static struct style body_style(void)
{
	return (struct style){
	    .font = FONT_REGULAR, .slant = false, .color = C_INK, .size = BODY_SIZE};
}

static void inlines(struct para *p, cmark_node *parent, struct style st)
{
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		struct style s = st;
		const char *lit;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(n);
			if (lit && *lit)
				para_add(p, st, lit, strlen(lit));
			break;
		case CMARK_NODE_SOFTBREAK:
			para_add(p, st, " ", 1);
			break;
		case CMARK_NODE_LINEBREAK:
			para_add(p, st, NULL, 0);
			break;
		case CMARK_NODE_EMPH:
			s.slant = true;
			inlines(p, n, s);
			break;
		case CMARK_NODE_STRONG:
			s.font = FONT_BOLD;
			inlines(p, n, s);
			break;
		case CMARK_NODE_LINK:
			s.link = cmark_node_get_url(n);
			if (s.link && !*s.link)
				s.link = NULL;
			if (s.link)
				s.color = C_LINK;
			inlines(p, n, s);
			break;
		default:
			inlines(p, n, s);
			break;
		}
	}
}

/* The plain text of a node's inlines (for slugs and bookmarks). */
static void plain_text(struct strbuf *b, cmark_node *parent)
{
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_HTML_INLINE)
			strbuf_puts(b, cmark_node_get_literal(n));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			strbuf_putc(b, ' ');
		else
			plain_text(b, n);
	}
}

/* Lays out a paragraph's lines at the current position, breaking pages between lines (no lone first
 * or last line). */
static void flow_para(struct layout *L, struct para *p, float x, float width, float lead)
{
	struct wrapped w = {0};
	wrap(L->fonts, p, width, &w);
	if (w.nlines == 0) {
		wrapped_free(&w);
		return;
	}
	float asc = lead * 0.72f; /* baseline below the top of the line */
	size_t li = 0;
	while (li < w.nlines) {
		size_t left = w.nlines - li;
		size_t want = left < 2 ? left : 2; /* no orphan */
		need(L, want * lead);
		float avail = L->y - L->bottom;
		size_t fit = (size_t)floorf((avail + 0.01f) / lead);
		if (fit < want)
			fit = want; /* a fresh page always takes them */
		if (fit >= left)
			fit = left;
		else if (left - fit == 1 && fit > 2)
			fit--; /* no widow */
		for (size_t k = 0; k < fit; k++, li++) {
			emit_line(L->pg, L->fonts, p, &w, li, x, L->y - asc);
			L->y -= lead;
		}
		L->empty = false;
		if (li < w.nlines)
			new_page(L);
	}
	wrapped_free(&w);
}

/* ---------------------------------------------------------------- blocks */

static void block(struct layout *L, cmark_node *n, float x, float width);
static float min_height(struct layout *L, cmark_node *n, float width);

static bool is_figure(cmark_node *n)
{
	if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
		return false;
	const char *info = cmark_node_get_fence_info(n);
	return info && strncmp(info, "figure", 6) == 0 &&
	       (info[6] == '\0' || info[6] == ' ' || info[6] == '\t');
}

static const char *type_name(cmark_node *n)
{
	const char *s = cmark_node_get_type_string(n);
	return s ? s : "";
}

static void add_anchor(struct layout *L, int level, const char *title)
{
	struct document *d = L->doc;
	char *base = slug_anchor(title);
	char *slug = xstrdup(base);
	for (int k = 1;; k++) {
		bool used = false;
		for (size_t i = 0; i < d->nanchors; i++)
			if (strcmp(d->anchors[i].slug, slug) == 0)
				used = true;
		if (!used)
			break;
		free(slug);
		slug = xasprintf("%s-%d", base, k);
	}
	free(base);
	d->anchors = xreallocarray(d->anchors, d->nanchors + 1, sizeof *d->anchors);
	struct anchor *a = &d->anchors[d->nanchors++];
	a->level = level;
	a->title = xstrdup(title);
	a->slug = slug;
	a->page = d->npages - 1;
	a->y = L->y;
}

/* The size and leading of a heading: a level-1 title that states a message is smaller. */
static float title_size(const struct layout *L, int level)
{
	return level == 1 && L->section ? MESSAGE_SIZE : heading_size[level];
}

static float title_lead(const struct layout *L, int level)
{
	return level == 1 && L->section ? MESSAGE_LEAD : heading_lead[level];
}

static float heading_height(struct layout *L, cmark_node *n, float width)
{
	int level = cmark_node_get_heading_level(n);
	if (level < 1 || level > 6)
		level = 6;
	struct para p = {0};
	struct style st = {.font = FONT_BOLD, .color = C_INK, .size = title_size(L, level)};
	inlines(&p, n, st);
	struct wrapped w = {0};
	wrap(L->fonts, &p, width, &w);
	float h = (float)(w.nlines ? w.nlines : 1) * title_lead(L, level) + heading_after[level];
	if (level == 1)
		h += 10; /* the rule above */
	if (level == 1 && L->section)
		h += KICKER_LEAD; /* the section's name above a title that states its message */
	wrapped_free(&w);
	para_free(&p);
	return h;
}

static void heading(struct layout *L, cmark_node *n, float x, float width)
{
	int level = cmark_node_get_heading_level(n);
	if (level < 1 || level > 6)
		level = 6;
	if (L->section) {
		/* a title that is its section's name states no message: no name above it */
		struct strbuf text = STRBUF_INIT;
		plain_text(&text, n);
		if (strcmp(strbuf_str(&text), L->section) == 0) {
			free(L->section);
			L->section = NULL;
		}
		strbuf_free(&text);
	}
	if (level == 1 && L->fitting >= 0) { /* a marked section ends where the next begins */
		if (L->fit_titled)
			fit_end(L);
		else
			L->fit_titled = true;
	}
	float h = heading_height(L, n, width);
	/* Keep with what follows: the heading moves when what comes next cannot start here. */
	float follow = 0;
	if (cmark_node_next(n))
		follow = min_height(L, cmark_node_next(n), width);
	owe_gap(L, heading_before[level]);
	need(L, h + follow);
	if (!L->empty && follow > 0 && L->y - h - follow < L->bottom)
		new_page(L);

	struct strbuf title = STRBUF_INIT;
	if (L->section)
		strbuf_puts(&title, L->section);
	else
		plain_text(&title, n);
	add_anchor(L, level, strbuf_str(&title));
	strbuf_free(&title);

	if (level == 1 && L->section) {
		/* The neutral name, small, above the title that states the message: the reader
		 * knows where they are, the title says what it means. */
		struct para k = {0};
		struct style st = {.font = FONT_BOLD, .color = C_BLUE, .size = KICKER_SIZE};
		para_add(&k, st, L->section, strlen(L->section));
		flow_para(L, &k, x, width, KICKER_LEAD);
		para_free(&k);
	}
	float size = title_size(L, level), lead = title_lead(L, level);
	free(L->section);
	L->section = NULL;

	if (level == 1) {
		/* A short accent rule marks each section's start. */
		struct item *r = page_add(L->pg, ITEM_RECT);
		r->x = x;
		r->y = L->y - 3;
		r->w = 36;
		r->h = 3;
		r->fill = C_BLUE;
		r->filled = true;
		L->y -= 10;
	}
	struct para p = {0};
	struct style st = {.font = FONT_BOLD, .color = C_INK, .size = size};
	if (level >= 4)
		st.color = C_MUTED;
	inlines(&p, n, st);
	flow_para(L, &p, x, width, lead);
	para_free(&p);
	L->empty = false;
	owe_gap(L, heading_after[level]);
	L->gap = heading_after[level]; /* what follows sits close */
}

static float figure_height(struct layout *L, cmark_node *n, float width);

static void paragraph(struct layout *L, cmark_node *n, float x, float width, struct style st,
                      float lead)
{
	struct para p = {0};
	inlines(&p, n, st);
	/* A short paragraph introducing a figure stays with it. */
	cmark_node *next = cmark_node_next(n);
	if (next && is_figure(next)) {
		struct wrapped w = {0};
		wrap(L->fonts, &p, width, &w);
		float h = (float)w.nlines * lead + 2 * GAP + 6 + figure_height(L, next, width);
		if (w.nlines <= 3 && h <= L->top - L->bottom)
			need(L, h);
		wrapped_free(&w);
	}
	flow_para(L, &p, x, width, lead);
	para_free(&p);
	owe_gap(L, GAP);
}

static void list(struct layout *L, cmark_node *n, float x, float width)
{
	bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	int num = cmark_node_get_list_start(n);
	bool tight = cmark_node_get_list_tight(n);
	float indent = ordered ? 22.0f : 16.0f;
	for (cmark_node *item = cmark_node_first_child(n); item;
	     item = cmark_node_next(item), num++) {
		cmark_node *first = cmark_node_first_child(item);
		need(L, first ? fminf(min_height(L, first, width - indent), 2 * BODY_LEAD)
		              : BODY_LEAD);
		size_t page_before = L->doc->npages;
		float ytop = L->y;
		size_t at = L->pg->n;
		for (cmark_node *c = first; c; c = cmark_node_next(c)) {
			block(L, c, x + indent, width - indent);
			if (tight)
				L->gap = fminf(L->gap, 3.0f);
		}
		/* The marker goes beside the item's first line, on the page it starts on. */
		struct page *pg = &L->doc->pages[page_before - 1];
		float base = ytop - BODY_LEAD * 0.72f;
		bool found = false;
		for (size_t i = at; i < pg->n && !found; i++)
			if (pg->items[i].kind == ITEM_TEXT) {
				base = pg->items[i].y;
				found = true;
			}
		/* The item's first line went to the next page (a figure in it, say): so does the
		 * marker. */
		if (!found && L->doc->npages > page_before) {
			pg = &L->doc->pages[page_before];
			for (size_t i = 0; i < pg->n && !found; i++)
				if (pg->items[i].kind == ITEM_TEXT) {
					base = pg->items[i].y;
					found = true;
				}
		}
		if (ordered) {
			char *s = xasprintf("%d.", num);
			page_text_aligned(pg, L->fonts, FONT_REGULAR, BODY_SIZE, C_MUTED,
			                  x + indent - 6, base, 1, s);
			free(s);
		} else {
			struct item *dot = page_add(pg, ITEM_CIRCLE);
			dot->x = x + 4;
			dot->y = base + BODY_SIZE * 0.32f;
			dot->w = 2.2f;
			dot->fill = C_BLUE;
			dot->filled = true;
		}
		owe_gap(L, tight ? 4.0f : GAP);
	}
	owe_gap(L, GAP);
}

/* ---------------------------------------------------------------- tables */

enum chip { CHIP_NONE, CHIP_GREEN, CHIP_AMBER, CHIP_RED };

struct cell {
	struct para p;
	struct wrapped w;
	enum chip chip;
	bool numeric;
	int align; /* <0 left, 0 centre, >0 right */
};

struct table {
	size_t rows, cols; /* row 0 is the header */
	struct cell *cells;
	float *colw;
	float *rowh;
	char *key; /* the header row's text: tables with the same header share column widths */
};

/* The widest natural and minimum width of each column over every table with the same header. */
struct table_group {
	char *key;
	size_t cols;
	float *nat, *min;
};

static const struct {
	const char *word;
	const char *label;
	unsigned fill, ink;
} chips[] = {
    [CHIP_GREEN] = {"green", "✓ Green", 0xDCEFE3, 0x1D5E36},
    [CHIP_AMBER] = {"amber", "! Amber", 0xEBA63F, 0x3D2800},
    [CHIP_RED] = {"red", "✗ Red", 0xA3312A, 0xFFFFFF},
};

#define CHIP_H 15.0f
#define CELL_PAD_X 6.0f
#define CELL_PAD_Y 5.0f

/* Numbers, money, percentages, "—": anything a reader compares down a column. */
static bool numeric_looking(const char *s)
{
	while (*s == ' ')
		s++;
	if (strcmp(s, "—") == 0 || strcmp(s, "–") == 0 || strcmp(s, "-") == 0)
		return true;
	bool digit = false;
	const char *p = s;
	if (*p == '+' || *p == '-' || *p == '(')
		p++;
	else if (strncmp(p, "−", 3) == 0)
		p += 3;
	if (strncmp(p, "£", 2) == 0 || strncmp(p, "€", 3) == 0 || *p == '$')
		p += *p == '$' ? 1 : strncmp(p, "£", 2) == 0 ? 2 : 3;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if (*p == ',' || *p == '.' || (*p == ' ' && p[1] >= '0' && p[1] <= '9'))
			continue;
		else
			break;
	}
	if (!digit)
		return false;
	while (*p == ' ')
		p++;
	static const char *const suffix[] = {"",   "%", "pts", "pt", "k",    "m",
	                                     "bn", "x", "×",   ")",  "days", "d"};
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++)
		if (strcmp(p, suffix[i]) == 0)
			return true;
	return false;
}

static enum chip chip_of(const char *s)
{
	if (strncmp(s, "status:", 7) != 0)
		return CHIP_NONE;
	for (int c = CHIP_GREEN; c <= CHIP_RED; c++)
		if (strcmp(s + 7, chips[c].word) == 0)
			return (enum chip)c;
	return CHIP_NONE;
}

static float chip_width(struct layout *L, enum chip c)
{
	return fontsub_width(L->fonts[FONT_BOLD], chips[c].label, strlen(chips[c].label),
	                     TABLE_SIZE - 1) +
	       14;
}

static void draw_chip(struct layout *L, struct page *pg, enum chip c, float x, float ytop)
{
	float w = chip_width(L, c);
	struct item *r = page_add(pg, ITEM_RECT);
	r->x = x;
	r->y = ytop - CHIP_H;
	r->w = w;
	r->h = CHIP_H;
	r->radius = CHIP_H / 2;
	r->fill = RGB(chips[c].fill);
	r->filled = true;
	if (c == CHIP_GREEN) {
		r->stroked = true;
		r->stroke = RGB(0x8CC3A0);
		r->line_width = 0.6f;
	}
	page_text(pg, FONT_BOLD, TABLE_SIZE - 1, RGB(chips[c].ink), x + 7, ytop - CHIP_H + 4.3f,
	          chips[c].label);
}

static struct cell *cell_at(struct table *t, size_t r, size_t c)
{
	return &t->cells[r * t->cols + c];
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->rows * t->cols; i++) {
		para_free(&t->cells[i].p);
		wrapped_free(&t->cells[i].w);
	}
	free(t->cells);
	free(t->colw);
	free(t->rowh);
	free(t->key);
}

static void table_read(struct layout *L, cmark_node *n, struct table *t)
{
	(void)L;
	t->cols = cmark_gfm_extensions_get_table_columns(n);
	for (cmark_node *r = cmark_node_first_child(n); r; r = cmark_node_next(r))
		t->rows++;
	t->cells = xcalloc(t->rows * t->cols + 1, sizeof *t->cells);
	uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
	size_t ri = 0;
	struct strbuf key = STRBUF_INIT;
	for (cmark_node *r = cmark_node_first_child(n); r; r = cmark_node_next(r), ri++) {
		bool header = ri == 0;
		size_t ci = 0;
		for (cmark_node *c = cmark_node_first_child(r); c && ci < t->cols;
		     c = cmark_node_next(c), ci++) {
			struct cell *cell = cell_at(t, ri, ci);
			struct strbuf txt = STRBUF_INIT;
			plain_text(&txt, c);
			if (header) {
				strbuf_append(&key, strbuf_str(&txt), strlen(strbuf_str(&txt)));
				strbuf_putc(&key, '\x1f');
			}
			cell->chip = header ? CHIP_NONE : chip_of(strbuf_str(&txt));
			cell->numeric = !header && numeric_looking(strbuf_str(&txt));
			struct style st = {.font = header ? FONT_BOLD : FONT_REGULAR,
			                   .color = header ? C_MUTED : C_INK,
			                   .size = header ? TABLE_SIZE - 0.5f : TABLE_SIZE};
			if (!cell->chip)
				inlines(&cell->p, c, st);
			strbuf_free(&txt);
			char a = al ? (char)al[ci] : 0;
			cell->align = a == 'r' ? 1 : a == 'c' ? 0 : -1;
		}
	}
	t->key = strbuf_detach(&key);
	/* Columns without an alignment: numbers go right, and so does their header. */
	for (size_t ci = 0; ci < t->cols; ci++) {
		if (al && al[ci])
			continue;
		bool all = t->rows > 1;
		for (size_t ri = 1; ri < t->rows; ri++) {
			struct cell *c = cell_at(t, ri, ci);
			if (c->numeric)
				c->align = 1;
			else if (c->p.n > 0 || c->chip)
				all = false;
		}
		if (all)
			cell_at(t, 0, ci)->align = 1;
	}
}

/* Each column's natural (unwrapped) and minimum width, the widest over t's rows. */
static void table_natural(struct layout *L, struct table *t, float width, float *nat, float *min)
{
	for (size_t ri = 0; ri < t->rows; ri++)
		for (size_t ci = 0; ci < t->cols; ci++) {
			struct cell *c = cell_at(t, ri, ci);
			struct wrapped w = {0};
			float cn, cm;
			if (c->chip) {
				cn = cm = chip_width(L, c->chip);
			} else {
				wrap(L->fonts, &c->p, 1e6f, &w);
				cn = w.natural;
				/* Short cells (numbers, "≥ 10.0 days") never wrap. */
				cm = cn <= 72 ? cn : fminf(w.longest, width / 3);
				wrapped_free(&w);
			}
			nat[ci] = fmaxf(nat[ci], cn + 2 * CELL_PAD_X);
			min[ci] = fmaxf(min[ci], cm + 2 * CELL_PAD_X);
		}
}

static struct table_group *table_group(struct layout *L, const struct table *t)
{
	for (size_t i = 0; i < L->ngroups; i++)
		if (L->groups[i].cols == t->cols && strcmp(L->groups[i].key, t->key) == 0)
			return &L->groups[i];
	return NULL;
}

/*
 * Reads every table before layout, so that tables with the same header (one per department, say)
 * get the same column widths: each column as wide as the widest of them needs (pack.md, "Read on
 * a phone").
 */
static void read_tables(struct layout *L, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || strcmp(type_name(n), "table") != 0)
			continue;
		struct table t = {0};
		table_read(L, n, &t);
		if (t.rows && t.cols) {
			struct table_group *g = table_group(L, &t);
			if (!g) {
				L->groups =
				    xreallocarray(L->groups, L->ngroups + 1, sizeof *L->groups);
				g = &L->groups[L->ngroups++];
				g->key = xstrdup(t.key);
				g->cols = t.cols;
				g->nat = xcalloc(t.cols, sizeof *g->nat);
				g->min = xcalloc(t.cols, sizeof *g->min);
			}
			table_natural(L, &t, L->width, g->nat, g->min);
		}
		table_free(&t);
	}
	cmark_iter_free(it);
}

static void table_measure(struct layout *L, struct table *t, float width)
{
	float *nat = xcalloc(t->cols, sizeof *nat), *min = xcalloc(t->cols, sizeof *min);
	table_natural(L, t, width, nat, min);
	const struct table_group *g = table_group(L, t);
	for (size_t ci = 0; g && ci < t->cols; ci++) {
		nat[ci] = fmaxf(nat[ci], g->nat[ci]);
		min[ci] = fmaxf(min[ci], g->min[ci]);
	}
	float sn = 0, sm = 0;
	for (size_t ci = 0; ci < t->cols; ci++) {
		sn += nat[ci];
		sm += min[ci];
	}
	t->colw = xcalloc(t->cols, sizeof *t->colw);
	if (sn <= width) {
		/* Everything fits on one line: the spare width goes to the text columns. */
		float spare = width - sn, text = 0;
		for (size_t ci = 0; ci < t->cols; ci++)
			if (cell_at(t, t->rows > 1 ? 1 : 0, ci)->align < 0)
				text += nat[ci];
		for (size_t ci = 0; ci < t->cols; ci++) {
			bool is_text = cell_at(t, t->rows > 1 ? 1 : 0, ci)->align < 0;
			t->colw[ci] = nat[ci] + (text > 0 ? (is_text ? spare * nat[ci] / text : 0)
			                                  : spare / t->cols);
		}
	} else if (sm <= width) {
		float spare = width - sm, want = sn - sm;
		for (size_t ci = 0; ci < t->cols; ci++)
			t->colw[ci] = min[ci] + (want > 0 ? spare * (nat[ci] - min[ci]) / want : 0);
	} else {
		/* Too narrow even at the minimum: numbers and chips keep theirs (a figure never
		 * breaks), and the text columns share what is left. */
		float fixed = 0, text = 0;
		for (size_t ci = 0; ci < t->cols; ci++) {
			const struct cell *c = cell_at(t, t->rows > 1 ? 1 : 0, ci);
			if (c->align > 0 || c->chip)
				fixed += min[ci];
			else
				text += min[ci];
		}
		bool keep = text > 0 && fixed < width * 0.6f;
		for (size_t ci = 0; ci < t->cols; ci++) {
			const struct cell *c = cell_at(t, t->rows > 1 ? 1 : 0, ci);
			if (!keep)
				t->colw[ci] = min[ci] * width / sm;
			else if (c->align > 0 || c->chip)
				t->colw[ci] = min[ci];
			else
				t->colw[ci] = min[ci] * (width - fixed) / text;
		}
	}
	free(nat);
	free(min);
	t->rowh = xcalloc(t->rows, sizeof *t->rowh);
	for (size_t ri = 0; ri < t->rows; ri++) {
		float h = 0;
		for (size_t ci = 0; ci < t->cols; ci++) {
			struct cell *c = cell_at(t, ri, ci);
			if (c->chip) {
				h = fmaxf(h, CHIP_H);
				continue;
			}
			wrap(L->fonts, &c->p, t->colw[ci] - 2 * CELL_PAD_X, &c->w);
			h = fmaxf(h, (float)c->w.nlines * TABLE_LEAD);
		}
		t->rowh[ri] = fmaxf(h, TABLE_LEAD) + 2 * CELL_PAD_Y;
		for (size_t ci = 0; ci < t->cols; ci++)
			if (cell_at(t, ri, ci)->chip)
				t->rowh[ri] = fmaxf(t->rowh[ri], CHIP_H + 2 * CELL_PAD_Y - 1);
	}
}

static void table_row(struct layout *L, struct table *t, size_t ri, float x)
{
	float h = t->rowh[ri], cx = x, ytop = L->y;
	for (size_t ci = 0; ci < t->cols; ci++) {
		struct cell *c = cell_at(t, ri, ci);
		float inner = t->colw[ci] - 2 * CELL_PAD_X;
		if (c->chip) {
			float cw = chip_width(L, c->chip);
			float off = c->align > 0    ? inner - cw
			            : c->align == 0 ? (inner - cw) / 2
			                            : 0;
			draw_chip(L, L->pg, c->chip, cx + CELL_PAD_X + off, ytop - CELL_PAD_Y + 1);
		}
		for (size_t li = 0; li < c->w.nlines; li++) {
			float lw = c->w.lines[li].w;
			float off = c->align > 0    ? inner - lw
			            : c->align == 0 ? (inner - lw) / 2
			                            : 0;
			emit_line(L->pg, L->fonts, &c->p, &c->w, li, cx + CELL_PAD_X + off,
			          ytop - CELL_PAD_Y - TABLE_LEAD * 0.74f - (float)li * TABLE_LEAD);
		}
		cx += t->colw[ci];
	}
	L->y -= h;
	float total = cx - x;
	if (ri == 0)
		page_line(L->pg, x, L->y, x + total, L->y, 0.9f, C_INK, 0);
	else
		page_line(L->pg, x, L->y, x + total, L->y, 0.4f, C_RULE, 0);
	L->empty = false;
}

static void table(struct layout *L, cmark_node *n, float x, float width)
{
	struct table t = {0};
	table_read(L, n, &t);
	if (t.rows == 0 || t.cols == 0) {
		table_free(&t);
		return;
	}
	table_measure(L, &t, width);
	/* No row alone at the foot of a page: the header comes with two rows (or the only one). */
	need(L, t.rowh[0] + (t.rows > 1 ? t.rowh[1] : 0) + (t.rows > 2 ? t.rowh[2] : 0));
	table_row(L, &t, 0, x);
	size_t on_page = 0;
	for (size_t ri = 1; ri < t.rows; ri++) {
		bool fits = L->y - t.rowh[ri] >= L->bottom - 0.01f;
		/* nor alone at the head of the next: when only the last row would go over, take the
		 * one before it along, unless that would leave this page's header alone */
		if (fits && ri + 2 == t.rows && on_page >= 2 &&
		    L->y - t.rowh[ri] - t.rowh[ri + 1] < L->bottom - 0.01f)
			fits = false;
		if (!fits) {
			new_page(L);
			table_row(L, &t, 0, x); /* the header again on each page */
			on_page = 0;
		}
		table_row(L, &t, ri, x);
		on_page++;
	}
	table_free(&t);
	owe_gap(L, GAP * 2);
}

/* ---------------------------------------------------------------- figures */

/* The figure of code block n, read before layout began (NULL if it is not a figure). */
static const struct figure *figure_of(struct layout *L, cmark_node *n)
{
	for (size_t i = 0; i < L->nfig; i++)
		if (L->figs[i].node == n)
			return L->figs[i].fig;
	return NULL;
}

/* Reads every figure block, in document order, reporting each bad one; false if any is. */
static bool read_figures(struct layout *L, cmark_node *root)
{
	bool ok = true;
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || !is_figure(n))
			continue;
		const char *body = cmark_node_get_literal(n);
		struct figure *f = figure_parse(cmark_node_get_fence_info(n), body ? body : "",
		                                (int)L->nfig + 1, L->opts->view);
		L->figs = xreallocarray(L->figs, L->nfig + 1, sizeof *L->figs);
		L->figs[L->nfig].node = n;
		L->figs[L->nfig++].fig = f;
		if (!f)
			ok = false;
	}
	cmark_iter_free(it);
	return ok;
}

static float figure_height(struct layout *L, cmark_node *n, float width)
{
	const struct figure *f = figure_of(L, n);
	if (!f)
		return 0;
	struct page scratch = {0};
	struct chart_ctx ctx = {L->fonts, L->opts->logo_w, L->opts->logo_h, layout_wrap};
	float h =
	    figure_is_cover(f) ? 0 : figure_draw(f, &scratch, &ctx, width, L->top - L->bottom);
	page_clear(&scratch);
	return h;
}

static void figure(struct layout *L, cmark_node *n, float x, float width)
{
	const struct figure *f = figure_of(L, n);
	if (!f)
		return;
	struct chart_ctx ctx = {L->fonts, L->opts->logo_w, L->opts->logo_h, layout_wrap};
	struct page scratch = {0};
	if (figure_is_cover(f)) {
		if (!L->empty)
			new_page(L);
		figure_draw(f, &scratch, &ctx, width, L->top - L->bottom);
		page_move(L->pg, &scratch, x, L->top);
		L->empty = false;
		L->break_next = true;
	} else {
		float h = figure_draw(f, &scratch, &ctx, width, L->top - L->bottom);
		owe_gap(L, 6);
		need(L, h);
		page_move(L->pg, &scratch, x, L->y);
		L->y -= h;
		L->empty = false;
		owe_gap(L, GAP * 2);
	}
}

static void code_block(struct layout *L, cmark_node *n, float x, float width)
{
	const char *lit = cmark_node_get_literal(n);
	struct para p = {0};
	struct style st = {.font = FONT_REGULAR, .color = C_MUTED, .size = TABLE_SIZE};
	for (const char *s = lit ? lit : ""; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		para_add(&p, st, s, len);
		if (!e)
			break;
		para_add(&p, st, NULL, 0);
		s = e + 1;
	}
	flow_para(L, &p, x + 10, width - 10, TABLE_LEAD);
	para_free(&p);
	owe_gap(L, GAP);
}

/* The least height a block needs to start on a page (keeps headings with it). */
static float min_height(struct layout *L, cmark_node *n, float width)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t == CMARK_NODE_PARAGRAPH) {
		struct para p = {0};
		inlines(&p, n, body_style());
		struct wrapped w = {0};
		wrap(L->fonts, &p, width, &w);
		float h = (float)(w.nlines < 2 ? w.nlines : 2) * BODY_LEAD;
		/* As paragraph() does: a short paragraph introducing a figure keeps it. */
		cmark_node *next = cmark_node_next(n);
		if (next && is_figure(next) && w.nlines <= 3) {
			float all = (float)w.nlines * BODY_LEAD + 2 * GAP + 6 +
			            figure_height(L, next, width);
			if (all <= L->top - L->bottom)
				h = all;
		}
		wrapped_free(&w);
		para_free(&p);
		return h;
	}
	if (t == CMARK_NODE_HEADING)
		return heading_height(L, n, width) +
		       heading_before[cmark_node_get_heading_level(n)] +
		       (cmark_node_next(n) ? fminf(min_height(L, cmark_node_next(n), width), 120)
		                           : 0);
	if (t == CMARK_NODE_LIST) {
		cmark_node *item = cmark_node_first_child(n);
		cmark_node *first = item ? cmark_node_first_child(item) : NULL;
		return first ? min_height(L, first, width - 20) : BODY_LEAD;
	}
	if (is_figure(n))
		return figure_height(L, n, width) + 6;
	if (strcmp(type_name(n), "table") == 0)
		return 3 * (TABLE_LEAD + 2 * CELL_PAD_Y);
	if (t == CMARK_NODE_THEMATIC_BREAK)
		return 0;
	return BODY_LEAD;
}

static void block(struct layout *L, cmark_node *n, float x, float width)
{
	cmark_node_type t = cmark_node_get_type(n);
	switch (t) {
	case CMARK_NODE_HEADING:
		heading(L, n, x, width);
		return;
	case CMARK_NODE_PARAGRAPH:
		paragraph(L, n, x, width, body_style(), BODY_LEAD);
		return;
	case CMARK_NODE_LIST:
		list(L, n, x, width);
		return;
	case CMARK_NODE_THEMATIC_BREAK:
		fit_end(L);
		if (!L->empty)
			L->break_next = true;
		return;
	case CMARK_NODE_CODE_BLOCK:
		if (is_figure(n))
			figure(L, n, x, width);
		else
			code_block(L, n, x, width);
		return;
	case CMARK_NODE_BLOCK_QUOTE: {
		size_t pg = L->doc->npages;
		float ytop = L->y - (L->empty ? 0 : L->gap);
		for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
			block(L, c, x + 14, width - 14);
		if (L->doc->npages == pg)
			page_line(L->pg, x + 3, ytop, x + 3, L->y, 2.5f, C_RULE, 0);
		return;
	}
	case CMARK_NODE_HTML_BLOCK: {
		/* comments and markup have no place in a PDF, but a section comment names the next
		 * heading */
		char *name = section_comment(n);
		if (name) {
			free(L->section);
			L->section = name;
		}
		if (one_page_comment(n) && L->nfit < FIT_SECTIONS) {
			fit_end(L);
			L->fitting = L->nfit++;
			L->fit_page = SIZE_MAX;
			L->fit_titled = false;
		}
		return;
	}
	default:
		break;
	}
	if (strcmp(type_name(n), "table") == 0) {
		table(L, n, x, width);
		return;
	}
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
		block(L, c, x, width);
}

/* The running header and "Page n of N" on every page, once N is known. */
static void furniture(struct layout *L)
{
	struct document *d = L->doc;
	char *s;
	for (size_t i = 0; i < d->npages; i++) {
		struct page *pg = &d->pages[i];
		float yh = d->height - HEADER_FROM_TOP;
		if (L->opts->header && *L->opts->header)
			page_text(pg, FONT_REGULAR, SMALL_SIZE, C_MUTED, L->left, yh,
			          L->opts->header);
		page_line(pg, L->left, yh - 7, L->left + L->width, yh - 7, 0.4f, C_RULE, 0);
		s = xasprintf("Page %zu of %zu", i + 1, d->npages);
		page_text_aligned(pg, L->fonts, FONT_REGULAR, SMALL_SIZE, C_MUTED,
		                  L->left + L->width, FOOTER_FROM_BOTTOM, 1, s);
		free(s);
	}
}

/* One pass over the blocks, at the marked sections' levels of L->fit_level. */
static void layout_pass(struct layout *L, cmark_node *root)
{
	struct document *d = L->doc;
	document_clear(d);
	free(L->section);
	L->section = NULL;
	L->nfit = 0;
	L->fitting = -1;
	L->bottom = MARGIN_BOTTOM;
	memset(L->fit_spilled, 0, sizeof L->fit_spilled);
	new_page(L);
	for (cmark_node *n = cmark_node_first_child(root); n; n = cmark_node_next(n))
		block(L, n, L->left, L->width);
	fit_end(L);
	/* A page left empty at the end (a trailing break, say) is dropped. */
	if (L->empty && d->npages > 1)
		page_clear(&d->pages[--d->npages]);
}

/*
 * The pages. A section marked <!-- one page --> that runs onto a second page is laid out again
 * with less space between its blocks and a lower bottom margin, at most FIT_LEVELS times; one
 * that does not fit even then is laid out as it was at first (its second page is honest about
 * the content, where text squeezed further would not be readable).
 */
static void layout_pages(struct layout *L, cmark_node *root)
{
	memset(L->fit_level, 0, sizeof L->fit_level);
	bool settled[FIT_SECTIONS] = {false};
	for (;;) {
		layout_pass(L, root);
		bool again = false;
		for (int i = 0; i < L->nfit; i++) {
			if (settled[i] || !L->fit_spilled[i])
				continue;
			if (L->fit_level[i] < FIT_LEVELS) {
				L->fit_level[i]++;
			} else {
				L->fit_level[i] = 0;
				settled[i] = true;
			}
			again = true;
		}
		if (!again)
			return;
	}
}

struct document *layout_document(const char *markdown, struct fontsub *const fonts[FONT_COUNT],
                                 const struct layout_options *opts)
{
	pthread_once(&layout_once, layout_setup);
	cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_syntax_extension *ext = cmark_find_syntax_extension("table");
	if (ext)
		cmark_parser_attach_syntax_extension(parser, ext);
	cmark_parser_feed(parser, markdown, strlen(markdown));
	cmark_node *root = cmark_parser_finish(parser);

	struct document *d = xcalloc(1, sizeof *d);
	if (opts->paper == PAPER_LETTER) {
		d->width = 612.0f;
		d->height = 792.0f;
	} else {
		d->width = 595.276f;
		d->height = 841.89f;
	}
	struct layout L = {.doc = d, .fonts = fonts, .opts = opts, .fitting = -1};
	L.left = MARGIN_X;
	L.width = d->width - 2 * MARGIN_X;
	L.top = d->height - MARGIN_TOP;
	L.bottom = MARGIN_BOTTOM;
	bool ok = read_figures(&L, root);
	if (ok)
		read_tables(&L, root);
	if (ok) {
		layout_pages(&L, root);
		furniture(&L);
	}
	for (size_t i = 0; i < L.nfig; i++)
		figure_free(L.figs[i].fig);
	free(L.figs);
	for (size_t i = 0; i < L.ngroups; i++) {
		free(L.groups[i].key);
		free(L.groups[i].nat);
		free(L.groups[i].min);
	}
	free(L.groups);
	free(L.section);
	cmark_node_free(root);
	cmark_parser_free(parser);
	if (!ok) {
		layout_free(d);
		return NULL;
	}
	return d;
}
