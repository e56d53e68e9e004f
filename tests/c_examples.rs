//! Builds the C examples with their Makefile against the library this test
//! run built, runs them, and runs them again under valgrind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Builds the examples into a fresh directory; returns it.
fn build_examples(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The test binary lives in target/<profile>/deps; the libraries one level up.
    let exe = std::env::current_exe().unwrap();
    let lib_dir = exe.parent().unwrap().parent().unwrap();
    assert!(lib_dir.join("libfluvio.a").exists(), "libfluvio.a not built in {}", lib_dir.display());
    let build_dir = std::env::temp_dir().join(format!("fluvio-c-examples-{name}-{}", std::process::id()));
    let output = Command::new("make")
        .arg("-C")
        .arg(root.join("c-examples"))
        .arg(format!("LIBDIR={}", lib_dir.display()))
        .arg(format!("BUILD={}", build_dir.display()))
        .arg("all")
        .output()
        .expect("run make");
    assert_success("make", &output);
    build_dir
}

fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

const EXAMPLES: [&str; 2] = ["version", "local_cluster"];

#[test]
fn c_examples_build_and_run() {
    let build_dir = build_examples("run");
    let mut stdout = String::new();
    for example in EXAMPLES {
        let output = Command::new(build_dir.join(example)).output().expect("run example");
        assert_success(example, &output);
        stdout.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    std::fs::remove_dir_all(&build_dir).ok();
    assert!(stdout.contains(&format!("libfluvio {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.contains("status 0 is FLUVIO_OK"), "{stdout}");
    assert!(stdout.contains("local cluster serving on 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("start with a NULL out-pointer: FLUVIO_ERR_INVALID_ARGUMENT (out is NULL)"), "{stdout}");
    assert!(stdout.contains("local cluster stopped"), "{stdout}");
}

/// No invalid access and no definite leak. The runtime's worker threads are
/// alive at exit by design, so "possibly lost" thread stacks are allowed.
#[test]
fn c_examples_are_valgrind_clean() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is not installed: run the suite with scripts/test.sh, which installs it"
    );
    let build_dir = build_examples("valgrind");
    for example in EXAMPLES {
        let output = Command::new("valgrind")
            .args(["--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite", "-q"])
            .arg(build_dir.join(example))
            .output()
            .expect("run valgrind");
        assert_success(&format!("valgrind {example}"), &output);
    }
    std::fs::remove_dir_all(&build_dir).ok();
}
