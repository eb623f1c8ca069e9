#!/usr/bin/env python3
"""Checks for tests/e2e/apache.sh.

  check.py PLAIN_DIR PIPED_DIR SQUASHED DOCROOT BACKEND_PORT ABORTS MISSING DENIED PROXY_GETS PROXY_POSTS

PLAIN_DIR/logs/error.log is what httpd wrote itself (ErrorLog to a file), PIPED_DIR/logs/error.log
what `resetsquash -o` wrote from httpd's ErrorLog pipe, for the same traffic; each dir also has
logs/access.log ("%X %>s %m %U"). SQUASHED is `resetsquash PLAIN_DIR/logs/error.log` (file mode).
Prints one line per check ("ok …" or "FAIL …") and exits 1 if any failed.
"""
import collections
import re
import sys

RULE = "apache-core-output-client-gone"
GROUPS = {"(32)Broken pipe", "(103)Software caused connection abort",
          "(104)Connection reset by peer"}
TS = (r"\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
      r" [ \d]\d \d\d:\d\d:\d\d\.\d{6} \d{4}\]")
PID = r"\[pid \d+:tid \d+\]"
CLIENT = r"\[client 127\.0\.0\.1:\d+\]"
WRITE = "core_output_filter: writing data to the network"
# A client abort exactly as httpd 2.4 writes it at core:trace1.
ABORT = re.compile(r"^%s \[core:trace1\] %s core_filters\.c\(\d+\): \((?:32|103|104)\)[^:\n]*: %s %s$"
                   % (TS, PID, CLIENT, re.escape(WRITE)))
SUMMARY = re.compile(r"^(%s) resetsquash: squashed (\d+) (.*)$" % TS)
FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|\S+)(?: |$)')

failures = 0


def check(ok, what, detail=""):
    global failures
    if ok:
        print("ok   %s" % what)
    else:
        failures += 1
        print("FAIL %s%s" % (what, ("\n       " + detail.replace("\n", "\n       ")) if detail else ""))


