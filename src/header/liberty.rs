//! IBM WebSphere's basic log format (Open Liberty's and WebSphere Liberty's `messages.log`,
//! traditional WebSphere's `SystemOut.log`): `[12/6/26 20:52:17:123 UTC] 0000004f …`.

use super::{Format, Header, Scan, civil_seconds, header};

/// `[M/D/YY H:MM:SS:mmm ZONE]` (the US-English date WebSphere writes by default), then a space.
/// The milliseconds follow a colon, not a dot, and the zone is a name (`UTC`, `CET`, `EST`).
/// Its traces are printed unindented under the message, as logback's are.
pub(super) fn liberty(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.byte(b'[')?;
    let mo = sc.digits_1_2()?;
    sc.byte(b'/')?;
    let d = sc.digits_1_2()?;
    sc.byte(b'/')?;
    let y = sc.digits(2)?;
    sc.byte(b' ')?;
    let h = sc.digits_1_2()?;
    sc.byte(b':')?;
    let m = sc.digits(2)?;
    sc.byte(b':')?;
    let s = sc.digits(2)?;
    sc.byte(b':')?;
    sc.digits(3)?;
    sc.byte(b' ')?;
    let zone = sc.s[sc.i..]
        .iter()
        .take(12)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b':'))
        .count();
    if zone == 0 {
        return None;
    }
    sc.i += zone;
    sc.byte(b']')?;
    if !(h < 24 && m < 60 && s < 61) {
        return None;
    }
    let len = sc.i;
    sc.byte(b' ')?;
    header(
        Format::Liberty,
        len,
        civil_seconds(2000 + y, mo, d, h * 3600 + m * 60 + s),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_basic_format() {
        let h = liberty(b"[12/6/26 20:52:17:123 UTC] 0000004f com.ibm.ws.webcontainer.util.ApplicationErrorUtils E SRVE0777E: x").unwrap();
        assert_eq!(h.format, Format::Liberty);
        assert_eq!(h.timestamp_len, "[12/6/26 20:52:17:123 UTC]".len());
        assert_eq!(h.seconds, civil_seconds(2026, 12, 6, 20 * 3600 + 52 * 60 + 17));
        assert!(liberty(b"[1/16/19 9:05:07:001 CET] 00000027 x").is_some());
    }

    #[test]
    fn refuses_look_alikes() {
        for line in [
            "[12/6/26 20:52:17.123 UTC] x",
            "[12/6/26 20:52:17:123] x",
            "[12/6/2026 20:52:17:123 UTC] x",
            "[13/6/26 20:52:17:123 UTC] x",
            "[12/6/26 24:52:17:123 UTC] x",
            "[12/6/26 20:52:17:123 UTC]",
        ] {
            assert_eq!(liberty(line.as_bytes()), None, "{line}");
        }
    }
}
