//! A chunk decided on a worker thread: its decisions recorded as events, with the bytes they
//! need, then replayed in input order into the one ledger, which cannot tell them from one
//! assembler's.

use std::io::Write;
use std::ops::Range;

use crate::config::Config;
use crate::error::Error;
use crate::fields::{Abort, Kind};
use crate::ledger::Ledger;
use crate::linebuf::LineSplitter;
use crate::prefilter;
use crate::rules::{BodyCache, RuleSet};
use crate::sink::{Sink, Squashed, Stats};

/// Cuts one chunk into records and decides them, on a fresh grammar, with `cache` (handed
/// back after, for the next chunk).
pub(super) fn decide_chunk(
    config: &Config,
    rules: &RuleSet,
    chunk: &[u8],
    cache: BodyCache,
) -> Result<(Recording, BodyCache), Error> {
    let mut assembler = config.assembler(rules).with_cache(cache);
    let mut rec = Recording {
        keep_records: config.windows.keep_first > 0,
        chunk: (chunk.as_ptr() as usize, chunk.len()),
        window: config.windows.window.filter(|&w| w > 0),
        clock_limit: config.windows.clock_limit,
        ..Recording::default()
    };
    let mut lines = LineSplitter::new(config.max_line);
    prefilter::feed(&mut assembler, &mut lines, chunk, &mut rec)?;
    lines.finish(&mut |p| assembler.piece(p, &mut rec))?;
    assembler.finish(&mut rec)?;
    rec.tell_held_clock();
    rec.stats = assembler.stats();
    Ok((rec, assembler.take_cache()))
}

/// One decision of a chunk, with its bytes in [`Recording::data`] or in the chunk itself.
#[derive(Debug)]
enum Event {
    Keep(Range<usize>),
    /// Kept bytes that are the chunk's own, by their place in it: most of what a chunk keeps,
    /// as the literal-first pass keeps records where they lie, so they are not copied twice.
    KeepChunk(Range<usize>),
    KeepLast(Range<usize>),
    Squash {
        rule: usize,
        key: Range<usize>,
        headline: Range<usize>,
        record: Range<usize>,
        lines: u64,
        bytes: u64,
        crlf: bool,
        line_no: u64,
        /// What the record said; its values are in `data`.
        abort: StoredAbort,
        event: Option<u64>,
    },
    Clock {
        seconds: i64,
        text: Range<usize>,
    },
    Note(u64, Range<usize>),
    SummariesNow,
}

/// A chunk's decisions, to be replayed into the ledger.
#[derive(Default)]
pub(super) struct Recording {
    data: Vec<u8>,
    /// Where the chunk being decided lies in memory (address and length), to tell which kept
    /// bytes are its own: the assembler hands over slices of the chunk and of its own buffers.
    chunk: (usize, usize),
    events: Vec<Event>,
    /// Keep the bytes of squashed records (only `--keep-first` needs them).
    keep_records: bool,
    pub(super) stats: Stats,
    /// The window length, as the ledger has it: which clock events can close a window.
    window: Option<i64>,
    /// The ledger's clock limit: later timestamps close no window.
    clock_limit: Option<i64>,
    /// The latest window among the clock events recorded so far.
    latest_window: Option<i64>,
    /// A clock event held back (seconds, and its text in `held_text`); see [`Recording::clock`].
    held_clock: Option<i64>,
    held_text: Vec<u8>,
}

impl Recording {
    fn store(&mut self, bytes: &[u8]) -> Range<usize> {
        let start = self.data.len();
        self.data.extend_from_slice(bytes);
        start..self.data.len()
    }

    /// Records the clock event held back, if any: the record about to be squashed takes its
    /// time from it, and so may the next chunk's first.
    fn tell_held_clock(&mut self) {
        if let Some(seconds) = self.held_clock.take() {
            let start = self.data.len();
            self.data.extend_from_slice(&self.held_text);
            let text = start..self.data.len();
            self.events.push(Event::Clock { seconds, text });
        }
    }

    /// Where `bytes` lie in the chunk, if they are the chunk's own.
    fn in_chunk(&self, bytes: &[u8]) -> Option<Range<usize>> {
        let (base, len) = self.chunk;
        let at = (bytes.as_ptr() as usize).checked_sub(base)?;
        (at + bytes.len() <= len).then(|| at..at + bytes.len())
    }

    /// Tells `ledger` the decisions, in order; `chunk` is the chunk they were made on.
    pub(super) fn replay<W: Write>(
        &self,
        chunk: &[u8],
        ledger: &mut Ledger<'_, W>,
    ) -> Result<(), Error> {
        let d = &self.data;
        // One for the whole chunk: its strings are reused from record to record.
        let mut what = Abort::default();
        for ev in &self.events {
            match ev {
                Event::Keep(r) => ledger.keep(&d[r.clone()])?,
                Event::KeepChunk(r) => ledger.keep(&chunk[r.clone()])?,
                Event::KeepLast(r) => ledger.keep_last(&d[r.clone()])?,
                Event::Squash {
                    rule,
                    key,
                    headline,
                    record,
                    lines,
                    bytes,
                    crlf,
                    line_no,
                    abort,
                    event,
                } => ledger.squash(&Squashed {
                    rule: *rule,
                    key: &d[key.clone()],
                    headline: &d[headline.clone()],
                    record: &d[record.clone()],
                    lines: *lines,
                    bytes: *bytes,
                    crlf: *crlf,
                    line_no: *line_no,
                    first_line: &[],
                    abort: abort.load(d, &mut what),
                    why: "",
                    event: *event,
                })?,
                Event::Clock { seconds, text } => ledger.clock(*seconds, &d[text.clone()])?,
                Event::Note(line_no, r) => {
                    ledger.note(*line_no, &String::from_utf8_lossy(&d[r.clone()]))?
                }
                Event::SummariesNow => ledger.summaries_now()?,
            }
        }
        Ok(())
    }
}

