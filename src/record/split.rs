//! Whole texts cut into records with a fresh grammar, and why each cut was made: for rule
//! examples, `rules check` and tests, where the filter itself feeds the grammar line by line.
//!
//! Apart from the grammar because these only drive it over a text already in memory.

use regex::bytes::Regex;

use super::grammar::Grammar;
use super::line::{Kind, kind};

/// Cuts `text` into records with a fresh grammar: the byte ranges of each record, in order.
/// Used for rule examples and tests; the filter itself feeds [`Grammar`] line by line.
pub fn split_records(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    split_records_with_max_line(text, usize::MAX)
}

/// [`split_records`] as the filter cuts with a line limit of `max_line`: a line longer than that
/// (terminator included) is classified by its first `max_line` bytes, the only part of it the
/// filter holds (the rest streams through), so an exception named further along it is not seen.
pub fn split_records_with_max_line(text: &[u8], max_line: usize) -> Vec<std::ops::Range<usize>> {
    split_with(text, max_line, Grammar::default())
}

/// [`split_records_with_max_line`] as the filter cuts with `--record-start` (`None`: without
/// it).
pub fn split_records_starting(
    text: &[u8],
    record_start: Option<&Regex>,
    max_line: usize,
) -> Vec<std::ops::Range<usize>> {
    split_with(text, max_line, Grammar::new(record_start.cloned()))
}

fn split_with(text: &[u8], max_line: usize, mut grammar: Grammar) -> Vec<std::ops::Range<usize>> {
    let mut records = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i + 1);
        let line = if end - pos > max_line {
            &text[pos..pos + max_line]
        } else {
            text[pos..end]
                .strip_suffix(b"\n")
                .unwrap_or(&text[pos..end])
        };
        if grammar.step(line).starts_record && pos > start {
            records.push(start..pos);
            start = pos;
        }
        pos = end;
    }
    if pos > start {
        records.push(start..pos);
    }
    records
}

/// Whether `text`, cut as one record, holds together (see [`Soundness`](super::Soundness)).
pub fn is_sound(text: &[u8]) -> bool {
    is_sound_starting(text, None)
}

/// [`is_sound`] as the filter sees a record with `--record-start` (`None`: without it).
pub fn is_sound_starting(text: &[u8], record_start: Option<&Regex>) -> bool {
    let mut grammar = Grammar::new(record_start.cloned());
    for line in text.split_inclusive(|&b| b == b'\n') {
        grammar.step(line.strip_suffix(b"\n").unwrap_or(line));
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or(text);
    grammar.soundness().resolve(first)
}

/// Why a line that is not the first of `text` starts a record of its own (for a rule author
/// whose example was cut in several).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutReason {
    /// It matches `--record-start`.
    RecordStart,
    /// It looks like a header: a timestamp or level this grammar knows.
    Header,
    /// It is empty or white space: only a header's record or a trace continues over one.
    Blank,
    /// It starts at column 0, and after the lines before it the stack-trace grammar does not
    /// take it into their record (a Ruby backtrace line, a message line after a trace).
    Unindented,
    /// The record before it could take no more lines (a summary line, a closed socketserver
    /// block).
    AfterClosed,
}

/// Where `text` is cut into records after its first, and why: the 1-based line within `text`
/// of each record's first line, with the reason, in order.
pub fn cuts(text: &[u8], record_start: Option<&Regex>) -> Vec<(usize, CutReason)> {
    let mut out = Vec::new();
    for range in split_records_starting(text, record_start, usize::MAX)
        .into_iter()
        .skip(1)
    {
        // Examples are short: counting from the start each time is cheap.
        let n = memchr::memchr_iter(b'\n', &text[..range.start]).count();
        let line = text[range.clone()]
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let why = match record_start {
            Some(re) if re.is_match(line) => CutReason::RecordStart,
            Some(_) => CutReason::AfterClosed,
            None => match kind(line) {
                Kind::Header(_) => CutReason::Header,
                Kind::Blank => CutReason::Blank,
                _ if !matches!(line.first(), Some(b' ' | b'\t') | None) => CutReason::Unindented,
                _ => CutReason::AfterClosed,
            },
        };
        out.push((n + 1, why));
    }
    out
}
