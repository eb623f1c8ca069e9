//! Decisions → output: kept bytes written through, squashed records counted per group and time
//! window, summary lines written when a window closes.
//!
//! The ledger is the only stateful stage after the record decisions, and it sees them in input
//! order, whether they come straight from one [`crate::squash::Assembler`] or are replayed from
//! chunks decided in parallel. That is what makes the output the same for every thread count.
//!
//! A window closes when the log's own clock (the timestamps of its header lines) moves past it;
//! its groups are then written as summary lines, in the order of their last timestamps (ties in
//! the order the groups were first seen), so that they follow the log's clock like the records
//! around them. So where a summary lands depends only on the log's content: never on buffer
//! sizes, chunking or timing.

use std::collections::HashMap;
use std::io::Write;

use crate::error::Error;
use crate::fields::{Abort, Kinds};
use crate::output::Output;
use crate::rules::RuleSet;
use crate::squash::{Options, Stats};
use crate::summary::{List, Summary};

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
}

/// The timestamp of the latest header line.
#[derive(Default)]
struct Clock {
    text: Vec<u8>,
    seconds: i64,
    known: bool,
    window: Option<i64>,
}

struct Group {
    rule: usize,
    key: Vec<u8>,
    /// Records of this group in this window, kept examples included.
    seen: u64,
    count: u64,
    lines: u64,
    bytes: u64,
    first: Option<Vec<u8>>,
    last: Option<Vec<u8>>,
    /// The seconds of `last`, for ordering the summary lines of one flush.
    last_seconds: i64,
    sample: Vec<u8>,
    eol: &'static [u8],
    kinds: Kinds,
    /// Endpoints, clients, application frames, threads.
    lists: [Counts; 4],
}

/// Values counted per list per group: at most this many distinct ones, each exactly.
const TRACKED: usize = 16;
/// Values written per list in a summary line: as many as `report` shows per list.
const WRITTEN: usize = 10;

/// The counts of one field's values in a group: exact for the first [`TRACKED`] distinct
/// values; the records of any later value are counted in `rest`. A first-come bound rather
/// than a heavy-hitter sketch, so that every count written is exact (and `report`'s sums are
/// lower bounds, never guesses); a group of client aborts rarely has more than a few endpoints
/// or frames, and a thread pool's busiest threads are met early.
#[derive(Default)]
struct Counts {
    values: Vec<(String, u64)>,
    rest: u64,
}

impl Counts {
    fn count(&mut self, value: &str) {
        if let Some(e) = self.values.iter_mut().find(|e| e.0 == value) {
            e.1 += 1;
        } else if self.values.len() < TRACKED {
            self.values.push((value.to_string(), 1));
        } else {
            self.rest += 1;
        }
    }

    /// The summary line's list: the largest [`WRITTEN`] (ties by value), the rest summed.
    fn into_list(mut self) -> List {
        self.values
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut rest = self.rest;
        for (_, n) in self.values.drain(WRITTEN.min(self.values.len())..) {
            rest += n;
        }
        List {
            entries: self
                .values
                .into_iter()
                .map(|(v, n)| (v.into_bytes(), n))
                .collect(),
            rest,
        }
    }
}

/// Longest sample kept for a summary line.
const SAMPLE_BYTES: usize = 200;

/// The counting, windowing and writing stage.
pub struct Ledger<'r, W: Write> {
    rules: &'r RuleSet,
    window: Option<i64>,
    keep_first: u64,
    max_groups: usize,
    /// Timestamps past it move no window ([`Options::clock_limit`]).
    clock_limit: Option<i64>,
    explain: bool,
    out: Output<W>,
    clock: Clock,
    groups: Vec<Group>,
    /// Per rule: group key → index in `groups`.
    group_index: Vec<HashMap<Vec<u8>, usize>>,
    squashed: Vec<u64>,
    summaries: u64,
    scratch: Vec<u8>,
    /// The output so far ends with a line terminator (or is empty).
    ends_line: bool,
    /// With `--explain` over several inputs: where each begins, to name a record's file and
    /// its line there rather than a count across all of them.
    inputs: Vec<InputStart>,
}

/// Where one of several inputs begins in the stream of lines that all of them make.
struct InputStart {
    /// The first line, counted across inputs, that begins in this input.
    first_line: u64,
    /// Lines of the inputs before it: its own line numbers are counted from here.
    before: u64,
    /// The input as the user named it.
    name: String,
}

