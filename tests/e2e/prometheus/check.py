#!/usr/bin/env python3
"""The checks of tests/e2e/prometheus.sh, against a running Prometheus's HTTP API.

  check.py wait PROM EXPR VALUE        until EXPR's one value is VALUE (at most 30 s)
  check.py counts PROM BIN LOG=RAW[+RAW...]:OUT[+OUT...]...
                                       the `log` label's counts in Prometheus are those of
                                       `BIN report` over the raw logs and over the squashed ones
  check.py bounded PROM BIG SMALL      the textfile BIG holds no more series than SMALL
  check.py rules PROM                  every rule of recipes/prometheus/alerts.yml loaded, healthy
  check.py dashboard PROM JSON         every query of the Grafana dashboard answers with series
  check.py corpus-test PROM ALERTS FILE...
                                       prints a `promtool test rules` file: the counters of
                                       FILEs as per-minute series (a day at 1 %, then a burst of
                                       the whole counts a minute), and the alerts they must fire

Standard library only; every wait is bounded. Exits 1 with what differs.
"""

import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request


def api(prom, path, **params):
    url = f"{prom}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise SystemExit(f"{url}: {body}")
    return body["data"]


def query(prom, expr):
    """An instant query's vector, as {frozenset(labels): value}."""
    data = api(prom, "query", query=expr)
    if data["resultType"] == "scalar":
        return {frozenset(): float(data["result"][1])}
    return {frozenset(s["metric"].items()): float(s["value"][1]) for s in data["result"]}


def fail(why):
    print(f"check: {why}")
    sys.exit(1)


def parse_prom(text):
    """Samples of a text-format file: [(name, {label: value}, value)]."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if not m:
            fail(f"not a sample: {line!r}")
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out.append((m.group(1), labels, float(m.group(3))))
    return out


def report(binary, files):
    """What `report --format prometheus` counts over `files`, whatever their log names."""
    text = subprocess.run([binary, "report", "--format", "prometheus", *files],
                          check=True, capture_output=True, text=True).stdout
    counts = {}
    for name, labels, value in parse_prom(text):
        if name == "resetsquash_report_client_aborts":
            key = ("aborts", labels["rule"], labels["kind"])
        elif name == "resetsquash_report_records":
            key = ("records", labels["outcome"])
        elif name == "resetsquash_report_squashed_bytes":
            key = ("squashed_bytes",)
        else:
            continue
        counts[key] = counts.get(key, 0) + value
    return counts


def in_prometheus(prom, log):
    counts = {}
    sel = f'log="{log}"'
    for labels, v in query(prom, f"sum by (rule, kind) (resetsquash_client_aborts_total{{{sel}}})").items():
        labels = dict(labels)
        counts[("aborts", labels["rule"], labels["kind"])] = v
    for labels, v in query(prom, f"sum by (outcome) (resetsquash_records_total{{{sel}}})").items():
        outcome = dict(labels)["outcome"]
        # The report cannot tell a first kept record (--keep-first, not used here) from one kept.
        if outcome != "first_kept" or v:
            counts[("records", outcome)] = v
    for _, v in query(prom, f"sum(resetsquash_squashed_bytes_total{{{sel}}})").items():
        counts[("squashed_bytes",)] = v
    return counts


def cmd_wait(prom, expr, value):
    got = None
    for _ in range(300):
        got = query(prom, expr)
        if list(got.values()) == [float(value)]:
            return
        time.sleep(0.1)
    fail(f"{expr} is {got}, not {value}")


def cmd_counts(prom, binary, *specs):
    for spec in specs:
        log, files = spec.split("=", 1)
        raw, out = (part.split("+") for part in files.split(":"))
        want = report(binary, raw)
        if report(binary, out) != want:
            fail(f"{log}: report over the squashed logs {report(binary, out)} != over the raw ones {want}")
        got = {}
        for _ in range(300):
            got = in_prometheus(prom, log)
            if got == want:
                break
            time.sleep(0.1)
        else:
            for key in sorted(set(got) | set(want)):
                print(f"  {log} {key}: Prometheus {got.get(key)}, report {want.get(key)}")
            fail(f"{log}: Prometheus's counts are not the report's")
        aborts = sum(v for k, v in got.items() if k[0] == "aborts")
        print(f"{log}: Prometheus and report agree: {aborts:.0f} client aborts "
              + ", ".join(f"{k[2]} {v:.0f}" for k, v in sorted(got.items()) if k[0] == "aborts")
              + "; records " + ", ".join(f"{k[1]} {v:.0f}" for k, v in sorted(got.items()) if k[0] == "records")
              + f"; {got[('squashed_bytes',)]:.0f} bytes squashed")
    # Across the restarts, the counters only grew.
    resets = query(prom, "sum(resets(resetsquash_records_total[1h])) + sum(resets(resetsquash_client_aborts_total[1h]))")
    if list(resets.values()) != [0.0]:
        fail(f"counter resets across the restart: {resets}")


def cmd_bounded(prom, big, small):
    def series(textfile):
        n = query(prom, f'count({{__name__=~"resetsquash_.+",textfile="{textfile}"}})')
        return int(next(iter(n.values()), 0))
    nb, ns = series(big), series(small)
    aborts = query(prom, f'sum(resetsquash_client_aborts_total{{textfile="{big}"}})')
    if list(aborts.values()) != [1e6]:
        fail(f"{big}: {aborts} client aborts, not a million")
    print(f"series: {nb} for a million distinct client aborts ({big}), {ns} for catalina.out ({small})")
    if not 0 < nb <= ns:
        fail(f"{big} has {nb} series, {small} {ns}")


def cmd_rules(prom):
    rules = []
    for _ in range(300):
        groups = api(prom, "rules")["groups"]
        rules = [r for g in groups if g["name"] == "resetsquash" for r in g["rules"]]
        if rules and all(r["health"] == "ok" for r in rules):
            break
        time.sleep(0.1)
    bad = [(r["name"], r["health"], r.get("lastError")) for r in rules if r["health"] != "ok"]
    if len(rules) != 8 or bad:
        fail(f"{len(rules)} rules, unhealthy: {bad}")
    print(f"rules: {len(rules)} loaded and evaluated: " + ", ".join(r["name"] for r in rules))


def cmd_dashboard(prom, path):
    dash = json.load(open(path))
    n = 0
    for panel in dash["panels"]:
        for t in panel["targets"]:
            expr = (t["expr"].replace("$__rate_interval", "20s").replace("$__range", "10m")
                    .replace("$instance", ".*").replace("$log", ".*"))
            result = query(prom, expr)
            if not result:
                fail(f"panel {panel['title']!r}: {expr} gives no series")
            print(f"dashboard: {panel['title']!r}: {len(result)} series")
            n += 1
    for var in dash["templating"]["list"]:
        if var["type"] == "query":
            q = var["query"]["query"]
            m = re.fullmatch(r"label_values\((.*), (\w+)\)", q)
            if not m:
                fail(f"variable {var['name']}: {q} is not label_values(SELECTOR, LABEL)")
            values = api(prom, "series", **{"match[]": m.group(1).replace("$instance", ".*")})
            if not any(m.group(2) in s for s in values):
                fail(f"variable {var['name']}: {q} gives no values")
    print(f"dashboard: {n} queries answered")


def humanize(v):
    """Prometheus's `humanize`: four digits and an SI prefix."""
    if v == 0:
        return "0"
    if abs(v) >= 1:
        for prefix in ["", "k", "M", "G", "T", "P", "E", "Z", "Y"]:
            if abs(v) < 1000:
                break
            v /= 1000
    else:
        for prefix in ["", "m", "u", "n", "p", "f", "a", "z", "y"]:
            if abs(v) >= 1:
                break
            v *= 1000
    return f"{v:.4g}{prefix}"


