//! The Redis store: one Redis server, or a Redis Cluster, shared by every machine that issues and
//! refreshes tokens.
//!
//! # Key layout (version 2)
//!
//! Every key starts with the configured prefix (`jwtctl:` by default). Values taken from tokens
//! (`jti`, `sub`, the family id) are hex-encoded in key names, so a `sub` holding `:`, `*` or `{`
//! can never reach another key's namespace (SECURITY.md case 21). Every key of a subject carries
//! the hash tag `{s<hex sub>}`, so on a cluster all of a subject's keys live in one slot and each
//! script touches one node; every key a script touches is passed in `KEYS`.
//!
//! | key | type | holds | expires |
//! |---|---|---|---|
//! | `{s<hex sub>}:f:<hex family>` | hash | one session family: its summary and every token of it (see `lua/prelude.lua`), and once revoked until when it is remembered, when and why | with its last token, or its revocation |
//! | `{s<hex sub>}:u` | set | the subject's hex families | with its last family |
//! | `{s<hex sub>}:c` | hash | the subject's cut-off: `at`, and `k` until when it is remembered | then |
//! | `layout` | string | `2`, the key layout, written once | never |
//!
//! No key is written by every insert: operations over every session (`sessions` without a
//! subject, `prune`, `revoke --all`, `revoke --family` without a subject) walk the keys with
//! `SCAN` on each primary in bounded batches.
//!
//! A `jti` is unique within its family and every lookup names the subject and family, so a token
//! of one family can never stand for another's; the file store checks `jti`s across the whole
//! store as well.
//!
//! # Time
//!
//! Redis drops dead keys itself, but the caller's clock is never replaced by the server's: every
//! script gets `now` as an argument, liveness is checked against it (a record whose tokens both
//! expired by `now` is absent even if Redis still holds it), and TTLs are `keep_until - now`
//! seconds, at least one. `prune` deletes what is dead by the caller's clock but not yet by the
//! server's, and returns how many token records that was.
//!
//! # Atomicity
//!
//! Every change to one subject is one Lua script (`lua/*.lua`, each run after `lua/prelude.lua`;
//! sent with `EVALSHA`, loaded on `NOSCRIPT`), so it is one atomic step on the server: two
//! machines rotating the same token at the same instant get one `Rotated` and one
//! `ReuseDetected`. Reads (`lookup`, `check_access`, `sessions`) read each family hash with one
//! command, so each family is seen in one consistent state. What spans subjects is not one step:
//! an `insert` of several subjects' sessions checks them all first and then records each
//! subject's in its own step, and the operations over every session revoke or list one batch at
//! a time, so a session started while they run may be missed.

mod capped;
mod conn;
pub(super) mod url;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use ::redis::{Cmd, RedisError, Script, Value, cmd};

pub use capped::MAX_REPLY_BYTES;
pub(crate) use capped::NO_INSECURE_TLS;

use super::model::{self, Cutoff, FamilyRecord, State};
use super::*;
pub(crate) use conn::cluster_node_urls;
use conn::{Conn, Target};
use url::{redact_url, scrub, url_secrets};

/// The longest TTL ever set, about a hundred years, so absurd expiries cannot overflow Redis.
const MAX_TTL_SECONDS: i64 = 3_153_600_000;

/// The error code of the scripts' own refusals (`redis.error_reply('JWTCTL …')`).
const SCRIPT_ERROR: &str = "JWTCTL";

/// The key layout this build reads and writes.
const LAYOUT: &str = "2";

/// Keys `SCAN` is asked to look at per step. Over a million keys a step of 1,000 took 0.57 ms
/// at the median but up to 15 ms now and then; a step of 250 took 0.15 ms and at most 2.6 ms,
/// for four times the round trips (about 0.4 s more per million keys).
const SCAN_COUNT: usize = 250;

/// Families passed to one script: bounds how long one script runs (about 20 µs of server time
/// per family, far below the 10 ms no command may take).
const FAMILIES_PER_SCRIPT: usize = 32;

/// Helpers every script starts with: time comparisons, the token encoding, `revoke_family`.
const PRELUDE: &str = include_str!("lua/prelude.lua");

/// The store's scripts, each the prelude followed by its body, hashed once.
struct Scripts {
    insert: Script,
    rotate: Script,
    renew: Script,
    revoke: Script,
    prune: Script,
    /// Whether the current connection's servers hold the scripts that pipelines send by hash:
    /// loaded once per connection, not before every pipeline (a `revoke --all` over a million
    /// sessions sent 48,000 `SCRIPT LOAD`s).
    loaded: Cell<bool>,
}

impl Scripts {
    fn new() -> Self {
        let build = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Scripts {
            insert: build(include_str!("lua/insert.lua")),
            rotate: build(include_str!("lua/rotate.lua")),
            renew: build(include_str!("lua/renew.lua")),
            revoke: build(include_str!("lua/revoke.lua")),
            prune: build(include_str!("lua/prune.lua")),
            loaded: Cell::new(false),
        }
    }

