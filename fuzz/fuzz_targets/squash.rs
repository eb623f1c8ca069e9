//! The record assembler and rule matching over arbitrary bytes, with the built-in rules.
//!
//! The input is squashed twice: in one read, and in reads of 1 to 61 bytes (the size is taken
//! from the input's first byte, so the fuzzer explores it too). Both outputs must be the same,
//! and must keep the promises `check_invariants` checks: every record that is not squashed
//! comes out whole and in order, and the summary counts, lines and bytes add up exactly.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use resetsquash::ledger::Ledger;
use resetsquash::linebuf::{LineSplitter, Piece};
use resetsquash::output::Output;
use resetsquash::record::Grammar;
use resetsquash::rules::{RuleSet, RuleSource};
use resetsquash::squash::{Assembler, Options};

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
/// time; the output and the number of records squashed.
fn squash(data: &[u8], read_size: usize) -> (Vec<u8>, u64) {
    let rules = rules();
    let opts = Options::default();
    let mut assembler = Assembler::new(rules, opts.clone(), Grammar::new(None));
    let mut ledger = Ledger::new(rules, &opts, Output::new(Vec::new(), "fuzz"));
    let mut lines = LineSplitter::new(MAX_LINE);
    for chunk in data.chunks(read_size) {
        lines
            .feed(chunk, &mut |p| match p {
                Piece::Line(l) => assembler.line(l, &mut ledger),
                Piece::LongStart(h) => assembler.long_line_start(h, &mut ledger),
                Piece::LongMore(m) => assembler.long_line_more(m, &mut ledger),
            })
            .expect("writing to memory cannot fail");
        ledger.flush().expect("writing to memory cannot fail");
    }
    lines
        .finish(&mut |p| match p {
            Piece::Line(l) => assembler.line(l, &mut ledger),
            Piece::LongStart(h) => assembler.long_line_start(h, &mut ledger),
            Piece::LongMore(m) => assembler.long_line_more(m, &mut ledger),
        })
        .expect("writing to memory cannot fail");
    assembler.finish(&mut ledger).unwrap();
    let (stats, out) = ledger.finish(assembler.stats()).unwrap();
    (out, stats.squashed_total())
}

fuzz_target!(|data: &[u8]| {
    let (whole, squashed) = squash(data, data.len().max(1));
    let small = 1 + usize::from(data.first().copied().unwrap_or(0)) % 61;
    let (pieces, _) = squash(data, small);
    assert!(whole == pieces, "reads of {small} bytes changed the output");
    let acc = check::check_invariants_at(data, &whole, MAX_LINE);
    assert_eq!(
        acc.squashed, squashed,
        "summary counts vs the ledger's own count"
    );
});
