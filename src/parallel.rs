//! The parallel batch engine: files cut into chunks at record boundaries, chunks decided on
//! several threads, decisions replayed in order into one ledger.
//!
//! Why the output is byte-identical to one thread's: a header line always starts a record and
//! resets the record grammar, so a chunk that begins at a header line is cut into exactly the
//! records the sequential pass would cut, and each record's decision depends on the record
//! alone. Everything that depends on order (time windows, groups, `--keep-first`, where a summary
//! lands) happens in the [`Ledger`], which sees every chunk's decisions in input order, just as it
//! would from one [`Assembler`].
//!
//! Memory stays bounded: the input is read in blocks, and at most `3 × threads` chunks (each
//! about [`BLOCK`] bytes, with their decisions) are in flight at once. A stretch with no header
//! line for 32 chunk sizes (a log without timestamps) cannot be cut safely, so from there on
//! the input is finished on one thread, streaming, with the same ledger.
//!
//! A chunk's decisions name the kept bytes by their place in the chunk wherever they are the
//! chunk's own (most are, since the literal-first pass keeps records where they lie), so kept
//! bytes are copied once, into the output, not into the decisions first.
//!
//! Inputs are read with `read`, never memory-mapped: a log that a server is still appending to,
//! or that logrotate truncates under us, would make a mapping fault (SIGBUS), while `read` just
//! sees the bytes that are there. The copy costs little next to the rule work.

use std::io::{Read, Write};
use std::ops::Range;

use crate::error::Error;
use crate::fields::{Abort, Kind};
use crate::ledger::{Ledger, Sink, Squashed};
use crate::linebuf::LineSplitter;
use crate::output::Output;
use crate::rules::{BodyCache, RuleSet};
use crate::squash::Stats;
use crate::{Config, feed_piece, input};

/// The default chunk size: bytes read at a time, and the size past which a chunk is cut (at its
/// last header line). [`crate::Config::chunk_size`] sets it. 1 MiB chunks keep two threads as
/// busy as 2 MiB chunks did, with a third less memory in flight.
pub const BLOCK: usize = 1 << 20;
/// How many chunk sizes a chunk may grow to without a header line before the rest is done on one
/// thread.
const MAX_CHUNK_BLOCKS: usize = 32;

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
struct Recording {
    data: Vec<u8>,
    /// Where the chunk being decided lies in memory (address and length), to tell which kept
    /// bytes are its own: the assembler hands over slices of the chunk and of its own buffers.
    chunk: (usize, usize),
    events: Vec<Event>,
    /// Keep the bytes of squashed records (only `--keep-first` needs them).
    keep_records: bool,
    stats: Stats,
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
    fn replay<W: Write>(&self, chunk: &[u8], ledger: &mut Ledger<'_, W>) -> Result<(), Error> {
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

/// Filters `config`'s inputs (none of them live) on `config.threads` threads into `out`.
pub fn run<W: Write>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    let threads = config.threads.max(1);
    let workers = Workers::new(threads)?;
    let (pool, caches) = (&workers.pool, &workers.caches);
    let mut ledger = Ledger::new(rules, &config.squash, Output::new(out, out_name));
    let mut stats = Stats::default();
    let mut stream = Stream::new(config);
    // Chunks read and not yet replayed. Each chunk is its own task, replayed as soon as it and
    // every chunk before it are decided: a chunk of long traces costs many times a chunk of
    // access lines, and waiting for a whole batch left threads idle behind the slowest chunk.
    let in_flight = 3 * threads;
    let (tx, rx) = std::sync::mpsc::channel::<Decided>();
    let rest = pool.in_place_scope(|scope| -> Result<Option<Vec<u8>>, Error> {
        let mut read = 0usize;
        let mut replayed = 0usize;
        let mut ended: Option<Option<Vec<u8>>> = None;
        // Decided out of order, waiting for the chunks before them.
        let mut waiting: std::collections::BTreeMap<usize, (Vec<u8>, Recording)> =
            std::collections::BTreeMap::new();
        loop {
            while ended.is_none() && read - replayed < in_flight {
                let chunk = match stream.next_chunk()? {
                    Some(Chunk::Cut(c)) => c,
                    Some(Chunk::Last(c)) => {
                        ended = Some(None);
                        c
                    }
                    Some(Chunk::Uncuttable(head)) => {
                        ended = Some(Some(head));
                        break;
                    }
                    None => {
                        ended = Some(None);
                        break;
                    }
                };
                let tx = tx.clone();
                let index = read;
                scope.spawn(move |_| {
                    let decided = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        decide_chunk(config, rules, &chunk, caches)
                    }));
                    // The receiver is gone only when the run already failed.
                    let _ = tx.send((index, chunk, decided));
                });
                read += 1;
            }
            if replayed == read {
                return Ok(ended.flatten());
            }
            let (index, chunk, decided) = rx.recv().expect("a sender is held until the end");
            let recording = match decided {
                Ok(recording) => recording?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            waiting.insert(index, (chunk, recording));
            while let Some((chunk, recording)) = waiting.remove(&replayed) {
                add(&mut stats, &recording.stats);
                recording.replay(&chunk, &mut ledger)?;
                stream.recycle(chunk);
                replayed += 1;
            }
            ledger.flush()?;
        }
    })?;
    if let Some(head) = rest {
        // Too many bytes with no place to cut: everything before is replayed; the rest
        // streams through on this thread.
        let rest = finish_sequentially(config, rules, head, &mut stream, &mut ledger)?;
        add(&mut stats, &rest);
    }
    let (stats, out) = ledger.finish(stats)?;
    crate::end_of_run(stats, out, out_name, stream.damaged)
}

