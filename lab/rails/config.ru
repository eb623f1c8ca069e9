# The lab app of the rails family: a one-file Rails 6.1 application (ActionController only),
# in production with the production.rb of `rails new`'s logging: Logger::Formatter, the
# request id as a log tag, level info, on stdout (RAILS_LOG_TO_STDOUT, as in a container),
# run by Puma. Downloads by send_file and by an ActionController::Live stream, server-sent
# events by Live. Routes and the phase marker: lab/README.md.
require 'rails'
require 'action_controller/railtie'
require 'net/http'
require 'socket'

class LabRails < Rails::Application
  config.load_defaults 6.1
  config.root = __dir__
  config.eager_load = true
  config.secret_key_base = 'lab' * 16
  config.hosts.clear
  config.action_controller.default_protect_from_forgery = false
  config.log_level = :info
  config.log_tags = [:request_id]
  config.log_formatter = ::Logger::Formatter.new
  logger = ActiveSupport::Logger.new($stdout)
  logger.formatter = config.log_formatter
  config.logger = ActiveSupport::TaggedLogging.new(logger)
  $stdout.sync = true

  routes.append do
    get '/__lab/phase' => 'lab#phase'
    get '/small' => 'lab#small'
    get '/big' => 'lab#big'
    post '/upload' => 'lab#upload'
    get '/boom' => 'lab#boom'
    get '/outbound/:what' => 'lab#outbound'
    get '/big-live' => 'live#big'
    get '/events' => 'live#events'
  end
end

class LabController < ActionController::Base
  def phase
    logger.info("LAB PHASE #{params[:name]}")
    render plain: "ok\n"
  end

  def small
    render plain: "hello\n"
  end

  def big
    send_file ENV.fetch('BIG_FILE'), type: 'application/octet-stream'
  end

  def upload
    name = File.join(ENV.fetch('UPLOAD_DIR'), "upload-#{Process.pid}-#{SecureRandom.hex(4)}")
    File.open(name, 'wb') { |f| IO.copy_stream(request.body, f) }
    render plain: "stored\n"
  ensure
    File.delete(name) if name && File.exist?(name)
  end

  def boom
    user = nil
    render plain: user.name
  end

  def outbound
    uri = URI("http://127.0.0.1:#{params[:port]}/quote")
    case params[:what]
    when 'epipe'
      TCPSocket.open('127.0.0.1', Integer(params[:port])) { |s| 64.times { s.write('z' * 65_536) } }
      head :bad_gateway
    when 'timeout'
      body = Net::HTTP.start(uri.host, uri.port, read_timeout: 0.3) { |http| http.get(uri.path).body }
      render plain: body
    else
      render plain: Net::HTTP.get(uri)
    end
  rescue StandardError => e
    logger.error(e)
    head(params[:what] == 'timeout' ? :gateway_timeout : :bad_gateway)
  end
end

# Rack::ETag (Rack 2.2) buffers a body that has neither ETag nor Last-Modified to digest it,
# which holds a Live stream back: the usual Rails 6.1 workaround sets Last-Modified.
class LiveController < ActionController::Base
  include ActionController::Live
  before_action { response.headers['Last-Modified'] = Time.now.httpdate }

  def big
    response.headers['Content-Type'] = 'application/octet-stream'
    File.open(ENV.fetch('BIG_FILE'), 'rb') do |f|
      while (chunk = f.read(65_536))
        response.stream.write(chunk)
      end
    end
  ensure
    response.stream.close
  end

  def events
    response.headers['Content-Type'] = 'text/event-stream'
    2000.times do |n|
      response.stream.write("data: tick #{n}\n\n")
      sleep 0.05
    end
  ensure
    response.stream.close
  end
end

LabRails.initialize!
run LabRails
