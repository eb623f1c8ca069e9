//! Header lines: the timestamped (or levelled) first line of a log record.
//!
//! A header always starts a new record. It is recognised from the line itself, with hand-written
//! byte checks rather than regexes because every line of the log passes through here. All known
//! formats are tried on every line: real files mix them (a Spring Boot application writes logback
//! lines into Tomcat's JULI `catalina.out`), so no format is locked in after the first match.
//!
//! The timestamp is kept as the exact bytes the log wrote, so that a summary line can start with a
//! timestamp in the log's own format, and as seconds on the log's own clock (no time zone is
//! applied: windows are aligned to the clock the log shows).

mod access;
mod civil;
mod levels;
mod liberty;

pub use civil::{civil, civil_seconds};

/// The header formats resetsquash recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `2026-11-24 15:35:04.521`, `2026-11-24T15:35:04.521+01:00`, `2026-11-24 15:43:31,953`:
    /// logback, log4j2, Spring Boot, Python logging.
    Iso,
    /// `2026/11/24 15:48:49`: nginx's error log, Go's `log` package.
    Slash,
    /// `24-Nov-2026 15:35:04.521`: Tomcat JULI's OneLineFormatter.
    Juli,
    /// `[Tue Nov 24 15:48:49.123456 2026]`: Apache httpd's error log.
    Apache,
    /// `[2026-11-24 15:45:25 +0000]`: gunicorn, or an ISO/slash timestamp in brackets, or
    /// `[24/Nov/2026 15:42:53]` (Django's runserver) or `[24/Nov/2026:15:42:53]` (CherryPy).
    Bracketed,
    /// `[12/6/26 20:52:17:123 UTC]`: WebSphere's basic format (Liberty's `messages.log`,
    /// traditional WebSphere's `SystemOut.log`), traces unindented under the message.
    Liberty,
    /// `[E 261204 18:15:10 web:1820]`: tornado's LogFormatter, which indents the traces it
    /// prints under the message.
    Tornado,
    /// `Nov 24, 2026 3:55:49 PM` or `11月 24, 2026 3:56:49 下午`: java.util.logging's
    /// SimpleFormatter (two-line records).
    JulSimple,
    /// `Nov 24 15:35:04`: syslog (no year).
    Syslog,
    /// `15:35:04.521`: log4j2's default pattern (no date).
    TimeOnly,
    /// `fail: Microsoft.AspNetCore.Server.Kestrel[13]`: .NET's console logger (no timestamp).
    DotnetLevel,
    /// `ERROR:root:message`: Python's `logging.basicConfig()` default, or uvicorn's
    /// `ERROR:    message` (no timestamp).
    PythonLevel,
    /// `E, [2026-11-24T15:35:06.806120 #41] ERROR -- : message`: Ruby's `Logger` (its default
    /// formatter: Rails, Rack apps, Sidekiq). The timestamp is the whole bracket with its
    /// severity letter, so a summary line reads as a line of the log.
    RubyLogger,
    /// `203.0.113.7 - - [24/Nov/2026:15:35:04 +0000] "GET / HTTP/1.1" 200 …`: an access-log
    /// line (Common/Combined Log Format, or Python's `http.server`). Its timestamp is not at the
    /// start, so it does not set the clock; it is recognised so that it is a record of its own
    /// and never taken into an error record before it (nginx and Apache under `docker logs`
    /// interleave both logs).
    AccessLog,
    /// A line matched by the user's `--record-start` regex.
    Custom,
}

impl Format {
    /// Whether an exception line at column 0 right after this header belongs to its record.
    ///
    /// logback, log4j2, Python and JUL's SimpleFormatter print the throwable unindented after the
    /// message. Tomcat's OneLineFormatter indents it with a tab, so in a JULI log an unindented
    /// exception line is someone's `printStackTrace()` and starts a record of its own. nginx,
    /// Go's `log`, httpd and access logs print no traces at all, and Python's `logging` prints
    /// its exception after a `Traceback`, as do the bracketed headers of gunicorn, Django and
    /// WEBrick (`WARNING:waitress.queue:…` then a Java exception is two programs' lines), so an
    /// exception line after one
    /// of their lines is another program's (`docker logs` interleaves a proxy's log with its
    /// Node or Python backend's stderr) and must not be squashed with it.
    pub fn exceptions_at_column_0(self) -> bool {
        !matches!(
            self,
            Format::Juli
                | Format::Tornado
                | Format::PythonLevel
                | Format::Bracketed
                | Format::Slash
                | Format::Apache
                | Format::AccessLog
        )
    }
}

