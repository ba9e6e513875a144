//! `jwtctl verify`: where the token comes from, what is printed, and every option of the policy.

use serde_json::{Value, json};

use crate::forge::{self, NOW, hs256, key, verify, verify_rejects};
use crate::support::{SECRET, Sandbox, fails, fixture, issue_access, issue_pair, stderr, stdout};

/// Claims valid at `NOW` for an hour.
fn at_now(extra: Value) -> Value {
    let mut claims = json!({ "sub": "alice", "iat": NOW - 10, "exp": NOW + 3600, "jti": "j1" });
    for (name, value) in extra.as_object().expect("an object") {
        claims[name] = value.clone();
    }
    claims
}

fn access(extra: Value) -> String {
    hs256(&forge::access_header(), &at_now(extra))
}

const AT_NOW: [&str; 2] = ["--now", "1800000000"];

fn with_now<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = AT_NOW.to_vec();
    all.extend_from_slice(args);
    all
}

#[test]
fn prints_the_claims_of_a_valid_token() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice", "--claim", "role=admin"]);
    let assert = verify(&sandbox, &token, &[]).success().stderr("");
    let out = stdout(&assert);
    let claims: Value = serde_json::from_str(&out).expect("JSON claims");
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims, forge::parts(&token).1);
    assert!(out.ends_with("}\n"));
}

#[test]
fn reads_the_token_from_stdin_with_bearer_and_whitespace() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    for input in [
        format!("{token}\n"),
        format!("{token}\r\n"),
        format!("  Bearer {token}  \n"),
        format!("bearer\u{20}\u{20}{token}"),
        format!("\t{token}\t"),
    ] {
        sandbox
            .cmd()
            .arg("verify")
            .write_stdin(input.clone())
            .assert()
            .success();
        sandbox
            .cmd()
            .args(["verify", "-"])
            .write_stdin(input)
            .assert()
            .success();
    }
    // The same normalisation applies to an argument.
    verify(&sandbox, &format!(" Bearer {token}\n"), &[]).success();
}

#[test]
fn empty_stdin_is_a_usage_error() {
    let sandbox = Sandbox::new();
    fails(sandbox.cmd().arg("verify").assert(), 2, "token is empty");
    fails(
        sandbox.cmd().arg("verify").write_stdin("  \n").assert(),
        2,
        "token is empty",
    );
}

#[test]
fn the_token_and_the_secret_cannot_both_come_from_stdin() {
    let sandbox = Sandbox::new();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--secret-file", "-"])
            .write_stdin(SECRET)
            .assert(),
        2,
        "standard input cannot carry both",
    );
    // The secret on stdin and the token as an argument is fine.
    let token = issue_access(&sandbox, &[]);
    sandbox
        .cmd()
        .args(["verify", "--quiet", "--secret-file", "-", &token])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .success();
}

#[test]
fn json_on_success() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice", "--kid", "k1"]);
    let assert = verify(&sandbox, &token, &["--json"]).success().stderr("");
    let out = stdout(&assert);
    assert_eq!(out.lines().count(), 1);
    let result: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(result["valid"], true);
    assert_eq!(
        result["header"],
        json!({ "alg": "HS256", "typ": "at+jwt", "kid": "k1" })
    );
    assert_eq!(result["claims"]["sub"], "alice");
}

#[test]
fn json_on_failure_names_the_kind() {
    let sandbox = Sandbox::new();
    let good = access(json!({}));
    let cases = [
        ("not-a-token".to_owned(), 1, "malformed"),
        (format!("x{good}"), 1, "malformed"),
        // The MAC is checked before the payload is parsed: a damaged payload is a bad signature.
        (good.replace(".", ".x"), 1, "signature"),
        (
            hs256(&json!({ "alg": "none" }), &at_now(json!({}))),
            1,
            "algorithm",
        ),
        (
            forge::replace_segment(&good, 2, &forge::b64u([0u8; 32])),
            1,
            "signature",
        ),
        (access(json!({ "exp": NOW - 1 })), 3, "expired"),
        (access(json!({ "nbf": NOW + 60 })), 3, "not_yet_valid"),
        (access(json!({ "exp": "soon" })), 1, "claim"),
        (
            hs256(
                &json!({ "alg": "HS256", "typ": "refresh+jwt" }),
                &at_now(json!({})),
            ),
            1,
            "type",
        ),
        (
            hs256(&json!({ "alg": "HS256", "crit": [] }), &at_now(json!({}))),
            1,
            "header",
        ),
    ];
    for (token, status, kind) in cases {
        let assert = sandbox
            .cmd()
            .args(["verify", "--json", "--now", "1800000000", &token])
            .assert()
            .code(status)
            .stderr("");
        let out = stdout(&assert);
        assert_eq!(out.lines().count(), 1, "{out}");
        let result: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(result["valid"], false, "{result}");
        assert_eq!(result["error"]["kind"], kind, "{result}");
        let message = result["error"]["message"].as_str().expect("a message");
        assert!(!message.is_empty());
        assert!(!out.contains(SECRET));
        assert!(
            result.get("claims").is_none(),
            "no claims of a rejected token: {result}"
        );
    }
}

