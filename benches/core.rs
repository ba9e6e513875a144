//! Core operations: sign and verify per algorithm, decode, claims parsing, and the raw aws-lc
//! primitives they are measured against. `verify/*` is `Policy::verify` (one token, the header
//! and claims copied into serde_json maps); `verify_check/*` is `Policy::check`, what the batch
//! modes call, with buffers reused.
//!
//! Short settings, since the machine is shared: `cargo bench --bench core`. Compare ratios, not
//! absolute times. `JWTCTL_BENCH_FILTER` is not needed: criterion takes a filter argument
//! (`cargo bench --bench core -- verify/`).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, ParsedPublicKey, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

use jwtctl::jwt::claims::Claims as Object;
use jwtctl::jwt::claims::parse_payload;
use jwtctl::jwt::jwk::{generate, to_pem};
use jwtctl::jwt::keys::{Secret, load_private_key, load_public_key};
use jwtctl::jwt::token;
use jwtctl::jwt::{Alg, Policy, Signer, TokenType, VerifyingKey};

const NOW: i64 = 1_800_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn claims() -> Object {
    match json!({
        "sub": "alice",
        "iss": "https://auth.example.com",
        "aud": "api",
        "iat": NOW,
        "exp": NOW + 300,
        "jti": "Jq0X1_lEDOn6Pf0Kx1oYDQ",
        "sid": "o2Nv4m3wUbqjr9HkcK6c0g",
        "role": "admin",
    }) {
        serde_json::Value::Object(object) => object,
        _ => unreachable!(),
    }
}

fn policy(alg: Alg, key: VerifyingKey) -> Policy {
    Policy {
        algorithms: vec![alg],
        key,
        issuer: Some("https://auth.example.com".into()),
        audience: vec!["api".into()],
        any_audience: false,
        subject: None,
        leeway: 0,
        token_type: TokenType::NotRefresh,
        required: Vec::new(),
        ignore_time: false,
    }
}

/// The raw aws-lc verification of a signature over a message.
type RawVerify = Box<dyn Fn(&[u8], &[u8]) -> bool>;
/// The raw aws-lc signature of a message.
type RawSign = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// A signer, the policy that verifies its tokens, and the raw aws-lc verifying and signing
/// primitives for the same key.
struct Fixture {
    alg: Alg,
    signer: Signer,
    policy: Policy,
    raw_verify: RawVerify,
    raw_sign: RawSign,
}

