#!/usr/bin/env bash
# make bench: boardpack's speed and memory on event logs of many shapes (the matrix of issue 22),
# each measured side by side with a pandas peer (bench/peer.py) in the same run: the full pack
# (wall time, peak RSS and stage times under /usr/bin/time -v with --timings), and reading and
# case derivation of journeys.csv alone (build/readbench, bench/readbench.c) on one core against
# libcsv's own speed, and on both cores. Not a test: nothing here passes or fails; it prints
# figures to compare, and one Markdown table of them at the end.
#
# Shapes: "northwind" is the samples generator's log (build/northwind-gen --events N: about 7
# events a case, rows grouped by case, clean); every other shape is bench/shapegen.c's, named
# k<EVENTS A CASE>-<CUSTOMERS>-<ORDER>-<MESS>:
#   EVENTS A CASE  1, 2, 4, 8, 20 (any number), spread (1 to 30, mean 8) or real (20 to 80 a case,
#                  12 departments, a hand-off at most rows: the shape of BPI Challenge 2012/2017)
#   CUSTOMERS      unique (a customer a case) or few (about 200 cases a customer)
#   ORDER          time (every row in time order, cases interleaved), case (grouped by case),
#                  shuffled (random order)
#   MESS           clean, messy (3 % of cases with a row whose customer id disagrees, 2 % of
#                  rows rejected: bad timestamp, unknown demand, unknown outcome; 1 % in capitals),
#                  rejected (as messy, with 30 % of rows rejected: hundreds of thousands of
#                  data-quality notes), or quoted (clean, every field quoted, CRLF line ends: a CRM or database export)
# Datasets are generated once and cached under build/bench/SHAPE-SIZE/ (regenerated when
# build/shapegen is newer).
#
# Environment (set by the Makefile): BOARDPACK, GEN, SHAPEGEN, READBENCH, PYTHON; and
#   BENCH_SIZES        "1m 10m" (default), or one of them; "100k" tries the script quickly
#   BENCH_SHAPES       the 1 M shapes (default: the whole matrix below)
#   BENCH_SHAPES_10M   the 10 M shapes (default: the worst ones, 10 M unique cases included)
#   BENCH_PEER_FULL    the 1 M shapes on which the peer also writes boardpack's tables (Cases,
#                      Touches, Customers: about 2 minutes a shape); "all", or "none"
#   BENCH_BIGBOOK=0    skips the workbook past Excel's row limit (some minutes, about 3 GB)
set -eu
cd "$(dirname "$0")/.."
root=$PWD
BOARDPACK=${BOARDPACK:-$root/build/boardpack}
GEN=${GEN:-$root/build/northwind-gen}
SHAPEGEN=${SHAPEGEN:-$root/build/shapegen}
READBENCH=${READBENCH:-$root/build/readbench}
PYTHON=${PYTHON:-/usr/bin/python3}
sizes=${BENCH_SIZES:-1m 10m}
shapes1m=${BENCH_SHAPES:-northwind k1-unique-time-clean k2-unique-time-clean k4-unique-time-clean
	k4-unique-shuffled-clean k4-unique-shuffled-messy k4-few-time-clean k8-unique-case-clean
	k8-few-shuffled-messy k20-unique-time-clean k20-few-case-messy kspread-unique-time-messy
	kreal-unique-time-clean k8-unique-shuffled-quoted k4-unique-shuffled-rejected}
shapes10m=${BENCH_SHAPES_10M:-northwind k1-unique-time-clean k4-unique-shuffled-messy kreal-unique-time-clean}
peer_full=${BENCH_PEER_FULL:-northwind k4-unique-shuffled-messy kreal-unique-time-clean}
export BOARDPACK_DATADIR=$root

# the generator's arguments for a shape name, or "northwind"
shape_args() { # shape
	[ "$1" = northwind ] && { echo northwind; return; }
	local k c o m
	IFS=- read -r k c o m <<<"$1"
	case $k in k[0-9]*|kspread|kreal) ;; *) return 1 ;; esac
	case $c in unique|few) ;; *) return 1 ;; esac
	case $o in time|case|shuffled) ;; *) return 1 ;; esac
	case $m in clean|messy|rejected|quoted) ;; *) return 1 ;; esac
	echo "--per-case ${k#k} --customers $c --order $o --mess $m"
}

