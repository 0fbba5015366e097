#!/usr/bin/env python3
"""Writes the CSV inputs of a pack as Excel workbooks with openpyxl, typed as a department's
workbook would be (tests/e2e/workbook-inputs.sh): numbers as numbers, "95%" as 0.95 with a
percent format, dates and date-times as date cells, text as openpyxl writes it (inline
strings; LibreOffice's conversion of these workbooks writes shared strings); the table starts
at row HEADER_ROW and column B (row 1 and column A empty). Usage:
  workbooks.py CSV_DIR OUT_DIR
Writes OUT_DIR/journeys.xlsx (first sheet "Journeys": a merged header cell, a hidden row), OUT_DIR/kpis.xlsx (first sheet "Read me", then "KPIs": department merged down
the Billing rows, a formula with its stored value, percent cells) and OUT_DIR/customers.xlsx
(the 1904 date system). openpyxl stores no value for a formula, so the value Excel would
store is written into the sheet's XML afterwards.
"""
import csv, datetime, os, re, sys, zipfile

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HEADER_ROW, FIRST_COL = 2, 2


def typed(text):
    """The cell value and number format a spreadsheet user would have typed for a CSV field."""
    if text == "":
        return None, None
    if re.fullmatch(r"-?\d+", text):
        return int(text), None
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text), None
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", text)
    if m:
        return float(m.group(1)) / 100, "0%"
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text)
    if m:
        try:
            return datetime.datetime(*map(int, m.groups())), "yyyy-mm-dd"
        except ValueError:
            return text, None  # not a date: stays text, and is rejected as in the CSV
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:Z|\+00:00)", text)
    if m:
        y, mo, d, h, mi, s = (int(g or 0) for g in m.groups())
        return datetime.datetime(y, mo, d, h, mi, s), "yyyy-mm-dd hh:mm:ss"
    return text, None


def write(csv_path, xlsx_path, sheet, before=None, epoch=None, hook=None):
    wb = openpyxl.Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    if before:
        ws.title = before
        ws["A1"] = "This workbook's scores are on the sheet KPIs."
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            cell = ws.cell(row=HEADER_ROW + i, column=FIRST_COL + j)
            if i == 0:
                cell.value = text
                continue
            v, fmt = typed(text)
            if v is not None:
                cell.value = v
                if fmt:
                    cell.number_format = fmt
    if hook:
        hook(ws, rows)
    wb.save(xlsx_path)


def place(line, j):
    """The cell of a CSV field: line (the header is 1) and field index j (0-based)."""
    return f"{get_column_letter(FIRST_COL + j)}{HEADER_ROW + line - 1}"


def patch(xlsx_path, member, edits):
    """Rewrites member of the workbook with regular-expression edits [(pattern, repl)]."""
    tmp = xlsx_path + ".tmp"
    with zipfile.ZipFile(xlsx_path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == member:
                text = data.decode()
                for pat, repl in edits:
                    text, n = re.subn(pat, repl, text)
                    assert n == 1, (member, pat, n)
                data = text.encode()
            zout.writestr(item, data)
    os.replace(tmp, xlsx_path)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)

    def journeys_hook(ws, rows):
        notes = rows[0].index("notes")
        ws.merge_cells(f"{place(1, notes)}:{place(1, notes + 1)}")  # a merged header cell
        ws.row_dimensions[HEADER_ROW + 7 - 1].hidden = True  # line 7 of the CSV: read all the same

    write(f"{src}/journeys.csv", f"{out}/journeys.xlsx", "Journeys", hook=journeys_hook)

    with open(f"{src}/kpis.csv", newline="") as f:
        krows = list(csv.reader(f))
    dept, target = krows[0].index("department"), krows[0].index("target")
    billing = [i + 1 for i, r in enumerate(krows) if i and r[dept] == "Billing"]
    assert billing == list(range(billing[0], billing[-1] + 1))
    formula_line = next(i + 1 for i, r in enumerate(krows) if i and r[target] == "100")

    def kpis_hook(ws, rows):
        for line in billing[1:]:
            ws[place(line, dept)] = None
        ws.merge_cells(f"{place(billing[0], dept)}:{place(billing[-1], dept)}")
        ws[place(formula_line, target)] = "=50*2"

    write(f"{src}/kpis.csv", f"{out}/kpis.xlsx", "KPIs", before="Read me", hook=kpis_hook)
    cell = place(formula_line, target)
    patch(f"{out}/kpis.xlsx", "xl/worksheets/sheet2.xml",
          [(rf'<c r="{cell}"><f>50\*2</f><v\s*(?:/>|></v>)', f'<c r="{cell}"><f>50*2</f><v>100</v>')])

    write(f"{src}/customers.csv", f"{out}/customers.xlsx", "Customers", epoch=CALENDAR_MAC_1904)


main()
