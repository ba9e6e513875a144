//! JSON Web Keys (RFC 7517, RFC 7518 section 6, RFC 8037, RFC 8812) to and from jwtctl's keys,
//! and RFC 7638 thumbprints.
//!
//! Reading is strict where leniency would hide a wrong key: coordinates must have their full
//! length, a point must lie on its curve, a private key must match its public half, and the
//! members of a private RSA key come all or none (`oth`, multi-prime RSA, is refused).

use aws_lc_rs::encoding::{AsBigEndian, AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{DecodingKey, DecodingKeyKind};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::rsa::{self, RsaPrivateNumbers};
use super::{KeyEntry, Material, Usage};
use crate::jwt::alg::Alg;
use crate::jwt::curve::Curve;
use crate::jwt::error::KeyError;
use crate::jwt::keys::{
    self, KeyPair, KeyType, MAX_RSA_BITS, MIN_RSA_BITS, PrivateKey, PublicKey, Secret,
    significant_bits,
};

/// The members of a private RSA JWK beyond `d`, which RFC 7518 section 6.3.2 makes all or none.
const RSA_CRT_MEMBERS: [&str; 5] = ["p", "q", "dp", "dq", "qi"];

/// Why a JWK is not used. `broken`: it claims to be a key jwtctl supports and cannot work (a
/// point off its curve, an RSA key over 8192 bits), which a JWKS must not skip quietly, since
/// every token it signed would then read as forged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkRefusal {
    pub reason: String,
    pub broken: bool,
}

impl From<String> for JwkRefusal {
    fn from(reason: String) -> Self {
        JwkRefusal {
            reason,
            broken: false,
        }
    }
}

impl std::fmt::Display for JwkRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

fn broken(reason: String) -> JwkRefusal {
    JwkRefusal {
        reason,
        broken: true,
    }
}

/// Reads one JWK. The error is a reason without the key's content, for a message naming the key.
pub fn read(value: &Value) -> Result<KeyEntry, JwkRefusal> {
    let Value::Object(jwk) = value else {
        return Err("a JWK must be a JSON object".to_owned().into());
    };
    let material = match string_member(jwk, "kty")? {
        Some("RSA") => {
            let bits = significant_bits(&unsigned(required_bytes(jwk, "n")?));
            if bits > MAX_RSA_BITS {
                return Err(broken(format!(
                    "it is an RSA {bits}-bit key; at most {MAX_RSA_BITS} bits are supported"
                )));
            }
            None
        }
        Some("EC") => {
            let (curve, point) = ec_point(jwk)?;
            if Curve::of_point(&point) != Some(curve) {
                return Err(broken(format!(
                    "its point is not on the {} curve",
                    curve.jwk_name()
                )));
            }
            Some(read_ec(jwk, curve, &point)?)
        }
        _ => None,
    };
    Ok(read_checked(jwk, material)?)
}

fn read_checked(jwk: &Map<String, Value>, material: Option<Material>) -> Result<KeyEntry, String> {
    let kty = string_member(jwk, "kty")?.ok_or("it has no \"kty\"")?;
    let kid = string_member(jwk, "kid")?.map(str::to_owned);
    let usage = usage(jwk)?;
    let alg_name = string_member(jwk, "alg")?;
    let material = match (kty, material) {
        (_, Some(material)) => material,
        ("RSA", None) => read_rsa(jwk)?,
        ("OKP", None) => read_okp(jwk)?,
        ("oct", None) => {
            let k = Zeroizing::new(required_bytes(jwk, "k")?);
            if k.is_empty() {
                return Err("its \"k\" is empty".to_owned());
            }
            Material::Secret(Secret::new(k.to_vec()))
        }
        (other, None) => return Err(format!("its kty {other:?} is not RSA, EC, OKP or oct")),
    };
    let alg = match alg_name {
        None => None,
        Some(name) => {
            let alg = Alg::from_name(name).ok_or_else(|| {
                format!("its alg {name:?} is not a signature algorithm jwtctl supports")
            })?;
            if !material.fits(alg) {
                return Err(format!(
                    "its alg {alg} does not fit {}",
                    material.describe()
                ));
            }
            Some(alg)
        }
    };
    Ok(KeyEntry {
        material,
        kid,
        alg,
        usage,
    })
}

