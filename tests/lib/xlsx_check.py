#!/usr/bin/python3
"""Checks a boardpack workbook against its metrics JSON with openpyxl, an independent reader.

Usage: xlsx_check.py contents METRICS.json BOOK.xlsx [CREATED]   (CREATED: the expected YYYY-MM-DD)
       xlsx_check.py odd METRICS.json BOOK.xlsx          (workbook from xlsxgen --odd and a long message)
       xlsx_check.py limit BOOK.xlsx LISTED UNLISTED     (the truncation rule, read with openpyxl)
       xlsx_check.py bigcases BOOK.xlsx UNLISTED         (a full Cases sheet, streamed from the zip)
       xlsx_check.py recalc BOOK.xlsx RECALCULATED.xlsx  (LibreOffice's recalculated values = the cached ones)
Prints every failure; exits 1 when there is one.
"""
import datetime
import json
import re
import sys
import zipfile

import openpyxl

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def stored(v):
    """What libxlsxwriter stores for a double: 16 significant digits ("%.16G")."""
    return float("%.16G" % v)


SHEETS = ["Summary", "Goals", "Journeys", "Watermelons", "Departments", "KPIs", "Cases",
          "Data quality", "Definitions"]

# The journey figures: header, JSON member, number format ("" = any), formula or not.
PCT, INT, MONEY, DAYS, RATIO, PTS = "0.0%", "#,##0", "money", "0.00", "0.00", "+0.0;-0.0;0.0"
FIGURES = [
    ("Cases started", "cases_started", INT, False),
    ("Cases concluded", "cases_concluded", INT, False),
    ("Achieved", "achieved", INT, False),
    ("Failed", "failed", INT, False),
    ("Abandoned", "abandoned", INT, False),
    ("Open", "open", INT, False),
    ("Successful", "successful", INT, False),
    ("SCO rate", "sco_rate", PCT, True),
    ("SCO rate CI low", "sco_ci_low", PCT, False),
    ("SCO rate CI high", "sco_ci_high", PCT, False),
    ("Previous cases concluded", "prev_cases_concluded", INT, False),
    ("Previous successful", "prev_successful", INT, False),
    ("Previous SCO rate", "prev_sco_rate", PCT, True),
    ("Change in points", "sco_change_pts", PTS, True),
    ("Change is significant", "change_significant", "", False),
    ("Median days", "median_days", DAYS, False),
    ("P90 days", "p90_days", DAYS, False),
    ("Contacts", "contacts", INT, False),
    ("Failure contacts", "failure_contacts", INT, False),
    ("Hand-offs", "handoffs", INT, False),
    ("Contacts per case", "contacts_per_case", RATIO, True),
    ("Failure demand share", "failure_demand_share", PCT, True),
    ("Hand-offs per case", "handoffs_per_case", RATIO, True),
    ("Low volume", "low_volume", "", False),
    ("Customers lost", "customers_lost", INT, False),
    ("Value lost", "value_lost", MONEY, False),
    ("Value at risk", "value_at_risk", MONEY, False),
]
TABLES = {
    "Goals": ("tblGoals", [("Goal", "goal", "", False), ("Journeys", "journeys", "", False)] + FIGURES
              + [("SCO target", "sco_target", PCT, False)], "goals"),
    "Journeys": ("tblJourneys", [("Journey", "journey", "", False), ("Goal", "goal", "", False)] + FIGURES
                 + [("SCO target", "sco_target", PCT, False), ("Promise days", "promise_days", "", False),
                    ("Max failure contacts", "max_failure_contacts", INT, False)], "journeys"),
    "Watermelons": ("tblWatermelons", [
        ("Department", "department", "", False), ("Journey", "journey", "", False),
        ("Department green share", "green_share", PCT, False), ("Cases touched", "cases", INT, False),
        ("Successful", "successful", INT, False), ("SCO rate", "sco_rate", PCT, True),
        ("SCO target", "sco_target", PCT, False), ("Shortfall in points", "shortfall_pts", PTS, True)],
        "watermelons"),
    "Departments": ("tblDepartments", [
        ("Department", "department", "", False), ("KPIs", "kpis", INT, False), ("Green", "green", INT, False),
        ("Amber", "amber", INT, False), ("Red", "red", INT, False), ("Green share", "green_share", PCT, True),
        ("Cases touched", "cases_touched", INT, False), ("Successful touched", "successful_touched", INT, False),
        ("SCO rate touched", "sco_rate_touched", PCT, True), ("Failure contacts", "failure_contacts", INT, False)],
        "departments"),
    "KPIs": ("tblKPIs", [
        ("Department", "department", "", False), ("KPI", "kpi", "", False), ("Period", "period", "", False),
        ("Actual", "actual", "", False), ("Target", "target", "", False), ("Direction", "direction", "", False),
        ("Unit", "unit", "", False), ("Kind", "kind", "", False), ("Tolerance", "tolerance", PCT, False),
        ("Status", "status", "", False), ("Journeys served", "journeys", "", False),
        ("Region", "region", "", False)], "kpis"),
}
CASE_HEADERS = ["Case", "Journey", "Customer", "Region", "Start", "End", "Outcome", "SCO", "Days", "Contacts",
                "Failure contacts", "Hand-offs", "Departments"]

