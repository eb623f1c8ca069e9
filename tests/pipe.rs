//! As a pipe: ordinary lines are not held back waiting for more input.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::{cmd, root};

/// Starts resetsquash with `args` on a pipe; its output lines arrive on the receiver as they
/// are written.
fn spawn_reading_lines(
    args: &[&str],
) -> (
    std::process::Child,
    std::process::ChildStdin,
    mpsc::Receiver<String>,
) {
    let mut child = cmd(&root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    (child, stdin, rx)
}

#[test]
fn an_ordinary_line_comes_out_while_the_input_is_still_open() {
    let (mut child, mut stdin, rx) = spawn_reading_lines(&[]);
    for text in [
        "2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : started",
        "a plain line",
        "2026-11-24 15:35:05.000  INFO 1 --- [main] a.B : next",
    ] {
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
        // The pipe stays open: the line must arrive without end of input. (The bound is only
        // there so a broken build fails instead of hanging; speed is measured in benches/.)
        let got = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("line held back");
        assert_eq!(got, text);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// Waits (up to 10 s: a bound for a broken build, not a speed test) until `cond` holds.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(signal: &str, pid: u32) {
    let status = std::process::Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("the kill program");
    assert!(status.success());
}

#[test]
fn sigterm_writes_every_pending_count_then_ends_by_the_signal() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let input = std::fs::read(crate::util::testdata(
        "excerpts/tomcat/tomcat-client-abort.squash.log",
    ))
    .unwrap();
    let mut child = cmd(dir.path())
        .args(["-o", "out.log"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();
    let out = dir.path().join("out.log");
    // The ordinary lines come out while the pipe is open; the counts are still pending.
    wait_until("the ordinary lines", || {
        std::fs::read(&out).is_ok_and(|o| o.starts_with(b"24-Nov-2026 15:35:02.925 INFO"))
    });
    kill("-TERM", child.id());
    let status = child.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(15),
        "ends by SIGTERM, as httpd expects"
    );
    let output = std::fs::read(&out).unwrap();
    let acc = crate::util::check_invariants(&input, &output);
    assert!(acc.squashed > 0 && acc.summaries > 0, "{acc:?}");
}

#[test]
fn flush_every_writes_counts_while_the_pipe_stays_open() {
    let (mut child, mut stdin, rx) = spawn_reading_lines(&["--flush-every", "1s"]);
    // One nginx client abort, then an ordinary line: the abort is decided at once, but its
    // one-minute window stays open; only the wall-clock flush can report it now.
    stdin
        .write_all(
            b"2026/11/24 15:48:49 [info] 5#5: *9 client prematurely closed connection while sending response to client, client: 127.0.0.1\n\
              2026/11/24 15:48:50 [info] 5#5: *10 client 127.0.0.1 closed keepalive connection\n",
        )
        .unwrap();
    stdin.flush().unwrap();
    let mut seen = Vec::new();
    let start = std::time::Instant::now();
    while !seen
        .iter()
        .any(|l: &String| l.contains("resetsquash: squashed 1 "))
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no summary while open: {seen:?}"
        );
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(100)) {
            seen.push(l);
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn sighup_reopens_the_output_file_after_logrotate_moved_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let mut child = cmd(dir.path())
        .args(["-o", "app.log"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"before rotation\n").unwrap();
    stdin.flush().unwrap();
    wait_until("the first line", || {
        std::fs::read(&log).is_ok_and(|o| o == b"before rotation\n")
    });
    // What logrotate's `create` recipe does: move the file, then `kill -HUP`.
    std::fs::rename(&log, dir.path().join("app.log.1")).unwrap();
    kill("-HUP", child.id());
    wait_until("the reopened file", || log.exists());
    stdin.write_all(b"after rotation\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read(&log).unwrap(), b"after rotation\n");
    assert_eq!(
        std::fs::read(dir.path().join("app.log.1")).unwrap(),
        b"before rotation\n"
    );
}

#[test]
fn output_file_is_appended_to_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    for text in ["first run\n", "second run\n"] {
        let mut c = cmd(dir.path());
        c.args(["-o", "app.log"]);
        let out = crate::util::run_with_stdin(c, text.as_bytes());
        assert!(out.status.success());
    }
    assert_eq!(
        std::fs::read(dir.path().join("app.log")).unwrap(),
        b"first run\nsecond run\n"
    );
}

#[test]
fn a_stack_trace_printed_a_line_at_a_time_with_pauses_stays_one_record() {
    // printStackTrace() writes line by line, and a busy JVM pauses between lines: the trace must
    // not be cut at a pause (which would leave its tail as orphan frames).
    let log = std::fs::read(crate::util::testdata("cases/tomcat-catalina-out/input.log")).unwrap();
    let lines: Vec<&[u8]> = log.split_inclusive(|&b| b == b'\n').collect();
    // The startup line, then a printStackTrace() ClientAbortException (lines 90-140), then the
    // next JULI record.
    let mut pieces: Vec<&[u8]> = vec![lines[36]];
    pieces.extend(&lines[89..140]);
    let input: Vec<u8> = pieces.concat();
    let mut child = cmd(&root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (i, line) in pieces.iter().enumerate() {
        stdin.write_all(line).unwrap();
        stdin.flush().unwrap();
        if i == 7 || i == 30 {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let acc = crate::util::check_invariants(&input, &out.stdout);
    assert_eq!(
        acc.squashed,
        1,
        "{acc:?}\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_systemd_recipe_pipeline_flushes_its_counts_when_the_unit_stops() {
    // There is no systemd here, so this runs what the unit runs: its ExecStart command line, as
    // written in recipes/myapp.service, with a stand-in for the application; then what
    // `systemctl stop` does with KillMode=control-group: SIGTERM to every process of the unit.
    use std::os::unix::process::CommandExt;
    let unit = std::fs::read_to_string(crate::util::root().join("recipes/myapp.service")).unwrap();
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart=/bin/sh -c '"))
        .and_then(|l| l.strip_suffix('\''))
        .expect("ExecStart=/bin/sh -c '…' in the recipe");
    let dir = tempfile::tempdir().unwrap();
    let excerpt = crate::util::testdata("excerpts/tomcat/tomcat-client-abort.squash.log");
    let app = dir.path().join("app.sh");
    std::fs::write(
        &app,
        format!("#!/bin/sh\ncat '{}'\nexec sleep 60\n", excerpt.display()),
    )
    .unwrap();
    std::fs::set_permissions(&app, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let log = dir.path().join("app.log");
    let script = exec
        .replace(
            "/usr/bin/java -jar /srv/myapp/app.jar",
            &app.display().to_string(),
        )
        .replace("/usr/bin/resetsquash", env!("CARGO_BIN_EXE_resetsquash"))
        .replace("/var/log/myapp/app.log", &log.display().to_string());
    let mut unit_process = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .process_group(0)
        .spawn()
        .unwrap();
    let input = std::fs::read(&excerpt).unwrap();
    wait_until("the ordinary lines", || {
        std::fs::read(&log).is_ok_and(|o| o.starts_with(b"24-Nov-2026 15:35:02.925 INFO"))
    });
    let pgid = unit_process.id();
    let status = std::process::Command::new("kill")
        .args(["-TERM", "--", &format!("-{pgid}")])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = unit_process.wait();
    // resetsquash is the shell's child, not ours: its last write is the pending counts.
    wait_until("the counts", || {
        std::fs::read(&log)
            .is_ok_and(|o| memchr::memmem::find(&o, b"resetsquash: squashed").is_some())
    });
    std::thread::sleep(Duration::from_millis(200));
    let acc = crate::util::check_invariants(&input, &std::fs::read(&log).unwrap());
    assert!(acc.squashed > 0 && acc.summaries > 0, "{acc:?}");
}
