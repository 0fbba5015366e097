#!/usr/bin/env bash
# The Data quality sheet of real builds: one row per rejected row and per note, with its kind,
# file, line (a plain integer), column name, case, customer, offending value and message, equal to
# the JSON's; the header frozen, messages wrapped; "nothing rejected" said above the table, never
# as a data row.
set -u
cp -r "$ROOT/tests/cases/reject-values-json" "$WORK/rej"
(cd "$WORK/rej" && "$BOARDPACK" build pack.ini --period 2026-Q3 --out out --json --no-pdf --quiet) ||
	{ echo "build with rejected rows failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" dq "$WORK/rej/out/board-pack-2026-Q3.json" "$WORK/rej/out/board-pack-2026-Q3.xlsx" || exit 1
"$PYTHON" - "$WORK/rej/out/board-pack-2026-Q3.json" "$WORK/rej/out/board-pack-2026-Q3.xlsx" <<'PY' || exit 1
import json, sys, openpyxl
m = json.load(open(sys.argv[1]))
issues = m["data_quality"]["issues"]
if not issues or not all(i.get("column_name") and i.get("kind") for i in issues if i.get("column")):
    sys.exit(f"the fixture's rejections have no column names or kinds: {issues[:2]}")
ws = openpyxl.load_workbook(sys.argv[2])["Data quality"]
vals = [ws.cell(r, 8).value for r in range(4, 4 + len(issues))]
if "maybe" not in vals or "sideways" not in vals:
    sys.exit(f"offending values not in the Value column: {vals}")
PY
"$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --out "$WORK/demo" --json --no-pdf --quiet || exit 1
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" dq "$WORK/demo/board-pack-2026-Q3.json" "$WORK/demo/board-pack-2026-Q3.xlsx" || exit 1
# 100,000 rejected rows: the sheet is written row by row (constant memory), so the workbook takes
# little more than the JSON tree itself (171 MB measured; 470 MB when the sheet was held in memory).
"$PYTHON" - "$ROOT/tests/fixtures/xlsx/metrics.json" "$WORK/many.json" <<'PY' || exit 1
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["data_quality"]["issues"] = [
    {"file": "journeys.csv", "line": i + 2, "column": 5, "kind": "bad demand", "column_name": "demand",
     "case_id": f"C{i:07d}", "customer_id": None, "value": "maybe", "message": f'demand "maybe{i}": expected value'}
    for i in range(100000)]
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"))
PY
/usr/bin/time -f "%M" -o "$WORK/rss" "$TOOLS/xlsxgen" "$WORK/many.json" "$WORK/many.xlsx" --cases 10 || exit 1
rss=$(tail -n 1 "$WORK/rss")
case $TOOLS in
*/asan/*) ;; # AddressSanitizer's shadow memory and quarantine make the figure meaningless
*) [ "$rss" -lt 225000 ] || { echo "100,000 rejected rows took $rss KB (expected under 225 MB: the sheet is streamed)"; exit 1; } ;;
esac
"$PYTHON" - "$WORK/many.json" "$WORK/many.xlsx" <<'PY' || exit 1
import json, sys, openpyxl
m = json.load(open(sys.argv[1]))
ws = openpyxl.load_workbook(sys.argv[2], read_only=True)["Data quality"]
rows = [r[:9] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
want = m["data_quality"]["issues"]
if len(rows) != len(want) + len(m["data_quality"]["notes"]) or any(r[1] != w["kind"] or r[3] != w["line"] or r[5] != w["case_id"]
                                 for r, w in zip(rows, want)):
    sys.exit(f"{len(rows)} rows on the sheet for {len(want)} rejections and the notes, or their fields differ")
PY
echo "the Data quality sheet lists every rejected row and note with its fields"
