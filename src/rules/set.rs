//! The loaded rules as one set: the literal prefilter over all of them, and the decision for each
//! record, with or without the [`BodyCache`].
//!
//! Apart from the rule itself because what is decided here is across rules: which are
//! candidates, which one wins, which came closest, and the file-level vetoes.

use super::skim::{SKIM_PATTERNS, Skim, skim_patterns};
use regex::bytes::Regex;

use super::cache::{self, BodyCache};
use super::evidence::{Evidence, EvidenceClass, Verdict};
use super::load;
use super::pattern::{Lazy, alternation};
use super::rule::{Decision, Miss, Rule, Slot};
use super::source::RuleSource;
use super::yaml;
use crate::error::{Error, RuleError};

/// All loaded rules, ready to decide records.
#[derive(Clone, Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    pub(super) global_never: Option<Lazy>,
    /// The evidence classes of all files, for the rules that ask for evidence.
    evidence: Evidence,
    /// Over every rule's literals, in groups the SIMD searcher takes (each with the indexes of
    /// its patterns among all); empty when there are no rules.
    prefilter: Vec<(Skim, Vec<usize>)>,
    /// The same literals cut down to what the SIMD searcher takes ([`skim_patterns`]): where
    /// it finds nothing, none of the literals occurs. Most of a log is searched by it alone.
    skim: Option<Skim>,
    /// For each prefilter pattern, the rules it proves candidates: its own, and those of the
    /// patterns that are prefixes of it.
    pattern_rules: Vec<Vec<usize>>,
    /// Per regex slot (see [`Slot`]), whether it only ever matches inside one line, so that a
    /// record's answer is that of one of its lines (see [`BodyCache`]). Worked out when
    /// first needed: it costs milliseconds, and a pipe's first line must not wait for it.
    line_local: std::sync::OnceLock<Vec<bool>>,
    /// No prefilter literal holds a `\n`, so each occurrence lies inside one line.
    pub(super) literals_line_local: bool,
    /// Every rule's event follow-ups at once, worked out when first needed (see
    /// [`RuleSet::follows`]).
    follows: std::sync::OnceLock<super::event::Follows>,
}