def render(template, labels, value):
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("$labels."):
            return labels[expr[len("$labels."):]]
        if expr == "$value | humanize":
            return humanize(value)
        if expr == "$value | humanizePercentage":
            return f"{value * 100:.4g}%"
        fail(f"a template this check does not know: {expr}")
    return re.sub(r"\{\{(.*?)\}\}", one, template)


def cmd_corpus_test(prom, alerts, *files):
    rules = {r["name"]: r for g in api(prom, "rules")["groups"] for r in g["rules"] if r["type"] == "alerting"}
    instance = "node1:9100"
    series, aborts, records = [], {}, {}
    for path in files:
        for name, labels, v in parse_prom(open(path).read()):
            if name not in ("resetsquash_client_aborts_total", "resetsquash_records_total"):
                continue
            log = labels["log"]
            if name == "resetsquash_client_aborts_total":
                aborts[log] = aborts.get(log, 0) + v
                values = f"0+{v / 100:g}x1440 {v * 14.4:g}+{v:g}x60"
            else:
                r = records.setdefault(log, {})
                r[labels["outcome"]] = r.get(labels["outcome"], 0) + v
                values = f"0+{v:g}x1500"
            text = ",".join(f'{k}="{val}"' for k, val in {"instance": instance, **labels}.items())
            series.append({"series": f"{name}{{{text}}}", "values": values})
    expected = {"ResetsquashAbortBurst": [], "ResetsquashAbortRatioHigh": []}
    for log, v in sorted(aborts.items()):
        rate = v / 60
        if rate > 0.2:
            expected["ResetsquashAbortBurst"].append(({"instance": instance, "log": log}, rate))
    for log, r in sorted(records.items()):
        total = sum(r.values())
        ratio = (r.get("squashed", 0) + r.get("first_kept", 0)) / total if total else 0
        if ratio > 0.5 and total / 60 > 1 / 60:
            expected["ResetsquashAbortRatioHigh"].append(({"instance": instance, "log": log}, ratio))
    if not expected["ResetsquashAbortBurst"] or not expected["ResetsquashAbortRatioHigh"]:
        fail(f"the corpus counts fire nothing: {aborts} {records}")
    tests = []
    for alert, fired in expected.items():
        rule = rules[alert]
        exp = []
        for labels, value in fired:
            exp.append({
                "exp_labels": {**labels, **rule["labels"]},
                "exp_annotations": {k: render(t, labels, value) for k, t in rule["annotations"].items()},
            })
        tests.append({"eval_time": "1480m", "alertname": alert, "exp_alerts": exp})
        # Before the burst, nothing.
        if alert == "ResetsquashAbortBurst":
            tests.append({"eval_time": "1400m", "alertname": alert, "exp_alerts": []})
    # promtool reads YAML, and JSON is YAML.
    print(json.dumps({
        "rule_files": [alerts],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": tests}],
    }, indent=1))
    print(f"check: corpus test: {len(series)} series; fires "
          + "; ".join(f"{a} for {', '.join(l['log'] for l, _ in f)}" for a, f in expected.items()),
          file=sys.stderr)


COMMANDS = {
    "wait": cmd_wait, "counts": cmd_counts, "bounded": cmd_bounded, "rules": cmd_rules,
    "dashboard": cmd_dashboard, "corpus-test": cmd_corpus_test,
}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
