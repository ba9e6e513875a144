//! Secrets and keys: where they come from, how they are decoded, and whether they are fit for use.
//!
//! Secret material never comes from the command line, never appears in an error or a `Debug`
//! print, and is zeroed when dropped.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use aws_lc_rs::signature::{EcdsaKeyPair, Ed25519KeyPair, ParsedPublicKey};
use base64::Engine;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::{DecodingKey, DecodingKeyKind};
use zeroize::Zeroizing;

use super::alg::{Alg, Family};
use super::curve::Curve;
use super::error::KeyError;
use super::text;

const PKCS8_KINDS: &str = "RSA, EC (P-256, P-384, P-521, secp256k1) or Ed25519 PKCS#8 key";

/// RSA keys shorter than this are refused (RFC 7518 section 3.3, NIST SP 800-131A).
pub const MIN_RSA_BITS: usize = 2048;

/// Secret bytes: `Debug` and `Display` print `(redacted)`, and the memory is zeroed on drop.
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// How the text of a secret is turned into key bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecretEncoding {
    /// The text's bytes as they are (what Node's `jwt.sign(payload, string)` does).
    #[default]
    Raw,
    Hex,
    Base64,
    Base64url,
}

/// Where a secret is read from. There is deliberately no variant for a value on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`, or a path that is standard input).
    Stdin,
    /// An environment variable.
    Env(String),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Stdin => f.write_str("standard input"),
            SecretSource::File(path) => write!(f, "file {}", text::path(path)),
            SecretSource::Env(name) if text::sensitive(name).is_some() => write!(
                f,
                "the environment variable named by {}",
                text::describe(name)
            ),
            SecretSource::Env(name) => write!(f, "environment variable {name}"),
        }
    }
}

/// Reads a secret from its source, removes one trailing newline, and decodes it.
/// `warn` receives warnings (a secret file readable by others).
pub fn read_secret(
    source: &SecretSource,
    encoding: SecretEncoding,
    stdin: &mut dyn Read,
    warn: &mut dyn FnMut(String),
) -> Result<Secret, KeyError> {
    let mut text = match source {
        SecretSource::Stdin => {
            let mut buffer = Zeroizing::new(Vec::new());
            stdin
                .take(MAX_KEY_FILE_BYTES + 1)
                .read_to_end(&mut buffer)
                .map_err(|error| {
                    KeyError::unreadable(format!("cannot read secret from {source}: {error}"))
                })?;
            check_size(buffer.len(), &source.to_string())?;
            buffer
        }
        SecretSource::File(path) => {
            let bytes = read_key_file(path, "secret")?;
            warn_if_shared(path, "secret", warn);
            bytes
        }
        SecretSource::Env(name) => match std::env::var_os(name) {
            Some(value) => Zeroizing::new(os_string_bytes(value)),
            // A name that looks like a secret probably is one, typed where the name belongs.
            None if text::sensitive(name).is_some() => {
                return Err(KeyError::unreadable(format!(
                    "no environment variable is named by {}; the option takes the NAME of a \
                     variable that holds the secret, never the secret itself",
                    text::describe(name)
                )));
            }
            None => {
                return Err(KeyError::unreadable(format!(
                    "environment variable {name} is not set; it should hold the secret"
                )));
            }
        },
    };
    strip_one_newline(&mut text);
    if text.is_empty() {
        return Err(KeyError::unreadable(format!(
            "the secret from {source} is empty"
        )));
    }
    let bytes = decode_secret(&text, encoding).map_err(|reason| {
        KeyError::invalid(format!(
            "the secret from {source} is not valid {}: {reason}",
            encoding_name(encoding)
        ))
    })?;
    Ok(Secret(bytes))
}

#[cfg(unix)]
fn os_string_bytes(value: std::ffi::OsString) -> Vec<u8> {
    use std::os::unix::ffi::OsStringExt;
    value.into_vec()
}

#[cfg(not(unix))]
fn os_string_bytes(value: std::ffi::OsString) -> Vec<u8> {
    value.to_string_lossy().into_owned().into_bytes()
}

