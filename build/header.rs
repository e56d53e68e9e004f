//! Lays out cbindgen's declarations as the two installed headers.
//!
//! cbindgen writes items grouped by kind (macros, types, functions); a
//! header that doubles as the manual wants them grouped by subject. Each
//! `src/ffi/` file is one subject: its `//!` module doc becomes the
//! section's introduction and every item it defines lands in its section,
//! in the order the file defines them. `fluvio.h` opens with the overview,
//! a complete example (`c-examples/quickstart.c`, built and run by the
//! tests) and the conventions (`src/ffi/manual.txt`), then lists every
//! handle, so each section can name any handle. `fluvio_testing.h` holds
//! the fault-injection aids, outside the stability promise.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// The sections of `fluvio.h`, in order: the file each comes from, and its
/// title. A section may use the types of the sections before it.
const CLIENT_SECTIONS: &[(&str, &str)] = &[
    ("version.rs", "Version"),
    ("error.rs", "Errors"),
    ("client.rs", "Connecting"),
    ("client_config.rs", "Connection settings"),
    ("producer.rs", "Producer"),
    ("offset.rs", "Offsets"),
    ("consumer.rs", "Consumer and streams"),
    ("record.rs", "Records"),
    ("consumer_offsets.rs", "Consumer offsets"),
    ("topic_admin.rs", "Topic admin"),
    ("cluster_admin.rs", "Cluster admin: partitions, SPUs, lag"),
    ("smartmodule.rs", "SmartModules"),
    ("smartmodule_admin.rs", "SmartModule admin"),
    ("log.rs", "Logs"),
    ("local.rs", "Embedded cluster"),
    ("deprecated.rs", "Deprecated names"),
];

/// The sections of `fluvio_testing.h`.
const TESTING_SECTIONS: &[(&str, &str)] = &[("local_faults.rs", "Fault injection on the embedded cluster")];

/// Value types C code names without `enum`/`struct`, as the API's
/// documentation writes them, and what follows their typedef.
const PLAIN_NAMES: &[(&str, &str, &str)] = &[
    ("fluvio_status", "enum", "/* The name the API overview uses for a timed-out wait. */\n#define FLUVIO_TIMEOUT FLUVIO_ERR_TIMEOUT\n"),
    ("fluvio_offset", "struct", ""),
    ("fluvio_record_in", "struct", ""),
];

#[derive(PartialEq)]
enum Kind {
    /// `struct name;`: an opaque handle.
    Handle,
    /// A macro, an enum, a C struct or a typedef.
    Type,
    Function,
}

struct Item {
    name: String,
    kind: Kind,
    text: String,
}

pub struct Headers {
    pub client: String,
    pub testing: String,
}

