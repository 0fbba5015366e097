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
#include <zlib.h>

#include "util/xmem.h"

#define DEPTH 6 /* chunks of one stream in flight at most */

struct job {
	unsigned char *in, *out;
	size_t inlen, outlen, outcap;
	uLong crc;
	bool done; /* under the pool's lock */
	int err;   /* Z_MEM_ERROR... from the worker; 0 when it went well */
	struct job *next; /* in the pool's queue */
};

struct zpar_pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *head, *tail;
	bool stop;
	int level;
	int nthreads;
	pthread_t *threads;
	z_stream inline_zs; /* with no threads */
	bool inline_ok;
};

struct zpar {
	struct zpar_pool *pool;
	int fd;
	struct job ring[DEPTH];
	int first, count; /* the jobs in flight: ring[first], ... (count of them) */
	struct job *fill; /* the chunk being filled (not in flight) */
	uint64_t in_bytes, out_bytes;
	uLong crc;
	int err;
};

static int init_stream(z_stream *zs, int level)
{
	memset(zs, 0, sizeof *zs);
	return deflateInit2(zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

/* Compresses j->in into j->out with zs (reset first), ending with a sync flush. */
static void compress_job(z_stream *zs, struct job *j)
{
	j->crc = crc32_z(0, j->in, j->inlen);
	size_t need = deflateBound(zs, (uLong)j->inlen) + 64;
	if (j->outcap < need) {
		free(j->out);
		j->out = malloc(need);
		j->outcap = j->out ? need : 0;
		if (!j->out) {
			j->err = Z_MEM_ERROR;
			return;
		}
	}
	deflateReset(zs);
	zs->next_in = j->in;
	zs->avail_in = (uInt)j->inlen;
	zs->next_out = j->out;
	zs->avail_out = (uInt)j->outcap;
	int r = deflate(zs, Z_SYNC_FLUSH);
	j->outlen = j->outcap - zs->avail_out;
	j->err = (r == Z_OK || r == Z_BUF_ERROR) && zs->avail_in == 0 && zs->avail_out > 0
	             ? 0
	             : Z_STREAM_ERROR;
}

static void *worker(void *arg)
{
	struct zpar_pool *p = arg;
	z_stream zs;
	bool ok = init_stream(&zs, p->level) == Z_OK;
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
		if (ok)
			compress_job(&zs, j);
		else
			j->err = Z_MEM_ERROR;
		pthread_mutex_lock(&p->mu);
		j->done = true;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	if (ok)
		deflateEnd(&zs);
	return NULL;
}

int zpar_threads(void)
{
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	return n <= 1 ? 0 : n > 4 ? 4 : n;
}

struct zpar_pool *zpar_pool_new(int threads, int level)
{
	struct zpar_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->level = level;
	p->threads = xcalloc(threads > 0 ? (size_t)threads : 1, sizeof *p->threads);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
			break; /* fewer threads (none: compressed inline) */
		p->nthreads++;
	}
	p->inline_ok = init_stream(&p->inline_zs, level) == Z_OK;
	return p;
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
	if (p->inline_ok)
		deflateEnd(&p->inline_zs);
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
	for (int i = 0; i < DEPTH; i++)
		z->ring[i].in = xmalloc(ZPAR_CHUNK);
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
	} else if (z->pool->inline_ok) {
		compress_job(&z->pool->inline_zs, j);
		j->done = true;
	} else {
		j->err = Z_MEM_ERROR;
		j->done = true;
	}
	if (z->count == DEPTH)
		retire(z);
	z->fill = &z->ring[(z->first + z->count) % DEPTH];
	z->fill->inlen = 0;
}

void zpar_put(struct zpar *z, const void *s, size_t n)
{
	const unsigned char *p = s;
	z->in_bytes += n;
	while (n) {
		size_t room = ZPAR_CHUNK - z->fill->inlen;
		size_t k = n < room ? n : room;
		memcpy(z->fill->in + z->fill->inlen, p, k);
		z->fill->inlen += k;
		p += k;
		n -= k;
		if (z->fill->inlen == ZPAR_CHUNK)
			submit(z);
	}
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

int zpar_deflate(const void *s, size_t n, int level, int final, unsigned char **out,
                 size_t *outlen)
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
