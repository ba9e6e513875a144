//! `jwtctl gen-key`: a fresh key pair from the crypto backend, as PEM files.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    let public_out = args
        .public_out
        .clone()
        .unwrap_or_else(|| public_path_for(&args.out));
    if public_out == args.out {
        return Err(
            crate::exit::UsageError::new("--out and --public-out name the same file").into(),
        );
    }
    // The public key first: if it cannot be written, no orphan private key is left behind.
    files::write_public(&public_out, public_pem.as_bytes(), overwrite)?;
    files::write_private(&args.out, private_pem.as_bytes(), overwrite)?;
    if args.json {
        let report = json!({
            "alg": args.alg.name(),
            "kid": kid,
            "private_key": args.out.display().to_string(),
            "public_key": public_out.display().to_string(),
        });
        writeln!(std::io::stdout(), "{report}").context("cannot write to standard output")?;
    }
    Ok(Status::Success)
}

/// Where the public key goes when --public-out is not given, next to the private key as
/// `ssh-keygen` puts it: `ec.pem` -> `ec.pub.pem`, `key` -> `key.pub.pem`.
fn public_path_for(private: &Path) -> PathBuf {
    let name = private
        .file_name()
        .map_or_else(|| "key".into(), |name| name.to_string_lossy().into_owned());
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    private.with_file_name(format!("{stem}.pub.pem"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_key_goes_next_to_the_private_one() {
        for (private, public) in [
            ("ec.pem", "ec.pub.pem"),
            ("keys/rsa.pem", "keys/rsa.pub.pem"),
            ("key", "key.pub.pem"),
            ("/etc/jwt/signing.key", "/etc/jwt/signing.key.pub.pem"),
        ] {
            assert_eq!(public_path_for(Path::new(private)), Path::new(public));
        }
    }
}
