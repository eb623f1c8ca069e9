//! Evidence classes: what a record shows about whose connection failed, the inbound client's
//! or one this process opened itself, and the verdict they give together.
//!
//! A rule's `where` names the frames of one server. An evidence class names one kind of sign
//! that holds across servers (a server's logger, a request thread, a driver's frames), so that
//! a rule asking for evidence (`evidence: inbound`) takes a known abort wording from a server
//! no rule knows, or from a record cut short. Classes are data, loaded from the rules files
//! (`evidence:`), shared by every rule that asks, each with examples that `rules check` runs.
//!
//! The verdict is lopsided on purpose: any outbound class keeps the record, whatever inbound
//! evidence it also shows, because a request thread, a server's logger or a servlet that threw
//! is just as present when a handler's own outbound call fails. Only the innermost frames tell
//! the side by themselves: the first frame above the runtime's socket code is the code that
//! owns the socket (a server's connector, or the application's own socket or client).

use regex::bytes::Regex;
use saphyr::{MarkedYaml, YamlData};

use super::pattern::{Lazy, alternation};
use super::rule::Location;
use super::yaml::{Ctx, key_name, mapping, patterns, string, strings};

/// Which side a class is evidence for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The failing connection was the inbound client's.
    Inbound,
    /// The failing connection was one this process opened (or owns): the record is kept.
    Outbound,
    /// Says nothing about the side; as an innermost frame it stops the search there (a
    /// transport shared by servers and clients, such as Netty's channels).
    Neither,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Inbound => "inbound",
            Side::Outbound => "outbound",
            Side::Neither => "neither",
        }
    }
}

/// One kind of evidence, as a rules file defines it.
#[derive(Clone, Debug)]
pub struct EvidenceClass {
    pub id: String,
    pub side: Side,
    pub description: String,
    /// Matched against the whole record, as a rule's patterns are.
    pub(super) patterns: Option<Lazy>,
    /// Matched against the innermost frame: the first frame line above the runtime's socket
    /// frames that is not itself a runtime frame.
    pub(super) innermost: Option<Lazy>,
    pub examples: ClassExamples,
    pub location: Location,
}

/// A class's own test records: it must be found in each `present` one and in no `absent` one.
#[derive(Clone, Debug, Default)]
pub struct ClassExamples {
    pub present: Vec<(String, Location)>,
    pub absent: Vec<(String, Location)>,
}

/// What the classes say about one record, outbound first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// This outbound class is present (the record is kept, whatever else it shows).
    Outbound(usize),
    /// No outbound class, and this inbound class is present.
    Inbound(usize),
    /// Neither.
    Nothing,
}

/// All loaded evidence classes, ready to judge records.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    classes: Vec<EvidenceClass>,
    /// A frame of the runtime's socket code (`sun.nio.ch.SocketDispatcher.write0`): where the
    /// innermost frames start.
    socket: Option<Lazy>,
    /// Frames of the runtime passed over on the way up to the socket's owner (streams, TLS).
    runtime: Option<Lazy>,
}

/// What one file says about evidence.
#[derive(Default)]
pub(super) struct ParsedEvidence {
    pub classes: Vec<EvidenceClass>,
    pub socket: Vec<String>,
    pub runtime: Vec<String>,
}

/// The most frames climbed from a socket frame to its owner.
const MAX_CLIMB: usize = 64;

impl Evidence {
    /// The set of `classes`, with the socket and runtime frame patterns of all files (already
    /// checked to compile one by one).
    pub(super) fn new(
        classes: Vec<EvidenceClass>,
        socket: &[String],
        runtime: &[String],
        later: bool,
    ) -> Result<Evidence, regex::Error> {
        let join = |p: &[String]| (!p.is_empty()).then(|| alternation(p, later)).transpose();
        Ok(Evidence {
            socket: join(socket)?,
            runtime: join(runtime)?,
            classes,
        })
    }