# Summary: label -> (totals member, format, formula or not)
SUMMARY = {
    "Cases concluded": ("cases_concluded", INT, False),
    "Successful outcomes": ("successful", INT, False),
    "SCO rate (successful customer outcome rate)": ("sco_rate", PCT, True),
    "SCO rate, 95 % interval from": ("sco_ci_low", PCT, False),
    "SCO rate, 95 % interval to": ("sco_ci_high", PCT, False),
    "Previous period: SCO rate": ("prev_sco_rate", PCT, True),
    "Change in SCO rate vs previous period (points)": ("sco_change_pts", PTS, True),
    "Change is real, not noise": ("change_significant", "", False),
    "Customers lost after an unsuccessful outcome": ("customers_lost", INT, False),
    "Value lost": ("value_lost", MONEY, False),
    "Value at risk": ("value_at_risk", MONEY, False),
    "Failure demand share": ("failure_demand_share", PCT, True),
    "Perception gap (points)": ("perception_gap_pts", PTS, True),
    "KPI green share": ("kpi_green_share", PCT, False),
    "Motion share (KPIs measuring output)": ("motion_share", PCT, False),
    "Customers at the start": ("customers_start", INT, False),
    "Customers at the end": ("customers_end", INT, False),
    "Joiners": ("joiners", INT, False),
    "Leavers": ("leavers", INT, False),
    "Net growth": ("net_growth", INT, True),
    "Value of customers at the end": ("value_end", MONEY, False),
    "Churn after a successful outcome": ("churn_after_sco", PCT, True),
    "Churn after an unsuccessful outcome": ("churn_after_unsuccessful", PCT, True),
    "Churn ratio (how much likelier to leave)": ("churn_ratio", RATIO, True),
}
MONEY_FORMATS = {"GBP": '"£"#,##0;-"£"#,##0', "EUR": '"€"#,##0;-"€"#,##0', "USD": '"$"#,##0;-"$"#,##0'}


def same(cell, want, where):
    """The cached cell value equals the JSON value (null: empty; numbers as libxlsxwriter stores them)."""
    if want is None:
        if cell not in (None, ""):
            fail(f"{where}: expected an empty cell for null, found {cell!r}")
    elif isinstance(want, bool):
        if cell is not want:
            fail(f"{where}: expected {want}, found {cell!r}")
    elif isinstance(want, (int, float)):
        if isinstance(cell, bool) or not isinstance(cell, (int, float)) or cell != stored(want):
            fail(f"{where}: expected the number {want!r}, found {cell!r}")
    elif isinstance(want, list):
        if cell != "; ".join(want) and not (cell is None and not want):
            fail(f"{where}: expected {'; '.join(want)!r}, found {cell!r}")
    elif cell != want:
        fail(f"{where}: expected {want!r}, found {cell!r}")


