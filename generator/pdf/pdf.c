/* pdf: the laid-out document drawn with libharu; the only file that sees libharu's handler and
 * status codes. */
#include "pdf/pdf.h"

#include <errno.h>
#include <hpdf.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/diag.h"
#include "pdf/fontsub.h"
#include "pdf/layout.h"
#include "util/safeopen.h"
#include "util/strbuf.h"
#include "util/xmem.h"

/* libharu reports through this handler; the first error of a step is kept and reported by check().
 */
struct haru {
	HPDF_Doc pdf;
	HPDF_STATUS code, detail;
	int sys_errno; /* errno when the error was raised: libharu's detail for a failed write is
	                  ferror()'s flag, not errno */
};

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
	struct haru *h = data;
	if (!h->code) {
		h->sys_errno = errno;
		h->code = code;
		h->detail = detail;
	}
}

static const char *meaning(HPDF_STATUS code)
{
	switch (code) {
	case HPDF_FAILD_TO_ALLOC_MEM:
		return "out of memory";
	case HPDF_FILE_IO_ERROR:
		return "the file could not be written or read";
	case HPDF_FILE_OPEN_ERROR:
		return "the file could not be opened";
	case HPDF_FONT_EXISTS:
		return "a font of the same name is already loaded";
	case HPDF_INVALID_FONTDEF_DATA:
	case HPDF_TTF_INVALID_FOMAT:
		return "the font file is not a TrueType font libharu can read";
	case HPDF_TTF_INVALID_CMAP:
		return "the font has no Unicode character map";
	case HPDF_TTF_MISSING_TABLE:
		return "the font lacks a table libharu needs";
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "the font's licence forbids embedding";
	case HPDF_UNSUPPORTED_FONT_TYPE:
		return "unsupported font type";
	case HPDF_INVALID_JPEG_DATA:
	case HPDF_UNSUPPORTED_JPEG_FORMAT:
		return "the JPEG image cannot be read (progressive or CMYK JPEGs are not "
		       "supported)";
	case HPDF_INVALID_PNG_IMAGE:
	case HPDF_LIBPNG_ERROR:
	case HPDF_INVALID_IMAGE:
		return "the image cannot be read";
	case HPDF_INVALID_DATE_TIME:
		return "the creation date is out of range";
	case HPDF_INVALID_URI:
		return "a link address is not valid";
	case HPDF_PAGE_INVALID_SIZE:
		return "invalid page size";
	case HPDF_ZLIB_ERROR:
		return "compression failed";
	case HPDF_INVALID_PARAMETER:
		return "an invalid value was passed to libharu";
	default:
		return "libharu failed";
	}
}

/* True (after reporting what failed) when libharu reported an error since the last check. */
static bool check(struct haru *h, const char *file, const char *what)
{
	if (!h->code)
		return false;
	if (h->code == HPDF_FILE_OPEN_ERROR && h->detail)
		diag_msg(DIAG_ERROR, file, 0, 0, "%s: %s", what, strerror((int)h->detail));
	else if ((h->code == HPDF_FILE_IO_ERROR || h->code == HPDF_ZLIB_ERROR) && h->sys_errno)
		diag_msg(DIAG_ERROR, file, 0, 0, "%s: %s", what, strerror(h->sys_errno));
	else
		diag_msg(DIAG_ERROR, file, 0, 0, "%s: %s (libharu error 0x%04lX, detail %lu)", what,
		         meaning(h->code), (unsigned long)h->code, (unsigned long)h->detail);
	HPDF_ResetError(h->pdf);
	h->code = h->detail = 0;
	h->sys_errno = 0;
	return true;
}

/* ---------------------------------------------------------------- the logo */

/* A logo file larger than this, or an image of more pixels, is refused before it is decoded
 * (docs/robustness.md, "Limits"): a cover logo needs a fraction of either. */
#define MAX_LOGO_BYTES ((size_t)32 << 20)
#define MAX_LOGO_PIXELS 16777216.0 /* 4096 x 4096 */

