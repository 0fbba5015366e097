/* xmem: allocation that never returns NULL; out of memory is fatal here, once. */
#ifndef BP_XMEM_H
#define BP_XMEM_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* Like realloc(p, n * size), checking the multiplication for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
/*
 * Room for element n of array p (elements of size bytes) that grows one element at a time and
 * keeps no capacity: the capacity is 1,024, doubled each time n reaches a power of two from
 * 1,024 on. Call before storing element n; returns p, perhaps moved. A count that goes back
 * down is safe: reaching a power of two again sets the capacity again.
 */
void *xgrow(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/*
 * Memory read at random (hash tables, per-case arrays): from 2 MiB on, the kernel is asked to
 * back it with huge pages (transparent huge pages, where the system gives them on request), since
 * at millions of cases a miss in the TLB costs as much as one in the cache. xmalloc_huge
 * allocates n bytes (not zeroed; freed with free); xmem_huge advises the whole 2 MiB pages inside
 * [p, p + n) of memory already allocated (after growing an array).
 */
void *xmalloc_huge(size_t n);
void xmem_huge(void *p, size_t n);
/* n zeroed bytes, as xmalloc_huge, mapped afresh (the system's zero pages, not zeroed again
 * here); freed with xfree_huge(p, n) and the same n. */
void *xcalloc_huge(size_t n);
void xfree_huge(void *p, size_t n);
/* printf into a fresh string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
