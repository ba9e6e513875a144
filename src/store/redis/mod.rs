//! The Redis store: one Redis server shared by every machine that issues and refreshes tokens.
//!
//! # Key layout
//!
//! Every key starts with the configured prefix (`jwtctl:` by default). Values taken from tokens
//! (`jti`, `sub`, the family id) are hex-encoded in key names, so a `sub` holding `:`, `*` or `{`
//! can never reach another key's namespace (SECURITY.md case 21).
//!
//! | key | type | holds | expires |
//! |---|---|---|---|
//! | `tok:<hex jti>` | hash | one [`TokenRecord`]: `s` sub, `f` family, `i` iat, `e` exp, `a` access exp, `l` label (absent for none), `st` state (`A` active, `R` rotated, `X` revoked), `t` when rotated or revoked, `n` successor | at max(`e`, `a`) |
//! | `fam:<hex family>` | set | the hex `jti`s of the family | with its last record |
//! | `meta:<hex family>` | hash | `s` sub, `f` family, `b` first iat, `k` latest expiry of a record, `c` hex `jti` of the current token, `r` last rotation | with its last record |
//! | `user:<hex sub>` | set | the hex families of a subject | with its last record |
//! | `families` | hash | every hex family, mapped to its hex subject (revoke all, sessions, prune) | with the last record |
//! | `rev:<hex family>` | string | a revoked family, until when it is remembered | then |
//! | `cut:<hex sub>` | hash | a user cut-off: `at`, and `k` until when it is remembered | then |
//! | `sweep` | string | where the next insert goes on sweeping `families` for expired entries | with `families` |
//!
//! Sets and the index hold hex-encoded members too, so scripts build key names by concatenation
//! (the caller hex-encodes the values it passes).
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
//! Every operation that changes something is one Lua script (`lua/*.lua`, each run after
//! `lua/prelude.lua`; sent with `EVALSHA`, loaded on `NOSCRIPT`), so it is one atomic step on the server: two machines rotating the same token at the
//! same instant get one `Rotated` and one `ReuseDetected`. `lookup` is one `HMGET`; `check_access`
//! and `sessions` are read-only scripts, so each sees one consistent state. Scripts build some
//! key names themselves from set members, so the store needs a single Redis server (or a primary
//! with replicas), not a cluster.

mod capped;
pub(super) mod url;

use std::time::{Duration, Instant};

use ::redis::{Client, ConnectionLike, IntoConnectionInfo, RedisError, Script, cmd};

use capped::CappedConnection;
pub use capped::MAX_REPLY_BYTES;

use super::*;
use url::{redact_url, scrub, url_secrets};

/// The longest TTL ever set, about a hundred years, so absurd expiries cannot overflow Redis.
const MAX_TTL_SECONDS: i64 = 3_153_600_000;

/// The error code of the scripts' own refusals (`redis.error_reply('JWTCTL …')`).
const SCRIPT_ERROR: &str = "JWTCTL";

/// Helpers every script starts with: key names, time comparisons, `put` and `revoke_family`.
const PRELUDE: &str = include_str!("lua/prelude.lua");

/// The store's scripts, each the prelude followed by its body, hashed once.
struct Scripts {
    insert: Script,
    rotate: Script,
    revoke: Script,
    check_access: Script,
    sessions: Script,
    prune: Script,
}

impl Scripts {
    fn new() -> Self {
        let build = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Scripts {
            insert: build(include_str!("lua/insert.lua")),
            rotate: build(include_str!("lua/rotate.lua")),
            revoke: build(include_str!("lua/revoke.lua")),
            check_access: build(include_str!("lua/check_access.lua")),
            sessions: build(include_str!("lua/sessions.lua")),
            prune: build(include_str!("lua/prune.lua")),
        }
    }
}

/// The connection to the server: the bounded one where it can be used, the crate's otherwise.
enum Connection {
    Capped(CappedConnection),
    Plain(::redis::Connection),
}

impl Connection {
    fn like(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Connection::Capped(connection) => connection,
            Connection::Plain(connection) => connection,
        }
    }

    fn set_read_timeout(&self, timeout: Option<Duration>) -> Result<(), RedisError> {
        match self {
            Connection::Capped(connection) => connection.set_read_timeout(timeout),
            Connection::Plain(connection) => connection.set_read_timeout(timeout),
        }
    }

    fn set_write_timeout(&self, timeout: Option<Duration>) -> Result<(), RedisError> {
        match self {
            Connection::Capped(connection) => connection.set_write_timeout(timeout),
            Connection::Plain(connection) => connection.set_write_timeout(timeout),
        }
    }
}

