/* values: timestamps, dates, numbers and periods, parsed exactly as data-contract.md says. */
#include "util/values.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"
#include "util/xmem.h"

#define MS_PER_SEC 1000LL
#define MS_PER_MIN (60 * MS_PER_SEC)
#define MS_PER_HOUR (60 * MS_PER_MIN)

/* The instants of 0000-01-01T00:00Z and 10000-01-01T00:00Z: an instant is kept in this range. */
#define DAY_YEAR_0 (-719528LL)
#define DAY_YEAR_10000 2932897LL

static const char ISO_FORMS[] = "expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]";
static const char ISO_FORMS_SLASH[] =
    "expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM] (set date_order = dmy or mdy for DD/MM/YYYY "
    "dates)";
static const char DMY_FORMS[] =
    "expected DD/MM/YYYY [HH:MM[:SS]] or YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]";
static const char MDY_FORMS[] =
    "expected MM/DD/YYYY [HH:MM[:SS]] or YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]";
static const char NO_DATE[] = "no such day in the calendar";
static const char NO_TIME[] = "no such time of day (expected 00:00 to 23:59:59)";
static const char BAD_OFFSET[] = "no such UTC offset (expected -23:59 to +23:59)";
static const char OUT_OF_RANGE[] = "outside the years 0000 to 9999 once converted to UTC";

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/*
 * Civil dates use a year that starts on 1 March, so that the leap day is the last day of
 * its year, and 400-year eras of 146097 days: within an era, the day of the era follows from
 * the year of the era (365 days a year, plus one every 4 years, less one every 100) and the
 * day of the March-based year from the month (153 days every 5 months, from March).
 */
int64_t value_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t year = (int64_t)y - (m <= 2);
	int64_t era = floor_div(year, 400);
	int64_t yoe = year - era * 400;                       /* 0..399 */
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;    /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* 0..146096 */
	return era * 146097 + doe - 719468;                   /* 719468: 0000-03-01 to 1970-01-01 */
}

void value_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097; /* 0..146096 */
	/* Years of the era: undo the leap corrections at the 4-, 100- and 400-year marks. */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int y, unsigned m)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Reads exactly k ASCII digits at s[*i], advancing *i. */
static bool digits(const char *s, size_t n, size_t *i, int k, int *out)
{
	int v = 0;
	if (n - *i < (size_t)k)
		return false;
	for (int j = 0; j < k; j++) {
		unsigned char c = (unsigned char)s[*i + (size_t)j];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)k;
	*out = v;
	return true;
}

static bool at(const char *s, size_t n, size_t i, char c)
{
	return i < n && s[i] == c;
}

/*
 * HH:MM[:SS[.fff…]] at s[*i] into milliseconds of the day. Returns NULL, or the syntax
 * phrase `syntax` or NO_TIME.
 */
static const char *parse_clock(const char *s, size_t n, size_t *i, bool fraction,
                               const char *syntax, int64_t *ms)
{
	int hh, mi, ss = 0, frac = 0;
	if (!digits(s, n, i, 2, &hh) || !at(s, n, *i, ':'))
		return syntax;
	(*i)++;
	if (!digits(s, n, i, 2, &mi))
		return syntax;
	if (at(s, n, *i, ':')) {
		(*i)++;
		if (!digits(s, n, i, 2, &ss))
			return syntax;
		if (fraction && at(s, n, *i, '.')) {
			(*i)++;
			size_t start = *i;
			/* Kept to the millisecond, the rest truncated. */
			for (int scale = 100; *i < n && s[*i] >= '0' && s[*i] <= '9';
			     (*i)++, scale /= 10)
				frac += (s[*i] - '0') * scale;
			if (*i == start)
				return syntax;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return NO_TIME;
	*ms = hh * MS_PER_HOUR + mi * MS_PER_MIN + ss * MS_PER_SEC + frac;
	return NULL;
}

static const char *finish(int y, int mo, int d, int64_t clock_ms, int64_t offset_ms, bp_time *out)
{
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo))
		return NO_DATE;
	int64_t t = value_days_from_civil(y, (unsigned)mo, (unsigned)d) * BP_MS_PER_DAY + clock_ms -
	            offset_ms;
	if (t < DAY_YEAR_0 * BP_MS_PER_DAY || t >= DAY_YEAR_10000 * BP_MS_PER_DAY)
		return OUT_OF_RANGE;
	*out = t;
	return NULL;
}

