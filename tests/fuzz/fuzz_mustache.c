/* libFuzzer target: the Mustache engine, on a template against a fixed context, with partials
 * served from memory (a partial named "self" is the template itself: recursion must be bounded). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "tmpl/mustache.h"
#include "util/strbuf.h"

static const uint8_t *cur;
static size_t cur_len;

static char *partial(void *ctx, const char *name, size_t *len)
{
	(void)ctx;
	const char *text = strcmp(name, "self") == 0 ? (const char *)cur : strcmp(name, "p") == 0 ? "{{a}}{{#list}}{{.}}{{/list}}" : NULL;
	if (!text)
		return NULL;
	size_t n = text == (const char *)cur ? cur_len : strlen(text);
	char *copy = malloc(n + 1);
	memcpy(copy, text, n);
	copy[n] = '\0';
	*len = n;
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	static FILE *devnull;
	if (!ctx) {
		ctx = json_loads("{\"a\":\"*Sales* # 1 | <b>\",\"n\":3,\"t\":true,\"f\":false,\"z\":null,"
				 "\"list\":[1,\"two\",{\"a\":\"x\"}],\"o\":{\"b\":{\"c\":\"deep\"}},\"e\":[]}",
				 0, NULL);
		devnull = fopen("/dev/null", "w");
		diag_set_stream(devnull);
	}
	cur = data;
	cur_len = size;
	for (int esc = MUSTACHE_ESCAPE_HTML; esc <= MUSTACHE_ESCAPE_NONE; esc++) {
		struct strbuf out = STRBUF_INIT;
		struct mustache_opts mo = {.escape = esc, .strict = esc == MUSTACHE_ESCAPE_MARKDOWN,
					   .load_partial = partial};
		mustache_render("fuzz.md", (const char *)data, size, ctx, &mo, &out);
		strbuf_free(&out);
	}
	return 0;
}
