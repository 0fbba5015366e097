/*
 * zlevel: the compression level of the workbook's zip members.
 *
 * libxlsxwriter 1.1 zips the workbook through minizip at zlib's default level (6) and has no
 * setting for it; deflate then takes half the time of writing a large workbook. minizip starts
 * each member with deflateInit2_(), which this file defines: calls from a thread that has set a
 * level (xlsx.c does, around the writing) get that level, every other call is zlib's own,
 * untouched. The real function is found with dlsym(RTLD_NEXT). Output stays deterministic.
 */
#define _GNU_SOURCE
#include "zlevel.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <zlib.h>

typedef int (*deflate_init2_fn)(z_streamp, int, int, int, int, int, const char *, int);

static deflate_init2_fn real_init2;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local int level = -2; /* -2: the caller's own level */

static void resolve(void)
{
	real_init2 = (deflate_init2_fn)dlsym(RTLD_NEXT, "deflateInit2_");
}

void zlevel_set(int lv)
{
	level = lv;
}

void zlevel_clear(void)
{
	level = -2;
}

int deflateInit2_(z_streamp strm, int lv, int method, int window_bits, int mem_level, int strategy,
                  const char *version, int stream_size)
{
	pthread_once(&once, resolve);
	if (!real_init2)
		return Z_VERSION_ERROR; /* cannot happen with zlib loaded; reported by the caller as
		                           a zip error */
	return real_init2(strm, level != -2 ? level : lv, method, window_bits, mem_level, strategy,
	                  version, stream_size);
}
