-- ARGV: prefix, max TTL, now, mode (`user`, `family`, `all`), hex of the sub or family, the sub,
-- the least cut-off retention (now + MIN_CUTOFF_RETENTION); for mode `family_of`, the hex family
-- and the hex sub it must have been recorded for. Returns how many live families were revoked.
local now, mode, hv = ARGV[3], ARGV[4], ARGV[5]
local count = 0
if mode == 'family' then
  count = revoke_family(hv, now)
elseif mode == 'family_of' then
  if redis.call('SISMEMBER', user_key(ARGV[6]), hv) == 1 then
    count = revoke_family(hv, now)
  end
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