impl<'r, W: Write> Ledger<'r, W> {
    pub fn new(rules: &'r RuleSet, opts: &Options, out: Output<W>) -> Self {
        Ledger {
            rules,
            window: opts.window.filter(|&w| w > 0),
            keep_first: opts.keep_first,
            max_groups: opts.max_groups.max(1),
            clock_limit: opts.clock_limit,
            explain: opts.explain,
            out,
            clock: Clock::default(),
            groups: Vec::new(),
            group_index: vec![HashMap::new(); rules.rules().len()],
            squashed: vec![0; rules.rules().len()],
            summaries: 0,
            scratch: Vec::new(),
            ends_line: true,
            inputs: Vec::new(),
        }
    }

    /// Tells `--explain` that input `name` begins after `before` lines of earlier inputs, its
    /// first line of its own being line `first_line` of them all (one more where the earlier
    /// input ended inside a line, which then belongs to that input).
    pub fn begin_input(&mut self, before: u64, first_line: u64, name: String) {
        self.inputs.push(InputStart {
            first_line,
            before,
            name,
        });
    }

    /// Writes out what is queued (end of an input batch).
    pub fn flush(&mut self) -> Result<(), Error> {
        self.out.flush()
    }

    /// From a quiet pipe: when writing is to be tried again, while writes are failing.
    pub fn retry_due(&self) -> Option<std::time::Instant> {
        self.out.retry_due()
    }

    /// Tries writing again, if it is time to.
    pub fn retry_if_due(&mut self) {
        self.out.retry_if_due()
    }

    /// Reopens the output (`-o FILE` after logrotate moved it away).
    pub fn reopen(&mut self) -> Result<(), Error>
    where
        W: crate::output::Destination,
    {
        self.out.reopen()
    }

    /// End of input: every pending count; adds the ledger's counts to `stats`.
    pub fn finish(mut self, mut stats: Stats) -> Result<(Stats, W), Error> {
        if !self.ends_line && self.groups.iter().any(|g| g.count > 0) {
            // The input ended inside a line (a pipe that went quiet mid-record, then closed):
            // end it, rather than glue a summary onto it.
            self.out.write(b"\n")?;
        }
        self.flush_groups()?;
        stats.summaries = self.summaries;
        stats.squashed = self
            .rules
            .rules()
            .iter()
            .zip(&self.squashed)
            .map(|(r, &n)| (r.id.clone(), n))
            .collect();
        if self.explain {
            let line = format!(
                "{}, {} squashed into {}\n",
                crate::words::counted(stats.records, "record", "records"),
                stats.squashed_total(),
                crate::words::counted(stats.summaries, "summary line", "summary lines"),
            );
            self.out.write(line.as_bytes())?;
        }
        self.out.finish()?;
        Ok((stats, self.out.into_inner()))
    }

    /// Writes a summary line for every group with a count, then forgets them all.
    fn flush_groups(&mut self) -> Result<(), Error> {
        let mut groups = std::mem::take(&mut self.groups);
        for index in &mut self.group_index {
            index.clear();
        }
        // By the log's clock: the seconds, then the text within a second (the fraction, in the
        // log's own format). Groups counted before any timestamp come first, as they were. The
        // sort is stable, so ties keep the order the groups were first seen in.
        fn key(g: &Group) -> Option<(i64, &[u8])> {
            g.last.as_ref().map(|t| (g.last_seconds, t.as_slice()))
        }
        groups.sort_by(|a, b| key(a).cmp(&key(b)));
        for g in groups {
            if g.count == 0 {
                continue;
            }
            self.summaries += 1;
            if self.explain {
                continue;
            }
            let summary = Summary {
                timestamp: g.last.clone().unwrap_or_default(),
                count: g.count,
                rule: self.rules.rules()[g.rule].id.clone(),
                group: g.key,
                lines: g.lines,
                bytes: g.bytes,
                first: g.first,
                last: g.last,
                sample: g.sample,
                kinds: Some(g.kinds),
                lists: g.lists.map(Counts::into_list),
            };
            self.scratch.clear();
            summary.write(g.eol, &mut self.scratch);
            self.out.write_summary(&self.scratch, summary.count)?;
        }
        Ok(())
    }

    fn explain_line(&mut self, line_no: u64, why: &str, first_line: &[u8]) -> Result<(), Error> {
        let first = first_line.strip_suffix(b"\n").unwrap_or(first_line);
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let shown = &first[..first.len().min(120)];
        let text = format!("{why}: {}\n", String::from_utf8_lossy(shown));
        self.note(line_no, &text)
    }
}

