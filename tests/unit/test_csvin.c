/* Unit tests of csvin: quoting, trimming, blank lines, physical line numbers, delimiter
 * sniffing, invalid bytes, limits in bounded memory and I/O errors. Each record read is
 * written as one line of text, "LINE|field|field…" (or "LINE!COL problem [excerpt]|…" when
 * rejected), and compared whole. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <unistd.h>

#include "in/csvin.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xmem.h"

/* --- Helpers ------------------------------------------------------------------------------- */

struct got {
	struct strbuf out;
	int stop_at; /* stop (return 7) at this record, counted from 1; 0 never */
	int n;
	bool lines_only; /* write only line numbers and problems (large inputs) */
	bool no_excerpt; /* without the problems' excerpts (bad_value) */
};

static int collect(void *ctx, const struct csvin_record *rec)
{
	struct got *g = ctx;
	strbuf_printf(&g->out, "%ld", rec->line);
	if (rec->problem)
		strbuf_printf(&g->out, "!%zu %s [%s]", rec->bad_field, rec->problem,
		              rec->bad_value && !g->no_excerpt ? rec->bad_value : "");
	if (!g->lines_only) {
		for (size_t i = 0; i < rec->nfields; i++) {
			/* Fields are NUL-terminated at lens[i] (a NUL inside is a rejection). */
			assert_int_equal(rec->fields[i][rec->lens[i]], '\0');
			strbuf_putc(&g->out, '|');
			for (size_t k = 0; k < rec->lens[i]; k++) {
				char c = rec->fields[i][k];
				if (c == '\n')
					strbuf_puts(&g->out, "\\n");
				else if (c == '\r')
					strbuf_puts(&g->out, "\\r");
				else if (c == '\0')
					strbuf_puts(&g->out, "\\0");
				else
					strbuf_putc(&g->out, c);
			}
		}
	}
	strbuf_putc(&g->out, '\n');
	return ++g->n == g->stop_at ? 7 : 0;
}

struct run {
	int rc;
	char delim;
	long unterminated;
	char *out;
};

static struct run run_mem_len(const char *data, size_t len, char delim)
{
	struct got g = {STRBUF_INIT, 0, 0, false, false};
	struct csvin_opts opts = {.delimiter = delim, .name = "t.csv"};
	struct run r = {0, 'X', -5, NULL};
	r.rc = csvin_read_mem(data, len, &opts, collect, &g, &r.delim, &r.unterminated);
	r.out = strbuf_detach(&g.out);
	return r;
}

static struct run run_mem(const char *data, char delim)
{
	return run_mem_len(data, strlen(data), delim);
}

/* Reads data with delimiter delim and checks every record read, and that no quote was left open. */
static void expect(const char *data, char delim, const char *want)
{
	struct run r = run_mem(data, delim);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.unterminated, 0);
	assert_string_equal(r.out, want);
	free(r.out);
}

