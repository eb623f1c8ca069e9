//! The report as one self-contained HTML page: inline CSS and an inline SVG chart, no script and
//! nothing fetched, so it can be mailed, archived or opened offline.

use std::fmt::Write as _;

use super::model::Report;
use super::numbers::num;
use super::sections::{self, Layout, SECTIONS, Section};
use super::timeline::{bucket_label, buckets, per};

/// The colour of the timeline's bars (a test looks for it in a rendered screenshot).
pub const BAR_COLOUR: &str = "#d9480f";

const STYLE: &str = "\
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;\
max-width:70rem;padding:0 1rem;color:#1d1d1f;background:#fff}\
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;\
border-bottom:1px solid #ddd;padding-bottom:.2rem}\
.scope{color:#555;margin-top:0}.big{font-size:2.2rem;font-weight:700;color:#d9480f}\
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #e3e3e3;border-radius:8px;\
padding:.6rem 1rem;min-width:12rem}.card small{color:#666;display:block}\
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .7rem;text-align:left;\
border-bottom:1px solid #eee;vertical-align:top}td.n,th.n{text-align:right;\
font-variant-numeric:tabular-nums}code,pre{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}\
pre{background:#f6f6f6;padding:.6rem;overflow:auto;border-radius:6px}\
.tops{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}\
svg text{font:11px system-ui,sans-serif;fill:#555}.hint{background:#fff4e6;\
border-left:4px solid #d9480f;padding:.4rem .8rem;margin:.5rem 0}";

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// One self-contained page.
pub struct Html;

impl Layout for Html {
    /// A page shows first what a reader takes in at a glance (the headline numbers, the chart
    /// and the hints), then the tables; otherwise in [`SECTIONS`]' order.
    fn order(&self) -> Vec<Section> {
        let mut order = SECTIONS.to_vec();
        order.sort_by_key(|s| {
            !matches!(
                s,
                Section::Scope | Section::Totals | Section::Timeline | Section::Hints
            )
        });
        order
    }

    fn open(&self, s: &mut String, r: &Report) {
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Client aborts: {}</title><style>{STYLE}</style></head><body>\n",
            esc(&sections::scope(r))
        );
    }

    // Each table and list is closed by the section that opened it, so a section may be
    // moved or left out.
    fn section(&self, s: &mut String, r: &Report, by: i64, section: Section) {
        match section {
            Section::Scope => {
                let _ = writeln!(
                    s,
                    "<h1>Client aborts</h1><p class=\"scope\">{}</p>",
                    esc(&sections::scope(r))
                );
            }
            Section::Totals => totals(s, r),
            Section::Rules => {
                let _ = writeln!(
                    s,
                    "<h2>By rule</h2><table><tr><th>rule</th><th class=\"n\">records</th>\
                     <th class=\"n\">lines</th><th class=\"n\">bytes</th></tr>"
                );
                for (rule, [records, lines, bytes]) in sections::rules(r) {
                    let _ = writeln!(
                        s,
                        "<tr><td><code>{}</code></td><td class=\"n\">{records}</td>\
                         <td class=\"n\">{lines}</td><td class=\"n\">{bytes}</td></tr>",
                        esc(rule)
                    );
                }
                s.push_str("</table>");
            }
            Section::Groups => {
                let _ = writeln!(
                    s,
                    "<h2>By group</h2><table><tr><th class=\"n\">records</th><th>rule</th>\
                     <th>group</th></tr>"
                );
                for (rule, group, n) in sections::groups(r) {
                    let (rule, group) = (esc(rule), esc(group));
                    let _ = writeln!(
                        s,
                        "<tr><td class=\"n\">{}</td><td><code>{rule}</code></td><td>{group}</td></tr>",
                        num(n)
                    );
                }
                s.push_str("</table>");
            }
            Section::Timeline => {
                let _ = writeln!(s, "<h2>Timeline, per {} of the log's clock</h2>", per(by));
                s.push_str(&chart(r, by));
            }
            Section::Where => {
                let located = esc(&sections::located(r));
                let _ = writeln!(s, "<h2>Where</h2><p>{located}.</p><div class=\"tops\">");
                for (title, entries) in sections::where_lists(r) {
                    let _ = writeln!(
                        s,
                        "<div><table><tr><th>{title}</th><th class=\"n\">records</th></tr>"
                    );
                    for (k, n) in entries {
                        let (k, n) = (esc(k), num(n));
                        let _ = writeln!(s, "<tr><td>{k}</td><td class=\"n\">{n}</td></tr>");
                    }
                    let _ = writeln!(s, "</table></div>");
                }
                s.push_str("</div>");
            }
            Section::Kinds => {
                let _ = writeln!(s, "<h2>Kinds</h2><p>{}</p>", esc(&sections::kinds(r)));
            }
            Section::Hints => {
                for h in &r.hints {
                    let _ = writeln!(s, "<p class=\"hint\">{}</p>", esc(&h.text));
                }
            }
            Section::LookAlikes => lookalikes(s, r),
            Section::Noise => noise(s, r),
        }
    }

    fn close(&self, s: &mut String) {
        let _ = writeln!(s, "</body></html>");
    }
}

