#!/bin/sh
# run-example.sh KAOHE DIR — run one example's test.sh with KAOHE pointing at
# the binary under test and compare what it prints with DIR/expected/.
#
# DIR/test.sh writes each output into "$OUT/<name>"; every file in
# DIR/expected/ must match the file of the same name byte for byte.
# Set KH_UPDATE_GOLDEN=1 to rewrite the expected files instead (then review
# the diff before committing).
set -eu
KAOHE=$1
DIR=$2
# test.sh runs inside DIR: make a relative binary path absolute first.
case $KAOHE in /*) ;; *) KAOHE=$(pwd)/$KAOHE ;; esac
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export KAOHE OUT
cd "$DIR"
sh ./test.sh
if [ "${KH_UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p expected
    rm -f expected/*
    cp "$OUT"/* expected/
    echo "updated $DIR/expected"
    exit 0
fi
status=0
for f in expected/*; do
    name=$(basename "$f")
    if [ ! -f "$OUT/$name" ]; then
        echo "missing output: $name"
        status=1
    elif ! cmp -s "$f" "$OUT/$name"; then
        echo "differs: $name"
        diff -u "$f" "$OUT/$name" | head -60
        status=1
    fi
done
for f in "$OUT"/*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    [ -f "expected/$name" ] || { echo "no expected file for output: $name"; status=1; }
done
exit $status
