#!/usr/bin/env bash
# The metrics JSON's lists of rejected rows and notes are streamed (view/jsonout.c), the rest
# dumped by jansson; BOARDPACK_TEST_JSON_TREE=1 builds the whole document as one jansson tree and
# dumps it as before. Both ways must give the same bytes: the samples (no rejected row, no note:
# empty lists), whole and split by region, and a log made messy here (bad timestamps and demand,
# rows whose customer disagrees with their case's, a column the contract does not know, values with control characters, quotes,
# backslashes, a line break, non-ASCII, bytes that are not UTF-8 and a NUL), whole and split by
# region. Python's json module must read every file, the whole organisation's must list one issue
# per row rejected and every note, and the odd values must read back as they were written.
# Under strace: the streamed file takes a few writes of up to 1 MiB, the tree's thousands through
# stdio (so the two ways compared really differ); a write interrupted (EINTR) is done again, and
# one that fails (ENOSPC) is reported.
set -eu
demo=$ROOT/samples/northwind
mkdir -p "$WORK/messy"
cp "$demo"/kpis.csv "$demo"/customers.csv "$demo"/actions.csv "$WORK/messy/"
sed -e 's|^template *=.*||' "$demo/pack.ini" >"$WORK/messy/pack.ini"
awk -F, -v OFS=, 'NR > 1 && NR % 7 == 0 { $3 = "2025-13-45T99:00:00Z" }
	NR > 1 && NR % 11 == 0 { $5 = $5 "X" }
	NR > 1 && NR % 13 == 0 { $8 = "maybe" }
	{ print $0 (NR == 1 ? ",comment" : ",-") }' "$demo/journeys.csv" >"$WORK/messy/journeys.csv"
{
	# a bad timestamp holding control characters, a quote, a backslash, DEL and non-ASCII
	printf 'ZZ-0000001,Moving home,"2024-10-01\aT\037""q\\ \303\251\360\237\230\200 \001\177\033",'
	printf 'Contact Centre,NW0000001,Call,phone,value,,South,-\n'
	# a line break inside a quoted timestamp
	printf 'ZZ-0000002,Moving home,"2024-10-01\nT10:00:00Z",Contact Centre,NW0000002,Call,phone,value,,North,-\n'
	# bytes that are not UTF-8, in the department and after a bad timestamp
	printf 'ZZ-0000003,Moving home,2024-10-01T10:00:00Z,Contact \377\376 Centre,NW0000003,Call,phone,value,,South,-\n'
	printf 'ZZ-0000004,Moving home,2024-99-01T10:00:00Z,Contact Centre,NW\303\050\300\257,Call,phone,value,,South,-\n'
	# a NUL byte
	printf 'ZZ-0000005,Moving\000home,2024-10-01T10:00:00Z,Contact Centre,NW0000005,Call,phone,value,,South,-\n'
	# a case id with a quote and a backslash
	printf '"ZZ-""6\\",Moving home,2024-10-01T10:00:00Z,Contact Centre,NW0000006,Call,phone,sometimes,,Scotland,-\n'
} >>"$WORK/messy/journeys.csv"
build() { # name pack.ini [--split-by region] [env...]
	local name=$1 ini=$2
	shift 2
	local split=()
	if [ "${1:-}" = --split-by ]; then
		split=(--split-by region)
		shift
	fi
	env "$@" "$BOARDPACK" build "$ini" --out "$WORK/$name" --json --no-pdf --no-xlsx \
		"${split[@]}" >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out"; exit 1; }
}
for split in "" --split-by; do
	for pack in demo messy; do
		ini=$demo/pack.ini
		[ $pack = messy ] && ini=$WORK/messy/pack.ini
		build "$pack$split-stream" "$ini" $split
		build "$pack$split-tree" "$ini" $split BOARDPACK_TEST_JSON_TREE=1
	done
