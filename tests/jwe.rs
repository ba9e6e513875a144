//! The JWE engine against published vectors (RFC 7516 appendix A, RFC 7520 section 5) and
//! property tests: random plaintexts round-trip, and any single changed byte is refused.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::jwt::jwe::{
    self, ContentAlg, DecryptionKey, HeaderExtras, JweError, KeyAlg, KeyKind, RecipientKey,
};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> &'static serde_json::Map<String, Value> {
    static VECTORS: OnceLock<serde_json::Map<String, Value>> = OnceLock::new();
    VECTORS.get_or_init(|| {
        let text = include_str!("fixtures/jwe/vectors.json");
        serde_json::from_str(text).unwrap()
    })
}

struct Vector {
    key: DecryptionKey,
    compact: String,
    plaintext: Vec<u8>,
}

fn vector(name: &str) -> Vector {
    let entry = &vectors()[name];
    let key = DecryptionKey::parse(entry["key"].to_string().as_bytes()).unwrap();
    Vector {
        key,
        compact: entry["compact"].as_str().unwrap().to_owned(),
        plaintext: URL_SAFE_NO_PAD
            .decode(entry["plaintext_b64u"].as_str().unwrap())
            .unwrap(),
    }
}

/// Decrypts with the defaults the key implies, as `jwtctl decrypt` does without `--alg`.
fn open_with_defaults(v: &Vector) -> Result<jwe::Decrypted, JweError> {
    let info = v.key.info();
    jwe::decrypt(
        &v.compact,
        &v.key,
        &info.accepted_algs(),
        &info.accepted_encs(),
    )
}

#[test]
fn rfc7516_a1_rsa_oaep_a256gcm() {
    let v = vector("rfc7516_A1");
    let opened = open_with_defaults(&v).unwrap();
    assert_eq!(opened.plaintext, v.plaintext);
    assert_eq!(
        opened.plaintext,
        b"The true sign of intelligence is not knowledge but imagination."
    );
    assert_eq!(
        (opened.alg, opened.enc),
        (KeyAlg::RsaOaep, ContentAlg::A256Gcm)
    );
}

#[test]
fn rfc7516_a3_a128kw_a128cbc_hs256() {
    let v = vector("rfc7516_A3");
    let opened = open_with_defaults(&v).unwrap();
    assert_eq!(opened.plaintext, b"Live long and prosper.");
    assert_eq!(
        (opened.alg, opened.enc),
        (KeyAlg::A128Kw, ContentAlg::A128CbcHs256)
    );
}

