//! `jwtctl gen-secret`.

use std::os::unix::fs::PermissionsExt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

use crate::forge;
use crate::support::{Sandbox, clean, fails, stderr, stdout};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn default_is_64_hex_characters_and_nothing_else() {
    let assert = clean().arg("gen-secret").assert().success();
    let out = stdout(&assert);
    let secret = out.strip_suffix('\n').expect("newline-terminated");
    assert_eq!(secret.len(), 64, "{out:?}");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(hex::decode(secret).expect("hex").len(), 32);
    assert_eq!(stderr(&assert), "");
}

#[test]
fn every_secret_is_new() {
    let first = stdout(&clean().arg("gen-secret").assert().success());
    let second = stdout(&clean().arg("gen-secret").assert().success());
    assert_ne!(first, second);
}

#[test]
fn bytes_and_encodings_decode_to_the_right_length() {
    let cases: [(&str, &str, usize); 5] = [
        ("32", "hex", 32),
        ("48", "hex", 48),
        ("64", "base64", 64),
        ("33", "base64url", 33),
        ("1000", "base64url", 1000),
    ];
    for (bytes, encoding, expected) in cases {
        let assert = clean()
            .args(["gen-secret", "--bytes", bytes, "--encoding", encoding])
            .assert()
            .success();
        let out = stdout(&assert);
        let text = out.strip_suffix('\n').expect("newline-terminated");
        let decoded = match encoding {
            "hex" => hex::decode(text).expect("hex"),
            "base64" => STANDARD.decode(text).expect("padded base64"),
            _ => {
                assert!(!text.contains(['=', '+', '/']), "{text}");
                URL_SAFE_NO_PAD.decode(text).expect("base64url")
            }
        };
        assert_eq!(
            decoded.len(),
            expected,
            "--bytes {bytes} --encoding {encoding}"
        );
    }
}

#[test]
fn fewer_than_32_bytes_are_refused() {
    for bytes in ["31", "16", "1"] {
        fails(
            clean().args(["gen-secret", "--bytes", bytes]).assert(),
            2,
            "--allow-weak-secret",
        );
    }
}

#[test]
fn a_weak_secret_is_allowed_on_request_with_a_warning() {
    let assert = clean()
        .args(["gen-secret", "--bytes", "16", "--allow-weak-secret"])
        .assert()
        .success();
    assert_eq!(stdout(&assert).trim_end().len(), 32);
    let err = stderr(&assert);
    assert!(err.starts_with("warning:"), "{err}");
    assert!(err.contains("16-byte"), "{err}");
}

#[test]
fn zero_and_absurd_sizes_are_refused() {
    for bytes in ["0", "1048577"] {
        fails(
            clean()
                .args(["gen-secret", "--allow-weak-secret", "--bytes", bytes])
                .assert(),
            2,
            "--bytes must be between 1 and 1048576",
        );
    }
    fails(
        clean().args(["gen-secret", "--bytes", "-3"]).assert(),
        2,
        "error:",
    );
    fails(
        clean()
            .args(["gen-secret", "--encoding", "base32"])
            .assert(),
        2,
        "base32",
    );
}

#[test]
fn out_creates_a_private_file_and_prints_nothing() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("secret.txt");
    let assert = clean()
        .args(["gen-secret", "--out"])
        .arg(&path)
        .assert()
        .success();
    assert_eq!(stdout(&assert), "");
    assert_eq!(stderr(&assert), "");
    assert_eq!(mode(&path), 0o600);
    let content = std::fs::read_to_string(&path).expect("read");
    assert_eq!(content.len(), 65, "{content:?}");
    assert!(content.ends_with('\n'));
}

#[test]
fn out_refuses_to_overwrite_without_force() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("secret.txt", "keep me\n");
    fails(
        clean().args(["gen-secret", "--out"]).arg(&path).assert(),
        2,
        "already exists; pass --force",
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "keep me\n");
}

#[test]
fn force_replaces_the_file_and_narrows_its_mode() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("secret.txt", "old\n");
    forge::set_mode(&path, 0o644);
    clean()
        .args(["gen-secret", "--force", "--out"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let content = std::fs::read_to_string(&path).expect("read");
    assert_eq!(content.trim_end().len(), 64);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn force_needs_out() {
    fails(clean().args(["gen-secret", "--force"]).assert(), 2, "--out");
}

#[test]
fn out_into_a_missing_directory_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("no/such/dir/secret.txt");
    fails(
        clean().args(["gen-secret", "--out"]).arg(&path).assert(),
        2,
        "cannot write",
    );
}

#[test]
fn json_holds_the_secret_and_its_description() {
    let assert = clean()
        .args([
            "gen-secret",
            "--json",
            "--bytes",
            "48",
            "--encoding",
            "base64url",
        ])
        .assert()
        .success();
    let out = stdout(&assert);
    assert_eq!(out.lines().count(), 1, "{out}");
    let report: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["bytes"], 48);
    assert_eq!(report["encoding"], "base64url");
    let secret = report["secret"].as_str().expect("a string");
    assert_eq!(URL_SAFE_NO_PAD.decode(secret).expect("base64url").len(), 48);
}

#[test]
fn json_with_out_never_prints_the_secret() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("secret.txt");
    let assert = clean()
        .args(["gen-secret", "--json", "--out"])
        .arg(&path)
        .assert()
        .success();
    let report: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(report["path"], path.display().to_string());
    assert_eq!(report["bytes"], 32);
    assert_eq!(report["encoding"], "hex");
    assert!(report.get("secret").is_none(), "{report}");
    let secret = std::fs::read_to_string(&path).expect("read");
    assert!(!stdout(&assert).contains(secret.trim_end()));
}

#[test]
fn a_generated_secret_signs_and_verifies() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("secret.hex");
    clean()
        .args(["gen-secret", "--out"])
        .arg(&path)
        .assert()
        .success();
    let issued = clean()
        .args([
            "issue",
            "--no-refresh",
            "--sub",
            "alice",
            "--secret-encoding",
            "hex",
            "--secret-file",
        ])
        .arg(&path)
        .assert()
        .success();
    let token = stdout(&issued).trim_end().to_owned();
    clean()
        .args([
            "verify",
            "--quiet",
            "--secret-encoding",
            "hex",
            "--secret-file",
        ])
        .arg(&path)
        .arg(&token)
        .assert()
        .success()
        .stdout("");
    // The same file read as raw text is another key.
    fails(
        clean()
            .args(["verify", "--secret-file"])
            .arg(&path)
            .arg(&token)
            .assert(),
        1,
        "signature does not match",
    );
}

#[test]
fn a_failed_write_to_stdout_exits_4() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("jwtctl"))
        .arg("gen-secret")
        .stdout(full)
        .output()
        .expect("run jwtctl");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{err}");
    assert!(
        err.starts_with("error: cannot write to standard output"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("jwtctl"))
        .args(["gen-secret", "--bytes", "1000000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run jwtctl");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
