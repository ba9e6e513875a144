//! `--key-file`: one key, whatever the file's form, chosen by `--kid` from a set and decrypted
//! with `--key-password-file` or `--key-password-env`.

use std::path::Path;

use super::{Format, KeyEntry, Material, Want};
use crate::jwt::error::KeyError;
use crate::jwt::keys::{self, SecretEncoding, SecretSource};
use crate::jwt::text;

/// Where a key file's password comes from; never the command line.
pub type PasswordSource = SecretSource;

/// Reads the one key of `path`. A file that holds private material and is readable by others
/// draws a warning.
pub fn load(
    path: &Path,
    kid: Option<&str>,
    password: Option<&PasswordSource>,
    want: Want,
    warn: &mut dyn FnMut(String),
) -> Result<(Format, KeyEntry), KeyError> {
    // Size-capped (keys::MAX_KEY_FILE_BYTES): a JWKS of many keys is some tens of kilobytes.
    let content = keys::read_key_file(path, "key")?;
    let origin = text::path(path);
    // The secret reader's words are about secrets; here the secret is a key password.
    let reword = |text: String| text.replace("secret", "key password");
    let password = match password {
        Some(source) => Some(
            keys::read_secret(
                source,
                SecretEncoding::Raw,
                &mut std::io::stdin(),
                &mut |warning| warn(reword(warning)),
            )
            .map_err(|error| KeyError::unreadable(reword(error.to_string())))?,
        ),
        None => None,
    };
    let (format, entries) = super::read(&content, &origin, password.as_ref(), want, warn)?;
    // Only a JWKS is a set: a kid given for a PEM or a lone JWK names the key, it does not pick.
    let entry = match (format, entries.len()) {
        (Format::Jwks, _) => super::select(entries, kid, &origin)?,
        (_, _) => {
            let mut entries = entries;
            let entry = entries
                .pop()
                .ok_or_else(|| KeyError::invalid(format!("{origin} holds no key")))?;
            if let (Format::Jwk, Some(kid), Some(own)) = (format, kid, entry.kid.as_deref())
                && kid != own
            {
                return Err(KeyError::wrong_kind(format!(
                    "{origin} is the key with kid {}, not {}",
                    text::quote(own),
                    text::quote(kid)
                )));
            }
            entry
        }
    };
    if matches!(entry.material, Material::Private(_) | Material::Secret(_)) {
        keys::warn_if_shared(path, "private key", warn);
    }
    Ok((format, entry))
}