static char *temp_file(const void *data, size_t len)
{
	char *path = xstrdup("/tmp/test_csvin_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static struct run run_file(const char *path, char delim, bool lines_only)
{
	struct got g = {STRBUF_INIT, 0, 0, lines_only, false};
	struct csvin_opts opts = {.delimiter = delim, .name = "t.csv"};
	struct run r = {0, 'X', -5, NULL};
	r.rc = csvin_read(path, &opts, collect, &g, &r.delim, &r.unterminated);
	r.out = strbuf_detach(&g.out);
	return r;
}

static char *capture_buf;
static size_t capture_len;
static FILE *capture;

static void capture_start(void)
{
	capture = open_memstream(&capture_buf, &capture_len);
	diag_set_stream(capture);
}

static char *capture_end(void)
{
	fclose(capture);
	diag_set_stream(NULL);
	return capture_buf;
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* --- Structure ------------------------------------------------------------------------------- */

static void test_basic(void **state)
{
	(void)state;
	expect("a,b\n1,2\n", ',', "1|a|b\n2|1|2\n");
	/* The last line needs no line break. */
	expect("a,b\n1,2", ',', "1|a|b\n2|1|2\n");
	/* Empty fields, at either end too. */
	expect("a,b,c\n,,\n1,,\n", ',', "1|a|b|c\n2|||\n3|1||\n");
}

static void test_lone_cr(void **state)
{
	(void)state;
	/* Not a line ending of the contract; libcsv ends a record there, and the record after it
	 * is on the same physical line (lines are counted by LF). */
	expect("a,b\rc,d\ne,f\n", ',', "1|a|b\n1|c|d\n2|e|f\n");
}

static void test_empty_and_header_only(void **state)
{
	(void)state;
	expect("", ',', "");
	expect("\n\n\r\n  \n", ',', "");
	expect("\xEF\xBB\xBF", ',', "");
	expect("case_id,journey\n", ',', "1|case_id|journey\n");
	expect("case_id,journey", ',', "1|case_id|journey\n");
}

static void test_bom(void **state)
{
	(void)state;
	expect("\xEF\xBB\xBF"
	       "a,b\n1,2\n",
	       ',', "1|a|b\n2|1|2\n");
	/* Only at the very start. */
	expect("a,b\n\xEF\xBB\xBF"
	       "1,2\n",
	       ',',
	       "1|a|b\n2|\xEF\xBB\xBF"
	       "1|2\n");
	const char file[] = "\xEF\xBB\xBF"
	                    "case_id;journey\nA;Moving home\n";
	char *path = temp_file(file, sizeof file - 1);
	struct run r = run_file(path, 0, false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.delim, ';');
	assert_string_equal(r.out, "1|case_id|journey\n2|A|Moving home\n");
	free(r.out);
	unlink(path);
	free(path);
}

static void test_crlf(void **state)
{
	(void)state;
	expect("a,b\r\n1,2\r\n3,4", ',', "1|a|b\n2|1|2\n3|3|4\n");
	expect("a,b\r\n\r\n\r\n1,2\r\n", ',', "1|a|b\n4|1|2\n");
	/* Inside quotes, CRLF is part of the field. */
	expect("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n", ',', "1|a|b\n2|x\\r\\ny|2\n4|3|4\n");
	const char file[] = "a,b\r\n1,2\r\n\r\n3,4\r\n";
	char *path = temp_file(file, sizeof file - 1);
	struct run r = run_file(path, ',', false);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "1|a|b\n2|1|2\n4|3|4\n");
	free(r.out);
	unlink(path);
	free(path);
}

static void test_quoting(void **state)
{
	(void)state;
	expect("\"a, b\",c\n", ',', "1|a, b|c\n");
	expect("\"say \"\"hi\"\"\",x\n", ',', "1|say \"hi\"|x\n");
	expect("\"\",\"\"\"\"\n", ',', "1||\"\n");
	expect("\"a;b\";c\n", ';', "1|a;b|c\n");
	expect("\"a\tb\"\tc\n", '\t', "1|a\tb|c\n");
}

static int first_field(void *ctx, const struct csvin_record *rec)
{
	struct strbuf *b = ctx;
	strbuf_printf(b, "%zu:%s;", rec->nfields, rec->fields[0]);
	return 0;
}

static void test_quoted_pipe(void **state)
{
	(void)state;
	/* The dump separates fields with '|', so look at the fields themselves. */
	struct strbuf b = STRBUF_INIT;
	struct csvin_opts opts = {.delimiter = '|'};
	assert_int_equal(csvin_read_mem("\"a|b\"|c\nd|e\n", 12, &opts, first_field, &b, NULL, NULL),
	                 0);
	assert_string_equal(b.s, "2:a|b;2:d;");
	strbuf_free(&b);
}

static void test_embedded_newlines(void **state)
{
	(void)state;
	/* A record is named by its first line; the lines after it keep their physical numbers. */
	expect("id,note\n1,\"first\nsecond\nthird\"\n2,plain\n\n3,\"x\n\ny\"\n4,end\n", ',',
	       "1|id|note\n2|1|first\\nsecond\\nthird\n5|2|plain\n7|3|x\\n\\ny\n10|4|end\n");
	/* A newline in the first field of a record. */
	expect("\"a\nb\",c\nd,e\n", ',', "1|a\\nb|c\n3|d|e\n");
}

static void test_bad_record_after_multiline(void **state)
{
	(void)state;
	/* A record spanning 3 lines, then a bad one: the bad record gets its true line (5). */
	expect("id,note\n1,\"a\nb\nc\"\n2,caf\xE9\n3,ok\n", ',',
	       "1|id|note\n2|1|a\\nb\\nc\n5!2 not valid UTF-8 [caf\\xE9]|2|caf\xE9\n6|3|ok\n");
	expect("id,note\n1,\"a\nb\nc\"\n2,24\" screen\n3,ok\n", ',',
	       "1|id|note\n2|1|a\\nb\\nc\n"
	       "5!2 a quote is not doubled, or text follows a closing quote (quote the whole field "
	       "and "
	       "double the quotes inside it) [2,24\" screen]|2\n6|3|ok\n");
}

static void test_trimming(void **state)
{
	(void)state;
	expect("  a  ,  b c  ,c\n", ',', "1|a|b c|c\n");
	expect("\"  a  \",\" b \"\n", ',', "1|  a  | b \n");
	/* Spaces around the quotes of a quoted field go, those inside stay. */
	expect("  \" a \"  ,b\n", ',', "1| a |b\n");
	expect("a ;  b\n", ';', "1|a|b\n");
	/* With TAB as delimiter, spaces are still trimmed and tabs separate. */
	expect(" a \t b \t\tc\n", '\t', "1|a|b||c\n");
}

static void test_blank_lines(void **state)
{
	(void)state;
	/* Skipped, not delivered, and still counted as physical lines. */
	expect("\n\na,b\n\n   \n1,2\n\r\n\n3,4\n\n\n", ',', "3|a|b\n6|1|2\n9|3|4\n");
	/* A line holding only a delimiter is not blank. */
	expect("a,b\n,\n", ',', "1|a|b\n2||\n");
	expect("a\tb\n\t\n", '\t', "1|a|b\n2||\n");
}

static void test_sniff(void **state)
{
	(void)state;
	struct run r;
	const struct {
		const char *data;
		char want;
	} cases[] = {
	    {"a,b,c\n1,2,3\n", ','},
	    {"a;b;c\n1;2;3\n", ';'},
	    {"a\tb\tc\n1\t2\t3\n", '\t'},
	    {"a|b|c\n1|2|3\n", '|'},
	    {"a;b,c;d\n", ';'}, /* most frequent wins */
	    {"a;b,c\n", ','},   /* a tie gives ',' */
	    {"a|b\tc\n", ','},  /* a tie without ',' too */
	    {"name\n1\n", ','}, /* none gives ',' */
	    {"", ','},
	    {"\"a;b;c\",d,e\n", ','},        /* delimiters inside quotes do not count */
	    {"\"x\ny;z;w\",a|b|c\n", '|'},   /* nor inside a quoted newline */
	    {"\n\n  \na;b\n1,2,3,4\n", ';'}, /* the header is the first non-blank line */
	    {"a;b\n1,2,3,4,5\n", ';'},       /* only the header line counts */
	    {"\xEF\xBB\xBF"
	     "a|b\n",
	     '|'},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		r = run_mem(cases[i].data, 0);
		if (r.delim != cases[i].want)
			fail_msg("case %zu: sniffed '%c', expected '%c'", i, r.delim,
			         cases[i].want);
		free(r.out);
	}
	/* Sniffed, then used. */
	expect("a;b\n1;2,5\n", 0, "1|a|b\n2|1|2,5\n");
	/* A given delimiter is used and reported as such. */
	r = run_mem("a;b;c\n", ',');
	assert_int_equal(r.delim, ',');
	assert_string_equal(r.out, "1|a;b;c\n");
	free(r.out);
}

/* --- Bad bytes ------------------------------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
	(void)state;
	expect("a,b,c\n1,caf\xE9,3\n4,5,6\n", ',',
	       "1|a|b|c\n2!2 not valid UTF-8 [caf\\xE9]|1|caf\xE9|3\n3|4|5|6\n");
	/* The excerpt starts a little before a bad byte late in a long field. */
	expect("x,\"0123456789012345678901234567890123456789\xFFtail\"\n", ',',
	       "1!2 not valid UTF-8 […01234567890123456789\\xFFtail]|x|"
	       "0123456789012345678901234567890123456789\xFFtail\n");
	/* Valid UTF-8 is kept as is in an excerpt; control characters are escaped. */
	expect("\"\xC3\xA9t\xC3\xA9\n\xC0\",b\n", ',',
	       "1!1 not valid UTF-8 [\xC3\xA9t\xC3\xA9\\x0A\\xC0]|\xC3\xA9t\xC3\xA9\\n\xC0|b\n");
	/* Overlong forms and surrogates are invalid. */
	expect("\xED\xA0\x80\n", ',', "1!1 not valid UTF-8 [\\xED\\xA0\\x80]|\xED\xA0\x80\n");
	/* On a later line of a multi-line field, or of a record. */
	expect("a,b\n1,\"ok\nbad\xFF\"\n2,\"x\ny\",\xC3\n3,4\n", ',',
	       "1|a|b\n2!2 not valid UTF-8 [ok\\x0Abad\\xFF]|1|ok\\nbad\xFF\n"
	       "4!3 not valid UTF-8 [\\xC3]|2|x\\ny|\xC3\n6|3|4\n");
	expect("a\n\"bad\xFF\nok\"\n", ',',
	       "1|a\n2!1 not valid UTF-8 [bad\\xFF\\x0Aok]|bad\xFF\\nok\n");
	/* Only the first problem of a record is named. */
	expect("\xFF,\xFE\n", ',', "1!1 not valid UTF-8 [\\xFF]|\xFF|\xFE\n");
}

static void test_nul(void **state)
{
	(void)state;
	static const char data[] = "a,b\n1,x\0y\n2,3\n";
	struct run r = run_mem_len(data, sizeof data - 1, ',');
	assert_string_equal(r.out, "1|a|b\n2!2 a NUL byte [x\\x00y]|1|x\\0y\n3|2|3\n");
	free(r.out);
}

/* --- Quotes left open or malformed ----------------------------------------------------------- */

static void test_unterminated(void **state)
{
	(void)state;
	struct run r = run_mem("id,note\n1,ok\n\n2,\"never closed\n3,x\n4,y\n", ',');
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.unterminated, 4);
	assert_string_equal(r.out, "1|id|note\n2|1|ok\n");
	free(r.out);
	/* The record is named by the line it starts on, not where the quote opens. */
	r = run_mem("id,a,b\n1,\n\"x\",\"open\n", ',');
	assert_int_equal(r.unterminated, 3);
	assert_string_equal(r.out, "1|id|a|b\n2|1|\n");
	free(r.out);
	r = run_mem("id,a\n1,\"two\nlines\"\n2,\"open\nand on", ',');
	assert_int_equal(r.unterminated, 4);
	assert_string_equal(r.out, "1|id|a\n2|1|two\\nlines\n");
	free(r.out);
	r = run_mem("\"", ',');
	assert_int_equal(r.unterminated, 1);
	free(r.out);
	/* None: 0. */
	r = run_mem("a\n", ',');
	assert_int_equal(r.unterminated, 0);
	free(r.out);
}

static void test_malformed_quote(void **state)
{
	(void)state;
	const char *msg =
	    "a quote is not doubled, or text follows a closing quote (quote the whole field "
	    "and double the quotes inside it)";
	char want[1024];
	/* A stray quote in an unquoted field costs that record only. */
	snprintf(want, sizeof want, "1|a|b\n2!2 %s [x,24\" screen]|x\n3|c|d\n", msg);
	expect("a,b\nx,24\" screen\nc,d\n", ',', want);
	/* Text after a closing quote. */
	snprintf(want, sizeof want, "1|a|b\n2!1 %s [\"ab\"c,d]\n3|e|f\n", msg);
	expect("a,b\n\"ab\"c,d\ne,f\n", ',', want);
	/* On a later line of a multi-line record: that line is named, the record keeps its first.
	 */
	struct run r = run_mem("a,b\n1,\"x\ny\"z\n2,3\n", ',');
	assert_int_equal(r.unterminated, 0);
	assert_non_null(strstr(r.out, "2!2 a quote on line 3 is not doubled"));
	assert_non_null(strstr(r.out, "\n4|2|3\n"));
	free(r.out);
	/* The last line, without a line break. */
	r = run_mem("a,b\nx,y\"z", ',');
	assert_int_equal(r.unterminated, 0);
	assert_non_null(strstr(r.out, "2!2 a quote is not doubled"));
	free(r.out);
}

