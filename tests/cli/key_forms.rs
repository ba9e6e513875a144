//! Every key form and the new algorithms through the binary: JWK and JWKS key files, encrypted
//! PEM, `convert`, `gen-key --format`, `gen-secret --encoding jwk`, ES512 and ES256K.

use serde_json::{Value, json};

use crate::forge::{self, b64u, key, parts, set_mode};
use crate::support::{Sandbox, fails, stderr, stdout};

fn json_out(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_str(&stdout(assert)).expect("JSON on stdout")
}

/// `convert KEY --to jwk [--public]` printed to stdout (not a terminal in tests).
fn to_jwk(sandbox: &Sandbox, file: &str, public: bool) -> Value {
    let mut cmd = sandbox.cmd();
    cmd.args(["convert", file, "--to", "jwk"]);
    if public {
        cmd.arg("--public");
    }
    json_out(&cmd.assert().success())
}

fn issue_with(sandbox: &Sandbox, args: &[&str]) -> String {
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--sub", "alice"])
        .args(args)
        .assert()
        .success();
    stdout(&assert).trim_end().to_owned()
}

fn verify_ok(sandbox: &Sandbox, token: &str, args: &[&str]) -> Value {
    let assert = sandbox
        .cmd()
        .args(["verify", "--json", token])
        .args(args)
        .assert()
        .success();
    json_out(&assert)
}

#[test]
fn es512_and_es256k_sign_verify_and_reject_tampering() {
    let sandbox = Sandbox::new();
    for (private, public, alg, signature_len) in [
        ("ec521.pem", "ec521.pub.pem", "ES512", 132),
        ("ec521.sec1.pem", "ec521.pub.pem", "ES512", 132),
        ("secp256k1.pem", "secp256k1.pub.pem", "ES256K", 64),
    ] {
        key(&sandbox, private);
        key(&sandbox, public);
        // The algorithm follows from the key when --alg is not given.
        let token = issue_with(&sandbox, &["--key-file", private]);
        let (header, _) = parts(&token);
        assert_eq!(header["alg"], alg, "{private}");
        let signature = token.rsplit('.').next().unwrap();
        assert_eq!(
            forge::b64u_decode(signature).len(),
            signature_len,
            "{private}"
        );
        let result = verify_ok(&sandbox, &token, &["--key-file", public, "--alg", alg]);
        assert_eq!(result["claims"]["sub"], "alice");
        // A changed payload, a changed signature, r = s = 0 (CVE-2022-21449), and the token under
        // another curve's algorithm: all rejected, 1.
        let (_, claims) = parts(&token);
        let mut changed = claims.clone();
        changed["sub"] = json!("mallory");
        let segments: Vec<&str> = token.split('.').collect();
        let forged_payload = format!(
            "{}.{}.{}",
            segments[0],
            b64u(changed.to_string()),
            segments[2]
        );
        let zeros = format!(
            "{}.{}.{}",
            segments[0],
            segments[1],
            b64u(vec![0u8; signature_len])
        );
        let flipped = format!(
            "{}.{}.{}",
            segments[0],
            segments[1],
            forge::flip_char(segments[2], 10)
        );
        for bad in [&forged_payload, &zeros, &flipped] {
            fails(
                sandbox
                    .cmd()
                    .args(["verify", bad, "--key-file", public, "--alg", alg])
                    .assert(),
                1,
                "signature",
            );
        }
        let other = if alg == "ES512" { "ES256" } else { "ES512" };
        let assert = sandbox
            .cmd()
            .args(["verify", &token, "--key-file", public, "--alg", other])
            .assert();
        let code = assert.get_output().status.code();
        assert!(matches!(code, Some(1) | Some(2)), "{private}: {code:?}");
    }
}

#[test]
fn es512_and_es256k_public_key_bytes_as_an_hmac_secret_are_refused() {
    // Key confusion (SECURITY.md case 11) for the new curves: the public key file's bytes used
    // as an HS256 secret. The verifier's algorithm comes from the key and --alg, never the token.
    let sandbox = Sandbox::new();
    for public in ["ec521.pub.pem", "secp256k1.pub.pem"] {
        let path = key(&sandbox, public);
        let pem = std::fs::read(&path).unwrap();
        let token = forge::hmac_raw(
            &json!({"alg": "HS256", "typ": "at+jwt"}).to_string(),
            &forge::claims().to_string(),
            &pem,
            jsonwebtoken::Algorithm::HS256,
        );
        let assert = sandbox
            .cmd()
            .args(["verify", &token, "--key-file", public])
            .assert();
        assert_eq!(assert.get_output().status.code(), Some(1), "{public}");
    }
}

