//! Lines → decided records: keep each record byte for byte, or hand it to the ledger to count.
//!
//! The assembler is fed lines in order. It holds the record being assembled (the grammar says
//! where records end), and when the record is complete asks the rules about it and tells its
//! [`Sink`] (the ledger, or a recorder for a chunk decided in parallel): keep these bytes, or
//! this record was squashed by that rule, in that group. It has no notion of time windows; the
//! ledger does.
//!
//! Invariants: every byte of a record that is not squashed is passed on exactly once, in order;
//! a record that breaks a limit (too many lines, too many bytes, an over-long line) or does not
//! hold together is never squashed.

use crate::error::Error;
use crate::explain;
use crate::linebuf::{Piece, line_end};
use crate::record::{self, Grammar, Soundness, Step};
use crate::rules::{BodyCache, Decision, EventSpec, GroupBy, Miss, OpenEvents, RuleSet};

use crate::sink::{Kept, Sink, Squashed, Stats};
use crate::summary::MARKER;

/// How large a record may be and still be squashed. A record over a limit is kept, streamed
/// through as it arrives, so that one runaway trace never holds more than this in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A record with more lines than this is not squashable (it passes through untouched).
    pub max_record_lines: usize,
    /// A record with more bytes than this is not squashable.
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_lines: 10_000,
            max_record_bytes: 4 << 20,
        }
    }
}

/// The record stage: holds the record being assembled and decides it when it is complete.
pub struct Assembler<'r> {
    rules: &'r RuleSet,
    limits: Limits,
    /// `--explain`: tell the sink why each candidate record was kept.
    explain: bool,
    grammar: Grammar,
    /// The record being assembled.
    pending: Vec<u8>,
    pending_lines: usize,
    pending_first_line: u64,
    /// The current record is being written through as it arrives (it broke a limit, or its
    /// head was already decided when the input went idle).
    passthrough: bool,
    /// The pass-through is a record's tail after an idle decision, not an oversized record.
    after_idle: bool,
    /// Whether the record being finished holds together.
    sound: Soundness,
    line_no: u64,
    /// The input has ended: the record being finished is the last.
    at_end: bool,
    records: u64,
    unsquashable: u64,
    /// Records kept as look-alikes ([`Kept::LookAlike`]) that held together.
    lookalikes: u64,
    /// Finds [`MARKER`]; built once, as it is asked about every record.
    marker: memchr::memmem::Finder<'static>,
    /// What the rules found in the lines of recent records, after their first (see [`BodyCache`]).
    cache: BodyCache,
    /// Per rule, what its events absorb (`event:`); empty when no rule has one.
    event_specs: Vec<Option<&'r EventSpec>>,
    /// The events the next records may still join.
    events: OpenEvents,
}

impl<'r> Assembler<'r> {
    pub fn new(rules: &'r RuleSet, limits: Limits, grammar: Grammar) -> Self {
        Assembler {
            rules,
            limits,
            explain: false,
            grammar,
            pending: Vec::new(),
            pending_lines: 0,
            pending_first_line: 0,
            passthrough: false,
            after_idle: false,
            sound: Soundness::Sound,
            line_no: 0,
            at_end: false,
            records: 0,
            unsquashable: 0,
            lookalikes: 0,
            marker: memchr::memmem::Finder::new(MARKER),
            cache: BodyCache::default(),
            event_specs: if rules.rules().iter().any(|r| r.event.is_some()) {
                rules.rules().iter().map(|r| r.event.as_ref()).collect()
            } else {
                Vec::new()
            },
            events: OpenEvents::default(),
        }
    }

    /// Whether an event is open that a record beginning at the current line could join: the
    /// literal-first pass must then hold that record, literal or not (see [`crate::prefilter`]).
    #[inline]
    pub(crate) fn listening(&self) -> bool {
        !self.event_specs.is_empty() && self.events.listening(self.line_no, &self.event_specs)
    }

    /// With `explain`, the sink is also told, as a note, why each record a rule came close to
    /// was kept (`--explain`).
    pub fn explaining(mut self, explain: bool) -> Self {
        self.explain = explain;
        self
    }

    /// Whether a summary written now lands between records: nothing of the current record
    /// has been written yet, or the record was already decided when the input went quiet (its
    /// head is out; whatever may still follow is a late tail).
    pub fn between_records(&self) -> bool {
        !self.passthrough || self.after_idle
    }

    /// Whether the record held so far is a stack trace that may still be growing.
    pub fn holds_trace(&self) -> bool {
        !self.pending.is_empty() && self.grammar.in_trace()
    }

    /// The rules it decides by.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Uses `cache` (from an earlier assembler over the same rules) instead of an empty one.
    pub fn with_cache(mut self, cache: BodyCache) -> Self {
        self.cache = cache;
        self
    }

