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
//! prefilter each buffer, literal first: records with no rule's literal are kept undecided
//! squash    decide each record: keep it byte for byte, or squash it into a group
//! sink      the decisions' vocabulary (keep, squash, clock) and their counts
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
pub mod output;
pub mod parallel;
pub mod pipe;
pub mod prefilter;
pub mod record;
pub mod report;
pub mod rotate;
pub mod rules;
pub mod sequential;
pub mod sink;
pub mod squash;
pub mod summary;
pub mod words;

pub use config::Config;
pub use driver::run;
pub use error::Error;
