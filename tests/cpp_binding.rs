//! The C++17 bindings, include/fluvio.hpp, as a user gets them from `make
//! install`: tests/cpp/fluvio_hpp_test.cpp built with c++ against the
//! installed header and shared library (through the installed fluvio.pc),
//! under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer,
//! and run; it starts its own embedded cluster through the C API. And what
//! must not compile: copies of handles, ignored results of the try_ forms.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::assert_success;
use support::install::{root, run, Install};

/// The sections tests/cpp/fluvio_hpp_test.cpp reports, in order.
const SECTIONS: [&str; 11] = [
    "ok: embedded cluster started at 127.0.0.1",
    "ok: round trip (13 records, range-for to end and to timeout, 13 delivery reports)",
    "ok: delivery function lifetime (shared by settings and producers, served by the destructor)",
    "ok: delivery function exceptions (rethrown by flush, try_flush, poll and close; dropped in the destructor)",
    "ok: partitioner (records placed by the std::function, its exception refuses the record)",
    "ok: errors (invalid name, existing and missing topic, NUL byte, bad settings, moved-from handle; thrown and returned alike)",
    "ok: stream failure (the range-for throws FLUVIO_ERR_SERVER)",
    "ok: admin (topic, partition, SPU, consumer offset and lag lists)",
    "ok: moves (records, streams, consumers, producers, settings, deliveries, lists)",
    "ok: closed port (thrown and returned alike)",
    "ok: all checks passed",
];

const WARNINGS: [&str; 4] = ["-Wall", "-Wextra", "-pedantic", "-Werror"];

fn cxx() -> Command {
    let mut command = Command::new(std::env::var("CXX").unwrap_or_else(|_| "c++".into()));
    // Diagnostics in ASCII quotes, whatever the locale.
    command.env("LC_ALL", "C");
    command
}

#[test]
fn cpp_bindings_produce_consume_and_fail_cleanly_under_sanitizers() {
    let install = Install::new();
    let installed = std::fs::read_to_string(install.include().join("fluvio.hpp")).expect("fluvio.hpp installed");
    assert_eq!(installed, std::fs::read_to_string(root().join("include/fluvio.hpp")).unwrap(), "installed fluvio.hpp differs");

    let out = tempfile::tempdir().unwrap();
    let program = out.path().join("fluvio_hpp_test");
    run(
        "c++ fluvio_hpp_test.cpp",
        cxx()
            .arg("-std=c++17")
            .args(WARNINGS)
            // -O0: every access stays in the program for ASan to see, and it
            // builds in half the time -O1 takes.
            .args(["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g", "-O0"])
            .arg("-o")
            .arg(&program)
            .arg(root().join("tests/cpp/fluvio_hpp_test.cpp"))
            .args(install.pkg_config(&["--cflags", "--libs"])),
    );

    // No suppressions: LeakSanitizer finds nothing to report, because what
    // libfluvio keeps for the life of the process (its runtime, the
    // embedded cluster's worker threads) stays reachable from globals and
    // live threads at exit.
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(&program)
        .arg(data.path())
        .env("LD_LIBRARY_PATH", install.lib())
        .env("ASAN_OPTIONS", "detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .env_remove("LSAN_OPTIONS")
        .env_remove("FLUVIO_ENDPOINT")
        .output()
        .expect("run fluvio_hpp_test");
    assert_success("fluvio_hpp_test", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, SECTIONS, "fluvio_hpp_test's sections:\n{stdout}\n{stderr}");
    for finding in ["Sanitizer", "runtime error:"] {
        assert!(!stderr.contains(finding), "a sanitizer finding:\n{stderr}");
    }
}

/// Compiles `source` (a main function's file) against the installed header
/// only, to an object file (no linking); returns the compiler's output.
fn compile(install: &Install, dir: &Path, name: &str, std: &str, extra: &[&str], source: &str) -> Output {
    let file = dir.join(format!("{name}.cpp"));
    std::fs::write(&file, source).unwrap();
    cxx()
        .arg(format!("-std={std}"))
        .args(WARNINGS)
        .args(extra)
        .arg("-c")
        .arg("-o")
        .arg(dir.join(format!("{name}.o")))
        .arg(format!("-I{}", install.include().display()))
        .arg(&file)
        .output()
        .expect("run c++")
}

#[test]
fn cpp_header_is_warning_free_and_refuses_copies_and_ignored_results() {
    let install = Install::new();
    let dir = tempfile::tempdir().unwrap();
    // Every template the header has, instantiated, under stricter warnings
    // than a user's (-O2 for the warnings that follow the data flow) and
    // under a later standard.
    let uses = r#"
        #include <fluvio.hpp>
        int main() {
            fluvio::client client;
            auto topics = client.try_list_topics();
            auto partitions = client.try_list_partitions();
            auto spus = client.try_list_spus();
            auto lags = client.try_list_consumer_lags();
            auto offsets = client.try_list_consumer_offsets();
            auto modules = client.try_list_smartmodules();
            size_t n = 0;
            if (topics) for (const fluvio_topic_info &t : *topics) n += t.partitions;
            if (partitions) for (const fluvio_partition_info &p : *partitions) n += p.partition;
            if (spus) for (const fluvio_spu_info &s : *spus) n += static_cast<size_t>(s.id);
            if (lags) for (const fluvio_consumer_lag &l : *lags) n += l.partition;
            if (offsets) n += offsets->size();
            if (modules) n += modules->size();
            fluvio::stream stream;
            for (const fluvio::record &r : stream.records(0)) n += r.value().size();
            fluvio::producer producer;
            auto sent = producer.try_send("k", "v");
            auto delivery = producer.try_send_with_delivery(std::nullopt, std::string("v"));
            auto polled = producer.try_poll(0);
            return static_cast<int>(n) + sent.ok() + delivery.ok() + polled.ok();
        }
    "#;
    for std in ["c++17", "c++20"] {
        let strict = ["-O2", "-Wconversion", "-Wsign-conversion", "-Wold-style-cast", "-Wnon-virtual-dtor", "-Wnull-dereference"];
        let output = compile(&install, dir.path(), &format!("uses-{std}"), std, &strict, uses);
        assert_success(&format!("fluvio.hpp under {std} with {strict:?}"), &output);
    }

    // Handles are move-only.
    let copy = compile(
        &install,
        dir.path(),
        "copy",
        "c++17",
        &[],
        "#include <fluvio.hpp>\nint main() { fluvio::producer a; fluvio::producer b = a; return !b; }\n",
    );
    let stderr = String::from_utf8_lossy(&copy.stderr);
    assert!(!copy.status.success() && stderr.contains("deleted"), "a producer was copied:\n{stderr}");

    // A try_ form's result may not be dropped unread ([[nodiscard]]).
    let ignored = compile(
        &install,
        dir.path(),
        "ignored",
        "c++17",
        &[],
        "#include <fluvio.hpp>\nint main() { fluvio::client c; c.try_create_topic(\"t\"); return 0; }\n",
    );
    let stderr = String::from_utf8_lossy(&ignored.stderr);
    let warned = stderr.contains("nodiscard") || stderr.contains("ignoring return value");
    assert!(!ignored.status.success() && warned, "an ignored result compiled:\n{stderr}");
}
