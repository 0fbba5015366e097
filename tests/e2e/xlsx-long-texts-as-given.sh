#!/usr/bin/env bash
# The long sheets' ids (Cases, Touches, Customers) are written as the log gives them, whichever
# way longrows.c writes them (most are plain ASCII, written as they are; the others cleaned and
# escaped): case and customer ids with a leading or trailing space (quoted in the CSV: kept,
# with xml:space="preserve" so that Excel keeps the space), with an underscore, with XML's
# special characters (together and one at a time), with Excel's own escape sequence `_x000D_`
# (written as `_x005F_x000D_`, so that it reads back as typed), non-ASCII, and plain. Each is
# checked in the sheets' XML and as openpyxl reads it.
set -eu
mkdir -p "$WORK/in"
cp "$ROOT/samples/northwind/"{kpis.csv,actions.csv} "$WORK/in/"
sed 's|^template = .*|template = '"$ROOT"'/templates/board-pack.md|' "$ROOT/samples/northwind/pack.ini" >"$WORK/in/pack.ini"
"$PYTHON" - "$ROOT/samples/northwind" "$WORK/in" <<'PY'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
ids = [" FF lead", "FF trail ", "FF_under", "FF&amp<b>", "FF<lt", "FF>gt", "FF&and", "FF_x000D_", "FF-Zoë", "FF-plain"]
custs = [" NW lead", "NW trail ", "NW_under", "NW<&>", "NW<lt", "NW>gt", "NW&and", "NW_x000D_", "NW-Zoë", "NW-plain"]
rows = list(csv.reader(open(src + "/journeys.csv", newline="", encoding="utf-8")))
head, body = rows[0], rows[1:]
ix = {h: i for i, h in enumerate(head)}
# the last cases of the log (concluded in the report period): their rows get the odd ids
last = []
for r in reversed(body):
    if r[ix["case_id"]] not in last:
        last.append(r[ix["case_id"]])
    if len(last) == len(ids):
        break
case_map = dict(zip(last, ids))
cust_map = {}
for r in body:
    c = r[ix["case_id"]]
    if c in case_map:
        cust_map.setdefault(r[ix["customer_id"]], custs[ids.index(case_map[c])])
        r[ix["case_id"]] = case_map[c]
        r[ix["customer_id"]] = cust_map[r[ix["customer_id"]]]
with open(out + "/journeys.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([head] + body)
crows = list(csv.reader(open(src + "/customers.csv", newline="", encoding="utf-8")))
for r in crows[1:]:
    r[0] = cust_map.get(r[0], r[0])
with open(out + "/customers.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(crows)
assert len(case_map) == len(ids) and len(cust_map) == len(custs), (case_map, cust_map)
PY
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/out" --json --no-pdf --quiet
"$PYTHON" - "$WORK/out/board-pack-2026-Q3.xlsx" <<'PY'
import re, sys, zipfile, openpyxl
from xml.sax.saxutils import escape
ids = [" FF lead", "FF trail ", "FF_under", "FF&amp<b>", "FF<lt", "FF>gt", "FF&and", "FF_x000D_", "FF-Zoë", "FF-plain"]
custs = [" NW lead", "NW trail ", "NW_under", "NW<&>", "NW<lt", "NW>gt", "NW&and", "NW_x000D_", "NW-Zoë", "NW-plain"]
path = sys.argv[1]
wb = openpyxl.load_workbook(path, read_only=True)
z = zipfile.ZipFile(path)
names = {}
for m in re.finditer(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', z.read("xl/workbook.xml").decode()):
    names[m.group(1)] = "xl/worksheets/sheet%s.xml" % m.group(2)
def xml_form(t):  # how the text must stand in the sheet's XML
    t = escape(t).replace("_x000D_", "_x005F_x000D_")
    sp = ' xml:space="preserve"' if t[0] == " " or t[-1] == " " else ""
    return "<t%s>%s</t>" % (sp, t)
for sheet, col, want in (("Cases", 0, ids), ("Touches", 0, ids), ("Cases", None, custs), ("Customers", 0, custs)):
    ws = wb[sheet]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    c = header.index("Customer") if col is None else col
    got = {r[c] for r in ws.iter_rows(min_row=2, values_only=True)}
    xml = z.read(names[sheet]).decode("utf-8")
    for t in want:
        # openpyxl's read-only reader leaves Excel's _xHHHH_ escapes as they stand
        assert t in got or t.replace("_x000D_", "_x005F_x000D_") in got, (sheet, header[c], repr(t))
        assert xml_form(t) in xml, (sheet, repr(t), xml_form(t))
print("ids as given on Cases, Touches and Customers:", ", ".join(repr(t) for t in ids + custs))
PY
