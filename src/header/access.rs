//! Access-log lines of proxies whose lines start with neither a date nor a client as the
//! Common Log Format has it: each is a record of its own (it never carries a trace).

/// Squid's native access.log line, `1796409061.159      4 127.0.0.1 TCP_MISS/200 351 GET …`:
/// Unix seconds with milliseconds, the elapsed milliseconds, the client, then `RESULT/STATUS`.
/// An access line (a record of its own; its time is not a log clock's text).
pub fn is_squid(line: &[u8]) -> bool {
    let digits = |from: usize| {
        line[from.min(line.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let secs = digits(0);
    if !(9..=11).contains(&secs) || line.get(secs) != Some(&b'.') || digits(secs + 1) != 3 {
        return false;
    }
    let mut i = secs + 4;
    let spaces = line[i.min(line.len())..]
        .iter()
        .take_while(|&&b| b == b' ')
        .count();
    if spaces == 0 {
        return false;
    }
    i += spaces;
    let elapsed = digits(i);
    if elapsed == 0 || line.get(i + elapsed) != Some(&b' ') {
        return false;
    }
    i += elapsed + 1;
    let client = line[i.min(line.len())..]
        .iter()
        .take_while(|&&b| b > b' ')
        .count();
    i += client + 1;
    let code = line[i.min(line.len())..]
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || **b == b'_')
        .count();
    let slash = i + code;
    client > 0 && code > 0 && line.get(slash) == Some(&b'/') && digits(slash + 1) == 3
}

/// HAProxy's `option httplog` line, `127.0.0.1:51458 [04/Dec/2026:18:05:05.742] front
/// back/server …`: the client's address and port, then the accept date in brackets. An access
/// line.
pub fn is_haproxy(line: &[u8]) -> bool {
    let addr = line.iter().take(64).take_while(|&&b| b > b' ').count();
    let Some(colon) = line[..addr].iter().rposition(|&b| b == b':') else {
        return false;
    };
    let port = &line[colon + 1..addr];
    if port.is_empty()
        || !port.iter().all(u8::is_ascii_digit)
        || line.get(addr..addr + 2) != Some(b" [")
    {
        return false;
    }
    let date = &line[addr + 2..];
    let Some(close) = date.iter().take(40).position(|&b| b == b']') else {
        return false;
    };
    let d = &date[..close];
    // dd/Mon/yyyy:HH:MM:SS, milliseconds after.
    d.len() >= 20
        && d[2] == b'/'
        && d[6] == b'/'
        && d[11] == b':'
        && d[..2].iter().all(u8::is_ascii_digit)
        && d[7..11].iter().all(u8::is_ascii_digit)
}
