//! As a pipe: ordinary lines are not held back waiting for more input.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::{cmd, root};

#[test]
fn an_ordinary_line_comes_out_while_the_input_is_still_open() {
    let mut child = cmd(&root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    for text in [
        "2026-11-24 15:35:04.521  INFO 1 --- [main] a.B : started",
        "a plain line",
        "2026-11-24 15:35:05.000  INFO 1 --- [main] a.B : next",
    ] {
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
        // The pipe stays open: the line must arrive without end of input. (The bound is only
        // there so a broken build fails instead of hanging; speed is measured in benches/.)
        let got = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("line held back");
        assert_eq!(got, text);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
