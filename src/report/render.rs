//! A [`Report`] as text for a terminal, markdown, JSON or HTML.
//!
//! Text and markdown show the same sections in the same order; JSON is the report itself (the
//! schema is documented in `docs/report-json.md`); HTML is in [`super::html`].

use std::fmt::Write as _;

use super::model::{Cluster, Report, Top};
use super::numbers::{count, num, percent, size};
use super::timeline::{bucket_label, buckets, per};

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

/// Renders `r` in `format`, with a timeline in buckets of `by` seconds.
pub fn render(r: &Report, format: Format, by: i64) -> String {
    match format {
        Format::Json => super::json::write(r),
        Format::Text => text(r, by),
        Format::Markdown => markdown(r, by),
        Format::Html => super::html::page(r, by),
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
pub fn noise(r: &Report) -> impl Iterator<Item = &Cluster> {
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
    let rows = buckets(&r.timeline, by);
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
    let rows = buckets(&r.timeline, by);
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
