#!/usr/bin/env bash
# generator/README.md's rule: a file includes only headers of its own folder or of the folders
# its row allows; every source lives in one of the folders the README names (or at the top).
set -u
"$PYTHON" - "$ROOT/generator" <<'PY'
import os, re, sys
root = sys.argv[1]
allowed = {
    "util": {"util"},
    "model": {"util", "model"},
    "in": {"util", "model", "in"},
    "calc": {"util", "model", "in", "calc"},
    "tmpl": {"util", "tmpl"},
    "pdf": {"util", "view", "pdf"},
    "xlsx": {"util", "view", "xlsx"},
    "view": {"util", "model", "in", "calc", "view"},
    "": None,  # the top level: anything
}
bad, seen = [], 0
for dirpath, _, files in os.walk(root):
    folder = os.path.relpath(dirpath, root)
    folder = "" if folder == "." else folder
    if folder not in allowed:
        bad.append(f"{folder}/: a folder generator/README.md does not name")
        continue
    for f in files:
        if not f.endswith((".c", ".h")):
            continue
        for n, line in enumerate(open(os.path.join(dirpath, f), encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            seen += 1
            inc = m.group(1)
            target = inc.split("/")[0] if "/" in inc else None
            if target is None or not os.path.exists(os.path.join(root, inc)):
                if not os.path.exists(os.path.join(root, inc)):
                    bad.append(f"{folder}/{f}:{n}: includes \"{inc}\", which is not under generator/ by its folder")
                continue
            if allowed[folder] is not None and target not in allowed[folder]:
                bad.append(f"{folder}/{f}:{n}: includes \"{inc}\": {folder}/ may include only {sorted(allowed[folder])}")
            # the writers see the view's types only, not how it is built or rendered as JSON
            if folder in ("xlsx", "pdf") and target == "view" and inc != "view/view.h":
                bad.append(f"{folder}/{f}:{n}: includes \"{inc}\": a writer includes only view/view.h")
            # xlsx/book.h is the workbook module's own header
            if inc == "xlsx/book.h" and folder != "xlsx":
                bad.append(f"{folder}/{f}:{n}: includes \"{inc}\", the workbook module's own header")
            # view.h includes nothing of the pipeline, so a writer including it depends on no stage
            if folder == "view" and f == "view.h":
                bad.append(f"view/view.h:{n}: includes \"{inc}\": the view's types stand alone")
        # jansson is the metrics JSON's and the template context's: no writer of the PDF or the
        # workbook, and no earlier stage, sees it (generator/README.md, "Libraries")
        if folder in ("util", "model", "in", "calc", "pdf", "xlsx") or (folder, f) == ("view", "view.h"):
            text = open(os.path.join(dirpath, f), encoding="utf-8").read()
            if re.search(r'#\s*include\s*<jansson\.h>', text) or re.search(r'\bjson_[a-z_]+\s*\(', text):
                bad.append(f"{folder}/{f}: uses jansson, which only the JSON and the template context may")
        # a module is in one folder only
for b in bad:
    print("layers:", b)
if bad or seen < 200:
    sys.exit(f"{len(bad)} include(s) against the rule ({seen} checked)")
print(f"{seen} includes follow generator/README.md's rule")
PY
