#!/usr/bin/env bash
# The analyst's check (pack.md, "Every figure re-derivable from the workbook's own tables"): every
# figure of the metrics JSON recomputed from the workbook alone, pivoting Cases, Touches and
# Customers (tests/lib/xlsx_recompute.py, written from metrics.md, not from the writer). On the
# demo, on every pack of the demo split by region, and on the demo with a test-only limit of 2,000
# rows per sheet, so that Cases, Touches and Customers continue on "Cases (2)"... (nothing dropped);
# and on the demo cut into months, where the period a year before lies outside the 8-month trend.
set -u
src=$ROOT/samples/northwind
check() { # JSON XLSX
	"$PYTHON" "$ROOT/tests/lib/xlsx_recompute.py" "$1" "$2" >"$WORK/out.txt" 2>&1
	rc=$?
	tail -n 12 "$WORK/out.txt"
	return $rc
}
"$BOARDPACK" build "$src/pack.ini" --out "$WORK/demo" --json --no-pdf --quiet || { echo "demo build failed"; exit 1; }
check "$WORK/demo/board-pack-2026-Q3.json" "$WORK/demo/board-pack-2026-Q3.xlsx" || exit 1

"$BOARDPACK" build "$src/pack.ini" --out "$WORK/split" --split-by region --json --no-pdf --quiet ||
	{ echo "split build failed"; exit 1; }
n=0
for j in "$WORK"/split/board-pack-*.json; do
	check "$j" "${j%.json}.xlsx" || { echo "in $j"; exit 1; }
	n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "only $n packs in the split demo"; exit 1; }

BOARDPACK_TEST_SHEET_ROWS=2000 "$BOARDPACK" build "$src/pack.ini" --out "$WORK/cont" --json --no-pdf --quiet ||
	{ echo "continuation build failed"; exit 1; }
"$PYTHON" - "$WORK/cont/board-pack-2026-Q3.xlsx" "$WORK/demo/board-pack-2026-Q3.xlsx" <<'PY' || exit 1
import sys, openpyxl
cont = openpyxl.load_workbook(sys.argv[1], read_only=True).sheetnames
whole = openpyxl.load_workbook(sys.argv[2], read_only=True).sheetnames
for base in ("Cases", "Touches", "Customers"):
    if f"{base} (2)" not in cont:
        sys.exit(f"no {base} (2) with 2,000 rows per sheet: {cont}")
    i = cont.index(base)
    if cont[i + 1] != f"{base} (2)":
        sys.exit(f"{base} (2) does not follow {base}: {cont}")
if any("(2)" in s for s in whole):
    sys.exit(f"continuation sheets without the test limit: {whole}")
# as many sheets as the rows need (the rows are counted before they are written): every sheet
# of a table full but its last, which holds at least one row
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
for base in ("Cases", "Touches", "Customers"):
    sheets = [s for s in cont if s == base or s.startswith(f"{base} (")]
    rows = [sum(1 for r in book[s].iter_rows(min_row=2, max_col=1) if r[0].value is not None)
            for s in sheets]
    if any(n != 2000 for n in rows[:-1]) or not 1 <= rows[-1] <= 2000:
        sys.exit(f"{base}: data rows per sheet {rows}, expected 2,000 on each but the last")
PY
check "$WORK/cont/board-pack-2026-Q3.json" "$WORK/cont/board-pack-2026-Q3.xlsx" || exit 1
mkdir -p "$WORK/month"
cp "$src"/*.csv "$WORK/month/"
sed -e 's/^period_length *=.*/period_length = month/' -e 's|^template *=.*||' "$src/pack.ini" >"$WORK/month/pack.ini"
"$BOARDPACK" build "$WORK/month/pack.ini" --out "$WORK/month/out" --json --no-pdf --quiet || { echo "monthly build failed"; exit 1; }
check "$WORK/month/out/board-pack-2026-09.json" "$WORK/month/out/board-pack-2026-09.xlsx" || exit 1
echo "every figure recomputed from the workbook equals the JSON (demo, $n regional packs, continued sheets, months)"
