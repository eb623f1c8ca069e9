//! Logs as they are shipped (`src/shipped`): real logs of the corpus re-shipped the ways
//! operators meet them — `docker compose` (v1, and v2 with `--timestamps`), `kubectl logs
//! --timestamps`, journald's short and short-iso formats, rsyslog's files (RFC 5424, and a
//! trace sent as one message with its line ends escaped `#012`), Heroku's
//! drain, Kubernetes CRI files with the runtime's cut lines, and a console pattern's colour
//! escapes (with and without their ESC byte), Docker's json-file lines — squash as the plain
//! logs do, stream by stream.
//!
//! Two real logs take turns line by line (Tomcat's catalina.out as one service, nginx's
//! error.log as another), as a compose project or a journal interleaves them. For every form:
//! - the lines written are the input's lines, byte for byte and in order, but for squashed
//!   records and summary lines;
//! - each stream, its prefix taken off, reads exactly as resetsquash writes that stream's plain
//!   log alone: the same records squashed, the same lines kept, the same counts (interleaving
//!   never glues one service's lines into the other's record);
//! - each summary line carries its stream's prefix (a CRI summary is a whole `F` line, a
//!   json-file one a JSON object of its stream);
//! - `report` counts the same over the shipped log, the squashed one and the plain ones;
//! - one thread or two, any buffer size, a file or a pipe: the same bytes.

use crate::util::{
    assert_bytes_eq, check_shipped, cmd, run_with_stdin, stdout_of, summary_count, testdata,
};

/// The first `n` lines of a corpus log.
fn corpus_lines(rel: &str, n: usize) -> Vec<Vec<u8>> {
    let text = std::fs::read(testdata(rel)).unwrap();
    text.split_inclusive(|&b| b == b'\n')
        .take(n)
        .map(<[u8]>::to_vec)
        .collect()
}

/// The two services: Tomcat's log (client aborts, their look-alikes, genuine errors) and
/// nginx's (one-line aborts and genuine upstream errors).
fn services() -> [Vec<Vec<u8>>; 2] {
    [
        corpus_lines("corpus/tomcat10/catalina.out", 700),
        corpus_lines("corpus/nginx/error.log", 240),
    ]
}

/// How a form writes one line of stream `s` (`i`: the line's place in the whole input).
type Prefix = fn(s: usize, i: usize) -> String;

/// A form of shipping: its name, how many services it carries, how it prefixes a line, how a
/// test reads a line back (stream, text), and whether it cuts long lines (CRI).
struct Form {
    name: &'static str,
    streams: usize,
    prefix: Prefix,
    /// What tells the streams apart in a prefix (the prefixes are of one length per stream).
    tokens: [&'static str; 2],
    colour: Option<&'static str>,
    cri: bool,
    /// Docker's json-file: each line a JSON object (its text decoded, not prefixed).
    json: bool,
    /// rsyslog's escapes: a record sent as one message is one line, its line ends `#012`.
    escaped: bool,
}

/// A time in nanoseconds, a thousandth of a second per line (as a runtime stamps them).
fn nanos(i: usize) -> String {
    format!(
        "2026-11-24T15:{:02}:{:02}.{:09}Z",
        (i / 60_000) % 60,
        (i / 1000) % 60,
        (i % 1000) * 1_000_000 + 123_457
    )
}

/// A form with a prefix of its own and nothing else about it.
fn form(name: &'static str, tokens: [&'static str; 2], streams: usize, prefix: Prefix) -> Form {
    Form {
        name,
        streams,
        prefix,
        tokens,
        colour: None,
        cri: false,
        json: false,
        escaped: false,
    }
}

fn no_prefix(_: usize, _: usize) -> String {
    String::new()
}

/// journald's short format (and rsyslog's traditional file format).
fn journald_short(s: usize, i: usize) -> String {
    format!(
        "Nov 24 15:{:02}:{:02} web1 {}: ",
        (i / 60) % 60,
        i % 60,
        ["java[812]", "nginx[77]"][s]
    )
}

