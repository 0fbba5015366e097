/* Unit tests of the Mustache engine: every feature of the spec's modules, boardpack's errors,
 * strict mode and Markdown escaping. The cases are our own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "tmpl/mustache.h"
#include "util/strbuf.h"
#include "util/xmem.h"

/* --- Helpers ------------------------------------------------------------------------------- */

struct result {
	int rc;
	char *out;  /* rendered text */
	char *msgs; /* everything diag printed */
};

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

static json_t *parse_json(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, err.text);
	return v;
}

static char *load_from_object(void *ctx, const char *name, size_t *len)
{
	const json_t *text = json_object_get(ctx, name);
	if (!json_is_string(text))
		return NULL;
	*len = json_string_length(text);
	return xstrndup(json_string_value(text), *len);
}

/* Renders tmpl (named "t.md") against JSON data; partials is a JSON object of texts or NULL. */
static struct result run_opts(const char *tmpl, const char *data, const char *partials,
                              enum mustache_escape esc, bool strict)
{
	json_t *ctx = parse_json(data);
	json_t *parts = partials ? parse_json(partials) : NULL;
	struct mustache_opts opts = {.escape = esc, .strict = strict};
	if (parts) {
		opts.load_partial = load_from_object;
		opts.partial_ctx = parts;
	}
	struct strbuf out = STRBUF_INIT;
	capture_start();
	struct result r;
	r.rc = mustache_render("t.md", tmpl, strlen(tmpl), ctx, &opts, &out);
	r.msgs = capture_end();
	r.out = strbuf_detach(&out);
	json_decref(ctx);
	json_decref(parts);
	return r;
}

static void result_free(struct result *r)
{
	free(r->out);
	free(r->msgs);
}

/* Asserts that tmpl renders to want without any message (HTML escaping, not strict). */
static void check_p(const char *tmpl, const char *data, const char *partials, const char *want)
{
	struct result r = run_opts(tmpl, data, partials, MUSTACHE_ESCAPE_HTML, false);
	if (r.rc != 0 || strcmp(r.out, want) != 0 || r.msgs[0])
		print_error("template: %s\n", tmpl);
	assert_string_equal(r.msgs, "");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, want);
	result_free(&r);
}

static void check(const char *tmpl, const char *data, const char *want)
{
	check_p(tmpl, data, NULL, want);
}

/* Asserts that tmpl fails with exactly the messages want (strict or not). */
static void check_error(const char *tmpl, const char *data, const char *partials, bool strict,
                        const char *want)
{
	struct result r = run_opts(tmpl, data, partials, MUSTACHE_ESCAPE_HTML, strict);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.msgs, want);
	assert_string_equal(r.out, ""); /* nothing half-written */
	result_free(&r);
}

/* --- Interpolation ------------------------------------------------------------------------- */

static void test_interpolation(void **state)
{
	(void)state;
	check("No tags here.\n", "{}", "No tags here.\n");
	check("Dear {{who}},", "{\"who\": \"board\"}", "Dear board,");
	check("{{html}}|{{{html}}}|{{&html}}", "{\"html\": \"<i>R&D</i> \\\"x\\\" 'y'\"}",
	      "&lt;i&gt;R&amp;D&lt;/i&gt; &quot;x&quot; 'y'|<i>R&D</i> \"x\" 'y'|<i>R&D</i> \"x\" "
	      "'y'");
	check("[{{ who }}] [{{{ who }}}] [{{& who }}]", "{\"who\": \"x\"}", "[x] [x] [x]");
	check("{{n}} {{m}} {{neg}} {{big}}",
	      "{\"n\": 85, \"m\": 0, \"neg\": -12, \"big\": 9007199254740993}",
	      "85 0 -12 9007199254740993");
	check("{{a}} {{b}} {{c}} {{d}} {{{a}}} {{&b}}",
	      "{\"a\": 1.210, \"b\": 0.1, \"c\": 85.0, \"d\": -2.5e-7}",
	      "1.21 0.1 85 -2.5e-07 1.21 0.1");
	check("[{{t}}] [{{f}}] [{{z}}] [{{{z}}}] [{{&z}}]",
	      "{\"t\": true, \"f\": false, \"z\": null}", "[true] [false] [] [] []");
	check("[{{missing}}] [{{{missing}}}] [{{&missing}}]", "{}", "[] [] []");
	check("[{{obj}}] [{{list}}]", "{\"obj\": {\"a\": 1}, \"list\": [1]}", "[] []");
	check("{{s}}", "{\"s\": \"\"}", "");
	/* Tags are never removed with their line, whatever surrounds them. */
	check("  {{x}}\n", "{\"x\": \"-\"}", "  -\n");
	check("  {{{x}}}\n", "{\"x\": \"-\"}", "  -\n");
	check("{{x}}\n", "{\"x\": \"\"}", "\n");
	/* UTF-8 passes through. */
	check("{{name}}", "{\"name\": \"Ελληνικά Кирилица 東京\"}", "Ελληνικά Кирилица 東京");
}

