//! The record stage of a prefixed log for `report`: each stream's records to its own
//! assembler, all telling one sink. A report counts and writes no lines, so it needs no queue
//! (see [`super::demux`] for the filter's).

use super::demux::{MAX_STREAMS, QUEUE_RECORDS};
use super::shape::Shape;
use super::undecided::Undecided;
use crate::error::Error;
use crate::linebuf::Piece;
use crate::sink::{Kept, Sink, Squashed, Stats};
use crate::squash::Assembler;

/// The report's side: each stream's records to its own assembler, all telling one sink (a
/// report counts; it writes no lines, so their order across streams does not matter). Each
/// decision is told at its own stream's clock, as the filter's summary lines have it.
pub struct Fanout<'r> {
    shape: Shape,
    make: Box<dyn Fn() -> Assembler<'r> + 'r>,
    streams: Vec<FanStream<'r>>,
    clean: Vec<u8>,
    long: Option<usize>,
    /// The longest line read whole (a line the runtime cut, joined, included).
    max_line: usize,
    /// Lines and bytes seen: where a line stands, for the filter's bound on its queue.
    seen: Place,
}

/// Where a line stands in the input: lines and bytes before it.
#[derive(Clone, Copy, Debug, Default)]
struct Place {
    lines: u64,
    bytes: u64,
}

/// A line not yet decided: its length as it came, and its place.
#[derive(Clone, Copy, Debug, Default)]
struct Came {
    len: usize,
    at: Place,
}

/// One stream of a [`Fanout`].
struct FanStream<'r> {
    key: Vec<u8>,
    assembler: Assembler<'r>,
    /// The text of CRI `P` lines whose `F` has not come yet.
    partial: Vec<u8>,
    /// In a line the runtime cut that went over the line limit (see [`super::demux`]).
    cut_long: bool,
    /// The stream's latest header time.
    clock: Option<(i64, Vec<u8>)>,
    /// Its lines not yet decided, each with its length as it came: a squashed record is
    /// counted in the bytes that leave the log, as the filter counts it.
    lengths: Undecided<Came>,
    /// Its lines are JSON-lines records (see [`super::demux`]): a record counts lines of the log.
    json: bool,
}

/// The sink as one stream of a [`Fanout`] tells it: at that stream's clock.
struct AtClock<'a, S> {
    sink: &'a mut S,
    clock: &'a mut Option<(i64, Vec<u8>)>,
    lengths: &'a mut Undecided<Came>,
    json: bool,
}

impl<S: Sink> AtClock<'_, S> {
    /// Tells the sink what `text` (of a JSON-lines record) took in the log: `raw`, its bytes
    /// and lines as they came (see [`Sink::came_as`]).
    fn came_as(&mut self, text: &[u8], raw: (u64, u64)) {
        if self.json {
            let lines = memchr::memchr_iter(b'\n', text).count() as u64;
            // Lines the log ends: its last, without a terminator, as the text's last.
            let raw_lines = raw.1 - u64::from(!text.ends_with(b"\n") && raw.1 > 0);
            self.sink
                .came_as((lines, text.len() as u64), (raw_lines, raw.0));
        }
    }

    /// The next `n` bytes of text are decided: the bytes, as they came, of the lines they end,
    /// and how many lines.
    fn take_lines(&mut self, n: usize) -> (u64, u64) {
        let (mut came, mut lines) = (0, 0);
        self.lengths.decide(n, |line, whole| {
            if whole {
                came += line.len as u64;
                lines += 1;
            }
        });
        (came, lines)
    }

    fn set(&mut self) -> Result<(), Error> {
        match self.clock {
            Some((seconds, text)) => self.sink.clock(*seconds, text),
            None => Ok(()),
        }
    }
}

impl<S: Sink> Sink for AtClock<'_, S> {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let raw = self.take_lines(bytes.len());
        self.sink.keep(bytes)?;
        self.came_as(bytes, raw);
        Ok(())
    }
    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let raw = self.take_lines(bytes.len());
        self.sink.keep_last(bytes)?;
        self.came_as(bytes, raw);
        Ok(())
    }
    fn squash(&mut self, s: &Squashed<'_>) -> Result<(), Error> {
        self.set()?;
        let (bytes, lines) = self.take_lines(s.bytes as usize);
        let lines = if self.json { lines } else { s.lines };
        self.sink.squash(&Squashed { bytes, lines, ..*s })?;
        self.came_as(s.record, (bytes, lines));
        Ok(())
    }
    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error> {
        *self.clock = Some((seconds, text.to_vec()));
        self.sink.clock(seconds, text)
    }
    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error> {
        self.sink.note(line_no, text)
    }
    fn summaries_now(&mut self) -> Result<(), Error> {
        self.sink.summaries_now()
    }
    fn kept(&mut self, record: &[u8], why: Kept, last: bool) -> Result<(), Error> {
        self.set()?;
        let raw = self.take_lines(record.len());
        self.sink.kept(record, why, last)?;
        self.came_as(record, raw);
        Ok(())
    }
}

impl<'r> Fanout<'r> {
    pub fn new(shape: Shape, make: Box<dyn Fn() -> Assembler<'r> + 'r>, max_line: usize) -> Self {
        Fanout {
            shape,
            make,
            streams: Vec::new(),
            clean: Vec::new(),
            long: None,
            max_line,
            seen: Place::default(),
        }
    }

