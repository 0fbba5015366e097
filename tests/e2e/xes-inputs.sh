#!/usr/bin/env bash
# XES event logs (data-contract.md, "Files as departments send them"): the log of
# tests/cases/xes-log gives the same JSON whether read as .xes, as .xes.gz, or as the CSV a
# process-mining tool exports of it (only the file names, the places of messages and the
# inputs' checksums differ); a truncated .xes.gz, XML that is not well formed, a document
# that is not an XES log and a log lacking a required attribute are input errors (exit 2)
# naming the file (and line:col); memory grows with the cases, not with the file.
set -eu
case_dir=$ROOT/tests/cases/xes-log
cp "$case_dir/log.xes" "$case_dir/pack.ini" .
mkdir -p _data && cp "$ROOT/tests/cases/_data/kpis.csv" _data/ && sed -i 's#\.\./_data#_data#' pack.ini
run() { # pack.ini out → JSON with the file name and the inputs masked
	"$BOARDPACK" build "$1" --period 2026-Q3 --out "$2" --json --no-pdf --no-xlsx --quiet
	"$PYTHON" - "$2"/board-pack-2026-Q3.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("inputs", None)
q = d["data_quality"]
for k in ("issues", "notes", "files"):
    q.pop(k, None)
for g in d["goals"]:  # a story row's line is the file's: the CSV's line, the XES event's
    for r in (g.get("customer_journey") or {}).get("rows") or []:
        r.pop("line")
print(json.dumps(d, indent=1, sort_keys=True))
PY
}
run pack.ini xes >xes.json

# the CSV a process-mining tool exports from it (pm4py's names), written independently
cat >journeys.csv <<'CSV'
case:concept:name,case:customer,concept:name,lifecycle:transition,org:resource,time:timestamp
A-1,C1,Application submitted,complete,Intake,2026-07-01T09:00:00.000+02:00
A-1,C1,Check affordability,start,Risk,2026-07-01T23:30:00-01:00
A-1,C1,Check affordability,complete,Risk,2026-07-02T10:00:00Z
A-1,C1,Loan paid out,complete,Payments,2026-07-04T08:00:00+00:00
A-2,C2,Application submitted,,Intake,2026-07-03T12:00:00+01:00
A-2,C2,Customer chased,,,2026-07-05T12:00:00+01:00
A-2,C2,Application declined,,Risk,2026-07-06T16:00:00+01:00
A-3,,Application submitted,,Intake,2026-07-32T12:00:00
A-3,,Application submitted,,Intake,2026-07-08T12:00:00
CSV
sed 's/journeys = log.xes/journeys = journeys.csv/' pack.ini >csv.ini
run csv.ini csv >csv.json
diff -u csv.json xes.json || { echo "XES and its CSV export disagree"; exit 1; }
grep -q '"line": 9' csv/board-pack-2026-Q3.json # the CSV names its own line

gzip -9 -c log.xes >log.xes.gz
sed 's/journeys = log.xes/journeys = log.xes.gz/' pack.ini >gz.ini
run gz.ini gz >gz.json
diff -u xes.json gz.json || { echo ".xes.gz and .xes disagree"; exit 1; }
grep -q '"file": "log.xes.gz", "line": 70, "column": 4\|"line": 70' gz/board-pack-2026-Q3.json

expect_fail() { # ini pattern
	set +e
	"$BOARDPACK" check "$1" >out.txt 2>&1
	rc=$?
	set -e
	[ $rc -eq 2 ] || { echo "$1: exit $rc, expected 2"; cat out.txt; exit 1; }
	grep -q -- "$2" out.txt || { echo "$1: expected: $2"; cat out.txt; exit 1; }
}
# truncated: the gzip stream cut short, even where the XML inside happens to be complete
size=$(stat -c %s log.xes.gz)
head -c $((size - 8)) log.xes.gz >cut.xes.gz # only the trailer (CRC and length) lost
sed 's/journeys = log.xes/journeys = cut.xes.gz/' pack.ini >cut.ini
expect_fail cut.ini '^boardpack: cut.xes.gz: error: the compressed event log is truncated'
head -c $((size / 2)) log.xes.gz >half.xes.gz
sed 's/journeys = log.xes/journeys = half.xes.gz/' pack.ini >half.ini
expect_fail half.ini '^boardpack: half.xes.gz: error: the compressed event log is truncated'

