//! Generates the C header from `src/ffi/` with cbindgen.
//!
//! Only `src/ffi/` is parsed, so nothing outside the C API leaks into the
//! header. The header is always written to `$OUT_DIR/fluvio.h`; `tests/header.rs`
//! fails when the committed `include/fluvio.h` differs from it. Outside CI
//! (`CI` unset) the build also refreshes `include/fluvio.h`, so a developer
//! only has to commit it.
//!
//! It also gives the shared library its soname (`libfluvio.so.MAJOR`) and
//! limits its exports to the C API (`packaging/fluvio.map`), see
//! `link_shared_library`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
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

    let generated = out_dir.join("fluvio.h");
    bindings.write_to_file(&generated);

    if std::env::var_os("CI").is_none() {
        let committed = crate_dir.join("include").join("fluvio.h");
        let fresh = std::fs::read(&generated).expect("read generated header");
        if std::fs::read(&committed).ok().as_deref() != Some(fresh.as_slice()) {
            std::fs::create_dir_all(committed.parent().expect("include dir")).expect("create include/");
            std::fs::write(&committed, fresh).expect("write include/fluvio.h");
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
