#!/usr/bin/env python3
"""The backend behind the lab's proxy families (HAProxy, Squid, Varnish, Caddy, tinyproxy, ...).

  proxy_backend.py PORT BIG_FILE [DELAY]

A threaded http.server app (standard library only, loopback only) with the lab's routes
(lab/README.md), answered as an origin server behind a proxy does, plus the routes of the
client's upstream phases, where this backend itself is the failure the proxy meets:

  /__lab/phase?name=N   200 with the header `X-Lab-Phase: LAB PHASE N`: the proxy logs the
                        marker from its access line (a captured response header)
  /small, /big (BIG_FILE, 32 MiB), POST /upload, /events (SSE), /boom (500)
  /upstream/reset       reads the request and resets the connection (RST)
  /upstream/hangup      reads the request and closes without answering (FIN)
  /upstream/partial     200 with a Content-Length of 1 MiB, 64 KiB of it, then a reset
  /upstream/timeout     answers only after DELAY seconds (the optional third argument, 5 by
                        default; the proxies give up long before)

A proxy whose access line cannot show a response header gets the marker line itself: with
LAB_MARKER_LOG=FILE in its environment, the backend appends `LAB PHASE N` to FILE, the proxy's
log, as it answers the marker request.

The refused upstream is no route here: the proxies send /upstream/refused to a closed port.
Every response says Cache-Control: no-store, so caching proxies pass each request on.
Its own access lines go to stderr, which the capture scripts keep out of the proxy's log.
"""
import http.server
import os
import socket
import struct
import sys
import time
import urllib.parse

CHUNK = 64 * 1024
MARKER_LOG = os.environ.get("LAB_MARKER_LOG", "")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def head(self, status, length=None, ctype="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", "no-store")
        if length is not None:
            self.send_header("Content-Length", str(length))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()

    def text(self, status, body, extra=()):
        body = body.encode()
        self.head(status, len(body), extra=extra)
        self.wfile.write(body)

    def rst(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        try:
            if path == "/__lab/phase":
                name = query.get("name", [""])[0]
                if MARKER_LOG:
                    # A proxy that logs no response header: the marker goes straight into its
                    # log, appended as one line (O_APPEND: whole, between its own lines).
                    with open(MARKER_LOG, "a") as f:
                        f.write("LAB PHASE %s\n" % name)
                self.text(200, "LAB PHASE %s\n" % name, [("X-Lab-Phase", "LAB PHASE " + name)])
            elif path == "/small":
                self.text(200, "hello\n")
            elif path == "/big":
                self.big()
            elif path == "/events":
                self.events()
            elif path == "/boom":
                self.text(500, "boom\n")
            elif path == "/upstream/reset":
                self.rst()
            elif path == "/upstream/hangup":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif path == "/upstream/partial":
                self.head(200, 1 << 20)
                self.wfile.write(b"q" * CHUNK)
                self.wfile.flush()
                time.sleep(0.1)
                self.rst()
            elif path == "/upstream/timeout":
                time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 5)
                self.text(200, "late\n")
            else:
                self.text(404, "not found\n")
        except (BrokenPipeError, ConnectionResetError) as e:
            # The proxy gave up on this response (its client left): nothing to answer.
            self.log_message("%s: %s", self.path, e)
            self.close_connection = True

    def big(self):
        with open(sys.argv[2], "rb") as f:
            f.seek(0, 2)
            self.head(200, f.tell(), "application/octet-stream")
            f.seek(0)
            while True:
                b = f.read(CHUNK)
                if not b:
                    break
                self.wfile.write(b)

    def events(self):
        self.head(200, None, "text/event-stream", [("Connection", "close")])
        self.close_connection = True
        for n in range(200):  # at most 10 s
            self.wfile.write(b"data: tick %d\n\n" % n)
            self.wfile.flush()
            time.sleep(0.05)

    def do_POST(self):
        try:
            left = int(self.headers.get("Content-Length", "0"))
            while left > 0:
                b = self.rfile.read(min(CHUNK, left))
                if not b:
                    self.close_connection = True
                    return
                left -= len(b)
            self.text(200, "stored\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()


if __name__ == "__main__":
    main()
