# The lab app for the twisted family: a twisted.web resource tree served by `twistd web --class
# app.Root`, logging to twistd's log observer (its text format, on stdout with --logfile -),
# written as twisted.web apps usually are: static.File for a file, request.write() from a
# LoopingCall for a streamed download (without a notifyFinish errback) and for SSE (stopped by
# one), the buffered request.content for uploads, twisted.web.client.Agent and a TCP client
# endpoint for outbound calls; a failed outbound call is logged with log.failure and answered
# 502/504, an exception in render is left to twisted.web. Routes: lab/README.md (and
# /big-stream, the same 32 MiB written a MiB at a time).
import os

from twisted.internet import defer, endpoints, protocol, reactor, task
from twisted.logger import Logger
from twisted.web import client, resource, server, static

log = Logger(namespace="app")
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


class Phase(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        log.info("LAB PHASE {name}", name=request.args[b"name"][0].decode())
        return b"ok\n"


class Small(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        request.setHeader(b"content-type", b"text/plain")
        return b"hello\n"


class BigStream(resource.Resource):
    """Writes the file a MiB every 5 ms from a LoopingCall and finishes, as many apps write a
    slowly made response: with no notifyFinish() errback, so a client that leaves is only
    noticed by finish() (twisted.web drops the writes to a lost connection silently)."""

    isLeaf = True

    def render_GET(self, request):
        request.setHeader(b"content-type", b"application/octet-stream")
        f = open(BIG, "rb")

        def write():
            block = f.read(1024 * 1024)
            if block:
                request.write(block)
                return
            f.close()
            loop.stop()
            request.finish()

        loop = task.LoopingCall(write)
        loop.start(0.005)
        return server.NOT_DONE_YET


class Upload(resource.Resource):
    isLeaf = True

    def render_POST(self, request):
        path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
        with open(path, "wb") as f:
            while block := request.content.read(CHUNK):
                f.write(block)
        os.unlink(path)
        return b"stored\n"


class Events(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        request.setHeader(b"content-type", b"text/event-stream")
        tick = [0]

        def write():
            request.write(b"data: tick %d\n\n" % tick[0])
            tick[0] += 1

        loop = task.LoopingCall(write)
        loop.start(0.05)
        request.notifyFinish().addErrback(lambda _: loop.stop())
        return server.NOT_DONE_YET


class Boom(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        user = None
        return user.name


def port_of(request):
    return int(request.args[b"port"][0])


def answer(request, code, body):
    if not request.finished and not request._disconnected:
        request.setResponseCode(code)
        request.write(body)
        request.finish()


class Quote(resource.Resource):
    """GET /quote from the helper with Agent; 502 (504 on a timeout) when it fails."""

    isLeaf = True

    def __init__(self, timeout=None):
        super().__init__()
        self.timeout = timeout

    def render_GET(self, request):
        url = b"http://127.0.0.1:%d/quote" % port_of(request)
        d = client.Agent(reactor).request(b"GET", url)
        if self.timeout:
            d.addTimeout(self.timeout, reactor)
        d.addCallback(client.readBody)
        d.addCallback(lambda body: answer(request, 200, body))

        def failed(f):
            log.failure("quote service call failed", f)
            # Agent turns the timeout's cancel into ResponseNeverReceived([CancelledError]).
            code = 504 if self.timeout else 502
            answer(request, code, b"upstream failed\n")

        d.addErrback(failed)
        return server.NOT_DONE_YET


class Relay(protocol.Protocol):
    """Passes an outbound response body on to the inbound request as it arrives."""

    def __init__(self, request):
        self.request = request

    def dataReceived(self, data):
        self.request.write(data)

    def connectionLost(self, reason):
        if not reason.check(client.ResponseDone):
            log.failure("report relay cut off", reason)
        if not self.request.finished and not self.request._disconnected:
            self.request.finish()


class Partial(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        url = b"http://127.0.0.1:%d/report" % port_of(request)
        d = client.Agent(reactor).request(b"GET", url)

        def relay(response):
            request.setHeader(b"content-type", b"text/plain")
            response.deliverBody(Relay(request))

        d.addCallback(relay)

        def failed(f):
            log.failure("report call failed", f)
            answer(request, 502, b"upstream failed\n")

        d.addErrback(failed)
        return server.NOT_DONE_YET


class Push(protocol.Protocol):
    def connectionMade(self):
        for _ in range(64):
            self.transport.write(b"z" * CHUNK)
        self.transport.loseConnection()


class Epipe(resource.Resource):
    """Pushes 4 MiB to the helper on a raw TCP connection; the helper closes at once."""

    isLeaf = True

    def render_GET(self, request):
        done = defer.Deferred()

        class Pushed(Push):
            def connectionLost(self, reason):
                done.callback(reason)

        ep = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port_of(request))
        d = endpoints.connectProtocol(ep, Pushed())
        d.addErrback(done.errback)

        def lost(reason):
            log.failure("push to the audit service failed", reason)
            answer(request, 502, b"upstream failed\n")

        done.addCallback(lost)
        done.addErrback(lost)
        return server.NOT_DONE_YET


class Outbound(resource.Resource):
    def __init__(self):
        super().__init__()
        self.putChild(b"reset", Quote())
        self.putChild(b"refused", Quote())
        self.putChild(b"fetch-reset", Quote())
        self.putChild(b"timeout", Quote(timeout=0.3))
        self.putChild(b"partial", Partial())
        self.putChild(b"epipe", Epipe())


class Lab(resource.Resource):
    def __init__(self):
        super().__init__()
        self.putChild(b"phase", Phase())


class Root(resource.Resource):
    def __init__(self):
        super().__init__()
        self.putChild(b"__lab", Lab())
        self.putChild(b"small", Small())
        self.putChild(b"big", static.File(BIG, defaultType="application/octet-stream"))
        self.putChild(b"big-stream", BigStream())
        self.putChild(b"upload", Upload())
        self.putChild(b"events", Events())
        self.putChild(b"boom", Boom())
        self.putChild(b"outbound", Outbound())
