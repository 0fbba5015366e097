/*
 * tmpfiles: libxlsxwriter's temporary files, in memory.
 *
 * libxlsxwriter writes each part of a workbook (every sheet, the styles, each table and chart:
 * about 80 for a pack) to a temporary file of its own before it puts it into the zip, each made
 * and deleted in the folder it is given. On ext4, every file created and deleted makes the next
 * new file's inode slower to find (the allocator passes over recently deleted inodes, one by
 * one): splitting 1 M events into 105 regional packs made 8,400 of them and spent 31 % of its
 * CPU time in the kernel's inode allocation, more as the run went on.
 *
 * boardpack defines libxlsxwriter's lxw_tmpfile (declared in its public utility.h; the library
 * calls it through its procedure linkage table, so the program's definition is the one used):
 * an anonymous file in memory (memfd_create), which no file system sees. The parts are small:
 * the long tables' rows and most of the Data quality sheet's are streamed to files of their own
 * (longrows.c), and the parts live one at a time. Where memfd_create fails, the file is made as
 * libxlsxwriter would make it, in the folder given, deleted at once. Built with a library that
 * binds its calls to itself, libxlsxwriter's own is used: slower, never wrong
 * (tests/e2e/xlsx-tmpfiles.sh says which one is).
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/xmem.h"
#include "xlsx/xlsx.h"

static atomic_long made; /* files made here, for xlsx_tmpfiles_made */

long xlsx_tmpfiles_made(void)
{
	return atomic_load(&made);
}

/* A file in dir (or the system's temporary folder), deleted at once: open until closed. */
static FILE *file_in(const char *dir)
{
	char *path = xasprintf("%s/.lxw.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	free(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	if (!fp && fd >= 0)
		close(fd);
	return fp;
}

FILE *lxw_tmpfile(char *tmpdir)
{
	/* BOARDPACK_TEST_TMPFILES=disk: as if memfd_create failed (tests/e2e/xlsx-tmpfiles.sh) */
	const char *test = getenv("BOARDPACK_TEST_TMPFILES");
	int fd = test && strcmp(test, "disk") == 0
	             ? -1
	             : memfd_create("boardpack-xlsx-part", MFD_CLOEXEC);
	if (fd < 0)
		return file_in(tmpdir);
	FILE *fp = fdopen(fd, "w+b");
	if (!fp) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	atomic_fetch_add(&made, 1);
	return fp;
}
