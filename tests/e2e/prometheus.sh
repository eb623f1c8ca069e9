#!/usr/bin/env bash
# End-to-end test of --metrics with Debian's node_exporter and Prometheus, loopback only.
#
#   tests/e2e/prometheus.sh                       # uses target/release/resetsquash, builds it if missing
#   RESETSQUASH=/path/to/resetsquash tests/e2e/prometheus.sh
#   PROMETHEUS_E2E_KEEP=1 tests/e2e/prometheus.sh # keep the work folder even when it passes
#
# Starts node_exporter (textfile collector only, on a folder of its own) and Prometheus
# (scraping it every second, with recipes/prometheus/alerts.yml loaded) on free 127.0.0.1 ports,
# then writes into that folder as a node would:
#   1. a pipe in front of a server: the corpus's catalina.out through `resetsquash -o app.log
#      --metrics resetsquash-live-app.prom --metrics-every 1s`, input held open for 3 s so that
#      the file is written while the run goes on (every version written is kept for promtool);
#   2. a restart: node_exporter and Prometheus stopped and started again, and a second pipe run
#      (the server restarted) adding the same log's counts to the same file;
#   3. logrotate hooks: a real logrotate rotating copies of the corpus's nginx error.log and
#      gunicorn error log, each with `postrotate resetsquash --in-place --metrics
#      resetsquash-rotate.prom "$2"`;
#   4. a log of a million distinct client aborts (nginx lines, one client and URL each).
# Then prometheus/check.py asks Prometheus's HTTP API and requires: every log's counts exactly
# those of `resetsquash report` over the same logs, raw and squashed; no counter reset across the
# restart; the alert rules loaded and healthy; every query of recipes/prometheus/dashboard.json
# answering with series; the million-group log a dozen series, as a small log. promtool checks
# every metrics file written (`check metrics`), the rules (`check rules`), and runs
# recipes/prometheus/alerts.test.yml and a test made from the counts of this run (`test
# rules`). Installs prometheus, prometheus-node-exporter, logrotate and python3 if missing
# (apt-get); never skips. About a minute.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
recipes=$repo/recipes/prometheus
corpus=$repo/testdata/corpus
started=$(date +%s.%N)

# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

work=""
passed=0
pids=()   # node_exporter and Prometheus, by pid

stop() { # pid: SIGTERM, SIGKILL 10 s later
  alive "$1" || return 0
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 100); do alive "$1" || break; sleep 0.1; done
  alive "$1" && kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}
