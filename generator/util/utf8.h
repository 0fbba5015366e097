/* utf8: the one UTF-8 codec: characters checked and decoded, code points encoded. */
#ifndef BP_UTF8_H
#define BP_UTF8_H
#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 character at s[0..n), its code point in *cp; or 0,
 * with U+FFFD in *cp, when none starts there: n is 0, the character is cut short, or its bytes
 * are an overlong form, a surrogate or past U+10FFFF. A NUL byte is U+0000 of length 1: callers
 * that refuse it (the CSV reader, XML) check *cp.
 */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);

/*
 * One character of text that is drawn whatever it holds (the PDF's): read by its shape alone, a
 * lead byte and the continuation bytes it announces, so an overlong form or a surrogate in a
 * template that is not well-formed UTF-8 decodes to what it spells, as it always has here (the
 * PDF stays the same); a byte that starts no such sequence decodes as U+FFFD of length 1.
 * Returns the length, at least 1.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes code point cp (at most U+10FFFF) as UTF-8 into out; returns its length, 1 to 4. */
size_t utf8_encode(uint32_t cp, char out[4]);

#endif
