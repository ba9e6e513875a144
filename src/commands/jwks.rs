//! `jwtctl jwks`: publish public keys as a JWKS document.

use std::io::Write;

use anyhow::Context as _;

use crate::cli::JwksArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::jwk::{self, public_of};
use crate::jwt::keys::{self, PublicKey};

use super::Context;

pub fn run(args: &JwksArgs, ctx: &Context) -> anyhow::Result<Status> {
    let mut document = Vec::new();
    for path in &args.keys {
        let public = load_any(path, ctx)?;
        let alg = args.alg.unwrap_or(public.key_type.default_alg());
        if !public.key_type.fits(alg) {
            return Err(UsageError::new(format!(
                "algorithm {alg} cannot be used with {}, which is {}",
                path.display(),
                public.key_type.describe()
            ))
            .into());
        }
        document.push(jwk::public_jwk(&public, alg)?);
    }
    let text = serde_json::to_string_pretty(&serde_json::json!({ "keys": document }))
        .context("cannot encode the JWKS")?;
    writeln!(std::io::stdout(), "{text}").context("cannot write to standard output")?;
    Ok(Status::Success)
}

/// A public key, or the public half of a private key (only the public half is printed).
fn load_any(path: &std::path::Path, ctx: &Context) -> anyhow::Result<PublicKey> {
    match keys::load_public_key(path) {
        Ok(public) => Ok(public),
        Err(public_error) if public_error.0.contains("holds a private key") => {
            let private = keys::load_private_key(path, &mut ctx.warner())?;
            Ok(public_of(&private)?)
        }
        Err(error) => Err(error.into()),
    }
}
