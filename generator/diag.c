#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

static bool quiet;
static enum diag_level worst = DIAG_NOTE;
static long nerrors;
static FILE *stream;

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
	return worst;
}

long diag_errors(void)
{
	return nerrors;
}

void diag_set_stream(FILE *fp)
{
	stream = fp;
}

void diag_msg(enum diag_level level, const char *file, long line, long col, const char *fmt, ...)
{
	if (level > worst)
		worst = level;
	if (level >= DIAG_ERROR)
		nerrors++;
	if (quiet && level < DIAG_ERROR)
		return;
	FILE *out = stream ? stream : stderr;
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
}

void diag_info(const char *fmt, ...)
{
	if (quiet)
		return;
	FILE *out = stream ? stream : stderr;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
