/*
 * xlsxzip: the workbook's long sheets put together.
 *
 * libxlsxwriter writes the workbook with each long sheet holding its header
 * row only; longrows.c writes the sheet's other rows as XML, compressed in
 * parallel (zpar.h). This copies libxlsxwriter's zip into the final one
 * entry by entry, the compressed bytes as they are, and gives each long
 * sheet its rows: its head (up to the header row's end), the rows, and its
 * tail (from </sheetData>), as one deflate stream, with its dimension made
 * to cover the rows. The only module that knows the zip's layout; minizip
 * (Debian's libminizip, already libxlsxwriter's) reads it, and writes the
 * largest (zip64) workbooks.
 */
#ifndef BP_XLSXZIP_H
#define BP_XLSXZIP_H
#include <stdbool.h>
#include <stdint.h>

#include "util/sha256.h"

struct zpar;

struct xlsxzip_part {
	const char *entry; /* "xl/worksheets/sheet11.xml" */
	struct zpar *rows; /* finished (zpar_finish): the rows after the header row */
	uint32_t last_row; /* the sheet's last row with a cell, 0-based (0: the header only) */
	uint32_t last_col; /* its last column, 0-based */
};

/* A long sheet's sizes for xlsxzip_classic_fits. */
struct xlsxzip_size {
	uint64_t rows_in, rows_out; /* its rows' XML, and compressed (zpar_in_bytes, zpar_out_bytes) */
	uint64_t around;            /* its own XML without the rows (the entry libxlsxwriter wrote) */
};

/*
 * Whether the zip of from_bytes (libxlsxwriter's) with the n parts' rows spliced in needs no
 * zip64 field: every entry, and the offset of everything, below 4 GB. Each part's head and tail
 * are counted at twice their size and a block more, what deflate can make of them at worst.
 */
bool xlsxzip_classic_fits(uint64_t from_bytes, const struct xlsxzip_size *parts, int n);

/*
 * Writes to path the zip at from with each part's rows spliced in; level is the zlib level of
 * the parts around the rows. The zip is written by xlsxzip.c itself unless it needs zip64 fields
 * (4 GB or more) or minizip is asked for: minizip then writes it, byte for byte the same below
 * 4 GB. Returns 0, or -1 with *why set to a static description. When it writes the zip itself
 * and digest is not NULL, the file's SHA-256 is worked out as it is written, on a thread of its
 * own, and given in *digest (digest->known: false when it could not be).
 */
int xlsxzip_splice(const char *from, const char *path, const struct xlsxzip_part *parts, int n,
                   int level, bool minizip, struct sha256_digest *digest, const char **why);

#endif
