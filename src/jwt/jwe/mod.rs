//! JSON Web Encryption (RFC 7516), compact serialization only, with the algorithms of RFC 7518
//! that are safe to offer (all but RSA1_5).
//!
//! Self-contained: it depends on aws-lc-rs, serde_json and base64, and on nothing else in
//! jwtctl, so the command layer can wrap it however the key sources end up being resolved.
//!
//! What `decrypt` promises (docs/SECURITY case 49):
//! - the algorithm comes from the caller's list, never from the header alone, and the key is
//!   the caller's, never one named by `kid`, `jwk` or `jku`;
//! - RSA1_5, `zip` and `crit` are refused before any key is touched, and so is a PBES2
//!   iteration count over 1,000,000;
//! - an ECDH-ES ephemeral key of another curve, or off its curve, is refused before agreement;
//! - every failure of the cryptography itself (wrong key, bad unwrap, bad tag, bad padding,
//!   wrong lengths) is the one value [`JweError::Decryption`], and an unwrap that fails goes on
//!   with a random content key (RFC 7516 section 11.5) so that it costs what a bad tag costs;
//! - no plaintext exists before the tag is verified.

pub mod alg;
mod content;
pub mod ecdh;
pub mod key;
mod kw;
pub mod pbes2;

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

pub use alg::{ContentAlg, Family, KeyAlg};
pub use ecdh::Curve;
pub use key::{DecryptionKey, JwkAlg, KeyInfo, KeyKind, RecipientKey};

use key::{PrivateMaterial, PublicMaterial};

/// Longest compact JWE `decrypt` reads, checked before any decoding.
pub const MAX_JWE_BYTES: usize = 256 * 1024;
/// Longest plaintext `encrypt` takes, so that its output always fits [`MAX_JWE_BYTES`].
pub const MAX_PLAINTEXT_BYTES: usize = 160 * 1024;

/// Why a JWE could not be made or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    /// Not five base64url segments, or a protected header that is not a JSON object.
    #[error("not a compact JWE: {0}")]
    Malformed(&'static str),
    #[error("the JWE is {0} bytes, over the {MAX_JWE_BYTES}-byte limit")]
    TooLarge(usize),
    /// Something the header asks for that jwtctl refuses on principle.
    #[error("{0}")]
    Refused(&'static str),
    /// A key-management algorithm jwtctl does not implement.
    #[error("unsupported key-management algorithm `{0}`")]
    UnsupportedAlg(String),
    #[error("unsupported content encryption `{0}`")]
    UnsupportedEnc(String),
    /// A known algorithm that the caller did not accept for this key.
    #[error("key-management algorithm {found} is not accepted here (accepted: {accepted})")]
    AlgNotAccepted { found: KeyAlg, accepted: String },
    #[error("content encryption {found} is not accepted here (accepted: {accepted})")]
    EncNotAccepted { found: ContentAlg, accepted: String },
    /// The ephemeral public key (`epk`) of an ECDH-ES token is missing, of another curve, or
    /// not a point of its curve: refused before any agreement.
    #[error("the ephemeral key (epk) {0}")]
    InvalidEpk(&'static str),
    /// The one answer for every failure of the cryptography: no oracle tells them apart.
    #[error("decryption failed")]
    Decryption,
    /// The JWE opened, but what it holds is not a nested signed token.
    #[error("not a nested JWT: {0}")]
    NotNested(&'static str),
    /// The key is unusable or does not fit the algorithm; a problem of configuration.
    #[error("{0}")]
    Key(String),
}

/// Optional members of the protected header that `encrypt` writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderExtras {
    pub kid: Option<String>,
    /// `JWT` for a nested token (RFC 7519 section 5.2).
    pub cty: Option<String>,
    pub typ: Option<String>,
    /// The PBES2 iteration count (`p2c`); [`pbes2::DEFAULT_ITERATIONS`] when `None`.
    pub pbes2_iterations: Option<u32>,
}

/// An opened JWE: its protected header and the plaintext, released only after the tag matched.
#[derive(Clone, PartialEq, Eq)]
pub struct Decrypted {
    pub header: Map<String, Value>,
    pub alg: KeyAlg,
    pub enc: ContentAlg,
    pub plaintext: Vec<u8>,
}

impl Decrypted {
    /// The signed token inside a nested JWT (RFC 7519 section 11.2): the header's `cty` must say
    /// `JWT` (compared as a media type: case-insensitive, `application/` optional) and the
    /// plaintext must be a three-segment compact JWS. The caller still verifies it.
    pub fn nested_jwt(&self) -> Result<&str, JweError> {
        let cty = match self.header.get("cty") {
            Some(Value::String(cty)) => cty.as_str(),
            _ => return Err(JweError::NotNested("the header has no `cty`")),
        };
        let media = cty
            .get(..12)
            .filter(|prefix| prefix.eq_ignore_ascii_case("application/"))
            .map_or(cty, |_| cty.get(12..).unwrap_or_default());
        if !media.eq_ignore_ascii_case("JWT") {
            return Err(JweError::NotNested("the header's `cty` is not JWT"));
        }
        let text = std::str::from_utf8(&self.plaintext)
            .map_err(|_| JweError::NotNested("the plaintext is not text"))?;
        let segments = text.split('.').count();
        let shaped = segments == 3
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !shaped {
            return Err(JweError::NotNested(
                "the plaintext is not a compact signed token",
            ));
        }
        Ok(text)
    }
}

/// The plaintext may be a secret; a debug print shows its length only.
impl std::fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decrypted")
            .field("header", &self.header)
            .field("alg", &self.alg)
            .field("enc", &self.enc)
            .field("plaintext_len", &self.plaintext.len())
            .finish()
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url: no padding, no other alphabet, canonical trailing bits.
fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

fn random_bytes(len: usize) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| JweError::Key("the system random generator failed".to_owned()))?;
    Ok(bytes)
}

