//! `--metrics FILE`: a run's counts as Prometheus counters, in the text format that
//! node_exporter's textfile collector reads from a folder of `*.prom` files.
//!
//! Every write adds what the run counted since its last write to what the file holds, under a
//! lock on the file's folder, and replaces the file by a rename: so the counters only grow,
//! across runs (a logrotate hook run each night), restarts (a pipe in front of a server) and
//! several writers of one file (a pipe for one log, a hook for others), and the collector never
//! reads half a file. The file carries no timestamps (the collector drops a whole file that
//! has them); `log` is a short name, never a path, and no label holds a value read from the log
//! (a group, a client): a million distinct aborts are a handful of series.
//!
//! `report --format prometheus` shows one report's counts with the same labels, as gauges of
//! families of their own (`resetsquash_report_…`): a folder may hold both kinds of file, and
//! the collector refuses one family with two types.
//!
//! A file that is not ours, or that we cannot read back, is never overwritten: the error names
//! it, and what was counted before stays as it was.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::Error;
use crate::fields::Kinds;
use crate::sink::Stats;

/// What `--metrics` asks for.
#[derive(Clone, Debug)]
pub struct Target {
    /// The `.prom` file, in the collector's folder.
    pub path: PathBuf,
    /// The `log` label (`--metrics-log`); `None`: each output's own name ([`log_name`]).
    pub log: Option<String>,
    /// From a live input, how often the file is written while the run goes on.
    pub every: Duration,
}

/// The first line of a file of the filter's counters: how a file is known to be ours.
pub const COUNTERS_HEADER: &str =
    "# resetsquash metrics: every run adds its counts to these (--metrics); do not edit";
/// The first line of `report --format prometheus`.
pub const REPORT_HEADER: &str =
    "# resetsquash report: the counts of one report (--format prometheus)";

/// One family of series: its name, type, help and label names (in the order written).
struct Family {
    name: &'static str,
    counter: bool,
    help: &'static str,
    labels: &'static [&'static str],
}

const fn family(
    name: &'static str,
    counter: bool,
    labels: &'static [&'static str],
    help: &'static str,
) -> Family {
    Family {
        name,
        counter,
        help,
        labels,
    }
}

// The filter's families, then the report's; indexes into FAMILIES.
const ABORTS: usize = 0;
const RECORDS: usize = 1;
const SQUASHED_BYTES: usize = 2;
const INSERTED_BYTES: usize = 3;
const SUMMARIES: usize = 4;
const LAST_WRITE: usize = 5;
const RULES_LOADED: usize = 6;
const REPORT_ABORTS: usize = 7;
const REPORT_RECORDS: usize = 8;
const REPORT_SQUASHED_BYTES: usize = 9;

const FAMILIES: [Family; 10] = [
    family(
        "resetsquash_client_aborts_total",
        true,
        &["log", "rule", "kind"],
        "Client-abort records squashed, by rule and by what the peer did.",
    ),
    family(
        "resetsquash_records_total",
        true,
        &["log", "outcome"],
        "Records read, by what became of them.",
    ),
    family(
        "resetsquash_squashed_bytes_total",
        true,
        &["log"],
        "Bytes of the records squashed.",
    ),
    family(
        "resetsquash_inserted_bytes_total",
        true,
        &["log"],
        "Bytes of the summary lines written in place of the squashed records.",
    ),
    family(
        "resetsquash_summaries_written_total",
        true,
        &["log"],
        "Summary lines written.",
    ),
    family(
        "resetsquash_last_write_timestamp_seconds",
        false,
        &["log"],
        "When the counts of this log were last written (Unix time).",
    ),
    family(
        "resetsquash_rules_loaded",
        false,
        &[],
        "Rules loaded by the run that last wrote this file.",
    ),
    family(
        "resetsquash_report_client_aborts",
        false,
        &["log", "rule", "kind"],
        "Client-abort records in the logs of one report, squashed now or before.",
    ),
    family(
        "resetsquash_report_records",
        false,
        &["log", "outcome"],
        "Records in the logs of one report, by what became of them.",
    ),
    family(
        "resetsquash_report_squashed_bytes",
        false,
        &["log"],
        "Bytes of the client-abort records in the logs of one report.",
    ),
];

