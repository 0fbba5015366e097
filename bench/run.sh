#!/usr/bin/env bash
# make bench: boardpack's speed and memory on 1 M and 10 M events, against the targets of issue 9
# and against a pandas peer (bench/peer.py); reading and case derivation alone on one core, against
# issue 3's target and libcsv's own speed (bench/readbench.c); the 1 M events shuffled, the worst
# order for reading. Datasets are generated once and cached under build/bench/. Not a test: nothing
# here passes or fails; it prints figures to compare.
# Environment (set by the Makefile): BOARDPACK, GEN, READBENCH, PYTHON. BENCH_SIZES overrides
# "1m 10m".
set -eu
cd "$(dirname "$0")/.."
root=$PWD
BOARDPACK=${BOARDPACK:-$root/build/boardpack}
GEN=${GEN:-$root/build/northwind-gen}
READBENCH=${READBENCH:-$root/build/readbench}
PYTHON=${PYTHON:-/usr/bin/python3}
sizes=${BENCH_SIZES:-1m 10m}
export BOARDPACK_DATADIR=$root

dataset() { # name events
	local dir=build/bench/$1
	if [ ! -s "$dir/journeys.csv" ] || [ ! -s "$dir/pack.ini" ]; then
		echo "generating $1 ($2 events) into $dir …" >&2
		"$GEN" --events "$2" --out "$dir" >/dev/null
		grep -v '^template *=' samples/northwind/pack.ini >"$dir/pack.ini"
	fi
	[ -s "$dir/rows" ] || echo $(($(wc -l <"$dir/journeys.csv") - 1)) >"$dir/rows"
}

# one build under /usr/bin/time -v: prints "wall rss_mb" and keeps the stage times
run_build() { # dir
	local dir=$1 log=$1/time.log
	rm -rf "$dir/out"
	/usr/bin/time -v "$BOARDPACK" build "$dir/pack.ini" --out "$dir/out" --json --timings 2>"$log" >/dev/null ||
		{ echo "bench: the build failed:" >&2; cat "$log" >&2; exit 1; }
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log")
	echo "$wall $rss"
}

best_of() { # dir runs -> fastest "wall rss" of the runs
	local best="" line
	for _ in $(seq "$2"); do
		line=$(run_build "$1")
		if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
			best=$line
			cp "$1/time.log" "$1/best.log" # the stage times shown are the fastest run's
		fi
	done
	echo "$best"
}

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

verdict() { # value op target
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "NOT met" }'
}

echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) — other work on the machine skews the figures"
declare -A wall rss
for size in $sizes; do
	case $size in 1m) events=1000000 ;; 10m) events=10000000 ;; *) echo "unknown size $size" >&2; exit 1 ;; esac
	dataset "$size" "$events"
	dir=build/bench/$size
	runs=3; [ "$size" = 10m ] && runs=1
	read -r w r <<<"$(best_of "$dir" $runs)"
	wall[$size]=$w; rss[$size]=$r
	bytes=$(stat -c %s "$dir/journeys.csv"); rows=$(cat "$dir/rows")
	read_s=$(awk '/timing: read/ {print $4}' "$dir/best.log")
	printf '\n%s: %s events, journeys.csv %.0f MB — full build (PDF + XLSX + JSON), best of %d\n' "$size" "$rows" "$(calc "$bytes / 1000000")" "$runs"
	printf '  wall            %6.2f s      (%.2f M events/s)\n' "$w" "$(calc "$rows / $w / 1000000")"
	printf '  peak RSS        %6d MB\n' "$r"
	printf '  ingest (read)   %6.0f MB/s   (read stage %s s)\n' "$(calc "$bytes / 1000000 / $read_s")" "$read_s"
	echo "  stages (--timings):"
	grep 'timing:' "$dir/best.log" | sed 's/^boardpack: timing: /    /'
done

if [ -n "${wall[1m]:-}" ]; then
	echo
	echo "reading and case derivation of journeys.csv alone (issue 3), the process pinned to one core:"
	"$READBENCH" --runs 5 build/bench/1m/pack.ini | sed 's/^readbench: /  /'
	one=$("$READBENCH" --runs 5 --no-reference build/bench/1m/pack.ini | sed -n 's/.*, \([0-9]*\) MB\/s$/\1/p')
	printf '  one core: %s MB/s >= 200 MB/s: %s\n' "$one" "$(verdict "$one" '>=' 200)"
	dir=build/bench/1m-shuffled
	if [ ! -s "$dir/journeys.csv" ]; then
		echo "shuffling the 1 M events into $dir …" >&2
		mkdir -p "$dir"
		cp build/bench/1m/kpis.csv build/bench/1m/customers.csv build/bench/1m/pack.ini "$dir/"
		"$PYTHON" -c 'import random, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
