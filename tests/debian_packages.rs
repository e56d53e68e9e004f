//! The Debian packages: `dpkg-buildpackage -b -us -uc` over debian/, with
//! the build this test run already made (scripts/test.sh's `cargo build`,
//! as the other packaging tests use), then lintian, then a C program built
//! and run against the files `dpkg-deb -x` extracted and nothing else: its
//! header, pkg-config file and shared library from libfluvio-dev and
//! libfluvio0, its server the fluvio-local package's binary started the way
//! its systemd unit starts it.
//!
//! scripts/test.sh installs dpkg-dev, debhelper and lintian.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::install::{root, run};
use support::ServerProcess;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const MAJOR: &str = env!("CARGO_PKG_VERSION_MAJOR");
const PACKAGES: [&str; 3] = ["libfluvio0", "libfluvio-dev", "fluvio-local"];

/// What dpkg-buildpackage needs of the source tree: debian/ and what the
/// Makefile's `install NO_BUILD=1` reads. Copied rather than built in place,
/// because dpkg-buildpackage writes its results into the parent directory.
const SOURCE_PARTS: [&str; 5] = ["debian", "Makefile", "Cargo.toml", "include", "packaging"];

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
}

/// The packages built from debian/, in a temporary directory.
struct Built {
    /// Holds the staged source tree and, beside it, the .deb files.
    dir: tempfile::TempDir,
    /// The Debian architecture in the file names (`dpkg --print-architecture`).
    arch: String,
}

impl Built {
    fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("fluvio-deb-").tempdir().unwrap();
        let source = dir.path().join(format!("libfluvio-{VERSION}"));
        for part in SOURCE_PARTS {
            copy_tree(&root().join(part), &source.join(part));
        }
        let library_dir = support::library_dir();
        let profile = library_dir.file_name().unwrap().to_str().unwrap().to_string();
        let target_dir = library_dir.parent().unwrap();
        run(
            "dpkg-buildpackage",
            Command::new("dpkg-buildpackage")
                .args(["-b", "-us", "-uc"])
                .current_dir(&source)
                .env("LIBFLUVIO_PROFILE", &profile)
                .env("LIBFLUVIO_NO_BUILD", "1")
                .env("LIBFLUVIO_TARGET_DIR", target_dir)
                // No -dbgsym packages: the Makefile strips what it installs.
                .env("DEB_BUILD_OPTIONS", "noautodbgsym")
                // Fast compression: the debug build's packages are large,
                // and the test reads them once.
                .env("DPKG_DEB_COMPRESSOR_TYPE", "gzip")
                .env("DPKG_DEB_COMPRESSOR_LEVEL", "1"),
        );
        let arch = run("dpkg", Command::new("dpkg").arg("--print-architecture")).trim().to_string();
        Built { dir, arch }
    }

    fn deb(&self, package: &str) -> PathBuf {
        self.dir.path().join(format!("{package}_{VERSION}_{}.deb", self.arch))
    }

    fn changes(&self) -> PathBuf {
        self.dir.path().join(format!("libfluvio_{VERSION}_{}.changes", self.arch))
    }

    /// `dpkg-deb -x` of every package into one directory, as if installed.
    fn extract_all(&self) -> PathBuf {
        let root = self.dir.path().join("root");
        for package in PACKAGES {
            run("dpkg-deb -x", Command::new("dpkg-deb").arg("-x").arg(self.deb(package)).arg(&root));
        }
        root
    }

    fn field(&self, package: &str, field: &str) -> String {
        run("dpkg-deb -f", Command::new("dpkg-deb").arg("-f").arg(self.deb(package)).arg(field)).trim().to_string()
    }

    /// The files (not directories) of `package`, as `usr/bin/x`, symlinks
    /// as `name -> target`, from `dpkg-deb -c`.
    fn contents(&self, package: &str) -> Vec<String> {
        let listing = run("dpkg-deb -c", Command::new("dpkg-deb").arg("-c").arg(self.deb(package)));
        let mut files: Vec<String> = listing
            .lines()
            .filter(|line| !line.starts_with('d'))
            // permissions, owner, size, date, time, then ./path
            .filter_map(|line| line.find(" ./").map(|at| line[at + " ./".len()..].to_string()))
            .collect();
        files.sort();
        files
    }
}

