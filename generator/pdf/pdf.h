/* pdf: lays out the expanded board-pack Markdown (with figure blocks) and writes the PDF. */
#ifndef BP_PDF_H
#define BP_PDF_H
#include <stdint.h>

#include "util/err.h"

#include "util/paper.h"

struct view;

struct pdf_options {
	enum paper paper;
	const char *font_regular; /* TrueType paths */
	const char *font_bold;
	const char *title;  /* document properties */
	const char *author; /* the organisation */
	const char *subject;
	const char *keywords;
	const char *header; /* running header, e.g. "Northwind Energy · 2026-Q3" */
	int64_t created;    /* creation date, seconds since the epoch (never the wall clock) */
	const char *logo;   /* optional PNG or JPEG for the cover, or NULL */
	/* the pack's figures, which a figure block's data=REF draws (docs/pdf.md); NULL: none, and
	 * such a block is an error */
	const struct view *view;
};

/*
 * Writes the document to the descriptor fd (a temporary file the caller puts in place; path
 * names it in messages), or, when fd is -1, creates path.
 * markdown is the expanded template: CommonMark + GFM tables, thematic
 * breaks as page breaks, and figure blocks (docs/pdf.md). Returns BP_OK;
 * BP_ERR_CONFIG after reporting a fault of the template or configuration (a
 * bad figure block, a font or logo that cannot be used); or BP_ERR_OUTPUT
 * after reporting an output failure.
 */
enum bp_err pdf_write(const char *path, int fd, const char *markdown,
                      const struct pdf_options *opts);

#endif
