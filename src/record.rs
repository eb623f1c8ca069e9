//! Lines → records: where each log record begins and ends.
//!
//! A record is a first line and its continuation lines. Where the log has timestamped headers, a
//! header starts a record and its message, exception and stack trace follow it. Where it has none
//! (`printStackTrace()` output in catalina.out, Python's socketserver dumps), the record is cut by
//! stack-trace grammar: Java (exception line, `at` frames, `Caused by:`, `... N more`), Python
//! (`Traceback (most recent call last):` … the exception comes last, chained tracebacks),
//! .NET (` ---> ` inner exceptions) and Node (`    at ` frames).
//!
//! The invariant this module keeps: a header line is never separated from the trace it
//! introduces, and a record whose shape does not hold together (frames with no exception line in
//! front of them, as when two threads' output interleaves) is marked *broken*, so that it is
//! never squashed: when in doubt, keep.

use crate::header::{self, Format, Header};
use regex::bytes::Regex;

/// What [`Grammar::step`] decided about one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The line begins a new record (the previous one, if any, is complete).
    pub starts_record: bool,
    /// The line is a recognised header, with its timestamp.
    pub header: Option<Header>,
}

/// The record grammar, fed one line at a time.
///
/// It only needs the line itself and a few facts about the record so far, so it works the same
/// whether the line arrives in a buffer of one byte or of a megabyte.
#[derive(Debug, Default)]
pub struct Grammar {
    custom_start: Option<Regex>,
    rec: RecordShape,
}

/// What the grammar knows about the record being assembled.
#[derive(Clone, Copy, Debug, Default)]
struct RecordShape {
    kind: RecordKind,
    lines: usize,
    /// An exception line, `Caused by:` or `Traceback` was seen.
    exception: bool,
    /// A stack frame was seen.
    frames: bool,
    python: Python,
    /// The last line was a message line that introduces a trace ("… failed:").
    intro: bool,
    /// The record can take no more lines (a socketserver block after its closing dashes).
    closed: bool,
    broken: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum RecordKind {
    /// No record yet.
    #[default]
    None,
    /// Started by a header line of this format.
    Header(Format),
    /// Started by a line of dashes (Python's socketserver `handle_error`).
    Dashes,
    /// Started by any other line.
    Plain,
}

/// Where in a Python traceback the record is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Python {
    #[default]
    None,
    /// After `Traceback (most recent call last):`, before the exception line.
    InTraceback,
    /// After the exception line that ends a traceback.
    Done,
    /// After "During handling of the above exception…": another traceback follows.
    Chained,
}

/// The shape of one line, from the line alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Blank,
    Header(Header),
    /// Indented `at …`, `... N more`, `File "…"`.
    Frame,
    /// An exception line (`java.io.IOException: Broken pipe`), indented or not.
    Exception { indented: bool },
    /// `Caused by: …`, `Suppressed: …`, ` ---> …`.
    Cause,
    Traceback,
    /// "During handling of the above exception, another exception occurred:" and its sibling.
    PythonChain,
    Dashes,
    /// `}` closing Node's error-object dump.
    CloseBrace,
    /// Any other indented line (code lines of a Python traceback, multi-line messages).
    Indented,
    Other,
}

impl Grammar {
    /// A grammar; with `custom_start`, a line starts a record exactly when it matches the regex
    /// (the built-in header formats are then not used).
    pub fn new(custom_start: Option<Regex>) -> Self {
        Grammar {
            custom_start,
            rec: RecordShape::default(),
        }
    }

    /// Whether the current record may be squashed: it holds together as a record.
    pub fn record_is_sound(&self) -> bool {
        !self.rec.broken
    }

    /// Forgets the current record: the next line starts a new one, whatever it is. Used when a
    /// record is cut short (end of input).
    pub fn reset(&mut self) {
        self.rec = RecordShape::default();
    }

    /// Classifies `line` (its terminator removed) and advances the grammar.
    pub fn step(&mut self, line: &[u8]) -> Step {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(re) = &self.custom_start {
            let starts = re.is_match(line) || self.rec.kind == RecordKind::None;
            let header = starts.then_some(Header {
                format: Format::Custom,
                timestamp_len: 0,
                seconds: None,
            });
            if starts {
                self.start(RecordKind::Header(Format::Custom));
            } else {
                self.rec.lines += 1;
            }
            return Step {
                starts_record: starts,
                header,
            };
        }
        let kind = kind(line);
        let header = match kind {
            Kind::Header(h) => Some(h),
            _ => None,
        };
        let starts_record = self.advance(kind, line);
        Step {
            starts_record,
            header,
        }
    }

