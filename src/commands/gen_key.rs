//! `jwtctl gen-key`: a fresh key pair from the crypto backend, as PEM files.

use std::io::Write;

use anyhow::Context as _;
use serde_json::json;

use crate::cli::GenKeyArgs;
use crate::exit::Status;
use crate::files::{self, Overwrite};
use crate::jwt::KeyError;
use crate::jwt::jwk::{self, to_pem};
use crate::jwt::keys::public_key_from_pem;

use super::Context;

pub fn run(args: &GenKeyArgs, _ctx: &Context) -> anyhow::Result<Status> {
    let generated = jwk::generate(args.alg, args.bits)?;
    let private_pem =
        zeroize::Zeroizing::new(to_pem("PRIVATE KEY", generated.private_pkcs8.expose()));
    let public_pem = to_pem("PUBLIC KEY", &generated.public_spki);
    let public = public_key_from_pem(public_pem.as_bytes())
        .ok_or_else(|| KeyError::new("the generated public key could not be read back"))?;
    let kid = jwk::thumbprint(&public, args.alg)?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    // The public key first: if it cannot be written, no orphan private key is left behind.
    if let Some(path) = &args.public_out {
        if path == &args.out {
            return Err(
                crate::exit::UsageError::new("--out and --public-out name the same file").into(),
            );
        }
        files::write_public(path, public_pem.as_bytes(), overwrite)?;
    }
    files::write_private(&args.out, private_pem.as_bytes(), overwrite)?;
    if args.json {
        let report = json!({
            "alg": args.alg.name(),
            "kid": kid,
            "private_key": args.out.display().to_string(),
            "public_key": args.public_out.as_ref().map(|path| path.display().to_string()),
        });
        writeln!(std::io::stdout(), "{report}").context("cannot write to standard output")?;
    }
    Ok(Status::Success)
}
