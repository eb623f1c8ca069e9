//! Docker's json-file lines (`/var/lib/docker/containers/*/*-json.log`): one JSON object per
//! line the container wrote, `{"log":"…\n","stream":"stdout","time":"…"}`, a line over 16 KiB
//! in several objects of which only the last ends in `\n`. Read without a JSON library: the
//! driver always writes these keys, `log` first, and every line of such a log is read here.

use std::ops::Range;

/// Where a json-file line's fields lie in it (their encoded text, quotes left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub log: Range<usize>,
    pub stream: Range<usize>,
    pub time: Range<usize>,
}

/// The fields of `line` (without its terminator), if it is a json-file line.
pub fn fields(line: &[u8]) -> Option<Fields> {
    const START: &[u8] = b"{\"log\":\"";
    if !line.starts_with(START) || !line.ends_with(b"}") {
        return None;
    }
    let log = START.len()..string_end(line, START.len())?;
    let rest = log.end + 1;
    let value = |key: &[u8]| -> Option<Range<usize>> {
        let at = rest + memchr::memmem::find(&line[rest..], key)? + key.len();
        Some(at..string_end(line, at)?)
    };
    Some(Fields {
        log,
        stream: value(b"\"stream\":\"")?,
        time: value(b"\"time\":\"")?,
    })
}

/// Where the JSON string whose text starts at `at` ends (its closing quote).
fn string_end(line: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match line.get(at)? {
            b'"' => return Some(at),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
}

pub use crate::structured::string::{decode, encode};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_file_line_gives_its_text_stream_and_time() {
        let line = br#"{"log":"\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:341) \u003cx\u003e \"q\" caf\u00e9 \ud83d\ude00\n","stream":"stderr","time":"2026-11-24T15:35:04.123456789Z"}"#;
        let f = fields(line).unwrap();
        assert_eq!(&line[f.stream.clone()], b"stderr");
        assert_eq!(&line[f.time.clone()], b"2026-11-24T15:35:04.123456789Z");
        let mut text = Vec::new();
        assert!(decode(&line[f.log.clone()], &mut text));
        assert_eq!(
            String::from_utf8(text.clone()).unwrap(),
            "\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:341) <x> \"q\" café 😀\n"
        );
        let mut again = Vec::new();
        encode(&text, &mut again);
        let mut back = Vec::new();
        assert!(decode(&again, &mut back));
        assert_eq!(back, text);
        assert!(fields(b"{\"log\":\"x\"}").is_none(), "no stream, no time");
        assert!(fields(b"plain text").is_none());
        assert!(!decode(br"bad \q escape", &mut Vec::new()));
    }
}
