//! Documents fetched from where the user pointed (`--jwks URL`, `--oidc ISSUER`): the URL rules,
//! the HTTP client, the cache, and discovery. Nothing here looks at a token: no header can
//! make jwtctl fetch anything.

pub mod cache;
pub mod discovery;
pub mod http;
pub mod keys;
pub mod location;
pub mod renew;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use url::Url;

pub use cache::{Cache, CacheError, Entry};
pub use http::{CaFileError, Failure};
pub use location::UrlError;

/// The default of `--fetch-timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What is wrong with a document that was fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the document is not JSON")]
    NotJson,
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document is not a JWKS (no \"keys\" array)")]
    NotJwks,
    #[error("the discovery document names another issuer, \"{found}\"")]
    OtherIssuer { found: String },
    #[error("the discovery document has no \"issuer\"")]
    NoIssuer,
    #[error("the discovery document has no \"jwks_uri\"")]
    NoJwksUri,
    #[error("{0}")]
    BadJwksUri(UrlError),
    #[error("the server answered 304 Not Modified to a request for a copy it never sent")]
    UnaskedNotModified,
    #[error("the JWKS holds no signing key jwtctl can use")]
    NoUsableKey,
}

/// Every way obtaining a document can fail. [`RemoteError::is_usage`] tells a mistake in what was
/// typed (exit 2) from a failure to obtain the document (exit 4).
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(transparent)]
    CaFile(#[from] CaFileError),
    #[error("cannot fetch {url}: {failure}")]
    Fetch { url: String, failure: Failure },
    #[error("{url}: {problem}")]
    Document { url: String, problem: Problem },
    #[error("{url}: {reason}, and --offline forbids fetching it")]
    Offline { url: String, reason: String },
}

impl RemoteError {
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            RemoteError::Url(_)
                | RemoteError::CaFile(_)
                | RemoteError::Fetch {
                    failure: Failure::Proxy(_),
                    ..
                }
        )
    }
}

/// `--no-cache` and `--offline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CacheMode {
    /// Fresh copies are used as they are, stale ones revalidated.
    #[default]
    Normal,
    /// Always fetched; the cache is neither read nor written.
    NoCache,
    /// Never fetched: the cached copy, if younger than a day, or an error.
    Offline,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub mode: CacheMode,
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
    /// `None`: no cache directory could be found (no home); documents are fetched every time.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: CacheMode::Normal,
            timeout: DEFAULT_TIMEOUT,
            ca_file: None,
            cache_dir: Cache::default_location(),
        }
    }
}

/// Which checks a document must pass before it is used or cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind<'a> {
    Jwks,
    Discovery { issuer: &'a str },
}

impl Kind<'_> {
    fn check(self, body: &[u8]) -> Result<(), Problem> {
        match self {
            Kind::Jwks => {
                let document: Value = serde_json::from_slice(body).map_err(|_| Problem::NotJson)?;
                match document.get("keys") {
                    Some(Value::Array(_)) => Ok(()),
                    _ if !document.is_object() => Err(Problem::NotAnObject),
                    _ => Err(Problem::NotJwks),
                }
            }
            Kind::Discovery { issuer } => discovery::jwks_uri(body, issuer).map(|_| ()),
        }
    }
}

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A fresh cached copy; nothing was sent.
    Cache,
    /// Fetched by this process.
    Network,
    /// The server said the cached copy is still current.
    Revalidated,
    /// The server could not be reached (or sent something unusable); a copy under a day old.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub body: String,
    pub origin: Origin,
}

/// Fetches documents through the cache. One per process: it remembers what it obtained, so a
/// batch asks the network at most once per URL, however many tokens need a refetch.
pub struct Remote {
    settings: Settings,
    client: OnceLock<Result<http::Client, CaFileError>>,
    seen: Mutex<HashMap<String, Document>>,
}

