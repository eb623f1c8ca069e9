# Helpers shared by the end-to-end scripts (sourced, not run).

say() { printf '%s\n' "$*"; }
fail() {
  say "FAIL: $*"
  exit 1
}

alive() { # pid: running and not a zombie
  local state
  [ -r "/proc/$1/stat" ] || return 1
  state=$(sed -e 's/^.*) //' -e 's/ .*//' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# install_missing PACKAGE...: installs the Debian packages named (those a script found missing;
# none: nothing to do), or fails saying which could not be.
install_missing() {
  (($# > 0)) || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing: $*"
  $sudo apt-get update -qq || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null \
    || fail "apt-get install $* failed"
}
