//! `jwtctl decode`: show a token's header and payload, verifying nothing, and say so.

use std::io::Write;

use anyhow::Context as _;
use jiff::tz::TimeZone;

use crate::cli::{DateStyle, DecodeArgs};
use crate::config::{DecodeConfig, Nested, ReadError};
use crate::exit::Status;
use crate::jwt::json::{self, Json};
use crate::jwt::text::quote;
use crate::jwt::token::{self, MAX_TOKEN_BYTES, Scratch, View};
use crate::jwt::verify::numeric_date;
use crate::jwt::{TokenError, time};
use crate::output::{Output, sanitize};
use crate::render;

use super::{Context, batch, print};

// Each under 80 columns with its `note: ` or `hint: `.
const NOT_VERIFIED: &str = "the signature was NOT verified: anyone can write these claims";
const USE_VERIFY: &str = "`jwtctl verify` checks the signature, the dates and the claims";

pub fn run(config: &DecodeConfig, ctx: &Context) -> anyhow::Result<Status> {
    let Some(input) = &config.token else {
        let status = run_batch(config.args, &config.nested)?;
        not_verified(&ctx.output);
        return Ok(status);
    };
    let args = config.args;
    let token = match input.read() {
        Ok(token) => token,
        Err(ReadError::Rejected(rejection)) => return refuse(rejection, args.json),
        Err(ReadError::Failed(error)) => return Err(error),
    };
    // Without --decrypt-key a JWE is shown as it is: its header, and that it is encrypted.
    let token = if config.nested.is_expected() {
        match config.nested.open(token) {
            Ok(token) => token,
            Err(rejection) => return refuse(rejection, args.json),
        }
    } else {
        token
    };
    let mut scratch = Scratch::default();
    let view = match token::decode(&token, &mut scratch) {
        Ok(view) => view,
        Err(rejection) => return refuse(rejection, args.json),
    };
    let text = if args.json {
        let mut line = Vec::new();
        print::push_decoded(&mut line, &view);
        ctx.output
            .json(String::from_utf8_lossy(&line).into_owned())
            .into_bytes()
    } else {
        let dates = match args.date {
            DateStyle::Utc => None,
            DateStyle::Local => Some(local_zone(ctx)),
        };
        render::decode::token(&view, dates.as_ref(), ctx.now, &ctx.output).into_bytes()
    };
    std::io::stdout()
        .write_all(&text)
        .context("cannot write to standard output")?;
    if let View::Signed {
        header, payload, ..
    } = &view
    {
        for problem in problems(header, payload, ctx.now) {
            ctx.output.warning(&problem);
        }
        for problem in duplicate_names(header, payload) {
            ctx.output.warning(&problem);
        }
        if let Some((notes, hint)) = provider_hint(header, payload) {
            for note in &notes {
                ctx.output.note(note);
            }
            ctx.output.hint(&hint);
        }
    }
    not_verified(&ctx.output);
    Ok(Status::Success)
}

fn not_verified(output: &Output) {
    output.note(NOT_VERIFIED);
    output.hint(USE_VERIFY);
}

/// A token that does not decode. With `--json` it gets what `decode --batch` prints for such a
/// line, so that jq always gets an object; the error itself still goes to stderr.
fn refuse(rejection: TokenError, json: bool) -> anyhow::Result<Status> {
    if json {
        let mut line = Vec::new();
        batch::push_error(&mut line, rejection.kind.as_str(), None, &rejection.message);
        std::io::stdout()
            .write_all(&line)
            .context("cannot write to standard output")?;
    }
    Err(rejection.into())
}

#[derive(Default)]
struct Worker {
    scratch: Scratch,
    out: Vec<u8>,
    failed: usize,
}

