//! JSON-lines structured logs: each writer's keys as data (a [`Profile`] per writer), the
//! writer told from a log's first lines, and each record read back as the plain-text record the
//! same logger would have written: a header line (time, level, thread, logger, message), then
//! the exception's text, so that the rules and evidence classes read it as they read any log.
//!
//! Field paths are dotted and resolve both ways (see [`super::scan::find`]): Spring Boot 3.4
//! writes `"log.level"`, 3.5 `{"log":{"level":…}}`, and one profile reads both.

use super::scan::{self, Members, Type, Val};
use super::trace::value_text;
use crate::summary::MARKER;

/// One writer's record: which keys hold what, and how its summary is written.
#[derive(Debug, PartialEq, Eq)]
pub struct Profile {
    /// The name `--json` takes.
    pub name: &'static str,
    /// The writer, for `--help` and the docs.
    pub about: &'static str,
    /// Keys every record of the writer has (`key#`: a number): how a log is told to be its.
    marks: &'static [&'static str],
    pub time: &'static [&'static str],
    /// What a numeric time counts.
    pub epoch: Epoch,
    pub level: &'static [&'static str],
    pub logger: &'static [&'static str],
    thread: &'static [&'static str],
    pub message: &'static [&'static str],
    /// The parts of the exception's text, each on lines of its own after the message (one
    /// already in the text is left out: zap's `errorVerbose` holds its `error`).
    trace: &'static [&'static str],
    /// How the writer's records start without a time: .NET's `fail: Category[13]`, or
    /// Python's `ERROR:logger:`.
    untimed: Untimed,
    /// How its summary record is written.
    pub out: Out,
}

/// What a numeric time counts since 1970.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Epoch {
    Millis,
    /// With a fraction: GELF's `timestamp`, zap's `ts`.
    Seconds,
    /// A string of digits: journald's `__REALTIME_TIMESTAMP`.
    Micros,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Untimed {
    Python,
    Dotnet,
}

/// How a profile writes the fields of a summary record of its own.
#[derive(Debug, PartialEq, Eq)]
pub struct Out {
    /// The level `info`, as the writer writes it (JSON text).
    pub info: &'static str,
    /// Where the counts go: a namespace prefix (`resetsquash.` nested or flat as the record's
    /// keys are, GELF's `_`) before `log_count`, `rule`, `first_observed_timestamp`,
    /// `last_observed_timestamp` (the names of OpenTelemetry's log deduplication).
    pub ext: &'static str,
    /// Keys in upper case (journald's fields).
    pub upper: bool,
    /// Fields copied from the record replaced (a GELF record needs `version` and `host`).
    pub carry: &'static [&'static str],
    /// Serilog's `@mt`: the message as a template too.
    pub template: bool,
}

const fn out(info: &'static str, ext: &'static str, carry: &'static [&'static str]) -> Out {
    Out {
        info,
        ext,
        upper: false,
        carry,
        template: false,
    }
}

