//! A log's shape (its prefix kind and colour escapes), told from its first lines, and each
//! line's parts: prefix, stream, and the server's own text.

use super::kinds::{Kind, Split};
use crate::structured::Profile;

/// How one log's lines are read: a prefix kind, colour escapes, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// `None`: no prefix (only colours, if `colour` says so).
    pub prefix: Option<Kind>,
    pub colour: Colour,
    /// A JSON-lines log's writer: each line one record, read as the text that writer's
    /// plain-text logger would have written (see [`crate::structured::profile`]).
    pub json: Option<&'static Profile>,
}

/// Colour escapes to take out of the server's text before the record grammar reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    None,
    /// `ESC [ … m` (and the other CSI sequences a console writes).
    Escapes,
    /// The same with the ESC byte lost, as in a log pasted through a web form: `[33m`.
    Bare,
}

impl Shape {
    /// Lines as they are: nothing to take off.
    pub const PLAIN: Shape = Shape {
        prefix: None,
        colour: Colour::None,
        json: None,
    };

    /// Whether there is anything to take off a line.
    pub fn is_plain(&self) -> bool {
        *self == Shape::PLAIN
    }

    /// The line's parts: `line` with its terminator, `out` the server's text (reused).
    pub fn clean(&self, line: &[u8], out: &mut Vec<u8>) -> Clean {
        out.clear();
        let body_len = line.strip_suffix(b"\n").map_or(line.len(), <[u8]>::len);
        let body = &line[..body_len];
        if let Some(p) = self.json
            && self.prefix.is_none()
        {
            return structured(p, line, body_len, out);
        }
        if self.prefix == Some(Kind::DockerJson)
            && let Some(c) = self.decoded(body, out)
        {
            return c;
        }
        let split = self
            .prefix
            .and_then(|k| k.split(body).or_else(|| self.split_coloured(k, body)))
            .unwrap_or(Split::plain(0, 0..0));
        // rsyslog's `message repeated N times: [ … ]` stands for earlier messages, and is a
        // record of its own (`report` counts the repeats): read whole, apart from the stream.
        let split = if matches!(self.prefix, Some(Kind::Syslog | Kind::Syslog5424))
            && body[split.end..].starts_with(b"message repeated ")
        {
            Split::plain(0, 0..0)
        } else {
            split
        };
        let text = &body[split.end..];
        match self.colour {
            Colour::None => out.extend_from_slice(text),
            Colour::Escapes => strip_escapes(text, out),
            Colour::Bare => strip_bare(text, out),
        }
        // rsyslog writes a message's control characters as `#` and three octal digits: a
        // trace logged as one message is one line, its line ends `#012`, its tabs `#011`.
        if matches!(self.prefix, Some(Kind::Syslog | Kind::Syslog5424))
            && memchr::memmem::find(out, b"#01").is_some()
        {
            unescape_octal(out);
        }
        // The line's own terminator, except where the runtime cut the line (CRI `P`): the text
        // goes on in the stream's next line.
        if !split.partial {
            out.extend_from_slice(&line[body_len..]);
        }
        Clean {
            prefix_len: split.end,
            stream: split.stream,
            partial: split.partial,
            prefixed: self.prefix.is_none() || split.end > 0,
        }
    }
}

