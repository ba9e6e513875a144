//! Building and signing tokens.

use jsonwebtoken::EncodingKey;
use serde_json::{Map, Value};

use super::alg::Alg;
use super::error::KeyError;
use super::keys::{PrivateKey, Secret};
use super::token::{Object, encode_segment};

/// A key and the algorithm to sign with.
pub struct Signer {
    alg: Alg,
    key: EncodingKey,
    kid: Option<String>,
}

impl Signer {
    pub fn from_secret(alg: Alg, secret: &Secret, kid: Option<String>) -> Self {
        Signer {
            alg,
            key: EncodingKey::from_secret(secret.expose()),
            kid,
        }
    }

    pub fn from_private_key(alg: Alg, key: &PrivateKey, kid: Option<String>) -> Self {
        Signer {
            alg,
            key: key.encoding.clone(),
            kid,
        }
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Signs `claims` under a header of `alg`, `typ` and, if set, `kid`.
    pub fn sign(&self, typ: &str, claims: &Object) -> Result<String, KeyError> {
        let mut header = Map::new();
        header.insert("alg".into(), Value::from(self.alg.name()));
        header.insert("typ".into(), Value::from(typ));
        if let Some(kid) = &self.kid {
            header.insert("kid".into(), Value::from(kid.as_str()));
        }
        let mut token = encode_json(&header);
        token.push('.');
        token.push_str(&encode_json(claims));
        let signature =
            jsonwebtoken::crypto::sign(token.as_bytes(), &self.key, self.alg.to_jsonwebtoken())
                .map_err(|error| {
                    KeyError::new(format!("cannot sign with {}: {error}", self.alg))
                })?;
        token.push('.');
        token.push_str(&signature);
        Ok(token)
    }
}

fn encode_json(object: &Object) -> String {
    // Serializing a map of JSON values cannot fail: every key is a string.
    let json = serde_json::to_vec(object).unwrap_or_default();
    encode_segment(&json)
}
