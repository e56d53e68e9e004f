#!/usr/bin/env bash
# Runs the whole test suite: unit tests, golden tests against the official
# Fluvio crates, interop tests with the official Rust and Python clients, the
# header check, C compilation, the packaging test (make install, then C++, Go,
# Zig, pkg-config and CMake users of the install), the C++ (fluvio.hpp) and Go
# (bindings/go) bindings' tests, the Debian packages, the ABI check against
# packaging/abi, and the randomized decoder test. Installs what it needs on a fresh Debian machine with Rust (PyPI for
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
# tests/smartmodules.rs and the SmartModule example: wasm modules compiled
# from freestanding C (clang --target=wasm32, linked by wasm-ld from lld).
command -v clang >/dev/null || need_apt+=(clang)
command -v wasm-ld >/dev/null || need_apt+=(lld)
# tests/debian_packages.rs and tests/abi.rs: dpkg-buildpackage (dpkg-dev,
# debhelper), lintian, and abidw/abidiff (abigail-tools).
command -v dpkg-buildpackage >/dev/null || need_apt+=(dpkg-dev)
command -v dh >/dev/null || need_apt+=(debhelper)
command -v lintian >/dev/null || need_apt+=(lintian)
command -v abidiff >/dev/null || need_apt+=(abigail-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q && $SUDO apt-get install -y -q "${need_apt[@]}"
fi

# A venv under target/ holding one pinned PyPI package, made (or remade)
# unless it already has that version: pinned_venv DIR PACKAGE VERSION.
pinned_venv() {
    local dir=$1 package=$2 version=$3
    if ! "$dir/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('$package') != '$version')" 2>/dev/null; then
        echo "creating $dir with $package==$version" >&2
        rm -rf "$dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install -q --disable-pip-version-check "$package==$version"
    fi
}

# The official Python client, a peer of the embedded cluster in
# tests/interop_python.rs.
pinned_venv target/python-venv fluvio 0.21.0
export FLUVIO_TEST_PYTHON="$PWD/target/python-venv/bin/python"

# Zig for tests/packaging.rs: the PyPI build of the toolchain (run as
# `python -m ziglang`).
pinned_venv target/zig-venv ziglang 0.14.1
export FLUVIO_TEST_ZIG_PYTHON="$PWD/target/zig-venv/bin/python"
FLUVIO_TEST_GO="$(command -v go)"
FLUVIO_TEST_CMAKE="$(command -v cmake)"
export FLUVIO_TEST_GO FLUVIO_TEST_CMAKE

# Two cores: two test threads.
# The C tests link target/debug/libfluvio.a, which `cargo test` alone does
# not (re)build: build the library and binaries first.
cargo build
cargo test --no-fail-fast -- --test-threads=2
