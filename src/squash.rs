//! Records → kept bytes and counted summaries: the filter's decisions and its bookkeeping.
//!
//! The squasher is fed lines in order. It holds the record being assembled, and when the record
//! is complete either writes it out byte for byte or counts it into a group (rule + exception
//! chain) of the current time window. A window closes when the log's own clock (the timestamps of
//! its header lines) moves past it, and its groups are then written as summary lines, in the
//! order they were first seen. So where a summary lands depends only on the log's content: never
//! on buffer sizes, chunking or timing.
//!
//! Invariants: every byte of a record that is not squashed is written exactly once, in order; the
//! counts of the summary lines add up to the records squashed; a record that breaks a limit
//! (too many lines, too many bytes, an over-long line) is never squashed.

use std::collections::HashMap;
use std::io::Write;

use crate::error::Error;
use crate::output::Output;
use crate::record::{self, Grammar};
use crate::rules::{Decision, GroupBy, RuleSet};
use crate::summary::{MARKER, Summary};

/// The filter's knobs; [`Options::default`] is what the command line uses unless told otherwise.
#[derive(Clone, Debug)]
pub struct Options {
    /// Window length in seconds of the log's clock; `None`: windows close only at the end.
    pub window: Option<i64>,
    /// How many records of each group and window pass through in full before squashing starts.
    pub keep_first: u64,
    /// A record with more lines than this is not squashable (it passes through untouched).
    pub max_record_lines: usize,
    /// A record with more bytes than this is not squashable.
    pub max_record_bytes: usize,
    /// Groups held at once; past it, all pending summaries are written early (bounds memory).
    pub max_groups: usize,
    /// Write a decision per candidate record instead of the log (`--explain`).
    pub explain: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window: Some(60),
            keep_first: 0,
            max_record_lines: 10_000,
            max_record_bytes: 4 << 20,
            max_groups: 1_000,
            explain: false,
        }
    }
}

/// Counts for one run, for `--stats` and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records seen, squashed or not.
    pub records: u64,
    /// Records squashed, per rule id, in rule order.
    pub squashed: Vec<(String, u64)>,
    /// Summary lines written.
    pub summaries: u64,
    /// Records kept only because they broke a size limit or did not hold together.
    pub unsquashable: u64,
}

impl Stats {
    pub fn squashed_total(&self) -> u64 {
        self.squashed.iter().map(|(_, n)| n).sum()
    }
}

/// The timestamp of the latest header line.
#[derive(Default)]
struct Clock {
    text: Vec<u8>,
    seconds: Option<i64>,
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
    sample: Vec<u8>,
    eol: &'static [u8],
}

/// The streaming filter.
pub struct Squasher<'r, W: Write> {
    rules: &'r RuleSet,
    opts: Options,
    grammar: Grammar,
    out: Output<W>,
    /// The record being assembled.
    pending: Vec<u8>,
    pending_lines: usize,
    pending_first_line: u64,
    /// The current record is being written through as it arrives (it broke a limit, or its
    /// head was already decided when the input went idle).
    passthrough: bool,
    /// Whether the record being finished holds together.
    sound: record::Soundness,
    line_no: u64,
    /// The input has ended: the record being finished is the last.
    at_end: bool,
    clock: Clock,
    groups: Vec<Group>,
    group_index: HashMap<(usize, Vec<u8>), usize>,
    stats: Stats,
}

/// Longest sample kept for a summary line.
const SAMPLE_BYTES: usize = 200;

impl<'r, W: Write> Squasher<'r, W> {
    pub fn new(rules: &'r RuleSet, opts: Options, grammar: Grammar, out: Output<W>) -> Self {
        let stats = Stats {
            squashed: rules.rules().iter().map(|r| (r.id.clone(), 0)).collect(),
            ..Stats::default()
        };
        Squasher {
            rules,
            opts,
            grammar,
            out,
            pending: Vec::new(),
            pending_lines: 0,
            pending_first_line: 0,
            passthrough: false,
            sound: record::Soundness::Sound,
            line_no: 0,
            at_end: false,
            clock: Clock::default(),
            groups: Vec::new(),
            group_index: HashMap::new(),
            stats,
        }
    }

