//! Shared test helpers: run the real binary, compare bytes readably, check the invariants.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use resetsquash::record::split_records;
use resetsquash::summary::Summary;

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

/// What [`check_invariants`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    pub records: usize,
    pub kept: usize,
    pub squashed: u64,
    pub summaries: usize,
    /// Squashed records per rule id.
    pub per_rule: std::collections::BTreeMap<String, u64>,
}

/// Checks the filter's promises on one input and its output, and returns the accounting:
///
/// - the output is the input's records, each either present whole and unchanged, in order, or
///   absent, with summary lines in between (so no header is ever orphaned from its trace);
/// - the summary counts add up to the records that are absent, and their `lines` and `bytes` to
///   what those records took.
#[track_caller]
pub fn check_invariants(input: &[u8], output: &[u8]) -> Accounting {
    let mut acc = Accounting::default();
    let mut pos = 0; // in output
    let mut removed_records = 0u64;
    let mut removed_lines = 0u64;
    let mut removed_bytes = 0u64;
    let mut summed = (0u64, 0u64, 0u64);
    let mut take_summaries = |pos: &mut usize, acc: &mut Accounting| {
        while *pos < output.len() {
            let end = memchr_nl(output, *pos);
            let line = &output[*pos..end];
            let Some(s) = Summary::parse(line) else { break };
            if input_contains_line(input, line) {
                break; // a summary line that was in the input (a log squashed before)
            }
            summed.0 += s.count;
            summed.1 += s.lines;
            summed.2 += s.bytes;
            *acc.per_rule.entry(s.rule.clone()).or_default() += s.count;
            acc.summaries += 1;
            *pos = end;
        }
    };
    for range in split_records(input) {
        let record = &input[range];
        acc.records += 1;
        take_summaries(&mut pos, &mut acc);
        if output[pos..].starts_with(record) {
            pos += record.len();
            acc.kept += 1;
        } else {
            removed_records += 1;
            removed_lines += record.split_inclusive(|&b| b == b'\n').count() as u64;
            removed_bytes += record.len() as u64;
        }
    }
    take_summaries(&mut pos, &mut acc);
    assert_eq!(
        pos,
        output.len(),
        "output has bytes that are neither input records nor summaries, at byte {pos}: {:?}",
        String::from_utf8_lossy(&output[pos..output.len().min(pos + 200)])
    );
    assert_eq!(
        summed.0, removed_records,
        "summary counts vs records removed"
    );
    assert_eq!(summed.1, removed_lines, "summary lines= vs lines removed");
    assert_eq!(summed.2, removed_bytes, "summary bytes= vs bytes removed");
    acc.squashed = removed_records;
    acc
}

fn memchr_nl(s: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &s[from..]).map_or(s.len(), |i| from + i + 1)
}

fn input_contains_line(input: &[u8], line: &[u8]) -> bool {
    memchr::memmem::find(input, line).is_some()
}
