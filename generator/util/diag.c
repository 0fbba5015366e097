#include "util/diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xmem.h"

static bool quiet;
static enum diag_level worst = DIAG_NOTE;
static long nerrors;
static FILE *stream;
/* Counters are shared by the threads that write outputs; each thread may capture its own messages.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local FILE *captured; /* the buffer (diag_buffer_begin) of this thread */

static FILE *shared_stream(void)
{
	return stream ? stream : stderr;
}

static FILE *out_stream(void)
{
	return captured ? captured : shared_stream();
}

static const char *const level_names[] = {"note", "warning", "error", "fatal"};

void diag_set_quiet(bool q)
{
	quiet = q;
}

bool diag_quiet(void)
{
	return quiet;
}

enum diag_level diag_worst(void)
{
	pthread_mutex_lock(&lock);
	enum diag_level w = worst;
	pthread_mutex_unlock(&lock);
	return w;
}

long diag_errors(void)
{
	pthread_mutex_lock(&lock);
	long n = nerrors;
	pthread_mutex_unlock(&lock);
	return n;
}

void diag_set_stream(FILE *fp)
{
	stream = fp;
}

/*
 * The one escaping rule of every message: text the data, the configuration or a file name
 * chose is never shown raw (utf8_next says which bytes are well-formed characters).
 */

/* Characters a terminal acts on instead of showing: C0 (tab included), DEL, C1, and the
 * bidirectional controls that reorder what follows. */
static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* The character at s[0..n) as it is shown, NUL-terminated, into out; returns the bytes of s it
 * took. */
