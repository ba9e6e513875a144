//! The cache of fetched documents: one JSON file per URL under `$XDG_CACHE_HOME/jwtctl/remote/`
//! holding the body, when it was fetched, how long it stays fresh, the validators for a
//! conditional request, and when an unknown `kid` last forced a refetch.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The lifetime of a document whose server says nothing about it.
pub const DEFAULT_LIFETIME: i64 = 600;
/// A server may not make jwtctl ask more often than this, nor keep keys longer than a day.
pub const MIN_LIFETIME: i64 = 60;
pub const MAX_LIFETIME: i64 = 24 * 60 * 60;
/// How old a copy may be and still be used when the server cannot be reached (stale-if-error).
pub const STALE_LIMIT: i64 = 24 * 60 * 60;
/// How often an unknown `kid` may force a refetch of one URL.
pub const FORCED_REFETCH_INTERVAL: i64 = 30;

const FORMAT_VERSION: u32 = 1;
/// The body is at most 1 MiB; escaped into JSON it can grow up to six times.
const MAX_ENTRY_BYTES: u64 = 7 * super::http::MAX_DOCUMENT_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub version: u32,
    pub url: String,
    /// Unix seconds.
    pub fetched_at: i64,
    /// Seconds after `fetched_at` during which the copy is used without asking the server.
    pub lifetime: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The last refetch an unknown `kid` forced, unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forced_at: Option<i64>,
    pub body: String,
}

impl Entry {
    pub fn new(url: &str, body: String, fetched_at: i64, lifetime: i64) -> Entry {
        Entry {
            version: FORMAT_VERSION,
            url: url.to_owned(),
            fetched_at,
            lifetime,
            etag: None,
            last_modified: None,
            forced_at: None,
            body,
        }
    }

    /// Seconds since the fetch; negative when the clock went back since.
    pub fn age(&self, now: i64) -> i64 {
        now.saturating_sub(self.fetched_at)
    }

    pub fn is_fresh(&self, now: i64) -> bool {
        (0..self.lifetime).contains(&self.age(now))
    }

    /// Whether the copy may stand in for a server that cannot be reached.
    pub fn is_usable_stale(&self, now: i64) -> bool {
        (0..STALE_LIMIT).contains(&self.age(now))
    }

    /// Whether an unknown `kid` may force a refetch now.
    pub fn may_force(&self, now: i64) -> bool {
        self.forced_at
            .is_none_or(|at| !(0..FORCED_REFETCH_INTERVAL).contains(&now.saturating_sub(at)))
    }
}

/// How long a response stays fresh, from its `Cache-Control`, clamped to
/// [[`MIN_LIFETIME`], [`MAX_LIFETIME`]].
pub fn lifetime(cache_control: Option<&str>) -> i64 {
    let Some(header) = cache_control else {
        return DEFAULT_LIFETIME;
    };
    let mut max_age = None;
    for directive in header.split(',').map(str::trim) {
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        match name.trim().to_ascii_lowercase().as_str() {
            // Keys are still needed; asking again at the minimum interval honours these.
            "no-store" | "no-cache" => return MIN_LIFETIME,
            "max-age" => {
                max_age = value
                    .trim()
                    .trim_matches('"')
                    .parse::<u64>()
                    .ok()
                    .or(max_age);
            }
            _ => {}
        }
    }
    match max_age {
        Some(seconds) => i64::try_from(seconds)
            .unwrap_or(MAX_LIFETIME)
            .clamp(MIN_LIFETIME, MAX_LIFETIME),
        None => DEFAULT_LIFETIME,
    }
}

