#!/usr/bin/env bash
# Memory grows with the number of cases, not with the size of the file or its number of rows
# (issue 3): two event logs with the same 2,000 cases, one of 8,000 long rows (10 MB), one of
# 600,000 short rows (40 MB), both sorted by case and both large enough to be parsed in a
# thread of their own, are checked in nearly the same peak memory. Keeping even 8 bytes a row
# would cost the second file 4.8 MB more; the bound is 3 MB (12 MB under AddressSanitizer, whose
# allocator pads every block).
set -eu
"$PYTHON" - "$WORK" <<'PY'
import datetime, os, sys
work = sys.argv[1]
start = datetime.datetime(2026, 1, 1)
for name, per_case, pad in (("few", 4, 1200), ("many", 300, 0)):
    os.makedirs(f"{work}/{name}", exist_ok=True)
    with open(f"{work}/{name}/journeys.csv", "w") as f:
        f.write("case_id,journey,timestamp,department,touchpoint,outcome\n")
        for c in range(2000):
            for i in range(per_case):
                t = (start + datetime.timedelta(hours=3 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
                f.write(f"C{c:05d},Moving home,{t},{'AB'[i % 2]},{'x' * pad},"
                        f"{'achieved' if i == per_case - 1 else ''}\n")
    with open(f"{work}/{name}/kpis.csv", "w") as f:
        f.write("period,department,kpi,actual,target\n2026-Q1,A,Calls,1,1\n")
    with open(f"{work}/{name}/pack.ini", "w") as f:
        f.write("[inputs]\njourneys = journeys.csv\nkpis = kpis.csv\n")
PY
for v in few many; do
	size=$(stat -c %s "$WORK/$v/journeys.csv")
	[ "$size" -ge $((9 * 1024 * 1024)) ] || { echo "$v: $size bytes, too small to be read in a thread"; exit 1; }
	/usr/bin/time -f %M -o "$WORK/$v.rss" "$BOARDPACK" check "$WORK/$v/pack.ini" >"$WORK/$v.out" 2>&1 ||
		{ echo "$v: check failed"; cat "$WORK/$v.out"; exit 1; }
done
grep -q '^journeys.csv: 600000 rows read, 0 rejected' "$WORK/many.out" || { cat "$WORK/many.out"; exit 1; }
few=$(tail -n 1 "$WORK/few.rss") many=$(tail -n 1 "$WORK/many.rss")
bound=3072; case $BOARDPACK in */asan/*) bound=12288 ;; esac
echo "peak memory: 8,000 rows $few KB, 600,000 rows $many KB (bound: $bound KB more)"
[ $((many - few)) -le $bound ] || { echo "75 times the rows took $((many - few)) KB more"; exit 1; }
