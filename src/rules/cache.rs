//! Answers about a record's lines after the first, kept for the next record with the same lines.
//!
//! In a flood of client aborts the records differ in their first line (time, thread, client)
//! and repeat the rest (the same stack trace) byte for byte, and the rest is most of the bytes
//! the rules read. Splitting a record's answers is exact when every match lies inside one line:
//!
//! - a literal with no `\n` occurs in the record exactly where it occurs in the first line or
//!   in the rest;
//! - a regex that cannot match `\n` nor the empty string, and whose assertions are `^`, `$`
//!   (multi-line, CRLF or not) and ASCII word boundaries, matches the record exactly when it
//!   matches the first line (with its `\n`) or the rest. Such an assertion reads only the byte
//!   before and the byte after its position; where the first line ends, the first-line text
//!   still holds both bytes, and where the rest starts, "start of text" reads as the `\n`
//!   before it does: not a word byte, and a line start.
//!
//! Any other regex (`(?s).`, `\n`, `\A`, `\z`, Unicode word boundaries, empty matches) is asked
//! about the whole record, as without the cache. So the decision is the same with or without
//! it, which the tests check record by record on every test log (corpus, cases, excerpts; LF
//! and CRLF; first lines swapped between records), at line edges, and on random mixtures.

use std::collections::HashMap;

use regex::bytes::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Rest-of-record bytes held at most, per cache; past it the cache starts over. There is a
/// cache per thread; a flood's few traces fit many times over.
const BUDGET: usize = 1 << 20;
/// Shorter rests are decided without the cache: looking them up costs what it saves.
const MIN_BODY: usize = 128;

/// Whether `re` only ever matches inside one line, in the sense above.
pub(super) fn is_line_local(re: &Regex) -> bool {
    let parsed = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .crlf(true)
        .unicode(false)
        .utf8(false)
        .build()
        .parse(re.as_str());
    match parsed {
        Ok(hir) => hir.properties().minimum_len().is_some_and(|n| n > 0) && within_a_line(&hir),
        Err(_) => false,
    }
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

/// What is known about one rest-of-record text.
pub struct Entry {
    body: Vec<u8>,
    /// The rules whose literals occur in it.
    pub(super) hits: Vec<bool>,
    /// Per regex slot: not asked yet, no match, match.
    answers: Vec<Option<bool>>,
}

impl Entry {
    /// Whether the regex in `slot` matches this text, asking `ask` the first time.
    pub(super) fn matches(&mut self, slot: usize, ask: impl FnOnce() -> bool) -> bool {
        *self.answers[slot].get_or_insert_with(ask)
    }
}

/// Rest-of-record texts seen lately, with what is known about each (for one rule set).
#[derive(Default)]
pub struct BodyCache {
    /// Hash of a text → indices into `entries` (texts are compared in full on lookup).
    index: HashMap<u64, Vec<usize>>,
    entries: Vec<Entry>,
    bytes: usize,
}

impl BodyCache {
    /// The entry for `body`, made with the literal hits `hits` computes if new.
    pub(super) fn entry(
        &mut self,
        body: &[u8],
        slots: usize,
        hits: impl FnOnce(&[u8]) -> Vec<bool>,
    ) -> &mut Entry {
        let h = hash(body);
        let found = self
            .index
            .get(&h)
            .and_then(|ids| ids.iter().copied().find(|&i| self.entries[i].body == body));
        let i = match found {
            Some(i) => i,
            None => {
                if self.bytes + body.len() > BUDGET {
                    self.index.clear();
                    self.entries.clear();
                    self.bytes = 0;
                }
                self.bytes += body.len();
                self.entries.push(Entry {
                    body: body.to_vec(),
                    hits: hits(body),
                    answers: vec![None; slots],
                });
                let i = self.entries.len() - 1;
                self.index.entry(h).or_default().push(i);
                i
            }
        };
        &mut self.entries[i]
    }
}

/// A quick hash of a text; collisions only cost a comparison.
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}
