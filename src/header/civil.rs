//! Calendar arithmetic: civil dates and times to Unix seconds and back (proleptic Gregorian,
//! UTC), for the clocks of log lines.

/// Seconds since 1970-01-01 for a civil date and a time of day (Howard Hinnant's algorithm).
pub fn civil_seconds(y: i64, m: i64, d: i64, time_of_day: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400 + time_of_day)
}

/// Seconds since 1970-01-01 → (year, month, day, hour, minute, second): the inverse of
/// [`civil_seconds`] (Howard Hinnant's algorithm).
pub fn civil(seconds: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = seconds.div_euclid(86_400);
    let tod = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, tod / 3600, tod % 3600 / 60, tod % 60)
}