def table_header(ws, tname):
    t = ws.tables.get(tname)
    if t is None:
        fail(f"{ws.title}: no table {tname} (tables: {list(ws.tables)})")
        return None
    ref = t.ref if hasattr(t, "ref") else t
    return ref


def check_table(wf, wv, sheet, tname, cols, rows, money):
    ws, vs = wf[sheet], wv[sheet]
    ref = table_header(ws, tname)
    if ref is None:
        return
    first, last = ref.split(":")
    m1, m2 = re.match(r"([A-Z]+)(\d+)", first), re.match(r"([A-Z]+)(\d+)", last)
    r0, r1 = int(m1.group(2)), int(m2.group(2))
    want_rows = max(len(rows), 1)
    if r1 - r0 != want_rows:
        fail(f"{sheet}: table {tname} {ref} has {r1 - r0} data rows, expected {want_rows}")
    if m1.group(1) != "A" or openpyxl.utils.column_index_from_string(m2.group(1)) != len(cols):
        fail(f"{sheet}: table {tname} {ref} does not span {len(cols)} columns from A")
    headers = [ws.cell(r0, c + 1).value for c in range(len(cols))]
    if headers != [c[0] for c in cols]:
        fail(f"{sheet}: header of {tname} is {headers}, expected {[c[0] for c in cols]}")
    tab = ws.tables[tname]
    if tab.tableStyleInfo is None or not tab.tableStyleInfo.showRowStripes:
        fail(f"{sheet}: table {tname} has no banded rows")
    if tab.autoFilter is None:
        fail(f"{sheet}: table {tname} has no autofilter")
    for i, obj in enumerate(rows):
        r = r0 + 1 + i
        for c, (header, key, fmt, formula) in enumerate(cols):
            cf, cv = ws.cell(r, c + 1), vs.cell(r, c + 1)
            where = f"{sheet}!{cf.coordinate} ({header}, row {i + 1})"
            same(cv.value, obj.get(key), where)
            is_formula = isinstance(cf.value, str) and cf.value.startswith("=")
            if formula and key in obj and not is_formula:
                fail(f"{where}: expected a formula, found {cf.value!r}")
            if formula and is_formula and f"{tname}[[#This Row]," not in cf.value:
                fail(f"{where}: formula {cf.value} does not use {tname}[[#This Row],...] references")
            if not formula and is_formula:
                fail(f"{where}: unexpected formula {cf.value}")
            if obj.get(key) is not None and not isinstance(obj.get(key), (bool, str, list)):
                want_fmt = money if fmt == MONEY else fmt
                if want_fmt and cf.number_format != want_fmt:
                    fail(f"{where}: number format {cf.number_format!r}, expected {want_fmt!r}")


