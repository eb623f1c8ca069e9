//! `genlog`: a seeded generator of realistic server logs, used as benchmark input for
//! resetsquash.
//!
//! ```text
//! cargo run --release --example genlog -- --size 1G --seed 42 --format mixed > big.log
//! ```
//!
//! # What comes out
//! Records shaped like the real logs copied into `testdata/corpus/` (see `testdata/README.md`)
//! and like the records public issue threads quote for each server family:
//! - `tomcat`: Tomcat 10.1 `catalina.out` and `localhost.*.log` (JULI OneLineFormatter, throwables
//!   indented by a tab) plus unindented `e.printStackTrace()` output;
//! - `springboot`: Spring Boot 2.7 logback console (`%wEx`: blank line before and after a trace,
//!   packaging data `~[jar:version]`, `... N common frames omitted`);
//! - `nginx`: error log and combined access log interleaved, as `docker logs` shows them;
//! - `python`: CPython 3.11 `http.server` access lines, socketserver dumps between 40-dash lines,
//!   `logging.exception` records;
//! - `jdk`: `com.sun.net.httpserver` with JUL SimpleFormatter two-line headers, English or
//!   `zh_CN` (translated OS texts `断开的管道`, `连接被对方重设`).
//!
//! Three kinds of record (shares measured on `--size 1G --seed 42`, mixed, default share):
//! - ordinary one-liners (access lines, INFO records, nginx keep-alive noise): ~86% of records,
//!   ~28% of bytes;
//! - client aborts (`Broken pipe`, `Connection reset by peer`, `ClientAbortException` with `Caused by`
//!   chains and 35–122-frame Java traces, nginx `[info] … prematurely closed`, Python socketserver
//!   dumps): `--abort-share` of the BYTES (default 0.5, so ~12% of records), steered by a feedback
//!   loop so the share holds at any size;
//! - genuine look-alikes resetsquash must keep (JDBC/Jedis/HTTP-client resets on OUTBOUND sockets,
//!   refused connects, read timeouts, NPEs, nginx `[error] … upstream`, Python outbound urllib and
//!   `requests` resets): 2% of the non-abort records (~1.7% of records, ~22% of bytes, since most
//!   carry long Java traces).
//!
//! `--stats` prints the exact counts and byte shares per family and kind for any run.
//!
//! `mixed` (the default) switches format family every 500–1500 records, so the file reads like the
//! logs of several servers concatenated. Timestamps start at 2026-11-24 00:00:00 and advance 1–6 ms
//! per record (a GiB spans a few hours); thread names, ports and client addresses vary.
//!
//! # Why seeded
//! A benchmark input must be reproducible from its command line, so that multi-gigabyte files are
//! generated where they are needed and never committed: the same flags give byte-identical output
//! on any machine. Everything derives from one SplitMix64 stream; there is no clock, no hashing and
//! no threading in the output path.
//!
//! # Why fast
//! At several hundred MB/s a 4 GiB input costs seconds. Stack frames are static strings, numbers
//! are formatted by hand, each record is rendered into one reused buffer, and the output goes to
//! stdout through a 1 MiB `BufWriter`.
//!
//! Line numbers and library versions are representative, not taken from one build.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

// ───────────────────────────── command line ─────────────────────────────

const USAGE: &str = "\
genlog: write a realistic, seeded server log to stdout (benchmark input for resetsquash)

usage: cargo run --release --example genlog -- [OPTIONS] > big.log

options:
  --size N[K|M|G]   bytes to write; K/M/G are KiB/MiB/GiB. Stops at the first record
                    boundary at or past N [default: 100M]
  --seed N          PRNG seed; the same flags give byte-identical output [default: 1]
  --format F        tomcat | springboot | nginx | python | jdk | mixed; mixed switches
                    family every ~1000 records [default: mixed]
  --abort-share F   fraction of output BYTES that are client-abort records, 0..=1
                    [default: 0.5]
  --stats           print record counts and byte shares per kind to stderr at the end
  --help            print this help
";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Tomcat,
    SpringBoot,
    Nginx,
    Python,
    Jdk,
}

impl Family {
    const ALL: [Family; 5] = [
        Family::Tomcat,
        Family::SpringBoot,
        Family::Nginx,
        Family::Python,
        Family::Jdk,
    ];

    fn name(self) -> &'static str {
        match self {
            Family::Tomcat => "tomcat",
            Family::SpringBoot => "springboot",
            Family::Nginx => "nginx",
            Family::Python => "python",
            Family::Jdk => "jdk",
        }
    }
}

struct Args {
    size: u64,
    seed: u64,
    /// `None` means mixed.
    family: Option<Family>,
    abort_share: f64,
    stats: bool,
}

/// `Ok(None)` means `--help` was asked for.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut a = Args {
        size: 100 << 20,
        seed: 1,
        family: None,
        abort_share: 0.5,
        stats: false,
    };
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--stats" => a.stats = true,
            "--size" | "--seed" | "--format" | "--abort-share" => {
                let v = match inline {
                    Some(v) => v,
                    None => it.next().ok_or_else(|| format!("{flag} needs a value"))?,
                };
                match flag.as_str() {
                    "--size" => a.size = parse_size(&v)?,
                    "--seed" => {
                        a.seed = v
                            .parse()
                            .map_err(|_| format!("--seed: `{v}` is not a whole number"))?
                    }
                    "--format" => a.family = parse_format(&v)?,
                    _ => a.abort_share = parse_share(&v)?,
                }
            }
            _ => return Err(format!("unknown argument `{arg}`")),
        }
    }
    Ok(Some(a))
}

fn parse_size(v: &str) -> Result<u64, String> {
    let bad = || format!("--size: `{v}` is not N[K|M|G] (for example 200M or 4G)");
    let digits = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(digits);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KIB" => 10,
        "M" | "MIB" => 20,
        "G" | "GIB" => 30,
        _ => return Err(bad()),
    };
    n.checked_mul(1 << shift).ok_or_else(bad)
}

fn parse_format(v: &str) -> Result<Option<Family>, String> {
    if v == "mixed" {
        return Ok(None);
    }
    Family::ALL
        .into_iter()
        .find(|f| f.name() == v)
        .map(Some)
        .ok_or_else(|| format!("--format: `{v}` is not tomcat|springboot|nginx|python|jdk|mixed"))
}

fn parse_share(v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!(
            "--abort-share: `{v}` is not a number between 0 and 1"
        )),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("genlog: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let result = generate(&args, &mut out).and_then(|g| {
        out.flush()?;
        Ok(g)
    });
    match result {
        Ok(g) => {
            if args.stats {
                g.print_stats();
            }
            ExitCode::SUCCESS
        }
        // `genlog | head` is a normal way to look at a sample.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("genlog: writing to stdout failed: {e}");
            ExitCode::FAILURE
        }
    }
}

// ───────────────────────────── randomness ─────────────────────────────

/// SplitMix64 (Steele, Lea, Flood 2014): one word of state, any seed (even 0) is fine, and it
/// is fast enough that drawing numbers never shows in a profile.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias of at most n/2^64 does not matter here).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p` (p ≥ 1 is always true, p ≤ 0 never).
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// Index into `weights`, chosen with probability proportional to its weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as u64) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ───────────────────────────── time ─────────────────────────────

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (u32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u32;
    (y, m, d)
}

/// The first record's time: 2026-11-24 00:00:00.000 (the servers log local time; it is UTC).
const START_DAY: i64 = days_from_civil(2026, 11, 24);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Broken-down time of the current record, written in each server's own format.
#[derive(Clone, Copy, Default)]
struct Stamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    milli: u32,
}

impl Stamp {
    /// `ms` counts milliseconds since the start time.
    fn at(ms: u64) -> Stamp {
        let secs = ms / 1000;
        let (year, month, day) = civil_from_days(START_DAY + (secs / 86_400) as i64);
        let sod = (secs % 86_400) as u32;
        Stamp {
            year,
            month,
            day,
            hour: sod / 3600,
            min: sod / 60 % 60,
            sec: sod % 60,
            milli: (ms % 1000) as u32,
        }
    }

    fn hms(&self, o: &mut Vec<u8>) {
        o.pad2(self.hour);
        o.push(b':');
        o.pad2(self.min);
        o.push(b':');
        o.pad2(self.sec);
    }

    /// Tomcat JULI OneLineFormatter: `24-Nov-2026 15:35:04.806`.
    fn tomcat(&self, o: &mut Vec<u8>) {
        o.pad2(self.day);
        o.push(b'-');
        o.s(MONTHS[self.month as usize - 1]);
        o.push(b'-');
        o.num(self.year as u64);
        o.push(b' ');
        self.hms(o);
        o.push(b'.');
        o.pad3(self.milli);
    }

    /// `2026-11-24 15:35:04` followed by `frac` and milliseconds (logback uses `.`, Python
    /// logging `,`).
    fn iso(&self, o: &mut Vec<u8>, frac: u8) {
        o.num(self.year as u64);
        o.push(b'-');
        o.pad2(self.month);
        o.push(b'-');
        o.pad2(self.day);
        o.push(b' ');
        self.hms(o);
        o.push(frac);
        o.pad3(self.milli);
    }

    /// nginx error log: `2026/11/24 15:48:48`.
    fn nginx(&self, o: &mut Vec<u8>) {
        o.num(self.year as u64);
        o.push(b'/');
        o.pad2(self.month);
        o.push(b'/');
        o.pad2(self.day);
        o.push(b' ');
        self.hms(o);
    }

    /// Common log format: `24/Nov/2026:15:48:48 +0000`.
    fn clf(&self, o: &mut Vec<u8>) {
        o.pad2(self.day);
        o.push(b'/');
        o.s(MONTHS[self.month as usize - 1]);
        o.push(b'/');
        o.num(self.year as u64);
        o.push(b':');
        self.hms(o);
        o.s(" +0000");
    }

    /// Python `BaseHTTPRequestHandler.log_date_time_string`: `24/Nov/2026 15:42:53`.
    fn py_access(&self, o: &mut Vec<u8>) {
        o.pad2(self.day);
        o.push(b'/');
        o.s(MONTHS[self.month as usize - 1]);
        o.push(b'/');
        o.num(self.year as u64);
        o.push(b' ');
        self.hms(o);
    }

    /// JUL SimpleFormatter: `Nov 24, 2026 3:55:49 PM`, or under zh_CN `11月 24, 2026 3:56:49 下午`.
    fn jul(&self, o: &mut Vec<u8>, zh: bool) {
        if zh {
            o.num(self.month as u64);
            o.s("月 ");
        } else {
            o.s(MONTHS[self.month as usize - 1]);
            o.push(b' ');
        }
        o.pad2(self.day);
        o.s(", ");
        o.num(self.year as u64);
        o.push(b' ');
        let h12 = match self.hour % 12 {
            0 => 12,
            h => h,
        };
        o.num(h12 as u64);
        o.push(b':');
        o.pad2(self.min);
        o.push(b':');
        o.pad2(self.sec);
        o.s(match (zh, self.hour < 12) {
            (false, true) => " AM",
            (false, false) => " PM",
            (true, true) => " 上午",
            (true, false) => " 下午",
        });
    }
}

// ───────────────────────────── output helpers ─────────────────────────────

/// Cheap appends to the record buffer; numbers are formatted by hand (no `fmt` machinery).
trait Put {
    fn s(&mut self, s: &str);
    fn num(&mut self, n: u64);
    fn pad2(&mut self, n: u32);
    fn pad3(&mut self, n: u32);
    /// `30012` → `30,012` (MySQL's "… 30,012 milliseconds ago").
    fn grouped(&mut self, n: u64);
    fn ip(&mut self, ip: u32);
    fn nl(&mut self);
    fn tabs(&mut self, n: usize);
}

impl Put for Vec<u8> {
    #[inline]
    fn s(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }

    fn num(&mut self, mut n: u64) {
        let mut b = [0u8; 20];
        let mut i = b.len();
        loop {
            i -= 1;
            b[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.extend_from_slice(&b[i..]);
    }

    fn pad2(&mut self, n: u32) {
        self.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    }

    fn pad3(&mut self, n: u32) {
        self.extend_from_slice(&[
            b'0' + (n / 100) as u8,
            b'0' + (n / 10 % 10) as u8,
            b'0' + (n % 10) as u8,
        ]);
    }

    fn grouped(&mut self, n: u64) {
        if n >= 1000 {
            self.grouped(n / 1000);
            self.push(b',');
            self.pad3((n % 1000) as u32);
        } else {
            self.num(n);
        }
    }

    fn ip(&mut self, ip: u32) {
        self.num((ip >> 24) as u64);
        self.push(b'.');
        self.num((ip >> 16 & 255) as u64);
        self.push(b'.');
        self.num((ip >> 8 & 255) as u64);
        self.push(b'.');
        self.num((ip & 255) as u64);
    }

    #[inline]
    fn nl(&mut self) {
        self.push(b'\n');
    }

    fn tabs(&mut self, n: usize) {
        for _ in 0..n {
            self.push(b'\t');
        }
    }
}

// ───────────────────────────── Java throwables ─────────────────────────────

/// The jar a frame's class comes from; printed as logback packaging data (` ~[jar:version]`) by
/// the Spring Boot format only.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Jar {
    Jdk,
    Tc,
    Servlet,
    TcWs,
    Core,
    Web,
    Mvc,
    Sec,
    Jdbc,
    Actuator,
    Jackson,
    JacksonCore,
    Hikari,
    Mysql,
    Jedis,
    HcClient,
    HcCore,
    App,
}

impl Jar {
    fn packaging(self) -> &'static str {
        match self {
            Jar::Jdk => "~[na:na]",
            Jar::Tc => "~[tomcat-embed-core-9.0.83.jar!/:9.0.83]",
            Jar::Servlet => "~[tomcat-embed-core-9.0.83.jar!/:4.0.FR]",
            Jar::TcWs => "~[tomcat-embed-websocket-9.0.83.jar!/:9.0.83]",
            Jar::Core => "~[spring-core-5.3.31.jar!/:5.3.31]",
            Jar::Web => "~[spring-web-5.3.31.jar!/:5.3.31]",
            Jar::Mvc => "~[spring-webmvc-5.3.31.jar!/:5.3.31]",
            Jar::Sec => "~[spring-security-web-5.7.11.jar!/:5.7.11]",
            Jar::Jdbc => "~[spring-jdbc-5.3.31.jar!/:5.3.31]",
            Jar::Actuator => "~[spring-boot-actuator-2.7.18.jar!/:2.7.18]",
            Jar::Jackson => "~[jackson-databind-2.13.5.jar!/:2.13.5]",
            Jar::JacksonCore => "~[jackson-core-2.13.5.jar!/:2.13.5]",
            Jar::Hikari => "~[HikariCP-4.0.3.jar!/:na]",
            Jar::Mysql => "~[mysql-connector-j-8.0.33.jar!/:8.0.33]",
            Jar::Jedis => "~[jedis-3.8.0.jar!/:na]",
            Jar::HcClient => "~[httpclient-4.5.14.jar!/:4.5.14]",
            Jar::HcCore => "~[httpcore-4.4.16.jar!/:4.4.16]",
            Jar::App => "~[classes!/:0.0.1-SNAPSHOT]",
        }
    }
}

/// One `StackTraceElement`: its text after `at ` and its jar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Frame(&'static str, Jar);

/// `frames![Jdk "java.base/…", Tc "org.apache…"]` → `&[Frame]`, innermost frame first.
macro_rules! frames {
    ($($jar:ident $text:literal),* $(,)?) => { &[$(Frame($text, Jar::$jar)),*] };
}

/// A throwable as `printStackTrace` sees it: `header` is `toString()` (class and message, which
/// may contain newlines), `frames` the whole stack, innermost first.
struct Throwable {
    header: String,
    frames: Vec<Frame>,
    cause: Option<Box<Throwable>>,
    suppressed: Vec<Throwable>,
}

impl Throwable {
    fn new(header: impl Into<String>, frames: Vec<Frame>) -> Throwable {
        Throwable {
            header: header.into(),
            frames,
            cause: None,
            suppressed: Vec::new(),
        }
    }

    fn caused_by(mut self, cause: Throwable) -> Throwable {
        self.cause = Some(Box::new(cause));
        self
    }

    fn suppressing(mut self, s: Throwable) -> Throwable {
        self.suppressed.push(s);
        self
    }
}

/// Concatenate frame slices into one stack.
fn cat(parts: &[&[Frame]]) -> Vec<Frame> {
    let mut v = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        v.extend_from_slice(p);
    }
    v
}

/// How a logger prints a throwable.
#[derive(Clone, Copy)]
struct JavaStyle {
    /// Tabs before every line: 1 for Tomcat's OneLineFormatter, 0 for printStackTrace/logback.
    indent: usize,
    /// logback: ` ~[jar:version]` after each frame and `... N common frames omitted`.
    logback: bool,
}

const PRINT_STACK_TRACE: JavaStyle = JavaStyle {
    indent: 0,
    logback: false,
};
const ONE_LINE_FORMATTER: JavaStyle = JavaStyle {
    indent: 1,
    logback: false,
};
const LOGBACK: JavaStyle = JavaStyle {
    indent: 0,
    logback: true,
};

