//! Reading for the threads: every input as one stream, like `cat`, cut into chunks that
//! begin at a line that certainly starts a record (a header line, or one `--record-start`
//! matches), so that a chunk decided alone is cut into the records one pass would cut.

use std::io::Read;

use crate::config::Config;
use crate::error::{Damage, Error};
use crate::input;
use crate::linebuf::line_start;
use crate::rules::Follows;

/// How many chunk sizes a chunk may grow to without a header line before the rest is done on one
/// thread.
const MAX_CHUNK_BLOCKS: usize = 32;

pub(super) enum Chunk {
    /// Ends right before a header line.
    Cut(Vec<u8>),
    /// The end of the input.
    Last(Vec<u8>),
    /// Too many bytes with no place to cut.
    Uncuttable(Vec<u8>),
}

/// All inputs as one byte stream (like `cat`), handed out in chunks that end at record
/// boundaries.
pub(super) struct Chunker<'c> {
    config: &'c Config,
    next_input: usize,
    reader: Option<(Box<dyn Read + Send>, std::path::PathBuf, input::DamageSlot)>,
    /// Inputs that ended at gzip damage, in order.
    pub(super) damaged: Vec<Damage>,
    /// Bytes read but not yet handed out; always starts at a record boundary.
    carry: Vec<u8>,
    eof: bool,
    /// Chunk buffers handed back, for reuse: fresh multi-megabyte buffers cost page faults.
    spare: Vec<Vec<u8>>,
    /// The chunk size.
    block: usize,
    /// Where a cut would split an event (see `rules/event.rs`).
    follows: Follows,
}

impl<'c> Chunker<'c> {
    pub(super) fn new(config: &'c Config, follows: Follows) -> Self {
        Chunker {
            config,
            next_input: 0,
            reader: None,
            damaged: Vec::new(),
            carry: Vec::new(),
            eof: false,
            spare: Vec::new(),
            block: config.chunk_size.max(1),
            follows,
        }
    }

    /// Appends up to a chunk size of bytes to `buf`, crossing from one input to the next;
    /// returns how many (0 at the end of the last input).
    pub(super) fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<usize, Error> {
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

    /// A buffer for the next chunk, reusing one handed back by [`Chunker::recycle`].
    fn fresh_buffer(&mut self) -> Vec<u8> {
        let block = self.block;
        self.spare
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(2 * block))
    }

    /// Takes back a chunk's buffer once its decisions are replayed.
    pub(super) fn recycle(&mut self, mut buf: Vec<u8>) {
        if self.spare.len() < 16 && buf.capacity() <= 4 * self.block {
            buf.clear();
            self.spare.push(buf);
        }
    }

    pub(super) fn next_chunk(&mut self) -> Result<Option<Chunk>, Error> {
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

    /// The start of the last complete header line in `carry` (not at 0), if any, among the
    /// last chunk size of it: the latest place where a record certainly begins.
    fn cut_point(&self) -> Option<usize> {
        let floor = self.carry.len().saturating_sub(self.block);
        last_cut(self.config, &self.follows, &self.carry, floor)
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

/// The start of the first line at or after `from` that is whole in `data`, starts a record, is
/// shorter than the line limit and splits no event (`ends_at_record`: `data` ends where a
/// record starts; see [`Follows::cut_is_safe`]); `from` must be at a line start.
pub(super) fn next_cut(
    config: &Config,
    follows: &Follows,
    data: &[u8],
    mut from: usize,
    ends_at_record: bool,
) -> Option<usize> {
    while let Some(nl) = memchr::memchr(b'\n', &data[from..]) {
        let line = &data[from..from + nl];
        if line.len() < config.max_line
            && starts_record(config, line)
            && follows.cut_is_safe(data, from, ends_at_record)
        {
            return Some(from);
        }
        from += nl + 1;
    }
    None
}

/// The start of the last whole line of `data` that ends past `floor`, starts a record, is
/// shorter than the line limit and splits no event, unless that line is `data`'s first: walks
/// back line by line from the last `\n`.
fn last_cut(config: &Config, follows: &Follows, data: &[u8], floor: usize) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', data)?;
    while end > floor {
        let start = line_start(data, end);
        if start == 0 {
            return None;
        }
        let line = &data[start..end];
        if line.len() < config.max_line
            && starts_record(config, line)
            && follows.cut_is_safe(data, start, false)
        {
            return Some(start);
        }
        end = start - 1;
    }
    None
}

/// For a backlog of live input (see [`decide_span`]): the stretch `start..end` of `data` that
/// runs from the first to the last record-starting line, not counting a line the previous
/// buffer left unfinished; `None` when it is shorter than an eighth of a chunk, not worth the
/// threads.
pub(crate) fn backlog_span(
    config: &Config,
    follows: &Follows,
    data: &[u8],
) -> Option<(usize, usize)> {
    let first_line_end = memchr::memchr(b'\n', data)?;
    let start = next_cut(config, follows, data, first_line_end + 1, false)?;
    let end = last_cut(config, follows, data, start)?;
    (end - start >= (config.chunk_size / 8).max(1)).then_some((start, end))
}