/// The Redis backend of [`Store`].
pub struct RedisStore {
    client: Client,
    /// `None` after an I/O failure or a timeout, when a reply may still be in flight; the next
    /// call connects again.
    connection: Option<Connection>,
    /// The URL without its password, for messages.
    url: String,
    /// Strings that must never appear in a message: the password as typed and as decoded.
    secrets: Vec<String>,
    prefix: String,
    timeout: Duration,
    /// The database number of the URL, selected by `open_connection` rather than during the
    /// handshake, where its reply would wait a whole timeout of its own.
    db: i64,
    scripts: Scripts,
}

impl std::fmt::Debug for RedisStore {
    /// Shows where the store is, never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("connected", &self.connection.is_some())
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://[user:password@]host:port/db`, `rediss://…`,
    /// `redis+unix:///path?db=N&user=U&pass=P` or `unix:///path`). Connecting and every command are
    /// bounded by `options.timeout`.
    pub fn connect(url: &str, options: &OpenOptions) -> Result<Self, StoreError> {
        let redacted = redact_url(url);
        let mut secrets = url_secrets(url);
        if url.starts_with("rediss://") {
            // rustls needs a process-wide crypto provider; another part of the program may have
            // installed one already, which is fine.
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        }
        let invalid = |err: RedisError| StoreError::Server {
            url: redacted.clone(),
            message: scrub(&format!("invalid Redis URL: {err}"), &secrets),
        };
        let info = url.into_connection_info().map_err(invalid)?;
        // The handshake waits for each of its replies for the whole timeout, so a stalled server
        // held `--store-timeout 1s` for 3 s. It is cut to AUTH: no CLIENT SETINFO (it only names
        // the client library in CLIENT LIST), and SELECT is sent by `open_connection`.
        let db = info.redis_settings().db();
        let settings = info
            .redis_settings()
            .clone()
            .set_skip_set_lib_name()
            .set_db(0);
        let client = Client::open(info.set_redis_settings(settings)).map_err(invalid)?;
        if let Some(password) = client.get_connection_info().redis_settings().password() {
            secrets.push(password.to_owned());
        }
        let mut store = RedisStore {
            client,
            connection: None,
            url: redacted,
            secrets,
            prefix: options.prefix.clone(),
            timeout: options.timeout,
            db,
            scripts: Scripts::new(),
        };
        // Fail now, not at the first command, if the server is down or refuses the credentials.
        store.run("connect", |con, _| cmd("PING").query::<String>(con))?;
        Ok(store)
    }

    /// A new connection whose first command gets what the handshake (connect, AUTH, SELECT) left
    /// of the timeout, so that connecting and the first reply together take at most about the
    /// timeout; `run` gives later commands the whole timeout again.
    fn open_connection(&self) -> Result<Connection, RedisError> {
        let info = self.client.get_connection_info();
        if let Some(connection) = CappedConnection::connect(info, self.full_timeout())? {
            let mut connection = Connection::Capped(connection);
            if self.db != 0 {
                cmd("SELECT").arg(self.db).query::<()>(connection.like())?;
            }
            return Ok(connection);
        }
        let timeout = self.full_timeout();
        let started = Instant::now();
        let left = || {
            Some(
                timeout
                    .saturating_sub(started.elapsed())
                    .max(Duration::from_millis(1)),
            )
        };
        let mut connection = Connection::Plain(self.client.get_connection_with_timeout(timeout)?);
        connection.set_read_timeout(left())?;
        connection.set_write_timeout(left())?;
        if self.db != 0 {
            cmd("SELECT").arg(self.db).query::<()>(connection.like())?;
            connection.set_read_timeout(left())?;
            connection.set_write_timeout(left())?;
        }
        Ok(connection)
    }

    fn full_timeout(&self) -> Duration {
        self.timeout.max(Duration::from_millis(1))
    }

