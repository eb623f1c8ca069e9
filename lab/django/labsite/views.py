# The lab app's views, written as Django views usually are: StreamingHttpResponse for downloads
# and SSE, FileResponse for a file, request.read() for uploads, urllib / http.client / sockets
# for outbound calls; a failed outbound call is logged with log.exception and answered 502/504.
# Under the default LOGGING this logger's records reach Python's last-resort handler (WARNING
# and up, the bare message); the phase marker goes to django.server, the one logger Django's
# default LOGGING prints at INFO, so that it has the log's usual prefix. Routes: lab/README.md
# (and /big-file, the same 32 MiB as a FileResponse).
import http.client
import logging
import os
import socket
import time
import urllib.request

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger("app")
server_log = logging.getLogger("django.server")
BIG = os.environ["BIG_FILE"]
UPLOADS = os.environ["UPLOAD_DIR"]
CHUNK = 64 * 1024


def phase(request):
    server_log.info("LAB PHASE %s", request.GET["name"])
    return HttpResponse("ok\n", content_type="text/plain")


def small(request):
    return HttpResponse("hello\n", content_type="text/plain")


def big(request):
    def chunks():
        with open(BIG, "rb") as f:
            while block := f.read(CHUNK):
                yield block

    return StreamingHttpResponse(chunks(), content_type="application/octet-stream")


def big_file(request):
    return FileResponse(open(BIG, "rb"), content_type="application/octet-stream")


@csrf_exempt
def upload(request):
    path = os.path.join(UPLOADS, "upload-%d-%s" % (os.getpid(), os.urandom(8).hex()))
    with open(path, "wb") as f:
        while block := request.read(CHUNK):
            f.write(block)
    os.unlink(path)
    return HttpResponse("stored\n", content_type="text/plain")


def events(request):
    def ticks():
        n = 0
        while True:
            yield "data: tick %d\n\n" % n
            n += 1
            time.sleep(0.05)

    return StreamingHttpResponse(ticks(), content_type="text/event-stream")


def boom(request):
    user = None
    return HttpResponse(user.name)


def helper(request, path):
    return "http://127.0.0.1:%d%s" % (int(request.GET["port"]), path)


def quote(request, status, timeout=5):
    try:
        with urllib.request.urlopen(helper(request, "/quote"), timeout=timeout) as r:
            return HttpResponse(r.read(), content_type="text/plain")
    except OSError:
        log.exception("quote service call failed")
        return HttpResponse("upstream failed\n", status=status, content_type="text/plain")


def outbound_reset(request):
    return quote(request, 502)


def outbound_timeout(request):
    return quote(request, 504, timeout=0.3)


def outbound_fetch_reset(request):
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(request.GET["port"]), timeout=5)
        c.request("GET", "/quote")
        return HttpResponse(c.getresponse().read(), content_type="text/plain")
    except (OSError, http.client.HTTPException):
        log.exception("quote service call failed")
        return HttpResponse("upstream failed\n", status=502, content_type="text/plain")


def outbound_partial(request):
    r = urllib.request.urlopen(helper(request, "/report"), timeout=5)

    def relay():
        with r:
            while block := r.read(CHUNK):
                yield block

    return StreamingHttpResponse(relay(), content_type=r.headers.get("Content-Type", "text/plain"))


def outbound_epipe(request):
    try:
        with socket.create_connection(("127.0.0.1", int(request.GET["port"])), timeout=5) as s:
            for _ in range(64):
                s.sendall(b"z" * CHUNK)
    except OSError:
        log.exception("push to the audit service failed")
    return HttpResponse("upstream failed\n", status=502, content_type="text/plain")
