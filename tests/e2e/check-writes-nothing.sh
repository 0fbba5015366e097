#!/usr/bin/env bash
# `boardpack check` writes nothing (cli.md: "read and validate the inputs, print the data-quality
# report, write nothing"): no `out/` folder beside PACK.ini, and not a file or folder created,
# removed, resized or touched anywhere under $WORK (the working folder and the packs' folders),
# whether the inputs are clean (exit 0) or have rejected rows and notes (exit 2), and whichever way
# PACK.ini is named (relative from $WORK, from its own folder, absolute).
set -eu
fail() { echo "FAIL: $*"; exit 1; }
cd "$WORK"
mkdir valid rejects
cp "$ROOT"/tests/cases/_data/journeys.csv "$ROOT"/tests/cases/_data/kpis.csv "$ROOT"/tests/cases/_data/pack.ini valid/
src=$ROOT/tests/cases/metrics-hand # 3 rows rejected, notes (superseded KPI, unknown column and customer)
cp "$src"/journeys.csv "$src"/kpis.csv "$src"/customers.csv "$src"/pack.ini rejects/
# Every file and folder under $WORK with its type, mode, size and modification time (a file created
# and removed again still changes its folder's time). Kept in a variable, not in a file under $WORK.
listing() { find "$WORK" -printf '%P %y %m %s %T@\n' | LC_ALL=C sort; }
before=$(listing)
[ "$(printf '%s\n' "$before" | wc -l)" -eq 10 ] || fail "the listing should hold \$WORK itself, 2 folders and 7 files:"$'\n'"$before"

check() { # expected-status dir pack-path: run check inside dir, then compare the listing
	want=$1 dir=$2 pack=$3 got=0
	err=$(cd "$dir" && "$BOARDPACK" check "$pack" 2>&1 >/dev/null) || got=$?
	[ "$got" -eq "$want" ] || fail "check $pack (in $dir): exit status $got, expected $want; stderr:"$'\n'"$err"
	for d in valid rejects; do
		[ ! -e "$WORK/$d/out" ] || fail "check $pack (in $dir) created $d/out beside PACK.ini"
	done
	after=$(listing)
	[ "$after" = "$before" ] || fail "check $pack (in $dir) changed the files under \$WORK:"$'\n'"$(diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") || true)"
	printf '%s\n' "$err" | grep -qx "[0-9]* rows read, [0-9]* rejected, [0-9]* notes" ||
		fail "check $pack (in $dir): no data-quality summary line; stderr:"$'\n'"$err"
}
check 0 "$WORK" valid/pack.ini
check 0 "$WORK/valid" pack.ini
check 0 / "$WORK/valid/pack.ini"
check 2 "$WORK" rejects/pack.ini
check 2 "$WORK/rejects" pack.ini
check 2 / "$WORK/rejects/pack.ini"
# The rejected rows really were seen (so the second set is a run "with rows rejected").
err=$(cd "$WORK/rejects" && "$BOARDPACK" check pack.ini 2>&1 >/dev/null) || true
printf '%s\n' "$err" | grep -qx '47 rows read, 3 rejected, [0-9]* notes' ||
	fail "metrics-hand's inputs: expected 47 rows read, 3 rejected; stderr:"$'\n'"$err"
[ "$(listing)" = "$before" ] || fail "check changed the files under \$WORK"
echo "check wrote nothing, with clean inputs and with rejected rows"
