#define _GNU_SOURCE /* sched_getaffinity */
#include "xlsx/zpar.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "util/xmem.h"

#define DEPTH 6 /* chunks of one stream in flight at most */

struct job {
	unsigned char *in, *out;
	const struct isal_hufftables *code; /* its stream's Huffman code; NULL: igzip's default */
	size_t inlen, outlen, outcap;
	size_t incap; /* in's bytes: a chunk's and ZPAR_SLACK, or more (zpar_fill_put) */
	uLong crc;
	bool done;        /* under the pool's lock */
	int err;          /* Z_MEM_ERROR or Z_STREAM_ERROR from the worker; 0 when it went well */
	struct job *next; /* in the pool's queue */
};

struct zpar_pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *head, *tail;
	bool stop;
	int nthreads;
	pthread_t *threads;
	struct isal_zstream
	    inline_zs; /* with no threads (a worker's is on its stack: some 80 KB) */
};

struct zpar {
	struct zpar_pool *pool;
	int fd;
	struct job ring[DEPTH];
	int first, count;            /* the jobs in flight: ring[first], ... (count of them) */
	struct job *fill;            /* the chunk being filled (not in flight) */
	struct isal_hufftables code; /* made from the first chunk, for every chunk */
	bool have_code, own_code;
	uint64_t in_bytes, out_bytes;
	uLong crc;
	int err;
};

static int init_stream(z_stream *zs, int level)
{
	memset(zs, 0, sizeof *zs);
	return deflateInit2(zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

/* Makes room for need more bytes of output after j->outlen. */
static bool room_for(struct job *j, size_t need)
{
	if (j->outcap - j->outlen >= need)
		return true;
	size_t cap = j->outlen + need;
	unsigned char *o = realloc(j->out, cap);
	if (!o)
		return false;
	j->out = o;
	j->outcap = cap;
	return true;
}

/*
 * Compresses j->in into j->out, on its own (no history of the chunks before), with its stream's
 * Huffman code, ending with a sync flush: igzip's level 0, some four times zlib's speed at level
 * 3 on the sheets' XML for about a tenth more bytes (docs/benchmarks.md). The CRC-32 is igzip's
 * too (zip's and gzip's are one polynomial).
 */
static void compress_job(struct isal_zstream *zs, struct job *j)
{
	j->crc = crc32_gzip_refl(0, j->in, j->inlen);
	j->outlen = 0;
	/* isal_deflate_init leaves most of the stream as it was (its buffers), and a worker's
	 * stream starts on its stack: every chunk starts from the same zeroed state, whichever
	 * worker takes it (the bytes must not depend on that; tests/unit/test_zpar.c). */
	memset(zs, 0, sizeof *zs);
	isal_deflate_init(zs);
	zs->level = 0;
	if (j->code)
		zs->hufftables = (struct isal_hufftables *)j->code;
	zs->gzip_flag = IGZIP_DEFLATE;
	zs->flush = SYNC_FLUSH;
	zs->end_of_stream = 0;
	zs->next_in = j->in;
	zs->avail_in = (uint32_t)j->inlen;
	/* Stored blocks bound the output: 5 bytes a 64 KiB block, and the flush. */
	size_t need = j->inlen + j->inlen / 1024 + 256;
	do {
		if (!room_for(j, need)) {
			j->err = Z_MEM_ERROR;
			return;
		}
		zs->next_out = j->out + j->outlen;
		/* exactly the room asked for, not what the buffer happens to have from an earlier
		 * chunk: nothing of the output may depend on the buffer's history */
		zs->avail_out = (uint32_t)need;
		if (isal_deflate(zs) != COMP_OK) {
			j->err = Z_STREAM_ERROR;
			return;
		}
		j->outlen = (size_t)(zs->next_out - j->out);
		need = 64 * 1024; /* more than the bound: grow and go on */
	} while (zs->avail_in || zs->internal_state.state != ZSTATE_NEW_HDR);
	j->err = 0;
}

static void *worker(void *arg)
{
	struct zpar_pool *p = arg;
	struct isal_zstream zs;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->head)
			break;
		struct job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);
		compress_job(&zs, j);
		pthread_mutex_lock(&p->mu);
		j->done = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int zpar_threads(void)
{
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	return n <= 1 ? 0 : n > 4 ? 4 : n;
}

struct zpar_pool *zpar_pool_new(int threads)
{
	struct zpar_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->threads = xcalloc(threads > 0 ? (size_t)threads : 1, sizeof *p->threads);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
			break; /* fewer threads (none: compressed inline) */
		p->nthreads++;
	}
	return p;
}

int zpar_pool_threads(const struct zpar_pool *p)
{
	return p ? p->nthreads : 0;
}

void zpar_pool_free(struct zpar_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}

