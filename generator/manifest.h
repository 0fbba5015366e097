/* manifest: manifest.json and manifest.csv, one row per file a run writes, for the step that mails
 * the packs. */
#ifndef BP_MANIFEST_H
#define BP_MANIFEST_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct manifest_row {
	const char *region;      /* NULL: the whole organisation */
	const char *region_slug; /* NULL: the whole organisation */
	const char *kind;        /* json, pdf, xlsx */
	const char *file;        /* the file's name in the output folder */
	uint64_t bytes;
	const char *sha256; /* 64 hexadecimal digits */
};

/*
 * Writes dir/manifest.csv and dir/manifest.json as temporary files (outfile), to be put in place
 * with the rest of the run. Returns BP_OK or BP_ERR_OUTPUT after reporting.
 */
enum bp_err manifest_write(const char *dir, const char *organisation, const char *period,
                           const struct manifest_row *rows, size_t nrows);

#endif