/// A recognised header line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    /// Length in bytes of the timestamp at the start of the line, brackets included; 0 where the
    /// format has none.
    pub timestamp_len: usize,
    /// The timestamp in seconds on the log's own clock; `None` where the format has none.
    pub seconds: Option<i64>,
}

/// Recognises `line` (terminator excluded) as a header, or returns `None`.
pub fn detect(line: &[u8]) -> Option<Header> {
    let first = *line.first()?;
    let found = if first.is_ascii_digit() {
        iso(line)
            .or_else(|| slash(line))
            .or_else(|| juli(line))
            .or_else(|| time_only(line))
            .or_else(|| jul_simple_zh(line))
            .or_else(|| access_line(line))
    } else if first == b'[' {
        bracketed(line)
            .or_else(|| liberty(line))
            .or_else(|| apache(line))
            .or_else(|| tornado(line))
            .or_else(|| gin_access(line))
    } else if first == 0x1b {
        return coloured(line);
    } else if first.is_ascii_uppercase() {
        ruby_logger(line)
            .or_else(|| jul_simple_en(line))
            .or_else(|| syslog(line))
            .or_else(|| python_level(line))
    } else if first.is_ascii_lowercase() {
        dotnet_level(line)
    } else {
        None
    };
    found.or_else(|| {
        (first.is_ascii_alphanumeric() || first == b':')
            .then(|| access_log(line))
            .flatten()
    })
}

/// A header behind a colour (`ESC[31m2026/11/24 15:48:49 …`: gin's Recovery writes its
/// records in red). It starts a record, but its timestamp is not at the start of the line, so
/// it neither sets the clock nor lends a summary line its text.
fn coloured(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.literal(b"\x1b[")?;
    let params = sc.s[sc.i..]
        .iter()
        .take(16)
        .take_while(|&&b| b.is_ascii_digit() || b == b';')
        .count();
    sc.i += params;
    sc.byte(b'm')?;
    let rest = &line[sc.i..];
    if rest.first() == Some(&0x1b) {
        return None;
    }
    let inner = detect(rest)?;
    header(inner.format, 0, None)
}

/// gin's Logger: `[GIN] 2026/11/24 - 15:48:49 | 200 | …` (its default formatter). An access
/// line: a record of its own, which leaves the clock alone as the other access logs do.
fn gin_access(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.literal(b"[GIN] ")?;
    sc.digits(4)?;
    sc.byte(b'/')?;
    sc.digits(2)?;
    sc.byte(b'/')?;
    sc.digits(2)?;
    sc.literal(b" - ")?;
    sc.hms()?;
    sc.literal(b" |")?;
    header(Format::AccessLog, 0, None)
}

/// `HOST IDENT USER [dd/Mon/yyyy:HH:MM:SS +zone] "…` or Python's `HOST - - [dd/Mon/yyyy
/// HH:MM:SS] "…`: three tokens, then the bracketed date, then the quoted request.
fn access_log(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    for _ in 0..3 {
        let token = sc.s[sc.i..]
            .iter()
            .take(256)
            .take_while(|&&b| b > b' ' && b != b'[' && b != b'"')
            .count();
        if token == 0 {
            return None;
        }
        sc.i += token;
        sc.byte(b' ')?;
    }
    sc.byte(b'[')?;
    sc.digits_1_2()?;
    sc.byte(b'/')?;
    sc.month_name()?;
    sc.byte(b'/')?;
    sc.digits(4)?;
    if sc.byte(b':').is_none() {
        sc.byte(b' ')?;
    }
    sc.hms()?;
    let close = sc.s[sc.i..].iter().take(12).position(|&b| b == b']')?;
    sc.i += close + 1;
    sc.literal(b" \"")?;
    header(Format::AccessLog, 0, None)
}

