//! Real excerpts: every built-in rule squashes its own, and every look-alike is kept intact.
//!
//! `testdata/excerpts/<family>/<rule-id>.squash.log` must have records squashed by that rule,
//! and `<rule-id>.keep.log` must come out byte for byte; `testdata/README.md` says where each
//! came from.

use crate::util::{assert_bytes_eq, check_invariants, cmd, root, stdout_of, testdata};

fn excerpts() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for family in std::fs::read_dir(testdata("excerpts")).unwrap() {
        for f in std::fs::read_dir(family.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    files
}

fn squash(path: &std::path::Path) -> Vec<u8> {
    stdout_of(cmd(&root()).arg(path))
}

#[test]
fn every_squash_excerpt_is_squashed_by_its_rule() {
    let mut seen = 0;
    for path in excerpts() {
        let name = path.file_name().unwrap().to_str().unwrap();
        let Some(rule) = name.strip_suffix(".squash.log") else {
            continue;
        };
        seen += 1;
        let input = std::fs::read(&path).unwrap();
        let acc = check_invariants(&input, &squash(&path));
        assert!(
            acc.per_rule.get(rule).copied().unwrap_or(0) > 0,
            "{name}: nothing squashed by `{rule}`: {acc:?}"
        );
    }
    assert!(
        seen >= 10,
        "expected an excerpt per built-in rule, found {seen}"
    );
}

#[test]
fn every_keep_excerpt_comes_out_byte_for_byte() {
    let mut seen = 0;
    for path in excerpts() {
        let name = path.file_name().unwrap().to_str().unwrap();
        if !name.ends_with(".keep.log") {
            continue;
        }
        seen += 1;
        let input = std::fs::read(&path).unwrap();
        assert_bytes_eq(&squash(&path), &input, name);
    }
    assert!(
        seen >= 10,
        "expected a look-alike per built-in rule, found {seen}"
    );
}

#[test]
fn every_built_in_rule_has_both_excerpts() {
    let out = cmd(&root()).args(["rules", "list"]).output().unwrap();
    let names: Vec<String> = excerpts()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let id = line.split_whitespace().next().unwrap();
        for kind in ["squash", "keep"] {
            let want = format!("{id}.{kind}.log");
            assert!(names.contains(&want), "no testdata excerpt {want}");
        }
    }
}

/// Whole logs written by real servers (`testdata/corpus/`, see `testdata/README.md`): the
/// records squashed per file, and every record that carries a genuine error kept intact.
#[test]
fn the_real_corpus_squashes_the_aborts_and_keeps_every_genuine_error() {
    // (file, records squashed). The manifest's approximate abort counts are 351, 214, 349,
    // 625, 405, 414 (some of which are outbound look-alikes), 443, 0, 312 and 312.
    let expected = [
        ("tomcat10/catalina.out", 351),
        ("tomcat10/catalina.2026-11-24.log", 214),
        ("tomcat10/localhost.2026-11-24.log", 349),
        ("nginx/error.log", 625),
        ("python/http.server.log", 402),
        ("python/stream_server.log", 393),
        ("python/gunicorn-error.log", 443),
        ("python/wsgiref.log", 0),
        ("jdk-httpserver/default-C.UTF-8.log", 312),
        ("jdk-httpserver/env-LANG-zh_CN.log", 311),
    ];
    // What marks a genuine error in these logs (their MANIFEST.tsv lists them): outbound
    // failures, refusals, timeouts, bugs, nginx levels above info.
    let genuine = regex::bytes::Regex::new(
        r"(?m)Connection refused|timed out|NullPointerException|KeyError|urlopen|URLError|Failed to push batch|Quote service call failed|Tomcat Native|Error parsing HTTP|s\.sendall\(CHUNK \* 16\)|^\S+ \S+ \[(?:error|warn|notice)\] |Error handling request|Socket error processing request|code (?:400|404|501)|JasperException",
    )
    .unwrap();
    for (file, want) in expected {
        let path = testdata("corpus").join(file);
        let input = std::fs::read(&path).unwrap();
        let output = squash(&path);
        let acc = check_invariants(&input, &output);
        assert_eq!(acc.squashed, want, "{file}: {acc:?}");
        let mut genuine_records = 0;
        for range in resetsquash::record::split_records(&input) {
            let record = &input[range];
            if genuine.is_match(record) {
                genuine_records += 1;
                assert!(
                    memchr::memmem::find(&output, record).is_some(),
                    "{file}: a genuine error was squashed:\n{}",
                    String::from_utf8_lossy(record)
                );
            }
        }
        assert!(
            genuine_records > 0,
            "{file}: no genuine records found to check"
        );
    }
}

