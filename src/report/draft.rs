//! Rule drafts for the noise that is left: a rule a user can paste into a rules file, check
//! with `resetsquash rules check`, and edit.
//!
//! A draft is a starting point, not a verdict: it pairs the cluster's wording (`what`) with its
//! application frame (`where`), and says in its description what the user must confirm (that
//! the failing connection was an inbound client's). Every draft is compiled, and its example
//! run, before it is shown; one that does not pass says so.

use super::model::Cluster;
use crate::rules::{RuleSet, RuleSource};

/// The YAML of a rule for cluster `c`, the `rank`-th largest (1-based).
pub fn rule(c: &Cluster, rank: usize) -> String {
    let what = what(&c.chain);
    let mut y = String::new();
    y.push_str("rules:\n");
    y.push_str(&format!("  - id: draft-{rank}-{}\n", slug(&c.chain)));
    y.push_str(&format!(
        "    description: {}\n",
        quoted(&format!(
            "Drafted by resetsquash report from {} records like this; squash only if the \
             connection was an inbound client's",
            c.tally.records
        ))
    ));
    y.push_str("    what:\n");
    y.push_str(&format!("      - {}\n", quoted(&what)));
    match where_(&c.frame) {
        Some(w) => {
            y.push_str("    where:\n");
            y.push_str(&format!("      - {}\n", quoted(&w)));
        }
        None => y.push_str(
            "    # where: add an inbound anchor (a server frame, the logger, a level) first\n",
        ),
    }
    y.push_str("    examples:\n      squash:\n");
    y.push_str(&example(&up_to_frame(&c.sample, &c.frame)));
    match check(&y) {
        Ok(()) => y,
        Err(e) => format!("# resetsquash could not verify this draft: {e}\n{y}"),
    }
}

/// Whether a cluster's wording names a connection the peer dropped: only those get a draft.
/// Refusals, timeouts and everything else are genuine errors; a draft would invite hiding them.
pub fn worth_drafting(chain: &str) -> bool {
    const DROPPED: [&str; 9] = [
        "reset",
        "broken pipe",
        "epipe",
        "econnreset",
        "abort",
        "prematurely closed",
        "closed by",
        "eof",
        "connection closed",
    ];
    const GENUINE: [&str; 4] = ["refused", "timed out", "timeout", "bind"];
    let c = chain.to_ascii_lowercase();
    DROPPED.iter().any(|w| c.contains(w)) && !GENUINE.iter().any(|w| c.contains(w))
}

/// Compiles the draft alone and runs its example.
fn check(yaml: &str) -> Result<(), String> {
    let set = RuleSet::load(&[RuleSource {
        name: "draft.yaml".into(),
        text: yaml.to_string(),
    }])
    .map_err(|e| e.to_string())?;
    set.check_examples().map_err(|e| e.to_string())
}

/// The wording: the innermost exception and its message, or a one-line record's text, with
/// folded numbers (`#`) matching any number.
fn what(chain: &str) -> String {
    // `ClientAbortException < IOException: Broken pipe`: the last class and the message.
    let (classes, message) = match chain.split_once(": ") {
        Some((c, m)) if !c.contains(' ') || c.contains(" < ") => (c, m),
        _ => ("", chain),
    };
    let class = classes.rsplit(" < ").next().unwrap_or("");
    let mut re = String::new();
    if !class.is_empty() {
        re.push_str(&regex::escape(class));
        if !message.is_empty() {
            re.push_str(": ");
        }
    }
    let message = message.trim();
    // Keep the wording specific but short: the first 80 bytes, cut at a character.
    let mut cut = message.len().min(80);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    // `#` stands for a number, `/…` for a path (see the one-line cluster key).
    let parts: Vec<String> = message[..cut]
        .split('#')
        .map(|p| {
            let paths: Vec<String> = p.split("/…").map(regex::escape).collect();
            paths.join(r"/\S*")
        })
        .collect();
    re.push_str(&parts.join(r"\d+"));
    re
}

/// The inbound anchor: the application frame, as a Java frame or a Python `File` line.
fn where_(frame: &str) -> Option<String> {
    if frame.is_empty() {
        return None;
    }
    Some(match frame.split_once(" in ") {
        Some((path, func)) if path.contains('/') || path.ends_with(".py") => format!(
            r#"File "{}", line \d+, in {}"#,
            regex::escape(path),
            regex::escape(func)
        ),
        _ => format!(r"at {}\(", regex::escape(frame)),
    })
}

