#!/usr/bin/env python3
"""Fails when any text of a PDF is set smaller than a minimum size (pack.md, "Read on a phone").

Reads the content streams of every page, uncompressed by `qpdf --qdf --object-streams=disable`,
and follows the text state: each `Tf` sets the font size, and `Tm` (or `cm`) may scale it. The
effective size of a text-showing operator (Tj, TJ, ', ") is the Tf size times the vertical scale
of the text and graphics matrices. boardpack writes unscaled text matrices (a slant only), so in
practice the size is the Tf operand, but the scale is applied so that a future change cannot hide.
Also cross-checks with `pdftotext -bbox`: no word box is shorter than the minimum (a word's box
height is about 1.16 times its font size in DejaVu Sans, so the check there is on size / 1.2).
Usage: pdf_font_sizes.py FILE.pdf [MIN=7.5]   (prints the smallest size and the page of each
offence; exit 1 when some text is under MIN)
"""
import re, subprocess, sys, tempfile, os

def main():
    pdf = sys.argv[1]
    minimum = float(sys.argv[2]) if len(sys.argv) > 2 else 7.5
    with tempfile.TemporaryDirectory() as d:
        qdf = os.path.join(d, "q.pdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf], check=True)
        data = open(qdf, "rb").read().decode("latin-1")
    # qdf marks each page's content stream: "%% Contents for page N"
    parts = re.split(r"%% Contents for page (\d+)\n", data)
    bad, smallest, shown = [], None, 0
    tok = re.compile(r"\((?:\\.|[^\\)])*\)|\[[^\]]*\]|<[^>]*>|/[^\s/\[\]()<>]+|[-+]?\d*\.?\d+|[A-Za-z'\"*]+")
    for i in range(1, len(parts), 2):
        page = int(parts[i])
        body = parts[i + 1]
        m = re.search(r"stream\n(.*?)endstream", body, re.S)
        if not m:
            continue
        ops, size, tm_scale, ctm = [], 0.0, 1.0, [1.0]
        stack = []
        for t in tok.findall(m.group(1)):
            if re.fullmatch(r"[-+]?\d*\.?\d+", t):
                stack.append(float(t))
                continue
            if t == "Tf" and stack:
                size = stack[-1]
            elif t == "Tm" and len(stack) >= 6:
                a, b, c, dd = stack[-6:-2]
                tm_scale = (c * c + dd * dd) ** 0.5 if (c or dd) else 1.0
            elif t == "cm" and len(stack) >= 6:
                a, b, c, dd = stack[-6:-2]
                ctm[-1] *= (c * c + dd * dd) ** 0.5 if (c or dd) else 1.0
            elif t == "q":
                ctm.append(ctm[-1])
            elif t == "Q" and len(ctm) > 1:
                ctm.pop()
            elif t in ("Tj", "TJ", "'", '"'):
                eff = size * tm_scale * ctm[-1]
                shown += 1
                smallest = eff if smallest is None else min(smallest, eff)
                if eff < minimum - 1e-6:
                    bad.append((page, eff))
            if not t.startswith(("(", "[", "<", "/")):
                stack = []
    if shown == 0:
        print(f"{pdf}: no text found")
        return 1
    # the cross-check on word boxes
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    page, small_words = 0, []
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        w = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if w:
            h = float(w.group(2)) - float(w.group(1))
            if h < minimum * 1.16 / 1.2 - 1e-6:
                small_words.append((page, round(h, 2), w.group(3)))
    print(f"{pdf}: {shown} text runs, the smallest {smallest:g} pt")
    for p, e in bad[:20]:
        print(f"  page {p}: text at {e:g} pt, under {minimum:g} pt")
    for p, h, word in small_words[:20]:
        print(f"  page {p}: word {word!r} is {h} pt tall")
    return 1 if bad or small_words else 0

sys.exit(main())
