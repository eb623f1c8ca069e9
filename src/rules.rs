//! YAML rules → compiled rules, a literal prefilter, and the decision for each record.
//!
//! A rule takes a record when one of its `what` regexes matches, one of its `where` regexes
//! matches (if it has any), and none of its own `never` regexes nor any file-level `never` regex
//! matches; a rule that asks for evidence (`evidence: inbound`) also needs an inbound evidence
//! class in the record and no outbound one. Rules are tried in the order they were loaded; the
//! first that takes a record wins.
//!
//! Regexes never run on records that cannot match: every rule carries fixed strings (worked out
//! from `what`, or given as `literal:`), one of which must occur in any record it takes, and
//! Aho-Corasick searches over all of them pick the candidate rules first. What they find in
//! each of a record's lines after the first is kept, line by line, for the next records that
//! hold the same lines ([`BodyCache`], in `rules/cache.rs`).
//!
//! This file only names the parts: where rule files come from (`rules/source.rs`), the YAML
//! shapes with their positions and unknown keys (`rules/yaml.rs`), a rules file and its
//! examples (`rules/load.rs`), the evidence classes and their verdict (`rules/evidence.rs`), the records an event absorbs
//! (`rules/event.rs`, read from YAML in `rules/event_yaml.rs`),
//! how a pattern is compiled and
//! its literals found (`rules/pattern.rs`), one compiled rule and what it says about a record
//! (`rules/rule.rs`), the whole set and its decisions (`rules/set.rs`), the quick search for
//! any literal (`rules/skim.rs`), the cache
//! (`rules/cache.rs`), `rules check` (`rules/check.rs`), and what `rules list`, `rules literals`
//! and `rules check` print (`rules/listing.rs`). Each part reads its siblings, never
//! this file, so that no two files read each other.

mod cache;
mod check;
mod event;
mod event_yaml;
pub mod evidence;
pub mod listing;
mod load;
mod pattern;
mod rule;
mod set;
mod skim;
mod source;
#[cfg(test)]
mod tests;
mod yaml;

pub use cache::BodyCache;
pub use event::{Absorbed, EventSpec, Follows, MAX_WITHIN, OpenEvents};
pub use evidence::{Evidence, EvidenceClass, Side, Verdict};
pub use pattern::{compile, required_literals};
pub use rule::{Decision, Examples, GroupBy, Location, Miss, Rule};
pub use set::RuleSet;
pub use source::{BUILT_IN, RuleSource};
