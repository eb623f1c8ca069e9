//! A summary line written as a record of the log's own JSON writer: one object with the same
//! key style (flat or nested) and time format as the record it stands for, level info, logger
//! `resetsquash`, and the message field holding exactly the plain summary text (so that `grep`,
//! `report` and alerts read it as in a plain log). The counts go where the writer's
//! conventions put extra fields, under the names of OpenTelemetry's log deduplication
//! (`log_count`, `first_observed_timestamp`, `last_observed_timestamp`): an ECS namespace
//! `resetsquash.*`, GELF's `_` fields, Serilog properties beside an `@mt` template, a nested
//! object for pino and bunyan.

use crate::structured::profile::{Epoch, Profile, rfc3339};
use crate::structured::scan::{self, Type};
use crate::summary::{MARKER, Summary};

/// What a summary record copies from the record it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonWrap {
    profile: &'static Profile,
    /// Objects for dotted paths (Spring Boot 3.5, pino's own namespace), or dotted keys.
    nested: bool,
    /// Where the record's time was, and how it was written.
    time: Option<(&'static str, Form)>,
    level: &'static str,
    logger: &'static str,
    /// Fields copied as they were (their path, their JSON text).
    carry: Vec<(&'static str, Vec<u8>)>,
}

/// How a record wrote its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// A string, as the header read it.
    Text,
    Millis,
    /// Seconds with this many digits of fraction.
    Seconds(usize),
    /// A string of microseconds.
    Micros,
    /// log4j2's `instant`: seconds and nanoseconds.
    Instant,
}

impl JsonWrap {
    /// The wrap of a summary for the record `first` (a line, terminator included), if it is
    /// one of `profile`'s.
    pub fn of(profile: &'static Profile, first: &[u8]) -> Option<JsonWrap> {
        let body = first.strip_suffix(b"\n").unwrap_or(first);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let mut m = Vec::new();
        if !scan::object(body, &mut m) {
            return None;
        }
        let dotted = m.iter().any(|(k, _)| body[k.clone()].contains(&b'.'));
        let found = |paths: &'static [&'static str]| {
            paths
                .iter()
                .copied()
                .find(|p| scan::find(body, &m, p).is_some())
                .or(paths.first().copied())
        };
        let time = profile.time.iter().find_map(|&path| {
            let v = scan::find(body, &m, path)?;
            let raw = &body[v.at.clone()];
            let form = match (v.ty, profile.epoch) {
                _ if path == "instant.epochSecond" => Form::Instant,
                (Type::Str, Epoch::Micros) => Form::Micros,
                (Type::Str, _) => Form::Text,
                (Type::Num, Epoch::Seconds) => Form::Seconds(
                    raw.iter()
                        .position(|&b| b == b'.')
                        .map_or(0, |d| raw.len() - d - 1),
                ),
                (Type::Num, _) => Form::Millis,
                _ => return None,
            };
            Some((path, form))
        });
        let carry = profile
            .out
            .carry
            .iter()
            .filter_map(|&path| Some((path, body[scan::find(body, &m, path)?.at].to_vec())))
            .map(|(path, v)| match scan::find(body, &m, path) {
                Some(found) if found.ty == Type::Str => {
                    let mut quoted = b"\"".to_vec();
                    quoted.extend_from_slice(&v);
                    quoted.push(b'"');
                    (path, quoted)
                }
                _ => (path, v),
            })
            .collect();
        Some(JsonWrap {
            profile,
            nested: matches!(profile.name, "pino" | "bunyan") || !dotted,
            time,
            level: found(profile.level).unwrap_or("level"),
            logger: found(profile.logger).unwrap_or("logger"),
            carry,
        })
    }

    /// `line` (a plain summary line, terminator included) as one JSON object, into `out`.
    pub fn write(&self, line: &[u8], out: &mut Vec<u8>) {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let eol = &line[body.len()..];
        let s = Summary::parse(body).unwrap_or_default();
        let text = memchr::memmem::find(body, MARKER).map_or(body, |at| &body[at..]);
        let p = self.profile;
        let name = |key: &str| -> String {
            let key = format!("{}{key}", p.out.ext);
            if p.out.upper { key.to_uppercase() } else { key }
        };
        let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some((path, form)) = self.time {
            if form == Form::Instant {
                if let Some((secs, frac)) = parse_time(&s.timestamp) {
                    let nanos = format!("{frac:0<9}");
                    fields.push(("instant.epochSecond".into(), secs.to_string().into_bytes()));
                    fields.push(("instant.nanoOfSecond".into(), nanos.into_bytes()));
                }
            } else if let Some(v) = time_value(form, &s.timestamp) {
                fields.push((path.into(), v));
            }
        }
        fields.push((self.level.into(), p.out.info.as_bytes().to_vec()));
        fields.push((self.logger.into(), string(b"resetsquash")));
        fields.push((p.message[0].into(), string(text)));
        if p.out.template {
            let doubled: Vec<u8> = text
                .iter()
                .flat_map(|&b| match b {
                    b'{' | b'}' => vec![b, b],
                    _ => vec![b],
                })
                .collect();
            fields.push(("@mt".into(), string(&doubled)));
        }
        fields.push((name("log_count"), s.count.to_string().into_bytes()));
        fields.push((name("rule"), string(s.rule.as_bytes())));
        let form = self.time.map_or(Form::Text, |(_, f)| match f {
            Form::Instant => Form::Text,
            f => f,
        });
        for (key, t) in [
            ("first_observed_timestamp", &s.first),
            ("last_observed_timestamp", &s.last),
        ] {
            if let Some(v) = t.as_deref().and_then(|t| time_value(form, t)) {
                fields.push((name(key), v));
            }
        }
        for (path, v) in &self.carry {
            if !fields.iter().any(|(k, _)| k == path) {
                fields.push((path.to_string(), v.clone()));
            }
        }
        let entries: Vec<(Vec<&str>, &[u8])> = fields
            .iter()
            .map(|(k, v)| {
                let segs = if self.nested {
                    k.split('.').collect()
                } else {
                    vec![k.as_str()]
                };
                (segs, v.as_slice())
            })
            .collect();
        write_object(&entries, out);
        out.extend_from_slice(eol);
    }
}

