//! One test per case of /work/shared/SECURITY.md that concerns signing, verifying, decoding,
//! keys, header and claims (cases 1-28, 38 and 39). Tokens are forged by hand so that headers
//! and claims can be what the issuing code would never write.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use crate::forge::{
    self, NOW, access_header, b64u, claims, hmac_raw, hs256, key, non_canonical, reject_kind,
    rejected, replace_segment, sign_input, signing_input, verify, verify_rejects, with_pem,
};
use crate::support::{SECRET, Sandbox, fails, fixture, issue_access, issue_pair, stderr, stdout};

const AT_NOW: [&str; 2] = ["--now", "1800000000"];

/// Claims valid at `NOW`, with `extra` merged in (a `null` removes a claim).
fn at_now(extra: Value) -> Value {
    let mut claims = json!({ "sub": "alice", "iat": NOW - 10, "exp": NOW + 3600, "jti": "j1" });
    for (name, value) in extra.as_object().expect("an object") {
        claims[name] = value.clone();
    }
    claims
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().expect("an object").remove(name);
    claims
}

fn with_now<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = AT_NOW.to_vec();
    all.extend_from_slice(args);
    all
}

fn secret_hs256(header: &str, payload: &str) -> String {
    hmac_raw(header, payload, SECRET.as_bytes(), Algorithm::HS256)
}

// --- Format ----------------------------------------------------------------------------------

#[test]
fn case_01_wrong_segment_count_empty_input_and_json_serialization() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let segments: Vec<&str> = token.split('.').collect();
    let json_serialization = json!({
        "payload": segments[1],
        "protected": segments[0],
        "signature": segments[2],
    })
    .to_string();
    let flattened = json!({
        "payload": segments[1],
        "signatures": [{ "protected": segments[0], "signature": segments[2] }],
    })
    .to_string();
    for (input, needle) in [
        (format!("{}.{}", segments[0], segments[1]), "found 2"),
        (format!("{token}.{}", segments[2]), "found 4"),
        (format!("{token}."), "found 4"),
        (segments[0].to_owned(), "found 1"),
        ("..".to_owned(), "segment 1 (header) is not valid JSON"),
        (json_serialization, "only the compact serialization"),
        (flattened, "only the compact serialization"),
    ] {
        verify_rejects(&sandbox, &input, &[], 1, needle);
    }
    // No token at all is a usage error (2), whether as an argument or on stdin.
    fails(
        sandbox.cmd().args(["verify", ""]).assert(),
        2,
        "token is empty",
    );
    fails(
        sandbox.cmd().arg("verify").write_stdin("\n").assert(),
        2,
        "token is empty",
    );
}

#[test]
fn case_02_characters_outside_base64url_padding_and_inner_whitespace() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let (dot1, dot2) = {
        let mut dots = token.match_indices('.').map(|(i, _)| i);
        (dots.next().expect("a dot"), dots.next().expect("a dot"))
    };
    let insert = |at: usize, text: &str| format!("{}{text}{}", &token[..at], &token[at..]);
    for (input, needle) in [
        (format!("{token}="), "base64url in JWTs has no padding"),
        (format!("{token}=="), "no padding"),
        (insert(dot1, "="), "segment 1 (header) has character '='"),
        (insert(dot2, "=="), "segment 2 (payload) has character '='"),
        (insert(dot1 + 3, "+"), "standard base64, not base64url"),
        (
            insert(dot2 + 3, "/"),
            "segment 3 (signature) has character '/'",
        ),
        (insert(dot2 + 3, " "), "whitespace inside the token"),
        (insert(dot1, "\n"), "more than one line"),
        (insert(5, "\t"), "U+0009"),
        (insert(5, "é"), "not base64url"),
        (insert(dot2 + 1, "\u{200b}"), "not base64url"),
        (insert(dot1, "%"), "character '%'"),
    ] {
        verify_rejects(&sandbox, &input, &[], 1, needle);
    }
    // A newline or a CRLF at the end, surrounding whitespace and a leading Bearer are fine.
    for input in [
        format!("{token}\n"),
        format!("{token}\r\n"),
        format!(" Bearer {token} \n"),
    ] {
        sandbox
            .cmd()
            .args(["verify", "-q"])
            .write_stdin(input)
            .assert()
            .success();
    }
    // Bearer is a prefix, not something that may appear anywhere.
    verify_rejects(
        &sandbox,
        &format!("Bearer Bearer {token}"),
        &[],
        1,
        "not base64url",
    );
    // NUL cannot be in an argument; on stdin it is one more character that is not base64url.
    fails(
        sandbox
            .cmd()
            .arg("verify")
            .write_stdin(insert(5, "\u{0}"))
            .assert(),
        1,
        "U+0000",
    );
    // Not UTF-8 at all.
    let mut bytes = token.clone().into_bytes();
    bytes.insert(3, 0xff);
    fails(
        sandbox.cmd().arg("verify").write_stdin(bytes).assert(),
        1,
        "not UTF-8",
    );
}

#[test]
fn case_03_non_canonical_base64url_is_rejected_even_when_correctly_signed() {
    let sandbox = Sandbox::new();
    // Header and payload text padded with JSON whitespace so that their encodings end with
    // unused bits, then encoded non-canonically, then signed: the signature is good.
    let pad = |text: String| {
        let mut text = text;
        while text.len().is_multiple_of(3) {
            text.push(' ');
        }
        text
    };
    let header = b64u(pad(access_header().to_string()));
    let payload = b64u(pad(claims().to_string()));
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    let canonical = sign_input(&format!("{header}.{payload}"), &key, Algorithm::HS256);
    verify(&sandbox, &canonical, &[]).success();
    for (index, input) in [
        (1, format!("{}.{payload}", non_canonical(&header))),
        (2, format!("{header}.{}", non_canonical(&payload))),
    ] {
        let token = sign_input(&input, &key, Algorithm::HS256);
        let needle = format!(
            "segment {index} ({}) is not valid base64url",
            ["", "header", "payload"][index]
        );
        verify_rejects(&sandbox, &token, &[], 1, &needle);
    }
    // The signature of HS256 is 32 bytes: 43 characters, the last with 2 unused bits.
    let signature = canonical.rsplit('.').next().expect("a signature");
    let token = replace_segment(&canonical, 2, &non_canonical(signature));
    verify_rejects(
        &sandbox,
        &token,
        &[],
        1,
        "segment 3 (signature) is not valid base64url",
    );
    // An impossible length (4n + 1 characters) is not base64url either.
    let token = replace_segment(&canonical, 2, &format!("{signature}AA"));
    verify_rejects(&sandbox, &token, &[], 1, "segment 3 (signature)");
}

#[test]
fn case_04_oversized_input_is_refused_quickly_with_the_limit() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let (header, rest) = token.split_once('.').expect("a dot");
    let huge_payload = format!("{header}.{}{rest}", "A".repeat(1 << 20));
    for input in [
        "a".repeat(1 << 20),
        huge_payload,
        ".".repeat(1 << 20),
        format!("{}\n", "x".repeat(5 << 20)),
    ] {
        for command in ["verify", "decode"] {
            let started = Instant::now();
            let assert = sandbox
                .cmd()
                .arg(command)
                .write_stdin(input.clone())
                .assert();
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{command} took {:?}",
                started.elapsed()
            );
            let assert = fails(assert, 1, "longer than the limit of 65536 bytes");
            assert!(stderr(&assert).len() < 200, "{}", stderr(&assert));
        }
    }
    // Just over the limit as an argument (well under the kernel's limit for one argument).
    let big = format!("{header}.{}.{}", "A".repeat(65_536), "A".repeat(43));
    for command in ["verify", "decode"] {
        fails(
            sandbox.cmd().args([command, &big]).assert(),
            1,
            "more than the limit of 65536 bytes",
        );
    }
}

