#!/usr/bin/env bash
# What goes wrong is said clearly, through diag, with a non-zero exit and no PDF: a missing font file,
# unknown figure kinds and malformed figure lines (naming the block and what was expected), a missing
# or unreadable logo. A character the font lacks is one warning per distinct character. A PNG logo
# with a tRNS chunk (which crashes libharu's own PNG loader) works, as does a logo with alpha.
set -u
status=0
fail() { echo "FAIL: $*"; status=1; }
printf '# Hello\n\nSome text.\n' >"$WORK/ok.md"

# expect_error NAME MDFILE PATTERN [mdpdf args...]
expect_error() {
	local name=$1 md=$2 pattern=$3
	shift 3
	rm -f "$WORK/out.pdf"
	"$TOOLS/mdpdf" "$md" "$WORK/out.pdf" "$@" 2>"$WORK/$name.err"
	local rc=$?
	[ $rc -ne 0 ] || fail "$name: exit 0"
	grep -q -- "$pattern" "$WORK/$name.err" || { fail "$name: no message matching '$pattern'; stderr:"; cat "$WORK/$name.err"; }
	[ -e "$WORK/out.pdf" ] && fail "$name: a PDF was written"
}

expect_error missing-font "$WORK/ok.md" "^boardpack: $WORK/nope.ttf: error: font file cannot be read: No such file or directory" \
	--font-regular "$WORK/nope.ttf"
expect_error missing-bold "$WORK/ok.md" "nope-bold.ttf: error: font file cannot be read" --font-bold "$WORK/nope-bold.ttf"
printf 'not a font' >"$WORK/bad.ttf"
expect_error bad-font "$WORK/ok.md" "bad.ttf: error: not a TrueType font" --font-regular "$WORK/bad.ttf"

fig() { printf '# Figures\n\n```figure cards\n61 %% | got it | detail | good\n```\n\n%s\n' "$1" >"$WORK/fig.md"; }

fig $'```figure pie\na | 1\n```'
expect_error unknown-kind "$WORK/fig.md" \
	'boardpack: template: error: figure block 2: unknown kind "pie" (expected one of cover, cards, trend, bars, heatmap, multiples)'
fig $'```figure trend target=0.8\n2026-Q1 | 10\n```'
expect_error trend-fields "$WORK/fig.md" \
	'figure block 2 (```figure trend): line 1: expected "period | cases | successful" (whole numbers, successful at most cases), got "2026-Q1 | 10"'
fig $'```figure trend\n2026-Q1 | 10 | 11\n```'
expect_error trend-more-than-cases "$WORK/fig.md" 'figure block 2 (```figure trend): line 1: expected "period | cases | successful"'
fig $'```figure trend target=high\n2026-Q1 | 10 | 5\n```'
expect_error bad-target "$WORK/fig.md" 'figure block 2 (```figure trend): target="high" is not a fraction from 0 to 1'
fig $'```figure heatmap min=30\n| A | B |\nJourney | 1/2 | 3/x |\n```'
expect_error heatmap-cell "$WORK/fig.md" 'figure block 2 (```figure heatmap): line 2: cell 2 "3/x" is not "successful/cases"'
fig $'```figure heatmap\n| A | B |\nJourney | 1/2 |\n```'
expect_error heatmap-width "$WORK/fig.md" 'line 2: expected "journey | cell | …" with 2 cells, got 1'
fig $'```figure bars\nBilling | lots | many\n```'
expect_error bars-value "$WORK/fig.md" 'figure block 2 (```figure bars): line 1: expected "label | value | display" (value a number)'
fig $'```figure cards\n1 | a | b | excellent\n```'
expect_error card-tone "$WORK/fig.md" 'tone "excellent" is not good, bad or neutral'
fig $'```figure cover\nsubtitle | x\n```'
expect_error cover-key "$WORK/fig.md" 'unknown key "subtitle"'
fig $'```figure multiples\nA | 0.8 | 2026-Q1:10\n```'
expect_error multiples-point "$WORK/fig.md" '"2026-Q1:10" is not period:cases:successful'
# Every bad block is reported, not just the first, and each once (a heading looks ahead at what follows).
printf '# Heading\n\n```figure pie\n```\n\n## Another\n\n```figure bars\nx | y\n```\n' >"$WORK/two.md"
expect_error two-bad "$WORK/two.md" "figure block 1"
grep -q "figure block 2" "$WORK/two-bad.err" || fail "only the first bad block was reported"
[ "$(wc -l <"$WORK/two-bad.err")" = 2 ] || { fail "expected exactly two messages:"; cat "$WORK/two-bad.err"; }

expect_error missing-logo "$WORK/ok.md" "$WORK/logo-missing.png: error: logo cannot be read" --logo "$WORK/logo-missing.png"
printf 'GIF89a------' >"$WORK/logo.gif"
expect_error gif-logo "$WORK/ok.md" "logo.gif: error: logo is not a PNG or JPEG image" --logo "$WORK/logo.gif"
printf '\x89PNG\r\n\x1a\nbroken' >"$WORK/broken.png"
expect_error broken-png "$WORK/ok.md" "broken.png: error: logo is not a readable PNG image" --logo "$WORK/broken.png"

