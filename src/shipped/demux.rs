//! The record stage over a prefixed log: one assembler per stream, every line written where it
//! came, as it came.
//!
//! In `docker compose logs` a trace of `web` has lines of `db` between its own; in a CRI file
//! stdout and stderr take turns, and the runtime cuts long lines in parts (`P`). Records are
//! cut and decided per stream, on the server's own text ([`super::Shape::clean`]), so that
//! neither glues onto the other; the decisions come back per stream, out of the input's order.
//! So every line waits in a queue, in input order, until its stream has decided it, and the
//! ledger is told in input order: kept lines as they came, a squashed record at its first
//! line, with its stream and its first line's prefix for the summary line. The queue holds no
//! more than the records being assembled (each bounded by the size limits) and the lines
//! between; a line over the line limit first has every stream decide what it holds, then goes
//! straight through.

use std::collections::VecDeque;
use std::io::Write;

use super::kinds::Wrap;
use super::shape::{Clean, Shape};
use super::undecided::Undecided;
use crate::error::Error;
use crate::ledger::Ledger;
use crate::linebuf::Piece;
use crate::sink::{Sink, Squashed, Stats};
use crate::squash::Assembler;

mod queue;
use queue::{Entry, Event, Fate, Recorder};

/// Records' worth of lines (and bytes) the queue holds at most behind one stream's undecided
/// line: a stream whose record the others' lines have waited behind for longer lets it go,
/// kept as it came, so that memory stays bounded whatever the streams do.
pub(crate) const QUEUE_RECORDS: usize = 4;

/// Events held back while a cut line is open in the output, at most.
const MAX_DEFERRED: usize = 4096;

/// Streams followed at once. A log with more (a journal of many short-lived processes) has
/// the one least recently seen decide what it holds and make room.
pub(crate) const MAX_STREAMS: usize = 64;

/// One stream: its name, its assembler, and its lines not yet decided.
struct Stream<'r> {
    /// Whether its lines have the log's prefix, then the stream's name.
    key: Vec<u8>,
    assembler: Assembler<'r>,
    /// Its lines handed to the assembler and not yet decided, by their place in the queue.
    fed: Undecided<u64>,
    /// The text of CRI `P` lines whose `F` has not come yet.
    partial: Vec<u8>,
    /// The line the runtime cut that it is in went over the line limit: the rest of it goes
    /// straight through, as a plain log's over-long line does.
    cut_long: bool,
    /// When it was last given a line, to choose which to retire.
    used: u64,
    /// Its lines are JSON-lines records: a record is one line of the log, however many its
    /// text has.
    json: bool,
    /// The last of its lines written left a record unfinished, or was a part the runtime cut
    /// (CRI `P`, a json-file object without `\n`): a summary line written before the rest
    /// would split the record for its readers, or be joined to the part (see
    /// [`Demux::release`]).
    open: bool,
}

/// The record stage of a prefixed log.
pub struct Demux<'r> {
    shape: Shape,
    /// A fresh assembler, for each new stream.
    make: Box<dyn Fn() -> Assembler<'r> + 'r>,
    streams: Vec<Stream<'r>>,
    queue: VecDeque<Entry>,
    /// The place of `queue[0]` in the input, counted in lines from 0.
    front: u64,
    /// Lines seen, and [`Stream::used`]'s clock.
    seen: u64,
    /// A line over the line limit is going through.
    long: bool,
    /// Records counted here, not by an assembler: lines over the line limit.
    long_lines: u64,
    clean: Vec<u8>,
    /// The longest line read whole (a line the runtime cut, joined, included).
    max_line: usize,
    /// Bytes of the lines in the queue.
    queued: usize,
    /// What the ledger is to hear (and may write summary lines for) once no stream's line is
    /// open in the output, in order.
    deferred: Vec<Event>,
}

impl<'r> Demux<'r> {
    /// A stage for lines of `shape`, each stream's records assembled by one of `make`'s.
    pub fn new(shape: Shape, make: Box<dyn Fn() -> Assembler<'r> + 'r>, max_line: usize) -> Self {
        Demux {
            shape,
            make,
            streams: Vec::new(),
            queue: VecDeque::new(),
            front: 0,
            seen: 0,
            long: false,
            long_lines: 0,
            clean: Vec::new(),
            max_line,
            queued: 0,
            deferred: Vec::new(),
        }
    }

