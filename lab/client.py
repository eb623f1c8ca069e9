#!/usr/bin/env python3
"""The capture lab's shared client (standard library only; loopback only; every loop bounded).

  client.py --base http://127.0.0.1:PORT --log LOG --truth TRUTH.json --phases P1,P2,...
            [--family NAME] [--count-scale N] [--port-in-use-cmd CMD] [--allow PHASE=REGEX]...

Runs the phases one after the other. Each phase is one kind of client behaviour (an abort, a
genuine error the server must keep, or ordinary traffic). Before a phase the client asks the
server for GET /__lab/phase?name=PHASE, which the lab app logs as one line `LAB PHASE PHASE`
through its ordinary logger; after the phase it waits until LOG stops growing, so that whatever
the server writes about a phase lands between its marker and the next one. At the end it asks for
`GET /__lab/phase?name=end` and writes TRUTH.json (see lab/README.md for the format).

The lab app's routes (lab/README.md): /big (a 32 MiB body), /small, POST /upload, /events (SSE),
/boom (an application exception), /outbound/{reset,fetch-reset,epipe,refused,timeout}?port=P
(the app calls a helper this client runs on port P).

  client.py settle LOG
      Waits until LOG stops growing (used by the capture scripts at start and stop).
"""
import argparse
import http.client
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

HOST = "127.0.0.1"
TIMEOUT = 20  # seconds, for any single socket operation
PART = 256 * 1024  # bytes read of /big before an abort
UPLOAD_SIZE = 8 * 1024 * 1024  # the Content-Length announced by an upload
UPLOAD_SENT = 256 * 1024  # bytes of it sent before an upload abort