fn oaep(alg: KeyAlg) -> &'static OaepAlgorithm {
    if alg == KeyAlg::RsaOaep256 {
        &OAEP_SHA256_MGF1SHA256
    } else {
        &OAEP_SHA1_MGF1SHA1
    }
}

fn names<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn backend(what: &str) -> JweError {
    JweError::Key(format!("the crypto backend could not {what}"))
}

/// Encrypts `plaintext` to `recipient` and returns the compact serialization.
pub fn encrypt(
    plaintext: &[u8],
    recipient: &RecipientKey,
    alg: KeyAlg,
    enc: ContentAlg,
    extras: &HeaderExtras,
) -> Result<String, JweError> {
    if plaintext.len() > MAX_PLAINTEXT_BYTES {
        return Err(JweError::Key(format!(
            "the plaintext is {} bytes, over the {MAX_PLAINTEXT_BYTES}-byte limit",
            plaintext.len()
        )));
    }
    let info = recipient.info();
    if !info.fits(alg) {
        return Err(JweError::Key(format!(
            "{alg} does not fit {}",
            info.kind.describe()
        )));
    }
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(alg.name().into()));
    header.insert("enc".into(), Value::String(enc.name().into()));
    for (name, value) in [
        ("kid", &extras.kid),
        ("cty", &extras.cty),
        ("typ", &extras.typ),
    ] {
        if let Some(value) = value {
            header.insert(name.into(), Value::String(value.clone()));
        }
    }

    let (cek, encrypted_key) = match (&recipient.material, alg.family()) {
        (PublicMaterial::Rsa(key), Family::Rsa) => {
            let cek = random_bytes(enc.key_len())?;
            let key = OaepPublicEncryptingKey::new(key.clone())
                .map_err(|_| backend("use the RSA key"))?;
            let mut out = vec![0u8; key.ciphertext_size()];
            let len = key
                .encrypt(oaep(alg), &cek, &mut out, None)
                .map_err(|_| backend("encrypt with RSA-OAEP"))?
                .len();
            out.truncate(len);
            (cek, out)
        }
        (PublicMaterial::Oct(kek), Family::AesKw(_)) => {
            let cek = random_bytes(enc.key_len())?;
            let wrapped = kw::wrap(kek, &cek).map_err(|_| backend("wrap the content key"))?;
            (cek, wrapped)
        }
        (PublicMaterial::Oct(key), Family::Direct) => {
            if key.len() != enc.key_len() {
                return Err(JweError::Key(format!(
                    "dir with {enc} needs a key of {} bytes; this one has {}",
                    enc.key_len(),
                    key.len()
                )));
            }
            (key.clone(), Vec::new())
        }
        (PublicMaterial::Oct(kek), Family::AesGcmKw(_)) => {
            let cek = random_bytes(enc.key_len())?;
            let iv = random_bytes(12)?;
            let (wrapped, tag) = content::gcm_seal(kek, &iv, b"", &cek)
                .map_err(|_| backend("wrap the content key"))?;
            header.insert("iv".into(), Value::String(b64(&iv)));
            header.insert("tag".into(), Value::String(b64(&tag)));
            (cek, wrapped)
        }
        (PublicMaterial::Oct(password), Family::Pbes2(kw_len)) => {
            let iterations = extras.pbes2_iterations.unwrap_or(pbes2::DEFAULT_ITERATIONS);
            if !(pbes2::MIN_ITERATIONS..=pbes2::MAX_ITERATIONS).contains(&u64::from(iterations)) {
                return Err(JweError::Key(format!(
                    "a PBES2 iteration count must be {} to {}",
                    pbes2::MIN_ITERATIONS,
                    pbes2::MAX_ITERATIONS
                )));
            }
            let p2s = random_bytes(16)?;
            let kek = pbes2::key_encryption_key(alg, password, &p2s, u64::from(iterations), kw_len)
                .ok_or_else(|| backend("derive a key from the password"))?;
            header.insert("p2s".into(), Value::String(b64(&p2s)));
            header.insert("p2c".into(), Value::from(iterations));
            let cek = random_bytes(enc.key_len())?;
            let wrapped = kw::wrap(&kek, &cek).map_err(|_| backend("wrap the content key"))?;
            (cek, wrapped)
        }
        (PublicMaterial::Ec(curve, peer), Family::Ecdh(wrap_len)) => {
            let ephemeral = PrivateKey::generate(curve.agreement())
                .map_err(|_| backend("generate an ephemeral key"))?;
            let (x, y) = ecdh::coordinates(*curve, &ephemeral)
                .ok_or_else(|| backend("export the ephemeral key"))?;
            let mut epk = Map::new();
            epk.insert("kty".into(), Value::String(curve.kty().into()));
            epk.insert("crv".into(), Value::String(curve.name().into()));
            epk.insert("x".into(), Value::String(b64(&x)));
            if let Some(y) = y {
                epk.insert("y".into(), Value::String(b64(&y)));
            }
            header.insert("epk".into(), Value::Object(epk));
            let z =
                ecdh::shared_secret(&ephemeral, peer).ok_or_else(|| backend("agree on a key"))?;
            match wrap_len {
                None => (
                    ecdh::concat_kdf(&z, enc.name(), b"", b"", enc.key_len()),
                    Vec::new(),
                ),
                Some(len) => {
                    let kek = ecdh::concat_kdf(&z, alg.name(), b"", b"", len);
                    let cek = random_bytes(enc.key_len())?;
                    let wrapped =
                        kw::wrap(&kek, &cek).map_err(|_| backend("wrap the content key"))?;
                    (cek, wrapped)
                }
            }
        }
        _ => {
            return Err(JweError::Key(format!(
                "{alg} does not fit {}",
                info.kind.describe()
            )));
        }
    };

    let protected = b64(serde_json::to_string(&Value::Object(header))
        .map_err(|_| backend("encode the header"))?
        .as_bytes());
    let iv = random_bytes(enc.iv_len())?;
    let (ciphertext, tag) = content::seal(enc, &cek, &iv, protected.as_bytes(), plaintext)
        .map_err(|_| backend("encrypt the content"))?;
    Ok(format!(
        "{protected}.{}.{}.{}.{}",
        b64(&encrypted_key),
        b64(&iv),
        b64(&ciphertext),
        b64(&tag)
    ))
}

