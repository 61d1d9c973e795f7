#!/bin/sh
# http.sh — the load benchmark of `kaohe serve` (issue 4, docs/performance.md
# "The HTTP server"): wrk on loopback against the league-table route
# (GET /api/v1/scores/2024) and the report-card route
# (GET /api/v1/scores/2024/units/T01) of the demo district, signed in as the
# leader, at 64 and 256 connections; then nginx serving the very same JSON
# bodies as static files, with the same number of worker processes as kaohe
# has threads, so the ratio says what kaohe's API costs over a web server
# sending bytes it already has.
#
#   sh bench/http.sh            (make bench-http builds first)
#
# Environment:
#   BUILD=build-bench  where kaohe was built
#   DURATION=10s       wrk duration per run
#   THREADS=2          kaohe worker threads = nginx worker processes = wrk threads
#   PORT=18080         kaohe's port; nginx uses PORT+1
set -eu

BUILD=${BUILD:-build-bench}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
NPORT=$((PORT + 1))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KAOHE=$BUILD/kaohe
for tool in wrk nginx curl; do
    command -v $tool >/dev/null 2>&1 || [ -x /usr/sbin/$tool ] || {
        echo "http.sh: $tool is missing (make bench-deps installs it)" >&2
        exit 1
    }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kaohe-http-XXXXXX")
KPID=""
NPID=""
cleanup() {
    [ -n "$KPID" ] && kill "$KPID" 2>/dev/null || true
    [ -n "$NPID" ] && kill "$NPID" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

"$KAOHE" init --db "$TMP/demo.db" >/dev/null
"$KAOHE" demo --db "$TMP/demo.db" >/dev/null
"$KAOHE" serve --db "$TMP/demo.db" --listen 127.0.0.1:$PORT --threads "$THREADS" \
    >"$TMP/serve.log" 2>&1 &
KPID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { cat "$TMP/serve.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf -c "$TMP/jar" -H 'Content-Type: application/json' \
    -d '{"name":"lingdao","password":"kaohe-demo"}' \
    "http://127.0.0.1:$PORT/api/v1/session" >/dev/null
COOKIE="kh_session=$(awk '$6 == "kh_session" {print $7}' "$TMP/jar")"

# The same bodies, as files for nginx.
mkdir -p "$TMP/www/league" "$TMP/www/card" "$TMP/nginx"
curl -sf -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/api/v1/scores/2024" >"$TMP/www/league/index.json"
curl -sf -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/api/v1/scores/2024/units/T01" \
    >"$TMP/www/card/index.json"
cat >"$TMP/nginx/nginx.conf" <<CONF
worker_processes $THREADS;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx;
    proxy_temp_path $TMP/nginx;
    fastcgi_temp_path $TMP/nginx;
    uwsgi_temp_path $TMP/nginx;
    scgi_temp_path $TMP/nginx;
    default_type application/json;
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www;
        location / { index index.json; }
    }
}
CONF
"$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" &
NPID=$!
sleep 0.5

# run NAME URL CONNECTIONS [COOKIE]: one wrk run; prints "rps p50 p90 p99".
run() {
    if [ -n "${4:-}" ]; then
        wrk -t"$THREADS" -c"$3" -d"$DURATION" --latency -H "Cookie: $4" "$2" >"$TMP/wrk.out"
    else
        wrk -t"$THREADS" -c"$3" -d"$DURATION" --latency "$2" >"$TMP/wrk.out"
    fi
    awk '/Requests\/sec/ {rps=$2}
         /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {bad=$NF}
         END {printf "%s %s %s %s %s\n", rps, p50, p90, p99, bad ? bad : 0}' "$TMP/wrk.out"
}

echo "| route | connections | kaohe req/s | p50 | p90 | p99 | nginx req/s | p50 | p99 | kaohe / nginx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for route in league card; do
    case $route in
    league) path=/api/v1/scores/2024 ;;
    card) path=/api/v1/scores/2024/units/T01 ;;
    esac
    for c in 64 256; do
        set -- $(run kaohe "http://127.0.0.1:$PORT$path" "$c" "$COOKIE")
        k_rps=$1 k50=$2 k90=$3 k99=$4 kbad=$5
        set -- $(run nginx "http://127.0.0.1:$NPORT/$route/" "$c")
        n_rps=$1 n50=$2 n99=$4
        ratio=$(awk -v a="$k_rps" -v b="$n_rps" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
        [ "$kbad" = 0 ] || echo "warning: $kbad non-2xx answers from kaohe on $path" >&2
        echo "| \`$path\` | $c | $k_rps | $k50 | $k90 | $k99 | $n_rps | $n50 | $n99 | $ratio |"
    done
done
echo
echo "bodies: league $(wc -c <"$TMP/www/league/index.json") bytes, card $(wc -c <"$TMP/www/card/index.json") bytes;" \
    "kaohe --threads $THREADS, nginx worker_processes $THREADS, wrk -t$THREADS -d$DURATION"