/// What the peer did, as the `kind` label says it: a closed set, named after the errno the
/// server saw. Windows' 10053 is ECONNABORTED and its 10054 ECONNRESET, as in its own headers.
fn kind_values(k: &Kinds) -> [(&'static str, u64); 4] {
    [
        ("ECONNRESET", k.resets),
        ("EPIPE", k.broken_pipes),
        ("ECONNABORTED", k.windows_aborts),
        ("client_closed", k.other),
    ]
}

/// What a report counted, as [`Samples::of_report`] shows it (the report fills it in: this
/// module is below the report, not beside it).
#[derive(Clone, Debug, Default)]
pub struct ReportCounts {
    /// Per rule id: client-abort records, and the kinds of those whose kind is known.
    pub rules: Vec<(String, u64, Kinds)>,
    pub records: u64,
    pub squashed: u64,
    pub lookalikes: u64,
    pub unsquashable: u64,
    pub squashed_bytes: u64,
}

/// One series: a family and its label values, in the family's label order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Series {
    family: usize,
    labels: Vec<String>,
}

/// Series and their values. Every value is a whole number: counts, bytes and Unix seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Samples(BTreeMap<Series, u64>);

impl Samples {
    fn set(&mut self, family: usize, labels: &[&str], value: u64) {
        let labels = labels.iter().map(|l| l.to_string()).collect();
        self.0.insert(Series { family, labels }, value);
    }

    /// The filter's counters for `stats`, labelled `log`.
    pub fn of_run(log: &str, stats: &Stats) -> Samples {
        let mut s = Samples::default();
        for rule in &stats.squashed {
            for (kind, n) in kind_values(&rule.kinds) {
                if n > 0 {
                    s.set(ABORTS, &[log, &rule.id, kind], n);
                }
            }
        }
        let squashed = stats.squashed_total();
        let kept = stats
            .records
            .saturating_sub(squashed + stats.first_kept + stats.lookalikes + stats.unsquashable);
        for (outcome, n) in [
            ("squashed", squashed),
            ("first_kept", stats.first_kept),
            ("lookalike_kept", stats.lookalikes),
            ("unsquashable_kept", stats.unsquashable),
            ("kept", kept),
        ] {
            s.set(RECORDS, &[log, outcome], n);
        }
        s.set(SQUASHED_BYTES, &[log], stats.squashed_bytes);
        s.set(INSERTED_BYTES, &[log], stats.summary_bytes);
        s.set(SUMMARIES, &[log], stats.summaries);
        s
    }

    /// One report's counts as gauges, labelled `log`.
    pub fn of_report(log: &str, r: &ReportCounts) -> Samples {
        let mut s = Samples::default();
        for (rule, records, kinds) in &r.rules {
            let mut known = 0;
            for (kind, n) in kind_values(kinds) {
                known += n;
                if n > 0 {
                    s.set(REPORT_ABORTS, &[log, rule, kind], n);
                }
            }
            // Summary lines of an older resetsquash do not say what the peers did.
            if *records > known {
                s.set(REPORT_ABORTS, &[log, rule, "unknown"], records - known);
            }
        }
        let kept = r
            .records
            .saturating_sub(r.squashed + r.lookalikes + r.unsquashable);
        for (outcome, n) in [
            ("squashed", r.squashed),
            ("lookalike_kept", r.lookalikes),
            ("unsquashable_kept", r.unsquashable),
            ("kept", kept),
        ] {
            s.set(REPORT_RECORDS, &[log, outcome], n);
        }
        s.set(REPORT_SQUASHED_BYTES, &[log], r.squashed_bytes);
        s
    }

    /// Adds `now - before` to every counter, series by series (a run's counts only grow, so
    /// that is what it counted since `before` was written), and takes the gauges of `now`.
    fn add_since(&mut self, now: &Samples, before: &Samples) {
        for (series, &n) in &now.0 {
            let value = if FAMILIES[series.family].counter {
                let already = before.0.get(series).copied().unwrap_or(0);
                let total = self.0.get(series).copied().unwrap_or(0);
                total.saturating_add(n.saturating_sub(already))
            } else {
                n
            };
            self.0.insert(series.clone(), value);
        }
    }

