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
/* format_g16's quick path alone: its length, or 0 where it cannot tell (then nothing useful is
 * in buf). */
size_t format_g16_quick(char *buf, double v);

/* Writes the spreadsheet column letters of col (1 = A, 27 = AA) into buf (at least 8 bytes). */
void format_column_letters(char *buf, long col);

#endif
