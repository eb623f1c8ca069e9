//! Buffer → records, literal first: a record in which no rule's literal occurs is kept where it
//! lies, and only the records that hold one are assembled and asked about.
//!
//! Almost all of a log is not client aborts, and a record without any rule's literal is kept
//! whatever the rules say (every rule needs one of its literals). So one Aho-Corasick search
//! (the rules' own prefilter) finds the next literal in the buffer, and `skim`
//! takes the buffer's whole lines: it runs the record grammar on every line, so records, counts
//! and the log's clock come out exactly as line by line, but it copies, searches and decides only
//! the records a literal lies in. The search goes on from the first record that begins past the
//! literal, so each byte is searched once. What the skim leaves (a line over the line limit, the
//! start of a record over a size limit, the buffer's last record, which may go on in the next
//! buffer) goes through [`Assembler::line`] as always, and the skim goes on after it.
//!
//! `report` does not come through here: it reads every record's reason for being kept.

use crate::error::Error;
use crate::linebuf::{LineSplitter, line_end};
use crate::sink::Sink;
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
        pos = line_end(chunk, 0);
        lines.feed(&chunk[..pos], &mut |p| assembler.piece(p, sink))?;
    }
    // Whole lines are passed. A line the skim leaves goes the usual way, and the skim goes on
    // after it; a last line cut by the end of the buffer goes the usual way too.
    let whole = memchr::memrchr(b'\n', &chunk[pos..]).map_or(pos, |i| pos + i + 1);
    let text = &chunk[..whole];
    let mut literal = assembler.rules().next_literal(text, pos);
    loop {
        let stop = skim(assembler, text, pos, &mut literal, lines.max_line(), sink)?;
        if stop == whole {
            break;
        }
        pos = line_end(text, stop);
        lines.feed(&text[stop..pos], &mut |p| assembler.piece(p, sink))?;
    }
    lines.feed(&chunk[whole..], &mut |p| assembler.piece(p, sink))
}

/// The whole lines of `lines` from `from` on, literal first: a record in which no rule's
/// literal occurs is kept without being copied, searched or asked about; a record that holds
/// one is assembled and decided as [`Assembler::line`] would. `literal` is where the next
/// literal starts (`None`: none at or after the last search), carried from call to call so
/// that each byte is searched once.
///
/// Returns how far it went: the end of `lines`, or the start of a line it leaves to
/// [`Assembler::line`]: a line over `max_line`, the first line of a record over a size limit,
/// or that of the last record in `lines` (it may go on past them). Up to there, the sink is
/// told exactly what [`Assembler::line`] would have told it, and the counts are the same.
///
/// Why this is exact: the grammar runs on every line as usual, so records begin and end where
/// they would. A record with no literal is kept whatever the rules say, so only its bytes and
/// its header's clock reach the sink, in the same order. Where a record begins, the grammar's
/// state depends on that line alone, so handing a record back from its start, to go on line by
/// line with a reset grammar, changes nothing.
fn skim<S: Sink>(
    assembler: &mut Assembler<'_>,
    lines: &[u8],
    from: usize,
    literal: &mut Option<usize>,
    max_line: usize,
    sink: &mut S,
) -> Result<usize, Error> {
    let limits = assembler.limits();
    // The record being assembled the usual way (it holds a literal, or was begun before).
    let mut held = assembler.holds_record();
    // The record going by unheld: its clock is told to the sink only once it is known not to
    // be handed back.
    let mut unheld: Option<Unheld> = None;
    // Bytes before this are told to the sink, or held.
    let mut kept_to = from;
    let mut start = from;
    while start < lines.len() {
        let end = line_end(lines, start);
        if end - start > max_line {
            break;
        }
        let line = &lines[start..end];
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let step = assembler.next_line(body);
        if step.starts_record {
            if held {
                assembler.begin_record(step.previous, sink)?;
                held = false;
            } else if let Some(rec) = unheld.take() {
                // Whole, and without a literal: kept.
                rec.keep_up_to(lines, &mut kept_to, sink)?;
                assembler.count_unheld(step.previous, &lines[rec.start..rec.first_line_end]);
            }
            if literal.is_some_and(|at| at < start) {
                *literal = assembler.rules().next_literal(lines, start);
            }
            unheld = Some(Unheld {
                start,
                lines: 0,
                line_no: assembler.lines_seen(),
                first_line_end: end,
                clock: step
                    .header
                    .and_then(|h| Some((h.seconds?, h.timestamp_len))),
            });
        }
        if held {
            assembler.hold(line, sink)?;
            kept_to = end;
        } else if let Some(rec) = &mut unheld {
            rec.lines += 1;
            if literal.is_some_and(|at| at < end) || assembler.listening() {
                // A literal in this record, or an event it may belong to (`rules/event.rs`):
                // from here on it is assembled the usual way.
                let rec = unheld.take().expect("unheld above");
                rec.keep_up_to(lines, &mut kept_to, sink)?;
                assembler.adopt(&lines[rec.start..start], rec.lines - 1, rec.line_no);
                assembler.hold(line, sink)?;
                kept_to = end;
                held = true;
            } else if rec.lines > limits.max_record_lines
                || end - rec.start > limits.max_record_bytes
            {
                break;
            }
        }
        start = end;
    }
    // The record still unheld may go on, or breaks a limit: hand it back, uncounted.
    let stop = match unheld {
        Some(rec) => {
            assembler.rewind(rec.line_no);
            rec.start
        }
        None => start,
    };
    if kept_to < stop {
        sink.keep(&lines[kept_to..stop])?;
    }
    Ok(stop)
}

/// A record going by unheld in [`skim`], as offsets into its lines.
struct Unheld {
    start: usize,
    lines: usize,
    /// The number of its first line.
    line_no: u64,
    first_line_end: usize,
    /// Its header's time (seconds) and timestamp length, if it has one.
    clock: Option<(i64, usize)>,
}

impl Unheld {
    /// Tells `sink` the kept bytes from `kept_to` up to this record, then the clock its header
    /// sets.
    fn keep_up_to<S: Sink>(
        &self,
        lines: &[u8],
        kept_to: &mut usize,
        sink: &mut S,
    ) -> Result<(), Error> {
        if *kept_to < self.start {
            sink.keep(&lines[*kept_to..self.start])?;
            *kept_to = self.start;
        }
        if let Some((seconds, len)) = self.clock {
            sink.clock(seconds, &lines[self.start..self.start + len])?;
        }
        Ok(())
    }
}