dataset() { # shape size events -> the dataset's folder, generated unless cached
	local dir=build/bench/$1-$2 args
	args=$(shape_args "$1") || { echo "bench: unknown shape $1 (see bench/run.sh)" >&2; exit 1; }
	if [ ! -s "$dir/journeys.csv" ] || [ "$(cat "$dir/args" 2>/dev/null)" != "$args $3" ] ||
		{ [ "$1" != northwind ] && [ "$SHAPEGEN" -nt "$dir/args" ]; }; then
		echo "generating $1 ($3 events) into $dir …" >&2
		rm -rf "$dir" && mkdir -p "$dir"
		if [ "$1" = northwind ]; then
			"$GEN" --events "$3" --out "$dir" >/dev/null
		else
			# shellcheck disable=SC2086 # the arguments are words
			"$SHAPEGEN" --events "$3" $args --out "$dir" >/dev/null
			cp samples/northwind/kpis.csv "$dir/"
		fi
		# pack.ini names actions.csv too ([inputs]); its template is the installed one
		cp samples/northwind/actions.csv "$dir/"
		grep -v '^template *=' samples/northwind/pack.ini >"$dir/pack.ini"
		echo $(($(wc -l <"$dir/journeys.csv") - 1)) >"$dir/rows"
		echo "$args $3" >"$dir/args"
	fi
	echo "$dir"
}

seconds() { # /usr/bin/time -v log -> wall seconds
	awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$1"
}
peak_mb() { # /usr/bin/time -v log -> peak RSS in MB
	awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1"
}

# one build under /usr/bin/time -v: prints "wall rss_mb" and keeps the stage times
run_build() { # dir
	local dir=$1 log=$1/time.log
	rm -rf "$dir/out"
	/usr/bin/time -v "$BOARDPACK" build "$dir/pack.ini" --out "$dir/out" --json --timings 2>"$log" >/dev/null ||
		{ echo "bench: the build failed:" >&2; grep -v 'warning:\|note:' "$log" >&2; exit 1; }
	echo "$(seconds "$log") $(peak_mb "$log")"
}

best_of() { # dir runs -> fastest "wall rss" of the runs
	local best="" line
	for _ in $(seq "$2"); do
		line=$(run_build "$1")
		if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
			best=$line
			cp "$1/time.log" "$1/best.log" # the stage times shown are the fastest run's
			rm -rf "$1/best" && mv "$1/out" "$1/best"
		fi
	done
	echo "$best"
}

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

verdict() { # value op target
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "NOT met" }'
}

stage() { # log name -> the stage's seconds
	awk -v s="$2" '$2 == "timing:" && $3 == s {print $4}' "$1"
}

# The peer's journey rates against boardpack's JSON: the same period, and for every journey the
# same cases concluded, successful outcomes and rate to the last digit.
same_rates() { # boardpack_out peer_out
	"$PYTHON" - "$1" "$2" <<'PY'
import glob, json, sys
bp = json.load(open(glob.glob(sys.argv[1] + "/board-pack-*.json")[0]))
peer = json.load(open(sys.argv[2] + "/peer-rates.json"))
diff = []
if peer["period"].replace("Q", "-Q") != bp["period"]:
    diff.append(f"period {peer['period']} vs {bp['period']}")
mine = {j["journey"]: j for j in bp["journeys"] if j["cases_concluded"]}
if set(mine) != set(peer["journeys"]):
    diff.append(f"journeys {sorted(peer['journeys'])} vs {sorted(mine)}")
for name, p in peer["journeys"].items():
    b = mine.get(name)
    if b and (p["cases_concluded"], p["successful"], p["sco_rate"]) != (b["cases_concluded"], b["successful"], b["sco_rate"]):
        diff.append(f"{name}: {p['cases_concluded']} {p['successful']} {p['sco_rate']!r} vs "
                    f"{b['cases_concluded']} {b['successful']} {b['sco_rate']!r}")
print("equal" if not diff else "DIFFER: " + "; ".join(diff))
PY
}

have_peer=1
"$PYTHON" -c 'import pandas, xlsxwriter, reportlab' 2>/dev/null || {
	have_peer=0
	echo "peer: skipped — install python3-pandas python3-xlsxwriter python3-reportlab (Debian) to compare"
}

run_peer() { # dir mode -> "wall rss" (the peer's output in DIR/peer-MODE)
	local out=$1/peer-$2 log=$1/peer-$2.log
	rm -rf "$out"
	/usr/bin/time -v "$PYTHON" bench/peer.py --mode "$2" "$1" "$out" >/dev/null 2>"$log" ||
		{ cat "$log" >&2; exit 1; }
	echo "$(seconds "$log") $(peak_mb "$log")"
}

