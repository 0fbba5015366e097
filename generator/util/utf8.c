#include "util/utf8.h"

/*
 * The sequence at u[0..n) read by its shape alone: a lead byte, then as many continuation bytes
 * (10xxxxxx) as it announces. Returns its length with the value it spells in *cp, or 0.
 */
static size_t by_shape(const unsigned char *u, size_t n, uint32_t *cp)
{
	size_t len = u[0] < 0x80            ? 1
	             : (u[0] & 0xE0) == 0xC0 ? 2
	             : (u[0] & 0xF0) == 0xE0 ? 3
	             : (u[0] & 0xF8) == 0xF0 ? 4
	                                     : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t v = len == 1 ? u[0] : u[0] & (0x7Fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3Fu);
	}
	*cp = v;
	return len;
}

size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
	/* the least value each length may spell: below it, the form is overlong */
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	uint32_t v;
	size_t len = n ? by_shape((const unsigned char *)s, n, &v) : 0;
	if (len == 0 || v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 0;
	}
	*cp = v;
	return len;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	if (n == 0) {
		*cp = 0;
		return 1;
	}
	size_t len = by_shape((const unsigned char *)s, n, cp);
	if (len == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return len;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}
