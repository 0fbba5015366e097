/* libFuzzer target: CSV records (csvin) and the value parsers applied to every field, as the readers do. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "in/csvin.h"
#include "util/diag.h"
#include "util/values.h"

static int on_record(void *ctx, const struct csvin_record *rec)
{
	size_t *total = ctx;
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *f = rec->fields[i];
		size_t n = rec->lens[i];
		/* every field is NUL-terminated at its length, and fields stay within the limits */
		if (f[n] != '\0' || n > CSVIN_MAX_FIELD || rec->nfields > CSVIN_MAX_FIELDS)
			__builtin_trap();
		bp_time t;
		double d;
		uint32_t u;
		bp_period p;
		value_parse_time(f, n, i % 3, &t);
		value_parse_number(f, n, i % 2 ? ',' : '.', &d);
		value_parse_count(f, n, &u);
		period_parse(f, n, i % 3, DATE_ISO, &p);
		*total += n;
	}
	if (rec->line < 1)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++)
		diag_set_quiet(true);
	size_t total = 0;
	char delim = 0;
	long unterminated = 0;
	struct csvin_opts opts = {.delimiter = size && data[0] == 'T' ? '\t' : 0, .name = "fuzz.csv"};
	csvin_read_mem((const char *)data, size, &opts, on_record, &total, &delim, &unterminated);
	return 0;
}
