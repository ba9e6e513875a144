//! `jwtctl issue`: an access token and, unless `--no-refresh`, a refresh token.

use std::io::{Read, Write};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::Value;

use crate::cli::{IssueArgs, IssueOutput};
use crate::exit::{Status, UsageError};
use crate::jwt::claims::{parse_claim, parse_payload};
use crate::jwt::pair::{self, OWN_CLAIMS, Pair, PairRequest, Signers};
use crate::jwt::time::parse_duration;
use crate::jwt::token::Object;

use super::{Context, keys, store};

pub fn run(args: &IssueArgs, ctx: &Context) -> anyhow::Result<Status> {
    let secret_on_stdin = keys::reads_stdin(&args.key)
        || args.refresh_key.refresh_secret_file.as_deref() == Some(std::path::Path::new("-"));
    if args.payload.as_deref() == Some("-") && secret_on_stdin {
        return Err(UsageError::new(
            "standard input cannot carry both the payload and a secret: pass the payload as @FILE",
        )
        .into());
    }
    let claims = build_claims(args, ctx)?;
    let access_ttl = ttl(&args.access_ttl, "--access-ttl")?;
    let refresh_ttl = if args.no_refresh {
        None
    } else {
        if !claims.get("sub").is_some_and(Value::is_string) {
            return Err(UsageError::new(
                "--sub is required when a refresh token is issued (or pass --no-refresh)",
            )
            .into());
        }
        let refresh_ttl = ttl(&args.refresh_ttl, "--refresh-ttl")?;
        if refresh_ttl <= access_ttl {
            ctx.output.warning(
                "--refresh-ttl is not longer than --access-ttl: the refresh token will be of no use",
            );
        }
        Some(refresh_ttl)
    };
    let access = keys::signer(&args.key, args.alg, args.kid.clone(), ctx)?;
    let refresh = if refresh_ttl.is_some() {
        keys::refresh_signer(&args.key, &args.refresh_key, access.alg(), ctx)?
    } else {
        None
    };
    let signers = Signers { access, refresh };
    let request = PairRequest {
        claims: &claims,
        access_ttl,
        refresh_ttl,
        family: None,
    };
    let pair = pair::mint(&signers, &request, ctx.now)?;
    if let Some(record) = pair.store_record(args.session_label.clone()) {
        // A refresh token that is not in the store must never reach the user.
        let mut store = store::open(&args.store)?;
        store.insert(&[record], ctx.now)?;
    }
    print_pair(&pair, args.output, ctx.now)?;
    Ok(Status::Success)
}

pub fn ttl(text: &str, flag: &str) -> Result<i64, UsageError> {
    match parse_duration(text) {
        Ok(0) => Err(UsageError::new(format!("{flag} must be longer than 0s"))),
        Ok(seconds) => Ok(seconds),
        Err(message) => Err(UsageError::new(format!("{flag}: {message}"))),
    }
}

/// The payload first, then `--claim`s, then the named flags: later sources win.
pub fn build_claims(args: &IssueArgs, ctx: &Context) -> anyhow::Result<Object> {
    let mut claims = match &args.payload {
        None => Object::new(),
        Some(payload) => read_payload(payload)?,
    };
    for argument in &args.claims {
        let (key, value) = parse_claim(argument).map_err(UsageError::new)?;
        claims.insert(key, value);
    }
    if let Some(sub) = &args.sub {
        claims.insert("sub".into(), Value::from(sub.as_str()));
    }
    if let Some(iss) = &args.iss {
        claims.insert("iss".into(), Value::from(iss.as_str()));
    }
    match args.aud.as_slice() {
        [] => {}
        [one] => {
            claims.insert("aud".into(), Value::from(one.as_str()));
        }
        many => {
            claims.insert("aud".into(), Value::from(many.to_vec()));
        }
    }
    let mut replaced: Vec<&str> = OWN_CLAIMS
        .iter()
        .copied()
        .filter(|name| claims.remove(*name).is_some())
        .collect();
    if !args.no_refresh && claims.remove("sid").is_some() {
        replaced.push("sid");
    }
    if !replaced.is_empty() {
        ctx.output.warning(&format!(
            "{} replaced: jwtctl sets these claims itself",
            describe_list(&replaced)
        ));
    }
    Ok(claims)
}

fn describe_list(names: &[&str]) -> String {
    match names {
        [one] => format!("{one} was"),
        _ => format!("{} were", names.join(", ")),
    }
}

fn read_payload(argument: &str) -> anyhow::Result<Object> {
    let (text, origin) = if argument == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| {
                UsageError::new(format!(
                    "cannot read the payload from standard input: {error}"
                ))
            })?;
        (text, "standard input".to_owned())
    } else if let Some(path) = keys::at_file(argument) {
        let text = keys::read_argument_file(&path, "payload file")?;
        (text, path.display().to_string())
    } else {
        (argument.to_owned(), "--payload".to_owned())
    };
    Ok(parse_payload(&text, &origin).map_err(UsageError::new)?)
}

/// The OAuth 2.0 token response (RFC 6749 section 5.1).
#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_expires_in: Option<i64>,
}

/// Prints a pair the same way for `issue` and `refresh`, terminal or not.
pub fn print_pair(pair: &Pair, format: IssueOutput, now: i64) -> anyhow::Result<()> {
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
            let response = TokenResponse {
                access_token: &pair.access.token,
                token_type: "Bearer",
                expires_in: pair.access.expires_at - now,
                refresh_token: refresh.map(|r| r.token.as_str()),
                refresh_expires_in: refresh.map(|r| r.expires_at - now),
            };
            text = serde_json::to_string(&response).context("cannot encode the token response")?;
            text.push('\n');
        }
    }
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    Ok(())
}