#[test]
fn a_jwk_file_signs_and_verifies() {
    let sandbox = Sandbox::new();
    for (pem, alg) in [
        ("ec521.pem", "ES512"),
        ("secp256k1.pem", "ES256K"),
        ("rsa.pem", "RS256"),
        ("ed25519.pem", "EdDSA"),
        ("ec256.pem", "ES256"),
    ] {
        key(&sandbox, pem);
        let private = to_jwk(&sandbox, pem, false);
        let public = to_jwk(&sandbox, pem, true);
        assert!(private.get("d").is_some(), "{pem}");
        assert!(public.get("d").is_none(), "{pem}");
        let private_file = sandbox.write(&format!("{pem}.jwk"), private.to_string());
        set_mode(&private_file, 0o600);
        sandbox.write(&format!("{pem}.pub.jwk"), public.to_string());
        let token = issue_with(
            &sandbox,
            &["--key-file", &format!("{pem}.jwk"), "--alg", alg],
        );
        let (header, _) = parts(&token);
        assert_eq!(header["alg"], alg);
        // The kid is the key's thumbprint, as in the JWK convert writes.
        assert_eq!(header["kid"], public["kid"], "{pem}");
        verify_ok(
            &sandbox,
            &token,
            &["--key-file", &format!("{pem}.pub.jwk"), "--alg", alg],
        );
    }
}

#[test]
fn a_jwks_file_needs_kid_only_when_it_holds_several_keys() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec521.pem");
    key(&sandbox, "ec256.pem");
    let a = to_jwk(&sandbox, "ec521.pem", true);
    let b = to_jwk(&sandbox, "ec256.pem", true);
    sandbox.write("one.json", json!({"keys": [a]}).to_string());
    sandbox.write("two.json", json!({"keys": [a, b]}).to_string());
    let token = issue_with(&sandbox, &["--key-file", "ec521.pem"]);
    verify_ok(&sandbox, &token, &["--key-file", "one.json"]);
    let kid = a["kid"].as_str().unwrap();
    verify_ok(&sandbox, &token, &["--key-file", "two.json", "--kid", kid]);
    fails(
        sandbox
            .cmd()
            .args(["verify", &token, "--key-file", "two.json"])
            .assert(),
        2,
        "holds 2 keys; choose one with --kid",
    );
    fails(
        sandbox
            .cmd()
            .args(["verify", &token, "--key-file", "two.json", "--kid", "nope"])
            .assert(),
        2,
        "has no key with kid \"nope\"",
    );
}

#[test]
fn jwk_edge_cases_are_clear_usage_errors() {
    let sandbox = Sandbox::new();
    key(&sandbox, "rsa.pem");
    let rsa = to_jwk(&sandbox, "rsa.pem", false);
    let mut partial = rsa.clone();
    partial.as_object_mut().unwrap().remove("dq");
    let mut multi = rsa.clone();
    multi["oth"] = json!([]);
    let mut no_crt = rsa.clone();
    for name in ["p", "q", "dp", "dq", "qi"] {
        no_crt.as_object_mut().unwrap().remove(name);
    }
    let mut verify_only = rsa.clone();
    verify_only["key_ops"] = json!(["verify"]);
    key(&sandbox, "ec521.pem");
    let mut off_curve = to_jwk(&sandbox, "ec521.pem", true);
    off_curve["y"] = off_curve["x"].clone();
    let mut e_one = to_jwk(&sandbox, "rsa.pem", true);
    e_one["e"] = json!("AQ");
    for (name, value) in [
        ("partial.jwk", &partial),
        ("multi.jwk", &multi),
        ("no-crt.jwk", &no_crt),
        ("verify-only.jwk", &verify_only),
        ("off-curve.jwk", &off_curve),
        ("e-one.jwk", &e_one),
    ] {
        let path = sandbox.write(name, value.to_string());
        set_mode(&path, 0o600);
    }
    // Missing CRT members are recovered: the key still signs.
    issue_with(&sandbox, &["--key-file", "no-crt.jwk"]);
    for (file, needle) in [
        ("partial.jwk", "all or none"),
        ("multi.jwk", "multi-prime"),
        ("verify-only.jwk", "do not allow signing"),
    ] {
        let assert = fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--sub", "a", "--key-file", file])
                .assert(),
            2,
            needle,
        );
        let err = stderr(&assert);
        assert!(!err.contains(rsa["d"].as_str().unwrap()), "{err}");
    }
    let token = issue_with(&sandbox, &["--key-file", "rsa.pem"]);
    for (file, needle) in [
        ("off-curve.jwk", "not on the P-521 curve"),
        ("e-one.jwk", "not an odd number above 1"),
    ] {
        fails(
            sandbox
                .cmd()
                .args(["verify", &token, "--key-file", file])
                .assert(),
            2,
            needle,
        );
    }
}

