#!/usr/bin/env bash
# The demo company: the committed CSV files are exactly what the generator makes (`make samples`),
# and its data tells the story the brief asks of it, read from the pack's own JSON and, for the
# counts, from the CSV files directly.
set -eu
src=$ROOT/samples/northwind
"$GEN" --out "$WORK/gen" >/dev/null
for f in journeys.csv kpis.csv customers.csv; do
	cmp "$src/$f" "$WORK/gen/$f" || { echo "$f: the committed file differs from the generator's output"; exit 1; }
done
"$BOARDPACK" build "$src/pack.ini" --out "$WORK/out" --json --no-pdf --no-xlsx --quiet
"$PYTHON" - "$src" "$WORK/out/board-pack-2026-Q3.json" <<'PY'
import csv, json, sys
src, path = sys.argv[1:3]
events = list(csv.DictReader(open(f"{src}/journeys.csv", encoding="utf-8")))
kpis = list(csv.DictReader(open(f"{src}/kpis.csv", encoding="utf-8")))
customers = list(csv.DictReader(open(f"{src}/customers.csv", encoding="utf-8")))
d = json.load(open(path, encoding="utf-8"))
checks = []
def check(what, ok):
    checks.append(what)
    if not ok:
        sys.exit(f"demo data: {what}: no")
depts = {e["department"] for e in events}
check(f"at least 6 departments ({len(depts)})", len(depts) >= 6)
check(f"5 journeys ({len(d['journeys'])})", len(d["journeys"]) >= 5)
check("every journey has a life goal in the customer's voice", all(j["goal"].startswith(("I ", "When ", "I'm ")) for j in d["journeys"]))
quarters = {k["period"] for k in kpis}
check(f"8 quarters of KPIs ({len(quarters)})", len(quarters) >= 8)
check(f"at least 50,000 events ({len(events)})", len(events) >= 50000)
kdepts = {(k["department"], k["period"]) for k in kpis}
check("KPIs with targets for every department and quarter",
      all((dep, q) in kdepts for dep in {k["department"] for k in kpis} for q in quarters) and all(k["target"] for k in kpis))
check("customers with annual values, joiners and leavers",
      all(c["annual_value"] for c in customers) and any(c["joined"] for c in customers) and any(c["left"] for c in customers))
greenish = [w for w in d["watermelons"] if w["green_share"] >= 0.75]
check(f"at least two green departments failing customers ({len(greenish)})", len({w["department"] for w in greenish}) >= 2)
t = d["totals"]
check("customers leave after unsuccessful outcomes more than after successful ones", t["churn_after_unsuccessful"] > t["churn_after_sco"])
improving = [j for j in d["journeys"] if j["change_significant"] and j["sco_change_pts"] > 0
             and j["trend"][-1]["sco_rate"] > j["trend"][0]["sco_rate"] + 0.2]
check("one journey clearly improving", len(improving) >= 1)
fd = sorted(d["journeys"], key=lambda j: j["failure_demand_share"])
check("failure demand concentrated in some journeys", fd[-1]["failure_demand_share"] > 2 * fd[0]["failure_demand_share"])
print("; ".join(checks))
PY
