#!/usr/bin/env bash
# Hostile input at full size, with memory measured: a 1 GiB line, a record of a million lines,
# 256 MiB of random bytes, and a 100 MB rules file. Builds resetsquash in release mode,
# generates every input on the fly in WORKDIR (never committed), runs resetsquash under GNU
# time, checks the answer (the output byte for byte with cmp, or the error), and appends the
# figures, with the machine, the commit and the command, to tests/hostile/RESULTS.md.
#
#   tests/hostile/run.sh [WORKDIR]      WORKDIR /tmp; needs about 3 GiB free there
#
# The same behaviour at test size is in tests/hostile.rs (cargo test); this script is run by
# hand, as the benchmark is, because its inputs are too large for the test command.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp}/resetsquash-hostile
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "GNU time (Debian: time) is needed" >&2; exit 1; }

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/resetsquash
results=tests/hostile/RESULTS.md
rows=()
failed=0

# run NAME EXPECT CMD...: runs CMD (its output to $work/out, its errors to $work/err) under GNU
# time; EXPECT is "same:FILE" (exit 0, output identical to FILE) or "error:TEXT" (exit 2 with
# TEXT in the message).
run() {
  local name=$1 expect=$2
  shift 2
  local rc=0
  /usr/bin/time -f '%M %e' -o "$work/time" "$@" > "$work/out" 2> "$work/err" || rc=$?
  # GNU time puts "Command exited with non-zero status N" before the figures.
  read -r rss secs < <(tail -1 "$work/time")
  local verdict=ok
  case $expect in
    same:*)
      [ "$rc" -eq 0 ] && cmp -s "$work/out" "${expect#same:}" || verdict="FAILED (exit $rc, output differs)" ;;
    error:*)
      [ "$rc" -eq 2 ] && grep -qF "${expect#error:}" "$work/err" || verdict="FAILED (exit $rc: $(head -c 200 "$work/err"))" ;;
  esac
  [ "$verdict" = ok ] || failed=1
  local answer
  answer=$(case $expect in same:*) echo "output identical (cmp)" ;; error:*) head -c 160 "$work/err" | tr '\n' ' ' | sed "s|$work/||g" ;; esac)
  rows+=("| $name | $verdict | $answer | $((rss / 1024)) MiB | $secs |")
  echo "$name: $verdict, peak RSS $((rss / 1024)) MiB, ${secs}s"
}

# A single 1 GiB line (no terminator inside it), from a file and from a pipe.
head -c $((1 << 30)) /dev/zero | tr '\0' 'x' > "$work/line.log"
printf '\n' >> "$work/line.log"
run "1 GiB single line, file" "same:$work/line.log" "$bin" "$work/line.log"
run "1 GiB single line, file, 1 thread" "same:$work/line.log" "$bin" --threads 1 "$work/line.log"
run "1 GiB single line, pipe" "same:$work/line.log" sh -c "cat '$work/line.log' | '$bin'"
rm "$work/line.log"

# One Tomcat client-abort record of a million continuation lines (over the 10,000-line limit,
# so it must pass through untouched), between two ordinary records.
python3 - "$work/record.log" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("24-Nov-2026 15:35:04.521 INFO [main] before\n")
    f.write("24-Nov-2026 15:35:04.806 WARNING [http-nio-8080-exec-3] "
            "org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() threw exception\n")
    f.write("\torg.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe\n")
    frame = "\t\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:%d)\n"
    for i in range(1_000_000):
        f.write(frame % i)
    f.write("24-Nov-2026 15:35:05.000 INFO [main] after\n")
PY
run "record of 10^6 lines" "same:$work/record.log" "$bin" "$work/record.log"
run "record of 10^6 lines, 1 thread" "same:$work/record.log" "$bin" --threads 1 "$work/record.log"
run "record of 10^6 lines, pipe" "same:$work/record.log" sh -c "cat '$work/record.log' | '$bin'"
rm "$work/record.log"

# A shipped log (see src/shipped): a CRI line of 320 MB in 16 KB parts (P), which the line
# limit cuts as it cuts a plain line; and a compose service whose trace waits while another
# service writes 3 million lines (the record is let go, kept, and memory stays bounded).
python3 - "$work/cri.log" "$work/compose.log" <<'PY'
import sys
t = b"2026-11-24T15:35:04.123456789Z"
with open(sys.argv[1], "wb") as w:
    for i in range(20):
        w.write(t + b" stdout F ordinary line %d\n" % i)
    part = t + b" stdout P " + b"x" * 16000 + b"\n"
    for _ in range(20000):
        w.write(part)
    w.write(t + b" stdout F end\n")
with open(sys.argv[2], "wb") as w:
    w.write(b"web-1  | 24-Nov-2026 15:35:04.806 SEVERE [http-nio-8080-exec-5] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() threw exception\n")
    w.write(b"web-1  | java.io.IOException: Broken pipe\n")
    w.write(b"web-1  | \tat sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n")
    w.write(b"db-1   | 2026-11-24 15:35:04.806 UTC [1] LOG:  checkpoint starting: time\n" * 3000000)
    w.write(b"web-1  | 24-Nov-2026 15:35:05.806 INFO [main] org.apache.catalina.startup.Catalina.start Server startup\n")
PY
run "CRI line of 320 MB in parts" "same:$work/cri.log" "$bin" "$work/cri.log"
run "compose: a trace held behind 3*10^6 lines" "same:$work/compose.log" "$bin" "$work/compose.log"
rm "$work/cri.log" "$work/compose.log"

# 256 MiB of random bytes, on two threads.
head -c $((256 << 20)) /dev/urandom > "$work/random.bin"
run "256 MiB random bytes" "same:$work/random.bin" "$bin" --threads 2 "$work/random.bin"
rm "$work/random.bin"

# A 100 MB rules file: refused by its size, without being read.
head -c 100000000 /dev/zero | tr '\0' '#' > "$work/big.yaml"
printf 'ordinary line\n' > "$work/small.log"
run "100 MB rules file" "error:big.yaml:1:1: rules file is 100000000 bytes; the limit is 8388608" \
  "$bin" --rules "$work/big.yaml" "$work/small.log"
run "100 MB rules file, pipe" "error:rules file is 8388609 bytes; the limit is 8388608" \
  sh -c "cat '$work/big.yaml' | '$bin' --rules /dev/stdin '$work/small.log'"
rm "$work/big.yaml"

{
  echo
  echo "## $(date -u +%F) · commit $(git rev-parse --short HEAD)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores." \
    "Command: \`tests/hostile/run.sh\` (release build)."
  echo
  echo "| input | verdict | answer | peak RSS | seconds |"
  echo "| --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
} >> "$results"
echo "figures appended to $results"
exit "$failed"
