//! The report as one self-contained HTML page: inline CSS and an inline SVG chart, no script and
//! nothing fetched, so it can be mailed, archived or opened offline.

use std::fmt::Write as _;

use super::model::Report;
use super::numbers::{num, percent, size};
use super::render::{groups, kinds, located, noise, scope, tops, totals};
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

/// The whole page.
pub fn page(r: &Report, by: i64) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Client aborts: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&scope(r))
    );
    let _ = writeln!(
        s,
        "<h1>Client aborts</h1><p class=\"scope\">{}</p>",
        esc(&scope(r))
    );
    let look: u64 = r.lookalikes.values().map(|l| l.tally.records).sum();
    let _ = writeln!(
        s,
        "<div class=\"cards\">\
         <div class=\"card\"><small>client-abort records squashed</small><span class=\"big\">{}</span>\
         <small>{} of {} records</small></div>\
         <div class=\"card\"><small>noise in the log</small><span class=\"big\">{}</span>\
         <small>{} lines, {} of the bytes</small></div>\
         <div class=\"card\"><small>genuine look-alikes kept</small><span class=\"big\">{}</span>\
         <small>outbound or no inbound client</small></div></div>",
        num(r.squashed),
        percent(r.squashed, r.records),
        num(r.records),
        size(r.squashed_bytes),
        num(r.squashed_lines),
        percent(r.squashed_bytes, r.bytes),
        num(look),
    );
    let _ = writeln!(s, "<ul>");
    for line in totals(r) {
        let _ = writeln!(s, "<li>{}</li>", esc(&line));
    }
    let _ = writeln!(s, "</ul>");
    let _ = writeln!(s, "<h2>Timeline, per {} of the log's clock</h2>", per(by));
    s.push_str(&chart(r, by));
    for h in &r.hints {
        let _ = writeln!(s, "<p class=\"hint\">{}</p>", esc(&h.text));
    }
    let _ = writeln!(
        s,
        "<h2>By rule</h2><table><tr><th>rule</th><th class=\"n\">records</th>\
         <th class=\"n\">lines</th><th class=\"n\">bytes</th></tr>"
    );
    for (rule, t) in &r.rules {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td></tr>",
            esc(rule),
            num(t.records),
            num(t.lines),
            size(t.bytes)
        );
    }
    let _ = writeln!(
        s,
        "</table><h2>By group</h2><table><tr><th class=\"n\">records</th><th>rule</th>\
         <th>group</th></tr>"
    );
    for (rule, group, n) in groups(r).into_iter().take(20) {
        let _ = writeln!(
            s,
            "<tr><td class=\"n\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            num(n),
            esc(rule),
            esc(group)
        );
    }
    let _ = writeln!(
        s,
        "</table><h2>Where</h2><p>{}.</p><div class=\"tops\">",
        esc(&located(r))
    );
    for (title, top) in tops(r) {
        if top.counts.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<div><table><tr><th>{title}</th><th class=\"n\">records</th></tr>"
        );
        for (k, n) in top.largest(10) {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(k),
                num(n)
            );
        }
        let _ = writeln!(s, "</table></div>");
    }
    let _ = writeln!(s, "</div><h2>Kinds</h2><p>{}</p>", esc(&kinds(r)));
    if !r.lookalikes.is_empty() {
        let _ = writeln!(
            s,
            "<h2>Look-alikes kept (genuine errors)</h2><table><tr><th>rule</th>\
             <th class=\"n\">records</th><th>first</th></tr>"
        );
        for (rule, l) in &r.lookalikes {
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td></tr>",
                esc(rule),
                num(l.tally.records),
                esc(&l.sample)
            );
        }
        let _ = writeln!(s, "</table>");
    }
    let _ = writeln!(s, "<h2>Noise left</h2>");
    let shown: Vec<_> = noise(r).collect();
    if shown.is_empty() {
        let _ = writeln!(s, "<p>No repeated records that no rule squashed.</p>");
    }
    for c in shown {
        let at = if c.frame.is_empty() {
            String::new()
        } else {
            format!(" at <code>{}</code>", esc(&c.frame))
        };
        let _ = writeln!(
            s,
            "<p><b>{} records</b>, {}: <code>{}</code>{at}</p>",
            num(c.tally.records),
            size(c.tally.bytes),
            esc(&c.chain)
        );
        if !c.draft.is_empty() {
            let _ = writeln!(
                s,
                "<details><summary>rule draft</summary><pre>{}</pre></details>",
                esc(&c.draft)
            );
        }
    }
    let _ = writeln!(s, "</body></html>");
    s
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
