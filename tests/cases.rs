//! Behaviour as case files, one test per folder of `testdata/cases/`:
//! `cargo test --test tests cases::nginx_error` runs the folder `nginx-error` alone.
//!
//! A case folder holds:
//!
//! - `args`: the arguments, one per line (blank lines and `#` comments are skipped); relative
//!   paths are read from the case folder, where the case runs;
//! - `input.log`: the log, named as the last argument (or given on standard input);
//! - `expected.log`: the exact bytes expected on standard output;
//! - `expected.stderr` (optional): the exact bytes expected on standard error; without it,
//!   standard error is not compared;
//! - `exit` (optional): the exit code expected, a number (0 without it);
//! - any file its `args` name, such as a rules file.
//!
//! Each case runs at several buffer sizes, thread counts and chunk sizes, from a file and
//! through a pipe, expecting the same bytes and exit code every time; the output of a case that
//! succeeds must satisfy the invariants as well.
//!
//! To add a case, make its folder (named in lower case with hyphens) and list it in `cases!`
//! below, its test named as the folder with underscores; a test fails while a folder is not
//! listed. To write `expected.log` (and `expected.stderr`, when the program writes to standard
//! error), run the case with `RESETSQUASH_BLESS=1`, then read the result before committing it.

use std::path::Path;
use std::process::Output;

use resetsquash::shipped::Choice;

use crate::util::{
    assert_bytes_eq, check_invariants, check_invariants_cut, check_shipped, cmd,
    real_and_generated_logs, root, run_with_stdin, testdata,
};

/// Every code path a case runs through: one thread at several read sizes, and several threads
/// with chunks small enough to cut every case into many.
const PATHS: &[&[&str]] = &[
    &["--threads", "1"],
    &["--threads", "1", "--buffer-size", "1"],
    &["--threads", "1", "--buffer-size", "2"],
    &["--threads", "1", "--buffer-size", "5"],
    &["--threads", "1", "--buffer-size", "64"],
    &["--threads", "1", "--buffer-size", "4096"],
    &["--threads", "2"],
    &["--threads", "2", "--chunk-size", "1000"],
    &[
        "--threads",
        "3",
        "--chunk-size",
        "4096",
        "--buffer-size",
        "7",
    ],
    &["--threads", "4", "--chunk-size", "64"],
];

/// The same through a pipe, written all at once: with several threads, whatever the reader has
/// queued is a backlog whose records are decided on all of them (small reads make sure several
/// are queued). The quiet time is set long so that a slow machine never decides a record early
/// (a pipe that goes quiet may, by design).
const PIPE_PATHS: &[&[&str]] = &[
    &["--threads", "1"],
    &[
        "--threads",
        "2",
        "--chunk-size",
        "1000",
        "--buffer-size",
        "4096",
    ],
    &["--threads", "4", "--chunk-size", "64", "--buffer-size", "7"],
];
const LONG_QUIET: &[&str] = &["--idle-ms", "600000", "--idle-in-trace-ms", "600000"];

/// One test per case folder, so that one failing case hides no other and any case can be run
/// by name: each name is its folder's, with underscores for hyphens.
macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_case(&folder(stringify!($name)));
            }
        )*

        /// The folders that have a test, in the order listed.
        fn listed() -> Vec<String> {
            vec![$(folder(stringify!($name))),*]
        }
    };
}

cases! {
    event_uwsgi,
    event_uwsgi_squash,
    evidence_client_address,
    evidence_client_exception,
    evidence_client_frames,
    evidence_client_logger,
    evidence_outbound_words,
    evidence_own_socket,
    evidence_request_line,
    evidence_request_thread,
    evidence_server_frames,
    evidence_server_logger,
    evidence_server_message,
    evidence_shared_transport,
    explain_catalina,
    gunicorn_debug,
    jdk_httpserver_write_to_client,
    json_bunyan,
    json_clef,
    json_dotnet,
    json_ecs_flat,
    json_ecs_nested,
    json_gelf,
    json_journald,
    json_log4j2,
    json_logstash,
    json_pino,
    json_python_json,
    json_slog,
    json_structlog,
    json_zap,
    jdk_httpserver_zh,
    nginx_error,
    nginx_record_start,
    python_http_server,
    python_stream_server,
    rails_record_start,
    rules_unescaped_paren,
    shipped_colour,
    shipped_colour_bare,
    shipped_compose_colour,
    shipped_compose_v1,
    shipped_compose_v2_timestamps,
    shipped_cri,
    shipped_docker_json,
    shipped_heroku,
    shipped_journald_short,
    shipped_journald_short_iso,
    shipped_kubectl_timestamps,
    shipped_rfc5424,
    shipped_rsyslog_escaped,
    shipped_rsyslog_rfc3164,
    tomcat_catalina_out,
    tomcat_keep_first,
    tomcat_localhost_root_cause,
    tomcat_window_10s,
}