    /// Adds every value of `other` (merging reports: gauges of disjoint logs add up too).
    pub fn add(&mut self, other: &Samples) {
        for (series, &n) in &other.0 {
            let v = self.0.entry(series.clone()).or_default();
            *v = v.saturating_add(n);
        }
    }

    /// The text format, families in a fixed order, series sorted: the same counts always give
    /// the same bytes. `textfile` (the file's name) becomes a first label on every series: the
    /// collector refuses a series that two of its files both hold, and a pipe's file and a
    /// logrotate hook's may well count a log of the same name.
    pub fn render(&self, header: &str, textfile: Option<&str>) -> String {
        let mut out = format!("{header}\n");
        for (i, f) in FAMILIES.iter().enumerate() {
            let mut series = self.0.range(
                Series {
                    family: i,
                    labels: Vec::new(),
                }..Series {
                    family: i + 1,
                    labels: Vec::new(),
                },
            );
            let Some(first) = series.next() else { continue };
            let kind = if f.counter { "counter" } else { "gauge" };
            let _ = writeln!(
                out,
                "# HELP {} {}\n# TYPE {} {kind}",
                f.name, f.help, f.name
            );
            for (s, v) in std::iter::once(first).chain(series) {
                out.push_str(f.name);
                let file = textfile.map(|t| ("textfile", t));
                let labels = file.into_iter().chain(
                    f.labels
                        .iter()
                        .copied()
                        .zip(s.labels.iter().map(String::as_str)),
                );
                for (j, (name, value)) in labels.enumerate() {
                    out.push(if j == 0 { '{' } else { ',' });
                    let _ = write!(out, "{name}=\"{}\"", escape(value));
                }
                if file.is_some() || !s.labels.is_empty() {
                    out.push('}');
                }
                let _ = writeln!(out, " {v}");
            }
        }
        out
    }

    /// Reads back a file [`Samples::render`] wrote with `header`. An empty file holds nothing
    /// yet (as one made by `touch`); anything else must be ours, whole: the problem otherwise.
    pub fn parse(text: &str, header: &str) -> Result<Samples, String> {
        let mut s = Samples::default();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            None => return Ok(s),
            Some((_, first)) if first == header => {}
            Some(_) => {
                return Err(format!(
                    "it was not written by resetsquash (its first line is not `{header}`)"
                ));
            }
        }
        for (i, line) in lines {
            let at = |why: &str| format!("line {}: {why}", i + 1);
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix("# ") {
                let mut words = comment.splitn(3, ' ');
                let (what, name) = (words.next(), words.next());
                if !matches!(what, Some("HELP" | "TYPE"))
                    || !FAMILIES.iter().any(|f| Some(f.name) == name)
                {
                    return Err(at("a comment resetsquash does not write"));
                }
                continue;
            }
            let (series, value) = parse_sample(line).map_err(|why| at(&why))?;
            s.0.insert(series, value);
        }
        Ok(s)
    }
}

/// `name{label="value",…} value`, as [`Samples::render`] writes it.
fn parse_sample(line: &str) -> Result<(Series, u64), String> {
    let name_end = line.find(['{', ' ']).ok_or("a sample without a value")?;
    let name = &line[..name_end];
    let family = FAMILIES
        .iter()
        .position(|f| f.name == name)
        .ok_or_else(|| format!("`{name}` is not a family resetsquash writes"))?;
    let mut rest = &line[name_end..];
    let mut found: Vec<(String, String)> = Vec::new();
    if let Some(mut labels) = rest.strip_prefix('{') {
        loop {
            let eq = labels.find("=\"").ok_or("a label without a quoted value")?;
            let label = labels[..eq].to_string();
            let (value, after) = unescape(&labels[eq + 2..]).ok_or("a label value not closed")?;
            found.push((label, value));
            labels = after;
            if let Some(more) = labels.strip_prefix(',') {
                labels = more;
            } else if let Some(end) = labels.strip_prefix('}') {
                rest = end;
                break;
            } else {
                return Err("labels not closed by `}`".into());
            }
        }
    }
    let value = rest
        .strip_prefix(' ')
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or("a value that is not a whole number (or a timestamp after it)")?;
    // The file's own name, which the next write puts back (the file may have been renamed).
    found.retain(|(n, _)| n != "textfile");
    let want = FAMILIES[family].labels;
    let mut labels = Vec::with_capacity(want.len());
    for w in want {
        let v = found
            .iter()
            .find(|(n, _)| n == w)
            .ok_or_else(|| format!("`{name}` without its label `{w}`"))?;
        labels.push(v.1.clone());
    }
    if found.len() != want.len() {
        return Err(format!("`{name}` with labels it does not have"));
    }
    Ok((Series { family, labels }, value))
}

