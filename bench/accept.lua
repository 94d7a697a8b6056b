-- wrk script for services.bench: every request takes the next order id of its thread's share of the
-- pool (thread k of n takes ids k, k+n, k+2n … of the file), so every accept is a fresh order.
-- wrk ... -- <ids file> <threads> <accept|write|bare> <token>
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  ids = {}
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  step = tonumber(args[2])
  mode = args[3]
  token = args[4]
  idx = tid + 1
  ok, conflict, other = 0, 0, 0
end

function request()
  local id = ids[idx] or ids[#ids]  -- pool exhausted: the last id again (answers 409, counted apart)
  idx = idx + step
  if mode == "accept" then
    return wrk.format("POST", "/api/v1/services/orders/" .. id .. "/accept/",
      {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"}, "")
  end
  if mode == "write" then
    return wrk.format("POST", "/bench/bare-accept/" .. id .. "/", {["Authorization"] = "Token " .. token}, "")
  end
  return wrk.format("GET", "/bench/bare/" .. id .. "/")
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 409 then conflict = conflict + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok"); b = b + t:get("conflict"); c = c + t:get("other")
  end
  local e = summary.errors
  io.write(string.format("STATUS ok=%d conflict=%d other=%d socket_errors=%d\n", a, b, c,
    e.connect + e.read + e.write + e.timeout))
  io.write(string.format("LAT p50=%d p90=%d p99=%d\n", latency:percentile(50), latency:percentile(90),
    latency:percentile(99)))
end
