#include "util/escape.h"

#include <stdint.h>

#include "util/strbuf.h"
#include "util/utf8.h"

void text_escape(struct strbuf *b, const char *s, size_t n, size_t max, bool quoted)
{
	if (quoted)
		strbuf_putc(b, '"');
	size_t start = b->len;
	size_t limit = n > max ? max - 3 : n;
	for (size_t i = 0; i < limit;) {
		size_t plain = i; /* a stretch that needs no escaping goes in at once */
		while (plain < limit) {
			unsigned char ch = (unsigned char)s[plain];
			if (ch < 0x20 || ch == 0x7f || (quoted && (ch == '"' || ch == '\\')))
				break;
			plain++;
		}
		strbuf_append(b, s + i, plain - i);
		if (plain == limit)
			break;
		unsigned char ch = (unsigned char)s[plain];
		if (ch < 0x20 || ch == 0x7f)
			strbuf_printf(b, "\\x%02X", ch);
		else
			strbuf_printf(b, "\\%c", ch);
		i = plain + 1;
	}
	if (limit < n) {
		/* do not cut a UTF-8 sequence in half */
		while (b->len > start && ((unsigned char)b->s[b->len - 1] & 0xC0) == 0x80)
			b->len--;
		if (b->len > start && (unsigned char)b->s[b->len - 1] >= 0xC0)
			b->len--;
		b->s[b->len] = '\0';
		strbuf_puts(b, "…");
	}
	if (quoted)
		strbuf_putc(b, '"');
}

void text_quote(struct strbuf *b, const char *s, size_t n)
{
	text_escape(b, s, n, 60, true);
}

void text_utf8_escape(struct strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (k == 0 || cp == 0) {
			strbuf_printf(b, "\\x%02X", (unsigned char)s[i]);
			i++;
			continue;
		}
		strbuf_append(b, s + i, k);
		i += k;
	}
}
