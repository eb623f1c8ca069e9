# The lab app for the cherrypy family: a CherryPy application on CherryPy's own server (cheroot),
# with CherryPy's default logging (error and access log to the screen: stdout here), written
# as CherryPy apps usually are: a generator with response.stream for downloads and SSE,
# cherrypy.lib.static.serve_file for a file, cherrypy.request.body for uploads, urllib /
# http.client / sockets for outbound calls; a failed outbound call is logged with
# cherrypy.log(traceback=True) and answered 502/504, an exception in a handler is left to
# CherryPy. Routes: lab/README.md (and /big-file, the same 32 MiB through serve_file).
import http.client
import os
import socket
import time
import urllib.request

import cherrypy
from cherrypy.lib.static import serve_file

BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


def failed(message, status):
    cherrypy.log(message, severity=40, traceback=True)
    cherrypy.response.status = status
    return b"upstream failed\n"


class Lab:
    @cherrypy.expose
    def phase(self, name):
        cherrypy.log("LAB PHASE %s" % name)
        return "ok\n"


class Outbound:
    def quote(self, port, status, timeout=5):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/quote" % int(port), timeout=timeout) as r:
                return r.read()
        except OSError:
            return failed("quote service call failed", status)

    @cherrypy.expose
    def reset(self, port):
        return self.quote(port, 502)

    @cherrypy.expose
    def refused(self, port):
        return self.quote(port, 502)

    @cherrypy.expose
    def timeout(self, port):
        return self.quote(port, 504, timeout=0.3)

    @cherrypy.expose(["fetch-reset"])
    def fetch_reset(self, port):
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
            c.request("GET", "/quote")
            return c.getresponse().read()
        except (OSError, http.client.HTTPException):
            return failed("quote service call failed", 502)

    @cherrypy.expose
    @cherrypy.config(**{"response.stream": True})
    def partial(self, port):
        r = urllib.request.urlopen("http://127.0.0.1:%d/report" % int(port), timeout=5)
        cherrypy.response.headers["Content-Type"] = r.headers.get("Content-Type", "text/plain")

        def relay():
            with r:
                while block := r.read(CHUNK):
                    yield block

        return relay()

    @cherrypy.expose
    def epipe(self, port):
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as s:
                for _ in range(64):
                    s.sendall(b"z" * CHUNK)
        except OSError:
            return failed("push to the audit service failed", 502)
        return failed("push to the audit service failed", 502)


class Root:
    def __init__(self):
        self.__lab = Lab()
        self.outbound = Outbound()

    def _cp_dispatch(self, vpath):
        if vpath and vpath[0] == "__lab":
            vpath.pop(0)
            return self.__lab
        return None

    @cherrypy.expose
    def small(self):
        cherrypy.response.headers["Content-Type"] = "text/plain"
        return "hello\n"

    @cherrypy.expose
    @cherrypy.config(**{"response.stream": True})
    def big(self):
        cherrypy.response.headers["Content-Type"] = "application/octet-stream"

        def chunks():
            with open(BIG, "rb") as f:
                while block := f.read(CHUNK):
                    yield block

        return chunks()

    @cherrypy.expose(["big-file"])
    def big_file(self):
        return serve_file(BIG, "application/octet-stream")

    @cherrypy.expose
    @cherrypy.config(**{"request.process_request_body": False})
    def upload(self):
        path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
        left = int(cherrypy.request.headers.get("Content-Length", 0))
        with open(path, "wb") as f:
            while left > 0:
                block = cherrypy.request.rfile.read(min(CHUNK, left))
                if not block:
                    break
                f.write(block)
                left -= len(block)
        os.unlink(path)
        return "stored\n"

    @cherrypy.expose
    @cherrypy.config(**{"response.stream": True})
    def events(self):
        cherrypy.response.headers["Content-Type"] = "text/event-stream"

        def ticks():
            n = 0
            while True:
                yield b"data: tick %d\n\n" % n
                n += 1
                time.sleep(0.05)

        return ticks()

    @cherrypy.expose
    def boom(self):
        user = None
        return user.name


if __name__ == "__main__":
    cherrypy.config.update({
        "server.socket_host": "127.0.0.1",
        "server.socket_port": int(os.environ["PORT"]),
        "environment": "production",
        "log.screen": True,
    })
    cherrypy.quickstart(Root())
