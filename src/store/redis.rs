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
//! Every operation that changes something is one Lua script (sent with `EVALSHA`, loaded on
//! `NOSCRIPT`), so it is one atomic step on the server: two machines rotating the same token at the
//! same instant get one `Rotated` and one `ReuseDetected`. `lookup` is one `HMGET`; `check_access`
//! and `sessions` are read-only scripts, so each sees one consistent state. Scripts build some
//! key names themselves from set members, so the store needs a single Redis server (or a primary
//! with replicas), not a cluster.

use std::time::{Duration, Instant};

use ::redis::{Client, Connection, IntoConnectionInfo, RedisError, Script, cmd};

use super::*;

/// The longest TTL ever set, about a hundred years, so absurd expiries cannot overflow Redis.
const MAX_TTL_SECONDS: i64 = 3_153_600_000;

/// The error code of the scripts' own refusals (`redis.error_reply('JWTCTL …')`).
const SCRIPT_ERROR: &str = "JWTCTL";

/// Helpers every script starts with. `ARGV[1]` is always the key prefix.
const PRELUDE: &str = r#"
local P = ARGV[1]
local MAX_TTL = tonumber(ARGV[2])
-- Key names take the hex encoding of a value, computed by the caller or read from a set.
local function tok_key(h) return P .. 'tok:' .. h end
local function fam_key(h) return P .. 'fam:' .. h end
local function meta_key(h) return P .. 'meta:' .. h end
local function user_key(h) return P .. 'user:' .. h end
local function rev_key(h) return P .. 'rev:' .. h end
local function cut_key(h) return P .. 'cut:' .. h end
local INDEX = P .. 'families'

-- Timestamps travel as the decimal strings Rust wrote; they are compared as numbers but stored
-- as the original strings, so no value is ever rewritten in Lua's float notation.
local function later(a, b) if tonumber(b) > tonumber(a) then return b end return a end
local function after(a, b) return tonumber(a) > tonumber(b) end
local function ttl(keep, now)
  local t = math.floor(tonumber(keep) - tonumber(now))
  if t < 1 then t = 1 end
  if t > MAX_TTL then t = MAX_TTL end
  return t
end
-- Lengthens a key's TTL to at least t seconds, never shortens it.
local function extend(key, t)
  local current = redis.call('TTL', key)
  if current ~= -2 and current < t then redis.call('EXPIRE', key, t) end
end

-- Whether a token record still matters at `now` (its refresh or access token has not expired).
-- Redis may not have dropped a dead one yet when the caller's clock runs ahead of the server's.
local function live_token(hj, now)
  local r = redis.call('HMGET', tok_key(hj), 'e', 'a')
  return r[1] ~= false and after(later(r[1], r[2]), now)
end

-- Whether a family still has a record that matters, or is remembered as revoked, at `now`.
local function live_family(hf, now)
  local keep = redis.call('HGET', meta_key(hf), 'k')
  if keep and after(keep, now) then return true end
  local until_ = redis.call('GET', rev_key(hf))
  return until_ ~= false and after(until_, now)
end

-- Records a new active token and indexes it. A new family starts a fresh summary (first iat,
-- no rotation); a rotation (`rotated` is its time) updates the family's, which so outlives the
-- pruning of the family's first tokens.
local function put(t, now, rotated)
  local k = tok_key(t.hj)
  redis.call('DEL', k)
  if t.has_label == '1' then
    redis.call('HSET', k, 's', t.sub, 'f', t.fam, 'i', t.iat, 'e', t.exp, 'a', t.aexp, 'st', 'A',
      'l', t.label)
  else
    redis.call('HSET', k, 's', t.sub, 'f', t.fam, 'i', t.iat, 'e', t.exp, 'a', t.aexp, 'st', 'A')
  end
  local keep = later(t.exp, t.aexp)
  local seconds = ttl(keep, now)
  redis.call('EXPIRE', k, seconds)
  local f, m = fam_key(t.hf), meta_key(t.hf)
  if rotated then
    local old = redis.call('HMGET', m, 'k', 'r', 's')
    if old[1] then keep = later(old[1], keep) end
    if old[2] then rotated = later(old[2], rotated) end
    if not old[3] then redis.call('HSET', m, 's', t.sub, 'f', t.fam, 'b', t.iat) end
    redis.call('HSET', m, 'k', keep, 'c', t.hj, 'r', rotated)
  else
    redis.call('DEL', f, m)
    redis.call('HSET', m, 's', t.sub, 'f', t.fam, 'b', t.iat, 'k', keep, 'c', t.hj)
  end
  extend(m, seconds)
  redis.call('SADD', f, t.hj)
  extend(f, seconds)
  local u = user_key(t.hs)
  redis.call('SADD', u, t.hf)
  extend(u, seconds)
  redis.call('HSET', INDEX, t.hf, t.hs)
  extend(INDEX, seconds)
