//! The central promises as property tests, on random mixtures of real records and odd lines:
//! unsquashed bytes come out unchanged and in order, counts add up, no header is orphaned,
//! no look-alike is squashed, and neither buffer size nor thread count changes a byte of the
//! output.
//!
//! `PROPTEST_CASES` sets the number of cases (CI runs 64). The long run, with its figures in
//! `fuzz/README.md`: `PROPTEST_CASES=100000 cargo test --release invariants`.

use std::sync::OnceLock;

use proptest::prelude::*;
use resetsquash::input::Source;
use resetsquash::record::split_records;
use resetsquash::rules::{BodyCache, RuleSet, RuleSource};
use resetsquash::{Config, run};

use crate::util::{check_invariants, check_invariants_at, testdata};

/// The records of every excerpt of one kind (`squash` or `keep`).
fn records(kind: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    for family in std::fs::read_dir(testdata("excerpts")).unwrap() {
        for f in std::fs::read_dir(family.unwrap().path()).unwrap() {
            paths.push(f.unwrap().path());
        }
    }
    paths.sort();
    for p in paths {
        if p.to_string_lossy().ends_with(&format!(".{kind}.log")) {
            let text = std::fs::read(&p).unwrap();
            for r in split_records(&text) {
                // A blank line between records (gin's Recovery writes two) is no record to
                // look for: it is in every output.
                if text[r.clone()].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let mut rec = text[r].to_vec();
                if !rec.ends_with(b"\n") {
                    rec.push(b'\n');
                }
                out.push(rec);
            }
        }
    }
    out
}

/// What every case draws from: real records, read and compiled once for all cases (a long run
/// has 100000).
struct Fixtures {
    aborts: Vec<Vec<u8>>,
    alikes: Vec<Vec<u8>>,
    rules: RuleSet,
}

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| Fixtures {
        aborts: records("squash"),
        alikes: records("keep"),
        rules: RuleSet::load(&RuleSource::built_in()).unwrap(),
    })
}

fn odd_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"plain line\n".to_vec()),
        Just(b"crlf line\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"nul \x00 byte\n".to_vec()),
        Just(b"bad utf-8 \xff\xfe\n".to_vec()),
        Just(b"\tat orphan.Frame(Frame.java:1)\n".to_vec()),
        Just(b"2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : hello\n".to_vec()),
        Just(b"2026-11-24 16:35:04.521  INFO 1 --- [main] a.B : an hour later\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(|mut v| {
            v.push(b'\n');
            v
        }),
        (2000usize..9000).prop_map(|n| {
            let mut v = vec![b'y'; n];
            v.push(b'\n');
            v
        }),
    ]
}

#[derive(Clone, Debug)]
enum Piece {
    /// A real client-abort record; `true`: with its lines ended by CRLF, as on Windows.
    Abort(usize, bool),
    LookAlike(usize, bool),
    Odd(Vec<u8>),
}

