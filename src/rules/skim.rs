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
/// pattern that holds another is left out (where it occurs, the other does too), each is cut to
/// the part of it that is quickest to search for ([`fingerprint_start`]), and while
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
    let trimmed: Vec<Vec<u8>> = minimal(patterns.to_vec())
        .into_iter()
        .map(|p| p[fingerprint_start(&p)..].to_vec())
        .collect();
    let mut ps: Vec<Option<Vec<u8>>> = minimal(trimmed).into_iter().map(Some).collect();
    // Two patterns have a common part of 4 bytes only if they share one of their 4-byte
    // windows: most pairs share none, and are never compared byte by byte.
    let mut grams: Vec<Vec<[u8; 4]>> = ps.iter().flatten().map(|p| windows(p)).collect();
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
                if a.len().min(b.len()) <= longest || !share_one(&grams[i], &grams[j]) {
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
            grams.push(windows(&part));
            ps.push(Some(part));
        }
    }
    ps.into_iter().flatten().collect()
}

/// Where the part of `pattern` that the quick search looks for starts: at the start of a word
/// of it (after a byte that is not a letter or digit, at a capital after a small letter, or at a
/// multi-byte character) whose first four bytes are the rarest in logs, leaving at least 12
/// bytes (or all of a shorter pattern).
///
/// Teddy tells candidates by a pattern's first four bytes and checks each candidate against
/// the whole pattern: `java.io.IOException: ` starts like every Java frame line (`at java.`),
/// so searched whole it is checked on nearly every line of a trace; its `IOException: ` is
/// checked only where that occurs. Starting at a word, and keeping 12 bytes, leaves the part
/// as telling as the literal (a bare `Exception: ` would not be).
pub(super) fn fingerprint_start(pattern: &[u8]) -> usize {
    const KEEP: usize = 12;
    const PRINT: usize = 4;
    let word = |i: usize| {
        let (a, b) = (pattern[i - 1], pattern[i]);
        // A multi-byte character, a letter or digit after punctuation or a space, a capital
        // after a small letter.
        b >= 0xC0
            || (a < 0x80 && !a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
            || (a.is_ascii_lowercase() && b.is_ascii_uppercase())
    };
    let surprise = |i: usize| -> u32 {
        pattern[i..(i + PRINT).min(pattern.len())]
            .iter()
            .map(|&b| u32::from(SURPRISE[usize::from(b)]))
            .sum()
    };
    (1..=pattern.len().saturating_sub(KEEP))
        .filter(|&i| word(i))
        .fold(0, |best, i| {
            if surprise(i) > surprise(best) {
                i
            } else {
                best
            }
        })
}

/// How surprising each byte is in a log: −log2 of its share of the bytes of the real server
/// logs under `testdata/corpus/` and of the corpus they were captured beside (17 MB: Java,
/// Python, Go, Node, Ruby, .NET, nginx, Apache and proxies, some of it in zh_CN), rounded, at
/// most 24. Tabs, spaces, `.` and small letters are cheap; capitals, digits past the
/// timestamps' and most punctuation are dearer.
#[rustfmt::skip]
const SURPRISE: [u8; 256] = [
    21, 20, 22, 20, 24, 24, 24, 24, 24,  6,  6, 24, 24, 17, 24, 24,
    24, 24, 24, 24, 24, 24, 22, 24, 24, 24, 24, 18, 24, 24, 24, 24,
     4, 16,  7, 12,  9, 15, 24, 11,  7,  7, 11, 11,  8,  7,  4,  6,
     6,  6,  7,  7,  7,  7,  7,  7,  8,  8,  6, 13, 12, 12, 12, 13,
    19,  8,  8,  8, 10,  8,  8,  9,  8,  8, 11, 12, 10, 11,  8,  8,
     8, 14,  9,  7,  8,  9, 10,  9, 15, 13, 20,  9, 13,  9,  7,  8,
    12,  4,  7,  5,  6,  4,  7,  7,  6,  5,  6,  7,  5,  7,  5,  5,
     5,  9,  4,  5,  4,  6,  6,  8,  8,  7, 13, 12, 14, 12, 16, 24,
    15, 15, 24, 24, 15, 24, 24, 15, 15, 24, 17, 16, 24, 15, 15, 24,
    24, 17, 24, 15, 24, 24, 14, 24, 24, 24, 15, 24, 16, 24, 15, 23,
    24, 15, 15, 24, 24, 15, 17, 24, 24, 24, 24, 15, 24, 15, 14, 15,
    24, 24, 24, 24, 24, 17, 24, 24, 16, 14, 24, 24, 15, 24, 15, 15,
    24, 24, 17, 18, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24,
    24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24,
    24, 24, 24, 24, 16, 14, 13, 14, 14, 14, 24, 24, 24, 24, 24, 24,
    23, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 22, 24, 24, 24,
];

/// The 4-byte windows of `p`, sorted.
fn windows(p: &[u8]) -> Vec<[u8; 4]> {
    let mut w: Vec<[u8; 4]> = p
        .windows(4)
        .map(|w| w.try_into().expect("four bytes"))
        .collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// Whether two sorted lists have an element in common.
fn share_one(a: &[[u8; 4]], b: &[[u8; 4]]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
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