    pub fn classes(&self) -> &[EvidenceClass] {
        &self.classes
    }

    /// Whether some class is evidence for the inbound side (a rule that asks for evidence
    /// could take nothing without one).
    pub fn has_inbound(&self) -> bool {
        self.classes.iter().any(|c| c.side == Side::Inbound)
    }

    /// The regexes a verdict asks about, in the order [`Evidence::judge_with`] numbers them
    /// from its `first` slot: each class's `patterns` (`None` for a class without), then the
    /// socket frames. The rule set keeps their answers line by line, as it does its rules'.
    pub(super) fn regexes(&self) -> impl Iterator<Item = Option<&Lazy>> {
        self.classes
            .iter()
            .map(|c| c.patterns.as_ref())
            .chain([self.socket.as_ref()])
    }

    /// Every regex of the set, asked or not (each class's `innermost` too, and the runtime
    /// frames).
    #[cfg(test)]
    pub(super) fn all_regexes(&self) -> impl Iterator<Item = &Lazy> {
        self.classes
            .iter()
            .flat_map(|c| [c.patterns.as_ref(), c.innermost.as_ref()])
            .chain([self.socket.as_ref(), self.runtime.as_ref()])
            .flatten()
    }

    /// The verdict on `record`: an outbound class if there is one, else an inbound one.
    pub fn judge(&self, record: &[u8]) -> Verdict {
        self.judge_with(record, 0, &mut |_, re| re.is_match(record))
    }

    /// [`Evidence::judge`], asking `is_match` about each of [`Evidence::regexes`] by its slot
    /// (`first` and on). Any outbound class decides; a record with no inbound class at all is
    /// not searched for one (most records asked about have none, and are kept either way).
    pub(super) fn judge_with(
        &self,
        record: &[u8],
        first: usize,
        is_match: &mut dyn FnMut(usize, &Regex) -> bool,
    ) -> Verdict {
        let shows = |side: Side, is_match: &mut dyn FnMut(usize, &Regex) -> bool| {
            self.classes.iter().enumerate().position(|(i, c)| {
                c.side == side
                    && c.patterns
                        .as_ref()
                        .is_some_and(|re| is_match(first + i, re))
            })
        };
        // The climb to the socket's owner only where there is a socket frame.
        let innermost = self
            .socket
            .as_ref()
            .filter(|re| is_match(first + self.classes.len(), re))
            .and_then(|_| self.innermost(record))
            .map(|(c, _)| c);
        let side = |c: &usize| self.classes[*c].side;
        let owner_outbound = innermost.filter(|c| side(c) == Side::Outbound);
        let inbound =
            shows(Side::Inbound, is_match).or(innermost.filter(|c| side(c) == Side::Inbound));
        let Some(inbound) = inbound else {
            return owner_outbound.map_or(Verdict::Nothing, Verdict::Outbound);
        };
        // The patterns first: they name the client (its frames, its logger), the innermost
        // frame only whose socket it is.
        match shows(Side::Outbound, is_match).or(owner_outbound) {
            Some(c) => Verdict::Outbound(c),
            None => Verdict::Inbound(inbound),
        }
    }

    /// The class of the innermost frames: climbing from each run of runtime socket frames to
    /// the first frame that is not the runtime's, the first class whose `innermost` matches
    /// it. An outbound owner anywhere wins over an inbound one elsewhere in the record.
    ///
    /// Gives the class and where its frame line is in `record`.
    fn innermost(&self, record: &[u8]) -> Option<(usize, std::ops::Range<usize>)> {
        let socket = self.socket.as_ref()?;
        let mut found = None;
        let mut from = 0;
        while let Some(m) = socket.find_at(record, from) {
            let mut at = line_after(record, m.end());
            from = at;
            for _ in 0..MAX_CLIMB {
                let Some(line) = line_at(record, at) else {
                    break;
                };
                let here = at..at + line.len();
                from = at + line.len();
                at = line_after(record, at);
                let body = trim_end(line);
                if !is_frame(body) {
                    break;
                }
                if socket.is_match(body) || self.runtime.as_ref().is_some_and(|r| r.is_match(body))
                {
                    continue;
                }
                let owner = self
                    .classes
                    .iter()
                    .position(|c| c.innermost.as_ref().is_some_and(|r| r.is_match(body)));
                if let Some(c) = owner {
                    if self.classes[c].side == Side::Outbound {
                        return Some((c, here));
                    }
                    found = found.or(Some((c, here)));
                }
                break;
            }
            if from <= m.start() {
                from = m.end();
            }
        }
        found
    }

