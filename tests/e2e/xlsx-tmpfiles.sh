#!/usr/bin/env bash
# libxlsxwriter's temporary files (one a part of the workbook, about 70 a pack) are made in
# memory by boardpack's lxw_tmpfile (generator/xlsx/tmpfiles.c), not as files of the output
# folder: the samples split by region make at least 50 a workbook in memory. Made on disk instead
# (BOARDPACK_TEST_TMPFILES=disk, as when memfd_create fails), every workbook is byte-identical,
# and no file is left behind.
set -eu
demo=$ROOT/samples/northwind
BOARDPACK_TEST_TMPFILES=1 "$BOARDPACK" build "$demo/pack.ini" --out "$WORK/mem" --split-by region \
	--no-pdf 2>"$WORK/mem.err"
BOARDPACK_TEST_TMPFILES=disk "$BOARDPACK" build "$demo/pack.ini" --out "$WORK/disk" --split-by region \
	--no-pdf 2>"$WORK/disk.err"
books=$(ls "$WORK"/mem/*.xlsx | wc -l)
[ "$books" -ge 5 ] || { echo "only $books workbooks"; exit 1; }
made=$(sed -n 's/^boardpack: test: \([0-9]*\) workbook parts made in memory$/\1/p' "$WORK/mem.err" | sort -n | tail -n 1)
[ -n "$made" ] && [ "$made" -ge $((50 * books)) ] ||
	{ echo "${made:-no} parts made in memory for $books workbooks (libxlsxwriter made its own?)"; cat "$WORK/mem.err"; exit 1; }
ondisk=$(sed -n 's/^boardpack: test: \([0-9]*\) workbook parts made in memory$/\1/p' "$WORK/disk.err" | sort -n | tail -n 1)
[ "$ondisk" = 0 ] || { echo "BOARDPACK_TEST_TMPFILES=disk still made $ondisk parts in memory"; exit 1; }
for f in "$WORK"/mem/*.xlsx; do
	cmp "$f" "$WORK/disk/$(basename "$f")" || { echo "$(basename "$f"): parts in memory and on disk differ"; exit 1; }
done
left=$(find "$WORK/mem" "$WORK/disk" -name '.*' | wc -l)
[ "$left" -eq 0 ] || { echo "files left behind:"; find "$WORK/mem" "$WORK/disk" -name '.*'; exit 1; }
echo "$books workbooks: $made parts made in memory; the same bytes made on disk"
