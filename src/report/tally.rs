//! The counting sink: the filter's record stage runs as it does when squashing, and instead
//! of writing, this sink counts what it is told.
//!
//! This is the one part of the report that knows the filter's record stage (its sink, its
//! assembler and its options): the rest depends on the filter only through this file.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;

use super::model::{
    BURST_MIN, Burst, CAP, Cluster, InputTotals, LookAlike, Moment, Report, Tally, Top, Where,
};
use super::records::{
    first_line, is_access_line, lines_of, names_error, one_line_key, repeated, sample,
};
use crate::error::{Damage, Error, Salvage};
use crate::fields::{self, Kinds, text};
use crate::header;
use crate::input::{self, Source};
use crate::linebuf::{LineSplitter, Piece};
use crate::record::Grammar;
use crate::rules::RuleSet;
use crate::shipped::fanout::Fanout;
use crate::shipped::{self, Choice};
use crate::sink::{Kept, Sink, Squashed};
use crate::squash::Assembler;
// The record stage's size limits, named for the rest of the report here, beside the filter's
// other types it uses: only this file knows where the filter keeps them.
pub use crate::squash::Limits;
use crate::summary::Summary;

/// Bytes asked for per read: large, as a report reads whole files.
const READ_SIZE: usize = 1 << 20;
/// The longest line handed to the record stage whole (as the filter does).
const MAX_LINE: usize = 1 << 20;
/// Distinct clients remembered for the current second.
const CLIENTS_PER_SECOND: usize = 10_000;
/// Clusters of one-line records kept, of the [`CAP`] clusters of noise.
const ONE_LINE_CAP: usize = CAP / 2;