fn strip_one_newline(text: &mut Vec<u8>) {
    if text.ends_with(b"\r\n") {
        text.truncate(text.len() - 2);
    } else if text.ends_with(b"\n") {
        text.truncate(text.len() - 1);
    }
}

fn encoding_name(encoding: SecretEncoding) -> &'static str {
    match encoding {
        SecretEncoding::Raw => "text",
        SecretEncoding::Hex => "hex",
        SecretEncoding::Base64 => "base64",
        SecretEncoding::Base64url => "base64url",
    }
}

const LENIENT_PADDING: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);

fn decode_secret(text: &[u8], encoding: SecretEncoding) -> Result<Zeroizing<Vec<u8>>, String> {
    let decoded = match encoding {
        SecretEncoding::Raw => text.to_vec(),
        SecretEncoding::Hex => hex::decode(text).map_err(describe_hex_error)?,
        SecretEncoding::Base64 => GeneralPurpose::new(&alphabet::STANDARD, LENIENT_PADDING)
            .decode(text)
            .map_err(describe_base64_error)?,
        SecretEncoding::Base64url => GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT_PADDING)
            .decode(text)
            .map_err(describe_base64_error)?,
    };
    Ok(Zeroizing::new(decoded))
}

/// Why a secret is not hex, without the offending character: it is part of the secret. (The
/// crate's own message quotes it.)
fn describe_hex_error(error: hex::FromHexError) -> String {
    match error {
        hex::FromHexError::InvalidHexCharacter { index, .. } => {
            format!("character {} is not a hex digit", index + 1)
        }
        hex::FromHexError::OddLength | hex::FromHexError::InvalidStringLength => {
            "odd number of hex digits".to_owned()
        }
    }
}

/// Why a secret is not base64, without the offending byte's value (the crate's own message
/// quotes it, and it is part of the secret).
fn describe_base64_error(error: base64::DecodeError) -> String {
    match error {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("character {} is not in the alphabet", offset + 1)
        }
        base64::DecodeError::InvalidLastSymbol(offset, _) => format!(
            "character {} has unused bits set (the text is truncated or altered)",
            offset + 1
        ),
        base64::DecodeError::InvalidLength(_) => "impossible length".to_owned(),
        base64::DecodeError::InvalidPadding => "bad padding".to_owned(),
    }
}

/// Refuses HMAC secrets shorter than RFC 7518 section 3.2 allows for `alg`, unless allowed.
pub fn check_secret_length(
    secret: &Secret,
    alg: Alg,
    allow_weak: bool,
    source: &SecretSource,
    warn: &mut dyn FnMut(String),
) -> Result<(), KeyError> {
    let needed = alg.min_secret_len();
    if secret.len() >= needed {
        return Ok(());
    }
    if allow_weak {
        warn(format!(
            "the secret from {source} is {} bytes, shorter than the {needed} bytes {alg} needs; \
             tokens signed with it can be brute-forced",
            secret.len()
        ));
        return Ok(());
    }
    Err(KeyError::unfit(format!(
        "the secret from {source} is {} bytes; {alg} needs at least {needed} (RFC 7518 section 3.2). \
         Make one with `jwtctl gen-secret`, or pass --allow-weak-secret",
        secret.len()
    )))
}

/// Key and secret files larger than this are refused before they are read whole: a PEM key, even
/// RSA 8192 with a certificate chain, is a few kilobytes.
pub const MAX_KEY_FILE_BYTES: u64 = 1024 * 1024;

fn check_size(len: usize, origin: &str) -> Result<(), KeyError> {
    if len as u64 > MAX_KEY_FILE_BYTES {
        return Err(KeyError::unfit(format!(
            "{origin} is larger than the limit of {MAX_KEY_FILE_BYTES} bytes for a key or secret"
        )));
    }
    Ok(())
}