end

-- Reads a token from ARGV[b], in the order Rust's push_token writes it.
local function token_at(b)
  return {
    jti = ARGV[b], sub = ARGV[b + 1], fam = ARGV[b + 2],
    hj = ARGV[b + 3], hs = ARGV[b + 4], hf = ARGV[b + 5],
    iat = ARGV[b + 6], exp = ARGV[b + 7], aexp = ARGV[b + 8],
    has_label = ARGV[b + 9], label = ARGV[b + 10],
  }
end
local TOKEN_ARGS = 11

-- Revokes every record of a family and, while one of them still matters, remembers the family
-- as revoked. Returns 1 if the family had a live active token, and until when it is remembered.
local function revoke_family(hf, now)
  local f = fam_key(hf)
  local fam = redis.call('HGET', meta_key(hf), 'f')
  local live = 0
  local keep = now
  for _, hj in ipairs(redis.call('SMEMBERS', f)) do
    local k = tok_key(hj)
    local r = redis.call('HMGET', k, 'st', 'e', 'a', 'f')
    if r[1] and r[4] == fam then
      if r[1] == 'A' and after(r[2], now) then live = 1 end
      keep = later(keep, later(r[2], r[3]))
      if r[1] ~= 'X' then
        redis.call('HSET', k, 'st', 'X', 't', now)
        redis.call('HDEL', k, 'n')
      end
    else
      -- Dropped by Redis, or its jti was recorded again after it died.
      redis.call('SREM', f, hj)
    end
  end
  local rk = rev_key(hf)
  local old = redis.call('GET', rk)
  if old then keep = later(old, keep) end
  if after(keep, now) then redis.call('SET', rk, keep, 'EX', ttl(keep, now)) end
  return live, keep
end
"#;

