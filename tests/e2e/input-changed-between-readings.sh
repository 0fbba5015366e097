#!/usr/bin/env bash
# A log with a case out of order is read twice (docs/inputs.md, "Row order"). If the file changes
# between the two readings — here a row is appended while strace holds the second open() back —
# the run stops with exit 2 and says so, instead of deriving the case from rows the first reading
# never checked. The same delay without a change builds normally.
set -eu
mkdir -p "$WORK/in"
cd "$WORK/in"
cat >journeys.csv <<'EOF'
case_id,journey,timestamp,department,outcome
A,Moving home,2026-07-02,Sales,
B,Moving home,2026-07-01,Sales,achieved
A,Moving home,2026-07-01,Billing,achieved
EOF
printf 'period,department,kpi,actual,target\n2026-Q3,Sales,Calls,1,1\n' >kpis.csv
printf '[inputs]\njourneys = journeys.csv\nkpis = kpis.csv\n' >pack.ini
# The second open of journeys.csv (the first is the first reading) waits 4 s. LeakSanitizer cannot
# run under ptrace.
held() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o /dev/null -P journeys.csv \
		-e trace=openat -e inject=openat:delay_enter=4000000:when=2 \
		"$BOARDPACK" build pack.ini --out "$WORK/out-$1" --json --no-pdf --no-xlsx
}
held same 2>"$WORK/same.err" || { echo "unchanged file: build failed"; cat "$WORK/same.err"; exit 1; }
grep -q '"cases_concluded": 2' "$WORK/out-same"/board-pack-2026-Q3.json ||
	{ echo "unchanged file: expected 2 concluded cases"; exit 1; }
set +e
held changed 2>"$WORK/changed.err" &
pid=$!
sleep 2
echo "A,Moving home,2026-06-30,Sales," >>journeys.csv
wait $pid
status=$?
set -e
[ $status -eq 2 ] || { echo "exit $status, expected 2"; cat "$WORK/changed.err"; exit 1; }
grep -qx 'boardpack: journeys.csv: error: the file changed while it was being read (its rows are read twice when some case'"'"'s rows are not in time order); run boardpack again once it is complete' "$WORK/changed.err" ||
	{ echo "no message saying the file changed:"; cat "$WORK/changed.err"; exit 1; }
[ ! -e "$WORK/out-changed/board-pack-2026-Q3.json" ] || { echo "a pack was written from a changing file"; exit 1; }
echo "a file changed between the readings stops the run with exit 2; unchanged, the same delay builds"
