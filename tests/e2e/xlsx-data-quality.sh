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
echo "the Data quality sheet lists every rejected row and note with its fields"
