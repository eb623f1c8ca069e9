#!/usr/bin/env bash
# End-to-end test against a real Apache Tomcat 10 (Debian's tomcat10), loopback only.
#
#   tests/e2e/tomcat.sh                       # uses target/release/resetsquash, builds it if missing
#   RESETSQUASH=/path/to/resetsquash tests/e2e/tomcat.sh
#   TOMCAT_E2E_KEEP=1 tests/e2e/tomcat.sh    # keep the logs even when it passes
#   TOMCAT_E2E_PRINT_ONCE=1 tests/e2e/tomcat.sh    # the printed aborts in one write each
#                                               # instead of e.printStackTrace() (see below)
#
# Runs its own Tomcat (Debian's /usr/share/tomcat10 as CATALINA_HOME) from a temporary
# CATALINA_BASE whose conf/ is Debian's (/usr/share/tomcat10/etc, else /etc/tomcat10) with the
# HTTP connector moved to a free port on 127.0.0.1, and deploys one servlet (tomcat/E2eServlet.java,
# compiled here against Debian's servlet API jar) that streams 256 MiB in flushed chunks and logs
# the ClientAbortException when the client goes away, with java.util.logging (JULI's console
# handler: header + tab-indented trace) or as printStackTrace() (no header); and that makes genuine
# errors: a NullPointerException, an outbound connect refused, outbound resets (look-alikes).
# The same traffic (tomcat/traffic.py: FIN and RST aborting clients, genuine errors, ordinary
# requests, four client threads) runs in three phases, each a fresh Tomcat:
#   1. plain:   CATALINA_OUT=logs/catalina.out, what Tomcat writes without resetsquash;
#   2. piped:   CATALINA_OUT_CMD="resetsquash -o logs/catalina.out" (CATALINA_OUT is then the
#               named pipe catalina.sh makes, logs/catalina.pipe), stopped with `catalina.sh stop`
#               (Debian's server.xml has no shutdown port, so catalina.sh sends the JVM SIGTERM;
#               the JVM's exit closes the pipe and resetsquash ends at end of input, status 0);
#   3. sigterm: as 2, but resetsquash itself gets SIGTERM while Tomcat still runs (as when a
#               service manager stops everything at once): it must write every pending count
#               and end by the signal;
#   4. fulldisk: as 2, with logs/ on a small tmpfs that is full when the traffic starts and gets
#               its space back 2 s into it: resetsquash must keep reading (Tomcat's System.out
#               never breaks), hold what it cannot write, write it once there is space, and end
#               as in 2, every count there; it says on standard error when writing failed and
#               when it worked again.
# Half the aborts are logged with java.util.logging, half printed without a header, as
# printStackTrace() does. By default the servlet calls e.printStackTrace() itself, which writes
# each line separately, with pauses on a busy JVM: resetsquash must wait out such pauses inside a
# trace (it gives a trace 500 ms of quiet, an ordinary record 10 ms). With TOMCAT_E2E_PRINT_ONCE=1
# the printed traces reach System.err in one write each (the same bytes, formatted first).
# tomcat/procs.py runs `catalina.sh start` as a child subreaper, so the test sees how
# resetsquash ended. Then tomcat/check.py checks the logs (see there), also `resetsquash` over
# the plain log as a file. Installs tomcat10, a JDK, curl, python3 and procps if missing
# (apt-get); never skips.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
assets=$here/tomcat
started=$(date +%s.%N)

FIN=20           # aborting clients that half-close first (Broken pipe)
RST=20           # aborting clients that reset (Connection reset by peer)
NPE=3            # requests that log a NullPointerException
REFUSED=3        # requests that print a ConnectException: Connection refused (outbound)
BACKEND_READ=2   # requests whose outbound read is reset (SocketException: Connection reset)
BACKEND_WRITE=2  # requests whose outbound write is reset (Connection reset by peer / Broken pipe)

