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

/// A JSON string's text decoded into `out`; `false` if it holds an escape JSON has not.
pub fn decode(text: &[u8], out: &mut Vec<u8>) -> bool {
    let mut i = 0;
    while i < text.len() {
        let Some(at) = memchr::memchr(b'\\', &text[i..]).map(|a| i + a) else {
            out.extend_from_slice(&text[i..]);
            return true;
        };
        out.extend_from_slice(&text[i..at]);
        let Some(&e) = text.get(at + 1) else {
            return false;
        };
        i = at + 2;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'"' | b'\\' | b'/' => out.push(e),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'u' => {
                let Some(unit) = hex4(text, i) else {
                    return false;
                };
                i += 4;
                let c = if (0xd800..0xdc00).contains(&unit) {
                    // A surrogate pair: the second half follows as `\uDC00`…`\uDFFF`.
                    match (text.get(i..i + 2), hex4(text, i + 2)) {
                        (Some(b"\\u"), Some(low)) if (0xdc00..0xe000).contains(&low) => {
                            i += 6;
                            char::from_u32(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00))
                        }
                        _ => None,
                    }
                } else {
                    char::from_u32(unit)
                };
                let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            _ => return false,
        }
    }
    true
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

/// `text` as the text of a JSON string (quotes left out), escaped as the json-file driver
/// escapes it: quotes, backslashes and control characters (and `<`, `>`, `&`, as Go does).
pub fn encode(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'<' | b'>' | b'&' | 0..=0x1f => {
                out.extend_from_slice(format!("\\u{:04x}", b).as_bytes());
            }
            _ => out.push(b),
        }
    }
}

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
