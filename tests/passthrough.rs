//! Nothing is lost: what is not squashed comes out byte for byte, whatever the bytes.

use crate::util::{
    assert_bytes_eq, check_invariants, cmd, root, stdout_of, stdout_with_stdin, testdata,
};

/// Runs the binary with built-in rules over `input` on stdin at several buffer sizes; all must
/// agree. Returns the output.
fn filter(input: &[u8], extra: &[&str]) -> Vec<u8> {
    let mut first: Option<Vec<u8>> = None;
    for size in ["1", "7", "4096", "262144"] {
        let mut c = cmd(&root());
        c.args(["--buffer-size", size]).args(extra);
        let out = stdout_with_stdin(c, input);
        match &first {
            None => first = Some(out),
            Some(f) => assert_bytes_eq(&out, f, &format!("buffer size {size}")),
        }
    }
    first.unwrap()
}

#[test]
fn odd_bytes_pass_through_untouched() {
    let input: &[u8] =
        b"plain\r\ncrlf line\r\n\x00nul\x00 inside\n\xff\xfe invalid utf-8 \xc3\x28\n\
        \n\n   indented after blanks\n\tat not.a.Frame(of anything)\nno final newline";
    assert_bytes_eq(&filter(input, &[]), input, "odd bytes");
}

#[test]
fn with_no_rules_output_equals_input() {
    for excerpt in [
        "excerpts/tomcat/tomcat-client-abort.squash.log",
        "excerpts/nginx/nginx-client-abort.squash.log",
        "excerpts/python/python-socketserver-abort.squash.log",
    ] {
        let input = std::fs::read(testdata(excerpt)).unwrap();
        assert_bytes_eq(&filter(&input, &["--no-default-rules"]), &input, excerpt);
    }
}

#[test]
fn crlf_records_are_squashed_and_their_summary_ends_in_crlf() {
    let lf = std::fs::read(testdata("excerpts/tomcat/tomcat-client-abort.squash.log")).unwrap();
    let crlf: Vec<u8> = lf
        .split_inclusive(|&b| b == b'\n')
        .flat_map(|l| {
            let mut l = l.strip_suffix(b"\n").unwrap_or(l).to_vec();
            l.extend_from_slice(b"\r\n");
            l
        })
        .collect();
    let out = filter(&crlf, &[]);
    let acc = check_invariants(&crlf, &out);
    assert!(acc.squashed > 0);
    for line in out.split_inclusive(|&b| b == b'\n') {
        assert!(
            line.ends_with(b"\r\n"),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn a_100_mb_line_passes_through_and_memory_stays_bounded() {
    // One 100 MB line between two abort records: the line is kept byte for byte, the records
    // around it are still squashed.
    let abort = std::fs::read(testdata("excerpts/tomcat/tomcat-client-abort.squash.log")).unwrap();
    let mut input = abort.clone();
    input.extend(std::iter::repeat_n(b'x', 100 << 20));
    input.push(b'\n');
    input.extend_from_slice(&abort);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    std::fs::write(&path, &input).unwrap();
    let out = stdout_of(cmd(&root()).arg(&path));
    let acc = check_invariants(&input, &out);
    assert!(acc.squashed > 0);
    let long = out
        .split(|&b| b == b'\n')
        .find(|l| l.len() == 100 << 20)
        .expect("the long line is in the output whole");
    assert!(long.iter().all(|&b| b == b'x'));
}

#[test]
fn a_summary_line_from_an_earlier_run_is_never_squashed_again() {
    let input = std::fs::read(testdata("excerpts/tomcat/tomcat-client-abort.squash.log")).unwrap();
    let once = filter(&input, &[]);
    assert_ne!(once, input);
    let twice = filter(&once, &[]);
    assert_bytes_eq(&twice, &once, "squashing a squashed log changes nothing");
}

#[test]
fn an_access_line_after_an_abort_is_never_squashed_with_it() {
    // nginx under `docker logs` interleaves its error and access logs: the access line that
    // follows an abort is a record of its own (lines shaped as the benchmark generator writes
    // them, which is where this was found).
    let access = "62.12.159.47 - - [24/Nov/2026:00:00:14 +0000] \"GET /static/js/app.3f9a1c.js HTTP/1.1\" 200 104008860 \"-\" \"Mozilla/5.0\"\n";
    let python = "127.0.0.1 - - [24/Nov/2026 15:44:00] \"GET /stream/logged HTTP/1.1\" 200 -\n";
    let input = format!(
        "2026/11/24 00:00:13 [info] 2057420#2057420: *1596241 client prematurely closed connection while sending response to client, client: 172.25.92.36, server: api.example.com, request: \"GET /video/intro.mp4 HTTP/1.1\", host: \"api.example.com\"\n\
         {access}{python}\
         2026/11/24 00:00:14 [info] 2057419#2057419: *1596244 client 203.148.244.248 closed keepalive connection\n"
    );
    let out = filter(input.as_bytes(), &[]);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains(access) && text.contains(python), "{text}");
    assert!(
        text.contains("resetsquash: squashed 1 rule=nginx-client-abort"),
        "{text}"
    );
    check_invariants(input.as_bytes(), &out);
}
