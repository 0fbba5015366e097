#include "util/xmem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void oom(size_t n)
{
	/* diag.c may itself need memory; print directly, once. */
	fprintf(stderr, "boardpack: fatal: out of memory (asked for %zu bytes)\n", n);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom(SIZE_MAX);
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (!q)
		oom(n * size);
	return q;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xmalloc_huge(size_t n)
{
	void *p = NULL;
	if (n < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, n) != 0)
		return xmalloc(n);
	(void)madvise(p, n, MADV_HUGEPAGE); /* advice only: without it, ordinary pages */
	return p;
}

void xmem_huge(void *p, size_t n)
{
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

void *xcalloc_huge(size_t n)
{
	if (n < HUGE_PAGE)
		return xcalloc(n, 1);
	/* mapped one huge page larger, then trimmed to a 2 MiB boundary on both sides */
	size_t len = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	char *p =
	    mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		oom(n);
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	size_t head = a - (uintptr_t)p;
	if (head)
		munmap(p, head);
	if (HUGE_PAGE - head)
		munmap((char *)a + len, HUGE_PAGE - head);
	(void)madvise((void *)a, len, MADV_HUGEPAGE);
	return (void *)a;
}

void xfree_huge(void *p, size_t n)
{
	if (n < HUGE_PAGE) {
		free(p);
		return;
	}
	if (p)
		munmap(p, (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

void *xgrow(void *p, size_t n, size_t size)
{
	if (n == 0)
		return xreallocarray(p, 1024, size);
	if (n >= 1024 && (n & (n - 1)) == 0)
		return xreallocarray(p, 2 * n, size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
