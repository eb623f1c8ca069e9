//! The `resetsquash` binary: parse the command line, call the library, map the result to an
//! exit code, print the one top-level error.

mod cli;

use std::io::{IsTerminal, Write, stdout};
use std::path::Path;
use std::process::ExitCode;

use resetsquash::output::AppendFile;
use resetsquash::rules::{RuleSet, listing};
use resetsquash::{Error, exit, rotate};

/// What errors call standard output.
const STDOUT: &str = "standard output";

fn main() -> ExitCode {
    // Looked at before anything is opened: a file opened while descriptor 1 is closed would
    // take its place and receive the output.
    let stdout_closed = stdout_is_closed();
    let result = cli::parse().and_then(|invocation| {
        if stdout_closed && invocation.writes_stdout() {
            return Err(Error::Output {
                what: STDOUT.into(),
                source: std::io::Error::other(
                    "it is closed (as by `>&-`), and the output would be lost: redirect it to a \
                     file, or give -o FILE",
                ),
            });
        }
        run(invocation)
    });
    match result {
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

fn run(invocation: cli::Invocation) -> Result<(), Error> {
    match invocation {
        cli::Invocation::Generate(what) => {
            let mut out = Vec::new();
            cli::generate(&what, &mut out)?;
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
            if gzip && std::io::stdout().is_terminal() {
                return Err(Error::Usage(
                    "--gzip writes compressed data, and standard output is a terminal: \
                     redirect it to a file, as in `resetsquash --gzip app.log > app.log.gz`"
                        .into(),
                ));
            }
            if in_place.is_none() {
                resetsquash::driver::catch_signals_early(&config)?;
            }
            let rules = RuleSet::load(&rules)?;
            hint_if_reading_a_terminal(&config.inputs);
            let counts = match (in_place, output) {
                (Some(files), _) => rotate::squash_all_in_place(&config, &rules, &files, |e| {
                    eprintln!("resetsquash: {e}")
                })?,
                (None, _) if gzip => {
                    resetsquash::driver::run_gzip(&config, &rules, stdout().lock(), STDOUT)?.0
                }
                (None, Some(path)) => {
                    let name = path.display().to_string();
                    let file = AppendFile::open(&path).map_err(|source| Error::Output {
                        what: name.clone(),
                        source,
                    })?;
                    resetsquash::run(&config, &rules, file, &name)?.0
                }
                (None, None) => resetsquash::run(&config, &rules, stdout().lock(), STDOUT)?.0,
            };
            if stats {
                let _ = std::io::stderr().write_all(counts.describe().as_bytes());
            }
            if let Some(sig) = counts.signal {
                // Everything is written: now end the way the signal asked, so that whoever
                // sent it sees the process end by it.
                let _ = signal_hook::low_level::emulate_default_handler(sig);
            }
            Ok(())
        }
        cli::Invocation::Report { request, rules } => {
            let rules = RuleSet::load(&rules)?;
            if !request.merge {
                hint_if_reading_a_terminal(&request.inputs);
            }
            use resetsquash::report::{self, Format};
            if request.merge && request.format == Format::Prometheus {
                return write_stdout(report::merge_prometheus(&request.inputs)?.as_bytes());
            }
            let (report, damaged) = report::build(&request, &rules, &Default::default())?;
            let text = report::render(&report, request.format, request.by);
            write_stdout(text.as_bytes())?;
            if damaged.is_empty() {
                Ok(())
            } else {
                Err(Error::Damaged(damaged))
            }
        }
        cli::Invocation::List { rules } => {
            write_stdout(listing::table(&RuleSet::load(&rules)?).as_bytes())
        }
        cli::Invocation::Literals { rules } => {
            write_stdout(&listing::literals(&RuleSet::load(&rules)?))
        }
        cli::Invocation::Check {
            rules,
            record_start,
        } => {
            let rules = RuleSet::load(&rules)?;
            write_stdout(listing::check(&rules, record_start.as_ref())?.as_bytes())
        }
    }
}

/// A bare `resetsquash` on a terminal would wait in silence for lines typed at it: say so.
fn hint_if_reading_a_terminal(inputs: &[resetsquash::input::Source]) {
    if inputs
        .iter()
        .any(|s| matches!(s, resetsquash::input::Source::Stdin))
        && std::io::stdin().is_terminal()
    {
        eprintln!(
            "resetsquash: reading standard input from the terminal (end it with Ctrl-D; \
             name log files to read them instead, see --help)"
        );
    }
}

/// Descriptor 1 was closed when the process started (`resetsquash < log >&-`): Rust's runtime
/// then puts /dev/null there, opened for reading and writing, so a run would exit 0 having
/// written nothing. A shell's `> /dev/null` opens it for writing only, which is left alone.
/// Linux only (it asks /proc); elsewhere nothing is refused.
fn stdout_is_closed() -> bool {
    let on_null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|p| p == Path::new("/dev/null"));
    on_null
        && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("flags:"))
                .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                .is_some_and(|flags| flags & 0o3 == 0o2) // O_RDWR
        })
}

fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Output {
            what: STDOUT.into(),
            source,
        })
}