    /// The counts of every stream's assembler.
    pub fn stats(&self) -> Stats {
        let mut total = Stats {
            records: self.long_lines,
            ..Stats::default()
        };
        for s in &self.streams {
            total.add(&s.assembler.stats());
        }
        total
    }

    /// Every stream is between records (a summary written now lands between lines).
    pub fn between_records(&self) -> bool {
        !self.long && self.streams.iter().all(|s| s.assembler.between_records())
    }

    /// Some stream holds a stack trace that may still grow.
    pub fn holds_trace(&self) -> bool {
        self.streams.iter().any(|s| s.assembler.holds_trace())
    }

    /// One piece of input from the line splitter.
    pub fn piece<W: Write>(
        &mut self,
        piece: Piece<'_>,
        ledger: &mut Ledger<'_, W>,
    ) -> Result<(), Error> {
        match piece {
            Piece::Line(line) => {
                self.line(line)?;
                self.release(ledger)
            }
            Piece::LongStart(head) => {
                self.settle(ledger)?;
                self.long = true;
                self.long_lines += 1;
                ledger.keep(head)
            }
            Piece::LongMore(more) => {
                if more.ends_with(b"\n") {
                    self.long = false;
                }
                ledger.keep(more)
            }
        }
    }

    /// A whole line: into the queue, and its text to its stream's assembler.
    fn line(&mut self, raw: &[u8]) -> Result<(), Error> {
        let seq = self.front + self.queue.len() as u64;
        self.seen += 1;
        let mut clean = std::mem::take(&mut self.clean);
        let c = self.shape.clean(raw, &mut clean);
        let stream = self.stream_for(raw, &c)?;
        self.queued += raw.len();
        self.queue.push_back(Entry {
            raw: raw.to_vec(),
            prefix_len: c.prefix_len,
            stream,
            fate: Fate::Pending,
            kept_part: false,
            partial: c.partial,
            ends: false,
            events: Vec::new(),
        });
        let s = &mut self.streams[stream];
        s.used = self.seen;
        s.fed.push(clean.len(), seq);
        let result = if s.cut_long {
            s.cut_long = c.partial;
            let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
            s.assembler.long_line_more(&clean, &mut rec)
        } else if s.partial.len() + clean.len() > self.max_line {
            let mut head = std::mem::take(&mut s.partial);
            head.extend_from_slice(&clean);
            s.cut_long = c.partial;
            s.assembler.number_next_line(self.seen);
            let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
            s.assembler.long_line_start(&head, &mut rec)
        } else if c.partial {
            s.partial.extend_from_slice(&clean);
            Ok(())
        } else if self.shape.json.is_some() && c.prefixed {
            // One JSON record, whole: decided at once.
            feed(s, &mut self.queue, self.front, seq, self.seen, &clean).and_then(|()| {
                let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
                s.assembler.end_record(&mut rec)
            })
        } else if s.partial.is_empty() {
            feed(s, &mut self.queue, self.front, seq, self.seen, &clean)
        } else {
            let mut whole = std::mem::take(&mut s.partial);
            whole.extend_from_slice(&clean);
            let r = feed(s, &mut self.queue, self.front, seq, self.seen, &whole);
            whole.clear();
            s.partial = whole;
            r
        };
        self.clean = clean;
        result?;
        self.bound()
    }

    /// Keeps the queue within [`QUEUE_RECORDS`] records' worth of lines and bytes: past it,
    /// the stream whose line holds the front lets what it holds go, kept as it came.
    fn bound(&mut self) -> Result<(), Error> {
        let Some(front) = self.queue.front().filter(|e| e.fate == Fate::Pending) else {
            return Ok(());
        };
        let i = front.stream;
        let limits = self.streams[i].assembler.limits();
        if self.queue.len() <= QUEUE_RECORDS * limits.max_record_lines
            && self.queued <= QUEUE_RECORDS * limits.max_record_bytes
        {
            return Ok(());
        }
        let seq = self.front + self.queue.len() as u64 - 1;
        let s = &mut self.streams[i];
        let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
        if s.partial.is_empty() {
            s.assembler.let_go(&mut rec)?;
        } else {
            let head = std::mem::take(&mut s.partial);
            s.cut_long = true;
            s.assembler.long_line_start(&head, &mut rec)?;
        }
        if self.queue.front().is_some_and(|e| e.fate == Fate::Pending) {
            self.end_stream(i)?;
        }
        Ok(())
    }

