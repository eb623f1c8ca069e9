//! The record stage's vocabulary: what it decides about each record, and whom it tells.
//!
//! The assembler (see [`crate::squash`]) decides; a [`Sink`] hears the decisions in input
//! order. Three sinks implement it: the ledger, which writes and counts; the recorder of a chunk
//! decided on another thread, which stores them for replay; and the report's tally, which counts
//! without writing. This module is apart from all of them so that the deciding side and the
//! hearing sides both depend on it, and never on each other.

use crate::error::Error;
use crate::fields::{Abort, Kinds};
use crate::words::counted;

/// Where the record stage sends its decisions, in input order.
pub trait Sink {
    /// Bytes that pass through unchanged: a kept record, or a piece of one.
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// The input's last record, kept, when it lacks a final line terminator: pending summaries
    /// go before it, so that none is glued onto its last line.
    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// A record a rule took.
    fn squash(&mut self, squashed: &Squashed<'_>) -> Result<(), Error>;
    /// A header line set the log's clock.
    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error>;
    /// A line of `--explain` output about the record whose first line is `line_no` (counted
    /// across inputs): what was decided and the record's first line, terminated.
    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error>;
    /// Write the pending summaries now: a record too large to hold is about to stream through,
    /// and its last line may be the input's last, without a terminator to end it.
    fn summaries_now(&mut self) -> Result<(), Error>;
    /// The text just kept (`text`: its lines and bytes) came as `raw` in the log: a JSON-lines
    /// record is one line of JSON, read as the several lines of its message and trace (see
    /// [`crate::structured`]). Only `report` counts the log's own lines and bytes from it.
    fn came_as(&mut self, text: (u64, u64), raw: (u64, u64)) {
        let _ = (text, raw);
    }
    /// A whole record that is kept, and why: the filter only writes it (through [`Sink::keep`],
    /// or [`Sink::keep_last`] for the input's unterminated last record); `report` also reads it.
    fn kept(&mut self, record: &[u8], why: Kept, last: bool) -> Result<(), Error> {
        let _ = why;
        if last {
            self.keep_last(record)
        } else {
            self.keep(record)
        }
    }
}

/// Why a whole record was kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// No rule took it. `worded`: some rule's fixed strings occur in it (its wording may
    /// still differ); without them it names no abort at all.
    Plain { worded: bool },
    /// One of our own summary lines, from a log squashed before.
    Summary,
    /// A rule's wording matched but its anchors said the connection was not an inbound client's
    /// (no inbound anchor, or an outbound one): a genuine error that looks like an abort.
    LookAlike { rule: usize },
    /// A rule took it, but the record does not hold together (interleaved output).
    Unsound { rule: usize },
}

/// A record a rule took, as the ledger needs it.
#[derive(Debug)]
pub struct Squashed<'a> {
    pub rule: usize,
    /// What it is counted by within the rule.
    pub key: &'a [u8],
    /// Its exception headline, the summary's sample.
    pub headline: &'a [u8],
    /// The whole record: written as is if `--keep-first` lets it through. May be empty when
    /// `--keep-first` is 0.
    pub record: &'a [u8],
    pub lines: u64,
    pub bytes: u64,
    /// Its lines end in `\r\n`: so will the summary line.
    pub crlf: bool,
    /// Line number of its first line, for `--explain`.
    pub line_no: u64,
    /// Its first line, for `--explain` (may be empty otherwise).
    pub first_line: &'a [u8],
    /// What it says: where, and what kind of abort.
    pub abort: &'a Abort,
    /// For `--explain`, what decided beyond the rule's own patterns (the evidence it showed);
    /// empty otherwise.
    pub why: &'a str,
    /// Absorbed into the event whose first record began on this line (see `rules/event.rs`):
    /// counted in that event's group, lines and bytes, not as an abort of its own. `rule` and
    /// `key` are the event's.
    pub event: Option<u64>,
}

/// Counts for one run, for `--stats`, `--metrics` and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records seen, squashed or not.
    pub records: u64,
    /// Records squashed, per rule, in rule order.
    pub squashed: Vec<RuleCount>,
    /// Summary lines written.
    pub summaries: u64,
    /// Bytes of the records squashed, and of the summary lines written in their place: what the
    /// log was spared is the difference (which, unlike either, can shrink while a run goes on,
    /// so it is never itself a counter).
    pub squashed_bytes: u64,
    pub summary_bytes: u64,
    /// Records a rule took that `--keep-first` let through whole, as examples.
    pub first_kept: u64,
    /// Records kept as genuine errors that look like aborts: a rule's wording matched and its
    /// anchors said the connection was not an inbound client's (an outbound call's reset).
    pub lookalikes: u64,
    /// Records kept only because they broke a size limit or did not hold together.
    pub unsquashable: u64,
    /// The run ended early on this signal (SIGTERM, SIGINT), after writing everything.
    pub signal: Option<i32>,
}

/// One rule's squashed records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCount {
    pub id: String,
    pub records: u64,
    /// What the peers did, in those records.
    pub kinds: Kinds,
}

impl Stats {
    /// `--stats`: a line of totals, then a line per rule that squashed any.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "resetsquash: {}, {} squashed into {}, {} unsquashable\n",
            counted(self.records, "record", "records"),
            self.squashed_total(),
            counted(self.summaries, "summary line", "summary lines"),
            self.unsquashable
        );
        for r in self.squashed.iter().filter(|r| r.records > 0) {
            out.push_str(&format!("{:>10}  {}\n", r.records, r.id));
        }
        out
    }

    pub fn squashed_total(&self) -> u64 {
        self.squashed.iter().map(|r| r.records).sum()
    }

    /// Adds the counts of another part of the same run (a chunk decided on another thread, a
    /// backlog, another file squashed in place). `part` may count fewer rules than `self`
    /// holds yet (an empty `Stats` counts none): rules are matched by position, as every part
    /// of a run decides by the same rule set. The signal is the first one seen.
    pub fn add(&mut self, part: &Stats) {
        self.records += part.records;
        self.summaries += part.summaries;
        self.squashed_bytes += part.squashed_bytes;
        self.summary_bytes += part.summary_bytes;
        self.first_kept += part.first_kept;
        self.lookalikes += part.lookalikes;
        self.unsquashable += part.unsquashable;
        for (i, r) in part.squashed.iter().enumerate() {
            match self.squashed.get_mut(i) {
                Some(total) => {
                    total.records += r.records;
                    total.kinds.add(&r.kinds);
                }
                None => self.squashed.push(r.clone()),
            }
        }
        self.signal = self.signal.or(part.signal);
    }
}
