//! The invariant checker: given an input and what the filter wrote for it, are the promises kept?
//!
//! It depends only on the library (no binary, no test data), so the fuzz targets in `fuzz/`
//! include this very file and check the same promises on arbitrary bytes.

use resetsquash::record::split_records_with_max_line;
use resetsquash::summary::Summary;

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
/// - the output, its summary lines set aside, is the input's records in order, each either
///   present whole and unchanged or absent (so no header is ever orphaned from its trace);
/// - the summary counts add up to the records that are absent, and their `lines` and `bytes` to
///   what those records took.
///
/// Records are cut as the filter cuts them with the default line limit (see
/// [`check_invariants_at`]).
#[track_caller]
pub fn check_invariants(input: &[u8], output: &[u8]) -> Accounting {
    check_invariants_at(input, output, resetsquash::Config::default().max_line)
}

/// [`check_invariants`] for a filter run with a line limit of `max_line`: a longer line is
/// classified by its first `max_line` bytes, which can move where a record ends.
#[track_caller]
pub fn check_invariants_at(input: &[u8], output: &[u8], max_line: usize) -> Accounting {
    check_invariants_cut(input, output, &split_records_with_max_line(input, max_line))
}

/// [`check_invariants`] with the input cut into `records` (byte ranges, in order) as the filter
/// run cut it: for a run with `--record-start`, say.
#[track_caller]
pub fn check_invariants_cut(
    input: &[u8],
    output: &[u8],
    records: &[std::ops::Range<usize>],
) -> Accounting {
    let mut acc = Accounting::default();
    // Summary lines the filter wrote (one in the input, from an earlier run, is a record).
    let mut rest = Vec::with_capacity(output.len());
    let mut summed = (0u64, 0u64, 0u64);
    let mut pos = 0;
    while pos < output.len() {
        let end = memchr_nl(output, pos);
        let line = &output[pos..end];
        match Summary::parse(line).or_else(|| json_summary(line)) {
            Some(s) if !input_contains_line(input, line) => {
                // An event is one count; the records it absorbed are `absorbed`.
                summed.0 += s.count + s.absorbed;
                summed.1 += s.lines;
                summed.2 += s.bytes;
                *acc.per_rule.entry(s.rule.clone()).or_default() += s.count;
                acc.summaries += 1;
            }
            _ => rest.extend_from_slice(line),
        }
        pos = end;
    }
    let records: Vec<&[u8]> = records.iter().map(|r| &input[r.clone()]).collect();
    acc.records = records.len();
    let kept = align(&records, &rest).unwrap_or_else(|| {
        panic!(
            "the output (summaries aside) is not the input's records with some left out whole:\n{}",
            String::from_utf8_lossy(&rest[..rest.len().min(2000)])
        )
    });
    let (mut removed, mut lines, mut bytes) = (0u64, 0u64, 0u64);
    for (record, kept) in records.iter().zip(&kept) {
        if *kept {
            acc.kept += 1;
        } else {
            removed += 1;
            lines += record.split_inclusive(|&b| b == b'\n').count() as u64;
            bytes += record.len() as u64;
        }
    }
    assert_eq!(summed.0, removed, "summary counts vs records removed");
    assert_eq!(summed.1, lines, "summary lines= vs lines removed");
    assert_eq!(summed.2, bytes, "summary bytes= vs bytes removed");
    acc.squashed = removed;
    acc
}

/// A summary written as a JSON-lines record (see `resetsquash::shipped::jsonout`): the plain
/// summary text in one of its top-level string fields.
fn json_summary(line: &[u8]) -> Option<Summary> {
    use resetsquash::structured::scan;
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    let mut members = Vec::new();
    if !scan::object(body, &mut members) {
        return None;
    }
    members.iter().find_map(|(_, v)| {
        let mut text = Vec::new();
        (v.ty == scan::Type::Str
            && resetsquash::structured::string::decode(&body[v.at.clone()], &mut text))
        .then_some(())?;
        text.starts_with(resetsquash::summary::MARKER)
            .then(|| Summary::parse(&text))
            .flatten()
    })
}

/// Which records, kept in order and whole, make up `out` exactly. Prefers keeping a record;
/// backtracks (with memory of dead ends) only where identical records make it ambiguous.
fn align(records: &[&[u8]], out: &[u8]) -> Option<Vec<bool>> {
    let mut dead = std::collections::HashSet::new();
    let mut kept = vec![false; records.len()];
    // Each frame: (record index, output position, what was tried: 0 nothing, 1 keep, 2 both).
    let mut stack = vec![(0usize, 0usize, 0u8)];
    while let Some(top) = stack.last_mut() {
        let (i, pos) = (top.0, top.1);
        if i == records.len() {
            if pos == out.len() {
                return Some(kept);
            }
            dead.insert((i, pos));
            stack.pop();
            continue;
        }
        match top.2 {
            0 => {
                top.2 = 1;
                let next = (i + 1, pos + records[i].len());
                if out[pos..].starts_with(records[i]) && !dead.contains(&next) {
                    kept[i] = true;
                    stack.push((next.0, next.1, 0));
                }
            }
            1 => {
                top.2 = 2;
                kept[i] = false;
                if !dead.contains(&(i + 1, pos)) {
                    stack.push((i + 1, pos, 0));
                }
            }
            _ => {
                dead.insert((i, pos));
                stack.pop();
            }
        }
    }
    None
}

fn memchr_nl(s: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &s[from..]).map_or(s.len(), |i| from + i + 1)
}

fn input_contains_line(input: &[u8], line: &[u8]) -> bool {
    memchr::memmem::find(input, line).is_some()
}