    /// Sends `calls` (`EVALSHA`s of these scripts) in one pipeline, loading the scripts first if
    /// this connection has not. A server that lost them (`SCRIPT FLUSH`, a failover to a
    /// replica that never loaded them) answers `NOSCRIPT`: they are loaded again and, when
    /// `idempotent` says sending the calls twice does no harm, the pipeline is sent once more;
    /// otherwise the error stands and the next call loads them.
    fn pipeline<T: ::redis::FromRedisValue>(
        &self,
        con: &mut Conn,
        calls: &[Cmd],
        idempotent: bool,
    ) -> Result<Vec<T>, RedisError> {
        if !self.loaded.get() {
            self.load(con)?;
        }
        match con.pipeline(calls) {
            Err(error)
                if error.kind()
                    == ::redis::ErrorKind::Server(::redis::ServerErrorKind::NoScript) =>
            {
                self.loaded.set(false);
                if !idempotent {
                    return Err(error);
                }
                self.load(con)?;
                con.pipeline(calls)
            }
            result => result,
        }
    }

    /// Loads every script on every node, so pipelines can send `EVALSHA` without a `NOSCRIPT`
    /// round trip.
    fn load(&self, con: &mut Conn) -> Result<(), RedisError> {
        for script in [&self.insert, &self.rotate, &self.revoke, &self.prune] {
            script.load(con.like())?;
        }
        self.loaded.set(true);
        Ok(())
    }
}

/// Key names under a prefix.
struct Keys {
    prefix: String,
}

impl Keys {
    /// `{s<hex sub>}`: the hash tag of every key of the subject. Never empty, since an empty tag
    /// would not be a tag.
    fn tag(sub: &str) -> String {
        format!("{{s{}}}", hex::encode(sub))
    }

    fn family(&self, sub: &str, family: &str) -> String {
        self.family_hex(&Self::tag(sub), &hex::encode(family))
    }

    fn family_hex(&self, tag: &str, hex_family: &str) -> String {
        format!("{}{tag}:f:{hex_family}", self.prefix)
    }

    fn families_of(&self, sub: &str) -> String {
        format!("{}{}:u", self.prefix, Self::tag(sub))
    }

    fn cutoff(&self, sub: &str) -> String {
        self.cutoff_of_tag(&Self::tag(sub))
    }

    fn cutoff_of_tag(&self, tag: &str) -> String {
        format!("{}{tag}:c", self.prefix)
    }

    fn layout(&self) -> String {
        format!("{}layout", self.prefix)
    }

    /// The global index of the first key layout, which this one replaces.
    fn old_index(&self) -> String {
        format!("{}families", self.prefix)
    }

    /// A `SCAN MATCH` pattern for keys under the prefix ending in `suffix` (after the tag).
    fn pattern(&self, suffix: &str) -> String {
        let mut pattern = String::with_capacity(self.prefix.len() + suffix.len() + 6);
        for char in self.prefix.chars() {
            if matches!(char, '*' | '?' | '[' | ']' | '\\') {
                pattern.push('\\');
            }
            pattern.push(char);
        }
        pattern.push_str("{s*}");
        pattern.push_str(suffix);
        pattern
    }

    /// The hash tag of a key found by `SCAN`, if it is one of ours.
    fn tag_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        let rest = key.strip_prefix(self.prefix.as_str())?;
        let end = rest.find('}')?;
        rest.starts_with("{s").then(|| &rest[..=end])
    }
}

/// One family hash as read with `HGETALL`.
struct FamilyHash {
    fields: HashMap<String, String>,
}

/// One token field of a family hash: `state|iat|exp|access exp|when|hex successor`.
struct TokenFields {
    state: State<String>,
    expires_at: Timestamp,
    access_expires_at: Timestamp,
}

