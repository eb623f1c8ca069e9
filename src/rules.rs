//! YAML rules → compiled rules, a literal prefilter, and the decision for each record.
//!
//! A rule takes a record when one of its `what` regexes matches, one of its `where` regexes
//! matches (if it has any), and none of its own `never` regexes nor any file-level `never` regex
//! matches. Rules are tried in the order they were loaded; the first that takes a record wins.
//!
//! Regexes never run on records that cannot match: every rule carries fixed strings (worked out
//! from `what`, or given as `literal:`), one of which must occur in any record it takes, and one
//! Aho-Corasick automaton over all of them picks the candidate rules first. What they find in
//! each of a record's lines after the first is kept, line by line, for the next records that
//! hold the same lines ([`BodyCache`], in `rules/cache.rs`).
//!
//! The YAML side (positions, unknown keys, examples) lives in `rules/load.rs`; this file owns the
//! compiled form.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::bytes::Regex;

use crate::error::{Error, RuleError};

mod cache;
mod check;
pub mod listing;
mod load;
#[cfg(test)]
mod tests;

pub use cache::BodyCache;

/// The built-in rule files, compiled into the binary: `(name, YAML)`.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "rules/outbound.yaml",
        include_str!("../rules/outbound.yaml"),
    ),
    ("rules/tomcat.yaml", include_str!("../rules/tomcat.yaml")),
    ("rules/jetty.yaml", include_str!("../rules/jetty.yaml")),
    (
        "rules/undertow.yaml",
        include_str!("../rules/undertow.yaml"),
    ),
    ("rules/netty.yaml", include_str!("../rules/netty.yaml")),
    ("rules/spring.yaml", include_str!("../rules/spring.yaml")),
    ("rules/jdk.yaml", include_str!("../rules/jdk.yaml")),
    ("rules/windows.yaml", include_str!("../rules/windows.yaml")),
    ("rules/python.yaml", include_str!("../rules/python.yaml")),
    ("rules/node.yaml", include_str!("../rules/node.yaml")),
    ("rules/dotnet.yaml", include_str!("../rules/dotnet.yaml")),
    ("rules/go.yaml", include_str!("../rules/go.yaml")),
    ("rules/nginx.yaml", include_str!("../rules/nginx.yaml")),
    ("rules/apache.yaml", include_str!("../rules/apache.yaml")),
];

/// One rules file's text and the name to report it by.
#[derive(Clone, Debug)]
pub struct RuleSource {
    pub name: String,
    pub text: String,
}

