//! An exception as a structured log holds it, made the text its runtime prints: a string
//! decoded (.NET's JSON console formatter's line ends given back), pino's and bunyan's `err`
//! object its `stack`, log4j2's `thrown` its frames, structlog's dict tracebacks a Python
//! traceback.

use super::scan::{self, Type, Val};

/// The text of the exception value `v` of a record of profile `profile`, into `out`.
pub fn text(profile: &str, line: &[u8], v: &Val, out: &mut Vec<u8>) {
    match v.ty {
        Type::Str if profile == "dotnet" => {
            let mut t = Vec::new();
            value_text(line, v, &mut t);
            dotnet_lines(&t, out);
        }
        Type::Obj => object(line, v, out, 0),
        Type::Arr => {
            for e in scan::elements_of(line, &v.at) {
                if e.ty == Type::Obj {
                    python_exception(line, &e, out);
                }
            }
        }
        Type::Null | Type::Bool => {}
        _ => value_text(line, v, out),
    }
}

/// `Exception.ToString()` with its line ends made spaces (as the JSON console formatter's
/// single-line option leaves it): each frame and inner exception on its own line again.
fn dotnet_lines(t: &[u8], out: &mut Vec<u8>) {
    if memchr::memchr(b'\n', t).is_some() {
        out.extend_from_slice(t);
        return;
    }
    const BREAKS: [(&[u8], &[u8]); 3] = [
        (b"    at ", b"\n   at "),
        (b"  ---> ", b"\n ---> "),
        (b"    --- End of ", b"\n   --- End of "),
    ];
    let mut i = 0;
    'next: while i < t.len() {
        for (from, to) in BREAKS {
            if t[i..].starts_with(from) {
                out.extend_from_slice(to);
                i += from.len();
                continue 'next;
            }
        }
        out.push(t[i]);
        i += 1;
    }
}

/// An error object: its stack if it has one (pino, bunyan, ECS's `error`), log4j2's frames
/// (`thrown`), or its type and message.
fn object(line: &[u8], v: &Val, out: &mut Vec<u8>, depth: usize) {
    let mut m = Vec::new();
    scan::members_of(line, &v.at, &mut m);
    let field = |path: &str| scan::find(line, &m, path);
    let start = out.len();
    if let Some(s) = field("stack").or_else(|| field("stack_trace")) {
        value_text(line, &s, out);
    } else if let Some(frames) = field("extendedStackTrace").or_else(|| field("stackTrace")) {
        let name = field("name").or_else(|| field("type"));
        if let Some(n) = name {
            value_text(line, &n, out);
        }
        if let Some(msg) = field("message").or_else(|| field("localizedMessage")) {
            out.extend_from_slice(b": ");
            value_text(line, &msg, out);
        }
        out.push(b'\n');
        java_frames(line, &frames, out);
        if let Some(cause) = field("cause")
            && cause.ty == Type::Obj
            && depth < 16
        {
            out.extend_from_slice(b"Caused by: ");
            object(line, &cause, out, depth + 1);
        }
    } else if let Some(t) = field("type").or_else(|| field("name")) {
        value_text(line, &t, out);
        if let Some(msg) = field("message") {
            out.extend_from_slice(b": ");
            value_text(line, &msg, out);
        }
    }
    if out.len() > start && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
}

/// log4j2 JsonLayout's frames: `{"class":…,"method":…,"file":…,"line":…}` each.
fn java_frames(line: &[u8], frames: &Val, out: &mut Vec<u8>) {
    if frames.ty != Type::Arr {
        return;
    }
    let mut m = Vec::new();
    for f in scan::elements_of(line, &frames.at) {
        if f.ty != Type::Obj {
            continue;
        }
        scan::members_of(line, &f.at, &mut m);
        let get = |k: &str, out: &mut Vec<u8>| {
            if let Some(v) = scan::find(line, &m, k) {
                value_text(line, &v, out);
            }
        };
        out.extend_from_slice(b"\tat ");
        get("class", out);
        out.push(b'.');
        get("method", out);
        out.push(b'(');
        get("file", out);
        if scan::find(line, &m, "line").is_some() {
            out.push(b':');
            get("line", out);
        }
        out.extend_from_slice(b")\n");
    }
}

/// One of structlog's dict tracebacks: `{"exc_type","exc_value","frames":[{"filename",
/// "lineno","name"}]}`.
fn python_exception(line: &[u8], e: &Val, out: &mut Vec<u8>) {
    let mut m = Vec::new();
    scan::members_of(line, &e.at, &mut m);
    let get = |k: &str, out: &mut Vec<u8>| {
        if let Some(v) = scan::find(line, &m, k) {
            value_text(line, &v, out);
        }
    };
    out.extend_from_slice(b"Traceback (most recent call last):\n");
    if let Some(frames) = scan::find(line, &m, "frames")
        && frames.ty == Type::Arr
    {
        let mut fm = Vec::new();
        for f in scan::elements_of(line, &frames.at) {
            if f.ty != Type::Obj {
                continue;
            }
            scan::members_of(line, &f.at, &mut fm);
            let get = |k: &str, out: &mut Vec<u8>| {
                if let Some(v) = scan::find(line, &fm, k) {
                    value_text(line, &v, out);
                }
            };
            out.extend_from_slice(b"  File \"");
            get("filename", out);
            out.extend_from_slice(b"\", line ");
            get("lineno", out);
            out.extend_from_slice(b", in ");
            get("name", out);
            out.push(b'\n');
        }
    }
    get("exc_type", out);
    out.extend_from_slice(b": ");
    get("exc_value", out);
    out.push(b'\n');
}

/// A value as text: a string decoded (journald's byte arrays as their bytes), anything else as
/// the JSON wrote it.
pub fn value_text(line: &[u8], v: &Val, out: &mut Vec<u8>) {
    match v.ty {
        Type::Str => {
            super::string::decode(&line[v.at.clone()], out);
        }
        Type::Arr => {
            let bytes: Option<Vec<u8>> = scan::elements_of(line, &v.at)
                .iter()
                .map(|e| std::str::from_utf8(&line[e.at.clone()]).ok()?.parse().ok())
                .collect();
            match bytes {
                Some(b) => out.extend_from_slice(&b),
                None => out.extend_from_slice(&line[v.at.clone()]),
            }
        }
        _ => out.extend_from_slice(&line[v.at.clone()]),
    }
}