    fn start(&mut self, kind: RecordKind) {
        self.rec = RecordShape {
            kind,
            lines: 1,
            ..RecordShape::default()
        };
    }

    /// Applies one line; returns whether it starts a record.
    fn advance(&mut self, kind: Kind, line: &[u8]) -> bool {
        let r = &mut self.rec;
        if r.kind == RecordKind::None || r.closed {
            return self.begin(kind, line);
        }
        let was_intro = std::mem::replace(&mut r.intro, false);
        let cont = match kind {
            Kind::Header(_) => false,
            Kind::Blank => {
                matches!(r.kind, RecordKind::Header(_) | RecordKind::Dashes)
                    || r.exception
                    || r.frames
            }
            Kind::Frame => {
                if !r.exception {
                    r.broken = true;
                }
                r.frames = true;
                true
            }
            Kind::Indented => true,
            Kind::Exception { indented: true } | Kind::Cause => {
                r.exception = true;
                true
            }
            Kind::Exception { indented: false } => {
                if r.python == Python::InTraceback && r.frames {
                    // The exception line that ends a Python traceback.
                    r.python = Python::Done;
                    true
                } else if !r.frames
                    && (was_intro
                        || matches!(r.kind, RecordKind::Header(f) if f.exceptions_at_column_0()))
                {
                    r.exception = true;
                    true
                } else {
                    false
                }
            }
            Kind::Traceback => {
                let cont = r.python == Python::Chained
                    || (!r.exception
                        && (was_intro || matches!(r.kind, RecordKind::Header(_))));
                if cont {
                    r.exception = true;
                    r.python = Python::InTraceback;
                    r.frames = false;
                }
                cont
            }
            Kind::PythonChain => {
                let cont = r.python == Python::Done;
                if cont {
                    r.python = Python::Chained;
                }
                cont
            }
            Kind::Dashes => {
                let cont = r.kind == RecordKind::Dashes && r.python == Python::Done;
                if cont {
                    r.closed = true;
                }
                cont
            }
            Kind::CloseBrace => r.exception,
            Kind::Other => {
                if r.kind == RecordKind::Dashes && r.lines == 1 {
                    r.intro = true;
                    true
                } else if matches!(r.kind, RecordKind::Header(_))
                    && !r.frames
                    && r.python == Python::None
                {
                    r.intro = is_intro(line);
                    true
                } else {
                    false
                }
            }
        };
        if cont {
            self.rec.lines += 1;
            false
        } else {
            self.begin(kind, line)
        }
    }

    /// Starts a record with this line.
    fn begin(&mut self, kind: Kind, line: &[u8]) -> bool {
        match kind {
            Kind::Header(h) => {
                self.start(RecordKind::Header(h.format));
                // A one-line JUL SimpleFormatter header is followed by its `LEVEL: message` line.
            }
            Kind::Dashes => self.start(RecordKind::Dashes),
            _ => {
                self.start(RecordKind::Plain);
                let r = &mut self.rec;
                match kind {
                    Kind::Exception { .. } | Kind::Cause => r.exception = true,
                    Kind::Traceback => {
                        r.exception = true;
                        r.python = Python::InTraceback;
                    }
                    Kind::Frame => {
                        // A trace whose head is not in this record.
                        r.frames = true;
                        r.broken = true;
                    }
                    Kind::Indented | Kind::PythonChain | Kind::CloseBrace => r.broken = true,
                    Kind::Other => r.intro = is_intro(line),
                    Kind::Blank | Kind::Header(_) | Kind::Dashes => {}
                }
            }
        }
        true
    }
}

/// A message line that introduces the trace printed after it.
fn is_intro(line: &[u8]) -> bool {
    let line = trim_end(line);
    line.ends_with(b":")
        || line.starts_with(b"Exception occurred during processing of request")
        || line.starts_with(b"Exception happened during processing of request")
        || line.starts_with(b"Exception in thread ")
}

