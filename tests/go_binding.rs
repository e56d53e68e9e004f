//! The Go package bindings/go/fluvio (cgo over the installed libfluvio):
//! gofmt-clean, `go vet`-clean, and its `go test` suite passing under Go's
//! race detector, against `make install` in a temporary DESTDIR, as a user
//! builds it (pkg-config finds fluvio.pc). The Go tests start the embedded
//! cluster themselves, through the package.
//!
//! Go comes from scripts/test.sh (FLUVIO_TEST_GO); nothing is downloaded
//! (GOPROXY=off: the package uses the standard library only). The build
//! cache lives in target/go-binding, so that the race-instrumented standard
//! library is compiled once; nothing is written to the source tree.

mod support;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use support::install::{command, go, root, run, Install};

/// Tests that must run in the Go suite (and pass, as every test there must):
/// a test renamed or deleted there must be renamed here too.
const EXPECTED_TESTS: [&str; 19] = [
    "TestVersionMatchesHeader",
    "TestProduceAndConsumeKeyedRecordsInOrder",
    "TestStreamOffsets",
    "TestNextBatch",
    "TestStopAtEnd",
    "TestCompression",
    "TestCommitAndResume",
    "TestStatusNames",
    "TestErrorsFromBadInput",
    "TestConnectToAClosedPort",
    "TestErrorMessagesBelongToTheirCall",
    "TestNextHonoursContext",
    "TestProducerHonoursContext",
    "TestConnectHonoursContext",
    "TestConcurrentProducersAndReaders",
    "TestCloseTwiceAndUseAfterClose",
    "TestTopicAdmin",
    "TestLocalClusterSettings",
    "TestTLS",
];

/// A `go` command in `dir`, building against `install`, offline, with the
/// caches under target/go-binding.
fn go_command(go: &[OsString], install: &Install, dir: &Path, home: &Path) -> Command {
    let mut cmd = command(go);
    install.pkg_config_env(&mut cmd);
    let cache = support::library_dir().parent().expect("target directory").join("go-binding");
    // Go's build cache keys cgo packages on CGO_CFLAGS and CGO_LDFLAGS but
    // not on pkg-config's output: repeating that output here rebuilds the
    // package against each new install (and its header) instead of reusing
    // one built against a DESTDIR that is gone.
    let cflags = install.pkg_config(&["--cflags"]).join(" ");
    let libs = install.pkg_config(&["--libs"]).join(" ");
    cmd.env("CGO_CFLAGS", format!("-g -O2 {cflags}")).env("CGO_LDFLAGS", format!("-g -O2 {libs}"));
    cmd.current_dir(dir)
        .env("GOCACHE", cache.join("cache"))
        .env("GOPATH", home.join("path"))
        .env("GOTMPDIR", home)
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .env("GO111MODULE", "on")
        .env("CGO_ENABLED", "1")
        // The test binary loads libfluvio.so from the install.
        .env("LD_LIBRARY_PATH", install.lib())
        .env_remove("FLUVIO_ENDPOINT");
    cmd
}

fn gofmt(go: &[OsString]) -> PathBuf {
    let goroot = run("go env GOROOT", command(go).args(["env", "GOROOT"]));
    Path::new(goroot.trim()).join("bin/gofmt")
}

#[test]
fn go_package_passes_vet_and_its_tests_under_the_race_detector() {
    let install = Install::new();
    let go = go();
    let package = root().join("bindings/go/fluvio");
    let example = root().join("c-examples/go");
    let home = tempfile::tempdir().unwrap();

    for dir in [&package, &example] {
        let unformatted = run("gofmt -l", Command::new(gofmt(&go)).arg("-l").arg(".").current_dir(dir));
        assert!(unformatted.trim().is_empty(), "not gofmt-formatted in {}:\n{unformatted}", dir.display());
        run("go vet", go_command(&go, &install, dir, home.path()).args(["vet", "./..."]));
    }

    let started = Instant::now();
    let output = run(
        "go test -race",
        go_command(&go, &install, &package, home.path()).args(["test", "-race", "-count=1", "-v", "-timeout", "600s", "./..."]),
    );
    eprintln!("go test -race took {:.1} s", started.elapsed().as_secs_f64());
    // Top-level tests that ran; each one passed.
    let ran: BTreeSet<&str> =
        output.lines().filter_map(|l| l.strip_prefix("=== RUN").map(str::trim)).filter(|name| !name.contains('/')).collect();
    for name in EXPECTED_TESTS {
        assert!(ran.contains(name), "{name} did not run; these did: {ran:?}\n{output}");
    }
    for name in &ran {
        assert!(output.contains(&format!("--- PASS: {name} (")), "{name} did not pass:\n{output}");
    }
    for bad in ["--- SKIP", "--- FAIL", "WARNING: DATA RACE"] {
        assert!(!output.contains(bad), "{bad} in the output:\n{output}");
    }
    assert!(output.lines().any(|l| l.starts_with("ok  \tlibfluvio.dev/fluvio\t")), "{output}");
}
