#!/usr/bin/env bash
# The pack built from a cases.csv derived by docs/cases.sql (in SQLite) equals the pack
# built from the event log it came from, figure for figure (data_quality aside: the files differ).
set -eu
# docs/scale.md shows users the same SQL, byte for byte
"$PYTHON" - "$ROOT/docs/scale.md" "$ROOT/docs/cases.sql" <<'PY'
import re, sys
blocks = re.findall(r"```sql\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
if blocks != [open(sys.argv[2], encoding="utf-8").read()]:
    sys.exit("docs/scale.md's SQL is not docs/cases.sql")
PY
for sample in "$ROOT/samples/northwind" "$ROOT/tests/cases/metrics-hand"; do
	name=$(basename "$sample")
	rm -f "$WORK/ev.db"
	# optional columns the export lacks are added empty, as a warehouse table would have them
	add=""
	for col in customer_id region demand outcome; do
		head -n 1 "$sample/journeys.csv" | tr ',' '\n' | grep -qx "$col" || add="$add
ALTER TABLE events ADD COLUMN $col TEXT DEFAULT '';"
	done
	sqlite3 "$WORK/ev.db" <<SQL
.mode csv
.import $sample/journeys.csv events
$add
.headers on
.output $WORK/$name-cases.csv
$(cat "$ROOT/docs/cases.sql")
SQL
	# the same pack, reading cases.csv instead of journeys.csv
	sed -e "s|^journeys *=.*|cases = $WORK/$name-cases.csv|" "$sample/pack.ini" |
		sed -e "s|^kpis *= *|kpis = $sample/|" -e "s|^customers *= *|customers = $sample/|" >"$WORK/$name-cases.ini"
	"$BOARDPACK" build "$sample/pack.ini" --period 2026-Q3 --out "$WORK/$name-events" --json --no-pdf --no-xlsx --quiet
	"$BOARDPACK" build "$WORK/$name-cases.ini" --period 2026-Q3 --out "$WORK/$name-cases" --json --no-pdf --no-xlsx --quiet
	"$PYTHON" - "$WORK/$name-events/board-pack-2026-Q3.json" "$WORK/$name-cases/board-pack-2026-Q3.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
# cases.csv has no touchpoints: failure_touchpoints[] and the story of a case (its rows) need the
# event log (docs/inputs.md); everything else is the same
def strip(o):
    if isinstance(o, dict):
        for k in ("failure_touchpoints", "customer_journey"):
            o.pop(k, None)
        for v in o.values():
            strip(v)
    elif isinstance(o, list):
        for v in o:
            strip(v)
for d in (a, b):
    d.pop("data_quality")
    strip(d)
if a != b:
    for k in a:
        if a[k] != b.get(k):
            print("differs:", k, json.dumps(a[k])[:300], "\n   vs:", json.dumps(b.get(k))[:300])
    sys.exit(1)
assert a["totals"]["cases_concluded"] > 0
print("same figures:", a["totals"]["cases_concluded"], "cases concluded")
PY
done
