#!/usr/bin/env bash
# The Data quality sheet's rows below the files' and the workbook notes' tables are streamed as
# the long tables' rows are (longrows.c), not written by libxlsxwriter. From the samples with
# 6,000 rows rejected, their offending values odd texts (XML's & < >, spaces at either end, a
# literal _x0041_, a control character, invalid UTF-8, non-ASCII, quotes, 3,000 characters), the
# whole organisation and each region: every row of the sheet equals the JSON's (xlsx_check.py
# dq), the streamed rows are there (cells without references in the sheet's XML), each message
# is wrapped and each line a plain integer, the texts changed for Excel are noted with the
# cell they are in, and the sheet's dimension covers its last row and its notes' table.
set -eu
demo=$ROOT/samples/northwind
mkdir -p "$WORK/in"
cp "$demo"/kpis.csv "$demo"/actions.csv "$demo"/customers.csv "$WORK/in/"
sed -e 's|^template *=.*||' "$demo/pack.ini" >"$WORK/in/pack.ini"
long=$(printf 'x%.0s' $(seq 3000))
awk -F, -v OFS=, -v long="$long" 'BEGIN {
	v[0] = "a & b <c>"; v[1] = " lead"; v[2] = "trail "; v[3] = "_x0041_"; v[4] = "ctl\001x"
	v[5] = "bad\377byte"; v[6] = "caf\303\251"; v[7] = "\"\"quoted\"\""; v[8] = long; v[9] = "plain"
}
NR == 1 { print; next }
NR % 10 == 0 { $8 = (v[int(NR / 10) % 10] ~ /"/ ? "\"" v[int(NR / 10) % 10] "\"" : v[int(NR / 10) % 10]) }
NR % 10 == 5 { $3 = "2026-13-01T09:00:00Z" }
{ print }' "$demo/journeys.csv" >"$WORK/in/journeys.csv"
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/out" --split-by region --json --no-pdf --quiet
n=0
for j in "$WORK"/out/board-pack-*.json; do
	"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" dq "$j" "${j%.json}.xlsx"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "only $n packs"; exit 1; }
"$PYTHON" - "$WORK"/out/board-pack-*.xlsx <<'PY'
import json, re, sys, zipfile, openpyxl
for p in sys.argv[1:]:
    m = json.load(open(p[:-5] + ".json", encoding="utf-8"))
    dq = m["data_quality"]
    listed = len(dq["issues"]) + len(dq["notes"])
    if len(dq["issues"]) < 1000:
        sys.exit(f"{p}: only {len(dq['issues'])} rejected rows: the fixture is wrong")
    wb = openpyxl.load_workbook(p)
    ws = wb["Data quality"]
    idx = wb.sheetnames.index("Data quality") + 1
    with zipfile.ZipFile(p) as z:
        xml = z.read(f"xl/worksheets/sheet{idx}.xml").decode()
    # streamed cells carry no reference; libxlsxwriter's always do
    if len(re.findall(r'<c [st]=', xml)) < 1000:
        sys.exit(f"{p}: the Data quality rows were not streamed")
    dim = re.search(r'<dimension ref="A1:([A-Z]+)(\d+)"', xml)
    head = 3  # the tables' header row
    last = head + listed
    if not dim or int(dim.group(2)) != last or dim.group(1) != "R":
        sys.exit(f"{p}: dimension {dim and dim.group(0)}, expected A1:R{last}")
    for r in range(head + 1, last + 1):
        line = ws.cell(r, 4)
        if line.value is not None and (not isinstance(line.value, int) or line.number_format != "0"):
            sys.exit(f"{p}: D{r} is {line.value!r} in {line.number_format!r}: not a plain integer")
        if not ws.cell(r, 9).alignment.wrap_text:
            sys.exit(f"{p}: I{r}: message not wrapped")
    if ws.cell(last + 1, 1).value is not None:
        sys.exit(f"{p}: a row after the last listed one")
    # the notes' table (columns P to R) names the cells whose texts were changed
    notes = {(ws.cell(r, 17).value or ""): ws.cell(r, 18).value for r in range(head + 1, ws.max_row + 1)
             if ws.cell(r, 16).value == "Data quality"}
    vals = {r: ws.cell(r, 8).value for r in range(head + 1, last + 1)}
    ctl = [r for r, v in vals.items() if isinstance(v, str) and v.startswith("ctl")]
    if not ctl or not any(f"H{r}" == c for r in ctl for c in notes):
        sys.exit(f"{p}: no note names a cell of a control character ({ctl[:3]}; {list(notes)[:5]})")
    # the rows beside the notes' table are libxlsxwriter's; below it, streamed (past 1,000 notes
    # the rest are counted, so the last control characters are not named)
    beside = head + sum(1 for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 16).value is not None)
    far = [r for r in ctl if r > beside and f"H{r}" in notes]
    if not far or "control character" not in notes[f"H{far[0]}"]:
        sys.exit(f"{p}: no control character in a streamed row (below row {beside}) is noted")
    odd = {v for v in vals.values() if isinstance(v, str)}
    for want in ("a & b <c>", "lead", "trail", "café", '"quoted"', "bad\\xFFbyte"):
        if want not in odd:
            sys.exit(f"{p}: {want!r} not among the values on the sheet")
print(f"{len(sys.argv) - 1} workbooks: the streamed Data quality rows are as the JSON's")
PY
