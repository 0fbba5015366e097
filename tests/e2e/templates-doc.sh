#!/usr/bin/env bash
# docs/templates.md documents every name of the template context (of the demo pack).
set -eu
"$BOARDPACK" build "$ROOT/samples/northwind/pack.ini" --out "$WORK/out" --no-pdf --no-xlsx --quiet --dump-context "$WORK/ctx.json"
"$PYTHON" "$ROOT/tests/lib/context_names.py" "$WORK/ctx.json" "$ROOT/docs/templates.md"
