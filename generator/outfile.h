/* outfile: outputs written to a temporary file in the output folder and renamed into place only when complete. */
#ifndef BP_OUTFILE_H
#define BP_OUTFILE_H
#include <stdbool.h>

/* Creates dir (and its parents) when missing. Returns 0 or -1 after reporting (exit 3). */
int outfile_mkdir(const char *dir);

/*
 * Returns the path of a new, empty temporary file beside final (same
 * folder, hidden name) for a writer to fill, or NULL after reporting.
 * Every temporary file is removed by outfile_commit, outfile_abort, at exit,
 * or when the process is interrupted (SIGINT, SIGTERM, SIGHUP).
 */
const char *outfile_begin(const char *final);
/* Renames the temporary file of final into place. Returns 0 or -1 after reporting. */
int outfile_commit(const char *final);
/* Removes every temporary file still open. */
void outfile_abort_all(void);

#endif