#[test]
fn encrypted_pem_opens_with_a_password_from_a_file_or_the_environment() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.encrypted.pem");
    key(&sandbox, "ec256.pub.pem");
    key(&sandbox, "ec256.legacy.pem");
    let password = sandbox.write("password.txt", "test\n");
    set_mode(&password, 0o600);
    let wrong = sandbox.write("wrong.txt", "hunter2\n");
    set_mode(&wrong, 0o600);
    let token = issue_with(
        &sandbox,
        &[
            "--key-file",
            "ec256.encrypted.pem",
            "--key-password-file",
            "password.txt",
        ],
    );
    verify_ok(&sandbox, &token, &["--key-file", "ec256.pub.pem"]);
    let token = stdout(
        &sandbox
            .cmd()
            .env("KEY_PASSWORD", "test")
            .args(["issue", "--no-refresh", "--sub", "a"])
            .args(["--key-file", "ec256.encrypted.pem"])
            .args(["--key-password-env", "KEY_PASSWORD"])
            .assert()
            .success(),
    );
    verify_ok(&sandbox, token.trim(), &["--key-file", "ec256.pub.pem"]);
    let assert = fails(
        sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--sub", "a"])
            .args(["--key-file", "ec256.encrypted.pem"])
            .args(["--key-password-file", "wrong.txt"])
            .assert(),
        2,
        "wrong password",
    );
    let err = stderr(&assert);
    assert!(!err.contains("hunter2"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    fails(
        sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--sub", "a"])
            .args(["--key-file", "ec256.encrypted.pem"])
            .assert(),
        2,
        "--key-password-file or --key-password-env",
    );
    fails(
        sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--sub", "a"])
            .args(["--key-file", "ec256.legacy.pem"])
            .args(["--key-password-file", "password.txt"])
            .assert(),
        2,
        "openssl pkcs8 -topk8 -v2 aes-256-cbc -in ec256.legacy.pem",
    );
    // A password on the command line is not an option.
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--sub", "a"])
        .args([
            "--key-file",
            "ec256.encrypted.pem",
            "--key-password",
            "test",
        ])
        .assert();
    assert_eq!(assert.get_output().status.code(), Some(2));
}

#[test]
fn convert_round_trips_and_guards_private_keys() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec521.pem");
    let assert = sandbox
        .cmd()
        .args(["convert", "ec521.pem", "--to", "jwk", "--out", "ec521.jwk"])
        .assert()
        .success();
    assert!(stdout(&assert).is_empty());
    let metadata = std::fs::metadata(sandbox.path("ec521.jwk")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
    fails(
        sandbox
            .cmd()
            .args(["convert", "ec521.pem", "--to", "jwk", "--out", "ec521.jwk"])
            .assert(),
        2,
        "already exists; pass --force",
    );
    sandbox
        .cmd()
        .args(["convert", "ec521.pem", "--to", "jwk", "--out", "ec521.jwk"])
        .arg("--force")
        .assert()
        .success();
    // Back to PEM, then the public half: the same thumbprint all the way.
    let pem = stdout(
        &sandbox
            .cmd()
            .args(["convert", "ec521.jwk", "--to", "pem"])
            .assert()
            .success(),
    );
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"), "{pem}");
    let public_pem = stdout(
        &sandbox
            .cmd()
            .args(["convert", "ec521.jwk", "--to", "pem", "--public"])
            .assert()
            .success(),
    );
    assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    sandbox.write("back.pub.pem", &public_pem);
    let via_pem = to_jwk(&sandbox, "back.pub.pem", true);
    let direct = to_jwk(&sandbox, "ec521.pem", true);
    assert_eq!(via_pem, direct);
    assert_eq!(direct["crv"], "P-521");
    assert_eq!(direct["alg"], "ES512");
    // The kid is what `jwtctl jwks` publishes for the same key.
    let jwks = json_out(
        &sandbox
            .cmd()
            .args(["jwks", "back.pub.pem"])
            .assert()
            .success(),
    );
    assert_eq!(jwks["keys"][0]["kid"], direct["kid"]);
}

#[test]
fn gen_key_writes_jwk_and_gen_secret_prints_an_oct_jwk() {
    let sandbox = Sandbox::new();
    for alg in ["ES512", "ES256K"] {
        let out = format!("{alg}.jwk");
        sandbox
            .cmd()
            .args(["gen-key", "--alg", alg, "--format", "jwk", "--out", &out])
            .assert()
            .success();
        let private: Value =
            serde_json::from_slice(&std::fs::read(sandbox.path(&out)).unwrap()).unwrap();
        assert!(private.get("d").is_some());
        assert_eq!(private["alg"], alg);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sandbox.path(&out))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let public: Value = serde_json::from_slice(
            &std::fs::read(sandbox.path(&format!("{alg}.pub.jwk"))).unwrap(),
        )
        .unwrap();
        assert!(public.get("d").is_none());
        assert_eq!(public["kid"], private["kid"]);
        let token = issue_with(&sandbox, &["--key-file", &out]);
        verify_ok(&sandbox, &token, &["--key-file", &format!("{alg}.pub.jwk")]);
    }
    let assert = sandbox
        .cmd()
        .args(["gen-secret", "--encoding", "jwk"])
        .assert()
        .success();
    let oct = json_out(&assert);
    assert_eq!(oct["kty"], "oct");
    assert_eq!(forge::b64u_decode(oct["k"].as_str().unwrap()).len(), 32);
    assert!(oct["kid"].is_string());
}

