//! A [`Report`] as text for a terminal, markdown, JSON or HTML.
//!
//! Text and markdown show the same sections in the same order; JSON is the report itself (the
//! schema is documented in `docs/report-json.md`); HTML is in [`super::html`].

use std::fmt::Write as _;

use super::{Report, Top, percent};

/// Output formats of `resetsquash report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

/// Entries shown per top list and clusters of noise shown.
const SHOWN: usize = 10;
/// Width of the longest bar in text and markdown.
const BAR: u64 = 40;
/// Timeline rows past which only non-empty buckets are listed.
const MAX_ROWS: i64 = 400;

/// Renders `r` in `format`, with a timeline in buckets of `by` seconds.
pub fn render(r: &Report, format: Format, by: i64) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(r).expect("a report always serializes");
            s.push('\n');
            s
        }
        Format::Text => text(r, by),
        Format::Markdown => markdown(r, by),
        Format::Html => super::html::page(r, by),
    }
}

/// The timeline in buckets of `by` seconds: every bucket from the first to the last (empty
/// ones included, so gaps show), or only the non-empty ones where that would be too many.
pub fn buckets(r: &Report, by: i64) -> Vec<(i64, u64)> {
    let mut sums: std::collections::BTreeMap<i64, u64> = std::collections::BTreeMap::new();
    for (m, n) in &r.timeline {
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

/// A count with thousands separators: `18,034`.
pub fn num(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 record`, `2,048 records`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", num(n), if n == 1 { one } else { many })
}

/// A size in bytes for reading: `512 B`, `3.4 KiB`, `1.4 MiB`, `2.0 GiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// The name of a timeline bucket size.
pub fn per(by: i64) -> &'static str {
    match by {
        60 => "minute",
        3600 => "hour",
        _ => "day",
    }
}

fn bar(n: u64, max: u64) -> String {
    let len = if max == 0 { 0 } else { (n * BAR).div_ceil(max) };
    "█".repeat(len as usize)
}

/// The opening sentence: what was read, over which time.
pub fn scope(r: &Report) -> String {
    let inputs = match r.inputs.len() {
        1 => r.inputs[0].name.clone(),
        n => format!("{n} inputs"),
    };
    match (&r.first, &r.last) {
        (Some(f), Some(l)) => format!("{inputs}, aborts from {} to {}", f.text, l.text),
        _ => inputs,
    }
}

/// The headline numbers, as lines of prose (shared by text and markdown).
pub fn totals(r: &Report) -> Vec<String> {
    let mut v = vec![format!(
        "{} client-abort records squashed: {} of {} records; {} lines and {}, {} of the log's {}.",
        num(r.squashed),
        percent(r.squashed, r.records),
        num(r.records),
        num(r.squashed_lines),
        size(r.squashed_bytes),
        percent(r.squashed_bytes, r.bytes),
        size(r.bytes),
    )];
    if r.from_summaries > 0 {
        v.push(format!(
            "{} of them were already squashed in the log, counted from its summary lines.",
            num(r.from_summaries)
        ));
    }
    if r.repeated > 0 {
        v.push(format!(
            "{} counted from syslog's \"message repeated N times\".",
            count(r.repeated, "record was", "records were")
        ));
    }
    let look: u64 = r.lookalikes.values().map(|l| l.tally.records).sum();
    v.push(format!(
        "{} with the same words kept as genuine (an outbound call, or no inbound client): \
         counted here, not hidden.",
        count(look, "record", "records")
    ));
    if r.unsound > 0 {
        v.push(format!(
            "{} kept although a rule matched, because interleaved output broke the record \
             apart.",
            count(r.unsound, "record", "records")
        ));
    }
    v
}

/// The kinds of abort, as one sentence.
pub fn kinds(r: &Report) -> String {
    let k = &r.kinds;
    let mut s = format!(
        "{} resets (ECONNRESET), {} broken pipes (EPIPE; {} while sending a download), \
         {} Windows aborts (10053), {} other (the client closed first, EOF).",
        num(k.resets),
        num(k.broken_pipes),
        num(k.broken_pipes_on_downloads),
        num(k.windows_aborts),
        num(k.other)
    );
    let unknown = r.squashed.saturating_sub(k.total());
    if unknown > 0 {
        s.push_str(&format!(
            " {} of unknown kind: counted from syslog's repeats, or from summary lines of an \
             older resetsquash, which do not say.",
            count(unknown, "record", "records")
        ));
    }
    s
}

/// The top lists, with their titles.
pub fn tops(r: &Report) -> [(&'static str, &Top); 4] {
    let w = &r.where_;
    [
        ("Endpoints", &w.endpoints),
        ("Clients", &w.clients),
        ("Application frames", &w.frames),
        ("Threads", &w.threads),
    ]
}

/// Groups largest first: (rule, group, records).
pub fn groups(r: &Report) -> Vec<(&str, &str, u64)> {
    let mut v: Vec<(&str, &str, u64)> = r
        .groups
        .iter()
        .flat_map(|(rule, gs)| {
            gs.iter()
                .map(move |(g, t)| (rule.as_str(), g.as_str(), t.records))
        })
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
    v
}

/// The noise clusters worth showing: repeated ones, largest first.
pub fn noise(r: &Report) -> impl Iterator<Item = &super::Cluster> {
    r.noise.iter().filter(|c| c.tally.records >= 2).take(SHOWN)
}

/// Where the "Where" figures come from.
pub fn located(r: &Report) -> String {
    let w = &r.where_;
    if tops(r).iter().all(|(_, t)| t.counts.is_empty()) {
        return format!(
            "from {} squashed records: none of them names an endpoint, a client, an application \
             frame or a thread",
            num(w.located)
        );
    }
    let mut s = if w.located == r.squashed {
        format!("from all {} squashed records", num(r.squashed))
    } else {
        format!(
            "from {} of {} squashed records (the others were counted from syslog's repeats, or \
             from summary lines of an older resetsquash, which do not say where)",
            num(w.located),
            num(r.squashed)
        )
    };
    if w.from_summaries > 0 {
        s.push_str(&format!(
            "; {} of them from summary lines, which list each group's most frequent values: a \
             count is at least the one shown",
            num(w.from_summaries)
        ));
    }
    s
}

fn text(r: &Report, by: i64) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "resetsquash report: {}\n", scope(r));
    for line in totals(r) {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(
        s,
        "\n{:<38}{:>9}{:>12}{:>12}",
        "By rule", "records", "lines", "bytes"
    );
    for (rule, t) in &r.rules {
        let _ = writeln!(
            s,
            "  {rule:<36}{:>9}{:>12}{:>12}",
            num(t.records),
            num(t.lines),
            size(t.bytes)
        );
    }
    let _ = writeln!(s, "\nBy group, largest first");
    let shown: Vec<_> = groups(r).into_iter().take(SHOWN * 2).collect();
    // Rule ids differ in length: the groups start in one column, so they read as a list.
    let width = shown.iter().map(|g| g.0.chars().count()).max().unwrap_or(0);
    for (rule, group, n) in shown {
        let _ = writeln!(s, "  {:>9}  {rule:<width$}  {group}", num(n));
    }
    let rows = buckets(r, by);
    let max = rows.iter().map(|b| b.1).max().unwrap_or(0);
    let _ = writeln!(s, "\nTimeline, per {} of the log's clock", per(by));
    for (b, n) in &rows {
        let _ = writeln!(
            s,
            "  {:<16}  {:>9} {}",
            bucket_label(*b, by),
            num(*n),
            bar(*n, max)
        );
    }
    if r.untimed > 0 {
        let _ = writeln!(s, "  {:<16}  {:>9}", "no timestamp", num(r.untimed));
    }
    let _ = writeln!(s, "\nWhere, {}", located(r));
    for (title, top) in tops(r) {
        if top.counts.is_empty() {
            continue;
        }
        let _ = writeln!(s, "  {title}");
        for (k, n) in top.largest(SHOWN) {
            let _ = writeln!(s, "    {:>9}  {k}", num(n));
        }
    }
    let _ = writeln!(s, "\nKinds: {}", kinds(r));
    if !r.hints.is_empty() {
        let _ = writeln!(s, "\nHints");
        for h in &r.hints {
            let _ = writeln!(s, "  - {}", h.text);
        }
    }
    if !r.lookalikes.is_empty() {
        let _ = writeln!(s, "\nLook-alikes kept (genuine errors)");
        for (rule, l) in &r.lookalikes {
            let _ = writeln!(s, "  {:>9}  {rule}: {}", num(l.tally.records), l.sample);
        }
    }
    let shown: Vec<_> = noise(r).collect();
    let _ = writeln!(
        s,
        "\nNoise left: repeated records no rule squashed, largest first{}",
        if shown.is_empty() { ": none" } else { "" }
    );
    for (i, c) in shown.iter().enumerate() {
        let at = if c.frame.is_empty() {
            String::new()
        } else {
            format!(" at {}", c.frame)
        };
        let _ = writeln!(
            s,
            "  {}. {} records, {}: {}{at}",
            i + 1,
            num(c.tally.records),
            size(c.tally.bytes),
            c.chain
        );
        if !c.draft.is_empty() {
            let _ = writeln!(
                s,
                "     rule draft (check it with `resetsquash rules check`):"
            );
            for line in c.draft.lines() {
                let _ = writeln!(s, "       {line}");
            }
        }
    }
    s
}

/// Escapes text for a markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(r: &Report, by: i64) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Client aborts: {}\n", cell(&scope(r)));
    for line in totals(r) {
        let _ = writeln!(s, "- {line}");
    }
    let _ = writeln!(
        s,
        "\n## By rule\n\n| rule | records | lines | bytes |\n| --- | ---: | ---: | ---: |"
    );
    for (rule, t) in &r.rules {
        let _ = writeln!(
            s,
            "| `{rule}` | {} | {} | {} |",
            num(t.records),
            num(t.lines),
            size(t.bytes)
        );
    }
    // Padded, so that the table also reads as one in the markdown source.
    let shown: Vec<_> = groups(r).into_iter().take(SHOWN * 2).collect();
    let width = shown
        .iter()
        .map(|g| g.0.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .max("rule".len());
    let counts = shown
        .iter()
        .map(|g| num(g.2).len())
        .max()
        .unwrap_or(0)
        .max("records".len());
    let _ = writeln!(
        s,
        "\n## By group\n\n| {:>counts$} | {:<width$} | group |\n| {}: | {} | --- |",
        "records",
        "rule",
        "-".repeat(counts - 1),
        "-".repeat(width)
    );
    for (rule, group, n) in shown {
        let _ = writeln!(
            s,
            "| {:>counts$} | {:<width$} | {} |",
            num(n),
            format!("`{rule}`"),
            cell(group)
        );
    }
    let rows = buckets(r, by);
    let max = rows.iter().map(|b| b.1).max().unwrap_or(0);
    let _ = writeln!(
        s,
        "\n## Timeline, per {} of the log's clock\n\n| {} | records | |\n| --- | ---: | --- |",
        per(by),
        per(by)
    );
    for (b, n) in &rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            bucket_label(*b, by),
            num(*n),
            bar(*n, max)
        );
    }
    if r.untimed > 0 {
        let _ = writeln!(s, "| no timestamp | {} | |", num(r.untimed));
    }
    let _ = writeln!(s, "\n## Where\n\n{}.", located(r));
    for (title, top) in tops(r) {
        if top.counts.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n| {title} | records |\n| --- | ---: |");
        for (k, n) in top.largest(SHOWN) {
            let _ = writeln!(s, "| {} | {} |", cell(k), num(n));
        }
    }
    let _ = writeln!(s, "\n## Kinds\n\n{}", kinds(r));
    if !r.hints.is_empty() {
        let _ = writeln!(s, "\n## Hints\n");
        for h in &r.hints {
            let _ = writeln!(s, "- {}", h.text);
        }
    }
    if !r.lookalikes.is_empty() {
        let _ = writeln!(
            s,
            "\n## Look-alikes kept (genuine errors)\n\n| rule | records | first |\n| --- | ---: | --- |"
        );
        for (rule, l) in &r.lookalikes {
            let _ = writeln!(
                s,
                "| `{rule}` | {} | {} |",
                num(l.tally.records),
                cell(&l.sample)
            );
        }
    }
    let _ = writeln!(s, "\n## Noise left\n");
    let shown: Vec<_> = noise(r).collect();
    if shown.is_empty() {
        let _ = writeln!(s, "No repeated records that no rule squashed.");
    }
    for (i, c) in shown.iter().enumerate() {
        let at = if c.frame.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", c.frame)
        };
        let _ = writeln!(
            s,
            "{}. **{} records**, {}: `{}`{at}",
            i + 1,
            num(c.tally.records),
            size(c.tally.bytes),
            c.chain.replace('`', "'")
        );
        if !c.draft.is_empty() {
            let _ = writeln!(s, "\n   ```yaml");
            for line in c.draft.lines() {
                let _ = writeln!(s, "   {line}");
            }
            let _ = writeln!(s, "   ```\n");
        }
    }
    s
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

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(18034), "18,034");
        assert_eq!(num(999), "999");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 << 30), "3.0 GiB");
    }
}
