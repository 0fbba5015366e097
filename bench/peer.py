#!/usr/bin/env python3
"""A COMPARISON, NOT PART OF BOARDPACK.

What a competent analyst might write instead of boardpack, to measure boardpack against:
pandas reads journeys.csv, derives cases as data-contract.md says (first/last rows, outcome of
the last row that has one, contacts, failure contacts, hand-offs), computes each journey's
successful-customer-outcome rate for the latest quarter with groupby, writes a workbook with
XlsxWriter and a short PDF with ReportLab. It drops the rows boardpack rejects for their values
(a timestamp that is not a date, an unknown demand or outcome), so that its rates stay comparable
on messy logs, and writes its journey rates to OUT_FOLDER/peer-rates.json for bench/run.sh to
compare with boardpack's JSON.

Two workbooks (--mode):
  light  the workbook of before issue 19: Journeys, and the cases of the quarter (pandas to_excel)
  full   the tables of boardpack's workbook since issue 19, for a like-for-like comparison:
         Journeys; Cases (every case concluded in the last 8 quarters or open at the end, with
         boardpack's 23 columns); Touches (a row per case and department, with the failure
         contacts the department handled); Customers (the customers file); written row by row
         with XlsxWriter in constant_memory mode, as one would for tables of millions of cells

It is vectorised pandas, not a strawman, and it does less than boardpack (no rejected-row
report, no KPIs, confidence intervals, trends or charts, no sheet past Excel's row limit).

usage: peer.py [--mode light|full] PACK_FOLDER OUT_FOLDER
       (run with Debian's /usr/bin/python3: python3-pandas, python3-xlsxwriter, python3-reportlab)
"""
import configparser
import json
import os
import sys

import numpy as np
import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table