/* DD/MM/YYYY or MM/DD/YYYY, then optionally one space and HH:MM[:SS]. */
static const char *parse_slashed(const char *s, size_t n, enum date_order order, bp_time *out)
{
	const char *syntax = order == DATE_DMY ? DMY_FORMS : MDY_FORMS;
	size_t i = 0;
	int a, b, y;
	if (!digits(s, n, &i, 2, &a) || !at(s, n, i++, '/') || !digits(s, n, &i, 2, &b) ||
	    !at(s, n, i++, '/') || !digits(s, n, &i, 4, &y))
		return syntax;
	int64_t clock = 0;
	if (i < n) {
		if (s[i++] != ' ')
			return syntax;
		const char *why = parse_clock(s, n, &i, false, syntax, &clock);
		if (why)
			return why;
		if (i != n)
			return syntax;
	}
	return order == DATE_DMY ? finish(y, b, a, clock, 0, out) : finish(y, a, b, clock, 0, out);
}

const char *value_parse_time(const char *s, size_t n, enum date_order order, bp_time *out)
{
	if (order != DATE_ISO && n >= 3 && s[2] == '/')
		return parse_slashed(s, n, order, out);
	const char *syntax = order == DATE_DMY   ? DMY_FORMS
	                     : order == DATE_MDY ? MDY_FORMS
	                     : memchr(s, '/', n) ? ISO_FORMS_SLASH
	                                         : ISO_FORMS;
	size_t i = 0;
	int y, mo, d;
	if (!digits(s, n, &i, 4, &y) || !at(s, n, i++, '-') || !digits(s, n, &i, 2, &mo) ||
	    !at(s, n, i++, '-') || !digits(s, n, &i, 2, &d))
		return syntax;
	int64_t clock = 0, offset = 0;
	if (i < n) {
		if (s[i] != 'T' && s[i] != ' ')
			return syntax;
		i++;
		const char *why = parse_clock(s, n, &i, true, syntax, &clock);
		if (why)
			return why;
		if (at(s, n, i, 'Z')) {
			i++;
		} else if (at(s, n, i, '+') || at(s, n, i, '-')) {
			int sign = s[i++] == '-' ? -1 : 1, oh, om;
			if (!digits(s, n, &i, 2, &oh) || !at(s, n, i++, ':') ||
			    !digits(s, n, &i, 2, &om))
				return syntax;
			if (oh > 23 || om > 59)
				return BAD_OFFSET;
			offset = sign * (oh * MS_PER_HOUR + om * MS_PER_MIN);
		}
		if (i != n)
			return syntax;
	}
	return finish(y, mo, d, clock, offset, out);
}

/* strtod on an ASCII number that uses '.', whatever LC_NUMERIC says. */
static double c_strtod(char *buf, size_t len, bool *all)
{
	char *end;
	double v = strtod(buf, &end);
	if (end != buf + len) {
		/* Someone called setlocale(): retry with its decimal point, when it is one byte. */
		const char *dp = localeconv()->decimal_point;
		char *dot = strchr(buf, '.');
		if (dot && dp && dp[0] && !dp[1]) {
			*dot = dp[0];
			v = strtod(buf, &end);
		}
	}
	*all = end == buf + len;
	return v;
}

