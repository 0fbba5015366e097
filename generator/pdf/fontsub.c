/* fontsub: TrueType metrics and subsetting through HarfBuzz (hb-subset). */
#include "pdf/fontsub.h"

#include <errno.h>
#include <harfbuzz/hb-subset.h>
#include <harfbuzz/hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/safeopen.h"
#include "util/utf8.h"
#include "util/xmem.h"

struct fontsub {
	char *path;
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
	int ascent, descent;
	/* Advance widths of the first 0x3000 codepoints, cached (-1 = not yet looked up). */
	int16_t *cache;
};

#define CACHE_SIZE 0x3000

/* A font file larger than this is refused (DejaVu Sans is 0.7 MB; the largest CJK fonts 20 MB). */
#define MAX_FONT_BYTES ((size_t)64 << 20)

struct fontsub *fontsub_open(const char *path)
{
	if (!path || !*path) {
		diag_msg(DIAG_ERROR, NULL, 0, 0, "no font file given");
		return NULL;
	}
	/* read through safeopen (a regular file, never blocking), within a bound */
	size_t len;
	char *data = safeopen_load(path, MAX_FONT_BYTES, "font file", "", &len);
	if (!data)
		return NULL;
	if (len == 0) {
		free(data);
		diag_msg(DIAG_ERROR, path, 0, 0, "not a TrueType font (the file is empty)");
		return NULL;
	}
	/* on failure HarfBuzz calls free(data) itself */
	hb_blob_t *blob =
	    hb_blob_create_or_fail(data, (unsigned)len, HB_MEMORY_MODE_WRITABLE, data, free);
	if (!blob) {
		diag_msg(DIAG_ERROR, path, 0, 0, "font file cannot be read (out of memory)");
		return NULL;
	}
	hb_face_t *face = hb_face_create(blob, 0);
	if (hb_face_get_glyph_count(face) == 0) {
		diag_msg(DIAG_ERROR, path, 0, 0, "not a TrueType font (no glyphs found)");
		hb_face_destroy(face);
		hb_blob_destroy(blob);
		return NULL;
	}
	hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
	unsigned glyf_len = hb_blob_get_length(glyf);
	hb_blob_destroy(glyf);
	if (glyf_len == 0) {
		diag_msg(
		    DIAG_ERROR, path, 0, 0,
		    "not a TrueType font (no glyf table: OpenType/CFF fonts cannot be embedded)");
		hb_face_destroy(face);
		hb_blob_destroy(blob);
		return NULL;
	}
	struct fontsub *f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->blob = blob;
	f->face = face;
	f->font = hb_font_create(face);
	f->upem = hb_face_get_upem(face);
	if (f->upem == 0)
		f->upem = 1000;
	hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
	hb_font_extents_t ext;
	if (hb_font_get_h_extents(f->font, &ext)) {
		f->ascent = (int)((long)ext.ascender * 1000 / (long)f->upem);
		f->descent = (int)((long)ext.descender * 1000 / (long)f->upem);
	} else {
		f->ascent = 800;
		f->descent = -200;
	}
	f->cache = xmalloc(CACHE_SIZE * sizeof *f->cache);
	for (size_t i = 0; i < CACHE_SIZE; i++)
		f->cache[i] = -1;
	return f;
}

void fontsub_free(struct fontsub *f)
{
	if (!f)
		return;
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	free(f->cache);
	free(f->path);
	free(f);
}

const char *fontsub_path(const struct fontsub *f)
{
	return f->path;
}

bool fontsub_has(const struct fontsub *f, uint32_t cp)
{
	hb_codepoint_t g;
	return hb_font_get_nominal_glyph(f->font, cp, &g) != 0;
}

/* The advance of cp in thousandths of an em, truncated as libharu does (glyph 0 when missing). */
static int advance(const struct fontsub *f, uint32_t cp)
{
	if (cp < CACHE_SIZE && f->cache[cp] >= 0)
		return f->cache[cp];
	hb_codepoint_t g = 0;
	if (!hb_font_get_nominal_glyph(f->font, cp, &g))
		g = 0;
	long adv = hb_font_get_glyph_h_advance(f->font, g);
	int w = (int)((unsigned long)adv * 1000 / f->upem);
	if (cp < CACHE_SIZE)
		f->cache[cp] = (int16_t)w;
	return w;
}

float fontsub_width(const struct fontsub *f, const char *s, size_t n, float size)
{
	long units = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		units += advance(f, cp);
	}
	return (float)units * size / 1000.0f;
}

int fontsub_ascent(const struct fontsub *f)
{
	return f->ascent;
}

int fontsub_descent(const struct fontsub *f)
{
	return f->descent;
}

char *fontsub_write_subset(const struct fontsub *f, const uint32_t *cps, size_t n)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in) {
		diag_msg(DIAG_ERROR, f->path, 0, 0, "cannot subset the font (out of memory)");
		return NULL;
	}
	hb_set_t *uni = hb_subset_input_unicode_set(in);
	for (size_t i = 0; i < n; i++)
		if (fontsub_has(f, cps[i]))
			hb_set_add(uni, cps[i]);
	/* libharu rebuilds the font from its own list of tables and needs the hinting
	 * tables (cvt, fpgm, prep) to exist, so hinting is kept. */
	hb_face_t *sub = hb_subset_or_fail(f->face, in);
	hb_subset_input_destroy(in);
	if (!sub) {
		diag_msg(DIAG_ERROR, f->path, 0, 0, "HarfBuzz could not subset the font");
		return NULL;
	}
	hb_blob_t *blob = hb_face_reference_blob(sub);
	unsigned len = 0;
	const char *data = hb_blob_get_data(blob, &len);

	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char *path = xasprintf("%s/boardpack-font-XXXXXX", dir);
	int fd = mkstemp(path);
	bool ok = fd >= 0;
	if (!ok) {
		diag_msg(DIAG_ERROR, path, 0, 0, "cannot create a temporary font file: %s",
		         strerror(errno));
	} else {
		size_t done = 0;
		while (ok && done < len) {
			ssize_t w = write(fd, data + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				diag_msg(DIAG_ERROR, path, 0, 0,
				         "cannot write the temporary font file: %s",
				         strerror(errno));
				ok = false;
			} else {
				done += (size_t)w;
			}
		}
		if (close(fd) != 0 && ok) {
			diag_msg(DIAG_ERROR, path, 0, 0, "cannot write the temporary font file: %s",
			         strerror(errno));
			ok = false;
		}
		if (!ok)
			unlink(path);
	}
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	if (!ok) {
		free(path);
		return NULL;
	}
	return path;
}
