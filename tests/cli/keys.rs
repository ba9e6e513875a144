//! `jwtctl gen-key` and `jwtctl jwks`: key pairs on disk, and the document that publishes them.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use crate::support::{Sandbox, fails, stdout};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

fn gen_key_json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let assert = sandbox
        .cmd()
        .args(["gen-key", "--json"])
        .args(args)
        .assert()
        .success()
        .stderr("");
    serde_json::from_str(&stdout(&assert)).expect("gen-key --json prints JSON")
}

#[test]
fn every_algorithm_gets_a_pair_that_signs_and_verifies() {
    let sandbox = Sandbox::new();
    for alg in ["RS256", "PS384", "ES256", "ES384", "EdDSA"] {
        let private = format!("{alg}.pem");
        let report = gen_key_json(&sandbox, &["--alg", alg, "--out", &private]);
        let public = sandbox.path(&format!("{alg}.pub.pem"));
        assert_eq!(report["alg"], alg);
        assert_eq!(report["public_key"], format!("{alg}.pub.pem"), "{report}");
        assert_eq!(mode(&sandbox.path(&private)), 0o600, "{alg} private key");
        assert_eq!(mode(&public), 0o644, "{alg} public key");
        let private_text = std::fs::read_to_string(sandbox.path(&private)).expect("read");
        assert!(private_text.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let public_text = std::fs::read_to_string(&public).expect("read");
        assert!(public_text.starts_with("-----BEGIN PUBLIC KEY-----\n"));

        // The token carries the key's thumbprint as kid, and verifies with the public half.
        let token = stdout(
            &sandbox
                .cmd()
                .args(["issue", "--sub", "alice", "--no-refresh", "--alg", alg])
                .args(["--key-file", &private])
                .assert()
                .success(),
        );
        let token = token.trim();
        let decoded = stdout(
            &sandbox
                .cmd()
                .args(["decode", "--json", token])
                .assert()
                .success(),
        );
        let decoded: Value = serde_json::from_str(&decoded).expect("JSON");
        assert_eq!(decoded["header"]["kid"], report["kid"], "{alg}");
        sandbox
            .cmd()
            .args(["verify", "--alg", alg, "--key-file"])
            .arg(&public)
            .arg(token)
            .assert()
            .success();
    }
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let sandbox = Sandbox::new();
    let first = gen_key_json(&sandbox, &["--alg", "ES256", "--out", "ec.pem"]);
    let before = std::fs::read(sandbox.path("ec.pem")).expect("read");
    for args in [
        vec!["--out", "ec.pem"],
        vec!["--out", "other.pem", "--public-out", "ec.pub.pem"],
    ] {
        fails(
            sandbox
                .cmd()
                .args(["gen-key", "--alg", "ES256"])
                .args(&args)
                .assert(),
            2,
            "exists",
        );
    }
    assert_eq!(std::fs::read(sandbox.path("ec.pem")).expect("read"), before);
    // A refused public key leaves no private key behind.
    assert!(!sandbox.path("other.pem").exists());
    // An existing private key alone is refused before a new public key is written beside it.
    std::fs::remove_file(sandbox.path("ec.pub.pem")).expect("remove");
    fails(
        sandbox
            .cmd()
            .args(["gen-key", "--alg", "ES256", "--out", "ec.pem"])
            .assert(),
        2,
        "ec.pem already exists",
    );
    assert!(!sandbox.path("ec.pub.pem").exists());
    assert_eq!(std::fs::read(sandbox.path("ec.pem")).expect("read"), before);

    let second = gen_key_json(&sandbox, &["--alg", "ES256", "--out", "ec.pem", "--force"]);
    assert_ne!(first["kid"], second["kid"], "a new key");
    assert_eq!(mode(&sandbox.path("ec.pem")), 0o600);
}

#[test]
fn bad_requests_are_usage_errors() {
    let sandbox = Sandbox::new();
    for (args, needle) in [
        (
            vec!["--alg", "ES256", "--out", "k.pem", "--public-out", "k.pem"],
            "name the same file",
        ),
        (
            vec!["--alg", "RS256", "--out", "k.pem", "--bits", "1024"],
            "2048, 3072 or 4096",
        ),
        (vec!["--alg", "HS256", "--out", "k.pem"], "HS256"),
        (vec!["--alg", "none", "--out", "k.pem"], "none"),
        (vec!["--alg", "ES256"], "--out"),
    ] {
        fails(sandbox.cmd().arg("gen-key").args(&args).assert(), 2, needle);
        assert!(!sandbox.path("k.pem").exists(), "{args:?}");
    }
}

#[test]
fn jwks_publishes_public_halves_with_thumbprint_kids() {
    let sandbox = Sandbox::new();
    let ec = gen_key_json(&sandbox, &["--alg", "ES256", "--out", "ec.pem"]);
    let rsa = gen_key_json(&sandbox, &["--alg", "RS256", "--out", "rsa.pem"]);
    // From public keys, or from a private one: only the public half is printed.
    let assert = sandbox
        .cmd()
        .args(["jwks", "ec.pub.pem", "rsa.pem", "--alg", "PS256"])
        .assert();
    fails(assert, 2, "PS256 cannot be used with ec.pub.pem");
    let assert = sandbox
        .cmd()
        .args(["jwks", "ec.pem", "rsa.pub.pem"])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    let keys = document["keys"].as_array().expect("a keys array");
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], ec["kid"]);
    assert_eq!(keys[0]["kty"], "EC");
    assert_eq!(keys[0]["alg"], "ES256");
    assert_eq!(keys[1]["kid"], rsa["kid"]);
    assert_eq!(keys[1]["kty"], "RSA");
    for key in keys {
        for private_member in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(private_member).is_none(), "{key}");
        }
    }

    // A token signed with either key verifies against the document, chosen by kid.
    sandbox.write("jwks.json", stdout(&assert));
    for private in ["ec.pem", "rsa.pem"] {
        let issued = sandbox
            .cmd()
            .args(["issue", "--sub", "a", "--no-refresh", "--key-file", private])
            .assert()
            .success();
        let token = stdout(&issued);
        sandbox
            .cmd()
            .args(["verify", "--jwks", "jwks.json", token.trim()])
            .assert()
            .success();
    }
}
