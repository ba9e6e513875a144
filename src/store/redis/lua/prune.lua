-- KEYS: family hashes of one subject. ARGV: now, max TTL. Deletes the tokens that no longer
-- matter at now (Redis keeps them while the family lives, or while the caller's clock runs ahead
-- of the server's), and a family left with neither a token nor a revocation to remember. Returns
-- how many token records it deleted.
local dropped = 0
for i = 1, #KEYS do
  local key = KEYS[i]
  local all = redis.call('HGETALL', key)
  local dead, left = {}, 0
  for j = 1, #all, 2 do
    if string.sub(all[j], 1, 2) == 'j:' then
      local r = unpack_token(all[j + 1])
      if r.err then return r end
      if after(later(r.e, r.a), NOW) then left = left + 1 else dead[#dead + 1] = all[j] end
    end
  end
  for j = 1, #dead, 200 do
    redis.call('HDEL', key, unpack(dead, j, math.min(j + 199, #dead)))
  end
  dropped = dropped + #dead
  local x = redis.call('HGET', key, 'x')
  if #all > 0 and left == 0 and not (x and after(x, NOW)) then redis.call('DEL', key) end
end
return dropped