fn forms() -> Vec<Form> {
    vec![
        form("compose v1", ["web_1", "nginx_1"], 2, |s, _| {
            ["web_1    | ", "nginx_1  | "][s].into()
        }),
        form(
            "compose v2 --timestamps",
            ["shop-web-1", "shop-nginx-1"],
            2,
            |s, i| {
                format!(
                    "{} {} ",
                    ["shop-web-1    |", "shop-nginx-1  |"][s],
                    nanos(i)
                )
            },
        ),
        form("kubectl --timestamps", ["", ""], 1, |_, i| {
            format!("{} ", nanos(i))
        }),
        form(
            "journald short",
            ["java[812]", "nginx[77]"],
            2,
            journald_short,
        ),
        form(
            "journald short-iso",
            ["tomcat10[812]", "nginx[77]"],
            2,
            |s, i| {
                format!(
                    "2026-11-24T15:{:02}:{:02}+0000 web1.example.com {}: ",
                    (i / 60) % 60,
                    i % 60,
                    ["tomcat10[812]", "nginx[77]"][s]
                )
            },
        ),
        form("rsyslog RFC 5424", ["java 812", "nginx 77"], 2, |s, i| {
            format!(
                "<134>1 2026-11-24T15:{:02}:{:02}.{:06}Z web1 {} - - ",
                (i / 60) % 60,
                i % 60,
                i,
                ["java 812", "nginx 77"][s]
            )
        }),
        form("heroku", ["app[web.1]", "app[worker.1]"], 2, |s, i| {
            format!(
                "2026-11-24T15:{:02}:{:02}.{:06}+00:00 app[{}]: ",
                (i / 60) % 60,
                i % 60,
                i,
                ["web.1", "worker.1"][s]
            )
        }),
        Form {
            cri: true,
            ..form("CRI", [" stdout ", " stderr "], 2, |s, i| {
                format!("{} {} F ", nanos(i), ["stdout", "stderr"][s])
            })
        },
        Form {
            escaped: true,
            ..form(
                "rsyslog #012",
                ["java[812]", "nginx[77]"],
                2,
                journald_short,
            )
        },
        Form {
            json: true,
            ..form("docker json-file", ["", ""], 2, no_prefix)
        },
        Form {
            colour: Some("\x1b"),
            ..form("colour", ["", ""], 1, no_prefix)
        },
        Form {
            colour: Some(""),
            ..form("colour without ESC", ["", ""], 1, no_prefix)
        },
    ]
}

/// Colours a header line as Spring Boot's and logback's console patterns do (`%clr`: the
/// time faint, the level green or red); other lines as they are.
fn coloured(line: &[u8], esc: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(line);
    let mut words = text.splitn(4, ' ');
    let (Some(date), Some(time), Some(level), Some(rest)) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return line.to_vec();
    };
    if !date.starts_with(|c: char| c.is_ascii_digit()) || !line.is_ascii() {
        return line.to_vec();
    }
    let colour = if level == "SEVERE" || level == "WARNING" {
        31
    } else {
        32
    };
    format!("{esc}[2m{date} {time}{esc}[0;39m {esc}[{colour}m{level}{esc}[0;39m {rest}")
        .into_bytes()
}

/// One input line as the test made it.
struct Made {
    raw: Vec<u8>,
}

/// A service's lines as an application that sends each record as one syslog message writes
/// them through rsyslog: the continuation lines of a trace joined to the line before, every
/// line end `#012` and every tab `#011`.
fn escaped(lines: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in lines {
        let continues = line.starts_with(b"\t") || line.starts_with(b"Caused by: ");
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let mut text = Vec::new();
        for &b in body {
            match b {
                b'\t' => text.extend_from_slice(b"#011"),
                b => text.push(b),
            }
        }
        match out.last_mut() {
            Some(last) if continues => {
                last.pop();
                last.extend_from_slice(b"#012");
                last.extend_from_slice(&text);
                last.push(b'\n');
            }
            _ => {
                text.push(b'\n');
                out.push(text);
            }
        }
    }
    out
}

