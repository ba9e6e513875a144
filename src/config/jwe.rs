//! The JWE part of the resolution: each key read once and parsed, the algorithms pinned, and
//! the one step that opens a nested token for `verify`, `decode`, `refresh` and `revoke --token`.

use std::borrow::Cow;
use std::io::{IsTerminal, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::cli::{
    ContentAlgArg, DecryptArgs, EncryptArgs, EncryptToArgs, KeyAlgArg, NestedArgs, PasswordArgs,
};
use crate::commands::Context;
use crate::exit::{UsageError, UsageKind};
use crate::jwt::jwe::{
    self, ContentAlg, DecryptionKey, HeaderExtras, JweError, KeyAlg, KeyInfo, RecipientKey,
};
use crate::jwt::keys::{self, read_key_file, warn_if_shared};
use crate::jwt::pair::Pair;
use crate::jwt::token::normalize;
use crate::jwt::verify::same_media_type;
use crate::jwt::{KeyError, RejectKind, TokenError, text};

use super::{Claimant, StdinClaims, TokenInput, variable_name};

/// `encrypt`, resolved.
pub struct EncryptConfig<'a> {
    pub args: &'a EncryptArgs,
    pub plaintext: Zeroizing<Vec<u8>>,
    pub recipient: RecipientKey,
    pub alg: KeyAlg,
    pub enc: ContentAlg,
    pub extras: HeaderExtras,
}

/// `decrypt`, resolved. The JWE is read by the command, so a rejection is reported as one.
pub struct DecryptConfig<'a> {
    pub args: &'a DecryptArgs,
    pub input: TokenInput,
    pub decryption: Decryption,
}

/// A key to decrypt with and the algorithms it accepts.
pub struct Decryption {
    key: DecryptionKey,
    algs: Vec<KeyAlg>,
    encs: Vec<ContentAlg>,
}

/// `--decrypt-key`, resolved: whether the token is expected to be a nested JWT, and how to open it.
#[derive(Default)]
pub struct Nested {
    decryption: Option<Decryption>,
}

/// `issue --encrypt-to`, resolved.
pub struct Encryption {
    recipient: RecipientKey,
    alg: KeyAlg,
    enc: ContentAlg,
}

/// The key or password of `encrypt` and `decrypt`, as bytes.
enum KeyBytes {
    Key(Zeroizing<Vec<u8>>, String),
    Password(Zeroizing<Vec<u8>>),
}

fn jwe_key_error(origin: &str, error: &JweError) -> KeyError {
    KeyError::invalid(format!("{origin}: {error}"))
}