#[test]
fn json_and_quiet_conflict() {
    let sandbox = Sandbox::new();
    fails(
        sandbox
            .cmd()
            .args(["verify", "--json", "--quiet", "x"])
            .assert(),
        2,
        "cannot be used with",
    );
}

#[test]
fn quiet_prints_nothing_but_keeps_the_status_and_the_reason() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    verify(&sandbox, &token, &["--quiet"])
        .success()
        .stdout("")
        .stderr("");
    verify(&sandbox, &token, &["-q"]).success().stdout("");
    fails(
        verify(
            &sandbox,
            &access(json!({ "exp": NOW - 5 })),
            &with_now(&["--quiet"]),
        ),
        3,
        "expired 5s ago",
    );
    fails(verify(&sandbox, "a.b.c", &["-q"]), 1, "token rejected");
}

#[test]
fn issuer_audience_and_subject_must_match_when_asked() {
    let sandbox = Sandbox::new();
    let token = access(json!({ "iss": "https://auth.example", "aud": ["api", "billing"] }));
    verify(
        &sandbox,
        &token,
        &with_now(&[
            "--iss",
            "https://auth.example",
            "--aud",
            "billing",
            "--sub",
            "alice",
        ]),
    )
    .success();
    // Any one of several audiences will do.
    verify(
        &sandbox,
        &token,
        &with_now(&["--aud", "other", "--aud", "api"]),
    )
    .success();
    for (args, needle) in [
        (
            ["--iss", "https://evil.example"],
            "claim iss is \"https://auth.example\", expected \"https://evil.example\"",
        ),
        (["--iss", "https://auth.example/"], "claim iss"),
        (
            ["--aud", "web"],
            "claim aud is \"api\", \"billing\", expected \"web\"",
        ),
        (["--aud", "API"], "claim aud"),
        (["--sub", "bob"], "claim sub is \"alice\", expected \"bob\""),
    ] {
        verify_rejects(&sandbox, &token, &with_now(&args), 1, needle);
    }
    let single = access(json!({ "aud": "api" }));
    verify(&sandbox, &single, &with_now(&["--aud", "api"])).success();
    verify_rejects(
        &sandbox,
        &single,
        &with_now(&["--aud", "ap"]),
        1,
        "claim aud",
    );
}

#[test]
fn issued_claims_verify_with_matching_flags() {
    let sandbox = Sandbox::new();
    let token = issue_access(
        &sandbox,
        &[
            "--sub",
            "alice",
            "--iss",
            "https://auth.example",
            "--aud",
            "api",
        ],
    );
    verify(
        &sandbox,
        &token,
        &[
            "--iss",
            "https://auth.example",
            "--aud",
            "api",
            "--sub",
            "alice",
            "--type",
            "access",
        ],
    )
    .success();
}

#[test]
fn leeway_tolerates_skew_on_exp_and_nbf() {
    let sandbox = Sandbox::new();
    let expired = access(json!({ "exp": NOW - 30 }));
    verify_rejects(&sandbox, &expired, &with_now(&[]), 3, "expired 30s ago");
    verify(&sandbox, &expired, &with_now(&["--leeway", "31s"])).success();
    verify(&sandbox, &expired, &with_now(&["--leeway", "1m"])).success();
    // now >= exp + leeway is expired.
    verify_rejects(
        &sandbox,
        &expired,
        &with_now(&["--leeway", "30s"]),
        3,
        "expired",
    );

    let early = access(json!({ "nbf": NOW + 30 }));
    verify_rejects(
        &sandbox,
        &early,
        &with_now(&[]),
        3,
        "not valid for another 30s",
    );
    verify(&sandbox, &early, &with_now(&["--leeway", "30s"])).success();

    fails(
        verify(&sandbox, &expired, &["--leeway", "a while"]),
        2,
        "--leeway: invalid duration",
    );
}

