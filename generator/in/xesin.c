#include "in/xesin.h"

#include <errno.h>
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util/diag.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/xmem.h"

/* What an open element is, on the stack of open elements. */
enum node {
	N_ROOT,  /* before <log> */
	N_LOG,   /* <log> */
	N_TRACE, /* <trace> */
	N_EVENT, /* <event> */
	N_ATTR,  /* an attribute element: its children are nested attributes */
	N_SKIP,  /* anything else (global, extension, classifier, a list, an unknown element, an
	            attribute of the log): its content is not read */
};

#define MAX_DEPTH 256 /* deeper content is skipped (counted, not stacked) */

/* A value of a wanted column: where it is in the arena, and where in the file. */
struct slot {
	size_t off, len;
	long line, col;
	bool set;
};

struct xes {
	const struct xesin_opts *opts;
	csvin_record_fn fn;
	void *ctx;
	struct xesin_result *res;
	XML_Parser p;
	size_t nwant;
	bool want_case[XESIN_MAX_COLUMNS]; /* want[i] is "case:KEY": an attribute of the trace */
	const char *want_key[XESIN_MAX_COLUMNS]; /* KEY, without "case:" for a trace's */
	/* attribute keys by symbol: the wanted column (event's, trace's) or -1; -2 unknown */
	struct intern *keys;
	int *key_event, *key_trace;
	size_t keys_cap;
	struct intern *others; /* keys of columns not wanted */
	enum node stack[MAX_DEPTH];
	size_t depth, skipped; /* skipped: open elements below MAX_DEPTH */
	/* the trace being read: its attributes, then its events' */
	struct slot trace[XESIN_MAX_COLUMNS];
	struct strbuf arena;
	struct slot *events; /* nwant slots per event */
	long *event_line, *event_col;
	size_t nevents, cap;
	long last_line;
	int stopped; /* fn's non-zero value */
	bool failed;
	bool seen_log;
};