/// Scans one input into a report of its own; a damaged gzip input is counted up to the
/// damage, which comes back beside the report.
pub(super) fn scan_one(
    source: &Source,
    rules: &RuleSet,
    limits: &Limits,
    record_start: Option<&regex::bytes::Regex>,
    done: &AtomicU64,
) -> Result<(Report, Option<Damage>), Error> {
    let mut opened = input::open_counting(source, READ_SIZE, done)?;
    let make = || Assembler::new(rules, *limits, Grammar::new(record_start.cloned()));
    let mut sink = Tallier::new(rules);
    let mut lines = LineSplitter::new(MAX_LINE);
    let mut buf = vec![0; READ_SIZE];
    // The first lines say whether the log is prefixed (as the filter tells it: see
    // `crate::shipped`); a prefixed log's streams are read each on its own.
    let mut head = Vec::new();
    let mut at_end = false;
    while !shipped::enough(&head) {
        let n = opened.read_some(&mut buf)?;
        if n == 0 {
            at_end = true;
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let shape = Choice::Auto.decide(&head, at_end);
    // The rest of the input, after the head, piece by piece to `piece`.
    let mut read_all = |mut piece: &mut dyn FnMut(Piece<'_>) -> Result<(), Error>| {
        lines.feed(&head, &mut piece)?;
        loop {
            let n = opened.read_some(&mut buf)?;
            if n == 0 {
                break;
            }
            lines.feed(&buf[..n], &mut piece)?;
        }
        lines.finish(&mut piece)
    };
    let records = if shape.is_plain() {
        let mut assembler = make();
        read_all(&mut |p| assembler.piece(p, &mut sink))?;
        assembler.finish(&mut sink)?;
        assembler.stats().records
    } else {
        let mut streams = Fanout::new(shape, Box::new(make), MAX_LINE);
        read_all(&mut |p| streams.piece(p, &mut sink))?;
        streams.finish(&mut sink)?;
        streams.stats().records
    };
    let damage = opened.damage.get().map(|d| Damage {
        salvage: Salvage::Reported,
        ..d.clone()
    });
    let report = sink.into_report(opened.name.display().to_string(), records);
    Ok((report, damage))
}

/// What the previous record turned out to be: syslog's "message repeated N times" repeats it.
enum Previous {
    None,
    Squashed { rule: String, group: String },
    Noise(usize),
}

/// Aborts in the second being counted, for the burst hint.
struct Second {
    at: Moment,
    records: u64,
    clients: HashSet<String>,
}

/// The sink that fills a [`Report`].
struct Tallier<'r> {
    rules: &'r RuleSet,
    report: Report,
    /// The timestamp of the latest header line.
    clock: Option<Moment>,
    /// Everything the input held, as it is (summary lines included).
    seen: Tally,
    /// Whether the record last kept was one of our summaries (see [`Sink::came_as`]).
    last_was_summary: bool,
    /// Whether what was seen so far ends with a line terminator.
    ends_line: bool,
    /// Our own summary lines: how many, and the lines and bytes they took themselves.
    summary_lines: Tally,
    /// Records the summary lines stand for, and their lines and bytes.
    summarised: Tally,
    /// Records that the summary lines' events absorbed (counted in no event of their own).
    summarised_absorbed: u64,
    noise_index: HashMap<(String, String), usize>,
    /// Of the clusters in `noise_index`, those of one-line records.
    one_line_clusters: usize,
    previous: Previous,
    second: Option<Second>,
}

impl<'r> Tallier<'r> {
    fn new(rules: &'r RuleSet) -> Self {
        Tallier {
            rules,
            report: Report::default(),
            clock: None,
            seen: Tally::default(),
            last_was_summary: false,
            ends_line: true,
            summary_lines: Tally::default(),
            summarised: Tally::default(),
            summarised_absorbed: 0,
            noise_index: HashMap::new(),
            one_line_clusters: 0,
            previous: Previous::None,
            second: None,
        }
    }

    /// Counts bytes as the log holds them.
    fn see(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.seen.bytes += bytes.len() as u64;
        self.seen.lines += memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.ends_line = bytes.ends_with(b"\n");
    }

    /// Counts `n` squashed records of `rule` in `group` at `at` (`None`: no timestamp yet).
    fn count(&mut self, rule: &str, group: &str, t: &Tally, at: Option<&Moment>) {
        let r = &mut self.report;
        r.squashed += t.records;
        r.squashed_lines += t.lines;
        r.squashed_bytes += t.bytes;
        // Looked up before inserting: a flood adds to the same few entries, and a lookup
        // allocates nothing.
        match r.rules.get_mut(rule) {
            Some(x) => x.add(t),
            None => {
                r.rules.insert(rule.to_string(), t.clone());
            }
        }
        if !r.groups.contains_key(rule) {
            r.groups.insert(rule.to_string(), Default::default());
        }
        let groups = r.groups.get_mut(rule).expect("inserted above");
        match groups.get_mut(group) {
            Some(x) => x.add(t),
            None => {
                groups.insert(group.to_string(), t.clone());
            }
        }
        match at {
            Some(m) => *r.timeline.entry(m.seconds.div_euclid(60) * 60).or_default() += t.records,
            None => r.untimed += t.records,
        }
    }

    fn span(&mut self, first: Option<&Moment>, last: Option<&Moment>) {
        let r = &mut self.report;
        if let Some(f) = first
            && r.first
                .as_ref()
                .is_none_or(|m| (f.seconds, &f.text) < (m.seconds, &m.text))
        {
            r.first = Some(f.clone());
        }
        if let Some(l) = last
            && r.last
                .as_ref()
                .is_none_or(|m| (l.seconds, &l.text) > (m.seconds, &m.text))
        {
            r.last = Some(l.clone());
        }
    }

    /// A summary line of a log squashed before: its counts, back.
    fn summary(&mut self, s: &Summary, record: &[u8]) {
        let line = &record[..memchr::memchr(b'\n', record).map_or(record.len(), |i| i + 1)];
        let at = header::detect(first_line(line))
            .and_then(|h| moment(h.seconds?, &line[..h.timestamp_len]));
        let t = Tally {
            records: s.count,
            lines: s.lines,
            bytes: s.bytes,
        };
        self.count(&s.rule, &text(&s.group), &t, at.as_ref());
        self.report.from_summaries += s.count;
        // What the records said, where the line says it (lines of an older resetsquash do not).
        if let Some(k) = &s.kinds {
            self.report.kinds.add(k);
            kinds_of(&mut self.report, &s.rule).add(k);
            let w = &mut self.report.where_;
            w.located += s.count;
            w.from_summaries += s.count;
            for (top, list) in where_lists(w).into_iter().zip(&s.lists) {
                for (value, n) in &list.entries {
                    top.add(&text(value), *n);
                }
                top.other += list.rest;
            }
        }
        self.summarised.add(&t);
        self.summarised_absorbed += s.absorbed;
        self.summary_lines.add(&Tally {
            records: 1,
            lines: memchr::memchr_iter(b'\n', line).count() as u64,
            bytes: line.len() as u64,
        });
        let first = s
            .first
            .as_deref()
            .and_then(moment_of)
            .or_else(|| at.clone());
        let last = s.last.as_deref().and_then(moment_of).or_else(|| at.clone());
        self.span(first.as_ref(), last.as_ref());
        self.previous = Previous::Squashed {
            rule: s.rule.clone(),
            group: text(&s.group),
        };
    }

    /// A record no rule took: part of a cluster of noise if it is an exception, or a one-line
    /// record (clustered by its text with numbers, addresses and paths folded) that is not an
    /// access-log line; a syslog repeat of the record before it.
    fn plain(&mut self, record: &[u8]) {
        let one_line = memchr::memchr(b'\n', record).is_none_or(|i| i + 1 == record.len());
        let first = first_line(record);
        // An access log's lines are the log itself, one per request, not noise to squash: they
        // would bury the rest by their bulk.
        if one_line && is_access_line(first) {
            self.previous = Previous::None;
            return;
        }
        let ts = header::detect(first).map_or(0, |h| h.timestamp_len);
        // Most records are ordinary one-liners: with no exception named, their text is their
        // headline, and reading them for a chain is wasted.
        let plain_line = one_line && !names_error(record);
        let chain = if plain_line {
            one_line_key(first[ts.min(first.len())..].trim_ascii_start())
        } else {
            let (headline, chain) = crate::record::headline_and_chain(record, ts);
            if !chain.is_empty() {
                text(&chain)
            } else if one_line {
                one_line_key(&headline)
            } else {
                self.previous = Previous::None;
                return;
            }
        };
        if chain.is_empty() {
            self.previous = Previous::None;
            return;
        }
        let frame = if plain_line {
            String::new()
        } else {
            fields::app_frame(record).unwrap_or_default()
        };
        let t = Tally {
            records: 1,
            lines: lines_of(record),
            bytes: record.len() as u64,
        };
        let key = (chain, frame);
        // One-line clusters have their own share of the cap: however many kinds of one-line
        // message a log has, the exceptions after them are still clustered and shown.
        let room =
            self.noise_index.len() < CAP && (!one_line || self.one_line_clusters < ONE_LINE_CAP);
        if let Some(&i) = self.noise_index.get(&key) {
            self.report.noise[i].tally.add(&t);
            self.previous = Previous::Noise(i);
        } else if room {
            self.one_line_clusters += usize::from(one_line);
            let i = self.report.noise.len();
            self.report.noise.push(Cluster {
                chain: key.0.clone(),
                frame: key.1.clone(),
                tally: t,
                sample: sample(record),
                draft: String::new(),
            });
            self.noise_index.insert(key, i);
            self.previous = Previous::Noise(i);
        } else {
            self.report.noise_other.add(&t);
            self.previous = Previous::None;
        }
    }

    /// Syslog collapsed `n` more copies of the previous record into one line.
    fn repeat(&mut self, n: u64) {
        self.report.repeated += n;
        match &self.previous {
            Previous::Squashed { rule, group } => {
                let (rule, group) = (rule.clone(), group.clone());
                let t = Tally {
                    records: n,
                    ..Tally::default()
                };
                let at = self.clock.clone();
                self.count(&rule, &group, &t, at.as_ref());
            }
            Previous::Noise(i) => self.report.noise[*i].tally.records += n,
            Previous::None => {}
        }
    }

    /// Ends the second being counted, keeping it if it was a burst.
    fn end_second(&mut self) {
        if let Some(s) = self.second.take()
            && s.records >= BURST_MIN
        {
            self.report.add_burst(Burst {
                at: s.at,
                records: s.records,
                clients: s.clients.len() as u64,
            });
        }
    }

    fn into_report(mut self, name: String, records_seen: u64) -> Report {
        self.end_second();
        let mut r = self.report;
        // The log as first written: summary lines give back the records, lines and bytes
        // they stand for.
        let trailing = u64::from(!self.ends_line && self.seen.bytes > 0);
        r.records = records_seen - self.summary_lines.records
            + self.summarised.records
            + self.summarised_absorbed
            + r.repeated;
        r.lines = self.seen.lines + trailing - self.summary_lines.lines + self.summarised.lines;
        r.bytes = self.seen.bytes - self.summary_lines.bytes + self.summarised.bytes;
        r.inputs.push(InputTotals {
            name,
            records: r.records,
            lines: r.lines,
            bytes: r.bytes,
            squashed: r.squashed,
        });
        r
    }
}

impl Sink for Tallier<'_> {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.see(bytes);
        Ok(())
    }

    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.see(bytes);
        Ok(())
    }

    fn came_as(&mut self, text: (u64, u64), raw: (u64, u64)) {
        self.seen.lines = self.seen.lines + raw.0 - text.0;
        self.seen.bytes = self.seen.bytes + raw.1 - text.1;
        if self.last_was_summary {
            // A summary record: the lines and bytes it took in the log are its own.
            let s = &mut self.summary_lines;
            s.lines = s.lines + raw.0 - text.0;
            s.bytes = s.bytes + raw.1 - text.1;
        }
    }

    fn kept(&mut self, record: &[u8], why: Kept, _last: bool) -> Result<(), Error> {
        self.last_was_summary =
            why == Kept::Summary && Summary::parse(first_line(record)).is_some();
        self.see(record);
        if why != Kept::Summary
            && let Some(n) = repeated(record)
        {
            // The repeat line may quote the record, but it is not one.
            self.repeat(n);
            return Ok(());
        }
        match why {
            Kept::Summary => match Summary::parse(first_line(record)) {
                Some(s) => self.summary(&s, record),
                None => self.plain(record),
            },
            Kept::LookAlike { rule } => {
                let id = self.rules.rules()[rule].id.clone();
                let first = first_line(record);
                let ts = header::detect(first).map_or(0, |h| h.timestamp_len);
                let l = self
                    .report
                    .lookalikes
                    .entry(id)
                    .or_insert_with(|| LookAlike {
                        sample: text(&crate::record::headline_and_chain(record, ts).0),
                        ..LookAlike::default()
                    });
                l.tally.add(&Tally {
                    records: 1,
                    lines: lines_of(record),
                    bytes: record.len() as u64,
                });
                self.previous = Previous::None;
            }
            Kept::Unsound { .. } => {
                self.report.unsound += 1;
                self.previous = Previous::None;
            }
            Kept::Plain { .. } => self.plain(record),
        }
        Ok(())
    }

    fn squash(&mut self, sq: &Squashed<'_>) -> Result<(), Error> {
        self.see(sq.record);
        let rules = self.rules;
        let rule = rules.rules()[sq.rule].id.as_str();
        let group = String::from_utf8_lossy(sq.key);
        if sq.event.is_some() {
            // A follow-up of an event counted already: its lines and bytes, no abort of its own.
            let t = Tally {
                records: 0,
                lines: sq.lines,
                bytes: sq.bytes,
            };
            let at = self.clock.take();
            self.count(rule, &group, &t, at.as_ref());
            self.span(at.as_ref(), at.as_ref());
            self.clock = at;
            return Ok(());
        }
        let t = Tally {
            records: 1,
            lines: sq.lines,
            bytes: sq.bytes,
        };
        let at = self.clock.take();
        self.count(rule, &group, &t, at.as_ref());
        self.span(at.as_ref(), at.as_ref());
        // Where, and what kind: read by the squash stage, as the filter's ledger counts them.
        let f = &sq.abort.fields;
        let w = &mut self.report.where_;
        w.located += 1;
        for (top, value) in where_lists(w).into_iter().zip(f.values()) {
            if let Some(v) = value {
                top.add(v, 1);
            }
        }
        self.report.kinds.count(sq.abort.kind, sq.abort.download);
        kinds_of(&mut self.report, rule).count(sq.abort.kind, sq.abort.download);
        if let Some(at) = &at {
            if self
                .second
                .as_ref()
                .is_none_or(|s| s.at.seconds != at.seconds)
            {
                self.end_second();
                self.second = Some(Second {
                    at: at.clone(),
                    records: 0,
                    clients: HashSet::new(),
                });
            }
            let s = self.second.as_mut().expect("just set");
            s.records += 1;
            if let Some(c) = &f.client
                && s.clients.len() < CLIENTS_PER_SECOND
                && !s.clients.contains(c)
            {
                s.clients.insert(c.clone());
            }
        }
        // The clock was only borrowed for this record.
        self.clock = at;
        match &mut self.previous {
            Previous::Squashed { rule: r, group: g } if r == rule && **g == *group => {}
            p => {
                *p = Previous::Squashed {
                    rule: rule.to_string(),
                    group: group.into_owned(),
                }
            }
        }
        Ok(())
    }

    fn clock(&mut self, seconds: i64, text_: &[u8]) -> Result<(), Error> {
        self.clock = moment(seconds, text_);
        Ok(())
    }

    fn note(&mut self, _line_no: u64, _text: &str) -> Result<(), Error> {
        Ok(())
    }

    fn summaries_now(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// The four "where" lists, in the order of [`fields::Fields::values`].
fn where_lists(w: &mut Where) -> [&mut Top; 4] {
    [
        &mut w.endpoints,
        &mut w.clients,
        &mut w.frames,
        &mut w.threads,
    ]
}

fn moment(seconds: i64, text_: &[u8]) -> Option<Moment> {
    Some(Moment {
        seconds,
        text: text(text_),
    })
}

/// A timestamp written alone (a summary line's `first=` and `last=`).
fn moment_of(t: &[u8]) -> Option<Moment> {
    let h = header::detect(t)?;
    moment(h.seconds?, &t[..h.timestamp_len])
}

/// The kinds counted for `rule`, looked up before inserting (a flood adds to one entry).
fn kinds_of<'a>(r: &'a mut Report, rule: &str) -> &'a mut Kinds {
    if !r.rule_kinds.contains_key(rule) {
        r.rule_kinds.insert(rule.to_string(), Kinds::default());
    }
    r.rule_kinds.get_mut(rule).expect("just inserted")
}
