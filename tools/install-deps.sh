#!/bin/sh
# install-deps.sh — install what building and testing kaohe needs, and nothing
# that is already there.
#
# Called by `make run`, `make test` (and so by .ci/run) and `make bench`,
# with the mode as its argument. On Debian 12 as
# root it apt-get installs the missing packages; as another user it only
# reports them. The package list is the single place where kaohe's system
# dependencies are named: keep it in step with CMakeLists.txt.
set -eu

# What to install: `run` (build and run), `test` (also the test tools),
# `bench` (also the peers benchmarks compare kaohe with).
MODE=${1:-run}

# Build toolchain and libraries (the -dev packages).
PKGS="
build-essential
cmake
pkg-config
libfyaml-dev
libjansson-dev
libsqlite3-dev
libzip-dev
libexpat1-dev
libxlsxwriter-dev
libsodium-dev
libmicrohttpd-dev
"
# The web app: Node.js and npm fetch ECharts (compiled into the binary) and
# playwright-core (npm ci, run by the Makefile).
PKGS="$PKGS nodejs npm"
# Tests: clang and its libFuzzer runtime, cmocka, LibreOffice Calc for
# spreadsheet round trips, and curl for the README's API walkthrough.
if [ "$MODE" = test ] || [ "$MODE" = bench ]; then
    PKGS="$PKGS clang libclang-rt-14-dev libcmocka-dev libreoffice-calc curl"
fi
# Browser tests of the web app (tests/web/): Debian's Chromium.
if [ "$MODE" = test ]; then
    PKGS="$PKGS chromium"
fi
# Benchmarks: the sqlite3 shell, pandas, Node.js for DuckDB, hyperfine.
if [ "$MODE" = bench ]; then
    PKGS="$PKGS sqlite3 python3 python3-pandas hyperfine time wrk nginx-light curl"
fi

missing=""
for p in $PKGS; do
    # Node.js from another source (NodeSource) ships its own npm, which
    # conflicts with Debian's: a working command is enough.
    case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "kaohe: installing missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "kaohe: not root; install them with: sudo apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
