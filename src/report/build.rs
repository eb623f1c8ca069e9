//! From a request to a finished report: scan the logs (in parallel, one thread per file) or
//! merge the JSON reports, then derive the hints and rule drafts.
//!
//! This is the module's one entry point; the binary fills a [`Request`] from the command line.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use rayon::prelude::*;

use super::draft;
use super::hints;
use super::json;
use super::model::Report;
use super::progress::Progress;
use super::render::Format;
use super::tally::{self, Limits};
use crate::error::{Damage, Error};
use crate::input::Source;
use crate::rules::RuleSet;

/// Clusters of noise that get a rule draft (the largest that name a dropped connection; a
/// cluster of one gets none).
pub const DRAFTS: usize = 10;

/// What a report is asked to do.
#[derive(Clone, Debug)]
pub struct Request {
    /// Logs to scan, or (with `merge`) JSON reports to merge.
    pub inputs: Vec<Source>,
    pub merge: bool,
    pub format: Format,
    /// Timeline bucket, in seconds: 60, 3600 or 86400.
    pub by: i64,
    /// Threads for scanning files.
    pub threads: usize,
    /// Draw a progress bar on standard error (the binary sets this on a terminal).
    pub progress: bool,
    /// `--record-start`, as for the filter.
    pub record_start: Option<regex::bytes::Regex>,
}

/// Builds the report a request asks for, and lists the gzip inputs that were damaged: those
/// are counted up to the damage, as the filter writes them up to it, and the caller is to fail
/// naming them once the report is out.
pub fn build(
    req: &Request,
    rules: &RuleSet,
    limits: &Limits,
) -> Result<(Report, Vec<Damage>), Error> {
    let (mut report, damaged) = if req.merge {
        let mut total = Report::default();
        for source in &req.inputs {
            total.merge(&json::read(source)?);
        }
        (total, Vec::new())
    } else {
        scan(req, rules, limits)?
    };
    finish(&mut report);
    Ok((report, damaged))
}

/// Scans every input, in parallel, and merges their reports in input order.
fn scan(req: &Request, rules: &RuleSet, limits: &Limits) -> Result<(Report, Vec<Damage>), Error> {
    let total: u64 = req
        .inputs
        .iter()
        .map(|s| match s {
            Source::Path(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Source::Stdin => 0,
        })
        .sum();
    let done = Arc::new(AtomicU64::new(0));
    let progress = (req.progress && total > 0).then(|| Progress::start(done.clone(), total));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(req.threads.max(1))
        .build()
        .map_err(|e| Error::Setup(format!("cannot start threads: {e}")))?;
    // Merged as they finish, neighbours first, so the order of the inputs is kept and only a
    // few reports are held at a time, however many files there are.
    let merged = pool.install(|| {
        req.inputs
            .par_iter()
            .map(|source| {
                let (report, damage) =
                    tally::scan_one(source, rules, limits, req.record_start.as_ref(), &done)?;
                Ok((report, damage.into_iter().collect::<Vec<_>>()))
            })
            .try_reduce_with(|(mut a, mut a_damaged), (b, b_damaged)| {
                a.merge(&b);
                a_damaged.extend(b_damaged);
                Ok((a, a_damaged))
            })
    });
    if let Some(p) = progress {
        p.stop();
    }
    Ok(merged.transpose()?.unwrap_or_default())
}

/// Fills the derived parts (rule drafts, hints) after scanning or merging.
fn finish(r: &mut Report) {
    r.sort_noise();
    for (i, c) in r.noise.iter_mut().enumerate() {
        c.draft = if i < DRAFTS && c.tally.records >= 2 && draft::worth_drafting(&c.chain) {
            draft::rule(c, i + 1)
        } else {
            String::new()
        };
    }
    r.hints = hints::derive(r);
}