def check_contents(mpath, book, created=None):
    m = json.load(open(mpath, encoding="utf-8"))
    wf = openpyxl.load_workbook(book)
    wv = openpyxl.load_workbook(book, data_only=True)
    if wf.sheetnames != SHEETS:
        fail(f"sheets are {wf.sheetnames}, expected {SHEETS}")
        return
    money = MONEY_FORMATS.get(m.get("currency"), "#,##0")
    for sheet, (tname, cols, member) in TABLES.items():
        check_table(wf, wv, sheet, tname, cols, m[member], money)
        if wf[sheet].freeze_panes != "A2":
            fail(f"{sheet}: frozen panes at {wf[sheet].freeze_panes}, expected the header row (A2)")

    # Every formula cell has a cached value (a number, or an empty string when the JSON has null).
    z = zipfile.ZipFile(book)
    nformulas = 0
    for name in z.namelist():
        if name.startswith("xl/worksheets/sheet"):
            xml = z.read(name).decode()
            for c in re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", xml):
                nformulas += 1
                if "<v>" not in c and "<v></v>" not in c and "<v/>" not in c:
                    fail(f"{name}: formula cell without a cached value: {c[:120]}")
    if nformulas < 20:
        fail(f"only {nformulas} formula cells in the workbook")

    # Summary.
    ws, vs = wf["Summary"], wv["Summary"]
    if "tblSummary" not in ws.tables:
        fail("Summary: no table tblSummary")
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    t = m["totals"]
    for label, (key, fmt, formula) in SUMMARY.items():
        r = labels.get(label)
        if r is None:
            fail(f"Summary: no row {label!r}")
            continue
        cf, cv = ws.cell(r, 2), vs.cell(r, 2)
        same(cv.value, t.get(key), f"Summary!B{r} ({label})")
        is_formula = isinstance(cf.value, str) and cf.value.startswith("=")
        if formula != is_formula:
            fail(f"Summary!B{r} ({label}): formula expected {formula}, found {cf.value!r}")
        want_fmt = money if fmt == MONEY else fmt
        if want_fmt and t.get(key) is not None and cf.number_format != want_fmt:
            fail(f"Summary!B{r} ({label}): number format {cf.number_format!r}, expected {want_fmt!r}")
    for label, key in (("Data from", "data_from"), ("Data to", "data_to")):
        r = labels.get(label)
        v = vs.cell(r, 2).value if r else None
        if v != datetime.datetime.strptime(m[key], "%Y-%m-%d"):
            fail(f"Summary: {label} is {v!r}, expected the date {m[key]}")
        elif ws.cell(r, 2).number_format != "yyyy-mm-dd":
            fail(f"Summary: {label} has number format {ws.cell(r, 2).number_format!r}")
    if ws.freeze_panes is None:
        fail("Summary: no frozen header row")

    # The trend table: a row per period, a journey per column.
    ws, vs = wf["Journeys"], wv["Journeys"]
    ref = table_header(ws, "tblTrend")
    if ref:
        r0 = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
        names = [j["journey"] for j in m["journeys"]]
        hdr = [ws.cell(r0, c + 1).value for c in range(len(names) + 1)]
        if hdr != ["Period"] + names:
            fail(f"Journeys: trend header {hdr}")
        periods = sorted({p["period"] for j in m["journeys"] for p in j["trend"]})
        for i, p in enumerate(periods):
            if vs.cell(r0 + 1 + i, 1).value != p:
                fail(f"Journeys: trend row {i + 1} is {vs.cell(r0 + 1 + i, 1).value!r}, expected {p}")
            for k, j in enumerate(m["journeys"]):
                want = next((x["sco_rate"] for x in j["trend"] if x["period"] == p), None)
                same(vs.cell(r0 + 1 + i, k + 2).value, want, f"Journeys trend {p} {j['journey']}")

    # Cases: table, header, types.
    ws = wf["Cases"]
    ref = table_header(ws, "tblCases")
    if ref:
        hdr = [ws.cell(1, c + 1).value for c in range(len(CASE_HEADERS))]
        if hdr != CASE_HEADERS:
            fail(f"Cases: header {hdr}")
        if ws.freeze_panes != "A2":
            fail(f"Cases: frozen panes at {ws.freeze_panes}")
        if ws["E2"].number_format != "yyyy-mm-dd hh:mm" or not isinstance(wv["Cases"]["E2"].value, datetime.datetime):
            fail(f"Cases!E2: start {wv['Cases']['E2'].value!r} in format {ws['E2'].number_format!r}, expected a date")

    # Data quality: files, issues, notes.
    ws, vs = wf["Data quality"], wv["Data quality"]
    dq = m["data_quality"]
    files = [dict(file=k, rows_read=v["rows_read"], rows_rejected=v["rows_rejected"],
                  rows_kept=v["rows_read"] - v["rows_rejected"]) for k, v in dq["files"].items()]
    for tname, cols, rows in (
            ("tblFiles", [("File", "file", "", False), ("Rows read", "rows_read", INT, False),
                          ("Rows rejected", "rows_rejected", INT, False), ("Rows kept", "rows_kept", INT, True)],
             files + [dict(file="All files", rows_read=dq["rows_read"], rows_rejected=dq["rows_rejected"],
                           rows_kept=dq["rows_read"] - dq["rows_rejected"])]),
            ("tblIssues", [("File", "file", "", False), ("Line", "line", INT, False),
                           ("Column", "column", INT, False), ("Message", "message", "", False)], dq["issues"]),
            ("tblNotes", [("File", "file", "", False), ("Line", "line", INT, False),
                          ("Message", "message", "", False)], dq["notes"])):
        ref = table_header(ws, tname)
        if not ref:
            continue
        r0 = int(re.match(r"[A-Z]+(\d+)", ref).group(1))
        for i, obj in enumerate(rows):
            for c, (h, key, fmt, formula) in enumerate(cols):
                if ws.cell(r0, c + 1).value != h:
                    fail(f"Data quality: {tname} column {c + 1} is {ws.cell(r0, c + 1).value!r}, expected {h!r}")
                same(vs.cell(r0 + 1 + i, c + 1).value, obj.get(key), f"Data quality {tname} row {i + 1} {h}")

    # Definitions: one row per column of every table.
    ws = wf["Definitions"]
    if "tblDefinitions" not in ws.tables:
        fail("Definitions: no table tblDefinitions")
    defined = {(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(2, ws.max_row + 1)}
    for sheet, (tname, cols, member) in TABLES.items():
        for h, *_ in cols:
            if (sheet, h) not in defined:
                fail(f"Definitions: no row for {sheet} / {h}")
    for h in CASE_HEADERS:
        if ("Cases", h) not in defined:
            fail(f"Definitions: no row for Cases / {h}")
    for label in SUMMARY:
        if ("Summary", label) not in defined:
            fail(f"Definitions: no row for Summary / {label}")
    for r in range(2, ws.max_row + 1):
        if not ws.cell(r, 3).value or len(ws.cell(r, 3).value) < 10:
            fail(f"Definitions!C{r}: no meaning for {ws.cell(r, 1).value} / {ws.cell(r, 2).value}")

    # Column widths fitted: a long goal column is wider than a count column, none left at the default.
    jw = wf["Journeys"].column_dimensions
    if not (jw["B"].width and jw["C"].width and jw["B"].width > jw["C"].width > 8):
        fail(f"Journeys: column widths not fitted (B {jw['B'].width}, C {jw['C'].width})")

    # Charts: two chart parts, each drawn on a sheet; the line chart has a series per journey.
    charts = sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))
    if len(charts) != 2:
        fail(f"expected 2 charts, found {charts}")
    drawn = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/_rels/"))
    for c in charts:
        if c.split("/")[-1] not in drawn:
            fail(f"{c} is not referenced by a drawing")
        xml = z.read(c).decode()
        if "<c:lineChart>" in xml:
            if xml.count("<c:ser>") != len(m["journeys"]):
                fail(f"{c}: {xml.count('<c:ser>')} series, expected one per journey")
            if "Journeys!" not in xml:
                fail(f"{c}: line chart not drawn from the Journeys sheet")
        elif "<c:barChart>" in xml:
            if '<c:grouping val="stacked"/>' not in xml or xml.count("<c:ser>") != 3:
                fail(f"{c}: KPI status chart is not a stacked bar of 3 series")
            if "Departments!" not in xml:
                fail(f"{c}: bar chart not drawn from the Departments sheet")
        else:
            fail(f"{c}: neither the trend line chart nor the status bar chart")
    rels = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/_rels/"))
    if "drawing" not in rels:
        fail("no worksheet references a drawing")

    # Conditional formatting: status fills on KPIs, SCO against target on Journeys, Goals, Watermelons.
    def rules(sheet):
        out = []
        for cf in wf[sheet].conditional_formatting:
            for rule in cf.rules:
                out.append((str(cf.sqref), rule.type, rule.operator, rule.formula))
        return out
    kr = rules("KPIs")
    for word in ("green", "amber", "red"):
        if not any(r[1] == "cellIs" and r[3] and f'"{word}"' in r[3][0] for r in kr):
            fail(f"KPIs: no conditional format for status {word}: {kr}")
    for sheet in ("Journeys", "Goals", "Watermelons"):
        rr = rules(sheet)
        if not any(r[1] == "expression" and "<" in r[3][0] for r in rr):
            fail(f"{sheet}: no conditional format of SCO rate against target: {rr}")
    # The status is also a word.
    for i, k in enumerate(m["kpis"]):
        if wv["KPIs"].cell(2 + i, 10).value not in ("green", "amber", "red"):
            fail(f"KPIs row {i + 1}: status is not a word")

    # Document properties.
    p = wf.properties
    if p.title != m.get("title") or p.creator != m["organisation"] or not p.subject or not p.description:
        fail(f"document properties: title {p.title!r}, author {p.creator!r}, subject {p.subject!r}")
    company = re.search(r"<Company>(.*?)</Company>", z.read("docProps/app.xml").decode())
    if not company or company.group(1) != m["organisation"]:
        fail(f"document properties: company {company and company.group(1)!r}")
    if created and p.created != datetime.datetime.strptime(created, "%Y-%m-%d"):
        fail(f"document properties: created {p.created}, expected the given {created}")


