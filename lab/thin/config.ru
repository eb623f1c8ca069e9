# The lab app of the thin family: the puma family's Rack app (lab_app.rb), but server-sent
# events in Thin's own streaming idiom: Thin sends a body only once `each` has returned, so a
# stream is an asynchronous response (env['async.callback'] with an EventMachine::Deferrable
# body), which Thin fails when the connection closes.
require 'eventmachine'
require_relative 'lab_app'

# Thin logs to stdout, which Ruby buffers when it is a file or a pipe: its lines would land
# long after the app's (stderr). A service manager reading a pipe sees them as they come.
$stdout.sync = true

# A body Thin writes as it is pushed.
class PushBody
  include EventMachine::Deferrable

  def each(&block)
    @sink = block
  end

  def push(chunk)
    @sink&.call(chunk)
  end
end

class ThinEvents
  def initialize(app)
    @app = app
  end

  def call(env)
    return @app.call(env) unless env['PATH_INFO'] == '/events'

    body = PushBody.new
    n = 0
    timer = EventMachine.add_periodic_timer(0.05) do
      body.push("data: tick #{n}\n\n")
      n += 1
      body.succeed if n >= 2000
    end
    body.callback { timer.cancel }
    body.errback { timer.cancel }
    EventMachine.next_tick { env['async.callback'].call([200, { 'content-type' => 'text/event-stream' }, body]) }
    [-1, {}, []]
  end
end

use ThinEvents
run LabApp.new
