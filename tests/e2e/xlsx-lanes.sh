#!/usr/bin/env bash
# The long tables written on two threads (Touches and Customers beside Cases, --lanes 2 in the
# tool, any --jobs but 1 in boardpack) give the workbook written on one, byte for byte: the rows
# of three tables continued on further sheets, and texts that need cleaning on all three, whose
# notes on the Data quality sheet come in one order (Cases' first, then Touches', then
# Customers', each down its table).
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
for lanes in 1 2; do
	"$TOOLS/xlsxgen" "$fixture" "$WORK/l$lanes.xlsx" --cases 2600 --limit 1000 --odd --odd-ids \
		--lanes "$lanes" || { echo "xlsxgen --lanes $lanes failed"; exit 1; }
done
cmp "$WORK/l1.xlsx" "$WORK/l2.xlsx" || { echo "two lanes write another workbook than one"; exit 1; }
"$PYTHON" - "$WORK/l2.xlsx" <<'PY' || exit 1
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
names = wb.sheetnames
for want in ("Cases", "Cases (2)", "Cases (3)", "Touches", "Touches (2)", "Touches (4)", "Customers"):
    assert want in names, (want, names)
# the noted cells: every sheet and cell named on the Data quality sheet, in its order
dq = wb["Data quality"]
where = []
for row in dq.iter_rows(values_only=True):
    cells = [str(c) for c in row if c is not None]
    for c in cells:
        for sheet in ("Cases", "Touches", "Customers"):
            if c.startswith(sheet) and ("!" in c or c == sheet or c.startswith(sheet + " (")):
                where.append(c)
                break
sheets = [w.split("!")[0] for w in where]
assert sheets, "no note names a long table's sheet"
# in lanes' order: Cases..., then Touches..., then Customers
order = {"Cases": 0, "Touches": 1, "Customers": 2}
ranks = [order[s.split(" (")[0]] for s in sheets]
assert ranks == sorted(ranks), ("notes out of order", sheets[:20])
assert set(ranks) == {0, 1, 2}, ("a table's notes are missing", sorted(set(sheets)))
# control characters in case ids, rows 8, 508, ...: six cases, on Cases and on Touches
assert sum(1 for s in sheets if s.startswith("Cases")) >= 6, sheets
assert sum(1 for s in sheets if s.startswith("Touches")) >= 6, sheets
print("lanes: same workbook;", len(sheets), "notes in order")
PY
echo "the long tables on two threads write the workbook of one"
