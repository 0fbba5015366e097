/* csvin: CSV records with physical line numbers, on libcsv; the only module that sees libcsv. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "in/csvin.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/copy.h"
#include "util/diag.h"
#include "util/safeopen.h"
#include "util/utf8.h"
#include "util/values.h"
#include "util/xmem.h"

/* Bytes read from a file at a time. */
#define BLOCK_SIZE (1u << 20)
/*
 * Most bytes handed to libcsv in one call. libcsv buffers a field whole; between calls an
 * oversized field is cut back (see cut_field), so a field never holds more than
 * CSVIN_MAX_FIELD + PIECE_SIZE bytes of memory however long it is.
 */
#define PIECE_SIZE (64u << 10)
/* Longest excerpt in bad_value, in bytes of source text (escapes make it longer). */
#define EXCERPT_SOURCE 40
#define EXCERPT_MAX 200
/* Bytes of source text an excerpt shows before the fault it is about. */
#define EXCERPT_BEFORE 20

struct pipe;

struct csvin {
	struct csv_parser p;
	struct pipe *pipe; /* parsing in a thread of its own: records go to the pipe, not to fn */
	unsigned char delim;
	csvin_record_fn fn;
	void *ctx;
	int stop; /* the callback's non-zero return: read no further */

	long line; /* physical line of the bytes being fed */
	/* the input's bytes up to the end of the line being fed, the offset of the block being fed,
	 * and the input's size (csvin_record) */
	size_t read_to, block_at, size;
	/* csvin_opts.start_at and start_line, until the jump there; jump: to be made before the
	 * next line (the header delivered, no record begun) */
	size_t start_at;
	long start_line;
	size_t stop_at; /* csvin_opts.stop_at, SIZE_MAX when none */
	bool header_seen, jump;
	bool in_record;           /* a record has begun and not yet ended */
	long rec_line;            /* where it began */
	bool skip_line;           /* after a malformed quote: drop bytes up to the next line feed */
	csvin_line_filter filter; /* csvin_opts.filter, once the first record was delivered */
	csvin_line_filter filter_later;
	void *filter_ctx;
	csvin_line_ahead ahead; /* csvin_opts.ahead; NULL in the parser's thread */
	void *ahead_ctx;
	/*
	 * Some bytes fed since the record began are not valid UTF-8 (or are NUL), so its fields
	 * must be checked one by one. Checking each line whole first is much cheaper than checking
	 * every field, and a field is valid whenever all the lines it comes from are.
	 */
	bool check_fields;

	/* The record being gathered: fields copied one after another, NUL-terminated. */
	char *text;
	size_t text_len, text_cap;
	size_t *offs, *lens;
	const char **fields;
	size_t fields_cap;
	size_t nfields; /* stored, at most CSVIN_MAX_FIELDS */
	size_t nseen;   /* seen, including those beyond CSVIN_MAX_FIELDS */

	/* The record's first problem. */
	const char *problem;
	size_t bad_field;
	char bad_value[EXCERPT_MAX];
	char problem_text[200];

	/* The field libcsv is gathering is over CSVIN_MAX_FIELD; its first bytes are kept for the
	 * excerpt. */
	bool field_over;
	char over_head[EXCERPT_SOURCE];
	size_t over_head_len;

	/* The last bytes of the line being fed, when it began in an earlier block (its pieces
	 * before the one being fed): the context an excerpt shows before a fault found right
	 * after a block's start, as if the line had come whole. */
	char line_tail[EXCERPT_BEFORE + 4];
	size_t line_tail_len;
	long tail_line; /* the line whose bytes they are: valid while line is still that one */
	int fd;         /* the file being read, -1 for an input in memory */
};

/* libcsv's buffer grows through here, so that running out of memory is fatal as everywhere. */
static void *csv_realloc(void *p, size_t n)
{
	return xreallocarray(p, n, 1);
}

static void parser_init(struct csvin *r)
{
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&r->p, r->delim);
	csv_set_realloc_func(&r->p, csv_realloc);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 4096);
}

/*
 * Writes a printable excerpt of s[0..n) into out (EXCERPT_MAX bytes): valid UTF-8 as it is,
 * other bytes and control characters as \xNN, "…" around it when it is cut. from is where to
 * start (moved forward to a character boundary), "…" is put first when from > 0.
 */
static void excerpt(char *out, const char *s, size_t n, size_t from, bool more_after)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = from;
	for (int k = 0; k < 3 && i > 0 && i < n && (u[i] & 0xC0) == 0x80; k++)
		i++;
	if (i > 0) {
		memcpy(out, "…", 3);
		o = 3;
	}
	size_t end = n - i > EXCERPT_SOURCE ? i + EXCERPT_SOURCE : n;
	while (i < end) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7F) {
			static const char hex[] = "0123456789ABCDEF";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i] >> 4];
			out[o++] = hex[u[i] & 15];
			i++;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		}
	}
	if (i < n || more_after) {
		memcpy(out + o, "…", 3);
		o += 3;
	}
	out[o] = '\0';
}

static void set_problem(struct csvin *r, const char *problem, size_t field)
{
	r->problem = problem;
	r->bad_field = field;
	r->bad_value[0] = '\0';
}

static void pipe_store_field(struct csvin *r, const char *s, size_t len);