/// Whether `text` has the shape of a compact JWE: five segments whose first decodes to a JSON
/// object with an `enc` member. Tells a command that was handed an encrypted token where it
/// expected a signed one; it proves nothing about the token.
pub fn looks_like_jwe(text: &str) -> bool {
    let mut parts = text.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    if parts.count() != 4 || text.len() > MAX_JWE_BYTES {
        return false;
    }
    unb64(first)
        .and_then(|bytes| serde_json::from_slice::<Map<String, Value>>(&bytes).ok())
        .is_some_and(|header| header.contains_key("enc"))
}

/// The protected header as a JSON object whose member names are unique (RFC 7516 section 4).
fn parse_header(bytes: &[u8]) -> Result<Map<String, Value>, JweError> {
    struct Unique(Map<String, Value>);
    impl<'de> serde::Deserialize<'de> for Unique {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Unique;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut access: A,
                ) -> Result<Unique, A::Error> {
                    let mut map = Map::new();
                    while let Some((name, value)) = access.next_entry::<String, Value>()? {
                        if map.insert(name, value).is_some() {
                            return Err(serde::de::Error::custom("duplicate member"));
                        }
                    }
                    Ok(Unique(map))
                }
            }
            deserializer.deserialize_map(Visit)
        }
    }
    serde_json::from_slice::<Unique>(bytes)
        .map(|unique| unique.0)
        .map_err(|_| {
            JweError::Malformed("the protected header is not a JSON object with unique members")
        })
}

