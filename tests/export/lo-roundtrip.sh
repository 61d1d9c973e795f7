#!/bin/sh
# lo-roundtrip.sh KAOHE SOURCE_DIR — round trips of kaohe's XLSX exports
# through LibreOffice Calc (headless), for the 石城 example and the demo
# district:
#
#  1. `kaohe export` writes the score workbook (--all: category sheets, 全部
#     and 明细数据); LibreOffice converts every sheet to CSV with cells "as
#     shown" (filter token 9 = true: numbers as displayed, 31.00 not 31);
#  2. the 明细数据 sheet must equal `kaohe export --format csv` byte for byte
#     once the BOM is dropped and CRLF becomes LF (LibreOffice writes LF);
#  3. every unit row of every category sheet and of 全部 must show, in each
#     column named by the hidden key row, the CSV's value for that unit and
#     column ("—" in the sheet stands for an empty CSV cell); each unit
#     appears once across the category sheets and once in 全部;
#  4. a data-entry template pre-filled with the example's values, opened and
#     saved by LibreOffice, must give the same scores when a data folder
#     holds it as values.xlsx — once the values loader routes XLSX sheets
#     through the template converter (io/template.h); until then this step
#     prints a NOTE and is covered by unit/test_export_template (which reads
#     the file with a test reader and calls the converter itself).
#
# Exit 77 (skipped) when soffice is not installed.
set -eu
KAOHE=$1
SRC=$2
if ! command -v soffice >/dev/null 2>&1; then
    echo "SKIP: soffice (LibreOffice Calc) is not installed"
    exit 77
