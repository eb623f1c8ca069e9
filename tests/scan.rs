//! The literal-first pass (`prefilter::feed`) tells the ledger exactly what assembling every line
//! one by one tells it: the same kept bytes, clock settings and squashed records, in the same
//! order, and the same counts. Every way of running resetsquash goes through the pass, so this is
//! the test that holds it to the plain line-by-line assembler, the reference.

use resetsquash::error::Error;
use resetsquash::linebuf::{LineSplitter, Piece};
use resetsquash::prefilter;
use resetsquash::record::Grammar;
use resetsquash::rules::{RuleSet, RuleSource};
use resetsquash::sink::{Kept, Sink, Squashed};
use resetsquash::squash::{self, Assembler};

use crate::util::{assert_bytes_eq, real_and_generated_logs, testdata};

/// What a sink is told, with consecutive kept bytes joined (the pass keeps a stretch of
/// records in one piece, the assembler one record at a time; the ledger writes both alike).
#[derive(Debug, Default)]
struct Told {
    events: Vec<String>,
    kept: Vec<u8>,
    /// Records kept by a decision (with a reason); the pass keeps records without literals
    /// undecided.
    decided: usize,
}

impl Told {
    fn event(&mut self, e: String) {
        if !self.kept.is_empty() {
            let kept = std::mem::take(&mut self.kept);
            self.events
                .push(format!("keep {}", String::from_utf8_lossy(&kept)));
        }
        self.events.push(e);
    }
}

impl Sink for Told {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.kept.extend_from_slice(bytes);
        Ok(())
    }
    fn keep_last(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.event(format!("keep last {}", String::from_utf8_lossy(bytes)));
        Ok(())
    }
    fn squash(&mut self, s: &Squashed<'_>) -> Result<(), Error> {
        self.event(format!(
            "squash rule {} key {:?} headline {:?} lines {} bytes {} crlf {} line {} record {:?}",
            s.rule,
            String::from_utf8_lossy(s.key),
            String::from_utf8_lossy(s.headline),
            s.lines,
            s.bytes,
            s.crlf,
            s.line_no,
            String::from_utf8_lossy(s.record),
        ));
        Ok(())
    }
    fn kept(&mut self, record: &[u8], _: Kept, last: bool) -> Result<(), Error> {
        self.decided += 1;
        if last {
            self.keep_last(record)
        } else {
            self.keep(record)
        }
    }
    fn clock(&mut self, seconds: i64, text: &[u8]) -> Result<(), Error> {
        self.event(format!("clock {seconds} {}", String::from_utf8_lossy(text)));
        Ok(())
    }
    fn note(&mut self, line_no: u64, text: &str) -> Result<(), Error> {
        self.event(format!("note at line {line_no}: {text}"));
        Ok(())
    }
    fn summaries_now(&mut self) -> Result<(), Error> {
        self.event("summaries now".into());
        Ok(())
    }
}

/// Small limits, so that records over them and lines over the line limit occur in real logs.
struct Limits {
    max_line: usize,
    record: squash::Limits,
}

/// Feeds `input` in reads of `read_size` bytes, through the pass or line by line; what the sink
/// was told, and the records and unsquashable counts.
fn feed(input: &[u8], read_size: usize, literal_first: bool, limits: &Limits) -> (Told, u64, u64) {
    let rules = rules();
    let mut assembler = Assembler::new(rules, limits.record, Grammar::new(None));
    let mut lines = LineSplitter::new(limits.max_line);
    let mut told = Told::default();
    let one_by_one = |p: Piece<'_>, a: &mut Assembler<'_>, t: &mut Told| a.piece(p, t);
    for read in input.chunks(read_size.max(1)) {
        if literal_first {
            prefilter::feed(&mut assembler, &mut lines, read, &mut told).unwrap();
        } else {
            lines
                .feed(read, &mut |p| one_by_one(p, &mut assembler, &mut told))
                .unwrap();
        }
    }
    lines
        .finish(&mut |p| one_by_one(p, &mut assembler, &mut told))
        .unwrap();
    assembler.finish(&mut told).unwrap();
    told.event("end".into());
    let stats = assembler.stats();
    (told, stats.records, stats.unsquashable)
}

fn rules() -> &'static RuleSet {
    static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULES.get_or_init(|| RuleSet::load(&RuleSource::built_in()).unwrap())
}

/// The test logs: every case file's input, six real logs and six generated ones; each also
/// with CRLF line ends.
fn logs() -> Vec<(String, Vec<u8>)> {
    let mut logs = Vec::new();
    for case in std::fs::read_dir(testdata("cases")).unwrap() {
        let dir = case.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        logs.push((name, std::fs::read(dir.join("input.log")).unwrap()));
    }
    logs.extend(real_and_generated_logs("512K", 21));
    let crlf: Vec<(String, Vec<u8>)> = logs
        .iter()
        .map(|(name, log)| {
            let mut out = Vec::with_capacity(log.len() * 11 / 10);
            for &b in log {
                if b == b'\n' {
                    out.push(b'\r');
                }
                out.push(b);
            }
            (format!("{name} (CRLF)"), out)
        })
        .collect();
    logs.extend(crlf);
    logs
}

#[test]
fn the_literal_first_pass_tells_the_ledger_what_line_by_line_assembly_does() {
    let default = Limits {
        max_line: 1 << 20,
        record: squash::Limits::default(),
    };
    // Limits real logs break: records of more than 12 lines or 1,500 bytes, lines over 200 bytes.
    let tight = Limits {
        max_line: 200,
        record: squash::Limits {
            max_record_lines: 12,
            max_record_bytes: 1500,
        },
    };
    let mut squashed = 0;
    for (name, log) in logs() {
        for (limits, which) in [(&default, "default limits"), (&tight, "tight limits")] {
            let (reference, records, unsquashable) = feed(&log, log.len(), false, limits);
            squashed += reference
                .events
                .iter()
                .filter(|e| e.starts_with("squash rule"))
                .count();
            for read_size in [log.len(), 64 * 1024, 4096, 333, 7] {
                let what = format!("{name}, {which}, reads of {read_size} bytes");
                let (told, r, u) = feed(&log, read_size, true, limits);
                if told.events != reference.events {
                    // Show where they part, readably.
                    assert_bytes_eq(
                        told.events.join("\n").as_bytes(),
                        reference.events.join("\n").as_bytes(),
                        &what,
                    );
                }
                assert_eq!((r, u), (records, unsquashable), "{what}: counts");
                // The pass must really pass: in a generated log, most of whose records hold no
                // abort, most kept records are never asked about (with the usual limits and
                // reads large enough; the last record of each read goes line by line).
                if name.starts_with("generated") && which == "default limits" && read_size >= 4096 {
                    assert!(
                        2 * told.decided < reference.decided,
                        "{what}: {} of {} kept records decided",
                        told.decided,
                        reference.decided
                    );
                }
            }
        }
    }
    assert!(squashed > 1000, "only {squashed} records squashed");
}
