//! What a record says about where it happened: the endpoint, the client, the application frame,
//! the thread; and what kind of abort it is.
//!
//! Each reader looks for one well-known shape and gives up quietly otherwise: a report is
//! about counts, and a field that a log format does not carry is simply absent.
//!
//! The squash stage reads these once per squashed record ([`abort`]); the ledger counts them
//! into its summary lines and `report` into its lists, so a report over a squashed log and over
//! the original read the very same values. Every value is at most [`MAX_VALUE`] bytes, so what
//! either keeps per value is bounded.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use aho_corasick::packed::Searcher;
use memchr::memmem::Finder;

// Searchers built once: these run on every record, and `memmem::find` would build its searcher
// on every call.
static SERVLET: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("for servlet ["));
static CONTEXT: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("context with path ["));
static IN_FUNCTION: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(", in "));
static CLIENT: LazyLock<Fixed> =
    LazyLock::new(|| packed(&["client: ", "[client ", "request from ('"]));
static PYTHON_LIBRARY: LazyLock<AhoCorasick> =
    LazyLock::new(|| fixed(&["/lib/python", "site-packages", "dist-packages"]));
/// The wordings of each kind, in one automaton: the first four are Windows', then five of a
/// broken pipe (Go writes its own errno texts, in lower case), then three of a reset.
static KINDS: LazyLock<Fixed> = LazyLock::new(|| {
    packed(&[
        "10053",
        "Software caused connection abort",
        "WSAECONNABORTED",
        "established connection was aborted",
        "Broken pipe",
        "broken pipe",
        "EPIPE",
        "[Errno 32]",
        "(32: ",
        "onnection reset",
        "ECONNRESET",
        "[Errno 104]",
    ])
});
/// Frames that send a file: Tomcat's `DefaultServlet`, Spring's resource handler, `sendfile`,
/// `transferTo`, Netty's `FileRegion`, Python's `copyfileobj`.
static FILE_FRAMES: LazyLock<Fixed> = LazyLock::new(|| {
    packed(&[
        "DefaultServlet.",
        "ResourceHttpRequestHandler",
        "sendfile(",
        "sendfile0",
        "transferTo",
        "copyRange",
        "FileRegion",
        "copyfileobj",
        "StreamingResponseBody",
    ])
});
/// [`PLATFORM`] by first byte: most frames of a trace are the platform's, and each is asked,
/// so each is compared with the few prefixes that can match rather than all of them.
static PLATFORM_BY_BYTE: LazyLock<Vec<Vec<&'static [u8]>>> = LazyLock::new(|| {
    let mut by = vec![Vec::new(); 256];
    for p in PLATFORM {
        by[usize::from(p.as_bytes()[0])].push(p.as_bytes());
    }
    by
});

/// Whether a frame's name starts with one of [`PLATFORM`].
fn is_platform(name: &[u8]) -> bool {
    name.first().is_some_and(|&b| {
        PLATFORM_BY_BYTE[usize::from(b)]
            .iter()
            .any(|p| name.starts_with(p))
    })
}

/// A few fixed strings, none overlapping another, searched leftmost first: these run on every
/// squashed record, over its first lines or its whole trace. A SIMD searcher is fastest over
/// long texts, where an automaton stepping byte by byte costs as much as deciding the record;
/// over a short one its start-up dominates, and the automaton is faster.
pub(crate) struct Fixed {
    packed: Searcher,
    dfa: AhoCorasick,
}

/// Texts at least this long go to the SIMD searcher.
const PACKED_FROM: usize = 256;

impl Fixed {
    /// Calls `f` with each occurrence's pattern and end, left to right, while it returns true.
    fn each(&self, text: &[u8], mut f: impl FnMut(usize, usize) -> bool) {
        if text.len() >= PACKED_FROM {
            for m in self.packed.find_iter(text) {
                if !f(m.pattern().as_usize(), m.end()) {
                    return;
                }
            }
        } else {
            for m in self.dfa.find_iter(text) {
                if !f(m.pattern().as_usize(), m.end()) {
                    return;
                }
            }
        }
    }

    /// The first occurrence: its pattern and end.
    fn find(&self, text: &[u8]) -> Option<(usize, usize)> {
        let mut found = None;
        self.each(text, |p, end| {
            found = Some((p, end));
            false
        });
        found
    }
}

