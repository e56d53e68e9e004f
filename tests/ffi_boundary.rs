//! The panic boundary, checked on the source: every function `src/ffi/`
//! exports runs its body behind `ffi_guard` (or `ffi_guard_value`, or one of
//! the helpers below that call it), so no panic unwinds into C. A function
//! added without it fails here, with its name.

use std::path::Path;

/// Helpers of `src/ffi/` that run their closure behind `ffi_guard`.
const GUARDS: [&str; 7] =
    ["ffi_guard(", "ffi_guard_value(", "with_config_object(", "with_config(", "with_client_config(", "with_consumer_config(", "with_cluster("];

/// (file, function, body) of every `#[no_mangle]` function in `dir`.
fn exported(dir: &Path) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let source = std::fs::read_to_string(&path).unwrap();
        let mut rest = source.as_str();
        while let Some(at) = rest.find("#[no_mangle]") {
            rest = &rest[at + "#[no_mangle]".len()..];
            let name_at = rest.find("fn ").expect("an exported function") + 3;
            let name: String = rest[name_at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            // The body ends at the first line that closes an item.
            let body_end = rest.find("\n}\n").unwrap_or(rest.len());
            found.push((path.file_name().unwrap().to_string_lossy().into_owned(), name, rest[..body_end].to_string()));
        }
    }
    found
}

#[test]
fn every_exported_function_is_behind_the_panic_boundary() {
    let ffi = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let functions = exported(&ffi);
    assert!(functions.len() > 100, "found only {} exported functions: is the parser still right?", functions.len());
    let unguarded: Vec<String> = functions
        .iter()
        .filter(|(_, _, body)| !GUARDS.iter().any(|g| body.contains(g)))
        .map(|(file, name, _)| format!("{file}: {name}"))
        .collect();
    assert!(unguarded.is_empty(), "{} of {} exported functions run outside ffi_guard:\n{}", unguarded.len(), functions.len(), unguarded.join("\n"));
}

#[test]
fn the_guard_helpers_call_ffi_guard() {
    let ffi = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi");
    let mut sources = String::new();
    for entry in std::fs::read_dir(&ffi).unwrap() {
        sources.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for helper in ["with_config_object", "with_config", "with_client_config", "with_consumer_config", "with_cluster"] {
        let at = [format!("fn {helper}("), format!("fn {helper}<")]
            .iter()
            .find_map(|signature| sources.find(signature.as_str()))
            .unwrap_or_else(|| panic!("{helper} is gone: update GUARDS"));
        let body = &sources[at..at + sources[at..].find("\n}\n").unwrap()];
        assert!(GUARDS.iter().any(|g| *g != format!("{helper}(") && body.contains(g)), "{helper} does not call a guard:\n{body}");
    }
}
