-- ARGV: prefix, max TTL, now, jti, sub, family, their hex encodings, then the successor (see
-- push_token). Returns `rotated`, `reuse`, `revoked` or `unknown`.
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
