//! What a compiled rule is, and what it says about one record: the rule and its conditions, its
//! examples, where it was written, and the decision and near misses it gives.
//!
//! Apart from [`RuleSet`](super::RuleSet) because a rule is tested on its own too (`--explain`,
//! `rules check`), and from the YAML because loading is only one way to have one.

use regex::bytes::Regex;

use super::pattern::Lazy;

use crate::error::RuleError;

/// Where something was written in a rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub(super) fn error(&self, rule: Option<&str>, message: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            rule: rule.map(str::to_string),
            message: message.into(),
        }
    }
}

/// What a rule's squashed records are counted by in summary lines.
#[derive(Clone, Debug)]
pub enum GroupBy {
    /// The record's exception chain (`ClientAbortException < IOException: Broken pipe`).
    Chain,
    /// One count for the whole rule.
    Rule,
    /// The first capture group of this regex; the chain where it does not match.
    Capture(Lazy),
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub(super) what: Lazy,
    pub(super) where_: Option<Lazy>,
    pub(super) never: Option<Lazy>,
    pub group: GroupBy,
    /// Fixed strings, one of which occurs in every record this rule takes.
    pub literals: Vec<Vec<u8>>,
    /// `evidence: inbound`: it also needs an inbound evidence class in the record, and no
    /// outbound one (see `rules/evidence.rs`).
    pub evidence: bool,
    /// `event:`: the records that follow one it takes and belong to the same abort.
    pub event: Option<super::event::EventSpec>,
    pub examples: Examples,
    pub location: Location,
}

/// A rule's own test records.
#[derive(Clone, Debug, Default)]
pub struct Examples {
    pub squash: Vec<(String, Location)>,
    pub keep: Vec<(String, Location)>,
}

/// Why a rule did not take a record (for `--explain` and example failures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Miss {
    /// None of its literals occurs in the record.
    NoLiteral,
    /// No `what` regex matches.
    What,
    /// `what` matches, but no `where` regex does.
    Where,
    /// One of its `never` regexes matches.
    Never,
    /// A file-level `never` regex matches.
    GlobalNever,
    /// It asks for evidence, and the record shows no inbound evidence class.
    NoInbound,
    /// It asks for evidence, and the record shows this outbound evidence class.
    Outbound(usize),
}

impl Miss {
    pub fn describe(&self) -> &'static str {
        match self {
            Miss::NoLiteral => "none of its literals occurs",
            Miss::What => "no `what` pattern matches",
            Miss::Where => "`what` matches but no `where` pattern does (no inbound anchor)",
            Miss::Never => "one of its `never` patterns matches (outbound anchor)",
            Miss::GlobalNever => "a file-level `never` pattern matches (outbound anchor)",
            Miss::NoInbound => "`what` matches but the record shows no inbound evidence",
            Miss::Outbound(_) => "`what` matches but the record shows outbound evidence",
        }
    }
}

/// What [`RuleSet::decide`](super::RuleSet::decide) found for a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The rule with this index takes the record.
    Squash(usize),
    /// No rule takes it; where some rule came close, which one and why it did not.
    Keep(Option<(usize, Miss)>),
}

/// Which of a rule set's regexes: rule `i`'s `what`, `where`, `never` are slots `3i`, `3i + 1`,
/// `3i + 2`; the file-level `never` is the slot after the last rule's, and the evidence
/// classes' regexes follow it (see `Evidence::regexes`).
pub(super) type Slot = usize;

impl Rule {
    /// The rule's own conditions (the prefilter and file-level vetoes aside).
    pub(super) fn test(&self, record: &[u8]) -> Result<(), Miss> {
        self.test_with(0, &mut |_, re| re.is_match(record))
    }

    /// The same, asking `is_match` about each regex by its slot (`first`, `first + 1`,
    /// `first + 2` for `what`, `where`, `never`).
    pub(super) fn test_with(
        &self,
        first: Slot,
        is_match: &mut dyn FnMut(Slot, &Regex) -> bool,
    ) -> Result<(), Miss> {
        if !is_match(first, &self.what) {
            return Err(Miss::What);
        }
        if let Some(re) = &self.where_
            && !is_match(first + 1, re)
        {
            return Err(Miss::Where);
        }
        if let Some(re) = &self.never
            && is_match(first + 2, re)
        {
            return Err(Miss::Never);
        }
        Ok(())
    }
}
