//! Property tests: parsing and verification are total (never panic, always `Ok` or a
//! `TokenError`), every algorithm round-trips arbitrary claims, and any single-byte change to a
//! signed token is rejected.
//!
//! Keys are generated once per test process with aws-lc-rs and loaded through jwtctl's own PEM
//! loaders, so the loaders are exercised too. Case counts are kept modest: RSA signing in a debug
//! build is the slow part, and the whole file should run in well under a minute.

use std::path::Path;
use std::sync::OnceLock;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    KeyPair,
};
use jsonwebtoken::EncodingKey;
use jwtctl::jwt::keys::{self, Secret};
use jwtctl::jwt::token::{self, Decoded, Object};
use jwtctl::jwt::{Alg, Policy, Signer, TokenError, TokenType, VerifyingKey};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Number, Value};

/// A fixed "now" for every check: 2027-01-15.
const NOW: i64 = 1_800_000_000;

/// 64 bytes: long enough for HS512, so one secret serves all three HMAC algorithms.
const SECRET: &[u8; 64] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Claims that `Policy::verify` reads and type-checks itself; random custom claims avoid them.
const REGISTERED: [&str; 8] = ["exp", "nbf", "iat", "iss", "sub", "aud", "jti", "sid"];

// ---------------------------------------------------------------------------------------------
// Keys

/// A signer and a verifying key for one algorithm.
struct KeySet {
    alg: Alg,
    signer: Signer,
    verifying: VerifyingKey,
}

/// One signer and verifying key per supported algorithm, made once per process.
fn key_sets() -> &'static [KeySet] {
    static SETS: OnceLock<Vec<KeySet>> = OnceLock::new();
    SETS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let secret = Secret::new(SECRET.to_vec());

        let rsa = RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA key");
        let rsa_private = rsa.as_der().expect("RSA PKCS#8").as_ref().to_vec();
        let rsa_public = rsa.public_key().as_der().expect("RSA SPKI");
        let rsa = write_pair(dir.path(), "rsa", &rsa_private, rsa_public.as_ref());

        let p256 = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("P-256 key");
        let p256_private = p256.to_pkcs8v1().expect("P-256 PKCS#8");
        let p256_public: PublicKeyX509Der = p256.public_key().as_der().expect("P-256 SPKI");
        let p256 = write_pair(
            dir.path(),
            "p256",
            p256_private.as_ref(),
            p256_public.as_ref(),
        );

        let p384 = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING).expect("P-384 key");
        let p384_private = p384.to_pkcs8v1().expect("P-384 PKCS#8");
        let p384_public: PublicKeyX509Der = p384.public_key().as_der().expect("P-384 SPKI");
        let p384 = write_pair(
            dir.path(),
            "p384",
            p384_private.as_ref(),
            p384_public.as_ref(),
        );

        let ed = Ed25519KeyPair::generate().expect("Ed25519 key");
        let ed_private = ed.to_pkcs8().expect("Ed25519 PKCS#8");
        let ed_public: PublicKeyX509Der = ed.public_key().as_der().expect("Ed25519 SPKI");
        let ed = write_pair(dir.path(), "ed", ed_private.as_ref(), ed_public.as_ref());

        Alg::ALL
            .into_iter()
            .map(|alg| {
                let (signer, verifying) = match alg {
                    Alg::HS256 | Alg::HS384 | Alg::HS512 => (
                        Signer::from_secret(alg, &secret, None),
                        VerifyingKey::from_secret(&secret),
                    ),
                    Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                        rsa.for_alg(alg)
                    }
                    Alg::ES256 => p256.for_alg(alg),
                    Alg::ES384 => p384.for_alg(alg),
                    Alg::EdDSA => ed.for_alg(alg),
                };
                KeySet {
                    alg,
                    signer,
                    verifying,
                }
            })
            .collect()
    })
}

/// A private and public key loaded through jwtctl's loaders.
struct LoadedPair {
    private: keys::PrivateKey,
    public: keys::PublicKey,
}

