#!/usr/bin/env bash
# Two builds from the same inputs are byte-identical (created comes from the data, not the clock).
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
"$TOOLS/xlsxgen" "$fixture" "$WORK/a.xlsx" --cases 200 --odd || exit 1
sleep 1
"$TOOLS/xlsxgen" "$fixture" "$WORK/b.xlsx" --cases 200 --odd || exit 1
cmp "$WORK/a.xlsx" "$WORK/b.xlsx" || { echo "two builds differ"; exit 1; }
echo "two builds are byte-identical"
