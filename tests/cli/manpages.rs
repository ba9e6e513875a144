//! `jwtctl man`: the pages `make install`, `make dist` and `make deb` ship.

use std::collections::BTreeSet;

use crate::support::{self, Sandbox};

fn pages(sandbox: &Sandbox) -> Vec<(String, String)> {
    let dir = sandbox.path("man");
    support::clean()
        .args(["man", "--dir"])
        .arg(&dir)
        .assert()
        .success()
        .stdout("");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("the man directory")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("a page"))
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_page_a_page_names_is_generated_and_help_has_none() {
    let sandbox = Sandbox::new();
    let pages = pages(&sandbox);
    let files: BTreeSet<&str> = pages.iter().map(|(name, _)| name.as_str()).collect();
    assert!(
        files.contains("jwtctl.1") && files.contains("jwtctl-sessions-prune.1"),
        "{files:?}"
    );
    assert!(!files.iter().any(|file| file.contains("help")), "{files:?}");
    for (name, page) in &pages {
        // References look like `jwtctl\-verify(1)`.
        for reference in page.split_whitespace().filter(|word| word.ends_with("(1)")) {
            let file = format!(
                "{}.1",
                reference.trim_end_matches("(1)").replace("\\-", "-")
            );
            assert!(
                files.contains(file.as_str()),
                "{name} names {reference}, which is not generated"
            );
        }
    }
}

#[test]
fn the_synopsis_names_each_value() {
    let sandbox = Sandbox::new();
    let pages = pages(&sandbox);
    let page = |file: &str| {
        pages
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, page)| page.clone())
            .unwrap_or_else(|| panic!("no {file}"))
    };
    let synopsis = |file: &str| {
        let page = page(file);
        let start = page.find(".SH SYNOPSIS\n").expect("a synopsis");
        let rest = &page[start..];
        rest[..rest[1..].find("\n.SH ").expect("a next section") + 1].to_owned()
    };
    let verify = synopsis("jwtctl-verify.1");
    for expected in [
        "\\fBjwtctl verify\\fR",
        "[\\fB\\-\\-alg\\fR\\ \\fIALG\\fR]...",
        "[\\fB\\-\\-key\\-file\\fR\\ \\fIPATH\\fR]",
        "[\\fB\\-q\\fR|\\fB\\-\\-quiet\\fR]",
        "[\\fITOKEN\\fR]",
    ] {
        assert!(verify.contains(expected), "{expected} not in\n{verify}");
    }
    // Hidden options are not in it.
    assert!(!verify.contains("threads"), "{verify}");
    let revoke = synopsis("jwtctl-revoke.1");
    assert!(
        revoke.contains("(\\fB\\-\\-user\\fR\\ \\fISUB\\fR | \\fB\\-\\-token\\fR\\ \\fITOKEN\\fR | \\fB\\-\\-family\\fR\\ \\fIID\\fR | \\fB\\-\\-all\\fR)"),
        "{revoke}"
    );
    assert!(
        synopsis("jwtctl.1")
            .contains("\\fBjwtctl\\fR [\\fB\\-\\-color\\fR\\ \\fIWHEN\\fR] \\fICOMMAND\\fR")
    );
}

#[test]
fn possible_values_are_one_to_a_line() {
    let sandbox = Sandbox::new();
    for (name, page) in pages(&sandbox) {
        // Each list of values (.RS ... .RE) sets paragraph spacing to nothing, and back.
        let lists = page.matches("\n.RS ").count();
        assert_eq!(page.matches("\n.PD 0\n").count(), lists, "{name}");
        assert_eq!(page.matches("\n.PD\n.RE").count(), lists, "{name}");
    }
    let sandbox = Sandbox::new();
    let verify = pages(&sandbox)
        .into_iter()
        .find(|(name, _)| name == "jwtctl-verify.1")
        .expect("the verify page")
        .1;
    assert!(
        verify.contains(".PD 0\n.IP \\(bu 2\nHS256\n.IP \\(bu 2\nHS384\n"),
        "{verify}"
    );
}
