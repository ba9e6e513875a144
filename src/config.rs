//! The resolution layer: what was typed (`cli`) becomes what a command runs with, in one step,
//! before any command starts.
//!
//! Here and only here it is decided who owns standard input, each secret and key is read (once),
//! the verification policy, the signers and the store location are built. A command then only
//! runs: it never reads an option's raw text, a file named by one, or the environment.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::{
    Command, DecodeArgs, IssueArgs, KeyArgs, RefreshArgs, RefreshKeyArgs, RemoteKeyArgs,
    RevokeArgs, SessionsAction, SessionsArgs, StoreArgs, StoreServerArgs, VerifyArgs,
};
use crate::commands::Context;
use crate::exit::{Hint, UsageError, UsageKind};
use crate::jwt::claims::{Claims, check_registered, parse_claim, parse_payload};
use crate::jwt::header::parse_headers;
use crate::jwt::instant::parse_time;
use crate::jwt::jwk::{self, JwksKey};
use crate::jwt::keyform::{self, Material};
use crate::jwt::keys::{self, PrivateKey, PublicKey, Secret, SecretEncoding, SecretSource, Want};
use crate::jwt::pair::{OWN_CLAIMS, Signers};
use crate::jwt::token::{MAX_TOKEN_BYTES, normalize};
use crate::jwt::verify::{REFRESH_TYPE, same_media_type};
use crate::jwt::x5c::CertificateChain;
use crate::jwt::{
    Alg, Family, KeyError, Policy, Signer, TokenError, TokenType, VerifyingKey, derive, text, token,
};
use crate::remote::keys::{RemoteKeys, RemoteSource};
use crate::remote::renew::{RenewablePolicy, Verifier};
use crate::remote::{self, CacheMode, RemoteError};
use crate::store::{self, Location, OpenOptions, Store, StoreError};

mod jwe;
pub use jwe::{DecryptConfig, Decryption, EncryptConfig, Encryption, Nested, read_jwe, rejection};

/// The variable read when neither `--secret-file` nor `--secret-env` is given.
pub const SECRET_VARIABLE: &str = "JWTCTL_SECRET";
/// The variable read for the refresh-token secret when no refresh option is given.
pub const REFRESH_SECRET_VARIABLE: &str = "JWTCTL_REFRESH_SECRET";
/// The variable naming the store when `--store` is not given.
pub const STORE_VARIABLE: &str = "JWTCTL_STORE";