    /// Hands the cache back, for the next assembler over the same rules.
    pub fn take_cache(&mut self) -> BodyCache {
        std::mem::take(&mut self.cache)
    }

    /// The counts this stage keeps (records seen, records that could not be squashed).
    pub fn stats(&self) -> Stats {
        Stats {
            records: self.records,
            unsquashable: self.unsquashable,
            lookalikes: self.lookalikes,
            ..Stats::default()
        }
    }

    /// Lines handed over so far, each counted once (a long line's pieces as one line).
    pub fn lines_seen(&self) -> u64 {
        self.line_no
    }

    /// Numbers the next line `line_no` (counted across the input), for `--explain`: a stream
    /// of a prefixed log has only some of the input's lines (see [`crate::shipped::demux`]).
    pub(crate) fn number_next_line(&mut self, line_no: u64) {
        self.line_no = line_no.saturating_sub(1);
    }

    /// One piece of input from the line splitter.
    pub fn piece<S: Sink>(&mut self, piece: Piece<'_>, sink: &mut S) -> Result<(), Error> {
        match piece {
            Piece::Line(l) => self.line(l, sink),
            Piece::LongStart(h) => self.long_line_start(h, sink),
            Piece::LongMore(m) => self.long_line_more(m, sink),
        }
    }

    /// One complete line, terminator included (the last line of the input may have none).
    pub fn line<S: Sink>(&mut self, line: &[u8], sink: &mut S) -> Result<(), Error> {
        self.classify(line, sink)?;
        self.hold(line, sink)
    }

    /// A classified line, into the record being assembled (or through, if it streams).
    pub(crate) fn hold<S: Sink>(&mut self, line: &[u8], sink: &mut S) -> Result<(), Error> {
        if self.passthrough {
            return sink.keep(line);
        }
        self.pending.extend_from_slice(line);
        self.pending_lines += 1;
        if self.pending_lines > self.limits.max_record_lines
            || self.pending.len() > self.limits.max_record_bytes
        {
            self.give_up_on_record(sink)?;
        }
        Ok(())
    }

    /// Counts a line and runs the grammar on it (`body`: without its `\n`).
    #[inline]
    pub(crate) fn next_line(&mut self, body: &[u8]) -> Step {
        self.line_no += 1;
        self.grammar.step(body)
    }

    /// A line starts a record: decides the one held before it, which ended as `previous` says.
    #[inline]
    pub(crate) fn begin_record<S: Sink>(
        &mut self,
        previous: Soundness,
        sink: &mut S,
    ) -> Result<(), Error> {
        self.sound = previous;
        self.finish_record(sink)?;
        self.passthrough = false;
        self.after_idle = false;
        Ok(())
    }

    /// Whether a record is being assembled (or streamed through) the usual way.
    #[inline]
    pub(crate) fn holds_record(&self) -> bool {
        !self.pending.is_empty() || self.passthrough
    }

    /// A whole record was kept without being held (see [`crate::prefilter`]): counted as
    /// [`Assembler::line`] would have counted it, `previous` being how it ended.
    pub(crate) fn count_unheld(&mut self, previous: Soundness, first_line: &[u8]) {
        self.records += 1;
        if !previous.resolve(first_line) && self.marker.find(first_line).is_none() {
            self.unsquashable += 1;
        }
    }

    /// Takes up, to assemble the usual way, a record whose first `lines` lines (`head`, from
    /// line `first_line_no` on) went by unheld.
    pub(crate) fn adopt(&mut self, head: &[u8], lines: usize, first_line_no: u64) {
        self.pending.extend_from_slice(head);
        self.pending_lines = lines;
        self.pending_first_line = first_line_no;
    }

    /// Hands back the lines from `line_no` on, to be fed again: the grammar starts afresh, at
    /// a record's first line.
    pub(crate) fn rewind(&mut self, line_no: u64) {
        self.line_no = line_no - 1;
        self.grammar.reset();
    }

    /// The size limits a record is held to.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// Runs the grammar on a new line; where it starts a record, finishes the previous one and
    /// moves the clock to the line's timestamp.
    fn classify<S: Sink>(&mut self, line: &[u8], sink: &mut S) -> Result<(), Error> {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let step = self.next_line(body);
        if step.starts_record {
            self.begin_record(step.previous, sink)?;
            if let Some(h) = step.header
                && let Some(secs) = h.seconds
            {
                sink.clock(secs, &body[..h.timestamp_len])?;
            }
            self.pending_first_line = self.line_no;
        }
        Ok(())
    }

