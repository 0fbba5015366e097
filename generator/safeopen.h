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
/*
 * Reads the whole file (NUL-terminated; *len without the NUL). A file larger than max bytes is
 * refused, without being read, with *why "is larger than the limit" (the caller names the limit).
 */
char *safeopen_read(const char *path, size_t max, size_t *len, const char **why);

#endif