/// A command, resolved.
pub enum Resolved<'a> {
    GenSecret(&'a crate::cli::GenSecretArgs),
    Issue(Box<IssueConfig<'a>>),
    Verify(Box<VerifyConfig<'a>>),
    Decode(DecodeConfig<'a>),
    Refresh(Box<RefreshConfig<'a>>),
    Revoke(Box<RevokeConfig<'a>>),
    Sessions(SessionsConfig<'a>),
    Prune(PruneConfig),
    GenKey(&'a crate::cli::GenKeyArgs),
    Convert(&'a crate::cli::ConvertArgs),
    Jwks(&'a crate::cli::JwksArgs),
    Encrypt(Box<EncryptConfig<'a>>),
    Decrypt(Box<DecryptConfig<'a>>),
    Completions(&'a crate::cli::CompletionsArgs),
    Man(&'a crate::cli::ManArgs),
}

/// Resolves the parsed command line. Every error here is a usage, key or token error: nothing
/// has been written and no store has been touched.
pub fn resolve<'a>(command: &'a Command, ctx: &Context) -> anyhow::Result<Resolved<'a>> {
    Ok(match command {
        Command::GenSecret(args) => Resolved::GenSecret(args),
        Command::Issue(args) => Resolved::Issue(Box::new(issue(args, ctx)?)),
        Command::Verify(args) => Resolved::Verify(Box::new(verify(args, ctx)?)),
        Command::Decode(args) => Resolved::Decode(decode(args, ctx)?),
        Command::Refresh(args) => Resolved::Refresh(Box::new(refresh(args, ctx)?)),
        Command::Revoke(args) => Resolved::Revoke(Box::new(revoke(args, ctx)?)),
        Command::Sessions(args) => match &args.action {
            Some(SessionsAction::Prune(prune)) => Resolved::Prune(PruneConfig {
                json: prune.json,
                store: StoreConfig::of(&prune.store)?,
            }),
            None => Resolved::Sessions(sessions(args)?),
        },
        Command::GenKey(args) => Resolved::GenKey(args),
        Command::Convert(args) => Resolved::Convert(args),
        Command::Jwks(args) => Resolved::Jwks(args),
        Command::Encrypt(args) => Resolved::Encrypt(Box::new(jwe::encrypt(args, ctx)?)),
        Command::Decrypt(args) => Resolved::Decrypt(Box::new(jwe::decrypt(args, ctx)?)),
        Command::Completions(args) => Resolved::Completions(args),
        Command::Man(args) => Resolved::Man(args),
    })
}

// ---------------------------------------------------------------------------------------------
// Standard input

/// What may read standard input. At most one thing can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimant {
    /// The token (`-`, or no token argument).
    Token,
    /// `verify --batch` / `decode --batch`: one token per line.
    Tokens,
    /// `issue --batch`: one JSON object of claims per line.
    ClaimLines,
    /// `--payload -`.
    Payload,
    /// A secret or key (`--secret-file`, `--key-file`).
    Secret,
    /// The refresh secret (`--refresh-secret-file`).
    RefreshSecret,
    /// `--jwks -`.
    Jwks,
}

impl Claimant {
    fn what(self, other: Claimant) -> &'static str {
        let both_secrets = matches!(
            (self, other),
            (Claimant::Secret, Claimant::RefreshSecret)
                | (Claimant::RefreshSecret, Claimant::Secret)
        );
        match self {
            Claimant::Token => "the token",
            Claimant::Tokens => "the batch of tokens",
            Claimant::ClaimLines => "the batch of claims",
            Claimant::Payload => "the payload",
            Claimant::Secret if both_secrets => "the secret",
            Claimant::RefreshSecret if both_secrets => "the refresh secret",
            Claimant::Secret | Claimant::RefreshSecret => "a secret",
            Claimant::Jwks => "the JWKS",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Claimant::Token => "pass the token as an argument",
            Claimant::Payload => "pass the payload as @FILE",
            Claimant::Tokens | Claimant::ClaimLines => "read the secret or key from a file",
            Claimant::Secret | Claimant::RefreshSecret | Claimant::Jwks => {
                "read the other one from a file"
            }
        }
    }
}

/// Who has claimed standard input so far.
#[derive(Debug, Default)]
pub struct StdinClaims {
    owner: Option<(Claimant, String)>,
}

impl StdinClaims {
    /// Records that `option` reads standard input for `claimant`; a second claimant is a usage
    /// error naming both options.
    pub fn claim(&mut self, claimant: Claimant, option: &str) -> Result<(), UsageError> {
        match &self.owner {
            None => {
                self.owner = Some((claimant, option.to_owned()));
                Ok(())
            }
            Some((first, first_option)) => Err(UsageError::of(
                UsageKind::Conflict,
                format!(
                    "standard input cannot carry both {} and {} ({first_option} and {option}): {}",
                    first.what(claimant),
                    claimant.what(*first),
                    first.hint()
                ),
            )),
        }
    }

    /// Claims standard input for a path option if the path is standard input: `-`, or a path
    /// that names the same file as descriptor 0 (`/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`,
    /// or the file stdin was redirected from).
    pub fn claim_path(
        &mut self,
        claimant: Claimant,
        option: &str,
        path: &Path,
    ) -> Result<bool, UsageError> {
        if is_stdin(path) {
            self.claim(claimant, &format!("{option} {}", text::path(path)))?;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Whether `path` is standard input, by file identity (device and inode), not by spelling.
pub fn is_stdin(path: &Path) -> bool {
    if path.as_os_str() == "-" {
        return true;
    }
    same_file_as_stdin(path)
}

#[cfg(unix)]
// st_dev and st_ino are not u64 on every platform.
#[allow(clippy::unnecessary_cast)]
fn same_file_as_stdin(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(stdin) = rustix::fs::fstat(std::io::stdin()) else {
        return false;
    };
    std::fs::metadata(path)
        .is_ok_and(|file| file.dev() == stdin.st_dev as u64 && file.ino() == stdin.st_ino as u64)
}

#[cfg(not(unix))]
fn same_file_as_stdin(_: &Path) -> bool {
    false
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// Where the token of a single-token command comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenInput {
    Argument(String),
    Stdin,
}

impl TokenInput {
    fn of(argument: Option<&str>, claims: &mut StdinClaims) -> Result<TokenInput, UsageError> {
        match argument {
            None | Some("-") => {
                claims.claim(Claimant::Token, "the token (-)")?;
                Ok(TokenInput::Stdin)
            }
            Some(token) => {
                if Path::new(token).is_file() {
                    return Err(UsageError::new(format!(
                        "{} is a file name, not a token: read the file with `< {}`",
                        text::quote(token),
                        text::sanitize(token)
                    )));
                }
                Ok(TokenInput::Argument(token.to_owned()))
            }
        }
    }

    /// The token, normalized (surrounding whitespace and a leading `Bearer ` removed). Oversized
    /// input is refused before anything is decoded. A usage error (a terminal on standard input)
    /// is `Err(Err(..))`; a token that cannot even be read as text is a rejection, `Err(Ok(..))`.
    pub fn read(&self) -> Result<String, ReadError> {
        let token = match self {
            TokenInput::Argument(token) => normalize(token).to_owned(),
            TokenInput::Stdin => read_stdin_token()?,
        };
        // Nothing at all is a mistake in how jwtctl was called (an unset variable, an empty
        // pipe), not a token to reject.
        if token.is_empty() {
            return Err(ReadError::Failed(
                UsageError::of(
                    UsageKind::Missing,
                    "token is empty: pass it as an argument or on standard input",
                )
                .into(),
            ));
        }
        Ok(token)
    }
}

/// Why a token could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The token is refused before decoding (too long, not text): a rejection like any other.
    Rejected(TokenError),
    /// Nothing to read, or the read failed.
    Failed(anyhow::Error),
}

fn read_stdin_token() -> Result<String, ReadError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(ReadError::Failed(
            UsageError::of(
                UsageKind::Missing,
                "no token given: pass it as an argument or on standard input",
            )
            .into(),
        ));
    }
    let mut bytes = Vec::new();
    // Room for whitespace around a token of the maximum size; anything longer is refused below.
    let limit = 2 * MAX_TOKEN_BYTES as u64;
    stdin
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| {
            ReadError::Failed(
                UsageError::of(
                    UsageKind::File,
                    format!("cannot read the token from standard input: {error}"),
                )
                .into(),
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::Rejected(TokenError::malformed(format!(
            "input on standard input is longer than the limit of {MAX_TOKEN_BYTES} bytes"
        ))));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        ReadError::Rejected(TokenError::malformed(
            "input on standard input is not UTF-8 text",
        ))
    })?;
    Ok(normalize(&text).to_owned())
}

// ---------------------------------------------------------------------------------------------
// Key sources

/// Where a key comes from. One variant per source: a new source (a JWK file, a JWKS URL, an
/// OpenID issuer, an encrypted PEM, a decryption key) is a new variant here and a new arm in
/// [`KeySource::load`], and every command that signs or verifies can use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// An HMAC secret in a file, or on standard input.
    SecretFile {
        source: SecretSource,
        encoding: SecretEncoding,
    },
    /// An HMAC secret in an environment variable.
    SecretEnv {
        name: String,
        encoding: SecretEncoding,
    },
    /// A key file (PEM, plain or encrypted, a JWK or a JWKS): a private key to sign, a public
    /// key or certificate to verify. `kid` picks the key of a JWKS.
    KeyFile {
        path: PathBuf,
        kid: Option<String>,
        password: Option<SecretSource>,
    },
    /// A JWKS document in a file.
    JwksFile(PathBuf),
    /// A JWKS document on standard input.
    JwksStdin,
    /// `--jwks URL` or `--oidc ISSUER`: a JWKS fetched (through the cache) from where the user
    /// pointed, never from anywhere a token names.
    Remote {
        source: RemoteSource,
        settings: remote::Settings,
    },
}

/// A key source, read.
pub enum KeyMaterial {
    Secret {
        secret: Secret,
        source: SecretSource,
        meta: KeyMeta,
    },
    Private {
        key: PrivateKey,
        path: PathBuf,
        meta: KeyMeta,
    },
    Public {
        key: PublicKey,
        path: PathBuf,
        meta: KeyMeta,
    },
    Jwks(Vec<JwksKey>),
    /// Keys from a URL, with what it takes to refetch them for an unknown kid.
    Remote(Box<RemoteKeys>),
}

/// What a JWK key file says about its key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyMeta {
    /// The JWK's `kid`: what signed tokens carry.
    pub kid: Option<String>,
    /// The JWK's `alg`: the only algorithm the key is used with.
    pub alg: Option<Alg>,
}

impl KeyMeta {
    /// The algorithm to use: `requested` (`--alg`) must agree with the key's own.
    fn algorithm(
        &self,
        requested: Option<Alg>,
        default: Alg,
        path: &Path,
    ) -> Result<Alg, UsageError> {
        match (requested, self.alg) {
            (Some(requested), Some(own)) if requested != own => Err(UsageError::new(format!(
                "{} is for {own} (its \"alg\"), not {requested}",
                text::path(path)
            ))),
            (Some(alg), _) | (None, Some(alg)) => Ok(alg),
            (None, None) => Ok(default),
        }
    }
}

impl KeySource {
    /// The main key of `--secret-file`, `--secret-env` or `--key-file`, else `$JWTCTL_SECRET`.
    pub fn main(args: &KeyArgs, claims: &mut StdinClaims) -> Result<KeySource, UsageError> {
        let encoding = args.secret_encoding.into();
        if let Some(path) = &args.key_file {
            claims.claim_path(Claimant::Secret, "--key-file", path)?;
            let password = match (&args.key_password_file, &args.key_password_env) {
                (Some(file), _) => Some(
                    if claims.claim_path(Claimant::Secret, "--key-password-file", file)? {
                        SecretSource::Stdin
                    } else {
                        SecretSource::File(file.clone())
                    },
                ),
                (None, Some(name)) => Some(SecretSource::Env(variable_name(
                    name,
                    "--key-password-env",
                )?)),
                (None, None) => None,
            };
            return Ok(KeySource::KeyFile {
                path: path.clone(),
                kid: None,
                password,
            });
        }
        Ok(match (&args.secret_file, &args.secret_env) {
            (Some(path), _) => {
                let source = if claims.claim_path(Claimant::Secret, "--secret-file", path)? {
                    SecretSource::Stdin
                } else {
                    SecretSource::File(path.clone())
                };
                KeySource::SecretFile { source, encoding }
            }
            (None, Some(name)) => KeySource::SecretEnv {
                name: variable_name(name, "--secret-env")?,
                encoding,
            },
            (None, None) => KeySource::SecretEnv {
                name: SECRET_VARIABLE.to_owned(),
                encoding,
            },
        })
    }

    /// The refresh tokens' own secret, if one is configured.
    pub fn refresh(
        args: &RefreshKeyArgs,
        claims: &mut StdinClaims,
    ) -> Result<Option<KeySource>, UsageError> {
        let encoding = SecretEncoding::Raw;
        Ok(
            match (&args.refresh_secret_file, &args.refresh_secret_env) {
                (Some(path), _) => {
                    let source = if claims.claim_path(
                        Claimant::RefreshSecret,
                        "--refresh-secret-file",
                        path,
                    )? {
                        SecretSource::Stdin
                    } else {
                        SecretSource::File(path.clone())
                    };
                    Some(KeySource::SecretFile { source, encoding })
                }
                (None, Some(name)) => Some(KeySource::SecretEnv {
                    name: variable_name(name, "--refresh-secret-env")?,
                    encoding,
                }),
                (None, None) => {
                    std::env::var_os(REFRESH_SECRET_VARIABLE).map(|_| KeySource::SecretEnv {
                        name: REFRESH_SECRET_VARIABLE.to_owned(),
                        encoding,
                    })
                }
            },
        )
    }

    /// `--jwks FILE|-`.
    pub fn jwks(path: &Path, claims: &mut StdinClaims) -> Result<KeySource, UsageError> {
        if claims.claim_path(Claimant::Jwks, "--jwks", path)? {
            Ok(KeySource::JwksStdin)
        } else {
            Ok(KeySource::JwksFile(path.to_owned()))
        }
    }

    /// The same source, choosing the key of a JWKS key file by `kid`.
    pub fn with_kid(self, chosen: Option<String>) -> KeySource {
        match self {
            KeySource::KeyFile { path, password, .. } => KeySource::KeyFile {
                path,
                kid: chosen,
                password,
            },
            other => other,
        }
    }

    /// Reads the source, once. `want` says which half of a key pair is needed.
    pub fn load(&self, want: Want, ctx: &Context) -> anyhow::Result<KeyMaterial> {
        let material = self.read(want, ctx)?;
        if let KeyMaterial::Secret { secret, .. } = &material {
            crate::output::never_show(secret.expose());
        }
        Ok(material)
    }

    fn read(&self, want: Want, ctx: &Context) -> anyhow::Result<KeyMaterial> {
        let mut warn = ctx.warner();
        Ok(match self {
            KeySource::SecretFile { source, encoding } => KeyMaterial::Secret {
                secret: keys::read_secret(source, *encoding, &mut std::io::stdin(), &mut warn)?,
                source: source.clone(),
                meta: KeyMeta::default(),
            },
            KeySource::SecretEnv { name, encoding } => {
                let source = SecretSource::Env(name.clone());
                KeyMaterial::Secret {
                    secret: keys::read_secret(
                        &source,
                        *encoding,
                        &mut std::io::empty(),
                        &mut warn,
                    )?,
                    source,
                    meta: KeyMeta::default(),
                }
            }
            KeySource::KeyFile {
                path,
                kid,
                password,
            } => {
                let (_, entry) =
                    keyform::file::load(path, kid.as_deref(), password.as_ref(), want, &mut warn)?;
                let shown = text::path(path);
                match want {
                    Want::Public => entry.check_may_verify(&shown)?,
                    Want::Private | Want::Either => entry.check_may_sign(&shown)?,
                }
                let meta = KeyMeta {
                    kid: entry.kid,
                    alg: entry.alg,
                };
                match entry.material {
                    Material::Private(key) => KeyMaterial::Private {
                        key,
                        path: path.clone(),
                        meta,
                    },
                    Material::Public(key) => KeyMaterial::Public {
                        key,
                        path: path.clone(),
                        meta,
                    },
                    Material::Secret(secret) => KeyMaterial::Secret {
                        secret,
                        source: SecretSource::File(path.clone()),
                        meta,
                    },
                }
            }
            KeySource::JwksFile(path) => {
                let text = read_argument_file(path, "JWKS file", MAX_JWKS_BYTES)?;
                let origin = format!("JWKS file {}", text::path(path));
                KeyMaterial::Jwks(jwk::parse_jwks(&text, &origin, &mut warn)?)
            }
            KeySource::JwksStdin => {
                let text = read_stdin_text("the JWKS", MAX_JWKS_BYTES)?;
                KeyMaterial::Jwks(jwk::parse_jwks(
                    &text,
                    "the JWKS on standard input",
                    &mut warn,
                )?)
            }
            KeySource::Remote { source, settings } => {
                // Checked now, not when a fetch first needs it, so a mistake shows even when a
                // fresh cached copy needs no TLS at all.
                if let Some(path) = &settings.ca_file {
                    remote::http::read_ca_file(path).map_err(RemoteError::CaFile)?;
                }
                let fetcher = remote::Remote::new(settings.clone());
                KeyMaterial::Remote(Box::new(RemoteKeys::fetch(
                    fetcher, source, ctx.now, &mut warn,
                )?))
            }
        })
    }
}

/// The largest JWKS document read: real ones hold a handful of keys, a few kilobytes.
pub const MAX_JWKS_BYTES: u64 = 1024 * 1024;
/// The largest `--payload` read.
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;

/// `--secret-env` takes a variable's name. Someone who types the secret there by mistake must not
/// see it echoed back in an error message (or in shell history, which is too late to help).
pub(crate) fn variable_name(name: &str, flag: &str) -> Result<String, UsageError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(UsageError::new(format!(
            "{flag} takes the NAME of an environment variable (letters, digits, _), not the secret itself"
        )))
    }
}

fn unfit_key(alg: Alg, path: &Path, key_type: keys::KeyType) -> UsageError {
    UsageError::new(format!(
        "algorithm {alg} cannot be used with {}, which is {}",
        text::path(path),
        key_type.describe()
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyUse {
    Sign,
    Verify,
}

/// Without `--key-file` (or `--jwks`) the key is an HMAC secret, which fits only HS algorithms:
/// one sentence saying what an `--alg` of a key pair needs instead.
fn secret_fits(alg: Alg, key_use: KeyUse) -> Result<(), UsageError> {
    if alg.family() == Family::Hmac {
        return Ok(());
    }
    let needs = match key_use {
        KeyUse::Sign => "signs with a private key: give it with --key-file PATH",
        KeyUse::Verify => {
            "verifies with a public key: give it with --key-file PATH, or --jwks FILE for a JWKS"
        }
    };
    Err(UsageError::new(format!(
        "--alg {alg} {needs}; without one, the key is an HMAC secret"
    )))
}

/// What to do when no secret was given at all.
const NO_SECRET_HINT: &str = "export JWTCTL_SECRET=\"$(jwtctl gen-secret)\" makes a new secret; \
                              --secret-file PATH reads one from a file";

/// The algorithm a token's header names, read only to word a message: never to choose a key or
/// an algorithm.
pub fn header_alg(token: &str) -> Option<Alg> {
    let mut scratch = token::Scratch::default();
    match token::decode(normalize(token), &mut scratch).ok()? {
        token::View::Signed { header, .. } => header
            .get("alg")
            .and_then(crate::jwt::json::Json::as_str)
            .and_then(Alg::from_name),
        token::View::Encrypted { .. } => None,
    }
}

/// `JWTCTL_SECRET` is the key when nothing else is given; when it is not set either, say what
/// would fit. A token signed with a key pair (its header read only to word this) needs a public
/// key, not a secret; otherwise, how to give one.
fn no_key(
    error: anyhow::Error,
    source: &KeySource,
    token: Option<&TokenInput>,
    algs: &[Alg],
) -> anyhow::Error {
    let unset = matches!(source, KeySource::SecretEnv { name, .. }
        if name == SECRET_VARIABLE && std::env::var_os(name).is_none());
    if !unset {
        return error;
    }
    let token_alg = match token {
        Some(TokenInput::Argument(text)) if algs.is_empty() => header_alg(text),
        _ => None,
    };
    match token_alg {
        Some(alg) if alg.family() != Family::Hmac => UsageError::of(
            UsageKind::Missing,
            format!(
                "no key given for this {alg} token, which is verified with its issuer's public \
                 key: --key-file PUBLIC.pem, --jwks FILE|URL, or --oidc ISSUER"
            ),
        )
        .into(),
        Some(_) => error.context(Hint(NO_SECRET_HINT.to_owned())),
        None if token.is_some() => error.context(Hint(format!(
            "{NO_SECRET_HINT}\na token signed with a key pair (RS*, PS*, ES*, EdDSA) needs \
             --key-file PUBLIC.pem, --jwks FILE|URL or --oidc ISSUER instead"
        ))),
        None => error.context(Hint(NO_SECRET_HINT.to_owned())),
    }
}

/// A signer from loaded key material. `public` receives the public half of a private key, for
/// commands that also verify with it.
struct SigningParts {
    signer: Signer,
    /// The public half of a key pair (for `--x5c`).
    public: Option<PublicKey>,
    /// The refresh tokens' key derived from the main key, and its algorithm, when asked for.
    derived_refresh: Option<(Secret, Alg)>,
}

/// The derived refresh key of [`SigningParts`]: asked for by every caller that reads it, and an
/// error rather than a panic if that ever changes.
fn derived(derived_refresh: &Option<(Secret, Alg)>) -> Result<&(Secret, Alg), UsageError> {
    derived_refresh
        .as_ref()
        .ok_or_else(|| UsageError::new("no refresh-token key was derived"))
}

/// The signer of the main key and, with `derive_refresh`, the refresh tokens' derived key.
fn signing_parts(
    material: KeyMaterial,
    alg: Option<Alg>,
    kid: Option<String>,
    derive_refresh: bool,
    allow_weak: bool,
    ctx: &Context,
) -> anyhow::Result<SigningParts> {
    match material {
        KeyMaterial::Private { key, path, meta } => {
            let alg = meta.algorithm(alg, key.key_type.default_alg(), &path)?;
            if !key.key_type.fits(alg) {
                return Err(unfit_key(alg, &path, key.key_type).into());
            }
            let public = key.public_key()?;
            // Tokens carry the JWK's kid, else the key's RFC 7638 thumbprint, the kid
            // `jwtctl jwks` publishes.
            let kid = match kid.or(meta.kid) {
                Some(kid) => Some(kid),
                None => Some(jwk::thumbprint(&public, alg)?),
            };
            let derived_refresh = if derive_refresh {
                Some((derive::refresh_key_of_private(&key)?, Alg::HS256))
            } else {
                None
            };
            Ok(SigningParts {
                signer: Signer::from_private_key(alg, key, kid),
                public: Some(public),
                derived_refresh,
            })
        }
        KeyMaterial::Public { path, .. } => Err(keys::public_where_private(&path).into()),
        KeyMaterial::Secret {
            secret,
            source,
            meta,
        } => {
            let kid = kid.or(meta.kid.clone());
            let alg = match &source {
                SecretSource::File(path) => meta.algorithm(alg, Alg::HS256, path)?,
                _ => alg.unwrap_or(Alg::HS256),
            };
            secret_fits(alg, KeyUse::Sign)?;
            keys::check_secret_length(&secret, alg, allow_weak, &source, &mut ctx.warner())?;
            let refresh_alg = refresh_alg(alg);
            let derived_refresh = if derive_refresh {
                Some((
                    derive::refresh_key_of_secret(&secret, refresh_alg)?,
                    refresh_alg,
                ))
            } else {
                None
            };
            Ok(SigningParts {
                signer: Signer::from_secret(alg, &secret, kid),
                public: None,
                derived_refresh,
            })
        }
        KeyMaterial::Jwks(_) | KeyMaterial::Remote(_) => {
            Err(UsageError::new("a JWKS holds public keys; it cannot sign").into())
        }
    }
}

/// Whether a private key file may stand in for its public half.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PrivateKeys {
    /// `verify` needs only the public key, and a private key where a public one is enough is
    /// a configuration mistake worth reporting.
    Refuse,
    /// `refresh` and `revoke --token` sign as well as verify with `--key-file`: the private
    /// key is needed anyway, and its public half verifies.
    Accept,
}

/// The verifying key and the pinned algorithms. The algorithms come from `--alg` or the key,
/// never from a token.
fn verifying_key(
    material: &KeyMaterial,
    algs: &[Alg],
    private_keys: PrivateKeys,
    allow_weak: bool,
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    let pinned =
        |key_type: keys::KeyType, path: &Path, meta: &KeyMeta| -> Result<Vec<Alg>, UsageError> {
            let algs = if algs.is_empty() {
                vec![meta.algorithm(None, key_type.default_alg(), path)?]
            } else {
                for alg in algs {
                    meta.algorithm(Some(*alg), key_type.default_alg(), path)?;
                }
                algs.to_vec()
            };
            match algs.iter().find(|alg| !key_type.fits(**alg)) {
                Some(alg) => Err(unfit_key(*alg, path, key_type)),
                None => Ok(algs),
            }
        };
    match material {
        KeyMaterial::Public { key, path, meta } => {
            let algs = pinned(key.key_type, path, meta)?;
            Ok((VerifyingKey::Public(key.clone()), algs))
        }
        KeyMaterial::Private { key, path, meta } => {
            if private_keys == PrivateKeys::Refuse {
                return Err(keys::private_where_public(path).into());
            }
            let algs = pinned(key.key_type, path, meta)?;
            Ok((VerifyingKey::Public(key.public_key()?), algs))
        }
        KeyMaterial::Secret {
            secret,
            source,
            meta,
        } => {
            let algs = match source {
                SecretSource::File(path) if algs.is_empty() => {
                    vec![meta.algorithm(None, Alg::HS256, path)?]
                }
                SecretSource::File(path) => {
                    for alg in algs {
                        meta.algorithm(Some(*alg), Alg::HS256, path)?;
                    }
                    algs.to_vec()
                }
                _ if algs.is_empty() => vec![Alg::HS256],
                _ => algs.to_vec(),
            };
            for alg in &algs {
                secret_fits(*alg, KeyUse::Verify)?;
            }
            for alg in &algs {
                keys::check_secret_length(secret, *alg, allow_weak, source, &mut ctx.warner())?;
            }
            Ok((VerifyingKey::from_secret(secret), algs))
        }
        KeyMaterial::Jwks(keys) => Ok((VerifyingKey::Set(keys.clone()), jwks_algs(keys, algs)?)),
        KeyMaterial::Remote(remote) => {
            let keys = remote.keys();
            let algs = jwks_algs(&keys, algs)?;
            Ok((VerifyingKey::Set(keys.as_ref().clone()), algs))
        }
    }
}

/// `--alg`, else every algorithm the keys of a JWKS announce or their types imply; never an
/// HMAC one, whose secret a JWKS (least of all a fetched one) must not supply.
fn jwks_algs(keys: &[JwksKey], algs: &[Alg]) -> Result<Vec<Alg>, UsageError> {
    let algs = if algs.is_empty() {
        let mut announced: Vec<Alg> = keys.iter().map(JwksKey::default_alg).collect();
        announced.sort_by_key(|alg| alg.name());
        announced.dedup();
        announced
    } else {
        algs.to_vec()
    };
    match algs.iter().find(|alg| alg.family() == Family::Hmac) {
        Some(alg) => Err(UsageError::new(format!(
            "algorithm {alg} needs a secret, not a JWKS"
        ))),
        None => Ok(algs),
    }
}

/// The key that verifies refresh tokens signed with the key derived from the main one: the
/// secret's, or the private key's. A public key cannot: that is the point of deriving it.
fn derived_refresh_key(
    material: &KeyMaterial,
    main_alg: Option<Alg>,
    allow_weak: bool,
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    let (secret, alg) = match material {
        KeyMaterial::Secret { secret, source, .. } => {
            let main_alg = main_alg.unwrap_or(Alg::HS256);
            secret_fits(main_alg, KeyUse::Verify)?;
            keys::check_secret_length(secret, main_alg, allow_weak, source, &mut ctx.warner())?;
            let alg = refresh_alg(main_alg);
            (derive::refresh_key_of_secret(secret, alg)?, alg)
        }
        KeyMaterial::Private { key, .. } => (derive::refresh_key_of_private(key)?, Alg::HS256),
        KeyMaterial::Public { path, .. } => {
            return Err(KeyError::wrong_kind(format!(
                "{} holds a public key, and refresh tokens are signed with a key derived from \
                 the private one: verifying them needs the private key, or the refresh secret \
                 (--refresh-secret-file, --refresh-secret-env)",
                text::path(path)
            ))
            .into());
        }
        KeyMaterial::Jwks(_) | KeyMaterial::Remote(_) => {
            return Err(UsageError::new(
                "a JWKS holds public keys; refresh tokens are checked with jwtctl's own key",
            )
            .into());
        }
    };
    Ok((VerifyingKey::from_secret(&secret), vec![alg]))
}

/// The algorithm for refresh tokens under their own secret: the main one if it is HMAC.
fn refresh_alg(main: Alg) -> Alg {
    if main.family() == Family::Hmac {
        main
    } else {
        Alg::HS256
    }
}

/// The refresh tokens' own secret, read and checked for `alg`.
fn refresh_secret(
    source: &KeySource,
    alg: Alg,
    allow_weak: bool,
    ctx: &Context,
) -> anyhow::Result<Secret> {
    match source.load(Want::Either, ctx)? {
        KeyMaterial::Secret { secret, source, .. } => {
            keys::check_secret_length(&secret, alg, allow_weak, &source, &mut ctx.warner())?;
            Ok(secret)
        }
        // Refresh sources are secrets only.
        _ => Err(UsageError::new("the refresh key must be an HMAC secret").into()),
    }
}

/// Refuses a refresh key typed on the command line where nothing would use it (2): ignoring it
/// would hide the mistake (the wrong command, a missing `--type refresh`), and a path that
/// cannot be read would go unnoticed. `$JWTCTL_REFRESH_SECRET` is a default, not a choice, and
/// is not refused.
fn unused_refresh_key(args: &RefreshKeyArgs, why: &str) -> Result<(), UsageError> {
    match typed_refresh_option(args) {
        Some(option) => Err(UsageError::of(
            UsageKind::Conflict,
            format!("{option} is not used {why}"),
        )),
        None => Ok(()),
    }
}

/// As [`unused_refresh_key`], for the main key's options; `$JWTCTL_SECRET` is a default and is
/// not refused.
fn unused_main_key(args: &KeyArgs, why: &str) -> Result<(), UsageError> {
    let typed = [
        (args.secret_file.is_some(), "--secret-file"),
        (args.secret_env.is_some(), "--secret-env"),
        (args.key_file.is_some(), "--key-file"),
    ];
    match typed.iter().find(|(given, _)| *given) {
        Some((_, option)) => Err(UsageError::of(
            UsageKind::Conflict,
            format!("{option} is not used {why}"),
        )),
        None => Ok(()),
    }
}

/// The refresh-key option typed on the command line, if one was.
fn typed_refresh_option(args: &RefreshKeyArgs) -> Option<&'static str> {
    match (&args.refresh_secret_file, &args.refresh_secret_env) {
        (Some(_), _) => Some("--refresh-secret-file"),
        (None, Some(_)) => Some("--refresh-secret-env"),
        (None, None) => None,
    }
}

/// The policy that checks a token jwtctl issued for a session, with the claims the store needs.
fn session_policy(
    key: VerifyingKey,
    algorithms: Vec<Alg>,
    token_type: TokenType,
    required: &[&str],
    ignore_time: bool,
) -> Policy {
    Policy {
        algorithms,
        key,
        issuer: None,
        audience: Vec::new(),
        // Tokens jwtctl issued for a session carry the audiences they were issued for.
        any_audience: true,
        subject: None,
        leeway: 0,
        token_type,
        required: required.iter().map(|name| (*name).to_owned()).collect(),
        ignore_time,
        allow_no_exp: false,
    }
}

// ---------------------------------------------------------------------------------------------
// Files and standard input named by options

/// Reads a file named on the command line (not a key), at most `limit` bytes.
pub fn read_argument_file(path: &Path, what: &str, limit: u64) -> Result<String, UsageError> {
    let shown = text::path(path);
    let fail = |error: std::io::Error| {
        UsageError::of(
            UsageKind::File,
            format!("cannot read {what} {shown}: {error}"),
        )
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(fail)?;
    if text.len() as u64 > limit {
        return Err(UsageError::of(
            UsageKind::File,
            format!("{what} {shown} is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(text)
}

fn read_stdin_text(what: &str, limit: u64) -> Result<String, UsageError> {
    let mut text = String::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|error| {
            UsageError::of(
                UsageKind::File,
                format!("cannot read {what} from standard input: {error}"),
            )
        })?;
    if text.len() as u64 > limit {
        return Err(UsageError::of(
            UsageKind::File,
            format!("{what} on standard input is larger than the limit of {limit} bytes"),
        ));
    }
    Ok(text)
}

// ---------------------------------------------------------------------------------------------
// The store

/// Where the store is and how to reach it, resolved; opened only by the command that needs it,
/// when it needs it.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub location: Location,
    pub options: OpenOptions,
}

impl StoreConfig {
    pub fn of(args: &StoreArgs) -> Result<StoreConfig, UsageError> {
        StoreConfig::at(args.store.as_deref(), &args.server)
    }

    /// `--store` (or `JWTCTL_STORE`, which clap already folded in), else the default file.
    pub fn at(value: Option<&str>, server: &StoreServerArgs) -> Result<StoreConfig, UsageError> {
        let location = match value.filter(|value| !value.is_empty()) {
            Some(value) => Location::parse(value).map_err(UsageError::new)?,
            None => Location::default_file().ok_or_else(|| {
                UsageError::of(
                    UsageKind::Missing,
                    "no data directory is known for the default store; pass --store PATH",
                )
            })?,
        };
        Ok(StoreConfig {
            location,
            options: OpenOptions {
                prefix: server.store_prefix.clone(),
                timeout: server.store_timeout,
                allow_eviction: server.store_allow_eviction,
            },
        })
    }

    /// Opens the store. For the file store this does no I/O; a Redis store connects here.
    pub fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        store::open(&self.location, &self.options)
    }

    /// Opens the store only to read it. A file store that does not exist is an error (exit 4),
    /// since a mistyped path would otherwise read as an empty store.
    pub fn open_existing(&self) -> Result<Box<dyn Store>, StoreError> {
        store::open_existing(&self.location, &self.options)
    }
}

// ---------------------------------------------------------------------------------------------
// issue

/// The claims the options set: `--claim`s, then the named flags. They win over the payload.
pub struct Overrides {
    claims: Vec<(String, Value)>,
}

impl Overrides {
    pub fn from_args(args: &IssueArgs) -> Result<Self, UsageError> {
        let mut claims = Vec::new();
        for argument in &args.claims {
            claims.push(parse_claim(argument).map_err(UsageError::new)?);
        }
        // One of the two would be dropped without a word: the claim, since the flag wins.
        for (name, flag, given) in [
            ("sub", "--sub", args.sub.is_some()),
            ("iss", "--iss", args.iss.is_some()),
            ("aud", "--aud", !args.aud.is_empty()),
        ] {
            if given && claims.iter().any(|(claim, _)| claim == name) {
                return Err(UsageError::of(
                    UsageKind::Conflict,
                    format!("--claim {name} and {flag} both set {name}: give one"),
                ));
            }
        }
        if let Some(sub) = &args.sub {
            claims.push(("sub".into(), Value::from(sub.as_str())));
        }
        if let Some(iss) = &args.iss {
            claims.push(("iss".into(), Value::from(iss.as_str())));
        }
        match args.aud.as_slice() {
            [] => {}
            [one] => claims.push(("aud".into(), Value::from(one.as_str()))),
            many => claims.push(("aud".into(), Value::from(many.to_vec()))),
        }
        Ok(Overrides { claims })
    }

    /// Applies the options to `claims` and removes the claims jwtctl sets itself; returns the
    /// names of those it removed.
    pub fn apply(&self, claims: &mut Claims) -> Vec<&'static str> {
        for (key, value) in &self.claims {
            claims.insert(key.clone(), value.clone());
        }
        OWN_CLAIMS
            .iter()
            .copied()
            .filter(|name| claims.remove(*name).is_some())
            .collect()
    }
}

/// `issue`, resolved.
pub struct IssueConfig<'a> {
    pub args: &'a IssueArgs,
    /// The claims of the one pair; empty for `--batch`, whose lines bring their own.
    pub claims: Claims,
    pub overrides: Overrides,
    pub access_ttl: i64,
    /// `None`: `--no-refresh`.
    pub refresh_ttl: Option<i64>,
    pub signers: Signers,
    /// Where refresh tokens are recorded; `None` with `--no-refresh`.
    pub store: Option<StoreConfig>,
    /// `--encrypt-to`: each token printed is encrypted to this recipient.
    pub encryption: Option<Encryption>,
    /// What `--header typ=`, `--exp`, `--nbf`, `--iat` and `--jti` set for a standalone token.
    pub standalone: Standalone,
}

/// A standalone token's own header type, times and id (a pair keeps its types and TTLs).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Standalone {
    pub typ: Option<String>,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
    pub jti: Option<String>,
}

impl Standalone {
    /// Whether the token differs from what the plain path mints.
    pub fn crafted(&self) -> bool {
        *self != Standalone::default()
    }
}

/// `--header`, `--exp`, `--nbf`, `--iat` and `--jti`, checked against pair and batch mode.
fn standalone(args: &IssueArgs, now: i64) -> Result<(Standalone, Claims), UsageError> {
    let pair = !args.no_refresh;
    let header = parse_headers(&args.headers, pair).map_err(UsageError::new)?;
    let given = [
        ("--exp", args.exp.is_some()),
        ("--nbf", args.nbf.is_some()),
        ("--iat", args.iat.is_some()),
        ("--jti", args.jti.is_some()),
        ("--header typ", header.typ.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, given)| *given) {
        if pair {
            return Err(UsageError::new(format!(
                "{flag} is for a standalone token (--no-refresh); a pair keeps --access-ttl \
                 and --refresh-ttl"
            )));
        }
        if args.batch {
            return Err(UsageError::new(format!(
                "{flag} cannot be used with --batch"
            )));
        }
    }
    let time = |value: &Option<String>, flag: &str| {
        value
            .as_deref()
            .map(|text| parse_time(text, now, flag).map_err(UsageError::new))
            .transpose()
    };
    let standalone = Standalone {
        typ: header.typ,
        exp: time(&args.exp, "--exp")?,
        nbf: time(&args.nbf, "--nbf")?,
        iat: time(&args.iat, "--iat")?,
        jti: args.jti.clone(),
    };
    Ok((standalone, header.members))
}

fn issue<'a>(args: &'a IssueArgs, ctx: &Context) -> anyhow::Result<IssueConfig<'a>> {
    let mut claims_stdin = StdinClaims::default();
    if args.batch {
        claims_stdin.claim(Claimant::ClaimLines, "--batch")?;
    }
    match args.payload.as_deref() {
        Some("-") => claims_stdin.claim(Claimant::Payload, "--payload -")?,
        Some(payload) => {
            // `@-` is a file named `-`; `@/dev/stdin` and its kin are standard input.
            if let Some(path) = payload.strip_prefix('@').filter(|path| *path != "-") {
                claims_stdin.claim_path(Claimant::Payload, "--payload", Path::new(path))?;
            }
        }
        None => {}
    }
    let main = KeySource::main(&args.key, &mut claims_stdin)?;
    let refresh_source = if args.no_refresh {
        unused_refresh_key(
            &args.refresh_key,
            "with --no-refresh: no refresh token is issued",
        )?;
        None
    } else {
        KeySource::refresh(&args.refresh_key, &mut claims_stdin)?
    };
    let encryption = jwe::encryption(&args.encrypt_to, &mut claims_stdin, ctx)?;
    let overrides = Overrides::from_args(args)?;
    let claims = if args.batch {
        Claims::new()
    } else {
        build_claims(args, &overrides, ctx)?
    };
    let access_ttl = args.access_ttl;
    let refresh_ttl = if args.no_refresh {
        None
    } else {
        if !args.batch && !claims.get("sub").is_some_and(Value::is_string) {
            return Err(UsageError::of(
                UsageKind::Missing,
                "--sub is required when a refresh token is issued (or pass --no-refresh)",
            )
            .into());
        }
        if args.refresh_ttl <= access_ttl {
            ctx.output.warning(
                "--refresh-ttl is not longer than --access-ttl: the refresh token will be of no use",
            );
        }
        Some(args.refresh_ttl)
    };
    let (standalone, mut header) = standalone(args, ctx.now)?;
    let parts = signing_parts(
        {
            let main = main.with_kid(args.kid.clone());
            main.load(Want::Private, ctx)
                .map_err(|error| no_key(error, &main, None, &[]))?
        },
        args.alg.map(Alg::from),
        args.kid.clone(),
        refresh_ttl.is_some() && refresh_source.is_none(),
        args.key.allow_weak_secret,
        ctx,
    )?;
    if let Some(chain) = &args.x5c {
        let (Some(public), Some(key_file)) = (&parts.public, &args.key.key_file) else {
            return Err(UsageError::new("--x5c needs a key pair in --key-file").into());
        };
        let origin = text::path(chain);
        let content = read_argument_file(chain, "certificate chain", keys::MAX_KEY_FILE_BYTES)?;
        let chain = CertificateChain::read(content.as_bytes(), &origin)?;
        chain.check_leaf(public, &origin).map_err(|error| {
            UsageError::new(format!("{error}, which is in {}", text::path(key_file)))
        })?;
        header.extend(chain.header_members());
    }
    let access = parts.signer.with_header_members(header);
    let refresh = match (&refresh_source, refresh_ttl) {
        (_, None) => None,
        (Some(source), Some(_)) => {
            let alg = refresh_alg(access.alg());
            let secret = refresh_secret(source, alg, args.key.allow_weak_secret, ctx)?;
            Some(Signer::from_secret(alg, &secret, None))
        }
        (None, Some(_)) => {
            let (secret, alg) = derived(&parts.derived_refresh)?;
            Some(Signer::from_secret(*alg, secret, None))
        }
    };
    let store = match refresh_ttl {
        Some(_) => Some(StoreConfig::of(&args.store)?),
        None => None,
    };
    Ok(IssueConfig {
        args,
        claims,
        overrides,
        access_ttl,
        refresh_ttl,
        signers: Signers { access, refresh },
        store,
        standalone,
        encryption,
    })
}

/// The payload first, then `--claim`s, then the named flags: later sources win.
fn build_claims(args: &IssueArgs, overrides: &Overrides, ctx: &Context) -> anyhow::Result<Claims> {
    let mut claims = match &args.payload {
        None => Claims::new(),
        Some(payload) => read_payload(payload)?,
    };
    let replaced = overrides.apply(&mut claims);
    if !replaced.is_empty() {
        ctx.output.warning(&format!(
            "{} replaced: jwtctl sets these claims itself",
            describe_list(&replaced)
        ));
    }
    // A token its own verify would refuse is not issued.
    check_registered(&claims).map_err(UsageError::new)?;
    Ok(claims)
}

fn describe_list(names: &[&str]) -> String {
    match names {
        [one] => format!("{one} was"),
        _ => format!("{} were", names.join(", ")),
    }
}

fn read_payload(argument: &str) -> Result<Claims, UsageError> {
    let (text, origin) = if argument == "-" {
        (
            read_stdin_text("the payload", MAX_PAYLOAD_BYTES)?,
            "standard input".to_owned(),
        )
    } else if let Some(path) = argument.strip_prefix('@').map(PathBuf::from) {
        let text = read_argument_file(&path, "payload file", MAX_PAYLOAD_BYTES)?;
        (text, text::path(&path))
    } else {
        (argument.to_owned(), "--payload".to_owned())
    };
    parse_payload(&text, &origin).map_err(UsageError::new)
}

// ---------------------------------------------------------------------------------------------
// verify

/// `verify`, resolved.
pub struct VerifyConfig<'a> {
    pub args: &'a VerifyArgs,
    /// The policy, renewable when its keys came from a URL.
    pub verifier: Verifier,
    /// `--now`.
    pub fixed_now: Option<i64>,
    /// The token; `None` for `--batch`.
    pub token: Option<TokenInput>,
    /// The store to check revocations in, with `--check-revocation` or `--store`.
    pub store: Option<StoreConfig>,
    /// `--decrypt-key`: the token is a nested JWT.
    pub nested: Nested,
}

fn verify<'a>(args: &'a VerifyArgs, ctx: &Context) -> anyhow::Result<VerifyConfig<'a>> {
    let mut stdin = StdinClaims::default();
    let token = if args.batch {
        stdin.claim(Claimant::Tokens, "--batch")?;
        None
    } else {
        Some(TokenInput::of(args.token.as_deref(), &mut stdin)?)
    };
    let nested = jwe::nested(&args.nested, &mut stdin, ctx)?;
    let algs: Vec<Alg> = args.algs.iter().copied().map(Alg::from).collect();
    let token_type = args.token_type.map(TokenType::from);
    let issuer = implied_issuer(args)?;
    let mut renewable = None;
    let remote = remote_source(args)?;
    if remote.is_some() || args.jwks.is_some() {
        unused_refresh_key(
            &args.refresh_key,
            "with --jwks or --oidc: every key comes from the key set",
        )?;
    } else if !matches!(token_type, Some(TokenType::Refresh | TokenType::Any)) {
        unused_refresh_key(
            &args.refresh_key,
            "here: verify takes refresh tokens only with --type refresh or --type any",
        )?;
    }
    let (key, algorithms) = match (remote, &args.jwks) {
        (Some(source), _) => {
            let settings = remote_settings(&args.remote)?;
            let material = KeySource::Remote { source, settings }.load(Want::Public, ctx)?;
            let key = verifying_key(&material, &algs, PrivateKeys::Refuse, false, ctx)?;
            if let KeyMaterial::Remote(keys) = material {
                renewable = Some(keys);
            }
            key
        }
        (None, Some(path)) => {
            let material = KeySource::jwks(path, &mut stdin)?.load(Want::Public, ctx)?;
            verifying_key(&material, &algs, PrivateKeys::Refuse, false, ctx)?
        }
        (None, None) => {
            let main = KeySource::main(&args.key, &mut stdin)?.with_kid(args.kid.clone());
            let refresh = match token_type {
                // Refresh tokens may be signed with their own secret.
                Some(TokenType::Refresh) => KeySource::refresh(&args.refresh_key, &mut stdin)?,
                _ => None,
            };
            match refresh {
                Some(source) => {
                    let alg = refresh_alg(algs.first().copied().unwrap_or(Alg::HS256));
                    let secret = refresh_secret(&source, alg, args.key.allow_weak_secret, ctx)?;
                    (VerifyingKey::from_secret(&secret), vec![alg])
                }
                None if token_type == Some(TokenType::Refresh) => derived_refresh_key(
                    &main.load(Want::Either, ctx)?,
                    algs.first().copied(),
                    args.key.allow_weak_secret,
                    ctx,
                )?,
                None => {
                    let material = main
                        .load(Want::Public, ctx)
                        .map_err(|error| no_key(error, &main, token.as_ref(), &algs))?;
                    let (key, mut algorithms) = verifying_key(
                        &material,
                        &algs,
                        PrivateKeys::Refuse,
                        args.key.allow_weak_secret,
                        ctx,
                    )?;
                    // `--type any` takes refresh tokens too, signed with the refresh secret or
                    // the key derived from the main secret.
                    let refresh = match (token_type, &material) {
                        (Some(TokenType::Any), KeyMaterial::Secret { .. }) => {
                            Some(match KeySource::refresh(&args.refresh_key, &mut stdin)? {
                                Some(source) => {
                                    let alg = refresh_alg(
                                        algorithms.first().copied().unwrap_or(Alg::HS256),
                                    );
                                    let secret = refresh_secret(
                                        &source,
                                        alg,
                                        args.key.allow_weak_secret,
                                        ctx,
                                    )?;
                                    (VerifyingKey::from_secret(&secret), vec![alg])
                                }
                                None => derived_refresh_key(
                                    &material,
                                    algorithms.first().copied(),
                                    args.key.allow_weak_secret,
                                    ctx,
                                )?,
                            })
                        }
                        (Some(TokenType::Any), _) => {
                            unused_refresh_key(
                                &args.refresh_key,
                                "here: --type any takes refresh tokens only with an HMAC main \
                                 secret (check them with --type refresh)",
                            )?;
                            None
                        }
                        _ => None,
                    };
                    match refresh {
                        Some((refresh_key, refresh_algs)) => {
                            for alg in refresh_algs {
                                if !algorithms.contains(&alg) {
                                    algorithms.push(alg);
                                }
                            }
                            (VerifyingKey::AnyOf(vec![key, refresh_key]), algorithms)
                        }
                        None => (key, algorithms),
                    }
                }
            }
        }
    };
    let policy = Policy {
        algorithms,
        key,
        issuer,
        audience: args.aud.clone(),
        any_audience: args.any_aud,
        subject: args.sub.clone(),
        leeway: args.leeway,
        token_type: token_type.unwrap_or(TokenType::NotRefresh),
        required: args.required.clone(),
        ignore_time: false,
        allow_no_exp: args.allow_no_exp,
    };
    let store = if args.check_revocation || args.store.is_some() {
        let value = args
            .store
            .clone()
            .or_else(|| std::env::var(STORE_VARIABLE).ok());
        Some(StoreConfig::at(value.as_deref(), &args.store_server)?)
    } else {
        None
    };
    let verifier = match renewable {
        Some(keys) => Verifier::Remote(Box::new(RenewablePolicy::new(policy, *keys))),
        None => Verifier::Fixed(Box::new(policy)),
    };
    Ok(VerifyConfig {
        args,
        verifier,
        fixed_now: args.now,
        token,
        store,
        nested,
    })
}

