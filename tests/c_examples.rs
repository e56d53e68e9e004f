//! Builds the C examples with their Makefile against the library this test
//! run built, and runs them.

use std::path::Path;
use std::process::Command;

#[test]
fn c_examples_build_and_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The test binary lives in target/<profile>/deps; the libraries one level up.
    let exe = std::env::current_exe().unwrap();
    let lib_dir = exe.parent().unwrap().parent().unwrap();
    assert!(lib_dir.join("libfluvio.a").exists(), "libfluvio.a not built in {}", lib_dir.display());
    let build_dir = std::env::temp_dir().join(format!("fluvio-c-examples-{}", std::process::id()));
    let output = Command::new("make")
        .arg("-C")
        .arg(root.join("c-examples"))
        .arg(format!("LIBDIR={}", lib_dir.display()))
        .arg(format!("BUILD={}", build_dir.display()))
        .arg("run")
        .output()
        .expect("run make");
    std::fs::remove_dir_all(&build_dir).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "make run failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&format!("libfluvio {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.contains("status 0 is FLUVIO_OK"), "{stdout}");
}