impl RuleSet {
    /// Loads and compiles rule files, reporting every problem found in any of them.
    pub fn load(sources: &[RuleSource]) -> Result<RuleSet, Error> {
        let mut errors = Vec::new();
        // The files' joined patterns are compiled when first asked only if every file is a
        // built-in one (see [`Lazy`]).
        let built_in = sources.iter().all(RuleSource::is_built_in);
        let mut rules: Vec<Rule> = Vec::new();
        let mut never = Vec::new();
        let mut classes: Vec<EvidenceClass> = Vec::new();
        let (mut socket, mut runtime) = (Vec::new(), Vec::new());
        for source in sources {
            let mut file = load::parse_file(source, &mut errors);
            for class in std::mem::take(&mut file.evidence.classes) {
                if let Some(first) = classes.iter().find(|c| c.id == class.id) {
                    errors.push(class.location.error(
                        None,
                        format!(
                            "evidence class `{}`: duplicate id; it is first defined at {}:{}:{}",
                            class.id,
                            first.location.file,
                            first.location.line,
                            first.location.column
                        ),
                    ));
                } else {
                    classes.push(class);
                }
            }
            socket.append(&mut file.evidence.socket);
            runtime.append(&mut file.evidence.runtime);
            for rule in file.rules {
                if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                    errors.push(rule.location.error(
                        Some(&rule.id),
                        format!(
                            "duplicate rule id; it is first defined at {}:{}:{}",
                            first.location.file, first.location.line, first.location.column
                        ),
                    ));
                } else {
                    rules.push(rule);
                }
            }
            never.extend(file.never);
        }
        let evidence = Evidence::new(classes, &socket, &runtime, built_in).map_err(|e| {
            let file = sources.last().map_or_else(String::new, |s| s.name.clone());
            Error::Rules(vec![RuleError {
                file,
                line: 1,
                column: 1,
                rule: None,
                message: format!(
                    "the evidence patterns of all rules files together: {}",
                    yaml::one_line(&e)
                ),
            }])
        })?;
        if !evidence.has_inbound() {
            for rule in rules.iter().filter(|r| r.evidence) {
                errors.push(rule.location.error(
                    Some(&rule.id),
                    "`evidence: inbound`, but no rules file loaded defines an inbound evidence \
                     class (`evidence:` with `side: inbound`); load one, or use `where`",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Rules(errors));
        }
        // Each file's patterns compiled together; those of all files may still be too large.
        let global_never = match (!never.is_empty()).then(|| alternation(&never, built_in)) {
            None => None,
            Some(Ok(re)) => Some(re),
            Some(Err(e)) => {
                let file = sources.last().map_or_else(String::new, |s| s.name.clone());
                let message = format!(
                    "the file-level `never` patterns of all rules files together: {}",
                    yaml::one_line(&e)
                );
                return Err(Error::Rules(vec![RuleError {
                    file,
                    line: 1,
                    column: 1,
                    rule: None,
                    message,
                }]));
            }
        };
        Ok(RuleSet::new(rules, global_never, evidence))
    }

    fn new(rules: Vec<Rule>, global_never: Option<Lazy>, evidence: Evidence) -> RuleSet {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for lit in &rule.literals {
                match patterns.iter().position(|p| p == lit) {
                    Some(p) => pattern_rules[p].push(i),
                    None => {
                        patterns.push(lit.clone());
                        pattern_rules.push(vec![i]);
                    }
                }
            }
        }
        // The search reports one pattern per start position, the longest; a shorter pattern
        // that starts there too is a prefix of it, so finding the longer one implies its rules.
        let implied: Vec<Vec<usize>> = patterns
            .iter()
            .map(|p| {
                let mut rules: Vec<usize> = patterns
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| p.starts_with(q))
                    .flat_map(|(j, _)| pattern_rules[j].iter().copied())
                    .collect();
                rules.sort_unstable();
                rules.dedup();
                rules
            })
            .collect();
        // Leftmost-longest within each group: a shorter pattern of another group that starts
        // at the same place is found by its own group's search.
        let prefilter = (0..patterns.len())
            .collect::<Vec<_>>()
            .chunks(SKIM_PATTERNS)
            .map(|ids| {
                let group: Vec<Vec<u8>> = ids.iter().map(|&i| patterns[i].clone()).collect();
                (Skim::longest(&group), ids.to_vec())
            })
            .collect();
        let skim = (!patterns.is_empty()).then(|| Skim::new(&skim_patterns(&patterns)));
        RuleSet {
            literals_line_local: patterns.iter().all(|p| !p.contains(&b'\n')),
            rules,
            global_never,
            evidence,
            prefilter,
            skim,
            pattern_rules: implied,
            line_local: std::sync::OnceLock::new(),
            follows: std::sync::OnceLock::new(),
        }
    }

    /// Every rule's event follow-ups at once, for cutting input where no event can straddle
    /// the cut: built once, as every chunked run and every backlog of a pipe asks.
    pub fn follows(&self) -> &super::event::Follows {
        self.follows.get_or_init(|| {
            super::event::Follows::of(self.rules.iter().filter_map(|r| r.event.as_ref()))
        })
    }

    /// A rule set with no rules: every record is kept.
    pub fn empty() -> RuleSet {
        RuleSet::new(Vec::new(), None, Evidence::default())
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The evidence classes the rules that ask for evidence weigh.
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
    }

    /// The rules whose literals occur in `record`, as a bit per rule.
    ///
    /// One leftmost-longest search per literal occurrence, each resuming one byte after the
    /// previous match's start, visits every position where some literal starts; with the
    /// prefix patterns folded into each pattern's rules, no literal is missed. Between
    /// occurrences the search skips with SIMD, which an overlapping search cannot.
    fn candidates(&self, record: &[u8]) -> Vec<bool> {
        let mut hit = vec![false; self.rules.len()];
        self.add_candidates(record, &mut hit);
        hit
    }

    /// Marks in `hit` the rules whose literals occur in `text`.
    fn add_candidates(&self, record: &[u8], hit: &mut [bool]) {
        self.add_candidates_from(record, 0, hit);
    }

    /// The same, for literals that start at `from` or later (none starts before it).
    fn add_candidates_from(&self, record: &[u8], from: usize, hit: &mut [bool]) {
        // Most lines hold no literal: the quick search says so without the full one.
        if self
            .skim
            .as_ref()
            .is_some_and(|s| s.find(record, from).is_some())
        {
            self.scan_candidates_from(record, from, hit);
        }
    }

    /// [`RuleSet::add_candidates_from`] without its quick search first (the caller made it).
    fn scan_candidates_from(&self, record: &[u8], from: usize, hit: &mut [bool]) {
        for (search, ids) in &self.prefilter {
            let mut at = from;
            while let Some((start, pattern)) = search.find_pattern(record, at) {
                for &r in &self.pattern_rules[ids[pattern]] {
                    hit[r] = true;
                }
                at = start + 1;
            }
        }
    }

    /// Where the first literal of any rule starts in `text`, at `from` or later: no record that
    /// lies wholly before it can be taken by any rule (each rule needs one of its literals), so
    /// everything up to it may be kept without asking the rules.
    ///
    /// Found with the cut-down literals ([`skim_patterns`]): a literal that holds a shorter
    /// one is found by it, at the shorter one's start, which lies in the same line (no literal
    /// holds a line end), so no record before it holds either.
    pub fn next_literal(&self, text: &[u8], from: usize) -> Option<usize> {
        self.skim.as_ref()?.find(text, from)
    }

    /// Decides one record (its full text, line terminators included).
    pub fn decide(&self, record: &[u8]) -> Decision {
        // Most records hold no literal at all: one search, no allocation. Where there is one,
        // the search for the candidates goes on from it.
        if self.skim.as_ref().and_then(|s| s.find(record, 0)).is_none() {
            return Decision::Keep(None);
        }
        let mut hit = vec![false; self.rules.len()];
        // From the start: a literal that holds the one found may begin before it.
        self.scan_candidates_from(record, 0, &mut hit);
        self.decide_with(record, &hit, &mut |_, re| re.is_match(record))
    }

    /// [`RuleSet::decide`], with what each of the record's lines after the first was found to
    /// match kept in `cache` for the next records that hold the same line: records in a flood
    /// differ in their first line (time, thread) and repeat most of the rest (the frames of the
    /// same few traces) byte for byte.
    pub fn decide_cached(&self, record: &[u8], cache: &mut BodyCache) -> Decision {
        if !self.literals_line_local {
            return self.decide(record);
        }
        let Some((head, body)) = cache::split_head(record) else {
            return self.decide(record);
        };
        let line_local = self.line_local();
        let mut hit = cache
            .load(body, line_local.len(), self.rules.len(), |line, ids| {
                let mut hit = vec![false; self.rules.len()];
                self.add_candidates(line, &mut hit);
                ids.extend((0..hit.len()).filter(|&r| hit[r]).map(|r| r as u32));
            })
            .to_vec();
        self.add_candidates(head, &mut hit);
        self.decide_with(record, &hit, &mut |slot, re| {
            if line_local[slot] {
                // The rest first: in a flood its answers are known, and a trace's wording and
                // frames are in the rest more often than on the first line.
                cache.matches(body, slot, re) || re.is_match(head)
            } else {
                re.is_match(record)
            }
        })
    }

    /// Per slot, whether its regex only ever matches inside one line.
    pub(super) fn line_local(&self) -> &[bool] {
        self.line_local.get_or_init(|| {
            self.rules
                .iter()
                .flat_map(|r| [Some(&r.what), r.where_.as_ref(), r.never.as_ref()])
                .chain([self.global_never.as_ref()])
                .chain(self.evidence.regexes())
                .map(|re| re.is_some_and(|re| cache::is_line_local(re.as_str())))
                .collect()
        })
    }

    /// The decision, given the candidate rules and whether the regex in a slot matches.
    fn decide_with(
        &self,
        record: &[u8],
        hit: &[bool],
        is_match: &mut dyn FnMut(Slot, &Regex) -> bool,
    ) -> Decision {
        let mut near: Option<(usize, Miss)> = None;
        let mut vetoed: Option<bool> = None;
        for (i, rule) in self.rules.iter().enumerate() {
            if !hit[i] {
                continue;
            }
            match rule.test_with(3 * i, is_match) {
                Ok(()) => {
                    let global = *vetoed.get_or_insert_with(|| {
                        self.global_never
                            .as_ref()
                            .is_some_and(|re| is_match(3 * self.rules.len(), re))
                    });
                    if global {
                        // A rule that weighs evidence has no anchor of its own: a server's
                        // rule that came as close is the one to name.
                        if rule.evidence && near.as_ref().is_some_and(|(_, m)| rank(m) >= 2) {
                            return Decision::Keep(near);
                        }
                        return Decision::Keep(Some((i, Miss::GlobalNever)));
                    }
                    match self.weigh(rule, record, is_match) {
                        Ok(()) => return Decision::Squash(i),
                        Err(miss) => {
                            if near.as_ref().is_none_or(|(_, m)| rank(&miss) > rank(m)) {
                                near = Some((i, miss));
                            }
                        }
                    }
                }
                Err(miss) => {
                    // Report the rule that came closest: a veto beats a missing anchor beats
                    // missing wording.
                    if near.as_ref().is_none_or(|(_, m)| rank(&miss) > rank(m)) {
                        near = Some((i, miss));
                    }
                }
            }
        }
        Decision::Keep(near)
    }

    /// Why rule `i` does or does not take `record`, ignoring the other rules.
    pub fn test_rule(&self, i: usize, record: &[u8]) -> Result<(), Miss> {
        if !self.candidates(record)[i] {
            return Err(Miss::NoLiteral);
        }
        self.rules[i].test(record)?;
        if self
            .global_never
            .as_ref()
            .is_some_and(|re| re.is_match(record))
        {
            return Err(Miss::GlobalNever);
        }
        self.weigh(&self.rules[i], record, &mut |_, re| re.is_match(record))
    }

    /// For a rule that asks for evidence: inbound evidence, and no outbound evidence. The
    /// evidence regexes' slots follow the file-level `never`'s (see [`Slot`]).
    fn weigh(
        &self,
        rule: &Rule,
        record: &[u8],
        is_match: &mut dyn FnMut(Slot, &Regex) -> bool,
    ) -> Result<(), Miss> {
        if !rule.evidence {
            return Ok(());
        }
        match self
            .evidence
            .judge_with(record, 3 * self.rules.len() + 1, is_match)
        {
            Verdict::Inbound(_) => Ok(()),
            Verdict::Outbound(c) => Err(Miss::Outbound(c)),
            Verdict::Nothing => Err(Miss::NoInbound),
        }
    }

    /// Why rule `i` missed `record` as `--explain` says it: the evidence named where the
    /// miss was about evidence.
    pub fn why_not(&self, miss: &Miss, record: &[u8]) -> String {
        match miss {
            Miss::Outbound(c) => format!(
                "`what` matches, but {} keeps it",
                self.evidence.describe(*c, record)
            ),
            Miss::NoInbound => format!(
                "`what` matches, but no inbound evidence (none of {})",
                self.evidence.inbound_ids()
            ),
            other => other.describe().to_string(),
        }
    }

    /// For `--explain` of a record that `near` came closest to keeping: what the evidence
    /// said, where a rule that weighs evidence matched its wording and `near` is another rule
    /// (so that the evidence is named whichever rule came closest).
    pub fn evidence_aside(&self, near: usize, record: &[u8]) -> Option<String> {
        let (i, rule) = self
            .rules
            .iter()
            .enumerate()
            .find(|(i, r)| r.evidence && *i != near && r.test(record).is_ok())?;
        let miss = match self.evidence.judge(record) {
            Verdict::Outbound(c) => Miss::Outbound(c),
            Verdict::Nothing => Miss::NoInbound,
            Verdict::Inbound(_) => return None,
        };
        let _ = i;
        Some(format!(
            "rule `{}`: {}",
            rule.id,
            self.why_not(&miss, record)
        ))
    }

    /// What decided that rule `i` takes `record`, for `--explain`: the inbound evidence it
    /// shows, for a rule that asks for evidence (empty for the others).
    pub fn why_taken(&self, i: usize, record: &[u8]) -> String {
        if !self.rules[i].evidence {
            return String::new();
        }
        match self.evidence.judge(record) {
            Verdict::Inbound(c) => {
                format!(
                    "{}; no outbound evidence",
                    self.evidence.describe(c, record)
                )
            }
            _ => String::new(),
        }
    }
}

fn rank(miss: &Miss) -> u8 {
    match miss {
        Miss::NoLiteral => 0,
        Miss::What => 1,
        // A rule that weighs evidence comes after the servers' own (the generic family): its
        // misses rank with a missing anchor, so that on a tie a server's rule is named.
        Miss::Where | Miss::NoInbound | Miss::Outbound(_) => 2,
        Miss::Never | Miss::GlobalNever => 3,
    }
}