done
n=0
for d in "$WORK"/*-stream; do
	for f in "$d"/*.json; do
		t=${d%-stream}-tree/$(basename "$f")
		cmp "$f" "$t" || { echo "$f differs from the tree's dump $t"; exit 1; }
		n=$((n + 1))
	done
done
# each log: the whole organisation's pack and its manifest, then five packs and their manifest
[ "$n" -eq 16 ] || { echo "$n files compared, 16 expected"; exit 1; }
rejected=$(sed -n 's/.* rows read, \([0-9]*\) rejected;.*/\1/p' "$WORK/messy-stream.out")
"$PYTHON" - "$WORK" "$rejected" <<'PY'
import glob, json, sys
work, rejected = sys.argv[1], int(sys.argv[2])
for p in glob.glob(f"{work}/*-stream/board-pack-*.json"):
    with open(p, encoding="utf-8") as f:
        json.load(f)
def dq(name):
    with open(f"{work}/{name}/board-pack-2026-Q3.json", encoding="utf-8") as f:
        return json.load(f)["data_quality"]
demo = dq("demo-stream")
if demo["issues"] != [] or demo["notes"] != [] or demo["rows_rejected"] != 0:
    sys.exit("the samples' pack lists rejected rows or notes")
d = dq("messy-stream")
issues, notes = d["issues"], d["notes"]
if len(issues) != rejected or d["rows_rejected"] != rejected or rejected < 10000:
    sys.exit(f"{len(issues)} issues, rows_rejected {d['rows_rejected']}, {rejected} rows rejected")
disagree = [n for n in notes if n["kind"] == "rows of a case disagree"]
if len(disagree) < 1000:
    sys.exit(f"only {len(disagree)} notes of rows that disagree")
if not any(n["kind"] == "unknown columns" and n["line"] is None for n in notes):
    sys.exit("no note on the whole file (line null)")
values = [i["value"] for i in issues if i["value"]]
def has(want):
    if not any(want in v for v in values):
        sys.exit(f"no rejected row's value holds {want!r}")
has('2024-10-01\aT\x1f"q\\ é😀 \x01\x7f\x1b')
has("2024-10-01\nT10:00:00Z")
has("Contact \\xFF\\xFE Centre")
has("Moving\\x00home")
if not any(i["case_id"] == 'ZZ-"6\\' for i in issues):
    sys.exit("the case id with a quote and a backslash is missing")
print(f"{len(issues)} issues, {len(notes)} notes")
PY
# one writer (--jobs 1), so that strace's count of writes is the JSON's from the first
traced() { # name strace-options... -- env...
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	env "$@" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq \
		-o "$WORK/$name.strace" -e trace=write "${opts[@]}" "$BOARDPACK" build "$WORK/messy/pack.ini" \
		--out "$WORK/$name" --json --no-pdf --no-xlsx --quiet --jobs 1 >"$WORK/$name.out" 2>&1
}
traced writes-stream --
traced writes-tree -- BOARDPACK_TEST_JSON_TREE=1
ws=$(grep -c '^[0-9]* *write(' "$WORK/writes-stream.strace")
wt=$(grep -c '^[0-9]* *write(' "$WORK/writes-tree.strace")
[ "$ws" -lt 20 ] && [ "$wt" -gt 200 ] || { echo "writes: $ws streamed, $wt as a tree"; exit 1; }
cmp "$WORK/writes-stream/board-pack-2026-Q3.json" "$WORK/messy-tree/board-pack-2026-Q3.json"
traced eintr -e inject=write:error=EINTR:when=2..4 -- ||
	{ cat "$WORK/eintr.out"; echo "a write interrupted was not done again"; exit 1; }
cmp "$WORK/eintr/board-pack-2026-Q3.json" "$WORK/messy-tree/board-pack-2026-Q3.json"
status=0
traced enospc -e inject=write:error=ENOSPC:when=3 -- || status=$?
[ $status -eq 3 ] || { cat "$WORK/enospc.out"; echo "exit status $status after ENOSPC, 3 expected"; exit 1; }
grep -q 'board-pack-2026-Q3.json: error: cannot write the metrics JSON: No space left on device' \
	"$WORK/enospc.out" || { cat "$WORK/enospc.out"; exit 1; }
[ -z "$(ls -A "$WORK/enospc")" ] || { ls -la "$WORK/enospc"; echo "files left after ENOSPC"; exit 1; }
echo "$n metrics JSON files streamed and dumped as one tree are byte-identical"
