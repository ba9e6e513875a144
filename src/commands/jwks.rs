//! `jwtctl jwks`: publish public keys as a JWKS document.

use std::io::Write;

use anyhow::Context as _;

use crate::cli::JwksArgs;
use crate::exit::{Status, UsageError};
use crate::jwt::jwk;
use crate::jwt::keys::{self, PemKey, PublicKey, Want};
use crate::jwt::{Alg, text};

use super::Context;

pub fn run(args: &JwksArgs, ctx: &Context) -> anyhow::Result<Status> {
    let mut document: Vec<jsonwebtoken::jwk::Jwk> = Vec::new();
    for path in &args.keys {
        let public = load_any(path, ctx)?;
        let alg = args.alg.map_or(public.key_type.default_alg(), Alg::from);
        if !public.key_type.fits(alg) {
            return Err(UsageError::new(format!(
                "algorithm {alg} cannot be used with {}, which is {}",
                text::path(path),
                public.key_type.describe()
            ))
            .into());
        }
        let key = jwk::public_jwk(&public, alg)?;
        // A JWKS with one kid twice leaves verifiers to guess: the same key given twice.
        if let Some((earlier, _)) = document
            .iter()
            .zip(&args.keys)
            .map(|(written, path)| (path, written))
            .find(|(_, written)| written.common.key_id == key.common.key_id)
        {
            return Err(UsageError::new(format!(
                "{} and {} are the same key (kid {}); a JWKS names each key once",
                text::path(earlier),
                text::path(path),
                key.common.key_id.as_deref().unwrap_or_default()
            ))
            .into());
        }
        document.push(key);
    }
    let text = serde_json::to_string_pretty(&serde_json::json!({ "keys": document }))
        .context("cannot encode the JWKS")?;
    writeln!(std::io::stdout(), "{text}").context("cannot write to standard output")?;
    Ok(Status::Success)
}

/// A public key, or the public half of a private key (only the public half is printed).
fn load_any(path: &std::path::Path, ctx: &Context) -> anyhow::Result<PublicKey> {
    Ok(
        match keys::load_pem(path, Want::Either, &mut ctx.warner())? {
            PemKey::Public(public) => public,
            PemKey::Private(private) => private.public_key()?,
        },
    )
}
