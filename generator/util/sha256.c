#include "util/sha256.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_X86 1
#endif

/* The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
		              K[t] + w[t];
		uint32_t t2 =
		    (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

#ifdef SHA256_X86
/* The CPU has the SHA extensions (CPUID leaf 7: EBX bit 29) and SSSE3 and SSE4.1 (leaf 1: ECX
 * bits 9 and 19), which the blocks below use. */
static bool cpu_has_sha(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}

/*
 * n blocks with the SHA extensions: two rounds an instruction (sha256rnds2), the message
 * schedule four words at a time (sha256msg1 and sha256msg2). The state is kept as the
 * instructions want it, (A, B, E, F) and (C, D, G, H), and put back in order at the end.
 * Some eight times the speed of compress() above; equal digests (tests/unit/test_pack.c).
 */
__attribute__((target("sha,ssse3,sse4.1"))) static void blocks_sha(uint32_t h[8],
                                                                   const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
	for (; n; n--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh, m[4];
		for (int i = 0; i < 4; i++)
			m[i] = _mm_shuffle_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
		for (int g = 0; g < 16; g++) {
			if (g >=
			    4) { /* W[t-16] + s0(W[t-15]) + W[t-7] + s1(W[t-2]), four at a time */
				__m128i x = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
				x = _mm_add_epi32(
				    x, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
				m[g & 3] = _mm_sha256msg2_epu32(x, m[(g + 3) & 3]);
			}
			__m128i wk = _mm_add_epi32(
			    m[g & 3], _mm_loadu_si128((const __m128i *)(const void *)&K[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)(void *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)(void *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

/* n whole blocks from p, with the SHA extensions unless s->portable. */
static void blocks(struct sha256 *s, const unsigned char *p, size_t n)
{
#ifdef SHA256_X86
	if (!s->portable) {
		blocks_sha(s->h, p, n);
		return;
	}
#endif
	for (; n; n--, p += 64)
		compress(s->h, p);
}

void sha256_init(struct sha256 *s)
{
	/* The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(s->h, h0, sizeof h0);
	s->bytes = 0;
	s->used = 0;
#ifdef SHA256_X86
	static int has = -1; /* the same answer in every thread; a race writes it twice */
	if (__atomic_load_n(&has, __ATOMIC_RELAXED) < 0)
		__atomic_store_n(&has, cpu_has_sha(), __ATOMIC_RELAXED);
	s->portable = !__atomic_load_n(&has, __ATOMIC_RELAXED);
#else
	s->portable = true;
#endif
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->bytes += len;
	while (len > 0) {
		if (s->used == 0 && len >= 64) { /* whole blocks straight from the data */
			size_t n = len / 64;
			blocks(s, p, n);
			p += 64 * n;
			len -= 64 * n;
			continue;
		}
		size_t n = 64 - s->used < len ? 64 - s->used : len;
		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == 64) {
			blocks(s, s->block, 1);
			s->used = 0;
		}
	}
}

void sha256_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->bytes * 8;
	unsigned char pad[72] = {0x80};
	size_t padlen = (s->used < 56 ? 56 : 120) - s->used;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

int sha256_file(const char *path, char hex[65], uint64_t *size)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return -1;
	struct sha256 s;
	sha256_init(&s);
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sha256_update(&s, buf, n);
	int bad = ferror(fp);
	fclose(fp);
	if (bad)
		return -1;
	*size = s.bytes;
	sha256_final(&s, hex);
	return 0;
}

/*
 * Adds fd's bytes from *at up to byte to (UINT64_MAX: to the file's end) to s, read into buf
 * (cap bytes) with pread; *at is where it got to. Returns 0, or -1 when a read failed or the
 * file ended before byte to.
 */
static int hash_range(struct sha256 *s, int fd, uint64_t *at, uint64_t to, unsigned char *buf,
                      size_t cap)
{
	while (*at < to) {
		size_t want = to - *at < cap ? (size_t)(to - *at) : cap;
		ssize_t n = pread(fd, buf, want, (off_t)*at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return to == UINT64_MAX ? 0 : -1;
		sha256_update(s, buf, (size_t)n);
		*at += (uint64_t)n;
	}
	return 0;
}

int sha256_fd(int fd, char hex[65], uint64_t *size)
{
	struct sha256 s;
	sha256_init(&s);
	unsigned char buf[65536];
	uint64_t at = 0;
	if (hash_range(&s, fd, &at, UINT64_MAX, buf, sizeof buf) != 0)
		return -1;
	*size = s.bytes;
	sha256_final(&s, hex);
	return 0;
}

/* The follower's thread: reads what is written, 1 MiB at a time, until the writer is done. */
static void *follow(void *arg)
{
	struct sha256_follow *f = arg;
	enum { PIECE = 1 << 20 };
	unsigned char *buf = malloc(PIECE);
	uint64_t at = 0;
	bool failed = !buf;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		while (f->written == at && !f->done)
			pthread_cond_wait(&f->cond, &f->lock);
		uint64_t to = f->written;
		bool done = f->done;
		pthread_mutex_unlock(&f->lock);
		if (!failed)
			failed = hash_range(&f->s, f->fd, &at, to, buf, PIECE) != 0;
		if (failed || done)
			break;
	}
	free(buf);
	pthread_mutex_lock(&f->lock);
	f->failed = failed;
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int sha256_follow_start(struct sha256_follow *f, int fd)
{
	*f = (struct sha256_follow){.fd = fd};
	sha256_init(&f->s);
	if (pthread_mutex_init(&f->lock, NULL) != 0)
		return -1;
	if (pthread_cond_init(&f->cond, NULL) != 0) {
		pthread_mutex_destroy(&f->lock);
		return -1;
	}
	if (pthread_create(&f->thread, NULL, follow, f) != 0) {
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
		return -1;
	}
	return 0;
}

void sha256_follow_written(struct sha256_follow *f, uint64_t written)
{
	pthread_mutex_lock(&f->lock);
	if (written > f->written) {
		f->written = written;
		pthread_cond_signal(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
}

int sha256_follow_end(struct sha256_follow *f, char hex[65], uint64_t *size)
{
	pthread_mutex_lock(&f->lock);
	f->done = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	bool failed = f->failed;
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	if (failed)
		return -1;
	*size = f->s.bytes;
	sha256_final(&f->s, hex);
	return 0;
}
