#!/usr/bin/env bash
# The PDF says where every rejected row and note is listed: "every one is listed in the
# workbook's Data quality sheet" when the sheet lists them all; past its limit (400,000 of each;
# BOARDPACK_TEST_DQ_ROWS=N sets N for the tests) it says the sheet lists the first N and the
# metrics JSON every one, and the sheet holds exactly N rejected rows with a workbook note counting
# the others, while the JSON lists them all.
set -eu
demo=$ROOT/samples/northwind
mkdir -p "$WORK/in"
cp "$demo"/kpis.csv "$demo"/actions.csv "$demo"/customers.csv "$WORK/in/"
sed -e 's|^template *=.*||' "$demo/pack.ini" >"$WORK/in/pack.ini"
awk -F, -v OFS=, 'NR > 1 && NR % 500 == 0 { $3 = "2026-13-01T09:00:00Z" } { print }' \
	"$demo/journeys.csv" >"$WORK/in/journeys.csv"
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/all" --json --quiet
BOARDPACK_TEST_DQ_ROWS=40 "$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/cut" --json --quiet
"$PYTHON" - "$WORK" <<'PY'
import json, subprocess, sys, openpyxl
work = sys.argv[1]
def text(d):
    return " ".join(subprocess.run(["pdftotext", f"{work}/{d}/board-pack-2026-Q3.pdf", "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
m = json.load(open(f"{work}/cut/board-pack-2026-Q3.json"))
n = len(m["data_quality"]["issues"])
if n < 100:
    sys.exit(f"only {n} rejected rows: the fixture is wrong")
if json.load(open(f"{work}/all/board-pack-2026-Q3.json"))["data_quality"] != m["data_quality"]:
    sys.exit("the JSON's data quality depends on the sheet's limit")
every = "Every one is listed in the workbook's Data quality sheet."
first = "The workbook's Data quality sheet lists the first 40 rejected rows and the first 40 notes; the metrics JSON lists every one."
if every not in text("all") or "lists the first" in text("all"):
    sys.exit("the whole list on the sheet, but the PDF does not say every one is listed there")
if first not in text("cut") or every in text("cut"):
    sys.exit("past the sheet's limit the PDF does not say where the rest are listed")
ws = openpyxl.load_workbook(f"{work}/cut/board-pack-2026-Q3.xlsx")["Data quality"]
rows = [r for r in ws.iter_rows(min_row=4, max_col=9, values_only=True) if r[0] is not None]
rejected = sum(r[0] == "rejected" for r in rows)
if rejected != 40:
    sys.exit(f"{rejected} rejected rows on the sheet, expected the first 40")
notes = [ws.cell(r, 18).value or "" for r in range(4, ws.max_row + 1)]
if not any(f"{n - 40} more rejected rows not listed (the first 40 are)" in x for x in notes):
    sys.exit(f"no workbook note counts the {n - 40} rejected rows not listed")
print(f"{n} rejected rows: all listed, or the first 40, and the PDF says which")
PY
