//! Shared test helpers: run the real binary, compare bytes readably, check the invariants.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod check;
pub use check::{check_invariants, check_invariants_at, check_invariants_cut, check_shipped};

/// The crate's root folder (where `testdata/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// The `resetsquash` binary, with a clean environment, run in `dir`.
pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_resetsquash"));
    c.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    c
}

/// The benchmark generator's binary (cargo builds examples for `cargo test`).
pub fn genlog() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_resetsquash"));
    let path = bin.parent().unwrap().join("examples").join("genlog");
    assert!(
        path.exists(),
        "{} is missing: cargo test builds it",
        path.display()
    );
    path
}

/// Whole logs to run every path on: six real logs from the corpus, and six generated ones, one
/// per generator format, of `size` bytes each (as `genlog --size` takes it), seeded from `seed`.
pub fn real_and_generated_logs(size: &str, seed: u32) -> Vec<(String, Vec<u8>)> {
    let mut logs: Vec<(String, Vec<u8>)> = Vec::new();
    for file in [
        "tomcat10/catalina.out",
        "tomcat10/localhost.2026-11-24.log",
        "nginx/error.log",
        "python/gunicorn-error.log",
        "python/stream_server.log",
        "jdk-httpserver/env-LANG-zh_CN.log",
    ] {
        logs.push((
            file.into(),
            std::fs::read(testdata("corpus").join(file)).unwrap(),
        ));
    }
    let formats = ["mixed", "tomcat", "springboot", "nginx", "python", "jdk"];
    for (format, seed) in formats.into_iter().zip(seed..) {
        let log = stdout_of(Command::new(genlog()).args([
            "--size",
            size,
            "--seed",
            &seed.to_string(),
            "--format",
            format,
        ]));
        logs.push((format!("generated {format} log"), log));
    }
    logs
}

/// Runs `c`, asserts that it succeeded and returns what it wrote on standard output: the run
/// that most tests make. A failure names the command and shows its standard error, so that the
/// caller needs no message of its own.
#[track_caller]
pub fn stdout_of(c: &mut Command) -> Vec<u8> {
    let out = match c.output() {
        Ok(out) => out,
        Err(e) => panic!("`{}` did not start: {e}", shown(c)),
    };
    succeeded(&shown(c), out)
}

/// [`stdout_of`] with `input` on standard input.
#[track_caller]
pub fn stdout_with_stdin(c: Command, input: &[u8]) -> Vec<u8> {
    let what = shown(&c);
    succeeded(&what, run_with_stdin(c, input))
}

#[track_caller]
fn succeeded(what: &str, out: Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "`{what}` failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A command as one would type it: the program's file name, then its arguments.
fn shown(c: &Command) -> String {
    let program = Path::new(c.get_program())
        .file_name()
        .unwrap_or(c.get_program());
    std::iter::once(program)
        .chain(c.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `c` with `input` on stdin.
pub fn run_with_stdin(mut c: Command, input: &[u8]) -> Output {
    use std::io::Write;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn resetsquash");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Runs `c` with its standard output a pipe nobody reads at first, so that it stops in a write
/// once the pipe is full; calls `meanwhile` with its process id; then reads everything it
/// writes and waits for it.
pub fn run_with_reader_stalled(mut c: Command, meanwhile: impl FnOnce(u32)) -> Output {
    use std::io::Read;
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn resetsquash");
    std::thread::sleep(std::time::Duration::from_millis(300));
    meanwhile(child.id());
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stdout = stdout;
    out
}

/// Real Tomcat client-abort records (with the log lines around them), from the corpus.
pub fn tomcat_aborts() -> Vec<u8> {
    std::fs::read(testdata("excerpts/tomcat/tomcat-client-abort.squash.log")).unwrap()
}

/// `ordinary line N` lines, numbered from `from`: ordinary log lines whose order and gaps a
/// test can read back.
pub fn numbered(from: usize, count: usize) -> Vec<u8> {
    (from..from + count)
        .flat_map(|i| format!("ordinary line {i:08}\n").into_bytes())
        .collect()
}

/// What resetsquash writes for `input` on standard output (the reference for other runs).
pub fn squashed(dir: &Path, input: &[u8]) -> Vec<u8> {
    stdout_with_stdin(cmd(dir), input)
}

/// Runs `--in-place` on `name` in `dir`, which must succeed.
pub fn in_place(dir: &Path, name: &str) -> Output {
    let out = cmd(dir).args(["--in-place", name]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `bytes` compressed by the real gzip program.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut c = Command::new("gzip");
    c.arg("-c");
    let out = run_with_stdin(c, bytes);
    assert!(out.status.success(), "gzip must be installed");
    out.stdout
}

/// The client aborts that the summary lines in `log` count.
pub fn summary_count(log: &[u8]) -> u64 {
    log.split_inclusive(|&b| b == b'\n')
        .filter_map(resetsquash::summary::Summary::parse)
        .map(|s| s.count)
        .sum()
}

/// Asserts two byte strings are equal, showing the first differing line when not.
#[track_caller]
pub fn assert_bytes_eq(got: &[u8], want: &[u8], context: &str) {
    if got == want {
        return;
    }
    let g: Vec<&[u8]> = got.split_inclusive(|&b| b == b'\n').collect();
    let w: Vec<&[u8]> = want.split_inclusive(|&b| b == b'\n').collect();
    let i = g
        .iter()
        .zip(&w)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(w.len()));
    let show = |l: Option<&&[u8]>| {
        l.map_or("<end>".to_string(), |l| {
            format!("{:?}", String::from_utf8_lossy(l))
        })
    };
    panic!(
        "{context}: output differs at line {} (got {} lines / {} bytes, want {} lines / {} bytes)\n  got:  {}\n  want: {}",
        i + 1,
        g.len(),
        got.len(),
        w.len(),
        want.len(),
        show(g.get(i)),
        show(w.get(i)),
    );
}

/// A tmpfs mounted on a fresh directory for one test, unmounted when dropped. The tests run as
/// root, where file modes stop nothing: a read-only mount does.
pub struct Mount {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Mount {
    pub fn tmpfs(options: &str) -> Mount {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnt");
        std::fs::create_dir(&path).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&path)
            .status()
            .expect("mount");
        assert!(status.success(), "mounting a tmpfs needs root");
        Mount { _dir: dir, path }
    }

    pub fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// `chattr +i`: not even root may change, replace or remove the file.
pub struct Immutable(PathBuf);

impl Immutable {
    pub fn set(path: &Path) -> Immutable {
        let status = Command::new("chattr").arg("+i").arg(path).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chattr (e2fsprogs) must be installed and the file system support +i"
        );
        Immutable(path.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}
