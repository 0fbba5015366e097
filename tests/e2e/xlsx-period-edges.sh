#!/usr/bin/env bash
# The Cases and Touches sheets' "Period concluded" is the period of the case's end, also for a
# case that ends on the first instant of a period or the last millisecond of the one before
# (the workbook keeps each period's bounds once worked out: issue 22). Cases ending on both
# sides of every month's start in 2026 are added to the demo's log, in shuffled order, and the
# packs built by month and by quarter; each added case's period is worked out here from its
# timestamps, and every other case's from its End cell.
set -eu
demo=$ROOT/samples/northwind
for len in month quarter; do
	d=$WORK/$len
	mkdir -p "$d"
	cp "$demo"/kpis.csv "$demo"/customers.csv "$demo"/actions.csv "$d/"
	sed -e "s/^period_length *=.*/period_length = $len/" -e 's|^template *=.*||' \
		"$demo/pack.ini" >"$d/pack.ini"
done
"$PYTHON" - "$demo/journeys.csv" "$WORK/month/journeys.csv" "$WORK/edges.txt" <<'PY'
import datetime, random, sys
src, out, edges = sys.argv[1:4]
lines = open(src, encoding="utf-8").read().split("\n")
header, body = lines[0], [l for l in lines[1:] if l]
added, want = [], []
for m in range(1, 10):
    start = datetime.datetime(2026, m, 1, tzinfo=datetime.timezone.utc)
    for tag, end in (("on", start), ("before", start - datetime.timedelta(milliseconds=1))):
        case = f"EDGE-{m:02d}-{tag}"
        first = end - datetime.timedelta(days=3)
        stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
        added.append(f"{case},Moving home,{stamp(first)},Onboarding,,Call,phone,value,,North")
        added.append(f"{case},Moving home,{stamp(end)},Onboarding,,Done,phone,value,achieved,North")
        want.append(f"{case} {end.year} {end.month}")
rows = body + added
random.Random(22).shuffle(rows)
open(out, "w", encoding="utf-8").write(header + "\n" + "\n".join(rows) + "\n")
open(edges, "w").write("\n".join(want) + "\n")
PY
cp "$WORK/month/journeys.csv" "$WORK/quarter/journeys.csv"
"$BOARDPACK" build "$WORK/month/pack.ini" --period 2026-09 --out "$WORK/out-month" --no-pdf --quiet
"$BOARDPACK" build "$WORK/quarter/pack.ini" --period 2026-Q3 --out "$WORK/out-quarter" --no-pdf --quiet
"$PYTHON" - "$WORK/edges.txt" "$WORK/out-month/board-pack-2026-09.xlsx" "$WORK/out-quarter/board-pack-2026-Q3.xlsx" <<'PY'
import datetime, sys
import openpyxl
edges = {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in open(sys.argv[1]) if l.strip()}
def label(y, m, length):
    return f"{y}-{m:02d}" if length == "month" else f"{y}-Q{(m - 1) // 3 + 1}"
fails = []
for path, length in ((sys.argv[2], "month"), (sys.argv[3], "quarter")):
    wb = openpyxl.load_workbook(path, read_only=True)
    def table(name):
        it = wb[name].iter_rows(values_only=True)
        head = next(it)
        return [dict(zip(head, r)) for r in it if r[0] is not None]
    cases = table("Cases")
    seen = 0
    for c in cases:
        if c["Case"] in edges:
            seen += 1
            want = label(*edges[c["Case"]], length)
        elif c["Outcome"] == "open":
            want = None
        else:  # the End cell, a millisecond off at most: not at an edge in the demo's log
            e = c["End"] + datetime.timedelta(microseconds=500)
            want = label(e.year, e.month, length)
        if c["Period concluded"] != want:
            fails.append(f"{length}: {c['Case']} ends {c['End']}: period {c['Period concluded']}, expected {want}")
    periods = {c["Case"]: c["Period concluded"] for c in cases}
    for t in table("Touches"):
        if t["Period concluded"] != periods[t["Case"]]:
            fails.append(f"{length}: Touches {t['Case']}: {t['Period concluded']}, Cases {periods[t['Case']]}")
    if seen != len(edges) or len(cases) < 1000:
        fails.append(f"{length}: {seen} of the {len(edges)} added cases listed, {len(cases)} cases")
if fails:
    sys.exit("\n".join(fails[:20]))
print("every case's period is its end's, at the edges of months and quarters")
PY