fn packed(needles: &[&str]) -> Fixed {
    Fixed {
        packed: aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(needles)
            .build()
            .expect("a few fixed strings always make a packed searcher"),
        dfa: aho_corasick::AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(needles)
            .expect("fixed strings always compile"),
    }
}

/// An automaton for a few fixed strings: a DFA, as it runs over short texts where the
/// packed searchers cannot start.
pub(crate) fn fixed(needles: &[&str]) -> AhoCorasick {
    aho_corasick::AhoCorasickBuilder::new()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(needles)
        .expect("fixed strings always compile")
}

/// The part of a record the readers look at: its first line (without the timestamp) carries
/// the request, client and thread; its frames carry the application frame. Traces are long,
/// so only this many lines are read for frames.
const FRAME_LINES: usize = 200;

/// The longest value of a field, in bytes (cut at a character): long enough for any real
/// request path, frame or thread name, short enough that a summary line stays readable.
pub const MAX_VALUE: usize = 120;

/// Fields read from one record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    pub endpoint: Option<String>,
    pub client: Option<String>,
    pub frame: Option<String>,
    pub thread: Option<String>,
}

impl Fields {
    /// The four fields in the order lists are shown and written: endpoint, client, application
    /// frame, thread.
    pub fn values(&self) -> [Option<&str>; 4] {
        [
            self.endpoint.as_deref(),
            self.client.as_deref(),
            self.frame.as_deref(),
            self.thread.as_deref(),
        ]
    }

    /// The four fields, in the order of [`Fields::values`], to fill in.
    pub fn slots(&mut self) -> [&mut Option<String>; 4] {
        [
            &mut self.endpoint,
            &mut self.client,
            &mut self.frame,
            &mut self.thread,
        ]
    }
}

/// Reads the fields of `record`, whose first line's timestamp is `timestamp_len` bytes long.
pub fn read(record: &[u8], timestamp_len: usize) -> Fields {
    let first_end = memchr::memchr(b'\n', record).unwrap_or(record.len());
    let first = trim_eol(&record[..first_end]);
    let after_ts = &first[timestamp_len.min(first.len())..];
    let bounded = |v: Option<String>| v.map(truncate);
    Fields {
        endpoint: bounded(endpoint(record, first)),
        client: bounded(client(record, first)),
        frame: bounded(app_frame(record)),
        thread: bounded(thread(after_ts)),
    }
}

/// `s` cut to at most [`MAX_VALUE`] bytes, at a character boundary.
fn truncate(mut s: String) -> String {
    if s.len() > MAX_VALUE {
        let mut cut = MAX_VALUE;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// What one squashed record says: where, and what kind of abort.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Abort {
    pub fields: Fields,
    pub kind: Kind,
    /// A broken pipe while sending a file or a large download (see [`is_download`]).
    pub download: bool,
}

impl Default for Abort {
    fn default() -> Self {
        Abort {
            fields: Fields::default(),
            kind: Kind::Other,
            download: false,
        }
    }
}

/// Reads what a squashed record says. `timestamp_len` is its first line's timestamp length;
/// `headline` and `group` are those the squash stage found (the wording is in them, and in
/// the first line; the frames never say).
pub fn abort(record: &[u8], timestamp_len: usize, headline: &[u8], group: &[u8]) -> Abort {
    let fields = read(record, timestamp_len);
    let first = trim_eol(&record[..memchr::memchr(b'\n', record).unwrap_or(record.len())]);
    let kind = kind(&[first, headline, group]);
    let download = kind == Kind::BrokenPipe && is_download(record, fields.endpoint.as_deref());
    Abort {
        fields,
        kind,
        download,
    }
}

/// How many aborts of each kind. Every count is exact: each record has exactly one kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Kinds {
    pub resets: u64,
    pub broken_pipes: u64,
    pub windows_aborts: u64,
    pub other: u64,
    /// Of `broken_pipes`, those that were sending a file or a large download.
    pub broken_pipes_on_downloads: u64,
}

impl Kinds {
    /// Counts one record of kind `kind`.
    pub fn count(&mut self, kind: Kind, download: bool) {
        match kind {
            Kind::Reset => self.resets += 1,
            Kind::BrokenPipe => {
                self.broken_pipes += 1;
                self.broken_pipes_on_downloads += u64::from(download);
            }
            Kind::WindowsAbort => self.windows_aborts += 1,
            Kind::Other => self.other += 1,
        }
    }

