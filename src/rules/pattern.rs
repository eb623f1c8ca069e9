//! Rule patterns as regexes: how each is compiled, and the fixed strings and syntax tree worked
//! out from it.
//!
//! Apart because both the loader (which checks and joins patterns) and the set (which prefilters
//! on their literals and asks whether they stay inside a line) read patterns this one way.

use regex::bytes::Regex;

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
pub(super) fn parse(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .crlf(true)
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// One regex matching where any of `patterns` matches; compiled now, or when first asked if
/// `later` (see [`Lazy`]).
pub(super) fn alternation(patterns: &[String], later: bool) -> Result<Lazy, regex::Error> {
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    if later {
        Ok(Lazy::later(joined))
    } else {
        Lazy::now(joined)
    }
}

/// A rule's regex, compiled when a record first asks it.
///
/// The built-in rules hold some 130 regexes, most of them for servers a given log never
/// mentions, and compiling them all was most of a run's start; a record asks only the regexes
/// of the rules whose literals it holds. Only the built-in files are compiled late: the test
/// suite compiles every one of their regexes, while a user's file is compiled as it is loaded,
/// so that a regex over the size limit is an error naming its line, never a failure in the
/// middle of a log.
#[derive(Clone, Debug)]
pub struct Lazy {
    source: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl Lazy {
    /// `source` compiled now.
    pub(super) fn now(source: String) -> Result<Lazy, regex::Error> {
        let re = compile(&source)?;
        Ok(Lazy {
            source,
            compiled: std::sync::OnceLock::from(re),
        })
    }

    /// `source`, which parses, compiled when first asked.
    pub(super) fn later(source: String) -> Lazy {
        Lazy {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The pattern, without compiling it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            compile(&self.source).expect(
                "a built-in regex compiles (the test `every_built_in_regex_compiles` checks)",
            )
        })
    }
}

impl std::ops::Deref for Lazy {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
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
