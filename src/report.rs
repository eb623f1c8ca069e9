//! `resetsquash report`: how many clients aborted, when, where and why, from raw, squashed
//! or gzipped logs; and what noise is left.
//!
//! The stages:
//!
//! ```text
//! build    a request's inputs scanned in parallel (one thread each; merged in input order),
//!          or JSON reports read back (json), merged (merge); then hints and drafts derived
//! tally    the sink that counts, through the same record stage as the filter: squashed
//!          records, our own summary lines read back, look-alikes kept, the noise left
//!          (what a record's text says: records), syslog's "message repeated N times"
//! hints    hints at causes, from the counts
//! draft    a rule draft for each cluster of noise
//! render   JSON, or the sections (one list) laid out as text (a terminal bar chart),
//!          markdown or HTML (inline SVG); numbers and times written by numbers and timeline
//! ```
//!
//! The data, [`Report`], is in `model`, which depends on no other stage; each stage depends
//! on the data and on the stages below it only, never on this file.
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
//! view. The hints are
//! derived from the counts and recomputed after a merge. Past a cap (1000 entries in a top
//! list, 1000 clusters of noise), the smallest entries are folded into an `other` count.

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
pub use render::{Format, render};
pub use timeline::parse_minute;
