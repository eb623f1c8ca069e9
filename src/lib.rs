//! resetsquash: collapse client-abort noise in server logs into counted one-line summaries.
//!
//! The pipeline, one stage per module:
//!
//! ```text
//! input     open a path or stdin; gzip by magic bytes
//! linebuf   bytes → lines (terminators kept; over-long lines in bounded pieces)
//! header    is this line a record header? its timestamp, in the log's format and in seconds
//! record    lines → records (header + continuation: stack traces, tracebacks)
//! rules     YAML rules → literal prefilter + regexes; decide each record
//! scan      each buffer, literal first: records with no rule's literal are kept undecided
//! squash    decide each record: keep it byte for byte, or squash it into a group
//! fields    what a squashed record says: where (endpoint, client, frame, thread), what kind
//! ledger    count squashed records per group and time window; write kept bytes and summaries
//! summary   the summary line: written when a window closes, parsed back by readers
//! output    buffered writer, flushed once per input batch
//! ```
//!
//! `report` runs the same stages with a sink that counts instead of writing (see [`report`]).
//!
//! [`run`] drives it: every input in order, like `cat`, into one output. The ways of running it
//! live beside: [`pipe`] (a live input: quiet time, wall-clock flushes, signals), [`parallel`]
//! (files on several threads) and [`rotate`] (a rotated log squashed in place).
//!
//! What always holds: every line that is not squashed comes out exactly as it came in, in order;
//! every squashed record is counted in exactly one summary line; a record that does not hold
//! together, or breaks a size limit, is never squashed.

pub mod error;
pub mod exit;
pub mod fields;
pub mod header;
pub mod input;
pub mod ledger;
pub mod linebuf;
pub mod output;
pub mod parallel;
pub mod pipe;
pub mod record;
pub mod report;
pub mod rotate;
pub mod rules;
pub mod scan;
pub mod squash;
pub mod summary;
pub mod words;

use std::io::Write;
use std::time::Duration;

use regex::bytes::Regex;

pub use error::Error;
use input::Source;
use ledger::{Ledger, Sink};
use linebuf::{LineSplitter, Piece};
use output::{Destination, Output};
use record::Grammar;
use rules::RuleSet;
use squash::{Assembler, Options, Stats};

/// A validated configuration for one filtering run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inputs, read in order as one stream.
    pub inputs: Vec<Source>,
    pub squash: Options,
    /// `--record-start`: a line starts a record exactly when it matches.
    pub record_start: Option<Regex>,
    /// Bytes asked for per read.
    pub read_size: usize,
    /// The longest line handed to the record grammar whole; longer lines stream through.
    pub max_line: usize,
    /// How long a live input may be quiet before a held record is decided without its end.
    pub idle: Duration,
    /// The same for a record inside a stack trace: `printStackTrace()` writes a line at a time
    /// and a busy JVM pauses between lines, so a trace is given longer to finish.
    pub idle_in_trace: Duration,
    /// Threads for files; from a pipe or terminal, only for a backlog the reader finds queued
    /// (a quiet input's lines are decided on the reading thread, at once).
    pub threads: usize,
    /// Bytes per chunk when several threads share the work (see [`parallel`]).
    pub chunk_size: usize,
    /// From a live input: write pending counts on this wall-clock schedule as well.
    pub flush_every: Option<Duration>,
    /// From a live input: end cleanly on SIGTERM/SIGINT and reopen the output on SIGHUP (the
    /// binary sets this; a library caller that handles signals itself leaves it off).
    pub handle_signals: bool,
    /// From a live input: a failed write holds, drops and counts what it must, and is retried,
    /// instead of ending the run, so that the server in front never loses its log's reader
    /// (see [`output`]). The binary sets this for plain output; gzip keeps the strict way.
    pub keep_going: bool,
    /// `--in-place` replaces a file that has other hard links (they keep the original).
    pub break_hard_links: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inputs: vec![Source::Stdin],
            squash: Options::default(),
            record_start: None,
            read_size: 256 * 1024,
            max_line: 1 << 20,
            idle: Duration::from_millis(10),
            idle_in_trace: Duration::from_millis(500),
            threads: 1,
            chunk_size: parallel::BLOCK,
            flush_every: None,
            handle_signals: false,
            keep_going: false,
            break_hard_links: false,
        }
    }
}

