//! `jwtctl verify`: signature with a pinned algorithm, expiry, issuer, audience, token type.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::VerifyArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::json::{Json, WriteJson};
use crate::jwt::time::{self, format_timestamp, parse_duration};
use crate::jwt::token::{MAX_TOKEN_BYTES, Scratch, normalize};
use crate::jwt::verify::{json_numeric_date, numeric_date, quote};
use crate::jwt::{Alg, Policy, RejectKind, TokenError, TokenType, Verified, VerifyingKey};
use crate::remote::renew::RenewablePolicy;
use crate::store::{AccessOutcome, AccessQuery, Store};

use super::remote_keys::{self, Verifier};
use super::{Context, batch, keys, read_token, reads_stdin, store};

pub fn run(args: &VerifyArgs, ctx: &Context) -> anyhow::Result<Status> {
    let jwks_on_stdin = args.jwks.as_deref() == Some(std::path::Path::new("-"));
    let token_on_stdin = args.batch || reads_stdin(args.token.as_deref());
    if token_on_stdin && (keys::reads_stdin(&args.key) || jwks_on_stdin) {
        return Err(UsageError::new(
            "standard input cannot carry both the token and the key: pass the token as an argument",
        )
        .into());
    }
    let verifier = verifier(args, ctx)?;
    let fixed_now = args.now.as_deref().map(parse_instant).transpose()?;
    if args.batch {
        return run_batch(args, &verifier, fixed_now, ctx);
    }
    let now = fixed_now.unwrap_or(ctx.now);
    let mut result = match read_token(args.token.as_deref()) {
        Ok(token) => verifier.verify(&token, now, ctx),
        Err(error) => Err(error.downcast::<TokenError>()?),
    };
    if let (Ok(verified), Some(mut store)) = (&result, open_store(args, ctx)?) {
        let claims = &verified.claims;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let issued_at = numeric_date(claims, "iat")?;
        if let Some(rejection) =
            revocation(store.as_mut(), text("sub"), text("sid"), issued_at, now)?
        {
            result = Err(rejection);
        }
    }
    report(&result, args.json, args.quiet, ctx)
}

/// The store of `--store`, if given, opened once.
fn open_store(args: &VerifyArgs, ctx: &Context) -> anyhow::Result<Option<Box<dyn Store>>> {
    if !args.check_revocation && args.store.is_none() {
        return Ok(None);
    }
    let location = args
        .store
        .clone()
        .or_else(|| std::env::var(store::STORE_VARIABLE).ok());
    Ok(Some(store::open_existing(
        location.as_deref(),
        &args.store_server,
        ctx,
    )?))
}

/// What the store needs to know of a verified token.
struct Revocable {
    sub: Option<String>,
    sid: Option<String>,
    iat: Option<i64>,
}

/// A batch worker: its scratch buffers, its output, and what it found.
#[derive(Default)]
struct Worker {
    scratch: Scratch,
    out: Vec<u8>,
    invalid: usize,
    /// With a store: per line, the end of its output in `out` and, for a valid token, what the
    /// store must check.
    lines: Vec<(usize, Option<Revocable>)>,
}

/// `{"valid":false,"error":{..}}` as `result_json` prints it (keys sorted).
fn push_rejection(out: &mut Vec<u8>, error: &TokenError) {
    out.extend_from_slice(b"{\"error\":");
    batch::push_error_body(out, error.kind.as_str(), &error.message);
    out.extend_from_slice(b",\"valid\":false}\n");
}

/// `verify --batch`: tokens are verified on every thread; with a store, each valid token is then
/// checked against it in input order, on one thread, through the one store opened at the start.
fn run_batch(
    args: &VerifyArgs,
    verifier: &Verifier,
    fixed_now: Option<i64>,
    ctx: &Context,
) -> anyhow::Result<Status> {
    let mut store = open_store(args, ctx)?;
    let with_store = store.is_some();
    let mut out = batch::stdout();
    let mut invalid = 0usize;
    let work = |worker: &mut Worker, lines: &mut dyn Iterator<Item = batch::Line<'_>>| {
        // Each chunk reads the clock, so a long stream is judged at the time it is read.
        let now = fixed_now.unwrap_or_else(time::now);
        for line in lines {
            let text = match line {
                batch::Line::Text(bytes) => std::str::from_utf8(bytes)
                    .map_err(|_| TokenError::malformed("line is not UTF-8 text")),
                batch::Line::TooLong(len) => Err(TokenError::malformed(format!(
                    "line is {len} bytes; a token is at most {MAX_TOKEN_BYTES} bytes"
                ))),
            };
            let Worker { scratch, out, .. } = &mut *worker;
            let outcome = text.map(normalize).and_then(|token| {
                match check_line(verifier.policy(), token, now, scratch, out, with_store) {
                    Err(error) => match verifier.retry(token, now, ctx) {
                        Some(renewed) => check_line(renewed, token, now, scratch, out, with_store),
                        None => Err(error),
                    },
                    checked => checked,
                }
            });
            let revocable = match outcome {
                Ok(revocable) => revocable,
                Err(error) => {
                    worker.invalid += 1;
                    push_rejection(&mut worker.out, &error);
                    None
                }
            };
            if with_store {
                worker.lines.push((worker.out.len(), revocable));
            }
        }
    };
    let emit = |worker: &mut Worker| -> anyhow::Result<()> {
        invalid += std::mem::take(&mut worker.invalid);
        match store.as_deref_mut() {
            None => batch::write(&mut out, &worker.out)?,
            Some(store) => {
                // One question to the store per chunk: the file store reads its file once.
                let outcomes = {
                    let queries: Vec<AccessQuery> = worker
                        .lines
                        .iter()
                        .filter_map(|(_, revocable)| revocable.as_ref())
                        .map(|token| AccessQuery {
                            sub: token.sub.as_deref(),
                            family: token.sid.as_deref(),
                            // A token without iat predates every cut-off.
                            issued_at: token.iat.unwrap_or(i64::MIN),
                        })
                        .collect();
                    store.check_access_many(&queries, fixed_now.unwrap_or_else(time::now))?
                };
                let mut outcomes = outcomes.into_iter();
                let mut start = 0;
                let mut rejected = Vec::new();
                for (end, revocable) in worker.lines.drain(..) {
                    let revoked = match revocable {
                        Some(_) => rejection_for(outcomes.next().ok_or_else(|| {
                            anyhow::anyhow!("the store answered fewer checks than it was asked")
                        })?),
                        None => None,
                    };
                    match revoked {
                        None => batch::write(&mut out, &worker.out[start..end])?,
                        Some(error) => {
                            invalid += 1;
                            rejected.clear();
                            push_rejection(&mut rejected, &error);
                            batch::write(&mut out, &rejected)?;
                        }
                    }
                    start = end;
                }
            }
        }
        worker.out.clear();
        batch::end_chunk(&mut out)
    };
    let threads = batch::threads(args.threads.count);
    batch::run(batch::stdin(), 2 * MAX_TOKEN_BYTES, threads, work, emit)?;
    Ok(if invalid == 0 {
        Status::Success
    } else {
        Status::Rejected
    })
}