/// A cursor over the start of a line, for the fixed-layout checks below.
struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn new(s: &'a [u8]) -> Self {
        Scan { s, i: 0 }
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let d = self.s.get(self.i..self.i + n)?;
        let mut value = 0;
        for &c in d {
            if !c.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(c - b'0');
        }
        self.i += n;
        Some(value)
    }

    /// One or two ASCII digits, as a number.
    fn digits_1_2(&mut self) -> Option<i64> {
        let v = self.digits(1)?;
        match self.digits(1) {
            Some(w) => Some(v * 10 + w),
            None => Some(v),
        }
    }

    /// Skips `[.,]` followed by one or more digits, if present.
    fn fraction(&mut self) {
        if matches!(self.s.get(self.i), Some(b'.' | b',')) {
            let start = self.i + 1;
            let mut j = start;
            while self.s.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j > start {
                self.i = j;
            }
        }
    }

    /// Three-letter English month name, as 1..=12.
    fn month_name(&mut self) -> Option<i64> {
        let n = match self.s.get(self.i..self.i + 3)? {
            b"Jan" => 1,
            b"Feb" => 2,
            b"Mar" => 3,
            b"Apr" => 4,
            b"May" => 5,
            b"Jun" => 6,
            b"Jul" => 7,
            b"Aug" => 8,
            b"Sep" => 9,
            b"Oct" => 10,
            b"Nov" => 11,
            b"Dec" => 12,
            _ => return None,
        };
        self.i += 3;
        Some(n)
    }

    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        self.s[self.i..]
            .starts_with(lit)
            .then(|| self.i += lit.len())
    }

    /// `HH:MM:SS`, as seconds of the day.
    fn hms(&mut self) -> Option<i64> {
        let h = self.digits(2)?;
        self.byte(b':')?;
        let m = self.digits(2)?;
        self.byte(b':')?;
        let s = self.digits(2)?;
        (h < 24 && m < 60 && s < 61).then_some(h * 3600 + m * 60 + s)
    }

    /// The line ends here or continues with a space (or a tab).
    fn at_boundary(&self) -> bool {
        matches!(self.s.get(self.i), None | Some(b' ' | b'\t'))
    }
}

/// Squid's and HAProxy's access lines (`header/access.rs`): no time at their start.
fn access_line(line: &[u8]) -> Option<Header> {
    (access::is_squid(line) || access::is_haproxy(line)).then_some(())?;
    header(Format::AccessLog, 0, None)
}

/// WebSphere's basic format (`header/liberty.rs`): `[12/6/26 20:52:17:123 UTC] …`.
fn liberty(line: &[u8]) -> Option<Header> {
    let (len, secs) = liberty::timestamp(line)?;
    header(Format::Liberty, len, Some(secs))
}

/// .NET's and Python's level-only lines (`header/levels.rs`): no time.
fn dotnet_level(line: &[u8]) -> Option<Header> {
    levels::is_dotnet(line).then_some(())?;
    header(Format::DotnetLevel, 0, None)
}

fn python_level(line: &[u8]) -> Option<Header> {
    levels::is_python(line).then_some(())?;
    header(Format::PythonLevel, 0, None)
}

