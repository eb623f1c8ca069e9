//! `resetsquash report`: how many clients aborted, when, where and why, from raw, squashed
//! or gzipped logs; and what noise is left.
//!
//! The stages:
//!
//! ```text
//! scan     each input through the same record stage as the filter, into a [`Report`]
//!          (inputs in parallel, one thread each; merged in input order)
//! tally    the sink that counts: squashed records, our own summary lines read back,
//!          look-alikes kept, the noise left, syslog's "message repeated N times"
//! draft    a rule draft for each cluster of noise
//! render   text (a terminal bar chart), markdown, JSON (docs/report-json.md), HTML (inline SVG)
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
//! view. The hints are
//! derived from the counts and recomputed after a merge. Past a cap (1000 entries in a top
//! list, 1000 clusters of noise), the smallest entries are folded into an `other` count.

mod draft;
mod html;
mod render;
mod tally;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Damage, Error, Salvage};
use crate::input::{self, Source};
use crate::rules::RuleSet;
use crate::squash::Limits;

pub use render::{Format, parse_minute, render};

/// The `schema` value every JSON report carries.
pub const SCHEMA: &str = "resetsquash-report";
/// The JSON schema's version: a reader refuses a newer major version.
pub const VERSION: u32 = 2;
/// The oldest version `--merge` still reads: version 1 lacks only `where.from_summaries`, which
/// is 0 there (its summary lines carried no lists).
const OLDEST_READ: u32 = 1;

/// Entries kept in each top list and clusters of noise kept; the rest are counted in `other`.
pub const CAP: usize = 1000;
/// Busiest seconds kept for the burst hint.
const BURSTS_KEPT: usize = 20;
/// Clusters of noise that get a rule draft (the largest that name a dropped connection; a
/// cluster of one gets none).
pub const DRAFTS: usize = 10;
/// A second with at least this many aborts is a burst.
pub const BURST_MIN: u64 = 10;

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

/// Counts of records, and how much of the log they took.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub records: u64,
    pub lines: u64,
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.records += o.records;
        self.lines += o.lines;
        self.bytes += o.bytes;
    }
}

/// A timestamp on the log's own clock: seconds for ordering, the log's own text for showing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    pub seconds: i64,
    pub text: String,
}

/// One input's own totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputTotals {
    pub name: String,
    pub records: u64,
    pub lines: u64,
    pub bytes: u64,
    pub squashed: u64,
}

/// A capped map of counts: the most frequent values of a field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Top {
    pub counts: BTreeMap<String, u64>,
    /// Counted values that did not fit under the cap.
    pub other: u64,
}

impl Top {
    fn add(&mut self, key: &str, n: u64) {
        if let Some(c) = self.counts.get_mut(key) {
            *c += n;
        } else if self.counts.len() < CAP {
            self.counts.insert(key.to_string(), n);
        } else {
            self.other += n;
        }
    }

    fn merge(&mut self, o: &Top) {
        for (k, n) in &o.counts {
            *self.counts.entry(k.clone()).or_default() += n;
        }
        self.other += o.other;
        if self.counts.len() > CAP {
            let mut all: Vec<(String, u64)> =
                std::mem::take(&mut self.counts).into_iter().collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for (i, (k, n)) in all.into_iter().enumerate() {
                if i < CAP {
                    self.counts.insert(k, n);
                } else {
                    self.other += n;
                }
            }
        }
    }

    /// The largest `n` entries, largest first (ties by name).
    pub fn largest(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.counts.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.other
    }
}

/// Where the aborts happened: from the records that were still whole in the log, and from the
/// lists that summary lines carry.
///
/// A whole record counts exactly. A summary line lists the most frequent values of its group
/// with their exact counts, and the rest of its records under `other`; so over a squashed log a
/// value's count is at least the one shown (exact where every summary line that saw the value
/// listed it), and each list's total stays exact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Where {
    /// Squashed records whose fields were read: whole records, and the records of summary lines
    /// that carry the lists (summary lines of an older resetsquash do not).
    pub located: u64,
    /// Of `located`, those counted from summary lines.
    #[serde(default)]
    pub from_summaries: u64,
    pub endpoints: Top,
    pub clients: Top,
    pub frames: Top,
    pub threads: Top,
}

/// What the peers did: from the records still whole in the log, and exactly from summary lines
/// (those that carry `kinds=`).
pub use crate::fields::Kinds;

/// A second with many aborts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Burst {
    pub at: Moment,
    pub records: u64,
    /// Distinct client addresses seen in that second (0 where the log has none).
    pub clients: u64,
}

