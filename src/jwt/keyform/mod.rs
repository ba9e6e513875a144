//! Every form a key file comes in: PEM (plain or encrypted PKCS#8), a JWK, or a JWKS. The form
//! is read from the content, never from the file's name.

pub mod file;
pub mod jwk;
pub mod pem;
pub mod rsa;

use serde_json::Value;

use super::alg::{Alg, Family};
use super::error::KeyError;
use super::keys::{KeyType, PrivateKey, PublicKey, Secret};
use super::text;

/// What a key file holds, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pem,
    Jwk,
    Jwks,
}

/// A key as read, before anyone asks it to sign or verify.
pub enum Material {
    Private(PrivateKey),
    Public(PublicKey),
    /// An `oct` JWK: an HMAC secret.
    Secret(Secret),
}

impl Material {
    pub fn key_type(&self) -> Option<KeyType> {
        match self {
            Material::Private(key) => Some(key.key_type),
            Material::Public(key) => Some(key.key_type),
            Material::Secret(_) => None,
        }
    }

    pub fn fits(&self, alg: Alg) -> bool {
        match self.key_type() {
            Some(key_type) => key_type.fits(alg),
            None => alg.family() == Family::Hmac,
        }
    }

    /// The algorithm used when neither `--alg` nor the JWK's `alg` names one.
    pub fn default_alg(&self) -> Alg {
        self.key_type().map_or(Alg::HS256, KeyType::default_alg)
    }

    pub fn describe(&self) -> String {
        match self {
            Material::Private(key) => format!("{} (private)", key.key_type.describe()),
            Material::Public(key) => format!("{} (public)", key.key_type.describe()),
            Material::Secret(_) => "an HMAC secret (oct)".to_owned(),
        }
    }
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Which half of a key pair the caller needs: a PEM of the other half is refused before it is
/// parsed (or decrypted).
pub use super::keys::Want;

/// What a JWK's `use` and `key_ops` allow. A PEM key allows everything its kind can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub sign: bool,
    pub verify: bool,
}

impl Usage {
    pub const ANY: Usage = Usage {
        sign: true,
        verify: true,
    };
}

/// One key of a key file, with what a JWK says about it.
#[derive(Debug)]
pub struct KeyEntry {
    pub material: Material,
    pub kid: Option<String>,
    /// The JWK's `alg`: when present, the only algorithm the key is used with.
    pub alg: Option<Alg>,
    pub usage: Usage,
}

impl KeyEntry {
    /// The algorithm to use: `requested` (from `--alg`) must agree with the key's own `alg`.
    pub fn algorithm(&self, requested: Option<Alg>, origin: &str) -> Result<Alg, KeyError> {
        let alg = match (requested, self.alg) {
            (Some(requested), Some(own)) if requested != own => {
                return Err(KeyError::wrong_kind(format!(
                    "{origin} is for {own} (its \"alg\"), not {requested}"
                )));
            }
            (Some(alg), _) | (None, Some(alg)) => alg,
            (None, None) => self.material.default_alg(),
        };
        if !self.material.fits(alg) {
            return Err(KeyError::wrong_kind(format!(
                "algorithm {alg} cannot be used with {origin}, which is {}",
                self.material.describe()
            )));
        }
        Ok(alg)
    }

    /// Refuses a key whose `use` or `key_ops` forbid signing.
    pub fn check_may_sign(&self, origin: &str) -> Result<(), KeyError> {
        if self.usage.sign {
            Ok(())
        } else {
            Err(KeyError::wrong_kind(format!(
                "{origin}: the key's \"use\" or \"key_ops\" do not allow signing"
            )))
        }
    }

    /// Refuses a key whose `use` or `key_ops` forbid verifying.
    pub fn check_may_verify(&self, origin: &str) -> Result<(), KeyError> {
        if self.usage.verify {
            Ok(())
        } else {
            Err(KeyError::wrong_kind(format!(
                "{origin}: the key's \"use\" or \"key_ops\" do not allow verifying"
            )))
        }
    }
}

/// What `convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Jwk,
    Pem,
}

/// A key written out: the text, and whether it holds private material.
pub struct Exported {
    pub text: Secret,
    pub private: bool,
}

