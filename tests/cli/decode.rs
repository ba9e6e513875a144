//! `jwtctl decode`: shows a token without verifying it, and says so.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::forge::{self, b64u, hmac_raw, hs256};
use crate::support::{SECRET, Sandbox, fails, issue_access, stderr, stdout};

const NOT_VERIFIED: &str = "note: the signature was NOT verified";

#[test]
fn shows_header_payload_and_signature_and_says_nothing_was_verified() {
    let sandbox = Sandbox::new();
    let token = issue_access(
        &sandbox,
        &["--sub", "alice", "--claim", "role=admin", "--kid", "k1"],
    );
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let out = stdout(&assert);
    for expected in [
        "Header\n",
        "\"alg\"  \"HS256\"  # signing algorithm",
        "\"typ\"  \"at+jwt\"  # token type",
        "\"kid\"  \"k1\"  # key id",
        "Payload\n",
        "\"sub\"   \"alice\"  # subject",
        "\"role\"  \"admin\"",
        "# expires, ",
        "Signature\n  32 bytes, not verified\n",
    ] {
        assert!(out.contains(expected), "{expected:?} not in\n{out}");
    }
    // Five minutes from issue, less the time this test took.
    assert!(out.contains("(in 5m)") || out.contains("(in 4m 5"), "{out}");
    assert!(!out.to_lowercase().contains("valid"), "{out}");
    let err = stderr(&assert);
    assert_eq!(
        err,
        "note: the signature was NOT verified: anyone can write these claims\n\
         hint: `jwtctl verify` checks the signature, the dates and the claims\n"
    );
}

#[test]
fn needs_no_key() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    sandbox
        .cmd()
        .env_remove("JWTCTL_SECRET")
        .args(["decode", &token])
        .assert()
        .success();
}

#[test]
fn json_is_the_parts_and_nothing_else() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    let assert = sandbox
        .cmd()
        .args(["decode", "--json", &token])
        .assert()
        .success();
    let out = stdout(&assert);
    assert_eq!(out.lines().count(), 1);
    let decoded: Value = serde_json::from_str(&out).expect("JSON");
    let (header, payload) = forge::parts(&token);
    assert_eq!(
        decoded,
        json!({
            "header": header,
            "payload": payload,
            "signature": token.rsplit('.').next().expect("a signature"),
        })
    );
    assert!(stderr(&assert).contains(NOT_VERIFIED));
}

#[test]
fn json_gets_an_error_object_for_a_token_that_does_not_decode() {
    let sandbox = Sandbox::new();
    let assert = sandbox
        .cmd()
        .args(["decode", "--json", "abc.def"])
        .assert()
        .code(1);
    assert!(stderr(&assert).contains("expected 3 segments"));
    let error: Value = serde_json::from_str(&stdout(&assert)).expect("JSON on stdout");
    assert_eq!(error["error"]["kind"], "malformed");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("expected 3 segments")),
        "{error}"
    );
    // Also for what is refused before decoding: here, input over the size limit.
    let assert = sandbox
        .cmd()
        .args(["decode", "--json"])
        .write_stdin("a".repeat(200_000))
        .assert()
        .code(1);
    let error: Value = serde_json::from_str(&stdout(&assert)).expect("JSON on stdout");
    assert_eq!(error["error"]["kind"], "malformed");
    // A file name given as the token is a usage mistake (exit 2, issue 11), not a token.
    sandbox.write("token.jwt", "x");
    fails(
        sandbox
            .cmd()
            .args(["decode", "--json", "token.jwt"])
            .assert(),
        2,
        "is a file name, not a token",
    );
    // Without --json, stdout stays empty.
    let assert = fails(sandbox.cmd().args(["decode", "abc.def"]).assert(), 1, "");
    assert_eq!(stdout(&assert), "");
}

#[test]
fn a_name_given_twice_is_shown_once_with_a_warning() {
    let sandbox = Sandbox::new();
    // Raw JSON text: a serde map could not hold the same name twice.
    let header = r#"{"alg":"HS256","typ":"at+jwt"}"#;
    let payload = r#"{"sub":"alice","role":"user","role":"admin","exp":4102444800}"#;
    let token = hmac_raw(header, payload, SECRET.as_bytes(), Algorithm::HS256);
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let err = stderr(&assert);
    assert!(
        err.contains("warning: the payload gives \"role\" more than once"),
        "{err}"
    );
    assert!(stdout(&assert).contains("admin"));
    // verify refuses it, as the warning says.
    fails(
        sandbox.cmd().args(["verify", &token]).assert(),
        1,
        "more than once",
    );
    // A token without duplicates gets no such warning.
    let plain = issue_access(&sandbox, &["--sub", "alice"]);
    let assert = sandbox.cmd().args(["decode", &plain]).assert().success();
    assert!(!stderr(&assert).contains("more than once"));
}

