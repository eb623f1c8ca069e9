//! `--format prometheus`: one report's counts as Prometheus gauges (the families and labels are
//! [`crate::metrics`]'s), for a daily job that drops the file in node_exporter's textfile
//! folder; and `--merge` over such files, JSON reports among them.
//!
//! The `log` label is the first input's name up to its first dot, as for `--metrics`: a report
//! over `catalina.out.1.gz catalina.out.2.gz` is `catalina`'s.

use std::path::Path;

use super::json;
use super::model::Report;
use crate::error::{Error, STDIN_NAME};
use crate::input::Source;
use crate::metrics::{REPORT_HEADER, ReportCounts, Samples, log_name};

/// `r` in the text format.
pub fn write(r: &Report) -> String {
    samples(r).render(REPORT_HEADER, None)
}

fn samples(r: &Report) -> Samples {
    let first = r
        .inputs
        .first()
        .map(|i| i.name.as_str())
        .filter(|&n| n != STDIN_NAME);
    let counts = ReportCounts {
        rules: r
            .rules
            .iter()
            .map(|(id, t)| {
                let kinds = r.rule_kinds.get(id).cloned().unwrap_or_default();
                (id.clone(), t.records, kinds)
            })
            .collect(),
        records: r.records,
        squashed: r.squashed,
        lookalikes: r.lookalikes.values().map(|l| l.tally.records).sum(),
        unsquashable: r.unsound,
        squashed_bytes: r.squashed_bytes,
    };
    Samples::of_report(&log_name(first.map(Path::new)), &counts)
}

/// `--merge --format prometheus`: every series of every input added up; an input is a file of
/// this format or a JSON report.
pub fn merge(sources: &[Source]) -> Result<String, Error> {
    let mut total = Samples::default();
    for source in sources {
        let text = json::read_text(source)?;
        let samples = if text.starts_with(REPORT_HEADER.as_bytes()) {
            let bad = |why: String| Error::Input {
                path: source.name(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, why),
            };
            let text = std::str::from_utf8(&text).map_err(|_| bad("not UTF-8 text".into()))?;
            Samples::parse(text, REPORT_HEADER).map_err(|why| {
                bad(format!(
                    "not a report in the prometheus format as resetsquash writes it: {why}"
                ))
            })?
        } else {
            samples(&json::parse(source, &text)?)
        };
        total.add(&samples);
    }
    Ok(total.render(REPORT_HEADER, None))
}