impl Shape {
    /// The prefix of a line whose prefix is coloured too (`docker compose logs` colours each
    /// service's name and bar: `ESC[36mweb-1  |ESC[0m `): found in the line with its colours
    /// taken out, and its places given in the line as it came (an escape at the prefix's end
    /// is the prefix's).
    fn split_coloured(&self, kind: Kind, body: &[u8]) -> Option<Split> {
        if self.colour == Colour::None || kind == Kind::DockerJson {
            return None;
        }
        let mut kept = Vec::new();
        segments(self.colour, body, |r| kept.push(r));
        let mut text = Vec::with_capacity(body.len());
        for r in &kept {
            text.extend_from_slice(&body[r.clone()]);
        }
        let split = kind.split(&text)?;
        // Where byte `at` of `text` came from: the start of the segment it begins.
        let raw = |at: usize| {
            let mut seen = 0;
            for r in &kept {
                if at < seen + r.len() {
                    return r.start + (at - seen);
                }
                seen += r.len();
            }
            body.len()
        };
        // A stream's name ends after its last byte, not at the escape behind it.
        let end_of = |at: usize| if at == 0 { raw(0) } else { raw(at - 1) + 1 };
        Some(Split {
            end: raw(split.end),
            stream: raw(split.stream.start)..end_of(split.stream.end).max(raw(split.stream.start)),
            partial: split.partial,
        })
    }

    /// A json-file line's text, decoded into `out` (colours taken out); `None` if it is not
    /// one (it is then read whole, as a line of its own stream).
    fn decoded(&self, body: &[u8], out: &mut Vec<u8>) -> Option<Clean> {
        let f = super::json::fields(body)?;
        if !super::json::decode(&body[f.log.clone()], out) {
            out.clear();
            return None;
        }
        if self.colour != Colour::None {
            let text = std::mem::take(out);
            match self.colour {
                Colour::Bare => strip_bare(&text, out),
                _ => strip_escapes(&text, out),
            }
        }
        Some(Clean {
            prefix_len: 0,
            stream: f.stream,
            // The driver cut a long line: the stream's next object goes on with it.
            partial: !out.ends_with(b"\n"),
            prefixed: true,
        })
    }
}

/// A JSON-lines record's text (see [`Shape::clean`]): the one stream of the log's records; a
/// line that is not a JSON object is read as it is, as a stream of its own, so that it never
/// joins a record.
fn structured(p: &'static Profile, line: &[u8], body_len: usize, out: &mut Vec<u8>) -> Clean {
    let body = line[..body_len]
        .strip_suffix(b"\r")
        .unwrap_or(&line[..body_len]);
    let json = crate::structured::profile::render(p, body, out).is_some();
    if json {
        // The record's own terminator on its last line.
        out.pop();
        out.extend_from_slice(&line[body.len()..]);
    } else {
        out.clear();
        out.extend_from_slice(line);
    }
    Clean {
        prefix_len: 0,
        stream: 0..0,
        partial: false,
        prefixed: json,
    }
}

/// rsyslog's `#012` (line feed) and `#011` (tab) in `text` made the characters they stand for
/// again (`#015`, a carriage return, too).
fn unescape_octal(text: &mut Vec<u8>) {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let c = match text.get(i..i + 4) {
            Some(b"#012") => Some(b'\n'),
            Some(b"#011") => Some(b'\t'),
            Some(b"#015") => Some(b'\r'),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                i += 4;
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    *text = out;
}

/// What [`Shape::clean`] found on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clean {
    /// Bytes of prefix.
    pub prefix_len: usize,
    /// Where the stream's name lies in the line (empty: the log's only stream).
    pub stream: std::ops::Range<usize>,
    /// A CRI `P` line: the runtime cut it, and the stream's next line continues it.
    pub partial: bool,
    /// The line has the log's prefix (a line without it is a stream of its own).
    pub prefixed: bool,
}

/// What `--prefix` says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Choice {
    /// Told from the first lines ([`detect`]).
    #[default]
    Auto,
    /// Lines as they are: no prefix, no colours taken out.
    None,
    /// This prefix (colours still told from the first lines).
    Kind(Kind),
}

impl Choice {
    /// The `--prefix` value `name`: `auto`, `none` or a [`Kind::name`].
    pub fn parse(name: &str) -> Option<Choice> {
        match name {
            "auto" => Some(Choice::Auto),
            "none" => Some(Choice::None),
            _ => Kind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .map(Choice::Kind),
        }
    }