    pub fn add(&mut self, o: &Kinds) {
        self.resets = self.resets.saturating_add(o.resets);
        self.broken_pipes = self.broken_pipes.saturating_add(o.broken_pipes);
        self.windows_aborts = self.windows_aborts.saturating_add(o.windows_aborts);
        self.other = self.other.saturating_add(o.other);
        self.broken_pipes_on_downloads = self
            .broken_pipes_on_downloads
            .saturating_add(o.broken_pipes_on_downloads);
    }

    /// Records counted, of all kinds (downloads are among the broken pipes).
    pub fn total(&self) -> u64 {
        self.resets
            .saturating_add(self.broken_pipes)
            .saturating_add(self.windows_aborts)
            .saturating_add(self.other)
    }
}

/// The request or servlet: nginx's `request: "GET /x HTTP/1.1"`, an access-log style
/// `"GET /x HTTP/1.1"`, or Tomcat's `for servlet [name] in context with path [/ctx]`.
/// Query strings are dropped: they differ per request and would split the count.
fn endpoint(record: &[u8], first: &[u8]) -> Option<String> {
    if let Some(at) = SERVLET.find(first) {
        let rest = &first[at + b"for servlet [".len()..];
        let name = &rest[..memchr::memchr(b']', rest)?];
        let path = CONTEXT.find(rest).and_then(|p| {
            let r = &rest[p + b"context with path [".len()..];
            Some(&r[..memchr::memchr(b']', r)?])
        });
        return Some(match path {
            Some(p) if !p.is_empty() => format!("servlet {} [{}]", text(name), text(p)),
            _ => format!("servlet {}", text(name)),
        });
    }
    // A quoted request line, on the first line or (Apache, Jetty request logs) anywhere early.
    let head = &record[..record.len().min(4096)];
    let mut from = 0;
    while let Some(q) = memchr::memchr(b'"', &head[from..]) {
        let start = from + q + 1;
        let rest = &head[start..];
        if let Some((method, path)) = request_line(rest) {
            return Some(format!("{method} {path}"));
        }
        from = start;
        if from >= first.len() {
            break;
        }
    }
    None
}

/// `METHOD /path[?query] HTTP/x` at the start of `s`.
fn request_line(s: &[u8]) -> Option<(&str, String)> {
    const METHODS: [&str; 9] = [
        "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    let method = METHODS
        .iter()
        .find(|m| s.starts_with(m.as_bytes()) && s.get(m.len()) == Some(&b' '))?;
    let rest = &s[method.len() + 1..];
    let end = rest
        .iter()
        .position(|&b| b == b' ' || b == b'"')
        .unwrap_or(rest.len());
    let target = &rest[..end];
    if !target.starts_with(b"/") && !target.starts_with(b"http") {
        return None;
    }
    let path = target.split(|&b| b == b'?').next().unwrap_or(target);
    Some((method, text(&path[..path.len().min(200)])))
}

/// The client's address: nginx `client: 1.2.3.4,`, Apache `[client 1.2.3.4:5678]`, Python's
/// `request from ('127.0.0.1', 39826)`, or an access-log line that starts with an address.
/// Ports are dropped: every connection has its own.
fn client(record: &[u8], first: &[u8]) -> Option<String> {
    // The first three lines: Python's socketserver names the client on the line after its
    // dashes.
    let end = memchr::memchr_iter(b'\n', record)
        .nth(2)
        .map_or(record.len(), |i| i + 1);
    let head = &record[..end.min(4096)];
    if let Some((_, end)) = CLIENT.find(head) {
        let addr = address(&head[end..]);
        if !addr.is_empty() {
            return Some(text(addr));
        }
    }
    let addr = address(first);
    (addr.len() >= 7
        && first.get(addr.len()) == Some(&b' ')
        && memchr::memchr(b'"', first).is_some())
    .then(|| text(addr))
}

/// An IPv4 or IPv6 address at the start of `s`, without a port.
fn address(s: &[u8]) -> &[u8] {
    let len = s
        .iter()
        .take_while(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b':'))
        .count();
    let addr = &s[..len];
    let dots = addr.iter().filter(|&&b| b == b'.').count();
    if dots == 3 {
        // IPv4, maybe with `:port`.
        let end = memchr::memchr(b':', addr).unwrap_or(addr.len());
        let v4 = &addr[..end];
        return if v4.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
            v4
        } else {
            &[]
        };
    }
    if addr.iter().filter(|&&b| b == b':').count() >= 2 && dots == 0 {
        return addr;
    }
    &[]
}