/// Why a cached copy could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot read the cached copy {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the cached copy {} is not one jwtctl wrote", path.display())]
    Corrupt { path: PathBuf },
    #[error("cannot write the cache {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn at(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// `$XDG_CACHE_HOME/jwtctl/remote` on Linux, the platform's cache directory elsewhere; `None`
    /// without a home directory.
    pub fn default_location() -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "jwtctl")?;
        Some(dirs.cache_dir().join("remote"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for `url`: named by a hash, so no URL can choose a path.
    pub fn path_for(&self, url: &str) -> PathBuf {
        let digest = Sha256::digest(url.as_bytes());
        self.dir.join(format!("{}.json", hex::encode(digest)))
    }

    /// The copy of `url`, if there is one. A copy of another URL (a hash collision, a file
    /// copied by hand) is none.
    pub fn load(&self, url: &str) -> Result<Option<Entry>, CacheError> {
        let path = self.path_for(url);
        let bytes = match super::read_limited(&path, MAX_ENTRY_BYTES) {
            Ok(bytes) => bytes,
            Err(_) if !path.exists() => return Ok(None),
            Err(reason) => {
                return Err(CacheError::Read {
                    path,
                    source: std::io::Error::other(reason),
                });
            }
        };
        let entry: Entry = serde_json::from_slice(&bytes)
            .map_err(|_| CacheError::Corrupt { path: path.clone() })?;
        if entry.version != FORMAT_VERSION {
            return Err(CacheError::Corrupt { path });
        }
        Ok((entry.url == url).then_some(entry))
    }

    /// Replaces the copy atomically (a temporary file in the same directory, then a rename), mode
    /// 0600 in a 0700 directory, so a concurrent reader sees the old copy or the new one.
    pub fn save(&self, entry: &Entry) -> Result<(), CacheError> {
        let path = self.path_for(&entry.url);
        let fail = |source: std::io::Error| CacheError::Write {
            path: path.clone(),
            source,
        };
        create_private_dir(&self.dir).map_err(fail)?;
        let json = serde_json::to_vec(entry).map_err(|error| fail(std::io::Error::other(error)))?;
        // tempfile creates its files 0600.
        let mut temporary = tempfile::Builder::new()
            .prefix(".jwtctl-")
            .tempfile_in(&self.dir)
            .map_err(fail)?;
        temporary.write_all(&json).map_err(fail)?;
        temporary.as_file().sync_all().map_err(fail)?;
        temporary
            .persist(&path)
            .map_err(|error| fail(error.error))?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_comes_from_max_age_clamped_to_a_minute_and_a_day() {
        assert_eq!(lifetime(None), 600);
        assert_eq!(lifetime(Some("public")), 600);
        assert_eq!(lifetime(Some("public, max-age=3600")), 3600);
        assert_eq!(lifetime(Some("MAX-AGE=\"120\"")), 120);
        assert_eq!(lifetime(Some("max-age=5")), 60);
        assert_eq!(lifetime(Some("max-age=0, must-revalidate")), 60);
        assert_eq!(lifetime(Some("max-age=31536000")), 86_400);
        assert_eq!(lifetime(Some("max-age=99999999999999999999999")), 600);
        assert_eq!(lifetime(Some("max-age=-5")), 600);
        assert_eq!(lifetime(Some("no-store")), 60);
        assert_eq!(lifetime(Some("max-age=3600, no-cache")), 60);
    }

    #[test]
    fn freshness_stale_use_and_forced_refetch_follow_the_clock() {
        let mut entry = Entry::new("https://a/", "{}".to_owned(), 1_000, 600);
        assert!(entry.is_fresh(1_000));
        assert!(entry.is_fresh(1_599));
        assert!(!entry.is_fresh(1_600));
        // A clock that went back does not make a copy fresh forever.
        assert!(!entry.is_fresh(999));
        assert!(entry.is_usable_stale(1_000 + STALE_LIMIT - 1));
        assert!(!entry.is_usable_stale(1_000 + STALE_LIMIT));
        assert!(entry.may_force(1_000));
        entry.forced_at = Some(1_000);
        assert!(!entry.may_force(1_029));
        assert!(entry.may_force(1_030));
        assert!(entry.may_force(990));
    }

    #[test]
    fn entries_round_trip_atomically_with_private_modes() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("jwtctl").join("remote"));
        let url = "https://idp.example.com/jwks";
        assert!(cache.load(url).unwrap().is_none());
        let mut entry = Entry::new(url, "{\"keys\":[]}".to_owned(), 5, 60);
        entry.etag = Some("\"v1\"".to_owned());
        cache.save(&entry).unwrap();
        assert_eq!(cache.load(url).unwrap(), Some(entry.clone()));
        assert!(
            cache
                .load("https://idp.example.com/other")
                .unwrap()
                .is_none()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache.path_for(url)), 0o600);
            assert_eq!(mode(cache.dir()), 0o700);
        }
        // Nothing but the entry is left in the directory.
        assert_eq!(std::fs::read_dir(cache.dir()).unwrap().count(), 1);
    }

    #[test]
    fn a_copy_that_is_not_an_entry_is_corrupt_not_absent() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().to_path_buf());
        let url = "https://idp.example.com/jwks";
        std::fs::write(cache.path_for(url), "{not json").unwrap();
        assert!(matches!(cache.load(url), Err(CacheError::Corrupt { .. })));
        let mut entry = Entry::new(url, "{}".to_owned(), 5, 60);
        entry.version = 99;
        std::fs::write(cache.path_for(url), serde_json::to_vec(&entry).unwrap()).unwrap();
        assert!(matches!(cache.load(url), Err(CacheError::Corrupt { .. })));
    }
}
