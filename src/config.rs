//! What one filtering run is told: its inputs, the record stage's limits, the ledger's windows,
//! and how it reads. The command line builds one; so may a library caller.

use std::time::Duration;

use regex::bytes::Regex;

use crate::input::Source;
use crate::ledger::TimeWindows;
use crate::record::Grammar;
use crate::rules::RuleSet;
use crate::squash::{Assembler, Limits};

/// Bytes per chunk when several threads share a file: large enough that a thread's work
/// outweighs handing it over, small enough that every thread gets some of a small file.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// A validated configuration for one filtering run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inputs, read in order as one stream.
    pub inputs: Vec<Source>,
    /// How large a record may be and still be squashed.
    pub limits: Limits,
    /// The ledger's time windows and bounds.
    pub windows: TimeWindows,
    /// `--explain`: write a decision per candidate record instead of the log.
    pub explain: bool,
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
    /// Bytes per chunk when several threads share the work (see [`crate::parallel`]).
    pub chunk_size: usize,
    /// From a live input: write pending counts on this wall-clock schedule as well.
    pub flush_every: Option<Duration>,
    /// From a live input: end cleanly on SIGTERM/SIGINT and reopen the output on SIGHUP (the
    /// binary sets this; a library caller that handles signals itself leaves it off).
    pub handle_signals: bool,
    /// From a live input: a failed write holds, drops and counts what it must, and is retried,
    /// instead of ending the run, so that the server in front never loses its log's reader
    /// (see [`crate::output`]). The binary sets this for plain output; gzip keeps the strict way.
    pub keep_going: bool,
    /// `--in-place` replaces a file that has other hard links (they keep the original).
    pub break_hard_links: bool,
    /// `--metrics`: where the run's counts are added, as Prometheus counters.
    pub metrics: Option<crate::metrics::Target>,
    /// `--prefix`: whether lines carry a shipper's prefix (compose, kubectl, journald, CRI…),
    /// told from the input's first lines unless said.
    pub prefix: crate::shipped::Choice,
    /// `--json`: whether lines are a structured log's JSON records, and which writer's, told
    /// from the first lines unless said.
    pub json: crate::shipped::Structured,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            inputs: vec![Source::Stdin],
            prefix: crate::shipped::Choice::Auto,
            json: crate::shipped::Structured::Auto,
            limits: Limits::default(),
            windows: TimeWindows::default(),
            explain: false,
            record_start: None,
            read_size: 256 * 1024,
            max_line: 1 << 20,
            idle: Duration::from_millis(10),
            idle_in_trace: Duration::from_millis(500),
            threads: 1,
            chunk_size: DEFAULT_CHUNK,
            flush_every: None,
            handle_signals: false,
            keep_going: false,
            break_hard_links: false,
            metrics: None,
        }
    }
}

impl Config {
    /// A record stage over `rules`, set up as this configuration says.
    pub fn assembler<'r>(&self, rules: &'r RuleSet) -> Assembler<'r> {
        self.assemblers(rules)()
    }

    /// What makes such a stage, again and again (one per stream of a shipped log), without
    /// this configuration at hand.
    pub fn assemblers<'r>(&self, rules: &'r RuleSet) -> impl Fn() -> Assembler<'r> + 'r {
        let (limits, record_start, explain) =
            (self.limits, self.record_start.clone(), self.explain);
        move || {
            Assembler::new(rules, limits, Grammar::new(record_start.clone())).explaining(explain)
        }
    }
}
