#!/usr/bin/env bash
# valgrind finds no invalid read or write and no leak (definite or indirect) while the demo pack is
# built, split by region, with the JSON. (Skipped for the AddressSanitizer build, which valgrind
# cannot run; that build checks the same things its own way.)
set -u
case $BOARDPACK in */asan/* | */tsan/*) echo "SKIP: sanitized binary"; exit 0 ;; esac
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--error-exitcode=9 --quiet "$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --out "$WORK/out" --json \
	--split-by region --quiet 2>"$WORK/vg.log"
status=$?
[ $status -eq 0 ] || { echo "valgrind: exit status $status"; cat "$WORK/vg.log"; exit 1; }
[ -s "$WORK/out/board-pack-2026-Q3.pdf" ] || { echo "no pack written"; exit 1; }
echo "valgrind: no errors, no leaks"
