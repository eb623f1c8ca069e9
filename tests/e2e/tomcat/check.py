#!/usr/bin/env python3
"""Checks for tests/e2e/tomcat.sh.

  check.py WORK FIN RST NPE REFUSED BACKEND_READ BACKEND_WRITE

WORK/{plain,piped,sigterm,fulldisk} are the four phases' CATALINA_BASEs (see tomcat.sh), each with
logs/catalina.out, logs/catalina.YYYY-MM-DD.log (JULI's file handler: the same java.util.logging
records as the console, unfiltered, from the same run), traffic.out (what the clients saw and the
servlet's own counts of what it logged) and port; the piped ones also resetsquash.status;
fulldisk has JULI's files in julilogs/, off the log disk that was full.
WORK/squashed.log is `resetsquash WORK/plain/logs/catalina.out` (file mode).

The log is cut into records here independently of resetsquash: a JULI header line
("24-Nov-2026 15:35:04.806 LEVEL [thread] ...") or an exception line at column 0 (what
printStackTrace() writes) starts a record; lines starting with a tab or "Caused by: " continue it.
Prints one line per check ("ok ..." or "FAIL ...") and exits 1 if any failed.
"""
import collections
import glob
import os
import re
import sys

RULE = "tomcat-client-abort"
CAUSES = ("Broken pipe", "Connection reset by peer")
TS = r"\d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4} \d{2}:\d{2}:\d{2}\.\d{3}"
HEADER = re.compile(r"^(%s) (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) \[([^\]]*)\] (\S+) " % TS)
EXC_LINE = re.compile(r"^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable)(?::.*)?$")
SUMMARY = re.compile(r"^(%s) resetsquash: squashed (\d+) (.*)$" % TS)
FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|\S+)(?: |$)')
ABORT_JUL_HEAD = re.compile(r"^%s WARNING \[http-nio-127\.0\.0\.1-\d+-exec-\d+\] e2e\.E2eServlet\.stream "
                            r"Export stream to 127\.0\.0\.1 aborted after \d+ bytes$" % TS)
ABORT_EXC = re.compile(r"^\t?org\.apache\.catalina\.connector\.ClientAbortException: "
                       r"java\.io\.IOException: (.*)$")
# Lines that only an abort record of the /e2e/stream servlet contains.
ABORT_FRAGMENTS = ("ClientAbortException", "org.apache.catalina.connector.OutputBuffer",
                   "org.apache.catalina.connector.CoyoteOutputStream", "e2e.E2eServlet.stream")
# What Tomcat logs on its way down (the shutdown hook's thread), lost in the sigterm phase.
SHUTDOWN = re.compile(r"^%s INFO \[Thread-\d+\] org\.apache\.(?:coyote\.AbstractProtocol\.(?:pause|stop|destroy)|"
                      r"catalina\.core\.StandardService\.stopInternal) " % TS)

failures = 0


def check(ok, what, detail=""):
    global failures
    if ok:
        print("ok   %s" % what)
    else:
        failures += 1
        print("FAIL %s%s" % (what, ("\n       " + str(detail).replace("\n", "\n       ")) if detail else ""))
    return ok


def info(what):
    print("info %s" % what)


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return data, lines


class Record:
    def __init__(self, lines, start):
        self.lines = lines
        self.start = start  # line index in its file

    @property
    def head(self):
        return self.lines[0]

    @property
    def text(self):
        return "\n".join(self.lines) + "\n"

    def kind(self):
        if SUMMARY.match(self.head):
            return "summary"
        if ABORT_JUL_HEAD.match(self.head) and len(self.lines) > 1 and ABORT_EXC.match(self.lines[1]):
            return "abort"
        if ABORT_EXC.match(self.head):
            return "abort"
        return "other"

    def cause(self):
        """The abort's IOException message, for an abort record."""
        for line in self.lines[:2]:
            m = ABORT_EXC.match(line)
            if m:
                return m.group(1)
        return None

    def via(self):
        return "jul" if HEADER.match(self.head) else "print"


def records(lines):
    out = []
    for i, line in enumerate(lines):
        cont = line.startswith("\t") or line.startswith("Caused by: ")
        if cont and out and not SUMMARY.match(out[-1].head):
            out[-1].lines.append(line)
        else:
            out.append(Record([line], i))
    return out


def juli_file_records(logs):
    """The records of JULI's catalina.DATE.log file(s), with a OneLineFormatter header (the stop
    command's own SimpleFormatter lines in there are left out)."""
    recs = []
    for path in sorted(glob.glob(os.path.join(logs, "catalina.[0-9]*.log"))):
        recs += [r for r in records(read_lines(path)[1]) if HEADER.match(r.head)]
    return recs


