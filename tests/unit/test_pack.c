/* Unit tests: SHA-256 against the FIPS 180-4 examples (and worked out as a file is written), and
 * region names made into file names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/slug.h"
#include "util/sha256.h"

static bool portable; /* digest() uses the portable code, not the SHA extensions */

static void digest(const char *data, size_t len, size_t chunk, char hex[65])
{
	struct sha256 s;
	sha256_init(&s);
	if (portable)
		s.portable = true;
	for (size_t at = 0; at < len; at += chunk)
		sha256_update(&s, data + at, len - at < chunk ? len - at : chunk);
	sha256_final(&s, hex);
}

static void sha256_fips_examples_run(void)
{
	char hex[65];
	digest("abc", 3, 3, hex);
	assert_string_equal(hex,
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest("", 0, 1, hex);
	assert_string_equal(hex,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: padding spills
	                                                                 */
	digest(two, strlen(two), 7, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void sha256_million_a_run(void)
{
	size_t n = 1000000;
	char *a = malloc(n);
	assert_non_null(a);
	memset(a, 'a', n);
	const size_t chunks[] = {1, 63, 64, 65, 1000, 1000000};
	for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
		char hex[65];
		digest(a, n, chunks[i], hex);
		assert_string_equal(
		    hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(a);
}

/* run by the SHA extensions' path (where the CPU has them), then by the portable one. */
static void on_both_paths(void (*run)(void))
{
	for (int k = 0; k < 2; k++) {
		portable = k;
		run();
	}
	portable = false;
}

/* The FIPS examples and a million 'a's, by both paths. */
static void sha256_fips_examples(void **state)
{
	(void)state;
	on_both_paths(sha256_fips_examples_run);
}

static void sha256_million_a(void **state)
{
	(void)state;
	on_both_paths(sha256_million_a_run);
}

/* Where /proc/cpuinfo lists sha_ni, sha256_init chooses the SHA extensions (so the tests above
 * do test them), and on every length from 0 to 700 bytes, fed in pieces of every size from 1 to
 * 130, both paths give one digest. */
static void sha256_paths_agree(void **state)
{
	(void)state;
	FILE *fp = fopen("/proc/cpuinfo", "r");
	bool has_sha = false;
	char line[4096];
	while (fp && fgets(line, sizeof line, fp))
		if (strncmp(line, "flags", 5) == 0 && strstr(line, " sha_ni"))
			has_sha = true;
	if (fp)
		fclose(fp);
	struct sha256 s;
	sha256_init(&s);
#if defined(__x86_64__)
	assert_int_equal(s.portable, !has_sha);
#else
	(void)has_sha;
	assert_true(s.portable);
#endif
	unsigned char data[700];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof data; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (unsigned char)(x >> 24);
	}
	for (size_t len = 0; len <= sizeof data; len += len < 200 ? 1 : 37)
		for (size_t chunk = 1; chunk <= 130; chunk += chunk < 10 ? 1 : 29) {
			char a[65], b[65];
			portable = true;
			digest((const char *)data, len, chunk, a);
			portable = false;
			digest((const char *)data, len, chunk, b);
			if (strcmp(a, b) != 0)
				fail_msg("length %zu in pieces of %zu: portable %s, accelerated %s",
				         len, chunk, a, b);
		}
}

/*
 * sha256_follow: the digest of a file written in pieces of many sizes (one written whole, before
 * the follower is told, and pieces told of one by one, with a pause now and then so that the
 * follower catches up and waits) is the file's digest, however far behind the follower is; an
 * empty file gives the empty string's; a descriptor it cannot read from gives no digest.
 */
static void sha256_follows_a_writer(void **state)
{
	(void)state;
	char path[] = "/tmp/bp-follow-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	size_t len = (5u << 20) + 12345;
	unsigned char *data = malloc(len);
	assert_non_null(data);
	uint32_t x = 7;
	for (size_t i = 0; i < len; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (unsigned char)(x >> 24);
	}
	struct sha256_follow f;
	assert_int_equal(sha256_follow_start(&f, fd), 0);
	size_t at = 0, piece = 1;
	for (int k = 0; at < len; k++) {
		size_t n = len - at < piece ? len - at : piece;
		assert_int_equal(write(fd, data + at, n), (ssize_t)n);
		at += n;
		if (k % 3)
			sha256_follow_written(&f, at);
		if (k % 7 == 0)
			usleep(2000);
		piece = piece * 3 + 1; /* 1, 4, 13, 40, ... bytes, then from 1 again */
		if (piece > (1u << 20))
			piece = 1;
	}
	sha256_follow_written(&f, at);
	char got[65], want[65];
	uint64_t size = 0;
	assert_int_equal(sha256_follow_end(&f, got, &size), 0);
	digest((const char *)data, len, len, want);
	assert_string_equal(got, want);
	assert_int_equal(size, len);

	/* nothing written */
	char path2[] = "/tmp/bp-follow-XXXXXX";
	int empty = mkstemp(path2);
	assert_true(empty >= 0);
	unlink(path2);
	assert_int_equal(sha256_follow_start(&f, empty), 0);
	assert_int_equal(sha256_follow_end(&f, got, &size), 0);
	assert_string_equal(got,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(size, 0);
	close(empty);

	/* a descriptor only open for writing: the follower cannot read it */
	int wo = open("/dev/null", O_WRONLY);
	assert_true(wo >= 0);
	assert_int_equal(sha256_follow_start(&f, wo), 0);
	sha256_follow_written(&f, 10);
	assert_int_equal(sha256_follow_end(&f, got, &size), -1);
	close(wo);
	close(fd);
	free(data);
}

static void slug_is(const char *name, const char *want)
{
	char *got = slug_file(name);
	if (strcmp(got, want) != 0)
		fail_msg("slug_file(\"%s\") = \"%s\", expected \"%s\"", name, got, want);
	free(got);
}

static void slugs(void **state)
{
	(void)state;
	slug_is("Île-de-France", "ile-de-france");
	slug_is("North  West", "north-west");
	slug_is("../../etc/passwd", "etc-passwd");
	slug_is("..", "region");
	slug_is("", "region");
	slug_is("a/b\\c", "a-b-c");
	slug_is("x\x01y\ttab\nline", "x-y-tab-line");
	slug_is("Zürich Straße", "zurich-strasse");
	slug_is("Øresund Æble Œuvre Ĳssel Łódź", "oresund-aeble-oeuvre-ijssel-lodz");
	slug_is("Москва", "moskva");
	slug_is("Щёлково Объединённая", "shchelkovo-obedinennaya");
	slug_is("Київ", "kiiv");
	slug_is("Αθήνα", "athina");
	slug_is("Θεσσαλονίκη", "thessaloniki");
	slug_is("北京", "region");
	slug_is("Region 7 – Süd", "region-7-sud");
	slug_is("\xff\xfe broken \xc3", "broken");
	char long_name[501];
	memset(long_name, 'R', 500);
	long_name[500] = '\0';
	slug_is(long_name, "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr");
	/* cut at 60 characters, never ending in a hyphen */
	slug_is("abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcd efgh",
	        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcd");
}

/* Deflates data with deflateInit2 at the given level into out; returns the compressed size. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sha256_fips_examples),
	    cmocka_unit_test(sha256_million_a),
	    cmocka_unit_test(sha256_paths_agree),
	    cmocka_unit_test(sha256_follows_a_writer),
	    cmocka_unit_test(slugs),
	};
	return cmocka_run_group_tests_name("test_pack", tests, NULL, NULL);
}