/// Every profile, the most specific first (a log is the first whose marks most lines have).
pub static PROFILES: [Profile; 14] = [
    Profile {
        name: "ecs",
        about: "Elastic Common Schema: Spring Boot 3.4+ (flat or nested keys), log4j2 EcsLayout, ecs-logging",
        marks: &["ecs.version"],
        time: &["@timestamp"],
        epoch: Epoch::Millis,
        level: &["log.level"],
        logger: &["log.logger"],
        thread: &["process.thread.name"],
        message: &["message"],
        trace: &["error.stack_trace"],
        untimed: Untimed::Python,
        out: out("\"INFO\"", "resetsquash.", &["ecs.version", "service.name"]),
    },
    Profile {
        name: "logstash",
        about: "logstash-logback-encoder's LogstashEncoder",
        marks: &["@timestamp", "logger_name", "message"],
        time: &["@timestamp"],
        epoch: Epoch::Millis,
        level: &["level"],
        logger: &["logger_name"],
        thread: &["thread_name"],
        message: &["message"],
        trace: &["stack_trace"],
        untimed: Untimed::Python,
        out: out("\"INFO\"", "resetsquash_", &["@version"]),
    },
    Profile {
        name: "gelf",
        about: "GELF 1.1 (logback-gelf, logstash-gelf, Graylog appenders)",
        marks: &["version", "short_message"],
        time: &["timestamp"],
        epoch: Epoch::Seconds,
        level: &["level"],
        logger: &["_logger_name", "_logger", "_LoggerName", "_loggerName"],
        thread: &["_thread_name", "_thread", "_Thread"],
        message: &["short_message"],
        trace: &["full_message", "_stack_trace", "_StackTrace", "_exception"],
        untimed: Untimed::Python,
        out: out("6", "_", &["version", "host"]),
    },
    Profile {
        name: "log4j2-json",
        about: "log4j2 JsonLayout (`thrown` with `extendedStackTrace` frames)",
        marks: &["loggerName", "thread", "level"],
        time: &["timeMillis", "instant.epochSecond"],
        epoch: Epoch::Millis,
        level: &["level"],
        logger: &["loggerName"],
        thread: &["thread"],
        message: &["message"],
        trace: &["thrown"],
        untimed: Untimed::Python,
        out: out("\"INFO\"", "", &[]),
    },
    Profile {
        name: "clef",
        about: "Serilog's compact JSON (CLEF)",
        marks: &["@t"],
        time: &["@t"],
        epoch: Epoch::Millis,
        level: &["@l"],
        logger: &["SourceContext"],
        thread: &["ThreadId"],
        message: &["@m", "@mt"],
        trace: &["@x"],
        untimed: Untimed::Dotnet,
        out: Out {
            template: true,
            ..out("\"Information\"", "", &[])
        },
    },
    Profile {
        name: "dotnet",
        about: ".NET's JSON console formatter",
        marks: &["EventId", "LogLevel", "Category"],
        time: &["Timestamp"],
        epoch: Epoch::Millis,
        level: &["LogLevel"],
        logger: &["Category"],
        thread: &[],
        message: &["Message"],
        trace: &["Exception"],
        untimed: Untimed::Dotnet,
        out: out("\"Information\"", "", &[]),
    },
    Profile {
        name: "journald",
        about: "`journalctl -o json`",
        marks: &["MESSAGE", "__REALTIME_TIMESTAMP"],
        time: &["__REALTIME_TIMESTAMP"],
        epoch: Epoch::Micros,
        level: &["PRIORITY"],
        logger: &["SYSLOG_IDENTIFIER"],
        thread: &[],
        message: &["MESSAGE"],
        trace: &[],
        untimed: Untimed::Python,
        out: Out {
            upper: true,
            ..out("\"6\"", "RESETSQUASH_", &["_HOSTNAME"])
        },
    },
    Profile {
        name: "bunyan",
        about: "bunyan (node)",
        marks: &["v#", "name", "msg", "level#"],
        time: &["time"],
        epoch: Epoch::Millis,
        level: &["level"],
        logger: &["name"],
        thread: &[],
        message: &["msg"],
        trace: &["err"],
        untimed: Untimed::Python,
        out: out("30", "resetsquash.", &["v", "hostname", "pid"]),
    },
    Profile {
        name: "pino",
        about: "pino (node; fastify, pino-http)",
        marks: &["level#", "msg"],
        time: &["time"],
        epoch: Epoch::Millis,
        level: &["level"],
        logger: &["name"],
        thread: &[],
        message: &["msg"],
        trace: &["err", "error"],
        untimed: Untimed::Python,
        out: out("30", "resetsquash.", &["pid", "hostname"]),
    },
    Profile {
        name: "zap",
        about: "Go's zap (production JSON encoder)",
        marks: &["ts", "msg", "level"],
        time: &["ts"],
        epoch: Epoch::Seconds,
        level: &["level"],
        logger: &["logger"],
        thread: &[],
        message: &["msg"],
        trace: &["errorVerbose", "error", "stacktrace"],
        untimed: Untimed::Python,
        out: out("\"info\"", "", &[]),
    },
    Profile {
        name: "slog",
        about: "Go's log/slog JSONHandler",
        marks: &["time", "level", "msg"],
        time: &["time"],
        epoch: Epoch::Millis,
        level: &["level"],
        logger: &["logger"],
        thread: &[],
        message: &["msg"],
        trace: &["error", "err"],
        untimed: Untimed::Python,
        out: out("\"INFO\"", "", &[]),
    },
    Profile {
        name: "structlog",
        about: "structlog's JSONRenderer (Python)",
        marks: &["event"],
        time: &["timestamp"],
        epoch: Epoch::Seconds,
        level: &["level"],
        logger: &["logger"],
        thread: &[],
        message: &["event"],
        trace: &["exception"],
        untimed: Untimed::Python,
        out: out("\"info\"", "", &[]),
    },
    Profile {
        name: "python-json",
        about: "python-json-logger's JsonFormatter",
        marks: &["message"],
        time: &["asctime", "timestamp", "created"],
        epoch: Epoch::Seconds,
        level: &["levelname", "level"],
        logger: &["name", "logger"],
        thread: &["threadName"],
        message: &["message"],
        trace: &["exc_info", "exc_text", "stack_info"],
        untimed: Untimed::Python,
        out: out("\"INFO\"", "", &[]),
    },
    Profile {
        name: "json",
        about: "any other JSON object per line with `message` or `msg`",
        marks: &["msg"],
        time: &["time", "timestamp", "@timestamp", "ts"],
        epoch: Epoch::Millis,
        level: &["level", "severity"],
        logger: &["logger", "name"],
        thread: &["thread"],
        message: &["msg", "message"],
        trace: &["stack", "stack_trace", "error", "err", "exception"],
        untimed: Untimed::Python,
        out: out("\"info\"", "", &[]),
    },
];