def check_odd(mpath, book):
    wf = openpyxl.load_workbook(book)
    ws = wf["Cases"]
    cust = ws["C2"].value
    if cust != "Caf\ufffd \ufffd\ufffd Ltd":
        fail(f"Cases!C2: invalid UTF-8 not replaced with U+FFFD: {cust!r}")
    dep = ws["M3"].value or ""
    if len(dep) != 32767 or set(dep) != {"é"}:
        fail(f"Cases!M3: expected 32,767 characters 'é', found {len(dep)}")
    dq = wf["Data quality"]
    notes = [" | ".join(str(c.value) for c in row) for row in dq.iter_rows(max_col=3)]
    text = "\n".join(notes)
    for want in ("Cases | C2 | 3 invalid UTF-8 bytes replaced with U+FFFD",
                 "Cases | M3 | a text of 40,000 characters was cut to its first 32,767"):
        if want not in text:
            fail(f"Data quality: no note {want!r}")
    # The long data-quality message: cut, and noted (before the rows it concerns).
    long_cells = [c for row in dq.iter_rows() for c in row if isinstance(c.value, str) and len(c.value) > 30000]
    if len(long_cells) != 1 or len(long_cells[0].value) != 32767:
        fail(f"Data quality: the 40,000-character message is not cut to 32,767 ({[len(c.value) for c in long_cells]})")
    elif f"Data quality | {long_cells[0].coordinate} | a text of 40,000 characters" not in text:
        fail(f"Data quality: no note for the cut message in {long_cells[0].coordinate}")


