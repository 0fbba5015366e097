#!/usr/bin/env bash
# The second edition's figures for decisions on the demo, recomputed here from the raw CSV files
# by the data contract's rules (an independent route, not the program's output): per goal and in
# total, the year-earlier rate (2025-Q3), failure demand by touchpoint (five most, ties by name),
# its cost at the demo's failure_contact_cost, goals short of target, and the case told through
# the customer's eyes (the median unsuccessful case by contacts, then id) with its touchpoints in
# time order. Also the actions' rates then and now.
set -eu
src=$ROOT/samples/northwind
"$BOARDPACK" build "$src/pack.ini" --period 2026-Q3 --out "$WORK/out" --json --no-pdf --no-xlsx --quiet
"$PYTHON" - "$src" "$WORK/out/board-pack-2026-Q3.json" <<'PY'
import configparser, csv, datetime as dt, json, sys
src, out = sys.argv[1:3]
got = json.load(open(out, encoding="utf-8"))
ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
ini.read(f"{src}/pack.ini", encoding="utf-8")
cost = float(ini["pack"]["failure_contact_cost"])
conf = {}
for sec in ini.sections():
    if sec.startswith('journey "'):
        j = sec[len('journey "'):-1]
        conf[j] = dict(goal=ini[sec].get("goal", j), promise=float(ini[sec].get("promise_days", "inf")),
                       maxf=int(ini[sec].get("max_failure_contacts", "0")))
def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
def quarter(t):
    return f"{t.year}-Q{(t.month - 1) // 3 + 1}"
rows = {}
for line, r in enumerate(csv.DictReader(open(f"{src}/journeys.csv", encoding="utf-8")), start=2):
    rows.setdefault(r["case_id"], []).append((ts(r["timestamp"]), line, r))
cases = []
for cid, rs in rows.items():
    rs.sort(key=lambda x: (x[0], x[1]))
    ends = [x for x in rs if x[2]["outcome"]]
    if not ends:
        continue
    end = ends[-1]
    j = rs[0][2]["journey"]
    c = conf.get(j, dict(goal=j, promise=float("inf"), maxf=0))
    days = (end[0] - rs[0][0]).total_seconds() / 86400
    fails = [x for x in rs if x[2]["demand"].lower() == "failure"]
    sco = end[2]["outcome"] == "achieved" and days <= c["promise"] and len(fails) <= c["maxf"]
    cases.append(dict(id=cid, goal=c["goal"], q=quarter(end[0]), sco=sco, contacts=len(rs), rows=rs, fails=fails))
def rate(cs):
    return sum(k["sco"] for k in cs) / len(cs) if cs else None
def touch(cs):
    n = {}
    for k in cs:
        for f in k["fails"]:
            n[f[2]["touchpoint"]] = n.get(f[2]["touchpoint"], 0) + 1
    return [{"touchpoint": t, "contacts": v} for t, v in sorted(n.items(), key=lambda x: (-x[1], x[0]))[:5]]
bad = []
def same(what, a, b):
    if (a is None) != (b is None) or (a is not None and (abs(a - b) > 1e-12 if isinstance(a, float) else a != b)):
        bad.append(f"{what}: the JSON says {a!r}, the CSV gives {b!r}")
now = [k for k in cases if k["q"] == "2026-Q3"]
year = [k for k in cases if k["q"] == "2025-Q3"]
t = got["totals"]
same("totals.prev_year_sco_rate", t["prev_year_sco_rate"], rate(year))
same("totals.failure_touchpoints", t["failure_touchpoints"], touch(now))
same("totals.failure_demand_cost", t["failure_demand_cost"], sum(len(k["fails"]) for k in now) * cost)
short = 0
for g in got["goals"]:
    gn = [k for k in now if k["goal"] == g["goal"]]
    same(f"{g['goal'][:30]}: prev_year_sco_rate", g["prev_year_sco_rate"],
         rate([k for k in year if k["goal"] == g["goal"]]))
    same(f"{g['goal'][:30]}: failure_touchpoints", g["failure_touchpoints"], touch(gn))
    short += len(gn) >= 30 and rate(gn) < g["sco_target"]
    uns = sorted((k for k in gn if not k["sco"]), key=lambda k: (k["contacts"], k["id"]))
    story = uns[(len(uns) - 1) // 2] if uns else None
    cj = g["customer_journey"]
    same(f"{g['goal'][:30]}: story case", cj and cj["case_id"], story and story["id"])
    if story and cj:
        same(f"{g['goal'][:30]}: story rows", [(r["touchpoint"], r["line"]) for r in cj["rows"]],
             [(x[2]["touchpoint"], x[1]) for x in story["rows"]][:24])
same("totals.goals_short", t["goals_short"], short)
by_goal = {g["goal"]: g for g in got["goals"]}
by_journey = {j["journey"]: j for j in got["journeys"]}
for a in got["actions"]:
    f = by_goal.get(a["goal"]) or by_journey.get(a["goal"])
    same(f"action {a['action'][:30]}: rate now", a["sco_rate"], f and f["sco_rate"])
    same(f"action {a['action'][:30]}: rate then", a["prev_sco_rate"], f and f["prev_sco_rate"])
for b in bad:
    print(b)
if not got["actions"] or not t["failure_touchpoints"]:
    bad.append("the demo has no actions or no failure demand: nothing was checked")
sys.exit(1 if bad else 0)
PY
echo "the figures for decisions agree with the raw CSV"
