//! Answers about records' lines after the first, kept line by line for the next records.
//!
//! In a flood of client aborts the records differ in their first line (time, thread, client)
//! and repeat most of the rest (the frames of the same few stack traces) byte for byte, and the
//! rest is most of the bytes the rules read. Splitting a record's answers by line is exact when
//! every match lies inside one line:
//!
//! - a literal with no `\n` occurs in the record exactly where it occurs in one of its lines;
//! - a regex that cannot match `\n` nor the empty string, and whose assertions are `^`, `$`
//!   (multi-line, CRLF or not) and ASCII word boundaries, matches the record exactly when it
//!   matches one of its lines (each with its `\n`). Such an assertion reads only the byte
//!   before and the byte after its position; where a line ends, the line's text still holds
//!   both bytes, and where a line starts, "start of text" reads as the `\n` before it does: not
//!   a word byte, and a line start.
//!
//! Any other regex (`(?s).`, `\n`, `\A`, `\z`, Unicode word boundaries, empty matches) is asked
//! about the whole record, as without the cache. So the decision is the same with or without
//! it, which the tests check record by record on every test log (corpus, cases, excerpts; LF
//! and CRLF; first lines swapped between records; lines shuffled between records), at line
//! edges, and on random mixtures.
//!
//! A line the cache has not seen costs no more than without the cache: a question about the
//! lines not yet answered is asked once, of the stretch of the record that holds them, and the
//! answer is spread back over the lines (see [`BodyCache::matches`]).

use std::hash::BuildHasher;

use hashbrown::HashTable;

use regex::bytes::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Bytes held at most, per cache (lines, their answers, the index); past it the cache starts
/// over. There is a cache per thread; the frames of a flood's few traces fit many times over.
const BUDGET: usize = 2 << 20;
/// Shorter rests are decided without the cache: looking them up costs what it saves.
const MIN_BODY: usize = 128;

/// Whether `re` only ever matches inside one line, in the sense above.
pub(super) fn is_line_local(pattern: &str) -> bool {
    super::pattern::parse(pattern).is_some_and(|hir| {
        hir.properties().minimum_len().is_some_and(|n| n > 0) && within_a_line(&hir)
    })
}

fn within_a_line(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(lit) => !lit.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .all(|r| !(r.start()..=r.end()).contains(&b'\n')),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .all(|r| !(r.start()..=r.end()).contains(&'\n')),
        HirKind::Look(look) => matches!(
            look,
            Look::StartLF
                | Look::EndLF
                | Look::StartCRLF
                | Look::EndCRLF
                | Look::WordAscii
                | Look::WordAsciiNegate
                | Look::WordStartAscii
                | Look::WordEndAscii
                | Look::WordStartHalfAscii
                | Look::WordEndHalfAscii
        ),
        HirKind::Repetition(r) => within_a_line(&r.sub),
        HirKind::Capture(c) => within_a_line(&c.sub),
        HirKind::Concat(all) | HirKind::Alternation(all) => all.iter().all(within_a_line),
    }
}

/// A record's first line (with its `\n`) and the rest, when the rest is worth caching.
pub(super) fn split_head(record: &[u8]) -> Option<(&[u8], &[u8])> {
    let nl = memchr::memchr(b'\n', record)?;
    let (head, body) = record.split_at(nl + 1);
    (body.len() >= MIN_BODY).then_some((head, body))
}

/// An answer not asked yet, a no and a yes, one byte each in [`BodyCache::answers`].
const UNKNOWN: u8 = 0;
const NO: u8 = 1;
const YES: u8 = 2;

/// One line seen lately; its text, rules and answers live in the cache's arenas.
struct Entry {
    /// Its bytes, `text[start..start + len]`, terminator included.
    start: usize,
    len: usize,
    /// The rules whose literals occur in it, `hit_rules[hits.0..hits.1]`.
    hits: (u32, u32),
    /// Its hash, kept so that the index can grow without reading the lines again.
    hash: u64,
}

/// Lines seen lately in records' rests, with what is known about each (for one rule set).
///
/// Everything lives in a few flat arenas, so a new line costs no allocation of its own; past
/// [`BUDGET`] bytes of text, the cache starts over between two records.
#[derive(Default)]
pub struct BodyCache {
    /// The entries, by their line's hash (lines are compared in full on lookup).
    index: HashTable<u32>,
    entries: Vec<Entry>,
    text: Vec<u8>,
    hit_rules: Vec<u32>,
    /// Per entry, one byte per regex slot: [`UNKNOWN`], [`NO`] or [`YES`].
    answers: Vec<u8>,
    slots: usize,
    /// The record being decided: each line's entry and where the line starts in the rest.
    lines: Vec<(u32, usize)>,
    /// The rules whose literals occur in the rest of the record being decided.
    hits: Vec<bool>,
}

