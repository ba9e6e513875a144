//! `jwtctl issue`: output formats, claims, lifetimes, and every algorithm round-tripping
//! through `verify`.

use serde_json::{Value, json};

use crate::forge::{self, flip_char, key, parts, replace_segment};
use crate::support::{SECRET, Sandbox, fails, issue_access, issue_pair, stderr, stdout};

fn is_token(line: &str) -> bool {
    let segments: Vec<&str> = line.split('.').collect();
    segments.len() == 3
        && segments.iter().all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[test]
fn text_is_the_access_then_the_refresh_token() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "alice"])
        .assert()
        .success();
    let out = stdout(&assert);
    assert!(out.ends_with('\n'));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().all(|line| is_token(line)), "{out}");
    assert_eq!(parts(lines[0]).0["typ"], "at+jwt");
    assert_eq!(parts(lines[1]).0["typ"], "refresh+jwt");
    assert_eq!(stderr(&assert), "");
}

#[test]
fn no_refresh_prints_exactly_one_token() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh"])
        .assert()
        .success();
    let out = stdout(&assert);
    let token = out.strip_suffix('\n').expect("newline-terminated");
    assert!(is_token(token), "{out:?}");
    let (header, claims) = parts(token);
    assert_eq!(header, json!({ "alg": "HS256", "typ": "at+jwt" }));
    assert!(claims.get("sub").is_none());
    assert!(claims.get("sid").is_none(), "{claims}");
}

#[test]
fn json_is_an_oauth_token_response() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--sub",
            "alice",
            "--output",
            "json",
            "--access-ttl",
            "90s",
            "--refresh-ttl",
            "7d",
        ])
        .assert()
        .success();
    let out = stdout(&assert);
    assert_eq!(out.lines().count(), 1);
    let response: Value = serde_json::from_str(&out).expect("JSON");
    let fields: Vec<&str> = response
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = fields.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "access_token",
            "expires_in",
            "refresh_expires_in",
            "refresh_token",
            "token_type"
        ]
    );
    assert_eq!(response["token_type"], "Bearer");
    assert_eq!(response["expires_in"], 90);
    assert_eq!(response["refresh_expires_in"], 604_800);
    let access = response["access_token"].as_str().expect("a string");
    let refresh = response["refresh_token"].as_str().expect("a string");
    assert_eq!(parts(access).0["typ"], "at+jwt");
    assert_eq!(parts(refresh).0["typ"], "refresh+jwt");
}

#[test]
fn json_without_refresh_has_no_refresh_fields() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--output", "json"])
        .assert()
        .success();
    let response: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(response["expires_in"], 300);
    assert!(response.get("refresh_token").is_none(), "{response}");
    assert!(response.get("refresh_expires_in").is_none(), "{response}");
}

#[test]
fn env_output_is_two_assignments() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--sub", "alice", "--output", "env"])
        .assert()
        .success();
    let out = stdout(&assert);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    let access = lines[0]
        .strip_prefix("JWTCTL_ACCESS_TOKEN=")
        .expect("access line");
    let refresh = lines[1]
        .strip_prefix("JWTCTL_REFRESH_TOKEN=")
        .expect("refresh line");
    assert!(is_token(access) && is_token(refresh), "{out}");

    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--output", "env"])
        .assert()
        .success();
    let out = stdout(&assert);
    assert_eq!(out.lines().count(), 1);
    assert!(out.starts_with("JWTCTL_ACCESS_TOKEN="));
}

#[test]
fn claims_are_strings_or_json() {
    let sandbox = Sandbox::new();
    let token = issue_access(
        &sandbox,
        &[
            "--claim",
            "role=admin",
            "--claim",
            "n:=42",
            "--claim",
            "ok:=true",
            "--claim",
            "scopes:=[\"read\",\"write\"]",
            "--claim",
            "quoted=42",
            "--claim",
            "eq=a=b",
        ],
    );
    let claims = parts(&token).1;
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["n"], 42);
    assert_eq!(claims["ok"], true);
    assert_eq!(claims["scopes"], json!(["read", "write"]));
    assert_eq!(claims["quoted"], "42");
    assert_eq!(claims["eq"], "a=b");
}

