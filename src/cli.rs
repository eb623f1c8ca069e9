//! The command line: clap's definition, and its conversion into a validated [`Config`].
//!
//! Nothing past [`Cli::into_command`] sees clap types.

use std::path::PathBuf;
use std::time::Duration;

mod values;

use clap::{Args, Parser, Subcommand};
use resetsquash::input::Source;
use resetsquash::rules::RuleSource;
use resetsquash::shipped::{Choice, Structured};
use resetsquash::{Config, Error};
use values::{json_choice, parse_count, parse_duration, prefix_choice, record_start, threads};

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
  2  bad usage, a rules file that is invalid or whose examples fail, or a
     --metrics file that resetsquash did not write (it is left as it is)
  3  the system refused threads or signal handlers the run needs to start

Writing rules: see rules/README.md in the source, or `resetsquash rules list`.
Man pages and completions: `resetsquash generate man DIR` writes every page into DIR (made if
missing, such as /usr/local/share/man/man1); `resetsquash generate completions SHELL` prints
completions for bash, zsh, fish, elvish or powershell.";

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
///
/// Options that choose the rules (`--rules`, `--no-default-rules`) go before or after a
/// subcommand alike; squashing options go only with squashing, where no subcommand is named.
#[derive(Parser, Debug)]
#[command(name = "resetsquash", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    rules: RuleArgs,

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
    /// Write the man pages or shell completions (for packagers and installers).
    #[command(hide = true, subcommand)]
    Generate(Generate),
}

#[derive(Subcommand, Debug)]
pub enum Generate {
    /// Every man page, in roff, into DIR (made if missing): resetsquash.1 and one page per
    /// subcommand (resetsquash-report.1, resetsquash-rules.1, …), as the pages refer to them.
    Man {
        /// The folder to write them to, such as /usr/local/share/man/man1.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Completions for SHELL: `resetsquash generate completions bash > resetsquash.bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Print every loaded rule, one line each: id, source, description.
    List,
    /// Print the fixed strings the prefilter looks for, one per line (for benchmarks:
    /// `rg -c -F -f` over them is the yardstick of a literal scan).
    #[command(hide = true)]
    Literals,
    /// Validate rules files and run their examples against all loaded rules.
    ///
    /// Exits 0 when every file is valid and every example behaves, 2 otherwise; each problem is
    /// reported as FILE:LINE:COLUMN: rule `ID`: what is wrong.
    Check {
        /// Rules files to check (with no file: the built-in rules).
        files: Vec<PathBuf>,
        /// Cut the examples into records as the filter cuts a log with the same
        /// `--record-start REGEX` (for logs whose traces the built-in grammar does not know).
        #[arg(long, value_name = "REGEX")]
        record_start: Option<String>,
    },
}

#[derive(Args, Debug)]
struct RuleArgs {
    /// Load rules from FILE as well (repeatable; tried after the built-in rules).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    rules: Vec<PathBuf>,
    /// Do not load the built-in rules.
    #[arg(long, global = true)]
    no_default_rules: bool,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// Logs to read (gzip is recognised by content), or with --merge, reports. None, or
    /// `-`: standard input.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: FormatArg,

    /// Timeline granularity, on the log's own clock.
    #[arg(long, value_enum, default_value = "hour")]
    by: By,

    /// The FILEs are reports (from --format json, or --format prometheus with --format
    /// prometheus): merge them into one.
    #[arg(long)]
    merge: bool,

    /// A line starts a record exactly when it matches REGEX (as for squashing).
    #[arg(long, value_name = "REGEX")]
    record_start: Option<String>,

    /// Threads for reading files, one file per thread: at most 4 per core; 0, or none given,
    /// is one per core.
    #[arg(long, short = 'j', value_name = "N", allow_hyphen_values = true, value_parser = parse_count)]
    threads: Option<u64>,
}

/// `--format`'s values: clap's mirror of [`resetsquash::report::Format`].
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
    Markdown,
    Html,
    /// Prometheus gauges, for node_exporter's textfile collector.
    Prometheus,
}

