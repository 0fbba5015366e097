#!/usr/bin/env bash
# A regional pack belongs to its region (pack.md): with --split-by region, no case id, customer id
# or row of another region appears anywhere in a regional pack's PDF (pdftotext), workbook (every
# XML part of it, unzipped) or JSON; its coverage counts are its own (computed here from the
# rows, by the rule "a row belongs to the region its own region field names"); a row whose region
# cannot be read, and a case with no region, appear in the whole organisation's pack only.
# The fixture has cases whose rows disagree on region, rejected rows with a readable region (one
# naming another region's case), rows with an unreadable region (a wrong field count; invalid
# UTF-8 in the region field), cases with no region, unknown customers and a rejected customer.
set -eu
mkdir -p "$WORK/in"
"$PYTHON" - "$WORK/in" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
regions = {"NOR": "North", "SOU": "South", "IDF": "Île-de-France"}
ev = [["case_id", "journey", "timestamp", "department", "customer_id", "touchpoint", "demand", "outcome", "region"]]
raw = []          # lines written as bytes, after the csv rows (hostile ones)
owner = {}        # id -> the pack that may show it: a region code, or "WHOLE"
rows_by = {}      # region name -> data rows of journeys.csv whose own region field names it
rej_by = {}       # region name -> of which rejected
def add(row, region_field, rejected=False):
    ev.append(row)
    if region_field:
        rows_by[region_field] = rows_by.get(region_field, 0) + 1
        if rejected:
            rej_by[region_field] = rej_by.get(region_field, 0) + 1
for code, name in regions.items():
    for n in range(1, 41):
        cid, cust = f"{code}-C{n:04d}", f"{code}-U{n:03d}"
        owner[cid] = owner[cust] = code
        day = 1 + n % 27
        journey = "Moving home" if n % 2 else "Fault fix"
        add([cid, journey, f"2026-08-{day:02d}T09:00:00Z", "Sales", cust, "Order", "", "", name], name)
        add([cid, journey, f"2026-08-{day:02d}T12:00:00Z", "Billing", cust, "Chaser", "failure" if n % 5 == 0 else "", "", name], name)
        outcome = "achieved" if n % 3 else "failed"
        add([cid, journey, f"2026-09-{day:02d}T09:00:00Z", "Field Ops", cust, "Done", "", outcome, name], name)
# a case whose later row names another region: the case is North's (its first row)
add(["NOR-C0005", "Moving home", "2026-09-28T10:00:00Z", "Billing", "NOR-U005", "Late call", "failure", "", "South"], "South")
# rejected rows with a readable region: their own region's
owner["SOU-R0001"] = "SOU"
add(["SOU-R0001", "Moving home", "2026-13-01", "Sales", "SOU-U900", "Order", "", "", "South"], "South", True)
owner["SOU-U900"] = "SOU"
owner["IDF-R0002"] = "IDF"
add(["IDF-R0002", "Fault fix", "2026-08-02", "Sales", "", "Order", "maybe", "", "Île-de-France"], "Île-de-France", True)
# a rejected row naming South but carrying a North case's id: never in South's pack
add(["NOR-C0007", "Moving home", "not a date", "Sales", "NOR-U007", "Order", "", "", "South"], "South", True)
# cases with no region: the whole organisation's only
for n in range(1, 4):
    cid = f"NON-C{n:04d}"
    owner[cid] = "WHOLE"
    ev.append([cid, "Fault fix", f"2026-08-1{n}T09:00:00Z", "Sales", "", "Order", "", "achieved", ""])
# unknown customers (not in customers.csv), one per region
for code, name in regions.items():
    cid, cust = f"{code}-C0099", f"{code}-X099"
    owner[cid] = owner[cust] = code
    add([cid, "Fault fix", "2026-08-20T09:00:00Z", "Sales", cust, "Order", "", "achieved", name], name)