impl LoadedPair {
    fn for_alg(&self, alg: Alg) -> (Signer, VerifyingKey) {
        assert!(self.private.key_type.fits(alg), "{alg} key type");
        (
            Signer::from_private_key(alg, &self.private, Some("k1".to_owned())),
            VerifyingKey::Public(self.public.clone()),
        )
    }
}

fn write_pair(dir: &Path, name: &str, pkcs8: &[u8], spki: &[u8]) -> LoadedPair {
    let private_path = dir.join(format!("{name}.pem"));
    let public_path = dir.join(format!("{name}.pub.pem"));
    std::fs::write(
        &private_path,
        pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8)),
    )
    .expect("write private key");
    std::fs::write(
        &public_path,
        pem::encode(&pem::Pem::new("PUBLIC KEY", spki)),
    )
    .expect("write public key");
    let mut warnings = Vec::new();
    let private = keys::load_private_key(&private_path, &mut |w| warnings.push(w))
        .unwrap_or_else(|e| panic!("load {name} private key: {e}"));
    let public =
        keys::load_public_key(&public_path).unwrap_or_else(|e| panic!("load {name} public: {e}"));
    assert_eq!(private.key_type, public.key_type, "{name}");
    LoadedPair { private, public }
}

fn policy_for(alg: Alg, key: VerifyingKey) -> Policy {
    Policy {
        algorithms: vec![alg],
        key,
        issuer: None,
        audience: Vec::new(),
        subject: None,
        leeway: 0,
        token_type: TokenType::Any,
        required: Vec::new(),
        ignore_time: false,
    }
}

fn hs256_policy() -> Policy {
    policy_for(
        Alg::HS256,
        VerifyingKey::from_secret(&Secret::new(SECRET.to_vec())),
    )
}

/// Signs `b64u(header).b64u(payload)` as given, whatever the header says (a forgery, or a
/// correctly signed token the issuing code would never write).
fn forge(header: &[u8], payload: &[u8], alg: jsonwebtoken::Algorithm, secret: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        token::encode_segment(header),
        token::encode_segment(payload)
    );
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &EncodingKey::from_secret(secret),
        alg,
    )
    .expect("HMAC signing");
    format!("{signing_input}.{signature}")
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Any Unicode scalar values, control, bidi and zero-width characters included.
fn unicode_string(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..max).prop_map(String::from_iter),
        "\\PC{0,24}",
        // The characters a terminal-injection or confusion attempt would use.
        prop::collection::vec(
            prop::sample::select(vec![
                '\u{0}',
                '\u{7}',
                '\u{1b}',
                '\n',
                '\r',
                '\t',
                '"',
                '\\',
                '\u{7f}',
                '\u{85}',
                '\u{200b}',
                '\u{200d}',
                '\u{202e}',
                '\u{2066}',
                '\u{feff}',
                '\u{fffd}',
                '\u{10ffff}',
                '😀',
                'é',
                '🏳'
            ]),
            0..max
        )
        .prop_map(String::from_iter),
    ]
}

/// Numbers at and around the extremes JSON readers get wrong.
fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec![
            Value::from(i64::MIN),
            Value::from(i64::MAX),
            Value::from(u64::MAX),
            Value::from(i64::MAX as u64 + 1),
            Value::from(0),
            Value::from(-1),
            Value::from(f64::MAX),
            Value::from(f64::MIN),
            Value::from(f64::MIN_POSITIVE),
            Value::from(f64::EPSILON),
            Value::from(5e-324),
            Value::from(-0.0),
            Value::from(1e300),
            Value::from(-1e300),
            Value::from(9_007_199_254_740_993.0),
            Value::from(0.1),
        ]),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
    ]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        json_number(),
        unicode_string(16).prop_map(Value::from),
    ]
}

