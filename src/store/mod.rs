//! The revocation store: where refresh tokens are recorded, rotated and revoked.
//!
//! The store never holds a token, a signature or a secret; records are keyed by the `jti` read from a
//! token *after* its signature was verified (ECDSA signatures are malleable, so the token text is not
//! a stable identity). Every backend implements [`Store`] and gives the same answers for the same
//! sequence of calls; the suite in `tests/support/conformance.rs`, run against each backend, holds that
//! contract.

mod file;
mod model;
mod redis;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use file::{FileStore, MAX_STORE_BYTES};
pub use redis::{MAX_REPLY_BYTES, RedisStore};

/// Unix time in seconds. The clock is always passed in, so tests can fix it.
pub type Timestamp = i64;

/// How long a user cut-off (`revoke --user`) is kept at least, in seconds, for access tokens
/// issued without a refresh token, whose expiry the store never saw.
pub const MIN_CUTOFF_RETENTION: i64 = 24 * 60 * 60;

/// A refresh token about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    /// The refresh token's `jti`.
    pub jti: String,
    /// The subject (`sub`) the token was issued to.
    pub sub: String,
    /// The session family id (the `sid` claim of both tokens of a pair).
    pub family: String,
    /// `iat` of the refresh token.
    pub issued_at: Timestamp,
    /// `exp` of the refresh token.
    pub expires_at: Timestamp,
    /// `exp` of the access token issued with it, so a family revocation is kept as long as that
    /// access token can still be presented.
    pub access_expires_at: Timestamp,
    /// A free-text label (a device name, a CI job).
    pub label: Option<String>,
}

/// The state of one recorded refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TokenState {
    Active,
    /// Traded for `successor` at `at`; presenting it again is reuse.
    Rotated {
        at: Timestamp,
        successor: String,
    },
    Revoked {
        at: Timestamp,
    },
}

/// One recorded refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    #[serde(flatten)]
    pub token: NewToken,
    #[serde(flatten)]
    pub state: TokenState,
}

/// What happened when a refresh token was presented for rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was active; it is now rotated and the successor is recorded, active.
    Rotated,
    /// The token had already been rotated: a replay. The whole family is now revoked.
    ReuseDetected { family: String },
    /// The token (or its family) was revoked earlier.
    Revoked,
    /// The store has no record of this `jti`, or the record belongs to another subject or family.
    Unknown,
    /// Within the reuse grace window ([`Store::set_reuse_grace`]): the token had been rotated
    /// to a successor that is still active, and the session goes on with that successor. The
    /// caller issues the refresh token `jti` again with the same expiry, and a fresh access token;
    /// the store records that access token's expiry on the successor.
    Reissued { jti: String, expires_at: Timestamp },
}

/// The longest reuse grace window, in seconds: five minutes.
pub const MAX_REUSE_GRACE: Timestamp = 5 * 60;

/// What a presented refresh token is, without changing anything (`refresh --no-rotate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupOutcome {
    Active,
    /// Already rotated: presenting it is reuse. `check` does not revoke; `rotate` does.
    Rotated,
    Revoked,
    Unknown,
}

/// Which sessions `revoke` removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokeSelector {
    /// Every session of a subject, and a cut-off for that subject's access tokens issued until now.
    User(String),
    /// One session family.
    Family(String),
    /// One session family, only if it was recorded for `sub` (`revoke --token`): a token that
    /// borrowed another subject's `sid` must not revoke that subject's session (SECURITY.md 41).
    FamilyOf { sub: String, family: String },
    /// Every session.
    All,
}

/// Whether an access token may still be used, as far as the store knows (`verify --check-revocation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessOutcome {
    Allowed,
    /// Its session family (`sid`) was revoked.
    FamilyRevoked {
        family: String,
    },
    /// Its subject was cut off by `revoke --user` after the token was issued.
    UserCutOff {
        sub: String,
        at: Timestamp,
    },
}

/// One access token for [`Store::check_access_many`]: its `sub`, `sid` and `iat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessQuery<'a> {
    pub sub: Option<&'a str>,
    pub family: Option<&'a str>,
    pub issued_at: Timestamp,
}

/// A live session, for `sessions`: the newest active token of a family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub sub: String,
    pub family: String,
    pub label: Option<String>,
    /// When the family was started (the first token's `iat`).
    pub started_at: Timestamp,
    /// When the current refresh token expires.
    pub expires_at: Timestamp,
    /// When the family was last rotated, if ever.
    pub last_rotated_at: Option<Timestamp>,
}