/// The services interleaved (three lines of the first, then one of the second) in `form`.
fn ship(form: &Form, services: &[Vec<Vec<u8>>; 2]) -> Vec<Made> {
    let escaped_services;
    let services = if form.escaped {
        escaped_services = [escaped(&services[0]), escaped(&services[1])];
        &escaped_services
    } else {
        services
    };
    let mut made = Vec::new();
    let mut next = [0, 0];
    let mut i = 0;
    while (0..form.streams).any(|s| next[s] < services[s].len()) {
        for (s, take) in [(0, 3), (1, 1)].into_iter().take(form.streams) {
            for _ in 0..take {
                let Some(line) = services[s].get(next[s]) else {
                    break;
                };
                next[s] += 1;
                let text = match form.colour {
                    Some(esc) => coloured(line, esc),
                    None => line.clone(),
                };
                if form.json {
                    // As the json-file driver writes: invalid UTF-8 replaced, a line over the
                    // driver's buffer (80 bytes here) in several objects, the last with `\n`.
                    let text = String::from_utf8_lossy(&text).into_owned();
                    let mut parts = Vec::new();
                    let mut start = 0;
                    for (at, _) in text.char_indices() {
                        if at - start >= 80 {
                            parts.push(&text[start..at]);
                            start = at;
                        }
                    }
                    parts.push(&text[start..]);
                    for part in parts {
                        let object = serde_json::json!({
                            "log": part,
                            "stream": (["stdout", "stderr"][s]),
                            "time": nanos(i),
                        });
                        let mut raw = serde_json::to_vec(&object).unwrap();
                        raw.push(b'\n');
                        made.push(Made { raw });
                        i += 1;
                    }
                } else if form.cri && text.len() > 120 {
                    // The runtime cuts a long line in parts: all `P` but the last.
                    let body = text.strip_suffix(b"\n").unwrap_or(&text);
                    let parts: Vec<&[u8]> = body.chunks(80).collect();
                    for (k, part) in parts.iter().enumerate() {
                        let last = k + 1 == parts.len();
                        let mut raw = (form.prefix)(s, i).into_bytes();
                        if !last {
                            let n = raw.len();
                            raw[n - 2] = b'P';
                        }
                        raw.extend_from_slice(part);
                        raw.push(b'\n');
                        made.push(Made { raw });
                        i += 1;
                    }
                } else {
                    let mut raw = (form.prefix)(s, i).into_bytes();
                    raw.extend_from_slice(&text);
                    made.push(Made { raw });
                    i += 1;
                }
            }
        }
    }
    made
}

/// An output line read back as the test made it: which stream, and its text without prefix
/// (a CRI `P` part marked, for the caller to join to what follows).
fn read_back(form: &Form, line: &[u8]) -> (usize, Vec<u8>, bool) {
    if form.json {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap_or_else(|e| {
            panic!(
                "{}: not a JSON object ({e}): {}",
                form.name,
                String::from_utf8_lossy(line)
            )
        });
        let log = v["log"].as_str().expect("a log field");
        let s = ["stdout", "stderr"]
            .iter()
            .position(|&w| v["stream"] == w)
            .expect("a stream");
        assert!(v["time"].is_string(), "{}: a time field", form.name);
        return (s, log.as_bytes().to_vec(), !log.ends_with('\n'));
    }
    let s = (0..form.streams)
        .find(|&s| {
            let len = (form.prefix)(s, 0).len();
            line.get(..len)
                .is_some_and(|p| String::from_utf8_lossy(p).contains(form.tokens[s]))
        })
        .unwrap_or_else(|| {
            panic!(
                "{}: a line of no stream: {:?}",
                form.name,
                String::from_utf8_lossy(line)
            )
        });
    let len = (form.prefix)(s, 0).len();
    let partial = form.cri && line[..len].ends_with(b" P ");
    let mut text = line[len..].to_vec();
    if partial {
        text.pop();
    }
    if let Some(esc) = form.colour {
        text = uncoloured(&text, esc);
    }
    if form.escaped {
        let mut t = Vec::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            match text.get(i..i + 4) {
                Some(b"#012") => (t.push(b'\n'), i += 4),
                Some(b"#011") => (t.push(b'\t'), i += 4),
                _ => (t.push(text[i]), i += 1),
            };
        }
        text = t;
    }
    (s, text, partial)
}

/// [`coloured`] undone.
fn uncoloured(text: &[u8], esc: &str) -> Vec<u8> {
    let mut t = String::from_utf8_lossy(text).into_owned();
    for code in ["[2m", "[0;39m", "[31m", "[32m"] {
        t = t.replace(&format!("{esc}{code}"), "");
    }
    t.into_bytes()
}

/// The summary lines apart from the rest.
fn is_summary(text: &[u8]) -> bool {
    resetsquash::summary::Summary::parse(text).is_some()
}

/// What resetsquash writes for `input` given as a file, with `args`.
fn squash_file(dir: &std::path::Path, name: &str, input: &[u8], args: &[&str]) -> Vec<u8> {
    std::fs::write(dir.join(name), input).unwrap();
    stdout_of(cmd(dir).args(args).arg(name))
}

