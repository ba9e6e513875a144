-- Helpers every script starts with (Scripts::new puts this file in front of each one).
-- ARGV[1] is always the caller's now, ARGV[2] the longest TTL ever set. Every key a script
-- touches is in KEYS, and all of them carry one subject's hash tag: one slot, one node.
--
-- A family is one hash. Its summary fields: `s` sub, `f` family id, `b` first iat, `k` latest
-- keep-until of a record, `c` hex jti of the current token, `r` last rotation, `l` label, and once
-- revoked `x` until when it is remembered, `xt` when and `xr` why. Each token of the family is a
-- field `j:<hex jti>` holding `state|iat|exp|access exp|when rotated or revoked|hex successor`,
-- state `A` active, `R` rotated, `X` revoked.
local NOW = ARGV[1]
local MAX_TTL = tonumber(ARGV[2])

-- Timestamps travel as the decimal strings Rust wrote; they are compared as numbers but stored
-- as the original strings, so no value is ever rewritten in Lua's float notation.
local function later(a, b) if tonumber(b) > tonumber(a) then return b end return a end
local function after(a, b) return tonumber(a) > tonumber(b) end
local function ttl(keep)
  local t = math.floor(tonumber(keep) - tonumber(NOW))
  if t < 1 then t = 1 end
  if t > MAX_TTL then t = MAX_TTL end
  return t
end
-- Lengthens a key's TTL to at least t seconds, never shortens it.
local function extend(key, t)
  local current = redis.call('TTL', key)
  if current ~= -2 and current < t then redis.call('EXPIRE', key, t) end
end

local function unpack_token(value)
  if not value then return nil end
  local st, i, e, a, t, n = string.match(value, '^(%u)|(-?%d+)|(-?%d+)|(-?%d+)|(-?%d*)|(%x*)$')
  if not st then return redis.error_reply('JWTCTL a token record is malformed') end
  return { st = st, i = i, e = e, a = a, t = t, n = n }
end
local function pack_token(r)
  return r.st .. '|' .. r.i .. '|' .. r.e .. '|' .. r.a .. '|' .. r.t .. '|' .. r.n
end
local function token_field(hj) return 'j:' .. hj end

-- Whether a family still has a record that matters, or is remembered as revoked, at NOW. Redis
-- may not have dropped a dead one yet when the caller's clock runs ahead of the server's.
local function live_family(key)
  local m = redis.call('HMGET', key, 'k', 'x')
  return (m[1] and after(m[1], NOW)) or (m[2] and after(m[2], NOW)) or false
end

-- Reads a token from ARGV[b], in the order Rust's push_token writes it: hex jti, sub, family,
-- hex family, iat, exp, access exp, has label, label.
local TOKEN_ARGS = 9
local function token_at(b)
  return {
    hj = ARGV[b], sub = ARGV[b + 1], fam = ARGV[b + 2], hf = ARGV[b + 3],
    iat = ARGV[b + 4], exp = ARGV[b + 5], aexp = ARGV[b + 6],
    has_label = ARGV[b + 7], label = ARGV[b + 8],
  }
end

-- Writes many fields of a hash in bounded steps (Lua's unpack has a stack limit).
local function hset_all(key, fields)
  for i = 1, #fields, 200 do
    redis.call('HSET', key, unpack(fields, i, math.min(i + 199, #fields)))
  end
end

-- Revokes every token of the family at `key` and, while one of them still matters, remembers the
-- family as revoked (why: `reason`). Returns 1 if the family had a live active token, and until
-- when it is remembered.
local function revoke_family(key, reason)
  local all = redis.call('HGETALL', key)
  local live, keep = 0, NOW
  local changes = {}
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == 'j:' then
      local r = unpack_token(all[i + 1])
      if r.err then return r end
      if r.st == 'A' and after(r.e, NOW) then live = 1 end
      keep = later(keep, later(r.e, r.a))
      if r.st ~= 'X' then
        r.st, r.t, r.n = 'X', NOW, ''
        changes[#changes + 1] = all[i]
        changes[#changes + 1] = pack_token(r)
      end
    end
  end
  if #changes > 0 then hset_all(key, changes) end
  local old = redis.call('HMGET', key, 'x', 'xt')
  if old[1] then keep = later(old[1], keep) end
  if after(keep, NOW) then
    if old[2] and old[1] and after(old[1], NOW) then
      redis.call('HSET', key, 'x', keep)
    else
      redis.call('HSET', key, 'x', keep, 'xt', NOW, 'xr', reason)
    end
    redis.call('EXPIRE', key, ttl(keep))
  end
  return live, keep
end
