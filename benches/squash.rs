//! A micro-benchmark of the hot loop: one thread squashing a file of a few MiB through the
//! library's entry point, as the binary does, with the built-in rules.
//!
//! `benches/run.sh` measures the whole program on a GiB against `rg` and `cat`; this one is
//! small enough to run after every change to the loop, and it separates the two costs that
//! the end-to-end figure mixes: passing ordinary lines through, and taking abort records apart.
//!
//! The inputs come from the `genlog` example, made in memory at start-up from its flags (so they
//! are byte for byte what the same command lines write, and never committed), about 4 MiB each:
//!
//! - `no aborts`: `--abort-share 0`, ordinary lines and look-alikes only (pass-through speed);
//! - `all aborts`: `--abort-share 1` for each of the five families in turn (an abort record is
//!   large, so one mixed run of this size would switch family only two or three times);
//! - `mixed`: the default share, half the bytes client aborts, as `benches/run.sh` uses.
//!
//! Run with `cargo bench --bench squash`; see `benches/README.md`.

use std::io::{self, BufWriter};
use std::path::PathBuf;

use resetsquash::input::Source;
use resetsquash::rules::{RuleSet, RuleSource};
use resetsquash::{Config, Error, run};

#[path = "../examples/genlog.rs"]
#[allow(dead_code, reason = "genlog's command line goes unused")]
mod genlog;

/// Each input by name, as the `genlog` runs whose output makes it, one after the other (each
/// with `--seed 42` as well).
const INPUTS: &[(&str, &[&[&str]])] = &[
    ("no aborts", &[&["--size", "4M", "--abort-share", "0"]]),
    (
        "all aborts",
        &[
            &["--size", "820K", "--abort-share", "1", "--format", "tomcat"],
            &[
                "--size",
                "820K",
                "--abort-share",
                "1",
                "--format",
                "springboot",
            ],
            &["--size", "820K", "--abort-share", "1", "--format", "nginx"],
            &["--size", "820K", "--abort-share", "1", "--format", "python"],
            &["--size", "820K", "--abort-share", "1", "--format", "jdk"],
        ],
    ),
    ("mixed", &[&["--size", "4M"]]),
];

fn main() {
    divan::main();
}

#[divan::bench(args = ["no aborts", "all aborts", "mixed"])]
fn one_thread(bencher: divan::Bencher, name: &str) {
    let log = input(name);
    // The binary reads a file in `read_size` pieces; so does this, from the page cache.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.log");
    std::fs::write(&path, &log).unwrap();
    let rules = RuleSet::load(&RuleSource::built_in()).unwrap();
    let config = config(path);
    bencher
        .counter(divan::counter::BytesCount::new(log.len()))
        .bench(|| squash_once(&config, &rules).unwrap());
}

/// The bytes of the input called `name`.
fn input(name: &str) -> Vec<u8> {
    let (_, runs) = INPUTS.iter().find(|(n, _)| *n == name).unwrap();
    let mut log = Vec::new();
    for flags in *runs {
        let mut args = vec!["--seed", "42"];
        args.extend_from_slice(flags);
        log.extend(genlog::generate_to_vec(&args).unwrap());
    }
    log
}

/// The binary's defaults (one thread, its read size and line limit) on one file.
fn config(path: PathBuf) -> Config {
    Config {
        inputs: vec![Source::Path(path)],
        ..Config::default()
    }
}

/// One run into a writer that keeps nothing: the bench measures squashing, not the growth of
/// an output buffer. The counts are returned, so that the work cannot be optimised away.
fn squash_once(config: &Config, rules: &RuleSet) -> Result<impl Sized, Error> {
    let (stats, _) = run(config, rules, BufWriter::new(io::sink()), "sink")?;
    Ok(stats)
}
