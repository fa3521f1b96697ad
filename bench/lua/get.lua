-- GET a random path of a file, one path a line: wrk -s get.lua URL -- paths.txt
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local paths

setup = common.setup
response = common.response
done = common.done

function init(args)
  common.init()
  paths = common.lines(args[1])
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
