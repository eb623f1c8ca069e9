//! The command line as a newcomer meets it: options around subcommands, bounds on numbers,
//! messages that say what to do, words in the right number, a real terminal.
//!
//! Needs `script` (util-linux's bsdutils) for the terminal tests; everything else is the binary.

use std::process::Command;

use crate::util::{cmd, root, stdout_of, testdata};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `shell_command` with a pseudo-terminal for its standard input and output, as a user at
/// a terminal would, and returns what appeared on that terminal.
fn on_a_terminal(shell_command: &str) -> String {
    let out = Command::new("script")
        .current_dir(root())
        .args(["-qec", shell_command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script (util-linux) must be installed: scripts/test installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn rule_options_go_before_a_subcommand_as_well_as_after_it() {
    let ours = testdata("bad-rules/failing-example.yaml");
    for args in [
        vec![
            "--no-default-rules",
            "--rules",
            ours.to_str().unwrap(),
            "rules",
            "list",
        ],
        vec![
            "rules",
            "list",
            "--no-default-rules",
            "--rules",
            ours.to_str().unwrap(),
        ],
        vec![
            "--no-default-rules",
            "rules",
            "list",
            "--rules",
            ours.to_str().unwrap(),
        ],
    ] {
        let list = String::from_utf8(stdout_of(cmd(&root()).args(&args))).unwrap();
        assert_eq!(list.lines().count(), 1, "{args:?}: {list}");
        assert!(list.starts_with("pipe "), "{args:?}: {list}");
    }
    // Before `report` too: the user's rule squashes what no built-in rule would.
    let out = stdout_of(
        cmd(&root())
            .args(["--no-default-rules", "report", "--format", "json"])
            .arg(testdata("corpus/tomcat10/catalina.out")),
    );
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["squashed"], 0, "no rules were loaded");
}

#[test]
fn a_squashing_option_before_a_subcommand_is_an_error_not_ignored() {
    let out = cmd(&root())
        .args(["--window", "5m", "report"])
        .arg(testdata("corpus/nginx/error.log"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("resetsquash: `--window` is for squashing a log, and `resetsquash report` does not take it"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_subcommand_after_a_file_is_named_as_the_mistake() {
    let out = cmd(&root())
        .arg(testdata("corpus/nginx/error.log"))
        .arg("report")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("put the subcommand first, as in `resetsquash report …`"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing is squashed before the mistake is said"
    );
}

/// Threads the system refuses are not bad usage: a run that cannot start its threads ends with
/// the setup code, 3, and says why. Run as `nobody` with a process limit of one (root is not
/// held to the limit), so that creating a thread really fails.
#[test]
fn threads_the_system_refuses_end_with_the_setup_exit_code() {
    use std::os::unix::fs::PermissionsExt;
    // Binary and log in a directory `nobody` may enter, wherever the checkout is.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = dir.path().join("catalina.out");
    std::fs::copy(testdata("corpus/tomcat10/catalina.out"), &log).unwrap();
    let bin = dir.path().join("resetsquash");
    std::fs::copy(env!("CARGO_BIN_EXE_resetsquash"), &bin).unwrap();
    for args in [&["-j", "2"][..], &["report", "-j", "2"]] {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .args(["prlimit", "--nproc=1"])
            .arg(&bin)
            .args(args)
            .arg(&log)
            .output()
            .expect("setpriv and prlimit (util-linux) run");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.starts_with("resetsquash: cannot start "),
            "{args:?}: {err}"
        );
        assert!(err.contains("threads: "), "{args:?}: {err}");
    }
}

#[test]
fn threads_are_bounded_by_the_cores_and_zero_means_one_per_core() {
    let log = testdata("corpus/tomcat10/catalina.out");
    let cores = std::thread::available_parallelism().unwrap().get();
    for too_many in [cores * 4 + 1, 2000, 100_000] {
        let out = cmd(&root())
            .args(["-j", &too_many.to_string()])
            .arg(&log)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "-j {too_many}");
        let err = stderr(&out);
        let want = format!("resetsquash: -j {too_many}: at most {} threads", cores * 4);
        assert!(err.starts_with(&want), "-j {too_many}: {err}");
        assert!(out.stdout.is_empty());
        let out = cmd(&root())
            .args(["report", "-j", &too_many.to_string()])
            .arg(&log)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "report -j {too_many}");
    }
    let squash = |j: &str| stdout_of(cmd(&root()).args(["-j", j]).arg(&log));
    let one = squash("1");
    assert_eq!(squash("0"), one);
    assert_eq!(squash(&(cores * 4).to_string()), one);
    let help = String::from_utf8(cmd(&root()).arg("--help").output().unwrap().stdout).unwrap();
    assert!(
        help.contains("at most 4 per core; 0, or none given, is one per core"),
        "{help}"
    );
}

#[test]
fn a_negative_count_is_named_without_suggesting_it_be_a_file() {
    for (option, value) in [("--keep-first", "-1"), ("-j", "-2")] {
        let out = cmd(&root()).args([option, value]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{option} {value}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "`{value}` is negative: give a whole number, 0 or more"
            )),
            "{err}"
        );
        assert!(
            !err.contains("-- "),
            "{option} {value}: suggests a file name: {err}"
        );
    }
}

#[test]
fn a_fractional_duration_is_named_as_such_with_the_whole_number_to_write() {
    let cases = [
        (
            "1.5m",
            "`1.5m` has a fraction: durations are whole numbers, so write 90s",
        ),
        (
            "0.5s",
            "`0.5s` has a fraction: durations are whole numbers of seconds",
        ),
        ("5x", "`5x` has the unknown unit `x`: use s, m, h or d"),
        ("-5m", "`-5m` is negative"),
        ("m", "`m` is not a duration: give one such as 90s, 5m or 1h"),
    ];
    for (value, want) in cases {
        let out = cmd(&root()).args(["--window", value]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{value}");
        let err = stderr(&out);
        assert!(err.contains(want), "--window {value}: {err}");
    }
}

/// Clap's own errors, ours, an input's and a rules file's: one style, each with what to do.
#[test]
fn every_error_comes_in_one_style() {
    let cases: [(&[&str], &str); 5] = [
        (&["--bogus"], "For more information, try '--help'."),
        (&["--in-place", "-"], "name the files"),
        (&["--record-start", "(("], "--record-start '^\\d{4}-'"),
        (&["no-such.log"], "no-such.log"),
        (
            &["rules", "check", "testdata/bad-rules/bad-yaml.yaml"],
            "bad-yaml.yaml:6:",
        ),
    ];
    for (args, says) in cases {
        let out = cmd(&root()).args(args).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("resetsquash: "), "{args:?}: {err}");
        assert_eq!(err.matches("resetsquash: ").count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    // One client-abort record: one summary line.
    let excerpt = std::fs::read(testdata("excerpts/nginx/nginx-client-abort.squash.log")).unwrap();
    let abort = String::from_utf8_lossy(&excerpt)
        .lines()
        .find(|l| {
            l.contains("sendfile() failed (32: Broken pipe) while sending response to client")
        })
        .unwrap()
        .to_string();
    std::fs::write(dir.path().join("one.log"), format!("{abort}\n")).unwrap();
    let out = cmd(dir.path())
        .args(["--stats", "one.log"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("resetsquash: 1 record, 1 squashed into 1 summary line, 0 unsquashable\n"),
        "{err}"
    );
    let out = cmd(dir.path())
        .args(["--explain", "one.log"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with("1 record, 1 squashed into 1 summary line\n"),
        "{text}"
    );
    // One rule with one example.
    std::fs::write(
        dir.path().join("one.yaml"),
        "rules:\n  - id: one\n    description: one rule\n    what: ['Broken pipe']\n    \
         where: ['\\[client ']\n    examples:\n      squash:\n        - \"[client 1.2.3.4] Broken pipe\"\n",
    )
    .unwrap();
    let out = stdout_of(cmd(dir.path()).args(["rules", "check", "--no-default-rules", "one.yaml"]));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "ok: 1 rule, 1 example behaves\n"
    );
}

#[test]
fn rules_list_lines_up_its_columns() {
    let text = String::from_utf8(stdout_of(cmd(&root()).args(["rules", "list"]))).unwrap();
    // The source column (`rules/FILE.yaml:LINE`) and the description start at one column each.
    let starts = |l: &str| {
        let at = l.find("rules/").unwrap();
        let rest = &l[at..];
        let description = at
            + rest.find(char::is_whitespace).unwrap()
            + rest[rest.find(char::is_whitespace).unwrap()..]
                .find(|c: char| !c.is_whitespace())
                .unwrap();
        (at, description)
    };
    let first = starts(text.lines().next().unwrap());
    for line in text.lines() {
        assert_eq!(starts(line), first, "{line}\nin\n{text}");
    }
}

#[test]
fn explain_over_several_files_names_each_file_and_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let squash = testdata("excerpts/tomcat/tomcat-client-abort.squash.log");
    let keep = testdata("excerpts/tomcat/tomcat-client-abort.keep.log");
    std::fs::copy(&keep, dir.path().join("a.log")).unwrap();
    std::fs::copy(&squash, dir.path().join("b.log")).unwrap();
    // c.log ends inside a line: its last line goes on in d.log, and belongs to c.log.
    let keep_text = std::fs::read(&keep).unwrap();
    std::fs::write(dir.path().join("c.log"), &keep_text[..keep_text.len() - 1]).unwrap();
    std::fs::copy(&squash, dir.path().join("d.log")).unwrap();
    let out = stdout_of(cmd(dir.path()).args(["--explain", "a.log", "b.log", "c.log", "d.log"]));
    let text = String::from_utf8(out).unwrap();
    let alone = |file: &std::path::Path| {
        let out = cmd(&root()).arg("--explain").arg(file).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // Each file's decisions, as `--explain` over that file alone numbers them, now under its name.
    for (name, file) in [("a.log", &keep), ("b.log", &squash), ("d.log", &squash)] {
        let want: Vec<String> = alone(file)
            .lines()
            .filter(|l| l.starts_with("line "))
            .map(|l| format!("{name}:{}", &l["line ".len()..]))
            .collect();
        assert!(!want.is_empty(), "{name}");
        let got: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("{name}:")))
            .collect();
        assert_eq!(got, want, "{name} in\n{text}");
    }
    assert!(!text.lines().any(|l| l.starts_with("line ")), "{text}");
    // A record's line number is never past the end of the file it is named in.
    let lines_of = |f: &std::path::Path| std::fs::read_to_string(f).unwrap().lines().count();
    for l in text.lines().filter(|l| l.starts_with("c.log:")) {
        let n: usize = l["c.log:".len()..]
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(n <= lines_of(&keep), "{l}");
    }
}

#[test]
fn gzip_is_not_written_to_a_terminal() {
    let bin = env!("CARGO_BIN_EXE_resetsquash");
    let log = testdata("corpus/tomcat10/catalina.out");
    let screen = on_a_terminal(&format!("{bin} --gzip {}; echo exit=$?", log.display()));
    assert!(
        screen.contains("resetsquash: --gzip writes compressed data, and standard output is a terminal: redirect it to a file"),
        "{screen:?}"
    );
    assert!(screen.contains("exit=2"), "{screen:?}");
    assert!(
        !screen.contains('\u{1f}'),
        "gzip bytes reached the terminal: {screen:?}"
    );
    // Into a file, from the same terminal, it is written as ever.
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("out.gz");
    on_a_terminal(&format!(
        "{bin} --gzip {} > {}",
        log.display(),
        gz.display()
    ));
    assert_eq!(&std::fs::read(&gz).unwrap()[..2], &[0x1f, 0x8b]);
}

#[test]
fn reading_a_terminal_says_so_and_reading_a_file_or_pipe_does_not() {
    let bin = env!("CARGO_BIN_EXE_resetsquash");
    // `timeout` keeps the terminal as standard input (in the foreground, so that reading it
    // does not stop the process) and ends the wait with SIGTERM.
    let screen = on_a_terminal(&format!(
        "timeout --foreground 2 {bin}; timeout --foreground 2 {bin} report"
    ));
    let hint = "resetsquash: reading standard input from the terminal (end it with Ctrl-D";
    assert_eq!(screen.matches(hint).count(), 2, "{screen:?}");
    let log = testdata("corpus/nginx/error.log");
    let screen = on_a_terminal(&format!(
        "{bin} {0} > /dev/null; {bin} < {0} > /dev/null; cat {0} | {bin} report > /dev/null",
        log.display()
    ));
    assert!(!screen.contains("reading standard input"), "{screen:?}");
}

#[test]
fn help_says_how_to_get_the_man_pages_and_completions() {
    let out = cmd(&root()).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("`resetsquash generate man DIR` writes every page into DIR"),
        "{help}"
    );
    assert!(
        help.contains("`resetsquash generate completions SHELL`"),
        "{help}"
    );
}

#[test]
fn the_man_pages_are_written_into_a_new_folder_with_every_page_they_refer_to() {
    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share/man/man1");
    let out = stdout_of(cmd(&root()).arg("generate").arg("man").arg(&man1));
    let listed = String::from_utf8(out).unwrap();
    for page in [
        "resetsquash.1",
        "resetsquash-report.1",
        "resetsquash-rules.1",
        "resetsquash-rules-check.1",
    ] {
        assert!(man1.join(page).exists(), "{page} missing; wrote:\n{listed}");
        assert!(listed.contains(page), "{listed}");
    }
    for entry in std::fs::read_dir(&man1).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // roff escapes the dashes of `resetsquash-report(1)`.
        for reference in page.split("resetsquash\\-").skip(1) {
            let Some(name) = reference.split("(1)").next().filter(|n| n.len() < 40) else {
                continue;
            };
            if reference.starts_with(&format!("{name}(1)")) {
                let file = format!("resetsquash-{}.1", name.replace("\\-", "-"));
                assert!(
                    man1.join(&file).exists(),
                    "a page refers to {file}, not generated"
                );
            }
        }
    }
}

/// Every locked dependency builds on the Rust that `rust-version` promises, as cargo reads
/// their own `rust-version`s from the lock's packages (`tests/e2e/install.sh` then really
/// builds with that toolchain).
#[test]
fn the_locked_dependencies_need_no_newer_rust_than_declared() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = |v: &serde_json::Value| -> Vec<u32> {
        v.as_str()
            .map(|s| s.split('.').map(|n| n.parse().unwrap()).collect())
            .unwrap_or_default()
    };
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "resetsquash")
        .unwrap();
    let declared = version(&ours["rust_version"]);
    assert!(!declared.is_empty(), "Cargo.toml declares no rust-version");
    for p in packages {
        let needs = version(&p["rust_version"]);
        assert!(
            needs <= declared,
            "{} {} needs Rust {}, but Cargo.toml declares rust-version {}: hold the lock to a \
             version that builds on it (cargo update --precise), or declare the newer Rust",
            p["name"],
            p["version"],
            p["rust_version"],
            ours["rust_version"]
        );
    }
}
