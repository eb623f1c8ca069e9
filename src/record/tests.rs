//! The record grammar, as a specification: each test is a log shape and how it is cut.

use regex::bytes::Regex;

use super::*;

/// The records of `text`, as strings.
fn records(text: &str) -> Vec<&str> {
    split_records(text.as_bytes())
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// The records of `text`, which must be `n`.
#[track_caller]
fn n_records(text: &str, n: usize) -> Vec<&str> {
    let r = records(text);
    assert_eq!(r.len(), n, "{r:#?}");
    r
}

#[test]
fn a_header_and_its_tab_indented_trace_are_one_record() {
    let log = "\
24-Nov-2026 15:35:04.043 INFO [main] org.apache.catalina.startup.Catalina.start Server startup
24-Nov-2026 15:35:04.806 WARNING [exec-9] realogs.StreamServlet.doGet Report export failed
\torg.apache.catalina.connector.ClientAbortException: java.io.IOException: Connection reset by peer
\t\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)
\tCaused by: java.io.IOException: Connection reset by peer
\t\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)
\t\t... 31 more
24-Nov-2026 15:35:05.000 INFO [main] next
";
    let r = n_records(log, 3);
    let warning = &r[1];
    assert!(
        warning.starts_with("24-Nov-2026 15:35:04.806 WARNING")
            && warning.ends_with("... 31 more\n")
    );
}

#[test]
fn in_a_juli_log_an_unindented_exception_is_a_record_of_its_own() {
    // Tomcat's OneLineFormatter indents throwables; an unindented one is printStackTrace().
    let log = "\
24-Nov-2026 15:35:04.043 INFO [main] org.apache.catalina.startup.Catalina.start Server startup
org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe
\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)
\t... 31 more
";
    let r = n_records(log, 2);
    assert!(r[1].starts_with("org.apache.catalina.connector.ClientAbortException"));
}

#[test]
fn logback_puts_the_exception_at_column_0_under_its_header() {
    // The header must not be orphaned: it carries the servlet name, the trace the abort.
    let log = "\
2026-11-24 15:35:04.521 ERROR 12345 --- [nio-8080-exec-7] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception

org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe
\tat org.apache.catalina.connector.OutputBuffer.realWriteBytes(OutputBuffer.java:343)
Caused by: java.io.IOException: Broken pipe
\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)
\t... 58 common frames omitted

2026-11-24 15:35:04.600  INFO 12345 --- [main] a.B : next
";
    let r = n_records(log, 2);
    let header_and_trace = &r[0];
    assert!(
        header_and_trace.contains("ClientAbortException") && header_and_trace.contains("Caused by")
    );
}

#[test]
fn jul_simpleformatter_records_span_two_header_lines_and_a_trace() {
    let log = "\
Nov 24, 2026 3:55:49 PM JdkServers lambda$main$1
WARNING: Streaming /stream to /127.0.0.1:58614 failed
java.io.IOException: Broken pipe
\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)
\tSuppressed: java.io.IOException: Broken pipe
\t\tat java.base/sun.nio.ch.FileDispatcherImpl.write0(Native Method)
\t\t... 9 more

Write to client /127.0.0.1:40960 failed:
java.net.SocketException: Connection reset by peer
\tat java.base/sun.nio.ch.NioSocketImpl.implWrite(NioSocketImpl.java:425)
Nov 24, 2026 3:55:50 PM JdkServers lambda$main$2
SEVERE: Quote service call failed
";
    let r = n_records(log, 3);
    assert!(r[0].ends_with("... 9 more\n\n"));
    assert!(r[1].starts_with("Write to client"));
    assert!(r[2].starts_with("Nov 24, 2026 3:55:50 PM"));
}

#[test]
fn a_python_socketserver_dump_is_one_record_between_its_dashes() {
    let log = "\
127.0.0.1 - - [24/Nov/2026 15:42:53] \"GET /robots.txt HTTP/1.1\" 200 -
----------------------------------------
Exception occurred during processing of request from ('127.0.0.1', 39826)
Traceback (most recent call last):
  File \"/usr/lib/python3.11/socketserver.py\", line 691, in process_request_thread
    self.finish_request(request, client_address)
ConnectionResetError: [Errno 104] Connection reset by peer
----------------------------------------
127.0.0.1 - - [24/Nov/2026 15:42:53] \"GET /index.html HTTP/1.1\" 200 -
";
    let r = n_records(log, 3);
    assert!(r[1].starts_with("-----"));
    assert!(r[1].ends_with("-----\n"));
    assert!(is_sound(r[1].as_bytes()));
}