fn read_stdin_bytes(what: &str, limit: usize) -> Result<Zeroizing<Vec<u8>>, UsageError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(UsageError::of(
            UsageKind::Missing,
            format!("no {what} given: pass it as an argument or on standard input"),
        ));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    stdin
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| {
            UsageError::of(
                UsageKind::File,
                format!("cannot read {what} from standard input: {error}"),
            )
        })?;
    if bytes.len() > limit {
        return Err(UsageError::of(
            UsageKind::File,
            format!("{what} on standard input is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Reads a key file (or standard input, once), warning when a private key is readable by others.
fn read_key(
    path: &Path,
    option: &str,
    private: bool,
    claims: &mut StdinClaims,
    ctx: &Context,
) -> anyhow::Result<(Zeroizing<Vec<u8>>, String)> {
    if claims.claim_path(Claimant::Secret, option, path)? {
        let bytes = read_stdin_bytes("the key", keys::MAX_KEY_FILE_BYTES as usize)?;
        return Ok((bytes, format!("the key on standard input ({option} -)")));
    }
    let bytes = read_key_file(path, "key")?;
    if private {
        warn_if_shared(path, "key", &mut ctx.warner());
    }
    Ok((bytes, format!("key file {}", text::path(path))))
}

fn read_password(
    args: &PasswordArgs,
    claims: &mut StdinClaims,
    ctx: &Context,
) -> anyhow::Result<Option<KeyBytes>> {
    let password = if let Some(path) = &args.password_file {
        if claims.claim_path(Claimant::Secret, "--password-file", path)? {
            read_stdin_bytes("the password", keys::MAX_KEY_FILE_BYTES as usize)?
        } else {
            let password = read_key_file(path, "password")?;
            warn_if_shared(path, "password", &mut ctx.warner());
            password
        }
    } else if let Some(name) = &args.password_env {
        let name = variable_name(name, "--password-env")?;
        let value = std::env::var_os(&name).ok_or_else(|| {
            KeyError::unreadable(format!("the environment variable {name} is not set"))
        })?;
        Zeroizing::new(value.into_encoded_bytes())
    } else {
        return Ok(None);
    };
    let mut password = password;
    // One trailing newline is how files and `echo` end a line, not part of the password.
    if password.last() == Some(&b'\n') {
        password.pop();
        if password.last() == Some(&b'\r') {
            password.pop();
        }
    }
    if password.is_empty() {
        return Err(KeyError::unreadable("the password is empty").into());
    }
    crate::output::never_show(&password);
    Ok(Some(KeyBytes::Password(password)))
}

fn key_bytes(
    key_file: Option<&Path>,
    password: &PasswordArgs,
    private: bool,
    claims: &mut StdinClaims,
    ctx: &Context,
) -> anyhow::Result<KeyBytes> {
    if let Some(password) = read_password(password, claims, ctx)? {
        return Ok(password);
    }
    let path = key_file.ok_or_else(|| {
        UsageError::of(
            UsageKind::Missing,
            "give --key-file, --password-file or --password-env",
        )
    })?;
    let (bytes, origin) = read_key(path, "--key-file", private, claims, ctx)?;
    Ok(KeyBytes::Key(bytes, origin))
}

fn decryption_key(bytes: &KeyBytes) -> Result<DecryptionKey, KeyError> {
    match bytes {
        KeyBytes::Key(bytes, origin) => {
            DecryptionKey::parse(bytes).map_err(|error| jwe_key_error(origin, &error))
        }
        KeyBytes::Password(password) => DecryptionKey::from_password(password)
            .map_err(|error| jwe_key_error("the password", &error)),
    }
}

fn recipient_key(bytes: &KeyBytes) -> Result<RecipientKey, KeyError> {
    match bytes {
        KeyBytes::Key(bytes, origin) => {
            RecipientKey::parse(bytes).map_err(|error| jwe_key_error(origin, &error))
        }
        KeyBytes::Password(password) => RecipientKey::from_password(password)
            .map_err(|error| jwe_key_error("the password", &error)),
    }
}

/// The algorithms a decryption accepts: those named, each of which must fit the key, else what
/// the key's type implies.
fn accepted(
    info: &KeyInfo,
    algs: &[KeyAlgArg],
    encs: &[ContentAlgArg],
    option: &str,
) -> Result<(Vec<KeyAlg>, Vec<ContentAlg>), UsageError> {
    let algs: Vec<KeyAlg> = if algs.is_empty() {
        info.accepted_algs()
    } else {
        algs.iter().map(|alg| alg.0).collect()
    };
    if algs.is_empty() {
        return Err(UsageError::of(
            UsageKind::Missing,
            format!(
                "{} implies no key-management algorithm: name one with {option} (dir uses it as the content key)",
                info.kind.describe()
            ),
        ));
    }
    if let Some(unfit) = algs.iter().find(|alg| !info.fits(**alg)) {
        return Err(UsageError::new(format!(
            "{option} {unfit} does not fit {}",
            info.kind.describe()
        )));
    }
    let encs = if encs.is_empty() {
        info.accepted_encs()
    } else {
        encs.iter().map(|enc| enc.0).collect()
    };
    Ok((algs, encs))
}

/// The algorithm and content encryption to encrypt with: those named, else the key's defaults.
fn chosen(
    info: &KeyInfo,
    alg: Option<KeyAlgArg>,
    enc: Option<ContentAlgArg>,
    option: &str,
) -> Result<(KeyAlg, ContentAlg), UsageError> {
    let alg = match alg {
        Some(alg) => alg.0,
        None => info.default_alg().map_err(|error| {
            UsageError::of(UsageKind::Missing, format!("{error} ({option} dir)"))
        })?,
    };
    if !info.fits(alg) {
        return Err(UsageError::new(format!(
            "{option} {alg} does not fit {}",
            info.kind.describe()
        )));
    }
    let enc = enc.map_or_else(|| info.default_enc(alg), |enc| enc.0);
    if alg == KeyAlg::Dir && info.kind != (jwe::KeyKind::Oct { len: enc.key_len() }) {
        return Err(UsageError::new(format!(
            "dir with {enc} needs an oct key of {} bytes, not {}",
            enc.key_len(),
            info.kind.describe()
        )));
    }
    Ok((alg, enc))
}

pub(super) fn encrypt<'a>(
    args: &'a EncryptArgs,
    ctx: &Context,
) -> anyhow::Result<EncryptConfig<'a>> {
    let mut claims = StdinClaims::default();
    let reads_stdin = matches!(args.plaintext.as_deref(), None | Some("-"));
    if reads_stdin {
        claims.claim(Claimant::Payload, "the plaintext (-)")?;
    }
    let key = key_bytes(
        args.key_file.as_deref(),
        &args.password,
        false,
        &mut claims,
        ctx,
    )?;
    let recipient = recipient_key(&key)?;
    let info = recipient.info();
    let (alg, enc) = chosen(info, args.alg, args.enc, "--alg")?;
    let mut plaintext = match args.plaintext.as_deref() {
        Some(text) if !reads_stdin => Zeroizing::new(text.as_bytes().to_vec()),
        _ => read_stdin_bytes("plaintext", jwe::MAX_PLAINTEXT_BYTES)?,
    };
    // A nested token is a compact JWS, which has no whitespace: the line break `issue` prints
    // after it is not part of it.
    if args
        .cty
        .as_deref()
        .is_some_and(|cty| same_media_type(cty, "JWT"))
    {
        let trimmed = plaintext.trim_ascii().to_vec();
        plaintext = Zeroizing::new(trimmed);
    }
    if plaintext.len() > jwe::MAX_PLAINTEXT_BYTES {
        return Err(UsageError::new(format!(
            "the plaintext is larger than the limit of {} bytes",
            jwe::MAX_PLAINTEXT_BYTES
        ))
        .into());
    }
    let extras = HeaderExtras {
        kid: args.kid.clone().or_else(|| info.kid.clone()),
        cty: args.cty.clone(),
        ..HeaderExtras::default()
    };
    Ok(EncryptConfig {
        args,
        plaintext,
        recipient,
        alg,
        enc,
        extras,
    })
}

pub(super) fn decrypt<'a>(
    args: &'a DecryptArgs,
    ctx: &Context,
) -> anyhow::Result<DecryptConfig<'a>> {
    let mut claims = StdinClaims::default();
    let input = TokenInput::of(args.jwe.as_deref(), &mut claims)?;
    let key = key_bytes(
        args.key_file.as_deref(),
        &args.password,
        true,
        &mut claims,
        ctx,
    )?;
    let key = decryption_key(&key)?;
    let (algs, encs) = accepted(key.info(), &args.algs, &args.encs, "--alg")?;
    Ok(DecryptConfig {
        args,
        input,
        decryption: Decryption { key, algs, encs },
    })
}

