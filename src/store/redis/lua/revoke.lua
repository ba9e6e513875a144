-- KEYS: the subject's cut-off hash, then family hashes of that subject. ARGV: now, max TTL, the
-- reason (`family`, `user`, `all`), whether to record a cut-off (`1`/`0`), the least cut-off
-- retention (now + MIN_CUTOFF_RETENTION), the latest keep-until of families revoked by earlier
-- calls of the same revocation. Returns how many families were live, and the latest keep-until.
local reason, cut = ARGV[3], ARGV[4]
local live, keep = 0, ARGV[6]
for i = 2, #KEYS do
  local l, k = revoke_family(KEYS[i], reason)
  if type(l) == 'table' then return l end
  live = live + l
  keep = later(keep, k)
end
if cut == '1' then
  local c = KEYS[1]
  local old = redis.call('HMGET', c, 'at', 'k')
  local at = NOW
  local until_ = later(ARGV[5], keep)
  if old[1] then at = later(old[1], NOW) end
  if old[2] then until_ = later(old[2], until_) end
  redis.call('HSET', c, 'at', at, 'k', until_)
  redis.call('EXPIRE', c, ttl(until_))
end
return { live, keep }
