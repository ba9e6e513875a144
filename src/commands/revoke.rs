//! `jwtctl revoke`: take sessions away, so their refresh tokens can no longer be traded.

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::config::{RevokeConfig, RevokeTarget};
use crate::exit::Status;
use crate::jwt::json::Json;
use crate::jwt::token::Scratch;
use crate::store::RevokeSelector;

use super::{Context, print};

pub fn run(config: &RevokeConfig, ctx: &Context) -> anyhow::Result<Status> {
    let selector = match &config.target {
        RevokeTarget::Token(token) => match token.as_ref() {
            Err(rejection) => return Ok(print::rejected(rejection, false, ctx)),
            // The family is read only after the signature is verified: anyone who saw a `jti`
            // or `sid` could otherwise revoke other people's sessions. The store revokes it only
            // if it was recorded for the token's subject (SECURITY.md 41).
            Ok((token, policy)) => {
                let mut scratch = Scratch::default();
                match policy.verify(token, ctx.now, &mut scratch) {
                    Ok(verified) => {
                        let text = |name: &str| {
                            verified
                                .claims
                                .get(name)
                                .and_then(Json::as_str)
                                .unwrap_or_default()
                                .to_owned()
                        };
                        RevokeSelector::FamilyOf {
                            sub: text("sub"),
                            family: text("sid"),
                        }
                    }
                    Err(rejection) => return Ok(print::rejected(&rejection, false, ctx)),
                }
            }
        },
        RevokeTarget::User(user) => RevokeSelector::User(user.clone()),
        RevokeTarget::Family(family) => RevokeSelector::Family(family.clone()),
        RevokeTarget::All => RevokeSelector::All,
    };
    let mut store = config.store.open()?;
    let revoked = store.revoke(&selector, ctx.now)?;
    let mut stdout = std::io::stdout().lock();
    if config.args.json {
        writeln!(stdout, "{}", json!({ "revoked": revoked }))
    } else {
        let noun = if revoked == 1 { "session" } else { "sessions" };
        writeln!(stdout, "revoked {revoked} {noun}")
    }
    .context("cannot write to standard output")?;
    Ok(Status::Success)
}
