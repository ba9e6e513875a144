//! The faults issue 11 lists, each reproduced: who owns standard input, secrets echoed in
//! errors, the verdict before the store, unusable keys, exit statuses.

use std::fs;

use serde_json::Value;

use crate::support::{SECRET, Sandbox, fails, fixture, issue_access, issue_pair, stderr, stdout};

/// A refresh secret different from the main one.
const REFRESH_SECRET: &str = "9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9";

// --- Standard input: one owner, decided once, by file identity -------------------------------

#[test]
fn a_secret_on_stdin_is_read_once_for_verifying_and_signing() {
    let sandbox = Sandbox::new();
    let (_, refresh) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox
        .cmd()
        .env_remove("JWTCTL_SECRET")
        .args(["refresh", "--secret-file", "-", &refresh])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .success();
    assert_eq!(stdout(&assert).lines().count(), 2, "{}", stderr(&assert));
}

#[test]
fn a_refresh_secret_on_stdin_is_read_once_for_verifying_and_signing() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .env("JWTCTL_REFRESH_SECRET", REFRESH_SECRET)
        .args(["issue", "--sub", "alice"])
        .assert()
        .success();
    let refresh = stdout(&assert)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let assert = sandbox
        .cmd()
        .args(["refresh", "--refresh-secret-file", "-", &refresh])
        .write_stdin(format!("{REFRESH_SECRET}\n"))
        .assert()
        .success();
    assert_eq!(stdout(&assert).lines().count(), 2, "{}", stderr(&assert));
}

#[test]
fn a_batch_and_a_secret_cannot_both_come_from_stdin() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--batch",
            "--sub",
            "a",
            "--refresh-secret-file",
            "-",
        ])
        .write_stdin("{}\n{}\n")
        .assert();
    let assert = fails(assert, 2, "standard input cannot carry both");
    assert!(stderr(&assert).contains("--batch"), "{}", stderr(&assert));
    assert!(
        stderr(&assert).contains("--refresh-secret-file"),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn stdin_by_any_name_is_stdin() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let tokens = format!("{token}\n{token}\n");
    for path in ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"] {
        let assert = sandbox
            .cmd()
            .args(["verify", "--batch", "--secret-file", path])
            .write_stdin(tokens.clone())
            .assert();
        let assert = fails(assert, 2, "standard input cannot carry both");
        assert!(stderr(&assert).contains("--secret-file"), "{path}");
        assert!(stderr(&assert).contains("--batch"), "{path}");
    }
    let assert = sandbox
        .cmd()
        .args([
            "verify",
            "--batch",
            "--type",
            "refresh",
            "--refresh-secret-file",
            "-",
        ])
        .write_stdin(tokens.clone())
        .assert();
    fails(assert, 2, "--refresh-secret-file");
    // The file stdin was redirected from is stdin too.
    let secret_file = sandbox.write("secret.txt", format!("{SECRET}\n"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_jwtctl"))
        .env_remove("JWTCTL_SECRET")
        .arg("verify")
        .arg("--secret-file")
        .arg(&secret_file)
        .stdin(fs::File::open(&secret_file).expect("open"))
        .output()
        .expect("run jwtctl");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("standard input cannot carry both the token"),
        "{err}"
    );
}

// --- Secrets, tokens and keys are never echoed -----------------------------------------------

#[test]
fn a_secret_typed_as_a_variable_name_is_not_echoed() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    // Begins with a letter: a valid variable name, and a secret.
    let secret = format!("a{}", &SECRET[1..]);
    let assert = sandbox
        .cmd()
        .args(["verify", "--secret-env", &secret, &token])
        .assert();
    let assert = fails(assert, 2, "a 64-character value");
    assert!(!stderr(&assert).contains(&secret), "{}", stderr(&assert));
}

#[test]
fn the_secret_option_gets_its_own_refusal() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    for args in [
        vec!["verify", "--secret", SECRET, &token],
        vec!["verify", "-S", SECRET, &token],
        vec!["issue", "--sub", "a"],
    ] {
        let mut args = args;
        if args[0] == "issue" {
            args.push("--secret");
            args.push(SECRET);
        }
        let assert = fails(sandbox.cmd().args(&args).assert(), 2, "JWTCTL_SECRET");
        let err = stderr(&assert);
        assert!(
            err.contains("--secret-file") && err.contains("--secret-env"),
            "{err}"
        );
        assert!(!err.contains(SECRET), "{err}");
        assert!(!err.contains("similar argument"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_secret_given_as_a_path_is_not_echoed() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let assert = sandbox
        .cmd()
        .args(["verify", "--secret-file", SECRET, &token])
        .assert();
    let assert = fails(assert, 2, "no such file");
    assert!(!stderr(&assert).contains(SECRET), "{}", stderr(&assert));
}

#[test]
fn a_key_given_as_a_path_is_not_echoed() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let pem = fs::read_to_string(fixture("keys/ec256.pem")).expect("fixture");
    let assert = sandbox
        .cmd()
        .args(["verify", "--key-file", &pem, &token])
        .assert();
    let assert = fails(assert, 2, "");
    let err = stderr(&assert);
    for line in pem.lines().filter(|line| line.len() > 16) {
        assert!(!err.contains(line), "{err}");
    }
}

#[test]
fn a_second_token_is_not_echoed() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(&sandbox, "alice", &[]);
    let assert = sandbox.cmd().args(["verify", &access, &refresh]).assert();
    let assert = fails(assert, 2, "a token of");
    let err = stderr(&assert);
    assert!(!err.contains(&refresh) && !err.contains(&access), "{err}");
}

