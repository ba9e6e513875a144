//! `encrypt`, `decrypt` and nested tokens (`--encrypt-to`, `--decrypt-key`) through the binary:
//! stdout, stderr and exit status of each, and the refusals of SECURITY.md case 49.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use predicates::prelude::*;
use serde_json::Value;

use crate::support::{Sandbox, fails, fixture, stderr, stdout};

/// A key fixture copied into the sandbox with mode 0600, as a private key should be.
fn key(sandbox: &Sandbox, name: &str) -> String {
    let bytes = std::fs::read(fixture(&format!("jwe/{name}"))).unwrap();
    private_file(sandbox, name, bytes)
}

fn private_file(sandbox: &Sandbox, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = sandbox.write(name, contents);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.to_string_lossy().into_owned()
}

fn encrypt(sandbox: &Sandbox, recipient: &str, plaintext: &[u8], extra: &[&str]) -> String {
    let assert = sandbox
        .cmd()
        .args(["encrypt", "--key-file", recipient])
        .args(extra)
        .write_stdin(plaintext.to_vec())
        .assert()
        .success()
        .stderr("");
    let out = stdout(&assert);
    assert!(
        out.ends_with('\n') && out.matches('.').count() == 4,
        "{out:?}"
    );
    out.trim_end().to_owned()
}

fn vector(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture("jwe/vectors.json")).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    vectors[name].clone()
}

#[test]
fn every_key_family_round_trips_byte_for_byte() {
    let sandbox = Sandbox::new();
    let plaintext: Vec<u8> = (0u8..=255).chain(*b"no newline at the end").collect();
    let cases = [
        ("rsa.pub.jwk", "rsa.jwk", vec![]),
        (
            "rsa.pub.jwk",
            "rsa.jwk",
            vec!["--alg", "RSA-OAEP", "--enc", "A128CBC-HS256"],
        ),
        ("p256.pub.jwk", "p256.jwk", vec![]),
        (
            "p256.pub.jwk",
            "p256.jwk",
            vec!["--alg", "ECDH-ES", "--enc", "A192GCM"],
        ),
        ("a128kw.jwk", "a128kw.jwk", vec![]),
        (
            "a128kw.jwk",
            "a128kw.jwk",
            vec!["--alg", "A128GCMKW", "--enc", "A256CBC-HS512"],
        ),
    ];
    for (recipient, private, extra) in cases {
        let recipient = key(&sandbox, recipient);
        let private = key(&sandbox, private);
        let jwe = encrypt(&sandbox, &recipient, &plaintext, &extra);
        let mut decrypt = sandbox.cmd();
        decrypt.args(["decrypt", "--key-file", &private]);
        if let [_, alg, _, enc] = extra[..] {
            decrypt.args(["--alg", alg, "--enc", enc]);
        }
        let assert = decrypt.write_stdin(jwe).assert().success().stderr("");
        assert_eq!(assert.get_output().stdout, plaintext, "{extra:?}");
    }
}

#[test]
fn a_pem_key_works_as_well_as_a_jwk() {
    let sandbox = Sandbox::new();
    // The RSA key of the keys fixtures, in PKCS#8 and SPKI PEM.
    let private = key_from(&sandbox, "keys/rsa.pem");
    let public = fixture("keys/rsa.pub.pem");
    let jwe = encrypt(&sandbox, &public.to_string_lossy(), b"pem", &[]);
    sandbox
        .cmd()
        .args(["decrypt", "--key-file", &private, &jwe])
        .assert()
        .success()
        .stdout("pem");
}

fn key_from(sandbox: &Sandbox, relative: &str) -> String {
    private_file(
        sandbox,
        "copied.pem",
        std::fs::read(fixture(relative)).unwrap(),
    )
}

#[test]
fn every_decryption_failure_is_one_line_exit_1_and_nothing_on_stdout() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "a128kw.jwk");
    let jwe = encrypt(&sandbox, &recipient, b"secret plaintext", &[]);
    let parts: Vec<&str> = jwe.split('.').collect();
    let other = private_file(
        &sandbox,
        "other.jwk",
        r#"{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA"}"#,
    );
    let mut candidates = vec![(other, jwe.clone())];
    for index in 1..5 {
        let mut bytes = URL_SAFE_NO_PAD.decode(parts[index]).unwrap();
        bytes[0] ^= 1;
        let mut changed: Vec<String> = parts.iter().map(|part| (*part).to_owned()).collect();
        changed[index] = URL_SAFE_NO_PAD.encode(&bytes);
        candidates.push((recipient.clone(), changed.join(".")));
    }
    for (private, token) in candidates {
        let assert = sandbox
            .cmd()
            .args(["decrypt", "--key-file", &private])
            .write_stdin(token.clone())
            .assert()
            .code(1)
            .stdout("");
        assert_eq!(
            stderr(&assert),
            "error: token rejected: decryption failed\n"
        );
        assert!(!stderr(&assert).contains(&token));
    }
}

