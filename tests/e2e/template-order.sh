#!/usr/bin/env bash
# The rule of order: build warns, naming the template line, when departmental scores come before
# any customer outcome; the default template draws no such warning.
set -u
fx=$ROOT/tests/fixtures/template-order
"$BOARDPACK" build "$fx/pack.ini" --out "$WORK/a" --no-xlsx 2>"$WORK/a.err"
grep -F "scores.md:3: warning: departmental scores (\"green_share_pct\") come before any customer outcome" "$WORK/a.err" ||
	{ echo "no rule-of-order warning:"; cat "$WORK/a.err"; exit 1; }
"$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --out "$WORK/b" --no-xlsx 2>"$WORK/b.err" || { cat "$WORK/b.err"; exit 1; }
if grep -F "come before any customer outcome" "$WORK/b.err"; then
	echo "the default template breaks the rule of order"; exit 1
fi
exit 0
