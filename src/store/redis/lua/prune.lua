-- ARGV: prefix, max TTL, now. Deletes the token records that no longer matter at `now` (the ones
-- Redis has not dropped yet because the caller's clock runs ahead of the server's), and the
-- families left without a record. Returns how many records it deleted. Revocation markers and
-- cut-offs past their time are already ignored, and left to Redis to drop.
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
