#!/bin/sh
# run-doc-examples.sh KAOHE DOC.md — run every example in a Markdown
# document and compare its output with the output written in the document.
#
# An example is introduced by an HTML comment line `<!-- example: NAME -->`
# and made of the fenced blocks that follow it, up to the next example or
# heading of level 1–2:
#   ```yaml file=scheme.yaml     a file to create (any language tag)
#   ```sh cmd                    one command line; `kaohe` means the binary
#                                under test; run in the example's folder
#   ```text output               what the command must print (stdout), exactly
#   ```text exit=N               (optional) the exit code it must return
# Several cmd/output pairs may follow one another; each cmd is checked
# against the next output block. Exit status: 0 if all match.
set -eu
KAOHE=$1
DOC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

awk -v work="$WORK" '
function flush() { if (out != "") { close(out); out = "" } }
/^<!-- example: [A-Za-z0-9_.-]+ -->/ {
    flush(); name = $3; dir = work "/" name; system("mkdir -p \"" dir "\"");
    print name > (work "/list"); ncmd = 0; inblock = 0; next
}
/^#( |#( ))/ && !inblock { name = ""; next }
/^```/ {
    if (inblock) { inblock = 0; flush(); next }
    if (name == "") next
    inblock = 1; out = "/dev/null"
    if ($0 ~ /file=/) { f = $0; sub(/.*file=/, "", f); sub(/[ \t].*/, "", f); out = dir "/" f }
    else if ($0 ~ /^```sh cmd/) { ncmd++; out = dir "/cmd." ncmd }
    else if ($0 ~ /^```text output/) { out = dir "/expected." ncmd }
    else if ($0 ~ /^```text exit=/) { f = $0; sub(/.*exit=/, "", f); print f > (dir "/exit." ncmd); close(dir "/exit." ncmd); out = "/dev/null" }
    printf "" > out
    next
}
inblock && out != "" { print >> out }
' "$DOC"

[ -f "$WORK/list" ] || { echo "no examples found in $DOC"; exit 1; }
fail=0; total=0
for name in $(cat "$WORK/list"); do
    dir="$WORK/$name"
    n=0
    while [ -e "$dir/cmd.$((n + 1))" ]; do
        n=$((n + 1))
        c="$dir/cmd.$n"
        total=$((total + 1))
        want_exit=0
        [ -f "$dir/exit.$n" ] && want_exit=$(cat "$dir/exit.$n")
        cmdline=$(sed "s#^kaohe #\"$KAOHE\" #" "$c")
        set +e
        (cd "$dir" && eval "$cmdline") > "$dir/got.$n" 2> "$dir/err.$n"
        got_exit=$?
        set -e
        if [ "$got_exit" != "$want_exit" ]; then
            echo "FAIL $name (command $n): exit $got_exit, expected $want_exit"
            cat "$dir/err.$n"
            fail=$((fail + 1))
        elif [ -f "$dir/expected.$n" ] && ! cmp -s "$dir/expected.$n" "$dir/got.$n"; then
            echo "FAIL $name (command $n): output differs"
            diff -u "$dir/expected.$n" "$dir/got.$n" | head -40
            fail=$((fail + 1))
        fi
    done
done
echo "$DOC: $total example commands, $fail failed"
[ "$fail" -eq 0 ]
