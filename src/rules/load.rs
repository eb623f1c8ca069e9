//! Reading one YAML rules file into rules, with a precise error for every mistake.
//!
//! The YAML is walked by hand over a position-annotated tree (saphyr's `MarkedYaml`), not
//! deserialised with serde, so that every error can name the file, line, column and rule, and an
//! unknown key can suggest the key that was meant.

use saphyr::{LoadableYamlNode, MarkedYaml, YamlData};

use super::event_yaml::parse_event;
use super::evidence::{self, ParsedEvidence};
use super::pattern::{Lazy, parse, required_literals};
use super::rule::{Examples, GroupBy, Rule};
use super::source::{MAX_FILE_BYTES, RuleSource, too_big};
use super::yaml::{
    Ctx, FileEnd, key_name, mapping, one_line, patterns, scalar_text, string, strings,
};
use crate::error::RuleError;

/// What one file contributes.
#[derive(Default)]
pub(super) struct ParsedFile {
    pub rules: Vec<Rule>,
    /// File-level `never` patterns (already checked to compile).
    pub never: Vec<String>,
    /// Its evidence classes and frame lists.
    pub evidence: ParsedEvidence,
}

const FILE_KEYS: &[&str] = &[
    "rules",
    "never",
    "evidence",
    "socket-frames",
    "runtime-frames",
];
const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "what",
    "where",
    "never",
    "group",
    "literal",
    "evidence",
    "event",
    "examples",
];
const EXAMPLE_KEYS: &[&str] = &["squash", "keep"];

/// The deepest nesting of lists and mappings accepted, aliases expanded. A rules file needs five
/// levels; the YAML loader builds its tree by recursion, so a file nested a few thousand deep
/// would overflow the stack and abort the process instead of being reported.
const MAX_DEPTH: usize = 64;