/// Genuine errors a rule's wording matched but whose anchors kept them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookAlike {
    #[serde(flatten)]
    pub tally: Tally,
    /// The headline of the first one.
    pub sample: String,
}

/// Repeated records that no rule squashed, with the same exception chain and application frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub chain: String,
    pub frame: String,
    #[serde(flatten)]
    pub tally: Tally,
    /// The first record of the cluster (at most 60 lines of it).
    pub sample: String,
    /// A rule that would squash these records, to paste into a rules file and check with
    /// `resetsquash rules check` (only after making sure they are client aborts).
    #[serde(default, skip_deserializing)]
    pub draft: String,
}

/// A hint about causes, with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    pub kind: String,
    pub text: String,
}

/// Everything a report shows, in a form that merges. Serialized as the JSON report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub version: u32,
    pub inputs: Vec<InputTotals>,
    /// Records in the logs as first written: squashed records count one each, also those a
    /// summary line stands for.
    pub records: u64,
    pub lines: u64,
    pub bytes: u64,
    /// Client-abort records, squashed now or before.
    pub squashed: u64,
    pub squashed_lines: u64,
    pub squashed_bytes: u64,
    /// Of `squashed`, those counted from summary lines already in the logs.
    pub from_summaries: u64,
    /// Of `records`, those counted from syslog's "message repeated N times".
    pub repeated: u64,
    /// Records a rule matched but that do not hold together (interleaved output): kept.
    pub unsound: u64,
    /// Per rule id.
    pub rules: BTreeMap<String, Tally>,
    /// Per rule id, per group (the exception chain, for most rules): what a summary line's
    /// `group=` says.
    pub groups: BTreeMap<String, BTreeMap<String, Tally>>,
    /// Per rule id whose wording matched: genuine errors kept.
    pub lookalikes: BTreeMap<String, LookAlike>,
    /// Squashed records per minute of the log's clock (`YYYY-MM-DDTHH:MM`).
    #[serde(with = "minutes")]
    pub timeline: BTreeMap<i64, u64>,
    /// Squashed records with no timestamp before them.
    pub untimed: u64,
    pub first: Option<Moment>,
    pub last: Option<Moment>,
    #[serde(rename = "where")]
    pub where_: Where,
    pub kinds: Kinds,
    /// The busiest seconds with at least 10 aborts, busiest first.
    pub bursts: Vec<Burst>,
    /// Largest first (by bytes).
    pub noise: Vec<Cluster>,
    /// Noise records that did not fit under the cluster cap.
    pub noise_other: Tally,
    /// Derived from the rest; recomputed after a merge.
    #[serde(default, skip_deserializing)]
    pub hints: Vec<Hint>,
}

impl Default for Report {
    fn default() -> Self {
        Report {
            schema: SCHEMA.to_string(),
            version: VERSION,
            inputs: Vec::new(),
            records: 0,
            lines: 0,
            bytes: 0,
            squashed: 0,
            squashed_lines: 0,
            squashed_bytes: 0,
            from_summaries: 0,
            repeated: 0,
            unsound: 0,
            rules: BTreeMap::new(),
            groups: BTreeMap::new(),
            lookalikes: BTreeMap::new(),
            timeline: BTreeMap::new(),
            untimed: 0,
            first: None,
            last: None,
            where_: Where::default(),
            kinds: Kinds::default(),
            bursts: Vec::new(),
            noise: Vec::new(),
            noise_other: Tally::default(),
            hints: Vec::new(),
        }
    }
}

impl Report {
    /// Adds `o` to this report: the report of both inputs' logs.
    pub fn merge(&mut self, o: &Report) {
        self.inputs.extend(o.inputs.iter().cloned());
        self.records += o.records;
        self.lines += o.lines;
        self.bytes += o.bytes;
        self.squashed += o.squashed;
        self.squashed_lines += o.squashed_lines;
        self.squashed_bytes += o.squashed_bytes;
        self.from_summaries += o.from_summaries;
        self.repeated += o.repeated;
        self.unsound += o.unsound;
        for (rule, t) in &o.rules {
            self.rules.entry(rule.clone()).or_default().add(t);
        }
        for (rule, groups) in &o.groups {
            let mine = self.groups.entry(rule.clone()).or_default();
            for (g, t) in groups {
                mine.entry(g.clone()).or_default().add(t);
            }
        }
        for (rule, l) in &o.lookalikes {
            let mine = self.lookalikes.entry(rule.clone()).or_default();
            if mine.tally.records == 0 {
                mine.sample = l.sample.clone();
            }
            mine.tally.add(&l.tally);
        }
        for (m, n) in &o.timeline {
            *self.timeline.entry(*m).or_default() += n;
        }
        self.untimed += o.untimed;
        self.first = earliest(self.first.take(), o.first.clone());
        self.last = latest(self.last.take(), o.last.clone());
        let w = &mut self.where_;
        w.located += o.where_.located;
        w.from_summaries += o.where_.from_summaries;
        w.endpoints.merge(&o.where_.endpoints);
        w.clients.merge(&o.where_.clients);
        w.frames.merge(&o.where_.frames);
        w.threads.merge(&o.where_.threads);
        self.kinds.add(&o.kinds);
        for b in &o.bursts {
            self.add_burst(b.clone());
        }
        for c in &o.noise {
            self.add_noise(c.clone());
        }
        self.sort_noise();
        while self.noise.len() > CAP {
            let smallest = self.noise.pop().expect("over the cap");
            self.noise_other.add(&smallest.tally);
        }
        self.noise_other.add(&o.noise_other);
        self.hints = self.derive_hints();
    }