fn multiarch() -> String {
    run("dpkg-architecture", Command::new("dpkg-architecture").arg("-qDEB_HOST_MULTIARCH")).trim().to_string()
}

#[test]
fn debian_changelog_carries_the_crate_version() {
    let changelog = std::fs::read_to_string(root().join("debian/changelog")).unwrap();
    let first = changelog.lines().next().unwrap();
    assert_eq!(first, format!("libfluvio ({VERSION}) unstable; urgency=medium"), "debian/changelog is behind Cargo.toml");
}

#[test]
fn the_packages_hold_what_they_promise_pass_lintian_and_build_a_c_program_that_runs() {
    let built = Built::new();
    let multiarch = multiarch();
    let lib = format!("usr/lib/{multiarch}");

    // What each package holds, and how big it is (printed for the record).
    let mut contents = BTreeMap::new();
    for package in PACKAGES {
        let files = built.contents(package);
        let size = std::fs::metadata(built.deb(package)).unwrap().len();
        println!("{package}: {size} bytes, Installed-Size {} KiB", built.field(package, "Installed-Size"));
        for file in &files {
            println!("  {file}");
        }
        contents.insert(package, files);
    }
    let has = |package: &str, file: &str| contents[package].iter().any(|f| f == file);
    for file in [format!("{lib}/libfluvio.so.{VERSION}"), format!("{lib}/libfluvio.so.{MAJOR} -> libfluvio.so.{VERSION}")] {
        assert!(has("libfluvio0", &file), "libfluvio0 lacks {file}: {:?}", contents["libfluvio0"]);
    }
    for file in [
        "usr/include/fluvio.h".to_string(),
        "usr/include/fluvio.hpp".to_string(),
        format!("{lib}/libfluvio.a"),
        format!("{lib}/libfluvio.so -> libfluvio.so.{MAJOR}"),
        format!("{lib}/pkgconfig/fluvio.pc"),
        format!("{lib}/cmake/fluvio/fluvioConfig.cmake"),
    ] {
        assert!(has("libfluvio-dev", &file), "libfluvio-dev lacks {file}: {:?}", contents["libfluvio-dev"]);
    }
    assert!(!contents["libfluvio0"].iter().any(|f| f.ends_with(".a") || f.contains("include/")), "{:?}", contents["libfluvio0"]);
    for file in ["usr/bin/fluvio-local", "lib/systemd/system/fluvio-local.service", "usr/share/man/man1/fluvio-local.1.gz"] {
        assert!(has("fluvio-local", file), "fluvio-local lacks {file}: {:?}", contents["fluvio-local"]);
    }
    assert!(built.field("libfluvio-dev", "Depends").contains(&format!("libfluvio0 (= {VERSION})")));
    let depends = built.field("libfluvio0", "Depends");
    assert!(depends.contains("libc6"), "dpkg-shlibdeps found no libc6 dependency: {depends}");

    // lintian: no error and no warning but the ones debian/*lintian-overrides
    // explain. It takes minutes on the debug build's static library (readelf
    // of every member), so it runs while the rest of the test does.
    let lintian = Command::new("lintian")
        .args(["--fail-on", "error,warning", "--display-info", "--allow-root", "--tag-display-limit", "0"])
        .arg(built.changes())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lintian (Debian package lintian)");
    let lintian = KillOnDrop::new(lintian);

    // The unit: unprivileged, loopback, data under /var/lib.
    let extracted = built.extract_all();
    let unit = std::fs::read_to_string(extracted.join("lib/systemd/system/fluvio-local.service")).unwrap();
    assert!(unit.lines().any(|l| l == "DynamicUser=yes"), "{unit}");
    assert!(unit.lines().any(|l| l == "StateDirectory=fluvio-local"), "{unit}");
    let exec_start = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("ExecStart in the unit");
    let argv: Vec<&str> = exec_start.split_whitespace().collect();
    assert_eq!(argv[0], "/usr/bin/fluvio-local");
    let option = |name: &str| argv.iter().position(|a| *a == name).map(|i| argv[i + 1]);
    assert_eq!(option("--host"), Some("127.0.0.1"), "{exec_start}");
    assert_eq!(option("--data-dir"), Some("/var/lib/fluvio-local"), "{exec_start}");

    // The man page names every option the binary takes.
    let help = Command::new(extracted.join("usr/bin/fluvio-local")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).to_string() + &String::from_utf8_lossy(&help.stderr);
    let man = std::fs::read_to_string(root().join("debian/fluvio-local.1")).unwrap().replace("\\-", "-");
    let options: Vec<&str> = help.split_whitespace().filter(|w| w.starts_with("--")).collect();
    assert!(options.len() > 10, "no options in --help: {help}");
    for option in options {
        let option = option.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
        assert!(man.contains(option), "debian/fluvio-local.1 does not document {option}");
    }

    // The unit's command line, with its paths moved into the extracted tree,
    // on a free port rather than 9003.
    let data = tempfile::tempdir().unwrap();
    let mut server = Command::new(extracted.join(argv[0].trim_start_matches('/')));
    for (i, arg) in argv.iter().enumerate().skip(1) {
        let arg = match (argv[i - 1], *arg) {
            ("--data-dir", _) => data.path().to_str().unwrap(),
            ("--port", _) => "0",
            (_, arg) => arg,
        };
        server.arg(arg);
    }
    let server = ServerProcess::spawn(&mut server);
    let endpoint = server.endpoint.clone();

    // C programs built with the packaged pkg-config file, linked to the
    // packaged shared library and run against the packaged server.
    let build = tempfile::tempdir().unwrap();
    let pkg_config = |args: &[&str]| -> Vec<String> {
        run(
            "pkg-config",
            Command::new("pkg-config")
                .args(args)
                .arg("fluvio")
                .env("PKG_CONFIG_PATH", extracted.join(&lib).join("pkgconfig"))
                .env("PKG_CONFIG_SYSROOT_DIR", &extracted)
                .env_remove("PKG_CONFIG_LIBDIR"),
        )
        .split_whitespace()
        .map(str::to_string)
        .collect()
    };
    let cflags = pkg_config(&["--cflags"]);
    let libs = pkg_config(&["--libs"]);
    assert!(cflags.iter().any(|f| f.starts_with(&format!("-I{}", extracted.display()))), "{cflags:?}");
    for program in ["producer", "consumer"] {
        run(
            &format!("cc {program}.c"),
            Command::new("cc")
                .args(["-std=c99", "-Wall", "-Werror"])
                .args(&cflags)
                .arg(root().join(format!("c-examples/{program}.c")))
                .arg("-o")
                .arg(build.path().join(program))
                .args(&libs),
        );
    }
    let library_path = extracted.join(&lib);
    let ldd = run("ldd", Command::new("ldd").arg(build.path().join("producer")).env("LD_LIBRARY_PATH", &library_path));
    let resolved = ldd.lines().find(|l| l.contains(&format!("libfluvio.so.{MAJOR}"))).unwrap_or_else(|| panic!("{ldd}"));
    assert!(resolved.contains(&library_path.display().to_string()), "libfluvio resolved outside the package: {resolved}");
    let run_example = |program: &str, args: &[&str]| {
        run(
            program,
            Command::new(build.path().join(program)).args(args).env("FLUVIO_ENDPOINT", &endpoint).env("LD_LIBRARY_PATH", &library_path),
        )
    };
    run_example("producer", &["greetings", "25"]);
    let consumed = run_example("consumer", &["greetings"]);
    assert!(consumed.contains("consumed 26 records from greetings"), "{consumed}");
    for i in 0..25 {
        assert!(consumed.contains(&format!(" hello {i} ")), "hello {i} missing:\n{consumed}");
    }
    drop(server);

    let lintian = lintian.wait_with_output();
    let report = String::from_utf8_lossy(&lintian.stdout);
    println!("lintian:\n{report}{}", String::from_utf8_lossy(&lintian.stderr));
    assert!(lintian.status.success(), "lintian failed:\n{report}");
}

/// A child process, killed and reaped when dropped before it was waited for.
struct KillOnDrop(Option<std::process::Child>);

impl KillOnDrop {
    fn new(child: std::process::Child) -> Self {
        KillOnDrop(Some(child))
    }

    fn wait_with_output(mut self) -> std::process::Output {
        self.0.take().expect("not waited for yet").wait_with_output().expect("wait for the child")
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
