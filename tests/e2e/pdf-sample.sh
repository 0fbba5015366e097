#!/usr/bin/env bash
# The sample board pack (tests/fixtures/pdf/sample.md) through mdpdf: a valid, compressed PDF with
# subset embedded fonts, the text in reading order (accents, Greek, Cyrillic), status chips with a
# symbol and a word, running header and "Page n of N", bookmarks nested by heading level, internal and
# external links, document properties with the fixed date, byte-identical rebuilds, A4 and Letter.
set -u
status=0
fail() { echo "FAIL: $*"; status=1; }
md=$ROOT/tests/fixtures/pdf/sample.md
pdf=$WORK/sample.pdf

"$TOOLS/mdpdf" "$md" "$pdf" 2>"$WORK/err" || { fail "mdpdf exited $?"; cat "$WORK/err"; exit 1; }
[ -s "$WORK/err" ] && { fail "unexpected messages:"; cat "$WORK/err"; }

qpdf --check "$pdf" >"$WORK/qpdf" 2>&1 || { fail "qpdf --check"; cat "$WORK/qpdf"; }

# Fonts: every one embedded and subset, and the file small.
pdffonts "$pdf" >"$WORK/fonts" 2>&1
nfonts=$(tail -n +3 "$WORK/fonts" | wc -l)
[ "$nfonts" -eq 2 ] || fail "expected 2 fonts, got $nfonts"
tail -n +3 "$WORK/fonts" | awk '{ if ($(NF-4) != "yes" || $(NF-3) != "yes") bad = 1 } END { exit bad }' ||
	{ fail "a font is not embedded and subset:"; cat "$WORK/fonts"; }
size=$(stat -c %s "$pdf")
[ "$size" -lt 150000 ] || fail "sample is $size bytes (expected under 150 KB: fonts not subset?)"

# Text in reading order, every script.
pdftotext "$pdf" "$WORK/text.txt" 2>"$WORK/pdftotext.err"
[ -s "$WORK/pdftotext.err" ] && { fail "pdftotext complained:"; cat "$WORK/pdftotext.err"; }
"$PYTHON" - "$WORK/text.txt" <<'PY' || status=1
import sys
text = open(sys.argv[1], encoding="utf-8").read()
flat = " ".join(text.replace("\u00a0", " ").split())
order = ["Northwind Energy", "Customer outcomes", "2026-Q3", "of customers got what they set out to do",
         "Data to 30 September 2026", "The customer view",
         "got what they set out to do", "The biggest movers", "What customers were trying to achieve",
         "settled into my new home", "Target 85 %", "Green outside, red inside", "Where journeys break",
         "Failure-demand contacts by department", "Supporting evidence: departmental scores",
         "About these figures", "Coverage"]
pos = 0
for s in order:
    i = flat.find(s, pos)
    if i < 0:
        print("FAIL: not found in order:", repr(s), "(after position", pos, ")")
        sys.exit(1)
    pos = i + len(s)
for s in ["Αθήνα depot call-outs", "Москва Field Team", "Zoë Ørsted", "✓ Green", "! Amber", "✗ Red",
          "! Concern", "• Context", "✓ Good", "53 %", "too few"]:
    if s not in flat:
        print("FAIL: missing text", repr(s))
        sys.exit(1)
PY

# Running header and footer on every page.
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
[ "$pages" -ge 6 ] || fail "only $pages pages"
for n in $(seq 1 "$pages"); do
	pdftotext -f "$n" -l "$n" "$pdf" - 2>/dev/null >"$WORK/page.txt"
	grep -q "Page $n of $pages" "$WORK/page.txt" || fail "page $n has no 'Page $n of $pages'"
	grep -q "Northwind Energy · 2026-Q3" "$WORK/page.txt" || fail "page $n has no running header"
done

# Document properties, with the fixed creation date (never the clock).
pdfinfo -isodates "$pdf" >"$WORK/info"
version=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
for want in "Title: *Board pack: customer outcomes" "Author: *Northwind Energy" "Subject: *Customer outcomes, 2026-Q3" \
	"Keywords: *board pack; customer outcomes" "Creator: *boardpack $version" \
	"CreationDate: *2026-10-01T00:00:00Z" "ModDate: *2026-10-01T00:00:00Z" "Page size: *595.276 x 841.89 pts (A4)"; do
	grep -q "^$want" "$WORK/info" || fail "pdfinfo lacks '$want'"