def traffic(path):
    client, stat, problems = collections.Counter(), collections.Counter(), []
    for line in read_lines(path)[1]:
        f = line.split("\t")
        if f[0] == "client":
            client["\t".join(f[1:-1])] += int(f[-1])
        elif f[0] == "stat":
            stat["\t".join(f[1:-1])] += int(f[-1])
        elif f[0] == "problem":
            problems.append(line)
    return client, stat, problems


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


def group_of(cause):
    return "ClientAbortException < IOException: %s" % cause


def servlet_aborts(stat):
    """{(via, cause): n} from the servlet's own counts."""
    out = collections.Counter()
    for k, n in stat.items():
        f = k.split("\t")
        if f[0] == "abort":
            via = "print" if f[1] == "print-lines" else f[1]
            out[(via, f[3] if f[2] == "ClientAbortException" else "%s: %s" % (f[2], f[3]))] += n
    return out


def first(counter, n=6):
    items = sorted(counter.elements())
    return "\n".join(items[:n] + (["..."] if len(items) > n else [])) or "(none)"


def check_summaries(label, summaries, want_by_cause):
    check(len(summaries) >= 1, "%s: at least one 'resetsquash: squashed' line" % label)
    rules = sorted({s["fields"].get("rule") for s in summaries})
    check(rules == [RULE], "%s: every summary's rule is %s" % (label, RULE), "rules: %r" % rules)
    got = collections.Counter()
    for s in summaries:
        got[s["fields"].get("group")] += s["n"]
    want = collections.Counter({group_of(c): n for c, n in want_by_cause.items()})
    check(got == want, "%s: squashed counts per group equal the servlet's aborts per cause: %s"
          % (label, ", ".join("%s=%d" % (g.split(": ", 1)[1], n) for g, n in sorted(want.items()))),
          "summaries: %r" % dict(got))
    for s in summaries:
        f = s["fields"]
        ok = (f.get("last") == s["ts"] and re.fullmatch(TS, f.get("first", "")) is not None
              and f.get("lines", "").isdigit() and int(f["lines"]) >= 30 * s["n"]
              and f.get("bytes", "").isdigit() and int(f["bytes"]) > int(f["lines"])
              and f.get("sample", "").startswith("org.apache.catalina.connector.ClientAbortException: "
                                                 "java.io.IOException: "))
        check(ok, "%s: summary fields (last = its own timestamp, first, lines >= 30 per record, bytes, "
              "sample = the exception line)" % label, s["line"])


def check_no_abort_left(label, recs):
    left = []
    for r in recs:
        if r.kind() == "summary":
            continue
        for line in r.lines:
            if any(x in line for x in ABORT_FRAGMENTS):
                left.append(line)
            elif ("Broken pipe" in line or "Connection reset by peer" in line) and not (
                    r.kind() == "other" and "e2e.E2eServlet.backendReset Failed to push batch" in r.head):
                left.append(line)
    check(not left, "%s: no ClientAbortException / Broken pipe / Connection reset by peer line outside the "
          "summaries, except in the outbound look-alikes" % label,
          "%d left, e.g.:\n%s" % (len(left), "\n".join(left[:8])))


