//! The summary line: written in place of squashed records, and parsed back by `report`.
//!
//! Grammar (one line, terminated like the records it replaces):
//!
//! ```text
//! [TIMESTAMP ' '] 'resetsquash: squashed ' COUNT (' ' KEY '=' VALUE)* EOL
//! ```
//!
//! - `TIMESTAMP` is the timestamp of the last record counted, byte for byte as the log wrote it,
//!   so the line sorts and parses like the log's own records; absent where those records had none.
//! - `COUNT` is the number of records the line stands for, in decimal: all of them.
//! - Keys, in this order: `rule` (the rule id), `group` (what the records were counted by),
//!   `lines` and `bytes` (how much of the log they took), `first` and `last` (their first and
//!   last timestamps, absent where they had none), `sample` (the headline of the first one).
//!   Readers must ignore keys they do not know.
//! - A `VALUE` is written bare when it is non-empty and has no space, `"`, `=`, `\` or control
//!   byte; otherwise in double quotes, with `\\`, `\"` and `\xHH` (control bytes and bytes that
//!   are not UTF-8) escaped.

/// The fixed marker every summary line carries; followed by the count.
pub const MARKER: &[u8] = b"resetsquash: squashed ";

/// A summary line, as written or as parsed back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The timestamp that starts the line (without the separating space); may be empty.
    pub timestamp: Vec<u8>,
    pub count: u64,
    pub rule: String,
    pub group: Vec<u8>,
    pub lines: u64,
    pub bytes: u64,
    pub first: Option<Vec<u8>>,
    pub last: Option<Vec<u8>>,
    pub sample: Vec<u8>,
}

impl Summary {
    /// Appends the line, terminated by `eol`, to `out`.
    pub fn write(&self, eol: &[u8], out: &mut Vec<u8>) {
        if !self.timestamp.is_empty() {
            out.extend_from_slice(&self.timestamp);
            out.push(b' ');
        }
        out.extend_from_slice(MARKER);
        out.extend_from_slice(self.count.to_string().as_bytes());
        field(out, "rule", self.rule.as_bytes());
        field(out, "group", &self.group);
        field(out, "lines", self.lines.to_string().as_bytes());
        field(out, "bytes", self.bytes.to_string().as_bytes());
        if let Some(first) = &self.first {
            field(out, "first", first);
        }
        if let Some(last) = &self.last {
            field(out, "last", last);
        }
        field(out, "sample", &self.sample);
        out.extend_from_slice(eol);
    }

    /// Parses a summary line (its terminator may be present); `None` if it is not one.
    pub fn parse(line: &[u8]) -> Option<Summary> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let at = memchr::memmem::find(line, MARKER)?;
        let timestamp = match at {
            0 => Vec::new(),
            _ => line[..at].strip_suffix(b" ")?.to_vec(),
        };
        let rest = &line[at + MARKER.len()..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let count = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        let mut s = Summary {
            timestamp,
            count,
            ..Summary::default()
        };
        let mut rest = &rest[digits..];
        while !rest.is_empty() {
            rest = rest.strip_prefix(b" ")?;
            let eq = memchr::memchr(b'=', rest)?;
            let key = &rest[..eq];
            let (value, after) = parse_value(&rest[eq + 1..])?;
            rest = after;
            let number = || std::str::from_utf8(&value).ok()?.parse::<u64>().ok();
            match key {
                b"rule" => s.rule = String::from_utf8(value.clone()).ok()?,
                b"group" => s.group = value,
                b"lines" => s.lines = number()?,
                b"bytes" => s.bytes = number()?,
                b"first" => s.first = Some(value),
                b"last" => s.last = Some(value),
                b"sample" => s.sample = value,
                _ => {}
            }
        }
        Some(s)
    }
}

fn is_bare(b: u8) -> bool {
    b > b' ' && b != b'"' && b != b'=' && b != b'\\' && b != 0x7f
}

