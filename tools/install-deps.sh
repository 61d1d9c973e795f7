#!/bin/sh
# install-deps.sh — install what building and testing kaohe needs, and nothing
# that is already there.
#
# Called by `make run` and `make test` (and so by .ci/run). On Debian 12 as
# root it apt-get installs the missing packages; as another user it only
# reports them. The package list is the single place where kaohe's system
# dependencies are named: keep it in step with CMakeLists.txt.
set -eu

# Build and test toolchain, then libraries (the -dev packages).
PKGS="
build-essential
cmake
pkg-config
clang
libclang-rt-14-dev
libfyaml-dev
libjansson-dev
libsqlite3-dev
libcmocka-dev
"

missing=""
for p in $PKGS; do
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