/// A label value as the text format quotes it.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The quoted value at the start of `s` (its opening quote already taken), and what follows
/// its closing quote.
fn unescape(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                c => out.push(c),
            },
            c => out.push(c),
        }
    }
    None
}

/// The `log` label for a file: its name up to the first dot (`catalina.out.1.gz` and
/// `catalina.2026-12-01.log` are both `catalina`, so a log keeps its name across rotations),
/// in letters, digits, `_` and `-`; `stdin` for standard input.
pub fn log_name(path: Option<&Path>) -> String {
    let Some(name) = path.and_then(Path::file_name) else {
        return "stdin".into();
    };
    let name = name.to_string_lossy();
    let stem = name.trim_start_matches('.').split('.').next().unwrap_or("");
    let clean: String = stem
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "log".into()
    } else {
        clean
    }
}

/// The `--metrics` file of one run: what it has added so far, to add only what is new.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    log: String,
    rules_loaded: u64,
    written: Samples,
}

impl Writer {
    /// A writer of `path`'s counters for `log`, after checking that the file is ours (or new),
    /// so that a run refuses before it reads, rather than after.
    pub fn open(path: &Path, log: String, rules_loaded: usize) -> Result<Writer, Error> {
        read(path)?;
        Ok(Writer {
            path: path.to_path_buf(),
            log,
            rules_loaded: rules_loaded as u64,
            written: Samples::default(),
        })
    }

    /// Adds what the run counted since the last write (`stats`: the run's counts so far) to
    /// the file, and replaces it.
    pub fn write(&mut self, stats: &Stats) -> Result<(), Error> {
        let now = Samples::of_run(&self.log, stats);
        let dir = folder(&self.path);
        let output = |source| Error::Output {
            what: self.path.display().to_string(),
            source,
        };
        // Held until the new file is in place: another writer reads what this one wrote.
        let lock = std::fs::File::open(dir).map_err(output)?;
        rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| output(e.into()))?;
        let (mut total, mode) = read(&self.path)?;
        total.add_since(&now, &self.written);
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        total.set(LAST_WRITE, &[&self.log], seconds);
        total.set(RULES_LOADED, &[], self.rules_loaded);
        let name = self.path.file_name().map(|n| n.to_string_lossy());
        let text = total.render(COUNTERS_HEADER, name.as_deref());
        replace(&self.path, dir, text.as_bytes(), mode).map_err(output)?;
        self.written = now;
        Ok(())
    }
}