body = [l for l in lines[1:] if l]
random.Random(1).shuffle(body)
open(sys.argv[2], "w", encoding="utf-8").write(lines[0] + "\n" + "\n".join(body) + "\n")' \
			build/bench/1m/journeys.csv "$dir/journeys.csv"
	fi
	read -r w r <<<"$(best_of "$dir" 3)"
	printf '\n1 M events in random order (most cases out of order: rows kept, the start read twice):\n'
	printf '  full build %.2f s, peak RSS %d MB; read stage %s s\n' "$w" "$r" "$(awk '/timing: read/ {print $4}' "$dir/best.log")"
	"$READBENCH" --runs 3 --no-reference "$dir/pack.ini" | sed 's/^readbench: /  /'
fi

echo
echo "targets (issue 9):"
if [ -n "${wall[1m]:-}" ]; then
	ingest=$(calc "$(stat -c %s build/bench/1m/journeys.csv) / 1000000 / $(awk '/timing: read/ {print $4}' build/bench/1m/best.log)")
	printf '  1 M: wall %.2f s <= 1.0 s: %s; RSS %d MB <= 150 MB: %s; ingest %.0f MB/s >= 200: %s\n' \
		"${wall[1m]}" "$(verdict "${wall[1m]}" '<=' 1.0)" "${rss[1m]}" "$(verdict "${rss[1m]}" '<=' 150)" "$ingest" "$(verdict "$ingest" '>=' 200)"
fi
if [ -n "${wall[10m]:-}" ]; then
	printf '  10 M: wall %.2f s <= 10 s: %s; RSS %d MB <= 1200 MB: %s\n' \
		"${wall[10m]}" "$(verdict "${wall[10m]}" '<=' 10)" "${rss[10m]}" "$(verdict "${rss[10m]}" '<=' 1200)"
fi
if [ -n "${wall[1m]:-}" ] && [ -n "${wall[10m]:-}" ]; then
	ratio=$(calc "${wall[10m]} / ${wall[1m]}")
	printf '  10 M / 1 M time ratio %.1f <= 11: %s\n' "$ratio" "$(verdict "$ratio" '<=' 11)"
fi

if [ -n "${wall[1m]:-}" ]; then
	echo
	if ! "$PYTHON" -c 'import pandas, xlsxwriter, reportlab' 2>/dev/null; then
		echo "peer: skipped — install python3-pandas python3-xlsxwriter python3-reportlab (Debian) to compare"
	else
		rm -rf build/bench/peer
		/usr/bin/time -v "$PYTHON" bench/peer.py build/bench/1m build/bench/peer >/dev/null 2>build/bench/peer.log ||
			{ cat build/bench/peer.log >&2; exit 1; }
		pw=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' build/bench/peer.log)
		pr=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' build/bench/peer.log)
		st=$(calc "$pw / ${wall[1m]}"); sm=$(calc "$pr / ${rss[1m]}")
		printf 'peer (pandas + XlsxWriter + ReportLab, bench/peer.py) on 1 M: %.2f s, %d MB\n' "$pw" "$pr"
		printf '  boardpack is %.1fx faster (target >= 10: %s) and uses %.1fx less memory (target >= 3: %s)\n' \
			"$st" "$(verdict "$st" '>=' 10)" "$sm" "$(verdict "$sm" '>=' 3)"
	fi
fi

# The workbook past Excel's row limit (issue 19): a log of more than 1,048,576 cases; its workbook
# continues on "Cases (2)", and every figure of its JSON is recomputed from the workbook's own
# tables (tests/lib/xlsx_recompute.py, some minutes and about 3 GB for openpyxl). BENCH_BIGBOOK=0
# skips it.
if [ "${BENCH_BIGBOOK:-1}" != 0 ]; then
	echo
	dataset bigbook 7700000
	dir=build/bench/bigbook
	rm -rf "$dir/out"
	/usr/bin/time -v "$BOARDPACK" build "$dir/pack.ini" --out "$dir/out" --json --no-pdf --timings \
		2>"$dir/time.log" >/dev/null || { cat "$dir/time.log" >&2; exit 1; }
	printf 'workbook past the row limit: %s events, build without PDF %s s, peak RSS %s MB, workbook %s MB (%s)\n' \
		"$(cat "$dir/rows")" "$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$dir/time.log")" \
		"$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$dir/time.log")" \
		"$(calc "$(stat -c %s "$dir/out/board-pack-2026-Q3.xlsx") / 1000000")" \
		"$(grep 'timing: xlsx' "$dir/time.log" | sed 's/^boardpack: timing: *//')"
	"$PYTHON" tests/lib/xlsx_recompute.py "$dir/out/board-pack-2026-Q3.json" "$dir/out/board-pack-2026-Q3.xlsx" |
		tail -n 5 | sed 's/^/  /'
fi
