package redisstore

import "github.com/redis/go-redis/v9"

// A request is a hash at PREFIX req:CODE with fields state (its name),
// record (the JSON of a record), expires (ExpiresAt in Unix ms), id (its
// request id) and, once noted, outcome (the JSON of a bot.Outcome). Three
// indexes point at it:
//   - PREFIX open, a sorted set of the pending codes scored by expires;
//   - PREFIX id:REQUESTID, the code, expiring with the record;
//   - PREFIX recent, a sorted set of the latest codes scored by CreatedAt
//     (Unix ms), trimmed to recentLimit; an entry may outlive its record,
//     and is dropped when Recent finds it so.
//
// Each script changes a record and its indexes together, so that they
// never disagree.
//
// Write scripts answer {wrote, status, values...}: wrote is 1 when they
// changed something, which a replica then has to acknowledge.

// addScript: KEYS record, open, id, recent; ARGV code, record, expires,
// request id, CreatedAt in ms, recentLimit. A request id is unique (random
// from crypto/rand), so its index is set, not compared.
var addScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, 'taken'}
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'record', ARGV[2], 'expires', ARGV[3], 'id', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[3], ARGV[1])
end
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(tonumber(ARGV[6]) + 1))
return {1, 'added'}
`)

// moveScript is the compare-and-set of a state: KEYS record, open; ARGV
// code, from, to, retention in ms, the id key prefix. A closed request
// expires after the retention, with its id key; a pending one never
// expires in Redis, the engine decides. It answers the record and the
// outcome.
var moveScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'state', 'record', 'expires', 'id', 'outcome')
if not cur[1] then
  return {0, 'unknown'}
end
if cur[1] ~= ARGV[2] then
  return {0, 'state', cur[1]}
end
local idKey = false
if cur[4] and cur[4] ~= '' and redis.call('GET', ARGV[5] .. cur[4]) == ARGV[1] then
  idKey = ARGV[5] .. cur[4]
end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
if ARGV[3] == 'pending' then
  redis.call('PERSIST', KEYS[1])
  redis.call('ZADD', KEYS[2], cur[3], ARGV[1])
  if idKey then redis.call('PERSIST', idKey) end
else
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[1])
  if idKey then redis.call('PEXPIRE', idKey, ARGV[4]) end
end
return {1, 'moved', cur[2], cur[5] or ''}
`)

// noteScript sets a request's outcome, keeping its expiry: KEYS record;
// ARGV outcome.
var noteScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0, 'unknown'}
end
redis.call('HSET', KEYS[1], 'outcome', ARGV[1])
return {1, 'noted'}
`)

// openScript lists the records and outcomes of the pending requests,
// soonest expiry first, as pairs: KEYS open; ARGV the record key prefix.
var openScript = redis.NewScript(`
local out = {}
for _, code in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local r = redis.call('HMGET', ARGV[1] .. code, 'state', 'record', 'outcome')
  if r[1] == 'pending' then
    out[#out + 1] = r[2]
    out[#out + 1] = r[3] or ''
  end
end
return out
`)

// findScript answers the state, record and outcome of the request with an
// id, or nothing: KEYS id; ARGV the record key prefix.
var findScript = redis.NewScript(`
local code = redis.call('GET', KEYS[1])
if not code then
  return {}
end
local r = redis.call('HMGET', ARGV[1] .. code, 'state', 'record', 'outcome')
if not r[1] then
  return {}
end
return {r[1], r[2] or '', r[3] or ''}
`)

// recentScript answers the state, record and outcome of the newest n
// requests that still exist, as triples, newest CreatedAt (in ms) first,
// and of any more created in the same millisecond as the last of them:
// the caller orders those finer. It drops the index entries of records
// that expired. KEYS recent; ARGV the record key prefix, n (at least 1).
var recentScript = redis.NewScript(`
local n = tonumber(ARGV[2])
local out, gone = {}, {}
local found, edge, off, done = 0, nil, 0, false
while not done do
  local page = redis.call('ZREVRANGE', KEYS[1], off, off + n - 1, 'WITHSCORES')
  if #page == 0 then
    break
  end
  off = off + #page / 2
  for i = 1, #page, 2 do
    local score = tonumber(page[i + 1])
    if edge and score < edge then
      done = true
      break
    end
    local r = redis.call('HMGET', ARGV[1] .. page[i], 'state', 'record', 'outcome')
    if r[1] then
      out[#out + 1] = r[1]
      out[#out + 1] = r[2] or ''
      out[#out + 1] = r[3] or ''
      found = found + 1
      if found == n then
        edge = score
      end
    else
      gone[#gone + 1] = page[i]
    end
  end
end
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
end
return out
`)
