//! Bytes → lines, whatever size the pieces of input arrive in.
//!
//! Line terminators are part of the line they end. Complete lines are handed out straight from
//! the input buffer; only a line cut by the end of a buffer is copied, into a carry-over that
//! never grows past the line limit. A line longer than the limit is handed out in pieces
//! ([`Piece::LongStart`], then [`Piece::LongMore`]) so memory stays bounded for a 100 MB line.
//!
//! Whether a line counts as long depends only on its length, never on how the input was cut,
//! so the output is the same for every buffer size.

use crate::error::Error;

/// Where the line that begins at `at` ends: past its `\n`, or at the end of `text`.
#[inline]
pub fn line_end(text: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i + 1)
}

/// Where the line that `text[..end]` ends in begins: just past the last `\n` before `end`, or
/// at 0.
#[inline]
pub fn line_start(text: &[u8], end: usize) -> usize {
    memchr::memrchr(b'\n', &text[..end]).map_or(0, |i| i + 1)
}

/// A piece of input, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A whole line, terminator included (the input's last line may lack one).
    Line(&'a [u8]),
    /// The first bytes of a line longer than the limit.
    LongStart(&'a [u8]),
    /// The bytes that follow, up to and including the terminator.
    LongMore(&'a [u8]),
}

/// Splits a stream of buffers into lines.
pub struct LineSplitter {
    carry: Vec<u8>,
    max_line: usize,
    /// Inside a long line: everything up to the next `\n` is [`Piece::LongMore`].
    long: bool,
}

impl LineSplitter {
    /// `max_line`: the longest line (terminator included) handed out whole.
    pub fn new(max_line: usize) -> Self {
        LineSplitter {
            carry: Vec::new(),
            max_line: max_line.max(1),
            long: false,
        }
    }

    /// The longest line handed out whole.
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// Whether the next byte fed starts a line (nothing of a line is carried over).
    pub fn at_line_start(&self) -> bool {
        self.carry.is_empty() && !self.long
    }

    /// Splits `data`, continuing the line the previous buffer ended in.
    pub fn feed<F>(&mut self, mut data: &[u8], sink: &mut F) -> Result<(), Error>
    where
        F: FnMut(Piece<'_>) -> Result<(), Error>,
    {
        while !data.is_empty() {
            let newline = memchr::memchr(b'\n', data);
            if self.long {
                let end = newline.map_or(data.len(), |i| i + 1);
                sink(Piece::LongMore(&data[..end]))?;
                self.long = newline.is_none();
                data = &data[end..];
                continue;
            }
            match newline {
                Some(i) => {
                    let line = &data[..=i];
                    if self.carry.len() + line.len() > self.max_line {
                        let rest = self.start_long(line, sink)?;
                        sink(Piece::LongMore(rest))?;
                        self.long = false;
                    } else if self.carry.is_empty() {
                        sink(Piece::Line(line))?;
                    } else {
                        self.carry.extend_from_slice(line);
                        let r = sink(Piece::Line(&self.carry));
                        self.carry.clear();
                        r?;
                    }
                    data = &data[i + 1..];
                }
                None => {
                    if self.carry.len() + data.len() > self.max_line {
                        let rest = self.start_long(data, sink)?;
                        if !rest.is_empty() {
                            sink(Piece::LongMore(rest))?;
                        }
                    } else {
                        self.carry.extend_from_slice(data);
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Begins a long line: its head is always exactly its first `max_line` bytes, so the line
    /// is classified the same however the input was cut. Returns the rest of `data`.
    fn start_long<'d, F>(&mut self, data: &'d [u8], sink: &mut F) -> Result<&'d [u8], Error>
    where
        F: FnMut(Piece<'_>) -> Result<(), Error>,
    {
        let need = self.max_line - self.carry.len();
        self.carry.extend_from_slice(&data[..need]);
        self.long = true;
        let r = sink(Piece::LongStart(&self.carry));
        self.carry.clear();
        self.carry.shrink_to(self.max_line.min(1 << 16));
        r.map(|()| &data[need..])
    }

    /// End of input: a last line without terminator, if any.
    pub fn finish<F>(&mut self, sink: &mut F) -> Result<(), Error>
    where
        F: FnMut(Piece<'_>) -> Result<(), Error>,
    {
        self.long = false;
        if self.carry.is_empty() {
            return Ok(());
        }
        let r = sink(Piece::Line(&self.carry));
        self.carry.clear();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `input` fed in pieces of `size` bytes; returns the pieces as (kind, bytes).
    fn split(input: &[u8], size: usize, max_line: usize) -> Vec<(char, Vec<u8>)> {
        let mut out = Vec::new();
        let mut sink = |p: Piece<'_>| {
            let (k, b) = match p {
                Piece::Line(b) => ('L', b),
                Piece::LongStart(b) => ('S', b),
                Piece::LongMore(b) => ('M', b),
            };
            out.push((k, b.to_vec()));
            Ok(())
        };
        let mut s = LineSplitter::new(max_line);
        for chunk in input.chunks(size) {
            s.feed(chunk, &mut sink).unwrap();
        }
        s.finish(&mut sink).unwrap();
        out
    }

    #[test]
    fn lines_keep_their_terminators_and_the_last_line_may_lack_one() {
        for size in [1, 2, 3, 7, 100] {
            assert_eq!(
                split(b"a\r\nbb\n\nc", size, 100),
                vec![
                    ('L', b"a\r\n".to_vec()),
                    ('L', b"bb\n".to_vec()),
                    ('L', b"\n".to_vec()),
                    ('L', b"c".to_vec())
                ],
                "buffer size {size}"
            );
        }
    }

    #[test]
    fn a_line_over_the_limit_is_long_whatever_the_buffer_size() {
        for size in [1, 2, 5, 9, 64] {
            let pieces = split(b"short\n0123456789\nok\n", size, 8);
            let kinds: String = pieces.iter().map(|(k, _)| *k).collect();
            assert!(kinds.starts_with("LS"), "{kinds} at {size}");
            assert_eq!(
                pieces[1].1, b"01234567",
                "the head is the first 8 bytes at {size}"
            );
            assert!(kinds.ends_with("L"), "{kinds} at {size}");
            assert!(
                !kinds[2..kinds.len() - 1].contains('L'),
                "{kinds} at {size}"
            );
            let joined: Vec<u8> = pieces.iter().flat_map(|(_, b)| b.clone()).collect();
            assert_eq!(joined, b"short\n0123456789\nok\n");
        }
    }

    #[test]
    fn a_line_exactly_at_the_limit_is_whole() {
        for size in [1, 4, 64] {
            assert_eq!(
                split(b"1234567\nx", size, 8),
                vec![('L', b"1234567\n".to_vec()), ('L', b"x".to_vec())]
            );
        }
    }
}