/// A JSON string of `text`.
fn string(text: &[u8]) -> Vec<u8> {
    let mut out = b"\"".to_vec();
    super::json::encode(text, &mut out);
    out.push(b'"');
    out
}

/// An object of `entries` (a path's segments, its JSON value), those with the same first
/// segment in one nested object where it was first met.
fn write_object(entries: &[(Vec<&str>, &[u8])], out: &mut Vec<u8>) {
    out.push(b'{');
    let mut done: Vec<&str> = Vec::new();
    for (segs, v) in entries {
        let head = segs[0];
        if done.contains(&head) {
            continue;
        }
        done.push(head);
        if done.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(&string(head.as_bytes()));
        out.push(b':');
        if segs.len() == 1 {
            out.extend_from_slice(v);
            continue;
        }
        let inner: Vec<(Vec<&str>, &[u8])> = entries
            .iter()
            .filter(|(s, _)| s.len() > 1 && s[0] == head)
            .map(|(s, v)| (s[1..].to_vec(), *v))
            .collect();
        write_object(&inner, out);
    }
    out.push(b'}');
}

/// A header time (as [`crate::structured::profile`] wrote it) as the record wrote its time.
fn time_value(form: Form, t: &[u8]) -> Option<Vec<u8>> {
    if t.is_empty() {
        return None;
    }
    Some(match form {
        Form::Text | Form::Instant => string(t),
        Form::Millis => {
            let (secs, frac) = parse_time(t)?;
            let ms: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
            (secs * 1000 + ms).to_string().into_bytes()
        }
        Form::Seconds(digits) => {
            let (secs, frac) = parse_time(t)?;
            match digits {
                0 => secs.to_string().into_bytes(),
                _ => {
                    format!("{secs}.{:0<digits$}", frac.get(..digits.min(frac.len()))?).into_bytes()
                }
            }
        }
        Form::Micros => {
            let (secs, frac) = parse_time(t)?;
            let us: i64 = format!("{frac:0<6}").get(..6)?.parse().ok()?;
            string((secs * 1_000_000 + us).to_string().as_bytes())
        }
    })
}

