//! Buffer → records, literal first: a record in which no rule's literal occurs is kept where it
//! lies, and only the records that hold one are assembled and asked about.
//!
//! Almost all of a log is not client aborts, and a record without any rule's literal is kept
//! whatever the rules say (every rule needs one of its literals). So one Aho-Corasick search
//! (the rules' own prefilter) finds the next literal in the buffer, and [`Assembler::pass`]
//! takes the buffer's whole lines: it runs the record grammar on every line, so records, counts
//! and the log's clock come out exactly as line by line, but it copies, searches and decides only
//! the records a literal lies in. The search goes on from the first record that begins past the
//! literal, so each byte is searched once. What the pass leaves (a line over the line limit, the
//! start of a record over a size limit, the buffer's last record, which may go on in the next
//! buffer) goes through [`Assembler::line`] as always, and the pass goes on after it.
//!
//! `report` does not come through here: it reads every record's reason for being kept.

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
    // after it; a last line cut by the end of the buffer goes the usual way too.
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