done
# Compressed: no content stream left uncompressed.
qpdf --json "$pdf" >"$WORK/json"
"$PYTHON" - "$WORK/json" <<'PY' || status=1
import json, sys
j = json.load(open(sys.argv[1]))
objs = j["qpdf"][1]
titles = []
def walk(items, depth, parent):
    for o in items:
        titles.append((depth, o["title"], parent))
        walk(o["kids"], depth + 1, o["title"])
walk(j["outlines"], 0, None)
want = [(0, "The customer view", None), (1, "The biggest movers", "The customer view"),
        (0, "What customers were trying to achieve", None),
        (1, "“I want to be settled into my new home, with everything working from day one”",
         "What customers were trying to achieve"),
        (0, "Green outside, red inside", None), (0, "Where journeys break", None),
        (0, "Supporting evidence: departmental scores", None),
        (1, "Москва Field Team", "Supporting evidence: departmental scores"),
        (0, "About these figures", None), (1, "Coverage", "About these figures")]
for w in want:
    if w not in titles:
        print("FAIL: bookmark missing or misplaced:", w)
        print("  bookmarks:", titles)
        sys.exit(1)
internal = uri = 0
for k, v in objs.items():
    val = v.get("value") if isinstance(v, dict) else None
    if not isinstance(val, dict):
        continue
    if val.get("/Subtype") == "/Link":
        if "/Dest" in val:
            internal += 1
        a = val.get("/A")
        if isinstance(a, str) and a.endswith(" R"):
            a = objs.get("obj:" + a, {}).get("value")
        if isinstance(a, dict) and a.get("/URI", "").endswith("example.org/boardpack/metrics"):
            uri += 1
    if "stream" in v and isinstance(v["stream"].get("dict"), dict):
        d = v["stream"]["dict"]
        if "/Filter" not in d and d.get("/Length", 0) > 200:
            print("FAIL: an uncompressed stream:", k, d)
            sys.exit(1)
if internal < 5:
    print("FAIL: expected at least 5 internal links, found", internal)
    sys.exit(1)
if uri != 1:
    print("FAIL: expected the external link to example.org, found", uri)
    sys.exit(1)
PY

# Links go to the right page: "where journeys break" points at the page with that heading.
"$PYTHON" - "$pdf" <<'PY' || status=1
import json, subprocess, sys
j = json.loads(subprocess.run(["qpdf", "--json", sys.argv[1]], capture_output=True, check=True).stdout)
objs = j["qpdf"][1]
pages = [p["object"] for p in j["pages"]]
text = subprocess.run(["pdftotext", sys.argv[1], "-"], capture_output=True, text=True).stdout.split("\f")
target = next(i for i, t in enumerate(text) if "\nWhere journeys break\n" in "\n" + t)
found = False
for k, v in objs.items():
    val = v.get("value") if isinstance(v, dict) else None
    if isinstance(val, dict) and val.get("/Subtype") == "/Link" and "/Dest" in val:
        dest = val["/Dest"]
        if isinstance(dest, str):
            dest = objs["obj:" + dest]["value"]
        dest_page = dest[0]
        if pages.index(dest_page) == target:
            found = True
if not found:
    print("FAIL: no link leads to page", target + 1, "where 'Where journeys break' is")
    sys.exit(1)
PY

# Byte-identical rebuilds.
"$TOOLS/mdpdf" "$md" "$WORK/again.pdf" 2>/dev/null
cmp -s "$pdf" "$WORK/again.pdf" || fail "two builds differ"

# Letter.
"$TOOLS/mdpdf" "$md" "$WORK/letter.pdf" --letter 2>/dev/null || fail "letter build failed"
pdfinfo "$WORK/letter.pdf" | grep -q "^Page size: *612 x 792 pts (letter)" || { fail "letter page size"; pdfinfo "$WORK/letter.pdf" | grep "Page size"; }
for n in $(seq 1 "$(pdfinfo "$WORK/letter.pdf" | awk '/^Pages:/ { print $2 }')"); do
	pdfinfo -f "$n" -l "$n" "$WORK/letter.pdf" | grep -q "^Page *$n size: *612 x 792" || fail "letter page $n size"
done

[ $status -eq 0 ] && echo "sample: $pages pages, $size bytes"
exit $status