impl Remote {
    pub fn new(settings: Settings) -> Remote {
        Remote {
            settings,
            client: OnceLock::new(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The JWKS URL of `issuer` (the text exactly as typed), by discovery: the OpenID document,
    /// or RFC 8414's when that one is not found.
    pub fn jwks_uri_of(
        &self,
        issuer_text: &str,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<Url, RemoteError> {
        let issuer = discovery::parse_issuer(issuer_text)?;
        let kind = Kind::Discovery {
            issuer: issuer_text,
        };
        let openid = discovery::openid_configuration_url(&issuer);
        let (url, document) = match self.get(&openid, kind, false, now, warn) {
            Err(RemoteError::Fetch {
                failure: Failure::Status(404),
                ..
            }) => {
                let oauth = discovery::oauth_metadata_url(&issuer);
                let document = self.get(&oauth, kind, false, now, warn)?;
                (oauth, document)
            }
            other => (openid, other?),
        };
        discovery::jwks_uri(document.body.as_bytes(), issuer_text).map_err(|problem| {
            RemoteError::Document {
                url: location::display(&url),
                problem,
            }
        })
    }

    /// The document at `url`, checked as `kind`. `force`: an unknown `kid` asks for a refetch
    /// even when the copy is fresh, at most once per URL every 30 seconds (recorded in the
    /// cache) and once per process.
    pub fn get(
        &self,
        url: &Url,
        kind: Kind<'_>,
        force: bool,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<Document, RemoteError> {
        location::check(url, "URL")?;
        let key = url.as_str();
        if let Some(document) = self.remembered(key)
            && (!force || document.origin != Origin::Cache)
        {
            return Ok(document);
        }
        let document = match self.settings.mode {
            CacheMode::Offline => self.offline(url, kind, now, warn)?,
            CacheMode::NoCache => {
                let reply = self.fetch(url, &http::Validators::default())?;
                let body = reply.body.ok_or_else(|| RemoteError::Document {
                    url: location::display(url),
                    problem: Problem::UnaskedNotModified,
                })?;
                let body = checked_text(url, kind, body)?;
                Document {
                    body,
                    origin: Origin::Network,
                }
            }
            CacheMode::Normal => self.through_cache(url, kind, force, now, warn)?,
        };
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(key.to_owned(), document.clone());
        }
        Ok(document)
    }

    fn remembered(&self, key: &str) -> Option<Document> {
        self.seen.lock().ok()?.get(key).cloned()
    }

    fn cache(&self) -> Option<Cache> {
        self.settings.cache_dir.clone().map(Cache::at)
    }

    fn client(&self) -> Result<&http::Client, RemoteError> {
        self.client
            .get_or_init(|| {
                http::Client::new(self.settings.timeout, self.settings.ca_file.as_deref())
            })
            .as_ref()
            .map_err(|error| RemoteError::CaFile(error.clone()))
    }

    fn fetch(&self, url: &Url, validators: &http::Validators) -> Result<http::Reply, RemoteError> {
        self.client()?
            .get(url, validators)
            .map_err(|failure| RemoteError::Fetch {
                url: location::display(url),
                failure,
            })
    }

    fn offline(
        &self,
        url: &Url,
        kind: Kind<'_>,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<Document, RemoteError> {
        let shown = location::display(url);
        let offline = |reason: String| RemoteError::Offline {
            url: shown.clone(),
            reason,
        };
        let cache = self
            .cache()
            .ok_or_else(|| offline("there is no cache directory".to_owned()))?;
        let entry = cache
            .load(url.as_str())
            .map_err(|error| offline(error.to_string()))?
            .ok_or_else(|| offline("not in the cache".to_owned()))?;
        if !entry.is_usable_stale(now) {
            return Err(offline(format!(
                "the cached copy is older than {}",
                age_text(cache::STALE_LIMIT)
            )));
        }
        kind.check(entry.body.as_bytes())
            .map_err(|problem| offline(format!("the cached copy is unusable: {problem}")))?;
        if !entry.is_fresh(now) {
            warn(format!(
                "{shown}: using the cached copy from {} ago (--offline)",
                age_text(entry.age(now))
            ));
        }
        Ok(Document {
            body: entry.body,
            origin: Origin::Cache,
        })
    }

    fn through_cache(
        &self,
        url: &Url,
        kind: Kind<'_>,
        force: bool,
        now: i64,
        warn: &mut dyn FnMut(String),
    ) -> Result<Document, RemoteError> {
        let shown = location::display(url);
        let cache = self.cache();
        let entry = match cache.as_ref().map(|cache| cache.load(url.as_str())) {
            Some(Ok(entry)) => entry,
            Some(Err(error)) => {
                warn(format!("{error}; fetching it again"));
                None
            }
            None => None,
        };
        // A copy that fails today's checks (an older jwtctl, a hand edit) is no copy.
        let entry = entry.filter(|entry| kind.check(entry.body.as_bytes()).is_ok());
        if let Some(entry) = &entry
            && ((entry.is_fresh(now) && !force) || (force && !entry.may_force(now)))
        {
            return Ok(Document {
                body: entry.body.clone(),
                origin: Origin::Cache,
            });
        }
        let validators = entry
            .as_ref()
            .map(|entry| http::Validators {
                etag: entry.etag.clone(),
                last_modified: entry.last_modified.clone(),
            })
            .unwrap_or_default();
        let fetched = self.fetch(url, &validators).and_then(|reply| {
            let lifetime = cache::lifetime(reply.cache_control.as_deref());
            let (body, origin) = match (reply.body, &entry) {
                (Some(body), _) => (checked_text(url, kind, body)?, Origin::Network),
                (None, Some(entry)) => (entry.body.clone(), Origin::Revalidated),
                (None, None) => {
                    return Err(RemoteError::Document {
                        url: shown.clone(),
                        problem: Problem::UnaskedNotModified,
                    });
                }
            };
            let mut fresh = Entry::new(url.as_str(), body, now, lifetime);
            // A 304 may leave out validators it does not change.
            fresh.etag = reply
                .validators
                .etag
                .or_else(|| entry.as_ref().and_then(|entry| entry.etag.clone()));
            fresh.last_modified = reply
                .validators
                .last_modified
                .or_else(|| entry.as_ref().and_then(|entry| entry.last_modified.clone()));
            fresh.forced_at = if force {
                Some(now)
            } else {
                entry.as_ref().and_then(|entry| entry.forced_at)
            };
            Ok((fresh, origin))
        });
        match fetched {
            Ok((fresh, origin)) => {
                if let Some(cache) = &cache
                    && let Err(error) = cache.save(&fresh)
                {
                    warn(error.to_string());
                }
                Ok(Document {
                    body: fresh.body,
                    origin,
                })
            }
            Err(error) if error.is_usage() => Err(error),
            Err(error) => match entry {
                Some(mut entry) if entry.is_usable_stale(now) => {
                    // A failed forced refetch counts against the 30 s rule too, or every process
                    // would wait out the timeout for each unknown kid while the server is down.
                    if force && let Some(cache) = &cache {
                        entry.forced_at = Some(now);
                        if let Err(error) = cache.save(&entry) {
                            warn(error.to_string());
                        }
                    }
                    warn(format!(
                        "{error}; using the cached copy from {} ago",
                        age_text(entry.age(now))
                    ));
                    Ok(Document {
                        body: entry.body,
                        origin: Origin::Stale,
                    })
                }
                _ => Err(error),
            },
        }
    }
}

/// The body as text, once it passed the checks of `kind`.
fn checked_text(url: &Url, kind: Kind<'_>, body: Vec<u8>) -> Result<String, RemoteError> {
    let problem = |problem| RemoteError::Document {
        url: location::display(url),
        problem,
    };
    kind.check(&body).map_err(problem)?;
    String::from_utf8(body).map_err(|_| problem(Problem::NotJson))
}

fn age_text(seconds: i64) -> String {
    // Whole minutes are what a person wants to read here.
    let rounded = u64::try_from(seconds.max(0)).unwrap_or(0);
    let rounded = if rounded >= 60 {
        rounded / 60 * 60
    } else {
        rounded
    };
    humantime::format_duration(Duration::from_secs(rounded)).to_string()
}

/// Reads at most `limit` bytes of `path`; a longer file is refused, not cut.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    Ok(bytes)
}