/// Verifies one batch line and, when it is valid, appends what `result_json` prints for it to
/// `out`; returns what the store must check, with a store.
fn check_line(
    policy: &Policy,
    token: &str,
    now: i64,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
    with_store: bool,
) -> Result<Option<Revocable>, TokenError> {
    let checked = policy.check(token, now, scratch)?;
    let revocable = with_store.then(|| {
        let claims = &checked.claims;
        let text = |name: &str| claims.get(name).and_then(Json::as_str).map(str::to_owned);
        Revocable {
            sub: text("sub"),
            sid: text("sid"),
            iat: json_numeric_date(claims, "iat").ok().flatten(),
        }
    });
    // `{"valid":true,"header":..,"claims":..}` as `result_json` prints it.
    out.extend_from_slice(b"{\"claims\":");
    checked.claims.write_json(out);
    out.extend_from_slice(b",\"header\":");
    checked.header.write_json(out);
    out.extend_from_slice(b",\"valid\":true}\n");
    Ok(revocable)
}

/// Why the store refuses a verified token with these claims, if it does.
fn revocation(
    store: &mut dyn Store,
    sub: Option<&str>,
    sid: Option<&str>,
    iat: Option<i64>,
    now: i64,
) -> anyhow::Result<Option<TokenError>> {
    // A token without iat predates every cut-off.
    let issued_at = iat.unwrap_or(i64::MIN);
    Ok(rejection_for(store.check_access(sub, sid, issued_at, now)?))
}

/// The rejection a store's answer means, if any.
fn rejection_for(outcome: AccessOutcome) -> Option<TokenError> {
    match outcome {
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
    }
}

/// The policy of the options, renewable when its keys come from a URL.
fn verifier(args: &VerifyArgs, ctx: &Context) -> anyhow::Result<Verifier> {
    let issuer = remote_keys::issuer(args)?;
    match remote_keys::source(args)? {
        None => Ok(Verifier::Fixed(Box::new(policy(args, ctx)?))),
        Some(source) => {
            let leeway = parse_duration(&args.leeway)
                .map_err(|message| UsageError::new(format!("--leeway: {message}")))?;
            let (keys, algorithms) = remote_keys::fetch(&source, args, ctx)?;
            let policy = Policy {
                algorithms,
                key: remote_keys::verifying_key(&keys),
                issuer,
                ..policy_with(args, leeway, VerifyingKey::Set(Vec::new()), Vec::new())
            };
            Ok(Verifier::Remote(Box::new(RenewablePolicy::new(
                policy, keys,
            ))))
        }
    }
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
    Ok(policy_with(args, leeway, key, algorithms))
}

fn policy_with(args: &VerifyArgs, leeway: i64, key: VerifyingKey, algorithms: Vec<Alg>) -> Policy {
    Policy {
        algorithms,
        key,
        issuer: args.iss.clone(),
        audience: args.aud.clone(),
        subject: args.sub.clone(),
        leeway,
        token_type: args.token_type.unwrap_or(TokenType::NotRefresh),
        required: args.required.clone(),
        ignore_time: false,
    }
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

/// The one line a rejection gets on stderr. A token outside its validity period is not
/// "rejected" in the sense of exit 1: the words say what may help instead.
fn rejection_line(error: &TokenError) -> String {
    match error.kind {
        RejectKind::Expired => format!("{} (a refresh token can get a new one)", error.message),
        RejectKind::NotYetValid => format!(
            "{} (if the issuer's clock is ahead, --leeway allows for the skew)",
            error.message
        ),
        _ => format!("token rejected: {}", error.message),
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
