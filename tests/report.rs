//! `resetsquash report`: what it counts, that a squashed log reports the same as the original,
//! that reports merge, and what each format looks like (snapshots in `testdata/reports/`).
//!
//! To rewrite the snapshots after a deliberate change, run the tests with
//! `RESETSQUASH_BLESS=1`, then read the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{cmd, genlog, stdout_of, stdout_with_stdin, testdata};

/// The real corpus files (full copies of logs real servers wrote; see `testdata/README.md`).
fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(testdata("corpus")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                files.push(f.unwrap().path());
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "the corpus copies are missing");
    files
}

fn report_json(args: &[&str], input: Option<&[u8]>) -> Value {
    let mut c = cmd(Path::new("."));
    c.arg("report").arg("--format").arg("json").args(args);
    let out = match input {
        Some(bytes) => stdout_with_stdin(c, bytes),
        None => stdout_of(&mut c),
    };
    serde_json::from_slice(&out).expect("the JSON report parses")
}

fn squash(args: &[&str], input: &Path) -> Vec<u8> {
    stdout_of(cmd(Path::new(".")).args(args).arg(input))
}

/// What must be the same in the report of a log and of its squashed copy.
const SAME: [&str; 10] = [
    "lines",
    "bytes",
    "squashed",
    "squashed_lines",
    "squashed_bytes",
    "rules",
    "groups",
    "untimed",
    "first",
    "last",
];

/// The timeline summed into buckets of `by` seconds (the JSON has minutes).
fn timeline(r: &Value, by: i64) -> Vec<(i64, u64)> {
    let mut sums = std::collections::BTreeMap::new();
    for (minute, n) in r["timeline"].as_object().unwrap() {
        let m = resetsquash::report::parse_minute(minute).expect("a minute key");
        *sums.entry(m.div_euclid(by) * by).or_insert(0) += n.as_u64().unwrap();
    }
    sums.into_iter().collect()
}