/// Any JSON value, nested a few levels deep (well under serde_json's recursion limit).
fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(unicode_string(8), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Object> {
    prop::collection::btree_map(unicode_string(10), json_value(), 0..8)
        .prop_map(|map| map.into_iter().collect())
}

/// The name of a claim or header parameter: usually a registered one, so the checks that read
/// it are reached, sometimes anything.
fn parameter_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "alg", "typ", "crit", "kid", "jku", "jwk", "x5u", "x5c", "cty", "enc",
            "exp", "nbf", "iat", "iss", "sub", "aud", "jti", "sid",
        ])
        .prop_map(str::to_owned),
        1 => unicode_string(8),
    ]
}

/// A value for a header or claim: plausible ones (algorithm names, times near `NOW`) mixed with
/// anything.
fn parameter_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA", "none", "None", "nOnE",
            "hs256", "HS256 ", "HS1024", "", "JWT", "at+jwt", "application/at+JWT",
            "refresh+jwt", "Application/Refresh+JWT",
        ])
        .prop_map(Value::from),
        2 => (NOW - 1_000..NOW + 1_000).prop_map(Value::from),
        1 => json_number(),
        1 => prop::collection::vec(unicode_string(6).prop_map(Value::from), 0..3)
            .prop_map(Value::Array),
        2 => json_value(),
    ]
}

fn crafted_object() -> impl Strategy<Value = Object> {
    prop::collection::btree_map(parameter_name(), parameter_value(), 0..8)
        .prop_map(|map| map.into_iter().collect())
}

/// The options of a verification policy on the HMAC test secret, and the time of the check.
/// (`Policy` itself has no `Debug`: it holds a key.)
#[derive(Debug, Clone)]
struct Knobs {
    now: i64,
    algorithms: Vec<Alg>,
    leeway: i64,
    token_type: TokenType,
    issuer: Option<String>,
    subject: Option<String>,
    audience: Vec<String>,
    required: Vec<String>,
    ignore_time: bool,
}

impl Knobs {
    fn policy(&self) -> Policy {
        Policy {
            algorithms: self.algorithms.clone(),
            leeway: self.leeway,
            token_type: self.token_type,
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
            audience: self.audience.clone(),
            required: self.required.clone(),
            ignore_time: self.ignore_time,
            ..hs256_policy()
        }
    }
}

/// A verification policy with every option varied, on the HMAC test secret.
fn any_policy() -> impl Strategy<Value = Knobs> {
    let now = prop_oneof![
        4 => Just(NOW),
        1 => any::<i64>(),
        1 => prop::sample::select(vec![i64::MIN, i64::MAX, 0, -1]),
    ];
    let leeway = prop_oneof![
        4 => 0i64..120,
        1 => any::<i64>(),
    ];
    let token_type = prop::sample::select(vec![
        TokenType::NotRefresh,
        TokenType::Access,
        TokenType::Refresh,
        TokenType::Any,
    ]);
    let text = prop::option::of(prop_oneof!["[a-z]{0,4}", unicode_string(4)]);
    (
        now,
        leeway,
        token_type,
        text.clone(),
        text,
        prop::collection::vec("[a-z]{0,3}", 0..3),
        prop::collection::vec(parameter_name(), 0..3),
        any::<bool>(),
        prop::sample::subsequence(vec![Alg::HS256, Alg::HS384, Alg::HS512], 1..=3),
    )
        .prop_map(
            |(
                now,
                leeway,
                token_type,
                issuer,
                subject,
                audience,
                required,
                ignore_time,
                algorithms,
            )| {
                Knobs {
                    now,
                    algorithms,
                    leeway,
                    token_type,
                    issuer,
                    subject,
                    audience,
                    required,
                    ignore_time,
                }
            },
        )
}