/// Why a family was revoked (`sessions --include-revoked`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    /// A rotated refresh token was presented again.
    Reuse,
    /// `revoke --family` or `revoke --token`.
    Family,
    /// `revoke --user`.
    User,
    /// `revoke --all`.
    All,
    /// Revoked by a jwtctl that did not record why (a version 1 file store).
    Unknown,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Reuse => "reuse",
            RevokeReason::Family => "family",
            RevokeReason::User => "user",
            RevokeReason::All => "all",
            RevokeReason::Unknown => "unknown",
        }
    }

    pub(crate) fn of(selector: &RevokeSelector) -> RevokeReason {
        match selector {
            RevokeSelector::User(_) => RevokeReason::User,
            RevokeSelector::Family(_) | RevokeSelector::FamilyOf { .. } => RevokeReason::Family,
            RevokeSelector::All => RevokeReason::All,
        }
    }

    pub(crate) fn parse(text: &str) -> Option<RevokeReason> {
        [
            RevokeReason::Reuse,
            RevokeReason::Family,
            RevokeReason::User,
            RevokeReason::All,
            RevokeReason::Unknown,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// A family revoked and still remembered (`sessions --include-revoked`): the session as it was
/// (`expires_at` is when its newest refresh token expires), when it was revoked and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevokedSession {
    #[serde(flatten)]
    pub session: SessionSummary,
    /// When it was revoked; unknown for a family revoked by a jwtctl that did not record it.
    pub revoked_at: Option<Timestamp>,
    pub reason: RevokeReason,
}

/// A store failure. Every variant maps to exit status 4.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} store {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "store {path} is corrupt at line {line}, column {column}: {message}; it was left unchanged"
    )]
    Corrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "store {path} has format version {found}, this jwtctl reads version {supported}; it was left unchanged"
    )]
    UnknownVersion {
        path: PathBuf,
        found: u64,
        supported: u64,
    },
    /// A store that must already exist (one only read: `verify --check-revocation`, `sessions`)
    /// does not: a mistyped path must not read as "nothing revoked" or "no sessions".
    #[error(
        "store {path} does not exist, so it has nothing recorded to read; check the path \
         (a store is created by the first `jwtctl issue` that records a session)"
    )]
    Missing { path: PathBuf },
    /// The server-backed store failed; `url` never contains a password.
    #[error("store {url}: {message}")]
    Server { url: String, message: String },
}

/// The contract every backend fulfils. Each method is one atomic step: two processes calling
/// `rotate` with the same `jti` at the same instant get one `Rotated` and one `ReuseDetected`.
///
/// Times are unix seconds and `now` is always passed in; no backend reads the clock. What no
/// longer matters at `now` is treated as absent by every call, whether or not it has been pruned
/// yet: a token record once `now >= max(expires_at, access_expires_at)` (so a rotated token is
/// still recognised as reuse until it expires), a revoked family or a user cut-off once `now` has
/// reached its keep-until time.
///
/// A family is *live* when it has an `Active` record with `expires_at > now`; `sessions` lists
/// live families and `revoke` counts them.
///
/// `Send`: in a batch, the store is used by whichever thread's turn it is to write.
pub trait Store: Send {
    /// Records new sessions, each the first token of its own family. All or nothing: if any `jti`
    /// is already recorded, any family already exists (or is remembered as revoked), or two
    /// tokens share a `jti` or a family, nothing is recorded and an error is returned.
    fn insert(&mut self, tokens: &[NewToken], now: Timestamp) -> Result<(), StoreError>;

    /// Trades the active token `jti` (which must belong to `sub` and `family`) for `successor`,
    /// which joins the same family. On reuse, revokes the family.
    ///
    /// - no record of `jti`, or it belongs to another subject or family: `Unknown`, no change;
    /// - `Active`: it becomes `Rotated { at: now, successor: successor.jti }` and the successor is
    ///   recorded `Active`: `Rotated`. A successor of another subject or family, or whose `jti` is
    ///   already recorded, is an error and changes nothing;
    /// - `Rotated` to this very `successor`, which is still active: the same rotation retried
    ///   after a lost reply: `Rotated`, no change;
    /// - `Rotated` within the reuse grace window of its rotation, its successor still active:
    ///   `Reissued` with that successor, whose access expiry becomes at least
    ///   `successor.access_expires_at`;
    /// - `Rotated` otherwise (a replay): the whole family is revoked, newest token included:
    ///   `ReuseDetected`;
    /// - `Revoked`: `Revoked`, no change.
    ///
    /// A successor without a label keeps the session's label.
    fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &NewToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, StoreError>;

    /// Sets the reuse grace window used by later [`Store::rotate`] calls, in seconds (0, the
    /// default, means none; at most [`MAX_REUSE_GRACE`]).
    fn set_reuse_grace(&mut self, grace: Timestamp);

