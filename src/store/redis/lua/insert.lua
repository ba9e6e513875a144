-- KEYS: the subject's family set, then one family hash per token, in order (all one subject).
-- ARGV: now, max TTL, then TOKEN_ARGS values per token. All or nothing: every check runs before
-- any write. Returns how many sessions it recorded.
local count = (#ARGV - 2) / TOKEN_ARGS
local families, jtis = {}, {}
for i = 1, count do
  local t = token_at(3 + (i - 1) * TOKEN_ARGS)
  local key = KEYS[i + 1]
  if jtis[t.hj] then
    return redis.error_reply('JWTCTL a token of this batch is already recorded; nothing was written')
  end
  if families[key] or live_family(key) then
    return redis.error_reply('JWTCTL a session family of this batch already exists; nothing was written')
  end
  jtis[t.hj], families[key] = true, true
end
local set = KEYS[1]
for i = 1, count do
  local t = token_at(3 + (i - 1) * TOKEN_ARGS)
  local key = KEYS[i + 1]
  local keep = later(t.exp, t.aexp)
  redis.call('DEL', key)
  redis.call('HSET', key, 's', t.sub, 'f', t.fam, 'b', t.iat, 'k', keep, 'c', t.hj,
    token_field(t.hj), pack_token({ st = 'A', i = t.iat, e = t.exp, a = t.aexp, t = '', n = '' }))
  if t.has_label == '1' then redis.call('HSET', key, 'l', t.label) end
  local seconds = ttl(keep)
  redis.call('EXPIRE', key, seconds)
  redis.call('SADD', set, t.hf)
  extend(set, seconds)
end
return count
