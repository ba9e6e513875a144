-- KEYS: the family hash, the subject's family set. ARGV: now, max TTL, hex jti, sub, family, the
-- expiry of an access token minted for that refresh token without rotating it. Returns the
-- token's state (`A`, `R`, `X`) or `unknown`; an active token's access expiry, and with it how
-- long the family is kept, become at least the given one.
local key, set = KEYS[1], KEYS[2]
local hj, sub, fam, aexp = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local m = redis.call('HMGET', key, 's', 'f', 'k', token_field(hj))
local r = unpack_token(m[4])
if r and r.err then return r end
if not r or m[1] ~= sub or m[2] ~= fam or not after(later(r.e, r.a), NOW) then
  return 'unknown'
end
if r.st == 'A' and after(aexp, r.a) then
  r.a = aexp
  local keep = later(m[3] or NOW, aexp)
  redis.call('HSET', key, token_field(hj), pack_token(r), 'k', keep)
  extend(key, ttl(keep))
  extend(set, ttl(keep))
end
return r.st
