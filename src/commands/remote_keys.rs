//! `verify --oidc ISSUER` and `verify --jwks URL`: the remote key source the options name,
//! resolved before any token is read, and the policy that renews its keys for an unknown kid.

use std::path::Path;
use std::time::Duration;

use crate::cli::{RemoteKeyArgs, VerifyArgs};
use crate::exit::UsageError;
use crate::jwt::jwk::JwksKey;
use crate::jwt::{Alg, Family, Policy, TokenError, Verified, VerifyingKey};
use crate::remote::keys::{KeySource, RemoteKeys};
use crate::remote::renew::RenewablePolicy;
use crate::remote::{CacheMode, Remote, RemoteError, Settings, discovery, location};

use super::Context;

/// The longest `--fetch-timeout`: a verifier that waits longer is stuck, not patient.
const MAX_FETCH_TIMEOUT: Duration = Duration::from_secs(600);

/// The remote key source of `--oidc`, or of a `--jwks` value that is a URL.
pub fn source(args: &VerifyArgs) -> Result<Option<KeySource>, RemoteError> {
    if let Some(issuer) = &args.remote.oidc {
        discovery::parse_issuer(issuer)?;
        return Ok(Some(KeySource::Issuer(issuer.clone())));
    }
    match args.jwks.as_deref().and_then(Path::to_str) {
        Some(text) if is_url(text) => Ok(Some(KeySource::Jwks(location::parse(text, "--jwks")?))),
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
pub fn issuer(args: &VerifyArgs) -> Result<Option<String>, UsageError> {
    match (&args.remote.oidc, &args.iss) {
        (Some(oidc), Some(iss)) if oidc != iss => Err(UsageError::new(format!(
            "--iss {iss:?} conflicts with --oidc {oidc:?}: tokens of that provider carry iss {oidc:?} \
             (leave out --iss; --oidc implies it)"
        ))),
        (Some(oidc), _) => Ok(Some(oidc.clone())),
        (None, iss) => Ok(iss.clone()),
    }
}

pub fn settings(args: &RemoteKeyArgs) -> Result<Settings, UsageError> {
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
    Ok(Settings {
        mode,
        timeout,
        ca_file: args.ca_file.clone(),
        ..Settings::default()
    })
}

/// Fetches (or reads from the cache) the key set, and pins the algorithms: `--alg`, or every one
/// the keys announce or their types imply.
pub fn fetch(
    source: &KeySource,
    args: &VerifyArgs,
    ctx: &Context,
) -> anyhow::Result<(RemoteKeys, Vec<Alg>)> {
    let settings = settings(&args.remote)?;
    // Checked now, not when a fetch first needs it, so a mistake shows even with a fresh cache.
    if let Some(path) = &settings.ca_file {
        crate::remote::http::read_ca_file(path).map_err(RemoteError::CaFile)?;
    }
    let remote = Remote::new(settings);
    let keys = RemoteKeys::fetch(remote, source, ctx.now, &mut ctx.warner())?;
    let algorithms = if args.algs.is_empty() {
        let mut announced: Vec<Alg> = keys.keys().iter().map(JwksKey::default_alg).collect();
        announced.sort_by_key(|alg| alg.name());
        announced.dedup();
        announced
    } else {
        args.algs.clone()
    };
    if let Some(alg) = algorithms.iter().find(|alg| alg.family() == Family::Hmac) {
        return Err(UsageError::new(format!(
            "--alg {alg} needs a shared secret, which never comes from a URL"
        ))
        .into());
    }
    Ok((keys, algorithms))
}

/// The key set as the policy holds it.
pub fn verifying_key(keys: &RemoteKeys) -> VerifyingKey {
    VerifyingKey::Set(keys.keys().as_ref().clone())
}

/// The policy `verify` checks tokens with: fixed, or renewable when its keys came from a URL.
pub enum Verifier {
    Fixed(Box<Policy>),
    Remote(Box<RenewablePolicy>),
}

impl Verifier {
    pub fn policy(&self) -> &Policy {
        match self {
            Verifier::Fixed(policy) => policy,
            Verifier::Remote(renewable) => renewable.current(),
        }
    }

    /// After a rejection of `token`: the policy to try once more, if the keys were renewed for
    /// its unknown kid.
    pub fn retry(&self, token: &str, now: i64, ctx: &Context) -> Option<&Policy> {
        match self {
            Verifier::Fixed(_) => None,
            Verifier::Remote(renewable) => {
                renewable.renewed_for(token, now, &|message| ctx.output.warning(&message))
            }
        }
    }

    pub fn verify(&self, token: &str, now: i64, ctx: &Context) -> Result<Verified, TokenError> {
        match self.policy().verify(token, now) {
            Err(error) => match self.retry(token, now, ctx) {
                Some(renewed) => renewed.verify(token, now),
                None => Err(error),
            },
            verified => verified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_file_names_by_their_scheme() {
        assert!(is_url("https://idp.example.com/jwks"));
        assert!(is_url("http://127.0.0.1:8080/certs"));
        assert!(is_url("ftp://example.com/jwks"));
        assert!(!is_url("jwks.json"));
        assert!(!is_url("./dir://x"));
        assert!(!is_url("-"));
        assert!(!is_url("://x"));
    }
}
