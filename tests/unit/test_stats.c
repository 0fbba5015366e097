/* Unit tests: statistics, number formatting, interning. Expected values are worked by hand in the
 * comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/copy.h"
#include "util/format.h"
#include "util/intern.h"
#include "util/stats.h"
#include "util/xmem.h"

static void wilson_one_third(void **state)
{
	(void)state;
	/* p = 1/3, n = 3, z = 1.959964: centre (1/3 + z²/6)/(1 + z²/3) = 0.4269…,
	   half-width z·sqrt(2/27 + z²/36)/(1 + z²/3) = 0.3654… */
	double lo, hi;
	stats_wilson(1, 3, &lo, &hi);
	assert_true(fabs(lo - 0.06149194) < 1e-6);
	assert_true(fabs(hi - 0.79234) < 1e-5);
}

static void wilson_all_successful(void **state)
{
	(void)state;
	/* p = 1: high is exactly 1 (clamped), low = 1/(1 + z²/n) = 1/(1 + 3.841458777) for n = 1 */
	double lo, hi;
	stats_wilson(1, 1, &lo, &hi);
	assert_true(hi == 1.0);
	assert_true(fabs(lo - 1.0 / (1.0 + 1.959964 * 1.959964)) < 1e-12);
	stats_wilson(0, 10, &lo, &hi);
	assert_true(lo == 0.0);
	assert_true(hi > 0.0 && hi < 0.35);
}

static void significance(void **state)
{
	(void)state;
	/* 60/100 vs 40/100: pooled 0.5, se = sqrt(0.25·0.02) = 0.0707, z = 2.83 → real */
	assert_true(stats_change_significant(60, 100, 40, 100));
	/* 55/100 vs 50/100: z = 0.05/0.0707 = 0.71 → noise */
	assert_false(stats_change_significant(55, 100, 50, 100));
	/* either side empty, or pooled rate 0 or 1 → false */
	assert_false(stats_change_significant(1, 1, 0, 0));
	assert_false(stats_change_significant(0, 5, 0, 7));
	assert_false(stats_change_significant(5, 5, 7, 7));
	/* |z| exactly at the threshold side: 1/3 vs 1/1 gives z = -1.1547 → noise */
	assert_false(stats_change_significant(1, 3, 1, 1));
}

static void percentile_inc(void **state)
{
	(void)state;
	double v[] = {0, 3, 3, 4, 10.5};
	/* rank 0.5·4 = 2 → 3; rank 0.9·4 = 3.6 → 4 + 0.6·6.5 = 7.9 */
	assert_true(stats_percentile_inc(v, 5, 0.5) == 3.0);
	assert_true(fabs(stats_percentile_inc(v, 5, 0.9) - 7.9) < 1e-12);
	double w[] = {3, 10.5};
	assert_true(fabs(stats_percentile_inc(w, 2, 0.5) - 6.75) < 1e-12);
	double one[] = {2.5};
	assert_true(stats_percentile_inc(one, 1, 0.9) == 2.5);
	double s[] = {5, 1, 4};
	stats_sort(s, 3);
	assert_true(s[0] == 1 && s[1] == 4 && s[2] == 5);
}

/* format_u64 of v is what printf's "%" PRIu64 writes. */
static void u64_is(uint64_t v)
{
	char got[32], want[32];
	memset(got, 'x', sizeof got);
	size_t n = format_u64(got, v);
	assert_int_equal(got[n], 'x'); /* nothing written past its digits */
	got[n] = '\0';
	snprintf(want, sizeof want, "%" PRIu64, v);
	assert_string_equal(got, want);
}

/* format_u64 writes what printf writes: every power of ten and the number before it, zero,
 * UINT64_MAX, and a million pseudo-random values of every size. */
static void u64_as_printf(void **state)
{
	(void)state;
	uint64_t p = 1;
	for (int d = 1; d <= 20; d++, p = d <= 20 ? p * 10 : p) {
		u64_is(p);
		u64_is(p - 1);
	}
	u64_is(UINT64_MAX);
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 1000000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		u64_is(x >> (x % 64));
	}
	char b[32];
	assert_int_equal(format_u64(b, 0), 1);
	assert_int_equal(b[0], '0');
}

/* copy_short copies what memcpy copies, at every length up to past its inline sizes and at
 * every alignment of either end, and writes nothing outside the bytes copied. */
