#!/bin/sh
# Golden test of the 国资委 example: run by tests/golden/run-example.sh with
# KAOHE and OUT set; every file written here must match expected/<name>.
set -eu
"$KAOHE" check scheme.yaml >"$OUT/check.txt" 2>&1
"$KAOHE" score scheme.yaml --data . --period 2015 --format csv >"$OUT/score.csv"
"$KAOHE" score scheme.yaml --data . --period 2015 --format table --depth 2 >"$OUT/score-table.txt"
# 利润总额: 低于目标 3.5%, 只计满 2% 的部分, 扣 1 分
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E03 --node profit >"$OUT/explain-E03-profit.txt"
# 利润总额: 正好低于目标 6%, 扣 3 分
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E02 --node profit >"$OUT/explain-E02-profit.txt"
# 经济增加值: 亏损, 扣到 0 分为止
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E04 --node eva >"$OUT/explain-E04-eva.txt"
# 委托管理企业: 分类指标 35 分 (R17)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E06 --node classified >"$OUT/explain-E06-classified.txt"
# 预决算差异率正好 +30% (含) 与 -35% (含)
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E06 --node budget >"$OUT/explain-E06-budget.txt"
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E05 --node budget >"$OUT/explain-E05-budget.txt"
# 评议: 好/中/差 取平均
"$KAOHE" explain scheme.yaml --data . --period 2015 --unit E08 --node integrity >"$OUT/explain-E08-integrity.txt"
