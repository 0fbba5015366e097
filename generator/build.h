/* build: one `boardpack build`: read once, compute each pack, write its outputs atomically. */
#ifndef BP_BUILD_H
#define BP_BUILD_H
#include <stdbool.h>
#include "util/err.h"

struct pack_request {
	const char *pack_ini;
	const char *period;        /* NULL: the latest with concluded cases */
	const char *out;           /* NULL: "out" beside PACK.ini */
	const char *dump_context;  /* NULL: none */
	const char *dump_markdown; /* NULL: none; else the whole organisation's expanded template */
	int jobs;                  /* threads writing outputs; 0: one per processor online */
	bool split_region, json, pdf, xlsx, strict, timings;
};

/* Runs the build; returns the exit status of cli.md. */
enum bp_err pack_build(const struct pack_request *req);

#endif
