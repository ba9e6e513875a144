//! `jwtctl verify`: signature with a pinned algorithm, expiry, issuer, audience, token type.

use crate::config::{ReadError, VerifyConfig, header_alg};
use crate::exit::{RunError, Status};
use crate::jwt::json::Json;
use crate::jwt::text::quote;
use crate::jwt::time::{self, format_timestamp};
use crate::jwt::token::{MAX_TOKEN_BYTES, Scratch, normalize};
use crate::jwt::verify::numeric_date;
use crate::jwt::{Family, RejectKind, TokenError, VerifyingKey};
use crate::store::{AccessOutcome, AccessQuery, Store};

use super::{Context, batch, print};

pub fn run(config: &VerifyConfig, ctx: &Context) -> anyhow::Result<Status> {
    let Some(input) = &config.token else {
        return run_batch(config, ctx);
    };
    let now = config.fixed_now.unwrap_or(ctx.now);
    let token = match input.read() {
        Ok(token) => token,
        Err(ReadError::Rejected(rejection)) => {
            return print::report(
                &Err(rejection),
                "",
                config.args.json,
                config.args.quiet,
                ctx,
            );
        }
        Err(ReadError::Failed(error)) => return Err(error),
    };
    let token = match config.nested.open(token) {
        Ok(token) => token,
        Err(rejection) => {
            return print::report(
                &Err(rejection),
                "",
                config.args.json,
                config.args.quiet,
                ctx,
            );
        }
    };
    let (mut scratch, mut retry_scratch) = (Scratch::default(), Scratch::default());
    let warn = |message: String| ctx.output.warning(&message);
    let verifier = &config.verifier;
    let mut result = match verifier.policy().verify(&token, now, &mut scratch) {
        // A kid the fetched keys lack: once more with the keys refetched for it, if they were.
        Err(rejection) => match verifier.retry(&token, now, &warn) {
            Some(renewed) => renewed.verify(&token, now, &mut retry_scratch),
            None => Err(rejection),
        },
        verified => verified,
    };
    // The verdict first: only a token that would otherwise be accepted needs the store, so a
    // forged or expired token is reported as such even when the store is down.
    if let (Ok(verified), Some(store)) = (&result, &config.store) {
        let mut store = store.open_existing()?;
        let claims = &verified.claims;
        let text = |name: &str| claims.get(name).and_then(Json::as_str);
        let issued_at = numeric_date(claims, "iat")?;
        if let Some(rejection) =
            revocation(store.as_mut(), text("sub"), text("sid"), issued_at, now)?
        {
            result = Err(rejection);
        }
    }
    let status = print::report(&result, &token, config.args.json, config.args.quiet, ctx)?;
    if let Err(rejection) = &result
        && let Some(hint) = key_hint(rejection, config, &token)
        && !config.args.json
    {
        ctx.output.hint(&hint);
    }
    Ok(status)
}

/// A token signed with a key pair, refused for its algorithm because the key is a secret: say
/// what such a token needs. The header is read only to word this.
fn key_hint(rejection: &TokenError, config: &VerifyConfig, token: &str) -> Option<String> {
    if rejection.kind != RejectKind::Algorithm
        || !matches!(config.verifier.policy().key, VerifyingKey::Secret(_))
    {
        return None;
    }
    let alg = header_alg(token).filter(|alg| alg.family() != Family::Hmac)?;
    Some(format!(
        "this {alg} token is verified with its issuer's public key: --key-file PUBLIC.pem, \
         --jwks FILE|URL, or --oidc ISSUER"
    ))
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
    /// For the second try of a token whose kid the keys lacked until they were refetched.
    retry_scratch: Scratch,
    out: Vec<u8>,
    invalid: usize,
    /// With a store: what it must check, per line.
    lines: Vec<Check>,
}

/// A line of a batch checked against the store.
struct Check {
    /// The end of the line's output in [`Worker::out`].
    end: usize,
    /// Its number in the input.
    line: u64,
    /// For a valid token, what the store must check.
    revocable: Option<Revocable>,
}