    /// Reports the state of `jti` (which must belong to `sub` and `family`) without changing it:
    /// the same mapping as [`Store::rotate`], `Unknown` for a record of another subject or family.
    fn lookup(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        now: Timestamp,
    ) -> Result<LookupOutcome, StoreError>;

    /// [`Store::lookup`] for `refresh --no-rotate`, which mints an access token for a refresh
    /// token it keeps: when `jti` is `Active`, its access expiry becomes at least
    /// `access_expires_at`, so a later revocation of the family is remembered for as long as
    /// that access token can be presented. Any other state is reported and nothing changes.
    fn renew_access(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        access_expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<LookupOutcome, StoreError>;

    /// Revokes the selected sessions and returns how many families were live and are now revoked
    /// (0 when there was nothing to revoke, which is not an error).
    ///
    /// Revoking a family turns every record of it `Revoked { at: now }` (rotated ones too) and
    /// remembers the family as revoked until the max over its records of
    /// `max(expires_at, access_expires_at)`, so access tokens carrying that `sid` are refused until
    /// they have expired. `FamilyOf { sub, family }` is `Family(family)` when the family was
    /// recorded for `sub`, and otherwise revokes nothing and returns 0. `User(sub)` revokes every family of `sub` and records a cut-off
    /// `{ at: now, until: max(now + MIN_CUTOFF_RETENTION, max over sub's records of
    /// max(expires_at, access_expires_at)) }`, even when `sub` has no session.
    fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> Result<u64, StoreError>;

    /// Checks an access token's session against revocations. `family` is its `sid` claim, if any.
    /// Read-only. In order:
    /// 1. `family` is remembered as revoked: `FamilyRevoked`;
    /// 2. the store holds a record of `family`, recorded for `sub`, that is not revoked: `Allowed`
    ///    (a session started after a cut-off, even in the same second, stays valid). A family is
    ///    honoured only for the subject it was recorded for: a token carrying another subject's
    ///    `sid` goes on to the cut-off check of its own `sub` (SECURITY.md 41);
    /// 3. `sub` has a cut-off and `issued_at <= cut-off.at`: `UserCutOff`;
    /// 4. otherwise `Allowed`.
    fn check_access(
        &mut self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
        now: Timestamp,
    ) -> Result<AccessOutcome, StoreError>;

    /// [`Store::check_access`] for many tokens, answered in order (`verify --batch`). The file
    /// store answers them all from one read of the file instead of one read each.
    fn check_access_many(
        &mut self,
        queries: &[AccessQuery<'_>],
        now: Timestamp,
    ) -> Result<Vec<AccessOutcome>, StoreError> {
        queries
            .iter()
            .map(|query| self.check_access(query.sub, query.family, query.issued_at, now))
            .collect()
    }

    /// Live sessions, optionally of one subject: one summary per live family (label and expiry of
    /// its active token, `started_at` the `issued_at` of its first token, `last_rotated_at` its
    /// latest rotation, both still right after older tokens were pruned), sorted by `started_at`,
    /// then family.
    fn sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError>;

    /// Families revoked and still remembered at `now` (revocation kept until the last of their
    /// tokens has expired), optionally of one subject, sorted like [`Store::sessions`].
    fn revoked_sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<RevokedSession>, StoreError>;

    /// Drops records that can no longer matter and returns how many token records were dropped:
    /// tokens with `expires_at <= now` and `access_expires_at <= now`, revoked families and
    /// cut-offs whose keep-until time is `<= now`.
    fn prune(&mut self, now: Timestamp) -> Result<u64, StoreError>;
}

/// Where the store lives, as named by `--store` or `JWTCTL_STORE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// A `redis://`, `rediss://`, `redis+unix://`, `redis+cluster://` or `rediss+cluster://` URL.
    Redis(String),
}

impl Location {
    /// Reads a `--store` value: a Redis URL by its scheme, anything else a file path. Other URL
    /// schemes, and `redis:` without `//`, are refused rather than taken for odd file names. A
    /// Redis URL that does not parse (a port out of range) is refused here, so it is a usage
    /// error (exit 2) rather than a store failure. No message shows the URL's password, even in
    /// a URL whose scheme is mistyped (`Redis://`, `rediss:/`).
    pub fn parse(value: &str) -> Result<Location, String> {
        const SCHEMES: [&str; 6] = [
            "redis://",
            "rediss://",
            "redis+unix://",
            "unix://",
            "redis+cluster://",
            "rediss+cluster://",
        ];
        if SCHEMES.iter().any(|scheme| value.starts_with(scheme)) {
            validate_redis_url(value)?;
            return Ok(Location::Redis(value.to_owned()));
        }
        let scheme = value.split_once(':').map(|(scheme, _)| scheme);
        let looks_like_url = value.contains("://")
            || scheme.is_some_and(|scheme| scheme.to_ascii_lowercase().starts_with("redis"));
        if looks_like_url {
            return Err(format!(
                "store {} is not a file path or a supported URL \
                 (redis://, rediss://, redis+unix://, redis+cluster://, rediss+cluster://; \
                 schemes are lower case)",
                shown_without_password(value)
            ));
        }
        Ok(Location::File(PathBuf::from(value)))
    }