    /// The stream a line belongs to: found, made, or made in the place of the one least
    /// recently seen.
    fn stream_for(&mut self, raw: &[u8], c: &Clean) -> Result<usize, Error> {
        let name = &raw[c.stream.clone()];
        let key_matches = |k: &[u8]| k.first() == Some(&u8::from(c.prefixed)) && &k[1..] == name;
        if let Some(i) = self.streams.iter().position(|s| key_matches(&s.key)) {
            return Ok(i);
        }
        let mut key = vec![u8::from(c.prefixed)];
        key.extend_from_slice(name);
        if self.streams.len() < MAX_STREAMS {
            let json = self.shape.json.is_some() && c.prefixed;
            let assembler = match json {
                true => (self.make)().cut_by_caller(),
                false => (self.make)(),
            };
            self.streams.push(Stream {
                key,
                assembler,
                fed: Undecided::default(),
                partial: Vec::new(),
                cut_long: false,
                used: 0,
                json,
                open: false,
            });
            return Ok(self.streams.len() - 1);
        }
        let (i, _) = self
            .streams
            .iter()
            .enumerate()
            .min_by_key(|(_, s)| (!s.partial.is_empty(), s.used))
            .expect("MAX_STREAMS streams");
        self.end_stream(i)?;
        self.streams[i].key = key;
        self.streams[i].json = false;
        if self.shape.json.is_some() && c.prefixed {
            self.streams[i].json = true;
            self.streams[i].assembler = (self.make)().cut_by_caller();
        }
        self.streams[i].cut_long = false;
        self.streams[i].open = false;
        Ok(i)
    }

    /// Has stream `i` decide everything it holds (its text cut by the runtime included).
    fn end_stream(&mut self, i: usize) -> Result<(), Error> {
        let s = &mut self.streams[i];
        let seq = self.front + self.queue.len().saturating_sub(1) as u64;
        if !s.partial.is_empty() {
            let part = std::mem::take(&mut s.partial);
            feed(s, &mut self.queue, self.front, seq, self.seen, &part)?;
        }
        let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
        s.assembler.end_record(&mut rec)
    }

    /// Every stream decides what it holds, and every line decided goes out (before a line that
    /// streams through, and at the end).
    fn settle<W: Write>(&mut self, ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
        for i in 0..self.streams.len() {
            self.end_stream(i)?;
        }
        self.release(ledger)
    }

    /// The input went quiet: each stream decides the record it holds (see
    /// [`Assembler::idle`]).
    pub fn idle<W: Write>(&mut self, ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
        let seq = self.front + self.queue.len().saturating_sub(1) as u64;
        for s in &mut self.streams {
            let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
            s.assembler.idle(&mut rec)?;
        }
        self.release(ledger)
    }

    /// End of input: every stream's last record decided, every line written.
    pub fn finish<W: Write>(&mut self, ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
        let seq = self.front + self.queue.len().saturating_sub(1) as u64;
        for s in &mut self.streams {
            if !s.partial.is_empty() {
                let part = std::mem::take(&mut s.partial);
                feed(s, &mut self.queue, self.front, seq, self.seen, &part)?;
            }
            let mut rec = Recorder::new(s.json, &mut s.fed, &mut self.queue, self.front, seq);
            s.assembler.finish(&mut rec)?;
        }
        self.release(ledger)?;
        debug_assert!(self.queue.is_empty(), "every line decided at the end");
        self.tell_deferred(ledger)
    }

