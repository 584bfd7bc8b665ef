-- wrk script for `make bench`: replays one request with the session cookie and an optional POST body.
-- Environment: BENCH_PATH, BENCH_METHOD (GET|POST), BENCH_COOKIE, BENCH_BODY (urlencoded form, already
-- containing the CSRF token), BENCH_AUTH (optional "Bearer ..." header),
-- BENCH_USER_AGENT (the User-Agent of the session that signed in, sent as a browser does).
local path = os.getenv("BENCH_PATH") or "/"
local method = os.getenv("BENCH_METHOD") or "GET"
local cookie = os.getenv("BENCH_COOKIE") or ""
local body = os.getenv("BENCH_BODY") or ""
local auth = os.getenv("BENCH_AUTH") or ""
local agent = os.getenv("BENCH_USER_AGENT") or ""

request = function()
  local headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  if auth ~= "" then headers["Authorization"] = auth end
  if agent ~= "" then headers["User-Agent"] = agent end
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers, nil)
end


done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"mean_ms": %.3f, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, e.connect, e.read, e.write, e.status, e.timeout))
end