/// Writes a key as a JWK (with its RFC 7638 thumbprint as `kid`) or PEM (PKCS#8 or SPKI);
/// `public_only` keeps only the public half. `alg` goes into a JWK when known.
pub fn export(
    material: &Material,
    target: Target,
    public_only: bool,
    alg: Option<Alg>,
    purpose: jwk::Purpose,
) -> Result<Exported, KeyError> {
    let derived;
    let public = match material {
        Material::Secret(secret) => {
            if public_only {
                return Err(KeyError::wrong_kind(
                    "an HMAC secret (oct key) has no public half",
                ));
            }
            return match target {
                Target::Jwk => Ok(Exported {
                    text: with_newline(&jwk::secret_jwk(secret, alg)),
                    private: true,
                }),
                Target::Pem => Err(KeyError::wrong_kind(
                    "an HMAC secret (oct key) has no PEM form; convert it to a JWK",
                )),
            };
        }
        Material::Private(private) if !public_only => {
            let text = match target {
                Target::Jwk => with_newline(&jwk::private_jwk(private, alg, purpose)?),
                Target::Pem => Secret::new(
                    super::jwk::to_pem("PRIVATE KEY", jwk::pkcs8_of(private)?.expose())
                        .into_bytes(),
                ),
            };
            return Ok(Exported {
                text,
                private: true,
            });
        }
        Material::Private(private) => {
            derived = super::jwk::public_of(private)?;
            &derived
        }
        Material::Public(public) => public,
    };
    let text = match target {
        Target::Jwk => {
            let value = Value::Object(jwk::public_jwk(public, alg, purpose)?);
            let mut text = serde_json::to_vec(&value)
                .map_err(|_| KeyError::backend("cannot describe the key as a JWK"))?;
            text.push(b'\n');
            text
        }
        Target::Pem => super::jwk::to_pem("PUBLIC KEY", &jwk::public_spki(public)?).into_bytes(),
    };
    Ok(Exported {
        text: Secret::new(text),
        private: false,
    })
}

fn with_newline(text: &Secret) -> Secret {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.expose());
    bytes.push(b'\n');
    Secret::new(bytes)
}

/// The form of a key file from its first bytes: JSON starts with `{`, PEM has a `-----BEGIN`.
pub fn sniff(content: &[u8]) -> Option<Format> {
    let text = content
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(content);
    let start = text.iter().position(|byte| !byte.is_ascii_whitespace())?;
    let rest = text.get(start..)?;
    if rest.starts_with(b"{") {
        let value: Value = serde_json::from_slice(rest).ok()?;
        return Some(if value.get("keys").is_some() {
            Format::Jwks
        } else {
            Format::Jwk
        });
    }
    memchr::memmem::find(text, b"-----BEGIN ").map(|_| Format::Pem)
}

/// Every key in `content`, which came from `origin` (for messages). A JWKS entry jwtctl cannot
/// use is skipped with a warning, unless none is left.
pub fn read(
    content: &[u8],
    origin: &str,
    password: Option<&Secret>,
    want: Want,
    warn: &mut dyn FnMut(String),
) -> Result<(Format, Vec<KeyEntry>), KeyError> {
    let Some(format) = sniff(content) else {
        let binary = content.first() == Some(&0x30);
        return Err(KeyError::invalid(if binary {
            format!(
                "{origin} looks like DER; jwtctl reads PEM, a JWK or a JWKS \
                 (openssl pkey -inform DER -in {origin} -out key.pem)"
            )
        } else {
            format!(
                "{origin} holds no PEM block, JWK or JWKS (expected -----BEGIN PRIVATE KEY-----, \
                 -----BEGIN PUBLIC KEY----- or a JSON object)"
            )
        }));
    };
    if format != Format::Pem && password.is_some() {
        warn(format!(
            "{origin} is a JWK, which is never encrypted; the key password is not used"
        ));
    }
    let entries =
        match format {
            Format::Pem => vec![pem::read(content, origin, password, want, warn)?],
            Format::Jwk => {
                let value = json(content, origin)?;
                vec![jwk::read(&value).map_err(|refusal| {
                    KeyError::invalid(format!("{origin}: {}", refusal.reason))
                })?]
            }
            Format::Jwks => read_set(&json(content, origin)?, origin, warn)?,
        };
    Ok((format, entries))
}

