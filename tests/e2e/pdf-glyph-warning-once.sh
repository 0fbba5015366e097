#!/usr/bin/env bash
# A character the font lacks is warned about once per run, not once per pack (issue 16, item 10):
# the organisation's name, on every page of every pack, holds 北, which DejaVu Sans lacks.
set -eu
src=$ROOT/samples/northwind
mkdir -p "$WORK/in"
cp "$src"/*.csv "$WORK/in/"
sed -e 's|^template *=.*||; s|^organisation *=.*|organisation = 北 Energy|' "$src/pack.ini" >"$WORK/in/pack.ini"
grep -q '^organisation = 北 Energy' "$WORK/in/pack.ini"
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/out" --split-by region --no-xlsx 2>"$WORK/err"
packs=$(ls "$WORK"/out/board-pack-*.pdf | wc -l)
[ "$packs" -ge 3 ] || { echo "expected several packs, got $packs"; exit 1; }
n=$(grep -c 'warning: the font has no glyph for U+5317' "$WORK/err" || true)
[ "$n" -eq 1 ] || { cat "$WORK/err"; echo "the missing glyph is warned about $n times for $packs packs, expected once"; exit 1; }
echo "one warning for $packs packs"