/// The file's counters (none if it is not there yet) and its mode, to keep.
fn read(path: &Path) -> Result<(Samples, Option<u32>), Error> {
    use std::os::unix::fs::PermissionsExt;
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Samples::default(), None));
        }
        Err(source) => {
            return Err(Error::Input {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let refused = |problem: String| Error::Metrics {
        path: path.to_path_buf(),
        problem,
    };
    let text = String::from_utf8(text).map_err(|_| refused("it is not UTF-8 text".into()))?;
    let samples = Samples::parse(&text, COUNTERS_HEADER).map_err(refused)?;
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions().mode());
    Ok((samples, mode))
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`: a reader sees
/// the old file or the new, never part of one. The collector reads `*.prom` only, so the
/// temporary file (`.NAME.XXXXXX`) is never read half written.
fn replace(path: &Path, dir: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let name = path
        .file_name()
        .map_or_else(|| "metrics".into(), |n| n.to_string_lossy().into_owned());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    // The collector runs as its own user: readable by all, unless the file said otherwise.
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o644)))?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::RuleCount;

    fn stats() -> Stats {
        Stats {
            records: 100,
            squashed: vec![RuleCount {
                id: "tomcat-client-abort".into(),
                records: 30,
                kinds: Kinds {
                    resets: 20,
                    broken_pipes: 10,
                    ..Kinds::default()
                },
            }],
            summaries: 2,
            squashed_bytes: 90_000,
            summary_bytes: 700,
            first_kept: 1,
            lookalikes: 2,
            unsquashable: 3,
            signal: None,
        }
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let mut s = Samples::of_run("catalina", &stats());
        s.set(ABORTS, &["we\"ird\\", "r\nx", "EPIPE"], 1);
        let text = s.render(COUNTERS_HEADER, None);
        assert_eq!(Samples::parse(&text, COUNTERS_HEADER), Ok(s));
        assert!(text.contains(
            "resetsquash_client_aborts_total{log=\"catalina\",rule=\"tomcat-client-abort\",kind=\"ECONNRESET\"} 20\n"
        ));
        assert!(text.contains("resetsquash_records_total{log=\"catalina\",outcome=\"kept\"} 64\n"));
    }

    #[test]
    fn every_series_names_the_file_so_that_two_files_never_hold_the_same_series() {
        let s = Samples::of_run("app", &stats());
        let text = s.render(COUNTERS_HEADER, Some("resetsquash-live-app.prom"));
        assert!(text.contains(
            "resetsquash_records_total{textfile=\"resetsquash-live-app.prom\",log=\"app\",outcome=\"kept\"} 64\n"
        ));
        let mut gauge = Samples::default();
        gauge.set(RULES_LOADED, &[], 26);
        let text = gauge.render(COUNTERS_HEADER, Some("r.prom"));
        assert!(text.ends_with("\nresetsquash_rules_loaded{textfile=\"r.prom\"} 26\n"));
        // Read back under any name: the next write names the file as it is called then.
        assert_eq!(Samples::parse(&text, COUNTERS_HEADER), Ok(gauge));
    }

    #[test]
    fn a_second_write_adds_only_what_was_counted_since_the_first() {
        let mut file = Samples::of_run("a", &stats());
        let first = Samples::of_run("b", &Stats::default());
        let mut later = stats();
        later.records += 10;
        later.squashed[0].records += 5;
        later.squashed[0].kinds.resets += 5;
        let now = Samples::of_run("b", &later);
        file.add_since(&now, &first);
        file.add_since(&now, &now);
        let value = |log: &str, outcome: &str| {
            file.0[&Series {
                family: RECORDS,
                labels: vec![log.into(), outcome.into()],
            }]
        };
        assert_eq!(value("a", "squashed"), 30, "another log's counts are kept");
        assert_eq!(value("b", "squashed"), 35, "added once, not twice");
    }

    #[test]
    fn files_that_are_not_ours_or_damaged_are_refused() {
        let ok = Samples::of_run("x", &stats()).render(COUNTERS_HEADER, Some("x.prom"));
        assert!(Samples::parse("", COUNTERS_HEADER).is_ok());
        for (text, why) in [
            ("node_load1 0.5\n".to_string(), "not written by resetsquash"),
            (format!("{ok}node_load1 1\n"), "not a family"),
            (
                format!("{ok}resetsquash_records_total{{log=\"x\"}} 1\n"),
                "without its label",
            ),
            (
                format!("{ok}resetsquash_summaries_written_total{{log=\"x\"}} 1 1700000000\n"),
                "whole number",
            ),
            (
                format!("{ok}resetsquash_summaries_written_total{{log=\"x\n"),
                "not closed",
            ),
            (format!("{ok}# hand edit\n"), "comment"),
        ] {
            let e = Samples::parse(&text, COUNTERS_HEADER).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn a_log_is_named_by_its_file_up_to_the_first_dot() {
        let name = |p: &str| log_name(Some(Path::new(p)));
        assert_eq!(name("/var/log/tomcat10/catalina.out"), "catalina");
        assert_eq!(name("catalina.2026-12-01.log.gz"), "catalina");
        assert_eq!(name("/srv/app/logs/app.log.1"), "app");
        assert_eq!(name("access_log"), "access_log");
        assert_eq!(name("my app (prod).log"), "my_app__prod_");
        assert_eq!(log_name(None), "stdin");
    }
}
