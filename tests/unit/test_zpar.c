/*
 * Unit tests: zpar's chunked parallel deflate. A stream cut into chunks, compressed by worker
 * threads (igzip, level 0, with a Huffman code made from the stream's first chunk) and ended by
 * a final block, inflates (with zlib, an independent decoder) to
 * exactly the bytes given, its CRC-32 is that of the whole, and the compressed bytes do not depend
 * on the number of threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "xlsx/xlsxzip.h"
#include "xlsx/zpar.h"

/* Text-like bytes: XML rows with numbers, compressible but not trivially. */
static unsigned char *sample(size_t n)
{
	unsigned char *d = malloc(n);
	uint32_t x = 7;
	size_t i = 0;
	while (i < n) {
		x = x * 1103515245u + 12345u;
		char row[64];
		int k = snprintf(row, sizeof row, "<row r=\"%u\"><c><v>%u</v></c></row>", x >> 20,
		                 (x >> 8) & 0xffff);
		for (int j = 0; j < k && i < n; j++)
			d[i++] = (unsigned char)row[j];
	}
	return d;
}

/* The stream's compressed bytes, read back from its file, followed by tail (a final block). */
static unsigned char *compressed(struct zpar *z, const unsigned char *tail, size_t tn, size_t *n)
{
	size_t k = (size_t)zpar_out_bytes(z);
	unsigned char *o = malloc(k + tn);
	assert_int_equal(pread(zpar_fd(z), o, k, 0), (ssize_t)k);
	memcpy(o + k, tail, tn);
	*n = k + tn;
	return o;
}

static unsigned char *inflate_all(const unsigned char *s, size_t n, size_t want)
{
	unsigned char *o = malloc(want + 1);
	z_stream zs = {0};
	assert_int_equal(inflateInit2(&zs, -15), Z_OK);
	zs.next_in = (unsigned char *)s;
	zs.avail_in = (uInt)n;
	zs.next_out = o;
	zs.avail_out = (uInt)want + 1;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, want);
	assert_int_equal(zs.avail_in, 0); /* the final block ends the input exactly */
	inflateEnd(&zs);
	return o;
}

/* Writes data through a stream of threads workers, in pieces of odd sizes. */
static struct zpar *run(struct zpar_pool *p, const unsigned char *data, size_t n)
{
	struct zpar *z = zpar_new(p, "/tmp");
	assert_non_null(z);
	size_t at = 0, step = 1;
	while (at < n) {
		size_t k = step < n - at ? step : n - at;
		zpar_put(z, data + at, k);
		at += k;
		step = step * 3 + 1;
		if (step > 3 * ZPAR_CHUNK)
			step = 17;
	}
	assert_int_equal(zpar_finish(z), 0);
	return z;
}

/* data through a stream of two workers, ended by a final block, inflates to data (its CRC-32
 * too); returns the stream's compressed length. */
static uint64_t round_trip(const unsigned char *data, size_t n)
{
	unsigned char *tail;
	size_t tn;
	assert_int_equal(zpar_deflate("", 0, 3, 1, &tail, &tn), 0);
	struct zpar_pool *p = zpar_pool_new(2);
	struct zpar *z = run(p, data, n);
	assert_int_equal(zpar_crc(z), (uint32_t)crc32_z(0, data, n));
	uint64_t out = zpar_out_bytes(z);
	size_t on;
	unsigned char *bytes = compressed(z, tail, tn, &on);
	unsigned char *back = inflate_all(bytes, on, n);
	assert_memory_equal(back, data, n);
	free(back);
	free(bytes);
	free(tail);
	zpar_free(z);
	zpar_pool_free(p);
	return out;
}

static void chunks_make_one_stream(void **state)
{
	(void)state;
	size_t n = 5 * ZPAR_CHUNK + 12345; /* several chunks and a partial one */
	unsigned char *data = sample(n);
	unsigned char *tail;
	size_t tn;
	assert_int_equal(zpar_deflate("</sheetData>", 12, 3, 1, &tail, &tn), 0);
	size_t outs[3];
	unsigned char *bytes[3];
	int threads[3] = {0, 1, 3};
	for (int t = 0; t < 3; t++) {
		struct zpar_pool *p = zpar_pool_new(threads[t]);
		struct zpar *z = run(p, data, n);
		assert_int_equal(zpar_in_bytes(z), n);
		assert_int_equal(zpar_crc(z), (uint32_t)crc32_z(0, data, n));
		assert_true(zpar_out_bytes(z) < n / 2); /* it did compress */
		bytes[t] = compressed(z, tail, tn, &outs[t]);
		unsigned char *back = inflate_all(bytes[t], outs[t], n + 12);
		assert_memory_equal(back, data, n);
		assert_memory_equal(back + n, "</sheetData>", 12);
		free(back);
		zpar_free(z);
		zpar_pool_free(p);
	}
	/* the same bytes whatever the number of threads */
	assert_int_equal(outs[0], outs[1]);
	assert_int_equal(outs[0], outs[2]);
	assert_memory_equal(bytes[0], bytes[1], outs[0]);
	assert_memory_equal(bytes[0], bytes[2], outs[0]);
	for (int t = 0; t < 3; t++)
		free(bytes[t]);
	free(tail);
	free(data);
}