impl Profile {
    /// The profile `--json NAME` names.
    pub fn named(name: &str) -> Option<&'static Profile> {
        PROFILES.iter().find(|p| p.name == name)
    }

    /// Whether a record (its members) has this writer's marks.
    fn marks(&self, line: &[u8], m: &Members) -> bool {
        self.marks.iter().all(|mark| {
            let (path, number) = match mark.strip_suffix('#') {
                Some(p) => (p, true),
                None => (*mark, false),
            };
            scan::find(line, m, path).is_some_and(|v| !number || v.ty == Type::Num)
        })
    }

    /// The first of `paths` a record has.
    pub fn first(line: &[u8], m: &Members, paths: &[&str]) -> Option<Val> {
        paths.iter().find_map(|p| scan::find(line, m, p))
    }
}

/// The profile of a log whose first non-empty lines are `lines`: most of them JSON objects
/// (a crash's stderr and a broken line may mix in, as may our own summaries), and the profile
/// the first in table order whose marks most of those have.
pub fn detect(lines: &[&[u8]]) -> Option<&'static Profile> {
    // Our own summaries are records of the log's writer, but need not have all of its keys
    // (a log4j2 summary has no thread): they are left out, unless there is nothing else.
    let ours = |l: &&&[u8]| memchr::memmem::find(l, MARKER).is_some();
    let lines: Vec<&[u8]> = match lines.iter().filter(|l| !ours(l)).count() {
        0 => lines.to_vec(),
        _ => lines.iter().filter(|l| !ours(l)).copied().collect(),
    };
    let mut m = Vec::new();
    let mut objects = 0;
    let mut hits = [0usize; PROFILES.len()];
    for line in &lines {
        if !scan::object(line, &mut m) {
            continue;
        }
        objects += 1;
        for (hit, p) in hits.iter_mut().zip(&PROFILES) {
            *hit += usize::from(p.marks(line, &m));
        }
    }
    if objects * 2 <= lines.len() {
        return None;
    }
    // The most specific writer whose keys most records have: every ECS record also has a
    // `message`, as python-json-logger's does.
    hits.iter()
        .position(|&h| h * 2 > objects)
        .map(|i| &PROFILES[i])
}

