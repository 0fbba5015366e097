/* slug: the names made from text: a region's file-name slug (with its transliteration), a
 * heading's anchor, and a name as messages show it. */
#include "util/slug.h"
#include "util/escape.h"

#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <wctype.h>

#include "util/strbuf.h"
#include "util/utf8.h"

/*
 * Appends the ASCII spelling of one character of a region name: lowercase letters and
 * digits for Latin (with diacritics dropped), Greek and Cyrillic letters; nothing for the
 * Cyrillic hard and soft signs. Returns false for everything else, which separates words.
 */
static bool translit(uint32_t cp, struct strbuf *out)
{
	static const char *const latin1[64] = {"a", "a", "a", "a", "a", "a",  "ae", "c",  "e",
	                                       "e", "e", "e", "i", "i", "i",  "i", /* U+00C0 */
	                                       "d", "n", "o", "o", "o", "o",  "o",  NULL, "o",
	                                       "u", "u", "u", "u", "y", "th", "ss", /* U+00D0 */
	                                       "a", "a", "a", "a", "a", "a",  "ae", "c",  "e",
	                                       "e", "e", "e", "i", "i", "i",  "i", /* U+00E0 */
	                                       "d", "n", "o", "o", "o", "o",  "o",  NULL, "o",
	                                       "u", "u", "u", "u", "y", "th", "y"}; /* U+00F0 */
	/* Latin Extended-A, U+0100..U+017F, one letter each (Œ, œ and Ĳ, ĳ are spelt out below). */
	static const char ext_a[] =
	    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
	    "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
	static const char *const greek[] = {/* U+0391..U+03A9, then U+03B1..U+03C9 less 0x20 */
	                                    "a", "v", "g", "d", "e",  "z",  "i", "th", "i",
	                                    "k", "l", "m", "n", "x",  "o",  "p", "r",  "s",
	                                    "s", "t", "y", "f", "ch", "ps", "o"};
	static const char *const cyrillic[] = {/* U+0430..U+044F (and U+0410..U+042F) */
	                                       "a",  "b",    "v", "g", "d", "e",  "zh", "z",
	                                       "i",  "y",    "k", "l", "m", "n",  "o",  "p",
	                                       "r",  "s",    "t", "u", "f", "kh", "ts", "ch",
	                                       "sh", "shch", "",  "y", "",  "e",  "yu", "ya"};
	const char *t = NULL;
	char one[2] = {0};
	if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z'))
		one[0] = (char)cp;
	else if (cp >= 'A' && cp <= 'Z')
		one[0] = (char)(cp - 'A' + 'a');
	else if (cp >= 0xC0 && cp <= 0xFF)
		t = latin1[cp - 0xC0];
	else if (cp == 0x132 || cp == 0x133)
		t = "ij";
	else if (cp == 0x152 || cp == 0x153)
		t = "oe";
	else if (cp >= 0x100 && cp <= 0x17F)
		one[0] = ext_a[cp - 0x100];
	if (one[0])
		t = one;
	if (t || cp < 0x386) {
		if (t)
			strbuf_puts(out, t);
		return t != NULL;
	}
	/* Greek: accented vowels as their plain letter */
	static const struct {
		unsigned cp, plain;
	} tonos[] = {{0x386, 0x3B1}, {0x388, 0x3B5}, {0x389, 0x3B7}, {0x38A, 0x3B9},
	             {0x38C, 0x3BF}, {0x38E, 0x3C5}, {0x38F, 0x3C9}, {0x390, 0x3B9},
	             {0x3AA, 0x3B9}, {0x3AB, 0x3C5}, {0x3AC, 0x3B1}, {0x3AD, 0x3B5},
	             {0x3AE, 0x3B7}, {0x3AF, 0x3B9}, {0x3B0, 0x3C5}, {0x3CA, 0x3B9},
	             {0x3CB, 0x3C5}, {0x3CC, 0x3BF}, {0x3CD, 0x3C5}, {0x3CE, 0x3C9}};
	for (size_t i = 0; i < sizeof tonos / sizeof *tonos; i++)
		if (cp == tonos[i].cp)
			cp = tonos[i].plain;
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		t = greek[cp - 0x391];
	else if (cp >= 0x3B1 && cp <= 0x3C9)
		t = greek[cp - 0x3B1];
	else if (cp >= 0x410 && cp <= 0x42F)
		t = cyrillic[cp - 0x410];
	else if (cp >= 0x430 && cp <= 0x44F)
		t = cyrillic[cp - 0x430];
	else if (cp == 0x401 || cp == 0x451) /* Ё ё */
		t = "e";
	else if (cp == 0x404 || cp == 0x454) /* Є є */
		t = "ie";
	else if (cp == 0x406 || cp == 0x456 || cp == 0x407 || cp == 0x457) /* І і Ї ї */
		t = "i";
	else if (cp == 0x490 || cp == 0x491) /* Ґ ґ */
		t = "g";
	if (t)
		strbuf_puts(out, t);
	return t != NULL;
}

enum { SLUG_MAX = 60 };

char *slug_file(const char *name)
{
	struct strbuf b = STRBUF_INIT;
	size_t n = strlen(name);
	for (size_t i = 0; i < n && b.len < SLUG_MAX;) {
		uint32_t cp;
		i += utf8_decode(name + i, n - i, &cp);
		if (!translit(cp, &b) && b.len && b.s[b.len - 1] != '-')
			strbuf_putc(&b, '-');
	}
	if (b.len > SLUG_MAX)
		b.s[b.len = SLUG_MAX] = '\0';
	while (b.len && b.s[b.len - 1] == '-')
		b.s[--b.len] = '\0';
	if (!b.len)
		strbuf_puts(&b, "region");
	return strbuf_detach(&b);
}

/* A region name as messages show it: control characters as \xHH, cut at 80 bytes with "…". */
char *slug_printable(const char *name)
{
	struct strbuf b = STRBUF_INIT;
	text_escape(&b, name, strlen(name), 80, false);
	return strbuf_detach(&b);
}

/* The UTF-8 locale anchors lowercase letters with, set up once (PDFs of several packs are laid out
 * in parallel threads). */
static locale_t utf8_loc;
static pthread_once_t slug_once = PTHREAD_ONCE_INIT;

static void slug_setup(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t slug_locale(void)
{
	pthread_once(&slug_once, slug_setup);
	return utf8_loc;
}

static void put_utf8(struct strbuf *b, uint32_t cp)
{
	char s[4];
	strbuf_append(b, s, utf8_encode(cp, s));
}

char *slug_anchor(const char *text)
{
	struct strbuf b = STRBUF_INIT;
	locale_t loc = slug_locale();
	size_t n = strlen(text);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(text + i, n - i, &cp);
		if (cp < 0x80) {
			char c = (char)cp;
			if (c >= 'A' && c <= 'Z')
				strbuf_putc(&b, (char)(c - 'A' + 'a'));
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			         c == '_')
				strbuf_putc(&b, c);
			else if (c == ' ')
				strbuf_putc(&b, '-');
			continue;
		}
		if (loc) {
			if (iswalnum_l((wint_t)cp, loc))
				put_utf8(&b, (uint32_t)towlower_l((wint_t)cp, loc));
		} else if (cp >= 0x00C0 && cp != 0x00D7 && cp != 0x00F7 &&
		           !(cp >= 0x2000 && cp <= 0x2BFF)) {
			put_utf8(&b, cp); /* no Unicode tables: keep what is likely a letter */
		}
	}
	return strbuf_detach(&b);
}