static void store_field(struct csvin *r, const char *s, size_t len)
{
	if (r->pipe) {
		pipe_store_field(r, s, len);
		return;
	}
	if (r->nfields == r->fields_cap) {
		r->fields_cap = r->fields_cap ? 2 * r->fields_cap : 64;
		r->offs = xreallocarray(r->offs, r->fields_cap, sizeof *r->offs);
		r->lens = xreallocarray(r->lens, r->fields_cap, sizeof *r->lens);
		r->fields = xreallocarray(r->fields, r->fields_cap, sizeof *r->fields);
	}
	if (r->text_cap - r->text_len <= len) {
		while (r->text_cap - r->text_len <= len)
			r->text_cap = r->text_cap ? 2 * r->text_cap : 4096;
		r->text = xreallocarray(r->text, r->text_cap, 1);
	}
	memcpy(r->text + r->text_len, s, len);
	r->text[r->text_len + len] = '\0';
	r->offs[r->nfields] = r->text_len;
	r->lens[r->nfields] = len;
	r->nfields++;
	r->text_len += len + 1;
}

/* libcsv's end-of-field callback. */
static void on_field(void *data, size_t len, void *ctx)
{
	struct csvin *r = ctx;
	const char *s = data ? data : "";
	if (r->stop)
		return;
	if (!r->in_record) {
		/* A record after a lone CR on the same line. */
		r->in_record = true;
		r->rec_line = r->line;
	}
	size_t col = ++r->nseen;
	if (col > CSVIN_MAX_FIELDS) {
		if (col == CSVIN_MAX_FIELDS + 1)
			set_problem(r, "more than 4096 fields in one record", 0);
		r->field_over = false;
		return;
	}
	if (r->field_over || len > CSVIN_MAX_FIELD) {
		if (!r->problem) {
			set_problem(r, "field longer than 1 MiB", col);
			if (r->field_over)
				excerpt(r->bad_value, r->over_head, r->over_head_len, 0, true);
			else
				excerpt(r->bad_value, s, len, 0, false);
		}
		r->field_over = false;
		len = 0; /* not kept: the record is rejected */
	} else if (r->check_fields && !r->problem) {
		long bad = value_utf8_invalid(s, len);
		if (bad >= 0) {
			set_problem(r, s[bad] ? "not valid UTF-8" : "a NUL byte", col);
			excerpt(r->bad_value, s, len, bad > 20 ? (size_t)bad - 20 : 0, false);
		}
	}
	store_field(r, s, len);
}

static void clear_record(struct csvin *r)
{
	r->in_record = false;
	r->nfields = r->nseen = r->text_len = 0;
	r->problem = NULL;
	r->bad_field = 0;
	r->bad_value[0] = '\0';
	r->field_over = false;
}

static void pipe_put(struct csvin *r);

static void deliver(struct csvin *r)
{
	r->filter = r->filter_later; /* from the record after the first (the header) on */
	r->header_seen = true;
	if (r->pipe) {
		pipe_put(r);
		clear_record(r);
		return;
	}
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i] = r->text + r->offs[i];
	struct csvin_record rec = {
	    .line = r->rec_line,
	    .nfields = r->nfields,
	    .fields = r->fields,
	    .lens = r->lens,
	    .problem = r->problem,
	    .bad_field = r->problem ? r->bad_field : 0,
	    .bad_value = r->problem && r->bad_value[0] ? r->bad_value : NULL,
	    .read_to = r->read_to,
	    .size = r->size,
	    .end_line = r->line,
	};
	int rc = r->fn(r->ctx, &rec);
	if (rc)
		r->stop = rc;
	clear_record(r);
}

/* libcsv's end-of-record callback. */
static void on_record(int c, void *ctx)
{
	(void)c;
	struct csvin *r = ctx;
	if (!r->stop)
		deliver(r);
}

/*
 * The field libcsv is gathering has grown past CSVIN_MAX_FIELD: keep its first bytes for the
 * message and drop the rest from libcsv's buffer. libcsv's state (quoted or not, after a
 * closing quote or not) is left as it is, so the field ends where it would have; only the
 * bytes libcsv may still take back when it ends the field (trailing spaces, and the quote
 * before them) are kept at the front. This reaches into struct csv_parser, which csv.h
 * publishes; libcsv offers no other way to bound a field.
 */
static void cut_field(struct csvin *r)
{
	struct csv_parser *p = &r->p;
	if (!r->field_over) {
		r->field_over = true;
		r->over_head_len =
		    p->entry_pos < sizeof r->over_head ? p->entry_pos : sizeof r->over_head;
		memcpy(r->over_head, p->entry_buf, r->over_head_len);
	}
	if (p->spaces > 64)
		p->spaces = 64;
	size_t keep = p->spaces + 1 < p->entry_pos ? p->spaces + 1 : p->entry_pos;
	memmove(p->entry_buf, p->entry_buf + p->entry_pos - keep, keep);
	p->entry_pos = keep;
}

/*
 * The excerpt of a stray quote at s[err] of a piece of a line (end: its length without the line
 * break; ends_line: the line ends in it): EXCERPT_BEFORE bytes before the quote and what
 * follows, as from the whole line, wherever the blocks fall: the bytes before the piece come from
 * line_tail, those after it (a line going on in the next block) are read ahead from the file.
 */
