//! Faults around the filter: a full disk, a read-only or immutable destination, an input that
//! disappears, a damaged gzip input, SIGTERM while output is blocked. Each keeps its promise: the original is intact,
//! the exit code is non-zero, and the message names the path.
//!
//! (Also covered elsewhere: /dev/full, a closed pipe and unreadable input in `cli.rs`; a full
//! tmpfs and kill -9 during `--in-place` in `rotate.rs`; signals from a pipe in `pipe.rs`.)

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{
    Immutable, Mount, assert_bytes_eq, cmd, gzip, numbered, run_with_reader_stalled,
    run_with_stdin, stdout_of, summary_count, testdata, tomcat_aborts,
};

#[track_caller]
fn assert_fails_naming(out: &std::process::Output, path: &Path, reason: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&path.display().to_string()) && err.contains(reason),
        "wanted the path {} and `{reason}`: {err}",
        path.display()
    );
}

#[test]
fn output_to_a_full_disk_fails_naming_the_file() {
    let mnt = Mount::tmpfs("size=64k");
    let out_path = mnt.path.join("app.log");
    let dir = tempfile::tempdir().unwrap();
    let big: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("ordinary line {i:06}\n").into_bytes())
        .collect();
    std::fs::write(dir.path().join("in.log"), &big).unwrap();
    let out = cmd(dir.path())
        .arg("-o")
        .arg(&out_path)
        .arg("in.log")
        .output()
        .unwrap();
    assert_fails_naming(&out, &out_path, "No space left on device");
}

#[test]
fn output_on_a_read_only_file_system_fails_naming_the_file() {
    let mnt = Mount::tmpfs("size=1m");
    let out_path = mnt.path.join("app.log");
    std::fs::write(&out_path, b"earlier lines\n").unwrap();
    mnt.remount("ro");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.log"), tomcat_aborts()).unwrap();
    let out = cmd(dir.path())
        .arg("-o")
        .arg(&out_path)
        .arg("in.log")
        .output()
        .unwrap();
    assert_fails_naming(&out, &out_path, "Read-only file system");
    assert_eq!(std::fs::read(&out_path).unwrap(), b"earlier lines\n");
}

#[test]
fn in_place_on_a_read_only_file_system_fails_and_leaves_the_original() {
    let mnt = Mount::tmpfs("size=1m");
    let path = mnt.path.join("app.log.1");
    std::fs::write(&path, tomcat_aborts()).unwrap();
    mnt.remount("ro");
    let out = cmd(&mnt.path)
        .args(["--in-place", "app.log.1"])
        .output()
        .unwrap();
    assert_fails_naming(&out, Path::new("app.log.1"), "Read-only file system");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        tomcat_aborts(),
        "the original is intact"
    );
}

#[test]
fn in_place_on_a_file_it_may_not_replace_fails_and_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log.1");
    std::fs::write(&path, tomcat_aborts()).unwrap();
    let _guard = Immutable::set(&path);
    let out = cmd(dir.path())
        .args(["--in-place", "app.log.1"])
        .output()
        .unwrap();
    assert_fails_naming(&out, Path::new("app.log.1"), "Operation not permitted");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        tomcat_aborts(),
        "the original is intact"
    );
    let listing: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(listing.len(), 1, "no temporary file is left behind");
}

#[test]
fn output_to_a_file_it_may_not_write_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("app.log");
    std::fs::write(&out_path, b"earlier lines\n").unwrap();
    std::fs::write(dir.path().join("in.log"), tomcat_aborts()).unwrap();
    let _guard = Immutable::set(&out_path);
    let out = cmd(dir.path())
        .args(["-o", "app.log", "in.log"])
        .output()
        .unwrap();
    assert_fails_naming(&out, Path::new("app.log"), "Operation not permitted");
    assert_eq!(std::fs::read(&out_path).unwrap(), b"earlier lines\n");
}

