//! Hostile and pathological input, at a size a test can afford: rules files built to exhaust the
//! YAML loader or the regex compiler give an error with a position; binary files and files that
//! shrink or grow while they are read pass through correctly. The full-size versions (a 1 GiB
//! line, a record of a million lines, a 100 MB rules file) are in `tests/hostile/run.sh`, with
//! their memory measured.

use resetsquash::input::Source;
use resetsquash::rules::{RuleSet, RuleSource};
use resetsquash::{Config, run};

use crate::util::{
    check_invariants, check_invariants_at, cmd, run_with_reader_stalled, stdout_of, testdata,
};

/// `resetsquash rules check` on a rules file with `text`: its exit code and standard error.
fn rules_check(text: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ours.yaml"), text).unwrap();
    let out = cmd(dir.path())
        .args(["rules", "check", "ours.yaml"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts a rules file is refused with exit code 2 and an error that starts with `want`.
#[track_caller]
fn refused(text: &[u8], want: &str) {
    let (code, err) = rules_check(text);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with(&format!("resetsquash: {want}")),
        "wanted `{want}…`, got: {err}"
    );
}

#[test]
fn a_yaml_alias_bomb_is_refused_with_its_position() {
    // "Billion laughs": nine levels of nine aliases would expand to 9^9 strings.
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        text += &format!("a{i}: &a{i} [{refs}]\n");
    }
    text += "rules: *a9\n";
    refused(
        text.as_bytes(),
        "ours.yaml:6:10: not valid YAML: alias expansion exceeded the maximum node budget",
    );
}

#[test]
fn deeply_nested_yaml_is_refused_with_its_position_not_a_stack_overflow() {
    // Block mappings 2,500 deep overflowed the YAML loader's recursion and aborted the process.
    let mut text = String::from("rules:\n");
    for i in 0..2500 {
        text += &" ".repeat(2 * i + 2);
        text += "a:\n";
    }
    refused(
        text.as_bytes(),
        "ours.yaml:65:129: lists and mappings nested more than 64 deep",
    );
    // Flow lists: the YAML scanner has its own limit.
    let text = format!("rules: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    refused(
        text.as_bytes(),
        "ours.yaml:1:263: not valid YAML: recursion limit exceeded",
    );
    // Aliases count as deep as what they copy: 40 levels, copied inside 30 more.
    let text = format!(
        "a: &a {}x{}\nb: {}*a{}\nrules: []\n",
        "[".repeat(40),
        "]".repeat(40),
        "[".repeat(30),
        "]".repeat(30)
    );
    refused(
        text.as_bytes(),
        "ours.yaml:2:34: lists and mappings nested more than 64 deep",
    );
}

#[test]
fn a_regex_that_compiles_too_big_is_refused_with_its_position() {
    let text = "rules:\n  - id: big\n    description: too big\n    what: ['Broken pipe(\\w{1000}){1000}']\n";
    refused(
        text.as_bytes(),
        "ours.yaml:4:12: rule `big`: bad regex in `what`: the compiled pattern is larger than",
    );
}

#[test]
fn a_rules_file_over_the_size_limit_is_refused() {
    let mut text = String::from("rules:\n");
    while text.len() <= 8 << 20 {
        text += "# padding padding padding padding padding padding padding padding\n";
    }
    refused(
        text.as_bytes(),
        &format!(
            "ours.yaml:1:1: rules file is {} bytes; the limit is 8388608",
            text.len()
        ),
    );
}

#[test]
fn a_rules_file_that_is_not_text_is_refused_naming_it() {
    let (code, err) = rules_check(b"rules:\n  - id: \xff\xfe\x00\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.starts_with("resetsquash: ours.yaml: cannot read rules file:"),
        "{err}"
    );
}

/// Seeded bytes that look like nothing: every value, with newlines among them.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn binary_files_pass_through_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.bin");
    let bytes = noise(3 << 20);
    std::fs::write(&path, &bytes).unwrap();
    for threads in ["1", "2"] {
        let out = stdout_of(cmd(dir.path()).args(["--threads", threads, "noise.bin"]));
        assert!(out == bytes, "{threads} threads changed a binary file");
    }
    // A real executable, which holds the built-in rules and their examples as text: whatever
    // it squashes, the promises hold.
    let exe = std::fs::read(env!("CARGO_BIN_EXE_resetsquash")).unwrap();
    let out = stdout_of(cmd(dir.path()).arg(env!("CARGO_BIN_EXE_resetsquash")));
    check_invariants(&exe, &out);
}

