#!/usr/bin/env bash
# --split-by region with the outputs written by 1, 2 and 4 threads: every file (packs and
# manifests) is byte-identical, and so is stderr. The manifest lists every file written, with
# the size and the SHA-256 that stat and sha256sum (independent of boardpack) give.
set -eu
src=$ROOT/samples/northwind
for j in 1 2 4; do
	"$BOARDPACK" build "$src/pack.ini" --out "$WORK/j$j" --split-by region --json --jobs "$j" 2>"$WORK/j$j.err" ||
		{ echo "build with --jobs $j failed"; cat "$WORK/j$j.err"; exit 1; }
done
for j in 2 4; do
	diff -r "$WORK/j1" "$WORK/j$j" || { echo "--jobs $j differs from --jobs 1"; exit 1; }
	diff "$WORK/j1.err" <(sed "s|$WORK/j$j|$WORK/j1|" "$WORK/j$j.err") || { echo "stderr with --jobs $j differs from --jobs 1"; exit 1; }
done
# Without --split-by, the whole organisation's pack computes every region's figures (its Regions
# sheet) on the threads at once, and writes its workbook's long tables in two lanes: the same
# files with one thread and with four (make tsan runs this too).
for j in 1 4; do
	"$BOARDPACK" build "$src/pack.ini" --out "$WORK/whole$j" --json --jobs "$j" 2>"$WORK/whole$j.err" ||
		{ echo "unsplit build with --jobs $j failed"; cat "$WORK/whole$j.err"; exit 1; }
done
diff -r "$WORK/whole1" "$WORK/whole4" || { echo "the unsplit pack with --jobs 4 differs from --jobs 1"; exit 1; }
"$PYTHON" - "$WORK/whole4/board-pack-2026-Q3.json" "$WORK/j1/board-pack-2026-Q3-north.json" <<'PY'
import json, sys
whole, north = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
# the Regions comparison's figures computed beside the pack equal the regional pack's own
row = [r for r in whole["regions"] if r["region"] == "North"]
assert row, [r.get("region") for r in whole["regions"]]
for k in ("cases_concluded", "successful", "sco_rate"):
    assert row[0][k] == north["totals"][k], (k, row[0][k], north["totals"][k])
PY
# one summary line per pack: region, cases, SCO rate, file names
grep -q '^boardpack: whole organisation: 2026-Q3: [0-9]* cases concluded, SCO rate [0-9]* %; board-pack-2026-Q3.json, board-pack-2026-Q3.pdf, board-pack-2026-Q3.xlsx$' "$WORK/j1.err" ||
	{ echo "no summary line for the whole organisation"; cat "$WORK/j1.err"; exit 1; }
grep -q '^boardpack: North: 2026-Q3: [0-9]* cases concluded, SCO rate [0-9]* %; board-pack-2026-Q3-north.json, board-pack-2026-Q3-north.pdf, board-pack-2026-Q3-north.xlsx$' "$WORK/j1.err" ||
	{ echo "no summary line for North"; cat "$WORK/j1.err"; exit 1; }
# no temporary file left behind
if ls -A "$WORK/j1" | grep -q '^\.'; then echo "temporary files left:"; ls -A "$WORK/j1"; exit 1; fi
cd "$WORK/j1"
sha256sum board-pack-* | sort -k2 >"$WORK/sums"
"$PYTHON" - "$WORK/sums" "$src/journeys.csv" <<'PY'
import csv, json, os, sys
sums = {name: digest for digest, name in (line.split() for line in open(sys.argv[1]))}
regions = sorted({r["region"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if r["region"]})
rows = list(csv.DictReader(open("manifest.csv", newline="", encoding="utf-8")))
doc = json.load(open("manifest.json", encoding="utf-8"))
assert doc["period"] == "2026-Q3" and doc["organisation"] == "Northwind Energy", doc
files = doc["files"]
assert len(rows) == len(files) == len(sums) == 3 * (1 + len(regions)), (len(rows), len(files), len(sums), regions)
for row, f in zip(rows, files):
    name = row["file"]
    assert name == f["file"] and name in sums, name
    assert row["sha256"] == f["sha256"] == sums[name], name
    assert int(row["bytes"]) == f["bytes"] == os.path.getsize(name), name
    assert row["period"] == f["period"] == "2026-Q3"
    assert row["kind"] == f["kind"] == name.rsplit(".", 1)[1]
    assert (row["region"] or None) == f["region"]
    assert (row["region_slug"] or None) == f["region_slug"]
    stem = "board-pack-2026-Q3" + ("-" + f["region_slug"] if f["region"] else "")
    assert name == stem + "." + f["kind"], (name, stem)
    if name.endswith(".json"):
        assert json.load(open(name, encoding="utf-8"))["region"] == f["region"], name
# the whole organisation first, then the regions in name order, json, pdf, xlsx each
assert [f["region"] for f in files[::3]] == [None] + regions, [f["region"] for f in files[::3]]
assert [f["kind"] for f in files[:3]] == ["json", "pdf", "xlsx"]
print(len(files), "files listed with matching sizes and hashes")
PY

# A run that fails part-way (the template breaks on regional packs only, after the whole
# organisation's pack is written) leaves every file of the previous good run as it was, and
# no temporary file.
cd "$WORK"
mkdir -p bad
cp "$ROOT"/templates/*.md bad/
printf 'A line only the failed run has.\n\n{{#region}}{{no_such_name}}{{/region}}\n' >>bad/board-pack.md
sed -e "s|^template *=.*|template = $WORK/bad/board-pack.md|" "$src/pack.ini" | sed -e "s|= *journeys.csv|= $src/journeys.csv|; s|= *kpis.csv|= $src/kpis.csv|; s|= *customers.csv|= $src/customers.csv|; s|= *actions.csv|= $src/actions.csv|" >bad/pack.ini
grep -q "^template = $WORK/bad/board-pack.md" bad/pack.ini || { echo "test setup: no template line to replace"; exit 1; }
cp -a j1 before
if "$BOARDPACK" build bad/pack.ini --out j1 --split-by region --json 2>bad.err; then
	echo "the broken template did not fail the build"; exit 1
fi
grep -q 'no_such_name' bad.err || { echo "no message about the broken template"; cat bad.err; exit 1; }
if grep -q 'cases concluded' bad.err; then echo "a summary line claims a pack of a failed run"; cat bad.err; exit 1; fi
diff -r before j1 || { echo "the failed run changed the previous packs"; exit 1; }
if ls -A j1 | grep -q '^\.'; then echo "temporary files left by the failed run:"; ls -A j1; exit 1; fi
echo "a failed run left the previous packs untouched"