cleanup() {
  local p
  trap - EXIT INT TERM HUP
  for p in "${pids[@]}"; do stop "$p"; done
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$passed" = 1 ] && [ -z "${PROMETHEUS_E2E_KEEP:-}" ]; then
      rm -rf "$work"
    else
      say "work folder kept in $work"
    fi
  fi
  say "run time: $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
  if [ "$passed" = 1 ]; then
    say "PASS"
    say "prometheus e2e: 1 passed, 0 failed"
    exit 0
  fi
  say "FAIL"
  say "prometheus e2e: 0 passed, 1 failed"
  exit 1
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- what it needs ------------------------------------------------------------------------------
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || need+=(prometheus-node-exporter)
command -v logrotate >/dev/null 2>&1 || need+=(logrotate)
command -v python3 >/dev/null 2>&1 || need+=(python3)
install_missing ${need[@]+"${need[@]}"}
for c in prometheus promtool prometheus-node-exporter logrotate python3; do
  command -v "$c" >/dev/null 2>&1 || fail "no $c after installing it"
done
say "$(prometheus --version 2>&1 | head -1); $(prometheus-node-exporter --version 2>&1 | head -1)"

bin=${RESETSQUASH:-$repo/target/release/resetsquash}
if [ ! -x "$bin" ]; then
  (cd "$repo" && cargo build --release --locked --quiet) || fail "cargo build failed"
fi

work=$(mktemp -d)
textfile=$work/textfile   # node_exporter's folder
mkdir -p "$textfile" "$work/logs" "$work/versions" "$work/tsdb"
ne_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prom=http://127.0.0.1:$prom_port
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $recipes/alerts.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$ne_port']
EOF
promtool check config "$work/prometheus.yml" >/dev/null || fail "promtool check config refuses $work/prometheus.yml"

wait_http() { # url pid: until it answers (at most 30 s), while pid lives
  for _ in $(seq 300); do
    alive "$2" || return 1
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
start_servers() {
  prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$textfile" >>"$work/node_exporter.log" 2>&1 &
  ne_pid=$!
  pids+=("$ne_pid")
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" >>"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  pids+=("$prom_pid")
  wait_http "http://127.0.0.1:$ne_port/metrics" "$ne_pid" || { cat "$work/node_exporter.log"; fail "node_exporter did not start"; }
  wait_http "$prom/-/ready" "$prom_pid" || { tail -20 "$work/prometheus.log"; fail "Prometheus did not start"; }
}

# keep_versions FILE PID: copies FILE to versions/ each time it changes, while PID lives (a
# rename replaces it whole, so each copy is one version as written).
keep_versions() {
  local last="" sum
  while alive "$2"; do
    if [ -e "$1" ]; then
      sum=$(cksum <"$1")
      if [ "$sum" != "$last" ]; then
        cp "$1" "$work/versions/$(basename "$1").$(date +%s%N)"
        last=$sum
      fi
    fi
    sleep 0.1
  done
  cp "$1" "$work/versions/$(basename "$1").end"
}

# pipe_run: catalina.out through a pipe whose writer stays 3 s longer, as a server does.
pipe_run() {
  local live=$textfile/resetsquash-live-app.prom rs before
  before=$(ls "$work/versions" | wc -l)
  { cat "$corpus/tomcat10/catalina.out"; sleep 3; } |
    "$bin" -o "$work/logs/app.log" --metrics "$live" --metrics-every 1s 2>>"$work/resetsquash.err" &
  rs=$!
  keep_versions "$live" "$rs"
  wait "$rs" || fail "the pipe run ended with status $? ($(cat "$work/resetsquash.err"))"
  # Written while the input was still open, not only at the end.
  (($(ls "$work/versions" | wc -l) - before >= 3)) || fail "the pipe run did not write its metrics file while it ran (only at the end)"
}

say "== pipe run, then a restart of node_exporter, Prometheus and the pipe"
start_servers
pipe_run
python3 "$here/prometheus/check.py" wait "$prom" 'sum(resetsquash_records_total{log="app"})' 432 || fail "Prometheus never saw the pipe's counts"
for p in "$prom_pid" "$ne_pid"; do stop "$p"; done
pids=()
start_servers
pipe_run

say "== logrotate hooks"
mkdir -p "$work/logs/nginx" "$work/logs/gunicorn"
cp "$corpus/nginx/error.log" "$work/logs/nginx/error.log"
cp "$corpus/python/gunicorn-error.log" "$work/logs/gunicorn/gunicorn-error.log"
cat >"$work/logrotate.conf" <<EOF
$work/logs/nginx/error.log $work/logs/gunicorn/gunicorn-error.log {
    rotate 3
    missingok
    nocompress
    postrotate
        "$bin" --in-place --metrics "$textfile/resetsquash-rotate.prom" "\$2"
    endscript
}
EOF
logrotate --force --state "$work/logrotate.state" "$work/logrotate.conf" 2>"$work/logrotate.err" \
  || fail "logrotate failed: $(cat "$work/logrotate.err")"
[ -s "$work/logs/nginx/error.log.1" ] && [ -s "$work/logs/gunicorn/gunicorn-error.log.1" ] \
  || fail "logrotate did not rotate both logs"
cp "$textfile/resetsquash-rotate.prom" "$work/versions/resetsquash-rotate.prom.end"

say "== a million distinct client aborts"
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "2026/11/24 15:%02d:%02d [info] 20760#20760: *%d client prematurely closed connection while sending response to client, client: 10.%d.%d.%d, server: localhost, request: \"GET /item/%d HTTP/1.1\", host: \"localhost\"\n", (i / 60) % 60, i % 60, i, (i / 65536) % 256, (i / 256) % 256, i % 256, i }' \
  >"$work/logs/million.log"
"$bin" --metrics "$textfile/resetsquash-million.prom" -o "$work/logs/million.out" "$work/logs/million.log" \
  || fail "the million-abort run failed"
cp "$textfile/resetsquash-million.prom" "$work/versions/resetsquash-million.prom.end"
rm "$work/logs/million.log"

say "== promtool"
"$bin" report --format prometheus "$corpus/tomcat10/catalina.out" >"$work/versions/report.prom" || fail "report --format prometheus failed"
n=0
for f in "$work"/versions/*; do
  promtool check metrics <"$f" >"$work/promtool.out" 2>&1 || { cat "$work/promtool.out"; fail "promtool check metrics: $(basename "$f")"; }
  n=$((n + 1))
done
say "promtool check metrics: $n files as written, all pass"
promtool check rules "$recipes/alerts.yml" || fail "promtool check rules"
(cd "$recipes" && promtool test rules alerts.test.yml) || fail "promtool test rules alerts.test.yml"
python3 "$here/prometheus/check.py" corpus-test "$prom" "$recipes/alerts.yml" "$textfile"/resetsquash-live-app.prom \
  "$textfile"/resetsquash-rotate.prom >"$work/corpus.test.yml" || fail "could not make the test from the counts"
promtool test rules "$work/corpus.test.yml" || fail "promtool test rules on series made from the corpus counts"

say "== what Prometheus has"
python3 "$here/prometheus/check.py" counts "$prom" "$bin" \
  "app=$corpus/tomcat10/catalina.out+$corpus/tomcat10/catalina.out:$work/logs/app.log" \
  "error=$corpus/nginx/error.log:$work/logs/nginx/error.log.1" \
  "gunicorn-error=$corpus/python/gunicorn-error.log:$work/logs/gunicorn/gunicorn-error.log.1" \
  || fail "Prometheus's counts are not those of resetsquash report"
python3 "$here/prometheus/check.py" bounded "$prom" resetsquash-million.prom resetsquash-live-app.prom \
  || fail "the million-abort log made more series than a small one"
python3 "$here/prometheus/check.py" rules "$prom" || fail "the alert rules are not all loaded and healthy"
python3 "$here/prometheus/check.py" dashboard "$prom" "$recipes/dashboard.json" || fail "a dashboard query failed"
passed=1
