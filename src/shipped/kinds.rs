//! Each kind of prefix, as its writer formats it: where the prefix ends on a line, and the
//! stream it names. Read without regexes (every line of a prefixed log is read here).

use std::fmt;

/// What comes before the server's text on each line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `docker compose logs` and `up`: `web_1  | ` (v1) or `shop-web-1  | ` (v2), and with
    /// `--timestamps` Docker's time after the bar (in nanoseconds: an application's own
    /// header time there stays the application's). The stream is the service.
    Compose,
    /// `kubectl logs --timestamps`, `docker logs -t`: an RFC 3339 time in nanoseconds and a
    /// space.
    Timestamp,
    /// journald's short and short-iso formats, and syslog files as rsyslog writes them
    /// (RFC 3164 `Nov 24 15:35:04 host ident[pid]: `, or with an RFC 3339 time). The stream is
    /// `host ident[pid]`.
    Syslog,
    /// RFC 5424 as rsyslog's `RSYSLOG_SyslogProtocol23Format` writes it:
    /// `<134>1 2026-11-24T15:35:04.123Z host app 1234 - - `. The stream is `host app procid`.
    Syslog5424,
    /// Heroku's log drain: `2026-11-24T15:35:04.123456+00:00 app[web.1]: `. The stream is the
    /// dyno.
    Heroku,
    /// Kubernetes CRI log files (containerd, CRI-O): `<time> stdout|stderr P|F `, where `P`
    /// marks a line the runtime cut, continued by the stream's next line. The stream is
    /// `stdout` or `stderr`.
    Cri,
    /// Docker's json-file driver: each line a JSON object, `{"log":"…\n","stream":"stdout",
    /// "time":"…"}`, a long line in several whose `log` lacks the `\n`. The stream is
    /// `stdout` or `stderr`.
    DockerJson,
    /// No prefix, only colour escapes (a console pattern written to a file).
    Colour,
}

impl Kind {
    /// Every kind, most specific first: a CRI line is also a timestamped one, a Heroku line
    /// too.
    pub const ALL: [Kind; 8] = [
        Kind::DockerJson,
        Kind::Cri,
        Kind::Heroku,
        Kind::Syslog5424,
        Kind::Syslog,
        Kind::Compose,
        Kind::Timestamp,
        Kind::Colour,
    ];

