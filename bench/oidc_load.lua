-- wrk script for bench/oidc.py: one measured kind per run, chosen by the arguments after `--`:
--
--   floor     <path>                        GET the path (the bare /healthz floor)
--   static    <path> <body>                 POST the same form every time (client credentials;
--                                           the Authorization header comes from wrk -H)
--   exchange  <path> <file> <threads> <body prefix>
--                                           POST prefix .. code, each code once; the file holds
--                                           one code a line and wrk thread i takes lines i, i+n...
--   refresh   <path> <file> <threads> <body prefix>
--                                           POST prefix .. refresh token from this thread's pool
--                                           of chains; each answer's new refresh token goes back
--   userinfo  <path> <file> <threads>       GET with the file's bearer tokens, round robin
--   authorize <path> <out prefix>           GET (with the -H cookie) and write the code of each
--                                           302 to <out prefix>.<thread id> (preparing codes)
--
-- Only a 200 counts as done (a 302 for authorize); anything else is failed. A thread that runs
-- out of codes or refresh chains still sends (a request the server must refuse) and counts it
-- as `exhausted`, so a run without enough material shows up as failures, never as speed.
-- `done` prints one line "BENCH-JSON {...}" for bench/oidc.py.

local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local mode, path, form, codes_out
local items, next_item, pool = {}, 1, {}
ok, failed, exhausted = 0, 0, 0

local function mine(file, nthreads)
  -- This thread's share of the file: lines id, id + n, id + 2n, ... (1-based).
  local share, i = {}, 0
  for line in io.lines(file) do
    if line ~= "" then
      if i % nthreads == id - 1 then table.insert(share, line) end
      i = i + 1
    end
  end
  return share
end

local function headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

local form_headers, fixed

function init(args)
  mode, path = args[1], args[2]
  form_headers = headers({["Content-Type"] = "application/x-www-form-urlencoded"})
  if mode == "floor" then
    fixed = wrk.format("GET", path, headers())
  elseif mode == "static" then
    fixed = wrk.format("POST", path, form_headers, args[3])
  elseif mode == "exchange" then
    -- Formatted now, so that the counted run spends no client time on it.
    for _, code in ipairs(mine(args[3], tonumber(args[4]))) do
      table.insert(items, wrk.format("POST", path, form_headers, args[5] .. code))
    end
  elseif mode == "refresh" then
    pool, form = mine(args[3], tonumber(args[4])), args[5]
  elseif mode == "userinfo" then
    for _, token in ipairs(mine(args[3], tonumber(args[4]))) do
      table.insert(items, wrk.format("GET", path, headers({Authorization = "Bearer " .. token})))
    end
  elseif mode == "authorize" then
    fixed = wrk.format("GET", path, headers())
    codes_out = io.open(args[3] .. "." .. id, "w")
  end
end

function request()
  if fixed then return fixed end
  if mode == "exchange" then
    local prepared = items[next_item]
    next_item = next_item + 1
    if prepared then return prepared end
    exhausted = exhausted + 1
    return wrk.format("POST", path, form_headers, "grant_type=authorization_code&code=exhausted")
  elseif mode == "refresh" then
    local token = table.remove(pool)
    if token == nil then exhausted = exhausted + 1; token = "exhausted" end
    return wrk.format("POST", path, form_headers, form .. token)
  else -- userinfo
    local prepared = items[next_item]
    next_item = next_item % #items + 1
    return prepared
  end
end

function response(status, hdrs, body)
  if mode == "authorize" then
    local code = status == 302 and string.match(hdrs["Location"] or "", "[?&]code=([^&]+)")
    if code then
      ok = ok + 1
      codes_out:write(code, "\n")
      codes_out:flush()
    else
      failed = failed + 1
    end
    return
  end
  if status ~= 200 then
    failed = failed + 1
    return
  end
  ok = ok + 1
  if mode == "refresh" then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token then table.insert(pool, token) end
  end
end

function done(summary, latency, requests)
  local done_, failed_, exhausted_ = 0, 0, 0
  for _, thread in ipairs(threads) do
    done_ = done_ + (thread:get("ok") or 0)
    failed_ = failed_ + (thread:get("failed") or 0)
    exhausted_ = exhausted_ + (thread:get("exhausted") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "ok": %d, "failed": %d, "exhausted": %d, "duration_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p99": %d, "max": %d}}\n',
    summary.requests, done_, failed_, exhausted_, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
