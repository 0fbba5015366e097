#!/usr/bin/env bash
# The stories' rows ("One journey through the customer's eyes", pack.md) come from a second
# reading of the event log, which starts at the last place the first reading marked before the
# stories' cases' first rows (every row of a case is on or after its first row's line). On a log
# in time order that place is far into the file: the reading seeks there (checked with strace),
# and each story's rows (time, line, touchpoint, department, channel, outcome, rows in all) are
# those of its case in the file, found here in Python. The same on the log shuffled, where the
# earliest first row is near the top, and on the log changed after the first reading (appended
# to while strace holds the second reading back), which is then read again from its start. The
# shuffled log's stories' reading, nearly the whole file, is read in two halves at once.
set -eu
mkdir -p "$WORK/time" "$WORK/shuffled"
"$GEN" --out "$WORK/time" --events 150000 --seed 7 >/dev/null
cp "$ROOT/samples/northwind/actions.csv" "$WORK/time/"
sed 's|^template = .*|template = '"$ROOT"'/templates/board-pack.md|' "$ROOT/samples/northwind/pack.ini" >"$WORK/time/pack.ini"
cp "$WORK/time/"{actions.csv,kpis.csv,customers.csv,pack.ini} "$WORK/shuffled/"
"$PYTHON" - "$WORK/time/journeys.csv" "$WORK/shuffled/journeys.csv" <<'PY'
import random, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
body = lines[1:]
random.Random(5).shuffle(body)
open(sys.argv[2], "w", encoding="utf-8").write(lines[0] + "".join(body))
PY

check() { # the pack's stories against the file's rows
	"$PYTHON" - "$1/journeys.csv" "$2/board-pack-2026-Q3.json" <<'PY'
import csv, json, sys
rows = {}
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    head = next(r)
    ix = {h: i for i, h in enumerate(head)}
    for rec in r:
        rows.setdefault(rec[ix["case_id"]], []).append((rec[ix["timestamp"]], r.line_num, rec))
d = json.load(open(sys.argv[2]))
told = 0
for g in d["goals"]:
    cj = g.get("customer_journey")
    if not cj:
        continue
    mine = sorted(rows[cj["case_id"]], key=lambda t: (t[0], t[1]))
    assert cj["rows_total"] == len(mine), (cj["case_id"], cj["rows_total"], len(mine))
    got = cj["rows"]
    # all of them, or the first and the last (a long case)
    want = mine if len(got) == len(mine) else mine[: len(got) // 2] + mine[len(mine) - len(got) // 2:]
    assert len(got) == len(want), (cj["case_id"], len(got), len(mine))
    for a, (t, line, rec) in zip(got, want):
        assert a["line"] == line, (cj["case_id"], a, line)
        assert a["time"] == t, (a, t)
        assert a["touchpoint"] == rec[ix["touchpoint"]], (a, rec)
        assert a["department"] == rec[ix["department"]], (a, rec)
        assert (a["channel"] or "") == rec[ix["channel"]], (a, rec)
        assert (a["outcome"] or "") == rec[ix["outcome"]], (a, rec)
    told += 1
assert told >= 3, told
print(sys.argv[1].split("/")[-2], told, "stories, each its case's rows")
PY
}

# LeakSanitizer cannot run under ptrace. With threads, strace may split a call across two lines
# ("lseek(5, 10496669, SEEK_SET <unfinished ...>"): the checks match its first line.
trace() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o "$1" -e trace=openat,lseek "${@:2}"
}
for order in time shuffled; do
	trace "$WORK/$order.trace" "$BOARDPACK" build "$WORK/$order/pack.ini" --out "$WORK/out-$order" --json --no-pdf --no-xlsx --quiet
	check "$WORK/$order" "$WORK/out-$order"
done
size=$(stat -c %s "$WORK/time/journeys.csv")
# the second reading of the log in time order seeks past the first three quarters of it
far=$(grep -E 'lseek\([0-9]+, [0-9]+, SEEK_SET' "$WORK/time.trace" | sed -E 's/.*lseek\([0-9]+, ([0-9]+),.*/\1/' | sort -n | tail -1)
[ -n "$far" ] && [ "$far" -gt $((size * 3 / 4)) ] ||
	{ echo "the stories' reading did not start far into the log in time order (seek to ${far:-none} of $size)"; exit 1; }

# the shuffled log's stories' reading covers nearly all of it: its two halves are read at once
# on the two cores (a seek to near the middle of the log), with the same stories as on one core
# (taskset) or with --jobs 1, where the reading is in one part (no such seek)
middle() { # trace log -> the seeks into the middle fifth of log
	grep -E 'lseek\([0-9]+, [0-9]+, SEEK_SET' "$1" | sed -E 's/.*lseek\([0-9]+, ([0-9]+),.*/\1/' |
		awk -v s="$(stat -c %s "$2")" '$1 > s * 0.4 && $1 < s * 0.6' | wc -l
}
[ "$(middle "$WORK/shuffled.trace" "$WORK/shuffled/journeys.csv")" -ge 1 ] ||
	{ echo "the shuffled log's stories were not read in two halves (no seek near its middle)"; exit 1; }
for one in core jobs; do
	if [ $one = core ]; then
		trace "$WORK/one.trace" taskset -c 0 "$BOARDPACK" build "$WORK/shuffled/pack.ini" --out "$WORK/out-one" --json --no-pdf --no-xlsx --quiet
	else # --jobs 1: one thread for the figures, the stories' reading included
		rm -rf "$WORK/out-one"
		trace "$WORK/one.trace" "$BOARDPACK" build "$WORK/shuffled/pack.ini" --out "$WORK/out-one" --json --no-pdf --no-xlsx --quiet --jobs 1
	fi
	[ "$(middle "$WORK/one.trace" "$WORK/shuffled/journeys.csv")" -eq 0 ] ||
		{ echo "on one $one, the shuffled log's stories were read in two parts"; exit 1; }
	"$PYTHON" - "$WORK/out-shuffled/board-pack-2026-Q3.json" "$WORK/out-one/board-pack-2026-Q3.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sa = [g.get("customer_journey") for g in a["goals"]]
sb = [g.get("customer_journey") for g in b["goals"]]
assert sum(1 for x in sa if x) >= 3 and sa == sb, "two parts and one give other stories"
PY
done

# changed after the first reading: the stories' reading (the second open of journeys.csv, held
# back 3 s) finds another file and reads it from the start; the rows appended are in no story
mkdir -p "$WORK/changed"
cp "$WORK/time/"* "$WORK/changed/"
set +e
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o "$WORK/changed.trace" -P "$WORK/changed/journeys.csv" \
	-e trace=openat,lseek -e inject=openat:delay_enter=3000000:when=2 \
	"$BOARDPACK" build "$WORK/changed/pack.ini" --out "$WORK/out-changed" --json --no-pdf --no-xlsx --quiet &
pid=$!
sleep 1.5
echo "ZZ-0000001,Moving home,2026-09-30T23:59:59Z,Sales,NW9999999,Late row,web,value,," >>"$WORK/changed/journeys.csv"
wait $pid
status=$?
set -e
[ $status -eq 0 ] || { echo "changed log: exit $status"; exit 1; }
if grep -qE 'lseek\([0-9]+, [1-9][0-9]*, SEEK_SET' "$WORK/changed.trace"; then
	echo "the stories' reading of a changed log seeked into it"
	exit 1
fi
check "$WORK/changed" "$WORK/out-changed"
echo "the stories' second reading starts far into a log in time order, and gives each story its case's rows"