/// A case's folder name from its test's name.
fn folder(test: &str) -> String {
    test.replace('_', "-")
}

/// A folder without a test would never run; a test without its folder would fail anyway, but
/// saying so here names the mistake.
#[test]
fn every_case_folder_has_a_test() {
    let mut folders: Vec<String> = std::fs::read_dir(testdata("cases"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let listed = listed();
    for name in &folders {
        assert!(
            listed.contains(name),
            "testdata/cases/{name} has no test: add `{}` to `cases!` in tests/cases.rs",
            name.replace('-', "_")
        );
    }
    for name in &listed {
        assert!(
            folders.contains(name),
            "`cases!` lists `{}`, but there is no folder testdata/cases/{name}",
            name.replace('-', "_")
        );
    }
}

/// What a case expects besides `expected.log`, from its optional files.
struct Expected {
    /// `exit`, 0 without it.
    code: i32,
    /// `expected.stderr`, or `None` where standard error is not compared.
    stderr: Option<Vec<u8>>,
}

impl Expected {
    fn read(dir: &Path, name: &str) -> Expected {
        let code = match std::fs::read_to_string(dir.join("exit")) {
            Ok(text) => text
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}: `exit` must hold a number, not {text:?}")),
            Err(_) => 0,
        };
        Expected {
            code,
            stderr: std::fs::read(dir.join("expected.stderr")).ok(),
        }
    }

    /// Checks the exit code of one run, and that its standard error is the first run's (its
    /// bytes are checked against the file once, after every run).
    #[track_caller]
    fn check(&self, out: &Output, first_stderr: Option<&[u8]>, context: &str) {
        assert_eq!(
            out.status.code(),
            Some(self.code),
            "{context}: exit code (want the one in `exit`, 0 without it); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let (Some(_), Some(first)) = (&self.stderr, first_stderr) {
            assert_bytes_eq(&out.stderr, first, &format!("{context}: stderr"));
        }
    }
}

/// Runs the case in `testdata/cases/<name>` on every path, and compares its output with the
/// expected files (or writes them, with `RESETSQUASH_BLESS` set).
fn check_case(name: &str) {
    let bless = std::env::var_os("RESETSQUASH_BLESS").is_some();
    let dir = testdata("cases").join(name);
    assert!(dir.is_dir(), "no folder testdata/cases/{name}");
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let input = std::fs::read(dir.join("input.log")).unwrap();
    let expected = Expected::read(&dir, name);
    let mut first: Option<Output> = None;
    for path in PATHS {
        let out = cmd(&dir)
            .args(&args)
            .args(*path)
            .arg("input.log")
            .output()
            .unwrap();
        let context = format!("{name} with {path:?}");
        match &first {
            None => {
                expected.check(&out, None, &context);
                first = Some(out);
            }
            Some(f) => {
                expected.check(&out, Some(&f.stderr), &context);
                assert_bytes_eq(&out.stdout, &f.stdout, &context);
            }
        }
    }
    let first = first.unwrap();
    for path in PIPE_PATHS {
        let mut c = cmd(&dir);
        c.args(&args).args(*path).args(LONG_QUIET).arg("-");
        let out = run_with_stdin(c, &input);
        let context = format!("{name} through a pipe with {path:?}");
        expected.check(&out, Some(&first.stderr), &context);
        assert_bytes_eq(&out.stdout, &first.stdout, &context);
    }
    let (got, got_stderr) = (first.stdout, first.stderr);
    let explains = args.iter().any(|a| a == "--explain" || a == "--keep-first");
    if expected.code == 0 && !explains {
        // Records cut as the case's run cut them.
        let record_start = args
            .iter()
            .position(|a| a == "--record-start")
            .map(|i| regex::bytes::Regex::new(&args[i + 1]).unwrap());
        let max_line = resetsquash::Config::default().max_line;
        let records = json_lines(name, &input).unwrap_or_else(|| {
            resetsquash::record::split_records_starting(&input, record_start.as_ref(), max_line)
        });
        // A prefix said with `--prefix` (without it, the checker tells it as the run did).
        let prefix = args
            .iter()
            .position(|a| a == "--prefix")
            .map(|i| Choice::parse(&args[i + 1]).unwrap().decide(&input, true));
        match prefix {
            Some(shape) if !shape.is_plain() => {
                check_shipped(&input, &got, shape);
            }
            _ => {
                check_invariants_cut(&input, &got, &records);
            }
        }
    }
    if bless {
        std::fs::write(dir.join("expected.log"), &got).unwrap();
        if expected.stderr.is_some() || !got_stderr.is_empty() {
            std::fs::write(dir.join("expected.stderr"), &got_stderr).unwrap();
        }
        return;
    }
    let want = std::fs::read(dir.join("expected.log"))
        .unwrap_or_else(|_| panic!("{name}: no expected.log (run with RESETSQUASH_BLESS=1)"));
    assert_bytes_eq(&got, &want, name);
    if let Some(want) = &expected.stderr {
        assert_bytes_eq(&got_stderr, want, &format!("{name}: stderr"));
    }
}

/// A JSON-lines case (`json-*`) is cut one record per line: every line of such a log is one
/// record, a JSON object or not (see `resetsquash::structured`); `None` for any other case.
fn json_lines(name: &str, input: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    if !name.starts_with("json-") {
        return None;
    }
    let mut at = 0;
    let records = input
        .split_inclusive(|&b| b == b'\n')
        .map(|l| {
            at += l.len();
            at - l.len()..at
        })
        .collect();
    Some(records)
}

/// Whole logs, real and generated, come out byte for byte the same on every path: one thread
/// at odd read sizes, several threads with small and default chunks, and through a pipe.
#[test]
fn real_and_generated_logs_come_out_the_same_on_every_path() {
    let inputs = real_and_generated_logs("2M", 11);
    let dir = tempfile::tempdir().unwrap();
    // The case files' paths, but for reads of a few bytes: a million reads per log add nothing.
    let files = PATHS
        .iter()
        .filter(|args| !matches!(***args, [_, _, "--buffer-size", "1" | "2" | "5"]));
    for (name, input) in &inputs {
        let path = dir.path().join("in.log");
        std::fs::write(&path, input).unwrap();
        let run = |args: &[&str]| {
            let out = cmd(&root()).args(args).arg(&path).output().unwrap();
            assert!(out.status.success(), "{name} {args:?}");
            out.stdout
        };
        let reference = run(&["--threads", "1"]);
        let acc = check_invariants(input, &reference);
        assert!(acc.squashed > 0, "{name}: nothing was squashed");
        for args in files.clone() {
            assert_bytes_eq(&run(args), &reference, &format!("{name} {args:?}"));
        }
        for args in PIPE_PATHS {
            let mut c = cmd(&root());
            c.args(*args).args(LONG_QUIET);
            let out = run_with_stdin(c, input);
            assert!(out.status.success(), "{name} {args:?} (pipe)");
            assert_bytes_eq(&out.stdout, &reference, &format!("{name} {args:?} (pipe)"));
        }
    }
}

/// The seconds and text of a summary line's timestamp, for ordering (`None`: it has none).
fn summary_time(line: &[u8]) -> Option<(i64, Vec<u8>)> {
    let s = resetsquash::summary::Summary::parse(line)?;
    let h = resetsquash::header::detect(&s.timestamp)?;
    Some((h.seconds?, s.timestamp))
}

/// Summary lines written together (one window closing) follow the log's clock, as the records
/// around them do: a reader who sorts or greps by time sees them where they belong.
#[test]
fn summary_lines_written_together_are_in_timestamp_order() {
    let mut logs: Vec<(String, Vec<u8>)> = std::fs::read_dir(testdata("cases"))
        .unwrap()
        .map(|e| e.unwrap().path().join("input.log"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    logs.extend(real_and_generated_logs("1M", 12));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.log");
    let mut runs = 0;
    for (name, input) in &logs {
        std::fs::write(&path, input).unwrap();
        let out = cmd(&root()).arg(&path).output().unwrap();
        assert!(out.status.success(), "{name}");
        let mut previous: Option<(i64, Vec<u8>)> = None;
        // A shipped log's summary lines, read after their prefix (whose time is the first
        // record's): it is the server's own clock they follow.
        let shape = Choice::Auto.decide(input, true);
        let mut text = Vec::new();
        for line in out.stdout.split_inclusive(|&b| b == b'\n') {
            shape.clean(line, &mut text);
            let Some(t) = summary_time(&text) else {
                previous = None;
                continue;
            };
            if let Some(p) = &previous {
                runs += 1;
                assert!(
                    *p <= t,
                    "{name}: {} written after {}",
                    String::from_utf8_lossy(&t.1),
                    String::from_utf8_lossy(&p.1)
                );
            }
            previous = Some(t);
        }
    }
    assert!(runs > 100, "summary lines written together were compared");
}