pub(crate) fn read_key_file(path: &Path, what: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let shown = text::path(path);
    if path.is_dir() {
        return Err(KeyError::unreadable(format!(
            "cannot read {what} file {shown}: it is a directory"
        )));
    }
    let fail = |error: std::io::Error| {
        KeyError::unreadable(format!(
            "cannot read {what} file {shown}: {}",
            describe_io(&error)
        ))
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    check_size(bytes.len(), &format!("{what} file {shown}"))?;
    Ok(bytes)
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// Like ssh, but only a warning: mounted secrets are often 0644.
#[cfg(unix)]
pub(crate) fn warn_if_shared(path: &Path, what: &str, warn: &mut dyn FnMut(String)) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path) {
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            warn(format!(
                "{what} file {} has mode {mode:04o}: readable by others; chmod 600 it",
                path.display()
            ));
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn warn_if_shared(_: &Path, _: &str, _: &mut dyn FnMut(String)) {}

/// What a PEM key file holds, read from its content (never from its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa { bits: usize },
    EcP256,
    EcP384,
    EcP521,
    EcSecp256k1,
    Ed25519,
}

impl KeyType {
    pub fn family(self) -> Family {
        match self {
            KeyType::Rsa { .. } => Family::Rsa,
            KeyType::EcP256 | KeyType::EcP384 | KeyType::EcP521 | KeyType::EcSecp256k1 => {
                Family::Ec
            }
            KeyType::Ed25519 => Family::Ed,
        }
    }

    /// The algorithm used when `--alg` is not given.
    pub fn default_alg(self) -> Alg {
        match self {
            KeyType::Rsa { .. } => Alg::RS256,
            KeyType::EcP256 => Alg::ES256,
            KeyType::EcP384 => Alg::ES384,
            KeyType::EcP521 => Alg::ES512,
            KeyType::EcSecp256k1 => Alg::ES256K,
            KeyType::Ed25519 => Alg::EdDSA,
        }
    }

    /// Whether this key can be used with `alg`: the family, and for EC the curve, must match.
    pub fn fits(self, alg: Alg) -> bool {
        match Curve::of_key_type(self) {
            Some(curve) => alg == curve.alg(),
            None => alg.family() == self.family(),
        }
    }

    pub fn describe(self) -> String {
        match self {
            KeyType::Rsa { bits } => format!("an RSA {bits}-bit key"),
            KeyType::EcP256 => "an EC P-256 key".to_owned(),
            KeyType::EcP384 => "an EC P-384 key".to_owned(),
            KeyType::EcP521 => "an EC P-521 key".to_owned(),
            KeyType::EcSecp256k1 => "an EC secp256k1 key".to_owned(),
            KeyType::Ed25519 => "an Ed25519 key".to_owned(),
        }
    }
}

/// A private key, parsed once: signing, deriving the public key and the thumbprint all use
/// this one parse.
pub struct PrivateKey {
    pub key_type: KeyType,
    pub(crate) pair: KeyPair,
}

/// The parsed key pair; aws-lc wipes it on drop.
pub(crate) enum KeyPair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl PrivateKey {
    /// The key as PKCS#8 v1 DER, encoded from the parsed pair: the same bytes whichever PEM form
    /// it was read from.
    pub fn pkcs8(&self) -> Result<Secret, KeyError> {
        use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
        let failed = || KeyError::backend("the crypto backend could not encode the private key");
        let bytes = match &self.pair {
            KeyPair::Rsa(pair) => {
                let der: Pkcs8V1Der = pair.as_der().map_err(|_| failed())?;
                der.as_ref().to_vec()
            }
            KeyPair::Ec(pair) => pair.to_pkcs8v1().map_err(|_| failed())?.as_ref().to_vec(),
            KeyPair::Ed(pair) => pair.to_pkcs8v1().map_err(|_| failed())?.as_ref().to_vec(),
        };
        Ok(Secret::new(bytes))
    }

    /// The public half, for verifying what this key signs and for its JWK.
    pub fn public_key(&self) -> Result<PublicKey, KeyError> {
        use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
        use aws_lc_rs::signature::KeyPair as _;
        let failed = || KeyError::backend("the crypto backend could not derive the public key");
        let spki: PublicKeyX509Der = match &self.pair {
            KeyPair::Rsa(pair) => pair.public_key().as_der(),
            KeyPair::Ec(pair) => pair.public_key().as_der(),
            KeyPair::Ed(pair) => pair.public_key().as_der(),
        }
        .map_err(|_| failed())?;
        let pem = pem::encode(&pem::Pem::new("PUBLIC KEY", spki.as_ref().to_vec()));
        public_key_from_pem(pem.as_bytes()).ok_or_else(failed)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({:?}, (redacted))", self.key_type)
    }
}

/// A public key, ready to verify.
#[derive(Clone)]
pub struct PublicKey {
    pub key_type: KeyType,
    pub decoding: DecodingKey,
    /// The key as aws-lc parsed it for each algorithm, on first use: verifying many tokens
    /// parses the key once, not once per token.
    parsed: Box<[OnceLock<Option<ParsedPublicKey>>; Alg::ALL.len()]>,
}

impl PublicKey {
    pub fn new(key_type: KeyType, decoding: DecodingKey) -> Self {
        PublicKey {
            key_type,
            decoding,
            parsed: Default::default(),
        }
    }

    /// Whether `signature` is this key's signature of `message` under `alg`. An algorithm the key
    /// does not fit never verifies.
    pub fn verify(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        self.parsed[alg as usize]
            .get_or_init(|| self.parse_for(alg))
            .as_ref()
            .is_some_and(|key| key.verify_sig(message, signature).is_ok())
    }

    fn parse_for(&self, alg: Alg) -> Option<ParsedPublicKey> {
        use aws_lc_rs::signature as sig;
        if !self.key_type.fits(alg) {
            return None;
        }
        // The same parameters jsonwebtoken's aws-lc backend verifies with.
        let rsa: &'static sig::RsaParameters = match alg {
            Alg::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
            Alg::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
            Alg::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
            Alg::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
            Alg::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
            Alg::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
            Alg::ES256 | Alg::ES384 | Alg::ES512 | Alg::ES256K | Alg::EdDSA => {
                let algorithm: &'static dyn sig::VerificationAlgorithm = match Curve::of_alg(alg) {
                    Some(curve) => curve.verification(),
                    None => &sig::ED25519,
                };
                return match self.decoding.kind() {
                    DecodingKeyKind::SecretOrDer(bytes) => {
                        ParsedPublicKey::new(algorithm, bytes).ok()
                    }
                    DecodingKeyKind::RsaModulusExponent { .. } => None,
                };
            }
            Alg::HS256 | Alg::HS384 | Alg::HS512 => return None,
        };
        match self.decoding.kind() {
            DecodingKeyKind::SecretOrDer(der) => ParsedPublicKey::new(rsa, der).ok(),
            DecodingKeyKind::RsaModulusExponent { n, e } => sig::RsaPublicKeyComponents { n, e }
                .to_parsed_public_key(rsa)
                .ok(),
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({:?})", self.key_type)
    }
}

