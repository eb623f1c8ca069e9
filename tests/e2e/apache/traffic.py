#!/usr/bin/env python3
"""Traffic for tests/e2e/apache.sh, loopback only, every loop bounded.

  traffic.py backend PORT_FILE
      A "backend" for mod_proxy_http that reads a request's headers and answers with a TCP RST
      (SO_LINGER 0). httpd then logs backend failures that name the *client* or the *remote*
      side: the look-alikes resetsquash must keep. Writes its port to PORT_FILE; ends by itself
      after 180 s.

  traffic.py client PORT ABORTS MISSING DENIED PROXY_GETS PROXY_POSTS
      Ordinary requests, genuine errors and client aborts against httpd on 127.0.0.1:PORT.
      Prints one "key=value" line per fact the shell script checks, and exits non-zero if a
      response is not what the plan expects.
"""
import os
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
BIG_SIZE = 64 * 1024 * 1024  # size of DOCROOT/big.bin (made by apache.sh)
TIMEOUT = 20


def backend(port_file):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((HOST, 0))
    ls.listen(64)
    ls.settimeout(1.0)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, port_file)

    def serve(c):
        try:
            c.settimeout(5)
            buf = b""
            while b"\r\n\r\n" not in buf and len(buf) < 65536:
                d = c.recv(4096)
                if not d:
                    break
                buf += d
        except OSError:
            pass
        finally:
            try:
                # Reset instead of answering, with the rest of any request body unread.
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            c.close()

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def connect(port):
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    return s


def read_response(s, limit=None):
    """Reads a whole Connection: close response; returns (status, body length)."""
    data = bytearray()
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        data += d
        if limit is not None and len(data) > limit:
            break
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, len(body)


def get(port, path, method="GET"):
    s = connect(port)
    try:
        s.sendall(("%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                   % (method, path, HOST)).encode())
        return read_response(s)
    finally:
        s.close()


def abort(port, i):
    """Requests big.bin, reads a little of it, and goes away: half the clients close normally
    (with unread data, so Linux sends a RST anyway, or httpd sees EPIPE), half with SO_LINGER 0
    (an immediate RST)."""
    s = connect(port)
    s.sendall(("GET /big.bin HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % HOST).encode())
    got = 0
    while got < 64 * 1024:
        d = s.recv(65536)
        if not d:
            raise RuntimeError("abort client %d: server closed after %d bytes" % (i, got))
        got += len(d)
    if i % 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return got


def proxy_post(port, path, size=8 * 1024 * 1024):
    """POSTs a body the backend will not read (no Expect: 100-continue, so httpd streams the
    body to the backend and its write fails: a "[remote …] core_output_filter" line)."""
    s = connect(port)
    try:
        s.sendall(("POST %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                   "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
                   % (path, HOST, size)).encode())
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # httpd answered 502 and stopped reading: fine, read its answer
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            return read_response(s)
        except OSError:
            return 0, 0
    finally:
        s.close()


def client(port, aborts, missing, denied, proxy_gets, proxy_posts):
    port = int(port)
    aborts, missing, denied = int(aborts), int(missing), int(denied)
    proxy_gets, proxy_posts = int(proxy_gets), int(proxy_posts)
    bad = []

    def expect(what, got, want):
        if got != want:
            bad.append("%s: got %r, want %r" % (what, got, want))

    # Ordinary traffic, before and after the aborts.
    for _ in range(3):
        expect("GET /", get(port, "/")[0], 200)
    expect("HEAD /big.bin", get(port, "/big.bin", "HEAD")[0], 200)
    expect("GET /big.bin (whole)", get(port, "/big.bin"), (200, BIG_SIZE))

    # Genuine errors that must stay visible.
    for i in range(missing):
        expect("GET /missing-%d.html" % i, get(port, "/missing-%d.html" % i)[0], 404)
    for i in range(denied):
        expect("GET /denied/%d" % i, get(port, "/denied/%d" % i)[0], 403)
    for i in range(proxy_gets):
        expect("GET /backend/get-%d" % i, get(port, "/backend/get-%d" % i)[0], 502)
    for i in range(proxy_posts):
        expect("POST /backend/post-%d" % i, proxy_post(port, "/backend/post-%d" % i)[0], 502)

    # Client aborts: four threads at a time, so httpd's workers write to the log concurrently.
    done = []
    errors = []
    lock = threading.Lock()

    def worker(ids):
        for i in ids:
            try:
                abort(port, i)
                with lock:
                    done.append(i)
            except Exception as e:  # noqa: BLE001 - report every failure
                with lock:
                    errors.append("abort %d: %s" % (i, e))

    threads = [threading.Thread(target=worker, args=(range(t, aborts, 4),)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    bad += errors
    expect("abort clients done", len(done), aborts)

    for _ in range(2):
        expect("GET / (after)", get(port, "/")[0], 200)

    # Give httpd a moment to notice the last resets before the caller stops it.
    time.sleep(0.5)
    print("aborts=%d" % len(done))
    for b in bad:
        print("problem=%s" % b)
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "backend" and len(argv) == 3:
        backend(argv[2])
        return 0
    if len(argv) >= 2 and argv[1] == "client" and len(argv) == 8:
        return client(*argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
