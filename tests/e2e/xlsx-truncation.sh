#!/usr/bin/env bash
# The Cases sheet stops at Excel's row limit with a visible note (Cases, Data quality, Summary):
# first with a small test-only limit (read fully with openpyxl), then for real with 1,048,580
# cases (about 15 s; checked by streaming the sheet's XML).
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
"$TOOLS/xlsxgen" "$fixture" "$WORK/small.xlsx" --cases 30 --limit 10 || { echo "xlsxgen failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" limit "$WORK/small.xlsx" 10 20 || exit 1
"$TOOLS/xlsxgen" "$fixture" "$WORK/fits.xlsx" --cases 10 --limit 10 || exit 1
"$PYTHON" - "$WORK/fits.xlsx" <<'PY' || exit 1
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Cases"]
if ws.tables["tblCases"].ref != "A1:M11" or ws.max_row != 11:
    sys.exit(f"10 cases under a limit of 10: table {ws.tables['tblCases'].ref}, {ws.max_row} rows (expected no note)")
PY
"$TOOLS/xlsxgen" "$fixture" "$WORK/big.xlsx" --cases 1048580 || { echo "xlsxgen failed (big)"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" bigcases "$WORK/big.xlsx" 7 || exit 1
echo "truncation noted"
