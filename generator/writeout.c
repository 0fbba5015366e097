/* writeout: one output of a pack (the metrics JSON, the PDF or the workbook) into its temporary
 * file, then its digest for the manifest. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "view/json.h"
#include "util/diag.h"
#include "util/jobs.h"
#include "util/outfile.h"
#include "packs.h"
#include "pdf/pdf.h"
#include "util/sha256.h"
#include "xlsx/xlsx.h"
#include "xlsxrows.h"

const char *const out_ext[OUT_KINDS] = {"json", "pdf", "xlsx"};

/* For the tests, tests/e2e/xlsx-recompute.sh: BOARDPACK_TEST_SHEET_ROWS=N lists at most N rows on
 * each sheet of a long table, so that its continuation sheets are tested without a million rows.
 * 0 when unset: Excel's limit. */
static long test_sheet_rows(void)
{
	const char *s = getenv("BOARDPACK_TEST_SHEET_ROWS");
	return s && *s ? atol(s) : 0;
}

/* BOARDPACK_TEST_MINIZIP=1: the workbook's zip written by minizip (xlsx_options.minizip). */
static bool test_minizip(void)
{
	const char *s = getenv("BOARDPACK_TEST_MINIZIP");
	return s && strcmp(s, "1") == 0;
}

/* BOARDPACK_TEST_JSON_TREE=1: the metrics JSON built as one jansson tree and dumped by jansson,
 * lists and all (json_write_view's tree), for tests/e2e/json-stream.sh to compare with. */
static bool test_json_tree(void)
{
	const char *s = getenv("BOARDPACK_TEST_JSON_TREE");
	return s && strcmp(s, "1") == 0;
}

void write_output(struct pack_out *o)
{
	struct pack_job *pj = o->pack;
	struct build *b = pj->b;
	o->msgs = diag_buffer_begin();
	double t = now_seconds();
	struct sha256_digest digest = {.known = false}; /* the workbook's, as it was written */
	o->fd = outfile_begin(o->path, &o->tmp);
	o->rc = o->fd >= 0 ? BP_OK : BP_ERR_OUTPUT;
	if (o->rc == BP_OK) {
		switch (o->kind) {
		case OUT_JSON: /* built here, on a writer thread, beside the workbook */
			if (json_write_view(pj->view, o->fd, o->path, test_json_tree()) != 0)
				o->rc = BP_ERR_OUTPUT;
			break;
		case OUT_PDF: {
			struct pdf_options po = {.paper = b->c->paper,
			                         .font_regular = b->font_regular,
			                         .font_bold = b->font_bold,
			                         .title = b->c->title,
			                         .author = b->c->organisation,
			                         .subject = pj->subject,
			                         .keywords =
			                             "board pack; customer outcomes; successful "
			                             "customer outcome; failure demand",
			                         .header = pj->header,
			                         .created = b->created,
			                         .logo = b->c->logo,
			                         .view = pj->view};
			o->rc = pdf_write(o->path, o->fd, strbuf_str(&pj->md), &po);
			break;
		}
		case OUT_XLSX: {
			/* libxlsxwriter writes to a file name: one in a private folder (0700),
			 * which becomes the temporary file once complete */
			const char *dir = NULL;
			o->tmp = outfile_private(o->path, &dir);
			if (!o->tmp) {
				o->rc = BP_ERR_OUTPUT;
				break;
			}
			struct xlsx_options xo = {.title = b->c->title,
			                          .author = b->c->organisation,
			                          .currency = b->c->currency ? b->c->currency : "",
			                          .created = b->created,
			                          .tmpdir = dir,
			                          .sheet_rows = test_sheet_rows(),
			                          .minizip = test_minizip(),
			                          .lanes = jobs_threads(b->jobs) > 1 ? 2 : 1,
			                          .digest = &digest};
			/* one workbook at a time: libxlsxwriter 1.1 calls gmtime(), whose result is
			 * shared */
			static pthread_mutex_t xlsx_lock = PTHREAD_MUTEX_INITIALIZER;
			struct xlsx_source src;
			xlsxrows_source(&pj->cases, &src);
			pthread_mutex_lock(&xlsx_lock);
			if (xlsx_write(o->tmp, pj->view, &src, &xo) != 0)
				o->rc = BP_ERR_OUTPUT;
			pthread_mutex_unlock(&xlsx_lock);
			if (o->rc != BP_OK)
				/* before its private file is removed */
				outfile_report_space(b->out_dir);
			if (outfile_take(o->path, o->path, o->rc == BP_OK) != 0)
				o->rc = BP_ERR_OUTPUT;
			break;
		}
		case OUT_KINDS:
			break;
		}
	}
	if (o->rc != BP_OK && o->kind != OUT_XLSX)
		outfile_report_space(b->out_dir);
	if (o->rc == BP_OK && digest.known) { /* worked out as the workbook was written */
		memcpy(o->sha256, digest.hex, sizeof digest.hex);
		o->bytes = digest.bytes;
	} else if (o->rc == BP_OK && sha256_fd(o->fd, o->sha256, &o->bytes) != 0) {
		diag_msg(DIAG_ERROR, o->path, 0, 0, "cannot read back the file just written: %s",
		         strerror(errno));
		o->rc = BP_ERR_OUTPUT;
	}
	timing(b->req, out_ext[o->kind], &t);
	if (o->tmp) /* messages name the file as the user knows it */
		diag_buffer_rename(o->msgs, o->tmp, o->path);
	diag_buffer_end(o->msgs);
}