def check_limit(book, listed, unlisted):
    wf = openpyxl.load_workbook(book)
    ws = wf["Cases"]
    ref = ws.tables["tblCases"].ref
    if ref != f"A1:M{listed + 1}":
        fail(f"Cases: table {ref}, expected A1:M{listed + 1}")
    ids = [ws.cell(r, 1).value for r in range(2, listed + 2)]
    if ids != [f"C{i:07d}" for i in range(1, listed + 1)]:
        fail("Cases: the listed cases are not the first ones, in order")
    note = ws.cell(listed + 3, 1).value
    want = f"{unlisted:,} more cases were not listed"
    if not note or want not in note:
        fail(f"Cases!A{listed + 3}: expected a note starting {want!r}, found {note!r}")
    dq = "\n".join(" | ".join(str(c.value) for c in row) for row in wf["Data quality"].iter_rows(max_col=3))
    if want not in dq:
        fail("Data quality: no truncation note")
    vs = openpyxl.load_workbook(book, data_only=True)["Summary"]
    rows = {vs.cell(r, 1).value: vs.cell(r, 2).value for r in range(1, vs.max_row + 1)}
    if rows.get("Cases listed on the Cases sheet") != listed or rows.get("Cases not listed (beyond Excel's row limit)") != unlisted:
        fail(f"Summary: listed/unlisted {rows.get('Cases listed on the Cases sheet')}/"
             f"{rows.get('Cases not listed (beyond Excel' + chr(39) + 's row limit)')}, expected {listed}/{unlisted}")