fn string_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(format!(
            "its \"{name}\" is {}, not a string",
            crate::jwt::token::json_type_name(other)
        )),
    }
}

/// What `use` (RFC 7517 section 4.2) and `key_ops` (section 4.3) allow; both must allow an
/// operation when both are present.
fn usage(jwk: &Map<String, Value>) -> Result<Usage, String> {
    let mut usage = Usage::ANY;
    if let Some(purpose) = string_member(jwk, "use")? {
        usage.sign = purpose == "sig";
        usage.verify = purpose == "sig";
    }
    match jwk.get("key_ops") {
        None => {}
        Some(Value::Array(ops)) => {
            let mut names = Vec::with_capacity(ops.len());
            for op in ops {
                let Value::String(op) = op else {
                    return Err("its \"key_ops\" holds a value that is not a string".to_owned());
                };
                if names.contains(&op.as_str()) {
                    return Err(format!("its \"key_ops\" names {op:?} twice"));
                }
                names.push(op);
            }
            usage.sign &= names.contains(&"sign");
            usage.verify &= names.contains(&"verify");
        }
        Some(_) => return Err("its \"key_ops\" is not an array".to_owned()),
    }
    Ok(usage)
}

fn member_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Option<Vec<u8>>, String> {
    match string_member(jwk, name)? {
        None => Ok(None),
        Some(text) => URL_SAFE_NO_PAD
            .decode(text)
            .map(Some)
            .map_err(|_| format!("its \"{name}\" is not base64url without padding")),
    }
}

fn required_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    member_bytes(jwk, name)?.ok_or_else(|| format!("it has no \"{name}\""))
}

/// An RFC 7518 "Base64urlUInt": some producers keep a leading zero octet, which aws-lc refuses.
fn unsigned(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|&&byte| byte == 0).count();
    bytes.drain(..zeros);
    bytes
}

fn read_rsa(jwk: &Map<String, Value>) -> Result<Material, String> {
    let n = unsigned(required_bytes(jwk, "n")?);
    let e = unsigned(required_bytes(jwk, "e")?);
    let bits = significant_bits(&n);
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "it is an RSA {bits}-bit key; at least {MIN_RSA_BITS} bits are required"
        ));
    }
    // e = 1 makes every "signature" its own message; an even e is no RSA key.
    if e.len() > 8 || e.last().is_none_or(|&low| low & 1 == 0) || e.as_slice() == [1] {
        return Err("its public exponent \"e\" is not an odd number above 1".to_owned());
    }
    if jwk.contains_key("oth") {
        return Err(
            "it is a multi-prime RSA key (\"oth\"), which jwtctl does not support".to_owned(),
        );
    }
    let Some(d) = member_bytes(jwk, "d")?.map(|d| Zeroizing::new(unsigned(d))) else {
        let public = PublicKey::new(
            KeyType::Rsa { bits },
            DecodingKey::from_rsa_raw_components(&n, &e),
        );
        return Ok(Material::Public(public));
    };
    let present: Vec<&str> = RSA_CRT_MEMBERS
        .into_iter()
        .filter(|name| jwk.contains_key(*name))
        .collect();
    let numbers = if present.is_empty() {
        rsa::complete(&n, &e, &d).ok_or("its \"d\" does not belong to its \"n\" and \"e\"")?
    } else if present.len() == RSA_CRT_MEMBERS.len() {
        let mut crt = Vec::with_capacity(RSA_CRT_MEMBERS.len());
        for name in RSA_CRT_MEMBERS {
            crt.push(Zeroizing::new(unsigned(required_bytes(jwk, name)?)));
        }
        let mut crt = crt.into_iter();
        let mut next = || crt.next().unwrap_or_default();
        RsaPrivateNumbers {
            n,
            e,
            d,
            p: next(),
            q: next(),
            dp: next(),
            dq: next(),
            qi: next(),
        }
    } else {
        let missing: Vec<&str> = RSA_CRT_MEMBERS
            .into_iter()
            .filter(|name| !present.contains(name))
            .collect();
        return Err(format!(
            "it has some of the RSA CRT members but not {} (RFC 7518 section 6.3.2: all or none)",
            missing.join(", ")
        ));
    };
    let components = KeyPairComponents {
        public_key: PublicKeyComponents {
            n: numbers.n.as_slice(),
            e: numbers.e.as_slice(),
        },
        d: numbers.d.as_slice(),
        p: numbers.p.as_slice(),
        q: numbers.q.as_slice(),
        dP: numbers.dp.as_slice(),
        dQ: numbers.dq.as_slice(),
        qInv: numbers.qi.as_slice(),
    };
    let pair = RsaKeyPair::from_components(&components)
        .map_err(|_| "its private members do not form a consistent RSA key")?;
    let der: Pkcs8V1Der = pair
        .as_der()
        .map_err(|_| "its RSA key could not be encoded")?;
    private_material(der.as_ref())
}

