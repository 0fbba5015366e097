#!/usr/bin/python3
"""An analyst's check of a boardpack workbook: every figure recomputed from the workbook ALONE.

Usage: xlsx_recompute.py METRICS.json BOOK.xlsx

Reads the workbook's tidy tables with openpyxl (Cases, Touches and Customers, with their
continuation sheets "Cases (2)"..., and Settings), pivots them the way an analyst would, following
the definitions of metrics.md and never the writer's code, and compares each result with the
metrics JSON of the same build (boardpack build --json): every journey's, goal's and the whole
pack's counts, current and previous SCO rate, interval, change and its significance, days
percentiles, the trend, customers lost, value lost and value at risk; the growth and churn
figures; failure contacts, cases touched and their SCO rate by department; the heat map (the
workbook's own Heat map table, and its column sums against the departments); the watermelons; the
Trend sheet; the SCO rate beside each KPI's journeys. Prints every disagreement; exits 1 if any.
"""
import collections
import datetime
import json
import math
import sys

import openpyxl

failures = []
checked = 0


def fail(msg):
    failures.append(msg)
    if len(failures) <= 60:
        print("FAIL:", msg)


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def cmp(where, got, want, rel=1e-9):
    """got (recomputed) against want (the JSON): exact for integers and booleans, near for reals."""
    global checked
    checked += 1
    if isinstance(want, bool) or isinstance(got, bool):
        ok = got is want
    elif isinstance(want, int) and isinstance(got, int):
        ok = got == want
    elif want is None or got is None:
        ok = want is None and got is None
    elif isinstance(want, (list, str)):
        ok = got == want
    else:
        ok = close(float(got), float(want), rel)
    if not ok:
        fail(f"{where}: recomputed {got!r}, the JSON has {want!r}")


def sheets_of(wb, base):
    out = [base]
    while f"{base} ({len(out) + 1})" in wb.sheetnames:
        out.append(f"{base} ({len(out) + 1})")
    return out


def read_table(wb, base):
    """The rows of a (possibly continued) table as dicts, skipping the empty placeholder row."""
    rows = []
    header = None
    for name in sheets_of(wb, base):
        it = wb[name].iter_rows(values_only=True)
        h = list(next(it))
        while h and h[-1] is None:
            h.pop()
        if header is None:
            header = h
        elif h != header:
            fail(f"{name}: header {h} differs from {base}'s")
        for r in it:
            r = dict(zip(header, r))
            if any(v not in (None, "") for v in r.values()):
                rows.append(r)
    return rows


def day(v):
    if v is None:
        return None
    return v.date() if isinstance(v, datetime.datetime) else v


# ---- periods ---------------------------------------------------------------------------------

def period_of(d, length):
    if length == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if length == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year:04d}"


def period_bounds(label, length):
    """First day and the day after the last of a period label."""
    y = int(label[:4])
    if length == "month":
        m = int(label[5:7])
        first = datetime.date(y, m, 1)
        nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    elif length == "quarter":
        q = int(label[-1])
        first = datetime.date(y, 3 * q - 2, 1)
        nxt = datetime.date(y + (q == 4), (3 * q) % 12 + 1, 1)
    else:
        first, nxt = datetime.date(y, 1, 1), datetime.date(y + 1, 1, 1)
    return first, nxt


# ---- statistics, from metrics.md -----------------------------------------------------------

Z = 1.959964
SETTINGS = {}


def wilson(s, n):
    p = s / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def significant(s1, n1, s2, n2):
    if n1 <= 0 or n2 <= 0:
        return False
    pooled = (s1 + s2) / (n1 + n2)
    if pooled <= 0 or pooled >= 1:
        return False
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return abs((s1 / n1 - s2 / n2) / se) >= Z


def percentile_inc(v, p):
    v = sorted(v)
    rank = p * (len(v) - 1)
    lo = math.floor(rank)
    if lo + 1 >= len(v):
        return v[-1]
    return v[lo] + (rank - lo) * (v[lo + 1] - v[lo])


def rate(a, b):
    return a / b if b else None


# ---- the figures ---------------------------------------------------------------------------

