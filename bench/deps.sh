#!/bin/sh
# deps.sh — what `make bench` needs besides the build: the peers (the
# sqlite3 shell, Python 3 with pandas, Node.js with npm, GNU time) through
# tools/install-deps.sh bench, then the DuckDB package from bench/package-lock.json
# (npm ci in bench/, again only when the lockfile changed).
#
# Where Node.js comes from another repository than Debian's (its package
# then ships npm, and Debian's npm package cannot be installed beside it),
# install-deps.sh fails on npm; the commands themselves are what the
# benchmarks need, so that case goes on when every one of them is there.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if ! sh "$ROOT/tools/install-deps.sh" bench; then
    missing=""
    for c in sqlite3 node npm /usr/bin/time timeout; do
        command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
    done
    /usr/bin/python3 -c 'import pandas' 2>/dev/null || missing="$missing python3-pandas"
    if [ -n "$missing" ]; then
        echo "bench: missing:$missing" >&2
        exit 1
    fi
    echo "bench: install-deps.sh could not install everything, but every command the" \
        "benchmarks run is present; going on" >&2
fi
cd "$ROOT/bench"
if [ ! -d node_modules/@duckdb/node-api ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
