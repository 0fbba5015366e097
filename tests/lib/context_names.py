#!/usr/bin/env python3
"""Lists every name of a template context (boardpack build --dump-context) with an example.

Usage: context_names.py CONTEXT.json            prints a Markdown table
       context_names.py CONTEXT.json DOC.md     exits 1 naming each context name DOC.md lacks
"""
import json, sys


def walk(node, path, out):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, f"{path}.{k}" if path else k, out)
    elif isinstance(node, list):
        if node and isinstance(node[0], (dict, list)):
            walk(node[0], path + "[]", out)
        elif path not in out:
            out[path] = json.dumps(node[:3], ensure_ascii=False)
    elif path not in out:
        out[path] = json.dumps(node, ensure_ascii=False)


def main():
    ctx = json.load(open(sys.argv[1], encoding="utf-8"))
    names = {}
    walk(ctx, "", names)
    # issues and notes are open-ended data, listed once
    names = {k: v for k, v in names.items() if not k.startswith("data_quality.files.")}
    if len(sys.argv) == 3:
        doc = open(sys.argv[2], encoding="utf-8").read()
        # a name is documented when its last part appears in backticks (figure fields repeat under
        # totals, goals[], journeys[] and the ordered lists, and are described once)
        missing = sorted({k.split(".")[-1].rstrip("[]") for k in names} - {w for w in set(doc.split("`"))})
        for k in missing:
            print(f"docs/templates.md does not document `{k}`")
        return 1 if missing else 0
    print("| name | example |\n|---|---|")
    for k, v in names.items():
        if len(v) > 70:
            v = v[:67] + "…"
        v = v.replace("|", "\\|")
        print(f"| `{k}` | `{v}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