struct zpar *zpar_new(struct zpar_pool *p, const char *dir)
{
	char *name = xasprintf("%s/.rows.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(name);
	int e = errno;
	if (fd >= 0)
		unlink(name); /* nothing to remove later, whatever happens */
	free(name);
	if (fd < 0) {
		errno = e;
		return NULL;
	}
	struct zpar *z = xcalloc(1, sizeof *z);
	z->pool = p;
	z->fd = fd;
	z->crc = crc32_z(0, NULL, 0);
	for (int i = 0; i < DEPTH; i++) {
		z->ring[i].incap = ZPAR_CHUNK + ZPAR_SLACK;
		z->ring[i].in = xmalloc(z->ring[i].incap);
	}
	z->fill = &z->ring[0];
	return z;
}

static void write_all(struct zpar *z, const unsigned char *s, size_t n)
{
	while (n && !z->err) {
		ssize_t w = write(z->fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			z->err = w < 0 ? errno : ENOSPC;
			break;
		}
		s += w;
		n -= (size_t)w;
		z->out_bytes += (uint64_t)w;
	}
}

/* Waits for the oldest chunk in flight and writes it out. */
static void retire(struct zpar *z)
{
	struct job *j = &z->ring[z->first];
	if (z->pool->nthreads) {
		pthread_mutex_lock(&z->pool->mu);
		while (!j->done)
			pthread_cond_wait(&z->pool->done, &z->pool->mu);
		pthread_mutex_unlock(&z->pool->mu);
	}
	if (j->err && !z->err)
		z->err = ENOMEM;
	write_all(z, j->out, j->outlen);
	z->crc = crc32_combine(z->crc, j->crc, (z_off_t)j->inlen);
	z->first = (z->first + 1) % DEPTH;
	z->count--;
}

/* Hands the filled chunk over and takes the next free one. */
static void submit(struct zpar *z)
{
	struct job *j = z->fill;
	if (!j->inlen)
		return;
	if (!z->have_code) { /* every symbol gets a code, so it serves any later chunk */
		struct isal_huff_histogram h;
		memset(&h, 0, sizeof h);
		isal_update_histogram(j->in, (int)j->inlen, &h);
		z->own_code = isal_create_hufftables(&z->code, &h) == 0; /* else igzip's default */
		z->have_code = true;
	}
	j->code = z->own_code ? &z->code : NULL;
	z->in_bytes += j->inlen;
	j->done = false;
	j->err = 0;
	z->count++;
	if (z->pool->nthreads) {
		j->next = NULL;
		pthread_mutex_lock(&z->pool->mu);
		if (z->pool->tail)
			z->pool->tail->next = j;
		else
			z->pool->head = j;
		z->pool->tail = j;
		pthread_cond_signal(&z->pool->work);
		pthread_mutex_unlock(&z->pool->mu);
	} else {
		compress_job(&z->pool->inline_zs, j);
		j->done = true;
	}
	if (z->count == DEPTH)
		retire(z);
	z->fill = &z->ring[(z->first + z->count) % DEPTH];
	z->fill->inlen = 0;
}

unsigned char *zpar_fill_take(struct zpar *z, size_t *len, size_t *cap)
{
	*len = z->fill->inlen;
	*cap = z->fill->incap;
	return z->fill->in;
}

void zpar_fill_put(struct zpar *z, unsigned char *buf, size_t len, size_t cap)
{
	struct job *j = z->fill;
	j->in = buf;
	j->incap = cap;
	j->inlen = len;
	while (j->inlen >= ZPAR_CHUNK) {
		/* the bytes past the chunk go to the next chunk's buffer, once the chunk is handed
		 * over (the next buffer is free only then; this one is then only read, by both) */
		size_t rest = j->inlen - ZPAR_CHUNK;
		j->inlen = ZPAR_CHUNK;
		submit(z);
		struct job *next = z->fill;
		if (next->incap < rest + ZPAR_SLACK) {
			free(next->in);
			next->incap = rest + ZPAR_SLACK;
			next->in = xmalloc(next->incap);
		}
		memcpy(next->in, j->in + ZPAR_CHUNK, rest);
		next->inlen = rest;
		j = next;
	}
}

void zpar_put(struct zpar *z, const void *s, size_t n)
{
	size_t len, cap;
	unsigned char *b = zpar_fill_take(z, &len, &cap);
	if (cap - len < n)
		b = xreallocarray(b, cap = len + n + ZPAR_SLACK, 1);
	memcpy(b + len, s, n);
	zpar_fill_put(z, b, len + n, cap);
}

int zpar_finish(struct zpar *z)
{
	submit(z);
	while (z->count)
		retire(z);
	return z->err;
}

uint64_t zpar_in_bytes(const struct zpar *z)
{
	return z->in_bytes;
}

uint32_t zpar_crc(const struct zpar *z)
{
	return (uint32_t)z->crc;
}

uint64_t zpar_out_bytes(const struct zpar *z)
{
	return z->out_bytes;
}

int zpar_fd(const struct zpar *z)
{
	return z->fd;
}

void zpar_free(struct zpar *z)
{
	if (!z)
		return;
	while (z->count) /* a stream abandoned half-way: its chunks may still be compressing */
		retire(z);
	for (int i = 0; i < DEPTH; i++) {
		free(z->ring[i].in);
		free(z->ring[i].out);
	}
	close(z->fd);
	free(z);
}

int zpar_deflate(const void *s, size_t n, int level, int final, unsigned char **out, size_t *outlen)
{
	z_stream zs;
	*out = NULL;
	*outlen = 0;
	if (init_stream(&zs, level) != Z_OK)
		return -1;
	size_t cap = deflateBound(&zs, (uLong)n) + 64;
	unsigned char *o = malloc(cap);
	if (!o) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (unsigned char *)s;
	zs.avail_in = (uInt)n;
	zs.next_out = o;
	zs.avail_out = (uInt)cap;
	int r = deflate(&zs, final ? Z_FINISH : Z_SYNC_FLUSH);
	bool ok = final ? r == Z_STREAM_END : (r == Z_OK && zs.avail_in == 0);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	if (!ok) {
		free(o);
		return -1;
	}
	*out = o;
	return 0;
}