def main():
    args = sys.argv[1:]
    mode = "light"
    if len(args) == 4 and args[0] == "--mode" and args[1] in ("light", "full"):
        mode, args = args[1], args[2:]
    if len(args) != 2:
        sys.exit("usage: peer.py [--mode light|full] PACK_FOLDER OUT_FOLDER")
    src, out = args
    os.makedirs(out, exist_ok=True)
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",), strict=False)
    ini.read(os.path.join(src, "pack.ini"))
    target = float(ini["pack"].get("sco_target", "0.8"))
    promise = {s.split('"')[1]: float(ini[s].get("promise_days", "nan")) for s in ini.sections() if s.startswith("journey ")}
    max_failures = {s.split('"')[1]: int(ini[s].get("max_failure_contacts", "0")) for s in ini.sections() if s.startswith("journey ")}

    df = pd.read_csv(os.path.join(src, "journeys.csv"), dtype=str, keep_default_na=False,
                     usecols=["case_id", "journey", "timestamp", "department", "customer_id", "channel", "demand", "outcome", "region"])
    # the rows boardpack rejects for their values; values match case-insensitively
    df["t"] = pd.to_datetime(df["timestamp"], utc=True, errors="coerce")
    df["demand"] = df["demand"].str.lower()
    df["outcome"] = df["outcome"].str.lower()
    df = df[df["t"].notna() & df["demand"].isin(["", "value", "failure"])
            & df["outcome"].isin(["", "achieved", "failed", "abandoned"])]
    df["row"] = np.arange(len(df))
    df = df.sort_values(["case_id", "t", "row"], kind="stable")

    g = df.groupby("case_id", sort=False)
    first = g.first()
    cases = pd.DataFrame({
        "journey": first["journey"],
        "customer": first["customer_id"],
        "region": first["region"],
        "start": g["t"].min(),
        "contacts": g.size(),
        "failure_contacts": (df["demand"] == "failure").groupby(df["case_id"], sort=False).sum(),
    })
    prev_dept = df.groupby("case_id", sort=False)["department"].shift()
    cases["handoffs"] = (prev_dept.notna() & (prev_dept != df["department"])).groupby(df["case_id"], sort=False).sum()
    with_outcome = df[df["outcome"] != ""]
    last = with_outcome.groupby("case_id", sort=False).last()
    cases["outcome"] = last["outcome"]
    cases["end"] = last["t"]
    cases["outcome"] = cases["outcome"].fillna("open")
    cases["days"] = (cases["end"] - cases["start"]).dt.total_seconds() / 86400

    quarter = cases["end"].dt.tz_localize(None).dt.to_period("Q")
    latest = quarter.max()
    q = cases[quarter == latest].copy()
    q["promise"] = q["journey"].map(promise)
    q["max_failures"] = q["journey"].map(max_failures).fillna(0)
    q["sco"] = ((q["outcome"] == "achieved") & ~(q["days"] > q["promise"]) & (q["failure_contacts"] <= q["max_failures"]))
    journeys = q.groupby("journey").agg(concluded=("sco", "size"), successful=("sco", "sum"),
                                        median_days=("days", "median"), contacts=("contacts", "sum"),
                                        failure_contacts=("failure_contacts", "sum"), handoffs=("handoffs", "sum"))
    journeys["sco_rate"] = journeys["successful"] / journeys["concluded"]
    journeys["failure_demand_share"] = journeys["failure_contacts"] / journeys["contacts"]
    journeys = journeys.sort_values("sco_rate")

    stem = os.path.join(out, f"peer-{latest}")
    with open(os.path.join(out, "peer-rates.json"), "w") as f:
        json.dump({"period": str(latest), "journeys": {j: {"cases_concluded": int(r.concluded), "successful": int(r.successful),
                                                            "sco_rate": float(r.sco_rate)} for j, r in journeys.iterrows()}}, f, indent=1)
    if mode == "light":
        with pd.ExcelWriter(stem + ".xlsx", engine="xlsxwriter") as xw:
            journeys.to_excel(xw, sheet_name="Journeys")
            q.assign(start=q["start"].dt.tz_localize(None), end=q["end"].dt.tz_localize(None)).to_excel(xw, sheet_name="Cases")
    else:
        write_full(stem + ".xlsx", src, ini, df, cases, quarter, latest, journeys, promise, max_failures)

    styles = getSampleStyleSheet()
    story = [Paragraph(f"Customer outcomes, {latest}", styles["Title"]),
             Paragraph(f"{q['sco'].mean():.0%} of customers got what they set out to do (target {target:.0%}).", styles["Normal"]),
             Spacer(1, 12)]
    rows = [["Journey", "Concluded", "SCO rate", "Failure demand"]]
    rows += [[j, int(r.concluded), f"{r.sco_rate:.0%}", f"{r.failure_demand_share:.0%}"] for j, r in journeys.iterrows()]
    story.append(Table(rows))
    SimpleDocTemplate(stem + ".pdf", pagesize=A4).build(story)
    print(f"peer: {len(df)} rows, {len(cases)} cases, {len(q)} concluded in {latest}; wrote {stem}.xlsx and .pdf")


def excel_days(t):
    """Timestamps (UTC) as Excel serial days, NaN where missing."""
    return (t.dt.tz_localize(None) - pd.Timestamp("1899-12-30")).dt.total_seconds() / 86400


