"""python-json-logger or structlog (argv[1]: python-json, structlog, structlog-dict) logging
what an http.server handler meets: clients that reset the connection while a report streams
to them (ConnectionResetError / BrokenPipeError from self.wfile), and the handler's own
outbound call reset by its upstream (ConnectionResetError from urlopen), which must stay.
Two loggers interleave: the handler's and a background job's. The log goes to stdout."""
import logging
import socket
import struct
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

which = sys.argv[1]
CHUNK = b"x" * 65536

if which == "python-json":
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(threadName)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    log = logging.getLogger("shop.export")
    job = logging.getLogger("shop.jobs")
    exception = lambda l, msg, **kw: l.exception(msg, extra=kw)
    info = lambda l, msg, **kw: l.info(msg, extra=kw)
else:
    import structlog

    processors = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.processors.dict_tracebacks if which == "structlog-dict" else structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(),
    ]
    structlog.configure(processors=processors, logger_factory=structlog.PrintLoggerFactory(sys.stdout))
    log = structlog.get_logger().bind(logger="shop.export")
    job = structlog.get_logger().bind(logger="shop.jobs")
    exception = lambda l, msg, **kw: l.exception(msg, **kw)
    info = lambda l, msg, **kw: l.info(msg, **kw)


class Upstream(BaseHTTPRequestHandler):
    """Resets the app's own call before answering."""

    def do_GET(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def log_message(self, *args):
        pass


class App(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/quote":
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{UPSTREAM}/quote", timeout=5).read()
            except OSError:
                exception(log, "quote fetch failed", path=self.path)
            return
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(2000):
                self.wfile.write(CHUNK)
        except OSError:
            exception(log, f"Report export to {self.client_address[0]}:{self.client_address[1]} failed")

    def log_message(self, *args):
        pass


def cut(port):
    """Asks for the report, reads a little, and resets the connection."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /report HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(1024)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


up = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
UPSTREAM = up.server_address[1]
app = ThreadingHTTPServer(("127.0.0.1", 0), App)
for server in (up, app):
    threading.Thread(target=server.serve_forever, daemon=True).start()
port = app.server_address[1]
info(log, f"listening on {port}")
for i in range(3):
    cut(port)
    time.sleep(0.2)
    info(job, "reindexed", batch=i)
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/quote", timeout=5).read()
except OSError:
    pass
time.sleep(0.2)
info(log, "done")