const char *value_parse_number(const char *s, size_t n, char decimal, double *out)
{
	static const char syntax_dot[] =
	    "expected a number such as 1234.5 or 92% (no thousands separator)";
	static const char syntax_comma[] =
	    "expected a number such as 1234,5 or 92% (no thousands separator)";
	const char *syntax = decimal == ',' ? syntax_comma : syntax_dot;
	if (n && s[n - 1] == '%')
		n--;
	size_t i = 0, ndigits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	size_t body = i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		ndigits++;
	if (i < n && s[i] == decimal)
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			ndigits++;
	if (ndigits == 0) {
		/* Name the values that strtod would take and the contract refuses. */
		size_t k = n - body;
		if ((k == 3 && strncasecmp(s + body, "nan", 3) == 0) ||
		    (k == 3 && strncasecmp(s + body, "inf", 3) == 0) ||
		    (k == 8 && strncasecmp(s + body, "infinity", 8) == 0))
			return "not a finite number (NaN and infinity are not accepted)";
		return syntax;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e)
			return syntax;
	}
	if (i != n)
		return syntax;

	char small[128];
	char *buf = n < sizeof small ? small : xmalloc(n + 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (decimal != '.') {
		char *mark = memchr(buf, decimal, n);
		if (mark)
			*mark = '.';
	}
	bool all;
	double v = c_strtod(buf, n, &all);
	if (buf != small)
		free(buf);
	if (!all)
		return syntax;
	if (!isfinite(v))
		return "too large to be a number";
	/* Beyond 10^15 a double no longer keeps every digit of an integer (a 20-digit value would
	 * be rounded silently), and no KPI or amount is that large: such a value is an error of the
	 * export (an id or a code in the wrong column, 1e308 as a placeholder). */
	if (fabs(v) >= 1e15)
		return "too large: 10^15 or more, which no KPI or amount reaches (and beyond which "
		       "digits would be lost)";
	*out = v == 0 ? 0.0 : v; /* -0 reads as 0 */
	return NULL;
}

const char *value_parse_count(const char *s, size_t n, uint32_t *out)
{
	if (n == 0)
		return "expected a whole number (0, 1, 2, …)";
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "expected a whole number (0, 1, 2, …)";
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return "too large (at most 4294967295)";
	}
	*out = (uint32_t)v;
	return NULL;
}

/* Writes v as exactly k decimal digits (v is in range by construction). */
static char *put_digits(char *p, unsigned v, int k)
{
	for (int j = k - 1; j >= 0; j--, v /= 10)
		p[j] = (char)('0' + v % 10);
	return p + k;
}

/* "YYYY-MM-DD" without a NUL; returns the end. */
static char *put_date(char *p, int64_t day)
{
	int y;
	unsigned m, d;
	value_civil_from_days(day, &y, &m, &d);
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	return put_digits(p, d, 2);
}

void value_format_date(bp_time t, char buf[11])
{
	*put_date(buf, floor_div(t, BP_MS_PER_DAY)) = '\0';
}

void value_format_time(bp_time t, char buf[21])
{
	char *p = put_date(buf, floor_div(t, BP_MS_PER_DAY));
	unsigned sec = (unsigned)(floor_mod(t, BP_MS_PER_DAY) / MS_PER_SEC);
	*p++ = 'T';
	p = put_digits(p, sec / 3600, 2);
	*p++ = ':';
	p = put_digits(p, sec / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, sec % 60, 2);
	*p++ = 'Z';
	*p = '\0';
}

/* --- Periods --------------------------------------------------------------------------------- */

bp_period period_of_time(bp_time t, enum period_len len)
{
	int y;
	unsigned m, d;
	value_civil_from_days(floor_div(t, BP_MS_PER_DAY), &y, &m, &d);
	switch (len) {
	case PERIOD_MONTH:
		return y * 12 + (int)m - 1;
	case PERIOD_QUARTER:
		return y * 4 + (int)(m - 1) / 3;
	case PERIOD_YEAR:
		break;
	}
	return y;
}

/* The year and first month of a period. */
static void period_first_month(bp_period p, enum period_len len, int *y, unsigned *m)
{
	switch (len) {
	case PERIOD_MONTH:
		*y = (int)floor_div(p, 12);
		*m = (unsigned)floor_mod(p, 12) + 1;
		return;
	case PERIOD_QUARTER:
		*y = (int)floor_div(p, 4);
		*m = (unsigned)floor_mod(p, 4) * 3 + 1;
		return;
	case PERIOD_YEAR:
		break;
	}
	*y = p;
	*m = 1;
}

bp_time period_start(bp_period p, enum period_len len)
{
	int y;
	unsigned m;
	period_first_month(p, len, &y, &m);
	return value_days_from_civil(y, m, 1) * BP_MS_PER_DAY;
}

bp_time period_end(bp_period p, enum period_len len)
{
	return period_start(p + 1, len);
}