/// `raw` is cbindgen's output (no guard, includes or `extern "C"`); `root`
/// the crate directory.
pub fn assemble(raw: &str, root: &Path) -> Headers {
    let ffi = root.join("src/ffi");
    let items = parse_items(raw);
    let origin = item_files(&ffi);
    let file_of = |item: &Item| {
        origin
            .get(&item.name)
            .unwrap_or_else(|| panic!("{} is in the header but defined in no src/ffi file", item.name))
            .clone()
    };
    let listed: Vec<&str> = CLIENT_SECTIONS.iter().chain(TESTING_SECTIONS).map(|(file, _)| *file).collect();
    for item in &items {
        let file = file_of(item);
        assert!(listed.contains(&file.as_str()), "src/ffi/{file} defines {} but is no header section: add it to build/header.rs", item.name);
    }

    let manual = std::fs::read_to_string(ffi.join("manual.txt")).expect("read src/ffi/manual.txt");
    let example = std::fs::read_to_string(root.join("c-examples/quickstart.c")).expect("read c-examples/quickstart.c");
    assert!(!example.contains("*/"), "c-examples/quickstart.c must not close a comment: it is quoted inside one");
    let manual = manual.replace("@QUICKSTART@", &indent(&example, "    "));

    let mut client = String::new();
    client.push_str(&comment(&manual));
    client.push_str("\n#ifndef FLUVIO_H\n#define FLUVIO_H\n\n#include <stddef.h>\n#include <stdint.h>\n#include <stdbool.h>\n\n");
    client.push_str(
        "/* Marks a name kept for compatibility; see the section \"Deprecated names\". */\n\
         #if defined(__GNUC__) || defined(__clang__)\n\
         #define FLUVIO_DEPRECATED(note) __attribute__((deprecated(note)))\n\
         #else\n\
         #define FLUVIO_DEPRECATED(note)\n\
         #endif\n\n",
    );
    client.push_str(EXTERN_C_OPEN);
    client.push_str(&banner(
        "Handles",
        "Every object of the API, declared here so each section can name any of\n\
         them. All are opaque: only pointers to them exist in C. Each one says\n\
         which call creates it, which frees it, and which threads may use it.",
    ));
    write_declarations(&mut client, &items, &file_of, CLIENT_SECTIONS, &ffi);
    client.push_str(EXTERN_C_CLOSE);
    client.push_str("\n#endif  /* FLUVIO_H */\n");

    let mut testing = String::new();
    testing.push_str(&comment(
        "fluvio_testing.h — test aids of libfluvio's embedded cluster. TEST-ONLY.\n\n\
         Generated from src/ffi/ by cbindgen and build/header.rs (do not edit\n\
         by hand).\n\n\
         These functions inject faults into an embedded cluster started with\n\
         fluvio_local_cluster_start (see fluvio.h): stopped SPUs, dropped\n\
         connections, moved leaders, failing or slow produce requests. They\n\
         exist to test how an application copes with a failing cluster. They\n\
         are outside the stability promise of fluvio.h: they may change or go\n\
         in any release, without a deprecation period. Never use them in a\n\
         production program.",
    ));
    testing.push_str("\n#ifndef FLUVIO_TESTING_H\n#define FLUVIO_TESTING_H\n\n#include \"fluvio.h\"\n\n");
    testing.push_str(EXTERN_C_OPEN);
    write_declarations(&mut testing, &items, &file_of, TESTING_SECTIONS, &ffi);
    testing.push_str(EXTERN_C_CLOSE);
    testing.push_str("\n#endif  /* FLUVIO_TESTING_H */\n");

    Headers { client, testing }
}

const EXTERN_C_OPEN: &str = "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
const EXTERN_C_CLOSE: &str = "#ifdef __cplusplus\n}  /* extern \"C\" */\n#endif\n";

/// The handles of `sections`' files first, then the sections themselves.
fn write_declarations(out: &mut String, items: &[Item], file_of: &dyn Fn(&Item) -> String, sections: &[(&str, &str)], ffi: &Path) {
    let in_sections = |item: &Item| sections.iter().any(|(file, _)| *file == file_of(item));
    for item in items.iter().filter(|i| i.kind == Kind::Handle && in_sections(i)) {
        out.push_str(&item.text);
        out.push_str("\n\n");
    }
    for (number, (file, title)) in sections.iter().enumerate() {
        let intro = module_doc(&ffi.join(file));
        out.push_str(&banner(&format!("{}. {title}", number + 1), &intro));
        // Types before functions, each in the order cbindgen wrote them
        // (which respects their dependencies).
        for kind in [Kind::Type, Kind::Function] {
            for item in items.iter().filter(|i| i.kind == kind && file_of(i) == *file) {
                out.push_str(&item.text);
                out.push('\n');
                if let Some((name, tag, after)) = PLAIN_NAMES.iter().find(|(n, _, _)| *n == item.name) {
                    let _ = writeln!(out, "typedef {tag} {name} {name};");
                    out.push_str(after);
                }
                out.push('\n');
            }
        }
    }
}

/// cbindgen's items: runs of lines separated by blank lines outside braces,
/// each a doc comment followed by a declaration.
fn parse_items(raw: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut depth = 0i32;
    for line in raw.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() && depth == 0 {
            if !lines.is_empty() {
                items.push(item(&lines));
                lines.clear();
            }
            continue;
        }
        if !line.trim_start().starts_with('*') && !line.trim_start().starts_with("/*") {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        }
        lines.push(line);
    }
    items
}

