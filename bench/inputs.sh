#!/usr/bin/env bash
# Input formats of issue 21, measured roughly: XES parsing speed (MB of uncompressed XML a
# second of CPU, one core: the reading is single-threaded), and XLSX KPI and customer sheets of
# 100,000 rows (seconds). Usage: BOARDPACK=build/boardpack PYTHON=/usr/bin/python3 bench/inputs.sh
# Writes its files to a scratch folder, removed at the end. Reports user CPU and wall time:
# on a shared machine the wall time is the less telling.
set -eu
B=${BOARDPACK:-build/boardpack} P=${PYTHON:-/usr/bin/python3}
case $B in /*) ;; *) B=$PWD/$B ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$P" - <<'PY'
import datetime, random
random.seed(21)
start = datetime.datetime(2025, 1, 1)
acts = ["Application submitted", "Check affordability", "Request documents", "Documents received",
        "Offer sent", "Offer accepted", "Loan paid out"]
with open("log.xes", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8" ?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org/">\n')
    f.write('\t<string key="concept:name" value="bench"/>\n')
    for c in range(60000):
        f.write(f'\t<trace>\n\t\t<string key="concept:name" value="Application_{c:07d}"/>\n'
                f'\t\t<string key="LoanGoal" value="Home improvement"/>\n'
                f'\t\t<float key="RequestedAmount" value="{random.randint(1000, 50000)}.0"/>\n')
        t = start + datetime.timedelta(minutes=c * 7)
        for i, a in enumerate(acts * 2):
            t += datetime.timedelta(minutes=random.randint(5, 3000))
            f.write('\t\t<event>\n'
                    f'\t\t\t<string key="org:resource" value="User_{random.randint(1, 150)}"/>\n'
                    f'\t\t\t<string key="concept:name" value="{a}"/>\n'
                    f'\t\t\t<string key="EventOrigin" value="Application"/>\n'
                    f'\t\t\t<string key="EventID" value="Event_{c}_{i}"/>\n'
                    f'\t\t\t<string key="lifecycle:transition" value="{"start" if i % 2 else "complete"}"/>\n'
                    f'\t\t\t<date key="time:timestamp" value="{t.strftime("%Y-%m-%dT%H:%M:%S.000+01:00")}"/>\n'
                    '\t\t</event>\n')
        f.write('\t</trace>\n')
    f.write('</log>\n')
import openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("KPIs")
ws.append(["period", "department", "kpi", "actual", "target", "direction", "unit"])
for i in range(100000):
    ws.append([f"2026-Q{i % 4 + 1}", f"Dept {i % 40}", f"KPI {i // 160}", random.random() * 100, 80.0, "higher", "%"])
wb.save("kpis.xlsx")
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("Customers")
ws.append(["customer_id", "segment", "region", "annual_value", "joined", "left"])
for i in range(100000):
    ws.append([f"C{i}", "Home", "North", random.randint(100, 5000),
               datetime.datetime(2024, 1, 1) + datetime.timedelta(days=i % 700), None])
wb.save("customers.xlsx")
PY
printf 'case_id,journey,timestamp,department\nA,J,2026-07-01,Sales\n' >j.csv
printf 'period,department,kpi,actual,target\n2026-Q3,Sales,Leads,1,1\n' >k.csv
printf '[inputs]\njourneys = log.xes\nkpis = k.csv\n[columns.journeys]\ncase_id = case:concept:name\ntimestamp = time:timestamp\ndepartment = org:resource\ntouchpoint = concept:name\n[defaults]\njourney = Loans\n' >xes.ini
printf '[inputs]\njourneys = j.csv\nkpis = kpis.xlsx\n' >kpis.ini
printf '[inputs]\njourneys = j.csv\nkpis = k.csv\ncustomers = customers.xlsx\n' >customers.ini
mb=$(( $(stat -c %s log.xes) / 1000000 ))
run() { # name ini
	/usr/bin/time -f "%U %e %M" -o t.txt "$B" check "$2" >/dev/null 2>&1 || { "$B" check "$2"; exit 1; }
	read -r user wall rss <t.txt
	echo "$1: ${user} s CPU, ${wall} s wall, peak ${rss} KB"
	last_user=$user
}
run "XES, $mb MB of XML, 840,000 events in 60,000 traces" xes.ini
echo "XES: $(awk -v mb="$mb" -v s="$last_user" 'BEGIN { printf "%.0f", mb / s }') MB/s of XML per CPU second"
run "XLSX KPI sheet, 100,000 rows" kpis.ini
run "XLSX customer sheet, 100,000 rows" customers.ini
