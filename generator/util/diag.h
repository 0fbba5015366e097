/* diag: every message the user sees, in one format, from one place. */
#ifndef BP_DIAG_H
#define BP_DIAG_H
#include <stdbool.h>
#include <stdio.h>

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR, DIAG_FATAL };

/*
 * Every message (diag_msg, diag_excerpt, diag_info) is escaped here, where it is printed, so that
 * no text chosen by the data, the configuration or a file name reaches the terminal raw: C0
 * controls (tab included, except in an excerpt), DEL and bytes that are not valid UTF-8 are
 * shown as \xHH; C1 controls (U+0080..U+009F) and the bidirectional controls U+061C, U+200E,
 * U+200F, U+202A..U+202E and U+2066..U+2069 as \uHHHH. Everything else, including a
 * backslash, is shown as it is.
 *
 * Prints "boardpack: FILE:LINE:COL: LEVEL: MESSAGE" to stderr. file may be
 * NULL (no location), line and col 0 when unknown. Notes and warnings are
 * silenced by diag_set_quiet(true); errors never are.
 */
void diag_msg(enum diag_level level, const char *file, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Shows where a problem is, after the diag_msg() that reported it at the same level (and
 * silenced like it): the source line line[0..len) (a trailing line break is dropped; long
 * lines are cut to a window around the column), then a caret under column col, counted
 * in UTF-8 characters from 1. Tabs are kept so that the caret lines up.
 */
void diag_excerpt(enum diag_level level, const char *line, size_t len, long col);

/* Prints a line as it is (progress, summaries): to stderr, unless quiet. */
void diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes s[0..n) to out under the rule above (for the tests of the rule). */
void diag_escape(FILE *out, const char *s, size_t n);

void diag_set_quiet(bool quiet);
bool diag_quiet(void);
/* The worst level printed (or counted) so far; DIAG_NOTE when none. */
enum diag_level diag_worst(void);
/* Number of errors reported so far. */
long diag_errors(void);

/* Redirects all output to a caller-provided stream (tests); NULL restores stderr. */
void diag_set_stream(FILE *fp);

/*
 * Buffers: the messages of work done in parallel (each output of a pack is written by a thread
 * of its own), kept to be printed afterwards in a fixed order, so that stderr is the same
 * whatever the number of threads. Counters (diag_worst, diag_errors) are shared by every thread
 * and count a message when it is said, not when it is printed.
 *
 * diag_buffer_begin sends the calling thread's messages into a new buffer until
 * diag_buffer_end (without memory for it, they go to the stream at once).
 */
struct diag_buffer;
struct diag_said;
struct diag_buffer *diag_buffer_begin(void);
void diag_buffer_end(struct diag_buffer *b);
/* When b is printed, the file name tmp (a temporary file's) is shown as shown (the final name,
 * the one the user knows), escaped as every file name is. */
void diag_buffer_rename(struct diag_buffer *b, const char *tmp, const char *shown);
/*
 * Prints b to the stream. With said (from diag_said_new), a warning line already printed
 * through said is dropped (a warning every pack repeats is said once), and the lines printed
 * are added to it.
 */
void diag_buffer_print(struct diag_buffer *b, struct diag_said *said);
void diag_buffer_free(struct diag_buffer *b);
struct diag_said *diag_said_new(void);
void diag_said_free(struct diag_said *said);

/* Prints a line as it is, escaped, even when quiet (a hint after a usage error). */
void diag_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "boardpack: out of memory" when a library could not allocate (the caller aborts). */
void diag_out_of_memory(void);

/* The command's own output (the help, the version, an expanded template): s[0..n) to stdout as
 * it is. Returns 0, or -1 when it could not be written. */
int diag_stdout(const char *s, size_t n);

#endif
