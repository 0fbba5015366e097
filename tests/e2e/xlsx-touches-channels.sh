#!/usr/bin/env bash
# The Cases sheet's first and last channel and the Touches sheet's contacts per department equal
# what the event log gives, derived here independently from the raw CSV (rows of a case in time
# order, ties in file order): on the demo as it is, and on the demo's rows shuffled (every case
# out of order, derived from the rows kept). With a cases file, Touches has no contacts.
set -eu
demo=$ROOT/samples/northwind
mkdir -p "$WORK/shuffled"
cp "$demo"/kpis.csv "$demo"/customers.csv "$demo"/actions.csv "$WORK/shuffled/"
grep -v '^template *=' "$demo/pack.ini" >"$WORK/shuffled/pack.ini"
"$PYTHON" - "$demo/journeys.csv" "$WORK/shuffled/journeys.csv" <<'PY'
import random, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
body = [l for l in lines[1:] if l]
random.Random(7).shuffle(body)
open(sys.argv[2], "w", encoding="utf-8").write(lines[0] + "\n" + "\n".join(body) + "\n")
PY
for pack in "$demo" "$WORK/shuffled"; do
	out=$WORK/out-$(basename "$pack")
	"$BOARDPACK" build "$pack/pack.ini" --period 2026-Q3 --out "$out" --no-pdf --quiet
	"$PYTHON" - "$pack/journeys.csv" "$out/board-pack-2026-Q3.xlsx" <<'PY'
import csv, datetime, sys, collections
import openpyxl
rows = collections.defaultdict(list)
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for i, r in enumerate(csv.DictReader(f)):
        ts = datetime.datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00"))
        rows[r["case_id"]].append((ts, i, r["channel"], r["department"]))
want = {}
for case, rs in rows.items():
    rs.sort(key=lambda x: (x[0], x[1]))
    per = collections.Counter(d for _, _, _, d in rs)
    want[case] = (rs[0][2] or None, rs[-1][2] or None, dict(per))
wb = openpyxl.load_workbook(sys.argv[2], read_only=True)
def table(name):
    it = wb[name].iter_rows(values_only=True)
    head = next(it)
    return [dict(zip(head, r)) for r in it if r[0] is not None]
bad = 0
cases = table("Cases")
for c in cases:
    first, last, per = want[c["Case"]]
    if (c["First channel"], c["Last channel"]) != (first, last):
        bad += 1
        if bad < 5:
            print(f"{c['Case']}: channels {c['First channel']}/{c['Last channel']}, the log gives {first}/{last}")
touches = collections.defaultdict(dict)
for t in table("Touches"):
    touches[t["Case"]][t["Department"]] = t["Contacts"]
for c in cases:
    per = want[c["Case"]][2]
    if touches[c["Case"]] != per:
        bad += 1
        if bad < 5:
            print(f"{c['Case']}: Touches contacts {touches[c['Case']]}, the log gives {per}")
    if sum(per.values()) != c["Contacts"]:
        bad += 1
        print(f"{c['Case']}: Contacts {c['Contacts']}, the log has {sum(per.values())} rows")
if bad or len(cases) < 1000 or len({c["First channel"] for c in cases}) < 2:
    sys.exit(f"{bad} disagreements over {len(cases)} cases")
print(f"{len(cases)} cases: first and last channel and contacts per department as the log gives")
PY
done
# past 255 distinct channels, the others are left empty and said, never wrong
mkdir -p "$WORK/channels"
cp "$demo"/kpis.csv "$demo"/customers.csv "$demo"/actions.csv "$WORK/shuffled/pack.ini" "$WORK/channels/"
"$PYTHON" - "$demo/journeys.csv" "$WORK/channels/journeys.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f, open(sys.argv[2], "w", encoding="utf-8", newline="") as g:
    r = csv.DictReader(f)
    w = csv.DictWriter(g, r.fieldnames, lineterminator="\n")
    w.writeheader()
    for i, row in enumerate(r):
        row["channel"] = f"ch{i % 400}"
        w.writerow(row)
PY
"$BOARDPACK" build "$WORK/channels/pack.ini" --period 2026-Q3 --out "$WORK/out-channels" --no-pdf 2>"$WORK/channels.err" ||
	{ cat "$WORK/channels.err"; exit 1; }
grep -q "name a channel past the first 255 distinct ones" "$WORK/channels.err" ||
	{ echo "no note for the channels past 255:"; cat "$WORK/channels.err"; exit 1; }
"$PYTHON" - "$WORK/channels/journeys.csv" "$WORK/out-channels/board-pack-2026-Q3.xlsx" <<'PY'
import csv, datetime, sys, collections, openpyxl
rows = collections.defaultdict(list)
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for i, r in enumerate(csv.DictReader(f)):
        ts = datetime.datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00"))
        rows[r["case_id"]].append((ts, i, r["channel"]))
ws = openpyxl.load_workbook(sys.argv[2], read_only=True)["Cases"]
it = ws.iter_rows(values_only=True)
head = next(it)
shown = empty = 0
for row in it:
    c = dict(zip(head, row))
    if c["Case"] is None:
        continue
    rs = sorted(rows[c["Case"]])
    for col, want in (("First channel", rs[0][2]), ("Last channel", rs[-1][2])):
        if c[col] is None:
            empty += 1
        elif c[col] != want:
            sys.exit(f"{c['Case']}: {col} {c[col]}, the log gives {want}")
        else:
            shown += 1
if not shown or not empty:
    sys.exit(f"past 255 channels: {shown} shown, {empty} left empty")
print(f"past 255 channels: {shown} channels shown as the log gives them, {empty} left empty and noted")
PY
# a cases file gives departments only: Touches lists them without contacts
"$BOARDPACK" build "$ROOT/tests/cases/cases-good/pack.ini" --out "$WORK/cases-out" --no-pdf --quiet 2>/dev/null ||
	"$BOARDPACK" build "$ROOT/tests/cases/cases-good/pack.ini" --out "$WORK/cases-out" --no-pdf --quiet --period 2026-Q3
"$PYTHON" - "$WORK"/cases-out/*.xlsx <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["Touches"]
it = ws.iter_rows(values_only=True)
head = next(it)
rows = [dict(zip(head, r)) for r in it if r[0] is not None]
if not rows or any(r["Contacts"] is not None for r in rows) or not all(r["Department"] for r in rows):
    sys.exit(f"cases file: Touches should list departments without contacts: {rows[:3]}")
print(f"cases file: {len(rows)} touches, departments without contacts")
PY