#[test]
fn case_05_header_or_payload_that_is_not_a_utf8_json_object() {
    let sandbox = Sandbox::new();
    let header = access_header().to_string();
    let payload = claims().to_string();
    let utf16 =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
        (
            b"\"HS256\"".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is JSON a string",
        ),
        (
            b"[{\"alg\":\"HS256\"}]".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is JSON an array",
        ),
        (
            b"null".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is JSON null",
        ),
        (
            b"42".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is JSON a number",
        ),
        (
            format!("\u{feff}{header}").into_bytes(),
            payload.clone().into_bytes(),
            "segment 1 (header) is not valid JSON",
        ),
        (
            utf16(&header),
            payload.clone().into_bytes(),
            "segment 1 (header) is not valid JSON",
        ),
        (
            b"{\"alg\":\"HS256\"".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is not valid JSON",
        ),
        (
            b"{\"alg\":\"HS\xff\"}".to_vec(),
            payload.clone().into_bytes(),
            "segment 1 (header) is not valid JSON",
        ),
        (
            Vec::new(),
            payload.clone().into_bytes(),
            "segment 1 (header) is not valid JSON",
        ),
        (
            header.clone().into_bytes(),
            b"[]".to_vec(),
            "segment 2 (payload) is JSON an array",
        ),
        (
            header.clone().into_bytes(),
            b"\"sub\"".to_vec(),
            "segment 2 (payload) is JSON a string",
        ),
        (
            header.clone().into_bytes(),
            format!("\u{feff}{payload}").into_bytes(),
            "segment 2 (payload) is not valid JSON",
        ),
        (
            header.clone().into_bytes(),
            utf16(&payload),
            "segment 2 (payload) is not valid JSON",
        ),
        (
            header.clone().into_bytes(),
            Vec::new(),
            "segment 2 (payload) is not valid JSON",
        ),
    ];
    let key = EncodingKey::from_secret(SECRET.as_bytes());
    for (header, payload, needle) in cases {
        let token = sign_input(
            &format!("{}.{}", b64u(&header), b64u(&payload)),
            &key,
            Algorithm::HS256,
        );
        verify_rejects(&sandbox, &token, &[], 1, needle);
        fails(sandbox.cmd().args(["decode", &token]).assert(), 1, needle);
    }
}

