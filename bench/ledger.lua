-- wrk: counter operations on random cards. NUMBERS, TOKEN, SHOP, RUN and PIN are filled in by
-- bench/benchmarks/ledger.py. Half the requests record a purchase (earn), half spend balance
-- or points behind the consumption password; every request has its own Idempotency-Key.
local numbers = {NUMBERS}
local counter = 0
local threads = {}
statuses = {}  -- global: done() reads each thread's copy through thread:get
math.randomseed(os.time())

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local number = numbers[math.random(#numbers)]
  local body
  if math.random() < 0.5 then
    body = string.format('{"code":"%s","shop":SHOP,"amount_fen":%d}', number, math.random(100, 50000))
  elseif math.random() < 0.5 then
    body = string.format('{"code":"%s","shop":SHOP,"amount_fen":%d,"balance_fen":%d,"password":"PIN"}',
      number, 1000, math.random(1, 1000))
  else
    body = string.format('{"code":"%s","shop":SHOP,"amount_fen":%d,"points":100,"password":"PIN"}',
      number, 1000)
  end
  local headers = {
    ["Authorization"] = "Bearer TOKEN",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("RUN-%d", counter),
  }
  return wrk.format("POST", "/api/v1/merchant/counter/purchases/", headers, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      table.insert(parts, string.format("s%d=%d", status, count))
    end
  end
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d seconds=%.3f p50=%.3f p95=%.3f %s\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, table.concat(parts, " ")))
end
