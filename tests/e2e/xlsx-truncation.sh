#!/usr/bin/env bash
# A long table continues on "Cases (2)", "Cases (3)"... and nothing is dropped: first with a small
# test-only limit of rows per sheet (read fully with openpyxl), then for real with 1,048,580 cases
# (about 20 s; checked by streaming the sheets' XML).
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
"$TOOLS/xlsxgen" "$fixture" "$WORK/small.xlsx" --cases 30 --limit 10 || { echo "xlsxgen failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" limit "$WORK/small.xlsx" 30 10 || exit 1
"$TOOLS/xlsxgen" "$fixture" "$WORK/uneven.xlsx" --cases 25 --limit 10 || exit 1
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" limit "$WORK/uneven.xlsx" 25 10 || exit 1
"$TOOLS/xlsxgen" "$fixture" "$WORK/fits.xlsx" --cases 10 --limit 10 || exit 1
"$PYTHON" - "$WORK/fits.xlsx" <<'PY' || exit 1
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Cases"]
if ws.tables["tblCases"].ref != "A1:W11" or ws.max_row != 11 or "Cases (2)" in wb.sheetnames:
    sys.exit(f"10 cases under a limit of 10: table {ws.tables['tblCases'].ref}, {ws.max_row} rows, sheets {wb.sheetnames}")
PY
"$TOOLS/xlsxgen" "$fixture" "$WORK/big.xlsx" --cases 1048580 || { echo "xlsxgen failed (big)"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" bigcases "$WORK/big.xlsx" 1048580 || exit 1
echo "long tables continue on further sheets, nothing dropped"
