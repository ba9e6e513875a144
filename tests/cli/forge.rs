//! Tokens built by hand, with headers and claims the issuing code would never write, and the
//! keys to sign them with.

#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::assert::Assert;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use crate::support::{self, SECRET, Sandbox};

/// base64url without padding.
pub fn b64u(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The current time in unix seconds, for claims of tokens verified against the real clock.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// A fixed instant for tests that pass `--now`: 2027-01-15T08:00:00Z.
pub const NOW: i64 = 1_800_000_000;

/// Claims any policy accepts, valid for an hour from the real clock.
pub fn claims() -> Value {
    json!({ "sub": "alice", "iat": now(), "exp": now() + 3600, "jti": "j-forged" })
}

/// The header jwtctl writes on an access token.
pub fn access_header() -> Value {
    json!({ "alg": "HS256", "typ": "at+jwt" })
}

/// `b64u(header).b64u(payload)` from JSON text taken byte for byte.
pub fn signing_input(header: &str, payload: &str) -> String {
    format!("{}.{}", b64u(header), b64u(payload))
}

/// Appends the signature of `input` under `key` and `alg`.
pub fn sign_input(input: &str, key: &EncodingKey, alg: Algorithm) -> String {
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), key, alg).expect("sign");
    format!("{input}.{signature}")
}

/// A token over raw header and payload text, signed with `secret` under HMAC `alg`.
pub fn hmac_raw(header: &str, payload: &str, secret: &[u8], alg: Algorithm) -> String {
    sign_input(
        &signing_input(header, payload),
        &EncodingKey::from_secret(secret),
        alg,
    )
}

/// A token with this header and these claims, signed HS256 with the sandbox secret, whatever the
/// header says.
pub fn hs256(header: &Value, claims: &Value) -> String {
    hmac_raw(
        &header.to_string(),
        &claims.to_string(),
        SECRET.as_bytes(),
        Algorithm::HS256,
    )
}

/// A token signed HS256 with the key jwtctl derives from the sandbox secret for refresh tokens.
pub fn hs256_refresh(header: &Value, claims: &Value) -> String {
    let key = jwtctl::jwt::derive::refresh_key(SECRET.as_bytes(), jwtctl::jwt::Alg::HS256)
        .expect("derive");
    hmac_raw(
        &header.to_string(),
        &claims.to_string(),
        key.expose(),
        Algorithm::HS256,
    )
}

/// A token with this header and these claims, signed with a PEM fixture key.
pub fn with_pem(header: &Value, claims: &Value, key: &str, alg: Algorithm) -> String {
    sign_input(
        &signing_input(&header.to_string(), &claims.to_string()),
        &encoding_key(key),
        alg,
    )
}

/// The signing key in `tests/fixtures/keys/NAME` (PKCS#8 for EC and Ed25519).
pub fn encoding_key(name: &str) -> EncodingKey {
    let pem = std::fs::read(support::fixture(&format!("keys/{name}"))).expect("read a key fixture");
    if name.starts_with("rsa") {
        EncodingKey::from_rsa_pem(&pem)
    } else if name.starts_with("ec") {
        EncodingKey::from_ec_pem(&pem)
    } else {
        EncodingKey::from_ed_pem(&pem)
    }
    .expect("a valid key fixture")
}

/// Copies `tests/fixtures/keys/NAME` into the sandbox with mode 0600 (git does not keep modes,
/// and a private key readable by others draws a warning).
pub fn key(sandbox: &Sandbox, name: &str) -> PathBuf {
    let source = support::fixture(&format!("keys/{name}"));
    let path = sandbox.write(name, std::fs::read(source).expect("read a key fixture"));
    set_mode(&path, 0o600);
    path
}

pub fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The header and payload of a token, decoded without any check.
pub fn parts(token: &str) -> (Value, Value) {
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 3, "not a compact JWS: {token}");
    let decode = |segment: &str| -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).expect("base64url")).expect("JSON")
    };
    (decode(segments[0]), decode(segments[1]))
}

/// Replaces segment `index` (0, 1 or 2) of a token.
pub fn replace_segment(token: &str, index: usize, segment: &str) -> String {
    let mut segments: Vec<&str> = token.split('.').collect();
    segments[index] = segment;
    segments.join(".")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The same segment with character `position` replaced by another base64url character. When
/// `position` is the last character, the change may fall in unused bits: the result is then a
/// non-canonical encoding of the same bytes, which must be rejected too.
pub fn flip_char(segment: &str, position: usize) -> String {
    let mut bytes = segment.as_bytes().to_vec();
    let value = ALPHABET
        .iter()
        .position(|&c| c == bytes[position])
        .expect("base64url");
    bytes[position] = ALPHABET[(value + 1) % 64];
    String::from_utf8(bytes).expect("ASCII")
}

/// The same bytes encoded non-canonically: the lowest (unused) bit of the last character set.
/// Only meaningful when the segment's length is not a multiple of 4.
pub fn non_canonical(segment: &str) -> String {
    assert_ne!(segment.len() % 4, 0, "a segment with no unused bits");
    let mut bytes = segment.as_bytes().to_vec();
    let last = bytes.len() - 1;
    let value = ALPHABET
        .iter()
        .position(|&c| c == bytes[last])
        .expect("base64url");
    assert_eq!(value & 1, 0, "the unused bit is already set");
    bytes[last] = ALPHABET[value | 1];
    String::from_utf8(bytes).expect("ASCII")
}

/// `jwtctl verify [ARGS] TOKEN` in the sandbox.
pub fn verify(sandbox: &Sandbox, token: &str, args: &[&str]) -> Assert {
    sandbox.cmd().arg("verify").args(args).arg(token).assert()
}

/// The documented failure shape (see `support::fails`), and neither the token nor the secret on
/// stderr.
pub fn rejected(assert: Assert, status: i32, needle: &str, token: &str) -> Assert {
    let assert = support::fails(assert, status, needle);
    let err = support::stderr(&assert);
    assert!(!err.contains(SECRET), "the secret is on stderr: {err}");
    if token.len() > 16 {
        assert!(!err.contains(token), "the token is on stderr: {err}");
    }
    assert
}

/// Verifies with the default policy and asserts a rejection.
pub fn verify_rejects(sandbox: &Sandbox, token: &str, args: &[&str], status: i32, needle: &str) {
    rejected(verify(sandbox, token, args), status, needle, token);
}

/// `verify --json`'s error kind for a token (the status must be `status`).
pub fn reject_kind(sandbox: &Sandbox, token: &str, args: &[&str], status: i32) -> String {
    let assert = sandbox
        .cmd()
        .args(["verify", "--json"])
        .args(args)
        .arg(token)
        .assert()
        .code(status);
    let result: Value = serde_json::from_str(&support::stdout(&assert)).expect("one JSON document");
    assert_eq!(result["valid"], json!(false), "{result}");
    result["error"]["kind"]
        .as_str()
        .expect("error.kind is a string")
        .to_owned()
}
