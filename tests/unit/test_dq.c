/*
 * The data-quality record's strings (model/dq.c keeps them in blocks, freed together) and the
 * escaping of values in messages (util/escape.c): every issue's and note's strings read back as
 * they were given, through many blocks, messages longer than the formatting's first buffer and
 * strings longer than a block's quarter; a column's name kept once for the issues that name it;
 * values escaped and cut as messages show them. Under AddressSanitizer this also checks that
 * nothing is written past a block and that dq_free frees every block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dq.h"
#include "util/escape.h"
#include "util/strbuf.h"

#define NISSUES 50000

static void test_strings_kept(void **state)
{
	(void)state;
	struct dq *d = dq_new();
	int f = dq_file(d, "journeys.csv", "/x/journeys.csv");
	char big[40000]; /* longer than a quarter block: a block of its own */
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof big - 1] = '\0';
	for (int i = 0; i < NISSUES; i++) {
		char caseid[32], cust[32], value[32], msg[64];
		snprintf(caseid, sizeof caseid, "C-%d", i);
		snprintf(cust, sizeof cust, "U%d", i * 7);
		snprintf(value, sizeof value, "v%d", i * 3);
		int n = snprintf(msg, sizeof msg, "timestamp \"v%d\": bad", i * 3);
		struct dq_where w = {.scope = (dq_scope)(i % 3),
		                     .column_name = i % 2 ? "timestamp" : "outcome",
		                     .case_id = caseid,
		                     .case_len = strlen(caseid),
		                     .customer_id = cust,
		                     .customer_len = strlen(cust),
		                     .value = value,
		                     .value_len = strlen(value)};
		dq_count_row(d, f, w.scope);
		if (i % 1000 ==
		    999) /* longer than vformat's first try, and than a block's quarter */
			dq_reject_at(d, f, i + 2, 3, &w, "bad timestamp", "%s %s", big, msg);
		else
			dq_reject_text(d, f, i + 2, 3, &w, "bad timestamp", msg, (size_t)n);
		if (i % 5000 == 0)
			dq_note_in(d, f, i + 2, DQ_EVERY_PACK, caseid, "note", "note %d", i);
	}
	assert_int_equal(d->nissues, NISSUES);
	assert_int_equal(dq_rows_rejected(d), NISSUES);
	assert_int_equal(d->nnotes, NISSUES / 5000);
	const char *timestamp = NULL, *outcome = NULL;
	for (int i = 0; i < NISSUES; i++) {
		const struct dq_issue *is = &d->issues[i];
		char want[64];
		int n = snprintf(want, sizeof want, "timestamp \"v%d\": bad", i * 3);
		if (i % 1000 == 999) {
			assert_int_equal(strlen(is->message), sizeof big - 1 + 1 + (size_t)n);
			assert_memory_equal(is->message, big, sizeof big - 1);
			assert_string_equal(is->message + sizeof big, want);
		} else {
			assert_string_equal(is->message, want);
		}
		snprintf(want, sizeof want, "C-%d", i);
		assert_string_equal(is->case_id, want);
		snprintf(want, sizeof want, "U%d", i * 7);
		assert_string_equal(is->customer_id, want);
		snprintf(want, sizeof want, "v%d", i * 3);
		assert_string_equal(is->value, want);
		assert_int_equal(is->line, i + 2);
		assert_int_equal(is->scope, (dq_scope)(i % 3));
		/* the two names, each kept once for all the issues that name it */
		const char **seen = i % 2 ? &timestamp : &outcome;
		assert_string_equal(is->column_name, i % 2 ? "timestamp" : "outcome");
		if (!*seen)
			*seen = is->column_name;
		assert_ptr_equal(is->column_name, *seen);
	}
	for (size_t k = 0; k < d->nnotes; k++) {
		char want[32];
		snprintf(want, sizeof want, "C-%zu", k * 5000);
		assert_string_equal(d->notes[k].case_id, want);
		snprintf(want, sizeof want, "note %zu", k * 5000);
		assert_string_equal(d->notes[k].message, want);
	}
	dq_free(d);
}

/* Values that are not UTF-8, and values longer than the 1,024 bytes an issue keeps. */
static void test_values_recorded(void **state)
{
	(void)state;
	struct dq *d = dq_new();
	int f = dq_file(d, "journeys.csv", "/x/journeys.csv");
	char longv[3000];
	memset(longv, 'x', sizeof longv);
	memcpy(longv + 1023, "é", 2); /* a character across the cut, after 1,024 bytes */
	struct dq_where w = {.value = "a\xff"
	                              "b",
	                     .value_len = 3};
	dq_count_row(d, f, 0);
	dq_reject_text(d, f, 2, 1, &w, "k", "m", 1);
	w = (struct dq_where){.value = longv, .value_len = sizeof longv};
	dq_count_row(d, f, 0);
	dq_reject_text(d, f, 3, 1, &w, "k", "m", 1);
	assert_string_equal(d->issues[0].value, "a\\xFFb");
	assert_null(d->issues[0].column_name);
	const char *v = d->issues[1].value;
	assert_int_equal(strlen(v), 1023 + strlen("…"));
	assert_memory_equal(v, longv, 1023);
	assert_string_equal(v + 1023, "…");
	dq_free(d);
}

/* s[0..n) as text_quote would write it with at most max bytes, after ">": want. */
static void check_quoted(const char *s, size_t n, size_t max, const char *want)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_puts(&b, ">");
	text_escape(&b, s, n, max, true);
	assert_string_equal(strbuf_str(&b), want);
	strbuf_free(&b);
}

static void test_escape(void **state)
{
	(void)state;
	check_quoted("plain", 5, 60, ">\"plain\"");
	check_quoted("a\"b\\c\td\x7f", 8, 60, ">\"a\\\"b\\\\c\\x09d\\x7F\"");
	check_quoted("\n", 1, 60, ">\"\\x0A\"");
	check_quoted("", 0, 60, ">\"\"");
	/* cut at max - 3 bytes, not inside a character */
	check_quoted("abcdefgh\xc3\xa9zzzzzz", 16, 12, ">\"abcdefgh…\"");
	check_quoted("a\tbcdefghijk", 12, 11, ">\"a\\x09bcdefg…\""); /* an escape before the cut */
	struct strbuf b = STRBUF_INIT;
	text_escape(&b, "x\"y", 3, 60, false); /* unquoted: the quote is kept as it is */
	assert_string_equal(strbuf_str(&b), "x\"y");
	strbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings_kept),
	    cmocka_unit_test(test_values_recorded),
	    cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