    /// Adds a busy second, summing it with the same second seen elsewhere; keeps the busiest.
    fn add_burst(&mut self, b: Burst) {
        if let Some(mine) = self
            .bursts
            .iter_mut()
            .find(|m| m.at.seconds == b.at.seconds)
        {
            mine.records += b.records;
            mine.clients += b.clients;
        } else {
            self.bursts.push(b);
        }
        self.bursts.sort_by(|a, b| {
            b.records
                .cmp(&a.records)
                .then(a.at.seconds.cmp(&b.at.seconds))
        });
        self.bursts.truncate(BURSTS_KEPT);
    }

    /// Adds a cluster of noise, summing it with the same cluster seen elsewhere (the caller
    /// sorts and caps once all are added).
    fn add_noise(&mut self, c: Cluster) {
        if let Some(mine) = self
            .noise
            .iter_mut()
            .find(|m| m.chain == c.chain && m.frame == c.frame)
        {
            mine.tally.add(&c.tally);
        } else {
            self.noise.push(c);
        }
    }

    fn sort_noise(&mut self) {
        self.noise.sort_by(|a, b| {
            b.tally
                .bytes
                .cmp(&a.tally.bytes)
                .then(b.tally.records.cmp(&a.tally.records))
                .then_with(|| (&a.chain, &a.frame).cmp(&(&b.chain, &b.frame)))
        });
    }

    /// Hints grounded in the counts: each says what it saw and what usually causes it.
    fn derive_hints(&self) -> Vec<Hint> {
        let mut hints = Vec::new();
        let k = &self.kinds;
        if let Some(b) = self.bursts.first() {
            let more = match self.bursts.len() - 1 {
                0 => String::new(),
                n => format!(" ({n} more second(s) with at least {BURST_MIN})"),
            };
            let (who, cause) = match b.clients {
                0 => (
                    String::new(),
                    "Many connections dropping at once points at something between the clients \
                     and the server (a load balancer or firewall idle timeout, a proxy restart) or \
                     at the server stalling under load. The log does not name clients.",
                ),
                1 => (
                    " from a single client".to_string(),
                    "One client opening and dropping many connections is a download manager, a \
                     crawler, a load test or a health checker, or a proxy in front of the server \
                     that all clients come through.",
                ),
                n => (
                    format!(" from {n} clients"),
                    "Many clients dropping at once points at something between them and the \
                     server (a load balancer or firewall idle timeout, a proxy restart) or at the \
                     server stalling under load.",
                ),
            };
            hints.push(Hint {
                kind: "burst".into(),
                text: format!(
                    "{} aborts in the one second at {}{who}{more}. {cause}",
                    b.records, b.at.text
                ),
            });
        }
        if k.broken_pipes >= 10 && k.broken_pipes_on_downloads * 2 >= k.broken_pipes {
            hints.push(Hint {
                kind: "downloads".into(),
                text: format!(
                    "{} of {} broken pipes ({}) were sending a file or a large download. Clients \
                     cancelling long downloads (closing the tab, a player seeking) is the usual \
                     cause; Range requests and smaller responses make them cheaper.",
                    k.broken_pipes_on_downloads,
                    k.broken_pipes,
                    percent(k.broken_pipes_on_downloads, k.broken_pipes)
                ),
            });
        }
        if k.windows_aborts > 0 {
            hints.push(Hint {
                kind: "windows".into(),
                text: format!(
                    "{} aborts are WSAECONNABORTED (10053, \"Software caused connection abort\"): \
                     the Windows side's own network stack gave up on the connection, usually a \
                     client-side timeout, a proxy or security software, not the server.",
                    k.windows_aborts
                ),
            });
        }
        hints
    }

