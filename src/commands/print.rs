//! What several commands print the same way: a token pair (`issue`, `refresh`), a verification
//! result (`verify`, and the rejections of `refresh` and `revoke --token`), a decoded token
//! (`decode` and `decode --batch`). Each shape is written by one function, used for one token and
//! for every line of a batch alike.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use crate::cli::IssueOutput;
use crate::exit::Status;
use crate::jwt::json::WriteJson;
use crate::jwt::pair::Pair;
use crate::jwt::token::{self, Scratch, View};
use crate::jwt::{RejectKind, TokenError, Verified};

use super::Context;
use super::batch::push_error_body;

/// The OAuth 2.0 token response (RFC 6749 section 5.1).
#[derive(Serialize)]
pub struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_expires_in: Option<i64>,
}

pub fn token_response(pair: &Pair, now: i64) -> TokenResponse<'_> {
    let refresh = pair.refresh.as_ref();
    TokenResponse {
        access_token: &pair.access.token,
        token_type: "Bearer",
        expires_in: pair.access.expires_at - now,
        refresh_token: refresh.map(|r| r.token.as_str()),
        refresh_expires_in: refresh.map(|r| r.expires_at - now),
    }
}

/// Prints a pair the same way for `issue` and `refresh`, terminal or not.
pub fn pair(pair: &Pair, format: IssueOutput, now: i64) -> anyhow::Result<()> {
    let mut text = String::new();
    let refresh = pair.refresh.as_ref();
    match format {
        IssueOutput::Text => {
            text.push_str(&pair.access.token);
            text.push('\n');
            if let Some(refresh) = refresh {
                text.push_str(&refresh.token);
                text.push('\n');
            }
        }
        IssueOutput::Env => {
            text.push_str(&format!("JWTCTL_ACCESS_TOKEN={}\n", pair.access.token));
            if let Some(refresh) = refresh {
                text.push_str(&format!("JWTCTL_REFRESH_TOKEN={}\n", refresh.token));
            }
        }
        IssueOutput::Json => {
            text = serde_json::to_string(&token_response(pair, now))
                .context("cannot encode the token response")?;
            text.push('\n');
        }
    }
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    Ok(())
}

/// Appends the object `verify --json` prints for one token (and `verify --batch` for each line):
/// `{"claims":..,"header":..,"valid":true}` or `{"error":{"kind":..,"message":..},"valid":false}`.
/// A token whose signature verified but that a later check refused also gets its `contents`
/// (`{"claims":..,"header":..}`), so a script can see what expired or whose audience was wrong;
/// a token whose signature did not verify never does. They are not top-level `claims`: a script
/// that reads `.claims` only ever gets those of a valid token. In a batch, an error has the
/// input `line` too.
pub fn push_result(
    out: &mut Vec<u8>,
    result: &Result<Verified<'_>, TokenError>,
    token: &str,
    line: Option<u64>,
) {
    match result {
        Ok(verified) => {
            out.extend_from_slice(b"{\"claims\":");
            verified.claims.write_json(out);
            out.extend_from_slice(b",\"header\":");
            verified.header.write_json(out);
            out.extend_from_slice(b",\"valid\":true}\n");
        }
        Err(error) if error.signature_verified => {
            let mut scratch = Scratch::default();
            match token::decode(token, &mut scratch) {
                Ok(View::Signed {
                    header, payload, ..
                }) => {
                    out.extend_from_slice(b"{\"contents\":{\"claims\":");
                    payload.write_json(out);
                    out.extend_from_slice(b",\"header\":");
                    header.write_json(out);
                    out.extend_from_slice(b"},\"error\":");
                    push_error_body(out, error.kind.as_str(), line, &error.message);
                    out.extend_from_slice(b",\"valid\":false}\n");
                }
                _ => push_rejection(out, error, line),
            }
        }
        Err(error) => push_rejection(out, error, line),
    }
}

/// `{"error":{..},"valid":false}` and a line break.
pub fn push_rejection(out: &mut Vec<u8>, error: &TokenError, line: Option<u64>) {
    out.extend_from_slice(b"{\"error\":");
    push_error_body(out, error.kind.as_str(), line, &error.message);
    out.extend_from_slice(b",\"valid\":false}\n");
}

/// Appends what `decode --json` prints for a decoded token (and `decode --batch` for a line).
pub fn push_decoded(out: &mut Vec<u8>, view: &View<'_>) {
    match view {
        View::Signed {
            header,
            payload,
            signature,
            ..
        } => {
            out.extend_from_slice(b"{\"header\":");
            header.write_json(out);
            out.extend_from_slice(b",\"payload\":");
            payload.write_json(out);
            out.extend_from_slice(b",\"signature\":");
            signature.write_json(out);
            out.extend_from_slice(b"}\n");
        }
        View::Encrypted { header } => {
            out.extend_from_slice(b"{\"encrypted\":true,\"header\":");
            header.write_json(out);
            out.extend_from_slice(b"}\n");
        }
    }
}

/// Prints the outcome of a verification and picks the status: 0 valid, 1 rejected, 3 expired
/// or not yet valid.
pub fn report(
    result: &Result<Verified<'_>, TokenError>,
    token: &str,
    json: bool,
    quiet: bool,
    ctx: &Context,
) -> anyhow::Result<Status> {
    let mut stdout = std::io::stdout().lock();
    if json {
        let mut line = Vec::new();
        push_result(&mut line, result, token, None);
        let line = ctx.output.json(String::from_utf8_lossy(&line).into_owned());
        stdout
            .write_all(line.as_bytes())
            .context("cannot write to standard output")?;
    }
    match result {
        Ok(verified) => {
            if !json && !quiet {
                let claims = serde_json::to_string_pretty(&verified.claims)
                    .context("cannot encode the claims")?;
                let claims = ctx.output.json(claims);
                writeln!(stdout, "{claims}").context("cannot write to standard output")?;
            }
            Ok(Status::Success)
        }
        Err(error) => Ok(rejected(error, json, ctx)),
    }
}

/// Reports a rejection on stderr (unless `--json` printed it already) and returns its status.
pub fn rejected(error: &TokenError, json: bool, ctx: &Context) -> Status {
    if !json {
        ctx.output.error(&rejection_line(error));
    }
    if error.is_time_related() {
        Status::Expired
    } else {
        Status::Rejected
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
