#!/usr/bin/env bash
# End-to-end test against a real Apache httpd (Debian's apache2), loopback only.
#
#   tests/e2e/apache.sh                      # uses target/release/resetsquash, builds it if missing
#   RESETSQUASH=/path/to/resetsquash tests/e2e/apache.sh
#   APACHE_E2E_KEEP=1 tests/e2e/apache.sh   # keep the logs even when it passes
#
# Runs its own httpd twice on a free 127.0.0.1 port with a minimal config from a temporary
# directory (never the system service), with the same traffic each time (traffic.py): ordinary
# requests, missing files (AH00128), a denied path (AH01630), a proxied backend that answers
# with a TCP reset (AH01102/AH00898 and, for a request body, a "[remote …] core_output_filter"
# write failure: look-alikes that must be kept), and clients that read a little of a 64 MiB
# file and close or reset, which httpd 2.4 logs at core:trace1 as "(32|104)…: [client …]
# core_output_filter: writing data to the network".
#   1. plain:  ErrorLog to a file, to see what that traffic makes httpd write;
#   2. piped:  ErrorLog "|resetsquash -o error.log", stopped with `apache2 -k stop` (httpd sends
#              the piped logger SIGTERM, and SIGKILL 3 s later).
# Then checks (apache/check.py) the piped log: summaries of the httpd rule whose counts add up
# to the client-abort lines of the plain log and to the aborted connections of the access log
# (%X), no client-abort line left outside them, the genuine errors and look-alikes intact, and
# httpd's startup and shutdown notices there; also `resetsquash` over the plain log as a file.
# Installs apache2 and curl if missing (apt-get); never skips.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
assets=$here/apache
started=$(date +%s.%N)

ABORTS=20       # clients that read a little of big.bin and go away
MISSING=5       # requests for missing files
DENIED=2        # requests for a denied path
PROXY_GETS=2    # proxied GETs the backend resets
PROXY_POSTS=2   # proxied POSTs whose body the backend resets

work=""
passed=0
pidfile=""        # the running phase's PidFile
httpd_pids=()     # httpd parents not yet seen to end
logger_pids=()    # piped loggers not yet seen to end
backend_pid=""

# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

