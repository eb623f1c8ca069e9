#!/usr/bin/env python3
"""Checks one lab capture the way tests/corpus.rs does (used by tests/e2e/lab.sh).

  check.py RESETSQUASH DIR

DIR holds a capture (truth.json and the log it names). Squashes the log with --window 0 and
requires: the summaries' lines= and bytes= add up to what was removed; every abort phase comes
out empty but for its allowed lines; every other phase, and what precedes the first marker,
comes out byte for byte; a phase that logged nothing says "nothing logged" in its note.
Prints one line per problem and a last line "checked N phases, M problems"; exits 1 on any.
"""
import json
import os
import re
import subprocess
import sys

# A summary line, after the timestamp of its last record where the log's header format has one.
SUMMARY = re.compile(rb"^(?:\S.*? )?resetsquash: squashed (\d+) rule=\S+ .*\blines=(\d+) bytes=(\d+)\b")


def phases(lines, marker):
    pat = re.compile(re.escape(marker.encode()) + rb"([a-z0-9-]+)")
    before, out = [], []
    for line in lines:
        m = pat.search(line)
        if m:
            out.append((m.group(1).decode(), []))
        elif out:
            out[-1][1].append(line)
        else:
            before.append(line)
    return before, out


def main():
    bin_, d = sys.argv[1:]
    truth = json.load(open(os.path.join(d, "truth.json")))
    log = os.path.join(d, truth["log"])
    data = open(log, "rb").read()
    out = subprocess.run([bin_, "--window", "0", log], capture_output=True, check=True).stdout
    problems = []
    kept, removed = [], [0, 0, 0]
    for line in out.splitlines(keepends=True):
        m = SUMMARY.match(line)
        if m and line not in data:
            for i in range(3):
                removed[i] += int(m.group(i + 1))
        else:
            kept.append(line)
    in_lines = data.splitlines(keepends=True)
    if removed[1] != len(in_lines) - len(kept) or removed[2] != len(data) - sum(map(len, kept)):
        problems.append("summary lines=/bytes= do not add up to what was removed")
    b_in, p_in = phases(in_lines, truth["marker"])
    b_out, p_out = phases(kept, truth["marker"])
    if b_in != b_out:
        problems.append("the lines before the first marker changed")
    want = truth["phases"]
    if [n for n, _ in p_in] != [p["name"] for p in want] + ["end"] or len(p_out) != len(p_in):
        problems.append("the phase markers are not the truth's phases and end")
        want = []
    aborts_logged = 0
    # A server that logs nothing for any abort kind (every abort phase noted so) is a finding,
    # held to precision only.
    aborts = [p for p in want if p["kind"] == "abort"]
    silent = bool(aborts) and all("nothing logged" in p.get("note", "") for p in aborts)
    for i, p in enumerate(want):
        allowed = [re.compile(r.encode()) for r in p.get("allowed", [])]
        ok = lambda l: any(r.search(l) for r in allowed)  # noqa: E731
        logged, left = p_in[i][1], p_out[i][1]
        substantive = any(not ok(l) for l in logged)
        if p["kind"] != "ok" and not substantive and "nothing logged" not in p.get("note", ""):
            problems.append("phase %s: nothing logged, and the truth has no note saying so" % p["name"])
        if p["kind"] == "abort" and truth.get("pending"):
            aborts_logged += substantive  # recall pending (truth.json says why): precision only
        elif p["kind"] == "abort":
            aborts_logged += substantive
            kept = [re.compile(r.encode()) for r in p.get("kept", [])]
            keeping = False
            for l in left:
                # a record: a line at column 0, then indented lines, blank lines and a "}"
                if l[:1] not in (b" ", b"\t", b"}") and l.strip():
                    keeping = any(k.search(l) for k in kept)
                if not ok(l) and not keeping:
                    problems.append("phase %s: an abort line was kept: %r" % (p["name"], l[:200]))
                    break
        elif p.get("echoes"):
            # Node-style records: a line at column 0, then indented lines and a closing "}".
            echo = [re.compile(r.encode()) for r in p["echoes"]]
            keep, skipping = [], False
            for l in logged:
                if l[:1] not in (b" ", b"\t", b"}"):
                    skipping = any(e.search(l) for e in echo)
                if not skipping:
                    keep.append(l)
            if not all(l in left for l in keep) or not all(l in logged for l in left):
                problems.append("phase %s: a genuine line was squashed" % p["name"])
        elif left != logged:
            problems.append("phase %s: a %s line was squashed" % (p["name"], p["kind"]))
    if not silent and (not aborts_logged or not (removed[0] or truth.get("pending"))):
        problems.append("no abort was logged or squashed")
    for pr in problems:
        print("lab check: %s: %s" % (truth["family"], pr))
    print("lab check: %s: checked %d phases, %d problems, %d records squashed" % (truth["family"], len(want), len(problems), removed[0]))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
