//! Turning key options into a signer or a verifying key: shared by every command that signs or
//! verifies.

use std::path::{Path, PathBuf};

use crate::cli::{KeyArgs, RefreshKeyArgs};
use crate::exit::UsageError;
use crate::jwt::jwk;
use crate::jwt::keyform::{self, Format, KeyEntry, Material, Want};
use crate::jwt::keys::{self, PublicKey, SecretEncoding, SecretSource};
use crate::jwt::{Alg, Family, KeyError, Policy, Signer, TokenType, VerifyingKey};

use super::Context;

/// The variable read when neither `--secret-file` nor `--secret-env` is given.
pub const SECRET_VARIABLE: &str = "JWTCTL_SECRET";
/// The variable read for the refresh-token secret when no refresh option is given.
pub const REFRESH_SECRET_VARIABLE: &str = "JWTCTL_REFRESH_SECRET";

/// Whether the key options would read standard input.
pub fn reads_stdin(args: &KeyArgs) -> bool {
    args.secret_file.as_deref() == Some(Path::new("-"))
        || args.key_password_file.as_deref() == Some(Path::new("-"))
}

fn secret_source(args: &KeyArgs) -> Result<SecretSource, UsageError> {
    Ok(match (&args.secret_file, &args.secret_env) {
        (Some(path), _) => SecretSource::File(path.clone()),
        (None, Some(name)) => SecretSource::Env(variable_name(name, "--secret-env")?),
        (None, None) => SecretSource::Env(SECRET_VARIABLE.to_owned()),
    })
}