    /// The start of a line longer than the line limit: the record it is in is not squashable, so
    /// it and the rest of the line (see [`Assembler::long_line_more`]) are written through.
    pub fn long_line_start<S: Sink>(&mut self, head: &[u8], sink: &mut S) -> Result<(), Error> {
        self.classify(head, sink)?;
        self.give_up_on_record(sink)?;
        sink.keep(head)
    }

    /// More of an over-long line.
    pub fn long_line_more<S: Sink>(&mut self, more: &[u8], sink: &mut S) -> Result<(), Error> {
        sink.keep(more)
    }

    /// The input went quiet: decide the record held so far rather than wait for its end, so an
    /// ordinary line never waits for the next one. Lines that still continue it pass through.
    pub fn idle<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        if !self.pending.is_empty() {
            self.sound = self.grammar.soundness();
            self.finish_record(sink)?;
            self.passthrough = true;
            self.after_idle = true;
        }
        Ok(())
    }

    /// Records cut by the caller, not by the grammar: no line starts a record of its own, and
    /// the caller ends each with [`Assembler::end_record`] (a JSON-lines record is one line,
    /// whatever its message and trace hold; see [`crate::structured`]). A header time still
    /// sets the clock.
    pub fn cut_by_caller(mut self) -> Self {
        self.grammar = Grammar::cut_by_caller();
        self
    }

    /// The next line is known to start a record (a backlog's record-starting line, decided
    /// elsewhere from there on): decides the held record now, as that line would, and leaves
    /// the grammar at a record boundary.
    pub fn end_record<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        self.sound = self.grammar.soundness();
        self.finish_record(sink)?;
        self.passthrough = false;
        self.after_idle = false;
        self.grammar.reset();
        // The records decided elsewhere begin at a cut no event straddles (see
        // `Follows::cut_is_safe`): no event open here can take a record after them.
        self.events.clear();
        Ok(())
    }

    /// End of input: decides the last record.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        self.sound = self.grammar.soundness();
        self.at_end = true;
        self.finish_record(sink)?;
        self.grammar.reset();
        Ok(())
    }

    /// Writes a record that is not squashed.
    fn keep<S: Sink>(&self, record: &[u8], why: Kept, sink: &mut S) -> Result<(), Error> {
        sink.kept(record, why, self.at_end && !record.ends_with(b"\n"))
    }

    /// The current record broke a limit: write what we hold and pass the rest through. Pending
    /// summaries go first, so that none lands inside the record or after an unterminated last
    /// line of it.
    fn give_up_on_record<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        if !self.passthrough {
            sink.summaries_now()?;
            self.records += 1;
            self.unsquashable += 1;
            if !self.pending.is_empty() {
                sink.keep(&self.pending)?;
                self.pending.clear();
                self.pending_lines = 0;
            }
            self.passthrough = true;
        }
        Ok(())
    }

    /// The record held is kept as it is, and what continues it passes through (a stage that
    /// may not hold it longer: a shipped log's other streams wait behind it). Nothing held,
    /// nothing done.
    pub(crate) fn let_go<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.give_up_on_record(sink)
    }

    /// Decides the held record and writes or counts it.
    fn finish_record<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let record = std::mem::take(&mut self.pending);
        let lines = std::mem::take(&mut self.pending_lines);
        self.records += 1;
        let result = self.decide(&record, lines, sink);
        self.pending = record;
        self.pending.clear();
        result
    }

    fn decide<S: Sink>(&mut self, record: &[u8], lines: usize, sink: &mut S) -> Result<(), Error> {
        let first_line_end = line_end(record, 0);
        let first_line = &record[..first_line_end];
        if self.marker.find(first_line).is_some() {
            // One of our own summary lines (a log squashed before): never squashed again.
            return self.keep(record, Kept::Summary, sink);
        }
        let seconds = || {
            crate::header::detect(first_line.strip_suffix(b"\n").unwrap_or(first_line))
                .and_then(|h| h.seconds)
        };
        let last_line = self.pending_first_line + (lines as u64).saturating_sub(1);
        if !self.event_specs.is_empty()
            && self.sound.resolve(first_line)
            && let Some(a) = self.events.absorb(
                record,
                seconds(),
                self.pending_first_line,
                last_line,
                &self.event_specs,
            )
        {
            let why = if self.explain {
                let key = a.key.as_deref().map_or(String::new(), |k| {
                    format!(" (`{}`)", String::from_utf8_lossy(k))
                });
                format!("part of the event begun on line {}{key}", a.first_line)
            } else {
                String::new()
            };
            return sink.squash(&Squashed {
                rule: a.rule,
                key: &a.group,
                headline: &[],
                record,
                lines: lines as u64,
                bytes: record.len() as u64,
                crlf: record.ends_with(b"\r\n"),
                line_no: self.pending_first_line,
                first_line,
                abort: &crate::fields::Abort::default(),
                why: &why,
                event: Some(a.first_line),
            });
        }
        if !self.event_specs.is_empty() {
            self.events.close(record, &self.event_specs);
        }
        let decision = self.rules.decide_cached(record, &mut self.cache);
        if !self.sound.resolve(first_line) {
            self.unsquashable += 1;
            if let (true, Decision::Squash(i)) = (self.explain, &decision) {
                let why = format!(
                    "keep: rule `{}` matches, but the record does not hold together \
                     (stack frames with no exception line before them: interleaved output?)",
                    self.rules.rules()[*i].id
                );
                self.note(&why, first_line, sink)?;
            }
            let why = match decision {
                Decision::Squash(rule) => Kept::Unsound { rule },
                Decision::Keep(near) => kept_because(near.as_ref()),
            };
            return self.keep(record, why, sink);
        }
        let rule = match decision {
            Decision::Squash(i) => i,
            Decision::Keep(near) => {
                if let (true, Some((i, miss))) = (self.explain, &near) {
                    let mut why = format!(
                        "keep: closest rule `{}`: {}",
                        self.rules.rules()[*i].id,
                        self.rules.why_not(miss, record)
                    );
                    if let Some(aside) = self.rules.evidence_aside(*i, record) {
                        why.push_str("; ");
                        why.push_str(&aside);
                    }
                    self.note(&why, first_line, sink)?;
                }
                let why = kept_because(near.as_ref());
                self.lookalikes += u64::from(matches!(why, Kept::LookAlike { .. }));
                return self.keep(record, why, sink);
            }
        };
        let timestamp_len =
            crate::header::detect(first_line.strip_suffix(b"\n").unwrap_or(first_line))
                .map_or(0, |h| h.timestamp_len);
        let (headline, chain) = record::headline_and_chain(record, timestamp_len);
        let key = fold_key(match &self.rules.rules()[rule].group {
            GroupBy::Chain => chain,
            GroupBy::Rule => Vec::new(),
            GroupBy::Capture(re) => match re.captures(record).and_then(|c| c.get(1)) {
                Some(m) => m.as_bytes().to_vec(),
                None => chain,
            },
        });
        // Read here, where the record is whole and (in parallel) on a worker thread: the
        // ledger only counts it, and a chunk's replay need not keep the record.
        let abort = crate::fields::abort(record, timestamp_len, &headline, &key);
        let why = if self.explain {
            self.rules.why_taken(rule, record)
        } else {
            String::new()
        };
        if let Some(Some(spec)) = self.event_specs.get(rule) {
            let first = self.pending_first_line;
            self.events
                .open(rule, spec, record, &key, seconds(), first, last_line);
        }
        sink.squash(&Squashed {
            rule,
            key: &key,
            headline: &headline,
            record,
            lines: lines as u64,
            bytes: record.len() as u64,
            crlf: record.ends_with(b"\r\n"),
            line_no: self.pending_first_line,
            first_line,
            abort: &abort,
            why: &why,
            event: None,
        })
    }

    fn note<S: Sink>(&self, why: &str, first_line: &[u8], sink: &mut S) -> Result<(), Error> {
        sink.note(self.pending_first_line, &explain::note(why, first_line))
    }
}