in_list() { # word list...
	local w=$1; shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) — other work on the machine skews the figures"
echo "command: BENCH_SIZES=\"$sizes\" BENCH_SHAPES=\"$(echo $shapes1m)\" BENCH_SHAPES_10M=\"$(echo $shapes10m)\" BENCH_PEER_FULL=\"$(echo $peer_full)\" bench/run.sh"
# the table's rows, kept until the next run (build/bench/table.md, peers.md)
mkdir -p build/bench
table=build/bench/table.md peers=build/bench/peers.md
: >"$table"
: >"$peers"
declare -A wall1m
for size in $sizes; do
	case $size in
	1m) events=1000000 list=$shapes1m runs=2 rbruns=3 ;;
	100k) events=100000 list=$shapes1m runs=1 rbruns=1 ;; # a quick try of the script itself
	10m) events=10000000 list=$shapes10m runs=1 rbruns=1 ;;
	*) echo "unknown size $size" >&2; exit 1 ;;
	esac
	for shape in $list; do
		dir=$(dataset "$shape" "$size" "$events")
		load=$(cut -d' ' -f1 /proc/loadavg)
		best=$(best_of "$dir" $runs) # (not inside "read <<<", which would hide a failed build)
		read -r w r <<<"$best"
		bytes=$(stat -c %s "$dir/journeys.csv"); rows=$(cat "$dir/rows"); mb=$(calc "$bytes / 1000000")
		read_s=$(stage "$dir/best.log" read); xlsx_s=$(stage "$dir/best.log" xlsx)
		one=$("$READBENCH" --runs $rbruns "$dir/pack.ini")
		cases=$(sed -n '1s/.* rows, \([0-9]*\) cases;.*/\1/p' <<<"$one")
		rate1=$(sed -n '1s/.*, \([0-9]*\) MB\/s$/\1/p' <<<"$one")
		libcsv=$(sed -n '2s/.*: [0-9.]* s, \([0-9]*\) MB\/s;.*/\1/p' <<<"$one")
		pct=$(sed -n '2s/.* at \([0-9]*\) % of.*/\1/p' <<<"$one")
		rate2=$("$READBENCH" --runs $rbruns --cores 2 --no-reference "$dir/pack.ini" | sed -n 's/.*, \([0-9]*\) MB\/s$/\1/p')
		printf '\n%s, %s: %s events, %s cases, journeys.csv %.0f MB (load %s)\n' "$shape" "$size" "$rows" "$cases" "$mb" "$load"
		printf '  full build (PDF + XLSX + JSON), best of %d: %.2f s, peak RSS %d MB; read %s s, xlsx %s s\n' \
			"$runs" "$w" "$r" "$read_s" "$xlsx_s"
		grep 'timing:' "$dir/best.log" | sed 's/^boardpack: timing: /    /'
		printf '  reading on one core %s MB/s, %s %% of libcsv alone (%s MB/s); on both cores %s MB/s\n' \
			"$rate1" "$pct" "$libcsv" "$rate2"
		v="≤ 1.0 s: $(verdict "$w" '<=' 1.0)"
		[ "$size" = 10m ] && v="≤ 10 s: $(verdict "$w" '<=' 10); ≤ 1.2 GB: $(verdict "$r" '<=' 1200)"
		v="$v; read ≥ 50 %: $(verdict "$pct" '>=' 50); 2 cores > libcsv: $(verdict "$rate2" '>=' "$libcsv")"
		if [ "$size" = 1m ]; then
			wall1m[$shape]=$w
		elif [ -z "${wall1m[$shape]:-}" ] && [ -s "build/bench/$shape-1m/best.log" ]; then
			# not run at 1 M this time: the cached 1 M run's wall time (BENCH_SIZES=10m)
			wall1m[$shape]=$(seconds "build/bench/$shape-1m/best.log")
		fi
		if [ "$size" = 10m ] && [ -n "${wall1m[$shape]:-}" ]; then
			lin=$(calc "$w / ${wall1m[$shape]}")
			v="$v; 10 M / 1 M $(printf %.1f "$lin") ≤ 11: $(verdict "$lin" '<=' 11)"
		fi
		printf '| %s | %s | %s | %.0f | %.2f | %d | %s | %s | %s | %s | %s (%s) | %s | %s |\n' "$shape" "$size" "$cases" "$mb" "$w" "$r" \
			"$read_s" "$xlsx_s" "$rate1" "$pct" "$rate2" "$libcsv" "$load" "$v" >>"$table"
		if [ "$size" != 10m ] && [ $have_peer = 1 ]; then
			best=$(run_peer "$dir" light)
			read -r lw lr <<<"$best"
			same=$(same_rates "$dir/best" "$dir/peer-light")
			printf '  peer, light workbook: %.2f s, %d MB: boardpack %.1fx faster, %.1fx less memory; rates %s\n' \
				"$lw" "$lr" "$(calc "$lw / $w")" "$(calc "$lr / $r")" "$same"
			fw="" fr="" fs="" fm=""
			if [ "$peer_full" = all ] || in_list "$shape" $peer_full; then
				best=$(run_peer "$dir" full)
				read -r fw fr <<<"$best"
				fs=$(printf %.1f "$(calc "$fw / $w")"); fm=$(printf %.1f "$(calc "$fr / $r")")
				same="$same, $(same_rates "$dir/best" "$dir/peer-full")"
				printf '  peer, full workbook (Cases, Touches, Customers): %.2f s, %d MB: boardpack %sx faster, %sx less memory; rates %s\n' \
					"$fw" "$fr" "$fs" "$fm" "${same#*, }"
				fs="${fs}×" fm="${fm}×"
			fi
			printf '| %s | %.2f s, %d MB | %.2f s, %d MB | %.1f× | %.1f× | %s | %s | %s | %s |\n' "$shape" "$w" "$r" "$lw" "$lr" \
				"$(calc "$lw / $w")" "$(calc "$lr / $r")" "${fw:+$fw s, $fr MB}" "$fs" "$fm" "$same" >>"$peers"
		fi
	done
