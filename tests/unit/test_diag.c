/* Unit tests: the one escaping rule of every message (diag.h, issue 16 item 4). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"

static char *escaped(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	diag_escape(fp, s, n);
	fclose(fp);
	return buf;
}

static void check(const char *in, size_t n, const char *want)
{
	char *got = escaped(in, n);
	assert_string_equal(got, want);
	free(got);
}

static void controls_and_bidi(void **state)
{
	(void)state;
	check("plain é · — 北", strlen("plain é · — 北"), "plain é · — 北");
	check("a\x1b[31mb", 7, "a\\x1B[31mb");
	check("tab\there\r\n", 10, "tab\\x09here\\x0D\\x0A");
	check("del\x7f", 4, "del\\x7F");
	check("nul\0x", 5, "nul\\x00x");
	check("csi\xc2\x9b"
	      "2J",
	      7, "csi\\u009B2J"); /* C1 as a character */
	check("rlo\xe2\x80\xae"
	      "x",
	      7, "rlo\\u202Ex"); /* U+202E */
	check("lri\xe2\x81\xa6"
	      "x",
	      7, "lri\\u2066x");                             /* U+2066 */
	check("lrm\xe2\x80\x8e", 6, "lrm\\u200E");           /* U+200E */
	check("alm\xd8\x9c", 5, "alm\\u061C");               /* U+061C */
	check("zwj\xe2\x80\x8d", 6, "zwj\xe2\x80\x8d");      /* U+200D is not a control: kept */
	check("back\\slash \\x41", 15, "back\\slash \\x41"); /* already escaped: unchanged */
}

static void invalid_utf8(void **state)
{
	(void)state;
	check("\xff", 1, "\\xFF");
	check("\x9b", 1, "\\x9B");                            /* a lone C1 byte is not UTF-8 */
	check("\xc0\xaf", 2, "\\xC0\\xAF");                   /* overlong '/' */
	check("\xe0\x80\xaf", 3, "\\xE0\\x80\\xAF");          /* overlong */
	check("\xed\xa0\x80", 3, "\\xED\\xA0\\x80");          /* a surrogate */
	check("\xf4\x90\x80\x80", 4, "\\xF4\\x90\\x80\\x80"); /* past U+10FFFF */
	check("cut\xe2\x80", 5, "cut\\xE2\\x80");             /* a sequence cut short */
	check("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");     /* U+1F600 is fine */
}

static void messages_escaped(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	diag_set_stream(fp);
	diag_msg(DIAG_ERROR, "in\x1b.ini", 3, 0, "unknown key \"%s\"", "k\xe2\x80\xae");
	diag_info("region %s", "\x1b]0;title\x07");
	diag_excerpt(DIAG_ERROR, "a,\x1b,c\n", 6, 3);
	diag_set_stream(NULL);
	fclose(fp);
	assert_string_equal(buf, "boardpack: in\\x1B.ini:3: error: unknown key \"k\\u202E\"\n"
	                         "region \\x1B]0;title\\x07\n"
	                         "  a,\\x1B,c\n"
	                         "    ^\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(controls_and_bidi),
	    cmocka_unit_test(invalid_utf8),
	    cmocka_unit_test(messages_escaped),
	};
	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
