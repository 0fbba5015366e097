#include "in/zipin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unzip.h>

#include "util/diag.h"
#include "util/xmem.h"

struct zipin {
	unzFile uf;
	char *name;
	unsigned long long max_bytes, ratio_from; /* the zip-bomb limits of this archive */
};

void zipin_set_limits(struct zipin *z, unsigned long long max, unsigned long long from)
{
	z->max_bytes = max ? max : ZIPIN_MAX_BYTES;
	z->ratio_from = from ? from : ZIPIN_RATIO_FROM;
}

struct zipin *zipin_open(const char *path, const char *name)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		diag_msg(DIAG_ERROR, name, 0, 0, "cannot open the workbook: %s", strerror(errno));
		return NULL;
	}
	char magic[4] = {0};
	size_t got = fread(magic, 1, 4, fp);
	fclose(fp);
	unzFile uf = got == 4 && memcmp(magic, "PK\3\4", 4) == 0 ? unzOpen64(path) : NULL;
	if (!uf) {
		diag_msg(DIAG_ERROR, name, 0, 0,
		         "not a workbook: an .xlsx or .ods file is a zip archive, and this one %s; "
		         "save it again from the spreadsheet program (or give the CSV export)",
		         got == 4 && memcmp(magic, "PK\3\4", 4) == 0 ? "is damaged (its directory "
		                                                       "cannot be read)"
		                                                     : "is not");
		return NULL;
	}
	struct zipin *z = xcalloc(1, sizeof *z);
	z->uf = uf;
	z->name = xstrdup(name);
	zipin_set_limits(z, 0, 0);
	return z;
}

void zipin_close(struct zipin *z)
{
	if (!z)
		return;
	unzClose(z->uf);
	free(z->name);
	free(z);
}

static const char *strip(const char *member)
{
	return member[0] == '/' ? member + 1 : member;
}

bool zipin_has(struct zipin *z, const char *member)
{
	return unzLocateFile(z->uf, strip(member), 2) == UNZ_OK;
}

int zipin_read(struct zipin *z, const char *member, zipin_chunk_fn fn, void *ctx)
{
	const char *m = strip(member);
	if (unzLocateFile(z->uf, m, 2) != UNZ_OK) {
		diag_msg(DIAG_ERROR, z->name, 0, 0,
		         "the workbook has no part \"%s\": it is damaged or not a spreadsheet", m);
		return -1;
	}
	unz_file_info64 info;
	if (unzGetCurrentFileInfo64(z->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK ||
	    unzOpenCurrentFile(z->uf) != UNZ_OK) {
		diag_msg(DIAG_ERROR, z->name, 0, 0,
		         "the workbook's part \"%s\" cannot be read: the file is damaged or "
		         "encrypted",
		         m);
		return -1;
	}
	enum { CHUNK = 256 * 1024 };
	char *buf = xmalloc(CHUNK);
	unsigned long long total = 0, packed = info.compressed_size ? info.compressed_size : 1;
	int rc = 0;
	for (;;) {
		int n = unzReadCurrentFile(z->uf, buf, CHUNK);
		if (n < 0) {
			diag_msg(DIAG_ERROR, z->name, 0, 0,
			         "the workbook's part \"%s\" is damaged (%s); save the workbook "
			         "again from the spreadsheet program",
			         m,
			         n == UNZ_CRCERROR ? "its checksum is wrong"
			                           : "it cannot be inflated");
			rc = -1;
			break;
		}
		total += (unsigned long long)n;
		if (total > z->max_bytes ||
		    (total > z->ratio_from && total / packed > ZIPIN_MAX_RATIO)) {
			diag_msg(
			    DIAG_ERROR, z->name, 0, 0,
			    "refused: the workbook's part \"%s\" inflates past %llu MB from %llu "
			    "bytes (a zip bomb: more than %.3g GB, or %d times its compressed "
			    "size past %llu MB)",
			    m, total / 1000000, (unsigned long long)info.compressed_size,
			    (double)z->max_bytes / 1e9, ZIPIN_MAX_RATIO, z->ratio_from / 1000000);
			rc = -1;
			break;
		}
		if ((rc = fn(ctx, buf, (size_t)n)) || n == 0)
			break;
	}
	/* a CRC error shows only when the member is closed after its last byte */
	int closed = unzCloseCurrentFile(z->uf);
	if (rc == 0 && closed == UNZ_CRCERROR) {
		diag_msg(DIAG_ERROR, z->name, 0, 0,
		         "the workbook's part \"%s\" is damaged (its checksum is wrong); save the "
		         "workbook again from the spreadsheet program",
		         m);
		rc = -1;
	}
	free(buf);
	return rc;
}
