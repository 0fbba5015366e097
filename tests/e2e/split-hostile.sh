#!/usr/bin/env bash
# Hostile region names with --split-by region: '/', '..', control characters, 500 bytes,
# Latin, Greek, Cyrillic and Chinese names, and two names with one slug. Every file is written
# inside the output folder under an ASCII slug (letters, digits, hyphens); clashes get -2, -3
# with a warning; the real name appears inside the documents and in the manifest; nothing is
# written anywhere else.
set -eu
src=$ROOT/samples/northwind
mkdir -p "$WORK/run/in"
cp "$src/kpis.csv" "$src/customers.csv" "$src/actions.csv" "$WORK/run/in/"
sed -e 's|^template *=.*||' "$src/pack.ini" >"$WORK/run/in/pack.ini"
"$PYTHON" - "$src/journeys.csv" "$WORK/run/in/journeys.csv" <<'PY'
import csv, sys
names = ["Île-de-France", "ILE DE FRANCE", "../../etc", "a/b", "x\x01y", "R" * 500,
         "Москва", "Αθήνα", "北京", "上海", "..", "Zürich ß"]
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
i = rows[0].index("region")
ids = {}
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        r[i] = names[ids.setdefault(r[0], len(ids)) % len(names)]
        w.writerow(r)
PY
# strace lists every file the build creates, writes, renames or removes (LeakSanitizer cannot
# run under ptrace: leaks are checked by the other tests of an ASan build)
(cd "$WORK/run/in" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,open,creat,rename,renameat,renameat2,mkdir,mkdirat,unlink,unlinkat \
	-o "$WORK/trace" "$BOARDPACK" build pack.ini --out ../out --split-by region --no-xlsx --json) 2>"$WORK/err" ||
	{ echo "build failed"; cat "$WORK/err"; exit 1; }
"$PYTHON" - "$WORK/trace" "$WORK/run/out" "$WORK/run/in" <<'PY'
import os, re, sys
trace, out, cwd = sys.argv[1:4]
out = os.path.realpath(out)
# the system's temporary folder is allowed (cli.md) for files that are removed again
tmpdir = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
bad, temps, removed = [], set(), set()
for line in open(trace, encoding="utf-8", errors="replace"):
    u = re.search(r'unlink(?:at)?\((?:AT_FDCWD, )?"((?:[^"\\]|\\.)*)"', line)
    if u:  # a removal, finished or not (strace splits calls of threads running at once)
        full = os.path.realpath(os.path.join(cwd, u.group(1)))
        removed.add(full)
        if not (full.startswith(out + "/") or full.startswith(tmpdir + "/")):
            bad.append(line.strip())
        continue
    m = re.search(r'(openat|open|creat|rename|renameat2?|mkdirat|mkdir|unlinkat|unlink)\((.*)\)\s+=\s+(-?\d+)', line)
    if not m or int(m.group(3)) < 0:
        continue
    call, args = m.group(1), m.group(2)
    if call.startswith("open") and not re.search(r"O_WRONLY|O_RDWR|O_CREAT", args):
        continue
    for p in re.findall(r'"((?:[^"\\]|\\.)*)"', args):
        full = os.path.realpath(os.path.join(cwd, p))
        if p.startswith("/dev/") or full == out:
            continue
        if full.startswith(out + "/"):
            continue
        if full.startswith(tmpdir + "/"):
            (removed if call.startswith("unlink") else temps).add(full)
            continue
        bad.append(line.strip())
bad += [f"{p}: created in the temporary folder and never removed" for p in sorted(temps - removed)]
if bad:
    sys.exit("written outside the output folder:\n" + "\n".join(bad))
PY
ls -A "$WORK/run/out" >"$WORK/files"
if grep -v -E '^(board-pack-2026-Q3(-[a-z0-9]+(-[a-z0-9]+)*)?\.(pdf|json)|manifest\.(csv|json))$' "$WORK/files"; then
	echo "file names that are not slugs"; exit 1
fi
[ -z "$(find "$WORK/run" -mindepth 1 -not -path "$WORK/run/in*" -not -path "$WORK/run/out*")" ] ||
	{ echo "files beside the output folder:"; find "$WORK/run"; exit 1; }
for slug in ile-de-france ile-de-france-2 etc a-b x-y moskva athina region region-2 region-3 zurich-ss \
	rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr; do
	grep -qx "board-pack-2026-Q3-$slug.pdf" "$WORK/files" || { echo "no pack named $slug"; cat "$WORK/files"; exit 1; }
done
grep -q 'warning: region "Île-de-France" has the same file name as another region; its pack is named ile-de-france-2' "$WORK/err" ||
	{ echo "no warning for the clash"; cat "$WORK/err"; exit 1; }
grep -q '^boardpack: x\\x01y: 2026-Q3' "$WORK/err" || { echo "control character not shown escaped"; cat -A "$WORK/err"; exit 1; }
# the real names inside the documents
pdftotext -l 1 "$WORK/run/out/board-pack-2026-Q3-moskva.pdf" - | grep -q "Москва" || { echo "Москва not on the cover"; exit 1; }
pdftotext -l 1 "$WORK/run/out/board-pack-2026-Q3-athina.pdf" - | grep -q "Αθήνα" || { echo "Αθήνα not on the cover"; exit 1; }
pdftotext -l 1 "$WORK/run/out/board-pack-2026-Q3-etc.pdf" - | grep -qF "../../etc" || { echo "../../etc not on the cover"; exit 1; }
"$PYTHON" - "$WORK/run/out" <<'PY'
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/manifest.csv", newline="", encoding="utf-8")))
by_region = {r["region"]: r for r in rows if r["kind"] == "json"}
assert by_region["x\x01y"]["region_slug"] == "x-y"
assert by_region["R" * 500]["region_slug"] == "r" * 60
assert by_region["Москва"]["file"] == "board-pack-2026-Q3-moskva.json"
for r in rows:
    if r["kind"] == "json":
        assert json.load(open(f"{out}/{r['file']}", encoding="utf-8"))["region"] == (r["region"] or None), r["file"]
print(len(rows), "files; real names in the manifest and the JSON")
PY
