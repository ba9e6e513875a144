//! Minting an access token and a refresh token as one pair of a session family.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;
use serde_json::Value;

use super::claims::Claims;
use super::error::KeyError;
use super::sign::Signer;
use super::verify::{ACCESS_TYPE, REFRESH_TYPE};

/// Claims jwtctl always sets itself; a payload that carries them has them replaced. `sid` too,
/// with or without a refresh token: a borrowed session id would let a token outlive
/// `revoke --user` of its own subject, or `revoke --token` reach another user's session.
pub const OWN_CLAIMS: [&str; 4] = ["exp", "iat", "jti", "sid"];

/// A fresh random identifier: 16 bytes from the OS CSPRNG, base64url (22 characters). Never
/// starts with `-`, so it can follow a flag on a command line (`revoke --family ID`).
pub fn random_id() -> Result<String, KeyError> {
    let mut bytes = [0u8; 16];
    loop {
        SysRng.try_fill_bytes(&mut bytes).map_err(|error| {
            KeyError::backend(format!(
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

/// What to mint: the claims (custom ones, `sub`, `iss`, `aud`), the lifetimes, and the family
/// to join (a new one when `None`).
pub struct PairRequest<'a> {
    pub claims: &'a Claims,
    pub access_ttl: i64,
    /// `None`: no refresh token.
    pub refresh_ttl: Option<i64>,
    pub family: Option<&'a str>,
}

/// One token of a pair, decided but not signed yet.
#[derive(Debug, Clone)]
pub struct PlannedToken {
    claims: Claims,
    pub jti: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A pair with every claim decided (ids, times, family) and nothing signed: what a store is
/// asked to accept before any token exists.
#[derive(Debug, Clone)]
pub struct PairPlan {
    pub access: PlannedToken,
    pub refresh: Option<PlannedToken>,
    pub family: Option<String>,
    pub sub: Option<String>,
}

/// Decides a pair at `now`. `exp`, `iat`, `jti` and (for pairs) `sid` are always jwtctl's.
pub fn plan(request: &PairRequest, now: i64) -> Result<PairPlan, KeyError> {
    // An access token minted for an existing family (refresh --no-rotate) carries its sid too,
    // so revoking the family reaches it.
    let family = match (request.refresh_ttl, request.family) {
        (_, Some(family)) => Some(family.to_owned()),
        (Some(_), None) => Some(random_id()?),
        (None, None) => None,
    };
    let access = plan_one(request.claims, request.access_ttl, family.as_deref(), now)?;
    let refresh = match request.refresh_ttl {
        Some(ttl) => Some(plan_one(request.claims, ttl, family.as_deref(), now)?),
        None => None,
    };
    let sub = request
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(PairPlan {
        access,
        refresh,
        family,
        sub,
    })
}

impl PairPlan {
    /// Signs both tokens: the access token with the access signer, the refresh token with the
    /// refresh signer.
    pub fn sign(self, signers: &Signers) -> Result<Pair, KeyError> {
        let access = self.access.sign(&signers.access, ACCESS_TYPE)?;
        let refresh = match self.refresh {
            Some(refresh) => Some(refresh.sign(signers.refresh(), REFRESH_TYPE)?),
            None => None,
        };
        Ok(Pair {
            access,
            refresh,
            family: self.family,
            sub: self.sub,
        })
    }
}

impl PlannedToken {
    fn sign(self, signer: &Signer, typ: &str) -> Result<Minted, KeyError> {
        Ok(Minted {
            token: signer.sign(typ, &self.claims)?,
            jti: self.jti,
            issued_at: self.issued_at,
            expires_at: self.expires_at,
        })
    }
}

/// Plans and signs a pair at `now`.
pub fn mint(signers: &Signers, request: &PairRequest, now: i64) -> Result<Pair, KeyError> {
    plan(request, now)?.sign(signers)
}

fn plan_one(
    claims: &Claims,
    ttl: i64,
    family: Option<&str>,
    now: i64,
) -> Result<PlannedToken, KeyError> {
    let jti = random_id()?;
    let expires_at = now.saturating_add(ttl);
    let mut claims = claims.clone();
    claims.insert("iat".into(), Value::from(now));
    claims.insert("exp".into(), Value::from(expires_at));
    claims.insert("jti".into(), Value::from(jti.as_str()));
    if let Some(family) = family {
        claims.insert("sid".into(), Value::from(family));
    }
    Ok(PlannedToken {
        claims,
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
