/* copy: a short copy inline. */
#ifndef BP_COPY_H
#define BP_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
		memcpy(d, s, 64);
		memcpy(d + n - 64, s + n - 64, 64);
	} else if (n > 32) {
		memcpy(d, s, 32);
		memcpy(d + n - 32, s + n - 32, 32);
	} else if (n >= 16) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		uint64_t a, z;
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		uint32_t a, z;
		memcpy(&a, s, 4);
		memcpy(&z, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &z, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

#endif
