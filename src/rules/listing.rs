//! What `resetsquash rules list`, `rules literals` and `rules check` print: the rule set as
//! text for people and for scripts, apart from the rules themselves.

use regex::bytes::Regex;

use super::set::RuleSet;
use crate::error::Error;
use crate::words::counted;

/// One line per rule: its id, where it is defined and its description, in columns as wide as
/// their widest entry so that every row lines up.
pub fn table(rules: &RuleSet) -> String {
    let rows: Vec<[String; 3]> = rules
        .rules()
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                format!("{}:{}", r.location.file, r.location.line),
                r.description.clone(),
            ]
        })
        .collect();
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let (id, at) = (width(0), width(1));
    let mut out = String::new();
    for [rule, location, description] in &rows {
        out.push_str(&format!("{rule:<id$}  {location:<at$}  {description}\n"));
    }
    out
}

/// Every rule's literals, one per line, in rule order: the fixed strings a record must hold
/// for any rule to take it (what `rg -F -f` takes, to compare with).
pub fn literals(rules: &RuleSet) -> Vec<u8> {
    let mut out = Vec::new();
    for lit in rules.rules().iter().flat_map(|r| &r.literals) {
        out.extend_from_slice(lit);
        out.push(b'\n');
    }
    out
}

/// Runs every rule's examples (cut into records as `record_start` says, if given) and says
/// how many behave; the first that does not is the error.
pub fn check(rules: &RuleSet, record_start: Option<&Regex>) -> Result<String, Error> {
    rules.check_examples_starting(record_start)?;
    let examples: usize = rules
        .rules()
        .iter()
        .map(|r| r.examples.squash.len() + r.examples.keep.len())
        .sum();
    let behave = if examples == 1 { "behaves" } else { "behave" };
    Ok(format!(
        "ok: {}, {} {behave}\n",
        counted(rules.rules().len() as u64, "rule", "rules"),
        counted(examples as u64, "example", "examples"),
    ))
}
