#!/usr/bin/env bash
# Fit to email, whatever the data (pack.md): a log with thousands of notes (cases whose rows
# disagree on customer id) and thousands of rejected rows (bad timestamps, bad demand values)
# gives a PDF of at most 400 KB and 30 pages, with the same page count as the same log with a
# tenth of the problems; the PDF summarises each kind with at most five examples; the JSON and
# the workbook still list every rejection and every note.
set -eu
gen() { # folder cases
	mkdir -p "$1"
	"$PYTHON" - "$1" "$2" <<'PY'
import csv, sys
d, n = sys.argv[1], int(sys.argv[2])
rows = [["case_id", "journey", "timestamp", "department", "customer_id", "demand", "outcome"]]
for i in range(n):
    cid, cust = f"K{i:06d}", f"U{i:06d}"
    day = 1 + i % 28
    rows.append([cid, "Fault fix", f"2026-08-{day:02d}T09:00:00", "Contact Centre", cust, "", ""])
    # every other case: a later row that disagrees on the customer id (a note per case)
    rows.append([cid, "Fault fix", f"2026-08-{day:02d}T10:00:00", "Field Ops",
                 cust + ("-B" if i % 2 == 0 else ""), "", ""])
    rows.append([cid, "Fault fix", f"2026-09-{day:02d}T10:00:00", "Field Ops", cust, "",
                 "achieved" if i % 3 else "failed"])
    # a rejected row for every other case: a bad timestamp or a bad demand value
    if i % 2 == 1:
        rows.append([cid, "Fault fix", "2026-02-30", "Billing", cust, "", ""] if i % 4 == 1 else
                    [cid, "Fault fix", f"2026-08-{day:02d}T11:00:00", "Billing", cust, "urgent", ""])
with open(f"{d}/journeys.csv", "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
with open(f"{d}/kpis.csv", "w") as f:
    f.write("period,department,kpi,actual,target\n2026-Q3,Field Ops,Jobs done,95,90\n")
with open(f"{d}/pack.ini", "w") as f:
    f.write("[pack]\norganisation = Messy Ltd\n[inputs]\njourneys = journeys.csv\nkpis = kpis.csv\n")
PY
}
gen "$WORK/big" 8000
gen "$WORK/small" 800
for s in big small; do
	"$BOARDPACK" build "$WORK/$s/pack.ini" --period 2026-Q3 --out "$WORK/$s/out" --json --quiet
done
"$PYTHON" - "$WORK" <<'PY'
import json, subprocess, sys, os
from openpyxl import load_workbook
w = sys.argv[1]
fail = []
pages = {}
for s in ("big", "small"):
    pdf = f"{w}/{s}/out/board-pack-2026-Q3.pdf"
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages[s] = int(next(l.split()[1] for l in info.splitlines() if l.startswith("Pages:")))
    size = os.path.getsize(pdf)
    if size > 400 * 1024:
        fail.append(f"{s}: PDF is {size} bytes")
    if pages[s] > 30:
        fail.append(f"{s}: PDF has {pages[s]} pages")
if pages["big"] != pages["small"]:
    fail.append(f"page count grows with the notes: {pages['small']} -> {pages['big']}")
d = json.load(open(f"{w}/big/out/board-pack-2026-Q3.json"))
dq = d["data_quality"]
issues, notes = dq["issues"], dq["notes"]
# by construction: 4,000 rejected rows (2,000 bad timestamps, 2,000 bad demand), 4,000 notes
if len(issues) != 4000 or dq["rows_rejected"] != 4000:
    fail.append(f"JSON: {len(issues)} issues, rows_rejected {dq['rows_rejected']}, expected 4000")
kinds = {}
for i in issues:
    kinds[i["kind"]] = kinds.get(i["kind"], 0) + 1
if kinds != {"bad timestamp": 2000, "bad demand": 2000}:
    fail.append(f"JSON issue kinds {kinds}")
dis = [n for n in notes if n["kind"] == "rows of a case disagree"]
if len(dis) != 4000:
    fail.append(f"JSON: {len(dis)} disagreement notes, expected 4000")
if [i["line"] for i in issues] != sorted(i["line"] for i in issues):
    fail.append("JSON issues are not in line order")
text = subprocess.run(["pdftotext", f"{w}/big/out/board-pack-2026-Q3.pdf", "-"], capture_output=True,
                      text=True, check=True).stdout
flat = " ".join(text.split())
for k, n in (("bad timestamp", "2,000"), ("bad demand", "2,000"), ("rows of a case disagree", "4,000")):
    if f"{k}: {n}" not in flat:
        fail.append(f"PDF: no summary line '{k}: {n}'")
shown = flat.count("journeys.csv, line ")
if shown > 15 or shown < 3:
    fail.append(f"PDF: {shown} rejections and notes printed, at most 5 of each of the 3 kinds expected")
first = sorted(issues, key=lambda i: i["line"])[:1][0]
if f"line {first['line']:,}" not in flat:
    fail.append(f"PDF: the first rejection (line {first['line']}) is not among the examples")
if "every one is listed in the workbook's data quality sheet" not in flat.lower():
    fail.append("PDF: does not say where the full list is")
wb = load_workbook(f"{w}/big/out/board-pack-2026-Q3.xlsx", read_only=True)
cells = set()
for row in wb["Data quality"].iter_rows(values_only=True):
    cells.update(v for v in row if isinstance(v, str))
missing = [i["message"] for i in issues + notes if i["message"] not in cells]
if missing:
    fail.append(f"workbook: {len(missing)} of {len(issues) + len(notes)} messages missing, e.g. {missing[0][:80]}")
for f in fail:
    print(f)
sys.exit(1 if fail else 0)
PY