fn header_str<'a>(
    header: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, JweError> {
    match header.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(JweError::Malformed(match name {
            "alg" => "the header's alg is not a string",
            "enc" => "the header's enc is not a string",
            _ => "a header member that must be a string is not one",
        })),
    }
}

/// Shortens a name taken from a token before it goes into an error message.
fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Opens a compact JWE with `key`, accepting only the algorithms listed.
pub fn decrypt(
    compact: &str,
    key: &DecryptionKey,
    allowed: &[KeyAlg],
    allowed_enc: &[ContentAlg],
) -> Result<Decrypted, JweError> {
    if compact.len() > MAX_JWE_BYTES {
        return Err(JweError::TooLarge(compact.len()));
    }
    let parts: Vec<&str> = compact.split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = parts[..] else {
        return Err(JweError::Malformed(if parts.len() == 3 {
            "three segments: this is a signed token (JWS), not an encrypted one"
        } else {
            "a compact JWE has five segments"
        }));
    };
    let header_bytes =
        unb64(protected).ok_or(JweError::Malformed("the protected header is not base64url"))?;
    let header = parse_header(&header_bytes)?;

    // Refusals on principle come first, before the algorithm lists and before any key work.
    if header.contains_key("crit") {
        return Err(JweError::Refused(
            "the header has `crit`: jwtctl understands no JWE extension",
        ));
    }
    if header.contains_key("zip") {
        return Err(JweError::Refused(
            "the header has `zip`: compressed JWE is refused (decompression bombs; RFC 8725 section 3.6)",
        ));
    }
    let alg_name =
        header_str(&header, "alg")?.ok_or(JweError::Malformed("the header has no alg"))?;
    if alg_name == "RSA1_5" {
        return Err(JweError::Refused(
            "RSA1_5 is refused: it invites Bleichenbacher's padding oracle (RFC 8725 section 3.2)",
        ));
    }
    let alg =
        KeyAlg::from_name(alg_name).ok_or_else(|| JweError::UnsupportedAlg(clip(alg_name)))?;
    let enc_name =
        header_str(&header, "enc")?.ok_or(JweError::Malformed("the header has no enc"))?;
    let enc =
        ContentAlg::from_name(enc_name).ok_or_else(|| JweError::UnsupportedEnc(clip(enc_name)))?;
    if !allowed.contains(&alg) {
        return Err(JweError::AlgNotAccepted {
            found: alg,
            accepted: names(allowed),
        });
    }
    if !allowed_enc.contains(&enc) {
        return Err(JweError::EncNotAccepted {
            found: enc,
            accepted: names(allowed_enc),
        });
    }
    if !key.info().fits(alg) {
        return Err(JweError::Key(format!(
            "{alg} does not fit {}",
            key.info().kind.describe()
        )));
    }

    let undecodable = || JweError::Malformed("a segment is not base64url");
    let encrypted_key = unb64(encrypted_key).ok_or_else(undecodable)?;
    let iv = unb64(iv).ok_or_else(undecodable)?;
    let ciphertext = unb64(ciphertext).ok_or_else(undecodable)?;
    let tag = unb64(tag).ok_or_else(undecodable)?;

    let cek = content_key(&header, key, alg, enc, &encrypted_key)?;
    let plaintext = content::open(enc, &cek, &iv, protected.as_bytes(), &ciphertext, &tag)
        .map_err(|_| JweError::Decryption)?;
    Ok(Decrypted {
        header,
        alg,
        enc,
        plaintext,
    })
}

