//! Adding reports up: per host and per day, into a fleet view.
//!
//! Every count is a sum, every first/last a minimum/maximum, and every top list a capped map of
//! counts, so merging is associative (and commutative but for the order of `inputs` and which
//! sample is kept). Past a cap the smallest entries are folded into an `other` count. A scan
//! merges the reports of its inputs here too, so one log read alone and the same log merged
//! from its JSON report count alike.

use super::hints;
use super::model::{Burst, CAP, Cluster, Moment, Report, Top};

/// Busiest seconds kept for the burst hint.
const BURSTS_KEPT: usize = 20;

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
        for (rule, k) in &o.rule_kinds {
            self.rule_kinds.entry(rule.clone()).or_default().add(k);
        }
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
        self.hints = hints::derive(self);
    }

    /// Adds a busy second, summing it with the same second seen elsewhere; keeps the busiest.
    pub(super) fn add_burst(&mut self, b: Burst) {
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

    pub(super) fn sort_noise(&mut self) {
        self.noise.sort_by(|a, b| {
            b.tally
                .bytes
                .cmp(&a.tally.bytes)
                .then(b.tally.records.cmp(&a.tally.records))
                .then_with(|| (&a.chain, &a.frame).cmp(&(&b.chain, &b.frame)))
        });
    }
}

impl Top {
    /// Adds `o`'s counts, keeping the largest [`CAP`] entries (ties by name).
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