def lines_of(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", "surrogateescape")
    return data, text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


def is_client_write_failure(line):
    """Any line, in whatever shape, that reports a failed write to a client."""
    return WRITE in line and "[client " in line and "resetsquash: squashed" not in line


def parse_summary(line):
    m = SUMMARY.match(line)
    if not m:
        return None
    fields = {}
    for k, v in FIELD.findall(m.group(3)):
        if v.startswith('"'):
            v = re.sub(r'\\x([0-9a-fA-F]{2})', lambda x: chr(int(x.group(1), 16)), v[1:-1])
            v = v.replace('\\"', '"').replace("\\\\", "\\")
        fields[k] = v
    return {"ts": m.group(1), "n": int(m.group(2)), "fields": fields, "line": line}


def aborted_in_access_log(path):
    _, lines = lines_of(path)
    return sum(1 for l in lines if l.startswith("X ")), lines


def check_summaries(summaries, label, want_n, want_lines=None, want_bytes=None):
    check(len(summaries) >= 1, "%s: at least one 'resetsquash: squashed' line" % label)
    rules = sorted({s["fields"].get("rule") for s in summaries})
    check(rules == [RULE], "%s: every summary's rule is %s" % (label, RULE), "rules: %r" % rules)
    groups = {s["fields"].get("group") for s in summaries}
    check(groups <= GROUPS, "%s: groups are errno texts of client aborts" % label,
          "groups: %r" % sorted(groups))
    total = sum(s["n"] for s in summaries)
    check(total == want_n, "%s: squashed counts sum to %d" % (label, want_n), "sum: %d" % total)
    for s in summaries:
        f = s["fields"]
        ok = (f.get("lines") == str(s["n"]) and f.get("last") == s["ts"] and "first" in f
              and "bytes" in f and WRITE in f.get("sample", ""))
        check(ok, "%s: summary fields (lines=N, last=its timestamp, first, bytes, sample)" % label,
              s["line"])
    if want_lines is not None:
        got = sum(int(s["fields"].get("lines", -1)) for s in summaries)
        check(got == want_lines, "%s: summaries' lines= sum to %d" % (label, want_lines), "sum: %d" % got)
    if want_bytes is not None:
        got = sum(int(s["fields"].get("bytes", -1)) for s in summaries)
        check(got == want_bytes, "%s: summaries' bytes= sum to %d" % (label, want_bytes), "sum: %d" % got)


def first(counter, n=8):
    lines = sorted(counter.elements())
    return "\n".join(lines[:n] + (["…"] if len(lines) > n else [])) or "(none)"


def normalise(line, dirs):
    for d, name in dirs:
        line = line.replace(d, name)
    line = re.sub(TS, "[TIME]", line)
    line = re.sub(r"\[pid \d+:tid \d+\]", "[pid P:tid T]", line)
    line = re.sub(r"\(pid=\d+\)", "(pid=P)", line)
    line = re.sub(r"127\.0\.0\.1:\d+\]", "127.0.0.1:PORT]", line)
    return line


def main(argv):
    if len(argv) != 11:
        sys.stderr.write(__doc__)
        return 2
    plain, piped, squashed, docroot, bport = argv[1:6]
    aborts, missing, denied, proxy_gets, proxy_posts = map(int, argv[6:11])

    # --- the plain log: what the traffic makes httpd write -----------------------------------
    _, plain_lines = lines_of(plain + "/logs/error.log")
    plain_aborts = [l for l in plain_lines if is_client_write_failure(l)]
    plain_x, _ = aborted_in_access_log(plain + "/logs/access.log")
    bad_shape = [l for l in plain_aborts if not ABORT.match(l)]
    check(not bad_shape, "plain log: every client-abort line has the core:trace1 shape the rule "
          "squashes", "\n".join(bad_shape[:5]))
    check(len(plain_aborts) == aborts,
          "plain log: %d aborting clients gave %d client-abort lines" % (aborts, len(plain_aborts)))
    check(plain_x == len(plain_aborts),
          "plain log: access log counts %d aborted connections (%%X), error log %d abort lines"
          % (plain_x, len(plain_aborts)))

    # --- the piped log: what resetsquash -o wrote ---------------------------------------------
    data, piped_lines = lines_of(piped + "/logs/error.log")
    check(data.endswith(b"\n") and b"\0" not in data and "" not in piped_lines,
          "piped log: complete lines, no NUL bytes, no empty lines")
    summaries, others = [], []
    for l in piped_lines:
        s = parse_summary(l)
        if "resetsquash: squashed" in l:
            check(s is not None, "piped log: summary line starts with an httpd timestamp", l)
        (summaries if s else others).append(s or l)
    piped_x, _ = aborted_in_access_log(piped + "/logs/access.log")
    check(piped_x == aborts, "piped run: access log counts %d aborted connections (want %d)"
          % (piped_x, aborts))
    check_summaries(summaries, "piped log", piped_x)
    check(sum(s["n"] for s in summaries) == len(plain_aborts),
          "piped log: summed N equals the %d client-abort lines of the plain log for the same "
          "traffic" % len(plain_aborts))
    left = [l for l in others if is_client_write_failure(l)]
    check(not left, "piped log: no client-abort line outside the summaries",
          "%d left, e.g.:\n%s" % (len(left), "\n".join(left[:5])))

    # Genuine errors and look-alikes, whole lines as httpd writes them.
    def count(pattern):
        r = re.compile(pattern)
        return sum(1 for l in others if r.match(l))

    doc = re.escape(docroot)
    for i in range(missing):
        n = count(r"^%s \[core:info\] %s %s AH00128: File does not exist: %s/missing-%d\.html$"
                  % (TS, PID, CLIENT, doc, i))
        check(n == 1, "piped log: AH00128 File does not exist for missing-%d.html, intact" % i,
              "found %d" % n)
    n = count(r"^%s \[authz_core:error\] %s %s AH01630: client denied by server configuration: "
              r"%s/denied\S*$" % (TS, PID, CLIENT, doc))
    check(n == denied, "piped log: %d x AH01630 client denied (authz_core:error)" % denied,
          "found %d" % n)
    n = count(r"^%s \[proxy_http:error\] %s \(104\)Connection reset by peer: %s AH01102: error "
              r"reading status line from remote server 127\.0\.0\.1:%s$" % (TS, PID, CLIENT, bport))
    check(n == proxy_gets, "piped log: %d x (104) ... AH01102 backend reset kept" % proxy_gets,
          "found %d" % n)
    n = count(r"^%s \[proxy:error\] %s %s AH00898: Error reading from remote server returned by "
              r"/backend/get-\d+$" % (TS, PID, CLIENT))
    check(n == proxy_gets, "piped log: %d x AH00898 kept" % proxy_gets, "found %d" % n)
    n = count(r"^%s \[core:trace1\] %s core_filters\.c\(\d+\): \((?:32|104)\)[^:]*: \[remote "
              r"127\.0\.0\.1:%s\] %s$" % (TS, PID, bport, re.escape(WRITE)))
    check(n == proxy_posts, "piped log: %d x '[remote …] core_output_filter' (write to the "
          "backend failed) kept" % proxy_posts, "found %d" % n)
    n = count(r"^%s \[proxy:error\] %s \((?:32|104)\)[^:]*: %s AH01084: pass request body failed "
              r"to 127\.0\.0\.1:%s " % (TS, PID, CLIENT, bport))
    check(n == proxy_posts, "piped log: %d x AH01084 kept" % proxy_posts, "found %d" % n)
    n = count(r"^%s \[proxy_http:error\] %s %s AH01097: pass request body failed to "
              r"127\.0\.0\.1:%s " % (TS, PID, CLIENT, bport))
    check(n == proxy_posts, "piped log: %d x AH01097 kept" % proxy_posts, "found %d" % n)

    # httpd's own notices.
    for what, pattern in [
            ("startup AH00489 resuming normal operations",
             r"^%s \[mpm_event:notice\] %s AH00489: Apache/2\.4\.\S+ .*configured -- resuming "
             r"normal operations$" % (TS, PID)),
            ("startup AH00094 Command line", r"^%s \[core:notice\] %s AH00094: Command line: "
             % (TS, PID)),
            ("shutdown AH00096 removed PID file", r"^%s \[core:info\] %s AH00096: removed PID file "
             % (TS, PID)),
            ("shutdown AH00491 caught SIGTERM, shutting down",
             r"^%s \[mpm_event:notice\] %s AH00491: caught SIGTERM, shutting down$" % (TS, PID))]:
        check(count(pattern) == 1, "piped log: httpd %s" % what, "found %d" % count(pattern))

    # Everything but the client aborts is what httpd writes without resetsquash (same lines,
    # same number of each, up to timestamps, pids, client ports and the run's directory).
    dirs = [(plain, "DIR"), (piped, "DIR")]
    want = collections.Counter(normalise(l, dirs) for l in plain_lines
                               if not is_client_write_failure(l))
    got = collections.Counter(normalise(l, dirs) for l in others)
    missing_lines = want - got
    extra_lines = got - want
    check(not missing_lines and not extra_lines,
          "piped log: the other lines are those of the plain log (up to timestamps, pids, ports)",
          "only in plain log (%d):\n%s\nonly in piped log (%d):\n%s" % (
              sum(missing_lines.values()), first(missing_lines),
              sum(extra_lines.values()), first(extra_lines)))

    # --- resetsquash over the plain log as a file: exact bytes --------------------------------
    _, sq_lines = lines_of(squashed)
    sq_summaries = [parse_summary(l) for l in sq_lines if "resetsquash: squashed" in l]
    check(None not in sq_summaries, "file mode: summary lines start with an httpd timestamp")
    sq_summaries = [s for s in sq_summaries if s]
    check_summaries(sq_summaries, "file mode", len(plain_aborts), len(plain_aborts),
                    sum(len(l.encode("utf-8", "surrogateescape")) + 1 for l in plain_aborts))
    sq_others = [l for l in sq_lines if "resetsquash: squashed" not in l]
    plain_others = [l for l in plain_lines if not is_client_write_failure(l)]
    check(sq_others == plain_others, "file mode: every other line byte for byte, in order",
          "first difference at line %d" % next(
              (i for i, (a, b) in enumerate(zip(sq_others, plain_others)) if a != b),
              min(len(sq_others), len(plain_others))))

    print("summary lines (piped):")
    for s in summaries:
        print("  " + s["line"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
