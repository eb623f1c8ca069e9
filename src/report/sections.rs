//! The sections of a rendered report, in the one order text, markdown and HTML walk, and what
//! each says in words all three share.
//!
//! A format lays a report out by rendering each [`Section`] its own way ([`Layout`]); the order
//! is [`SECTIONS`], written once, so that a new section, or a section moved, is seen in every
//! format alike. The words here (the opening sentence, the totals, where the "where" figures
//! come from) are the same in every format, only escaped or marked up differently.

use super::model::{Report, Top};
use super::numbers::{count, num, percent, size};

/// What markdown and HTML say where no noise is left.
pub const NO_NOISE: &str = "No repeated records that no rule squashed.";

/// Entries shown per top list and clusters of noise shown (groups: twice as many).
pub const SHOWN: usize = 10;

/// One section of a rendered report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// What was read, over which time: the title.
    Scope,
    /// The headline numbers.
    Totals,
    /// Per rule: records, lines and bytes.
    Rules,
    /// Per rule and group, largest first.
    Groups,
    /// Aborts per bucket of the log's clock.
    Timeline,
    /// Endpoints, clients, application frames and threads.
    Where,
    /// Resets, broken pipes, Windows aborts and the rest.
    Kinds,
    /// Hints at causes.
    Hints,
    /// Genuine errors kept although a rule's wording matched.
    LookAlikes,
    /// Repeated records no rule squashed, with rule drafts.
    Noise,
}

/// The sections in the order a report shows them.
pub const SECTIONS: [Section; 10] = [
    Section::Scope,
    Section::Totals,
    Section::Rules,
    Section::Groups,
    Section::Timeline,
    Section::Where,
    Section::Kinds,
    Section::Hints,
    Section::LookAlikes,
    Section::Noise,
];

/// A format's way of showing each section.
pub trait Layout {
    /// The sections in the order this format shows them: [`SECTIONS`]'s, unless the format has
    /// a reason to lift some.
    fn order(&self) -> Vec<Section> {
        SECTIONS.to_vec()
    }

    /// What comes before the first section (a page's head).
    fn open(&self, _s: &mut String, _r: &Report) {}

    /// Appends one section of `r`, with a timeline in buckets of `by` seconds.
    fn section(&self, s: &mut String, r: &Report, by: i64, section: Section);

    /// What comes after the last section.
    fn close(&self, _s: &mut String) {}
}

/// `r` laid out by `layout`, section by section.
pub fn lay_out(layout: &impl Layout, r: &Report, by: i64) -> String {
    let mut s = String::new();
    layout.open(&mut s, r);
    for section in layout.order() {
        layout.section(&mut s, r, by, section);
    }
    layout.close(&mut s);
    s
}

/// The opening sentence: what was read, over which time.
pub fn scope(r: &Report) -> String {
    let inputs = match r.inputs.len() {
        1 => r.inputs[0].name.clone(),
        n => format!("{n} inputs"),
    };
    match (&r.first, &r.last) {
        (Some(f), Some(l)) => format!("{inputs}, aborts from {} to {}", f.text, l.text),
        _ => inputs,
    }
}

/// Genuine look-alikes kept, over all rules.
pub fn lookalikes(r: &Report) -> u64 {
    r.lookalikes.values().map(|l| l.tally.records).sum()
}

/// The headline figures, as they read: the prose of [`totals`] and HTML's cards show them.
pub struct Headline {
    /// Client-abort records squashed.
    pub squashed: String,
    /// Their share of the records.
    pub share: String,
    pub records: String,
    /// The lines and bytes the squashed records took.
    pub lines: String,
    pub size: String,
    /// Their share of the log's bytes.
    pub byte_share: String,
    /// The log's bytes.
    pub log_size: String,
}

pub fn headline(r: &Report) -> Headline {
    Headline {
        squashed: num(r.squashed),
        share: percent(r.squashed, r.records),
        records: num(r.records),
        lines: num(r.squashed_lines),
        size: size(r.squashed_bytes),
        byte_share: percent(r.squashed_bytes, r.bytes),
        log_size: size(r.bytes),
    }
}

/// The headline numbers, as lines of prose.
pub fn totals(r: &Report) -> Vec<String> {
    let h = headline(r);
    let mut v = vec![format!(
        "{} client-abort records squashed: {} of {} records; {} lines and {}, {} of the log's {}.",
        h.squashed, h.share, h.records, h.lines, h.size, h.byte_share, h.log_size
    )];
    if r.from_summaries > 0 {
        v.push(format!(
            "{} of them were already squashed in the log, counted from its summary lines.",
            num(r.from_summaries)
        ));
    }
    if r.repeated > 0 {
        v.push(format!(
            "{} counted from syslog's \"message repeated N times\".",
            count(r.repeated, "record was", "records were")
        ));
    }
    v.push(format!(
        "{} with the same words kept as genuine (an outbound call, or no inbound client): \
         counted here, not hidden.",
        count(lookalikes(r), "record", "records")
    ));
    if r.unsound > 0 {
        v.push(format!(
            "{} kept although a rule matched, because interleaved output broke the record \
             apart.",
            count(r.unsound, "record", "records")
        ));
    }
    v
}

