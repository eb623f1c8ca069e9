//! The command line: clap's definition, and its conversion into a validated [`Config`].
//!
//! Nothing past [`Cli::into_command`] sees clap types.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use resetsquash::input::Source;
use resetsquash::rules::RuleSource;
use resetsquash::{Config, Error};

const AFTER_HELP: &str = "\
Examples:
  app 2>&1 | resetsquash >> app.log          squash a live log on its way to disk
  resetsquash catalina.out > catalina.clean  files are read in order, like cat (gzip too)
  resetsquash --explain app.log.1            show which rule took which record, and why not
  resetsquash rules check ours.yaml          validate a rules file and run its examples

Signals (reading a pipe):
  SIGTERM, SIGINT  decide the last record, write every pending count, then end by the signal
  SIGHUP           reopen the -o FILE (after logrotate moved it)

Exit status:
  0  success (also when our output is closed early, as by `| head`)
  1  an input could not be read, or the output could not be written; also a
     damaged gzip input (what came before the damage is written first)
  2  bad usage, or a rules file that is invalid or whose examples fail

Writing rules: see rules/README.md in the source, or `resetsquash rules list`.";

const REPORT_HELP: &str = "\
Examples:
  resetsquash report catalina.2026-11-2*.log.gz               text, on the terminal
  resetsquash report --format json catalina.out.1 > host1.json
  resetsquash report --format html --by hour *.log.gz > aborts.html
  resetsquash report --merge host*.json --format markdown     a whole fleet

Summary lines of logs squashed before are read back with their counts, so a report of a
squashed log has the same totals, per-rule counts and timeline (per minute or coarser) as a
report of the original. The JSON schema is documented in docs/report-json.md.";

/// Collapse client-abort noise ("Connection reset by peer", "Broken pipe" and their stack
/// traces) in server logs into counted one-line summaries. Every other line passes through
/// byte for byte.
#[derive(Parser, Debug)]
#[command(name = "resetsquash", version, after_help = AFTER_HELP)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List or check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Summarise client aborts in logs (raw, squashed or gzipped): totals per rule and group,
    /// a timeline, where they happened, hints at causes, and the noise still left.
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Write the man page or shell completions to standard output (for packagers).
    #[command(hide = true, subcommand)]
    Generate(Generate),
}

#[derive(Subcommand, Debug)]
pub enum Generate {
    /// The man page, in roff: `resetsquash generate man > resetsquash.1`.
    Man,
    /// Completions for SHELL: `resetsquash generate completions bash > resetsquash.bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Print every loaded rule, one line each: id, source, description.
    List(RuleArgs),
    /// Print the fixed strings the prefilter looks for, one per line (for benchmarks:
    /// `rg -c -F -f` over them is the yardstick of a literal scan).
    #[command(hide = true)]
    Literals(RuleArgs),
    /// Validate rules files and run their examples against all loaded rules.
    ///
    /// Exits 0 when every file is valid and every example behaves, 2 otherwise; each problem is
    /// reported as FILE:LINE:COLUMN: rule `ID`: what is wrong.
    Check {
        /// Rules files to check (with no file: the built-in rules).
        files: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
        /// Cut the examples into records as the filter cuts a log with the same
        /// `--record-start REGEX` (for logs whose traces the built-in grammar does not know).
        #[arg(long, value_name = "REGEX")]
        record_start: Option<String>,
    },
}

#[derive(Args, Debug)]
struct RuleArgs {
    /// Load rules from FILE as well (repeatable; tried after the built-in rules).
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long)]
    no_default_rules: bool,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// Logs to read (gzip is recognised by content), or with --merge, JSON reports. None, or
    /// `-`: standard input.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    rules: RuleArgs,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: resetsquash::report::Format,

    /// Timeline granularity, on the log's own clock.
    #[arg(long, value_enum, default_value = "hour")]
    by: By,

    /// The FILEs are JSON reports (from --format json): merge them into one.
    #[arg(long)]
    merge: bool,

    /// A line starts a record exactly when it matches REGEX (as for squashing).
    #[arg(long, value_name = "REGEX")]
    record_start: Option<String>,

    /// Threads for reading files, one file per thread (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    threads: Option<usize>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum By {
    Minute,
    Hour,
    Day,
}

