//! A verification policy whose keys came from a URL, renewed when a token names a `kid` the key
//! set lacks: the provider may have rotated its keys since they were cached. The `kid` is only
//! compared with the ids of the keys the user's source gave; it never chooses where to fetch.

use std::sync::OnceLock;

use base64::Engine;
use serde_json::Value;

use crate::jwt::{Policy, VerifyingKey};

use super::keys::RemoteKeys;

pub struct RenewablePolicy {
    base: Policy,
    keys: RemoteKeys,
    /// The policy with the refetched keys: decided once per process, by the first token that
    /// needs it (`None` when the refetch failed or brought nothing new).
    renewed: OnceLock<Option<Policy>>,
}

impl RenewablePolicy {
    /// `base` must hold the keys of `keys` as its [`VerifyingKey::Set`].
    pub fn new(base: Policy, keys: RemoteKeys) -> RenewablePolicy {
        RenewablePolicy {
            base,
            keys,
            renewed: OnceLock::new(),
        }
    }

    /// The policy to verify the next token with.
    pub fn current(&self) -> &Policy {
        self.renewed
            .get()
            .and_then(Option::as_ref)
            .unwrap_or(&self.base)
    }

    pub fn keys(&self) -> &RemoteKeys {
        &self.keys
    }

    /// After a rejection of `token`: a policy to try it again with, when its `kid` is one the
    /// key set lacks and a refetch (at most one per process) brought a different set.
    pub fn renewed_for(
        &self,
        token: &str,
        now: i64,
        warn: &(dyn Fn(String) + Sync),
    ) -> Option<&Policy> {
        let kid = header_kid(token)?;
        // Compared with the set the base policy holds: another thread may have renewed already,
        // and the caller may have verified with either.
        if let VerifyingKey::Set(keys) = &self.base.key
            && keys
                .iter()
                .any(|key| key.kid.as_deref() == Some(kid.as_str()))
        {
            return None;
        }
        self.renewed
            .get_or_init(|| {
                let mut warn = |message: String| warn(message);
                match self.keys.refetch(now, &mut warn) {
                    Ok(keys) => {
                        let mut policy = self.base.clone();
                        policy.key = VerifyingKey::Set(keys.as_ref().clone());
                        Some(policy)
                    }
                    Err(error) => {
                        warn(format!("{error}; the keys fetched before stay in use"));
                        None
                    }
                }
            })
            .as_ref()
    }
}

/// The policy `verify` checks tokens with: fixed, or renewable when its keys came from a URL.
pub enum Verifier {
    Fixed(Box<Policy>),
    Remote(Box<RenewablePolicy>),
}

impl Verifier {
    /// The policy for the next token.
    pub fn policy(&self) -> &Policy {
        match self {
            Verifier::Fixed(policy) => policy,
            Verifier::Remote(renewable) => renewable.current(),
        }
    }

    /// After a rejection of `token`: the policy to try once more, when its keys were renewed for
    /// the token's unknown kid.
    pub fn retry(&self, token: &str, now: i64, warn: &(dyn Fn(String) + Sync)) -> Option<&Policy> {
        match self {
            Verifier::Fixed(_) => None,
            Verifier::Remote(renewable) => renewable.renewed_for(token, now, warn),
        }
    }
}

/// The `kid` of a token's header, if it has one that is a string. Only for comparing with the
/// ids of configured keys; the header has not been verified.
pub fn header_kid(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    // A header is a few hundred bytes; the token's own size limit was applied before this.
    if header.len() > 64 * 1024 {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()?.get("kid")? {
        Value::String(kid) => Some(kid.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    #[test]
    fn the_kid_is_read_from_the_header_only_when_it_is_a_string() {
        let token = |header: &str| format!("{}.e30.sig", b64(header));
        assert_eq!(
            header_kid(&token(r#"{"alg":"ES256","kid":"k1"}"#)).as_deref(),
            Some("k1")
        );
        assert_eq!(header_kid(&token(r#"{"alg":"ES256"}"#)), None);
        assert_eq!(header_kid(&token(r#"{"kid":7}"#)), None);
        assert_eq!(header_kid(&token("not json")), None);
        assert_eq!(header_kid("%%%.e30.sig"), None);
        assert_eq!(header_kid(""), None);
    }
}
