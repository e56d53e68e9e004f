#!/usr/bin/env bash
# Builds libfluvio and runs the C demo. Installs a C compiler and make on a
# fresh Debian machine if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cc >/dev/null || need_apt+=(gcc)
command -v make >/dev/null || need_apt+=(make)
# The SmartModule example's filter is C compiled to wasm: clang and wasm-ld.
command -v clang >/dev/null || need_apt+=(clang)
command -v wasm-ld >/dev/null || need_apt+=(lld)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q && $SUDO apt-get install -y -q "${need_apt[@]}"
fi

cargo build --release
make -C c-examples run
