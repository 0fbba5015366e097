/* init: a starting PACK.ini written from the files a user has (cli.md, "boardpack init"). */
#ifndef BP_INIT_H
#define BP_INIT_H
#include <stddef.h>
#include "util/err.h"

/*
 * Reads the first rows of each of files (CSV, XLSX, ODS, XES), decides which is the event log,
 * the KPIs and the customers, sniffs delimiter, decimal mark and date order, maps the columns
 * it recognises, and writes out: a PACK.ini whose every guess is a setting or a comment the
 * user can read and change. Never overwrites a file. Returns 0, BP_ERR_INPUT when an export
 * cannot be read, or BP_ERR_OUTPUT when out exists or cannot be written (each reported).
 */
enum bp_err init_write(const char *const *files, size_t nfiles, const char *out);

#endif
