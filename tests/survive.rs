//! In front of a server, the filter never takes the server's logging down: a full disk, a
//! failed reopen, a signal before the first byte or together with the server's own, a blocked
//! output, a closed standard output, a torn last line of an earlier run; and `--in-place` never
//! replaces what it would lose (a file still written to, other hard links, extended attributes).
//!
//! Needs root (tmpfs mounts, `chattr`), `kill`, `setfattr`/`getfattr` (attr) and
//! `setfacl`/`getfacl` (acl): `scripts/test` installs them.

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{
    Immutable, Mount, cmd, in_place, numbered, squashed, stdout_of, summary_count, testdata,
    tomcat_aborts,
};

/// The numbers of the `ordinary line N` lines of `log`, in order.
fn numbers(log: &[u8]) -> Vec<usize> {
    log.split(|&b| b == b'\n')
        .filter_map(|l| l.strip_prefix(b"ordinary line "))
        .map(|n| std::str::from_utf8(n).unwrap().parse().unwrap())
        .collect()
}

/// resetsquash reading a pipe from the test, as from a server.
fn filter(dir: &Path, args: &[&str]) -> Child {
    cmd(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// How many records resetsquash squashes in `log`.
fn squashed_count(log: &[u8]) -> u64 {
    summary_count(&squashed(Path::new("."), log))
}

fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .expect("kill (procps) must be installed");
    assert!(status.success());
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Fills the file system at `dir` with one file, to be removed to free the space again.
fn fill(dir: &Path) -> std::path::PathBuf {
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let _ = f.write_all(&[0]);
    filler
}

#[test]
fn a_full_disk_from_a_pipe_keeps_the_server_writing_and_says_what_was_lost() {
    full_disk(Destination::AppendOption);
}

#[test]
fn a_full_disk_behind_standard_output_is_survived_alike() {
    // `server | resetsquash >> app.log`
    full_disk(Destination::Redirect);
}

#[derive(Clone, Copy)]
enum Destination {
    /// `-o app.log`
    AppendOption,
    /// `>> app.log`
    Redirect,
}

fn full_disk(destination: Destination) {
    let mnt = Mount::tmpfs("size=8m");
    let log = mnt.path.join("app.log");
    let filler = fill(&mnt.path);
    let (mut child, name) = match destination {
        Destination::AppendOption => (filter(&mnt.path, &["-o", "app.log"]), "app.log"),
        Destination::Redirect => {
            let out = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .unwrap();
            let child = cmd(&mnt.path)
                .stdin(Stdio::piped())
                .stdout(out)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (child, "standard output")
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    // While the disk is full: more than resetsquash holds (4 MiB), so some is dropped; every
    // write of the server's goes through all the same.
    let abort = tomcat_aborts();
    let mut sent = 0;
    let mut aborts = 0;
    while sent < 250_000 {
        stdin
            .write_all(&numbered(sent, 1000))
            .expect("the server's write never fails");
        stdin.write_all(&abort).unwrap();
        sent += 1000;
        aborts += 1;
    }
    // Space again; the server goes on writing, slowly, until the loss is said in the log.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(&filler).unwrap();
    let said = |log: &Path| {
        std::fs::read(log).is_ok_and(|b| memchr::memmem::find(&b, b"resetsquash: lost ").is_some())
    };
    let start = Instant::now();
    while !said(&log) {
        assert!(start.elapsed() < Duration::from_secs(15), "no loss line");
        stdin.write_all(&numbered(sent, 1)).unwrap();
        sent += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    stdin.write_all(&numbered(sent, 10)).unwrap();
    sent += 10;
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Lost output is an error at the end, said once when it began and once when it ended.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let failed = format!("cannot write {name}: No space left on device");
    assert_eq!(err.matches(&failed).count(), 1, "{err}");
    assert!(
        err.contains(&format!("resetsquash: writing {name} again after")),
        "{err}"
    );
    assert!(err.contains("resetsquash: lost "), "{err}");
    let written = std::fs::read(&log).unwrap();
    // The loss line, on a line of its own, in the summary lines' form.
    let text = String::from_utf8_lossy(&written);
    let loss = text
        .lines()
        .find(|l| l.contains("resetsquash: lost "))
        .unwrap();
    let re = regex::Regex::new(
        r"^(?:\S.* )?resetsquash: lost (\d+) lines?, (\d+) bytes \((\d+) client aborts counted\) from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: No space left on device$",
    )
    .unwrap();
    let caps = re.captures(loss).unwrap_or_else(|| panic!("{loss}"));
    let lost_lines: usize = caps[1].parse().unwrap();
    assert!(lost_lines > 0);
    // Every ordinary line is there once, in order, but for one stretch of whole lost lines.
    let seen = numbers(&written);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
    assert_eq!(
        *seen.last().unwrap(),
        sent - 1,
        "the last lines came through"
    );
    let gaps: Vec<(usize, usize)> = seen
        .windows(2)
        .filter(|w| w[1] != w[0] + 1)
        .map(|w| (w[0], w[1]))
        .collect();
    assert_eq!(gaps.len(), 1, "one stretch was lost: {gaps:?}");
    let missing = gaps[0].1 - gaps[0].0 - 1;
    assert!(
        missing <= lost_lines,
        "{missing} ordinary lines missing, {lost_lines} said lost"
    );
    // No line was torn: each is a whole line of the input, a summary, or the loss line.
    let excerpt = String::from_utf8_lossy(&abort).into_owned();
    let input_lines: std::collections::HashSet<&str> = excerpt.lines().collect();
    for line in text.lines() {
        let ordinary = line
            .strip_prefix("ordinary line ")
            .is_some_and(|n| n.len() == 8);
        assert!(
            ordinary
                || input_lines.contains(line)
                || line.contains("resetsquash: squashed ")
                || line.contains("resetsquash: lost "),
            "torn or foreign line: {line:?}"
        );
    }
    // Every abort is counted: in a summary line that was written, or in the loss line.
    let summaries = summary_count(&written);
    let per = squashed_count(&abort);
    let lost_aborts: u64 = caps[3].parse().unwrap();
    assert!(
        summaries + lost_aborts <= per * aborts,
        "{summaries} + {lost_aborts}"
    );
    assert!(summaries > 0);
}

#[test]
fn a_sighup_before_the_first_byte_does_not_end_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = filter(dir.path(), &["-o", "app.log"]);
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "HUP");
    std::thread::sleep(Duration::from_millis(100));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"first line after the SIGHUP\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("app.log")).unwrap(),
        b"first line after the SIGHUP\n"
    );
}

#[test]
fn a_reopen_that_fails_keeps_writing_to_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let mut child = filter(&logs, &["-o", "app.log"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&numbered(0, 10)).unwrap();
    wait_for("the first lines", Duration::from_secs(5), || {
        std::fs::read(logs.join("app.log")).is_ok_and(|b| b.len() == numbered(0, 10).len())
    });
    // Rotated away, and the folder may not get a new file (as with logrotate's `create`
    // for another user): the reopen fails.
    std::fs::rename(logs.join("app.log"), logs.join("app.log.1")).unwrap();
    let immutable = Immutable::set(&logs);
    signal(&child, "HUP");
    std::thread::sleep(Duration::from_millis(200));
    stdin.write_all(&numbered(10, 10)).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    drop(immutable);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("resetsquash: cannot reopen app.log: "),
        "{err}"
    );
    assert!(
        err.contains("still writing to the file it had open"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(logs.join("app.log.1")).unwrap(),
        numbered(0, 20)
    );
    assert!(!logs.join("app.log").exists());
}

#[test]
fn after_sigterm_the_servers_last_lines_still_reach_the_log() {
    // systemd stops a unit by sending SIGTERM to every process in it: the server writes its
    // shutdown lines after the filter got the signal.
    let dir = tempfile::tempdir().unwrap();
    let mut child = filter(dir.path(), &["-o", "app.log"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&numbered(0, 100)).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "TERM");
    for i in 0..50 {
        stdin
            .write_all(format!("shutdown line {i}\n").as_bytes())
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    // The server ends, and so does its end of the pipe.
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(15), "ends by the signal");
    let log = String::from_utf8(std::fs::read(dir.path().join("app.log")).unwrap()).unwrap();
    assert_eq!(log.matches("ordinary line ").count(), 100);
    assert_eq!(log.matches("shutdown line ").count(), 50, "{log}");
}

#[test]
fn sigterm_ends_it_soon_when_the_input_never_gave_a_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = filter(dir.path(), &["-o", "app.log"]);
    let stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    signal(&child, "TERM");
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.signal(), Some(15));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_blocked_output_does_not_hold_a_sigterm_for_ever() {
    // Standard output is a pipe nobody reads; the input keeps coming.
    let mut child = cmd(Path::new("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let lines = numbered(0, 100_000);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) && stdin.write_all(&lines).is_ok() {}
    });
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    signal(&child, "TERM");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "still running");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.signal(), Some(15));
    drop(child.stdout.take());
    writer.join().unwrap();
}

