//! Behaviour as case files: `testdata/cases/<name>/` holds `args` (one argument per line),
//! `input.log` and `expected.log`. Each case runs at several buffer sizes, thread counts and
//! chunk sizes, expecting the same bytes, and its output must satisfy the invariants.
//!
//! To write `expected.log` for a new case, run the tests with `RESETSQUASH_BLESS=1`, then read
//! the result before committing it.

use crate::util::{
    assert_bytes_eq, check_invariants, check_invariants_cut, cmd, real_and_generated_logs, root,
    run_with_stdin, testdata,
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

#[test]
fn every_case_gives_its_expected_output_at_every_buffer_size() {
    let bless = std::env::var_os("RESETSQUASH_BLESS").is_some();
    let mut n = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(testdata("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        n += 1;
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let input = std::fs::read(dir.join("input.log")).unwrap();
        let mut first: Option<Vec<u8>> = None;
        for path in PATHS {
            let out = cmd(&dir)
                .args(&args)
                .args(*path)
                .arg("input.log")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            match &first {
                None => first = Some(out.stdout),
                Some(f) => assert_bytes_eq(&out.stdout, f, &format!("{name} with {path:?}")),
            }
        }
        for path in PIPE_PATHS {
            let mut c = cmd(&dir);
            c.args(&args).args(*path).args(LONG_QUIET).arg("-");
            let out = run_with_stdin(c, &input);
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let f = first.as_ref().unwrap();
            assert_bytes_eq(
                &out.stdout,
                f,
                &format!("{name} through a pipe with {path:?}"),
            );
        }
        let got = first.unwrap();
        if !args.iter().any(|a| a == "--explain" || a == "--keep-first") {
            // Records cut as the case's run cut them.
            let record_start = args
                .iter()
                .position(|a| a == "--record-start")
                .map(|i| regex::bytes::Regex::new(&args[i + 1]).unwrap());
            let max_line = resetsquash::Config::default().max_line;
            let records = resetsquash::record::split_records_starting(
                &input,
                record_start.as_ref(),
                max_line,
            );
            check_invariants_cut(&input, &got, &records);
        }
        let expected = dir.join("expected.log");
        if bless {
            std::fs::write(&expected, &got).unwrap();
        } else {
            let want = std::fs::read(&expected).unwrap_or_else(|_| {
                panic!("{name}: no expected.log (run with RESETSQUASH_BLESS=1)")
            });
            assert_bytes_eq(&got, &want, &name);
        }
    }
    assert!(n > 0, "no cases found");
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
        for line in out.stdout.split(|&b| b == b'\n') {
            let Some(t) = summary_time(line) else {
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