/// The content key. A failed unwrap yields a random key of the right length rather than an
/// early error, so the content check fails the same way and in about the same time.
fn content_key(
    header: &Map<String, Value>,
    key: &DecryptionKey,
    alg: KeyAlg,
    enc: ContentAlg,
    encrypted_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let or_random =
        |unwrapped: Option<Zeroizing<Vec<u8>>>| -> Result<Zeroizing<Vec<u8>>, JweError> {
            match unwrapped {
                Some(cek) if cek.len() == enc.key_len() => Ok(cek),
                _ => random_bytes(enc.key_len()),
            }
        };
    match (&key.material, alg.family()) {
        (PrivateMaterial::Rsa(private), Family::Rsa) => {
            if encrypted_key.len() != private.key_size_bytes() {
                return Err(JweError::Decryption);
            }
            or_random(rsa_oaep_decrypt(private, oaep(alg), encrypted_key, None))
        }
        (PrivateMaterial::Oct(kek), Family::AesKw(_)) => {
            if encrypted_key.len() != enc.key_len() + 8 {
                return Err(JweError::Decryption);
            }
            or_random(kw::unwrap(kek, encrypted_key).ok())
        }
        (PrivateMaterial::Oct(cek), Family::Direct) => {
            if !encrypted_key.is_empty() || cek.len() != enc.key_len() {
                return Err(JweError::Decryption);
            }
            Ok(cek.clone())
        }
        (PrivateMaterial::Oct(kek), Family::AesGcmKw(_)) => {
            if encrypted_key.len() != enc.key_len() {
                return Err(JweError::Decryption);
            }
            let field = |name| -> Result<Vec<u8>, JweError> {
                header_str(header, name)?
                    .and_then(unb64)
                    .ok_or(JweError::Malformed(
                        "A*GCMKW needs base64url `iv` and `tag` header members",
                    ))
            };
            let (iv, tag) = (field("iv")?, field("tag")?);
            if iv.len() != 12 || tag.len() != 16 {
                return Err(JweError::Decryption);
            }
            let unwrapped = content::gcm_open(kek, &iv, b"", encrypted_key, &tag)
                .ok()
                .map(Zeroizing::new);
            or_random(unwrapped)
        }
        (PrivateMaterial::Oct(password), Family::Pbes2(kw_len)) => {
            // The count first: nothing is derived from a count outside the bounds.
            let iterations = match header.get("p2c") {
                Some(Value::Number(number)) => number.as_u64(),
                _ => None,
            }
            .ok_or(JweError::Malformed(
                "PBES2 needs an integer `p2c` header member",
            ))?;
            if iterations > pbes2::MAX_ITERATIONS {
                return Err(JweError::Refused(
                    "the PBES2 iteration count (p2c) is over the limit of 1,000,000",
                ));
            }
            if iterations < pbes2::MIN_ITERATIONS {
                return Err(JweError::Refused(
                    "the PBES2 iteration count (p2c) is under 1,000 (RFC 7518 section 4.8.1.2)",
                ));
            }
            let p2s = header_str(header, "p2s")?
                .and_then(unb64)
                .ok_or(JweError::Malformed(
                    "PBES2 needs a base64url `p2s` header member",
                ))?;
            if p2s.len() < pbes2::MIN_SALT_BYTES {
                return Err(JweError::Refused("the PBES2 salt (p2s) is under 8 bytes"));
            }
            if encrypted_key.len() != enc.key_len() + 8 {
                return Err(JweError::Decryption);
            }
            let kek = pbes2::key_encryption_key(alg, password, &p2s, iterations, kw_len)
                .ok_or(JweError::Decryption)?;
            or_random(kw::unwrap(&kek, encrypted_key).ok())
        }
        (PrivateMaterial::Ec(curve, private), Family::Ecdh(wrap_len)) => {
            let peer = ephemeral_key(header, *curve)?;
            let party = |name| -> Result<Vec<u8>, JweError> {
                match header_str(header, name)? {
                    None => Ok(Vec::new()),
                    Some(text) => {
                        unb64(text).ok_or(JweError::Malformed("`apu` and `apv` must be base64url"))
                    }
                }
            };
            let (apu, apv) = (party("apu")?, party("apv")?);
            let expected_key_len = if wrap_len.is_some() {
                enc.key_len() + 8
            } else {
                0
            };
            if encrypted_key.len() != expected_key_len {
                return Err(JweError::Decryption);
            }
            let z = ecdh::shared_secret(private, &peer).ok_or(JweError::Decryption)?;
            match wrap_len {
                None => Ok(ecdh::concat_kdf(&z, enc.name(), &apu, &apv, enc.key_len())),
                Some(len) => {
                    let kek = ecdh::concat_kdf(&z, alg.name(), &apu, &apv, len);
                    or_random(kw::unwrap(&kek, encrypted_key).ok())
                }
            }
        }
        _ => Err(JweError::Key(format!(
            "{alg} does not fit {}",
            key.info().kind.describe()
        ))),
    }
}