#[derive(Args, Debug)]
struct FilterArgs {
    /// Log files to read, in order; gzip is recognised by content. None, or `-`: standard input.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    rules: RuleArgs,

    /// Length of a summary window on the log's own clock (`90s`, `5m`, `1h`, or seconds;
    /// `0`: one window for the whole input). Windows are aligned to the clock.
    #[arg(long, value_name = "DURATION", default_value = "1m", value_parser = parse_duration)]
    window: u64,

    /// Let the first N records of each group and window through in full, as examples.
    #[arg(long, value_name = "N", default_value_t = 0)]
    keep_first: u64,

    /// A line starts a record exactly when it matches REGEX (instead of the built-in header
    /// formats and stack-trace grammar).
    #[arg(long, value_name = "REGEX")]
    record_start: Option<String>,

    /// Instead of the log, print one line per record that a rule looked at: squashed by which
    /// rule, or kept and why.
    #[arg(long)]
    explain: bool,

    /// At the end, print counts per rule to standard error.
    #[arg(long)]
    stats: bool,

    /// Append to FILE instead of writing to standard output, as rotatelogs does (for Tomcat's
    /// CATALINA_OUT_CMD and httpd's ErrorLog "|…", which give no log file on stdout). SIGHUP
    /// reopens it, for logrotate's `create` and `postrotate kill -HUP`.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,

    /// Write gzip (as a logrotate `compresscmd`: `compressoptions --gzip`, `compressext .gz`).
    #[arg(long, conflicts_with_all = ["output", "in_place", "explain"])]
    gzip: bool,

    /// Squash each FILE in place, safely: a temporary file in the same directory, synced, with
    /// the original's owner, mode and mtime, renamed over it (gzip in, gzip out). For
    /// logrotate's `postrotate` with "$2".
    #[arg(long, requires = "files", conflicts_with_all = ["output", "explain"])]
    in_place: bool,

    /// From a pipe, also write pending counts every DURATION of wall-clock time (`30s`, `5m`),
    /// so a quiet server still reports them. Off by default.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    flush_every: Option<u64>,

    /// Threads (default: one per core). The output is the same for any number; a pipe uses
    /// them only for a backlog, so a line into a quiet pipe still comes out at once.
    #[arg(long, short = 'j', value_name = "N")]
    threads: Option<usize>,

    /// Bytes per read (for tests of buffer independence).
    #[arg(long, hide = true, default_value_t = 256 * 1024)]
    buffer_size: usize,

    /// Longest line handled whole; longer lines stream through unsquashed.
    #[arg(long, hide = true, default_value_t = 1 << 20)]
    max_line: usize,

    /// Bytes per chunk when several threads share the work (for tests of chunk independence).
    #[arg(long, hide = true, default_value_t = resetsquash::parallel::BLOCK)]
    chunk_size: usize,

    /// Milliseconds a pipe may be quiet before a held record is decided.
    #[arg(long, hide = true, default_value_t = 10)]
    idle_ms: u64,

    /// The same for a record inside a stack trace.
    #[arg(long, hide = true, default_value_t = 500)]
    idle_in_trace_ms: u64,
}

/// What the binary was asked to do, validated.
pub enum Invocation {
    Generate(Generate),
    Report {
        request: resetsquash::report::Request,
        rules: Vec<RuleSource>,
    },
    Filter {
        config: Box<Config>,
        rules: Vec<RuleSource>,
        stats: bool,
        output: Option<PathBuf>,
        gzip: bool,
        /// Squash these files in place instead.
        in_place: Option<Vec<PathBuf>>,
    },
    List {
        rules: Vec<RuleSource>,
    },
    Literals {
        rules: Vec<RuleSource>,
    },
    Check {
        rules: Vec<RuleSource>,
        record_start: Option<regex::bytes::Regex>,
    },
}

