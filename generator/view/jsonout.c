#include "view/jsonout.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/utf8.h"
#include "util/xmem.h"

static const char hex_digits[] = "0123456789ABCDEF";

void json_out_init(struct json_out *w, size_t cap, json_sink sink, void *data)
{
	if (cap < 64)
		cap = 64;
	*w = (struct json_out){.buf = xmalloc(cap), .cap = cap, .sink = sink, .data = data};
}

/* Hands s[0..n) to the sink unless a write has failed; keeps the first failure's errno. */
static void sink_write(struct json_out *w, const char *s, size_t n)
{
	if (n == 0 || w->err)
		return;
	errno = 0;
	if (w->sink(s, n, w->data) != 0)
		w->err = errno ? errno : EIO;
}

/* Hands the buffer to the sink and empties it. */
static void flush(struct json_out *w)
{
	sink_write(w, w->buf, w->len);
	w->len = 0;
}

int json_out_finish(struct json_out *w)
{
	flush(w);
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
	return w->err ? -1 : 0;
}

void json_out_bytes(struct json_out *w, const char *s, size_t n)
{
	if (n > w->cap - w->len) {
		flush(w);
		if (n > w->cap) { /* more than a whole buffer: straight to the sink */
			sink_write(w, s, n);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* The escape jansson writes for c, a quote, a backslash or a character below U+0020. */
static void escape_char(struct json_out *w, unsigned char c)
{
	char e[6] = {'\\', (char)c};
	size_t n = 2;
	switch (c) {
	case '"':
	case '\\':
		break;
	case '\b':
		e[1] = 'b';
		break;
	case '\f':
		e[1] = 'f';
		break;
	case '\n':
		e[1] = 'n';
		break;
	case '\r':
		e[1] = 'r';
		break;
	case '\t':
		e[1] = 't';
		break;
	default:
		memcpy(e + 1, "u00", 3);
		e[4] = hex_digits[c >> 4];
		e[5] = hex_digits[c & 15];
		n = 6;
		break;
	}
	json_out_bytes(w, e, n);
}

/* A byte that begins no well-formed UTF-8 character, as the text \xHH (its backslash escaped). */
static void escape_invalid(struct json_out *w, unsigned char c)
{
	const char e[5] = {'\\', '\\', 'x', hex_digits[c >> 4], hex_digits[c & 15]};
	json_out_bytes(w, e, sizeof e);
}

/* Whether none of the 8 bytes of x needs a look: each printable ASCII, not '"' nor '\\'. */
static bool plain8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t below = x - 0x20 * ones; /* a byte below 0x20 borrows its high bit */
	uint64_t quote = x ^ (0x22 * ones), bslash = x ^ (0x5C * ones); /* zero where equal */
	uint64_t zero = ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash);
	return ((x | below | zero) & highs) == 0;
}

void json_out_string(struct json_out *w, const char *s, size_t n)
{
	json_out_bytes(w, "\"", 1);
	size_t run = 0; /* the first byte not yet written: s[run..i) needs no escape */
	for (size_t i = 0; i < n;) {
		if (n - i >= 8) { /* most text is plain ASCII: eight bytes at a time */
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (plain8(x)) {
				i += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t k = utf8_next(s + i, n - i, &cp);
			if (k) {
				i += k;
				continue;
			}
		}
		json_out_bytes(w, s + run, i - run);
		if (c >= 0x80)
			escape_invalid(w, c);
		else
			escape_char(w, c);
		run = ++i;
	}
	json_out_bytes(w, s + run, n - run);
	json_out_bytes(w, "\"", 1);
}

/* A new line indented to depth, as JSON_INDENT(2) indents: two spaces a level. */
static void indent(struct json_out *w, int depth)
{
	static const char spaces[] = "                                "; /* 32 */
	json_out_bytes(w, "\n", 1);
	for (size_t left = depth > 0 ? 2 * (size_t)depth : 0; left > 0;) {
		size_t n = left < sizeof spaces - 1 ? left : sizeof spaces - 1;
		json_out_bytes(w, spaces, n);
		left -= n;
	}
}

/* Begins the member k of an object whose members are at depth; first: no comma before it. */
static void key(struct json_out *w, int depth, bool first, const char *k)
{
	if (!first)
		json_out_bytes(w, ",", 1);
	indent(w, depth);
	json_out_string(w, k, strlen(k));
	json_out_bytes(w, ": ", 2);
}

/* s as a JSON string; NULL as null. */
static void string_or_null(struct json_out *w, const char *s)
{
	if (s)
		json_out_string(w, s, strlen(s));
	else
		json_out_bytes(w, "null", 4);
}

/* v in decimal as jansson writes an integer (%lld), or null when not have. */
static void integer_or_null(struct json_out *w, long v, bool have)
{
	if (!have) {
		json_out_bytes(w, "null", 4);
		return;
	}
	char d[24];
	size_t i = sizeof d;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	json_out_bytes(w, d + i, sizeof d - i);
}

/* The members of a rejected row, in view/json.c's issue_json order; a note has those marked. */
enum {
	K_FILE,
	K_LINE,
	K_COLUMN,
	K_MESSAGE,
	K_KIND,
	K_COLUMN_NAME,
	K_CASE_ID,
	K_CUSTOMER_ID,
	K_VALUE,
	K_N
};
static const char *const key_names[K_N] = {
    "file", "line", "column", "message", "kind", "column_name", "case_id", "customer_id", "value"};

/*
 * What comes before each member's value in the objects of a list at one depth (its comma, new
 * line, indentation, name and colon, as key writes them), and the object's end: written once
 * for the list, not again for each of its hundreds of thousands of rows. Each is a writer's
 * buffer, large enough that it never goes to a sink.
 */
struct member_heads {
	struct json_out head[K_N];
	struct json_out end; /* the new line and indentation before the closing brace */
};

static void heads_make(struct member_heads *h, int depth)
{
	for (int k = 0; k < K_N; k++) {
		json_out_init(&h->head[k], 2 * (size_t)depth + 64, NULL, NULL);
		key(&h->head[k], depth + 1, k == K_FILE, key_names[k]);
	}
	json_out_init(&h->end, 2 * (size_t)depth + 64, NULL, NULL);
	indent(&h->end, depth);
}

static void heads_free(struct member_heads *h)
{
	for (int k = 0; k < K_N; k++)
		free(h->head[k].buf);
	free(h->end.buf);
}

static void head(struct json_out *w, const struct member_heads *h, int k)
{
	json_out_bytes(w, h->head[k].buf, h->head[k].len);
}

/* One rejected row (note: one note) as an object at the heads' depth, with the members of
 * view/json.c's issue_json in its order. */
static void issue(struct json_out *w, const struct view_dq_issue *is, bool note,
                  const struct member_heads *h)
{
	json_out_bytes(w, "{", 1);
	head(w, h, K_FILE);
	string_or_null(w, is->file);
	head(w, h, K_LINE);
	if (note) {
		integer_or_null(w, is->line, is->line > 0);
	} else {
		integer_or_null(w, is->line, true);
		head(w, h, K_COLUMN);
		integer_or_null(w, is->column, is->column > 0);
	}
	head(w, h, K_MESSAGE);
	string_or_null(w, is->message);
	head(w, h, K_KIND);
	string_or_null(w, is->kind);
	if (!note) {
		head(w, h, K_COLUMN_NAME);
		string_or_null(w, is->column_name);
	}
	head(w, h, K_CASE_ID);
	string_or_null(w, is->case_id);
	if (!note) {
		head(w, h, K_CUSTOMER_ID);
		string_or_null(w, is->customer_id);
		head(w, h, K_VALUE);
		string_or_null(w, is->value);
	}
	json_out_bytes(w, h->end.buf, h->end.len);
	json_out_bytes(w, "}", 1);
}

void json_out_issues(struct json_out *w, const struct view_dq_issue *list, size_t n, bool notes,
                     int depth)
{
	json_out_bytes(w, "[", 1);
	struct member_heads h;
	heads_make(&h, depth + 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			json_out_bytes(w, ",", 1);
		indent(w, depth + 1);
		issue(w, &list[i], notes, &h);
	}
	heads_free(&h);
	if (n)
		indent(w, depth);
	json_out_bytes(w, "]", 1);
}

int json_sink_fd(const char *s, size_t n, void *data)
{
	int fd = *(const int *)data;
	while (n > 0) {
		ssize_t k = write(fd, s, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		s += k;
		n -= (size_t)k;
	}
	return 0;
}
