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
use crate::explain::{self, Places};
use crate::fields::Kinds;
use crate::output::Output;
use crate::rules::RuleSet;
use crate::shipped::kinds::Wrap;
use crate::sink::{RuleCount, Sink, Squashed, Stats};
use crate::summary::{List, Summary};

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
    /// How its summary line is written: after the prefix of its first record's first line, in
    /// a shipped log (see [`crate::shipped`]).
    wrap: Wrap,
    /// Records of this group in this window, kept examples included.
    seen: u64,
    count: u64,
    /// Records absorbed into the events counted (see `rules/event.rs`).
    absorbed: u64,
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

impl Group {
    /// A record of the group came at the log's `clock`: its first and last times.
    fn seen_at(&mut self, clock: &Clock) {
        if clock.known {
            if self.first.is_none() {
                self.first = Some(clock.text.clone());
            }
            let last = self.last.get_or_insert_with(Vec::new);
            last.clear();
            last.extend_from_slice(&clock.text);
            self.last_seconds = clock.seconds;
        }
    }
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

/// How the ledger cuts the log's time into windows and bounds what it holds.
#[derive(Clone, Copy, Debug)]
pub struct TimeWindows {
    /// Window length in seconds of the log's clock; `None`: windows close only at the end.
    pub window: Option<i64>,
    /// How many records of each group and window pass through in full before squashing starts.
    pub keep_first: u64,
    /// Groups held at once; past it, all pending summaries are written early (bounds memory).
    pub max_groups: usize,
    /// A timestamp later than this (seconds, on the log's clock) moves no window: one header
    /// dated 2099 would otherwise hold every later count until the end of the input. A day
    /// after the run started, since no log is written ahead of its writer's clock by more than
    /// a time zone. One value for the whole run, so that every thread decides alike.
    pub clock_limit: Option<i64>,
}

impl Default for TimeWindows {
    fn default() -> Self {
        TimeWindows {
            window: Some(60),
            keep_first: 0,
            max_groups: 1_000,
            clock_limit: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs() as i64 + 86_400),
        }
    }
}

/// The counting, windowing and writing stage.
pub struct Ledger<'r, W: Write> {
    rules: &'r RuleSet,
    window: Option<i64>,
    keep_first: u64,
    max_groups: usize,
    /// Timestamps past it move no window ([`TimeWindows::clock_limit`]).
    clock_limit: Option<i64>,
    explain: bool,
    out: Output<W>,
    clock: Clock,
    groups: Vec<Group>,
    /// Per rule: group key → index in `groups`.
    group_index: Vec<HashMap<Vec<u8>, usize>>,
    /// Per rule: records squashed, and their kinds.
    squashed: Vec<(u64, Kinds)>,
    summaries: u64,
    squashed_bytes: u64,
    summary_bytes: u64,
    first_kept: u64,
    scratch: Vec<u8>,
    /// The output so far ends with a line terminator (or is empty).
    ends_line: bool,
    /// With `--explain` over several inputs: where each begins.
    places: Places,
    /// The first lines of the latest events whose first record `--keep-first` let through,
    /// with their rules: their follow-ups are let through too.
    kept_events: std::collections::VecDeque<(u64, usize)>,
}

/// Events remembered in [`Ledger::kept_events`]: an event's follow-ups come within
/// [`crate::rules::MAX_WITHIN`] lines of it, so no more can be waiting at once.
const KEPT_EVENTS: usize = crate::rules::MAX_WITHIN;

impl<'r, W: Write> Ledger<'r, W> {
    /// A ledger over `rules`' groups, writing to `out`; with `explain`, it writes a decision per
    /// candidate record instead of the log (`--explain`).
    pub fn new(rules: &'r RuleSet, windows: &TimeWindows, explain: bool, out: Output<W>) -> Self {
        Ledger {
            rules,
            window: windows.window.filter(|&w| w > 0),
            keep_first: windows.keep_first,
            max_groups: windows.max_groups.max(1),
            clock_limit: windows.clock_limit,
            explain,
            out,
            clock: Clock::default(),
            groups: Vec::new(),
            group_index: vec![HashMap::new(); rules.rules().len()],
            squashed: vec![(0, Kinds::default()); rules.rules().len()],
            summaries: 0,
            squashed_bytes: 0,
            summary_bytes: 0,
            first_kept: 0,
            scratch: Vec::new(),
            ends_line: true,
            places: Places::default(),
            kept_events: Default::default(),
        }
    }

