/* libFuzzer target: Markdown (with figure blocks) laid out into pages, as the PDF writer does. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "pdf/fontsub.h"
#include "pdf/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fontsub *fonts[FONT_COUNT];
	static FILE *devnull;
	if (!fonts[0]) {
		const char *dir = getenv("BOARDPACK_DATADIR");
		char path[4096];
		snprintf(path, sizeof path, "%s/fonts/DejaVuSans.ttf", dir ? dir : ".");
		fonts[FONT_REGULAR] = fontsub_open(path);
		snprintf(path, sizeof path, "%s/fonts/DejaVuSans-Bold.ttf", dir ? dir : ".");
		fonts[FONT_BOLD] = fontsub_open(path);
		if (!fonts[FONT_REGULAR] || !fonts[FONT_BOLD]) {
			fprintf(stderr, "fuzz_layout: fonts not found (run from the repository, or set BOARDPACK_DATADIR)\n");
			abort();
		}
		devnull = fopen("/dev/null", "w");
		diag_set_stream(devnull);
	}
	if (size > 64 * 1024) /* a board pack's page of text is a few KB; keep runs fast */
		return 0;
	char *md = malloc(size + 1);
	memcpy(md, data, size);
	md[size] = '\0';
	struct layout_options lo = {.paper = size % 2 ? PAPER_A4 : PAPER_LETTER, .header = "Fuzz · 2026-Q3"};
	struct document *d = layout_document(md, fonts, &lo);
	if (d)
		layout_free(d);
	free(md);
	return 0;
}
