#!/bin/sh
# Golden test of the 苏仙 example: run by tests/golden/run-example.sh with
# KAOHE and OUT set; every file written here must match expected/<name>.
set -eu
"$KAOHE" check scheme.yaml >"$OUT/check.txt" 2>&1
"$KAOHE" check scheme-alt.yaml >"$OUT/check-alt.txt" 2>&1
"$KAOHE" score scheme.yaml --data . --period 2015 --format csv >"$OUT/score.csv"
"$KAOHE" score scheme.yaml --data . --period 2015 --format table --depth 2 >"$OUT/score-table.txt"
"$KAOHE" score scheme-alt.yaml --data . --period 2015 --format csv >"$OUT/score-alt.csv"
"$KAOHE" score scheme-alt.yaml --data . --period 2015 --format table --depth 2 >"$OUT/score-alt-table.txt"
# 两种读法的名次对照 (from the two CSV files: unit, name, total and rank)
awk -F, 'NR == FNR { if (FNR > 1) { ta[$3] = $(NF-4); ra[$3] = $(NF-3) } next }
         FNR == 1 { print "unit,name,total_A,rank_A,total_B,rank_B,places_gained_under_B"; next }
         { printf "%s,%s,%s,%s,%s,%s,%+d\n", $3, $4, ta[$3], ra[$3], $(NF-4), $(NF-3), ra[$3] - $(NF-3) }' \
    "$OUT/score.csv" "$OUT/score-alt.csv" >"$OUT/rank-compare.csv"
# 增长率: 高于平均值, 两种读法封顶不同 (S08 技改投资增长率 80%, 平均 43.75%)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit S08 --node c2_growth >"$OUT/explain-S08-c2_growth.txt"
"$KAOHE" explain scheme-alt.yaml --data . --period 2015 --unit S08 --node c2_growth >"$OUT/explain-alt-S08-c2_growth.txt"
# 增长率: 低于平均值, 最低为零分 (S04 技改投资 -20%)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit S04 --node c2_growth >"$OUT/explain-S04-c2_growth.txt"
# 总量: 以最高值为满分 (S02 产业项目投资)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit S02 --node c1_total >"$OUT/explain-S02-c1_total.txt"
# 完成程度 (S05: 20000 / 40000)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit S05 --node c3_progress >"$OUT/explain-S05-c3_progress.txt"