#[test]
fn rsa1_5_zip_crit_and_a_pbes2_count_over_the_bound_are_refused() {
    let sandbox = Sandbox::new();
    let a2 = vector("rfc7516_A2");
    let rsa = sandbox.write("a2.jwk", a2["key"].to_string());
    let assert = sandbox
        .cmd()
        .args([
            "decrypt",
            "--key-file",
            &rsa.to_string_lossy(),
            "--alg",
            "RSA-OAEP",
        ])
        .arg(a2["compact"].as_str().unwrap())
        .assert()
        .code(1)
        .stdout("");
    assert!(
        stderr(&assert).contains("RSA1_5 is refused"),
        "{}",
        stderr(&assert)
    );
    // RSA1_5 cannot even be named.
    sandbox
        .cmd()
        .args([
            "decrypt",
            "--key-file",
            &rsa.to_string_lossy(),
            "--alg",
            "RSA1_5",
            "x",
        ])
        .assert()
        .code(2)
        .stdout("");

    let oct = key(&sandbox, "a128kw.jwk");
    let jwe = encrypt(&sandbox, &oct, b"x", &[]);
    let (_, rest) = jwe.split_once('.').unwrap();
    for (header, expected) in [
        (r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#, "zip"),
        (
            r#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1}"#,
            "crit",
        ),
        (
            r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":2000000000,"p2s":"c2FsdHNhbHQ"}"#,
            "1,000,000",
        ),
    ] {
        let token = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
        let mut cmd = sandbox.cmd();
        if expected == "1,000,000" {
            cmd.env("PW", "a password")
                .args(["decrypt", "--password-env", "PW"]);
        } else {
            cmd.args(["decrypt", "--key-file", &oct]);
        }
        let assert = cmd.arg(&token).assert().code(1).stdout("");
        assert!(
            stderr(&assert).contains(expected),
            "{expected}: {}",
            stderr(&assert)
        );
    }
}

#[test]
fn the_algorithm_is_pinned_by_the_key_or_the_command_line() {
    let sandbox = Sandbox::new();
    let rsa_public = key(&sandbox, "rsa.pub.jwk");
    let rsa = key(&sandbox, "rsa.jwk");
    let jwe = encrypt(&sandbox, &rsa_public, b"x", &["--alg", "RSA-OAEP"]);
    let assert = sandbox
        .cmd()
        .args(["decrypt", "--key-file", &rsa, "--alg", "RSA-OAEP-256", &jwe])
        .assert()
        .code(1)
        .stdout("");
    assert!(stderr(&assert).contains("RSA-OAEP is not accepted here"));
    // An algorithm that does not fit the key is a usage error, before anything is read.
    let assert = sandbox
        .cmd()
        .args(["decrypt", "--key-file", &rsa, "--alg", "A128KW", &jwe])
        .assert()
        .code(2)
        .stdout("");
    assert!(
        stderr(&assert).contains("does not fit an RSA key"),
        "{}",
        stderr(&assert)
    );
    // An oct key that is no AES key-wrap key names no default.
    let odd = sandbox.write(
        "odd.jwk",
        format!(
            r#"{{"kty":"oct","k":"{}"}}"#,
            URL_SAFE_NO_PAD.encode([7u8; 40])
        ),
    );
    let assert = sandbox
        .cmd()
        .args(["encrypt", "--key-file", &odd.to_string_lossy(), "x"])
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(&assert).contains("dir"));
}