    /// The shape of a log whose first bytes are `head` (the whole input if `at_end`): read
    /// from at most [`SNIFF_BYTES`] of them, so that any way of reading the input decides
    /// alike.
    pub fn decide(self, head: &[u8], at_end: bool) -> Shape {
        self.decide_with(Structured::Auto, head, at_end)
    }

    /// [`Choice::decide`] with what `--json` says.
    pub fn decide_with(self, json: Structured, head: &[u8], at_end: bool) -> Shape {
        let head = &head[..head.len().min(SNIFF_BYTES)];
        let whole = if at_end && head.len() < SNIFF_BYTES {
            head
        } else {
            &head[..memchr::memrchr(b'\n', head).map_or(0, |i| i + 1)]
        };
        let lines = whole.split_inclusive(|&b| b == b'\n');
        let shape = match self {
            Choice::None => Shape::PLAIN,
            Choice::Auto => detect(lines.clone()),
            Choice::Kind(Kind::Colour) => Shape {
                prefix: None,
                colour: match detect(lines.clone()).colour {
                    Colour::None => Colour::Escapes,
                    c => c,
                },
                json: None,
            },
            Choice::Kind(k) => Shape {
                prefix: Some(k),
                colour: detect(lines.clone()).colour,
                json: None,
            },
        };
        if self == Choice::None && json == Structured::Auto {
            return shape;
        }
        let first: Vec<&[u8]> = lines
            .take(DETECT_LINES)
            .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .collect();
        json.apply(shape, &first)
    }
}

/// What `--json` says: whether lines are a structured log's JSON records, and whose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Structured {
    /// Told from the first lines (see [`crate::structured::profile::detect`]).
    #[default]
    Auto,
    /// Lines are never read as JSON records.
    None,
    Profile(&'static Profile),
}

impl Structured {
    /// The `--json` value `name`: `auto`, `none` or a [`Profile::name`].
    pub fn parse(name: &str) -> Option<Structured> {
        match name {
            "auto" => Some(Structured::Auto),
            "none" => Some(Structured::None),
            _ => Profile::named(name).map(Structured::Profile),
        }
    }

    /// `shape` with this choice's JSON profile, from the first lines `lines`.
    fn apply(self, mut shape: Shape, lines: &[&[u8]]) -> Shape {
        // Only a log without a prefix: a prefixed one's lines are read as its prefix says.
        shape.json = match self {
            _ if shape.prefix.is_some() || shape.colour != Colour::None => None,
            Structured::Auto => crate::structured::profile::detect(lines),
            Structured::None => None,
            Structured::Profile(p) => Some(p),
        };
        shape
    }
}

/// Bytes of a log's head that [`Choice::decide`] reads at most.
pub const SNIFF_BYTES: usize = 64 << 10;

/// Whether `head` holds enough to decide on: [`DETECT_LINES`] lines or [`SNIFF_BYTES`].
pub fn enough(head: &[u8]) -> bool {
    head.len() >= SNIFF_BYTES
        || memchr::memchr_iter(b'\n', head)
            .nth(DETECT_LINES - 1)
            .is_some()
}

/// Lines [`detect`] reads: enough to see a prefix through a few odd lines, few enough that a
/// pipe's first lines are not held long.
pub const DETECT_LINES: usize = 16;