static void short_copies(void **state)
{
	(void)state;
	char src[400], dst[400];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (char)(i * 7 + 1);
	for (size_t n = 0; n <= 200; n++)
		for (size_t so = 0; so < 16; so++)
			for (size_t d0 = 0; d0 < 16; d0++) {
				memset(dst, '#', sizeof dst);
				copy_short(dst + 32 + d0, src + so, n);
				for (size_t i = 0; i < sizeof dst; i++) {
					bool in = i >= 32 + d0 && i < 32 + d0 + n;
					assert_int_equal(dst[i], in ? src[so + i - 32 - d0] : '#');
				}
			}
}

static void formatting(void **state)
{
	(void)state;
	char b[64];
	struct number_style en = format_style("en"), de = format_style("de");
	format_number(b, sizeof b, 1234567.891, 1, &en);
	assert_string_equal(b, "1,234,567.9");
	format_number(b, sizeof b, 1234567.891, 1, &de);
	assert_string_equal(b, "1.234.567,9");
	format_number(b, sizeof b, -0.001, 0, &en);
	assert_string_equal(b, "0");
	format_percent(b, sizeof b, 0.613, 0, &en);
	assert_string_equal(b, "61\xC2\xA0%");
	format_percent(b, sizeof b, NAN, 0, &en);
	assert_string_equal(b, "\xE2\x80\x94");
	format_signed(b, sizeof b, -4.2, 0, &en);
	assert_string_equal(b, "\xE2\x88\x92"
	                       "4");
	format_signed(b, sizeof b, 3, 0, &en);
	assert_string_equal(b, "+3");
	format_signed(b, sizeof b, 0.2, 0, &en);
	assert_string_equal(b, "0");
	format_money(b, sizeof b, 12400, "GBP", &en);
	assert_string_equal(b, "£12,400");
	format_money(b, sizeof b, 12400, "SEK", &en);
	assert_string_equal(b, "SEK\xC2\xA0"
	                       "12,400");
	format_money(b, sizeof b, -5, "GBP", &en); /* the sign before the symbol, a true minus */
	assert_string_equal(b, "\xE2\x88\x92"
	                       "£5");
	format_money(b, sizeof b, -0.4, "GBP", &en); /* rounds to zero: no sign */
	assert_string_equal(b, "£0");
	format_long_date(b, sizeof b, 20726); /* 2026-09-30 is day 20726 since 1970-01-01 */
	assert_string_equal(b, "30 September 2026");
}

/* format_g16 writes what snprintf's "%.16G" writes: money-like values (its quick path), values
 * near it that must not take it (9.95 prints 9.949999999999999), and any double. */
static void g16_as_printf(void **state)
{
	(void)state;
	char want[64], got[64];
	uint64_t x = 88172645463325252u;
	long quick = 0, money = 0;
	for (long i = 0; i < 1200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double v;
		switch (i % 6) {
		case 0:
			v = (double)(x % 100000000) / 100.0;
			break; /* pounds and pence */
		case 1:
			v = (double)(x % 10000000000000000ull) / 100.0;
			break; /* up to 10^14 */
		case 2:
			v = -(double)(x % 1000000) / 100.0;
			break;
		case 3:
			v = (double)(x % 100000) / 1000.0;
			break; /* thousandths */
		case 4:
			v = (double)(x % 1000) / 100.0 + 1e-13 * (double)(x % 7);
			break;
		default: {
			uint64_t bits = x;
			memcpy(&v, &bits, sizeof v);
			if (isnan(v) || isinf(v))
				v = 1.5;
		}
		}
		int n = snprintf(want, sizeof want, "%.16G", v);
		size_t k = format_g16(got, v);
		if ((size_t)n != k || strcmp(want, got) != 0)
			fail_msg("%.17g: \"%s\", expected \"%s\"", v, got, want);
		char q[64];
		bool took = format_g16_quick(q, v) != 0;
		quick += took;
		money += i % 6 == 0;
		if (took && strcmp(q, want) != 0)
			fail_msg("%.17g: the quick path wrote \"%s\", expected \"%s\"", v, q, want);
	}
	static const double edge[] = {9.95,
	                              0.01,
	                              0.005,
	                              0.015,
	                              99.99999999999999,
	                              100,
	                              1e13,
	                              9999999999999.99,
	                              0.1 + 0.2,
	                              1e-4,
	                              0.29,
	                              1234.56,
	                              1e15,
	                              -0.5,
	                              10.0,
	                              0.07,
	                              123456789012.34,
	                              5e-324};
	for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
		int n = snprintf(want, sizeof want, "%.16G", edge[i]);
		size_t k = format_g16(got, edge[i]);
		assert_int_equal(k, (size_t)n);
		assert_string_equal(got, want);
	}
	/* the quick path takes most money values (some nine in ten: the others, like 9.95, print
	 * with 16 digits as another number)... */
	assert_true(quick >= money * 8 / 10);
	char q[64];
	assert_int_equal(format_g16_quick(q, 1234.56), 7);
	assert_int_equal(format_g16_quick(q, 123456789012.34), 15);
	/* ...and leaves alone what it cannot tell */
	assert_int_equal(format_g16_quick(q, 9.95), 0);
	assert_int_equal(format_g16_quick(q, 0.1 + 0.7), 0); /* 0.7999999999999999 */
	assert_int_equal(format_g16_quick(q, 0.125), 0);
}

