/* format: numbers, percentages, money and dates as a reader sees them, in the pack's number locale.
 */
#ifndef BP_FORMAT_H
#define BP_FORMAT_H
#include <stddef.h>
#include <stdint.h>

struct number_style {
	const char *thousands; /* "," "." " " (narrow no-break space) "'" */
	const char *decimal;   /* "." or "," */
};

/* The style of a number_locale (en, de, fr, ch); en when unknown. */
struct number_style format_style(const char *locale);

/* Writes into buf (size n): v with `digits` decimals and thousands separators; "—" for NAN. */
void format_number(char *buf, size_t n, double v, int digits, const struct number_style *st);
/* A count (v, a whole number) with thousands separators; "—" for a negative count (missing). */
void format_count(char *buf, size_t n, long v, const struct number_style *st);
/* A fraction as a whole percentage: 0.613 → "61 %" (no-break space); "—" for NAN. */
void format_percent(char *buf, size_t n, double fraction, int digits,
                    const struct number_style *st);
/* Signed points with a true minus: −4, +3, 0; "—" for NAN. */
void format_signed(char *buf, size_t n, double v, int digits, const struct number_style *st);
/* Money with the currency's symbol (GBP £, EUR €, USD $, JPY ¥, CHF CHF …); "—" for NAN. */
void format_money(char *buf, size_t n, double v, const char *currency,
                  const struct number_style *st);
/* "30 September 2026" from a day number. */
void format_long_date(char *buf, size_t n, int64_t day);
/* "3 Jul": a day within a story whose year is said once. */
void format_short_date(char *buf, size_t n, int64_t day);

/* Writes v into buf (at least 32 bytes) exactly as snprintf(buf, 32, "%.16G", v) would, and
 * returns the length: quickly for a whole number of hundredths under 10^13 whose 16 digits
 * round to it (money), by snprintf otherwise. */
size_t format_g16(char *buf, double v);
/* v's decimal digits into buf (at least 20 bytes; no NUL); their number. */
size_t format_u64(char *buf, uint64_t v);
/* The most format_ratio16 writes (36 digits and the point; no terminating NUL is written). */
#define FORMAT_RATIO16_MAX 40
/* Writes num / den (den > 0; num / den below 2^63 / den) into buf as a decimal of 16 significant
 * digits, correctly rounded (half up), trailing zeros and a bare point dropped: "46204.5" for
 * noon of 2026-07-01 as Excel's serial day in milliseconds over 86,400,000. Returns the length.
 * With a whole part of 1 to 16 digits, in one division; otherwise as format_ratio16_digits. */
size_t format_ratio16(char *buf, uint64_t num, uint64_t den);
/* The same, a digit at a time: the definition format_ratio16 is tested against. */
size_t format_ratio16_digits(char *buf, uint64_t num, uint64_t den);
/* format_g16's quick path alone: its length, or 0 where it cannot tell (then nothing useful is
 * in buf). */
size_t format_g16_quick(char *buf, double v);

/* Writes the spreadsheet column letters of col (1 = A, 27 = AA) into buf (at least 8 bytes). */
void format_column_letters(char *buf, long col);

#endif
