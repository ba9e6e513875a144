-- ARGV: prefix, max TTL, now, then eleven values per token (see push_token). All or nothing:
-- every check runs before any write. Then drops up to a few index entries of families Redis has
-- already expired.
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
