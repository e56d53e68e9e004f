#!/usr/bin/env bash
# Runs the whole test suite: unit tests, golden tests against the official
# Fluvio crates, the header check, C compilation, and the randomized decoder
# test. Installs what it needs on a fresh Debian machine with Rust.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cc >/dev/null || need_apt+=(gcc)
command -v c++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q && $SUDO apt-get install -y -q "${need_apt[@]}"
fi

# Two cores: two test threads.
cargo test -- --test-threads=2
