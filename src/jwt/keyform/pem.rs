//! PEM key files, including encrypted PKCS#8 (PBES2, RFC 8018) and a clear refusal of OpenSSL's
//! legacy encryption (`Proc-Type: 4,ENCRYPTED`, RFC 1421 headers).

use pkcs8::EncryptedPrivateKeyInfoRef;
use pkcs8::der::Decode;
use pkcs8::pkcs5::{EncryptionScheme, pbes2};
use zeroize::Zeroizing;

use std::path::Path;

use super::{KeyEntry, Material, Usage, Want};
use crate::jwt::error::KeyError;
use crate::jwt::keys::{self, Secret};
use crate::jwt::text;

/// The most PBKDF2 iterations jwtctl runs before it knows the password is right: openssl writes
/// 2048, current guidance asks for some hundred thousand, and ten million take seconds.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// The most memory scrypt may ask for (`128 · r · N · p` bytes).
pub const MAX_SCRYPT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the key of a PEM file: its one key block, after the `EC PARAMETERS` block that
/// `openssl ecparam -genkey` writes unless told `-noout` (a certificate chain is its leaf's key).
/// An encrypted key needs `password`; the half `want` does not ask for is refused unread.
pub fn read(
    content: &[u8],
    origin: &str,
    password: Option<&Secret>,
    want: Want,
    warn: &mut dyn FnMut(String),
) -> Result<KeyEntry, KeyError> {
    let path = Path::new(origin);
    let block = keys::key_pem_block(path, content)?;
    let shown = text::path(path);
    let legacy = block
        .headers()
        .get("Proc-Type")
        .is_some_and(|value| value.contains("ENCRYPTED"))
        || block.headers().get("DEK-Info").is_some();
    if legacy {
        return Err(KeyError::invalid(format!(
            "{shown} uses OpenSSL's legacy PEM encryption (Proc-Type: 4,ENCRYPTED), which jwtctl \
             does not read; convert it to encrypted PKCS#8 with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc -in {shown} -out key.p8.pem`"
        )));
    }
    let tag = block.tag();
    let public = keys::PUBLIC_TAGS.contains(&tag);
    let private = keys::PRIVATE_TAGS.contains(&tag);
    if public && want == Want::Private {
        return Err(keys::public_where_private(path));
    }
    if private && want == Want::Public {
        return Err(keys::private_where_public(path));
    }
    if !public && !private {
        let expected = match want {
            Want::Private => "a private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)",
            Want::Public => "a public key (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)",
            Want::Either => "a key (PRIVATE KEY, PUBLIC KEY or CERTIFICATE)",
        };
        return Err(KeyError::invalid(format!(
            "{shown} holds a PEM {} block; expected {expected}",
            text::sanitize(tag)
        )));
    }
    let unused = |what: &str| format!("{shown} {what}; the key password is not used");
    let material = if public {
        if password.is_some() {
            warn(unused("is a public key"));
        }
        Material::Public(keys::public_from_block(path, &block)?)
    } else if tag == "ENCRYPTED PRIVATE KEY" {
        let Some(password) = password else {
            return Err(KeyError::unreadable(format!(
                "{shown} is encrypted; give its password with --key-password-file or --key-password-env"
            )));
        };
        let pkcs8 = decrypt(block.contents(), &shown, password)?;
        let decrypted = pem::Pem::new("PRIVATE KEY", pkcs8.to_vec());
        Material::Private(keys::private_from_block(path, &decrypted)?)
    } else {
        if password.is_some() {
            warn(unused("is not encrypted"));
        }
        Material::Private(keys::private_from_block(path, &block)?)
    };
    Ok(KeyEntry {
        material,
        kid: None,
        alg: None,
        usage: Usage::ANY,
    })
}

/// Decrypts `EncryptedPrivateKeyInfo` DER after checking that its key derivation is bounded.
/// Every failure after that check is one message: a wrong password and a damaged file look alike.
pub fn decrypt(
    der: &[u8],
    origin: &str,
    password: &Secret,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let unsupported = || {
        KeyError::invalid(format!(
            "{origin} is not encrypted with PBES2 (PBKDF2 or scrypt, and AES), the only scheme \
             jwtctl reads; re-encrypt it with \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc -in {origin} -out key.p8.pem`"
        ))
    };
    // The crate decodes only the schemes it supports: PKCS#12's PBE and PBES1 fail here.
    let info = EncryptedPrivateKeyInfoRef::from_der(der).map_err(|_| unsupported())?;
    let EncryptionScheme::Pbes2(parameters) = &info.encryption_algorithm else {
        return Err(unsupported());
    };
    check_cost(&parameters.kdf, origin)?;
    let document = info.decrypt(password.expose()).map_err(|_| {
        KeyError::invalid(format!(
            "cannot decrypt {origin}: wrong password, or the file is damaged"
        ))
    })?;
    Ok(Zeroizing::new(document.as_bytes().to_vec()))
}

fn check_cost(kdf: &pbes2::Kdf, origin: &str) -> Result<(), KeyError> {
    if let Some(pbkdf2) = kdf.pbkdf2() {
        if pbkdf2.iteration_count == 0 || pbkdf2.iteration_count > MAX_PBKDF2_ITERATIONS {
            return Err(KeyError::unfit(format!(
                "{origin} asks for {} PBKDF2 iterations; jwtctl runs between 1 and {MAX_PBKDF2_ITERATIONS}",
                pbkdf2.iteration_count
            )));
        }
    } else if let Some(scrypt) = kdf.scrypt() {
        // The crate turns N into log2(N) with an `expect` that fails for N = 0: check N first.
        let n = scrypt.cost_parameter;
        if n < 2 || !n.is_power_of_two() {
            return Err(KeyError::unfit(format!(
                "{origin} gives scrypt a cost N of {n}, which is not a power of two"
            )));
        }
        let memory = 128u64
            .saturating_mul(u64::from(scrypt.block_size))
            .saturating_mul(n)
            .saturating_mul(u64::from(scrypt.parallelization.max(1)));
        if memory > MAX_SCRYPT_BYTES {
            return Err(KeyError::unfit(format!(
                "{origin} asks scrypt for {} MiB; jwtctl allows at most {} MiB",
                memory / (1024 * 1024),
                MAX_SCRYPT_BYTES / (1024 * 1024)
            )));
        }
    }
    Ok(())
}