#[test]
fn a_closed_standard_output_is_an_error() {
    let bin = env!("CARGO_BIN_EXE_resetsquash");
    let log = testdata("corpus/nginx/error.log");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {bin} {} >&-", log.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot write standard output: it is closed"),
        "{err}"
    );
    // To /dev/null, on purpose, it is no error.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {bin} {} > /dev/null", log.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_torn_last_line_of_an_earlier_run_is_ended_before_the_next_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.log"), "a line cut by a kill").unwrap();
    let mut child = filter(dir.path(), &["-o", "app.log"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"the next run's first line\n").unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app.log")).unwrap(),
        "a line cut by a kill\nthe next run's first line\n"
    );
}

/// A log with client aborts to squash, in `dir`.
fn rotated_log(dir: &Path, name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let path = dir.join(name);
    let mut log = numbered(0, 100);
    log.extend(tomcat_aborts());
    log.extend(numbered(100, 100));
    std::fs::write(&path, &log).unwrap();
    (path, log)
}

fn strays(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("resetsquash"))
        .collect()
}

/// A log that takes a while to squash: 3,000 client aborts between numbered lines.
fn a_long_log() -> Vec<u8> {
    let abort = tomcat_aborts();
    let mut log = Vec::new();
    for i in 0..3000 {
        log.extend(numbered(i * 10, 10));
        log.extend(&abort);
    }
    log
}

