/* outfile: outputs written to temporary files in the output folder and put in place together,
 * all or nothing, when the run is complete. */
#ifndef BP_OUTFILE_H
#define BP_OUTFILE_H
#include <stdbool.h>

/* Creates dir (and its parents) when missing. Returns 0 or -1 after reporting (an output
 * error). */
int outfile_mkdir(const char *dir);

/*
 * Locks the output folder dir for the rest of the run (flock(2) on the folder itself), so that
 * two runs into one folder never mix their files: when another run holds it, says so and waits
 * for it. Returns 0 (also when the file system cannot lock, after a warning).
 */
int outfile_lock(const char *dir);

/*
 * Safe to call from several threads at once. Creates a new, empty temporary file beside final
 * (same folder, hidden name, permissions 0666 less the umask) and returns its descriptor, which
 * the writer fills and must not close; *tmp (may be NULL) receives its name, for messages
 * only: never open the file by name. Returns -1 after reporting. Every temporary file is
 * removed by outfile_commit_all, outfile_abort_all, at exit, or when the process is interrupted
 * (SIGINT, SIGTERM, SIGHUP).
 */
int outfile_begin(const char *final, const char **tmp);

/*
 * For a library that can only write to a file name (libxlsxwriter): after outfile_begin(final),
 * creates a private folder (mode 0700) beside final and returns the name of a file inside it for
 * the library to write, and the folder itself in *dir (for the library's own temporary files).
 * outfile_take then makes that file final's temporary file (a rename, nothing copied: the
 * descriptor outfile_begin returned is that file afterwards) and removes the folder.
 * Returns NULL after reporting.
 */
const char *outfile_private(const char *final, const char **dir);
/* Returns 0, or -1 after reporting (shown: the name messages give the file). With copy false
 * (the library failed), only removes the private folder. */
int outfile_take(const char *final, const char *shown, bool copy);

/*
 * Puts every temporary file still open in place, all or nothing: each final name is first
 * checked (a folder there cannot be replaced); each file it replaces is kept under a hidden
 * name until the whole set is in, and on any failure the files already renamed are put back,
 * so the folder is exactly as it was. Signals are held back meanwhile. Returns 0, or -1 after
 * reporting (every temporary file removed).
 */
int outfile_commit_all(void);
/* Removes every temporary file still open. */
void outfile_abort_all(void);

/*
 * After a file in dir failed: when dir's file system has little space left, says so, as it is:
 * "full" only with under 64 KB free (the failed file still holds what it took).
 */
void outfile_report_space(const char *dir);

#endif
