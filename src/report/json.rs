//! The JSON report: written as the report itself, read back for `--merge`.
//!
//! The schema is documented in `docs/report-json.md`. A reader refuses what it cannot merge
//! soundly (another schema, a newer version) with a message saying how to make a report it can.

use std::io::Read;

use super::model::{Report, SCHEMA, VERSION};
use crate::error::{Damage, Error, Salvage};
use crate::input::{self, Source};

/// The oldest version `--merge` still reads: version 1 lacks only `where.from_summaries`, which
/// is 0 there (its summary lines carried no lists).
const OLDEST_READ: u32 = 1;

/// The report as pretty-printed JSON, ending in a newline.
pub fn write(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("a report always serializes");
    s.push('\n');
    s
}

/// Reads a JSON report for `--merge`, as the newest version.
pub fn read(source: &Source) -> Result<Report, Error> {
    parse(source, &read_text(source)?)
}

/// The whole of `source`, as a file to merge (gzip undone).
pub fn read_text(source: &Source) -> Result<Vec<u8>, Error> {
    let name = source.name();
    let mut opened = input::open(source, 1 << 16)?;
    let mut text = Vec::new();
    opened
        .reader
        .read_to_end(&mut text)
        .map_err(|source| Error::Input {
            path: name.clone(),
            source,
        })?;
    if let Some(d) = opened.damage.get() {
        return Err(Error::Damaged(vec![Damage {
            salvage: Salvage::Unused,
            ..d.clone()
        }]));
    }
    Ok(text)
}

/// `text`, read from `source`, as a JSON report.
pub fn parse(source: &Source, text: &[u8]) -> Result<Report, Error> {
    let name = source.name();
    let bad = |msg: String| Error::Input {
        path: name.clone(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, msg),
    };
    if text.starts_with(crate::metrics::REPORT_HEADER.as_bytes()) {
        return Err(bad(
            "a report in the prometheus format: merge such files with --format prometheus".into(),
        ));
    }
    let head: serde_json::Value =
        serde_json::from_slice(text).map_err(|e| bad(format!("not a JSON report: {e}")))?;
    if head.get("schema").and_then(|s| s.as_str()) != Some(SCHEMA) {
        return Err(bad(format!(
            "not a resetsquash report (no \"schema\": \"{SCHEMA}\"); make one with \
             `resetsquash report --format json`"
        )));
    }
    match head.get("version").and_then(|v| v.as_u64()) {
        Some(v) if (u64::from(OLDEST_READ)..=u64::from(VERSION)).contains(&v) => {}
        v => {
            return Err(bad(format!(
                "report version {} is not one this resetsquash reads (it reads versions \
                 {OLDEST_READ} to {VERSION})",
                v.map_or("?".to_string(), |v| v.to_string())
            )));
        }
    }
    let mut report: Report =
        serde_json::from_value(head).map_err(|e| bad(format!("malformed report: {e}")))?;
    report.version = VERSION;
    Ok(report)
}