    /// Runs `op` on the connection, connecting first if needed, and turns a failure into a
    /// [`StoreError::Server`] that names `action`.
    fn run<T>(
        &mut self,
        action: &str,
        op: impl FnOnce(&mut dyn ConnectionLike, &Scripts) -> Result<T, RedisError>,
    ) -> Result<T, StoreError> {
        let (mut connection, fresh) = match self.connection.take() {
            Some(connection) => (connection, false),
            None => (
                self.open_connection()
                    .map_err(|err| self.error("cannot connect", &err))?,
                true,
            ),
        };
        let result = op(connection.like(), &self.scripts);
        // After a timeout or a broken pipe a reply may still arrive; never read it as the answer
        // to the next command.
        let broken = result.as_ref().is_err_and(|err| {
            err.is_io_error()
                || err.is_timeout()
                || err.is_connection_dropped()
                || err.is_unrecoverable_error()
        });
        if !broken {
            // A kept connection gets the whole timeout back (its first command had what the
            // handshake left). If that fails, the connection is dropped, not the answer: a
            // rotation that happened must be reported as one.
            let timeout = Some(self.full_timeout());
            let restored = !fresh
                || connection
                    .set_read_timeout(timeout)
                    .and_then(|()| connection.set_write_timeout(timeout))
                    .is_ok();
            if restored {
                self.connection = Some(connection);
            }
        }
        result.map_err(|err| self.error(action, &err))
    }

