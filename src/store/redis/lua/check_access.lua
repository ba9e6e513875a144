-- Read-only. ARGV: prefix, max TTL, now, then five per access token: has family, hex family,
-- has sub, hex sub, issued at. Returns two strings per token, in order: `allowed` or `family` and
-- an empty string, or `cut` and the cut-off time. One call answers a whole chunk of
-- `verify --batch`.
local now = ARGV[3]
local out = {}
for i = 4, #ARGV, 5 do
  local verdict, at, decided = 'allowed', '', false
  if ARGV[i] == '1' then
    local hf = ARGV[i + 1]
    local until_ = redis.call('GET', rev_key(hf))
    if until_ and after(until_, now) then
      verdict, decided = 'family', true
    else
      -- A family is only ever revoked whole, and then remembered as long as its longest record:
      -- past this point, any record of it that still matters is not revoked. It is honoured
      -- only for the subject it was recorded for.
      local keep = redis.call('HGET', meta_key(hf), 'k')
      if keep and after(keep, now) and ARGV[i + 2] == '1'
        and redis.call('SISMEMBER', user_key(ARGV[i + 3]), hf) == 1 then
        decided = true
      end
    end
  end
  if not decided and ARGV[i + 2] == '1' then
    local c = redis.call('HMGET', cut_key(ARGV[i + 3]), 'at', 'k')
    if c[1] and c[2] and after(c[2], now) and not after(ARGV[i + 4], c[1]) then
      verdict, at = 'cut', c[1]
    end
  end
  out[#out + 1] = verdict
  out[#out + 1] = at
end
return out