static void head_rows_tail(void **state)
{
	(void)state;
	/* a head ending with a sync flush, an empty stream, and a tail: still one stream */
	unsigned char *head, *tail;
	size_t hn, tn;
	assert_int_equal(zpar_deflate("<sheetData>", 11, 3, 0, &head, &hn), 0);
	assert_int_equal(zpar_deflate("</sheetData>", 12, 3, 1, &tail, &tn), 0);
	struct zpar_pool *p = zpar_pool_new(2);
	struct zpar *z = run(p, (const unsigned char *)"", 0);
	assert_int_equal(zpar_in_bytes(z), 0);
	assert_int_equal(zpar_out_bytes(z), 0);
	size_t rn;
	unsigned char *rows = compressed(z, tail, tn, &rn);
	unsigned char *all = malloc(hn + rn);
	memcpy(all, head, hn);
	memcpy(all + hn, rows, rn);
	unsigned char *back = inflate_all(all, hn + rn, 23);
	assert_memory_equal(back, "<sheetData></sheetData>", 23);
	free(back);
	free(all);
	free(rows);
	free(head);
	free(tail);
	zpar_free(z);
	zpar_pool_free(p);
}

static void incompressible_chunks(void **state)
{
	(void)state;
	/* random bytes: igzip's output is larger than its input; every chunk must still end whole
	 * (the output buffer grows) and the stream inflate to the bytes given */
	size_t n = 2 * ZPAR_CHUNK + 999;
	unsigned char *data = malloc(n);
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (unsigned char)(x >> 24);
	}
	assert_true(round_trip(data, n) >= n); /* nothing to gain: stored or near it */
	free(data);
}

/* The stream's Huffman code is made from its first chunk; later chunks with bytes that chunk
 * never had (controls, bytes over 0x7f, long runs) are written with it all the same. */
static void code_from_first_chunk_serves_later_ones(void **state)
{
	(void)state;
	size_t n = 4 * ZPAR_CHUNK + 77;
	unsigned char *data = sample(n); /* ASCII XML only in the first chunk */
	for (size_t i = ZPAR_CHUNK; i < n; i++)
		if (i % 7 == 0 || (i / 4096) % 5 == 0)
			data[i] = (unsigned char)(i * 2654435761u >> 13);
	memset(data + 2 * ZPAR_CHUNK + 100, 0xff, 40000); /* a run of a byte never seen */
	round_trip(data, n);
	free(data);
}

/* A chunk's bytes depend on the chunk alone, not on what its compressor compressed before (which
 * worker takes which chunk varies from run to run): a short last chunk, after streams of other
 * bytes, compresses as it does after nothing. */
static void chunks_forget_earlier_ones(void **state)
{
	(void)state;
	size_t n = 2 * ZPAR_CHUNK;
	unsigned char *a = sample(n), *b = sample(n + 3000);
	unsigned char *tail = b + 3000; /* short streams of other bytes than a's */
	struct zpar_pool *fresh = zpar_pool_new(0), *used = zpar_pool_new(0);
	struct zpar *za = run(used, a, n);
	zpar_free(za);
	for (size_t len = 100; len <= 3000; len += 700) {
		struct zpar *z1 = run(fresh, tail, len), *z2 = run(used, tail, len);
		size_t n1, n2;
		unsigned char *o1 = compressed(z1, (const unsigned char *)"", 0, &n1);
		unsigned char *o2 = compressed(z2, (const unsigned char *)"", 0, &n2);
		assert_int_equal(n1, n2);
		assert_memory_equal(o1, o2, n1);
		free(o1);
		free(o2);
		zpar_free(z1);
		zpar_free(z2);
		za = run(used, a + len, n - len); /* other bytes again before the next */
		zpar_free(za);
	}
	zpar_pool_free(fresh);
	zpar_pool_free(used);
	free(a);
	free(b);
}

static void abandoned_stream(void **state)
{
	(void)state;
	/* freed without finishing, chunks still in flight: no leak, no hang (ASan, TSan) */
	size_t n = 3 * ZPAR_CHUNK;
	unsigned char *data = sample(n);
	struct zpar_pool *p = zpar_pool_new(2);
	struct zpar *z = zpar_new(p, "/tmp");
	assert_non_null(z);
	zpar_put(z, data, n);
	zpar_free(z);
	zpar_pool_free(p);
	free(data);
}

/* data written in place (zpar_fill_take, zpar_fill_put), in pieces put back at the lengths
 * the long sheets' rows give them (past a chunk: handed over), with a piece longer than a chunk
 * and its slack that grows the buffer: the same stream, byte for byte, as zpar_put's of it. */
