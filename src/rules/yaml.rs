//! Walking a position-annotated YAML tree (saphyr's `MarkedYaml`) with an error for every
//! mistake that names the file, line, column and rule: the shapes a rules file is made of
//! (mappings, known keys, strings, lists of regexes), shared by the rules and the evidence
//! classes they weigh.

use saphyr::{MarkedYaml, Scalar, YamlData};

use super::pattern::{Lazy, alternation, compile, parse};
use super::rule::Location;
use crate::error::RuleError;

/// Where errors go, and which file they are about.
pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub end: FileEnd,
    pub errors: &'a mut Vec<RuleError>,
    /// A built-in file: its regexes are compiled when first asked (see [`Lazy`]).
    pub built_in: bool,
}

impl Ctx<'_> {
    pub fn loc(&self, node: &MarkedYaml<'_>) -> Location {
        let m = node.span.start;
        let (line, column, _) = self.end.clamp(m.line(), m.col() + 1);
        Location {
            file: self.file.to_string(),
            line,
            column,
        }
    }

    pub fn err(&mut self, node: &MarkedYaml<'_>, rule: Option<&str>, message: impl Into<String>) {
        let e = self.loc(node).error(rule, message);
        self.errors.push(e);
    }
}

pub(super) type Map<'a, 'input> = &'a saphyr::AnnotatedMapping<'input, MarkedYaml<'input>>;

pub(super) fn mapping<'a, 'input>(
    cx: &mut Ctx<'_>,
    node: &'a MarkedYaml<'input>,
    rid: Option<&str>,
    what: &str,
) -> Option<Map<'a, 'input>> {
    match &node.data {
        YamlData::Mapping(m) => Some(m),
        _ => {
            cx.err(
                node,
                rid,
                format!("{what} must be a mapping of `key: value`"),
            );
            None
        }
    }
}

/// The key as text, if it is one of `known`; otherwise an error with a suggestion.
pub(super) fn key_name(
    cx: &mut Ctx<'_>,
    key: &MarkedYaml<'_>,
    rid: Option<&str>,
    known: &[&'static str],
) -> Option<&'static str> {
    let Some(text) = scalar_text(key) else {
        cx.err(key, rid, "keys must be plain words");
        return None;
    };
    if let Some(k) = known.iter().find(|k| **k == text) {
        return Some(k);
    }
    let hint = known
        .iter()
        .map(|k| (edit_distance(k, &text), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_else(|| {
            format!(
                "; expected one of {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    cx.err(key, rid, format!("unknown key `{text}`{hint}"));
    None
}

pub(super) fn scalar_text(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(s) => Some(match s {
            Scalar::String(s) => s.to_string(),
            Scalar::Integer(i) => i.to_string(),
            Scalar::FloatingPoint(f) => f.to_string(),
            Scalar::Boolean(b) => b.to_string(),
            Scalar::Null => return None,
        }),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}

pub(super) fn string(
    cx: &mut Ctx<'_>,
    node: &MarkedYaml<'_>,
    rid: Option<&str>,
    key: &str,
) -> Option<String> {
    let text = scalar_text(node);
    if text.is_none() {
        cx.err(node, rid, format!("`{key}` must be a string"));
    }
    text
}

/// A list of strings (a single string counts as a list of one), each with its position.
pub(super) fn strings(
    cx: &mut Ctx<'_>,
    node: &MarkedYaml<'_>,
    rid: Option<&str>,
    key: &str,
) -> Option<Vec<(String, Location)>> {
    match &node.data {
        YamlData::Sequence(items) => {
            let mut out = Vec::new();
            for item in items {
                out.push((string(cx, item, rid, key)?, cx.loc(item)));
            }
            Some(out)
        }
        _ => Some(vec![(string(cx, node, rid, key)?, cx.loc(node))]),
    }
}

/// A key's list of regexes, and the one regex that matches where any of them does.
pub(super) struct Patterns {
    pub list: Vec<(String, Location)>,
    pub joined: Lazy,
}

/// A list of regexes, compiled once as their alternation. Each is parsed alone first (cheap),
/// so that an error is reported where it was written; only when that or the alternation fails
/// is a pattern compiled alone, to name the one at fault with the regex crate's own message.
pub(super) fn patterns(
    cx: &mut Ctx<'_>,
    node: &MarkedYaml<'_>,
    rid: Option<&str>,
    key: &str,
) -> Option<Patterns> {
    let list = strings(cx, node, rid, key)?;
    let mut ok = true;
    // Compiled alone as it will be used, inside a group: a pattern at the nesting limit alone
    // is over it there.
    let fails_alone = |pattern: &str, loc: &Location, errors: &mut Vec<RuleError>| match compile(
        &format!("(?:{pattern})"),
    ) {
        Ok(_) => false,
        Err(e) => {
            errors.push(loc.error(rid, format!("bad regex in `{key}`: {}", one_line(&e))));
            true
        }
    };
    for (pattern, loc) in &list {
        if pattern.is_empty() {
            cx.errors.push(loc.error(
                rid,
                format!("empty pattern in `{key}` would match everything"),
            ));
            ok = false;
        } else if parse(&format!("(?:{pattern})")).is_none() && fails_alone(pattern, loc, cx.errors)
        {
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let all: Vec<String> = list.iter().map(|(p, _)| p.clone()).collect();
    match alternation(&all, cx.built_in) {
        Ok(joined) => Some(Patterns { list, joined }),
        Err(e) => {
            let mut alone_ok = true;
            for (pattern, loc) in &list {
                alone_ok &= !fails_alone(pattern, loc, cx.errors);
            }
            if alone_ok {
                cx.err(
                    node,
                    rid,
                    format!("the patterns in `{key}` together: {}", one_line(&e)),
                );
            }
            None
        }
    }
}

/// Where a file ends, to keep reported positions inside it: the YAML parser places what it finds
/// at the end of a file without a final line break on the line after the last, which no editor
/// can go to.
#[derive(Clone, Copy)]
pub(super) struct FileEnd {
    /// Lines, counted as YAML breaks them (`\n`, `\r\n`, a lone `\r`).
    lines: usize,
    /// Characters on the last line.
    last_line_chars: usize,
}

impl FileEnd {
    pub fn of(text: &str) -> FileEnd {
        let text = text.replace("\r\n", "\n");
        FileEnd {
            lines: 1 + text.matches(['\n', '\r']).count(),
            last_line_chars: text
                .rsplit(['\n', '\r'])
                .next()
                .unwrap_or("")
                .chars()
                .count(),
        }
    }

    /// `(line, column)` kept inside the file, and whether it was moved to the file's end.
    pub fn clamp(self, line: usize, column: usize) -> (usize, usize, bool) {
        if line <= self.lines {
            (line, column, false)
        } else {
            (self.lines, self.last_line_chars + 1, true)
        }
    }
}

/// The regex crate's multi-line error (pattern, caret, message) folded into one line.
pub(super) fn one_line(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => s
            .lines()
            .rev()
            .find(|l| l.starts_with("error: "))
            .map(|l| l.trim_start_matches("error: ").to_string())
            .unwrap_or_else(|| s.replace('\n', " ")),
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled pattern is larger than {limit} bytes; simplify it")
        }
        other => other.to_string(),
    }
}

pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
