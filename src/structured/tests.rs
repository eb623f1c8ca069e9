//! Each writer's record read as its plain-text form, and a log told to be whose.

use super::profile::{Profile, detect, render};

fn read_bytes(profile: &str, line: &str) -> Vec<u8> {
    let mut out = Vec::new();
    render(Profile::named(profile).unwrap(), line.as_bytes(), &mut out).unwrap();
    out
}

fn read(profile: &str, line: &str) -> String {
    String::from_utf8(read_bytes(profile, line)).unwrap()
}

#[test]
fn a_record_reads_as_its_header_line_then_its_trace() {
    assert_eq!(
        read(
            "ecs",
            r#"{"@timestamp":"2026-11-24T15:35:04.123Z","log":{"level":"ERROR","logger":"o.a.c"},"process.thread.name":"exec-1","message":"failed","error":{"stack_trace":"java.io.IOException: Broken pipe\n\tat x.Y.z(Y.java:1)"}}"#
        ),
        "2026-11-24T15:35:04.123Z ERROR [exec-1] o.a.c : failed\njava.io.IOException: Broken pipe\n\tat x.Y.z(Y.java:1)\n"
    );
    // pino: epoch milliseconds, a numeric level, the error's stack.
    assert_eq!(
        read(
            "pino",
            r#"{"level":50,"time":1795534504123,"msg":"upload failed","err":{"type":"Error","message":"aborted","stack":"Error: aborted\n    at abortIncoming (node:_http_server:796:17)"}}"#
        ),
        "2026-11-24T15:35:04.123Z ERROR : upload failed\nError: aborted\n    at abortIncoming (node:_http_server:796:17)\n"
    );
    // An error object without a stack: its type and message.
    assert!(
        read(
            "pino",
            r#"{"level":50,"time":1,"msg":"m","err":{"type":"Error","message":"x"}}"#
        )
        .ends_with("Error: x\n")
    );
    // GELF: the full message starts with the short one; seconds with a fraction.
    assert_eq!(
        read(
            "gelf",
            r#"{"version":"1.1","host":"h","short_message":"failed","full_message":"failed\njava.io.IOException: x","timestamp":1795534504.5,"level":3}"#
        ),
        "2026-11-24T15:35:04.5Z ERROR : failed\njava.io.IOException: x\n"
    );
}

#[test]
fn structured_traces_are_made_text_again() {
    let log4j = read(
        "log4j2-json",
        r#"{"instant":{"epochSecond":1795534504,"nanoOfSecond":5},"thread":"t","level":"ERROR","loggerName":"l","message":"m","thrown":{"name":"a.B","message":"x","extendedStackTrace":[{"class":"c.D","method":"e","file":"D.java","line":3}],"cause":{"name":"java.io.IOException","message":"Broken pipe","extendedStackTrace":[{"class":"f.G","method":"h","file":"Native Method"}]}}}"#,
    );
    assert_eq!(
        log4j,
        "2026-11-24T15:35:04.000000005Z ERROR [t] l : m\na.B: x\n\tat c.D.e(D.java:3)\nCaused by: java.io.IOException: Broken pipe\n\tat f.G.h(Native Method)\n"
    );
    let structlog = read(
        "structlog",
        r#"{"event":"failed","level":"error","timestamp":"2026-11-24T15:35:04.1Z","exception":[{"exc_type":"BrokenPipeError","exc_value":"[Errno 32] Broken pipe","frames":[{"filename":"/srv/a.py","lineno":7,"name":"do_GET"}]}]}"#,
    );
    assert_eq!(
        structlog,
        "2026-11-24T15:35:04.1Z ERROR : failed\nTraceback (most recent call last):\n  File \"/srv/a.py\", line 7, in do_GET\nBrokenPipeError: [Errno 32] Broken pipe\n"
    );
    // .NET's JSON console with its line ends made spaces, and no time: .NET's own header.
    let dotnet = read(
        "dotnet",
        r#"{"EventId":13,"LogLevel":"Error","Category":"Microsoft.AspNetCore.Server.Kestrel","Message":"m","Exception":"A.B: x  ---> C.D (104): y    at E.F()    --- End of inner exception stack trace ---    at G.H()"}"#,
    );
    assert_eq!(
        dotnet,
        "fail: Microsoft.AspNetCore.Server.Kestrel[13]\n      m\nA.B: x\n ---> C.D (104): y\n   at E.F()\n   --- End of inner exception stack trace ---\n   at G.H()\n"
    );
    // journald: microseconds, and a MESSAGE that is an array of bytes.
    assert_eq!(
        read_bytes(
            "journald",
            r#"{"__REALTIME_TIMESTAMP":"1795534504000001","PRIORITY":"3","SYSLOG_IDENTIFIER":"shop","MESSAGE":[104,105,255]}"#
        ),
        b"2026-11-24T15:35:04.000001Z ERROR shop : hi\xff\n".to_vec()
    );
    // No time: Python's level header, which its tracebacks follow.
    assert_eq!(
        read(
            "python-json",
            r#"{"message":"m","exc_info":"Traceback (most recent call last):\nE: x"}"#
        ),
        "INFO:root:m\nTraceback (most recent call last):\nE: x\n"
    );
}

#[test]
fn a_log_is_the_first_writer_most_of_its_records_are() {
    let of = |lines: &[&str]| {
        let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        detect(&lines).map(|p| p.name)
    };
    let ecs = r#"{"@timestamp":"t","log.level":"INFO","message":"m","ecs.version":"8.11"}"#;
    let pino = r#"{"level":30,"time":1,"pid":1,"msg":"m"}"#;
    let slog = r#"{"time":"2026-11-24T15:35:04Z","level":"INFO","msg":"m"}"#;
    let bunyan = r#"{"name":"a","hostname":"h","pid":1,"level":30,"msg":"m","time":"t","v":0}"#;
    assert_eq!(
        of(&[ecs, ecs, "Picked up JAVA_TOOL_OPTIONS", ecs]),
        Some("ecs")
    );
    assert_eq!(of(&[pino, pino]), Some("pino"));
    assert_eq!(of(&[slog, slog]), Some("slog"));
    assert_eq!(of(&[bunyan]), Some("bunyan"));
    assert_eq!(of(&[r#"{"message":"m"}"#]), Some("python-json"));
    // Mostly text: not a JSON-lines log.
    assert_eq!(of(&[ecs, "a", "b"]), None);
    assert_eq!(of(&["2026-11-24 15:35:04.123 ERROR x"]), None);
    // Not a JSON object, or broken: the line is not a record (it is read as text).
    let mut out = Vec::new();
    assert!(
        render(
            Profile::named("ecs").unwrap(),
            br#"{"message":"cut"#,
            &mut out
        )
        .is_none()
    );
}
