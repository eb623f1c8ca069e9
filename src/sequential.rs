//! The record stage on one thread, in input order: bytes → lines → records → decisions →
//! ledger. The driver feeds it a file's reads; [`crate::pipe`] feeds it a live input's, with
//! the quiet-time and flush decisions only a live input needs.

use std::io::Write;

use crate::config::Config;
use crate::error::Error;
use crate::input::Source;
use crate::ledger::Ledger;
use crate::linebuf::LineSplitter;
use crate::output::Output;
use crate::prefilter;
use crate::rules::RuleSet;
use crate::shipped::demux::Demux;
use crate::shipped::{self, Choice, Structured};
use crate::sink::Stats;
use crate::squash::Assembler;

/// The record stage on one thread: lines → records → ledger.
pub struct Sequential<'r, W: Write> {
    pub(crate) assembler: Assembler<'r>,
    pub(crate) ledger: Ledger<'r, W>,
    lines: LineSplitter,
    /// Counts of records decided on other threads (a live input's backlog).
    pub(crate) decided_elsewhere: Stats,
    /// Whether the lines carry a shipper's prefix: not known until the first lines are in.
    shape: Shaping<'r>,
    choice: Choice,
    json: Structured,
    /// Makes the assembler of each stream of a shipped log (taken when the shape is decided).
    make: Option<Box<dyn Fn() -> Assembler<'r> + 'r>>,
}

/// The input's lines, as far as their prefix is known.
enum Shaping<'r> {
    /// The first bytes, held until there are enough lines to tell ([`shipped::enough`]).
    Sniffing(Vec<u8>),
    /// No prefix: the plain record stage, literal first ([`prefilter`]).
    Plain,
    /// A prefixed log: a stage per stream ([`Demux`]).
    Shipped(Box<Demux<'r>>),
}

impl<'r, W: Write> Sequential<'r, W> {
    /// A stage over `rules`, set up as `config` says, writing to `out`.
    pub fn new(config: &Config, rules: &'r RuleSet, out: Output<W>) -> Self {
        Sequential {
            assembler: config.assembler(rules),
            ledger: Ledger::new(rules, &config.windows, config.explain, out),
            lines: LineSplitter::new(config.max_line),
            decided_elsewhere: Stats::default(),
            shape: match (config.prefix, config.json) {
                (Choice::None, Structured::Auto | Structured::None) => Shaping::Plain,
                _ => Shaping::Sniffing(Vec::new()),
            },
            choice: config.prefix,
            json: config.json,
            make: Some(Box::new(config.assemblers(rules))),
        }
    }

    /// The first lines are in (or all there are, `at_end`): the shape is decided, and what
    /// was held goes through the stage it chose.
    fn decide(&mut self, at_end: bool) -> Result<(), Error> {
        if !matches!(self.shape, Shaping::Sniffing(_)) {
            return Ok(());
        }
        let Shaping::Sniffing(head) = std::mem::replace(&mut self.shape, Shaping::Plain) else {
            unreachable!("sniffing, as matched above")
        };
        let shape = self.choice.decide_with(self.json, &head, at_end);
        if !shape.is_plain() {
            let make = self.make.take().expect("the shape is decided once");
            self.shape = Shaping::Shipped(Box::new(Demux::new(shape, make, self.lines.max_line())));
        }
        self.feed(&head)
    }

    /// Whether the plain record stage runs (no prefix, or not known yet): a live input's
    /// backlog may then be decided on other threads.
    pub(crate) fn is_plain(&self) -> bool {
        matches!(self.shape, Shaping::Plain)
    }

    /// The input went quiet: the record held is decided without its end (see
    /// [`Assembler::idle`]). First lines still held decide the shape instead, and go to the
    /// record stage: `false`, to be asked again once the stage knows whether it holds a trace
    /// (which is given longer).
    pub(crate) fn idle(&mut self) -> Result<bool, Error> {
        if matches!(self.shape, Shaping::Sniffing(_)) {
            self.decide(false)?;
            return Ok(false);
        }
        match &mut self.shape {
            Shaping::Shipped(d) => d.idle(&mut self.ledger)?,
            _ => self.assembler.idle(&mut self.ledger)?,
        }
        Ok(true)
    }

    /// Whether a summary written now lands between records.
    pub(crate) fn between_records(&self) -> bool {
        match &self.shape {
            Shaping::Shipped(d) => d.between_records(),
            Shaping::Sniffing(head) => head.is_empty(),
            Shaping::Plain => self.assembler.between_records(),
        }
    }

    /// Whether a stack trace held may still grow (it is given longer to).
    pub(crate) fn holds_trace(&self) -> bool {
        match &self.shape {
            Shaping::Shipped(d) => d.holds_trace(),
            _ => self.assembler.holds_trace(),
        }
    }

    /// `--explain` over several inputs: the next bytes are `source`'s.
    pub fn begin_input(&mut self, source: &Source) {
        let before = self.assembler.lines_seen();
        // A line the previous input left unended goes on here, but began there.
        let unended = u64::from(!self.lines.at_line_start());
        let name = source.name().display().to_string();
        self.ledger.begin_input(before, before + 1 + unended, name);
    }

    /// Bytes of input, cut anywhere.
    pub fn feed(&mut self, data: &[u8]) -> Result<(), Error> {
        match &mut self.shape {
            Shaping::Plain => {
                prefilter::feed(&mut self.assembler, &mut self.lines, data, &mut self.ledger)
            }
            Shaping::Shipped(d) => {
                let ledger = &mut self.ledger;
                self.lines.feed(data, &mut |p| d.piece(p, ledger))
            }
            Shaping::Sniffing(head) => {
                head.extend_from_slice(data);
                if shipped::enough(head) {
                    self.decide(false)?;
                }
                Ok(())
            }
        }
    }

    /// The counts of the record stage (without the ledger's).
    fn stage_stats(&self) -> Stats {
        let mut stats = match &self.shape {
            Shaping::Shipped(d) => d.stats(),
            _ => self.assembler.stats(),
        };
        stats.add(&self.decided_elsewhere);
        stats
    }

    /// The counts so far, of the records decided (for `--metrics` while a pipe is read).
    pub fn counts_now(&self) -> Stats {
        self.ledger.counted(self.stage_stats())
    }

    /// The input has ended: decides the last record, writes every pending summary, and hands
    /// back the counts and the output.
    pub fn finish(mut self) -> Result<(Stats, W), Error> {
        self.decide(true)?;
        let ledger = &mut self.ledger;
        match &mut self.shape {
            Shaping::Shipped(d) => {
                self.lines.finish(&mut |p| d.piece(p, ledger))?;
                d.finish(ledger)?;
            }
            _ => {
                let assembler = &mut self.assembler;
                self.lines.finish(&mut |p| assembler.piece(p, ledger))?;
                self.assembler.finish(&mut self.ledger)?;
            }
        }
        let stats = self.stage_stats();
        self.ledger.finish(stats)
    }
}