fn private_material(pkcs8: &[u8]) -> Result<Material, String> {
    keys::classify_pkcs8(pkcs8)
        .map(Material::Private)
        .ok_or_else(|| "its private key could not be read back".to_owned())
}

/// The PKCS#8 `PrivateKeyInfo` DER of a private key.
pub(crate) fn pkcs8_of(private: &PrivateKey) -> Result<Secret, KeyError> {
    let document = match &private.pair {
        KeyPair::Rsa(pair) => AsDer::<Pkcs8V1Der>::as_der(pair)
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| cannot_describe())?,
        KeyPair::Ec(pair) => pair
            .to_pkcs8v1()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| cannot_describe())?,
        KeyPair::Ed(pair) => pair
            .to_pkcs8v1()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| cannot_describe())?,
    };
    Ok(Secret::new(document))
}

/// The curve and uncompressed point of an EC JWK, coordinates of their full length.
fn ec_point(jwk: &Map<String, Value>) -> Result<(Curve, Vec<u8>), String> {
    let name = string_member(jwk, "crv")?.ok_or("it has no \"crv\"")?;
    let curve = Curve::from_jwk_name(name)
        .ok_or_else(|| format!("its curve {name:?} is not P-256, P-384, P-521 or secp256k1"))?;
    let len = curve.coordinate_len();
    let x = required_bytes(jwk, "x")?;
    let y = required_bytes(jwk, "y")?;
    if x.len() != len || y.len() != len {
        return Err(format!(
            "its \"x\" and \"y\" must be {len} bytes each for {name} (RFC 7518 section 6.2.1.2)"
        ));
    }
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(4);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok((curve, point))
}

/// An EC JWK whose point is on `curve`.
fn read_ec(jwk: &Map<String, Value>, curve: Curve, point: &[u8]) -> Result<Material, String> {
    let name = curve.jwk_name();
    let len = curve.coordinate_len();
    let Some(d) = member_bytes(jwk, "d")?.map(Zeroizing::new) else {
        let public = PublicKey::new(curve.key_type(), DecodingKey::from_ec_der(point));
        return Ok(Material::Public(public));
    };
    if d.len() != len {
        return Err(format!(
            "its \"d\" must be {len} bytes for {name} (RFC 7518 section 6.2.2.1)"
        ));
    }
    let pair = EcdsaKeyPair::from_private_key_and_public_key(curve.signing(), &d, point)
        .map_err(|_| "its \"d\" does not belong to its point")?;
    let der = pair
        .to_pkcs8v1()
        .map_err(|_| "its EC key could not be encoded")?;
    private_material(der.as_ref())
}