/// The remote key source of `--oidc`, or of a `--jwks` value that is a URL.
fn remote_source(args: &VerifyArgs) -> Result<Option<RemoteSource>, RemoteError> {
    if let Some(issuer) = &args.remote.oidc {
        remote::discovery::parse_issuer(issuer)?;
        return Ok(Some(RemoteSource::Issuer(issuer.clone())));
    }
    match args.jwks.as_deref().and_then(Path::to_str) {
        Some(text) if is_url(text) => Ok(Some(RemoteSource::Jwks(remote::location::parse(
            text, "--jwks",
        )?))),
        _ => Ok(None),
    }
}

/// `scheme://...`: a URL, never a file name, whatever the scheme (others are refused later).
fn is_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The issuer a token must name: `--oidc` implies it, and an `--iss` that differs is a mistake.
fn implied_issuer(args: &VerifyArgs) -> Result<Option<String>, UsageError> {
    match (&args.remote.oidc, &args.iss) {
        (Some(oidc), Some(iss)) if oidc != iss => Err(UsageError::of(
            UsageKind::Conflict,
            format!(
                "--iss {iss:?} conflicts with --oidc {oidc:?}: tokens of that provider carry iss \
                 {oidc:?} (leave out --iss; --oidc implies it)"
            ),
        )),
        (Some(oidc), _) => Ok(Some(oidc.clone())),
        (None, iss) => Ok(iss.clone()),
    }
}

