/*
 * Unit tests of jsonout, the writer of the metrics JSON's lists of rejected rows and notes without
 * a jansson tree: its strings are the bytes jansson's json_dumps writes for them (every ASCII
 * character, random strings of control characters, quotes, backslashes, DEL and UTF-8 of every
 * length, NUL too), bytes that are not UTF-8 come out as text_utf8_escape shows them, whole lists
 * of rejected rows and notes are jansson's dump of view_json's, and the streamed metrics JSON is
 * the whole tree's dump byte for byte. A failed write is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/strbuf.h"
#include "view/json.h"
#include "view/jsonout.h"

/* --- Helpers ------------------------------------------------------------------------------- */

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* A json_sink that appends to the strbuf data. */
static int to_strbuf(const char *s, size_t n, void *data)
{
	strbuf_append(data, s, n);
	return 0;
}

/* s[0..n) as json_out_string writes it, through a small buffer (so it is flushed often). */
static char *emitted(const char *s, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	struct json_out w;
	json_out_init(&w, 64, to_strbuf, &b);
	json_out_string(&w, s, n);
	assert_int_equal(json_out_finish(&w), 0);
	return strbuf_detach(&b);
}

/* s[0..n) as jansson dumps it as a string; NULL when jansson refuses it (not UTF-8). */
static char *jansson(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (!j)
		return NULL;
	char *d = json_dumps(j, JSON_ENCODE_ANY | FLAGS);
	json_decref(j);
	return d;
}

/* Fails, showing the string as hex, when the two renderings of s[0..n) differ. */
static void assert_same(const char *got, const char *want, const char *s, size_t n)
{
	assert_non_null(want);
	if (strcmp(got, want) == 0)
		return;
	struct strbuf hex = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&hex, "%02x ", (unsigned char)s[i]);
	fail_msg("string [%s]: written %s, jansson writes %s", strbuf_str(&hex), got, want);
}

