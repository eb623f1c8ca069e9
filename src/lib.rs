//! resetsquash: collapse client-abort noise in server logs into counted one-line summaries.
//!
//! The pipeline, one stage per module, in the order the bytes go through them:
//!
//! ```text
//! input       open a path or stdin; gzip by magic bytes
//! linebuf     bytes → lines (terminators kept; over-long lines in bounded pieces)
//! shipped     a shipper's line prefix (compose, kubectl, journald, CRI…): each stream alone
//! structured  JSON-lines records (ECS, logstash, GELF, pino, zap…) read as plain-text records
//! header      is this line a record header? its timestamp, in the log's format and in seconds
//! record      lines → records (the grammar), and a record's headline and exception chain
//! rules       YAML rules → literal prefilter + regexes; the decision for one record
//! prefilter   each buffer, literal first: records with no rule's literal are kept unheld
//! squash      the assembler: hold each record, decide it, tell a sink (keep, or squash)
//! sink        the decisions' vocabulary (keep, squash, clock, note) and the run's counts
//! fields      what a squashed record says: where (endpoint, client, frame, thread), what kind
//! explain     `--explain`'s words: why each candidate record was kept or squashed, and where
//! ledger      the sink that writes: kept bytes through, squashed records counted per window
//! summary     the summary line: written when a window closes, parsed back by readers
//! output      buffered writer; from a live input, holds and counts what a failing disk refuses
//! metrics     the run's counts as Prometheus counters, added to a `--metrics` file
//! ```
//!
//! And what drives it, with the rest of the crate:
//!
//! ```text
//! config      what one run is told: inputs, limits, windows, how to read
//! driver      [`run`]: every input in order, like `cat`, into one output
//! sequential  the record stage on one thread
//! pipe        a live input: quiet time, wall-clock flushes, signals, backlogs
//! parallel    files on several threads: cut into chunks, decided, replayed in order
//! rotate      a rotated log squashed in place (`--in-place`)
//! report      the same stages with a sink that counts instead of writing
//! error       errors for users: what failed, where, and what to do
//! exit        the exit codes, one per kind of error
//! words       `1 record`, `2 records`
//! ```
//!
//! Imports run one way, from the drivers down to the vocabulary:
//! `driver → pipe → sequential → prefilter → squash → sink ← ledger → summary, output`, with
//! `parallel` beside `sequential` (its recorder is a second sink, replayed into the ledger) and
//! `report` beside both (its tally is a third). `squash` reads `record`, `rules`, `fields` and
//! `explain`; nothing below a stage reads the stage. A test walks the imports and fails on a
//! cycle (`tests/architecture.rs`).
//!
//! What always holds: every line that is not squashed comes out exactly as it came in, in order;
//! every squashed record is counted in exactly one summary line; a record that does not hold
//! together, or breaks a size limit, is never squashed.

pub mod config;
pub mod driver;
pub mod error;
pub mod exit;
pub mod explain;
pub mod fields;
pub mod header;
pub mod input;
pub mod ledger;
pub mod linebuf;
pub mod metrics;
pub mod output;
pub mod parallel;
pub mod pipe;
pub mod prefilter;
pub mod record;
pub mod report;
pub mod rotate;
pub mod rules;
pub mod sequential;
pub mod shipped;
pub mod sink;
pub mod squash;
pub mod structured;
pub mod summary;
pub mod words;

pub use config::Config;
pub use driver::run;
pub use error::Error;