/// The shape of a log, from its first lines (complete lines, terminators included; the first
/// [`DETECT_LINES`] are read). A prefix kind is taken when three in four of the non-empty
/// lines have it (the most specific kind first); colours when two lines have escapes.
pub fn detect<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Shape {
    // The first lines, empty ones too (then left out): which lines are read must not depend on
    // how many more the caller had at hand.
    let lines: Vec<&[u8]> = lines
        .into_iter()
        .take(DETECT_LINES)
        .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Shape::PLAIN;
    }
    // A JSON object per line has no prefix (Docker's json-file lines are a kind of their own).
    if lines.iter().all(|l| l.first() == Some(&b'{')) && super::json::fields(lines[0]).is_none() {
        return Shape::PLAIN;
    }
    let escapes = lines.iter().filter(|l| has_escape(l)).count();
    let bare = lines.iter().filter(|l| has_bare(l)).count();
    let colour = if escapes >= 2.min(lines.len()) {
        Colour::Escapes
    } else if bare >= 2.min(lines.len()) {
        Colour::Bare
    } else {
        Colour::None
    };
    let mut scratch = Vec::new();
    let prefix = Kind::ALL.into_iter().find(|&k| {
        let shape = Shape {
            prefix: Some(k),
            colour,
            json: None,
        };
        let has = lines
            .iter()
            .filter(|l| {
                // Colours may wrap the prefix too (compose colours the service's name).
                let l: &[u8] = if colour == Colour::None {
                    l
                } else {
                    strip(colour, l, &mut scratch);
                    &scratch
                };
                shape.prefix.and_then(|k| k.split(l)).is_some()
            })
            .count();
        has * 4 >= lines.len() * 3
    });
    Shape {
        prefix,
        colour,
        json: None,
    }
}

/// A line with its colour escapes taken out, as [`detect`] reads it.
fn strip(colour: Colour, line: &[u8], out: &mut Vec<u8>) {
    out.clear();
    match colour {
        Colour::None => out.extend_from_slice(line),
        Colour::Escapes => strip_escapes(line, out),
        Colour::Bare => strip_bare(line, out),
    }
}

fn has_escape(line: &[u8]) -> bool {
    // Also as a JSON string writes ESC (a json-file line's text is decoded before it is read).
    memchr::memmem::find(line, b"\x1b[").is_some()
        || memchr::memmem::find(line, b"\\u001b[").is_some()
}

/// `[` digits and `;` then `m`, at least one digit: `[33m`, `[0;39m`, `[1;31m`.
fn bare_at(line: &[u8], at: usize) -> Option<usize> {
    if line.get(at) != Some(&b'[') {
        return None;
    }
    let mut i = at + 1;
    let mut digits = 0;
    while let Some(&b) = line.get(i) {
        match b {
            b'0'..=b'9' => digits += 1,
            b';' => {}
            b'm' if digits > 0 && i - at <= 12 => return Some(i + 1),
            _ => return None,
        }
        i += 1;
    }
    None
}

fn has_bare(line: &[u8]) -> bool {
    memchr::memchr_iter(b'[', line).any(|i| bare_at(line, i).is_some())
}

/// The parts of `text` that are not colour escapes (of the kind `colour` says), in order.
fn segments(colour: Colour, text: &[u8], each: impl FnMut(std::ops::Range<usize>)) {
    match colour {
        Colour::None => {
            let mut each = each;
            each(0..text.len());
        }
        Colour::Escapes => escape_segments(text, each),
        Colour::Bare => bare_segments(text, each),
    }
}

/// `ESC [ params final`: a CSI sequence (colours end in `m`; `K` erases, which some consoles
/// write too). A lone ESC stays.
fn strip_escapes(text: &[u8], out: &mut Vec<u8>) {
    escape_segments(text, |r| out.extend_from_slice(&text[r]));
}

fn escape_segments(text: &[u8], mut each: impl FnMut(std::ops::Range<usize>)) {
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&text[at..], b"\x1b[").map(|i| at + i) {
        let mut j = i + 2;
        while text.get(j).is_some_and(|b| (0x30..=0x3f).contains(b)) {
            j += 1;
        }
        match text.get(j) {
            Some(b) if (0x40..=0x7e).contains(b) => {
                each(at..i);
                at = j + 1;
            }
            _ => {
                each(at..j);
                at = j;
            }
        }
    }
    each(at..text.len());
}

/// [`strip_escapes`] for colours that lost their ESC byte: only the `[…m` colour form.
fn strip_bare(text: &[u8], out: &mut Vec<u8>) {
    bare_segments(text, |r| out.extend_from_slice(&text[r]));
}

