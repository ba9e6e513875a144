//! The refresh tokens' default key: derived from the main key material, so that a verifier that
//! holds only the access key (an API checking access tokens with the secret or the public key)
//! can never accept a refresh token as an access token (RFC 8725 sections 3.11 and 3.12).

use aws_lc_rs::hkdf;

use super::alg::Alg;
use super::error::KeyError;
use super::keys::{PrivateKey, Secret};

/// HKDF's `info`: what the derived key is for. Changing it changes every refresh key.
const REFRESH_KEY_INFO: &str = "jwtctl refresh-token signing key v1";
/// HKDF's salt: the same for every user, which RFC 5869 allows when the input is already a key.
const SALT: &[u8] = b"jwtctl";

struct Length(usize);

impl hkdf::KeyType for Length {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256 of `material` for refresh tokens signed with `alg` (an HMAC algorithm): as many
/// bytes as RFC 7518 asks of an `alg` key.
pub fn refresh_key(material: &[u8], alg: Alg) -> Result<Secret, KeyError> {
    let length = alg.min_secret_len();
    let failed = || KeyError::backend("the crypto backend could not derive the refresh-token key");
    let info = [REFRESH_KEY_INFO.as_bytes(), b" ", alg.name().as_bytes()];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, SALT).extract(material);
    let okm = prk.expand(&info, Length(length)).map_err(|_| failed())?;
    let mut key = vec![0u8; length];
    okm.fill(&mut key).map_err(|_| failed())?;
    Ok(Secret::new(key))
}

/// The refresh key of an HMAC secret, for refresh tokens signed with `alg`.
pub fn refresh_key_of_secret(secret: &Secret, alg: Alg) -> Result<Secret, KeyError> {
    refresh_key(secret.expose(), alg)
}

/// The refresh key of a private key: an HS256 key derived from its PKCS#8 encoding, the same
/// whichever PEM form (PKCS#8, SEC1, PKCS#1) the key was read from.
pub fn refresh_key_of_private(key: &PrivateKey) -> Result<Secret, KeyError> {
    refresh_key(key.pkcs8()?.expose(), Alg::HS256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refresh_key_is_not_the_main_key_and_depends_on_it() {
        let main = Secret::new(vec![7; 64]);
        let derived = refresh_key_of_secret(&main, Alg::HS256).unwrap();
        assert_eq!(derived.len(), 32);
        assert_ne!(derived.expose(), &main.expose()[..32]);
        let again = refresh_key_of_secret(&main, Alg::HS256).unwrap();
        assert_eq!(derived.expose(), again.expose());
        let other = refresh_key_of_secret(&Secret::new(vec![8; 64]), Alg::HS256).unwrap();
        assert_ne!(derived.expose(), other.expose());
        assert_eq!(refresh_key_of_secret(&main, Alg::HS512).unwrap().len(), 64);
    }
}
