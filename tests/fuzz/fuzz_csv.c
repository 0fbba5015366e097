/* libFuzzer target: CSV records (csvin) and the value parsers applied to every field, as the readers do. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "in/csvin.h"
#include "util/diag.h"
#include "util/values.h"

/* What the records were: their fields' bytes and lines, hashed (FNV-1a). */
struct seen {
	size_t total;
	uint64_t hash;
};

static void mix(uint64_t *h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*h = (*h ^ ((const unsigned char *)p)[i]) * 1099511628211ull;
}

/* The read-ahead hint reads every byte of the line it is told of (ASan checks the bounds). */
static void ahead(void *actx, const char *line, size_t len, unsigned char delim, const void *prep)
{
	unsigned *sum = actx;
	(void)prep; /* no csvin_opts.prep: always NULL */
	for (size_t i = 0; i < len; i++)
		*sum += (unsigned char)line[i] ^ delim;
}

static int on_record(void *ctx, const struct csvin_record *rec)
{
	struct seen *seen = ctx;
	size_t *total = &seen->total;
	mix(&seen->hash, &rec->line, sizeof rec->line);
	mix(&seen->hash, &rec->nfields, sizeof rec->nfields);
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
		mix(&seen->hash, f, n + 1);
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
	struct seen a = {0, 14695981039346656037ull}, b = a;
	char delim = 0, delim2 = 0;
	long unterminated = 0, unterminated2 = 0;
	struct csvin_opts opts = {.delimiter = size && data[0] == 'T' ? '\t' : 0, .name = "fuzz.csv"};
	int rc = csvin_read_mem((const char *)data, size, &opts, on_record, &a, &delim, &unterminated);
	/* told of lines ahead, the reader delivers exactly the same */
	unsigned sum = 0;
	opts.ahead = ahead;
	opts.ahead_ctx = &sum;
	int rc2 = csvin_read_mem((const char *)data, size, &opts, on_record, &b, &delim2, &unterminated2);
	if (rc != rc2 || a.hash != b.hash || a.total != b.total || delim != delim2 ||
	    unterminated != unterminated2)
		__builtin_trap();
	return 0;
}