PRINT_VIA=print-lines  # how the servlet prints half of the aborts: print-lines (printStackTrace, a line at a time) or print (one write)
[ -n "${TOMCAT_E2E_PRINT_ONCE:-}" ] && PRINT_VIA=print

CATALINA_HOME=/usr/share/tomcat10
CATALINA_SH=$CATALINA_HOME/bin/catalina.sh

work=""
passed=0
java_pids=()     # Tomcat JVMs not yet seen to end
rs_pids=()       # resetsquash processes not yet seen to end
reaper_pids=()   # procs.py reap processes not yet seen to end
phase_base=""    # the running phase's CATALINA_BASE (for its pid file)
mounts=()        # tmpfs mounts to unmount

# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

cleanup() {
  local p
  trap - EXIT INT TERM HUP
  if ((${#java_pids[@]} == 0)) && [ -n "$phase_base" ] && [ -s "$phase_base/temp/tomcat.pid" ]; then
    java_pids=("$(cat "$phase_base/temp/tomcat.pid")")   # started, failed before we read its pid
  fi
  # Only what this script started, by pid: the JVMs (SIGTERM, SIGKILL 10 s later), then the
  # resetsquash processes (they end at end of input once the JVM is gone; SIGKILL if not), then
  # the reapers (they end by themselves when nothing is left below them).
  for p in "${java_pids[@]}"; do
    alive "$p" && kill -TERM "$p" 2>/dev/null
  done
  for p in "${java_pids[@]}"; do
    for _ in $(seq 100); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -KILL "$p" 2>/dev/null
  done
  for p in "${rs_pids[@]}"; do
    for _ in $(seq 30); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -KILL "$p" 2>/dev/null
  done
  for p in "${reaper_pids[@]}"; do
    for _ in $(seq 30); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -TERM "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  for p in "${mounts[@]}"; do umount "$p" 2>/dev/null; done
  if [ -n "$work" ] && [ -d "$work" ]; then
    if [ "$passed" = 1 ] && [ -z "${TOMCAT_E2E_KEEP:-}" ]; then
      rm -rf "$work"
    else
      say "logs kept in $work"
    fi
  fi
  say "run time: $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
  if [ "$passed" = 1 ]; then
    say "PASS"
    say "tomcat e2e: 1 passed, 0 failed"
    exit 0
  fi
  say "FAIL"
  say "tomcat e2e: 0 passed, 1 failed"
  exit 1
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- what it needs ------------------------------------------------------------------------------
servlet_jar() {
  local j
  for j in /usr/share/java/tomcat10-servlet-api.jar $CATALINA_HOME/lib/servlet-api.jar; do
    [ -r "$j" ] && { echo "$j"; return 0; }
  done
  return 1
}
need=()
{ [ -x "$CATALINA_SH" ] && servlet_jar >/dev/null; } || need+=(tomcat10)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v ps >/dev/null 2>&1 || need+=(procps)
install_missing ${need[@]+"${need[@]}"}
[ -x "$CATALINA_SH" ] || fail "no $CATALINA_SH after installing tomcat10"
SERVLET_JAR=$(servlet_jar) || fail "no servlet API jar (tomcat10-servlet-api.jar) after installing tomcat10"
command -v javac >/dev/null 2>&1 || fail "no javac after installing openjdk-17-jdk-headless"
command -v curl >/dev/null 2>&1 || fail "no curl after installing curl"
command -v python3 >/dev/null 2>&1 || fail "no python3"
command -v ps >/dev/null 2>&1 || fail "no ps after installing procps"
conf_src=""
for d in $CATALINA_HOME/etc /etc/tomcat10; do
  [ -r "$d/server.xml" ] && [ -r "$d/logging.properties" ] && { conf_src=$d; break; }
done
[ -n "$conf_src" ] || fail "no readable Debian Tomcat conf (server.xml) in $CATALINA_HOME/etc or /etc/tomcat10"

# The JVM Debian's own service would pick (tomcat-start.sh sources this script).
JAVA_HOME_DEB=""
if [ -r /usr/libexec/tomcat10/tomcat-locate-java.sh ]; then
  JAVA_HOME_DEB=$(set +eu; unset JAVA_HOME; . /usr/libexec/tomcat10/tomcat-locate-java.sh >/dev/null 2>&1 && echo "$JAVA_HOME")
fi
say "tomcat: $(CATALINA_HOME=$CATALINA_HOME JAVA_HOME=$JAVA_HOME_DEB "$CATALINA_HOME/bin/version.sh" 2>/dev/null \
  | sed -n 's/^Server version: *//p')${JAVA_HOME_DEB:+, JAVA_HOME=$JAVA_HOME_DEB}, conf from $conf_src"

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
say "resetsquash: $RS"

# --- the web application -------------------------------------------------------------------------
work=$(mktemp -d /tmp/resetsquash-tomcat-e2e.XXXXXX) || fail "mktemp"
# catalina.sh runs CATALINA_OUT_CMD unquoted: no blanks in it.
for p in "$RS" "$work"; do
  case $p in *[[:space:]\"\'\\]*) fail "$p has blanks or quotes: catalina.sh runs CATALINA_OUT_CMD unquoted" ;; esac
done
mkdir -p "$work/classes"
javac -encoding UTF-8 -Xlint:all -d "$work/classes" -cp "$SERVLET_JAR" "$assets/E2eServlet.java" \
  >"$work/javac.out" 2>&1 || { cat "$work/javac.out"; fail "javac failed"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

catalina_env() { # BASE MODE: sets CENV, the environment Debian's service gives catalina.sh, with our base
  local base=$1 mode=$2
  CENV=(env -u INVOCATION_ID -u JOURNAL_STREAM -u CATALINA_OUT_CMD -u CATALINA_OPTS -u JDK_JAVA_OPTIONS
    -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JRE_HOME -u CLASSPATH LC_ALL=C.UTF-8 LANG=C.UTF-8
    ${JAVA_HOME_DEB:+JAVA_HOME=$JAVA_HOME_DEB} JAVA_OPTS=-Djava.awt.headless=true
    CATALINA_HOME="$CATALINA_HOME" CATALINA_BASE="$base" CATALINA_TMPDIR="$base/temp"
    CATALINA_PID="$base/temp/tomcat.pid")
  if [ "$mode" = plain ]; then
    CENV+=(CATALINA_OUT="$base/logs/catalina.out")
  else
    CENV+=(CATALINA_OUT="$base/logs/catalina.pipe" CATALINA_OUT_CMD="$RS -o $base/logs/catalina.out")
  fi
}

status_of() { # STATUS_FILE PID: "exit N" / "signal N" once the reaper has reaped PID
  sed -n "s/^$2 //p" "$1" 2>/dev/null | head -n 1
}

# run_phase NAME: a fresh CATALINA_BASE, Tomcat started, traffic sent, Tomcat stopped, every
# process it started seen to end.
run_phase() {
  local name=$1 base=$work/$1 port status_file reaper java_pid rs="" p code st t0 ms
  status_file=$base/procs.status
  mkdir -p "$base"/{conf,logs,temp,webapps/e2e/WEB-INF/classes,work}
  cp -R "$conf_src/." "$base/conf/" || fail "[$name] cannot copy $conf_src"
  cp -R "$work/classes/." "$base/webapps/e2e/WEB-INF/classes/"
  port=$(free_port) || fail "no free port"
  # Debian's server.xml: one active HTTP connector on 8080 (the others are commented out) and no
  # shutdown port (port="-1"). Move the connector to 127.0.0.1:$port.
  python3 - "$base/conf/server.xml" "$port" <<'EOF' || fail "[$name] cannot edit server.xml"
import re, sys
path, port = sys.argv[1], sys.argv[2]
text = open(path).read()
old = '<Connector port="8080" protocol="HTTP/1.1"'
live = re.sub(r"<!--.*?-->", "", text, flags=re.S)
if live.count("<Connector ") != 1 or live.count(old) != 1:
    sys.exit("expected exactly one active connector, %r, in %s" % (old, path))
if '<Server port="-1"' not in live:
    sys.exit("expected no shutdown port (<Server port=\"-1\") in %s" % path)
if text.count(old) != 1:
    sys.exit("expected %r once in %s" % (old, path))
open(path, "w").write(text.replace(old, '<Connector port="%s" address="127.0.0.1" protocol="HTTP/1.1"' % port))
EOF
  grep -q "<Connector port=\"$port\" address=\"127.0.0.1\"" "$base/conf/server.xml" || fail "[$name] connector not moved"
  if [ "$name" = fulldisk ]; then
    # The log disk: 4 MiB, full before Tomcat starts (inodes are left: catalina.sh can still
    # make its named pipe there).
    mount -t tmpfs -o size=4m tmpfs "$base/logs" || fail "[$name] cannot mount a tmpfs on logs/ (needs root)"
    mounts+=("$base/logs")
    dd if=/dev/zero of="$base/logs/filler" bs=64k >/dev/null 2>&1
    # JULI's own files go elsewhere, so that the checks can still hold catalina.out to them.
    mkdir -p "$base/julilogs"
    sed -i 's#^\([0-9a-z]*[.a-zA-Z]*FileHandler\.directory *= *\)${catalina\.base}/logs *$#\1${catalina.base}/julilogs#' \
      "$base/conf/logging.properties"
    grep -q 'FileHandler.directory *= *${catalina.base}/julilogs' "$base/conf/logging.properties" \
      && ! grep -q 'FileHandler.directory *= *${catalina.base}/logs' "$base/conf/logging.properties" \
      || fail "[$name] cannot move JULI's files off logs/ in conf/logging.properties"
    [ "$(df --output=avail "$base/logs" | tail -n 1 | tr -d ' ')" = 0 ] || fail "[$name] logs/ is not full"
  fi

  phase_base=$base
  say "[$name] starting Tomcat on 127.0.0.1:$port"
  catalina_env "$base" "$name"
  python3 "$assets/procs.py" reap "$status_file" 240 "$base" "${CENV[@]}" "$CATALINA_SH" start \
    >"$base/catalina-start.out" 2>&1 </dev/null &
  reaper=$!
  reaper_pids+=("$reaper")
  p=""
  for _ in $(seq 200); do
    p=$(sed -n 's/^started //p' "$status_file" 2>/dev/null)
    [ -n "$p" ] && [ -n "$(status_of "$status_file" "$p")" ] && break
    sleep 0.05
  done
  st=$(status_of "$status_file" "$p")
  [ "$st" = "exit 0" ] || { cat "$base/catalina-start.out"; fail "[$name] catalina.sh start: ${st:-did not end in 10 s}"; }
  [ -s "$base/temp/tomcat.pid" ] || fail "[$name] catalina.sh start wrote no pid file"
  java_pid=$(cat "$base/temp/tomcat.pid")
  java_pids+=("$java_pid")
  alive "$java_pid" || fail "[$name] Tomcat (pid $java_pid) is not running: $(cat "$base/catalina-start.out")"

  if [ "$name" != plain ]; then
    # catalina.sh started CATALINA_OUT_CMD in the background and exited: it is the reaper's now
    # (a shell until the named pipe has a writer and it execs resetsquash).
    for _ in $(seq 100); do
      for p in $(ps -o pid= --ppid "$reaper"); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$RS" ] && rs="$rs${rs:+ }$p"
      done
      [ -n "$rs" ] && break
      sleep 0.05
    done
    [ -n "$rs" ] || fail "[$name] no resetsquash process under the reaper $reaper"
    [[ $rs != *' '* ]] || fail "[$name] more than one resetsquash: $rs"
    rs_pids+=("$rs")
    [ "$(readlink "/proc/$rs/fd/0")" = "$base/logs/catalina.pipe" ] \
      || fail "[$name] resetsquash $rs does not read $base/logs/catalina.pipe"
    [ -p "$base/logs/catalina.pipe" ] || fail "[$name] $base/logs/catalina.pipe is not a named pipe"
    say "[$name] resetsquash: pid $rs: $(tr '\0' ' ' <"/proc/$rs/cmdline")< $base/logs/catalina.pipe"
  fi

  code=""
  for _ in $(seq 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/e2e/hello") && [ "$code" = 200 ] && break
    alive "$java_pid" || break
    sleep 0.1
  done
  [ "$code" = 200 ] || fail "[$name] Tomcat does not answer GET /e2e/hello with 200 (got $code)"
  python3 "$assets/procs.py" listeners "$java_pid" >"$base/listeners.out" || fail "[$name] cannot list Tomcat's sockets"
  [ "$(cat "$base/listeners.out")" = "127.0.0.1 $port" ] \
    || fail "[$name] Tomcat listens on more than 127.0.0.1:$port: $(tr '\n' ';' <"$base/listeners.out")"

  local freer=""
  if [ "$name" = fulldisk ]; then
    (sleep 2; rm -f "$base/logs/filler") &
    freer=$!
  fi
  say "[$name] traffic: $FIN+$RST aborting clients (FIN, RST; logged via jul and $PRINT_VIA), $NPE NPE, $REFUSED refused, $BACKEND_READ+$BACKEND_WRITE outbound resets"
  python3 "$assets/traffic.py" "$port" "$FIN" "$RST" "$NPE" "$REFUSED" "$BACKEND_READ" "$BACKEND_WRITE" \
    "$PRINT_VIA" >"$base/traffic.out" 2>&1
  local rc=$?
  # One line for what the clients did, one for what the servlet counted, then any problem.
  awk -F '\t' '$1 == "client" { c = c (c ? ", " : "") $2 (NF > 3 ? " " $3 " " $4 : "") "=" $NF }
    $1 == "stat" { s = s (s ? ", " : "") $2 " " $3 (NF > 4 ? " " $4 : "") (NF > 5 ? " (" $5 ")" : "") "=" $NF }
    $1 != "client" && $1 != "stat" { o = o "    " $0 "\n" }
    END { printf "    clients: %s\n    servlet: %s\n%s", c, s, o }' "$base/traffic.out"
  [ "$rc" = 0 ] || fail "[$name] traffic did not go as planned"
  if [ -n "$freer" ]; then
    wait "$freer"
    alive "$rs" || fail "[$name] resetsquash ended while the log disk was full"
    say "[$name] the log disk had its space back 2 s into the traffic; resetsquash still reading"
  fi

  if [ "$name" = sigterm ]; then
    # Everything the traffic made Tomcat log has reached resetsquash: the servlet's last record,
    # "Traffic done", which resetsquash passes through, is in the file.
    local out=$base/logs/catalina.out ok=""
    for _ in $(seq 100); do
      grep -q '^[0-9].* INFO \[[^]]*\] e2e\.E2eServlet\.mark Traffic done$' "$out" && { ok=1; break; }
      sleep 0.1
    done
    [ -n "$ok" ] || fail "[$name] the servlet's \"Traffic done\" did not reach $out within 10 s"
    grep -q 'resetsquash: squashed' "$out" && say "[$name] (summary lines already written before SIGTERM: a window closed)"
    t0=$(date +%s%N)
    kill -TERM "$rs" || fail "[$name] cannot signal resetsquash $rs"
    for _ in $(seq 250); do [ -n "$(status_of "$status_file" "$rs")" ] && break; sleep 0.02; done
    st=$(status_of "$status_file" "$rs")
    ms=$((($(date +%s%N) - t0) / 1000000))
    say "[$name] resetsquash after SIGTERM: ${st:-still running} (${ms} ms)"
    [ "$st" = "signal 15" ] || fail "[$name] resetsquash did not end by SIGTERM within 5 s: ${st:-still running}"
    echo "$st" >"$base/resetsquash.status"
  fi

  t0=$(date +%s%N)
  (cd "$base" && "${CENV[@]}" "$CATALINA_SH" stop) >"$base/catalina-stop.out" 2>&1 \
    || { cat "$base/catalina-stop.out"; fail "[$name] catalina.sh stop failed"; }
  for _ in $(seq 500); do
    [ -n "$(status_of "$status_file" "$java_pid")" ] && { [ -z "$rs" ] || [ -n "$(status_of "$status_file" "$rs")" ]; } && break
    sleep 0.02
  done
  ms=$((($(date +%s%N) - t0) / 1000000))
  st=$(status_of "$status_file" "$java_pid")
  [ -n "$st" ] || fail "[$name] Tomcat $java_pid still running 10 s after catalina.sh stop"
  say "[$name] Tomcat ended (${st}) ${ms} ms after catalina.sh stop"
  if [ "$name" = piped ] || [ "$name" = fulldisk ]; then
    st=$(status_of "$status_file" "$rs")
    say "[$name] resetsquash ended: ${st:-still running}"
    [ "$st" = "exit 0" ] || fail "[$name] resetsquash did not end with status 0 at the end of its input: ${st:-still running}"
    echo "$st" >"$base/resetsquash.status"
  fi
  for _ in $(seq 100); do alive "$reaper" || break; sleep 0.05; done
  alive "$reaper" && fail "[$name] something started by catalina.sh is still running: $(ps -o pid=,args= --ppid "$reaper")"
  wait "$reaper" 2>/dev/null
  java_pids=() rs_pids=() reaper_pids=() phase_base=""   # all seen to end: nothing to clean up
  if [ "$name" = fulldisk ]; then
    # Off the tmpfs, for the checks and for keeping.
    cp -a "$base/logs" "$base/logs.tmpfs" && umount "$base/logs" && mounts=() \
      && rm -f "$base/logs.tmpfs/filler" && cp -a "$base/logs.tmpfs/." "$base/logs/" && rm -rf "$base/logs.tmpfs" \
      || fail "[$name] cannot copy the logs off the tmpfs"
  fi
  [ -s "$base/logs/catalina.out" ] || fail "[$name] no logs/catalina.out"
  # catalina.sh start's output, and the standard output and error of what it started in the
  # background (resetsquash's complaints would be here).
  local want_start="Tomcat started."
  if [ "$name" = fulldisk ]; then
    want_start=$(printf '%s\n%s\n%s' "Tomcat started." \
      "resetsquash: cannot write $base/logs/catalina.out: No space left on device; holding up to 4 MiB and counting what has to be dropped, trying again every few seconds (and on SIGHUP)" \
      "resetsquash: writing $base/logs/catalina.out again after")
    [ "$(head -c "${#want_start}" "$base/catalina-start.out")" = "$want_start" ] \
      && [ "$(sed -n 3p "$base/catalina-start.out")" = "$(sed -n 3p "$base/catalina-start.out" | sed -n '/ s; nothing was lost$/p')" ] \
      && [ "$(wc -l <"$base/catalina-start.out")" = 3 ] \
      || fail "[$name] resetsquash did not say once that writing failed and once that nothing was lost: $(cat "$base/catalina-start.out")"
    say "[$name] resetsquash said: $(sed -n 3p "$base/catalina-start.out")"
  else
    [ "$(cat "$base/catalina-start.out")" = "$want_start" ] \
      || fail "[$name] unexpected output from catalina.sh start or resetsquash: $(cat "$base/catalina-start.out")"
  fi
  echo "$port" >"$base/port"
}

run_phase plain
run_phase piped
run_phase sigterm
run_phase fulldisk

"$RS" "$work/plain/logs/catalina.out" >"$work/squashed.log" 2>"$work/squashed.err" \
  || fail "resetsquash over the plain catalina.out failed: $(cat "$work/squashed.err")"

say "checks:"
python3 "$assets/check.py" "$work" "$FIN" "$RST" "$NPE" "$REFUSED" "$BACKEND_READ" "$BACKEND_WRITE" | sed 's/^/  /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "checks failed (logs: $work/{plain,piped,sigterm}/logs)"
passed=1