#[test]
fn key_problems_are_usage_errors_naming_the_file() {
    let sandbox = Sandbox::new();
    let public = key(&sandbox, "p256.pub.jwk");
    for (path, expected) in [
        (public.as_str(), "no `d` member"),
        ("missing.jwk", "no such file"),
    ] {
        let assert = sandbox
            .cmd()
            .args(["decrypt", "--key-file", path, "a.b.c.d.e"])
            .assert()
            .code(2)
            .stdout("");
        assert!(stderr(&assert).contains(expected), "{}", stderr(&assert));
    }
    // The key and the JWE cannot both come from standard input.
    sandbox
        .cmd()
        .args(["decrypt", "--key-file", "-"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("standard input"));
}

#[test]
fn decrypt_json_shows_the_header_and_the_plaintext() {
    let sandbox = Sandbox::new();
    let oct = key(&sandbox, "a128kw.jwk");
    let jwe = encrypt(
        &sandbox,
        &oct,
        b"{\"a\":1}",
        &["--cty", "json", "--kid", "k1"],
    );
    let assert = sandbox
        .cmd()
        .args(["decrypt", "--json", "--key-file", &oct, &jwe])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["plaintext"], "{\"a\":1}");
    assert_eq!(document["header"]["cty"], "json");
    assert_eq!(document["header"]["kid"], "k1");
    assert_eq!(document["alg"], "A128KW");
    let binary = encrypt(&sandbox, &oct, &[0xff, 0xfe], &[]);
    let assert = sandbox
        .cmd()
        .args(["decrypt", "--json", "--key-file", &oct, &binary])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["plaintext_base64url"], "__4");
    let assert = sandbox
        .cmd()
        .args(["decrypt", "--json", "--key-file", &oct, "a.b.c.d.e"])
        .assert()
        .code(1);
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["valid"], false);
}

#[test]
fn a_password_encrypts_with_pbes2() {
    let sandbox = Sandbox::new();
    let password = sandbox.write("password.txt", "correct horse battery staple\n");
    let assert = sandbox
        .cmd()
        .args([
            "encrypt",
            "--password-file",
            &password.to_string_lossy(),
            "--json",
            "hello",
        ])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["alg"], "PBES2-HS512+A256KW");
    let jwe = document["jwe"].as_str().unwrap();
    sandbox
        .cmd()
        .env("PW", "correct horse battery staple")
        .args(["decrypt", "--password-env", "PW", jwe])
        .assert()
        .success()
        .stdout("hello");
    sandbox
        .cmd()
        .env("PW", "wrong horse battery staple")
        .args(["decrypt", "--password-env", "PW", jwe])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: token rejected: decryption failed\n");
}

#[test]
fn verify_rejects_a_jwe_without_decrypt_key_and_names_the_option() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "p256.pub.jwk");
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--sub",
            "alice",
            "--no-refresh",
            "--encrypt-to",
            &recipient,
        ])
        .assert()
        .success();
    let nested = stdout(&assert).trim_end().to_owned();
    assert_eq!(nested.matches('.').count(), 4);
    let assert = sandbox
        .cmd()
        .args(["verify", &nested])
        .assert()
        .code(1)
        .stdout("");
    assert!(
        stderr(&assert).contains("--decrypt-key"),
        "{}",
        stderr(&assert)
    );
    assert!(!stderr(&assert).contains(&nested));
    let assert = sandbox
        .cmd()
        .args(["verify", "--json", &nested])
        .assert()
        .code(1);
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["valid"], false);
}

#[test]
fn nested_tokens_verify_decode_refresh_and_revoke_with_decrypt_key() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "a128kw.jwk");
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "alice", "--encrypt-to", &recipient])
        .assert()
        .success();
    let out = stdout(&assert);
    let lines: Vec<&str> = out.lines().collect();
    let (access, refresh) = (lines[0], lines[1]);
    let assert = sandbox
        .cmd()
        .args(["verify", "--decrypt-key", &recipient, "--json", access])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["claims"]["sub"], "alice");
    assert_eq!(document["header"]["typ"], "at+jwt");

    // Decrypted, but the inner signature is still checked: another secret rejects it.
    sandbox
        .cmd()
        .env("JWTCTL_SECRET", "a-different-secret-of-32-bytes-or-more!")
        .args(["verify", "--decrypt-key", &recipient, access])
        .assert()
        .code(1)
        .stdout("");

    // decode shows the JWE header without the key, the inner token with it.
    let assert = sandbox.cmd().args(["decode", access]).assert().success();
    assert!(stdout(&assert).contains("ECDH-ES") || stdout(&assert).contains("A128KW"));
    assert!(stdout(&assert).contains("--decrypt-key"));
    let assert = sandbox
        .cmd()
        .args(["decode", "--json", "--decrypt-key", &recipient, access])
        .assert()
        .success();
    let document: Value = serde_json::from_str(&stdout(&assert)).unwrap();
    assert_eq!(document["payload"]["sub"], "alice");

    // A plain token where --decrypt-key expects a JWE is refused.
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "bob", "--no-refresh"])
        .assert()
        .success();
    let plain = stdout(&assert).trim_end().to_owned();
    sandbox
        .cmd()
        .args(["verify", "--decrypt-key", &recipient, &plain])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("not encrypted"));

    // refresh opens the nested refresh token; with --encrypt-to the new pair is encrypted too.
    let assert = sandbox
        .cmd()
        .args([
            "refresh",
            "--decrypt-key",
            &recipient,
            "--encrypt-to",
            &recipient,
            refresh,
        ])
        .assert()
        .success();
    let renewed = stdout(&assert);
    let new_refresh = renewed.lines().nth(1).unwrap().to_owned();
    assert_eq!(new_refresh.matches('.').count(), 4);
    // The spent one, presented again, is reuse: the family is revoked.
    sandbox
        .cmd()
        .args(["refresh", "--decrypt-key", &recipient, refresh])
        .assert()
        .code(1)
        .stdout("");
    let assert = sandbox
        .cmd()
        .args([
            "revoke",
            "--json",
            "--decrypt-key",
            &recipient,
            "--token",
            &new_refresh,
        ])
        .assert()
        .success();
    assert!(stdout(&assert).contains("revoked"));
}

