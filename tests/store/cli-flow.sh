#!/bin/sh
# cli-flow.sh KAOHE — the store's command-line flow of issue 3, end to end
# through the real binary: build the demo district's database from files
# (kaohe demo --db), score from the store exactly as from the files, publish,
# correct one value by importing a file, publish again and read the diff
# (the unit's own change and the units moved by relative rules), the audit
# log, a refused import (bad row; locked period) that changes nothing, a
# snapshot that reproduces, a filled data-entry template (XLSX) imported back,
# and a second jurisdiction in the same file.
set -eu
KAOHE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export KAOHE_USER=考核办
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect TEXT FILE: FILE contains the line fragment TEXT
    grep -F -q -- "$1" "$2" || { echo "FAIL: expected '$1' in $2:"; cat "$2"; exit 1; }
}

# 1. The demo district from its CSV files into a new store; twice is harmless.
mkdir tmp
TMPDIR=$WORK/tmp "$KAOHE" demo --db demo.db > demo.out
expect "values.csv             4638 行 rows · 新增 new 4638" demo.out
TMPDIR=$WORK/tmp "$KAOHE" demo --db demo.db > demo2.out
expect "values.csv             4638 行 rows · 新增 new 0 · 修改 changed 0 · 未变 unchanged 4638" demo2.out
[ -z "$(ls tmp)" ] || fail "kaohe demo --db left its temporary files behind"

# 2. Scores from the store are the scores from the files.
"$KAOHE" demo --write files > /dev/null
"$KAOHE" score files/scheme.yaml --data files --period 2024 --format csv > from-files.csv
"$KAOHE" score --db demo.db shiliqu_2024 --period 2024 --format csv > from-store.csv
cmp from-files.csv from-store.csv || fail "score --db differs from score on the files"
"$KAOHE" score files/villages.yaml --data files/villages --period 2024 --format csv > v1.csv
"$KAOHE" score --db demo.db wuxing_2024 --period 2024 --format csv > v2.csv
cmp v1.csv v2.csv || fail "village scores from the store differ"

