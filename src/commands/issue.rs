//! `jwtctl issue`: an access token and, unless `--no-refresh`, a refresh token.

use std::io::{Read, Write};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::Value;

use crate::cli::{IssueArgs, IssueOutput};
use crate::exit::{Status, UsageError};
use crate::jwt::claims::{parse_claim, parse_payload};
use crate::jwt::header::{HeaderExtras, parse_headers};
use crate::jwt::instant::parse_time;
use crate::jwt::pair::{self, Minted, OWN_CLAIMS, Pair, PairRequest, Signers};
use crate::jwt::time::{self, parse_duration};
use crate::jwt::token::Object;
use crate::jwt::verify::ACCESS_TYPE;
use crate::jwt::x5c::CertificateChain;
use crate::store::NewToken;

use super::{Context, batch, keys, store};

pub fn run(args: &IssueArgs, ctx: &Context) -> anyhow::Result<Status> {
    let secret_on_stdin = keys::reads_stdin(&args.key)
        || args.refresh_key.refresh_secret_file.as_deref() == Some(std::path::Path::new("-"));
    if args.payload.as_deref() == Some("-") && secret_on_stdin {
        return Err(UsageError::new(
            "standard input cannot carry both the payload and a secret: pass the payload as @FILE",
        )
        .into());
    }
    if args.batch && keys::reads_stdin(&args.key) {
        return Err(UsageError::new(
            "standard input cannot carry both the batch of claims and the secret",
        )
        .into());
    }
    let overrides = Overrides::from_args(args)?;
    let claims = if args.batch {
        Object::new()
    } else {
        build_claims(args, &overrides, ctx)?
    };
    let access_ttl = ttl(&args.access_ttl, "--access-ttl")?;
    let refresh_ttl = if args.no_refresh {
        None
    } else {
        if !args.batch && !claims.get("sub").is_some_and(Value::is_string) {
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
    let standalone = Standalone::from_args(args, ctx.now)?;
    let (access, public) = keys::signer_and_public(&args.key, args.alg, args.kid.clone(), ctx)?;
    let mut header = standalone.header.members.clone();
    if let Some(chain) = &args.x5c {
        let (Some(public), Some(path)) = (&public, &args.key.key_file) else {
            return Err(UsageError::new("--x5c needs a key pair in --key-file").into());
        };
        let origin = chain.display().to_string();
        let content = keys::read_argument_file(chain, "certificate chain")?;
        let chain = CertificateChain::read(content.as_bytes(), &origin)?;
        chain
            .check_leaf(public, &origin)
            .map_err(|error| UsageError::new(format!("{error}, which is in {}", path.display())))?;
        header.extend(chain.header_members());
    }
    let access = access.with_header_members(header);
    if standalone.crafted() {
        let minted = standalone.mint(&access, &claims, access_ttl, ctx.now)?;
        let pair = Pair {
            sub: claims.get("sub").and_then(Value::as_str).map(str::to_owned),
            access: minted,
            refresh: None,
            family: None,
        };
        print_pair(&pair, args.output, ctx.now)?;
        return Ok(Status::Success);
    }
    let refresh = if refresh_ttl.is_some() {
        keys::refresh_signer(&args.key, &args.refresh_key, access.alg(), ctx)?
    } else {
        None
    };
    let signers = Signers { access, refresh };
    if args.batch {
        let request = BatchRequest {
            overrides: &overrides,
            access_ttl,
            refresh_ttl,
            signers: &signers,
        };
        return run_batch(args, &request, ctx);
    }
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

/// What `--header`, `--exp`, `--nbf`, `--iat` and `--jti` set, for a standalone token only
/// (a pair keeps its types and lifetimes).
struct Standalone {
    header: HeaderExtras,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    jti: Option<String>,
}

impl Standalone {
    fn from_args(args: &IssueArgs, now: i64) -> Result<Self, UsageError> {
        let pair = !args.no_refresh;
        let header = parse_headers(&args.headers, pair).map_err(UsageError::new)?;
        let times = [
            ("--exp", &args.exp),
            ("--nbf", &args.nbf),
            ("--iat", &args.iat),
            ("--jti", &args.jti),
        ];
        if let Some((flag, _)) = times.iter().find(|(_, value)| value.is_some()) {
            if pair {
                return Err(UsageError::new(format!(
                    "{flag} is for a standalone token (--no-refresh); a pair keeps \
                     --access-ttl and --refresh-ttl"
                )));
            }
            if args.batch {
                return Err(UsageError::new(format!(
                    "{flag} cannot be used with --batch"
                )));
            }
        }
        if args.batch && header.typ.is_some() {
            return Err(UsageError::new("--header typ cannot be used with --batch"));
        }
        let time = |value: &Option<String>, flag: &str| {
            value
                .as_deref()
                .map(|text| parse_time(text, now, flag).map_err(UsageError::new))
                .transpose()
        };
        Ok(Standalone {
            exp: time(&args.exp, "--exp")?,
            nbf: time(&args.nbf, "--nbf")?,
            iat: time(&args.iat, "--iat")?,
            jti: args.jti.clone(),
            header,
        })
    }

    /// Whether the token differs from what the plain path mints.
    fn crafted(&self) -> bool {
        self.header.typ.is_some()
            || self.exp.is_some()
            || self.nbf.is_some()
            || self.iat.is_some()
            || self.jti.is_some()
    }

    fn mint(
        &self,
        signer: &crate::jwt::Signer,
        claims: &Object,
        ttl: i64,
        now: i64,
    ) -> anyhow::Result<Minted> {
        let iat = self.iat.unwrap_or(now);
        let exp = self.exp.unwrap_or(now.saturating_add(ttl));
        let jti = match &self.jti {
            Some(jti) => jti.clone(),
            None => pair::random_id()?,
        };
        let mut claims = claims.clone();
        claims.insert("iat".into(), Value::from(iat));
        claims.insert("exp".into(), Value::from(exp));
        if let Some(nbf) = self.nbf {
            claims.insert("nbf".into(), Value::from(nbf));
        }
        claims.insert("jti".into(), Value::from(jti.as_str()));
        let typ = self.header.typ.as_deref().unwrap_or(ACCESS_TYPE);
        Ok(Minted {
            token: signer.sign(typ, &claims)?,
            jti,
            issued_at: iat,
            expires_at: exp,
        })
    }
}

pub fn ttl(text: &str, flag: &str) -> Result<i64, UsageError> {
    match parse_duration(text) {
        Ok(0) => Err(UsageError::new(format!("{flag} must be longer than 0s"))),
        Ok(seconds) => Ok(seconds),
        Err(message) => Err(UsageError::new(format!("{flag}: {message}"))),
    }
}

/// The claims the options set: `--claim`s, then the named flags. They win over the payload.
pub struct Overrides {
    claims: Vec<(String, Value)>,
    /// Whether `sid` is jwtctl's too (a refresh token is issued).
    own_sid: bool,
}

impl Overrides {
    pub fn from_args(args: &IssueArgs) -> Result<Self, UsageError> {
        let mut claims = Vec::new();
        for argument in &args.claims {
            claims.push(parse_claim(argument).map_err(UsageError::new)?);
        }
        if let Some(sub) = &args.sub {
            claims.push(("sub".into(), Value::from(sub.as_str())));
        }
        if let Some(iss) = &args.iss {
            claims.push(("iss".into(), Value::from(iss.as_str())));
        }
        match args.aud.as_slice() {
            [] => {}
            [one] => claims.push(("aud".into(), Value::from(one.as_str()))),
            many => claims.push(("aud".into(), Value::from(many.to_vec()))),
        }
        Ok(Overrides {
            claims,
            own_sid: !args.no_refresh,
        })
    }

    /// Applies the options to `claims` and removes the claims jwtctl sets itself; returns the
    /// names of those it removed.
    pub fn apply(&self, claims: &mut Object) -> Vec<&'static str> {
        for (key, value) in &self.claims {
            claims.insert(key.clone(), value.clone());
        }
        let mut replaced: Vec<&'static str> = OWN_CLAIMS
            .iter()
            .copied()
            .filter(|name| claims.remove(*name).is_some())
            .collect();
        if self.own_sid && claims.remove("sid").is_some() {
            replaced.push("sid");
        }
        replaced
    }
}

/// The payload first, then `--claim`s, then the named flags: later sources win.
pub fn build_claims(
    args: &IssueArgs,
    overrides: &Overrides,
    ctx: &Context,
) -> anyhow::Result<Object> {
    let mut claims = match &args.payload {
        None => Object::new(),
        Some(payload) => read_payload(payload)?,
    };
    let replaced = overrides.apply(&mut claims);
    if !replaced.is_empty() {
        ctx.output.warning(&format!(
            "{} replaced: jwtctl sets these claims itself",
            describe_list(&replaced)
        ));
    }
    Ok(claims)
}

/// What every line of `issue --batch` shares.
struct BatchRequest<'a> {
    overrides: &'a Overrides,
    access_ttl: i64,
    refresh_ttl: Option<i64>,
    signers: &'a Signers,
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
fn run_batch(args: &IssueArgs, request: &BatchRequest, ctx: &Context) -> anyhow::Result<Status> {
    let mut store = match request.refresh_ttl {
        Some(_) => Some(store::open(&args.store)?),
        None => None,
    };
    let mut out = batch::stdout();
    let (mut failed, mut replaced) = (0usize, 0usize);
    let work = |worker: &mut Worker, lines: &mut dyn Iterator<Item = batch::Line<'_>>| {
        let now = time::now();
        for line in lines {
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
            let mut claims = match text.and_then(|text| parse_payload(text, "this line")) {
                Ok(claims) => claims,
                Err(message) => {
                    worker.failed += 1;
                    batch::push_error(&mut worker.out, "malformed", &message);
                    continue;
                }
            };
            if !request.overrides.apply(&mut claims).is_empty() {
                worker.replaced += 1;
            }
            if request.refresh_ttl.is_some() && !claims.get("sub").is_some_and(Value::is_string) {
                worker.failed += 1;
                batch::push_error(
                    &mut worker.out,
                    "claim",
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
            match pair::mint(request.signers, &pair_request, now) {
                Ok(pair) => {
                    worker
                        .records
                        .extend(pair.store_record(args.session_label.clone()));
                    batch::push_json(&mut worker.out, &token_response(&pair, now));
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
    batch::run(batch::stdin(), MAX_CLAIMS_LINE, threads, work, emit)?;
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

fn token_response(pair: &Pair, now: i64) -> TokenResponse<'_> {
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
