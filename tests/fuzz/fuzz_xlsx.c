/* libFuzzer target: workbooks (sheetin, zipin). The first byte chooses what the rest is: the XML
 * parts of an .xlsx (sheet, shared strings, styles, workbook, separated by 0x01 bytes) or of an
 * .ods (content.xml), zipped by the target so that the readers see well-formed archives and the
 * fuzzer's bytes reach the XML; or the bytes of a file as they are (a damaged archive). */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "util/diag.h"
#include "in/sheetin.h"

static const char workbook[] =
    "<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"KPIs\" "
    "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] = "<Relationships><Relationship Id=\"rId1\" "
                           "Target=\"worksheets/sheet1.xml\"/></Relationships>";

static void put(zipFile z, const char *name, const char *data, size_t n)
{
	zipOpenNewFileInZip(z, name, NULL, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 1);
	zipWriteInFileInZip(z, data, (unsigned)n);
	zipCloseFileInZip(z);
}

static int on_record(void *ctx, const struct csvin_record *rec)
{
	size_t *n = ctx;
	if (!rec->field_lines || !rec->field_cols || rec->line < 1 ||
	    rec->nfields > SHEETIN_MAX_COLUMNS)
		__builtin_trap();
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i][rec->lens[i]] != '\0' || rec->field_lines[i] != rec->line ||
		    rec->field_cols[i] < 1)
			__builtin_trap();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static int quiet;
	if (!quiet++) {
		diag_set_quiet(true);
		diag_set_stream(fopen("/dev/null", "w")); /* errors too: they are expected here */
		snprintf(path, sizeof path, "/tmp/fuzz-xlsx-%ld.xlsx", (long)getpid());
	}
	if (size < 1)
		return 0;
	int mode = data[0] % 4;
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	unlink(path);
	if (mode == 3) {
		FILE *fp = fopen(path, "wb");
		fwrite(rest, 1, n, fp);
		fclose(fp);
	} else {
		zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
		if (!z)
			return 0;
		if (mode == 2) {
			put(z, "content.xml", rest, n);
		} else {
			/* parts separated by 0x01: sheet, shared strings, styles, workbook */
			const char *part[4] = {0};
			size_t len[4] = {0};
			const char *p = rest, *end = rest + n;
			for (int i = 0; i < 4 && p <= end; i++) {
				const char *sep = memchr(p, 1, (size_t)(end - p));
				part[i] = p;
				len[i] = (size_t)((sep ? sep : end) - p);
				p = sep ? sep + 1 : end + 1;
			}
			put(z, "xl/workbook.xml", part[3] ? part[3] : workbook,
			    part[3] ? len[3] : strlen(workbook));
			put(z, "xl/_rels/workbook.xml.rels", rels, strlen(rels));
			put(z, "xl/worksheets/sheet1.xml", part[0] ? part[0] : "", len[0]);
			if (part[1])
				put(z, "xl/sharedStrings.xml", part[1], len[1]);
			if (part[2])
				put(z, "xl/styles.xml", part[2], len[2]);
		}
		zipClose(z, NULL);
	}
	struct sheetin_opts o = {.name = "kpis.xlsx",
	                         .sheet = mode == 1 ? "KPIs" : NULL,
	                         .decimal = size % 2 ? ',' : '.'};
	if (mode == 2) {
		char ods[80];
		snprintf(ods, sizeof ods, "%s.ods", path);
		rename(path, ods);
		struct sheetin_result res;
		size_t rows = 0;
		sheetin_read(ods, &o, on_record, &rows, &res);
		sheetin_result_free(&res);
		unlink(ods);
		return 0;
	}
	struct sheetin_result res;
	size_t rows = 0;
	sheetin_read(path, &o, on_record, &rows, &res);
	sheetin_result_free(&res);
	return 0;
}