#[test]
fn a_bad_claim_is_a_usage_error() {
    let sandbox = Sandbox::new();
    for (claim, needle) in [
        ("role", "no '='"),
        ("=x", "empty name"),
        ("n:=forty", "not valid JSON"),
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--claim", claim])
                .assert(),
            2,
            needle,
        );
    }
}

#[test]
fn payload_from_an_argument_a_file_or_stdin() {
    let sandbox = Sandbox::new();
    let inline = issue_access(&sandbox, &["--payload", r#"{"role":"inline","n":[1,2]}"#]);
    assert_eq!(parts(&inline).1["role"], "inline");
    assert_eq!(parts(&inline).1["n"], json!([1, 2]));

    sandbox.write("claims.json", r#"{"role":"file"}"#);
    let from_file = issue_access(&sandbox, &["--payload", "@claims.json"]);
    assert_eq!(parts(&from_file).1["role"], "file");

    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--payload", "-"])
        .write_stdin("{\"role\":\"stdin\"}\n")
        .assert()
        .success();
    assert_eq!(parts(stdout(&assert).trim_end()).1["role"], "stdin");
}

#[test]
fn the_payload_and_a_secret_cannot_both_come_from_stdin() {
    let sandbox = Sandbox::new();
    for secret_flag in ["--secret-file", "--refresh-secret-file"] {
        fails(
            sandbox
                .cmd()
                .args([
                    "issue",
                    "--sub",
                    "alice",
                    "--payload",
                    "-",
                    secret_flag,
                    "-",
                ])
                .write_stdin(format!("{{\"role\":\"r\"}}\n{SECRET}\n"))
                .assert(),
            2,
            "standard input cannot carry both the payload and a secret",
        );
    }
}

#[test]
fn a_bad_payload_is_a_usage_error() {
    let sandbox = Sandbox::new();
    sandbox.write("array.json", "[1]");
    for (payload, needle) in [
        ("{", "not valid JSON"),
        ("[1,2]", "expected a JSON object"),
        ("\"text\"", "expected a JSON object"),
        ("@array.json", "expected a JSON object"),
        ("@missing.json", "missing.json"),
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--payload", payload])
                .assert(),
            2,
            needle,
        );
    }
}

#[test]
fn flags_and_claims_override_the_payload() {
    let sandbox = Sandbox::new();
    let token = issue_access(
        &sandbox,
        &[
            "--payload",
            r#"{"role":"user","sub":"payload","iss":"payload","keep":1}"#,
            "--claim",
            "role=admin",
            "--sub",
            "flag",
            "--iss",
            "https://issuer.example",
        ],
    );
    let claims = parts(&token).1;
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["sub"], "flag");
    assert_eq!(claims["iss"], "https://issuer.example");
    assert_eq!(claims["keep"], 1);
}

#[test]
fn one_audience_is_a_string_several_an_array() {
    let sandbox = Sandbox::new();
    let one = issue_access(&sandbox, &["--aud", "api"]);
    assert_eq!(parts(&one).1["aud"], "api");
    let two = issue_access(&sandbox, &["--aud", "api", "--aud", "billing"]);
    assert_eq!(parts(&two).1["aud"], json!(["api", "billing"]));
}

#[test]
fn own_claims_in_the_payload_are_replaced_with_a_warning() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--sub",
            "alice",
            "--payload",
            r#"{"exp":1,"iat":2,"jti":"mine","sid":"mine","role":"r"}"#,
        ])
        .assert()
        .success();
    let out = stdout(&assert);
    let access = out.lines().next().expect("a token");
    let claims = parts(access).1;
    let now = forge::now();
    assert!(claims["exp"].as_i64().expect("exp") > now, "{claims}");
    assert!(
        (claims["iat"].as_i64().expect("iat") - now).abs() < 60,
        "{claims}"
    );
    assert_ne!(claims["jti"], "mine");
    assert_ne!(claims["sid"], "mine");
    assert_eq!(claims["role"], "r");
    let err = stderr(&assert);
    assert!(err.starts_with("warning:"), "{err}");
    for name in ["exp", "iat", "jti", "sid"] {
        assert!(err.contains(name), "{name} missing from {err}");
    }
}