/// The largest `n` entries of a top list, largest first, ties by value (as the report shows
/// them), and the list's total.
fn top(r: &Value, list: &str, n: usize) -> (Vec<(String, u64)>, u64) {
    let t = &r["where"][list];
    let mut v: Vec<(String, u64)> = t["counts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, c)| (k.clone(), c.as_u64().unwrap()))
        .collect();
    let total = v.iter().map(|e| e.1).sum::<u64>() + t["other"].as_u64().unwrap();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    (v, total)
}

/// What a summary line gives back: the kinds exactly, each "where" list's total exactly, and
/// (on these logs) the same ten largest entries of each list.
#[track_caller]
fn assert_same_where_and_kinds(raw: &Value, squashed: &Value, what: &str) {
    assert_eq!(raw["kinds"], squashed["kinds"], "{what}: `kinds` differs");
    assert_eq!(
        raw["where"]["located"], squashed["where"]["located"],
        "{what}: located"
    );
    for list in ["endpoints", "clients", "frames", "threads"] {
        assert_eq!(
            top(raw, list, 10),
            top(squashed, list, 10),
            "{what}: the top 10 {list} and their total"
        );
    }
}

/// Where a squashed log has more distinct values than a summary line lists (generated logs
/// with random clients): kinds and totals are still exact, and every count is a lower bound.
#[track_caller]
fn assert_exact_kinds_and_bounded_where(raw: &Value, squashed: &Value, what: &str) {
    assert_eq!(raw["kinds"], squashed["kinds"], "{what}: `kinds` differs");
    for list in ["endpoints", "clients", "frames", "threads"] {
        assert_eq!(
            top(raw, list, 0).1,
            top(squashed, list, 0).1,
            "{what}: the total of {list}"
        );
        let counts = raw["where"][list]["counts"].as_object().unwrap();
        for (value, n) in squashed["where"][list]["counts"].as_object().unwrap() {
            assert!(
                n.as_u64() <= counts.get(value).and_then(Value::as_u64),
                "{what}: {list} `{value}`: {n} is more than the log has"
            );
        }
    }
}

#[track_caller]
fn assert_same_report(raw: &Value, squashed: &Value, window: i64, what: &str) {
    for key in SAME {
        assert_eq!(raw[key], squashed[key], "{what}: `{key}` differs");
    }
    for by in [60, 3600, 86_400] {
        if by >= window {
            assert_eq!(
                timeline(raw, by),
                timeline(squashed, by),
                "{what}: timeline per {by} s"
            );
        }
    }
}

#[test]
fn a_squashed_log_reports_the_same_totals_rules_groups_timeline_kinds_and_where_as_the_original() {
    for file in corpus() {
        let name = file.display().to_string();
        let raw = report_json(&[&name], None);
        for (window, flag) in [(60, "1m"), (10, "10s"), (3600, "1h")] {
            let squashed_log = squash(&["--window", flag], &file);
            let squashed = report_json(&[], Some(&squashed_log));
            if name.ends_with("env-LANG-zh_CN.log") {
                // Two threads interleaved here: a "Write to client … failed:" line was cut
                // off from its trace by another thread's records. Squashing removes those
                // records, the line and its trace meet again, and the report of the squashed
                // log finds one more client abort: exactly that record.
                let mut raw = raw.clone();
                let rule = "jdk-serversocket-client-write";
                let n = raw["rules"][rule]["records"].as_u64().unwrap();
                assert_eq!(squashed["rules"][rule]["records"].as_u64(), Some(n + 1));
                assert_eq!(
                    squashed["squashed"].as_u64().unwrap(),
                    raw["squashed"].as_u64().unwrap() + 1
                );
                raw["squashed"] = squashed["squashed"].clone();
                assert_eq!(raw["lines"], squashed["lines"]);
                assert_eq!(raw["bytes"], squashed["bytes"]);
                continue;
            }
            let what = format!("{name} --window {flag}");
            assert_same_report(&raw, &squashed, window, &what);
            // A summary line lists at most 10 values of each list: where a log has more (the
            // lab's Tomcat over h2c spreads its aborts over 20 exec threads), its counts come
            // back as lower bounds, their totals exact.
            let listed = ["endpoints", "clients", "frames", "threads"]
                .iter()
                .all(|l| {
                    raw["where"][l]["counts"]
                        .as_object()
                        .is_none_or(|c| c.len() <= 10)
                });
            if listed {
                assert_same_where_and_kinds(&raw, &squashed, &what);
            } else {
                assert_exact_kinds_and_bounded_where(&raw, &squashed, &what);
            }
            assert_eq!(
                squashed["where"]["from_summaries"], raw["squashed"],
                "{name}: every \"where\" came back from a summary line"
            );
            assert_eq!(
                squashed["from_summaries"], raw["squashed"],
                "{name}: every abort came back from a summary line"
            );
        }
    }
}

/// JSON-lines logs of every profile (the case files, and the real writers' captures): the
/// summaries are records of the log's own writer, and `report` reads them back as it reads a
/// plain summary line.
#[test]
fn a_squashed_json_lines_log_reports_the_same_as_the_original_in_every_profile() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("json-")
        })
        .map(|p| p.join("input.log"))
        .collect();
    for writer in [
        "node/pino.log",
        "node/bunyan.log",
        "python/python-json.log",
        "python/structlog.log",
    ] {
        files.push(testdata("json").join(writer));
    }
    files.sort();
    assert!(files.len() >= 18, "the JSON-lines case files are missing");
    for file in files {
        let name = file.display().to_string();
        let raw = report_json(&[&name], None);
        assert!(
            raw["squashed"].as_u64().unwrap() > 0,
            "{name}: nothing to squash"
        );
        for (window, flag) in [(60, "1m"), (1, "1s")] {
            let squashed_log = squash(&["--window", flag], &file);
            let squashed = report_json(&[], Some(&squashed_log));
            let what = format!("{name} --window {flag}");
            assert_same_report(&raw, &squashed, window, &what);
            assert_same_where_and_kinds(&raw, &squashed, &what);
            assert_eq!(
                squashed["from_summaries"], raw["squashed"],
                "{what}: every abort came back from a summary record"
            );
        }
    }
}

