-- A day's mix of readers for wrk: mostly the popular pages (cached), one in five a page
-- nobody asked for lately (a cache miss: a random deep page, a random request, a search).
local popular = {
  "/", "/requests/", "/requests/?status=declined", "/api/v1/requests/",
  "/api/v1/requests/?status=declined&category=air_defence", "/stances/", "/sources/",
}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local path
  local roll = math.random(100)
  if roll <= 80 then
    path = popular[math.random(#popular)]
  elseif roll <= 88 then
    path = "/api/v1/requests/?page=" .. math.random(1, 3900)
  elseif roll <= 96 then
    path = "/requests/" .. math.random(1, 100000) .. "/"
  else
    path = "/api/v1/requests/?q=System+" .. math.random(1, 999)
  end
  return wrk.format("GET", path, {["X-Forwarded-Proto"] = "https"})
end

-- Counts per status live in globals: wrk can only hand numbers between its threads.
function response(status, headers, body)
  local name = "status_" .. status
  _G[name] = (_G[name] or 0) + 1
end

function done(summary, latency, requests)
  for status = 100, 599 do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + (thread:get("status_" .. status) or 0)
    end
    if total > 0 then
      io.write(string.format("status %d %d\n", status, total))
    end
  end
end
