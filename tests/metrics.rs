//! `--metrics FILE` and `report --format prometheus`: the counts of real logs as Prometheus
//! series, added to across runs, never written over a file that is not ours.
//!
//! Prometheus, node_exporter and promtool themselves read these files in
//! `tests/e2e/prometheus.sh`; here the files are read as the text format says.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{cmd, gzip, stdout_of, testdata};

/// The series of a file in the text format: `name{labels}` → value; comments skipped.
fn series(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (name, value) = l.rsplit_once(' ').expect("a sample has a value");
            (name.to_string(), value.parse().expect("whole numbers"))
        })
        .collect()
}

/// The series of a `--metrics` file, each checked to name the file as its first label
/// (`textfile`, which keeps two files of one collector from holding the same series), and shown
/// without it.
fn read_series(path: &Path) -> BTreeMap<String, u64> {
    let name = path.file_name().unwrap().to_str().unwrap();
    let label = format!("textfile=\"{name}\"");
    series(&std::fs::read_to_string(path).unwrap())
        .into_iter()
        .map(|(k, v)| {
            let (family, labels) = k
                .split_once('{')
                .unwrap_or_else(|| panic!("{k} has no labels"));
            let rest = labels
                .strip_prefix(&label)
                .unwrap_or_else(|| panic!("{k} does not start with {label}"));
            let k = match rest.strip_prefix(',') {
                Some(others) => format!("{family}{{{others}"),
                None => family.to_string(),
            };
            (k, v)
        })
        .collect()
}

/// Without the gauge that holds the wall-clock time of the write.
fn counts(mut s: BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    s.retain(|k, _| !k.starts_with("resetsquash_last_write_timestamp_seconds"));
    s
}

/// The counts `--stats` prints for `log`: records, squashed, per rule.
fn stats_of(log: &Path) -> (u64, u64) {
    let out = cmd(Path::new("."))
        .arg("--stats")
        .arg(log)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stderr).unwrap();
    // resetsquash: 432 records, 351 squashed into 12 summary lines, 0 unsquashable
    let words: Vec<&str> = text.split_whitespace().collect();
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

