#!/usr/bin/env bash
# Names from the data can never change the document's structure: a department called
# `*Sales* # 1 | <b>` and a goal with a Markdown link and a backslash appear literally in the PDF
# (in the heat map, the watermelon list and the score tables), and the pack still has its sections.
set -eu
src=$ROOT/tests/cases/metrics-hand
cp "$src"/*.csv "$src/pack.ini" "$WORK/"
cd "$WORK"
dept='*Sales* # 1 | <b>'
"$PYTHON" - "$dept" <<'PY'
import csv, sys
dept = sys.argv[1]
for name, col in (("journeys.csv", "department"), ("kpis.csv", "department")):
    rows = list(csv.reader(open(name, newline="", encoding="utf-8")))
    i = rows[0].index(col)
    for r in rows[1:]:
        if len(r) > i and r[i] == "Sales":
            r[i] = dept
    with open(name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
PY
grep -qF "$dept" journeys.csv || { echo "test setup: no Sales rows renamed"; exit 1; }
sed -i 's/^goal = I want everything working$/goal = I want [everything](http:\/\/x) working \\ now/' pack.ini
grep -qF 'goal = I want [everything](http://x) working \ now' pack.ini || { echo "test setup: no goal line to change"; exit 1; }
"$BOARDPACK" build pack.ini --period 2026-Q3 --out out --no-xlsx --quiet
pdftotext -layout out/board-pack-2026-Q3.pdf out.txt
grep -qF '*Sales* # 1 | <b>' out.txt || { echo "the department name is not shown literally"; grep -n 'Sales' out.txt | head; exit 1; }
grep -qF 'I want [everything](http://x) working \ now' out.txt || { echo "the goal is not shown literally"; grep -n 'everything' out.txt | head; exit 1; }
for h in "The customer view" "What customers were trying" "Supporting evidence"; do
	grep -qF "$h" out.txt || { echo "section missing: $h"; exit 1; }
done
# no link was made from the goal's text
if qpdf --qdf --object-streams=disable out/board-pack-2026-Q3.pdf - 2>/dev/null | grep -a -q '(http://x)'; then
	echo "a link to http://x was made from data"; exit 1
fi
echo "hostile names shown literally"