def check_genuine(label, recs, npe, refused, backend_read, backend_write, plain_refused_text):
    def find(pred):
        return [r for r in recs if r.kind() == "other" and pred(r)]

    npes = find(lambda r: re.match(r"^%s SEVERE \[http-nio-127\.0\.0\.1-\d+-exec-\d+\] e2e\.E2eServlet\.npe "
                                   r"Customer lookup failed for id 10\d\d$" % TS, r.head))
    ok = len(npes) == npe and all(
        r.lines[1] == '\tjava.lang.NullPointerException: Cannot invoke "String.trim()" because the return '
        'value of "java.util.Map.get(Object)" is null'
        and r.lines[2].startswith("\t\tat e2e.E2eServlet.lookupCustomer(E2eServlet.java:")
        and r.lines[-1].startswith("\t\tat java.base/java.lang.Thread.run(Thread.java:")
        and all(l.startswith("\t\tat ") for l in r.lines[2:]) and len(r.lines) > 20 for r in npes)
    check(ok, "%s: %d x SEVERE NullPointerException record (header, exception, every frame)" % (label, npe),
          "found %d:\n%s" % (len(npes), "\n".join(r.text for r in npes[:1])))

    refs = find(lambda r: r.head == "java.net.ConnectException: Connection refused")
    check(len(refs) == refused and all(r.text == plain_refused_text for r in refs),
          "%s: %d x printStackTrace() ConnectException: Connection refused, byte for byte as in the plain "
          "log" % (label, refused), "found %d" % len(refs))

    reads = find(lambda r: re.match(r"^%s SEVERE \[http-nio-127\.0\.0\.1-\d+-exec-\d+\] e2e\.E2eServlet\."
                                    r"backendReset Quote backend call failed: 127\.0\.0\.1:\d+$" % TS, r.head))
    ok = len(reads) == backend_read and all(
        r.lines[1] == "\tjava.net.SocketException: Connection reset"
        and any("at e2e.E2eServlet.backendReset(" in l for l in r.lines) for r in reads)
    check(ok, "%s: %d x outbound read reset (SocketException: Connection reset) kept" % (label, backend_read),
          "found %d" % len(reads))

    writes = find(lambda r: re.match(r"^%s SEVERE \[http-nio-127\.0\.0\.1-\d+-exec-\d+\] e2e\.E2eServlet\."
                                     r"backendReset Failed to push batch to inventory backend 127\.0\.0\.1:\d+$"
                                     % TS, r.head))
    ok = len(writes) == backend_write and all(
        re.match(r"^\tjava\.net\.SocketException: (?:Connection reset by peer|Broken pipe)$", r.lines[1])
        and any("at e2e.E2eServlet.backendReset(" in l for l in r.lines) for r in writes)
    check(ok, "%s: %d x outbound write reset (SocketException: Connection reset by peer / Broken pipe in a "
          "Tomcat request thread) kept" % (label, backend_write),
          "found %d:\n%s" % (len(writes), "\n".join(r.lines[1] for r in writes)))
    return [r.lines[1].strip() for r in writes]


def check_tomcat_lines(label, lines, port, base, shutdown):
    def has(pattern):
        r = re.compile(pattern)
        return sum(1 for l in lines if r.match(l))

    wants = [
        ("Server version name (Tomcat startup)", r"^%s INFO \[main\] org\.apache\.catalina\.startup\.VersionLoggerListener"
         r"\.log Server version name: +Apache Tomcat/10\." % TS),
        ("CATALINA_BASE (Tomcat startup)", r"^%s INFO \[main\] \S+ CATALINA_BASE: +%s$" % (TS, re.escape(base))),
        ("Initializing ProtocolHandler (Tomcat startup)", r'^%s INFO \[main\] org\.apache\.coyote\.AbstractProtocol\.init '
         r'Initializing ProtocolHandler \["http-nio-127\.0\.0\.1-%s"\]$' % (TS, port)),
        ("Deployment of /e2e has finished (Tomcat startup)", r"^%s INFO \[main\] org\.apache\.catalina\.startup\.HostConfig\."
         r"deployDirectory Deployment of web application directory \[%s/webapps/e2e\] has finished"
         % (TS, re.escape(base))),
        ("Server startup in [N] milliseconds (Tomcat startup)", r"^%s INFO \[main\] org\.apache\.catalina\.startup\.Catalina\.start "
         r"Server startup in \[[\d,]+\] milliseconds$" % TS),
        ("Traffic done (the servlet's last record)", r"^%s INFO \[http-nio-127\.0\.0\.1-%s-exec-\d+\] e2e\.E2eServlet\.mark "
         r"Traffic done$" % (TS, port)),
    ]
    if shutdown:
        wants += [
            ("Stopping service [Catalina] (Tomcat shutdown)", r"^%s INFO \[Thread-\d+\] org\.apache\.catalina\.core\."
             r"StandardService\.stopInternal Stopping service \[Catalina\]$" % TS),
            ("Destroying ProtocolHandler (Tomcat shutdown)", r'^%s INFO \[Thread-\d+\] org\.apache\.coyote\.'
             r'AbstractProtocol\.destroy Destroying ProtocolHandler \["http-nio-127\.0\.0\.1-%s"\]$' % (TS, port)),
        ]
    for what, pattern in wants:
        check(has(pattern) == 1, "%s: line %s" % (label, what), "found %d" % has(pattern))