static void interning(void **state)
{
	(void)state;
	struct intern *t = intern_new();
	assert_int_equal(intern_add(t, "", 0), 0);
	sym a = intern_add(t, "Billing", 7);
	sym b = intern_add(t, "Sales", 5);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(intern_add(t, "Billing", 7), a);
	assert_int_equal(intern_find(t, "Sales", 5), b);
	assert_int_equal(intern_find(t, "Nope", 4), 0);
	char name[32];
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof name, "id-%d", i);
		assert_int_equal(intern_add(t, name, (size_t)n), (sym)(3 + i));
	}
	assert_string_equal(intern_str(t, a), "Billing");
	assert_string_equal(intern_str(t, 3 + 4999), "id-4999");
	assert_int_equal(intern_count(t), 5003);
	intern_free(t);
}

/* Strings are stored as records in 2 MiB blocks: 300,000 of them fill several blocks, a string
 * longer than a block gets one of its own, and a string with a NUL byte in it keeps its length;
 * every one keeps its symbol, its text and its length through the table's growth. */
/*
 * intern_hash: every byte of a string counts, whatever its length and place (the tail of a
 * string not a multiple of eight bytes long included), and sequential ids spread over a table's
 * slots as random numbers would.
 */
static void interning_hash(void **state)
{
	(void)state;
	char a[48], b[48];
	for (size_t n = 1; n <= 40; n++) {
		memset(a, 'k', n);
		uint32_t h = intern_hash(a, n);
		assert_int_equal(intern_hash(a, n), h);
		for (size_t i = 0; i < n; i++) {
			memcpy(b, a, n);
			b[i] = 'j';
			assert_int_not_equal(intern_hash(b, n), h);
		}
		assert_int_not_equal(intern_hash(a, n - 1), h); /* a prefix */
	}
	/* 2^17 ids "NW00000000".. into 2^16 buckets by the low bits (as a table of 2^16 slots
	 * indexes them): about 2 each; a Poisson(2) spread leaves e^-2 (13.5 %) empty, and a
	 * hash with poor low bits many more */
	enum { IDS = 1 << 17, BUCKETS = 1 << 16 };
	unsigned char *count = calloc(BUCKETS, 1);
	assert_non_null(count);
	for (int i = 0; i < IDS; i++) {
		char id[16];
		int n = snprintf(id, sizeof id, "NW%08d", i);
		uint32_t h = intern_hash(id, (size_t)n);
		if (count[h & (BUCKETS - 1)] < 255)
			count[h & (BUCKETS - 1)]++;
	}
	int empty = 0, most = 0;
	for (int i = 0; i < BUCKETS; i++) {
		empty += count[i] == 0;
		most = count[i] > most ? count[i] : most;
	}
	free(count);
	assert_in_range(empty, BUCKETS * 125 / 1000, BUCKETS * 145 / 1000);
	assert_true(most <= 14);
}

/*
 * intern_add_few is intern_add with a few strings kept: the same symbols, in the same order of
 * first sight, as a twin table filled by intern_add alone, whatever the strings met. The pool
 * holds strings whose cheap key (length, first, middle and last byte) is the same but which
 * differ elsewhere ("aXc…" against "aYc…"), strings longer than a slot holds, strings with a NUL
 * byte inside, and the empty string; other strings are interned between them, as a log's
 * customers are.
 */
