//! A key set from where the user pointed: a JWKS URL, or the `jwks_uri` an issuer's discovery
//! document names. Refetched once when a token names a `kid` the set does not hold (the provider
//! may have rotated), within the limits of [`Remote::get`].

use std::sync::{Arc, RwLock};

use serde_json::Value;
use url::Url;

use crate::jwt::jwk::{self, JwksKey};

use super::{Kind, Problem, Remote, RemoteError, location};

/// Where the keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteSource {
    /// `--oidc ISSUER`: the issuer exactly as typed.
    Issuer(String),
    /// `--jwks URL`.
    Jwks(Url),
}

pub struct RemoteKeys {
    remote: Remote,
    url: Url,
    keys: RwLock<Arc<Vec<JwksKey>>>,
}

impl RemoteKeys {
    /// Discovers (for an issuer) and fetches the key set, through the cache.
    pub fn fetch(
        remote: Remote,
        source: &RemoteSource,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<RemoteKeys, RemoteError> {
        let url = match source {
            RemoteSource::Issuer(issuer) => remote.jwks_uri_of(issuer, now, warn)?,
            RemoteSource::Jwks(url) => url.clone(),
        };
        let document = remote.get(&url, Kind::Jwks, false, now, warn)?;
        let keys = usable_keys(&url, &document.body, warn)?;
        Ok(RemoteKeys {
            remote,
            url,
            keys: RwLock::new(Arc::new(keys)),
        })
    }

    /// The JWKS URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn keys(&self) -> Arc<Vec<JwksKey>> {
        match self.keys.read() {
            Ok(keys) => keys.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn knows(&self, kid: &str) -> bool {
        self.keys()
            .iter()
            .any(|key| key.kid.as_deref() == Some(kid))
    }

    /// The key set after the forced refetch an unknown `kid` allows. Whether it now holds the
    /// kid is for the caller to see; the same set comes back when no refetch was allowed.
    pub fn refetch(
        &self,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<Arc<Vec<JwksKey>>, RemoteError> {
        let document = self.remote.get(&self.url, Kind::Jwks, true, now, warn)?;
        let keys = Arc::new(usable_keys(&self.url, &document.body, warn)?);
        match self.keys.write() {
            Ok(mut current) => *current = keys.clone(),
            Err(poisoned) => *poisoned.into_inner() = keys.clone(),
        }
        Ok(keys)
    }
}

/// The signing keys of a fetched JWKS. Encryption keys (`use: enc`) are left out without a word,
/// since providers publish them beside their signing keys; a symmetric (`oct`) key is never
/// taken from a URL, which would be the key-confusion path.
fn usable_keys(
    url: &Url,
    body: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<JwksKey>, RemoteError> {
    let problem = |problem| RemoteError::Document {
        url: location::display(url),
        problem,
    };
    let mut document: Value = serde_json::from_str(body).map_err(|_| problem(Problem::NotJson))?;
    let Some(Value::Array(entries)) = document.get_mut("keys") else {
        return Err(problem(Problem::NotJwks));
    };
    entries.retain(|entry| entry.get("use").and_then(Value::as_str) != Some("enc"));
    let text = document.to_string();
    jwk::parse_jwks(
        &text,
        &format!("the JWKS at {}", location::display(url)),
        warn,
    )
    .map_err(|_| problem(Problem::NoUsableKey))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EC: &str = r#"{"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;

    fn url() -> Url {
        Url::parse("https://idp.example.com/jwks").unwrap()
    }

    #[test]
    fn encryption_keys_are_left_out_quietly_and_oct_keys_are_never_used() {
        let body = format!(
            r#"{{"keys":[{EC},
                {{"kty":"RSA","use":"enc","kid":"enc","n":"AQAB","e":"AQAB"}},
                {{"kty":"oct","kid":"hmac","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI"}}]}}"#
        );
        let mut warnings = Vec::new();
        let keys = usable_keys(&url(), &body, &mut |w| warnings.push(w)).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("ec"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("hmac") && warnings[0].contains("oct"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_jwks_with_no_usable_key_is_a_document_problem() {
        let body = r#"{"keys":[{"kty":"oct","kid":"hmac","k":"c2VjcmV0"}]}"#;
        let error = usable_keys(&url(), body, &mut |_| {}).unwrap_err();
        assert!(
            matches!(
                &error,
                RemoteError::Document {
                    problem: Problem::NoUsableKey,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.is_usage());
    }
}