#[test]
fn now_takes_unix_seconds_or_rfc_3339() {
    let sandbox = Sandbox::new();
    // NOW is 2027-01-15T08:00:00Z; the token expires an hour later.
    let token = access(json!({}));
    verify(&sandbox, &token, &["--now", "1800000000"]).success();
    verify(&sandbox, &token, &["--now", "2027-01-15T08:00:00Z"]).success();
    verify(&sandbox, &token, &["--now", "2027-01-15T08:59:59Z"]).success();
    verify_rejects(
        &sandbox,
        &token,
        &["--now", "2027-01-15T09:00:00Z"],
        3,
        "expired 0s ago",
    );
    verify_rejects(
        &sandbox,
        &token,
        &["--now", "2027-01-15T10:00:00+01:00"],
        3,
        "expired",
    );
    verify_rejects(
        &sandbox,
        &token,
        &["--now", "1800007200"],
        3,
        "expired 1h ago",
    );
    for bad in ["yesterday", "2027-13-01T00:00:00Z", ""] {
        fails(
            verify(&sandbox, &token, &["--now", bad]),
            2,
            "is neither unix seconds nor an RFC 3339 date",
        );
    }
}

#[test]
fn type_selects_access_refresh_or_any() {
    let sandbox = Sandbox::new();
    let (access_token, refresh_token) = issue_pair(&sandbox, "alice", &[]);
    let plain = hs256(&json!({ "alg": "HS256", "typ": "JWT" }), &forge::claims());
    let untyped = hs256(&json!({ "alg": "HS256" }), &forge::claims());

    for token in [&access_token, &plain, &untyped] {
        verify(&sandbox, token, &[]).success();
        verify(&sandbox, token, &["--type", "any"]).success();
    }
    verify_rejects(&sandbox, &refresh_token, &[], 1, "this is a refresh token");
    verify(&sandbox, &refresh_token, &["--type", "refresh"]).success();
    verify(&sandbox, &refresh_token, &["--type", "any"]).success();

    verify(&sandbox, &access_token, &["--type", "access"]).success();
    verify_rejects(
        &sandbox,
        &access_token,
        &["--type", "refresh"],
        1,
        "expected refresh+jwt",
    );
    verify_rejects(
        &sandbox,
        &refresh_token,
        &["--type", "access"],
        1,
        "is \"refresh+jwt\", expected at+jwt",
    );
    verify_rejects(
        &sandbox,
        &plain,
        &["--type", "access"],
        1,
        "is \"JWT\", expected at+jwt",
    );
    verify_rejects(
        &sandbox,
        &untyped,
        &["--type", "access"],
        1,
        "is missing, expected at+jwt",
    );
    verify_rejects(
        &sandbox,
        &untyped,
        &["--type", "refresh"],
        1,
        "expected refresh+jwt",
    );
    fails(
        verify(&sandbox, &access_token, &["--type", "id"]),
        2,
        "invalid value",
    );
}

#[test]
fn require_names_claims_that_must_be_present() {
    let sandbox = Sandbox::new();
    let token = access(json!({ "role": "admin", "empty": null }));
    verify(
        &sandbox,
        &token,
        &with_now(&["--require", "role", "--require", "jti"]),
    )
    .success();
    verify(&sandbox, &token, &with_now(&["--require", "empty"])).success();
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&["--require", "role", "--require", "scope"]),
        1,
        "required claim \"scope\" is missing",
    );
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&["--require", "iss"]),
        1,
        "\"iss\" is missing",
    );
}

#[test]
fn an_expired_token_exits_3_and_says_how_long_ago() {
    let sandbox = Sandbox::new();
    let token = access(json!({ "exp": NOW - 192 }));
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&[]),
        3,
        "error: token expired 3m 12s ago (exp 2027-01-15T07:56:48Z)",
    );
    // Against the real clock too.
    let old = hs256(
        &forge::access_header(),
        &json!({ "sub": "a", "exp": forge::now() - 7200 }),
    );
    verify_rejects(&sandbox, &old, &[], 3, "expired 2h");
}

