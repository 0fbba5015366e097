/* Unit tests of values: every timestamp form of data-contract.md, numbers, counts, periods and
 * UTF-8 checking. Each rule has a case that fails when the rule is broken. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "util/values.h"

/* --- Helpers ------------------------------------------------------------------------------- */

/* Parses s (ISO order unless given) and returns it formatted with milliseconds, or NULL. */
static const char *time_ok(const char *s, enum date_order order, bp_time *t)
{
	const char *why = value_parse_time(s, strlen(s), order, t);
	if (why)
		fail_msg("\"%s\" rejected: %s", s, why);
	return why;
}

static void assert_time(const char *s, enum date_order order, const char *want, int ms)
{
	bp_time t = 0;
	time_ok(s, order, &t);
	char buf[21];
	value_format_time(t, buf);
	if (strcmp(buf, want) != 0)
		fail_msg("\"%s\" read as %s, expected %s", s, buf, want);
	int64_t got_ms = ((t % 1000) + 1000) % 1000;
	if (got_ms != ms)
		fail_msg("\"%s\": %d ms, expected %d", s, (int)got_ms, ms);
}

static void assert_time_bad(const char *s, enum date_order order)
{
	bp_time t = 0;
	const char *why = value_parse_time(s, strlen(s), order, &t);
	if (!why)
		fail_msg("\"%s\" accepted, should be rejected", s);
}

static bp_time at(int y, unsigned m, unsigned d, int hh, int mi, int ss)
{
	return value_days_from_civil(y, m, d) * BP_MS_PER_DAY + ((hh * 60 + mi) * 60 + ss) * 1000LL;
}

static double number_ok(const char *s, char decimal)
{
	double v = -12345;
	const char *why = value_parse_number(s, strlen(s), decimal, &v);
	if (why)
		fail_msg("number \"%s\" rejected: %s", s, why);
	return v;
}

static const char *number_bad(const char *s, char decimal)
{
	double v = 0;
	const char *why = value_parse_number(s, strlen(s), decimal, &v);
	if (!why)
		fail_msg("number \"%s\" accepted as %g", s, v);
	return why;
}

static bp_period period_ok(const char *s, enum period_len len)
{
	bp_period p = -1;
	const char *why = period_parse(s, strlen(s), len, DATE_ISO, &p);
	if (why)
		fail_msg("period \"%s\" rejected: %s", s, why);
	return p;
}

static const char *period_bad(const char *s, enum period_len len)
{
	bp_period p = -1;
	const char *why = period_parse(s, strlen(s), len, DATE_ISO, &p);
	if (!why)
		fail_msg("period \"%s\" accepted as %d", s, (int)p);
	return why;
}

static void assert_label(bp_period p, enum period_len len, const char *want)
{
	char buf[16];
	period_label(p, len, buf);
	assert_string_equal(buf, want);
}

/* --- Civil dates ----------------------------------------------------------------------------- */

