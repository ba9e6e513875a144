//! OpenID Connect Discovery 1.0 and RFC 8414: where an issuer's metadata lives, and the checks
//! its document must pass before its `jwks_uri` is used.

use serde_json::Value;
use url::Url;

use super::Problem;
use super::location::{self, UrlError};

/// `ISSUER/.well-known/openid-configuration` (Discovery section 4: a trailing `/` of the issuer
/// is removed first).
pub fn openid_configuration_url(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    let path = format!(
        "{}/.well-known/openid-configuration",
        issuer.path().trim_end_matches('/')
    );
    url.set_path(&path);
    url
}

/// RFC 8414 section 3.1: the well-known segment goes between the host and the issuer's path.
pub fn oauth_metadata_url(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    let path = format!(
        "/.well-known/oauth-authorization-server{}",
        issuer.path().trim_end_matches('/')
    );
    url.set_path(&path);
    url
}

/// Checks `--oidc ISSUER`: a fetchable URL without query or fragment (Discovery section 2).
pub fn parse_issuer(text: &str) -> Result<Url, UrlError> {
    let url = location::parse(text, "--oidc")?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(UrlError::IssuerForm {
            url: location::display(&url),
        });
    }
    Ok(url)
}

/// The `jwks_uri` of a discovery document, once its `issuer` is exactly `issuer` (Discovery
/// section 4.3: no normalisation, a trailing slash counts).
pub fn jwks_uri(body: &[u8], issuer: &str) -> Result<Url, Problem> {
    let document: Value = serde_json::from_slice(body).map_err(|_| Problem::NotJson)?;
    let Value::Object(fields) = document else {
        return Err(Problem::NotAnObject);
    };
    match fields.get("issuer") {
        Some(Value::String(found)) if found == issuer => {}
        Some(Value::String(found)) => {
            return Err(Problem::OtherIssuer {
                found: crate::output::sanitize(found),
            });
        }
        _ => return Err(Problem::NoIssuer),
    }
    let Some(Value::String(text)) = fields.get("jwks_uri") else {
        return Err(Problem::NoJwksUri);
    };
    location::parse(text, "jwks_uri").map_err(Problem::BadJwksUri)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn well_known_urls_follow_both_specifications() {
        let cases = [
            (
                "https://tenant.auth0.com/",
                "https://tenant.auth0.com/.well-known/openid-configuration",
                "https://tenant.auth0.com/.well-known/oauth-authorization-server",
            ),
            (
                "https://kc.example.com/realms/main",
                "https://kc.example.com/realms/main/.well-known/openid-configuration",
                "https://kc.example.com/.well-known/oauth-authorization-server/realms/main",
            ),
            (
                "https://login.microsoftonline.com/TENANT/v2.0/",
                "https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration",
                "https://login.microsoftonline.com/.well-known/oauth-authorization-server/TENANT/v2.0",
            ),
        ];
        for (issuer, openid, oauth) in cases {
            assert_eq!(openid_configuration_url(&url(issuer)).as_str(), openid);
            assert_eq!(oauth_metadata_url(&url(issuer)).as_str(), oauth);
        }
    }

    #[test]
    fn the_issuer_must_match_exactly() {
        let document =
            br#"{"issuer":"https://idp.example.com","jwks_uri":"https://idp.example.com/jwks"}"#;
        assert_eq!(
            jwks_uri(document, "https://idp.example.com")
                .unwrap()
                .as_str(),
            "https://idp.example.com/jwks"
        );
        assert!(matches!(
            jwks_uri(document, "https://idp.example.com/"),
            Err(Problem::OtherIssuer { .. })
        ));
        assert!(matches!(
            jwks_uri(b"<html>", "https://idp.example.com"),
            Err(Problem::NotJson)
        ));
        assert!(matches!(
            jwks_uri(b"[]", "https://idp.example.com"),
            Err(Problem::NotAnObject)
        ));
        assert!(matches!(
            jwks_uri(br#"{"jwks_uri":"https://a/"}"#, "https://a"),
            Err(Problem::NoIssuer)
        ));
        assert!(matches!(
            jwks_uri(br#"{"issuer":"https://a"}"#, "https://a"),
            Err(Problem::NoJwksUri)
        ));
        assert!(matches!(
            jwks_uri(
                br#"{"issuer":"https://a","jwks_uri":"http://a/jwks"}"#,
                "https://a"
            ),
            Err(Problem::BadJwksUri(UrlError::PlainHttp { .. }))
        ));
    }

    #[test]
    fn an_issuer_has_no_query_or_fragment() {
        assert!(parse_issuer("https://idp.example.com/?tenant=x").is_err());
        assert!(parse_issuer("https://idp.example.com/#x").is_err());
        assert!(parse_issuer("https://idp.example.com/tenant").is_ok());
    }
}