#[test]
fn a_token_not_yet_valid_exits_3() {
    let sandbox = Sandbox::new();
    let token = access(json!({ "nbf": NOW + 3 * 3600, "exp": NOW + 4 * 3600 }));
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&[]),
        3,
        "not valid for another 3h",
    );
    let assert = verify(&sandbox, &token, &with_now(&[])).code(3);
    let stderr = crate::support::stderr(&assert);
    assert!(
        stderr.contains("--leeway") && !stderr.contains("refresh"),
        "{stderr}"
    );
    verify(&sandbox, &token, &["--now", "1800010800"]).success();
}

#[test]
fn a_missing_secret_variable_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    fails(
        sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args(["verify", &token])
            .assert(),
        2,
        "environment variable JWTCTL_SECRET is not set",
    );
    fails(
        verify(
            &sandbox,
            &token,
            &["--secret-env", "JWTCTL_TEST_NO_SUCH_VARIABLE"],
        ),
        2,
        "environment variable JWTCTL_TEST_NO_SUCH_VARIABLE is not set",
    );
}

#[test]
fn an_unreadable_secret_file_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    fails(
        verify(&sandbox, &token, &["--secret-file", "missing.txt"]),
        2,
        "cannot read secret file missing.txt: no such file",
    );
    std::fs::create_dir(sandbox.path("a-directory")).expect("mkdir");
    fails(
        verify(&sandbox, &token, &["--secret-file", "a-directory"]),
        2,
        "a-directory: it is a directory",
    );
    let path = sandbox.write("locked.txt", SECRET);
    forge::set_mode(&path, 0o000);
    if std::fs::read(&path).is_err() {
        // Not root: the permission bits are enforced.
        fails(
            verify(&sandbox, &token, &["--secret-file", "locked.txt"]),
            2,
            "locked.txt: permission denied",
        );
    }
}

#[test]
fn a_private_key_is_refused_for_verifying() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    for name in [
        "rsa.pem",
        "rsa.pkcs1.pem",
        "ec256.pem",
        "ec256.sec1.pem",
        "ed25519.pem",
        "ec256.encrypted.pem",
    ] {
        key(&sandbox, name);
        let assert = fails(
            verify(&sandbox, &token, &["--key-file", name]),
            2,
            &format!("{name} holds a private key; verifying needs only the public key"),
        );
        assert!(stderr(&assert).contains("openssl pkey"));
    }
}

#[test]
fn the_wrong_key_type_for_alg_is_a_usage_error() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.pem");
    let token = issue_access(&sandbox, &["--key-file", "ec256.pem"]);
    for (file, alg, needle) in [
        (
            "ec256.pub.pem",
            "RS256",
            "algorithm RS256 cannot be used with ec256.pub.pem, which is an EC P-256 key",
        ),
        (
            "ec256.pub.pem",
            "ES384",
            "ES384 cannot be used with ec256.pub.pem",
        ),
        (
            "ec384.pub.pem",
            "ES256",
            "ES256 cannot be used with ec384.pub.pem",
        ),
        (
            "rsa.pub.pem",
            "HS256",
            "HS256 cannot be used with rsa.pub.pem",
        ),
        (
            "rsa.pub.pem",
            "EdDSA",
            "EdDSA cannot be used with rsa.pub.pem",
        ),
        ("ed25519.pub.pem", "ES256", "which is an Ed25519 key"),
    ] {
        key(&sandbox, file);
        fails(
            verify(&sandbox, &token, &["--key-file", file, "--alg", alg]),
            2,
            needle,
        );
    }
    // Without --key-file the key is a secret: only HMAC algorithms fit it.
    for alg in ["RS256", "PS256", "ES256", "EdDSA"] {
        fails(
            verify(&sandbox, &token, &["--alg", alg]),
            2,
            "an HMAC secret",
        );
    }
}

#[test]
fn several_algorithms_can_be_accepted() {
    let sandbox = Sandbox::new();
    let hs384 = issue_access(&sandbox, &["--alg", "HS384"]);
    let hs256 = issue_access(&sandbox, &[]);
    for token in [&hs256, &hs384] {
        verify(&sandbox, token, &["--alg", "HS256", "--alg", "HS384"]).success();
    }
    verify_rejects(
        &sandbox,
        &hs384,
        &[],
        1,
        "algorithm HS384 is not allowed (expected HS256)",
    );
    verify_rejects(
        &sandbox,
        &hs256,
        &["--alg", "HS384"],
        1,
        "algorithm HS256 is not allowed (expected HS384)",
    );
}

