//! What a record's own text says, read without any rule: a syslog repeat, an access-log line,
//! a one-line record's cluster key, a cluster's sample.
//!
//! These are byte-level readings of one record with no state; the counting sink in
//! [`super::tally`] decides what to do with them.

pub use crate::record::is_access_line;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::fields::text;

/// Lines and bytes of a record kept as a cluster's sample.
const SAMPLE_LINES: usize = 60;
const SAMPLE_BYTES: usize = 8 * 1024;
/// Bytes of a one-line record's text read for its cluster key, and the length of the key in
/// characters (a folded run counting as one).
const KEY_READ: usize = 1000;
const KEY_CHARS: usize = 160;

/// syslog's `message repeated N times: [ … ]` (rsyslog) or `last message repeated N times`
/// (BSD syslogd): N more copies of the record before.
pub fn repeated(record: &[u8]) -> Option<u64> {
    let first = first_line(record);
    let at = REPEATED.find(first)?;
    let rest = &first[at + b"message repeated ".len()..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if !rest[digits..].starts_with(b" time") {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// Whether a record names an exception or an error anywhere: a one-line record that does not
/// is its own headline, and reading it for an exception chain is wasted.
pub fn names_error(record: &[u8]) -> bool {
    EXCEPTION.find(record).is_some() || ERROR.find(record).is_some()
}

static REPEATED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("message repeated "));
static EXCEPTION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Exception"));
static ERROR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("Error"));

/// A one-line record's cluster key: its text with every number (decimal or `0x` hex) folded to
/// `#` and every path to `/…`, so that pids, connection numbers, addresses, ports, file names
/// and request paths do not split the cluster.
pub fn one_line_key(headline: &[u8]) -> String {
    // Byte by byte: every byte folded is ASCII, so the text stays UTF-8 wherever it was.
    let s = &headline[..headline.len().min(KEY_READ)];
    let mut out = Vec::with_capacity(s.len().min(2 * KEY_CHARS));
    let (mut i, mut steps, mut previous) = (0, 0, b' ');
    while i < s.len() && steps < KEY_CHARS {
        let c = s[i];
        if c.is_ascii_digit() {
            let hex = c == b'0' && s.get(i + 1) == Some(&b'x');
            i += 1 + usize::from(hex);
            while s
                .get(i)
                .is_some_and(|d| d.is_ascii_digit() || (hex && d.is_ascii_hexdigit()))
            {
                i += 1;
            }
            out.push(b'#');
        } else if c == b'/' && matches!(previous, b' ' | b'"' | b'\'' | b'(' | b'[' | b'=' | b',') {
            i += 1;
            while s.get(i).is_some_and(|d| {
                !d.is_ascii_whitespace() && !matches!(d, b'"' | b'\'' | b')' | b']' | b',')
            }) {
                i += 1;
            }
            out.extend_from_slice("/…".as_bytes());
        } else if c < 0x20 || c == 0x7f {
            // A client's garbage (a TLS hello sent to a plain port) is no text to show.
            i += 1;
            out.extend_from_slice("\u{fffd}".as_bytes());
        } else if c < 0x80 {
            i += 1;
            out.push(c);
        } else {
            // One character, whole, so that the cut below never splits one.
            let len = match c {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            let end = (i + len).min(s.len());
            out.extend_from_slice(&s[i..end]);
            i = end;
        }
        previous = c;
        steps += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn first_line(record: &[u8]) -> &[u8] {
    let end = memchr::memchr(b'\n', record).unwrap_or(record.len());
    let line = &record[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

pub fn lines_of(record: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', record).count() as u64;
    n + u64::from(!record.ends_with(b"\n") && !record.is_empty())
}

/// The start of a record, as a cluster's sample.
pub fn sample(record: &[u8]) -> String {
    let mut end = memchr::memchr_iter(b'\n', record)
        .nth(SAMPLE_LINES - 1)
        .map_or(record.len(), |p| p + 1);
    if end > SAMPLE_BYTES {
        end = memchr::memrchr(b'\n', &record[..SAMPLE_BYTES]).map_or(SAMPLE_BYTES, |p| p + 1);
    }
    text(&record[..end]).replace('\r', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syslog_repeats_are_read() {
        assert_eq!(
            repeated(b"Nov 24 15:35:04 web1 app[42]: message repeated 5 times: [ Broken pipe]\n"),
            Some(5)
        );
        assert_eq!(
            repeated(b"Nov 24 15:35:04 web1 syslogd: last message repeated 12 times\n"),
            Some(12)
        );
        assert_eq!(repeated(b"the message repeated 5 bytes\n"), None);
    }

    #[test]
    fn one_line_keys_fold_numbers() {
        assert_eq!(
            one_line_key(b"[info] 20760#20760: *2 recv() failed (104: Connection reset by peer)"),
            "[info] ###: *# recv() failed (#: Connection reset by peer)"
        );
    }

    #[test]
    fn one_line_keys_fold_paths_hex_and_garbage() {
        assert_eq!(
            one_line_key(
                b"[error] 20761#20761: *7 open() \"/var/lib/nginx/www/missing-115373.html\" failed \
                  (2: No such file or directory), request: \"GET /missing-115373.html HTTP/1.1\""
            ),
            "[error] ###: *# open() \"/…\" failed (#: No such file or directory), request: \
             \"GET /… HTTP/#.#\""
        );
        assert_eq!(
            one_line_key(b"lock 0x7f3a9c held at a/b/c, \x16\x03 x"),
            "lock # held at a/b/c, \u{fffd}\u{fffd} x"
        );
    }

    #[test]
    fn access_log_lines_are_told_by_request_line_and_status() {
        for line in [
            &b"127.0.0.1 - - [24/Nov/2026:15:48:48 +0000] \"GET /static/big.bin HTTP/1.1\" 200 1048576 \"-\" \"curl/7.88.1\""[..],
            b"127.0.0.1 - - [24/Nov/2026 15:52:10] \"GET /big.bin HTTP/1.1\" 200 -",
        ] {
            assert!(is_access_line(line), "{}", String::from_utf8_lossy(line));
        }
        for line in [
            &b"2026/11/24 15:48:51 [error] 20761#20761: *50 upstream timed out (110: Connection timed out), request: \"GET /slow/api/quote HTTP/1.1\", upstream: \"http://127.0.0.1:18095/api/quote\""[..],
            b"127.0.0.1 - - [24/Nov/2026 15:52:10] code 404, message File not found",
        ] {
            assert!(!is_access_line(line), "{}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn samples_are_cut_at_a_line() {
        let record: Vec<u8> = (0..100)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let s = sample(&record);
        assert_eq!(s.lines().count(), SAMPLE_LINES);
        assert!(s.ends_with("line 59\n"));
    }
}