/* The size a JPEG's frame header (SOFn) gives; false when none is found. */
static bool jpeg_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (p[i] != 0xFF)
			return false;
		unsigned char m = p[i + 1];
		if (m == 0xFF) {
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
			i += 2;
			continue;
		}
		size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 9 > n)
				return false;
			*h = (unsigned)p[i + 5] << 8 | p[i + 6];
			*w = (unsigned)p[i + 7] << 8 | p[i + 8];
			return true;
		}
		if (m == 0xDA || len < 2)
			return false;
		i += 2 + len;
	}
	return false;
}

static bool logo_too_big(const char *path, double w, double h)
{
	if (w * h <= MAX_LOGO_PIXELS)
		return false;
	diag_msg(DIAG_ERROR, path, 0, 0,
	         "logo is %.0f x %.0f pixels, more than the limit of %.0f million; a cover logo "
	         "needs far fewer: scale it down",
	         w, h, MAX_LOGO_PIXELS / 1048576);
	return true;
}

/*
 * The logo is read once, through safeopen (a regular file, never blocking), and decoded from
 * memory. PNG is decoded here and handed to libharu as raw RGB, composited on white: libharu
 * 2.3's own PNG loader crashes on RGB images with a tRNS chunk.
 */
static HPDF_Image load_logo(struct haru *h, const char *path)
{
	size_t len;
	unsigned char *data = (unsigned char *)safeopen_load(path, MAX_LOGO_BYTES, "logo",
	                                                     "; a cover logo needs far less", &len);
	if (!data)
		return NULL;
	HPDF_Image im = NULL;
	if (len < 8) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "logo is not a PNG or JPEG image (%zu byte%s long, too short for one)",
		         len, len == 1 ? "" : "s");
	} else if (memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) {
		png_image img;
		memset(&img, 0, sizeof img);
		img.version = PNG_IMAGE_VERSION;
		if (!png_image_begin_read_from_memory(&img, data, len)) {
			diag_msg(DIAG_ERROR, path, 0, 0, "logo is not a readable PNG image: %s",
			         img.message);
		} else if (logo_too_big(path, img.width, img.height)) {
			png_image_free(&img);
		} else {
			img.format = PNG_FORMAT_RGB;
			unsigned char *px = xmalloc(PNG_IMAGE_SIZE(img));
			png_color white = {255, 255, 255};
			if (!png_image_finish_read(&img, &white, px, 0, NULL)) {
				diag_msg(DIAG_ERROR, path, 0, 0,
				         "logo is not a readable PNG image: %s", img.message);
				png_image_free(&img);
			} else {
				im = HPDF_LoadRawImageFromMem(h->pdf, px, img.width, img.height,
				                              HPDF_CS_DEVICE_RGB, 8);
				if (check(h, path, "logo"))
					im = NULL;
			}
			free(px);
		}
	} else if (data[0] == 0xFF && data[1] == 0xD8) {
		unsigned w, ht;
		if (!jpeg_size(data, len, &w, &ht))
			diag_msg(DIAG_ERROR, path, 0, 0,
			         "logo is not a readable JPEG image: no frame header found");
		else if (!logo_too_big(path, w, ht)) {
			im = HPDF_LoadJpegImageFromMem(h->pdf, data, (HPDF_UINT)len);
			if (check(h, path, "logo"))
				im = NULL;
		}
	} else {
		diag_msg(DIAG_ERROR, path, 0, 0, "logo is not a PNG or JPEG image");
	}
	free(data);
	return im;
}

/* ---------------------------------------------------------------- fonts */

struct cpset {
	unsigned char *bits; /* one bit per codepoint */
};

#define CP_MAX 0x110000u

