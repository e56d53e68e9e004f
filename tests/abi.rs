//! The ABI check: `abidiff` (Debian's abigail-tools) between the committed
//! baseline, packaging/abi/libfluvio.so.<MAJOR>.abi, and the ABI of the
//! library this test run built, both as `abidw` reads them from the DWARF and
//! pruned to the C API by packaging/abi/prune.py (the exported fluvio_*
//! functions, the types their signatures reach, the header's opaque handles
//! as declarations).
//!
//! Removing or changing an exported function or a public struct fails the
//! test: that breaks programs built against libfluvio.so.<MAJOR>, so it
//! needs a new soname. Adding a function fails it too until the baseline is
//! updated on purpose:
//!
//!     FLUVIO_UPDATE_ABI_BASELINE=1 cargo test --test abi
//!
//! scripts/test.sh installs abigail-tools.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::install::{header_functions, root, run};

const MAJOR: &str = env!("CARGO_PKG_VERSION_MAJOR");

/// abidiff's exit status bits (abidiff(1)).
const ABIDIFF_ERROR: i32 = 1;
const ABIDIFF_ABI_CHANGE: i32 = 4;
const ABIDIFF_ABI_INCOMPATIBLE_CHANGE: i32 = 8;

fn baseline() -> PathBuf {
    root().join(format!("packaging/abi/libfluvio.so.{MAJOR}.abi"))
}

/// The pruned ABI of the shared library this test run uses, written to `out`.
fn current_abi(out: &Path) {
    let library = support::library_dir().join("libfluvio.so");
    let xml = run(
        "abidw",
        Command::new("abidw").args(["--no-show-locs", "--no-comp-dir-path", "--no-corpus-path"]).arg(&library),
    );
    let mut prune = Command::new("python3")
        .arg(root().join("packaging/abi/prune.py"))
        .arg(root().join("include/fluvio.h"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run python3");
    let mut stdin = prune.stdin.take().unwrap();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, xml.as_bytes()));
    let output = prune.wait_with_output().unwrap();
    writer.join().unwrap().expect("feed prune.py");
    support::assert_success("prune.py", &output);
    std::fs::write(out, output.stdout).unwrap();
}

fn abidiff(old: &Path, new: &Path) -> (i32, String) {
    let output: Output = Command::new("abidiff").arg(old).arg(new).output().expect("run abidiff (Debian package abigail-tools)");
    let code = output.status.code().expect("abidiff exited");
    assert_eq!(code & ABIDIFF_ERROR, 0, "abidiff could not compare: {}", String::from_utf8_lossy(&output.stderr));
    (code, String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `xml` with the element starting at `start` (up to its closing tag, or
/// `/>`) removed.
fn remove_element(xml: &str, start: &str, end: &str) -> String {
    let at = xml.find(start).unwrap_or_else(|| panic!("{start} not in the ABI"));
    let len = xml[at..].find(end).unwrap() + end.len();
    format!("{}{}", &xml[..at], &xml[at + len..])
}

#[test]
fn the_library_abi_matches_the_committed_baseline_and_abidiff_catches_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let current = dir.path().join("current.abi");
    current_abi(&current);
    let xml = std::fs::read_to_string(&current).unwrap();

    // Every function of the header is in the ABI abidw read, with a signature.
    let header = std::fs::read_to_string(root().join("include/fluvio.h")).unwrap();
    for name in header_functions(&header) {
        assert!(xml.contains(&format!("<function-decl name=\"{name}\" ")), "{name} of the header is not in the ABI");
    }

    if std::env::var_os("FLUVIO_UPDATE_ABI_BASELINE").is_some() {
        std::fs::copy(&current, baseline()).unwrap();
        println!("wrote {}", baseline().display());
    }
    let (code, report) = abidiff(&baseline(), &current);
    assert!(
        code & ABIDIFF_ABI_INCOMPATIBLE_CHANGE == 0,
        "the ABI of libfluvio.so.{MAJOR} broke (a function removed or changed): programs built against it would \
         break; restore it, or make a new soname:\n{report}"
    );
    assert!(
        code & ABIDIFF_ABI_CHANGE == 0,
        "the ABI changed from {}; if the change is compatible and on purpose (a function added), update the \
         baseline: FLUVIO_UPDATE_ABI_BASELINE=1 cargo test --test abi\n{report}",
        baseline().display()
    );

    // The check can fail: a library without fluvio_topic_delete, and one
    // whose fluvio_producer_send takes a 32-bit key length.
    let removed = dir.path().join("removed.abi");
    let without = remove_element(&xml, "<elf-symbol name=\"fluvio_topic_delete\" ", "/>");
    std::fs::write(&removed, remove_element(&without, "<function-decl name=\"fluvio_topic_delete\" ", "</function-decl>")).unwrap();
    let (code, report) = abidiff(&current, &removed);
    assert_ne!(code & ABIDIFF_ABI_INCOMPATIBLE_CHANGE, 0, "a removed function went unnoticed:\n{report}");
    assert!(report.contains("1 Removed function") && report.contains("fluvio_topic_delete"), "{report}");

    let send = xml.find("<function-decl name=\"fluvio_producer_send\" ").expect("fluvio_producer_send in the ABI");
    let key_len = send + xml[send..].find("name=\"key_len\"").unwrap();
    let type_start = xml[..key_len].rfind("type-id=\"").unwrap() + "type-id=\"".len();
    let type_end = type_start + xml[type_start..].find('"').unwrap();
    let u32_id = {
        let at = xml.find("<type-decl name=\"u32\" ").expect("u32 in the ABI");
        let id = at + xml[at..].find(" id=\"").unwrap() + " id=\"".len();
        &xml[id..id + xml[id..].find('"').unwrap()]
    };
    let changed = dir.path().join("changed.abi");
    std::fs::write(&changed, format!("{}{u32_id}{}", &xml[..type_start], &xml[type_end..])).unwrap();
    let (code, report) = abidiff(&current, &changed);
    assert_ne!(code & ABIDIFF_ABI_CHANGE, 0, "a changed parameter went unnoticed:\n{report}");
    assert!(report.contains("fluvio_producer_send") && report.contains("type name changed from 'usize' to 'u32'"), "{report}");
}
