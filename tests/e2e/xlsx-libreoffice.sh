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
echo "LibreOffice recalculates the cached values"
