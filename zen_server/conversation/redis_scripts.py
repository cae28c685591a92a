"""The Lua scripts that make every Redis conversation write one atomic server-side step.

A thread lives in three keys that share the hash tag ``{<thread_id>}`` (so they sit in one
Redis Cluster slot and one script may touch all three):

* ``<prefix>thread:{id}``: a hash, the thread record: ``v`` (schema version), ``tool``,
  ``created``, ``updated``, ``parent``, ``state`` (JSON) and ``bytes`` (stored size);
* ``<prefix>turns:{id}``: a list of turn records (JSON), oldest first;
* ``<prefix>turn_ids:{id}``: a set of the turn ids stored, the idempotency keys.

Why scripts rather than read-modify-write in Python: the original read a thread, appended
in Python and wrote it back, so two concurrent turns lost one. Here the checks (type,
version, duplicate turn ids, MAX_CONVERSATION_TURNS, byte cap) and the writes (append,
TTL refresh) run inside Redis as one step; every check comes before the first write, so a
refused append changes nothing. Replies are status-first arrays, decoded by the store.
"""

from __future__ import annotations

# Shared by every script: refuse keys of the wrong type before touching anything.
_CHECK_TYPES = """
local meta, turns, ids = KEYS[1], KEYS[2], KEYS[3]
local meta_type = redis.call('TYPE', meta).ok
if meta_type == 'none' then return {'missing'} end
if meta_type ~= 'hash' then return {'corrupt', 'its record is a Redis ' .. meta_type .. ', not a hash'} end
local turns_type = redis.call('TYPE', turns).ok
if turns_type ~= 'list' and turns_type ~= 'none' then
  return {'corrupt', 'its turns are a Redis ' .. turns_type .. ', not a list'}
end
local ids_type = redis.call('TYPE', ids).ok
if ids_type ~= 'set' and ids_type ~= 'none' then
  return {'corrupt', 'its turn ids are a Redis ' .. ids_type .. ', not a set'}
end
"""

# KEYS: meta, turns, ids.  Reply: {'ok', HGETALL meta, LRANGE turns} | {'missing'} | {'corrupt', why}
READ_THREAD = (
    _CHECK_TYPES
    + """
return {'ok', redis.call('HGETALL', meta), redis.call('LRANGE', turns, 0, -1)}
"""
)

# KEYS: meta, turns, ids.
# ARGV: 1 schema version, 2 max turns, 3 ttl ms, 4 max thread bytes, 5 updated_at,
#       6 state JSON ('' keeps the stored state), then (turn id, turn JSON) pairs.
# Reply: {'ok'|'duplicate', HGETALL, LRANGE} | {'missing'} | {'corrupt', why} | {'version', v}
#        | {'partial'} | {'limit', count} | {'too_big', bytes}
APPEND_TURNS = (
    _CHECK_TYPES
    + """
local version = redis.call('HGET', meta, 'v')
if version ~= ARGV[1] then return {'version', tostring(version)} end
local n = (#ARGV - 6) / 2
local seen = 0
for i = 0, n - 1 do
  if redis.call('SISMEMBER', ids, ARGV[7 + 2 * i]) == 1 then seen = seen + 1 end
end
if seen == n then
  -- a retried append whose first attempt landed: keep it exactly once, report the thread
  return {'duplicate', redis.call('HGETALL', meta), redis.call('LRANGE', turns, 0, -1)}
end
if seen > 0 then return {'partial'} end
local count = redis.call('LLEN', turns)
if count + n > tonumber(ARGV[2]) then return {'limit', count} end
local stored = tonumber(redis.call('HGET', meta, 'bytes') or '0') or 0
local added = 0
for i = 0, n - 1 do added = added + #ARGV[8 + 2 * i] end
local state = ARGV[6]
if state ~= '' then
  added = added + #state - #(redis.call('HGET', meta, 'state') or '')
end
if stored + added > tonumber(ARGV[4]) then return {'too_big', stored + added} end
for i = 0, n - 1 do
  redis.call('RPUSH', turns, ARGV[8 + 2 * i])
  redis.call('SADD', ids, ARGV[7 + 2 * i])
end
redis.call('HSET', meta, 'bytes', tostring(stored + added), 'updated', ARGV[5])
if state ~= '' then redis.call('HSET', meta, 'state', state) end
redis.call('PEXPIRE', meta, ARGV[3])
redis.call('PEXPIRE', turns, ARGV[3])
redis.call('PEXPIRE', ids, ARGV[3])
return {'ok', redis.call('HGETALL', meta), redis.call('LRANGE', turns, 0, -1)}
"""
)

# KEYS: meta, turns, ids.
# ARGV: 1 ttl ms, 2 field count f, then f (field, value) pairs of the record, then
#       (turn id, turn JSON) pairs.  The record's 'bytes' field is computed by the caller.
# Reply: {'ok'|'duplicate'} | {'exists'} | {'corrupt', why}
CREATE_THREAD = """
local meta, turns, ids = KEYS[1], KEYS[2], KEYS[3]
local f = tonumber(ARGV[2])
local first_turn = 3 + 2 * f
if redis.call('EXISTS', meta) == 1 or redis.call('EXISTS', turns) == 1 or redis.call('EXISTS', ids) == 1 then
  if redis.call('TYPE', ids).ok ~= 'set' then return {'exists'} end
  for i = first_turn, #ARGV, 2 do
    if redis.call('SISMEMBER', ids, ARGV[i]) == 0 then return {'exists'} end
  end
  return {'duplicate'}  -- a retried create whose first attempt landed
end
local fields = {}
for i = 3, 2 + 2 * f do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', meta, unpack(fields))
for i = first_turn, #ARGV, 2 do
  redis.call('RPUSH', turns, ARGV[i + 1])
  redis.call('SADD', ids, ARGV[i])
end
redis.call('PEXPIRE', meta, ARGV[1])
if redis.call('EXISTS', turns) == 1 then
  redis.call('PEXPIRE', turns, ARGV[1])
  redis.call('PEXPIRE', ids, ARGV[1])
end
return {'ok'}
"""

__all__ = ["APPEND_TURNS", "CREATE_THREAD", "READ_THREAD"]
