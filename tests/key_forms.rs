//! Key forms at the library level: the RFC 7520 section 4 and RFC 8037 appendix A signature
//! vectors, PEM and JWK round trips for every key type, encrypted PKCS#8, and JWK edge cases.
//! (The vectors' payloads are not JWT claim sets, so they are checked below `verify`.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::jwt::keyform::jwk::Purpose;
use jwtctl::jwt::keyform::{self, Format, KeyEntry, Material};
use jwtctl::jwt::keys::{KeyType, PrivateKey, PublicKey, Secret};
use jwtctl::jwt::verify::HmacKeys;
use jwtctl::jwt::{Alg, Signer, jwk};
use serde_json::{Value, json};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(name),
    )
    .expect("a key fixture")
}

fn read_with(content: &[u8], password: Option<&str>) -> Result<KeyEntry, String> {
    let password = password.map(|p| Secret::new(p.as_bytes().to_vec()));
    keyform::read(
        content,
        "key.pem",
        password.as_ref(),
        keyform::Want::Either,
        &mut |_| {},
    )
    .and_then(|(_, entries)| keyform::select(entries, None, "key.pem"))
    .map_err(|error| error.to_string())
}

fn read(content: &[u8]) -> KeyEntry {
    read_with(content, None).expect("a key")
}

fn private(entry: KeyEntry) -> PrivateKey {
    match entry.material {
        Material::Private(key) => key,
        other => panic!("expected a private key, got {other:?}"),
    }
}

fn public(entry: KeyEntry) -> PublicKey {
    match entry.material {
        Material::Public(key) => key,
        other => panic!("expected a public key, got {other:?}"),
    }
}