def settle(log, quiet=0.5, limit=15.0):
    """Waits until `log` has not grown for `quiet` seconds (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    last = -1
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        try:
            size = os.path.getsize(log)
        except OSError:
            size = -1
        now = time.monotonic()
        if size != last:
            last = size
            stable_since = now
        elif now - stable_since >= quiet:
            return True
        time.sleep(0.05)
    return False


class Base:
    """The server under test: http://127.0.0.1:PORT, or https:// for a family whose every
    request goes over TLS (tomcat10-apr: the aborts then meet the server's TLS engine). The
    certificate is the capture's self-signed one, so it is not verified."""

    def __init__(self, base):
        m = re.match(r"^(https?)://127\.0\.0\.1:(\d+)$", base)
        if not m:
            sys.exit("client.py: --base must be http://127.0.0.1:PORT or https://127.0.0.1:PORT")
        self.tls = m.group(1) == "https"
        self.port = int(m.group(2))
        self.base = base

    def context(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def connect(self):
        s = socket.create_connection((HOST, self.port), timeout=TIMEOUT)
        if self.tls:
            s = self.context().wrap_socket(s, server_hostname="localhost")
        return s

    def request(self, method, path, body=b"", headers=None):
        """One request on a fresh connection; returns (status, body bytes)."""
        if self.tls:
            c = http.client.HTTPSConnection(HOST, self.port, timeout=TIMEOUT, context=self.context())
        else:
            c = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            c.request(method, path, body=body if method == "POST" else None, headers=headers or {})
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()


def rst_close(s):
    """Closes `s` with SO_LINGER 0: the kernel sends RST instead of FIN."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def drain(s):
    """Reads whatever is already buffered, so that close() sends FIN rather than RST."""
    s.setblocking(False)
    for _ in range(10000):
        try:
            if not s.recv(1 << 16):
                break
        except (BlockingIOError, InterruptedError):
            break
        except OSError:
            break
    s.setblocking(True)


def read_part(s, n):
    got = 0
    while got < n:
        chunk = s.recv(min(1 << 16, n - got))
        if not chunk:
            break
        got += len(chunk)
    return got


# --- helpers the app calls out to (its OUTBOUND connections) -------------------------------


class Helper:
    """A loopback listener with one behaviour for every connection it accepts."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.ls = socket.socket()
        self.ls.bind((HOST, 0))
        self.ls.listen(64)
        self.ls.settimeout(0.5)
        self.port = self.ls.getsockname()[1]
        self.held = []
        self.stop = False
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.stop:
            try:
                c, _ = self.ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.serve(c)
            except OSError:
                pass

    def serve(self, c):
        c.settimeout(5)
        if self.behaviour == "reset":
            # Reads the request head, then resets: the app's outbound call sees ECONNRESET.
            try:
                c.recv(65536)
            except OSError:
                pass
            rst_close(c)
        elif self.behaviour == "hangup":
            # Reads the request head, then closes (FIN) without answering: "socket hang up".
            try:
                c.recv(65536)
            except OSError:
                pass
            c.close()
        elif self.behaviour == "partial":
            # Answers 200 with a Content-Length of 1 MiB, sends 64 KiB of it and resets: the
            # app's outbound response is cut short.
            try:
                c.recv(65536)
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1048576\r\n\r\n")
                c.sendall(b"q" * 65536)
                time.sleep(0.1)
            except OSError:
                pass
            rst_close(c)
        elif self.behaviour == "close":
            # Accepts and closes at once without reading: the app's writes get EPIPE/ECONNRESET.
            c.close()
        elif self.behaviour == "hang":
            # Accepts and never answers: the app's outbound call times out.
            self.held.append(c)

    def close(self):
        self.stop = True
        for c in self.held:
            c.close()
        self.ls.close()


def refused_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- phases -------------------------------------------------------------------------------


DOWNLOADS = ["/big"]  # --download-paths: the abort phases take them in turn


def download(i):
    return DOWNLOADS[i % len(DOWNLOADS)]


def get(path):
    return b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path.encode()


def abort_fin(b, i):
    s = b.connect()
    s.sendall(get(download(i)))
    read_part(s, PART)
    drain(s)
    s.close()


def abort_rst(b, i):
    s = b.connect()
    s.sendall(get(download(i)))
    read_part(s, PART)
    rst_close(s)


def abort_early(b, i):
    s = b.connect()
    s.sendall(get(download(i)))
    rst_close(s)


def abort_maxtime(b, i):
    r = subprocess.run(
        ["curl", "-s", "-k", "-o", "/dev/null", "--limit-rate", "1M", "--max-time", "0.5", b.base + download(i)],
        timeout=TIMEOUT,
    )
    if r.returncode != 28:
        raise RuntimeError("curl --max-time exited %d, not 28" % r.returncode)


def upload(b, how):
    s = b.connect()
    s.sendall(
        b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\n\r\n" % UPLOAD_SIZE
    )
    s.sendall(b"x" * UPLOAD_SENT)
    time.sleep(0.05)
    if how == "fin":
        s.shutdown(socket.SHUT_WR)
        drain(s)
        s.close()
    else:
        rst_close(s)


def abort_sse(b):
    s = b.connect()
    s.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    s.recv(4096)
    time.sleep(0.2)
    drain(s)
    s.close()


def ok(b, i):
    # Ordinary traffic: small GETs, a whole /big, a whole upload.
    if i % 10 == 8:
        path = download(i // 10)
        status, body = b.request("GET", path)
        expect(status == 200 and len(body) == 32 * 1024 * 1024, "GET " + path, status)
    elif i % 10 == 9:
        status, _ = b.request("POST", "/upload", b"y" * (1 << 20), {"Content-Type": "application/octet-stream"})
        expect(status == 200, "POST /upload", status)
    else:
        status, _ = b.request("GET", "/small")
        expect(status == 200, "GET /small", status)


def expect(cond, what, status):
    if not cond:
        raise RuntimeError("%s: unexpected status %s" % (what, status))


def outbound(path, want):
    def run(b, _h):
        status, _ = b.request("GET", path(_h))
        expect(status == want, "GET " + path(_h), status)

    return run


def partial(b):
    def run(b, h):
        try:
            b.request("GET", "/outbound/partial?port=%d" % h["partial"].port)
        except (http.client.HTTPException, OSError):
            pass  # the app passes the cut-off on: a truncated body or a reset

    return run


def bad_request(b):
    s = b.connect()
    s.sendall(b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nThis is not a header\r\n\r\n")
    data = s.recv(4096)
    s.close()
    # aiohttp answers a request it could not parse as HTTP/1.0.
    expect(re.match(rb"HTTP/1\.[01] 400 ", data) is not None, "malformed request", data[:12])


def boom(b):
    status, _ = b.request("GET", "/boom")
    expect(status == 500, "GET /boom", status)


# name: (kind, count, what the client does, function(base, helpers, i))
PHASES = {
    "ok": ("ok", 20, "ordinary requests: GET /small, whole GET /big (32 MiB), whole 1 MiB POST /upload",
           lambda b, h, i: ok(b, i)),
    "abort-fin": ("abort", 20, "GET /big, read 256 KiB, drain what arrived, close (FIN; the server's later writes meet an RST: EPIPE or ECONNRESET)",
                  lambda b, h, i: abort_fin(b, i)),
    "abort-rst": ("abort", 20, "GET /big, read 256 KiB, close with SO_LINGER 0 (RST with unread data)",
                  lambda b, h, i: abort_rst(b, i)),
    "abort-early": ("abort", 20, "GET /big and reset (SO_LINGER 0) right after sending the request",
                    lambda b, h, i: abort_early(b, i)),
    "abort-maxtime": ("abort", 10, "curl --limit-rate 1M --max-time 0.5 GET /big (curl exits 28)",
                      lambda b, h, i: abort_maxtime(b, i)),
    "upload-fin": ("abort", 20, "POST /upload announcing 8 MiB, send 256 KiB, shutdown(SHUT_WR) and close (read-side EOF mid-body)",
                   lambda b, h, i: upload(b, "fin")),
    "upload-rst": ("abort", 20, "POST /upload announcing 8 MiB, send 256 KiB, close with SO_LINGER 0 (RST mid-body)",
                   lambda b, h, i: upload(b, "rst")),
    "abort-sse": ("abort", 10, "GET /events (server-sent events), read the first event, vanish (close)",
                  lambda b, h, i: abort_sse(b)),
    "genuine-outbound-reset": ("genuine", 5, "GET /outbound/reset: the app's http.get to a helper that reads the request and resets (expects 502)",
                               lambda b, h, i: outbound(lambda h: "/outbound/reset?port=%d" % h["reset"].port, 502)(b, h)),
    "genuine-outbound-hangup": ("genuine", 5, "GET /outbound/reset to a helper that reads the request and closes without answering (expects 502)",
                                lambda b, h, i: outbound(lambda h: "/outbound/reset?port=%d" % h["hangup"].port, 502)(b, h)),
    "genuine-outbound-partial": ("genuine", 5, "GET /outbound/partial: the app pipes an outbound response that the helper cuts off after 64 KiB of 1 MiB with a reset (the client gets a truncated 200)",
                                 lambda b, h, i: partial(b)(b, h)),
    "genuine-outbound-fetch-reset": ("genuine", 5, "GET /outbound/fetch-reset: the app's fetch() to the resetting helper (expects 502)",
                                     lambda b, h, i: outbound(lambda h: "/outbound/fetch-reset?port=%d" % h["reset"].port, 502)(b, h)),
    "genuine-outbound-epipe": ("genuine", 5, "GET /outbound/epipe: the app writes 4 MiB on a raw socket to a helper that closes at once (expects 502)",
                               lambda b, h, i: outbound(lambda h: "/outbound/epipe?port=%d" % h["close"].port, 502)(b, h)),
    "genuine-refused": ("genuine", 5, "GET /outbound/refused: the app's http.get to a closed port (expects 502)",
                        lambda b, h, i: outbound(lambda h: "/outbound/refused?port=%d" % h["refused"], 502)(b, h)),
    "genuine-timeout": ("genuine", 3, "GET /outbound/timeout: the app's fetch() with a 300 ms timeout to a helper that never answers (expects 504)",
                        lambda b, h, i: outbound(lambda h: "/outbound/timeout?port=%d" % h["hang"].port, 504)(b, h)),
    "genuine-exception": ("genuine", 5, "GET /boom: the handler throws a TypeError (expects 500)",
                          lambda b, h, i: boom(b)),
    "genuine-bad-request": ("genuine", 5, "a request with a malformed header line (expects 400)",
                            lambda b, h, i: bad_request(b)),
}


# --- phases added for the Python families ----------------------------------------------------


def abort_head_rst(b):
    # The request line and part of the headers, then a reset: the server is still reading the
    # request head (Django's runserver logs this, and only this, as "Broken pipe from").
    s = b.connect()
    s.sendall(b"GET /small HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: lab")
    time.sleep(0.05)
    rst_close(s)


PHASES.update({
    "abort-head-rst": ("abort", 10, "GET /small: the request line and part of the headers, then reset (SO_LINGER 0) while the server reads the head",
                       lambda b, h, i: abort_head_rst(b)),
})


# --- TLS handshakes abandoned (families that also listen with TLS) ---------------------------
# The server's TLS port is LAB_TLS_PORT in the environment (127.0.0.1 only). The client hello
# is made by Python's ssl module on memory buffers, so a phase can send all of it, part of it,
# or nothing, and leave in its own way.


def tls_connect():
    port = int(os.environ.get("LAB_TLS_PORT", "0"))
    if not port:
        raise RuntimeError("a TLS phase needs LAB_TLS_PORT")
    return socket.create_connection((HOST, port), timeout=TIMEOUT)


def hello_bytes():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    out = ssl.MemoryBIO()
    obj = ctx.wrap_bio(ssl.MemoryBIO(), out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def tls_abandon(how):
    s = tls_connect()
    if how == "connect":
        s.close()  # a TCP connection that never says hello (a port check, a browser's spare)
        return
    hello = hello_bytes()
    if how == "partial":
        s.sendall(hello[: len(hello) // 2])
        time.sleep(0.05)
        s.close()
        return
    s.sendall(hello)
    if how == "hello-rst":
        rst_close(s)  # reset as soon as the hello is out
        return
    # hello-fin: read the server's first flight, then leave without answering it.
    s.recv(65536)
    time.sleep(0.05)
    drain(s)
    s.close()


def tls_untrusted():
    # A verifying client meets the self-signed certificate: it sends an alert and leaves.
    s = tls_connect()
    ctx = ssl.create_default_context()
    try:
        ctx.wrap_socket(s, server_hostname="localhost").close()
    except ssl.SSLCertVerificationError:
        return
    finally:
        s.close()
    raise RuntimeError("the self-signed certificate was trusted")


def tls_not_tls():
    # Something that is neither TLS nor HTTP on the TLS port (a misdirected SSH client).
    s = tls_connect()
    s.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    time.sleep(0.1)
    drain(s)
    s.close()


PHASES.update({
    "tls-abandon-connect": ("abort", 10, "connect to the TLS port and close at once, before any client hello (FIN)",
                            lambda b, h, i: tls_abandon("connect")),
    "tls-abandon-partial": ("abort", 10, "send half a TLS client hello, close (FIN mid-record)",
                            lambda b, h, i: tls_abandon("partial")),
    "tls-abandon-hello-fin": ("abort", 10, "send a TLS client hello, read the server's first flight, close without answering (FIN)",
                              lambda b, h, i: tls_abandon("hello-fin")),
    "tls-abandon-hello-rst": ("abort", 10, "send a TLS client hello, reset at once (SO_LINGER 0) with the server's answer unread",
                              lambda b, h, i: tls_abandon("hello-rst")),
    "genuine-tls-untrusted": ("genuine", 5, "a verifying TLS client rejects the self-signed certificate (it sends an alert and leaves)",
                              lambda b, h, i: tls_untrusted()),
    "genuine-tls-not-tls": ("genuine", 5, "an SSH banner sent to the TLS port (neither TLS nor HTTP)",
                            lambda b, h, i: tls_not_tls()),
})

# --- a proxy's upstream timeout (families whose proxy answers it 502) -----------------------

PHASES.update({
    "genuine-proxy-timeout": ("genuine", 3, "GET /outbound/timeout: the proxy's upstream never answers; the proxy gives up and answers 502 (httputil.ReverseProxy's default error handler)",
                                 lambda b, h, i: outbound(lambda h: "/outbound/timeout?port=%d" % h["hang"].port, 502)(b, h)),
})


# --- HTTP/2 (cleartext, prior knowledge): a stream reset by its client -----------------------
# Only the frames these phases need: the preface, SETTINGS (and its ACK), one HEADERS with
# HPACK literals (no Huffman, no table changes), DATA read and counted, RST_STREAM, GOAWAY.


def h2_frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream) + payload


def h2_read_frame(s):
    head = b""
    while len(head) < 9:
        chunk = s.recv(9 - len(head))
        if not chunk:
            raise ConnectionError("HTTP/2 connection closed by the server")
        head += chunk
    length = int.from_bytes(head[:3], "big")
    body = b""
    while len(body) < length:
        chunk = s.recv(length - len(body))
        if not chunk:
            raise ConnectionError("HTTP/2 connection closed by the server")
        body += chunk
    return head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF, body


def h2_get(b, path):
    """Opens an h2c connection and asks for `path` on stream 1; returns the socket."""

    def literal(index, value):  # literal header field without indexing, indexed name
        v = value.encode()
        return bytes([index]) + bytes([len(v)]) + v

    s = b.connect()
    # Windows as large as a browser's, so the server is held back by TCP, not by flow control:
    # SETTINGS_INITIAL_WINDOW_SIZE for the stream, a WINDOW_UPDATE for the connection.
    settings = h2_frame(0x4, 0, 0, struct.pack(">HI", 0x4, 0x7FFFFFFF))
    window = h2_frame(0x8, 0, 0, struct.pack(">I", 0x7FFFFFFF - 65535))
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + settings + window)
    block = b"\x82\x86" + literal(0x04, path) + literal(0x01, "127.0.0.1:%d" % b.port)
    s.sendall(h2_frame(0x1, 0x5, 1, block))  # HEADERS, END_STREAM | END_HEADERS
    return s


def h2_read_data(s, want):
    """Reads frames until `want` bytes of DATA arrived on stream 1 (ACKing SETTINGS)."""
    got = 0
    for _ in range(10000):
        ftype, flags, stream, body = h2_read_frame(s)
        if ftype == 0x4 and not flags & 0x1:
            s.sendall(h2_frame(0x4, 0x1, 0))
        elif ftype == 0x0 and stream == 1:
            got += len(body)
            if got >= want:
                return got
        elif ftype in (0x3, 0x7):
            raise ConnectionError("HTTP/2 stream or connection ended by the server")
    return got


def h2_cancel(s, goaway=False):
    """Cancels stream 1 as a client that gave up does (RST_STREAM CANCEL), then, after the
    server had time to act on it, says goodbye (GOAWAY NO_ERROR) if asked, and closes."""
    s.sendall(h2_frame(0x3, 0, 1, struct.pack(">I", 0x8)))  # RST_STREAM CANCEL
    time.sleep(0.2)
    if goaway:
        s.sendall(h2_frame(0x7, 0, 0, struct.pack(">II", 1, 0)))  # GOAWAY NO_ERROR
    drain(s)
    s.close()


def h2_abort(b, how, i):
    s = h2_get(b, download(i))
    h2_read_data(s, PART)
    if how == "rst":
        h2_cancel(s, goaway=True)
    else:
        rst_close(s)


PHASES.update({
    "h2-rst": ("abort", 10, "HTTP/2 (h2c, prior knowledge, large flow-control windows) GET of the download, read 256 KiB, RST_STREAM CANCEL, then GOAWAY and close",
               lambda b, h, i: h2_abort(b, "rst", i)),
    "h2-close": ("abort", 10, "HTTP/2 (h2c, prior knowledge, large flow-control windows) GET of the download, read 256 KiB, close the connection with SO_LINGER 0 (RST)",
                 lambda b, h, i: h2_abort(b, "close", i)),
})


# --- gRPC (over h2c, prior knowledge): calls cancelled or cut off by their client ------------
# A gRPC call is an HTTP/2 POST to /SERVICE/METHOD with content-type application/grpc whose
# DATA frames hold length-prefixed messages; the grpc-java family's service (lab.Lab) takes
# and gives raw bytes, so no protobuf is needed. --marker grpc sends the phase markers as the
# unary call lab.Lab/Phase. The reply's trailers (grpc-status) are not decoded (HPACK with
# Huffman): a call is done when its stream ends, either way.

GRPC_FRAME = 16384 - 5  # one message per DATA frame of the default maximum frame size


def grpc_open(b, method):
    """Opens an h2c connection with a gRPC call to `method` on stream 1; returns the socket."""

    def literal(index, value):  # literal header field without indexing, indexed name (< 15)
        v = value.encode()
        return bytes([index, len(v)]) + v

    s = b.connect()
    settings = h2_frame(0x4, 0, 0, struct.pack(">HI", 0x4, 0x7FFFFFFF))
    window = h2_frame(0x8, 0, 0, struct.pack(">I", 0x7FFFFFFF - 65535))
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + settings + window)
    block = (b"\x83\x86" + literal(0x04, method) + literal(0x01, "127.0.0.1:%d" % b.port)
             + b"\x0f\x10\x10application/grpc" + b"\x00\x02te\x08trailers")
    s.sendall(h2_frame(0x1, 0x4, 1, block))  # HEADERS, END_HEADERS (the messages follow)
    return s


def grpc_send(s, message, end=False):
    s.sendall(h2_frame(0x0, 0x1 if end else 0, 1, b"\x00" + struct.pack(">I", len(message)) + message))


def grpc_read(s, want=None):
    """Reads frames of stream 1 (ACKing SETTINGS and PING) until `want` bytes of DATA came or,
    without `want`, until the call ends (trailers or RST_STREAM); returns the DATA bytes read."""
    got = 0
    for _ in range(100000):
        ftype, flags, stream, body = h2_read_frame(s)
        if ftype == 0x4 and not flags & 0x1:
            s.sendall(h2_frame(0x4, 0x1, 0))
        elif ftype == 0x6 and not flags & 0x1:
            s.sendall(h2_frame(0x6, 0x1, 0, body))
        elif ftype == 0x0 and stream == 1:
            got += len(body)
            if want is not None and got >= want:
                return got
        elif (ftype == 0x1 and stream == 1 and flags & 0x1) or (ftype == 0x3 and stream == 1):
            return got
        elif ftype == 0x7:
            raise ConnectionError("HTTP/2 connection ended by the server")
    return got


def grpc_unary(b, method, message):
    s = grpc_open(b, method)
    try:
        grpc_send(s, message, end=True)
        return grpc_read(s)
    finally:
        s.close()


def grpc_download(b, how, i):
    s = grpc_open(b, download(i))
    grpc_send(s, b"big.bin", end=True)
    if how == "early":
        rst_close(s)
        return
    grpc_read(s, PART)
    if how == "cancel":
        h2_cancel(s, goaway=True)
    else:
        rst_close(s)


def grpc_events(b):
    s = grpc_open(b, "/lab.Lab/Events")
    grpc_send(s, b"", end=True)
    grpc_read(s, 1)
    time.sleep(0.2)
    h2_cancel(s)


def grpc_upload(b, how):
    s = grpc_open(b, "/lab.Lab/Upload")
    for _ in range(3):  # within HTTP/2's initial 64 KiB window
        grpc_send(s, b"x" * GRPC_FRAME)
    if how == "whole":
        grpc_send(s, b"x" * 1000, end=True)
        grpc_read(s)
        s.close()
        return
    time.sleep(0.05)
    if how == "cancel":
        h2_cancel(s)
    elif how == "fin":
        s.shutdown(socket.SHUT_WR)
        drain(s)
        s.close()
    else:
        rst_close(s)


def grpc_ok(b, i):
    if i % 10 == 8:
        got = grpc_unary(b, DOWNLOADS[0], b"big.bin")
        expect(got >= 32 * 1024 * 1024, "whole download", got)
    elif i % 10 == 9:
        grpc_upload(b, "whole")
    else:
        grpc_unary(b, "/lab.Lab/Small", b"")


def grpc_outbound(b, spec):
    grpc_unary(b, "/lab.Lab/Outbound", spec.encode())


def grpc_http1(b):
    # An HTTP/1.1 request on the gRPC port (a health check pointed at the wrong protocol).
    s = b.connect()
    s.sendall(get("/small"))
    time.sleep(0.1)
    drain(s)
    s.close()


PHASES.update({
    "grpc-ok": ("ok", 20, "ordinary gRPC calls: unary lab.Lab/Small, a whole server-streaming download (32 MiB in 64 KiB messages), a whole client-streaming upload",
                lambda b, h, i: grpc_ok(b, i)),
    "grpc-cancel": ("abort", 20, "server-streaming download, read 256 KiB, RST_STREAM CANCEL (what a gRPC client's cancel() sends), then GOAWAY and close",
                    lambda b, h, i: grpc_download(b, "cancel", i)),
    "grpc-reset": ("abort", 20, "server-streaming download, read 256 KiB, reset the TCP connection (SO_LINGER 0)",
                   lambda b, h, i: grpc_download(b, "reset", i)),
    "grpc-early": ("abort", 20, "server-streaming download, reset the TCP connection right after sending the request",
                   lambda b, h, i: grpc_download(b, "early", i)),
    "grpc-events": ("abort", 10, "server-streaming watch (a tick every 50 ms), read the first tick, RST_STREAM CANCEL, close",
                    lambda b, h, i: grpc_events(b)),
    "grpc-upload-cancel": ("abort", 20, "client-streaming upload, three 16 KiB messages, RST_STREAM CANCEL, close",
                           lambda b, h, i: grpc_upload(b, "cancel")),
    "grpc-upload-fin": ("abort", 20, "client-streaming upload, three 16 KiB messages, shutdown(SHUT_WR) and close (EOF mid-call)",
                        lambda b, h, i: grpc_upload(b, "fin")),
    "grpc-upload-reset": ("abort", 20, "client-streaming upload, three 16 KiB messages, reset the TCP connection (SO_LINGER 0)",
                          lambda b, h, i: grpc_upload(b, "reset")),
    "genuine-grpc-outbound-reset": ("genuine", 5, "unary call whose handler GETs a helper that reads the request and resets (an OUTBOUND Connection reset)",
                                    lambda b, h, i: grpc_outbound(b, "%d:/quote:5000" % h["reset"].port)),
    "genuine-grpc-outbound-hangup": ("genuine", 5, "unary call whose handler GETs a helper that closes without answering",
                                     lambda b, h, i: grpc_outbound(b, "%d:/quote:5000" % h["hangup"].port)),
    "genuine-grpc-outbound-partial": ("genuine", 5, "unary call whose handler GETs a helper that cuts its answer off with a reset",
                                      lambda b, h, i: grpc_outbound(b, "%d:/report:5000" % h["partial"].port)),
    "genuine-grpc-outbound-epipe": ("genuine", 5, "unary call whose handler writes 4 MiB on a raw socket to a helper that closes at once (an OUTBOUND Broken pipe)",
                                    lambda b, h, i: grpc_unary(b, "/lab.Lab/Push", b"%d" % h["close"].port)),
    "genuine-grpc-refused": ("genuine", 5, "unary call whose handler GETs a closed port (Connection refused)",
                             lambda b, h, i: grpc_outbound(b, "%d:/quote:5000" % h["refused"])),
    "genuine-grpc-timeout": ("genuine", 5, "unary call whose handler GETs a helper that never answers, with a 300 ms read timeout",
                             lambda b, h, i: grpc_outbound(b, "%d:/quote:300" % h["hang"].port)),
    "genuine-grpc-exception": ("genuine", 5, "unary lab.Lab/Boom: the handler throws a NullPointerException",
                               lambda b, h, i: grpc_unary(b, "/lab.Lab/Boom", b"")),
    "genuine-grpc-http1": ("genuine", 1, "an HTTP/1.1 GET on the gRPC port (not HTTP/2)",
                           lambda b, h, i: grpc_http1(b)),
})


# --- proxies: the upstream is the failure (lab/proxy_backend.py) --------------------------


def upstream(path):
    """GET PATH through a proxy whose backend fails it: any 5xx will do (each proxy has its own
    status for each failure), as will a response cut short (the backend's partial body) or a
    proxy that closes without answering (tinyproxy on a timeout)."""

    def run(b):
        try:
            status, _ = b.request("GET", path)
        except (http.client.HTTPException, OSError):
            return
        expect(status >= 500 or path == "/upstream/partial", "GET " + path, status)

    return run


def abort_slow(b):
    """GET /upstream/timeout through a proxy and leave (FIN) after 0.2 s, while the backend is
    still silent: the proxy meets the client's departure only when it has an answer to give."""
    s = b.connect()
    s.sendall(get("/upstream/timeout"))
    time.sleep(0.2)
    s.close()


PHASES.update({
    "abort-slow": ("abort", 5, "GET /upstream/timeout through a proxy, close (FIN) after 0.2 s while the backend is still silent",
                   lambda b, h, i: abort_slow(b)),
    "genuine-upstream-reset": ("genuine", 5, "GET /upstream/reset: the proxy's backend reads the request and resets (expects a 5xx)",
                               lambda b, h, i: upstream("/upstream/reset")(b)),
    "genuine-upstream-hangup": ("genuine", 5, "GET /upstream/hangup: the proxy's backend closes without answering (expects a 5xx)",
                                lambda b, h, i: upstream("/upstream/hangup")(b)),
    "genuine-upstream-partial": ("genuine", 5, "GET /upstream/partial: the proxy's backend sends 64 KiB of 1 MiB and resets (a truncated 200 or a 5xx)",
                                 lambda b, h, i: upstream("/upstream/partial")(b)),
    "genuine-upstream-refused": ("genuine", 5, "GET /upstream/refused/: the proxy sends it to a closed port (expects a 5xx)",
                                 lambda b, h, i: upstream("/upstream/refused/")(b)),
    "genuine-upstream-timeout": ("genuine", 3, "GET /upstream/timeout: the proxy's backend answers late, past the proxy's timeout (a 5xx, or no answer)",
                                 lambda b, h, i: upstream("/upstream/timeout")(b)),
})


MARKER = ["http"]  # --marker: how the phase markers are asked for


def marker(b, name):
    if MARKER[0] == "grpc":
        grpc_unary(b, "/lab.Lab/Phase", name.encode())
        return
    status, _ = b.request("GET", "/__lab/phase?name=" + name)
    expect(status == 200, "phase marker " + name, status)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "settle":
        sys.exit(0 if settle(sys.argv[2]) else 1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--log", required=True, help="the log file holding the phase markers")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--phases", required=True)
    ap.add_argument("--family", default="")
    ap.add_argument("--port-in-use-cmd", default="",
                    help="a phase genuine-port-in-use runs this command (a second instance on the same port)")
    ap.add_argument("--allow", action="append", default=[],
                    help="PHASE=REGEX: a line the abort phase may keep (an access line, say); PHASE * for all")
    ap.add_argument("--download-paths", default="/big",
                    help="comma-separated paths of the 32 MiB download, taken in turn by the abort phases")
    ap.add_argument("--marker", choices=("http", "grpc"), default="http",
                    help="grpc: the markers are the unary call lab.Lab/Phase (the grpc-java family)")
    ap.add_argument("--note", action="append", default=[], help="PHASE=TEXT: what was seen")
    ap.add_argument("--pending", default="",
                    help="why this family's aborts cannot be squashed yet (the check then holds it to precision only)")
    ap.add_argument("--kept", action="append", default=[],
                    help="PHASE=REGEX: the first line of a record an abort phase keeps by design (see lab/README.md)")
    ap.add_argument("--echo", action="append", default=[],
                    help="PHASE=REGEX: the first line of a record a genuine phase may lose (see lab/README.md)")
    a = ap.parse_args()
    b = Base(a.base)
    DOWNLOADS[:] = a.download_paths.split(",")
    MARKER[0] = a.marker
    helpers = {
        "reset": Helper("reset"),
        "close": Helper("close"),
        "hangup": Helper("hangup"),
        "partial": Helper("partial"),
        "hang": Helper("hang"),
        "refused": refused_port(),
    }
    allow = {}
    for spec in a.allow:
        k, _, v = spec.partition("=")
        if k == "*":
            for name in a.phases.split(","):
                allow.setdefault(name, []).append(v)
            continue
        re.compile(v)
        allow.setdefault(k, []).append(v)
    notes = dict(n.partition("=")[::2] for n in a.note)
    kept = {}
    for spec in a.kept:
        k, _, v = spec.partition("=")
        re.compile(v)
        kept.setdefault(k, []).append(v)
    echoes = {}
    for spec in a.echo:
        k, _, v = spec.partition("=")
        re.compile(v)
        echoes.setdefault(k, []).append(v)
    phases = []
    failed = 0
    settle(a.log)
    for name in a.phases.split(","):
        if name == "genuine-port-in-use":
            kind, count, did = "genuine", 1, "a second instance started on the same port (it must fail: EADDRINUSE)"
        elif name in PHASES:
            kind, count, did, fn = PHASES[name]
        else:
            sys.exit("client.py: unknown phase %s" % name)
        marker(b, name)
        settle(a.log)
        done = 0
        errors = []
        for i in range(count):
            try:
                if name == "genuine-port-in-use":
                    r = subprocess.run(a.port_in_use_cmd, shell=True, timeout=30)
                    expect(r.returncode != 0, "second instance", r.returncode)
                else:
                    fn(b, helpers, i)
                done += 1
            except Exception as e:  # noqa: BLE001 - recorded in the truth, and fails the run
                errors.append(repr(e))
        settle(a.log)
        if errors:
            failed += 1
            print("client.py: phase %s: %d of %d failed: %s" % (name, len(errors), count, errors[0]), file=sys.stderr)
        p = {"name": name, "kind": kind, "requests": count, "done": done, "did": did}
        if name in allow:
            p["allowed"] = allow[name]
        if name in kept:
            p["kept"] = kept[name]
        if name in echoes:
            p["echoes"] = echoes[name]
        if name in notes:
            p["note"] = notes[name]
        phases.append(p)
    marker(b, "end")
    settle(a.log)
    for h in ("reset", "close", "hang", "hangup", "partial"):
        helpers[h].close()
    truth = {"family": a.family, "log": os.path.basename(a.log), "marker": "LAB PHASE ", "phases": phases}
    if a.pending:
        truth["pending"] = a.pending
    with open(a.truth, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
