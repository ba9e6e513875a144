//! Key pairs and JSON Web Keys: generating keys, publishing them as a JWKS (RFC 7517) with
//! RFC 7638 thumbprints as key ids, and verifying against a JWKS.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};

use super::alg::Alg;
use super::curve::Curve;
use super::error::KeyError;
use super::keyform::{self, Material};
use super::keys::{PrivateKey, PublicKey, Secret};
use super::text::quote;

/// A freshly generated key pair: PKCS#8 private key and SPKI public key, both DER.
pub struct GeneratedKey {
    pub private_pkcs8: Secret,
    pub public_spki: Vec<u8>,
}

fn failed(what: &str) -> KeyError {
    KeyError::backend(format!("the crypto backend could not {what}"))
}

/// Generates a key pair for `alg` with the crypto backend. `bits` applies to RSA only.
pub fn generate(alg: Alg, bits: usize) -> Result<GeneratedKey, KeyError> {
    let generate_failed = || failed("generate a key");
    match alg {
        Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
            let size = match bits {
                2048 => KeySize::Rsa2048,
                3072 => KeySize::Rsa3072,
                4096 => KeySize::Rsa4096,
                other => {
                    return Err(KeyError::unfit(format!(
                        "--bits {other} is not offered: choose 2048, 3072 or 4096"
                    )));
                }
            };
            let pair = RsaKeyPair::generate(size).map_err(|_| generate_failed())?;
            let private: Pkcs8V1Der = pair.as_der().map_err(|_| generate_failed())?;
            let public: PublicKeyX509Der =
                pair.public_key().as_der().map_err(|_| generate_failed())?;
            Ok(GeneratedKey {
                private_pkcs8: Secret::new(private.as_ref().to_vec()),
                public_spki: public.as_ref().to_vec(),
            })
        }
        Alg::ES256 | Alg::ES384 | Alg::ES512 | Alg::ES256K => {
            let curve = Curve::of_alg(alg).ok_or_else(generate_failed)?;
            let pair = EcdsaKeyPair::generate(curve.signing()).map_err(|_| generate_failed())?;
            let private = pair.to_pkcs8v1().map_err(|_| generate_failed())?;
            let public: PublicKeyX509Der =
                pair.public_key().as_der().map_err(|_| generate_failed())?;
            Ok(GeneratedKey {
                private_pkcs8: Secret::new(private.as_ref().to_vec()),
                public_spki: public.as_ref().to_vec(),
            })
        }
        Alg::EdDSA => {
            let pair = Ed25519KeyPair::generate().map_err(|_| generate_failed())?;
            let private = pair.to_pkcs8v1().map_err(|_| generate_failed())?;
            let public: PublicKeyX509Der =
                pair.public_key().as_der().map_err(|_| generate_failed())?;
            Ok(GeneratedKey {
                private_pkcs8: Secret::new(private.as_ref().to_vec()),
                public_spki: public.as_ref().to_vec(),
            })
        }
        Alg::HS256 | Alg::HS384 | Alg::HS512 => Err(KeyError::wrong_kind(format!(
            "{alg} uses a shared secret, not a key pair: use jwtctl gen-secret"
        ))),
    }
}

