//! The committed `include/fluvio.h` must be exactly what cbindgen generates
//! from `src/ffi/` now, and it must compile warning-free as C99 and as C++.

use std::path::{Path, PathBuf};
use std::process::Command;

fn committed_header() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include").join("fluvio.h")
}

#[test]
fn committed_header_is_fresh() {
    let fresh = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join("fluvio.h")).expect("generated header");
    let committed = std::fs::read_to_string(committed_header()).expect("include/fluvio.h");
    assert!(
        fresh == committed,
        "include/fluvio.h is stale: run `cargo build` outside CI and commit the regenerated header"
    );
}

fn compile_header(compiler: &str, std: &str, source_ext: &str) {
    let dir = std::env::temp_dir().join(format!("fluvio-header-{}-{std}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(format!("include_only.{source_ext}"));
    std::fs::write(&source, "#include \"fluvio.h\"\nint main(void) { return fluvio_version() == 0; }\n").unwrap();
    let include_dir = committed_header().parent().unwrap().to_path_buf();
    let output = Command::new(compiler)
        .args([&format!("-std={std}"), "-Wall", "-Wextra", "-pedantic", "-Werror", "-fsyntax-only", "-I"])
        .arg(&include_dir)
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("run {compiler}: {e}"));
    std::fs::remove_dir_all(&dir).ok();
    assert!(output.status.success(), "{compiler} -std={std}: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn header_compiles_as_c99() {
    compile_header("cc", "c99", "c");
}

#[test]
fn header_compiles_as_cpp11() {
    compile_header("c++", "c++11", "cpp");
}
