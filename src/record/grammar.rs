//! The record grammar: a line at a time, whether it starts a record, and whether the record it
//! ends holds together.
//!
//! Apart from what one line is (`line.rs`) because this is the state across lines: what the
//! record so far has seen (a header, an exception line, frames, a Python traceback) decides what
//! the next line may continue.

use regex::bytes::Regex;

use super::line::{
    Kind, is_access_line, is_intro, is_qualified_exception, is_ruby_frame, is_summary, kind,
    names_exception,
};
use crate::header::{self, Format, Header};

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
    /// No line starts a record: the caller cuts them (see [`Grammar::cut_by_caller`]).
    caller_cuts: bool,
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
    /// The last line was blank.
    after_blank: bool,
    /// The last line was a `Caused by: ` with nothing after it: Jetty's StdErrLog prints the
    /// cause's exception line on the next line, at column 0.
    bare_cause: bool,
    /// Frames came straight after the header line, with no exception line: sound only if the
    /// header line itself names the exception (see [`Soundness`]).
    frames_after_header: bool,
    /// An indented Ruby backtrace line was seen (`\t/path/file.rb:12:in `m'`, as WEBrick and
    /// Thin write them): the trace is the record's last part, so no unindented line after it
    /// continues the record.
    ruby_trace: bool,
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

impl Grammar {
    /// A grammar; with `custom_start`, a line starts a record exactly when it matches the regex
    /// (the built-in header formats are then not used).
    pub fn new(custom_start: Option<Regex>) -> Self {
        Grammar {
            custom_start,
            caller_cuts: false,
            rec: RecordShape::default(),
        }
    }

    /// A grammar in which no line starts a record of its own: the caller cuts records, with
    /// [`Grammar::reset`] between them (a JSON-lines record is one line of the log, whatever
    /// its text holds). A timestamp it recognises at a record's start still sets the clock.
    pub fn cut_by_caller() -> Self {
        Grammar {
            caller_cuts: true,
            ..Grammar::new(None)
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
        if self.caller_cuts || self.custom_start.is_some() {
            let previous = self.soundness();
            let starts = self
                .custom_start
                .as_ref()
                .is_some_and(|re| re.is_match(line))
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
        // tornado's LogFormatter indents every line after a record's first by four spaces: an
        // unindented line is another record (or another program's). And httpd's message with
        // an APR error, `(104)Connection reset by peer: core_output_filter: …`, starts one of
        // httpd's records wherever it is (written without its `[date]`, it follows whatever
        // came before it in a shared log).
        let apr_error = || {
            let n = line
                .iter()
                .skip(1)
                .take_while(|b| b.is_ascii_digit())
                .count();
            line.first() == Some(&b'(')
                && (1..=6).contains(&n)
                && line.get(n + 1) == Some(&b')')
                && line.get(n + 2).is_some_and(u8::is_ascii_uppercase)
        };
        if (r.kind == RecordKind::Header(Format::Tornado)
            && kind != Kind::Blank
            && !line.starts_with(b" "))
            || (kind == Kind::Other && apr_error())
        {
            return self.begin(kind, line);
        }
        let was_intro = std::mem::replace(&mut r.intro, false);
        let after_blank = std::mem::replace(&mut r.after_blank, kind == Kind::Blank);
        let bare_cause = std::mem::replace(
            &mut r.bare_cause,
            kind == Kind::Cause && line.trim_ascii() == b"Caused by:",
        );
        // Without headers, an indented exception line after a blank line starts a record, and
        // a blank line ends a trace: Koa's default error listener writes each error's stack
        // indented by two spaces between blank lines, and koa-logger's request lines, which
        // follow, are indented too.
        let after_blank_starts = match kind {
            Kind::Exception { indented: true } => true,
            Kind::Indented => r.exception || r.frames,
            _ => false,
        };
        // (Not inside a Python traceback: tornado indents its chained ones between blank lines.)
        if after_blank
            && after_blank_starts
            && r.kind == RecordKind::Plain
            && r.python == Python::None
        {
            return self.begin(kind, line);
        }
        let cont = match kind {
            Kind::Header(_) | Kind::Json => false,
            Kind::Blank => {
                matches!(r.kind, RecordKind::Header(_) | RecordKind::Dashes)
                    || r.exception
                    || r.frames
            }
            Kind::Frame => {
                // Frames need an exception line before them; a header line may carry it
                // itself (`… ERROR … System.IO.IOException: …` then `   at …`), and so may
                // a plain message line (Node's `console.error('Pipeline failed.', err)`).
                if !r.exception {
                    if r.lines == 1 && matches!(r.kind, RecordKind::Header(_) | RecordKind::Plain) {
                        r.frames_after_header = true;
                        r.exception = true;
                    } else {
                        r.broken = true;
                    }
                }
                r.frames = true;
                true
            }
            Kind::Indented => {
                r.ruby_trace = r.ruby_trace || is_ruby_frame(line);
                true
            }
            Kind::Exception { indented: true } | Kind::Cause => {
                // An indented Python traceback (tornado's LogFormatter indents it under its
                // message) is followed as an unindented one is, so a chained one stays in it.
                if kind == Kind::Cause
                    && line
                        .trim_ascii_start()
                        .starts_with(b"Traceback (most recent call last):")
                {
                    r.python = Python::InTraceback;
                    r.frames = false;
                } else if kind != Kind::Cause && r.python == Python::InTraceback && r.frames {
                    r.python = Python::Done;
                }
                r.exception = true;
                if line
                    .trim_ascii_start()
                    .starts_with(b"Traceback (most recent call last):")
                {
                    // An indented Python traceback (tornado, Twisted): every line of it is
                    // indented, so a line at column 0 after it is someone else's, even where
                    // it has no frames (Twisted's failures).
                    r.python = Python::Done;
                }
                true
            }
            Kind::Exception { indented: false } => {
                if bare_cause {
                    true
                } else if r.python == Python::InTraceback && r.frames {
                    // The exception line that ends a Python traceback.
                    r.python = Python::Done;
                    true
                } else if !r.frames
                    && !r.exception
                    && ((was_intro
                        // An intro under a header whose format prints no such exceptions is
                        // its message's end, not another trace's start.
                        && !matches!(r.kind, RecordKind::Header(f) if !f.exceptions_at_column_0()))
                        || (matches!(r.kind, RecordKind::Header(f) if f.exceptions_at_column_0())
                            && !r.ruby_trace
                            && is_qualified_exception(line)))
                {
                    // The record's first exception line. Once it has one (or a cause, or an
                    // indented traceback with no frames, as Twisted's failures are), another
                    // at column 0 is someone else's printStackTrace().
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
                    && !r.ruby_trace
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
                self.rec.closed = h.format == Format::AccessLog || is_access_line(line);
            }
            Kind::Dashes => self.start(RecordKind::Dashes),
            Kind::Json => {
                // A JSON-lines logger writes one object per line: it continues no record
                // before it (an nginx line in the same `docker logs`) and none after it.
                self.start(RecordKind::Plain);
                self.rec.closed = true;
            }
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
                    Kind::Blank => r.after_blank = true,
                    Kind::Header(_) | Kind::Dashes | Kind::Json => {}
                }
            }
        }
        true
    }
}
