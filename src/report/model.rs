//! What a report holds: the counts of one log, or of many merged, in the form the JSON report
//! is written in (docs/report-json.md).
//!
//! The types are plain data. Filling them is [`super::tally`]'s job, adding two of them up is
//! [`super::merge`]'s, and showing them is the formats'; keeping the data apart lets each of
//! those depend on it without depending on one another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::timeline::{deserialize_minutes, serialize_minutes};

/// The `schema` value every JSON report carries.
pub const SCHEMA: &str = "resetsquash-report";
/// The JSON schema's version: a reader refuses a newer major version.
pub const VERSION: u32 = 2;

/// Entries kept in each top list and clusters of noise kept; the rest are counted in `other`.
pub const CAP: usize = 1000;
/// A second with at least this many aborts is a burst.
pub const BURST_MIN: u64 = 10;

/// Counts of records, and how much of the log they took.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub records: u64,
    pub lines: u64,
    pub bytes: u64,
}

impl Tally {
    pub(super) fn add(&mut self, o: &Tally) {
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
    pub(super) fn add(&mut self, key: &str, n: u64) {
        if let Some(c) = self.counts.get_mut(key) {
            *c += n;
        } else if self.counts.len() < CAP {
            self.counts.insert(key.to_string(), n);
        } else {
            self.other += n;
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
    #[serde(
        serialize_with = "serialize_minutes",
        deserialize_with = "deserialize_minutes"
    )]
    pub timeline: BTreeMap<i64, u64>,
    /// Squashed records with no timestamp before them.
    pub untimed: u64,
    pub first: Option<Moment>,
    pub last: Option<Moment>,
    #[serde(rename = "where")]
    pub where_: Where,
    pub kinds: Kinds,
    /// Per rule id: what the peers did, as `kinds` counts it.
    #[serde(default)]
    pub rule_kinds: BTreeMap<String, Kinds>,
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
            rule_kinds: BTreeMap::new(),
            bursts: Vec::new(),
            noise: Vec::new(),
            noise_other: Tally::default(),
            hints: Vec::new(),
        }
    }
}