/// `Throwable.printStackTrace`: frames shared with the enclosing trace are elided as
/// `... N more`, computed exactly as the JDK does, so the counts are always consistent.
fn print_java(o: &mut Vec<u8>, t: &Throwable, st: JavaStyle) {
    o.tabs(st.indent);
    o.s(&t.header);
    o.nl();
    print_frames(o, &t.frames, st.indent, st);
    for s in &t.suppressed {
        print_enclosed(o, s, &t.frames, "Suppressed: ", st.indent + 1, st);
    }
    if let Some(c) = &t.cause {
        print_enclosed(o, c, &t.frames, "Caused by: ", st.indent, st);
    }
}

fn print_enclosed(
    o: &mut Vec<u8>,
    t: &Throwable,
    enclosing: &[Frame],
    caption: &str,
    tabs: usize,
    st: JavaStyle,
) {
    let common = t
        .frames
        .iter()
        .rev()
        .zip(enclosing.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    o.tabs(tabs);
    o.s(caption);
    o.s(&t.header);
    o.nl();
    print_frames(o, &t.frames[..t.frames.len() - common], tabs, st);
    if common > 0 {
        o.tabs(tabs);
        o.s("\t... ");
        o.num(common as u64);
        o.s(if st.logback {
            " common frames omitted\n"
        } else {
            " more\n"
        });
    }
    for s in &t.suppressed {
        print_enclosed(o, s, &t.frames, "Suppressed: ", tabs + 1, st);
    }
    if let Some(c) = &t.cause {
        print_enclosed(o, c, &t.frames, "Caused by: ", tabs, st);
    }
}

fn print_frames(o: &mut Vec<u8>, frames: &[Frame], tabs: usize, st: JavaStyle) {
    for f in frames {
        o.tabs(tabs);
        o.s("\tat ");
        o.s(f.0);
        if st.logback {
            o.push(b' ');
            o.s(f.1.packaging());
        }
        o.nl();
    }
}

// ───────────────────────────── the generator ─────────────────────────────

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Access lines, INFO records, keep-alive noise.
    Ordinary,
    /// A client went away: what resetsquash should squash.
    Abort,
    /// A genuine error that looks like an abort (outbound reset, refused, timeout, NPE): keep.
    LookAlike,
}

/// Fraction of the non-abort records that are genuine look-alikes ("about 2% of records").
const LOOKALIKE_SHARE: f64 = 0.02;

/// Byte and record counts of one (family, kind) pair; they drive the abort-share controller and
/// the `--stats` report.
#[derive(Clone, Copy, Default)]
struct Tally {
    records: u64,
    bytes: u64,
}

/// One stretch of the output written by one server instance. `mixed` starts a new run (new
/// family, new pid, new filter chain…) every 500–1500 records; a fixed format has one run.
struct Run {
    family: Family,
    /// Records left before the next run starts.
    left: u64,
    /// Client addresses this server sees; a small pool, so clients repeat as in real logs.
    clients: Vec<u32>,
    /// Highest worker-thread number in use (Tomcat `exec-N`, Python `Thread-N` grows instead).
    max_thread: u64,
    /// Spring Boot pid, nginx master pid.
    pid: u64,
    /// Java: frames from the first servlet filter down to `Thread.run`, the same for every
    /// request this server handles (the app's filter chain is configured once).
    stack: Vec<Frame>,
    /// Tomcat connector name (`http-nio-8080`); Spring Boot port.
    connector: &'static str,
    /// nginx: connection counter (`*N`), worker pids, server name.
    conn: u64,
    workers: Vec<u64>,
    server: &'static str,
    /// Python: an application server (logging + urllib) rather than plain `http.server`.
    py_app: bool,
    /// jdk: LANG=zh_CN.UTF-8, so JUL headers and OS error texts are Chinese.
    zh: bool,
}

struct Gen {
    rng: Rng,
    /// Milliseconds since the start time; only ever grows.
    clock: u64,
    now: Stamp,
    fixed: Option<Family>,
    run: Run,
    abort_share: f64,
    /// Indexed by family, then kind.
    tally: [[Tally; 3]; 5],
    abort_bytes: u64,
    total_bytes: u64,
}

fn kind_index(k: Kind) -> usize {
    match k {
        Kind::Ordinary => 0,
        Kind::Abort => 1,
        Kind::LookAlike => 2,
    }
}

fn family_index(f: Family) -> usize {
    Family::ALL.iter().position(|&x| x == f).unwrap()
}

/// What `genlog` writes for `args` (its flags, without the program name), in memory: the
/// benchmarks in `benches/` include this file to make their inputs at start-up, so that they
/// are the very bytes the command line gives and never need committing.
#[allow(dead_code, reason = "called by the benchmarks, not by main")]
pub(crate) fn generate_to_vec(args: &[&str]) -> Result<Vec<u8>, String> {
    let args = parse_args(args.iter().map(|a| a.to_string()))?.ok_or("--help asked for")?;
    let mut out = Vec::with_capacity(usize::try_from(args.size).unwrap_or(0) + (64 << 10));
    generate(&args, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Write records until at least `args.size` bytes are out; returns the generator for `--stats`.
fn generate(args: &Args, w: &mut impl Write) -> io::Result<Gen> {
    let mut g = Gen::new(args);
    let mut rec = Vec::with_capacity(64 << 10);
    while g.total_bytes < args.size {
        rec.clear();
        let kind = g.record(&mut rec);
        g.account(kind, rec.len() as u64);
        w.write_all(&rec)?;
    }
    Ok(g)
}

impl Gen {
    fn new(args: &Args) -> Gen {
        let mut rng = Rng(args.seed);
        let family = args.family.unwrap_or_else(|| rng.pick(&Family::ALL));
        let run = Run::new(family, args.family.is_some(), &mut rng);
        Gen {
            rng,
            clock: 0,
            now: Stamp::default(),
            fixed: args.family,
            run,
            abort_share: args.abort_share,
            tally: [[Tally::default(); 3]; 5],
            abort_bytes: 0,
            total_bytes: 0,
        }
    }

    /// Render one record into `out` and say what kind it was.
    fn record(&mut self, out: &mut Vec<u8>) -> Kind {
        if self.run.left == 0 {
            let mut family = self.run.family;
            if self.fixed.is_none() {
                while family == self.run.family {
                    family = self.rng.pick(&Family::ALL);
                }
            }
            self.run = Run::new(family, self.fixed.is_some(), &mut self.rng);
        }
        self.run.left -= 1;
        self.clock += self.rng.range(1, 6);
        self.now = Stamp::at(self.clock);
        let kind = self.choose_kind();
        match self.run.family {
            Family::Tomcat => tomcat::record(self, kind, out),
            Family::SpringBoot => spring::record(self, kind, out),
            Family::Nginx => nginx::record(self, kind, out),
            Family::Python => python::record(self, kind, out),
            Family::Jdk => jdk::record(self, kind, out),
        }
        kind
    }

    fn account(&mut self, kind: Kind, bytes: u64) {
        let t = &mut self.tally[family_index(self.run.family)][kind_index(kind)];
        t.records += 1;
        t.bytes += bytes;
        self.total_bytes += bytes;
        if kind == Kind::Abort {
            self.abort_bytes += bytes;
        }
    }

    /// Pick the next record's kind so that aborts make up `abort_share` of the bytes.
    ///
    /// With mean abort size A and mean non-abort size N (per family, measured so far), aborts
    /// chosen with probability p give a byte share pA / (pA + (1-p)N); solving for the target s
    /// gives p = sN / (sN + (1-s)A). A feedback factor then pulls the running total back when it
    /// drifts, so the share is right for small outputs too and never wanders on large ones.
    /// Aborts still arrive at random (in bursts and gaps), not on a fixed beat.
    fn choose_kind(&mut self) -> Kind {
        let s = self.abort_share;
        let p = if s <= 0.0 {
            0.0
        } else if s >= 1.0 {
            1.0
        } else {
            let t = &self.tally[family_index(self.run.family)];
            // Priors (one 4 KB abort, one 200-byte ordinary record) until there are measurements.
            let a = (t[1].bytes + 4000) as f64 / (t[1].records + 1) as f64;
            let n =
                (t[0].bytes + t[2].bytes + 200) as f64 / (t[0].records + t[2].records + 1) as f64;
            let p = s * n / (s * n + (1.0 - s) * a);
            let behind = s * self.total_bytes as f64 - self.abort_bytes as f64;
            p * (1.0 + behind / (4.0 * a)).clamp(0.25, 4.0)
        };
        if self.rng.chance(p) {
            Kind::Abort
        } else if self.rng.chance(LOOKALIKE_SHARE) {
            Kind::LookAlike
        } else {
            Kind::Ordinary
        }
    }

    fn print_stats(&self) {
        let total = self.total_bytes.max(1) as f64;
        let records: u64 = self.tally.iter().flatten().map(|t| t.records).sum();
        eprintln!(
            "genlog: {} bytes, {} records, {:.3} s of log time",
            self.total_bytes,
            records,
            self.clock as f64 / 1000.0
        );
        eprintln!("family      kind         records   rec%       bytes  bytes%   avg B");
        let mut sums = [Tally::default(); 3];
        for (fi, f) in Family::ALL.iter().enumerate() {
            for (ki, k) in [Kind::Ordinary, Kind::Abort, Kind::LookAlike]
                .iter()
                .enumerate()
            {
                let t = self.tally[fi][ki];
                sums[ki].records += t.records;
                sums[ki].bytes += t.bytes;
                if t.records > 0 {
                    eprintln!(
                        "{:<11} {:<10} {:>9} {:>6.2} {:>11} {:>7.2} {:>7}",
                        f.name(),
                        format!("{k:?}"),
                        t.records,
                        100.0 * t.records as f64 / records as f64,
                        t.bytes,
                        100.0 * t.bytes as f64 / total,
                        t.bytes / t.records
                    );
                }
            }
        }
        for (ki, k) in [Kind::Ordinary, Kind::Abort, Kind::LookAlike]
            .iter()
            .enumerate()
        {
            let t = sums[ki];
            eprintln!(
                "{:<11} {:<10} {:>9} {:>6.2} {:>11} {:>7.2} {:>7}",
                "all",
                format!("{k:?}"),
                t.records,
                100.0 * t.records as f64 / records.max(1) as f64,
                t.bytes,
                100.0 * t.bytes as f64 / total,
                t.bytes / t.records.max(1)
            );
        }
    }

    // Small helpers the family modules share.

    fn client(&mut self) -> u32 {
        self.rng.pick(&self.run.clients)
    }

    fn port(&mut self) -> u64 {
        self.rng.range(32_768, 60_999)
    }

    fn thread_no(&mut self) -> u64 {
        self.rng.range(1, self.run.max_thread)
    }

    fn id(&mut self) -> u64 {
        self.rng.range(1000, 99_999)
    }
}

/// First octets for client addresses: private ranges (behind a proxy) and common public blocks.
const FIRST_OCTETS: [u32; 16] = [
    10, 10, 127, 172, 192, 31, 37, 46, 62, 81, 85, 93, 109, 176, 185, 203,
];

impl Run {
    fn new(family: Family, fixed: bool, rng: &mut Rng) -> Run {
        let clients = (0..rng.range(8, 64))
            .map(|_| {
                let a = rng.pick(&FIRST_OCTETS);
                match a {
                    127 => 0x7F00_0001,
                    10 => 10 << 24 | rng.below(1 << 24) as u32,
                    172 => {
                        172 << 24 | (16 + rng.below(16) as u32) << 16 | rng.below(1 << 16) as u32
                    }
                    192 => 0xC0A8_0000 | rng.below(1 << 16) as u32,
                    a => a << 24 | rng.below(1 << 24) as u32,
                }
            })
            .collect();
        let mut run = Run {
            family,
            left: if fixed {
                u64::MAX
            } else {
                rng.range(500, 1500)
            },
            clients,
            max_thread: rng.range(8, 200),
            pid: rng.range(900, 4_000_000),
            stack: Vec::new(),
            connector: "",
            conn: rng.range(1, 5_000_000),
            workers: Vec::new(),
            server: "",
            py_app: rng.chance(0.5),
            zh: rng.chance(0.2),
        };
        match family {
            Family::Tomcat => tomcat::setup(&mut run, rng),
            Family::SpringBoot => spring::setup(&mut run, rng),
            Family::Nginx => nginx::setup(&mut run, rng),
            // `Thread-N` numbers count requests since the interpreter started.
            Family::Python => run.conn = rng.range(1, 3000),
            Family::Jdk => {}
        }
        run
    }
}

// ───────────────────────────── JDK 17 and client-library frames ─────────────────────────────
// Shared by the Java families. Inbound (a server socket) and outbound (a client socket) failures
// have the same innermost frames; only the frames further out tell them apart.

const JDK_NIO_WRITE: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)",
    Jdk "java.base/sun.nio.ch.SocketDispatcher.write(SocketDispatcher.java:62)",
    Jdk "java.base/sun.nio.ch.IOUtil.writeFromNativeBuffer(IOUtil.java:132)",
    Jdk "java.base/sun.nio.ch.IOUtil.write(IOUtil.java:97)",
    Jdk "java.base/sun.nio.ch.IOUtil.write(IOUtil.java:53)",
    Jdk "java.base/sun.nio.ch.SocketChannelImpl.write(SocketChannelImpl.java:532)",
];
const JDK_NIO_READ_RESET: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.SocketChannelImpl.throwConnectionReset(SocketChannelImpl.java:394)",
    Jdk "java.base/sun.nio.ch.SocketChannelImpl.read(SocketChannelImpl.java:426)",
];
/// Blocking `java.net.Socket` read (JDK 13+ `NioSocketImpl`).
const JDK_SOCKET_READ: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:328)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:355)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:808)",
    Jdk "java.base/java.net.Socket$SocketInputStream.read(Socket.java:966)",
];
const JDK_SOCKET_TIMED_READ: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:314)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:355)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:808)",
    Jdk "java.base/java.net.Socket$SocketInputStream.read(Socket.java:966)",
];
const JDK_SOCKET_WRITE: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.NioSocketImpl.implWrite(NioSocketImpl.java:425)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.write(NioSocketImpl.java:445)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl$2.write(NioSocketImpl.java:831)",
    Jdk "java.base/java.net.Socket$SocketOutputStream.write(Socket.java:1035)",
];
const JDK_CONNECT: &[Frame] = frames![
    Jdk "java.base/sun.nio.ch.Net.pollConnect(Native Method)",
    Jdk "java.base/sun.nio.ch.Net.pollConnectNow(Net.java:672)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:547)",
    Jdk "java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:602)",
    Jdk "java.base/java.net.Socket.connect(Socket.java:633)",
];
/// `HttpURLConnection.getInputStream` opening a connection (below `Socket.connect`).
const JDK_URLCONN_CONNECT: &[Frame] = frames![
    Jdk "java.base/sun.net.NetworkClient.doConnect(NetworkClient.java:178)",
    Jdk "java.base/sun.net.www.http.HttpClient.openServer(HttpClient.java:533)",
    Jdk "java.base/sun.net.www.http.HttpClient.openServer(HttpClient.java:638)",
    Jdk "java.base/sun.net.www.http.HttpClient.<init>(HttpClient.java:281)",
    Jdk "java.base/sun.net.www.http.HttpClient.New(HttpClient.java:386)",
    Jdk "java.base/sun.net.www.http.HttpClient.New(HttpClient.java:408)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.getNewHttpClient(HttpURLConnection.java:1324)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.plainConnect0(HttpURLConnection.java:1257)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.plainConnect(HttpURLConnection.java:1143)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.connect(HttpURLConnection.java:1072)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1702)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1626)",
];
/// `HttpURLConnection.getInputStream` reading the status line (below `Socket$SocketInputStream.read`).
const JDK_URLCONN_READ: &[Frame] = frames![
    Jdk "java.base/java.io.BufferedInputStream.fill(BufferedInputStream.java:244)",
    Jdk "java.base/java.io.BufferedInputStream.read1(BufferedInputStream.java:284)",
    Jdk "java.base/java.io.BufferedInputStream.read(BufferedInputStream.java:343)",
    Jdk "java.base/sun.net.www.http.HttpClient.parseHTTPHeader(HttpClient.java:826)",
    Jdk "java.base/sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:761)",
    Jdk "java.base/sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:785)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1725)",
    Jdk "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1626)",
];
const JDK_REFLECT_CTOR: &[Frame] = frames![
    Jdk "java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)",
    Jdk "java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance(NativeConstructorAccessorImpl.java:77)",
    Jdk "java.base/jdk.internal.reflect.DelegatingConstructorAccessorImpl.newInstance(DelegatingConstructorAccessorImpl.java:45)",
    Jdk "java.base/java.lang.reflect.Constructor.newInstanceWithCaller(Constructor.java:499)",
    Jdk "java.base/java.lang.reflect.Constructor.newInstance(Constructor.java:480)",
];

