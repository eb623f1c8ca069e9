//! The record assembler and rule matching over arbitrary bytes, with the built-in rules.
//!
//! The input is squashed three times: line by line in one read (the reference), and literal
//! first (`scan::feed`, as every way of running resetsquash does) in one read and in reads of 1
//! to 61 bytes (the size is taken from the input's first byte, so the fuzzer explores it too).
//! All three outputs and counts must be the same, and must keep the promises
//! `check_invariants` checks: every record that is not squashed comes out whole and in order,
//! and the summary counts, lines and bytes add up exactly.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use resetsquash::ledger::{Ledger, TimeWindows};
use resetsquash::linebuf::LineSplitter;
use resetsquash::output::Output;
use resetsquash::prefilter;
use resetsquash::record::Grammar;
use resetsquash::rules::{RuleSet, RuleSource};
use resetsquash::sink::Stats;
use resetsquash::squash::{Assembler, Limits};

#[path = "../../tests/util/check.rs"]
#[allow(dead_code)]
mod check;

/// Lines longer than this stream through in pieces; small, so the fuzzer reaches that path.
const MAX_LINE: usize = 512;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::load(&RuleSource::built_in()).expect("built-in rules load"))
}

/// The sequential pipeline (lines → records → ledger) over `data`, read `read_size` bytes at a
/// time, literal first or line by line; the output and the counts.
fn squash(data: &[u8], read_size: usize, literal_first: bool) -> (Vec<u8>, Stats) {
    let rules = rules();
    let mut assembler = Assembler::new(rules, Limits::default(), Grammar::new(None));
    let windows = TimeWindows::default();
    let mut ledger = Ledger::new(rules, &windows, false, Output::new(Vec::new(), "fuzz"));
    let mut lines = LineSplitter::new(MAX_LINE);
    for chunk in data.chunks(read_size) {
        if literal_first {
            prefilter::feed(&mut assembler, &mut lines, chunk, &mut ledger)
        } else {
            lines.feed(chunk, &mut |p| assembler.piece(p, &mut ledger))
        }
        .expect("writing to memory cannot fail");
        ledger.flush().expect("writing to memory cannot fail");
    }
    lines
        .finish(&mut |p| assembler.piece(p, &mut ledger))
        .expect("writing to memory cannot fail");
    assembler.finish(&mut ledger).unwrap();
    let (stats, out) = ledger.finish(assembler.stats()).unwrap();
    (out, stats)
}

fuzz_target!(|data: &[u8]| {
    let (reference, stats) = squash(data, data.len().max(1), false);
    let (whole, whole_stats) = squash(data, data.len().max(1), true);
    assert!(whole == reference, "the literal-first pass changed the output");
    assert_eq!(whole_stats, stats, "the literal-first pass changed the counts");
    let small = 1 + usize::from(data.first().copied().unwrap_or(0)) % 61;
    let (pieces, pieces_stats) = squash(data, small, true);
    assert!(pieces == reference, "reads of {small} bytes changed the output");
    assert_eq!(pieces_stats, stats, "reads of {small} bytes changed the counts");
    let acc = check::check_invariants_at(data, &reference, MAX_LINE);
    assert_eq!(
        acc.aborts,
        stats.squashed_total(),
        "summary counts vs the ledger's own count"
    );
});