/// The longest `--fetch-timeout`: a verifier that waits longer is stuck, not patient.
const MAX_FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

fn remote_settings(args: &RemoteKeyArgs) -> Result<remote::Settings, UsageError> {
    let timeout = humantime::parse_duration(args.fetch_timeout.trim())
        .ok()
        .filter(|timeout| !timeout.is_zero() && *timeout <= MAX_FETCH_TIMEOUT)
        .ok_or_else(|| {
            UsageError::new(format!(
                "--fetch-timeout {:?}: expected a duration from 1ms to 10m, such as 5s",
                args.fetch_timeout
            ))
        })?;
    let mode = if args.offline {
        CacheMode::Offline
    } else if args.no_cache {
        CacheMode::NoCache
    } else {
        CacheMode::Normal
    };
    Ok(remote::Settings {
        mode,
        timeout,
        ca_file: args.ca_file.clone(),
        ..remote::Settings::default()
    })
}

// ---------------------------------------------------------------------------------------------
// decode

/// `decode`, resolved.
pub struct DecodeConfig<'a> {
    pub args: &'a DecodeArgs,
    /// The token; `None` for `--batch`.
    pub token: Option<TokenInput>,
    /// `--decrypt-key`: show the signed token inside a nested JWT.
    pub nested: Nested,
}

