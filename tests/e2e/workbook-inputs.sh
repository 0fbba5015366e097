#!/usr/bin/env bash
# Workbook inputs (data-contract.md, "Files as departments send them"): the inputs of
# tests/cases/metrics-hand as Excel workbooks written by openpyxl (tests/lib/workbooks.py:
# numbers, percent cells, date and date-time cells, the 1904 date system, a formula with its
# stored value, inline strings, a merged header cell, department merged down four rows, a
# hidden row, the table starting at B2, the KPIs on a second sheet picked with sheet = KPIs),
# then as LibreOffice's .ods and .xlsx conversions of those (shared strings, its own styles),
# give the same JSON as the CSV files: only file names, the places of messages (sheet rows
# and columns, one more than the CSV's lines and fields) and the inputs' checksums differ.
# Rejections name sheet and cell; a missing sheet, a file that is not a workbook and a zip bomb
# are input errors (exit 2).
set -eu
src=$ROOT/tests/cases/metrics-hand
mkdir -p csv && cp "$src"/*.csv csv/
"$PYTHON" "$ROOT/tests/lib/workbooks.py" csv xlsx
soffice=$(command -v soffice || command -v libreoffice || true)
[ -n "$soffice" ] || { echo "LibreOffice (soffice) is needed: make deps"; exit 1; }
lo() { # FORMAT OUTDIR FILES...
	local fmt=$1 dir=$2; shift 2
	"$soffice" -env:UserInstallation="file://$WORK/lo-profile" --headless --convert-to "$fmt" \
		--outdir "$dir" "$@" >lo.log 2>&1 || { cat lo.log; exit 1; }
}
lo ods ods xlsx/journeys.xlsx xlsx/kpis.xlsx xlsx/customers.xlsx
lo xlsx lo ods/journeys.ods ods/kpis.ods ods/customers.ods

pack() { # DIR EXT [sheet line]
	sed -n '/^\[inputs\]/q;p' "$src/pack.ini"
	printf '[inputs]\njourneys = journeys.%s\nkpis = kpis.%s\ncustomers = customers.%s\n' \
		"$2" "$2" "$2"
	[ "$2" = csv ] || printf '[columns.kpis]\nsheet = KPIs\n'
	sed -n '/^\[journey /,$p' "$src/pack.ini"
}
for v in csv:csv xlsx:xlsx ods:ods lo:xlsx; do
	dir=${v%:*} ext=${v#*:}
	pack "$dir" "$ext" >"$dir/pack.ini"
	"$BOARDPACK" build "$dir/pack.ini" --period 2026-Q3 --out "$PWD/out-$dir" --json --no-pdf --no-xlsx --quiet
	"$PYTHON" - "out-$dir/board-pack-2026-Q3.json" "$ext" >"$dir.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
sheet = sys.argv[2] != "csv"
d.pop("inputs", None)
q = d["data_quality"]
base = lambda f: re.sub(r"^.*/|\.[a-z]+$", "", f)
q["files"] = {base(k): v for k, v in q["files"].items()}
for e in q["issues"] + q["notes"]:
    e["file"] = base(e["file"])
    # a sheet's table starts at B2: row = line + 1, column = field + 1
    if sheet and e.get("line") is not None:
        e["line"] -= 1
    if sheet and e.get("column") is not None:
        e["column"] -= 1
    e["message"] = re.sub(r"line \d+", "line N", e["message"])
for g in d["goals"]:  # a story row's line is the sheet row, as every line is
    for r in (g.get("customer_journey") or {}).get("rows") or []:
        if sheet:
            r["line"] -= 1
print(json.dumps(d, indent=1, sort_keys=True))
PY
done
"$PYTHON" "$ROOT/tests/lib/jsonfrag.py" "$src/expect.json" out-csv/board-pack-2026-Q3.json
for v in xlsx ods lo; do
	diff -u csv.json $v.json || { echo "$v: the workbooks' JSON differs from the CSV files'"; exit 1; }
done
grep -q '"file": "journeys.xlsx"' out-xlsx/board-pack-2026-Q3.json

# rejections name the sheet and the cell; "line" in the JSON is the sheet row
"$BOARDPACK" check xlsx/pack.ini >check.txt 2>&1 || true
grep -qx 'boardpack: journeys.xlsx:Journeys!D27: error: timestamp "2026-13-01": no such day in the calendar' check.txt ||
	{ cat check.txt; exit 1; }
grep -qx 'boardpack: kpis.xlsx:KPIs!B13: error: period "2026": a year, but the pack'"'"'s periods are quarters' check.txt ||
	{ cat check.txt; exit 1; }
"$PYTHON" - out-xlsx/board-pack-2026-Q3.json <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["data_quality"]["issues"]
assert {"file": "journeys.xlsx", "line": 27, "column": 4} == {k: i[0][k] for k in ("file", "line", "column")}, i[0]
PY

expect_fail() { # ini pattern
	set +e; "$BOARDPACK" check "$1" >out.txt 2>&1; rc=$?; set -e
	[ $rc -eq 2 ] || { echo "$1: exit $rc, expected 2"; cat out.txt; exit 1; }
	grep -q -- "$2" out.txt || { echo "$1: expected: $2"; cat out.txt; exit 1; }
}
# no sheet of that name: the sheets there are
sed 's/^sheet = KPIs/sheet = Scores/' xlsx/pack.ini >xlsx/nosheet.ini
expect_fail xlsx/nosheet.ini '^boardpack: kpis.xlsx: error: the workbook has no sheet named "Scores"; its sheets are "Read me", "KPIs"'
sed 's/^sheet = KPIs/sheet = Scores/' ods/pack.ini >ods/nosheet.ini
expect_fail ods/nosheet.ini '^boardpack: kpis.ods: error: the workbook has no sheet named "Scores"; its sheets are "Read me", "KPIs"'
# a CSV file named .xlsx
cp csv/kpis.csv xlsx/fake.xlsx
sed 's#^kpis = kpis.xlsx#kpis = fake.xlsx#' xlsx/pack.ini >xlsx/fake.ini
expect_fail xlsx/fake.ini '^boardpack: fake.xlsx: error: not a workbook: an .xlsx or .ods file is a zip archive, and this one is not'
# a zip bomb: a sheet of 300 MB of spaces compressed to a few hundred KB
"$PYTHON" - <<'PY'
import zipfile
with zipfile.ZipFile("xlsx/bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="KPIs" sheetId="1" r:id="rId1" '
               'xmlns:r="r"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" '
               'Target="worksheets/sheet1.xml"/></Relationships>')
    with z.open("xl/worksheets/sheet1.xml", "w") as f:
        f.write(b"<worksheet><sheetData>")
        block = b" " * (1 << 20)
        for _ in range(300):
            f.write(block)
        f.write(b"</sheetData></worksheet>")
PY
[ "$(stat -c %s xlsx/bomb.xlsx)" -lt 2000000 ]
sed 's#^kpis = kpis.xlsx#kpis = bomb.xlsx#' xlsx/pack.ini >xlsx/bomb.ini
expect_fail xlsx/bomb.ini '^boardpack: bomb.xlsx: error: refused: the workbook.s part "xl/worksheets/sheet1.xml" inflates past 100 MB from [0-9]* bytes (a zip bomb'
echo "workbooks: same JSON as CSV from openpyxl's xlsx, LibreOffice's ods and xlsx"