static size_t escape_one(const unsigned char *s, size_t n, char out[16])
{
	uint32_t c;
	size_t len = utf8_next((const char *)s, n, &c);
	if (!len) {
		snprintf(out, 16, "\\x%02X", s[0]);
		return 1;
	}
	if (is_control(c)) {
		if (c < 0x80)
			snprintf(out, 16, "\\x%02X", (unsigned)c);
		else
			snprintf(out, 16, "\\u%04X", (unsigned)c);
	} else {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return len;
}

void diag_escape(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[16];
	for (size_t i = 0; i < n;) {
		i += escape_one(p + i, n - i, buf);
		fputs(buf, out);
	}
}

static void put_escaped(FILE *out, const char *s)
{
	diag_escape(out, s, strlen(s));
}

/* The message of fmt and ap, escaped, to out. */
static void put_message(FILE *out, const char *fmt, va_list ap)
{
	char small[512];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	if (n < 0) {
		va_end(again);
		return;
	}
	if ((size_t)n < sizeof small) {
		diag_escape(out, small, (size_t)n);
	} else {
		char *big = xmalloc((size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, fmt, again);
		diag_escape(out, big, (size_t)n);
		free(big);
	}
	va_end(again);
}

void diag_msg(enum diag_level level, const char *file, long line, long col, const char *fmt, ...)
{
	pthread_mutex_lock(&lock);
	if (level > worst)
		worst = level;
	if (level >= DIAG_ERROR)
		nerrors++;
	pthread_mutex_unlock(&lock);
	if (quiet && level < DIAG_ERROR)
		return;
	FILE *out = out_stream();
	flockfile(out);
	fputs("boardpack: ", out);
	if (file) {
		put_escaped(out, file);
		if (line > 0) {
			fprintf(out, ":%ld", line);
			if (col > 0)
				fprintf(out, ":%ld", col);
		}
		fputs(": ", out);
	}
	fprintf(out, "%s: ", level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	put_message(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	funlockfile(out);
}

/* The line of fmt and ap, escaped, to out. */
static void put_line(FILE *out, const char *fmt, va_list ap)
{
	flockfile(out);
	put_message(out, fmt, ap);
	fputc('\n', out);
	funlockfile(out);
}

void diag_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	put_line(out_stream(), fmt, ap);
	va_end(ap);
}

/* Excerpts longer than this many bytes are cut to a window around the column. */
enum { EXCERPT_WIDTH = 100 };

static bool is_continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

void diag_excerpt(enum diag_level level, const char *line, size_t len, long col)
{
	if (quiet && level < DIAG_ERROR)
		return;
	FILE *out = out_stream();
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	size_t at = 0; /* byte offset of column col */
	for (long c = 1; c < col && at < len; c++) {
		at++;
		while (at < len && is_continuation(line[at]))
			at++;
	}
	size_t start = 0, end = len;
	if (len > EXCERPT_WIDTH) {
		start = at > EXCERPT_WIDTH / 2 ? at - EXCERPT_WIDTH / 2 : 0;
		while (start > 0 && is_continuation(line[start]))
			start--;
		end = start + EXCERPT_WIDTH < len ? start + EXCERPT_WIDTH : len;
		while (end < len && is_continuation(line[end]))
			end++;
	}
	bool cut = start > 0;
	flockfile(out);
	fprintf(out, "  %s", cut ? "..." : "");
	/* escaped like every message; a tab is kept (the caret line repeats it) */
	const unsigned char *u = (const unsigned char *)line;
	char buf[16];
	for (size_t i = start; i < end;) {
		if (line[i] == '\t') {
			fputc('\t', out);
			i++;
			continue;
		}
		i += escape_one(u + i, end - i, buf);
		fputs(buf, out);
	}
	fprintf(out, "%s\n", end < len ? "..." : "");
	fputs(cut ? "     " : "  ", out);
	for (size_t i = start; i < at && i < end;) {
		if (line[i] == '\t') {
			fputc('\t', out);
			i++;
			continue;
		}
		size_t step = escape_one(u + i, end - i, buf);
		/* one column for a character shown as itself, one per byte of an escape */
		size_t cols = buf[0] == '\\' ? strlen(buf) : 1;
		for (size_t k = 0; k < cols; k++)
			fputc(' ', out);
		i += step;
	}
	fputs("^\n", out);
	funlockfile(out);
}

void diag_hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	put_line(shared_stream(), fmt, ap);
	va_end(ap);
}

void diag_out_of_memory(void)
{
	fputs("boardpack: out of memory\n", shared_stream());
}

int diag_stdout(const char *s, size_t n)
{
	return fwrite(s, 1, n, stdout) == n ? 0 : -1;
}

/* ---------------------------------------------------------------- buffers */

struct diag_buffer {
	char *s; /* what was said, as it would have been printed */
	size_t len;
	FILE *fp;          /* while capturing */
	char *tmp, *shown; /* a file name, and how it is shown */
};

struct diag_said {
	char **lines;
	size_t n;
};

struct diag_buffer *diag_buffer_begin(void)
{
	struct diag_buffer *b = xcalloc(1, sizeof *b);
	b->fp = open_memstream(&b->s, &b->len); /* NULL (no memory): straight to the stream */
	captured = b->fp;
	return b;
}

void diag_buffer_end(struct diag_buffer *b)
{
	captured = NULL;
	if (b->fp)
		fclose(b->fp);
	b->fp = NULL;
}

void diag_buffer_rename(struct diag_buffer *b, const char *tmp, const char *shown)
{
	free(b->tmp);
	free(b->shown);
	b->tmp = xstrdup(tmp);
	b->shown = xstrdup(shown);
}

struct diag_said *diag_said_new(void)
{
	return xcalloc(1, sizeof(struct diag_said));
}

void diag_said_free(struct diag_said *said)
{
	if (!said)
		return;
	for (size_t i = 0; i < said->n; i++)
		free(said->lines[i]);
	free(said->lines);
	free(said);
}

/* Drops from b every warning line already printed through said; adds the others to it. */
static void drop_repeated(struct diag_buffer *b, struct diag_said *said)
{
	size_t w = 0;
	for (size_t r = 0; r < b->len;) {
		const char *nl = memchr(b->s + r, '\n', b->len - r);
		size_t len = nl ? (size_t)(nl - (b->s + r)) + 1 : b->len - r;
		char *line = xstrndup(b->s + r, len);
		bool seen = false;
		for (size_t i = 0; i < said->n && !seen; i++)
			seen = strcmp(said->lines[i], line) == 0;
		if (seen && strstr(line, ": warning: ")) {
			free(line);
		} else {
			memmove(b->s + w, b->s + r, len);
			w += len;
			said->lines = xreallocarray(said->lines, said->n + 1, sizeof *said->lines);
			said->lines[said->n++] = line;
		}
		r += len;
	}
	b->len = w;
}

void diag_buffer_print(struct diag_buffer *b, struct diag_said *said)
{
	if (!b || !b->len)
		return;
	if (said)
		drop_repeated(b, said);
	FILE *out = shared_stream();
	const char *p = b->s, *end = b->s + b->len;
	size_t tl = b->tmp ? strlen(b->tmp) : 0;
	while (p < end) {
		const char *hit = NULL;
		for (const char *q = p; tl && !hit && q + tl <= end; q++)
			if (*q == *b->tmp && memcmp(q, b->tmp, tl) == 0)
				hit = q;
		if (!hit) {
			fwrite(p, 1, (size_t)(end - p), out);
			break;
		}
		fwrite(p, 1, (size_t)(hit - p), out);
		put_escaped(out, b->shown);
		p = hit + tl;
	}
}

void diag_buffer_free(struct diag_buffer *b)
{
	if (!b)
		return;
	free(b->s);
	free(b->tmp);
	free(b->shown);
	free(b);
}