/// Filters every input of `config` into `out`, named `out_name` in errors.
///
/// With more than one thread and no live input, the work is spread over threads by
/// [`parallel::run`]; the output is the same byte for byte.
///
/// A damaged gzip input ends where the damage is; the run goes on, and fails at its end with
/// [`Error::Damaged`], after `out` was given and flushed everything read (so a caller writing
/// to a temporary file must not keep it).
pub fn run<W: Write + Destination>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    if config.threads > 1 && !config.squash.explain && !config.inputs.iter().any(input::is_live) {
        return parallel::run(config, rules, out, out_name);
    }
    let live = config.inputs.iter().any(input::is_live);
    let out = Output::new(out, out_name).keep_going(live && config.keep_going);
    let mut stage = Stage {
        assembler: assembler(config, rules),
        ledger: Ledger::new(rules, &config.squash, out),
        lines: LineSplitter::new(config.max_line),
        decided_elsewhere: Stats::default(),
    };
    // Caught before the first input is opened: opening reads its first bytes, and a SIGHUP
    // or SIGTERM while a server has written nothing yet must not end the run by default.
    let signals = if live && config.handle_signals {
        Some(pipe::Signals::catch()?)
    } else {
        None
    };
    let name_inputs = config.squash.explain && config.inputs.len() > 1;
    let mut damaged = Vec::new();
    for source in &config.inputs {
        let mut opened = input::open(source, config.read_size)?;
        let damage = opened.damage.clone();
        if name_inputs {
            stage.begin_input(source);
        }
        if opened.live {
            let signals = signals.as_ref();
            if let pipe::Ended::Signal(sig) =
                pipe::read_live(opened, config, rules, &mut stage, signals)?
            {
                let (mut stats, out) = stage.finish()?;
                stats.signal = Some(sig);
                damaged.extend(damage.get().cloned());
                return end_of_run(stats, out, out_name, damaged);
            }
        } else {
            let mut buf = vec![0; config.read_size.max(1)];
            loop {
                let n = opened.read_some(&mut buf)?;
                if n == 0 {
                    break;
                }
                stage.feed(&buf[..n])?;
                stage.ledger.flush()?;
            }
        }
        damaged.extend(damage.get().cloned());
    }
    let (stats, out) = stage.finish()?;
    end_of_run(stats, out, out_name, damaged)
}

/// How a run that read every input ends: with its counts, or, when gzip inputs were damaged,
/// with an error naming them, after everything read before the damage is written and flushed.
/// The run goes on past a damaged input to the next, as `zcat` does, so that the output is
/// what filtering `zcat`'s output gives.
pub(crate) fn end_of_run<W: Write>(
    stats: Stats,
    mut out: W,
    out_name: &str,
    damaged: Vec<error::Damage>,
) -> Result<(Stats, W), Error> {
    if damaged.is_empty() {
        return Ok((stats, out));
    }
    out.flush().map_err(|source| Error::Output {
        what: out_name.to_string(),
        source,
    })?;
    Err(Error::Damaged(damaged))
}

/// A record stage set up as `config` says.
pub(crate) fn assembler<'r>(config: &Config, rules: &'r RuleSet) -> Assembler<'r> {
    Assembler::new(
        rules,
        config.squash.clone(),
        Grammar::new(config.record_start.clone()),
    )
}

/// The sequential pipeline: lines → records → ledger.
pub(crate) struct Stage<'r, W: Write> {
    pub(crate) assembler: Assembler<'r>,
    pub(crate) ledger: Ledger<'r, W>,
    lines: LineSplitter,
    /// Counts of records decided on other threads (a live input's backlog).
    decided_elsewhere: Stats,
}

impl<W: Write> Stage<'_, W> {
    /// `--explain` over several inputs: the next bytes are `source`'s.
    fn begin_input(&mut self, source: &Source) {
        let before = self.assembler.lines_seen();
        // A line the previous input left unended goes on here, but began there.
        let unended = u64::from(!self.lines.at_line_start());
        let name = source.name().display().to_string();
        self.ledger.begin_input(before, before + 1 + unended, name);
    }

    pub(crate) fn feed(&mut self, data: &[u8]) -> Result<(), Error> {
        scan::feed(&mut self.assembler, &mut self.lines, data, &mut self.ledger)
    }

    /// A backlog of live input (more than the reader could hand over at once): the records
    /// between its first and last record-starting lines are decided on `workers`, as a
    /// file's chunks are; the bytes before and after go through this stage as usual.
    pub(crate) fn feed_backlog(
        &mut self,
        data: &[u8],
        config: &Config,
        rules: &RuleSet,
        workers: &parallel::Workers,
    ) -> Result<(), Error> {
        let Some((start, end)) = parallel::backlog_span(config, data) else {
            return self.feed(data);
        };
        self.feed(&data[..start])?;
        self.assembler.end_record(&mut self.ledger)?;
        parallel::decide_span(
            workers,
            config,
            rules,
            &data[start..end],
            &mut self.ledger,
            &mut self.decided_elsewhere,
        )?;
        self.feed(&data[end..])
    }

    fn finish(mut self) -> Result<(Stats, W), Error> {
        let (assembler, ledger) = (&mut self.assembler, &mut self.ledger);
        self.lines
            .finish(&mut |p| feed_piece(assembler, ledger, p))?;
        self.assembler.finish(&mut self.ledger)?;
        let mut stats = self.assembler.stats();
        parallel::add(&mut stats, &self.decided_elsewhere);
        self.ledger.finish(stats)
    }
}

/// Hands one piece of input to the assembler.
pub(crate) fn feed_piece<S: Sink>(
    assembler: &mut Assembler<'_>,
    sink: &mut S,
    piece: Piece<'_>,
) -> Result<(), Error> {
    match piece {
        Piece::Line(l) => assembler.line(l, sink),
        Piece::LongStart(h) => assembler.long_line_start(h, sink),
        Piece::LongMore(m) => assembler.long_line_more(m, sink),
    }
}