static void test_dotted_names(void **state)
{
	(void)state;
	const char *data = "{\"org\": {\"name\": \"Northwind\", \"head\": {\"city\": \"Leeds\"}, "
	                   "\"size\": 12, \"open\": true}}";
	check("{{org.name}} in {{org.head.city}}", data, "Northwind in Leeds");
	check("{{{org.name}}}|{{&org.head.city}}|{{org.size}}|{{org.open}}", data,
	      "Northwind|Leeds|12|true");
	check("{{#org.open}}open{{/org.open}}", data, "open");
	check("{{#org.head}}{{city}}{{/org.head}}", data, "Leeds");
	/* Broken chains are empty. */
	check("[{{org.nothing}}] [{{org.name.first}}] [{{nothing.at.all}}]", data, "[] [] []");
	/* The first part climbs the stack; the rest does not. */
	check("{{#inner}}{{outer.v}}{{/inner}}", "{\"outer\": {\"v\": \"found\"}, \"inner\": {}}",
	      "found");
	check("{{#a}}{{b.c}}{{/a}}", "{\"a\": {\"b\": {}}, \"b\": {\"c\": \"wrong\"}}", "");
	check("{{#a}}{{b.c}}{{/a}}",
	      "{\"a\": {\"b\": {\"c\": \"inner\"}}, \"b\": {\"c\": \"outer\"}}", "inner");
	/* Dotted names with several levels, resolved through sections. */
	check("{{#a}}{{b.c.d}}{{/a}}", "{\"a\": {\"b\": {\"c\": {\"d\": \"deep\"}}}}", "deep");
}

static void test_implicit_iterator(void **state)
{
	(void)state;
	check("{{.}}", "\"root\"", "root");
	check("{{.}}|{{{.}}}|{{&.}}", "\"<b>\"", "&lt;b&gt;|<b>|<b>");
	check("{{.}}", "85", "85");
	check("{{.}}", "1.210", "1.21");
	check("{{#list}}({{.}}){{/list}}", "{\"list\": [\"a\", 2, 3.5, true, null]}",
	      "(a)(2)(3.5)(true)()");
	check("{{#list}}<{{{.}}}>{{/list}}", "{\"list\": [\"&\", \"<\"]}", "<&><<>");
	check("{{#.}}[{{v}}]{{/.}}", "[{\"v\": 1}, {\"v\": 2}]", "[1][2]");
	check("{{#list}}{{#.}}{{.}}{{/.}}|{{/list}}", "{\"list\": [[1, 2], [3]]}", "12|3|");
}

/* --- Sections ------------------------------------------------------------------------------ */

