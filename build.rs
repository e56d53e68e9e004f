//! Generates the C header from `src/ffi/` with cbindgen.
//!
//! Only `src/ffi/` is parsed, so nothing outside the C API leaks into the
//! header. `build/header.rs` lays cbindgen's declarations out in sections as
//! `fluvio.h` (the client API) and `fluvio_testing.h` (the embedded
//! cluster's fault-injection aids, test-only). Both are always written to
//! `$OUT_DIR`; `tests/header.rs` fails when the committed copies in
//! `include/` differ. Outside CI (`CI` unset) the build also refreshes
//! `include/`, so a developer only has to commit them.
//!
//! It also gives the shared library its soname (`libfluvio.so.MAJOR`) and
//! limits its exports to the C API (`packaging/fluvio.map`), see
//! `link_shared_library`.

use std::path::PathBuf;

#[path = "build/header.rs"]
mod header;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build/header.rs");
    println!("cargo:rerun-if-changed=c-examples/quickstart.c");
    println!("cargo:rerun-if-env-changed=CI");
    link_shared_library();

    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("generate include/fluvio.h");

    let mut raw = Vec::new();
    bindings.write(&mut raw);
    let raw = String::from_utf8(raw).expect("cbindgen writes UTF-8");
    let headers = header::assemble(&raw, &crate_dir);

    for (name, text) in [("fluvio.h", &headers.client), ("fluvio_testing.h", &headers.testing)] {
        std::fs::write(out_dir.join(name), text).unwrap_or_else(|e| panic!("write $OUT_DIR/{name}: {e}"));
        if std::env::var_os("CI").is_none() {
            let committed = crate_dir.join("include").join(name);
            if std::fs::read(&committed).ok().as_deref() != Some(text.as_bytes()) {
                std::fs::create_dir_all(committed.parent().expect("include dir")).expect("create include/");
                std::fs::write(&committed, text).unwrap_or_else(|e| panic!("write include/{name}: {e}"));
            }
        }
    }
}

/// Link arguments for `libfluvio.so` on ELF platforms (Linux). The soname
/// carries the major version only (`libfluvio.so.0`): programs record that
/// name, so a new major version installs beside the old one instead of
/// breaking its users. The version script exports `fluvio_*` and nothing else.
fn link_shared_library() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let version_script = crate_dir.join("packaging").join("fluvio.map");
    println!("cargo:rerun-if-changed={}", version_script.display());
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("CARGO_PKG_VERSION_MAJOR");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libfluvio.so.{major}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={}", version_script.display());
}