fn read_okp(jwk: &Map<String, Value>) -> Result<Material, String> {
    let name = string_member(jwk, "crv")?.ok_or("it has no \"crv\"")?;
    if name != "Ed25519" {
        return Err(format!(
            "its curve {name:?} is not Ed25519, the only OKP curve jwtctl signs with"
        ));
    }
    let x = required_bytes(jwk, "x")?;
    if x.len() != 32 {
        return Err("its \"x\" is not a 32-byte Ed25519 key (RFC 8037 section 2)".to_owned());
    }
    let Some(d) = member_bytes(jwk, "d")?.map(Zeroizing::new) else {
        let public = PublicKey::new(KeyType::Ed25519, DecodingKey::from_ed_der(&x));
        return Ok(Material::Public(public));
    };
    if d.len() != 32 {
        return Err("its \"d\" must be 32 bytes for Ed25519 (RFC 8037 section 2)".to_owned());
    }
    let pair = Ed25519KeyPair::from_seed_and_public_key(&d, &x)
        .map_err(|_| "its \"d\" does not belong to its \"x\"")?;
    let der = pair
        .to_pkcs8v1()
        .map_err(|_| "its Ed25519 key could not be encoded")?;
    private_material(der.as_ref())
}

/// The public numbers of a key, as a JWK holds them.
enum PublicParts {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Ed {
        x: Vec<u8>,
    },
}

fn public_parts(public: &PublicKey) -> Option<PublicParts> {
    match (public.key_type, public.decoding.kind()) {
        (KeyType::Rsa { .. }, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            Some(PublicParts::Rsa {
                n: unsigned(n.clone()),
                e: unsigned(e.clone()),
            })
        }
        (KeyType::Rsa { .. }, DecodingKeyKind::SecretOrDer(der)) => {
            let blocks = simple_asn1::from_der(der).ok()?;
            let simple_asn1::ASN1Block::Sequence(_, items) = blocks.first()? else {
                return None;
            };
            let number = |index: usize| match items.get(index)? {
                simple_asn1::ASN1Block::Integer(_, value) => Some(value.magnitude().to_bytes_be()),
                _ => None,
            };
            Some(PublicParts::Rsa {
                n: number(0)?,
                e: number(1)?,
            })
        }
        (KeyType::Ed25519, DecodingKeyKind::SecretOrDer(x)) => {
            Some(PublicParts::Ed { x: x.clone() })
        }
        (key_type, DecodingKeyKind::SecretOrDer(point)) => {
            let curve = Curve::of_key_type(key_type)?;
            let len = curve.coordinate_len();
            let coordinates = point.strip_prefix(&[4])?;
            if coordinates.len() != 2 * len {
                return None;
            }
            let (x, y) = coordinates.split_at(len);
            Some(PublicParts::Ec {
                curve,
                x: x.to_vec(),
                y: y.to_vec(),
            })
        }
        _ => None,
    }
}

fn b64(bytes: &[u8]) -> Value {
    Value::String(URL_SAFE_NO_PAD.encode(bytes))
}

/// The required members of RFC 7638 section 3.2, which are also all a public JWK needs.
fn required_members(parts: &PublicParts) -> Map<String, Value> {
    let mut jwk = Map::new();
    match parts {
        PublicParts::Rsa { n, e } => {
            jwk.insert("e".into(), b64(e));
            jwk.insert("kty".into(), "RSA".into());
            jwk.insert("n".into(), b64(n));
        }
        PublicParts::Ec { curve, x, y } => {
            jwk.insert("crv".into(), curve.jwk_name().into());
            jwk.insert("kty".into(), "EC".into());
            jwk.insert("x".into(), b64(x));
            jwk.insert("y".into(), b64(y));
        }
        PublicParts::Ed { x } => {
            jwk.insert("crv".into(), "Ed25519".into());
            jwk.insert("kty".into(), "OKP".into());
            jwk.insert("x".into(), b64(x));
        }
    }
    jwk
}

/// SHA-256 of the required members, in lexicographic order and without whitespace, base64url.
fn thumbprint_of(required: &Map<String, Value>) -> String {
    // serde_json's map is ordered by key here (no `preserve_order`), as RFC 7638 wants.
    let canonical = serde_json::to_vec(required).unwrap_or_default();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &canonical);
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn cannot_describe() -> KeyError {
    KeyError::backend("cannot describe the key as a JWK")
}

