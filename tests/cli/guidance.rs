//! From an error to the fix: what a new user types wrong, and what jwtctl says back.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::forge::{self, hs256, rejected, with_pem};
use crate::support::{Sandbox, fails, issue_access, stderr, stdout};

fn asymmetric(alg: Algorithm, key: &str) -> String {
    with_pem(
        &json!({ "alg": format!("{alg:?}"), "typ": "at+jwt" }),
        &forge::claims(),
        key,
        alg,
    )
}

#[test]
fn no_key_for_an_asymmetric_token_names_the_options_that_fit() {
    let sandbox = Sandbox::new();
    for (alg, key, name) in [
        (Algorithm::RS256, "rsa.pem", "RS256"),
        (Algorithm::PS256, "rsa.pem", "PS256"),
        (Algorithm::ES256, "ec256.pem", "ES256"),
        (Algorithm::EdDSA, "ed25519.pem", "EdDSA"),
    ] {
        let token = asymmetric(alg, key);
        let assert = sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args(["verify", &token])
            .assert();
        let assert = rejected(assert, 2, "--key-file", &token);
        let err = stderr(&assert);
        assert!(err.contains("--jwks"), "{err}");
        assert!(err.contains(name), "{name}: {err}");
        // Not the HMAC advice: this token needs no secret.
        assert!(!err.contains("JWTCTL_SECRET"), "{err}");
    }
}

#[test]
fn a_secret_for_an_rs256_token_says_what_the_token_needs() {
    let sandbox = Sandbox::new();
    let token = asymmetric(Algorithm::RS256, "rsa.pem");
    let assert = forge::verify(&sandbox, &token, &[]);
    let assert = rejected(
        assert,
        1,
        "algorithm RS256 is not allowed (expected HS256)",
        &token,
    );
    let err = stderr(&assert);
    assert!(
        err.contains("--key-file") && err.contains("--jwks"),
        "{err}"
    );
}

#[test]
fn alg_rs256_with_only_a_secret_is_one_clear_sentence() {
    let sandbox = Sandbox::new();
    let token = asymmetric(Algorithm::RS256, "rsa.pem");
    let assert = forge::verify(&sandbox, &token, &["--alg", "RS256"]);
    let assert = rejected(assert, 2, "--alg RS256", &token);
    let err = stderr(&assert);
    assert!(
        err.contains("--key-file") && err.contains("--jwks"),
        "{err}"
    );
    assert!(!err.contains("an HMAC secret is an HMAC secret"), "{err}");
    assert_eq!(
        err.lines()
            .filter(|line| line.starts_with("error:"))
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn no_secret_at_all_shows_how_to_make_one() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    let assert = sandbox
        .cmd()
        .env_remove("JWTCTL_SECRET")
        .args(["verify", &token])
        .assert();
    let assert = rejected(assert, 2, "JWTCTL_SECRET", &token);
    let err = stderr(&assert);
    assert!(
        err.contains("export JWTCTL_SECRET=\"$(jwtctl gen-secret)\""),
        "{err}"
    );
    assert!(err.contains("--secret-file"), "{err}");
    // issue says the same.
    let assert = sandbox
        .cmd()
        .env_remove("JWTCTL_SECRET")
        .args(["issue", "--sub", "alice"])
        .assert();
    let err = stderr(&fails(assert, 2, "JWTCTL_SECRET"));
    assert!(err.contains("jwtctl gen-secret"), "{err}");
}

#[test]
fn pasted_tokens_lose_their_quotes_and_bearer() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    for pasted in [
        format!("'{token}'"),
        format!("\"{token}\""),
        format!("Bearer {token}"),
        format!("\"Bearer {token}\""),
        format!("  '{token}'\n"),
    ] {
        let assert = sandbox.cmd().args(["verify", &pasted]).assert().success();
        assert!(stdout(&assert).contains("\"sub\": \"alice\""), "{pasted}");
        sandbox.cmd().args(["decode", &pasted]).assert().success();
        sandbox
            .cmd()
            .arg("verify")
            .write_stdin(pasted.clone())
            .assert()
            .success();
    }
    // Two words, as copied from an Authorization header.
    let assert = sandbox
        .cmd()
        .args(["verify", "Bearer", &token])
        .assert()
        .success();
    assert!(stdout(&assert).contains("alice"));
    sandbox
        .cmd()
        .args(["decode", "Bearer", &token])
        .assert()
        .success();
    // A quote on one side only is not a pasted token.
    forge::verify_rejects(&sandbox, &format!("'{token}"), &[], 1, "not base64url");
}

#[test]
fn two_words_that_are_not_bearer_and_a_token_are_refused_without_echoing_the_token() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    let assert = sandbox.cmd().args(["verify", &token, &token]).assert();
    let err = stderr(&fails(assert, 2, ""));
    assert!(!err.contains(&token), "{err}");
}

/// `verify --json` for a token whose signature verified but that a time or claim check refused:
/// its header and claims come with the error, under `contents`.
#[test]
fn verify_json_shows_the_claims_of_a_signed_token_that_failed_a_check() {
    let sandbox = Sandbox::new();
    let now = forge::now();
    let cases = [
        (
            json!({ "sub": "alice", "exp": now - 60 }),
            &[][..],
            3,
            "expired",
        ),
        (
            json!({ "sub": "alice", "exp": now + 600, "nbf": now + 300 }),
            &[][..],
            3,
            "not_yet_valid",
        ),
        (
            json!({ "sub": "alice", "exp": now + 600, "aud": "other" }),
            &["--aud", "api"][..],
            1,
            "",
        ),
    ];
    for (claims, args, status, _) in cases {
        let token = hs256(&forge::access_header(), &claims);
        let assert = sandbox
            .cmd()
            .args(["verify", "--json"])
            .args(args)
            .arg(&token)
            .assert()
            .code(status);
        let result: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
        assert_eq!(result["valid"], false, "{result}");
        assert!(result["error"]["kind"].is_string(), "{result}");
        // Beside the error, not as top-level claims, which only a valid token has.
        assert!(result.get("claims").is_none(), "{result}");
        assert_eq!(result["contents"]["claims"], claims, "{result}");
        assert_eq!(
            result["contents"]["header"],
            forge::access_header(),
            "{result}"
        );
    }
    // A signature that fails: nothing of the token is repeated as if it meant something.
    let forged = forge::hmac_raw(
        &forge::access_header().to_string(),
        &json!({ "sub": "admin", "exp": now + 600 }).to_string(),
        b"another secret of at least thirty-two bytes",
        Algorithm::HS256,
    );
    let assert = sandbox
        .cmd()
        .args(["verify", "--json", &forged])
        .assert()
        .code(1);
    let result: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert!(
        result.get("claims").is_none() && result.get("contents").is_none(),
        "{result}"
    );
}

#[test]
fn an_empty_line_of_issue_batch_says_so() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--batch", "--no-refresh"])
        .write_stdin("{\"sub\":\"a\"}\n\n  \n{\"sub\":\"b\"}\n")
        .assert()
        .code(1);
    let lines: Vec<Value> = stdout(&assert)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    for empty in &lines[1..3] {
        assert_eq!(empty["error"]["kind"], "malformed", "{empty}");
        assert_eq!(empty["error"]["message"], "empty line", "{empty}");
    }
    assert!(lines[0]["access_token"].is_string() && lines[3]["access_token"].is_string());
}