    /// The name `--prefix` takes.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Compose => "compose",
            Kind::Timestamp => "timestamp",
            Kind::Syslog => "syslog",
            Kind::Syslog5424 => "rfc5424",
            Kind::Heroku => "heroku",
            Kind::Cri => "cri",
            Kind::DockerJson => "docker-json",
            Kind::Colour => "colour",
        }
    }

    /// Where this kind's prefix ends on `line` (without its terminator), and the stream it
    /// names; `None` if the line does not have it.
    pub fn split(self, line: &[u8]) -> Option<Split> {
        match self {
            Kind::Compose => compose(line),
            Kind::Timestamp => runtime_time(line, 0)
                .filter(|&e| line.get(e) == Some(&b' '))
                .map(|e| Split::plain(e + 1, 0..0)),
            Kind::Syslog => syslog(line),
            Kind::Syslog5424 => syslog5424(line),
            Kind::Heroku => heroku(line),
            Kind::Cri => cri(line),
            // Not a prefix: the line is decoded (see [`super::shape::Shape::clean`]).
            Kind::DockerJson => super::json::fields(line).map(|f| Split {
                end: 0,
                stream: f.stream,
                partial: false,
            }),
            Kind::Colour => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A prefix found on a line.
#[derive(Clone, Debug)]
pub struct Split {
    pub end: usize,
    pub stream: std::ops::Range<usize>,
    pub partial: bool,
}

impl Split {
    pub fn plain(end: usize, stream: std::ops::Range<usize>) -> Split {
        Split {
            end,
            stream,
            partial: false,
        }
    }
}

fn digits(line: &[u8], at: usize, n: usize) -> bool {
    line.get(at..at + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// The end of an RFC 3339 time at `at` (`2026-11-24T15:35:04`, a fraction, then `Z`,
/// `+00:00` or `+0000`).
fn rfc3339(line: &[u8], at: usize) -> Option<usize> {
    let l = |i: usize| line.get(at + i).copied();
    let shape = digits(line, at, 4)
        && l(4) == Some(b'-')
        && digits(line, at + 5, 2)
        && l(7) == Some(b'-')
        && digits(line, at + 8, 2)
        && l(10) == Some(b'T')
        && digits(line, at + 11, 2)
        && l(13) == Some(b':')
        && digits(line, at + 14, 2)
        && l(16) == Some(b':')
        && digits(line, at + 17, 2);
    if !shape {
        return None;
    }
    let mut i = at + 19;
    if line.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while line.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    match line.get(i) {
        Some(b'Z') => Some(i + 1),
        Some(b'+' | b'-') if digits(line, i + 1, 2) => {
            if line.get(i + 3) == Some(&b':') && digits(line, i + 4, 2) {
                Some(i + 6)
            } else if digits(line, i + 3, 2) {
                Some(i + 5)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The end of an RFC 3339 time at `at` in nanoseconds (at least 7 digits of fraction), as
/// container runtimes, Docker and kubectl stamp lines. An application's own header seldom has
/// more than microseconds, so a Spring Boot line `2026-11-24T15:35:04.101Z ERROR …` keeps its
/// time, which is its header's.
fn runtime_time(line: &[u8], at: usize) -> Option<usize> {
    let end = rfc3339(line, at)?;
    let fraction = line[at..end]
        .iter()
        .skip(20)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (line.get(at + 19) == Some(&b'.') && fraction >= 7).then_some(end)
}

/// A run of bytes without a space, at least one, from `at`: its end.
fn word(line: &[u8], at: usize) -> Option<usize> {
    let len = line.get(at..)?.iter().position(|&b| b == b' ')?;
    (len > 0).then_some(at + len)
}

/// `name  | ` (name: letters, digits, `_`, `.`, `-`; then spaces, a bar and a space), and an
/// RFC 3339 time after it when compose was asked for `--timestamps`.
fn compose(line: &[u8]) -> Option<Split> {
    let name = line
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')))?;
    if name == 0 || line[name] != b' ' {
        return None;
    }
    let mut i = name;
    while line.get(i) == Some(&b' ') {
        i += 1;
    }
    if line.get(i) != Some(&b'|') {
        return None;
    }
    // `| ` before text, or a bare `|` for an empty line.
    let mut end = match line.get(i + 1) {
        Some(b' ') => i + 2,
        None => i + 1,
        _ => return None,
    };
    if let Some(t) = runtime_time(line, end).filter(|&t| line.get(t) == Some(&b' ')) {
        end = t + 1;
    }
    Some(Split::plain(end, 0..name))
}

/// `Nov 24 15:35:04 host ident[pid]: ` or `2026-11-24T15:35:04+0000 host ident[pid]: ` (the
/// pid is optional; the ident is a word ending at `[` or `:`).
fn syslog(line: &[u8]) -> Option<Split> {
    let time_end = rfc3339(line, 0).or_else(|| {
        let month = line.get(..3)?;
        let ok = month[0].is_ascii_uppercase()
            && month[1..].iter().all(u8::is_ascii_lowercase)
            && line.get(3) == Some(&b' ')
            && (line.get(4) == Some(&b' ') || line.get(4).is_some_and(u8::is_ascii_digit))
            && line.get(5).is_some_and(u8::is_ascii_digit)
            && line.get(6) == Some(&b' ')
            && digits(line, 7, 2)
            && line.get(9) == Some(&b':')
            && digits(line, 10, 2)
            && line.get(12) == Some(&b':')
            && digits(line, 13, 2);
        ok.then_some(15)
    })?;
    if line.get(time_end) != Some(&b' ') {
        return None;
    }
    let host_start = time_end + 1;
    let host_end = word(line, host_start)?;
    let ident_start = host_end + 1;
    let mut i = ident_start;
    while let Some(&b) = line.get(i) {
        if matches!(b, b'[' | b':' | b' ') {
            break;
        }
        i += 1;
    }
    if i == ident_start {
        return None;
    }
    if line.get(i) == Some(&b'[') {
        let close = i + line.get(i..)?.iter().position(|&b| b == b']')?;
        if !line[i + 1..close].iter().all(u8::is_ascii_digit) || close == i + 1 {
            return None;
        }
        i = close + 1;
    }
    if line.get(i) != Some(&b':') {
        return None;
    }
    let end = match line.get(i + 1) {
        Some(b' ') => i + 2,
        None => i + 1,
        _ => return None,
    };
    Some(Split::plain(end, host_start..i))
}

/// `<PRI>1 TIME HOST APP PROCID MSGID SD ` (`-` for what is not there; the structured data a
/// `-` or `[…]` groups).
fn syslog5424(line: &[u8]) -> Option<Split> {
    if line.first() != Some(&b'<') {
        return None;
    }
    let close = line.iter().take(5).position(|&b| b == b'>')?;
    if close < 2 || !line[1..close].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if line.get(close + 1..close + 3) != Some(b"1 ") {
        return None;
    }
    let time = close + 3;
    let time_end =
        rfc3339(line, time).or_else(|| (line.get(time) == Some(&b'-')).then_some(time + 1))?;
    let host = time_end + 1;
    let host_end = word(line, host)?;
    let app_end = word(line, host_end + 1)?;
    let proc_end = word(line, app_end + 1)?;
    let msgid_end = word(line, proc_end + 1)?;
    let sd = msgid_end + 1;
    let sd_end = match line.get(sd) {
        Some(b'-') => sd + 1,
        Some(b'[') => {
            let mut i = sd;
            // `[id k="v"]…`, values may hold `]` escaped as `\]`.
            while line.get(i) == Some(&b'[') {
                let mut j = i + 1;
                loop {
                    match line.get(j)? {
                        b'\\' => j += 2,
                        b']' => break,
                        _ => j += 1,
                    }
                }
                i = j + 1;
            }
            i
        }
        _ => return None,
    };
    let end = match line.get(sd_end) {
        Some(b' ') => sd_end + 1,
        None => sd_end,
        _ => return None,
    };
    Some(Split::plain(end, host..proc_end))
}

/// `2026-11-24T15:35:04.123456+00:00 app[web.1]: ` (also `heroku[router]:`).
fn heroku(line: &[u8]) -> Option<Split> {
    let t = rfc3339(line, 0)?;
    if line.get(t) != Some(&b' ') {
        return None;
    }
    let source = t + 1;
    let open = source
        + line
            .get(source..)?
            .iter()
            .position(|&b| b == b'[' || b == b' ')?;
    if line[open] != b'[' || open == source {
        return None;
    }
    let close = open + line.get(open..)?.iter().position(|&b| b == b']')?;
    if line.get(close + 1..close + 3) != Some(b": ") {
        return None;
    }
    Some(Split::plain(close + 3, source..close + 1))
}

/// `2026-11-24T15:35:04.123456789Z stdout F ` (or `P`).
fn cri(line: &[u8]) -> Option<Split> {
    let t = rfc3339(line, 0)?;
    let rest = line.get(t..)?;
    if !(rest.starts_with(b" stdout ") || rest.starts_with(b" stderr ")) {
        return None;
    }
    let (stream, tag) = (t + 1..t + 7, t + 8);
    let partial = match line.get(tag) {
        Some(b'F') => false,
        Some(b'P') => true,
        _ => return None,
    };
    let end = match line.get(tag + 1) {
        Some(b' ') => tag + 2,
        None => tag + 1,
        _ => return None,
    };
    Some(Split {
        end,
        stream,
        partial,
    })
}

/// How a summary line is written into a shipped log: as it is, after its record's first
/// line's prefix, or wrapped as that line was (a json-file object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Wrap {
    #[default]
    Plain,
    Prefix(Vec<u8>),
    DockerJson {
        stream: Vec<u8>,
        time: Vec<u8>,
    },
    /// A record of a JSON-lines log: the summary is a record of the same writer.
    Json(Box<super::jsonout::JsonWrap>),
}

impl Wrap {
    /// The wrap of a summary standing for a record whose first line is `first` (its prefix
    /// `prefix_len` bytes long), in a log of `kind`: the same prefix, but a CRI line the runtime
    /// cut (`P`) is whole (`F`) as a summary; a json-file object of the same stream and time.
    pub fn of(kind: Option<Kind>, first: &[u8], prefix_len: usize) -> Wrap {
        match kind {
            Some(Kind::DockerJson) => {
                let body = first.strip_suffix(b"\n").unwrap_or(first);
                match super::json::fields(body) {
                    Some(f) => Wrap::DockerJson {
                        stream: body[f.stream].to_vec(),
                        time: body[f.time].to_vec(),
                    },
                    None => Wrap::Plain,
                }
            }
            _ if prefix_len == 0 => Wrap::Plain,
            _ => {
                let mut prefix = first[..prefix_len].to_vec();
                if kind == Some(Kind::Cri) && prefix.ends_with(b" P ") {
                    let n = prefix.len();
                    prefix[n - 2] = b'F';
                }
                Wrap::Prefix(prefix)
            }
        }
    }

    /// [`Wrap::of`] in a log of prefix `kind` whose records are `json`'s: a JSON-lines log's
    /// summary is a record of its writer.
    pub fn of_record(
        kind: Option<Kind>,
        json: Option<&'static crate::structured::Profile>,
        first: &[u8],
        prefix_len: usize,
    ) -> Wrap {
        if let Some(p) = json
            && kind.is_none()
            && let Some(j) = super::jsonout::JsonWrap::of(p, first)
        {
            return Wrap::Json(Box::new(j));
        }
        Wrap::of(kind, first, prefix_len)
    }

    /// `line` (a summary line, terminator included) as this wrap writes it, into `out`.
    pub fn write(&self, line: &[u8], out: &mut Vec<u8>) {
        match self {
            Wrap::Plain => out.extend_from_slice(line),
            Wrap::Prefix(p) => {
                out.extend_from_slice(p);
                out.extend_from_slice(line);
            }
            Wrap::Json(j) => j.write(line, out),
            Wrap::DockerJson { stream, time } => {
                out.extend_from_slice(b"{\"log\":\"");
                let body = line.strip_suffix(b"\n").unwrap_or(line);
                super::json::encode(body, out);
                out.extend_from_slice(b"\\n\",\"stream\":\"");
                out.extend_from_slice(stream);
                out.extend_from_slice(b"\",\"time\":\"");
                out.extend_from_slice(time);
                out.extend_from_slice(b"\"}\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_written_as_its_records_first_line_was() {
        let mut out = Vec::new();
        let cut = b"2026-11-24T15:35:04.1Z stdout P \tat x(Out";
        Wrap::of(Some(Kind::Cri), cut, 32).write(b"S\n", &mut out);
        assert_eq!(out, b"2026-11-24T15:35:04.1Z stdout F S\n");
        out.clear();
        Wrap::of(Some(Kind::Compose), b"web_1  | x\n", 9).write(b"S\n", &mut out);
        assert_eq!(out, b"web_1  | S\n");
        out.clear();
        let json = b"{\"log\":\"java.io.IOException: Broken pipe\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-24T15:35:04.5Z\"}\n";
        Wrap::of(Some(Kind::DockerJson), json, 0)
            .write(b"2026 resetsquash: squashed 1 \"g\"\n", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"log\":\"2026 resetsquash: squashed 1 \\\"g\\\"\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-24T15:35:04.5Z\"}\n"
        );
    }
}