/// `--secret-env` takes a variable's name. Someone who types the secret there by mistake must not
/// see it echoed back in an error message (or in shell history, which is too late to help).
fn variable_name(name: &str, flag: &str) -> Result<String, UsageError> {
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

fn check_family(alg: Alg, family: Family, what: &str) -> Result<(), UsageError> {
    if alg.family() == family {
        Ok(())
    } else {
        Err(UsageError::new(format!(
            "algorithm {alg} needs {}, but {what} is {}",
            alg.family().describe(),
            family.describe()
        )))
    }
}

/// Where the password of an encrypted `--key-file` comes from.
fn password_source(args: &KeyArgs) -> Result<Option<SecretSource>, UsageError> {
    Ok(match (&args.key_password_file, &args.key_password_env) {
        (Some(path), _) => Some(SecretSource::File(path.clone())),
        (None, Some(name)) => Some(SecretSource::Env(variable_name(
            name,
            "--key-password-env",
        )?)),
        (None, None) => None,
    })
}

/// The one key of `--key-file` (PEM, JWK or JWKS; `kid` picks from a set).
pub fn load_key_file(
    args: &KeyArgs,
    path: &Path,
    kid: Option<&str>,
    want: Want,
    ctx: &Context,
) -> anyhow::Result<(Format, KeyEntry)> {
    let password = password_source(args)?;
    Ok(keyform::file::load(
        path,
        kid,
        password.as_ref(),
        want,
        &mut ctx.warner(),
    )?)
}

/// The signer for access tokens (and refresh tokens when no refresh key is set).
pub fn signer(
    args: &KeyArgs,
    alg: Option<Alg>,
    kid: Option<String>,
    ctx: &Context,
) -> anyhow::Result<Signer> {
    Ok(signer_and_public(args, alg, kid, ctx)?.0)
}

/// The signer, and with a key pair its public half (for `--x5c`).
pub fn signer_and_public(
    args: &KeyArgs,
    alg: Option<Alg>,
    kid: Option<String>,
    ctx: &Context,
) -> anyhow::Result<(Signer, Option<PublicKey>)> {
    let mut warn = ctx.warner();
    if let Some(path) = &args.key_file {
        let (format, entry) = load_key_file(args, path, kid.as_deref(), Want::Private, ctx)?;
        let origin = path.display().to_string();
        entry.check_may_sign(&origin)?;
        let alg = entry.algorithm(alg, &origin)?;
        let kid = kid.or_else(|| entry.kid.clone());
        return match entry.material {
            Material::Private(key) => {
                let public = jwk::public_of(&key)?;
                // Tokens carry the key's RFC 7638 thumbprint, the kid `jwtctl jwks` publishes.
                let kid = match kid {
                    Some(kid) => kid,
                    None => jwk::thumbprint(&public, alg)?,
                };
                Ok((Signer::from_private_key(alg, &key, Some(kid)), Some(public)))
            }
            Material::Secret(secret) => {
                let source = SecretSource::File(path.to_owned());
                keys::check_secret_length(
                    &secret,
                    alg,
                    args.allow_weak_secret,
                    &source,
                    &mut warn,
                )?;
                Ok((Signer::from_secret(alg, &secret, kid), None))
            }
            Material::Public(_) => Err(KeyError::wrong_kind(match format {
                Format::Pem => {
                    format!("{origin} holds a public key; signing needs the private key")
                }
                _ => format!(
                    "{origin} holds a public key; signing needs the private key (a JWK with \"d\")"
                ),
            })
            .into()),
        };
    }
    let alg = alg.unwrap_or(Alg::HS256);
    check_family(
        alg,
        Family::Hmac,
        "the key (no --key-file given) an HMAC secret",
    )?;
    let source = secret_source(args)?;
    let secret = keys::read_secret(
        &source,
        args.secret_encoding,
        &mut std::io::stdin(),
        &mut warn,
    )?;
    keys::check_secret_length(&secret, alg, args.allow_weak_secret, &source, &mut warn)?;
    Ok((Signer::from_secret(alg, &secret, kid), None))
}

/// Where the refresh-token secret comes from, if it has its own. Standard input can carry only
/// one of the two secrets.
fn refresh_source(
    main: &KeyArgs,
    args: &RefreshKeyArgs,
) -> Result<Option<SecretSource>, UsageError> {
    if reads_stdin(main) && args.refresh_secret_file.as_deref() == Some(Path::new("-")) {
        return Err(UsageError::new(
            "standard input cannot carry both the secret and the refresh secret",
        ));
    }
    Ok(
        match (&args.refresh_secret_file, &args.refresh_secret_env) {
            (Some(path), _) => Some(SecretSource::File(path.clone())),
            (None, Some(name)) => Some(SecretSource::Env(variable_name(
                name,
                "--refresh-secret-env",
            )?)),
            (None, None) => std::env::var_os(REFRESH_SECRET_VARIABLE)
                .map(|_| SecretSource::Env(REFRESH_SECRET_VARIABLE.to_owned())),
        },
    )
}

/// The algorithm for refresh tokens under their own secret: the main one if it is HMAC.
fn refresh_alg(main: Alg) -> Alg {
    if main.family() == Family::Hmac {
        main
    } else {
        Alg::HS256
    }
}

/// The signer for refresh tokens: their own secret if configured, else `None` (use the main one).
pub fn refresh_signer(
    main: &KeyArgs,
    args: &RefreshKeyArgs,
    main_alg: Alg,
    ctx: &Context,
) -> anyhow::Result<Option<Signer>> {
    let Some(source) = refresh_source(main, args)? else {
        return Ok(None);
    };
    let mut warn = ctx.warner();
    let alg = refresh_alg(main_alg);
    let secret = keys::read_secret(
        &source,
        SecretEncoding::Raw,
        &mut std::io::stdin(),
        &mut warn,
    )?;
    keys::check_secret_length(&secret, alg, main.allow_weak_secret, &source, &mut warn)?;
    Ok(Some(Signer::from_secret(alg, &secret, None)))
}

/// The verifying key and the pinned algorithms. The algorithms come from `--alg` or the key,
/// never from a token.
pub fn verifying_key(
    args: &KeyArgs,
    algs: &[Alg],
    kid: Option<&str>,
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    verifying_key_from(args, algs, kid, PrivateKeys::Refuse, ctx)
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

fn verifying_key_from(
    args: &KeyArgs,
    algs: &[Alg],
    kid: Option<&str>,
    private_keys: PrivateKeys,
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    if let Some(path) = &args.key_file {
        let want = match private_keys {
            PrivateKeys::Refuse => Want::Public,
            PrivateKeys::Accept => Want::Either,
        };
        let (format, entry) = load_key_file(args, path, kid, want, ctx)?;
        let origin = path.display().to_string();
        entry.check_may_verify(&origin)?;
        let algs = if algs.is_empty() {
            vec![entry.algorithm(None, &origin)?]
        } else {
            for alg in algs {
                entry.algorithm(Some(*alg), &origin)?;
            }
            algs.to_vec()
        };
        let key = match entry.material {
            Material::Public(key) => key,
            Material::Private(key) => match private_keys {
                PrivateKeys::Accept => jwk::public_of(&key)?,
                PrivateKeys::Refuse => {
                    let hint = match format {
                        Format::Pem => format!("openssl pkey -in {origin} -pubout -out public.pem"),
                        _ => format!("jwtctl convert {origin} --to jwk --public"),
                    };
                    return Err(KeyError::wrong_kind(format!(
                        "{origin} holds a private key; verifying needs only the public key ({hint})"
                    ))
                    .into());
                }
            },
            Material::Secret(secret) => {
                let source = SecretSource::File(path.to_owned());
                for alg in &algs {
                    keys::check_secret_length(
                        &secret,
                        *alg,
                        args.allow_weak_secret,
                        &source,
                        &mut ctx.warner(),
                    )?;
                }
                return Ok((VerifyingKey::from_secret(&secret), algs));
            }
        };
        return Ok((VerifyingKey::Public(key), algs));
    }
    let algs = if algs.is_empty() {
        vec![Alg::HS256]
    } else {
        algs.to_vec()
    };
    for alg in &algs {
        check_family(
            *alg,
            Family::Hmac,
            "the key (no --key-file given) an HMAC secret",
        )?;
    }
    let mut warn = ctx.warner();
    let source = secret_source(args)?;
    let secret = keys::read_secret(
        &source,
        args.secret_encoding,
        &mut std::io::stdin(),
        &mut warn,
    )?;
    for alg in &algs {
        keys::check_secret_length(&secret, *alg, args.allow_weak_secret, &source, &mut warn)?;
    }
    Ok((VerifyingKey::from_secret(&secret), algs))
}

/// The policy that checks a token jwtctl issued for a session: a refresh token with its own key
/// (or the main one), an access token with the main key, and the claims the store needs.
/// `ignore_time` is for `revoke --token`, where an expired token still names a family that may
/// live on.
pub fn session_token_policy(
    main: &KeyArgs,
    args: &RefreshKeyArgs,
    main_alg: Option<Alg>,
    token_type: TokenType,
    required: &[&str],
    ignore_time: bool,
    ctx: &Context,
) -> anyhow::Result<Policy> {
    let (key, algorithms) = match token_type {
        TokenType::Refresh => refresh_verifying_key(main, args, main_alg, ctx)?,
        _ => verifying_key_from(main, main_alg.as_slice(), None, PrivateKeys::Accept, ctx)?,
    };
    Ok(Policy {
        algorithms,
        key,
        issuer: None,
        audience: Vec::new(),
        subject: None,
        leeway: 0,
        token_type,
        required: required.iter().map(|name| (*name).to_owned()).collect(),
        ignore_time,
        allow_no_exp: false,
    })
}

/// The key that verifies refresh tokens: their own secret if configured (with the algorithm
/// `issue` signs them with), else the main key with `main_alg`.
pub fn refresh_verifying_key(
    main: &KeyArgs,
    args: &RefreshKeyArgs,
    main_alg: Option<Alg>,
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    let Some(source) = refresh_source(main, args)? else {
        return verifying_key_from(main, main_alg.as_slice(), None, PrivateKeys::Accept, ctx);
    };
    let mut warn = ctx.warner();
    let secret = keys::read_secret(
        &source,
        SecretEncoding::Raw,
        &mut std::io::stdin(),
        &mut warn,
    )?;
    let alg = refresh_alg(main_alg.unwrap_or(Alg::HS256));
    keys::check_secret_length(&secret, alg, main.allow_weak_secret, &source, &mut warn)?;
    Ok((VerifyingKey::from_secret(&secret), vec![alg]))
}

/// Reads a file named on the command line (not a key), mapping failures to usage errors.
pub fn read_argument_file(path: &Path, what: &str) -> Result<String, UsageError> {
    std::fs::read_to_string(path)
        .map_err(|error| UsageError::new(format!("cannot read {what} {}: {error}", path.display())))
}

/// `PathBuf` for a `@FILE` argument.
pub fn at_file(argument: &str) -> Option<PathBuf> {
    argument.strip_prefix('@').map(PathBuf::from)
}

/// The keys of a JWKS document (`-` for standard input) and the pinned algorithms: `--alg`, or
/// every algorithm the keys announce.
pub fn jwks_key(
    path: &Path,
    algs: &[Alg],
    ctx: &Context,
) -> anyhow::Result<(VerifyingKey, Vec<Alg>)> {
    let (text, origin) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|error| {
            UsageError::new(format!("cannot read the JWKS from standard input: {error}"))
        })?;
        (text, "the JWKS on standard input".to_owned())
    } else {
        (
            read_argument_file(path, "JWKS file")?,
            format!("JWKS file {}", path.display()),
        )
    };
    let keys = jwk::parse_jwks(&text, &origin, &mut ctx.warner())?;
    let algs = if algs.is_empty() {
        let mut announced: Vec<Alg> = keys.iter().map(jwk::JwksKey::default_alg).collect();
        announced.sort_by_key(|alg| alg.name());
        announced.dedup();
        announced
    } else {
        algs.to_vec()
    };
    if let Some(alg) = algs.iter().find(|alg| alg.family() == Family::Hmac) {
        return Err(UsageError::new(format!("algorithm {alg} needs a secret, not a JWKS")).into());
    }
    Ok((VerifyingKey::Set(keys), algs))
}