static const char *local_name(const char *name)
{
	/* with or without a namespace prefix ("xes:event"); expat is not namespace-aware here */
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static bool is_attribute(const char *n)
{
	return strcmp(n, "string") == 0 || strcmp(n, "date") == 0 || strcmp(n, "int") == 0 ||
	       strcmp(n, "float") == 0 || strcmp(n, "boolean") == 0 || strcmp(n, "id") == 0;
}

/* The wanted column of attribute key (of an event, or of a trace), or -1. */
static int column_of(struct xes *x, const char *key, bool of_trace)
{
	size_t n = strlen(key);
	sym s = intern_add(x->keys, key, n);
	if (s >= x->keys_cap) {
		size_t cap = 2 * (size_t)s + 64;
		x->key_event = xreallocarray(x->key_event, cap, sizeof *x->key_event);
		x->key_trace = xreallocarray(x->key_trace, cap, sizeof *x->key_trace);
		for (size_t i = x->keys_cap; i < cap; i++)
			x->key_event[i] = x->key_trace[i] = -2;
		x->keys_cap = cap;
	}
	int *memo = of_trace ? &x->key_trace[s] : &x->key_event[s];
	if (*memo == -2) {
		*memo = -1;
		for (size_t i = 0; i < x->nwant; i++)
			if (x->want_case[i] == of_trace && strcasecmp(x->want_key[i], key) == 0) {
				*memo = (int)i;
				break;
			}
		if (*memo < 0) {
			char *name = of_trace ? xasprintf("case:%s", key) : xstrdup(key);
			intern_add(x->others, name, strlen(name));
			free(name);
		}
	}
	return *memo;
}

static void store(struct xes *x, struct slot *sl, const char *v)
{
	size_t n = strlen(v);
	/* trimmed, as an unquoted CSV field is */
	while (n && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
		n--;
	sl->off = x->arena.len;
	sl->len = n;
	strbuf_append(&x->arena, v, n);
	strbuf_putc(&x->arena, '\0');
	sl->line = (long)XML_GetCurrentLineNumber(x->p);
	sl->col = (long)XML_GetCurrentColumnNumber(x->p) + 1;
	sl->set = true;
}

static void note_nested(struct xes *x, const char **attrs)
{
	if (x->res->nested_line)
		return;
	x->res->nested_line = (long)XML_GetCurrentLineNumber(x->p);
	x->res->nested_col = (long)XML_GetCurrentColumnNumber(x->p) + 1;
	for (size_t i = 0; attrs[i]; i += 2)
		if (strcmp(attrs[i], "key") == 0)
			x->res->nested_key = xstrdup(attrs[i + 1]);
}

static void flush_trace(struct xes *x)
{
	const char *fields[XESIN_MAX_COLUMNS];
	size_t lens[XESIN_MAX_COLUMNS];
	long lines[XESIN_MAX_COLUMNS], cols[XESIN_MAX_COLUMNS];
	for (size_t e = 0; e < x->nevents && !x->stopped; e++) {
		const struct slot *ev = &x->events[e * x->nwant];
		for (size_t i = 0; i < x->nwant; i++) {
			const struct slot *sl = ev[i].set         ? &ev[i]
			                        : x->trace[i].set ? &x->trace[i]
			                                          : NULL;
			if (sl) {
				fields[i] = x->arena.s + sl->off;
				lens[i] = sl->len;
				lines[i] = sl->line;
				cols[i] = sl->col;
				x->res->present[i] += sl->len > 0;
			} else {
				fields[i] = "";
				lens[i] = 0;
				lines[i] = x->event_line[e];
				cols[i] = x->event_col[e];
			}
		}
		long line = x->event_line[e];
		if (line <= x->last_line) {
			if (!x->res->renumbered++)
				x->res->renumbered_line = line;
			line = x->last_line + 1;
		}
		x->last_line = line;
		x->res->events++;
		struct csvin_record rec = {.line = line,
		                           .nfields = x->nwant,
		                           .fields = fields,
		                           .lens = lens,
		                           .field_lines = lines,
		                           .field_cols = cols};
		x->stopped = x->fn(x->ctx, &rec);
	}
	x->nevents = 0;
	strbuf_reset(&x->arena);
	memset(x->trace, 0, sizeof x->trace);
	if (x->stopped)
		XML_StopParser(x->p, XML_FALSE);
}

static void start(void *ud, const char *name, const char **attrs)
{
	struct xes *x = ud;
	if (x->skipped || x->depth == MAX_DEPTH) {
		x->skipped++;
		return;
	}
	const char *n = local_name(name);
	enum node parent = x->depth ? x->stack[x->depth - 1] : N_ROOT;
	enum node self = N_SKIP;
	switch (parent) {
	case N_ROOT:
		if (strcmp(n, "log") != 0) {
			diag_msg(
			    DIAG_ERROR, x->opts->name, (long)XML_GetCurrentLineNumber(x->p),
			    (long)XML_GetCurrentColumnNumber(x->p) + 1,
			    "not an XES event log: the document is <%s>, not <log> (IEEE 1849)",
			    name);
			x->failed = true;
			XML_StopParser(x->p, XML_FALSE);
			return;
		}
		x->seen_log = true;
		self = N_LOG;
		break;
	case N_LOG:
		if (strcmp(n, "trace") == 0)
			self = N_TRACE;
		break;
	case N_TRACE:
	case N_EVENT:
		if (parent == N_TRACE && strcmp(n, "event") == 0) {
			if (x->nevents == x->cap) {
				x->cap = x->cap ? 2 * x->cap : 64;
				x->events =
				    xreallocarray(x->events, x->cap * x->nwant, sizeof *x->events);
				x->event_line =
				    xreallocarray(x->event_line, x->cap, sizeof *x->event_line);
				x->event_col =
				    xreallocarray(x->event_col, x->cap, sizeof *x->event_col);
			}
			memset(&x->events[x->nevents * x->nwant], 0, x->nwant * sizeof *x->events);
			x->event_line[x->nevents] = (long)XML_GetCurrentLineNumber(x->p);
			x->event_col[x->nevents] = (long)XML_GetCurrentColumnNumber(x->p) + 1;
			x->nevents++;
			self = N_EVENT;
		} else if (is_attribute(n)) {
			const char *key = NULL, *value = NULL;
			for (size_t i = 0; attrs[i]; i += 2)
				if (strcmp(attrs[i], "key") == 0)
					key = attrs[i + 1];
				else if (strcmp(attrs[i], "value") == 0)
					value = attrs[i + 1];
			self = N_ATTR;
			if (!key)
				break;
			int c = column_of(x, key, parent == N_TRACE);
			if (c < 0)
				break;
			struct slot *sl = parent == N_TRACE
			                      ? &x->trace[c]
			                      : &x->events[(x->nevents - 1) * x->nwant + c];
			store(x, sl, value ? value : "");
		} else if (strcmp(n, "list") == 0 || strcmp(n, "container") == 0) {
			note_nested(x, attrs);
		}
		break;
	case N_ATTR:
		note_nested(x, attrs);
		break;
	case N_SKIP:
		break;
	}
	x->stack[x->depth++] = self;
}

static void end(void *ud, const char *name)
{
	(void)name;
	struct xes *x = ud;
	if (x->skipped) {
		x->skipped--;
		return;
	}
	if (x->depth && x->stack[--x->depth] == N_TRACE)
		flush_trace(x);
}

static void xml_error(struct xes *x)
{
	enum XML_Error e = XML_GetErrorCode(x->p);
	diag_msg(DIAG_ERROR, x->opts->name, (long)XML_GetCurrentLineNumber(x->p),
	         (long)XML_GetCurrentColumnNumber(x->p) + 1, "not well-formed XML: %s%s",
	         XML_ErrorString(e),
	         e == XML_ERROR_NO_ELEMENTS || e == XML_ERROR_UNCLOSED_TOKEN
	             ? " (the file ends before the log does: is it complete?)"
	             : "");
}

static void setup(struct xes *x, const struct xesin_opts *opts, csvin_record_fn fn, void *ctx,
                  struct xesin_result *res)
{
	memset(res, 0, sizeof *res);
	*x = (struct xes){.opts = opts, .fn = fn, .ctx = ctx, .res = res};
	while (opts->want[x->nwant] && x->nwant < XESIN_MAX_COLUMNS) {
		const char *w = opts->want[x->nwant];
		x->want_case[x->nwant] = strncasecmp(w, "case:", 5) == 0;
		x->want_key[x->nwant] = x->want_case[x->nwant] ? w + 5 : w;
		x->nwant++;
	}
	x->keys = intern_new();
	x->others = intern_new();
	x->p = XML_ParserCreate("UTF-8");
	if (!x->p) {
		diag_out_of_memory();
		abort();
	}
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, start, end);
}

/* The header record: the wanted columns. */
static int header(struct xes *x)
{
	size_t lens[XESIN_MAX_COLUMNS];
	long lines[XESIN_MAX_COLUMNS], cols[XESIN_MAX_COLUMNS];
	for (size_t i = 0; i < x->nwant; i++) {
		lens[i] = strlen(x->opts->want[i]);
		lines[i] = 1;
		cols[i] = 0;
	}
	struct csvin_record rec = {.line = 1,
	                           .nfields = x->nwant,
	                           .fields = x->opts->want,
	                           .lens = lens,
	                           .field_lines = lines,
	                           .field_cols = cols};
	return x->fn(x->ctx, &rec);
}

static int finish(struct xes *x, int rc)
{
	size_t n = intern_count(x->others);
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 1; i < n && i <= 10; i++)
		strbuf_printf(&b, "%s\"%s\"", i > 1 ? ", " : "", intern_str(x->others, (sym)i));
	if (n > 11)
		strbuf_printf(&b, " and %zu more", n - 11);
	x->res->others = strbuf_detach(&b);
	x->res->nothers = n ? n - 1 : 0;
	XML_ParserFree(x->p);
	intern_free(x->keys);
	intern_free(x->others);
	free(x->key_event);
	free(x->key_trace);
	free(x->events);
	free(x->event_line);
	free(x->event_col);
	strbuf_free(&x->arena);
	return rc;
}

