-- Helpers every script starts with (concatenated in front of each script by Scripts::new).
-- ARGV[1] is always the key prefix, ARGV[2] the longest TTL ever set, ARGV[3] the caller's now.
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