    /// One complete line, terminator included (the last line of the input may have none).
    pub fn line(&mut self, line: &[u8]) -> Result<(), Error> {
        self.classify(line)?;
        if self.passthrough {
            return self.emit(line);
        }
        self.pending.extend_from_slice(line);
        self.pending_lines += 1;
        if self.pending_lines > self.opts.max_record_lines
            || self.pending.len() > self.opts.max_record_bytes
        {
            self.give_up_on_record()?;
        }
        Ok(())
    }

    /// Runs the grammar on a new line; where it starts a record, finishes the previous one and
    /// moves the clock to the line's timestamp.
    fn classify(&mut self, line: &[u8]) -> Result<(), Error> {
        self.line_no += 1;
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let step = self.grammar.step(body);
        if step.starts_record {
            self.sound = step.previous;
            self.finish_record()?;
            self.passthrough = false;
            if let Some(h) = step.header
                && let Some(secs) = h.seconds
            {
                self.observe_time(secs, &body[..h.timestamp_len])?;
            }
            self.pending_first_line = self.line_no;
        }
        Ok(())
    }

    /// The start of a line longer than the line limit: the record it is in is not squashable, so
    /// it and the rest of the line (see [`Squasher::long_line_more`]) are written through.
    pub fn long_line_start(&mut self, head: &[u8]) -> Result<(), Error> {
        self.classify(head)?;
        self.give_up_on_record()?;
        self.emit(head)
    }

    /// More of an over-long line.
    pub fn long_line_more(&mut self, more: &[u8]) -> Result<(), Error> {
        self.emit(more)
    }

    /// The input went quiet: decide the record held so far rather than wait for its end, so an
    /// ordinary line never waits for the next one. Lines that still continue it pass through.
    pub fn idle(&mut self) -> Result<(), Error> {
        if !self.pending.is_empty() {
            self.sound = self.grammar.soundness();
            self.finish_record()?;
            self.passthrough = true;
        }
        self.out.flush()
    }

    /// Writes out what is queued (end of an input batch).
    pub fn flush(&mut self) -> Result<(), Error> {
        self.out.flush()
    }

    /// Writes every pending count now (a wall-clock flush in pipe mode).
    pub fn flush_summaries(&mut self) -> Result<(), Error> {
        self.flush_groups()?;
        self.out.flush()
    }

    /// End of input: the last record, every pending count, then the stats.
    pub fn finish(mut self) -> Result<(Stats, W), Error> {
        self.sound = self.grammar.soundness();
        self.at_end = true;
        self.finish_record()?;
        self.grammar.reset();
        self.flush_groups()?;
        if self.opts.explain {
            let line = format!(
                "{} records, {} squashed into {} summary lines\n",
                self.stats.records,
                self.stats.squashed_total(),
                self.stats.summaries
            );
            self.out.write(line.as_bytes())?;
        }
        self.out.flush()?;
        Ok((self.stats, self.out.into_inner()))
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.opts.explain {
            return Ok(());
        }
        self.out.write(bytes)
    }

    /// Writes a record that is not squashed. The input's last line may lack a terminator; the
    /// summaries still pending then go before it, so that no summary is glued onto it.
    fn keep(&mut self, record: &[u8]) -> Result<(), Error> {
        if self.at_end && !record.ends_with(b"\n") {
            self.flush_groups()?;
        }
        self.emit(record)
    }

    /// The current record broke a limit: write what we hold and pass the rest through.
    fn give_up_on_record(&mut self) -> Result<(), Error> {
        if !self.passthrough {
            if !self.pending.is_empty() {
                self.stats.records += 1;
                self.stats.unsquashable += 1;
                let pending = std::mem::take(&mut self.pending);
                self.emit(&pending)?;
                self.pending = pending;
                self.pending.clear();
                self.pending_lines = 0;
            } else {
                self.stats.records += 1;
                self.stats.unsquashable += 1;
            }
            self.passthrough = true;
        }
        Ok(())
    }

    fn observe_time(&mut self, secs: i64, text: &[u8]) -> Result<(), Error> {
        if let Some(len) = self.opts.window.filter(|&w| w > 0) {
            let w = secs.div_euclid(len);
            match self.clock.window {
                Some(cur) if w > cur => {
                    self.flush_groups()?;
                    self.clock.window = Some(w);
                }
                Some(_) => {}
                None => self.clock.window = Some(w),
            }
        }
        self.clock.seconds = Some(secs);
        self.clock.text.clear();
        self.clock.text.extend_from_slice(text);
        Ok(())
    }

