//! `make install` into a temporary DESTDIR, then what a user of each
//! language builds against that install alone: C through pkg-config (shared
//! and with libfluvio.a linked in), C++, Go (cgo), Zig (@cImport) and CMake
//! (`find_package(fluvio)`, shared and static). Every program produces
//! records into the embedded cluster (`fluvio-local`, 2 SPUs) that a program
//! of another language consumes and checks.
//!
//! The toolchains come from scripts/test.sh, which installs them and names
//! them in FLUVIO_TEST_GO, FLUVIO_TEST_CMAKE and FLUVIO_TEST_ZIG_PYTHON (a
//! Python with the `ziglang` package). A missing one fails the test.

mod support;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::install::{command, go, header_functions, root, run, toolchain, Install, PREFIX};
use support::{assert_success, ServerProcess};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const MAJOR: &str = env!("CARGO_PKG_VERSION_MAJOR");

/// `#define FLUVIO_VERSION_<part> N` from the header.
fn header_version(header: &str, part: &str) -> String {
    let prefix = format!("#define FLUVIO_VERSION_{part} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no FLUVIO_VERSION_{part} in the header"))
        .trim()
        .to_string()
}

#[test]
fn install_lays_out_a_versioned_stripped_library_exporting_only_the_c_api() {
    let install = Install::new();
    let lib = install.lib();

    // The real file, and the two symlinks the dynamic linker and the link editor use.
    let shared = lib.join(format!("libfluvio.so.{VERSION}"));
    assert!(shared.metadata().unwrap().file_type().is_file(), "{} is not a file", shared.display());
    assert_eq!(std::fs::read_link(lib.join(format!("libfluvio.so.{MAJOR}"))).unwrap(), Path::new(&format!("libfluvio.so.{VERSION}")));
    assert_eq!(std::fs::read_link(lib.join("libfluvio.so")).unwrap(), Path::new(&format!("libfluvio.so.{MAJOR}")));
    for file in ["libfluvio.a", "pkgconfig/fluvio.pc", "cmake/fluvio/fluvioConfig.cmake", "cmake/fluvio/fluvioConfigVersion.cmake"] {
        assert!(lib.join(file).is_file(), "{file} not installed");
    }
    let header = std::fs::read_to_string(install.include().join("fluvio.h")).unwrap();
    assert_eq!(header, std::fs::read_to_string(root().join("include/fluvio.h")).unwrap(), "installed fluvio.h differs from include/fluvio.h");
    let cpp_header = std::fs::read_to_string(install.include().join("fluvio.hpp")).expect("fluvio.hpp installed");
    assert_eq!(cpp_header, std::fs::read_to_string(root().join("include/fluvio.hpp")).unwrap(), "installed fluvio.hpp differs from include/fluvio.hpp");
    let modulemap = std::fs::read_to_string(install.include().join("fluvio/module.modulemap")).unwrap();
    assert!(modulemap.contains("header \"../fluvio.h\"") && modulemap.contains("link \"fluvio\""), "{modulemap}");

    let dynamic = run("readelf -d", Command::new("readelf").arg("-d").arg(&shared));
    assert!(dynamic.contains(&format!("Library soname: [libfluvio.so.{MAJOR}]")), "{dynamic}");

    // Stripped: no debug info in the shared library nor in the archive's objects.
    for file in [&shared, &lib.join("libfluvio.a")] {
        let sections = run("readelf -S", Command::new("readelf").arg("-SW").arg(file));
        assert!(sections.contains(".text"), "no sections listed for {}", file.display());
        // Section names follow "[ N] "; ".debug_" inside a name is a function's.
        assert!(!sections.contains("] .debug_"), "{} has debug sections", file.display());
    }

    // Exactly the header's functions are exported: nothing of Rust's std,
    // tokio or zstd, and nothing declared is missing.
    let nm = run("nm -D", Command::new("nm").args(["-D", "--defined-only"]).arg(&shared));
    let exported: BTreeSet<String> = nm.lines().filter_map(|l| l.split_whitespace().nth(2)).map(str::to_string).collect();
    // With the SmartModule engine, wasmtime's two debugger hooks (its
    // default `debug-builtins` feature, which fluvio-smartengine does not
    // turn off; `#[no_mangle]` Rust functions that rustc exports from a
    // cdylib whatever the version script says) are exported too. Their names
    // carry wasmtime's version, so they cannot clash with another copy.
    let wasmtime_hooks = ["resolve_vmctx_memory_ptr_", "set_vmctx_memory_"];
    let is_wasmtime_hook = |s: &str| cfg!(feature = "smartengine") && wasmtime_hooks.iter().any(|h| s.starts_with(h));
    let strangers: Vec<&String> = exported.iter().filter(|s| !s.starts_with("fluvio_") && !is_wasmtime_hook(s)).collect();
    assert!(strangers.is_empty(), "exported besides fluvio_*: {strangers:?}");
    let exported: BTreeSet<String> = exported.into_iter().filter(|s| !is_wasmtime_hook(s)).collect();
    let testing = std::fs::read_to_string(install.include().join("fluvio_testing.h")).unwrap();
    assert_eq!(testing, std::fs::read_to_string(root().join("include/fluvio_testing.h")).unwrap(), "installed fluvio_testing.h differs");
    let declared = header_functions(&header);
    assert!(declared.contains("fluvio_connect") && declared.contains("fluvio_version"), "{declared:?}");
    let test_aids = header_functions(&testing);
    assert!(test_aids.contains("fluvio_local_cluster_stop_spu") && declared.is_disjoint(&test_aids), "{test_aids:?}");
    let declared: BTreeSet<String> = declared.union(&test_aids).cloned().collect();
    assert_eq!(exported, declared, "exported symbols vs functions declared in fluvio.h and fluvio_testing.h");

    // Version: the header's macros, the library's fluvio_version() and
    // pkg-config all say the Cargo package version.
    let (major, minor, patch) = (header_version(&header, "MAJOR"), header_version(&header, "MINOR"), header_version(&header, "PATCH"));
    assert_eq!(format!("{major}.{minor}.{patch}"), VERSION, "FLUVIO_VERSION_* in fluvio.h");
    assert_eq!(install.pkg_config(&["--modversion"]), [VERSION]);
    let program_dir = tempfile::tempdir().unwrap();
    let source = program_dir.path().join("print_version.c");
    std::fs::write(
        &source,
        "#include <stdio.h>\n#include <fluvio.h>\n\
         int main(void) { printf(\"%s %d.%d.%d\\n\", fluvio_version(), FLUVIO_VERSION_MAJOR, FLUVIO_VERSION_MINOR, FLUVIO_VERSION_PATCH); return 0; }\n",
    )
    .unwrap();
    let program = program_dir.path().join("print_version");
    run(
        "cc print_version.c",
        Command::new("cc").arg("-o").arg(&program).arg(&source).args(install.pkg_config(&["--cflags", "--libs"])),
    );
    let printed = run("print_version", Command::new(&program).env("LD_LIBRARY_PATH", &lib));
    assert_eq!(printed, format!("{VERSION} {VERSION}\n"), "fluvio_version() and FLUVIO_VERSION_*");

    // The staged files name PREFIX, never the staging directory.
    for file in ["pkgconfig/fluvio.pc", "cmake/fluvio/fluvioConfig.cmake"] {
        let text = std::fs::read_to_string(lib.join(file)).unwrap();
        assert!(!text.contains(install.destdir.path().to_str().unwrap()), "{file} names DESTDIR:\n{text}");
        assert!(!text.contains('@'), "{file} has an unsubstituted @VARIABLE@:\n{text}");
    }
    let pc = std::fs::read_to_string(lib.join("pkgconfig/fluvio.pc")).unwrap();
    assert!(pc.contains(&format!("prefix={PREFIX}\n")), "{pc}");

    // uninstall leaves no file behind.
    run(
        "make uninstall",
        Command::new("make")
            .arg("-C")
            .arg(root())
            .arg("uninstall")
            .arg(format!("PREFIX={PREFIX}"))
            .arg(format!("DESTDIR={}", install.destdir.path().display())),
    );
    let left: Vec<PathBuf> = walk(install.destdir.path()).into_iter().filter(|p| !p.is_dir()).collect();
    assert!(left.is_empty(), "left after uninstall: {left:?}");
}