/// The capture lab's logs (`lab/`, `testdata/corpus/<family>/truth.json`): the server's log cut
/// at the `LAB PHASE <name>` markers the lab app wrote before each phase of the client. Squashed
/// with `--window 0` (every summary at the end), each abort phase must come out empty but for
/// the lines its truth allows (access lines, say), and every other phase (genuine errors,
/// ordinary traffic) and the lines before the first marker byte for byte, but for the records
/// a genuine phase's truth names as `echoes` (with a note: see lab/README.md). A family whose
/// truth says `pending` (its aborts cannot be squashed yet, and why) is held to precision only;
/// an abort phase's `kept` records (no evidence of the side in them, with a note) may stay.
#[test]
fn the_lab_captures_squash_every_abort_and_keep_every_genuine_record() {
    let mut families = 0;
    for dir in std::fs::read_dir(testdata("corpus")).unwrap() {
        let dir = dir.unwrap().path();
        let truth_path = dir.join("truth.json");
        if !truth_path.exists() {
            continue;
        }
        families += 1;
        let family = dir.file_name().unwrap().to_string_lossy().into_owned();
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap();
        let log = dir.join(truth["log"].as_str().unwrap());
        let input = std::fs::read(&log).unwrap();
        let out = stdout_of(cmd(&root()).args(["--window", "0"]).arg(&log));
        let acc = check_invariants(&input, &out);
        let kept = without_summaries(&input, &out);
        let marker = truth["marker"].as_str().unwrap();
        let (before_in, phases_in) = phases(&input, marker);
        let (before_out, phases_out) = phases(&kept, marker);
        assert_bytes_eq(
            &before_out,
            &before_in,
            &format!("{family}: before the first phase"),
        );
        let want: Vec<&serde_json::Value> = truth["phases"].as_array().unwrap().iter().collect();
        let names_in: Vec<&str> = phases_in.iter().map(|(n, _)| n.as_str()).collect();
        let names_want: Vec<&str> = want.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(
            names_in[..names_in.len() - 1],
            names_want[..],
            "{family}: phase markers"
        );
        assert_eq!(names_in.last(), Some(&"end"), "{family}: the end marker");
        assert_eq!(
            phases_in.len(),
            phases_out.len(),
            "{family}: phase markers kept"
        );
        let mut aborts_logged = 0;
        // Abort phases the truth notes as "nothing logged": a server that logs nothing for any
        // abort is a finding too (lighttpd), held to precision only.
        let (mut abort_phases, mut aborts_silent) = (0, 0);
        let pending = truth["pending"].is_string();
        for (i, p) in want.iter().enumerate() {
            let name = p["name"].as_str().unwrap();
            let (logged, left) = (&phases_in[i].1, &phases_out[i].1);
            let what = format!("{family}: phase {i} {name}");
            let allowed: Vec<regex::bytes::Regex> = p["allowed"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| regex::bytes::Regex::new(r.as_str().unwrap()).unwrap())
                        .collect()
                })
                .unwrap_or_default();
            let is_allowed = |line: &[u8]| allowed.iter().any(|r| r.is_match(line));
            let noted = p["note"]
                .as_str()
                .is_some_and(|n| n.contains("nothing logged"));
            let substantive = logged
                .split_inclusive(|&b| b == b'\n')
                .any(|l| !is_allowed(l));
            if p["kind"] != "ok" && !substantive {
                // A kind the server writes nothing about is a finding, recorded in the truth.
                assert!(
                    noted,
                    "{what}: nothing logged, and the truth has no note saying so"
                );
            }
            if p["kind"] == "abort" {
                abort_phases += 1;
                aborts_silent += usize::from(!substantive);
            }
            if p["kind"] == "abort" && pending {
                // Recall is pending (truth.json says why): only precision is held here.
                aborts_logged += usize::from(substantive);
            } else if p["kind"] == "abort" {
                aborts_logged += usize::from(substantive);
                // Records the truth names as `kept` (with a note: they carry no evidence of the
                // side, so they stay by design) may remain; nothing else but allowed lines.
                let kept = regexes(&p["kept"]);
                assert!(
                    kept.is_empty() || p["note"].is_string(),
                    "{what}: kept without a note"
                );
                for r in resetsquash::record::split_records(left) {
                    let record = &left[r];
                    let first = record.split(|&b| b == b'\n').next().unwrap();
                    assert!(
                        record.split_inclusive(|&b| b == b'\n').all(is_allowed)
                            || kept.iter().any(|k| k.is_match(first)),
                        "{what}: a client-abort record was kept:\n{}",
                        String::from_utf8_lossy(record)
                    );
                }
            } else if let Some(echoes) = p["echoes"].as_array() {
                // Records the server writes about its own inbound connection as a side effect of
                // the genuine error (the truth's note says which and why): they may be squashed,
                // every other record stays whole and in order.
                assert!(
                    p["note"].is_string(),
                    "{what}: echoes without a note saying why"
                );
                let echoes = regexes(&serde_json::Value::from(echoes.clone()));
                let mut pos = 0;
                for r in resetsquash::record::split_records(logged) {
                    let record = &logged[r];
                    if left[pos..].starts_with(record) {
                        pos += record.len();
                    } else {
                        let first = record.split(|&b| b == b'\n').next().unwrap();
                        assert!(
                            echoes.iter().any(|e| e.is_match(first)),
                            "{what}: a genuine record was squashed:\n{}",
                            String::from_utf8_lossy(record)
                        );
                    }
                }
                assert_eq!(
                    pos,
                    left.len(),
                    "{what}: output not made of the phase's records"
                );
            } else {
                assert_bytes_eq(left, logged, &what);
            }
        }
        let silent = abort_phases > 0 && aborts_silent == abort_phases;
        assert!(aborts_logged > 0 || silent, "{family}: no abort was logged");
        assert!(
            pending || silent || acc.squashed > 0,
            "{family}: nothing squashed: {acc:?}"
        );
    }
    assert!(
        families >= 1,
        "no lab captures (testdata/corpus/*/truth.json)"
    );
}

