//! `Policy::verify` with a fixed HMAC key and a fixed `now`, on arbitrary text and on structured
//! tokens: headers and claims built from fuzzer choices, correctly signed with the policy's key (so
//! the claim checks are reached) or not, then changed byte by byte.
//!
//! Oracles: verify never panics; a token it accepts satisfies every rule of the policy; and once a
//! correctly signed token has been changed in any byte, it is rejected.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use jsonwebtoken::EncodingKey;
use jwtctl::jwt::keys::Secret;
use jwtctl::jwt::claims::Claims as Object;
use jwtctl::jwt::json::Json;
use jwtctl::jwt::token::{self, Scratch};
use jwtctl::jwt::verify::numeric_date;
use jwtctl::jwt::{Alg, Policy, TokenType, VerifyingKey};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// A fixed "now" (2027-01-15).
const NOW: i64 = 1_800_000_000;
/// 64 bytes, enough for HS512, so one key serves all three HMAC algorithms.
const SECRET: &[u8; 64] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const ALG_NAMES: [&str; 16] = [
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "PS256",
    "ES256",
    "EdDSA",
    "none",
    "None",
    "nOnE",
    "hs256",
    "HS256 ",
    "HS1024",
    "",
    "at+jwt",
    "refresh+jwt",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Alg,
    Typ,
    Crit,
    Kid,
    Jku,
    Exp,
    Nbf,
    Iat,
    Iss,
    Sub,
    Aud,
    Jti,
    Sid,
    Other(String),
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::Alg => "alg",
            Name::Typ => "typ",
            Name::Crit => "crit",
            Name::Kid => "kid",
            Name::Jku => "jku",
            Name::Exp => "exp",
            Name::Nbf => "nbf",
            Name::Iat => "iat",
            Name::Iss => "iss",
            Name::Sub => "sub",
            Name::Aud => "aud",
            Name::Jti => "jti",
            Name::Sid => "sid",
            Name::Other(name) => name,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Val {
    /// One of a list of algorithm and type names.
    Known(u8),
    /// `NOW` plus an offset.
    Near(i32),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Bool(bool),
    Null,
    Strings(Vec<String>),
    Json(String),
}

impl Val {
    fn to_json(&self) -> Value {
        match self {
            Val::Known(index) => Value::from(ALG_NAMES[*index as usize % ALG_NAMES.len()]),
            Val::Near(offset) => Value::from(NOW + i64::from(*offset)),
            Val::Int(n) => Value::from(*n),
            Val::UInt(n) => Value::from(*n),
            Val::Float(f) => Value::from(*f),
            Val::Str(s) => Value::from(s.as_str()),
            Val::Bool(b) => Value::from(*b),
            Val::Null => Value::Null,
            Val::Strings(items) => Value::from(items.clone()),
            Val::Json(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Segment {
    /// An object of these members, serialized by serde_json.
    Members(Vec<(Name, Val)>),
    /// Raw bytes: duplicate keys, odd whitespace, a BOM, not JSON at all.
    Raw(Vec<u8>),
}

impl Segment {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Segment::Members(members) => {
                let object: Object = members
                    .iter()
                    .map(|(name, value)| (name.as_str().to_owned(), value.to_json()))
                    .collect();
                serde_json::to_vec(&object).expect("serialize")
            }
            Segment::Raw(bytes) => bytes.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Signature {
    /// Signed with the policy's key under HS256, HS384 or HS512.
    Correct(u8),
    Bytes(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Knobs {
    algorithms: u8,
    leeway: i16,
    token_type: u8,
    issuer: Option<String>,
    subject: Option<String>,
    audience: Vec<String>,
    required: Vec<String>,
    ignore_time: bool,
}

#[derive(Arbitrary, Debug)]
struct Forged {
    header: Segment,
    payload: Segment,
    signature: Signature,
    knobs: Knobs,
    /// Byte changes applied after signing: (position, new byte).
    changes: Vec<(u16, u8)>,
}

fn base_policy() -> Policy {
    Policy {
        algorithms: vec![Alg::HS256],
        key: VerifyingKey::from_secret(&Secret::new(SECRET.to_vec())),
        issuer: None,
        audience: Vec::new(),
        any_audience: false,
        subject: None,
        leeway: 0,
        token_type: TokenType::Any,
        required: Vec::new(),
        ignore_time: false,
    }
}

fn configured(knobs: Knobs) -> Policy {
    let hmac = [Alg::HS256, Alg::HS384, Alg::HS512];
    let mut algorithms: Vec<Alg> = hmac
        .into_iter()
        .enumerate()
        .filter(|(bit, _)| knobs.algorithms & (1 << bit) != 0)
        .map(|(_, alg)| alg)
        .collect();
    if algorithms.is_empty() {
        algorithms.push(Alg::HS256);
    }
    let token_type = [
        TokenType::NotRefresh,
        TokenType::Access,
        TokenType::Refresh,
        TokenType::Any,
    ][knobs.token_type as usize % 4];
    Policy {
        algorithms,
        leeway: i64::from(knobs.leeway),
        token_type,
        issuer: knobs.issuer,
        subject: knobs.subject,
        audience: knobs.audience,
        any_audience: false,
        required: knobs.required,
        ignore_time: knobs.ignore_time,
        ..base_policy()
    }
}

thread_local! {
    /// Buffers reused from input to input, as `verify --batch` reuses them from line to line.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Verifies, and if the token is accepted, checks that every rule really holds.
fn verify(policy: &Policy, text: &str) -> bool {
    let mut fresh = Scratch::default();
    let result = policy.verify(text, NOW, &mut fresh);
    // With buffers left over from earlier tokens (as `verify --batch` reuses them), the same.
    let batch = SCRATCH.with_borrow_mut(|scratch| {
        policy
            .verify(text, NOW, scratch)
            .map(|verified| (verified.header.to_map(), verified.claims.to_map()))
    });
    assert_eq!(
        batch,
        result
            .as_ref()
            .map(|verified| (verified.header.to_map(), verified.claims.to_map()))
            .map_err(Clone::clone),
        "reused buffers change the verdict"
    );
    let Ok(verified) = result else {
        return false;
    };
    let alg = verified.header.get("alg").and_then(Json::as_str);
    assert!(
        alg.and_then(Alg::from_name)
            .is_some_and(|alg| policy.algorithms.contains(&alg)),
        "accepted alg {alg:?}"
    );
    assert!(!verified.header.contains_key("crit"));
    if !policy.ignore_time {
        let exp = numeric_date(&verified.claims, "exp").expect("exp is a number");
        assert!(exp.is_some_and(|exp| NOW < exp.saturating_add(policy.leeway)));
    }
    for name in &policy.required {
        assert!(verified.claims.contains_key(name));
    }
    if let Some(issuer) = &policy.issuer {
        assert_eq!(
            verified.claims.get("iss").and_then(Json::as_str),
            Some(issuer.as_str())
        );
    }
    if let Some(subject) = &policy.subject {
        assert_eq!(
            verified.claims.get("sub").and_then(Json::as_str),
            Some(subject.as_str())
        );
    }
    true
}

fn structured(data: &[u8]) {
    let Ok(forged) = Forged::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let header = forged.header.bytes();
    let payload = forged.payload.bytes();
    let signing_input = format!(
        "{}.{}",
        token::encode_segment(&header),
        token::encode_segment(&payload)
    );
    let signature = match &forged.signature {
        Signature::Correct(choice) => {
            let alg = [
                jsonwebtoken::Algorithm::HS256,
                jsonwebtoken::Algorithm::HS384,
                jsonwebtoken::Algorithm::HS512,
            ][*choice as usize % 3];
            jsonwebtoken::crypto::sign(
                signing_input.as_bytes(),
                &EncodingKey::from_secret(SECRET),
                alg,
            )
            .expect("HMAC signing")
        }
        Signature::Bytes(bytes) => token::encode_segment(bytes),
    };
    let original = format!("{signing_input}.{signature}");
    let policy = configured(forged.knobs);
    let accepted = verify(&policy, &original);
    if accepted {
        assert!(matches!(forged.signature, Signature::Correct(_)));
    }

    let mut bytes = original.clone().into_bytes();
    for (position, byte) in &forged.changes {
        let position = *position as usize % bytes.len();
        bytes[position] = *byte;
    }
    let changed = String::from_utf8_lossy(&bytes);
    if changed != original {
        assert!(
            !verify(&policy, &changed),
            "a changed token was accepted: {original} -> {changed}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode & 1 == 1 => structured(rest),
        _ => {
            let text = String::from_utf8_lossy(data);
            let policy = base_policy();
            verify(&policy, &text);
            verify(&policy, token::normalize(&text));
        }
    }
});