fn json(content: &[u8], origin: &str) -> Result<Value, KeyError> {
    let text = content
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(content);
    // The parser's message names a line and column, never the text there.
    serde_json::from_slice(text)
        .map_err(|error| KeyError::invalid(format!("{origin} is not valid JSON: {error}")))
}

fn read_set(
    value: &Value,
    origin: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<KeyEntry>, KeyError> {
    let Some(Value::Array(keys)) = value.get("keys") else {
        return Err(KeyError::invalid(format!(
            "{origin} is not a JWKS: its \"keys\" is not an array"
        )));
    };
    let mut entries = Vec::with_capacity(keys.len());
    let mut kids: Vec<&str> = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        let kid = key.get("kid").and_then(Value::as_str);
        let name = match kid {
            Some(kid) => format!("key {} (kid {}) of {origin}", index + 1, text::quote(kid)),
            None => format!("key {} of {origin}", index + 1),
        };
        if let Some(kid) = kid {
            // Two keys under one kid would let the set's order decide which one verifies.
            if kids.contains(&kid) {
                return Err(KeyError::invalid(format!(
                    "{origin} has more than one key with kid {}",
                    text::quote(kid)
                )));
            }
            kids.push(kid);
        }
        match jwk::read(key) {
            Ok(entry) => entries.push(entry),
            Err(refusal) if refusal.broken => {
                return Err(KeyError::unfit(format!(
                    "{name} cannot be used: {}",
                    refusal.reason
                )));
            }
            Err(refusal) => warn(format!("{name} is skipped: {}", refusal.reason)),
        }
    }
    if entries.is_empty() {
        return Err(KeyError::invalid(format!(
            "{origin} holds no key jwtctl can use"
        )));
    }
    Ok(entries)
}

