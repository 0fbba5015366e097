#!/usr/bin/env python3
"""A COMPARISON, NOT PART OF BOARDPACK.

What a competent analyst might write instead of boardpack, to measure boardpack against:
pandas reads journeys.csv, derives cases as data-contract.md says (first/last rows, outcome of
the last row that has one, contacts, failure contacts, hand-offs), computes each journey's
successful-customer-outcome rate for the latest quarter with groupby, writes a workbook with
XlsxWriter (journeys, and the cases of the quarter) and a short PDF with ReportLab.

It is vectorised pandas, not a strawman, and it does less than boardpack (no validation, no
rejected-row report, no KPIs, customers, confidence intervals, trends or charts).

usage: peer.py PACK_FOLDER OUT_FOLDER   (run with Debian's /usr/bin/python3:
                                         python3-pandas, python3-xlsxwriter, python3-reportlab)
"""
import configparser
import os
import sys

import numpy as np
import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",), strict=False)
    ini.read(os.path.join(src, "pack.ini"))
    target = float(ini["pack"].get("sco_target", "0.8"))
    promise = {s.split('"')[1]: float(ini[s].get("promise_days", "nan")) for s in ini.sections() if s.startswith("journey ")}
    max_failures = {s.split('"')[1]: int(ini[s].get("max_failure_contacts", "0")) for s in ini.sections() if s.startswith("journey ")}

    df = pd.read_csv(os.path.join(src, "journeys.csv"), dtype=str, keep_default_na=False,
                     usecols=["case_id", "journey", "timestamp", "department", "customer_id", "demand", "outcome"])
    df["t"] = pd.to_datetime(df["timestamp"], utc=True)
    df["row"] = np.arange(len(df))
    df = df.sort_values(["case_id", "t", "row"], kind="stable")

    g = df.groupby("case_id", sort=False)
    first = g.first()
    cases = pd.DataFrame({
        "journey": first["journey"],
        "customer": first["customer_id"],
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
    with pd.ExcelWriter(stem + ".xlsx", engine="xlsxwriter") as xw:
        journeys.to_excel(xw, sheet_name="Journeys")
        q.assign(start=q["start"].dt.tz_localize(None), end=q["end"].dt.tz_localize(None)).to_excel(xw, sheet_name="Cases")

    styles = getSampleStyleSheet()
    story = [Paragraph(f"Customer outcomes, {latest}", styles["Title"]),
             Paragraph(f"{q['sco'].mean():.0%} of customers got what they set out to do (target {target:.0%}).", styles["Normal"]),
             Spacer(1, 12)]
    rows = [["Journey", "Concluded", "SCO rate", "Failure demand"]]
    rows += [[j, int(r.concluded), f"{r.sco_rate:.0%}", f"{r.failure_demand_share:.0%}"] for j, r in journeys.iterrows()]
    story.append(Table(rows))
    SimpleDocTemplate(stem + ".pdf", pagesize=A4).build(story)
    print(f"peer: {len(df)} rows, {len(cases)} cases, {len(q)} concluded in {latest}; wrote {stem}.xlsx and .pdf")


if __name__ == "__main__":
    main()