    /// Tells `ledger` about the lines at the front of the queue that are decided, in order.
    fn release<W: Write>(&mut self, ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
        while self.queue.front().is_some_and(|e| e.fate != Fate::Pending) {
            let mut e = self.queue.pop_front().expect("looked at above");
            self.front += 1;
            self.queued -= e.raw.len();
            // A summary line written now would land inside a record of a stream (or a line the
            // runtime cut): what the ledger is to hear waits for it to end, in order (at most
            // [`MAX_DEFERRED`] events: a cut line that never ends holds nothing back). Not with
            // `--keep-first`, whose first record of a group is written after all.
            let hold = !ledger.keeps_first()
                && (!self.deferred.is_empty() || self.streams.iter().any(|s| s.open));
            for ev in e.events.drain(..) {
                match ev {
                    Event::Squash(o) if hold => {
                        let wrap = Wrap::of(self.shape.prefix, &e.raw, e.prefix_len);
                        let stream = self.streams[e.stream].key.clone();
                        self.deferred.push(Event::Told(o, wrap, stream));
                    }
                    ev if hold => self.deferred.push(ev),
                    Event::Told(..) => unreachable!("told only once deferred"),
                    Event::Clock(seconds, text) => ledger.clock(seconds, &text)?,
                    Event::Note(line_no, text) => ledger.note(line_no, &text)?,
                    Event::SummariesNow => ledger.summaries_now()?,
                    Event::Squash(o) if e.fate == Fate::Keep => {
                        // A line of it is kept (a record cut inside one line, partly kept):
                        // the record stays whole, and is not counted.
                        for &seq in &o.seqs[1..] {
                            if let Some(later) = self.queue.get_mut((seq - self.front) as usize) {
                                later.fate = Fate::Keep;
                            }
                        }
                    }
                    Event::Squash(o) => {
                        let wrap = Wrap::of_record(
                            self.shape.prefix,
                            self.shape.json,
                            &e.raw,
                            e.prefix_len,
                        );
                        let s = Squashed {
                            rule: o.rule,
                            key: &o.key,
                            headline: &o.headline,
                            record: &[],
                            lines: o.lines,
                            bytes: o.bytes,
                            crlf: o.crlf,
                            line_no: o.line_no,
                            first_line: &o.first_line,
                            abort: &o.abort,
                            why: &o.why,
                            event: o.event,
                        };
                        let stream = &self.streams[e.stream].key;
                        if ledger.squash_in_stream(&s, stream, &wrap)? {
                            // Kept whole after all (`--keep-first`): its lines are written.
                            e.fate = Fate::Keep;
                            e.ends = o.seqs.len() == 1;
                            if let Some(&last) = o.seqs.last().filter(|_| o.seqs.len() > 1)
                                && let Some(later) =
                                    self.queue.get_mut((last - self.front) as usize)
                            {
                                later.ends = true;
                            }
                            for &seq in &o.seqs[1..] {
                                if let Some(later) = self.queue.get_mut((seq - self.front) as usize)
                                {
                                    later.fate = Fate::Keep;
                                }
                            }
                        }
                    }
                }
            }
            if e.fate == Fate::Keep {
                if e.raw.ends_with(b"\n") {
                    ledger.keep(&e.raw)?;
                } else {
                    ledger.keep_last(&e.raw)?;
                }
                let open = e.partial || !e.ends;
                self.streams[e.stream].open = open;
            }
            if !self.deferred.is_empty()
                && (self.deferred.len() >= MAX_DEFERRED || !self.streams.iter().any(|s| s.open))
            {
                self.tell_deferred(ledger)?;
            }
        }
        Ok(())
    }

    /// What waited for the lines open in the output to end, told now.
    fn tell_deferred<W: Write>(&mut self, ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
        for ev in self.deferred.drain(..) {
            match ev {
                Event::Clock(seconds, text) => ledger.clock(seconds, &text)?,
                Event::Note(line_no, text) => ledger.note(line_no, &text)?,
                Event::SummariesNow => ledger.summaries_now()?,
                Event::Told(o, wrap, stream) => {
                    ledger.squash_in_stream(&o.squashed(), &stream, &wrap)?;
                }
                Event::Squash(_) => unreachable!("deferred as told"),
            }
        }
        Ok(())
    }
}

/// Hands `text` (the server's text of the line at `seq`, or of several a runtime cut) to the
/// stream's assembler, numbered `line_no` for `--explain`.
fn feed(
    s: &mut Stream<'_>,
    queue: &mut VecDeque<Entry>,
    front: u64,
    seq: u64,
    line_no: u64,
    text: &[u8],
) -> Result<(), Error> {
    let mut rec = Recorder::new(s.json, &mut s.fed, queue, front, seq);
    // One line of text, or several where the shipper escaped the line ends (rsyslog's `#012`).
    for line in text.split_inclusive(|&b| b == b'\n') {
        s.assembler.number_next_line(line_no);
        s.assembler.line(line, &mut rec)?;
    }
    Ok(())
}
