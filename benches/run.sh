#!/usr/bin/env bash
# The end-to-end benchmark: builds resetsquash in release mode, generates a seeded log, and
# measures in one run, side by side, resetsquash on 1 and N threads, from a file and from a
# pipe, against `rg -c` over the rules' own literals, `grep -c` and `cat`, with peak memory and
# the latency of an ordinary line through an idle pipe, and `resetsquash report` over the log and
# over its squashed copy. Appends the figures, with the machine,
# the commit and the command, to benches/RESULTS.md.
#
#   benches/run.sh [SIZE] [WORKDIR]      SIZE as genlog takes it (default 1G); WORKDIR /tmp
#   FORMAT=springboot benches/run.sh …   the log in one of genlog's formats (default mixed):
#                                        springboot and tomcat are long Spring/Tomcat traces
#
# Besides `rg -c` over every literal, it times the quick check an operator would run first,
# `rg -c` of three abort phrases.
#
# Needs hyperfine, ripgrep and GNU time (Debian: hyperfine ripgrep time); installs them if it
# can. The generated input stays in WORKDIR (it is reused when present) and is never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1G}
work=${2:-/tmp}
format=${FORMAT:-mixed}
threads=$(nproc)

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

cargo build --release --quiet
cargo build --release --quiet --example genlog
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/resetsquash
log="$work/resetsquash-bench-$size.log"
[ "$format" = mixed ] || log="$work/resetsquash-bench-$format-$size.log"
if [ ! -s "$log" ]; then
  "$target/release/examples/genlog" --size "$size" --seed 42 --format "$format" > "$log"
fi
lits="$work/resetsquash-bench-literals.txt"
# rg refuses a pattern that is not UTF-8 (a literal cut inside a character): those are left out.
"$bin" rules literals | sort -u | python3 -c '
import sys
for line in sys.stdin.buffer:
    try:
        sys.stdout.write(line.decode())
    except UnicodeDecodeError:
        pass' > "$lits"
out="$work/resetsquash-bench-out.log"
"$bin" --threads 1 "$log" > "$out"
cat "$log" > /dev/null  # into the page cache

# Byte-identical output whatever the thread count: checked on the benchmark input itself.
"$bin" --threads "$threads" "$log" | cmp - "$out"

# Other jobs on the machine skew the figures: the load average goes into the results.
load=$(cut -d' ' -f1-3 /proc/loadavg)
json="$work/resetsquash-bench.json"
hyperfine --warmup 1 --runs 5 --export-json "$json" --style basic \
  -n "resetsquash -j1 file" "$bin --threads 1 $log > /dev/null" \
  -n "resetsquash -j$threads file" "$bin --threads $threads $log > /dev/null" \
  -n "resetsquash pipe" "cat $log | $bin > /dev/null" \
  -n "resetsquash -j$threads into a file" "$bin --threads $threads $log > $work/resetsquash-bench-into.log" \
  -n "rg -c literals" "rg -c -F -f $lits $log > $work/resetsquash-bench-rg.txt" \
  -n "rg -c three phrases" "rg -c 'Broken pipe|Connection reset by peer|ClientAbortException' $log > $work/resetsquash-bench-rg3.txt" \
  -n "grep -c -F literals" "grep -c -F -f $lits $log > $work/resetsquash-bench-grep.txt" \
  -n "cat result into a file" "cat $out > $work/resetsquash-bench-cat.log" \
  -n "resetsquash report" "$bin report $log > /dev/null" \
  -n "resetsquash report of the squashed log" "$bin report $out > /dev/null"

peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
peak_file=$(peak "$bin" --threads "$threads" "$log")
peak_pipe=$( { /usr/bin/time -f '%M' sh -c "cat '$log' | '$bin' > /dev/null"; } 2>&1 | tail -1)

# An ordinary line into an idle pipe: how long until it comes out.
latency=$(python3 - "$bin" <<'PY'
import subprocess, sys, time
p = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
worst = 0.0
for i in range(20):
    t = time.monotonic()
    p.stdin.write(b"2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : ordinary line %d\n" % i)
    p.stdin.flush()
    p.stdout.readline()
    worst = max(worst, time.monotonic() - t)
    time.sleep(0.05)
p.stdin.close(); p.wait()
print(f"{worst * 1000:.1f}")
PY
)

python3 - "$json" "$log" "$out" "$size" "$threads" "$peak_file" "$peak_pipe" "$latency" "$load" "$format" <<'PY' | tee -a benches/RESULTS.md
import json, os, platform, subprocess, sys, datetime
path, log, out, size, threads, peak_file, peak_pipe, latency, load, fmt = sys.argv[1:]
res = {r["command"]: r for r in json.load(open(path))["results"]}
med = {k: sorted(r["times"])[len(r["times"]) // 2] for k, r in res.items()}
gib = os.path.getsize(log) / 2**30
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
j1, jn, pipe = med["resetsquash -j1 file"], med[f"resetsquash -j{threads} file"], med["resetsquash pipe"]
rg, into, cat = med["rg -c literals"], med[f"resetsquash -j{threads} into a file"], med["cat result into a file"]
shape = "seeded log" if fmt == "mixed" else f"seeded {fmt} log"
print(f"\n## {datetime.date.today()} · commit {commit} · {size} {shape} ({gib:.2f} GiB)\n")
print(f"Machine: {cpu}, {threads} cores; load average {load} when the run started. Command: `{'' if fmt == 'mixed' else f'FORMAT={fmt} '}benches/run.sh {size}` (medians of 5 runs, page cache warm).\n")
print("| command | median s | vs rg -c |")
print("| --- | --- | --- |")
for k in res:
    print(f"| {k} | {med[k]:.3f} | {med[k] / rg:.2f}× |")
print()
print(f"- output {os.path.getsize(out) / 2**20:.0f} MiB from {os.path.getsize(log) / 2**20:.0f} MiB; byte-identical for 1 and {threads} threads")
print(f"- squash work vs `rg -c` on the rules' literals: {jn / rg:.2f}× ({threads} threads), {j1 / rg:.2f}× (1 thread); target ≤ 2.0×")
print(f"- squash work vs `rg -c` of three abort phrases: {jn / med['rg -c three phrases']:.2f}× ({threads} threads); target ≤ 4×")
print(f"- end to end into a file vs `rg -c` + `cat` of the result: {into / (rg + cat):.2f}×; target ≤ 1.3×")
print(f"- {threads} threads vs 1: {j1 / jn:.2f}× faster; target ≥ 1.7×")
print(f"- from a pipe: {gib * 2**30 / pipe / 1e9:.2f} GB/s; target ≥ 1 GB/s")
print(f"- peak RSS: {int(peak_file) / 1024:.0f} MiB from a file ({threads} threads), {int(peak_pipe) / 1024:.0f} MiB from a pipe; target ≤ 64 MiB")
print(f"- an ordinary line through an idle pipe: worst of 20, {latency} ms; target ≤ 50 ms")
print(f"- `resetsquash report` over the log: {med['resetsquash report']:.2f} s; over its squashed copy: {med['resetsquash report of the squashed log']:.2f} s")
PY
