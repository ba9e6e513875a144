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

/// Issue 12: the secret pasted inside a longer value does not look like one, but it is still
/// never printed: each message is searched for the secrets themselves (even cut short by the
/// 80-character quote), on stderr and in JSON error objects alike.
#[test]
fn a_secret_inside_a_longer_value_is_never_echoed() {
    let sandbox = Sandbox::new();
    let (access, _) = issue_pair(&sandbox, "alice", &["--aud", "api"]);
    // Other secrets, from a variable named by --secret-env and from a file.
    let from_env = "9d1e5c7a3b0f4e2d8c6a1b9e7f3d5c0a2b4e6f8d1c3a5e7b9d0f2c4e6a8b1d3f";
    let from_file = "b7c1e9d3f5a2b8e4c6d0f1a3b5c7e9d2f4a6b8c0e1d3f5a7b9c2e4d6f8a0b1c3";
    let file = sandbox.write("secret.txt", format!("{from_file}\n"));
    let file = file.to_str().expect("utf-8").to_owned();
    let signed = |key: &[&str]| {
        let assert = sandbox
            .cmd()
            .env("OTHER_SECRET", from_env)
            .args(["issue", "--no-refresh", "--sub", "alice"])
            .args(key)
            .assert()
            .success();
        crate::support::stdout(&assert).trim_end().to_owned()
    };
    let env_token = signed(&["--secret-env", "OTHER_SECRET"]);
    let file_token = signed(&["--secret-file", &file]);
    let cut = format!("https://issuer.example.com/a/path/long/enough/to/be/cut/{SECRET}");
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec![
                "verify".into(),
                "--aud".into(),
                format!("x{SECRET}"),
                access.clone(),
            ],
            "",
            SECRET,
        ),
        (
            vec![
                "verify".into(),
                "--json".into(),
                "--aud".into(),
                format!("x{SECRET}"),
                access.clone(),
            ],
            "",
            SECRET,
        ),
        (
            vec![
                "verify".into(),
                "--iss".into(),
                format!("https://x/{SECRET}"),
                access.clone(),
            ],
            "",
            SECRET,
        ),
        (
            vec!["verify".into(), "--iss".into(), cut, access.clone()],
            "",
            SECRET,
        ),
        (
            vec![
                "verify".into(),
                "--now".into(),
                format!("x.{SECRET}"),
                access.clone(),
            ],
            "",
            SECRET,
        ),
        (
            vec![
                "verify".into(),
                "--batch".into(),
                "--aud".into(),
                format!("x{SECRET}"),
            ],
            "batch",
            SECRET,
        ),
        (
            vec![
                "issue".into(),
                "--sub".into(),
                "a".into(),
                "--claim".into(),
                format!("x:=[\"{SECRET}\""),
            ],
            "",
            SECRET,
        ),
        (
            vec![
                "issue".into(),
                "--sub".into(),
                "a".into(),
                "--claim".into(),
                format!("x:=[\"x{SECRET}\""),
            ],
            "",
            SECRET,
        ),
        (
            vec![
                "verify".into(),
                "--secret-env".into(),
                "OTHER_SECRET".into(),
                "--iss".into(),
                format!("x/{from_env}"),
                env_token,
            ],
            "",
            from_env,
        ),
        (
            vec![
                "verify".into(),
                "--secret-file".into(),
                file.clone(),
                "--iss".into(),
                format!("x/{from_file}"),
                file_token,
            ],
            "",
            from_file,
        ),
    ];
    for (args, stdin, secret) in cases {
        let stdin = if stdin == "batch" {
            format!("{access}\n")
        } else {
            String::new()
        };
        let assert = sandbox
            .cmd()
            .env("OTHER_SECRET", from_env)
            .args(&args)
            .write_stdin(stdin)
            .assert();
        let output = assert.get_output();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_ne!(output.status.code(), Some(0), "{args:?}: {shown}");
        assert!(
            !shown.contains(&secret[..12]),
            "{args:?}: the secret leaked: {shown}"
        );
        // Redacted, or described whole where the value alone looks like a secret.
        assert!(
            shown.contains("<secret>") || shown.contains("-character value"),
            "{args:?}: {shown}"
        );
    }
}

/// A secret file is known before the command line is parsed, as the environment's secrets are:
/// an error about another option, raised before the key is read, must not print the secret
/// pasted into it, nor the text of a file whose key is that text decoded.
#[test]
fn a_secret_file_is_never_echoed_before_it_is_read_or_when_encoded() {
    let sandbox = Sandbox::new();
    let text = "b7c1e9d3f5a2b8e4c6d0f1a3b5c7e9d2f4a6b8c0e1d3f5a7b9c2e4d6f8a0b1c3";
    let file = sandbox.write("secret.txt", format!("{text}\n"));
    let file = file.to_str().expect("utf-8").to_owned();
    let hex_token = {
        let assert = sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--sub", "alice", "--aud", "api"])
            .args(["--secret-file", &file, "--secret-encoding", "hex"])
            .assert()
            .success();
        crate::support::stdout(&assert).trim_end().to_owned()
    };
    let issue = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "issue",
            "--no-refresh",
            "--sub",
            "a",
            "--secret-file",
            &file,
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(String::from).collect()
    };
    let header = format!("x/{text}");
    let exp = format!("2026-01-01T00:00:00Z{text}");
    let iss = format!("https://x/{text}");
    let cases = [
        (issue(&["--header", &header]), 2),
        (issue(&["--exp", &exp]), 2),
        (
            [
                "verify",
                "--secret-file",
                &file,
                "--secret-encoding",
                "hex",
                "--iss",
                &iss,
                &hex_token,
            ]
            .map(String::from)
            .to_vec(),
            1,
        ),
    ];
    for (args, code) in cases {
        let assert = sandbox.cmd().args(&args).assert().code(code);
        let output = assert.get_output();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !shown.contains(&text[..12]),
            "{args:?}: the secret leaked: {shown}"
        );
        assert!(
            shown.contains("<secret>") || shown.contains("-character value"),
            "{args:?}: {shown}"
        );
    }
}
