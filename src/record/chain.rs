//! A record's headline and its exception chain, as summary lines and reports show them.
//!
//! Apart from the grammar because it reads a record already cut, for what it says rather than
//! where it ends; it reads each line with the same exception-line test the grammar uses.

use super::line::{exception_class, skip_code};

/// The record's headline (its first exception line, or its first line without the timestamp)
/// and its exception chain (`ClientAbortException < IOException: Broken pipe`).
pub fn headline_and_chain(record: &[u8], timestamp_len: usize) -> (Vec<u8>, Vec<u8>) {
    let mut headline: Option<&[u8]> = None;
    let mut classes: Vec<&[u8]> = Vec::new();
    let mut message: &[u8] = b"";
    let mut suppressed_indent: Option<usize> = None;
    for line in split_lines(record) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let t = line.trim_ascii_start();
        let indent = line.len() - t.len();
        // A `Suppressed:` exception (and the causes nested under it) is not part of the chain.
        if let Some(level) = suppressed_indent {
            if indent > level || t.starts_with(b"at ") || t.starts_with(b"...") {
                continue;
            }
            suppressed_indent = None;
        }
        // Frames are most of a trace and never exception lines: the cheapest test first.
        if t.starts_with(b"at ") || t.starts_with(b"... ") || t.starts_with(b"File \"") {
            continue;
        }
        if t.starts_with(b"Suppressed: ") {
            suppressed_indent = Some(indent);
            continue;
        }
        let t = [&b"Caused by: "[..], b"---> "]
            .iter()
            .find_map(|p| t.strip_prefix(*p))
            .unwrap_or(t);
        let mut rest = t;
        let mut found = false;
        while let Some(name) = exception_class(rest) {
            found = true;
            let simple = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
            if classes.last() != Some(&simple) {
                classes.push(simple);
            }
            rest = skip_code(&rest[name.len()..]);
            rest = rest.strip_prefix(b":").unwrap_or(b"");
            rest = rest.strip_prefix(b" ").unwrap_or(rest);
        }
        if found {
            headline.get_or_insert(t);
            message = rest;
        }
    }
    let headline = match headline {
        Some(h) => h.to_vec(),
        None => {
            let first = split_lines(record).next().unwrap_or(record);
            let first = first.strip_suffix(b"\r").unwrap_or(first);
            first[timestamp_len.min(first.len())..]
                .trim_ascii_start()
                .to_vec()
        }
    };
    let mut chain = classes.join(&b" < "[..]);
    if !chain.is_empty() && !message.is_empty() {
        chain.extend_from_slice(b": ");
        chain.extend_from_slice(&normalise(&message[..message.len().min(80)]));
    }
    (headline, chain)
}

/// Replaces long digit runs (ports, pointers, ids) so that records differing only in them group
/// together; short numbers (`[Errno 32]`, `(104)`) stay, they tell kinds apart.
fn normalise(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut i = 0;
    while i < message.len() {
        let run = message[i..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run >= 4 {
            out.push(b'#');
            i += run;
        } else if run > 0 {
            out.extend_from_slice(&message[i..i + run]);
            i += run;
        } else {
            out.push(message[i]);
            i += 1;
        }
    }
    out
}

/// The pieces of `text` between `\n` bytes, as `text.split(|&b| b == b'\n')` gives them (a
/// final empty piece after a trailing `\n` included), found with `memchr`: a trace is mostly
/// long frame lines, and a byte-at-a-time split was a tenth of the squashing work.
fn split_lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_follows_the_exception_lines() {
        let record = b"24-Nov-2026 15:35:04.806 WARNING [exec-9] a.B.doGet failed\n\
            \torg.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe\n\
            \t\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)\n\
            \tCaused by: java.io.IOException: Broken pipe\n\
            \t\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n";
        let (headline, chain) = headline_and_chain(record, 24);
        assert_eq!(
            String::from_utf8(headline).unwrap(),
            "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe"
        );
        assert_eq!(
            String::from_utf8(chain).unwrap(),
            "ClientAbortException < IOException: Broken pipe"
        );
    }

    #[test]
    fn one_line_records_use_their_message_as_headline() {
        let record = b"2026/11/24 15:48:49 [info] 5#5: *9 client prematurely closed connection\n";
        let (headline, chain) = headline_and_chain(record, 19);
        assert_eq!(
            headline,
            b"[info] 5#5: *9 client prematurely closed connection".to_vec()
        );
        assert!(chain.is_empty());
    }

    #[test]
    fn lines_split_as_the_standard_split_does() {
        for text in [
            &b""[..],
            b"\n",
            b"\n\n",
            b"one",
            b"one\n",
            b"one\r\ntwo",
            b"\none\n\ntwo\n",
        ] {
            let ours: Vec<&[u8]> = split_lines(text).collect();
            let std: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
            assert_eq!(ours, std, "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn long_numbers_are_folded_short_ones_kept() {
        assert_eq!(
            normalise(b"[Errno 32] Broken pipe to /127.0.0.1:40960"),
            b"[Errno 32] Broken pipe to /127.0.0.1:#".to_vec()
        );
    }
}
