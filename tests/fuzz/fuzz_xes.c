/* libFuzzer target: bytes as an XES event log, plain or gzip-compressed (xesin), delivering the
 * columns a mapped event log asks for. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/diag.h"
#include "in/xesin.h"

static const char *const want[] = {"case:concept:name",
                                   "concept:name",
                                   "time:timestamp",
                                   "org:resource",
                                   "case:customer",
                                   "lifecycle:transition",
                                   NULL};

struct seen {
	long last_line;
	size_t records;
};

static int on_record(void *ctx, const struct csvin_record *rec)
{
	struct seen *s = ctx;
	/* one field per wanted column, NUL-terminated at its length, each with a place */
	if (rec->nfields != 6 || !rec->field_lines || !rec->field_cols)
		__builtin_trap();
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i][rec->lens[i]] != '\0' || rec->field_lines[i] < 1 ||
		    (s->records && rec->field_cols[i] < 1))
			__builtin_trap();
	/* lines strictly increase: the event log's rows are keyed by them */
	if (s->records > 1 && rec->line <= s->last_line)
		__builtin_trap();
	s->last_line = rec->line;
	s->records++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++) {
		diag_set_quiet(true);
		diag_set_stream(fopen("/dev/null", "w")); /* errors too: they are expected here */
	}
	struct xesin_opts o = {.name = "log.xes", .want = want};
	struct xesin_result res;
	struct seen s = {0};
	xesin_read_mem((const char *)data, size, &o, on_record, &s, &res);
	if (res.events > 0 && (size_t)res.events + 1 != s.records)
		__builtin_trap();
	xesin_result_free(&res);
	return 0;
}
