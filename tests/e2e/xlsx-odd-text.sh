#!/usr/bin/env bash
# Invalid UTF-8 becomes U+FFFD and the file still opens; a 40,000-character text is cut to Excel's
# 32,767 with a note on the Data quality sheet (a case's field, and a data-quality message).
set -u
"$PYTHON" - "$ROOT/tests/fixtures/xlsx/metrics.json" "$WORK/long.json" <<'PY' || exit 1
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["data_quality"]["notes"][0]["message"] = "x" * 40000
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$TOOLS/xlsxgen" "$WORK/long.json" "$WORK/odd.xlsx" --cases 10 --odd || { echo "xlsxgen failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" odd "$WORK/long.json" "$WORK/odd.xlsx" || exit 1
# Every XML part parses (libxlsxwriter would otherwise write invalid XML).
"$PYTHON" - "$WORK/odd.xlsx" <<'PY' || exit 1
import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        xml.dom.minidom.parseString(z.read(n))
PY
echo "odd texts handled"