/* --- Limits ---------------------------------------------------------------------------------- */

static void test_long_field_accepted(void **state)
{
	(void)state;
	size_t n = 100000;
	struct strbuf b = STRBUF_INIT;
	strbuf_puts(&b, "a,b\n1,");
	for (size_t i = 0; i < n; i++)
		strbuf_putc(&b, (char)('a' + i % 26));
	strbuf_puts(&b, "\n2,\"");
	for (size_t i = 0; i < n; i++)
		strbuf_putc(&b, i % 1000 == 999 ? '\n' : 'q');
	strbuf_puts(&b, "\"\n3,end\n");
	struct got g = {STRBUF_INIT, 0, 0, false, false};
	struct csvin_opts opts = {.delimiter = ','};
	assert_int_equal(csvin_read_mem(b.s, b.len, &opts, collect, &g, NULL, NULL), 0);
	/* 100 line breaks inside the quoted field: the next record is on line 104. */
	const char *last = strrchr(g.out.s, '\n');
	assert_non_null(last);
	assert_null(strchr(g.out.s, '!'));
	assert_non_null(strstr(g.out.s, "\n104|3|end\n"));
	/* The fields arrive whole. */
	assert_int_equal(strlen(g.out.s), 6 + (4 + n + 1) + (4 + n + 100 + 1) + 10);
	strbuf_free(&g.out);
	strbuf_free(&b);
}

static void test_field_at_limit(void **state)
{
	(void)state;
	/* CSVIN_MAX_FIELD bytes are accepted, one more is not. */
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = CSVIN_MAX_FIELD + (size_t)extra;
		char *data = xmalloc(n + 16);
		memcpy(data, "1,", 2);
		memset(data + 2, 'z', n);
		memcpy(data + 2 + n, "\n2,3\n", 5);
		struct got g = {STRBUF_INIT, 0, 0, true, false};
		struct csvin_opts opts = {.delimiter = ','};
		csvin_read_mem(data, n + 7, &opts, collect, &g, NULL, NULL);
		if (extra)
			assert_string_equal(g.out.s,
			                    "1!2 field longer than 1 MiB "
			                    "[zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz…]\n2\n");
		else
			assert_string_equal(g.out.s, "1\n2\n");
		strbuf_free(&g.out);
		free(data);
	}
}

/* Writes a file whose record 2 holds a field of `size` bytes (quoted with line breaks, or not). */
static char *huge_field_file(size_t size, bool quoted)
{
	char *path = xstrdup("/tmp/test_csvin_big_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	fputs("id,text,n\n1,", fp);
	if (quoted)
		fputc('"', fp);
	static char chunk[1 << 16];
	memset(chunk, 'w', sizeof chunk);
	if (quoted)
		for (size_t i = 1000; i < sizeof chunk; i += 1000)
			chunk[i] = '\n'; /* 65 line breaks per chunk */
	size_t lines = 0;
	for (size_t done = 0; done < size; done += sizeof chunk) {
		fwrite(chunk, 1, sizeof chunk, fp);
		lines += quoted ? 65 : 0;
	}
	if (quoted)
		fputs("\"\"\"", fp); /* a doubled quote at the very end, then the closing one */
	fputs("  ,x\n2,ok,y\n", fp);
	fclose(fp);
	(void)lines;
	return path;
}

static void test_field_over_limit_bounded(void **state)
{
	(void)state;
	size_t size = 100u << 20;
	for (int quoted = 0; quoted <= 1; quoted++) {
		char *path = huge_field_file(size, quoted);
		long before = max_rss_kb();
		struct run r = run_file(path, ',', true);
		long grown = max_rss_kb() - before;
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.unterminated, 0);
		char want[200];
		snprintf(want, sizeof want,
		         "1\n2!2 field longer than 1 MiB "
		         "[wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww…]\n%ld\n",
		         quoted ? 3 + (long)(size / (1 << 16)) * 65 : 3L);
		assert_string_equal(r.out, want);
		/* A 100 MB field must not be held. The reader itself needs about 3 MiB (its block,
		 * and one field at the limit); the margin is for valgrind's own bookkeeping. */
		if (grown > 40 * 1024)
			fail_msg("reading a %zu-byte field grew the peak memory by %ld KiB", size,
			         grown);
		free(r.out);
		unlink(path);
		free(path);
	}
}

static void test_columns(void **state)
{
	(void)state;
	for (size_t ncols = 1000; ncols <= CSVIN_MAX_FIELDS + 1;
	     ncols += ncols == 1000 ? CSVIN_MAX_FIELDS - 1000 : 1) {
		struct strbuf b = STRBUF_INIT;
		for (int row = 0; row < 2; row++) {
			for (size_t i = 0; i < ncols; i++)
				strbuf_printf(&b, "%s%zu", i ? "," : "", i);
			strbuf_putc(&b, '\n');
		}
		strbuf_puts(&b, "a,b\n");
		struct got g = {STRBUF_INIT, 0, 0, true, false};
		struct csvin_opts opts = {.delimiter = ','};
		assert_int_equal(csvin_read_mem(b.s, b.len, &opts, collect, &g, NULL, NULL), 0);
		if (ncols <= CSVIN_MAX_FIELDS)
			assert_string_equal(g.out.s, "1\n2\n3\n");
		else
			assert_string_equal(g.out.s,
			                    "1!0 more than 4096 fields in one record []\n"
			                    "2!0 more than 4096 fields in one record []\n3\n");
		strbuf_free(&g.out);
		strbuf_free(&b);
	}
}

static int count_fields(void *ctx, const struct csvin_record *rec)
{
	*(size_t *)ctx = rec->nfields;
	return 0;
}

static void test_column_counts(void **state)
{
	(void)state;
	struct strbuf b = STRBUF_INIT;
	for (size_t i = 0; i < 1000; i++)
		strbuf_printf(&b, "%sc%zu", i ? "," : "", i);
	size_t n = 0;
	struct csvin_opts opts = {.delimiter = ','};
	csvin_read_mem(b.s, b.len, &opts, count_fields, &n, NULL, NULL);
	assert_int_equal(n, 1000);
	strbuf_free(&b);
}

/* --- Files, blocks, callback ----------------------------------------------------------------- */

static void test_block_boundaries(void **state)
{
	(void)state;
	/* Over 3 MiB of records, some spanning lines and some with CRLF, read in 1 MiB blocks:
	 * every record must carry the line it starts on. */
	struct strbuf data = STRBUF_INIT, want = STRBUF_INIT;
	long line = 1;
	strbuf_puts(&data, "id,text\n");
	strbuf_puts(&want, "1\n");
	line++;
	for (int i = 0; data.len < (3u << 20) + 100; i++) {
		strbuf_printf(&want, "%ld\n", line);
		switch (i % 5) {
		case 0:
			strbuf_printf(&data, "%d,\"multi\nline\r\nrecord %d\"\n", i, i);
			line += 3;
			break;
		case 1:
			strbuf_printf(&data, "%d,crlf line\r\n\r\n", i);
			line += 2;
			break;
		case 2:
			strbuf_printf(&data, "%d,\"%*s\"\n", i, 37 + i % 11, "spaces");
			line += 1;
			break;
		default:
			strbuf_printf(&data, "%d,plain text of some length %d\n", i, i * 7);
			line += 1;
		}
	}
	char *path = temp_file(data.s, data.len);
	struct run r = run_file(path, ',', true);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, want.s);
	free(r.out);
	/* The same from memory. */
	struct got g = {STRBUF_INIT, 0, 0, true, false};
	struct csvin_opts opts = {.delimiter = ','};
	csvin_read_mem(data.s, data.len, &opts, collect, &g, NULL, NULL);
	assert_string_equal(g.out.s, want.s);
	strbuf_free(&g.out);
	unlink(path);
	free(path);
	strbuf_free(&data);
	strbuf_free(&want);
}

