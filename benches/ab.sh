#!/usr/bin/env bash
# A/B: this checkout against an earlier revision, on the same seeded log, in one run, so that
# the shared machine's noise falls on both alike. Builds BASE in a worktree under target/,
# checks that both give the same bytes, then times each way of running (one thread, every
# core, a pipe) for the base and then for this checkout, back to back, with hyperfine, and
# prints the medians and the ratio (new / base; below 1 is faster).
#
#   benches/ab.sh BASE [SIZE] [WORKDIR]     BASE a git revision; SIZE as genlog takes it
#                                           (default 1G); WORKDIR /tmp
#   AB_DIFFERENT=1 benches/ab.sh BASE ...   the same, where the new rules are meant to
#                                           squash more (the outputs differ)
#
# Needs hyperfine (Debian: hyperfine); installs it if it can.
set -euo pipefail
cd "$(dirname "$0")/.."
base_rev=${1:?usage: benches/ab.sh BASE [SIZE] [WORKDIR]}
size=${2:-1G}
work=${3:-/tmp}
threads=$(nproc)

if ! command -v hyperfine >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq hyperfine
fi

target=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
cargo build --release --quiet --example genlog
new="$work/resetsquash-ab-new"
cp "$target/release/resetsquash" "$new"
tree="$target/ab-base"
[ -d "$tree" ] || git worktree add --detach "$tree" "$base_rev" >/dev/null
git -C "$tree" checkout --quiet --detach "$base_rev"
(cd "$tree" && CARGO_TARGET_DIR="$target/ab-base-target" cargo build --release --quiet)
base="$work/resetsquash-ab-base"
cp "$target/ab-base-target/release/resetsquash" "$base"

log="$work/resetsquash-bench-$size.log"
[ -s "$log" ] || "$target/release/examples/genlog" --size "$size" --seed 42 > "$log"
# A change to the rules may squash more of the log (AB_DIFFERENT=1 says it is expected, and
# says how many bytes each writes instead of stopping here).
if [ -n "${AB_DIFFERENT:-}" ]; then
  echo "output bytes: base $("$base" --threads 1 "$log" | wc -c), new $("$new" --threads 1 "$log" | wc -c)"
else
  cmp <("$base" --threads 1 "$log") <("$new" --threads 1 "$log")
fi

json="$work/resetsquash-ab.json"
hyperfine --warmup 1 --runs 7 --export-json "$json" --style basic \
  -n "base -j1" "$base --threads 1 $log > /dev/null" \
  -n "new -j1" "$new --threads 1 $log > /dev/null" \
  -n "base -j$threads" "$base --threads $threads $log > /dev/null" \
  -n "new -j$threads" "$new --threads $threads $log > /dev/null" \
  -n "base pipe" "cat $log | $base > /dev/null" \
  -n "new pipe" "cat $log | $new > /dev/null" >/dev/null

python3 - "$json" "$base_rev" "$size" "$threads" <<'PY'
import json, subprocess, sys
path, rev, size, threads = sys.argv[1:]
med = {r["command"]: sorted(r["times"])[len(r["times"]) // 2] for r in json.load(open(path))["results"]}
head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(f"A/B on the {size} seeded log: new {head} against base {rev} (medians of 7, in one run)")
print("| run | base s | new s | new / base |")
print("| --- | --- | --- | --- |")
for run in ["-j1", f"-j{threads}", "pipe"]:
    b, n = med[f"base {run}"], med[f"new {run}"]
    print(f"| {run} | {b:.3f} | {n:.3f} | {n / b:.3f} |")
PY
