#!/usr/bin/env bash
# The default templates, expanded by `build --dump-markdown` (the Markdown the PDF is made from),
# compared byte for byte with golden text that was read and judged against pack.md (the PDF of
# each is built too: every one must lay out):
#   demo.md           the demo company: a normal quarter, a real change, watermelons, growth
#   hand.md           the hand-computed fixture: thin data (too few cases), changes within normal
#                     variation, an unknown customer, rejected rows and notes
#   no-customers.md   the same without customers.csv: no growth or churn, said plainly
#   empty-period.md   a period with no data at all: nothing concluded, no scores
#   volume-edges.md   tests/cases/volume-edges (README.md there): min_cases 7, a goal of 6 cases
#                     (too few: no mover), a department touching every case (never "where it
#                     breaks"), a fair "where it breaks", names ending in "s" and "&", counts of 1
#   volume-q1.md      the same data's 2026-Q1: data, scores, an open case, but nothing concluded
#   volume-wales.txt  pdftotext of the same data's Wales pack (--split-by region): 6 cases, too
#                     few to tell, no Concern badge, counts of 0
#   demo-pages-1-2.txt pdftotext of the demo's cover and customer view
# After a deliberate change of wording: UPDATE_GOLDEN=1 tests/run-e2e.sh (or this script with ROOT,
# BOARDPACK and WORK set) rewrites them; read the diff before committing it.
set -u
golden=$ROOT/tests/golden
hand=$ROOT/tests/cases/metrics-hand
mkdir -p "$WORK/nocust"
cp "$hand"/*.csv "$WORK/nocust/"
sed -e 's/^customers *=.*//' "$hand/pack.ini" >"$WORK/nocust/pack.ini"
status=0
check() { # name pack.ini period
	"$BOARDPACK" build "$2" --period "$3" --out "$WORK/out-$1" --no-xlsx --dump-markdown "$WORK/$1.md" --quiet ||
		{ echo "$1: build failed"; status=1; return; }
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$WORK/$1.md" "$golden/$1.md"; echo "$1: golden text rewritten"
	elif ! diff -u "$golden/$1.md" "$WORK/$1.md"; then
		echo "$1: the expanded template differs from tests/golden/$1.md"; status=1
	fi
}
check demo "$ROOT/samples/northwind/pack.ini" 2026-Q3
check hand "$hand/pack.ini" 2026-Q3
check no-customers "$WORK/nocust/pack.ini" 2026-Q3
check empty-period "$ROOT/tests/cases/metrics-empty-period/pack.ini" 2027-Q1
check volume-edges "$ROOT/tests/cases/volume-edges/pack.ini" 2026-Q3
check volume-q1 "$ROOT/tests/cases/volume-edges/pack.ini" 2026-Q1
# The PDF's own text (pdftotext, trailing spaces dropped): what a reader of the PDF sees.
text() { # name pdf [first last]
	pdftotext ${3:+-f $3 -l $4} "$2" - | sed -e 's/[[:space:]]*$//' >"$WORK/$1.txt"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$WORK/$1.txt" "$golden/$1.txt"; echo "$1: golden text rewritten"
	elif ! diff -u "$golden/$1.txt" "$WORK/$1.txt"; then
		echo "$1: the PDF's text differs from tests/golden/$1.txt"; status=1
	fi
}
"$BOARDPACK" build "$ROOT/tests/cases/volume-edges/pack.ini" --period 2026-Q3 --out "$WORK/split" --split-by region --no-xlsx --quiet ||
	{ echo "volume-edges --split-by region: build failed"; status=1; }
text volume-wales "$WORK/split/board-pack-2026-Q3-wales.pdf"
text demo-pages-1-2 "$WORK/out-demo/board-pack-2026-Q3.pdf" 1 2
exit $status
