# The lab app for the gunicorn-gevent family: a plain WSGI application under gunicorn with gevent
# workers (gunicorn monkey-patches the standard library, so urllib and sockets cooperate). The app
# logs through gunicorn's own error logger (logging.getLogger("gunicorn.error"), the usual recipe
# for sharing gunicorn's handler and format). Written as WSGI apps usually are: a generator for
# downloads and SSE, wsgi.file_wrapper for a file (gunicorn sends it with sendfile), wsgi.input
# for uploads, urllib and raw sockets for outbound calls; a failed outbound call is logged with
# log.exception and answered 502/504, an exception in the app is left to gunicorn. Routes:
# lab/README.md (and /big-file, the same 32 MiB through wsgi.file_wrapper). The same app as
# lab/waitress, but for its logger.
import http.client
import logging
import os
import socket
import time
import urllib.parse
import urllib.request

log = logging.getLogger("gunicorn.error")
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


def text(start_response, status, body, ctype="text/plain"):
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]


def big(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    with open(BIG, "rb") as f:
        while block := f.read(CHUNK):
            yield block


def big_file(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(os.path.getsize(BIG)))])
    return environ["wsgi.file_wrapper"](open(BIG, "rb"), CHUNK)


def upload(environ, start_response):
    left = int(environ.get("CONTENT_LENGTH") or 0)
    path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
    with open(path, "wb") as f:
        while left > 0:
            block = environ["wsgi.input"].read(min(CHUNK, left))
            if not block:
                break
            f.write(block)
            left -= len(block)
    os.unlink(path)
    return text(start_response, "200 OK", b"stored\n")


def events(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/event-stream")])
    n = 0
    while True:
        yield b"data: tick %d\n\n" % n
        n += 1
        time.sleep(0.05)


def boom(environ, start_response):
    user = None
    return text(start_response, "200 OK", user.name)


def quote(port, status, start_response, timeout=5):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/quote" % port, timeout=timeout) as r:
            return text(start_response, "200 OK", r.read())
    except OSError:
        log.exception("quote service call failed")
        return text(start_response, status, b"upstream failed\n")


def fetch_reset(port, start_response):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/quote")
        return text(start_response, "200 OK", c.getresponse().read())
    except (OSError, http.client.HTTPException):
        log.exception("quote service call failed")
        return text(start_response, "502 Bad Gateway", b"upstream failed\n")


def partial(port, start_response):
    r = urllib.request.urlopen("http://127.0.0.1:%d/report" % port, timeout=5)
    start_response("200 OK", [("Content-Type", r.headers.get("Content-Type", "text/plain"))])

    def relay():
        with r:
            while block := r.read(CHUNK):
                yield block

    return relay()


def epipe(port, start_response):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            for _ in range(64):
                s.sendall(b"z" * CHUNK)
    except OSError:
        log.exception("push to the audit service failed")
    return text(start_response, "502 Bad Gateway", b"upstream failed\n")


def application(environ, start_response):
    path = environ["PATH_INFO"]
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    port = int(query["port"][0]) if "port" in query else 0
    if path == "/__lab/phase":
        log.info("LAB PHASE %s", query["name"][0])
        return text(start_response, "200 OK", b"ok\n")
    if path == "/small":
        return text(start_response, "200 OK", b"hello\n")
    if path == "/big":
        return big(environ, start_response)
    if path == "/big-file":
        return big_file(environ, start_response)
    if path == "/upload":
        return upload(environ, start_response)
    if path == "/events":
        return events(environ, start_response)
    if path == "/boom":
        return boom(environ, start_response)
    if path in ("/outbound/reset", "/outbound/refused"):
        return quote(port, "502 Bad Gateway", start_response)
    if path == "/outbound/timeout":
        return quote(port, "504 Gateway Timeout", start_response, timeout=0.3)
    if path == "/outbound/fetch-reset":
        return fetch_reset(port, start_response)
    if path == "/outbound/partial":
        return partial(port, start_response)
    if path == "/outbound/epipe":
        return epipe(port, start_response)
    return text(start_response, "404 Not Found", b"not found\n")