    /// Every class the record shows, each with the text that shows it (for `--explain`).
    pub fn found(&self, record: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let innermost = self.innermost(record);
        for (i, class) in self.classes.iter().enumerate() {
            // What the pattern captures, where it has a group: the thread, not its line.
            let seen = class
                .patterns
                .as_ref()
                .and_then(|r| r.captures(record))
                .map(|c| {
                    let m = c.iter().skip(1).flatten().next().or_else(|| c.get(0));
                    m.map_or(&[][..], |m| m.as_bytes())
                });
            if let Some(text) = seen {
                out.push((i, shown(text)));
            } else if let Some((_, range)) = innermost.as_ref().filter(|(c, _)| *c == i) {
                out.push((
                    i,
                    format!("innermost frame {}", shown(&record[range.clone()])),
                ));
            }
        }
        out
    }

    /// Whether class `i` is found in `record` (for its examples).
    pub fn shows(&self, i: usize, record: &[u8]) -> bool {
        let class = &self.classes[i];
        class.patterns.as_ref().is_some_and(|r| r.is_match(record))
            || (class.innermost.is_some() && self.innermost(record).is_some_and(|(c, _)| c == i))
    }

    /// The words for a verdict's class: its side, id and what shows it.
    pub fn describe(&self, i: usize, record: &[u8]) -> String {
        let class = &self.classes[i];
        let what = self
            .found(record)
            .into_iter()
            .find(|(c, _)| *c == i)
            .map_or_else(String::new, |(_, text)| format!(" ({text})"));
        format!("{} evidence `{}`{what}", class.side.name(), class.id)
    }

    /// The inbound classes, by id, for the nearest miss of a record that showed none.
    pub fn inbound_ids(&self) -> String {
        let ids: Vec<String> = self
            .classes
            .iter()
            .filter(|c| c.side == Side::Inbound)
            .map(|c| format!("`{}`", c.id))
            .collect();
        ids.join(", ")
    }
}

/// A frame line: `at ...` after indentation (Java, .NET).
fn is_frame(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.starts_with(b"at ")
}

/// The line that starts at `at`, terminator included, if there is one.
fn line_at(record: &[u8], at: usize) -> Option<&[u8]> {
    (at < record.len()).then(|| &record[at..line_after(record, at)])
}

