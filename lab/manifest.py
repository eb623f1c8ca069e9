#!/usr/bin/env python3
"""Writes a lab family's rows of testdata/corpus/MANIFEST.tsv (called by lab/run).

  manifest.py MANIFEST FAMILY DEST VERSION

One row per log file in DEST (the capture's logs; truth.json names the one with the phase
markers). The counts are the client's (truth.json): requests made in abort phases and in genuine
phases. The contents column lists, per phase, how many log lines the server wrote between its
marker and the next, so a kind the server logs nothing for shows as 0.
"""
import json
import os
import re
import sys


def phase_lines(log, marker):
    """Lines written per phase name (a name that recurs, such as ok, adds up)."""
    pat = re.compile(re.escape(marker.encode()) + rb"([a-z0-9-]+)")
    counts = {}
    current = None
    with open(log, "rb") as f:
        for line in f:
            m = pat.search(line)
            if m:
                current = m.group(1).decode()
                counts.setdefault(current, 0)
            elif current is not None:
                counts[current] += 1
    return counts


def main():
    manifest, family, dest, version = sys.argv[1:]
    truth = json.load(open(os.path.join(dest, "truth.json")))
    phases = truth["phases"]
    names = [p["name"] for p in phases]
    aborts = sum(p["requests"] for p in phases if p["kind"] == "abort")
    genuine = sum(p["requests"] for p in phases if p["kind"] == "genuine")
    how = "lab/run %s (lab/client.py, one phase per kind): %s" % (
        family,
        ", ".join("%s x%d" % (p["name"], p["requests"]) for p in phases if p["kind"] != "ok"),
    )
    rows = []
    for name in sorted(os.listdir(dest)):
        if name == "truth.json":
            continue
        path = os.path.join(dest, name)
        lines = sum(1 for _ in open(path, "rb"))
        if name == truth["log"]:
            counts = phase_lines(path, truth["marker"])
            parts = ["%s: %d lines" % (n, counts.get(n, 0)) for n in dict.fromkeys(names)]
            kinds = {p["name"]: p["kind"] for p in phases}
            silent = [n for n in dict.fromkeys(names) if counts.get(n, 0) == 0 and kinds[n] != "ok"]
            contents = "log lines written per phase (ground truth in truth.json): " + "; ".join(parts)
            if silent:
                contents += ". Nothing logged for: " + ", ".join(silent)
            notes = ["%s: %s" % (p["name"], p["note"]) for p in phases if p.get("note")]
            if notes:
                contents += ". Seen: " + "; ".join(dict.fromkeys(notes))
            if truth.get("pending"):
                contents += ". Not squashed yet: " + truth["pending"]
        else:
            contents = "written during the same capture (no phase markers)"
        rows.append("\t".join([family + "/" + name, version, how, str(aborts), str(genuine), str(lines), contents]))
    with open(manifest, encoding="utf-8") as f:
        old = f.read().splitlines()
    kept = [r for r in old if not r.startswith(family + "/")]
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("\n".join(kept + rows) + "\n")


if __name__ == "__main__":
    main()