cleanup() {
  local p
  trap - EXIT INT TERM HUP
  if ((${#httpd_pids[@]} == 0)) && [ -n "$pidfile" ] && [ -s "$pidfile" ]; then
    httpd_pids=("$(cat "$pidfile")")   # started, failed before we read its pid
  fi
  # What this script started, by pid: httpd instances (`apache2 -k stop` is a SIGTERM to the
  # pid in PidFile; httpd -k start makes it a process group leader, so a SIGKILL to its group
  # takes its children and piped logger), the loggers, the backend.
  for p in "${httpd_pids[@]}"; do
    alive "$p" && kill -TERM "$p" 2>/dev/null
  done
  for p in "${httpd_pids[@]}"; do
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -KILL -- "-$p" 2>/dev/null
  done
  for p in "${logger_pids[@]}"; do
    alive "$p" && kill -KILL "$p" 2>/dev/null
  done
  if [ -n "$backend_pid" ]; then
    kill -TERM "$backend_pid" 2>/dev/null
    wait "$backend_pid" 2>/dev/null
  fi
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$passed" = 1 ] && [ -z "${APACHE_E2E_KEEP:-}" ]; then
      rm -rf "$work"
    else
      rm -f "$work/htdocs/big.bin"
      say "logs kept in $work"
    fi
  fi
  say "run time: $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
  if [ "$passed" = 1 ]; then
    say "PASS"
    say "apache e2e: 1 passed, 0 failed"
    exit 0
  fi
  say "FAIL"
  say "apache e2e: 0 passed, 1 failed"
  exit 1
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- what it needs ------------------------------------------------------------------------------
need=()
[ -x /usr/sbin/apache2 ] || command -v apache2 >/dev/null 2>&1 || need+=(apache2)
[ -e /usr/lib/apache2/modules/mod_proxy_http.so ] || need+=(apache2)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
install_missing ${need[@]+"${need[@]}"}
APACHE2=$(command -v apache2 2>/dev/null || echo /usr/sbin/apache2)
[ -x "$APACHE2" ] || fail "no apache2 binary after installing apache2"
for m in mpm_event authz_core dir mime proxy proxy_http; do
  [ -e "/usr/lib/apache2/modules/mod_$m.so" ] || fail "missing /usr/lib/apache2/modules/mod_$m.so"
done
command -v curl >/dev/null 2>&1 || fail "no curl after installing curl"
command -v python3 >/dev/null 2>&1 || fail "no python3"
say "httpd: $("$APACHE2" -v | head -n 1)"

if [ -n "${RESETSQUASH:-}" ]; then
  RS=$RESETSQUASH
  [ -x "$RS" ] || fail "RESETSQUASH=$RS is not an executable"
else
  RS=$repo/target/release/resetsquash
  if [ ! -x "$RS" ]; then
    say "building $RS"
    (cd "$repo" && env -u CARGO_TARGET_DIR cargo build --release --locked) || fail "cargo build failed"
    [ -x "$RS" ] || fail "cargo build made no $RS"
  fi
fi
RS=$(realpath "$RS")
case $RS in *[[:space:]\"]*) fail "resetsquash path has blanks or quotes, httpd cannot pipe to it: $RS" ;; esac
say "resetsquash: $RS"

# --- the instance --------------------------------------------------------------------------------
work=$(mktemp -d /tmp/resetsquash-apache-e2e.XXXXXX) || fail "mktemp"
chmod 755 "$work"   # httpd's children run as www-data and read htdocs
mkdir -p "$work/htdocs"
printf '<html><body>resetsquash e2e</body></html>\n' >"$work/htdocs/index.html"
head -c $((64 * 1024 * 1024)) /dev/zero >"$work/htdocs/big.bin" || fail "cannot write big.bin"
chmod -R a+rX "$work/htdocs"

if [ "$(id -u)" -eq 0 ]; then
  run_user=www-data run_group=www-data
  id www-data >/dev/null 2>&1 || fail "no user www-data"
else
  run_user=$(id -un) run_group=$(id -gn)
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

python3 "$assets/traffic.py" backend "$work/backend.port" &
backend_pid=$!
for _ in $(seq 100); do [ -s "$work/backend.port" ] && break; sleep 0.05; done
[ -s "$work/backend.port" ] || fail "the reset backend did not start"
backend_port=$(cat "$work/backend.port")

# run_phase NAME ERRORLOG: starts httpd, sends the traffic, stops httpd and waits for it (and
# for its piped logger, if any) to be gone.
run_phase() {
  local name=$1 errorlog=$2 dir=$work/$1 port pid p conf
  mkdir -p "$dir/run" "$dir/logs"
  port=$(free_port) || fail "no free port"
  conf=$dir/httpd.conf
  pidfile=$dir/run/httpd.pid
  python3 - "$assets/httpd.conf.in" "$conf" "@DIR@=$dir" "@DOCROOT@=$work/htdocs" "@PORT@=$port" \
    "@BACKEND_PORT@=$backend_port" "@ERRORLOG@=$errorlog" <<'EOF' || fail "[$name] cannot write $conf"
import sys
text = open(sys.argv[1]).read()
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    text = text.replace(k, v)
open(sys.argv[2], "w").write(text)
EOF
  # What Debian's /etc/apache2/envvars sets; the config reads the user and group from here.
  export APACHE_RUN_USER=$run_user APACHE_RUN_GROUP=$run_group APACHE_PID_FILE=$dir/run/httpd.pid \
    APACHE_RUN_DIR=$dir/run APACHE_LOCK_DIR=$dir/run APACHE_LOG_DIR=$dir/logs LANG=C
  say "[$name] starting httpd on 127.0.0.1:$port"
  "$APACHE2" -f "$conf" -k start || fail "[$name] apache2 -k start failed"
  for _ in $(seq 100); do [ -s "$dir/run/httpd.pid" ] && break; sleep 0.05; done
  [ -s "$dir/run/httpd.pid" ] || fail "[$name] httpd wrote no pid file"
  pid=$(cat "$dir/run/httpd.pid")
  httpd_pids+=("$pid")
  local code=""
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/") && [ "$code" = 200 ] && break
    sleep 0.1
  done
  [ "$code" = 200 ] || fail "[$name] httpd does not answer GET / with 200 (got $code)"

  local logger=""
  if [[ $errorlog == *'|'* ]]; then
    # httpd's children are its workers (apache2) and the piped logger.
    for p in $(ps -o pid= --ppid "$pid"); do
      [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(realpath "$APACHE2")" ] || logger="$logger${logger:+ }$p"
    done
    [ -n "$logger" ] || fail "[$name] no piped logger under httpd $pid"
    [[ $logger != *' '* ]] || fail "[$name] more than one piped logger under httpd $pid: $logger"
    logger_pids+=("$logger")
    say "[$name] piped logger: pid $logger: $(tr '\0' ' ' <"/proc/$logger/cmdline")"
  fi

  say "[$name] traffic: $ABORTS aborting clients, $MISSING missing files, $DENIED denied, $PROXY_GETS+$PROXY_POSTS proxied to a resetting backend"
  python3 "$assets/traffic.py" client "$port" "$ABORTS" "$MISSING" "$DENIED" "$PROXY_GETS" "$PROXY_POSTS" \
    >"$dir/traffic.out" 2>&1
  local rc=$?
  sed 's/^/    /' "$dir/traffic.out"
  [ "$rc" = 0 ] || fail "[$name] traffic did not go as planned"

  local t0 t1 ms
  t0=$(date +%s%N)
  "$APACHE2" -f "$conf" -k stop || fail "[$name] apache2 -k stop failed"
  for _ in $(seq 300); do
    alive "$pid" || { [ -n "$logger" ] && alive "$logger"; } || break
    sleep 0.02
  done
  alive "$pid" && fail "[$name] httpd $pid still running 6 s after -k stop"
  if [ -n "$logger" ]; then
    # httpd ends its piped loggers with SIGTERM and, 3 s later, SIGKILL: one still running
    # after 2.5 s has not ended on SIGTERM.
    for _ in $(seq 300); do alive "$logger" || break; sleep 0.02; done
    alive "$logger" && fail "[$name] resetsquash $logger still running after httpd exited"
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    say "[$name] httpd and resetsquash gone ${ms} ms after apache2 -k stop"
    ((ms < 2500)) || fail "[$name] resetsquash took ${ms} ms to end after -k stop (SIGKILLed by httpd?)"
  fi
  httpd_pids=() logger_pids=() pidfile=""   # both seen to end: nothing to clean up
  [ -s "$dir/logs/error.log" ] || fail "[$name] no error.log"
}

run_phase plain "\"$work/plain/logs/error.log\""
run_phase piped "\"|$RS -o $work/piped/logs/error.log\""

"$RS" "$work/plain/logs/error.log" >"$work/squashed.log" || fail "resetsquash over the plain log failed"

say "checks:"
python3 "$assets/check.py" "$work/plain" "$work/piped" "$work/squashed.log" "$work/htdocs" \
  "$backend_port" "$ABORTS" "$MISSING" "$DENIED" "$PROXY_GETS" "$PROXY_POSTS" | sed 's/^/  /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "checks failed (logs: $work/plain/logs, $work/piped/logs)"
passed=1