/// `--decrypt-key` of verify, decode, refresh and revoke. `claims` is the command's own record
/// of who reads standard input.
pub fn nested(
    args: &NestedArgs,
    claims: &mut StdinClaims,
    ctx: &Context,
) -> anyhow::Result<Nested> {
    let Some(path) = &args.decrypt_key else {
        return Ok(Nested::default());
    };
    let (bytes, origin) = read_key(path, "--decrypt-key", true, claims, ctx)?;
    let key = DecryptionKey::parse(&bytes).map_err(|error| jwe_key_error(&origin, &error))?;
    let (algs, encs) = accepted(
        key.info(),
        &args.decrypt_algs,
        &args.decrypt_encs,
        "--decrypt-alg",
    )?;
    Ok(Nested {
        decryption: Some(Decryption { key, algs, encs }),
    })
}

/// `issue --encrypt-to`.
pub fn encryption(
    args: &EncryptToArgs,
    claims: &mut StdinClaims,
    ctx: &Context,
) -> anyhow::Result<Option<Encryption>> {
    let Some(path) = &args.encrypt_to else {
        return Ok(None);
    };
    let (bytes, origin) = read_key(path, "--encrypt-to", false, claims, ctx)?;
    let recipient = RecipientKey::parse(&bytes).map_err(|error| jwe_key_error(&origin, &error))?;
    let (alg, enc) = chosen(
        recipient.info(),
        args.encrypt_alg,
        args.encrypt_enc,
        "--encrypt-alg",
    )?;
    Ok(Some(Encryption {
        recipient,
        alg,
        enc,
    }))
}