/// A decided chunk: its index in the input, its bytes, and its decisions (or the first error,
/// or the panic of the thread that decided it).
type Decided = (
    usize,
    Vec<u8>,
    std::thread::Result<Result<Recording, Error>>,
);

pub(crate) fn add(total: &mut Stats, part: &Stats) {
    total.records += part.records;
    total.unsquashable += part.unsquashable;
}

/// The threads that decide chunks, with the caches they hand on.
pub(crate) struct Workers {
    pool: rayon::ThreadPool,
    caches: Caches,
}

impl Workers {
    pub(crate) fn new(threads: usize) -> Result<Workers, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Usage(format!("cannot start {threads} threads: {e}")))?;
        Ok(Workers {
            pool,
            caches: Caches::default(),
        })
    }
}

/// Caches of what the rules found in records' lines after the first (see
/// [`crate::rules::BodyCache`]), handed from one chunk to the next: a chunk's records repeat
/// the traces of the chunks before it.
#[derive(Default)]
struct Caches(std::sync::Mutex<Vec<BodyCache>>);

impl Caches {
    fn take(&self) -> BodyCache {
        self.0
            .lock()
            .map(|mut v| v.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(&self, cache: BodyCache) {
        if let Ok(mut v) = self.0.lock() {
            v.push(cache);
        }
    }
}

/// Cuts one chunk into records and decides them, on a fresh grammar.
fn decide_chunk(
    config: &Config,
    rules: &RuleSet,
    chunk: &[u8],
    caches: &Caches,
) -> Result<Recording, Error> {
    let mut assembler = crate::assembler(config, rules).with_cache(caches.take());
    let mut rec = Recording {
        keep_records: config.squash.keep_first > 0,
        chunk: (chunk.as_ptr() as usize, chunk.len()),
        window: config.squash.window.filter(|&w| w > 0),
        clock_limit: config.squash.clock_limit,
        ..Recording::default()
    };
    let mut lines = LineSplitter::new(config.max_line);
    crate::scan::feed(&mut assembler, &mut lines, chunk, &mut rec)?;
    lines.finish(&mut |p| feed_piece(&mut assembler, &mut rec, p))?;
    assembler.finish(&mut rec)?;
    rec.tell_held_clock();
    caches.give_back(assembler.take_cache());
    rec.stats = assembler.stats();
    Ok(rec)
}

/// The rest of the input on one thread, from `head` (which starts at a record boundary).
fn finish_sequentially<W: Write>(
    config: &Config,
    rules: &RuleSet,
    head: Vec<u8>,
    stream: &mut Stream<'_>,
    ledger: &mut Ledger<'_, W>,
) -> Result<Stats, Error> {
    let mut assembler = crate::assembler(config, rules);
    let mut lines = LineSplitter::new(config.max_line);
    crate::scan::feed(&mut assembler, &mut lines, &head, ledger)?;
    let mut block = Vec::with_capacity(config.chunk_size);
    while stream.read_into(&mut block)? > 0 {
        crate::scan::feed(&mut assembler, &mut lines, &block, ledger)?;
        ledger.flush()?;
        block.clear();
    }
    lines.finish(&mut |p| feed_piece(&mut assembler, ledger, p))?;
    assembler.finish(ledger)?;
    Ok(assembler.stats())
}

enum Chunk {
    /// Ends right before a header line.
    Cut(Vec<u8>),
    /// The end of the input.
    Last(Vec<u8>),
    /// Too many bytes with no place to cut.
    Uncuttable(Vec<u8>),
}

/// All inputs as one byte stream (like `cat`), handed out in chunks that end at record
/// boundaries.
struct Stream<'c> {
    config: &'c Config,
    next_input: usize,
    reader: Option<(Box<dyn Read + Send>, std::path::PathBuf, input::DamageSlot)>,
    /// Inputs that ended at gzip damage, in order.
    damaged: Vec<crate::error::Damage>,
    /// Bytes read but not yet handed out; always starts at a record boundary.
    carry: Vec<u8>,
    eof: bool,
    /// Chunk buffers handed back, for reuse: fresh multi-megabyte buffers cost page faults.
    spare: Vec<Vec<u8>>,
    /// The chunk size.
    block: usize,
}

impl<'c> Stream<'c> {
    fn new(config: &'c Config) -> Self {
        Stream {
            config,
            next_input: 0,
            reader: None,
            damaged: Vec::new(),
            carry: Vec::new(),
            eof: false,
            spare: Vec::new(),
            block: config.chunk_size.max(1),
        }
    }

