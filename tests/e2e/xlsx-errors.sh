#!/usr/bin/env bash
# Output problems are reported through diag ("cannot write the workbook: ...") with a non-zero exit.
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
status=0
"$TOOLS/xlsxgen" "$fixture" "$WORK/missing/dir/book.xlsx" 2>"$WORK/err1"
rc=$?
if [ $rc -eq 0 ] || ! grep -q "^boardpack: $WORK/missing/dir/book.xlsx: error: cannot write the workbook: No such file or directory" "$WORK/err1"; then
	echo "unwritable path: exit $rc, stderr:"; cat "$WORK/err1"; status=1
fi
if [ "$(wc -l <"$WORK/err1")" -ne 1 ]; then echo "unwritable path: expected one message:"; cat "$WORK/err1"; status=1; fi
if [ "$(id -u)" -ne 0 ]; then
	mkdir -p "$WORK/ro" && chmod 555 "$WORK/ro"
	"$TOOLS/xlsxgen" "$fixture" "$WORK/ro/book.xlsx" 2>"$WORK/err2" && { echo "read-only folder: exit 0"; status=1; }
	grep -q "cannot write the workbook" "$WORK/err2" || { echo "read-only folder:"; cat "$WORK/err2"; status=1; }
fi
# A temporary folder that does not exist.
"$TOOLS/xlsxgen" "$fixture" "$WORK/book.xlsx" --tmpdir "$WORK/no-such-tmp" 2>"$WORK/err3"
rc=$?
if [ $rc -eq 0 ] || ! grep -q "error: cannot write the workbook: temporary folder $WORK/no-such-tmp" "$WORK/err3"; then
	echo "missing tmpdir: exit $rc, stderr:"; cat "$WORK/err3"; status=1
fi
# A path that is a folder.
mkdir -p "$WORK/isdir.xlsx"
"$TOOLS/xlsxgen" "$fixture" "$WORK/isdir.xlsx" 2>"$WORK/err4" && { echo "folder as output: exit 0"; status=1; }
grep -q "cannot write the workbook: Is a directory" "$WORK/err4" || { echo "folder as output:"; cat "$WORK/err4"; status=1; }
[ $status -eq 0 ] && echo "output errors reported"
exit $status
