# Helpers for the capture scripts (sourced by lab/run, never run). Loopback only.

say() { printf '%s\n' "$*"; }
die() {
  say "lab: FAIL: $*" >&2
  exit 1
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT PID: until something listens on 127.0.0.1:PORT (at most 30 s), while PID lives.
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$2" 2>/dev/null || return 1
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; waits for it.
stop_pid() {
  local i
  kill -TERM "$1" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# npm_ci DIR: installs the family's locked packages (package-lock.json) into DIR/node_modules.
npm_ci() {
  command -v npm >/dev/null || die "npm is not installed (apt-get install nodejs npm)"
  (cd "$1" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $1"
}

# The phase list every Node family runs (lab/client.py PHASES).
NODE_PHASES=ok,abort-fin,abort-rst,abort-early,abort-maxtime,upload-fin,upload-rst,abort-sse,ok,genuine-outbound-reset,genuine-outbound-hangup,genuine-outbound-partial,genuine-outbound-fetch-reset,genuine-outbound-epipe,genuine-refused,genuine-timeout,genuine-exception,genuine-bad-request,genuine-port-in-use,ok

# serve_capture WORK LOG PHASES CMD...: runs CMD in WORK/app on a free port (PORT, BIG_FILE
# and UPLOAD_DIR in its environment) with stdout and stderr appended to WORK/out/LOG (as a
# service manager that merges them does), drives it with lab/client.py through PHASES (a comma
# list of lab/client.py phases), stops it by PID. Writes WORK/out/truth.json. The families of
# any language start their server with it; CLIENT_ARGS holds the family's notes and allowances.
# LAB_SCHEME=https: the server speaks only TLS there, and every request goes over it.
serve_capture() {
  local work=$1 log=$2 phases=$3 port pid status=0 cmd
  shift 3
  port=$(free_port)
  head -c $((32 * 1024 * 1024)) /dev/zero | tr '\0' 'b' >"$work/big.bin"
  mkdir -p "$work/uploads" "$work/out"
  : >"$work/out/$log"
  (cd "$work/app" && PORT=$port BIG_FILE=$work/big.bin UPLOAD_DIR=$work/uploads \
    exec "$@" >>"$work/out/$log" 2>&1) &
  pid=$!
  wait_port "$port" "$pid" || { cat "$work/out/$log" >&2; die "the app did not start"; }
  printf -v cmd '%q ' "$@"
  python3 "$LAB/client.py" --base "${LAB_SCHEME:-http}://127.0.0.1:$port" --log "$work/out/$log" \
    --truth "$work/out/truth.json" --family "$FAMILY" --phases "$phases" \
    --port-in-use-cmd "cd '$work/app' && PORT=$port BIG_FILE=$work/big.bin UPLOAD_DIR=$work/uploads exec $cmd >>'$work/out/$log' 2>&1" \
    ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"} || status=$?
  stop_pid "$pid"
  python3 "$LAB/client.py" settle "$work/out/$log" || true
  [ "$status" -eq 0 ] || die "the client failed (exit $status)"
}

# node_capture WORK LOG [APP_ARGS...]: serve_capture of WORK/app/app.js under node through
# every Node phase (as `node app.js >>app.log 2>&1`).
node_capture() {
  local work=$1 log=$2
  shift 2
  command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
  serve_capture "$work" "$log" "$NODE_PHASES" node app.js "$@"
  say "node $(node --version)" >"$work/out/versions.txt"
}

# --- Python families ------------------------------------------------------------------------
# Debian's interpreter, which sees the python3-* packages (a pyenv or virtualenv python3 earlier
# on PATH does not).
PY=/usr/bin/python3

# py_need PACKAGE:MODULE...: dies naming the Debian packages to install when a module is missing.
py_need() {
  local spec missing=()
  [ -x "$PY" ] || die "$PY is not installed (apt-get install python3)"
  for spec in "$@"; do
    "$PY" -c "import ${spec#*:}" 2>/dev/null || missing+=("${spec%%:*}")
  done
  ((${#missing[@]} == 0)) || die "missing Debian packages: apt-get install ${missing[*]}"
}

# py_version MODULE: the module's version (its __version__, or its distribution's).
py_version() {
  "$PY" -c 'import importlib, importlib.metadata as m, sys
name = sys.argv[1]
v = getattr(importlib.import_module(name), "__version__", None)
print(v if isinstance(v, str) else m.version(name))' "$1"
}

# py_runtime: "CPython 3.11.2" of $PY.
py_runtime() {
  "$PY" -c 'import platform; print(platform.python_implementation(), platform.python_version())'
}

# --- Go ---------------------------------------------------------------------------------------

# listen_port PORT...: the first PORT that is free on 127.0.0.1 (dies if none is). The Go
# families listen where Go services commonly do (8080, 8443, ...): a Go log tells a server's
# own connection from an outbound one by its listening port (net.OpError prints LOCAL->REMOTE),
# and the go rules know the common ones.
listen_port() {
  local p
  for p in "$@"; do
    python3 -c 'import socket,sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$p" 2>/dev/null && {
      echo "$p"
      return
    }
  done
  die "none of the ports $* is free on 127.0.0.1"
}

# serve_capture_on PORT WORK LOG PHASES CMD...: serve_capture on PORT rather than a random one.
serve_capture_on() {
  (
    LISTEN_PORT=$1
    shift
    free_port() { echo "$LISTEN_PORT"; }
    serve_capture "$@"
  )
}

# go_build DIR [GOPATH]: builds the Go program in DIR into DIR/server with Debian's Go packages
# (GOPATH mode: /usr/share/gocode holds golang-*-dev, no module download).
go_build() {
  command -v go >/dev/null || die "go is not installed (apt-get install golang-go)"
  (cd "$1" && GO111MODULE=off GOPATH=${2:-/usr/share/gocode} go build -o server .) || die "go build failed in $1"
}

# --- Ruby -------------------------------------------------------------------------------------

# ruby_version: the interpreter's version line, for versions.txt.
ruby_version() {
  command -v ruby >/dev/null || die "ruby is not installed (apt-get install ruby)"
  ruby -e 'print "Ruby #{RUBY_VERSION}p#{RUBY_PATCHLEVEL}"'
}

# --- proxies, PHP and small servers (haproxy, squid, varnish, caddy, tinyproxy, lighttpd,
# php-fpm, mod-php) -------------------------------------------------------------------------

# The phases of a family that proxies to lab/proxy_backend.py: the Node families' aborts, then
# the client's upstream phases (the backend or a closed port is the failure the proxy meets).
PROXY_PHASES=ok,abort-fin,abort-rst,abort-early,abort-maxtime,upload-fin,upload-rst,abort-sse,ok,genuine-upstream-reset,genuine-upstream-hangup,genuine-upstream-partial,genuine-upstream-refused,genuine-upstream-timeout,genuine-exception,genuine-bad-request,ok

# proxy_backend WORK: starts lab/proxy_backend.py on a free port (its own lines in
# WORK/backend.log, not among the captured logs); sets BACKEND_PORT, BACKEND_PID, and DOWN_PORT
# (a free port nothing listens on, for /upstream/refused). Writes WORK/big.bin. BACKEND_DELAY:
# how long /upstream/timeout takes to answer (5 s unless set).
proxy_backend() {
  local work=$1
  head -c $((32 * 1024 * 1024)) /dev/zero | tr '\0' 'b' >"$work/big.bin"
  mkdir -p "$work/out"
  BACKEND_PORT=$(free_port)
  DOWN_PORT=$(free_port)
  python3 "$LAB/proxy_backend.py" "$BACKEND_PORT" "$work/big.bin" "${BACKEND_DELAY:-5}" >>"$work/backend.log" 2>&1 &
  BACKEND_PID=$!
  # The capture runs in a subshell of lab/run: the backend goes when it ends, however it ends.
  trap 'stop_pid "$BACKEND_PID"' EXIT
  wait_port "$BACKEND_PORT" "$BACKEND_PID" || { cat "$work/backend.log" >&2; die "the backend did not start"; }
}

# lab_client WORK LOG PHASES PORT [PORT_IN_USE_CMD]: lab/client.py against 127.0.0.1:PORT,
# with the phase markers in WORK/out/LOG, the truth in WORK/out/truth.json and CLIENT_ARGS.
lab_client() {
  local work=$1 log=$2 phases=$3 port=$4 in_use=${5:-}
  python3 "$LAB/client.py" --base "http://127.0.0.1:$port" --log "$work/out/$log" \
    --truth "$work/out/truth.json" --family "$FAMILY" --phases "$phases" \
    ${in_use:+--port-in-use-cmd "$in_use"} ${CLIENT_ARGS[@]+"${CLIENT_ARGS[@]}"}
}

# fill TEMPLATE OUT: copies TEMPLATE to OUT with each @NAME@ replaced by the value of the shell
# variable NAME (the families' config files: ports and paths known only at capture time).
fill() {
  python3 - "$1" "$2" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(re.sub(r"@([A-Z_]+)@", lambda m: os.environ[m.group(1)], text))
PY
}
