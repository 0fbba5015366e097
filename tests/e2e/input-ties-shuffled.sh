#!/usr/bin/env bash
# Rows of a case with equal timestamps keep file order (data-contract.md, "How a case is
# derived"), however the file is shuffled: here 3,000 cases, each with three rows at one instant
# between others, their departments, channels and outcomes chosen so that any other order of the
# tied rows changes the case's hand-offs, first or last channel or outcome. The rows are shuffled
# (the tied rows keep their relative order), so nearly every case is out of order and derived
# from its rows after the reading (grouped by case in place, then put in time order). Each case's
# hand-offs, channels, outcome and contacts on the workbook's Cases sheet must equal those
# derived here in Python from the rules.
set -eu
mkdir -p "$WORK/in"
cp "$ROOT/samples/northwind/"{kpis.csv,actions.csv} "$WORK/in/"
sed 's|^template = .*|template = '"$ROOT"'/templates/board-pack.md|; s|^customers = .*||' "$ROOT/samples/northwind/pack.ini" >"$WORK/in/pack.ini"
"$PYTHON" - "$WORK/in/journeys.csv" "$WORK/expect.json" <<'PY'
import csv, datetime, json, random, sys
R = random.Random(7)
base = datetime.datetime(2026, 7, 1)
def stamp(sec):
    return (base + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%SZ")
rows, expect = [], {}
for c in range(3000):
    case = "T%05d" % c
    t0 = R.randint(0, 40) * 86400 + R.randint(0, 3600)
    tie = t0 + 3600
    # before the tie, the tie's three rows (file order matters), after it
    made = [(t0, "Billing", "web", "")]
    a, b = R.sample(["Billing", "Metering", "Field Operations", "Contact Centre"], 2)
    made += [(tie, a, "phone", ""), (tie, b, "email", "failed"), (tie, a, "chat", "achieved")]
    if c % 3 == 0:
        made.append((tie + 600, b, "letter", ""))
    for t, dept, ch, out in made:
        rows.append([case, "Getting a fault fixed", stamp(t), dept, "C%05d" % c, "touch", ch, "value", out, "North"])
    # what the rules give: time order, ties in file order (made is in that order already)
    depts = [m[1] for m in made]
    outs = [m[3] for m in made if m[3]]
    expect[case] = {"handoffs": sum(1 for x, y in zip(depts, depts[1:]) if x != y),
                    "first": made[0][2], "last": made[-1][2], "outcome": outs[-1], "contacts": len(made)}
# shuffle, then put each case's tied rows back in their order (their places are kept)
order = list(range(len(rows)))
R.shuffle(order)
shuffled = [rows[i] for i in order]
made_order, places = {}, {}
for r in rows:
    made_order.setdefault((r[0], r[2]), []).append(r)
for i, r in enumerate(shuffled):
    places.setdefault((r[0], r[2]), []).append(i)
for key, at in places.items():
    for p, r in zip(at, made_order[key]):  # at is in file order
        shuffled[p] = r
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["case_id", "journey", "timestamp", "department", "customer_id", "touchpoint", "channel", "demand", "outcome", "region"])
    w.writerows(shuffled)
json.dump(expect, open(sys.argv[2], "w"))
PY
"$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/out" --no-pdf --quiet --period 2026-Q3
"$PYTHON" - "$WORK/out/board-pack-2026-Q3.xlsx" "$WORK/expect.json" <<'PY'
import json, sys, openpyxl
expect = json.load(open(sys.argv[2]))
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb["Cases"]
rows = ws.iter_rows(values_only=True)
head = list(next(rows))
col = {h: head.index(h) for h in ("Case", "Outcome", "Contacts", "Hand-offs", "First channel", "Last channel")}
seen = 0
for r in rows:
    e = expect.get(r[col["Case"]])
    if e is None:
        continue
    got = {"handoffs": r[col["Hand-offs"]], "first": r[col["First channel"]], "last": r[col["Last channel"]],
           "outcome": r[col["Outcome"]], "contacts": r[col["Contacts"]]}
    assert got == e, (r[col["Case"]], got, e)
    seen += 1
assert seen == len(expect), (seen, len(expect))
print(seen, "shuffled cases with tied rows, derived with ties in file order")
PY
