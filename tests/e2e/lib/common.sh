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