pub(super) fn parse_file(source: &RuleSource, errors: &mut Vec<RuleError>) -> ParsedFile {
    let mut out = ParsedFile::default();
    let at_start = |message: String| RuleError {
        file: source.name.clone(),
        line: 1,
        column: 1,
        rule: None,
        message,
    };
    if source.text.len() > MAX_FILE_BYTES {
        errors.push(too_big(&source.name, source.text.len() as u64));
        return out;
    }
    let end = FileEnd::of(&source.text);
    if let Some(m) = too_deep(&source.text) {
        errors.push(RuleError {
            file: source.name.clone(),
            line: m.line(),
            column: m.col() + 1,
            rule: None,
            message: format!(
                "lists and mappings nested more than {MAX_DEPTH} deep; a rules file needs five levels"
            ),
        });
        return out;
    }
    let docs = match MarkedYaml::load_from_str(&source.text) {
        Ok(docs) => docs,
        Err(e) => {
            let m = e.marker();
            let (line, column, at_end) = end.clamp(m.line(), m.col() + 1);
            let at_end = if at_end {
                " at the end of the file"
            } else {
                ""
            };
            errors.push(RuleError {
                file: source.name.clone(),
                line,
                column,
                rule: None,
                message: format!("not valid YAML{at_end}: {}", e.info()),
            });
            return out;
        }
    };
    let mut cx = Ctx {
        file: &source.name,
        end,
        errors,
        built_in: source.is_built_in(),
    };
    let Some(doc) = docs.first() else {
        cx.errors.push(at_start(
            "empty rules file; expected a mapping with `rules:`".into(),
        ));
        return out;
    };
    if docs.len() > 1 {
        cx.err(
            &docs[1],
            None,
            "more than one YAML document; put all rules in one",
        );
    }
    let Some(map) = mapping(&mut cx, doc, None, "the file") else {
        return out;
    };
    let (mut saw_rules, mut saw_evidence) = (false, false);
    for (key, value) in map {
        let Some(name) = key_name(&mut cx, key, None, FILE_KEYS) else {
            continue;
        };
        match name {
            "rules" => {
                saw_rules = true;
                if let YamlData::Sequence(items) = &value.data {
                    for item in items {
                        if let Some(rule) = parse_rule(&mut cx, item) {
                            out.rules.push(rule);
                        }
                    }
                } else {
                    cx.err(value, None, "`rules` must be a list of rules");
                }
            }
            "never" => {
                if let Some(p) = patterns(&mut cx, value, None, "never") {
                    out.never = p.list.into_iter().map(|(p, _)| p).collect();
                }
            }
            "evidence" => {
                saw_evidence = true;
                out.evidence.classes = evidence::parse_classes(&mut cx, value);
            }
            "socket-frames" => {
                out.evidence.socket = evidence::parse_frames(&mut cx, value, "socket-frames")
            }
            "runtime-frames" => {
                out.evidence.runtime = evidence::parse_frames(&mut cx, value, "runtime-frames")
            }
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    // A file of evidence classes alone needs no rules.
    if !saw_rules && !saw_evidence {
        cx.err(doc, None, "missing `rules:` (the list of rules)");
    }
    out
}

/// Where `text` nests lists and mappings deeper than [`MAX_DEPTH`], counting what its aliases
/// expand to, if it does. Walks the parser's events, which needs no recursion; a YAML error
/// stops the walk and is left for the loader to report.
fn too_deep(text: &str) -> Option<saphyr::Marker> {
    use saphyr_parser::{Event, Parser};
    // Each open list or mapping: its anchor (0 for none), and the deepest level reached in it.
    let mut open: Vec<(usize, usize)> = Vec::new();
    // The height of each anchored node, so that an alias counts as deep as what it copies.
    let mut heights = std::collections::HashMap::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return None;
        };
        let reached = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((anchor, open.len() + 1));
                open.len()
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, deepest)) = open.pop() {
                    if anchor > 0 {
                        heights.insert(anchor, deepest - open.len());
                    }
                    if let Some(parent) = open.last_mut() {
                        parent.1 = parent.1.max(deepest);
                    }
                }
                continue;
            }
            Event::Alias(id) => open.len() + heights.get(&id).copied().unwrap_or(0),
            _ => continue,
        };
        if let Some(top) = open.last_mut() {
            top.1 = top.1.max(reached);
        }
        if reached > MAX_DEPTH {
            return Some(span.start);
        }
    }
    None
}