static void test_utf8_across_blocks(void **state)
{
	(void)state;
	/* Characters of 2, 3 and 4 bytes cut by the 1 MiB block boundary are valid; a bad byte
	 * at the boundary is not. */
	const char *chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xFF"};
	for (size_t c = 0; c < 4; c++) {
		size_t clen = strlen(chars[c]);
		for (size_t cut = 1; cut < clen || (clen == 1 && cut == 1); cut++) {
			struct strbuf data = STRBUF_INIT;
			strbuf_puts(&data, "id,text\n");
			while (data.len < (1u << 20) - 200)
				strbuf_puts(&data, "1,filler filler filler filler filler filler\n");
			strbuf_puts(&data, "2,");
			while (data.len < (1u << 20) - cut)
				strbuf_putc(&data, 'p');
			strbuf_puts(&data, chars[c]);
			strbuf_puts(&data, "\n3,z\n");
			char *path = temp_file(data.s, data.len);
			struct run r = run_file(path, ',', true);
			assert_int_equal(r.rc, 0);
			bool rejected = strchr(r.out, '!') != NULL;
			if (rejected != (c == 3))
				fail_msg("char %zu cut after %zu bytes: %s", c, cut,
				         rejected ? "rejected" : "accepted");
			free(r.out);
			unlink(path);
			free(path);
			strbuf_free(&data);
			if (clen == 1)
				break;
		}
	}
}

static void test_callback_stops(void **state)
{
	(void)state;
	struct got g = {STRBUF_INIT, 2, 0, false, false};
	struct csvin_opts opts = {.delimiter = ','};
	const char *data = "a\nb\nc\n";
	assert_int_equal(csvin_read_mem(data, strlen(data), &opts, collect, &g, NULL, NULL), 7);
	assert_string_equal(g.out.s, "1|a\n2|b\n");
	strbuf_free(&g.out);
	/* Nothing more after a stop, even a record with a bad quote on the same line. */
	g = (struct got){STRBUF_INIT, 1, 0, false, false};
	data = "a\rb\"c\nd\n";
	assert_int_equal(csvin_read_mem(data, strlen(data), &opts, collect, &g, NULL, NULL), 7);
	assert_string_equal(g.out.s, "1|a\n");
	strbuf_free(&g.out);
	/* From a file, with the last record stopping it. */
	char *path = temp_file("a\nb", 3);
	g = (struct got){STRBUF_INIT, 2, 0, false, false};
	assert_int_equal(csvin_read(path, &opts, collect, &g, NULL, NULL), 7);
	strbuf_free(&g.out);
	unlink(path);
	free(path);
}

static void test_io_errors(void **state)
{
	(void)state;
	struct csvin_opts opts = {.delimiter = ',', .name = "journeys.csv"};
	struct got g = {STRBUF_INIT, 0, 0, false, false};
	capture_start();
	int rc = csvin_read("/nonexistent/journeys.csv", &opts, collect, &g, NULL, NULL);
	char *msg = capture_end();
	assert_int_equal(rc, -1);
	assert_string_equal(
	    msg, "boardpack: journeys.csv: error: cannot open: No such file or directory\n");
	free(msg);
	capture_start();
	rc = csvin_read("/tmp", &opts, collect, &g, NULL, NULL);
	msg = capture_end();
	assert_int_equal(rc, -1);
	assert_string_equal(
	    msg, "boardpack: journeys.csv: error: cannot be read: it is a folder, not a file\n");
	free(msg);
	assert_int_equal(g.n, 0);
	strbuf_free(&g.out);
}

/* Large files are parsed in a thread of their own: the records, problems, line numbers, the
 * never-closed quote at the end and an early stop are exactly those of the unthreaded reader. */
static void read_both_ways(const char *path, int stop_at, struct got *direct, struct got *threaded,
                           int *rc_direct, int *rc_threaded, long *unterm_direct,
                           long *unterm_threaded)
{
	struct csvin_opts never = {.name = "big.csv", .thread_from = SIZE_MAX};
	struct csvin_opts always = {.name = "big.csv", .thread_from = 1};
	char d1 = 0, d2 = 0;
	*direct = (struct got){.out = STRBUF_INIT, .stop_at = stop_at};
	*threaded = (struct got){.out = STRBUF_INIT, .stop_at = stop_at};
	*rc_direct = csvin_read(path, &never, collect, direct, &d1, unterm_direct);
	*rc_threaded = csvin_read(path, &always, collect, threaded, &d2, unterm_threaded);
	assert_int_equal(d1, d2);
}

static void test_threaded_same_records(void **state)
{
	(void)state;
	char path[] = "/tmp/csvin-threaded-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	fputs("\xEF\xBB\xBF"
	      "case_id;journey;note\r\n",
	      fp);
	for (int i = 0; i < 30000; i++) {
		switch (i % 7) {
		case 0:
			fprintf(fp, "C%d;Moving home;\"two\r\nlines\"\r\n", i);
			break;
		case 1:
			fprintf(fp, "C%d;Bad \"quote;x\r\n", i);
			break;
		case 2:
			fprintf(fp, "C%d;bytes \xff\xfe;x\n", i);
			break;
		case 3:
			fprintf(fp, "\n");
			break;
		case 4:
			fprintf(fp, "C%d;\"a;b\"\"c\";  trimmed  \n", i);
			break;
		case 5:
			fprintf(fp, "C%d;nul%c;x\n", i, 0);
			break;
		default:
			fprintf(fp, "C%d;%0*d\n", i, 1 + i % 300, i);
			break;
		}
		if (i == 15000) { /* one field over the limit, in the middle */
			fputs("BIG;\"", fp);
			for (int k = 0; k < (3 << 19); k++)
				fputc('x', fp);
			fputs("\";x\n", fp);
		}
	}
	fputs("LAST;\"never closed\n", fp);
	fclose(fp);
	struct got a, b;
	int ra, rb;
	long ua = -1, ub = -2;
	read_both_ways(path, 0, &a, &b, &ra, &rb, &ua, &ub);
	assert_true(a.n > 25000);
	assert_int_equal(ra, rb);
	assert_int_equal(ua, ub);
	assert_true(ua > 0);
	assert_int_equal(a.n, b.n);
	assert_string_equal(strbuf_str(&a.out), strbuf_str(&b.out));
	strbuf_free(&a.out);
	strbuf_free(&b.out);
	/* the callback stops at record 20,000: the same records and the callback's value */
	read_both_ways(path, 20000, &a, &b, &ra, &rb, &ua, &ub);
	assert_int_equal(ra, 7);
	assert_int_equal(rb, 7);
	assert_int_equal(a.n, 20000);
	assert_int_equal(b.n, 20000);
	assert_string_equal(strbuf_str(&a.out), strbuf_str(&b.out));
	strbuf_free(&a.out);
	strbuf_free(&b.out);
	unlink(path);
}

/* Skips the lines that start with 'S'. */
static bool skip_s(void *fctx, const char *line, size_t len, unsigned char delim)
{
	(void)delim;
	int *calls = fctx;
	(*calls)++;
	return !(len && line[0] == 'S');
}

static void test_line_filter(void **state)
{
	(void)state;
	/* the header starts with S but is never filtered; a line whose quoted fields end on it is
	 * filtered as any other (S3); one that opens a field going on on the next line (b), or
	 * inside such a field, is never offered, and parsed as ever; skipped lines still count */
	const char *data = "Sid,v\n"
	                   "a,1\n"
	                   "S1,2\n"
	                   "b,\"two\n"
	                   "S2 inside\"\n"
	                   "S3,\"quoted\"\n"
	                   "\n"
	                   "S4,x\r\n"
	                   "c,3\n"
	                   "S5,unended";
	struct got g = {STRBUF_INIT, 0, 0, false, false};
	int calls = 0;
	struct csvin_opts opts = {
	    .delimiter = ',', .name = "t.csv", .filter = skip_s, .filter_ctx = &calls};
	assert_int_equal(csvin_read_mem(data, strlen(data), &opts, collect, &g, NULL, NULL), 0);
	assert_string_equal(strbuf_str(&g.out), "1|Sid|v\n"
	                                        "2|a|1\n"
	                                        "4|b|two\\nS2 inside\n"
	                                        "9|c|3\n"
	                                        "10|S5|unended\n");
	assert_int_equal(calls, 5); /* a, S1, S3, S4, c: S5 does not end its line */
	strbuf_free(&g.out);
}