static uint32_t next_rand(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* Pieces of random strings: well-formed UTF-8 of every length and every character an escape is
 * for (NUL is added by the callers that can hold it). */
static const char *const valid_pieces[] = {
    "a",
    "Z",
    "0",
    " ",
    "~",
    "/",
    "\"",
    "\\",
    "\x7f",
    "\x01",
    "\x08",
    "\x09",
    "\x0a",
    "\x0b",
    "\x0c",
    "\x0d",
    "\x1b",
    "\x1f",
    "\x10",
    "\x1e",
    "'",
    "<",
    "&",
    "u00",
    "\xc2\x80",
    "\xc3\xa9",
    "\xdf\xbf",
    "\xe0\xa0\x80",
    "\xe2\x82\xac",
    "\xed\x9f\xbf",
    "\xee\x80\x80",
    "\xef\xbf\xbf",
    "\xef\xbb\xbf",
    "\xf0\x90\x80\x80",
    "\xf0\x9f\x98\x80",
    "\xf4\x8f\xbf\xbf",
    "Sal\xc3\xa9s",
    "line\nbreak",
    "tab\tbed",
    "\\u0041",
    "\\\"",
};

/* Bytes that are no well-formed UTF-8: stray continuations, lead bytes that never start one,
 * characters cut short, overlong forms, surrogates and code points past U+10FFFF. */
static const char *const invalid_pieces[] = {
    "\x80",
    "\xbf",
    "\xc0",
    "\xc1",
    "\xc0\xaf",
    "\xc2",
    "\xe2\x82",
    "\xe0\x80\x80",
    "\xed\xa0\x80",
    "\xed\xbf\xbf",
    "\xf0\x80\x80\x80",
    "\xf0\x9f\x98",
    "\xf4\x90\x80\x80",
    "\xf5",
    "\xf8",
    "\xfe",
    "\xff",
    "\xc3\x28",
};

/* A random string of up to max pieces into b; with invalid, some pieces are not UTF-8; with
 * nul, some are a NUL byte. */
static void random_string(struct strbuf *b, uint32_t *x, int max, bool invalid, bool nul)
{
	strbuf_reset(b);
	int pieces = (int)(next_rand(x) % (uint32_t)(max + 1));
	for (int i = 0; i < pieces; i++) {
		uint32_t r = next_rand(x) % 16;
		if (nul && r == 0)
			strbuf_append(b, "", 1);
		else if (invalid && r < 3)
			strbuf_puts(b, invalid_pieces[next_rand(x) % (sizeof invalid_pieces /
			                                              sizeof invalid_pieces[0])]);
		else
			strbuf_puts(b, valid_pieces[next_rand(x) % (sizeof valid_pieces /
			                                            sizeof valid_pieces[0])]);
	}
}

/* --- Strings ------------------------------------------------------------------------------- */

/* Every ASCII character, NUL included, alone and between two letters. */
static void every_ascii_character(void **state)
{
	(void)state;
	for (int c = 0; c < 0x80; c++) {
		char s[3] = {'a', (char)c, 'b'};
		for (int k = 0; k < 2; k++) {
			const char *p = k ? s : s + 1;
			size_t n = k ? 3 : 1;
			char *got = emitted(p, n), *want = jansson(p, n);
			assert_same(got, want, p, n);
			free(got);
			free(want);
		}
	}
}

/* Random well-formed strings, NUL bytes in some (json_stringn), as jansson writes them. */
static void random_strings_as_jansson(void **state)
{
	(void)state;
	uint32_t x = 20240611;
	struct strbuf s = STRBUF_INIT;
	for (int i = 0; i < 50000; i++) {
		random_string(&s, &x, i % 100 == 0 ? 400 : 24, false, i % 2 == 0);
		char *got = emitted(s.s ? s.s : "", s.len), *want = jansson(s.s ? s.s : "", s.len);
		assert_same(got, want, strbuf_str(&s), s.len);
		free(got);
		free(want);
	}
	strbuf_free(&s);
}

/* A byte that is not UTF-8 comes out as the text \xHH, the way text_utf8_escape shows it: the
 * string written is jansson's dump of the string text_utf8_escape makes (the chosen way; jansson
 * itself refuses the string, so the tree lost the key). */
static void invalid_utf8_as_text_utf8_escape(void **state)
{
	(void)state;
	static const struct {
		const char *s, *want;
	} fixed[] = {
	    {"a\xff"
	     "b",
	     "\"a\\\\xFFb\""},
	    {"\xe2\x82", "\"\\\\xE2\\\\x82\""},
	    {"\xc0\xaf\"", "\"\\\\xC0\\\\xAF\\\"\""},
	    {"\xed\xa0\x80\n", "\"\\\\xED\\\\xA0\\\\x80\\n\""},
	    {"\xf4\x90\x80\x80\xe2\x82\xac", "\"\\\\xF4\\\\x90\\\\x80\\\\x80\xe2\x82\xac\""},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		char *got = emitted(fixed[i].s, strlen(fixed[i].s));
		assert_same(got, fixed[i].want, fixed[i].s, strlen(fixed[i].s));
		free(got);
	}
	uint32_t x = 99;
	struct strbuf s = STRBUF_INIT, esc = STRBUF_INIT;
	int refused = 0;
	for (int i = 0; i < 20000; i++) {
		random_string(&s, &x, 24, true, false);
		const char *p = strbuf_str(&s);
		char *plain = jansson(p, s.len);
		refused += plain == NULL;
		free(plain);
		strbuf_reset(&esc);
		text_utf8_escape(&esc, p, s.len);
		char *got = emitted(p, s.len), *want = jansson(strbuf_str(&esc), esc.len);
		assert_same(got, want, p, s.len);
		free(got);
		free(want);
	}
	/* most strings held a byte jansson refuses: the case is really tested */
	assert_true(refused > 10000);
	strbuf_free(&s);
	strbuf_free(&esc);
}

/* --- Lists of rejected rows and notes ------------------------------------------------------ */

/* A random string, or NULL one time in four when nullable; freed with the issues. */
static char *random_field(uint32_t *x, bool nullable)
{
	if (nullable && next_rand(x) % 4 == 0)
		return NULL;
	struct strbuf s = STRBUF_INIT;
	random_string(&s, x, 12, false, false);
	return strbuf_detach(&s);
}

/* A random line or column: 0, small, large, negative or the extremes of a long. */
static long random_number(uint32_t *x)
{
	static const long edges[] = {0, 1, -1, 9, 10, 99, 100, LONG_MAX, LONG_MIN, 2147483648L};
	uint32_t r = next_rand(x) % 4;
	return r == 0   ? edges[next_rand(x) % (sizeof edges / sizeof edges[0])]
	       : r == 1 ? -(long)(next_rand(x) % 1000)
	                : (long)next_rand(x);
}

/* n random rejected rows or notes (notes: file, line, message, kind and case only). */
static struct view_dq_issue *random_issues(uint32_t *x, size_t n, bool notes)
{
	struct view_dq_issue *v = calloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct view_dq_issue){.file = random_field(x, false),
		                              .line = random_number(x),
		                              .column = notes ? 0 : random_number(x),
		                              .message = random_field(x, false),
		                              .kind = random_field(x, false),
		                              .case_id = random_field(x, true)};
		if (!notes) {
			v[i].column_name = random_field(x, true);
			v[i].customer_id = random_field(x, true);
			v[i].value = random_field(x, true);
		}
	}
	return v;
}