impl From<FormatArg> for resetsquash::report::Format {
    fn from(f: FormatArg) -> Self {
        use resetsquash::report::Format;
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Prometheus => Format::Prometheus,
        }
    }
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

    /// Length of a summary window on the log's own clock (`90s`, `5m`, `1h`, or seconds;
    /// `0`: one window for the whole input). Windows are aligned to the clock.
    #[arg(long, value_name = "DURATION", default_value = "1m", allow_hyphen_values = true, value_parser = parse_duration)]
    window: u64,

    /// Let the first N records of each group and window through in full, as examples.
    #[arg(long, value_name = "N", default_value_t = 0, allow_hyphen_values = true, value_parser = parse_count)]
    keep_first: u64,

    /// A line starts a record exactly when it matches REGEX (instead of the built-in header
    /// formats and stack-trace grammar).
    #[arg(long, value_name = "REGEX")]
    record_start: Option<String>,

    /// What a shipper put around each line: `auto` (told from the first 16 lines), `none`, or
    /// compose, timestamp (kubectl --timestamps), syslog (journald, rsyslog), rfc5424, heroku,
    /// cri, docker-json (json-file lines), colour (only colour escapes).
    #[arg(long, value_name = "KIND", default_value = "auto", value_parser = prefix_choice)]
    prefix: Choice,

    /// Whose JSON records each line is, in a JSON-lines log: `auto` (told from the first 16
    /// lines), `none` (lines as they are), or ecs, logstash, gelf, log4j2-json, clef, dotnet,
    /// journald, bunyan, pino, zap, slog, structlog, python-json, json (any object with `msg`).
    /// Each record is read as its message then its exception's text; summaries are records of
    /// the same writer.
    #[arg(long, value_name = "PROFILE", default_value = "auto", value_parser = json_choice)]
    json: Structured,

    /// Instead of the log, print one line per record that a rule looked at: squashed by which
    /// rule, or kept and why; each begins `line N:`, or over several files `FILE:N:` (the line
    /// in that file).
    #[arg(long)]
    explain: bool,

    /// At the end, print counts per rule to standard error.
    #[arg(long)]
    stats: bool,

    /// Add the run's counts to FILE as Prometheus counters, for node_exporter's textfile
    /// collector (a `.prom` file in its folder): at the end, and from a pipe every
    /// --metrics-every too. Each run adds to what the file holds; a file that is not
    /// resetsquash's is left alone (exit 2).
    #[arg(long, value_name = "FILE", conflicts_with = "explain")]
    metrics: Option<PathBuf>,

    /// The `log` label of the counts (letters, digits, `_`, `-`, `.`). By default the output's
    /// file name up to its first dot (`-o /var/log/app.log`: `app`), else the input's
    /// (with --in-place, each file's own: `app.log.1` is `app`), else `stdin`.
    #[arg(long, value_name = "NAME", requires = "metrics")]
    metrics_log: Option<String>,

    /// From a pipe, how often the metrics file is written (`15s`, `1m`; `0`: only at the end).
    #[arg(long, value_name = "DURATION", default_value = "15s", allow_hyphen_values = true, value_parser = parse_duration)]
    metrics_every: u64,

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

    /// With --in-place, also squash a file that has other hard links: this name gets the
    /// squashed copy, the other names keep the original. Without it such a file is left alone.
    #[arg(long, requires = "in_place")]
    break_hard_links: bool,

    /// From a pipe, also write pending counts every DURATION of wall-clock time (`30s`, `5m`),
    /// so a quiet server still reports them and a SIGKILL loses at most that much counting;
    /// `0`: only when windows close and at the end.
    #[arg(long, value_name = "DURATION", default_value = "1m", allow_hyphen_values = true, value_parser = parse_duration)]
    flush_every: u64,

    /// Threads: at most 4 per core; 0, or none given, is one per core. The output is the same
    /// for any number; a pipe uses them only for a backlog, so a line into a quiet pipe still
    /// comes out at once.
    #[arg(long, short = 'j', value_name = "N", allow_hyphen_values = true, value_parser = parse_count)]
    threads: Option<u64>,

    /// Bytes per read (for tests of buffer independence).
    #[arg(long, hide = true, default_value_t = 256 * 1024)]
    buffer_size: usize,

    /// Longest line handled whole; longer lines stream through unsquashed.
    #[arg(long, hide = true, default_value_t = 1 << 20)]
    max_line: usize,

    /// Bytes per chunk when several threads share the work (for tests of chunk independence).
    #[arg(long, hide = true, default_value_t = resetsquash::config::DEFAULT_CHUNK)]
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

