//! `jwtctl verify`: signature with a pinned algorithm, expiry, issuer, audience, token type.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::VerifyArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::time::{format_timestamp, parse_duration};
use crate::jwt::verify::{numeric_date, quote};
use crate::jwt::{Policy, RejectKind, TokenError, TokenType, Verified};
use crate::store::{AccessOutcome, Store};

use super::{Context, keys, read_token, reads_stdin, store};

pub fn run(args: &VerifyArgs, ctx: &Context) -> anyhow::Result<Status> {
    let jwks_on_stdin = args.jwks.as_deref() == Some(std::path::Path::new("-"));
    if reads_stdin(args.token.as_deref()) && (keys::reads_stdin(&args.key) || jwks_on_stdin) {
        return Err(UsageError::new(
            "standard input cannot carry both the token and the key: pass the token as an argument",
        )
        .into());
    }
    let policy = policy(args, ctx)?;
    let now = match &args.now {
        Some(text) => parse_instant(text)?,
        None => ctx.now,
    };
    let mut result = match read_token(args.token.as_deref()) {
        Ok(token) => policy.verify(&token, now),
        Err(error) => Err(error.downcast::<TokenError>()?),
    };
    if let Ok(verified) = &result
        && (args.check_revocation || args.store.is_some())
    {
        let location = args
            .store
            .clone()
            .or_else(|| std::env::var(store::STORE_VARIABLE).ok());
        let mut store = store::open_existing(location.as_deref(), &args.store_server, ctx)?;
        if let Some(rejection) = revocation(store.as_mut(), verified, now)? {
            result = Err(rejection);
        }
    }
    report(&result, args.json, args.quiet, ctx)
}

/// Why the store refuses a verified token, if it does.
fn revocation(
    store: &mut dyn Store,
    verified: &Verified,
    now: i64,
) -> anyhow::Result<Option<TokenError>> {
    let claims = &verified.claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    // A token without iat predates every cut-off.
    let issued_at = numeric_date(claims, "iat")?.unwrap_or(i64::MIN);
    let outcome = store.check_access(text("sub"), text("sid"), issued_at, now)?;
    Ok(match outcome {
        AccessOutcome::Allowed => None,
        AccessOutcome::FamilyRevoked { family } => Some(TokenError::new(
            RejectKind::Revoked,
            format!("session family {family} was revoked"),
        )),
        AccessOutcome::UserCutOff { sub, at } => Some(TokenError::new(
            RejectKind::Revoked,
            format!(
                "every token of subject {} issued before {} was revoked",
                quote(&sub),
                format_timestamp(at)
            ),
        )),
    })
}

/// Builds the verification policy from the options; every check is set on purpose.
pub fn policy(args: &VerifyArgs, ctx: &Context) -> anyhow::Result<Policy> {
    let leeway = parse_duration(&args.leeway)
        .map_err(|message| UsageError::new(format!("--leeway: {message}")))?;
    let (key, algorithms) = match &args.jwks {
        Some(path) => keys::jwks_key(path, &args.algs, ctx)?,
        // Refresh tokens may be signed with their own secret.
        None if args.token_type == Some(TokenType::Refresh) => keys::refresh_verifying_key(
            &args.key,
            &args.refresh_key,
            args.algs.first().copied(),
            ctx,
        )?,
        None => keys::verifying_key(&args.key, &args.algs, ctx)?,
    };
    Ok(Policy {
        algorithms,
        key,
        issuer: args.iss.clone(),
        audience: args.aud.clone(),
        subject: args.sub.clone(),
        leeway,
        token_type: args.token_type.unwrap_or(TokenType::NotRefresh),
        required: args.required.clone(),
        ignore_time: false,
    })
}

/// `--now`: unix seconds, or an RFC 3339 date such as 2026-11-27T02:15:00Z.
pub fn parse_instant(text: &str) -> Result<i64, UsageError> {
    if let Ok(seconds) = text.trim().parse::<i64>() {
        return Ok(seconds);
    }
    // RFC 3339 with any offset (humantime reads only Z), then humantime's weak form (no offset: UTC).
    if let Ok(instant) = text.trim().parse::<jiff::Timestamp>() {
        return Ok(instant.as_second());
    }
    humantime::parse_rfc3339_weak(text.trim())
        .ok()
        .and_then(|instant| instant.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .ok_or_else(|| {
            UsageError::new(format!(
                "--now {text:?} is neither unix seconds nor an RFC 3339 date (2026-11-27T02:15:00Z)"
            ))
        })
}

/// The object `verify --json` prints for one token (and `verify --batch` for each line).
pub fn result_json(result: &Result<Verified, TokenError>) -> Value {
    match result {
        Ok(verified) => json!({
            "valid": true,
            "header": verified.header,
            "claims": verified.claims,
        }),
        Err(error) => json!({
            "valid": false,
            "error": { "kind": error.kind.as_str(), "message": error.message },
        }),
    }
}

/// Prints the outcome and picks the status: 0 valid, 1 rejected, 3 expired or not yet valid.
pub fn report(
    result: &Result<Verified, TokenError>,
    json: bool,
    quiet: bool,
    ctx: &Context,
) -> anyhow::Result<Status> {
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(stdout, "{}", result_json(result)).context("cannot write to standard output")?;
    }
    match result {
        Ok(verified) => {
            if !json && !quiet {
                let claims = serde_json::to_string_pretty(&verified.claims)
                    .context("cannot encode the claims")?;
                writeln!(stdout, "{claims}").context("cannot write to standard output")?;
            }
            Ok(Status::Success)
        }
        Err(error) => {
            if !json {
                ctx.output.error(&rejection_line(error));
            }
            Ok(if error.is_time_related() {
                Status::Expired
            } else {
                Status::Rejected
            })
        }
    }
}

/// The one line a rejection gets on stderr. An expired token is not "rejected" in the sense of
/// exit 1: the words say what a script's exit 3 says, that a refresh may help.
fn rejection_line(error: &TokenError) -> String {
    if error.is_time_related() {
        format!("{} (a refresh token can get a new one)", error.message)
    } else {
        format!("token rejected: {}", error.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_reads_unix_seconds_and_rfc_3339_with_any_offset() {
        assert_eq!(parse_instant("1800000000").ok(), Some(1_800_000_000));
        assert_eq!(
            parse_instant("2027-01-15T08:00:00Z").ok(),
            Some(1_800_000_000)
        );
        assert_eq!(
            parse_instant("2027-01-15T09:00:00+01:00").ok(),
            Some(1_800_000_000)
        );
        assert_eq!(
            parse_instant("2027-01-15T03:30:00-04:30").ok(),
            Some(1_800_000_000)
        );
        assert_eq!(
            parse_instant("2027-01-15T08:00:00").ok(),
            Some(1_800_000_000)
        );
        assert!(parse_instant("tomorrow").is_err());
    }
}