fn rsa_oaep_decrypt(
    private: &aws_lc_rs::rsa::PrivateDecryptingKey,
    algorithm: &'static OaepAlgorithm,
    ciphertext: &[u8],
    label: Option<&[u8]>,
) -> Option<Zeroizing<Vec<u8>>> {
    let key = OaepPrivateDecryptingKey::new(private.clone()).ok()?;
    let mut out = Zeroizing::new(vec![0u8; key.min_output_size()]);
    let len = key
        .decrypt(algorithm, ciphertext, &mut out, label)
        .ok()?
        .len();
    out.truncate(len);
    Some(out)
}

/// The `epk` header member as a validated point of the recipient key's curve.
fn ephemeral_key(
    header: &Map<String, Value>,
    curve: Curve,
) -> Result<agreement::ParsedPublicKey, JweError> {
    let Some(Value::Object(epk)) = header.get("epk") else {
        return Err(JweError::InvalidEpk("is missing or not a JSON object"));
    };
    let text = |name: &str| match epk.get(name) {
        Some(Value::String(text)) => Some(text.as_str()),
        _ => None,
    };
    if text("kty") != Some(curve.kty()) || text("crv") != Some(curve.name()) {
        return Err(JweError::InvalidEpk(
            "is not a key of the recipient key's curve",
        ));
    }
    if epk.contains_key("d") {
        return Err(JweError::InvalidEpk("holds a private key"));
    }
    let coordinate = |name| {
        text(name).and_then(unb64).ok_or(JweError::InvalidEpk(
            "has a missing or non-base64url coordinate",
        ))
    };
    let x = coordinate("x")?;
    let y = if curve == Curve::X25519 {
        if epk.contains_key("y") {
            return Err(JweError::InvalidEpk("is an X25519 key with a y coordinate"));
        }
        None
    } else {
        Some(coordinate("y")?)
    };
    ecdh::public_point(curve, &x, y.as_deref()).map_err(|error| match error {
        ecdh::PointError::Length => JweError::InvalidEpk("has a coordinate of the wrong length"),
        ecdh::PointError::NotOnCurve => JweError::InvalidEpk("is not a point on its curve"),
    })
}

#[cfg(test)]
mod tests;