impl Invocation {
    /// Whether it writes to standard output (not `-o FILE`, `--in-place` or `generate man`).
    pub fn writes_stdout(&self) -> bool {
        match self {
            Invocation::Filter {
                output, in_place, ..
            } => output.is_none() && in_place.is_none(),
            Invocation::Generate(Generate::Man { .. }) => false,
            _ => true,
        }
    }
}

/// Parses and validates the command line. `--help` and `--version` print and exit here;
/// every other problem comes back as a usage error in the binary's one style.
pub fn parse() -> Result<Invocation, Error> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => return Err(Error::Usage(clap_message(&e))),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| Error::Usage(clap_message(&e)))?;
    if let Some((name, _)) = matches.subcommand() {
        // Squashing options before a subcommand would be silently ignored by it: say so.
        let squashing = FilterArgs::augment_args(clap::Command::new("squashing"));
        if let Some(arg) = squashing.get_arguments().find(|a| {
            matches.value_source(a.get_id().as_str())
                == Some(clap::parser::ValueSource::CommandLine)
        }) {
            let shown = match (arg.get_long(), arg.get_value_names()) {
                (Some(long), _) => format!("--{long}"),
                (None, Some(names)) => names[0].to_string(),
                (None, None) => arg.get_id().to_string(),
            };
            return Err(Error::Usage(format!(
                "`{shown}` is for squashing a log, and `resetsquash {name}` does not take it: \
                 leave it out, or run `resetsquash {name} --help` for the options it takes"
            )));
        }
    }
    cli.into_command()
}

/// Clap's message without its own `error: ` prefix, so that it reads like every other
/// `resetsquash: …` message; its usage line and `--help` tip stay.
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    text.trim_end().to_string()
}