#[test]
fn rsa1_5_is_refused_rfc7516_a2_and_rfc7520_5_1() {
    for name in ["rfc7516_A2", "rfc7520_5.1"] {
        let v = vector(name);
        // Even when every algorithm is accepted, RSA1_5 is not one of them.
        let result = jwe::decrypt(&v.compact, &v.key, &KeyAlg::ALL, &ContentAlg::ALL);
        match result {
            Err(JweError::Refused(why)) => assert!(why.contains("RSA1_5"), "{why}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn rfc7520_section_5_vectors_decrypt_byte_for_byte() {
    let expected = [
        ("rfc7520_5.2", KeyAlg::RsaOaep, ContentAlg::A256Gcm),
        ("rfc7520_5.4", KeyAlg::EcdhEsA128Kw, ContentAlg::A128Gcm),
        ("rfc7520_5.5", KeyAlg::EcdhEs, ContentAlg::A128CbcHs256),
        ("rfc7520_5.6", KeyAlg::Dir, ContentAlg::A128Gcm),
        ("rfc7520_5.7", KeyAlg::A256GcmKw, ContentAlg::A128CbcHs256),
        ("rfc7520_5.8", KeyAlg::A128Kw, ContentAlg::A128Gcm),
    ];
    for (name, alg, enc) in expected {
        let v = vector(name);
        let opened = open_with_defaults(&v).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened.plaintext, v.plaintext, "{name}");
        assert_eq!((opened.alg, opened.enc), (alg, enc), "{name}");
        assert!(
            opened
                .plaintext
                .starts_with(b"You can trust us to stick with you")
        );
    }
}

#[test]
fn rfc7520_vectors_refuse_a_changed_byte_in_every_segment() {
    for name in [
        "rfc7520_5.2",
        "rfc7520_5.4",
        "rfc7520_5.5",
        "rfc7520_5.6",
        "rfc7520_5.7",
        "rfc7520_5.8",
    ] {
        let v = vector(name);
        let parts: Vec<&str> = v.compact.split('.').collect();
        for index in 1..5 {
            let mut bytes = URL_SAFE_NO_PAD.decode(parts[index]).unwrap();
            if bytes.is_empty() {
                continue;
            }
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x80;
            let mut tampered: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            tampered[index] = URL_SAFE_NO_PAD.encode(&bytes);
            let info = v.key.info();
            let result = jwe::decrypt(
                &tampered.join("."),
                &v.key,
                &info.accepted_algs(),
                &info.accepted_encs(),
            );
            assert_eq!(result, Err(JweError::Decryption), "{name} segment {index}");
        }
    }
}

#[test]
fn rfc7520_5_3_pbes2_hs512_a256kw() {
    let entry = &vectors()["rfc7520_5.3"];
    let password = URL_SAFE_NO_PAD
        .decode(entry["password_b64u"].as_str().unwrap())
        .unwrap();
    let key = DecryptionKey::from_password(&password).unwrap();
    let compact = entry["compact"].as_str().unwrap();
    let info = key.info();
    let opened = jwe::decrypt(compact, &key, &info.accepted_algs(), &info.accepted_encs()).unwrap();
    let expected = URL_SAFE_NO_PAD
        .decode(entry["plaintext_b64u"].as_str().unwrap())
        .unwrap();
    assert_eq!(opened.plaintext, expected);
    assert_eq!(
        (opened.alg, opened.enc),
        (KeyAlg::Pbes2Hs512A256Kw, ContentAlg::A128CbcHs256)
    );
    assert_eq!(opened.header["p2c"], 8192);
    let wrong = DecryptionKey::from_password(b"entrap_o-peter_long-credit_tun").unwrap();
    assert_eq!(
        jwe::decrypt(
            compact,
            &wrong,
            &info.accepted_algs(),
            &info.accepted_encs()
        ),
        Err(JweError::Decryption)
    );
}

#[test]
fn the_wrong_key_of_the_right_type_fails_the_same_way() {
    // 5.2's RSA key opening A.1's token, 5.8's AES key opening A.3's.
    let a1 = vector("rfc7516_A1");
    let other = vector("rfc7520_5.2");
    let result = jwe::decrypt(
        &a1.compact,
        &other.key,
        &[KeyAlg::RsaOaep],
        &ContentAlg::ALL,
    );
    assert_eq!(result, Err(JweError::Decryption));
    let a3 = vector("rfc7516_A3");
    let other = vector("rfc7520_5.8");
    let result = jwe::decrypt(&a3.compact, &other.key, &[KeyAlg::A128Kw], &ContentAlg::ALL);
    assert_eq!(result, Err(JweError::Decryption));
}

#[test]
fn rsa_keys_default_to_rsa_oaep_256_and_accept_both_oaep_variants() {
    let key = vector("rfc7516_A1").key;
    assert_eq!(key.info().kind, KeyKind::Rsa { bits: 2048 });
    assert_eq!(key.info().default_alg().unwrap(), KeyAlg::RsaOaep256);
    assert_eq!(
        key.info().accepted_algs(),
        vec![KeyAlg::RsaOaep, KeyAlg::RsaOaep256]
    );
    let recipient = key.recipient().unwrap();
    for alg in [KeyAlg::RsaOaep, KeyAlg::RsaOaep256] {
        for enc in ContentAlg::ALL {
            let token =
                jwe::encrypt(b"hi", &recipient, alg, enc, &HeaderExtras::default()).unwrap();
            let opened =
                jwe::decrypt(&token, &key, &key.info().accepted_algs(), &ContentAlg::ALL).unwrap();
            assert_eq!(opened.plaintext, b"hi");
        }
    }
    // A public JWK is a recipient, never a decryption key.
    let mut public = vectors()["rfc7516_A1"]["key"].as_object().unwrap().clone();
    for member in ["d", "p", "q", "dp", "dq", "qi"] {
        public.remove(member);
    }
    let public = serde_json::to_vec(&public).unwrap();
    assert!(RecipientKey::parse(&public).is_ok());
    assert!(matches!(
        DecryptionKey::parse(&public),
        Err(JweError::Key(_))
    ));
}

#[test]
fn header_extras_are_written_and_kid_does_not_pick_the_key() {
    let key = DecryptionKey::from_oct(&[9u8; 32]).unwrap();
    let recipient = key.recipient().unwrap();
    let extras = HeaderExtras {
        kid: Some("k1".into()),
        cty: Some("JWT".into()),
        ..HeaderExtras::default()
    };
    let token = jwe::encrypt(
        b"a.b.c",
        &recipient,
        KeyAlg::A256Kw,
        ContentAlg::A256Gcm,
        &extras,
    )
    .unwrap();
    let opened = jwe::decrypt(&token, &key, &[KeyAlg::A256Kw], &[ContentAlg::A256Gcm]).unwrap();
    assert_eq!(opened.header["kid"], "k1");
    assert_eq!(opened.header["cty"], "JWT");
    assert_eq!(opened.header["alg"], "A256KW");
}

/// One key of every family, made once (RSA generation is slow in a debug build).
fn keys() -> &'static Vec<(KeyAlg, DecryptionKey)> {
    static KEYS: OnceLock<Vec<(KeyAlg, DecryptionKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let rsa = vector("rfc7520_5.2").key;
        let p384 = vector("rfc7520_5.4").key;
        let p256 = vector("rfc7520_5.5").key;
        let x25519 = DecryptionKey::parse(
            br#"{"kty":"OKP","crv":"X25519","d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#,
        )
        .unwrap();
        let oct = |len: usize| DecryptionKey::from_oct(&vec![0x42; len]).unwrap();
        vec![
            (KeyAlg::RsaOaep, vector("rfc7516_A1").key),
            (KeyAlg::RsaOaep256, rsa),
            (KeyAlg::EcdhEs, p256),
            (KeyAlg::EcdhEsA192Kw, p384),
            (KeyAlg::EcdhEsA256Kw, x25519),
            (KeyAlg::A128Kw, oct(16)),
            (KeyAlg::A192Kw, oct(24)),
            (KeyAlg::A256GcmKw, oct(32)),
            (KeyAlg::Dir, oct(64)),
        ]
    })
}

