//! `jwtctl refresh`: trade a refresh token for a new pair, while the store still holds it.
//!
//! Rotation with reuse detection (RFC 9700 section 4.14.2): each refresh token is good for one
//! trade. Presenting a spent one means two parties hold it, so the whole family is revoked.

use serde_json::Value;

use crate::cli::RefreshArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::pair::{self, OWN_CLAIMS, PairRequest, Signers};
use crate::jwt::token::Object;
use crate::jwt::{RejectKind, TokenError, TokenType};
use crate::store::{LookupOutcome, RevokeSelector, RotateOutcome};

use super::issue::{print_pair, ttl};
use super::{Context, keys, read_token, reads_stdin, store, verify};

pub fn run(args: &RefreshArgs, ctx: &Context) -> anyhow::Result<Status> {
    if reads_stdin(args.token.as_deref()) && keys::reads_stdin(&args.key) {
        return Err(UsageError::new(
            "standard input cannot carry both the token and the secret: pass the token as an argument",
        )
        .into());
    }
    let access_ttl = ttl(&args.access_ttl, "--access-ttl")?;
    let refresh_ttl = ttl(&args.refresh_ttl, "--refresh-ttl")?;
    let policy = keys::session_token_policy(
        &args.key,
        &args.refresh_key,
        args.alg,
        TokenType::Refresh,
        &["jti", "sub", "sid"],
        false,
        ctx,
    )?;
    let access = keys::signer(&args.key, args.alg, None, ctx)?;
    let refresh = keys::refresh_signer(&args.key, &args.refresh_key, access.alg(), ctx)?;
    let signers = Signers { access, refresh };

    let verified = match read_token(args.token.as_deref()) {
        Ok(token) => policy.verify(&token, ctx.now),
        Err(error) => Err(error.downcast::<TokenError>()?),
    };
    let claims = match verified {
        Ok(verified) => verified.claims,
        Err(error) => return verify::report(&Err(error), false, true, ctx),
    };
    // `required` guarantees presence and `verify` the types of these three.
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (jti, sub, family) = (text("jti"), text("sub"), text("sid"));

    let carried = carried_claims(&claims);
    let request = PairRequest {
        claims: &carried,
        access_ttl,
        refresh_ttl: (!args.no_rotate).then_some(refresh_ttl),
        family: Some(&family),
    };
    let pair = pair::mint(&signers, &request, ctx.now)?;
    let mut store = store::open(&args.store)?;

    let outcome = match pair.store_record(None) {
        Some(successor) => store.rotate(&jti, &sub, &family, &successor, ctx.now)?,
        None => match store.lookup(&jti, &sub, &family, ctx.now)? {
            LookupOutcome::Active => RotateOutcome::Rotated,
            LookupOutcome::Rotated => {
                store.revoke(&RevokeSelector::Family(family.clone()), ctx.now)?;
                RotateOutcome::ReuseDetected {
                    family: family.clone(),
                }
            }
            LookupOutcome::Revoked => RotateOutcome::Revoked,
            LookupOutcome::Unknown => RotateOutcome::Unknown,
        },
    };
    let rejection = match outcome {
        RotateOutcome::Rotated => {
            print_pair(&pair, args.output, ctx.now)?;
            return Ok(Status::Success);
        }
        RotateOutcome::ReuseDetected { family } => TokenError::new(
            RejectKind::Reused,
            format!("refresh token reuse detected; session family {family} revoked"),
        ),
        RotateOutcome::Revoked => TokenError::new(
            RejectKind::Revoked,
            format!("refresh token was revoked (session family {family})"),
        ),
        RotateOutcome::Unknown => TokenError::new(
            RejectKind::Revoked,
            "refresh token is not in the store: it was never recorded there, or has expired and been pruned",
        ),
        // Only with a reuse grace window, which this command does not set yet.
        RotateOutcome::Reissued { .. } => TokenError::new(
            RejectKind::Reused,
            format!("refresh token reuse detected in session family {family}"),
        ),
    };
    verify::report(&Err(rejection), false, true, ctx)
}

/// The claims a new pair inherits: everything but those jwtctl sets itself.
fn carried_claims(claims: &Object) -> Object {
    let mut carried = claims.clone();
    for name in OWN_CLAIMS.iter().chain(&["sid", "nbf"]) {
        carried.remove(*name);
    }
    carried
}
