#!/usr/bin/env bash
# Long content across pages: a 2,000-word paragraph, a 300-row table (its header row repeated on every
# page it spans), headings never left at the foot of a page, figures never split, no text outside the
# margins (pdftotext -bbox), A4 and Letter.
set -u
status=0
fail() { echo "FAIL: $*"; status=1; }
md=$WORK/long.md

"$PYTHON" - "$md" <<'PY'
import sys
words = ["customers", "outcome", "journey", "department", "successful", "Αθήνα", "Москва", "Zoë",
         "measure", "a", "of", "the", "and", "board", "pack", "evidence", "failure", "demand"]
out = ["# A long paragraph", ""]
para = " ".join(words[(i * 7) % len(words)] for i in range(1999))
# One over-long word: broken between characters, never past the margin.
out.append(para + " " + "Supercalifragilisticexpialidocious" * 6)
out += ["", "---", "# A long table", "", "| Journey | Department | Cases | Rate |", "|---|---|---:|---:|"]
for i in range(300):
    out.append(f"| Journey number {i + 1} with a longer name | Department {i % 7} | {1000 + i:,} | {i % 100} % |")
out += ["", "---", "# Headings and figures", ""]
for k in range(24):
    out.append(f"## Heading {k + 1}")
    out.append("")
    out.append(("Filler text for the section that keeps going for a while so that pages fill up. " * (1 + k % 4)).strip())
    out.append("")
    out.append(f'```figure trend target=0.8 title="Figure {k + 1}"')
    for p in range(8):
        out.append(f"P{p + 1} | {100 + p} | {60 + p * 3}")
    out.append("```")
    out.append("")
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY

check_layout() { # pdf paper width height
	local pdf=$1 paper=$2
	"$PYTHON" - "$pdf" "$paper" <<'PY'
import re, subprocess, sys, html
pdf, paper = sys.argv[1], sys.argv[2]
W, H = (595.276, 841.89) if paper == "a4" else (612.0, 792.0)
LEFT, RIGHT, TOP, BOTTOM = 64.0, W - 64.0, 78.0, H - 72.0  # content box, from the top
bbox = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
bad = 0
pages = bbox.split("<page ")[1:]
for n, page in enumerate(pages, 1):
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        word = html.unescape(m.group(5))
        furniture = y1 < TOP - 18 or y0 > BOTTOM + 18  # running header, page footer
        if x0 < LEFT - 0.5 or x1 > RIGHT + 0.5 or (not furniture and (y0 < TOP - 0.5 or y1 > BOTTOM + 0.5)):
            if bad < 10:
                print(f"FAIL: page {n}: '{word}' at x {x0:.1f}-{x1:.1f}, y {y0:.1f}-{y1:.1f} is outside the margins")
            bad += 1
        if furniture and (y0 < 30 or y1 > H - 30):
            print(f"FAIL: page {n}: '{word}' is within 30 pt of the paper's edge")
            bad += 1
text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout.split("\f")
text = [t for t in text if t.strip()]
# The table's header on every page the table is on.
table_pages = [t for t in text if re.search(r"Journey number \d+ with", t)]
for t in table_pages:
    if not re.search(r"Journey\s+Department\s+Cases\s+Rate", t):
        print("FAIL: a page of the table has no header row")
        bad += 1
rows = sum(len(re.findall(r"Journey number \d+ with", t)) for t in text)
if rows != 300:
    print(f"FAIL: {rows} table rows found, expected 300")
    bad += 1
if len(table_pages) < 5:
    print(f"FAIL: the 300-row table spans {len(table_pages)} pages; expected at least 5")
    bad += 1
# Headings: never the last text of a page; figures: title and last period on the same page.
for n, t in enumerate(text, 1):
    lines = [l.strip() for l in t.splitlines() if l.strip() and not l.strip().startswith("Page ")]
    if lines and re.fullmatch(r"Heading \d+", lines[-1]):
        print(f"FAIL: page {n} ends with '{lines[-1]}'")
        bad += 1
    titles = len(re.findall(r"^\s*Figure \d+\s*$", t, re.M))
    ends = len(re.findall(r"\bP8\b", t))
    if titles != ends:
        print(f"FAIL: page {n}: {titles} figure titles but {ends} complete x axes (a figure split)")
        bad += 1
# The long paragraph: every word is there.
flat = " ".join(" ".join(text).split())
if flat.count("Москва") < 100:
    print("FAIL: the long paragraph lost words")
    bad += 1
print(f"{paper}: {len(text)} pages, table on {len(table_pages)}")
sys.exit(1 if bad else 0)
PY
}

"$TOOLS/mdpdf" "$md" "$WORK/long.pdf" 2>"$WORK/err" || { fail "mdpdf failed"; cat "$WORK/err"; exit 1; }
qpdf --check "$WORK/long.pdf" >/dev/null 2>&1 || fail "qpdf --check"
check_layout "$WORK/long.pdf" a4 || status=1
pages=$(pdfinfo "$WORK/long.pdf" | awk '/^Pages:/ { print $2 }')
# 2,000 words ≈ 4 pages, the table ≈ 10, the figures ≈ 12: anything far off is a layout fault.
if [ "$pages" -lt 18 ] || [ "$pages" -gt 40 ]; then fail "A4: $pages pages, expected 18 to 40"; fi

"$TOOLS/mdpdf" "$md" "$WORK/long-letter.pdf" --letter 2>"$WORK/err" || { fail "mdpdf --letter failed"; cat "$WORK/err"; }
check_layout "$WORK/long-letter.pdf" letter || status=1
pdfinfo "$WORK/long-letter.pdf" | grep -q "612 x 792" || fail "Letter size"
# An empty document is one page, not zero; a trailing page break adds no empty page.
printf 'Hello\n\n---\n' >"$WORK/short.md"
"$TOOLS/mdpdf" "$WORK/short.md" "$WORK/short.pdf" || fail "short document"
[ "$(pdfinfo "$WORK/short.pdf" | awk '/^Pages:/ { print $2 }')" = 1 ] || fail "trailing --- made an empty page"
exit $status