/// Squash first, report later: the logrotate recipe's own output (a squashed, gzipped
/// `catalina.out.1.gz`) reports the same kinds and "where" as the log did, and says so.
#[test]
fn the_daily_report_of_a_squashed_gzipped_log_says_where_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("corpus/tomcat10/catalina.out");
    let gz = dir.path().join("catalina.out.1.gz");
    let out = stdout_of(
        cmd(dir.path())
            .arg("--gzip")
            .stdin(std::fs::File::open(&log).unwrap()),
    );
    std::fs::write(&gz, &out).unwrap();
    let text = |path: &Path| {
        String::from_utf8(stdout_of(cmd(dir.path()).arg("report").arg(path))).unwrap()
    };
    let (raw, squashed) = (text(&log), text(&gz));
    let kinds = "Kinds: 212 resets (ECONNRESET), 102 broken pipes (EPIPE; 0 while sending a \
                 download), 0 Windows aborts (10053), 37 other (the client closed first, EOF).\n";
    assert!(raw.contains(kinds), "{raw}");
    assert!(squashed.contains(kinds), "{squashed}");
    assert!(
        raw.contains("\nWhere, from all 351 squashed records\n"),
        "{raw}"
    );
    assert!(
        squashed.contains(
            "\nWhere, from all 351 squashed records; 351 of them from summary lines, which list \
             each group's most frequent values: a count is at least the one shown\n"
        ),
        "{squashed}"
    );
    let lists = |r: &str| {
        let at = r.find("\nWhere, ").unwrap();
        let from = at + r[at + 1..].find('\n').unwrap() + 1;
        r[from..r.find("\nKinds: ").unwrap()].to_string()
    };
    assert!(lists(&raw).contains("      270  realogs.StreamServlet.doGet\n"));
    assert_eq!(
        lists(&raw),
        lists(&squashed),
        "the same lists, line for line"
    );
}

/// Reports of an older resetsquash (version 1, before `where.from_summaries`) still merge.
#[test]
fn merge_reads_version_1_reports() {
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("cases/nginx-error/input.log");
    let v2 = report_json(&[log.to_str().unwrap()], None);
    let mut v1 = v2.clone();
    v1["version"] = 1.into();
    v1["where"]
        .as_object_mut()
        .unwrap()
        .remove("from_summaries");
    let path = dir.path().join("old.json");
    std::fs::write(&path, serde_json::to_vec(&v1).unwrap()).unwrap();
    let merged = report_json(&["--merge", path.to_str().unwrap()], None);
    assert_eq!(merged["version"], 2);
    assert_eq!(merged, v2, "a version 1 report merges as it was");
}

#[test]
fn generated_logs_in_every_format_report_the_same_after_squashing_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    for (format, seed) in [
        ("mixed", "7"),
        ("springboot", "8"),
        ("nginx", "9"),
        ("python", "10"),
    ] {
        let log = dir.path().join(format!("{format}.log"));
        let out = stdout_of(
            Command::new(genlog()).args(["--size", "3M", "--seed", seed, "--format", format]),
        );
        std::fs::write(&log, &out).unwrap();
        let raw = report_json(&[log.to_str().unwrap()], None);
        assert!(
            raw["squashed"].as_u64().unwrap() > 100,
            "{format}: aborts were generated"
        );
        let squashed = report_json(&[], Some(&squash(&[], &log)));
        assert_same_report(&raw, &squashed, 60, format);
        assert_exact_kinds_and_bounded_where(&raw, &squashed, format);
        // gzip is read by content, under any name.
        let gz = dir.path().join(format!("{format}.1"));
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("gzip -c {} > {}", log.display(), gz.display()))
            .status()
            .expect("gzip must be installed (scripts/test installs it)");
        assert!(status.success());
        let zipped = report_json(&[gz.to_str().unwrap()], None);
        for key in SAME {
            assert_eq!(raw[key], zipped[key], "{format}.gz: `{key}`");
        }
    }
}

