# The lab app of the sinatra family: a classic Sinatra 3 application in production (APP_ENV; its
# access log by Rack::CommonLogger and its dump_errors on stderr), on Puma. Handlers in
# Sinatra's idiom: send_file, stream for server-sent events, halt for failures; outbound
# errors logged with Sinatra's logger. Routes and the phase marker: lab/README.md.
require 'sinatra'
require 'net/http'
require 'socket'

# Sinatra tries thin, falcon, puma, HTTP, webrick in that order; thin is on this machine for
# the thin family, so the server is named, as a Gemfile with puma in it would choose it.
set :server, :puma
set :bind, '127.0.0.1'
set :port, Integer(ENV.fetch('PORT'))
$stdout.sync = true

get '/__lab/phase' do
  logger.info("LAB PHASE #{params[:name]}")
  "ok\n"
end

get('/small') { "hello\n" }

get('/big') { send_file ENV.fetch('BIG_FILE'), type: 'application/octet-stream' }

post '/upload' do
  name = File.join(ENV.fetch('UPLOAD_DIR'), "upload-#{Process.pid}-#{rand(1 << 30)}")
  File.open(name, 'wb') { |f| IO.copy_stream(request.body, f) }
  "stored\n"
ensure
  File.delete(name) if name && File.exist?(name)
end

get '/events', provides: 'text/event-stream' do
  stream do |out|
    2000.times do |n|
      out << "data: tick #{n}\n\n"
      sleep 0.05
    end
  end
end

get '/boom' do
  user = nil
  user.name
end

helpers do
  def outbound(status)
    yield
  rescue StandardError => e
    logger.error("#{e.class}: #{e.message}")
    halt status
  end

  def helper(path)
    URI("http://127.0.0.1:#{params[:port]}#{path}")
  end
end

get('/outbound/reset') { outbound(502) { Net::HTTP.get(helper('/quote')) } }
get('/outbound/fetch-reset') { outbound(502) { Net::HTTP.get(helper('/quote')) } }
get('/outbound/refused') { outbound(502) { Net::HTTP.get(helper('/quote')) } }
get('/outbound/partial') { outbound(502) { Net::HTTP.get(helper('/report')) } }
get '/outbound/timeout' do
  outbound(504) do
    uri = helper('/quote')
    Net::HTTP.start(uri.host, uri.port, read_timeout: 0.3) { |http| http.get(uri.path).body }
  end
end
get '/outbound/epipe' do
  outbound(502) do
    TCPSocket.open('127.0.0.1', Integer(params[:port])) { |s| 64.times { s.write('z' * 65_536) } }
    halt 502
  end
end