    /// Appends up to a chunk size of bytes to `buf`, crossing from one input to the next;
    /// returns how many (0 at the end of the last input).
    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<usize, Error> {
        loop {
            if self.reader.is_none() {
                let Some(source) = self.config.inputs.get(self.next_input) else {
                    return Ok(0);
                };
                self.next_input += 1;
                let opened = input::open(source, self.config.read_size)?;
                self.reader = Some((opened.reader, opened.name, opened.damage));
            }
            let (reader, name, damage) = self.reader.as_mut().expect("opened above");
            // Into the buffer's spare capacity as it is: zeroing a chunk's worth of bytes
            // before each read (as `read` into a resized buffer needs) cost this thread, the
            // one all others wait for, more than the rest of its work.
            match reader.by_ref().take(self.block as u64).read_to_end(buf) {
                Ok(0) => {
                    self.damaged.extend(damage.get().cloned());
                    self.reader = None;
                }
                Ok(n) => return Ok(n),
                Err(source) => {
                    return Err(Error::Input {
                        path: name.clone(),
                        source,
                    });
                }
            }
        }
    }

    /// A buffer for the next chunk, reusing one handed back by [`Stream::recycle`].
    fn fresh_buffer(&mut self) -> Vec<u8> {
        let block = self.block;
        self.spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(2 * block))
    }

    /// Takes back a chunk's buffer once its decisions are replayed.
    fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.spare.len() < 16 && buf.capacity() <= 4 * self.block {
            buf.clear();
            self.spare.push(buf);
        }
    }

    fn next_chunk(&mut self) -> Result<Option<Chunk>, Error> {
        loop {
            if self.eof {
                return Ok(
                    (!self.carry.is_empty()).then(|| Chunk::Last(std::mem::take(&mut self.carry)))
                );
            }
            if self.carry.len() >= self.block
                && let Some(cut) = self.cut_point()
            {
                let mut rest = self.fresh_buffer();
                rest.extend_from_slice(&self.carry[cut..]);
                self.carry.truncate(cut);
                return Ok(Some(Chunk::Cut(std::mem::replace(&mut self.carry, rest))));
            }
            if self.carry.len() >= self.block * MAX_CHUNK_BLOCKS {
                return Ok(Some(Chunk::Uncuttable(std::mem::take(&mut self.carry))));
            }
            let mut carry = std::mem::take(&mut self.carry);
            let n = self.read_into(&mut carry);
            self.carry = carry;
            if n? == 0 {
                self.eof = true;
            }
        }
    }

    /// The start of the last complete header line in `carry` (not at 0), if any: the latest
    /// place where a record certainly begins.
    fn cut_point(&self) -> Option<usize> {
        let buf = &self.carry;
        let mut end = memchr::memrchr(b'\n', buf)?;
        // Walk back line by line over the tail of the buffer.
        let floor = buf.len().saturating_sub(self.block);
        while end > floor {
            let start = memchr::memrchr(b'\n', &buf[..end]).map_or(0, |i| i + 1);
            if start == 0 {
                return None;
            }
            let line = &buf[start..end];
            if line.len() < self.config.max_line && self.starts_record(line) {
                return Some(start);
            }
            end = start - 1;
        }
        None
    }

    fn starts_record(&self, line: &[u8]) -> bool {
        starts_record(self.config, line)
    }
}

