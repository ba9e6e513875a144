//! JWE decryption per key-management family, and what a failure costs next to a success: a
//! failed unwrap goes on with a random content key (RFC 7516 section 11.5), so a wrong key, a
//! bad unwrap and a bad tag should all cost about what a good token costs. Compare the ratios
//! `*/wrong_key` : `*/ok` and `*/bad_tag` : `*/ok`, not absolute times.
//!
//!   cargo bench --bench jwe

use std::hint::black_box;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};

use jwtctl::jwt::jwe::{self, ContentAlg, DecryptionKey, HeaderExtras, KeyAlg};

const VECTORS: &str = include_str!("../tests/fixtures/jwe/vectors.json");
const ALICE_P256: &str = r#"{"kty":"EC","crv":"P-256","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps","d":"0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"}"#;

fn rsa_key() -> DecryptionKey {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    DecryptionKey::parse(vectors["rfc7520_5.2"]["key"].to_string().as_bytes()).unwrap()
}

fn p256_key() -> DecryptionKey {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    DecryptionKey::parse(vectors["rfc7520_5.5"]["key"].to_string().as_bytes()).unwrap()
}

/// The token with its last tag byte changed.
fn bad_tag(token: &str) -> String {
    let (rest, tag) = token.rsplit_once('.').unwrap();
    let mut tag = URL_SAFE_NO_PAD.decode(tag).unwrap();
    tag[0] ^= 1;
    format!("{rest}.{}", URL_SAFE_NO_PAD.encode(tag))
}

fn bench(c: &mut Criterion) {
    let plaintext = vec![b'x'; 600];
    let cases: Vec<(&str, KeyAlg, DecryptionKey, DecryptionKey)> = vec![
        (
            "a256kw",
            KeyAlg::A256Kw,
            DecryptionKey::from_oct(&[1; 32]).unwrap(),
            DecryptionKey::from_oct(&[2; 32]).unwrap(),
        ),
        ("rsa_oaep_256", KeyAlg::RsaOaep256, rsa_key(), {
            let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
            DecryptionKey::parse(vectors["rfc7516_A1"]["key"].to_string().as_bytes()).unwrap()
        }),
        (
            "ecdh_es_a256kw_p256",
            KeyAlg::EcdhEsA256Kw,
            p256_key(),
            // Alice's key of RFC 7518 appendix C: another P-256 key.
            DecryptionKey::parse(ALICE_P256.as_bytes()).unwrap(),
        ),
    ];
    let mut group = c.benchmark_group("jwe_decrypt");
    group.measurement_time(Duration::from_secs(3));
    group.warm_up_time(Duration::from_secs(1));
    group.sample_size(30);
    for (name, alg, key, wrong) in &cases {
        let recipient = key.recipient().unwrap();
        let token = jwe::encrypt(
            &plaintext,
            &recipient,
            *alg,
            ContentAlg::A256Gcm,
            &HeaderExtras::default(),
        )
        .unwrap();
        let tampered = bad_tag(&token);
        let accepted = [*alg];
        let encs = [ContentAlg::A256Gcm];
        assert!(jwe::decrypt(&token, key, &accepted, &encs).is_ok());
        assert!(jwe::decrypt(&token, wrong, &accepted, &encs).is_err());
        group.bench_function(format!("{name}/ok"), |b| {
            b.iter(|| jwe::decrypt(black_box(&token), key, &accepted, &encs))
        });
        group.bench_function(format!("{name}/wrong_key"), |b| {
            b.iter(|| jwe::decrypt(black_box(&token), wrong, &accepted, &encs))
        });
        group.bench_function(format!("{name}/bad_tag"), |b| {
            b.iter(|| jwe::decrypt(black_box(&tampered), key, &accepted, &encs))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
