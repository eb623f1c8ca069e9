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
    /// Where the line starts a record: whether the record it ends holds together.
    pub previous: Soundness,
}

/// Whether a record holds together well enough to be squashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soundness {
    Sound,
    /// Its shape is inconsistent (frames with no exception line before them): never squash.
    Broken,
    /// Frames follow the header line directly: sound if that line names an exception
    /// (see [`names_exception`]), which the caller, holding the line, decides.
    IfHeaderNamesException,
}

impl Soundness {
    /// Resolves [`Soundness::IfHeaderNamesException`] with the record's first line.
    pub fn resolve(self, first_line: &[u8]) -> bool {
        match self {
            Soundness::Sound => true,
            Soundness::Broken => false,
            Soundness::IfHeaderNamesException => names_exception(first_line),
        }
    }
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
    /// Frames came straight after the header line, with no exception line: sound only if the
    /// header line itself names the exception (see [`Soundness`]).
    frames_after_header: bool,
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
    Exception {
        indented: bool,
    },
    /// `Caused by: …`, `Suppressed: …`, ` ---> …`.
    Cause,
    Traceback,
    /// "During handling of the above exception, another exception occurred:" and its sibling.
    PythonChain,
    Dashes,
    /// Column-0 lines that belong inside a trace: Reactor's "Error has been observed at the
    /// following site(s):", "Original Stack Trace:", .NET's "--- End of stack trace …".
    TraceNote,
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

    /// Whether the current record is inside a stack trace (an exception line or a frame was
    /// seen): more of it may still be on its way, a line at a time.
    pub fn in_trace(&self) -> bool {
        self.rec.exception || self.rec.frames
    }

    /// Whether the current record holds together as a record, so far.
    pub fn soundness(&self) -> Soundness {
        if self.rec.broken {
            Soundness::Broken
        } else if self.rec.frames_after_header {
            Soundness::IfHeaderNamesException
        } else {
            Soundness::Sound
        }
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
            let previous = self.soundness();
            let starts = re.is_match(line)
                || self.rec.kind == RecordKind::None
                || self.rec.closed
                || is_summary(line, None);
            // The user decides where records start; a timestamp we recognise still sets the
            // clock, so windows and summary timestamps work as usual.
            let header = starts.then(|| {
                header::detect(line).unwrap_or(Header {
                    format: Format::Custom,
                    timestamp_len: 0,
                    seconds: None,
                })
            });
            if starts {
                self.start(RecordKind::Header(Format::Custom));
                self.rec.closed = is_summary(line, header);
            } else {
                self.rec.lines += 1;
            }
            return Step {
                starts_record: starts,
                header,
                previous,
            };
        }
        let kind = kind(line);
        let header = match kind {
            Kind::Header(h) => Some(h),
            _ => None,
        };
        let previous = self.soundness();
        if is_summary(line, header) {
            // One of our own summary lines is a record of one line: what follows it was not
            // part of the records it counts, so it must not become part of it either.
            self.start(RecordKind::Plain);
            self.rec.closed = true;
            return Step {
                starts_record: true,
                header,
                previous,
            };
        }
        let starts_record = self.advance(kind, line);
        Step {
            starts_record,
            header,
            previous,
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
                // Frames need an exception line before them; a header line may carry it
                // itself (`… ERROR … System.IO.IOException: …` then `   at …`).
                if !r.exception {
                    if r.lines == 1 && matches!(r.kind, RecordKind::Header(_)) {
                        r.frames_after_header = true;
                        r.exception = true;
                    } else {
                        r.broken = true;
                    }
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
                        || (matches!(r.kind, RecordKind::Header(f) if f.exceptions_at_column_0())
                            && is_qualified_exception(line)))
                {
                    r.exception = true;
                    true
                } else {
                    false
                }
            }
            Kind::Traceback => {
                let cont = r.python == Python::Chained
                    || (!r.exception && (was_intro || matches!(r.kind, RecordKind::Header(_))));
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
            Kind::CloseBrace | Kind::TraceNote => r.exception,
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
                // An access line is a record of one line: what follows it (Express logs the
                // error of a request right after morgan's line for it) is never its trace.
                self.rec.closed = h.format == Format::AccessLog;
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
                    Kind::Indented | Kind::PythonChain | Kind::CloseBrace | Kind::TraceNote => {
                        r.broken = true
                    }
                    Kind::Other => r.intro = is_intro(line),
                    Kind::Blank | Kind::Header(_) | Kind::Dashes => {}
                }
            }
        }
        true
    }
}