/// Per rule: its id, and its records, lines and bytes as they read.
pub fn rules(r: &Report) -> impl Iterator<Item = (&str, [String; 3])> {
    r.rules
        .iter()
        .map(|(rule, t)| (rule.as_str(), [num(t.records), num(t.lines), size(t.bytes)]))
}

/// The groups shown, largest first: (rule, group, records).
pub fn groups(r: &Report) -> Vec<(&str, &str, u64)> {
    let mut v: Vec<(&str, &str, u64)> = r
        .groups
        .iter()
        .flat_map(|(rule, gs)| {
            gs.iter()
                .map(move |(g, t)| (rule.as_str(), g.as_str(), t.records))
        })
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (a.0, a.1).cmp(&(b.0, b.1))));
    v.truncate(SHOWN * 2);
    v
}

/// Where the "Where" figures come from.
pub fn located(r: &Report) -> String {
    let w = &r.where_;
    if tops(r).all(|(_, t)| t.counts.is_empty()) {
        return format!(
            "from {} squashed records: none of them names an endpoint, a client, an application \
             frame or a thread",
            num(w.located)
        );
    }
    let mut s = if w.located == r.squashed {
        format!("from all {} squashed records", num(r.squashed))
    } else {
        format!(
            "from {} of {} squashed records (the others were counted from syslog's repeats, or \
             from summary lines of an older resetsquash, which do not say where)",
            num(w.located),
            num(r.squashed)
        )
    };
    if w.from_summaries > 0 {
        s.push_str(&format!(
            "; {} of them from summary lines, which list each group's most frequent values: a \
             count is at least the one shown",
            num(w.from_summaries)
        ));
    }
    s
}

/// The top lists, with their titles; the empty ones too.
fn tops(r: &Report) -> impl Iterator<Item = (&'static str, &Top)> {
    let w = &r.where_;
    [
        ("Endpoints", &w.endpoints),
        ("Clients", &w.clients),
        ("Application frames", &w.frames),
        ("Threads", &w.threads),
    ]
    .into_iter()
}

/// The top lists that have entries, each with its title and its largest entries.
pub fn where_lists(r: &Report) -> impl Iterator<Item = (&'static str, Vec<(&str, u64)>)> {
    tops(r)
        .filter(|(_, top)| !top.counts.is_empty())
        .map(|(title, top)| (title, top.largest(SHOWN)))
}

/// The kinds of abort, as one sentence.
pub fn kinds(r: &Report) -> String {
    let k = &r.kinds;
    let mut s = format!(
        "{} resets (ECONNRESET), {} broken pipes (EPIPE; {} while sending a download), \
         {} Windows aborts (10053), {} other (the client closed first, EOF).",
        num(k.resets),
        num(k.broken_pipes),
        num(k.broken_pipes_on_downloads),
        num(k.windows_aborts),
        num(k.other)
    );
    let unknown = r.squashed.saturating_sub(k.total());
    if unknown > 0 {
        s.push_str(&format!(
            " {} of unknown kind: counted from syslog's repeats, or from summary lines of an \
             older resetsquash, which do not say.",
            count(unknown, "record", "records")
        ));
    }
    s
}

/// A cluster of noise as shown: its numbers as they read, and its frame and draft if any.
pub struct Noise<'r> {
    /// 1 for the largest.
    pub rank: usize,
    pub records: String,
    pub size: String,
    pub chain: &'r str,
    pub frame: Option<&'r str>,
    pub draft: Option<&'r str>,
}

impl Noise<'_> {
    /// ` at FRAME`, with the frame as `quote` writes it; empty where the cluster has none.
    pub fn at(&self, quote: impl Fn(&str) -> String) -> String {
        self.frame
            .map(|f| format!(" at {}", quote(f)))
            .unwrap_or_default()
    }
}

/// Appends `head`, then `lines` and `foot` (if any) a line each; or nothing at all where there
/// are no lines: a section with nothing to list is left out whole.
pub fn listed(
    s: &mut String,
    head: &str,
    lines: impl IntoIterator<Item = String>,
    foot: Option<&str>,
) {
    let mut lines = lines.into_iter().peekable();
    if lines.peek().is_none() {
        return;
    }
    s.push_str(head);
    s.push('\n');
    for line in lines.chain(foot.map(str::to_string)) {
        s.push_str(&line);
        s.push('\n');
    }
}

/// The hints as a list, each after `bullet`, under `head` (text and markdown).
pub fn hints(s: &mut String, r: &Report, head: &str, bullet: &str) {
    let lines = r.hints.iter().map(|h| format!("{bullet}{}", h.text));
    listed(s, head, lines, None);
}

/// `s`, unless it is empty (a cluster's frame and draft are empty where there is none).
fn given(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

/// The noise clusters worth showing: repeated ones, largest first.
pub fn noise(r: &Report) -> Vec<Noise<'_>> {
    r.noise
        .iter()
        .filter(|c| c.tally.records >= 2)
        .take(SHOWN)
        .enumerate()
        .map(|(i, c)| Noise {
            rank: i + 1,
            records: num(c.tally.records),
            size: size(c.tally.bytes),
            chain: &c.chain,
            frame: given(&c.frame),
            draft: given(&c.draft),
        })
        .collect()
}