/// `2026-11-24T15:35:04.123Z` (as [`rfc3339`] writes it): seconds since 1970 and the fraction.
fn parse_time(t: &[u8]) -> Option<(i64, String)> {
    let t = std::str::from_utf8(t).ok()?.strip_suffix('Z')?;
    let (date, time) = t.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, mo, dd) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut h = hms.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let tod = h.next()?? * 3600 + h.next()?? * 60 + h.next()??;
    let secs = crate::header::civil_seconds(y, mo, dd, tod)?;
    (rfc3339(secs, frac)
        == t.as_bytes()
            .iter()
            .chain(b"Z")
            .copied()
            .collect::<Vec<u8>>())
    .then(|| (secs, frac.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(profile: &str, record: &str, summary: &str) -> String {
        let p = Profile::named(profile).unwrap();
        let w = JsonWrap::of(p, record.as_bytes()).unwrap();
        let mut out = Vec::new();
        w.write(summary.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    const SUMMARY: &str = "2026-11-24T15:35:04.123Z resetsquash: squashed 2 rule=r group=g first=\"2026-11-24T15:35:03.000Z\" last=\"2026-11-24T15:35:04.123Z\"\n";

    #[test]
    fn a_summary_takes_its_records_key_style_time_format_and_conventions() {
        let flat = r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log.level":"ERROR","ecs.version":"8.11","message":"x"}"#;
        assert_eq!(
            wrap("ecs", flat, SUMMARY),
            r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log.level":"INFO","log.logger":"resetsquash","message":"resetsquash: squashed 2 rule=r group=g first=\"2026-11-24T15:35:03.000Z\" last=\"2026-11-24T15:35:04.123Z\"","resetsquash.log_count":2,"resetsquash.rule":"r","resetsquash.first_observed_timestamp":"2026-11-24T15:35:03.000Z","resetsquash.last_observed_timestamp":"2026-11-24T15:35:04.123Z","ecs.version":"8.11"}
"#
        );
        let nested = r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log":{"level":"ERROR"},"ecs":{"version":"8.11"},"message":"x"}"#;
        let out = wrap("ecs", nested, SUMMARY);
        assert!(out.starts_with(r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log":{"level":"INFO","logger":"resetsquash"},"message":"#), "{out}");
        assert!(
            out.contains(r#""resetsquash":{"log_count":2,"rule":"r","#),
            "{out}"
        );
        assert!(out.ends_with("\"ecs\":{\"version\":\"8.11\"}}\n"), "{out}");

        let pino = r#"{"level":50,"time":1796407977251,"pid":7,"hostname":"lab","msg":"x"}"#;
        let out = wrap("pino", pino, SUMMARY);
        assert!(out.starts_with(r#"{"time":1795534504123,"level":30,"name":"resetsquash","msg":"resetsquash: squashed 2"#), "{out}");
        assert!(out.contains(r#""resetsquash":{"log_count":2,"rule":"r","first_observed_timestamp":1795534503000,"last_observed_timestamp":1795534504123},"pid":7,"hostname":"lab"}"#), "{out}");

        let gelf = r#"{"version":"1.1","host":"web","short_message":"x","timestamp":1795534504.123,"level":3}"#;
        let out = wrap("gelf", gelf, SUMMARY);
        assert!(out.starts_with(r#"{"timestamp":1795534504.123,"level":6,"_logger_name":"resetsquash","short_message":"resetsquash"#), "{out}");
        assert!(
            out.contains(r#""_log_count":2,"_rule":"r""#) && !out.contains("\"_id\""),
            "{out}"
        );
        assert!(
            out.ends_with("\"version\":\"1.1\",\"host\":\"web\"}\n"),
            "{out}"
        );

        let clef = r#"{"@t":"2026-11-24T15:35:04.123Z","@mt":"x {A}","@l":"Error"}"#;
        let out = wrap("clef", clef, SUMMARY);
        assert!(
            out.contains(
                r#""@l":"Information","SourceContext":"resetsquash","@m":"resetsquash: squashed 2 "#
            ),
            "{out}"
        );
        assert!(
            out.contains(r#","@mt":"resetsquash: squashed 2 rule=r"#),
            "{out}"
        );
    }
}
