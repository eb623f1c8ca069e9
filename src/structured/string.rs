//! JSON strings: their text decoded (every escape, surrogate pairs included) and encoded.

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
