//! `issue --x5c`: a certificate chain for the `x5c` header (RFC 7515 section 4.1.6), leaf
//! first, and the leaf's `x5t#S256` thumbprint (section 4.1.8). The leaf must hold the signing
//! key's public key, or the header would vouch for a key that did not sign. (`verify` never
//! takes a key from these headers.)

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::claims::Claims as Object;
use super::error::KeyError;
use super::keyform::jwk::same_public_key;
use super::keys::{self, PublicKey};

#[derive(Debug)]
pub struct CertificateChain {
    /// DER of each certificate, leaf first.
    certificates: Vec<Vec<u8>>,
    leaf: PublicKey,
}

impl CertificateChain {
    /// Reads a PEM file of `CERTIFICATE` blocks, the leaf first.
    pub fn read(content: &[u8], origin: &str) -> Result<CertificateChain, KeyError> {
        let blocks = pem::parse_many(content).map_err(|error| {
            KeyError::invalid(format!("{origin} is not a valid PEM file: {error}"))
        })?;
        if let Some(other) = blocks.iter().find(|block| block.tag() != "CERTIFICATE") {
            return Err(KeyError::wrong_kind(format!(
                "{origin} holds a PEM {} block; --x5c takes certificates only",
                other.tag()
            )));
        }
        let Some(first) = blocks.first() else {
            return Err(KeyError::invalid(format!(
                "{origin} holds no certificate (expected -----BEGIN CERTIFICATE-----)"
            )));
        };
        let leaf = keys::public_from_block(std::path::Path::new(origin), first)?;
        Ok(CertificateChain {
            certificates: blocks.into_iter().map(pem::Pem::into_contents).collect(),
            leaf,
        })
    }

    /// Refuses a chain whose leaf does not hold `signing`, the public half of the signing key.
    pub fn check_leaf(&self, signing: &PublicKey, origin: &str) -> Result<(), KeyError> {
        if same_public_key(&self.leaf, signing) {
            Ok(())
        } else {
            Err(KeyError::wrong_kind(format!(
                "the first certificate of {origin} (the leaf) is not for the signing key"
            )))
        }
    }

    /// `x5c` (standard base64 DER, leaf first) and `x5t#S256` (base64url SHA-256 of the leaf).
    pub fn header_members(&self) -> Object {
        let mut members = Object::new();
        let chain: Vec<Value> = self
            .certificates
            .iter()
            .map(|der| Value::String(STANDARD.encode(der)))
            .collect();
        members.insert("x5c".into(), Value::Array(chain));
        if let Some(leaf) = self.certificates.first() {
            let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, leaf);
            members.insert("x5t#S256".into(), URL_SAFE_NO_PAD.encode(digest).into());
        }
        members
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/keys")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn the_leaf_must_hold_the_signing_key() {
        let chain = CertificateChain::read(&fixture("rsa.crt"), "rsa.crt").unwrap();
        let own = keys::public_key_from_pem(&fixture("rsa.pub.pem")).unwrap();
        let other = keys::public_key_from_pem(&fixture("rsa-other.pub.pem")).unwrap();
        assert!(chain.check_leaf(&own, "rsa.crt").is_ok());
        let error = chain.check_leaf(&other, "rsa.crt").unwrap_err();
        assert!(
            error.to_string().contains("is not for the signing key"),
            "{error}"
        );
    }

    #[test]
    fn members_are_the_chain_and_the_leaf_thumbprint() {
        let mut two = fixture("rsa.crt");
        two.extend(fixture("ec256.crt"));
        let chain = CertificateChain::read(&two, "chain.pem").unwrap();
        let members = chain.header_members();
        let x5c = members["x5c"].as_array().unwrap();
        assert_eq!(x5c.len(), 2);
        let leaf = STANDARD.decode(x5c[0].as_str().unwrap()).unwrap();
        let pem = pem::parse(fixture("rsa.crt")).unwrap();
        assert_eq!(leaf, pem.contents());
        let thumbprint = URL_SAFE_NO_PAD
            .decode(members["x5t#S256"].as_str().unwrap())
            .unwrap();
        assert_eq!(thumbprint.len(), 32);
    }

    #[test]
    fn only_certificates() {
        let error = CertificateChain::read(&fixture("rsa.pub.pem"), "k.pem").unwrap_err();
        assert!(error.to_string().contains("certificates only"), "{error}");
        assert!(CertificateChain::read(b"", "e.pem").is_err());
    }
}