/// Issue 12: a lone access token no longer keeps a given sid, which would let it borrow another
/// session family; sid is replaced (removed) with a warning, like jti, exp and iat.
#[test]
fn a_lone_access_token_does_not_keep_a_given_sid() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--claim", "sid=upstream"])
        .assert()
        .success()
        .stderr("warning: sid was replaced: jwtctl sets these claims itself\n");
    assert_eq!(parts(stdout(&assert).trim_end()).1.get("sid"), None);
}

#[test]
fn lifetimes_set_exp_from_iat() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(
        &sandbox,
        "alice",
        &["--access-ttl", "90s", "--refresh-ttl", "2d"],
    );
    let lifetime = |token: &str| {
        let claims = parts(token).1;
        claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat")
    };
    assert_eq!(lifetime(&access), 90);
    assert_eq!(lifetime(&refresh), 2 * 86_400);
    let defaults = issue_pair(&sandbox, "alice", &[]);
    assert_eq!(lifetime(&defaults.0), 300);
    assert_eq!(lifetime(&defaults.1), 6 * 3600);
}

#[test]
fn bad_lifetimes_are_usage_errors() {
    let sandbox = Sandbox::new();
    for (flag, value, needle) in [
        ("--access-ttl", "five", "--access-ttl: invalid duration"),
        ("--access-ttl", "0s", "--access-ttl must be longer than 0s"),
        (
            "--access-ttl",
            "1 fortnight",
            "--access-ttl: invalid duration",
        ),
        ("--access-ttl", "-5m", "--access-ttl: invalid duration"),
        ("--refresh-ttl", "soon", "--refresh-ttl: invalid duration"),
        (
            "--refresh-ttl",
            "0d",
            "--refresh-ttl must be longer than 0s",
        ),
        ("--access-ttl", "99999999999999999999y", "--access-ttl"),
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--sub", "alice", &format!("{flag}={value}")])
                .assert(),
            2,
            needle,
        );
    }
}

#[test]
fn a_pair_needs_a_subject() {
    let sandbox = Sandbox::new();
    fails(sandbox.cmd().arg("issue").assert(), 2, "--sub is required");
    // A sub in the payload is enough.
    sandbox
        .cmd()
        .args(["issue", "--payload", r#"{"sub":"alice"}"#])
        .assert()
        .success();
}

#[test]
fn both_tokens_of_a_pair_share_the_session_and_nothing_else() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(&sandbox, "alice", &["--claim", "role=admin"]);
    let (a, r) = (parts(&access).1, parts(&refresh).1);
    let sid = a["sid"].as_str().expect("sid");
    assert_eq!(sid.len(), 22, "16 random bytes, base64url");
    assert_eq!(a["sid"], r["sid"]);
    assert_ne!(a["jti"], r["jti"]);
    assert_eq!(a["sub"], "alice");
    assert_eq!(r["sub"], "alice");
    let (other, _) = issue_pair(&sandbox, "alice", &[]);
    assert_ne!(
        parts(&other).1["sid"],
        a["sid"],
        "a new pair is a new session"
    );
}

#[test]
fn kid_goes_in_the_header() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--kid", "2026-11"]);
    assert_eq!(parts(&token).0["kid"], "2026-11");
}

