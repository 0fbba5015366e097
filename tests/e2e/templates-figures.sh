#!/usr/bin/env bash
# The default pack's figures take their numbers from the view, never from text (docs/pdf.md,
# "Figures from the pack"): in templates/*.md and in the Markdown they expand to (the demo, the
# hand fixture with and without customers, an empty period, volume-edges), every trend, heat map
# and bars block has data= and no rows, and every card's trend field is an @ series. A bad
# reference in a pack's template is a template error (exit 1, no PDF). And the row form, the
# language a template author draws their own figures with, still draws inside a pack, beside
# data= blocks.
set -u
status=0
fail() { echo "FAIL: $*"; status=1; }
hand=$ROOT/tests/cases/metrics-hand

# templates/*.md: no figure block of these kinds has rows; no card trend is the context's text
"$PYTHON" - "$ROOT"/templates/*.md >"$WORK/static.txt" <<'PY' || { fail "templates/ write figure rows:"; cat "$WORK/static.txt"; }
import re, sys
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"^```figure (\w+)([^\n]*)\n(.*?)^```", text, re.M | re.S):
        kind, info, body = m.group(1), m.group(2), m.group(3)
        line = text[:m.start()].count("\n") + 1
        where = f"{path.rsplit('/', 1)[1]}:{line}: figure {kind}"
        if kind in ("trend", "heatmap", "bars", "multiples"):
            if "data=" not in info:
                print(f"{where}: no data="); bad += 1
            if body.strip():
                print(f"{where}: rows {body.strip()[:60]!r}"); bad += 1
        elif kind == "cards" and "{{spark_" in body:
            print(f"{where}: a trend from the context's text ({{{{spark_…}}}})"); bad += 1
        elif kind not in ("cover", "cards"):
            print(f"{where}: a kind this test does not know"); bad += 1
sys.exit(1 if bad else 0)
PY

cat >"$WORK/expanded.py" <<'PY'
# expanded.py FILE...: the figure blocks of expanded templates hold no number written as text
import re, sys
def fields(line):  # split at '|' not escaped, as figure_split does
    out, cur, i = [], "", 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]; i += 2; continue
        if line[i] == "|":
            out.append(cur.strip()); cur = ""
        else:
            cur += line[i]
        i += 1
    return out + [cur.strip()]
bad = refs = blocks = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"^```figure (\w+)([^\n]*)\n(.*?)^```", text, re.M | re.S):
        kind, info, body = m.group(1), m.group(2), m.group(3)
        where = f"{path.rsplit('/', 1)[1]}: figure {kind}{info}"
        blocks += 1
        if kind in ("trend", "heatmap", "bars", "multiples"):
            if not re.search(r"\bdata=", info) or body.strip():
                print(f"{where}: not drawn from the view: {body.strip()[:80]!r}"); bad += 1
        elif kind == "cards":
            for line in body.splitlines():
                f = fields(line)
                if len(f) >= 5 and f[4]:
                    if re.fullmatch(r"@(rate|lost|failure|gap)", f[4]):
                        refs += 1
                    else:
                        print(f"{where}: the trend {f[4]!r} is written out"); bad += 1
print(f"{blocks} figure blocks, {refs} card trends from the view")
sys.exit(1 if bad or refs == 0 else 0)
PY
mkdir -p "$WORK/nocust"
cp "$hand"/*.csv "$WORK/nocust/"
sed -e 's/^customers *=.*//' "$hand/pack.ini" >"$WORK/nocust/pack.ini"
expand() { # name pack.ini period
	"$BOARDPACK" build "$2" --period "$3" --out "$WORK/out-$1" --no-xlsx --quiet \
		--dump-markdown "$WORK/$1.md" || fail "$1: build failed"
}
expand demo "$ROOT/samples/northwind/pack.ini" 2026-Q3
expand hand "$hand/pack.ini" 2026-Q3
expand no-customers "$WORK/nocust/pack.ini" 2026-Q3
expand empty-period "$ROOT/tests/cases/metrics-empty-period/pack.ini" 2027-Q1
expand volume-edges "$ROOT/tests/cases/volume-edges/pack.ini" 2026-Q3
"$PYTHON" "$WORK/expanded.py" "$WORK"/*.md >"$WORK/expanded.txt" ||
	{ fail "the expanded templates write figure numbers as text:"; cat "$WORK/expanded.txt"; }
grep -q '^```figure heatmap data=heatmap' "$WORK/demo.md" || fail "demo: no heat map drawn from the view"
grep -q '^```figure bars data=failure_by_department' "$WORK/demo.md" || fail "demo: no bars drawn from the view"
[ "$(grep -c '^```figure trend data=goal\\:[1-5] ' "$WORK/demo.md")" = 5 ] ||
	fail "demo: expected the trend of each of its 5 goals by data=goal:N"

# A pack template of the author's own: rows beside data=, every kind; and bad references.
mkdir -p "$WORK/own"
cp "$hand"/*.csv "$WORK/own/"
sed -e 's/^\[inputs\]/template = own.md\n[inputs]/' "$hand/pack.ini" >"$WORK/own/pack.ini"
cat >"$WORK/own/own.md" <<'MD'
# {{title}}

```figure cards
{{#totals}}{{sco_rate_pct}} | of journeys | rows | good | 0.5 - 0.75{{/totals}}
{{#totals}}{{failure_demand_share_pct}} | failure demand | from the view | bad | @failure{{/totals}}
```

```figure trend target=0.5 title="Author rows"
2026-Q2 | 10 | 4
2026-Q3 | 20 | 15
```

```figure trend data=totals title="Totals from the view"
```

```figure bars title="Author bars"
Row-form bar | 12 | twelve
```

```figure heatmap title="Author grid" min=3
| Column A | Column B |
Row-form journey | 1/2 | 30/40 |
```

```figure multiples target=0.8
Row-form multiple | | 2026-Q1:10:5;2026-Q2:12:6
```
MD
"$BOARDPACK" build "$WORK/own/pack.ini" --period 2026-Q3 --out "$WORK/own/out" --no-xlsx --quiet 2>"$WORK/own.err" ||
	{ fail "a template with figure rows: exit $?"; cat "$WORK/own.err"; }
pdf=$WORK/own/out/board-pack-2026-Q3.pdf
if [ -f "$pdf" ]; then
	pdftotext "$pdf" - >"$WORK/own.txt"
	for s in "Author rows" "Totals from the view" "Row-form bar" "twelve" "Row-form journey" "of 40" "Row-form multiple"; do
		grep -qF "$s" "$WORK/own.txt" || fail "the row-form pack's PDF does not show \"$s\""
	done
else
	fail "a template with figure rows wrote no PDF"
fi

# Bad references: each reported, naming its block, as a template error (exit 1), no PDF. The hand
# fixture has two goals (its configured journeys share one; its data names a third journey).
cat >"$WORK/own/own.md" <<'MD'
```figure trend data=goal:9
```

```figure trend data=totals
2026-Q3 | 20 | 15
```

```figure bars data=heatmap
```

```figure cards
1 | a | b | good | @churn
```
MD
rm -rf "$WORK/own/out"
"$BOARDPACK" build "$WORK/own/pack.ini" --period 2026-Q3 --out "$WORK/own/out" --no-xlsx --quiet 2>"$WORK/bad.err"
rc=$?
[ $rc = 1 ] || fail "bad references: exit $rc, expected 1 (a template error)"
ls "$WORK/own/out"/*.pdf >/dev/null 2>&1 && fail "bad references: a PDF was written"
cat >"$WORK/bad.want" <<EOF
boardpack: template: error: figure block 1 (\`\`\`figure trend): data=goal:9: the pack has 2 goals
boardpack: template: error: figure block 2 (\`\`\`figure trend): data=totals and rows: a figure's numbers come from the pack or from its rows, not both
boardpack: template: error: figure block 3 (\`\`\`figure bars): data=heatmap is drawn by \`\`\`figure heatmap; this figure takes data=failure_by_department
boardpack: template: error: figure block 4 (\`\`\`figure cards): line 1: the trend "@churn" is not a series of the pack (expected @rate, @lost, @failure or @gap)
EOF
diff -u "$WORK/bad.want" "$WORK/bad.err" || fail "bad references: the messages differ"
exit $status
