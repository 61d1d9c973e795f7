# store.sh — the import of values.csv into kaohe's SQLite store, against the
# sqlite3 shell doing the same load (issue 6: "CSV import: at least 1 million
# values per second into the store"; docs/performance.md, "Import into the
# store"). Sourced by bench/run.sh, which calls store_bench in each
# workload's data folder after the scoring table, with its helpers (say,
# median, timed_run …) and variables (KAOHE, BENCH, w, nvalues, runs …).
#
# Untimed: a store with the workload's scheme and units,
#   kaohe init --db store-base.db
#   kaohe import --db store-base.db scheme.yaml units.csv
# Then in rounds (run.sh's RUNS or BIG_RUNS; once for a tool whose first run
# takes longer than LONG seconds), each on a fresh copy of that store:
#   kaohe import --quiet --db store.db values.csv     every row new
#   kaohe import --quiet --db store.db values.csv     again: every row unchanged
#   sqlite3 -bail peer.db -init bench/store_sqlite.sql </dev/null   the peer, new file
# Each import is checked (kaohe's report: N new, then N unchanged; the peer's
# row count) before its time counts. The store and the peer's file are
# removed afterwards (at nation they are 4 GB each).
#
# Environment: STORE=0 leaves this out; STORE_TIMEOUT=900 stops a run after
# that many seconds (the peer is then reported as skipped).

STORE=${STORE:-1}
STORE_TIMEOUT=${STORE_TIMEOUT:-900}

# store_round TAG CHECK CMD...: one timed run of CMD (timed_run, with the
# store's timeout) whose stdout must hold the text CHECK. Returns 0 when it
# counted, 1 when it failed (TAG.status says why).
store_round() {
    tag=$1 check=$2
    shift 2
    saved=$TIMEOUT
    TIMEOUT=$STORE_TIMEOUT
    set +e
    timed_run "$tag" "$tag.stdout" "$@"
    rc=$?
    set -e
    TIMEOUT=$saved
    if [ $rc -eq 124 ]; then
        echo "skipped: a run took more than ${STORE_TIMEOUT} s" >"$tag.status"
    elif [ $rc -ne 0 ]; then
        echo "failed (exit $rc): $(head -c 300 "$tag.err" | tr '\n' ' ')" >"$tag.status"
    elif ! grep -q -- "$check" "$tag.stdout"; then
        echo "FAILED the check (expected \"$check\"): $(head -c 300 "$tag.stdout" | tr '\n' ' ')" \
            >"$tag.status"
        sed -i '$d' "$tag.wall"
        sed -i '$d' "$tag.rss"
    else
        return 0
    fi
    return 1
}

# store_row TAG LABEL: the table row of TAG (for the peer, with its time
# over kaohe's: how many times faster kaohe is).
store_row() {
    tag=$1 label=$2
    status=$(cat "$tag.status" 2>/dev/null || echo "not run")
    if [ "$status" != ok ]; then
        say "| $label | — | $status | | | |"
        return
    fi
    t=$(median "$tag.wall")
    r=—
    [ "$tag" = store-sqlite ] && r=$(ratio "$t" "$(median store-kaohe.wall)")
    say "| $label | $(wc -l <"$tag.wall") | $(sec "$t") | $(awk -v n="$nvalues" -v s="$t" 'BEGIN {printf "%.2f M\n", n/s/1e6}') | $(mb "$(maxof "$tag.rss")") | $r |"
}

store_bench() {
    [ "$STORE" != 0 ] || return 0
    if [ -z "${REPORT_ONLY:-}" ]; then
        rm -f store-*.wall store-*.rss store-*.time store-*.err store-*.stdout store-*.status
        rm -f store-base.db store-base.db-wal store-base.db-shm
        "$KAOHE" init --db store-base.db >/dev/null
        "$KAOHE" import --quiet --user bench --db store-base.db scheme.yaml units.csv >/dev/null
        store_load=$(cut -d' ' -f1 /proc/loadavg)
        active="store-kaohe store-sqlite"
        for t in store-kaohe store-again store-sqlite; do echo ok >"$t.status"; done
        round=1
        while [ $round -le "$runs" ] && [ -n "$active" ]; do
            next=""
            for t in $active; do
                case $t in
                store-kaohe)
                    rm -f store.db store.db-wal store.db-shm
                    cp store-base.db store.db
                    if ! store_round store-kaohe "新增 new $nvalues " "$KAOHE" import --quiet \
                        --user bench --db store.db values.csv; then
                        rm -f store.db store.db-wal store.db-shm
                        continue
                    fi
                    # again on the store just filled: every row unchanged
                    store_round store-again "未变 unchanged $nvalues " "$KAOHE" import --quiet \
                        --user bench --db store.db values.csv || true
                    rm -f store.db store.db-wal store.db-shm
                    ;;
                store-sqlite)
                    rm -f peer.db peer.db-wal peer.db-shm
                    store_round store-sqlite "rows=$nvalues" sqlite3 -bail peer.db \
                        -init "$BENCH/store_sqlite.sql" </dev/null || { rm -f peer.db*; continue; }
                    rm -f peer.db peer.db-wal peer.db-shm
                    ;;
                esac
                if [ $round -eq 1 ] && awk -v t="$(tail -n 1 "$t.wall")" -v l="$LONG" \
                    'BEGIN {exit !(t > l)}'; then
                    continue
                fi
                next="$next $t"
            done
            active=$next
            round=$((round + 1))
        done
        echo "$store_load / $(cut -d' ' -f1 /proc/loadavg)" >store-load.txt
    fi
    say ""
    say "### $w: import of values.csv into the store ($nvalues values)"
    say ""
    say "| tool | runs | import s | values/s | peak RSS MB | kaohe faster |"
    say "|---|---|---|---|---|---|"
    store_row store-kaohe "kaohe import, every row new (a store with the scheme and units)"
    store_row store-again "kaohe import again, every row unchanged"
    store_row store-sqlite "sqlite3 shell .import --csv (UNIQUE (unit, indicator, period), WAL, synchronous=FULL)"
    say ""
    say "- load average (1 min) of the machine before / after the imports: $(cat store-load.txt 2>/dev/null || echo -)"
}
