/* values: timestamps, dates, numbers and periods, parsed exactly as data-contract.md says. */
#ifndef BP_VALUES_H
#define BP_VALUES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An instant: milliseconds since 1970-01-01T00:00:00Z (negative before; years 0..9999). */
typedef int64_t bp_time;
#define BP_TIME_NONE INT64_MIN
#define BP_MS_PER_DAY 86400000LL

enum date_order { DATE_ISO, DATE_DMY, DATE_MDY };

/*
 * Parses a timestamp or date of data-contract.md ("Dates and times") from
 * s[0..n) (already trimmed). YYYY-MM-DD, optional [T or one space]HH:MM[:SS[.fff…]],
 * optional Z or ±HH:MM (converted to UTC; none means UTC). With DATE_DMY/DATE_MDY,
 * DD/MM/YYYY or MM/DD/YYYY [HH:MM[:SS]] are accepted too. Fractional seconds are
 * kept to the millisecond (truncated). Calendar-checked (2026-02-30 fails).
 * Returns NULL on success, else a static phrase saying what was expected,
 * e.g. "expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]".
 */
const char *value_parse_time(const char *s, size_t n, enum date_order order, bp_time *out);

/*
 * Parses a number: optional sign, digits, decimal mark `decimal` ('.' or ','),
 * optional exponent, optional trailing '%' ("92%" is 92). No thousands separator.
 * NaN, infinities and values that overflow a double are rejected.
 * Returns NULL on success, else a static phrase saying what was expected.
 */
const char *value_parse_number(const char *s, size_t n, char decimal, double *out);

/* Parses a whole number 0..UINT32_MAX. Returns NULL or a static phrase. */
const char *value_parse_count(const char *s, size_t n, uint32_t *out);

/* Days since 1970-01-01 for a civil date, and back (proleptic Gregorian). */
int64_t value_days_from_civil(int y, unsigned m, unsigned d);
void value_civil_from_days(int64_t days, int *y, unsigned *m, unsigned *d);

/* Writes "YYYY-MM-DD" (11 bytes with NUL) or "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). */
void value_format_date(bp_time t, char buf[11]);
void value_format_time(bp_time t, char buf[21]);

/*
 * Periods. A period is an ordinal number within its length:
 * month: year*12 + (month-1); quarter: year*4 + (quarter-1); year: year.
 * Consecutive periods have consecutive ordinals.
 */
enum period_len { PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR };
typedef int32_t bp_period;

/* The period containing an instant's UTC date. */
bp_period period_of_time(bp_time t, enum period_len len);
/* First instant of the period, and first instant after it. */
bp_time period_start(bp_period p, enum period_len len);
bp_time period_end(bp_period p, enum period_len len);
/* "2026-07", "2026-Q3", "2026"; buf of at least 16 bytes. */
void period_label(bp_period p, enum period_len len, char buf[16]);

/*
 * Parses a period as data-contract.md's kpis.csv `period` column: a label
 * ("2026-Q3", "2026-07", "2026") or a date/timestamp (any value_parse_time
 * form). A label longer than len (a year in a quarterly pack, a quarter in a
 * monthly one) is rejected; a shorter label belongs to the pack period that
 * contains it. Also used for --period, which must be a label of exactly len.
 * Returns NULL on success, else a static phrase.
 */
const char *period_parse(const char *s, size_t n, enum period_len len, enum date_order order,
                         bp_period *out);
/* Parses --period: a label of exactly len. Returns NULL or a static phrase. */
const char *period_parse_label(const char *s, enum period_len len, bp_period *out);

/* Checks s[0..n) is valid UTF-8 with no NUL. Returns the byte offset of the first bad byte, or -1.
 */
long value_utf8_invalid(const char *s, size_t n);

#endif
