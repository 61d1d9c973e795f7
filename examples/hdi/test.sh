#!/bin/sh
# Golden test of the HDI-style example: run by tests/golden/run-example.sh
# with KAOHE and OUT set; every file written here must match expected/<name>.
set -eu
"$KAOHE" check scheme.yaml >"$OUT/check.txt" 2>&1
"$KAOHE" score scheme.yaml --data . --period 2020 --format csv >"$OUT/score.csv"
"$KAOHE" score scheme.yaml --data . --period 2020 --format table --depth 3 >"$OUT/score-table.txt"
# 收入指数: 取对数的阈值法
"$KAOHE" explain scheme.yaml --data . --period 2020 --unit D1 --node income >"$OUT/explain-D1-income.txt"
# 健康指数: 超出上限 85 岁, 按 1 计
"$KAOHE" explain scheme.yaml --data . --period 2020 --unit D6 --node health >"$OUT/explain-D6-health.txt"
# 教育指数 (算术平均) 与 HDI (几何平均)
"$KAOHE" explain scheme.yaml --data . --period 2020 --unit D4 --node education >"$OUT/explain-D4-education.txt"
"$KAOHE" explain scheme.yaml --data . --period 2020 --unit D4 --node hdi >"$OUT/explain-D4-hdi.txt"
# 对照: 用同一方案重算《人类发展报告2020》公布的挪威 (0.957) 和尼日尔 (0.394)
"$KAOHE" score scheme.yaml --data reference-hdr2020 --period 2019 --format csv >"$OUT/reference-hdr2020.csv"
"$KAOHE" score scheme.yaml --data reference-hdr2020 --period 2019 --format table --depth 3 >"$OUT/reference-hdr2020-table.txt"