#[test]
fn case_06_jwe_is_shown_by_decode_and_rejected_by_verify() {
    let sandbox = Sandbox::new();
    let header = b64u(r#"{"alg":"dir","enc":"A256GCM","typ":"at+jwt"}"#);
    let token = format!(
        "{header}..{}.{}.{}",
        b64u([7u8; 12]),
        b64u(b"secret payload"),
        b64u([9u8; 16])
    );
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let out = stdout(&assert);
    assert!(out.contains("\"alg\"  \"dir\""), "{out}");
    assert!(out.contains("encrypted"), "{out}");
    assert!(stderr(&assert).contains("NOT verified"));
    for args in [&[][..], &["--type", "any"][..], &["--alg", "HS256"][..]] {
        verify_rejects(
            &sandbox,
            &token,
            args,
            1,
            "token is encrypted (JWE, 5 segments)",
        );
    }
    assert_eq!(reject_kind(&sandbox, &token, &[], 1), "malformed");
    // A JWE whose header is not JSON is malformed for both.
    let broken = format!(
        "bm9wZQ..{}.{}.{}",
        b64u([7u8; 12]),
        b64u(b"x"),
        b64u([9u8; 16])
    );
    verify_rejects(
        &sandbox,
        &broken,
        &[],
        1,
        "segment 1 (header) is not valid JSON",
    );
    fails(
        sandbox.cmd().args(["decode", &broken]).assert(),
        1,
        "not valid JSON",
    );
}

// --- Algorithms ------------------------------------------------------------------------------

#[test]
fn case_07_alg_none_in_any_casing_with_an_empty_or_a_real_signature() {
    let sandbox = Sandbox::new();
    let payload = claims().to_string();
    for alg in ["none", "None", "NONE", "nOnE", "none ", " none"] {
        let header = json!({ "alg": alg, "typ": "at+jwt" }).to_string();
        let input = signing_input(&header, &payload);
        let real = secret_hs256(&header, &payload);
        for token in [format!("{input}."), real] {
            for args in [
                &[][..],
                &["--alg", "HS256", "--alg", "HS512"][..],
                &["--type", "any"][..],
            ] {
                verify_rejects(
                    &sandbox,
                    &token,
                    args,
                    1,
                    "algorithm none is never accepted",
                );
            }
            assert_eq!(reject_kind(&sandbox, &token, &[], 1), "algorithm");
        }
    }
    // With a public key configured too.
    key(&sandbox, "rsa.pub.pem");
    let token = format!("{}.", signing_input(r#"{"alg":"none"}"#, &payload));
    verify_rejects(
        &sandbox,
        &token,
        &["--key-file", "rsa.pub.pem"],
        1,
        "algorithm none",
    );
}

#[test]
fn case_08_missing_null_empty_lowercase_padded_or_unknown_alg() {
    let sandbox = Sandbox::new();
    let payload = claims().to_string();
    let cases = [
        (
            json!({ "typ": "at+jwt" }),
            "header has no alg (expected HS256)",
        ),
        (json!({ "alg": null }), "header alg is null, not a string"),
        (
            json!({ "alg": ["HS256"] }),
            "header alg is an array, not a string",
        ),
        (
            json!({ "alg": { "name": "HS256" } }),
            "header alg is an object",
        ),
        (json!({ "alg": 256 }), "header alg is a number"),
        (
            json!({ "alg": "" }),
            "algorithm \"\" is not supported (expected HS256)",
        ),
        (
            json!({ "alg": "hs256" }),
            "algorithm \"hs256\" is not supported",
        ),
        (
            json!({ "alg": "Hs256" }),
            "algorithm \"Hs256\" is not supported",
        ),
        (
            json!({ "alg": "HS256 " }),
            "algorithm \"HS256 \" is not supported",
        ),
        (
            json!({ "alg": " HS256" }),
            "algorithm \" HS256\" is not supported",
        ),
        (
            json!({ "alg": "HS256\u{0}" }),
            "algorithm \"HS256\\u0000\" is not supported",
        ),
        (
            json!({ "alg": "HS1024" }),
            "algorithm \"HS1024\" is not supported",
        ),
        (
            json!({ "alg": "ES521" }),
            "algorithm \"ES521\" is not supported",
        ),
        (
            json!({ "alg": "ES256k" }),
            "algorithm \"ES256k\" is not supported",
        ),
        (
            json!({ "alg": "Ed25519" }),
            "algorithm \"Ed25519\" is not supported",
        ),
        (json!({ "alg": "x".repeat(500) }), "is not supported"),
    ];
    for (header, needle) in cases {
        // Signed HS256 with the right secret: only the alg is wrong.
        let token = secret_hs256(&header.to_string(), &payload);
        let assert = rejected(verify(&sandbox, &token, &[]), 1, needle, &token);
        assert!(
            stderr(&assert).len() < 300,
            "the message quotes a bounded part: {}",
            stderr(&assert)
        );
        assert_eq!(reject_kind(&sandbox, &token, &[], 1), "algorithm");
        // decode still shows the token.
        let assert = sandbox
            .cmd()
            .args(["decode", "--json", &token])
            .assert()
            .success();
        let decoded: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
        assert_eq!(decoded["header"], header);
        assert_eq!(decoded["payload"]["sub"], "alice");
    }
}

#[test]
fn case_09_bad_signatures_and_changed_payloads() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &["--sub", "alice", "--claim", "role=user"]);
    verify(&sandbox, &token, &[]).success();
    let segments: Vec<&str> = token.split('.').collect();
    let other = issue_access(&sandbox, &["--sub", "bob"]);
    let foreign = other.rsplit('.').next().expect("a signature");
    let mut claims = forge::parts(&token).1;
    claims["role"] = json!("admin");
    let other_secret = "0".repeat(64);
    let cases = [
        replace_segment(&token, 2, ""),
        replace_segment(&token, 2, &segments[2][..20]),
        replace_segment(&token, 2, &segments[2][..42]),
        replace_segment(&token, 2, &format!("{}AAAA", segments[2])),
        replace_segment(&token, 2, foreign),
        replace_segment(&token, 2, &b64u([0u8; 32])),
        replace_segment(&token, 1, &b64u(claims.to_string())),
        replace_segment(
            &token,
            0,
            &b64u(r#"{"alg":"HS256","typ":"at+jwt","kid":"x"}"#),
        ),
        hmac_raw(
            &access_header().to_string(),
            &claims.to_string(),
            other_secret.as_bytes(),
            Algorithm::HS256,
        ),
        hmac_raw(
            &access_header().to_string(),
            &claims.to_string(),
            &SECRET.as_bytes()[..63],
            Algorithm::HS256,
        ),
    ];
    for forged in cases {
        rejected(verify(&sandbox, &forged, &[]), 1, "token rejected", &forged);
        let kind = reject_kind(&sandbox, &forged, &[], 1);
        assert!(kind == "signature" || kind == "malformed", "{kind}");
    }
    // Asymmetric: signed with another RSA key, an EC key with another EC key.
    key(&sandbox, "rsa.pub.pem");
    key(&sandbox, "ec256.pub.pem");
    let rsa = with_pem(
        &json!({ "alg": "RS256" }),
        &forge::claims(),
        "rsa-other.pkcs1.pem",
        Algorithm::RS256,
    );
    verify_rejects(
        &sandbox,
        &rsa,
        &["--key-file", "rsa.pub.pem"],
        1,
        "signature does not match",
    );
    let ec = with_pem(
        &json!({ "alg": "ES256" }),
        &forge::claims(),
        "ec256-other.pem",
        Algorithm::ES256,
    );
    verify_rejects(
        &sandbox,
        &ec,
        &["--key-file", "ec256.pub.pem"],
        1,
        "signature does not match",
    );
}

#[test]
fn case_10_substitution_inside_a_family() {
    let sandbox = Sandbox::new();
    let payload = claims().to_string();
    for (alg, jwt_alg) in [("HS512", Algorithm::HS512), ("HS384", Algorithm::HS384)] {
        let token = hmac_raw(
            &json!({ "alg": alg }).to_string(),
            &payload,
            SECRET.as_bytes(),
            jwt_alg,
        );
        verify_rejects(
            &sandbox,
            &token,
            &[],
            1,
            &format!("algorithm {alg} is not allowed (expected HS256)"),
        );
        // The token is genuine: pinning its algorithm accepts it.
        verify(&sandbox, &token, &["--alg", alg]).success();
    }
    // HS256 under a header that says HS512: the header's alg is what is checked.
    let lying = hmac_raw(
        r#"{"alg":"HS512"}"#,
        &payload,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    verify_rejects(
        &sandbox,
        &lying,
        &["--alg", "HS512"],
        1,
        "signature does not match",
    );

    key(&sandbox, "rsa.pub.pem");
    for (alg, jwt_alg) in [("PS256", Algorithm::PS256), ("RS512", Algorithm::RS512)] {
        let token = with_pem(&json!({ "alg": alg }), &forge::claims(), "rsa.pem", jwt_alg);
        verify_rejects(
            &sandbox,
            &token,
            &["--key-file", "rsa.pub.pem"],
            1,
            &format!("algorithm {alg} is not allowed (expected RS256)"),
        );
        verify(
            &sandbox,
            &token,
            &["--key-file", "rsa.pub.pem", "--alg", alg],
        )
        .success();
    }
}

#[test]
fn case_11_key_confusion_public_key_bytes_as_an_hmac_secret() {
    let sandbox = Sandbox::new();
    let payload = claims().to_string();
    for public in ["rsa.pub.pem", "rsa.pkcs1.pub.pem"] {
        key(&sandbox, public);
        let bytes = std::fs::read(fixture(&format!("keys/{public}"))).expect("read");
        assert!(bytes.ends_with(b"\n"));
        let trimmed = &bytes[..bytes.len() - 1];
        for secret in [&bytes[..], trimmed] {
            for alg in ["HS256", "HS384", "HS512"] {
                let jwt_alg: Algorithm = alg.parse().expect("an algorithm");
                let header = json!({ "alg": alg, "typ": "at+jwt" }).to_string();
                let token = hmac_raw(&header, &payload, secret, jwt_alg);
                for verifying_key in ["rsa.pub.pem", "rsa.pkcs1.pub.pem"] {
                    key(&sandbox, verifying_key);
                    for extra in [
                        &[][..],
                        &["--alg", "RS256"][..],
                        &["--alg", "PS256", "--alg", "RS256"][..],
                    ] {
                        let mut args = vec!["--key-file", verifying_key];
                        args.extend_from_slice(extra);
                        verify_rejects(
                            &sandbox,
                            &token,
                            &args,
                            1,
                            &format!("algorithm {alg} is not allowed"),
                        );
                    }
                    // Asking for the HMAC algorithm with a public key file is refused outright.
                    fails(
                        verify(
                            &sandbox,
                            &token,
                            &["--key-file", verifying_key, "--alg", alg],
                        ),
                        2,
                        &format!("algorithm {alg} cannot be used with {verifying_key}"),
                    );
                }
            }
        }
        // The forgery is real: the same file used on purpose as an HMAC secret file (one
        // trailing newline is stripped) does verify it.
        let token = hmac_raw(r#"{"alg":"HS256"}"#, &payload, trimmed, Algorithm::HS256);
        verify(&sandbox, &token, &["--secret-file", public]).success();
    }
    // The same with the certificate and with EC and Ed25519 keys.
    for (public, secret_file) in [
        ("rsa.crt", "rsa.crt"),
        ("ec256.pub.pem", "ec256.pub.pem"),
        ("ed25519.pub.pem", "ed25519.pub.pem"),
    ] {
        key(&sandbox, public);
        let bytes = std::fs::read(fixture(&format!("keys/{secret_file}"))).expect("read");
        let token = hmac_raw(r#"{"alg":"HS256"}"#, &payload, &bytes, Algorithm::HS256);
        verify_rejects(
            &sandbox,
            &token,
            &["--key-file", public],
            1,
            "algorithm HS256 is not allowed",
        );
    }
}

/// The order of the P-256 group.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

#[test]
fn case_12_psychic_signatures_r_s_zero() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.pub.pem");
    key(&sandbox, "ec384.pub.pem");
    let payload = claims().to_string();
    let p256_input = signing_input(r#"{"alg":"ES256","typ":"at+jwt"}"#, &payload);
    let p384_input = signing_input(r#"{"alg":"ES384","typ":"at+jwt"}"#, &payload);
    let order_twice = [P256_N, P256_N].concat();
    let cases = [
        (format!("{p256_input}.{}", b64u([0u8; 64])), "ec256.pub.pem"),
        (
            format!("{p256_input}.{}", b64u(&order_twice)),
            "ec256.pub.pem",
        ),
        (
            format!(
                "{p256_input}.{}",
                b64u([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])
            ),
            "ec256.pub.pem",
        ),
        (format!("{p256_input}.{}", b64u([0u8; 1])), "ec256.pub.pem"),
        (format!("{p384_input}.{}", b64u([0u8; 96])), "ec384.pub.pem"),
    ];
    for (token, public) in cases {
        verify_rejects(
            &sandbox,
            &token,
            &["--key-file", public],
            1,
            "signature does not match",
        );
    }
}

#[test]
fn case_13_ecdsa_signatures_are_malleable_so_only_the_jti_identifies_a_token() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.pub.pem");
    let token = with_pem(
        &access_header_for("ES256"),
        &forge::claims(),
        "ec256.pem",
        Algorithm::ES256,
    );
    let signature = base64_decode(token.rsplit('.').next().expect("a signature"));
    let (r, s) = signature.split_at(32);
    let high_s = subtract(&P256_N, s);
    let malleated = replace_segment(&token, 2, &b64u([r, &high_s[..]].concat()));
    assert_ne!(malleated, token);
    let claims_of = |token: &str| -> Value {
        let assert = verify(&sandbox, token, &["--key-file", "ec256.pub.pem", "--json"]).success();
        serde_json::from_str(&stdout(&assert)).expect("JSON")
    };
    // Both strings verify: a store must key on the verified jti, never on the token's text.
    let (first, second) = (claims_of(&token), claims_of(&malleated));
    assert_eq!(first["claims"]["jti"], "j-forged");
    assert_eq!(first["claims"], second["claims"]);
}

/// The store side of case 13: a key pair's refresh tokens are signed with an HMAC key derived
/// from the private key (issue 12), so an ECDSA refresh signature that could be re-signed as
/// `(r, n - s)` no longer exists; a spent refresh token presented again is still reuse.
#[test]
fn case_13_a_key_pairs_refresh_tokens_are_not_malleable_and_reuse_is_caught() {
    let sandbox = Sandbox::new();
    key(&sandbox, "ec256.pem");
    let with_key = ["--key-file", "ec256.pem"];
    let (_, refresh) = crate::support::issue_pair(&sandbox, "alice", &with_key);
    assert_eq!(forge::parts(&refresh).0["alg"], "HS256");
    sandbox
        .cmd()
        .arg("refresh")
        .args(with_key)
        .arg(&refresh)
        .assert()
        .success();
    let assert = sandbox
        .cmd()
        .arg("refresh")
        .args(with_key)
        .arg(&refresh)
        .assert();
    crate::support::fails(assert, 1, "refresh token reuse detected");
}

fn access_header_for(alg: &str) -> Value {
    json!({ "alg": alg, "typ": "at+jwt" })
}

fn base64_decode(segment: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .expect("base64url")
}

/// `a - b` for big-endian numbers of the same length, `a >= b`.
fn subtract(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut result = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let mut digit = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(digit < 0);
        if digit < 0 {
            digit += 256;
        }
        result[i] = digit as u8;
    }
    assert_eq!(borrow, 0);
    result
}

// --- Keys and secrets ------------------------------------------------------------------------

#[test]
fn case_14_secrets_shorter_than_the_hash_are_refused_unless_allowed() {
    let sandbox = Sandbox::new();
    for (alg, minimum) in [("HS256", 32usize), ("HS384", 48), ("HS512", 64)] {
        let jwt_alg: Algorithm = alg.parse().expect("an algorithm");
        for len in [0, 1, minimum - 1, minimum] {
            let secret = "s".repeat(len);
            let token = hmac_raw(
                &json!({ "alg": alg }).to_string(),
                &claims().to_string(),
                secret.as_bytes(),
                jwt_alg,
            );
            let run = |extra: &[&str]| {
                sandbox
                    .cmd()
                    .env("JWTCTL_SECRET", &secret)
                    .args(["verify", "--alg", alg])
                    .args(extra)
                    .arg(&token)
                    .assert()
            };
            match len {
                0 => {
                    fails(
                        run(&[]),
                        2,
                        "the secret from environment variable JWTCTL_SECRET is empty",
                    );
                    fails(run(&["--allow-weak-secret"]), 2, "is empty");
                }
                len if len < minimum => {
                    fails(
                        run(&[]),
                        2,
                        &format!(
                            "is {len} bytes; {alg} needs at least {minimum} (RFC 7518 section 3.2)"
                        ),
                    );
                    let assert = run(&["--allow-weak-secret"]).success();
                    assert!(stderr(&assert).contains("warning:"), "{}", stderr(&assert));
                    fails(
                        sandbox
                            .cmd()
                            .env("JWTCTL_SECRET", &secret)
                            .args(["issue", "--no-refresh", "--alg", alg])
                            .assert(),
                        2,
                        "--allow-weak-secret",
                    );
                }
                _ => {
                    run(&[]).success().stderr("");
                }
            }
        }
    }
    // Every pinned algorithm's minimum applies.
    fails(
        sandbox
            .cmd()
            .env("JWTCTL_SECRET", "s".repeat(48))
            .args(["verify", "--alg", "HS256", "--alg", "HS512", "x.y.z"])
            .assert(),
        2,
        "HS512 needs at least 64",
    );
}

#[test]
fn case_15_rsa_keys_under_2048_bits_are_refused() {
    let sandbox = Sandbox::new();
    key(&sandbox, "rsa1024.pem");
    key(&sandbox, "rsa1024.pub.pem");
    fails(
        sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--key-file", "rsa1024.pem"])
            .assert(),
        2,
        "rsa1024.pem",
    );
    // The key is refused before any token is looked at (aws-lc cannot even sign with it).
    let token = with_pem(
        &json!({ "alg": "RS256" }),
        &forge::claims(),
        "rsa.pem",
        Algorithm::RS256,
    );
    fails(
        verify(&sandbox, &token, &["--key-file", "rsa1024.pub.pem"]),
        2,
        "rsa1024.pub.pem is an RSA 1024-bit key; at least 2048 bits are required",
    );
}

#[test]
fn case_16_unusable_verifying_keys_are_usage_errors_naming_the_file() {
    let sandbox = Sandbox::new();
    let token = with_pem(
        &json!({ "alg": "ES256" }),
        &forge::claims(),
        "ec256.pem",
        Algorithm::ES256,
    );
    for name in [
        "rsa.pem",
        "ec256.sec1.pem",
        "ed25519.pem",
        "brainpool256.pub.pem",
        "ed448.pub.pem",
        "ec256.pub.pem",
    ] {
        key(&sandbox, name);
    }
    sandbox.write("garbage.pem", "hello\n");
    sandbox.write("empty.pem", "");
    sandbox.write("binary.der", [0x30u8, 0x82, 0x01, 0x22, 0xff, 0x00]);
    sandbox.write(
        "bad-body.pem",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    sandbox.write(
        "unterminated.pem",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n",
    );
    sandbox.write(
        "params.pem",
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n",
    );
    for (file, needle) in [
        ("garbage.pem", "garbage.pem"),
        ("empty.pem", "empty.pem"),
        ("binary.der", "binary.der"),
        (
            "bad-body.pem",
            "bad-body.pem is a PEM PUBLIC KEY block but not an RSA, EC (P-256, P-384, P-521, secp256k1) or Ed25519 public key",
        ),
        ("unterminated.pem", "unterminated.pem"),
        (
            "params.pem",
            "params.pem holds a PEM EC PARAMETERS block; expected a public key",
        ),
        ("brainpool256.pub.pem", "brainpool256.pub.pem"),
        ("ed448.pub.pem", "ed448.pub.pem"),
        ("rsa.pem", "rsa.pem holds a private key"),
        ("ec256.sec1.pem", "ec256.sec1.pem holds a private key"),
        ("ed25519.pem", "ed25519.pem holds a private key"),
        ("missing.pem", "missing.pem: no such file"),
    ] {
        let assert = rejected(
            verify(&sandbox, &token, &["--key-file", file]),
            2,
            needle,
            &token,
        );
        let err = stderr(&assert);
        assert!(
            !err.contains("hello") && !err.contains("MFkwEwYH"),
            "key file content echoed: {err}"
        );
    }
    // The wrong kind of key for the algorithm.
    fails(
        verify(
            &sandbox,
            &token,
            &["--key-file", "ec256.pub.pem", "--alg", "EdDSA"],
        ),
        2,
        "algorithm EdDSA cannot be used with ec256.pub.pem, which is an EC P-256 key",
    );
}

#[test]
fn case_17_no_option_takes_secret_material_on_the_command_line() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    for flag in ["--secret", "--key", "--password", "--hmac"] {
        let assert = fails(
            sandbox
                .cmd()
                .args(["verify", flag, SECRET, &token])
                .assert(),
            2,
            "unexpected argument",
        );
        assert!(!stderr(&assert).contains(SECRET), "{}", stderr(&assert));
        fails(
            sandbox
                .cmd()
                .args(["issue", &format!("{flag}={SECRET}")])
                .assert(),
            2,
            "unexpected argument",
        );
    }
    // A secret given where a path is expected is a path that does not exist, not a key.
    fails(
        sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args(["verify", "--secret-file", SECRET, &token])
            .assert(),
        2,
        "no such file",
    );
    fails(
        sandbox
            .cmd()
            .args(["issue", "--no-refresh", "--secret-file", SECRET])
            .assert(),
        2,
        "no such file",
    );
    let pem = std::fs::read_to_string(fixture("keys/ec256.pub.pem")).expect("read");
    fails(
        verify(&sandbox, &token, &[&format!("--key-file={pem}")]),
        2,
        "no such file",
    );
    fails(
        sandbox
            .cmd()
            .env_remove("JWTCTL_SECRET")
            .args(["verify", "--secret-env", SECRET, &token])
            .assert(),
        2,
        "takes the NAME of an environment variable",
    );
    let help = stdout(&sandbox.cmd().args(["verify", "--help"]).assert().success());
    assert!(
        help.contains("--secret-file <PATH>") && help.contains("--secret-env <NAME>"),
        "{help}"
    );
}

#[test]
fn case_18_files_readable_by_others_draw_a_warning() {
    let sandbox = Sandbox::new();
    let token = issue_access(&sandbox, &[]);
    let path = sandbox.write("secret.txt", SECRET);
    for (mode, warned) in [
        (0o644, true),
        (0o640, true),
        (0o604, true),
        (0o600, false),
        (0o400, false),
    ] {
        forge::set_mode(&path, mode);
        let assert = verify(
            &sandbox,
            &token,
            &["--quiet", "--secret-file", "secret.txt"],
        )
        .success();
        let err = stderr(&assert);
        if warned {
            assert!(
                err.contains("warning: secret file secret.txt has mode")
                    && err.contains(&format!("{mode:04o}")),
                "{mode:o}: {err}"
            );
            assert!(!err.contains(SECRET));
        } else {
            assert_eq!(err, "", "{mode:o}");
        }
    }
    let key_path = key(&sandbox, "rsa.pem");
    forge::set_mode(&key_path, 0o644);
    let assert = sandbox
        .cmd()
        .args(["issue", "--no-refresh", "--key-file", "rsa.pem"])
        .assert()
        .success();
    assert!(
        stderr(&assert).contains("private key file rsa.pem has mode 0644"),
        "{}",
        stderr(&assert)
    );
    // Public keys are public.
    forge::set_mode(&key(&sandbox, "rsa.pub.pem"), 0o644);
    let token = stdout(&assert).trim_end().to_owned();
    verify(&sandbox, &token, &["--key-file", "rsa.pub.pem", "-q"])
        .success()
        .stderr("");
}

// --- Header ----------------------------------------------------------------------------------

#[test]
fn case_19_crit_is_rejected_whatever_its_value() {
    let sandbox = Sandbox::new();
    for crit in [
        json!([]),
        json!(["exp"]),
        json!(["b64"]),
        json!("exp"),
        json!(null),
        json!({}),
    ] {
        let token = hs256(
            &json!({ "alg": "HS256", "typ": "at+jwt", "crit": crit, "b64": false }),
            &claims(),
        );
        verify_rejects(
            &sandbox,
            &token,
            &[],
            1,
            "header has crit; jwtctl understands no critical extension",
        );
        assert_eq!(
            reject_kind(&sandbox, &token, &["--type", "any"], 1),
            "header"
        );
    }
}

#[test]
fn case_20_key_urls_and_embedded_keys_are_never_used() {
    let sandbox = Sandbox::new();
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    listener.set_nonblocking(true).expect("non-blocking");
    let url = format!(
        "http://127.0.0.1:{}/keys",
        listener.local_addr().expect("address").port()
    );

    // The attacker's own EC key, embedded in the header and signing the token.
    let attacker_der = pem::parse(std::fs::read(fixture("keys/ec256-other.pem")).expect("read"))
        .expect("PEM")
        .into_contents();
    let attacker =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &attacker_der).expect("P-256");
    let point = attacker.public_key().as_ref();
    let jwk =
        json!({ "kty": "EC", "crv": "P-256", "x": b64u(&point[1..33]), "y": b64u(&point[33..65]) });
    let cert = std::fs::read_to_string(fixture("keys/ec256.crt")).expect("read");
    let x5c: String = cert
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let header = json!({
        "alg": "ES256", "typ": "at+jwt", "jwk": jwk, "jku": url, "x5u": url, "x5c": [x5c], "kid": "attacker",
    });
    key(&sandbox, "ec256.pub.pem");
    let forged = with_pem(
        &header,
        &forge::claims(),
        "ec256-other.pem",
        Algorithm::ES256,
    );
    verify_rejects(
        &sandbox,
        &forged,
        &["--key-file", "ec256.pub.pem"],
        1,
        "signature does not match",
    );

    // An HMAC key embedded as an oct JWK, and signing the token.
    let attacker_secret = b"attacker-chosen secret, 32 bytes or more";
    let header =
        json!({ "alg": "HS256", "jwk": { "kty": "oct", "k": b64u(attacker_secret) }, "jku": url });
    let forged = hmac_raw(
        &header.to_string(),
        &forge::claims().to_string(),
        attacker_secret,
        Algorithm::HS256,
    );
    verify_rejects(&sandbox, &forged, &[], 1, "signature does not match");

    // A genuine token that carries them is simply valid: they are ignored, not followed.
    let header = json!({ "alg": "HS256", "typ": "at+jwt", "jku": url, "x5u": url, "jwk": jwk, "x5c": [x5c] });
    let genuine = hs256(&header, &forge::claims());
    verify(&sandbox, &genuine, &[]).success();
    sandbox.cmd().args(["decode", &genuine]).assert().success();

    std::thread::sleep(Duration::from_millis(100));
    match listener.accept() {
        Err(error) if error.kind() == ErrorKind::WouldBlock => {}
        Err(error) => panic!("accept failed: {error}"),
        Ok((_, peer)) => panic!("jwtctl connected to a key URL from {peer}"),
    }
}

#[test]
fn case_21_kid_is_never_a_path_or_a_command() {
    let sandbox = Sandbox::new();
    // A file in the working directory holds the attacker's secret; kid names it.
    let attacker_secret = "attacker secret of at least thirty-two bytes";
    sandbox.write("attacker.key", attacker_secret);
    for kid in ["attacker.key", "./attacker.key", "../attacker.key"] {
        let header = json!({ "alg": "HS256", "kid": kid }).to_string();
        let token = hmac_raw(
            &header,
            &claims().to_string(),
            attacker_secret.as_bytes(),
            Algorithm::HS256,
        );
        verify_rejects(&sandbox, &token, &[], 1, "signature does not match");
    }
    // Kids that would do harm if used as a path, a command or a store key change nothing.
    let kids = [
        "../../../../../../etc/passwd",
        "/dev/zero",
        "/dev/stdin",
        "$(touch pwned-1)",
        "`touch pwned-2`",
        "x; touch pwned-3",
        "' OR '1'='1",
        "sessions.json",
        "\u{0}",
    ];
    for kid in kids {
        let token = hs256(&json!({ "alg": "HS256", "kid": kid }), &forge::claims());
        let started = Instant::now();
        verify(&sandbox, &token, &["-q"]).success();
        assert!(started.elapsed() < Duration::from_secs(5), "{kid}");
    }
    let names: Vec<String> = std::fs::read_dir(sandbox.dir.path())
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["attacker.key"], "verify created files");
}

#[test]
fn case_22_typ_separates_access_and_refresh_tokens() {
    let sandbox = Sandbox::new();
    let (access, refresh) = issue_pair(&sandbox, "alice", &[]);
    verify_rejects(
        &sandbox,
        &refresh,
        &[],
        1,
        "this is a refresh token; it cannot be used as an access token",
    );
    verify_rejects(
        &sandbox,
        &refresh,
        &["--type", "access"],
        1,
        "expected at+jwt",
    );
    verify_rejects(
        &sandbox,
        &access,
        &["--type", "refresh"],
        1,
        "expected refresh+jwt",
    );
    assert_eq!(reject_kind(&sandbox, &refresh, &[], 1), "type");

    // Media types compare case-insensitively, with application/ optional.
    for typ in [
        "refresh+jwt",
        "REFRESH+JWT",
        "Refresh+Jwt",
        "application/refresh+jwt",
        "APPLICATION/Refresh+JWT",
    ] {
        let token = hs256(&json!({ "alg": "HS256", "typ": typ }), &forge::claims());
        verify_rejects(&sandbox, &token, &[], 1, "this is a refresh token");
        verify_rejects(
            &sandbox,
            &token,
            &["--type", "access"],
            1,
            "expected at+jwt",
        );
        // Refresh tokens are signed with the key derived from the main secret (issue 12).
        let refresh =
            forge::hs256_refresh(&json!({ "alg": "HS256", "typ": typ }), &forge::claims());
        verify(&sandbox, &refresh, &["--type", "refresh"]).success();
        verify(&sandbox, &refresh, &["--type", "any"]).success();
        verify_rejects(&sandbox, &token, &["--type", "refresh"], 1, "signature");
    }
    for typ in [
        "at+jwt",
        "AT+JWT",
        "application/at+jwt",
        "Application/AT+jwt",
    ] {
        let token = hs256(&json!({ "alg": "HS256", "typ": typ }), &forge::claims());
        verify(&sandbox, &token, &["--type", "access"]).success();
        verify_rejects(
            &sandbox,
            &token,
            &["--type", "refresh"],
            1,
            "expected refresh+jwt",
        );
    }
    for typ in [
        "JWT",
        "jwt",
        "application/jwt",
        "at+jwt ",
        "application/at+jwt+x",
        "refresh",
    ] {
        let token = hs256(&json!({ "alg": "HS256", "typ": typ }), &forge::claims());
        verify_rejects(
            &sandbox,
            &token,
            &["--type", "access"],
            1,
            "expected at+jwt",
        );
        verify_rejects(
            &sandbox,
            &token,
            &["--type", "refresh"],
            1,
            "expected refresh+jwt",
        );
    }
    // A typ that is not a string is rejected whatever type is asked for.
    for typ in [
        json!(["refresh+jwt"]),
        json!(1),
        json!(null),
        json!({ "typ": "at+jwt" }),
    ] {
        let token = hs256(&json!({ "alg": "HS256", "typ": typ }), &forge::claims());
        for args in [&[][..], &["--type", "any"][..], &["--type", "access"][..]] {
            verify_rejects(&sandbox, &token, args, 1, "header typ is");
        }
    }
}

// --- Claims ----------------------------------------------------------------------------------

#[test]
fn case_23_exp_missing_past_or_equal_to_now() {
    let sandbox = Sandbox::new();
    let missing = hs256(&access_header(), &without(at_now(json!({})), "exp"));
    verify_rejects(
        &sandbox,
        &missing,
        &with_now(&[]),
        1,
        "token has no exp claim; jwtctl requires an expiry",
    );
    assert_eq!(reject_kind(&sandbox, &missing, &AT_NOW, 1), "claim");
    for args in [
        &["--type", "any"][..],
        &["--leeway", "1d"][..],
        &["--require", "sub"][..],
    ] {
        verify_rejects(&sandbox, &missing, &with_now(args), 1, "no exp claim");
    }

    let past = hs256(&access_header(), &at_now(json!({ "exp": NOW - 1 })));
    verify_rejects(&sandbox, &past, &with_now(&[]), 3, "token expired 1s ago");
    let equal = hs256(&access_header(), &at_now(json!({ "exp": NOW })));
    verify_rejects(&sandbox, &equal, &with_now(&[]), 3, "token expired 0s ago");
    assert_eq!(reject_kind(&sandbox, &equal, &AT_NOW, 3), "expired");
    let next = hs256(&access_header(), &at_now(json!({ "exp": NOW + 1 })));
    verify(&sandbox, &next, &AT_NOW).success();

    // Fractions count toward the past; absurd values saturate instead of wrapping.
    let fraction = hs256(
        &access_header(),
        &at_now(json!({ "exp": NOW as f64 + 0.5 })),
    );
    verify_rejects(&sandbox, &fraction, &with_now(&[]), 3, "expired");
    let long_ago = hs256(&access_header(), &at_now(json!({ "exp": -1e300 })));
    verify_rejects(&sandbox, &long_ago, &with_now(&[]), 3, "expired");
    let min = hs256(&access_header(), &at_now(json!({ "exp": i64::MIN })));
    verify_rejects(&sandbox, &min, &with_now(&["--leeway", "1h"]), 3, "expired");
    let max = hs256(&access_header(), &at_now(json!({ "exp": i64::MAX })));
    verify(&sandbox, &max, &with_now(&["--leeway", "100y"])).success();
}

#[test]
fn case_24_time_claims_of_the_wrong_type() {
    let sandbox = Sandbox::new();
    let values = [
        json!("9999999999"),
        json!(null),
        json!(true),
        json!({}),
        json!([]),
        json!([1_900_000_000]),
        json!(""),
    ];
    for name in ["exp", "nbf", "iat"] {
        for value in &values {
            let token = hs256(&access_header(), &at_now(json!({ name: value })));
            verify_rejects(
                &sandbox,
                &token,
                &with_now(&[]),
                1,
                &format!("claim {name} is"),
            );
            assert_eq!(
                reject_kind(&sandbox, &token, &AT_NOW, 1),
                "claim",
                "{name}: {value}"
            );
        }
    }
}

#[test]
fn case_25_nbf_in_the_future() {
    let sandbox = Sandbox::new();
    let token = hs256(&access_header(), &at_now(json!({ "nbf": NOW + 1 })));
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&[]),
        3,
        "token is not valid for another 1s",
    );
    assert_eq!(reject_kind(&sandbox, &token, &AT_NOW, 3), "not_yet_valid");
    let now = hs256(&access_header(), &at_now(json!({ "nbf": NOW })));
    verify(&sandbox, &now, &AT_NOW).success();
}

