//! Faults found by an adversarial review of the hardened binary, one test each.

use crate::support::{SECRET, Sandbox, issue_pair, stderr};

#[test]
fn a_token_or_secret_given_as_a_json_claim_is_not_echoed() {
    let sandbox = Sandbox::new();
    let (_, refresh) = issue_pair(&sandbox, "alice", &[]);
    for value in [refresh.as_str(), SECRET] {
        let claim = format!("x:={value}");
        let assert = sandbox
            .cmd()
            .args(["issue", "--sub", "bob", "--claim", &claim])
            .assert()
            .code(2);
        let err = stderr(&assert);
        assert!(err.contains("is not valid JSON"), "{err}");
        assert!(!err.contains(value), "the value leaked: {err}");
    }
}

#[test]
fn a_payload_file_that_is_standard_input_conflicts_with_a_secret_from_it() {
    let sandbox = Sandbox::new();
    for path in ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"] {
        let payload = format!("@{path}");
        let assert = sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args([
                "issue",
                "--no-refresh",
                "--payload",
                &payload,
                "--secret-file",
                "-",
            ])
            .write_stdin("{\"sub\":\"x\"}\n")
            .assert()
            .code(2);
        let err = stderr(&assert);
        assert!(
            err.contains("standard input cannot carry both") && err.contains("--payload"),
            "{path}: {err}"
        );
    }
}

#[test]
fn a_secret_typed_as_an_expected_claim_is_not_echoed_in_the_verdict() {
    let sandbox = Sandbox::new();
    let (access, _) = issue_pair(&sandbox, "alice", &[]);
    for flag in ["--aud", "--iss", "--sub"] {
        let assert = sandbox
            .cmd()
            .args(["verify", flag, SECRET, &access])
            .assert()
            .code(1);
        let err = stderr(&assert);
        assert!(!err.contains(SECRET), "{flag}: the secret leaked: {err}");
    }
}