fn parse_time(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

impl TokenFields {
    fn parse(value: &str) -> Option<TokenFields> {
        let mut parts = value.split('|');
        let state = parts.next()?;
        let _issued_at = parse_time(parts.next()?)?;
        let expires_at = parse_time(parts.next()?)?;
        let access_expires_at = parse_time(parts.next()?)?;
        let at = parts.next()?;
        let successor = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        let state = match state {
            "A" => State::Active,
            "R" => State::Rotated {
                at: parse_time(at)?,
                successor: successor.to_owned(),
            },
            "X" => State::Revoked {
                at: parse_time(at)?,
            },
            _ => return None,
        };
        Some(TokenFields {
            state,
            expires_at,
            access_expires_at,
        })
    }

    fn matters(&self, now: Timestamp) -> bool {
        model::matters(
            model::keep_until(self.expires_at, self.access_expires_at),
            now,
        )
    }
}

impl FamilyHash {
    fn text(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    fn time(&self, field: &str) -> Result<Option<Timestamp>, &'static str> {
        match self.text(field) {
            None => Ok(None),
            Some(text) => parse_time(text)
                .map(Some)
                .ok_or("a session time is not a number"),
        }
    }

    /// The family as `sessions --include-revoked` lists it, if it is revoked and still
    /// remembered at `now` (and of `sub`, if given).
    fn revoked(
        &self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<RevokedSession>, &'static str> {
        let (Some(owner), Some(family)) = (self.text("s"), self.text("f")) else {
            return Ok(None);
        };
        if sub.is_some_and(|sub| sub != owner) {
            return Ok(None);
        }
        if !self
            .time("x")?
            .is_some_and(|until| model::matters(until, now))
        {
            return Ok(None);
        }
        let mut expires_at = None;
        for (field, value) in &self.fields {
            if field.starts_with("j:") {
                let token = TokenFields::parse(value).ok_or("a token record is malformed")?;
                expires_at = expires_at.max(Some(token.expires_at));
            }
        }
        let Some(expires_at) = expires_at else {
            return Ok(None);
        };
        Ok(Some(RevokedSession {
            session: SessionSummary {
                sub: owner.to_owned(),
                family: family.to_owned(),
                label: self.text("l").map(str::to_owned),
                started_at: self.time("b")?.ok_or("a session has no start")?,
                expires_at,
                last_rotated_at: self.time("r")?,
            },
            revoked_at: self.time("xt")?,
            reason: self
                .text("xr")
                .and_then(RevokeReason::parse)
                .unwrap_or(RevokeReason::Unknown),
        }))
    }

    /// The family as `sessions` lists it, if it is live at `now` (and of `sub`, if given).
    fn summary(
        &self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<SessionSummary>, &'static str> {
        let (Some(owner), Some(family), Some(current)) =
            (self.text("s"), self.text("f"), self.text("c"))
        else {
            return Ok(None);
        };
        if sub.is_some_and(|sub| sub != owner) {
            return Ok(None);
        }
        let Some(token) = self.text(&format!("j:{current}")) else {
            return Ok(None);
        };
        let token = TokenFields::parse(token).ok_or("a token record is malformed")?;
        if !model::is_live_active(&token.state, token.expires_at, now) {
            return Ok(None);
        }
        Ok(Some(SessionSummary {
            sub: owner.to_owned(),
            family: family.to_owned(),
            label: self.text("l").map(str::to_owned),
            started_at: self.time("b")?.ok_or("a session has no start")?,
            expires_at: token.expires_at,
            last_rotated_at: self.time("r")?,
        }))
    }
}

/// The Redis backend of [`Store`].
pub struct RedisStore {
    target: Target,
    /// `None` after an I/O failure or a timeout, when a reply may still be in flight; the next
    /// call connects again.
    connection: Option<Conn>,
    /// The URL without its password, for messages.
    url: String,
    /// Strings that must never appear in a message: the password as typed and as decoded.
    secrets: Vec<String>,
    keys: Keys,
    timeout: Duration,
    scripts: Scripts,
    /// Whether writing may go ahead on a server that evicts keys (`--store-allow-eviction`).
    allow_eviction: bool,
    /// Whether this process has checked the eviction policy already.
    eviction_checked: bool,
    /// The reuse grace window, in seconds ([`Store::set_reuse_grace`]).
    reuse_grace: Timestamp,
}

impl std::fmt::Debug for RedisStore {
    /// Shows where the store is, never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url)
            .field("prefix", &self.keys.prefix)
            .field("timeout", &self.timeout)
            .field("connected", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether a failed command leaves the connection unusable: a reply may still be on its way.
fn is_broken(err: &RedisError) -> bool {
    err.is_io_error()
        || err.is_timeout()
        || err.is_connection_dropped()
        || err.is_unrecoverable_error()
}

/// An `EVALSHA` of `script`, for a pipeline (the scripts are loaded first).
fn evalsha(script: &Script, keys: &[String], args: &[String]) -> Cmd {
    let mut command = cmd("EVALSHA");
    command
        .arg(script.get_hash())
        .arg(keys.len())
        .arg(keys)
        .arg(args);
    command
}

impl RedisStore {
    /// Connects to `url` (`redis://[user:password@]host:port/db`, `rediss://…`,
    /// `redis+unix:///path?db=N&user=U&pass=P`, `unix:///path`, or a cluster:
    /// `redis+cluster://[user:password@]host:port[,host:port]...`, `rediss+cluster://…`).
    /// Connecting and every command are bounded by `options.timeout`.
    pub fn connect(url: &str, options: &OpenOptions) -> Result<Self, StoreError> {
        let redacted = redact_url(url);
        let mut secrets = url_secrets(url);
        let timeout = options.timeout.max(Duration::from_millis(1));
        let (target, password) = Target::parse(url, timeout).map_err(|err| StoreError::Server {
            url: redacted.clone(),
            message: scrub(&format!("invalid Redis URL: {err}"), &secrets),
        })?;
        secrets.extend(password);
        let mut store = RedisStore {
            target,
            connection: None,
            url: redacted,
            secrets,
            keys: Keys {
                prefix: options.prefix.clone(),
            },
            timeout,
            scripts: Scripts::new(),
            allow_eviction: options.allow_eviction,
            eviction_checked: false,
            reuse_grace: 0,
        };
        // Fail now, not at the first command, if the server is down, refuses the credentials or
        // holds another key layout.
        store.check_layout()?;
        Ok(store)
    }

    /// Refuses keys of another layout under the prefix, and marks an empty prefix as layout 2.
    fn check_layout(&mut self) -> Result<(), StoreError> {
        let key = self.keys.layout();
        let found: Option<String> =
            self.run("connect", |con, _| cmd("GET").arg(&key).query(con.like()))?;
        match found.as_deref() {
            Some(LAYOUT) => Ok(()),
            Some(other) => Err(self.refusal(format!(
                "the keys under prefix {:?} have key layout {other:?}; this jwtctl reads layout \
                 {LAYOUT} and left them unchanged",
                self.keys.prefix
            ))),
            None => {
                let old = self.keys.old_index();
                let old_exists: bool = self.run("connect", |con, _| {
                    cmd("EXISTS").arg(&old).query(con.like())
                })?;
                if old_exists {
                    return Err(self.refusal(format!(
                        "the keys under prefix {:?} were written by an older jwtctl (key layout \
                         1), which this one does not read; they were left unchanged. Keep using \
                         the older jwtctl until those sessions expire, or give this one another \
                         --store-prefix",
                        self.keys.prefix
                    )));
                }
                self.run("connect", |con, _| {
                    cmd("SET")
                        .arg(&key)
                        .arg(LAYOUT)
                        .arg("NX")
                        .query::<Option<String>>(con.like())
                })?;
                Ok(())
            }
        }
    }

    fn refusal(&self, message: String) -> StoreError {
        StoreError::Server {
            url: self.url.clone(),
            message,
        }
    }

    /// Before the first write: a server that may evict keys can drop a revocation and bring a
    /// revoked session back, so it is refused unless the user accepted that. A server that does
    /// not let us read its configuration (managed services) is trusted; the README says that it
    /// must run with `noeviction`.
    fn check_eviction(&mut self) -> Result<(), StoreError> {
        if self.allow_eviction || self.eviction_checked {
            return Ok(());
        }
        let policies = self.run("check the eviction policy", |con, _| {
            let mut policies = Vec::new();
            for node in con.primaries()? {
                let mut command = cmd("CONFIG");
                command.arg("GET").arg("maxmemory-policy");
                // A flat [name, value] in RESP2, a map in RESP3.
                match con.on::<HashMap<String, String>>(&node, &command) {
                    Ok(mut reply) => policies.extend(reply.remove("maxmemory-policy")),
                    Err(err) if is_broken(&err) => return Err(err),
                    // CONFIG refused (renamed, NOPERM, a managed service).
                    Err(_) => {}
                }
            }
            Ok(policies)
        })?;
        if let Some(policy) = policies.iter().find(|policy| *policy != "noeviction") {
            return Err(self.refusal(format!(
                "the server's maxmemory-policy is {policy}, which can evict revocation records \
                 and bring revoked sessions back; set `maxmemory-policy noeviction`, or pass \
                 --store-allow-eviction to accept that risk"
            )));
        }
        self.eviction_checked = true;
        Ok(())
    }

    /// Runs `op` on the connection, connecting first if needed, and turns a failure into a
    /// [`StoreError::Server`] that names `action`.
    fn run<T>(
        &mut self,
        action: &str,
        op: impl FnOnce(&mut Conn, &Scripts) -> Result<T, RedisError>,
    ) -> Result<T, StoreError> {
        self.run_raw(op).map_err(|err| self.error(action, &err))
    }

    fn run_raw<T>(
        &mut self,
        op: impl FnOnce(&mut Conn, &Scripts) -> Result<T, RedisError>,
    ) -> Result<T, Failure> {
        let (mut connection, fresh) = match self.connection.take() {
            Some(connection) => (connection, false),
            None => {
                self.scripts.loaded.set(false);
                (
                    self.target.open(self.timeout).map_err(Failure::Connect)?,
                    true,
                )
            }
        };
        let result = op(&mut connection, &self.scripts);
        // After a timeout or a broken pipe a reply may still arrive; never read it as the answer
        // to the next command.
        if !result.as_ref().is_err_and(is_broken) {
            // A kept connection gets the whole timeout back (its first command had what the
            // handshake left). If that fails, the connection is dropped, not the answer: a
            // rotation that happened must be reported as one.
            if !fresh || connection.restore_timeout(self.timeout).is_ok() {
                self.connection = Some(connection);
            }
        }
        result.map_err(Failure::Command)
    }

    fn error(&self, action: &str, failure: &Failure) -> StoreError {
        let (action, err) = match failure {
            Failure::Connect(err) => ("cannot connect", err),
            Failure::Command(err) => (action, err),
        };
        let detail = if err.is_timeout() {
            format!("timed out after {} ms ({err})", self.timeout.as_millis())
        } else {
            match (err.code(), err.detail()) {
                // A refusal of our own scripts.
                (Some(SCRIPT_ERROR), Some(detail)) => detail.to_owned(),
                // A server error, shown the way Redis writes it: `WRONGTYPE Operation …`.
                (Some(code), Some(detail)) => format!("{code} {detail}"),
                _ => err.to_string(),
            }
        };
        StoreError::Server {
            url: self.url.clone(),
            message: scrub(&format!("{action}: {detail}"), &self.secrets),
        }
    }

    fn corrupt(&self, what: &str) -> StoreError {
        StoreError::Server {
            url: self.url.clone(),
            message: format!("unexpected data in the store: {what}"),
        }
    }

    /// The arguments every script starts with.
    fn base_args(now: Timestamp) -> Vec<String> {
        vec![now.to_string(), MAX_TTL_SECONDS.to_string()]
    }

    /// Every key matching `pattern` on every primary, handed to `batch` a `SCAN` step at a
    /// time (each key once, though `SCAN` may return one twice).
    fn scan(
        &mut self,
        action: &str,
        pattern: &str,
        mut batch: impl FnMut(&mut Conn, &Scripts, Vec<String>) -> Result<(), RedisError>,
    ) -> Result<(), StoreError> {
        self.run(action, |con, scripts| {
            let mut seen = HashSet::new();
            for node in con.primaries()? {
                let mut cursor = 0;
                loop {
                    let (next, keys) = con.scan_step(&node, cursor, pattern, SCAN_COUNT)?;
                    let fresh: Vec<String> = keys
                        .into_iter()
                        .filter(|key| seen.insert(key.clone()))
                        .collect();
                    if !fresh.is_empty() {
                        batch(con, scripts, fresh)?;
                    }
                    if next == 0 {
                        break;
                    }
                    cursor = next;
                }
            }
            Ok(())
        })
    }

    /// Groups keys by their hash tag, in chunks a script may take at once.
    fn by_tag(&self, keys: Vec<String>) -> Vec<(String, Vec<String>)> {
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for key in keys {
            let Some(tag) = self.keys.tag_of(&key).map(str::to_owned) else {
                continue;
            };
            let slot = match index.get(&tag) {
                Some(&slot)
                    if groups
                        .get(slot)
                        .is_some_and(|(_, keys)| keys.len() < FAMILIES_PER_SCRIPT) =>
                {
                    slot
                }
                _ => {
                    groups.push((tag.clone(), Vec::new()));
                    index.insert(tag, groups.len() - 1);
                    groups.len() - 1
                }
            };
            if let Some((_, keys)) = groups.get_mut(slot) {
                keys.push(key);
            }
        }
        groups
    }

    /// Every family hash of `sub`, or of every subject.
    fn family_hashes(&mut self, sub: Option<&str>) -> Result<Vec<FamilyHash>, StoreError> {
        let mut hashes: Vec<HashMap<String, String>> = Vec::new();
        match sub {
            Some(sub) => {
                let set = self.keys.families_of(sub);
                let members: Vec<String> = self.run("list sessions", |con, _| {
                    cmd("SMEMBERS").arg(&set).query(con.like())
                })?;
                let tag = Keys::tag(sub);
                for chunk in members.chunks(SCAN_COUNT) {
                    let reads: Vec<Cmd> = chunk
                        .iter()
                        .map(|hex_family| {
                            let mut command = cmd("HGETALL");
                            command.arg(self.keys.family_hex(&tag, hex_family));
                            command
                        })
                        .collect();
                    let replies: Vec<HashMap<String, String>> =
                        self.run("list sessions", |con, _| con.pipeline(&reads))?;
                    hashes.extend(replies);
                }
            }
            None => {
                let pattern = self.keys.pattern(":f:*");
                self.scan("list sessions", &pattern, |con, _, keys| {
                    let reads: Vec<Cmd> = keys
                        .iter()
                        .map(|key| {
                            let mut command = cmd("HGETALL");
                            command.arg(key);
                            command
                        })
                        .collect();
                    hashes.extend(con.pipeline::<HashMap<String, String>>(&reads)?);
                    Ok(())
                })?;
            }
        }
        Ok(hashes
            .into_iter()
            .map(|fields| FamilyHash { fields })
            .collect())
    }

    /// Revokes the families at `keys` (all of one subject, whose cut-off key is `cutoff`) in
    /// chunks; with `cut`, the last chunk records the cut-off. Returns how many were live.
    fn revoke_keys(
        &mut self,
        cutoff: &str,
        keys: &[String],
        reason: &str,
        cut: bool,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut live = 0;
        let mut keep = now.to_string();
        let chunks: Vec<&[String]> = if keys.is_empty() {
            vec![&[]]
        } else {
            keys.chunks(FAMILIES_PER_SCRIPT).collect()
        };
        let last = chunks.len().saturating_sub(1);
        for (index, chunk) in chunks.into_iter().enumerate() {
            let mut call_keys = vec![cutoff.to_owned()];
            call_keys.extend_from_slice(chunk);
            let mut args = Self::base_args(now);
            args.extend([
                reason.to_owned(),
                if cut && index == last { "1" } else { "0" }.to_owned(),
                now.saturating_add(MIN_CUTOFF_RETENTION).to_string(),
                keep.clone(),
            ]);
            let (count, latest): (u64, String) = self.run("revoke", |con, scripts| {
                scripts.revoke.key(&call_keys).arg(&args).invoke(con.like())
            })?;
            live += count;
            keep = latest;
        }
        Ok(live)
    }
}

/// Why a call failed: connecting, or the command itself.
enum Failure {
    Connect(RedisError),
    Command(RedisError),
}

/// Appends a token's values in the order the scripts' `token_at` reads them: hex jti, sub,
/// family, hex family, iat, exp, access exp, has label (`1`/`0`), label.
fn push_token(args: &mut Vec<String>, token: &NewToken) {
    args.push(hex::encode(&token.jti));
    args.push(token.sub.clone());
    args.push(token.family.clone());
    args.push(hex::encode(&token.family));
    args.push(token.issued_at.to_string());
    args.push(token.expires_at.to_string());
    args.push(token.access_expires_at.to_string());
    match &token.label {
        Some(label) => {
            args.push("1".to_owned());
            args.push(label.clone());
        }
        None => {
            args.push("0".to_owned());
            args.push(String::new());
        }
    }
}

impl Store for RedisStore {
    fn set_reuse_grace(&mut self, grace: Timestamp) {
        self.reuse_grace = grace.clamp(0, MAX_REUSE_GRACE);
    }

    fn insert(&mut self, tokens: &[NewToken], now: Timestamp) -> Result<(), StoreError> {
        if tokens.is_empty() {
            return Ok(());
        }
        let mut jtis = HashSet::new();
        let mut families = HashSet::new();
        for token in tokens {
            if !jtis.insert(token.jti.as_str()) {
                return Err(self.refusal(
                    "insert: a token of this batch is already recorded; nothing was written"
                        .to_owned(),
                ));
            }
            if !families.insert(token.family.as_str()) {
                return Err(self.refusal(
                    "insert: a session family of this batch already exists; nothing was written"
                        .to_owned(),
                ));
            }
        }
        self.check_eviction()?;
        // One step per subject; with several subjects, every family is checked first, so a
        // refusal writes nothing.
        let mut groups: Vec<(&str, Vec<&NewToken>)> = Vec::new();
        let mut open_group: HashMap<&str, usize> = HashMap::new();
        for token in tokens {
            let sub = token.sub.as_str();
            match open_group.get(sub).and_then(|&index| groups.get_mut(index)) {
                Some((_, group)) if group.len() < FAMILIES_PER_SCRIPT => group.push(token),
                _ => {
                    open_group.insert(sub, groups.len());
                    groups.push((sub, vec![token]));
                }
            }
        }
        if groups.len() > 1 {
            let checks: Vec<Cmd> = tokens
                .iter()
                .map(|token| {
                    let mut command = cmd("HMGET");
                    command
                        .arg(self.keys.family(&token.sub, &token.family))
                        .arg("k")
                        .arg("x");
                    command
                })
                .collect();
            let found: Vec<(Option<String>, Option<String>)> =
                self.run("insert", |con, _| con.pipeline(&checks))?;
            let live = |time: &Option<String>| {
                time.as_deref()
                    .and_then(parse_time)
                    .is_some_and(|time| model::matters(time, now))
            };
            if found
                .iter()
                .any(|(keep, revoked)| live(keep) || live(revoked))
            {
                return Err(self.refusal(
                    "insert: a session family of this batch already exists; nothing was written"
                        .to_owned(),
                ));
            }
        }
        let mut calls: Vec<(Vec<String>, Vec<String>)> = Vec::with_capacity(groups.len());
        for (sub, group) in &groups {
            let mut keys = vec![self.keys.families_of(sub)];
            let mut args = Self::base_args(now);
            for token in group {
                keys.push(self.keys.family(sub, &token.family));
                push_token(&mut args, token);
            }
            calls.push((keys, args));
        }
        match calls.as_slice() {
            [(keys, args)] => {
                self.run("insert", |con, scripts| {
                    scripts.insert.key(keys).arg(args).invoke::<i64>(con.like())
                })?;
            }
            // Many subjects (`issue --batch`): their steps in one pipeline.
            _ => {
                let commands: Vec<Cmd> = calls
                    .iter()
                    .map(|(keys, args)| evalsha(&self.scripts.insert, keys, args))
                    .collect();
                for chunk in commands.chunks(SCAN_COUNT) {
                    // Not idempotent: a session family recorded once is refused the second time.
                    self.run("insert", |con, scripts| {
                        scripts.pipeline::<i64>(con, chunk, false)
                    })?;
                }
            }
        }
        Ok(())
    }

    fn rotate(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        successor: &NewToken,
        now: Timestamp,
    ) -> Result<RotateOutcome, StoreError> {
        self.check_eviction()?;
        let keys = [self.keys.family(sub, family), self.keys.families_of(sub)];
        let mut args = Self::base_args(now);
        args.extend([hex::encode(jti), sub.to_owned(), family.to_owned()]);
        push_token(&mut args, successor);
        args.push(self.reuse_grace.to_string());
        let call = |store: &mut Self| {
            store.run_raw(|con, scripts| {
                scripts
                    .rotate
                    .key(&keys)
                    .arg(&args)
                    .invoke::<Vec<String>>(con.like())
            })
        };
        // A lost reply (a timeout after the server rotated) is retried once with the same
        // successor, which the script answers `rotated` again rather than taking for reuse.
        let outcome = match call(self) {
            Err(Failure::Command(err)) if is_broken(&err) => call(self),
            other => other,
        }
        .map_err(|err| self.error("rotate", &err))?;
        match outcome.as_slice() {
            [word] if word == "rotated" => Ok(RotateOutcome::Rotated),
            [word] if word == "reuse" => Ok(RotateOutcome::ReuseDetected {
                family: family.to_owned(),
            }),
            [word] if word == "revoked" => Ok(RotateOutcome::Revoked),
            [word] if word == "unknown" => Ok(RotateOutcome::Unknown),
            [word, hex_jti, expires] if word == "reissued" => {
                let jti = hex::decode(hex_jti)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| self.corrupt("a successor jti is not hex"))?;
                let expires_at = parse_time(expires)
                    .ok_or_else(|| self.corrupt("a token expiry is not a number"))?;
                Ok(RotateOutcome::Reissued { jti, expires_at })
            }
            _ => Err(self.corrupt("unexpected rotate outcome")),
        }
    }

    fn lookup(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        now: Timestamp,
    ) -> Result<LookupOutcome, StoreError> {
        let key = self.keys.family(sub, family);
        let field = format!("j:{}", hex::encode(jti));
        let fields: (Option<String>, Option<String>, Option<String>) =
            self.run("lookup", |con, _| {
                cmd("HMGET")
                    .arg(&key)
                    .arg("s")
                    .arg("f")
                    .arg(&field)
                    .query(con.like())
            })?;
        let (Some(record_sub), Some(record_family), Some(token)) = fields else {
            return Ok(LookupOutcome::Unknown);
        };
        if record_sub != sub || record_family != family {
            return Ok(LookupOutcome::Unknown);
        }
        let token = TokenFields::parse(&token)
            .ok_or_else(|| self.corrupt("a token record is malformed"))?;
        // Dead once both its tokens expired, even if Redis has not dropped it yet.
        if !token.matters(now) {
            return Ok(LookupOutcome::Unknown);
        }
        Ok(token.state.lookup())
    }

    fn renew_access(
        &mut self,
        jti: &str,
        sub: &str,
        family: &str,
        access_expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<LookupOutcome, StoreError> {
        self.check_eviction()?;
        let keys = [self.keys.family(sub, family), self.keys.families_of(sub)];
        let mut args = Self::base_args(now);
        args.extend([
            hex::encode(jti),
            sub.to_owned(),
            family.to_owned(),
            access_expires_at.to_string(),
        ]);
        let state: String = self.run("renew", |con, scripts| {
            scripts.renew.key(&keys).arg(&args).invoke(con.like())
        })?;
        match state.as_str() {
            "A" => Ok(LookupOutcome::Active),
            "R" => Ok(LookupOutcome::Rotated),
            "X" => Ok(LookupOutcome::Revoked),
            "unknown" => Ok(LookupOutcome::Unknown),
            _ => Err(self.corrupt("a token record has an unknown state")),
        }
    }

    fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> Result<u64, StoreError> {
        self.check_eviction()?;
        match selector {
            RevokeSelector::User(sub) => {
                let set = self.keys.families_of(sub);
                let members: Vec<String> = self.run("revoke", |con, _| {
                    cmd("SMEMBERS").arg(&set).query(con.like())
                })?;
                let tag = Keys::tag(sub);
                let keys: Vec<String> = members
                    .iter()
                    .map(|hex_family| self.keys.family_hex(&tag, hex_family))
                    .collect();
                let cutoff = self.keys.cutoff(sub);
                self.revoke_keys(&cutoff, &keys, "user", true, now)
            }
            RevokeSelector::Family(family) => {
                // The family's subject is not known: find it on every primary.
                let pattern = self.keys.pattern(&format!(":f:{}", hex::encode(family)));
                let mut found = Vec::new();
                self.scan("revoke", &pattern, |_, _, keys| {
                    found.extend(keys);
                    Ok(())
                })?;
                let mut live = 0;
                for (tag, keys) in self.by_tag(found) {
                    let cutoff = self.keys.cutoff_of_tag(&tag);
                    live += self.revoke_keys(&cutoff, &keys, "family", false, now)?;
                }
                Ok(live)
            }
            RevokeSelector::FamilyOf { sub, family } => {
                // Under its subject's keys, a family is only ever the one recorded for it.
                let keys = [self.keys.family(sub, family)];
                let cutoff = self.keys.cutoff(sub);
                self.revoke_keys(&cutoff, &keys, "family", false, now)
            }
            RevokeSelector::All => {
                let pattern = self.keys.pattern(":f:*");
                let mut found = Vec::new();
                self.scan("revoke", &pattern, |_, _, keys| {
                    found.push(keys);
                    Ok(())
                })?;
                let mut live = 0;
                let args = {
                    let mut args = Self::base_args(now);
                    args.extend([
                        "all".to_owned(),
                        "0".to_owned(),
                        now.to_string(),
                        now.to_string(),
                    ]);
                    args
                };
                for batch in found {
                    let groups = self.by_tag(batch);
                    let calls: Vec<Cmd> = groups
                        .iter()
                        .map(|(tag, keys)| {
                            let mut call_keys = vec![self.keys.cutoff_of_tag(tag)];
                            call_keys.extend_from_slice(keys);
                            evalsha(&self.scripts.revoke, &call_keys, &args)
                        })
                        .collect();
                    let replies: Vec<(u64, String)> =
                        self.run("revoke", |con, scripts| scripts.pipeline(con, &calls, true))?;
                    live += replies.iter().map(|(count, _)| count).sum::<u64>();
                }
                Ok(live)
            }
        }
    }

    fn check_access(
        &mut self,
        sub: Option<&str>,
        family: Option<&str>,
        issued_at: Timestamp,
        now: Timestamp,
    ) -> Result<AccessOutcome, StoreError> {
        let query = AccessQuery {
            sub,
            family,
            issued_at,
        };
        self.check_access_many(&[query], now)?
            .pop()
            .ok_or_else(|| self.corrupt("an empty check-access reply"))
    }

    /// One pipeline for all the queries: the family's revocation and keep-until, and the
    /// subject's cut-off. A token without `sub` is looked up under the empty subject, which is
    /// where a session issued without one was recorded.
    fn check_access_many(
        &mut self,
        queries: &[AccessQuery<'_>],
        now: Timestamp,
    ) -> Result<Vec<AccessOutcome>, StoreError> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let mut commands = Vec::with_capacity(queries.len() * 2);
        for query in queries {
            let sub = query.sub.unwrap_or_default();
            let mut family = cmd("HMGET");
            match query.family {
                Some(name) => family.arg(self.keys.family(sub, name)),
                // Nothing to ask: a key that holds no family (the cut-off hash has no `x`).
                None => family.arg(self.keys.cutoff(sub)),
            };
            family.arg("x").arg("k");
            commands.push(family);
            let mut cutoff = cmd("HMGET");
            cutoff.arg(self.keys.cutoff(sub)).arg("at").arg("k");
            commands.push(cutoff);
        }
        let replies: Vec<(Option<String>, Option<String>)> =
            self.run("check access", |con, _| con.pipeline(&commands))?;
        if replies.len() != commands.len() {
            return Err(self.corrupt("a check-access reply of the wrong length"));
        }
        let time = |text: &Option<String>| -> Result<Option<Timestamp>, StoreError> {
            match text {
                None => Ok(None),
                Some(text) => parse_time(text)
                    .map(Some)
                    .ok_or_else(|| self.corrupt("a stored time is not a number")),
            }
        };
        let mut out = Vec::with_capacity(queries.len());
        for (query, pair) in queries.iter().zip(replies.chunks_exact(2)) {
            let [(revoked, keep), (at, until)] = pair else {
                return Err(self.corrupt("a check-access reply of the wrong length"));
            };
            let family = match query.family {
                Some(name) => {
                    let known = if time(revoked)?.is_some_and(|until| model::matters(until, now)) {
                        FamilyRecord::Revoked
                    } else if time(keep)?.is_some_and(|keep| model::matters(keep, now)) {
                        // A family is only ever revoked whole, and then remembered as long as
                        // its longest record: a family that still matters and is not revoked
                        // has a record that is not revoked.
                        FamilyRecord::Unrevoked
                    } else {
                        FamilyRecord::Unknown
                    };
                    Some((name, known))
                }
                None => None,
            };
            let cutoff = match (time(at)?, time(until)?) {
                (Some(at), Some(until)) if model::matters(until, now) => Some(Cutoff { at, until }),
                _ => None,
            };
            out.push(model::access_outcome(
                query.sub,
                family,
                cutoff,
                query.issued_at,
            ));
        }
        Ok(out)
    }

    fn sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        let hashes = self.family_hashes(sub)?;
        let mut sessions = Vec::new();
        for hash in hashes {
            if let Some(summary) = hash.summary(sub, now).map_err(|what| self.corrupt(what))? {
                sessions.push(summary);
            }
        }
        sessions.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
        Ok(sessions)
    }

    fn revoked_sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<RevokedSession>, StoreError> {
        let hashes = self.family_hashes(sub)?;
        let mut revoked = Vec::new();
        for hash in hashes {
            if let Some(session) = hash.revoked(sub, now).map_err(|what| self.corrupt(what))? {
                revoked.push(session);
            }
        }
        revoked.sort_by(|a, b| {
            (a.session.started_at, &a.session.family)
                .cmp(&(b.session.started_at, &b.session.family))
        });
        Ok(revoked)
    }

    fn prune(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        let args = Self::base_args(now);
        let mut batches = Vec::new();
        self.scan("prune", &self.keys.pattern(":f:*"), |_, _, keys| {
            batches.push(keys);
            Ok(())
        })?;
        let mut dropped = 0;
        for batch in batches {
            let calls: Vec<Cmd> = self
                .by_tag(batch)
                .iter()
                .map(|(_, keys)| evalsha(&self.scripts.prune, keys, &args))
                .collect();
            let counts: Vec<u64> =
                self.run("prune", |con, scripts| scripts.pipeline(con, &calls, true))?;
            dropped += counts.iter().sum::<u64>();
        }
        // The subjects' family sets: forget the families Redis has dropped.
        let prefix = self.keys.prefix.clone();
        self.scan("prune", &self.keys.pattern(":u"), |con, _, sets| {
            let reads: Vec<Cmd> = sets
                .iter()
                .map(|set| {
                    let mut command = cmd("SMEMBERS");
                    command.arg(set);
                    command
                })
                .collect();
            let members: Vec<Vec<String>> = con.pipeline(&reads)?;
            let mut checks = Vec::new();
            let mut pairs = Vec::new();
            for (set, members) in sets.iter().zip(members) {
                let Some(tag) = set
                    .strip_prefix(prefix.as_str())
                    .and_then(|rest| rest.strip_suffix(":u"))
                else {
                    continue;
                };
                for member in members {
                    let mut command = cmd("EXISTS");
                    command.arg(format!("{prefix}{tag}:f:{member}"));
                    checks.push(command);
                    pairs.push((set.clone(), member));
                }
            }
            let exists: Vec<bool> = con.pipeline(&checks)?;
            let removals: Vec<Cmd> = pairs
                .into_iter()
                .zip(exists)
                .filter(|(_, exists)| !exists)
                .map(|((set, member), _)| {
                    let mut command = cmd("SREM");
                    command.arg(set).arg(member);
                    command
                })
                .collect();
            con.pipeline::<Value>(&removals)?;
            Ok(())
        })?;
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys {
            prefix: "p*:".to_owned(),
        }
    }

    #[test]
    fn keys_hex_encode_values_inside_one_tag_per_subject() {
        let keys = keys();
        let family = keys.family("a:b{c}*", "F");
        assert_eq!(family, "p*:{s613a627b637d2a}:f:46");
        assert_eq!(keys.families_of("a:b{c}*"), "p*:{s613a627b637d2a}:u");
        assert_eq!(
            keys.cutoff(""),
            "p*:{s}:c",
            "an empty subject still has a tag"
        );
        assert_eq!(keys.tag_of(&family), Some("{s613a627b637d2a}"));
        assert_eq!(keys.tag_of("other:{s61}:f:46"), None);
    }

    #[test]
    fn scan_patterns_escape_the_prefix() {
        assert_eq!(keys().pattern(":f:*"), "p\\*:{s*}:f:*");
    }

    #[test]
    fn token_fields_parse_each_state_and_refuse_the_rest() {
        let active = TokenFields::parse("A|1|2|3||").expect("active");
        assert_eq!(active.state, State::Active);
        let rotated = TokenFields::parse("R|1|2|3|4|6e").expect("rotated");
        assert_eq!(
            rotated.state,
            State::Rotated {
                at: 4,
                successor: "6e".to_owned()
            }
        );
        assert!(TokenFields::parse("X|1|2|3|4|").is_some());
        for bad in ["", "A|1|2|3|", "Q|1|2|3||", "A|x|2|3||", "A|1|2|3|||"] {
            assert!(TokenFields::parse(bad).is_none(), "{bad:?}");
        }
    }
}
