#!/bin/sh
# soffice-roundtrip.sh — the XLSX reader (ECMA-376 SpreadsheetML,
# src/lib/io/xlsx.h) against workbooks that LibreOffice Calc saves.
#
# Usage: soffice-roundtrip.sh TEST_XLSX FOLDER
#   TEST_XLSX  the test_xlsx executable (its --compare and --dump modes)
#   FOLDER     tests/xlsx: roundtrip/ (the five data files as CSV),
#              roundtrip-dates/ (values.csv with dates for months),
#              cells.csv and cells.expected
#
# 1. Each CSV of roundtrip/ is converted to .xlsx by LibreOffice; the data
#    folder of workbooks must load into the same dataset as the CSV folder,
#    record by record and row by row.
# 2. values.csv with full dates in the period column, converted with
#    LibreOffice's "detect special numbers" (so they become date cells),
#    must load as the months of roundtrip/values.csv.
# 3. Dates, date-times, times, percentages, booleans and text as LibreOffice
#    formats them must read as cells.expected says.
# LibreOffice runs headless with a fresh profile in a scratch folder. Without
# soffice (Debian package libreoffice-calc) the test is skipped: exit 77.
set -eu

bin=$1
src=$2

if ! command -v soffice >/dev/null 2>&1; then
    echo "SKIP: soffice not found; install LibreOffice Calc (Debian: libreoffice-calc) to run" \
        "the LibreOffice round trip"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kh-soffice.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# convert OUTDIR FILTER FILE... — CSV files to .xlsx in OUTDIR.
convert() {
    out=$1
    filter=$2
    shift 2
    mkdir -p "$out"
    if ! soffice -env:UserInstallation="file://$work/profile" --headless \
        --infilter="$filter" --convert-to xlsx --outdir "$out" "$@" >"$work/soffice.log" 2>&1; then
        cat "$work/soffice.log"
        echo "FAIL: soffice could not convert $*"
        exit 1
    fi
    for f in "$@"; do
        b=$(basename "$f" .csv)
        if [ ! -s "$out/$b.xlsx" ]; then
            cat "$work/soffice.log"
            echo "FAIL: soffice wrote no $out/$b.xlsx"
            exit 1
        fi
    done
}

# CSV import options: comma, double quote, UTF-8 (76), from line 1; the
# second form also sets English (1033), quoted text as text, and detects
# special numbers (dates, times, percentages).
plain="CSV:44,34,76,1"
special="CSV:44,34,76,1,,1033,false,true"

convert "$work/xlsx" "$plain" "$src"/roundtrip/*.csv
"$bin" --compare "$src/roundtrip" "$work/xlsx"

mkdir "$work/csv2"
cp "$src/roundtrip/units.csv" "$src/roundtrip/values.csv" "$work/csv2/"
convert "$work/xlsx2" "$special" "$src/roundtrip-dates/values.csv"
cp "$work/xlsx/units.xlsx" "$work/xlsx2/"
"$bin" --compare "$work/csv2" "$work/xlsx2"

convert "$work/xlsx3" "$special" "$src/cells.csv"
"$bin" --dump "$work/xlsx3/cells.xlsx" >"$work/cells.txt"
diff -u "$src/cells.expected" "$work/cells.txt"
echo "ok: workbooks saved by LibreOffice read as their CSV sources"