/// Claims that pass every check of a policy with nothing configured, at `NOW`: random custom
/// claims plus registered ones of the right types, including extreme but valid times.
fn valid_claims() -> impl Strategy<Value = Object> {
    let custom = prop::collection::btree_map(
        unicode_string(10).prop_filter("not registered", |k| !REGISTERED.contains(&k.as_str())),
        json_value(),
        0..8,
    );
    let exp = prop_oneof![
        (NOW + 1..=i64::MAX).prop_map(Value::from),
        (i64::MAX as u64..=u64::MAX).prop_map(Value::from),
        Just(Value::from(1e300)),
        Just(Value::from(f64::MAX)),
        ((NOW + 2) as f64..1e18f64).prop_map(Value::from),
    ];
    let past = prop_oneof![
        (i64::MIN..=NOW).prop_map(Value::from),
        Just(Value::from(-1e300)),
        (-1e18f64..(NOW - 1) as f64).prop_map(Value::from),
    ];
    let iat = prop_oneof![past.clone(), (NOW..=NOW + 60).prop_map(Value::from)];
    let text = || prop::option::of(unicode_string(12));
    let aud = prop::option::of(prop_oneof![
        unicode_string(8).prop_map(Value::from),
        prop::collection::vec(unicode_string(8).prop_map(Value::from), 0..4).prop_map(Value::Array),
    ]);
    (
        custom,
        exp,
        prop::option::of(past),
        prop::option::of(iat),
        (text(), text(), text(), text()),
        aud,
    )
        .prop_map(|(custom, exp, nbf, iat, (iss, sub, jti, sid), aud)| {
            let mut claims: Object = custom.into_iter().collect();
            claims.insert("exp".into(), exp);
            let optional = [
                ("nbf", nbf),
                ("iat", iat),
                ("iss", iss.map(Value::from)),
                ("sub", sub.map(Value::from)),
                ("jti", jti.map(Value::from)),
                ("sid", sid.map(Value::from)),
                ("aud", aud),
            ];
            for (name, value) in optional {
                if let Some(value) = value {
                    claims.insert(name.into(), value);
                }
            }
            claims
        })
}

/// What a single-byte change does: replace the byte at a position with another byte.
#[derive(Debug, Clone)]
enum Change {
    /// Another base64url character, or `.`.
    Alphabet(u8),
    /// Any byte at all (made into a string lossily, as `decode` would see it from a file).
    Byte(u8),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        prop::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".to_vec()
        )
        .prop_map(Change::Alphabet),
        any::<u8>().prop_map(Change::Byte),
    ]
}

/// `token` with the byte at `position` replaced, or `None` when the replacement is the same byte.
fn mutate(token: &str, position: usize, change: &Change) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    let new = match change {
        Change::Alphabet(byte) | Change::Byte(byte) => *byte,
    };
    if bytes[position] == new {
        return None;
    }
    bytes[position] = new;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Properties

/// `cases` cases; no regression file (proptest cannot place one beside an integration test):
/// failures found here are kept as plain `#[test]`s below instead.
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// What every run of `decode` and `verify` must satisfy: a result (reaching here means no
/// panic), and an error message that does not repeat the token.
fn check_total(input: &str, policy: &Policy, now: i64) {
    let decoded = token::decode(input);
    if let Ok(Decoded::Signed(signed)) = &decoded {
        // What `jwtctl decode` warns about, computed from attacker-chosen claims.
        let _ = jwtctl::commands::decode::problems(signed, now);
    }
    let verified = policy.verify(input, now);
    for error in [decoded.as_ref().err(), verified.as_ref().err()]
        .into_iter()
        .flatten()
    {
        assert_no_token_in(error, input);
    }
    let normalized = token::normalize(input);
    let _ = token::split(normalized);
    if let Err(error) = policy.verify(normalized, now) {
        assert_no_token_in(&error, normalized);
    }
    // A token that verifies also decodes, to the same header and claims.
    if let Ok(verified) = verified {
        match decoded {
            Ok(Decoded::Signed(signed)) => {
                assert_eq!(signed.header, verified.header);
                assert_eq!(signed.payload, verified.claims);
            }
            other => panic!("verified but decode gave {other:?}"),
        }
    }
}

