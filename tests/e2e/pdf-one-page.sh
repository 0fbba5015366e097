#!/usr/bin/env bash
# A section marked <!-- one page --> (the customer view and "What we ask the board" are: pack.md
# wants each on one page) is kept to its page: laid out again with less space between its blocks
# and a lower bottom margin when it would run onto a second page (docs/templates.md). Four
# documents, each also written without the mark: a section that fits anyway (the mark changes
# nothing: the same bytes), one followed on its page by a long unmarked section (which the mark
# does not reach: the same bytes), one a few lines too long (kept to its page, where without the mark
# its last paragraph goes over; the section after it starts on the next page either way), and
# one far too long (laid out as without the mark: nothing squeezed past reading). And the packs of
# 1 M-event-like data split by region, whose customer view ran onto a second page before.
set -eu
"$PYTHON" - "$WORK" <<'PY'
import sys
work = sys.argv[1]
def doc(paras, mark):
    out = (["<!-- one page -->"] if mark else []) + ["# The section", ""]
    for i in range(paras):
        out += [f"Paragraph {i + 1} of the section, one line long.", ""]
    out += ["---", "# The next section", "", "It starts on a page of its own.", ""]
    return "\n".join(out)
for name, n in (("fits", 12), ("over", 30), ("far", 70)):
    for mark in (True, False):
        open(f"{work}/{name}-{'mark' if mark else 'plain'}.md", "w").write(doc(n, mark))
# a short marked section followed on its page by a long one (no page break between): the mark
# covers its own section only, so the next one is laid out as without it
for mark in (True, False):
    out = (["<!-- one page -->"] if mark else []) + ["# Short", "", "Two lines of it.", ""]
    out += ["# Long, after it", ""]
    for i in range(26):  # over its page, but would fit if tightened as the marked section may be
        out += [f"Paragraph {i + 1} of the long section.", ""]
    open(f"{work}/next-{'mark' if mark else 'plain'}.md", "w").write("\n".join(out))
PY
for name in fits over far next; do
	for v in mark plain; do
		"$TOOLS/mdpdf" "$WORK/$name-$v.md" "$WORK/$name-$v.pdf"
	done
done
page_of() { # pdf text -> the first page holding text
	local pages p
	pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
	for ((p = 1; p <= pages; p++)); do
		pdftotext -f $p -l $p "$1" - | grep -qF "$2" && { echo $p; return; }
	done
	echo 0
}
cmp "$WORK/fits-mark.pdf" "$WORK/fits-plain.pdf" || { echo "a section that fits changed with the mark"; exit 1; }
[ "$(page_of "$WORK/over-plain.pdf" "Paragraph 30 ")" = 2 ] || { echo "the test's long section fits without the mark: make it longer"; exit 1; }
[ "$(page_of "$WORK/over-mark.pdf" "Paragraph 30 ")" = 1 ] || { echo "the marked section ran onto a second page"; exit 1; }
[ "$(page_of "$WORK/over-mark.pdf" "The next section")" = 2 ] || { echo "the section after the marked one does not start on page 2"; exit 1; }
cmp "$WORK/far-mark.pdf" "$WORK/far-plain.pdf" || { echo "a section too long for one page was squeezed"; exit 1; }
cmp "$WORK/next-mark.pdf" "$WORK/next-plain.pdf" || { echo "the section after a marked one was laid out as marked"; exit 1; }
[ "$(pdfinfo "$WORK/next-plain.pdf" | awk '/^Pages:/ {print $2}')" -ge 2 ] || { echo "the long section after the short one fits one page: make it longer"; exit 1; }
# no text of the kept page below the bottom margin's lowest setting (pdftotext -bbox: y from the top)
pdftotext -f 1 -l 1 -bbox "$WORK/over-mark.pdf" "$WORK/over.html"
"$PYTHON" - "$WORK/over.html" <<'PY'
import re, sys
words = [(float(m.group(1)), m.group(2)) for m in re.finditer(r'yMax="([0-9.]+)">([^<]*)</word>', open(sys.argv[1]).read())]
footer = [y for y, w in words if w == "Page"]  # "Page 1 of 3", below the margin by design
body = [y for y, w in words if not footer or abs(y - footer[0]) > 2]
if max(body) > 841.89 - 54 + 1:
    sys.exit(f"text at {max(body):.1f} pt from the top, past the bottom margin")
PY
# the packs of data shaped like the samples at 1 M events, by region: each customer view on one page
"$GEN" --events 1000000 --out "$WORK/nw" >/dev/null 2>"$WORK/gen.err" || { cat "$WORK/gen.err"; exit 1; }
cp "$ROOT/samples/northwind/kpis.csv" "$ROOT/samples/northwind/actions.csv" "$WORK/nw/"
sed "s|^template *= *|template = $ROOT/samples/northwind/|" "$ROOT/samples/northwind/pack.ini" >"$WORK/nw/pack.ini"
"$BOARDPACK" build "$WORK/nw/pack.ini" --out "$WORK/nw-out" --split-by region --no-xlsx --quiet
n=0
for f in "$WORK/nw-out"/*.pdf; do
	p=$(pdftotext -f 3 -l 3 "$f" - | sed -n 3p)
	case $p in "What we ask the board"*) ;; *) echo "$(basename "$f"): page 3 starts with \"$p\", not the board's asks"; exit 1 ;; esac
	n=$((n + 1))
done
[ "$n" -ge 5 ] || { echo "only $n packs"; exit 1; }
echo "marked sections are kept to their page when a little long, left alone when far too long; $n packs' customer views on one page"
