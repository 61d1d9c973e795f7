#!/bin/sh
# Golden test of the 石城 example: run by tests/golden/run-example.sh with
# KAOHE (the binary) and OUT (where to write) set; every file written here
# must match expected/<same name>.
set -eu
"$KAOHE" check scheme.yaml >"$OUT/check.txt" 2>&1
"$KAOHE" score scheme.yaml --data . --period 2018 --format csv >"$OUT/score.csv"
"$KAOHE" score scheme.yaml --data . --period 2018 --format table >"$OUT/score-table.txt"
# 第12项 扣完为止 (3 次不达标, 6 分扣到 0)
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T05 --node i12 >"$OUT/explain-T05-i12.txt"
# 第17项: 第3小项每例扣2分, 本项最低 0 分
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T05 --node i17 >"$OUT/explain-T05-i17.txt"
# 第7项: 辖区内没有列入湖长制名录湖泊的乡镇按满分计
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T02 --node i07 >"$OUT/explain-T02-i07.txt"
# 五.1 加权篇数 2:1:0.5
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T06 --node i25_1 >"$OUT/explain-T06-i25_1.txt"
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T04 --node i25_1 >"$OUT/explain-T04-i25_1.txt"
# 第21项 退养比例 (R1)
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T06 --node i21 >"$OUT/explain-T06-i21.txt"
# 六 奖扣分: 同一经验省、市两次表扬只奖一次
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T01 --node i26_1 >"$OUT/explain-T01-i26_1.txt"
# 总分
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T03 >"$OUT/explain-T03-total.txt"
# 第21项: 辖区内没有水库 (应退养 0 座) 的乡镇得满分
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T04 --node i21 >"$OUT/explain-T04-i21.txt"
# 六.2 省级点名批评扣 20 分 (100 分之外)
"$KAOHE" explain scheme.yaml --data . --period 2018 --unit T08 --node i26_2 >"$OUT/explain-T08-i26_2.txt"
