//! The `resetsquash` binary: parse the command line, call the library, map the result to an
//! exit code, print the one top-level error.

mod cli;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use resetsquash::output::AppendFile;
use resetsquash::rules::RuleSet;
use resetsquash::words::counted;
use resetsquash::{Error, exit};

fn main() -> ExitCode {
    // Looked at before anything is opened: a file opened while descriptor 1 is closed would
    // take its place and receive the output.
    let stdout_closed = stdout_is_closed();
    let result = cli::parse().and_then(|invocation| {
        if stdout_closed && invocation.writes_stdout() {
            return Err(Error::Output {
                what: "standard output".into(),
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
            use std::io::IsTerminal;
            if gzip && std::io::stdout().is_terminal() {
                return Err(Error::Usage(
                    "--gzip writes compressed data, and standard output is a terminal: \
                     redirect it to a file, as in `resetsquash --gzip app.log > app.log.gz`"
                        .into(),
                ));
            }
            let rules = RuleSet::load(&rules)?;
            hint_if_reading_a_terminal(&config.inputs);
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
                    "resetsquash: {}, {} squashed into {}, {} unsquashable",
                    counted(stats_out.records, "record", "records"),
                    stats_out.squashed_total(),
                    counted(stats_out.summaries, "summary line", "summary lines"),
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
            if !request.merge {
                hint_if_reading_a_terminal(&request.inputs);
            }
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
            let rows: Vec<[String; 3]> = rules
                .rules()
                .iter()
                .map(|r| {
                    [
                        r.id.clone(),
                        format!("{}:{}", r.location.file, r.location.line),
                        r.description.clone(),
                    ]
                })
                .collect();
            // Columns as wide as their widest entry, so that every row lines up.
            let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
            let (id, at) = (width(0), width(1));
            let mut out = String::new();
            for [rule, location, description] in &rows {
                out.push_str(&format!("{rule:<id$}  {location:<at$}  {description}\n"));
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
            let behave = if examples == 1 { "behaves" } else { "behave" };
            write_stdout(
                format!(
                    "ok: {}, {} {behave}\n",
                    counted(set.rules().len() as u64, "rule", "rules"),
                    counted(examples as u64, "example", "examples"),
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

/// A bare `resetsquash` on a terminal would wait in silence for lines typed at it: say so.
fn hint_if_reading_a_terminal(inputs: &[resetsquash::input::Source]) {
    use std::io::IsTerminal;
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
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Output {
            what: "standard output".into(),
            source,
        })
}