/// A Java sample up to its application frame (at least its first three lines): enough for the
/// example to show the wording and the anchor, short enough to read.
fn up_to_frame(sample: &str, frame: &str) -> String {
    if frame.contains(" in ") {
        // A Python traceback lists its frames before the exception: keep it whole.
        return sample.to_string();
    }
    let needle = frame;
    let mut out = String::new();
    for (i, line) in sample.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if i >= 2 && !needle.is_empty() && line.contains(needle) {
            break;
        }
    }
    out
}

/// A YAML block scalar holding the sample, or a quoted string where a block cannot hold it.
fn example(sample: &str) -> String {
    let block_safe = !sample.starts_with([' ', '\t'])
        && sample
            .chars()
            .all(|c| c == '\n' || c == '\t' || (!c.is_control() && c != '\u{feff}'));
    if block_safe {
        let mut out = String::from("        - |\n");
        for line in sample.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str("          ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    } else {
        format!("        - {}\n", quoted(sample))
    }
}

/// A double-quoted YAML string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Lower-case letters, digits and `-`, from the innermost class or the first words.
fn slug(chain: &str) -> String {
    let base = chain
        .split(": ")
        .next()
        .and_then(|c| c.rsplit(" < ").next())
        .unwrap_or(chain);
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 32 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "noise".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Tally;

    fn cluster(chain: &str, frame: &str, sample: &str) -> Cluster {
        Cluster {
            chain: chain.into(),
            frame: frame.into(),
            tally: Tally {
                records: 7,
                lines: 21,
                bytes: 900,
            },
            sample: sample.into(),
            draft: String::new(),
        }
    }

    #[test]
    fn a_java_draft_compiles_and_takes_its_example() {
        let c = cluster(
            "IOException: Stream closed by client #",
            "com.shop.Export.write",
            "2026-11-24 15:35:04.521 ERROR [exec-1] c.s.Export - export failed\n\
             java.io.IOException: Stream closed by client 40834\n\
             \tat com.shop.Export.write(Export.java:40)\n\
             \tat com.shop.Export.run(Export.java:12)\n",
        );
        let d = rule(&c, 1);
        assert!(
            d.starts_with("rules:\n  - id: draft-1-i-o-exception\n"),
            "{d}"
        );
        assert!(
            d.contains(r"IOException: Stream closed by client \\d+"),
            "{d}"
        );
        assert!(check(&d).is_ok(), "{d}");
    }

    #[test]
    fn a_python_draft_anchors_on_the_file_frame() {
        let c = cluster(
            "ConnectionAbortedError: [Errno 103] Software caused connection abort",
            "/srv/app/views.py in download",
            "ERROR:app:download failed\n\
             Traceback (most recent call last):\n\
             \x20 File \"/srv/app/views.py\", line 88, in download\n\
             \x20   conn.sendall(chunk)\n\
             ConnectionAbortedError: [Errno 103] Software caused connection abort\n",
        );
        let d = rule(&c, 2);
        assert!(
            d.contains(r#"File \"/srv/app/views\\.py\", line \\d+, in download"#),
            "{d}"
        );
        assert!(check(&d).is_ok(), "{d}");
    }

    #[test]
    fn only_dropped_connections_are_drafted() {
        assert!(worth_drafting("IOException: Connection reset by peer"));
        assert!(worth_drafting("EofException < EOFException"));
        assert!(!worth_drafting("ConnectException: Connection refused"));
        assert!(!worth_drafting(
            "NullPointerException: Cannot invoke \"String.trim()\""
        ));
        assert!(!worth_drafting("SocketTimeoutException: Read timed out"));
    }

    #[test]
    fn a_draft_that_cannot_pass_says_so() {
        // The frame is not in the sample: the example cannot be taken.
        let c = cluster(
            "IOException: gone",
            "com.other.Place.run",
            "2026-11-24 15:35:04.521 ERROR x - y\njava.io.IOException: gone\n\tat com.shop.A.b(A.java:1)\n",
        );
        assert!(rule(&c, 3).starts_with("# resetsquash could not verify this draft:"));
    }
}
