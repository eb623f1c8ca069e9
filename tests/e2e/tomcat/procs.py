#!/usr/bin/env python3
"""Process helpers for tests/e2e/tomcat.sh (Linux only).

  procs.py reap STATUS_FILE SECONDS DIR CMD [ARG...]
      Becomes a child subreaper (prctl PR_SET_CHILD_SUBREAPER), runs CMD in DIR and then reaps every
      process that ends below it, CMD's orphans included, appending one line per process to
      STATUS_FILE: "PID exit N" or "PID signal N" (the first line is "started PID" for CMD).
      `catalina.sh start` starts Tomcat's JVM and CATALINA_OUT_CMD in the background and exits,
      so they become this process's children, and the test learns how resetsquash ended (exit
      status or signal), which it could not otherwise see. Ends when no child is left, or after
      SECONDS (leaving the rest to the test's cleanup).

  procs.py listeners PID
      Prints the TCP sockets PID is listening on, one "ADDRESS PORT" a line (IPv4 and IPv6; an
      IPv4-mapped IPv6 address is printed as the IPv4 address).
"""
import ctypes
import ipaddress
import os
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def reap(status_file, seconds, cwd, cmd):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.stderr.write("procs.py: prctl(PR_SET_CHILD_SUBREAPER): %s\n"
                         % os.strerror(ctypes.get_errno()))
        return 1
    out = open(status_file, "a", buffering=1)
    p = subprocess.Popen(cmd, cwd=cwd)
    out.write("started %d\n" % p.pid)
    deadline = time.monotonic() + float(seconds)
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            if time.monotonic() > deadline:
                out.write("deadline\n")
                return 0
            time.sleep(0.01)
            continue
        if os.WIFSIGNALED(status):
            out.write("%d signal %d\n" % (pid, os.WTERMSIG(status)))
        else:
            out.write("%d exit %d\n" % (pid, os.WEXITSTATUS(status)))


def listeners(pid):
    inodes = set()
    fd_dir = "/proc/%s/fd" % pid
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for table, v6 in (("/proc/%s/net/tcp" % pid, False), ("/proc/%s/net/tcp6" % pid, True)):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            f = row.split()
            local, state, inode = f[1], f[3], f[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            raw = bytes.fromhex(addr_hex)
            # /proc shows the address as 32-bit words in host (little-endian) order.
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            if v6:
                a6 = ipaddress.IPv6Address(raw)
                # Java listens on IPv6 sockets; 127.0.0.1 shows as ::ffff:127.0.0.1.
                addr = str(a6.ipv4_mapped or a6)
            else:
                addr = ".".join(str(b) for b in raw)
            print("%s %d" % (addr, int(port_hex, 16)))
    return 0


def main(argv):
    if len(argv) >= 6 and argv[1] == "reap":
        return reap(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 3 and argv[1] == "listeners":
        return listeners(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
