#!/bin/sh
# walkthrough.sh — every demo account doing its role's work through the JSON
# API with curl, as README.md shows: a month of data is entered by a town's
# reporter and by the statistics bureau, submitted, returned and corrected,
# approved by the reviewer, scored live, published by the office; an
# evaluator casts ballots; a town appeals a score and the office decides;
# the leader reads everything. Run by `make test` (tests/server) against a
# fresh demo server; by hand against `make run`:
#
#   sh examples/api/walkthrough.sh                 (uses http://127.0.0.1:8080)
#   KAOHE_URL=http://127.0.0.1:18090 sh examples/api/walkthrough.sh
#
# Each step prints what it does and fails loudly when an answer is not the
# expected one. The data it writes go to the demo's open month 2025-01.
set -eu
URL=${KAOHE_URL:-http://127.0.0.1:8080}
API=$URL/api/v1
JARS=$(mktemp -d "${TMPDIR:-/tmp}/kaohe-walk-XXXXXX")
trap 'rm -rf "$JARS"' EXIT

step() { printf '\n== %s\n' "$*"; }

# login NAME: sign in, keep the cookie in $JARS/NAME, the CSRF token in $JARS/NAME.csrf
login() {
    curl -sf -c "$JARS/$1" -H 'Content-Type: application/json' \
        -d "{\"name\": \"$1\", \"password\": \"kaohe-demo\"}" "$API/session" |
        sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' >"$JARS/$1.csrf"
    [ -s "$JARS/$1.csrf" ] || { echo "cannot sign in as $1" >&2; exit 1; }
}

# as NAME METHOD PATH [JSON]: one request as NAME; prints the body.
as() {
    who=$1 method=$2 path=$3
    shift 3
    if [ $# -gt 0 ]; then
        curl -s -b "$JARS/$who" -X "$method" -H 'Content-Type: application/json' \
            -H "X-CSRF-Token: $(cat "$JARS/$who.csrf")" -d "$1" "$API$path"
    else
        curl -s -b "$JARS/$who" -X "$method" -H "X-CSRF-Token: $(cat "$JARS/$who.csrf")" \
            "$API$path"
    fi
}

# expect TEXT BODY: fail unless BODY contains TEXT.
expect() {
    case $2 in
    *"$1"*) printf '   ok: %s\n' "$1" ;;
    *) printf '   expected %s in:\n%s\n' "$1" "$2" >&2; exit 1 ;;
    esac
}

for who in admin tongji t01 t02 shenhe pingyi lingdao; do login "$who"; done

step "t01 (城关街道 reporter) enters and submits T01's January 2025 figures"
out=$(as t01 PUT /values '{"submit": true, "values": [
  {"unit": "T01", "indicator": "revenue", "period": "2025-01", "value": 5120},
  {"unit": "T01", "indicator": "tasks_due", "period": "2025-01", "value": 6},
  {"unit": "T01", "indicator": "tasks_done", "period": "2025-01", "value": 7}]}')
expect '"ok":true' "$out"
expect '"state":"submitted"' "$out"

step "t01 cannot touch T02 (scope)"
out=$(as t01 PUT /values '{"values": [{"unit": "T02", "indicator": "revenue", "period": "2025-01", "value": 1}]}')
expect '"code":2006' "$out"

step "tongji (统计局) enters GDP growth for two towns, and cannot enter revenue"
out=$(as tongji PUT /values '{"submit": true, "values": [
  {"unit": "T01", "indicator": "gdp_growth", "period": "2025-01", "value": 6.1},
  {"unit": "T02", "indicator": "gdp_growth", "period": "2025-01", "value": 5.8}]}')
expect '"ok":true' "$out"
out=$(as tongji PUT /values '{"values": [{"unit": "T03", "indicator": "revenue", "period": "2025-01", "value": 1}]}')
expect '"code":2006' "$out"

step "shenhe (reviewer) sees the queue, returns one value with a note, approves the rest"
out=$(as shenhe GET "/values?period=2025-01&state=submitted")
expect '"total":5' "$out"
out=$(as shenhe POST /values/review '{"action": "return", "note": "完成数多于应完成数，请核对",
  "items": [{"unit": "T01", "indicator": "tasks_done", "period": "2025-01"}]}')