#[test]
fn rfc_7515_a1_hmac() {
    let sandbox = Sandbox::new();
    let token = std::fs::read_to_string(fixture("rfc7515/a1.jwt")).expect("read");
    let key = fixture("rfc7515/a1.key");
    let key = key.to_str().expect("UTF-8 path");
    let args = [
        "--secret-file",
        key,
        "--secret-encoding",
        "base64url",
        "--type",
        "any",
        "--now",
        "1300819000",
    ];
    let assert = verify(&sandbox, token.trim(), &args).success();
    let claims: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(
        claims,
        json!({ "iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true })
    );
    // typ JWT is not a refresh token: the default type accepts it as well.
    verify(&sandbox, token.trim(), &[&args[..4], &args[6..]].concat()).success();
    // It expired in 2011.
    verify_rejects(&sandbox, token.trim(), &args[..6], 3, "expired");
    // The key read as text is another key.
    verify_rejects(
        &sandbox,
        token.trim(),
        &["--secret-file", key, "--now", "1300819000"],
        1,
        "signature does not match",
    );
}

#[test]
fn rfc_7515_a2_rsa() {
    let sandbox = Sandbox::new();
    let token = std::fs::read_to_string(fixture("rfc7515/a2.jwt")).expect("read");
    for public in ["rfc7515/a2.pub.pem", "rfc7515/a2.pkcs1.pub.pem"] {
        let public = fixture(public);
        let public = public.to_str().expect("UTF-8 path");
        for extra in [&[][..], &["--alg", "RS256"][..]] {
            let mut args = vec!["--key-file", public, "--type", "any", "--now", "1300819000"];
            args.extend_from_slice(extra);
            let assert = verify(&sandbox, token.trim(), &args).success();
            let claims: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
            assert_eq!(claims["iss"], "joe");
        }
        verify_rejects(
            &sandbox,
            token.trim(),
            &[
                "--key-file",
                public,
                "--alg",
                "PS256",
                "--now",
                "1300819000",
            ],
            1,
            "algorithm RS256 is not allowed (expected PS256)",
        );
    }
}

#[test]
fn rfc_7515_a3_ecdsa() {
    let sandbox = Sandbox::new();
    let token = std::fs::read_to_string(fixture("rfc7515/a3.jwt")).expect("read");
    let public = fixture("rfc7515/a3.pub.pem");
    let public = public.to_str().expect("UTF-8 path");
    let assert = verify(
        &sandbox,
        token.trim(),
        &["--key-file", public, "--type", "any", "--now", "1300819000"],
    )
    .success();
    let claims: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(claims["http://example.com/is_root"], true);
    // The A.2 RSA key cannot check an ES256 token.
    let rsa = fixture("rfc7515/a2.pub.pem");
    verify_rejects(
        &sandbox,
        token.trim(),
        &[
            "--key-file",
            rsa.to_str().expect("UTF-8 path"),
            "--now",
            "1300819000",
        ],
        1,
        "algorithm ES256 is not allowed (expected RS256)",
    );
}

#[test]
fn a_file_name_given_as_the_token_gets_a_hint() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "a"]);
    sandbox.write("token.txt", format!("{token}\n"));
    // A usage mistake, not a rejected token (issue 11): exit 2.
    fails(
        sandbox.cmd().args(["verify", "token.txt"]).assert(),
        2,
        "is a file name, not a token: read the file with `< token.txt`",
    );
}

#[test]
fn two_tokens_on_stdin_are_named_as_such() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(&sandbox, "alice", &[]);
    fails(
        sandbox
            .cmd()
            .arg("verify")
            .write_stdin(format!("{access}\n{refresh}\n"))
            .assert(),
        1,
        "more than one line",
    );
}

#[test]
fn expiry_is_not_called_a_rejection() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "a"]);
    let assert = fails(
        sandbox
            .cmd()
            .args(["verify", "--now", "4102444800", &token])
            .assert(),
        3,
        "a refresh token can get a new one",
    );
    assert!(!crate::support::stderr(&assert).contains("rejected"));
}

#[test]
fn a_secret_typed_into_secret_env_is_not_echoed() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "verify",
            "--secret-env",
            "hunter2-is-my/secret=value",
            "x.y.z",
        ])
        .assert();
    let assert = fails(assert, 2, "takes the NAME of an environment variable");
    assert!(!crate::support::stderr(&assert).contains("hunter2"));
}