/// Where the line after the one holding byte `at` starts.
fn line_after(record: &[u8], at: usize) -> usize {
    match memchr::memchr(b'\n', &record[at.min(record.len())..]) {
        Some(i) => at + i + 1,
        None => record.len(),
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Matched text as `--explain` quotes it: one line, at most 80 bytes.
fn shown(text: &[u8]) -> String {
    let text = trim_end(text.split(|&b| b == b'\n').next().unwrap_or(text)).trim_ascii();
    let mut end = text.len().min(80);
    while end > 0 && end < text.len() && (text[end] & 0xc0) == 0x80 {
        end -= 1;
    }
    format!("`{}`", String::from_utf8_lossy(&text[..end]))
}

const CLASS_KEYS: &[&str] = &[
    "id",
    "side",
    "description",
    "patterns",
    "innermost",
    "examples",
];
const CLASS_EXAMPLE_KEYS: &[&str] = &["present", "absent"];

/// A file's `evidence:` list.
pub(super) fn parse_classes(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>) -> Vec<EvidenceClass> {
    let YamlData::Sequence(items) = &node.data else {
        cx.err(node, None, "`evidence` must be a list of evidence classes");
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| parse_class(cx, item))
        .collect()
}

/// One class; its errors name it as an evidence class, not as a rule.
fn parse_class(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>) -> Option<EvidenceClass> {
    let before = cx.errors.len();
    let class = parse_class_keys(cx, node);
    for e in &mut cx.errors[before..] {
        if let Some(id) = e.rule.take() {
            e.message = format!("evidence class `{id}`: {}", e.message);
        }
    }
    class
}

fn parse_class_keys(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>) -> Option<EvidenceClass> {
    let map = mapping(cx, node, None, "an evidence class")?;
    let id_node = map
        .iter()
        .find(|(k, _)| super::yaml::scalar_text(k).as_deref() == Some("id"))
        .map(|(_, v)| v);
    let Some(id_node) = id_node else {
        cx.err(node, None, "missing `id` of an evidence class");
        return None;
    };
    let id = string(cx, id_node, None, "id")?;
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        cx.err(
            id_node,
            Some(&id),
            "an evidence class id is lower-case letters, digits and `-`",
        );
        return None;
    }
    let rid = Some(id.as_str());
    let errors_before = cx.errors.len();
    let (mut side, mut description, mut pats, mut innermost) = (None, None, None, None);
    let mut examples = ClassExamples::default();
    for (key, value) in map {
        match key_name(cx, key, rid, CLASS_KEYS) {
            Some("side") => match string(cx, value, rid, "side").as_deref() {
                Some("inbound") => side = Some(Side::Inbound),
                Some("outbound") => side = Some(Side::Outbound),
                Some("neither") => side = Some(Side::Neither),
                Some(other) => cx.err(
                    value,
                    rid,
                    format!("`side` is `inbound`, `outbound` or `neither`, not `{other}`"),
                ),
                None => {}
            },
            Some("description") => description = string(cx, value, rid, "description"),
            Some("patterns") => pats = patterns(cx, value, rid, "patterns"),
            Some("innermost") => innermost = patterns(cx, value, rid, "innermost"),
            Some("examples") => {
                let Some(ex) = mapping(cx, value, rid, "`examples`") else {
                    continue;
                };
                for (k, v) in ex {
                    match key_name(cx, k, rid, CLASS_EXAMPLE_KEYS) {
                        Some("present") => {
                            examples.present = strings(cx, v, rid, "present").unwrap_or_default()
                        }
                        Some("absent") => {
                            examples.absent = strings(cx, v, rid, "absent").unwrap_or_default()
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if cx.errors.len() > errors_before {
        return None;
    }
    let Some(side) = side else {
        cx.err(
            node,
            rid,
            "missing `side` (`inbound`, `outbound` or `neither`)",
        );
        return None;
    };
    let Some(description) = description else {
        cx.err(
            node,
            rid,
            "missing `description` (one line saying what it shows)",
        );
        return None;
    };
    if pats.is_none() && innermost.is_none() {
        cx.err(
            node,
            rid,
            "an evidence class needs `patterns` (over the record) or `innermost` (over its innermost frame)",
        );
        return None;
    }
    Some(EvidenceClass {
        id,
        side,
        description,
        patterns: pats.map(|p| p.joined),
        innermost: innermost.map(|p| p.joined),
        examples,
        location: cx.loc(node),
    })
}

/// A file's `socket-frames:` or `runtime-frames:` list, its patterns as text.
pub(super) fn parse_frames(cx: &mut Ctx<'_>, node: &MarkedYaml<'_>, key: &str) -> Vec<String> {
    patterns(cx, node, None, key)
        .map(|p| p.list.into_iter().map(|(p, _)| p).collect())
        .unwrap_or_default()
}