    /// Fills the derived parts (hints, rule drafts) after scanning or merging.
    fn finish(&mut self) {
        self.sort_noise();
        for (i, c) in self.noise.iter_mut().enumerate() {
            c.draft = if i < DRAFTS && c.tally.records >= 2 && draft::worth_drafting(&c.chain) {
                draft::rule(c, i + 1)
            } else {
                String::new()
            };
        }
        self.hints = self.derive_hints();
    }
}

/// The earlier of two moments; within one second, the smaller text (so that the result does
/// not depend on the order the two were seen in).
fn earliest(a: Option<Moment>, b: Option<Moment>) -> Option<Moment> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if (b.seconds, &b.text) < (a.seconds, &a.text) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// The later of two moments, in the same way.
fn latest(a: Option<Moment>, b: Option<Moment>) -> Option<Moment> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if (b.seconds, &b.text) > (a.seconds, &a.text) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// `n` as a share of `of`, for reading: `12%`, `<1%`.
pub fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        return "0%".into();
    }
    let p = n as f64 * 100.0 / of as f64;
    if n > 0 && p < 1.0 {
        "<1%".into()
    } else {
        format!("{}%", p.round())
    }
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
            total.merge(&read_json(source)?);
        }
        (total, Vec::new())
    } else {
        scan(req, rules, limits)?
    };
    report.finish();
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

/// Reads a JSON report for `--merge`.
fn read_json(source: &Source) -> Result<Report, Error> {
    let name = source.name();
    let bad = |msg: String| Error::Input {
        path: name.clone(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, msg),
    };
    let mut opened = input::open(source, 1 << 16)?;
    let mut text = Vec::new();
    opened
        .reader
        .read_to_end(&mut text)
        .map_err(|source| Error::Input {
            path: name.clone(),
            source,
        })?;
    if let Some(d) = opened.damage.get() {
        return Err(Error::Damaged(vec![Damage {
            salvage: Salvage::Unused,
            ..d.clone()
        }]));
    }
    let head: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not a JSON report: {e}")))?;
    if head.get("schema").and_then(|s| s.as_str()) != Some(SCHEMA) {
        return Err(bad(format!(
            "not a resetsquash report (no \"schema\": \"{SCHEMA}\"); make one with \
             `resetsquash report --format json`"
        )));
    }
    match head.get("version").and_then(|v| v.as_u64()) {
        Some(v) if (u64::from(OLDEST_READ)..=u64::from(VERSION)).contains(&v) => {}
        v => {
            return Err(bad(format!(
                "report version {} is not one this resetsquash reads (it reads versions \
                 {OLDEST_READ} to {VERSION})",
                v.map_or("?".to_string(), |v| v.to_string())
            )));
        }
    }
    let mut report: Report =
        serde_json::from_value(head).map_err(|e| bad(format!("malformed report: {e}")))?;
    report.version = VERSION;
    Ok(report)
}

/// A progress bar on standard error, redrawn five times a second from a byte counter.
struct Progress {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Progress {
    fn start(done: Arc<AtomicU64>, total: u64) -> Progress {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            use std::io::Write;
            let mut drawn = false;
            while !flag.load(Ordering::Relaxed) {
                let d = done.load(Ordering::Relaxed).min(total);
                let width = 30;
                let filled = (d as u128 * width as u128 / total.max(1) as u128) as usize;
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r[{}{}] {:>3}%  {} of {}",
                    "#".repeat(filled),
                    "-".repeat(width - filled),
                    d * 100 / total.max(1),
                    render::size(d),
                    render::size(total)
                );
                drawn = true;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            if drawn {
                // Clear the bar, so the report starts on a clean line.
                let _ = write!(std::io::stderr().lock(), "\r{:60}\r", "");
            }
        });
        Progress { stop, thread }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

/// Minute keys as `YYYY-MM-DDTHH:MM` text in JSON.
mod minutes {
    use std::collections::BTreeMap;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(m: &BTreeMap<i64, u64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(m.iter().map(|(k, v)| (super::render::minute_text(*k), v)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<i64, u64>, D::Error> {
        let text: BTreeMap<String, u64> = BTreeMap::deserialize(d)?;
        text.into_iter()
            .map(|(k, v)| {
                super::render::parse_minute(&k)
                    .map(|m| (m, v))
                    .ok_or_else(|| D::Error::custom(format!("bad minute `{k}` in timeline")))
            })
            .collect()
    }
}