/// MySQL Connector/J 8: the `CommunicationsException` thrown out of `executeQuery`.
const MYSQL_EXECUTE: &[Frame] = frames![
    Mysql "com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174)",
    Mysql "com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:64)",
    Mysql "com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal(ClientPreparedStatement.java:916)",
    Mysql "com.mysql.cj.jdbc.ClientPreparedStatement.executeQuery(ClientPreparedStatement.java:972)",
];
/// Its cause, `CJCommunicationsException`, created reflectively (after [`JDK_REFLECT_CTOR`]).
const MYSQL_CJ: &[Frame] = frames![
    Mysql "com.mysql.cj.exceptions.ExceptionFactory.createException(ExceptionFactory.java:61)",
    Mysql "com.mysql.cj.exceptions.ExceptionFactory.createException(ExceptionFactory.java:105)",
    Mysql "com.mysql.cj.exceptions.ExceptionFactory.createException(ExceptionFactory.java:151)",
    Mysql "com.mysql.cj.exceptions.ExceptionFactory.createCommunicationsException(ExceptionFactory.java:167)",
    Mysql "com.mysql.cj.protocol.a.NativeProtocol.readMessage(NativeProtocol.java:581)",
    Mysql "com.mysql.cj.protocol.a.NativeProtocol.checkErrorMessage(NativeProtocol.java:761)",
    Mysql "com.mysql.cj.protocol.a.NativeProtocol.sendCommand(NativeProtocol.java:700)",
    Mysql "com.mysql.cj.protocol.a.NativeProtocol.sendQueryPacket(NativeProtocol.java:1079)",
    Mysql "com.mysql.cj.NativeSession.execSQL(NativeSession.java:665)",
    Mysql "com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal(ClientPreparedStatement.java:893)",
];
/// Its root cause, the `SocketException: Connection reset` (after [`JDK_SOCKET_READ`]).
const MYSQL_READ: &[Frame] = frames![
    Jdk "java.base/java.io.FilterInputStream.read(FilterInputStream.java:132)",
    Mysql "com.mysql.cj.protocol.FullReadInputStream.readFully(FullReadInputStream.java:64)",
    Mysql "com.mysql.cj.protocol.a.SimplePacketReader.readHeaderLocal(SimplePacketReader.java:81)",
    Mysql "com.mysql.cj.protocol.a.SimplePacketReader.readHeader(SimplePacketReader.java:63)",
    Mysql "com.mysql.cj.protocol.a.SimplePacketReader.readHeader(SimplePacketReader.java:45)",
    Mysql "com.mysql.cj.protocol.a.TimeTrackingPacketReader.readHeader(TimeTrackingPacketReader.java:52)",
    Mysql "com.mysql.cj.protocol.a.TimeTrackingPacketReader.readHeader(TimeTrackingPacketReader.java:41)",
    Mysql "com.mysql.cj.protocol.a.MultiPacketReader.readHeader(MultiPacketReader.java:54)",
    Mysql "com.mysql.cj.protocol.a.MultiPacketReader.readHeader(MultiPacketReader.java:44)",
    Mysql "com.mysql.cj.protocol.a.NativeProtocol.readMessage(NativeProtocol.java:575)",
];

/// The three-level JDBC chain: `CommunicationsException` → `CJCommunicationsException` →
/// `java.net.SocketException: Connection reset` from `com.mysql.cj.protocol` frames.
/// `caller` are the frames from the connection pool outwards.
fn mysql_reset(g: &mut Gen, caller: &[Frame]) -> Throwable {
    let received = g.rng.range(200, 60_000);
    let sent = received + g.rng.range(0, 3);
    let mut msg = Vec::with_capacity(200);
    msg.s(
        "Communications link failure\n\nThe last packet successfully received from the server was ",
    );
    msg.grouped(received);
    msg.s(" milliseconds ago. The last packet sent successfully to the server was ");
    msg.grouped(sent);
    msg.s(" milliseconds ago.");
    let msg = String::from_utf8(msg).unwrap();
    let outer = cat(&[MYSQL_EXECUTE, caller]);
    // The cause shares everything from `executeQuery` outwards; the root cause everything from
    // `checkErrorMessage` outwards (the JDK computes the `... N more` from these).
    let cj = cat(&[JDK_REFLECT_CTOR, MYSQL_CJ, &outer[3..]]);
    let root = cat(&[
        JDK_SOCKET_READ,
        MYSQL_READ,
        &cj[JDK_REFLECT_CTOR.len() + 5..],
    ]);
    Throwable::new(
        format!("com.mysql.cj.jdbc.exceptions.CommunicationsException: {msg}"),
        outer,
    )
    .caused_by(
        Throwable::new(
            format!("com.mysql.cj.exceptions.CJCommunicationsException: {msg}"),
            cj,
        )
        .caused_by(Throwable::new(
            "java.net.SocketException: Connection reset",
            root,
        )),
    )
}

/// Jedis 3 reading a reply from a Redis server that went away.
const JEDIS_GET: &[Frame] = frames![
    Jedis "redis.clients.jedis.util.RedisInputStream.ensureFill(RedisInputStream.java:205)",
    Jedis "redis.clients.jedis.util.RedisInputStream.readByte(RedisInputStream.java:43)",
    Jedis "redis.clients.jedis.Protocol.process(Protocol.java:162)",
    Jedis "redis.clients.jedis.Protocol.read(Protocol.java:227)",
    Jedis "redis.clients.jedis.Connection.readProtocolWithCheckingBroken(Connection.java:352)",
    Jedis "redis.clients.jedis.Connection.getBinaryBulkReply(Connection.java:271)",
    Jedis "redis.clients.jedis.Connection.getBulkReply(Connection.java:261)",
    Jedis "redis.clients.jedis.Jedis.get(Jedis.java:417)",
];
/// Jedis 3 flushing a command to a Redis server that went away.
const JEDIS_SET: &[Frame] = frames![
    Jedis "redis.clients.jedis.util.RedisOutputStream.flushBuffer(RedisOutputStream.java:54)",
    Jedis "redis.clients.jedis.util.RedisOutputStream.flush(RedisOutputStream.java:214)",
    Jedis "redis.clients.jedis.Connection.flush(Connection.java:332)",
    Jedis "redis.clients.jedis.Connection.getStatusCodeReply(Connection.java:253)",
    Jedis "redis.clients.jedis.Jedis.setex(Jedis.java:1047)",
];

/// `JedisConnectionException` wrapping a reset on read or a broken pipe on write.
fn jedis_failure(g: &mut Gen, caller: &[Frame]) -> Throwable {
    if g.rng.chance(0.5) {
        let outer = cat(&[JEDIS_GET, caller]);
        let root = cat(&[
            JDK_SOCKET_READ,
            frames![
                Jdk "java.base/java.io.InputStream.read(InputStream.java:218)",
                Jedis "redis.clients.jedis.util.RedisInputStream.ensureFill(RedisInputStream.java:199)",
            ],
            &outer[1..],
        ]);
        Throwable::new(
            "redis.clients.jedis.exceptions.JedisConnectionException: java.net.SocketException: Connection reset",
            outer,
        )
        .caused_by(Throwable::new("java.net.SocketException: Connection reset", root))
    } else {
        let outer = cat(&[JEDIS_SET, caller]);
        let root = cat(&[
            JDK_SOCKET_WRITE,
            frames![Jedis "redis.clients.jedis.util.RedisOutputStream.flushBuffer(RedisOutputStream.java:52)"],
            &outer[1..],
        ]);
        Throwable::new(
            "redis.clients.jedis.exceptions.JedisConnectionException: java.net.SocketException: Broken pipe",
            outer,
        )
        .caused_by(Throwable::new("java.net.SocketException: Broken pipe", root))
    }
}

/// Apache HttpClient 4.5 reading a response (below `Socket$SocketInputStream.read`), up to
/// Spring's `RestTemplate.doExecute`.
const HC_READ: &[Frame] = frames![
    HcCore "org.apache.http.impl.io.SessionInputBufferImpl.streamRead(SessionInputBufferImpl.java:137)",
    HcCore "org.apache.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl.java:153)",
    HcCore "org.apache.http.impl.io.SessionInputBufferImpl.readLine(SessionInputBufferImpl.java:280)",
    HcClient "org.apache.http.impl.conn.DefaultHttpResponseParser.parseHead(DefaultHttpResponseParser.java:138)",
    HcClient "org.apache.http.impl.conn.DefaultHttpResponseParser.parseHead(DefaultHttpResponseParser.java:56)",
    HcCore "org.apache.http.impl.io.AbstractMessageParser.parse(AbstractMessageParser.java:259)",
    HcCore "org.apache.http.impl.DefaultBHttpClientConnection.receiveResponseHeader(DefaultBHttpClientConnection.java:163)",
    HcClient "org.apache.http.impl.conn.CPoolProxy.receiveResponseHeader(CPoolProxy.java:157)",
    HcCore "org.apache.http.protocol.HttpRequestExecutor.doReceiveResponse(HttpRequestExecutor.java:273)",
    HcCore "org.apache.http.protocol.HttpRequestExecutor.execute(HttpRequestExecutor.java:125)",
    HcClient "org.apache.http.impl.execchain.MainClientExec.execute(MainClientExec.java:272)",
];
const HC_CONNECT: &[Frame] = frames![
    HcClient "org.apache.http.impl.conn.DefaultHttpClientConnectionOperator.connect(DefaultHttpClientConnectionOperator.java:156)",
    HcClient "org.apache.http.impl.conn.PoolingHttpClientConnectionManager.connect(PoolingHttpClientConnectionManager.java:376)",
    HcClient "org.apache.http.impl.execchain.MainClientExec.establishRoute(MainClientExec.java:393)",
    HcClient "org.apache.http.impl.execchain.MainClientExec.execute(MainClientExec.java:236)",
];
const HC_EXEC: &[Frame] = frames![
    HcClient "org.apache.http.impl.execchain.ProtocolExec.execute(ProtocolExec.java:186)",
    HcClient "org.apache.http.impl.execchain.RetryExec.execute(RetryExec.java:89)",
    HcClient "org.apache.http.impl.execchain.RedirectExec.execute(RedirectExec.java:110)",
    HcClient "org.apache.http.impl.client.InternalHttpClient.doExecute(InternalHttpClient.java:185)",
    HcClient "org.apache.http.impl.client.CloseableHttpClient.execute(CloseableHttpClient.java:83)",
    HcClient "org.apache.http.impl.client.CloseableHttpClient.execute(CloseableHttpClient.java:56)",
    Web "org.springframework.http.client.HttpComponentsClientHttpRequest.executeInternal(HttpComponentsClientHttpRequest.java:87)",
    Web "org.springframework.http.client.AbstractBufferingClientHttpRequest.executeInternal(AbstractBufferingClientHttpRequest.java:48)",
    Web "org.springframework.http.client.AbstractClientHttpRequest.execute(AbstractClientHttpRequest.java:66)",
    Web "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:776)",
];

/// A Spring `RestTemplate` call to another service failing on the OUTBOUND connection:
/// reset, refused or timed out. `caller` starts at the app's client class.
fn rest_client_failure(g: &mut Gen, caller: &[Frame]) -> Throwable {
    let (method, url, template): (&str, &str, &[Frame]) = match g.rng.below(3) {
        0 => (
            "GET",
            "http://inventory.internal:8080/api/stock/",
            frames![
                Web "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)",
                Web "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:717)",
                Web "org.springframework.web.client.RestTemplate.getForObject(RestTemplate.java:333)",
            ],
        ),
        1 => (
            "POST",
            "http://payments.internal:8080/api/charges/",
            frames![
                Web "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)",
                Web "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:717)",
                Web "org.springframework.web.client.RestTemplate.postForObject(RestTemplate.java:443)",
            ],
        ),
        _ => (
            "GET",
            "http://pricing.internal:8080/api/quotes/",
            frames![
                Web "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)",
                Web "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:717)",
                Web "org.springframework.web.client.RestTemplate.exchange(RestTemplate.java:602)",
            ],
        ),
    };
    let id = g.id();
    let host = &url[7..url[7..].find(':').unwrap() + 7];
    let outer = cat(&[template, caller]);
    match g.rng.weighted(&[5, 3, 2]) {
        0 | 2 => {
            let (text, head) = if g.rng.chance(0.6) {
                ("Connection reset", JDK_SOCKET_READ)
            } else {
                ("Read timed out", JDK_SOCKET_TIMED_READ)
            };
            let class = if text == "Read timed out" {
                "java.net.SocketTimeoutException"
            } else {
                "java.net.SocketException"
            };
            let root = cat(&[head, HC_READ, HC_EXEC, &outer[1..]]);
            Throwable::new(
                format!("org.springframework.web.client.ResourceAccessException: I/O error on {method} request for \"{url}{id}\": {text}; nested exception is {class}: {text}"),
                outer,
            )
            .caused_by(Throwable::new(format!("{class}: {text}"), root))
        }
        _ => {
            let addr = format!(
                "{host}:8080 [{host}/10.0.{}.{}]",
                g.rng.range(1, 9),
                g.rng.range(2, 250)
            );
            let hh = cat(&[HC_CONNECT, HC_EXEC, &outer[1..]]);
            let root = cat(&[
                JDK_CONNECT,
                frames![
                    HcClient "org.apache.http.conn.socket.PlainConnectionSocketFactory.connectSocket(PlainConnectionSocketFactory.java:75)",
                    HcClient "org.apache.http.impl.conn.DefaultHttpClientConnectionOperator.connect(DefaultHttpClientConnectionOperator.java:142)",
                ],
                &hh[1..],
            ]);
            Throwable::new(
                format!("org.springframework.web.client.ResourceAccessException: I/O error on {method} request for \"{url}{id}\": Connect to {addr} failed: Connection refused; nested exception is org.apache.http.conn.HttpHostConnectException: Connect to {addr} failed: Connection refused"),
                outer,
            )
            .caused_by(
                Throwable::new(
                    format!("org.apache.http.conn.HttpHostConnectException: Connect to {addr} failed: Connection refused"),
                    hh,
                )
                .caused_by(Throwable::new("java.net.ConnectException: Connection refused", root)),
            )
        }
    }
}

// ───────────────────────────── Tomcat 10.1 (catalina.out, localhost.log) ─────────────────────────────

mod tomcat {
    //! Standalone Tomcat 10.1.60 on JDK 17 (frames as in the corpus' catalina.out), JULI
    //! OneLineFormatter records and `e.printStackTrace()` output on System.err.
    use super::*;