#[test]
fn an_input_removed_while_it_is_read_is_read_to_its_end() {
    // An open file outlives its name: a log deleted (or rotated away) mid-read is read whole.
    let dir = tempfile::tempdir().unwrap();
    let original = numbered(0, 400_000);
    std::fs::write(dir.path().join("in.log"), &original).unwrap();
    let mut c = cmd(dir.path());
    c.args(["--threads", "1", "in.log"]);
    let input = dir.path().join("in.log");
    let out = run_with_reader_stalled(c, |pid| {
        // Removed once it is open (a slow start must not find it gone).
        let opened = || {
            std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
                fds.flatten()
                    .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|t| t == input))
            })
        };
        let start = std::time::Instant::now();
        while !opened() {
            assert!(start.elapsed().as_secs() < 10, "the input was never opened");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::remove_file(&input).unwrap();
    });
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout == original, "got {} bytes", out.stdout.len());
}

#[test]
fn an_input_that_disappears_before_its_turn_is_named_after_the_earlier_ones_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let first = numbered(0, 400_000);
    std::fs::write(dir.path().join("a.log"), &first).unwrap();
    std::fs::write(dir.path().join("b.log"), numbered(1, 10)).unwrap();
    for threads in ["1", "2"] {
        std::fs::write(dir.path().join("b.log"), numbered(1, 10)).unwrap();
        let mut c = cmd(dir.path());
        c.args(["--threads", threads, "a.log", "b.log"]);
        let out = run_with_reader_stalled(c, |_| {
            std::fs::remove_file(dir.path().join("b.log")).unwrap();
        });
        if threads == "2" && out.status.code() == Some(0) {
            // Several threads read ahead (a few chunks per thread): b.log may have been opened
            // before it was removed, and an open file is read whole.
            let mut both = first.clone();
            both.extend_from_slice(&numbered(1, 10));
            assert!(out.stdout == both, "2 threads: both files, whole");
            continue;
        }
        assert_fails_naming(&out, Path::new("b.log"), "No such file or directory");
        assert!(
            first.starts_with(&out.stdout),
            "{threads} threads: what was written is the first file's start"
        );
    }
}

