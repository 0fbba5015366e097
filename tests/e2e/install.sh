#!/usr/bin/env bash
# make install with DESTDIR and PREFIX puts the binary, templates, fonts and man page in place,
# and the installed binary builds the demo pack from there (it finds its templates and fonts
# under share/boardpack beside its bin folder).
set -eu
# Built in a folder of its own: the binary holds PREFIX, and the flags are a dependency, so
# building in build/ would rebuild the binary the rest of the suite runs.
make -s -C "$ROOT" install BUILD="$WORK/build" DESTDIR="$WORK/root" PREFIX=/opt/bp >"$WORK/make.log" 2>&1 ||
	{ cat "$WORK/make.log"; exit 1; }
for f in bin/boardpack share/boardpack/templates/board-pack.md share/boardpack/templates/summary.md \
	share/boardpack/fonts/DejaVuSans.ttf share/boardpack/fonts/DejaVuSans-Bold.ttf share/man/man1/boardpack.1; do
	[ -f "$WORK/root/opt/bp/$f" ] || { echo "not installed: $f"; find "$WORK/root"; exit 1; }
done
[ -x "$WORK/root/opt/bp/bin/boardpack" ] || { echo "the binary is not executable"; exit 1; }
mkdir -p "$WORK/pack"
cp "$ROOT"/samples/northwind/*.csv "$WORK/pack/"
grep -v '^template *=' "$ROOT/samples/northwind/pack.ini" >"$WORK/pack/pack.ini"
env -u BOARDPACK_DATADIR "$WORK/root/opt/bp/bin/boardpack" build "$WORK/pack/pack.ini" --quiet
[ -s "$WORK/pack/out/board-pack-2026-Q3.pdf" ] || { echo "the installed binary wrote no PDF"; exit 1; }
grep -q '^\.TH BOARDPACK 1' "$WORK/root/opt/bp/share/man/man1/boardpack.1" || { echo "the man page is not a man page"; exit 1; }
echo "installed and built the demo pack"