static void test_civil_known_days(void **state)
{
	(void)state;
	assert_int_equal(value_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(value_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(value_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(value_days_from_civil(2026, 7, 1), 20635);
	assert_int_equal(value_days_from_civil(0, 1, 1), -719528);
	assert_int_equal(value_days_from_civil(9999, 12, 31), 2932896);
}

static void test_civil_round_trip(void **state)
{
	(void)state;
	/* Every day of years 0..9999 in both directions, consecutive and calendar-correct. */
	int64_t day = value_days_from_civil(0, 1, 1);
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int y = 0; y <= 9999; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (unsigned m = 1; m <= 12; m++) {
			unsigned nd = mdays[m - 1] + (m == 2 && leap);
			for (unsigned d = 1; d <= nd; d++, day++) {
				if (value_days_from_civil(y, m, d) != day)
					fail_msg("%04d-%02u-%02u is not day %lld", y, m, d,
					         (long long)day);
				int yy;
				unsigned mm, dd;
				value_civil_from_days(day, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("day %lld gave %04d-%02u-%02u", (long long)day, yy,
					         mm, dd);
			}
		}
	}
}

/* --- Timestamps ------------------------------------------------------------------------------ */

static void test_time_iso_forms(void **state)
{
	(void)state;
	assert_time("2026-07-01", DATE_ISO, "2026-07-01T00:00:00Z", 0);
	assert_time("2026-07-01T14:30", DATE_ISO, "2026-07-01T14:30:00Z", 0);
	assert_time("2026-07-01T14:30:15", DATE_ISO, "2026-07-01T14:30:15Z", 0);
	assert_time("2026-07-01 14:30", DATE_ISO, "2026-07-01T14:30:00Z", 0);
	assert_time("2026-07-01 14:30:15", DATE_ISO, "2026-07-01T14:30:15Z", 0);
	assert_time("2026-07-01T14:30:15Z", DATE_ISO, "2026-07-01T14:30:15Z", 0);
	assert_time("2026-07-01T14:30Z", DATE_ISO, "2026-07-01T14:30:00Z", 0);
	bp_time t;
	time_ok("2026-07-01T14:30:15", DATE_ISO, &t);
	assert_int_equal(t, at(2026, 7, 1, 14, 30, 15));
	time_ok("2026-07-01", DATE_ISO, &t);
	assert_int_equal(t, at(2026, 7, 1, 0, 0, 0));
}

static void test_time_fraction(void **state)
{
	(void)state;
	assert_time("2026-07-01T14:30:15.5", DATE_ISO, "2026-07-01T14:30:15Z", 500);
	assert_time("2026-07-01T14:30:15.123", DATE_ISO, "2026-07-01T14:30:15Z", 123);
	/* Truncated, not rounded, to the millisecond. */
	assert_time("2026-07-01T14:30:15.123999", DATE_ISO, "2026-07-01T14:30:15Z", 123);
	assert_time("2026-07-01 14:30:15.05Z", DATE_ISO, "2026-07-01T14:30:15Z", 50);
	assert_time("2026-07-01T14:30:15.250+02:00", DATE_ISO, "2026-07-01T12:30:15Z", 250);
	assert_time_bad("2026-07-01T14:30:15.", DATE_ISO);
	assert_time_bad("2026-07-01T14:30.5", DATE_ISO); /* a fraction needs seconds */
	assert_time_bad("2026-07-01T14:30:15.5x", DATE_ISO);
}

static void test_time_offsets(void **state)
{
	(void)state;
	/* Converted to UTC, across a day, a month and a quarter boundary. */
	assert_time("2026-07-01T00:30+02:00", DATE_ISO, "2026-06-30T22:30:00Z", 0);
	bp_time t;
	time_ok("2026-07-01T00:30+02:00", DATE_ISO, &t);
	assert_int_equal(period_of_time(t, PERIOD_QUARTER), 2026 * 4 + 1);
	assert_time("2026-06-30T23:30-01:30", DATE_ISO, "2026-07-01T01:00:00Z", 0);
	assert_time("2026-12-31T22:00:00-05:00", DATE_ISO, "2027-01-01T03:00:00Z", 0);
	assert_time("2026-07-01T12:00:00+00:00", DATE_ISO, "2026-07-01T12:00:00Z", 0);
	assert_time("2026-07-01 12:00+05:45", DATE_ISO, "2026-07-01T06:15:00Z", 0);
	assert_time_bad("2026-07-01T12:00+0200", DATE_ISO);
	assert_time_bad("2026-07-01T12:00+02", DATE_ISO);
	assert_time_bad("2026-07-01T12:00+24:00", DATE_ISO);
	assert_time_bad("2026-07-01T12:00+02:60", DATE_ISO);
	assert_time_bad("2026-07-01Z", DATE_ISO); /* an offset needs a time */
	assert_time_bad("2026-07-01T12:00z", DATE_ISO);
}

static void test_time_slashed(void **state)
{
	(void)state;
	assert_time("01/07/2026", DATE_DMY, "2026-07-01T00:00:00Z", 0);
	assert_time("01/07/2026", DATE_MDY, "2026-01-07T00:00:00Z", 0);
	assert_time("31/12/2026 23:59", DATE_DMY, "2026-12-31T23:59:00Z", 0);
	assert_time("12/31/2026 23:59:58", DATE_MDY, "2026-12-31T23:59:58Z", 0);
	/* ISO stays accepted with either order. */
	assert_time("2026-07-01T08:00", DATE_DMY, "2026-07-01T08:00:00Z", 0);
	assert_time("2026-07-01T08:00", DATE_MDY, "2026-07-01T08:00:00Z", 0);
	/* Only with date_order. */
	assert_time_bad("01/07/2026", DATE_ISO);
	/* The calendar is checked in the order given. */
	assert_time_bad("31/12/2026", DATE_MDY);
	assert_time_bad("12/31/2026", DATE_DMY);
	assert_time_bad("29/02/2026", DATE_DMY);
	assert_time("29/02/2024", DATE_DMY, "2024-02-29T00:00:00Z", 0);
	/* Only the forms of the contract. */
	assert_time_bad("1/7/2026", DATE_DMY);
	assert_time_bad("01/07/26", DATE_DMY);
	assert_time_bad("01/07/2026T08:00", DATE_DMY);
	assert_time_bad("01/07/2026 08:00Z", DATE_DMY);
	assert_time_bad("01/07/2026 08:00:00.5", DATE_DMY);
	assert_time_bad("01/07/2026  08:00", DATE_DMY);
	assert_time_bad("01/07/2026 24:00", DATE_DMY);
	assert_time_bad("01-07-2026", DATE_DMY);
}

static void test_time_calendar(void **state)
{
	(void)state;
	assert_time_bad("2026-13-01", DATE_ISO);
	assert_time_bad("2026-00-10", DATE_ISO);
	assert_time_bad("2026-04-31", DATE_ISO);
	assert_time_bad("2026-02-29", DATE_ISO);
	assert_time_bad("2100-02-29", DATE_ISO);
	assert_time_bad("2026-01-00", DATE_ISO);
	assert_time_bad("2026-01-32", DATE_ISO);
	assert_time("2024-02-29", DATE_ISO, "2024-02-29T00:00:00Z", 0);
	assert_time("2000-02-29", DATE_ISO, "2000-02-29T00:00:00Z", 0);
	assert_time_bad("2026-07-01T24:00", DATE_ISO);
	assert_time_bad("2026-07-01T23:60", DATE_ISO);
	assert_time_bad("2026-07-01T23:59:60", DATE_ISO);
	assert_time("2026-07-01T23:59:59", DATE_ISO, "2026-07-01T23:59:59Z", 0);
	assert_time("2026-07-01T00:00", DATE_ISO, "2026-07-01T00:00:00Z", 0);
}

static void test_time_syntax(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",
	    "2026",
	    "2026-7-01",
	    "2026-07-1",
	    "26-07-01",
	    "20260701",
	    "2026-07-01x",
	    "2026-07-01 ",
	    "2026-07-01T",
	    "2026-07-01T1:00",
	    "2026-07-01T14",
	    "2026-07-01T14:3",
	    "2026-07-01T14:30:1",
	    "2026-07-01  14:30",
	    "2026-07-01t14:30",
	    "2026/07/01",
	    "1 July",
	    "+2026-07-01",
	    "2026-07-01T14:30:15Zx",
	    "-001-01-01",
	    "12026-01-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_time_bad(bad[i], DATE_ISO);
	/* The phrase names the forms, as data-contract.md's messages do. */
	bp_time t;
	assert_string_equal(value_parse_time("1 July", 6, DATE_ISO, &t),
	                    "expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]");
	/* Trailing junk is not ignored (length-bounded: bytes after n are not read). */
	assert_null(value_parse_time("2026-07-01junk", 10, DATE_ISO, &t));
	assert_non_null(value_parse_time("2026-07-01junk", 11, DATE_ISO, &t));
}

static void test_time_year_range(void **state)
{
	(void)state;
	assert_time("0000-01-01", DATE_ISO, "0000-01-01T00:00:00Z", 0);
	assert_time("9999-12-31T23:59:59", DATE_ISO, "9999-12-31T23:59:59Z", 0);
	assert_time("0000-02-29", DATE_ISO, "0000-02-29T00:00:00Z", 0); /* year 0 is a leap year */
	bp_time t;
	time_ok("0000-01-01", DATE_ISO, &t);
	assert_int_equal(t, -719528LL * BP_MS_PER_DAY);
	/* An offset may not carry an instant out of the years 0..9999. */
	assert_time_bad("0000-01-01T00:30+01:00", DATE_ISO);
	assert_time_bad("9999-12-31T23:30-01:00", DATE_ISO);
}

static void test_format(void **state)
{
	(void)state;
	char d[11], t[21];
	value_format_date(at(2026, 7, 1, 23, 59, 59) + 999, d);
	assert_string_equal(d, "2026-07-01");
	value_format_date(-1, d); /* the last millisecond before 1970 */
	assert_string_equal(d, "1969-12-31");
	value_format_time(-1, t);
	assert_string_equal(t, "1969-12-31T23:59:59Z");
	value_format_time(at(0, 1, 1, 0, 0, 0), t);
	assert_string_equal(t, "0000-01-01T00:00:00Z");
	value_format_date(at(9999, 12, 31, 0, 0, 0), d);
	assert_string_equal(d, "9999-12-31");
}

/* --- Numbers --------------------------------------------------------------------------------- */

static void test_number_forms(void **state)
{
	(void)state;
	assert_true(number_ok("92", '.') == 92);
	assert_true(number_ok("92%", '.') == 92);
	assert_true(number_ok("-3.25", '.') == -3.25);
	assert_true(number_ok("+3.5", '.') == 3.5);
	assert_true(number_ok(".5", '.') == 0.5);
	assert_true(number_ok("5.", '.') == 5);
	assert_true(number_ok("1234.5", '.') == 1234.5);
	assert_true(number_ok("1.5e3", '.') == 1500);
	assert_true(number_ok("2E-2", '.') == 0.02);
	assert_true(number_ok("1e+2%", '.') == 100);
	assert_true(number_ok("1e14", '.') == 1e14); /* 1e308 is refused since issue 16: too large */
	assert_true(number_ok("1e-300", '.') == 1e-300);
	assert_true(number_ok("0.1", '.') == 0.1); /* correctly rounded */
	assert_true(number_ok("1234,5", ',') == 1234.5);
	assert_true(number_ok("92,5%", ',') == 92.5);
	assert_true(number_ok("-0,25", ',') == -0.25);
}

static void test_number_decimal_mark(void **state)
{
	(void)state;
	/* A thousands separator is never guessed. */
	number_bad("1,234", '.');
	number_bad("1.234,5", ',');
	number_bad("1234.5", ',');
	number_bad("1 234", '.');
	number_bad("1,234.5", '.');
	assert_string_equal(number_bad("1,234", '.'),
	                    "expected a number such as 1234.5 or 92% (no thousands separator)");
	assert_string_equal(number_bad("1.5", ','),
	                    "expected a number such as 1234,5 or 92% (no thousands separator)");
}

static void test_number_rejects(void **state)
{
	(void)state;
	const char *bad[] = {"",     "%",    "-",   "+",   ".",     "e5",   "1e",    "1e+", "12a",
	                     "92 %", "92%%", "%92", "--1", "1.2.3", "0x10", "1_000", " 1",  "1 "};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		number_bad(bad[i], '.');
	assert_string_equal(number_bad("NaN", '.'),
	                    "not a finite number (NaN and infinity are not accepted)");
	number_bad("nan", '.');
	number_bad("inf", '.');
	number_bad("-inf", '.');
	number_bad("Infinity", '.');
	number_bad("-Infinity", ',');
	assert_string_equal(number_bad("1e309", '.'), "too large to be a number");
	number_bad("-1e309", '.');
	number_bad("1e999999999999", '.');
	/* issue 16: a 20-digit integer would be rounded silently, 1e308 shown with 309 digits */
	assert_string_equal(number_bad("1e308", '.'),
	                    "too large: 10^15 or more, which no KPI or amount reaches (and beyond "
	                    "which digits would be lost)");
	number_bad("12345678901234567890", '.');
	number_bad("-1000000000000000", '.');
	assert_true(number_ok("999999999999999", '.') == 999999999999999.0);
	assert_true(number_ok("-999999999999999,5", ',') == -999999999999999.5);
}

static void test_number_negative_zero(void **state)
{
	(void)state;
	double v = number_ok("-0", '.');
	assert_true(v == 0 && !signbit(v));
	v = number_ok("-0.0%", '.');
	assert_true(v == 0 && !signbit(v));
	v = number_ok("-0,0", ',');
	assert_true(v == 0 && !signbit(v));
	/* Underflow reads as zero rather than failing. */
	v = number_ok("-1e-400", '.');
	assert_true(v == 0 && !signbit(v));
}

static void test_number_long(void **state)
{
	(void)state;
	/* Longer than any stack buffer: still read exactly. */
	char s[400];
	memset(s, '0', sizeof s);
	s[0] = '1';
	s[1] = '.';
	s[sizeof s - 1] = '\0';
	assert_true(number_ok(s, '.') == 1);
	s[1] = ',';
	assert_true(number_ok(s, ',') == 1);
}

static void test_count(void **state)
{
	(void)state;
	uint32_t v = 7;
	assert_null(value_parse_count("0", 1, &v));
	assert_int_equal(v, 0);
	assert_null(value_parse_count("42", 2, &v));
	assert_int_equal(v, 42);
	assert_null(value_parse_count("4294967295", 10, &v));
	assert_int_equal(v, 4294967295u);
	assert_non_null(value_parse_count("4294967296", 10, &v));
	assert_non_null(value_parse_count("99999999999999999999999", 23, &v));
	const char *bad[] = {"", "-1", "+1", "1.0", "1e3", "1,000", " 1", "one"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (!value_parse_count(bad[i], strlen(bad[i]), &v))
			fail_msg("count \"%s\" accepted", bad[i]);
}

/* --- Periods --------------------------------------------------------------------------------- */

static void test_period_labels(void **state)
{
	(void)state;
	assert_int_equal(period_ok("2026-07", PERIOD_MONTH), 2026 * 12 + 6);
	assert_int_equal(period_ok("2026-Q3", PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_ok("2026", PERIOD_YEAR), 2026);
	assert_label(2026 * 12 + 6, PERIOD_MONTH, "2026-07");
	assert_label(2026 * 12 + 11, PERIOD_MONTH, "2026-12");
	assert_label(2026 * 4 + 2, PERIOD_QUARTER, "2026-Q3");
	assert_label(2026 * 4 + 0, PERIOD_QUARTER, "2026-Q1");
	assert_label(2026, PERIOD_YEAR, "2026");
	assert_label(7, PERIOD_YEAR, "0007");
	assert_label(9999 * 4 + 3, PERIOD_QUARTER, "9999-Q4");
	/* Consecutive periods have consecutive ordinals, across a year. */
	assert_int_equal(period_ok("2027-01", PERIOD_MONTH),
	                 period_ok("2026-12", PERIOD_MONTH) + 1);
	assert_int_equal(period_ok("2027-Q1", PERIOD_QUARTER),
	                 period_ok("2026-Q4", PERIOD_QUARTER) + 1);
}

static void test_period_shorter_label(void **state)
{
	(void)state;
	/* A shorter label belongs to the pack period that contains it. */
	assert_int_equal(period_ok("2026-07", PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_ok("2026-06", PERIOD_QUARTER), 2026 * 4 + 1);
	assert_int_equal(period_ok("2026-10", PERIOD_QUARTER), 2026 * 4 + 3);
	assert_int_equal(period_ok("2026-12", PERIOD_YEAR), 2026);
	assert_int_equal(period_ok("2026-Q4", PERIOD_YEAR), 2026);
}

static void test_period_longer_label(void **state)
{
	(void)state;
	assert_string_equal(period_bad("2026", PERIOD_QUARTER),
	                    "a year, but the pack's periods are quarters");
	assert_string_equal(period_bad("2026-Q3", PERIOD_MONTH),
	                    "a quarter, but the pack's periods are months");
	assert_string_equal(period_bad("2026", PERIOD_MONTH),
	                    "a year, but the pack's periods are months");
}

static void test_period_bad(void **state)
{
	(void)state;
	const char *bad[] = {
	    "2026-Q5", "2026-Q0",    "2026-13", "2026-00", "2026-Q",   "2026-q3",       "2026-7",
	    "26",      "2026-07-32", "Q3 2026", "",        "2026-Q3x", "2026-07-01junk"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		period_bad(bad[i], PERIOD_QUARTER);
}

static void test_period_dates(void **state)
{
	(void)state;
	/* A date or timestamp belongs to the period containing its UTC date. */
	assert_int_equal(period_ok("2026-07-15", PERIOD_MONTH), 2026 * 12 + 6);
	assert_int_equal(period_ok("2026-07-15", PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_ok("2026-07-15", PERIOD_YEAR), 2026);
	/* Quarter boundaries: March 31 / April 1, June 30 / July 1, Sept 30 / Oct 1, Dec 31 /
	 * Jan 1. */
	assert_int_equal(period_ok("2026-03-31", PERIOD_QUARTER), 2026 * 4 + 0);
	assert_int_equal(period_ok("2026-04-01", PERIOD_QUARTER), 2026 * 4 + 1);
	assert_int_equal(period_ok("2026-06-30T23:59:59", PERIOD_QUARTER), 2026 * 4 + 1);
	assert_int_equal(period_ok("2026-07-01", PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_ok("2026-09-30", PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_ok("2026-10-01", PERIOD_QUARTER), 2026 * 4 + 3);
	assert_int_equal(period_ok("2026-12-31", PERIOD_QUARTER), 2026 * 4 + 3);
	assert_int_equal(period_ok("2027-01-01", PERIOD_QUARTER), 2027 * 4 + 0);
	/* Converted to UTC first. */
	assert_int_equal(period_ok("2026-07-01T00:30+02:00", PERIOD_QUARTER), 2026 * 4 + 1);
	/* Slashed dates with date_order. */
	bp_period p;
	assert_null(period_parse("01/07/2026", 10, PERIOD_QUARTER, DATE_DMY, &p));
	assert_int_equal(p, 2026 * 4 + 2);
	assert_null(period_parse("01/07/2026", 10, PERIOD_QUARTER, DATE_MDY, &p));
	assert_int_equal(p, 2026 * 4 + 0);
	/* A calendar error is said as such. */
	assert_string_equal(period_bad("2026-02-30", PERIOD_QUARTER),
	                    "no such day in the calendar");
}

static void test_period_of_time(void **state)
{
	(void)state;
	assert_int_equal(period_of_time(at(2026, 7, 1, 0, 0, 0) - 1, PERIOD_QUARTER), 2026 * 4 + 1);
	assert_int_equal(period_of_time(at(2026, 7, 1, 0, 0, 0), PERIOD_QUARTER), 2026 * 4 + 2);
	assert_int_equal(period_of_time(at(2026, 2, 28, 12, 0, 0), PERIOD_MONTH), 2026 * 12 + 1);
	assert_int_equal(period_of_time(at(1969, 12, 31, 23, 0, 0), PERIOD_YEAR), 1969);
	assert_int_equal(period_of_time(at(0, 1, 1, 0, 0, 0), PERIOD_MONTH), 0);
}

static void test_period_bounds(void **state)
{
	(void)state;
	bp_period q3 = 2026 * 4 + 2;
	assert_int_equal(period_start(q3, PERIOD_QUARTER), at(2026, 7, 1, 0, 0, 0));
	assert_int_equal(period_end(q3, PERIOD_QUARTER), at(2026, 10, 1, 0, 0, 0));
	assert_int_equal(period_end(2026 * 4 + 3, PERIOD_QUARTER), at(2027, 1, 1, 0, 0, 0));
	assert_int_equal(period_start(2024 * 12 + 1, PERIOD_MONTH), at(2024, 2, 1, 0, 0, 0));
	assert_int_equal(period_end(2024 * 12 + 1, PERIOD_MONTH), at(2024, 3, 1, 0, 0, 0));
	assert_int_equal(period_end(2026 * 12 + 11, PERIOD_MONTH), at(2027, 1, 1, 0, 0, 0));
	assert_int_equal(period_start(2026, PERIOD_YEAR), at(2026, 1, 1, 0, 0, 0));
	assert_int_equal(period_end(2026, PERIOD_YEAR), at(2027, 1, 1, 0, 0, 0));
	assert_int_equal(period_start(0, PERIOD_MONTH), at(0, 1, 1, 0, 0, 0));
	/* Every instant lies in [start, end) of its own period. */
	for (int len = PERIOD_MONTH; len <= PERIOD_YEAR; len++)
		for (bp_time t = at(2023, 12, 30, 5, 0, 0); t < at(2025, 1, 3, 0, 0, 0);
		     t += 7 * 3600 * 1000LL) {
			bp_period p = period_of_time(t, (enum period_len)len);
			assert_true(period_start(p, (enum period_len)len) <= t);
			assert_true(t < period_end(p, (enum period_len)len));
		}
}

static void test_period_parse_label(void **state)
{
	(void)state;
	bp_period p;
	assert_null(period_parse_label("2026-Q3", PERIOD_QUARTER, &p));
	assert_int_equal(p, 2026 * 4 + 2);
	assert_null(period_parse_label("2026-07", PERIOD_MONTH, &p));
	assert_int_equal(p, 2026 * 12 + 6);
	assert_null(period_parse_label("2026", PERIOD_YEAR, &p));
	assert_int_equal(p, 2026);
	/* Exactly the pack's length: neither shorter nor longer, nor a date. */
	assert_string_equal(period_parse_label("2026-07", PERIOD_QUARTER, &p),
	                    "expected a quarter such as 2026-Q3");
	assert_non_null(period_parse_label("2026", PERIOD_QUARTER, &p));
	assert_non_null(period_parse_label("2026-07-01", PERIOD_QUARTER, &p));
	assert_non_null(period_parse_label("2026-Q3", PERIOD_YEAR, &p));
	assert_non_null(period_parse_label("2026-13", PERIOD_MONTH, &p));
}

/* --- UTF-8 ----------------------------------------------------------------------------------- */

static void test_utf8(void **state)
{
	(void)state;
#define BAD_AT(s, off) assert_int_equal(value_utf8_invalid(s, sizeof(s) - 1), off)
	BAD_AT("", -1);
	BAD_AT("plain ASCII text that is longer than eight bytes", -1);
	BAD_AT("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF", -1);
	BAD_AT("caf\xE9", 3);              /* Latin-1 */
	BAD_AT("abcdefghijkl\xE9xyz", 12); /* after the eight-byte fast path */
	BAD_AT("abcdefgh\0ijkl", 8);       /* NUL in a word */
	BAD_AT("a\0", 1);
	BAD_AT("\xC0\xAF", 0); /* overlong '/' */
	BAD_AT("\xC1\xBF", 0);
	BAD_AT("\xE0\x80\xAF", 0);     /* overlong */
	BAD_AT("\xF0\x80\x80\xAF", 0); /* overlong */
	BAD_AT("x\xED\xA0\x80", 1);    /* surrogate */
	BAD_AT("\xF4\x90\x80\x80", 0); /* above U+10FFFF */
	BAD_AT("\xF5\x80\x80\x80", 0);
	BAD_AT("\xFF", 0);
	BAD_AT("\x80", 0);   /* lone continuation */
	BAD_AT("ab\xC3", 2); /* cut short */
	BAD_AT("ab\xE2\x82", 2);
	BAD_AT("\xE2\x28\xA1", 0); /* bad continuation */
	BAD_AT("12345678\xF0\x9F\x98", 8);
#undef BAD_AT
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_civil_known_days),
	    cmocka_unit_test(test_civil_round_trip),
	    cmocka_unit_test(test_time_iso_forms),
	    cmocka_unit_test(test_time_fraction),
	    cmocka_unit_test(test_time_offsets),
	    cmocka_unit_test(test_time_slashed),
	    cmocka_unit_test(test_time_calendar),
	    cmocka_unit_test(test_time_syntax),
	    cmocka_unit_test(test_time_year_range),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_number_forms),
	    cmocka_unit_test(test_number_decimal_mark),
	    cmocka_unit_test(test_number_rejects),
	    cmocka_unit_test(test_number_negative_zero),
	    cmocka_unit_test(test_number_long),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_period_labels),
	    cmocka_unit_test(test_period_shorter_label),
	    cmocka_unit_test(test_period_longer_label),
	    cmocka_unit_test(test_period_bad),
	    cmocka_unit_test(test_period_dates),
	    cmocka_unit_test(test_period_of_time),
	    cmocka_unit_test(test_period_bounds),
	    cmocka_unit_test(test_period_parse_label),
	    cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests_name("values", tests, NULL, NULL);
}
