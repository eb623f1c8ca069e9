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
//! - `COUNT` is the number of records the line stands for, in decimal: all of them, but for
//!   the records absorbed into a multi-record event, which `absorbed` counts (an event is one
//!   client abort, counted once: see `rules/event.rs`).
//! - Keys, in this order: `rule` (the rule id), `group` (what the records were counted by),
//!   `lines` and `bytes` (how much of the log they took, absorbed records included),
//!   `absorbed` (only where non-zero), `first` and `last` (their first and
//!   last timestamps, absent where they had none), `sample` (the headline of the first one);
//!   then what the records said, for `report`: `kinds`, and the lists `endpoints`, `clients`,
//!   `frames` and `threads` (each absent where no record named one).
//!   Readers must ignore keys they do not know.
//! - A `VALUE` is written bare when it is non-empty and has no space, `"`, `=`, `\` or control
//!   byte; otherwise in double quotes, with `\\`, `\"` and `\xHH` (control bytes and bytes that
//!   are not UTF-8) escaped.
//!
//! What the records said (the value of each key, before the quoting above):
//!
//! ```text
//! kinds  = KIND ':' N (',' KIND ':' N)*      KIND: reset pipe pipe-download windows other
//! LIST   = ENTRY ('|' ENTRY)* ['|+' REST] | '+' REST
//! ENTRY  = TEXT '*' N                        TEXT with '\' and '|' escaped as '\\' and '\|'
//! ```
//!
//! - `kinds` is **exact**: every record the line stands for has one kind (ECONNRESET, EPIPE,
//!   Windows' 10053, anything else), and `pipe-download` counts those of the broken pipes that
//!   were sending a file or a large download. Only kinds with a count are written. A line
//!   without `kinds` was written by a resetsquash that did not say; one with it also writes
//!   every list that any of its records named.
//! - A `LIST` holds the most frequent values of one field (the request or servlet, the client
//!   address, the first application frame, the thread), largest first, each with its **exact**
//!   count among the line's records; `REST` counts the line's other records that named a value.
//!   So a list's total is exact, while over several lines a value's sum is a **lower bound**: a
//!   line that saw the value but did not list it counted it in `REST`. The writer lists at most
//!   ten values per list (as many as `report` shows) of at most 120 bytes each (cut at a
//!   character, as `report` cuts them in whole records too), and counts at most 16 distinct
//!   values per list per group: a value first met after 16 others only counts in `REST`.
//!   A summary line therefore stays within a few kilobytes, and so does a group's memory.
//!
//! Two real lines (`testdata/cases/tomcat-catalina-out` and `python-http-server`):
//!
//! ```text
//! 24-Nov-2026 15:35:06.519 resetsquash: squashed 6 rule=tomcat-client-abort group="ClientAbortException < IOException: Connection reset by peer" lines=309 bytes=25158 first="24-Nov-2026 15:35:04.806" last="24-Nov-2026 15:35:06.519" sample="org.apache.catalina.connector.ClientAbortException: java.io.IOException: Connection reset by peer" kinds=reset:6 frames=realogs.StreamServlet.doGet*6 threads=http-nio-127.0.0.1-18080-exec-5*1|http-nio-127.0.0.1-18080-exec-8*1|http-nio-127.0.0.1-18080-exec-9*1
//! resetsquash: squashed 5 rule=python-socketserver-abort group="BrokenPipeError: [Errno 32] Broken pipe" lines=125 bytes=6280 sample="BrokenPipeError: [Errno 32] Broken pipe" kinds=pipe:5,pipe-download:5 clients=127.0.0.1*5
//! ```
//!
//! In the first, three of the six records named no thread (`printStackTrace()` output has no
//! header line of its own), so the threads list counts three.

use crate::fields::Kinds;

/// The fixed marker every summary line carries; followed by the count.
pub const MARKER: &[u8] = b"resetsquash: squashed ";

/// The keys of the four lists, in the order of [`crate::fields::Fields::values`].
pub const LIST_KEYS: [&str; 4] = ["endpoints", "clients", "frames", "threads"];

/// The names of the kinds in `kinds=`.
const KIND_NAMES: [&str; 5] = ["reset", "pipe", "pipe-download", "windows", "other"];

/// The most frequent values of one field over a summary line's records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    /// Values with their exact counts, largest first as written.
    pub entries: Vec<(Vec<u8>, u64)>,
    /// The line's other records that named a value.
    pub rest: u64,
}

