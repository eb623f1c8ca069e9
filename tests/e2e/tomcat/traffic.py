#!/usr/bin/env python3
"""Traffic for tests/e2e/tomcat.sh against the /e2e webapp (E2eServlet.java), loopback only,
every loop bounded.

  traffic.py PORT FIN RST NPE REFUSED BACKEND_READ BACKEND_WRITE PRINT_VIA

Sends, in a shuffled but seeded order, four client threads at a time:
  - FIN + RST aborting clients: GET /e2e/stream, read 64 KiB of the 256 MiB answer, then go away.
    "fin" clients half-close first (shutdown(SHUT_WR): a FIN), then close with unread data
    (Linux answers the server's next segment with a RST while Tomcat's side is in CLOSE_WAIT,
    so the servlet's write fails with EPIPE, "Broken pipe"); "rst" clients close with SO_LINGER
    0 (an immediate RST while established: "Connection reset by peer"). Each kind alternates
    between via=jul (java.util.logging record) and via=PRINT_VIA (print: printStackTrace()'s
    text in one write; print-lines: e.printStackTrace() itself, line by line).
  - NPE requests to /e2e/npe (500), REFUSED to /e2e/refused (502), BACKEND_READ and BACKEND_WRITE
    to /e2e/backend-reset (502): genuine errors and outbound-reset look-alikes that must be kept.
  - ordinary GET /e2e/hello (200) between them.
Then waits (at most 20 s) until the servlet has logged one record per aborted client, has it log
"Traffic done" (GET /e2e/mark: once that line is in the log, everything before it is), and prints
one tab-separated line per fact: "client ..." lines for what the clients saw, "stat ..." lines
for the servlet's /e2e/stats, "problem ..." for anything not as planned (exit status 1).
"""
import queue
import random
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
TIMEOUT = 20
READ_BEFORE_ABORT = 64 * 1024


def connect(port):
    return socket.create_connection((HOST, port), timeout=TIMEOUT)


def request(path):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, HOST)).encode()


def get(port, path):
    """A whole Connection: close request; returns (status, body bytes)."""
    s = connect(port)
    try:
        s.sendall(request(path))
        data = bytearray()
        while len(data) < 1 << 20:
            d = s.recv(65536)
            if not d:
                break
            data += d
    finally:
        s.close()
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def abort(port, mode, via):
    s = connect(port)
    try:
        s.sendall(request("/e2e/stream?via=%s" % via))
        data = bytearray()
        while len(data) < READ_BEFORE_ABORT:
            d = s.recv(65536)
            if not d:
                raise RuntimeError("server closed after %d bytes" % len(data))
            data += d
        if not data.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError("not a 200 response: %r" % bytes(data[:40]))
        if mode == "rst":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            s.shutdown(socket.SHUT_WR)
            time.sleep(0.02)  # let Tomcat's side see the FIN (CLOSE_WAIT) before the close
    finally:
        s.close()
    return len(data)


def main(argv):
    if len(argv) != 9 or argv[8] not in ("print", "print-lines"):
        sys.stderr.write(__doc__)
        return 2
    port = int(argv[1])
    fin, rst, npe, refused, backend_read, backend_write = map(int, argv[2:8])
    print_via = argv[8]

    actions = []
    for kind, n in (("fin", fin), ("rst", rst)):
        for i in range(n):
            actions.append(("abort", kind, "jul" if i % 2 == 0 else print_via))
    actions += [("npe", i) for i in range(npe)]
    actions += [("refused", i) for i in range(refused)]
    actions += [("backend", "read")] * backend_read + [("backend", "write")] * backend_write
    random.Random(20261124).shuffle(actions)
    # Ordinary requests between them.
    mixed = []
    for i, a in enumerate(actions):
        if i % 4 == 0:
            mixed.append(("hello",))
        mixed.append(a)
    mixed.append(("hello",))

    problems = []
    seen = {}
    lock = threading.Lock()
    work = queue.Queue()
    for a in mixed:
        work.put(a)

    def note(key):
        with lock:
            seen[key] = seen.get(key, 0) + 1

    def expect(what, status, want):
        if status != want:
            with lock:
                problems.append("%s: status %r, want %r" % (what, status, want))
            return False
        return True

    def worker():
        while True:
            try:
                a = work.get_nowait()
            except queue.Empty:
                return
            try:
                if a[0] == "hello":
                    status, body = get(port, "/e2e/hello")
                    if expect("GET /e2e/hello", status, 200) and body == b"hello\n":
                        note("hello")
                elif a[0] == "abort":
                    abort(port, a[1], a[2])
                    note("abort\t%s\t%s" % (a[1], a[2]))
                elif a[0] == "npe":
                    if expect("GET /e2e/npe", get(port, "/e2e/npe?id=%d" % (1000 + a[1]))[0], 500):
                        note("npe")
                elif a[0] == "refused":
                    if expect("GET /e2e/refused", get(port, "/e2e/refused")[0], 502):
                        note("refused")
                elif a[0] == "backend":
                    if expect("GET /e2e/backend-reset?op=%s" % a[1],
                              get(port, "/e2e/backend-reset?op=%s" % a[1])[0], 502):
                        note("backend-reset-%s" % a[1])
            except Exception as e:  # noqa: BLE001 - every failure is reported
                with lock:
                    problems.append("%r: %s: %s" % (a, type(e).__name__, e))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if any(t.is_alive() for t in threads):
        problems.append("client threads still running after 120 s")

    aborted = sum(v for k, v in seen.items() if k.startswith("abort\t"))
    if aborted != fin + rst:
        problems.append("%d of %d aborting clients did as planned" % (aborted, fin + rst))

    # The servlet logs each abort when its next write fails: wait for all of them.
    stats = {}
    deadline = time.monotonic() + 20
    while True:
        status, body = get(port, "/e2e/stats")
        stats = {}
        if status == 200:
            for line in body.decode().splitlines():
                key, _, n = line.rpartition("\t")
                stats[key] = int(n)
        logged = sum(v for k, v in stats.items() if k.startswith("abort\t"))
        if logged >= aborted or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if logged != aborted:
        problems.append("the servlet logged %d aborts for %d aborted clients" % (logged, aborted))
    if stats.get("stream\tcompleted", 0):
        problems.append("%d streams completed: a client did not abort" % stats["stream\tcompleted"])

    # Last, a one-line JUL record: once it is in the log, everything before it is too.
    status, _ = get(port, "/e2e/mark")
    if status != 200:
        problems.append("GET /e2e/mark: status %r" % status)

    for k in sorted(seen):
        print("client\t%s\t%d" % (k, seen[k]))
    for k in sorted(stats):
        print("stat\t%s\t%d" % (k, stats[k]))
    for p in problems:
        print("problem\t%s" % p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