done

echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| shape | size | cases | MB | wall s | RSS MB | read s | xlsx s | 1 core MB/s | % of libcsv | 2 cores MB/s (libcsv, 1 core) | load | verdicts (issue 22) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
cat "$table"
if [ -s "$peers" ]; then
	echo
	echo "Against the peer (1 M; light: the workbook of before issue 19, Journeys and the quarter's cases;"
	echo "full: boardpack's tables too, Cases, Touches and Customers, XlsxWriter constant_memory)."
	echo "Targets: ≥ 10× faster, ≥ 3× less memory."
	echo
	echo "| shape | boardpack | peer, light | faster | less memory | peer, full | faster | less memory | rates (light, full) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
	cat "$peers"
fi

# The workbook past Excel's row limit (issue 19): a log of more than 1,048,576 cases; its workbook
# continues on "Cases (2)", and every figure of its JSON is recomputed from the workbook's own
# tables (tests/lib/xlsx_recompute.py, some minutes and about 3 GB for openpyxl). BENCH_BIGBOOK=0
# skips it.
if [ "${BENCH_BIGBOOK:-1}" != 0 ]; then
	echo
	dir=build/bench/bigbook
	if [ ! -s "$dir/journeys.csv" ] || [ ! -s "$dir/actions.csv" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		"$GEN" --events 7700000 --out "$dir" >/dev/null
		cp samples/northwind/actions.csv "$dir/"
		grep -v '^template *=' samples/northwind/pack.ini >"$dir/pack.ini"
	fi
	rm -rf "$dir/out"
	/usr/bin/time -v "$BOARDPACK" build "$dir/pack.ini" --out "$dir/out" --json --no-pdf --timings \
		2>"$dir/time.log" >/dev/null || { cat "$dir/time.log" >&2; exit 1; }
	printf 'workbook past the row limit: %s events, build without PDF %s s, peak RSS %s MB, workbook %s MB (%s)\n' \
		"$(($(wc -l <"$dir/journeys.csv") - 1))" "$(seconds "$dir/time.log")" "$(peak_mb "$dir/time.log")" \
		"$(calc "$(stat -c %s "$dir/out/board-pack-2026-Q3.xlsx") / 1000000")" \
		"$(grep 'timing: xlsx' "$dir/time.log" | sed 's/^boardpack: timing: *//')"
	"$PYTHON" tests/lib/xlsx_recompute.py "$dir/out/board-pack-2026-Q3.json" "$dir/out/board-pack-2026-Q3.xlsx" |
		tail -n 5 | sed 's/^/  /'
fi