#[test]
fn reports_merge_associatively_and_as_if_the_logs_were_read_together() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = corpus()
        .into_iter()
        .filter(|f| !f.ends_with("wsgiref.log"))
        .take(3)
        .map(|f| f.display().to_string())
        .collect();
    let json = |args: &[&str], name: &str| -> PathBuf {
        let v = report_json(args, None);
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
        p
    };
    let a = json(&[&files[0]], "a.json");
    let b = json(&[&files[1]], "b.json");
    let c = json(&[&files[2]], "c.json");
    let s = |p: &Path| p.display().to_string();
    let ab = json(&["--merge", &s(&a), &s(&b)], "ab.json");
    let bc = json(&["--merge", &s(&b), &s(&c)], "bc.json");
    let left = report_json(&["--merge", &s(&ab), &s(&c)], None);
    let right = report_json(&["--merge", &s(&a), &s(&bc)], None);
    assert_eq!(left, right, "(a+b)+c == a+(b+c)");
    let together = report_json(&[&files[0], &files[1], &files[2]], None);
    assert_eq!(
        left, together,
        "merged reports == one report over all three logs"
    );
    assert_eq!(
        left["squashed"].as_u64().unwrap(),
        ["a.json", "b.json", "c.json"]
            .iter()
            .map(|n| {
                let v: Value =
                    serde_json::from_slice(&std::fs::read(dir.path().join(n)).unwrap()).unwrap();
                v["squashed"].as_u64().unwrap()
            })
            .sum::<u64>()
    );
}