/* A field libcsv reads as x"y and csvin leaves to it: a line holding it goes to libcsv whole. */
#define TO_LIBCSV "\"x\"\"y\""

/* The records of data, and of forced: the same lines with TO_LIBCSV appended to each (so read
 * by libcsv), that last field taken off: they must be the same. */
static void same_as_libcsv(const struct strbuf *data, const struct strbuf *forced, char delim,
                           long lines)
{
	struct got a = {STRBUF_INIT, 0, 0, false, false}, b = {STRBUF_INIT, 0, 0, false, false};
	struct csvin_opts opts = {.delimiter = delim, .name = "t.csv"};
	assert_int_equal(csvin_read_mem(data->s, data->len, &opts, collect, &a, NULL, NULL), 0);
	assert_int_equal(csvin_read_mem(forced->s, forced->len, &opts, collect, &b, NULL, NULL), 0);
	/* b's records end with one more field: "|x\"y" before each line break */
	struct strbuf want = STRBUF_INIT;
	for (const char *p = strbuf_str(&b.out); *p; p++) {
		if (strncmp(p, "|x\"y\n", 5) == 0)
			p += 4;
		strbuf_putc(&want, *p);
	}
	assert_true(a.n >= lines);
	assert_string_equal(strbuf_str(&a.out), strbuf_str(&want));
	strbuf_free(&want);
	strbuf_free(&a.out);
	strbuf_free(&b.out);
}

/* The header line into data and forced. */
static void put_header(struct strbuf *data, struct strbuf *forced, char delim)
{
	strbuf_printf(data, "h1%ch2\n", delim);
	strbuf_printf(forced, "h1%ch2\n", delim);
}

/* Line l with its line break eol into data, and with TO_LIBCSV before it into forced. */
static void put_line(struct strbuf *data, struct strbuf *forced, const struct strbuf *l, char delim,
                     const char *eol)
{
	strbuf_printf(data, "%s%s", strbuf_str(l), eol);
	strbuf_printf(forced, "%s%c" TO_LIBCSV "%s", strbuf_str(l), delim, eol);
}

static uint32_t next_rand(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 16;
}

/*
 * Lines without a quote are split by csvin itself, the others by libcsv (or by csvin when their
 * quoted fields are simple: below): the same random lines read both ways give the same records.
 */
static void test_plain_lines_as_libcsv(void **state)
{
	(void)state;
	static const char *const bits[] = {"a",    " ",     "\t", ",",     ";",   "x y", "\xc3\xa9",
	                                   "\xff", "  b  ", "",   "\t\tc", "d\t", "0",   "|"};
	uint32_t x = 12345;
	for (int round = 0; round < 2; round++) {
		char delim = round ? ';' : ',';
		struct strbuf plain = STRBUF_INIT, forced = STRBUF_INIT;
		put_header(&plain, &forced, delim);
		for (int line = 0; line < 3000; line++) {
			struct strbuf l = STRBUF_INIT;
			int parts = 1 + (int)(next_rand(&x) % 12);
			for (int k = 0; k < parts; k++)
				strbuf_puts(&l,
				            bits[next_rand(&x) % (sizeof bits / sizeof bits[0])]);
			if (strspn(strbuf_str(&l), " \t") == l.len) /* a blank line: no record */
				strbuf_puts(&l, "z");
			put_line(&plain, &forced, &l, delim,
			         next_rand(&x) % 3 == 0 ? "\r\n" : "\n");
			strbuf_free(&l);
		}
		same_as_libcsv(&plain, &forced, delim, 2500);
		strbuf_free(&plain);
		strbuf_free(&forced);
	}
}

/*
 * Quoted fields, as exports that quote every field write them: csvin splits a line whose quoted
 * fields are simple (text without a quote, spaces or tabs around the quotes) and leaves the
 * others to libcsv (a doubled quote, a field over two lines, a CR inside); random lines of both
 * read both ways give the same records.
 */
static void test_quoted_lines_as_libcsv(void **state)
{
	(void)state;
	static const char *const bare[] = {"a", " b ", "", "\t7", "x y", "\xc3\xa9", "\xff"};
	static const char *const inside[] = {"q",   " r ",      ",",    ";", "",   "\t",
	                                     "x y", "\xc3\xa9", "\xff", "|", "s t"};
	static const char *const pads[] = {"", "", "", " ", "\t", "  "};
	uint32_t x = 777;
	size_t quoted_lines = 0;
	for (int round = 0; round < 2; round++) {
		char delim = round ? ';' : ',';
		struct strbuf data = STRBUF_INIT, forced = STRBUF_INIT;
		put_header(&data, &forced, delim);
		for (int line = 0; line < 4000; line++) {
			struct strbuf l = STRBUF_INIT;
			int fields = 1 + (int)(next_rand(&x) % 8);
			for (int k = 0; k < fields; k++) {
				if (k)
					strbuf_putc(&l, delim);
				if (next_rand(&x) % 4 == 0) {
					strbuf_puts(
					    &l,
					    bare[next_rand(&x) % (sizeof bare / sizeof bare[0])]);
					continue;
				}
				strbuf_puts(&l,
				            pads[next_rand(&x) % (sizeof pads / sizeof pads[0])]);
				strbuf_putc(&l, '"');
				int parts = (int)(next_rand(&x) % 4);
				for (int i = 0; i < parts; i++) {
					/* a line break or CR inside one field in 40, a doubled
					 * quote in 30 */
					uint32_t r = next_rand(&x) % 400;
					const char *t =
					    r < 10   ? "\n"
					    : r < 20 ? "\r"
					    : r < 33
					        ? "\"\""
					        : inside[r % (sizeof inside / sizeof inside[0])];
					strbuf_puts(&l, t);
				}
				strbuf_putc(&l, '"');
				strbuf_puts(&l,
				            pads[next_rand(&x) % (sizeof pads / sizeof pads[0])]);
			}
			quoted_lines += memchr(l.s, '"', l.len) != NULL;
			if (strspn(strbuf_str(&l), " \t") == l.len)
				strbuf_puts(&l, "z");
			put_line(&data, &forced, &l, delim, next_rand(&x) % 3 == 0 ? "\r\n" : "\n");
			strbuf_free(&l);
		}
		same_as_libcsv(&data, &forced, delim, 3000);
		strbuf_free(&data);
		strbuf_free(&forced);
	}
	assert_true(quoted_lines > 5000);
}