class Book:
    def __init__(self, path):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.sheetnames = wb.sheetnames
        st = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True) if r[0]}
        self.settings = st
        self.cases = read_table(wb, "Cases")
        self.touches = read_table(wb, "Touches")
        self.customers = read_table(wb, "Customers")
        self.trend = read_table(wb, "Trend")
        self.heat = read_table(wb, "Heat map")
        # The KPI table and the one beside it share the header row: read the second by its header.
        rows = list(wb["KPIs"].iter_rows(values_only=True))
        hdr = list(rows[0])
        at = hdr.index("Journey served") - 3
        self.served = []
        for r in rows[1:]:
            d = dict(zip(hdr[at:at + 6], r[at:at + 6]))
            if any(v is not None for v in d.values()):
                self.served.append(d)
        wb.close()


def figures(cases, P, prev, length, cust, window, last_day):
    """The journey figures of metrics.md over the listed cases (those of one journey, goal or all)."""
    first, nxt = period_bounds(P, length)
    conc = [c for c in cases if c["Period concluded"] == P]
    prevc = [c for c in cases if c["Period concluded"] == prev]
    f = {}
    f["cases_started"] = sum(1 for c in cases if first <= c["Start"].date() < nxt)
    f["cases_concluded"] = len(conc)
    for o in ("achieved", "failed", "abandoned"):
        f[o] = sum(1 for c in conc if c["Outcome"] == o)
    f["open"] = sum(1 for c in cases if c["Outcome"] == "open")
    f["successful"] = sum(1 for c in conc if c["SCO"] is True)
    f["sco_rate"] = rate(f["successful"], f["cases_concluded"])
    f["sco_ci_low"], f["sco_ci_high"] = wilson(f["successful"], len(conc)) if conc else (None, None)
    f["prev_cases_concluded"] = len(prevc)
    f["prev_successful"] = sum(1 for c in prevc if c["SCO"] is True)
    f["prev_sco_rate"] = rate(f["prev_successful"], len(prevc))
    year_before = str(int(P[:4]) - 1) + P[4:]
    yb = [c for c in cases if c["Period concluded"] == year_before]
    f["prev_year_cases_concluded"] = len(yb)
    f["prev_year_successful"] = sum(1 for c in yb if c["SCO"] is True)
    f["prev_year_sco_rate"] = rate(f["prev_year_successful"], len(yb))
    f["sco_change_pts"] = (None if f["sco_rate"] is None or f["prev_sco_rate"] is None
                           else (f["sco_rate"] - f["prev_sco_rate"]) * 100)
    f["change_significant"] = significant(f["successful"], len(conc), f["prev_successful"], len(prevc))
    days = [c["Days"] for c in conc if c["Outcome"] == "achieved"]
    f["median_days"] = percentile_inc(days, 0.5) if days else None
    f["p90_days"] = percentile_inc(days, 0.9) if days else None
    for k, h in (("contacts", "Contacts"), ("failure_contacts", "Failure contacts"), ("handoffs", "Hand-offs")):
        f[k] = sum(c[h] for c in conc)
    f["contacts_per_case"] = rate(f["contacts"], len(conc))
    f["failure_demand_share"] = rate(f["failure_contacts"], f["contacts"])
    f["handoffs_per_case"] = rate(f["handoffs"], len(conc))
    cost = SETTINGS.get("failure_contact_cost")
    f["failure_demand_cost"] = None if cost is None else f["failure_contacts"] * cost
    # Customers: from the Customers sheet and the churn window of Settings, not the case's columns.
    if cust is None:
        f["customers_lost"] = f["value_lost"] = f["value_at_risk"] = None
    else:
        lost, unsucc = set(), set()
        for c in conc:
            cu = cust.get(c["Customer"])
            if c["SCO"] is True or cu is None:
                continue
            unsucc.add(c["Customer"])
            if left_within(c, cu, window):
                lost.add(c["Customer"])
        f["customers_lost"] = len(lost)
        f["value_lost"] = sum(cust[k]["Annual value"] for k in lost)
        f["value_at_risk"] = sum(cust[k]["Annual value"] for k in unsucc - lost
                                 if (cust[k]["Joined"] is None or day(cust[k]["Joined"]) <= last_day)
                                 and (cust[k]["Left"] is None or day(cust[k]["Left"]) > last_day))
    # The trend: every period up to P with concluded cases, the last 8.
    by = collections.defaultdict(lambda: [0, 0])
    for c in cases:
        p = c["Period concluded"]
        if p is not None and p <= P:
            by[p][0] += 1
            by[p][1] += c["SCO"] is True
    f["trend"] = [dict(period=p, cases_concluded=n, successful=s, sco_rate=s / n)
                  for p, (n, s) in sorted(by.items())][-8:]
    return f


