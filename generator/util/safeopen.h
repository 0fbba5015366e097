/* safeopen: every file a run reads (PACK.ini, inputs, template, partials, fonts, logo) is opened
 * here, without ever blocking, and only when it is a regular file. */
#ifndef BP_SAFEOPEN_H
#define BP_SAFEOPEN_H
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* What a file of mode m is, for messages: "a folder", "a named pipe (FIFO)", "a device"... */
const char *safeopen_kind(mode_t m);

/*
 * Opens path to read. A folder, a named pipe (FIFO), a device or a socket is refused before it
 * is opened (stat) and again once it is (fstat on the descriptor, opened with O_NONBLOCK, so a
 * FIFO put there meanwhile cannot hang the run). Returns the descriptor (blocking again), or -1
 * with *why set to a phrase for the message: "is a folder, not a file", "is a named pipe (FIFO),
 * not a file", ..., or the system's reason ("No such file or directory").
 */
int safeopen(const char *path, const char **why);
/* The same as a stdio stream. */
FILE *safeopen_file(const char *path, const char **why);
/* The *why of safeopen_read for a file over its limit (the caller names the limit). */
#define SAFEOPEN_TOO_LARGE "is larger than the limit"
/*
 * Reads the whole file (NUL-terminated; *len without the NUL): the one whole-file reader. A file
 * larger than max bytes is refused, without being read, with *why SAFEOPEN_TOO_LARGE.
 */
char *safeopen_read(const char *path, size_t max, size_t *len, const char **why);
/*
 * safeopen_read for a file the run needs whole, called what in messages ("font file"): a failure
 * is reported through diag against path as "<what> is larger than the limit of N MiB<beyond>",
 * "<what> is a folder, not a file" (and the like) or "<what> cannot be read: <reason>", and NULL
 * is returned. beyond follows the limit: "" or, say, "; a cover logo needs far less".
 */
char *safeopen_load(const char *path, size_t max, const char *what, const char *beyond,
                    size_t *len);

#endif