#[test]
fn bad_input_never_panics() {
    let sandbox = Sandbox::new();
    let oct = key(&sandbox, "a128kw.jwk");
    let big = "A".repeat(600 * 1024);
    for input in [
        "",
        ".",
        "....",
        "a.b.c.d.e",
        "eyJ9.....",
        big.as_str(),
        "\u{feff}",
    ] {
        let assert = sandbox
            .cmd()
            .args(["decrypt", "--key-file", &oct])
            .write_stdin(input)
            .assert();
        let code = assert.get_output().status.code();
        assert!(
            matches!(code, Some(1 | 2)),
            "{code:?} for {:?}",
            input.get(..10)
        );
        assert!(assert.get_output().stdout.is_empty());
    }
}

#[test]
fn a_token_piped_from_issue_into_encrypt_cty_jwt_verifies_nested() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "rsa.pub.jwk");
    let private = key(&sandbox, "rsa.jwk");
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "carol", "--no-refresh"])
        .assert()
        .success();
    let issued = stdout(&assert);
    assert!(issued.ends_with('\n'));
    let nested = encrypt(&sandbox, &recipient, issued.as_bytes(), &["--cty", "JWT"]);
    let assert = sandbox
        .cmd()
        .args([
            "verify",
            "--decrypt-key",
            &private,
            "--decrypt-alg",
            "RSA-OAEP-256",
        ])
        .write_stdin(nested.clone())
        .assert()
        .success();
    assert!(stdout(&assert).contains("\"carol\""));
    // A key-management algorithm the command line did not accept is refused.
    sandbox
        .cmd()
        .args([
            "verify",
            "--decrypt-key",
            &private,
            "--decrypt-alg",
            "RSA-OAEP",
        ])
        .write_stdin(nested)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("not accepted"));
}

#[test]
fn verify_batch_opens_each_nested_line_with_decrypt_key() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "p256.pub.jwk");
    let private = key(&sandbox, "p256.jwk");
    let mut lines = String::new();
    for sub in ["a", "b"] {
        let assert = sandbox
            .cmd()
            .args([
                "issue",
                "--sub",
                sub,
                "--no-refresh",
                "--encrypt-to",
                &recipient,
            ])
            .assert()
            .success();
        lines.push_str(&stdout(&assert));
    }
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "plain", "--no-refresh"])
        .assert()
        .success();
    lines.push_str(&stdout(&assert));
    lines.push_str("not a token\n");
    let assert = sandbox
        .cmd()
        .args(["verify", "--batch", "--decrypt-key", &private])
        .write_stdin(lines)
        .assert()
        .code(1);
    let results: Vec<Value> = stdout(&assert)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["claims"]["sub"], "a");
    assert_eq!(results[1]["claims"]["sub"], "b");
    // A plain token where the command line expects an encrypted one is refused.
    assert_eq!(results[2]["valid"], false);
    assert!(
        results[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not encrypted")
    );
    assert_eq!(results[3]["valid"], false);
}

