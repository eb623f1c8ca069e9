//! `rules check`: every rule's examples, run against the whole loaded set.
//!
//! An example is cut into records by the filter's own grammar, so that what passes here is what
//! the filter does with the same text in a log. When a `squash` example is cut in several, the
//! error says where and why, and what to do: rule authors meet the record grammar here first.

use regex::bytes::Regex;

use super::rule::Decision;
use super::set::RuleSet;
use crate::error::Error;
use crate::record::{self, CutReason};

/// An example of JSON lines as the filter reads them: each line one record, its writer's
/// plain text (see [`crate::structured`]); `None` for any other text.
fn json_records(text: &str) -> Option<Vec<Vec<u8>>> {
    crate::structured::profile::read_records(text.as_bytes())
}

/// The most cuts an error lists one by one.
const CUTS_SHOWN: usize = 3;

impl RuleSet {
    /// Runs every rule's examples, with the whole set loaded: each `squash` example must be one
    /// sound record that its rule takes, and no rule may take any record of a `keep` example.
    pub fn check_examples(&self) -> Result<(), Error> {
        self.check_examples_starting(None)
    }

    /// [`RuleSet::check_examples`], the examples cut into records as the filter cuts a log with
    /// `--record-start` (`None`: without it).
    pub fn check_examples_starting(&self, record_start: Option<&Regex>) -> Result<(), Error> {
        let mut errors = Vec::new();
        for (i, rule) in self.rules().iter().enumerate() {
            for (n, (text, loc)) in rule.examples.squash.iter().enumerate() {
                let n = n + 1;
                if let Some(records) = json_records(text) {
                    // JSON lines: each line one record, as the filter reads them.
                    let taken = records.len() == 1 && self.test_rule(i, &records[0]).is_ok();
                    if !taken {
                        errors.push(loc.error(
                            Some(&rule.id),
                            format!(
                                "squash example {n} (JSON lines, read as {}) is not one record \
                                 this rule takes",
                                String::from_utf8_lossy(records.concat().as_slice()).trim_end()
                            ),
                        ));
                    }
                    continue;
                }
                let records =
                    record::split_records_starting(text.as_bytes(), record_start, usize::MAX);
                if records.len() != 1 {
                    errors.push(loc.error(
                        Some(&rule.id),
                        format!(
                            "squash example {n} is {} records, not one: {}",
                            records.len(),
                            why_cut(text, record_start)
                        ),
                    ));
                    continue;
                }
                if !record::is_sound_starting(text.as_bytes(), record_start) {
                    errors.push(loc.error(
                        Some(&rule.id),
                        format!(
                            "squash example {n} is not a sound record (stack frames with no \
                             exception line before them), so it would never be squashed"
                        ),
                    ));
                    continue;
                }
                if let Err(miss) = self.test_rule(i, text.as_bytes()) {
                    errors.push(loc.error(
                        Some(&rule.id),
                        format!(
                            "squash example {n} is not taken by this rule: {}",
                            self.why_not(&miss, text.as_bytes())
                        ),
                    ));
                }
            }
            for (n, (text, loc)) in rule.examples.keep.iter().enumerate() {
                let records = json_records(text).unwrap_or_else(|| {
                    record::split_records_starting(text.as_bytes(), record_start, usize::MAX)
                        .into_iter()
                        .map(|r| text.as_bytes()[r].to_vec())
                        .collect()
                });
                for record in records {
                    if let Decision::Squash(by) = self.decide(&record) {
                        errors.push(loc.error(
                            Some(&rule.id),
                            format!(
                                "keep example {} would be squashed by rule `{}`",
                                n + 1,
                                self.rules()[by].id
                            ),
                        ));
                    }
                }
            }
        }
        let evidence = self.evidence();
        for (i, class) in evidence.classes().iter().enumerate() {
            for (n, (text, loc)) in class.examples.present.iter().enumerate() {
                if !evidence.shows(i, text.as_bytes()) {
                    errors.push(loc.error(
                        None,
                        format!(
                            "evidence class `{}`: present example {} does not show it",
                            class.id,
                            n + 1
                        ),
                    ));
                }
            }
            for (n, (text, loc)) in class.examples.absent.iter().enumerate() {
                if evidence.shows(i, text.as_bytes()) {
                    errors.push(loc.error(
                        None,
                        format!(
                            "evidence class `{}`: absent example {} shows it",
                            class.id,
                            n + 1
                        ),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Rules(errors))
        }
    }
}

/// Where `text` is cut into records and why, and what the rule author can do about it.
fn why_cut(text: &str, record_start: Option<&Regex>) -> String {
    let cuts = record::cuts(text.as_bytes(), record_start);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::from("a new record starts at ");
    for (k, (line, why)) in cuts.iter().take(CUTS_SHOWN).enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        let shown = lines.get(line - 1).map_or("", |l| l.trim_end());
        let shown: String = if shown.chars().count() > 60 {
            shown.chars().take(57).chain("...".chars()).collect()
        } else {
            shown.to_string()
        };
        let reason = match why {
            CutReason::RecordStart => "matches --record-start",
            CutReason::Header => "looks like a header: a timestamp or level that starts a record",
            CutReason::Unindented => {
                "unindented, and not a trace line the grammar continues a record with"
            }
            CutReason::Blank => "blank, which continues only a header's record or a trace",
            CutReason::AfterClosed => "after a record that takes no more lines",
        };
        if shown.is_empty() {
            out.push_str(&format!("its line {line} ({reason})"));
        } else {
            out.push_str(&format!("its line {line} (`{shown}`: {reason})"));
        }
    }
    if cuts.len() > CUTS_SHOWN {
        out.push_str(&format!(" and {} more", cuts.len() - CUTS_SHOWN));
    }
    out.push_str(". ");
    let has = |r: CutReason| cuts.iter().any(|(_, why)| *why == r);
    if has(CutReason::Header) || has(CutReason::RecordStart) {
        out.push_str(
            "An example holds one record, from its first line to the next record's first \
             line: give each record its own example. ",
        );
    }
    if has(CutReason::Unindented) {
        out.push_str(
            "Without --record-start, a record is a header line (a timestamp or level \
             resetsquash knows) or any other first line, and its continuation lines; after a \
             first line that is not a header, only indented lines and Java, Python, .NET and \
             Node trace lines (`at ...`, `Caused by: ...`, `File \"...\"`) continue it. If the \
             log indents these lines, indent them in the example too. If the log writes them \
             unindented (a Ruby or Rails backtrace), the filter cuts real records the same way: \
             they need `--record-start REGEX`, a regex that matches the first line of each \
             record and no other, both when filtering and here (`resetsquash rules check \
             --record-start REGEX FILE`); rules/README.md, \"Traces the grammar does not \
             know\", works through one. ",
        );
    }
    out.truncate(out.trim_end().len());
    out
}
