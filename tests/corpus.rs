//! Real excerpts: every built-in rule squashes its own, and every look-alike is kept intact.
//!
//! `testdata/excerpts/<family>/<rule-id>.squash.log` must have records squashed by that rule,
//! and `<rule-id>.keep.log` must come out byte for byte; `testdata/README.md` says where each
//! came from.

use crate::util::{assert_bytes_eq, check_invariants, cmd, root, testdata};

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
    let out = cmd(&root()).arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
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
