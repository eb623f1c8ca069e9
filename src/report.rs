//! `resetsquash report`: how many clients aborted, when, where and why, from raw, squashed
//! or gzipped logs; and what noise is left.
//!
//! The parts, each using only parts listed below it (and none of them this file, which only
//! names them):
//!
//! ```text
//! build      a request → a finished report: each input scanned (in parallel, one thread
//!            each; merged in input order), or JSON reports read back; then drafts and hints
//! progress   the progress bar of a scan on a terminal
//! render     the format asked for: JSON, prometheus, or text, markdown or HTML
//! prometheus the counts as Prometheus gauges; --merge over such files
//! html       one self-contained page (inline CSS, inline SVG chart)
//! markdown   headings and padded tables
//! text       for a terminal, with a bar chart
//! sections   the one order of sections the three walk, and the words they share
//! json       the JSON report written, and read back for --merge (docs/report-json.md)
//! tally      the sink that counts, through the same record stage as the filter: squashed
//!            records, our own summary lines read back, look-alikes kept, the noise left,
//!            syslog's "message repeated N times"
//! records    what a record's own text says: a repeat, an access line, a cluster key
//! merge      two reports added up
//! hints      hints at causes, from the counts
//! draft      a rule draft for each cluster of noise
//! model      the data: [`Report`] and its parts
//! timeline   buckets and minute keys on the log's own clock
//! numbers    counts, sizes and shares as they read
//! ```
//!
//! **Reading squashed logs.** A summary line counts its records, lines and bytes, at its
//! timestamp (the last record's). Because the filter's windows are aligned to the log's clock,
//! every record of a summary lies in the summary's minute (with the default one-minute
//! window), so `report(squash(log))` has the same totals, per-rule and per-group counts, and
//! the same timeline at any granularity no finer than the squash window, as `report(log)`.
//! A summary line also gives back its records' kinds, exactly, and the most frequent
//! endpoints, clients, application frames and threads of its group (see [`crate::summary`]):
//! over a squashed log, a listed value's count is a lower bound, and the report says how many
//! records its "where" lists were read from, and how many of those from summary lines.
//!
//! **Merging.** Every count in a [`Report`] is a sum, every first/last a minimum/maximum, and
//! every top list is a capped map of counts; so reports merge associatively (and commutatively
//! but for the order of `inputs` and which sample is kept), per host and per day, into a fleet
//! view. The hints are derived from the counts and recomputed after a merge. Past a cap (1000
//! entries in a top list, 1000 clusters of noise), the smallest entries are folded into an
//! `other` count.

mod build;
mod draft;
mod hints;
mod html;
mod json;
mod markdown;
mod merge;
mod model;
mod numbers;
mod progress;
mod prometheus;
mod records;
mod render;
mod sections;
mod tally;
mod text;
mod timeline;

pub use build::{DRAFTS, Request, build};
pub use model::{
    BURST_MIN, Burst, CAP, Cluster, Hint, InputTotals, Kinds, LookAlike, Moment, Report, SCHEMA,
    Tally, Top, VERSION, Where,
};
pub use numbers::percent;
pub use prometheus::merge as merge_prometheus;
pub use render::{Format, render};
pub use timeline::parse_minute;