    /// Tells `--explain` that input `name` begins after `before` lines of earlier inputs, its
    /// first line of its own being line `first_line` of them all (one more where the earlier
    /// input ended inside a line, which then belongs to that input).
    pub fn begin_input(&mut self, before: u64, first_line: u64, name: String) {
        self.places.begin(before, first_line, name);
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
    pub fn finish(mut self, stats: Stats) -> Result<(Stats, W), Error> {
        if !self.ends_line && self.groups.iter().any(|g| g.count + g.absorbed > 0) {
            // The input ended inside a line (a pipe that went quiet mid-record, then closed):
            // end it, rather than glue a summary onto it.
            self.out.write(b"\n")?;
        }
        self.flush_groups()?;
        let stats = self.counted(stats);
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

    /// `stats` (the record stage's counts) with the ledger's added: what was squashed, and the
    /// summary lines written so far. Records squashed since the last summary line are counted
    /// already (they are out of the log), their summary line not yet.
    pub fn counted(&self, mut stats: Stats) -> Stats {
        stats.summaries = self.summaries;
        stats.squashed_bytes = self.squashed_bytes;
        stats.summary_bytes = self.summary_bytes;
        stats.first_kept = self.first_kept;
        stats.squashed = self
            .rules
            .rules()
            .iter()
            .zip(&self.squashed)
            .map(|(r, (n, kinds))| RuleCount {
                id: r.id.clone(),
                records: *n,
                kinds: kinds.clone(),
            })
            .collect();
        stats
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
            // A group of follow-ups alone: the events they belong to were counted in a summary
            // line already written (its window closed in between).
            if g.count == 0 && g.absorbed == 0 {
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
                absorbed: g.absorbed,
                lines: g.lines,
                bytes: g.bytes,
                first: g.first,
                last: g.last,
                sample: g.sample,
                kinds: Some(g.kinds),
                lists: g.lists.map(Counts::into_list),
            };
            self.scratch.clear();
            if g.wrap == Wrap::Plain {
                summary.write(g.eol, &mut self.scratch);
            } else {
                let mut line = Vec::new();
                summary.write(g.eol, &mut line);
                g.wrap.write(&line, &mut self.scratch);
            }
            self.summary_bytes += self.scratch.len() as u64;
            self.out.write_summary(&self.scratch, summary.count)?;
        }
        Ok(())
    }

    /// A record squashed in one stream of a shipped log: counted in groups of that stream
    /// only, whose summary line is wrapped as `wrap` says (see [`crate::shipped::demux`]).
    /// Returns whether `--keep-first` keeps it instead, for the caller to write its lines.
    pub fn squash_in_stream(
        &mut self,
        s: &Squashed<'_>,
        stream: &[u8],
        wrap: &Wrap,
    ) -> Result<bool, Error> {
        let mut key = Vec::with_capacity(stream.len() + 1 + s.key.len());
        key.extend_from_slice(stream);
        key.push(0);
        key.extend_from_slice(s.key);
        self.count(s, &key, wrap, false)
    }

    /// Whether the first records of each group are written whole (`--keep-first`).
    pub(crate) fn keeps_first(&self) -> bool {
        self.keep_first > 0
    }

    /// Counts `s` in its group (`index_key`: the group's key in the index) and window; with
    /// `--keep-first`, writes it whole instead (if `write_first`), and says so.
    fn count(
        &mut self,
        s: &Squashed<'_>,
        index_key: &[u8],
        wrap: &Wrap,
        write_first: bool,
    ) -> Result<bool, Error> {
        if let Some(begun) = s.event {
            return self.absorb(s, index_key, wrap, write_first, begun);
        }
        let idx = self.group_of(s, index_key, wrap)?;
        let keep_first = self.keep_first;
        let g = &mut self.groups[idx];
        g.seen += 1;
        if g.seen <= keep_first {
            self.first_kept += 1;
            if self.rules.rules()[s.rule].event.is_some() {
                if self.kept_events.len() == KEPT_EVENTS {
                    self.kept_events.pop_front();
                }
                self.kept_events.push_back((s.line_no, s.rule));
            }
            if self.explain {
                let why =
                    format!("keep: first {keep_first} of its group in this window (--keep-first)");
                self.explain_line(s.line_no, &why, s.first_line)?;
            } else if write_first {
                self.ends_line = s.record.ends_with(b"\n");
                self.out.write(s.record)?;
            }
            return Ok(true);
        }
        g.count += 1;
        g.lines += s.lines;
        if !self.kept_events.is_empty() {
            // An event of an earlier chunk may have begun on a line of the same number.
            self.kept_events.retain(|e| *e != (s.line_no, s.rule));
        }
        let g = &mut self.groups[idx];
        g.bytes += s.bytes;
        g.seen_at(&self.clock);
        g.eol = if s.crlf { b"\r\n" } else { b"\n" };
        g.kinds.count(s.abort.kind, s.abort.download);
        for (counts, value) in g.lists.iter_mut().zip(s.abort.fields.values()) {
            if let Some(v) = value {
                counts.count(v);
            }
        }
        let (n, kinds) = &mut self.squashed[s.rule];
        *n += 1;
        kinds.count(s.abort.kind, s.abort.download);
        self.squashed_bytes += s.bytes;
        if self.explain {
            let mut why = format!("squash: rule `{}`", self.rules.rules()[s.rule].id);
            if !s.why.is_empty() {
                why.push_str(": ");
                why.push_str(s.why);
            }
            self.explain_line(s.line_no, &why, s.first_line)?;
        }
        Ok(false)
    }

    /// A record absorbed into the event begun on line `begun`: written whole where that
    /// event's first record was (`--keep-first`), else counted in its group's lines and bytes.
    fn absorb(
        &mut self,
        s: &Squashed<'_>,
        index_key: &[u8],
        wrap: &Wrap,
        write_first: bool,
        begun: u64,
    ) -> Result<bool, Error> {
        if self.kept_events.contains(&(begun, s.rule)) {
            if self.explain {
                let why = format!(
                    "keep: part of the event begun on line {begun}, kept whole (--keep-first)"
                );
                self.explain_line(s.line_no, &why, s.first_line)?;
            } else if write_first {
                self.ends_line = s.record.ends_with(b"\n");
                self.out.write(s.record)?;
            }
            return Ok(true);
        }
        let idx = self.group_of(s, index_key, wrap)?;
        let g = &mut self.groups[idx];
        g.absorbed += 1;
        g.lines += s.lines;
        g.bytes += s.bytes;
        g.seen_at(&self.clock);
        self.squashed_bytes += s.bytes;
        if self.explain {
            let why = format!(
                "squash: rule `{}`: {}",
                self.rules.rules()[s.rule].id,
                s.why
            );
            self.explain_line(s.line_no, &why, s.first_line)?;
        }
        Ok(false)
    }

    /// The index of `s`'s group in this window, made if it is new (all pending summaries
    /// written first if there are too many groups).
    fn group_of(
        &mut self,
        s: &Squashed<'_>,
        index_key: &[u8],
        wrap: &Wrap,
    ) -> Result<usize, Error> {
        if self.groups.len() >= self.max_groups && !self.group_index[s.rule].contains_key(index_key)
        {
            self.flush_groups()?;
        }
        let eol: &'static [u8] = if s.crlf { b"\r\n" } else { b"\n" };
        let idx = match self.group_index[s.rule].get(index_key) {
            Some(&i) => i,
            None => {
                self.groups.push(Group {
                    rule: s.rule,
                    key: s.key.to_vec(),
                    wrap: wrap.clone(),
                    seen: 0,
                    count: 0,
                    absorbed: 0,
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
                self.group_index[s.rule].insert(index_key.to_vec(), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        Ok(idx)
    }

    fn explain_line(&mut self, line_no: u64, why: &str, first_line: &[u8]) -> Result<(), Error> {
        self.note(line_no, &explain::note(why, first_line))
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
        self.count(s, s.key, &Wrap::Plain, true).map(|_| ())
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
        self.out.write(self.places.name(line_no).as_bytes())?;
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
