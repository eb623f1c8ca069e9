//! What one line is, from the line alone: blank, a header, a frame, an exception line and its
//! class, a cause, a Python traceback's parts, a note inside a trace, or other text.
//!
//! Apart from the grammar because none of this depends on the lines before: the grammar asks it
//! of every line, and the exception chain of a squashed record is read with the same answers.

use crate::header::{self, Header};

/// The shape of one line, from the line alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Blank,
    Header(Header),
    /// Indented `at …`, `... N more`, `File "…"`.
    Frame,
    /// An exception line (`java.io.IOException: Broken pipe`), indented or not.
    Exception {
        indented: bool,
    },
    /// `Caused by: …`, `Suppressed: …`, ` ---> …`, an indented `Traceback (most recent call last):`.
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
    /// A JSON object on one line (`{"level":50,…}`: pino, bunyan, zap): a whole record.
    Json,
    Other,
}

/// Whether `line` is one of our own summary lines: the marker right after the timestamp of
/// its header, or at the start where the log has no timestamps. (Two byte comparisons: every
/// line passes here.)
pub(super) fn is_summary(line: &[u8], header: Option<Header>) -> bool {
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
/// or `Error` followed by `:`, or by a code and `:` (`Error [ERR_STREAM_PREMATURE_CLOSE]: …`),
/// so its frames may follow directly.
pub fn names_exception(line: &[u8]) -> bool {
    memchr::memmem::find_iter(line, b"Exception")
        .map(|i| i + b"Exception".len())
        .chain(memchr::memmem::find_iter(line, b"Error").map(|i| i + b"Error".len()))
        .any(|end| skip_code(&line[end..]).first() == Some(&b':'))
}

/// Whether an unindented exception line names its class with a package (`java.io.IOException`,
/// `org.apache.catalina.connector.ClientAbortException`): what logback, log4j2 and JUL print
/// under a header. Python's logging prints `Traceback` there instead, and a bare `TypeError: …`
/// or `Error: read ECONNRESET` after a header line is another program's output (a Node app's
/// stderr in the same file), not that header's trace.
pub(super) fn is_qualified_exception(line: &[u8]) -> bool {
    exception_class(line).is_some_and(|name| name.contains(&b'.'))
}

/// Whether an indented line is a Ruby backtrace line: `path:LINE:in `method'` (Ruby 3.4 quotes
/// `'Class#method'`), after its indentation and an optional `from `.
pub(super) fn is_ruby_frame(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    let t = t.strip_prefix(b"from ").unwrap_or(t);
    // Built once: every indented line of a record is asked until one is a Ruby frame.
    static IN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(":in "));
    IN.find_iter(t).any(|i| {
        i > 0
            && t[i - 1].is_ascii_digit()
            && matches!(t.get(i + 4), Some(b'`' | b'\''))
            && !t[..i].contains(&b' ')
    })
}

/// A message line that introduces the trace printed after it.
pub(super) fn is_intro(line: &[u8]) -> bool {
    let line = line.trim_ascii_end();
    line.ends_with(b":")
        || line.starts_with(b"Exception occurred during processing of request")
        || line.starts_with(b"Exception happened during processing of request")
        || line.starts_with(b"Exception in thread ")
}

pub(super) fn kind(line: &[u8]) -> Kind {
    let Some(&first) = line.first() else {
        return Kind::Blank;
    };
    if first == b' ' || first == b'\t' {
        let t = line.trim_ascii_start();
        if t.is_empty() {
            Kind::Blank
        } else if is_frame(t) {
            Kind::Frame
        } else if t.starts_with(b"Caused by:")
            || t.starts_with(b"Suppressed:")
            || t.starts_with(b"---> ")
            || t.starts_with(b"Traceback (most recent call last):")
        {
            // An indented Python traceback (tornado's LogFormatter indents the exception
            // text under its message) opens the trace as a cause line does.
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
    } else if line.len() >= 20 && line.trim_ascii_end().iter().all(|&b| b == b'-') {
        Kind::Dashes
    } else if line.starts_with(b"{\"") {
        Kind::Json
    } else if line.trim_ascii_end() == b"}" {
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
        let t = inner.trim_ascii_end();
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

/// An access-log line: a quoted request line followed by a status code
/// (`"GET /x HTTP/1.1" 200 512`), as nginx, Apache, Tomcat and Python's `http.server` write
/// them, and as aiohttp's and uvicorn's loggers write them behind their header. Such a line
/// has no trace after it.
pub fn is_access_line(line: &[u8]) -> bool {
    // Built once: every header line is asked.
    static HTTP: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("HTTP/"));
    // A request line is quoted: most header lines have no quote at all, and one byte is the
    // quickest search there is.
    let Some(quote) = memchr::memchr(b'"', line) else {
        return false;
    };
    HTTP.find_iter(&line[quote..])
        .map(|at| quote + at)
        .any(|at| {
            let rest = &line[at + b"HTTP/".len()..];
            let version = rest
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b'.')
                .count();
            let rest = &rest[version..];
            version > 0
                && rest.starts_with(b"\" ")
                && rest.len() >= 5
                && rest[2..5].iter().all(u8::is_ascii_digit)
        })
}