    /// Decides the held record and writes or counts it.
    fn finish_record(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let record = std::mem::take(&mut self.pending);
        let lines = std::mem::take(&mut self.pending_lines);
        self.stats.records += 1;
        let result = self.decide_and_write(&record, lines);
        self.pending = record;
        self.pending.clear();
        result
    }

    fn decide_and_write(&mut self, record: &[u8], lines: usize) -> Result<(), Error> {
        let first_line_end = memchr::memchr(b'\n', record).map_or(record.len(), |i| i + 1);
        if memchr::memmem::find(&record[..first_line_end], MARKER).is_some() {
            // One of our own summary lines (a log squashed before): never squashed again.
            return self.keep(record);
        }
        let decision = self.rules.decide(record);
        if !self.sound.resolve(&record[..first_line_end]) {
            self.stats.unsquashable += 1;
            if self.opts.explain
                && let Decision::Squash(i) = decision
            {
                let why = format!(
                    "keep: rule `{}` matches, but the record does not hold together \
                         (stack frames with no exception line before them: interleaved output?)",
                    self.rules.rules()[i].id
                );
                self.explain(record, &why)?;
            }
            return self.keep(record);
        }
        let rule = match decision {
            Decision::Squash(i) => i,
            Decision::Keep(near) => {
                if let (true, Some((i, miss))) = (self.opts.explain, near) {
                    let why = format!(
                        "keep: closest rule `{}`: {}",
                        self.rules.rules()[i].id,
                        miss.describe()
                    );
                    self.explain(record, &why)?;
                }
                return self.keep(record);
            }
        };
        let (headline, chain) = headline_and_chain(record, self.clock_len_of(record));
        let key = match &self.rules.rules()[rule].group {
            GroupBy::Chain => chain,
            GroupBy::Rule => Vec::new(),
            GroupBy::Capture(re) => match re.captures(record).and_then(|c| c.get(1)) {
                Some(m) => m.as_bytes().to_vec(),
                None => chain,
            },
        };
        if self.groups.len() >= self.opts.max_groups
            && !self.group_index.contains_key(&(rule, key.clone()))
        {
            self.flush_groups()?;
        }
        let eol: &'static [u8] = if record.ends_with(b"\r\n") {
            b"\r\n"
        } else {
            b"\n"
        };
        let ts = self.clock.seconds.map(|_| self.clock.text.clone());
        let idx = match self.group_index.get(&(rule, key.clone())) {
            Some(&i) => i,
            None => {
                self.groups.push(Group {
                    rule,
                    key: key.clone(),
                    seen: 0,
                    count: 0,
                    lines: 0,
                    bytes: 0,
                    first: None,
                    last: None,
                    sample: headline[..headline.len().min(SAMPLE_BYTES)].to_vec(),
                    eol,
                });
                self.group_index.insert((rule, key), self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let keep_first = self.opts.keep_first;
        let g = &mut self.groups[idx];
        g.seen += 1;
        if g.seen <= keep_first {
            if self.opts.explain {
                let why =
                    format!("keep: first {keep_first} of its group in this window (--keep-first)");
                return self.explain(record, &why);
            }
            return self.keep(record);
        }
        g.count += 1;
        g.lines += lines as u64;
        g.bytes += record.len() as u64;
        if g.first.is_none() {
            g.first.clone_from(&ts);
        }
        if ts.is_some() {
            g.last = ts;
        }
        g.eol = eol;
        self.stats.squashed[rule].1 += 1;
        if self.opts.explain {
            let why = format!("squash: rule `{}`", self.rules.rules()[rule].id);
            self.explain(record, &why)?;
        }
        Ok(())
    }

    /// Length of the timestamp at the start of `record`, if its first line is a header.
    fn clock_len_of(&self, record: &[u8]) -> usize {
        let first = record.split(|&b| b == b'\n').next().unwrap_or(record);
        crate::header::detect(first).map_or(0, |h| h.timestamp_len)
    }

    fn explain(&mut self, record: &[u8], why: &str) -> Result<(), Error> {
        let first = record.split(|&b| b == b'\n').next().unwrap_or(record);
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let shown = &first[..first.len().min(120)];
        let line = format!(
            "line {}: {}: {}\n",
            self.pending_first_line,
            why,
            String::from_utf8_lossy(shown)
        );
        self.out.write(line.as_bytes())
    }

    /// Writes a summary line for every group with a count, then forgets them all.
    fn flush_groups(&mut self) -> Result<(), Error> {
        let groups = std::mem::take(&mut self.groups);
        self.group_index.clear();
        for g in groups {
            if g.count == 0 {
                continue;
            }
            self.stats.summaries += 1;
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
            };
            if self.opts.explain {
                continue;
            }
            let mut line = Vec::new();
            summary.write(g.eol, &mut line);
            self.out.write(&line)?;
        }
        Ok(())
    }
}

/// The record's headline (its first exception line, or its first line without the timestamp)
/// and its exception chain (`ClientAbortException < IOException: Broken pipe`).
fn headline_and_chain(record: &[u8], timestamp_len: usize) -> (Vec<u8>, Vec<u8>) {
    let mut headline: Option<&[u8]> = None;
    let mut classes: Vec<&[u8]> = Vec::new();
    let mut message: &[u8] = b"";
    let mut suppressed_indent: Option<usize> = None;
    for line in record.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let t = trim_ascii_start(line);
        let indent = line.len() - t.len();
        // A `Suppressed:` exception (and the causes nested under it) is not part of the chain.
        if let Some(level) = suppressed_indent {
            if indent > level || t.starts_with(b"at ") || t.starts_with(b"...") {
                continue;
            }
            suppressed_indent = None;
        }
        if t.starts_with(b"Suppressed: ") {
            suppressed_indent = Some(indent);
            continue;
        }
        let t = [&b"Caused by: "[..], b"---> "]
            .iter()
            .find_map(|p| t.strip_prefix(*p))
            .unwrap_or(t);
        let mut rest = t;
        let mut found = false;
        while let Some(name) = record::exception_class(rest) {
            found = true;
            let simple = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
            if classes.last() != Some(&simple) {
                classes.push(simple);
            }
            rest = record::skip_code(&rest[name.len()..]);
            rest = rest.strip_prefix(b":").unwrap_or(b"");
            rest = rest.strip_prefix(b" ").unwrap_or(rest);
        }
        if found {
            headline.get_or_insert(t);
            message = rest;
        }
    }
    let headline = match headline {
        Some(h) => h.to_vec(),
        None => {
            let first = record.split(|&b| b == b'\n').next().unwrap_or(record);
            let first = first.strip_suffix(b"\r").unwrap_or(first);
            trim_ascii_start(&first[timestamp_len.min(first.len())..]).to_vec()
        }
    };
    let mut chain = classes.join(&b" < "[..]);
    if !chain.is_empty() && !message.is_empty() {
        chain.extend_from_slice(b": ");
        chain.extend_from_slice(&normalise(&message[..message.len().min(80)]));
    }
    (headline, chain)
}