    /// Whether `value` (a `--store` value) holds a password, which `ps` and shell history show
    /// when it is typed on the command line.
    pub fn has_password(value: &str) -> bool {
        if !redis::url::url_secrets(value).is_empty() {
            return true;
        }
        // A mistyped URL (`rediss:/user:password@host`) holds one just the same.
        value.split_once(':').is_some_and(|(scheme, rest)| {
            scheme.to_ascii_lowercase().starts_with("redis")
                && rest
                    .rfind('@')
                    .is_some_and(|at| rest[..at].trim_start_matches('/').contains(':'))
        })
    }

    /// The default store: `sessions.json` in the platform data directory
    /// (`$XDG_DATA_HOME/jwtctl` on Linux).
    pub fn default_file() -> Option<Location> {
        let dirs = directories::ProjectDirs::from("", "", "jwtctl")?;
        Some(Location::File(dirs.data_dir().join("sessions.json")))
    }
}

/// A `--store` value for a message: the URL with its password hidden; for something that is
/// not quite a URL (`rediss:/u:pw@h`), only its scheme, since where the password starts is
/// anyone's guess.
fn shown_without_password(value: &str) -> String {
    if value.contains("://") {
        return format!("{:?}", redis::url::redact_url(value));
    }
    match value.split_once(':') {
        Some((scheme, rest)) if rest.contains('@') || rest.contains('?') => {
            format!("{:?}", format!("{scheme}:..."))
        }
        _ => format!("{value:?}"),
    }
}

/// Parses a Redis URL as the client will, so a malformed one is a usage error.
fn validate_redis_url(value: &str) -> Result<(), String> {
    use ::redis::IntoConnectionInfo;
    // A cluster URL names several nodes, each of which must parse.
    let nodes = redis::cluster_node_urls(value).unwrap_or_else(|| vec![value.to_owned()]);
    nodes
        .iter()
        .try_for_each(|node| {
            let info = node.as_str().into_connection_info()?;
            match info.addr() {
                ::redis::ConnectionAddr::TcpTls { insecure: true, .. } => {
                    Err(::redis::RedisError::from((
                        ::redis::ErrorKind::InvalidClientConfig,
                        redis::NO_INSECURE_TLS,
                    )))
                }
                _ => Ok(()),
            }
        })
        .map_err(|error| {
            let secrets = redis::url::url_secrets(value);
            redis::url::scrub(
                &format!(
                    "store {}: invalid Redis URL: {error}",
                    shown_without_password(value)
                ),
                &secrets,
            )
        })
}

/// How to open a store. The file store uses only `timeout`, to bound its wait for the lock.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Prefix of every key (`--store-prefix`).
    pub prefix: String,
    /// Bound on connecting and on each command (`--store-timeout`); for the file store, on the
    /// wait for another process's lock.
    pub timeout: Duration,
    /// Write to a server whose `maxmemory-policy` may evict keys (`--store-allow-eviction`).
    pub allow_eviction: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            prefix: "jwtctl:".to_owned(),
            timeout: Duration::from_secs(3),
            allow_eviction: false,
        }
    }
}

/// Opens a store only to read what it recorded (`verify --check-revocation`, `sessions`): a file
/// store that does not exist is [`StoreError::Missing`], not an empty store.
pub fn open_existing(
    location: &Location,
    options: &OpenOptions,
) -> Result<Box<dyn Store>, StoreError> {
    if let Location::File(path) = location
        && !path.exists()
    {
        return Err(StoreError::Missing { path: path.clone() });
    }
    open(location, options)
}

/// Opens the store at `location`. Opening does no I/O for the file store (each call locks and
/// reads the file); the Redis store connects here.
pub fn open(location: &Location, options: &OpenOptions) -> Result<Box<dyn Store>, StoreError> {
    match location {
        Location::File(path) => Ok(Box::new(FileStore::with_lock_timeout(
            path.clone(),
            options.timeout,
        ))),
        Location::Redis(url) => Ok(Box::new(RedisStore::connect(url, options)?)),
    }
}
