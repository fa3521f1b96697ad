-- Reveal a random open post's contact as a random bench viewer:
-- wrk -s reveal.lua URL -- tokens.txt post_ids.txt
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local tokens, post_ids

setup = common.setup
response = common.response
done = common.done

function init(args)
  common.init()
  tokens = common.lines(args[1])
  post_ids = common.lines(args[2])
end

function request()
  local headers = {Authorization = "Bearer " .. tokens[math.random(#tokens)]}
  local path = "/api/v1/posts/" .. post_ids[math.random(#post_ids)] .. "/contact"
  return wrk.format("POST", path, headers)
end
