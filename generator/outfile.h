/* outfile: outputs written to a temporary file in the output folder and renamed into place only
 * when complete. */
#ifndef BP_OUTFILE_H
#define BP_OUTFILE_H
#include <stdbool.h>

/* Creates dir (and its parents) when missing. Returns 0 or -1 after reporting (exit 3). */
int outfile_mkdir(const char *dir);

/*
 * Safe to call from several threads at once. Returns the path of a new, empty temporary file beside
 * final (same folder, hidden name) for a writer to fill, or NULL after reporting. Every temporary
 * file is removed by outfile_commit, outfile_abort, at exit, or when the process is interrupted
 * (SIGINT, SIGTERM, SIGHUP).
 */
const char *outfile_begin(const char *final);
/* Renames the temporary file of final into place. Returns 0 or -1 after reporting. */
int outfile_commit(const char *final);
/*
 * Renames every temporary file still open into place, in the order they were begun (a
 * build commits all its packs at once, so a run that fails part-way leaves every previous
 * pack as it was). On a failure, reports it, removes the rest, and returns -1.
 */
int outfile_commit_all(void);
/* Removes every temporary file still open. */
void outfile_abort_all(void);

#endif
