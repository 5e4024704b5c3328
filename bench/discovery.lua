-- wrk: random points over central Shanghai; PATH_PREFIX and CATEGORIES are filled in by bench.
local path_prefix = "PATH_PREFIX"
local categories = {CATEGORIES}
math.randomseed(os.time())

request = function()
  local lat = 31.10 + math.random() * 0.25
  local lng = 121.35 + math.random() * 0.25
  local path = string.format("%s?lat=%.6f&lng=%.6f&limit=20", path_prefix, lat, lng)
  if #categories > 0 then
    path = path .. "&category=" .. categories[math.random(#categories)]
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d seconds=%.3f p50=%.3f p95=%.3f\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