/// What a squashed record said, kept with a chunk's decisions: its values are stored in the
/// chunk's `data` (no allocation per record), each ending `ends[i]` bytes after `start`.
#[derive(Clone, Copy, Debug)]
struct StoredAbort {
    start: usize,
    /// Per field (in the order of [`Fields::values`]): where its value ends; `NONE` if absent.
    ends: [u32; 4],
    kind: Kind,
    download: bool,
}

impl StoredAbort {
    const NONE: u32 = u32::MAX;

    fn store(a: &Abort, data: &mut Vec<u8>) -> StoredAbort {
        let start = data.len();
        let mut ends = [Self::NONE; 4];
        for (end, value) in ends.iter_mut().zip(a.fields.values()) {
            if let Some(v) = value {
                data.extend_from_slice(v.as_bytes());
                // Four values of at most `fields::MAX_VALUE` bytes: the offset fits.
                *end = (data.len() - start) as u32;
            }
        }
        StoredAbort {
            start,
            ends,
            kind: a.kind,
            download: a.download,
        }
    }

    /// The abort again, in `into` (whose strings are reused).
    fn load<'a>(&self, data: &[u8], into: &'a mut Abort) -> &'a Abort {
        let start = self.start;
        let mut from = start;
        for (slot, &end) in into.fields.slots().into_iter().zip(&self.ends) {
            let value = (end != Self::NONE).then(|| {
                let to = start + end as usize;
                let v = std::str::from_utf8(&data[from..to]).expect("stored from a str");
                from = to;
                v
            });
            match (slot.as_mut(), value) {
                (Some(s), Some(v)) => {
                    s.clear();
                    s.push_str(v);
                }
                (_, v) => *slot = v.map(str::to_string),
            }
        }
        into.kind = self.kind;
        into.download = self.download;
        into
    }
}

impl Sink for Recording {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(at) = self.in_chunk(bytes) {
            if let Some(Event::KeepChunk(r)) = self.events.last_mut()
                && r.end == at.start
            {
                r.end = at.end;
            } else {
                self.events.push(Event::KeepChunk(at));
            }
            return Ok(());
        }
        // Consecutive kept bytes become one event.
        if let Some(Event::Keep(r)) = self.events.last_mut()
            && r.end == self.data.len()
        {
            self.data.extend_from_slice(bytes);
            r.end = self.data.len();
            return Ok(());
        }
        let r = self.store(bytes);
        self.events.push(Event::Keep(r));
        Ok(())
    }

    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let r = self.store(bytes);
        self.events.push(Event::KeepLast(r));
        Ok(())
    }

    fn squash(&mut self, s: &Squashed<'_>) -> Result<(), Error> {
        self.tell_held_clock();
        let key = self.store(s.key);
        let headline = self.store(&s.headline[..s.headline.len().min(256)]);
        let record = if self.keep_records {
            self.store(s.record)
        } else {
            0..0
        };
        self.events.push(Event::Squash {
            rule: s.rule,
            key,
            headline,
            record,
            lines: s.lines,
            bytes: s.bytes,
            crlf: s.crlf,
            line_no: s.line_no,
            abort: StoredAbort::store(s.abort, &mut self.data),
            event: s.event,
        });
        Ok(())
    }

    /// Most clock events cannot close a window: the ledger closes one only when a timestamp
    /// is in a later window than every one before it, and one no later than an earlier event
    /// of this chunk is not. Such an event is held back, so that the kept records around it
    /// join into one piece; all it would change is the clock's text, which only a squashed
    /// record reads, so it is recorded before the next squashed record, if no clock event
    /// comes first, and at the end of the chunk.
    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error> {
        let window = self.window.map_or(0, |len| seconds.div_euclid(len));
        // Past the clock limit, the ledger moves no window for it either; nor does it count
        // as the latest window here.
        let beyond = self.clock_limit.is_some_and(|limit| seconds > limit);
        if beyond || self.latest_window.is_some_and(|latest| window <= latest) {
            self.held_clock = Some(seconds);
            self.held_text.clear();
            self.held_text.extend_from_slice(text);
            return Ok(());
        }
        self.held_clock = None;
        self.latest_window = Some(window);
        let text = self.store(text);
        self.events.push(Event::Clock { seconds, text });
        Ok(())
    }

    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error> {
        let r = self.store(text.as_bytes());
        self.events.push(Event::Note(line_no, r));
        Ok(())
    }

    fn summaries_now(&mut self) -> Result<(), Error> {
        self.events.push(Event::SummariesNow);
        Ok(())
    }
}