#[test]
fn case_26_audience() {
    let sandbox = Sandbox::new();
    let aud = ["--aud", "api"];
    for (value, needle) in [
        (None, "claim aud is missing or empty, expected \"api\""),
        (Some(json!("web")), "claim aud is \"web\", expected \"api\""),
        (
            Some(json!(["web", "billing"])),
            "claim aud is \"web\", \"billing\"",
        ),
        (Some(json!([])), "claim aud is missing or empty"),
        (Some(json!("")), "claim aud is \"\""),
        (Some(json!("api ")), "claim aud is \"api \""),
        (
            Some(json!(42)),
            "claim aud is a number, expected a string or an array of strings",
        ),
        (Some(json!(null)), "claim aud is null"),
        (Some(json!({ "api": true })), "claim aud is an object"),
        (
            Some(json!([1])),
            "claim aud is an array that holds something other than strings",
        ),
        (Some(json!(["api", 1])), "something other than strings"),
        (Some(json!([["api"]])), "something other than strings"),
        (Some(json!([null, "api"])), "something other than strings"),
    ] {
        let claims = match &value {
            None => at_now(json!({})),
            Some(value) => at_now(json!({ "aud": value })),
        };
        let token = hs256(&access_header(), &claims);
        verify_rejects(&sandbox, &token, &with_now(&aud), 1, needle);
        assert_eq!(reject_kind(&sandbox, &token, &with_now(&aud), 1), "claim");
    }
    // Not configured: a token that names an audience is rejected (case 28a), unless any
    // audience is accepted on purpose; a malformed aud never is.
    verify_rejects(
        &sandbox,
        &hs256(&access_header(), &at_now(json!({ "aud": ["web"] }))),
        &AT_NOW,
        1,
        "token is for audience \"web\"",
    );
    verify(
        &sandbox,
        &hs256(&access_header(), &at_now(json!({ "aud": ["web"] }))),
        &with_now(&["--any-aud"]),
    )
    .success();
    verify_rejects(
        &sandbox,
        &hs256(&access_header(), &at_now(json!({ "aud": 42 }))),
        &AT_NOW,
        1,
        "claim aud is a number",
    );
    verify(
        &sandbox,
        &hs256(&access_header(), &at_now(json!({ "aud": ["web", "api"] }))),
        &with_now(&aud),
    )
    .success();
}

