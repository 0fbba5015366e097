#!/usr/bin/env bash
# The Mustache specification's six required modules, run through the engine by
# $TOOLS/mustache-spec. The spec's JSON files come from Debian's r-cran-whisker
# (installed by `make deps`); MUSTACHE_SPEC_DIR points elsewhere, e.g. at a newer copy.
set -u
dir=${MUSTACHE_SPEC_DIR:-/usr/lib/R/site-library/whisker/specs}
if [ ! -f "$dir/sections.json" ]; then
	echo "mustache-spec: no spec files in $dir: install r-cran-whisker ('make deps')" >&2
	exit 1
fi
exec "$TOOLS/mustache-spec" "$dir"/{comments,delimiters,interpolation,inverted,partials,sections}.json
