//! The committed `include/fluvio.h` and `include/fluvio_testing.h` must be
//! exactly what the build generates from `src/ffi/` now, and both must
//! compile warning-free as C99 and as C++.

use std::path::{Path, PathBuf};
use std::process::Command;

fn committed_header() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include").join("fluvio.h")
}

#[test]
fn committed_headers_are_fresh() {
    for name in ["fluvio.h", "fluvio_testing.h"] {
        let fresh = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join(name)).expect("generated header");
        let committed = std::fs::read_to_string(committed_header().with_file_name(name)).expect("committed header");
        assert!(fresh == committed, "include/{name} is stale: run `cargo build` outside CI and commit the regenerated header");
    }
}

/// The manual's shape: sections in order, the complete example inside it,
/// C wording, and the test aids only in the test-only header.
#[test]
fn header_reads_as_a_manual() {
    let header = std::fs::read_to_string(committed_header()).unwrap();
    let testing = std::fs::read_to_string(committed_header().with_file_name("fluvio_testing.h")).unwrap();
    let mut at = 0;
    let sections = [
        "OVERVIEW", "CONVENTIONS", "Handles", "Errors", "Connecting", "Producer", "Offsets", "Consumer and streams", "Records",
        "Consumer offsets", "Topic admin", "Cluster admin", "Embedded cluster", "Deprecated names",
    ];
    for section in sections {
        let found = header[at..].find(section).unwrap_or_else(|| panic!("section {section} missing or out of order"));
        at += found;
    }
    // The handles block declares handles only; functions sit in their sections.
    let handles = &header[header.find(" * Handles").unwrap()..header.find(" * 1. Version").unwrap()];
    for line in handles.lines().filter(|l| !l.starts_with(" *") && !l.starts_with("/*") && !l.trim().is_empty()) {
        assert!(line.starts_with("struct ") && line.ends_with(';') && !line.contains('('), "not a handle in the handles block: {line}");
    }
    for (declaration, section, next) in [
        ("struct fluvio_client_config *fluvio_client_config_new(", "4. Connection settings", "5. Producer"),
        ("struct fluvio_offset fluvio_offset_beginning(", "6. Offsets", "7. Consumer and streams"),
        ("enum fluvio_status fluvio_stream_next_batch(", "7. Consumer and streams", "8. Records"),
        ("struct fluvio_topic_config *fluvio_topic_config_new(", "10. Topic admin", "11. Cluster admin"),
        ("struct fluvio_local_config *fluvio_local_config_new(", "15. Embedded cluster", "16. Deprecated names"),
    ] {
        let (at, from, to) = (header.find(declaration).unwrap(), header.find(section).unwrap(), header.find(next).unwrap());
        assert!(from < at && at < to, "{declaration} is not in section {section}");
    }
    let example = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("c-examples/quickstart.c")).unwrap();
    for line in example.lines().filter(|l| !l.trim().is_empty()) {
        assert!(header.contains(&format!("    {line}")), "the overview lacks quickstart.c's line {line:?}");
    }
    assert!(!header.contains("# Safety") && !testing.contains("# Safety"), "a Rust doc heading leaked into the header");
    assert!(header.contains(" * Safety:"));
    for aid in ["fluvio_local_cluster_stop_spu", "fluvio_local_cluster_fail_next_produces", "fluvio_local_cluster_set_produce_delay_ms"] {
        assert!(!header.contains(aid) && testing.contains(&format!("{aid}(")), "{aid} belongs in fluvio_testing.h only");
    }
    assert!(testing.contains("TEST-ONLY") && testing.contains("#include \"fluvio.h\""));
}

/// Every time in a declaration is an `int32_t`: no `uint32_t`/`uint64_t`
/// parameter ends in `_ms`, except the look-back age, which is no timeout.
#[test]
fn every_time_is_int32_milliseconds() {
    for name in ["fluvio.h", "fluvio_testing.h"] {
        let header = std::fs::read_to_string(committed_header().with_file_name(name)).unwrap();
        let declarations: Vec<&str> = header.lines().filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/*")).collect();
        for line in declarations {
            for word in line.split(|c: char| c == '(' || c == ',' || c == ')').map(str::trim) {
                let is_parameter = !word.contains("fluvio_");
                if is_parameter && word.ends_with("_ms") && !word.starts_with("int32_t ") && word != "uint64_t age_ms" {
                    panic!("{name}: a time that is not int32_t milliseconds: {word:?} in {line:?}");
                }
            }
        }
    }
}

fn compile_header(compiler: &str, std: &str, source_ext: &str) {
    for header in ["fluvio.h", "fluvio_testing.h"] {
        compile_one_header(header, compiler, std, source_ext);
    }
}

fn compile_one_header(header: &str, compiler: &str, std: &str, source_ext: &str) {
    let dir = std::env::temp_dir().join(format!("fluvio-header-{}-{std}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(format!("include_only.{source_ext}"));
    std::fs::write(&source, format!("#include \"{header}\"\nint main(void) {{ return fluvio_version() == 0; }}\n")).unwrap();
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
