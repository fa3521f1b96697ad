-- Create posts as bench posters, each with an Idempotency-Key never used before, so every 201
-- must be exactly one new post: wrk -s create.lua URL -- tokens.txt bodies.txt run-id
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local tokens, bodies, run_id
-- Global, so that done() can add up what every thread sent.
sent = 0

setup = common.setup
response = common.response
done = common.done

function init(args)
  common.init()
  tokens = common.lines(args[1])
  bodies = common.lines(args[2])
  run_id = args[3]
end

function request()
  sent = sent + 1
  local headers = {
    Authorization = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("%s-%d-%d", run_id, thread_id, sent),
  }
  return wrk.format("POST", "/api/v1/posts", headers, bodies[math.random(#bodies)])
end