/// `ARGV`: prefix, max TTL, now, then eleven values per token (see [`push_token`]). All or
/// nothing: every check runs before any write. Then drops up to a few index entries of families
/// Redis has already expired.
const INSERT: &str = r#"
local now = ARGV[3]
local count = (#ARGV - 3) / TOKEN_ARGS
local tokens, jtis, families = {}, {}, {}
for i = 0, count - 1 do
  local t = token_at(4 + i * TOKEN_ARGS)
  if jtis[t.hj] or live_token(t.hj, now) then
    return redis.error_reply('JWTCTL a token of this batch is already recorded; nothing was written')
  end
  if families[t.hf] or live_family(t.hf, now) then
    return redis.error_reply('JWTCTL a session family of this batch already exists; nothing was written')
  end
  jtis[t.hj], families[t.hf] = true, true
  tokens[i + 1] = t
end
for _, t in ipairs(tokens) do put(t, now, nil) end
-- A few steps of a sweep over the index, so families Redis has expired do not pile up in it
-- between prunes.
local SWEEP = P .. 'sweep'
local scan = redis.call('HSCAN', INDEX, redis.call('GET', SWEEP) or '0', 'COUNT', 16)
local entries = scan[2]
for i = 1, #entries, 2 do
  if redis.call('EXISTS', meta_key(entries[i])) == 0 then
    redis.call('HDEL', INDEX, entries[i])
    redis.call('SREM', user_key(entries[i + 1]), entries[i])
  end
end
local left = redis.call('TTL', INDEX)
if left > 0 then redis.call('SET', SWEEP, scan[1], 'EX', left) end
return count
"#;

/// `ARGV`: prefix, max TTL, now, jti, sub, family, their hex encodings, then the successor
/// (see [`push_token`]). Returns `rotated`, `reuse`, `revoked` or `unknown`.
const ROTATE: &str = r#"
local now, jti, sub, fam, hj, hs, hf = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local k = tok_key(hj)
local r = redis.call('HMGET', k, 's', 'f', 'st', 'e', 'a')
if not r[1] or r[1] ~= sub or r[2] ~= fam or not after(later(r[4], r[5]), now) then
  return 'unknown'
end
if r[3] == 'X' then return 'revoked' end
if r[3] == 'R' then
  revoke_family(hf, now)
  return 'reuse'
end
if r[3] ~= 'A' then return redis.error_reply('JWTCTL token record has an unknown state') end
local succ = token_at(10)
if succ.sub ~= sub or succ.fam ~= fam then
  return redis.error_reply('JWTCTL the successor must belong to the same subject and family; nothing was written')
end
if live_token(succ.hj, now) then
  return redis.error_reply('JWTCTL the successor token is already recorded; nothing was written')
end
redis.call('HSET', k, 'st', 'R', 't', now, 'n', succ.jti)
put(succ, now, now)
return 'rotated'
"#;

/// `ARGV`: prefix, max TTL, now, mode (`user`, `family`, `all`), hex of the sub or family, the
/// sub, the least cut-off retention (now + MIN_CUTOFF_RETENTION). Returns how many live families
/// were revoked.
const REVOKE: &str = r#"
local now, mode, hv = ARGV[3], ARGV[4], ARGV[5]
local count = 0
if mode == 'family' then
  count = revoke_family(hv, now)
elseif mode == 'user' then
  local sub, keep = ARGV[6], ARGV[7]
  for _, hf in ipairs(redis.call('SMEMBERS', user_key(hv))) do
    if redis.call('HGET', meta_key(hf), 's') == sub then
      local live, family_keep = revoke_family(hf, now)
      count = count + live
      keep = later(keep, family_keep)
    end
  end
  local c = cut_key(hv)
  local old = redis.call('HMGET', c, 'at', 'k')
  local at = now
  if old[1] then at = later(old[1], now) end
  if old[2] then keep = later(old[2], keep) end
  redis.call('HSET', c, 'at', at, 'k', keep)
  redis.call('EXPIRE', c, ttl(keep, now))
elseif mode == 'all' then
  for _, hf in ipairs(redis.call('HKEYS', INDEX)) do
    if redis.call('EXISTS', meta_key(hf)) == 1 then
      count = count + revoke_family(hf, now)
    else
      redis.call('HDEL', INDEX, hf)
    end
  end
else
  return redis.error_reply('JWTCTL unknown revoke mode')
end
return count
"#;

/// Read-only. `ARGV`: prefix, max TTL, now, then five per access token: has family, hex family,
/// has sub, hex sub, issued at. Returns two strings per token, in order: `allowed` or `family`
/// and an empty string, or `cut` and the cut-off time. One call answers a whole chunk of
/// `verify --batch`.
const CHECK_ACCESS: &str = r#"
local now = ARGV[3]
local out = {}
for i = 4, #ARGV, 5 do
  local verdict, at, decided = 'allowed', '', false
  if ARGV[i] == '1' then
    local hf = ARGV[i + 1]
    local until_ = redis.call('GET', rev_key(hf))
    if until_ and after(until_, now) then
      verdict, decided = 'family', true
    else
      -- A family is only ever revoked whole, and then remembered as long as its longest record:
      -- past this point, any record of it that still matters is not revoked.
      local keep = redis.call('HGET', meta_key(hf), 'k')
      if keep and after(keep, now) then decided = true end
    end
  end
  if not decided and ARGV[i + 2] == '1' then
    local c = redis.call('HMGET', cut_key(ARGV[i + 3]), 'at', 'k')
    if c[1] and c[2] and after(c[2], now) and not after(ARGV[i + 4], c[1]) then
      verdict, at = 'cut', c[1]
    end
  end
  out[#out + 1] = verdict
  out[#out + 1] = at
end
return out
"#;

/// Read-only. `ARGV`: prefix, max TTL, now, has sub, hex sub, sub. Returns seven strings per
/// live family: sub, family, has label, label, started at, expires at, last rotated (empty if
/// never).
const SESSIONS: &str = r#"
local now, has_sub, hs, sub = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local families
if has_sub == '1' then
  families = redis.call('SMEMBERS', user_key(hs))
else
  families = redis.call('HKEYS', INDEX)
end
local out = {}
for _, hf in ipairs(families) do
  local m = redis.call('HMGET', meta_key(hf), 's', 'f', 'b', 'c', 'r')
  if m[1] and m[4] and (has_sub ~= '1' or m[1] == sub) then
    local r = redis.call('HMGET', tok_key(m[4]), 'st', 'e', 'l', 'f')
    if r[1] == 'A' and r[4] == m[2] and after(r[2], now) then
      local has_label, label = '0', ''
      if r[3] then has_label, label = '1', r[3] end
      local n = #out
      out[n + 1] = m[1]
      out[n + 2] = m[2]
      out[n + 3] = has_label
      out[n + 4] = label
      out[n + 5] = m[3]
      out[n + 6] = r[2]
      out[n + 7] = m[5] or ''
    end
  end
end
return out
"#;

/// `ARGV`: prefix, max TTL, now. Deletes the token records that no longer matter at `now` (the
/// ones Redis has not dropped yet because the caller's clock runs ahead of the server's), and
/// the families left without a record. Returns how many records it deleted. Revocation markers
/// and cut-offs past their time are already ignored, and left to Redis to drop.
const PRUNE: &str = r#"
local now = ARGV[3]
local dropped = 0
local index = redis.call('HGETALL', INDEX)
for i = 1, #index, 2 do
  local hf, hs = index[i], index[i + 1]
  local f = fam_key(hf)
  local fam = redis.call('HGET', meta_key(hf), 'f')
  for _, hj in ipairs(redis.call('SMEMBERS', f)) do
    local k = tok_key(hj)
    local r = redis.call('HMGET', k, 'e', 'a', 'f')
    if not r[1] or r[3] ~= fam then
      redis.call('SREM', f, hj)
    elseif not after(later(r[1], r[2]), now) then
      redis.call('DEL', k)
      redis.call('SREM', f, hj)
      dropped = dropped + 1
    end
  end
  if redis.call('SCARD', f) == 0 then
    redis.call('DEL', f, meta_key(hf))
    redis.call('HDEL', INDEX, hf)
    redis.call('SREM', user_key(hs), hf)
  end
end
return dropped
"#;

/// The store's scripts, hashed once.
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
            insert: build(INSERT),
            rotate: build(ROTATE),
            revoke: build(REVOKE),
            check_access: build(CHECK_ACCESS),
            sessions: build(SESSIONS),
            prune: build(PRUNE),
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
        let timeout = self.full_timeout();
        let started = Instant::now();
        let left = || {
            Some(
                timeout
                    .saturating_sub(started.elapsed())
                    .max(Duration::from_millis(1)),
            )
        };
        let mut connection = self.client.get_connection_with_timeout(timeout)?;
        connection.set_read_timeout(left())?;
        connection.set_write_timeout(left())?;
        if self.db != 0 {
            cmd("SELECT").arg(self.db).query::<()>(&mut connection)?;
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
        op: impl FnOnce(&mut Connection, &Scripts) -> Result<T, RedisError>,
    ) -> Result<T, StoreError> {
        let (mut connection, fresh) = match self.connection.take() {
            Some(connection) => (connection, false),
            None => (
                self.open_connection()
                    .map_err(|err| self.error("cannot connect", &err))?,
                true,
            ),
        };
        let result = op(&mut connection, &self.scripts);
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

/// The parts of a URL that must never be shown: the password of `user:password@` and the value
/// of a `pass=` or `password=` query parameter, as typed.
fn url_secrets(url: &str) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, rest)) = url.split_once("://")
        && let Some(at) = rest.rfind('@')
        && let Some((_, password)) = rest[..at].split_once(':')
        && !password.is_empty()
    {
        secrets.push(password.to_owned());
    }
    for (start, end) in query_secret_spans(url) {
        if end > start {
            secrets.push(url[start..end].to_owned());
        }
    }
    secrets
}

/// Replaces every secret in `message` with `***`.
fn scrub(message: &str, secrets: &[String]) -> String {
    let mut message = message.to_owned();
    for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
        message = message.replace(secret.as_str(), "***");
    }
    message
}

