//! Rules as data: the built-in set is valid and its examples behave; broken files give errors
//! that point at the mistake.

use regex::bytes::Regex;

use super::pattern::alternation;
use super::*;
use crate::error::Error;
use crate::record;

fn load(name: &str, text: &str) -> Result<RuleSet, Error> {
    RuleSet::load(&[RuleSource {
        name: name.into(),
        text: text.into(),
    }])
}

fn errors(text: &str) -> Vec<String> {
    match load("ours.yaml", text) {
        Err(Error::Rules(errors)) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("expected errors for:\n{text}"),
    }
}

/// Asserts that the error `e` starts with `prefix`, showing the whole error where it does not.
#[track_caller]
fn assert_starts(e: &str, prefix: &str) {
    assert!(e.starts_with(prefix), "{e}");
}

#[test]
fn every_built_in_rule_compiles_and_its_examples_behave() {
    let set = RuleSet::load(&RuleSource::built_in()).unwrap_or_else(|e| panic!("{e}"));
    set.check_examples().unwrap_or_else(|e| panic!("{e}"));
    for rule in set.rules() {
        assert!(
            !rule.examples.squash.is_empty() && !rule.examples.keep.is_empty(),
            "built-in rule `{}` needs a squash and a keep example",
            rule.id
        );
    }
}

#[test]
fn built_in_ids_are_unique() {
    // `load` rejects duplicates; this states the contract for the built-in files directly.
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let mut ids: Vec<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn a_rule_takes_a_record_only_with_wording_anchor_and_no_veto() {
    let set = load(
        "t.yaml",
        r"
never: ['at com\.mysql\.']
rules:
  - id: out-io
    description: test
    what: ['Broken pipe']
    where: ['at org\.apache\.catalina\.connector\.OutputBuffer']
    never: ['SocketTimeoutException']
",
    )
    .unwrap();
    let rec = |s: &str| set.decide(s.as_bytes());
    let inbound = "java.io.IOException: Broken pipe\n\tat org.apache.catalina.connector.OutputBuffer.x(OutputBuffer.java:1)\n";
    assert_eq!(rec(inbound), Decision::Squash(0));
    assert_eq!(
        rec("java.io.IOException: Broken pipe\n\tat a.B.c(B.java:1)\n"),
        Decision::Keep(Some((0, Miss::Where)))
    );
    assert_eq!(
        rec(&format!(
            "{inbound}\tat com.mysql.cj.protocol.X.y(X.java:2)\n"
        )),
        Decision::Keep(Some((0, Miss::GlobalNever)))
    );
    assert_eq!(
        rec(&format!(
            "{inbound}Caused by: java.net.SocketTimeoutException\n"
        )),
        Decision::Keep(Some((0, Miss::Never)))
    );
    assert_eq!(rec("all is well\n"), Decision::Keep(None));
}

#[test]
fn literals_are_worked_out_from_what() {
    assert_eq!(
        required_literals("Broken pipe|Connection reset by peer").unwrap(),
        vec![
            b"Broken pipe".to_vec(),
            b"Connection reset by peer".to_vec()
        ]
    );
    assert!(
        required_literals(r"\w+Exception").is_some(),
        "suffix literal"
    );
    assert!(required_literals(r"\w+\d+").is_none());
}

#[test]
fn a_pattern_without_fixed_text_needs_literal() {
    let e = errors("rules:\n  - id: vague\n    description: d\n    what: ['\\w+\\d+']\n");
    assert_eq!(e.len(), 1);
    assert_starts(
        &e[0],
        "ours.yaml:4:11: rule `vague`: cannot find fixed text",
    );
    load(
        "ok.yaml",
        "rules:\n  - id: vague\n    description: d\n    what: ['\\w+\\d+']\n    literal: ['abc']\n",
    )
    .unwrap();
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let e = errors(
        "rules:\n  - id: tomcat-abort\n    description: d\n    what: [went away]\n    wehre: [y]\n",
    );
    assert_eq!(
        e,
        vec!["ours.yaml:5:5: rule `tomcat-abort`: unknown key `wehre`; did you mean `where`?"]
    );
    let e = errors("rule:\n  - id: a\n");
    assert!(
        e[0].starts_with("ours.yaml:1:1: unknown key `rule`; did you mean `rules`?"),
        "{e:?}"
    );
}

#[test]
fn bad_yaml_names_the_position() {
    let e = errors("rules:\n  - id: a\n    what: [unclosed\n");
    assert_eq!(e.len(), 1);
    assert_starts(&e[0], "ours.yaml:");
    assert!(e[0].contains("not valid YAML"), "{}", e[0]);
}

#[test]
fn bad_regexes_name_the_pattern_position_and_the_rule() {
    let e =
        errors("rules:\n  - id: a\n    description: d\n    what:\n      - 'ok'\n      - 'bad(('\n");
    assert_eq!(e.len(), 1);
    assert_starts(&e[0], "ours.yaml:6:9: rule `a`: bad regex in `what`: ");
}

#[test]
fn duplicate_ids_point_at_both_definitions() {
    let e = errors(
        "rules:\n  - id: a\n    description: d\n    what: [went away]\n  - id: a\n    description: d\n    what: [gone away]\n",
    );
    assert_eq!(
        e,
        vec!["ours.yaml:5:5: rule `a`: duplicate rule id; it is first defined at ours.yaml:2:5"]
    );
}

#[test]
fn missing_keys_and_wrong_shapes_are_reported() {
    assert!(
        errors("rules:\n  - description: d\n    what: [went away]\n")[0].contains("missing `id`")
    );
    assert!(
        errors("rules:\n  - id: a\n    what: [went away]\n")[0].contains("missing `description`")
    );
    assert!(errors("rules:\n  - id: a\n    description: d\n")[0].contains("missing `what`"));
    assert!(errors("rules: 3\n")[0].contains("`rules` must be a list"));
    assert!(
        errors("rules:\n  - id: Bad_Id\n    description: d\n    what: [went away]\n")[0]
            .contains("lower-case")
    );
    assert!(errors("")[0].contains("empty rules file"));
}

#[test]
fn alias_bombs_are_refused_not_expanded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("rules: []\n");
    let e = errors(&text);
    assert!(!e.is_empty());
}