#[test]
fn a_run_writes_its_counts_and_the_next_run_adds_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("corpus/tomcat10/catalina.out");
    let prom = dir.path().join("resetsquash.prom");
    let run = || {
        let out = cmd(dir.path())
            .arg("--metrics")
            .arg(&prom)
            .arg(&log)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run();
    let (records, squashed) = stats_of(&log);
    let first = read_series(&prom);
    let get = |s: &BTreeMap<String, u64>, k: &str| {
        *s.get(k).unwrap_or_else(|| panic!("no {k} in {s:#?}"))
    };
    let outcome = |s: &BTreeMap<String, u64>, o: &str| {
        get(
            s,
            &format!("resetsquash_records_total{{log=\"catalina\",outcome=\"{o}\"}}"),
        )
    };
    assert_eq!(outcome(&first, "squashed"), squashed);
    let all: u64 = first
        .iter()
        .filter(|(k, _)| k.starts_with("resetsquash_records_total{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(all, records, "the outcomes add up to every record");
    assert!(
        outcome(&first, "lookalike_kept") > 0,
        "the corpus has outbound look-alikes"
    );
    let by_kind: u64 = first
        .iter()
        .filter(|(k, _)| k.starts_with("resetsquash_client_aborts_total{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(by_kind, squashed, "every squashed record has one kind");
    assert_eq!(get(&first, "resetsquash_rules_loaded"), 27);
    let written = get(
        &first,
        "resetsquash_last_write_timestamp_seconds{log=\"catalina\"}",
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        written <= now && written + 600 > now,
        "{written} is not now ({now})"
    );

    run();
    let second = counts(read_series(&prom));
    for (k, v) in counts(first) {
        if k.starts_with("resetsquash_rules_loaded") {
            continue;
        }
        assert_eq!(second[&k], 2 * v, "{k}: added to, once");
    }
    let text = std::fs::read_to_string(&prom).unwrap();
    assert!(
        text.lines()
            .all(|l| l.starts_with('#') || l.split(' ').count() == 2),
        "no sample has a timestamp (the collector would drop the file):\n{text}"
    );
}

#[test]
fn threads_and_buffer_sizes_count_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("corpus/nginx/error.log");
    let mut seen = Vec::new();
    for args in [
        &["-j1"][..],
        &["-j2", "--chunk-size", "4096"],
        &["-j1", "--buffer-size", "7"],
    ] {
        let prom = dir.path().join(format!("m{}.prom", seen.len()));
        let out = cmd(dir.path())
            .args(args)
            .arg("--metrics")
            .arg(&prom)
            .arg(&log)
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        seen.push((args, counts(read_series(&prom))));
    }
    for (args, s) in &seen[1..] {
        assert_eq!(s, &seen[0].1, "{args:?}");
    }
}

#[test]
fn a_pipe_writes_its_counts_while_it_runs_and_a_restart_adds_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::read(testdata("corpus/tomcat10/catalina.out")).unwrap();
    let prom = dir.path().join("app.prom");
    // Not there before the first write: the file appears whole, by a rename.
    let squashed_of = |prom: &Path| {
        prom.exists().then_some(())?;
        read_series(prom)
            .get("resetsquash_records_total{log=\"app\",outcome=\"squashed\"}")
            .copied()
    };
    let (_, want) = stats_of(&testdata("corpus/tomcat10/catalina.out"));
    for round in 1..=2 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_resetsquash"))
            .current_dir(dir.path())
            .args([
                "--metrics",
                "app.prom",
                "--metrics-every",
                "1s",
                "-o",
                "app.log",
            ])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&log).unwrap();
        stdin.flush().unwrap();
        // The pipe stays open: the counts come from the periodic write. The last record may
        // still be held, waiting for its end; all before it is counted.
        let deadline = Instant::now() + Duration::from_secs(20);
        let before = (round - 1) * want;
        while squashed_of(&prom).is_none_or(|n| n < before + want - 1) {
            assert!(Instant::now() < deadline, "no periodic write of the counts");
            std::thread::sleep(Duration::from_millis(100));
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(squashed_of(&prom), Some(round * want), "round {round}");
    }
}

#[test]
fn in_place_counts_each_file_under_its_own_name_once_it_is_squashed() {
    let dir = tempfile::tempdir().unwrap();
    let tomcat = std::fs::read(testdata("corpus/tomcat10/catalina.out")).unwrap();
    let nginx = std::fs::read(testdata("corpus/nginx/error.log")).unwrap();
    std::fs::write(dir.path().join("catalina.out.1"), &tomcat).unwrap();
    std::fs::write(dir.path().join("error.log.2.gz"), gzip(&nginx)).unwrap();
    let out = cmd(dir.path())
        .args([
            "--metrics",
            "m.prom",
            "--in-place",
            "catalina.out.1",
            "error.log.2.gz",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = read_series(&dir.path().join("m.prom"));
    let squashed =
        |log: &str| s[&format!("resetsquash_records_total{{log=\"{log}\",outcome=\"squashed\"}}")];
    assert_eq!(
        squashed("catalina"),
        stats_of(&testdata("corpus/tomcat10/catalina.out")).1
    );
    assert_eq!(
        squashed("error"),
        stats_of(&testdata("corpus/nginx/error.log")).1
    );
}

#[test]
fn a_file_that_is_not_ours_is_left_alone_and_so_are_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = "# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.5\n";
    std::fs::write(dir.path().join("other.prom"), foreign).unwrap();
    let log = std::fs::read(testdata("corpus/tomcat10/catalina.out")).unwrap();
    std::fs::write(dir.path().join("catalina.out.1"), &log).unwrap();
    let out = cmd(dir.path())
        .args(["--metrics", "other.prom", "--in-place", "catalina.out.1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("other.prom") && err.contains("not written by resetsquash"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.prom")).unwrap(),
        foreign
    );
    assert_eq!(
        std::fs::read(dir.path().join("catalina.out.1")).unwrap(),
        log,
        "not squashed"
    );

    // In front of a server, the log matters more: told, and squashed without metrics.
    let mut c = cmd(dir.path());
    c.args(["--metrics", "other.prom"]);
    let out = crate::util::run_with_stdin(c, &log);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("without writing metrics"));
    assert!(out.stdout.len() < log.len() / 4, "squashed all the same");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.prom")).unwrap(),
        foreign
    );
}