/// `report --format prometheus` counts, without the log label (the files have other names).
fn report_counts(dir: &std::path::Path, files: &[&str]) -> Vec<String> {
    let out = stdout_of(
        cmd(dir)
            .args(["report", "--format", "prometheus"])
            .args(files),
    );
    let mut lines: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').unwrap();
            let series = series
                .split(['{', '}', ','])
                .filter(|p| !p.starts_with("log=") && !p.is_empty())
                .collect::<Vec<_>>()
                .join(",");
            (series, value.parse::<u64>().unwrap())
        })
        .fold(
            std::collections::BTreeMap::<String, u64>::new(),
            |mut m, (k, v)| {
                *m.entry(k).or_default() += v;
                m
            },
        )
        .into_iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_shipped_form_squashes_each_stream_as_its_plain_log_and_writes_every_other_line_as_it_came()
{
    check_forms(&services(), true);
}

/// The held-out check: whole real logs of the capture lab (whose aborts and genuine errors
/// `tests/corpus.rs` holds to their truth.json as plain logs), each as the first service with
/// nginx's error.log as the second, re-shipped in every form: each stream squashes as its plain
/// log (every abort squashed and counted, every other line as it came), and the invariant
/// checker finds every line kept byte for byte and every summary in its form's shape.
#[test]
fn whole_lab_logs_reshipped_in_every_form_squash_as_their_plain_logs() {
    for log in [
        "corpus/tomcat10-h2/catalina.out",
        "corpus/jetty9/jetty.log",
        "corpus/jetty9-slf4j/jetty.log",
    ] {
        let services = [
            corpus_lines(log, usize::MAX),
            corpus_lines("corpus/nginx/error.log", usize::MAX),
        ];
        check_forms(&services, false);
    }
}