fn fixture(alg: Alg, dir: &Path) -> Fixture {
    if alg.family() == jwtctl::jwt::Family::Hmac {
        let secret = Secret::new(SECRET.to_vec());
        let hmac_alg = match alg {
            Alg::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
            Alg::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
            _ => aws_lc_rs::hmac::HMAC_SHA512,
        };
        let key = aws_lc_rs::hmac::Key::new(hmac_alg, SECRET);
        let sign_key = key.clone();
        return Fixture {
            alg,
            signer: Signer::from_secret(alg, &secret, None),
            policy: policy(alg, VerifyingKey::from_secret(&secret)),
            raw_verify: Box::new(move |message, signature| {
                aws_lc_rs::hmac::verify(&key, message, signature).is_ok()
            }),
            raw_sign: Box::new(move |message| {
                aws_lc_rs::hmac::sign(&sign_key, message).as_ref().to_vec()
            }),
        };
    }
    let generated = generate(alg, 2048).expect("generate a key");
    let private_path = dir.join(format!("{alg}.pem"));
    let public_path = dir.join(format!("{alg}.pub.pem"));
    std::fs::write(
        &private_path,
        to_pem("PRIVATE KEY", generated.private_pkcs8.expose()),
    )
    .expect("write the private key");
    std::fs::write(&public_path, to_pem("PUBLIC KEY", &generated.public_spki))
        .expect("write the public key");
    let private = load_private_key(&private_path, &mut |_| {}).expect("load the private key");
    let public = load_public_key(&public_path).expect("load the public key");
    let pkcs8 = generated.private_pkcs8.expose().to_vec();
    let verification: &'static dyn signature::VerificationAlgorithm = match alg {
        Alg::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Alg::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
        Alg::ES256 => &signature::ECDSA_P256_SHA256_FIXED,
        Alg::ES384 => &signature::ECDSA_P384_SHA384_FIXED,
        Alg::EdDSA => &signature::ED25519,
        other => panic!("no fixture for {other}"),
    };
    let parsed = ParsedPublicKey::new(verification, &generated.public_spki).expect("parse");
    let raw_sign: RawSign = match alg {
        Alg::RS256 | Alg::PS256 => {
            let pair = RsaKeyPair::from_pkcs8(&pkcs8).expect("rsa pkcs8");
            let encoding: &'static dyn signature::RsaEncoding = if alg == Alg::RS256 {
                &signature::RSA_PKCS1_SHA256
            } else {
                &signature::RSA_PSS_SHA256
            };
            let rng = SystemRandom::new();
            Box::new(move |message| {
                let mut out = vec![0; pair.public_modulus_len()];
                pair.sign(encoding, &rng, message, &mut out).expect("sign");
                out
            })
        }
        Alg::ES256 | Alg::ES384 => {
            let curve = if alg == Alg::ES256 {
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let pair = EcdsaKeyPair::from_pkcs8(curve, &pkcs8).expect("ec pkcs8");
            let rng = SystemRandom::new();
            Box::new(move |message| pair.sign(&rng, message).expect("sign").as_ref().to_vec())
        }
        _ => {
            let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(&pkcs8).expect("ed pkcs8");
            Box::new(move |message| pair.sign(message).as_ref().to_vec())
        }
    };
    Fixture {
        alg,
        signer: Signer::from_private_key(alg, private, None),
        policy: policy(alg, VerifyingKey::Public(public)),
        raw_verify: Box::new(move |message, signature| {
            parsed.verify_sig(message, signature).is_ok()
        }),
        raw_sign,
    }
}

fn split(token: &str) -> (&[u8], Vec<u8>) {
    let dot = token.rfind('.').expect("a signed token");
    let signature = URL_SAFE_NO_PAD
        .decode(&token[dot + 1..])
        .expect("base64url");
    (&token.as_bytes()[..dot], signature)
}

fn algorithms(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let claims = claims();
    for alg in [
        Alg::HS256,
        Alg::RS256,
        Alg::PS256,
        Alg::ES256,
        Alg::ES384,
        Alg::EdDSA,
    ] {
        let fixture = fixture(alg, dir.path());
        let token = fixture.signer.sign("at+jwt", &claims).expect("sign");
        assert!(
            fixture
                .policy
                .verify(&token, NOW, &mut token::Scratch::default())
                .is_ok(),
            "{alg} verifies"
        );
        let (message, signature) = split(&token);
        assert!((fixture.raw_verify)(message, &signature));
        let name = fixture.alg.name();
        c.bench_function(&format!("sign/{name}"), |b| {
            b.iter(|| fixture.signer.sign("at+jwt", black_box(&claims)))
        });
        c.bench_function(&format!("raw_sign/{name}"), |b| {
            b.iter(|| (fixture.raw_sign)(black_box(message)))
        });
        // What verify does per token, with its buffers reused as verify --batch reuses them.
        let mut scratch = token::Scratch::default();
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| {
                fixture
                    .policy
                    .verify(black_box(&token), NOW, &mut scratch)
                    .is_ok()
            })
        });
        c.bench_function(&format!("raw_verify/{name}"), |b| {
            b.iter(|| (fixture.raw_verify)(black_box(message), black_box(&signature)))
        });
    }
}

fn parsing(c: &mut Criterion) {
    let claims = claims();
    let secret = Secret::new(SECRET.to_vec());
    let token = Signer::from_secret(Alg::HS256, &secret, None)
        .sign("at+jwt", &claims)
        .expect("sign");
    // Buffers reused, as the batch modes reuse them per line.
    let mut scratch = token::Scratch::default();
    c.bench_function("decode", |b| {
        b.iter(|| token::decode(black_box(&token), &mut scratch).is_ok())
    });

    let text = serde_json::to_string(&claims).expect("json");
    c.bench_function("claims/parse_payload", |b| {
        b.iter(|| parse_payload(black_box(&text), "bench"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = algorithms, parsing
}
criterion_main!(benches);
