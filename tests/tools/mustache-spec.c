/*
 * mustache-spec: runs the Mustache specification's test files (JSON) against the engine.
 * Usage: mustache-spec FILE.json...   Prints each failure and "N passed, N failed"; exits 1
 * when a test failed or a file could not be read.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "tmpl/mustache.h"
#include "util/strbuf.h"
#include "util/xmem.h"

/* load_partial over the test's "partials" object. */
static char *load_partial(void *ctx, const char *name, size_t *len)
{
	const json_t *text = json_object_get(ctx, name);
	if (!json_is_string(text))
		return NULL;
	*len = json_string_length(text);
	return xstrndup(json_string_value(text), *len);
}

/* Prints s quoted, with line breaks and tabs visible. */
static void show(const char *label, const char *s)
{
	json_t *str = json_string(s);
	char *q = json_dumps(str, JSON_ENCODE_ANY);
	printf("    %-9s %s\n", label, q);
	free(q);
	json_decref(str);
}

int main(int argc, char **argv)
{
	long passed = 0, failed = 0;
	int status = 0;
	diag_set_quiet(true); /* the spec's "Failed Lookup" partial gives a warning */
	for (int i = 1; i < argc; i++) {
		json_error_t err;
		json_t *spec = json_load_file(argv[i], 0, &err);
		if (!spec) {
			fprintf(stderr, "mustache-spec: %s:%d: %s\n", argv[i], err.line, err.text);
			status = 1;
			continue;
		}
		size_t k;
		json_t *test;
		json_array_foreach(json_object_get(spec, "tests"), k, test)
		{
			const char *name = json_string_value(json_object_get(test, "name"));
			const char *tmpl = json_string_value(json_object_get(test, "template"));
			const char *want = json_string_value(json_object_get(test, "expected"));
			struct mustache_opts opts = {
			    .escape = MUSTACHE_ESCAPE_HTML,
			    .load_partial = load_partial,
			    .partial_ctx = json_object_get(test, "partials"),
			};
			struct strbuf out = STRBUF_INIT;
			int rc = mustache_render(name, tmpl, strlen(tmpl),
			                         json_object_get(test, "data"), &opts, &out);
			if (rc == 0 && strcmp(strbuf_str(&out), want) == 0) {
				passed++;
			} else {
				failed++;
				printf("FAIL %s: %s%s\n", argv[i], name, rc ? " (error)" : "");
				show("template", tmpl);
				show("expected", want);
				show("got", strbuf_str(&out));
			}
			strbuf_free(&out);
		}
		json_decref(spec);
	}
	printf("%ld passed, %ld failed\n", passed, failed);
	return failed || status ? 1 : 0;
}
