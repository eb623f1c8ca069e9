# The lab's plain Rack app, shared by the puma and thin families (each has its config.ru).
# It logs with Ruby's Logger on stderr (default formatter) and answers outbound failures with
# 502/504; an exception in a handler goes to the server, which logs it and answers 500.
# Streamed bodies yield 64 KiB chunks. Routes and the phase marker: lab/README.md.
require 'logger'
require 'net/http'
require 'socket'
require 'rack'

LOG = Logger.new($stderr)
BIG = ENV.fetch('BIG_FILE')
UPLOADS = ENV.fetch('UPLOAD_DIR')

# A file streamed in chunks, as an export or a proxied download is.
class Chunks
  def initialize(path)
    @path = path
  end

  def each
    File.open(@path, 'rb') do |f|
      while (chunk = f.read(65_536))
        yield chunk
      end
    end
  end
end

# Server-sent events: a tick every 50 ms.
class Ticks
  def each
    2000.times do |n|
      yield "data: tick #{n}\n\n"
      sleep 0.05
    end
  end
end

class LabApp
  def initialize
    @seq = 0
    @files = Rack::Files.new(File.dirname(BIG))
  end

  def call(env)
    req = Rack::Request.new(env)
    case req.path_info
    when '/__lab/phase'
      LOG.info("LAB PHASE #{req.params['name']}")
      [200, { 'content-type' => 'text/plain' }, ["ok\n"]]
    when '/small' then [200, { 'content-type' => 'text/plain' }, ["hello\n"]]
    when '/big' then [200, { 'content-type' => 'application/octet-stream' }, Chunks.new(BIG)]
    when '/big-file'
      @files.call(env.merge('PATH_INFO' => "/#{File.basename(BIG)}"))
    when '/upload' then upload(req)
    when '/events' then [200, { 'content-type' => 'text/event-stream' }, Ticks.new]
    when '/boom'
      user = nil
      user.name
    when '/outbound/reset', '/outbound/fetch-reset', '/outbound/refused'
      outbound(502, 'quote service') { Net::HTTP.get(helper(req, '/quote')) }
    when '/outbound/partial'
      outbound(502, 'report service') { Net::HTTP.get(helper(req, '/report')) }
    when '/outbound/timeout'
      outbound(504, 'quote service') do
        uri = helper(req, '/quote')
        Net::HTTP.start(uri.host, uri.port, read_timeout: 0.3) { |http| http.get(uri.path).body }
      end
    when '/outbound/epipe'
      outbound(502, 'audit sink') do
        TCPSocket.open('127.0.0.1', Integer(req.params['port'])) do |sock|
          64.times { sock.write('z' * 65_536) }
        end
        raise 'audit sink took it all'
      end
    else [404, {}, ["not found\n"]]
    end
  end

  private

  def helper(req, path)
    URI("http://127.0.0.1:#{req.params['port']}#{path}")
  end

  def outbound(status, what)
    [200, { 'content-type' => 'text/plain' }, [yield]]
  rescue StandardError => e
    LOG.error("#{what} failed: #{e.class}: #{e.message}")
    [status, {}, []]
  end

  def upload(req)
    @seq += 1
    name = File.join(UPLOADS, "upload-#{Process.pid}-#{@seq}")
    File.open(name, 'wb') { |f| IO.copy_stream(req.body, f) }
    [200, { 'content-type' => 'text/plain' }, ["stored\n"]]
  ensure
    File.delete(name) if name && File.exist?(name)
  end
end

