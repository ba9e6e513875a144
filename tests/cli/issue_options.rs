//! `issue --header`, `--x5c`, `--exp/--nbf/--iat/--jti` and `verify --allow-no-exp`.

use serde_json::json;

use crate::forge::{self, key, parts};
use crate::support::{SECRET, Sandbox, fails, stderr, stdout};

fn standalone(sandbox: &Sandbox, args: &[&str]) -> String {
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--sub", "alice"])
        .args(args)
        .assert()
        .success();
    stdout(&assert).trim_end().to_owned()
}

fn refused(sandbox: &Sandbox, args: &[&str], needle: &str) {
    fails(sandbox.cmd().arg("issue").args(args).assert(), 2, needle);
}

#[test]
fn headers_are_set_with_the_claim_convention() {
    let sandbox = Sandbox::new();
    let token = standalone(
        &sandbox,
        &[
            "--header",
            "cty=JWT",
            "--header",
            "x5t=abc",
            "--header",
            "n:=[1,2]",
            "--header",
            "typ=dpop+jwt",
        ],
    );
    let (header, _) = parts(&token);
    assert_eq!(header["cty"], "JWT");
    assert_eq!(header["x5t"], "abc");
    assert_eq!(header["n"], json!([1, 2]));
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "HS256");
    sandbox.cmd().args(["verify", &token]).assert().success();
}

#[test]
fn reserved_headers_are_refused() {
    let sandbox = Sandbox::new();
    for (args, needle) in [
        (&["--no-refresh", "--header", "alg=none"][..], "--alg"),
        (&["--no-refresh", "--header", "kid=k"][..], "use --kid"),
        (
            &["--no-refresh", "--header", "crit:=[\"exp\"]"][..],
            "critical",
        ),
        (&["--no-refresh", "--header", "b64:=false"][..], "RFC 7797"),
        (&["--no-refresh", "--header", "zip=DEF"][..], "JWE"),
        (&["--header", "typ=JWT"][..], "--no-refresh"),
        (&["--no-refresh", "--header", "cty"][..], "no '='"),
    ] {
        let mut all = vec!["--sub", "alice"];
        all.extend_from_slice(args);
        refused(&sandbox, &all, needle);
    }
    // Not a typ: other headers are fine with a pair.
    sandbox
        .cmd()
        .args(["issue", "--sub", "alice", "--header", "cty=JWT"])
        .assert()
        .success();
}

#[test]
fn x5c_carries_the_chain_and_the_leaf_thumbprint() {
    let sandbox = Sandbox::new();
    key(&sandbox, "rsa.pem");
    key(&sandbox, "rsa.crt");
    key(&sandbox, "ec256.crt");
    key(&sandbox, "rsa.pub.pem");
    let token = standalone(&sandbox, &["--key-file", "rsa.pem", "--x5c", "rsa.crt"]);
    let (header, _) = parts(&token);
    let pem = pem::parse(std::fs::read(sandbox.path("rsa.crt")).unwrap()).unwrap();
    use base64::Engine;
    let leaf = base64::engine::general_purpose::STANDARD.encode(pem.contents());
    assert_eq!(header["x5c"], json!([leaf]));
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, pem.contents());
    assert_eq!(header["x5t#S256"], forge::b64u(digest.as_ref()));
    sandbox
        .cmd()
        .args(["verify", &token, "--key-file", "rsa.pub.pem"])
        .assert()
        .success();
    refused(
        &sandbox,
        &[
            "--no-refresh",
            "--sub",
            "a",
            "--key-file",
            "rsa.pem",
            "--x5c",
            "ec256.crt",
        ],
        "is not for the signing key",
    );
    refused(
        &sandbox,
        &["--no-refresh", "--sub", "a", "--x5c", "rsa.crt"],
        "--x5c",
    );
}

#[test]
fn crafted_times_make_expired_and_not_yet_valid_fixtures() {
    let sandbox = Sandbox::new();
    let now = forge::now();
    let expired = standalone(
        &sandbox,
        &["--exp", "-5m", "--iat", "-10m", "--jti", "fixture-1"],
    );
    let (_, claims) = parts(&expired);
    assert!((claims["exp"].as_i64().unwrap() - (now - 300)).abs() <= 5);
    assert!((claims["iat"].as_i64().unwrap() - (now - 600)).abs() <= 5);
    assert_eq!(claims["jti"], "fixture-1");
    fails(
        sandbox.cmd().args(["verify", &expired]).assert(),
        3,
        "expired",
    );
    let early = standalone(&sandbox, &["--nbf", "+1h", "--exp", "+2h"]);
    fails(
        sandbox.cmd().args(["verify", &early]).assert(),
        3,
        "not valid",
    );
    let fixed = standalone(
        &sandbox,
        &["--exp", "2100-01-01T00:00:00Z", "--iat", "1700000000"],
    );
    let (_, claims) = parts(&fixed);
    assert_eq!(claims["exp"], 4_102_444_800i64);
    assert_eq!(claims["iat"], 1_700_000_000i64);
    for (args, needle) in [
        (&["--sub", "a", "--exp", "+5m"][..], "--no-refresh"),
        (&["--sub", "a", "--jti", "x"][..], "--no-refresh"),
        (
            &["--sub", "a", "--no-refresh", "--exp", "-5"][..],
            "needs a unit",
        ),
        (
            &["--sub", "a", "--no-refresh", "--exp", "soon"][..],
            "--exp \"soon\"",
        ),
    ] {
        refused(&sandbox, args, needle);
    }
}

#[test]
fn allow_no_exp_accepts_the_jwt_io_example() {
    let sandbox = Sandbox::new();
    // The jwt.io example, signed with `your-256-bit-secret`.
    let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
                 eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.\
                 SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let run = |extra: &[&str]| {
        sandbox
            .cmd()
            .env("JWTCTL_SECRET", "your-256-bit-secret")
            .args(["verify", token, "--allow-weak-secret"])
            .args(extra)
            .assert()
    };
    let assert = fails(run(&[]), 1, "--allow-no-exp");
    assert!(
        stderr(&assert).contains("signature matched"),
        "{}",
        stderr(&assert)
    );
    let assert = run(&["--allow-no-exp"]).success();
    assert!(stdout(&assert).contains("John Doe"));
    // A token that has exp is still checked.
    let expired = standalone(&sandbox, &["--exp", "-1m"]);
    fails(
        sandbox
            .cmd()
            .args(["verify", &expired, "--allow-no-exp"])
            .assert(),
        3,
        "expired",
    );
    // The wording names the flag only when the signature matched.
    let forged = forge::hmac_raw(
        &json!({"alg": "HS256"}).to_string(),
        &json!({"sub": "x"}).to_string(),
        b"not-the-secret-not-the-secret-not-the-secret",
        jsonwebtoken::Algorithm::HS256,
    );
    let assert = fails(
        sandbox.cmd().args(["verify", &forged]).assert(),
        1,
        "signature",
    );
    assert!(!stderr(&assert).contains("--allow-no-exp"));
    let _ = SECRET;
}