/// `script` (util-linux, in every Debian base system) gives the command a terminal as stdout.
#[test]
fn convert_never_prints_a_private_key_to_a_terminal_unless_forced() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.pem");
    let bin = assert_cmd::cargo::cargo_bin("jwtctl");
    let run = |extra: &str| {
        std::process::Command::new("script")
            .args(["-qec"])
            .arg(format!(
                "{} convert ec256.pem --to jwk {extra}; echo \"status=$?\"",
                bin.display()
            ))
            .arg("/dev/null")
            .current_dir(sandbox.dir.path())
            .env("TERM", "dumb")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script (util-linux) runs the command on a terminal")
    };
    let refused = run("");
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(text.contains("refusing to print the private key"), "{text}");
    assert!(text.contains("status=2"), "{text}");
    assert!(!text.contains("\"d\""), "{text}");
    let public = String::from_utf8_lossy(&run("--public").stdout).into_owned();
    assert!(
        public.contains("status=0") && public.contains("\"kty\""),
        "{public}"
    );
    let forced = String::from_utf8_lossy(&run("--force").stdout).into_owned();
    assert!(
        forced.contains("status=0") && forced.contains("\"d\""),
        "{forced}"
    );
}

#[test]
fn a_shared_private_jwk_draws_a_warning_and_stdin_has_one_owner() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec521.pem");
    let private = to_jwk(&sandbox, "ec521.pem", false);
    let path = sandbox.write("shared.jwk", private.to_string());
    set_mode(&path, 0o644);
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--no-refresh",
            "--sub",
            "a",
            "--key-file",
            "shared.jwk",
        ])
        .assert()
        .success();
    let err = stderr(&assert);
    assert!(
        err.contains("shared.jwk has mode 0644: readable by others"),
        "{err}"
    );
    assert!(!err.contains(private["d"].as_str().unwrap()), "{err}");
    // The password and the token cannot both come from standard input.
    key(&sandbox, "ec256.encrypted.pem");
    key(&sandbox, "ec256.pub.pem");
    let token = issue_with(&sandbox, &["--key-file", "ec521.pem"]);
    let assert = sandbox
        .cmd()
        .args(["verify", "--key-file", "ec256.encrypted.pem"])
        .args(["--key-password-file", "-"])
        .write_stdin(format!("{token}\n"))
        .assert();
    fails(
        assert,
        2,
        "standard input cannot carry both the token and a secret",
    );
    // From standard input alone, the password opens the key.
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--sub", "a"])
        .args([
            "--key-file",
            "ec256.encrypted.pem",
            "--key-password-file",
            "-",
        ])
        .write_stdin("test\n")
        .assert()
        .success();
    verify_ok(
        &sandbox,
        stdout(&assert).trim(),
        &["--key-file", "ec256.pub.pem"],
    );
}

#[test]
fn a_password_typed_where_a_variable_name_belongs_is_not_echoed() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.encrypted.pem");
    for args in [
        &["convert", "ec256.encrypted.pem", "--to", "jwk"][..],
        &[
            "issue",
            "--no-refresh",
            "--sub",
            "a",
            "--key-file",
            "ec256.encrypted.pem",
        ][..],
    ] {
        let assert = fails(
            sandbox
                .cmd()
                .args(args)
                .args(["--key-password-env", "s3cret pass!"])
                .assert(),
            2,
            "--key-password-env takes the NAME of an environment variable",
        );
        assert!(!stderr(&assert).contains("s3cret"), "{}", stderr(&assert));
    }
}