/// Every form of [`forms`] over `services`: squashed, read back and compared with each
/// service's plain log squashed alone (`all_paths`: on every path, and `report` too).
fn check_forms(services: &[Vec<Vec<u8>>; 2], all_paths: bool) {
    let dir = tempfile::tempdir().unwrap();
    // Each service's plain log, squashed alone: the reference (with invalid UTF-8 replaced,
    // for the json-file form, as the driver replaces it).
    let reference = |lossy: bool| -> Vec<Vec<u8>> {
        services
            .iter()
            .enumerate()
            .map(|(s, lines)| {
                let mut text = lines.concat();
                if lossy {
                    text = String::from_utf8_lossy(&text).into_owned().into_bytes();
                }
                let name = format!("plain{s}{}.log", if lossy { "-lossy" } else { "" });
                squash_file(dir.path(), &name, &text, &["-j1"])
            })
            .collect()
    };
    let (exact, lossy) = (reference(false), reference(true));
    let mut checked = 0;
    for form in forms() {
        let plain = if form.json { &lossy } else { &exact };
        let made = ship(&form, services);
        let input: Vec<u8> = made.iter().flat_map(|m| m.raw.clone()).collect();
        let out = squash_file(dir.path(), "shipped.log", &input, &["-j1"]);

        // Every promise the invariant checker knows, in the form the run told.
        let shape = resetsquash::shipped::Choice::Auto.decide(&input, true);
        assert!(!shape.is_plain(), "{}: told as a plain log", form.name);
        let acc = check_shipped(&input, &out, shape);
        assert!(acc.squashed > 0, "{}: nothing squashed", form.name);

        // One thread or two, tiny reads, a pipe: the same bytes.
        let paths: &[&[&str]] = if all_paths {
            &[
                &["-j2"],
                &["-j1", "--buffer-size", "7"],
                &["-j2", "--buffer-size", "300"],
            ]
        } else {
            &[&["-j2"]]
        };
        for args in paths {
            let again = squash_file(dir.path(), "shipped.log", &input, args);
            assert_bytes_eq(&again, &out, &format!("{}: {args:?}", form.name));
        }
        if all_paths {
            let mut piped = cmd(dir.path());
            piped.args(["-j2", "--idle-ms", "60000", "--idle-in-trace-ms", "60000"]);
            let piped = run_with_stdin(piped, &input);
            assert!(piped.status.success());
            assert_bytes_eq(
                &piped.stdout,
                &out,
                &format!("{}: through a pipe", form.name),
            );
        }

        // The lines written, summaries aside, are input lines in order.
        let mut rest = made.iter();
        let mut squashed_away = 0;
        let mut per_stream: Vec<Vec<u8>> = vec![Vec::new(); form.streams];
        let mut joined: Vec<Vec<u8>> = vec![Vec::new(); form.streams];
        for line in out.split_inclusive(|&b| b == b'\n') {
            let (s, text, partial) = read_back(&form, line);
            if is_summary(&text) {
                assert!(
                    !form.cri || line[..(form.prefix)(s, 0).len()].ends_with(b" F "),
                    "{}: a summary is a whole CRI line: {}",
                    form.name,
                    String::from_utf8_lossy(line)
                );
                per_stream[s].extend_from_slice(&text);
                continue;
            }
            loop {
                let m = rest.next().unwrap_or_else(|| {
                    panic!(
                        "{}: written but not in the input, or out of order: {}",
                        form.name,
                        String::from_utf8_lossy(line)
                    )
                });
                if m.raw == line {
                    break;
                }
                squashed_away += 1;
            }
            joined[s].extend_from_slice(&text);
            if !partial {
                per_stream[s].append(&mut joined[s]);
            }
        }
        squashed_away += rest.count();
        assert!(squashed_away > 0, "{}: nothing squashed", form.name);

        // Each stream reads as its plain log squashed alone (summary lines aside, whose
        // timestamps are the shipped log's clock), and counts the same.
        for s in 0..form.streams {
            let without = |t: &[u8]| -> Vec<u8> {
                t.split_inclusive(|&b| b == b'\n')
                    .filter(|l| !is_summary(l))
                    .flatten()
                    .copied()
                    .collect()
            };
            assert_bytes_eq(
                &without(&per_stream[s]),
                &without(&plain[s]),
                &format!("{}: stream {s}", form.name),
            );
            assert_eq!(
                summary_count(&per_stream[s]),
                summary_count(&plain[s]),
                "{}: stream {s}'s client aborts",
                form.name
            );
        }

        // report: the same counts over the shipped log, the squashed one and the plain ones.
        std::fs::write(dir.path().join("squashed.log"), &out).unwrap();
        let plain_files: Vec<String> = (0..form.streams)
            .map(|s| format!("plain{s}{}.log", if form.json { "-lossy" } else { "" }))
            .collect();
        let plain_files: Vec<&str> = plain_files.iter().map(String::as_str).collect();
        // The same client aborts and records as the plain logs have; the bytes squashed are
        // those that leave the shipped log, prefixes and all, raw or squashed alike.
        let shipped = report_counts(dir.path(), &["shipped.log"]);
        assert_eq!(
            report_counts(dir.path(), &["squashed.log"]),
            shipped,
            "{}: report of the squashed log",
            form.name
        );
        let not_bytes = |c: Vec<String>| -> Vec<String> {
            c.into_iter()
                .filter(|l| !l.starts_with("resetsquash_report_squashed_bytes"))
                .collect()
        };
        assert_eq!(
            not_bytes(shipped.clone()),
            not_bytes(report_counts(dir.path(), &plain_files)),
            "{}: report of the shipped log",
            form.name
        );
        let bytes = |c: &[String]| -> u64 {
            c.iter()
                .find_map(|l| l.strip_prefix("resetsquash_report_squashed_bytes "))
                .map_or(0, |v| v.parse().unwrap())
        };
        assert_eq!(
            bytes(&shipped),
            (input.len() - out.len()) as u64
                + out
                    .split_inclusive(|&b| b == b'\n')
                    .filter(|l| is_summary(&read_back(&form, l).1))
                    .map(|l| l.len() as u64)
                    .sum::<u64>(),
            "{}: the bytes squashed are the bytes that left the log",
            form.name
        );
        checked += 1;
    }
    assert_eq!(checked, 12);
}