/// Whether `line` is one of our own summary lines: the marker right after the timestamp of
/// its header, or at the start where the log has no timestamps. (Two byte comparisons: every
/// line passes here.)
fn is_summary(line: &[u8], header: Option<Header>) -> bool {
    let rest = match header {
        Some(h) => match line
            .get(h.timestamp_len..)
            .and_then(|r| r.strip_prefix(b" "))
        {
            Some(rest) => rest,
            None => return false,
        },
        None => line,
    };
    rest.starts_with(crate::summary::MARKER)
}

/// Whether a header line carries an exception in its message: a word ending in `Exception`
/// or `Error` followed by `:` (so its frames may follow directly).
pub fn names_exception(line: &[u8]) -> bool {
    memchr::memmem::find_iter(line, b"Exception")
        .map(|i| i + b"Exception".len())
        .chain(memchr::memmem::find_iter(line, b"Error").map(|i| i + b"Error".len()))
        .any(|end| line.get(end) == Some(&b':'))
}

/// Whether an unindented exception line names its class with a package (`java.io.IOException`,
/// `org.apache.catalina.connector.ClientAbortException`): what logback, log4j2 and JUL print
/// under a header. Python's logging prints `Traceback` there instead, and a bare `TypeError: …`
/// or `Error: read ECONNRESET` after a header line is another program's output (a Node app's
/// stderr in the same file), not that header's trace.
fn is_qualified_exception(line: &[u8]) -> bool {
    exception_class(line).is_some_and(|name| name.contains(&b'.'))
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
    } else if TRACE_NOTES.iter().any(|n| line.starts_with(n)) {
        Kind::TraceNote
    } else if exception_class(line).is_some() {
        Kind::Exception { indented: false }
    } else {
        Kind::Other
    }
}

/// Column-0 lines that only ever occur inside a stack trace.
const TRACE_NOTES: &[&[u8]] = &[
    b"Error has been observed at the following site(s):",
    b"Original Stack Trace:",
    b"Stack trace:",
    b"--- End of ",
];

/// A stack frame line, its indentation removed.
fn is_frame(t: &[u8]) -> bool {
    t.starts_with(b"at ")
        || t.starts_with(b"File \"")
        || t.starts_with(b"--- End of ")
        || (t.starts_with(b"... ") && (t.ends_with(b" more") || t.ends_with(b" omitted")))
}

/// If `line` is an exception line, the exception's class name.
///
/// An exception line is a class name, then `: ` and a message or the end of the line:
/// `java.io.IOException: Broken pipe`, `BrokenPipeError: [Errno 32] Broken pipe`,
/// `Error: write EPIPE`, `Exception in thread "main" java.lang.IllegalStateException: x`,
/// Node's `[Error: Parse Error: Invalid header token] {` (an error without frames).
/// The name must be qualified or end in `Exception`, `Error` or `Throwable`, so that message
/// lines such as `SEVERE: failed` or `Note: retrying` are not taken for one.
pub fn exception_class(line: &[u8]) -> Option<&[u8]> {
    let mut s = line;
    // Node's util.inspect of an error that has no stack frames: `[Error: Parse Error: …] {`.
    if let Some(inner) = s.strip_prefix(b"[") {
        let t = trim_end(inner);
        if t.ends_with(b"] {") || t.ends_with(b"]") {
            s = inner;
        }
    }
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
    let rest = skip_code(rest);
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

/// Skips an error code between an exception's name and its message: .NET's
/// `SocketException (10054): …` and `(0x800704CD)`, Node's `Error [ERR_STREAM_PREMATURE_CLOSE]: …`.
pub fn skip_code(rest: &[u8]) -> &[u8] {
    for (open, close) in [(b" (", b')'), (b" [", b']')] {
        if let Some(inner) = rest.strip_prefix(open) {
            let Some(end) = memchr::memchr(close, inner) else {
                continue;
            };
            let code = &inner[..end];
            let ok = !code.is_empty()
                && code
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-');
            if ok && inner[end + 1..].starts_with(b":") {
                return &inner[end + 1..];
            }
        }
    }
    rest
}

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

/// Whether `text`, cut as one record, holds together (see [`Soundness`]).
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

#[cfg(test)]
mod tests;