static void quote_excerpt(struct csvin *r, const char *s, size_t err, size_t end, bool ends_line)
{
	enum { AROUND = EXCERPT_BEFORE + EXCERPT_SOURCE + 4 };
	char buf[sizeof r->line_tail + 2 * AROUND];
	size_t n = 0, lo = 0;
	if (err > EXCERPT_BEFORE) /* from the piece alone, a few bytes before the excerpt's start */
		lo = err - EXCERPT_BEFORE > 4 ? err - EXCERPT_BEFORE - 4 : 0;
	else if (r->line_tail_len && r->tail_line == r->line) { /* and the line's bytes before */
		memcpy(buf, r->line_tail, r->line_tail_len);
		n = r->line_tail_len;
	}
	size_t at = n + (err - lo); /* where the quote is in buf */
	size_t hi = end < err + AROUND ? end : err + AROUND;
	memcpy(buf + n, s + lo, hi - lo);
	n += hi - lo;
	bool more = hi < end || !ends_line;
	if (hi == end && !ends_line && r->fd >= 0) {
		/* the line goes on in the next block: its next bytes, up to its line break */
		ssize_t k = pread(r->fd, buf + n, sizeof buf - n, (off_t)r->read_to);
		size_t m = 0;
		while (k > 0 && m < (size_t)k && buf[n + m] != '\n' && buf[n + m] != '\r')
			m++;
		if (k > 0) /* (at the end of the file, as the whole line would: "…") */
			more = m == (size_t)k;
		n += m;
	}
	/* lo > 0 or bytes before it in buf: "…" first, as for the whole line */
	size_t from = at > EXCERPT_BEFORE ? at - EXCERPT_BEFORE : 0;
	excerpt(r->bad_value, buf, n, from, more);
}

/*
 * libcsv stopped at s[err], a quote in an unquoted field or text after a closing quote.
 * The record is delivered as rejected, and reading goes on after the line holding s[err]:
 * one stray quote (an inch mark, `24" screen`) costs one record, not the rest of the file.
 */
static void bad_quote(struct csvin *r, const char *s, size_t err, size_t len, bool ends_line)
{
	if (r->line != r->rec_line)
		snprintf(r->problem_text, sizeof r->problem_text,
		         "a quote on line %ld is not doubled, or text follows a closing quote "
		         "(quote the "
		         "whole field and double the quotes inside it)",
		         r->line);
	else
		snprintf(r->problem_text, sizeof r->problem_text,
		         "a quote is not doubled, or text follows a closing quote (quote the whole "
		         "field "
		         "and double the quotes inside it)");
	set_problem(r, r->problem_text, r->nseen + 1 <= CSVIN_MAX_FIELDS ? r->nseen + 1 : 0);
	size_t end = len;
	while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r'))
		end--;
	if (err > end)
		err = end;
	quote_excerpt(r, s, err, end, ends_line);
	deliver(r);
	csv_free(&r->p);
	parser_init(r);
	if (ends_line)
		r->line++;
	else
		r->skip_line = true;
}

static bool is_blank(unsigned char c, unsigned char delim)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n') && c != delim;
}

/* The fields of a quoted line split before any is handed on (split_quoted_line): at most this
 * many, or the line goes to libcsv. */
#define QUOTED_FIELDS_MAX 64

static bool is_pad(char c, unsigned char delim)
{
	return (c == ' ' || c == '\t') && (unsigned char)c != delim;
}

/*
 * The field of a line without its line break (end) that starts at *p, as libcsv gives it, when it
 * is simple: unquoted without a quote (spaces and tabs trimmed at both ends), or, after any
 * spaces and tabs, a quote, text without a quote, the closing quote and spaces or tabs at most
 * (the text between the quotes). Returns 1 with *p at the next field (after the delimiter), 0
 * after the line's last field, or -1 when the field is not simple (a doubled quote, a quote in
 * an unquoted field, text after the closing quote, a field going on on the next line).
 */
static int next_field(const char **p, const char *end, unsigned char d, const char **f, size_t *n)
{
	const char *s = *p;
	while (s < end && is_pad(*s, d))
		s++;
	if (s < end && *s == '"') {
		const char *q = memchr(s + 1, '"', (size_t)(end - s - 1));
		if (!q)
			return -1;
		*f = s + 1;
		*n = (size_t)(q - s - 1);
		for (s = q + 1; s < end && is_pad(*s, d); s++)
			;
		if (s == end)
			return 0;
		if ((unsigned char)*s != d)
			return -1;
		*p = s + 1;
		return 1;
	}
	const char *e = memchr(s, d, (size_t)(end - s));
	const char *fe = e ? e : end;
	if (memchr(s, '"', (size_t)(fe - s)))
		return -1;
	*f = s;
	while (fe > s && is_pad(fe[-1], d))
		fe--;
	*n = (size_t)(fe - s);
	if (!e)
		return 0;
	*p = e + 1;
	return 1;
}

/* s[0..len) without its line break ('\n', "\r\n"); NULL when a CR is left in it (a record
 * ends there). */
static const char *line_end(const char *s, size_t len)
{
	if (len && s[len - 1] == '\n')
		len--;
	if (len && s[len - 1] == '\r')
		len--;
	return memchr(s, '\r', len) ? NULL : s + len;
}

bool csvin_line_field(const char *line, size_t len, unsigned char delim, int col, const char **f,
                      size_t *n)
{
	const char *end = line_end(line, len);
	if (!end || col < 0)
		return false;
	bool quotes = memchr(line, '"', (size_t)(end - line)) != NULL;
	const char *p = line;
	for (int i = 0;; i++) {
		const char *g;
		size_t gn;
		int more = next_field(&p, end, delim, &g, &gn);
		if (more < 0)
			return false;
		if (i == col) {
			*f = g;
			*n = gn;
			if (!quotes)
				return true; /* the rest holds no quote: simple */
		}
		if (!more)
			return i >= col;
	}
}