fn assert_no_token_in(error: &TokenError, token: &str) {
    if token.len() >= 16 {
        assert!(
            !error.message.contains(token),
            "error message repeats the token: {}",
            error.message
        );
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decode_and_verify_are_total_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        knobs in any_policy(),
    ) {
        check_total(&String::from_utf8_lossy(&bytes), &knobs.policy(), knobs.now);
    }

    #[test]
    fn decode_and_verify_are_total_on_base64url_alphabet_strings(
        text in prop_oneof![
            "[A-Za-z0-9_.-]{0,200}",
            "[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,90}",
            "[A-Za-z0-9_-]{0,30}(\\.[A-Za-z0-9_-]{0,30}){4}",
        ],
        knobs in any_policy(),
    ) {
        check_total(&text, &knobs.policy(), knobs.now);
    }

    #[test]
    fn decode_and_verify_are_total_on_tokens_with_random_json(
        header in prop_oneof![json_object(), crafted_object()],
        claims in prop_oneof![json_object(), crafted_object()],
        signature in prop::collection::vec(any::<u8>(), 0..80),
        sign_it in any::<bool>(),
        knobs in any_policy(),
    ) {
        let (policy, now) = (knobs.policy(), knobs.now);
        let header_json = serde_json::to_vec(&header).expect("serialize header");
        let claims_json = serde_json::to_vec(&claims).expect("serialize claims");
        let token = if sign_it {
            // A correct signature, so the claim checks are reached.
            forge(&header_json, &claims_json, jsonwebtoken::Algorithm::HS256, SECRET)
        } else {
            format!(
                "{}.{}.{}",
                token::encode_segment(&header_json),
                token::encode_segment(&claims_json),
                token::encode_segment(&signature)
            )
        };
        check_total(&token, &policy, now);
        match token::decode(&token) {
            Ok(Decoded::Signed(signed)) => {
                prop_assert_eq!(signed.header, header);
                prop_assert_eq!(signed.payload, claims);
            }
            other => prop_assert!(false, "a well-formed token did not decode: {:?}", other),
        }
        // Accepted only if every rule holds.
        if let Ok(verified) = policy.verify(&token, now) {
            prop_assert!(sign_it, "a token with a random signature verified");
            let alg = verified.header.get("alg").and_then(Value::as_str);
            prop_assert!(
                alg.and_then(Alg::from_name).is_some_and(|alg| policy.algorithms.contains(&alg)),
                "algorithm {:?} accepted", alg
            );
            prop_assert!(!verified.header.contains_key("crit"));
            if !policy.ignore_time {
                let exp = jwtctl::jwt::verify::numeric_date(&verified.claims, "exp");
                prop_assert!(matches!(exp, Ok(Some(exp)) if now < exp.saturating_add(policy.leeway)));
            }
        }
    }

    #[test]
    fn time_claims_of_any_number_are_total(
        exp in prop::option::of(json_number()),
        nbf in prop::option::of(json_number()),
        iat in prop::option::of(json_number()),
        knobs in any_policy(),
    ) {
        let mut claims = Object::new();
        for (name, value) in [("exp", exp), ("nbf", nbf), ("iat", iat)] {
            if let Some(value) = value {
                claims.insert(name.into(), value);
            }
        }
        let token = forge(
            br#"{"alg":"HS256"}"#,
            &serde_json::to_vec(&claims).expect("serialize"),
            jsonwebtoken::Algorithm::HS256,
            SECRET,
        );
        check_total(&token, &knobs.policy(), knobs.now);
    }

    #[test]
    fn time_formatting_is_total(seconds in any::<i64>(), now in any::<i64>()) {
        use jwtctl::jwt::time;
        let _ = time::format_timestamp(seconds);
        let _ = time::format_duration(seconds);
        let relative = time::relative(seconds, now);
        prop_assert!(
            relative == "now" || relative.starts_with("in ") || relative.ends_with(" ago"),
            "{}", relative
        );
    }

    #[test]
    fn single_byte_changes_to_an_hs256_token_are_rejected(
        claims in valid_claims(),
        position in any::<prop::sample::Index>(),
        change in change(),
    ) {
        let policy = hs256_policy();
        let token = forge(
            br#"{"alg":"HS256","typ":"JWT"}"#,
            &serde_json::to_vec(&claims).expect("serialize"),
            jsonwebtoken::Algorithm::HS256,
            SECRET,
        );
        prop_assert_eq!(policy.verify(&token, NOW).map(|v| v.claims), Ok(claims));
        if let Some(mutated) = mutate(&token, position.index(token.len()), &change) {
            prop_assert!(policy.verify(&mutated, NOW).is_err());
            prop_assert!(policy.verify(token::normalize(&mutated), NOW).is_err());
        }
    }
}

