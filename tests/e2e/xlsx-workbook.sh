#!/usr/bin/env bash
# The workbook of a hand-written metrics JSON, read back with openpyxl: sheets in order, tables,
# frozen headers, every figure equal to the JSON, formulas with cached values, number formats,
# nulls empty, charts, conditional formatting, definitions, document properties.
set -u
fixture=$ROOT/tests/fixtures/xlsx/metrics.json
"$TOOLS/xlsxgen" "$fixture" "$WORK/book.xlsx" --cases 50 || { echo "xlsxgen failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" contents "$fixture" "$WORK/book.xlsx" 2026-09-30 || exit 1
# The same checks hold for another currency and a pack without customers (growth figures null).
"$PYTHON" - "$fixture" "$WORK/eur.json" <<'PY' || exit 1
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m["currency"] = "EUR"
for k in ("customers_start", "customers_end", "joiners", "leavers", "net_growth", "value_end", "sco_cases_known",
          "sco_cases_left", "unsuccessful_cases_known", "unsuccessful_cases_left", "churn_after_sco",
          "churn_after_unsuccessful", "churn_ratio", "customers_lost", "value_lost", "value_at_risk"):
    m["totals"][k] = None
for j in m["journeys"] + m["goals"]:
    j["customers_lost"] = j["value_lost"] = j["value_at_risk"] = None
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$TOOLS/xlsxgen" "$WORK/eur.json" "$WORK/eur.xlsx" --cases 5 || { echo "xlsxgen failed (EUR)"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" contents "$WORK/eur.json" "$WORK/eur.xlsx" || exit 1
# The demo's real workbook and JSON: every table, Regions (regions[]) and the year-earlier and
# failure-cost columns included, and a regional one (no regions: an empty table)
"$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --period 2026-Q3 --out "$WORK/demo" --json --no-pdf \
	--split-by region --quiet || { echo "the demo build failed"; exit 1; }
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" contents "$WORK/demo/board-pack-2026-Q3.json" \
	"$WORK/demo/board-pack-2026-Q3.xlsx" || exit 1
"$PYTHON" "$ROOT/tests/lib/xlsx_check.py" contents "$WORK/demo/board-pack-2026-Q3-north.json" \
	"$WORK/demo/board-pack-2026-Q3-north.xlsx" || exit 1
# Decisions: failure touchpoints by goal, the actions and the stories, as the JSON has them
"$PYTHON" - "$WORK/demo/board-pack-2026-Q3.json" "$WORK/demo/board-pack-2026-Q3.xlsx" <<'PY' || exit 1
import json, sys
from openpyxl import load_workbook
m = json.load(open(sys.argv[1], encoding="utf-8"))
ws = load_workbook(sys.argv[2])["Decisions"]
tables = {t.name: t.ref for t in ws.tables.values()}
def rows(name):
    a, b = tables[name].split(":")
    cells = ws[a:b]
    head = [c.value for c in cells[0]]
    return [dict(zip(head, [c.value for c in r])) for r in cells[1:]]
tp = [(r["Goal"], r["Touchpoint"], r["Failure contacts"]) for r in rows("tblFailureTouchpoints")]
want = [(g["goal"], t["touchpoint"], t["contacts"]) for g in m["goals"] for t in g["failure_touchpoints"]]
want += [("(all goals)", t["touchpoint"], t["contacts"]) for t in m["totals"]["failure_touchpoints"]]
assert tp == want, (tp[:3], want[:3])
acts = [(r["Action"], r["Status"], r["SCO rate"]) for r in rows("tblActions")]
assert acts == [(a["action"], a["status"], a["sco_rate"]) for a in m["actions"]], acts
st = [(r["Case"], r["Touchpoint"], r["Line"]) for r in rows("tblStories")]
want = [(g["customer_journey"]["case_id"], r["touchpoint"], r["line"]) for g in m["goals"]
        if g["customer_journey"] for r in g["customer_journey"]["rows"]]
assert st == want and st, (st[:3], want[:3])
print("Decisions:", len(tp), "touchpoints,", len(acts), "actions,", len(st), "story rows")
PY
echo "workbook matches the metrics JSON"