/* Whether the whole line s[0..len) is a record of its own, as csvin_line_field splits it. */
static bool own_record(const char *s, size_t len, unsigned char delim)
{
	const char *end = line_end(s, len);
	if (!end)
		return false;
	if (!memchr(s, '"', (size_t)(end - s)))
		return true;
	const char *f;
	size_t n;
	int more = 1;
	for (const char *p = s; more > 0;)
		more = next_field(&p, end, delim, &f, &n);
	return more == 0;
}

/*
 * A whole line with quotes whose every field is simple (next_field), as many exports quote
 * every field (`"Moving home","2026-07-01 10:00"`). The fields are found first and handed on
 * only when the whole line is such a line; returns false, having handed on nothing, when it is
 * not: libcsv reads it.
 */
static bool split_quoted_line(struct csvin *r, const char *s, const char *end)
{
	const char *fs[QUOTED_FIELDS_MAX];
	size_t fn[QUOTED_FIELDS_MAX];
	int n = 0, more = 1;
	for (const char *p = s; more;) {
		if (n == QUOTED_FIELDS_MAX)
			return false;
		more = next_field(&p, end, r->delim, &fs[n], &fn[n]);
		if (more < 0)
			return false;
		n++;
	}
	for (int i = 0; i < n; i++)
		on_field((void *)fs[i], fn[i], r);
	return true;
}

/*
 * A whole line without a lone CR or a field that could be too long, and without a quote or
 * with simple quoted fields only (split_quoted_line): its fields are split here, as libcsv would
 * split them (a field is what lies between delimiters, spaces and tabs trimmed at both ends when
 * they are not the delimiter), and handed to the same callbacks. Most lines of an export are
 * such lines: reading them is several times faster than through libcsv's state machine, which
 * reads the others. Returns false when the line is not one.
 */
static bool split_plain_line(struct csvin *r, const char *s, size_t len)
{
	size_t body = len - 1; /* without its '\n' */
	if (body && s[body - 1] == '\r')
		body--;
	if (len > CSVIN_MAX_FIELD || memchr(s, '\r', body))
		return false;
	const char *p = s, *end = s + body;
	r->in_record = true;
	r->rec_line = r->line;
	r->check_fields = value_utf8_invalid(s, len) >= 0;
	if (memchr(s, '"', body)) {
		if (!split_quoted_line(r, s, end)) {
			r->in_record = false;
			return false;
		}
		on_record('\n', r);
		r->line++;
		return true;
	}
	unsigned char d = r->delim;
	for (;;) {
		const char *e = memchr(p, d, (size_t)(end - p));
		const char *fe = e ? e : end, *fs = p;
		while (fs < fe && is_pad(*fs, d))
			fs++;
		while (fe > fs && is_pad(fe[-1], d))
			fe--;
		on_field((void *)fs, (size_t)(fe - fs), r);
		if (!e)
			break;
		p = e + 1;
	}
	on_record('\n', r);
	r->line++;
	return true;
}

static void feed_line(struct csvin *r, const char *s, size_t len, bool ends_line);

/*
 * feed_line of a block's last bytes, a piece of a line that goes on in the next block: its last
 * bytes are kept (line_tail) for an excerpt in the line's next piece.
 */
static void feed_line_cut(struct csvin *r, const char *s, size_t len)
{
	feed_line(r, s, len, false);
	size_t cap = sizeof r->line_tail;
	if (r->tail_line != r->line) /* the tail kept is an earlier line's */
		r->line_tail_len = 0;
	r->tail_line = r->line;
	if (len >= cap) {
		memcpy(r->line_tail, s + len - cap, cap);
		r->line_tail_len = cap;
		return;
	}
	size_t keep = r->line_tail_len + len > cap ? cap - len : r->line_tail_len;
	memmove(r->line_tail, r->line_tail + r->line_tail_len - keep, keep);
	memcpy(r->line_tail + keep, s, len);
	r->line_tail_len = keep + len;
}

/* Feeds s[0..len), one line or the start or rest of one; ends_line: it ends with its '\n'. */
static void feed_line(struct csvin *r, const char *s, size_t len, bool ends_line)
{
	if (r->skip_line) {
		if (ends_line) {
			r->skip_line = false;
			r->line++;
		}
		return;
	}
	if (!r->in_record) {
		/* libcsv skips blank lines too, between records; so can we. */
		size_t k = 0;
		while (k < len && is_blank((unsigned char)s[k], r->delim))
			k++;
		if (k == len) {
			r->line += ends_line;
			return;
		}
		if (r->filter && ends_line && own_record(s, len, r->delim) &&
		    !r->filter(r->filter_ctx, s, len, r->delim)) {
			r->line++;
			return;
		}
		if (ends_line && split_plain_line(r, s, len))
			return;
		r->in_record = true;
		r->rec_line = r->line;
		r->check_fields = false;
	}
	/* A character cut by a block boundary looks invalid here: the fields are checked then. */
	if (!r->check_fields && value_utf8_invalid(s, len) >= 0)
		r->check_fields = true;
	for (size_t off = 0; off < len && !r->stop;) {
		size_t k = len - off < PIECE_SIZE ? len - off : PIECE_SIZE;
		size_t got = csv_parse(&r->p, s + off, k, on_field, on_record, r);
		if (got < k) {
			if (!r->stop) /* else the callback has asked for nothing more */
				bad_quote(r, s, off + got, len, ends_line);
			return;
		}
		off += k;
		if (r->p.entry_pos > CSVIN_MAX_FIELD)
			cut_field(r);
		/* libcsv grows its field buffer by a fixed step: make the step its size, so that
		 * it doubles instead of being copied over and over for a long field. */
		size_t cap = csv_get_buffer_size(&r->p);
		if (cap > r->p.blk_size)
			csv_set_blk_size(&r->p, cap);
	}
	r->line += ends_line;
}