impl<W: Write> Sink for Ledger<'_, W> {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.explain || bytes.is_empty() {
            return Ok(());
        }
        self.ends_line = bytes.ends_with(b"\n");
        self.out.write(bytes)
    }

    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.flush_groups()?;
        self.keep(bytes)
    }

    fn squash(&mut self, s: &Squashed<'_>) -> Result<(), Error> {
        if self.groups.len() >= self.max_groups && !self.group_index[s.rule].contains_key(s.key) {
            self.flush_groups()?;
        }
        let eol: &'static [u8] = if s.crlf { b"\r\n" } else { b"\n" };
        let idx = match self.group_index[s.rule].get(s.key) {
            Some(&i) => i,
            None => {
                self.groups.push(Group {
                    rule: s.rule,
                    key: s.key.to_vec(),
                    seen: 0,
                    count: 0,
                    lines: 0,
                    bytes: 0,
                    first: None,
                    last: None,
                    last_seconds: 0,
                    sample: s.headline[..s.headline.len().min(SAMPLE_BYTES)].to_vec(),
                    eol,
                    kinds: Kinds::default(),
                    lists: Default::default(),
                });
                self.group_index[s.rule].insert(s.key.to_vec(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let keep_first = self.keep_first;
        let g = &mut self.groups[idx];
        g.seen += 1;
        if g.seen <= keep_first {
            if self.explain {
                let why =
                    format!("keep: first {keep_first} of its group in this window (--keep-first)");
                return self.explain_line(s.line_no, &why, s.first_line);
            }
            self.ends_line = s.record.ends_with(b"\n");
            return self.out.write(s.record);
        }
        g.count += 1;
        g.lines += s.lines;
        g.bytes += s.bytes;
        if self.clock.known {
            let now = &self.clock.text;
            if g.first.is_none() {
                g.first = Some(now.clone());
            }
            let last = g.last.get_or_insert_with(Vec::new);
            last.clear();
            last.extend_from_slice(now);
            g.last_seconds = self.clock.seconds;
        }
        g.eol = eol;
        g.kinds.count(s.abort.kind, s.abort.download);
        for (counts, value) in g.lists.iter_mut().zip(s.abort.fields.values()) {
            if let Some(v) = value {
                counts.count(v);
            }
        }
        self.squashed[s.rule] += 1;
        if self.explain {
            let why = format!("squash: rule `{}`", self.rules.rules()[s.rule].id);
            return self.explain_line(s.line_no, &why, s.first_line);
        }
        Ok(())
    }

    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error> {
        if let Some(len) = self.window
            && self.clock_limit.is_none_or(|limit| seconds <= limit)
        {
            let w = seconds.div_euclid(len);
            match self.clock.window {
                Some(cur) if w > cur => {
                    self.flush_groups()?;
                    self.clock.window = Some(w);
                }
                Some(_) => {}
                None => self.clock.window = Some(w),
            }
        }
        self.clock.known = true;
        self.clock.seconds = seconds;
        self.clock.text.clear();
        self.clock.text.extend_from_slice(text);
        if self.out.keeps_going() {
            self.out.stamp(text);
        }
        Ok(())
    }

    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error> {
        // `line N: ` with one input; `FILE:N: ` with several, N counted in FILE.
        let at = match self.inputs.iter().rev().find(|i| i.first_line <= line_no) {
            Some(input) => format!("{}:{}: ", input.name, line_no - input.before),
            None => format!("line {line_no}: "),
        };
        self.out.write(at.as_bytes())?;
        self.out.write(text.as_bytes())
    }

    fn summaries_now(&mut self) -> Result<(), Error> {
        self.flush_groups()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_counts_a_bounded_number_of_values_exactly_and_the_rest_in_one_sum() {
        let mut c = Counts::default();
        for i in 0..10_000 {
            c.count(&format!("10.0.{}.{}", i % 100, i / 100));
        }
        c.count("10.0.3.0");
        c.count("10.0.3.0");
        assert_eq!(c.values.len(), TRACKED, "memory stays bounded");
        let list = c.into_list();
        assert_eq!(list.entries.len(), WRITTEN);
        assert_eq!(
            list.entries[0],
            (b"10.0.3.0".to_vec(), 3),
            "largest first, exact"
        );
        let listed: u64 = list.entries.iter().map(|e| e.1).sum();
        assert_eq!(listed + list.rest, 10_002, "the total is exact");
    }
}