static struct zpar *run_in_place(struct zpar_pool *p, const unsigned char *data, size_t n)
{
	struct zpar *z = zpar_new(p, "/tmp");
	assert_non_null(z);
	size_t len, cap, at = 0, step = 1;
	unsigned char *b = zpar_fill_take(z, &len, &cap);
	assert_int_equal(len, 0);
	assert_true(cap >= ZPAR_CHUNK + ZPAR_SLACK);
	while (at < n) {
		size_t k = step < n - at ? step : n - at;
		if (len + k > cap) { /* as the rows' buffer grows: realloc */
			cap = 2 * (len + k);
			b = realloc(b, cap);
			assert_non_null(b);
		}
		memcpy(b + len, data + at, k);
		len += k;
		at += k;
		step = step * 5 + 3;
		if (step > 3 * ZPAR_CHUNK)
			step = 29;
		if (len >= ZPAR_CHUNK) {
			zpar_fill_put(z, b, len, cap);
			b = zpar_fill_take(z, &len, &cap);
			assert_true(len < ZPAR_CHUNK);
		}
	}
	zpar_fill_put(z, b, len, cap);
	assert_int_equal(zpar_finish(z), 0);
	return z;
}

static void filled_in_place(void **state)
{
	(void)state;
	size_t n = 9 * ZPAR_CHUNK + 4321;
	unsigned char *data = sample(n);
	for (int threads = 0; threads <= 2; threads += 2) {
		struct zpar_pool *p = zpar_pool_new(threads);
		struct zpar *a = run(p, data, n), *b = run_in_place(p, data, n);
		assert_int_equal(zpar_in_bytes(b), n);
		assert_int_equal(zpar_in_bytes(a), n);
		assert_int_equal(zpar_crc(b), zpar_crc(a));
		size_t an, bn;
		unsigned char *ab = compressed(a, (const unsigned char *)"", 0, &an),
		              *bb = compressed(b, (const unsigned char *)"", 0, &bn);
		assert_int_equal(an, bn);
		assert_memory_equal(ab, bb, an);
		free(ab);
		free(bb);
		zpar_free(a);
		zpar_free(b);
		/* abandoned half-way: the buffer given back with nothing more, freed with the stream */
		struct zpar *c = zpar_new(p, "/tmp");
		size_t len, cap;
		unsigned char *buf = zpar_fill_take(c, &len, &cap);
		memcpy(buf, data, ZPAR_CHUNK + 10);
		zpar_fill_put(c, buf, ZPAR_CHUNK + 10, cap);
		buf = zpar_fill_take(c, &len, &cap);
		assert_int_equal(len, 10);
		assert_memory_equal(buf, data + ZPAR_CHUNK, 10);
		zpar_fill_put(c, buf, 0, cap);
		zpar_free(c);
		zpar_pool_free(p);
	}
	free(data);
}

/* The final zip is written without zip64 fields when it can be: 30 long sheets of 900 MB of
 * XML each, 1.3 GB compressed in all (10 M unique cases), fit; they did not while each sheet's
 * head and tail were counted at 64 MiB a side (3.8 GB for 30 sheets), and minizip wrote it. Past
 * 4 GB, of one entry or of the whole file, they do not. */
static void classic_zip_when_it_fits(void **state)
{
	(void)state;
	struct xlsxzip_size p[30];
	for (int i = 0; i < 30; i++)
		p[i] = (struct xlsxzip_size){.rows_in = 900000000, .rows_out = 43000000, .around = 9000};
	assert_true(xlsxzip_classic_fits(2000000, p, 30));
	assert_true(xlsxzip_classic_fits(2000000, p, 0));
	/* an entry's own XML reaching 4 GB with its head and tail */
	p[7].rows_in = 0xffffffffu - 9000;
	assert_false(xlsxzip_classic_fits(2000000, p, 30));
	p[7].rows_in = 0xffffffffu - 9200;
	assert_true(xlsxzip_classic_fits(2000000, p, 30));
	p[7].rows_in = 900000000;
	/* the whole file reaching 4 GB: libxlsxwriter's zip, or the rows compressed */
	assert_false(xlsxzip_classic_fits(0xffffffffu - 30 * 43000000, p, 30));
	p[29].rows_out = 3100000000u;
	assert_false(xlsxzip_classic_fits(2000000, p, 30));
	p[29].rows_out = 43000000;
	/* a head and tail counted at twice their size: 30 of 40 MB fit, 30 of 60 MB do not */
	for (int i = 0; i < 30; i++)
		p[i].around = 40000000;
	assert_true(xlsxzip_classic_fits(2000000, p, 30));
	for (int i = 0; i < 30; i++)
		p[i].around = 60000000;
	assert_false(xlsxzip_classic_fits(2000000, p, 30));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(chunks_make_one_stream),
	    cmocka_unit_test(head_rows_tail),
	    cmocka_unit_test(incompressible_chunks),
	    cmocka_unit_test(chunks_forget_earlier_ones),
	    cmocka_unit_test(code_from_first_chunk_serves_later_ones),
	    cmocka_unit_test(abandoned_stream),
	    cmocka_unit_test(filled_in_place),
	    cmocka_unit_test(classic_zip_when_it_fits),
	};
	return cmocka_run_group_tests_name("test_zpar", tests, NULL, NULL);
}