#[test]
fn merge_refuses_what_is_not_a_report_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("host1.json");
    std::fs::write(&bad, b"{\"squashed\": 3}").unwrap();
    let out = cmd(dir.path())
        .args(["report", "--merge", "host1.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("host1.json") && err.contains("not a resetsquash report"),
        "{err}"
    );
    std::fs::write(
        &bad,
        b"{\"schema\": \"resetsquash-report\", \"version\": 9}",
    )
    .unwrap();
    let out = cmd(dir.path())
        .args(["report", "--merge", "host1.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("version 9"));
}

#[test]
fn the_report_counts_what_it_says_on_real_tomcat_and_nginx_logs() {
    let tomcat = report_json(
        &[testdata("corpus/tomcat10/localhost.2026-11-24.log")
            .to_str()
            .unwrap()],
        None,
    );
    // The corpus README's figures for this file: 263 + 86 aborts; the outbound resets kept.
    assert_eq!(tomcat["squashed"], 349);
    assert_eq!(tomcat["rules"]["tomcat-client-abort"]["records"], 263);
    assert_eq!(tomcat["rules"]["tomcat-socket-io-error"]["records"], 86);
    assert_eq!(
        tomcat["where"]["frames"]["counts"]["realogs.StreamServlet.doGet"],
        349
    );
    assert!(
        tomcat["lookalikes"]["tomcat-socket-io-error"]["records"]
            .as_u64()
            .unwrap()
            > 0
    );
    let kinds = &tomcat["kinds"];
    assert_eq!(
        kinds["resets"].as_u64().unwrap() + kinds["broken_pipes"].as_u64().unwrap(),
        349
    );
    // Genuine errors left as noise, but with no draft to hide them: refusals, NPEs.
    let noise = tomcat["noise"].as_array().unwrap();
    let refused = noise
        .iter()
        .find(|c| c["chain"].as_str().unwrap().contains("Connection refused"))
        .expect("the refused connects are listed as noise");
    assert_eq!(refused["draft"], "");

    let nginx = report_json(
        &[testdata("corpus/nginx/error.log").to_str().unwrap()],
        None,
    );
    assert_eq!(nginx["squashed"], 625);
    assert!(
        nginx["where"]["clients"]["counts"]["127.0.0.1"]
            .as_u64()
            .unwrap()
            > 0
    );
    let endpoints = nginx["where"]["endpoints"]["counts"].as_object().unwrap();
    assert!(
        endpoints
            .keys()
            .all(|e| e.starts_with("GET /") || e.starts_with("POST /"))
    );
}

/// One-line records repeat too: nginx's error log holds 149 `closed keepalive connection`
/// lines, 57 `open() failed`, 12 refused and 11 timed-out upstream connections. Each is a
/// cluster with its count, numbers and paths folded; the refusals, timeouts and other genuine
/// errors are listed, never drafted.
#[test]
fn repeated_one_line_records_are_clustered_on_the_real_nginx_log() {
    let nginx = report_json(
        &[testdata("corpus/nginx/error.log").to_str().unwrap()],
        None,
    );
    let noise = nginx["noise"].as_array().unwrap();
    let cluster = |wording: &str| {
        let found: Vec<&Value> = noise
            .iter()
            .filter(|c| c["chain"].as_str().unwrap().contains(wording))
            .collect();
        assert_eq!(found.len(), 1, "one cluster of `{wording}`: {found:#?}");
        found[0]
    };
    for (wording, records) in [
        ("closed keepalive connection", 149),
        ("open() \"/…\" failed (#: No such file or directory)", 57),
        (
            "connect() failed (#: Connection refused) while connecting to upstream",
            12,
        ),
        ("upstream timed out (#: Connection timed out)", 11),
    ] {
        let c = cluster(wording);
        assert_eq!(c["records"], records, "{wording}");
        assert_eq!(c["draft"], "", "{wording}: listed, never drafted");
    }
    let text = cmd(Path::new("."))
        .arg("report")
        .arg(testdata("corpus/nginx/error.log"))
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(
            "records, 13.2 KiB: [info] ###: *# client #.#.#.# closed keepalive connection\n"
        ),
        "{text}"
    );
    // An access log's lines are the log itself: never a cluster of noise.
    let python = report_json(
        &[testdata("corpus/python/http.server.log").to_str().unwrap()],
        None,
    );
    for c in python["noise"].as_array().unwrap() {
        let chain = c["chain"].as_str().unwrap();
        assert!(!chain.contains(" HTTP/#.#\" #"), "{chain}");
    }
}

/// However many kinds of one-line message come first, the exceptions after them are still
/// clustered: one-line clusters have their own share of the cap.
#[test]
fn one_line_clusters_never_crowd_out_the_exceptions_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    let letters = |mut i: usize| -> String {
        let mut w = String::new();
        for _ in 0..3 {
            w.push(char::from(b'a' + (i % 26) as u8));
            i /= 26;
        }
        w
    };
    for i in 0..2000 {
        let line = format!(
            "24-Nov-2026 15:30:00.000 INFO [main] org.example.Setup.run step {} done\n",
            letters(i)
        );
        log.extend_from_slice(line.as_bytes());
        log.extend_from_slice(line.as_bytes());
    }
    log.extend(std::fs::read(testdata("corpus/tomcat10/localhost.2026-11-24.log")).unwrap());
    let path = dir.path().join("mixed.log");
    std::fs::write(&path, &log).unwrap();
    let r = report_json(&[path.to_str().unwrap()], None);
    let refused = r["noise"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chain"] == "ConnectException: Connection refused")
        .expect("the refused connects are still a cluster");
    assert_eq!(refused["records"], 23);
    assert!(
        r["noise_other"]["records"].as_u64().unwrap() > 0,
        "the cap was reached"
    );
}

#[test]
fn syslog_message_repeated_counts_as_more_of_the_record_before() {
    let dir = tempfile::tempdir().unwrap();
    // nginx logging through syslog (error_log syslog:server=…), as rsyslog writes it: the
    // built-in rule reads nginx's own text after the syslog prefix.
    let log = "Nov 24 15:48:48 web1 nginx: 2026/11/24 15:48:48 [info] 20761#20761: *15 client prematurely closed connection, client: 10.0.0.7, server: localhost, request: \"GET /video.mp4 HTTP/1.1\", host: \"localhost\"\n\
               Nov 24 15:48:49 web1 nginx: message repeated 4 times: [ 2026/11/24 15:48:48 [info] 20761#20761: *15 client prematurely closed connection, client: 10.0.0.7, server: localhost, request: \"GET /video.mp4 HTTP/1.1\", host: \"localhost\"]\n\
               Nov 24 15:48:50 web1 sshd[99]: Accepted publickey for deploy\n";
    std::fs::write(dir.path().join("syslog"), log).unwrap();
    let out = stdout_of(cmd(dir.path()).args(["report", "--format", "json", "syslog"]));
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["squashed"], 5);
    assert_eq!(r["repeated"], 4);
    assert_eq!(r["rules"]["nginx-client-abort"]["records"], 5);
}

