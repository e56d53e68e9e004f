//! Compiles `tests/c/api_test.c` (which calls every function of
//! `include/fluvio.h` against an embedded 2-SPU cluster, misuse included)
//! against the library this test run built, runs it, and runs it again
//! under valgrind.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Compiles `tests/c/api_test.c` into a fresh directory; returns the directory.
fn build(name: &str) -> PathBuf {
    build_program("api_test", name)
}

/// Compiles `tests/c/{program}.c` into a fresh directory; returns the directory.
fn build_program(program: &str, name: &str) -> PathBuf {
    build_program_with(program, name, &[]).0
}

/// As `build_program`, with extra compiler flags; also returns the
/// compiler's diagnostics.
fn build_program_with(program: &str, name: &str, flags: &[&str]) -> (PathBuf, String) {
    support::build_c_program(program, name, flags)
}

/// Runs `command` with its output in files of `dir`, killing it after
/// `limit`; returns its status (None if killed), stdout and stderr.
fn run(mut command: Command, dir: &Path, limit: Duration) -> (Option<ExitStatus>, String, String) {
    let stdout_path = dir.join("stdout");
    let stderr_path = dir.join("stderr");
    // Certificates for the TLS part, fresh for each run.
    let certs = dir.join("certs");
    std::fs::create_dir_all(&certs).unwrap();
    support::certs::TestCerts::create(&certs);
    let mut child = command
        .env("FLUVIO_TEST_CERTS", &certs)
        .env_remove("FLUVIO_ENDPOINT")
        .env_remove("FLV_PROFILE_PATH")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("start the C API test");
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    (status, stdout, stderr)
}

fn assert_passed(what: &str, result: &(Option<ExitStatus>, String, String), limit: Duration) {
    assert_program_passed("api_test", what, result, limit)
}

fn assert_program_passed(program: &str, what: &str, (status, stdout, stderr): &(Option<ExitStatus>, String, String), limit: Duration) {
    match status {
        None => panic!("{what} did not finish within {limit:?}:\n{stdout}\n{stderr}"),
        Some(status) => assert!(status.success(), "{what} failed ({status}):\n{stdout}\n{stderr}"),
    }
    assert!(stdout.contains(&format!("{program}: all ")) && stdout.contains(" checks passed"), "{what}:\n{stdout}\n{stderr}");
}

/// The old names of renamed functions still compile (each with a warning
/// that names its replacement), link and work.
#[test]
fn deprecated_names_warn_and_still_work() {
    let (dir, diagnostics) = build_program_with("deprecated_names", "run", &["-Wno-error=deprecated-declarations"]);
    for (old, new) in [
        ("fluvio_topic_producer", "use fluvio_producer_new"),
        ("fluvio_flush", "use fluvio_producer_flush(producer, FLUVIO_FLUSH_TIMEOUT_MS)"),
        ("fluvio_flush_timeout", "use fluvio_producer_flush"),
        ("fluvio_consumer", "use fluvio_consumer_new"),
        ("fluvio_consumer_with_config", "use fluvio_consumer_new_with_config"),
    ] {
        assert!(
            diagnostics.contains(&format!("'{old}' is deprecated: {new}")),
            "no deprecation warning for {old}:\n{diagnostics}"
        );
    }
    let limit = Duration::from_secs(60);
    let result = run(Command::new(dir.join("deprecated_names")), &dir, limit);
    assert_program_passed("deprecated_names", "deprecated_names", &result, limit);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn c_api_test_passes() {
    let dir = build("run");
    let limit = Duration::from_secs(180);
    let result = run(Command::new(dir.join("api_test")), &dir, limit);
    assert_passed("api_test", &result, limit);
    let stdout = &result.1;
    assert!(stdout.contains(&format!("version {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.contains("local cluster with 2 SPUs serving on 127.0.0.1:"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Clean under valgrind (see `support::VALGRIND`).
#[test]
fn c_api_test_is_valgrind_clean() {
    support::require_valgrind();
    let dir = build("valgrind");
    let limit = Duration::from_secs(900);
    let mut command = Command::new(support::VALGRIND[0]);
    command.args(&support::VALGRIND[1..]).arg(dir.join("api_test"));
    let result = run(command, &dir, limit);
    // Errors and definite leaks make valgrind exit with 99.
    assert_passed("valgrind api_test", &result, limit);
    std::fs::remove_dir_all(&dir).ok();
}

/// `tests/c/events_test.c`: delivery reports, the log callback, statistics
/// and structured errors, from C.
#[test]
fn c_events_test_passes() {
    let dir = build_program("events_test", "run");
    let limit = Duration::from_secs(180);
    let result = run(Command::new(dir.join("events_test")), &dir, limit);
    assert_program_passed("events_test", "events_test", &result, limit);
    std::fs::remove_dir_all(&dir).ok();
}

/// The same, clean under valgrind (with fewer records).
#[test]
fn c_events_test_is_valgrind_clean() {
    support::require_valgrind();
    let dir = build_program("events_test", "valgrind");
    let limit = Duration::from_secs(900);
    let mut command = Command::new(support::VALGRIND[0]);
    // 5,000 records per report test instead of 100,000: the same paths.
    command.args(&support::VALGRIND[1..]).arg(dir.join("events_test")).arg("5000");
    let result = run(command, &dir, limit);
    assert_program_passed("events_test", "valgrind events_test", &result, limit);
    std::fs::remove_dir_all(&dir).ok();
}
