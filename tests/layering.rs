//! The layering issue 11 asks for, checked on the source: the token core (`src/jwt/`) depends on
//! nothing above it, and no command names another subcommand's module.

use std::fs;
use std::path::Path;

fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<(String, String)> = fs::read_dir(&root)
        .expect("a source directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let name = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, fs::read_to_string(&path).expect("readable source"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_token_core_depends_on_nothing_above_it() {
    let forbidden = [
        "clap::",
        "use clap",
        "crate::store",
        "crate::output",
        "crate::cli",
        "crate::commands",
        "crate::config",
    ];
    for (name, text) in sources("src/jwt") {
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "src/jwt/{name}.rs names {pattern:?}"
            );
        }
    }
}

#[test]
fn commands_do_not_call_each_other() {
    let files = sources("src/commands");
    // Shared modules every command may use; the rest are subcommands.
    let shared = ["mod", "batch", "print", "session"];
    let subcommands: Vec<&str> = files
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !shared.contains(name))
        .collect();
    for (name, text) in &files {
        if name == "mod" {
            continue;
        }
        for other in &subcommands {
            if other == name {
                continue;
            }
            for pattern in [
                format!("super::{other}"),
                format!("commands::{other}"),
                format!("{{{other},"),
                format!(", {other}}}"),
                format!(", {other},"),
            ] {
                assert!(
                    !text.contains(&pattern),
                    "src/commands/{name}.rs names the {other} command ({pattern})"
                );
            }
        }
    }
}