# not well-formed: a tag closed wrongly on line 20
sed '20s#/>#>#' log.xes >bad.xes
sed 's/journeys = log.xes/journeys = bad.xes/' pack.ini >bad.ini
expect_fail bad.ini '^boardpack: bad.xes:2[0-9]:[0-9]*: error: not well-formed XML: mismatched tag'
# cut in the middle: the XML ends before the log does
head -n 40 log.xes >short.xes
sed 's/journeys = log.xes/journeys = short.xes/' pack.ini >short.ini
expect_fail short.ini '^boardpack: short.xes:41:[0-9]*: error: not well-formed XML: .*is it complete'
# not an XES log
printf '<?xml version="1.0"?>\n<html><body/></html>\n' >page.xes
sed 's/journeys = log.xes/journeys = page.xes/' pack.ini >page.ini
expect_fail page.ini '^boardpack: page.xes:2:1: error: not an XES event log: the document is <html>'
# a required attribute no event has: missing, as a CSV column would be
sed 's/^timestamp = time:timestamp/timestamp = time:stamp/' pack.ini >nomap.ini
expect_fail nomap.ini 'error: missing required column "timestamp": no event of the log has an attribute "time:stamp"; its other attributes are "lifecycle:transition", "time:timestamp"'
# an XES log for the KPIs
sed 's#kpis = _data/kpis.csv#kpis = log.xes#' pack.ini >kpis.ini
set +e; "$BOARDPACK" check kpis.ini >out.txt 2>&1; rc=$?; set -e
[ $rc -eq 2 ] && grep -q 'an XES event log can only be the event log' out.txt || { cat out.txt; exit 1; }

# memory: 20,000 cases of 6 events each, once with short values and once with 600 bytes of padding
# in an ignored attribute per event (a file 4 times larger): the peak differs by little
"$PYTHON" - <<'PY'
import datetime
start = datetime.datetime(2026, 1, 1)
for name, pad in (("small", 0), ("large", 600)):
    with open(f"{name}.xes", "w") as f:
        f.write('<?xml version="1.0"?>\n<log xes.version="1.0">\n')
        for c in range(20000):
            f.write(f'<trace><string key="concept:name" value="C{c}"/>\n')
            for i in range(6):
                t = (start + datetime.timedelta(hours=c % 1000 + i)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
                f.write(f'<event><string key="concept:name" value="step {i}"/>'
                        f'<string key="org:resource" value="{"AB"[i % 2]}"/>'
                        f'<date key="time:timestamp" value="{t}"/>'
                        f'<string key="note" value="{"x" * pad}"/></event>\n')
            f.write('</trace>\n')
        f.write('</log>\n')
PY
for v in small large; do
	printf '[inputs]\njourneys = %s.xes\nkpis = _data/kpis.csv\n[columns.journeys]\ncase_id = case:concept:name\ntimestamp = time:timestamp\ndepartment = org:resource\ntouchpoint = concept:name\n[defaults]\njourney = Loans\n' $v >$v.ini
	/usr/bin/time -f %M -o $v.rss "$BOARDPACK" check $v.ini >$v.out 2>&1 || { cat $v.out; exit 1; }
	grep -q "^$v.xes: 120000 rows read, 0 rejected" $v.out || { cat $v.out; exit 1; }
done
small=$(tail -n 1 small.rss) large=$(tail -n 1 large.rss)
echo "peak memory: $(stat -c %s small.xes) bytes $small KB, $(stat -c %s large.xes) bytes $large KB"
[ $((large - small)) -le 4096 ] || { echo "a larger file of the same cases took $((large - small)) KB more"; exit 1; }