/// Appends the `decode --json` line of input line `number`, or its error line; `false` for an
/// error.
fn decode_line(
    (number, line): (u64, batch::Line<'_>),
    nested: &Nested,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> bool {
    let text = match line {
        batch::Line::Text(bytes) => {
            std::str::from_utf8(bytes).map_err(|_| TokenError::malformed("line is not UTF-8 text"))
        }
        batch::Line::TooLong(len) => Err(TokenError::malformed(format!(
            "line is {len} bytes; a token is at most {MAX_TOKEN_BYTES} bytes"
        ))),
    };
    // With --decrypt-key each line is a nested token, shown from the inside; without it a JWE
    // line shows its header, as for one token.
    let opened = text.and_then(|text| {
        let text = token::normalize(text);
        if nested.is_expected() {
            nested.open_str(text)
        } else {
            Ok(std::borrow::Cow::Borrowed(text))
        }
    });
    let decoded = opened.and_then(|text| {
        let view = token::decode(&text, scratch)?;
        print::push_decoded(out, &view);
        Ok(())
    });
    match decoded {
        Ok(()) => true,
        Err(error) => {
            batch::push_error(out, error.kind.as_str(), Some(number), &error.message);
            false
        }
    }
}

/// `decode --batch`: exit 0 if every line decoded, 1 otherwise.
fn run_batch(args: &DecodeArgs, nested: &Nested) -> anyhow::Result<Status> {
    let mut out = batch::stdout();
    let mut failed = 0usize;
    let result = batch::run(
        batch::stdin(),
        2 * MAX_TOKEN_BYTES,
        batch::threads(args.threads.count),
        |worker: &mut Worker, lines: &mut dyn Iterator<Item = (u64, batch::Line<'_>)>| {
            for line in lines {
                if !decode_line(line, nested, &mut worker.scratch, &mut worker.out) {
                    worker.failed += 1;
                }
            }
        },
        |worker| {
            failed += std::mem::take(&mut worker.failed);
            batch::write(&mut out, &worker.out)?;
            worker.out.clear();
            batch::end_chunk(&mut out)
        },
    );
    batch::after_closed_pipe(result, failed)?;
    Ok(if failed == 0 {
        Status::Success
    } else {
        Status::Rejected
    })
}

/// Names given more than once: what is shown is the last value, which is what some libraries
/// take and others do not, so verify rejects such a token (RFC 7515 and 7519, section 4).
fn duplicate_names(header: &json::Object, payload: &json::Object) -> Vec<String> {
    [("header", header), ("payload", payload)]
        .into_iter()
        .filter_map(|(segment, object)| {
            object.duplicate().map(|name| {
                format!(
                    "the {segment} gives {} more than once; the last value is shown, and \
                     `jwtctl verify` rejects such a token",
                    quote(name)
                )
            })
        })
        .collect()
}

/// For a token whose `iss` is an issuer URL: which issuer and key it names, and the command that
/// checks it against that provider's published keys. Only words: nothing is fetched here.
fn provider_hint(header: &json::Object, payload: &json::Object) -> Option<(Vec<String>, String)> {
    let issuer = payload.get("iss").and_then(Json::as_str)?;
    crate::remote::discovery::parse_issuer(issuer).ok()?;
    let issuer = sanitize(issuer);
    // One value per line: an issuer URL and a key id together rarely fit 80 columns.
    let mut notes = vec![format!("the token names issuer {issuer}")];
    notes.push(match header.get("kid").and_then(Json::as_str) {
        Some(kid) => format!("and key id {}", sanitize(kid)),
        None => "and no key id".to_owned(),
    });
    Some((notes, format!("check it: jwtctl verify --oidc {issuer}")))
}

/// What can be seen to be wrong without a key.
pub fn problems(header: &json::Object, payload: &json::Object, now: i64) -> Vec<String> {
    let mut problems = Vec::new();
    match header.get("alg") {
        Some(Json::Str(alg)) if alg.trim().eq_ignore_ascii_case("none") => problems.push(
            "alg is none: this token is unsigned and no verifier should accept it".to_owned(),
        ),
        Some(Json::Str(_)) => {}
        _ => problems.push("the header has no alg (string)".to_owned()),
    }
    match numeric_date(payload, "exp") {
        Ok(Some(exp)) if now >= exp => problems.push(format!(
            "expired {} ago ({})",
            time::format_duration(now.saturating_sub(exp)),
            time::format_timestamp(exp)
        )),
        Ok(Some(_)) => {}
        Ok(None) => problems.push("no exp claim: this token never expires".to_owned()),
        Err(error) => problems.push(error.message),
    }
    for name in ["exp", "nbf", "iat"] {
        problems.extend(render::decode::milliseconds_warning(payload, name, now));
    }
    match numeric_date(payload, "nbf") {
        Ok(Some(nbf)) if now < nbf => problems.push(format!(
            "not valid for another {} ({})",
            time::format_duration(nbf.saturating_sub(now)),
            time::format_timestamp(nbf)
        )),
        Ok(_) => {}
        Err(error) => problems.push(error.message),
    }
    problems
}

/// The system's time zone for `--date local`, or UTC with a warning when it cannot be read. A
/// `TZ` that names something other than a zone file of sensible size (`/dev/zero`, a FIFO, a
/// directory) is not read at all: it would never end, or never come.
fn local_zone(ctx: &Context) -> TimeZone {
    crate::zone::local().unwrap_or_else(|why| {
        ctx.output
            .warning(&format!("{why}; dates are shown in UTC"));
        TimeZone::UTC
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_at(payload: &str, now: i64) -> Vec<String> {
        let header = br#"{"alg":"HS256"}"#;
        let (Ok(Json::Object(header)), Ok(Json::Object(payload))) =
            (Json::parse(header), Json::parse(payload.as_bytes()))
        else {
            panic!("not objects");
        };
        problems(&header, &payload, now)
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        // Found by tests/properties.rs: `now - exp` overflowed (a panic in debug builds) for an
        // exp of i64::MIN, which -1e300 saturates to.
        let expired = problems_at(r#"{ "exp": -1e300 }"#, 1_800_000_000);
        assert!(
            expired[0].starts_with("expired 292471208677y"),
            "{expired:?}"
        );
        let expired = problems_at(&format!(r#"{{ "exp": {} }}"#, i64::MIN), i64::MAX);
        assert!(expired[0].starts_with("expired"), "{expired:?}");
        let early = problems_at(
            &format!(r#"{{ "exp": {}, "nbf": {} }}"#, i64::MAX, i64::MAX),
            i64::MIN,
        );
        assert!(early[0].starts_with("not valid for another"), "{early:?}");
    }
}