fn header(format: Format, timestamp_len: usize, seconds: Option<i64>) -> Option<Header> {
    Some(Header {
        format,
        timestamp_len,
        seconds,
    })
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±hh[:]mm]`, with `date_sep` between the date parts.
fn ymd_hms(sc: &mut Scan<'_>, date_sep: u8, allow_t: bool) -> Option<i64> {
    let y = sc.digits(4)?;
    sc.byte(date_sep)?;
    let mo = sc.digits(2)?;
    sc.byte(date_sep)?;
    let d = sc.digits(2)?;
    if sc.byte(b' ').is_none() {
        if !allow_t {
            return None;
        }
        sc.byte(b'T')?;
    }
    let tod = sc.hms()?;
    sc.fraction();
    civil_seconds(y, mo, d, tod)
}

/// A time zone suffix directly after the time: `Z`, `+01:00`, `+0100`.
fn zone(sc: &mut Scan<'_>) {
    if sc.byte(b'Z').is_some() {
        return;
    }
    let save = sc.i;
    if matches!(sc.s.get(sc.i), Some(b'+' | b'-')) {
        sc.i += 1;
        let ok = sc.digits(2).is_some() && {
            sc.byte(b':');
            sc.digits(2).is_some()
        };
        if !ok {
            sc.i = save;
        }
    }
}

fn iso(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let secs = ymd_hms(&mut sc, b'-', true)?;
    zone(&mut sc);
    (sc.at_boundary() || stderrlog_level(&sc.s[sc.i..])).then_some(())?;
    header(Format::Iso, sc.i, Some(secs))
}

/// Jetty's StdErrLog puts its level right after the timestamp, between colons:
/// `2026-12-04 18:16:02.131:WARN:oejs.HttpChannel:qtp1134517053-16: /big`.
fn stderrlog_level(rest: &[u8]) -> bool {
    let Some(rest) = rest.strip_prefix(b":") else {
        return false;
    };
    let word = rest.iter().take_while(|b| b.is_ascii_uppercase()).count();
    (4..=7).contains(&word) && rest.get(word) == Some(&b':')
}

fn slash(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let secs = ymd_hms(&mut sc, b'/', false)?;
    sc.at_boundary().then_some(())?;
    header(Format::Slash, sc.i, Some(secs))
}

fn juli(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let d = sc.digits(2)?;
    sc.byte(b'-')?;
    let mo = sc.month_name()?;
    sc.byte(b'-')?;
    let y = sc.digits(4)?;
    sc.byte(b' ')?;
    let tod = sc.hms()?;
    sc.fraction();
    sc.at_boundary().then_some(())?;
    header(Format::Juli, sc.i, civil_seconds(y, mo, d, tod))
}

fn time_only(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let tod = sc.hms()?;
    // Require the milliseconds: a bare `12:00:00 ` is too common inside messages.
    if !matches!(sc.s.get(sc.i), Some(b'.' | b',')) {
        return None;
    }
    sc.fraction();
    (sc.byte(b' ').is_some()).then_some(())?;
    header(Format::TimeOnly, sc.i - 1, Some(tod))
}

/// `[` + an ISO or slash timestamp (optionally with a zone after a space) + `]`.
fn bracketed(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.byte(b'[')?;
    let start = sc.i;
    let secs = ymd_hms(&mut sc, b'-', true)
        .or_else(|| {
            sc.i = start;
            ymd_hms(&mut sc, b'/', false)
        })
        .or_else(|| {
            sc.i = start;
            dmy_hms(&mut sc)
        })?;
    zone(&mut sc);
    if sc.byte(b' ').is_some() {
        zone(&mut sc);
    }
    sc.byte(b']')?;
    header(Format::Bracketed, sc.i, Some(secs))
}

/// `[E 261204 18:15:10 web:1820] …`: tornado's LogFormatter (`%(levelname)1.1s`, then the
/// time as `%y%m%d %H:%M:%S`, then `module:line`).
fn tornado(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.byte(b'[')?;
    if !line.get(1)?.is_ascii_uppercase() {
        return None;
    }
    sc.i += 1;
    sc.byte(b' ')?;
    let y = sc.digits(2)?;
    let mo = sc.digits(2)?;
    let d = sc.digits(2)?;
    sc.byte(b' ')?;
    let tod = sc.hms()?;
    sc.byte(b' ')?;
    let close = line[sc.i..].iter().take(120).position(|&b| b == b']')?;
    let place = &line[sc.i..sc.i + close];
    if !place.contains(&b':') || place.contains(&b' ') {
        return None;
    }
    let secs = civil_seconds(2000 + y, mo, d, tod)?;
    // The clock's text is the time, without the level before it.
    header(Format::Tornado, sc.i + close + 1, Some(secs))
}

/// `24/Nov/2026 15:42:53`, or with `,687`: Django's `server_time` (its runserver's
/// `[{server_time}] {message}`; the milliseconds where a record had no server time set). Or
/// `24/Nov/2026:15:42:53`: CherryPy's error log.
fn dmy_hms(sc: &mut Scan<'_>) -> Option<i64> {
    let d = sc.digits_1_2()?;
    sc.byte(b'/')?;
    let mo = sc.month_name()?;
    sc.byte(b'/')?;
    let y = sc.digits(4)?;
    sc.byte(b' ').or_else(|| sc.byte(b':'))?;
    let tod = sc.hms()?;
    sc.fraction();
    civil_seconds(y, mo, d, tod)
}

/// `[Tue Nov 24 15:48:49.123456 2026]`.
fn apache(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    sc.byte(b'[')?;
    let day = line.get(1..4)?;
    if !day.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    sc.i += 3;
    sc.byte(b' ')?;
    let mo = sc.month_name()?;
    sc.byte(b' ')?;
    if sc.byte(b' ').is_some() {
        // `Nov  4`: a space-padded day.
    }
    let d = sc.digits_1_2()?;
    sc.byte(b' ')?;
    let tod = sc.hms()?;
    sc.fraction();
    sc.byte(b' ')?;
    let y = sc.digits(4)?;
    sc.byte(b']')?;
    header(Format::Apache, sc.i, civil_seconds(y, mo, d, tod))
}

/// `Nov 24, 2026 3:55:49 PM` (English SimpleFormatter).
fn jul_simple_en(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let mo = sc.month_name()?;
    sc.byte(b' ')?;
    jul_simple_rest(sc, mo, b"AM", b"PM")
}

/// `11月 24, 2026 3:56:49 下午` (SimpleFormatter under a Chinese locale).
fn jul_simple_zh(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let mo = sc.digits_1_2()?;
    sc.literal("月 ".as_bytes())?;
    jul_simple_rest(sc, mo, "上午".as_bytes(), "下午".as_bytes())
}

/// The part of a SimpleFormatter timestamp after the month: `24, 2026 3:55:49 PM`, with the
/// locale's words for before and after noon.
fn jul_simple_rest(mut sc: Scan<'_>, mo: i64, am: &[u8], pm: &[u8]) -> Option<Header> {
    let d = sc.digits_1_2()?;
    sc.literal(b", ")?;
    let y = sc.digits(4)?;
    sc.byte(b' ')?;
    let tod = twelve_hour_time(&mut sc)?;
    sc.byte(b' ')?;
    let after_noon = if sc.literal(pm).is_some() {
        true
    } else {
        sc.literal(am)?;
        false
    };
    sc.at_boundary().then_some(())?;
    header(
        Format::JulSimple,
        sc.i,
        civil_seconds(y, mo, d, am_pm(tod, after_noon)),
    )
}

/// `H:MM:SS` with a one- or two-digit hour 1..=12, as seconds (12 o'clock counted as 0).
fn twelve_hour_time(sc: &mut Scan<'_>) -> Option<i64> {
    let h = sc.digits_1_2()?;
    sc.byte(b':')?;
    let m = sc.digits(2)?;
    sc.byte(b':')?;
    let s = sc.digits(2)?;
    ((1..=12).contains(&h) && m < 60 && s < 61).then_some((h % 12) * 3600 + m * 60 + s)
}

fn am_pm(tod: i64, pm: bool) -> i64 {
    if pm { tod + 12 * 3600 } else { tod }
}

/// `Nov 24 15:35:04 host program[pid]: message` (the year is not logged; 2000 stands in).
fn syslog(line: &[u8]) -> Option<Header> {
    let mut sc = Scan::new(line);
    let mo = sc.month_name()?;
    sc.byte(b' ')?;
    sc.byte(b' ');
    let d = sc.digits_1_2()?;
    sc.byte(b' ')?;
    let tod = sc.hms()?;
    sc.byte(b' ')?;
    header(Format::Syslog, sc.i - 1, civil_seconds(2000, mo, d, tod))
}

/// `I, [2026-11-24T15:35:06.806120 #41]  INFO -- progname: …`: the severity's letter, then the
/// ISO time (microseconds) and the process id in brackets.
fn ruby_logger(line: &[u8]) -> Option<Header> {
    if !matches!(line.first(), Some(b'D' | b'I' | b'W' | b'E' | b'F' | b'A')) {
        return None;
    }
    let mut sc = Scan::new(line);
    sc.i = 1;
    sc.literal(b", [")?;
    let secs = ymd_hms(&mut sc, b'-', true)?;
    sc.literal(b" #")?;
    let pid = sc.s[sc.i..]
        .iter()
        .take(12)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (pid > 0).then_some(())?;
    sc.i += pid;
    sc.byte(b']')?;
    header(Format::RubyLogger, sc.i, Some(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(line: &str) -> Option<(Format, &str)> {
        detect(line.as_bytes()).map(|h| (h.format, &line[..h.timestamp_len]))
    }

    #[test]
    fn recognises_the_formats_of_the_corpus() {
        assert_eq!(
            ts("24-Nov-2026 15:35:04.806 WARNING [exec-9] x"),
            Some((Format::Juli, "24-Nov-2026 15:35:04.806"))
        );
        assert_eq!(
            ts("2026/11/24 15:48:49 [info] 1#1: *5 client"),
            Some((Format::Slash, "2026/11/24 15:48:49"))
        );
        assert_eq!(
            ts("2026-11-24 15:43:31,953 ERROR [Thread-20] x"),
            Some((Format::Iso, "2026-11-24 15:43:31,953"))
        );
        assert_eq!(
            ts("2026-11-24T15:43:31.953+01:00  ERROR 1 --- x"),
            Some((Format::Iso, "2026-11-24T15:43:31.953+01:00"))
        );
        assert_eq!(
            ts("[2026-11-24 15:45:25 +0000] [17215] [DEBUG] Ignoring EPIPE"),
            Some((Format::Bracketed, "[2026-11-24 15:45:25 +0000]"))
        );
        assert_eq!(
            ts("[24/Nov/2026 15:42:53] - Broken pipe from ('127.0.0.1', 51084)"),
            Some((Format::Bracketed, "[24/Nov/2026 15:42:53]"))
        );
        assert_eq!(
            ts("[24/Nov/2026 15:42:53,687] - Broken pipe from ('127.0.0.1', 51084)"),
            Some((Format::Bracketed, "[24/Nov/2026 15:42:53,687]"))
        );
        assert_eq!(
            ts("[24/Nov/2026:15:42:53] HTTP "),
            Some((Format::Bracketed, "[24/Nov/2026:15:42:53]"))
        );
        assert_eq!(
            ts("[E 261124 15:48:49 web:1820] Uncaught exception GET /big (127.0.0.1)"),
            Some((Format::Tornado, "[E 261124 15:48:49 web:1820]"))
        );
        assert_eq!(
            ts("[Tue Nov 24 15:48:49.123456 2026] [core:info] [pid 1] x"),
            Some((Format::Apache, "[Tue Nov 24 15:48:49.123456 2026]"))
        );
        assert_eq!(
            ts("[12/6/26 20:52:17:123 UTC] 0000004f com.example.ReportServlet E boom"),
            Some((Format::Liberty, "[12/6/26 20:52:17:123 UTC]"))
        );
        assert_eq!(
            ts("Nov 24, 2026 3:55:49 PM JdkServers lambda$main$2"),
            Some((Format::JulSimple, "Nov 24, 2026 3:55:49 PM"))
        );
        assert_eq!(
            ts("11月 24, 2026 3:56:49 下午 JdkServers lambda$main$2"),
            Some((Format::JulSimple, "11月 24, 2026 3:56:49 下午"))
        );
        assert_eq!(
            ts("Nov  4 15:35:04 web1 app[12]: x"),
            Some((Format::Syslog, "Nov  4 15:35:04"))
        );
        assert_eq!(
            ts("15:35:04.521 [main] ERROR x"),
            Some((Format::TimeOnly, "15:35:04.521"))
        );
        assert_eq!(
            ts("fail: Microsoft.AspNetCore.Server.Kestrel[13]"),
            Some((Format::DotnetLevel, ""))
        );
        assert_eq!(ts("ERROR:root:boom"), Some((Format::PythonLevel, "")));
        for uvicorn in [
            "ERROR:    Exception in ASGI application",
            "WARNING:  Invalid HTTP request received.",
            "INFO:     127.0.0.1:60208 - \"POST /upload HTTP/1.1\" 200 OK",
            "CRITICAL: boom",
        ] {
            assert_eq!(ts(uvicorn), Some((Format::PythonLevel, "")), "{uvicorn}");
        }
        assert_eq!(
            ts(
                "1796409061.159      4 127.0.0.1 TCP_MISS/200 351 GET http://localhost/x - FIRSTUP_PARENT/127.0.0.1 text/plain"
            ),
            Some((Format::AccessLog, ""))
        );
        assert_eq!(ts("1796409061.159 is not squid"), None);
        assert_eq!(
            ts("[I 261204 18:15:08 web:2293] 200 GET /x (127.0.0.1) 0.64ms"),
            Some((Format::Tornado, "[I 261204 18:15:08 web:2293]"))
        );
        assert_eq!(
            ts(
                "127.0.0.1:51458 [04/Dec/2026:18:05:05.742] lab app/app1 0/0/0/0/0 200 234 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""
            ),
            Some((Format::AccessLog, ""))
        );
        for not_one in ["ERROR: boom", "INFO:      too far", "ERROR:    "] {
            assert_eq!(ts(not_one), None, "{not_one}");
        }
        assert_eq!(
            ts("2026-12-04 18:16:02.131:WARN:oejs.HttpChannel:qtp1134517053-16: /big"),
            Some((Format::Iso, "2026-12-04 18:16:02.131"))
        );
    }

    #[test]
    fn access_log_lines_start_records_but_leave_the_clock_alone() {
        for line in [
            "127.0.0.1 - - [24/Nov/2026 15:42:53] \"GET / HTTP/1.1\" 200 -",
            "203.0.113.7 - - [24/Nov/2026:00:00:14 +0000] \"GET /a.js HTTP/1.1\" 200 1040 \"-\" \"x\"",
            "2001:db8::1 - alice [4/Nov/2026:10:00:00 -0700] \"POST /api HTTP/2.0\" 500 0",
            "www.example.com - - [24/Nov/2026:00:00:14 +0000] \"GET / HTTP/1.0\" 304 0",
        ] {
            let h = detect(line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(
                (h.format, h.timestamp_len, h.seconds),
                (Format::AccessLog, 0, None)
            );
        }
    }

    #[test]
    fn ruby_logger_lines_carry_their_severity_and_pid_in_the_timestamp() {
        assert_eq!(
            ts("I, [2026-12-04T18:38:51.414219 #16245]  INFO -- : LAB PHASE ok"),
            Some((Format::RubyLogger, "I, [2026-12-04T18:38:51.414219 #16245]"))
        );
        assert_eq!(
            ts("F, [2026-11-24T15:35:06.806120 #41] FATAL -- : [5c1e7a2b] Errno::EPIPE"),
            Some((Format::RubyLogger, "F, [2026-11-24T15:35:06.806120 #41]"))
        );
        for line in [
            "X, [2026-12-04T18:38:51.414219 #1] INFO -- : x",
            "I, [2026-12-04T18:38:51 #] x",
            "I, [not a time]",
        ] {
            assert_eq!(detect(line.as_bytes()).map(|h| h.format), None, "{line}");
        }
    }

    #[test]
    fn gin_access_lines_and_coloured_headers_start_records_but_leave_the_clock_alone() {
        let gin = "[GIN] 2026/12/04 - 18:11:53 | 200 |    4.750475ms |       127.0.0.1 | GET      \"/big\"";
        let h = detect(gin.as_bytes()).unwrap();
        assert_eq!(
            (h.format, h.timestamp_len, h.seconds),
            (Format::AccessLog, 0, None)
        );
        let red = "\x1b[31m2026/12/04 18:11:53 write tcp 127.0.0.1:8080->127.0.0.1:54682: write: broken pipe";
        let h = detect(red.as_bytes()).unwrap();
        assert_eq!(
            (h.format, h.timestamp_len, h.seconds),
            (Format::Slash, 0, None)
        );
        for line in [
            "\x1b[0m",
            "\x1b[31m",
            "\x1b[31m\x1b[1m2026/12/04 18:11:53 x",
            "[GIN-debug] GET /small",
        ] {
            assert_eq!(detect(line.as_bytes()), None, "{line:?}");
        }
    }

    #[test]
    fn rejects_lines_that_only_look_like_headers() {
        for line in [
            "java.io.IOException: Broken pipe",
            "\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)",
            "127.0.0.1 - - [24/Nov/2026 15:42:53] not a request",
            "SEVERE: Quote service call failed",
            "WARNING: Streaming /stream to /127.0.0.1:58614 failed",
            "2026-13-24 15:43:31 month thirteen",
            "2026-11-24 25:43:31 hour twenty-five",
            "2026-11-2415:43:31",
            "12:00:00 no milliseconds",
            "2026-11-24 15:43:31:x not a StdErrLog level",
            "2026-11-24 15:43:31:WARNING-no-colon",
            "",
        ] {
            assert_eq!(detect(line.as_bytes()), None, "{line:?}");
        }
    }

    #[test]
    fn clock_seconds_follow_the_calendar() {
        let secs = |l: &str| detect(l.as_bytes()).unwrap().seconds.unwrap();
        assert_eq!(secs("1970-01-01 00:00:00 x"), 0);
        assert_eq!(secs("2026-11-24 15:35:04 x"), 1_795_534_504);
        assert_eq!(
            secs("24-Nov-2026 15:35:04.521 INFO x"),
            secs("2026-11-24 15:35:04 x")
        );
        assert_eq!(
            secs("Nov 24, 2026 3:35:04 PM x"),
            secs("2026-11-24 15:35:04 x")
        );
        assert_eq!(
            secs("Nov 24, 2026 12:10:00 AM x"),
            secs("2026-11-24 00:10:00 x")
        );
    }
}