static void interning_few(void **state)
{
	(void)state;
	enum { POOL = 64, ROWS = 200000 };
	char pool[POOL][80];
	size_t len[POOL];
	for (int i = 0; i < POOL; i++) {
		int kind = i % 4;
		if (kind ==
		    0) /* the same length, first, middle and last byte: only byte 1 differs */
			len[i] =
			    (size_t)snprintf(pool[i], sizeof pool[i], "a%cc-middle-z", 'A' + i / 4);
		else if (kind == 1) /* around a slot's size: 39 to 42 bytes, then 60 */
			len[i] = (size_t)snprintf(pool[i], sizeof pool[i], "%0*d",
			                          i < 32 ? 39 + (i / 4) % 4 : 60, i);
		else if (kind == 2) { /* a NUL byte inside: "x\0<i>" */
			pool[i][0] = 'x';
			pool[i][1] = '\0';
			len[i] = 2 + (size_t)snprintf(pool[i] + 2, sizeof pool[i] - 2, "%d", i);
		} else /* a department's name */
			len[i] = (size_t)snprintf(pool[i], sizeof pool[i], "Team %d", i);
	}
	len[3] = 0; /* the empty string: symbol 0 */
	struct intern *a = intern_new(), *b = intern_new();
	struct intern_few few = {0};
	uint64_t x = 88172645463325252ull;
	char other[32];
	for (int r = 0; r < ROWS; r++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		int i = (int)(x % POOL);
		/* runs of one string, and strings that come back later */
		int times = (int)(x >> 40) % 3 + 1;
		for (int t = 0; t < times; t++)
			assert_int_equal(intern_add_few(a, &few, pool[i], len[i]),
			                 intern_add(b, pool[i], len[i]));
		if (r % 7 == 0) { /* an id between them, interned without the few */
			int n = snprintf(other, sizeof other, "NW%08d", r);
			assert_int_equal(intern_add(a, other, (size_t)n),
			                 intern_add(b, other, (size_t)n));
		}
	}
	assert_int_equal(intern_count(a), intern_count(b));
	for (int i = 0; i < POOL; i++)
		assert_int_equal(intern_find(a, pool[i], len[i]), intern_find(b, pool[i], len[i]));
	assert_int_equal(intern_add_few(a, &few, pool[0], 0), 0);
	intern_free(a);
	intern_free(b);
}

/* intern_reserve makes room and changes no symbol: before it, after it, and past what it made
 * room for (the table grows again); a smaller reservation changes nothing. */
static void interning_reserved(void **state)
{
	(void)state;
	struct intern *t = intern_new();
	char name[32];
	enum { BEFORE = 5000, RESERVED = 200000, AFTER = 300000 };
	for (int i = 0; i < AFTER; i++) {
		if (i == BEFORE) {
			intern_reserve(t, RESERVED);
			intern_reserve(t, 10); /* smaller: nothing */
		}
		int n = snprintf(name, sizeof name, "NW%08d", i);
		assert_int_equal(intern_add(t, name, (size_t)n), (sym)(1 + i));
		if (i == BEFORE || i == RESERVED || i == AFTER - 1)
			for (int k = 0; k <= i; k += 101) {
				n = snprintf(name, sizeof name, "NW%08d", k);
				assert_int_equal(intern_find(t, name, (size_t)n), (sym)(1 + k));
			}
	}
	assert_int_equal(intern_count(t), AFTER + 1);
	assert_int_equal(intern_find(t, "NW99999999", 10), 0);
	intern_free(t);
}

/* Adds strings "s<k>" to t until it holds want of them (and the empty string). */
static void fill_to(struct intern *t, size_t want)
{
	char name[32];
	while (intern_count(t) - 1 < want) {
		int n = snprintf(name, sizeof name, "s%zu", intern_count(t));
		intern_add(t, name, (size_t)n);
	}
}

/*
 * A file of 1 M lines of 100 bytes read with looks at lines 2^15, 2^16…, its table gaining
 * strings as shape says: returns the largest reservation, and the most strings it held.
 */