#[test]
fn case_27_issuer_and_subject() {
    let sandbox = Sandbox::new();
    for (name, flag, expected) in [
        ("iss", "--iss", "https://auth.example"),
        ("sub", "--sub", "alice"),
    ] {
        let args = with_now(&[flag, expected]);
        let missing = hs256(
            &access_header(),
            &without(at_now(json!({ name: expected })), name),
        );
        verify_rejects(
            &sandbox,
            &missing,
            &args,
            1,
            &format!("claim {name} is missing, expected \"{expected}\""),
        );
        for (value, needle) in [
            (
                json!("someone else"),
                format!("claim {name} is \"someone else\", expected"),
            ),
            (
                json!(expected.to_uppercase()),
                format!("claim {name} is \"{}\"", expected.to_uppercase()),
            ),
            (
                json!(format!("{expected}\u{0}")),
                format!("claim {name} is \"{expected}\\u0000\""),
            ),
            (
                json!([expected]),
                format!("claim {name} is an array, expected a string"),
            ),
            (
                json!({ "value": expected }),
                format!("claim {name} is an object"),
            ),
            (json!(null), format!("claim {name} is null")),
            (json!(1), format!("claim {name} is a number")),
        ] {
            let token = hs256(&access_header(), &at_now(json!({ name: value })));
            verify_rejects(&sandbox, &token, &args, 1, &needle);
            assert_eq!(reject_kind(&sandbox, &token, &args, 1), "claim");
        }
        // Of the wrong type, even when not configured.
        let token = hs256(&access_header(), &at_now(json!({ name: [expected] })));
        verify_rejects(
            &sandbox,
            &token,
            &AT_NOW,
            1,
            &format!("claim {name} is an array"),
        );
        let good = hs256(&access_header(), &at_now(json!({ name: expected })));
        verify(&sandbox, &good, &args).success();
    }
    // jti and sid must be strings as well.
    for name in ["jti", "sid"] {
        let token = hs256(&access_header(), &at_now(json!({ name: 7 })));
        verify_rejects(
            &sandbox,
            &token,
            &AT_NOW,
            1,
            &format!("claim {name} is a number, expected a string"),
        );
    }
}