#[test]
fn keys_passwords_and_tokens_never_reach_stderr() {
    let sandbox = Sandbox::new();
    let password = "hunter2-is-not-a-good-password";
    let oct = key(&sandbox, "a128kw.jwk");
    let k = "GZy6sIZ6wl9NJOKB-jnmVQ";
    let jwe = encrypt(&sandbox, &oct, b"x", &[]);
    let broken_key = private_file(
        &sandbox,
        "broken.jwk",
        format!(r#"{{"kty":"oct","k":"{k}","alg":"nope"}}"#),
    );
    let runs = [
        sandbox
            .cmd()
            .env("PW", password)
            .args(["decrypt", "--password-env", "PW", &jwe])
            .assert(),
        sandbox
            .cmd()
            .args(["decrypt", "--key-file", &broken_key, &jwe])
            .assert(),
        sandbox
            .cmd()
            .args(["verify", "--decrypt-key", &oct, &format!("{jwe}x")])
            .assert(),
    ];
    for assert in runs {
        let code = assert.get_output().status.code();
        assert!(matches!(code, Some(1 | 2)), "{code:?}");
        let err = stderr(&assert);
        assert!(
            !err.contains(password) && !err.contains(k) && !err.contains(&jwe),
            "{err}"
        );
        assert!(assert.get_output().stdout.is_empty());
    }
}

#[test]
fn the_decryption_key_and_the_token_cannot_share_standard_input() {
    let sandbox = Sandbox::new();
    sandbox
        .cmd()
        .args(["verify", "--decrypt-key", "-"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("standard input cannot carry both"));
    sandbox
        .cmd()
        .args(["encrypt", "--key-file", "/dev/stdin"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn decode_batch_shows_nested_lines_from_the_inside_with_decrypt_key() {
    let sandbox = Sandbox::new();
    let recipient = key(&sandbox, "a128kw.jwk");
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--sub",
            "dana",
            "--no-refresh",
            "--encrypt-to",
            &recipient,
        ])
        .assert()
        .success();
    let line = stdout(&assert);
    let assert = sandbox
        .cmd()
        .args(["decode", "--batch", "--decrypt-key", &recipient])
        .write_stdin(format!("{line}{line}"))
        .assert()
        .success();
    for result in stdout(&assert).lines() {
        let document: Value = serde_json::from_str(result).unwrap();
        assert_eq!(document["payload"]["sub"], "dana");
    }
    // Without the key, the line shows the JWE's header and says it is encrypted.
    let assert = sandbox
        .cmd()
        .args(["decode", "--batch"])
        .write_stdin(line)
        .assert()
        .success();
    let document: Value = serde_json::from_str(stdout(&assert).trim_end()).unwrap();
    assert_eq!(document["encrypted"], true);
    assert_eq!(document["header"]["alg"], "A128KW");
}

/// `gen-key --use enc` makes the JWK pair a JWE recipient needs (a `use: sig` JWK is refused
/// for encryption); a key that cannot encrypt, or a PEM file, which cannot say `use`, is refused.
#[test]
fn gen_key_use_enc_makes_a_recipients_jwk_pair() {
    let sandbox = Sandbox::new();
    for alg in ["RS256", "ES256", "ES384", "ES512"] {
        let out = sandbox.path(&format!("{alg}.jwk"));
        let out = out.to_str().expect("utf-8");
        sandbox
            .cmd()
            .args([
                "gen-key", "--alg", alg, "--format", "jwk", "--use", "enc", "--out", out,
            ])
            .assert()
            .success();
        let public: Value = serde_json::from_str(
            &std::fs::read_to_string(sandbox.path(&format!("{alg}.pub.jwk"))).expect("public"),
        )
        .expect("JSON");
        assert_eq!(public["use"], "enc", "{alg}: {public}");
        assert!(public.get("alg").is_none(), "{alg}: {public}");
        let jwe = encrypt(
            &sandbox,
            &format!("{alg}.pub.jwk"),
            b"to the recipient",
            &[],
        );
        let assert = sandbox
            .cmd()
            .args(["decrypt", "--key-file", out])
            .write_stdin(jwe)
            .assert()
            .success();
        assert_eq!(assert.get_output().stdout, b"to the recipient", "{alg}");
    }
    for (args, message) in [
        (&["--alg", "EdDSA", "--format", "jwk"][..], "signs only"),
        (&["--alg", "ES256K", "--format", "jwk"][..], "signs only"),
        (&["--alg", "RS256"][..], "needs --format jwk"),
    ] {
        let assert = sandbox
            .cmd()
            .args(["gen-key", "--use", "enc", "--out", "k"])
            .args(args)
            .assert();
        fails(assert, 2, message);
    }
    // The default is a signing key, which encryption refuses.
    sandbox
        .cmd()
        .args([
            "gen-key", "--alg", "ES256", "--format", "jwk", "--out", "sig.jwk",
        ])
        .assert()
        .success();
    let assert = sandbox
        .cmd()
        .args(["encrypt", "--key-file", "sig.pub.jwk", "x"])
        .assert();
    assert_eq!(assert.get_output().status.code(), Some(2));
}