impl RuleSource {
    /// The built-in rule files.
    pub fn built_in() -> Vec<RuleSource> {
        BUILT_IN
            .iter()
            .map(|(name, text)| RuleSource {
                name: (*name).to_string(),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// Reads a rules file from disk. A file over the size limit is refused by its size, before
    /// it is read, so that a 100 MB file does not take 100 MB of memory to be refused.
    pub fn read(path: &std::path::Path) -> Result<RuleSource, Error> {
        use std::io::Read;
        let err = |source| Error::RulesFile {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(err)?;
        let len = file.metadata().map_err(err)?.len();
        if len > load::MAX_FILE_BYTES as u64 {
            let name = path.display().to_string();
            return Err(Error::Rules(vec![load::too_big(&name, len)]));
        }
        // Not a regular file (a pipe): read one byte past the limit at most.
        let mut text = String::new();
        file.take(load::MAX_FILE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(err)?;
        Ok(RuleSource {
            name: path.display().to_string(),
            text,
        })
    }
}

/// Where something was written in a rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    fn error(&self, rule: Option<&str>, message: impl Into<String>) -> RuleError {
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
    Capture(Regex),
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub description: String,
    what: Regex,
    where_: Option<Regex>,
    never: Option<Regex>,
    pub group: GroupBy,
    /// Fixed strings, one of which occurs in every record this rule takes.
    pub literals: Vec<Vec<u8>>,
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
}

impl Miss {
    pub fn describe(&self) -> &'static str {
        match self {
            Miss::NoLiteral => "none of its literals occurs",
            Miss::What => "no `what` pattern matches",
            Miss::Where => "`what` matches but no `where` pattern does (no inbound anchor)",
            Miss::Never => "one of its `never` patterns matches (outbound anchor)",
            Miss::GlobalNever => "a file-level `never` pattern matches (outbound anchor)",
        }
    }
}

/// What [`RuleSet::decide`] found for a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The rule with this index takes the record.
    Squash(usize),
    /// No rule takes it; where some rule came close, which one and why it did not.
    Keep(Option<(usize, Miss)>),
}

/// All loaded rules, ready to decide records.
#[derive(Clone, Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    global_never: Option<Regex>,
    /// Over every rule's literals; `None` when there are no rules.
    prefilter: Option<AhoCorasick>,
    /// For each prefilter pattern, the rules it proves candidates: its own, and those of the
    /// patterns that are prefixes of it.
    pattern_rules: Vec<Vec<usize>>,
    /// Per regex slot (see [`Slot`]), whether it only ever matches inside one line, so that a
    /// record's answer is that of one of its lines (see [`BodyCache`]). Worked out when
    /// first needed: it costs milliseconds, and a pipe's first line must not wait for it.
    line_local: std::sync::OnceLock<Vec<bool>>,
    /// No prefilter literal holds a `\n`, so each occurrence lies inside one line.
    literals_line_local: bool,
}

/// Which of a rule set's regexes: rule `i`'s `what`, `where`, `never` are slots `3i`, `3i + 1`,
/// `3i + 2`; the file-level `never` is the slot after the last rule's.
type Slot = usize;

impl RuleSet {
    /// Loads and compiles rule files, reporting every problem found in any of them.
    pub fn load(sources: &[RuleSource]) -> Result<RuleSet, Error> {
        let mut errors = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut never = Vec::new();
        for source in sources {
            let file = load::parse_file(source, &mut errors);
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
        if !errors.is_empty() {
            return Err(Error::Rules(errors));
        }
        // Each file's patterns compiled together; those of all files may still be too large.
        let global_never = match (!never.is_empty()).then(|| alternation(&never)) {
            None => None,
            Some(Ok(re)) => Some(re),
            Some(Err(e)) => {
                let file = sources.last().map_or_else(String::new, |s| s.name.clone());
                let message = format!(
                    "the file-level `never` patterns of all rules files together: {}",
                    load::one_line(&e)
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
        Ok(RuleSet::new(rules, global_never))
    }

    fn new(rules: Vec<Rule>, global_never: Option<Regex>) -> RuleSet {
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
        let prefilter = (!patterns.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .expect("literal sets are bounded in size")
        });
        RuleSet {
            literals_line_local: patterns.iter().all(|p| !p.contains(&b'\n')),
            rules,
            global_never,
            prefilter,
            pattern_rules: implied,
            line_local: std::sync::OnceLock::new(),
        }
    }

    /// A rule set with no rules: every record is kept.
    pub fn empty() -> RuleSet {
        RuleSet::new(Vec::new(), None)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
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
        if let Some(ac) = &self.prefilter {
            let mut at = from;
            while let Some(m) = ac.find(aho_corasick::Input::new(record).range(at..)) {
                for &r in &self.pattern_rules[m.pattern().as_usize()] {
                    hit[r] = true;
                }
                at = m.start() + 1;
            }
        }
    }

    /// Where the first literal of any rule starts in `text`, at `from` or later: no record that
    /// lies wholly before it can be taken by any rule (each rule needs one of its literals), so
    /// everything up to it may be kept without asking the rules.
    pub fn next_literal(&self, text: &[u8], from: usize) -> Option<usize> {
        let ac = self.prefilter.as_ref()?;
        ac.find(aho_corasick::Input::new(text).range(from..))
            .map(|m| m.start())
    }

    /// Decides one record (its full text, line terminators included).
    pub fn decide(&self, record: &[u8]) -> Decision {
        // Most records hold no literal at all: one search, no allocation. Where there is one,
        // the search for the candidates goes on from it.
        let Some(first) = self.prefilter.as_ref().and_then(|ac| ac.find(record)) else {
            return Decision::Keep(None);
        };
        let mut hit = vec![false; self.rules.len()];
        self.add_candidates_from(record, first.start(), &mut hit);
        self.decide_with(&hit, &mut |_, re| re.is_match(record))
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
        self.decide_with(&hit, &mut |slot, re| {
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
    fn line_local(&self) -> &[bool] {
        self.line_local.get_or_init(|| {
            self.rules
                .iter()
                .flat_map(|r| [Some(&r.what), r.where_.as_ref(), r.never.as_ref()])
                .chain([self.global_never.as_ref()])
                .map(|re| re.is_some_and(cache::is_line_local))
                .collect()
        })
    }

    /// The decision, given the candidate rules and whether the regex in a slot matches.
    fn decide_with(
        &self,
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
                        return Decision::Keep(Some((i, Miss::GlobalNever)));
                    }
                    return Decision::Squash(i);
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
        Ok(())
    }
}

fn rank(miss: &Miss) -> u8 {
    match miss {
        Miss::NoLiteral => 0,
        Miss::What => 1,
        Miss::Where => 2,
        Miss::Never | Miss::GlobalNever => 3,
    }
}

impl Rule {
    /// The rule's own conditions (the prefilter and file-level vetoes aside).
    fn test(&self, record: &[u8]) -> Result<(), Miss> {
        self.test_with(0, &mut |_, re| re.is_match(record))
    }

    /// The same, asking `is_match` about each regex by its slot (`first`, `first + 1`,
    /// `first + 2` for `what`, `where`, `never`).
    fn test_with(
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

/// Compiles one pattern the way every rule pattern is compiled: bytes, multi-line, CRLF-aware,
/// and ASCII classes (`\w`, `\b`, `\d`, `(?i)` are ASCII; other text matches as its UTF-8
/// bytes). Unicode word boundaries would force the slowest regex engine onto every record.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .multi_line(true)
        .crlf(true)
        .unicode(false)
        .size_limit(1 << 24)
        .build()
}

/// Parses `pattern` as [`compile`] reads it, into the syntax tree the literal and line analyses
/// look at (and without building a matcher, which is most of the cost of compiling).
fn parse(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .crlf(true)
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// One regex matching where any of `patterns` matches.
fn alternation(patterns: &[String]) -> Result<Regex, regex::Error> {
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    compile(&joined)
}

/// The shortest fixed string worth prefiltering on.
const MIN_LITERAL: usize = 3;

/// The fixed strings one of which every match of `pattern` contains, if they can be worked out.
///
/// Takes the pattern's literal prefixes, or failing that its suffixes; a set that is infinite,
/// or that holds a string shorter than [`MIN_LITERAL`], is no use.
pub fn required_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = parse(pattern)?;
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let mut extractor = Extractor::new();
        extractor.kind(kind);
        let seq = extractor.extract(&hir);
        // Very short strings (a digit, `: `) are in almost every line: no filter at all.
        if let Some(lits) = seq.literals()
            && !lits.is_empty()
            && lits.iter().all(|l| l.as_bytes().len() >= MIN_LITERAL)
        {
            let mut out: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
            out.dedup();
            return Some(out);
        }
    }
    None
}