fn decode<'a>(args: &'a DecodeArgs, ctx: &Context) -> anyhow::Result<DecodeConfig<'a>> {
    let mut stdin = StdinClaims::default();
    let token = if args.batch {
        stdin.claim(Claimant::Tokens, "--batch")?;
        None
    } else {
        Some(TokenInput::of(args.token.as_deref(), &mut stdin)?)
    };
    let nested = jwe::nested(&args.nested, &mut stdin, ctx)?;
    Ok(DecodeConfig {
        args,
        token,
        nested,
    })
}

// ---------------------------------------------------------------------------------------------
// refresh

/// `refresh`, resolved.
pub struct RefreshConfig<'a> {
    pub args: &'a RefreshArgs,
    /// Checks the presented refresh token, with the key that signed it.
    pub policy: Policy,
    pub signers: Signers,
    pub token: TokenInput,
    pub access_ttl: i64,
    /// `None`: `--no-rotate`.
    pub refresh_ttl: Option<i64>,
    /// `--payload` then `--claim`s: claims of the new pair over the carried ones.
    pub claim_overrides: Claims,
    pub store: StoreConfig,
    /// `--decrypt-key`: the refresh token is a nested JWT.
    pub nested: Nested,
    /// `--encrypt-to`: the new tokens are encrypted to this recipient.
    pub encryption: Option<Encryption>,
}

