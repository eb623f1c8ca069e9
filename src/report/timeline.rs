//! The timeline on the log's own clock: its buckets, and how their times are written (minute
//! keys in JSON, bucket labels in the rendered formats).
//!
//! A report counts per minute and shows per minute, hour or day; the one calendar both use is
//! [`crate::header`]'s, so that a minute read back from JSON is the minute that was counted.
//! This works on the timeline's map alone, not on the report that holds it: the report's
//! serialization uses it.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Timeline rows past which only non-empty buckets are listed.
const MAX_ROWS: i64 = 400;

/// A report's timeline (records per minute) in buckets of `by` seconds: every bucket from the
/// first to the last (empty ones included, so gaps show), or only the non-empty ones where that
/// would be too many.
pub fn buckets(timeline: &BTreeMap<i64, u64>, by: i64) -> Vec<(i64, u64)> {
    let mut sums: BTreeMap<i64, u64> = BTreeMap::new();
    for (m, n) in timeline {
        *sums.entry(m.div_euclid(by) * by).or_default() += n;
    }
    let (Some((&lo, _)), Some((&hi, _))) = (sums.first_key_value(), sums.last_key_value()) else {
        return Vec::new();
    };
    if (hi - lo) / by >= MAX_ROWS {
        return sums.into_iter().collect();
    }
    (0..=(hi - lo) / by)
        .map(|i| {
            let b = lo + i * by;
            (b, sums.get(&b).copied().unwrap_or(0))
        })
        .collect()
}

/// The name of a timeline bucket size.
pub fn per(by: i64) -> &'static str {
    match by {
        60 => "minute",
        3600 => "hour",
        _ => "day",
    }
}

/// A bucket's label: `2026-11-24 15:35`, `2026-11-24 15:00` or `2026-11-24`.
pub fn bucket_label(start: i64, by: i64) -> String {
    let (y, mo, d, h, mi) = civil(start);
    if by >= 86_400 {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
    }
}

/// A minute's key in JSON: `2026-11-24T15:35`.
pub fn minute_text(start: i64) -> String {
    let (y, mo, d, h, mi) = civil(start);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}")
}

/// Parses [`minute_text`].
pub fn parse_minute(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?);
    if h > 23 || mi > 59 {
        return None;
    }
    crate::header::civil_seconds(y, mo, d, h * 3600 + mi * 60)
}

/// Seconds on the log's clock → (year, month, day, hour, minute).
fn civil(seconds: i64) -> (i64, i64, i64, i64, i64) {
    let (y, mo, d, h, mi, _) = crate::header::civil(seconds);
    (y, mo, d, h, mi)
}

/// Writes the timeline's minute keys as `YYYY-MM-DDTHH:MM` text in JSON (serde's
/// `serialize_with`).
pub fn serialize_minutes<S: Serializer>(m: &BTreeMap<i64, u64>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (minute_text(*k), v)))
}

/// Reads [`serialize_minutes`]' keys back (serde's `deserialize_with`).
pub fn deserialize_minutes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<i64, u64>, D::Error> {
    let text: BTreeMap<String, u64> = BTreeMap::deserialize(d)?;
    text.into_iter()
        .map(|(k, v)| {
            parse_minute(&k)
                .map(|m| (m, v))
                .ok_or_else(|| D::Error::custom(format!("bad minute `{k}` in timeline")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_time_round_trips() {
        for s in [0, 1_795_000_000 / 60 * 60, -86_400 * 400, 4_102_444_800] {
            assert_eq!(parse_minute(&minute_text(s)), Some(s), "{}", minute_text(s));
        }
        assert_eq!(minute_text(1_795_534_500), "2026-11-24T15:35");
    }
}