# 3. Publish twice: same hash.
"$KAOHE" publish --db demo.db shiliqu_2024 --period 2024 > p1.out
"$KAOHE" publish --db demo.db shiliqu_2024 --period 2024 > p2.out
expect "快照 snapshot 1" p1.out
h1=$(sed -n 's/^哈希 sha256 //p' p1.out)
h2=$(sed -n 's/^哈希 sha256 //p' p2.out)
[ ${#h1} -eq 64 ] && [ "$h1" = "$h2" ] || fail "publishing twice gave $h1 and $h2"

# 4. A bad row: exit 2, file:line:col, nothing changes.
"$KAOHE" audit --db demo.db > audit-before.out
printf 'unit,indicator,period,value\nT01,gdp_growth,2024-12,3.5\nT02,gdp_growth,2024-12,9,5\n' > bad-values.csv
set +e
"$KAOHE" import --db demo.db bad-values.csv > bad.out 2> bad.err
rc=$?
set -e
[ $rc -eq 2 ] || fail "a bad row gave exit $rc"
expect "bad-values.csv:3:5" bad.err
"$KAOHE" audit --db demo.db > audit-after.out
cmp audit-before.out audit-after.out || fail "a refused import changed the audit log"
"$KAOHE" score --db demo.db shiliqu_2024 --period 2024 --format csv | cmp - from-store.csv ||
    fail "a refused import changed the scores"

# 5. Correct one value, publish, diff.
printf 'unit,indicator,period,value\nT01,gdp_growth,2024-12,3.5\n' > values-fix.csv
"$KAOHE" import --db demo.db --user 张三 values-fix.csv > fix.out
expect "修改 changed 1" fix.out
"$KAOHE" publish --db demo.db shiliqu_2024 --period 2024 > p3.out
expect "快照 snapshot 3" p3.out
"$KAOHE" diff --db demo.db 2 3 > diff.out
expect "  T01 城关街道 (town): 总分 total 103.88 → 100.28 · 排名 rank 1 → 2" diff.out
expect "    gdp 地区生产总值增长: 13.60 → 6.00" diff.out
expect "    原因 cause: 本单位数据变化 its own inputs changed: #1" diff.out
expect "  T05 东湖镇 (town): 总分 total 103.40 → 103.40 · 排名 rank 2 → 1" diff.out
expect "    原因 cause: 其他单位数据变化 (相对评价规则)" diff.out
expect "  #1 数值 value T01 gdp_growth 2024-12: 10.1 → 3.5 · 张三 (cli)" diff.out
expect "· values-fix.csv:2" diff.out
"$KAOHE" diff --db demo.db 2 3 --json > diff.json
expect '"cause":"others"' diff.json
expect '"to":{"value":"3.5"},"by":"张三"' diff.json
if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' diff.json || fail "diff --json is not JSON"
fi
"$KAOHE" audit --db demo.db --limit 3 > audit.out
expect "张三 (cli) · 修改 update value T01 gdp_growth 2024-12: 10.1 → 3.5" audit.out
"$KAOHE" snapshot --db demo.db --verify 1 > verify.out
expect "快照 snapshot 1 可复现 reproduces: sha256 $h1" verify.out
"$KAOHE" snapshot --db demo.db > list.out
[ "$(wc -l < list.out)" -eq 3 ] || fail "expected 3 snapshots"

# 6. A locked period refuses changes; unlocking needs a reason.
"$KAOHE" lock --db demo.db 2024 > /dev/null
printf 'unit,indicator,period,value\nT01,gdp_growth,2024-12,4\n' > values-late.csv
set +e
"$KAOHE" import --db demo.db values-late.csv > late.out 2> late.err
rc=$?
"$KAOHE" unlock --db demo.db 2024 > /dev/null 2>&1
rc2=$?
set -e
[ $rc -eq 2 ] || fail "a locked period gave exit $rc"
expect "values-late.csv:2: a value of period 2024-12 cannot change: period 2024 is locked" late.err
[ $rc2 -eq 1 ] || fail "unlock without a reason gave exit $rc2"
"$KAOHE" import --db demo.db values-fix.csv > same.out   # unchanged rows pass
expect "未变 unchanged 1" same.out
"$KAOHE" unlock --db demo.db 2024 --reason "更正统计数据" > /dev/null
"$KAOHE" import --db demo.db values-late.csv > /dev/null

# 7. A data-entry template (XLSX) filled from the same data imports back into
#    the store as unchanged (when kaohe export is built in).
if "$KAOHE" export --help > /dev/null 2>&1; then
    "$KAOHE" export template files/scheme.yaml --data files --period 2024-12 \
        --inputs gdp_growth --fill --output 统计局.xlsx > /dev/null
    "$KAOHE" import --db demo.db 统计局.xlsx > xlsx.out
    expect "统计局.xlsx: 数值 values · 12 行 rows · 新增 new 0 · 修改 changed 1 · 未变 unchanged 11 (XLSX)" xlsx.out
fi

# 8. A second jurisdiction in the same file sees none of the first's data.
"$KAOHE" init --db demo.db --jurisdiction city --name 市本级 > init.out
expect "辖区 jurisdiction city" init.out
set +e
"$KAOHE" score --db demo.db --jurisdiction city shiliqu_2024 --period 2024 > city.out 2> city.err
rc=$?
set -e
[ $rc -eq 2 ] || fail "the other jurisdiction scored the first one's scheme (exit $rc)"
expect 'no scheme "shiliqu_2024"' city.err
"$KAOHE" audit --db demo.db --jurisdiction city > city-audit.out
[ ! -s city-audit.out ] || fail "the new jurisdiction has audit entries"
echo "store CLI flow: ok"
