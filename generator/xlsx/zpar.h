/*
 * zpar: a long stream compressed as raw deflate, in chunks, by worker
 * threads, into a temporary file.
 *
 * Each chunk is compressed on its own by ISA-L's igzip (libisal) at its
 * level 0, with one Huffman code per stream made from the stream's first
 * chunk (every symbol has a code, so any later chunk can be written with it),
 * and ends with a sync flush (an empty stored block, byte-aligned, not final),
 * so the chunks written one after another are one valid deflate stream that
 * the caller ends with a final block (zpar_deflate with final 1, zlib's). The
 * output depends only on the bytes (and the library), never on the number of
 * threads: a build is byte-identical on one core or eight. Used for the
 * workbook's long sheets (longrows.c, xlsxzip.c).
 *
 * Why level 0: igzip's levels 1 and 2 gave, for the same chunk, a different
 * (valid) parse in a few runs in a hundred of the whole program on this
 * project's machines, so two builds of one pack were not always byte-identical
 * (docs/decisions.md); level 0 with the stream's own code compresses this XML
 * as small and as fast, and gave identical bytes in every run.
 */
#ifndef BP_ZPAR_H
#define BP_ZPAR_H
#include <stddef.h>
#include <stdint.h>

#define ZPAR_CHUNK (512u * 1024u) /* bytes of input a chunk holds before it is handed over */
#define ZPAR_SLACK (64u * 1024u)  /* bytes a chunk's buffer has past it (zpar_fill_take) */

struct zpar_pool; /* the worker threads, shared by the streams of one workbook */
struct zpar;      /* one stream: one sheet's rows */

/* threads 0: every chunk compressed by the thread that fills it. */
struct zpar_pool *zpar_pool_new(int threads);
void zpar_pool_free(struct zpar_pool *p);
/* The pool's worker threads. With any, streams may be filled on several threads at once (one
 * thread a stream); with none, on one thread only (the pool's one inline compressor). */
int zpar_pool_threads(const struct zpar_pool *p);
/* Worker threads worth starting here: the CPUs this process may run on, at most 4; 0 on one. */
int zpar_threads(void);

/* A stream whose compressed bytes go to a new unlinked temporary file in dir. NULL (errno set) if
 * the file cannot be made. */
struct zpar *zpar_new(struct zpar_pool *p, const char *dir);

/* Appends n bytes (any length; chunks are cut anywhere, deflate does not mind): a copy into
 * the chunk's buffer (zpar_fill_take, zpar_fill_put). */
void zpar_put(struct zpar *z, const void *s, size_t n);

/*
 * The chunk being filled, to write into in place rather than through zpar_put's copy: its
 * buffer of *cap bytes, the first *len of them already put. The caller may write past
 * ZPAR_CHUNK (at least ZPAR_SLACK bytes are there) and may grow the buffer with realloc; it gives
 * the buffer back with zpar_fill_put before any other call on z. The chunks are cut at
 * ZPAR_CHUNK bytes whatever the lengths given back, so the stream depends on its bytes only.
 */
unsigned char *zpar_fill_take(struct zpar *z, size_t *len, size_t *cap);
/* The buffer taken back holding len bytes (len 0: nothing more put), its size cap: every full
 * chunk of them handed over, the rest kept in the next chunk's buffer. */
void zpar_fill_put(struct zpar *z, unsigned char *buf, size_t len, size_t cap);
/* Flushes every chunk and waits for them. Returns 0, or an errno value (the first write that
 * failed). */
int zpar_finish(struct zpar *z);

/* After zpar_finish: the stream's uncompressed length and CRC-32, its compressed length, and
 * the file (positioned anywhere: read it with pread from 0). */
uint64_t zpar_in_bytes(const struct zpar *z);
uint32_t zpar_crc(const struct zpar *z);
uint64_t zpar_out_bytes(const struct zpar *z);
int zpar_fd(const struct zpar *z);
void zpar_free(struct zpar *z);

/*
 * Compresses n bytes of s at level as raw deflate into *out (malloc'd, *outlen bytes), ending
 * with a sync flush (final 0) or the final block (final 1). For the parts around a stream (a
 * sheet's head and tail). Returns 0 or -1 (out of memory).
 */
int zpar_deflate(const void *s, size_t n, int level, int final, unsigned char **out,
                 size_t *outlen);

#endif