impl List {
    fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.rest == 0
    }

    fn write(&self, out: &mut Vec<u8>) {
        for (i, (value, n)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(b'|');
            }
            for &b in value {
                if b == b'\\' || b == b'|' {
                    out.push(b'\\');
                }
                out.push(b);
            }
            out.push(b'*');
            out.extend_from_slice(n.to_string().as_bytes());
        }
        if self.rest > 0 {
            if !self.entries.is_empty() {
                out.push(b'|');
            }
            out.push(b'+');
            out.extend_from_slice(self.rest.to_string().as_bytes());
        }
    }

    /// Reads a list; entries it cannot read are left out, as unknown keys are.
    fn parse(s: &[u8]) -> List {
        let mut list = List::default();
        let mut piece = Vec::new();
        let mut bytes = s.iter().copied().peekable();
        loop {
            match bytes.next() {
                Some(b'\\') if matches!(bytes.peek(), Some(b'\\' | b'|')) => {
                    piece.push(bytes.next().expect("peeked"));
                    continue;
                }
                Some(b'|') | None => {}
                Some(b) => {
                    piece.push(b);
                    continue;
                }
            }
            list.add_piece(&piece);
            piece.clear();
            if bytes.peek().is_none() {
                break;
            }
        }
        list
    }

    fn add_piece(&mut self, piece: &[u8]) {
        let number = |d: &[u8]| -> Option<u64> {
            if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(d).ok()?.parse().ok()
        };
        if let Some(star) = memchr::memrchr(b'*', piece)
            && let Some(n) = number(&piece[star + 1..])
        {
            self.entries.push((piece[..star].to_vec(), n));
        } else if let Some(n) = piece.strip_prefix(b"+").and_then(number) {
            self.rest = self.rest.saturating_add(n);
        }
    }
}

/// A summary line, as written or as parsed back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The timestamp that starts the line (without the separating space); may be empty.
    pub timestamp: Vec<u8>,
    pub count: u64,
    pub rule: String,
    pub group: Vec<u8>,
    /// Records absorbed into the events counted (see `rules/event.rs`): the line stands for
    /// `count + absorbed` records of the log, `count` client aborts.
    pub absorbed: u64,
    pub lines: u64,
    pub bytes: u64,
    pub first: Option<Vec<u8>>,
    pub last: Option<Vec<u8>>,
    pub sample: Vec<u8>,
    /// What the records were; `None` on a line that does not say (an older resetsquash's).
    pub kinds: Option<Kinds>,
    /// The endpoints, clients, application frames and threads (see [`LIST_KEYS`]).
    pub lists: [List; 4],
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
        if self.absorbed > 0 {
            field(out, "absorbed", self.absorbed.to_string().as_bytes());
        }
        if let Some(first) = &self.first {
            field(out, "first", first);
        }
        if let Some(last) = &self.last {
            field(out, "last", last);
        }
        field(out, "sample", &self.sample);
        if let Some(k) = &self.kinds {
            let mut v = Vec::new();
            let counts = [
                k.resets,
                k.broken_pipes,
                k.broken_pipes_on_downloads,
                k.windows_aborts,
                k.other,
            ];
            for (name, n) in KIND_NAMES.iter().zip(counts) {
                if n > 0 {
                    if !v.is_empty() {
                        v.push(b',');
                    }
                    v.extend_from_slice(format!("{name}:{n}").as_bytes());
                }
            }
            field(out, "kinds", &v);
        }
        for (key, list) in LIST_KEYS.iter().zip(&self.lists) {
            if !list.is_empty() {
                let mut v = Vec::new();
                list.write(&mut v);
                field(out, key, &v);
            }
        }
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
                b"absorbed" => s.absorbed = number()?,
                b"first" => s.first = Some(value),
                b"last" => s.last = Some(value),
                b"sample" => s.sample = value,
                b"kinds" => s.kinds = Some(parse_kinds(&value)),
                _ => {
                    if let Some(i) = LIST_KEYS.iter().position(|k| k.as_bytes() == key) {
                        s.lists[i] = List::parse(&value);
                    }
                }
            }
        }
        Some(s)
    }
}