/// A writer that goes on appending `lines` lines to `path`, two a millisecond, through the
/// file it opened now (as a server that is never told to reopen its log).
fn append_meanwhile(path: &Path, lines: usize) -> std::thread::JoinHandle<()> {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    std::thread::spawn(move || {
        for i in 0..lines {
            f.write_all(format!("appended line {i}\n").as_bytes())
                .unwrap();
            std::thread::sleep(Duration::from_micros(500));
        }
    })
}

#[test]
fn in_place_leaves_a_file_that_is_still_written_to() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough to take a while; a writer appends to it meanwhile, as a server that was
    // never told to reopen its log does.
    let path = dir.path().join("app.log.1");
    let log = a_long_log();
    std::fs::write(&path, &log).unwrap();
    let appender = append_meanwhile(&path, 3000);
    std::thread::sleep(Duration::from_millis(20));
    let out = cmd(dir.path())
        .args(["--in-place", "-j1", "app.log.1"])
        .output()
        .unwrap();
    appender.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("app.log.1: left as it was: it changed while it was squashed"),
        "{err}"
    );
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&log), "the original is intact");
    let appended = String::from_utf8_lossy(&after[log.len()..]).lines().count();
    assert_eq!(appended, 3000, "every appended line is there");
    assert!(strays(dir.path()).is_empty());
}

#[test]
fn in_place_squashes_what_a_symlink_names_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (real, log) = rotated_log(dir.path(), "real.log");
    std::os::unix::fs::symlink("real.log", dir.path().join("link.log")).unwrap();
    in_place(dir.path(), "link.log");
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.log"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read(&real).unwrap(),
        squashed(Path::new("."), &log)
    );
    assert!(strays(dir.path()).is_empty());
}

