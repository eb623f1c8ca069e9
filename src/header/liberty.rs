//! IBM WebSphere's basic log format (Open Liberty's and WebSphere Liberty's `messages.log`,
//! traditional WebSphere's `SystemOut.log`): `[12/6/26 20:52:17:123 UTC] 0000004f …`.

use super::civil::civil_seconds;

/// `[M/D/YY H:MM:SS:mmm ZONE]` (the US-English date WebSphere writes by default) followed by a
/// space: the timestamp's length, brackets included, and its seconds on the log's clock. The
/// milliseconds follow a colon, not a dot, and the zone is a name (`UTC`, `CET`, `EST`).
pub fn timestamp(line: &[u8]) -> Option<(usize, i64)> {
    let mut i = 0;
    let byte = |b: u8, i: &mut usize| (line.get(*i) == Some(&b)).then(|| *i += 1);
    // One to `max` digits (at least `min`), as a number.
    let number = |i: &mut usize, min: usize, max: usize| {
        let n = line[(*i).min(line.len())..]
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        (n >= min).then(|| {
            let v = line[*i..*i + n]
                .iter()
                .fold(0, |v, &d| v * 10 + i64::from(d - b'0'));
            *i += n;
            v
        })
    };
    byte(b'[', &mut i)?;
    let mo = number(&mut i, 1, 2)?;
    byte(b'/', &mut i)?;
    let d = number(&mut i, 1, 2)?;
    byte(b'/', &mut i)?;
    let y = number(&mut i, 2, 2)?;
    byte(b' ', &mut i)?;
    let h = number(&mut i, 1, 2)?;
    byte(b':', &mut i)?;
    let m = number(&mut i, 2, 2)?;
    byte(b':', &mut i)?;
    let s = number(&mut i, 2, 2)?;
    byte(b':', &mut i)?;
    number(&mut i, 3, 3)?;
    byte(b' ', &mut i)?;
    let zone = line[i..]
        .iter()
        .take(12)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b':'))
        .count();
    if zone == 0 || !(h < 24 && m < 60 && s < 61) {
        return None;
    }
    i += zone;
    byte(b']', &mut i)?;
    let len = i;
    byte(b' ', &mut i)?;
    Some((len, civil_seconds(2000 + y, mo, d, h * 3600 + m * 60 + s)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_basic_format() {
        let line = "[12/6/26 20:52:17:123 UTC] 0000004f com.ibm.ws.webcontainer.util.ApplicationErrorUtils E SRVE0777E: x";
        assert_eq!(
            timestamp(line.as_bytes()),
            Some((
                "[12/6/26 20:52:17:123 UTC]".len(),
                civil_seconds(2026, 12, 6, 20 * 3600 + 52 * 60 + 17).unwrap()
            ))
        );
        assert!(timestamp(b"[1/16/19 9:05:07:001 CET] 00000027 x").is_some());
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
            assert_eq!(timestamp(line.as_bytes()), None, "{line}");
        }
    }
}