static void test_sections(void **state)
{
	(void)state;
	check("<{{#b}}yes{{/b}}>", "{\"b\": true}", "<yes>");
	check("<{{#b}}yes{{/b}}>", "{\"b\": false}", "<>");
	check("<{{#b}}yes{{/b}}>", "{\"b\": null}", "<>");
	check("<{{#b}}yes{{/b}}>", "{\"b\": []}", "<>");
	check("<{{#b}}yes{{/b}}>", "{}", "<>");
	/* Anything else is true and becomes the context: 0, "" and {} included. */
	check("<{{#b}}[{{.}}]{{/b}}>", "{\"b\": 0}", "<[0]>");
	check("<{{#b}}[{{.}}]{{/b}}>", "{\"b\": \"\"}", "<[]>");
	check("<{{#b}}[{{.}}]{{/b}}>", "{\"b\": \"0\"}", "<[0]>");
	check("<{{#b}}yes{{/b}}>", "{\"b\": {}}", "<yes>");
	check("{{#s}}{{.}} and {{s}}{{/s}}", "{\"s\": \"same\"}", "same and same");
	/* Objects become the context; names climb to outer contexts. */
	check("{{#goal}}{{name}}: {{rate}} of {{org}}{{/goal}}",
	      "{\"org\": \"N\", \"goal\": {\"name\": \"Move\", \"rate\": 0.61}}",
	      "Move: 0.61 of N");
	check("{{#a}}{{one}}{{#b}}{{one}}{{two}}{{#c}}{{one}}{{two}}{{three}}{{/c}}{{/b}}{{/a}}",
	      "{\"a\": {\"one\": 1}, \"b\": {\"two\": 2}, \"c\": {\"three\": 3}}", "112123");
	/* Lists repeat, once per item. */
	check("{{#goals}}{{name}}, {{/goals}}",
	      "{\"goals\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "a, b, ");
	check("{{#l}}{{#l}}x{{/l}}{{/l}}", "{\"l\": [1, 2]}", "xxxx");
	/* Items without the key look outside, as the stack says. */
	check("{{#l}}{{k}}{{/l}}", "{\"k\": \"out\", \"l\": [{\"k\": \"in\"}, {}]}", "inout");
	/* Padding inside the tags, and the same name twice. */
	check("|{{# b }}={{/ b }}|", "{\"b\": true}", "|=|");
	check("{{#b}}1{{/b}}-{{#b}}2{{/b}}", "{\"b\": true}", "1-2");
	/* Dotted section names. */
	check("{{#a.b}}in{{/a.b}}", "{\"a\": {\"b\": true}}", "in");
	check("{{#a.b}}in{{/a.b}}", "{\"a\": {}}", "");
}

static void test_inverted(void **state)
{
	(void)state;
	check("<{{^b}}no{{/b}}>", "{\"b\": false}", "<no>");
	check("<{{^b}}no{{/b}}>", "{\"b\": null}", "<no>");
	check("<{{^b}}no{{/b}}>", "{\"b\": []}", "<no>");
	check("<{{^b}}no{{/b}}>", "{}", "<no>");
	check("<{{^b}}no{{/b}}>", "{\"b\": true}", "<>");
	check("<{{^b}}no{{/b}}>", "{\"b\": 0}", "<>");
	check("<{{^b}}no{{/b}}>", "{\"b\": \"\"}", "<>");
	check("<{{^b}}no{{/b}}>", "{\"b\": [1]}", "<>");
	check("<{{^b}}no{{/b}}>", "{\"b\": {}}", "<>");
	/* The context does not change inside. */
	check("{{^b}}{{x}}{{/b}}", "{\"b\": false, \"x\": \"X\"}", "X");
	check("{{#b}}yes{{/b}}{{^b}}no{{/b}}", "{\"b\": [ ]}", "no");
	check("{{^a.b}}none{{/a.b}}", "{\"a\": {}}", "none");
	check("|{{^ b }}={{/ b }}|", "{\"b\": false}", "|=|");
	check("{{^a}}{{^b}}{{^c}}deep{{/c}}{{/b}}{{/a}}", "{}", "deep");
}

/* --- Standalone lines ---------------------------------------------------------------------- */

static void test_standalone(void **state)
{
	(void)state;
	const char *t = "{\"b\": true, \"f\": false}";
	/* A section tag alone on its line takes the whole line with it. */
	check("A\n{{#b}}\nB\n{{/b}}\nC\n", t, "A\nB\nC\n");
	check("A\n  {{#b}}\nB\n\t{{/b}}  \nC\n", t, "A\nB\nC\n");
	check("A\n{{^f}}\nB\n{{/f}}\nC\n", t, "A\nB\nC\n");
	check("A\r\n{{#b}}\r\nB\r\n{{/b}}\r\nC", t, "A\r\nB\r\nC");
	/* At the very start and the very end of the template. */
	check("  {{#b}}\nB\n  {{/b}}", t, "B\n");
	check("{{#b}}\nB\n{{/b}}", t, "B\n");
	/* Not alone: other text, or two tags, on the line. */
	check(" x {{#b}}\nB\n{{/b}}\n", t, " x \nB\n");
	check("A {{#b}}B{{/b}} C\n", t, "A B C\n");
	check("{{#b}}{{/b}}\nC\n", t, "\nC\n");
	check("  {{#b}}B{{/b}}\n", t, "  B\n");
	/* Lines inside a false section vanish with it. */
	check("A\n{{#f}}\nB\n{{/f}}\nC\n", t, "A\nC\n");
	/* Nested standalone tags, indented. */
	check("[\n  {{#b}}\n    {{#b}}\n    x\n    {{/b}}\n  {{/b}}\n]\n", t, "[\n    x\n]\n");
	/* A lone \r is not a line break. */
	check("{{#b}}\r\rB{{/b}}", t, "\r\rB");
}

static void test_comments(void **state)
{
	(void)state;
	check("1{{! a note }}2", "{}", "12");
	check("1{{!}}2", "{}", "12");
	check("1{{!a\nnote over\nlines}}2", "{}", "12");
	check("A\n  {{! alone }}\nB\n", "{}", "A\nB\n");
	check("A\n{{! alone\nover lines }}\nB\n", "{}", "A\nB\n");
	check("A\r\n{{! alone }}\r\nB", "{}", "A\r\nB");
	check("  {{! first }}\nB", "{}", "B");
	check("A\n  {{! last }}", "{}", "A\n");
	check("  A {{! inline }}\n", "{}", "  A \n");
	check("A {{! x }} {{! y }}\n", "{}", "A  \n");
	check("{{! {{not a tag} }}x", "{}", "x");
}

static void test_delimiters(void **state)
{
	(void)state;
	const char *d = "{\"x\": \"<X>\", \"b\": true, \"l\": [1, 2]}";
	check("{{=<% %>=}}(<%x%>)", d, "(&lt;X&gt;)");
	check("({{=[ ]=}}[x])", d, "(&lt;X&gt;)");
	check("{{= | | =}}|x| {{x}}", d, "&lt;X&gt; {{x}}");
	check("{{=<% %>=}}<%{x}%> <%&x%>", d, "<X> <X>");
	check("{{=<% %>=}}<%#l%><%.%><%/l%><%^b%>no<%/b%>", d, "12");
	check("{{=| |=}}|x||={{ }}=|{{x}}", d, "&lt;X&gt;&lt;X&gt;");
	/* Set-delimiter tags alone on their line vanish with it. */
	check("A\n{{=<% %>=}}\nB\n  <%={{ }}=%>\nC{{x}}\n", d, "A\nB\nC&lt;X&gt;\n");
	check("  {{=@ @=}}  \r\n@x@", d, "&lt;X&gt;");
	check("A {{=@ @=}}\n@x@", d, "A \n&lt;X&gt;");
	/* Across sections and over several lines. */
	check("{{#b}}{{=<% %>=}}<%x%><%/b%><%x%>", d, "&lt;X&gt;&lt;X&gt;");
	/* Partials keep their own delimiters, both ways. */
	check_p("{{=<% %>=}}<%>p%>|<%x%>", d, "{\"p\": \"{{x}}{{=[ ]=}}[x]\"}",
	        "&lt;X&gt;&lt;X&gt;|&lt;X&gt;");
	check_p("{{>p}}|{{x}}", d, "{\"p\": \"{{=[ ]=}}[x]\"}", "&lt;X&gt;|&lt;X&gt;");
	/* Long delimiters. */
	check("{{=<<< >>>=}}<<<x>>>", d, "&lt;X&gt;");
}

/* --- Partials ------------------------------------------------------------------------------ */

static void test_partials(void **state)
{
	(void)state;
	const char *p = "{\"who\": \"Hi {{name}}!\", \"list\": \"{{#l}}<{{>item}}>{{/l}}\", "
	                "\"item\": \"{{.}}\", \"two\": \"1\\n2\\n\", \"twono\": \"1\\n2\", "
	                "\"raw\": \"|\\n{{{v}}}\\n|\\n\", \"outer\": \"o\\n  {{>two}}\\no\\n\", "
	                "\"tree\": \"{{n}}({{#kids}}{{>tree}}{{/kids}})\", \"blank\": \"\"}";
	check_p("[{{>who}}]", "{\"name\": \"Ann\"}", p, "[Hi Ann!]");
	check_p("[{{> who }}]", "{\"name\": \"Ann\"}", p, "[Hi Ann!]");
	check_p("{{#people}}{{>who}} {{/people}}",
	        "{\"people\": [{\"name\": \"A\"}, {\"name\": \"B\"}]}", p, "Hi A! Hi B! ");
	check_p("{{>list}}", "{\"l\": [1, 2]}", p, "<1><2>");
	check_p("[{{>blank}}]", "{}", p, "[]");
	/* Recursion follows the data. */
	check_p(
	    "{{>tree}}",
	    "{\"n\": \"a\", \"kids\": [{\"n\": \"b\", \"kids\": [{\"n\": \"c\", \"kids\": []}]}, "
	    "{\"n\": \"d\", \"kids\": []}]}",
	    p, "a(b(c())d())");
	/* Inline partials are not indented. */
	check_p("  x {{>two}}y\n", "{}", p, "  x 1\n2\ny\n");
	/* A standalone partial takes its line, and its indentation goes before each of its lines.
	 */
	check_p("A\n  {{>two}}\nB\n", "{}", p, "A\n  1\n  2\nB\n");
	check_p("A\n\t{{>two}}\r\nB", "{}", p, "A\n\t1\n\t2\nB");
	check_p("  {{>twono}}\n>", "{}", p, "  1\n  2>");
	check_p("A\n  {{>twono}}", "{}", p, "A\n  1\n  2");
	/* ...but not inside interpolated data. */
	check_p(" {{>raw}}\n", "{\"v\": \"<\\n->\"}", p, " |\n <\n->\n |\n");
	/* Indentation adds up through nested standalone partials. */
	check_p("  {{>outer}}", "{}", p, "  o\n    1\n    2\n  o\n");
	/* An unknown partial is left out, with a warning (the spec's behaviour). */
	struct result r = run_opts("[{{>nope}}]", "{}", p, MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "[]");
	assert_string_equal(r.msgs,
	                    "boardpack: t.md:1:2: warning: unknown partial \"nope\": left out\n"
	                    "  [{{>nope}}]\n"
	                    "   ^\n");
	result_free(&r);
}

/* --- Errors -------------------------------------------------------------------------------- */

static void test_errors(void **state)
{
	(void)state;
	check_error("Hello\n  {{#goals}}\nx\n", "{}", NULL, false,
	            "boardpack: t.md:2:3: error: section \"goals\" is never closed (expected "
	            "{{/goals}})\n"
	            "    {{#goals}}\n"
	            "    ^\n");
	check_error("{{#a}}\n{{^b}}x{{/a}}{{/b}}", "{}", NULL, false,
	            "boardpack: t.md:2:8: error: {{/a}} does not close the open section \"b\" "
	            "(opened on line 2)\n"
	            "  {{^b}}x{{/a}}{{/b}}\n"
	            "         ^\n");
	check_error("ok\nthen {{/a}}", "{}", NULL, false,
	            "boardpack: t.md:2:6: error: {{/a}} closes no open section\n"
	            "  then {{/a}}\n"
	            "       ^\n");
	check_error("a {{}} b", "{}", NULL, false,
	            "boardpack: t.md:1:3: error: empty tag (a name is missing)\n"
	            "  a {{}} b\n"
	            "    ^\n");
	check_error("{{#}}{{/}}", "{}", NULL, false,
	            "boardpack: t.md:1:1: error: empty tag (a name is missing)\n"
	            "  {{#}}{{/}}\n"
	            "  ^\n");
	check_error("{{{ }}}", "{}", NULL, false,
	            "boardpack: t.md:1:1: error: empty tag (a name is missing)\n"
	            "  {{{ }}}\n"
	            "  ^\n");
	check_error("Dear {{name\nof {{org}}", "{}", NULL, false,
	            "boardpack: t.md:1:6: error: tag is not closed (expected \"}}\")\n"
	            "  Dear {{name\n"
	            "       ^\n");
	check_error("x {{name}", "{}", NULL, false,
	            "boardpack: t.md:1:3: error: tag is not closed (expected \"}}\")\n"
	            "  x {{name}\n"
	            "    ^\n");
	check_error("{{{name}}", "{}", NULL, false,
	            "boardpack: t.md:1:1: error: tag is not closed (expected \"}}}\")\n"
	            "  {{{name}}\n"
	            "  ^\n");
	check_error("é {{!never closed", "{}", NULL, false,
	            "boardpack: t.md:1:3: error: tag is not closed (expected \"}}\")\n"
	            "  é {{!never closed\n"
	            "    ^\n");
	check_error("{{a b}}", "{}", NULL, false,
	            "boardpack: t.md:1:1: error: \"a b\" is not a name (names are keys joined by "
	            "dots)\n"
	            "  {{a b}}\n"
	            "  ^\n");
	check_error("{{a..b}}", "{}", NULL, false,
	            "boardpack: t.md:1:1: error: \"a..b\" is not a name (names are keys joined by "
	            "dots)\n"
	            "  {{a..b}}\n"
	            "  ^\n");
	const char *bad_delims =
	    "error: bad set-delimiter tag: expected two delimiters without spaces or '=', as in "
	    "{{=<% %>=}}\n";
	const char *bad[] = {"{{=<%=}}", "{{=<% %> x=}}", "{{==% %>=}}", "{{= =}}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *tmpl = xasprintf("\t%s", bad[i]);
		char *want_tab =
		    xasprintf("boardpack: t.md:1:2: %s  \t%s\n  \t^\n", bad_delims, bad[i]);
		check_error(tmpl, "{}", NULL, false, want_tab);
		free(tmpl);
		free(want_tab);
	}
	check_error("{{=<% %>=}}\n<%x%>\n<%y", "{}", NULL, false,
	            "boardpack: t.md:3:1: error: tag is not closed (expected \"%>\")\n"
	            "  <%y\n"
	            "  ^\n");
	/* Problems inside a partial are reported in the partial. */
	check_error("A\n{{>p}}", "{}", "{\"p\": \"x\\n  {{#s}}\"}", false,
	            "boardpack: p:2:3: error: section \"s\" is never closed (expected {{/s}})\n"
	            "    {{#s}}\n"
	            "    ^\n");
	/* Without a loader or a file, a partial cannot be found. */
	struct result r = run_opts("a {{>p}}", "{}", NULL, MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.msgs,
	                    "boardpack: t.md:1:3: error: partial \"p\" cannot be loaded: the "
	                    "template is not a file and no loader was given\n"
	                    "  a {{>p}}\n"
	                    "    ^\n");
	result_free(&r);
	/* Strict mode refuses unknown partials. */
	check_error("[{{>nope}}]", "{}", "{}", true,
	            "boardpack: t.md:1:2: error: unknown partial \"nope\"\n"
	            "  [{{>nope}}]\n"
	            "   ^\n");
}

static void test_section_depth(void **state)
{
	(void)state;
	struct strbuf t = STRBUF_INIT;
	for (int i = 0; i < 100; i++)
		strbuf_puts(&t, "{{#a}}");
	for (int i = 0; i < 100; i++)
		strbuf_puts(&t, "{{/a}}");
	check(strbuf_str(&t), "{\"a\": true}", ""); /* 100 is fine */
	strbuf_reset(&t);
	for (int i = 0; i < 101; i++)
		strbuf_puts(&t, "{{#a}}");
	struct result r = run_opts(strbuf_str(&t), "{}", NULL, MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, -1);
	assert_non_null(
	    strstr(r.msgs, "boardpack: t.md:1:601: error: sections nested more than 100 deep\n"));
	result_free(&r);
	strbuf_free(&t);
}

static void test_partial_depth(void **state)
{
	(void)state;
	/* Unconditional self-inclusion stops at the limit instead of running away. */
	struct result r =
	    run_opts("{{>self}}", "{}", "{\"self\": \"x{{>self}}\"}", MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, -1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.msgs,
	                    "boardpack: self:1:2: error: partials nested more than 64 deep (does "
	                    "\"self\" include itself?)\n"
	                    "  x{{>self}}\n"
	                    "   ^\n");
	result_free(&r);
	/* Mutual recursion too. */
	r = run_opts("{{>a}}", "{}", "{\"a\": \"{{>b}}\", \"b\": \"{{>a}}\"}", MUSTACHE_ESCAPE_HTML,
	             false);
	assert_int_equal(r.rc, -1);
	assert_non_null(strstr(r.msgs, "partials nested more than 64 deep"));
	result_free(&r);
	/* 64 levels of data-driven recursion are fine. */
	struct strbuf data = STRBUF_INIT;
	for (int i = 0; i < 63; i++)
		strbuf_puts(&data, "{\"k\": ");
	strbuf_puts(&data, "{\"k\": false}");
	for (int i = 0; i < 63; i++)
		strbuf_puts(&data, "}");
	r = run_opts("{{>n}}", strbuf_str(&data), "{\"n\": \".{{#k}}{{>n}}{{/k}}\"}",
	             MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(strlen(r.out), 64);
	result_free(&r);
	strbuf_free(&data);
}

/* --- Strict mode --------------------------------------------------------------------------- */

static void test_strict(void **state)
{
	(void)state;
	const char *data = "{\"org\": \"N\", \"note\": null, \"totals\": {\"sco_rate\": 0.61, "
	                   "\"sco_rated\": 1, \"cases\": 412}, \"goals\": [{\"name\": \"Move\"}]}";
	/* Present names, null ones included, are fine. */
	struct result r =
	    run_opts("{{org}}[{{note}}]{{totals.cases}}{{#goals}}{{name}}{{org}}{{/goals}}"
	             "{{^note}}-{{/note}}",
	             data, NULL, MUSTACHE_ESCAPE_HTML, true);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "N[]412MoveN-");
	assert_string_equal(r.msgs, "");
	result_free(&r);
	check_error("Rate: {{totals.sco_rat}}", data, NULL, true,
	            "boardpack: t.md:1:7: error: \"totals.sco_rat\" is not in the context (did you "
	            "mean \"totals.sco_rate\" or \"totals.sco_rated\"?)\n"
	            "  Rate: {{totals.sco_rat}}\n"
	            "        ^\n");
	/* Misspelt first part: names from every context on the stack, and one level down. */
	check_error("{{#goals}}\n{{nmae}} {{orgg}}\n{{/goals}}", data, NULL, true,
	            "boardpack: t.md:2:1: error: \"nmae\" is not in the context (did you mean "
	            "\"name\" or \"note\"?)\n"
	            "  {{nmae}} {{orgg}}\n"
	            "  ^\n"
	            "boardpack: t.md:2:10: error: \"orgg\" is not in the context (did you mean "
	            "\"org\"?)\n"
	            "  {{nmae}} {{orgg}}\n"
	            "           ^\n");
	check_error("{{sco_rate}}", data, NULL, true,
	            "boardpack: t.md:1:1: error: \"sco_rate\" is not in the context (did you mean "
	            "\"totals.sco_rate\"?)\n"
	            "  {{sco_rate}}\n"
	            "  ^\n");
	check_error(
	    "{{totals.case}}", data, NULL, true,
	    "boardpack: t.md:1:1: error: \"totals.case\" is not in the context (did you mean "
	    "\"totals.cases\"?)\n"
	    "  {{totals.case}}\n"
	    "  ^\n");
	check_error(
	    "{{total.cases}}", data, NULL, true,
	    "boardpack: t.md:1:1: error: \"total.cases\" is not in the context (did you mean "
	    "\"totals.cases\"?)\n"
	    "  {{total.cases}}\n"
	    "  ^\n");
	/* Nothing close: no suggestion. Sections and inverted sections are checked too. */
	check_error("{{#zzzzzz}}{{/zzzzzz}}{{^qqqq}}{{/qqqq}}", data, NULL, true,
	            "boardpack: t.md:1:1: error: \"zzzzzz\" is not in the context\n"
	            "  {{#zzzzzz}}{{/zzzzzz}}{{^qqqq}}{{/qqqq}}\n"
	            "  ^\n"
	            "boardpack: t.md:1:23: error: \"qqqq\" is not in the context\n"
	            "  {{#zzzzzz}}{{/zzzzzz}}{{^qqqq}}{{/qqqq}}\n"
	            "                        ^\n");
	/* Up to three suggestions, closest first. */
	check_error("{{ab}}", "{\"abc\": 1, \"abd\": 2, \"xab\": 3, \"abcd\": 4, \"a\": 5}", NULL,
	            true,
	            "boardpack: t.md:1:1: error: \"ab\" is not in the context (did you mean \"a\", "
	            "\"abc\" or \"abd\"?)\n"
	            "  {{ab}}\n"
	            "  ^\n");
	/* One report per tag, however often it is rendered. */
	check_error("{{#l}}{{x}}{{/l}}", "{\"l\": [1, 2, 3]}", NULL, true,
	            "boardpack: t.md:1:7: error: \"x\" is not in the context\n"
	            "  {{#l}}{{x}}{{/l}}\n"
	            "        ^\n");
	/* Non-strict mode renders the same names as nothing. */
	r = run_opts("[{{totals.sco_rat}}]", data, NULL, MUSTACHE_ESCAPE_HTML, false);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "[]");
	result_free(&r);
}

