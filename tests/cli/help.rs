//! `--help`, completions and suggestions: what a new user reads first.

use crate::support;

const SUBCOMMANDS: [&str; 11] = [
    "gen-secret",
    "issue",
    "verify",
    "decode",
    "refresh",
    "revoke",
    "sessions",
    "gen-key",
    "jwks",
    "completions",
    "man",
];

fn help(args: &[&str]) -> String {
    let assert = support::clean().args(args).arg("--help").assert().success();
    support::stdout(&assert)
}

#[test]
fn global_options_are_listed_once_at_the_top() {
    let root = help(&[]);
    assert!(root.contains("--color <WHEN>"), "{root}");
    assert!(root.contains("-V, --version"), "{root}");
    for sub in SUBCOMMANDS {
        let text = help(&[sub]);
        let options = text
            .split("\nOptions:\n")
            .nth(1)
            .unwrap_or_default()
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(
            !options.contains("--color"),
            "{sub}: --color in its own options:\n{text}"
        );
        assert!(
            !text.contains("--version"),
            "{sub}: --version repeated:\n{text}"
        );
    }
    // Still accepted after the subcommand, as a global option.
    support::clean()
        .args(["gen-secret", "--color", "never"])
        .assert()
        .success();
}

#[test]
fn gen_key_lists_only_the_algorithms_it_makes_keys_for() {
    let text = help(&["gen-key"]);
    assert!(text.contains("RS256") && text.contains("EdDSA"), "{text}");
    assert!(!text.contains("HS256"), "{text}");
    let assert = support::clean()
        .args(["gen-key", "--alg", "HS256", "--out", "/nonexistent/k.pem"])
        .assert()
        .code(2);
    let err = support::stderr(&assert);
    assert!(err.contains("gen-secret"), "{err}");
}

#[test]
fn hidden_options_stay_out_of_completions_and_suggestions() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for file in ["jwtctl.bash", "_jwtctl", "jwtctl.fish"] {
        let script = std::fs::read_to_string(root.join(file)).expect("a completion script");
        assert!(!script.contains("threads"), "{file} offers --threads");
    }
    let assert = support::clean()
        .args(["verify", "--batch", "--thread", "2"])
        .assert()
        .code(2);
    assert!(!support::stderr(&assert).contains("--threads"));
}

#[test]
fn examples_fit_80_columns() {
    for args in std::iter::once(vec![]).chain(SUBCOMMANDS.iter().map(|sub| vec![*sub])) {
        let text = help(&args);
        let Some(examples) = text.split("Examples:\n").nth(1) else {
            continue;
        };
        for line in examples.lines() {
            assert!(
                line.chars().count() <= 80,
                "jwtctl {} --help: {} columns:\n{line}",
                args.join(" "),
                line.chars().count()
            );
        }
    }
}