#[test]
fn examples_that_misbehave_are_reported() {
    let set = load(
        "ours.yaml",
        r"
rules:
  - id: pipe
    description: d
    what: ['Broken pipe']
    examples:
      squash:
        - 'all is well'
      keep:
        - 'java.io.IOException: Broken pipe'
",
    )
    .unwrap();
    let Err(Error::Rules(e)) = set.check_examples() else {
        panic!("examples should fail")
    };
    let e: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert_eq!(
        e,
        vec![
            "ours.yaml:8:11: rule `pipe`: squash example 1 is not taken by this rule: none of its literals occurs",
            "ours.yaml:10:11: rule `pipe`: keep example 1 would be squashed by rule `pipe`",
        ]
    );
}

#[test]
fn line_local_regexes_are_told_apart() {
    let local = |p: &str| cache::is_line_local(p);
    // Inside one line, with line anchors and ASCII word boundaries.
    assert!(local(r"\bBroken pipe\b"));
    assert!(local(r"^\d{4}/\d\d/\d\d \[info\] "));
    assert!(local(r"client: [^,\n]+$"));
    // A match could cross a line end, start at the text's start, or be empty.
    assert!(!local(r"(?s)Broken.pipe"));
    assert!(!local(r"Broken pipe\n\tat "));
    assert!(!local(r"[^x]+pipe"));
    assert!(!local(r"\ABroken"));
    assert!(!local(r"pipe\z"));
    assert!(!local(r"x*"));
    assert!(!local(r"(?u)\bpipe"));
}

#[test]
fn most_built_in_regexes_are_line_local() {
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let slots = set.line_local().len();
    let present = set
        .rules()
        .iter()
        .flat_map(|r| [Some(&r.what), r.where_.as_ref(), r.never.as_ref()])
        .chain([set.global_never.as_ref()])
        .collect::<Vec<_>>();
    // The evidence classes' regexes follow; those over a record's first line (`\A`) are not
    // line-local, and are cheap all the same.
    let rule_slots = present.len();
    assert_eq!(
        rule_slots + set.evidence().classes().len() + 1,
        slots,
        "a slot per rule regex, the file-level never, and each evidence regex"
    );
    let slots = rule_slots;
    let not_local: Vec<&str> = present
        .iter()
        .zip(set.line_local())
        .filter_map(|(re, &l)| re.filter(|_| !l).map(|re| re.as_str()))
        .collect();
    assert!(set.literals_line_local);
    assert!(
        set.line_local()[slots - 1],
        "the file-level `never` is read on every squashed record"
    );
    let evidence = &set.line_local()[slots..];
    assert!(
        evidence.last() == Some(&true),
        "the socket frames are looked for on every record the generic rule weighs"
    );
    eprintln!("not line-local: {not_local:#?}");
    assert!(not_local.len() * 5 < slots, "{not_local:#?}");
}