/* --- Markdown ------------------------------------------------------------------------------ */

static char *md_escape(const char *s)
{
	struct strbuf b = STRBUF_INIT;
	mustache_escape_markdown(&b, s, strlen(s));
	return strbuf_detach(&b);
}

static void test_escape_markdown(void **state)
{
	(void)state;
	const char *cases[][2] = {
	    {"*Sales* # 1 | <b>", "\\*Sales\\* \\# 1 \\| \\<b\\>"},
	    {"1. First", "1\\. First"},
	    {"[x](y)", "\\[x\\]\\(y\\)"},
	    {"back\\slash", "back\\\\slash"},
	    {"a\nb\r\nc\rd", "a b c d"},
	    {"  code", "&#32;&#32;code"},
	    {"end  ", "end&#32;&#32;"},
	    {"\n", "&#32;"},
	    {"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/"
	                                           "\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`"
	                                           "\\{\\|\\}\\~"},
	    {"Zoë Ωμέγα 東京 09", "Zoë Ωμέγα 東京 09"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = md_escape(cases[i][0]);
		assert_string_equal(got, cases[i][1]);
		free(got);
	}
	/* In templates: {{x}} is escaped, {{{x}}} and {{&x}} never are. */
	struct result r = run_opts("# {{d}}\n{{{d}}}|{{&d}}", "{\"d\": \"*Sales*\"}", NULL,
	                           MUSTACHE_ESCAPE_MARKDOWN, false);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "# \\*Sales\\*\n*Sales*|*Sales*");
	result_free(&r);
	r = run_opts("{{n}} {{x}}", "{\"n\": 1.5, \"x\": \"<a>\"}", NULL, MUSTACHE_ESCAPE_NONE,
	             false);
	assert_string_equal(r.out, "1.5 <a>");
	result_free(&r);
}