/// Replaces long digit runs (ports, pointers, ids) so that records differing only in them group
/// together; short numbers (`[Errno 32]`, `(104)`) stay, they tell kinds apart.
fn normalise(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    let mut i = 0;
    while i < message.len() {
        let run = message[i..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run >= 4 {
            out.push(b'#');
            i += run;
        } else if run > 0 {
            out.extend_from_slice(&message[i..i + run]);
            i += run;
        } else {
            out.push(message[i]);
            i += 1;
        }
    }
    out
}

fn trim_ascii_start(s: &[u8]) -> &[u8] {
    let i = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_follows_the_exception_lines() {
        let record = b"24-Nov-2026 15:35:04.806 WARNING [exec-9] a.B.doGet failed\n\
            \torg.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe\n\
            \t\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)\n\
            \tCaused by: java.io.IOException: Broken pipe\n\
            \t\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)\n";
        let (headline, chain) = headline_and_chain(record, 24);
        assert_eq!(
            String::from_utf8(headline).unwrap(),
            "org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe"
        );
        assert_eq!(
            String::from_utf8(chain).unwrap(),
            "ClientAbortException < IOException: Broken pipe"
        );
    }

    #[test]
    fn one_line_records_use_their_message_as_headline() {
        let record = b"2026/11/24 15:48:49 [info] 5#5: *9 client prematurely closed connection\n";
        let (headline, chain) = headline_and_chain(record, 19);
        assert_eq!(
            headline,
            b"[info] 5#5: *9 client prematurely closed connection".to_vec()
        );
        assert!(chain.is_empty());
    }

    #[test]
    fn long_numbers_are_folded_short_ones_kept() {
        assert_eq!(
            normalise(b"[Errno 32] Broken pipe to /127.0.0.1:40960"),
            b"[Errno 32] Broken pipe to /127.0.0.1:#".to_vec()
        );
    }
}