fi
WORK=$(mktemp -d /tmp/kh-lo-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1700000000
FILTER='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'
fail=0

lo() { # lo OUTDIR FILTER FILE
    soffice --headless "-env:UserInstallation=file://$WORK/lo-profile" \
        --convert-to "$2" --outdir "$1" "$3" >"$WORK/lo.log" 2>&1 || {
        cat "$WORK/lo.log"
        return 1
    }
}

# check_sheet SHEET.csv KAOHE.csv — prints the number of unit rows checked,
# or FAIL lines. Fields are split as RFC 4180 says (quotes, doubled quotes).
check_sheet() {
    awk -v want="$2" '
    function split_csv(line, out,    n, i, c, f, q) {
        n = 0; f = ""; q = 0
        for (i = 1; i <= length(line); i++) {
            c = substr(line, i, 1)
            if (q) {
                if (c == "\"") {
                    if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0
                } else f = f c
            } else if (c == "\"") q = 1
            else if (c == ",") { out[++n] = f; f = "" }
            else f = f c
        }
        out[++n] = f
        return n
    }
    BEGIN {
        while ((getline line < want) > 0) {
            n = split_csv(line, f)
            if (!nh) { nh = n; for (i = 1; i <= n; i++) head[i] = f[i]; continue }
            for (i = 1; i <= n; i++) if (head[i] == "unit") u = f[i]
            known[u] = 1
            for (i = 1; i <= n; i++) val[u, head[i]] = f[i]
        }
    }
    {
        n = split_csv($0, f)
        if (!keyrow && f[1] == "rank" && f[2] == "unit" && f[3] == "name") {
            keyrow = NR; nk = n
            for (i = 1; i <= n; i++) key[i] = f[i]
            next
        }
        if (!keyrow || !(f[2] in known)) next
        rows++
        for (i = 1; i <= nk; i++) {
            if (key[i] == "") continue
            got = f[i]; if (got == "—") got = ""
            if (got != val[f[2], key[i]]) {
                printf "FAIL %s: unit %s column %s: sheet \"%s\", CSV \"%s\"\n", FILENAME, f[2], key[i], got, val[f[2], key[i]]
                bad++
            }
        }
        print f[2] > (FILENAME ".units")
    }
    END {
        if (!keyrow) { printf "FAIL %s: no key row (rank,unit,name)\n", FILENAME; exit 1 }
        if (bad) exit 1
        print rows + 0
    }' "$1"
}

# roundtrip NAME SCHEME DATA PERIOD
roundtrip() {
    name=$1 scheme=$2 data=$3 period=$4
    out="$WORK/$name"
    mkdir -p "$out"
    "$KAOHE" export "$scheme" --data "$data" --period "$period" --all \
        --footer "round trip $name" --output "$out/$name.xlsx" >/dev/null
    "$KAOHE" export "$scheme" --data "$data" --period "$period" --format csv \
        --output "$out/$name.csv" >/dev/null
    # The CSV is `kaohe score --format csv` after a BOM.
    "$KAOHE" score "$scheme" --data "$data" --period "$period" --format csv >"$out/score.csv"
    printf '\357\273\277' | cat - "$out/score.csv" | cmp -s - "$out/$name.csv" || {
        echo "FAIL $name: export --format csv is not BOM + kaohe score --format csv"
        fail=$((fail + 1))
    }
    tail -c +4 "$out/$name.csv" | tr -d '\r' >"$out/want.csv"
    lo "$out/lo" "$FILTER" "$out/$name.xlsx"
    if ! cmp -s "$out/want.csv" "$out/lo/$name-明细数据.csv"; then
        echo "FAIL $name: LibreOffice's CSV of 明细数据 differs from kaohe's CSV"
        diff "$out/want.csv" "$out/lo/$name-明细数据.csv" | head -10
        fail=$((fail + 1))
    fi
    units=$(($(wc -l <"$out/want.csv") - 1))
    total=0
    for sheet in "$out/lo/$name"-*.csv; do
        case $sheet in *-明细数据.csv) continue ;; esac
        if ! n=$(check_sheet "$sheet" "$out/want.csv"); then
            echo "$n"
            fail=$((fail + 1))
            continue
        fi
        case $sheet in
        *-全部.csv)
            [ "$n" -eq "$units" ] || {
                echo "FAIL $name: 全部 has $n unit rows, expected $units"
                fail=$((fail + 1))
            } ;;
        *) total=$((total + n)) ;;
        esac
    done
    [ "$total" -eq "$units" ] || {
        echo "FAIL $name: the category sheets have $total unit rows, expected $units"
        fail=$((fail + 1))
    }
    dups=$(cat "$out"/lo/*-[!全]*.csv.units 2>/dev/null | sort | uniq -d | head -3)
    [ -z "$dups" ] || {
        echo "FAIL $name: units on more than one category sheet: $dups"
        fail=$((fail + 1))
    }
    echo "ok $name: $units units, $(ls "$out/lo" | grep -c '\.csv$') sheets compared"
}

roundtrip shicheng "$SRC/examples/shicheng/scheme.yaml" "$SRC/examples/shicheng" 2018
"$KAOHE" demo --write "$WORK/demo-data" >/dev/null
roundtrip demo "$WORK/demo-data/scheme.yaml" "$WORK/demo-data" 2024

# Step 4: a filled template saved by LibreOffice imports back.
t="$WORK/template"
mkdir -p "$t/data"
ids=$(sed -n '/^inputs:/,/^[a-z]/p' "$SRC/examples/shicheng/scheme.yaml" |
    sed -n 's/^  \([^ #:][^:]*\):.*/\1/p' | paste -sd, -)
"$KAOHE" export template "$SRC/examples/shicheng/scheme.yaml" --data "$SRC/examples/shicheng" \
    --period 2018 --inputs "$ids" --fill --output "$t/filled.xlsx" >/dev/null
lo "$t/lo" 'xlsx:Calc MS Excel 2007 XML' "$t/filled.xlsx"
cp "$SRC/examples/shicheng/units.csv" "$SRC/examples/shicheng/targets.csv" \
    "$SRC/examples/shicheng/events.csv" "$t/data/"
cp "$t/lo/filled.xlsx" "$t/data/values.xlsx"
if "$KAOHE" score "$SRC/examples/shicheng/scheme.yaml" --data "$t/data" --period 2018 \
    --format csv >"$t/score.csv" 2>"$t/err"; then
    if cmp -s "$t/score.csv" "$SRC/examples/shicheng/expected/score.csv"; then
        echo "ok template: filled, saved by LibreOffice, read back, same scores"
    else
        echo "FAIL template: the scores from the LibreOffice-saved template differ"
        diff "$SRC/examples/shicheng/expected/score.csv" "$t/score.csv" | head -10
        fail=$((fail + 1))
    fi
elif grep -q 'unknown column "kaohe-template"' "$t/err"; then
    # The XLSX reader took the template for a long-form sheet: the values
    # loader does not route sheets through io/template.h yet.
    echo "NOTE template: the values loader does not recognise kaohe templates yet" \
        "(see io/template.h); covered by unit/test_export_template"
else
    echo "FAIL template: the LibreOffice-saved template does not import:"
    cat "$t/err"
    fail=$((fail + 1))
fi

[ "$fail" -eq 0 ]
