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
use crate::sink::Stats;
use crate::squash::Assembler;

/// The record stage on one thread: lines → records → ledger.
pub struct Sequential<'r, W: Write> {
    pub(crate) assembler: Assembler<'r>,
    pub(crate) ledger: Ledger<'r, W>,
    lines: LineSplitter,
    /// Counts of records decided on other threads (a live input's backlog).
    pub(crate) decided_elsewhere: Stats,
}

impl<'r, W: Write> Sequential<'r, W> {
    /// A stage over `rules`, set up as `config` says, writing to `out`.
    pub fn new(config: &Config, rules: &'r RuleSet, out: Output<W>) -> Self {
        Sequential {
            assembler: config.assembler(rules),
            ledger: Ledger::new(rules, &config.windows, config.explain, out),
            lines: LineSplitter::new(config.max_line),
            decided_elsewhere: Stats::default(),
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
        prefilter::feed(&mut self.assembler, &mut self.lines, data, &mut self.ledger)
    }

    /// The counts so far, of the records decided (for `--metrics` while a pipe is read).
    pub fn counts_now(&self) -> Stats {
        let mut stats = self.assembler.stats();
        stats.add(&self.decided_elsewhere);
        self.ledger.counted(stats)
    }

    /// The input has ended: decides the last record, writes every pending summary, and hands
    /// back the counts and the output.
    pub fn finish(mut self) -> Result<(Stats, W), Error> {
        let (assembler, ledger) = (&mut self.assembler, &mut self.ledger);
        self.lines.finish(&mut |p| assembler.piece(p, ledger))?;
        self.assembler.finish(&mut self.ledger)?;
        let mut stats = self.assembler.stats();
        stats.add(&self.decided_elsewhere);
        self.ledger.finish(stats)
    }
}
