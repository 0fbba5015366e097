#!/usr/bin/env python3
"""Checks that a JSON document contains an expected fragment.

Objects match when every expected key is present and matches (extra keys are
allowed). Arrays match element by element and must have the same length,
unless the expected array's first element is the string "...", in which case
the remaining expected elements must each match some element of the actual
array. Numbers match within 1e-9 (relative) so that hand-computed fractions
such as 2/3 can be written as 0.6666666666666666. null matches only null.
Usage: jsonfrag.py EXPECTED.json ACTUAL.json
"""
import json, math, sys


def match(exp, act, path):
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return [f"{path}: expected an object, found {json.dumps(act)[:80]}"]
        errs = []
        for k, v in exp.items():
            if k not in act:
                errs.append(f"{path}.{k}: missing")
            else:
                errs += match(v, act[k], f"{path}.{k}")
        return errs
    if isinstance(exp, list):
        if not isinstance(act, list):
            return [f"{path}: expected an array, found {json.dumps(act)[:80]}"]
        if exp and exp[0] == "...":
            errs = []
            for i, e in enumerate(exp[1:]):
                if not any(not match(e, a, path) for a in act):
                    errs.append(f"{path}: no element matches {json.dumps(e)[:120]}")
            return errs
        if len(exp) != len(act):
            return [f"{path}: expected {len(exp)} elements, found {len(act)}"]
        errs = []
        for i, (e, a) in enumerate(zip(exp, act)):
            errs += match(e, a, f"{path}[{i}]")
        return errs
    if isinstance(exp, bool) or exp is None or isinstance(exp, str):
        return [] if exp == act and type(exp) == type(act) else [f"{path}: expected {json.dumps(exp)}, found {json.dumps(act)}"]
    if isinstance(exp, (int, float)):
        if isinstance(act, bool) or not isinstance(act, (int, float)):
            return [f"{path}: expected {exp}, found {json.dumps(act)}"]
        if math.isclose(exp, act, rel_tol=1e-9, abs_tol=1e-12):
            return []
        return [f"{path}: expected {exp!r}, found {act!r}"]
    return [f"{path}: unsupported expected value"]


def main():
    if len(sys.argv) != 3:
        print("usage: jsonfrag.py EXPECTED.json ACTUAL.json", file=sys.stderr)
        return 2
    exp = json.load(open(sys.argv[1], encoding="utf-8"))
    act = json.load(open(sys.argv[2], encoding="utf-8"))
    errs = match(exp, act, "$")
    for e in errs:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
