//! The parallel batch engine: files cut into chunks at record boundaries, chunks decided on
//! several threads, decisions replayed in order into one ledger.
//!
//! Why the output is byte-identical to one thread's: a header line always starts a record and
//! resets the record grammar, so a chunk that begins at a header line is cut into exactly the
//! records the sequential pass would cut, and each record's decision depends on the record
//! alone. Everything that depends on order (time windows, groups, `--keep-first`, where a summary
//! lands) happens in the [`crate::ledger::Ledger`], which sees every chunk's decisions in input order, just as it
//! would from one [`crate::squash::Assembler`].
//!
//! Memory stays bounded: the input is read in blocks, and at most `3 × threads` chunks (each
//! about [`crate::config::DEFAULT_CHUNK`] bytes, with their decisions) are in flight at once. A stretch with no header
//! line for 32 chunk sizes (a log without timestamps) cannot be cut safely, so from there on
//! the input is finished on one thread, streaming, with the same ledger.
//!
//! A chunk's decisions name the kept bytes by their place in the chunk wherever they are the
//! chunk's own (most are, since the literal-first pass keeps records where they lie), so kept
//! bytes are copied once, into the output, not into the decisions first.
//!
//! Inputs are read with `read`, never memory-mapped: a log that a server is still appending to,
//! or that logrotate truncates under us, would make a mapping fault (SIGBUS), while `read` just
//! sees the bytes that are there. The copy costs little next to the rule work.

//! Three files, one job each: `cut` reads the inputs as one stream and cuts it into chunks
//! at record-starting lines; `replay` records a chunk's decisions on a worker thread and
//! replays them into the ledger; `schedule` keeps the threads busy and the chunks in order.

mod cut;
mod replay;
mod schedule;

pub(crate) use cut::backlog_span;
pub use schedule::run;
pub(crate) use schedule::{Workers, decide_span};