fn bare_segments(text: &[u8], mut each: impl FnMut(std::ops::Range<usize>)) {
    let mut at = 0;
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'[', &text[from..]).map(|i| from + i) {
        match bare_at(text, i) {
            Some(end) => {
                each(at..i);
                at = end;
                from = end;
            }
            None => from = i + 1,
        }
    }
    each(at..text.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(text: &str) -> Shape {
        detect(text.split_inclusive('\n').map(str::as_bytes))
    }

    fn clean(shape: Shape, line: &str) -> (String, Clean) {
        let mut out = Vec::new();
        let c = shape.clean(line.as_bytes(), &mut out);
        (String::from_utf8(out).unwrap(), c)
    }

    #[test]
    fn each_prefix_is_told_from_the_first_lines() {
        let cases = [
            (
                "web_1  | 2026-11-24 15:35:04.123 ERROR 1 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/]\nweb_1  | \tat x.y(Z.java:1)\ndb_1   | LOG:  checkpoint\n",
                Some(Kind::Compose),
            ),
            (
                "shop-web-1  | java.io.IOException: Broken pipe\nshop-db-1   | ready\n",
                Some(Kind::Compose),
            ),
            (
                "2026-11-24T15:35:04.123456789Z 2026-11-24 15:35:04.123 ERROR x\n2026-11-24T15:35:04.223456789Z \tat y\n",
                Some(Kind::Timestamp),
            ),
            (
                "Nov 24 15:35:04 web1 java[1234]: java.io.IOException: Broken pipe\nNov 24 15:35:04 web1 java[1234]: \tat y\n",
                Some(Kind::Syslog),
            ),
            (
                "2026-11-24T15:35:04+0000 web1 tomcat10[812]: SEVERE x\n2026-11-24T15:35:04+0000 web1 tomcat10[812]: \tat y\n",
                Some(Kind::Syslog),
            ),
            (
                "<134>1 2026-11-24T15:35:04.123Z web1 app 1234 - - java.io.IOException\n<134>1 2026-11-24T15:35:04.123Z web1 app 1234 - [x@1 a=\"b\"] \tat y\n",
                Some(Kind::Syslog5424),
            ),
            (
                "2026-11-24T15:35:04.123456+00:00 app[web.1]: java.io.IOException\n2026-11-24T15:35:04.123456+00:00 heroku[router]: at=info\n",
                Some(Kind::Heroku),
            ),
            (
                "2026-11-24T15:35:04.123456789Z stdout F 2026-11-24 ERROR x\n2026-11-24T15:35:04.123456789Z stderr P part\n",
                Some(Kind::Cri),
            ),
            (
                "2026-11-24 15:35:04.123 ERROR 1 --- [exec-1] x\n\tat y\n",
                None,
            ),
            // Spring Boot 3's own ISO header time, on every line of a quiet start: no prefix.
            (
                "2026-11-24T15:35:04.101Z  INFO 1 --- [main] a : started\n2026-11-24T15:35:04.201Z  INFO 1 --- [main] b : ready\n",
                None,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(shape_of(text).prefix, want, "{text}");
        }
    }

    #[test]
    fn colours_are_taken_out_with_or_without_their_escape_byte() {
        let s = shape_of(
            "\x1b[2m2026-11-24 15:35:04.123\x1b[0;39m \x1b[31mERROR\x1b[0;39m x\n\x1b[2m2026-11-24\x1b[0;39m y\n",
        );
        assert_eq!(
            s,
            Shape {
                prefix: None,
                colour: Colour::Escapes,
                json: None,
            }
        );
        let (text, _) = clean(
            s,
            "\x1b[2m2026-11-24 15:35:04.123\x1b[0;39m \x1b[31mERROR\x1b[0;39m x\n",
        );
        assert_eq!(text, "2026-11-24 15:35:04.123 ERROR x\n");
        let s = shape_of("[2m2026-11-24 15:35:04.123[0;39m [31mERROR[0;39m x\n[2m2026[0;39m y\n");
        assert_eq!(s.colour, Colour::Bare);
        let (text, _) = clean(
            s,
            "[2m2026-11-24 15:35:04.123[0;39m [31mERROR[0;39m [main] x[0]\n",
        );
        assert_eq!(text, "2026-11-24 15:35:04.123 ERROR [main] x[0]\n");
    }

    #[test]
    fn a_coloured_prefix_is_found_with_its_colours_and_kept_whole() {
        // `docker compose logs` on a terminal (or with `--ansi always`) colours each service.
        let log = "\x1b[36mweb-1    |\x1b[0m 24-Nov-2026 15:35:04.806 SEVERE [exec-5] x\n\x1b[33mnginx-1  |\x1b[0m 2026/11/24 15:35:04 [info] 7#7: y\n";
        let s = shape_of(log);
        assert_eq!(
            s,
            Shape {
                prefix: Some(Kind::Compose),
                colour: Colour::Escapes,
                json: None,
            }
        );
        let line = log.split_inclusive('\n').nth(1).unwrap();
        let (text, c) = clean(s, line);
        assert_eq!(text, "2026/11/24 15:35:04 [info] 7#7: y\n");
        assert_eq!(&line[c.stream.clone()], "nginx-1");
        assert_eq!(&line[..c.prefix_len], "\x1b[33mnginx-1  |\x1b[0m ");
        assert!(c.prefixed);
        // Without the ESC byte, as pasted.
        let line = "[36mweb-1  |[0m \tat x.y(Z.java:1)\n";
        let bare = Shape {
            prefix: Some(Kind::Compose),
            colour: Colour::Bare,
            json: None,
        };
        let (text, c) = clean(bare, line);
        assert_eq!(text, "\tat x.y(Z.java:1)\n");
        assert_eq!(&line[c.stream.clone()], "web-1");
    }

    #[test]
    fn a_line_splits_into_prefix_stream_and_the_servers_text() {
        let compose = Shape {
            prefix: Some(Kind::Compose),
            colour: Colour::None,
            json: None,
        };
        let line =
            "shop-web-1  | 2026-11-24T15:35:04.123456789Z java.io.IOException: Broken pipe\r\n";
        let (text, c) = clean(compose, line);
        assert_eq!(text, "java.io.IOException: Broken pipe\r\n");
        assert_eq!(&line[c.stream.clone()], "shop-web-1");
        assert_eq!(
            &line[..c.prefix_len],
            "shop-web-1  | 2026-11-24T15:35:04.123456789Z "
        );
        // The application's own header time is its header's.
        let line = "shop-web-1  | 2026-11-24T15:35:04.123Z ERROR 1 --- [exec-1] x\n";
        assert_eq!(
            clean(compose, line).0,
            "2026-11-24T15:35:04.123Z ERROR 1 --- [exec-1] x\n"
        );

        let cri = Shape {
            prefix: Some(Kind::Cri),
            colour: Colour::None,
            json: None,
        };
        let line = "2026-11-24T15:35:04.1Z stderr P \tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(Out\n";
        let (text, c) = clean(cri, line);
        assert_eq!(
            text,
            "\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(Out"
        );
        assert!(c.partial);
        assert_eq!(&line[c.stream.clone()], "stderr");

        let syslog = Shape {
            prefix: Some(Kind::Syslog),
            colour: Colour::None,
            json: None,
        };
        let line = "Nov  4 05:35:04 web-1.example tomcat10[812]: \tat x\n";
        let (text, c) = clean(syslog, line);
        assert_eq!(text, "\tat x\n");
        assert_eq!(&line[c.stream.clone()], "web-1.example tomcat10[812]");

        // A line without the prefix is read whole, and said to be without it.
        let (text, c) = clean(syslog, "-- Boot 1234 --\n");
        assert_eq!(text, "-- Boot 1234 --\n");
        assert!(!c.prefixed);
    }
}
