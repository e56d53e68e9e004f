//! libfluvio installed by the top-level Makefile into a temporary DESTDIR,
//! and the toolchains the tests build users of that install with.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::assert_success;

/// The PREFIX the tests install for. Nothing exists there on the machine: a
/// file the build finds must come from the DESTDIR staging tree, and a path
/// that leaks the staging tree instead of PREFIX shows in what is installed.
pub const PREFIX: &str = "/opt/libfluvio-packaging-test";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}


/// Runs `command`, fails the test unless it succeeds, returns its stdout.
pub fn run(what: &str, command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: cannot run {command:?}: {e}"));
    assert_success(what, &output);
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// A toolchain command from `env` (set by scripts/test.sh), else `default`;
/// fails the test with `hint` unless `version_args` runs.
pub fn toolchain(env: &str, default: &str, prefix_args: &[&str], version_args: &[&str], hint: &str) -> Vec<OsString> {
    let program = std::env::var_os(env).unwrap_or_else(|| default.into());
    let mut command: Vec<OsString> = vec![program];
    command.extend(prefix_args.iter().map(OsString::from));
    let works = Command::new(&command[0])
        .args(&command[1..])
        .args(version_args)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(works, "{command:?} does not run ({env}): {hint}; scripts/test.sh installs it and sets {env}");
    command
}

pub fn command(toolchain: &[OsString]) -> Command {
    let mut command = Command::new(&toolchain[0]);
    command.args(&toolchain[1..]);
    command
}

/// libfluvio installed by the top-level Makefile into a temporary DESTDIR.
pub struct Install {
    /// DESTDIR; removed on drop.
    pub destdir: tempfile::TempDir,
}

impl Install {
    /// `make install NO_BUILD=1` of the libraries this test run uses
    /// (target/debug under `cargo test`), which scripts/test.sh builds with
    /// `cargo build` before the tests, as it does for the C tests. Running
    /// cargo from here would rebuild the library: `cargo test` has just built
    /// it with the dev-dependencies' features.
    pub fn new() -> Self {
        let library_dir = super::library_dir();
        let profile = library_dir.file_name().expect("profile directory").to_str().expect("UTF-8 profile").to_string();
        let target_dir = library_dir.parent().expect("target directory");
        let destdir = tempfile::Builder::new().prefix("fluvio-install-").tempdir().unwrap();
        run(
            "make install",
            Command::new("make")
                .arg("-C")
                .arg(root())
                .arg("install")
                .arg(format!("PROFILE={profile}"))
                .arg("NO_BUILD=1")
                .arg(format!("TARGET_DIR={}", target_dir.display()))
                .arg(format!("PREFIX={PREFIX}"))
                .arg(format!("DESTDIR={}", destdir.path().display())),
        );
        Install { destdir }
    }

    /// Where PREFIX is staged.
    pub fn prefix(&self) -> PathBuf {
        self.destdir.path().join(PREFIX.trim_start_matches('/'))
    }

    pub fn lib(&self) -> PathBuf {
        self.prefix().join("lib")
    }

    pub fn include(&self) -> PathBuf {
        self.prefix().join("include")
    }

    /// pkg-config reading the staged fluvio.pc: the sysroot maps its
    /// PREFIX paths into DESTDIR, as when cross-building against a staging tree.
    pub fn pkg_config(&self, args: &[&str]) -> Vec<String> {
        let out = run("pkg-config", self.pkg_config_env(&mut Command::new("pkg-config")).args(args).arg("fluvio"));
        out.split_whitespace().map(str::to_string).collect()
    }

    pub fn pkg_config_env<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .env("PKG_CONFIG_PATH", self.lib().join("pkgconfig"))
            .env("PKG_CONFIG_SYSROOT_DIR", self.destdir.path())
            .env_remove("PKG_CONFIG_LIBDIR")
    }
}

/// Go, from scripts/test.sh (Debian package golang-go).
pub fn go() -> Vec<OsString> {
    toolchain("FLUVIO_TEST_GO", "go", &[], &["version"], "Go (Debian package golang-go) is missing")
}

/// The `fluvio_*` functions the header declares (doc comments skipped).
pub fn header_functions(header: &str) -> BTreeSet<String> {
    let mut functions = BTreeSet::new();
    for line in header.lines().filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with('/')) {
        let mut rest = line;
        while let Some(start) = rest.find("fluvio_") {
            let name: String = rest[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            rest = &rest[start + name.len()..];
            if rest.starts_with('(') {
                functions.insert(name);
            }
        }
    }
    functions
}