/* How many lines ahead csvin_opts.ahead is told of a line: far enough for a fetch from memory
 * to arrive before the row is read. */
#define AHEAD_LINES 16

/* Goes on at csvin_opts.start_at: the next bytes fed are those from there, line start_line. */
static void jump_to(struct csvin *r)
{
	r->jump = false;
	r->line_tail_len = 0;
	r->block_at = r->read_to = r->start_at;
	r->line = r->start_line;
	r->start_at = 0;
}

/* Whether to go on at csvin_opts.start_at now (after the header, between records): then the
 * block's other lines are not fed. A start_at already passed is dropped. */
static bool jump_now(struct csvin *r)
{
	if (!r->start_at || !r->header_seen || r->in_record || r->skip_line)
		return false;
	if (r->start_at <= r->read_to) {
		r->start_at = 0;
		return false;
	}
	r->jump = true;
	return true;
}

/* feed, telling r->ahead of each line of the block AHEAD_LINES lines before it is fed. */
static void feed_ahead(struct csvin *r, const char *b, size_t n)
{
	size_t ends[AHEAD_LINES]; /* the ends of the lines told of and not yet fed, a ring */
	size_t head = 0, count = 0, scan = 0, i = 0;
	while (i < n && !r->stop) {
		while (count < AHEAD_LINES && scan < n) {
			const char *nl = memchr(b + scan, '\n', n - scan);
			if (!nl)
				break;
			size_t e = (size_t)(nl - b) + 1;
			r->ahead(r->ahead_ctx, b + scan, e - scan, r->delim, NULL);
			ends[(head + count) % AHEAD_LINES] = e;
			count++;
			scan = e;
		}
		if (!count) { /* the block's last bytes, without a line break */
			r->read_to = r->block_at + n;
			feed_line_cut(r, b + i, n - i);
			return;
		}
		size_t end = ends[head];
		head = (head + 1) % AHEAD_LINES;
		count--;
		r->read_to = r->block_at + end;
		feed_line(r, b + i, end - i, true);
		i = end;
		if (jump_now(r))
			return;
	}
}

static void feed(struct csvin *r, const char *b, size_t n)
{
	if (r->ahead) {
		feed_ahead(r, b, n);
		return;
	}
	size_t i = 0;
	while (i < n && !r->stop) {
		const char *nl = memchr(b + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - b) + 1 : n;
		r->read_to = r->block_at + end;
		if (nl)
			feed_line(r, b + i, end - i, true);
		else
			feed_line_cut(r, b + i, end - i);
		i = end;
		if (jump_now(r))
			return;
	}
}

/* The most frequent of , ; TAB | outside quotes on the first non-blank line; ',' on a tie. */
static char sniff(const char *s, size_t n)
{
	static const char cand[] = {',', ';', '\t', '|'};
	size_t count[4] = {0};
	bool quoted = false, started = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			quoted = !quoted;
			started = true;
		} else if (quoted) {
			continue;
		} else if (c == '\n' || c == '\r') {
			if (started)
				break;
		} else if (c != ' ') {
			started = true;
			for (int j = 0; j < 4; j++)
				count[j] += c == cand[j];
		}
	}
	int best = 0;
	bool tie = false;
	for (int j = 1; j < 4; j++) {
		if (count[j] > count[best]) {
			best = j;
			tie = false;
		} else if (count[j] == count[best]) {
			tie = true;
		}
	}
	return count[best] == 0 || tie ? ',' : cand[best];
}

/* Sets up r from the first bytes of the input (BOM already skipped) and the options. */
static void begin(struct csvin *r, const struct csvin_opts *opts, const char *first, size_t n,
                  csvin_record_fn fn, void *ctx)
{
	memset(r, 0, sizeof *r);
	char d = opts ? opts->delimiter : ',';
	r->delim = (unsigned char)(d ? d : sniff(first, n));
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	r->filter_later = opts ? opts->filter : NULL;
	r->filter_ctx = opts ? opts->filter_ctx : NULL;
	r->ahead = opts ? opts->ahead : NULL;
	r->ahead_ctx = opts ? opts->ahead_ctx : NULL;
	r->start_at = opts ? opts->start_at : 0;
	r->start_line = opts ? opts->start_line : 0;
	r->stop_at = opts && opts->stop_at ? opts->stop_at : SIZE_MAX;
	r->fd = -1;
	parser_init(r);
}

/* Ends the input: the last record without a line break, or the never-closed quote. */
static int end(struct csvin *r, char *delim_used, long *unterminated_line)
{
	long unterminated = 0;
	if (!r->stop && !r->skip_line && csv_fini(&r->p, on_field, on_record, r) != 0 &&
	    csv_error(&r->p) == CSV_EPARSE)
		unterminated = r->rec_line;
	if (delim_used)
		*delim_used = (char)r->delim;
	if (unterminated_line)
		*unterminated_line = unterminated;
	csv_free(&r->p);
	free(r->text);
	free(r->offs);
	free(r->lens);
	free(r->fields);
	return r->stop;
}

