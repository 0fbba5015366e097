#include "util/format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/values.h"

#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"
#define MINUS "\xE2\x88\x92"
#define DASH "\xE2\x80\x94"

struct number_style format_style(const char *locale)
{
	if (locale && strcmp(locale, "de") == 0)
		return (struct number_style){".", ","};
	if (locale && strcmp(locale, "fr") == 0)
		return (struct number_style){NNBSP, ","};
	if (locale && strcmp(locale, "ch") == 0)
		return (struct number_style){"'", "."};
	return (struct number_style){",", "."};
}

void format_number(char *buf, size_t n, double v, int digits, const struct number_style *st)
{
	if (isnan(v) || isinf(v)) {
		snprintf(buf, n, DASH);
		return;
	}
	if (fabs(v) >= 1e15) { /* no figure read from the inputs is this large (values.c) */
		char m[32];
		int e = (int)floor(log10(fabs(v)));
		snprintf(m, sizeof m, "%.2f", fabs(v) / pow(10, e));
		char *dot = strchr(m, '.');
		if (dot)
			*dot = st->decimal[0];
		snprintf(buf, n, "%s%s" NBSP "×" NBSP "10^%d", v < 0 ? "-" : "", m, e);
		return;
	}
	char raw[64];
	snprintf(raw, sizeof raw, "%.*f", digits, fabs(v));
	if (strspn(raw, "0.") == strlen(raw))
		v = 0; /* no "-0" */
	char *dot = strchr(raw, '.');
	size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
	char out[128];
	size_t o = 0;
	if (v < 0)
		o += (size_t)snprintf(out + o, sizeof out - o, "-");
	for (size_t i = 0; i < intlen; i++) {
		if (i && (intlen - i) % 3 == 0)
			o += (size_t)snprintf(out + o, sizeof out - o, "%s", st->thousands);
		out[o++] = raw[i];
	}
	out[o] = '\0';
	if (dot)
		snprintf(out + o, sizeof out - o, "%s%s", st->decimal, dot + 1);
	snprintf(buf, n, "%s", out);
}

void format_count(char *buf, size_t n, long v, const struct number_style *st)
{
	format_number(buf, n, v < 0 ? NAN : (double)v, 0, st);
}

void format_percent(char *buf, size_t n, double f, int digits, const struct number_style *st)
{
	if (isnan(f) || isinf(f)) {
		snprintf(buf, n, DASH);
		return;
	}
	char num[64];
	format_number(num, sizeof num, f * 100, digits, st);
	snprintf(buf, n, "%s" NBSP "%%", num);
}

void format_signed(char *buf, size_t n, double v, int digits, const struct number_style *st)
{
	if (isnan(v) || isinf(v)) {
		snprintf(buf, n, DASH);
		return;
	}
	char num[64];
	format_number(num, sizeof num, fabs(v), digits, st);
	bool zero = strspn(num, "0.,") == strlen(num);
	snprintf(buf, n, "%s%s", zero ? "" : v < 0 ? MINUS : "+", num);
}

void format_money(char *buf, size_t n, double v, const char *cur, const struct number_style *st)
{
	if (isnan(v) || isinf(v)) {
		snprintf(buf, n, DASH);
		return;
	}
	char num[64];
	format_number(num, sizeof num, fabs(v), 0, st);
	/* a negative amount: the sign before the currency, a true minus (−£5, not £-5) */
	const char *sign = v < 0 && strspn(num, "0.,") != strlen(num) ? MINUS : "";
	const char *sym = NULL;
	if (cur && strcmp(cur, "GBP") == 0)
		sym = "£";
	else if (cur && strcmp(cur, "EUR") == 0)
		sym = "€";
	else if (cur && strcmp(cur, "USD") == 0)
		sym = "$";
	else if (cur && strcmp(cur, "JPY") == 0)
		sym = "¥";
	if (sym)
		snprintf(buf, n, "%s%s%s", sign, sym, num);
	else if (cur && *cur)
		snprintf(buf, n, "%s%s" NBSP "%s", sign, cur, num);
	else
		snprintf(buf, n, "%s%s", sign, num);
}

void format_long_date(char *buf, size_t n, int64_t day)
{
	static const char *const months[] = {"January",   "February", "March",    "April",
	                                     "May",       "June",     "July",     "August",
	                                     "September", "October",  "November", "December"};
	int y;
	unsigned m, d;
	value_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%u %s %d", d, months[(m - 1) % 12], y);
}

void format_short_date(char *buf, size_t n, int64_t day)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y;
	unsigned m, d;
	value_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%u %s", d, months[(m - 1) % 12]);
}

