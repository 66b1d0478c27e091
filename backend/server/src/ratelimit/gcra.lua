-- GCRA (generic cell rate algorithm) for one client, atomic on the Redis server.
-- KEYS[1]  the client's bucket: holds its theoretical arrival time (TAT), microseconds
-- ARGV[1]  emission interval in microseconds (60 s / quota)
-- ARGV[2]  burst: cells available at once (the quota)
-- ARGV[3]  cost: cells this request takes (a batch takes one per VIN)
-- Returns {allowed (1/0), remaining cells, retry after (us), until full again (us)}.
-- The clock is the server's (TIME), so every instance sees the same time.
if redis.replicate_commands then redis.replicate_commands() end
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local tolerance = interval * burst
local new_tat = tat + interval * cost
local allow_at = new_tat - tolerance
if allow_at > now then
  local remaining = math.floor((tolerance - (tat - now)) / interval)
  if remaining < 0 then remaining = 0 end
  return {0, remaining, allow_at - now, tat - now}
end
local ttl_ms = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl_ms)
return {1, math.floor((tolerance - (new_tat - now)) / interval), 0, new_tat - now}