/* Parses one more buffer (last: the end of the file); returns 0 to go on, else the result. */
static int feed(struct xes *x, const char *buf, size_t n, bool last)
{
	if (XML_Parse(x->p, buf, (int)n, last) == XML_STATUS_ERROR) {
		if (x->stopped)
			return x->stopped;
		if (!x->failed)
			xml_error(x);
		return -1;
	}
	if (x->failed)
		return -1;
	if (x->stopped)
		return x->stopped;
	if (last && !x->seen_log) {
		diag_msg(DIAG_ERROR, x->opts->name, 0, 0, "not an XES event log: no <log> element");
		return -1;
	}
	return 0;
}

#define CHUNK (256 * 1024)

int xesin_read(const char *path, const struct xesin_opts *opts, csvin_record_fn fn, void *ctx,
               struct xesin_result *res)
{
	struct xes x;
	setup(&x, opts, fn, ctx, res);
	int rc = header(&x);
	if (rc)
		return finish(&x, rc);
	gzFile gz = gzopen(path, "rb"); /* reads a file without gzip's magic as it is */
	if (!gz) {
		diag_msg(DIAG_ERROR, opts->name, 0, 0, "cannot open the event log: %s",
		         errno ? strerror(errno) : "out of memory");
		return finish(&x, -1);
	}
	gzbuffer(gz, CHUNK);
	char *buf = xmalloc(CHUNK);
	for (;;) {
		int n = gzread(gz, buf, CHUNK);
		int err = 0;
		const char *what = n < 0 ? gzerror(gz, &err) : NULL;
		if (n < 0 || (n == 0 && !gzeof(gz))) {
			if (err == Z_ERRNO)
				diag_msg(DIAG_ERROR, opts->name, 0, 0,
				         "cannot read the event log: %s", strerror(errno));
			else if (err == Z_BUF_ERROR)
				diag_msg(
				    DIAG_ERROR, opts->name, 0, 0,
				    "the compressed event log is truncated: it ends before its "
				    "gzip stream does, so its last events are missing; copy or "
				    "download it again");
			else
				diag_msg(
				    DIAG_ERROR, opts->name, 0, 0,
				    "the compressed event log is damaged (%s): it cannot be read; "
				    "compress it again from the original",
				    what ? what : "read error");
			rc = -1;
			break;
		}
		if (n == 0) {
			/* gzip's stream ended early: zlib says so when it is asked after the end */
			gzerror(gz, &err);
			if (err == Z_BUF_ERROR) {
				diag_msg(
				    DIAG_ERROR, opts->name, 0, 0,
				    "the compressed event log is truncated: it ends before its "
				    "gzip stream does, so its last events are missing; copy or "
				    "download it again");
				rc = -1;
				break;
			}
			rc = feed(&x, buf, 0, true);
			break;
		}
		if ((rc = feed(&x, buf, (size_t)n, false)))
			break;
	}
	free(buf);
	gzclose(gz);
	return finish(&x, rc);
}

