//! Which URLs jwtctl may fetch keys from: `https://`, or `http://` to this machine only. Checked
//! before any request is made, for the URL the user typed and for every redirect.

use std::net::Ipv6Addr;

use url::{Host, Url};

/// Why a URL is not one jwtctl fetches from. A usage error: nothing was requested.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("{what} {text:?} is not a URL ({reason})")]
    Invalid {
        what: &'static str,
        text: String,
        reason: String,
    },
    #[error("{what} {url}: only https:// URLs are fetched (http:// only to localhost)")]
    Scheme { what: &'static str, url: String },
    #[error(
        "{what} {url}: plain http:// is refused for a host that is not this machine; use https://"
    )]
    PlainHttp { what: &'static str, url: String },
    #[error("{what} {url}: a URL with a user name or password is refused")]
    Credentials { what: &'static str, url: String },
    #[error("--oidc {url}: an issuer is a URL without a query or fragment")]
    IssuerForm { url: String },
}

/// Parses `text` (what the user typed as `what`, such as `--jwks`) and checks that it may be fetched.
pub fn parse(text: &str, what: &'static str) -> Result<Url, UrlError> {
    let url = Url::parse(text).map_err(|error| UrlError::Invalid {
        what,
        // A mistyped URL can hold a password; show only what cannot be one.
        text: redact_text(text),
        reason: error.to_string(),
    })?;
    check(&url, what)?;
    Ok(url)
}

/// The checks of [`parse`], for a URL that is already parsed (a `jwks_uri`, a redirect).
pub fn check(url: &Url, what: &'static str) -> Result<(), UrlError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::Credentials {
            what,
            url: display(url),
        });
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(UrlError::PlainHttp {
            what,
            url: display(url),
        }),
        _ => Err(UrlError::Scheme {
            what,
            url: display(url),
        }),
    }
}

/// Whether a redirect from `from` to `to` may be followed: the target must be https, or plain
/// http to this machine when the request was already plain http to this machine. A server far
/// away must not be able to point jwtctl at a local service.
pub fn redirect_allowed(from: &Url, to: &Url) -> bool {
    if !to.username().is_empty() || to.password().is_some() {
        return false;
    }
    match to.scheme() {
        "https" => to.host().is_some(),
        "http" => is_loopback(to) && from.scheme() == "http" && is_loopback(from),
        _ => false,
    }
}

/// localhost, 127.0.0.0/8 or ::1.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// A URL as messages show it: never with a user name or password.
pub fn display(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().to_owned()
}

/// Text that did not parse as a URL, with anything between `//` and `@` hidden.
fn redact_text(text: &str) -> String {
    match (text.find("//"), text.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            format!("{}//***{}", &text[..start], &text[at..])
        }
        (None, Some(at)) => format!("***{}", &text[at..]),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn https_anywhere_and_http_only_to_this_machine() {
        assert!(parse("https://login.example.com/", "--oidc").is_ok());
        for local in [
            "http://localhost:8080/realms/x",
            "http://LOCALHOST/",
            "http://127.0.0.1:1/",
            "http://127.8.9.10/",
            "http://[::1]:99/jwks",
        ] {
            assert!(parse(local, "--jwks").is_ok(), "{local}");
        }
        for remote in [
            "http://login.example.com/",
            "http://10.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost.example.com/",
            "http://128.0.0.1/",
        ] {
            assert!(
                matches!(parse(remote, "--jwks"), Err(UrlError::PlainHttp { .. })),
                "{remote}"
            );
        }
        for other in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "data:text/plain,x",
        ] {
            assert!(
                matches!(parse(other, "--jwks"), Err(UrlError::Scheme { .. })),
                "{other}"
            );
        }
        assert!(matches!(
            parse("jwks.json", "--jwks"),
            Err(UrlError::Invalid { .. })
        ));
    }

    #[test]
    fn credentials_are_refused_and_never_shown() {
        let error = parse("https://admin:hunter2@example.com/", "--oidc").unwrap_err();
        assert!(matches!(error, UrlError::Credentials { .. }));
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!error.to_string().contains("admin"), "{error}");
        let error = parse("https://admin:hunter2@exa mple.com/", "--oidc").unwrap_err();
        assert!(matches!(error, UrlError::Invalid { .. }));
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn redirects_go_to_https_or_stay_on_this_machine() {
        let remote = url("https://idp.example.com/a");
        let local = url("http://127.0.0.1:5/a");
        assert!(redirect_allowed(&remote, &url("https://cdn.example.com/k")));
        assert!(!redirect_allowed(&remote, &url("http://cdn.example.com/k")));
        assert!(!redirect_allowed(&remote, &url("http://127.0.0.1:6/k")));
        assert!(redirect_allowed(&local, &url("http://localhost:6/k")));
        assert!(redirect_allowed(&local, &url("https://idp.example.com/k")));
        assert!(!redirect_allowed(&local, &url("http://idp.example.com/k")));
        assert!(!redirect_allowed(
            &remote,
            &url("https://u:p@cdn.example.com/k")
        ));
        assert!(!redirect_allowed(&remote, &url("file:///etc/passwd")));
    }
}
