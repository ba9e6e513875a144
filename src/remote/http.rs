//! One blocking HTTPS GET, bounded in time and size: ureq over rustls with the aws-lc-rs
//! provider, the system's CA roots (or `SSL_CERT_FILE`) plus `--ca-file`, `HTTPS_PROXY` and
//! `NO_PROXY`, and redirects followed here, so that each hop passes the URL rules first.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use url::Url;

use super::location::{self, display};

/// The largest document read: a JWKS of a dozen 4096-bit RSA keys is about 10 KiB.
pub const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

/// Redirects followed for one document.
pub const MAX_REDIRECTS: usize = 3;

/// Why a document could not be fetched. The URL is named by whoever reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("cannot connect: {0}")]
    Unreachable(String),
    #[error("host not found")]
    HostNotFound,
    #[error("TLS failure: {0}")]
    Tls(String),
    #[error("no answer within {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the document is larger than {MAX_DOCUMENT_BYTES} bytes")]
    TooLarge,
    #[error("redirected to {0}, which is refused (redirects must go to https://)")]
    Redirect(String),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("the proxy in {0} is not a valid proxy URL")]
    Proxy(&'static str),
    #[error("HTTP protocol error: {0}")]
    Protocol(String),
}

/// A CA file given with `--ca-file` that cannot be used: a configuration error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--ca-file {path}: {reason}")]
pub struct CaFileError {
    pub path: String,
    pub reason: String,
}

/// What a cached copy lets the server answer "not modified" to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `None` for 304 Not Modified: the cached copy is still the document.
    pub body: Option<Vec<u8>>,
    pub validators: Validators,
    pub cache_control: Option<String>,
}

pub struct Client {
    agent: Agent,
    timeout: Duration,
}

impl Client {
    /// A client trusting the system's roots (replaced by `SSL_CERT_FILE` or `SSL_CERT_DIR` when
    /// set, as with curl and OpenSSL) and the certificates in `ca_file`.
    pub fn new(timeout: Duration, ca_file: Option<&Path>) -> Result<Client, CaFileError> {
        let mut roots: Vec<Certificate<'static>> = rustls_native_certs::load_native_certs()
            .certs
            .into_iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        if let Some(path) = ca_file {
            roots.extend(read_ca_file(path)?);
        }
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .unversioned_rustls_crypto_provider(Arc::new(
                rustls::crypto::aws_lc_rs::default_provider(),
            ))
            .build();
        let agent = Agent::config_builder()
            .tls_config(tls)
            // Chosen per request in `proxy_for`, so NO_PROXY and loopback are decided here.
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(concat!("jwtctl/", env!("CARGO_PKG_VERSION")))
            .accept("application/json, application/jwk-set+json")
            .max_response_header_size(32 * 1024)
            .build()
            .new_agent();
        Ok(Client { agent, timeout })
    }

    /// GET `url`, following at most [`MAX_REDIRECTS`] redirects, all within the one timeout.
    pub fn get(&self, url: &Url, validators: &Validators) -> Result<Reply, Failure> {
        let deadline = Instant::now() + self.timeout;
        let mut current = url.clone();
        let mut redirects = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(Failure::Timeout(self.timeout));
            }
            let mut request = self.agent.get(current.as_str());
            if let Some(etag) = &validators.etag {
                request = request.header("if-none-match", etag);
            }
            if let Some(date) = &validators.last_modified {
                request = request.header("if-modified-since", date);
            }
            let response = request
                .config()
                .timeout_global(Some(remaining))
                .proxy(proxy_for(&current)?)
                .build()
                .call()
                .map_err(|error| classify(error, self.timeout))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            if (300..400).contains(&status) && status != 304 {
                let target = header("location").ok_or_else(|| {
                    Failure::Protocol(format!("HTTP {status} without a Location"))
                })?;
                let next = current.join(&target).map_err(|_| {
                    Failure::Protocol(format!("HTTP {status} to an invalid Location"))
                })?;
                if !location::redirect_allowed(&current, &next) {
                    return Err(Failure::Redirect(display(&next)));
                }
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Err(Failure::TooManyRedirects);
                }
                current = next;
                continue;
            }
            let validators = Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            };
            let cache_control = header("cache-control");
            if status == 304 {
                return Ok(Reply {
                    body: None,
                    validators,
                    cache_control,
                });
            }
            if status != 200 {
                return Err(Failure::Status(status));
            }
            let mut body = response.into_body();
            if body
                .content_length()
                .is_some_and(|length| length > MAX_DOCUMENT_BYTES)
            {
                return Err(Failure::TooLarge);
            }
            let bytes = body
                .with_config()
                .limit(MAX_DOCUMENT_BYTES)
                .read_to_vec()
                .map_err(|error| classify(error, self.timeout))?;
            return Ok(Reply {
                body: Some(bytes),
                validators,
                cache_control,
            });
        }
    }
}