    fn error(&self, action: &str, err: &RedisError) -> StoreError {
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

    fn key(&self, kind: &str, value: &str) -> String {
        format!("{}{kind}:{}", self.prefix, hex::encode(value))
    }

    /// The arguments every script starts with.
    fn base_args(&self, now: Timestamp) -> Vec<String> {
        vec![
            self.prefix.clone(),
            MAX_TTL_SECONDS.to_string(),
            now.to_string(),
        ]
    }
}

/// Appends a token's eleven fields in the order the scripts' `token_at` reads them: jti, sub,
/// family, the hex encodings of those three (for key names), iat, exp, access exp, has label
/// (`1`/`0`), label.
fn push_token(args: &mut Vec<String>, token: &NewToken) {
    args.push(token.jti.clone());
    args.push(token.sub.clone());
    args.push(token.family.clone());
    args.push(hex::encode(&token.jti));
    args.push(hex::encode(&token.sub));
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

fn flag(value: Option<&str>) -> (&'static str, &str) {
    match value {
        Some(value) => ("1", value),
        None => ("0", ""),
    }
}

impl Store for RedisStore {
    fn insert(&mut self, tokens: &[NewToken], now: Timestamp) -> Result<(), StoreError> {
        if tokens.is_empty() {
            return Ok(());
        }
        let mut args = self.base_args(now);
        for token in tokens {
            push_token(&mut args, token);
        }
        self.run("insert", |con, scripts| {
            scripts.insert.arg(&args).invoke::<i64>(con)
        })?;
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
        let mut args = self.base_args(now);
        args.extend([
            jti.to_owned(),
            sub.to_owned(),
            family.to_owned(),
            hex::encode(jti),
            hex::encode(sub),
            hex::encode(family),
        ]);
        push_token(&mut args, successor);
        let outcome = self.run("rotate", |con, scripts| {
            scripts.rotate.arg(&args).invoke::<String>(con)
        })?;
        match outcome.as_str() {
            "rotated" => Ok(RotateOutcome::Rotated),
            "reuse" => Ok(RotateOutcome::ReuseDetected {
                family: family.to_owned(),
            }),
            "revoked" => Ok(RotateOutcome::Revoked),
            "unknown" => Ok(RotateOutcome::Unknown),
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
        let key = self.key("tok", jti);
        let fields: Vec<Option<String>> = self.run("lookup", |con, _| {
            cmd("HMGET")
                .arg(&key)
                .arg(&["s", "f", "st", "e", "a"])
                .query(con)
        })?;
        let [
            Some(record_sub),
            Some(record_family),
            Some(state),
            Some(expires),
            Some(access_expires),
        ] = <[Option<String>; 5]>::try_from(fields).unwrap_or_default()
        else {
            return Ok(LookupOutcome::Unknown);
        };
        if record_sub != sub || record_family != family {
            return Ok(LookupOutcome::Unknown);
        }
        let time = |text: &str| -> Result<Timestamp, StoreError> {
            text.parse()
                .map_err(|_| self.corrupt("a token expiry is not a number"))
        };
        // Dead once both its tokens expired, even if Redis has not dropped it yet.
        if time(&expires)?.max(time(&access_expires)?) <= now {
            return Ok(LookupOutcome::Unknown);
        }
        match state.as_str() {
            "A" => Ok(LookupOutcome::Active),
            "R" => Ok(LookupOutcome::Rotated),
            "X" => Ok(LookupOutcome::Revoked),
            _ => Err(self.corrupt("a token record has an unknown state")),
        }
    }

    fn revoke(&mut self, selector: &RevokeSelector, now: Timestamp) -> Result<u64, StoreError> {
        let mut args = self.base_args(now);
        let (mode, value) = match selector {
            RevokeSelector::User(sub) => ("user", sub.as_str()),
            RevokeSelector::Family(family) => ("family", family.as_str()),
            RevokeSelector::FamilyOf { sub, family } => {
                args.extend([
                    "family_of".to_owned(),
                    hex::encode(family),
                    hex::encode(sub),
                ]);
                return self.run("revoke", |con, scripts| {
                    scripts.revoke.arg(&args).invoke::<u64>(con)
                });
            }
            RevokeSelector::All => ("all", ""),
        };
        args.extend([
            mode.to_owned(),
            hex::encode(value),
            value.to_owned(),
            now.saturating_add(MIN_CUTOFF_RETENTION).to_string(),
        ]);
        let count = self.run("revoke", |con, scripts| {
            scripts.revoke.arg(&args).invoke::<u64>(con)
        })?;
        Ok(count)
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

    fn check_access_many(
        &mut self,
        queries: &[AccessQuery<'_>],
        now: Timestamp,
    ) -> Result<Vec<AccessOutcome>, StoreError> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = self.base_args(now);
        for query in queries {
            let (has_family, family) = flag(query.family);
            let (has_sub, sub) = flag(query.sub);
            args.extend([
                has_family.to_owned(),
                hex::encode(family),
                has_sub.to_owned(),
                hex::encode(sub),
                query.issued_at.to_string(),
            ]);
        }
        let reply = self.run("check access", |con, scripts| {
            scripts.check_access.arg(&args).invoke::<Vec<String>>(con)
        })?;
        if reply.len() != 2 * queries.len() {
            return Err(self.corrupt("a check-access reply of the wrong length"));
        }
        reply
            .chunks_exact(2)
            .zip(queries)
            .map(
                |(answer, query)| match (answer[0].as_str(), answer[1].as_str()) {
                    ("allowed", _) => Ok(AccessOutcome::Allowed),
                    ("family", _) => Ok(AccessOutcome::FamilyRevoked {
                        family: query.family.unwrap_or_default().to_owned(),
                    }),
                    ("cut", at) => Ok(AccessOutcome::UserCutOff {
                        sub: query.sub.unwrap_or_default().to_owned(),
                        at: at
                            .parse()
                            .map_err(|_| self.corrupt("a cut-off time is not a number"))?,
                    }),
                    _ => Err(self.corrupt("unexpected check-access reply")),
                },
            )
            .collect()
    }

    fn sessions(
        &mut self,
        sub: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        let mut args = self.base_args(now);
        let (has_sub, sub_value) = flag(sub);
        args.extend([
            has_sub.to_owned(),
            hex::encode(sub_value),
            sub_value.to_owned(),
        ]);
        let reply = self.run("list sessions", |con, scripts| {
            scripts.sessions.arg(&args).invoke::<Vec<String>>(con)
        })?;
        let not_a_number = || self.corrupt("a session time is not a number");
        let mut sessions = Vec::with_capacity(reply.len() / 7);
        for row in reply.chunks(7) {
            let [sub, family, has_label, label, started, expires, rotated] = row else {
                return Err(self.corrupt("unexpected sessions reply"));
            };
            sessions.push(SessionSummary {
                sub: sub.clone(),
                family: family.clone(),
                label: (has_label == "1").then(|| label.clone()),
                started_at: started.parse().map_err(|_| not_a_number())?,
                expires_at: expires.parse().map_err(|_| not_a_number())?,
                last_rotated_at: if rotated.is_empty() {
                    None
                } else {
                    Some(rotated.parse().map_err(|_| not_a_number())?)
                },
            });
        }
        sessions.sort_by(|a, b| (a.started_at, &a.family).cmp(&(b.started_at, &b.family)));
        Ok(sessions)
    }

    fn prune(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        let args = self.base_args(now);
        self.run("prune", |con, scripts| {
            scripts.prune.arg(&args).invoke::<u64>(con)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_hex_encode_values() {
        let prefix = "p:";
        let key = format!("{prefix}user:{}", hex::encode("a:b{c}*"));
        assert_eq!(key, "p:user:613a627b637d2a");
    }
}