def check_piped(label, work, phase, want_total, counts, plain_refused_text, shutdown):
    base = os.path.join(work, phase)
    port = open(os.path.join(base, "port")).read().strip()
    client, stat, problems = traffic(os.path.join(base, "traffic.out"))
    check(not problems, "%s: traffic as planned" % label, "\n".join(problems))
    by_cause_via = servlet_aborts(stat)
    by_cause = collections.Counter()
    for (via, cause), n in by_cause_via.items():
        by_cause[cause] += n
    check(sum(by_cause.values()) == want_total and set(by_cause) <= set(CAUSES),
          "%s: the servlet logged one ClientAbortException per aborted client (%d), causes %s"
          % (label, want_total, " / ".join(CAUSES)), "servlet: %r" % dict(by_cause_via))
    info("%s: clients %s; servlet logged %s" % (
        label, ", ".join("%s=%d" % (k.replace("\t", " "), n) for k, n in sorted(client.items()) if k.startswith("abort")),
        ", ".join("%s %s=%d" % (v, c, n) for (v, c), n in sorted(by_cause_via.items()))))

    data, lines = read_lines(os.path.join(base, "logs", "catalina.out"))
    check(data.endswith(b"\n") and b"\0" not in data and "" not in lines,
          "%s: catalina.out is complete lines, no NUL bytes, no empty lines" % label)
    recs = records(lines)
    summaries = []
    for r in recs:
        if "resetsquash: squashed" in r.head:
            s = parse_summary(r.head)
            check(s is not None and len(r.lines) == 1,
                  "%s: summary line starts with a JULI timestamp and stands alone" % label, r.text)
            if s:
                summaries.append(s)
    check_summaries(label, summaries, by_cause)
    check_no_abort_left(label, recs)
    write_causes = check_genuine(label, recs, *counts, plain_refused_text)

    # Every java.util.logging record of this very run, as JULI's file handler wrote it, is in
    # catalina.out byte for byte, but for the aborts (and, after resetsquash got SIGTERM, what
    # Tomcat logged on its way down: nobody read the pipe any more).
    # (In the fulldisk phase JULI wrote its files off the full disk, to julilogs/.)
    juli = os.path.join(base, "julilogs")
    file_recs = juli_file_records(juli if os.path.isdir(juli) else os.path.join(base, "logs"))
    file_aborts = collections.Counter(r.cause() for r in file_recs if r.kind() == "abort")
    jul_by_cause = collections.Counter({c: n for (v, c), n in by_cause_via.items() if v == "jul"})
    check(file_aborts == jul_by_cause, "%s: JULI's own catalina.DATE.log has the servlet's %d JUL abort records"
          % (label, sum(jul_by_cause.values())), "file: %r, servlet: %r" % (dict(file_aborts), dict(jul_by_cause)))
    want = collections.Counter(r.text for r in file_recs if r.kind() != "abort")
    got = collections.Counter(r.text for r in recs if HEADER.match(r.head) and r.kind() == "other")
    missing, extra = want - got, got - want
    if not shutdown:
        lost = collections.Counter({t: n for t, n in missing.items() if SHUTDOWN.match(t)})
        missing -= lost
        info("%s: %d shutdown records Tomcat wrote after resetsquash had ended are not in catalina.out "
             "(expected)" % (label, sum(lost.values())))
    check(not missing and not extra and sum(want.values()) > 30,
          "%s: every other JUL record of the run (%d, from JULI's catalina.DATE.log) is in catalina.out, "
          "byte for byte" % (label, sum(want.values())),
          "only in the JULI file (%d):\n%s\nonly in catalina.out (%d):\n%s"
          % (sum(missing.values()), first(missing), sum(extra.values()), first(extra)))
    # And what is not a JUL record: the printStackTrace() output of the refused connects.
    rest = [r.text for r in recs if not HEADER.match(r.head) and r.kind() != "summary"]
    want_rest = [plain_refused_text] * counts[1]
    check(sorted(rest) == sorted(want_rest), "%s: besides JUL records and summaries, catalina.out holds "
          "exactly the %d printed ConnectException traces" % (label, counts[1]),
          "other lines (%d):\n%s" % (len(rest), "\n".join(t.split("\n")[0] for t in rest[:8])))
    check_tomcat_lines(label, lines, port, base, shutdown)
    status = open(os.path.join(base, "resetsquash.status")).read().strip()
    check(status == ("exit 0" if shutdown else "signal 15"),
          "%s: resetsquash %s" % (label, "exited 0 at the end of its input" if shutdown
                                  else "ended by SIGTERM, after writing its pending counts"), status)
    print("summary lines (%s):" % label)
    for s in summaries:
        print("  " + s["line"])
    return write_causes