/// The headline numbers as cards, then as the prose text and markdown show.
fn totals(s: &mut String, r: &Report) {
    let h = sections::headline(r);
    let _ = writeln!(
        s,
        "<div class=\"cards\">\
         <div class=\"card\"><small>client-abort records squashed</small><span class=\"big\">{}</span>\
         <small>{} of {} records</small></div>\
         <div class=\"card\"><small>noise in the log</small><span class=\"big\">{}</span>\
         <small>{} lines, {} of the bytes</small></div>\
         <div class=\"card\"><small>genuine look-alikes kept</small><span class=\"big\">{}</span>\
         <small>outbound or no inbound client</small></div></div>",
        h.squashed,
        h.share,
        h.records,
        h.size,
        h.lines,
        h.byte_share,
        num(sections::lookalikes(r)),
    );
    let _ = writeln!(s, "<ul>");
    for line in sections::totals(r) {
        let _ = writeln!(s, "<li>{}</li>", esc(&line));
    }
    let _ = writeln!(s, "</ul>");
}

fn lookalikes(s: &mut String, r: &Report) {
    let rows = r.lookalikes.iter().map(|(rule, l)| {
        let (rule, n, first) = (esc(rule), num(l.tally.records), esc(&l.sample));
        format!("<tr><td><code>{rule}</code></td><td class=\"n\">{n}</td><td>{first}</td></tr>")
    });
    let head = "<h2>Look-alikes kept (genuine errors)</h2><table><tr><th>rule</th>\
                <th class=\"n\">records</th><th>first</th></tr>";
    sections::listed(s, head, rows, Some("</table>"));
}

fn noise(s: &mut String, r: &Report) {
    let shown = sections::noise(r);
    s.push_str("<h2>Noise left</h2>\n");
    if shown.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", sections::NO_NOISE);
    }
    for c in &shown {
        let at = c.at(|f| format!("<code>{}</code>", esc(f)));
        let (records, size, chain) = (&c.records, &c.size, esc(c.chain));
        let draft = c.draft.map_or(String::new(), |d| {
            format!(
                "<details><summary>rule draft</summary><pre>{}</pre></details>\n",
                esc(d)
            )
        });
        let _ = write!(
            s,
            "<p><b>{records} records</b>, {size}: <code>{chain}</code>{at}</p>\n{draft}"
        );
    }
}

/// The timeline as an SVG bar chart, one bar per bucket, with the busiest bucket labelled.
fn chart(r: &Report, by: i64) -> String {
    let rows = buckets(&r.timeline, by);
    if rows.is_empty() {
        return "<p>No timestamped client aborts.</p>\n".into();
    }
    let (w, h, left, bottom) = (960.0_f64, 240.0_f64, 48.0_f64, 36.0_f64);
    let max = rows.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let slot = (w - left) / rows.len() as f64;
    let bar_w = (slot * 0.8).max(1.0);
    let plot = h - bottom - 10.0;
    let mut s = format!(
        "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" role=\"img\" aria-label=\"client aborts per {}\">\n",
        per(by)
    );
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{0}\" x2=\"{w}\" y2=\"{0}\" stroke=\"#999\"/>\
         <text x=\"{1}\" y=\"14\" text-anchor=\"end\">{2}</text>\
         <text x=\"{1}\" y=\"{0}\" text-anchor=\"end\">0</text>",
        h - bottom,
        left - 6.0,
        num(max as u64)
    );
    let label_every = (rows.len() / 8).max(1);
    for (i, (b, n)) in rows.iter().enumerate() {
        let x = left + i as f64 * slot + (slot - bar_w) / 2.0;
        let bh = (*n as f64 / max * plot).max(if *n > 0 { 1.0 } else { 0.0 });
        let _ = writeln!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{bh:.1}\" \
             fill=\"{BAR_COLOUR}\"><title>{}: {}</title></rect>",
            h - bottom - bh,
            esc(&bucket_label(*b, by)),
            num(*n)
        );
        if i % label_every == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + bar_w / 2.0,
                h - bottom + 16.0,
                esc(&bucket_label(*b, by))
            );
        }
    }
    s.push_str("</svg>\n");
    s
}
