/* strbuf: a growable byte string, always NUL-terminated. */
#ifndef BP_STRBUF_H
#define BP_STRBUF_H
#include <stddef.h>

struct strbuf {
	char *s;    /* NUL-terminated; NULL until the first append */
	size_t len; /* bytes in use, excluding the NUL */
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strbuf_append(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *b);
/* Returns the string (never NULL) and leaves b empty; the caller frees it. */
char *strbuf_detach(struct strbuf *b);
/* The contents, "" when empty; valid until the next append. */
const char *strbuf_str(const struct strbuf *b);
void strbuf_free(struct strbuf *b);

#endif