/// `verify --batch`: tokens are verified on every thread; with a store, each valid token is then
/// checked against it in input order, on one thread, through the one store opened at the start.
fn run_batch(config: &VerifyConfig, ctx: &Context) -> anyhow::Result<Status> {
    let (verifier, fixed_now, nested) = (&config.verifier, config.fixed_now, &config.nested);
    let warn = |message: String| ctx.output.warning(&message);
    // Opened when the first valid token needs it, so a batch of rejected tokens never waits
    // for, or fails on, the store.
    let mut store: Option<Box<dyn Store>> = None;
    let with_store = config.store.is_some();
    let mut out = batch::stdout();
    let mut invalid = 0usize;
    let work = |worker: &mut Worker, lines: &mut dyn Iterator<Item = (u64, batch::Line<'_>)>| {
        // Each chunk reads the clock, so a long stream is judged at the time it is read.
        let now = fixed_now.unwrap_or_else(time::now);
        for (number, line) in lines {
            let text = match line {
                batch::Line::Text(bytes) => std::str::from_utf8(bytes)
                    .map_err(|_| TokenError::malformed("line is not UTF-8 text")),
                batch::Line::TooLong(len) => Err(TokenError::malformed(format!(
                    "line is {len} bytes; a token is at most {MAX_TOKEN_BYTES} bytes"
                ))),
            };
            let mut revocable = None;
            let Worker {
                scratch,
                retry_scratch,
                out,
                invalid,
                lines: checks,
            } = &mut *worker;
            // With --decrypt-key each line is a nested token, opened first.
            let opened = text.and_then(|text| nested.open_str(normalize(text)));
            let token = opened.as_deref().unwrap_or("");
            let result = match &opened {
                Ok(token) => match verifier.policy().verify(token, now, scratch) {
                    // A kid the fetched keys lack: once more with the keys refetched for it.
                    Err(rejection) => match verifier.retry(token, now, &warn) {
                        Some(renewed) => renewed.verify(token, now, retry_scratch),
                        None => Err(rejection),
                    },
                    verified => verified,
                },
                Err(rejection) => Err(rejection.clone()),
            };
            match &result {
                Ok(verified) if with_store => {
                    let claims = &verified.claims;
                    let text =
                        |name: &str| claims.get(name).and_then(Json::as_str).map(str::to_owned);
                    revocable = Some(Revocable {
                        sub: text("sub"),
                        sid: text("sid"),
                        iat: numeric_date(claims, "iat").ok().flatten(),
                    });
                }
                Ok(_) => {}
                Err(_) => *invalid += 1,
            }
            print::push_result(out, &result, token, Some(number));
            if with_store {
                checks.push(Check {
                    end: out.len(),
                    line: number,
                    revocable,
                });
            }
        }
    };
    let emit = |worker: &mut Worker| -> anyhow::Result<()> {
        invalid += std::mem::take(&mut worker.invalid);
        let valid = worker.lines.iter().any(|check| check.revocable.is_some());
        if valid
            && store.is_none()
            && let Some(config) = &config.store
        {
            store = Some(config.open_existing()?);
        }
        match store.as_deref_mut() {
            None => batch::write(&mut out, &worker.out)?,
            Some(store) => {
                // One question to the store per chunk: the file store reads its file once.
                let outcomes = {
                    let queries: Vec<AccessQuery> = worker
                        .lines
                        .iter()
                        .filter_map(|check| check.revocable.as_ref())
                        .map(|token| AccessQuery {
                            sub: token.sub.as_deref(),
                            family: token.sid.as_deref(),
                            // A token without iat predates every cut-off.
                            issued_at: token.iat.unwrap_or(i64::MIN),
                        })
                        .collect();
                    store.check_access_many(&queries, fixed_now.unwrap_or_else(time::now))?
                };
                let asked = worker
                    .lines
                    .iter()
                    .filter(|check| check.revocable.is_some())
                    .count();
                let answered = outcomes.len();
                let mut outcomes = outcomes.into_iter();
                let mut start = 0;
                let mut rejected = Vec::new();
                for Check {
                    end,
                    line,
                    revocable,
                } in worker.lines.drain(..)
                {
                    let revoked = match revocable {
                        Some(_) => rejection_for(
                            outcomes
                                .next()
                                .ok_or(RunError::ShortStoreAnswer { asked, answered })?,
                        ),
                        None => None,
                    };
                    match revoked {
                        None => batch::write(&mut out, &worker.out[start..end])?,
                        Some(error) => {
                            invalid += 1;
                            rejected.clear();
                            print::push_rejection(&mut rejected, &error, Some(line));
                            batch::write(&mut out, &rejected)?;
                        }
                    }
                    start = end;
                }
            }
        }
        // Without the store yet (no valid token so far), the lines were written whole and not
        // drained: their offsets must not reach the thread's next chunk.
        worker.lines.clear();
        worker.out.clear();
        batch::end_chunk(&mut out)
    };
    let threads = batch::threads(config.args.threads.count);
    let result = batch::run(batch::stdin(), 2 * MAX_TOKEN_BYTES, threads, work, emit);
    batch::after_closed_pipe(result, invalid)?;
    Ok(if invalid == 0 {
        Status::Success
    } else {
        Status::Rejected
    })
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