#[test]
fn a_plain_log_is_read_as_it_always_was_and_prefix_none_reads_a_shipped_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::read(testdata("corpus/tomcat10/catalina.out")).unwrap();
    let auto = squash_file(dir.path(), "catalina.out", &log, &[]);
    let none = squash_file(dir.path(), "catalina.out", &log, &["--prefix", "none"]);
    assert_bytes_eq(&auto, &none, "a plain log");

    let shipped: Vec<u8> = ship(&forms()[0], &services())
        .iter()
        .flat_map(|m| m.raw.clone())
        .collect();
    // With the prefix read as text, the headers behind it are hidden: far fewer records are
    // squashed (only lines that are an abort on their own).
    let none = squash_file(dir.path(), "compose.log", &shipped, &["--prefix", "none"]);
    let read = squash_file(dir.path(), "compose.log", &shipped, &[]);
    assert!(
        summary_count(&none) < summary_count(&read) && none.len() > read.len(),
        "--prefix none: {} squashed, auto: {}",
        summary_count(&none),
        summary_count(&read)
    );
    let forced = squash_file(
        dir.path(),
        "compose.log",
        &shipped,
        &["--prefix", "compose"],
    );
    let auto = squash_file(dir.path(), "compose.log", &shipped, &[]);
    assert_bytes_eq(&forced, &auto, "--prefix compose is what auto finds");

    let out = cmd(dir.path())
        .args(["--prefix", "docker", "compose.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`docker` is not a prefix") && err.contains("compose, "),
        "{err}"
    );
}

/// Memory stays bounded whatever the streams do: a line the runtime cut in more parts than the
/// line limit holds goes through as a plain log's over-long line does, and a stream whose
/// record the other streams' lines have waited behind for more than a few records' worth lets
/// it go, kept as it came. (Full size, with memory measured: `tests/hostile/run.sh`.)
#[test]
fn a_cut_line_past_the_line_limit_and_a_record_held_behind_many_lines_pass_through() {
    use resetsquash::input::Source;
    use resetsquash::rules::{RuleSet, RuleSource};
    use resetsquash::{Config, run};
    let rules = RuleSet::load(&RuleSource::built_in()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let squash = |input: &[u8], limits: resetsquash::squash::Limits, read_size| {
        let path = dir.path().join("in.log");
        std::fs::write(&path, input).unwrap();
        let config = Config {
            inputs: vec![Source::Path(path)],
            limits,
            read_size,
            max_line: 512,
            ..Config::default()
        };
        run(&config, &rules, Vec::new(), "test").unwrap().1
    };
    let abort = corpus_lines("corpus/tomcat10/catalina.out", 700);
    // Catalina's first abort record, in CRI lines, with a line cut in 40 parts of 100 bytes
    // (4000 bytes joined, over the 512-byte line limit) on stdout before it.
    let mut cri = Vec::new();
    let t = "2026-11-24T15:35:04.123456789Z";
    for k in 0..40 {
        let tag = if k == 39 { "F" } else { "P" };
        cri.extend_from_slice(format!("{t} stdout {tag} {}", "x".repeat(100)).as_bytes());
        cri.push(b'\n');
    }
    let plain: Vec<u8> = abort.concat();
    let mut shipped = cri.clone();
    for line in &abort {
        shipped.extend_from_slice(format!("{t} stderr F ").as_bytes());
        shipped.extend_from_slice(line);
    }
    let defaults = resetsquash::squash::Limits::default();
    let out = squash(&shipped, defaults, 1 << 16);
    assert_bytes_eq(
        &squash(&shipped, defaults, 7),
        &out,
        "CRI, read 7 bytes at a time",
    );
    assert!(out.starts_with(&cri), "the cut line comes out as it came");
    assert_eq!(
        summary_count(&out),
        summary_count(&squash(&plain, defaults, 1 << 16)),
        "the other stream squashes as its plain log"
    );

    // The same records in compose lines, and a second service writing 400 lines after the
    // first line of each record of the first: with records of at most 50 lines, those waiting
    // behind a record are past 4 records' worth, and the record is let go, kept whole.
    let mut compose = Vec::new();
    for line in &abort {
        compose.extend_from_slice(b"web-1  | ");
        compose.extend_from_slice(line);
        if !line.starts_with(b"\t") {
            for i in 0..400 {
                compose.extend_from_slice(format!("db-1   | LOG:  checkpoint {i}\n").as_bytes());
            }
        }
    }
    let small = resetsquash::squash::Limits {
        max_record_lines: 50,
        ..defaults
    };
    assert!(summary_count(&squash(&compose, defaults, 1 << 16)) > 0);
    let out = squash(&compose, small, 1 << 16);
    assert_bytes_eq(
        &out,
        &compose,
        "records held behind too many lines are kept",
    );
    assert_bytes_eq(
        &squash(&compose, small, 7),
        &compose,
        "read 7 bytes at a time",
    );
}