#[test]
fn secret_sources_and_encodings() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("secret.txt", format!("{SECRET}\n"));
    forge::set_mode(&path, 0o600);
    // The file (with its newline stripped), the variable and stdin hold the same key.
    let from_file = issue_access(&sandbox, &["--secret-file", "secret.txt"]);
    sandbox
        .cmd()
        .args(["verify", "--quiet", &from_file])
        .assert()
        .success();
    let assert = sandbox
        .cmd()
        .env("OTHER", SECRET)
        .env_remove("JWTCTL_SECRET")
        .args(["issue", "--no-refresh", "--secret-env", "OTHER"])
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["verify", "--quiet", stdout(&assert).trim_end()])
        .assert()
        .success();
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--secret-file", "-"])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .success();
    sandbox
        .cmd()
        .args(["verify", "--quiet", stdout(&assert).trim_end()])
        .assert()
        .success();

    // Hex: the same text is 32 bytes of key, a different key from the raw text.
    let hex = issue_access(&sandbox, &["--secret-encoding", "hex"]);
    sandbox
        .cmd()
        .args(["verify", "--quiet", "--secret-encoding", "hex", &hex])
        .assert()
        .success();
    fails(
        sandbox.cmd().args(["verify", &hex]).assert(),
        1,
        "signature does not match",
    );
}

#[test]
fn undecodable_secrets_are_usage_errors_that_do_not_echo_them() {
    let sandbox = Sandbox::new();
    // '~' is in none of the alphabets: the message must not show it.
    let secret = format!("{}~{}", &SECRET[..20], &SECRET[21..]);
    for encoding in ["hex", "base64", "base64url"] {
        let assert = fails(
            sandbox
                .cmd()
                .env("JWTCTL_SECRET", &secret)
                .args(["issue", "--no-refresh", "--secret-encoding", encoding])
                .assert(),
            2,
            "JWTCTL_SECRET is not valid",
        );
        let err = stderr(&assert);
        assert!(!err.contains('~'), "{err}");
        assert!(
            !err.contains("126"),
            "the byte's value is the secret too: {err}"
        );
        assert!(!err.contains(&SECRET[..20]), "{err}");
    }
}

#[test]
fn short_secrets_are_refused_by_algorithm() {
    let sandbox = Sandbox::new();
    let cases: [(&str, usize, usize); 3] =
        [("HS256", 31, 32), ("HS384", 47, 48), ("HS512", 63, 64)];
    for (alg, short, enough) in cases {
        let assert = fails(
            sandbox
                .cmd()
                .env("JWTCTL_SECRET", "k".repeat(short))
                .args(["issue", "--no-refresh", "--alg", alg])
                .assert(),
            2,
            &format!("is {short} bytes; {alg} needs at least {enough}"),
        );
        assert!(stderr(&assert).contains("--allow-weak-secret"));
        sandbox
            .cmd()
            .env("JWTCTL_SECRET", "k".repeat(enough))
            .args(["issue", "--no-refresh", "--alg", alg])
            .assert()
            .success()
            .stderr("");
    }
}