/// Appends the text a record would have had from a plain-text logger: `None` if `line` is
/// not a JSON object (it is then read as it is).
pub fn render(p: &Profile, line: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut m = Vec::new();
    if !scan::object(line, &mut m) {
        return None;
    }
    let start = out.len();
    let text = |paths: &[&str], out: &mut Vec<u8>| -> bool {
        match Profile::first(line, &m, paths) {
            Some(v) => {
                value_text(line, &v, out);
                true
            }
            None => false,
        }
    };
    let mut message = Vec::new();
    text(p.message, &mut message);
    let mut logger = Vec::new();
    text(p.logger, &mut logger);
    let time = Profile::first(line, &m, p.time).and_then(|v| header_time(p, line, &m, &v));
    // A summary this profile wrote: read back as a plain summary line.
    if logger == b"resetsquash" && message.starts_with(MARKER) {
        if let Some(t) = &time {
            out.extend_from_slice(t);
            out.push(b' ');
        }
        out.extend_from_slice(&message);
        out.push(b'\n');
        return Some(());
    }
    let level = Profile::first(line, &m, p.level).map_or("INFO", |v| level_word(line, &v));
    let mut thread = Vec::new();
    text(p.thread, &mut thread);
    let one_line = |t: &[u8], out: &mut Vec<u8>| {
        out.extend(t.iter().map(|&b| if b == b'\n' { b' ' } else { b }));
    };
    match (&time, p.untimed) {
        (Some(t), _) => {
            out.extend_from_slice(t);
            out.push(b' ');
            out.extend_from_slice(level.as_bytes());
            if !thread.is_empty() {
                out.extend_from_slice(b" [");
                one_line(&thread, out);
                out.push(b']');
            }
            if !logger.is_empty() {
                out.push(b' ');
                one_line(&logger, out);
            }
            out.extend_from_slice(b" : ");
        }
        (None, Untimed::Dotnet) => {
            out.extend_from_slice(dotnet_level(level).as_bytes());
            out.extend_from_slice(b": ");
            one_line(if logger.is_empty() { b"App" } else { &logger }, out);
            out.push(b'[');
            match scan::find(line, &m, "EventId").filter(|v| v.ty == Type::Num) {
                Some(v) => out.extend_from_slice(&line[v.at]),
                None => out.push(b'0'),
            }
            out.extend_from_slice(b"]\n      ");
        }
        (None, Untimed::Python) => {
            out.extend_from_slice(python_level(level).as_bytes());
            out.push(b':');
            let name: Vec<u8> = logger
                .iter()
                .map(|&b| if b == b' ' || b == b':' { b'_' } else { b })
                .collect();
            out.extend_from_slice(if name.is_empty() { b"root" } else { &name });
            out.push(b':');
        }
    }
    out.extend_from_slice(&message);
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut part = Vec::new();
    let mut parts = 0;
    for path in p.trace {
        part.clear();
        let Some(v) = scan::find(line, &m, path) else {
            continue;
        };
        super::trace::text(p.name, line, &v, &mut part);
        // A GELF `full_message` starts with the message; zap's `errorVerbose` holds `error`.
        let mut t: &[u8] = &part;
        if !message.is_empty()
            && let Some(rest) = t.strip_prefix(message.as_slice())
        {
            t = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        // Looked for only where there is more than one part (a long needle costs its length).
        if t.is_empty() || (parts > 0 && memchr::memmem::find(&out[start..], t).is_some()) {
            continue;
        }
        parts += 1;
        out.extend_from_slice(t);
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
    }
    Some(())
}

/// The record's time as its header's: a string as the writer wrote it, if a header reads it
/// so; a number as an RFC 3339 time in UTC with the digits it had.
fn header_time(p: &Profile, line: &[u8], m: &Members, v: &Val) -> Option<Vec<u8>> {
    let raw = &line[v.at.clone()];
    let digits_only = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    let t = match (v.ty, p.epoch) {
        (Type::Str, Epoch::Micros) if digits_only(raw) => {
            let n: i64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
            rfc3339(
                n.div_euclid(1_000_000),
                &format!("{:06}", n.rem_euclid(1_000_000)),
            )
        }
        (Type::Str, _) => {
            let mut t = Vec::new();
            super::string::decode(raw, &mut t);
            let mut probe = t.clone();
            probe.extend_from_slice(b" x");
            let h = crate::header::detect(&probe)?;
            (h.timestamp_len == t.len() && h.seconds.is_some()).then_some(t)?
        }
        (Type::Num, _) if p.name == "log4j2-json" && !raw.contains(&b'.') => {
            // `instant` is seconds and nanoseconds; `timeMillis` milliseconds.
            let n: i64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
            match scan::find(line, m, "instant.nanoOfSecond") {
                Some(ns) if scan::find(line, m, "timeMillis").is_none() => {
                    let ns: i64 = std::str::from_utf8(&line[ns.at]).ok()?.parse().ok()?;
                    rfc3339(n, &format!("{:09}", ns))
                }
                _ => rfc3339(n.div_euclid(1000), &format!("{:03}", n.rem_euclid(1000))),
            }
        }
        (Type::Num, Epoch::Millis) if digits_only(raw) => {
            let n: i64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
            rfc3339(n.div_euclid(1000), &format!("{:03}", n.rem_euclid(1000)))
        }
        (Type::Num, Epoch::Seconds) => {
            let s = std::str::from_utf8(raw).ok()?;
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            (digits_only(whole.as_bytes()) && (frac.is_empty() || digits_only(frac.as_bytes())))
                .then_some(())?;
            rfc3339(whole.parse().ok()?, frac)
        }
        _ => return None,
    };
    Some(t)
}

/// `2026-11-24T15:35:04.123Z`.
pub fn rfc3339(seconds: i64, frac: &str) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = crate::header::civil(seconds);
    let dot = if frac.is_empty() { "" } else { "." };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{dot}{frac}Z").into_bytes()
}

