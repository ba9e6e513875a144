//! Minting an access token and a refresh token as one pair of a session family.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;
use serde_json::Value;

use super::error::KeyError;
use super::sign::Signer;
use super::token::Object;
use super::verify::{ACCESS_TYPE, REFRESH_TYPE};
use crate::store::NewToken;

/// Claims jwtctl always sets itself; a payload that carries them has them replaced.
pub const OWN_CLAIMS: [&str; 3] = ["exp", "iat", "jti"];

/// A fresh random identifier: 16 bytes from the OS CSPRNG, base64url (22 characters). Never
/// starts with `-`, so it can follow a flag on a command line (`revoke --family ID`).
pub fn random_id() -> Result<String, KeyError> {
    let mut bytes = [0u8; 16];
    loop {
        SysRng.try_fill_bytes(&mut bytes).map_err(|error| {
            KeyError::new(format!(
                "the operating system's random generator failed: {error}"
            ))
        })?;
        let id = URL_SAFE_NO_PAD.encode(bytes);
        if !id.starts_with('-') {
            return Ok(id);
        }
    }
}

/// The signers of a pair. The refresh signer is the access signer unless a separate refresh
/// secret is configured.
pub struct Signers {
    pub access: Signer,
    pub refresh: Option<Signer>,
}

impl Signers {
    pub fn refresh(&self) -> &Signer {
        self.refresh.as_ref().unwrap_or(&self.access)
    }
}

/// A signed token and its metadata.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub jti: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// An access token, and the refresh token of the same session family when one was asked for.
#[derive(Debug, Clone)]
pub struct Pair {
    pub access: Minted,
    pub refresh: Option<Minted>,
    /// The session family id, carried by both tokens as `sid`.
    pub family: Option<String>,
    /// The subject, when the claims carry one as a string.
    pub sub: Option<String>,
}

impl Pair {
    /// The store record of this pair's refresh token, if it has one.
    pub fn store_record(&self, label: Option<String>) -> Option<NewToken> {
        let refresh = self.refresh.as_ref()?;
        let family = self.family.clone()?;
        Some(NewToken {
            jti: refresh.jti.clone(),
            sub: self.sub.clone().unwrap_or_default(),
            family,
            issued_at: refresh.issued_at,
            expires_at: refresh.expires_at,
            access_expires_at: self.access.expires_at,
            label,
        })
    }
}

/// What to mint: the claims (custom ones, `sub`, `iss`, `aud`), the lifetimes, and the family
/// to join (a new one when `None`).
pub struct PairRequest<'a> {
    pub claims: &'a Object,
    pub access_ttl: i64,
    /// `None`: no refresh token.
    pub refresh_ttl: Option<i64>,
    pub family: Option<&'a str>,
}

/// Signs a pair at `now`. `exp`, `iat`, `jti` and (for pairs) `sid` are always jwtctl's.
pub fn mint(signers: &Signers, request: &PairRequest, now: i64) -> Result<Pair, KeyError> {
    // An access token minted for an existing family (refresh --no-rotate) carries its sid too,
    // so revoking the family reaches it.
    let family = match (request.refresh_ttl, request.family) {
        (_, Some(family)) => Some(family.to_owned()),
        (Some(_), None) => Some(random_id()?),
        (None, None) => None,
    };
    let access = mint_one(
        &signers.access,
        ACCESS_TYPE,
        request.claims,
        request.access_ttl,
        family.as_deref(),
        now,
    )?;
    let refresh = match request.refresh_ttl {
        Some(ttl) => Some(mint_one(
            signers.refresh(),
            REFRESH_TYPE,
            request.claims,
            ttl,
            family.as_deref(),
            now,
        )?),
        None => None,
    };
    let sub = request
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Pair {
        access,
        refresh,
        family,
        sub,
    })
}

fn mint_one(
    signer: &Signer,
    typ: &str,
    claims: &Object,
    ttl: i64,
    family: Option<&str>,
    now: i64,
) -> Result<Minted, KeyError> {
    let jti = random_id()?;
    let expires_at = now.saturating_add(ttl);
    let mut claims = claims.clone();
    claims.insert("iat".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(expires_at));
    claims.insert("jti".into(), Value::from(jti.as_str()));
    if let Some(family) = family {
        claims.insert("sid".into(), Value::from(family));
    }
    Ok(Minted {
        token: signer.sign(typ, &claims)?,
        jti,
        issued_at: now,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_22_characters_and_never_look_like_flags() {
        for _ in 0..2000 {
            let id = random_id().unwrap_or_default();
            assert_eq!(id.len(), 22);
            assert!(!id.starts_with('-'), "{id}");
        }
    }
}
