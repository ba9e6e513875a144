-- KEYS: the family hash, the subject's family set. ARGV: now, max TTL, hex jti, sub, family, the
-- successor (TOKEN_ARGS values), then the reuse grace window in seconds. Returns `{rotated}`,
-- `{reuse}`, `{revoked}`, `{unknown}`, or `{reissued, hex jti, exp}` (see Store::rotate and
-- model::State::rotation, whose rules this applies).
--
-- Idempotent: the same token presented again with the successor it was traded for, while that
-- successor is still active, answers `rotated` again and changes nothing, so a retry after a
-- lost reply is never taken for reuse.
local key, set = KEYS[1], KEYS[2]
local hj, sub, fam = ARGV[3], ARGV[4], ARGV[5]
local succ = token_at(6)
local grace = tonumber(ARGV[6 + TOKEN_ARGS])
local m = redis.call('HMGET', key, 's', 'f', 'k', 'r', token_field(hj))
local r = unpack_token(m[5])
if r and r.err then return r end
if not r or m[1] ~= sub or m[2] ~= fam or not after(later(r.e, r.a), NOW) then
  return { 'unknown' }
end
if r.st == 'X' then return { 'revoked' } end
if r.st == 'R' then
  local field = token_field(r.n)
  local s = unpack_token(redis.call('HGET', key, field))
  if s and s.err then return s end
  if s and s.st == 'A' then
    if r.n == succ.hj then return { 'rotated' } end
    if grace > 0 and tonumber(NOW) <= tonumber(r.t) + grace then
      -- The session goes on with the current successor; the fresh access token it comes with
      -- must be remembered as long as a revocation of the family has to refuse it.
      if after(succ.aexp, s.a) then
        s.a = succ.aexp
        redis.call('HSET', key, field, pack_token(s))
        local keep = later(m[3] or NOW, succ.aexp)
        redis.call('HSET', key, 'k', keep)
        extend(key, ttl(keep))
        extend(set, ttl(keep))
      end
      return { 'reissued', r.n, s.e }
    end
  end
  local outcome = revoke_family(key, 'reuse')
  if type(outcome) == 'table' then return outcome end
  return { 'reuse' }
end
if r.st ~= 'A' then return redis.error_reply('JWTCTL token record has an unknown state') end
if succ.sub ~= sub or succ.fam ~= fam then
  return redis.error_reply('JWTCTL the successor must belong to the same subject and family; nothing was written')
end
-- A token that no longer matters at now is absent, even while the family still holds its field.
local existing = unpack_token(redis.call('HGET', key, token_field(succ.hj)))
if existing and existing.err then return existing end
if existing and after(later(existing.e, existing.a), NOW) then
  return redis.error_reply('JWTCTL the successor token is already recorded; nothing was written')
end
r.st, r.t, r.n = 'R', NOW, succ.hj
local keep = later(m[3] or NOW, later(succ.exp, succ.aexp))
local rotated = NOW
if m[4] then rotated = later(m[4], NOW) end
redis.call('HSET', key, token_field(hj), pack_token(r),
  token_field(succ.hj), pack_token({ st = 'A', i = succ.iat, e = succ.exp, a = succ.aexp, t = '', n = '' }),
  'c', succ.hj, 'r', rotated, 'k', keep)
-- A successor without a label keeps the session's.
if succ.has_label == '1' then redis.call('HSET', key, 'l', succ.label) end
local seconds = ttl(keep)
extend(key, seconds)
extend(set, seconds)
return { 'rotated' }
