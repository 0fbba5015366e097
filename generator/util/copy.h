/* copy: a short copy inline. */
#ifndef BP_COPY_H
#define BP_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first and the last w bytes of s[0..n) (w <= n, a constant once inlined) to d. */
static inline void copy_ends(char *restrict d, const char *restrict s, size_t n, size_t w)
{
	memcpy(d, s, w);
	memcpy(d + n - w, s + n - w, w);
}

/*
 * memcpy(d, s, n) for the few bytes of a field, an id or a cell's piece, without a call of the C
 * library's: a call for each short piece was the largest part of writing the long tables on a
 * machine whose memcpy is AVX-512's (docs/benchmarks.md, eleventh round). Straight-line moves of
 * fixed sizes, the first and last bytes of the piece, overlapping in the middle (a loop would be
 * turned back into a call by the compiler); nothing is read or written outside the n bytes. A
 * long piece is the library's.
 */
static inline void copy_short(char *restrict d, const char *restrict s, size_t n)
{
	if (n > 128) {
		memcpy(d, s, n);
	} else if (n > 64) {
		copy_ends(d, s, n, 64);
	} else if (n > 32) {
		copy_ends(d, s, n, 32);
	} else if (n >= 16) {
		copy_ends(d, s, n, 16);
	} else if (n >= 8) {
		copy_ends(d, s, n, 8);
	} else if (n >= 4) {
		copy_ends(d, s, n, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

#endif
