#!/bin/sh
# run.sh — the benchmarks behind `make bench` (docs/performance.md): for each
# workload, generate the data once (bench/gen.c → bench/data/WORKLOAD/), then
# time kaohe and its peers doing the same full score of one period, check
# every peer's output against kaohe's before its time counts, and print one
# table per workload; then time the import of values.csv into kaohe's store
# against the sqlite3 shell's .import (bench/store.sh) and print its table
# (all tables also written to bench/data/results.md).
#
#   sh bench/run.sh [WORKLOAD ...]      (default: district province nation villages)
#
# Environment:
#   BUILD=build-bench   where kaohe, kh_gen and kh_bench were built (-DKH_BENCH=ON)
#   RUNS=5              timed runs per tool for district and province
#   BIG_RUNS=3          timed runs per tool for nation and villages
#   LONG=60             a tool whose first run takes longer than LONG seconds runs once
#   TIMEOUT=120         a run that takes longer than this is stopped; a peer is then
#                       reported as skipped for that workload (kaohe: the run fails)
#   REPEAT=7            kh_score repetitions inside kh_bench (score-only time);
#                       BIG_REPEAT=3 for nation and villages
#   CHANGES=30          kh_result_set_input calls timed per indicator kind;
#                       BIG_CHANGES=10 for nation and villages
#   PEERS="sqlite duckdb pandas"
#   KH_FORM=compact     the dataset form kh_bench loads (compact: no per-row
#                       records, kh_dataset_set_compact; or ordinary, as the
#                       kaohe command loads); the kaohe row is always the command
#   RESULTS=bench/data/results.md   where the tables are written as well
#   REPORT_ONLY=1       print the tables again from the files of the last run
#   STORE=0             leave out the import into the store (bench/store.sh)
#   STORE_ONLY=1        only the import into the store (no scoring table)
#   STORE_TIMEOUT=900   the TIMEOUT of the imports into the store
#
# Timings are wall-clock medians of the runs, peak memory is the largest
# maximum resident set size (GNU time %M) of the runs. Nothing here fails on
# a slow number; a peer fails only when its output differs from kaohe's.
set -eu