fn jwk_text(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

fn b64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

// --- RFC 7520 section 3 keys and section 4 signatures ----------------------------------------

const PAYLOAD_B64: &str = "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";

/// RFC 7520 section 3.4.
fn rfc7520_rsa_private() -> Value {
    json!({
        "kty": "RSA",
        "kid": "bilbo.baggins@hobbiton.example",
        "use": "sig",
        "n": "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
        "e": "AQAB",
        "d": "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ",
        "p": "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
        "q": "uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc",
        "dp": "B8PVvXkvJrj2L-GYQ7v3y9r6Kw5g9SahXBwsWUzp19TVlgI-YV85q1NIb1rxQtD-IsXXR3-TanevuRPRt5OBOdiMGQp8pbt26gljYfKU_E9xn-RULHz0-ed9E9gXLKD4VGngpz-PfQ_q29pk5xWHoJp009Qf1HvChixRX59ehik",
        "dq": "CLDmDGduhylc9o7r84rEUVn7pzQ6PF83Y-iBZx5NT-TpnOZKF1pErAMVeKzFEl41DlHHqqBLSM0W1sOFbwTxYWZDm6sI6og5iTbwQGIC3gnJKbi_7k_vJgGHwHxgPaX2PnvP-zyEkDERuf-ry4c_Z11Cq9AqC2yeL6kdKT1cYF8",
        "qi": "3PiqvXQN0zwMeE-sBvZgi289XP9XCQF3VWqPzMKnIgQp7_Tugo6-NZBKCQsMf3HaEGBjTVJs_jcK8-TRXvaKe-7ZMaQj8VfBdYkssbu0NKDDhjJ-GtiseaDVWt7dcH0cfwxgFUHpQh7FoCrjFJ6h6ZEpMF6xmujs4qMpPz8aaI4"
    })
}

/// RFC 7520 section 3.3: the public half of 3.4.
fn rfc7520_rsa_public() -> Value {
    let full = rfc7520_rsa_private();
    json!({"kty": "RSA", "kid": full["kid"], "use": "sig", "n": full["n"], "e": full["e"]})
}

/// RFC 7520 section 3.2.
fn rfc7520_ec_private() -> Value {
    json!({
        "kty": "EC",
        "kid": "bilbo.baggins@hobbiton.example",
        "use": "sig",
        "crv": "P-521",
        "x": "AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
        "y": "AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1",
        "d": "AAhRON2r9cqXX1hg-RoI6R1tX5p2rUAYdmpHZoC1XNM56KtscrX6zbKipQrCW9CGZH3T4ubpnoTKLDYJ_fF3_rJt"
    })
}

/// RFC 7520 section 3.5.
fn rfc7520_oct() -> Value {
    json!({
        "kty": "oct",
        "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037",
        "use": "sig",
        "alg": "HS256",
        "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"
    })
}

fn split(compact: &str) -> (&str, Vec<u8>) {
    let (input, signature) = compact.rsplit_once('.').expect("three segments");
    (input, b64(signature))
}

/// RFC 7520 section 4.1: RSA v1.5 is deterministic, so signing reproduces the signature.
#[test]
fn rfc7520_4_1_rs256() {
    let compact = format!(
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.{PAYLOAD_B64}.MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg"
    );
    let (input, signature) = split(&compact);
    let key = private(read(&jwk_text(&rfc7520_rsa_private())));
    let signer = Signer::from_private_key(Alg::RS256, key, None);
    assert_eq!(signer.signature(input.as_bytes()).unwrap(), signature);
    let verifier = public(read(&jwk_text(&rfc7520_rsa_public())));
    assert!(verifier.verify(Alg::RS256, input.as_bytes(), &signature));
    assert!(!verifier.verify(Alg::RS384, input.as_bytes(), &signature));
    assert!(!verifier.verify(Alg::PS256, input.as_bytes(), &signature));
}

/// RFC 7520 section 4.2: PSS is randomized; the published signature verifies, and one made
/// here verifies too.
#[test]
fn rfc7520_4_2_ps384() {
    let compact = format!(
        "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.{PAYLOAD_B64}.cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw"
    );
    let (input, signature) = split(&compact);
    let verifier = public(read(&jwk_text(&rfc7520_rsa_public())));
    assert!(verifier.verify(Alg::PS384, input.as_bytes(), &signature));
    assert!(!verifier.verify(Alg::PS256, input.as_bytes(), &signature));
    assert!(!verifier.verify(Alg::RS384, input.as_bytes(), &signature));
    let key = private(read(&jwk_text(&rfc7520_rsa_private())));
    let ours = Signer::from_private_key(Alg::PS384, key, None)
        .signature(input.as_bytes())
        .unwrap();
    assert!(verifier.verify(Alg::PS384, input.as_bytes(), &ours));
}

/// RFC 7520 section 4.3: ES512 on P-521, a 132-byte signature.
#[test]
fn rfc7520_4_3_es512() {
    let compact = format!(
        "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.{PAYLOAD_B64}.AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2"
    );
    let (input, signature) = split(&compact);
    assert_eq!(signature.len(), 132);
    let mut public_jwk = rfc7520_ec_private();
    public_jwk.as_object_mut().unwrap().remove("d");
    let verifier = public(read(&jwk_text(&public_jwk)));
    assert_eq!(verifier.key_type, KeyType::EcP521);
    assert!(verifier.verify(Alg::ES512, input.as_bytes(), &signature));
    let mut tampered = signature.clone();
    tampered[70] ^= 1;
    assert!(!verifier.verify(Alg::ES512, input.as_bytes(), &tampered));
    assert!(!verifier.verify(Alg::ES512, b"other", &signature));
    assert!(!verifier.verify(Alg::ES256, input.as_bytes(), &signature));
    // r = s = 0 (CVE-2022-21449).
    assert!(!verifier.verify(Alg::ES512, input.as_bytes(), &[0; 132]));
    let key = private(read(&jwk_text(&rfc7520_ec_private())));
    let ours = Signer::from_private_key(Alg::ES512, key, None)
        .signature(input.as_bytes())
        .unwrap();
    assert_eq!(ours.len(), 132);
    assert!(verifier.verify(Alg::ES512, input.as_bytes(), &ours));
}

/// RFC 7520 section 4.4: HMAC is deterministic.
#[test]
fn rfc7520_4_4_hs256() {
    let compact = format!(
        "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.{PAYLOAD_B64}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0"
    );
    let (input, signature) = split(&compact);
    let entry = read(&jwk_text(&rfc7520_oct()));
    assert_eq!(entry.alg, Some(Alg::HS256));
    let Material::Secret(secret) = entry.material else {
        panic!("an oct key");
    };
    let signer = Signer::from_secret(Alg::HS256, &secret, None);
    assert_eq!(signer.signature(input.as_bytes()).unwrap(), signature);
    let keys = HmacKeys::new(&secret);
    assert!(keys.verify(Alg::HS256, input.as_bytes(), &signature));
    assert!(!keys.verify(Alg::HS384, input.as_bytes(), &signature));
    assert!(!keys.verify(Alg::HS256, input.as_bytes(), &signature[..31]));
}

/// RFC 8037 appendix A: the Ed25519 key (A.1, A.2), its thumbprint (A.3), and the signature of
/// A.4, which is deterministic; A.5 verifies it.
#[test]
fn rfc8037_appendix_a_ed25519() {
    let private_jwk = json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    });
    let public_jwk = json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    });
    let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let signature = b64(
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
    );
    let key = private(read(&jwk_text(&private_jwk)));
    let ours = Signer::from_private_key(Alg::EdDSA, key, None)
        .signature(input.as_bytes())
        .unwrap();
    assert_eq!(ours, signature);
    let verifier = public(read(&jwk_text(&public_jwk)));
    assert_eq!(
        keyform::jwk::thumbprint(&verifier).unwrap(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
    assert!(verifier.verify(Alg::EdDSA, input.as_bytes(), &signature));
    assert!(!verifier.verify(Alg::EdDSA, b"Example of Ed25519 signing", &signature));
}

// --- PEM and JWK round trips -----------------------------------------------------------------

const PRIVATE_FIXTURES: [(&str, KeyType, Alg); 10] = [
    ("rsa.pem", KeyType::Rsa { bits: 2048 }, Alg::PS256),
    ("rsa.pkcs1.pem", KeyType::Rsa { bits: 2048 }, Alg::RS256),
    ("ec256.pem", KeyType::EcP256, Alg::ES256),
    ("ec256.sec1.pem", KeyType::EcP256, Alg::ES256),
    ("ec256.params.pem", KeyType::EcP256, Alg::ES256),
    ("ec384.pem", KeyType::EcP384, Alg::ES384),
    ("ec521.pem", KeyType::EcP521, Alg::ES512),
    ("ec521.sec1.pem", KeyType::EcP521, Alg::ES512),
    ("secp256k1.pem", KeyType::EcSecp256k1, Alg::ES256K),
    ("ed25519.pem", KeyType::Ed25519, Alg::EdDSA),
];

#[test]
fn every_private_key_survives_pem_to_jwk_and_back() {
    for (name, key_type, alg) in PRIVATE_FIXTURES {
        let from_pem = private(read(&fixture(name)));
        assert_eq!(from_pem.key_type, key_type, "{name}");
        let text = keyform::jwk::private_jwk(&from_pem, Some(alg), Purpose::Sign).unwrap();
        let value: Value = serde_json::from_slice(text.expose()).unwrap();
        assert_eq!(value["alg"], alg.name(), "{name}");
        assert_eq!(value["use"], "sig", "{name}");
        let entry = read(text.expose());
        assert_eq!(entry.alg, Some(alg), "{name}");
        let from_jwk = private(entry);
        assert_eq!(from_jwk.key_type, key_type, "{name}");
        // Either one signs what the other's public half verifies.
        let public_pem = jwk::public_of(&from_pem).unwrap();
        let public_jwk = jwk::public_of(&from_jwk).unwrap();
        assert!(
            keyform::jwk::same_public_key(&public_pem, &public_jwk),
            "{name}"
        );
        let signature = Signer::from_private_key(alg, from_jwk, None)
            .signature(b"message")
            .unwrap();
        assert!(public_pem.verify(alg, b"message", &signature), "{name}");
        assert_eq!(
            value["kid"].as_str().unwrap(),
            keyform::jwk::thumbprint(&public_pem).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn every_public_key_survives_pem_to_jwk_and_back() {
    for (name, key_type) in [
        ("rsa.pub.pem", KeyType::Rsa { bits: 2048 }),
        ("rsa.pkcs1.pub.pem", KeyType::Rsa { bits: 2048 }),
        ("rsa.crt", KeyType::Rsa { bits: 2048 }),
        ("ec256.pub.pem", KeyType::EcP256),
        ("ec256.crt", KeyType::EcP256),
        ("ec384.pub.pem", KeyType::EcP384),
        ("ec521.pub.pem", KeyType::EcP521),
        ("secp256k1.pub.pem", KeyType::EcSecp256k1),
        ("ed25519.pub.pem", KeyType::Ed25519),
    ] {
        let from_pem = public(read(&fixture(name)));
        assert_eq!(from_pem.key_type, key_type, "{name}");
        let jwk = keyform::jwk::public_jwk(&from_pem, None, Purpose::Sign).unwrap();
        assert!(!jwk.contains_key("d"), "{name}");
        let from_jwk = public(read(&jwk_text(&Value::Object(jwk))));
        assert!(
            keyform::jwk::same_public_key(&from_pem, &from_jwk),
            "{name}"
        );
    }
}

#[test]
fn points_off_their_curve_and_unsupported_curves_are_refused() {
    for name in ["brainpool256.pem", "brainpool256.pub.pem", "ed448.pub.pem"] {
        let error = read_with(&fixture(name), None).unwrap_err();
        assert!(error.contains("key.pem"), "{name}: {error}");
    }
    let mut jwk = keyform::jwk::public_jwk(
        &public(read(&fixture("ec521.pub.pem"))),
        None,
        Purpose::Sign,
    )
    .unwrap();
    let mut y = b64(jwk["y"].as_str().unwrap());
    let last = y.len() - 1;
    y[last] ^= 1;
    jwk.insert("y".into(), URL_SAFE_NO_PAD.encode(&y).into());
    let error = read_with(&jwk_text(&Value::Object(jwk.clone())), None).unwrap_err();
    assert!(error.contains("not on the P-521 curve"), "{error}");
    // A secp256k1 point labelled P-256.
    let mut k1 = keyform::jwk::public_jwk(
        &public(read(&fixture("secp256k1.pub.pem"))),
        None,
        Purpose::Sign,
    )
    .unwrap();
    k1.insert("crv".into(), "P-256".into());
    let error = read_with(&jwk_text(&Value::Object(k1)), None).unwrap_err();
    assert!(error.contains("not on the P-256 curve"), "{error}");
    // Short coordinates.
    jwk.insert("y".into(), URL_SAFE_NO_PAD.encode(&y[1..]).into());
    let error = read_with(&jwk_text(&Value::Object(jwk)), None).unwrap_err();
    assert!(error.contains("66 bytes each"), "{error}");
}

// --- Encrypted PKCS#8 ------------------------------------------------------------------------

#[test]
fn encrypted_pkcs8_opens_with_its_password() {
    for (encrypted, plain) in [
        ("ec256.encrypted.pem", "ec256.pub.pem"),
        ("rsa.encrypted.pem", "rsa.pub.pem"),
        ("ed25519.encrypted.pem", "ed25519.pub.pem"),
        ("ec384.scrypt.pem", "ec384.pub.pem"),
        ("secp256k1.encrypted.pem", "secp256k1.pub.pem"),
    ] {
        let key = private(read_with(&fixture(encrypted), Some("test")).expect(encrypted));
        let expected = public(read(&fixture(plain)));
        assert!(
            keyform::jwk::same_public_key(&jwk::public_of(&key).unwrap(), &expected),
            "{encrypted}"
        );
    }
}

#[test]
fn a_wrong_or_missing_password_is_one_line_without_the_password() {
    let content = fixture("ec256.encrypted.pem");
    let error = read_with(&content, Some("hunter2")).unwrap_err();
    assert_eq!(
        error,
        "cannot decrypt key.pem: wrong password, or the file is damaged"
    );
    assert!(!error.contains("hunter2"));
    let error = read_with(&content, None).unwrap_err();
    assert!(
        error.contains(
            "key.pem is encrypted; give its password with --key-password-file or --key-password-env"
        ),
        "{error}"
    );
}

#[test]
fn legacy_and_pbes1_encryption_are_refused_with_the_command_that_converts_them() {
    for name in ["ec256.legacy.pem", "ec256.pbes1.pem"] {
        let error = read_with(&fixture(name), Some("test")).unwrap_err();
        assert!(
            error.contains("openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key.p8.pem"),
            "{name}: {error}"
        );
    }
    let error = read_with(&fixture("ec256.legacy.pem"), None).unwrap_err();
    assert!(error.contains("Proc-Type: 4,ENCRYPTED"), "{error}");
}

/// A file may ask for any amount of key-derivation work; the bound is checked first.
#[test]
fn key_derivation_cost_is_bounded_before_any_work() {
    use pkcs8::der::{Decode, Encode};
    use pkcs8::pkcs5::{EncryptionScheme, pbes2};

    let reencode = |name: &str, change: &dyn Fn(&mut pbes2::Parameters)| -> Vec<u8> {
        let content = fixture(name);
        let block = pem::parse(&content).unwrap();
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(block.contents()).unwrap();
        let EncryptionScheme::Pbes2(mut parameters) = info.encryption_algorithm.clone() else {
            panic!("PBES2");
        };
        change(&mut parameters);
        let changed = pkcs8::EncryptedPrivateKeyInfoRef {
            encryption_algorithm: EncryptionScheme::Pbes2(parameters),
            encrypted_data: info.encrypted_data,
        };
        pem::encode(&pem::Pem::new(
            "ENCRYPTED PRIVATE KEY",
            changed.to_der().unwrap(),
        ))
        .into_bytes()
    };
    let iterations = reencode("ec256.encrypted.pem", &|parameters| {
        if let pbes2::Kdf::Pbkdf2(pbkdf2) = &mut parameters.kdf {
            pbkdf2.iteration_count = 4_000_000_000;
        }
    });
    let error = read_with(&iterations, Some("test")).unwrap_err();
    assert!(error.contains("4000000000 PBKDF2 iterations"), "{error}");
    let zero = reencode("ec256.encrypted.pem", &|parameters| {
        if let pbes2::Kdf::Pbkdf2(pbkdf2) = &mut parameters.kdf {
            pbkdf2.iteration_count = 0;
        }
    });
    assert!(read_with(&zero, Some("test")).is_err());
    for (cost, needle) in [(0, "not a power of two"), (1 << 30, "MiB")] {
        let scrypt = reencode("ec384.scrypt.pem", &|parameters| {
            if let pbes2::Kdf::Scrypt(scrypt) = &mut parameters.kdf {
                scrypt.cost_parameter = cost;
            }
        });
        let error = read_with(&scrypt, Some("test")).unwrap_err();
        assert!(error.contains(needle), "{cost}: {error}");
    }
}

// --- JWK edge cases --------------------------------------------------------------------------

fn without(mut value: Value, names: &[&str]) -> Value {
    for name in names {
        value.as_object_mut().unwrap().remove(*name);
    }
    value
}

#[test]
fn a_private_rsa_jwk_without_crt_members_is_completed() {
    let full = private(read(&jwk_text(&rfc7520_rsa_private())));
    let bare = without(rfc7520_rsa_private(), &["p", "q", "dp", "dq", "qi"]);
    let completed = private(read(&jwk_text(&bare)));
    // RSA v1.5 is deterministic: the same key makes the same signature.
    let sign = |key: PrivateKey| {
        Signer::from_private_key(Alg::RS256, key, None)
            .signature(b"message")
            .unwrap()
    };
    assert_eq!(sign(full), sign(completed));
}

#[test]
fn rsa_jwk_edge_cases_are_refused_clearly() {
    let partial = without(rfc7520_rsa_private(), &["dq"]);
    let error = read_with(&jwk_text(&partial), None).unwrap_err();
    assert!(error.contains("not dq (RFC 7518 section 6.3.2"), "{error}");

    let mut multi = rfc7520_rsa_private();
    multi["oth"] = json!([{"r": "AQAB", "d": "AQAB", "t": "AQAB"}]);
    let error = read_with(&jwk_text(&multi), None).unwrap_err();
    assert!(error.contains("multi-prime RSA key (\"oth\")"), "{error}");

    for e in ["AQ", "Ag", "AAE", ""] {
        let mut weak = rfc7520_rsa_public();
        weak["e"] = json!(e);
        let error = read_with(&jwk_text(&weak), None).unwrap_err();
        assert!(
            error.contains("not an odd number above 1"),
            "{e:?}: {error}"
        );
    }

    let small = keyform::jwk::public_jwk(
        &jwtctl::jwt::keys::PublicKey::new(
            KeyType::Rsa { bits: 1024 },
            jsonwebtoken::DecodingKey::from_rsa_raw_components(&[0xc1; 128], &[1, 0, 1]),
        ),
        None,
        Purpose::Sign,
    )
    .unwrap();
    let error = read_with(&jwk_text(&Value::Object(small)), None).unwrap_err();
    assert!(error.contains("RSA 1024-bit key; at least 2048"), "{error}");

    let mut wrong_d = rfc7520_rsa_private();
    wrong_d["d"] = rfc7520_rsa_private()["dp"].clone();
    assert!(read_with(&jwk_text(&wrong_d), None).is_err());
}

#[test]
fn ec_and_okp_private_halves_must_match_their_public_half() {
    let mut other = rfc7520_ec_private();
    let generated = jwk::generate(Alg::ES512, 0).unwrap();
    let key = private(read(
        pem::encode(&pem::Pem::new(
            "PRIVATE KEY",
            generated.private_pkcs8.expose().to_vec(),
        ))
        .as_bytes(),
    ));
    let text = keyform::jwk::private_jwk(&key, None, Purpose::Sign).unwrap();
    let value: Value = serde_json::from_slice(text.expose()).unwrap();
    other["d"] = value["d"].clone();
    let error = read_with(&jwk_text(&other), None).unwrap_err();
    assert!(error.contains("does not belong to its point"), "{error}");

    let mut ed = json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    });
    ed["x"] = json!(URL_SAFE_NO_PAD.encode([9u8; 32]));
    assert!(read_with(&jwk_text(&ed), None).is_err());
}

#[test]
fn use_and_key_ops_decide_what_a_key_may_do() {
    let mut verify_only = rfc7520_ec_private();
    verify_only["key_ops"] = json!(["verify"]);
    let entry = read(&jwk_text(&verify_only));
    assert!(entry.check_may_sign("k.jwk").is_err());
    assert!(entry.check_may_verify("k.jwk").is_ok());
    let mut encryption = rfc7520_rsa_public();
    encryption["use"] = json!("enc");
    let entry = read(&jwk_text(&encryption));
    let error = entry.check_may_verify("k.jwk").unwrap_err();
    assert!(
        error.to_string().contains("do not allow verifying"),
        "{error}"
    );
}

#[test]
fn a_jwks_in_a_file_is_chosen_from_by_kid() {
    let set = json!({"keys": [rfc7520_rsa_public(), rfc7520_oct()]});
    let (format, entries) = keyform::read(
        &jwk_text(&set),
        "set.json",
        None,
        keyform::Want::Either,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(format, Format::Jwks);
    assert_eq!(entries.len(), 2);
    let chosen = keyform::select(
        entries,
        Some("018c0ae5-4d9b-471b-bfd6-eef314bc7037"),
        "set.json",
    )
    .unwrap();
    assert!(matches!(chosen.material, Material::Secret(_)));
}
