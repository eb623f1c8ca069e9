//! A [`Report`] in the format asked for.
//!
//! Text, markdown and HTML lay out the same sections ([`super::sections`]), each its own way;
//! JSON is the report itself ([`super::json`]); the prometheus format its counts as gauges
//! ([`super::prometheus`]).

use super::html::Html;
use super::json;
use super::markdown::Markdown;
use super::model::Report;
use super::prometheus;
use super::sections::lay_out;
use super::text::Text;

/// Output formats of `resetsquash report`.
///
/// The command line has its own mirror of these (the library does not depend on clap).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
    Prometheus,
}

/// Renders `r` in `format`, with a timeline in buckets of `by` seconds.
pub fn render(r: &Report, format: Format, by: i64) -> String {
    match format {
        Format::Json => json::write(r),
        Format::Text => lay_out(&Text, r, by),
        Format::Markdown => lay_out(&Markdown, r, by),
        Format::Html => lay_out(&Html, r, by),
        Format::Prometheus => prometheus::write(r),
    }
}
