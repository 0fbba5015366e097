#!/usr/bin/env bash
# End-to-end tests.
#  - tests/e2e/*.sh: each script is one test (exit 0 = pass). Environment: BOARDPACK (the binary),
#    PYTHON, GEN (the samples generator), ROOT (the repository), WORK (a fresh scratch folder).
#  - tests/cases/<name>/: a golden case. `args` holds boardpack's arguments (run inside the case
#    folder; $OUT is a scratch output folder); `status` the expected exit status; `stderr`, if
#    present, the exact expected stderr; `expect.json`, if present, a fragment the metrics JSON
#    ($OUT/board-pack-*.json, exactly one) must contain (tests/lib/jsonfrag.py explains the matching).
# Last line: "e2e: N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export TOOLS=${TOOLS:-$(cd "$(dirname "$0")/.." && pwd)/build/tools} ROOT BOARDPACK=${BOARDPACK:-$ROOT/build/boardpack} PYTHON=${PYTHON:-/usr/bin/python3} GEN=${GEN:-$ROOT/build/northwind-gen}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/boardpack-e2e.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
pass=0; fail=0
report() { # name status log
	if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"
	else fail=$((fail + 1)); echo "FAIL $1"; sed 's/^/     | /' "$3" | head -n 60; fi
}
for t in "$ROOT"/tests/e2e/*.sh; do
	[ -e "$t" ] || continue
	name=e2e/$(basename "$t" .sh)
	export WORK="$scratch/$(basename "$t" .sh)"; mkdir -p "$WORK"
	( cd "$WORK" && bash "$t" ) >"$WORK.log" 2>&1
	report "$name" $? "$WORK.log"
done
for d in "$ROOT"/tests/cases/*/; do
	[ -f "$d/args" ] || continue
	name=cases/$(basename "$d")
	OUT="$scratch/case-$(basename "$d")"; mkdir -p "$OUT"; export OUT
	log="$OUT.log"; : >"$log"
	args=$(envsubst '$OUT' <"$d/args")
	( cd "$d" && eval "\"$BOARDPACK\" $args" ) >"$OUT.stdout" 2>"$OUT.stderr"
	got=$?; want=$(cat "$d/status" 2>/dev/null || echo 0); ok=0
	if [ "$got" != "$want" ]; then echo "exit status $got, expected $want" >>"$log"; ok=1; fi
	if [ -f "$d/stderr" ] && ! diff -u "$d/stderr" "$OUT.stderr" >>"$log"; then ok=1; fi
	if [ -f "$d/stdout" ] && ! diff -u "$d/stdout" "$OUT.stdout" >>"$log"; then ok=1; fi
	if [ -f "$d/expect.json" ]; then
		"$PYTHON" "$ROOT/tests/lib/jsonfrag.py" "$d/expect.json" "$OUT"/board-pack-*.json >>"$log" 2>&1 || ok=1
	fi
	[ $ok -ne 0 ] && { echo "--- stderr:"; cat "$OUT.stderr"; } >>"$log"
	report "$name" $ok "$log"
done
echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
