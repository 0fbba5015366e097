#include "manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/json.h"
#include "util/diag.h"
#include "util/outfile.h"
#include "util/xmem.h"

/*
 * Writes s as one CSV field (quoted when it holds a delimiter, quote, line break or control
 * character). A field that a spreadsheet would read as a formula (it begins with =, +, -, @, a
 * tab or a carriage return) gets a ' in front, as OWASP advises against CSV injection: a region
 * named =HYPERLINK(...) stays text when manifest.csv is opened in Excel or LibreOffice.
 */
static void csv_field(FILE *fp, const char *s, bool last)
{
	bool formula = s[0] && strchr("=+-@\t\r", s[0]);
	bool quote = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		quote |= *p == ',' || *p == '"' || *p < 0x20 || *p == 0x7F;
	if (quote) {
		fputc('"', fp);
		if (formula)
			fputc('\'', fp);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	} else {
		if (formula)
			fputc('\'', fp);
		fputs(s, fp);
	}
	fputc(last ? '\n' : ',', fp);
}

enum bp_err manifest_write(const char *dir, const char *organisation, const char *period,
                           const struct manifest_row *rows, size_t nrows)
{
	json_t *files = json_array();
	char *jpath = xasprintf("%s/manifest.json", dir),
	     *cpath = xasprintf("%s/manifest.csv", dir);
	int cfd = outfile_begin(cpath, NULL), jfd = cfd >= 0 ? outfile_begin(jpath, NULL) : -1;
	int dfd = jfd >= 0 ? dup(cfd) : -1;
	FILE *fp = dfd >= 0 ? fdopen(dfd, "w") : NULL;
	if (!fp && dfd >= 0)
		close(dfd);
	enum bp_err rc = fp ? BP_OK : BP_ERR_OUTPUT;
	if (fp)
		fputs("region,region_slug,period,kind,file,bytes,sha256\n", fp);
	for (size_t i = 0; i < nrows && fp; i++) {
		const struct manifest_row *r = &rows[i];
		char bytes[24];
		snprintf(bytes, sizeof bytes, "%" PRIu64, r->bytes);
		json_array_append_new(files,
		                      json_pack("{s:s?,s:s?,s:s,s:s,s:s,s:I,s:s}", "region",
		                                r->region, "region_slug", r->region_slug, "period",
		                                period, "kind", r->kind, "file", r->file, "bytes",
		                                (json_int_t)r->bytes, "sha256", r->sha256));
		csv_field(fp, r->region ? r->region : "", false);
		csv_field(fp, r->region_slug ? r->region_slug : "", false);
		csv_field(fp, period, false);
		csv_field(fp, r->kind, false);
		csv_field(fp, r->file, false);
		csv_field(fp, bytes, false);
		csv_field(fp, r->sha256, true);
	}
	if (fp && (ferror(fp) | fclose(fp))) {
		diag_msg(DIAG_ERROR, cpath, 0, 0, "cannot write the manifest: %s", strerror(errno));
		rc = BP_ERR_OUTPUT;
	}
	if (rc == BP_OK) {
		json_t *doc =
		    json_pack("{s:s,s:s,s:s,s:o}", "generator", "boardpack " BOARDPACK_VERSION,
		              "organisation", organisation, "period", period, "files", files);
		files = NULL;
		if (json_write_fd(doc, jfd, jpath) != 0)
			rc = BP_ERR_OUTPUT;
		json_decref(doc);
	}
	json_decref(files);
	free(jpath);
	free(cpath);
	return rc;
}