/// The one key to use: the one whose `kid` is `kid`, or the only one.
pub fn select(
    entries: Vec<KeyEntry>,
    kid: Option<&str>,
    origin: &str,
) -> Result<KeyEntry, KeyError> {
    let count = entries.len();
    match kid {
        Some(kid) => {
            let known: Vec<String> = entries
                .iter()
                .filter_map(|entry| entry.kid.as_deref().map(text::quote))
                .collect();
            entries
                .into_iter()
                .find(|entry| entry.kid.as_deref() == Some(kid))
                .ok_or_else(|| {
                    KeyError::wrong_kind(format!(
                        "{origin} has no key with kid {} (known: {})",
                        text::quote(kid),
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ))
                })
        }
        None => {
            let mut entries = entries.into_iter();
            match (entries.next(), count) {
                (Some(only), 1) => Ok(only),
                _ => Err(KeyError::wrong_kind(format!(
                    "{origin} holds {count} keys; choose one with --kid"
                ))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_comes_from_the_content() {
        assert_eq!(
            sniff(b"  {\"kty\":\"oct\",\"k\":\"AA\"}\n"),
            Some(Format::Jwk)
        );
        assert_eq!(sniff(b"{\"keys\":[]}"), Some(Format::Jwks));
        assert_eq!(
            sniff("\u{feff}{\"keys\":[]}".as_bytes()),
            Some(Format::Jwks)
        );
        assert_eq!(
            sniff(b"a comment\n-----BEGIN PUBLIC KEY-----\n"),
            Some(Format::Pem)
        );
        assert_eq!(sniff(b"{not json"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(&[0x30, 0x82, 0x01]), None);
    }

    fn entries(text: &str) -> Result<Vec<KeyEntry>, KeyError> {
        read(
            text.as_bytes(),
            "keys.json",
            None,
            Want::Either,
            &mut |_| {},
        )
        .map(|(_, entries)| entries)
    }

    #[test]
    fn selects_by_kid_or_the_only_key() {
        let set =
            r#"{"keys":[{"kty":"oct","k":"AAAA","kid":"a"},{"kty":"oct","k":"BBBB","kid":"b"}]}"#;
        let chosen = select(entries(set).unwrap(), Some("b"), "keys.json").unwrap();
        assert_eq!(chosen.kid.as_deref(), Some("b"));
        let error = select(entries(set).unwrap(), None, "keys.json").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("holds 2 keys; choose one with --kid"),
            "{error}"
        );
        let error = select(entries(set).unwrap(), Some("c"), "keys.json").unwrap_err();
        assert!(
            error
                .to_string()
                .contains(r#"no key with kid "c" (known: "a", "b")"#),
            "{error}"
        );
        let one = r#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#;
        assert!(select(entries(one).unwrap(), None, "keys.json").is_ok());
    }

    #[test]
    fn a_set_skips_what_it_cannot_use_and_refuses_twin_kids() {
        let mut warnings = Vec::new();
        let set = r#"{"keys":[{"kty":"DSA"},{"kty":"oct","k":"AAAA"}]}"#;
        let (_, keys) = read(set.as_bytes(), "s", None, Want::Either, &mut |w| {
            warnings.push(w)
        })
        .unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("key 1 of s is skipped"),
            "{warnings:?}"
        );
        let twins =
            r#"{"keys":[{"kty":"oct","k":"AAAA","kid":"a"},{"kty":"oct","k":"BBBB","kid":"a"}]}"#;
        assert!(
            entries(twins)
                .unwrap_err()
                .to_string()
                .contains("more than one key with kid")
        );
        assert!(entries(r#"{"keys":[{"kty":"DSA"}]}"#).is_err());
        assert!(entries(r#"{"keys":{}}"#).is_err());
    }

    #[test]
    fn export_writes_each_form_and_keeps_secrets_out_of_public_output() {
        let secret = entries(r#"{"kty":"oct","k":"AAAA"}"#).unwrap().remove(0);
        let jwk = export(
            &secret.material,
            Target::Jwk,
            false,
            Some(Alg::HS256),
            jwk::Purpose::Sign,
        )
        .unwrap();
        assert!(jwk.private);
        assert!(jwk.text.expose().ends_with(b"}\n"));
        assert!(
            export(
                &secret.material,
                Target::Pem,
                false,
                None,
                jwk::Purpose::Sign
            )
            .is_err()
        );
        assert!(
            export(
                &secret.material,
                Target::Jwk,
                true,
                None,
                jwk::Purpose::Sign
            )
            .is_err()
        );
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
        for name in ["rsa.pem", "ec521.pem", "secp256k1.pem", "ed25519.pem"] {
            let content = std::fs::read(path.join(name)).unwrap();
            let (_, mut keys) = read(&content, name, None, Want::Either, &mut |_| {}).unwrap();
            let key = keys.remove(0);
            for target in [Target::Jwk, Target::Pem] {
                let public = export(&key.material, target, true, None, jwk::Purpose::Sign).unwrap();
                assert!(!public.private);
                let text = String::from_utf8(public.text.expose().to_vec()).unwrap();
                assert!(
                    !text.contains("PRIVATE") && !text.contains("\"d\""),
                    "{name}: {text}"
                );
                let (_, mut back) =
                    read(text.as_bytes(), name, None, Want::Either, &mut |_| {}).unwrap();
                assert!(
                    matches!(back.remove(0).material, Material::Public(_)),
                    "{name}"
                );
                let private =
                    export(&key.material, target, false, None, jwk::Purpose::Sign).unwrap();
                assert!(private.private);
                let (_, mut back) =
                    read(private.text.expose(), name, None, Want::Either, &mut |_| {}).unwrap();
                assert!(
                    matches!(back.remove(0).material, Material::Private(_)),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn the_jwk_alg_pins_the_algorithm() {
        let entry = entries(r#"{"kty":"oct","k":"AAAA","alg":"HS384"}"#)
            .unwrap()
            .remove(0);
        assert_eq!(entry.algorithm(None, "k").unwrap(), Alg::HS384);
        assert_eq!(entry.algorithm(Some(Alg::HS384), "k").unwrap(), Alg::HS384);
        assert!(entry.algorithm(Some(Alg::HS256), "k").is_err());
        let plain = entries(r#"{"kty":"oct","k":"AAAA"}"#).unwrap().remove(0);
        assert_eq!(plain.algorithm(None, "k").unwrap(), Alg::HS256);
        assert!(plain.algorithm(Some(Alg::RS256), "k").is_err());
    }
}
