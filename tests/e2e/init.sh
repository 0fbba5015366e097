#!/usr/bin/env bash
# boardpack init (cli.md, second edition): on the demo's files, on a pm4py-style CSV export, on
# an XES log and on a KPI workbook it writes a PACK.ini on which check exits 0, recognising
# the files' roles and columns, sniffing delimiter, decimal mark and date order, listing the
# most frequent touchpoints as commented [rules] candidates and one [journey] section per
# journey; it never overwrites a file (exit 3).
set -eu
B=$BOARDPACK
fail() { echo "$*"; exit 1; }

# the demo's files, from another folder: paths are written relative to PACK.ini's folder
mkdir -p demo/data demo/conf
cp "$ROOT"/samples/northwind/*.csv demo/data/
"$B" init demo/data/kpis.csv demo/data/customers.csv demo/data/journeys.csv --out demo/conf/pack.ini >demo.out 2>&1 ||
	{ cat demo.out demo/conf/pack.ini; fail "init on the demo's files"; }
ini=demo/conf/pack.ini
grep -qx 'journeys = ../data/journeys.csv' $ini || fail "journeys not found: $(cat $ini)"
grep -qx 'kpis = ../data/kpis.csv' $ini || fail "kpis not found"
grep -qx 'customers = ../data/customers.csv' $ini || fail "customers not found"
grep -q '^delimiter = comma ' $ini && grep -q '^decimal = \. ' $ini && grep -q '^date_order = iso ' $ini ||
	fail "sniffing"
for j in "Switching to Northwind" "Getting a fault fixed" "Moving home" "Paying a bill without surprises" \
	"Getting a smart meter installed"; do
	grep -qx "\[journey \"$j\"\]" $ini || fail "no section for $j"
done
! grep -q '^\[columns\.' $ini || fail "the demo's columns are the contract's: nothing to map"
! grep -q '^\[defaults\]' $ini || fail "the demo needs no defaults"
grep -q '^;   Bill issued (' $ini || fail "touchpoints not listed"
tail -n 1 demo.out | grep -q '0 rejected' || { cat demo.out; fail "check"; }
awk 'length > 198 { exit 1 }' $ini || fail "a line too long for PACK.ini"

# never overwrites: exit 3, the file as it was
sum=$(md5sum <$ini)
set +e; "$B" init demo/data/kpis.csv demo/data/journeys.csv --out $ini >again.out 2>&1; rc=$?; set -e
[ $rc -eq 3 ] || { cat again.out; fail "overwrite: exit $rc, expected 3"; }
grep -q "the file exists already, and init never overwrites one" again.out || fail "$(cat again.out)"
[ "$(md5sum <$ini)" = "$sum" ] || fail "the existing file was changed"

# a pm4py-style CSV (semicolons, decimal commas, day-first dates, XES keys, a blank resource)
mkdir -p pm && cd pm
printf 'case:concept:name;concept:name;time:timestamp;org:resource;lifecycle:transition;case:RequestedAmount\n' >loan_log.csv
printf 'A-%d;Application submitted;0%d/07/2026 09:00;User_1;complete;1500,5\n' 1 1 2 2 3 3 >>loan_log.csv
printf 'A-%d;Loan paid out;2%d/07/2026 09:00;;complete;1500,5\n' 1 1 2 2 >>loan_log.csv
printf 'A-3;Application declined;14/07/2026 09:00;User_2;complete;900,25\n' >>loan_log.csv
printf 'period;department;kpi;actual;target\n2026-Q3;User_1;Applications handled;12,5;10\n' >scores.csv
"$B" init loan_log.csv scores.csv >init.out 2>&1 || { cat init.out pack.ini; fail "init on a pm4py CSV"; }
for l in 'journeys = loan_log.csv' 'kpis = scores.csv' 'case_id = case:concept:name' 'timestamp = time:timestamp' \
	'department = org:resource' 'touchpoint = concept:name'; do
	grep -qx "$l" pack.ini || { cat pack.ini; fail "pm4py: no line $l"; }
done
grep -q '^delimiter = semicolon ' pack.ini && grep -q '^decimal = , ' pack.ini && grep -q '^date_order = dmy ' pack.ini ||
	{ cat pack.ini; fail "pm4py: sniffing"; }
grep -q '^journey = Loan log ' pack.ini && grep -q '^department = Unassigned ' pack.ini || { cat pack.ini; fail "pm4py: defaults"; }
grep -qx ';achieved = Loan paid out' pack.ini && grep -qx ';failed = Application declined' pack.ini ||
	{ cat pack.ini; fail "pm4py: rule candidates"; }
grep -qx '\[journey "Loan log"\]' pack.ini || fail "pm4py: journey section"
cd ..

# an XES log and a KPI workbook whose first sheet is a note, not the table
mkdir -p xes && cd xes
"$PYTHON" - "$ROOT/tests/cases/xes-log/log.xes" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\t\t<event>\n(?:(?!</event>).)*2026-07-32(?:(?!</event>).)*</event>\n", "", text, flags=re.S)
assert "07-32" not in text
open("log.xes", "w").write(text)
import openpyxl
wb = openpyxl.Workbook()
wb.active.title = "Read me"  # the scores are on the second sheet: init looks further
wb.active["A1"] = "Scores for Q3, by team"
ws = wb.create_sheet("Scores")
ws.append(["Period", "Team", "Metric", "Score", "Goal"])
ws.append(["2026-Q3", "Risk", "Decisions in 2 days", 0.92, 0.9])
ws["D2"].number_format = ws["E2"].number_format = "0%"
wb.save("scores.xlsx")
PY
"$B" init log.xes scores.xlsx --out loans.ini >init.out 2>&1 || { cat init.out loans.ini; fail "init on an XES log"; }
for l in 'journeys = log.xes' 'kpis = scores.xlsx' 'case_id = case:concept:name' 'customer_id = case:customer' \
	'sheet = Scores' 'department = Team' 'kpi = Metric' 'actual = Score' 'target = Goal'; do
	grep -qx "$l" loans.ini || { cat loans.ini; fail "xes: no line $l"; }
done
grep -q '^journey = Log ' loans.ini || fail "xes: journey default"
tail -n 1 init.out | grep -q ' 0 rejected' || { cat init.out; fail "xes: check"; }

# nothing recognisable: init says so, and check fails on what it wrote (no kpis)
cd .. && printf 'a,b\n1,2\n' >odd.csv
set +e; "$B" init odd.csv --out odd.ini >odd.out 2>&1; rc=$?; set -e
[ $rc -eq 1 ] || { cat odd.out; fail "unrecognised: exit $rc"; }
grep -q '^; odd.csv: not recognised as an event log, KPIs or customers' odd.ini || fail "$(cat odd.ini)"
echo ok
