-- wrk script for bench/serve-load/run.sh:
--   wrk -s post.lua URL -- BODY.json [LIMIT]
-- POSTs the JSON body in BODY.json on every request; with LIMIT, each wrk thread stops after LIMIT responses (the
-- memory run's request count). At the end it prints one line "WRKJSON {...}" with the counts and the latency
-- percentiles in microseconds, after wrk's own summary.
local limit = nil
local seen = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  f:close()
  if args[2] then
    limit = tonumber(args[2])
    response = function(status, headers, body)
      seen = seen + 1
      if seen >= limit then wrk.thread:stop() end
    end
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
