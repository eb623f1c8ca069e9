//! `resetsquash rules check` and `rules list`: the rule author's tools.

use crate::util::{cmd, root, testdata};

#[test]
fn the_built_in_rules_check_out() {
    let out = cmd(&root()).args(["rules", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
}

#[test]
fn rules_list_prints_one_line_per_rule() {
    let out = cmd(&root()).args(["rules", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
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
            "failing-example.yaml:10:11: rule `pipe`: keep example 1 would be squashed by rule `pipe`",
        ),
    ];
    for (file, want) in cases {
        let out = cmd(&testdata(""))
            .args(["rules", "check", "--no-default-rules"])
            .arg(format!("bad-rules/{file}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("resetsquash: bad-rules/{want}")),
            "{file}: got\n{err}"
        );
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