BUILD=${BUILD:-build-bench}
RUNS=${RUNS:-5}
BIG_RUNS=${BIG_RUNS:-3}
LONG=${LONG:-60}
TIMEOUT=${TIMEOUT:-120}
REPEAT=${REPEAT:-7}
CHANGES=${CHANGES:-30}
BIG_REPEAT=${BIG_REPEAT:-3}
BIG_CHANGES=${BIG_CHANGES:-10}
PEERS=${PEERS:-"sqlite duckdb pandas"}
KH_FORM=${KH_FORM:-compact}
PY=${PY:-/usr/bin/python3}
TIME=/usr/bin/time

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
DATA=$BENCH/data
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
KAOHE=$BUILD/kaohe
GEN=$BUILD/kh_gen
KHB=$BUILD/kh_bench
[ $# -gt 0 ] || set -- district province nation villages
mkdir -p "$DATA"
RESULTS=${RESULTS:-$DATA/results.md}
case $RESULTS in /*) ;; *) RESULTS=$(pwd)/$RESULTS ;; esac
: >"$RESULTS"

say() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
. "$BENCH/store.sh"

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -g "$1" | awk '{v[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print v[(NR+1)/2]; else printf "%.6g\n", (v[NR/2]+v[NR/2+1])/2}'; }
# maxof FILE: the largest number in FILE.
maxof() { sort -g "$1" | tail -n 1; }
# field KEY LINE: the value of KEY=… in a line of key=value pairs.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
# ratio A B: A / B to two significant figures, or - when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a=="-"||b=="-"||b+0==0) print "-"; else printf "%.2g×\n", a/b}'; }
sec() { awk -v s="$1" 'BEGIN {if (s=="-"||s=="") print "-"; else printf "%.3g\n", s}'; }
mb() { awk -v k="$1" 'BEGIN {if (k=="-") print "-"; else printf "%.0f\n", k/1024}'; }

# timed_run TAG OUTFILE CMD...: run CMD (in the current directory) under GNU
# time (for the peak RSS) and the peer timeout; append the wall seconds
# (date +%s%N around it: GNU time's %e has only 2 decimals) to TAG.wall and
# the peak KiB to TAG.rss, stdout to OUTFILE. Returns 124 on timeout, CMD's status otherwise.
timed_run() {
    tag=$1 out=$2
    shift 2
    # The caller has set +e (so that a failure or timeout comes back as a
    # status instead of ending the script).
    t0=$(date +%s%N)
    timeout "$TIMEOUT" "$TIME" -f '%M' -o "$tag.time" "$@" >"$out" 2>"$tag.err"
    rc=$?
    t1=$(date +%s%N)
    if [ $rc -eq 0 ]; then
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", (b - a) / 1e9}' >>"$tag.wall"
        tail -n 1 "$tag.time" >>"$tag.rss"
    fi
    return $rc
}

for w in "$@"; do
    dir=$DATA/$w
    # Generate once; again only when the generator changed.
    if [ -z "${REPORT_ONLY:-}" ] && { [ ! -f "$dir/.complete" ] || [ "$GEN" -nt "$dir/.complete" ]; }; then
        echo "generating $w into $dir ..."
        rm -rf "$dir"
        "$GEN" "$w" "$dir"
        touch "$dir/.complete"
    fi
    period=$(sed -n 2p "$dir/params.csv" | cut -d, -f1)
    case $w in
    nation | villages) runs=$BIG_RUNS repeat=$BIG_REPEAT changes=$BIG_CHANGES ;;
    *) runs=$RUNS repeat=$REPEAT changes=$CHANGES ;;
    esac
    cd "$dir"
    nvalues=$(($(wc -l <values.csv) - 1))
    nunits=$(($(wc -l <units.csv) - 1))
    nleaves=$(($(wc -l <leaves.csv) - 1))
    if [ -n "${STORE_ONLY:-}" ]; then
        store_bench
        cd "$ROOT"
        continue
    fi
    [ -n "${REPORT_ONLY:-}" ] || rm -f ./*.wall ./*.rss ./*.time ./*.err ./*.phases ./*.status \
        ./*.check kh.lines

    load_before=$(cut -d' ' -f1 /proc/loadavg)
    # Rounds: every tool once per round, in turn, so that the machine's
    # other work falls on all of them alike. The tools: kaohe end to end
    # (load + score + write the CSV, the command users run), kh_bench (kaohe
    # in parts: load once, kh_score REPEAT times, kh_result_set_input CHANGES
    # times), and the peers. A peer's first run is checked against kaohe's
    # output before any of its times count; a tool whose first run takes
    # more than LONG seconds is not run again.
    active="kaohe kh $PEERS"
    if [ -n "${REPORT_ONLY:-}" ]; then
        active="" load_before=-
    else
        for p in $PEERS; do
            echo ok >"$p.status"
            rm -f "out_${p}_scores.csv" "out_${p}_units.csv" "$p.check"
        done
    fi
    round=1
    while [ $round -le "$runs" ] && [ -n "$active" ]; do
        next=""
        for p in $active; do
            set +e
            case $p in
            kaohe) timed_run kaohe kaohe.csv "$KAOHE" score scheme.yaml --data . \
                --period "$period" --format csv ;;
            kh) timed_run kh kh.stdout "$KHB" scheme.yaml . "$period" --repeat "$repeat" \
                --changes "$changes" --rel i006 --abs i001 \
                $([ "$KH_FORM" = compact ] && echo --compact) ;;
            sqlite) timed_run sqlite sqlite.stdout sqlite3 -bail :memory: \
                -init "$BENCH/sqlite.sql" </dev/null ;;
            duckdb) timed_run duckdb duckdb.stdout node "$BENCH/duckdb.mjs" ;;
            pandas) timed_run pandas pandas.stdout "$PY" "$BENCH/pandas_peer.py" ;;
            *) echo "unknown peer $p"; exit 2 ;;
            esac
            rc=$?
            set -e
            case $p in
            kaohe | kh)
                if [ $rc -ne 0 ]; then
                    echo "$p failed on $w:"
                    cat "$p.err"
                    exit 1
                fi
                [ $p = kh ] && cat kh.stdout >>kh.lines
                ;;
            *)
                if [ $rc -eq 124 ]; then
                    echo "skipped: a run took more than ${TIMEOUT} s" >"$p.status"
                    continue
                elif [ $rc -ne 0 ]; then
                    echo "failed (exit $rc): $(head -c 300 "$p.err" | tr '\n' ' ')" >"$p.status"
                    continue
                fi
                grep "^$p " "$p.stdout" >>"$p.phases" || true
                if [ $round -eq 1 ] && ! "$PY" "$BENCH/check.py" kaohe.csv \
                    "out_${p}_scores.csv" "out_${p}_units.csv" "$p" >"$p.check"; then
                    echo "FAILED the output check: $(tr '\n' ' ' <"$p.check")" >"$p.status"
                    rm -f "$p.wall" "$p.rss" "$p.phases"
                    continue
                fi
                ;;
            esac
            if [ $round -eq 1 ] && awk -v t="$(tail -n 1 "$p.wall")" -v l="$LONG" \
                'BEGIN {exit !(t > l)}'; then
                continue
            fi
            next="$next $p"
        done
        active=$next
        round=$((round + 1))
    done
    load_after=$(cut -d' ' -f1 /proc/loadavg)
    [ -z "${REPORT_ONLY:-}" ] || load_after=-

    # kh_bench: the median over rounds of each round's figures.
    khm() { sed -En "s/(^|.* )$1=([0-9.]+).*/\2/p" kh.lines >kh.tmp; median kh.tmp; }
    khb=$(tail -n 1 kh.lines)
    k_wall=$(median kaohe.wall)
    k_rss=$(maxof kaohe.rss)
    k_load=$(khm load_s)
    k_score=$(khm score_s)
    k_values_s=$(khm values_s)
    k_rel=$(khm set_rel_s)
    k_abs=$(khm set_abs_s)

    say ""
    say "### $w: $nunits units × $nleaves leaves, $nvalues values in values.csv; period $period"
    say ""
    say "| tool | runs | load+score+write s | import s | score s | write s | peak RSS MB | peak / raw values | kaohe faster, end to end | kaohe faster, score only |"
    say "|---|---|---|---|---|---|---|---|---|---|"
    raw_kb=$((nvalues * 8 / 1024))
    k_write=$(awk -v a="$k_wall" -v l="$k_load" -v s="$k_score" 'BEGIN {d=a-l-s; printf "%.3f\n", d<0?0:d}')
    say "| kaohe | $(wc -l <kaohe.wall) | $(sec "$k_wall") | $(sec "$k_load") | $(sec "$k_score") | ~$(sec "$k_write") | $(mb "$k_rss") | $(awk -v a="$k_rss" -v b="$raw_kb" 'BEGIN {printf "%.1f×\n", a/b}') | — | — |"
    imports="kaohe $(awk -v n="$nvalues" -v s="$k_values_s" -v l="$k_load" 'BEGIN {printf "%.2f M values/s (all files %.3g s; values.csv alone %.3g s, %.2f M values/s)\n", n/l/1e6, l, s, n/s/1e6}')"

    for p in $PEERS; do
        status=$(cat "$p.status")
        if [ "$status" != ok ]; then
            say "| $p | — | $status | | | | | | | |"
            continue
        fi
        p_wall=$(median "$p.wall")
        p_rss=$(maxof "$p.rss")
        for ph in import_s score_s write_s; do
            sed -n "s/.*$ph=\([0-9.]*\).*/\1/p" "$p.phases" >"$p.$ph"
        done
        p_imp=$(median "$p.import_s")
        p_score=$(median "$p.score_s")
        p_write=$(median "$p.write_s")
        say "| $p | $(wc -l <"$p.wall") | $(sec "$p_wall") | $(sec "$p_imp") | $(sec "$p_score") | $(sec "$p_write") | $(mb "$p_rss") | $(awk -v a="$p_rss" -v b="$raw_kb" 'BEGIN {printf "%.1f×\n", a/b}') | $(ratio "$p_wall" "$k_wall") | $(ratio "$p_score" "$k_score") |"
        imports="$imports; $p $(awk -v n="$nvalues" -v s="$p_imp" 'BEGIN {printf "%.2f M values/s\n", n/s/1e6}')"
    done
    say ""
    say "- checks: $(cat ./*.check 2>/dev/null | tr '\n' ' ')"
    say "- CSV import (values.csv rows per second of the whole import, every file): $imports"
    say "- kaohe score only (kh_score after one load; median over rounds of the median of $repeat): $(sec "$k_score") s"
    say "- rescore after one changed value (kh_result_set_input; median over rounds of the median of $changes calls): relative rule (proportional, $(field set_rel "$khb")) $(sec "$k_rel") s, $(field set_rel_nodes "$khb") node columns; no relative rule (ratio, $(field set_abs "$khb")) $(sec "$k_abs") s, $(field set_abs_nodes "$khb") node columns"
    k_peak=$(field rss_peak_kb "$khb")
    say "- kh_bench ($(field form "$khb") dataset) peak RSS after loading: $(mb "$(field rss_load_kb "$khb")") MB, whole run (scores and changes included): $(mb "$k_peak") MB = $(awk -v a="$k_peak" -v b="$raw_kb" 'BEGIN {printf "%.2f×\n", a/b}') the raw values (8 bytes each: $(mb "$raw_kb") MB)"
    say "- load average (1 min) of the machine before / after this workload: $load_before / $load_after"
    store_bench
    cd "$ROOT"
done
echo
echo "results written to $RESULTS"