fn field(out: &mut Vec<u8>, key: &str, value: &[u8]) {
    out.push(b' ');
    out.extend_from_slice(key.as_bytes());
    out.push(b'=');
    let bare = !value.is_empty()
        && value.iter().all(|&b| is_bare(b))
        && std::str::from_utf8(value).is_ok();
    if bare {
        out.extend_from_slice(value);
        return;
    }
    out.push(b'"');
    for chunk in value.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.extend_from_slice(b"\\\""),
                '\\' => out.extend_from_slice(b"\\\\"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => hex(out, c as u8),
                c => {
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        for &b in chunk.invalid() {
            hex(out, b);
        }
    }
    out.push(b'"');
}

fn hex(out: &mut Vec<u8>, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.extend_from_slice(&[
        b'\\',
        b'x',
        DIGITS[usize::from(b >> 4)],
        DIGITS[usize::from(b & 15)],
    ]);
}

/// One value at the start of `s`: the value and what follows it.
fn parse_value(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let Some(mut rest) = s.strip_prefix(b"\"") else {
        let end = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
        return Some((s[..end].to_vec(), &s[end..]));
    };
    let mut value = Vec::new();
    loop {
        match *rest.first()? {
            b'"' => return Some((value, &rest[1..])),
            b'\\' => {
                match *rest.get(1)? {
                    b'x' => {
                        let h = std::str::from_utf8(rest.get(2..4)?).ok()?;
                        value.push(u8::from_str_radix(h, 16).ok()?);
                        rest = &rest[4..];
                        continue;
                    }
                    c @ (b'"' | b'\\') => value.push(c),
                    _ => return None,
                }
                rest = &rest[2..];
            }
            b => {
                value.push(b);
                rest = &rest[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Summary {
        Summary {
            timestamp: b"24-Nov-2026 15:35:05.671".to_vec(),
            count: 12,
            rule: "tomcat-client-abort".into(),
            group: b"ClientAbortException < IOException: Broken pipe".to_vec(),
            lines: 480,
            bytes: 51_234,
            first: Some(b"24-Nov-2026 15:35:04.806".to_vec()),
            last: Some(b"24-Nov-2026 15:35:05.671".to_vec()),
            sample:
                b"org.apache.catalina.connector.ClientAbortException: java.io.IOException: \"x\"\\y"
                    .to_vec(),
        }
    }

    #[test]
    fn writes_the_documented_grammar() {
        let mut out = Vec::new();
        sample().write(b"\n", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "24-Nov-2026 15:35:05.671 resetsquash: squashed 12 rule=tomcat-client-abort \
             group=\"ClientAbortException < IOException: Broken pipe\" lines=480 bytes=51234 \
             first=\"24-Nov-2026 15:35:04.806\" last=\"24-Nov-2026 15:35:05.671\" \
             sample=\"org.apache.catalina.connector.ClientAbortException: java.io.IOException: \
             \\\"x\\\"\\\\y\"\n"
        );
    }

    #[test]
    fn parses_back_what_it_writes() {
        let mut s = sample();
        s.sample = b"bad \xff utf-8 \x00 and \t tab".to_vec();
        s.first = None;
        for eol in [&b"\n"[..], b"\r\n", b""] {
            let mut out = Vec::new();
            s.write(eol, &mut out);
            assert_eq!(Summary::parse(&out), Some(s.clone()));
        }
    }

    #[test]
    fn without_timestamp_the_line_starts_with_the_marker() {
        let mut s = sample();
        s.timestamp.clear();
        let mut out = Vec::new();
        s.write(b"\n", &mut out);
        assert!(out.starts_with(MARKER));
        assert_eq!(Summary::parse(&out), Some(s));
    }

    #[test]
    fn ordinary_lines_are_not_summaries() {
        assert_eq!(
            Summary::parse(b"2026/11/24 15:48:49 [info] client closed"),
            None
        );
        assert_eq!(Summary::parse(b"resetsquash: squashed many"), None);
    }
}