proptest! {
    // Each case signs with all twelve algorithms; RSA signing makes this the slow test.
    #![proptest_config(config(64))]

    #[test]
    fn every_algorithm_round_trips_random_claims_and_rejects_any_single_byte_change(
        claims in valid_claims(),
        typ in prop::sample::select(vec!["JWT", "at+jwt", "refresh+jwt"]),
        changes in prop::collection::vec((any::<prop::sample::Index>(), change()), 4),
    ) {
        for set in key_sets() {
            let policy = policy_for(set.alg, set.verifying.clone());
            let token = set.signer.sign(typ, &claims).expect("sign");
            let verified = policy.verify(&token, NOW);
            let verified = match verified {
                Ok(verified) => verified,
                Err(error) => {
                    return Err(TestCaseError::fail(format!("{}: {error}", set.alg)));
                }
            };
            prop_assert_eq!(&verified.claims, &claims, "{}", set.alg);
            prop_assert_eq!(
                verified.header.get("alg").and_then(Value::as_str),
                Some(set.alg.name())
            );
            for (position, change) in &changes {
                if let Some(mutated) = mutate(&token, position.index(token.len()), change) {
                    prop_assert!(
                        policy.verify(&mutated, NOW).is_err(),
                        "{}: changed byte {} accepted", set.alg, position.index(token.len())
                    );
                }
            }
        }
    }
}

/// Exhaustive over positions: for one token per algorithm, every byte replaced by a few
/// representative others (the neighbouring base64url characters, a dot, padding, a non-ASCII
/// byte) is rejected.
#[test]
fn every_position_of_a_token_of_each_algorithm_is_covered_by_the_signature() {
    let mut claims = Object::new();
    claims.insert("exp".into(), Value::from(NOW + 600));
    claims.insert("sub".into(), Value::from("alice"));
    claims.insert("n".into(), Value::from(u64::MAX));
    for set in key_sets() {
        let policy = policy_for(set.alg, set.verifying.clone());
        let token = set.signer.sign("JWT", &claims).expect("sign");
        assert!(policy.verify(&token, NOW).is_ok(), "{}", set.alg);
        for position in 0..token.len() {
            let original = token.as_bytes()[position];
            let neighbours = [
                original.wrapping_add(1),
                original.wrapping_sub(1),
                original ^ 0x20,
            ];
            let changes = neighbours
                .into_iter()
                .map(Change::Alphabet)
                .chain([b'.', b'=', b'A', b'_', 0xff, b' '].map(Change::Byte));
            for change in changes {
                if let Some(mutated) = mutate(&token, position, &change) {
                    assert!(
                        policy.verify(&mutated, NOW).is_err(),
                        "{}: byte {position} changed by {change:?} accepted",
                        set.alg
                    );
                }
            }
        }
    }
}

/// A token signed with one algorithm is never accepted by the policy of another, even when the
/// key material is shared (HS256 vs HS512 on one secret; RS256 vs PS256 on one RSA key).
#[test]
fn a_token_is_accepted_only_under_its_own_algorithm() {
    let mut claims = Object::new();
    claims.insert("exp".into(), Value::from(NOW + 600));
    let sets = key_sets();
    for signer in sets {
        let token = signer.signer.sign("JWT", &claims).expect("sign");
        for verifier in sets {
            let result = policy_for(verifier.alg, verifier.verifying.clone()).verify(&token, NOW);
            assert_eq!(
                result.is_ok(),
                signer.alg == verifier.alg,
                "signed {} verified as {}",
                signer.alg,
                verifier.alg
            );
        }
    }
}
