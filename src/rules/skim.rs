//! The quick search for the rules' literals: Teddy (aho-corasick's SIMD searcher) over at
//! most 64 patterns, which is what it takes; the literals cut down to that many where there are
//! more ([`skim_patterns`]). Every byte of a log goes through it.

use aho_corasick::{AhoCorasick, MatchKind};

/// The search for any literal: the SIMD searcher (Teddy) where it takes the patterns, else an
/// automaton.
#[derive(Clone, Debug)]
pub(super) enum Skim {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Skim {
    pub(super) fn new(patterns: &[Vec<u8>]) -> Skim {
        Skim::build(patterns, false)
    }

    /// Leftmost-longest: of the patterns that start at one place, the longest is reported.
    pub(super) fn longest(patterns: &[Vec<u8>]) -> Skim {
        Skim::build(patterns, true)
    }

    fn build(patterns: &[Vec<u8>], longest: bool) -> Skim {
        use aho_corasick::packed;
        let kind = if longest {
            packed::MatchKind::LeftmostLongest
        } else {
            packed::MatchKind::LeftmostFirst
        };
        packed::Config::new()
            .match_kind(kind)
            .builder()
            .extend(patterns)
            .build()
            .map_or_else(
                || {
                    let kind = if longest {
                        MatchKind::LeftmostLongest
                    } else {
                        MatchKind::LeftmostFirst
                    };
                    let ac = AhoCorasick::builder()
                        .match_kind(kind)
                        .build(patterns)
                        .expect("literal sets are bounded in size");
                    Skim::Automaton(ac)
                },
                Skim::Packed,
            )
    }

    /// Where the first pattern found at `from` or later starts.
    pub(super) fn find(&self, text: &[u8], from: usize) -> Option<usize> {
        self.find_pattern(text, from).map(|(start, _)| start)
    }

    /// The same, and which pattern (its index among this search's patterns).
    pub(super) fn find_pattern(&self, text: &[u8], from: usize) -> Option<(usize, usize)> {
        if from > text.len() {
            return None;
        }
        match self {
            Skim::Packed(s) => s.find_in(text, aho_corasick::Span::from(from..text.len())),
            Skim::Automaton(a) => a.find(aho_corasick::Input::new(text).range(from..)),
        }
        .map(|m| (m.start(), m.pattern().as_usize()))
    }
}

/// Patterns the SIMD searcher (Teddy) takes at once; past them, aho-corasick falls back to a
/// slower automaton, and every byte of a log goes through this search.
pub(super) const SKIM_PATTERNS: usize = 64;

/// `patterns` cut down for a search that only asks whether any of them occurs, and where: a
/// pattern that holds another is left out (where it occurs, the other does too), and while
/// more are left than [`SKIM_PATTERNS`], the two with the longest common part (of 4 bytes at
/// least) give way to it. Every occurrence of a pattern holds an occurrence of one of these.
pub(super) fn skim_patterns(patterns: &[Vec<u8>]) -> Vec<Vec<u8>> {
    fn minimal(mut ps: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        ps.sort_by_key(Vec::len);
        ps.dedup();
        let mut out: Vec<Vec<u8>> = Vec::new();
        for p in ps {
            if !out.iter().any(|q| contains(&p, q)) {
                out.push(p);
            }
        }
        out
    }
    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        memchr::memmem::find(hay, needle).is_some()
    }
    // Merged patterns leave their place empty, so that each pair's common part is worked out
    // once, however many rounds it takes.
    let mut ps: Vec<Option<Vec<u8>>> = minimal(patterns.to_vec()).into_iter().map(Some).collect();
    let mut common: std::collections::HashMap<(usize, usize), std::ops::Range<usize>> =
        std::collections::HashMap::new();
    while ps.iter().flatten().count() > SKIM_PATTERNS {
        let mut best: Option<(usize, usize, std::ops::Range<usize>)> = None;
        for i in 0..ps.len() {
            for j in i + 1..ps.len() {
                let (Some(a), Some(b)) = (&ps[i], &ps[j]) else {
                    continue;
                };
                // No common part is longer than the shorter pattern: past the best so far, the
                // pair need not be compared.
                let longest = best.as_ref().map_or(3, |b| b.2.len());
                if a.len().min(b.len()) <= longest {
                    continue;
                }
                let r = common
                    .entry((i, j))
                    .or_insert_with(|| longest_common(a, b))
                    .clone();
                if r.len() > longest {
                    best = Some((i, j, r));
                }
            }
        }
        let Some((i, j, r)) = best else { break };
        let part = ps[i].as_ref().expect("a live pattern")[r].to_vec();
        ps[i] = None;
        ps[j] = None;
        // A pattern that holds the part is found where the part is; a part that holds another
        // pattern is found where that one is.
        for p in &mut ps {
            if p.as_ref().is_some_and(|p| contains(p, &part)) {
                *p = None;
            }
        }
        if !ps.iter().flatten().any(|q| contains(&part, q)) {
            ps.push(Some(part));
        }
    }
    ps.into_iter().flatten().collect()
}

/// Where in `a` the longest run of bytes lies that `b` holds too.
fn longest_common(a: &[u8], b: &[u8]) -> std::ops::Range<usize> {
    let mut best = 0..0;
    // The lengths of the common runs ending at the previous and the current byte of `a`.
    let (mut prev, mut cur) = (vec![0usize; b.len() + 1], vec![0usize; b.len() + 1]);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            cur[j] = if a[i - 1] == b[j - 1] {
                prev[j - 1] + 1
            } else {
                0
            };
            if cur[j] > best.len() {
                best = i - cur[j]..i;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}
