# The lab app of the webrick family: a WEBrick::HTTPServer with mount_proc handlers, as a
# small Ruby service on WEBrick is written. WEBrick's own logger (stderr, level INFO, or
# LAB_LOG_LEVEL) and its default access log (common and referer lines on stderr); the
# handlers log outbound failures with the server's logger and answer 502/504. Routes and the
# phase marker: lab/README.md.
require 'webrick'
require 'net/http'
require 'socket'

level = WEBrick::BasicLog.const_get(ENV.fetch('LAB_LOG_LEVEL', 'INFO'))
logger = WEBrick::Log.new($stderr, level)
server = WEBrick::HTTPServer.new(BindAddress: '127.0.0.1', Port: Integer(ENV.fetch('PORT')), Logger: logger)
big = ENV.fetch('BIG_FILE')
uploads = ENV.fetch('UPLOAD_DIR')
upload_seq = 0

def helper(req, path)
  URI("http://127.0.0.1:#{req.query['port']}#{path}")
end

# An outbound call: its failure is logged with the server's logger and answered `status`.
def outbound(logger, res, status)
  yield
rescue StandardError => e
  logger.error(e)
  res.status = status
end

server.mount_proc('/__lab/phase') do |req, res|
  logger.info("LAB PHASE #{req.query['name']}")
  res.body = "ok\n"
end
server.mount_proc('/small') do |_req, res|
  res['Content-Type'] = 'text/plain'
  res.body = "hello\n"
end
server.mount_proc('/big') do |_req, res|
  res['Content-Type'] = 'application/octet-stream'
  res.body = File.open(big, 'rb')
end
server.mount_proc('/upload') do |req, res|
  upload_seq += 1
  name = File.join(uploads, "upload-#{Process.pid}-#{upload_seq}")
  begin
    File.open(name, 'wb') { |f| req.body { |chunk| f.write(chunk) } }
  ensure
    File.delete(name) if File.exist?(name)
  end
  res.body = "stored\n"
end
server.mount_proc('/events') do |_req, res|
  res['Content-Type'] = 'text/event-stream'
  res.chunked = true
  res.body = proc do |out|
    2000.times do |n|
      out.write("data: tick #{n}\n\n")
      sleep 0.05
    end
  end
end
server.mount_proc('/boom') do |_req, _res|
  user = nil
  user.name
end
%w[/outbound/reset /outbound/fetch-reset /outbound/refused].each do |path|
  server.mount_proc(path) do |req, res|
    outbound(logger, res, 502) { res.body = Net::HTTP.get(helper(req, '/quote')) }
  end
end
server.mount_proc('/outbound/partial') do |req, res|
  outbound(logger, res, 502) { res.body = Net::HTTP.get(helper(req, '/report')) }
end
server.mount_proc('/outbound/timeout') do |req, res|
  outbound(logger, res, 504) do
    uri = helper(req, '/quote')
    res.body = Net::HTTP.start(uri.host, uri.port, read_timeout: 0.3) { |http| http.get(uri.path).body }
  end
end
server.mount_proc('/outbound/epipe') do |req, res|
  outbound(logger, res, 502) do
    TCPSocket.open('127.0.0.1', Integer(req.query['port'])) do |sock|
      chunk = 'z' * 65_536
      64.times { sock.write(chunk) }
    end
    res.status = 502
  end
end

trap('TERM') { server.shutdown }
server.start