with open(f"{d}/journeys.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(ev)
with open(f"{d}/journeys.csv", "ab") as f:
    # unreadable region: a wrong field count, and invalid UTF-8 in the region field
    f.write(b"UNR-C0001,Fault fix,2026-08-03,Sales,UNR-U001,Order,,,North,extra\n")
    f.write(b"UNR-C0002,Fault fix,2026-08-04,Sales,UNR-U002,Order,,,Sou\xffth\n")
owner["UNR-C0001"] = owner["UNR-U001"] = owner["UNR-C0002"] = owner["UNR-U002"] = "WHOLE"

cu = [["customer_id", "segment", "region", "annual_value", "joined", "left"]]
cust_rows = {}
for code, name in regions.items():
    for n in range(1, 41):
        left = "2026-10-15" if n % 3 == 0 else ""
        cu.append([f"{code}-U{n:03d}", "Home", name, str(100 * n), "2020-01-01", left])
        cust_rows[name] = cust_rows.get(name, 0) + 1
# a duplicate customer row, naming another region: rejected, and never in South's pack
cu.append(["NOR-U001", "Home", "South", "5", "", ""])
cust_rows["South"] += 1
with open(f"{d}/customers.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(cu)

kp = [["period", "department", "kpi", "actual", "target", "region"],
      ["2026-Q3", "Sales", "Orders on time", "95", "90", ""],
      ["2026-Q3", "Billing", "Bills on time", "99", "98", ""],
      ["2026-Q3", "Field Ops", "Jobs done", "80", "90", "North"],
      ["2026-Q3", "Field Ops", "Jobs done", "97", "90", "South"]]
with open(f"{d}/kpis.csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(kp)
with open(f"{d}/pack.ini", "w") as f:
    f.write("[pack]\norganisation = Scope Test\nmin_cases = 5\n[inputs]\njourneys = journeys.csv\n"
            "kpis = kpis.csv\ncustomers = customers.csv\n")
json.dump({"owner": owner, "rows": rows_by, "rejected": rej_by, "customers": cust_rows,
           "regions": regions}, open(f"{d}/expect.json", "w"))
PY
"$BOARDPACK" build "$WORK/in/pack.ini" --period 2026-Q3 --out "$WORK/out" --split-by region --json --quiet
"$PYTHON" - "$WORK/in/expect.json" "$WORK/out" <<'PY'
import json, os, re, subprocess, sys, zipfile
exp = json.load(open(sys.argv[1])); out = sys.argv[2]
owner, regions = exp["owner"], exp["regions"]
slugs = {"NOR": "north", "SOU": "south", "IDF": "ile-de-france"}
fail = []
def texts(stem):
    j = open(f"{out}/{stem}.json", encoding="utf-8").read()
    p = subprocess.run(["pdftotext", f"{out}/{stem}.pdf", "-"], capture_output=True, text=True, check=True).stdout
    z = zipfile.ZipFile(f"{out}/{stem}.xlsx")
    x = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))
    return {"json": j, "pdf": p, "xlsx": x}
whole = texts("board-pack-2026-Q3")
# every id is somewhere in the whole organisation's pack (the JSON or the workbook)
for i in owner:
    if i not in whole["json"] and i not in whole["xlsx"]:
        fail.append(f"whole organisation: {i} appears nowhere")
for code, name in regions.items():
    stem = f"board-pack-2026-Q3-{slugs[code]}"
    t = texts(stem)
    for kind, s in t.items():
        for i, o in owner.items():
            if o != code and re.search(r"(?<![A-Z0-9-])" + re.escape(i) + r"(?![0-9])", s):
                fail.append(f"{name} {kind}: shows {i} (of {o})")
    own = [i for i, o in owner.items() if o == code]
    if not any(i in t["json"] for i in own):
        fail.append(f"{name}: none of its own ids in its JSON")
    d = json.loads(t["json"])
    f = d["data_quality"]["files"]
    # the South row carrying North's case id is moved to the whole organisation's pack
    want = exp["rows"].get(name, 0) - (1 if code == "SOU" else 0)
    if f["journeys.csv"]["rows_read"] != want:
        fail.append(f"{name}: journeys.csv rows_read {f['journeys.csv']['rows_read']}, by the rows {want}")
    if f["journeys.csv"]["rows_rejected"] != exp["rejected"].get(name, 0) - (1 if code == "SOU" else 0):
        fail.append(f"{name}: journeys.csv rows_rejected {f['journeys.csv']['rows_rejected']}")
    if f["customers.csv"]["rows_read"] != exp["customers"][name] - (1 if code == "SOU" else 0):
        fail.append(f"{name}: customers.csv rows_read {f['customers.csv']['rows_read']}")
    kpis_expected = 2 + (1 if code in ("NOR", "SOU") else 0)
    if f["kpis.csv"]["rows_read"] != kpis_expected:
        fail.append(f"{name}: kpis.csv rows_read {f['kpis.csv']['rows_read']}, expected {kpis_expected}")
    if d["data_quality"]["rows_read"] != sum(v["rows_read"] for v in f.values()):
        fail.append(f"{name}: rows_read is not the sum of its files'")
    # the coverage table of the PDF shows the region's counts, not the whole organisation's
    total = whole and json.loads(whole["json"])["data_quality"]["rows_read"]
    if f"{total:,}" in t["pdf"] or f"{total:,}".replace(",", "\u202f") in t["pdf"]:
        fail.append(f"{name}: its PDF shows the whole organisation's {total} rows read")
    flat = " ".join(t["pdf"].split())
    # Île-de-France has company-wide KPIs only; North and South have their own Field Ops score too
    want_words = ("Company-wide dashboards were",) if code == "IDF" else (
        f"{name}'s own and company-wide", "Bills on time (company-wide)")
    for words in want_words:
        if words not in flat:
            fail.append(f"{name}: its PDF does not say '{words}'")
    if name not in t["pdf"].split("\f")[1]:
        fail.append(f"{name}: the running header of page 2 does not name the region")
w = json.loads(whole["json"])
if w["data_quality"]["rows_read"] != sum(exp["rows"].values()) + 3 + 2 + sum(exp["customers"].values()) + 4:
    fail.append(f"whole: rows_read {w['data_quality']['rows_read']}")
if [r["region"] for r in w["regions"]] == [] or {r["region"] for r in w["regions"]} != set(regions.values()):
    fail.append(f"whole: regions[] {[r['region'] for r in w['regions']]}")
# each entry of regions[] is the region's own pack's journey figures
for r in w["regions"]:
    code = next(c for c, n in regions.items() if n == r["region"])
    t = json.load(open(f"{out}/board-pack-2026-Q3-{slugs[code]}.json"))["totals"]
    for k, v in r.items():
        if k != "region" and t.get(k) != v:
            fail.append(f"regions[] {r['region']}.{k}: {v}, its pack says {t.get(k)}")
rates = [r["sco_rate"] for r in w["regions"] if r["sco_rate"] is not None]
if rates != sorted(rates):
    fail.append(f"regions[] not worst first: {rates}")
for f in fail:
    print(f)
sys.exit(1 if fail else 0)
PY
