#include "xlsx/xlsxzip.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>
#include <zip.h>
#include <zlib.h>

#include "util/format.h"
#include "util/strbuf.h"
#include "util/xmem.h"
#include "xlsx/zpar.h"

#define COPY_BLOCK (1u << 20)
#define HEAD_MAX (64u << 20) /* a long sheet's own XML, without its rows: small */

static const struct xlsxzip_part *part_of(const char *name, const struct xlsxzip_part *parts, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(parts[i].entry, name) == 0)
			return &parts[i];
	return NULL;
}

static zip_fileinfo info_of(const unz_file_info64 *in)
{
	zip_fileinfo zi = {
	    .dosDate = in->dosDate, .internal_fa = in->internal_fa, .external_fa = in->external_fa};
	zi.tmz_date.tm_sec = in->tmu_date.tm_sec;
	zi.tmz_date.tm_min = in->tmu_date.tm_min;
	zi.tmz_date.tm_hour = in->tmu_date.tm_hour;
	zi.tmz_date.tm_mday = in->tmu_date.tm_mday;
	zi.tmz_date.tm_mon = in->tmu_date.tm_mon;
	zi.tmz_date.tm_year = in->tmu_date.tm_year;
	return zi;
}

/* An entry copied as it is, its compressed bytes untouched. */
static int copy_raw(unzFile uf, zipFile zf, const char *name, const unz_file_info64 *fi,
                    unsigned char *buf, const char **why)
{
	int method = 0, level = 0;
	if (unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK) {
		*why = "reading the workbook's parts";
		return -1;
	}
	zip_fileinfo zi = info_of(fi);
	int zip64 = fi->uncompressed_size >= 0xffffffffu || fi->compressed_size >= 0xffffffffu;
	int r = zipOpenNewFileInZip4_64(zf, name, &zi, NULL, 0, NULL, 0, NULL, method, level, 1,
	                                -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, NULL, 0, fi->version, 0,
	                                zip64);
	int got = 0;
	while (r == ZIP_OK && (got = unzReadCurrentFile(uf, buf, COPY_BLOCK)) > 0)
		r = zipWriteInFileInZip(zf, buf, (unsigned)got);
	unzCloseCurrentFile(uf);
	if (r == ZIP_OK && got == 0)
		r = zipCloseFileInZipRaw64(zf, fi->uncompressed_size, fi->crc);
	if (r != ZIP_OK || got < 0) {
		*why = got < 0 ? "reading the workbook's parts" : "writing the workbook";
		return -1;
	}
	return 0;
}

/*
 * The sheet's own XML (small: its rows are not in it) cut where the rows go: head is everything
 * before </sheetData> (with <sheetData> opened when the element was empty), with the dimension
 * set to cover the rows; tail is the rest.
 */
static int cut_sheet(const char *xml, const struct xlsxzip_part *p, struct strbuf *head,
                     struct strbuf *tail)
{
	static const char close_tag[] = "</sheetData>", empty_tag[] = "<sheetData/>";
	const char *sd = strstr(xml, close_tag);
	const char *empty = sd ? NULL : strstr(xml, empty_tag);
	const char *cut = sd ? sd : empty;
	if (!cut)
		return -1;
	const char *from = xml;
	const char *dim = strstr(xml, "<dimension ref=\"");
	if (dim && dim < cut) {
		dim += strlen("<dimension ref=\"");
		const char *q = strchr(dim, '"');
		if (!q || q > cut)
			return -1;
		char last[8];
		format_column_letters(last, (long)p->last_col + 1);
		strbuf_append(head, from, (size_t)(dim - from));
		strbuf_printf(head, "A1:%s%lu", last, (unsigned long)p->last_row + 1);
		from = q;
	}
	strbuf_append(head, from, (size_t)(cut - from));
	if (empty) {
		strbuf_puts(head, "<sheetData>");
		strbuf_puts(tail, close_tag);
		strbuf_puts(tail, empty + strlen(empty_tag));
	} else {
		strbuf_puts(tail, sd);
	}
	return 0;
}