/// What a PEM key file holds.
#[derive(Debug)]
pub enum PemKey {
    Private(PrivateKey),
    Public(PublicKey),
}

/// The key block of a PEM file named `path`; see [`key_block`].
pub(crate) fn key_pem_block(path: &Path, content: &[u8]) -> Result<pem::Pem, KeyError> {
    let shown = text::path(path);
    key_block(content)
        .map_err(|why| KeyError::invalid(format!("{shown} {why}")))?
        .ok_or_else(|| {
            KeyError::invalid(format!(
                "{shown} holds no PEM block (expected -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)"
            ))
        })
}

/// The key block of PEM text: the only one, after the `EC PARAMETERS` block that
/// `openssl ecparam -genkey` writes before the key unless told `-noout`; `None` when there is
/// no block at all. Several keys in one file are refused, since which one was meant is unknown;
/// a certificate chain is one key, its first certificate's. `Err` says why, to follow the name
/// of the file.
pub(crate) fn key_block(content: &[u8]) -> Result<Option<pem::Pem>, String> {
    let mut blocks =
        pem::parse_many(content).map_err(|error| format!("is not a valid PEM file: {error}"))?;
    if blocks.len() > 1
        && blocks
            .first()
            .is_some_and(|block| block.tag() == "EC PARAMETERS")
    {
        blocks.remove(0);
    }
    let certificates = blocks.iter().all(|block| block.tag() == "CERTIFICATE");
    if blocks.len() > 1 && !certificates {
        return Err(format!(
            "holds {} PEM blocks ({}); put one key in a file",
            blocks.len(),
            blocks
                .iter()
                .map(|block| block.tag().to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(blocks.into_iter().next())
}

/// Which half of a key pair the caller needs from a PEM file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// To sign: a public key is refused.
    Private,
    /// To verify, and nothing else: a private key is refused, unparsed.
    Public,
    /// Either: a private key's public half verifies too.
    Either,
}

pub(crate) const PUBLIC_TAGS: [&str; 3] = ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"];
pub(crate) const PRIVATE_TAGS: [&str; 4] = [
    "PRIVATE KEY",
    "EC PRIVATE KEY",
    "RSA PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
];

/// Reads a PEM key file once: a private key (PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, PKCS#1
/// `RSA PRIVATE KEY`), or a public key (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, an X.509
/// `CERTIFICATE`). The format comes from the content, never the file name.
pub fn load_pem(path: &Path, want: Want, warn: &mut dyn FnMut(String)) -> Result<PemKey, KeyError> {
    let content = read_key_file(path, "key")?;
    let block = key_pem_block(path, &content)?;
    let tag = block.tag();
    if PUBLIC_TAGS.contains(&tag) {
        if want == Want::Private {
            return Err(public_where_private(path));
        }
        return public_from_block(path, &block).map(PemKey::Public);
    }
    if PRIVATE_TAGS.contains(&tag) {
        if want == Want::Public {
            return Err(private_where_public(path));
        }
        let key = private_from_block(path, &block)?;
        warn_if_shared(path, "private key", warn);
        return Ok(PemKey::Private(key));
    }
    let expected = match want {
        Want::Private => "a private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)",
        Want::Public => "a public key (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)",
        Want::Either => "a key (PRIVATE KEY, PUBLIC KEY or CERTIFICATE)",
    };
    Err(KeyError::invalid(format!(
        "{} holds a PEM {} block; expected {expected}",
        text::path(path),
        text::sanitize(tag)
    )))
}

/// Loads a private key to sign with.
pub fn load_private_key(path: &Path, warn: &mut dyn FnMut(String)) -> Result<PrivateKey, KeyError> {
    match load_pem(path, Want::Private, warn)? {
        PemKey::Private(key) => Ok(key),
        PemKey::Public(_) => Err(public_where_private(path)),
    }
}

/// Loads a public key to verify with. A private key is refused: verifying needs only the
/// public half.
pub fn load_public_key(path: &Path) -> Result<PublicKey, KeyError> {
    match load_pem(path, Want::Public, &mut |_| {})? {
        PemKey::Public(key) => Ok(key),
        PemKey::Private(_) => Err(private_where_public(path)),
    }
}

pub fn public_where_private(path: &Path) -> KeyError {
    KeyError::wrong_kind(format!(
        "{} holds a public key; signing needs the private key",
        text::path(path)
    ))
}

pub fn private_where_public(path: &Path) -> KeyError {
    let shown = text::path(path);
    KeyError::wrong_kind(format!(
        "{shown} holds a private key; verifying needs only the public key \
         (openssl pkey -in {shown} -pubout -out public.pem)"
    ))
}

pub(crate) fn private_from_block(path: &Path, block: &pem::Pem) -> Result<PrivateKey, KeyError> {
    let shown = text::path(path);
    let der = Zeroizing::new(block.contents().to_vec());
    let invalid = |what: &str| {
        KeyError::invalid(format!(
            "{shown} is a PEM {} block but not a valid {what}",
            block.tag()
        ))
    };
    let key = match block.tag() {
        "PRIVATE KEY" => {
            classify_pkcs8(&der).ok_or_else(|| match RsaKeyPair::from_pkcs8(&der) {
                Err(error) => rsa_size_refused(path, error.description_())
                    .unwrap_or_else(|| invalid(PKCS8_KINDS)),
                Ok(_) => invalid(PKCS8_KINDS),
            })?
        }
        "EC PRIVATE KEY" => Curve::ALL
            .into_iter()
            .find_map(|curve| {
                EcdsaKeyPair::from_private_key_der(curve.signing(), &der)
                    .ok()
                    .map(|pair| PrivateKey {
                        key_type: curve.key_type(),
                        pair: KeyPair::Ec(pair),
                    })
            })
            .ok_or_else(|| invalid("SEC1 EC key on P-256, P-384, P-521 or secp256k1"))?,
        "RSA PRIVATE KEY" => {
            let pair = RsaKeyPair::from_der(&der).map_err(|error| {
                rsa_size_refused(path, error.description_())
                    .unwrap_or_else(|| invalid("PKCS#1 RSA key"))
            })?;
            PrivateKey {
                key_type: KeyType::Rsa {
                    bits: pair.public_modulus_len() * 8,
                },
                pair: KeyPair::Rsa(pair),
            }
        }
        "ENCRYPTED PRIVATE KEY" => {
            return Err(KeyError::unreadable(format!(
                "{shown} is encrypted; give its password with --key-password-file or --key-password-env"
            )));
        }
        other => {
            return Err(KeyError::invalid(format!(
                "{shown} holds a PEM {} block; expected a private key",
                text::sanitize(other)
            )));
        }
    };
    check_rsa_size(path, key.key_type)?;
    Ok(key)
}

pub(crate) fn classify_pkcs8(der: &[u8]) -> Option<PrivateKey> {
    if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
        return Some(PrivateKey {
            key_type: KeyType::Rsa {
                bits: pair.public_modulus_len() * 8,
            },
            pair: KeyPair::Rsa(pair),
        });
    }
    for curve in Curve::ALL {
        if let Ok(pair) = EcdsaKeyPair::from_pkcs8(curve.signing(), der) {
            return Some(PrivateKey {
                key_type: curve.key_type(),
                pair: KeyPair::Ec(pair),
            });
        }
    }
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
        .ok()
        .map(|pair| PrivateKey {
            key_type: KeyType::Ed25519,
            pair: KeyPair::Ed(pair),
        })
}

/// The largest RSA key aws-lc accepts.
pub const MAX_RSA_BITS: usize = 8192;

/// What to say when aws-lc will not even parse an RSA key because of its size (`TooSmall` under
/// 2048 bits, `TooLarge` over 8192), so that the size itself is not known.
fn rsa_size_refused(path: &Path, reason: &str) -> Option<KeyError> {
    let shown = text::path(path);
    let message = match reason {
        "TooSmall" => format!(
            "{shown} is an RSA key of fewer than {MIN_RSA_BITS} bits; at least {MIN_RSA_BITS} bits are required"
        ),
        "TooLarge" => format!(
            "{shown} is an RSA key of more than {MAX_RSA_BITS} bits; at most {MAX_RSA_BITS} are supported"
        ),
        _ => return None,
    };
    Some(KeyError::unfit(message))
}

/// RSA keys outside 2048 to 8192 bits: too weak, or more than the crypto backend verifies with
/// (it would refuse every signature, which would read as a forged token).
pub fn check_rsa_bits(bits: usize) -> Result<(), String> {
    if bits < MIN_RSA_BITS {
        Err(format!(
            "an RSA {bits}-bit key; at least {MIN_RSA_BITS} bits are required"
        ))
    } else if bits > MAX_RSA_BITS {
        Err(format!(
            "an RSA {bits}-bit key; at most {MAX_RSA_BITS} bits are supported"
        ))
    } else {
        Ok(())
    }
}

pub(crate) fn check_rsa_size(path: &Path, key_type: KeyType) -> Result<(), KeyError> {
    match key_type {
        KeyType::Rsa { bits } => check_rsa_bits(bits)
            .map_err(|reason| KeyError::unfit(format!("{} is {reason}", text::path(path)))),
        _ => Ok(()),
    }
}

pub(crate) fn public_from_block(path: &Path, block: &pem::Pem) -> Result<PublicKey, KeyError> {
    // Only the key block: jsonwebtoken reads the first block of what it is given.
    let public = public_key_from_pem(pem::encode(block).as_bytes()).ok_or_else(|| {
        KeyError::invalid(format!(
            "{} is a PEM {} block but not an RSA, EC (P-256, P-384, P-521, secp256k1) or Ed25519 public key",
            text::path(path),
            block.tag()
        ))
    })?;
    check_rsa_size(path, public.key_type)?;
    Ok(public)
}

pub(crate) fn public_key_from_pem(content: &[u8]) -> Option<PublicKey> {
    if let Ok(decoding) = DecodingKey::from_rsa_pem(content) {
        let bits = match decoding.kind() {
            DecodingKeyKind::SecretOrDer(der) => rsa_modulus_bits(der)?,
            DecodingKeyKind::RsaModulusExponent { n, .. } => significant_bits(n),
        };
        return Some(PublicKey::new(KeyType::Rsa { bits }, decoding));
    }
    if let Ok(decoding) = DecodingKey::from_ec_pem(content) {
        // The point's length alone does not name the curve: a secp256k1 or brainpool key has
        // the length of a P-256 one. Check that the point lies on the curve.
        let key_type = match decoding.kind() {
            DecodingKeyKind::SecretOrDer(point) => Curve::of_point(point)?.key_type(),
            DecodingKeyKind::RsaModulusExponent { .. } => return None,
        };
        return Some(PublicKey::new(key_type, decoding));
    }
    if let Ok(decoding) = DecodingKey::from_ed_pem(content) {
        // A wrong-length Ed25519 key makes some backends panic; refuse it here.
        return match decoding.kind() {
            DecodingKeyKind::SecretOrDer(bytes) if bytes.len() == 32 => {
                Some(PublicKey::new(KeyType::Ed25519, decoding))
            }
            _ => None,
        };
    }
    None
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`
fn rsa_modulus_bits(der: &[u8]) -> Option<usize> {
    let blocks = simple_asn1::from_der(der).ok()?;
    match blocks.first()? {
        simple_asn1::ASN1Block::Sequence(_, items) => match items.first()? {
            simple_asn1::ASN1Block::Integer(_, modulus) => Some(modulus.bits() as usize),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn significant_bits(bytes: &[u8]) -> usize {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(start) => &bytes[start..],
        None => &[],
    };
    match trimmed.first() {
        Some(&first) => (trimmed.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_env(name: &str, encoding: SecretEncoding) -> Result<Secret, KeyError> {
        read_secret(
            &SecretSource::Env(name.to_owned()),
            encoding,
            &mut std::io::empty(),
            &mut |_| {},
        )
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new(b"hunter2".to_vec());
        assert_eq!(format!("{secret:?} {secret}"), "(redacted) (redacted)");
    }

    #[test]
    fn stdin_secret_loses_exactly_one_newline() {
        let read = |input: &[u8]| {
            read_secret(
                &SecretSource::Stdin,
                SecretEncoding::Raw,
                &mut &input[..],
                &mut |_| {},
            )
            .map(|secret| secret.expose().to_vec())
        };
        assert_eq!(read(b"abc\n"), Ok(b"abc".to_vec()));
        assert_eq!(read(b"abc\r\n"), Ok(b"abc".to_vec()));
        assert_eq!(read(b"abc\n\n"), Ok(b"abc\n".to_vec()));
        assert_eq!(read(b"abc "), Ok(b"abc ".to_vec()));
        assert!(read(b"\n").is_err());
    }

    #[test]
    fn decodes_each_encoding() {
        assert_eq!(
            decode_secret(b"6869", SecretEncoding::Hex).map(|s| s.to_vec()),
            Ok(b"hi".to_vec())
        );
        assert_eq!(
            decode_secret(b"aGk=", SecretEncoding::Base64).map(|s| s.to_vec()),
            Ok(b"hi".to_vec())
        );
        assert_eq!(
            decode_secret(b"aGk", SecretEncoding::Base64url).map(|s| s.to_vec()),
            Ok(b"hi".to_vec())
        );
        assert_eq!(
            decode_secret(b"_-8", SecretEncoding::Base64url).map(|s| s.to_vec()),
            Ok(vec![0xff, 0xef])
        );
        assert!(decode_secret(b"zz", SecretEncoding::Hex).is_err());
    }

    #[test]
    fn decoding_errors_do_not_quote_the_secret() {
        let error = |text: &[u8], encoding| decode_secret(text, encoding).unwrap_err();
        assert_eq!(
            error(b"00~0", SecretEncoding::Hex),
            "character 3 is not a hex digit"
        );
        assert_eq!(
            error(b"000", SecretEncoding::Hex),
            "odd number of hex digits"
        );
        for encoding in [SecretEncoding::Base64, SecretEncoding::Base64url] {
            let message = error(b"aGk~aGk", encoding);
            assert_eq!(message, "character 4 is not in the alphabet");
            assert!(!message.contains("126"));
        }
        assert!(error(b"aGl", SecretEncoding::Base64url).contains("unused bits"));
    }

    #[test]
    fn missing_variable_is_named_without_a_value() {
        let error = from_env("JWTCTL_TEST_SURELY_UNSET_VARIABLE", SecretEncoding::Raw).unwrap_err();
        assert!(
            error
                .message
                .contains("JWTCTL_TEST_SURELY_UNSET_VARIABLE is not set")
        );
    }

    #[test]
    fn length_rule_follows_rfc_7518() {
        let source = SecretSource::Env("X".into());
        let check = |len: usize, alg: Alg, allow: bool| {
            check_secret_length(&Secret::new(vec![7; len]), alg, allow, &source, &mut |_| {})
        };
        assert!(check(31, Alg::HS256, false).is_err());
        assert!(check(32, Alg::HS256, false).is_ok());
        assert!(check(47, Alg::HS384, false).is_err());
        assert!(check(48, Alg::HS384, false).is_ok());
        assert!(check(63, Alg::HS512, false).is_err());
        assert!(check(64, Alg::HS512, false).is_ok());
        let mut warnings = Vec::new();
        let allowed = check_secret_length(
            &Secret::new(vec![7; 4]),
            Alg::HS256,
            true,
            &source,
            &mut |w| warnings.push(w),
        );
        assert!(allowed.is_ok());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn the_curve_comes_from_the_point_not_its_length() {
        let key_type = |pem: &[u8]| public_key_from_pem(pem).map(|key| key.key_type);
        let fixture = |name: &str| {
            std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/keys")
                    .join(name),
            )
            .expect("a key fixture")
        };
        assert_eq!(key_type(&fixture("ec256.pub.pem")), Some(KeyType::EcP256));
        assert_eq!(key_type(&fixture("ec384.pub.pem")), Some(KeyType::EcP384));
        assert_eq!(key_type(&fixture("ec256.crt")), Some(KeyType::EcP256));
        // 65 bytes like a P-256 point, but on secp256k1.
        assert_eq!(
            key_type(&fixture("secp256k1.pub.pem")),
            Some(KeyType::EcSecp256k1)
        );
        assert_eq!(key_type(&fixture("brainpool256.pub.pem")), None);
    }

    #[test]
    fn counts_significant_bits() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x01]), 1);
        assert_eq!(significant_bits(&[]), 0);
    }
}