#[test]
fn case_28_iat_far_in_the_future() {
    let sandbox = Sandbox::new();
    let token = hs256(&access_header(), &at_now(json!({ "iat": NOW + 3600 })));
    verify_rejects(
        &sandbox,
        &token,
        &with_now(&[]),
        1,
        "token claims to be issued 1h in the future",
    );
    assert_eq!(reject_kind(&sandbox, &token, &AT_NOW, 1), "claim");
    let far = hs256(&access_header(), &at_now(json!({ "iat": i64::MAX })));
    verify_rejects(&sandbox, &far, &with_now(&[]), 1, "in the future");
    // A minute of skew, plus the leeway, is tolerated.
    let skewed = hs256(&access_header(), &at_now(json!({ "iat": NOW + 60 })));
    verify(&sandbox, &skewed, &AT_NOW).success();
    let beyond = hs256(&access_header(), &at_now(json!({ "iat": NOW + 61 })));
    verify_rejects(&sandbox, &beyond, &with_now(&[]), 1, "in the future");
    verify(&sandbox, &beyond, &with_now(&["--leeway", "1s"])).success();
}

// --- Output ----------------------------------------------------------------------------------

#[test]
fn case_38_decode_never_says_valid_and_says_nothing_was_verified() {
    let sandbox = Sandbox::new();
    let genuine = issue_access(&sandbox, &["--sub", "alice"]);
    let forged = replace_segment(&genuine, 2, &b64u([0u8; 32]));
    let none = format!(
        "{}.",
        signing_input(r#"{"alg":"none"}"#, r#"{"sub":"admin","valid":true}"#)
    );
    for token in [&genuine, &forged, &none] {
        for args in [&["decode"][..], &["decode", "--json"][..]] {
            let assert = sandbox.cmd().args(args).arg(token).assert().success();
            let out = stdout(&assert).to_lowercase();
            let out = out.replace("\"valid\"", "");
            assert!(!out.contains("valid"), "{out}");
            let err = stderr(&assert);
            assert!(
                err.contains("note: the signature was NOT verified"),
                "{err}"
            );
        }
    }
    // Verifying is what verify does: the forged one fails there.
    verify_rejects(&sandbox, &forged, &[], 1, "signature does not match");
}

#[test]
fn case_39_decode_escapes_control_bidi_and_zero_width_characters() {
    let sandbox = Sandbox::new();
    let hostile = "\u{1b}]8;;http://evil\u{7}click\u{1b}]8;;\u{7}\u{202e}\u{2066}\u{200d}\u{2060}\u{85}\u{9b}31m";
    let token = hs256(
        &json!({ "alg": "HS256", hostile: hostile }),
        &json!({ "sub": hostile, hostile: [hostile], "exp": forge::now() + 60 }),
    );
    let assert = sandbox.cmd().args(["decode", &token]).assert().success();
    let out = stdout(&assert);
    assert!(
        !out.chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{2000}'..='\u{206f}').contains(&c)),
        "{out:?}"
    );
    assert!(out.contains("\\u001b]8;;http://evil\\u0007click"), "{out}");
    assert!(
        out.contains("\\u{202e}\\u{2066}\\u{200d}\\u{2060}"),
        "{out}"
    );
    // And verify's messages quote what they show.
    let assert = verify(
        &sandbox,
        &hs256(&access_header(), &at_now(json!({ "iss": hostile }))),
        &with_now(&["--iss", "x"]),
    );
    let err = stderr(&fails(assert, 1, "claim iss is"));
    assert!(
        !err.chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{2000}'..='\u{206f}').contains(&c)),
        "{err:?}"
    );
}

#[test]
fn no_stderr_ever_holds_the_secret_or_the_token() {
    let sandbox = Sandbox::new();
    let genuine = issue_access(&sandbox, &["--sub", "alice"]);
    let (_, refresh) = issue_pair(&sandbox, "alice", &[]);
    sandbox.write("secret.txt", SECRET);
    forge::set_mode(&sandbox.path("secret.txt"), 0o600);
    key(&sandbox, "rsa.pub.pem");
    let payload = claims().to_string();
    let failures: Vec<(String, Vec<&str>, i32)> = vec![
        (replace_segment(&genuine, 2, &b64u([1u8; 32])), vec![], 1),
        (format!("{genuine}="), vec![], 1),
        (format!("{genuine}.x"), vec![], 1),
        (refresh.clone(), vec![], 1),
        (genuine.clone(), vec!["--type", "refresh"], 1),
        (genuine.clone(), vec!["--aud", "x"], 1),
        (genuine.clone(), vec!["--iss", "x"], 1),
        (genuine.clone(), vec!["--sub", "x"], 1),
        (genuine.clone(), vec!["--require", "x"], 1),
        (genuine.clone(), vec!["--now", "4000000000"], 3),
        (genuine.clone(), vec!["--now", "1000000000"], 1),
        (genuine.clone(), vec!["--alg", "HS512"], 1),
        (genuine.clone(), vec!["--key-file", "rsa.pub.pem"], 1),
        (genuine.clone(), vec!["--key-file", "secret.txt"], 2),
        (
            genuine.clone(),
            vec!["--secret-file", "secret.txt", "--secret-encoding", "base64"],
            1,
        ),
        (
            genuine.clone(),
            vec![
                "--secret-file",
                "secret.txt",
                "--secret-encoding",
                "base64url",
            ],
            1,
        ),
        (
            genuine.clone(),
            vec![
                "--secret-file",
                "secret.txt",
                "--secret-encoding",
                "hex",
                "--alg",
                "HS512",
            ],
            2,
        ),
        (
            format!("{}.", signing_input(r#"{"alg":"none"}"#, &payload)),
            vec![],
            1,
        ),
        (
            secret_hs256(r#"{"alg":"HS256","crit":[]}"#, &payload),
            vec![],
            1,
        ),
        (secret_hs256(r#"{"alg":"hs256"}"#, &payload), vec![], 1),
        (hs256(&access_header(), &json!({ "exp": "x" })), vec![], 1),
    ];
    for (token, args, status) in failures {
        let assert = sandbox.cmd().arg("verify").args(&args).arg(&token).assert();
        rejected(assert, status, "error:", &token);
        let assert = sandbox
            .cmd()
            .args(["verify", "--json"])
            .args(&args)
            .arg(&token)
            .assert()
            .code(status);
        let (out, err) = (stdout(&assert), stderr(&assert));
        for text in [&out, &err] {
            assert!(!text.contains(SECRET), "{args:?}: {text}");
            assert!(!text.contains(&token), "{args:?}: {text}");
        }
    }
    // Secrets that fail to load are not shown either, in whole or in part.
    // '~' (126) is in none of the alphabets.
    let value = format!("{}~{}", &SECRET[..20], &SECRET[21..]);
    for encoding in ["hex", "base64", "base64url"] {
        let assert = sandbox
            .cmd()
            .env("JWTCTL_SECRET", &value)
            .args(["verify", "--secret-encoding", encoding, &genuine])
            .assert();
        let err = stderr(&fails(assert, 2, "is not valid"));
        assert!(
            !err.contains('~') && !err.contains("126") && !err.contains(&SECRET[..8]),
            "{err}"
        );
    }
}

#[test]
fn duplicate_names_are_rejected_by_verify() {
    // RFC 7515 section 5.2 lets a parser reject duplicate member names or keep the last one.
    // verify rejects them: two readers of one token (a proxy, a backend) could otherwise see two
    // different subjects. decode still shows the token, for inspection.
    let sandbox = Sandbox::new();
    let exp = forge::now() + 3600;
    let token = secret_hs256(
        r#"{"alg":"none","alg":"HS256","typ":"refresh+jwt","typ":"at+jwt"}"#,
        &format!(r#"{{"sub":"alice","exp":{exp}}}"#),
    );
    verify_rejects(&sandbox, &token, &[], 1, "has \"alg\" more than once");
    let token = secret_hs256(
        r#"{"alg":"HS256","typ":"at+jwt"}"#,
        &format!(r#"{{"sub":"alice","sub":"admin","exp":{exp}}}"#),
    );
    verify_rejects(&sandbox, &token, &[], 1, "has claim \"sub\" more than once");
    let token = secret_hs256(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{{"role":"user","role":"admin","exp":{exp}}}"#),
    );
    verify_rejects(
        &sandbox,
        &token,
        &[],
        1,
        "has claim \"role\" more than once",
    );
    sandbox
        .cmd()
        .args(["decode", "--json", &token])
        .assert()
        .success();
}