/* csvin_line_field: a line's field as libcsv gives it, when the line is a record of its own. */
static void test_line_field(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int col;
		const char *want; /* NULL: false */
	} cases[] = {
	    {"a,\"b,c\",d\n", 1, "b,c"},
	    {"a,\"b,c\",d\n", 2, "d"},
	    {"a,\"b,c\",d\n", 3, NULL},
	    {" \"x\"  , y \r\n", 0, "x"},
	    {" \"x\"  , y \r\n", 1, "y"},
	    {"\"\",b", 0, ""},
	    {"a,b,\n", 2, ""},
	    {"a,\"b\"\"c\"\n", 0, NULL}, /* a doubled quote: libcsv splits it */
	    {"a,\"open\n", 0, NULL},     /* a field going on on the next line */
	    {"a,b\"c\n", 0, NULL},       /* a quote in an unquoted field */
	    {"a,\"b\"c\n", 0, NULL},     /* text after the closing quote */
	    {"a\rb,c\n", 0, NULL},       /* a lone CR: two records */
	    {"S1;\"x;y\"\n", 1, NULL},   /* with a comma, one unquoted field with quotes */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *f = NULL;
		size_t n = 0;
		bool ok = csvin_line_field(cases[i].line, strlen(cases[i].line), ',', cases[i].col,
		                           &f, &n);
		if (!cases[i].want) {
			assert_false(ok);
			continue;
		}
		assert_true(ok);
		assert_int_equal(n, strlen(cases[i].want));
		assert_memory_equal(f, cases[i].want, n);
	}
	const char *f;
	size_t n;
	assert_true(csvin_line_field("S1;\"x;y\"\n", 9, ';', 1, &f, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(f, "x;y", 3);
}

struct told {
	long pieces, bytes;
	bool all_end_lines;
};

static void tell(void *actx, const char *line, size_t len, unsigned char delim, const void *prep)
{
	struct told *t = actx;
	(void)delim;
	assert_null(prep); /* no csvin_opts.prep */
	t->pieces++;
	t->bytes += (long)len;
	if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
		t->all_end_lines = false;
}

/*
 * csvin_opts.ahead is a hint: told of every line of the file (a line cut by the 1 MiB block
 * boundary, of the rest of it), each exactly once, it changes no record, line number or
 * problem, whether the file is parsed in the caller's thread or in one of its own. A 3.5 MB
 * file of plain lines, quoted fields over two lines, bad quotes and blank lines.
 */
static void test_ahead_changes_nothing(void **state)
{
	(void)state;
	struct strbuf data = STRBUF_INIT;
	strbuf_puts(&data, "case_id,journey,note\n");
	long newlines = 1;
	for (int i = 0; i < 120000; i++) {
		switch (i % 5) {
		case 0:
			strbuf_printf(&data, "C%d,\"two\nlines\",x\n", i);
			newlines += 2;
			break;
		case 1:
			strbuf_printf(&data, "C%d,Bad \"quote,x\n", i);
			newlines++;
			break;
		case 2:
			strbuf_puts(&data, "\n");
			newlines++;
			break;
		default:
			strbuf_printf(&data, "C%d,Moving home %d,a note of some length\n", i,
			              i % 13);
			newlines++;
		}
	}
	assert_true(data.len > 2 * (1u << 20)); /* two block boundaries at least */
	char *path = temp_file(data.s, data.len);
	struct got a = {STRBUF_INIT, 0, 0, false, false}, b = {STRBUF_INIT, 0, 0, false, false};
	struct told t = {0, 0, true};
	struct csvin_opts plain = {.delimiter = ',', .name = "t.csv", .thread_from = SIZE_MAX};
	struct csvin_opts hinted = plain;
	hinted.ahead = tell;
	hinted.ahead_ctx = &t;
	long ua = -5, ub = -5;
	assert_int_equal(csvin_read(path, &plain, collect, &a, NULL, &ua), 0);
	assert_int_equal(csvin_read(path, &hinted, collect, &b, NULL, &ub), 0);
	assert_true(a.n > 40000);
	assert_string_equal(strbuf_str(&a.out), strbuf_str(&b.out));
	assert_int_equal(ua, ub);
	assert_int_equal(t.pieces, newlines);
	assert_true(t.all_end_lines);
	assert_true(t.bytes <= (long)data.len && t.bytes > (long)data.len - 200);
	/* parsed in a thread of its own: told of records (fields NUL-separated), none changed */
	struct got c = {STRBUF_INIT, 0, 0, false, false};
	struct told tc = {0, 0, true};
	struct csvin_opts threaded = hinted;
	threaded.thread_from = 1;
	threaded.ahead_ctx = &tc;
	long uc = -5;
	assert_int_equal(csvin_read(path, &threaded, collect, &c, NULL, &uc), 0);
	assert_string_equal(strbuf_str(&a.out), strbuf_str(&c.out));
	assert_int_equal(ua, uc);
	assert_true(tc.pieces > 0 && tc.pieces <= a.n);
	strbuf_free(&c.out);
	unlink(path);
	free(path);
	strbuf_free(&a.out);
	strbuf_free(&b.out);
	strbuf_free(&data);
}

/* A record's preparation as test_prep makes it: its line, and its bytes and fields counted. */
static void prep_of(const struct csvin_record *rec, uint64_t v[2])
{
	v[0] = (uint64_t)rec->line;
	v[1] = rec->nfields;
	for (size_t i = 0; i < rec->nfields; i++)
		v[1] += rec->lens[i];
}

struct prepping {
	pthread_t caller;
	atomic_long calls, in_caller;
};

/* csvin_prep_fn: nothing for every third line, else prep_of. */
static bool prep_count(void *pctx, const struct csvin_record *rec, void *out)
{
	struct prepping *c = pctx;
	atomic_fetch_add(&c->calls, 1);
	if (pthread_equal(pthread_self(), c->caller))
		atomic_fetch_add(&c->in_caller, 1);
	if (rec->line % 3 == 0)
		return false;
	uint64_t v[2];
	prep_of(rec, v);
	memcpy(out, v, sizeof v);
	return true;
}

struct prepgot {
	struct got g;
	long wanted, prepared, wrong, told, told_wrong;
	int busy; /* work a record, to keep the parser ahead */
};

static int collect_prep(void *ctx, const struct csvin_record *rec)
{
	struct prepgot *p = ctx;
	if (!rec->problem && rec->line % 3 != 0)
		p->wanted++;
	if (rec->prep) {
		p->prepared++;
		uint64_t want[2], got[2];
		prep_of(rec, want);
		memcpy(got, rec->prep, sizeof got);
		if (rec->problem || rec->line % 3 == 0 || memcmp(want, got, sizeof want) != 0)
			p->wrong++;
	}
	for (volatile int i = 0; i < p->busy; i++)
		;
	return collect(&p->g, rec);
}

/* csvin_line_ahead: a record's prep, when it has one, is that of the line it is told of (its
 * fields NUL-separated: their bytes and fields are the line's length and one). */
static void tell_prep(void *actx, const char *line, size_t len, unsigned char delim,
                      const void *prep)
{
	struct prepgot *p = actx;
	(void)line;
	if (!prep)
		return;
	uint64_t v[2];
	memcpy(v, prep, sizeof v);
	p->told++;
	if (delim != '\0' || v[1] != len + 1)
		p->told_wrong++;
}

/*
 * csvin_opts.prep: in a threaded reading, called in the parser's thread only, never for a
 * record with a problem; each record's prep (and the prep csvin_opts.ahead is told of) is the
 * one made for that record, NULL when the preparation had nothing; the records are those of a
 * reading without it. A reading in the caller's thread prepares nothing. When the caller is
 * the slower (busy), the parser prepares (nearly) every record.
 */
static void test_prep(void **state)
{
	(void)state;
	struct strbuf data = STRBUF_INIT;
	strbuf_puts(&data, "case_id,journey,note\n");
	for (int i = 0; i < 60000; i++) {
		if (i % 7 == 1)
			strbuf_printf(&data, "C%d,\"two\nlines\",x\n", i);
		else if (i % 7 == 2)
			strbuf_printf(&data, "C%d,Bad \"quote,x\n", i);
		else if (i % 7 == 3)
			strbuf_printf(&data, "C%d,bad \xff byte,x\n", i);
		else if (i % 7 == 4)
			strbuf_puts(&data, "\n");
		else
			strbuf_printf(&data, "C%d,Moving home %d,a note\n", i, i % 13);
	}
	assert_true(data.len > (1u << 20)); /* the first block full: threaded from 1 byte */
	char *path = temp_file(data.s, data.len);
	struct got plain = {STRBUF_INIT, 0, 0, false, false};
	struct csvin_opts o = {.delimiter = ',', .name = "t.csv", .thread_from = SIZE_MAX};
	assert_int_equal(csvin_read(path, &o, collect, &plain, NULL, NULL), 0);
	for (int way = 0; way < 3; way++) { /* unthreaded; threaded; threaded, a busy caller */
		struct prepping c = {.caller = pthread_self()};
		struct prepgot p = {.g = {STRBUF_INIT, 0, 0, false, false},
		                    .busy = way == 2 ? 3000 : 0};
		struct csvin_opts w = o;
		w.thread_from = way ? 1 : SIZE_MAX;
		w.prep = prep_count;
		w.prep_ctx = &c;
		w.prep_size = 16;
		w.ahead = tell_prep;
		w.ahead_ctx = &p;
		assert_int_equal(csvin_read(path, &w, collect_prep, &p, NULL, NULL), 0);
		assert_string_equal(strbuf_str(&plain.out), strbuf_str(&p.g.out));
		assert_int_equal(p.wrong, 0);
		assert_int_equal(p.told_wrong, 0);
		assert_int_equal(atomic_load(&c.in_caller), 0);
		if (way == 0 || !csvin_several_cpus()) { /* read in the caller's thread */
			assert_int_equal(atomic_load(&c.calls), 0);
			assert_int_equal(p.prepared, 0);
		} else {
			assert_true(p.prepared > 0 && p.told > 0);
			if (way == 2) /* every batch prepared but when the parser fell behind */
				assert_true(p.prepared * 2 > p.wanted);
		}
		strbuf_free(&p.g.out);
	}
	strbuf_free(&plain.out);
	unlink(path);
	free(path);
	strbuf_free(&data);
}

/* Records' ends, from csvin_record.read_to, and the size it gives. */
struct ends {
	size_t *at;
	size_t n, cap;
	size_t size;
};

static int collect_ends(void *ctx, const struct csvin_record *rec)
{
	struct ends *e = ctx;
	if (e->n == e->cap)
		e->at = xreallocarray(e->at, e->cap = e->cap ? 2 * e->cap : 1024, sizeof *e->at);
	e->at[e->n++] = rec->read_to;
	e->size = rec->size;
	return 0;
}

/*
 * csvin_record.read_to is the offset of the end of the record's last line, and size the
 * input's: read directly, told of lines ahead, in a thread of its own and from memory; with a
 * BOM, CRLF, records of two lines, blank lines, a malformed quote, lines across the 1 MiB
 * blocks and a last line without a line break.
 */
static void test_read_to(void **state)
{
	(void)state;
	struct strbuf data = STRBUF_INIT;
	strbuf_puts(&data, "\xEF\xBB\xBF"
	                   "case_id,journey,note\r\n");
	size_t *want = xreallocarray(NULL, 200000, sizeof *want);
	size_t n = 0;
	want[n++] = data.len; /* the header is a record too */
	for (int i = 0; i < 150000; i++) {
		switch (i % 6) {
		case 0:
			strbuf_printf(&data, "C%d,\"two\nlines\",x\n", i);
			break;
		case 1:
			strbuf_printf(&data, "C%d,Bad \"quote,x\r\n", i);
			break;
		case 2:
			strbuf_puts(&data, "\n");
			continue; /* no record */
		case 3:
			strbuf_printf(&data, "C%d,%0*d,x\n", i, 1 + i % 500, i);
			break;
		default:
			strbuf_printf(&data, "C%d,Moving home,a note\n", i);
		}
		want[n++] = data.len;
	}
	strbuf_puts(&data, "LAST,no line break,x");
	want[n++] = data.len;
	assert_true(data.len > 3 * (1u << 20));
	char *path = temp_file(data.s, data.len);
	struct told t = {0, 0, true};
	struct csvin_opts ways[3] = {{.name = "t.csv", .thread_from = SIZE_MAX},
	                             {.name = "t.csv", .thread_from = SIZE_MAX, .ahead = tell},
	                             {.name = "t.csv", .thread_from = 1}};
	ways[1].ahead_ctx = &t;
	for (int w = 0; w < 4; w++) {
		struct ends e = {0};
		int rc = w < 3 ? csvin_read(path, &ways[w], collect_ends, &e, NULL, NULL)
		               : csvin_read_mem(data.s, data.len, &ways[0], collect_ends, &e, NULL,
		                                NULL);
		assert_int_equal(rc, 0);
		assert_int_equal(e.n, n);
		assert_int_equal(e.size, data.len);
		for (size_t i = 0; i < n; i++)
			if (e.at[i] != want[i])
				fail_msg("way %d, record %zu: read_to %zu, expected %zu", w, i,
				         e.at[i], want[i]);
		free(e.at);
	}
	unlink(path);
	free(path);
	free(want);
	strbuf_free(&data);
}

/* Every record as collect writes it, with its end_line, read_to apart. */
struct full {
	struct got g;
	long *end_line;
	size_t *read_to;
	size_t *text_at; /* where each record's text starts in g.out */
	size_t n, cap;
};

static int collect_full(void *ctx, const struct csvin_record *rec)
{
	struct full *f = ctx;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 1024;
		f->end_line = xreallocarray(f->end_line, f->cap, sizeof *f->end_line);
		f->read_to = xreallocarray(f->read_to, f->cap, sizeof *f->read_to);
		f->text_at = xreallocarray(f->text_at, f->cap, sizeof *f->text_at);
	}
	f->end_line[f->n] = rec->end_line;
	f->read_to[f->n] = rec->read_to;
	f->text_at[f->n] = f->g.out.len;
	f->n++;
	return collect(&f->g, rec);
}