/// Every `.log` file under `testdata/`, recursively.
fn test_logs() -> Vec<Vec<u8>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "log") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut paths,
    );
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Decides every record both ways and with each record's first line put in front of the next
/// record's rest (a cached rest met again under another first line), through one cache.
fn assert_cache_agrees(set: &RuleSet, records: &[Vec<u8>]) -> usize {
    let mut cache = BodyCache::default();
    let mut checked = 0;
    let mut agree = |record: &[u8]| {
        assert_eq!(
            set.decide_cached(record, &mut cache),
            set.decide(record),
            "{:?}",
            String::from_utf8_lossy(record)
        );
        checked += 1;
    };
    for pair in records.windows(2) {
        agree(&pair[0]);
        agree(&pair[0]);
        if let (Some(a), Some(b)) = (
            memchr::memchr(b'\n', &pair[0]),
            memchr::memchr(b'\n', &pair[1]),
        ) {
            let mixed = [&pair[0][..=a], &pair[1][b + 1..]].concat();
            agree(&mixed);
        }
    }
    checked
}

#[test]
fn cached_decisions_are_the_uncached_ones_on_every_test_log() {
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let mut records = Vec::new();
    for log in test_logs() {
        for r in record::split_records(&log) {
            records.push(log[r].to_vec());
        }
    }
    // CRLF copies: `$` and `\r` at line ends.
    let crlf: Vec<Vec<u8>> = records
        .iter()
        .map(|r| {
            r.split(|&b| b == b'\n')
                .collect::<Vec<_>>()
                .join(&b"\r\n"[..])
        })
        .collect();
    let squashed = records
        .iter()
        .filter(|r| matches!(set.decide(r), Decision::Squash(_)))
        .count();
    assert!(
        squashed > 100,
        "the test logs must hold many squashable records"
    );
    assert!(assert_cache_agrees(&set, &records) > 1000);
    assert_cache_agrees(&set, &crlf);
}

#[test]
fn cached_decisions_are_the_uncached_ones_when_lines_move_between_records() {
    // The cache answers line by line: a line seen in one record, in one place, is met again in
    // others, in other places, beside lines never seen, some answered and some not. Records are
    // rebuilt from the test logs' lines in a seeded random order, and decided both ways.
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let mut heads: Vec<Vec<u8>> = Vec::new();
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for log in test_logs() {
        for r in record::split_records(&log) {
            let mut parts = log[r].split_inclusive(|&b| b == b'\n');
            heads.extend(parts.next().map(<[u8]>::to_vec));
            lines.extend(parts.map(<[u8]>::to_vec));
        }
    }
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut cache = BodyCache::default();
    let (mut squashed, mut kept) = (0, 0);
    for _ in 0..20_000 {
        let mut record = heads[next(heads.len())].clone();
        // Runs of neighbouring lines (a trace's frames together), from anywhere.
        for _ in 0..1 + next(6) {
            let at = next(lines.len());
            for line in lines.iter().skip(at).take(1 + next(40)) {
                record.extend_from_slice(line);
            }
        }
        if next(4) == 0 {
            record.pop(); // no terminator on the last line
        }
        let uncached = set.decide(&record);
        match uncached {
            Decision::Squash(_) => squashed += 1,
            Decision::Keep(_) => kept += 1,
        }
        assert_eq!(
            set.decide_cached(&record, &mut cache),
            uncached,
            "{:?}",
            String::from_utf8_lossy(&record)
        );
    }
    assert!(
        squashed > 1000 && kept > 1000,
        "{squashed} squashed, {kept} kept"
    );
}

