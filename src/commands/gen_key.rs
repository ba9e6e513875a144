//! `jwtctl gen-key`: a fresh key pair from the crypto backend, as PEM files.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::json;

use crate::cli::{GenKeyArgs, KeyFormat, KeyUseArg};
use crate::exit::Status;
use crate::files::{self, Overwrite};
use crate::jwt::jwk::{self, to_pem};
use crate::jwt::keyform::jwk::Purpose;
use crate::jwt::keyform::{self, Target, Want};
use crate::jwt::keys::public_key_from_pem;
use crate::jwt::{Alg, KeyError};

use super::Context;

pub fn run(args: &GenKeyArgs, _ctx: &Context) -> anyhow::Result<Status> {
    let alg = Alg::from(args.alg);
    let purpose = match args.key_use {
        KeyUseArg::Sig => Purpose::Sign,
        KeyUseArg::Enc if args.format != KeyFormat::Jwk => {
            return Err(crate::exit::UsageError::new(
                "--use enc needs --format jwk: a PEM file does not say what a key is for",
            )
            .into());
        }
        KeyUseArg::Enc if matches!(alg, Alg::EdDSA | Alg::ES256K) => {
            return Err(crate::exit::UsageError::new(format!(
                "--use enc: a key for {} signs only (JWE's ECDH-ES takes P-256, P-384, P-521 \
                 or X25519); use an RSA or EC key, such as --alg RS256 or --alg ES256",
                alg.name()
            ))
            .into());
        }
        KeyUseArg::Enc => Purpose::Encrypt,
    };
    let generated = jwk::generate(alg, args.bits)?;
    let private_pem =
        zeroize::Zeroizing::new(to_pem("PRIVATE KEY", generated.private_pkcs8.expose()));
    let public_pem = to_pem("PUBLIC KEY", &generated.public_spki);
    let public = public_key_from_pem(public_pem.as_bytes())
        .ok_or_else(|| KeyError::backend("the generated public key could not be read back"))?;
    let kid = jwk::thumbprint(&public, alg)?;
    let (private_text, public_text) = match args.format {
        KeyFormat::Pem => (private_pem, public_pem),
        KeyFormat::Jwk => {
            let private = keyform::read(
                private_pem.as_bytes(),
                "the new key",
                None,
                Want::Either,
                &mut |_| {},
            )
            .ok()
            .and_then(|(_, mut entries)| entries.pop())
            .ok_or_else(|| KeyError::backend("the generated key could not be read back"))?;
            let private_jwk =
                keyform::export(&private.material, Target::Jwk, false, Some(alg), purpose)?;
            let public_jwk =
                keyform::export(&private.material, Target::Jwk, true, Some(alg), purpose)?;
            (
                zeroize::Zeroizing::new(
                    String::from_utf8_lossy(private_jwk.text.expose()).into_owned(),
                ),
                String::from_utf8_lossy(public_jwk.text.expose()).into_owned(),
            )
        }
    };
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let public_out = args
        .public_out
        .clone()
        .unwrap_or_else(|| public_path_for(&args.out, args.format));
    if public_out == args.out {
        return Err(
            crate::exit::UsageError::new("--out and --public-out name the same file").into(),
        );
    }
    // Both or neither: a public key left beside an older private key would verify nothing that
    // key signs. So an existing file is refused before anything is written, the public key goes
    // first (if it fails, no private key is left without it), and if the private key then fails,
    // the public key just written is taken away again.
    if overwrite == Overwrite::Refuse {
        for path in [&public_out, &args.out] {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(crate::exit::UsageError::new(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                ))
                .into());
            }
        }
    }
    files::write_public(&public_out, public_text.as_bytes(), overwrite)?;
    if let Err(error) = files::write_private(&args.out, private_text.as_bytes(), overwrite) {
        let _ = std::fs::remove_file(&public_out);
        return Err(error);
    }
    if args.json {
        let report = json!({
            "alg": alg.name(),
            "kid": kid,
            "private_key": args.out.display().to_string(),
            "public_key": public_out.display().to_string(),
        });
        writeln!(std::io::stdout(), "{report}").context("cannot write to standard output")?;
    }
    Ok(Status::Success)
}

/// Where the public key goes when --public-out is not given, next to the private key as
/// `ssh-keygen` puts it: `ec.pem` -> `ec.pub.pem`, `key` -> `key.pub.pem` (`.jwk` for JWKs).
fn public_path_for(private: &Path, format: KeyFormat) -> PathBuf {
    let extension = match format {
        KeyFormat::Pem => ".pem",
        KeyFormat::Jwk => ".jwk",
    };
    let name = private.file_name().unwrap_or("key".as_ref());
    let mut public = match name.to_str() {
        Some(text) => text.strip_suffix(extension).unwrap_or(text).into(),
        // A name that is not UTF-8 is kept byte for byte, whatever it ends with.
        None => name.to_os_string(),
    };
    public.push(".pub");
    public.push(extension);
    private.with_file_name(public)
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
            assert_eq!(
                public_path_for(Path::new(private), KeyFormat::Pem),
                Path::new(public)
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf_8_keeps_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let private = Path::new(std::ffi::OsStr::from_bytes(b"k\xff.pem"));
        let public = public_path_for(private, KeyFormat::Pem);
        assert_eq!(public.as_os_str().as_bytes(), b"k\xff.pem.pub.pem");
    }
}
