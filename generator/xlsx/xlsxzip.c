#define _GNU_SOURCE /* copy_file_range */
#include "xlsx/xlsxzip.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>
#include <zip.h>
#include <zlib.h>

#include "util/format.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/xmem.h"
#include "xlsx/zpar.h"

#define COPY_BLOCK (1u << 20)
#define HEAD_MAX (64u << 20) /* a long sheet's own XML, without its rows: small */
#define HEAD_GROWTH 64        /* a head's dimension made to cover the rows: a few bytes longer */

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

/* ---- the final zip, written here ----------------------------------------- */

/*
 * The final zip is written here rather than through minizip when no entry and no offset reaches
 * 4 GB (no zip64 field is needed), which is every workbook but the largest: each entry's sizes
 * and CRC are known before it is written, so the headers are written once, and a long sheet's
 * rows go from their temporary file to the workbook with copy_file_range (inside the kernel)
 * instead of through minizip's byte-at-a-time copy and its CRC of the compressed bytes. The
 * bytes are those minizip writes (the same fields, versions and flags): tests/e2e/xlsx-zip.sh
 * compares the two, byte for byte.
 */
struct zout {
	int fd;
	uint64_t at;        /* bytes written (or pending) */
	unsigned char *buf; /* pending bytes */
	size_t n;
	struct strbuf cd; /* the central directory */
	unsigned long entries;
	bool failed;
	uint64_t out;                 /* bytes in the file */
	struct sha256_follow *follow; /* told of them as they are written, or NULL */
};

