-- wrk script of the benchmark (bench/loadgen.py runs it; docs/performance.md).
--
-- wrk <options> -s bench/wrk.lua URL -- EXPECTED_STATUS THREADS [POSTS_FILE]
--
-- Without POSTS_FILE every request is wrk's own GET of URL (with the -H headers: cookie, X-Forwarded-Proto).
-- With POSTS_FILE, each line is "attempt<TAB>path<TAB>urlencoded body": a thread sends the lines whose attempt
-- number modulo THREADS is its own, in file order, each once. If they run out it repeats its last one and
-- counts it in "exhausted" (the run is then not valid: bench/run.py says so).
-- Responses whose status is not EXPECTED_STATUS are counted in "unexpected".
-- At the end one line "BENCH-JSON {...}" gives the totals and latency percentiles in microseconds.

local threads = {}
local count = 0

function setup(thread)
   thread:set("id", count)
   count = count + 1
   table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state). Globals, so that done() can read them with thread:get.
unexpected = 0
exhausted = 0
local expected = 200
local posts = nil
local index = 0
local plain = nil

function init(args)
   expected = tonumber(args[1]) or 200
   local nthreads = tonumber(args[2]) or 1
   local file = args[3]
   plain = wrk.format()
   if file and file ~= "" then
      posts = {}
      local headers = {}
      for name, value in pairs(wrk.headers) do
         headers[name] = value
      end
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Origin"] = "https://" .. wrk.headers["Host"]
      for line in io.lines(file) do
         local attempt, path, body = line:match("^(%d+)\t([^\t]+)\t(.*)$")
         if attempt and tonumber(attempt) % nthreads == id then
            table.insert(posts, wrk.format("POST", path, headers, body))
         end
      end
   end
end

-- wrk calls request() once on thread 0 before the run, only to check the request it returns
-- (script_verify_request in wrk.c). That call must not use up a POST: it gets the first one without moving on.
local checked = false

function request()
   if posts == nil then
      return plain
   end
   if id == 0 and not checked then
      checked = true
      return posts[1]
   end
   if index < #posts then
      index = index + 1
   else
      exhausted = exhausted + 1
   end
   return posts[index]
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   local odd, ran_out = 0, 0
   for _, thread in ipairs(threads) do
      odd = odd + (thread:get("unexpected") or 0)
      ran_out = ran_out + (thread:get("exhausted") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
         .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
         .. '"mean_us": %.1f, "max_us": %d, "unexpected": %d, "exhausted": %d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
      odd, ran_out))
end