/*
 * Renders Markdown (with GFM tables and strikethrough) to HTML. Not with GFM's autolink
 * extension: it links e-mail addresses found in text after parsing, escaped or not, so no
 * escaping can keep "a@b.org" in data from becoming a link where that extension is on.
 */
static char *markdown_html(const char *md)
{
	cmark_gfm_core_extensions_ensure_registered();
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("table"));
	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("strikethrough"));
	cmark_parser_feed(p, md, strlen(md));
	cmark_node *doc = cmark_parser_finish(p);
	char *html =
	    cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	cmark_node_free(doc);
	cmark_parser_free(p);
	return html;
}

/* Hostile names come out of CommonMark as the same text, in the structure the template made. */
static void test_markdown_hostile(void **state)
{
	(void)state;
	const char *names[][2] = {
	    {"*Sales* # 1 | <b>", "*Sales* # 1 | &lt;b&gt;"},
	    {"1. Ops", "1. Ops"},
	    {"# Heading", "# Heading"},
	    {"- item", "- item"},
	    {"> quote", "&gt; quote"},
	    {"[x](y)", "[x](y)"},
	    {"![img](http://e.org/i.png)", "![img](http://e.org/i.png)"},
	    {"back\\slash\\", "back\\slash\\"},
	    {"`code` ~~gone~~ _em_ **strong**", "`code` ~~gone~~ _em_ **strong**"},
	    {"&amp; &copy; &#42;", "&amp;amp; &amp;copy; &amp;#42;"},
	    {"line\n===", "line ==="},
	    {"<http://x.org> <!-- c -->", "&lt;http://x.org&gt; &lt;!-- c --&gt;"},
	    {"    indented", "    indented"},
	    {"a  \nb", "a   b"},
	    {"---", "---"},
	    {"a@b.org", "a@b.org"},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		json_t *ctx = json_pack("{s:s}", "d", names[i][0]);
		struct mustache_opts opts = {.escape = MUSTACHE_ESCAPE_MARKDOWN};
		struct strbuf out = STRBUF_INIT;
		assert_int_equal(
		    mustache_render("t.md", "{{d}}\n\n- {{d}}\n", 15, ctx, &opts, &out), 0);
		char *html = markdown_html(strbuf_str(&out));
		char *want =
		    xasprintf("<p>%s</p>\n<ul>\n<li>%s</li>\n</ul>\n", names[i][1], names[i][1]);
		if (strcmp(html, want) != 0)
			print_error("markdown: %s\n", strbuf_str(&out));
		assert_string_equal(html, want);
		free(html);
		free(want);
		strbuf_free(&out);

		/* In a table cell, | must not split the cell. */
		const char *table = "| Department | n |\n|---|---|\n| {{d}} | 1 |\n";
		out = (struct strbuf)STRBUF_INIT;
		assert_int_equal(mustache_render("t.md", table, strlen(table), ctx, &opts, &out),
		                 0);
		html = markdown_html(strbuf_str(&out));
		want = xasprintf("<tbody>\n<tr>\n<td>%s</td>\n<td>1</td>\n</tr>\n</tbody>",
		                 names[i][1]);
		if (!strstr(html, want))
			print_error("table: %s\n%s\n", strbuf_str(&out), html);
		assert_non_null(strstr(html, want));
		free(html);
		free(want);
		strbuf_free(&out);
		json_decref(ctx);
	}
}

