//! A rule's `event:` read from its YAML (what an event is lives in `rules/event.rs`, which
//! the compiled rule names, so the reading is apart: the YAML helpers name rules' locations).

use saphyr::{MarkedYaml, YamlData};

use super::event::{EventSpec, MAX_WITHIN};
use super::pattern::{compile, parse};
use super::yaml::{Ctx, key_name, mapping, one_line, patterns, scalar_text, string};
use regex::bytes::Regex;

const EVENT_KEYS: &[&str] = &["key", "follow", "until", "within", "same-second"];

/// Parses a rule's `event:` mapping; errors name the key at fault.
pub(super) fn parse_event(
    cx: &mut Ctx<'_>,
    node: &MarkedYaml<'_>,
    rid: Option<&str>,
) -> Option<EventSpec> {
    let map = mapping(cx, node, rid, "`event`")?;
    let errors_before = cx.errors.len();
    let (mut key, mut follow, mut within, mut same_second) = (None, None, None, false);
    let mut until = Vec::new();
    for (k, value) in map {
        match key_name(cx, k, rid, EVENT_KEYS) {
            Some("key") => {
                let text = string(cx, value, rid, "key")?;
                match compile(&text) {
                    Ok(re) if re.captures_len() >= 2 => key = Some(re),
                    Ok(_) => cx.err(
                        value,
                        rid,
                        "`event.key` is a regex with a capture group `( )`: what names the connection or request",
                    ),
                    Err(e) => cx.err(value, rid, format!("bad regex in `event.key`: {}", one_line(&e))),
                }
            }
            Some("follow") => follow = parse_follow(cx, value, rid),
            Some("until") => until = parse_follow(cx, value, rid).unwrap_or_default(),
            Some("within") => within = parse_within(cx, value, rid),
            Some("same-second") => match scalar_text(value).as_deref() {
                Some("true") => same_second = true,
                Some("false") => same_second = false,
                _ => cx.err(value, rid, "`same-second` is `true` or `false`"),
            },
            _ => {}
        }
    }
    if cx.errors.len() > errors_before {
        return None;
    }
    let Some(follow) = follow else {
        cx.err(
            node,
            rid,
            "`event` needs `follow:` (the records the event absorbs: a list of regexes)",
        );
        return None;
    };
    let Some(within) = within else {
        cx.err(
            node,
            rid,
            format!("`event` needs `within:` (how many lines after the event a follow-up may end, 1 to {MAX_WITHIN})"),
        );
        return None;
    };
    if key.is_none() && follow.iter().chain(&until).any(|re| re.captures_len() > 1) {
        cx.err(
            node,
            rid,
            "a `follow` or `until` pattern has a capture group to compare, but the event has no `key:` to compare it with",
        );
        return None;
    }
    Some(EventSpec {
        key,
        follow,
        until,
        within,
        same_second,
    })
}

fn parse_follow(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>, rid: Option<&str>) -> Option<Vec<Regex>> {
    let list = patterns(cx, node, rid, "follow")?;
    let mut out = Vec::new();
    for (pattern, loc) in &list.list {
        let re = match compile(pattern) {
            Ok(re) => re,
            Err(e) => {
                cx.errors
                    .push(loc.error(rid, format!("bad regex in `follow`: {}", one_line(&e))));
                continue;
            }
        };
        // The cut search matches follow patterns over a stretch of lines, not over one record:
        // a pattern anchored at the record's start or end would see other bounds there.
        let anchored = parse(pattern).is_some_and(|hir| {
            let looks = hir.properties().look_set();
            looks.contains(regex_syntax::hir::Look::Start)
                || looks.contains(regex_syntax::hir::Look::End)
        });
        if anchored {
            cx.errors.push(loc.error(
                rid,
                "`follow` patterns cannot use `\\A` or `\\z` (they are also matched over several records at once); anchor on a line with `^` and `$`",
            ));
            continue;
        }
        out.push(re);
    }
    (out.len() == list.list.len()).then_some(out)
}

fn parse_within(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>, rid: Option<&str>) -> Option<usize> {
    let n = match &node.data {
        YamlData::Value(saphyr::Scalar::Integer(n)) => Some(*n),
        _ => scalar_text(node).and_then(|t| t.parse::<i64>().ok()),
    };
    match n {
        Some(n) if (1..=MAX_WITHIN as i64).contains(&n) => Some(n as usize),
        _ => {
            cx.err(
                node,
                rid,
                format!("`within` is a number of lines, 1 to {MAX_WITHIN}"),
            );
            None
        }
    }
}
