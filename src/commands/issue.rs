//! `jwtctl issue`: an access token and, unless `--no-refresh`, a refresh token.

use serde_json::Value;

use crate::config::IssueConfig;
use crate::exit::Status;
use crate::jwt::claims::{check_registered, parse_payload};
use crate::jwt::pair::{self, Minted, Pair, PairRequest};
use crate::jwt::time;
use crate::jwt::verify::ACCESS_TYPE;
use crate::store::NewToken;

use super::{Context, batch, print, session};

pub fn run(config: &IssueConfig, ctx: &Context) -> anyhow::Result<Status> {
    if config.args.batch {
        return run_batch(config, ctx);
    }
    if config.standalone.crafted() {
        let pair = Pair {
            access: mint_standalone(config, ctx.now)?,
            refresh: None,
            family: None,
            sub: config
                .claims
                .get("sub")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        print::pair(&pair, config.args.output, ctx.now)?;
        return Ok(Status::Success);
    }
    let request = PairRequest {
        claims: &config.claims,
        access_ttl: config.access_ttl,
        refresh_ttl: config.refresh_ttl,
        family: None,
    };
    let plan = pair::plan(&request, ctx.now)?;
    let record = session::record(&plan, config.args.session_label.clone());
    let mut pair = plan.sign(&config.signers)?;
    if let Some(encryption) = &config.encryption {
        encryption.seal_pair(&mut pair)?;
    }
    if let (Some(record), Some(store)) = (record, &config.store) {
        // A refresh token that is not in the store must never reach the user.
        store.open()?.insert(&[record], ctx.now)?;
    }
    print::pair(&pair, config.args.output, ctx.now)?;
    Ok(Status::Success)
}

/// A standalone token with the times, id and type the options gave (fixtures for expired and
/// not-yet-valid tokens); the rest as the plain path mints it.
fn mint_standalone(config: &IssueConfig, now: i64) -> anyhow::Result<Minted> {
    let own = &config.standalone;
    let iat = own.iat.unwrap_or(now);
    let exp = own.exp.unwrap_or(now.saturating_add(config.access_ttl));
    let jti = match &own.jti {
        Some(jti) => jti.clone(),
        None => pair::random_id()?,
    };
    let mut claims = config.claims.clone();
    claims.insert("iat".into(), Value::from(iat));
    claims.insert("exp".into(), Value::from(exp));
    if let Some(nbf) = own.nbf {
        claims.insert("nbf".into(), Value::from(nbf));
    }
    claims.insert("jti".into(), Value::from(jti.as_str()));
    let typ = own.typ.as_deref().unwrap_or(ACCESS_TYPE);
    Ok(Minted {
        token: config.signers.access.sign(typ, &claims)?,
        jti,
        issued_at: iat,
        expires_at: exp,
    })
}

#[derive(Default)]
struct Worker {
    out: Vec<u8>,
    records: Vec<NewToken>,
    failed: usize,
    replaced: usize,
    /// Signing failed: the batch stops with this error.
    error: Option<anyhow::Error>,
}

/// Longest line of claims `issue --batch` reads.
const MAX_CLAIMS_LINE: usize = 1024 * 1024;

/// `issue --batch`: the refresh tokens of a chunk are recorded with one insert, and the chunk is
/// printed only once that insert succeeded.
fn run_batch(request: &IssueConfig, ctx: &Context) -> anyhow::Result<Status> {
    let args = request.args;
    let mut store = match &request.store {
        Some(store) => Some(store.open()?),
        None => None,
    };
    let mut out = batch::stdout();
    let (mut failed, mut replaced) = (0usize, 0usize);
    let work = |worker: &mut Worker, lines: &mut dyn Iterator<Item = (u64, batch::Line<'_>)>| {
        let now = time::now();
        for (number, line) in lines {
            if worker.error.is_some() {
                return;
            }
            let text = match line {
                batch::Line::Text(bytes) => {
                    std::str::from_utf8(bytes).map_err(|_| "line is not UTF-8 text".to_owned())
                }
                batch::Line::TooLong(len) => Err(format!(
                    "line is {len} bytes, more than the limit of {MAX_CLAIMS_LINE} bytes"
                )),
            };
            // An empty line would get a JSON parser's "EOF while parsing".
            let parsed = text.and_then(|text| {
                if text.trim().is_empty() {
                    Err("empty line".to_owned())
                } else {
                    parse_payload(text, "this line")
                }
            });
            let mut claims = match parsed {
                Ok(claims) => claims,
                Err(message) => {
                    worker.failed += 1;
                    batch::push_error(&mut worker.out, "malformed", Some(number), &message);
                    continue;
                }
            };
            if !request.overrides.apply(&mut claims).is_empty() {
                worker.replaced += 1;
            }
            if let Err(message) = check_registered(&claims) {
                worker.failed += 1;
                batch::push_error(&mut worker.out, "claim", Some(number), &message);
                continue;
            }
            if request.refresh_ttl.is_some() && !claims.get("sub").is_some_and(Value::is_string) {
                worker.failed += 1;
                batch::push_error(
                    &mut worker.out,
                    "claim",
                    Some(number),
                    "a string sub is required when a refresh token is issued \
                     (in the line, or --sub; or pass --no-refresh)",
                );
                continue;
            }
            let pair_request = PairRequest {
                claims: &claims,
                access_ttl: request.access_ttl,
                refresh_ttl: request.refresh_ttl,
                family: None,
            };
            let minted = pair::plan(&pair_request, now).and_then(|plan| {
                let record = session::record(&plan, args.session_label.clone());
                let mut pair = plan.sign(&request.signers)?;
                if let Some(encryption) = &request.encryption {
                    encryption.seal_pair(&mut pair)?;
                }
                Ok((record, pair))
            });
            match minted {
                Ok((record, pair)) => {
                    worker.records.extend(record);
                    batch::push_json(&mut worker.out, &print::token_response(&pair, now));
                }
                Err(error) => worker.error = Some(error.into()),
            }
        }
    };
    let emit = |worker: &mut Worker| -> anyhow::Result<()> {
        if let Some(error) = worker.error.take() {
            return Err(error);
        }
        if let Some(store) = store.as_deref_mut()
            && !worker.records.is_empty()
        {
            // A refresh token that is not in the store must never reach the user.
            store.insert(&worker.records, time::now())?;
        }
        worker.records.clear();
        failed += std::mem::take(&mut worker.failed);
        replaced += std::mem::take(&mut worker.replaced);
        batch::write(&mut out, &worker.out)?;
        worker.out.clear();
        batch::end_chunk(&mut out)
    };
    let threads = batch::threads(args.threads.count);
    let result = batch::run(batch::stdin(), MAX_CLAIMS_LINE, threads, work, emit);
    batch::after_closed_pipe(result, failed)?;
    if replaced > 0 {
        ctx.output.warning(&format!(
            "on {replaced} line(s), the payload's exp, iat, jti or sid were replaced: \
             jwtctl sets these claims itself"
        ));
    }
    Ok(if failed == 0 {
        Status::Success
    } else {
        Status::Rejected
    })
}