static void cpset_add(struct cpset *s, uint32_t cp)
{
	if (cp < CP_MAX)
		s->bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

static bool cpset_has(const struct cpset *s, uint32_t cp)
{
	return cp < CP_MAX && (s->bits[cp >> 3] >> (cp & 7) & 1);
}

/* The codepoints the document shows, per font; one warning per character no font has. */
static void collect(const struct document *d, struct fontsub *const *fonts, struct cpset *sets)
{
	struct cpset warned = {xcalloc(CP_MAX / 8, 1)};
	for (size_t p = 0; p < d->npages; p++)
		for (size_t i = 0; i < d->pages[p].n; i++) {
			const struct item *it = &d->pages[p].items[i];
			if (it->kind != ITEM_TEXT || !it->text)
				continue;
			size_t n = strlen(it->text);
			for (size_t k = 0; k < n;) {
				uint32_t cp;
				size_t l = utf8_decode(it->text + k, n - k, &cp);
				cpset_add(&sets[it->font], cp);
				if (cp > 0xFFFF && !cpset_has(&warned, cp)) {
					/* libharu's UTF-8 text is 16-bit: such characters are
					 * dropped. */
					cpset_add(&warned, cp);
					diag_msg(DIAG_WARNING, NULL, 0, 0,
					         "U+%04X (%.*s) cannot be shown in the PDF "
					         "(outside Unicode's Basic "
					         "Multilingual Plane); it is left out",
					         (unsigned)cp, (int)l, it->text + k);
				} else if (cp >= 0x20 && !fontsub_has(fonts[it->font], cp) &&
				           !cpset_has(&warned, cp)) {
					cpset_add(&warned, cp);
					diag_msg(DIAG_WARNING, fontsub_path(fonts[it->font]), 0, 0,
					         "the font has no glyph for U+%04X (%.*s); it "
					         "shows as a blank box",
					         (unsigned)cp, (int)l, it->text + k);
				}
				k += l;
			}
		}
	free(warned.bits);
}

/*
 * libharu 2.3 gives UTF-8 fonts a "ToUnicode" stream that is a CID map (begincidrange),
 * which text extractors reject with a warning. The codes it writes are the Unicode
 * codepoints themselves (Identity-H over a Unicode-indexed CIDToGIDMap), so the right
 * map is the identity: one bfrange per 256 codes in use. libharu keeps a ToUnicode
 * entry it finds in place, so this one is written instead. (Uses libharu's object API:
 * hpdf_objects.h.)
 */
static void set_tounicode(struct haru *h, HPDF_Font font, const struct cpset *set)
{
	bool rows[256] = {false};
	size_t nrows = 0;
	for (uint32_t cp = 0; cp < 0x10000; cp++)
		if (cpset_has(set, cp) && !rows[cp >> 8] && !(cp >= 0xD800 && cp <= 0xDFFF)) {
			rows[cp >> 8] = true;
			nrows++;
		}
	HPDF_Dict stream = HPDF_DictStream_New(h->pdf->mmgr, h->pdf->xref);
	if (!stream)
		return;
	stream->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	struct strbuf b = STRBUF_INIT;
	strbuf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	size_t done = 0;
	for (unsigned r = 0; r < 256; r++) {
		if (!rows[r])
			continue;
		if (done % 100 == 0)
			strbuf_printf(&b, "%zu beginbfrange\n",
			              nrows - done < 100 ? nrows - done : 100);
		strbuf_printf(&b, "<%02X00> <%02XFF> <%02X00>\n", r, r, r);
		done++;
		if (done % 100 == 0 || done == nrows)
			strbuf_puts(&b, "endbfrange\n");
	}
	strbuf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	HPDF_Stream_Write(stream->stream, (const HPDF_BYTE *)strbuf_str(&b), (HPDF_UINT)b.len);
	strbuf_free(&b);
	HPDF_Dict_Add(font, "ToUnicode", stream);
}

/* Subsets the font to what the document uses, loads it into libharu and removes the temporary file.
 */
static HPDF_Font load_font(struct haru *h, const struct fontsub *f, const struct cpset *set)
{
	size_t n = 0, cap = 256;
	uint32_t *cps = xmalloc(cap * sizeof *cps);
	for (uint32_t cp = 0; cp < CP_MAX; cp++) {
		if (!(set->bits[cp >> 3]))
			cp |= 7;
		else if (cpset_has(set, cp)) {
			if (n == cap) {
				cap *= 2;
				cps = xreallocarray(cps, cap, sizeof *cps);
			}
			cps[n++] = cp;
		}
	}
	/* The space and the digits always, so that a font is never empty. */
	static const char always[] = " 0123456789";
	for (const char *p = always; *p; p++) {
		cps = xreallocarray(cps, n + 1, sizeof *cps);
		cps[n++] = (uint32_t)*p;
	}
	char *tmp = fontsub_write_subset(f, cps, n);
	free(cps);
	if (!tmp)
		return NULL;
	const char *name = HPDF_LoadTTFontFromFile(h->pdf, tmp, HPDF_TRUE);
	/* libharu keeps the file open until the document is freed, so it can go now. */
	unlink(tmp);
	free(tmp);
	if (check(h, fontsub_path(f), "cannot load the font") || !name)
		return NULL;
	HPDF_Font font = HPDF_GetFont(h->pdf, name, "UTF-8");
	if (check(h, fontsub_path(f), "cannot use the font with UTF-8 text"))
		return NULL;
	set_tounicode(h, font, set);
	if (check(h, fontsub_path(f), "cannot map the font's text to Unicode"))
		return NULL;
	return font;
}

/* ---------------------------------------------------------------- drawing */

static void fill_stroke(HPDF_Page page, const struct item *it)
{
	if (it->filled && it->stroked)
		HPDF_Page_FillStroke(page);
	else if (it->filled)
		HPDF_Page_Fill(page);
	else if (it->stroked)
		HPDF_Page_Stroke(page);
	else
		HPDF_Page_EndPath(page);
}

static void set_paint(HPDF_Page page, const struct item *it)
{
	if (it->filled)
		HPDF_Page_SetRGBFill(page, it->fill.r, it->fill.g, it->fill.b);
	if (it->stroked) {
		HPDF_Page_SetRGBStroke(page, it->stroke.r, it->stroke.g, it->stroke.b);
		HPDF_Page_SetLineWidth(page, it->line_width);
	}
}

static void rounded_rect(HPDF_Page page, float x, float y, float w, float h, float r)
{
	const float k = 0.5523f * r; /* Bézier approximation of a quarter circle */
	if (r > h / 2)
		r = h / 2;
	if (r > w / 2)
		r = w / 2;
	HPDF_Page_MoveTo(page, x + r, y);
	HPDF_Page_LineTo(page, x + w - r, y);
	HPDF_Page_CurveTo(page, x + w - r + k, y, x + w, y + r - k, x + w, y + r);
	HPDF_Page_LineTo(page, x + w, y + h - r);
	HPDF_Page_CurveTo(page, x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
	HPDF_Page_LineTo(page, x + r, y + h);
	HPDF_Page_CurveTo(page, x + r - k, y + h, x, y + h - r + k, x, y + h - r);
	HPDF_Page_LineTo(page, x, y + r);
	HPDF_Page_CurveTo(page, x, y + r - k, x + r - k, y, x + r, y);
	HPDF_Page_ClosePath(page);
}

static void hatch(HPDF_Page page, const struct item *it)
{
	HPDF_Page_GSave(page);
	HPDF_Page_SetRGBFill(page, it->fill.r, it->fill.g, it->fill.b);
	HPDF_Page_Rectangle(page, it->x, it->y, it->w, it->h);
	HPDF_Page_Fill(page);
	HPDF_Page_Rectangle(page, it->x, it->y, it->w, it->h);
	HPDF_Page_Clip(page);
	HPDF_Page_EndPath(page);
	HPDF_Page_SetRGBStroke(page, it->stroke.r, it->stroke.g, it->stroke.b);
	HPDF_Page_SetLineWidth(page, 0.8f);
	for (float d = -it->h; d < it->w; d += 4.5f) {
		HPDF_Page_MoveTo(page, it->x + d, it->y);
		HPDF_Page_LineTo(page, it->x + d + it->h, it->y + it->h);
	}
	HPDF_Page_Stroke(page);
	HPDF_Page_GRestore(page);
}

static void draw_items(HPDF_Page page, const struct page *pg, HPDF_Font *fonts, HPDF_Image logo)
{
	bool in_text = false;
	HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN);
	for (size_t i = 0; i < pg->n; i++) {
		const struct item *it = &pg->items[i];
		if (it->kind == ITEM_LINK)
			continue;
		if (it->kind == ITEM_TEXT) {
			if (!it->text || !*it->text)
				continue;
			if (!in_text) {
				HPDF_Page_BeginText(page);
				in_text = true;
			}
			HPDF_Page_SetFontAndSize(page, fonts[it->font], it->size);
			HPDF_Page_SetRGBFill(page, it->fill.r, it->fill.g, it->fill.b);
			HPDF_Page_SetTextMatrix(page, 1, 0, it->slant ? 0.2f : 0, 1, it->x, it->y);
			HPDF_Page_ShowText(page, it->text);
			continue;
		}
		if (in_text) {
			HPDF_Page_EndText(page);
			in_text = false;
		}
		switch (it->kind) {
		case ITEM_RECT:
			set_paint(page, it);
			if (it->radius > 0)
				rounded_rect(page, it->x, it->y, it->w, it->h, it->radius);
			else
				HPDF_Page_Rectangle(page, it->x, it->y, it->w, it->h);
			fill_stroke(page, it);
			break;
		case ITEM_LINE: {
			set_paint(page, it);
			if (it->dash > 0) {
				HPDF_UINT16 d = (HPDF_UINT16)(it->dash + 0.5f);
				HPDF_UINT16 pat[2] = {d ? d : 1, d ? d : 1};
				HPDF_Page_SetDash(page, pat, 2, 0);
			}
			HPDF_Page_MoveTo(page, it->x, it->y);
			HPDF_Page_LineTo(page, it->x + it->w, it->y + it->h);
			HPDF_Page_Stroke(page);
			if (it->dash > 0)
				HPDF_Page_SetDash(page, NULL, 0, 0);
			break;
		}
		case ITEM_PATH:
			if (it->npts < 2)
				break;
			set_paint(page, it);
			HPDF_Page_MoveTo(page, it->pts[0], it->pts[1]);
			for (size_t k = 1; k < it->npts; k++)
				HPDF_Page_LineTo(page, it->pts[2 * k], it->pts[2 * k + 1]);
			if (it->closed)
				HPDF_Page_ClosePath(page);
			fill_stroke(page, it);
			break;
		case ITEM_CIRCLE:
			set_paint(page, it);
			HPDF_Page_Circle(page, it->x, it->y, it->w);
			fill_stroke(page, it);
			break;
		case ITEM_HATCH:
			hatch(page, it);
			break;
		case ITEM_IMAGE:
			if (logo)
				HPDF_Page_DrawImage(page, logo, it->x, it->y, it->w, it->h);
			break;
		default:
			break;
		}
	}
	if (in_text)
		HPDF_Page_EndText(page);
}

static const struct anchor *find_anchor(const struct document *d, const char *slug)
{
	for (size_t i = 0; i < d->nanchors; i++)
		if (strcmp(d->anchors[i].slug, slug) == 0)
			return &d->anchors[i];
	return NULL;
}

static void links(const struct document *d, HPDF_Page *pages)
{
	for (size_t p = 0; p < d->npages; p++)
		for (size_t i = 0; i < d->pages[p].n; i++) {
			const struct item *it = &d->pages[p].items[i];
			if (it->kind != ITEM_LINK)
				continue;
			HPDF_Rect r = {it->x, it->y, it->x + it->w, it->y + it->h};
			HPDF_Annotation a;
			if (it->text[0] == '#') {
				const struct anchor *an = find_anchor(d, it->text + 1);
				if (!an) {
					diag_msg(DIAG_WARNING, "template", 0, 0,
					         "link to \"%s\": no heading has that anchor; the "
					         "link is left out",
					         it->text);
					continue;
				}
				HPDF_Destination dst = HPDF_Page_CreateDestination(pages[an->page]);
				HPDF_Destination_SetFitH(dst, an->y + 6);
				a = HPDF_Page_CreateLinkAnnot(pages[p], r, dst);
			} else {
				a = HPDF_Page_CreateURILinkAnnot(pages[p], r, it->text);
			}
			if (a)
				HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
		}
}

static void outlines(struct haru *h, const struct document *d, HPDF_Page *pages)
{
	HPDF_Encoder utf8 = HPDF_GetEncoder(h->pdf, "UTF-8");
	HPDF_Outline section = NULL;
	for (size_t i = 0; i < d->nanchors; i++) {
		const struct anchor *an = &d->anchors[i];
		if (an->level > 2)
			continue;
		HPDF_Outline parent = an->level == 2 ? section : NULL;
		HPDF_Outline o = HPDF_CreateOutline(h->pdf, parent, an->title, utf8);
		HPDF_Destination dst = HPDF_Page_CreateDestination(pages[an->page]);
		HPDF_Destination_SetFitH(dst, an->y + 6);
		HPDF_Outline_SetDestination(o, dst);
		HPDF_Outline_SetOpened(o, HPDF_TRUE);
		if (an->level == 1)
			section = o;
	}
}

static void info(struct haru *h, const struct pdf_options *o)
{
	const struct {
		HPDF_InfoType type;
		const char *value;
	} attrs[] = {{HPDF_INFO_TITLE, o->title},
	             {HPDF_INFO_AUTHOR, o->author},
	             {HPDF_INFO_SUBJECT, o->subject},
	             {HPDF_INFO_KEYWORDS, o->keywords},
	             {HPDF_INFO_CREATOR, "boardpack " BOARDPACK_VERSION}};
	for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
		if (attrs[i].value && *attrs[i].value)
			HPDF_SetInfoAttr(h->pdf, attrs[i].type, attrs[i].value);
	time_t t = (time_t)o->created;
	struct tm tm;
	if (gmtime_r(&t, &tm)) {
		HPDF_Date date = {
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec,         'Z',           0,          0};
		HPDF_SetInfoDateAttr(h->pdf, HPDF_INFO_CREATION_DATE, date);
		HPDF_SetInfoDateAttr(h->pdf, HPDF_INFO_MOD_DATE, date);
	}
}

/* Writes the finished document to fd (libharu builds it in memory first). */
static int save_to_fd(struct haru *h, int fd)
{
	if (HPDF_SaveToStream(h->pdf) != HPDF_OK)
		return -1;
	HPDF_ResetStream(h->pdf);
	unsigned char buf[65536];
	for (;;) {
		HPDF_UINT32 n = sizeof buf;
		HPDF_STATUS st = HPDF_ReadFromStream(h->pdf, buf, &n);
		if (st != HPDF_OK && st != HPDF_STREAM_EOF)
			return -1;
		for (HPDF_UINT32 off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += (HPDF_UINT32)w;
		}
		if (st == HPDF_STREAM_EOF)
			return 0;
	}
}

/* A libharu document with UTF-8 text, or false after reporting. */
static bool haru_start(struct haru *h, const char *path)
{
	h->pdf = HPDF_New(on_error, h);
	if (!h->pdf) {
		diag_msg(DIAG_ERROR, path, 0, 0,
		         "libharu could not start a document (out of memory)");
		return false;
	}
	HPDF_SetCompressionMode(h->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(h->pdf);
	HPDF_SetCurrentEncoder(h->pdf, "UTF-8");
	return !check(h, path, "cannot set up UTF-8 text");
}

/* Embeds the subsets of the fonts the document uses into hf (one font when regular and bold are
 * the same file); false when one cannot be loaded. sets[] are the caller's, freed by it. */
static bool embed_fonts(struct haru *h, const struct document *doc,
                        struct fontsub *const fonts[FONT_COUNT], bool same,
                        struct cpset sets[FONT_COUNT], HPDF_Font hf[FONT_COUNT])
{
	for (int f = 0; f < FONT_COUNT; f++)
		sets[f].bits = xcalloc(CP_MAX / 8, 1);
	collect(doc, fonts, sets);
	if (same) {
		for (size_t k = 0; k < CP_MAX / 8; k++)
			sets[FONT_REGULAR].bits[k] |= sets[FONT_BOLD].bits[k];
		hf[FONT_REGULAR] = hf[FONT_BOLD] =
		    load_font(h, fonts[FONT_REGULAR], &sets[FONT_REGULAR]);
	} else {
		hf[FONT_REGULAR] = load_font(h, fonts[FONT_REGULAR], &sets[FONT_REGULAR]);
		hf[FONT_BOLD] =
		    hf[FONT_REGULAR] ? load_font(h, fonts[FONT_BOLD], &sets[FONT_BOLD]) : NULL;
	}
	return hf[FONT_REGULAR] && hf[FONT_BOLD];
}

/* Draws every page, its links, bookmarks and properties; false after reporting. pages (one a
 * page of doc) are the caller's. */
static bool draw_document(struct haru *h, const char *path, const struct document *doc,
                          HPDF_Page *pages, HPDF_Font hf[FONT_COUNT], HPDF_Image logo,
                          const struct pdf_options *opts)
{
	for (size_t p = 0; p < doc->npages; p++) {
		pages[p] = HPDF_AddPage(h->pdf);
		HPDF_Page_SetWidth(pages[p], doc->width);
		HPDF_Page_SetHeight(pages[p], doc->height);
		draw_items(pages[p], &doc->pages[p], hf, logo);
		if (check(h, path, "cannot draw a page"))
			return false;
	}
	links(doc, pages);
	if (check(h, path, "cannot add links"))
		return false;
	outlines(h, doc, pages);
	HPDF_SetPageMode(h->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
	if (check(h, path, "cannot add bookmarks"))
		return false;
	info(h, opts);
	return !check(h, path, "cannot set the document properties");
}

/* Saves the document to fd (or to path when fd < 0); false after reporting. */
static bool save_document(struct haru *h, const char *path, int fd)
{
	if (fd < 0)
		HPDF_SaveToFile(h->pdf, path);
	else if (save_to_fd(h, fd) != 0) {
		int e = errno;
		if (!HPDF_GetError(h->pdf)) {
			diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the PDF: %s",
			         strerror(e ? e : EIO));
			return false;
		}
	}
	return !check(h, path, "cannot write the PDF");
}

enum bp_err pdf_write(const char *path, int fd, const char *markdown,
                      const struct pdf_options *opts)
{
	enum bp_err rc = BP_ERR_OUTPUT;
	struct fontsub *fonts[FONT_COUNT] = {NULL, NULL};
	struct document *doc = NULL;
	struct cpset sets[FONT_COUNT] = {{NULL}, {NULL}};
	HPDF_Page *pages = NULL;
	struct haru h = {0};
	bool same = opts->font_regular && opts->font_bold &&
	            strcmp(opts->font_regular, opts->font_bold) == 0;

	fonts[FONT_REGULAR] = fontsub_open(opts->font_regular);
	fonts[FONT_BOLD] = same ? fonts[FONT_REGULAR] : fontsub_open(opts->font_bold);
	if (!fonts[FONT_REGULAR] || !fonts[FONT_BOLD]) {
		rc = BP_ERR_CONFIG; /* a font the configuration names cannot be used */
		goto out;
	}
	if (!haru_start(&h, path))
		goto out;

	HPDF_Image logo = NULL;
	struct layout_options lo = {
	    .paper = opts->paper, .header = opts->header, .view = opts->view};
	if (opts->logo && *opts->logo) {
		logo = load_logo(&h, opts->logo);
		if (!logo) {
			rc = BP_ERR_CONFIG; /* the configured logo cannot be read */
			goto out;
		}
		lo.logo_w = (float)HPDF_Image_GetWidth(logo);
		lo.logo_h = (float)HPDF_Image_GetHeight(logo);
	}

	doc = layout_document(markdown, fonts, &lo);
	if (!doc) {
		rc = BP_ERR_CONFIG; /* a bad figure block in the template */
		goto out;
	}
	HPDF_Font hf[FONT_COUNT];
	if (!embed_fonts(&h, doc, fonts, same, sets, hf))
		goto out;
	pages = xcalloc(doc->npages, sizeof *pages);
	if (draw_document(&h, path, doc, pages, hf, logo, opts) && save_document(&h, path, fd))
		rc = BP_OK;
out:
	free(pages);
	for (int f = 0; f < FONT_COUNT; f++)
		free(sets[f].bits);
	layout_free(doc);
	if (h.pdf)
		HPDF_Free(h.pdf);
	if (!same)
		fontsub_free(fonts[FONT_BOLD]);
	fontsub_free(fonts[FONT_REGULAR]);
	return rc;
}
