#!/usr/bin/env bash
# The rows of a case may come in any order and be spread anywhere in the file (data-contract.md):
# the same rows written in five orders — by case in time order, by case with each case's rows
# shuffled, sorted by time (cases interleaved), fully shuffled, and by case with some rows moved
# to the end of the file (late arrivals) — give the same figures, and those figures equal the
# ones derived here in Python from the data-contract's rules (time order, ties in file order,
# outcome of the last row that has one, contacts, failure contacts, hand-offs). Rows with equal
# timestamps in a case keep their relative file order in every variant, as the tie rule needs.
# One case has 70,000 rows, more than boardpack gathers in one stretch; some rows disagree on
# journey, customer or region and are noted once per case in every variant.
set -eu
"$PYTHON" - "$WORK" <<'PY'
import csv, datetime, json, os, random, sys
work = sys.argv[1]
R = random.Random(20261201)
depts = ["Sales", "Billing", "Field Ops", "Contact Centre", "Metering"]
journeys = ["Moving home", "Getting a fault fixed", "Paying a bill"]
base = datetime.datetime(2026, 1, 1)
rows = []  # [case, journey, time, department, customer, demand, outcome, region], in the order made
def stamp(sec):
    return (base + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%SZ")
for c in range(400):
    case, j, cust, reg = f"C{c:04d}", R.choice(journeys), f"K{R.randint(1, 80)}", R.choice(["North", "South", ""])
    start = R.randint(0, 80) * 86400 + R.randint(0, 86399)
    times = sorted(start + R.choice([0, 0, 600, 3600, 86400 * R.randint(1, 12)]) for _ in range(R.randint(1, 12)))
    for t in times:
        jj = R.choice(journeys) if R.random() < 0.04 else j
        cc = f"K{R.randint(1, 80)}" if R.random() < 0.03 else cust
        outcome = R.choice(["achieved"] * 3 + ["failed", "abandoned"]) if R.random() < 0.25 else ""
        rows.append([case, jj, stamp(t), R.choice(depts), cc, R.choice(["", "", "value", "failure"]), outcome, reg])
long_start = 10 * 86400
for i in range(70000):  # one long case: departments in runs, a failure now and then, achieved near the end
    rows.append(["LONG", "Paying a bill", stamp(long_start + i * 60), depts[(i // 7) % 3], "K1",
                 "failure" if i % 997 == 0 else "", "achieved" if i == 69990 else "", "North"])
header = ["case_id", "journey", "timestamp", "department", "customer_id", "demand", "outcome", "region"]

def keep_ties(order):
    """Rows of one case with one timestamp keep their made order, whatever the permutation."""
    slots = {}
    for pos, i in enumerate(order):
        slots.setdefault((rows[i][0], rows[i][2]), []).append(pos)
    out = list(order)
    for key, positions in slots.items():
        members = sorted(order[p] for p in positions)
        for p, i in zip(positions, members):
            out[p] = i
    return out

n = len(rows)
by_case = list(range(n))
cases = {}
for i in by_case:
    cases.setdefault(rows[i][0], []).append(i)
within = []
for case_rows in cases.values():
    shuffled = case_rows[:]
    R.shuffle(shuffled)
    within += shuffled
by_time = sorted(range(n), key=lambda i: (rows[i][2], i))
shuffled = list(range(n)); R.shuffle(shuffled)
late = [i for i in by_case if R.random() >= 0.05]
on_time = set(late)
late += [i for i in by_case if i not in on_time]
variants = {"by-case": by_case, "within-case": within, "by-time": by_time, "shuffled": shuffled, "late": late}
for name, order in variants.items():
    order = keep_ties(order)
    assert sorted(order) == list(range(n))
    os.makedirs(f"{work}/{name}", exist_ok=True)
    with open(f"{work}/{name}/journeys.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows[i] for i in order)
    with open(f"{work}/{name}/kpis.csv", "w") as f:
        f.write("period,department,kpi,actual,target\n" + "".join(f"2026-Q1,{d},Calls,1,1\n" for d in depts))
    with open(f"{work}/{name}/pack.ini", "w") as f:
        f.write("[pack]\norganisation = Order\nmin_cases = 2\n[inputs]\njourneys = journeys.csv\nkpis = kpis.csv\n")
    assert name != "by-case" or order == by_case

# The figures by the contract's rules, from the rows in the order made (time order, ties kept).
q_end = datetime.datetime(2026, 4, 1)
concluded = []
for case, case_rows in cases.items():
    rs = sorted(case_rows, key=lambda i: (rows[i][2], i))
    outcome = end = None
    for i in rs:
        if rows[i][6]:
            outcome, end = rows[i][6], rows[i][2]
    if end is None or datetime.datetime.strptime(end, "%Y-%m-%dT%H:%M:%SZ") >= q_end:
        continue
    fails = sum(rows[i][5] == "failure" for i in rs)
    hand = sum(rows[a][3] != rows[b][3] for a, b in zip(rs, rs[1:]))
    concluded.append((len(rs), fails, hand, outcome == "achieved" and fails == 0))
expect = {
    "cases_concluded": len(concluded),
    "successful": sum(c[3] for c in concluded),
    "contacts_per_case": sum(c[0] for c in concluded) / len(concluded),
    "handoffs_per_case": sum(c[2] for c in concluded) / len(concluded),
    "failure_demand_share": sum(c[1] for c in concluded) / sum(c[0] for c in concluded),
}
json.dump(expect, open(f"{work}/expect.json", "w"))
PY
for v in by-case within-case by-time shuffled late; do
	"$BOARDPACK" build "$WORK/$v/pack.ini" --period 2026-Q1 --out "$WORK/$v/out" --json --no-pdf 2>"$WORK/$v.err" ||
		{ echo "$v: build failed"; cat "$WORK/$v.err"; exit 1; }
done
"$PYTHON" - "$WORK" <<'PY'
import json, re, sys
work = sys.argv[1]
expect = json.load(open(f"{work}/expect.json"))
def load(v):
    return json.load(open(f"{work}/{v}/out/board-pack-2026-Q1.json", encoding="utf-8"))
first = load("by-case")
t = first["totals"]
for k, want in expect.items():
    got = t[k]
    assert (got == want) if isinstance(want, int) else abs(got - want) < 1e-12, f"totals.{k}: {got}, by the rules {want}"
def disagreements(d):  # case -> how many rows disagree (the row named depends on the order)
    out = {}
    for n in d["data_quality"]["notes"]:
        m = re.match(r'case "([^"]+)": (\d+) of its rows disagrees?', n["message"])
        if m:
            assert m.group(1) not in out, f"case {m.group(1)} noted twice"
            out[m.group(1)] = int(m.group(2))
    return out
base_notes = disagreements(first)
assert len(base_notes) >= 5, f"too few cases with disagreeing rows to test: {base_notes}"
def unlined(d):  # a story row's line depends on the order; its place in the timeline does not
    for g in d["goals"]:
        for r in (g.get("customer_journey") or {}).get("rows") or []:
            r.pop("line")
unlined(first)
base = dict(first); dq = base.pop("data_quality")
for v in ("within-case", "by-time", "shuffled", "late"):
    d = load(v)
    unlined(d)
    assert disagreements(d) == base_notes, f"{v}: disagreement notes differ: {disagreements(d)} vs {base_notes}"
    q = d.pop("data_quality")
    assert (q["rows_read"], q["rows_rejected"]) == (dq["rows_read"], dq["rows_rejected"]), v
    for section in base:
        assert d[section] == base[section], f"{v}: {section} differs from the file sorted by case"
print(f"five row orders, the same figures; {expect['cases_concluded']} concluded cases as derived by the rules; "
      f"{len(base_notes)} cases with disagreeing rows noted once each")
PY