impl BodyCache {
    /// Looks up (or adds) every line of `body`, the rest of one record, for the questions
    /// that follow; `hits_of` finds the rules whose literals occur in a line not seen before.
    /// Returns the rules whose literals occur anywhere in `body`.
    pub(super) fn load(
        &mut self,
        body: &[u8],
        slots: usize,
        rules: usize,
        mut hits_of: impl FnMut(&[u8], &mut Vec<u32>),
    ) -> &[bool] {
        if self.held() > BUDGET || self.slots != slots {
            self.index.clear();
            self.entries.clear();
            self.text.clear();
            self.hit_rules.clear();
            self.answers.clear();
            self.slots = slots;
        }
        self.lines.clear();
        self.hits.clear();
        self.hits.resize(rules, false);
        let mut at = 0;
        while at < body.len() {
            let end = memchr::memchr(b'\n', &body[at..]).map_or(body.len(), |i| at + i + 1);
            let line = &body[at..end];
            let e = self.entry(line, &mut hits_of);
            let (from, to) = self.entries[e as usize].hits;
            for &r in &self.hit_rules[from as usize..to as usize] {
                self.hits[r as usize] = true;
            }
            self.lines.push((e, at));
            at = end;
        }
        &self.hits
    }

    /// Bytes held, roughly: the lines, their answers, the entries and the index.
    fn held(&self) -> usize {
        self.text.len()
            + self.answers.len()
            + 4 * self.hit_rules.len()
            + self.entries.len() * (std::mem::size_of::<Entry>() + 16)
    }

    /// The entry for `line`, added if new.
    fn entry(&mut self, line: &[u8], hits_of: &mut impl FnMut(&[u8], &mut Vec<u32>)) -> u32 {
        let h = hash(line);
        let (entries, text) = (&self.entries, &self.text);
        let same = |&e: &u32| {
            let entry = &entries[e as usize];
            &text[entry.start..entry.start + entry.len] == line
        };
        if let Some(&e) = self.index.find(h, same) {
            return e;
        }
        let from = self.hit_rules.len() as u32;
        hits_of(line, &mut self.hit_rules);
        let id = self.entries.len() as u32;
        self.entries.push(Entry {
            start: self.text.len(),
            len: line.len(),
            hits: (from, self.hit_rules.len() as u32),
            hash: h,
        });
        self.text.extend_from_slice(line);
        self.answers
            .resize(self.answers.len() + self.slots, UNKNOWN);
        let entries = &self.entries;
        self.index
            .insert_unique(h, id, |&e| entries[e as usize].hash);
        id
    }

    /// Whether the line-local regex in `slot` matches `body`, the text last given to
    /// [`BodyCache::load`].
    ///
    /// Lines already answered are not read again. The others are read in one search, over
    /// the stretch from the first to the last of them, that stops at the earliest match end:
    /// the line that holds it matches, and no line before it does (a match there would have
    /// ended earlier). Without a match, none of them does.
    pub(super) fn matches(&mut self, body: &[u8], slot: usize, re: &Regex) -> bool {
        let answer = |e: u32| e as usize * self.slots + slot;
        let mut unknown: Option<(usize, usize)> = None;
        for (k, &(e, _)) in self.lines.iter().enumerate() {
            match self.answers[answer(e)] {
                YES => return true,
                UNKNOWN => unknown = Some((unknown.map_or(k, |(a, _)| a), k)),
                _ => {}
            }
        }
        let Some((a, b)) = unknown else {
            return false;
        };
        let from = self.lines[a].1;
        let to = self.lines.get(b + 1).map_or(body.len(), |&(_, at)| at);
        let found = re.shortest_match(&body[from..to]).map(|end| from + end - 1);
        for &(e, at) in &self.lines[a..=b] {
            let i = answer(e);
            if let Some(last_byte) = found
                && at + self.entries[e as usize].len > last_byte
            {
                self.answers[i] = YES;
                break;
            }
            if self.answers[i] == UNKNOWN {
                self.answers[i] = NO;
            }
        }
        found.is_some()
    }
}

/// A line's hash: foldhash, fixed-seeded so that a run's cache behaves the same every time
/// (collisions only cost a comparison; a hand-tuned two-lane hash measured 1 % slower).
fn hash(line: &[u8]) -> u64 {
    static STATE: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0);
    STATE.hash_one(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_starts_over_past_its_budget() {
        // Every line new (ids, ports): the cache must not grow with the input.
        let re = Regex::new("Broken pipe").unwrap();
        let mut cache = BodyCache::default();
        let mut most = 0;
        for n in 0..20_000 {
            let body: String = (0..20)
                .map(|i| format!("\tat com.example.Handler{n}x{i}.write(Handler.java:{i})\n"))
                .collect();
            cache.load(body.as_bytes(), 40, 10, |_, _| {});
            assert!(!cache.matches(body.as_bytes(), 3, &re));
            most = most.max(cache.held());
        }
        assert!(most > BUDGET / 2, "the budget was never reached: {most}");
        assert!(most < BUDGET + (64 << 10), "{most} bytes held");
    }
}
