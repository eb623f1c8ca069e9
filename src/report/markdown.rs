//! The report as markdown: a heading a section, tables padded so that they also read as tables
//! in the markdown source, and rule drafts as YAML blocks.

use std::fmt::Write as _;

use super::model::Report;
use super::numbers::num;
use super::sections::{self, Layout, Section};
use super::text::timeline_rows;
use super::timeline::per;

/// Markdown, as for an issue or a wiki page.
pub struct Markdown;

/// Escapes text for a markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Layout for Markdown {
    fn section(&self, s: &mut String, r: &Report, by: i64, section: Section) {
        match section {
            Section::Scope => {
                let _ = writeln!(s, "# Client aborts: {}\n", cell(&sections::scope(r)));
            }
            Section::Totals => {
                for line in sections::totals(r) {
                    let _ = writeln!(s, "- {line}");
                }
            }
            Section::Rules => {
                let _ = writeln!(
                    s,
                    "\n## By rule\n\n| rule | records | lines | bytes |\n| --- | ---: | ---: | ---: |"
                );
                for (rule, [records, lines, bytes]) in sections::rules(r) {
                    let _ = writeln!(s, "| `{rule}` | {records} | {lines} | {bytes} |");
                }
            }
            Section::Groups => groups(s, r),
            Section::Timeline => {
                let _ = writeln!(
                    s,
                    "\n## Timeline, per {} of the log's clock\n\n| {} | records | |\n| --- | ---: | --- |",
                    per(by),
                    per(by)
                );
                for [label, n, bar] in timeline_rows(r, by) {
                    let _ = writeln!(s, "| {label} | {n} | {bar} |");
                }
                if r.untimed > 0 {
                    let _ = writeln!(s, "| no timestamp | {} | |", num(r.untimed));
                }
            }
            Section::Where => {
                let _ = writeln!(s, "\n## Where\n\n{}.", sections::located(r));
                for (title, entries) in sections::where_lists(r) {
                    let rows = entries
                        .into_iter()
                        .map(|(k, n)| format!("| {} | {} |", cell(k), num(n)));
                    let head = format!("\n| {title} | records |\n| --- | ---: |");
                    sections::listed(s, &head, rows, None);
                }
            }
            Section::Kinds => {
                let _ = writeln!(s, "\n## Kinds\n\n{}", sections::kinds(r));
            }
            Section::Hints => sections::hints(s, r, "\n## Hints\n", "- "),
            Section::LookAlikes => {
                let rows = r.lookalikes.iter().map(|(rule, l)| {
                    let (n, first) = (num(l.tally.records), cell(&l.sample));
                    format!("| `{rule}` | {n} | {first} |")
                });
                let head = "\n## Look-alikes kept (genuine errors)\n\n\
                            | rule | records | first |\n| --- | ---: | --- |";
                sections::listed(s, head, rows, None);
            }
            Section::Noise => noise(s, r),
        }
    }
}

/// The groups' table, padded so that it also reads as one in the markdown source.
fn groups(s: &mut String, r: &Report) {
    let shown = sections::groups(r);
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
}

fn noise(s: &mut String, r: &Report) {
    let shown = sections::noise(r);
    let none = if shown.is_empty() {
        format!("{}\n", sections::NO_NOISE)
    } else {
        String::new()
    };
    let _ = write!(s, "\n## Noise left\n\n{none}");
    for c in &shown {
        let at = c.at(|f| format!("`{f}`"));
        let (rank, records, size) = (c.rank, &c.records, &c.size);
        let chain = c.chain.replace('`', "'");
        let _ = writeln!(s, "{rank}. **{records} records**, {size}: `{chain}`{at}");
        // Indented under its list item, so that the list's numbering goes on after it.
        if let Some(draft) = c.draft {
            let yaml: String = draft.lines().map(|l| format!("   {l}\n")).collect();
            let _ = writeln!(s, "\n   ```yaml\n{yaml}   ```\n");
        }
    }
}
