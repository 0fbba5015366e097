#!/usr/bin/env bash
# The workbook's final zip is written by boardpack itself below 4 GB (xlsxzip.c), by minizip
# above: the two give the same bytes. Built both ways (BOARDPACK_TEST_MINIZIP=1 asks for
# minizip): the samples whole and split by region, with the long tables cut into continuation
# sheets of 1,000 rows, and a pack whose Customers table is empty (no customers file); every
# workbook must be byte-identical, and each entry's CRC must check (Python's zipfile).
set -eu
demo=$ROOT/samples/northwind
mkdir -p "$WORK/nocust"
cp "$demo"/journeys.csv "$demo"/kpis.csv "$demo"/actions.csv "$WORK/nocust/"
sed -e 's|^template *=.*||' -e 's|^customers *=.*||' "$demo/pack.ini" >"$WORK/nocust/pack.ini"
build() { # name pack.ini [env...]
	local name=$1 ini=$2
	shift 2
	env "$@" "$BOARDPACK" build "$ini" --out "$WORK/$name" --split-by region --no-pdf --quiet
}
build own "$demo/pack.ini"
build mini "$demo/pack.ini" BOARDPACK_TEST_MINIZIP=1
build own-cut "$demo/pack.ini" BOARDPACK_TEST_SHEET_ROWS=1000
build mini-cut "$demo/pack.ini" BOARDPACK_TEST_SHEET_ROWS=1000 BOARDPACK_TEST_MINIZIP=1
build own-nocust "$WORK/nocust/pack.ini"
build mini-nocust "$WORK/nocust/pack.ini" BOARDPACK_TEST_MINIZIP=1
n=0
for v in "" -cut -nocust; do
	for f in "$WORK/own$v"/*.xlsx; do
		b=$(basename "$f")
		cmp "$f" "$WORK/mini$v/$b" || { echo "own$v/$b differs from minizip's"; exit 1; }
		n=$((n + 1))
	done
done
[ "$n" -ge 15 ] || { echo "only $n workbooks compared"; exit 1; }
"$PYTHON" - "$WORK"/own*/*.xlsx <<'PY'
import sys, zipfile
sheets = 0
for p in sys.argv[1:]:
    with zipfile.ZipFile(p) as z:
        bad = z.testzip()
        if bad:
            sys.exit(f"{p}: {bad} does not match its CRC")
        sheets = max(sheets, sum(n.startswith("xl/worksheets/sheet") for n in z.namelist()))
if sheets < 20:
    sys.exit(f"the cut workbook has {sheets} sheets: no continuation sheets were made")
PY
echo "$n workbooks written by boardpack and by minizip are byte-identical, their CRCs check"