def check_bigcases(book, unlisted):
    """A full sheet: 1,048,573 cases, an empty row, the note on row 1,048,576 (streamed: openpyxl would take minutes)."""
    z = zipfile.ZipFile(book)
    wbx = z.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet name="([^"]+)"', wbx)
    idx = names.index("Cases") + 1
    table = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/") and "tblCases" in z.read(n).decode()]
    if len(table) != 1 or 'ref="A1:M1048574"' not in table[0]:
        fail(f"Cases: table ref is not A1:M1048574: {table[0][:300] if table else None}")
    tail = b""
    rows = 0
    with z.open(f"xl/worksheets/sheet{idx}.xml") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            rows += (tail[-4:] + b).count(b"<row ")  # a tag cut by the chunk boundary counts once
            tail = (tail + b)[-4000:]
    tail = tail.decode(errors="replace")
    if rows != 1048575:
        fail(f"Cases: {rows} rows written, expected 1,048,575 (header, 1,048,573 cases, the note)")
    last_case = re.findall(r'<c r="A(\d+)"[^>]*><is><t>(C\d+)</t>', tail)
    if not last_case or last_case[-1] != ("1048574", "C1048573"):
        fail(f"Cases: the last case listed is {last_case[-1:]}, expected C1048573 on row 1048574")
    want = f"{unlisted:,} more cases were not listed"
    if not re.search(r'<row r="1048576"[^>]*><c r="A1048576"[^>]*><is><t>' + re.escape(want), tail):
        fail(f"Cases: row 1048576 does not hold the note {want!r}: {tail[-400:]}")
    shared = z.read("xl/sharedStrings.xml").decode()
    if want not in shared:
        fail("Data quality: no truncation note")


def check_recalc(book, recalculated):
    """Every formula's cached value equals the value LibreOffice computes (it writes 15 significant digits)."""
    wf = openpyxl.load_workbook(book)
    va = openpyxl.load_workbook(book, data_only=True)
    vb = openpyxl.load_workbook(recalculated, data_only=True)
    n = 0
    for ws in wf:
        for row in ws.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith("=")):
                    continue
                n += 1
                x, y = va[ws.title][c.coordinate].value, vb[ws.title][c.coordinate].value
                if x in (None, "") and y in (None, ""):
                    continue
                if (isinstance(x, (int, float)) and isinstance(y, (int, float))
                        and abs(x - y) <= 1e-13 * max(1.0, abs(x))):
                    continue
                fail(f"{ws.title}!{c.coordinate}: cached {x!r}, LibreOffice computes {y!r} ({c.value})")
    if n < 20:
        fail(f"only {n} formulas compared")
    print(f"{n} formulas recalculated by LibreOffice equal their cached values")


def main():
    cmd = sys.argv[1]
    if cmd == "contents":
        check_contents(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif cmd == "odd":
        check_odd(sys.argv[2], sys.argv[3])
    elif cmd == "limit":
        check_limit(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "bigcases":
        check_bigcases(sys.argv[2], int(sys.argv[3]))
    elif cmd == "recalc":
        check_recalc(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {cmd}")
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)


if __name__ == "__main__":
    main()