/// Query parameters that carry a password (`redis+unix:///path?pass=…`).
const SECRET_PARAMS: [&str; 2] = ["pass=", "password="];
/// Query parameters the Redis URL parser knows; a secret value ends where one of them starts.
const KNOWN_PARAMS: [&str; 5] = ["db=", "user=", "protocol=", "pass=", "password="];

/// Byte ranges of the values of password query parameters. A value runs to the next `&` that
/// starts a known parameter, or to the end, so a password holding `&` or `#` is hidden whole.
fn query_secret_spans(url: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = url.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'?' | b'&')
            && let Some(param) = SECRET_PARAMS
                .iter()
                .find(|param| url[i + 1..].starts_with(*param))
        {
            let start = i + 1 + param.len();
            let mut end = url.len();
            let mut j = start;
            while let Some(offset) = url[j..].find('&') {
                let amp = j + offset;
                if KNOWN_PARAMS
                    .iter()
                    .any(|known| url[amp + 1..].starts_with(known))
                {
                    end = amp;
                    break;
                }
                j = amp + 1;
            }
            spans.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    spans
}

/// `url` with its password replaced by `***`, for messages. Conservative: in a malformed URL it
/// may hide more than the password, never less.
pub fn redact_url(url: &str) -> String {
    const MASK: &str = "***";
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL: it may be anything, a password included.
        return "(unparsable URL)".to_owned();
    };
    let mut redacted = format!("{scheme}://");
    // The credentials end at the last `@`: a password may hold an unescaped `@`, `/` or `?`.
    let rest = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    redacted.push_str(user);
                    redacted.push(':');
                    redacted.push_str(MASK);
                }
                None => redacted.push_str(userinfo),
            }
            redacted.push('@');
            &rest[at + 1..]
        }
        None => rest,
    };
    redacted.push_str(rest);
    let spans = query_secret_spans(&redacted);
    for (start, end) in spans.into_iter().rev() {
        redacted.replace_range(start..end, MASK);
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_the_password_of_the_userinfo() {
        assert_eq!(
            redact_url("redis://alice:s3cret@db.example:6380/2"),
            "redis://alice:***@db.example:6380/2"
        );
        assert_eq!(
            redact_url("redis://:s3cret@127.0.0.1"),
            "redis://:***@127.0.0.1"
        );
        assert_eq!(
            redact_url("rediss://u:p%40ss@h:6379/0#insecure"),
            "rediss://u:***@h:6379/0#insecure"
        );
    }

    #[test]
    fn redact_url_keeps_urls_without_a_password() {
        for url in [
            "redis://127.0.0.1:6379/0",
            "redis://alice@127.0.0.1:6379",
            "redis+unix:///run/redis@1/redis.sock?db=3",
            "unix:///tmp/r.sock",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn redact_url_hides_unescaped_special_characters_in_the_password() {
        let redacted = redact_url("redis://bob:pa@ss/wo?rd#x@10.0.0.1:6379/1");
        assert_eq!(redacted, "redis://bob:***@10.0.0.1:6379/1");
        let redacted = redact_url("redis://:a:b:c@h");
        assert_eq!(redacted, "redis://:***@h");
    }

    #[test]
    fn redact_url_hides_query_passwords() {
        assert_eq!(
            redact_url("redis+unix:///tmp/r.sock?db=1&pass=s3cret&user=bob"),
            "redis+unix:///tmp/r.sock?db=1&pass=***&user=bob"
        );
        assert_eq!(
            redact_url("unix:///tmp/r.sock?pass=a&b#c"),
            "unix:///tmp/r.sock?pass=***"
        );
        assert_eq!(
            redact_url("redis+unix:///tmp/r.sock?password=x&db=2"),
            "redis+unix:///tmp/r.sock?password=***&db=2"
        );
        // An `@` in the query does not make the password visible.
        let redacted = redact_url("redis+unix:///tmp/r.sock?user=a@b&pass=s3cret");
        assert!(!redacted.contains("s3cret"), "{redacted}");
    }

    #[test]
    fn redact_url_refuses_what_is_not_a_url() {
        assert_eq!(redact_url("s3cret"), "(unparsable URL)");
        assert_eq!(redact_url(""), "(unparsable URL)");
    }

    #[test]
    fn url_secrets_finds_both_places() {
        assert_eq!(url_secrets("redis://u:pw@h"), vec!["pw".to_owned()]);
        assert_eq!(url_secrets("unix:///s?pass=pw&db=1"), vec!["pw".to_owned()]);
        assert!(url_secrets("redis://h:6379").is_empty());
    }

    #[test]
    fn scrub_removes_secrets_from_messages() {
        let secrets = vec!["hunter2".to_owned(), String::new()];
        assert_eq!(scrub("AUTH hunter2 failed", &secrets), "AUTH *** failed");
    }

    #[test]
    fn keys_hex_encode_values() {
        let prefix = "p:";
        let key = format!("{prefix}user:{}", hex::encode("a:b{c}*"));
        assert_eq!(key, "p:user:613a627b637d2a");
    }
}
