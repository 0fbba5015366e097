#!/usr/bin/env bash
# The whole suite: unit tests (cmocka), then end-to-end tests. Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0; fail=0; failed=()
for t in $UNIT_BINS; do
	if "$t" >"$t.log" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("unit:$(basename "$t")"); cat "$t.log"
	fi
	grep -E '^\[  (PASSED|FAILED)  \]' "$t.log" | sed "s|^|$(basename "$t"): |"
done
out=$(tests/run-e2e.sh 2>&1); e2e_status=$?
echo "$out" | sed '$d'
last=$(echo "$out" | tail -n 1)
if [[ $last =~ ^e2e:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
	pass=$((pass + BASH_REMATCH[1])); fail=$((fail + BASH_REMATCH[2]))
else
	echo "$last"; fail=$((fail + 1)); failed+=("e2e runner")
fi
[ $e2e_status -ne 0 ] && [ $fail -eq 0 ] && fail=1
for f in "${failed[@]}"; do echo "FAILED: $f"; done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