/* --- Files --------------------------------------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, rel);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

static int files_setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_mustache.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *sub = xasprintf("%s/parts", tmpdir);
	mkdir(sub, 0700);
	free(sub);
	write_file("pack.md", "# {{org}}\n{{#goals}}\n  {{>goal}}\n{{/goals}}\n{{>parts/foot}}");
	write_file("goal.md", "- {{name}}\n");
	write_file("goal.txt", "WRONG EXTENSION\n");
	write_file("parts/foot.md", "({{>note}})");
	write_file("parts/note.md", "from parts/");
	write_file("note.md", "WRONG FOLDER");
	write_file("missing.md", "a\n {{>nowhere}}\n");
	write_file("self.tpl", "{{>self}}");
	write_file("plain", "{{>plainer}}");
	write_file("plainer", "no extension");
	return 0;
}

static int files_teardown(void **state)
{
	(void)state;
	const char *files[] = {"pack.md",       "goal.md", "goal.txt",   "parts/foot.md",
	                       "parts/note.md", "note.md", "missing.md", "self.tpl",
	                       "plain",         "plainer"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char *path = xasprintf("%s/%s", tmpdir, files[i]);
		unlink(path);
		free(path);
	}
	char *sub = xasprintf("%s/parts", tmpdir);
	rmdir(sub);
	free(sub);
	rmdir(tmpdir);
	return 0;
}

static struct result run_file(const char *rel, const char *data, bool strict)
{
	char *path = xasprintf("%s/%s", tmpdir, rel);
	json_t *ctx = parse_json(data);
	struct mustache_opts opts = {.escape = MUSTACHE_ESCAPE_MARKDOWN, .strict = strict};
	struct strbuf out = STRBUF_INIT;
	capture_start();
	struct result r;
	r.rc = mustache_render_file(path, ctx, &opts, &out);
	r.msgs = capture_end();
	r.out = strbuf_detach(&out);
	json_decref(ctx);
	free(path);
	return r;
}

static void test_files(void **state)
{
	(void)state;
	struct result r = run_file(
	    "pack.md", "{\"org\": \"N*W\", \"goals\": [{\"name\": \"Move\"}, {\"name\": \"Pay\"}]}",
	    true);
	assert_string_equal(r.msgs, "");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "# N\\*W\n  - Move\n  - Pay\n(from parts/)");
	result_free(&r);

	r = run_file("plain", "{}", true);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "no extension");
	result_free(&r);

	r = run_file("missing.md", "{}", true);
	assert_int_equal(r.rc, -1);
	char *want =
	    xasprintf("boardpack: %s/missing.md:2:2: error: unknown partial \"nowhere\" (no "
	              "file %s/nowhere.md)\n"
	              "   {{>nowhere}}\n"
	              "   ^\n",
	              tmpdir, tmpdir);
	assert_string_equal(r.msgs, want);
	free(want);
	result_free(&r);

	r = run_file("self.tpl", "{}", false);
	assert_int_equal(r.rc, -1);
	want =
	    xasprintf("boardpack: %s/self.tpl:1:1: error: partials nested more than 64 deep (does "
	              "\"self\" include itself?)\n"
	              "  {{>self}}\n"
	              "  ^\n",
	              tmpdir);
	assert_string_equal(r.msgs, want);
	free(want);
	result_free(&r);

	r = run_file("absent.md", "{}", false);
	assert_int_equal(r.rc, -1);
	want =
	    xasprintf("boardpack: %s/absent.md: error: cannot read the template: No such file or "
	              "directory\n",
	              tmpdir);
	assert_string_equal(r.msgs, want);
	free(want);
	result_free(&r);
}

/* --- Excerpts ------------------------------------------------------------------------------ */

