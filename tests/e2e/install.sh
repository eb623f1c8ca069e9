#!/usr/bin/env bash
# End-to-end test of installing resetsquash as the README says, on the oldest Rust it promises.
#
#   tests/e2e/install.sh
#
# 1. Installs the toolchain that Cargo.toml's `rust-version` names (rustup, minimal profile),
#    so that a lock file pinning a dependency that needs a newer Rust fails here, not on a
#    user's machine.
# 2. Runs the README's `cargo install --locked --path .` with that toolchain into a temporary
#    root, and checks that the binary is a release build without debug info (under 12 MB; with
#    debug info it is over 30 MB) that squashes a real log.
# 3. Runs the README's `resetsquash generate man DIR` into a folder that does not exist yet,
#    and checks that every page a page refers to, `resetsquash-…(1)`, was written, and that
#    the real man renders each of them without a warning.
# Needs rustup, and man (man-db, which scripts/test installs); never skips. Ignores RESETSQUASH:
# it tests the binary that the install builds.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

say() { printf '%s\n' "$*"; }
fail() {
  say "install e2e: FAIL: $*"
  failed=1
}

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$repo/Cargo.toml")
if [ -z "$msrv" ]; then
  fail "Cargo.toml declares no rust-version"
elif ! rustup toolchain install "$msrv" --profile minimal --no-self-update >"$work/rustup.log" 2>&1; then
  cat "$work/rustup.log"
  fail "rustup could not install Rust $msrv"
elif ! (cd "$repo" && CARGO_TARGET_DIR="$repo/target/msrv" \
  cargo +"$msrv" install --locked --path . --root "$work/root" --quiet); then
  fail "cargo +$msrv install --locked --path . failed: the lock file needs a newer Rust than rust-version = \"$msrv\" says"
else
  bin=$work/root/bin/resetsquash
  size=$(stat -c %s "$bin")
  say "install e2e: Rust $msrv built a $((size / 1024)) KiB binary"
  if [ "$size" -gt $((12 * 1024 * 1024)) ]; then
    fail "the release binary is $size bytes: release builds should carry no debug info"
  fi
  log=$repo/testdata/cases/tomcat-catalina-out
  if ! "$bin" "$log/input.log" | cmp -s - "$log/expected.log"; then
    fail "the installed binary does not squash testdata/cases/tomcat-catalina-out as expected"
  fi
  man_dir=$work/share/man/man1
  if ! "$bin" generate man "$man_dir" >"$work/pages.txt"; then
    fail "resetsquash generate man $man_dir failed"
  fi
  for page in "$man_dir"/*.1; do
    [ -e "$page" ] || { fail "no man page was written"; break; }
    # Every page another page refers to, as resetsquash\-report(1) in roff, exists.
    for ref in $(grep -o 'resetsquash[a-z\\-]*(1)' "$page" | sed 's/\\//g; s/(1)$//' | sort -u); do
      [ -e "$man_dir/$ref.1" ] || fail "$(basename "$page") refers to $ref(1), which was not generated"
    done
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man warns about $(basename "$page"): $warnings"
  done
  for sub in report rules rules-check rules-list; do
    [ -e "$man_dir/resetsquash-$sub.1" ] || fail "resetsquash-$sub.1 was not generated"
  done
fi

if [ "$failed" = 0 ]; then
  say "install e2e: 1 passed, 0 failed"
else
  say "install e2e: 0 passed, 1 failed"
  exit 1
fi
