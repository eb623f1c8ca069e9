//! Errors for users: each says what failed, where, and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How errors name standard input, where a file would be named by its path. Kept here, not with
/// the inputs, because a damage report tells standard input from a file by it (there is no file
/// to hand to `gzip -t`).
pub const STDIN_NAME: &str = "<stdin>";

/// Everything that can stop a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input could not be opened or read.
    #[error("{}: {}", path.display(), Advice(source, Side::Input))]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Gzip inputs were damaged (cut short or corrupt). Everything decoded before the damage
    /// was dealt with as a whole input is (see [`Salvage`]), then the run failed with this.
    #[error("{}", Lines(.0))]
    Damaged(Vec<Damage>),
    /// The output could not be written (a full disk, a closed pipe).
    #[error("cannot write {what}: {}", Advice(source, Side::Output))]
    Output {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// In front of a server, output that could not be written was dropped (the log says where
    /// and how much); the run went on, and ends with this.
    #[error(
        "lost {} of output ({bytes} bytes) to {what}, which could not be written: {reason}; \
         the log says where, in a `resetsquash: lost …` line",
        crate::words::counted(*lines, "line", "lines")
    )]
    Lost {
        what: String,
        lines: u64,
        bytes: u64,
        reason: String,
    },
    /// A rules file could not be read.
    #[error("{}: cannot read rules file: {}", path.display(), Advice(source, Side::Rules))]
    RulesFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One or more rules files are invalid; every problem found is listed.
    #[error("{}", Lines(.0))]
    Rules(Vec<RuleError>),
    /// The command line asks for something impossible.
    #[error("{0}")]
    Usage(String),
    /// The `--metrics` file holds what resetsquash cannot add to: it is left as it is.
    #[error(
        "{}: cannot add to it as the --metrics file: {problem}; it is left as it is (give          resetsquash a file of its own, or remove this one if it is an old one of ours)",
        path.display()
    )]
    Metrics { path: PathBuf, problem: String },
    /// The system refused what a run needs before it reads anything (threads, signal
    /// handlers): nothing the command line or the rules could have done otherwise.
    #[error("{0}")]
    Setup(String),
}

impl Error {
    /// Whether this is our own output closing under us (`resetsquash … | head`): a normal end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Which way the failed I/O went, for what to do about it.
#[derive(Clone, Copy)]
enum Side {
    Input,
    Output,
    Rules,
}

/// An I/O error as a user reads it: the system's own words, without the `(os error N)` that
/// says nothing more, then what to do where there is something to say.
pub(crate) struct Advice<'a>(&'a std::io::Error, Side);

impl Advice<'_> {
    /// The system's words for `e`, without `(os error N)`.
    pub(crate) fn words(e: &std::io::Error) -> String {
        let text = e.to_string();
        match text.rfind(" (os error ") {
            Some(at) if text.ends_with(')') => text[..at].to_string(),
            _ => text,
        }
    }
}

impl fmt::Display for Advice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use std::io::ErrorKind as K;
        f.write_str(&Advice::words(self.0))?;
        let todo = match (self.0.kind(), self.1) {
            (K::NotFound, Side::Input) => "check the name, or give `-` to read standard input",
            (K::NotFound, Side::Rules) => "check the name given to --rules or `rules check`",
            (K::NotFound, Side::Output) => "its folder must exist: make it first",
            (K::PermissionDenied, Side::Input | Side::Rules) => {
                "run as a user who may read it, or give that user read access"
            }
            (K::PermissionDenied, Side::Output) => {
                "run as a user who may write there, or give that user write access"
            }
            (K::StorageFull, _) => "free space on that file system, then run again",
            (K::ReadOnlyFilesystem, _) => "that file system is mounted read-only: write elsewhere",
            (K::IsADirectory, _) => "name the files inside it",
            _ => return Ok(()),
        };
        write!(f, "; {todo}")
    }
}

/// A problem in a rules file, located precisely enough to fix it without searching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// The file as the user named it (`rules/tomcat.yaml` for a built-in).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The rule the problem is in, where there is one.
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(rule) = &self.rule {
            write!(f, "rule `{rule}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Several problems, one a line.
struct Lines<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for Lines<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Where a gzip input is damaged, and what became of the part before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    pub path: PathBuf,
    /// The data ran out (the file was cut short, as a full disk or a crash while it was
    /// written leaves it), rather than being wrong.
    pub truncated: bool,
    /// How far into the file the decoder got: the damage is there or just before.
    pub compressed_offset: u64,
    /// Decompressed bytes read before the damage: all of them were used.
    pub decoded: u64,
    /// The decoder's own words.
    pub reason: String,
    pub salvage: Salvage,
}

/// What was done with the bytes decoded before the damage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Salvage {
    /// Filtered and written, with the counts of their records, as a whole input is.
    #[default]
    Written,
    /// Nothing: `--in-place` does not replace a log with part of it.
    LeftAsItWas,
    /// Counted in the report.
    Reported,
    /// Nothing: part of a JSON report (`report --merge`) is no report.
    Unused,
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        let what = if self.truncated {
            "gzip data cut short"
        } else {
            "corrupt gzip data"
        };
        write!(
            f,
            "{path}: {what} at compressed byte {} ({}), after {} bytes decompressed: ",
            self.compressed_offset, self.reason, self.decoded
        )?;
        match self.salvage {
            Salvage::Written => f.write_str(
                "those were filtered and written, with the counts of their records, and the \
                 rest cannot be read; if it matters, look for an intact copy",
            )?,
            Salvage::LeftAsItWas => write!(
                f,
                "the file is left as it was; to squash what can be read into a new file: \
                 `zcat {path} | resetsquash | gzip > NEW.gz`"
            )?,
            Salvage::Reported => f.write_str(
                "the report counts those, and the rest cannot be read; if it matters, look \
                 for an intact copy",
            )?,
            Salvage::Unused => {
                f.write_str("part of a JSON report cannot be merged; make the report again")?
            }
        }
        if self.path == Path::new(STDIN_NAME) {
            Ok(())
        } else {
            write!(f, " (`gzip -t {path}` shows the same damage)")
        }
    }
}

/// How a run that read every input ends: with its counts, or, when gzip inputs were damaged,
/// with an error naming them, after everything read before the damage is written and flushed.
/// The run goes on past a damaged input to the next, as `zcat` does, so that the output is
/// what filtering `zcat`'s output gives.
pub(crate) fn end_of_run<T, W: std::io::Write>(
    stats: T,
    mut out: W,
    out_name: &str,
    damaged: Vec<Damage>,
) -> Result<(T, W), Error> {
    if damaged.is_empty() {
        return Ok((stats, out));
    }
    out.flush().map_err(|source| Error::Output {
        what: out_name.to_string(),
        source,
    })?;
    Err(Error::Damaged(damaged))
}