pub fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>, CaFileError> {
    let fail = |reason: String| CaFileError {
        path: path.display().to_string(),
        reason,
    };
    // A CA bundle is a few hundred KiB; anything far larger is not one.
    let bytes = crate::remote::read_limited(path, 8 * MAX_DOCUMENT_BYTES).map_err(fail)?;
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(&bytes) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(_) => return Err(fail("not a PEM file of certificates".to_owned())),
        }
    }
    if certificates.is_empty() {
        return Err(fail("holds no PEM certificate".to_owned()));
    }
    Ok(certificates)
}

/// The proxy for a request to `url`: `HTTPS_PROXY` (else `ALL_PROXY`) unless `NO_PROXY` names
/// the host; never one for this machine, which a proxy could not reach.
fn proxy_for(url: &Url) -> Result<Option<ureq::Proxy>, Failure> {
    if url.scheme() != "https" || location::is_loopback(url) {
        return Ok(None);
    }
    let Some((variable, value)) = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find_map(|name| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
                .map(|value| (name, value))
        })
    else {
        return Ok(None);
    };
    let host = url.host_str().unwrap_or_default();
    let no_proxy = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    if bypasses_proxy(host, &no_proxy) {
        return Ok(None);
    }
    // The value may hold a proxy password: the error names the variable, never the value.
    ureq::Proxy::new(value.trim())
        .map(Some)
        .map_err(|_| Failure::Proxy(variable))
}

/// curl's reading of `NO_PROXY`: `*`, or comma-separated names that match the host itself or,
/// with or without a leading dot, any name under it.
fn bypasses_proxy(host: &str, no_proxy: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.trim_start_matches('.').to_ascii_lowercase();
        !entry.is_empty()
            && (host == entry
                || host
                    .strip_suffix(&entry)
                    .is_some_and(|rest| rest.ends_with('.')))
    })
}

fn classify(error: ureq::Error, timeout: Duration) -> Failure {
    match error {
        ureq::Error::Timeout(_) => Failure::Timeout(timeout),
        ureq::Error::HostNotFound => Failure::HostNotFound,
        ureq::Error::BodyExceedsLimit(_) => Failure::TooLarge,
        ureq::Error::TooManyRedirects => Failure::TooManyRedirects,
        ureq::Error::Rustls(error) => Failure::Tls(error.to_string()),
        ureq::Error::Tls(reason) => Failure::Tls(reason.to_owned()),
        ureq::Error::Io(error) => {
            match error
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                Some(tls) => Failure::Tls(tls.to_string()),
                None if error.kind() == std::io::ErrorKind::TimedOut => Failure::Timeout(timeout),
                None => Failure::Unreachable(error.to_string()),
            }
        }
        ureq::Error::ConnectionFailed => Failure::Unreachable("connection failed".to_owned()),
        ureq::Error::ConnectProxyFailed(reason) => {
            Failure::Unreachable(format!("through the proxy: {reason}"))
        }
        other => Failure::Protocol(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_matches_like_curl() {
        assert!(bypasses_proxy("idp.example.com", "*"));
        assert!(bypasses_proxy("idp.example.com", "example.com"));
        assert!(bypasses_proxy("idp.example.com", "foo, .example.com"));
        assert!(bypasses_proxy("EXAMPLE.com", "example.com"));
        assert!(!bypasses_proxy("badexample.com", "example.com"));
        assert!(!bypasses_proxy("idp.example.com", ""));
        assert!(!bypasses_proxy("idp.example.com", "example.org,,"));
        assert!(bypasses_proxy("[2001:db8::1]", "2001:db8::1"));
    }

    #[test]
    fn a_ca_file_that_is_not_pem_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "hello").unwrap();
        let error = read_ca_file(&path).unwrap_err();
        assert!(error.reason.contains("no PEM certificate"), "{error}");
        let missing = read_ca_file(&dir.path().join("missing.pem")).unwrap_err();
        assert!(missing.to_string().contains("missing.pem"), "{missing}");
    }
}
