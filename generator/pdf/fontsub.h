/* fontsub: a TrueType font read with HarfBuzz: advance widths, coverage, and subsets for embedding.
 */
#ifndef BP_FONTSUB_H
#define BP_FONTSUB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/utf8.h" /* utf8_decode, for pack.c until it includes utf8.h itself */

struct fontsub;

/*
 * Reads the font at path. Returns NULL after reporting through diag when the file
 * does not exist, cannot be read or is not a font. fontsub_free(NULL) is a no-op.
 */
struct fontsub *fontsub_open(const char *path);
void fontsub_free(struct fontsub *f);
const char *fontsub_path(const struct fontsub *f);

/* Whether the font maps codepoint cp to a glyph. */
bool fontsub_has(const struct fontsub *f, uint32_t cp);

/*
 * Width in points of the UTF-8 text s[0..n) at size, from the advance widths in
 * thousandths of an em rounded down exactly as libharu rounds them, so that what is
 * measured here is what the PDF shows. No kerning (libharu applies none).
 */
float fontsub_width(const struct fontsub *f, const char *s, size_t n, float size);

/* Ascender and descender (negative) in thousandths of an em. */
int fontsub_ascent(const struct fontsub *f);
int fontsub_descent(const struct fontsub *f);

/*
 * Writes a subset holding the glyphs of the n codepoints cps (those the font has)
 * to a new file in $TMPDIR (or /tmp) and returns its path, which the caller
 * unlinks and frees. Returns NULL after reporting through diag.
 */
char *fontsub_write_subset(const struct fontsub *f, const uint32_t *cps, size_t n);

#endif