    /// `ClientAbortException` thrown by `OutputBuffer.realWriteBytes` (a write to the client).
    const CAE_WRITE: &[Frame] = frames![
        Tc "org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)",
        Tc "org.apache.catalina.connector.OutputBuffer.appendByteArray(OutputBuffer.java:825)",
        Tc "org.apache.catalina.connector.OutputBuffer.append(OutputBuffer.java:735)",
        Tc "org.apache.catalina.connector.OutputBuffer.writeBytes(OutputBuffer.java:392)",
        Tc "org.apache.catalina.connector.OutputBuffer.write(OutputBuffer.java:364)",
        Tc "org.apache.catalina.connector.CoyoteOutputStream.write(CoyoteOutputStream.java:110)",
        Tc "org.apache.catalina.connector.CoyoteOutputStream.write(CoyoteOutputStream.java:102)",
    ];
    /// `ClientAbortException` thrown by `OutputBuffer.doFlush` (a flush to the client).
    const CAE_FLUSH: &[Frame] = frames![
        Tc "org.apache.catalina.connector.OutputBuffer.doFlush(OutputBuffer.java:305)",
        Tc "org.apache.catalina.connector.OutputBuffer.flush(OutputBuffer.java:267)",
        Tc "org.apache.catalina.connector.CoyoteOutputStream.flush(CoyoteOutputStream.java:141)",
    ];
    /// From the socket channel up to the connector, under [`JDK_NIO_WRITE`].
    const SOCKET_WRITE: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.NioChannel.write(NioChannel.java:151)",
        Tc "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doWrite(NioEndpoint.java:1830)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.doWrite(SocketWrapperBase.java:970)",
    ];
    const WRITE_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.writeBlocking(SocketWrapperBase.java:812)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.write(SocketWrapperBase.java:760)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer$SocketOutputBuffer.doWrite(Http11OutputBuffer.java:588)",
        Tc "org.apache.coyote.http11.filters.ChunkedOutputFilter.doWrite(ChunkedOutputFilter.java:96)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer.doWrite(Http11OutputBuffer.java:199)",
        Tc "org.apache.coyote.Response.doWrite(Response.java:758)",
        Tc "org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:331)",
    ];
    const FLUSH_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.flushBlocking(SocketWrapperBase.java:938)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.flush(SocketWrapperBase.java:923)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer$SocketOutputBuffer.flush(Http11OutputBuffer.java:614)",
        Tc "org.apache.coyote.http11.filters.ChunkedOutputFilter.flush(ChunkedOutputFilter.java:141)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer.flush(Http11OutputBuffer.java:222)",
        Tc "org.apache.coyote.http11.Http11Processor.flush(Http11Processor.java:1296)",
        Tc "org.apache.coyote.AbstractProcessor.action(AbstractProcessor.java:446)",
        Tc "org.apache.coyote.Response.action(Response.java:244)",
        Tc "org.apache.catalina.connector.OutputBuffer.doFlush(OutputBuffer.java:301)",
    ];
    /// `ClientAbortException` thrown by `InputBuffer.realReadBytes` (reading a request body).
    const CAE_READ: &[Frame] = frames![
        Tc "org.apache.catalina.connector.InputBuffer.realReadBytes(InputBuffer.java:351)",
        Tc "org.apache.catalina.connector.InputBuffer.checkByteBufferEof(InputBuffer.java:684)",
        Tc "org.apache.catalina.connector.InputBuffer.read(InputBuffer.java:415)",
        Tc "org.apache.catalina.connector.CoyoteInputStream.read(CoyoteInputStream.java:141)",
        Tc "org.apache.catalina.connector.CoyoteInputStream.read(CoyoteInputStream.java:120)",
    ];
    const READ_RESET_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.NioChannel.read(NioChannel.java:176)",
        Tc "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.fillReadBuffer(NioEndpoint.java:1700)",
    ];
    const READ_EOF_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.fillReadBuffer(NioEndpoint.java:1702)",
    ];
    const READ_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.read(NioEndpoint.java:1612)",
        Tc "org.apache.coyote.http11.Http11InputBuffer.fill(Http11InputBuffer.java:788)",
        Tc "org.apache.coyote.http11.Http11InputBuffer$SocketInputBuffer.doRead(Http11InputBuffer.java:1194)",
        Tc "org.apache.coyote.http11.filters.IdentityInputFilter.doRead(IdentityInputFilter.java:105)",
        Tc "org.apache.coyote.http11.Http11InputBuffer.doRead(Http11InputBuffer.java:246)",
        Tc "org.apache.coyote.Request.doRead(Request.java:979)",
        Tc "org.apache.catalina.connector.InputBuffer.realReadBytes(InputBuffer.java:342)",
    ];

    const AFC_SERVLET: &[Frame] = frames![
        Tc "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:197)",
        Tc "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:142)",
    ];
    const AFC_NEXT: &[Frame] = frames![
        Tc "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:166)",
        Tc "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:142)",
    ];
    const WS_FILTER: &[Frame] = frames![
        TcWs "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:57)",
    ];
    /// Filters a webapp may declare in web.xml; a run picks some of them.
    const FILTERS: &[&[Frame]] = &[
        frames![Tc "org.apache.catalina.filters.SetCharacterEncodingFilter.doFilter(SetCharacterEncodingFilter.java:109)"],
        frames![Tc "org.apache.catalina.filters.HttpHeaderSecurityFilter.doFilter(HttpHeaderSecurityFilter.java:129)"],
        frames![
            Tc "org.apache.catalina.filters.CorsFilter.handleSimpleCORS(CorsFilter.java:259)",
            Tc "org.apache.catalina.filters.CorsFilter.doFilter(CorsFilter.java:165)",
        ],
        frames![
            Tc "org.apache.catalina.filters.RemoteIpFilter.doFilter(RemoteIpFilter.java:875)",
            Tc "org.apache.catalina.filters.RemoteIpFilter.doFilter(RemoteIpFilter.java:903)",
        ],
        frames![App "com.example.web.RequestIdFilter.doFilter(RequestIdFilter.java:41)"],
        frames![App "com.example.web.AuditFilter.doFilter(AuditFilter.java:66)"],
        frames![App "com.example.security.TokenAuthFilter.doFilter(TokenAuthFilter.java:88)"],
        frames![
            App "net.bull.javamelody.MonitoringFilter.doFilter(MonitoringFilter.java:239)",
            App "net.bull.javamelody.MonitoringFilter.doFilter(MonitoringFilter.java:215)",
        ],
        frames![
            Web "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
            Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
        ],
    ];
    /// Spring Security 6 behind a `DelegatingFilterProxy` (the 39 frames that make webapp traces long).
    const SPRING_SECURITY: &[Frame] = frames![
        Sec "org.springframework.security.web.FilterChainProxy.lambda$doFilterInternal$3(FilterChainProxy.java:231)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:365)",
        Sec "org.springframework.security.web.access.intercept.AuthorizationFilter.doFilter(AuthorizationFilter.java:100)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:126)",
        Sec "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:120)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:131)",
        Sec "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:85)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.authentication.AnonymousAuthenticationFilter.doFilter(AnonymousAuthenticationFilter.java:100)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter.doFilter(SecurityContextHolderAwareRequestFilter.java:179)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.savedrequest.RequestCacheAwareFilter.doFilter(RequestCacheAwareFilter.java:63)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:107)",
        Sec "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:93)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Web "org.springframework.web.filter.CorsFilter.doFilterInternal(CorsFilter.java:91)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.header.HeaderWriterFilter.doHeadersAfter(HeaderWriterFilter.java:90)",
        Sec "org.springframework.security.web.header.HeaderWriterFilter.doFilterInternal(HeaderWriterFilter.java:75)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.context.SecurityContextHolderFilter.doFilter(SecurityContextHolderFilter.java:82)",
        Sec "org.springframework.security.web.context.SecurityContextHolderFilter.doFilter(SecurityContextHolderFilter.java:69)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter.doFilterInternal(WebAsyncManagerIntegrationFilter.java:62)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.session.DisableEncodeUrlFilter.doFilterInternal(DisableEncodeUrlFilter.java:42)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:374)",
        Sec "org.springframework.security.web.FilterChainProxy.doFilterInternal(FilterChainProxy.java:233)",
        Sec "org.springframework.security.web.FilterChainProxy.doFilter(FilterChainProxy.java:191)",
        Web "org.springframework.web.filter.DelegatingFilterProxy.invokeDelegate(DelegatingFilterProxy.java:352)",
        Web "org.springframework.web.filter.DelegatingFilterProxy.doFilter(DelegatingFilterProxy.java:268)",
    ];
    const VALVES: &[Frame] = frames![
        Tc "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:166)",
        Tc "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:88)",
        Tc "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:540)",
        Tc "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)",
        Tc "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:86)",
        Tc "org.apache.catalina.valves.AbstractAccessLogValve.invoke(AbstractAccessLogValve.java:782)",
        Tc "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:71)",
    ];
    const REMOTE_IP_VALVE: &[Frame] = frames![
        Tc "org.apache.catalina.valves.RemoteIpValve.invoke(RemoteIpValve.java:738)",
    ];
    const CONNECTOR: &[Frame] = frames![
        Tc "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:348)",
        Tc "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:410)",
        Tc "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:71)",
        Tc "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:1307)",
        Tc "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:2197)",
        Tc "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:74)",
        Tc "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:976)",
        Tc "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:494)",
        Tc "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:80)",
        Jdk "java.base/java.lang.Thread.run(Thread.java:840)",
    ];

    /// A servlet of the generated webapp: the frames from its code down to `HttpServlet.service`.
    #[derive(Clone, Copy)]
    struct Servlet {
        name: &'static str,
        frames: &'static [Frame],
    }

    const EXPORT: Servlet = Servlet {
        name: "ReportExportServlet",
        frames: frames![
            App "com.example.reports.ReportExportServlet.writeRows(ReportExportServlet.java:118)",
            App "com.example.reports.ReportExportServlet.doGet(ReportExportServlet.java:64)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        ],
    };
    const MEDIA: Servlet = Servlet {
        name: "VideoStreamServlet",
        frames: frames![
            App "com.example.media.VideoStreamServlet.copyRange(VideoStreamServlet.java:203)",
            App "com.example.media.VideoStreamServlet.doGet(VideoStreamServlet.java:97)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        ],
    };
    const STATIC: Servlet = Servlet {
        name: "default",
        frames: frames![
            Tc "org.apache.catalina.servlets.DefaultServlet.copy(DefaultServlet.java:2247)",
            Tc "org.apache.catalina.servlets.DefaultServlet.serveResource(DefaultServlet.java:1177)",
            Tc "org.apache.catalina.servlets.DefaultServlet.doGet(DefaultServlet.java:568)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
            Tc "org.apache.catalina.servlets.DefaultServlet.service(DefaultServlet.java:518)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        ],
    };
    const UPLOAD: Servlet = Servlet {
        name: "UploadServlet",
        frames: frames![
            App "com.example.files.UploadServlet.copyToStore(UploadServlet.java:71)",
            App "com.example.files.UploadServlet.doPost(UploadServlet.java:38)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
            Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
        ],
    };
    const WRITERS: [Servlet; 3] = [EXPORT, MEDIA, STATIC];

    /// Choose this server's connector, context path and filter chain.
    pub fn setup(run: &mut Run, rng: &mut Rng) {
        run.connector = rng.pick(&[
            "http-nio-8080",
            "http-nio-8080",
            "http-nio-127.0.0.1-18080",
            "https-jsse-nio-8443",
        ]);
        run.server = rng.pick(&["/app", "/shop", "/reports", ""]);
        let mut stack = AFC_SERVLET.to_vec();
        for f in FILTERS {
            if rng.chance(0.2) {
                stack.extend_from_slice(f);
                stack.extend_from_slice(AFC_NEXT);
            }
        }
        if rng.chance(0.4) {
            stack.extend_from_slice(SPRING_SECURITY);
            stack.extend_from_slice(AFC_NEXT);
        }
        stack.extend_from_slice(WS_FILTER);
        stack.extend_from_slice(AFC_NEXT);
        stack.extend_from_slice(VALVES);
        if rng.chance(0.3) {
            stack.extend_from_slice(REMOTE_IP_VALVE);
        }
        stack.extend_from_slice(CONNECTOR);
        run.stack = stack;
    }

    pub fn record(g: &mut Gen, kind: Kind, o: &mut Vec<u8>) {
        match kind {
            Kind::Ordinary => ordinary(g, o),
            Kind::Abort => abort(g, o),
            Kind::LookAlike => lookalike(g, o),
        }
    }

    /// `24-Nov-2026 15:35:04.806 WARNING [http-nio-8080-exec-9] source ` (message follows).
    fn head(g: &mut Gen, o: &mut Vec<u8>, level: &str, source: &str) {
        g.now.tomcat(o);
        o.push(b' ');
        o.s(level);
        o.s(" [");
        o.s(g.run.connector);
        o.s("-exec-");
        let n = g.thread_no();
        o.num(n);
        o.s("] ");
        o.s(source);
        o.push(b' ');
    }

    fn ordinary(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[30, 25, 12, 12, 10, 6, 3, 2]) {
            0 => {
                head(
                    g,
                    o,
                    "INFO",
                    "com.example.reports.ReportExportServlet.doGet",
                );
                o.s("Report export to ");
                let (ip, port, n) = (g.client(), g.port(), g.rng.range(10, 400));
                o.ip(ip);
                o.push(b':');
                o.num(port);
                o.s(" finished: ");
                o.num(n);
                o.s(" chunks, ");
                o.num(n * 65_536);
                o.s(" bytes in ");
                o.num(g.rng.range(40, 9000));
                o.s(" ms");
            }
            1 => {
                head(g, o, "INFO", "com.example.orders.OrderServlet.doGet");
                o.s("Listed ");
                o.num(g.rng.range(0, 50));
                o.s(" orders for customer ");
                o.num(g.id());
                o.s(" in ");
                o.num(g.rng.range(2, 300));
                o.s(" ms");
            }
            2 => {
                head(g, o, "INFO", "com.example.files.UploadServlet.doPost");
                o.s("Stored upload ");
                o.num(g.id());
                o.s(".bin (");
                o.num(g.rng.range(1000, 50_000_000));
                o.s(" bytes) from ");
                let ip = g.client();
                o.ip(ip);
            }
            3 => {
                head(g, o, "INFO", "com.example.auth.LoginServlet.doPost");
                o.s("User u");
                o.num(g.id());
                o.s(" logged in from ");
                let ip = g.client();
                o.ip(ip);
            }
            4 => {
                head(g, o, "INFO", "com.example.media.VideoStreamServlet.doGet");
                o.s("Streaming /media/");
                o.num(g.id());
                o.s(".mp4 to ");
                let ip = g.client();
                o.ip(ip);
                o.s(" (range bytes=");
                o.num(g.rng.below(4) * g.rng.range(1, 1 << 24));
                o.s("-)");
            }
            5 => {
                head(g, o, "WARNING", "com.example.orders.OrderServlet.doGet");
                o.s("Customer ");
                o.num(g.id());
                o.s(" not found, answering 404");
            }
            6 => {
                g.now.tomcat(o);
                o.s(" INFO [Catalina-utility-");
                o.num(g.rng.range(1, 2));
                o.s("] org.apache.catalina.core.ApplicationContext.log CacheWarmer: refreshed ");
                o.num(g.rng.range(10, 5000));
                o.s(" entries in ");
                o.num(g.rng.range(5, 900));
                o.s(" ms");
            }
            _ => {
                g.now.tomcat(o);
                o.s(" WARNING [Catalina-utility-1] org.apache.catalina.util.SessionIdGeneratorBase.createSecureRandom Creation of SecureRandom instance for session ID generation using [SHA1PRNG] took [");
                o.num(g.rng.range(100, 400));
                o.s("] milliseconds.");
            }
        }
        o.nl();
    }

    /// `ClientAbortException: java.io.IOException: <os text>` from a write or flush in `servlet`,
    /// caused by the bare `IOException` from the socket.
    fn write_abort(g: &mut Gen, servlet: Servlet) -> Throwable {
        let text = if g.rng.chance(0.4) {
            "Broken pipe"
        } else {
            "Connection reset by peer"
        };
        let (top, path) = if g.rng.chance(0.2) {
            (CAE_FLUSH, FLUSH_PATH)
        } else {
            (CAE_WRITE, WRITE_PATH)
        };
        let outer = cat(&[top, servlet.frames, &g.run.stack]);
        let cause = cat(&[JDK_NIO_WRITE, SOCKET_WRITE, path, &outer[1..]]);
        Throwable::new(
            format!(
                "org.apache.catalina.connector.ClientAbortException: java.io.IOException: {text}"
            ),
            outer,
        )
        .caused_by(Throwable::new(
            format!("java.io.IOException: {text}"),
            cause,
        ))
    }

    /// `ClientAbortException` from reading an upload: EOF (client closed) or reset.
    fn read_abort(g: &mut Gen) -> Throwable {
        let outer = cat(&[CAE_READ, UPLOAD.frames, &g.run.stack]);
        if g.rng.chance(0.5) {
            let cause = cat(&[READ_EOF_PATH, READ_PATH, &outer[1..]]);
            Throwable::new(
                "org.apache.catalina.connector.ClientAbortException: java.io.EOFException",
                outer,
            )
            .caused_by(Throwable::new("java.io.EOFException", cause))
        } else {
            let cause = cat(&[JDK_NIO_READ_RESET, READ_RESET_PATH, READ_PATH, &outer[1..]]);
            Throwable::new(
                "org.apache.catalina.connector.ClientAbortException: java.net.SocketException: Connection reset",
                outer,
            )
            .caused_by(Throwable::new("java.net.SocketException: Connection reset", cause))
        }
    }

    fn wrapper_valve_head(g: &mut Gen, o: &mut Vec<u8>, level: &str, servlet: &str) {
        head(
            g,
            o,
            level,
            "org.apache.catalina.core.StandardWrapperValve.invoke",
        );
        o.s("Servlet.service() for servlet [");
        o.s(servlet);
        o.s("] in context with path [");
        o.s(g.run.server);
        o.s("] threw exception");
    }

    fn abort(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[30, 15, 12, 15, 10, 10, 8]) {
            // The app logs the failure itself (JUL WARNING, trace indented by the formatter).
            0 => {
                let servlet = g.rng.pick(&[EXPORT, MEDIA]);
                if servlet.name == EXPORT.name {
                    head(
                        g,
                        o,
                        "WARNING",
                        "com.example.reports.ReportExportServlet.doGet",
                    );
                    o.s("Report export to ");
                    let (ip, port, n) = (g.client(), g.port(), g.rng.range(20, 400));
                    o.ip(ip);
                    o.push(b':');
                    o.num(port);
                    o.s(" failed after ");
                    o.num(g.rng.range(1, n));
                    o.s(" of ");
                    o.num(n);
                    o.s(" chunks");
                } else {
                    head(
                        g,
                        o,
                        "WARNING",
                        "com.example.media.VideoStreamServlet.doGet",
                    );
                    o.s("Streaming /media/");
                    o.num(g.id());
                    o.s(".mp4 to ");
                    let ip = g.client();
                    o.ip(ip);
                    o.s(" aborted at byte ");
                    o.num(g.rng.range(1 << 16, 1 << 30));
                }
                o.nl();
                let t = write_abort(g, servlet);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // `e.printStackTrace()`: no header, no indentation (System.err → catalina.out).
            1 => {
                let servlet = g.rng.pick(&[EXPORT, MEDIA]);
                let t = write_abort(g, servlet);
                print_java(o, &t, PRINT_STACK_TRACE);
            }
            // An upload cut off by the client.
            2 => {
                head(g, o, "SEVERE", "com.example.files.UploadServlet.doPost");
                o.s("Upload from ");
                let (ip, n) = (g.client(), g.rng.range(1 << 20, 1 << 26));
                o.ip(ip);
                o.s(" aborted after ");
                o.num(g.rng.range(1, n));
                o.s(" of ");
                o.num(n);
                o.s(" bytes");
                o.nl();
                let t = read_abort(g);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // localhost.log: the exception propagated out of the servlet, logged at FINE.
            3 => {
                let servlet = g.rng.pick(&WRITERS);
                wrapper_valve_head(g, o, "FINE", servlet.name);
                o.nl();
                let t = write_abort(g, servlet);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // localhost.log: wrapped in a ServletException, logged at SEVERE with only the root cause.
            4 => {
                wrapper_valve_head(g, o, "SEVERE", EXPORT.name);
                o.s(" [Report export failed after ");
                o.num(g.rng.range(1, 400));
                o.s(" chunks] with root cause\n");
                let t = write_abort(g, EXPORT);
                print_java(o, &t.cause.unwrap(), ONE_LINE_FORMATTER);
            }
            // localhost.log: wrapped in an UncheckedIOException.
            5 => {
                wrapper_valve_head(g, o, "SEVERE", EXPORT.name);
                o.nl();
                let outer = cat(&[
                    frames![App "com.example.reports.ReportExportServlet.doGet(ReportExportServlet.java:74)"],
                    &EXPORT.frames[2..],
                    &g.run.stack,
                ]);
                let t = Throwable::new("java.io.UncheckedIOException: Report export failed", outer)
                    .caused_by(write_abort(g, EXPORT));
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // localhost.log: `ServletContext.log(msg, e)`.
            _ => {
                head(
                    g,
                    o,
                    "SEVERE",
                    "org.apache.catalina.core.ApplicationContext.log",
                );
                o.s("Report export failed for ");
                o.s(g.run.server);
                o.s("/reports/export?id=");
                o.num(g.id());
                o.nl();
                let t = write_abort(g, EXPORT);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
        }
    }

    const BACKEND: &[Frame] = frames![
        App "com.example.inventory.InventoryServlet.doGet(InventoryServlet.java:55)",
        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
    ];

    /// Genuine failures: OUTBOUND sockets (inventory push, quote service, MySQL, Redis), NPEs.
    fn lookalike(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[15, 10, 15, 10, 10, 10, 15, 15]) {
            // Writing to a backend over java.net.Socket.
            0 => {
                head(
                    g,
                    o,
                    "SEVERE",
                    "com.example.inventory.InventoryServlet.doGet",
                );
                o.s("Failed to push batch to inventory backend ");
                let ip = g.client();
                o.ip(ip);
                o.s(":18096\n");
                let frames = cat(&[
                    JDK_SOCKET_WRITE,
                    frames![
                        Jdk "java.base/java.io.OutputStream.write(OutputStream.java:127)",
                        App "com.example.inventory.InventoryServlet.pushBatchSocket(InventoryServlet.java:103)",
                    ],
                    BACKEND,
                    &g.run.stack,
                ]);
                let t =
                    Throwable::new("java.net.SocketException: Connection reset by peer", frames);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // Writing to a backend over a SocketChannel: the innermost frames are exactly those
            // of an inbound abort; only the app frame shows the socket is ours.
            1 => {
                head(
                    g,
                    o,
                    "SEVERE",
                    "com.example.inventory.InventoryServlet.doGet",
                );
                o.s("Failed to push batch to inventory backend ");
                let ip = g.client();
                o.ip(ip);
                o.s(":18096\n");
                let frames = cat(&[
                    JDK_NIO_WRITE,
                    frames![App "com.example.inventory.InventoryServlet.pushBatchChannel(InventoryServlet.java:115)"],
                    BACKEND,
                    &g.run.stack,
                ]);
                let text = g.rng.pick(&["Connection reset by peer", "Broken pipe"]);
                let t = Throwable::new(format!("java.io.IOException: {text}"), frames);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            // Quote service over HttpURLConnection: reset, refused, timed out.
            2..=4 => {
                wrapper_valve_head(g, o, "SEVERE", "QuoteServlet");
                o.nl();
                let app = frames![
                    App "com.example.quotes.QuoteServlet.fetchQuote(QuoteServlet.java:82)",
                    App "com.example.quotes.QuoteServlet.doGet(QuoteServlet.java:51)",
                    Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
                    Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
                ];
                let t = match g.rng.below(3) {
                    0 => Throwable::new(
                        "java.net.SocketException: Connection reset",
                        cat(&[JDK_SOCKET_READ, JDK_URLCONN_READ, app, &g.run.stack]),
                    ),
                    1 => Throwable::new(
                        "java.net.ConnectException: Connection refused",
                        cat(&[JDK_CONNECT, JDK_URLCONN_CONNECT, app, &g.run.stack]),
                    ),
                    _ => Throwable::new(
                        "java.net.SocketTimeoutException: Read timed out",
                        cat(&[JDK_SOCKET_TIMED_READ, JDK_URLCONN_READ, app, &g.run.stack]),
                    ),
                };
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            5 => {
                wrapper_valve_head(g, o, "SEVERE", "GreetingServlet");
                o.nl();
                let frames = cat(&[
                    frames![
                        App "com.example.web.GreetingServlet.doGet(GreetingServlet.java:73)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
                    ],
                    &g.run.stack,
                ]);
                let t = Throwable::new(
                    "java.lang.NullPointerException: Cannot invoke \"String.trim()\" because \"customer\" is null",
                    frames,
                );
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            6 => {
                head(g, o, "SEVERE", "com.example.orders.OrderDao.findByCustomer");
                o.s("Query failed for customer ");
                o.num(g.id());
                o.nl();
                let caller = cat(&[
                    frames![
                        Tc "org.apache.tomcat.dbcp.dbcp2.DelegatingPreparedStatement.executeQuery(DelegatingPreparedStatement.java:122)",
                        Tc "org.apache.tomcat.dbcp.dbcp2.DelegatingPreparedStatement.executeQuery(DelegatingPreparedStatement.java:122)",
                        App "com.example.orders.OrderDao.findByCustomer(OrderDao.java:57)",
                        App "com.example.orders.OrderServlet.doGet(OrderServlet.java:40)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
                    ],
                    &g.run.stack,
                ]);
                let t = mysql_reset(g, &caller);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
            _ => {
                head(g, o, "SEVERE", "com.example.cache.SessionCache.load");
                o.s("Redis call failed for key session:");
                o.num(g.rng.next() >> 16);
                o.nl();
                let caller = cat(&[
                    frames![
                        App "com.example.cache.SessionCache.load(SessionCache.java:52)",
                        App "com.example.web.AccountServlet.doGet(AccountServlet.java:37)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)",
                        Servlet "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
                    ],
                    &g.run.stack,
                ]);
                let t = jedis_failure(g, &caller);
                print_java(o, &t, ONE_LINE_FORMATTER);
            }
        }
    }
}

// ───────────────────────────── Spring Boot 2.7 (logback console) ─────────────────────────────

mod spring {
    //! Spring Boot 2.7.18 with embedded Tomcat 9.0.83, Spring 5.3.31, JDK 17, run as a fat jar.
    //! Pattern `%d %5p PID --- [%15.15t] %-40.40logger{39} : %m%n%wEx`: `%wEx` puts a blank line
    //! before and after every trace, and frames carry packaging data.
    use super::*;

    const CAE_WRITE: &[Frame] = frames![
        Tc "org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:351)",
        Tc "org.apache.catalina.connector.OutputBuffer.flushByteBuffer(OutputBuffer.java:778)",
        Tc "org.apache.catalina.connector.OutputBuffer.append(OutputBuffer.java:703)",
        Tc "org.apache.catalina.connector.OutputBuffer.writeBytes(OutputBuffer.java:394)",
        Tc "org.apache.catalina.connector.OutputBuffer.write(OutputBuffer.java:372)",
        Tc "org.apache.catalina.connector.CoyoteOutputStream.write(CoyoteOutputStream.java:98)",
    ];
    const CAE_FLUSH: &[Frame] = frames![
        Tc "org.apache.catalina.connector.OutputBuffer.doFlush(OutputBuffer.java:306)",
        Tc "org.apache.catalina.connector.OutputBuffer.flush(OutputBuffer.java:272)",
        Tc "org.apache.catalina.connector.CoyoteOutputStream.flush(CoyoteOutputStream.java:118)",
    ];
    const SOCKET_WRITE: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.NioChannel.write(NioChannel.java:122)",
        Tc "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.doWrite(NioEndpoint.java:1378)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.doWrite(SocketWrapperBase.java:764)",
    ];
    const WRITE_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.writeBlocking(SocketWrapperBase.java:589)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.write(SocketWrapperBase.java:533)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer$SocketOutputBuffer.doWrite(Http11OutputBuffer.java:533)",
        Tc "org.apache.coyote.http11.filters.ChunkedOutputFilter.doWrite(ChunkedOutputFilter.java:110)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer.doWrite(Http11OutputBuffer.java:192)",
        Tc "org.apache.coyote.Response.doWrite(Response.java:606)",
        Tc "org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:340)",
    ];
    const FLUSH_PATH: &[Frame] = frames![
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.flushBlocking(SocketWrapperBase.java:731)",
        Tc "org.apache.tomcat.util.net.SocketWrapperBase.flush(SocketWrapperBase.java:715)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer$SocketOutputBuffer.flush(Http11OutputBuffer.java:564)",
        Tc "org.apache.coyote.http11.filters.ChunkedOutputFilter.flush(ChunkedOutputFilter.java:156)",
        Tc "org.apache.coyote.http11.Http11OutputBuffer.flush(Http11OutputBuffer.java:220)",
        Tc "org.apache.coyote.http11.Http11Processor.flush(Http11Processor.java:1278)",
        Tc "org.apache.coyote.AbstractProcessor.action(AbstractProcessor.java:409)",
        Tc "org.apache.coyote.Response.action(Response.java:208)",
        Tc "org.apache.catalina.connector.OutputBuffer.doFlush(OutputBuffer.java:302)",
    ];

    /// A controller writing to the response stream itself (CSV export).
    const CONTROLLER_WRITES: &[Frame] = frames![
        App "com.example.shop.web.ExportController.writeCsv(ExportController.java:91)",
        App "com.example.shop.web.ExportController.export(ExportController.java:58)",
    ];
    /// Reflection and Spring MVC from the controller method to the handler adapter.
    const INVOKE: &[Frame] = frames![
        Jdk "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
        Jdk "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:77)",
        Jdk "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)",
        Jdk "java.base/java.lang.reflect.Method.invoke(Method.java:568)",
        Web "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:205)",
        Web "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:150)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:117)",
    ];
    const ADAPTER: &[Frame] = frames![
        Mvc "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:895)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:808)",
        Mvc "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
    ];
    /// A `ResponseEntity<Resource>` (file download) streamed after the controller returned.
    const RETURN_RESOURCE: &[Frame] = frames![
        Core "org.springframework.util.StreamUtils.copy(StreamUtils.java:167)",
        Web "org.springframework.http.converter.ResourceHttpMessageConverter.writeContent(ResourceHttpMessageConverter.java:137)",
        Web "org.springframework.http.converter.ResourceHttpMessageConverter.writeInternal(ResourceHttpMessageConverter.java:129)",
        Web "org.springframework.http.converter.ResourceHttpMessageConverter.writeInternal(ResourceHttpMessageConverter.java:45)",
        Web "org.springframework.http.converter.AbstractHttpMessageConverter.write(AbstractHttpMessageConverter.java:227)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverterMethodProcessor.writeWithMessageConverters(AbstractMessageConverterMethodProcessor.java:293)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.HttpEntityMethodProcessor.handleReturnValue(HttpEntityMethodProcessor.java:219)",
        Web "org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite.handleReturnValue(HandlerMethodReturnValueHandlerComposite.java:78)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:135)",
    ];
    /// A `@ResponseBody List<…>` serialised by Jackson after the controller returned.
    const RETURN_JSON: &[Frame] = frames![
        JacksonCore "com.fasterxml.jackson.core.json.UTF8JsonGenerator._flushBuffer(UTF8JsonGenerator.java:2171)",
        JacksonCore "com.fasterxml.jackson.core.json.UTF8JsonGenerator.writeString(UTF8JsonGenerator.java:471)",
        Jackson "com.fasterxml.jackson.databind.ser.std.StringSerializer.serialize(StringSerializer.java:41)",
        Jackson "com.fasterxml.jackson.databind.ser.BeanPropertyWriter.serializeAsField(BeanPropertyWriter.java:728)",
        Jackson "com.fasterxml.jackson.databind.ser.std.BeanSerializerBase.serializeFields(BeanSerializerBase.java:774)",
        Jackson "com.fasterxml.jackson.databind.ser.BeanSerializer.serialize(BeanSerializer.java:178)",
        Jackson "com.fasterxml.jackson.databind.ser.impl.IndexedListSerializer.serializeContents(IndexedListSerializer.java:119)",
        Jackson "com.fasterxml.jackson.databind.ser.impl.IndexedListSerializer.serialize(IndexedListSerializer.java:79)",
        Jackson "com.fasterxml.jackson.databind.ser.impl.IndexedListSerializer.serialize(IndexedListSerializer.java:18)",
        Jackson "com.fasterxml.jackson.databind.ser.DefaultSerializerProvider._serialize(DefaultSerializerProvider.java:480)",
        Jackson "com.fasterxml.jackson.databind.ser.DefaultSerializerProvider.serializeValue(DefaultSerializerProvider.java:400)",
        Jackson "com.fasterxml.jackson.databind.ObjectWriter$Prefetch.serialize(ObjectWriter.java:1514)",
        Jackson "com.fasterxml.jackson.databind.ObjectWriter.writeValue(ObjectWriter.java:1007)",
        Web "org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.writeInternal(AbstractJackson2HttpMessageConverter.java:456)",
        Web "org.springframework.http.converter.AbstractGenericHttpMessageConverter.write(AbstractGenericHttpMessageConverter.java:104)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverterMethodProcessor.writeWithMessageConverters(AbstractMessageConverterMethodProcessor.java:290)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.RequestResponseBodyMethodProcessor.handleReturnValue(RequestResponseBodyMethodProcessor.java:183)",
        Web "org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite.handleReturnValue(HandlerMethodReturnValueHandlerComposite.java:78)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:135)",
    ];
    /// Boot's error controller flushing its JSON body during an error-page forward.
    const RETURN_ERROR_JSON: &[Frame] = frames![
        JacksonCore "com.fasterxml.jackson.core.json.UTF8JsonGenerator.flush(UTF8JsonGenerator.java:1188)",
        Jackson "com.fasterxml.jackson.databind.ObjectWriter.writeValue(ObjectWriter.java:1009)",
        Web "org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.writeInternal(AbstractJackson2HttpMessageConverter.java:456)",
        Web "org.springframework.http.converter.AbstractGenericHttpMessageConverter.write(AbstractGenericHttpMessageConverter.java:104)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverterMethodProcessor.writeWithMessageConverters(AbstractMessageConverterMethodProcessor.java:290)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.HttpEntityMethodProcessor.handleReturnValue(HttpEntityMethodProcessor.java:219)",
        Web "org.springframework.web.method.support.HandlerMethodReturnValueHandlerComposite.handleReturnValue(HandlerMethodReturnValueHandlerComposite.java:78)",
        Mvc "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:135)",
    ];
    const DISPATCH: &[Frame] = frames![
        Mvc "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1072)",
        Mvc "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:965)",
        Mvc "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1006)",
        Mvc "org.springframework.web.servlet.FrameworkServlet.doGet(FrameworkServlet.java:898)",
        Servlet "javax.servlet.http.HttpServlet.service(HttpServlet.java:529)",
        Mvc "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)",
        Servlet "javax.servlet.http.HttpServlet.service(HttpServlet.java:623)",
    ];
    const AFC_SERVLET: &[Frame] = frames![
        Tc "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:209)",
        Tc "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:153)",
    ];
    const AFC_NEXT: &[Frame] = frames![
        Tc "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:178)",
        Tc "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:153)",
    ];
    const WS_FILTER: &[Frame] = frames![
        TcWs "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
    ];
    const REQUEST_CONTEXT_FILTER: &[Frame] = frames![
        Web "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    ];
    const FORM_CONTENT_FILTER: &[Frame] = frames![
        Web "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    ];
    const METRICS_FILTER: &[Frame] = frames![
        Actuator "org.springframework.boot.actuate.metrics.web.servlet.WebMvcMetricsFilter.doFilterInternal(WebMvcMetricsFilter.java:96)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    ];
    const ENCODING_FILTER: &[Frame] = frames![
        Web "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
    ];
    const APP_FILTERS: &[&[Frame]] = &[
        frames![
            App "com.example.shop.web.RequestLoggingFilter.doFilterInternal(RequestLoggingFilter.java:47)",
            Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        ],
        frames![
            App "com.example.shop.web.TenantContextFilter.doFilterInternal(TenantContextFilter.java:32)",
            Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        ],
        frames![
            Web "org.springframework.web.filter.ShallowEtagHeaderFilter.doFilterInternal(ShallowEtagHeaderFilter.java:106)",
            Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        ],
        frames![
            Web "org.springframework.web.filter.ForwardedHeaderFilter.doFilterInternal(ForwardedHeaderFilter.java:156)",
            Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        ],
    ];
    /// Spring Security 5.7 (`springSecurityFilterChain`).
    const SPRING_SECURITY: &[Frame] = frames![
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:337)",
        Sec "org.springframework.security.web.access.intercept.FilterSecurityInterceptor.invoke(FilterSecurityInterceptor.java:115)",
        Sec "org.springframework.security.web.access.intercept.FilterSecurityInterceptor.doFilter(FilterSecurityInterceptor.java:81)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:122)",
        Sec "org.springframework.security.web.access.ExceptionTranslationFilter.doFilter(ExceptionTranslationFilter.java:116)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:126)",
        Sec "org.springframework.security.web.session.SessionManagementFilter.doFilter(SessionManagementFilter.java:81)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.authentication.AnonymousAuthenticationFilter.doFilter(AnonymousAuthenticationFilter.java:109)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.servletapi.SecurityContextHolderAwareRequestFilter.doFilter(SecurityContextHolderAwareRequestFilter.java:149)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.savedrequest.RequestCacheAwareFilter.doFilter(RequestCacheAwareFilter.java:63)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:103)",
        Sec "org.springframework.security.web.authentication.logout.LogoutFilter.doFilter(LogoutFilter.java:89)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.header.HeaderWriterFilter.doHeadersAfter(HeaderWriterFilter.java:90)",
        Sec "org.springframework.security.web.header.HeaderWriterFilter.doFilterInternal(HeaderWriterFilter.java:75)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:112)",
        Sec "org.springframework.security.web.context.SecurityContextPersistenceFilter.doFilter(SecurityContextPersistenceFilter.java:82)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter.doFilterInternal(WebAsyncManagerIntegrationFilter.java:55)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.session.DisableEncodeUrlFilter.doFilterInternal(DisableEncodeUrlFilter.java:42)",
        Web "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:117)",
        Sec "org.springframework.security.web.FilterChainProxy$VirtualFilterChain.doFilter(FilterChainProxy.java:346)",
        Sec "org.springframework.security.web.FilterChainProxy.doFilterInternal(FilterChainProxy.java:221)",
        Sec "org.springframework.security.web.FilterChainProxy.doFilter(FilterChainProxy.java:186)",
        Web "org.springframework.web.filter.DelegatingFilterProxy.invokeDelegate(DelegatingFilterProxy.java:354)",
        Web "org.springframework.web.filter.DelegatingFilterProxy.doFilter(DelegatingFilterProxy.java:267)",
    ];
    const VALVES: &[Frame] = frames![
        Tc "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:168)",
        Tc "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)",
        Tc "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:481)",
        Tc "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:130)",
        Tc "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
        Tc "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
    ];
    /// An error-page forward: `StandardHostValve` dispatching to Boot's `/error` controller.
    const ERROR_FORWARD: &[Frame] = frames![
        Tc "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:209)",
        Tc "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:153)",
        Tc "org.apache.catalina.core.ApplicationDispatcher.invoke(ApplicationDispatcher.java:711)",
        Tc "org.apache.catalina.core.ApplicationDispatcher.processRequest(ApplicationDispatcher.java:461)",
        Tc "org.apache.catalina.core.ApplicationDispatcher.doForward(ApplicationDispatcher.java:385)",
        Tc "org.apache.catalina.core.ApplicationDispatcher.forward(ApplicationDispatcher.java:313)",
        Tc "org.apache.catalina.core.StandardHostValve.custom(StandardHostValve.java:403)",
        Tc "org.apache.catalina.core.StandardHostValve.status(StandardHostValve.java:249)",
        Tc "org.apache.catalina.core.StandardHostValve.throwable(StandardHostValve.java:344)",
        Tc "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:169)",
        Tc "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
        Tc "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
    ];
    const CONNECTOR: &[Frame] = frames![
        Tc "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:343)",
        Tc "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:390)",
        Tc "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
        Tc "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:926)",
        Tc "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1791)",
        Tc "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
        Tc "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
        Tc "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
        Tc "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)",
        Jdk "java.base/java.lang.Thread.run(Thread.java:840)",
    ];

    /// Choose this instance's port and filter chain; the run stack starts at `doDispatch`.
    pub fn setup(run: &mut Run, rng: &mut Rng) {
        run.connector = rng.pick(&["8080", "8080", "8080", "8081", "9090"]);
        let security = rng.chance(0.5);
        let mut stack = cat(&[DISPATCH, AFC_SERVLET, WS_FILTER, AFC_NEXT]);
        // Keep the longest traces near 120 frames: security adds 38, each other filter 4.
        let max_app_filters = if security { 0 } else { 3 };
        for f in APP_FILTERS.iter().take(max_app_filters) {
            if rng.chance(0.5) {
                stack.extend_from_slice(f);
                stack.extend_from_slice(AFC_NEXT);
            }
        }
        if security {
            stack.extend_from_slice(SPRING_SECURITY);
            stack.extend_from_slice(AFC_NEXT);
        }
        for f in [REQUEST_CONTEXT_FILTER, FORM_CONTENT_FILTER] {
            stack.extend_from_slice(f);
            stack.extend_from_slice(AFC_NEXT);
        }
        if !security && rng.chance(0.5) {
            stack.extend_from_slice(METRICS_FILTER);
            stack.extend_from_slice(AFC_NEXT);
        }
        stack.extend_from_slice(ENCODING_FILTER);
        stack.extend_from_slice(AFC_NEXT);
        stack.extend_from_slice(VALVES);
        stack.extend_from_slice(CONNECTOR);
        run.stack = stack;
    }

    pub fn record(g: &mut Gen, kind: Kind, o: &mut Vec<u8>) {
        match kind {
            Kind::Ordinary => ordinary(g, o),
            Kind::Abort => abort(g, o),
            Kind::LookAlike => lookalike(g, o),
        }
    }

    /// `2026-11-24 15:35:04.521 ERROR 12345 --- [nio-8080-exec-7] logger… : ` (message follows).
    /// `level` is already padded to 5; `thread` None means a request thread `http-nio-PORT-exec-N`.
    fn head(g: &mut Gen, o: &mut Vec<u8>, level: &str, thread: Option<&str>, logger: &str) {
        g.now.iso(o, b'.');
        o.push(b' ');
        o.s(level);
        o.push(b' ');
        o.num(g.run.pid);
        o.s(" --- [");
        // %15.15t: right-aligned in 15 columns, cut from the left when longer.
        let start = o.len();
        match thread {
            Some(t) => o.s(t),
            None => {
                o.s("http-nio-");
                o.s(g.run.connector);
                o.s("-exec-");
                let n = g.thread_no();
                o.num(n);
            }
        }
        let len = o.len() - start;
        if len > 15 {
            o.drain(start..start + len - 15);
        } else {
            o.splice(start..start, std::iter::repeat_n(b' ', 15 - len));
        }
        o.s("] ");
        o.s(logger);
        for _ in logger.len()..40 {
            o.push(b' ');
        }
        o.s(" : ");
    }

    const DISPATCHER: &str = "o.a.c.c.C.[.[.[/].[dispatcherServlet]";

    fn ordinary(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[35, 20, 15, 10, 8, 7, 5]) {
            0 => {
                head(g, o, " INFO", None, "c.e.shop.web.OrderController");
                o.s("GET /api/orders?customer=");
                o.num(g.id());
                o.s(" -> ");
                o.num(g.rng.range(0, 40));
                o.s(" orders in ");
                o.num(g.rng.range(3, 250));
                o.s(" ms");
            }
            1 => {
                head(g, o, " INFO", None, "c.e.shop.web.ExportController");
                o.s("Export ");
                o.num(g.id());
                o.s(" started for user u");
                o.num(g.id());
            }
            2 => {
                head(g, o, " INFO", None, "c.e.shop.service.CartService");
                o.s("Cart ");
                o.num(g.id());
                o.s(" updated: ");
                o.num(g.rng.range(1, 12));
                o.s(" items");
            }
            3 => {
                head(g, o, " INFO", None, "c.e.shop.security.LoginListener");
                o.s("Login succeeded for u");
                o.num(g.id());
                o.s(" from ");
                let ip = g.client();
                o.ip(ip);
            }
            4 => {
                head(
                    g,
                    o,
                    " INFO",
                    Some("scheduling-1"),
                    "c.e.shop.jobs.CartCleanupJob",
                );
                o.s("Removed ");
                o.num(g.rng.range(0, 300));
                o.s(" expired carts");
            }
            5 => {
                head(
                    g,
                    o,
                    " WARN",
                    None,
                    ".w.s.m.s.DefaultHandlerExceptionResolver",
                );
                o.s("Resolved [org.springframework.web.HttpRequestMethodNotSupportedException: Request method 'POST' not supported]");
            }
            _ => {
                head(g, o, "DEBUG", None, "o.s.web.servlet.DispatcherServlet");
                o.s("Completed 200 OK");
            }
        }
        o.nl();
    }

    /// `ClientAbortException` from a write or flush somewhere in `top_of_request` (the frames
    /// above the run stack), with its `IOException` cause.
    fn write_abort(g: &mut Gen, handler: &[Frame], below: &[Frame], flush: bool) -> Throwable {
        let text = if g.rng.chance(0.5) {
            "Broken pipe"
        } else {
            "Connection reset by peer"
        };
        let (top, path) = if flush {
            (CAE_FLUSH, FLUSH_PATH)
        } else {
            (CAE_WRITE, WRITE_PATH)
        };
        let outer = cat(&[top, handler, below]);
        let cause = cat(&[JDK_NIO_WRITE, SOCKET_WRITE, path, &outer[1..]]);
        Throwable::new(
            format!(
                "org.apache.catalina.connector.ClientAbortException: java.io.IOException: {text}"
            ),
            outer,
        )
        .caused_by(Throwable::new(
            format!("java.io.IOException: {text}"),
            cause,
        ))
    }

    /// An abort while serving a request: a controller writing, a download, or a JSON body.
    fn request_abort(g: &mut Gen) -> Throwable {
        let handler = match g.rng.below(3) {
            0 => cat(&[CONTROLLER_WRITES, INVOKE, ADAPTER]),
            1 => cat(&[RETURN_RESOURCE, ADAPTER]),
            _ => cat(&[RETURN_JSON, ADAPTER]),
        };
        let stack = std::mem::take(&mut g.run.stack);
        let t = write_abort(g, &handler, &stack, false);
        g.run.stack = stack;
        t
    }

    /// A trace after a header: `%wEx` writes a blank line before and after it.
    fn trace(o: &mut Vec<u8>, t: &Throwable) {
        o.nl();
        print_java(o, t, LOGBACK);
        o.nl();
    }

    fn abort(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[30, 20, 15, 15, 20]) {
            0 => {
                head(g, o, "ERROR", None, DISPATCHER);
                o.s("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception\n");
                let t = request_abort(g);
                trace(o, &t);
            }
            // Wrapped by Spring (NestedServletException): Tomcat logs only the root cause.
            1 => {
                let t = request_abort(g);
                head(g, o, "ERROR", None, DISPATCHER);
                o.s("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is ");
                o.s(&t.header);
                o.s("] with root cause\n");
                trace(o, &t.cause.unwrap());
            }
            // The exception resolver swallows it: one WARN line.
            2 => {
                head(
                    g,
                    o,
                    " WARN",
                    None,
                    ".m.m.a.ExceptionHandlerExceptionResolver",
                );
                o.s(g.rng.pick(&[
                    "Resolved [org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe]",
                    "Resolved [org.apache.catalina.connector.ClientAbortException: java.io.IOException: Connection reset by peer]",
                    "Resolved [org.springframework.http.converter.HttpMessageNotWritableException: Could not write JSON: Broken pipe; nested exception is com.fasterxml.jackson.databind.JsonMappingException: Broken pipe (through reference chain: java.util.ArrayList[0])]",
                ]));
                o.nl();
            }
            // The error page could not be written either.
            3 => {
                head(g, o, "ERROR", None, "o.a.c.c.C.[Tomcat].[localhost]");
                o.s("Exception Processing ErrorPage[errorCode=0, location=/error]\n");
                let handler = cat(&[RETURN_ERROR_JSON, ADAPTER, DISPATCH]);
                let below = cat(&[ERROR_FORWARD, CONNECTOR]);
                let t = write_abort(g, &handler, &below, true);
                trace(o, &t);
            }
            // An application @ExceptionHandler that logs everything.
            _ => {
                head(g, o, "ERROR", None, "c.e.shop.web.GlobalExceptionHandler");
                o.s("Unhandled exception on GET /api/reports/");
                o.num(g.id());
                o.s("/export\n");
                let t = request_abort(g);
                trace(o, &t);
            }
        }
    }

    const HIKARI_JDBC: &[Frame] = frames![
        Hikari "com.zaxxer.hikari.pool.ProxyPreparedStatement.executeQuery(ProxyPreparedStatement.java:52)",
        Hikari "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery(HikariProxyPreparedStatement.java)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate$1.doInPreparedStatement(JdbcTemplate.java:723)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:651)",
    ];
    const JDBC_TRANSLATE: &[Frame] = frames![
        Jdbc "org.springframework.jdbc.support.SQLExceptionSubclassTranslator.doTranslate(SQLExceptionSubclassTranslator.java:100)",
        Jdbc "org.springframework.jdbc.support.AbstractFallbackSQLExceptionTranslator.translate(AbstractFallbackSQLExceptionTranslator.java:70)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.translateException(JdbcTemplate.java:1575)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:667)",
    ];
    const ORDER_QUERY: &[Frame] = frames![
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.query(JdbcTemplate.java:713)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.query(JdbcTemplate.java:744)",
        Jdbc "org.springframework.jdbc.core.JdbcTemplate.query(JdbcTemplate.java:799)",
        App "com.example.shop.repository.OrderRepository.findByCustomer(OrderRepository.java:57)",
        App "com.example.shop.service.OrderService.listOrders(OrderService.java:33)",
        App "com.example.shop.web.OrderController.list(OrderController.java:41)",
    ];

    /// `RecoverableDataAccessException` → `CommunicationsException` → … → `SocketException:
    /// Connection reset` (a MySQL server connection, not a client).
    fn jdbc_failure(g: &mut Gen) -> Throwable {
        let outer = cat(&[JDBC_TRANSLATE, ORDER_QUERY, INVOKE, ADAPTER, &g.run.stack]);
        let caller = cat(&[HIKARI_JDBC, &outer[JDBC_TRANSLATE.len()..]]);
        let comm = mysql_reset(g, &caller);
        let msg = comm.header.split_once(": ").unwrap().1.to_owned();
        Throwable::new(
            format!("org.springframework.dao.RecoverableDataAccessException: PreparedStatementCallback; SQL [select id, status, total from orders where customer_id = ?]; {msg}; nested exception is {}", comm.header),
            outer,
        )
        .caused_by(comm)
    }

    fn lookalike(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[20, 15, 30, 15, 20]) {
            0 => {
                head(g, o, "ERROR", None, "c.e.shop.web.GlobalExceptionHandler");
                o.s("Unhandled exception on GET /api/orders\n");
                let t = jdbc_failure(g);
                trace(o, &t);
            }
            // Only the root cause is printed: `SocketException: Connection reset` with MySQL frames.
            1 => {
                let t = jdbc_failure(g);
                head(g, o, "ERROR", None, DISPATCHER);
                o.s("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is ");
                o.s(&t.header);
                o.s("] with root cause\n");
                let mut root = &t;
                while let Some(c) = &root.cause {
                    root = c;
                }
                trace(o, &Throwable::new(root.header.clone(), root.frames.clone()));
            }
            2 => {
                head(g, o, "ERROR", None, "c.e.shop.inventory.InventoryClient");
                o.s("Stock lookup failed for sku ");
                o.num(g.id());
                o.nl();
                let caller = cat(&[
                    frames![
                        App "com.example.shop.inventory.InventoryClient.stockLevel(InventoryClient.java:38)",
                        App "com.example.shop.service.ProductService.load(ProductService.java:61)",
                        App "com.example.shop.web.ProductController.product(ProductController.java:52)",
                    ],
                    INVOKE,
                    ADAPTER,
                    &g.run.stack,
                ]);
                let t = rest_client_failure(g, &caller);
                trace(o, &t);
            }
            3 => {
                head(g, o, "ERROR", None, "c.e.shop.cart.CartCache");
                o.s("Redis call failed for cart ");
                o.num(g.id());
                o.nl();
                let caller = cat(&[
                    frames![
                        App "com.example.shop.cart.CartCache.load(CartCache.java:44)",
                        App "com.example.shop.cart.CartService.getCart(CartService.java:29)",
                        App "com.example.shop.web.CartController.show(CartController.java:35)",
                    ],
                    INVOKE,
                    ADAPTER,
                    &g.run.stack,
                ]);
                let t = jedis_failure(g, &caller);
                trace(o, &t);
            }
            _ => {
                head(g, o, "ERROR", None, DISPATCHER);
                o.s("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed; nested exception is java.lang.NullPointerException: Cannot invoke \"com.example.shop.model.Customer.getEmail()\" because \"customer\" is null] with root cause\n");
                let frames = cat(&[
                    frames![
                        App "com.example.shop.service.InvoiceService.send(InvoiceService.java:77)",
                        App "com.example.shop.web.InvoiceController.resend(InvoiceController.java:49)",
                    ],
                    INVOKE,
                    ADAPTER,
                    &g.run.stack,
                ]);
                let t = Throwable::new(
                    "java.lang.NullPointerException: Cannot invoke \"com.example.shop.model.Customer.getEmail()\" because \"customer\" is null",
                    frames,
                );
                trace(o, &t);
            }
        }
    }
}

// ───────────────────────────── nginx (error log + access log) ─────────────────────────────

mod nginx {
    //! nginx 1.22: client aborts are `[info]`, the same errno on an upstream is `[error]`
    //! (SIGNATURES.md §10). Error and combined access lines interleave as `docker logs` shows them.
    use super::*;

    pub fn setup(run: &mut Run, rng: &mut Rng) {
        let n = rng.range(2, 8);
        run.workers = (1..=n).map(|i| run.pid + i).collect();
        run.server = rng.pick(&[
            "localhost",
            "shop.example.com",
            "api.example.com",
            "media.example.com",
        ]);
        run.connector = rng.pick(&[
            "127.0.0.1:8080",
            "127.0.0.1:18093",
            "10.0.2.15:8080",
            "172.18.0.3:3000",
        ]);
    }

    pub fn record(g: &mut Gen, kind: Kind, o: &mut Vec<u8>) {
        match kind {
            Kind::Ordinary => ordinary(g, o),
            Kind::Abort => abort(g, o),
            Kind::LookAlike => lookalike(g, o),
        }
    }

    const STATIC: [&str; 6] = [
        "/static/big.bin",
        "/downloads/app-1.4.2.tar.gz",
        "/video/intro-1080p.mp4",
        "/static/js/app.3f9a1c.js",
        "/media/catalog-2026.pdf",
        "/nosendfile/big.bin",
    ];
    const PROXIED: [&str; 5] = [
        "/app/stream",
        "/live/stream",
        "/api/export?format=csv",
        "/app/reports/2026-11/pdf",
        "/api/events",
    ];
    const API: [&str; 6] = [
        "/api/quote",
        "/api/orders",
        "/api/stock/4711",
        "/api/cart",
        "/api/search?q=lamp",
        "/api/session",
    ];
    const PAGES: [&str; 8] = [
        "/",
        "/index.html",
        "/static/site.css",
        "/static/js/app.3f9a1c.js",
        "/favicon.ico",
        "/robots.txt",
        "/products/4711",
        "/api/orders",
    ];
    const AGENTS: [&str; 6] = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "python-requests/2.28.1",
        "okhttp/4.9.3",
        "curl/7.88.1",
    ];

    /// `2026/11/24 15:48:48 [info] 20761#20761: *1234 ` (message follows).
    fn head(g: &mut Gen, o: &mut Vec<u8>, level: &str) {
        g.now.nginx(o);
        o.s(" [");
        o.s(level);
        o.s("] ");
        let w = g.rng.pick(&g.run.workers);
        o.num(w);
        o.push(b'#');
        o.num(w);
        o.s(": *");
        g.run.conn += g.rng.range(1, 3);
        o.num(g.run.conn);
        o.push(b' ');
    }

    /// `, client: …, server: …, request: "GET /x HTTP/1.1"[, upstream: "…"], host: "…"`.
    fn context(g: &mut Gen, o: &mut Vec<u8>, method: &str, path: &str, upstream: bool) {
        o.s(", client: ");
        let ip = g.client();
        o.ip(ip);
        o.s(", server: ");
        o.s(g.run.server);
        o.s(", request: \"");
        o.s(method);
        o.push(b' ');
        o.s(path);
        o.s(" HTTP/1.1\"");
        if upstream {
            o.s(", upstream: \"http://");
            o.s(g.run.connector);
            o.s(path);
            o.push(b'"');
        }
        o.s(", host: \"");
        o.s(g.run.server);
        o.s("\"\n");
    }

    fn ordinary(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[80, 15, 3, 2]) {
            0 => {
                let ip = g.client();
                o.ip(ip);
                o.s(" - - [");
                g.now.clf(o);
                o.s("] \"");
                let (method, path) = match g.rng.below(10) {
                    0 => ("POST", g.rng.pick(&API)),
                    1 | 2 => ("GET", g.rng.pick(&STATIC)),
                    3 => ("GET", g.rng.pick(&PROXIED)),
                    _ => ("GET", g.rng.pick(&PAGES)),
                };
                o.s(method);
                o.push(b' ');
                o.s(path);
                o.s(" HTTP/1.1\" ");
                let status = g
                    .rng
                    .pick(&[200, 200, 200, 200, 200, 200, 200, 304, 304, 301, 404, 499]);
                o.num(status);
                o.push(b' ');
                o.num(match status {
                    304 | 499 => 0,
                    301 => 169,
                    404 => 153,
                    _ if STATIC.contains(&path) => g.rng.range(100_000, 200_000_000),
                    _ => g.rng.range(30, 60_000),
                });
                o.s(" \"");
                o.s(g.rng.pick(&[
                    "-",
                    "-",
                    "https://www.example.com/",
                    "https://shop.example.com/cart",
                ]));
                o.s("\" \"");
                o.s(g.rng.pick(&AGENTS));
                o.s("\"\n");
            }
            1 => {
                head(g, o, "info");
                o.s("client ");
                let ip = g.client();
                o.ip(ip);
                o.s(" closed keepalive connection\n");
            }
            2 => {
                head(g, o, "warn");
                o.s("a client request body is buffered to a temporary file /var/lib/nginx/client_body/");
                let n = g.rng.range(1, 9_999_999);
                o.extend_from_slice(format!("{n:010}").as_bytes());
                context(g, o, "POST", "/app/upload", false);
            }
            _ => {
                head(g, o, "error");
                let n = g.id();
                o.s("open() \"/var/lib/nginx/www/missing-");
                o.num(n);
                o.s(".html\" failed (2: No such file or directory)");
                let path = format!("/missing-{n}.html");
                context(g, o, "GET", &path, false);
            }
        }
    }

    const RESET: &str = "(104: Connection reset by peer)";
    const PIPE: &str = "(32: Broken pipe)";

    /// All `[info]`: the client side of a connection failed.
    fn abort(g: &mut Gen, o: &mut Vec<u8>) {
        head(g, o, "info");
        let errno = if g.rng.chance(0.6) { RESET } else { PIPE };
        match g.rng.weighted(&[25, 8, 10, 10, 10, 17, 8, 4, 4, 4]) {
            0 => {
                o.s("client prematurely closed connection (104: Connection reset by peer) while sending response to client");
                let p = g.rng.pick(&STATIC);
                context(g, o, "GET", p, false);
            }
            1 => {
                o.s("client prematurely closed connection while sending response to client");
                let p = g.rng.pick(&STATIC);
                context(g, o, "GET", p, false);
            }
            2 => {
                o.s("sendfile() failed (32: Broken pipe) while sending response to client");
                let p = g.rng.pick(&STATIC);
                context(g, o, "GET", p, false);
            }
            3 => {
                o.s("writev() failed ");
                o.s(errno);
                o.s(" while sending response to client");
                context(g, o, "GET", "/nosendfile/big.bin", false);
            }
            4 => {
                o.s("writev() failed ");
                o.s(errno);
                o.s(g
                    .rng
                    .pick(&[" while sending to client", " while reading upstream"]));
                let p = g.rng.pick(&PROXIED);
                context(g, o, "GET", p, true);
            }
            5 => {
                o.s("epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too (104: Connection reset by peer) while reading upstream");
                let p = g.rng.pick(&PROXIED);
                context(g, o, "GET", p, true);
            }
            6 => {
                o.s("epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too while reading upstream");
                let p = g.rng.pick(&PROXIED);
                context(g, o, "GET", p, true);
            }
            7 => {
                o.s("epoll_wait() reported that client prematurely closed connection, so upstream connection is closed too (104: Connection reset by peer) while sending request to upstream");
                let p = g.rng.pick(&API);
                context(g, o, "GET", p, true);
            }
            8 => {
                o.s("recv() failed (104: Connection reset by peer)");
                context(g, o, "POST", "/app/upload", false);
            }
            _ => {
                o.s("client prematurely closed connection");
                context(g, o, "POST", "/app/upload", false);
            }
        }
    }

    /// `[error]` on the upstream side: the same errno texts, but the peer is our backend.
    fn lookalike(g: &mut Gen, o: &mut Vec<u8>) {
        head(g, o, "error");
        o.s(g.rng.pick(&[
            "recv() failed (104: Connection reset by peer) while reading response header from upstream",
            "recv() failed (104: Connection reset by peer) while reading response header from upstream",
            "connect() failed (111: Connection refused) while connecting to upstream",
            "upstream timed out (110: Connection timed out) while reading response header from upstream",
            "upstream prematurely closed connection while reading response header from upstream",
            "writev() failed (32: Broken pipe) while sending request to upstream",
        ]));
        let p = g.rng.pick(&API);
        context(g, o, "GET", p, true);
    }
}

// ───────────────────────────── Python 3.11 (http.server, socketserver, logging) ─────────────────────────────

mod python {
    //! CPython 3.11 `ThreadingHTTPServer`: access lines on stderr, socketserver's `handle_error`
    //! dumps (a traceback between two lines of 40 dashes) and `logging.exception` records.
    use super::*;

    pub fn record(g: &mut Gen, kind: Kind, o: &mut Vec<u8>) {
        match kind {
            Kind::Ordinary => ordinary(g, o),
            Kind::Abort => abort(g, o),
            Kind::LookAlike => lookalike(g, o),
        }
    }

    const DASHES: &str = "----------------------------------------\n";

    /// `127.0.0.1 - - [24/Nov/2026 15:42:53] ` (rest of the line follows).
    fn access_head(g: &mut Gen, o: &mut Vec<u8>, ip: u32) {
        o.ip(ip);
        o.s(" - - [");
        g.now.py_access(o);
        o.s("] ");
    }

    fn access(g: &mut Gen, o: &mut Vec<u8>, request: &str, status: u64) {
        let ip = g.client();
        access_head(g, o, ip);
        o.push(b'"');
        o.s(request);
        o.s("\" ");
        o.num(status);
        o.s(" -\n");
    }

    /// `2026-11-24 15:43:31,673 LEVEL [Thread-11 (process_request_thread)] logger: `.
    fn log_head(g: &mut Gen, o: &mut Vec<u8>, level: &str, logger: &str) {
        g.now.iso(o, b',');
        o.push(b' ');
        o.s(level);
        o.s(" [Thread-");
        g.run.conn += 1;
        o.num(g.run.conn);
        o.s(" (process_request_thread)] ");
        o.s(logger);
        o.s(": ");
    }

    /// `Exception occurred during processing of request from ('10.1.2.3', 39826)`.
    fn dump_head(g: &mut Gen, o: &mut Vec<u8>) {
        o.s(DASHES);
        o.s("Exception occurred during processing of request from ('");
        let (ip, port) = (g.client(), g.port());
        o.ip(ip);
        o.s("', ");
        o.num(port);
        o.s(")\nTraceback (most recent call last):\n");
    }

    fn ordinary(g: &mut Gen, o: &mut Vec<u8>) {
        if g.run.py_app {
            match g.rng.weighted(&[45, 20, 15, 15, 5]) {
                0 => access(g, o, "GET /hello HTTP/1.1", 200),
                1 => {
                    let r = g.rng.pick(&[
                        "GET /stream HTTP/1.1",
                        "GET /stream/logged HTTP/1.1",
                        "GET /stream?chunks=3 HTTP/1.1",
                    ]);
                    access(g, o, r, 200)
                }
                2 => access(g, o, "POST /upload HTTP/1.1", 200),
                3 => {
                    log_head(g, o, "INFO", "realogs.export");
                    o.s("Report export to ");
                    let (ip, port) = (g.client(), g.port());
                    o.ip(ip);
                    o.push(b':');
                    o.num(port);
                    o.s(" finished after ");
                    o.num(g.rng.range(10, 400));
                    o.s(" chunks\n");
                }
                _ => not_found(g, o, "Not Found"),
            }
        } else {
            match g.rng.weighted(&[30, 20, 15, 15, 15, 5]) {
                0 => access(g, o, "GET /big.bin HTTP/1.1", 200),
                1 => access(g, o, "GET / HTTP/1.1", 200),
                2 => access(g, o, "GET /index.html HTTP/1.1", 200),
                3 => access(g, o, "GET /css/site.css HTTP/1.1", 200),
                4 => access(g, o, "GET /robots.txt HTTP/1.1", 200),
                _ => not_found(g, o, "File not found"),
            }
        }
    }

    /// `send_error` logs the error, then the request line, both for the same client.
    fn not_found(g: &mut Gen, o: &mut Vec<u8>, message: &str) {
        let ip = g.client();
        access_head(g, o, ip);
        o.s("code 404, message ");
        o.s(message);
        o.nl();
        access_head(g, o, ip);
        o.s("\"GET /missing-");
        o.num(g.id());
        o.s(".html HTTP/1.1\" 404 -\n");
    }

    const STATIC_COPY: &str = r#"  File "/usr/lib/python3.11/socketserver.py", line 691, in process_request_thread
    self.finish_request(request, client_address)
  File "/usr/lib/python3.11/http/server.py", line 1306, in finish_request
    self.RequestHandlerClass(request, client_address, self,
  File "/usr/lib/python3.11/http/server.py", line 667, in __init__
    super().__init__(*args, **kwargs)
  File "/usr/lib/python3.11/socketserver.py", line 755, in __init__
    self.handle()
  File "/usr/lib/python3.11/http/server.py", line 432, in handle
    self.handle_one_request()
  File "/usr/lib/python3.11/http/server.py", line 420, in handle_one_request
    method()
  File "/usr/lib/python3.11/http/server.py", line 674, in do_GET
    self.copyfile(f, self.wfile)
  File "/usr/lib/python3.11/http/server.py", line 873, in copyfile
    shutil.copyfileobj(source, outputfile)
  File "/usr/lib/python3.11/shutil.py", line 200, in copyfileobj
    fdst_write(buf)
  File "/usr/lib/python3.11/socketserver.py", line 834, in write
    self._sock.sendall(b)
"#;
    const APP_PREFIX: &str = r#"  File "/usr/lib/python3.11/socketserver.py", line 691, in process_request_thread
    self.finish_request(request, client_address)
  File "/usr/lib/python3.11/socketserver.py", line 361, in finish_request
    self.RequestHandlerClass(request, client_address, self)
  File "/usr/lib/python3.11/socketserver.py", line 755, in __init__
    self.handle()
  File "/usr/lib/python3.11/http/server.py", line 432, in handle
    self.handle_one_request()
  File "/usr/lib/python3.11/http/server.py", line 420, in handle_one_request
    method()
"#;
    const APP_STREAM: &str = r#"  File "/srv/app/stream_server.py", line 68, in do_GET
    self._stream(chunks, sleep)
  File "/srv/app/stream_server.py", line 54, in _stream
    self.wfile.write(CHUNK)
  File "/usr/lib/python3.11/socketserver.py", line 834, in write
    self._sock.sendall(b)
"#;
    const APP_LOGGED: &str = r#"Traceback (most recent call last):
  File "/srv/app/stream_server.py", line 71, in do_GET
    self._stream(chunks, sleep)
  File "/srv/app/stream_server.py", line 54, in _stream
    self.wfile.write(CHUNK)
  File "/usr/lib/python3.11/socketserver.py", line 834, in write
    self._sock.sendall(b)
"#;
    const APP_UPLOAD: &str = r#"  File "/srv/app/stream_server.py", line 96, in do_POST
    b = self.rfile.read(min(65536, n - got))
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socket.py", line 706, in readinto
    return self._sock.recv_into(b)
           ^^^^^^^^^^^^^^^^^^^^^^^
"#;
    const RESET: &str = "ConnectionResetError: [Errno 104] Connection reset by peer\n";
    const PIPE: &str = "BrokenPipeError: [Errno 32] Broken pipe\n";

    fn abort(g: &mut Gen, o: &mut Vec<u8>) {
        let last = if g.rng.chance(0.7) { RESET } else { PIPE };
        let variant = if g.run.py_app {
            g.rng.weighted(&[0, 45, 45, 10])
        } else {
            0
        };
        match variant {
            0 => {
                dump_head(g, o);
                o.s(STATIC_COPY);
                o.s(last);
                o.s(DASHES);
            }
            1 => {
                dump_head(g, o);
                o.s(APP_PREFIX);
                o.s(APP_STREAM);
                o.s(last);
                o.s(DASHES);
            }
            2 => {
                log_head(g, o, "ERROR", "realogs.export");
                o.s("Report export to ");
                let (ip, port) = (g.client(), g.port());
                o.ip(ip);
                o.push(b':');
                o.num(port);
                o.s(" failed\n");
                o.s(APP_LOGGED);
                o.s(last);
            }
            _ => {
                dump_head(g, o);
                o.s(APP_PREFIX);
                o.s(APP_UPLOAD);
                o.s(RESET);
                o.s(DASHES);
            }
        }
    }

    /// An OUTBOUND `urlopen` whose server reset the connection (the last line is identical to a
    /// client abort's; only `http/client.py` shows the socket is ours).
    const URLOPEN_RESET: &str = r#"  File "/srv/app/stream_server.py", line 76, in do_GET
    with urllib.request.urlopen("http://127.0.0.1:18097/api/quote?sym=ACME", timeout=5) as r:
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 216, in urlopen
    return opener.open(url, data, timeout)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 519, in open
    response = self._open(req, data)
               ^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 536, in _open
    result = self._call_chain(self.handle_open, protocol, protocol +
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 496, in _call_chain
    result = func(*args)
             ^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 1377, in http_open
    return self.do_open(http.client.HTTPConnection, req)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 1352, in do_open
    r = h.getresponse()
        ^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 1374, in getresponse
    response.begin()
  File "/usr/lib/python3.11/http/client.py", line 318, in begin
    version, status, reason = self._read_status()
                              ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 279, in _read_status
    line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socket.py", line 706, in readinto
    return self._sock.recv_into(b)
           ^^^^^^^^^^^^^^^^^^^^^^^
ConnectionResetError: [Errno 104] Connection reset by peer
"#;
    /// Connection refused by the quote service: a chained traceback ending in `URLError`.
    const URLOPEN_REFUSED: &str = r#"Traceback (most recent call last):
  File "/usr/lib/python3.11/urllib/request.py", line 1348, in do_open
    h.request(req.get_method(), req.selector, req.data, headers,
  File "/usr/lib/python3.11/http/client.py", line 1282, in request
    self._send_request(method, url, body, headers, encode_chunked)
  File "/usr/lib/python3.11/http/client.py", line 1328, in _send_request
    self.endheaders(body, encode_chunked=encode_chunked)
  File "/usr/lib/python3.11/http/client.py", line 1277, in endheaders
    self._send_output(message_body, encode_chunked=encode_chunked)
  File "/usr/lib/python3.11/http/client.py", line 1037, in _send_output
    self.send(msg)
  File "/usr/lib/python3.11/http/client.py", line 975, in send
    self.connect()
  File "/usr/lib/python3.11/http/client.py", line 941, in connect
    self.sock = self._create_connection(
                ^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socket.py", line 851, in create_connection
    raise exceptions[0]
  File "/usr/lib/python3.11/socket.py", line 836, in create_connection
    sock.connect(sa)
ConnectionRefusedError: [Errno 111] Connection refused

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.11/socketserver.py", line 691, in process_request_thread
    self.finish_request(request, client_address)
  File "/usr/lib/python3.11/socketserver.py", line 361, in finish_request
    self.RequestHandlerClass(request, client_address, self)
  File "/usr/lib/python3.11/socketserver.py", line 755, in __init__
    self.handle()
  File "/usr/lib/python3.11/http/server.py", line 432, in handle
    self.handle_one_request()
  File "/usr/lib/python3.11/http/server.py", line 420, in handle_one_request
    method()
  File "/srv/app/stream_server.py", line 79, in do_GET
    with urllib.request.urlopen("http://127.0.0.1:18098/api/quote?sym=ACME", timeout=5) as r:
         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 216, in urlopen
    return opener.open(url, data, timeout)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 519, in open
    response = self._open(req, data)
               ^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 536, in _open
    result = self._call_chain(self.handle_open, protocol, protocol +
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 496, in _call_chain
    result = func(*args)
             ^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 1377, in http_open
    return self.do_open(http.client.HTTPConnection, req)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/urllib/request.py", line 1351, in do_open
    raise URLError(err)
urllib.error.URLError: <urlopen error [Errno 111] Connection refused>
"#;
    /// The app pushing to a backend with `socket.sendall`: an OUTBOUND reset.
    const PUSH_RESET: &str = r#"  File "/srv/app/stream_server.py", line 84, in do_GET
    s.sendall(CHUNK * 16)
ConnectionResetError: [Errno 104] Connection reset by peer
"#;
    const KEY_ERROR: &str = r#"  File "/srv/app/stream_server.py", line 88, in do_GET
    self._small("hello " + prefs["name"] + "\n")
                           ~~~~~^^^^^^^^
KeyError: 'name'
"#;
    /// `requests` → urllib3 → http.client: "Connection aborted." is urllib3's word for an
    /// OUTBOUND failure (SIGNATURES.md §6).
    const REQUESTS_ABORTED: &str = r#"Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 703, in urlopen
    httplib_response = self._make_request(
                       ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 449, in _make_request
    six.raise_from(e, None)
  File "<string>", line 3, in raise_from
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 444, in _make_request
    httplib_response = conn.getresponse()
                       ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 1374, in getresponse
    response.begin()
  File "/usr/lib/python3.11/http/client.py", line 318, in begin
    version, status, reason = self._read_status()
                              ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 279, in _read_status
    line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socket.py", line 706, in readinto
    return self._sock.recv_into(b)
           ^^^^^^^^^^^^^^^^^^^^^^^
ConnectionResetError: [Errno 104] Connection reset by peer

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/requests/adapters.py", line 489, in send
    resp = conn.urlopen(
           ^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 787, in urlopen
    retries = retries.increment(
              ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/urllib3/util/retry.py", line 550, in increment
    raise six.reraise(type(error), error, _stacktrace)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/six.py", line 718, in reraise
    raise value.with_traceback(tb)
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 703, in urlopen
    httplib_response = self._make_request(
                       ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 449, in _make_request
    six.raise_from(e, None)
  File "<string>", line 3, in raise_from
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 444, in _make_request
    httplib_response = conn.getresponse()
                       ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 1374, in getresponse
    response.begin()
  File "/usr/lib/python3.11/http/client.py", line 318, in begin
    version, status, reason = self._read_status()
                              ^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/http/client.py", line 279, in _read_status
    line = str(self.fp.readline(_MAXLINE + 1), "iso-8859-1")
               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3.11/socket.py", line 706, in readinto
    return self._sock.recv_into(b)
           ^^^^^^^^^^^^^^^^^^^^^^^
urllib3.exceptions.ProtocolError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/srv/app/stream_server.py", line 102, in _quote
    r = requests.get(QUOTE_URL, timeout=5)
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/requests/api.py", line 73, in get
    return request("get", url, params=params, **kwargs)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/requests/api.py", line 59, in request
    return session.request(method=method, url=url, **kwargs)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/requests/sessions.py", line 587, in request
    resp = self.send(prep, **send_kwargs)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/requests/sessions.py", line 701, in send
    r = adapter.send(request, **kwargs)
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/requests/adapters.py", line 547, in send
    raise ConnectionError(err, request=request)
requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))
"#;

    fn lookalike(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[30, 20, 20, 10, 20]) {
            0 => {
                dump_head(g, o);
                o.s(APP_PREFIX);
                o.s(URLOPEN_RESET);
                o.s(DASHES);
            }
            1 => {
                dump_head(g, o);
                // The header says "Traceback" itself in a chained dump; drop dump_head's copy.
                o.truncate(o.len() - "Traceback (most recent call last):\n".len());
                o.s(URLOPEN_REFUSED);
                o.s(DASHES);
            }
            2 => {
                dump_head(g, o);
                o.s(APP_PREFIX);
                o.s(PUSH_RESET);
                o.s(DASHES);
            }
            3 => {
                dump_head(g, o);
                o.s(APP_PREFIX);
                o.s(KEY_ERROR);
                o.s(DASHES);
            }
            _ => {
                log_head(g, o, "ERROR", "realogs.quotes");
                o.s("Quote service call failed\n");
                o.s(REQUESTS_ABORTED);
            }
        }
    }
}

// ───────────────────────────── JDK com.sun.net.httpserver (JUL SimpleFormatter) ─────────────────────────────

mod jdk {
    //! OpenJDK 17 `com.sun.net.httpserver` plus a plain `ServerSocket` handler. SimpleFormatter's
    //! default format writes a two-line header and, after a throwable, an empty line.
    //! Under LANG=zh_CN.UTF-8 the header, the level and glibc's error texts are Chinese.
    use super::*;

    const HTTPSERVER_WRITE: &[Frame] = frames![
        Jdk "jdk.httpserver/sun.net.httpserver.Request$WriteStream.write(Request.java:424)",
        Jdk "jdk.httpserver/sun.net.httpserver.ChunkedOutputStream.writeChunk(ChunkedOutputStream.java:131)",
        Jdk "jdk.httpserver/sun.net.httpserver.ChunkedOutputStream.write(ChunkedOutputStream.java:101)",
        Jdk "java.base/java.io.FilterOutputStream.write(FilterOutputStream.java:108)",
        Jdk "jdk.httpserver/sun.net.httpserver.PlaceholderOutputStream.write(ExchangeImpl.java:458)",
        App "com.example.feed.FeedServer.stream(FeedServer.java:42)",
        App "com.example.feed.FeedServer.lambda$main$1(FeedServer.java:75)",
    ];
    /// `try (OutputStream os = …)` closing the stream after the failed write: suppressed.
    const HTTPSERVER_CLOSE: &[Frame] = frames![
        Jdk "jdk.httpserver/sun.net.httpserver.Request$WriteStream.write(Request.java:424)",
        Jdk "jdk.httpserver/sun.net.httpserver.ChunkedOutputStream.writeChunk(ChunkedOutputStream.java:131)",
        Jdk "jdk.httpserver/sun.net.httpserver.ChunkedOutputStream.flush(ChunkedOutputStream.java:165)",
        Jdk "jdk.httpserver/sun.net.httpserver.ChunkedOutputStream.close(ChunkedOutputStream.java:140)",
        Jdk "jdk.httpserver/sun.net.httpserver.PlaceholderOutputStream.close(ExchangeImpl.java:473)",
        App "com.example.feed.FeedServer.lambda$main$1(FeedServer.java:74)",
    ];
    const DISPATCH: &[Frame] = frames![
        Jdk "jdk.httpserver/com.sun.net.httpserver.Filter$Chain.doFilter(Filter.java:95)",
        Jdk "jdk.httpserver/sun.net.httpserver.AuthFilter.doFilter(AuthFilter.java:82)",
        Jdk "jdk.httpserver/com.sun.net.httpserver.Filter$Chain.doFilter(Filter.java:98)",
        Jdk "jdk.httpserver/sun.net.httpserver.ServerImpl$Exchange$LinkHandler.handle(ServerImpl.java:855)",
        Jdk "jdk.httpserver/com.sun.net.httpserver.Filter$Chain.doFilter(Filter.java:95)",
        Jdk "jdk.httpserver/sun.net.httpserver.ServerImpl$Exchange.run(ServerImpl.java:831)",
        Jdk "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
        Jdk "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
        Jdk "java.base/java.lang.Thread.run(Thread.java:840)",
    ];
    const SOCKET_HANDLER: &[Frame] = frames![
        Jdk "java.base/java.io.OutputStream.write(OutputStream.java:127)",
        App "com.example.feed.FeedServer.stream(FeedServer.java:42)",
        App "com.example.feed.FeedServer.lambda$main$3(FeedServer.java:116)",
        Jdk "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
        Jdk "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
        Jdk "java.base/java.lang.Thread.run(Thread.java:840)",
    ];

    pub fn record(g: &mut Gen, kind: Kind, o: &mut Vec<u8>) {
        match kind {
            Kind::Ordinary => ordinary(g, o),
            Kind::Abort => abort(g, o),
            Kind::LookAlike => lookalike(g, o),
        }
    }

    /// `Nov 24, 2026 3:55:49 PM com.example.feed.FeedServer lambda$main$1` / `WARNING: `.
    fn head(g: &mut Gen, o: &mut Vec<u8>, method: &str, level: &str) {
        let zh = g.run.zh;
        g.now.jul(o, zh);
        o.s(" com.example.feed.FeedServer ");
        o.s(method);
        o.nl();
        o.s(match (zh, level) {
            (false, l) => l,
            (true, "INFO") => "信息",
            (true, "WARNING") => "警告",
            (true, _) => "严重",
        });
        o.s(": ");
    }

    /// glibc's strerror text under the run's locale.
    fn os_text(g: &mut Gen) -> &'static str {
        match (g.rng.chance(0.5), g.run.zh) {
            (true, false) => "Broken pipe",
            (true, true) => "断开的管道",
            (false, false) => "Connection reset by peer",
            (false, true) => "连接被对方重设",
        }
    }

    fn ordinary(g: &mut Gen, o: &mut Vec<u8>) {
        if g.rng.chance(0.7) {
            head(g, o, "lambda$main$0", "INFO");
            o.s("GET /feed/");
            o.num(g.id());
            o.s(" 200 ");
            o.num(g.rng.range(200, 90_000));
            o.s(" bytes in ");
            o.num(g.rng.range(1, 400));
            o.s(" ms\n");
        } else {
            head(g, o, "lambda$main$1", "INFO");
            o.s("Streaming /stream to /");
            let (ip, port) = (g.client(), g.port());
            o.ip(ip);
            o.push(b':');
            o.num(port);
            o.s(" finished (");
            o.num(g.rng.range(10, 400));
            o.s(" chunks)\n");
        }
    }

    /// The httpserver write failure with the close's failure suppressed, as the JDK prints it.
    fn exchange_abort(g: &mut Gen) -> Throwable {
        let text = os_text(g);
        let pipe = if g.run.zh {
            "断开的管道"
        } else {
            "Broken pipe"
        };
        Throwable::new(
            format!("java.io.IOException: {text}"),
            cat(&[JDK_NIO_WRITE, HTTPSERVER_WRITE, DISPATCH]),
        )
        .suppressing(Throwable::new(
            format!("java.io.IOException: {pipe}"),
            cat(&[JDK_NIO_WRITE, HTTPSERVER_CLOSE, DISPATCH]),
        ))
    }

    fn abort(g: &mut Gen, o: &mut Vec<u8>) {
        match g.rng.weighted(&[40, 40, 20]) {
            0 => {
                head(g, o, "lambda$main$1", "WARNING");
                o.s("Streaming /stream to /");
                let (ip, port) = (g.client(), g.port());
                o.ip(ip);
                o.push(b':');
                o.num(port);
                o.s(" failed\n");
                let t = exchange_abort(g);
                print_java(o, &t, PRINT_STACK_TRACE);
                o.nl();
            }
            // A plain ServerSocket handler: `System.err.println(…); e.printStackTrace();`.
            1 => {
                o.s("Write to client /");
                let (ip, port) = (g.client(), g.port());
                o.ip(ip);
                o.push(b':');
                o.num(port);
                o.s(" failed:\n");
                let text = os_text(g);
                let t = Throwable::new(
                    format!("java.net.SocketException: {text}"),
                    cat(&[JDK_SOCKET_WRITE, SOCKET_HANDLER]),
                );
                print_java(o, &t, PRINT_STACK_TRACE);
            }
            // `/stream-print`: `e.printStackTrace()` alone.
            _ => {
                let t = exchange_abort(g);
                print_java(o, &t, PRINT_STACK_TRACE);
            }
        }
    }

    /// The quote service behind this server failing: OUTBOUND reads and connects.
    fn lookalike(g: &mut Gen, o: &mut Vec<u8>) {
        head(g, o, "lambda$main$2", "SEVERE");
        o.s("Quote service call failed\n");
        let quote = frames![
            Jdk "java.base/java.io.InputStream.read(InputStream.java:218)",
            App "com.example.feed.FeedServer.lambda$main$2(FeedServer.java:93)",
        ];
        let t = match g.rng.weighted(&[60, 20, 20]) {
            // "Connection reset" is a JDK string: it stays English under zh_CN.
            0 => Throwable::new(
                "java.net.SocketException: Connection reset",
                cat(&[JDK_SOCKET_READ, quote, DISPATCH]),
            ),
            1 => Throwable::new(
                "java.net.SocketTimeoutException: Read timed out",
                cat(&[JDK_SOCKET_TIMED_READ, quote, DISPATCH]),
            ),
            _ => Throwable::new(
                if g.run.zh {
                    "java.net.ConnectException: 拒绝连接"
                } else {
                    "java.net.ConnectException: Connection refused"
                },
                cat(&[
                    JDK_CONNECT,
                    frames![
                        Jdk "java.base/java.net.Socket.connect(Socket.java:583)",
                        App "com.example.feed.QuoteClient.open(QuoteClient.java:31)",
                        App "com.example.feed.FeedServer.lambda$main$2(FeedServer.java:91)",
                    ],
                    DISPATCH,
                ]),
            ),
        };
        print_java(o, &t, PRINT_STACK_TRACE);
        o.nl();
    }
}
