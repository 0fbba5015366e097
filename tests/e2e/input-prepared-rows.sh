#!/usr/bin/env bash
# A large event log and customers file (over 8 MiB each, so parsed in a thread of their own) are
# checked and hashed row by row in the parser's thread while the reader's thread works on the
# rows before (csvin_opts.prep, issue 22). The rows prepared there must give exactly what the
# reader's thread gives by itself: the pack built with the preparation, without it
# (BOARDPACK_TEST_PREP=off) and on one CPU (taskset: no parser thread at all) is the same, byte
# for byte (JSON, PDF, workbook, manifests), whole and split by region. The log holds a row for
# every check the preparation makes (each required field empty, bad timestamps, outcomes and
# demand, a department left to its [defaults] value, outcomes and failure demand from [rules]),
# and the customers file a row for each of its checks; the JSON lists them all.
set -eu
if [ "$(nproc)" -lt 2 ]; then
	echo "input-prepared-rows: one CPU here, no parser thread to compare with: skipped"
	exit 0
fi
mkdir -p "$WORK/in"
"$GEN" --out "$WORK/in" --events 130000 --seed 11 >/dev/null
cp "$ROOT/samples/northwind/actions.csv" "$WORK/in/"
sed 's|^template = .*|template = '"$ROOT"'/templates/board-pack.md|' "$ROOT/samples/northwind/pack.ini" >"$WORK/in/pack.ini"
cat >>"$WORK/in/pack.ini" <<'INI'

[defaults]
department = Unassigned

[rules]
achieved = Closed by rule
failure_demand = Chaser by rule
INI
"$PYTHON" - "$WORK/in" <<'PY'
import csv, io, os, sys
d = sys.argv[1]
def begin(name):  # the file's rows, and a writer of its new version begun with its header
    path = os.path.join(d, name)
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0])
    return path, rows[1:], {h: i for i, h in enumerate(rows[0])}, out, w, rows[0]

path, body, ix, out, w, head = begin("journeys.csv")
for n, r in enumerate(body):
    k = n % 211
    r = list(r)
    if k == 1: r[ix["case_id"]] = ""
    elif k == 2: r[ix["journey"]] = ""
    elif k == 3: r[ix["timestamp"]] = ""
    elif k == 4: r[ix["timestamp"]] = "2025-13-45T99:00:00Z"
    elif k == 5: r[ix["outcome"]] = "maybe"
    elif k == 6: r[ix["demand"]] = "sometimes"
    elif k == 7: r[ix["department"]] = ""              # the default
    elif k == 8: r[ix["outcome"]] = ""; r[ix["touchpoint"]] = "Closed by rule"
    elif k == 9: r[ix["demand"]] = ""; r[ix["touchpoint"]] = "Chaser by rule"
    elif k == 10: r[ix["demand"]] = "FAILURE"; r[ix["outcome"]] = "Achieved"
    elif k == 11: r = r[:-1]                             # a field short
    elif k == 12: r[ix["touchpoint"]] = "quoted, with a comma"
    w.writerow(r)
data = out.getvalue().encode("utf-8")
# a row of bytes that are not UTF-8
data += b"FF-9999999,Getting a fault fixed,2026-07-01T10:00:00Z,Billing,NW0000001,Bad \xff byte,phone,value,,South\n"
open(path, "wb").write(data)
assert len(data) > 9 << 20, len(data)

path, body, ix, out, w, head = begin("customers.csv")
for r in body:
    w.writerow(r)
blank = [""] * len(head)
def row(**kv):
    r = list(blank)
    for k, v in kv.items():
        r[ix[k]] = v
    w.writerow(r)
n = 0
while out.tell() < (9 << 20):     # customers no case names, to make the file large
    n += 1
    kind = n % 97
    cid = "ZZ%07d" % n
    if kind == 1: row(customer_id="", segment="Household", region="North", annual_value="100")
    elif kind == 2: row(customer_id=cid, segment="Household", region="North", annual_value="lots")
    elif kind == 3: row(customer_id=cid, segment="Household", region="North", annual_value="-5")
    elif kind == 4: row(customer_id=cid, segment="Household", region="North", joined="2025-02-30")
    elif kind == 5: row(customer_id=cid, segment="Household", region="North", joined="2025-03-01", left="2025-02-01")
    elif kind == 6: row(customer_id="ZZ%07d" % (n - 7), segment="Business", region="South", annual_value="7")
    else: row(customer_id=cid, segment="Business" if n % 3 else "Household",
              region=("North", "South", "Scotland", "Midlands")[n % 4], annual_value="%d.%02d" % (n % 5000, n % 100),
              joined="2024-%02d-%02d" % (n % 12 + 1, n % 28 + 1), left="" if n % 5 else "2026-%02d-01" % (n % 12 + 1))
