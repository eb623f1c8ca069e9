//! Chunk → lines, literal first: the stretches of a chunk in which no rule's literal occurs are
//! passed in large pieces; only the records around a literal go line by line through the rules.
//!
//! Almost all of a log is not client aborts, and a record without any rule's literal is kept
//! whatever the rules say. So one Aho-Corasick search over the whole chunk (the rules' own
//! prefilter) finds the next literal; every record that ends before the line holding it is
//! passed by [`Assembler::pass`], which still runs the record grammar on each line (records,
//! counts and the log's clock come out exactly as line by line) but copies, searches and
//! decides nothing. The line with the literal and the record around it go through
//! [`Assembler::line`] as always, and the search goes on after that line.

use crate::error::Error;
use crate::feed_piece;
use crate::ledger::Sink;
use crate::linebuf::LineSplitter;
use crate::squash::Assembler;

/// Feeds `chunk` to `assembler` through `lines`: the same decisions, output and counts as
/// [`LineSplitter::feed`] handing every line of it to [`Assembler::line`], for buffers cut
/// anywhere.
pub fn feed<S: Sink>(
    assembler: &mut Assembler<'_>,
    lines: &mut LineSplitter,
    chunk: &[u8],
    sink: &mut S,
) -> Result<(), Error> {
    let mut pos = 0;
    if !lines.at_line_start() {
        // The line the previous buffer ended in goes on here: finish it the usual way.
        pos = memchr::memchr(b'\n', chunk).map_or(chunk.len(), |i| i + 1);
        lines.feed(&chunk[..pos], &mut |p| feed_piece(assembler, sink, p))?;
    }
    // Whole lines are passed. A line the pass leaves goes the usual way, and the pass goes on
    // after it; so does a last line cut by the end of the buffer.
    let whole = memchr::memrchr(b'\n', &chunk[pos..]).map_or(pos, |i| pos + i + 1);
    let text = &chunk[..whole];
    let mut literal = assembler.rules().next_literal(text, pos);
    loop {
        let stop = assembler.pass(text, pos, &mut literal, lines.max_line(), sink)?;
        if stop == whole {
            break;
        }
        pos = memchr::memchr(b'\n', &text[stop..]).map_or(whole, |i| stop + i + 1);
        lines.feed(&text[stop..pos], &mut |p| feed_piece(assembler, sink, p))?;
    }
    lines.feed(&chunk[whole..], &mut |p| feed_piece(assembler, sink, p))
}
