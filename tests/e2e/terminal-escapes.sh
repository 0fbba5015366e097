#!/usr/bin/env bash
# No text chosen by PACK.ini, a file name or a CSV value reaches the terminal raw (issue 16, item 4;
# diag.h states the rule): ESC and other C0 controls, DEL, C1 controls (U+009B), bidirectional
# overrides (U+202E, U+2066) and invalid UTF-8 are shown as \x1B, \u009B, \u202E, \xFF. Each run
# below puts such bytes where a message quotes them; stderr must be valid UTF-8 free of every one
# of them and must show the escapes.
set -u
fail() { echo "FAIL: $*"; exit 1; }
src=$ROOT/tests/cases/metrics-hand
cd "$WORK"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
clean() { # file, escapes that must appear...
	"$PYTHON" - "$@" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit(f"{sys.argv[1]}: not valid UTF-8 at byte {e.start}")
bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F
       or ord(c) in (0x61C, 0x200E, 0x200F) or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
if bad:
    sys.exit(f"{sys.argv[1]}: raw control characters {sorted(set(hex(ord(c)) for c in bad))}")
for want in sys.argv[2:]:
    if want not in text:
        sys.exit(f"{sys.argv[1]}: lacks {want}")
PY
}
fresh() { rm -rf "$1" && mkdir "$1" && cp "$src"/*.csv "$src/pack.ini" "$1/"; }

# an unknown key in PACK.ini holding ESC and a bidi override
fresh key
printf 'col\033[31mour\342\200\256 = red\n' >>key/pack.ini
"$BOARDPACK" build key/pack.ini --period 2026-Q3 --out key/out --json 2>key.err
[ $? -eq 1 ] || { cat key.err; fail "unknown key: exit status, expected 1"; }
clean key.err '\x1B[31m' '\u202E' || fail "unknown key"

# a bad value in PACK.ini with a C1 control (CSI, U+009B) and DEL
fresh value
sed -i "s/^period_length = quarter/period_length = q$(printf '\302\233')2J$(printf '\177')/" value/pack.ini
"$BOARDPACK" build value/pack.ini --period 2026-Q3 --out value/out --json 2>value.err
[ $? -eq 1 ] || { cat value.err; fail "bad value: exit status, expected 1"; }
clean value.err '\u009B2J\x7F' || fail "bad value"

# a file name with ESC and an isolate (U+2066)
fresh name
sed -i "s/^kpis = kpis.csv/kpis = k$(printf '\033')]0;x$(printf '\342\201\246').csv/" name/pack.ini
"$BOARDPACK" build name/pack.ini --period 2026-Q3 --out name/out --json 2>name.err
[ $? -eq 2 ] || { cat name.err; fail "file name: exit status, expected 2"; }
clean name.err '\x1B]0;x\u2066.csv' || fail "file name"

# CSV values: a rejected demand value with C1 and bidi controls, a department with invalid UTF-8
fresh csv
"$PYTHON" - csv/journeys.csv <<'PY'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\n")
lines.append(b"Z7,Moving home,2026-07-01T09:00:00Z,Sales,C1,x,web,maybe\xc2\x9b6n\xe2\x80\xae,,")
lines.append(b"Z8,Moving home,2026-07-01T09:00:00Z,Sa\xffles,C1,x,web,,,")
open(p, "wb").write(b"\n".join(lines))
PY
"$BOARDPACK" build csv/pack.ini --period 2026-Q3 --out csv/out --json --no-pdf --no-xlsx 2>csv.err
[ $? -eq 0 ] || { cat csv.err; fail "CSV values: exit status, expected 0"; }
clean csv.err '\u009B6n\u202E' '\xFF' || fail "CSV values"
echo "stderr: every control character, bidi override and invalid byte shown escaped"