/// `record` with every line ended by CRLF.
fn crlf(record: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(record.len() + 64);
    for line in record.split_inclusive(|&b| b == b'\n') {
        match line.strip_suffix(b"\n") {
            Some(l) => {
                out.extend_from_slice(l.strip_suffix(b"\r").unwrap_or(l));
                out.extend_from_slice(b"\r\n");
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    proptest::collection::vec(
        prop_oneof![
            3 => (0usize..10_000, prop::bool::weighted(0.2)).prop_map(|(i, c)| Piece::Abort(i, c)),
            2 => (0usize..10_000, prop::bool::weighted(0.2)).prop_map(|(i, c)| Piece::LookAlike(i, c)),
            3 => odd_line().prop_map(Piece::Odd),
        ],
        0..40,
    )
}

/// The line limit for these runs: small, so that the long lines among the odd ones stream through.
const MAX_LINE: usize = 4096;

fn squash(input: &[u8], read_size: usize, threads: usize, rules: &RuleSet) -> (Vec<u8>, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.log");
    std::fs::write(&path, input).unwrap();
    let config = Config {
        inputs: vec![Source::Path(path)],
        read_size,
        max_line: MAX_LINE,
        threads,
        chunk_size: 512,
        ..Config::default()
    };
    let (stats, out) = run(&config, rules, Vec::new(), "test").unwrap();
    (out, stats.squashed_total())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn promises_hold_on_random_mixtures(pieces in pieces(), final_newline in any::<bool>()) {
        let Fixtures { aborts, alikes, rules } = fixtures();
        let mut input = Vec::new();
        let mut genuine = Vec::new();
        for p in &pieces {
            match p {
                Piece::Abort(i, false) => input.extend_from_slice(&aborts[i % aborts.len()]),
                Piece::Abort(i, true) => input.extend_from_slice(&crlf(&aborts[i % aborts.len()])),
                Piece::LookAlike(i, windows) => {
                    let r = &alikes[i % alikes.len()];
                    let r = if *windows { crlf(r) } else { r.clone() };
                    input.extend_from_slice(&r);
                    genuine.push(r);
                }
                Piece::Odd(l) => input.extend_from_slice(l),
            }
        }
        if !final_newline && input.ends_with(b"\n") {
            input.pop();
        }
        // What the rules found in one record's lines after the first, reused for the next
        // record with the same lines, decides exactly as asking about the whole record.
        let mut cache = BodyCache::default();
        for range in split_records(&input) {
            let record = &input[range];
            prop_assert_eq!(rules.decide_cached(record, &mut cache), rules.decide(record));
        }
        let (reference, squashed) = squash(&input, 256 * 1024, 1, rules);
        // Passthrough, whole records (no header orphaned from its trace), counts that add up.
        let accounting = check_invariants_at(&input, &reference, MAX_LINE);
        prop_assert_eq!(accounting.aborts, squashed, "summary lines vs the run's own count");
        for (size, threads) in [(1, 1), (3, 1), (64, 1), (4097, 1), (4096, 2), (7, 3)] {
            let (out, _) = squash(&input, size, threads, rules);
            prop_assert!(
                out == reference,
                "buffer size {} with {} threads changed the output",
                size,
                threads
            );
        }
        // Every record that holds a look-alike is kept whole (whatever it fused with).
        for range in split_records(&input) {
            let record = &input[range];
            let holds_genuine = genuine
                .iter()
                .any(|g| memchr::memmem::find(record, g.strip_suffix(b"\n").unwrap_or(g)).is_some());
            if holds_genuine {
                prop_assert!(
                    memchr::memmem::find(&reference, record).is_some(),
                    "a record with a look-alike was squashed: {:?}",
                    String::from_utf8_lossy(record)
                );
            }
        }
    }
}

/// Chunks are decided on several threads and finish out of order (a chunk of long traces takes
/// many times as long as a chunk of one-line records); they must still be replayed in input
/// order. Stretches of real abort traces alternate with stretches of ordinary lines, so that
/// neighbouring chunks differ in cost, at several chunk sizes and thread counts.
#[test]
fn chunks_finishing_out_of_order_are_replayed_in_order() {
    let rules = RuleSet::load(&RuleSource::built_in()).unwrap();
    let aborts = records("squash");
    let alikes = records("keep");
    let mut input = Vec::new();
    for round in 0..40 {
        for i in 0..(round % 7) * 5 {
            input.extend_from_slice(&aborts[(round * 31 + i) % aborts.len()]);
        }
        input.extend_from_slice(&alikes[round % alikes.len()]);
        for i in 0..(round % 5) * 40 {
            input.extend_from_slice(
                format!("2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : line {round}/{i}\n")
                    .as_bytes(),
            );
        }
    }
    let squash_with = |threads: usize, chunk_size: usize| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.log");
        std::fs::write(&path, &input).unwrap();
        let config = Config {
            inputs: vec![Source::Path(path)],
            threads,
            chunk_size,
            ..Config::default()
        };
        run(&config, &rules, Vec::new(), "test").unwrap()
    };
    let (stats, reference) = squash_with(1, 1 << 20);
    assert!(
        stats.squashed_total() > 100,
        "the input must give the threads real work"
    );
    check_invariants(&input, &reference);
    for threads in [2, 3, 4, 8] {
        for chunk_size in [64, 700, 4096, 32 * 1024] {
            let (parallel_stats, out) = squash_with(threads, chunk_size);
            assert!(
                out == reference,
                "{threads} threads, chunks of {chunk_size} bytes changed the output"
            );
            assert_eq!(parallel_stats.records, stats.records);
        }
    }
}