/// `refresh --payload` and `--claim`, read and checked like `issue`'s. The session's subject
/// cannot change (the store records the session under it), and the claims jwtctl sets itself
/// are dropped with a warning.
fn refresh_overrides(args: &RefreshArgs, ctx: &Context) -> Result<Claims, UsageError> {
    let mut claims = match &args.payload {
        None => Claims::new(),
        Some(payload) => read_payload(payload)?,
    };
    for argument in &args.claims {
        let (key, value) = parse_claim(argument).map_err(UsageError::new)?;
        claims.insert(key, value);
    }
    if claims.contains_key("sub") {
        return Err(UsageError::new(
            "refresh cannot change sub: the session belongs to the subject it was issued to",
        ));
    }
    let replaced: Vec<&'static str> = OWN_CLAIMS
        .iter()
        .chain(&["sid", "nbf"])
        .copied()
        .filter(|name| claims.remove(*name).is_some())
        .collect();
    if !replaced.is_empty() {
        ctx.output.warning(&format!(
            "{} replaced: jwtctl sets these claims itself",
            describe_list(&replaced)
        ));
    }
    Ok(claims)
}

fn refresh<'a>(args: &'a RefreshArgs, ctx: &Context) -> anyhow::Result<RefreshConfig<'a>> {
    let mut stdin = StdinClaims::default();
    let token = TokenInput::of(args.token.as_deref(), &mut stdin)?;
    if args.payload.as_deref() == Some("-") {
        stdin.claim(Claimant::Payload, "--payload -")?;
    }
    let main = KeySource::main(&args.key, &mut stdin)?;
    let refresh_source = KeySource::refresh(&args.refresh_key, &mut stdin)?;
    let nested = jwe::nested(&args.nested, &mut stdin, ctx)?;
    let encryption = jwe::encryption(&args.encrypt_to, &mut stdin, ctx)?;
    let alg = args.alg.map(Alg::from);
    // The main key is read and parsed once: it signs the new access token and, without a
    // refresh secret, the new refresh token, and verifies the presented one.
    let parts = signing_parts(
        main.load(Want::Private, ctx)?,
        alg,
        None,
        refresh_source.is_none(),
        args.key.allow_weak_secret,
        ctx,
    )?;
    let access_alg = parts.signer.alg();
    let (refresh_signer, key, algorithms) = match &refresh_source {
        Some(source) => {
            let refresh_alg = refresh_alg(access_alg);
            let secret = refresh_secret(source, refresh_alg, args.key.allow_weak_secret, ctx)?;
            (
                Some(Signer::from_secret(refresh_alg, &secret, None)),
                VerifyingKey::from_secret(&secret),
                vec![refresh_alg],
            )
        }
        None => {
            let (secret, alg) = derived(&parts.derived_refresh)?;
            (
                Some(Signer::from_secret(*alg, secret, None)),
                VerifyingKey::from_secret(secret),
                vec![*alg],
            )
        }
    };
    Ok(RefreshConfig {
        args,
        policy: session_policy(
            key,
            algorithms,
            TokenType::Refresh,
            &["jti", "sub", "sid"],
            false,
        ),
        signers: Signers {
            access: parts.signer,
            refresh: refresh_signer,
        },
        token,
        access_ttl: args.access_ttl,
        refresh_ttl: (!args.no_rotate).then_some(args.refresh_ttl),
        claim_overrides: refresh_overrides(args, ctx)?,
        store: StoreConfig::of(&args.store)?,
        nested,
        encryption,
    })
}