#[test]
fn cached_decisions_are_the_uncached_ones_at_line_edges() {
    // Anchors and word boundaries right where the first line ends and the rest begins.
    let set = load(
        "edges.yaml",
        r#"
never:
  - '^NEVER\b'
rules:
  - id: edges
    description: anchors and word boundaries at line edges
    what: ['\bpipe$', '^\tat x\.Y\b']
    where: ['(?m)^second line$', '\Bmid\B']
    never: ['\Afirst', 'vetoed\z']
    literal: ['pipe', 'at x.Y', 'second', 'mid']
    examples:
      squash: ["2026-11-24 15:35:04.521 a pipe\nsecond line\n"]
      keep: ["2026-11-24 15:35:04.521 nothing\n"]
  - id: empty-line
    description: an empty match, which may fall right after the first line
    what: ['lonely']
    where: ['^(?:none)?$']
    examples:
      squash: ["2026-11-24 15:35:04.521 lonely\n\n"]
      keep: ["2026-11-24 15:35:04.521 nothing\n"]
"#,
    )
    .unwrap();
    let heads: &[&[u8]] = &[
        b"2026-11-24 15:35:04.521 a pipe\n",
        b"2026-11-24 15:35:04.521 a pipe\r\n",
        b"first 2026-11-24 15:35:04.521 x\n",
        b"2026-11-24 15:35:04.521 amidst\n",
        b"NEVER 2026\n",
        b"2026-11-24 15:35:04.521 lonely\n",
        b"\n",
    ];
    let pad = "\tat filler.Frame(Frame.java:1)\n".repeat(6);
    let bodies: Vec<Vec<u8>> = [
        "second line\n",
        "second line\r\n",
        "\tat x.Y.z(Y.java:1)\nsecond line",
        "NEVER again\n",
        "xsecond line\n",
        "amidst the pipe\n",
        "vetoed",
        "\n\n",
        "lonely",
        "lonely\n\nlonely",
    ]
    .iter()
    .map(|b| format!("{pad}{b}").into_bytes())
    // A rest that starts where the record does not: `\A` must not match there.
    .chain([format!("first\n{pad}second line\n").into_bytes()])
    .collect();
    let mut records = Vec::new();
    for h in heads {
        for b in &bodies {
            records.push([*h, &b[..]].concat());
        }
    }
    assert!(
        records
            .iter()
            .any(|r| matches!(set.decide(r), Decision::Squash(_)))
    );
    assert!(
        records
            .iter()
            .any(|r| matches!(set.decide(r), Decision::Keep(_)))
    );
    assert_cache_agrees(&set, &records);
    // Each record again after every other, so each rest is met under every first line.
    let mut cache = BodyCache::default();
    for r in records.iter().chain(&records) {
        assert_eq!(set.decide_cached(r, &mut cache), set.decide(r));
    }
}

#[test]
fn a_yaml_error_at_the_end_of_the_file_points_into_the_file() {
    // The YAML parser places an error it finds at the very end on the line after the last, which
    // does not exist when the file has no final line break (found by fuzzing the loader).
    assert_eq!(
        errors("rules: ["),
        [
            "ours.yaml:1:9: not valid YAML at the end of the file: while parsing a node, did not find expected node content"
        ]
    );
    assert_eq!(
        errors("rules:\n  - id: x\n    what: [abc\n# c\n# d"),
        [
            "ours.yaml:5:4: not valid YAML at the end of the file: while parsing a flow sequence, expected ',' or ']'"
        ]
    );
    // With a final line break, the empty line after it is where the file ends.
    assert_eq!(
        errors("rules: [\n"),
        ["ours.yaml:2:1: not valid YAML: while parsing a node, did not find expected node content"]
    );
}

#[test]
fn an_empty_second_document_at_the_end_is_pointed_at_inside_the_file() {
    // The parser places the empty document after the last line; it is reported where `---` ends.
    assert_eq!(
        errors("rules:\n  - id: x\n    what: ['y']\n---")[0],
        "ours.yaml:4:4: more than one YAML document; put all rules in one"
    );
}

#[test]
fn each_broken_pattern_is_named_even_where_the_join_would_hide_it() {
    // Joined as `(?:a|(?:b)|(?:c))`, these two balance each other's parentheses; each is still
    // refused where it was written, as it is compiled alone.
    let e = errors(
        "rules:\n  - id: a\n    description: d\n    what:\n      - 'a|(?:b'\n      - 'c)'\n",
    );
    assert_eq!(e.len(), 2, "{e:?}");
    assert_starts(&e[0], "ours.yaml:5:9: rule `a`: bad regex in `what`: ");
    assert_starts(&e[1], "ours.yaml:6:9: rule `a`: bad regex in `what`: ");
}