# PNG logos: RGB with tRNS, and RGBA.
"$PYTHON" - "$WORK" <<'PY'
import struct, sys, zlib
def png(path, color_type, pixel, extra=b""):
    w, h = 40, 20
    raw = b"".join(b"\0" + pixel * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
    data += extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
def trns(rgb):
    d = struct.pack(">HHH", *rgb)
    return struct.pack(">I", len(d)) + b"tRNS" + d + struct.pack(">I", zlib.crc32(b"tRNS" + d) & 0xFFFFFFFF)
png(sys.argv[1] + "/trns.png", 2, bytes([31, 95, 168]), trns((255, 255, 255)))
png(sys.argv[1] + "/rgba.png", 6, bytes([31, 95, 168, 128]))
PY
printf '```figure cover\ntitle | With a logo\n```\n# Next\n\nText.\n' >"$WORK/cover.md"
for logo in trns rgba; do
	rm -f "$WORK/logo-$logo.pdf"
	"$TOOLS/mdpdf" "$WORK/cover.md" "$WORK/logo-$logo.pdf" --logo "$WORK/$logo.png" 2>"$WORK/$logo.err" ||
		{ fail "$logo.png logo: exit $?"; cat "$WORK/$logo.err"; }
	n=$(pdfimages -list "$WORK/logo-$logo.pdf" 2>/dev/null | awk 'NR > 2' | wc -l)
	[ "$n" = 1 ] || fail "$logo.png: expected one image in the PDF, found $n"
	pdfimages -list "$WORK/logo-$logo.pdf" 2>/dev/null | awk 'NR == 3 { exit !($4 == 40 && $5 == 20 && $6 == "rgb") }' ||
		fail "$logo.png: not embedded as a 40×20 RGB image"
done
# The cover ends its page: "Next" is on page 2.
pdftotext -f 2 -l 2 "$WORK/logo-trns.pdf" - | grep -q "^Next" || fail "the cover did not end its page"

# A character the fonts lack: one warning per distinct character, and the PDF is still written.
printf '# 漢字\n\n漢字 and 漢 again, and **漢** in bold; also 😀.\n' >"$WORK/cjk.md"
"$TOOLS/mdpdf" "$WORK/cjk.md" "$WORK/cjk.pdf" 2>"$WORK/cjk.err" || fail "missing glyphs stopped the build"
[ "$(grep -c 'U+6F22 (漢)' "$WORK/cjk.err")" = 1 ] || { fail "U+6F22 not warned exactly once:"; cat "$WORK/cjk.err"; }
[ "$(grep -c 'U+5B57 (字)' "$WORK/cjk.err")" = 1 ] || fail "U+5B57 not warned exactly once"
[ "$(grep -c 'U+1F600 (😀)' "$WORK/cjk.err")" = 1 ] || fail "U+1F600 not warned"
grep -q "warning: the font has no glyph for U+6F22" "$WORK/cjk.err" || { fail "warning wording:"; cat "$WORK/cjk.err"; }
[ "$(wc -l <"$WORK/cjk.err")" = 3 ] || { fail "expected 3 warnings:"; cat "$WORK/cjk.err"; }

# An unwritable output path.
"$TOOLS/mdpdf" "$WORK/ok.md" "$WORK/no/such/dir/out.pdf" 2>"$WORK/unwritable.err" && fail "unwritable path: exit 0"
grep -q "error: cannot write the PDF: No such file or directory" "$WORK/unwritable.err" ||
	{ fail "unwritable path:"; cat "$WORK/unwritable.err"; }

# Temporary font files are always removed, on success and on failure.
mkdir -p "$WORK/tmp"
TMPDIR=$WORK/tmp "$TOOLS/mdpdf" "$ROOT/tests/fixtures/pdf/sample.md" "$WORK/t.pdf" 2>/dev/null || fail "sample with TMPDIR"
TMPDIR=$WORK/tmp "$TOOLS/mdpdf" "$WORK/ok.md" "$WORK/no/such/dir/out.pdf" 2>/dev/null
[ -z "$(ls -A "$WORK/tmp")" ] || { fail "temporary files left behind:"; ls -la "$WORK/tmp"; }
TMPDIR=$WORK/no-such-tmp "$TOOLS/mdpdf" "$WORK/ok.md" "$WORK/t2.pdf" 2>"$WORK/tmpdir.err" && fail "missing TMPDIR: exit 0"
grep -q "cannot create a temporary font file" "$WORK/tmpdir.err" || { fail "missing TMPDIR:"; cat "$WORK/tmpdir.err"; }

[ $status -eq 0 ] && echo "errors reported"
exit $status
