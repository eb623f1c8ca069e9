//! The report as text for a terminal: aligned columns and a bar chart of block characters.

use std::fmt::Write as _;

use super::model::Report;
use super::numbers::num;
use super::sections::{self, Layout, Section};
use super::timeline::{bucket_label, buckets, per};

/// Width of the longest bar in text and markdown.
const BAR: u64 = 40;

/// A bar of up to [`BAR`] blocks for `n` of `max`.
fn bar(n: u64, max: u64) -> String {
    let len = if max == 0 { 0 } else { (n * BAR).div_ceil(max) };
    "█".repeat(len as usize)
}

/// The timeline's rows as text and markdown draw them: label, count and bar.
pub fn timeline_rows(r: &Report, by: i64) -> impl Iterator<Item = [String; 3]> {
    let rows = buckets(&r.timeline, by);
    let max = rows.iter().map(|b| b.1).max().unwrap_or(0);
    rows.into_iter()
        .map(move |(b, n)| [bucket_label(b, by), num(n), bar(n, max)])
}

/// Text for a terminal.
pub struct Text;

impl Layout for Text {
    fn section(&self, s: &mut String, r: &Report, by: i64, section: Section) {
        match section {
            Section::Scope => {
                let _ = writeln!(s, "resetsquash report: {}\n", sections::scope(r));
            }
            Section::Totals => {
                for line in sections::totals(r) {
                    let _ = writeln!(s, "{line}");
                }
            }
            Section::Rules => {
                let _ = writeln!(
                    s,
                    "\n{:<38}{:>9}{:>12}{:>12}",
                    "By rule", "records", "lines", "bytes"
                );
                for (rule, [records, lines, bytes]) in sections::rules(r) {
                    let _ = writeln!(s, "  {rule:<36}{records:>9}{lines:>12}{bytes:>12}");
                }
            }
            Section::Groups => {
                let _ = writeln!(s, "\nBy group, largest first");
                let shown = sections::groups(r);
                // Rule ids differ in length: the groups start in one column, so they read as a
                // list.
                let width = shown.iter().map(|g| g.0.chars().count()).max().unwrap_or(0);
                for (rule, group, n) in shown {
                    let _ = writeln!(s, "  {:>9}  {rule:<width$}  {group}", num(n));
                }
            }
            Section::Timeline => {
                let _ = writeln!(s, "\nTimeline, per {} of the log's clock", per(by));
                for [label, n, bar] in timeline_rows(r, by) {
                    let _ = writeln!(s, "  {label:<16}  {n:>9} {bar}");
                }
                if r.untimed > 0 {
                    let _ = writeln!(s, "  {:<16}  {:>9}", "no timestamp", num(r.untimed));
                }
            }
            Section::Where => {
                let _ = writeln!(s, "\nWhere, {}", sections::located(r));
                for (title, entries) in sections::where_lists(r) {
                    let rows = entries
                        .into_iter()
                        .map(|(k, n)| format!("    {:>9}  {k}", num(n)));
                    sections::listed(s, &format!("  {title}"), rows, None);
                }
            }
            Section::Kinds => {
                let _ = writeln!(s, "\nKinds: {}", sections::kinds(r));
            }
            Section::Hints => sections::hints(s, r, "\nHints", "  - "),
            Section::LookAlikes => {
                let rows = r.lookalikes.iter().map(|(rule, l)| {
                    format!("  {:>9}  {rule}: {}", num(l.tally.records), l.sample)
                });
                sections::listed(s, "\nLook-alikes kept (genuine errors)", rows, None);
            }
            Section::Noise => noise(s, r),
        }
    }
}

fn noise(s: &mut String, r: &Report) {
    let shown = sections::noise(r);
    let none = if shown.is_empty() { ": none" } else { "" };
    let _ = writeln!(
        s,
        "\nNoise left: repeated records no rule squashed, largest first{none}"
    );
    for c in shown {
        let at = c.at(str::to_string);
        let (rank, records, size, chain) = (c.rank, &c.records, &c.size, c.chain);
        let _ = writeln!(s, "  {rank}. {records} records, {size}: {chain}{at}");
        if let Some(draft) = c.draft {
            let _ = writeln!(
                s,
                "     rule draft (check it with `resetsquash rules check`):"
            );
            for line in draft.lines() {
                let _ = writeln!(s, "       {line}");
            }
        }
    }
}