/// Whether `line` (its `\n` removed) certainly starts a record: a place to cut.
fn starts_record(config: &Config, line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    match &config.record_start {
        Some(re) => re.is_match(line),
        None => crate::header::detect(line).is_some(),
    }
}

/// The start of the first line at or after `from` that is whole in `data`, starts a record and
/// is shorter than the line limit; `from` must be at a line start.
fn next_cut(config: &Config, data: &[u8], mut from: usize) -> Option<usize> {
    while let Some(nl) = memchr::memchr(b'\n', &data[from..]) {
        let line = &data[from..from + nl];
        if line.len() < config.max_line && starts_record(config, line) {
            return Some(from);
        }
        from += nl + 1;
    }
    None
}

/// For a backlog of live input (see [`decide_span`]): the stretch `start..end` of `data` that
/// runs from the first to the last record-starting line, not counting a line the previous
/// buffer left unfinished; `None` when it is shorter than an eighth of a chunk, not worth the
/// threads.
pub(crate) fn backlog_span(config: &Config, data: &[u8]) -> Option<(usize, usize)> {
    let first_line_end = memchr::memchr(b'\n', data)?;
    let start = next_cut(config, data, first_line_end + 1)?;
    // The last such line: walk back over whole lines from the last `\n`.
    let mut end = memchr::memrchr(b'\n', data)?;
    let mut last = None;
    while end > start {
        let line_start = memchr::memrchr(b'\n', &data[..end]).map_or(0, |i| i + 1);
        let line = &data[line_start..end];
        if line.len() < config.max_line && starts_record(config, line) {
            last = Some(line_start);
            break;
        }
        end = line_start.saturating_sub(1);
    }
    let end = last?;
    (end - start >= (config.chunk_size / 8).max(1)).then_some((start, end))
}

/// Decides `data`, which starts at a record-starting line and ends right before one, on
/// `workers` in chunks cut at record-starting lines, and replays the decisions in
/// order into `ledger`: the same bytes one assembler would give, as for a file's chunks.
pub(crate) fn decide_span<W: Write>(
    workers: &Workers,
    config: &Config,
    rules: &RuleSet,
    data: &[u8],
    ledger: &mut Ledger<'_, W>,
    stats: &mut Stats,
) -> Result<(), Error> {
    use rayon::prelude::*;
    // Several chunks per thread, so that a thread done early takes another.
    let size = (data.len() / (4 * workers.pool.current_num_threads().max(1)))
        .max(config.chunk_size.max(1) / 8);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let end = if data.len() - start <= size {
            data.len()
        } else {
            let from = start + size;
            // The first whole line from `from` on (or, inside a first line longer than the
            // chunk, the line after it).
            let mut line_start = memchr::memrchr(b'\n', &data[..from]).map_or(0, |i| i + 1);
            if line_start <= start {
                line_start =
                    memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i + 1);
            }
            next_cut(config, data, line_start).unwrap_or(data.len())
        };
        chunks.push(start..end);
        start = end;
    }
    let (pool, caches) = (&workers.pool, &workers.caches);
    let recordings = pool.install(|| {
        chunks
            .par_iter()
            .map(|r| decide_chunk(config, rules, &data[r.clone()], caches))
            .collect::<Vec<_>>()
    });
    for (recording, r) in recordings.into_iter().zip(chunks) {
        let recording = recording?;
        add(stats, &recording.stats);
        recording.replay(&data[r], ledger)?;
    }
    Ok(())
}
