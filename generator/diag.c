#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static bool quiet;
static enum diag_level worst = DIAG_NOTE;
static long nerrors;
static FILE *stream;
/* Counters are shared by the threads that write outputs; each thread may capture its own messages.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local FILE *captured;

static FILE *out_stream(void)
{
	return captured ? captured : stream ? stream : stderr;
}

void diag_capture(FILE *fp)
{
	captured = fp;
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
		fputs(file, out);
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
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	funlockfile(out);
}

void diag_info(const char *fmt, ...)
{
	if (quiet)
		return;
	FILE *out = out_stream();
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
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
	fprintf(out, "  %s%.*s%s\n", cut ? "..." : "", (int)(end - start), line + start,
	        end < len ? "..." : "");
	fputs(cut ? "     " : "  ", out);
	for (size_t i = start; i < at; i++) {
		if (line[i] == '\t')
			fputc('\t', out);
		else if (!is_continuation(line[i]))
			fputc(' ', out);
	}
	fputs("^\n", out);
}