/// Packages of servers, frameworks, drivers, clients, the JDK and languages' standard
/// libraries: the first frame outside them is the application's.
const PLATFORM: [&str; 42] = [
    "java.",
    "javax.",
    "jakarta.",
    "jdk.",
    "sun.",
    "com.sun.",
    "org.apache.",
    "io.netty.",
    "reactor.",
    "org.springframework.",
    "org.eclipse.jetty.",
    "io.undertow.",
    "org.xnio.",
    "kotlin.",
    "kotlinx.",
    "scala.",
    "akka.",
    "io.grpc.",
    "org.glassfish.",
    "com.google.",
    "io.micrometer.",
    "org.jboss.",
    "com.fasterxml.",
    "ch.qos.logback.",
    "org.slf4j.",
    "com.mysql.",
    "org.mariadb.",
    "org.postgresql.",
    "oracle.jdbc.",
    "com.zaxxer.",
    "org.hibernate.",
    "redis.clients.",
    "io.lettuce.",
    "okhttp3.",
    "okio.",
    "feign.",
    "io.vertx.",
    "io.quarkus.",
    "io.micronaut.",
    "com.mongodb.",
    "org.mongodb.",
    "net.bytebuddy.",
];

/// The first application frame: for Java, the innermost `at` frame outside `PLATFORM`
/// (`com.shop.ExportServlet.doGet`); for Python, the innermost `File` frame outside the
/// standard library and site-packages (`/srv/app/views.py in download`).
pub fn app_frame(record: &[u8]) -> Option<String> {
    let mut python: Option<&[u8]> = None;
    let mut start = 0;
    for _ in 0..FRAME_LINES {
        if start > record.len() {
            break;
        }
        let end = memchr::memchr(b'\n', &record[start..]).map_or(record.len(), |i| start + i);
        let line = &record[start..end];
        start = end + 1;
        let t = trim_eol(line).trim_ascii_start();
        if let Some(rest) = t.strip_prefix(b"at ") {
            // `at java.base/sun.nio.ch.IOUtil.write(IOUtil.java:97)`: drop the module.
            let call = &rest[..memchr::memchr(b'(', rest).unwrap_or(rest.len())];
            let call = match memchr::memchr(b'/', call) {
                Some(slash) => &call[slash + 1..],
                None => call,
            };
            if !call.is_empty() && memchr::memchr(b'.', call).is_some() && !is_platform(call) {
                return Some(text(call));
            }
        } else if let Some(rest) = t.strip_prefix(b"File \"")
            && memchr::memchr(b'"', rest).is_some_and(|q| {
                let path = &rest[..q];
                !(PYTHON_LIBRARY.is_match(path) || path.starts_with(b"<"))
            })
        {
            // The innermost one outside the standard library and site-packages wins.
            python = Some(rest);
        }
    }
    let rest = python?;
    let path = &rest[..memchr::memchr(b'"', rest)?];
    let func = IN_FUNCTION.find(rest).map(|i| &rest[i + 5..]);
    Some(match func {
        Some(f) => format!("{} in {}", text(path), text(f)),
        None => text(path),
    })
}

/// Level words that also appear in brackets and are not threads.
const LEVELS: [&str; 12] = [
    "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "SEVERE", "FINE", "FINER", "FINEST",
    "CONFIG", "FATAL",
];

/// The thread: the first `[name]` on the header line that is not a level, a pid or a
/// timestamp (Tomcat's `SEVERE [http-nio-8080-exec-2]`, logback's `[main]`). A timestamp the
/// header grammar does not know is skipped too: a bracket that starts with a digit and holds a
/// `:` is a clock time (HAProxy's `[04/Dec/2026:18:04:48.262]`), never a thread's name.
fn thread(after_ts: &[u8]) -> Option<String> {
    let mut rest = &after_ts[..after_ts.len().min(300)];
    while let Some(open) = memchr::memchr(b'[', rest) {
        let inner = &rest[open + 1..];
        let close = memchr::memchr(b']', inner)?;
        let name = &inner[..close];
        rest = &inner[close + 1..];
        let is_time = name.first().is_some_and(u8::is_ascii_digit) && name.contains(&b':');
        let is_thread = !name.is_empty()
            && !is_time
            && name.iter().any(u8::is_ascii_alphabetic)
            && !name.contains(&b' ')
            && !LEVELS
                .iter()
                .any(|l| l.as_bytes().eq_ignore_ascii_case(name));
        if is_thread {
            return Some(text(name));
        }
    }
    None
}