/// PEM text of a DER document.
pub fn to_pem(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(tag, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// The public half of a private key.
pub fn public_of(private: &PrivateKey) -> Result<PublicKey, KeyError> {
    private.public_key()
}

/// The public JWK of a key, with `use: sig`, `alg`, and `kid` set to its RFC 7638 thumbprint.
pub fn public_jwk(
    public: &PublicKey,
    alg: Alg,
) -> Result<serde_json::Map<String, serde_json::Value>, KeyError> {
    keyform::jwk::public_jwk(public, Some(alg), keyform::jwk::Purpose::Sign)
}

/// The RFC 7638 SHA-256 thumbprint of a public key: the `kid` jwtctl gives it.
pub fn thumbprint(public: &PublicKey, _alg: Alg) -> Result<String, KeyError> {
    keyform::jwk::thumbprint(public)
}

/// One key of a JWKS, ready to verify.
#[derive(Clone, Debug)]
pub struct JwksKey {
    pub kid: Option<String>,
    /// The key's `alg`, if the JWKS names one.
    pub alg: Option<Alg>,
    pub key: PublicKey,
}

impl JwksKey {
    /// Whether this key may verify a token signed with `alg`.
    pub fn fits(&self, alg: Alg) -> bool {
        match self.alg {
            Some(own) => own == alg,
            None => self.key.key_type.fits(alg),
        }
    }

    /// The algorithms this key verifies when `--alg` is not given.
    pub fn default_alg(&self) -> Alg {
        self.alg.unwrap_or(self.key.key_type.default_alg())
    }
}

/// Reads a JWKS document. Keys jwtctl cannot use for verification (symmetric keys, `use: enc`,
/// unknown types or algorithms) are skipped and reported through `warn`.
pub fn parse_jwks(
    text: &str,
    origin: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<JwksKey>, KeyError> {
    let document: serde_json::Value = serde_json::from_str(text)
        .map_err(|error| KeyError::invalid(format!("{origin} is not valid JSON: {error}")))?;
    let Some(entries) = document.get("keys").and_then(serde_json::Value::as_array) else {
        return Err(KeyError::invalid(format!(
            "{origin} is not a JWKS: expected an object with a \"keys\" array"
        )));
    };
    let mut keys = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let name = match entry.get("kid").and_then(serde_json::Value::as_str) {
            Some(kid) => format!("key {} (kid {}) of {origin}", index + 1, quote(kid)),
            None => format!("key {} of {origin}", index + 1),
        };
        match parse_jwk(entry) {
            Ok(key) => keys.push(key),
            Err(Unusable::Skipped(reason)) => warn(format!("{name} is skipped: {reason}")),
            Err(Unusable::Broken(reason)) => {
                return Err(KeyError::unfit(format!("{name} cannot be used: {reason}")));
            }
        }
    }
    // Two keys under one kid: which one the issuer meant is unknown, so neither is used for it.
    let mut kids: Vec<&str> = keys.iter().filter_map(|key| key.kid.as_deref()).collect();
    kids.sort_unstable();
    let mut duplicates: Vec<String> = kids
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0].to_owned())
        .collect();
    duplicates.dedup();
    for kid in &duplicates {
        warn(format!(
            "{origin} has more than one key with kid {}; none of them is used",
            quote(kid)
        ));
    }
    keys.retain(|key| key.kid.as_ref().is_none_or(|kid| !duplicates.contains(kid)));
    if keys.is_empty() {
        return Err(KeyError::invalid(format!(
            "{origin} holds no public signing key jwtctl can use"
        )));
    }
    Ok(keys)
}

/// Why a JWK is not used: a key of a kind jwtctl does not verify with is skipped, but a key
/// that claims to be a signing key and cannot work is an error, not a silent "forged token".
enum Unusable {
    Skipped(String),
    Broken(String),
}

impl From<String> for Unusable {
    fn from(reason: String) -> Self {
        Unusable::Skipped(reason)
    }
}

impl From<&str> for Unusable {
    fn from(reason: &str) -> Self {
        Unusable::Skipped(reason.to_owned())
    }
}

/// A verifying key of a JWKS: public, allowed to verify, and not symmetric (a JWKS is published,
/// so an `oct` key in one is either a mistake or an attack).
fn parse_jwk(entry: &serde_json::Value) -> Result<JwksKey, Unusable> {
    let entry = keyform::jwk::read(entry).map_err(|refusal| {
        if refusal.broken {
            Unusable::Broken(refusal.reason)
        } else {
            Unusable::Skipped(refusal.reason)
        }
    })?;
    if !entry.usage.verify {
        return Err("its use or key_ops do not allow verifying".into());
    }
    let key = match entry.material {
        Material::Public(key) => key,
        Material::Private(_) => {
            return Err("it is a private key; a JWKS publishes public keys".into());
        }
        Material::Secret(_) => {
            return Err("it is a symmetric (oct) key; jwtctl takes secrets only from files or the environment".into());
        }
    };
    Ok(JwksKey {
        kid: entry.kid,
        alg: entry.alg,
        key,
    })
}