#[test]
fn allow_weak_secret_warns() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .env("JWTCTL_SECRET", "hunter2")
        .args(["issue", "--no-refresh", "--allow-weak-secret"])
        .assert()
        .success();
    let err = stderr(&assert);
    assert!(
        err.starts_with("warning:") && err.contains("7 bytes"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn an_empty_or_missing_secret_is_refused() {
    let sandbox = Sandbox::new();
    fails(
        sandbox
            .cmd()
            .env("JWTCTL_SECRET", "")
            .args(["issue", "--no-refresh", "--allow-weak-secret"])
            .assert(),
        2,
        "is empty",
    );
    fails(
        sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args(["issue", "--no-refresh"])
            .assert(),
        2,
        "JWTCTL_SECRET is not set",
    );
}

#[test]
fn a_shared_secret_file_draws_a_warning() {
    let sandbox = Sandbox::new();
    let path = sandbox.write("secret.txt", SECRET);
    forge::set_mode(&path, 0o644);
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--secret-file", "secret.txt"])
        .assert()
        .success();
    let err = stderr(&assert);
    assert!(
        err.contains("warning:") && err.contains("secret.txt") && err.contains("0644"),
        "{err}"
    );
    forge::set_mode(&path, 0o600);
    sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--secret-file", "secret.txt"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn a_shared_private_key_draws_a_warning() {
    let sandbox = Sandbox::new();
    let path = key(&sandbox, "ec256.pem");
    forge::set_mode(&path, 0o640);
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--key-file", "ec256.pem"])
        .assert()
        .success();
    let err = stderr(&assert);
    assert!(
        err.contains("warning:") && err.contains("ec256.pem") && err.contains("0640"),
        "{err}"
    );
}

/// (algorithm, private key to sign with, public key to verify with).
const ALGORITHMS: [(&str, &str, &str); 12] = [
    ("HS256", "", ""),
    ("HS384", "", ""),
    ("HS512", "", ""),
    ("RS256", "rsa.pem", "rsa.pub.pem"),
    ("RS384", "rsa.pkcs1.pem", "rsa.pkcs1.pub.pem"),
    ("RS512", "rsa.pem", "rsa.crt"),
    ("PS256", "rsa.pem", "rsa.pub.pem"),
    ("PS384", "rsa.pkcs1.pem", "rsa.pub.pem"),
    ("PS512", "rsa.pem", "rsa.pkcs1.pub.pem"),
    ("ES256", "ec256.sec1.pem", "ec256.pub.pem"),
    ("ES384", "ec384.pem", "ec384.pub.pem"),
    ("EdDSA", "ed25519.pem", "ed25519.pub.pem"),
];

fn key_args(sandbox: &Sandbox, alg: &str, file: &str) -> Vec<String> {
    let mut args = vec!["--alg".to_owned(), alg.to_owned()];
    if !file.is_empty() {
        key(sandbox, file);
        args.extend(["--key-file".to_owned(), file.to_owned()]);
    }
    args
}

#[test]
fn every_algorithm_round_trips_and_rejects_any_changed_character() {
    let sandbox = Sandbox::new();
    for (alg, private, public) in ALGORITHMS {
        let sign = key_args(&sandbox, alg, private);
        let check = key_args(&sandbox, alg, public);
        let mut args: Vec<&str> = sign.iter().map(String::as_str).collect();
        args.extend(["--sub", "alice", "--claim", "role=admin"]);
        let token = issue_access(&sandbox, &args);
        let (header, _) = parts(&token);
        assert_eq!(header["alg"], alg);

        let assert = sandbox
            .cmd()
            .arg("verify")
            .args(&check)
            .arg(&token)
            .assert()
            .success()
            .stderr("");
        let claims: Value = serde_json::from_str(&stdout(&assert)).expect("claims as JSON");
        assert_eq!(claims["sub"], "alice", "{alg}");
        assert_eq!(claims["role"], "admin", "{alg}");

        let segments: Vec<&str> = token.split('.').collect();
        for (index, segment) in segments.iter().enumerate() {
            for position in [0, segment.len() / 2, segment.len() - 1] {
                let changed = replace_segment(&token, index, &flip_char(segment, position));
                let assert = sandbox
                    .cmd()
                    .arg("verify")
                    .args(&check)
                    .arg(&changed)
                    .assert();
                forge::rejected(assert, 1, "token rejected", &changed);
            }
        }
    }
}

#[test]
fn the_default_algorithm_follows_the_key() {
    let sandbox = Sandbox::new();
    for (file, alg) in [
        ("rsa.pem", "RS256"),
        ("rsa.pkcs1.pem", "RS256"),
        ("ec256.pem", "ES256"),
        ("ec256.sec1.pem", "ES256"),
        ("ec256-other.sec1.pem", "ES256"),
        ("ec384.pem", "ES384"),
        ("ed25519.pem", "EdDSA"),
    ] {
        key(&sandbox, file);
        let token = issue_access(&sandbox, &["--key-file", file]);
        assert_eq!(parts(&token).0["alg"], alg, "{file}");
    }
    assert_eq!(parts(&issue_access(&sandbox, &[])).0["alg"], "HS256");
}

#[test]
fn ec_keys_written_with_their_parameters_block_are_read() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.params.pem");
    key(&sandbox, "ec256.params.pub.pem");
    key(&sandbox, "ec256.pub.pem");
    let token = issue_access(&sandbox, &["--key-file", "ec256.params.pem"]);
    assert_eq!(parts(&token).0["alg"], "ES256");
    for public in ["ec256.params.pub.pem", "ec256.pub.pem"] {
        sandbox
            .cmd()
            .args(["verify", "-q", "--key-file", public, &token])
            .assert()
            .success()
            .stderr("");
    }
}

#[test]
fn the_wrong_key_for_the_algorithm_is_a_usage_error() {
    let sandbox = Sandbox::new();
    for (file, alg, needle) in [
        (
            "ec256.pem",
            "RS256",
            "cannot be used with ec256.pem, which is an EC P-256 key",
        ),
        ("ec256.pem", "ES384", "cannot be used with ec256.pem"),
        ("ec384.pem", "ES256", "cannot be used with ec384.pem"),
        ("rsa.pem", "ES256", "which is an RSA 2048-bit key"),
        ("rsa.pem", "HS256", "cannot be used with rsa.pem"),
        ("ed25519.pem", "PS256", "which is an Ed25519 key"),
    ] {
        key(&sandbox, file);
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--key-file", file, "--alg", alg])
                .assert(),
            2,
            needle,
        );
    }
    for alg in ["RS256", "ES256", "EdDSA"] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--alg", alg])
                .assert(),
            2,
            "an HMAC secret",
        );
    }
}