/// `count` ordinary lines, numbered, that no rule takes.
fn ordinary(count: usize) -> Vec<u8> {
    (0..count)
        .flat_map(|i| {
            format!("2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : line {i:08}\n").into_bytes()
        })
        .collect()
}

#[test]
fn a_file_truncated_while_it_is_read_ends_where_it_was_cut() {
    // copytruncate: the file shrinks to nothing under the reader, which sees its end there.
    let original = ordinary(400_000);
    for threads in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.log");
        std::fs::write(&path, &original).unwrap();
        let mut c = cmd(dir.path());
        c.args(["--threads", threads, "in.log"]);
        let out = run_with_reader_stalled(c, |_| {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(0)
                .unwrap();
        });
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            original.starts_with(&out.stdout),
            "the output is the start of the file, byte for byte"
        );
        assert!(
            out.stdout.len() < original.len(),
            "{threads} threads: read past the cut ({} bytes)",
            out.stdout.len()
        );
    }
}

#[test]
fn a_file_that_grows_while_it_is_read_is_read_to_its_new_end() {
    let original = ordinary(400_000);
    let more = ordinary(1000);
    for threads in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.log");
        std::fs::write(&path, &original).unwrap();
        let mut c = cmd(dir.path());
        c.args(["--threads", threads, "in.log"]);
        let out = run_with_reader_stalled(c, |_| {
            use std::io::Write;
            std::fs::File::options()
                .append(true)
                .open(&path)
                .unwrap()
                .write_all(&more)
                .unwrap();
        });
        assert_eq!(out.status.code(), Some(0));
        assert!(
            out.stdout == [original.as_slice(), more.as_slice()].concat(),
            "{threads} threads: got {} bytes",
            out.stdout.len()
        );
    }
}

/// Inputs the fuzzer found breaking a promise, kept as regression tests: each is squashed as
/// the fuzz target squashes it (a 512-byte line limit; one read, and reads of a few bytes) and
/// must keep the invariants.
#[test]
fn inputs_found_by_fuzzing_keep_the_promises() {
    let rules = RuleSet::load(&RuleSource::built_in()).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(testdata("fuzz/squash")).unwrap() {
        let path = entry.unwrap().path();
        let input = std::fs::read(&path).unwrap();
        let squash = |read_size| {
            let config = Config {
                inputs: vec![Source::Path(path.clone())],
                read_size,
                max_line: 512,
                ..Config::default()
            };
            run(&config, &rules, Vec::new(), "test").unwrap()
        };
        let (stats, whole) = squash(1 << 16);
        let (_, pieces) = squash(7);
        assert!(
            whole == pieces,
            "{}: read size changed the output",
            path.display()
        );
        let acc = check_invariants_at(&input, &whole, 512);
        assert_eq!(acc.aborts, stats.squashed_total(), "{}", path.display());
        n += 1;
    }
    assert!(n > 0, "no inputs in testdata/fuzz/squash");
}

/// Rules files the fuzzer found making the loader panic (a pattern at the regex nesting limit
/// alone, over it inside the group that joins a rule's patterns): each is loaded as the fuzz
/// target loads it and must give errors with positions, or load.
#[test]
fn rules_files_found_by_fuzzing_load_or_give_errors() {
    let mut n = 0;
    for entry in std::fs::read_dir(testdata("fuzz/rules")).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let source = RuleSource {
            name: "fuzz.yaml".into(),
            text,
        };
        match RuleSet::load(&[source]) {
            Ok(_) => {}
            Err(resetsquash::Error::Rules(errors)) => {
                assert!(!errors.is_empty());
                for e in &errors {
                    assert!(e.line >= 1 && e.column >= 1, "{e}");
                }
            }
            Err(other) => panic!("{}: {other}", path.display()),
        }
        n += 1;
    }
    assert!(n > 0, "no inputs in testdata/fuzz/rules");
}