open(path, "w", encoding="utf-8").write(out.getvalue())
PY

build() { # name, then what runs boardpack
	local name=$1
	shift
	"$@" "$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/$name" --json --quiet
	"$@" "$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/$name-split" --json --quiet --split-by region
}
BOARDPACK_TEST_PREP=count "$BOARDPACK" build "$WORK/in/pack.ini" --out "$WORK/counted" --json --no-pdf --no-xlsx --quiet 2>"$WORK/counted.err"
cat "$WORK/counted.err"
for kind in journeys customers; do
	n=$(sed -n "s/^boardpack: test: $kind: \([0-9]*\) rows prepared$/\1/p" "$WORK/counted.err" | head -1)
	[ -n "$n" ] && [ "$n" -gt 0 ] || {
		echo "no $kind row was prepared in the parser's thread" >&2
		exit 1
	}
done
build prepared env
build unprepared env BOARDPACK_TEST_PREP=off
build one-cpu taskset -c 0

for v in unprepared one-cpu; do
	for d in "" -split; do
		diff -r "$WORK/prepared$d" "$WORK/$v$d" >/dev/null || {
			echo "the pack built $v$d differs from the one whose rows were prepared:" >&2
			diff -rq "$WORK/prepared$d" "$WORK/$v$d" >&2 || true
			exit 1
		}
	done
done
[ "$(ls "$WORK/prepared-split"/*.json | wc -l)" -gt 3 ]

# a log without a journey column, whose rows take the [defaults] value (a column the
# preparation finds absent)
mkdir -p "$WORK/nj"
cp "$WORK/in/"{kpis.csv,actions.csv,customers.csv} "$WORK/nj/"
sed 's/^department = Unassigned$/department = Unassigned\njourney = Getting a fault fixed/' "$WORK/in/pack.ini" >"$WORK/nj/pack.ini"
"$PYTHON" - "$WORK/in/journeys.csv" "$WORK/nj/journeys.csv" <<'PY'
import sys
out = open(sys.argv[2], "wb")
for line in open(sys.argv[1], "rb"):  # the journey is the second field, never quoted here
    a, rest = line.split(b",", 1)
    out.write(a + b"," + rest.split(b",", 1)[1] if rest.count(b",") else line)
PY
head -1 "$WORK/nj/journeys.csv" | grep -qv journey
for v in prepared:env unprepared:"env BOARDPACK_TEST_PREP=off" one-cpu:"taskset -c 0"; do
	$(echo "${v#*:}") "$BOARDPACK" build "$WORK/nj/pack.ini" --out "$WORK/nj-${v%%:*}" --json --quiet
done
diff -r "$WORK/nj-prepared" "$WORK/nj-unprepared" >/dev/null && diff -r "$WORK/nj-prepared" "$WORK/nj-one-cpu" >/dev/null || {
	echo "without a journey column, the packs differ:" >&2
	diff -rq "$WORK/nj-prepared" "$WORK/nj-unprepared" "$WORK/nj-one-cpu" >&2 || true
	exit 1
}
"$PYTHON" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["data_quality"]["defaults_used"]["journey"] > 100000, d["data_quality"]["defaults_used"]' \
	"$WORK/nj-prepared/board-pack-2026-Q3.json"

# every check the preparation makes had a row to reject or to derive
"$PYTHON" - "$WORK/prepared/board-pack-2026-Q3.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = d["data_quality"]
kinds = {}
for i in q["issues"]:
    kinds.setdefault((i["file"], i["kind"]), 0)
    kinds[(i["file"], i["kind"])] += 1
want = [("journeys.csv", k) for k in ("empty required field", "bad timestamp", "bad outcome",
                                      "bad demand", "wrong field count", "unreadable field")]
want += [("customers.csv", k) for k in ("empty required field", "bad number", "bad date",
                                        "left before joined", "duplicate customer")]
for k in want:
    assert kinds.get(k, 0) > 0, (k, sorted(kinds))
used = q["defaults_used"]
assert used.get("department", 0) > 0, q["defaults_used"]
print("rejected:", ", ".join("%s %s %d" % (f, k, kinds[(f, k)]) for f, k in want))
PY
echo "input-prepared-rows: the same pack with rows prepared in the parser's thread, without, and on one CPU"
