#!/usr/bin/env bash
# Names that XML 1.0 forbids or that Excel's tables refuse (issue 16, items 3 and 7): journeys with
# U+0001 and ESC, "Moving home" beside "moving home", a journey named "Period", a department with
# U+0007, a title with U+001F, a text that looks like Excel's own escape. Every part of the
# workbook is well-formed XML 1.0 (expat, strict), openpyxl opens it, control characters are
# written as Excel writes them (_x0001_), each change is noted on the Data quality sheet, and
# every table's column names are unique ignoring case.
set -u
"$PYTHON" - "$ROOT/tests/fixtures/xlsx/metrics.json" "$WORK/hostile.json" <<'PY' || exit 1
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
names = ["Fix\u0001ed", "Moving home", "moving home", "Period", "Esc\u001b[31mape"]
base = m["journeys"][0]
m["journeys"] = []
for i, n in enumerate(names):
    j = json.loads(json.dumps(base))
    j["journey"] = n
    m["journeys"].append(j)
m["goals"][0]["goal"] = "Goal with a bell \u0007 and _x0041_ inside"
m["departments"][0]["department"] = "Bill\u0007ing"
m["kpis"][0]["department"] = "Bill\u0007ing"
m["kpis"][0]["journeys"] = ["Fix\u0001ed", "Period"]
m["title"] = "Board pack\u001f"
m["data_quality"]["notes"][0]["message"] = "a note with \u0001 inside"
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$TOOLS/xlsxgen" "$WORK/hostile.json" "$WORK/hostile.xlsx" --cases 20 || { echo "xlsxgen failed"; exit 1; }
"$PYTHON" - "$WORK/hostile.xlsx" <<'PY' || exit 1
import re, sys, zipfile, xml.parsers.expat
import openpyxl
book = sys.argv[1]
z = zipfile.ZipFile(book)
bad = []
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        p = xml.parsers.expat.ParserCreate()
        try:
            p.Parse(z.read(n), True)
        except xml.parsers.expat.ExpatError as e:
            bad.append(f"{n}: {e}")
if bad:
    sys.exit("not well-formed XML:\n" + "\n".join(bad))
every = b"".join(z.read(n) for n in z.namelist())
if re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", every):
    sys.exit("a control character XML forbids is still in the package")
wb = openpyxl.load_workbook(book)
fails = []
for ws in wb:
    for name in list(ws.tables):
        t = ws.tables[name]
        cols = [c.name for c in t.tableColumns]
        folded = [c.casefold() for c in cols]
        if len(set(folded)) != len(folded) or "" in cols:
            fails.append(f"{ws.title}: {name} column names not unique ignoring case: {cols}")
# The trend table's headers: the journeys, made unique, Excel's escapes for the controls.
ws = wb["Journeys"]
ref = ws.tables["tblTrendByJourney"].ref
r0 = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
hdr = [ws.cell(r0, c).value for c in range(1, 7)]
want = ["Period", "Fix_x0001_ed", "Moving home", "moving home (2)", "Period (2)", "Esc_x001B_[31mape"]
if hdr != want:
    fails.append(f"Journeys: trend headers {hdr}, expected {want}")
if wb.properties.title != "Board pack_x001F_":
    fails.append(f"title property {wb.properties.title!r}")
if b"Goal with a bell _x0007_ and _x005F_x0041_ inside" not in z.read("xl/sharedStrings.xml"):
    fails.append("the goal is not written with Excel's escapes (_x0007_, _x005F_x0041_)")
notes = "\n".join(" | ".join(str(c.value) for c in row) for row in wb["Data quality"].iter_rows())
for want in ("control character (which XML forbids) written as Excel writes them",
             'column "moving home" headed "moving home (2)"', 'column "Period" headed "Period (2)"'):
    if want not in notes:
        fails.append(f"Data quality: no note {want!r}")
if fails:
    sys.exit("\n".join(fails))
PY
echo "hostile names give a well-formed workbook with valid tables"
