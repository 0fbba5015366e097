#!/usr/bin/env bash
# A text that repeats down a long table is cleaned and escaped once and kept (longrows.c,
# long_shared); a log where almost every case's list of departments is its own keeps 40,000 of
# them. Each must cost about its own length, not a buffer's first 4 KiB (160 MB here, as it did):
# the workbook of 40,000 cases with 40,000 department lists is built in at most 25 MB more than
# the same cases passing through the same two departments (not checked under AddressSanitizer,
# whose quarantine of freed blocks and padding make the figure meaningless).
set -eu
"$PYTHON" - "$WORK" <<'PY'
import datetime, os, sys
work = sys.argv[1]
start = datetime.datetime(2026, 1, 1)
for name in ("same", "own"):
    os.makedirs(f"{work}/{name}", exist_ok=True)
    with open(f"{work}/{name}/journeys.csv", "w") as f:
        f.write("case_id,journey,timestamp,department,touchpoint,outcome\n")
        for c in range(40000):
            depts = ("A", "B") if name == "same" else (f"Team {c % 200}", f"Unit {c // 200}")
            for i in range(3):
                t = (start + datetime.timedelta(minutes=c, hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                f.write(f"C{c:05d},Moving home,{t},{depts[i % 2]},Call,"
                        f"{'achieved' if i == 2 else ''}\n")
    with open(f"{work}/{name}/kpis.csv", "w") as f:
        f.write("period,department,kpi,actual,target\n2026-Q1,A,Calls,1,1\n")
    with open(f"{work}/{name}/pack.ini", "w") as f:
        f.write("[inputs]\njourneys = journeys.csv\nkpis = kpis.csv\n")
PY
for v in same own; do
	/usr/bin/time -f %M -o "$WORK/$v.rss" "$BOARDPACK" build "$WORK/$v/pack.ini" --out "$WORK/$v/out" \
		--no-pdf --quiet || { echo "$v: build failed"; exit 1; }
done
"$PYTHON" - "$WORK/own/out/board-pack-2026-Q1.xlsx" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["Cases"]
hdr = next(ws.iter_rows(max_row=1, values_only=True))
col = hdr.index("Departments")
lists = {r[col] for r in ws.iter_rows(min_row=2, values_only=True)}
if len(lists) < 39000:
    sys.exit(f"only {len(lists)} distinct department lists on Cases: the fixture is wrong")
PY
same=$(tail -n 1 "$WORK/same.rss") own=$(tail -n 1 "$WORK/own.rss")
bound=25600
echo "peak memory: one department list $same KB, 40,000 lists $own KB (bound: $bound KB more)"
case $BOARDPACK in */asan/*) exit 0 ;; esac
[ $((own - same)) -le $bound ] || { echo "40,000 department lists took $((own - same)) KB more"; exit 1; }
