//! The lines a stream's assembler was given and has not decided yet: how many bytes of text
//! each one gave it, so that a decision about the next `n` bytes is known to be about which
//! lines ([`super::demux`] marks them in its queue; [`super::fanout`] counts them as they came).

use std::collections::VecDeque;

/// A stream's undecided lines, first to last, each with the caller's `T` (its place, its size).
#[derive(Debug, Default)]
pub struct Undecided<T> {
    lines: VecDeque<(usize, T)>,
    /// Bytes of the first line already decided.
    covered: usize,
}

impl<T: Copy> Undecided<T> {
    /// A line whose text of `len` bytes went to the assembler.
    pub fn push(&mut self, len: usize, tag: T) {
        self.lines.push_back((len, tag));
    }

    /// The first line not decided yet, if any.
    pub fn first(&self) -> Option<&T> {
        self.lines.front().map(|(_, tag)| tag)
    }

    /// The next `n` bytes of text are decided: `each` hears every line they reach, and whether
    /// they finish it (a line whose text was empty is finished by the next decision).
    pub fn decide(&mut self, mut n: usize, mut each: impl FnMut(T, bool)) {
        while n > 0 {
            let Some(&(len, tag)) = self.lines.front() else {
                debug_assert!(false, "decided more bytes than were given");
                return;
            };
            let left = len - self.covered;
            let step = left.min(n);
            n -= step;
            self.covered += step;
            let whole = step == left;
            if whole {
                self.lines.pop_front();
                self.covered = 0;
            }
            each(tag, whole);
        }
    }
}