#[test]
fn a_progress_bar_is_drawn_on_a_terminal_and_never_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("big.log");
    let out = Command::new(genlog())
        .args(["--size", "40M", "--seed", "3"])
        .output()
        .unwrap();
    std::fs::write(&log, &out.stdout).unwrap();
    // A pipe: nothing on standard error.
    let piped = cmd(dir.path())
        .args(["report", "big.log"])
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    // A real terminal, from util-linux's `script`: standard error is its pty.
    let bin = env!("CARGO_BIN_EXE_resetsquash");
    let tty = Command::new("script")
        .current_dir(dir.path())
        .args([
            "-qec",
            &format!("{bin} report big.log >/dev/null"),
            "/dev/null",
        ])
        .output()
        .expect("script (util-linux) must be installed");
    assert!(tty.status.success());
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(
        screen.contains("%") && screen.contains("] "),
        "no progress bar: {screen:?}"
    );
    assert!(screen.contains(" of 40.0 MiB"), "{screen:?}");
}

/// Rule ids differ in length (`tomcat-client-abort`, `tomcat-socket-io-error`): the groups
/// start in one column in text, and the markdown table's cells line up in its source.
#[test]
fn the_by_group_columns_line_up_in_text_and_markdown() {
    let log = testdata("corpus/tomcat10/localhost.2026-11-24.log");
    let report = |format: &str| {
        let out = stdout_of(
            cmd(Path::new("."))
                .args(["report", "--format", format])
                .arg(&log),
        );
        String::from_utf8(out).unwrap()
    };
    let text = report("text");
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "By group, largest first")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let rules: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r.split_whitespace().nth(1).unwrap())
        .collect();
    assert!(rules.len() >= 2, "rule ids of different lengths: {rules:?}");
    let group_column = |row: &str| {
        let rule = row.split_whitespace().nth(1).unwrap();
        let after = row.find(rule).unwrap() + rule.len();
        after + row[after..].len() - row[after..].trim_start().len()
    };
    let columns: Vec<usize> = rows.iter().map(|r| group_column(r)).collect();
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "groups start in one column:\n{}",
        rows.join("\n")
    );
    let markdown = report("markdown");
    let table: Vec<&str> = markdown
        .lines()
        .skip_while(|l| *l != "## By group")
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 3);
    let pipes = |row: &str| -> Vec<usize> {
        row.char_indices()
            .filter(|c| c.1 == '|')
            .map(|c| c.0)
            .take(3)
            .collect()
    };
    assert!(
        table.iter().all(|r| pipes(r) == pipes(table[0])),
        "the cells line up:\n{}",
        table.join("\n")
    );
}

/// The snapshot cases: a real corpus excerpt each (the case inputs of `testdata/cases/`).
const SNAPSHOTS: [(&str, &[&str]); 3] = [
    ("tomcat-localhost-root-cause", &["--by", "minute"]),
    ("nginx-error", &["--by", "hour"]),
    ("python-stream-server", &["--by", "minute"]),
];

#[test]
fn every_format_matches_its_snapshot() {
    let bless = std::env::var_os("RESETSQUASH_BLESS").is_some();
    for (case, args) in SNAPSHOTS {
        let input = testdata(&format!("cases/{case}/input.log"));
        for (format, ext) in [
            ("text", "txt"),
            ("markdown", "md"),
            ("json", "json"),
            ("html", "html"),
        ] {
            let out = cmd(&testdata(&format!("cases/{case}")))
                .args(["report", "--format", format])
                .args(args)
                .arg("input.log")
                .output()
                .unwrap();
            assert!(out.status.success(), "{case} {format}");
            let snap = testdata(&format!("reports/{case}.{ext}"));
            if bless {
                std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
                std::fs::write(&snap, &out.stdout).unwrap();
                continue;
            }
            let want = std::fs::read(&snap)
                .unwrap_or_else(|_| panic!("{} is missing: bless it", snap.display()));
            crate::util::assert_bytes_eq(&out.stdout, &want, &format!("{case} as {format}"));
        }
        assert!(input.exists());
    }
}

