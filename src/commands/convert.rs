//! `jwtctl convert`: a key from PEM to JWK and back, private or public only.

use std::io::{IsTerminal, Write};

use anyhow::Context as _;
use serde_json::json;

use crate::cli::{ConvertArgs, KeyFormat};
use crate::exit::{Status, UsageError};
use crate::files::{self, Overwrite};
use crate::jwt::Alg;
use crate::jwt::keyform::{self, Material, Target, Want};
use crate::jwt::keys::SecretSource;

use super::Context;

pub fn run(args: &ConvertArgs, ctx: &Context) -> anyhow::Result<Status> {
    let password = match (&args.key_password_file, &args.key_password_env) {
        (Some(path), _) if path.as_os_str() == "-" => Some(SecretSource::Stdin),
        (Some(path), _) => Some(SecretSource::File(path.clone())),
        // A password typed where its variable's name belongs must not be echoed back.
        (None, Some(name)) => Some(SecretSource::Env(crate::config::variable_name(
            name,
            "--key-password-env",
        )?)),
        (None, None) => None,
    };
    let (_, entry) = keyform::file::load(
        &args.key,
        args.kid.as_deref(),
        password.as_ref(),
        Want::Either,
        &mut ctx.warner(),
    )?;
    let origin = args.key.display().to_string();
    let alg = match (args.alg.map(Alg::from), entry.alg) {
        (Some(alg), _) | (None, Some(alg)) => Some(entry.algorithm(Some(alg), &origin)?),
        // An oct key's algorithm is a choice, not a property of the key.
        (None, None) if matches!(entry.material, Material::Secret(_)) => None,
        (None, None) => Some(entry.material.default_alg()),
    };
    let target = match args.to {
        KeyFormat::Jwk => Target::Jwk,
        KeyFormat::Pem => Target::Pem,
    };
    let exported = keyform::export(
        &entry.material,
        target,
        args.public,
        alg,
        keyform::jwk::Purpose::Sign,
    )?;
    match &args.out {
        Some(path) => {
            let overwrite = if args.force {
                Overwrite::Replace
            } else {
                Overwrite::Refuse
            };
            if exported.private {
                files::write_private(path, exported.text.expose(), overwrite)?;
            } else {
                files::write_public(path, exported.text.expose(), overwrite)?;
            }
            if args.json {
                let kid = match &entry.material {
                    Material::Private(key) => {
                        Some(keyform::jwk::thumbprint(&crate::jwt::jwk::public_of(key)?)?)
                    }
                    Material::Public(key) => Some(keyform::jwk::thumbprint(key)?),
                    Material::Secret(_) => None,
                };
                let report = json!({
                    "format": match args.to { KeyFormat::Jwk => "jwk", KeyFormat::Pem => "pem" },
                    "private": exported.private,
                    "kid": kid,
                    "path": path.display().to_string(),
                });
                writeln!(std::io::stdout(), "{report}")
                    .context("cannot write to standard output")?;
            }
        }
        None => {
            // A private key on a terminal lands in scrollback and screen recordings.
            if exported.private && std::io::stdout().is_terminal() && !args.force {
                return Err(UsageError::new(format!(
                    "refusing to print the private key of {origin} to a terminal; write it with \
                     --out FILE, take the public half with --public, or pass --force"
                ))
                .into());
            }
            std::io::stdout()
                .write_all(exported.text.expose())
                .context("cannot write to standard output")?;
        }
    }
    Ok(Status::Success)
}
