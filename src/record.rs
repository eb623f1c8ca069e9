//! Lines → records: where each log record begins and ends.
//!
//! A record is a first line and its continuation lines. Where the log has timestamped headers, a
//! header starts a record and its message, exception and stack trace follow it. Where it has none
//! (`printStackTrace()` output in catalina.out, Python's socketserver dumps), the record is cut by
//! stack-trace grammar: Java (exception line, `at` frames, `Caused by:`, `... N more`), Python
//! (`Traceback (most recent call last):` … the exception comes last, chained tracebacks),
//! .NET (` ---> ` inner exceptions) and Node (`    at ` frames).
//!
//! The invariant this module keeps: a header line is never separated from the trace it
//! introduces, and a record whose shape does not hold together (frames with no exception line in
//! front of them, as when two threads' output interleaves) is marked *broken*, so that it is
//! never squashed: when in doubt, keep.
//!
//! This file only names the parts: what one line is (`record/line.rs`), the grammar over lines
//! (`record/grammar.rs`), whole texts cut with it (`record/split.rs`), and a record's headline
//! and exception chain (`record/chain.rs`). Each part reads its siblings, never this file.

mod chain;
mod grammar;
mod line;
mod split;
#[cfg(test)]
mod tests;

pub use chain::headline_and_chain;
pub use grammar::{Grammar, Soundness, Step};
pub use line::{exception_class, is_access_line, names_exception, skip_code};
pub use split::{
    CutReason, cuts, is_sound, is_sound_starting, split_records, split_records_starting,
    split_records_with_max_line,
};
