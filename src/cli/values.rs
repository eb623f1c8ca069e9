//! The command line's values: counts, durations, thread counts and patterns, parsed into what
//! the library takes, with the messages a user reads when one is wrong.

use resetsquash::Error;

/// Threads per core that `-j` may ask for. More only costs: each thread holds chunks in
/// memory, and the work is bound by the cores (a thousand threads took 3 s for a 200 KiB log).
const THREADS_PER_CORE: usize = 4;

/// `-j N`: 0, or none given, is one thread per core; more than [`THREADS_PER_CORE`] per core
/// is refused rather than started.
pub fn threads(n: Option<u64>) -> Result<usize, Error> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = cores * THREADS_PER_CORE;
    match n {
        None | Some(0) => Ok(cores),
        Some(n) if n <= most as u64 => Ok(n as usize),
        Some(n) => Err(Error::Usage(format!(
            "-j {n}: at most {most} threads on this machine ({THREADS_PER_CORE} per core, {}): \
             give -j {most} or fewer, or leave -j out for one thread per core",
            resetsquash::words::counted(cores as u64, "core", "cores")
        ))),
    }
}

/// `--record-start REGEX`, compiled.
pub fn record_start(pattern: Option<&str>) -> Result<Option<regex::bytes::Regex>, Error> {
    pattern
        .map(|p| {
            regex::bytes::Regex::new(p).map_err(|e| {
                Error::Usage(format!(
                    "--record-start: not a valid regex (the regex crate's syntax, as in \
                     --record-start '^\\d{{4}}-'): {e}"
                ))
            })
        })
        .transpose()
}

/// A whole number of things, 0 or more (`--keep-first`, `-j`).
pub fn parse_count(s: &str) -> Result<u64, String> {
    s.parse().map_err(|_| {
        if s.starts_with('-') {
            format!("`{s}` is negative: give a whole number, 0 or more")
        } else {
            format!("`{s}` is not a whole number: give one such as 0, 1 or 5")
        }
    })
}

/// `90`, `90s`, `5m`, `1h`, `1d` → seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    if s.starts_with('-') {
        return Err(format!(
            "`{s}` is negative: give a duration such as 90s, 5m or 1h"
        ));
    }
    let (number, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ if number.is_empty() => {
            return Err(format!(
                "`{s}` is not a duration: give one such as 90s, 5m or 1h"
            ));
        }
        _ => {
            return Err(format!(
                "`{s}` has the unknown unit `{unit}`: use s, m, h or d, as in 90s, 5m or 1h"
            ));
        }
    };
    if number.contains('.') {
        let whole = number
            .parse::<f64>()
            .ok()
            .map(|n| n * scale as f64)
            .filter(|secs| secs.fract() == 0.0 && *secs >= 1.0);
        return Err(match whole {
            Some(secs) => {
                format!("`{s}` has a fraction: durations are whole numbers, so write {secs}s")
            }
            None => format!(
                "`{s}` has a fraction: durations are whole numbers of seconds, minutes, hours or days"
            ),
        });
    }
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: give one such as 90s, 5m or 1h"))?;
    n.checked_mul(scale)
        .ok_or_else(|| format!("`{s}` is too long: give at most {}d", u64::MAX / 86_400))
}

/// `--json PROFILE`.
pub fn json_choice(s: &str) -> Result<resetsquash::shipped::Structured, String> {
    resetsquash::shipped::Structured::parse(s).ok_or_else(|| {
        let names: Vec<&str> = resetsquash::shipped::PROFILES
            .iter()
            .map(|p| p.name)
            .collect();
        format!(
            "`{s}` is not a JSON profile: auto, none, or one of {}",
            names.join(", ")
        )
    })
}

/// `--prefix KIND`.
pub fn prefix_choice(s: &str) -> Result<resetsquash::shipped::Choice, String> {
    resetsquash::shipped::Choice::parse(s).ok_or_else(|| {
        let kinds: Vec<&str> = resetsquash::shipped::Kind::ALL
            .iter()
            .map(|k| k.name())
            .collect();
        format!(
            "`{s}` is not a prefix: auto, none, or one of {}",
            kinds.join(", ")
        )
    })
}
