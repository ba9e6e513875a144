//! `jwtctl refresh`: trade a refresh token for a new pair, while the store still holds it.
//!
//! Rotation with reuse detection (RFC 9700 section 4.14.2): each refresh token is good for one
//! trade. Presenting a spent one means two parties hold it, so the whole family is revoked.

use crate::config::{ReadError, RefreshConfig};
use crate::exit::Status;
use crate::jwt::claims::Claims;
use crate::jwt::json::{self, Json};
use crate::jwt::pair::{self, OWN_CLAIMS, PairRequest};
use crate::jwt::token::Scratch;
use crate::jwt::{RejectKind, TokenError};
use crate::store::{LookupOutcome, RevokeSelector, RotateOutcome};

use super::{Context, print, session};

pub fn run(config: &RefreshConfig, ctx: &Context) -> anyhow::Result<Status> {
    let token = match config.token.read() {
        Ok(token) => token,
        Err(ReadError::Rejected(rejection)) => return Ok(print::rejected(&rejection, false, ctx)),
        Err(ReadError::Failed(error)) => return Err(error),
    };
    let mut scratch = Scratch::default();
    let claims = match config.policy.verify(&token, ctx.now, &mut scratch) {
        Ok(verified) => verified.claims,
        Err(rejection) => return Ok(print::rejected(&rejection, false, ctx)),
    };
    // `required` guarantees presence and `verify` the types of these three.
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (jti, sub, family) = (text("jti"), text("sub"), text("sid"));

    let carried = carried_claims(&claims);
    let request = PairRequest {
        claims: &carried,
        access_ttl: config.access_ttl,
        refresh_ttl: config.refresh_ttl,
        family: Some(&family),
    };
    // Everything about the new pair is decided, but nothing is signed until the store has said
    // the presented token may be traded.
    let plan = pair::plan(&request, ctx.now)?;
    let mut store = config.store.open()?;
    let outcome = match session::record(&plan, None) {
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
            let pair = plan.sign(&config.signers)?;
            print::pair(&pair, config.args.output, ctx.now)?;
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
    };
    Ok(print::rejected(&rejection, false, ctx))
}

/// The claims a new pair inherits: everything but those jwtctl sets itself.
fn carried_claims(claims: &json::Object) -> Claims {
    let mut carried = claims.to_map();
    for name in OWN_CLAIMS.iter().chain(&["nbf"]) {
        carried.remove(*name);
    }
    carried
}