void period_label(bp_period p, enum period_len len, char buf[16])
{
	int y;
	unsigned m;
	period_first_month(p, len, &y, &m);
	char *e = put_digits(buf, (unsigned)y, 4);
	if (len == PERIOD_MONTH) {
		*e++ = '-';
		e = put_digits(e, m, 2);
	} else if (len == PERIOD_QUARTER) {
		*e++ = '-';
		*e++ = 'Q';
		e = put_digits(e, (m - 1) / 3 + 1, 1);
	}
	*e = '\0';
}

/*
 * Reads a label "YYYY", "YYYY-Qn" or "YYYY-MM". Returns 1 and sets *kind and *p (an ordinal
 * of that kind) when s is one; 0 when s has another shape; -1 when it has a label's shape
 * but names no quarter or month ("2026-Q5", "2026-13").
 */
static int parse_label(const char *s, size_t n, enum period_len *kind, bp_period *p)
{
	size_t i = 0;
	int y, v;
	if (!digits(s, n, &i, 4, &y))
		return 0;
	if (i == n) {
		*kind = PERIOD_YEAR;
		*p = y;
		return 1;
	}
	if (n == 7 && s[4] == '-' && s[5] == 'Q') {
		if (s[6] < '1' || s[6] > '4')
			return s[6] >= '0' && s[6] <= '9' ? -1 : 0;
		*kind = PERIOD_QUARTER;
		*p = y * 4 + (s[6] - '1');
		return 1;
	}
	i = 5;
	if (n == 7 && s[4] == '-' && digits(s, n, &i, 2, &v)) {
		if (v < 1 || v > 12)
			return -1;
		*kind = PERIOD_MONTH;
		*p = y * 12 + v - 1;
		return 1;
	}
	return 0;
}

static const char *const period_forms[] = {
    [PERIOD_MONTH] = "expected a month (2026-07) or a date (2026-07-15)",
    [PERIOD_QUARTER] = "expected a quarter (2026-Q3), a month (2026-07) or a date (2026-07-15)",
    [PERIOD_YEAR] =
        "expected a year (2026), quarter (2026-Q3), month (2026-07) or date (2026-07-15)",
};

const char *period_parse(const char *s, size_t n, enum period_len len, enum date_order order,
                         bp_period *out)
{
	enum period_len kind;
	bp_period p;
	int got = parse_label(s, n, &kind, &p);
	if (got < 0)
		return "no such quarter or month";
	if (got > 0) {
		/* Month < quarter < year, as the enum orders them. */
		if (kind > len)
			return len == PERIOD_MONTH
			           ? (kind == PERIOD_YEAR
			                  ? "a year, but the pack's periods are months"
			                  : "a quarter, but the pack's periods are months")
			           : "a year, but the pack's periods are quarters";
		*out = period_of_time(period_start(p, kind), len);
		return NULL;
	}
	bp_time t;
	const char *why = value_parse_time(s, n, order, &t);
	if (why)
		return why == NO_DATE || why == NO_TIME || why == BAD_OFFSET || why == OUT_OF_RANGE
		           ? why
		           : period_forms[len];
	*out = period_of_time(t, len);
	return NULL;
}

const char *period_parse_label(const char *s, enum period_len len, bp_period *out)
{
	static const char *const want[] = {
	    [PERIOD_MONTH] = "expected a month such as 2026-07",
	    [PERIOD_QUARTER] = "expected a quarter such as 2026-Q3",
	    [PERIOD_YEAR] = "expected a year such as 2026",
	};
	enum period_len kind;
	bp_period p;
	if (parse_label(s, strlen(s), &kind, &p) <= 0 || kind != len)
		return want[len];
	*out = p;
	return NULL;
}

/* --- UTF-8 ----------------------------------------------------------------------------------- */

/*
 * Well-formed UTF-8 (utf8_next) without a NUL byte. Runs of ASCII are checked eight bytes at a
 * time, and single ASCII bytes here, as CSV text is mostly ASCII.
 */
long value_utf8_invalid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			/* No high bit and no zero byte (a zero byte borrows and sets its high bit).
			 */
			if (((w | (w - 0x0101010101010101ULL)) & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		if (u[i] != 0 && u[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (k == 0 || cp == 0)
			return (long)i;
		i += k;
	}
	return -1;
}