/// A truth's list of regexes (none where the key is missing).
fn regexes(list: &serde_json::Value) -> Vec<regex::bytes::Regex> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|r| regex::bytes::Regex::new(r.as_str().unwrap()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// `output` without the summary lines the filter wrote (a summary line the input has is a record).
fn without_summaries(input: &[u8], output: &[u8]) -> Vec<u8> {
    output
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| {
            resetsquash::summary::Summary::parse(l).is_none()
                || memchr::memmem::find(input, l).is_some()
        })
        .flatten()
        .copied()
        .collect()
}

/// Cuts a log at its phase markers (a line holding `MARKER<name>`): the lines before the first
/// marker, then each phase's name and the lines after its marker, up to the next one.
fn phases(log: &[u8], marker: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let re = regex::bytes::Regex::new(&format!(r"{}([a-z0-9-]+)", regex::escape(marker))).unwrap();
    let mut before = Vec::new();
    let mut phases: Vec<(String, Vec<u8>)> = Vec::new();
    for line in log.split_inclusive(|&b| b == b'\n') {
        if let Some(c) = re.captures(line) {
            phases.push((String::from_utf8_lossy(&c[1]).into_owned(), Vec::new()));
        } else if let Some((_, body)) = phases.last_mut() {
            body.extend_from_slice(line);
        } else {
            before.extend_from_slice(line);
        }
    }
    (before, phases)
}