/// A refused or undecryptable JWE as the rejection every command reports.
pub fn rejection(error: &JweError) -> TokenError {
    let kind = match error {
        JweError::Decryption => RejectKind::Decryption,
        JweError::Refused(why) if why.starts_with("RSA1_5") => RejectKind::Algorithm,
        JweError::Refused(_) | JweError::InvalidEpk(_) => RejectKind::Header,
        JweError::UnsupportedAlg(_)
        | JweError::UnsupportedEnc(_)
        | JweError::AlgNotAccepted { .. }
        | JweError::EncNotAccepted { .. }
        | JweError::Key(_) => RejectKind::Algorithm,
        JweError::Malformed(_) | JweError::TooLarge(_) | JweError::NotNested(_) => {
            RejectKind::Malformed
        }
    };
    TokenError::new(kind, error.to_string())
}

impl Decryption {
    pub fn open(&self, compact: &str) -> Result<jwe::Decrypted, TokenError> {
        jwe::decrypt(compact, &self.key, &self.algs, &self.encs).map_err(|error| rejection(&error))
    }
}

impl Nested {
    pub fn is_expected(&self) -> bool {
        self.decryption.is_some()
    }

    /// The signed token to check: the token itself, or with `--decrypt-key` the one inside the
    /// JWE. A JWE without `--decrypt-key`, or a plain token when one was given, is refused: the
    /// choice is the command line's, never the token's.
    pub fn open(&self, token: String) -> Result<String, TokenError> {
        match self.open_str(&token)? {
            Cow::Borrowed(_) => Ok(token),
            Cow::Owned(inner) => Ok(inner),
        }
    }

    /// [`Nested::open`] without copying a token that is not encrypted (the batch path).
    pub fn open_str<'t>(&self, token: &'t str) -> Result<Cow<'t, str>, TokenError> {
        let encrypted = jwe::looks_like_jwe(token);
        match (&self.decryption, encrypted) {
            (None, false) => Ok(Cow::Borrowed(token)),
            (None, true) => Err(TokenError::malformed(
                "token is encrypted (JWE, 5 segments): give --decrypt-key KEY to decrypt it, and \
                 the signed token inside is checked as usual",
            )),
            (Some(_), false) => Err(TokenError::malformed(
                "--decrypt-key was given, but the token is not encrypted (not a JWE)",
            )),
            (Some(decryption), true) => {
                let opened = decryption.open(token)?;
                let inner = opened.nested_jwt().map_err(|error| rejection(&error))?;
                Ok(Cow::Owned(normalize(inner).to_owned()))
            }
        }
    }
}

impl Encryption {
    pub fn seal(&self, token: &str) -> Result<String, KeyError> {
        let extras = HeaderExtras {
            kid: self.recipient.info().kid.clone(),
            cty: Some("JWT".to_owned()),
            ..HeaderExtras::default()
        };
        jwe::encrypt(
            token.as_bytes(),
            &self.recipient,
            self.alg,
            self.enc,
            &extras,
        )
        .map_err(|error| KeyError::unfit(format!("cannot encrypt the token: {error}")))
    }

    /// Encrypts both tokens of a pair in place; the store keeps recording the `jti`s.
    pub fn seal_pair(&self, pair: &mut Pair) -> Result<(), KeyError> {
        pair.access.token = self.seal(&pair.access.token)?;
        if let Some(refresh) = pair.refresh.as_mut() {
            refresh.token = self.seal(&refresh.token)?;
        }
        Ok(())
    }
}

/// The JWE of `decrypt`, read: normalized, and bounded by the JWE limit rather than a JWS's.
pub fn read_jwe(input: &TokenInput) -> Result<String, super::ReadError> {
    match input {
        TokenInput::Argument(text) => Ok(normalize(text).to_owned()),
        TokenInput::Stdin => {
            let bytes = read_stdin_bytes("JWE", 2 * jwe::MAX_JWE_BYTES)
                .map_err(|error| super::ReadError::Failed(error.into()))?;
            let text = std::str::from_utf8(&bytes).map_err(|_| {
                super::ReadError::Rejected(TokenError::malformed(
                    "input on standard input is not UTF-8 text",
                ))
            })?;
            Ok(normalize(text).to_owned())
        }
    }
}