fn content_alg() -> impl Strategy<Value = ContentAlg> {
    prop::sample::select(ContentAlg::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_plaintexts_round_trip(
        plaintext in prop::collection::vec(any::<u8>(), 0..2048),
        which in 0usize..9,
        enc in content_alg(),
    ) {
        let (alg, key) = &keys()[which];
        let enc = if *alg == KeyAlg::Dir { ContentAlg::A256CbcHs512 } else { enc };
        let token = jwe::encrypt(&plaintext, &key.recipient().unwrap(), *alg, enc, &HeaderExtras::default()).unwrap();
        let opened = jwe::decrypt(&token, key, &[*alg], &[enc]).unwrap();
        prop_assert_eq!(opened.plaintext, plaintext);
    }

    #[test]
    fn any_changed_byte_is_refused(
        plaintext in prop::collection::vec(any::<u8>(), 1..256),
        which in 0usize..9,
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let (alg, key) = &keys()[which];
        let enc = if *alg == KeyAlg::Dir { ContentAlg::A256CbcHs512 } else { ContentAlg::A256Gcm };
        let token = jwe::encrypt(&plaintext, &key.recipient().unwrap(), *alg, enc, &HeaderExtras::default()).unwrap();
        let mut bytes = token.into_bytes();
        let at = position.index(bytes.len());
        prop_assume!(bytes[at] != replacement);
        bytes[at] = replacement;
        // Changing a character may break the UTF-8 of the whole string; that is refused too.
        if let Ok(tampered) = String::from_utf8(bytes) {
            let result = jwe::decrypt(&tampered, key, &[*alg], &[enc]);
            prop_assert!(result.is_err(), "a changed byte at {} was accepted", at);
        }
    }
}