static void test_excerpt(void **state)
{
	(void)state;
	capture_start();
	diag_excerpt(DIAG_ERROR, "\tab {{x}}\r\n", 11, 5);
	diag_excerpt(DIAG_ERROR, "Ωμέγα {{x}}", strlen("Ωμέγα {{x}}"), 7);
	struct strbuf line = STRBUF_INIT;
	for (int i = 0; i < 30; i++)
		strbuf_puts(&line, "0123456789");
	diag_excerpt(DIAG_ERROR, line.s, line.len, 151);
	diag_set_quiet(true);
	diag_excerpt(DIAG_WARNING, "quiet", 5, 1);
	diag_set_quiet(false);
	char *got = capture_end();
	char *want = xasprintf("  \tab {{x}}\n  \t   ^\n"
	                       "  Ωμέγα {{x}}\n        ^\n"
	                       "  ...%.100s...\n     %50s^\n",
	                       line.s + 100, "");
	assert_string_equal(got, want);
	free(got);
	free(want);
	strbuf_free(&line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interpolation),
	    cmocka_unit_test(test_dotted_names),
	    cmocka_unit_test(test_implicit_iterator),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_inverted),
	    cmocka_unit_test(test_standalone),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_delimiters),
	    cmocka_unit_test(test_partials),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_section_depth),
	    cmocka_unit_test(test_partial_depth),
	    cmocka_unit_test(test_strict),
	    cmocka_unit_test(test_escape_markdown),
	    cmocka_unit_test(test_markdown_hostile),
	    cmocka_unit_test_setup_teardown(test_files, files_setup, files_teardown),
	    cmocka_unit_test(test_excerpt),
	};
	return cmocka_run_group_tests_name("mustache", tests, NULL, NULL);
}
