-- Read-only. ARGV: prefix, max TTL, now, has sub, hex sub, sub. Returns seven strings per live
-- family: sub, family, has label, label, started at, expires at, last rotated (empty if never).
local now, has_sub, hs, sub = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local families
if has_sub == '1' then
  families = redis.call('SMEMBERS', user_key(hs))
else
  families = redis.call('HKEYS', INDEX)
end
local out = {}
for _, hf in ipairs(families) do
  local m = redis.call('HMGET', meta_key(hf), 's', 'f', 'b', 'c', 'r')
  if m[1] and m[4] and (has_sub ~= '1' or m[1] == sub) then
    local r = redis.call('HMGET', tok_key(m[4]), 'st', 'e', 'l', 'f')
    if r[1] == 'A' and r[4] == m[2] and after(r[2], now) then
      local has_label, label = '0', ''
      if r[3] then has_label, label = '1', r[3] end
      local n = #out
      out[n + 1] = m[1]
      out[n + 2] = m[2]
      out[n + 3] = has_label
      out[n + 4] = label
      out[n + 5] = m[3]
      out[n + 6] = r[2]
      out[n + 7] = m[5] or ''
    end
  end
end
return out
