-- wrk: every request redeems the next coupon of CODES_FILE (its scanned QR payload) with a key
-- of its own. Filled in by bench/benchmarks/redemption.py.
local codes = {}
for line in io.lines("CODES_FILE") do codes[#codes + 1] = line end
local index = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer TOKEN",
}

request = function()
  index = index + 1
  local code = codes[(index - 1) % #codes + 1]  -- past the end repeats: 409s show as non2xx
  headers["Idempotency-Key"] = "RUN_ID-" .. index
  local body = string.format('{"shop": SHOP_ID, "code": "%s", "order_amount_fen": 12800}', code)
  return wrk.format("POST", "/api/v1/merchant/redemptions/", headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d seconds=%.3f p50=%.3f p95=%.3f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