enum watch_shape { W_STEADY, W_SATURATING, W_FEW, W_GROWING };
static size_t watched(enum watch_shape shape, size_t *room, size_t *held)
{
	struct intern *t = intern_new();
	struct intern_watch w = {0};
	const size_t lines = 1000000, bytes = 100;
	size_t most = 0;
	for (size_t line = 1u << 15; line <= 2 * lines; line *= 2) {
		size_t at = line < lines ? line : lines;
		double f = (double)at / (double)lines;
		size_t want = shape == W_STEADY       ? at / 2
		              : shape == W_SATURATING ? (size_t)(125000 * (1 - exp(-8 * f)))
		              : shape == W_FEW        ? (at < 200 ? at : 200)
		                                      : (size_t)(500000 * f * f);
		fill_to(t, want);
		size_t r = intern_watch_look(&w, t, at, at * bytes, lines * bytes);
		most = r > most ? r : most;
	}
	*room = intern_room(t);
	*held = intern_count(t);
	intern_free(t);
	return most;
}

/*
 * intern_watch_look reserves for the whole file when strings come at a steady rate (one a two
 * lines: 500,000, at the third look), and not when they dry up (a shuffled log's 125,000 cases
 * of eight rows), stay few, or come faster and faster (then the table doubles as it grows).
 */
static void interning_watched(void **state)
{
	(void)state;
	size_t room, held;
	size_t r = watched(W_STEADY, &room, &held);
	assert_in_range(r, 495000, 505000);
	assert_true(room >= held && room < 2 * held); /* no larger than doubling would have made */
	assert_int_equal(watched(W_SATURATING, &room, &held), 0);
	assert_int_equal(watched(W_FEW, &room, &held), 0);
	assert_int_equal(watched(W_GROWING, &room, &held), 0);
	/* the file read to its end, or no size: no estimate */
	struct intern *t = intern_new();
	struct intern_watch w = {0};
	for (size_t line = 1u << 15; line <= 1u << 18; line *= 2) {
		fill_to(t, line / 2);
		assert_int_equal(intern_watch_look(&w, t, line, 100, 100), 0);
		assert_int_equal(intern_watch_look(&w, t, line + 1, 0, 0), 0);
	}
	intern_free(t);
}

static void interning_across_blocks(void **state)
{
	(void)state;
	struct intern *t = intern_new();
	enum { N = 300000 };
	char name[64];
	for (int i = 0; i < N; i++) {
		int n = snprintf(name, sizeof name, "case-%d-%.*s", i, i % 37,
		                 "abcdefghijklmnopqrstuvwxyz0123456789");
		assert_int_equal(intern_add(t, name, (size_t)n), (sym)(1 + i));
	}
	size_t big = (size_t)5 << 20;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, 'x', big);
	sym h = intern_add(t, huge, big);
	assert_int_equal(h, N + 1);
	sym z = intern_add(t, "a\0b", 3);
	assert_int_equal(z, N + 2);
	assert_int_equal(intern_add(t, "after", 5), N + 3);
	for (int i = 0; i < N; i += 997) {
		int n = snprintf(name, sizeof name, "case-%d-%.*s", i, i % 37,
		                 "abcdefghijklmnopqrstuvwxyz0123456789");
		assert_int_equal(intern_find(t, name, (size_t)n), (sym)(1 + i));
		assert_int_equal(intern_len(t, (sym)(1 + i)), (size_t)n);
		assert_string_equal(intern_str(t, (sym)(1 + i)), name);
	}
	assert_int_equal(intern_find(t, huge, big), h);
	assert_int_equal(intern_len(t, h), big);
	assert_memory_equal(intern_str(t, h), huge, big);
	assert_int_equal(intern_find(t, huge, big - 1), 0);
	assert_int_equal(intern_find(t, "a\0b", 3), z);
	assert_int_equal(intern_find(t, "a\0c", 3), 0);
	assert_int_equal(intern_len(t, z), 3);
	assert_string_equal(intern_str(t, N + 3), "after");
	assert_string_equal(intern_str(t, 0), "");
	assert_int_equal(intern_count(t), N + 4);
	free(huge);
	intern_free(t);
}

/* xgrow: room for every element stored one at a time, also when the count falls back and rises
 * again past a power of two (AddressSanitizer checks the bounds). */
