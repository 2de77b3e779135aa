package redisstore

import "github.com/redis/go-redis/v9"

// A request is a hash at PREFIX req:CODE with fields state (its name),
// record (the JSON of a record) and expires (ExpiresAt in Unix ms); the
// codes of the pending ones are a sorted set at PREFIX open, scored by
// expires. Each script changes both together, so they never disagree.
//
// Write scripts answer {wrote, status, value}: wrote is 1 when they
// changed something, which a replica then has to acknowledge.

// addScript: KEYS record, open; ARGV code, record, expires.
var addScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, 'taken'}
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'record', ARGV[2], 'expires', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {1, 'added'}
`)

// moveScript is the compare-and-set of a state: KEYS record, open; ARGV
// code, from, to, retention in ms. A closed request expires after the
// retention; a pending one never expires in Redis, the engine decides.
var moveScript = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'state', 'record', 'expires')
if not cur[1] then
  return {0, 'unknown'}
end
if cur[1] ~= ARGV[2] then
  return {0, 'state', cur[1]}
end
redis.call('HSET', KEYS[1], 'state', ARGV[3])
if ARGV[3] == 'pending' then
  redis.call('PERSIST', KEYS[1])
  redis.call('ZADD', KEYS[2], cur[3], ARGV[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return {1, 'moved', cur[2]}
`)

// openScript lists the records of the pending requests, soonest expiry
// first: KEYS open; ARGV the record key prefix.
var openScript = redis.NewScript(`
local out = {}
for _, code in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local r = redis.call('HMGET', ARGV[1] .. code, 'state', 'record')
  if r[1] == 'pending' then
    out[#out + 1] = r[2]
  end
end
return out
`)