static void free_issues(struct view_dq_issue *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)v[i].file);
		free((char *)v[i].message);
		free((char *)v[i].kind);
		free((char *)v[i].case_id);
		free((char *)v[i].column_name);
		free((char *)v[i].customer_id);
		free((char *)v[i].value);
	}
	free(v);
}

/* A view holding only what the metrics JSON needs to be written: a few names and the lists. */
static struct view *small_view(uint32_t *x, size_t nissues, size_t nnotes)
{
	static struct view_dq_file files[] = {{"journeys.csv", 10, 3}, {"kpis.csv", 4, 0}};
	struct view *v = calloc(1, sizeof *v);
	strcpy(v->period.label, "2026-Q3");
	strcpy(v->previous.label, "2026-Q2");
	v->period_length = "quarter";
	v->organisation = "Northwind \"Energy\"\n";
	v->title = "Customer outcomes";
	v->data_from_ms = v->data_to_ms = VIEW_NO_DAY;
	v->dq = (struct view_dq){.rows_read = 14,
	                         .rows_rejected = 3,
	                         .files = files,
	                         .nfiles = 2,
	                         .issues = random_issues(x, nissues, false),
	                         .nissues = nissues,
	                         .notes = random_issues(x, nnotes, true),
	                         .nnotes = nnotes};
	return v;
}

static void free_view(struct view *v)
{
	free_issues(v->dq.issues, v->dq.nissues);
	free_issues(v->dq.notes, v->dq.nnotes);
	free(v);
}

/* A list as jansson dumps view_json's, indented as it stands in the document (depth 2). */
static char *jansson_list(const struct view *v, const char *key)
{
	json_t *root = view_json(v);
	json_t *list = json_object_get(json_object_get(root, "data_quality"), key);
	assert_non_null(list);
	char *d = json_dumps(list, FLAGS);
	json_decref(root);
	struct strbuf b = STRBUF_INIT;
	for (const char *p = d; *p; p++)
		if (*p == '\n')
			strbuf_puts(&b, "\n    ");
		else
			strbuf_putc(&b, *p);
	free(d);
	return strbuf_detach(&b);
}

/* The two lists of v as json_out_issues writes them at depth 2, through a small buffer that
 * never grows. */
static char *streamed_list(const struct view *v, bool notes)
{
	struct strbuf b = STRBUF_INIT;
	struct json_out w;
	json_out_init(&w, 100, to_strbuf, &b);
	char *buf = w.buf;
	json_out_issues(&w, notes ? v->dq.notes : v->dq.issues,
	                notes ? v->dq.nnotes : v->dq.nissues, notes, 2);
	assert_ptr_equal(w.buf, buf);
	assert_int_equal(w.cap, 100);
	assert_int_equal(json_out_finish(&w), 0);
	return strbuf_detach(&b);
}

