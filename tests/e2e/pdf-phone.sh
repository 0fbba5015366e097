#!/usr/bin/env bash
# pack.md, "Read on a phone": no text under 7.5 pt in any pack (the demo, a region of 6 cases, a
# quarter with nothing concluded, the hand fixture, the PDF sample), read from each PDF's content
# streams (tests/lib/pdf_font_sizes.py); the departments' score tables keep the same column
# positions from one department to the next; no table row is left alone at the foot or the head of
# a page, wherever the table starts; failure-demand bars are in order of size.
set -u
status=0
fail() { echo "FAIL: $*"; status=1; }
edges=$ROOT/tests/cases/volume-edges
"$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --period 2026-Q3 --out "$WORK/demo" --no-xlsx --quiet ||
	fail "demo build"
"$BOARDPACK" build "$edges/pack.ini" --period 2026-Q3 --out "$WORK/edges" --split-by region --no-xlsx --quiet ||
	fail "volume-edges build"
"$BOARDPACK" build "$edges/pack.ini" --period 2026-Q1 --out "$WORK/q1" --no-xlsx --quiet || fail "volume-edges Q1 build"
"$BOARDPACK" build "$ROOT/tests/cases/metrics-hand/pack.ini" --period 2026-Q3 --out "$WORK/hand" --no-xlsx --quiet ||
	fail "hand build"
"$TOOLS/mdpdf" "$ROOT/tests/fixtures/pdf/sample.md" "$WORK/sample.pdf" || fail "mdpdf sample"
for pdf in "$WORK"/demo/*.pdf "$WORK"/edges/*.pdf "$WORK"/q1/*.pdf "$WORK"/hand/*.pdf "$WORK/sample.pdf"; do
	"$PYTHON" "$ROOT/tests/lib/pdf_font_sizes.py" "$pdf" 7.5 || fail "text under 7.5 pt in $pdf"
done

# The score tables: the same header, so the same columns, on every department.
pdftotext -bbox "$WORK/demo/board-pack-2026-Q3.pdf" "$WORK/demo.html"
"$PYTHON" - "$WORK/demo.html" <<'PY' || status=1
import re, sys
words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                   open(sys.argv[1], encoding="utf-8").read())
heads = []  # (xMin of Status, Actual, Target, Measures) of each score table's header row
for i, (x, y, x2, w) in enumerate(words):
    if w == "Score" and i + 4 < len(words) and [t[3] for t in words[i + 1:i + 5]] == ["Status", "Actual", "Target", "Measures"]:
        heads.append(tuple(round(float(t[0]), 1) for t in words[i + 1:i + 5]))
if len(heads) < 7:
    print(f"FAIL: expected a score table per department (7), found {len(heads)}"); sys.exit(1)
if len(set(heads)) != 1:
    print("FAIL: the score tables' columns move from one department to the next:", sorted(set(heads))); sys.exit(1)
print(f"{len(heads)} score tables, columns at {heads[0]}")
PY

# No row stranded: a 6-row and a 2-row table after 0 to 46 lines of text, so that the page break
# falls at every row in turn.
"$PYTHON" - "$WORK" <<'PY'
import sys
work = sys.argv[1]
for rows in (6, 2):
    for filler in range(0, 47):
        with open(f"{work}/strand-{rows}-{filler}.md", "w") as f:
            f.write("# Stranded rows\n\n")
            for i in range(filler):
                f.write(f"Filler line {i}.\n\n" if i % 3 == 0 else f"- item {i}\n\n")
            f.write("| Name | Value |\n|---|---:|\n")
            for r in range(1, rows + 1):
                f.write(f"| row{r}x | {r} |\n")
PY
for md in "$WORK"/strand-*.md; do
	pdf=${md%.md}.pdf
	"$TOOLS/mdpdf" "$md" "$pdf" 2>/dev/null || { fail "mdpdf $md"; continue; }
	pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
	for n in $(seq 1 "$pages"); do
		c=$(pdftotext -f "$n" -l "$n" "$pdf" - | grep -c '^row[0-9]*x$')
		[ "$c" -eq 1 ] && fail "$(basename "$md"): page $n has one table row alone"
	done
done

# Failure-demand bars, most first: their display texts ("557 (63 %)") as the PDF shows them, in
# order down the page (the bars are drawn from the view: the Markdown has no rows to read).
pdftotext "$WORK/demo/board-pack-2026-Q3.pdf" - |
	awk '/^Failure-demand contacts by department/ { on = 1; next } /^Page [0-9]+ of/ { on = 0 }
	     on && /^[0-9,]+ \([0-9]+ %\)$/ { gsub(",", "", $1); print $1 }' >"$WORK/bars"
[ -s "$WORK/bars" ] || fail "no failure-demand bars in the demo"
sort -n -r -c "$WORK/bars" 2>/dev/null || { fail "failure-demand bars are not largest first:"; cat "$WORK/bars"; }
exit $status