static void growing_arrays(void **state)
{
	(void)state;
	uint32_t *a = NULL;
	size_t n = 0;
	for (uint32_t i = 0; i < 5000; i++) {
		a = xgrow(a, n, sizeof *a);
		a[n++] = i;
	}
	n = 1000; /* dropped, as a rejected row drops its departments */
	for (uint32_t i = 1000; i < 9000; i++) {
		a = xgrow(a, n, sizeof *a);
		a[n++] = i;
	}
	for (uint32_t i = 0; i < 9000; i++)
		assert_int_equal(a[i], i);
	free(a);
}

/* format_ratio16: values worked out by hand (with Python's decimal module, 16 significant
 * digits rounded half up), then its one-division path against the digit-at-a-time definition on
 * instants, durations and any ratio. */
static void ratio16(void **state)
{
	(void)state;
	static const struct {
		uint64_t num, den;
		const char *want;
	} known[] = {
	    {3992068800000ull, 86400000ull, "46204.5"},           /* 2026-07-01T12:00Z */
	    {3992025600000ull, 86400000ull, "46204"},             /* its midnight */
	    {3992025600001ull, 86400000ull, "46204.00000001157"}, /* a millisecond after */
	    {3992111999999ull, 86400000ull,
	     "46204.99999998843"},                              /* a millisecond before the next */
	    {604800001ull, 86400000ull, "7.000000011574074"},   /* a week and a millisecond */
	    {5, 3, "1.666666666666667"},                        /* rounded up */
	    {2, 3, "0.6666666666666667"},                       /* no whole part */
	    {99999999999999999ull, 10000000000000000ull, "10"}, /* rounded up to a whole number */
	    {43200000ull, 86400000ull, "0.5"},
	    {0, 86400000ull, "0"},
	};
	char got[FORMAT_RATIO16_MAX + 1], ref[FORMAT_RATIO16_MAX + 1];
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		size_t n = format_ratio16(got, known[i].num, known[i].den);
		got[n] = 0;
		assert_string_equal(got, known[i].want);
		n = format_ratio16_digits(ref, known[i].num, known[i].den);
		ref[n] = 0;
		assert_string_equal(ref, known[i].want);
	}
	static const uint64_t dens[] = {86400000ull,  1000ull,       7, 3, 1,
	                                999999999ull, 86400000000ull};
	uint64_t x = 88172645463325252u;
	for (long i = 0; i < 2000000; i++) {
		uint64_t r[2];
		for (int j = 0; j < 2; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			r[j] = x;
		}
		uint64_t den = dens[i % 7], num;
		switch (i % 4) {
		case 0: /* an instant from 1970 to 2079, as Excel's serial day */
			num = 25569ull * 86400000ull + r[0] % (40000ull * 86400000ull);
			den = 86400000ull;
			break;
		case 1: /* whole parts of one to six digits */
			num = r[0] % (den * 100000ull + 1);
			break;
		case 2: /* a remainder of den - 1 or so: the rounding and its carry */
			num =
			    (r[0] % 100000ull) * den + (den > 3 ? den - 1 - r[1] % 3 : r[1] % den);
			break;
		default:
			num = r[0] >> (r[1] % 40);
			if (num / den > (1ull << 62) / den)
				num = r[1] % (den * 1000000ull);
		}
		size_t a = format_ratio16(got, num, den), b = format_ratio16_digits(ref, num, den);
		got[a] = ref[b] = 0;
		if (a != b || strcmp(got, ref) != 0)
			fail_msg("%llu / %llu: \"%s\", expected \"%s\"", (unsigned long long)num,
			         (unsigned long long)den, got, ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(wilson_one_third),
	    cmocka_unit_test(g16_as_printf),
	    cmocka_unit_test(ratio16),
	    cmocka_unit_test(wilson_all_successful),
	    cmocka_unit_test(significance),
	    cmocka_unit_test(percentile_inc),
	    cmocka_unit_test(formatting),
	    cmocka_unit_test(interning),
	    cmocka_unit_test(interning_across_blocks),
	    cmocka_unit_test(interning_few),
	    cmocka_unit_test(interning_reserved),
	    cmocka_unit_test(interning_watched),
	    cmocka_unit_test(growing_arrays),
	    cmocka_unit_test(interning_hash),
	    cmocka_unit_test(u64_as_printf),
	    cmocka_unit_test(short_copies),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