#[test]
fn in_place_refuses_a_file_with_other_hard_links_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (a, log) = rotated_log(dir.path(), "a.log");
    std::fs::hard_link(&a, dir.path().join("b.log")).unwrap();
    let out = cmd(dir.path())
        .args(["--in-place", "a.log"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a.log: left as it was: it has 1 other hard links"),
        "{err}"
    );
    assert!(err.contains("--break-hard-links"), "{err}");
    assert_eq!(std::fs::read(&a).unwrap(), log);
    let out = cmd(dir.path())
        .args(["--in-place", "--break-hard-links", "a.log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read(&a).unwrap(), squashed(Path::new("."), &log));
    assert_eq!(
        std::fs::read(dir.path().join("b.log")).unwrap(),
        log,
        "b.log keeps the original"
    );
}

#[test]
fn in_place_keeps_extended_attributes_and_acls() {
    let dir = tempfile::tempdir().unwrap();
    let (path, log) = rotated_log(dir.path(), "app.log");
    let run = |program: &str, args: &[&str]| {
        let out = Command::new(program)
            .args(args)
            .arg(&path)
            .output()
            .unwrap_or_else(|_| panic!("{program} must be installed (attr, acl)"));
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run("setfattr", &["-n", "user.origin", "-v", "rotated-by-test"]);
    run("setfacl", &["-m", "u:65534:r,g:65534:rw"]);
    let attrs = run("getfattr", &["-d", "--absolute-names"]);
    let acl = run("getfacl", &["-p"]);
    assert!(attrs.contains("user.origin=\"rotated-by-test\""), "{attrs}");
    in_place(dir.path(), "app.log");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        squashed(Path::new("."), &log),
        "it was squashed"
    );
    assert_eq!(run("getfattr", &["-d", "--absolute-names"]), attrs);
    assert_eq!(run("getfacl", &["-p"]), acl);
}

#[test]
fn sigterm_during_in_place_leaves_the_original_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let abort = tomcat_aborts();
    let mut log = Vec::new();
    while log.len() < 150 << 20 {
        log.extend(numbered(log.len(), 200));
        log.extend(&abort);
    }
    std::fs::write(&path, &log).unwrap();
    let child = cmd(dir.path())
        .args(["--in-place", "-j1", "app.log"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the temporary copy", Duration::from_secs(10), || {
        !strays(dir.path()).is_empty()
    });
    signal(&child, "TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(15));
    assert!(strays(dir.path()).is_empty(), "{:?}", strays(dir.path()));
    assert!(
        std::fs::read(&path).unwrap() == log,
        "the original is intact"
    );
}

#[test]
fn logrotate_in_place_while_the_server_still_writes_loses_nothing() {
    // The real logrotate with the postrotate recipe, for a server that is never told to reopen
    // its log: after the rename it goes on appending to the rotated file while that is
    // squashed. resetsquash leaves the file as it was, and logrotate says the hook failed.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let before = a_long_log();
    std::fs::write(&log, &before).unwrap();
    let server = append_meanwhile(&log, 4000);
    let conf =
        std::fs::read_to_string(crate::util::root().join("recipes/logrotate-postrotate.conf"))
            .unwrap()
            .replace("/var/log/app/app.log", &log.display().to_string())
            .replace("/usr/bin/resetsquash", env!("CARGO_BIN_EXE_resetsquash"));
    let conf_path = dir.path().join("logrotate.conf");
    std::fs::write(&conf_path, conf).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = Command::new("logrotate")
        .arg("-s")
        .arg(dir.path().join("state"))
        .arg("-f")
        .arg(&conf_path)
        .output()
        .expect("logrotate must be installed (scripts/test installs it)");
    server.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "logrotate reports the failed hook: {err}"
    );
    assert!(
        err.contains("left as it was: it changed while it was squashed"),
        "{err}"
    );
    let rotated = std::fs::read(dir.path().join("app.log.1")).unwrap();
    assert!(rotated.starts_with(&before), "the rotated log is intact");
    let appended = String::from_utf8_lossy(&rotated[before.len()..])
        .lines()
        .count();
    assert_eq!(appended, 4000, "every line the server appended is there");
    assert!(strays(dir.path()).is_empty());
}

/// An nginx client abort whose group (what it was sending to the client) ends in `what`.
fn abort_sending(n: usize, what: &str) -> Vec<u8> {
    format!(
        "2026/11/24 15:48:48 [info] 2#2: *{n} writev() failed (32: Broken pipe) while sending to \
         client {what}, client: 127.0.0.1, server: x, request: \"GET / HTTP/1.1\"\n"
    )
    .into_bytes()
}

#[test]
fn a_huge_group_key_is_cut_to_a_bound_and_distinct_groups_stay_distinct() {
    // Three records whose groups are 200 KB each and differ only at their ends, two alike.
    let long = "x".repeat(200_000);
    let mut log = Vec::new();
    for (n, end) in ["a", "b", "a"].into_iter().enumerate() {
        log.extend(abort_sending(n, &format!("{long}{end}")));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.log"), &log).unwrap();
    let out = stdout_of(cmd(dir.path()).args(["--window", "0", "app.log"]));
    let summaries: Vec<_> = out
        .split_inclusive(|&b| b == b'\n')
        .filter_map(resetsquash::summary::Summary::parse)
        .collect();
    assert_eq!(
        summaries.len(),
        2,
        "two groups: the messages ending in a and in b"
    );
    assert_eq!(
        summaries.iter().map(|s| s.count).collect::<Vec<_>>(),
        [2, 1]
    );
    let hashed = regex::Regex::new("…#[0-9a-f]{16}$").unwrap();
    for s in &summaries {
        assert!(
            s.group.len() <= resetsquash::squash::KEY_MAX,
            "{} bytes",
            s.group.len()
        );
        let group = String::from_utf8_lossy(&s.group);
        assert!(group.contains("xxxxxxxx"), "{group}");
        assert!(hashed.is_match(&group), "{group}");
    }
    assert_ne!(summaries[0].group, summaries[1].group);
}

#[test]
fn one_header_dated_far_ahead_does_not_stop_the_windows() {
    // A real log with 10 s windows, and one header that a wrong clock dated 2099.
    let case = testdata("cases/tomcat-window-10s");
    let input = std::fs::read(case.join("input.log")).unwrap();
    let text = String::from_utf8_lossy(&input).into_owned();
    let odd =
        "31-Dec-2099 23:59:59.999 INFO [main] org.example.Clock.tick a header from a wrong clock\n";
    let squash = |log: &[u8], threads: &str, chunk: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.log"), log).unwrap();
        stdout_of(cmd(dir.path()).args([
            "--window",
            "10s",
            "-j",
            threads,
            "--chunk-size",
            chunk,
            "app.log",
        ]))
    };
    let plain = String::from_utf8_lossy(&squash(&input, "1", "1048576")).into_owned();
    // Before a header in the second half that is kept, once, so that its text is no squashed
    // record's time.
    let header = text[text.len() / 2..]
        .lines()
        .find(|l| l.starts_with("24-Nov-2026") && plain.matches(&format!("\n{l}\n")).count() == 1)
        .unwrap();
    let at = text.find(&format!("\n{header}\n")).unwrap() + 1;
    let with_odd = [&input[..at], odd.as_bytes(), &input[at..]].concat();
    // The same output, with the odd line where it was put: before the same header.
    let want = {
        let header_at = plain.find(&format!("\n{header}\n")).unwrap() + 1;
        let plain = plain.as_bytes();
        [&plain[..header_at], odd.as_bytes(), &plain[header_at..]].concat()
    };
    for (threads, chunk) in [("1", "1048576"), ("2", "4096"), ("2", "65536")] {
        let got = squash(&with_odd, threads, chunk);
        crate::util::assert_bytes_eq(&got, &want, &format!("-j {threads} --chunk-size {chunk}"));
    }
}

#[test]
fn a_sigkill_loses_at_most_the_counting_since_the_last_flush() {
    // Pending counts are written every --flush-every of wall-clock time (a minute unless told
    // otherwise): a SIGKILL then loses at most that much counting, not a whole window's.
    let help =
        String::from_utf8(cmd(Path::new(".")).arg("--help").output().unwrap().stdout).unwrap();
    let flush = help.split("--flush-every").nth(1).unwrap();
    assert!(flush.contains("[default: 1m]"), "{flush}");
    let dir = tempfile::tempdir().unwrap();
    let abort = tomcat_aborts();
    let per = squashed_count(&abort);
    let mut child = filter(dir.path(), &["-o", "app.log", "--flush-every", "1s"]);
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..5 {
        stdin.write_all(&abort).unwrap();
    }
    std::thread::sleep(Duration::from_millis(2500));
    signal(&child, "KILL");
    child.wait().unwrap();
    drop(stdin);
    let log = std::fs::read(dir.path().join("app.log")).unwrap();
    let counted = summary_count(&log);
    assert_eq!(
        counted,
        5 * per,
        "every record read before the last flush is counted"
    );
}
