//! The queue of a prefixed log's lines, each waiting for its stream's decision, and the sink
//! each stream's assembler tells ([`Recorder`]): apart from [`super::Demux`], which feeds the
//! streams and writes the queue's front, because this is only about what a line's turn holds.

use std::collections::VecDeque;

use crate::error::Error;
use crate::fields::Abort;
use crate::shipped::kinds::Wrap;
use crate::shipped::undecided::Undecided;
use crate::sink::{Sink, Squashed};

/// A line waiting to be written.
pub(super) struct Entry {
    pub(super) raw: Vec<u8>,
    pub(super) prefix_len: usize,
    pub(super) stream: usize,
    pub(super) fate: Fate,
    /// Some of its text was kept (a decision covered only part of it).
    pub(super) kept_part: bool,
    /// A part of a line the runtime cut, continued by the stream's next line.
    pub(super) partial: bool,
    /// The last line of a record kept (or of a kept part of one).
    pub(super) ends: bool,
    /// What the ledger is to hear before this line's bytes.
    pub(super) events: Vec<Event>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fate {
    Pending,
    Keep,
    Drop,
}

pub(super) enum Event {
    Clock(i64, Vec<u8>),
    Note(u64, String),
    SummariesNow,
    Squash(Box<Owned>),
    /// A squashed record waiting its turn, with its summary's wrap and its stream.
    Told(Box<Owned>, Wrap, Vec<u8>),
}

/// A squashed record, until its first line's turn.
pub(super) struct Owned {
    pub(super) rule: usize,
    pub(super) key: Vec<u8>,
    pub(super) headline: Vec<u8>,
    pub(super) lines: u64,
    pub(super) bytes: u64,
    pub(super) crlf: bool,
    pub(super) line_no: u64,
    pub(super) first_line: Vec<u8>,
    pub(super) abort: Abort,
    /// What decided it, for `--explain`.
    pub(super) why: String,
    pub(super) event: Option<u64>,
    /// Its lines in the queue: written after all if the ledger keeps it (`--keep-first`).
    pub(super) seqs: Vec<u64>,
}

impl Owned {
    pub(super) fn squashed(&self) -> Squashed<'_> {
        Squashed {
            rule: self.rule,
            key: &self.key,
            headline: &self.headline,
            record: &[],
            lines: self.lines,
            bytes: self.bytes,
            crlf: self.crlf,
            line_no: self.line_no,
            first_line: &self.first_line,
            abort: &self.abort,
            why: &self.why,
            event: self.event,
        }
    }
}

/// The sink a stream's assembler tells: it marks the lines its decisions cover, and holds
/// what the ledger is to hear until their turn.
pub(super) struct Recorder<'a> {
    /// Lines of the log are what a squashed record counts (see `Stream::json` in [`super`]).
    pub(super) json: bool,
    pub(super) fed: &'a mut Undecided<u64>,
    pub(super) queue: &'a mut VecDeque<Entry>,
    pub(super) front: u64,
    /// The line being handed over: clocks and notes go with it.
    pub(super) current: u64,
}

impl<'a> Recorder<'a> {
    pub(super) fn new(
        json: bool,
        fed: &'a mut Undecided<u64>,
        queue: &'a mut VecDeque<Entry>,
        front: u64,
        current: u64,
    ) -> Self {
        Recorder {
            json,
            fed,
            queue,
            front,
            current,
        }
    }

    pub(super) fn entry(&mut self, seq: u64) -> &mut Entry {
        &mut self.queue[(seq - self.front) as usize]
    }

    /// The next `n` bytes the assembler was given are decided: `fate` for every line they
    /// finish (with a line's text that was empty, before them), whose places go to `seqs`.
    pub(super) fn cover(&mut self, n: usize, fate: Fate, mut seqs: Option<&mut Vec<u64>>) {
        let (queue, front) = (&mut *self.queue, self.front);
        let mut last = None;
        self.fed.decide(n, |seq, whole| {
            let e = &mut queue[(seq - front) as usize];
            if !whole {
                // A line partly kept is kept, whatever becomes of the rest of it.
                e.kept_part |= fate == Fate::Keep;
                return;
            }
            e.fate = if e.kept_part { Fate::Keep } else { fate };
            last = Some(seq);
            if let Some(seqs) = seqs.as_deref_mut() {
                seqs.push(seq);
            }
        });
        // What one decision keeps ends there (a record, or the part of one it covers).
        if let Some(seq) = last {
            let e = &mut queue[(seq - front) as usize];
            e.ends |= e.fate == Fate::Keep;
        }
    }
}

impl Sink for Recorder<'_> {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.cover(bytes.len(), Fate::Keep, None);
        Ok(())
    }

    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.keep(bytes)
    }

    fn squash(&mut self, s: &Squashed<'_>) -> Result<(), Error> {
        let mut seqs = Vec::new();
        self.cover(s.bytes as usize, Fate::Drop, Some(&mut seqs));
        let Some(&first) = seqs.first() else {
            return Ok(());
        };
        // Counted as the bytes that leave the log: its lines as they came, prefixes and all.
        let bytes = seqs
            .iter()
            .map(|&seq| self.entry(seq).raw.len() as u64)
            .sum();
        let owned = Owned {
            rule: s.rule,
            key: s.key.to_vec(),
            headline: s.headline.to_vec(),
            lines: if self.json {
                seqs.len() as u64
            } else {
                s.lines
            },
            bytes,
            crlf: s.crlf,
            line_no: s.line_no,
            first_line: s.first_line.to_vec(),
            abort: s.abort.clone(),
            why: s.why.to_string(),
            event: s.event,
            seqs,
        };
        self.entry(first)
            .events
            .push(Event::Squash(Box::new(owned)));
        Ok(())
    }

    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error> {
        let current = self.current;
        self.entry(current)
            .events
            .push(Event::Clock(seconds, text.to_vec()));
        Ok(())
    }

    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error> {
        let current = self.current;
        self.entry(current)
            .events
            .push(Event::Note(line_no, text.to_string()));
        Ok(())
    }

    fn summaries_now(&mut self) -> Result<(), Error> {
        let current = self.current;
        self.entry(current).events.push(Event::SummariesNow);
        Ok(())
    }
}