#[test]
fn patterns_that_compile_alone_but_not_together_are_named_together() {
    // Each alone is under the size limit, their alternation is not.
    let big = |c: char| format!("(?:[a-z]{{1000}}){{200}}{c}");
    let text = format!(
        "rules:\n  - id: a\n    description: d\n    what:\n      - '{}'\n      - '{}'\n      - '{}'\n",
        big('x'),
        big('y'),
        big('z')
    );
    let alone = compile(&format!("(?:{})", big('x')));
    let joined = alternation(&[big('x'), big('y'), big('z')], false);
    assert!(alone.is_ok() && joined.is_err(), "the sizes need adjusting");
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_starts(
        &e[0],
        "ours.yaml:5:7: rule `a`: the patterns in `what` together: ",
    );
}

#[test]
fn patterns_are_checked_as_they_are_joined() {
    // Found by fuzzing: a pattern at the regex nesting limit compiles alone but not inside the
    // group that joins a rule's patterns, and the join panicked.
    let pattern = (1..1000)
        .map(|n| format!("Broken pipe{}", "+".repeat(n)))
        .find(|p| compile(&format!("(?:{p})")).is_err())
        .unwrap();
    assert!(compile(&pattern).is_ok(), "alone, it compiles");
    let text = format!("rules:\n  - id: x\n    description: d\n    what: ['{pattern}']\n");
    let errs = errors(&text);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(
            "ours.yaml:4:12: rule `x`: bad regex in `what`: exceed the maximum number of nested"
        ),
        "{}",
        errs[0]
    );
}

