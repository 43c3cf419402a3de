-- Loaded with `wrk -s perf/many-files.lua URL -- COUNT [PREFIX]`: every
-- request asks for one of COUNT files, uniformly at random, named
-- PREFIX/DD/fNNNN.bin with DD = N / 100 (two digits) and NNNN = N (four
-- digits), N in 0..COUNT-1 -- the layout perf/bench.sh writes (PREFIX
-- defaults to /files). The server's file cache has to hold or churn COUNT
-- entries instead of one.
--
-- The COUNT requests are formatted once per thread in init(), so a request
-- costs wrk a table lookup, not a string build: wrk stays close to its fast
-- path. Each thread has its own seed so threads do not walk in step.
-- Prints the same WRK_RESULT line as wrk-report.lua (loaded from beside this
-- file), which perf/bench.sh reads.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")

local thread_count = 0
local requests_pool = {}
local pool_size = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
end

function init(args)
  local count = tonumber(args[1]) or 10000
  local prefix = args[2] or "/files"
  for n = 0, count - 1 do
    local path = string.format("%s/%02d/f%04d.bin", prefix, math.floor(n / 100), n)
    requests_pool[n + 1] = wrk.format("GET", path)
  end
  pool_size = count
  math.randomseed(os.time() * 1000 + (thread_index or 0))
end

function request()
  return requests_pool[math.random(pool_size)]
end