impl Cli {
    /// Validates the parsed command line.
    pub fn into_command(self) -> Result<Invocation, Error> {
        match self.command {
            Some(Command::Generate(what)) => Ok(Invocation::Generate(what)),
            Some(Command::Report(a)) => {
                use std::io::IsTerminal;
                Ok(Invocation::Report {
                    rules: rule_sources(&a.rules, &[])?,
                    request: resetsquash::report::Request {
                        inputs: sources(a.files),
                        merge: a.merge,
                        format: a.format,
                        by: match a.by {
                            By::Minute => 60,
                            By::Hour => 3600,
                            By::Day => 86_400,
                        },
                        threads: threads(a.threads),
                        progress: std::io::stderr().is_terminal(),
                        record_start: record_start(a.record_start.as_deref())?,
                    },
                })
            }
            Some(Command::Rules(RulesCommand::List(args))) => Ok(Invocation::List {
                rules: rule_sources(&args, &[])?,
            }),
            Some(Command::Rules(RulesCommand::Literals(args))) => Ok(Invocation::Literals {
                rules: rule_sources(&args, &[])?,
            }),
            Some(Command::Rules(RulesCommand::Check {
                files,
                rules,
                record_start: start,
            })) => Ok(Invocation::Check {
                rules: rule_sources(&rules, &files)?,
                record_start: record_start(start.as_deref())?,
            }),
            None => {
                let f = self.filter;
                let rules = rule_sources(&f.rules, &[])?;
                let record_start = record_start(f.record_start.as_deref())?;
                let in_place = f.in_place.then(|| f.files.clone());
                if in_place
                    .as_ref()
                    .is_some_and(|files| files.iter().any(|p| p.as_os_str() == "-"))
                {
                    return Err(Error::Usage("--in-place needs files, not `-`".into()));
                }
                let inputs = sources(f.files);
                let mut config = Config {
                    inputs,
                    record_start,
                    read_size: f.buffer_size.max(1),
                    max_line: f.max_line.max(64),
                    idle: Duration::from_millis(f.idle_ms),
                    idle_in_trace: Duration::from_millis(f.idle_in_trace_ms),
                    threads: threads(f.threads),
                    chunk_size: f.chunk_size.max(1),
                    flush_every: f.flush_every.filter(|&s| s > 0).map(Duration::from_secs),
                    handle_signals: true,
                    ..Config::default()
                };
                config.squash.window = (f.window > 0).then_some(f.window as i64);
                config.squash.keep_first = f.keep_first;
                config.squash.explain = f.explain;
                Ok(Invocation::Filter {
                    config: Box::new(config),
                    rules,
                    stats: f.stats,
                    output: f.output,
                    gzip: f.gzip,
                    in_place,
                })
            }
        }
    }
}

/// Files as inputs; none, or `-`, is standard input.
fn sources(files: Vec<PathBuf>) -> Vec<Source> {
    if files.is_empty() {
        return vec![Source::Stdin];
    }
    files
        .into_iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Source::Stdin
            } else {
                Source::Path(p)
            }
        })
        .collect()
}

/// `-j N`, or one thread per core.
fn threads(n: Option<usize>) -> usize {
    n.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// `--record-start REGEX`, compiled.
fn record_start(pattern: Option<&str>) -> Result<Option<regex::bytes::Regex>, Error> {
    pattern
        .map(|p| {
            regex::bytes::Regex::new(p)
                .map_err(|e| Error::Usage(format!("--record-start: not a valid regex: {e}")))
        })
        .transpose()
}

/// Built-ins (unless dropped), then the `--rules` files, then `extra` files.
fn rule_sources(args: &RuleArgs, extra: &[PathBuf]) -> Result<Vec<RuleSource>, Error> {
    let mut sources = if args.no_default_rules {
        Vec::new()
    } else {
        RuleSource::built_in()
    };
    for path in args.rules.iter().chain(extra) {
        sources.push(RuleSource::read(path)?);
    }
    Ok(sources)
}

/// `90`, `90s`, `5m`, `1h`, `1d` → seconds.
fn parse_duration(s: &str) -> Result<u64, String> {
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a duration such as 90s, 5m or 1h"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit in `{s}`; use s, m, h or d")),
    };
    n.checked_mul(scale)
        .ok_or_else(|| format!("`{s}` is too long"))
}

/// Writes the man page or completions, generated from this very definition.
pub fn generate(what: &Generate, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    match what {
        Generate::Man => clap_mangen::Man::new(command).render(out),
        Generate::Completions { shell } => {
            clap_complete::generate(*shell, &mut command, "resetsquash", out);
            Ok(())
        }
    }
}