#[test]
fn the_nginx_group_is_the_message_up_to_the_client() {
    // The built-in nginx rule spells its group out byte by byte, so that its capture is cheap
    // (see rules/nginx.yaml); it must group exactly as the plain reading of it would.
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let i = set
        .rules()
        .iter()
        .position(|r| r.id == "nginx-client-abort")
        .unwrap();
    let GroupBy::Capture(fast) = &set.rules()[i].group else {
        panic!("the nginx rule groups by a capture");
    };
    let plain = compile(r"\*\d+ (.+?)(?:, client: |$)").unwrap();
    let group = |re: &Regex, record: &[u8]| re.captures(record).map(|c| c[1].to_vec());
    let mut records: Vec<Vec<u8>> = Vec::new();
    for log in test_logs() {
        for r in record::split_records(&log) {
            records.push(log[r].to_vec());
        }
    }
    // And the shapes the test logs lack: no client, a comma before the client, CRLF.
    for extra in [
        "2026/11/24 15:48:49 [info] 1#1: *7 recv() failed (104: Connection reset by peer)\n",
        "2026/11/24 15:48:49 [info] 1#1: *7 client prematurely closed connection, so upstream connection is closed too, client: 10.0.0.1, server: x\n",
        "2026/11/24 15:48:49 [info] 1#1: *7 client prematurely closed connection, clients: 2, client: 10.0.0.1\r\n",
    ] {
        records.push(extra.as_bytes().to_vec());
    }
    let mut checked = 0;
    for record in &records {
        if set.decide(record) == Decision::Squash(i) {
            assert_eq!(
                group(fast, record),
                group(&plain, record),
                "{}",
                String::from_utf8_lossy(record)
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} nginx aborts in the test logs");
}

const EVIDENCE: &str = r"
socket-frames: ['^[ \t]*at sun\.nio\.ch\.']
runtime-frames: ['^[ \t]*at java\.io\.']
evidence:
  - id: thread
    side: inbound
    description: a request thread
    patterns: ['\A[^\n]*\[(exec-\d+)\]']
  - id: server-io
    side: inbound
    description: a server's socket I/O
    innermost: ['^[ \t]*at srv\.']
  - id: driver
    side: outbound
    description: a driver's words
    patterns: ['\bdriver\b']
  - id: own
    side: outbound
    description: anything else owns the socket
    innermost: ['^[ \t]*at ']
rules:
  - id: any-pipe
    description: test
    what: ['Broken pipe']
    evidence: inbound
";

#[test]
fn a_rule_that_asks_for_evidence_needs_inbound_and_no_outbound() {
    let set = load("t.yaml", EVIDENCE).unwrap();
    let rec = |s: &str| set.decide(s.as_bytes());
    let no = |m: Miss| Decision::Keep(Some((0, m)));
    assert_eq!(rec("[exec-4] failed: Broken pipe\n"), Decision::Squash(0));
    assert_eq!(rec("[main] failed: Broken pipe\n"), no(Miss::NoInbound));
    // A request thread is no match for an outbound sign.
    assert_eq!(
        rec("[exec-4] driver failed: Broken pipe\n"),
        no(Miss::Outbound(2))
    );
    // The innermost frames: the first frame above the socket code that is not the runtime's.
    let frames = |owner: &str| {
        format!(
            "[main] failed\njava.io.IOException: Broken pipe\n\tat sun.nio.ch.IO.write(X)\n\
             \tat java.io.Out.write(X)\n\tat {owner}.write(X)\n"
        )
    };
    assert_eq!(rec(&frames("srv.Conn")), Decision::Squash(0));
    assert_eq!(rec(&frames("app.Push")), no(Miss::Outbound(3)));
    // On a request thread too: the application's own socket is outbound evidence.
    assert_eq!(
        rec(&frames("app.Push").replace("[main]", "[exec-1]")),
        no(Miss::Outbound(3))
    );
    let explained = set.why_taken(0, b"[exec-4] failed: Broken pipe\n");
    assert_eq!(
        explained,
        "inbound evidence `thread` (`exec-4`); no outbound evidence"
    );
}

#[test]
fn evidence_mistakes_are_reported() {
    let e = errors(&EVIDENCE.replace(
        "side: outbound\n    description: a driver",
        "side: out\n    description: a driver",
    ));
    assert_starts(
        &e[0],
        "ours.yaml:14:11: evidence class `driver`: `side` is `inbound`, `outbound` or `neither`",
    );
    let e = errors(
        "rules:\n  - id: p\n    description: d\n    what: ['Broken pipe']\n    evidence: inbound\n",
    );
    assert_starts(
        &e[0],
        "ours.yaml:2:5: rule `p`: `evidence: inbound`, but no rules file",
    );
    let e = errors(&format!(
        "{EVIDENCE}  - id: q\n    description: d\n    what: ['x{{3}}']\n    literal: ['xxx']\n    evidence: outbound\n"
    ));
    assert_starts(&e[0], "ours.yaml:30:15: rule `q`: `evidence` is `inbound`");
}

#[test]
fn the_quick_literal_search_finds_a_part_of_every_literal() {
    // 80 literals, more than the SIMD searcher takes: cut down, each still has one of the
    // cut-down patterns inside it, so a text without any of them holds none of the 80.
    let literals: Vec<Vec<u8>> = (0..80)
        .map(|i| format!("Exception number {i:03} of the connector").into_bytes())
        .chain([
            b"Broken pipe".to_vec(),
            b"java.io.IOException: Broken pipe".to_vec(),
        ])
        .collect();
    let cut = super::skim::skim_patterns(&literals);
    assert!(cut.len() <= 64, "{}", cut.len());
    for l in &literals {
        assert!(
            cut.iter().any(|c| memchr::memmem::find(l, c).is_some()),
            "{}",
            String::from_utf8_lossy(l)
        );
    }
    assert!(
        !cut.contains(&b"java.io.IOException: Broken pipe".to_vec()),
        "held by a shorter one"
    );
}

#[test]
fn every_built_in_regex_compiles() {
    // The built-in files' regexes are compiled when a record first asks them (`Lazy`), so a
    // run never finds out that one does not: this test does, for every one of them.
    let set = RuleSet::load(&RuleSource::built_in()).unwrap();
    let rules = set.rules().iter().flat_map(|r| {
        let group = match &r.group {
            crate::rules::GroupBy::Capture(re) => Some(re),
            _ => None,
        };
        [Some(&r.what), r.where_.as_ref(), r.never.as_ref(), group]
    });
    let all: Vec<&super::pattern::Lazy> = rules
        .flatten()
        .chain(set.global_never.as_ref())
        .chain(set.evidence().all_regexes())
        .collect();
    assert!(all.len() > 100, "only {} regexes", all.len());
    for re in all {
        if let Err(e) = super::pattern::compile(re.as_str()) {
            panic!("{}: {e}", re.as_str());
        }
    }
}

#[test]
fn the_quick_search_looks_for_the_rarest_word_of_a_literal() {
    fn part(l: &str) -> &str {
        &l[super::skim::fingerprint_start(l.as_bytes())..]
    }
    // Every Java frame line holds `java.`; far fewer hold `IOException: `.
    assert_eq!(part("java.io.IOException: "), "IOException: ");
    assert_eq!(part("java.net.SocketException: "), "SocketException: ");
    // At least 12 bytes are left, so that the part tells as much as the literal.
    assert_eq!(part("org.eclipse.jetty.io.EofException"), "EofException");
    // A short literal is searched whole.
    assert_eq!(part("Broken pipe"), "Broken pipe");
    assert_eq!(part("onnection reset by peer"), "onnection reset by peer");
}