static void full_free(struct full *f)
{
	strbuf_free(&f->g.out);
	free(f->end_line);
	free(f->read_to);
	free(f->text_at);
}

/* Reads path (data, in memory) one of three ways, into g: way 0 unthreaded or way 1 in a thread
 * of its own, as j says (thread_from), and way 2 from memory. */
static int read_way(const char *path, const struct strbuf *data, const struct csvin_opts *j,
                    int way, struct got *g)
{
	return way < 2 ? csvin_read(path, j, collect, g, NULL, NULL)
	               : csvin_read_mem(data->s, data->len, j, collect, g, NULL, NULL);
}

/* The input of the tests of start_at and stop_at: 60,000 lines past two blocks, records of two
 * lines, malformed quotes and blank lines among them. */
static void places_data(struct strbuf *data)
{
	strbuf_puts(data, "case_id,journey,note\n");
	for (int i = 0; i < 60000; i++) {
		if (i % 5 == 0)
			strbuf_printf(data, "C%d,\"two\nlines\",x\n", i);
		else if (i % 5 == 1)
			strbuf_printf(data, "C%d,Bad \"quote,x\n", i);
		else if (i % 5 == 2)
			strbuf_puts(data, "\n");
		else
			strbuf_printf(data, "C%d,%0*d,x\n", i, 1 + i % 400, i);
	}
}

/*
 * csvin_opts.start_at: after the header, the reading goes on where a record of a full reading
 * ended, at the line after its end_line: the records after it, exactly as the full reading
 * gave them (lines, fields, problems), and nothing between. The jump lands in the first block,
 * further on, after a record of two lines and after a malformed quote; read directly, in a
 * thread of its own and from memory. end_line is the record's last line.
 */
static void test_start_at(void **state)
{
	(void)state;
	struct strbuf data = STRBUF_INIT;
	places_data(&data);
	assert_true(data.len > 2 * (1u << 20));
	char *path = temp_file(data.s, data.len);
	struct csvin_opts o = {.name = "t.csv", .thread_from = SIZE_MAX};
	/* the excerpts too: a malformed line's is the same wherever the blocks fall */
	struct full all = {.g = {STRBUF_INIT, 0, 0, false, false}};
	assert_int_equal(csvin_read(path, &o, collect_full, &all, NULL, NULL), 0);
	assert_true(all.n > 40000);
	/* record 1 is "C0" on lines 2 and 3 */
	assert_int_equal(all.end_line[1], 3);
	const size_t at[] = {1, 2, 3, 7, 20000, all.n - 2};
	for (size_t a = 0; a < sizeof at / sizeof at[0]; a++)
		for (int way = 0; way < 3; way++) {
			size_t k = at[a];
			struct csvin_opts j = {.name = "t.csv",
			                       .thread_from = way == 1 ? 1 : SIZE_MAX,
			                       .start_at = all.read_to[k],
			                       .start_line = all.end_line[k] + 1};
			struct got g = {STRBUF_INIT, 0, 0, false, false};
			int rc = read_way(path, &data, &j, way, &g);
			assert_int_equal(rc, 0);
			/* the header, then the records after k */
			struct strbuf want = STRBUF_INIT;
			strbuf_append(&want, all.g.out.s, all.text_at[1]);
			strbuf_puts(&want, all.g.out.s + all.text_at[k + 1]);
			if (strcmp(strbuf_str(&g.out), strbuf_str(&want)) != 0)
				fail_msg("start after record %zu, way %d: other records", k, way);
			strbuf_free(&want);
			strbuf_free(&g.out);
		}
	/* a place past the input's end: the header, then nothing */
	for (int way = 0; way < 3; way++) {
		struct csvin_opts j = {.name = "t.csv",
		                       .thread_from = way == 1 ? 1 : SIZE_MAX,
		                       .start_at = data.len + 4096,
		                       .start_line = 99};
		struct got g = {STRBUF_INIT, 0, 0, false, false};
		int rc = read_way(path, &data, &j, way, &g);
		assert_int_equal(rc, 0);
		assert_int_equal(g.n, 1);
		strbuf_free(&g.out);
	}
	unlink(path);
	free(path);
	full_free(&all);
	strbuf_free(&data);
}