/// The RFC 7638 SHA-256 thumbprint of a public key.
pub fn thumbprint(public: &PublicKey) -> Result<String, KeyError> {
    let parts = public_parts(public).ok_or_else(cannot_describe)?;
    Ok(thumbprint_of(&required_members(&parts)))
}

/// What a JWK is for (its `use`, RFC 7517 section 4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `use: sig`, with the signing `alg`.
    Sign,
    /// `use: enc`, with no `alg`: the sender picks the key management algorithm for the key type.
    Encrypt,
}

/// The public JWK of a key: its members, `kid` set to the thumbprint, `use`, and for signing
/// `alg`.
pub fn public_jwk(
    public: &PublicKey,
    alg: Option<Alg>,
    purpose: Purpose,
) -> Result<Map<String, Value>, KeyError> {
    let parts = public_parts(public).ok_or_else(cannot_describe)?;
    let mut jwk = required_members(&parts);
    jwk.insert("kid".into(), thumbprint_of(&jwk).into());
    match purpose {
        Purpose::Sign => {
            jwk.insert("use".into(), "sig".into());
            if let Some(alg) = alg {
                jwk.insert("alg".into(), alg.name().into());
            }
        }
        Purpose::Encrypt => {
            jwk.insert("use".into(), "enc".into());
        }
    }
    Ok(jwk)
}

/// The private JWK of a key as JSON text, with the public members, `kid` (the thumbprint of the
/// public key), `use` and for signing `alg`.
pub fn private_jwk(
    private: &PrivateKey,
    alg: Option<Alg>,
    purpose: Purpose,
) -> Result<Secret, KeyError> {
    let public = crate::jwt::jwk::public_of(private)?;
    let mut jwk = public_jwk(&public, alg, purpose)?;
    let private_members: Vec<(&str, Zeroizing<Vec<u8>>)> = match &private.pair {
        KeyPair::Rsa(_) => {
            let pkcs8 = pkcs8_of(private)?;
            let numbers = rsa::from_pkcs8(pkcs8.expose()).ok_or_else(cannot_describe)?;
            vec![
                ("d", numbers.d),
                ("dp", numbers.dp),
                ("dq", numbers.dq),
                ("p", numbers.p),
                ("q", numbers.q),
                ("qi", numbers.qi),
            ]
        }
        KeyPair::Ed(pair) => {
            let seed = pair.seed().map_err(|_| cannot_describe())?;
            let seed = seed.as_be_bytes().map_err(|_| cannot_describe())?;
            vec![("d", Zeroizing::new(seed.as_ref().to_vec()))]
        }
        KeyPair::Ec(pair) => {
            let scalar = pair
                .private_key()
                .as_be_bytes()
                .map_err(|_| cannot_describe())?;
            vec![("d", Zeroizing::new(scalar.as_ref().to_vec()))]
        }
    };
    for (name, value) in &private_members {
        jwk.insert((*name).to_owned(), b64(value));
    }
    let text = serde_json::to_vec(&jwk).map_err(|_| cannot_describe())?;
    // The map's strings are not zeroed; the text handed on is.
    drop(jwk);
    Ok(Secret::new(text))
}

/// An `oct` JWK of an HMAC secret as JSON text, its `kid` the RFC 7638 thumbprint.
pub fn secret_jwk(secret: &Secret, alg: Option<Alg>) -> Secret {
    let mut jwk = Map::new();
    jwk.insert("k".into(), b64(secret.expose()));
    jwk.insert("kty".into(), "oct".into());
    jwk.insert("kid".into(), thumbprint_of(&jwk).into());
    if let Some(alg) = alg {
        jwk.insert("alg".into(), alg.name().into());
    }
    Secret::new(serde_json::to_vec(&jwk).unwrap_or_default())
}