static size_t bom_len(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int csvin_read_mem(const char *data, size_t len, const struct csvin_opts *opts, csvin_record_fn fn,
                   void *ctx, char *delim_used, long *unterminated_line)
{
	struct csvin r;
	size_t skip = bom_len(data, len);
	begin(&r, opts, data + skip, len - skip, fn, ctx);
	r.block_at = skip;
	r.size = len;
	size_t upto = r.stop_at < len ? r.stop_at : len; /* what is read of it */
	feed(&r, data + skip, upto > skip ? upto - skip : 0);
	if (r.jump) {
		jump_to(&r);
		if (r.block_at < upto) /* past the end: nothing more */
			feed(&r, data + r.block_at, upto - r.block_at);
	}
	return end(&r, delim_used, unterminated_line);
}

/* Reads up to n bytes, fewer only at the end of the file. Returns -1 with errno on error. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/*
 * Large files are parsed in a thread of their own: libcsv and the checks of this module run on
 * one core while the caller's callback (turning records into cases) runs on the other. Records
 * cross in batches, in file order, so the callback sees exactly what it would see unthreaded.
 */
enum { PIPE_BATCHES = 4, BATCH_RECORDS = 4096, BATCH_TEXT = 1u << 20 };

struct brec {
	long line, end_line;
	size_t read_to;            /* csvin_record.read_to */
	size_t first, nfields;     /* fields first.. of the batch */
	size_t problem, bad_value; /* offsets into text, SIZE_MAX when none */
	size_t bad_field;
	bool prepared; /* csvin_opts.prep gave its bytes (batch.prep) */
};

struct batch {
	char *text;
	size_t text_len, text_cap;
	struct brec *recs;
	size_t n, cap;
	unsigned char *prep; /* csvin_opts.prep_size bytes a record, for prep_cap records */
	size_t prep_cap;
	size_t *offs, *lens; /* per field */
	size_t nf, nf_cap;
	struct batch *next;
};

struct pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct batch *full_head, *full_tail; /* parsed, in file order */
	struct batch *free;                  /* for the parser to fill */
	struct batch *filling;               /* the parser's current batch */
	atomic_int stop;                     /* the callback's non-zero return */
	bool done;
	/* the parser's results */
	int rc;
	char delim_used;
	long unterminated;
	/* its input */
	int fd;
	char *buf;
	ssize_t first_n;
	size_t size; /* the file's */
	const char *name;
	const struct csvin_opts *opts;
	const char **fields; /* the record being prepared (the parser's thread's) */
	size_t fields_cap;
	/* whether the parser prepares the records of the batch it fills (csvin_opts.prep): from
	 * when it waits for a free batch (the caller is behind) to when the caller waits for a
	 * full one (then the parser is), so that the work goes to the thread that has time for it
	 */
	bool prep_on;
	bool caller_waited; /* since the parser last took a free batch */
};

static size_t batch_text(struct batch *b, const char *s, size_t n)
{
	if (b->text_len + n + 1 > b->text_cap) {
		b->text_cap = b->text_cap ? 2 * b->text_cap : BATCH_TEXT + 4096;
		while (b->text_len + n + 1 > b->text_cap)
			b->text_cap *= 2;
		b->text = xreallocarray(b->text, b->text_cap, 1);
	}
	size_t at = b->text_len;
	char *d = b->text + at;
	copy_short(d, s, n);
	d[n] = '\0';
	b->text_len += n + 1;
	return at;
}

