//! The central promises as property tests, on random mixtures of real records and odd lines:
//! unsquashed bytes come out unchanged and in order, counts add up, no header is orphaned,
//! no look-alike is squashed, and neither buffer size nor thread count changes a byte of the
//! output.
//!
//! `PROPTEST_CASES` sets the number of cases (CI runs the default; a long run uses 100000).

use proptest::prelude::*;
use resetsquash::input::Source;
use resetsquash::record::split_records;
use resetsquash::rules::{BodyCache, RuleSet, RuleSource};
use resetsquash::{Config, run};

use crate::util::{check_invariants, testdata};

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
    Abort(usize),
    LookAlike(usize),
    Odd(Vec<u8>),
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    proptest::collection::vec(
        prop_oneof![
            3 => (0usize..10_000).prop_map(Piece::Abort),
            2 => (0usize..10_000).prop_map(Piece::LookAlike),
            3 => odd_line().prop_map(Piece::Odd),
        ],
        0..40,
    )
}

fn squash(input: &[u8], read_size: usize, threads: usize, rules: &RuleSet) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.log");
    std::fs::write(&path, input).unwrap();
    let config = Config {
        inputs: vec![Source::Path(path)],
        read_size,
        max_line: 4096,
        threads,
        chunk_size: 512,
        ..Config::default()
    };
    run(&config, rules, Vec::new(), "test").unwrap().1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn promises_hold_on_random_mixtures(pieces in pieces(), final_newline in any::<bool>()) {
        let aborts = records("squash");
        let alikes = records("keep");
        let rules = RuleSet::load(&RuleSource::built_in()).unwrap();
        let mut input = Vec::new();
        let mut genuine = Vec::new();
        for p in &pieces {
            match p {
                Piece::Abort(i) => input.extend_from_slice(&aborts[i % aborts.len()]),
                Piece::LookAlike(i) => {
                    let r = &alikes[i % alikes.len()];
                    genuine.push(r.clone());
                    input.extend_from_slice(r);
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
        let reference = squash(&input, 256 * 1024, 1, &rules);
        check_invariants(&input, &reference);
        for (size, threads) in [(1, 1), (3, 1), (64, 1), (4097, 1), (4096, 2), (7, 3)] {
            let out = squash(&input, size, threads, &rules);
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