fn item(lines: &[&str]) -> Item {
    let text = lines.iter().map(|l| c_doc_line(l)).collect::<Vec<_>>().join("\n");
    // The declaration starts after the doc comment.
    let code_start = lines.iter().position(|l| l.trim_start().starts_with("*/")).map_or(0, |i| i + 1);
    let code = lines[code_start..].join(" ");
    let code = without_deprecation(&code);
    let first = code.split_whitespace().collect::<Vec<_>>();
    let ident = |s: &str| s.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_')).to_string();
    let (name, kind) = if code.starts_with("#define ") {
        (ident(first[1]), Kind::Type)
    } else if (code.starts_with("struct ") || code.starts_with("enum ")) && code.trim_end().ends_with("};") {
        (ident(first[1]), Kind::Type)
    } else if code.starts_with("struct ") && code.trim_end().ends_with(';') && !code.contains('(') {
        (ident(first[1]), Kind::Handle)
    } else if code.starts_with("typedef ") {
        let name = match code.find("(*") {
            Some(at) => ident(code[at + 2..].split(')').next().unwrap_or("")),
            None => ident(code.trim_end().trim_end_matches(';').split_whitespace().last().unwrap_or("")),
        };
        (name, Kind::Type)
    } else {
        let before_paren = code.split('(').next().unwrap_or("");
        (ident(before_paren.split_whitespace().last().unwrap_or("")), Kind::Function)
    };
    assert!(!name.is_empty(), "cannot name this header item:\n{code}");
    Item { name, kind, text }
}

/// A declaration without its leading `FLUVIO_DEPRECATED("note")`.
fn without_deprecation(code: &str) -> &str {
    let Some(rest) = code.strip_prefix("FLUVIO_DEPRECATED(") else { return code };
    // The note is one string literal without escaped quotes.
    let after_note = rest.find('"').and_then(|open| rest[open + 1..].find('"').map(|close| open + 1 + close + 1));
    let end = after_note.and_then(|at| rest[at..].find(')').map(|p| at + p + 1)).expect("a closed FLUVIO_DEPRECATED(...)");
    rest[end..].trim_start()
}

/// Rust doc headings read as plain C documentation: ` * # Safety` becomes
/// ` * Safety:`.
fn c_doc_line(line: &str) -> String {
    match line.strip_prefix(" * # ") {
        Some(heading) => format!(" * {heading}:"),
        None => line.to_string(),
    }
}

/// Which `src/ffi/` file defines each name the header can contain.
fn item_files(ffi: &Path) -> HashMap<String, String> {
    let mut origin = HashMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(ffi).expect("read src/ffi").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "rs")) {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).expect("read an src/ffi file");
        for line in source.lines() {
            let line = line.trim_start();
            let Some(rest) = line.strip_prefix("pub ") else { continue };
            let rest = rest.trim_start_matches("unsafe ").trim_start_matches("extern \"C\" ");
            let name = ["fn ", "struct ", "enum ", "type ", "const "]
                .iter()
                .find_map(|kw| rest.strip_prefix(kw))
                .map(|r| r.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("").to_string());
            if let Some(name) = name.filter(|n| n.starts_with("fluvio_") || n.starts_with("FLUVIO_")) {
                origin.insert(name, file.clone());
            }
        }
    }
    origin
}

/// A file's `//!` module doc, as plain text.
fn module_doc(path: &Path) -> String {
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").strip_prefix(' ').unwrap_or(l.trim_start_matches("//!")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn banner(title: &str, intro: &str) -> String {
    let rule = "=".repeat(72);
    let mut out = format!("/* {rule}\n * {title}\n");
    if !intro.trim().is_empty() {
        out.push_str(" *\n");
        for line in intro.trim_end().lines() {
            out.push_str(&format!(" *{}{line}\n", if line.is_empty() { "" } else { " " }));
        }
    }
    out.push_str(&format!(" * {rule} */\n\n"));
    out
}

fn comment(text: &str) -> String {
    let mut out = String::from("/*\n");
    for line in text.trim_end().lines() {
        out.push_str(&format!(" *{}{line}\n", if line.is_empty() { "" } else { " " }));
    }
    out.push_str(" */\n");
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("{prefix}{l}") })
        .collect::<Vec<_>>()
        .join("\n")
}
