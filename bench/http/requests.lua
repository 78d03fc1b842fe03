-- wrk script: cycles through request paths listed one per line in the file named by $PATHS_FILE,
-- sending the session cookie from $COOKIE. Reports p50/p90/p99 in milliseconds at the end.
local paths = {}
local counter = 0

function init(args)
  local f = assert(io.open(os.getenv("PATHS_FILE"), "r"))
  for line in f:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  f:close()
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], {["Cookie"] = os.getenv("COOKIE") or ""})
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