/// The X.509 `SubjectPublicKeyInfo` DER of a public key.
pub fn public_spki(public: &PublicKey) -> Result<Vec<u8>, KeyError> {
    let failed = || KeyError::backend("cannot encode the public key");
    let der: aws_lc_rs::encoding::PublicKeyX509Der =
        match public_parts(public).ok_or_else(failed)? {
            PublicParts::Rsa { n, e } => PublicKeyComponents {
                n: n.as_slice(),
                e: e.as_slice(),
            }
            .as_der()
            .map_err(|_| failed())?,
            PublicParts::Ec { curve, x, y } => {
                let mut point = Vec::with_capacity(1 + x.len() + y.len());
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                aws_lc_rs::signature::ParsedPublicKey::new(curve.verification(), &point)
                    .map_err(|_| failed())?
                    .as_der()
                    .map_err(|_| failed())?
            }
            PublicParts::Ed { x } => {
                aws_lc_rs::signature::ParsedPublicKey::new(&aws_lc_rs::signature::ED25519, &x)
                    .map_err(|_| failed())?
                    .as_der()
                    .map_err(|_| failed())?
            }
        };
    Ok(der.as_ref().to_vec())
}

/// The same public key whatever its source: compares the JWK members.
pub fn same_public_key(a: &PublicKey, b: &PublicKey) -> bool {
    match (public_parts(a), public_parts(b)) {
        (Some(a), Some(b)) => required_members(&a) == required_members(&b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(value: Value) -> Result<KeyEntry, String> {
        read(&value).map_err(|refusal| refusal.reason)
    }

    #[test]
    fn rfc_7638_thumbprint_of_the_example_key() {
        // RFC 7638 section 3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let public = match entry(json!({"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256"}))
            .unwrap()
            .material
        {
            Material::Public(public) => public,
            _ => panic!("a public key"),
        };
        assert_eq!(
            thumbprint(&public).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn usage_follows_use_and_key_ops() {
        let key = json!({"kty": "oct", "k": "AAAA"});
        let with = |extra: Value| {
            let mut value = key.clone();
            if let (Value::Object(map), Value::Object(extra)) = (&mut value, extra) {
                map.extend(extra);
            }
            entry(value).map(|entry| (entry.usage.sign, entry.usage.verify))
        };
        assert_eq!(with(json!({})), Ok((true, true)));
        assert_eq!(with(json!({"use": "sig"})), Ok((true, true)));
        assert_eq!(with(json!({"use": "enc"})), Ok((false, false)));
        assert_eq!(with(json!({"key_ops": ["verify"]})), Ok((false, true)));
        assert_eq!(
            with(json!({"use": "sig", "key_ops": ["sign"]})),
            Ok((true, false))
        );
        assert!(with(json!({"key_ops": "sign"})).is_err());
        assert!(with(json!({"key_ops": ["sign", "sign"]})).is_err());
        assert!(with(json!({"use": 1})).is_err());
    }

    #[test]
    fn refuses_what_is_not_a_usable_key() {
        for (value, needle) in [
            (json!([]), "JSON object"),
            (json!({}), "no \"kty\""),
            (json!({"kty": "DSA"}), "kty \"DSA\""),
            (json!({"kty": "oct", "k": ""}), "empty"),
            (json!({"kty": "oct", "k": "AA=="}), "base64url"),
            (
                json!({"kty": "oct", "k": "AAAA", "alg": "ES256"}),
                "does not fit",
            ),
            (
                json!({"kty": "oct", "k": "AAAA", "alg": "none"}),
                "\"none\"",
            ),
            (
                json!({"kty": "oct", "k": "AAAA", "kid": 7}),
                "\"kid\" is a number",
            ),
            (json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}), "17-bit"),
            (
                json!({"kty": "EC", "crv": "P-256K", "x": "", "y": ""}),
                "P-256K",
            ),
            (json!({"kty": "OKP", "crv": "X25519", "x": ""}), "X25519"),
            (
                json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}),
                "32-byte",
            ),
        ] {
            let error = entry(value.clone()).err().unwrap_or_default();
            assert!(error.contains(needle), "{value}: {error}");
        }
    }
}
