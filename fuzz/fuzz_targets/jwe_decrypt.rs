//! `jwt::jwe::decrypt` on arbitrary input, with a key of every family and every algorithm
//! accepted, so that each header path is reachable. It must never panic, and it must never
//! open a token that differs from one the engine made.
//!
//! Each input is tried three ways: as compact text; split at NUL bytes into five parts that are
//! base64url-encoded here, so the fuzzer reaches the header JSON and the key-management code
//! without discovering base64 itself; and as an edit (position, byte) applied to a real token.

#![no_main]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::jwt::jwe::{self, ContentAlg, DecryptionKey, HeaderExtras, KeyAlg};
use libfuzzer_sys::fuzz_target;

const P256: &str = r#"{"kty":"EC","crv":"P-256","x":"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0","y":"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw","d":"r_kHyZ-a06rmxM3yESK84r1otSg-aQcVStkRhA-iCM8"}"#;
const X25519: &str = r#"{"kty":"OKP","crv":"X25519","d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#;

struct Fixture {
    keys: Vec<DecryptionKey>,
    tokens: Vec<(usize, String)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let keys = vec![
            DecryptionKey::from_oct(&[0x42; 16]).unwrap(),
            DecryptionKey::from_oct(&[0x42; 32]).unwrap(),
            DecryptionKey::parse(P256.as_bytes()).unwrap(),
            DecryptionKey::parse(X25519.as_bytes()).unwrap(),
        ];
        let mut tokens = Vec::new();
        for (index, alg) in [
            (0, KeyAlg::A128Kw),
            (1, KeyAlg::A256GcmKw),
            (1, KeyAlg::Dir),
            (2, KeyAlg::EcdhEsA128Kw),
            (3, KeyAlg::EcdhEs),
        ] {
            let recipient = keys[index].recipient().unwrap();
            let token = jwe::encrypt(
                b"fuzz",
                &recipient,
                alg,
                ContentAlg::A256Gcm,
                &HeaderExtras::default(),
            )
            .unwrap();
            tokens.push((index, token));
        }
        Fixture { keys, tokens }
    })
}

fn try_all(text: &str) {
    for key in &fixture().keys {
        let _ = jwe::decrypt(text, key, &KeyAlg::ALL, &ContentAlg::ALL);
    }
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    if let Ok(text) = std::str::from_utf8(data) {
        try_all(text);
    }

    let parts: Vec<String> = data
        .split(|byte| *byte == 0)
        .map(|part| URL_SAFE_NO_PAD.encode(part))
        .collect();
    if parts.len() == 5 {
        try_all(&parts.join("."));
    }

    if let [selector, high, low, replacement, ..] = data {
        let (key_index, token) = &fixture.tokens[usize::from(*selector) % fixture.tokens.len()];
        let mut bytes = token.clone().into_bytes();
        let at = (usize::from(*high) << 8 | usize::from(*low)) % bytes.len();
        if bytes[at] != *replacement {
            bytes[at] = *replacement;
            if let Ok(tampered) = String::from_utf8(bytes) {
                let key = &fixture.keys[*key_index];
                let result = jwe::decrypt(&tampered, key, &KeyAlg::ALL, &ContentAlg::ALL);
                assert!(result.is_err(), "a changed byte at {at} was accepted");
            }
        }
    }
});
