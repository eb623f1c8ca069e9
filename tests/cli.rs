//! The command line: exit codes, errors that name what failed, output that ends early.

use crate::util::{cmd, gzip, root, run_with_stdin, stdout_of, stdout_with_stdin, testdata};

#[test]
fn help_documents_the_exit_codes() {
    let help = String::from_utf8(stdout_of(cmd(&root()).arg("--help"))).unwrap();
    for line in [
        "0  success",
        "1  an input could not be read",
        "2  bad usage, a rules file",
    ] {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
}

#[test]
fn version_is_printed() {
    let out = stdout_of(cmd(&root()).arg("--version"));
    assert!(String::from_utf8_lossy(&out).starts_with("resetsquash "));
}

#[test]
fn an_unreadable_input_is_named_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path()).arg("no-such.log").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such.log"), "{err}");
    assert!(err.contains("No such file"), "{err}");
}

#[test]
fn a_directory_as_input_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    let out = cmd(dir.path()).arg("logs").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("logs: is a directory"));
}

#[test]
fn bad_usage_exits_2() {
    let out = cmd(&root()).args(["--window", "5x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cmd(&root())
        .args(["--record-start", "(("])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--record-start"));
}

#[test]
fn a_full_disk_is_loud() {
    // /dev/full fails every write with ENOSPC, as a full disk does.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = cmd(&root())
        .arg("Cargo.toml")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write standard output"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // A reader that goes away after the first bytes, as `| head -c 10` does.
    let big: Vec<u8> = (0..200_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.log");
    std::fs::write(&path, &big).unwrap();
    let mut child = cmd(dir.path())
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dash_reads_standard_input_between_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.log"), "first\n").unwrap();
    std::fs::write(dir.path().join("c.log"), "third\n").unwrap();
    let mut c = cmd(dir.path());
    c.args(["a.log", "-", "c.log"]);
    assert_eq!(stdout_with_stdin(c, b"second\n"), b"first\nsecond\nthird\n");
}

#[test]
fn gzip_input_is_recognised_by_content_and_concatenated_members_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(testdata("excerpts/tomcat/tomcat-client-abort.squash.log")).unwrap();
    // Two gzip members made by the real gzip program, concatenated, under a name without .gz.
    let half = plain.len() / 2;
    let mut joined = gzip(&plain[..half]);
    joined.extend(gzip(&plain[half..]));
    std::fs::write(dir.path().join("catalina.out.1"), &joined).unwrap();
    std::fs::write(dir.path().join("plain.log"), &plain).unwrap();
    let from_gz = cmd(dir.path()).arg("catalina.out.1").output().unwrap();
    let from_plain = cmd(dir.path()).arg("plain.log").output().unwrap();
    assert!(from_gz.status.success());
    assert_eq!(from_gz.stdout, from_plain.stdout);
    assert_ne!(from_plain.stdout, plain, "the excerpt has aborts to squash");
}

#[test]
fn a_truncated_gzip_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new("gzip");
    c.arg("-c");
    let gz = run_with_stdin(c, &vec![b'x'; 100_000]).stdout;
    std::fs::write(dir.path().join("cut.gz"), &gz[..gz.len() / 2]).unwrap();
    let out = cmd(dir.path()).arg("cut.gz").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.gz"));
}

#[test]
fn explain_says_which_rule_took_a_record_and_why_others_were_kept() {
    let out = stdout_of(
        cmd(&root())
            .arg("--explain")
            .arg(testdata("excerpts/tomcat/tomcat-client-abort.squash.log"))
            .arg(testdata("excerpts/tomcat/tomcat-client-abort.keep.log")),
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(": squash: rule `tomcat-client-abort`:"),
        "{text}"
    );
    assert!(text.contains(": keep: "), "{text}");
    assert!(
        text.lines().last().unwrap().contains("squashed into"),
        "{text}"
    );
}

#[test]
fn stats_go_to_standard_error() {
    let out = cmd(&root())
        .arg("--stats")
        .arg(testdata("excerpts/tomcat/tomcat-client-abort.squash.log"))
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("tomcat-client-abort"), "{err}");
}

#[test]
fn the_man_page_and_completions_come_from_the_cli_definition() {
    let pages = tempfile::tempdir().unwrap();
    let man = cmd(&root())
        .args(["generate", "man"])
        .arg(pages.path())
        .output()
        .unwrap();
    assert!(man.status.success());
    let page = std::fs::read_to_string(pages.path().join("resetsquash.1")).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH resetsquash 1"),
        "{page}"
    );
    for needle in ["\\-\\-in\\-place", "\\-\\-flush\\-every", "Exit status"] {
        assert!(page.contains(needle), "man page lacks {needle}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(cmd(&root()).args(["generate", "completions", "bash"]));
    let script = dir.path().join("resetsquash.bash");
    std::fs::write(&script, &out).unwrap();
    // The real bash parses it.
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(check.success());
}

/// The README opens with a command and a summary line: that command prints that line.
#[test]
fn the_readme_sample_summary_line_is_what_its_first_command_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("the README's first command");
    let input = first["cargo run --release -- ".len()..]
        .split_whitespace()
        .next()
        .unwrap();
    let sample = readme
        .lines()
        .find(|l| l.contains(" resetsquash: squashed "))
        .expect("the README's sample summary line");
    let out = stdout_of(cmd(&root()).arg(input));
    let printed = String::from_utf8_lossy(&out);
    assert!(
        printed.lines().any(|l| l == sample),
        "`resetsquash {input}` does not print the README's sample:\n{sample}"
    );
}