#[test]
fn a_chained_python_traceback_is_one_record() {
    let log = "\
2026-11-24 15:43:31,953 ERROR [Thread-20] realogs.export: Report export failed
Traceback (most recent call last):
  File \"/srv/app/stream_server.py\", line 71, in do_GET
    self._stream(chunks, sleep)
ConnectionRefusedError: [Errno 111] Connection refused

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File \"/srv/app/stream_server.py\", line 80, in do_GET
    raise
urllib.error.URLError: <urlopen error [Errno 111] Connection refused>
127.0.0.1 - - [24/Nov/2026 15:43:31] \"GET /hello HTTP/1.1\" 200 -
";
    let r = n_records(log, 2);
    let chained = &r[0];
    assert!(chained.contains("During handling") && chained.ends_with("Connection refused>\n"));
}

#[test]
fn tornados_indented_traceback_is_one_sound_record_with_its_message() {
    let log = "\
[E 261204 18:13:11 web:1820] Uncaught exception GET /big (127.0.0.1)
    HTTPServerRequest(protocol='http', host='127.0.0.1', method='GET', uri='/big', version='HTTP/1.1', remote_ip='127.0.0.1')
    Traceback (most recent call last):
      File \"/usr/lib/python3/dist-packages/tornado/web.py\", line 1735, in _execute
        result = await result
                 ^^^^^^^^^^^^
      File \"/srv/app/app.py\", line 41, in get
        await self.flush()
    tornado.iostream.StreamClosedError: Stream is closed
[E 261204 18:13:11 web:1212] Cannot send error response after headers written
";
    let r = n_records(log, 2);
    assert!(
        r[0].ends_with("Stream is closed\n") && is_sound(r[0].as_bytes()),
        "{r:#?}"
    );
}

#[test]
fn a_line_at_column_0_after_an_indented_traceback_is_not_part_of_it() {
    // Twisted's failures: an indented traceback with no frames at all.
    let log = "\
2026-12-04T18:33:56+0000 [app#critical] report relay cut off
\tTraceback (most recent call last):
\tFailure: twisted.web._newclient.ResponseFailed: [<twisted.python.failure.Failure twisted.internet.error.ConnectionLost: Connection to the other side was lost in a non-clean fashion.>]
\t
org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe
Tue Oct  4 10:34:15 2016 - SIGPIPE: writing to a closed pipe/socket/fd (probably the client disconnected) on request / (ip 10.0.0.1) !!!
";
    let r = n_records(log, 3);
    assert!(r[0].ends_with("\t\n"), "{r:#?}");
}

#[test]
fn interleaved_output_makes_a_broken_record_that_is_never_squashed() {
    // Another thread's access line lands in the middle of a traceback.
    let log = "\
Traceback (most recent call last):
  File \"/usr/lib/python3.11/socket.py\", line 851, in create_connection
    raise exceptions[0]
127.0.0.1 - - [24/Nov/2026 15:43:31] \"GET /hello HTTP/1.1\" 200 -
  File \"/usr/lib/python3.11/socket.py\", line 836, in create_connection
    sock.connect(sa)
ConnectionRefusedError: [Errno 111] Connection refused
";
    let r = records(log);
    assert!(r[1].starts_with("127.0.0.1"), "{r:#?}");
    assert_eq!(
        r[1].lines().count(),
        1,
        "the access line is a record of its own"
    );
    assert!(
        !is_sound(r[2].as_bytes()),
        "frames with no exception line before them are never squashed"
    );
}

#[test]
fn an_access_line_is_a_record_of_one_line() {
    // Express: morgan's line for a request, then the error the default handler logs for it
    // (lab capture express/app.log). The error is not the access line's trace.
    let log = "\
127.0.0.1 - - [03/Dec/2026:13:08:27 +0000] \"GET /outbound/partial?port=48203 HTTP/1.1\" 200 - \"-\" \"-\"
Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close
    at ServerResponse.onclose (node:internal/streams/end-of-stream:159:30)
    at TCP.<anonymous> (node:net:343:12) {
  code: 'ERR_STREAM_PREMATURE_CLOSE'
}
127.0.0.1 - - [03/Dec/2026:13:08:27 +0000] \"GET /small HTTP/1.1\" 200 6 \"-\" \"-\"
Traceback (most recent call last):
  File \"/srv/app/app.py\", line 3, in <module>
KeyError: 'x'
";
    let r = n_records(log, 4);
    assert!(
        r[1].starts_with("Error [ERR_STREAM_PREMATURE_CLOSE]"),
        "{r:#?}"
    );
    assert!(r[3].starts_with("Traceback"), "{r:#?}");
}

