-- Shared by every bench script: per-thread seeds, status counts, and a JSON summary line that
-- bench/wrk.py reads (wrk itself prints latency only as text, and no status breakdown).
local common = {}
local threads = {}

function common.lines(path)
  local found = {}
  for line in io.lines(path) do
    if line ~= "" then found[#found + 1] = line end
  end
  return found
end

function common.setup(thread)
  thread:set("thread_id", #threads + 1)
  threads[#threads + 1] = thread
end

function common.init()
  math.randomseed(thread_id * 7919 + os.time())
  statuses = {}
end

function common.response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function common.done(summary, latency)
  local totals, counts, sent = {}, {}, 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("sent") or 0)
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  for status, n in pairs(totals) do
    counts[#counts + 1] = string.format('"%d": %d', status, n)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.3f, "p50_ms": %.3f, "p95_ms": %.3f,'
    .. ' "p99_ms": %.3f, "mean_ms": %.3f, "max_ms": %.3f, "socket_errors": %d,'
    .. ' "non_2xx": %d, "sent": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status, sent,
    table.concat(counts, ", ")))
end

return common
