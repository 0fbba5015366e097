#!/usr/bin/env bash
# The bad-input catalogue (tests/bad-input/<case>/, listed in docs/robustness.md). Each case starts
# from the hand-computed fixture (tests/cases/metrics-hand), which setup.sh breaks in one way
# (run in the case's scratch folder; BASE, ROOT, PYTHON set). Then boardpack runs with `args`
# (default: build pack.ini --period 2026-Q3 --out out --json --no-pdf --no-xlsx) and:
#   status       the exit status expected
#   expect       lines that stderr must contain (fixed strings, one per line; may be empty)
#   expect.json  a fragment the metrics JSON must contain (tests/lib/jsonfrag.py)
#   max_rss_kb   a bound on peak memory (4x under AddressSanitizer)
# A failed run leaves no file under a final name and no temporary file; a run that succeeds
# leaves no temporary file. No crash, no sanitizer report (they change the exit status).
set -u
BASE=$ROOT/tests/cases/metrics-hand
export BASE ROOT PYTHON
fails=0; n=0
for d in "$ROOT"/tests/bad-input/*/; do
	name=$(basename "$d"); n=$((n + 1))
	w=$WORK/$name; mkdir -p "$w"
	cp "$BASE"/*.csv "$BASE/pack.ini" "$w/"
	problem=""
	if ! (cd "$w" && bash "$d/setup.sh") >"$w.setup" 2>&1; then
		problem="setup failed: $(cat "$w.setup")"
	fi
	args=$(cat "$d/args" 2>/dev/null || echo "build pack.ini --period 2026-Q3 --out out --json --no-pdf --no-xlsx")
	if [ -z "$problem" ]; then
		(cd "$w" && eval "/usr/bin/time -f %M -o ../$name.rss timeout 120 \"\$BOARDPACK\" $args") >"$w.out" 2>"$w.err"
		got=$?
		want=$(cat "$d/status")
		[ "$got" = "$want" ] || problem="exit status $got, expected $want"
		while IFS= read -r line; do
			[ -z "$line" ] && continue
			grep -qF -- "$line" "$w.err" || problem="$problem; stderr lacks: $line"
		done <"$d/expect"
		if [ -f "$d/expect.json" ] && [ "$got" = 0 ]; then
			"$PYTHON" "$ROOT/tests/lib/jsonfrag.py" "$d/expect.json" "$w"/out/board-pack-*.json >"$w.json.log" 2>&1 ||
				problem="$problem; JSON: $(cat "$w.json.log")"
		fi
		if [ "$got" != 0 ] && ls "$w"/out/board-pack-* >/dev/null 2>&1; then problem="$problem; a failed run left outputs"; fi
		if ls -A "$w/out" 2>/dev/null | grep -q '^\.'; then problem="$problem; temporary files left"; fi
		if [ -f "$d/max_rss_kb" ]; then
			max=$(cat "$d/max_rss_kb"); case $BOARDPACK in */asan/*) max=$((max * 4)) ;; esac
			rss=$(tail -n 1 "$WORK/$name.rss")
			[ "$rss" -le "$max" ] || problem="$problem; peak memory $rss KB over $max KB"
		fi
	fi
	if [ -n "$problem" ]; then
		fails=$((fails + 1)); echo "FAIL $name: $problem"; sed 's/^/     | /' "$w.err" | head -n 20
	else
		echo "ok   $name"
	fi
	case $name in field-100mb | columns-100000) rm -rf "$w" ;; esac # large files
done
echo "bad input: $n cases, $fails failed"
[ "$fails" -eq 0 ]