/// Reads `kinds=`; kinds it does not know, and entries it cannot read, are left out.
fn parse_kinds(v: &[u8]) -> Kinds {
    let mut k = Kinds::default();
    for entry in v.split(|&b| b == b',') {
        let Some(colon) = memchr::memchr(b':', entry) else {
            continue;
        };
        let digits = &entry[colon + 1..];
        let Some(n) = std::str::from_utf8(digits)
            .ok()
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u64>().ok())
        else {
            continue;
        };
        let slot = match &entry[..colon] {
            b"reset" => &mut k.resets,
            b"pipe" => &mut k.broken_pipes,
            b"pipe-download" => &mut k.broken_pipes_on_downloads,
            b"windows" => &mut k.windows_aborts,
            b"other" => &mut k.other,
            _ => continue,
        };
        *slot = slot.saturating_add(n);
    }
    k
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
            absorbed: 0,
            lines: 480,
            bytes: 51_234,
            first: Some(b"24-Nov-2026 15:35:04.806".to_vec()),
            last: Some(b"24-Nov-2026 15:35:05.671".to_vec()),
            sample:
                b"org.apache.catalina.connector.ClientAbortException: java.io.IOException: \"x\"\\y"
                    .to_vec(),
            kinds: Some(Kinds {
                broken_pipes: 12,
                broken_pipes_on_downloads: 4,
                ..Kinds::default()
            }),
            lists: [
                List {
                    entries: vec![
                        (b"servlet stream [/app]".to_vec(), 8),
                        (b"servlet default [/app]".to_vec(), 4),
                    ],
                    rest: 0,
                },
                List::default(),
                List {
                    entries: vec![(b"shop.ExportServlet.doGet".to_vec(), 12)],
                    rest: 0,
                },
                List {
                    entries: vec![(b"exec-1".to_vec(), 3), (b"exec-2".to_vec(), 2)],
                    rest: 7,
                },
            ],
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
             \\\"x\\\"\\\\y\" kinds=pipe:12,pipe-download:4 \
             endpoints=\"servlet stream [/app]*8|servlet default [/app]*4\" \
             frames=shop.ExportServlet.doGet*12 threads=exec-1*3|exec-2*2|+7\n"
        );
    }

    #[test]
    fn a_list_value_keeps_its_bars_stars_and_backslashes() {
        let mut s = sample();
        s.lists[0].entries = vec![
            (b"GET /a|b".to_vec(), 2),
            (b"GET /*3".to_vec(), 1),
            (b"C:\\x\\".to_vec(), 1),
            (b"+5".to_vec(), 1),
        ];
        let mut out = Vec::new();
        s.write(b"\n", &mut out);
        let line = String::from_utf8(out.clone()).unwrap();
        assert!(
            line.contains(r#"endpoints="GET /a\\|b*2|GET /*3*1|C:\\\\x\\\\*1|+5*1""#),
            "{line}"
        );
        assert_eq!(Summary::parse(&out), Some(s));
    }

    #[test]
    fn what_a_reader_cannot_read_in_kinds_and_lists_is_left_out() {
        let line = b"resetsquash: squashed 3 rule=r kinds=reset:2,laser:9,pipe:x,other:1 \
                     clients=1.2.3.4*2|nocount|5.6.7.8*|+1 threads=";
        let s = Summary::parse(line).unwrap();
        assert_eq!(
            s.kinds,
            Some(Kinds {
                resets: 2,
                other: 1,
                ..Kinds::default()
            })
        );
        assert_eq!(
            s.lists[1],
            List {
                entries: vec![(b"1.2.3.4".to_vec(), 2)],
                rest: 1
            }
        );
        assert_eq!(s.lists[3], List::default());
        // A line of an older resetsquash says nothing about kinds: `None`, not zero of each.
        let old = b"resetsquash: squashed 3 rule=r group=g lines=3 bytes=30 sample=x";
        assert_eq!(Summary::parse(old).unwrap().kinds, None);
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

    /// The fuzz target's promise (`fuzz/fuzz_targets/summary.rs`), here over real lines with
    /// bytes changed: whatever parses, written back, parses to the same summary.
    #[test]
    fn whatever_parses_round_trips_also_with_bytes_changed() {
        let mut seeds: Vec<Vec<u8>> = Vec::new();
        let mut line = Vec::new();
        sample().write(b"\n", &mut line);
        seeds.push(line);
        seeds.push(
            b"resetsquash: squashed 3 kinds=reset:1,reset:2,pipe:0 clients=a\\|b*1|\\*2|+0|+4|\\ \
              frames=\"x\\\\\\\\|y*3|z*007\" threads=+1"
                .to_vec(),
        );
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"*|+\\\":,= 0123456789abc";
        let mut checked = 0;
        for seed in &seeds {
            for _ in 0..3000 {
                let mut m = seed.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % m.len() as u64) as usize;
                    m[at] = alphabet[(next() % alphabet.len() as u64) as usize];
                }
                let Some(parsed) = Summary::parse(&m) else {
                    continue;
                };
                checked += 1;
                let mut written = Vec::new();
                parsed.write(b"\n", &mut written);
                assert_eq!(
                    Summary::parse(&written).as_ref(),
                    Some(&parsed),
                    "{:?} written as {:?}",
                    String::from_utf8_lossy(&m),
                    String::from_utf8_lossy(&written)
                );
            }
        }
        assert!(checked > 1000, "{checked} lines parsed");
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