/*
 * csvin_opts.stop_at: the reading ends where a record of a full reading ended, as if the input
 * ended there: from the top, or from a start_at, the records up to that one and none after
 * (the two parts of a file read one to a place and one from it are the whole reading). Places
 * in the first block, further on, after a record of two lines and a malformed quote, and the
 * input's end; read directly, in a thread of its own and from memory.
 */
static void test_stop_at(void **state)
{
	(void)state;
	struct strbuf data = STRBUF_INIT;
	places_data(&data);
	char *path = temp_file(data.s, data.len);
	struct csvin_opts o = {.name = "t.csv", .thread_from = SIZE_MAX};
	struct full all = {.g = {STRBUF_INIT, 0, 0, false, false}};
	assert_int_equal(csvin_read(path, &o, collect_full, &all, NULL, NULL), 0);
	assert_true(all.n > 40000);
	assert_true(all.read_to[20000] > 2 * (1u << 20)); /* past the second block */
	/* (start after, stop after) record indexes; 0: no start_at */
	const size_t parts[][2] = {{0, 1}, {0, 2}, {0, 7},     {0, 20000}, {0, all.n - 1},
	                           {1, 2}, {3, 7}, {2, 20000}, {7, 30001}, {20000, all.n - 1}};
	for (size_t a = 0; a < sizeof parts / sizeof parts[0]; a++)
		for (int way = 0; way < 3; way++) {
			size_t from = parts[a][0], to = parts[a][1];
			struct csvin_opts j = {.name = "t.csv",
			                       .thread_from = way == 1 ? 1 : SIZE_MAX,
			                       .start_at = from ? all.read_to[from] : 0,
			                       .start_line = from ? all.end_line[from] + 1 : 0,
			                       .stop_at = all.read_to[to]};
			struct got g = {STRBUF_INIT, 0, 0, false, false};
			int rc = read_way(path, &data, &j, way, &g);
			assert_int_equal(rc, 0);
			/* the header, then the records after from, to the end of record to */
			struct strbuf want = STRBUF_INIT;
			strbuf_append(&want, all.g.out.s, all.text_at[1]);
			size_t b = all.text_at[from + 1];
			size_t e = to + 1 < all.n ? all.text_at[to + 1] : all.g.out.len;
			strbuf_append(&want, all.g.out.s + b, e - b);
			if (strcmp(strbuf_str(&g.out), strbuf_str(&want)) != 0)
				fail_msg("records %zu to %zu, way %d: other records", from, to,
				         way);
			assert_int_equal(g.n, 1 + to - from);
			strbuf_free(&want);
			strbuf_free(&g.out);
		}
	unlink(path);
	free(path);
	full_free(&all);
	strbuf_free(&data);
}

/*
 * A malformed line cut by the 1 MiB block boundary shortly before its stray quote: the excerpt
 * shows the 20 bytes before the quote as from a line that came whole (the same file read from
 * memory, which is never cut), however far before the quote the boundary falls; so too in a
 * thread of its own. A long line of plain ASCII, one of two-byte characters (some boundaries
 * fall inside one) and a short one whose quote is near its start.
 */
static void test_excerpt_across_blocks(void **state)
{
	(void)state;
	const char *lines[] = {
	    "2,abcdefghijklmnopqrstuvwxyz0123456789 Bad \"quote and more text,x\n",
	    "2,"
	    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
	    "\xA9\xC3\xA9 x\"y,z\n",
	    "2,ab\"c,z\n"};
	for (size_t l = 0; l < sizeof lines / sizeof *lines; l++) {
		const char *line = lines[l];
		size_t quote = (size_t)(strchr(line, '"') - line);
		for (size_t before = 1; before <= quote; before++) {
			/* the stray quote is the second block's byte `before` (from 1) */
			struct strbuf data = STRBUF_INIT;
			strbuf_puts(&data, "id,text\n");
			while (data.len < (1u << 20) - 200)
				strbuf_puts(&data, "1,filler filler filler filler filler filler\n");
			size_t pad = (1u << 20) + before - 1 - quote - data.len;
			strbuf_puts(&data, "1,");
			for (size_t i = 2; i + 1 < pad; i++)
				strbuf_putc(&data, 'p');
			strbuf_putc(&data, '\n');
			assert_int_equal(data.len + quote, (1u << 20) + before - 1);
			strbuf_puts(&data, line);
			strbuf_puts(&data, "3,z\n");
			char *path = temp_file(data.s, data.len);
			struct got mem = {STRBUF_INIT, 0, 0, false, false};
			struct csvin_opts o = {.name = "t.csv", .thread_from = SIZE_MAX};
			assert_int_equal(
			    csvin_read_mem(data.s, data.len, &o, collect, &mem, NULL, NULL), 0);
			assert_non_null(strstr(strbuf_str(&mem.out), "!"));
			for (int way = 0; way < 2; way++) {
				struct csvin_opts j = {.name = "t.csv",
				                       .thread_from = way ? 1 : SIZE_MAX};
				struct got g = {STRBUF_INIT, 0, 0, false, false};
				assert_int_equal(read_way(path, &data, &j, way, &g), 0);
				if (strcmp(strbuf_str(&g.out), strbuf_str(&mem.out)) != 0)
					fail_msg(
					    "line %zu cut %zu bytes before its quote, way %d: %s",
					    l, before, way, strstr(strbuf_str(&g.out), "!"));
				strbuf_free(&g.out);
			}
			strbuf_free(&mem.out);
			unlink(path);
			free(path);
			strbuf_free(&data);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    /* First, while the peak memory of the process is still low. */
	    cmocka_unit_test(test_field_over_limit_bounded),
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_read_to),
	    cmocka_unit_test(test_start_at),
	    cmocka_unit_test(test_excerpt_across_blocks),
	    cmocka_unit_test(test_stop_at),
	    cmocka_unit_test(test_lone_cr),
	    cmocka_unit_test(test_empty_and_header_only),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_quoted_pipe),
	    cmocka_unit_test(test_embedded_newlines),
	    cmocka_unit_test(test_bad_record_after_multiline),
	    cmocka_unit_test(test_trimming),
	    cmocka_unit_test(test_blank_lines),
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_unterminated),
	    cmocka_unit_test(test_malformed_quote),
	    cmocka_unit_test(test_long_field_accepted),
	    cmocka_unit_test(test_field_at_limit),
	    cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_column_counts),
	    cmocka_unit_test(test_block_boundaries),
	    cmocka_unit_test(test_utf8_across_blocks),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_io_errors),
	    cmocka_unit_test(test_threaded_same_records),
	    cmocka_unit_test(test_line_filter),
	    cmocka_unit_test(test_plain_lines_as_libcsv),
	    cmocka_unit_test(test_quoted_lines_as_libcsv),
	    cmocka_unit_test(test_line_field),
	    cmocka_unit_test(test_ahead_changes_nothing),
	    cmocka_unit_test(test_prep),
	};
	return cmocka_run_group_tests_name("csvin", tests, NULL, NULL);
}