fn parse_rule(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>) -> Option<Rule> {
    let map = mapping(cx, node, None, "a rule")?;
    // Find the id first, so every other error can name the rule.
    let id_node = map
        .iter()
        .find(|(k, _)| scalar_text(k).as_deref() == Some("id"))
        .map(|(_, v)| v);
    let id = match id_node {
        Some(v) => {
            let id = string(cx, v, None, "id")?;
            if id.is_empty()
                || !id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                cx.err(
                    v,
                    Some(&id),
                    "an id is lower-case letters, digits and `-` (it appears in summary lines)",
                );
                return None;
            }
            id
        }
        None => {
            cx.err(node, None, "missing `id`");
            return None;
        }
    };
    let rid = Some(id.as_str());
    let errors_before = cx.errors.len();
    let mut description = None;
    let mut what = None;
    let mut where_ = None;
    let mut never = None;
    let mut group = GroupBy::Chain;
    let mut literal = None;
    let mut asks_evidence = false;
    let mut event = None;
    let mut examples = Examples::default();
    for (key, value) in map {
        let Some(name) = key_name(cx, key, rid, RULE_KEYS) else {
            continue;
        };
        match name {
            "id" => {}
            "description" => {
                description = string(cx, value, rid, "description");
                if description
                    .as_deref()
                    .is_some_and(|d| d.trim().contains('\n'))
                {
                    cx.err(value, rid, "`description` is one line");
                }
            }
            "what" => what = patterns(cx, value, rid, "what").map(|p| (p, value)),
            "where" => where_ = patterns(cx, value, rid, "where"),
            "never" => never = patterns(cx, value, rid, "never"),
            "group" => group = parse_group(cx, value, rid).unwrap_or(GroupBy::Chain),
            "literal" => literal = strings(cx, value, rid, "literal"),
            "evidence" => match string(cx, value, rid, "evidence").as_deref() {
                Some("inbound") => asks_evidence = true,
                Some(other) => cx.err(
                    value,
                    rid,
                    format!(
                        "`evidence` is `inbound` (inbound evidence and no outbound evidence), not `{other}`"
                    ),
                ),
                None => {}
            },
            "event" => event = parse_event(cx, value, rid),
            "examples" => examples = parse_examples(cx, value, rid),
            _ => unreachable!("key_name only returns known keys"),
        }
    }
    if description.is_none() && cx.errors.len() == errors_before {
        cx.err(
            node,
            rid,
            "missing `description` (one line saying what the rule squashes)",
        );
    }
    let Some((what, what_node)) = what else {
        if cx.errors.len() == errors_before {
            cx.err(node, rid, "missing `what` (the wording: a list of regexes)");
        }
        return None;
    };
    let literals = match literal {
        Some(list) => {
            if list.iter().any(|(s, _)| s.is_empty()) {
                cx.err(what_node, rid, "`literal` strings must not be empty");
            }
            list.into_iter().map(|(s, _)| s.into_bytes()).collect()
        }
        None => {
            let mut all = Vec::new();
            for (pattern, _) in &what.list {
                match required_literals(pattern) {
                    Some(lits) => all.extend(lits),
                    None => {
                        cx.err(
                            what_node,
                            rid,
                            format!(
                                "cannot find fixed text that every match of `what` pattern \
                                 '{pattern}' contains; make it more specific or list such \
                                 strings under `literal:`"
                            ),
                        );
                    }
                }
            }
            all
        }
    };
    if cx.errors.len() > errors_before {
        return None;
    }
    Some(Rule {
        id: id.clone(),
        description: description.unwrap_or_default(),
        what: what.joined,
        where_: where_.filter(|w| !w.list.is_empty()).map(|w| w.joined),
        never: never.filter(|n| !n.list.is_empty()).map(|n| n.joined),
        group,
        literals,
        evidence: asks_evidence,
        event,
        examples,
        location: cx.loc(node),
    })
}

fn parse_group(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>, rid: Option<&str>) -> Option<GroupBy> {
    let text = string(cx, node, rid, "group")?;
    match text.as_str() {
        "chain" => Some(GroupBy::Chain),
        "rule" => Some(GroupBy::Rule),
        pattern => match group_regex(pattern, cx.built_in) {
            Ok((re, groups)) if groups >= 1 => Some(GroupBy::Capture(re)),
            Ok(_) => {
                cx.err(
                    node,
                    rid,
                    "`group` is `chain`, `rule`, or a regex with a capture group `( )`",
                );
                None
            }
            Err(e) => {
                cx.err(node, rid, format!("bad regex in `group`: {}", one_line(&e)));
                None
            }
        },
    }
}

/// A `group` regex and its number of capture groups: a built-in file's parsed now and compiled
/// when first asked, a user's compiled now (see [`Lazy`]).
fn group_regex(pattern: &str, built_in: bool) -> Result<(Lazy, usize), regex::Error> {
    if built_in && let Some(hir) = parse(pattern) {
        let groups = hir.properties().explicit_captures_len();
        return Ok((Lazy::later(pattern.to_string()), groups));
    }
    let re = Lazy::now(pattern.to_string())?;
    let groups = re.captures_len() - 1;
    Ok((re, groups))
}

fn parse_examples(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>, rid: Option<&str>) -> Examples {
    let mut ex = Examples::default();
    let Some(map) = mapping(cx, node, rid, "`examples`") else {
        return ex;
    };
    for (key, value) in map {
        match key_name(cx, key, rid, EXAMPLE_KEYS) {
            Some("squash") => ex.squash = strings(cx, value, rid, "squash").unwrap_or_default(),
            Some("keep") => ex.keep = strings(cx, value, rid, "keep").unwrap_or_default(),
            _ => {}
        }
    }
    ex
}
