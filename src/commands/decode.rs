//! `jwtctl decode`: show a token's header and payload, verifying nothing, and say so.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::DecodeArgs;
use crate::exit::Status;
use crate::jwt::json::WriteJson;
use crate::jwt::token::{self, Decoded, MAX_TOKEN_BYTES, Scratch, SignedToken, View};
use crate::jwt::{TokenError, time, verify};
use crate::output::Output;
use crate::render;

use super::{Context, batch, read_token};

// Each under 80 columns with its `note: ` or `hint: `.
const NOT_VERIFIED: &str = "the signature was NOT verified: anyone can write these claims";
const USE_VERIFY: &str = "`jwtctl verify` checks the signature, the dates and the claims";

pub fn run(args: &DecodeArgs, ctx: &Context) -> anyhow::Result<Status> {
    if args.batch {
        let status = run_batch(args)?;
        not_verified(&ctx.output);
        return Ok(status);
    }
    let read =
        read_token(args.token.as_deref()).and_then(|token| Ok((token::decode(&token)?, token)));
    let (decoded, token) = match read {
        Ok(read) => read,
        Err(error) => {
            // A token that does not decode (not a usage error) gets what `decode --batch` prints
            // for such a line, so that jq always gets an object.
            if args.json
                && let Some(rejected) = error.downcast_ref::<TokenError>()
            {
                let mut line = Vec::new();
                batch::push_error(&mut line, rejected.kind.as_str(), &rejected.message);
                std::io::stdout()
                    .write_all(&line)
                    .context("cannot write to standard output")?;
            }
            return Err(error);
        }
    };
    let text = if args.json {
        let mut line = decode_json(&decoded, &token).to_string();
        line.push('\n');
        line
    } else {
        render::decode::token(&decoded, args.date, ctx.now, &ctx.output)
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    if let Decoded::Signed(signed) = &decoded {
        for problem in problems(signed, ctx.now) {
            ctx.output.warning(&problem);
        }
        for problem in duplicate_names(&token) {
            ctx.output.warning(&problem);
        }
    }
    not_verified(&ctx.output);
    Ok(Status::Success)
}

fn not_verified(output: &Output) {
    output.note(NOT_VERIFIED);
    output.hint(USE_VERIFY);
}

/// `{"header":..,"payload":..,"signature":".."}`, nothing added, for jq.
pub fn decode_json(decoded: &Decoded, token: &str) -> Value {
    match decoded {
        Decoded::Signed(signed) => json!({
            "header": signed.header,
            "payload": signed.payload,
            "signature": &token[signed.signing_input_len + 1..],
        }),
        Decoded::Encrypted { header } => json!({ "header": header, "encrypted": true }),
    }
}

#[derive(Default)]
struct Worker {
    scratch: Scratch,
    out: Vec<u8>,
    failed: usize,
}

/// Appends the `decode --json` line of `line`, or its error line; `false` for an error.
fn decode_line(line: batch::Line<'_>, scratch: &mut Scratch, out: &mut Vec<u8>) -> bool {
    let text = match line {
        batch::Line::Text(bytes) => {
            std::str::from_utf8(bytes).map_err(|_| TokenError::malformed("line is not UTF-8 text"))
        }
        batch::Line::TooLong(len) => Err(TokenError::malformed(format!(
            "line is {len} bytes; a token is at most {MAX_TOKEN_BYTES} bytes"
        ))),
    };
    // What `decode_json` prints, written directly.
    match text
        .and_then(|text| token::decode_view_without_signature(token::normalize(text), scratch))
    {
        Ok(View::Signed {
            header,
            payload,
            signature_text,
            ..
        }) => {
            out.extend_from_slice(b"{\"header\":");
            header.write_json(out);
            out.extend_from_slice(b",\"payload\":");
            payload.write_json(out);
            out.extend_from_slice(b",\"signature\":");
            signature_text.write_json(out);
            out.extend_from_slice(b"}\n");
            true
        }
        Ok(View::Encrypted { header }) => {
            out.extend_from_slice(b"{\"encrypted\":true,\"header\":");
            header.write_json(out);
            out.extend_from_slice(b"}\n");
            true
        }
        Err(error) => {
            batch::push_error(out, error.kind.as_str(), &error.message);
            false
        }
    }
}

/// `decode --batch`: exit 0 if every line decoded, 1 otherwise.
fn run_batch(args: &DecodeArgs) -> anyhow::Result<Status> {
    let mut out = batch::stdout();
    let mut failed = 0usize;
    batch::run(
        batch::stdin(),
        2 * MAX_TOKEN_BYTES,
        batch::threads(args.threads.count),
        |worker: &mut Worker, lines: &mut dyn Iterator<Item = batch::Line<'_>>| {
            for line in lines {
                if !decode_line(line, &mut worker.scratch, &mut worker.out) {
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
    )?;
    Ok(if failed == 0 {
        Status::Success
    } else {
        Status::Rejected
    })
}

/// What can be seen to be wrong without a key.
/// Names given more than once: what is shown is the last value, which is what some libraries
/// take and others do not, so verify rejects such a token (RFC 7515 and 7519, section 4).
fn duplicate_names(token: &str) -> Vec<String> {
    let mut scratch = Scratch::default();
    let Ok(View::Signed {
        header, payload, ..
    }) = token::decode_view_without_signature(token, &mut scratch)
    else {
        return Vec::new();
    };
    [("header", &header), ("payload", &payload)]
        .into_iter()
        .filter_map(|(segment, object)| {
            object.duplicate().map(|name| {
                format!(
                    "the {segment} gives {} more than once; the last value is shown, and \
                     `jwtctl verify` rejects such a token",
                    verify::quote(name)
                )
            })
        })
        .collect()
}

pub fn problems(signed: &SignedToken, now: i64) -> Vec<String> {
    let mut problems = Vec::new();
    match signed.header.get("alg") {
        Some(Value::String(alg)) if alg.trim().eq_ignore_ascii_case("none") => problems.push(
            "alg is none: this token is unsigned and no verifier should accept it".to_owned(),
        ),
        Some(Value::String(_)) => {}
        _ => problems.push("the header has no alg (string)".to_owned()),
    }
    match verify::numeric_date(&signed.payload, "exp") {
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
        problems.extend(render::decode::milliseconds_warning(
            &signed.payload,
            name,
            now,
        ));
    }
    match verify::numeric_date(&signed.payload, "nbf") {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(payload: Value) -> SignedToken {
        let Value::Object(payload) = payload else {
            panic!("not an object");
        };
        SignedToken {
            header: serde_json::from_str(r#"{"alg":"HS256"}"#).expect("header"),
            payload,
            signature: Vec::new(),
            signing_input_len: 0,
        }
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        // Found by tests/properties.rs: `now - exp` overflowed (a panic in debug builds) for an
        // exp of i64::MIN, which -1e300 saturates to.
        let problems_at = |payload: Value, now: i64| problems(&signed(payload), now);
        let expired = problems_at(json!({ "exp": -1e300 }), 1_800_000_000);
        assert!(
            expired[0].starts_with("expired 292471208677y"),
            "{expired:?}"
        );
        let expired = problems_at(json!({ "exp": i64::MIN }), i64::MAX);
        assert!(expired[0].starts_with("expired"), "{expired:?}");
        let early = problems_at(json!({ "exp": i64::MAX, "nbf": i64::MAX }), i64::MIN);
        assert!(early[0].starts_with("not valid for another"), "{early:?}");
    }
}
