#!/usr/bin/env bash
# --split-by region: each regional pack's figures equal the whole-organisation pack built from a
# copy of the inputs filtered to that region (event rows of the region; KPI and customer rows of
# the region or with no region, which are company-wide); every
# pack covers the same period; file names are slugs inside the output folder.
set -eu
src=$ROOT/samples/northwind
"$BOARDPACK" build "$src/pack.ini" --out "$WORK/split" --split-by region --json --no-pdf --no-xlsx --quiet
ls "$WORK/split" >"$WORK/files"
regions=$("$PYTHON" -c "
import csv
print('\n'.join(sorted({r['region'] for r in csv.DictReader(open('$src/journeys.csv')) if r['region']})))")
[ -n "$regions" ] || { echo "the demo data has no regions"; exit 1; }
grep -qx "board-pack-2026-Q3.json" "$WORK/files" || { echo "no whole-organisation pack"; cat "$WORK/files"; exit 1; }
while IFS= read -r region; do
	slug=$(echo "$region" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')
	got="$WORK/split/board-pack-2026-Q3-$slug.json"
	[ -f "$got" ] || { echo "missing $got"; cat "$WORK/files"; exit 1; }
	dir="$WORK/filtered-$slug"; mkdir -p "$dir"
	"$PYTHON" - "$src" "$dir" "$region" <<'PY'
import csv, sys
src, dst, region = sys.argv[1:4]
for name in ("journeys.csv", "kpis.csv", "customers.csv"):
    rows = list(csv.reader(open(f"{src}/{name}", newline="", encoding="utf-8")))
    i = rows[0].index("region")
    with open(f"{dst}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rows[0])
        keep = (region,) if name == "journeys.csv" else ("", region)
        w.writerows(r for r in rows[1:] if r[i] in keep)
PY
	sed -e 's|^template *=.*||' "$src/pack.ini" >"$dir/pack.ini"
	"$BOARDPACK" build "$dir/pack.ini" --period 2026-Q3 --out "$dir/out" --json --no-pdf --no-xlsx --quiet
	"$PYTHON" - "$got" "$dir/out/board-pack-2026-Q3.json" "$region" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["region"] == sys.argv[3], a["region"]
assert b["region"] is None
assert a["regions"] is None, "a regional pack compares no regions"
assert [r["region"] for r in b["regions"]] == [sys.argv[3]], b["regions"]
for d in (a, b):
    d.pop("data_quality"); d.pop("region"); d.pop("regions")
    for g in d["goals"]:  # a story row's line is the line in the file read, filtered or not
        for r in (g.get("customer_journey") or {}).get("rows") or []:
            r.pop("line")
if a != b:
    for k in a:
        if a[k] != b.get(k):
            print("differs:", k, json.dumps(a[k])[:300], "\n   vs:", json.dumps(b.get(k))[:300])
    sys.exit(1)
assert a["totals"]["cases_concluded"] > 0
print(sys.argv[3], "same figures:", a["totals"]["cases_concluded"], "cases")
PY
done <<<"$regions"