void format_column_letters(char *buf, long col)
{
	char tmp[8];
	int n = 0;
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

/*
 * "%.16G" rounds v to 16 significant digits. Let c = n / 100 be the whole number of hundredths
 * nearest v: c has 15 significant digits at most, so v prints as c when |v - c| is under half the
 * unit of v's 16th digit. That is decided exactly, in integers: v = m × 2^-k (m < 2^53), so
 * 100·v = M / 2^k with M = 100·m < 2^60, n = M / 2^k rounded, and |100·v - n| = r / 2^k.
 */
size_t format_g16_quick(char *buf, double v)
{
	double a = fabs(v);
	if (!(a >= 0.01 && a < 1e13))
		return 0;
	int ex;
	double f = frexp(a, &ex);            /* a = f × 2^ex, 0.5 <= f < 1 */
	uint64_t m = (uint64_t)ldexp(f, 53); /* exact */
	int k = 53 - ex;                     /* 8 <= k <= 59 here */
	uint64_t big = m * 100, one = (uint64_t)1 << k, low = big & (one - 1);
	uint64_t n = (big >> k) + (low >= one / 2);
	uint64_t r = low >= one / 2 ? one - low : low; /* |100·v - n| × 2^k */
	if (!n || 2 * r == one)
		return 0;
	int digits = 1;
	uint64_t pow10 = 1;
	for (uint64_t t = n; t >= 10; t /= 10)
		digits++, pow10 *= 10;
	int e = digits - 3;               /* c = n / 100 is d.ddd × 10^e */
	if (n == pow10 && low >= one / 2) /* v just under a power of ten: one digit fewer */
		e--;
	/* |v - c| < 10^(e-15) / 2  <=>  r × 10^(15-e) < 50 × 2^k */
	uint64_t scale = 1;
	for (int i = 0; i < 15 - e; i++)
		scale *= 10;
	if (!((unsigned __int128)r * scale < (unsigned __int128)50 << k))
		return 0;
	char *p = buf;
	if (v < 0)
		*p++ = '-';
	uint64_t whole = n / 100, cents = n % 100;
	char tmp[24];
	int len = 0;
	do
		tmp[len++] = (char)('0' + whole % 10);
	while ((whole /= 10) != 0);
	while (len)
		*p++ = tmp[--len];
	if (cents) {
		*p++ = '.';
		*p++ = (char)('0' + cents / 10);
		if (cents % 10)
			*p++ = (char)('0' + cents % 10);
	}
	*p = 0;
	return (size_t)(p - buf);
}

size_t format_g16(char *buf, double v)
{
	size_t n = format_g16_quick(buf, v);
	if (n)
		return n;
	int k = snprintf(buf, 32, "%.16G", v);
	return k > 0 ? (size_t)k : 0;
}

size_t format_u64(char *p, uint64_t v)
{
	/* the digits counted first, then written two a step from the right straight into p: a
	 * copy of a variable length was a call of the C library's for every number of the long
	 * tables */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930"
	                            "31323334353637383940414243444546474849505152535455565758596061"
	                            "62636465666768697071727374757677787980818283848586878889909192"
	                            "93949596979899";
	size_t n = 1;
	for (uint64_t t = v; t >= 10; t /= 10)
		n++;
	size_t i = n;
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		p[--i] = pairs[k + 1];
		p[--i] = pairs[k];
	}
	if (v >= 10) {
		p[--i] = pairs[v * 2 + 1];
		p[--i] = pairs[v * 2];
	} else {
		p[--i] = (char)('0' + v);
	}
	return n;
}

size_t format_ratio16_digits(char *buf, uint64_t num, uint64_t den)
{
	char d[FORMAT_RATIO16_MAX];
	uint64_t q = num / den, rem = num % den;
	int n = (int)format_u64(d, q);
	int sig = q ? n : 0, point = n;
	while (rem && sig < 16 && n < 36) {
		rem *= 10; /* rem < den <= 2^63 / 10 for the callers' denominators */
		int digit = (int)(rem / den);
		rem %= den;
		d[n++] = (char)('0' + digit);
		if (sig || digit)
			sig++;
	}
	if (rem && rem * 2 >= den) { /* round the last digit up, carrying */
		int i = n - 1;
		while (i >= 0 && d[i] == '9')
			d[i--] = '0';
		if (i >= 0) {
			d[i]++;
		} else {
			memmove(d + 1, d, (size_t)n++);
			d[0] = '1';
			point++;
		}
	}
	while (n > point && d[n - 1] == '0')
		n--;
	memcpy(buf, d, (size_t)point);
	size_t len = (size_t)point;
	if (n > point) {
		buf[len++] = '.';
		memcpy(buf + len, d + point, (size_t)(n - point));
		len += (size_t)(n - point);
	}
	return len;
}

/*
 * With a whole part of n digits (0 < n <= 16), the digits after the point are the first 16 - n
 * digits of rem / den: rem * 10^(16-n) / den, rounded half up on the remainder of that division
 * (an instant has a whole part of five digits: one division of 128 bits by 64 instead of eleven
 * of 64 bits).
 */
size_t format_ratio16(char *buf, uint64_t num, uint64_t den)
{
	static const uint64_t p10[16] = {1ULL,
	                                 10ULL,
	                                 100ULL,
	                                 1000ULL,
	                                 10000ULL,
	                                 100000ULL,
	                                 1000000ULL,
	                                 10000000ULL,
	                                 100000000ULL,
	                                 1000000000ULL,
	                                 10000000000ULL,
	                                 100000000000ULL,
	                                 1000000000000ULL,
	                                 10000000000000ULL,
	                                 100000000000000ULL,
	                                 1000000000000000ULL};
	uint64_t q = num / den, rem = num % den;
	if (!q || q >= p10[15] * 10)
		return format_ratio16_digits(buf, num, den);
	int k = 16;
	for (uint64_t v = q; v; v /= 10)
		k--;
	uint64_t f = 0;
	if (rem) {
		unsigned __int128 x = (unsigned __int128)rem * p10[k];
		f = (uint64_t)(x / den);
		uint64_t r = (uint64_t)(x % den);
		if (r && r * 2 >= den && ++f == p10[k]) { /* rounded up to the next whole number */
			q++;
			f = 0;
		}
	}
	size_t len = format_u64(buf, q);
	if (f) {
		while (f % 10 == 0) {
			f /= 10;
			k--;
		}
		buf[len++] = '.';
		for (int i = k - 1; i >= 0; i--, f /= 10)
			buf[len + (size_t)i] = (char)('0' + f % 10);
		len += (size_t)k;
	}
	return len;
}