    /// One piece of input from the line splitter.
    pub fn piece<S: Sink>(&mut self, piece: Piece<'_>, sink: &mut S) -> Result<(), Error> {
        let (raw, long) = match piece {
            Piece::Line(l) => (l, false),
            Piece::LongStart(h) => (h, true),
            Piece::LongMore(m) => {
                let i = self.long.expect("a long line's start came first");
                if m.ends_with(b"\n") {
                    self.long = None;
                }
                let s = &mut self.streams[i];
                let at = self.seen;
                s.lengths.push(m.len(), Came { len: m.len(), at });
                let mut sink = AtClock {
                    sink,
                    clock: &mut s.clock,
                    lengths: &mut s.lengths,
                    json: s.json,
                };
                return s.assembler.long_line_more(m, &mut sink);
            }
        };
        let mut clean = std::mem::take(&mut self.clean);
        let c = self.shape.clean(raw, &mut clean);
        let mut key = vec![u8::from(c.prefixed)];
        key.extend_from_slice(&raw[c.stream.clone()]);
        let i = match self.streams.iter().position(|s| s.key == key) {
            Some(i) => i,
            None => {
                if self.streams.len() == MAX_STREAMS {
                    // The stream least recently made room: what it holds is decided.
                    let mut s = self.streams.remove(0);
                    let mut sink = AtClock {
                        sink: &mut *sink,
                        clock: &mut s.clock,
                        lengths: &mut s.lengths,
                        json: s.json,
                    };
                    if !s.partial.is_empty() {
                        s.assembler.line(&s.partial, &mut sink)?;
                    }
                    s.assembler.end_record(&mut sink)?;
                }
                let json = self.shape.json.is_some() && c.prefixed;
                let assembler = match json {
                    true => (self.make)().cut_by_caller(),
                    false => (self.make)(),
                };
                self.streams.push(FanStream {
                    key,
                    assembler,
                    partial: Vec::new(),
                    cut_long: false,
                    clock: None,
                    lengths: Undecided::default(),
                    json,
                });
                self.streams.len() - 1
            }
        };
        let s = &mut self.streams[i];
        let at = self.seen;
        self.seen.lines += 1;
        self.seen.bytes += raw.len() as u64;
        s.lengths.push(clean.len(), Came { len: raw.len(), at });
        let mut at_clock = AtClock {
            sink: &mut *sink,
            clock: &mut s.clock,
            lengths: &mut s.lengths,
            json: s.json,
        };
        let result = if long {
            self.long = Some(i);
            s.assembler.long_line_start(&clean, &mut at_clock)
        } else if s.cut_long {
            s.cut_long = c.partial;
            s.assembler.long_line_more(&clean, &mut at_clock)
        } else if s.partial.len() + clean.len() > self.max_line {
            let mut head = std::mem::take(&mut s.partial);
            head.extend_from_slice(&clean);
            s.cut_long = c.partial;
            s.assembler.long_line_start(&head, &mut at_clock)
        } else if c.partial {
            s.partial.extend_from_slice(&clean);
            Ok(())
        } else if self.shape.json.is_some() && c.prefixed {
            // One JSON record, whole: decided at once.
            lines(&mut s.assembler, &clean, &mut at_clock)
                .and_then(|()| s.assembler.end_record(&mut at_clock))
        } else if s.partial.is_empty() {
            lines(&mut s.assembler, &clean, &mut at_clock)
        } else {
            s.partial.extend_from_slice(&clean);
            let r = lines(&mut s.assembler, &s.partial, &mut at_clock);
            s.partial.clear();
            r
        };
        self.clean = clean;
        result?;
        self.bound(sink)
    }

    /// The filter's bound on its queue (see [`super::demux`]), so that a report counts as the
    /// filter decides: the stream whose undecided line the others' lines have waited behind
    /// for too long lets it go.
    fn bound<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        let oldest = self
            .streams
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.lengths.first().map(|c| (c.at.lines, c.at.bytes, i)))
            .min();
        let Some((lines, bytes, i)) = oldest else {
            return Ok(());
        };
        let s = &mut self.streams[i];
        let limits = s.assembler.limits();
        if (self.seen.lines - lines) as usize <= QUEUE_RECORDS * limits.max_record_lines
            && (self.seen.bytes - bytes) as usize <= QUEUE_RECORDS * limits.max_record_bytes
        {
            return Ok(());
        }
        let mut sink = AtClock {
            sink,
            clock: &mut s.clock,
            lengths: &mut s.lengths,
            json: s.json,
        };
        if s.partial.is_empty() {
            s.assembler.let_go(&mut sink)?;
        } else {
            let head = std::mem::take(&mut s.partial);
            s.cut_long = true;
            s.assembler.long_line_start(&head, &mut sink)?;
        }
        if sink.lengths.first().is_some_and(|c| c.at.lines == lines) {
            s.assembler.end_record(&mut sink)?;
        }
        Ok(())
    }

    /// End of input: every stream's last record.
    pub fn finish<S: Sink>(&mut self, sink: &mut S) -> Result<(), Error> {
        for s in &mut self.streams {
            let mut sink = AtClock {
                sink: &mut *sink,
                clock: &mut s.clock,
                lengths: &mut s.lengths,
                json: s.json,
            };
            if !s.partial.is_empty() {
                s.assembler.line(&s.partial, &mut sink)?;
                s.partial.clear();
            }
            s.assembler.finish(&mut sink)?;
        }
        Ok(())
    }

    /// Records seen in every stream.
    pub fn stats(&self) -> Stats {
        let mut total = Stats::default();
        for s in &self.streams {
            total.add(&s.assembler.stats());
        }
        total
    }
}

/// One line of text to `assembler`, or several where the shipper escaped the line ends
/// (rsyslog's `#012`).
fn lines<S: Sink>(assembler: &mut Assembler<'_>, text: &[u8], sink: &mut S) -> Result<(), Error> {
    for line in text.split_inclusive(|&b| b == b'\n') {
        assembler.line(line, sink)?;
    }
    Ok(())
}