expect '"state":"returned"' "$out"
out=$(as shenhe POST /values/review '{"action": "approve", "items": [
  {"unit": "T01", "indicator": "revenue", "period": "2025-01"},
  {"unit": "T01", "indicator": "tasks_due", "period": "2025-01"},
  {"unit": "T01", "indicator": "gdp_growth", "period": "2025-01"},
  {"unit": "T02", "indicator": "gdp_growth", "period": "2025-01"}]}')
expect '"state":"approved"' "$out"

step "t01 corrects the returned value and submits again; shenhe approves"
out=$(as t01 PUT /values '{"submit": true, "values": [
  {"unit": "T01", "indicator": "tasks_done", "period": "2025-01", "value": 6}]}')
expect '"state":"submitted"' "$out"
out=$(as shenhe POST /values/review '{"action": "approve", "items": [
  {"unit": "T01", "indicator": "tasks_done", "period": "2025-01"}]}')
expect '"state":"approved"' "$out"

step "lingdao (leader) reads the 2024 league tables and T01's report card"
out=$(as lingdao GET /scores/2024)
expect '"category":"town"' "$out"
out=$(as lingdao GET /scores/2024/units/T01)
expect '"unit":"T01"' "$out"
expect '"weak"' "$out"

step "lingdao downloads the official XLSX score table, twice (the second comes from the cache)"
for i in 1 2; do
    hdr=$(curl -s -D - -o "$JARS/scores.xlsx" -b "$JARS/lingdao" "$API/scores/2024/export?category=town")
    expect 'spreadsheetml.sheet' "$hdr"
    expect 'attachment; filename="shiliqu_2024-2024-town.xlsx"' "$hdr"
done

step "t01 reads its own report card, but not T02's"
out=$(as t01 GET /scores/2024/units/T01)
expect '"rank"' "$out"
out=$(as t01 GET /scores/2024/units/T02)
expect '"code":2006' "$out"

step "admin (考核办) publishes 2024"
out=$(as admin POST /snapshots '{"period": "2024"}')
expect '"hash"' "$out"
snap=$(printf '%s' "$out" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')

step "pingyi (evaluator) casts ballots at a meeting"
out=$(as pingyi POST /ballots '{"meeting": "2025年一季度工作汇报会", "group": "代表委员",
  "ballots": [{"unit": "T01", "grade": "好"}, {"unit": "T02", "grade": "较好"}]}')
expect '"ok":true' "$out"

step "t01 appeals one scored item with evidence; admin rejects it with a reason"
ev=$(curl -s -b "$JARS/t01" -H "X-CSRF-Token: $(cat "$JARS/t01.csrf")" \
    -H 'Content-Type: text/plain' --data-binary '虚构的佐证材料' \
    "$API/evidence?name=note.txt&unit=T01")
expect '"ok":true' "$ev"
evid=$(printf '%s' "$ev" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
out=$(as t01 POST /appeals "{\"unit\": \"T01\", \"node\": \"revenue\", \"period\": \"2024\",
  \"reason\": \"收入口径有误（示例）\", \"evidence\": [$evid]}")
expect '"state":"open"' "$out"
appeal=$(printf '%s' "$out" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
out=$(as admin POST "/appeals/$appeal/decision" '{"accept": false, "reason": "口径符合考核办法第五条（示例）"}')
expect '"state":"rejected"' "$out"

step "lingdao reads the published table and the audit log"
out=$(as lingdao GET "/snapshots/$snap")
expect '"period":"2024"' "$out"
out=$(as lingdao GET "/audit?limit=5")
expect '"entries"' "$out"

step "admin locks January; nobody can change it any more"
out=$(as admin POST /periods/2025-01/lock '{"reason": "一月数据已审定"}')
expect '"locked":true' "$out"
out=$(as t01 PUT /values '{"values": [{"unit": "T01", "indicator": "revenue", "period": "2025-01", "value": 1}]}')
expect '"code":3003' "$out"

printf '\nwalkthrough: every step answered as expected\n'