/// What the peer did, as the operating system reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// ECONNRESET: the peer sent a reset (closed with data unread, or a middlebox gave up).
    Reset,
    /// EPIPE: we wrote after the peer had closed.
    BrokenPipe,
    /// WSAECONNABORTED (10053): Windows' own stack aborted the connection.
    WindowsAbort,
    /// Something else (nginx's `client prematurely closed connection`, an EOF).
    Other,
}

/// Tells the kind from the record's wording: its first line, headline and exception chain
/// (small, where the wording is; the frames never say).
pub fn kind(texts: &[&[u8]]) -> Kind {
    // Windows' own wording wins over the pipe or reset it may also name. The wordings do not
    // overlap one another, so a leftmost search (which can skip ahead) sees every one there is.
    let mut best = Kind::Other;
    for (i, t) in texts.iter().enumerate() {
        // A one-line record's headline and group are often the end of its first line: read
        // once.
        if texts[..i].iter().any(|before| before.ends_with(t)) {
            continue;
        }
        let mut windows = false;
        KINDS.each(t, |pattern, end| {
            let k = match pattern {
                // A bare number: Windows' code only where it is written as a code.
                0 if !is_windows_code(t, end) => return true,
                0..=3 => {
                    windows = true;
                    return false;
                }
                4..=8 => Kind::BrokenPipe,
                _ => Kind::Reset,
            };
            if best == Kind::Other || k == Kind::BrokenPipe {
                best = k;
            }
            true
        });
        if windows {
            return Kind::WindowsAbort;
        }
    }
    best
}

/// Whether the `10053` ending at `end` is Windows' error code: `SocketException (10053)`,
/// `[WinError 10053]`, `failed (10053: …)`, `error 10053`, not a connection number (`*10053`),
/// a path (`/item/10053`), a port or part of a longer number.
fn is_windows_code(t: &[u8], end: usize) -> bool {
    const BEFORE: [&[u8]; 7] = [
        b"(", b"rror ", b"rror=", b"rrno ", b"rrno=", b"code ", b"code=",
    ];
    let before = &t[..end - 5];
    !t.get(end).is_some_and(u8::is_ascii_digit) && BEFORE.iter().any(|b| before.ends_with(b))
}

/// Whether the record shows a file or large download being sent: file-serving frames
/// (Tomcat's `DefaultServlet`, Spring's resource handler, `sendfile`, `transferTo`) or a
/// request for a file type that is usually large.
pub fn is_download(record: &[u8], endpoint: Option<&str>) -> bool {
    const LARGE: [&str; 18] = [
        ".zip", ".tar", ".gz", ".tgz", ".iso", ".img", ".bin", ".mp4", ".mkv", ".mov", ".webm",
        ".mp3", ".pdf", ".csv", ".xlsx", ".exe", ".dmg", ".apk",
    ];
    let head = &record[..record.len().min(64 * 1024)];
    FILE_FRAMES.find(head).is_some()
        || endpoint.is_some_and(|e| {
            let e = e.to_ascii_lowercase();
            LARGE.iter().any(|x| e.ends_with(x)) || e.contains("download") || e.contains("export")
        })
}