// --- The verdict comes before the store -------------------------------------------------------

/// A Redis URL nothing listens on: connecting fails at once.
fn unreachable_store() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("redis://127.0.0.1:{port}/0")
}

#[test]
fn an_expired_or_forged_token_is_judged_without_the_store() {
    let sandbox = Sandbox::new();
    let store = unreachable_store();
    let token = issue_access(&sandbox, &["--sub", "a"]);
    let check = |args: &[&str]| {
        sandbox
            .cmd()
            .args(["verify", "--check-revocation", "--store", &store])
            .args(args)
            .assert()
    };
    fails(check(&["--now", "4102444800", &token]), 3, "expired");
    let last = if token.ends_with('A') { "B" } else { "A" };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    fails(check(&[&forged]), 1, "token rejected");
    // A token that would be accepted does need the store.
    fails(check(&[&token]), 4, "store");
    // In a batch too: rejected lines are answered, the store is never reached.
    let assert = sandbox
        .cmd()
        .args(["verify", "--batch", "--check-revocation", "--store", &store])
        .write_stdin(format!("{forged}\nnot-a-token\n"))
        .assert()
        .code(1);
    let lines: Vec<Value> = stdout(&assert)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|line| line["valid"] == false));
}

// --- Keys that cannot be used are key errors -------------------------------------------------

#[test]
fn an_rsa_public_key_over_8192_bits_is_a_key_error() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let assert = sandbox
        .cmd()
        .arg("verify")
        .arg("--key-file")
        .arg(fixture("keys/rsa8256.pub.pem"))
        .arg(&token)
        .assert();
    fails(
        assert,
        2,
        "rsa8256.pub.pem is an RSA 8256-bit key; at most 8192",
    );
}

#[test]
fn an_ec_point_off_its_curve_in_a_jwks_is_a_key_error() {
    let sandbox = Sandbox::new();
    let jwks = stdout(
        &sandbox
            .cmd()
            .arg("jwks")
            .arg(fixture("keys/ec256.pub.pem"))
            .assert()
            .success(),
    );
    let mut document: Value = serde_json::from_str(&jwks).expect("a JWKS");
    let y = document["keys"][0]["y"].as_str().expect("y").to_owned();
    // Another y for the same x: not on the curve.
    let other = if y.starts_with('A') { "B" } else { "A" };
    document["keys"][0]["y"] = Value::from(format!("{other}{}", &y[1..]));
    sandbox.write("jwks.json", document.to_string());
    let token = issue_access(&sandbox, &[]);
    let assert = sandbox
        .cmd()
        .args(["verify", "--jwks", "jwks.json", &token])
        .assert();
    fails(assert, 2, "not on the P-256 curve");
}

#[test]
fn a_private_key_file_is_read_once_by_refresh() {
    let sandbox = Sandbox::new();
    let key = sandbox.path("ec.pem");
    fs::copy(fixture("keys/ec256.pem"), &key).expect("copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "a", "--key-file", "ec.pem"])
        .assert()
        .success();
    let refresh = stdout(&assert)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let assert = sandbox
        .cmd()
        .args(["refresh", "--key-file", "ec.pem", &refresh])
        .assert()
        .success();
    // The key-file warning is printed each time the key is read: once.
    #[cfg(unix)]
    assert_eq!(
        stderr(&assert).matches("readable by others").count(),
        1,
        "{}",
        stderr(&assert)
    );
}

// --- Exit statuses -----------------------------------------------------------------------------

#[test]
fn a_file_name_given_as_the_token_is_a_usage_error() {
    let sandbox = Sandbox::new();
    sandbox.write("token.txt", "x");
    for command in ["verify", "decode", "refresh"] {
        fails(
            sandbox.cmd().args([command, "token.txt"]).assert(),
            2,
            "is a file name, not a token",
        );
    }
}
