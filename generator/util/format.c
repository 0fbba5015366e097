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