def cells(frame):
    """A frame's rows as lists of Python values, None where missing (XlsxWriter writes no NaN)."""
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def write_full(path, src, ini, df, cases, quarter, latest, journeys, promise, max_failures):
    goals = {s.split('"')[1]: ini[s].get("goal", "") for s in ini.sections() if s.startswith("journey ")}
    churn = float(ini["pack"].get("churn_window_days", "90"))
    cust_file = os.path.join(src, ini["inputs"].get("customers", "customers.csv"))
    customers = pd.read_csv(cust_file, dtype=str, keep_default_na=False)
    customers["annual_value"] = pd.to_numeric(customers["annual_value"], errors="coerce").fillna(0)
    customers["joined_t"] = pd.to_datetime(customers["joined"], errors="coerce")
    customers["left_t"] = pd.to_datetime(customers["left"], errors="coerce")
    period_end = (latest + 1).start_time.tz_localize("UTC")
    # the trend window: concluded in the last 8 quarters, or open at the period's end
    window = (quarter >= latest - 7) & (quarter <= latest)
    open_at_end = (cases["start"] < period_end) & ~(cases["end"] < period_end)
    c = cases[window | open_at_end].copy()
    c["period"] = quarter[c.index].astype(str).where(window[c.index], "")
    c["goal"] = c["journey"].map(goals)
    c["promise"] = c["journey"].map(promise)
    c["within"] = ~(c["days"] > c["promise"]) & c["end"].notna()
    c["sco"] = ((c["outcome"] == "achieved") & c["within"] & (c["failure_contacts"] <= c["journey"].map(max_failures).fillna(0)))
    info = customers.set_index("customer_id")[["segment", "annual_value", "left_t"]]
    info = info[~info.index.duplicated()]
    c = c.join(info, on="customer")
    c["left_soon"] = (c["left_t"].dt.tz_localize("UTC") - c["end"]).dt.total_seconds().between(0, churn * 86400)
    touched = df[df["case_id"].isin(c.index)]
    touches = (touched.assign(failure=(touched["demand"] == "failure"))
               .groupby(["case_id", "department"], sort=True)
               .agg(contacts=("failure", "size"), failure=("failure", "sum")).reset_index())
    by_case = touched.groupby("case_id", sort=False)["channel"]
    c["first_channel"] = by_case.first()
    c["last_channel"] = by_case.last()
    c["departments"] = touches.groupby("case_id", sort=False)["department"].agg("; ".join)
    c = c.reset_index()

    import xlsxwriter
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_urls": False})
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Journeys")
    ws.write_row(0, 0, ["Journey"] + list(journeys.columns))
    for r, row in enumerate(cells(journeys.reset_index()), 1):
        ws.write_row(r, 0, row)

    ws = wb.add_worksheet("Cases")
    ws.write_row(0, 0, ["Case", "Journey", "Goal", "Period concluded", "Outcome", "SCO", "Start", "End", "Days",
                        "Promise days", "Within promise", "Contacts", "Failure contacts", "Hand-offs", "First channel",
                        "Last channel", "Region", "Customer", "Segment", "Annual value", "Left", "Left within window",
                        "Departments"])
    rows = cells(pd.DataFrame({
        "case": c["case_id"], "journey": c["journey"], "goal": c["goal"], "period": c["period"], "outcome": c["outcome"],
        "sco": c["sco"], "start": excel_days(c["start"]), "end": excel_days(c["end"]), "days": c["days"],
        "promise": c["promise"], "within": c["within"], "contacts": c["contacts"], "failures": c["failure_contacts"],
        "handoffs": c["handoffs"], "first_channel": c["first_channel"], "last_channel": c["last_channel"],
        "region": c["region"], "customer": c["customer"], "segment": c["segment"],
        "value": c["annual_value"], "left": (c["left_t"] - pd.Timestamp("1899-12-30")).dt.days,
        "left_soon": c["left_soon"], "departments": c["departments"]}))
    for r, row in enumerate(rows, 1):
        ws.write_row(r, 0, row)
        if row[6] is not None:
            ws.write_number(r, 6, row[6], date)
        if row[7] is not None:
            ws.write_number(r, 7, row[7], date)
        if row[20] is not None:
            ws.write_number(r, 20, row[20], day)

    ws = wb.add_worksheet("Touches")
    ws.write_row(0, 0, ["Case", "Journey", "Period concluded", "SCO", "Department", "Contacts", "Failure contacts"])
    per_case = c.set_index("case_id")[["journey", "period", "sco"]]
    t = touches.join(per_case, on="case_id")
    for r, row in enumerate(cells(t[["case_id", "journey", "period", "sco", "department", "contacts", "failure"]]), 1):
        ws.write_row(r, 0, row)

    ws = wb.add_worksheet("Customers")
    ws.write_row(0, 0, ["Customer", "Segment", "Region", "Annual value", "Joined", "Left"])
    joined = (customers["joined_t"] - pd.Timestamp("1899-12-30")).dt.days
    left = (customers["left_t"] - pd.Timestamp("1899-12-30")).dt.days
    rows = cells(pd.DataFrame({"id": customers["customer_id"], "segment": customers["segment"], "region": customers["region"],
                               "value": customers["annual_value"], "joined": joined, "left": left}))
    for r, row in enumerate(rows, 1):
        ws.write_row(r, 0, row)
        if row[4] is not None:
            ws.write_number(r, 4, row[4], day)
        if row[5] is not None:
            ws.write_number(r, 5, row[5], day)
    wb.close()


if __name__ == "__main__":
    main()
