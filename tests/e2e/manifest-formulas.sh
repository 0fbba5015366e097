#!/usr/bin/env bash
# manifest.csv never holds a live spreadsheet formula (issue 16, item 8): a cell that begins with
# =, +, -, @, a tab or a carriage return gets a ' in front (OWASP, "CSV injection"); manifest.json
# keeps the name as it is; other cells are unchanged.
set -eu
src=$ROOT/samples/northwind
mkdir -p "$WORK/in"
cp "$src/kpis.csv" "$src/customers.csv" "$WORK/in/"
sed -e 's|^template *=.*||' "$src/pack.ini" >"$WORK/in/pack.ini"
"$PYTHON" - "$src/journeys.csv" "$WORK/in/journeys.csv" <<'PY'
import csv, sys
names = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-3", "@SUM(A1)", "Plain"]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
i = rows[0].index("region")
ids = {}
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        r[i] = names[ids.setdefault(r[0], len(ids)) % len(names)]
        w.writerow(r)
PY
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/out" --split-by region --json --no-pdf --no-xlsx --quiet
"$PYTHON" - "$WORK/out" <<'PY'
import csv, json, sys
d = sys.argv[1]
names = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-3", "@SUM(A1)", "Plain"]
rows = list(csv.DictReader(open(f"{d}/manifest.csv", newline="", encoding="utf-8")))
got = {r["region"] for r in rows}
want = {"'" + n if n[0] in "=+-@" else n for n in names}
if not want <= got:
    sys.exit(f"manifest.csv regions {sorted(got)!r}, expected {sorted(want)!r} among them")
for r in rows:
    for k, v in r.items():
        if v and v[0] in "=+-@\t\r":
            sys.exit(f"manifest.csv: {k} cell {v!r} would be a formula")
js = {f["region"] for f in json.load(open(f"{d}/manifest.json"))["files"]}
if not set(names) <= js:
    sys.exit(f"manifest.json regions changed: {sorted(map(str, js))}")
PY
echo "manifest.csv: formula-like cells prefixed with '"