/// Chromium, headless, as the HTML report's reader: a screenshot of the page.
fn screenshot(html: &Path, png: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium must be installed (scripts/test installs Debian's chromium)");
    assert!(
        png.exists(),
        "chromium made no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Pixels of the chart's bar colour, per row, in a PNG screenshot.
fn bar_pixels(png: &Path) -> (usize, Vec<Vec<bool>>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    // #d9480f
    let is_bar = |p: &[u8]| {
        (p[0] as i32 - 0xd9).abs() < 8
            && (p[1] as i32 - 0x48).abs() < 8
            && (p[2] as i32 - 0x0f).abs() < 8
    };
    let rows: Vec<Vec<bool>> = (0..h)
        .map(|y| {
            (0..w)
                .map(|x| is_bar(&buf[(y * w + x) * channels..(y * w + x) * channels + 3]))
                .collect()
        })
        .collect();
    let count = rows.iter().flatten().filter(|&&b| b).count();
    (count, rows)
}

#[test]
fn the_html_report_draws_its_chart_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("corpus/tomcat10/localhost.2026-11-24.log");
    let html = dir.path().join("aborts.html");
    let out = stdout_of(
        cmd(dir.path())
            .args(["report", "--format", "html", "--by", "minute"])
            .arg(&log),
    );
    let page = String::from_utf8(out).unwrap();
    // Self-contained: no script, nothing fetched (the SVG namespace is a name, not a fetch).
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !without_ns.contains("http://")
            && !without_ns.contains("https://")
            && !page.contains("url("),
        "no address in the page"
    );
    assert!(
        !page.contains("<script") && !page.contains("src="),
        "nothing fetched"
    );
    std::fs::write(&html, &page).unwrap();
    let png = dir.path().join("aborts.png");
    screenshot(&html, &png);
    let (count, rows) = bar_pixels(&png);
    // The log's aborts fall in three minutes (15:35 to 15:37): three bars, side by side.
    let bottom = rows
        .iter()
        .rposition(|r| r.iter().filter(|&&b| b).count() > 20)
        .expect("bars drawn");
    let row = &rows[bottom - 1];
    let runs = row.windows(2).filter(|w| !w[0] && w[1]).count() + usize::from(row[0]);
    assert_eq!(runs, 3, "one bar per minute with aborts");
    assert!(count > 20_000, "the bars cover a real area: {count} pixels");

    // A log with no aborts draws no bars.
    let quiet = dir.path().join("quiet.html");
    let out = cmd(dir.path())
        .args(["report", "--format", "html"])
        .arg(testdata("corpus/python/wsgiref.log"))
        .output()
        .unwrap();
    std::fs::write(&quiet, out.stdout).unwrap();
    let png = dir.path().join("quiet.png");
    screenshot(&quiet, &png);
    let (quiet_count, _) = bar_pixels(&png);
    assert!(
        quiet_count < 2_000,
        "no chart without aborts: {quiet_count} pixels"
    );
}

#[test]
fn a_rule_draft_from_the_noise_passes_rules_check_and_squashes_its_cluster() {
    // Without the built-in rules, Tomcat's client aborts are noise no rule squashed.
    let dir = tempfile::tempdir().unwrap();
    let log = testdata("cases/tomcat-catalina-out/input.log");
    let r = report_json(&["--no-default-rules", log.to_str().unwrap()], None);
    assert_eq!(r["squashed"], 0);
    let cluster = r["noise"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["draft"].as_str().is_some_and(|d| !d.is_empty()))
        .expect("a cluster of client aborts with a draft");
    let draft = cluster["draft"].as_str().unwrap();
    assert!(
        !draft.starts_with('#'),
        "the draft verified itself:\n{draft}"
    );
    std::fs::write(dir.path().join("draft.yaml"), draft).unwrap();
    let check = cmd(dir.path())
        .args(["rules", "check", "--no-default-rules", "draft.yaml"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Pasted in, it squashes the whole cluster, and the report now counts them.
    let after = report_json(
        &[
            "--no-default-rules",
            "--rules",
            dir.path().join("draft.yaml").to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(after["squashed"], cluster["records"], "{draft}");
}