#[test]
fn reads_stdin_with_bearer_and_whitespace() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice"]);
    for input in [format!("{token}\n"), format!("  Bearer {token}\r\n")] {
        let assert = sandbox
            .cmd()
            .args(["decode", "--json"])
            .write_stdin(input)
            .assert()
            .success();
        let decoded: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
        assert_eq!(decoded["payload"]["sub"], "alice");
    }
}

#[test]
fn a_forged_or_expired_token_still_decodes_with_warnings() {
    let sandbox = Sandbox::new();
    let expired = hs256(
        &json!({ "alg": "HS256" }),
        &json!({ "sub": "alice", "exp": forge::now() - 3 * 3600 }),
    );
    let forged = forge::replace_segment(&expired, 2, "AAAA");
    for token in [&expired, &forged] {
        let assert = sandbox.cmd().args(["decode", token]).assert().success();
        let err = stderr(&assert);
        assert!(err.contains("warning: expired 3h"), "{err}");
        assert!(err.contains(NOT_VERIFIED), "{err}");
        assert!(stdout(&assert).contains(" (3h"), "{}", stdout(&assert));
    }
}

#[test]
fn warns_of_what_can_be_seen_without_a_key() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            json!({ "alg": "none" }),
            json!({ "exp": forge::now() + 60 }),
            "alg is none",
        ),
        (
            json!({ "alg": "NoNe" }),
            json!({ "exp": forge::now() + 60 }),
            "alg is none",
        ),
        (
            json!({ "typ": "JWT" }),
            json!({ "exp": forge::now() + 60 }),
            "the header has no alg",
        ),
        (
            json!({ "alg": 256 }),
            json!({ "exp": forge::now() + 60 }),
            "the header has no alg",
        ),
        (
            json!({ "alg": "HS256" }),
            json!({ "sub": "a" }),
            "no exp claim: this token never expires",
        ),
        (
            json!({ "alg": "HS256" }),
            json!({ "exp": "tomorrow" }),
            "claim exp is a string",
        ),
        (
            json!({ "alg": "HS256" }),
            json!({ "exp": forge::now() + 7200, "nbf": forge::now() + 3600 }),
            "not valid for another",
        ),
    ];
    for (header, claims, needle) in cases {
        let token = hs256(&header, &claims);
        let assert = sandbox.cmd().args(["decode", &token]).assert().success();
        let err = stderr(&assert);
        assert!(
            err.contains(&format!("warning: {needle}")),
            "{needle:?} not in {err}"
        );
        assert!(err.contains(NOT_VERIFIED));
    }
}

#[test]
fn shows_tokens_verify_would_reject_for_their_algorithm() {
    let sandbox = Sandbox::new();
    for alg in [
        json!(null),
        json!(""),
        json!("hs256"),
        json!("HS256 "),
        json!("HS1024"),
        json!("ES512"),
    ] {
        let token = hs256(&json!({ "alg": alg, "typ": "at+jwt" }), &forge::claims());
        let assert = sandbox
            .cmd()
            .args(["decode", "--json", &token])
            .assert()
            .success();
        let decoded: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
        assert_eq!(decoded["header"]["alg"], alg);
        assert_eq!(decoded["payload"]["sub"], "alice");
    }
}