// ---------------------------------------------------------------------------------------------
// revoke

/// What `revoke` takes away.
pub enum RevokeTarget {
    User(String),
    Family(String),
    All,
    /// The family of this token, once its signature is verified; or why it was rejected.
    Token(Box<Result<(String, Policy), TokenError>>),
}

/// `revoke`, resolved.
pub struct RevokeConfig<'a> {
    pub args: &'a RevokeArgs,
    pub target: RevokeTarget,
    pub store: StoreConfig,
}

fn revoke<'a>(args: &'a RevokeArgs, ctx: &Context) -> anyhow::Result<RevokeConfig<'a>> {
    if args.token.is_none() {
        let why = "here: only revoke --token verifies a token";
        unused_refresh_key(&args.refresh_key, why)?;
        unused_main_key(&args.key, why)?;
    }
    let target = match (&args.user, &args.token, &args.family, args.all) {
        (Some(user), ..) => RevokeTarget::User(user.clone()),
        (_, Some(token), ..) => RevokeTarget::Token(Box::new(revoke_token(token, args, ctx)?)),
        (_, _, Some(family), _) => RevokeTarget::Family(family.clone()),
        (.., true) => RevokeTarget::All,
        // clap's required group makes this unreachable; keep it an error, not a panic.
        _ => {
            return Err(UsageError::of(
                UsageKind::Missing,
                "say what to revoke: --user, --token, --family or --all",
            )
            .into());
        }
    };
    Ok(RevokeConfig {
        args,
        target,
        store: StoreConfig::of(&args.store)?,
    })
}