#[test]
fn node_error_objects_and_dotnet_inner_exceptions_stay_together() {
    let node = "\
Error: write EPIPE
    at afterWriteDispatched (node:internal/stream_base_commons:160:15)
    at writeGeneric (node:internal/stream_base_commons:151:3) {
  errno: -32,
  code: 'EPIPE',
  syscall: 'write'
}
GET /next 200
";
    assert_eq!(records(node).len(), 2);
    let dotnet = "\
fail: Microsoft.AspNetCore.Server.Kestrel[13]
      Connection id \"0HMV\", Request id \"0HMV:00000002\": An unhandled exception was thrown by the application.
      System.IO.IOException: Unable to write data to the transport connection: Broken pipe.
       ---> System.Net.Sockets.SocketException (32): Broken pipe
         at System.Net.Sockets.Socket.Send(ReadOnlySpan`1 buffer)
         --- End of inner exception stack trace ---
info: Microsoft.Hosting.Lifetime[0]
";
    assert_eq!(records(dotnet).len(), 2);
}

#[test]
fn in_a_headed_log_lines_up_to_the_next_header_belong_to_it() {
    let log = "\
2026/11/24 15:48:49 [info] 5#5: *9 client prematurely closed connection while sending response to client
2026/11/24 15:48:49 [error] 5#5: *10 recv() failed (104: Connection reset by peer) while reading response header from upstream
a continuation of the message
2026/11/24 15:48:50 [info] 5#5: *11 client 127.0.0.1 closed keepalive connection
";
    let r = n_records(log, 3);
    assert!(r[1].ends_with("a continuation of the message\n"));
}

#[test]
fn blank_lines_between_plain_lines_are_records_of_their_own() {
    assert_eq!(records("a\n\nb\n").len(), 3);
}

#[test]
fn exception_lines_are_told_from_message_lines() {
    for yes in [
        "java.io.IOException: Broken pipe",
        "org.apache.catalina.connector.ClientAbortException",
        "BrokenPipeError: [Errno 32] Broken pipe",
        "Error: write EPIPE",
        "io.netty.channel.unix.Errors$NativeIoException: readAddress(..) failed: Connection reset by peer",
        "Exception in thread \"main\" java.lang.IllegalStateException: x",
        "System.IO.IOException: Unable to write data to the transport connection",
    ] {
        assert!(exception_class(yes.as_bytes()).is_some(), "{yes}");
    }
    for no in [
        "SEVERE: Quote service call failed",
        "WARNING: Streaming /stream failed",
        "Note: retrying",
        "Write to client /127.0.0.1:40960 failed:",
        "self._sock.sendall(b)",
        "127.0.0.1 - - [24/Nov/2026 15:42:53] \"GET /\"",
    ] {
        assert!(exception_class(no.as_bytes()).is_none(), "{no}");
    }
}

#[test]
fn cuts_say_where_a_text_is_cut_into_records_and_why() {
    // A Rails error under a log formatter whose first line is no header this grammar knows.
    let text = b"FATAL exports: [41]   \n\
                 Errno::EPIPE (Broken pipe):\n  \n\
                 app/controllers/exports_controller.rb:21:in `block in show'\n\
                 2026-11-24 15:35:07.001 INFO next request\n";
    use CutReason::*;
    assert_eq!(
        cuts(text, None),
        [(2, Unindented), (3, Blank), (4, Unindented), (5, Header)]
    );
    let fatal = Regex::new(r"^FATAL ").unwrap();
    assert_eq!(cuts(text, Some(&fatal)), []);
    let iso = Regex::new(r"^\d{4}-").unwrap();
    assert_eq!(cuts(text, Some(&iso)), [(5, RecordStart)]);
    // Ruby's own Logger line is a header: its unindented lines continue its record.
    let logger = b"F, [2026-11-24T15:35:06.806120 #41] FATAL -- :   \n\
                   Errno::EPIPE (Broken pipe):\n  \n\
                   app/controllers/exports_controller.rb:21:in `block in show'\n\
                   2026-11-24 15:35:07.001 INFO next request\n";
    assert_eq!(cuts(logger, None), [(5, Header)]);
}

#[test]
fn a_node_error_without_frames_is_an_exception_line() {
    // Node's util.inspect of a parse error (lab capture node-http-clienterror/app.log): after an
    // nginx line it is another program's record, not a continuation of that line.
    let log = "\
2026/11/24 15:48:51 [info] 20760#20760: *65 client prematurely closed connection
[Error: Parse Error: Invalid header token] {
  bytesParsed: 42,
  code: 'HPE_INVALID_HEADER_TOKEN',
  reason: 'Invalid header token'
}
";
    let r = n_records(log, 2);
    assert!(r[1].starts_with("[Error: Parse Error"), "{r:#?}");
    assert!(is_sound(r[1].as_bytes()));
    assert_eq!(exception_class(b"[Error: x] {"), Some(&b"Error"[..]));
    assert_eq!(exception_class(b"[INFO] Error: x"), None);
}

#[test]
fn koa_errors_indented_between_blank_lines_are_records_of_their_own() {
    // Koa's default error listener (lab capture koa/app.log): each stack indented by two
    // spaces between blank lines; koa-logger's request lines are indented too, and are not
    // part of the trace before them.
    let log = "\
LAB PHASE abort-fin
  --> GET /__lab/phase?name=abort-fin 200 1ms 3b
  <-- GET /big

  Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close
      at ServerResponse.onclose (node:internal/streams/end-of-stream:159:30)
      at Socket.onServerResponseClose (node:_http_server:277:5)


  Error: read ECONNRESET
      at TCP.onStreamRead (node:internal/stream_base_commons:218:20)

  -x- GET /big 200 2ms -
";
    let r = n_records(log, 5);
    assert!(
        r[0].starts_with("LAB PHASE") && r[0].ends_with("GET /big\n"),
        "{r:#?}"
    );
    assert_eq!(r[1], "\n");
    assert!(
        r[2].starts_with("  Error [ERR_STREAM_PREMATURE_CLOSE]") && r[2].ends_with(":5)\n\n\n")
    );
    assert!(r[3].starts_with("  Error: read ECONNRESET") && r[3].ends_with(":20)\n\n"));
    assert!(r[4].starts_with("  -x- GET /big"), "{r:#?}");
    assert!(is_sound(r[2].as_bytes()) && is_sound(r[3].as_bytes()));
}

#[test]
fn a_message_line_that_names_an_exception_may_carry_its_frames() {
    // console.error('Pipeline failed.', err) (lab capture node-pipeline/app.log).
    let log = "\
Pipeline failed. Error [ERR_STREAM_PREMATURE_CLOSE]: Premature close
    at ServerResponse.onclose (node:internal/streams/end-of-stream:159:30)
    at TCP.<anonymous> (node:net:343:12) {
  code: 'ERR_STREAM_PREMATURE_CLOSE'
}
listening on http://127.0.0.1:8080
    at not.a.trace (x.js:1:1)
";
    let r = n_records(log, 2);
    assert!(r[0].ends_with("}\n"), "{r:#?}");
    assert!(is_sound(r[0].as_bytes()));
    assert!(
        !is_sound(r[1].as_bytes()),
        "a message line naming no exception: {r:#?}"
    );
}

#[test]
fn jetty_stderrlog_records_hold_their_trace_and_a_bare_caused_by() {
    // Jetty 9's StdErrLog (lab capture jetty9/jetty.log): the level after the timestamp, the
    // throwable at column 0, and `Caused by: ` alone with the cause on the next line.
    let log = "\
2026-12-04 18:16:06.448:WARN:LabServer:qtp1134517053-19: download of big.bin failed
org.eclipse.jetty.io.EofException
\tat org.eclipse.jetty.io.ChannelEndPoint.flush(ChannelEndPoint.java:280)
Caused by: 
java.io.IOException: Connection reset by peer
\tat java.base/sun.nio.ch.FileDispatcherImpl.writev0(Native Method)
2026-12-04 18:16:07.476:INFO:LabServer:qtp1134517053-19: LAB PHASE upload-fin
java.io.IOException: not this record's
";
    let r = n_records(log, 2);
    assert!(r[0].ends_with("(Native Method)\n"), "{r:#?}");
    assert!(is_sound(r[0].as_bytes()));
    assert!(r[1].ends_with("record's\n"), "{r:#?}");
}

#[test]
fn a_json_line_is_a_record_of_its_own() {
    // pino (lab capture node-pino/app.log) in the same stream as nginx: the JSON line is no
    // continuation of the nginx line's message, and nothing continues it.
    let log = "\
2026/11/24 15:48:48 [info] 20761#20761: *14 recv() failed (104: Connection reset by peer), client: 127.0.0.1
{\"level\":30,\"time\":1796408055913,\"pid\":31144,\"msg\":\"request completed\"}
a plain line
";
    let r = n_records(log, 3);
    assert!(r[1].starts_with("{\"level\""), "{r:#?}");
}
