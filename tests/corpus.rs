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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
    assert!(seen >= 10, "expected an excerpt per built-in rule, found {seen}");
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
    assert!(seen >= 10, "expected a look-alike per built-in rule, found {seen}");
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