/// The longest group key held; a longer one is cut and ends in a hash of the whole key.
pub const KEY_MAX: usize = 1024;

/// A group key of at most [`KEY_MAX`] bytes. Keys come from the log (an exception message of a
/// megabyte is a group key of a megabyte), and a thousand groups are held at once: a longer
/// key keeps its first bytes, readable in the summary line, then `…#` and 16 hex digits of
/// an FNV-1a hash of the whole key, so that distinct keys stay distinct groups.
pub fn fold_key(mut key: Vec<u8>) -> Vec<u8> {
    if key.len() <= KEY_MAX {
        return key;
    }
    let hash = key.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let tail = format!("…#{hash:016x}");
    let mut cut = KEY_MAX - tail.len();
    // Not inside a UTF-8 character.
    while cut > 0 && (key[cut] & 0xc0) == 0x80 {
        cut -= 1;
    }
    key.truncate(cut);
    key.extend_from_slice(tail.as_bytes());
    key
}

/// A record no rule took is a look-alike when a rule's wording matched and only its anchors
/// kept it.
fn kept_because(near: Option<&(usize, Miss)>) -> Kept {
    match near {
        Some(&(
            rule,
            Miss::Where | Miss::Never | Miss::GlobalNever | Miss::NoInbound | Miss::Outbound(_),
        )) => Kept::LookAlike { rule },
        near => Kept::Plain {
            worded: near.is_some(),
        },
    }
}