/* Random lists, empty ones too, against jansson's dump of issue_json's objects. */
static void lists_as_jansson(void **state)
{
	(void)state;
	uint32_t x = 4242;
	for (size_t round = 0; round < 200; round++) {
		struct view *v =
		    small_view(&x, round % 7 == 0 ? 0 : round, round % 5 == 0 ? 0 : round % 13);
		for (int notes = 0; notes < 2; notes++) {
			char *got = streamed_list(v, notes),
			     *want = jansson_list(v, notes ? "notes" : "issues");
			if (strcmp(got, want) != 0)
				fail_msg("%s of round %zu: written\n%s\njansson writes\n%s",
				         notes ? "notes" : "issues", round, got, want);
			free(got);
			free(want);
		}
		free_view(v);
	}
}

/* The whole file json_write_view writes of v, streamed or as one tree. */
static char *written(const struct view *v, bool tree, size_t *n)
{
	FILE *fp = tmpfile();
	assert_non_null(fp);
	int fd = fileno(fp);
	assert_int_equal(json_write_view(v, fd, "metrics.json", tree), 0);
	off_t end = lseek(fd, 0, SEEK_END);
	assert_true(end > 0);
	char *d = malloc((size_t)end + 1);
	assert_int_equal(pread(fd, d, (size_t)end, 0), end);
	d[end] = '\0';
	*n = (size_t)end;
	fclose(fp);
	return d;
}

/* The metrics JSON streamed is the tree's dump, byte for byte, with lists long enough to fill
 * the buffer many times. */
static void streamed_file_is_the_tree(void **state)
{
	(void)state;
	uint32_t x = 777;
	const size_t sizes[][2] = {{0, 0}, {1, 0}, {0, 1}, {3, 2}, {20000, 3000}};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct view *v = small_view(&x, sizes[i][0], sizes[i][1]);
		size_t ns, nt;
		char *s = written(v, false, &ns), *t = written(v, true, &nt);
		assert_int_equal(ns, nt);
		assert_memory_equal(s, t, ns);
		if (sizes[i][0] == 0)
			assert_non_null(strstr(s, "\n    \"issues\": [],\n"));
		if (sizes[i][1] == 0)
			assert_non_null(strstr(s, "\n    \"notes\": [],\n"));
		assert_int_equal(s[ns - 1], '\n');
		free(s);
		free(t);
		free_view(v);
	}
}

/* A sink that takes limit bytes, then fails with ENOSPC. */
static int full_after(const char *s, size_t n, void *data)
{
	(void)s;
	size_t *left = data;
	if (n > *left) {
		errno = ENOSPC;
		return -1;
	}
	*left -= n;
	return 0;
}

/* A failed write is kept (the first one's errno), nothing is written after it, and the file's
 * writer reports it. */
static void write_errors(void **state)
{
	(void)state;
	size_t left = 150;
	struct json_out w;
	json_out_init(&w, 64, full_after, &left);
	for (int i = 0; i < 100; i++)
		json_out_string(&w, "twelve bytes", 12);
	assert_int_equal(json_out_finish(&w), -1);
	assert_int_equal(w.err, ENOSPC);
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	uint32_t x = 5;
	struct view *v = small_view(&x, 10, 0);
	assert_int_equal(json_write_view(v, fd, "metrics.json", false), -1);
	free_view(v);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_ascii_character),
	    cmocka_unit_test(random_strings_as_jansson),
	    cmocka_unit_test(invalid_utf8_as_text_utf8_escape),
	    cmocka_unit_test(lists_as_jansson),
	    cmocka_unit_test(streamed_file_is_the_tree),
	    cmocka_unit_test(write_errors),
	};
	return cmocka_run_group_tests_name("test_jsonout", tests, NULL, NULL);
}
