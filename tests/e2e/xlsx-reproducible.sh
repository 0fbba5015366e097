#!/usr/bin/env bash
# Builds of one pack, run several at a time on a busy machine, write byte-identical workbooks
# (docs/decisions.md, "igzip's level 0"): with igzip's level 1 about one build in seventy gave one
# long-sheet chunk another valid parse, found only this way. The workbook has some 160 chunks of
# long-sheet rows here; REPRO_RUNS (default 12) builds of the whole pack, three at a time.
# A stress for that failure: REPRO_RUNS=300 (about 2 minutes) caught it 1 to 11 times.
set -u
fail() { echo "FAIL: $*"; exit 1; }
runs=${REPRO_RUNS:-12}
"$GEN" --events 300000 --out data >/dev/null || fail "generator"
cp "$ROOT/samples/northwind/actions.csv" data/
grep -v '^template *=' "$ROOT/samples/northwind/pack.ini" >data/pack.ini
build() { # i
	"$BOARDPACK" build data/pack.ini --out "out$1" --json --quiet || fail "build $1 failed"
	sha256sum "out$1"/*.xlsx | cut -d' ' -f1 >"sum$1"
	rm -rf "out$1"
}
i=0
while [ "$i" -lt "$runs" ]; do
	build "$i" & build $((i + 1)) & build $((i + 2)) &
	wait
	i=$((i + 3))
done
n=$(cat sum* | sort -u | wc -l)
[ "$(ls sum* | wc -l)" -ge "$runs" ] || fail "fewer workbooks than builds"
[ "$n" -eq 1 ] || { cat sum* | sort | uniq -c; fail "$runs builds gave $n different workbooks"; }
echo "$runs builds, three at a time: one workbook"
