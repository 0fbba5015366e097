#!/usr/bin/env bash
# LibreOffice Calc opens the workbook, recalculates every formula (forced through a private
# profile), and gets the values the workbook caches. A planted wrong cached value must come back
# corrected, which proves the recalculation ran. Needs libreoffice-calc-nogui.
set -u
if ! command -v soffice >/dev/null 2>&1; then
	echo "SKIP: libreoffice not installed"
	exit 0
fi
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
"$TOOLS/xlsxgen" "$fixture" "$WORK/book.xlsx" --cases 50 --odd || { echo "xlsxgen failed"; exit 1; }
mkdir -p "$WORK/profile/user" "$WORK/out"
cat >"$WORK/profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU
# The canary: Journeys' first SCO rate cached as 0.5 instead of 22/36.
"$PYTHON" - "$WORK/book.xlsx" "$WORK/canary.xlsx" <<'PY' || exit 1
import re, sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED)
names = re.findall(r'<sheet name="([^"]+)"', src.read("xl/workbook.xml").decode())
part = f"xl/worksheets/sheet{names.index('Journeys') + 1}.xml"
for n in src.namelist():
    data = src.read(n)
    if n == part:
        data, k = re.subn(rb'(<c r="J2"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)', rb"\g<1>0.5\g<2>", data)
        if k != 1:
            sys.exit("canary: Journeys!J2 is not a formula cell")
    dst.writestr(n, data)
dst.close()
PY
soffice -env:UserInstallation="file://$WORK/profile" --headless --convert-to xlsx --outdir "$WORK/out" \
	"$WORK/book.xlsx" "$WORK/canary.xlsx" >"$WORK/soffice.log" 2>&1
for f in book canary; do
	[ -s "$WORK/out/$f.xlsx" ] || { echo "LibreOffice did not convert $f.xlsx:"; cat "$WORK/soffice.log"; exit 1; }
done
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" recalc "$WORK/book.xlsx" "$WORK/out/book.xlsx" || exit 1
"$PYTHON" - "$WORK/out/canary.xlsx" <<'PY' || exit 1
import sys, openpyxl
v = openpyxl.load_workbook(sys.argv[1], data_only=True)["Journeys"]["J2"].value
if not isinstance(v, float) or abs(v - 22 / 36) > 1e-12:
    sys.exit(f"LibreOffice did not recalculate: Journeys!J2 is {v!r}, expected 22/36")
PY
# Header styling that LibreOffice shows: the header cells keep their own bold white-on-blue format
# through LibreOffice (not only the table style, which LibreOffice ignores).
"$PYTHON" - "$WORK/out/book.xlsx" <<'PY' || exit 1
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for sheet, cell in (("Journeys", "A1"), ("Cases", "A1"), ("Touches", "A1"), ("Data quality", "A3")):
    c = wb[sheet][cell]
    if not c.font.b or c.fill.fill_type != "solid":
        sys.exit(f"LibreOffice shows {sheet}!{cell} without the header format (bold {c.font.b}, fill {c.fill.fill_type})")
PY
# Printing: every page carries its sheet's footer, each sheet is one page wide, and the analysis
# sheets print on a page or few (the Summary with its two charts on one).
soffice -env:UserInstallation="file://$WORK/profile" --headless --convert-to pdf --outdir "$WORK/out" \
	"$WORK/book.xlsx" >"$WORK/soffice-pdf.log" 2>&1
[ -s "$WORK/out/book.pdf" ] || { echo "LibreOffice did not print book.xlsx:"; cat "$WORK/soffice-pdf.log"; exit 1; }
pdftotext -layout "$WORK/out/book.pdf" "$WORK/out/book.txt" || exit 1
"$PYTHON" - "$WORK/out/book.txt" <<'PY' || exit 1
import collections, re, sys
pages = open(sys.argv[1], encoding="utf-8").read().split("\f")
pages = [p for p in pages if p.strip()]
per = collections.Counter()
for i, p in enumerate(pages):
    m = re.search(r"^\s*(\S.*?)\s+Page (\d+) of (\d+)\s*$", p, re.M)
    if not m or int(m.group(2)) != i + 1 or int(m.group(3)) != len(pages):
        sys.exit(f"page {i + 1} has no footer 'SHEET ... Page {i + 1} of {len(pages)}': a sheet printed more than one page wide?")
    per[m.group(1)] += 1
print(f"{len(pages)} pages printed:", dict(per))
if per["Summary"] != 1:
    sys.exit(f"the Summary prints on {per['Summary']} pages: its charts are cut")
for sheet in ("Goals", "Journeys", "Trend", "Regions", "Watermelons", "Departments", "Heat map", "Decisions", "KPIs", "Settings",
              "Data quality"):
    if not 1 <= per[sheet] <= 2:
        sys.exit(f"{sheet} prints on {per[sheet]} pages")
if len(pages) > 40:
    sys.exit(f"{len(pages)} pages for a workbook of 50 cases")
# Booleans print as TRUE and FALSE, as Excel shows them, not as 1 and 0 (SCO, Within promise and
# Left within window on Cases; SCO on Touches)
cases = "\n".join(p for p in pages if re.search(r"^\s*Cases\s+Page", p, re.M))
words = re.findall(r"\b(TRUE|FALSE)\b", cases)
if len(words) < 50 or "TRUE" not in words or "FALSE" not in words:
    sys.exit(f"Cases prints {len(words)} TRUE/FALSE values for 50 cases: LibreOffice shows the booleans as numbers?")
PY
echo "LibreOffice recalculates the cached values, shows the header formats and prints every sheet one page wide"
