#!/usr/bin/env bash
# A 100,000-character field and a file of 1,000 columns are read like any other: the figures and
# row counts equal those of the plain hand-computed fixture (tests/cases/metrics-hand), and the
# 991 columns outside the contract are noted once: the first ten named, the rest counted.
set -eu
src=$ROOT/tests/cases/metrics-hand
for v in plain long wide; do mkdir -p "$WORK/$v"; cp "$src"/*.csv "$src/pack.ini" "$WORK/$v/"; done
"$PYTHON" - "$src/journeys.csv" "$WORK" <<'PY'
import csv, sys
src, work = sys.argv[1:3]
rows = list(csv.reader(open(src, newline="", encoding="utf-8")))
t = rows[0].index("touchpoint")
long_rows = [list(r) for r in rows]
long_rows[1][t] = "é" + "x" * 99998 + "é"  # 100,000 characters, 100,002 bytes
with open(f"{work}/long/journeys.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(long_rows)
extra = [f"extra {i}" for i in range(1, 991)]
with open(f"{work}/wide/journeys.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0] + extra)
    w.writerows(r + [str(i) for i in range(990)] for r in rows[1:])
assert len(rows[0]) + len(extra) == 1000
PY
for v in plain long wide; do
	"$BOARDPACK" build "$WORK/$v/pack.ini" --period 2026-Q3 --out "$WORK/$v/out" --json --no-pdf 2>"$WORK/$v.err" ||
		{ echo "$v: build failed"; cat "$WORK/$v.err"; exit 1; }
done
grep -qx 'boardpack: journeys.csv: note: 991 columns ignored (not in the data contract): "notes", "extra 1", "extra 2", "extra 3", "extra 4", "extra 5", "extra 6", "extra 7", "extra 8", "extra 9" and 981 more' "$WORK/wide.err" ||
	{ echo "the wide file's extra columns are not noted once, by count"; grep note "$WORK/wide.err"; exit 1; }
"$PYTHON" - "$WORK" <<'PY'
import json, sys, zipfile, re
work = sys.argv[1]
load = lambda v: json.load(open(f"{work}/{v}/out/board-pack-2026-Q3.json", encoding="utf-8"))
plain = load("plain")
for v in ("long", "wide"):
    d = load(v)
    for x in (d, dict(plain)):
        x.pop("data_quality", None)
    p = dict(plain); p.pop("data_quality", None)
    assert d == p, f"{v}: figures differ from the plain file's"
    rows = json.load(open(f"{work}/{v}/out/board-pack-2026-Q3.json", encoding="utf-8"))["data_quality"]["files"]
    assert rows == json.load(open(f"{work}/plain/out/board-pack-2026-Q3.json", encoding="utf-8"))["data_quality"]["files"], v
print("same figures and row counts with a 100,000-character field and with 1,000 columns")
PY
