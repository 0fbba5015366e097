#!/usr/bin/env bash
# Seeds the fuzzing corpora (folder given, default build/fuzz/corpus) from the test cases, the
# samples, the templates and the PDF fixtures. Idempotent: existing corpus files are kept.
set -eu
cd "$(dirname "$0")/../.."
out=${1:-build/fuzz/corpus}
mkdir -p "$out"/{csv,values,config,mustache,layout,xes,xlsx}
n=0
for f in tests/cases/*/*.csv tests/fixtures/*/*.csv tests/fuzz/seeds/csv/*; do
	[ -f "$f" ] || continue
	head -c 65536 "$f" >"$out/csv/seed-$((n++))"
done
head -n 200 samples/northwind/journeys.csv >"$out/csv/seed-journeys"
head -n 100 samples/northwind/kpis.csv >"$out/csv/seed-kpis"
head -n 100 samples/northwind/customers.csv >"$out/csv/seed-customers"
# every distinct field of the test inputs, one per file
cat tests/cases/*/*.csv | tr ',;\t' '\n\n\n' | sort -u | head -n 400 | { i=0; while IFS= read -r v; do printf '%s' "$v" >"$out/values/seed-$((i++))"; done; }
for v in 2026-07-01 2026-07-01T09:30 2026-07-01T09:30:15Z 2026-07-01T09:30:15+05:30 01/07/2026 07/01/2026 \
	2026-Q3 2026-07 2026 "1,5" 1.5 12% -0 1e309 NaN inf 0000-01-01 9999-12-31T23:59:59Z; do
	printf '%s' "$v" >"$out/values/seed-$(printf '%s' "$v" | tr -c 'A-Za-z0-9' _)"
done
n=0
for f in tests/cases/*/pack.ini tests/fixtures/*/pack.ini samples/northwind/pack.ini tests/fuzz/seeds/config/*; do
	[ -f "$f" ] || continue
	cp "$f" "$out/config/seed-$((n++))"
done
n=0
for f in templates/*.md tests/fuzz/seeds/mustache/*; do
	[ -f "$f" ] || continue
	cp "$f" "$out/mustache/seed-$((n++))"
done
n=0
for f in tests/fixtures/pdf/*.md templates/*.md tests/fuzz/seeds/layout/*; do
	[ -f "$f" ] || continue
	head -c 65536 "$f" >"$out/layout/seed-$((n++))"
done
# XES logs, plain and compressed; workbook parts as fuzz_xlsx reads them (its first byte: the mode)
n=0
for f in tests/cases/*/*.xes tests/fuzz/seeds/xes/*; do
	[ -f "$f" ] || continue
	head -c 65536 "$f" >"$out/xes/seed-$((n++))"
done
for f in tests/fuzz/seeds/xlsx/*; do
	[ -f "$f" ] && cp "$f" "$out/xlsx/seed-$(basename "$f")"
done