fn trim_eol(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Bytes as text for a report (lossy: a report is for reading).
pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_names_request_and_client() {
        let r = b"2026/11/24 15:48:48 [info] 20760#20760: *2 recv() failed (104: Connection reset by peer), client: 127.0.0.1, server: localhost, request: \"POST /app/upload?id=7 HTTP/1.1\", host: \"localhost\"\n";
        let f = read(r, 19);
        assert_eq!(f.endpoint.as_deref(), Some("POST /app/upload"));
        assert_eq!(f.client.as_deref(), Some("127.0.0.1"));
        assert_eq!(f.thread, None);
        assert_eq!(kind(&[r]), Kind::Reset);
    }

    #[test]
    fn tomcat_names_servlet_thread_and_app_frame() {
        let r = b"24-Nov-2026 15:35:04.398 SEVERE [http-nio-127.0.0.1-18080-exec-2] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [stream-servletexc] in context with path [/app] threw exception\n\
            \torg.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe\n\
            \t\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)\n\
            \t\tat realogs.StreamServlet.doGet(StreamServlet.java:63)\n\
            \t\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)\n";
        let f = read(r, 24);
        assert_eq!(
            f.endpoint.as_deref(),
            Some("servlet stream-servletexc [/app]")
        );
        assert_eq!(f.thread.as_deref(), Some("http-nio-127.0.0.1-18080-exec-2"));
        assert_eq!(f.frame.as_deref(), Some("realogs.StreamServlet.doGet"));
        assert_eq!(kind(&[r]), Kind::BrokenPipe);
    }

    #[test]
    fn python_names_client_and_innermost_application_frame() {
        let r = b"Exception occurred during processing of request from ('127.0.0.1', 39826)\n\
            Traceback (most recent call last):\n\
            \x20 File \"/usr/lib/python3.11/socketserver.py\", line 691, in process_request_thread\n\
            \x20 File \"/srv/app/server.py\", line 40, in do_GET\n\
            \x20 File \"/usr/lib/python3.11/socket.py\", line 723, in write\n\
            BrokenPipeError: [Errno 32] Broken pipe\n";
        let f = read(r, 0);
        assert_eq!(f.client.as_deref(), Some("127.0.0.1"));
        assert_eq!(f.frame.as_deref(), Some("/srv/app/server.py in do_GET"));
        assert_eq!(kind(&[r]), Kind::BrokenPipe);
    }

    #[test]
    fn go_writes_its_errno_texts_in_lower_case() {
        let pipe = b"2026/12/04 18:04:50 download /big-len: readfrom tcp 127.0.0.1:8080->127.0.0.1:59538: sendfile: broken pipe\n";
        assert_eq!(kind(&[pipe]), Kind::BrokenPipe);
        let reset = b"2026/12/04 18:05:02 upload: read tcp 127.0.0.1:8080->127.0.0.1:57892: read: connection reset by peer\n";
        assert_eq!(kind(&[reset]), Kind::Reset);
    }

    #[test]
    fn a_bracketed_clock_time_is_no_thread() {
        let r = b"127.0.0.1:42318 [04/Dec/2026:18:04:48.262] lab app/app1 0/0/0/0/1 200 1081394 - - CD-- 1/1/0/0/0 0/0 {} \"GET /big HTTP/1.1\"\n";
        let f = read(r, 0);
        assert_eq!(f.thread, None);
        assert_eq!(f.endpoint.as_deref(), Some("GET /big"));
    }

    #[test]
    fn windows_wording_is_its_own_kind() {
        let r = b"System.IO.IOException: Unable to write data to the transport connection: An established connection was aborted by the software in your host machine.\n ---> System.Net.Sockets.SocketException (10053): An established connection was aborted\n";
        assert_eq!(kind(&[r]), Kind::WindowsAbort);
        for code in [
            &b"ConnectionAbortedError: [WinError 10053] An established connection was aborted"[..],
            b"WSASend() failed (10053: An established connection was aborted by the software)",
            b"write failed with error 10053",
        ] {
            assert_eq!(
                kind(&[code]),
                Kind::WindowsAbort,
                "{}",
                String::from_utf8_lossy(code)
            );
        }
    }

    #[test]
    fn a_number_10053_elsewhere_in_a_record_is_not_windows() {
        let r = b"2026/11/24 15:48:49 [info] 1#1: *10053 client prematurely closed connection while sending response to client, client: 10.0.39.69, request: \"GET /item/10053 HTTP/1.1\", port 100531";
        assert_eq!(kind(&[r]), Kind::Other);
        let r = b"java.io.IOException: Broken pipe (sent 10053 bytes)";
        assert_eq!(kind(&[r]), Kind::BrokenPipe);
    }

    #[test]
    fn platform_frames_are_those_under_the_listed_packages() {
        for p in PLATFORM {
            assert!(is_platform(format!("{p}Foo.bar").as_bytes()), "{p}");
            let short = &p[..p.len() - 1];
            assert!(!is_platform(format!("{short}_Foo.bar").as_bytes()), "{p}");
        }
        assert!(!is_platform(b"realogs.StreamServlet.doGet"));
        assert!(!is_platform(b""));
    }

    #[test]
    fn downloads_are_told_by_frames_or_file_type() {
        assert!(is_download(b"\tat org.apache.catalina.servlets.DefaultServlet.copyRange(DefaultServlet.java:2400)\n", None));
        assert!(is_download(b"x\n", Some("GET /files/big.iso")));
        assert!(!is_download(b"x\n", Some("GET /api/orders")));
    }
}