#[test]
fn sigterm_while_the_output_is_blocked_writes_what_was_read_and_every_count() {
    // From a pipe: numbered ordinary lines, each followed by a client-abort record. SIGTERM
    // arrives while resetsquash is stuck writing to a reader that does not read yet; the
    // producer has written everything and stays quiet with its pipe open.
    let abort = tomcat_aborts();
    // How many of the excerpt's records resetsquash squashes, from a file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.log"), &abort).unwrap();
    let one = cmd(dir.path()).arg("one.log").output().unwrap();
    let per = summary_count(&one.stdout);
    assert!(per > 0);
    let mut input = Vec::new();
    for i in 0..300 {
        input.extend_from_slice(format!("ordinary line {i:08}\n").as_bytes());
        input.extend_from_slice(&abort);
    }
    let mut child = cmd(Path::new("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input_copy = input.clone();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
        // Keep the pipe open: the end must come from the signal, not from end of input.
        std::thread::sleep(std::time::Duration::from_secs(3));
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(15), "ends by the signal");
    // Everything read comes out: a line the last read cut is written as far as it was read
    // (the rest of it was never read), after the counts.
    let last_line_start = stdout[..stdout.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (whole, partial) = stdout.split_at(if stdout.ends_with(b"\n") {
        stdout.len()
    } else {
        last_line_start
    });
    assert!(
        partial.is_empty()
            || memchr::memmem::find(&input_copy, &[b"\n", partial].concat()).is_some(),
        "the unterminated end is the start of an input line: {:?}",
        String::from_utf8_lossy(partial)
    );
    // The ordinary lines that came out are 0..k, none skipped; the summaries count every
    // record read with them: all of those after lines 0..k-1, and some or all of those after
    // line k-1, which was being read when the signal came.
    let mut k: u64 = 0;
    let mut counted = 0u64;
    for line in whole.split_inclusive(|&b| b == b'\n') {
        if let Some(s) = resetsquash::summary::Summary::parse(line) {
            counted += s.count;
        } else if line.starts_with(b"ordinary line ") {
            assert_eq!(line, format!("ordinary line {k:08}\n").as_bytes());
            k += 1;
        }
    }
    // After SIGTERM the input is read on while the producer still writes (it wrote all it
    // had before the signal), so nothing it wrote is left unread, and every record is counted.
    assert_eq!(
        k, 300,
        "every line the producer wrote before going quiet came out"
    );
    assert_eq!(counted, per * k, "every record read is counted");
}

#[test]
fn a_closed_output_pipe_ends_quietly_when_reading_a_pipe_too() {
    // `producer | resetsquash | head -c 10`: standard input is a pipe (the live path), and the
    // reader goes away after ten bytes; resetsquash ends with exit code 0 and says nothing.
    let mut child = cmd(Path::new("."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        for i in 0..2_000_000 {
            if writeln!(stdin, "ordinary line {i:08}").is_err() {
                return;
            }
        }
    });
    let mut first = [0u8; 10];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(&first, b"ordinary l");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What `zcat` makes of damaged gzip: the bytes it could decode (it exits non-zero).
fn zcat(gz: &Path) -> Vec<u8> {
    let out = Command::new("gzip").arg("-dc").arg(gz).output().unwrap();
    assert!(!out.status.success(), "the gzip data is damaged");
    out.stdout
}

/// The real Tomcat log, gzipped by gzip, then cut at 10 000 bytes (as a full disk or a crash
/// while compressing leaves it): in `dir` as `catalina.out.1.gz`, with what `zcat` reads of it.
fn truncated_gzip(dir: &Path) -> (PathBuf, Vec<u8>) {
    let log = std::fs::read(testdata("corpus/tomcat10/catalina.out")).unwrap();
    let gz = gzip(&log);
    assert!(gz.len() > 20_000, "the cut must lose data");
    let path = dir.join("catalina.out.1.gz");
    std::fs::write(&path, &gz[..10_000]).unwrap();
    let readable = zcat(&path);
    assert!(!readable.is_empty() && log.starts_with(&readable));
    (path, readable)
}

/// resetsquash's output for `input` as a plain file, which must succeed.
fn squashed_plain(dir: &Path, input: &[u8]) -> Vec<u8> {
    std::fs::write(dir.join("plain.log"), input).unwrap();
    stdout_of(cmd(dir).arg("plain.log"))
}

#[track_caller]
fn assert_damage_named(out: &std::process::Output, path: &str, phrases: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(path), "wanted the path {path}: {err}");
    for p in phrases {
        assert!(err.contains(p), "wanted `{p}`: {err}");
    }
    assert_eq!(err.lines().count(), 1, "one message: {err}");
}

#[test]
fn a_truncated_gzip_input_writes_what_zcat_reads_squashed_then_fails_naming_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let (gz, readable) = truncated_gzip(dir.path());
    let want = squashed_plain(dir.path(), &readable);
    assert!(
        want.len() < readable.len(),
        "the readable part has aborts to squash"
    );
    let decoded = format!("after {} bytes decompressed", readable.len());
    // One thread, several threads (chunks decided in parallel), and gzip on a pipe.
    for threads in ["1", "2"] {
        let out = cmd(dir.path())
            .args([
                "--threads",
                threads,
                "--chunk-size",
                "65536",
                "catalina.out.1.gz",
            ])
            .output()
            .unwrap();
        assert_bytes_eq(&out.stdout, &want, &format!("{threads} threads"));
        assert_damage_named(
            &out,
            "catalina.out.1.gz",
            &[
                "gzip data cut short at compressed byte 10000",
                &decoded,
                "written",
            ],
        );
    }
    let out = run_with_stdin(cmd(dir.path()), &std::fs::read(&gz).unwrap());
    assert_bytes_eq(&out.stdout, &want, "from a pipe");
    assert_damage_named(
        &out,
        "<stdin>",
        &["cut short at compressed byte 10000", &decoded],
    );
}

#[test]
fn a_damaged_gzip_input_does_not_stop_the_inputs_after_it() {
    // As `zcat a.gz b.log` does: the output is what filtering zcat's output gives.
    let dir = tempfile::tempdir().unwrap();
    let (_, mut readable) = truncated_gzip(dir.path());
    let after = tomcat_aborts();
    std::fs::write(dir.path().join("after.log"), &after).unwrap();
    let out = cmd(dir.path())
        .args(["catalina.out.1.gz", "after.log"])
        .output()
        .unwrap();
    readable.extend_from_slice(&after);
    assert_bytes_eq(&out.stdout, &squashed_plain(dir.path(), &readable), "both");
    assert_damage_named(&out, "catalina.out.1.gz", &["cut short"]);
}

#[test]
fn a_corrupt_gzip_input_writes_what_was_decoded_then_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::read(testdata("corpus/nginx/error.log")).unwrap();
    let mut gz = gzip(&log);
    // Garbage in the middle of the deflate data, as a bad sector or a bad copy leaves it.
    let middle = gz.len() / 2;
    for b in &mut gz[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let path = dir.path().join("error.log.2.gz");
    std::fs::write(&path, &gz).unwrap();
    let readable = zcat(&path);
    let out = cmd(dir.path()).arg("error.log.2.gz").output().unwrap();
    assert_bytes_eq(
        &out.stdout,
        &squashed_plain(dir.path(), &readable),
        "corrupt",
    );
    assert_damage_named(
        &out,
        "error.log.2.gz",
        &["corrupt gzip data at compressed byte"],
    );
}

#[test]
fn in_place_on_a_truncated_gzip_leaves_it_byte_identical_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let (gz, _) = truncated_gzip(dir.path());
    let before = std::fs::read(&gz).unwrap();
    let out = cmd(dir.path())
        .args(["--in-place", "catalina.out.1.gz"])
        .output()
        .unwrap();
    assert_damage_named(
        &out,
        "catalina.out.1.gz",
        &[
            "cut short at compressed byte 10000",
            "left as it was",
            "zcat catalina.out.1.gz",
        ],
    );
    assert!(
        std::fs::read(&gz).unwrap() == before,
        "the original is untouched"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["catalina.out.1.gz"], "no temporary file is left");
}

