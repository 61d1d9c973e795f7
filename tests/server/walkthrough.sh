#!/bin/sh
# walkthrough.sh KAOHE SOURCE_DIR — run README's curl walkthrough
# (examples/api/walkthrough.sh) against a real `kaohe serve` on a fresh demo
# store, on a free loopback port. Skipped (77) when curl is missing.
set -eu
KAOHE=$1
SRC=$2
command -v curl >/dev/null 2>&1 || { echo "curl is not installed"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kaohe-walk-test-XXXXXX")
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
"$KAOHE" init --db "$TMP/demo.db" >/dev/null
"$KAOHE" demo --db "$TMP/demo.db" >/dev/null
tries=0
while :; do
    PORT=$((20000 + ($$ + tries * 7919) % 30000))
    "$KAOHE" serve --db "$TMP/demo.db" --listen 127.0.0.1:$PORT >"$TMP/serve.log" 2>&1 &
    PID=$!
    ok=0
    for _ in $(seq 1 100); do
        if curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null 2>&1; then ok=1; break; fi
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    [ $ok = 1 ] && break
    kill "$PID" 2>/dev/null || true
    PID=""
    tries=$((tries + 1))
    [ $tries -lt 5 ] || { cat "$TMP/serve.log"; exit 1; }
done
KAOHE_URL=http://127.0.0.1:$PORT sh "$SRC/examples/api/walkthrough.sh"
