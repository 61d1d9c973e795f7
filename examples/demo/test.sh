#!/bin/sh
# test.sh — the built-in demo district (kaohe demo) as a golden test; run by
# tests/golden/run-example.sh with $KAOHE (the binary) and $OUT (where each
# output goes, compared with expected/).
#
#   demo.txt                kaohe demo (2024)
#   demo-2024H1.txt         kaohe demo --period 2024H1 (mid-year, with 序时进度)
#   write.txt               kaohe demo --write DIR
#   roundtrip.txt           kaohe score on the written files gives the demo's league
#                           tables byte for byte (2024 and 2024H1), and the written
#                           villages give the demo's star distribution
#   villages-score.txt      kaohe score villages.yaml on the written village data
#   explain-*.txt, weak-T11.txt   explain and weak on the written files; README.md
#                           redoes these numbers by hand
#   errors.txt              usage errors and their exit codes
set -eu
: "${KAOHE:?}" "${OUT:?}"
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="$tmp/data"

"$KAOHE" demo > "$OUT/demo.txt"
"$KAOHE" demo --period 2024H1 > "$OUT/demo-2024H1.txt"
"$KAOHE" demo --write "$data" | sed "s|$data|DIR|g" > "$OUT/write.txt"

# The league tables of a demo output: after the two heading lines and the
# blank line, up to the time-progress or village section.
tables() {
    awk 'NR > 3' "$1" | sed -e '/^序时进度 time progress/,$d' \
        -e '/^示例区2024年度“五星”支部评定/,$d'
}

# Star counts "name total" from the demo's distribution table, and the same
# counted from kaohe score's CSV of the villages (the tier column).
demo_stars() {
    sed -n '/星级分布 star distribution/,/^合计/p' "$1" | awk 'NR > 3 && $1 != "合计" { print $1, $(NF - 1) }'
}
score_stars() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tier") c = i; next }
             { n[$c]++ } END { for (t in n) print t, n[t] }' "$1" | sort
}

{
    for p in 2024 2024H1; do
        if [ "$p" = 2024 ]; then src="$OUT/demo.txt"; else src="$OUT/demo-$p.txt"; fi
        tables "$src" > "$tmp/demo-tables.txt"
        (cd "$data" && "$KAOHE" score scheme.yaml --data . --period "$p" --format table) \
            > "$tmp/score-tables.txt"
        if cmp -s "$tmp/demo-tables.txt" "$tmp/score-tables.txt"; then
            echo "$p: kaohe score on the written files = kaohe demo: league tables identical" \
                "($(wc -l < "$tmp/score-tables.txt") lines)"
        else
            echo "$p: kaohe score on the written files DIFFERS from kaohe demo:"
            diff -u "$tmp/demo-tables.txt" "$tmp/score-tables.txt" | tail -n +3 || true
        fi
    done
    (cd "$data" && "$KAOHE" score villages.yaml --data villages --period 2024 --format csv) \
        > "$tmp/villages.csv"
    demo_stars "$OUT/demo.txt" | sort > "$tmp/demo-stars.txt"
    score_stars "$tmp/villages.csv" > "$tmp/score-stars.txt"
    if cmp -s "$tmp/demo-stars.txt" "$tmp/score-stars.txt"; then
        echo "villages: kaohe score on the written files = kaohe demo: star counts identical:" \
            $(cat "$tmp/score-stars.txt")
    else
        echo "villages: star counts DIFFER:"
        diff -u "$tmp/demo-stars.txt" "$tmp/score-stars.txt" | tail -n +3 || true
    fi
} > "$OUT/roundtrip.txt"

cd "$data"
"$KAOHE" score villages.yaml --data villages --period 2024 --format table \
    > "$OUT/villages-score.txt"
"$KAOHE" explain scheme.yaml --data . --period 2024 --unit T11 --node gdp \
    > "$OUT/explain-T11-gdp.txt"
"$KAOHE" explain scheme.yaml --data . --period 2024 --unit 石门镇 --node revenue \
    > "$OUT/explain-T11-revenue.txt"
"$KAOHE" explain scheme.yaml --data . --period 2024 --unit T08 \
    > "$OUT/explain-T08-total.txt"
"$KAOHE" explain scheme.yaml --data . --period 2024 --unit T07 --node review \
    > "$OUT/explain-T07-review.txt"
"$KAOHE" weak scheme.yaml --data . --period 2024 --unit T11 --format table \
    > "$OUT/weak-T11.txt"
cd - > /dev/null

{
    for args in "demo --period 2024-13" "demo extra" "demo --write"; do
        rc=0
        # shellcheck disable=SC2086
        "$KAOHE" $args > /dev/null 2> "$tmp/err" || rc=$?
        echo "kaohe $args → exit $rc"
        cat "$tmp/err"
    done
} > "$OUT/errors.txt"
