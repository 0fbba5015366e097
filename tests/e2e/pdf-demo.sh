#!/usr/bin/env bash
# The demo pack's PDF as issue 6 and pack.md want it: under 400 KB, 8 to 20 pages, qpdf --check
# clean, every font embedded (and subset), the sections in pack.md's order (customer outcomes
# before departmental scores), the headline figures as the JSON has them, bookmarks for every
# section and goal, document properties, and a second build byte-identical.
set -u
fail() { echo "FAIL: $*"; exit 1; }
src=$ROOT/samples/northwind
"$BOARDPACK" build "$src/pack.ini" --out "$WORK/a" --json --no-xlsx --quiet || fail "build"
"$BOARDPACK" build "$src/pack.ini" --out "$WORK/b" --no-xlsx --quiet || fail "second build"
pdf=$WORK/a/board-pack-2026-Q3.pdf
cmp "$pdf" "$WORK/b/board-pack-2026-Q3.pdf" || fail "two builds differ"
size=$(stat -c %s "$pdf"); [ "$size" -lt 400000 ] || fail "$size bytes, over 400 KB"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}'); [ "$pages" -ge 8 ] && [ "$pages" -le 20 ] || fail "$pages pages"
qpdf --check "$pdf" >"$WORK/qpdf" 2>&1 || { cat "$WORK/qpdf"; fail "qpdf --check"; }
pdffonts "$pdf" | awk 'NR > 2 && $(NF-4) != "yes" {bad = 1} NR > 2 && $1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ {bad = 1} END {exit bad}' ||
	{ pdffonts "$pdf"; fail "a font not embedded or not subset"; }
pdfinfo "$pdf" >"$WORK/info"
grep -q '^Title: *Customer outcomes$' "$WORK/info" || fail "title"
grep -q '^Author: *Northwind Energy$' "$WORK/info" || fail "author"
grep -q '^Creator: *boardpack [0-9]' "$WORK/info" || fail "creator"
grep -q '^Keywords: *board pack' "$WORK/info" || fail "keywords"
pdftotext "$pdf" "$WORK/text"
"$PYTHON" - "$WORK/text" "$WORK/a/board-pack-2026-Q3.json" "$pdf" <<'PY'
import json, re, subprocess, sys
text = re.sub(r"\s+", " ", open(sys.argv[1], encoding="utf-8").read())
d = json.load(open(sys.argv[2], encoding="utf-8"))
order = ["The customer view", "What customers were trying to achieve", "Green outside, red inside",
         "Where journeys break", "Growth", "Supporting evidence: departmental scores", "About these figures"]
# each heading found after the one before it (past the summary's links, which name them all)
pos = [text.find(order[0])]
at = text.index("Read on:")  # the links are in lower case: headings are found after them
for h in order[1:]:
    p = text.find(h, max(at, pos[-1] + 1))
    assert p >= 0, f"{h} missing, or out of pack.md's order"
    pos.append(p)
assert 0 <= pos[0] < at, "the customer view does not come first"
rate = round(d["totals"]["sco_rate"] * 100)
n = f"{d['totals']['cases_concluded']:,}"
assert f"In {rate} % of the {n} journeys that concluded" in text.replace("\u00a0", " "), rate
for g in d["goals"]:  # every goal in the customer's words, before the departmental scores
    p = text.find(g["goal"])
    assert 0 <= p < pos[5], g["goal"]
outline = subprocess.run(["qpdf", "--json", "--json-key=outlines", sys.argv[3]], capture_output=True, text=True).stdout
titles = re.findall(r'"title": "((?:[^"\\]|\\.)*)"', outline)
titles = [json.loads(f'"{t}"') for t in titles]
for h in order:
    assert h in titles, f"no bookmark for {h}: {titles}"
for g in d["goals"]:
    assert any(g["goal"] in t for t in titles), f"no bookmark for the goal {g['goal']}"
print(f"{len(titles)} bookmarks; sections in order; headline {rate} %")
PY
[ $? -eq 0 ] || fail "contents"
echo "demo PDF: $size bytes, $pages pages"
