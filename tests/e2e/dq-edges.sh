#!/usr/bin/env bash
# Two edges of the data-quality lists, as the JSON and the workbook show them alike:
# - one workbook read for two inputs (its Journeys and its KPIs sheets) is one file of
#   data_quality.files, whose rows read and rejected are both sheets' (they were the last
#   sheet's alone: the JSON's files are keyed by name);
# - a rejected row's fields after its first fault are not checked: a customer id with a byte
#   that is not UTF-8 is kept as messages show it ("\xFF"), not left out of the JSON.
set -eu
src=$ROOT/tests/cases/metrics-hand
status=0

# -- one workbook, two inputs ------------------------------------------------------------
mkdir -p book
"$PYTHON" - "$src" book/data.xlsx <<'PY'
import csv, sys
from openpyxl import Workbook
src, out = sys.argv[1:]
wb = Workbook()
for i, (name, sheet) in enumerate((("journeys", "Journeys"), ("kpis", "KPIs"))):
    ws = wb.active if i == 0 else wb.create_sheet()
    ws.title = sheet
    rows = list(csv.reader(open(f"{src}/{name}.csv", encoding="utf-8")))
    for r in rows:
        ws.append(r)
    bad = list(rows[1])
    if name == "journeys":
        bad[0], bad[2] = "MX1", "not a time"
    else:
        bad[3] = "lots"  # actual: not a number
    ws.append(bad)
wb.save(out)
PY
cp "$src/customers.csv" book/
{
	sed -n '/^\[inputs\]/q;p' "$src/pack.ini"
	printf '[inputs]\njourneys = data.xlsx\nkpis = data.xlsx\ncustomers = customers.csv\n'
	printf '[columns.kpis]\nsheet = KPIs\n'
	sed -n '/^\[journey /,$p' "$src/pack.ini"
} >book/pack.ini
"$BOARDPACK" build book/pack.ini --period 2026-Q3 --out "$PWD/out-book" --json --no-pdf --quiet 2>book.err ||
	{ echo "the workbook pack failed:"; cat book.err; exit 1; }
# the same inputs as CSV files: their rows, and the rows they reject, plus the two bad rows
"$BOARDPACK" build "$src/pack.ini" --period 2026-Q3 --out "$PWD/out-csv" --json --no-pdf --no-xlsx --quiet
read -r want_read want_rejected < <("$PYTHON" -c '
import json, sys
f = json.load(open(sys.argv[1]))["data_quality"]["files"]
print(f["journeys.csv"]["rows_read"] + f["kpis.csv"]["rows_read"] + 2,
      f["journeys.csv"]["rows_rejected"] + f["kpis.csv"]["rows_rejected"] + 2)' out-csv/board-pack-2026-Q3.json)
"$PYTHON" - out-book/board-pack-2026-Q3.json out-book/board-pack-2026-Q3.xlsx "$want_read" "$want_rejected" <<'PY' || status=1
import json, sys
from openpyxl import load_workbook
d = json.load(open(sys.argv[1]))
want_read, want_rejected = int(sys.argv[3]), int(sys.argv[4])
files = d["data_quality"]["files"]
ok = True
def check(what, got, want):
    global ok
    if got != want:
        print(f"{what}: {got!r}, expected {want!r}")
        ok = False
check("JSON files", sorted(files), ["customers.csv", "data.xlsx"])
check("JSON data.xlsx rows read (both sheets)", files["data.xlsx"]["rows_read"], want_read)
check("JSON data.xlsx rows rejected (both sheets)", files["data.xlsx"]["rows_rejected"], want_rejected)
check("JSON rows read in all", d["data_quality"]["rows_read"],
      sum(f["rows_read"] for f in files.values()))
ws = load_workbook(sys.argv[2])["Data quality"]
t = ws.tables["tblFiles"]
rows = [[c.value for c in r] for r in ws[t.ref]]
head, body = rows[0], rows[1:]
by = {r[head.index("File")]: r for r in body}
book = by.get("data.xlsx")
if not book:
    print("workbook tblFiles has no row for data.xlsx:", body)
    ok = False
else:
    check("workbook data.xlsx rows read", book[head.index("Rows read")], want_read)
    check("workbook data.xlsx rows rejected", book[head.index("Rows rejected")], want_rejected)
check("workbook file rows", sum(1 for r in body if r[0] == "data.xlsx"), 1)
sys.exit(0 if ok else 1)
PY

# -- a byte that is not UTF-8 after a row's first fault ----------------------------------
mkdir -p bytes
cp "$src"/*.csv "$src/pack.ini" bytes/
# the department is the row's first fault (not UTF-8): the customer id after it is not checked
printf 'MZ9,Moving home,2026-07-02T09:00:00Z,Sa\377les,C\377Z,Order placed,web,,,\n' >>bytes/journeys.csv
"$BOARDPACK" build bytes/pack.ini --period 2026-Q3 --out "$PWD/out-bytes" --json --no-pdf --quiet 2>bytes.err ||
	{ echo "the pack with a bad byte failed:"; cat bytes.err; exit 1; }
"$PYTHON" - out-bytes/board-pack-2026-Q3.json out-bytes/board-pack-2026-Q3.xlsx <<'PY' || status=1
import json, sys
from openpyxl import load_workbook
d = json.load(open(sys.argv[1]))
rows = [e for e in d["data_quality"]["issues"] if e.get("case_id") == "MZ9"]
if len(rows) != 1 or rows[0].get("customer_id") != "C\\xFFZ":
    print("JSON: the rejected row's customer id should be C\\xFFZ:", rows)
    sys.exit(1)
ws = load_workbook(sys.argv[2])["Data quality"]
t = ws.tables["tblIssues"]
cells = [[c.value for c in r] for r in ws[t.ref]]
head = cells[0]
got = [r[head.index("Customer")] for r in cells[1:] if r[head.index("Case")] == "MZ9"]
if got != ["C\\xFFZ"]:
    print("workbook: the rejected row's Customer should be C\\xFFZ:", got)
    sys.exit(1)
PY
[ $status = 0 ] && echo "one workbook for two inputs is one file with both sheets' rows; an unchecked byte is shown as \\xFF"
exit $status