impl Cli {
    /// Validates the parsed command line.
    fn into_command(self) -> Result<Invocation, Error> {
        let rules = || rule_sources(&self.rules, &[]);
        match self.command {
            Some(Command::Generate(what)) => Ok(Invocation::Generate(what)),
            Some(Command::Report(a)) => {
                use std::io::IsTerminal;
                Ok(Invocation::Report {
                    rules: rules()?,
                    request: resetsquash::report::Request {
                        inputs: sources(a.files),
                        merge: a.merge,
                        format: a.format.into(),
                        by: match a.by {
                            By::Minute => 60,
                            By::Hour => 3600,
                            By::Day => 86_400,
                        },
                        threads: threads(a.threads)?,
                        progress: std::io::stderr().is_terminal(),
                        record_start: record_start(a.record_start.as_deref())?,
                    },
                })
            }
            Some(Command::Rules(RulesCommand::List)) => Ok(Invocation::List { rules: rules()? }),
            Some(Command::Rules(RulesCommand::Literals)) => {
                Ok(Invocation::Literals { rules: rules()? })
            }
            Some(Command::Rules(RulesCommand::Check {
                files,
                record_start: start,
            })) => Ok(Invocation::Check {
                rules: rule_sources(&self.rules, &files)?,
                record_start: record_start(start.as_deref())?,
            }),
            None => {
                let f = self.filter;
                let rules = rules()?;
                let record_start = record_start(f.record_start.as_deref())?;
                let in_place = f.in_place.then(|| f.files.clone());
                if in_place
                    .as_ref()
                    .is_some_and(|files| files.iter().any(|p| p.as_os_str() == "-"))
                {
                    return Err(Error::Usage(
                        "--in-place replaces files, and standard input (`-`) is none: name the \
                         files, or squash standard input to standard output without --in-place"
                            .into(),
                    ));
                }
                // A file that is not there but is named like a subcommand (looked up only then).
                if let Some(name) = f.files.iter().find_map(|p| {
                    let name = p.to_str().filter(|_| !p.exists())?;
                    use clap::CommandFactory;
                    Cli::command().find_subcommand(name).map(|_| name)
                }) {
                    return Err(Error::Usage(format!(
                        "`{name}` is read as a log file, because it comes after options or files \
                         of squashing: put the subcommand first, as in `resetsquash {name} …`"
                    )));
                }
                let inputs = sources(f.files);
                let mut config = Config {
                    inputs,
                    prefix: f.prefix,
                    json: f.json,
                    record_start,
                    read_size: f.buffer_size.max(1),
                    max_line: f.max_line.max(64),
                    idle: Duration::from_millis(f.idle_ms),
                    idle_in_trace: Duration::from_millis(f.idle_in_trace_ms),
                    threads: threads(f.threads)?,
                    chunk_size: f.chunk_size.max(1),
                    flush_every: (f.flush_every > 0).then(|| Duration::from_secs(f.flush_every)),
                    handle_signals: true,
                    keep_going: !f.gzip && !f.in_place,
                    break_hard_links: f.break_hard_links,
                    ..Config::default()
                };
                config.metrics = match f.metrics {
                    Some(path) => Some(metrics_target(
                        path,
                        f.metrics_log,
                        f.metrics_every,
                        if f.in_place {
                            None
                        } else {
                            f.output.as_deref()
                        },
                        &config.inputs,
                        f.in_place,
                    )?),
                    None => None,
                };
                config.windows.window = (f.window > 0).then_some(f.window as i64);
                config.windows.keep_first = f.keep_first;
                config.explain = f.explain;
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

/// `--metrics`: the `log` label given, checked, or the output's or first input's name (each
/// file's own with `--in-place`, named later).
fn metrics_target(
    path: PathBuf,
    log: Option<String>,
    every: u64,
    output: Option<&std::path::Path>,
    inputs: &[Source],
    in_place: bool,
) -> Result<resetsquash::metrics::Target, Error> {
    use resetsquash::metrics::log_name;
    if let Some(name) = &log
        && (name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(Error::Usage(format!(
            "--metrics-log `{name}`: a log's name is letters, digits, `_`, `-` and `.` (as \
             `app` or `shop-web`), never a path or address"
        )));
    }
    let input = match inputs.first() {
        Some(Source::Path(p)) => Some(p.as_path()),
        _ => None,
    };
    let log = log.or_else(|| (!in_place).then(|| log_name(output.or(input))));
    Ok(resetsquash::metrics::Target {
        path,
        log,
        every: Duration::from_secs(every),
    })
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

/// Writes the man pages or completions, generated from this very definition.
pub fn generate(what: &Generate, out: &mut dyn std::io::Write) -> Result<(), Error> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    match what {
        Generate::Man { dir } => {
            let failed = |source| Error::Output {
                what: dir.display().to_string(),
                source,
            };
            std::fs::create_dir_all(dir).map_err(failed)?;
            clap_mangen::generate_to(command, dir).map_err(failed)?;
            let mut pages: Vec<_> = std::fs::read_dir(dir)
                .map_err(failed)?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("resetsquash") && n.ends_with(".1"))
                .collect();
            pages.sort();
            for page in pages {
                writeln!(out, "{}", dir.join(page).display()).map_err(|source| Error::Output {
                    what: "standard output".into(),
                    source,
                })?;
            }
            Ok(())
        }
        Generate::Completions { shell } => {
            clap_complete::generate(*shell, &mut command, "resetsquash", out);
            Ok(())
        }
    }
}