#[test]
fn twenty_thousand_distinct_abort_groups_are_a_handful_of_series() {
    // Every abort with a message of its own: one group each, and still one series per kind.
    let mut log = Vec::new();
    for i in 0..20_000 {
        log.extend_from_slice(
            format!(
                "24-Nov-2026 10:00:{:02}.000 SEVERE [http-nio-8080-exec-1] \
                 org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for \
                 servlet [s] threw exception\norg.apache.catalina.connector.ClientAbortException: \
                 java.io.IOException: Connection reset by peer {i}\n\tat \
                 org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:340)\n",
                i % 60
            )
            .as_bytes(),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut c = cmd(dir.path());
    c.args(["--metrics", "m.prom", "--metrics-log", "shop"]);
    let out = crate::util::run_with_stdin(c, &log);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = read_series(&dir.path().join("m.prom"));
    assert!(s.len() <= 12, "{s:#?}");
    let aborts: u64 = s
        .iter()
        .filter(|(k, _)| k.starts_with("resetsquash_client_aborts_total{log=\"shop\""))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(aborts, 20_000);
}

#[test]
fn a_log_name_that_is_a_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .args(["--metrics", "m.prom", "--metrics-log", "/var/log/app.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never a path"));
    assert!(!dir.path().join("m.prom").exists());
}

#[test]
fn the_report_counts_a_log_the_same_raw_and_squashed_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let raw = testdata("corpus/tomcat10/catalina.out");
    let squashed = dir.path().join("catalina.out");
    std::fs::write(&squashed, stdout_of(cmd(dir.path()).arg(&raw))).unwrap();
    let report = |args: &[&Path]| {
        let text = stdout_of(
            cmd(dir.path())
                .args(["report", "--format", "prometheus"])
                .args(args),
        );
        String::from_utf8(text).unwrap()
    };
    let from_raw = report(&[&raw]);
    assert_eq!(
        from_raw,
        report(&[&squashed]),
        "report(raw) = report(squash(raw))"
    );
    let s = series(&from_raw);
    let (records, aborts) = stats_of(&raw);
    assert_eq!(
        s["resetsquash_report_records{log=\"catalina\",outcome=\"squashed\"}"],
        aborts
    );
    let all: u64 = s
        .iter()
        .filter(|(k, _)| k.starts_with("resetsquash_report_records{"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(all, records);

    // Merged: a prometheus report and a JSON report of the same log count it twice.
    std::fs::write(dir.path().join("a.prom"), &from_raw).unwrap();
    let json = stdout_of(
        cmd(dir.path())
            .args(["report", "--format", "json"])
            .arg(&raw),
    );
    std::fs::write(dir.path().join("b.json"), json).unwrap();
    let merged = stdout_of(cmd(dir.path()).args([
        "report",
        "--merge",
        "--format",
        "prometheus",
        "a.prom",
        "b.json",
    ]));
    for (k, v) in series(&String::from_utf8(merged).unwrap()) {
        assert_eq!(v, 2 * s[&k], "{k}");
    }
    let out = cmd(dir.path())
        .args(["report", "--merge", "a.prom"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format prometheus"));
}