def left_within(c, cu, window):
    """metrics.md: the customer left on or after the case end's UTC date and at most window days after."""
    if cu["Left"] is None:
        return False
    end, left = c["End"].date(), day(cu["Left"])
    return end <= left <= end + datetime.timedelta(days=window)


def compare_figures(where, got, want):
    for k, v in got.items():
        if k == "trend":
            if [p["period"] for p in v] != [p["period"] for p in want.get("trend", [])]:
                fail(f"{where}: trend periods {[p['period'] for p in v]}, the JSON has "
                     f"{[p['period'] for p in want.get('trend', [])]}")
                continue
            for a, b in zip(v, want["trend"]):
                for kk in ("cases_concluded", "successful", "sco_rate"):
                    if kk in b:
                        cmp(f"{where} trend {a['period']} {kk}", a[kk], b[kk])
            continue
        if k not in want:
            continue
        cmp(f"{where} {k}", v, want[k])


def main():
    m = json.load(open(sys.argv[1], encoding="utf-8"))
    b = Book(sys.argv[2])
    st = b.settings
    SETTINGS.update(st)
    length, P, prev = st["period_length"], m["period"], m["previous_period"]
    window = st["churn_window_days"]
    first, nxt = period_bounds(P, length)
    last_day = nxt - datetime.timedelta(days=1)
    have_customers = m["totals"].get("customers_start") is not None
    cust = {c["Customer"]: c for c in b.customers} if have_customers else None
    if not have_customers and b.customers:
        fail("Customers: rows listed though the pack has no customers file")

    # Each case's row is consistent in itself: its period is its end's, its SCO follows from its
    # outcome, days and promise, the customer columns are those of the Customers sheet.
    ids = set()
    for c in b.cases:
        if c["Case"] in ids:
            fail(f"Cases: {c['Case']} listed twice")
        ids.add(c["Case"])
        if c["Outcome"] == "open":
            if c["Period concluded"] is not None or c["SCO"] is not None:
                fail(f"Cases: open case {c['Case']} has a period or an SCO")
            continue
        if c["Period concluded"] != period_of(c["End"], length):
            fail(f"Cases: {c['Case']} concluded {c['End']} but is in period {c['Period concluded']}")
        within = None if c["Promise days"] is None else c["Days"] <= c["Promise days"]
        if c["Within promise"] is not within:
            fail(f"Cases: {c['Case']} within promise {c['Within promise']!r}, expected {within!r}")
        cu = cust.get(c["Customer"]) if cust else None
        if cu is not None:
            if c["Annual value"] != cu["Annual value"] or c["Left"] != cu["Left"] or c["Segment"] != cu["Segment"]:
                fail(f"Cases: {c['Case']}'s customer columns differ from the Customers sheet")
            if c["Left within window"] is not left_within(c, cu, window):
                fail(f"Cases: {c['Case']} left within window {c['Left within window']!r}")
        elif c["Left within window"] is not None:
            fail(f"Cases: {c['Case']} has Left within window without a known customer")

    # Journeys, goals, the whole.
    by_journey = collections.defaultdict(list)
    by_goal = collections.defaultdict(list)
    for c in b.cases:
        by_journey[c["Journey"]].append(c)
        by_goal[c["Goal"]].append(c)
    for j in m["journeys"]:
        compare_figures(f"journey {j['journey']}",
                        figures(by_journey.get(j["journey"], []), P, prev, length, cust, window, last_day), j)
    for g in m["goals"]:
        compare_figures(f"goal {g['goal'][:30]}",
                        figures(by_goal.get(g["goal"], []), P, prev, length, cust, window, last_day), g)
    t = m["totals"]
    compare_figures("totals", figures(b.cases, P, prev, length, cust, window, last_day), t)

    # Growth and churn (totals), from the Customers sheet and the cases concluded in P.
    if have_customers:
        cs = b.customers
        joined = lambda c: None if c["Joined"] is None else day(c["Joined"])
        left = lambda c: None if c["Left"] is None else day(c["Left"])
        start = [c for c in cs if (joined(c) is None or joined(c) < first) and (left(c) is None or left(c) >= first)]
        end = [c for c in cs if (joined(c) is None or joined(c) <= last_day) and (left(c) is None or left(c) > last_day)]
        cmp("totals customers_start", len(start), t["customers_start"])
        cmp("totals customers_end", len(end), t["customers_end"])
        cmp("totals value_end", sum(c["Annual value"] for c in end), t["value_end"])
        cmp("totals joiners", sum(1 for c in cs if joined(c) is not None and first <= joined(c) <= last_day), t["joiners"])
        cmp("totals leavers", sum(1 for c in cs if left(c) is not None and first <= left(c) <= last_day), t["leavers"])
        conc = [c for c in b.cases if c["Period concluded"] == P and c["Customer"] in cust]
        for sco, known, gone, share in ((True, "sco_cases_known", "sco_cases_left", "churn_after_sco"),
                                        (False, "unsuccessful_cases_known", "unsuccessful_cases_left",
                                         "churn_after_unsuccessful")):
            k = [c for c in conc if (c["SCO"] is True) == sco]
            n_left = sum(1 for c in k if left_within(c, cust[c["Customer"]], window))
            cmp(f"totals {known}", len(k), t.get(known))
            cmp(f"totals {gone}", n_left, t.get(gone))
            cmp(f"totals {share}", rate(n_left, len(k)), t.get(share))

    # Departments and the heat map, pivoting Touches joined to Cases by case id.
    case = {c["Case"]: c for c in b.cases}
    touched = collections.defaultdict(lambda: [0, 0, 0])  # department: cases, successful, failures
    heat = collections.defaultdict(lambda: [0, 0])  # (journey, department): cases, successful
    for r in b.touches:
        c = case.get(r["Case"])
        if c is None:
            fail(f"Touches: case {r['Case']} is not on the Cases sheet")
            continue
        if (r["Journey"], r["Period concluded"], r["SCO"]) != (c["Journey"], c["Period concluded"], c["SCO"]):
            fail(f"Touches: {r['Case']}'s journey, period or SCO differ from the Cases sheet")
        if c["Period concluded"] != P:
            continue
        d = touched[r["Department"]]
        d[0] += 1
        d[1] += c["SCO"] is True
        d[2] += r["Failure contacts"]
        h = heat[(c["Journey"], r["Department"])]
        h[0] += 1
        h[1] += c["SCO"] is True
    fails_by_case = collections.Counter()
    for r in b.touches:
        fails_by_case[r["Case"]] += r["Failure contacts"]
    for c in b.cases:
        if fails_by_case[c["Case"]] != c["Failure contacts"]:
            fail(f"Touches: {c['Case']}'s failure contacts by department add up to {fails_by_case[c['Case']]}, "
                 f"not {c['Failure contacts']}")
            break
    for d in m["departments"]:
        n, s, f = touched.get(d["department"], [0, 0, 0])
        cmp(f"department {d['department']} cases_touched", n, d["cases_touched"])
        cmp(f"department {d['department']} successful_touched", s, d.get("successful_touched"))
        cmp(f"department {d['department']} sco_rate_touched", rate(s, n), d["sco_rate_touched"])
        cmp(f"department {d['department']} failure_contacts", f, d["failure_contacts"])
    # The workbook's heat map table is the pivot; in the JSON, when it has the cells (breaks[]).
    table = {(r["Journey"], r["Department"]): r for r in b.heat}
    if set(table) != set(heat):
        fail(f"Heat map: cells {sorted(set(table) ^ set(heat))[:5]} differ from the pivot of Touches")
    for key, (n, s) in heat.items():
        r = table.get(key)
        if r:
            cmp(f"heat map {key} cases", r["Cases"], n)
            cmp(f"heat map {key} successful", r["Successful"], s)
            cmp(f"heat map {key} SCO rate", r["SCO rate"], s / n)
    conc_by_journey = collections.Counter()
    succ_by_journey = collections.Counter()
    for c in b.cases:
        if c["Period concluded"] == P:
            conc_by_journey[c["Journey"]] += 1
            succ_by_journey[c["Journey"]] += c["SCO"] is True
    for br in m.get("breaks") or []:
        n, s = heat.get((br["journey"], br["department"]), (0, 0))
        where = f"breaks {br['journey']} / {br['department']}"
        cmp(f"{where} cases", n, br["cases"])
        cmp(f"{where} sco_rate", rate(s, n), br["sco_rate"])
        nu, su = conc_by_journey[br["journey"]] - n, succ_by_journey[br["journey"]] - s
        for k, v in (("cases_untouched", nu), ("successful_untouched", su),
                     ("sco_rate_untouched", rate(su, nu))):
            if k in br:
                cmp(f"{where} {k}", v, br[k])

    # regions[] (the whole organisation's pack): the figures over each region's cases, the
    # customers of the region or of none, as in that region's own pack.
    for rg in m.get("regions") or []:
        rc = [c for c in b.cases if c["Region"] == rg["region"]]
        rcust = None if cust is None else {k: v for k, v in cust.items() if v["Region"] in (None, rg["region"])}
        got = figures(rc, P, prev, length, rcust, window, last_day)
        compare_figures(f"region {rg['region']}", got, rg)

    # Watermelons: green departments whose touched cases of a journey fare below its target.
    greens = {d["department"]: d["green_share"] for d in m["departments"]}
    targets = {j["journey"]: j["sco_target"] for j in m["journeys"]}
    want = []
    for (jn, dn), (n, s) in heat.items():
        g = greens.get(dn)
        if g is not None and g >= st["green_share_threshold"] and n >= st["min_cases"] and s / n < targets[jn]:
            want.append((dn, jn))
    cmp("watermelons", sorted(want), sorted((w["department"], w["journey"]) for w in m["watermelons"]))

    # The Trend sheet: the JSON's trends, with counts.
    rows = {(r["Level"], r["Name"], r["Period"]): r for r in b.trend}
    for level, name, tr in ([("whole", None, t["trend"])] + [("goal", g["goal"], g["trend"]) for g in m["goals"]]
                            + [("journey", j["journey"], j["trend"]) for j in m["journeys"]]):
        for p in tr:
            r = next((v for (lv, nm, pe), v in rows.items() if lv == level and (name is None or nm == name)
                      and pe == p["period"]), None)
            if r is None:
                fail(f"Trend: no row {level} {name} {p['period']}")
                continue
            cmp(f"Trend {level} {name} {p['period']} concluded", r["Cases concluded"], p["cases_concluded"])
            cmp(f"Trend {level} {name} {p['period']} rate", r["SCO rate"], p["sco_rate"])

    # The SCO rate beside each KPI's journeys: the journey's rate recomputed from Cases.
    for r in b.served:
        cs = [c for c in by_journey.get(r["Journey served"], []) if c["Period concluded"] == P]
        want = rate(sum(1 for c in cs if c["SCO"] is True), len(cs)) if r["Journey served"] in targets else None
        cmp(f"KPIs {r['KPI']} / {r['Journey served']} SCO rate", r["Journey SCO rate"], want)

    print(f"{checked} figures recomputed from the workbook's tables ({len(b.cases)} cases on "
          f"{len(sheets_of_names(b.sheetnames, 'Cases'))} sheet(s), {len(b.touches)} touches, "
          f"{len(b.customers)} customers); {len(failures)} disagree with the JSON")
    if failures:
        sys.exit(1)


def sheets_of_names(names, base):
    return [n for n in names if n == base or (n.startswith(base + " (") and n.endswith(")"))]


if __name__ == "__main__":
    main()
