#!/usr/bin/env bash
# Runs the whole test suite: unit tests, golden tests against the official
# Fluvio crates, interop tests with the official Rust and Python clients, the
# header check, C compilation, the packaging test (make install, then C++, Go,
# Zig, pkg-config and CMake users of the install), and the randomized decoder
# test. Installs what it needs on a fresh Debian machine with Rust (PyPI for
# the Python client and for Zig).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v cc >/dev/null || need_apt+=(gcc)
command -v c++ >/dev/null || need_apt+=(g++)
command -v make >/dev/null || need_apt+=(make)
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v python3 >/dev/null || need_apt+=(python3)
# `python3 -m venv` needs ensurepip, which Debian ships in python3-venv.
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
# tests/packaging.rs: cgo, CMake, pkg-config, and readelf/nm/strip.
command -v go >/dev/null || need_apt+=(golang-go)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
{ command -v readelf && command -v nm && command -v strip; } >/dev/null || need_apt+=(binutils)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q && $SUDO apt-get install -y -q "${need_apt[@]}"
fi

# The official Python client, a peer of the embedded cluster in
# tests/interop_python.rs: a venv of its own, reused while it has the version.
PYTHON_VENV=target/python-venv
FLUVIO_PYTHON_VERSION=0.21.0
if ! "$PYTHON_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('fluvio') != '$FLUVIO_PYTHON_VERSION')" 2>/dev/null; then
    echo "creating $PYTHON_VENV with fluvio==$FLUVIO_PYTHON_VERSION" >&2
    rm -rf "$PYTHON_VENV"
    python3 -m venv "$PYTHON_VENV"
    "$PYTHON_VENV/bin/pip" install -q --disable-pip-version-check "fluvio==$FLUVIO_PYTHON_VERSION"
fi
export FLUVIO_TEST_PYTHON="$PWD/$PYTHON_VENV/bin/python"

# Zig for tests/packaging.rs: the PyPI build of the toolchain, pinned, in a
# venv of its own (run as `python -m ziglang`).
ZIG_VENV=target/zig-venv
ZIGLANG_VERSION=0.14.1
if ! "$ZIG_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('ziglang') != '$ZIGLANG_VERSION')" 2>/dev/null; then
    echo "creating $ZIG_VENV with ziglang==$ZIGLANG_VERSION" >&2
    rm -rf "$ZIG_VENV"
    python3 -m venv "$ZIG_VENV"
    "$ZIG_VENV/bin/pip" install -q --disable-pip-version-check "ziglang==$ZIGLANG_VERSION"
fi
export FLUVIO_TEST_ZIG_PYTHON="$PWD/$ZIG_VENV/bin/python"
FLUVIO_TEST_GO="$(command -v go)"
FLUVIO_TEST_CMAKE="$(command -v cmake)"
export FLUVIO_TEST_GO FLUVIO_TEST_CMAKE

# Two cores: two test threads.
# The C tests link target/debug/libfluvio.a, which `cargo test` alone does
# not (re)build: build the library and binaries first.
cargo build
cargo test --no-fail-fast -- --test-threads=2
