/* mdpdf: Markdown file to PDF through pdf_write, with the test fonts, a fixed date and header.
 * Usage: mdpdf IN.md OUT.pdf [--letter] [--logo FILE] [--font-regular F] [--font-bold F] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "pdf/pdf.h"
#include "util/strbuf.h"
#include "util/xmem.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mdpdf IN.md OUT.pdf [--letter] [--logo FILE] "
		                "[--font-regular F] [--font-bold F]\n");
		return 1;
	}
	/* The repository's test fonts: under $ROOT when the e2e runner sets it. */
	const char *root = getenv("ROOT");
	char *regular = xasprintf("%s%sfonts/DejaVuSans.ttf", root ? root : "", root ? "/" : "");
	char *bold = xasprintf("%s%sfonts/DejaVuSans-Bold.ttf", root ? root : "", root ? "/" : "");
	struct pdf_options o = {
	    .paper = PAPER_A4,
	    .font_regular = regular,
	    .font_bold = bold,
	    .title = "Board pack: customer outcomes",
	    .author = "Northwind Energy",
	    .subject = "Customer outcomes, 2026-Q3",
	    .keywords = "board pack; customer outcomes",
	    .header = "Northwind Energy · 2026-Q3",
	    .created = 1790812800, /* 2026-10-01T00:00:00Z */
	    .logo = NULL,
	};
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--letter") == 0)
			o.paper = PAPER_LETTER;
		else if (strcmp(argv[i], "--logo") == 0 && i + 1 < argc)
			o.logo = argv[++i];
		else if (strcmp(argv[i], "--font-regular") == 0 && i + 1 < argc)
			o.font_regular = argv[++i];
		else if (strcmp(argv[i], "--font-bold") == 0 && i + 1 < argc)
			o.font_bold = argv[++i];
		else {
			fprintf(stderr, "mdpdf: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	FILE *fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	struct strbuf md = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_append(&md, buf, n);
	fclose(fp);
	int rc = pdf_write(argv[2], -1, strbuf_str(&md), &o);
	strbuf_free(&md);
	free(regular);
	free(bold);
	return rc == 0 ? 0 : 3;
}