/// The token of `revoke --token` and the policy that verifies it. The unverified `typ` only
/// chooses which of our own keys checks the signature. Expired tokens still name their family,
/// which may live on through rotation.
fn revoke_token(
    argument: &str,
    args: &RevokeArgs,
    ctx: &Context,
) -> anyhow::Result<Result<(String, Policy), TokenError>> {
    let mut stdin = StdinClaims::default();
    let input = TokenInput::of(Some(argument), &mut stdin)?;
    let main = KeySource::main(&args.key, &mut stdin)?;
    let refresh_source = KeySource::refresh(&args.refresh_key, &mut stdin)?;
    let nested = jwe::nested(&args.nested, &mut stdin, ctx)?;
    let token = match input.read() {
        Ok(token) => token,
        Err(ReadError::Rejected(rejection)) => return Ok(Err(rejection)),
        Err(ReadError::Failed(error)) => return Err(error),
    };
    let token = match nested.open(token) {
        Ok(token) => token,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let token_type = if is_refresh_token(&token) {
        TokenType::Refresh
    } else {
        TokenType::Access
    };
    let alg = args.alg.map(Alg::from);
    // One given for refresh tokens is read even for an access token: a path that cannot be read
    // is a mistake to report now, not on the day a refresh token comes.
    if let Some(source) = &refresh_source
        && token_type == TokenType::Access
        && typed_refresh_option(&args.refresh_key).is_some()
    {
        refresh_secret(
            source,
            refresh_alg(alg.unwrap_or(Alg::HS256)),
            args.key.allow_weak_secret,
            ctx,
        )?;
    }
    let (key, algorithms) = match (&refresh_source, token_type) {
        (Some(source), TokenType::Refresh) => {
            let refresh_alg = refresh_alg(alg.unwrap_or(Alg::HS256));
            let secret = refresh_secret(source, refresh_alg, args.key.allow_weak_secret, ctx)?;
            (VerifyingKey::from_secret(&secret), vec![refresh_alg])
        }
        (None, TokenType::Refresh) => derived_refresh_key(
            &main.load(Want::Either, ctx)?,
            alg,
            args.key.allow_weak_secret,
            ctx,
        )?,
        _ => verifying_key(
            &main.load(Want::Either, ctx)?,
            alg.as_slice(),
            PrivateKeys::Accept,
            args.key.allow_weak_secret,
            ctx,
        )?,
    };
    let policy = session_policy(key, algorithms, token_type, &["sid", "sub"], true);
    Ok(Ok((token, policy)))
}

fn is_refresh_token(token: &str) -> bool {
    let mut scratch = token::Scratch::default();
    match token::decode(token, &mut scratch) {
        Ok(token::View::Signed { header, .. }) => header
            .get("typ")
            .and_then(|typ| typ.as_str())
            .is_some_and(|typ| same_media_type(typ, REFRESH_TYPE)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// sessions

/// `sessions`, resolved.
pub struct SessionsConfig<'a> {
    pub user: Option<&'a str>,
    pub include_revoked: bool,
    pub json: bool,
    pub store: StoreConfig,
}

fn sessions(args: &SessionsArgs) -> anyhow::Result<SessionsConfig<'_>> {
    Ok(SessionsConfig {
        user: args.user.as_deref(),
        include_revoked: args.include_revoked,
        json: args.json,
        store: StoreConfig::of(&args.store)?,
    })
}

/// `sessions prune`, resolved.
pub struct PruneConfig {
    pub json: bool,
    pub store: StoreConfig,
}
