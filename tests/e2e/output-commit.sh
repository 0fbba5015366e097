#!/usr/bin/env bash
# A run's files are put in place all or nothing, one run at a time, with the umask's permissions
# (issue 16, items 1, 2 and 9; docs/robustness.md, "Outputs are never harmed"):
#  - a folder at one final name: exit 3 before any rename; every earlier file byte-identical;
#  - a rename failing part-way through the commit (strace injects EACCES into the 5th): exit 3,
#    the renames already made are undone; every earlier file byte-identical;
#  - two runs into one folder, the first one's renames slowed down by strace: the second says it
#    waits, and the folder ends with one run's files, every one matching the manifest;
#  - outputs are 0600 under umask 077, 0664 under 002; every temporary file is created with
#    O_EXCL and never opened again by name; the workbook's private folder is 0700.
set -u
fail() { echo "FAIL: $*"; exit 1; }
src=$ROOT/samples/northwind
cd "$WORK"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
run() { "$BOARDPACK" build "$src/pack.ini" --split-by region "$@"; }
# every file manifest.csv lists has the bytes and SHA-256 it gives; every pack file is listed
manifest_ok() {
	"$PYTHON" - "$1" <<'PY'
import csv, hashlib, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "manifest.csv"), newline="")))
listed = {r["file"] for r in rows}
for r in rows:
    data = open(os.path.join(d, r["file"]), "rb").read()
    if hashlib.sha256(data).hexdigest() != r["sha256"] or len(data) != int(r["bytes"]):
        sys.exit(f"{r['file']} does not match manifest.csv")
for f in os.listdir(d):
    if f.startswith("board-pack-") and f not in listed:
        sys.exit(f"{f} is not in manifest.csv")
PY
}
no_hidden() { if ls -A "$1" | grep -q '^\.'; then ls -A "$1"; fail "$2: hidden files left"; fi; }

run --out out --quiet || fail "the good run failed"
manifest_ok out || fail "the good run's manifest"
cp -a out good

# 1. a folder where one pack goes: nothing is replaced (SOURCE_DATE_EPOCH changes the PDF and
# workbook bytes, so a file replaced would show)
rm out/board-pack-2026-Q3-south.xlsx
mkdir out/board-pack-2026-Q3-south.xlsx
SOURCE_DATE_EPOCH=86400 run --out out --quiet 2>folder.err
[ $? -eq 3 ] || { cat folder.err; fail "a folder at a final name: exit status, expected 3"; }
grep -q 'board-pack-2026-Q3-south.xlsx: error: cannot put the finished file in place: a folder has this name' folder.err ||
	{ cat folder.err; fail "a folder at a final name: no clear message"; }
rmdir out/board-pack-2026-Q3-south.xlsx
cp good/board-pack-2026-Q3-south.xlsx out/
diff -r good out >/dev/null || fail "a folder at a final name: the failed run replaced other files"
no_hidden out "a folder at a final name"

# 1. a rename that fails part-way: the ones made are undone
SOURCE_DATE_EPOCH=86400 strace -f -qq -o /dev/null -e inject=rename:error=EACCES:when=5 \
	"$BOARDPACK" build "$src/pack.ini" --split-by region --out out --quiet 2>inject.err
[ $? -eq 3 ] || { cat inject.err; fail "a failed rename: exit status, expected 3"; }
grep -q 'cannot put the finished file in place: Permission denied' inject.err || { cat inject.err; fail "a failed rename: no message"; }
diff -r good out >/dev/null || fail "a failed rename part-way: earlier files or the manifest changed"
no_hidden out "a failed rename"

# 2. two runs at once: the first holds each rename back 0.3 s; the second starts once the first
# has put a file in place, and must wait for it
SOURCE_DATE_EPOCH=86400 strace -f -qq -o /dev/null -e inject=rename:delay_enter=300000 \
	"$BOARDPACK" build "$src/pack.ini" --split-by region --out out --quiet 2>first.err &
first=$!
for _ in $(seq 600); do
	changed=0
	for f in good/*; do cmp -s "$f" "out/$(basename "$f")" || changed=1; done
	[ $changed = 1 ] && break
	sleep 0.05
done
[ $changed = 1 ] || { kill "$first"; fail "the first run never put a file in place"; }
SOURCE_DATE_EPOCH=172800 run --out out 2>second.err
second=$?
wait "$first"; first_rc=$?
[ $first_rc -eq 0 ] || { cat first.err; fail "concurrent runs: the first failed"; }
[ $second -eq 0 ] || { cat second.err; fail "concurrent runs: the second failed"; }
grep -q 'out: note: another boardpack run is writing to this output folder; waiting for it to finish' second.err ||
	{ cat second.err; fail "concurrent runs: the second did not say it waits"; }
manifest_ok out || fail "concurrent runs mixed their files"
no_hidden out "concurrent runs"
echo "commit: all or nothing; concurrent runs one after the other"

# 9. permissions follow the umask; temporary files are never reopened by name
(umask 077 && run --out private --quiet) || fail "the run under umask 077 failed"
modes=$(stat -c %a private/* | sort -u | tr '\n' ' ')
[ "$modes" = "600 " ] || fail "under umask 077 the outputs are $modes, expected 600"
(umask 002 && run --out group --quiet) || fail "the run under umask 002 failed"
modes=$(stat -c %a group/* | sort -u | tr '\n' ' ')
[ "$modes" = "664 " ] || fail "under umask 002 the outputs are $modes, expected 664"
strace -f -qq -o trace -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2 "$BOARDPACK" build "$src/pack.ini" \
	--split-by region --out traced --quiet || fail "the traced run failed"
"$PYTHON" - trace <<'PY' || fail "a temporary file is opened by name, or a workbook is copied instead of renamed"
import re, sys
seen = taken = 0
for line in open(sys.argv[1]):
    m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+)', line)
    if m and "/.board-pack-" in m.group(1) + "/" and ".tmp." in m.group(1):
        seen += 1
        if "O_EXCL" not in m.group(2):
            sys.exit(f"reopened by name: {line.strip()}")
    m = re.search(r'mkdir(?:at)?\((?:AT_FDCWD, )?"([^"]*\.d\.[^"]*)", (0\d+)', line)
    if m and m.group(2) != "0700":
        sys.exit(f"private folder not 0700: {line.strip()}")
    # the workbook libxlsxwriter wrote in its private folder becomes the temporary file (one
    # rename, no copy of its bytes)
    m = re.search(r'rename(?:at2?)?\((?:AT_FDCWD, )?"([^"]*)", (?:AT_FDCWD, )?"([^"]*)"', line)
    if m and re.search(r"/\.board-pack-[^/]*\.xlsx\.d\.[^/]+/board-pack-[^/]*\.xlsx$", m.group(1)) \
            and re.search(r"/\.board-pack-[^/]*\.xlsx\.tmp\.[^/]+$", m.group(2)):
        taken += 1
if seen < 10:
    sys.exit(f"only {seen} temporary files seen in the trace")
books = len([f for f in __import__("os").listdir("traced") if f.endswith(".xlsx")])
if taken != books or books < 2:
    sys.exit(f"{taken} workbooks renamed from their private folder, expected {books} (at least 2)")
PY
echo "permissions: 600 under umask 077, 664 under 002; temporary files written through their descriptor; each workbook renamed, not copied, from its private folder"
