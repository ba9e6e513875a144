//! Property tests: parsing and verification are total (never panic, always `Ok` or a
//! `TokenError`), every algorithm round-trips arbitrary claims, and any single-byte change to a
//! signed token is rejected.
//!
//! Keys are generated once per test process with aws-lc-rs and loaded through jwtctl's own PEM
//! loaders, so the loaders are exercised too. Case counts are kept modest: RSA signing in a debug
//! build is the slow part, and the whole file should run in well under a minute.

mod support;

use std::path::Path;
use std::sync::OnceLock;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    KeyPair,
};
use jsonwebtoken::EncodingKey;
use jwtctl::jwt::claims::Claims as Object;
use jwtctl::jwt::keys::{self, Secret};
use jwtctl::jwt::token::{self, Scratch, View};
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
    /// Signing takes the parsed key; each signer loads its own.
    private_path: std::path::PathBuf,
    public: keys::PublicKey,
}

impl LoadedPair {
    fn for_alg(&self, alg: Alg) -> (Signer, VerifyingKey) {
        assert!(self.private.key_type.fits(alg), "{alg} key type");
        (
            Signer::from_private_key(
                alg,
                keys::load_private_key(&self.private_path, &mut |_| {}).expect("reload"),
                Some("k1".to_owned()),
            ),
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
    LoadedPair {
        private,
        private_path,
        public,
    }
}

fn policy_for(alg: Alg, key: VerifyingKey) -> Policy {
    Policy {
        algorithms: vec![alg],
        key,
        issuer: None,
        audience: Vec::new(),
        any_audience: true,
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
            any_audience: true,
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
    let decoded = decode(input);
    if let Ok(Some(signed)) = &decoded {
        // What `jwtctl decode` warns about, computed from attacker-chosen claims.
        let mut scratch = Scratch::default();
        if let Ok(View::Signed {
            header, payload, ..
        }) = token::decode(input, &mut scratch)
        {
            let _ = jwtctl::commands::decode::problems(&header, &payload, now);
        }
        let _ = signed;
    }
    let verified = verify(policy, input, now);
    for error in [decoded.as_ref().err(), verified.as_ref().err()]
        .into_iter()
        .flatten()
    {
        assert_no_token_in(error, input);
    }
    let normalized = token::normalize(input);
    let _ = token::split(normalized);
    if let Err(error) = verify(policy, normalized, now) {
        assert_no_token_in(&error, normalized);
    }
    // A token that verifies also decodes, to the same header and claims.
    if let Ok(verified) = verified {
        match decoded {
            Ok(Some(signed)) => {
                assert_eq!(signed.header, verified.header);
                assert_eq!(signed.payload, verified.claims);
            }
            other => panic!("verified but decode gave {other:?}"),
        }
    }
}

/// A verified token's header and claims, copied out of the scratch buffers, and its `exp`.
#[derive(Debug, PartialEq)]
struct Checked {
    header: Object,
    claims: Object,
    exp: Result<Option<i64>, TokenError>,
}

fn verify(policy: &Policy, token: &str, now: i64) -> Result<Checked, TokenError> {
    let mut scratch = Scratch::default();
    policy
        .verify(token, now, &mut scratch)
        .map(|verified| Checked {
            header: verified.header.to_map(),
            claims: verified.claims.to_map(),
            exp: jwtctl::jwt::verify::numeric_date(&verified.claims, "exp"),
        })
}

/// A decoded token's header and payload; `None` for an encrypted one.
#[derive(Debug, PartialEq)]
struct Signed {
    header: Object,
    payload: Object,
}

fn decode(token: &str) -> Result<Option<Signed>, TokenError> {
    let mut scratch = Scratch::default();
    token::decode(token, &mut scratch).map(|view| match view {
        View::Signed {
            header, payload, ..
        } => Some(Signed {
            header: header.to_map(),
            payload: payload.to_map(),
        }),
        View::Encrypted { .. } => None,
    })
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
        match decode(&token) {
            Ok(Some(signed)) => {
                prop_assert_eq!(signed.header, header);
                prop_assert_eq!(signed.payload, claims);
            }
            other => prop_assert!(false, "a well-formed token did not decode: {:?}", other),
        }
        // Accepted only if every rule holds.
        if let Ok(verified) = verify(&policy, &token, now) {
            prop_assert!(sign_it, "a token with a random signature verified");
            let alg = verified.header.get("alg").and_then(Value::as_str);
            prop_assert!(
                alg.and_then(Alg::from_name).is_some_and(|alg| policy.algorithms.contains(&alg)),
                "algorithm {:?} accepted", alg
            );
            prop_assert!(!verified.header.contains_key("crit"));
            if !policy.ignore_time {
                let exp = verified.exp;
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
        prop_assert_eq!(verify(&policy, &token, NOW).map(|v| v.claims), Ok(claims));
        if let Some(mutated) = mutate(&token, position.index(token.len()), &change) {
            prop_assert!(verify(&policy, &mutated, NOW).is_err());
            prop_assert!(verify(&policy, token::normalize(&mutated), NOW).is_err());
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
            let verified = verify(&policy, &token, NOW);
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
                        verify(&policy, &mutated, NOW).is_err(),
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
        assert!(verify(&policy, &token, NOW).is_ok(), "{}", set.alg);
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
                        verify(&policy, &mutated, NOW).is_err(),
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
            let result = verify(
                &policy_for(verifier.alg, verifier.verifying.clone()),
                &token,
                NOW,
            );
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

// ---------------------------------------------------------------------------------------------
// The store against a model
//
// Random sequences of store calls, with time only moving forward, run on a real backend and on a
// small in-memory model written from the contract in `src/store/mod.rs` (the `Store` trait's
// documentation) and `tests/support/conformance.rs`. Every answer must agree.

mod store_model {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use jwtctl::store::{
        AccessOutcome, FileStore, LookupOutcome, MIN_CUTOFF_RETENTION, NewToken, OpenOptions,
        RedisStore, RevokeSelector, RotateOutcome, SessionSummary, Store, Timestamp,
    };
    use proptest::prelude::*;
    use proptest::test_runner::TestRunner;

    use crate::support::redis_server::RedisServer;

    /// 2100-01-01, as in the conformance suite.
    const T0: Timestamp = 4_102_444_800;
    const ACCESS_TTL: Timestamp = 15 * 60;
    const REFRESH_TTL: Timestamp = 30 * 24 * 60 * 60;
    const SUBS: [&str; 3] = ["alice", "bob", "carol"];
    const FAMILIES: [&str; 6] = ["F0", "F1", "F2", "F3", "F4", "F5"];
    /// Few enough that jtis collide (and inserts and rotations are refused) now and then.
    const JTI_POOL: usize = 10;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum State {
        Active,
        Rotated { at: Timestamp },
        Revoked,
    }

    #[derive(Debug, Clone)]
    struct Record {
        sub: String,
        family: String,
        expires_at: Timestamp,
        access_expires_at: Timestamp,
        label: Option<String>,
        state: State,
    }

    impl Record {
        fn keep_until(&self) -> Timestamp {
            self.expires_at.max(self.access_expires_at)
        }
    }

    #[derive(Debug, Clone, Default)]
    struct FamilyHistory {
        /// The least `iat` of any record the family ever had.
        started_at: Timestamp,
        last_rotated_at: Option<Timestamp>,
    }

    /// The contract, written as plainly as possible.
    #[derive(Debug, Default)]
    struct Model {
        tokens: BTreeMap<String, Record>,
        /// Family -> remembered as revoked until.
        revoked_families: BTreeMap<String, Timestamp>,
        /// Subject -> (at, until).
        cutoffs: BTreeMap<String, (Timestamp, Timestamp)>,
        history: BTreeMap<String, FamilyHistory>,
        /// Token records that stopped mattering since the last `prune`.
        expired_since_prune: u64,
        /// Whether a call that may write has been made since the last `prune` (a backend may
        /// drop expired records when it writes anyway, so `prune` then counts fewer).
        wrote_since_prune: bool,
    }

    impl Model {
        /// What no longer matters at `now` is absent for every call.
        fn forget(&mut self, now: Timestamp) {
            let before = self.tokens.len();
            self.tokens.retain(|_, record| record.keep_until() > now);
            self.expired_since_prune += (before - self.tokens.len()) as u64;
            self.revoked_families.retain(|_, until| *until > now);
            self.cutoffs.retain(|_, (_, until)| *until > now);
        }

        fn family_exists(&self, family: &str) -> bool {
            self.tokens.values().any(|record| record.family == family)
                || self.revoked_families.contains_key(family)
        }

        fn insert(&mut self, tokens: &[NewToken]) -> Result<(), ()> {
            let mut jtis = BTreeSet::new();
            let mut families = BTreeSet::new();
            for token in tokens {
                if self.tokens.contains_key(&token.jti)
                    || !jtis.insert(&token.jti)
                    || self.family_exists(&token.family)
                    || !families.insert(&token.family)
                {
                    return Err(());
                }
            }
            for token in tokens {
                self.record(token);
                self.history.insert(
                    token.family.clone(),
                    FamilyHistory {
                        started_at: token.issued_at,
                        last_rotated_at: None,
                    },
                );
            }
            Ok(())
        }

        fn record(&mut self, token: &NewToken) {
            self.tokens.insert(
                token.jti.clone(),
                Record {
                    sub: token.sub.clone(),
                    family: token.family.clone(),
                    expires_at: token.expires_at,
                    access_expires_at: token.access_expires_at,
                    label: token.label.clone(),
                    state: State::Active,
                },
            );
        }

        fn lookup(&self, jti: &str, sub: &str, family: &str) -> LookupOutcome {
            match self.tokens.get(jti) {
                Some(record) if record.sub == sub && record.family == family => {
                    match record.state {
                        State::Active => LookupOutcome::Active,
                        State::Rotated { .. } => LookupOutcome::Rotated,
                        State::Revoked => LookupOutcome::Revoked,
                    }
                }
                _ => LookupOutcome::Unknown,
            }
        }

        fn rotate(
            &mut self,
            jti: &str,
            sub: &str,
            family: &str,
            successor: &NewToken,
            now: Timestamp,
        ) -> Result<RotateOutcome, ()> {
            match self.lookup(jti, sub, family) {
                LookupOutcome::Unknown => Ok(RotateOutcome::Unknown),
                LookupOutcome::Revoked => Ok(RotateOutcome::Revoked),
                LookupOutcome::Rotated => {
                    self.revoke_family(family, now);
                    Ok(RotateOutcome::ReuseDetected {
                        family: family.to_owned(),
                    })
                }
                LookupOutcome::Active => {
                    if successor.sub != sub
                        || successor.family != family
                        || self.tokens.contains_key(&successor.jti)
                    {
                        return Err(());
                    }
                    if let Some(record) = self.tokens.get_mut(jti) {
                        record.state = State::Rotated { at: now };
                    }
                    self.record(successor);
                    let history = self.history.entry(family.to_owned()).or_default();
                    history.started_at = history.started_at.min(successor.issued_at);
                    history.last_rotated_at = Some(now);
                    Ok(RotateOutcome::Rotated)
                }
            }
        }

        fn is_live(&self, family: &str, now: Timestamp) -> bool {
            self.tokens.values().any(|record| {
                record.family == family && record.state == State::Active && record.expires_at > now
            })
        }

        /// Revokes one family; returns whether it was live.
        fn revoke_family(&mut self, family: &str, now: Timestamp) -> bool {
            let live = self.is_live(family, now);
            let mut until = None;
            for record in self.tokens.values_mut().filter(|r| r.family == family) {
                record.state = State::Revoked;
                until = until.max(Some(record.keep_until()));
            }
            if let Some(until) = until {
                let remembered = self
                    .revoked_families
                    .entry(family.to_owned())
                    .or_insert(until);
                *remembered = (*remembered).max(until);
            }
            live
        }

        fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> u64 {
            let families: BTreeSet<String> = match selector {
                RevokeSelector::Family(family) => BTreeSet::from([family.clone()]),
                RevokeSelector::FamilyOf { sub, family } => self
                    .tokens
                    .values()
                    .filter(|record| &record.family == family && &record.sub == sub)
                    .map(|record| record.family.clone())
                    .collect(),
                RevokeSelector::User(sub) => self
                    .tokens
                    .values()
                    .filter(|record| &record.sub == sub)
                    .map(|record| record.family.clone())
                    .collect(),
                RevokeSelector::All => self
                    .tokens
                    .values()
                    .map(|record| record.family.clone())
                    .collect(),
            };
            let count = families
                .iter()
                .filter(|family| self.revoke_family(family, now))
                .count() as u64;
            if let RevokeSelector::User(sub) = selector {
                let until = self
                    .tokens
                    .values()
                    .filter(|record| &record.sub == sub)
                    .map(Record::keep_until)
                    .fold(now + MIN_CUTOFF_RETENTION, Timestamp::max);
                let cutoff = self.cutoffs.entry(sub.clone()).or_insert((now, until));
                cutoff.0 = cutoff.0.max(now);
                cutoff.1 = cutoff.1.max(until);
            }
            count
        }

        fn check_access(
            &self,
            sub: Option<&str>,
            family: Option<&str>,
            issued_at: Timestamp,
        ) -> AccessOutcome {
            if let Some(family) = family {
                if self.revoked_families.contains_key(family) {
                    return AccessOutcome::FamilyRevoked {
                        family: family.to_owned(),
                    };
                }
                if self.tokens.values().any(|record| {
                    record.family == family
                        && Some(record.sub.as_str()) == sub
                        && record.state != State::Revoked
                }) {
                    return AccessOutcome::Allowed;
                }
            }
            if let Some(sub) = sub
                && let Some(&(at, _)) = self.cutoffs.get(sub)
                && issued_at <= at
            {
                return AccessOutcome::UserCutOff {
                    sub: sub.to_owned(),
                    at,
                };
            }
            AccessOutcome::Allowed
        }

        fn sessions(&self, sub: Option<&str>, now: Timestamp) -> Vec<SessionSummary> {
            let mut out: Vec<SessionSummary> = self
                .tokens
                .values()
                .filter(|record| record.state == State::Active && record.expires_at > now)
                .filter(|record| sub.is_none_or(|sub| sub == record.sub))
                .map(|record| {
                    let history = &self.history[&record.family];
                    SessionSummary {
                        sub: record.sub.clone(),
                        family: record.family.clone(),
                        label: record.label.clone(),
                        started_at: history.started_at,
                        expires_at: record.expires_at,
                        last_rotated_at: history.last_rotated_at,
                    }
                })
                .collect();
            out.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
            out
        }
    }

    /// How long a token lives, from the time it is issued.
    fn lifetime() -> impl Strategy<Value = Timestamp> {
        prop_oneof![
            Just(1),
            Just(60),
            Just(ACCESS_TTL),
            Just(REFRESH_TTL),
            1..2 * REFRESH_TTL,
        ]
    }

    #[derive(Debug, Clone)]
    struct TokenSpec {
        jti: Option<usize>,
        sub: usize,
        family: usize,
        ttl: Timestamp,
        access_ttl: Timestamp,
        label: Option<String>,
    }

    fn token_spec() -> impl Strategy<Value = TokenSpec> {
        (
            prop::option::weighted(0.4, 0..JTI_POOL),
            0..SUBS.len(),
            0..FAMILIES.len(),
            lifetime(),
            lifetime(),
            prop::option::of("[a-z ]{0,6}|\\PC{0,4}"),
        )
            .prop_map(|(jti, sub, family, ttl, access_ttl, label)| TokenSpec {
                jti,
                sub,
                family,
                ttl,
                access_ttl,
                label,
            })
    }

    /// Which record a call names: one the model holds (so calls mostly hit something), or any.
    #[derive(Debug, Clone)]
    enum Target {
        /// A held record that is active, if there is one.
        Active(prop::sample::Index),
        Held(prop::sample::Index),
        /// A held record, named with another subject (`true`) or family.
        HeldMismatched(prop::sample::Index, bool),
        Any(usize, usize, usize),
    }

    fn target() -> impl Strategy<Value = Target> {
        prop_oneof![
            5 => any::<prop::sample::Index>().prop_map(Target::Active),
            3 => any::<prop::sample::Index>().prop_map(Target::Held),
            1 => (any::<prop::sample::Index>(), any::<bool>())
                .prop_map(|(index, sub)| Target::HeldMismatched(index, sub)),
            1 => (0..JTI_POOL, 0..SUBS.len(), 0..FAMILIES.len())
                .prop_map(|(jti, sub, family)| Target::Any(jti, sub, family)),
        ]
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(Vec<TokenSpec>),
        /// `successor_owner`: 0 same subject and family, 1 another subject, 2 another family.
        Rotate {
            target: Target,
            successor: TokenSpec,
            successor_owner: u8,
        },
        Lookup(Target),
        RevokeUser(usize),
        RevokeFamily(usize),
        RevokeAll,
        CheckAccess {
            sub: Option<usize>,
            family: Option<usize>,
            issued_at: IssuedAt,
        },
        Sessions(Option<usize>),
        Prune,
        Advance(Timestamp),
        /// To one of the instants the model knows something ends at, or one second before.
        AdvanceToDeadline(prop::sample::Index, bool),
    }

    /// When the access token being checked was issued.
    #[derive(Debug, Clone)]
    enum IssuedAt {
        Ago(Timestamp),
        /// Relative to the subject's cut-off, if it has one.
        AroundCutoff(Timestamp),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => prop::collection::vec(token_spec(), 0..3).prop_map(Op::Insert),
            16 => (target(), token_spec(), prop_oneof![8 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)])
                .prop_map(|(target, successor, successor_owner)| Op::Rotate {
                    target,
                    successor,
                    successor_owner,
                }),
            4 => target().prop_map(Op::Lookup),
            1 => (0..SUBS.len()).prop_map(Op::RevokeUser),
            2 => (0..FAMILIES.len()).prop_map(Op::RevokeFamily),
            1 => Just(Op::RevokeAll),
            4 => (
                prop::option::of(0..SUBS.len()),
                prop::option::of(0..FAMILIES.len()),
                prop_oneof![
                    prop_oneof![Just(0), Just(1), 0..REFRESH_TTL].prop_map(IssuedAt::Ago),
                    (-1..=1 as Timestamp).prop_map(IssuedAt::AroundCutoff),
                ],
            )
                .prop_map(|(sub, family, issued_at)| Op::CheckAccess {
                    sub,
                    family,
                    issued_at,
                }),
            4 => prop::option::of(0..SUBS.len()).prop_map(Op::Sessions),
            2 => Just(Op::Prune),
            5 => prop_oneof![
                2 => Just(0),
                2 => Just(1),
                2 => Just(ACCESS_TTL),
                4 => 1..REFRESH_TTL / 4,
                1 => Just(MIN_CUTOFF_RETENTION),
                1 => Just(REFRESH_TTL),
            ]
            .prop_map(Op::Advance),
            3 => (any::<prop::sample::Index>(), any::<bool>())
                .prop_map(|(index, before)| Op::AdvanceToDeadline(index, before)),
        ]
    }

    /// Runs `ops` on `store` and on the model, comparing every answer.
    fn run(store: &mut dyn Store, ops: &[Op]) -> Result<(), TestCaseError> {
        let mut model = Model::default();
        let mut now = T0;
        let mut fresh = 0;
        let mut make = |spec: &TokenSpec, sub: &str, family: &str, now: Timestamp| {
            let jti = match spec.jti {
                Some(n) => format!("j{n}"),
                None => {
                    fresh += 1;
                    format!("fresh{fresh}")
                }
            };
            NewToken {
                jti,
                sub: sub.to_owned(),
                family: family.to_owned(),
                issued_at: now,
                expires_at: now + spec.ttl,
                access_expires_at: now + spec.access_ttl,
                label: spec.label.clone(),
            }
        };
        for (step, op) in ops.iter().enumerate() {
            model.forget(now);
            let held: Vec<(String, String, String)> = model
                .tokens
                .iter()
                .map(|(jti, r)| (jti.clone(), r.sub.clone(), r.family.clone()))
                .collect();
            let active: Vec<(String, String, String)> = model
                .tokens
                .iter()
                .filter(|(_, r)| r.state == State::Active)
                .map(|(jti, r)| (jti.clone(), r.sub.clone(), r.family.clone()))
                .collect();
            let resolve = |target: &Target| -> (String, String, String) {
                match target {
                    Target::Active(index) if !active.is_empty() => {
                        active[index.index(active.len())].clone()
                    }
                    Target::Held(index) if !held.is_empty() => {
                        held[index.index(held.len())].clone()
                    }
                    Target::HeldMismatched(index, other_sub) if !held.is_empty() => {
                        let (jti, sub, family) = held[index.index(held.len())].clone();
                        if *other_sub {
                            (jti, format!("{sub}-other"), family)
                        } else {
                            (jti, sub, format!("{family}-other"))
                        }
                    }
                    Target::Active(_) | Target::Held(_) | Target::HeldMismatched(..) => {
                        ("j0".into(), SUBS[0].into(), FAMILIES[0].into())
                    }
                    Target::Any(jti, sub, family) => (
                        format!("j{jti}"),
                        SUBS[*sub].into(),
                        FAMILIES[*family].into(),
                    ),
                }
            };
            let context = || format!("step {step} at T0+{}: {op:?}", now - T0);
            match op {
                Op::Insert(specs) => {
                    let tokens: Vec<NewToken> = specs
                        .iter()
                        .map(|spec| make(spec, SUBS[spec.sub], FAMILIES[spec.family], now))
                        .collect();
                    let expected = model.insert(&tokens);
                    let found = store.insert(&tokens, now).map_err(|_| ());
                    prop_assert_eq!(found, expected, "{}", context());
                    model.wrote_since_prune = true;
                }
                Op::Rotate {
                    target,
                    successor,
                    successor_owner,
                } => {
                    let (jti, sub, family) = resolve(target);
                    let (next_sub, next_family) = match successor_owner {
                        1 => (format!("{sub}-x"), family.clone()),
                        2 => (sub.clone(), format!("{family}-x")),
                        _ => (sub.clone(), family.clone()),
                    };
                    let successor = make(successor, &next_sub, &next_family, now);
                    let expected = model.rotate(&jti, &sub, &family, &successor, now);
                    let found = store
                        .rotate(&jti, &sub, &family, &successor, now)
                        .map_err(|_| ());
                    prop_assert_eq!(found, expected, "{}", context());
                    model.wrote_since_prune = true;
                }
                Op::Lookup(target) => {
                    let (jti, sub, family) = resolve(target);
                    let found = store
                        .lookup(&jti, &sub, &family, now)
                        .map_err(|e| e.to_string());
                    prop_assert_eq!(
                        found,
                        Ok(model.lookup(&jti, &sub, &family)),
                        "{}",
                        context()
                    );
                }
                Op::RevokeUser(_) | Op::RevokeFamily(_) | Op::RevokeAll => {
                    let selector = match op {
                        Op::RevokeUser(sub) => RevokeSelector::User(SUBS[*sub].into()),
                        Op::RevokeFamily(family) => {
                            RevokeSelector::Family(FAMILIES[*family].into())
                        }
                        _ => RevokeSelector::All,
                    };
                    let expected = model.revoke(&selector, now);
                    let found = store.revoke(&selector, now).map_err(|e| e.to_string());
                    prop_assert_eq!(found, Ok(expected), "{}", context());
                    model.wrote_since_prune = true;
                }
                Op::CheckAccess {
                    sub,
                    family,
                    issued_at,
                } => {
                    let sub = sub.map(|sub| SUBS[sub]);
                    let family = family.map(|family| FAMILIES[family]);
                    let issued_at = match issued_at {
                        IssuedAt::Ago(ago) => now - ago,
                        IssuedAt::AroundCutoff(delta) => {
                            let cutoff = sub.and_then(|sub| model.cutoffs.get(sub));
                            cutoff.map_or(now, |(at, _)| at + delta)
                        }
                    };
                    let found = store
                        .check_access(sub, family, issued_at, now)
                        .map_err(|e| e.to_string());
                    let expected = model.check_access(sub, family, issued_at);
                    prop_assert_eq!(found, Ok(expected), "{}", context());
                }
                Op::Sessions(sub) => {
                    let sub = sub.map(|sub| SUBS[sub]);
                    let found = store.sessions(sub, now).map_err(|e| e.to_string());
                    prop_assert_eq!(found, Ok(model.sessions(sub, now)), "{}", context());
                }
                Op::Prune => {
                    let found = store
                        .prune(now)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    let dropped = model.expired_since_prune;
                    if model.wrote_since_prune {
                        prop_assert!(
                            found <= dropped,
                            "{}: pruned {found} of {dropped}",
                            context()
                        );
                    } else {
                        prop_assert_eq!(found, dropped, "{}", context());
                    }
                    model.expired_since_prune = 0;
                    model.wrote_since_prune = false;
                }
                Op::Advance(seconds) => now += seconds,
                Op::AdvanceToDeadline(index, before) => {
                    let deadlines: Vec<Timestamp> = model
                        .tokens
                        .values()
                        .flat_map(|r| [r.expires_at, r.access_expires_at])
                        .chain(model.revoked_families.values().copied())
                        .chain(model.cutoffs.values().map(|(_, until)| *until))
                        .map(|deadline| deadline - Timestamp::from(*before))
                        .filter(|deadline| *deadline > now)
                        .collect();
                    if !deadlines.is_empty() {
                        now = deadlines[index.index(deadlines.len())];
                    }
                }
            }
        }
        // Finally, everything the model knows, asked once more.
        model.forget(now);
        prop_assert_eq!(
            store.sessions(None, now).map_err(|e| e.to_string()),
            Ok(model.sessions(None, now))
        );
        for sub in SUBS.iter().map(|sub| Some(*sub)).chain([None]) {
            for family in FAMILIES.iter().map(|family| Some(*family)).chain([None]) {
                let cutoff = sub
                    .and_then(|sub| model.cutoffs.get(sub))
                    .map(|(at, _)| *at);
                for issued_at in [now, T0]
                    .into_iter()
                    .chain(cutoff.into_iter().flat_map(|at| [at, at + 1]))
                {
                    prop_assert_eq!(
                        store
                            .check_access(sub, family, issued_at, now)
                            .map_err(|e| e.to_string()),
                        Ok(model.check_access(sub, family, issued_at)),
                        "final check_access({:?}, {:?}, {})",
                        sub,
                        family,
                        issued_at
                    );
                }
            }
        }
        for (jti, record) in &model.tokens {
            prop_assert_eq!(
                store
                    .lookup(jti, &record.sub, &record.family, now)
                    .map_err(|e| e.to_string()),
                Ok(model.lookup(jti, &record.sub, &record.family))
            );
        }
        Ok(())
    }

    /// The backends to check, each with a fresh, empty store for every case. `run` only uses the
    /// `Store` trait.
    fn file_store(dir: &Path) -> Box<dyn Store> {
        Box::new(FileStore::new(dir.join("sessions.json")))
    }

    proptest! {
        // Every change is an fsynced file replacement: keep the count modest.
        #![proptest_config(super::config(128))]

        #[test]
        fn file_store_agrees_with_the_model(ops in prop::collection::vec(op(), 1..60)) {
            let dir = tempfile::tempdir().expect("temporary directory");
            let mut store = file_store(dir.path());
            run(store.as_mut(), &ops)?;
        }
    }

    /// The same sequences on a private redis-server (skipped when it is not installed, except
    /// under CI), one key prefix per case.
    #[test]
    fn redis_store_agrees_with_the_model() {
        let Some(server) = RedisServer::start() else {
            return;
        };
        let case = std::cell::Cell::new(0);
        let mut runner = TestRunner::new(super::config(64));
        let result = runner.run(&prop::collection::vec(op(), 1..60), |ops| {
            case.set(case.get() + 1);
            let options = OpenOptions {
                prefix: format!("model{}:", case.get()),
                ..OpenOptions::default()
            };
            let mut store = RedisStore::connect(&server.url, &options)
                .map_err(|error| TestCaseError::fail(format!("connect: {error}")))?;
            run(&mut store, &ops)
        });
        if let Err(error) = result {
            panic!("{error}");
        }
    }
}