fn trim_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &line[..end]
}

fn trim_start(line: &[u8]) -> &[u8] {
    let start = line
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(line.len());
    &line[start..]
}

fn kind(line: &[u8]) -> Kind {
    let Some(&first) = line.first() else {
        return Kind::Blank;
    };
    if first == b' ' || first == b'\t' {
        let t = trim_start(line);
        if t.is_empty() {
            Kind::Blank
        } else if is_frame(t) {
            Kind::Frame
        } else if t.starts_with(b"Caused by:")
            || t.starts_with(b"Suppressed:")
            || t.starts_with(b"---> ")
        {
            Kind::Cause
        } else if exception_class(t).is_some() {
            Kind::Exception { indented: true }
        } else {
            Kind::Indented
        }
    } else if let Some(h) = header::detect(line) {
        Kind::Header(h)
    } else if line.starts_with(b"Caused by:") {
        Kind::Cause
    } else if line.starts_with(b"Traceback (most recent call last):") {
        Kind::Traceback
    } else if line.starts_with(b"During handling of the above exception")
        || line.starts_with(b"The above exception was the direct cause")
    {
        Kind::PythonChain
    } else if line.len() >= 20 && trim_end(line).iter().all(|&b| b == b'-') {
        Kind::Dashes
    } else if trim_end(line) == b"}" {
        Kind::CloseBrace
    } else if exception_class(line).is_some() {
        Kind::Exception { indented: false }
    } else {
        Kind::Other
    }
}

/// A stack frame line, its indentation removed.
fn is_frame(t: &[u8]) -> bool {
    t.starts_with(b"at ")
        || t.starts_with(b"File \"")
        || (t.starts_with(b"... ")
            && (t.ends_with(b" more") || t.ends_with(b" omitted") || t.ends_with(b" more\r")))
}

/// If `line` is an exception line, the exception's class name.
///
/// An exception line is a class name, then `: ` and a message or the end of the line:
/// `java.io.IOException: Broken pipe`, `BrokenPipeError: [Errno 32] Broken pipe`,
/// `Error: write EPIPE`, `Exception in thread "main" java.lang.IllegalStateException: x`.
/// The name must be qualified or end in `Exception`, `Error` or `Throwable`, so that message
/// lines such as `SEVERE: failed` or `Note: retrying` are not taken for one.
pub fn exception_class(line: &[u8]) -> Option<&[u8]> {
    let mut s = line;
    if let Some(rest) = s.strip_prefix(b"Exception in thread \"") {
        let close = memchr::memchr(b'"', rest)?;
        s = rest.get(close + 1..)?.strip_prefix(b" ")?;
    }
    let end = s
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.'))
        .unwrap_or(s.len());
    let name = &s[..end];
    let rest = &s[end..];
    if name.is_empty() || !(name[0].is_ascii_alphabetic() || name[0] == b'_') {
        return None;
    }
    if name.ends_with(b".") || name.windows(2).any(|w| w == b"..") {
        return None;
    }
    let at_end = rest.is_empty() || rest == b"\r" || rest == b" ";
    if !(at_end || rest.starts_with(b": ") || rest == b":") {
        return None;
    }
    let simple = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    let looks_like_class = simple.ends_with(b"Exception")
        || simple.ends_with(b"Error")
        || simple.ends_with(b"Throwable")
        || (name.contains(&b'.') && simple.first().is_some_and(u8::is_ascii_uppercase));
    looks_like_class.then_some(name)
}

/// Cuts `text` into records with a fresh grammar: the byte ranges of each record, in order.
/// Used for rule examples and tests; the filter itself feeds [`Grammar`] line by line.
pub fn split_records(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut grammar = Grammar::default();
    let mut records = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].strip_suffix(b"\n").unwrap_or(&text[pos..end]);
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

/// Whether `text`, cut as one record, holds together (see [`Grammar::record_is_sound`]).
pub fn is_sound(text: &[u8]) -> bool {
    let mut grammar = Grammar::default();
    for line in text.split_inclusive(|&b| b == b'\n') {
        grammar.step(line.strip_suffix(b"\n").unwrap_or(line));
    }
    grammar.record_is_sound()
}

#[cfg(test)]
mod tests;
