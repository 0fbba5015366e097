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
echo "workbook matches the metrics JSON"
