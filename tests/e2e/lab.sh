#!/usr/bin/env bash
# End-to-end test of the capture lab (lab/README.md) with its quickest family, node-http.
#
#   tests/e2e/lab.sh                        # uses target/release/resetsquash, builds it if missing
#   RESETSQUASH=/path/to/resetsquash tests/e2e/lab.sh
#
# Captures node-http afresh (lab/run with LAB_OUT: a temporary folder, testdata/ untouched):
# Node's own http server on a free 127.0.0.1 port, driven by lab/client.py through every phase,
# stopped by PID. Then checks the capture with lab/check.py, as the corpus test checks the
# committed one: every client abort squashed, every genuine and ordinary line byte for byte.
# So a Node, curl or client change that breaks the lab shows here, not at the next re-capture.
# Installs nodejs, npm and curl if missing (apt-get); never skips. About 45 s.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

result() {
  if [ "$1" = ok ]; then
    echo "lab e2e: 1 passed, 0 failed"
    exit 0
  fi
  echo "lab e2e: FAIL: $1"
  echo "lab e2e: 0 passed, 1 failed"
  exit 1
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"; } ||
    result "could not install ${missing[*]}"
fi

bin=${RESETSQUASH:-$repo/target/release/resetsquash}
if [ ! -x "$bin" ]; then
  (cd "$repo" && cargo build --release --locked --quiet) || result "cargo build failed"
fi

LAB_OUT=$work "$repo/lab/run" node-http || result "lab/run node-http failed"
python3 "$repo/lab/check.py" "$bin" "$work/node-http" || result "the fresh node-http capture does not pass lab/check.py"
result ok