/* n more bytes are in the file. */
static void zo_wrote(struct zout *z, uint64_t n)
{
	z->out += n;
	if (z->follow)
		sha256_follow_written(z->follow, z->out);
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static bool write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static void zo_flush(struct zout *z)
{
	if (z->n && !z->failed) {
		if (write_all(z->fd, z->buf, z->n))
			zo_wrote(z, z->n);
		else
			z->failed = true;
	}
	z->n = 0;
}

static void zo_put(struct zout *z, const void *p, size_t n)
{
	z->at += n;
	while (n) {
		size_t k = COPY_BLOCK - z->n < n ? COPY_BLOCK - z->n : n;
		memcpy(z->buf + z->n, p, k);
		z->n += k;
		p = (const unsigned char *)p + k;
		n -= k;
		if (z->n == COPY_BLOCK)
			zo_flush(z);
	}
}

/* minizip's general purpose flags for a deflate level. */
static unsigned level_flags(int level)
{
	return level == 8 || level == 9 ? 2 : level == 2 ? 4 : level == 1 ? 6 : 0;
}

/* An entry's local header, and its record in the central directory, as minizip writes them. */
static void zo_entry(struct zout *z, const char *name, const unz_file_info64 *fi, int method,
                     int level, uint32_t crc, uint64_t csize, uint64_t usize)
{
	size_t nl = strlen(name);
	unsigned char h[30];
	put32(h, 0x04034b50);
	put16(h + 4, 20);
	put16(h + 6, level_flags(level));
	put16(h + 8, (unsigned)method);
	put32(h + 10, (uint32_t)fi->dosDate);
	put32(h + 14, crc);
	put32(h + 18, (uint32_t)csize);
	put32(h + 22, (uint32_t)usize);
	put16(h + 26, (unsigned)nl);
	put16(h + 28, 0);
	unsigned char c[46];
	put32(c, 0x02014b50);
	put16(c + 4, (unsigned)fi->version);
	memcpy(c + 6, h + 4, 24); /* needed, flags, method, date, CRC, sizes, name's length */
	put16(c + 30, 0);         /* extra field */
	put16(c + 32, 0);         /* comment */
	put16(c + 34, 0);         /* disk */
	put16(c + 36, (unsigned)fi->internal_fa);
	put32(c + 38, (uint32_t)fi->external_fa);
	put32(c + 42, (uint32_t)z->at); /* the local header's offset */
	strbuf_append(&z->cd, (const char *)c, sizeof c);
	strbuf_append(&z->cd, name, nl);
	z->entries++;
	zo_put(z, h, sizeof h);
	zo_put(z, name, nl);
}

/* Copies fd's first bytes, up to n, inside the kernel (copy_file_range) where it can; returns
 * how many (0 where it cannot: another file system, an old kernel). In pieces of 8 MiB, so that
 * the digest's follower reads one while the next is copied. */
static uint64_t zo_copy_fd(struct zout *z, int fd, uint64_t n)
{
	zo_flush(z);
	loff_t in = 0;
	while ((uint64_t)in < n && !z->failed) {
		uint64_t left = n - (uint64_t)in;
		size_t want = left < ((size_t)8 << 20) ? (size_t)left : (size_t)8 << 20;
		ssize_t k = copy_file_range(fd, &in, z->fd, NULL, want, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		zo_wrote(z, (uint64_t)k);
	}
	z->at += (uint64_t)in;
	return (uint64_t)in;
}

/* The central directory and its end, as minizip writes them; false when a write failed. */
static bool zo_close(struct zout *z)
{
	uint64_t cd_at = z->at;
	zo_put(z, z->cd.s, z->cd.len);
	unsigned char e[22];
	put32(e, 0x06054b50);
	put16(e + 4, 0);
	put16(e + 6, 0);
	put16(e + 8, (unsigned)z->entries);
	put16(e + 10, (unsigned)z->entries);
	put32(e + 12, (uint32_t)z->cd.len);
	put32(e + 16, (uint32_t)cd_at);
	put16(e + 20, 0);
	zo_put(z, e, sizeof e);
	zo_flush(z);
	return !z->failed;
}

/* Where the entries go: minizip's zip, or the writer above. */
struct zsink {
	zipFile zf; /* NULL: zo */
	struct zout *zo;
};

/* An entry begun: its sizes and CRC are known (the writer above needs them first). */
static int sink_begin(struct zsink *k, const char *name, const unz_file_info64 *fi, int method,
                      int level, uint32_t crc, uint64_t csize, uint64_t usize)
{
	if (!k->zf) {
		zo_entry(k->zo, name, fi, method, level, crc, csize, usize);
		return ZIP_OK;
	}
	zip_fileinfo zi = info_of(fi);
	int zip64 = usize >= 0xffffffffu || csize >= 0xffffffffu;
	return zipOpenNewFileInZip4_64(k->zf, name, &zi, NULL, 0, NULL, 0, NULL, method, level, 1,
	                               -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, NULL, 0, fi->version, 0,
	                               zip64);
}

static int sink_write(struct zsink *k, const void *p, size_t n)
{
	if (!k->zf) {
		zo_put(k->zo, p, n);
		return ZIP_OK;
	}
	return zipWriteInFileInZip(k->zf, p, (unsigned)n);
}

/* n bytes of fd from its start: inside the kernel for the writer above where it can, the rest
 * read into buf (COPY_BLOCK bytes) and written. */
static int sink_copy_fd(struct zsink *k, int fd, uint64_t n, unsigned char *buf)
{
	uint64_t off = k->zf ? 0 : zo_copy_fd(k->zo, fd, n);
	int r = ZIP_OK;
	while (r == ZIP_OK && off < n) {
		size_t want = n - off < COPY_BLOCK ? (size_t)(n - off) : COPY_BLOCK;
		ssize_t got = pread(fd, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return ZIP_ERRNO;
		r = sink_write(k, buf, (size_t)got);
		off += (uint64_t)got;
	}
	return r == ZIP_OK && !k->zf && k->zo->failed ? ZIP_ERRNO : r;
}

static int sink_end(struct zsink *k, uint64_t usize, uint32_t crc)
{
	return k->zf           ? zipCloseFileInZipRaw64(k->zf, usize, crc)
	       : k->zo->failed ? ZIP_ERRNO
	                       : ZIP_OK;
}

/* An entry copied as it is, its compressed bytes untouched. */
static int copy_raw(unzFile uf, struct zsink *k, const char *name, const unz_file_info64 *fi,
                    unsigned char *buf, const char **why)
{
	int method = 0, level = 0;
	if (unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK) {
		*why = "reading the workbook's parts";
		return -1;
	}
	int r = sink_begin(k, name, fi, method, level, (uint32_t)fi->crc, fi->compressed_size,
	                   fi->uncompressed_size);
	int got = 0;
	uint64_t copied = 0;
	while (r == ZIP_OK && (got = unzReadCurrentFile(uf, buf, COPY_BLOCK)) > 0) {
		r = sink_write(k, buf, (size_t)got);
		copied += (uint64_t)got;
	}
	unzCloseCurrentFile(uf);
	if (r == ZIP_OK && got == 0 && copied != fi->compressed_size)
		got = -1; /* the writer above has written the size it was told */
	if (r == ZIP_OK && got == 0)
		r = sink_end(k, fi->uncompressed_size, (uint32_t)fi->crc);
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

static int write_part(unzFile uf, struct zsink *k, const char *name, const unz_file_info64 *fi,
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
	*why = "writing the workbook";
	int r =
	    sink_begin(k, name, fi, Z_DEFLATED, level, (uint32_t)crc, hzn + rows_out + tzn, total);
	if (r == ZIP_OK)
		r = sink_write(k, hz, hzn);
	if (r == ZIP_OK && sink_copy_fd(k, zpar_fd(p->rows), rows_out, buf) != ZIP_OK) {
		*why = "reading back a sheet's rows";
		r = ZIP_ERRNO;
	}
	/* the rows' file emptied as soon as they are copied: its pages go back to the system and
	 * serve the next sheet's copy (fresh pages cost more than pages used again; a virtual
	 * machine's first touch of one costs the most) */
	if (r == ZIP_OK && ftruncate(zpar_fd(p->rows), 0) != 0) {
		*why = "reading back a sheet's rows";
		r = ZIP_ERRNO;
	}
	if (r == ZIP_OK)
		r = sink_write(k, tz, tzn);
	if (r == ZIP_OK)
		r = sink_end(k, total, (uint32_t)crc);
	rc = r == ZIP_OK ? 0 : -1;
out:
	free(xml);
	free(hz);
	free(tz);
	strbuf_free(&head);
	strbuf_free(&tailbuf);
	return rc;
}

bool xlsxzip_classic_fits(uint64_t from_bytes, const struct xlsxzip_size *parts, int n)
{
	uint64_t total = from_bytes;
	for (int i = 0; i < n; i++) {
		/* a head and tail compressed on their own: at most twice their bytes, and a block's
		 * worth more (deflate grows what it cannot shrink by a few bytes a block) */
		uint64_t around = parts[i].around + HEAD_GROWTH;
		if (parts[i].rows_in + around >= 0xffffffffu)
			return false;
		total += parts[i].rows_out + 2 * around + 4096;
		if (total >= 0xffffffffu)
			return false;
	}
	return true;
}

/* Whether the final zip needs no zip64 field (xlsxzip_classic_fits), each long sheet's head and
 * tail counted at the size of its entry in from (the sheet's own XML, its rows aside). */
static bool fits_classic(unzFile uf, const char *from, const struct xlsxzip_part *parts, int n)
{
	struct stat st;
	if (stat(from, &st) != 0)
		return false;
	struct xlsxzip_size *sz = xcalloc((size_t)n, sizeof *sz);
	int found = 0;
	for (int r = unzGoToFirstFile(uf); r == UNZ_OK; r = unzGoToNextFile(uf)) {
		char name[512];
		unz_file_info64 fi;
		if (unzGetCurrentFileInfo64(uf, &fi, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK)
			break;
		for (int i = 0; i < n; i++)
			if (strcmp(parts[i].entry, name) == 0) {
				sz[i] = (struct xlsxzip_size){.rows_in = zpar_in_bytes(parts[i].rows),
				                              .rows_out = zpar_out_bytes(parts[i].rows),
				                              .around = fi.uncompressed_size};
				found++;
			}
	}
	bool fits = found == n && xlsxzip_classic_fits((uint64_t)st.st_size, sz, n);
	free(sz);
	return fits;
}

int xlsxzip_splice(const char *from, const char *path, const struct xlsxzip_part *parts, int n,
                   int level, bool minizip, struct sha256_digest *digest, const char **why)
{
	if (digest)
		digest->known = false;
	unzFile uf = unzOpen64(from);
	if (!uf) {
		*why = "reading the workbook's parts";
		return -1;
	}
	struct zout zo = {.fd = -1};
	struct zsink k = {.zf = NULL, .zo = &zo};
	if (minizip || !fits_classic(uf, from, parts, n)) {
		k.zf = zipOpen64(path, APPEND_STATUS_CREATE);
		if (!k.zf) {
			unzClose(uf);
			*why = strerror(errno ? errno : EIO);
			return -1;
		}
	} else {
		/* read and write: the digest's follower reads it back */
		zo.fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (zo.fd < 0) {
			unzClose(uf);
			*why = strerror(errno ? errno : EIO);
			return -1;
		}
		zo.buf = xmalloc(COPY_BLOCK);
	}
	/* the file's digest as it is written (the manifest's), when it is written here */
	struct sha256_follow follow;
	if (digest && zo.fd >= 0 && sha256_follow_start(&follow, zo.fd) == 0)
		zo.follow = &follow;
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
			rc = write_part(uf, &k, name, &fi, p, level, buf, why);
		} else {
			rc = copy_raw(uf, &k, name, &fi, buf, why);
		}
	}
	if (rc == 0 && found != n) {
		*why = "reading the workbook's parts: a long sheet is missing";
		rc = -1;
	}
	free(buf);
	unzClose(uf);
	bool closed = k.zf ? zipClose(k.zf, NULL) == ZIP_OK : zo_close(&zo);
	if (zo.follow && sha256_follow_end(zo.follow, digest->hex, &digest->bytes) == 0)
		digest->known = closed && rc == 0 && digest->bytes == zo.out;
	if (zo.fd >= 0 && close(zo.fd) != 0)
		closed = false;
	free(zo.buf);
	strbuf_free(&zo.cd);
	if (!closed && rc == 0) {
		*why = "writing the workbook";
		rc = -1;
	}
	return rc;
}