/// Every path under `dir`, depth first, symlinks not followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.symlink_metadata().unwrap().is_dir() {
            paths.extend(walk(&path));
        }
        paths.push(path);
    }
    paths
}

#[test]
fn cmake_finds_only_a_compatible_version() {
    let cmake = cmake();
    let install = Install::new();
    let project = tempfile::tempdir().unwrap();
    // Compatible: the same major version, and before 1.0 the same minor
    // version, no newer than the install.
    let (major, minor) = (MAJOR.parse::<u32>().unwrap(), env!("CARGO_PKG_VERSION_MINOR").parse::<u32>().unwrap());
    let cases = [
        (format!("{major}.{minor}"), true),
        (VERSION.to_string(), true),
        (format!("{VERSION} EXACT"), true),
        (format!("{major}.{}", minor + 1), false),
        (format!("{}", major + 1), false),
    ];
    for (request, expected) in cases {
        std::fs::write(
            project.path().join("CMakeLists.txt"),
            format!("cmake_minimum_required(VERSION 3.16)\nproject(version_check LANGUAGES NONE)\nfind_package(fluvio {request} REQUIRED)\n"),
        )
        .unwrap();
        let build = project.path().join(format!("build-{}", request.replace(' ', "-")));
        let output = command(&cmake)
            .arg("-S")
            .arg(project.path())
            .arg("-B")
            .arg(&build)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", install.prefix().display()))
            .output()
            .expect("run cmake");
        assert_eq!(
            output.status.success(),
            expected,
            "find_package(fluvio {request}) against {VERSION}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `python -m ziglang`: Zig from PyPI, in the venv scripts/test.sh keeps.
fn zig() -> Vec<OsString> {
    let default_python = root().join("target/zig-venv/bin/python");
    toolchain(
        "FLUVIO_TEST_ZIG_PYTHON",
        default_python.to_str().unwrap(),
        &["-m", "ziglang"],
        &["version"],
        "Zig (the PyPI package ziglang) is missing",
    )
}

fn cmake() -> Vec<OsString> {
    toolchain("FLUVIO_TEST_CMAKE", "cmake", &[], &["--version"], "CMake (Debian package cmake) is missing")
}

/// Swift imports C through Clang modules; no Swift toolchain installs here,
/// but Zig bundles Clang, whose `@import` loads the installed module map the
/// way Swift's `import CFluvio` does.
#[test]
fn module_map_makes_the_header_importable_as_cfluvio() {
    let zig = zig();
    let install = Install::new();
    let dir = tempfile::tempdir().unwrap();
    let compile = |body: &str| {
        let source = dir.path().join("import.m");
        std::fs::write(&source, format!("@import CFluvio;\nint main(void) {{ {body} }}\n")).unwrap();
        command(&zig)
            .args(["cc", "-x", "objective-c", "-fmodules", "-Wall", "-Wextra", "-Werror", "-c", "-o"])
            .arg(dir.path().join("import.o"))
            .arg(format!("-fmodules-cache-path={}", dir.path().join("modules").display()))
            .arg(format!("-I{}", install.include().join("fluvio").display()))
            .arg(&source)
            .output()
            .expect("run zig cc")
    };
    assert_success("@import CFluvio", &compile("return fluvio_version() != 0 && FLUVIO_OK == 0 ? 0 : 1;"));
    // A name the header does not declare fails: the module really is fluvio.h.
    let undeclared = compile("return fluvio_no_such_function();");
    assert!(!undeclared.status.success(), "an undeclared function compiled");
    let stderr = String::from_utf8_lossy(&undeclared.stderr);
    assert!(stderr.contains("fluvio_no_such_function"), "{stderr}");
}

/// One example program built against the install.
struct Example {
    /// Names the program and the topic it produces.
    name: &'static str,
    /// What it writes in its record values ("<language> record I").
    language: &'static str,
    program: PathBuf,
    /// Whether it loads libfluvio.so (else libfluvio.a is linked in).
    shared: bool,
    /// Whether it finds libfluvio.so only through LD_LIBRARY_PATH (no runpath).
    needs_library_path: bool,
}

/// Builds every example into `out`, the independent builds in parallel.
fn build_examples(install: &Install, out: &Path) -> Vec<Example> {
    let go = go();
    let zig = zig();
    let cmake = cmake();
    let examples = root().join("c-examples");
    let c_source = examples.join("pkg-config/produce_consume.c");
    let warnings = ["-Wall", "-Wextra", "-pedantic", "-Werror"];
    let cflags = install.pkg_config(&["--cflags"]);
    let shared_libs = install.pkg_config(&["--libs"]);
    let static_libs = install.pkg_config(&["--static", "--libs"]);
    let program = |name: &str| out.join(name);

    std::thread::scope(|scope| {
        let builds = [
            scope.spawn(|| {
                run(
                    "cc (pkg-config, shared)",
                    Command::new("cc").arg("-std=c99").args(warnings).arg("-o").arg(program("c")).arg(&c_source).args(&cflags).args(&shared_libs),
                )
            }),
            scope.spawn(|| {
                // -Bstatic: -lfluvio is libfluvio.a; fluvio.pc switches back
                // to shared libraries for what follows it.
                run(
                    "cc (pkg-config --static)",
                    Command::new("cc")
                        .arg("-std=c99")
                        .args(warnings)
                        .arg("-o")
                        .arg(program("c-static"))
                        .arg(&c_source)
                        .args(&cflags)
                        .arg("-Wl,-Bstatic")
                        .args(&static_libs),
                )
            }),
            scope.spawn(|| {
                run(
                    "c++",
                    Command::new("c++")
                        .arg("-std=c++17")
                        .args(warnings)
                        .arg("-o")
                        .arg(program("cpp"))
                        .arg(examples.join("cpp/produce_consume.cpp"))
                        .args(&cflags)
                        .args(&shared_libs),
                )
            }),
            scope.spawn(|| {
                // Caches of its own, and no network: the module has no dependencies.
                let go_home = tempfile::tempdir().unwrap();
                run(
                    "go build",
                    install
                        .pkg_config_env(&mut command(&go))
                        .args(["build", "-o"])
                        .arg(program("go"))
                        .arg(".")
                        .current_dir(examples.join("go"))
                        .env("GOCACHE", go_home.path().join("cache"))
                        .env("GOPATH", go_home.path().join("path"))
                        .env("GOPROXY", "off")
                        .env("GOTOOLCHAIN", "local")
                        .env("GOFLAGS", "")
                        .env("CGO_ENABLED", "1"),
                )
            }),
            scope.spawn(|| {
                let zig_cache = tempfile::tempdir().unwrap();
                run(
                    "zig build-exe",
                    command(&zig)
                        .arg("build-exe")
                        .arg(examples.join("zig/produce_consume.zig"))
                        .arg(format!("-I{}", install.include().display()))
                        .arg(format!("-L{}", install.lib().display()))
                        .args(["-lfluvio", "-lc"])
                        .arg(format!("-femit-bin={}", program("zig").display()))
                        .arg("--cache-dir")
                        .arg(zig_cache.path().join("local"))
                        .arg("--global-cache-dir")
                        .arg(zig_cache.path().join("global")),
                )
            }),
            scope.spawn(|| {
                let build = out.join("cmake-build");
                run(
                    "cmake configure",
                    command(&cmake)
                        .arg("-S")
                        .arg(examples.join("cmake"))
                        .arg("-B")
                        .arg(&build)
                        .arg(format!("-DCMAKE_PREFIX_PATH={}", install.prefix().display()))
                        .arg(format!("-DCMAKE_RUNTIME_OUTPUT_DIRECTORY={}", out.display())),
                );
                run("cmake --build", command(&cmake).arg("--build").arg(&build))
            }),
        ];
        for build in builds {
            build.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });

    let example = |name, language, shared, needs_library_path| Example { name, language, program: program(name), shared, needs_library_path };
    vec![
        example("c", "c", true, true),
        example("c-static", "c", false, false),
        example("cpp", "c++", true, true),
        example("go", "go", true, true),
        // zig and CMake record the library directory as the program's runpath.
        example("zig", "zig", true, false),
        // CMake names its programs after the targets in c-examples/cmake.
        Example { name: "cmake", language: "c", program: out.join("produce_consume"), shared: true, needs_library_path: false },
        Example { name: "cmake-static", language: "c", program: out.join("produce_consume_static"), shared: false, needs_library_path: false },
    ]
}

#[test]
fn examples_in_every_language_exchange_records_through_the_install() {
    let install = Install::new();
    let out = tempfile::tempdir().unwrap();
    let examples = build_examples(&install, out.path());

    // Shared programs load libfluvio.so.MAJOR; static ones have it inside.
    for example in &examples {
        let dynamic = run("readelf -d", Command::new("readelf").arg("-d").arg(&example.program));
        let needs_fluvio = dynamic.contains(&format!("Shared library: [libfluvio.so.{MAJOR}]"));
        assert_eq!(needs_fluvio, example.shared, "{}: NEEDED entries:\n{dynamic}", example.name);
        assert!(!dynamic.contains("[libfluvio.so]"), "{} links the unversioned name:\n{dynamic}", example.name);
    }

    let data = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(data.path(), &["--spus", "2"]);
    let run_example = |example: &Example, args: &[&str]| {
        let mut command = Command::new(&example.program);
        command.args(args).env("FLUVIO_ENDPOINT", &server.endpoint);
        // Only where the program has no runpath: the others must find the
        // library (or do without it) by themselves.
        if example.needs_library_path {
            command.env("LD_LIBRARY_PATH", install.lib());
        } else {
            command.env_remove("LD_LIBRARY_PATH");
        }
        run(&format!("{} {}", example.name, args.join(" ")), &mut command)
    };

    const COUNT: usize = 10;
    let version_line = format!("libfluvio {VERSION} (header {VERSION})\n");
    for example in &examples {
        let topic = format!("from-{}", example.name);
        let produced = run_example(example, &["produce", &topic, &COUNT.to_string()]);
        assert_eq!(produced, format!("{version_line}produced {COUNT} records to {topic}\n"), "{}", example.name);
    }
    // Each program reads what the one before it wrote (the first, the last's).
    for (i, consumer) in examples.iter().enumerate() {
        let producer = &examples[(i + examples.len() - 1) % examples.len()];
        let topic = format!("from-{}", producer.name);
        let consumed = run_example(consumer, &["consume", &topic, &COUNT.to_string()]);
        let records: String = (0..COUNT).map(|r| format!("{r} key-{r} {} record {r}\n", producer.language)).collect();
        assert_eq!(
            consumed,
            format!("{version_line}{records}consumed {COUNT} records from {topic}\n"),
            "{} reading what {} wrote",
            consumer.name,
            producer.name
        );
    }
    assert!(server.terminate().success(), "fluvio-local did not stop cleanly");
}