#[test]
fn escapes_control_bidi_and_invisible_characters() {
    let sandbox = Sandbox::new();
    let claims = json!({
        "sub": "admin\u{1b}[2J\u{1b}[1;1H",
        "name": "evil\u{202e}gnp.exe",
        "role": "ad\u{200b}min",
        "bell": "a\u{7}b\u{9b}c",
        "lines": "one\ntwo\rthree\u{2028}",
        "isolate": "\u{2066}x\u{2069}",
        "bom": "\u{feff}x\u{00ad}",
        "nested": { "k\u{202e}": ["\u{1b}]0;title\u{7}"] },
        "exp": forge::now() + 60,
    });
    let token = hs256(&json!({ "alg": "HS256", "kid": "k\u{1b}[31m" }), &claims);
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let out = stdout(&assert);
    for dangerous in [
        '\u{1b}', '\u{7}', '\u{9b}', '\r', '\u{202e}', '\u{200b}', '\u{2028}', '\u{2066}',
        '\u{2069}', '\u{feff}', '\u{00ad}',
    ] {
        assert!(
            !out.contains(dangerous),
            "U+{:04X} reached stdout:\n{out}",
            dangerous as u32
        );
    }
    for escaped in [
        "\"admin\\u001b[2J\\u001b[1;1H\"",
        "\"evil\\u{202e}gnp.exe\"",
        "\"ad\\u{200b}min\"",
        "\"one\\ntwo\\rthree\\u{2028}\"",
        "\"k\\u001b[31m\"",
    ] {
        assert!(out.contains(escaped), "{escaped} not in\n{out}");
    }
    // Every line of output is one line: no claim can start a new one.
    let claim_count = claims.as_object().expect("an object").len();
    let headings = 3;
    let (header_lines, signature_lines) = (2, 1);
    assert_eq!(
        out.lines().count(),
        headings + header_lines + claim_count + signature_lines,
        "{out}"
    );
}

#[test]
fn an_encrypted_token_shows_its_header_and_says_so() {
    let sandbox = Sandbox::new();
    let header = b64u(r#"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"k1"}"#);
    let token = format!(
        "{header}.{}.{}.{}.{}",
        b64u([1u8; 256]),
        b64u([2u8; 12]),
        b64u(b"ciphertext"),
        b64u([3u8; 16])
    );
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let out = stdout(&assert);
    assert!(out.contains("\"enc\"  \"A256GCM\""), "{out}");
    assert!(out.contains("encrypted (JWE, 5 segments)"), "{out}");
    assert!(!out.to_lowercase().contains("valid"));
    let assert = sandbox
        .cmd()
        .args(["decode", "--json", &token])
        .assert()
        .success();
    let decoded: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(decoded["encrypted"], true);
    assert_eq!(decoded["header"]["alg"], "RSA-OAEP");
    // A direct-encryption JWE has an empty second segment.
    let direct = format!(
        "{}..{}.{}.{}",
        b64u(r#"{"alg":"dir","enc":"A128GCM"}"#),
        b64u([2u8; 12]),
        b64u(b"c"),
        b64u([3u8; 16])
    );
    sandbox.cmd().args(["decode", &direct]).assert().success();
}

#[test]
fn malformed_tokens_are_rejected() {
    let sandbox = Sandbox::new();
    let array = hmac_raw("[1]", "{}", b"k", jsonwebtoken::Algorithm::HS256);
    for (token, needle) in [
        ("a.b", "found 2"),
        ("a.b.c.d", "found 4"),
        ("e30.e30.c2ln=", "base64url in JWTs has no padding"),
        ("e30.e30.c2+n", "standard base64, not base64url"),
        ("e30.e3 0.c2ln", "not base64url"),
        ("e30.eyJh.c2ln", "segment 2 (payload) is not valid JSON"),
        (&array, "segment 1 (header) is JSON an array, not an object"),
        ("{\"payload\":\"e30\",\"signatures\":[]}", "token is JSON"),
    ] {
        fails(sandbox.cmd().args(["decode", token]).assert(), 1, needle);
    }
    fails(
        sandbox.cmd().args(["decode", ""]).assert(),
        2,
        "token is empty",
    );
    fails(
        sandbox
            .cmd()
            .arg("decode")
            .write_stdin("x".repeat(1 << 20))
            .assert(),
        1,
        "longer than the limit of 65536 bytes",
    );
}

#[test]
fn dates_are_shown_in_utc_or_local_time() {
    let sandbox = Sandbox::new();
    let token = hs256(
        &json!({ "alg": "HS256" }),
        &json!({ "exp": 1_800_000_000, "iat": 1_799_999_700 }),
    );
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    assert!(stdout(&assert).contains("2027-01-15T08:00:00Z"));
    let assert = sandbox
        .cmd()
        .env("TZ", "UTC")
        .args(["decode", "--date", "local", &token])
        .assert()
        .success();
    assert!(
        stdout(&assert).contains("2027-01-15 08:00:00 UTC"),
        "{}",
        stdout(&assert)
    );
    fails(
        sandbox
            .cmd()
            .args(["decode", "--date", "mars", &token])
            .assert(),
        2,
        "invalid value",
    );
}