/// The level as a word: pino's and bunyan's numbers, GELF's and journald's syslog severities,
/// Serilog's and .NET's names, all made logback's.
fn level_word(line: &[u8], v: &Val) -> &'static str {
    let raw = &line[v.at.clone()];
    let mut word = [0u8; 16];
    let n = raw.len().min(16);
    word[..n].copy_from_slice(&raw[..n]);
    word[..n].make_ascii_uppercase();
    match &word[..n] {
        b"10" | b"TRACE" | b"VERBOSE" | b"VRB" | b"7" => "TRACE",
        b"20" | b"DEBUG" | b"DBG" => "DEBUG",
        b"30" | b"INFO" | b"INFORMATION" | b"INF" | b"5" | b"6" | b"NOTICE" => "INFO",
        b"40" | b"WARN" | b"WARNING" | b"WRN" | b"4" => "WARN",
        b"50" | b"ERROR" | b"ERR" | b"3" => "ERROR",
        b"60" | b"FATAL" | b"CRITICAL" | b"FTL" | b"DPANIC" | b"PANIC" | b"0" | b"1" | b"2" => {
            "FATAL"
        }
        _ => "INFO",
    }
}

fn python_level(word: &str) -> &'static str {
    match word {
        "TRACE" | "DEBUG" => "DEBUG",
        "WARN" => "WARNING",
        "ERROR" => "ERROR",
        "FATAL" => "CRITICAL",
        _ => "INFO",
    }
}

fn dotnet_level(word: &str) -> &'static str {
    match word {
        "TRACE" => "trce",
        "DEBUG" => "dbug",
        "WARN" => "warn",
        "ERROR" => "fail",
        "FATAL" => "crit",
        _ => "info",
    }
}

/// A text whose every line is a JSON record of one writer (a rule's example, say), each line
/// read as the filter reads such a log's: one record each; `None` if it is not one.
pub fn read_records(text: &[u8]) -> Option<Vec<Vec<u8>>> {
    let lines: Vec<&[u8]> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() || !lines.iter().all(|l| l.first() == Some(&b'{')) {
        return None;
    }
    let p = detect(&lines)?;
    lines
        .into_iter()
        .map(|l| {
            let mut out = Vec::new();
            render(p, l, &mut out).map(|()| out)
        })
        .collect()
}
