//! The `resetsquash` binary: parse the command line, call the library, map the result to an
//! exit code, print the one top-level error.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use resetsquash::output::AppendFile;
use resetsquash::rules::RuleSet;
use resetsquash::{Error, exit};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(e) => {
            let code = exit::for_error(&e);
            if code != exit::SUCCESS {
                eprintln!("resetsquash: {e}");
            }
            ExitCode::from(code)
        }
    }
}

fn run(cli: cli::Cli) -> Result<(), Error> {
    match cli.into_command()? {
        cli::Invocation::Generate(what) => {
            let mut out = Vec::new();
            cli::generate(&what, &mut out).map_err(|source| Error::Output {
                what: "standard output".into(),
                source,
            })?;
            write_stdout(&out)
        }
        cli::Invocation::Filter {
            config,
            rules,
            stats,
            output,
            gzip,
            in_place,
        } => {
            let rules = RuleSet::load(&rules)?;
            let stats_out = if let Some(files) = in_place {
                squash_files_in_place(&config, &rules, &files)?
            } else if gzip {
                let stdout = std::io::stdout().lock();
                let encoder = flate2::write::GzEncoder::new(stdout, flate2::Compression::default());
                let (stats, encoder) =
                    resetsquash::run(&config, &rules, encoder, "standard output")?;
                encoder
                    .finish()
                    .and_then(|mut stdout| stdout.flush())
                    .map_err(|source| Error::Output {
                        what: "standard output".into(),
                        source,
                    })?;
                stats
            } else {
                match &output {
                    Some(path) => {
                        let name = path.display().to_string();
                        let file = AppendFile::open(path).map_err(|source| Error::Output {
                            what: name.clone(),
                            source,
                        })?;
                        resetsquash::run(&config, &rules, file, &name)?.0
                    }
                    None => {
                        let stdout = std::io::stdout().lock();
                        resetsquash::run(&config, &rules, stdout, "standard output")?.0
                    }
                }
            };
            if stats {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(
                    err,
                    "resetsquash: {} records, {} squashed into {} summary lines, {} unsquashable",
                    stats_out.records,
                    stats_out.squashed_total(),
                    stats_out.summaries,
                    stats_out.unsquashable
                );
                for (id, n) in stats_out.squashed.iter().filter(|(_, n)| *n > 0) {
                    let _ = writeln!(err, "{n:>10}  {id}");
                }
            }
            if let Some(sig) = stats_out.signal {
                // Everything is written: now end the way the signal asked, so that whoever
                // sent it sees the process end by it.
                let _ = signal_hook::low_level::emulate_default_handler(sig);
            }
            Ok(())
        }
        cli::Invocation::Report { request, rules } => {
            let rules = RuleSet::load(&rules)?;
            let (report, damaged) =
                resetsquash::report::build(&request, &rules, &Default::default())?;
            let text = resetsquash::report::render(&report, request.format, request.by);
            write_stdout(text.as_bytes())?;
            if damaged.is_empty() {
                Ok(())
            } else {
                Err(Error::Damaged(damaged))
            }
        }
        cli::Invocation::List { rules } => {
            let rules = RuleSet::load(&rules)?;
            let mut out = String::new();
            for r in rules.rules() {
                out.push_str(&format!(
                    "{:<34} {}:{}  {}\n",
                    r.id, r.location.file, r.location.line, r.description
                ));
            }
            write_stdout(out.as_bytes())
        }
        cli::Invocation::Literals { rules } => {
            let rules = RuleSet::load(&rules)?;
            let mut out = Vec::new();
            for r in rules.rules() {
                for lit in &r.literals {
                    out.extend_from_slice(lit);
                    out.push(b'\n');
                }
            }
            write_stdout(&out)
        }
        cli::Invocation::Check {
            rules,
            record_start,
        } => {
            let set = RuleSet::load(&rules)?;
            set.check_examples_starting(record_start.as_ref())?;
            let examples: usize = set
                .rules()
                .iter()
                .map(|r| r.examples.squash.len() + r.examples.keep.len())
                .sum();
            write_stdout(
                format!(
                    "ok: {} rules, {} examples behave\n",
                    set.rules().len(),
                    examples
                )
                .as_bytes(),
            )
        }
    }
}

/// `--in-place`: every file is tried; the first failure is returned after the others were
/// reported, and a file that failed is left exactly as it was.
fn squash_files_in_place(
    config: &resetsquash::Config,
    rules: &RuleSet,
    files: &[std::path::PathBuf],
) -> Result<resetsquash::squash::Stats, Error> {
    let mut total = resetsquash::squash::Stats::default();
    let mut first_error = None;
    for path in files {
        match resetsquash::rotate::squash_in_place(config, rules, path) {
            Ok(stats) => {
                total.records += stats.records;
                total.unsquashable += stats.unsquashable;
                total.summaries += stats.summaries;
                if total.squashed.is_empty() {
                    total.squashed = stats.squashed;
                } else {
                    for (t, (_, n)) in total.squashed.iter_mut().zip(stats.squashed) {
                        t.1 += n;
                    }
                }
            }
            Err(e) => {
                if first_error.is_some() {
                    eprintln!("resetsquash: {e}");
                } else {
                    first_error = Some(e);
                }
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Output {
            what: "standard output".into(),
            source,
        })
}
