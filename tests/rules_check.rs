//! `resetsquash rules check` and `rules list`: the rule author's tools.

use crate::util::{cmd, root, stdout_of, testdata};

#[test]
fn the_built_in_rules_check_out() {
    let out = stdout_of(cmd(&root()).args(["rules", "check"]));
    assert!(String::from_utf8_lossy(&out).starts_with("ok: "));
}

#[test]
fn rules_list_prints_one_line_per_rule() {
    let text = String::from_utf8(stdout_of(cmd(&root()).args(["rules", "list"]))).unwrap();
    assert!(text.lines().count() >= 10, "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("tomcat-client-abort ")),
        "{text}"
    );
}

/// Each broken file in testdata/bad-rules, with the start of the error it must give.
#[test]
fn broken_rules_files_exit_2_and_point_at_the_mistake() {
    let cases = [
        ("bad-yaml.yaml", "bad-yaml.yaml:6:"),
        (
            "unknown-key.yaml",
            "unknown-key.yaml:6:5: rule `tomcat-abort`: unknown key `wehre`; did you mean `where`?",
        ),
        (
            "bad-regex.yaml",
            "bad-regex.yaml:7:9: rule `broken-pipe`: bad regex in `what`: ",
        ),
        (
            "duplicate-id.yaml",
            "duplicate-id.yaml:6:5: rule `pipe`: duplicate rule id; it is first defined at bad-rules/duplicate-id.yaml:2:5",
        ),
        (
            "failing-example.yaml",
            "failing-example.yaml:12:11: rule `pipe`: keep example 1 would be squashed by rule `pipe`",
        ),
    ];
    // Each mistake is one whatever else is loaded: alone, and beside the built-in rules (whose
    // vetoes apply to every rule, so an example they happen to save would pass).
    for defaults in [&["--no-default-rules"][..], &[]] {
        for (file, want) in cases {
            let out = cmd(&testdata(""))
                .args(["rules", "check"])
                .args(defaults)
                .arg(format!("bad-rules/{file}"))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{file} {defaults:?}");
            let err = String::from_utf8(out.stderr).unwrap();
            // With the built-in rules, a broad rule may also take some of their keep examples:
            // those are told too, before or after, and the file's own mistake is among them.
            let told = err.starts_with(&format!("resetsquash: bad-rules/{want}"))
                || (defaults.is_empty() && err.contains(&format!("\nbad-rules/{want}")));
            assert!(told, "{file} {defaults:?}: got\n{err}");
        }
    }
}

#[test]
fn a_missing_rules_file_is_named() {
    let out = cmd(&root())
        .args(["--rules", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.yaml: cannot read rules file"));
}

#[test]
fn user_rules_are_used_for_filtering() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ours.yaml"),
        "rules:\n  - id: ours\n    description: d\n    what: ['went away']\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.log"),
        "kept\nclient went away\nkept too\n",
    )
    .unwrap();
    let out = cmd(dir.path())
        .args(["--no-default-rules", "--rules", "ours.yaml", "a.log"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "kept\nkept too\nresetsquash: squashed 1 rule=ours group=\"\" lines=1 bytes=17 \
         sample=\"client went away\" kinds=other:1\n"
    );
}

/// The record start of Ruby's Logger lines, as `rules/README.md` gives it for Rails.
const RAILS_RECORD_START: &str = r"^[DIWEFA], \[";

#[test]
fn an_example_cut_by_an_unindented_trace_says_where_and_why_and_what_to_do() {
    for defaults in [&["--no-default-rules"][..], &[]] {
        let out = cmd(&testdata(""))
            .args(["rules", "check"])
            .args(defaults)
            .arg("bad-rules/unindented-trace.yaml")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{defaults:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        for phrase in [
            "resetsquash: bad-rules/unindented-trace.yaml:11:11: rule `rails-export-client-gone`: \
             squash example 1 is 5 records, not one: a new record starts at ",
            // Where, and why, in the grammar's terms.
            "its line 2 (`Errno::EPIPE (Broken pipe):`: unindented, and not a trace line the \
             grammar continues a record with)",
            "its line 3 (blank, which continues only a header's record or a trace)",
            " and 1 more.",
            "after a first line that is not a header, only indented lines and Java, Python, .NET \
             and Node trace lines",
            // What to do: indent, or cut real logs (and the examples) with --record-start.
            "indent them in the example too",
            "they need `--record-start REGEX`, a regex that matches the first line of each record",
            "(`resetsquash rules check --record-start REGEX FILE`)",
            "rules/README.md, \"Traces the grammar does not know\"",
        ] {
            assert!(
                err.contains(phrase),
                "{defaults:?}: wanted {phrase:?} in\n{err}"
            );
        }
    }
}

#[test]
fn with_the_logs_record_start_an_unindented_trace_is_one_record() {
    // Ruby's own Logger lines are headers, so the Rails case's examples are one record either
    // way; the bad-rules example (a formatter that writes only the severity) needs it.
    for (file, without) in [
        ("bad-rules/unindented-trace.yaml", Some(2)),
        ("cases/rails-record-start/rails.yaml", Some(0)),
    ] {
        let check = |record_start: Option<&str>| {
            let mut c = cmd(&testdata(""));
            c.args(["rules", "check"]);
            if let Some(re) = record_start {
                c.args(["--record-start", re]);
            }
            c.arg(file).output().unwrap()
        };
        let out = check(Some(RAILS_RECORD_START));
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(check(None).status.code(), without, "{file} without it");
    }
}

#[test]
fn the_rules_guide_shows_the_rails_rules_that_the_case_runs() {
    let guide = std::fs::read_to_string(root().join("rules/README.md")).unwrap();
    let rules = std::fs::read_to_string(testdata("cases/rails-record-start/rails.yaml")).unwrap();
    assert!(
        guide.contains(&format!("```yaml\n{rules}```\n")),
        "rules/README.md does not quote testdata/cases/rails-record-start/rails.yaml as it is"
    );
    assert!(guide.contains(&format!("--record-start '{RAILS_RECORD_START}'")));
    let args = std::fs::read_to_string(testdata("cases/rails-record-start/args")).unwrap();
    assert!(args.lines().any(|l| l == RAILS_RECORD_START), "{args}");
}
