/* xmem: allocation that never returns NULL; out of memory is fatal here, once. */
#ifndef BP_XMEM_H
#define BP_XMEM_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/* Like realloc(p, n * size), checking the multiplication for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
