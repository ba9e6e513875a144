//! `jwtctl revoke`: take sessions away, so their refresh tokens can no longer be traded.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::RevokeArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::token::{self, Decoded};
use crate::jwt::verify::{REFRESH_TYPE, same_media_type};
use crate::jwt::{TokenError, TokenType};
use crate::store::RevokeSelector;

use super::{Context, keys, read_token, store, verify};

pub fn run(args: &RevokeArgs, ctx: &Context) -> anyhow::Result<Status> {
    let selector = match (&args.user, &args.token, &args.family, args.all) {
        (Some(user), ..) => RevokeSelector::User(user.clone()),
        (_, Some(token), ..) => match family_of(token, args, ctx)? {
            Ok((sub, family)) => RevokeSelector::FamilyOf { sub, family },
            Err(rejection) => return verify::report(&Err(rejection), false, true, ctx),
        },
        (_, _, Some(family), _) => RevokeSelector::Family(family.clone()),
        (.., true) => RevokeSelector::All,
        // clap's required group makes this unreachable; keep it an error, not a panic.
        _ => {
            return Err(
                UsageError::new("say what to revoke: --user, --token, --family or --all").into(),
            );
        }
    };
    let mut store = store::open(&args.store)?;
    let revoked = store.revoke(&selector, ctx.now)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", json!({ "revoked": revoked }))
    } else {
        let noun = if revoked == 1 { "session" } else { "sessions" };
        writeln!(stdout, "revoked {revoked} {noun}")
    }
    .context("cannot write to standard output")?;
    Ok(Status::Success)
}

/// The subject and session family of a token, read only after its signature is verified: anyone
/// who saw a `jti` or `sid` could otherwise revoke other people's sessions. The store revokes the
/// family only if it was recorded for that subject (SECURITY.md 41). Expired tokens still name
/// their family, which may live on through rotation.
fn family_of(
    argument: &str,
    args: &RevokeArgs,
    ctx: &Context,
) -> anyhow::Result<Result<(String, String), TokenError>> {
    if argument == "-" && keys::reads_stdin(&args.key) {
        return Err(
            UsageError::new("standard input cannot carry both the token and the secret").into(),
        );
    }
    let token = match read_token(Some(argument)) {
        Ok(token) => token,
        Err(error) => return Ok(Err(error.downcast::<TokenError>()?)),
    };
    // The unverified typ only chooses which of our own keys checks the signature.
    let token_type = if is_refresh_token(&token) {
        TokenType::Refresh
    } else {
        TokenType::Access
    };
    let policy = keys::session_token_policy(
        &args.key,
        &args.refresh_key,
        args.alg,
        token_type,
        &["sid", "sub"],
        true,
        ctx,
    )?;
    Ok(policy.verify(&token, ctx.now).map(|verified| {
        let text = |name: &str| {
            verified
                .claims
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        (text("sub"), text("sid"))
    }))
}

fn is_refresh_token(token: &str) -> bool {
    match token::decode(token) {
        Ok(Decoded::Signed(signed)) => signed
            .header
            .get("typ")
            .and_then(Value::as_str)
            .is_some_and(|typ| same_media_type(typ, REFRESH_TYPE)),
        _ => false,
    }
}
