/* Unit tests of zipin's zip-bomb limits (data-contract.md: a member inflating past 1 GB, or
 * past 100 MB at more than 100 times its compressed size, is refused while inflating), with
 * the limits lowered so that the members stay small: both rules, each side of each. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "util/diag.h"
#include "in/zipin.h"

static char path[64];

/* A zip with one member "m" of n bytes: zeros (compressible a thousandfold) or noise (not). */
static void make_zip(size_t n, int noise)
{
	unlink(path);
	zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	assert_int_equal(zipOpenNewFileInZip(z, "m", NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9),
	                 ZIP_OK);
	char *buf = calloc(n, 1);
	uint32_t x = 2463534242u;
	for (size_t i = 0; noise && i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (char)x;
	}
	zipWriteInFileInZip(z, buf, (unsigned)n);
	free(buf);
	zipCloseFileInZip(z);
	zipClose(z, NULL);
}

static int count(void *ctx, const char *buf, size_t n)
{
	(void)buf;
	*(size_t *)ctx += n;
	return 0;
}

/* The limits read_member opens the archive with (0: the defaults). */
static unsigned long long limit_bytes, limit_ratio_from;

static int read_member(size_t *got)
{
	*got = 0;
	struct zipin *zi = zipin_open(path, "book.xlsx");
	assert_non_null(zi);
	zipin_set_limits(zi, limit_bytes, limit_ratio_from);
	int rc = zipin_read(zi, "m", count, got);
	zipin_close(zi);
	return rc;
}

static void absolute_limit(void **state)
{
	(void)state;
	size_t got;
	limit_bytes = 1000000, limit_ratio_from = 1000000000; /* 1 MB, the ratio rule out of reach */
	make_zip(900000, 1);
	assert_int_equal(read_member(&got), 0);
	assert_int_equal(got, 900000);
	make_zip(1100000, 1); /* incompressible: the ratio rule would not refuse it */
	assert_int_equal(read_member(&got), -1);
	assert_true(got <= 1000000);
}

static void ratio_limit(void **state)
{
	(void)state;
	size_t got;
	limit_bytes = 1000000000, limit_ratio_from = 500000; /* past 500 KB at more than 100 times */
	make_zip(450000, 0); /* a thousandfold, but under the size the ratio counts from */
	assert_int_equal(read_member(&got), 0);
	make_zip(2000000, 0); /* a thousandfold past 500 KB: refused */
	assert_int_equal(read_member(&got), -1);
	assert_true(got < 2000000);
	make_zip(2000000, 1); /* as large, but only 1 time its compressed size: read */
	assert_int_equal(read_member(&got), 0);
	assert_int_equal(got, 2000000);
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/test-zipin-%ld.zip", (long)getpid());
	diag_set_stream(fopen("/dev/null", "w"));
	const struct CMUnitTest tests[] = {cmocka_unit_test(absolute_limit),
	                                   cmocka_unit_test(ratio_limit)};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