static void pipe_publish(struct pipe *p, struct batch *b)
{
	pthread_mutex_lock(&p->lock);
	b->next = NULL;
	if (p->full_tail)
		p->full_tail->next = b;
	else
		p->full_head = b;
	p->full_tail = b;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* A free batch for the parser, waiting while the caller is behind. */
static struct batch *pipe_take_free(struct pipe *p)
{
	pthread_mutex_lock(&p->lock);
	bool waited = false;
	while (!p->free) {
		waited = true;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	if (waited)
		p->prep_on = true;
	else if (p->caller_waited)
		p->prep_on = false;
	p->caller_waited = false;
	struct batch *b = p->free;
	p->free = b->next;
	pthread_mutex_unlock(&p->lock);
	b->n = b->nf = b->text_len = 0;
	return b;
}

/*
 * Feeds r the file's first block, buf[skip..n) (read already), then the rest of the file,
 * block by block, until its end or until the callback asks to stop. Returns 0, or -1 after
 * reporting a read error.
 */
static int feed_file(struct csvin *r, int fd, char *buf, size_t skip, ssize_t n, const char *name)
{
	/* the bytes of the first block before stop_at; a block cut short there is the last */
	size_t want = BLOCK_SIZE, got = (size_t)n < r->stop_at ? (size_t)n : r->stop_at;
	r->fd = fd;
	r->block_at = skip;
	feed(r, buf + skip, got > skip ? got - skip : 0);
	r->block_at = got;
	while (!r->stop && ((size_t)n == want || r->jump)) {
		if (r->jump) {
			jump_to(r);
			if (lseek(fd, (off_t)r->block_at, SEEK_SET) < 0) {
				diag_msg(DIAG_ERROR, name, r->line, 0, "cannot read: %s",
				         strerror(errno));
				return -1;
			}
		}
		if (r->block_at >= r->stop_at)
			break;
		want =
		    r->stop_at - r->block_at < BLOCK_SIZE ? r->stop_at - r->block_at : BLOCK_SIZE;
		n = read_full(fd, buf, want);
		if (n < 0) {
			diag_msg(DIAG_ERROR, name, r->line, 0, "cannot read: %s", strerror(errno));
			return -1;
		}
		feed(r, buf, (size_t)n);
		r->block_at += (size_t)n;
	}
	return 0;
}

/* Copies a field straight into the batch being filled (a record's fields never span batches:
   batches are handed over only between records). */
static void pipe_store_field(struct csvin *r, const char *s, size_t len)
{
	struct batch *b = r->pipe->filling;
	if (b->nf == b->nf_cap) {
		b->nf_cap = b->nf_cap ? 2 * b->nf_cap : 16 * BATCH_RECORDS;
		b->offs = xreallocarray(b->offs, b->nf_cap, sizeof *b->offs);
		b->lens = xreallocarray(b->lens, b->nf_cap, sizeof *b->lens);
	}
	b->offs[b->nf] = batch_text(b, s, len);
	b->lens[b->nf++] = len;
	r->nfields++;
}

/* Record i of batch b's prep (csvin_record.prep). */
static const void *batch_prep(const struct batch *b, size_t i, const struct csvin_opts *opts)
{
	return b->recs[i].prepared ? b->prep + i * opts->prep_size : NULL;
}

/* Record br of batch b as the callbacks see it, its fields' addresses put in *fields (grown to
 * *cap as needed); size: the file's. */
static struct csvin_record batch_record(const struct batch *b, const struct brec *br,
                                        const char ***fields, size_t *cap, size_t size,
                                        const struct csvin_opts *opts)
{
	if (br->nfields > *cap)
		*fields = xreallocarray(*fields, *cap = br->nfields + 64, sizeof **fields);
	for (size_t f = 0; f < br->nfields; f++)
		(*fields)[f] = b->text + b->offs[br->first + f];
	return (struct csvin_record){
	    .line = br->line,
	    .nfields = br->nfields,
	    .fields = *fields,
	    .lens = b->lens + br->first,
	    .problem = br->problem != SIZE_MAX ? b->text + br->problem : NULL,
	    .bad_field = br->bad_field,
	    .bad_value = br->bad_value != SIZE_MAX ? b->text + br->bad_value : NULL,
	    .read_to = br->read_to,
	    .size = size,
	    .end_line = br->end_line,
	    .prep = batch_prep(b, (size_t)(br - b->recs), opts),
	};
}

/* csvin_opts.prep of record br, just put into batch b (the parser's thread). */
static void prepare(struct pipe *p, struct batch *b, struct brec *br)
{
	const struct csvin_opts *o = p->opts;
	if (b->prep_cap < b->cap) {
		b->prep = xreallocarray(b->prep, b->cap, o->prep_size);
		b->prep_cap = b->cap;
	}
	struct csvin_record rec = batch_record(b, br, &p->fields, &p->fields_cap, p->size, o);
	br->prepared = o->prep(o->prep_ctx, &rec, b->prep + (size_t)(br - b->recs) * o->prep_size);
}

static void pipe_put(struct csvin *r)
{
	struct pipe *p = r->pipe;
	struct batch *b = p->filling;
	int stop = atomic_load(&p->stop);
	if (stop) {
		r->stop = stop;
		b->nf -= r->nfields; /* the record's fields, stored, are dropped */
		return;
	}
	if (b->n == b->cap)
		b->recs = xreallocarray(b->recs, b->cap = b->cap ? 2 * b->cap : BATCH_RECORDS,
		                        sizeof *b->recs);
	struct brec *rec = &b->recs[b->n++];
	*rec = (struct brec){.line = r->rec_line,
	                     .end_line = r->line,
	                     .read_to = r->read_to,
	                     .first = b->nf - r->nfields,
	                     .nfields = r->nfields,
	                     .problem = SIZE_MAX,
	                     .bad_value = SIZE_MAX,
	                     .bad_field = r->problem ? r->bad_field : 0};
	if (r->problem) {
		rec->problem = batch_text(b, r->problem, strlen(r->problem));
		if (r->bad_value[0])
			rec->bad_value = batch_text(b, r->bad_value, strlen(r->bad_value));
	} else if (p->opts->prep && p->prep_on) {
		prepare(p, b, rec);
	}
	if (b->n >= BATCH_RECORDS || b->text_len >= BATCH_TEXT) {
		pipe_publish(p, b);
		p->filling = pipe_take_free(p);
	}
}

static void *parser_thread(void *arg)
{
	struct pipe *p = arg;
	prctl(PR_SET_NAME, "boardpack-csv"); /* so that profilers tell the two threads apart */
	size_t skip = bom_len(p->buf, (size_t)p->first_n);
	struct csvin r;
	begin(&r, p->opts, p->buf + skip, (size_t)p->first_n - skip, NULL, NULL);
	r.size = p->size;
	r.ahead = NULL; /* what it would fetch would be in the other core's cache, and the
	                   tables it looks into change under it */
	r.pipe = p;
	p->filling = pipe_take_free(p);
	int rc = feed_file(&r, p->fd, p->buf, skip, p->first_n, p->name);
	if (rc)
		end(&r, &p->delim_used, NULL);
	else
		rc = end(&r, &p->delim_used, &p->unterminated);
	pipe_publish(p, p->filling);
	p->filling = NULL;
	pthread_mutex_lock(&p->lock);
	p->rc = rc;
	p->done = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

bool csvin_several_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/* Tells opts->ahead of record i of the batch: its fields, stored one after another each with
 * its NUL, are a line whose delimiter is NUL. */
static void batch_ahead(const struct batch *b, size_t i, const struct csvin_opts *opts)
{
	const struct brec *br = &b->recs[i];
	if (!br->nfields)
		return;
	size_t from = b->offs[br->first], last = br->first + br->nfields - 1;
	size_t to = b->offs[last] + b->lens[last];
	opts->ahead(opts->ahead_ctx, b->text + from, to - from, '\0', batch_prep(b, i, opts));
}

static int read_piped(int fd, char *buf, ssize_t first_n, size_t size,
                      const struct csvin_opts *opts, const char *name, csvin_record_fn fn,
                      void *ctx, char *delim_used, long *unterminated_line)
{
	struct pipe p = {.lock = PTHREAD_MUTEX_INITIALIZER,
	                 .cond = PTHREAD_COND_INITIALIZER,
	                 .fd = fd,
	                 .buf = buf,
	                 .first_n = first_n,
	                 .size = size,
	                 .name = name,
	                 .opts = opts,
	                 .prep_on = true};
	struct batch batches[PIPE_BATCHES] = {0};
	for (int i = 0; i < PIPE_BATCHES; i++) {
		batches[i].next = p.free;
		p.free = &batches[i];
	}
	pthread_t thread;
	if (pthread_create(&thread, NULL, parser_thread, &p) != 0)
		return -2; /* the caller reads unthreaded */
	const char **fields = NULL;
	size_t fields_cap = 0;
	int stop = 0;
	bool got_one = false;
	for (;;) {
		pthread_mutex_lock(&p.lock);
		while (!p.full_head && !p.done) {
			/* not for the first batch: the parser has only just begun */
			p.caller_waited = got_one;
			pthread_cond_wait(&p.cond, &p.lock);
		}
		struct batch *b = p.full_head;
		if (b) {
			p.full_head = b->next;
			if (!p.full_head)
				p.full_tail = NULL;
		}
		pthread_mutex_unlock(&p.lock);
		if (!b)
			break;
		got_one = true;
		for (size_t i = 0; i < b->n && !stop; i++) {
			if (opts->ahead && i + AHEAD_LINES < b->n)
				batch_ahead(b, i + AHEAD_LINES, opts);
			struct csvin_record rec =
			    batch_record(b, &b->recs[i], &fields, &fields_cap, p.size, opts);
			stop = fn(ctx, &rec);
			if (stop)
				atomic_store(&p.stop, stop);
		}
		pthread_mutex_lock(&p.lock);
		b->next = p.free;
		p.free = b;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
	}
	pthread_join(thread, NULL);
	for (int i = 0; i < PIPE_BATCHES; i++) {
		free(batches[i].text);
		free(batches[i].recs);
		free(batches[i].offs);
		free(batches[i].lens);
		free(batches[i].prep);
	}
	free(p.fields);
	free(fields);
	if (delim_used)
		*delim_used = p.delim_used;
	/* a stopped read reports no never-closed quote, as unthreaded (the parser may have got
	 * further) */
	if (unterminated_line)
		*unterminated_line = stop ? 0 : p.unterminated;
	return stop ? stop : p.rc;
}

int csvin_read(const char *path, const struct csvin_opts *opts, csvin_record_fn fn, void *ctx,
               char *delim_used, long *unterminated_line)
{
	const char *name = opts && opts->name ? opts->name : path;
	if (unterminated_line)
		*unterminated_line = 0;
	const char *why;
	int fd = safeopen(path, &why); /* a regular file, opened without blocking */
	if (fd < 0) {
		if (strncmp(why, "is ", 3) == 0)
			diag_msg(DIAG_ERROR, name, 0, 0, "cannot be read: it %s", why);
		else
			diag_msg(DIAG_ERROR, name, 0, 0, "cannot open: %s", why);
		return -1;
	}
	char *buf = xmalloc(BLOCK_SIZE);
	ssize_t n = read_full(fd, buf, BLOCK_SIZE);
	if (n < 0) {
		diag_msg(DIAG_ERROR, name, 0, 0, "cannot read: %s", strerror(errno));
		free(buf);
		close(fd);
		return -1;
	}
	struct stat st;
	size_t size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0; /* safeopen: a regular file */
	/* records reach fn in file order, exactly as unthreaded */
	size_t thread_from = opts->thread_from ? opts->thread_from : CSVIN_THREAD_FROM;
	if (n == BLOCK_SIZE && size >= thread_from && csvin_several_cpus()) {
		int rc = read_piped(fd, buf, n, size, opts, name, fn, ctx, delim_used,
		                    unterminated_line);
		if (rc != -2) {
			free(buf);
			close(fd);
			return rc;
		}
	}
	size_t skip = bom_len(buf, (size_t)n);
	struct csvin r;
	begin(&r, opts, buf + skip, (size_t)n - skip, fn, ctx);
	r.size = size;
	int rc = feed_file(&r, fd, buf, skip, n, name);
	free(buf);
	close(fd);
	if (rc) {
		end(&r, NULL, NULL);
		return -1;
	}
	return end(&r, delim_used, unterminated_line);
}

long csvin_unended_line(const char *path)
{
	const char *why;
	int fd = safeopen(path, &why);
	if (fd < 0)
		return 0;
	struct stat st;
	char last = '\n';
	if (fstat(fd, &st) != 0 || st.st_size == 0 || pread(fd, &last, 1, st.st_size - 1) != 1 ||
	    last == '\n' || last == '\r') {
		close(fd);
		return 0;
	}
	/* rare: count the lines to name the last one */
	long lines = 1;
	char *buf = xmalloc(BLOCK_SIZE);
	ssize_t n;
	while ((n = read(fd, buf, BLOCK_SIZE)) > 0)
		for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p)));
		     p++)
			lines++;
	free(buf);
	close(fd);
	return lines;
}
