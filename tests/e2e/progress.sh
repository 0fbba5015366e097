#!/usr/bin/env bash
# cli.md: progress (stage, rows read, rate) on stderr when it is a terminal; otherwise only the
# summary lines; --quiet silences both. `script` (util-linux) gives the build a terminal.
set -eu
src=$ROOT/samples/northwind
cmd="'$BOARDPACK' build '$src/pack.ini' --out '$WORK/out' --no-xlsx --no-pdf --json"
script -qec "$cmd" /dev/null >"$WORK/tty" 2>&1
grep -q 'boardpack: reading the inputs of .*pack.ini…' "$WORK/tty" || { echo "no progress on a terminal"; cat "$WORK/tty"; exit 1; }
grep -q 'boardpack: read 74152 rows in [0-9.]* s ([0-9]* rows a second)' "$WORK/tty" || { echo "no rows read and rate on a terminal"; cat "$WORK/tty"; exit 1; }
grep -q 'boardpack: pack 1 of 1: the whole organisation…' "$WORK/tty" || { echo "no pack progress on a terminal"; cat "$WORK/tty"; exit 1; }
grep -q 'boardpack: 2026-Q3: 74152 rows read, 0 rejected; 1 pack written' "$WORK/tty" || { echo "no summary on a terminal"; cat "$WORK/tty"; exit 1; }
eval "$cmd" 2>"$WORK/pipe"
if grep -q 'reading the inputs\|rows a second\|pack 1 of 1' "$WORK/pipe"; then echo "progress printed to a pipe"; cat "$WORK/pipe"; exit 1; fi
[ "$(wc -l <"$WORK/pipe")" -eq 2 ] || { echo "expected the pack's line and the run's line only:"; cat "$WORK/pipe"; exit 1; }
script -qec "$cmd --quiet" /dev/null >"$WORK/quiet" 2>&1
[ ! -s "$WORK/quiet" ] || { echo "--quiet on a terminal still printed:"; cat "$WORK/quiet"; exit 1; }
echo "progress on a terminal only; summary otherwise; --quiet silent"
