/* libFuzzer target: timestamps, numbers, counts and periods, with round trips that must hold. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	for (int order = DATE_ISO; order <= DATE_MDY; order++) {
		bp_time t;
		if (!value_parse_time(s, size, order, &t)) {
			/* a parsed instant prints in the canonical form (whole seconds), which reads back to
			   the same instant less its milliseconds */
			char buf[21];
			value_format_time(t, buf);
			bp_time back, ms = ((t % 1000) + 1000) % 1000;
			if (value_parse_time(buf, strlen(buf), DATE_ISO, &back) || back != t - ms)
				__builtin_trap();
		}
	}
	double d;
	if (!value_parse_number(s, size, '.', &d) && !isfinite(d))
		__builtin_trap(); /* NaN and infinities are refused, never accepted */
	if (!value_parse_number(s, size, ',', &d) && !isfinite(d))
		__builtin_trap();
	uint32_t u;
	value_parse_count(s, size, &u);
	for (int len = PERIOD_MONTH; len <= PERIOD_YEAR; len++) {
		bp_period p;
		if (!period_parse(s, size, len, DATE_ISO, &p)) {
			/* a period's label reads back to the same period, and it contains its start */
			char label[16];
			period_label(p, len, label);
			bp_period back;
			if (period_parse_label(label, len, &back) || back != p)
				__builtin_trap();
			if (period_of_time(period_start(p, len), len) != p)
				__builtin_trap();
		}
	}
	value_utf8_invalid(s, size);
	return 0;
}