#[test]
fn report_over_a_truncated_gzip_reports_what_was_read_then_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (gz, readable) = truncated_gzip(dir.path());
    let report = |input: &[u8]| {
        let mut c = cmd(dir.path());
        c.args(["report", "--format", "json"]);
        run_with_stdin(c, input)
    };
    let from_plain = report(&readable);
    assert_eq!(from_plain.status.code(), Some(0));
    let from_gz = report(&std::fs::read(&gz).unwrap());
    assert_bytes_eq(&from_gz.stdout, &from_plain.stdout, "report");
    assert_damage_named(
        &from_gz,
        "<stdin>",
        &["cut short", "the report counts those"],
    );
    let named = cmd(dir.path())
        .args(["report", "catalina.out.1.gz"])
        .output()
        .unwrap();
    assert!(!named.stdout.is_empty(), "the report is written");
    assert_damage_named(&named, "catalina.out.1.gz", &["compressed byte 10000"]);
}

#[test]
fn merging_a_truncated_gzip_json_report_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let report = stdout_of(
        cmd(dir.path())
            .args(["report", "--format", "json"])
            .arg(testdata("corpus/tomcat10/catalina.out")),
    );
    let gz = gzip(&report);
    std::fs::write(dir.path().join("host1.json.gz"), &gz[..gz.len() / 2]).unwrap();
    let out = cmd(dir.path())
        .args(["report", "--merge", "host1.json.gz"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "no report from part of one");
    assert_damage_named(&out, "host1.json.gz", &["cut short", "cannot be merged"]);
}