static int write_part(unzFile uf, zipFile zf, const char *name, const unz_file_info64 *fi,
                      const struct xlsxzip_part *p, int level, unsigned char *buf, const char **why)
{
	*why = "reading the workbook's parts";
	if (fi->uncompressed_size > HEAD_MAX || unzOpenCurrentFile(uf) != UNZ_OK)
		return -1;
	size_t n = (size_t)fi->uncompressed_size;
	char *xml = xmalloc(n + 1);
	size_t have = 0;
	int got = 1;
	while (have < n && (got = unzReadCurrentFile(uf, xml + have, (unsigned)(n - have))) > 0)
		have += (size_t)got;
	unzCloseCurrentFile(uf);
	xml[have] = 0;
	struct strbuf head = {0}, tailbuf = {0};
	int rc = -1;
	unsigned char *hz = NULL, *tz = NULL;
	size_t hzn = 0, tzn = 0;
	if (have != n || got < 0 || cut_sheet(xml, p, &head, &tailbuf) != 0) {
		*why = "reading the workbook's parts: a long sheet is not as expected";
		goto out;
	}
	*why = "writing the workbook: out of memory";
	if (zpar_deflate(head.s, head.len, level, 0, &hz, &hzn) != 0 ||
	    zpar_deflate(tailbuf.s, tailbuf.len, level, 1, &tz, &tzn) != 0)
		goto out;
	uint64_t rows_in = zpar_in_bytes(p->rows), rows_out = zpar_out_bytes(p->rows);
	uint64_t total = (uint64_t)head.len + rows_in + (uint64_t)tailbuf.len;
	uLong crc = crc32_z(0, (const unsigned char *)head.s, head.len);
	crc = crc32_combine(crc, zpar_crc(p->rows), (z_off_t)rows_in);
	crc = crc32_combine(crc, crc32_z(0, (const unsigned char *)tailbuf.s, tailbuf.len),
	                    (z_off_t)tailbuf.len);
	zip_fileinfo zi = info_of(fi);
	int zip64 = total >= 0xffffffffu || hzn + rows_out + tzn >= 0xffffffffu;
	*why = "writing the workbook";
	int r = zipOpenNewFileInZip4_64(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, level, 1,
	                                -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, NULL, 0, fi->version, 0,
	                                zip64);
	if (r == ZIP_OK)
		r = zipWriteInFileInZip(zf, hz, (unsigned)hzn);
	for (uint64_t off = 0; r == ZIP_OK && off < rows_out;) {
		size_t want = rows_out - off < COPY_BLOCK ? (size_t)(rows_out - off) : COPY_BLOCK;
		ssize_t k = pread(zpar_fd(p->rows), buf, want, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			*why = "reading back a sheet's rows";
			r = ZIP_ERRNO;
			break;
		}
		r = zipWriteInFileInZip(zf, buf, (unsigned)k);
		off += (uint64_t)k;
	}
	/* the rows' file emptied as soon as they are copied: its pages go back to the system and
	 * serve the next sheet's copy (fresh pages cost more than pages used again; a virtual
	 * machine's first touch of one costs the most) */
	if (r == ZIP_OK && ftruncate(zpar_fd(p->rows), 0) != 0) {
		*why = "reading back a sheet's rows";
		r = ZIP_ERRNO;
	}
	if (r == ZIP_OK)
		r = zipWriteInFileInZip(zf, tz, (unsigned)tzn);
	if (r == ZIP_OK)
		r = zipCloseFileInZipRaw64(zf, total, crc);
	rc = r == ZIP_OK ? 0 : -1;
out:
	free(xml);
	free(hz);
	free(tz);
	strbuf_free(&head);
	strbuf_free(&tailbuf);
	return rc;
}

int xlsxzip_splice(const char *from, const char *path, const struct xlsxzip_part *parts, int n,
                   int level, const char **why)
{
	unzFile uf = unzOpen64(from);
	if (!uf) {
		*why = "reading the workbook's parts";
		return -1;
	}
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	if (!zf) {
		unzClose(uf);
		*why = strerror(errno ? errno : EIO);
		return -1;
	}
	unsigned char *buf = xmalloc(COPY_BLOCK);
	int rc = 0, found = 0;
	for (int r = unzGoToFirstFile(uf); r == UNZ_OK && rc == 0; r = unzGoToNextFile(uf)) {
		char name[512];
		unz_file_info64 fi;
		if (unzGetCurrentFileInfo64(uf, &fi, name, sizeof name, NULL, 0, NULL, 0) !=
		    UNZ_OK) {
			*why = "reading the workbook's parts";
			rc = -1;
			break;
		}
		const struct xlsxzip_part *p = part_of(name, parts, n);
		if (p) {
			found++;
			rc = write_part(uf, zf, name, &fi, p, level, buf, why);
		} else {
			rc = copy_raw(uf, zf, name, &fi, buf, why);
		}
	}
	if (rc == 0 && found != n) {
		*why = "reading the workbook's parts: a long sheet is missing";
		rc = -1;
	}
	free(buf);
	unzClose(uf);
	if (zipClose(zf, NULL) != ZIP_OK && rc == 0) {
		*why = "writing the workbook";
		rc = -1;
	}
	return rc;
}