#[test]
fn unusable_signing_keys_are_usage_errors_naming_the_file() {
    let sandbox = Sandbox::new();
    for name in [
        "rsa.pub.pem",
        "rsa.pkcs1.pub.pem",
        "rsa.crt",
        "ec256.pub.pem",
    ] {
        key(&sandbox, name);
    }
    key(&sandbox, "rsa1024.pem");
    key(&sandbox, "rsa1024.pkcs1.pem");
    key(&sandbox, "rsa8256.pem");
    key(&sandbox, "brainpool256.pem");
    key(&sandbox, "ec256.encrypted.pem");
    sandbox.write("garbage.pem", "not a key\n");
    sandbox.write("empty.pem", "");
    sandbox.write(
        "broken.pem",
        "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
    );
    sandbox.write(
        "junk.pem",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    std::fs::create_dir(sandbox.path("dir.pem")).expect("mkdir");
    for (file, needle) in [
        ("rsa.pub.pem", "rsa.pub.pem holds a public key"),
        ("rsa.pkcs1.pub.pem", "rsa.pkcs1.pub.pem holds a public key"),
        ("rsa.crt", "rsa.crt holds a public key"),
        ("ec256.pub.pem", "ec256.pub.pem holds a public key"),
        (
            "rsa1024.pem",
            "rsa1024.pem is an RSA key of fewer than 2048 bits",
        ),
        (
            "rsa1024.pkcs1.pem",
            "rsa1024.pkcs1.pem is an RSA key of fewer than 2048 bits",
        ),
        (
            "rsa8256.pem",
            "rsa8256.pem is an RSA key of more than 8192 bits",
        ),
        ("brainpool256.pem", "brainpool256.pem"),
        ("ec256.encrypted.pem", "ec256.encrypted.pem is encrypted"),
        ("garbage.pem", "garbage.pem"),
        ("empty.pem", "empty.pem"),
        ("broken.pem", "broken.pem"),
        ("junk.pem", "junk.pem"),
        ("dir.pem", "dir.pem: it is a directory"),
        ("missing.pem", "missing.pem: no such file"),
    ] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--key-file", file])
                .assert(),
            2,
            needle,
        );
    }
}

#[test]
fn there_is_no_none_algorithm() {
    let sandbox = Sandbox::new();
    for alg in ["none", "None", "hs256"] {
        fails(
            sandbox
                .cmd()
                .args(["issue", "--no-refresh", "--alg", alg])
                .assert(),
            2,
            "invalid value",
        );
    }
}

#[test]
fn both_secrets_cannot_come_from_stdin() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args([
            "issue",
            "--sub",
            "a",
            "--secret-file",
            "-",
            "--refresh-secret-file",
            "-",
        ])
        .write_stdin(format!("{SECRET}\n"))
        .assert();
    fails(assert, 2, "standard input cannot carry both");
}
