//! Building and signing tokens.
//!
//! The key is prepared once, when the signer is made: the HMAC key context, or the parsed RSA, EC
//! or Ed25519 key pair. Signing a token is then only the primitive, which matters when a batch
//! signs thousands (parsing an RSA private key costs more than signing with it).

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::alg::Alg;
use super::claims::Claims;
use super::error::KeyError;
use super::keys::{KeyPair, PrivateKey, Secret};

/// A key and the algorithm to sign with.
pub struct Signer {
    alg: Alg,
    key: SigningKey,
    kid: Option<String>,
}

enum SigningKey {
    /// aws-lc wipes the key context on drop (`HMAC_CTX_cleanup`). Boxed: the context is large.
    Hmac(Box<hmac::Key>),
    Rsa(RsaKeyPair, &'static dyn sig::RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
    /// The key cannot sign with the algorithm; `sign` says why.
    Unusable(String),
}

/// The protected header jwtctl writes. The fields are in the order `serde_json` sorts a map's
/// keys, so a header is byte for byte what it was when it was built as a map.
#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
    typ: &'a str,
}

impl Signer {
    pub fn from_secret(alg: Alg, secret: &Secret, kid: Option<String>) -> Self {
        let key = match alg {
            Alg::HS256 => {
                SigningKey::Hmac(Box::new(hmac::Key::new(hmac::HMAC_SHA256, secret.expose())))
            }
            Alg::HS384 => {
                SigningKey::Hmac(Box::new(hmac::Key::new(hmac::HMAC_SHA384, secret.expose())))
            }
            Alg::HS512 => {
                SigningKey::Hmac(Box::new(hmac::Key::new(hmac::HMAC_SHA512, secret.expose())))
            }
            other => SigningKey::Unusable(format!(
                "{other} needs {}, not an HMAC secret",
                other.family().describe()
            )),
        };
        Signer { alg, key, kid }
    }

    /// Takes the key: its parsed pair becomes the signing key, without parsing it again.
    pub fn from_private_key(alg: Alg, key: PrivateKey, kid: Option<String>) -> Self {
        Signer {
            alg,
            key: prepare(alg, key),
            kid,
        }
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Signs `claims` under a header of `alg`, `typ` and, if set, `kid`.
    pub fn sign(&self, typ: &str, claims: &Claims) -> Result<String, KeyError> {
        let header = Header {
            alg: self.alg.name(),
            kid: self.kid.as_deref(),
            typ,
        };
        let mut json = Vec::with_capacity(256);
        let mut token = String::with_capacity(512);
        // Serializing these cannot fail: every key is a string.
        let _ = serde_json::to_writer(&mut json, &header);
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        token.push('.');
        json.clear();
        let _ = serde_json::to_writer(&mut json, claims);
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        let signature = self.signature(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    fn signature(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = || KeyError::backend(format!("cannot sign with {}", self.alg));
        match &self.key {
            SigningKey::Hmac(key) => Ok(hmac::sign(key, message).as_ref().to_vec()),
            SigningKey::Rsa(pair, encoding) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                pair.sign(*encoding, &SystemRandom::new(), message, &mut signature)
                    .map_err(|_| failed())?;
                Ok(signature)
            }
            SigningKey::Ec(pair) => pair
                .sign(&SystemRandom::new(), message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(|_| failed()),
            SigningKey::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
            SigningKey::Unusable(reason) => Err(KeyError::wrong_kind(format!(
                "cannot sign with {}: {reason}",
                self.alg
            ))),
        }
    }
}

/// The parsed key pair for `alg`, with the encodings jsonwebtoken's aws-lc backend uses.
fn prepare(alg: Alg, key: PrivateKey) -> SigningKey {
    if !key.key_type.fits(alg) {
        return SigningKey::Unusable(format!(
            "the key is {}, which does not fit {alg}",
            key.key_type.describe()
        ));
    }
    match key.pair {
        KeyPair::Rsa(pair) => {
            let encoding: &'static dyn sig::RsaEncoding = match alg {
                Alg::RS256 => &sig::RSA_PKCS1_SHA256,
                Alg::RS384 => &sig::RSA_PKCS1_SHA384,
                Alg::RS512 => &sig::RSA_PKCS1_SHA512,
                Alg::PS256 => &sig::RSA_PSS_SHA256,
                Alg::PS384 => &sig::RSA_PSS_SHA384,
                _ => &sig::RSA_PSS_SHA512,
            };
            SigningKey::Rsa(pair, encoding)
        }
        KeyPair::Ec(pair) => SigningKey::Ec(pair),
        KeyPair::Ed(pair) => SigningKey::Ed(pair),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value, json};

    /// What `sign` wrote before it prepared its keys: maps serialized by serde_json, signed by
    /// jsonwebtoken.
    fn reference(alg: Alg, kid: Option<&str>, typ: &str, claims: &Claims, secret: &[u8]) -> String {
        let mut header = Map::new();
        header.insert("alg".into(), Value::from(alg.name()));
        header.insert("typ".into(), Value::from(typ));
        if let Some(kid) = kid {
            header.insert("kid".into(), Value::from(kid));
        }
        let encode = |object: &Claims| URL_SAFE_NO_PAD.encode(serde_json::to_vec(object).unwrap());
        let input = format!("{}.{}", encode(&header), encode(claims));
        let key = jsonwebtoken::EncodingKey::from_secret(secret);
        let signature =
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, alg.to_jsonwebtoken()).unwrap();
        format!("{input}.{signature}")
    }

    #[test]
    fn tokens_are_byte_for_byte_what_they_were() {
        let secret = Secret::new(vec![7; 64]);
        let Value::Object(claims) = json!({"sub": "alice", "exp": 1, "z": [1, "é"], "a": null})
        else {
            unreachable!()
        };
        for alg in [Alg::HS256, Alg::HS384, Alg::HS512] {
            for kid in [None, Some("k1")] {
                let signer = Signer::from_secret(alg, &secret, kid.map(str::to_owned));
                assert_eq!(
                    signer.sign("at+jwt", &claims).unwrap(),
                    reference(alg, kid, "at+jwt", &claims, secret.expose())
                );
            }
        }
    }

    #[test]
    fn a_secret_cannot_sign_for_a_key_pair_algorithm() {
        let signer = Signer::from_secret(Alg::RS256, &Secret::new(vec![7; 64]), None);
        assert!(signer.sign("JWT", &Claims::new()).is_err());
    }
}