int xesin_read_mem(const char *data, size_t len, const struct xesin_opts *opts, csvin_record_fn fn,
                   void *ctx, struct xesin_result *res)
{
	struct xes x;
	setup(&x, opts, fn, ctx, res);
	int rc = header(&x);
	if (rc)
		return finish(&x, rc);
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		z_stream z = {0};
		if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
			return finish(&x, -1);
		char *buf = xmalloc(CHUNK);
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		int zr = Z_OK;
		while (zr == Z_OK && !rc) {
			z.next_out = (Bytef *)buf;
			z.avail_out = CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				diag_msg(DIAG_ERROR, opts->name, 0, 0,
				         "the compressed event log is damaged or truncated");
				rc = -1;
				break;
			}
			rc = feed(&x, buf, CHUNK - z.avail_out, zr == Z_STREAM_END);
			if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
				diag_msg(DIAG_ERROR, opts->name, 0, 0,
				         "the compressed event log is truncated");
				rc = rc ? rc : -1;
				break;
			}
		}
		inflateEnd(&z);
		free(buf);
		return finish(&x, rc);
	}
	for (size_t off = 0; !rc && off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		rc = feed(&x, data + off, n, false);
	}
	if (!rc)
		rc = feed(&x, "", 0, true);
	return finish(&x, rc);
}

void xesin_result_free(struct xesin_result *res)
{
	free(res->others);
	free(res->nested_key);
	res->others = res->nested_key = NULL;
}