def main(argv):
    if len(argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    work = argv[1]
    fin, rst, npe, refused, backend_read, backend_write = map(int, argv[2:8])
    counts = (npe, refused, backend_read, backend_write)
    total = fin + rst

    # --- plain: what the traffic makes Tomcat write ----------------------------------------------
    label = "plain"
    base = os.path.join(work, "plain")
    _, stat, problems = traffic(os.path.join(base, "traffic.out"))
    check(not problems, "%s: traffic as planned" % label, "\n".join(problems))
    _, plain_lines = read_lines(os.path.join(base, "logs", "catalina.out"))
    plain_recs = records(plain_lines)
    aborts = [r for r in plain_recs if r.kind() == "abort"]
    by_via_cause = collections.Counter((r.via(), r.cause()) for r in aborts)
    check(by_via_cause == servlet_aborts(stat),
          "%s: catalina.out has one ClientAbortException record per abort the servlet logged (%d)"
          % (label, sum(servlet_aborts(stat).values())),
          "log: %r, servlet: %r" % (dict(by_via_cause), dict(servlet_aborts(stat))))
    check(len(aborts) == total, "%s: %d aborted clients gave %d abort records" % (label, total, len(aborts)))
    bad = [r for r in aborts if not all(l.startswith("\t") or l.startswith("Caused by: ") for l in r.lines[1:])
           or not any("Caused by: java.io.IOException: " + r.cause() in l for l in r.lines)
           or len(r.lines) < 30]
    check(not bad, "%s: every abort record is whole (exception, frames, Caused by: IOException)" % label,
          "\n".join(r.text for r in bad[:2]))
    check(not any("resetsquash: squashed" in l for l in plain_lines), "%s: no summary line" % label)
    refused_recs = [r for r in plain_recs if r.head == "java.net.ConnectException: Connection refused"]
    check(len(refused_recs) == refused and len({r.text for r in refused_recs}) == 1,
          "%s: %d identical printStackTrace() ConnectException: Connection refused traces" % (label, refused),
          "found %d" % len(refused_recs))
    plain_refused_text = refused_recs[0].text if refused_recs else None
    check_genuine(label, plain_recs, *counts, plain_refused_text)
    check_no_abort_left(label + " (outside the abort records)", [r for r in plain_recs if r.kind() != "abort"])
    info("%s: %s" % (label, ", ".join("%s %s=%d" % (v, c, n) for (v, c), n in sorted(by_via_cause.items()))))

    # --- resetsquash over the plain log as a file: exact lines, bytes, and every other byte -------
    label = "file mode"
    _, sq_lines = read_lines(os.path.join(work, "squashed.log"))
    sq_summaries = [parse_summary(l) for l in sq_lines if "resetsquash: squashed" in l]
    check(None not in sq_summaries, "%s: summary lines start with a JULI timestamp" % label)
    sq_summaries = [s for s in sq_summaries if s]
    by_cause = collections.Counter(r.cause() for r in aborts)
    check_summaries(label, sq_summaries, by_cause)
    for cause in by_cause:
        recs = [r for r in aborts if r.cause() == cause]
        ss = [s for s in sq_summaries if s["fields"].get("group") == group_of(cause)]
        want_lines = sum(len(r.lines) for r in recs)
        want_bytes = sum(len(r.text.encode("utf-8", "surrogateescape")) for r in recs)
        got_lines = sum(int(s["fields"].get("lines", -1)) for s in ss)
        got_bytes = sum(int(s["fields"].get("bytes", -1)) for s in ss)
        check(got_lines == want_lines and got_bytes == want_bytes,
              "%s: %s: lines=%d bytes=%d, exactly those of its abort records" % (label, cause, want_lines, want_bytes),
              "summaries say lines=%d bytes=%d" % (got_lines, got_bytes))
    sq_others = [l for l in sq_lines if "resetsquash: squashed" not in l]
    plain_others = [l for r in plain_recs if r.kind() != "abort" for l in r.lines]
    diff_at = next((i for i, (a, b) in enumerate(zip(sq_others, plain_others)) if a != b),
                   None if len(sq_others) == len(plain_others) else min(len(sq_others), len(plain_others)))
    check(diff_at is None, "%s: every other line byte for byte, in order (%d lines)" % (label, len(plain_others)),
          "first difference at line %s:\n  squashed: %r\n  plain:    %r" % (
              diff_at, sq_others[diff_at] if diff_at is not None and diff_at < len(sq_others) else None,
              plain_others[diff_at] if diff_at is not None and diff_at < len(plain_others) else None))

    # --- piped through resetsquash -o, stopped with catalina.sh stop (end of input) --------------
    causes = check_piped("piped", work, "piped", total, counts, plain_refused_text, shutdown=True)
    # --- piped, resetsquash ended by SIGTERM while Tomcat ran --------------------------------------
    causes += check_piped("sigterm", work, "sigterm", total, counts, plain_refused_text, shutdown=False)
    # --- piped onto a log disk that was full when the traffic began ------------------------------
    causes += check_piped("fulldisk", work, "fulldisk", total, counts, plain_refused_text, shutdown=True)
    info("outbound write look-alikes kept: %s" % "; ".join(sorted(set(causes))))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
