//! The elliptic curves jwtctl signs and verifies on, each with its one JWS algorithm (RFC 7518
//! section 3.4, RFC 8812 section 3.2): a curve never pairs with another curve's hash.

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P256K1_SHA256_FIXED,
    ECDSA_P256K1_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING,
    ECDSA_P521_SHA512_FIXED, ECDSA_P521_SHA512_FIXED_SIGNING, EcdsaSigningAlgorithm,
    EcdsaVerificationAlgorithm,
};

use super::alg::Alg;
use super::keys::KeyType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    pub const ALL: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::Secp256k1];

    /// The `crv` of a JWK (RFC 7518 section 6.2.1.1, RFC 8812 section 3.1).
    pub fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }

    pub fn from_jwk_name(name: &str) -> Option<Curve> {
        Curve::ALL
            .into_iter()
            .find(|curve| curve.jwk_name() == name)
    }

    /// Bytes of one coordinate, of the private scalar, and of each half of a JWS signature.
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::Secp256k1 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    pub fn alg(self) -> Alg {
        match self {
            Curve::P256 => Alg::ES256,
            Curve::P384 => Alg::ES384,
            Curve::P521 => Alg::ES512,
            Curve::Secp256k1 => Alg::ES256K,
        }
    }

    pub fn of_alg(alg: Alg) -> Option<Curve> {
        Curve::ALL.into_iter().find(|curve| curve.alg() == alg)
    }

    pub fn key_type(self) -> KeyType {
        match self {
            Curve::P256 => KeyType::EcP256,
            Curve::P384 => KeyType::EcP384,
            Curve::P521 => KeyType::EcP521,
            Curve::Secp256k1 => KeyType::EcSecp256k1,
        }
    }

    pub fn of_key_type(key_type: KeyType) -> Option<Curve> {
        Curve::ALL
            .into_iter()
            .find(|curve| curve.key_type() == key_type)
    }

    /// Signing with fixed-length `r || s` output, the form JWS uses.
    pub fn signing(self) -> &'static EcdsaSigningAlgorithm {
        match self {
            Curve::P256 => &ECDSA_P256_SHA256_FIXED_SIGNING,
            Curve::P384 => &ECDSA_P384_SHA384_FIXED_SIGNING,
            Curve::P521 => &ECDSA_P521_SHA512_FIXED_SIGNING,
            Curve::Secp256k1 => &ECDSA_P256K1_SHA256_FIXED_SIGNING,
        }
    }

    pub fn verification(self) -> &'static EcdsaVerificationAlgorithm {
        match self {
            Curve::P256 => &ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &ECDSA_P521_SHA512_FIXED,
            Curve::Secp256k1 => &ECDSA_P256K1_SHA256_FIXED,
        }
    }

    /// The curve whose uncompressed point `04 || x || y` this is. The length alone does not
    /// tell P-256 from secp256k1, so the point must also lie on the curve.
    pub fn of_point(point: &[u8]) -> Option<Curve> {
        Curve::ALL.into_iter().find(|curve| {
            point.len() == 1 + 2 * curve.coordinate_len()
                && aws_lc_rs::signature::ParsedPublicKey::new(curve.verification(), point).is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_curve_has_one_algorithm_and_back() {
        for curve in Curve::ALL {
            assert_eq!(Curve::of_alg(curve.alg()), Some(curve));
            assert_eq!(Curve::of_key_type(curve.key_type()), Some(curve));
            assert_eq!(Curve::from_jwk_name(curve.jwk_name()), Some(curve));
        }
        assert_eq!(Curve::of_alg(Alg::EdDSA), None);
        assert_eq!(Curve::from_jwk_name("p-256"), None);
        assert_eq!(Curve::from_jwk_name("P-256K"), None);
    }

    #[test]
    fn signs_and_verifies_on_every_curve() {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ParsedPublicKey};
        for curve in Curve::ALL {
            let pair = EcdsaKeyPair::generate(curve.signing()).unwrap();
            let point = pair.public_key().as_ref().to_vec();
            assert_eq!(Curve::of_point(&point), Some(curve));
            let signature = pair.sign(&SystemRandom::new(), b"message").unwrap();
            assert_eq!(signature.as_ref().len(), 2 * curve.coordinate_len());
            let public = ParsedPublicKey::new(curve.verification(), &point).unwrap();
            assert!(public.verify_sig(b"message", signature.as_ref()).is_ok());
            assert!(public.verify_sig(b"massage", signature.as_ref()).is_err());
            // The psychic signature (CVE-2022-21449): r = s = 0.
            let zeros = vec![0; 2 * curve.coordinate_len()];
            assert!(public.verify_sig(b"message", &zeros).is_err());
        }
    }
}
