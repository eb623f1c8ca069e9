//! Pipe mode: reading a live input (a pipe or terminal) in front of a log, as a server's
//! `2>&1 | resetsquash`, Tomcat's `CATALINA_OUT_CMD` or httpd's `ErrorLog "|…"` runs it.
//!
//! A reader thread and a signal thread feed one channel, so the filter can wait for input and
//! still act on time and signals:
//! - when the input goes quiet, the record held so far is decided: after 10 ms for an ordinary
//!   record (an ordinary line never waits for the next one), after 500 ms for a stack trace,
//!   which `printStackTrace()` writes a line at a time with pauses between;
//! - with `--flush-every`, pending counts are written on a wall-clock schedule, so a quiet server
//!   still reports them;
//! - with several threads, a backlog (everything the reader has queued, as when a log is
//!   replayed through a pipe or the server writes faster than one thread decides) has its
//!   complete records decided on all threads, as a file's chunks are; the bytes are the same;
//! - SIGTERM and SIGINT end the run like end of input (last record decided, every count
//!   written), after which the binary re-raises the signal; SIGHUP reopens `-o FILE`
//!   (logrotate's `create` + `postrotate kill -HUP`).

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::ledger::Sink;
use crate::output::Destination;
use crate::rules::RuleSet;
use crate::{Config, Stage, input};

/// Buffers the reader may queue with one thread. Pipe reads return what is buffered (at most
/// 64 KiB on Linux), so with several threads the queue is deeper: a backlog (a log replayed
/// through a pipe, a server catching up) is then handed over in megabytes at a time and its
/// records decided on all threads (see [`Stage::feed_backlog`]).
const QUEUE: usize = 4;
const QUEUE_THREADED: usize = 16;
/// The most bytes of backlog taken at once (memory: the backlog, its decisions, the queue).
const BACKLOG_MAX: usize = 2 << 20;

/// What the filter's loop hears about.
enum Msg {
    Data(Vec<u8>),
    End,
    Failed(std::io::Error),
    Signal(i32),
}

/// How a live input ended.
pub(crate) enum Ended {
    /// End of input.
    Eof,
    /// SIGTERM or SIGINT: the run is to end, then the signal be re-raised.
    Signal(i32),
}

/// Reads a pipe or terminal until it ends or a terminating signal arrives.
pub(crate) fn read_live<W: Write + Destination>(
    opened: input::Opened<'static>,
    config: &Config,
    rules: &RuleSet,
    stage: &mut Stage<'_, W>,
) -> Result<Ended, Error> {
    // `--explain` numbers lines, which only one assembler over the whole input can do.
    let threaded = config.threads > 1 && !config.squash.explain;
    // Started at the first backlog: a quiet pipe never needs them.
    let mut workers: Option<crate::parallel::Workers> = None;
    let queue = if threaded { QUEUE_THREADED } else { QUEUE };
    let (tx, rx) = mpsc::sync_channel::<Msg>(queue);
    spawn_reader(opened.reader, config.read_size.max(1), tx.clone());
    if config.handle_signals {
        spawn_signal_forwarder(tx)
            .map_err(|e| Error::Usage(format!("cannot handle signals: {e}")))?;
    } else {
        drop(tx);
    }
    let mut held = false;
    // A message taken from the queue while gathering a backlog, to act on next.
    let mut deferred: Option<Msg> = None;
    let mut next_flush = config.flush_every.map(|d| Instant::now() + d);
    loop {
        let now = Instant::now();
        if let (Some(due), Some(every)) = (next_flush, config.flush_every)
            && now >= due
        {
            // Only between records: a summary must never land inside one.
            if stage.assembler.between_records() {
                stage.ledger.summaries_now()?;
                stage.ledger.flush()?;
            }
            next_flush = Some(now + every);
        }
        let idle_due = held.then(|| {
            if stage.assembler.holds_trace() {
                config.idle_in_trace
            } else {
                config.idle
            }
        });
        let flush_due = next_flush.map(|d| d.saturating_duration_since(now));
        let wait = match (idle_due, flush_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let msg = match (deferred.take(), wait) {
            (Some(m), _) => m,
            (None, Some(wait)) => match rx.recv_timeout(wait) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if held && idle_due.is_some_and(|i| i <= flush_due.unwrap_or(Duration::MAX)) {
                        stage.assembler.idle(&mut stage.ledger)?;
                        stage.ledger.flush()?;
                        held = false;
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Ended::Eof),
            },
            (None, None) => match rx.recv() {
                Ok(m) => m,
                Err(_) => return Ok(Ended::Eof),
            },
        };
        match msg {
            Msg::Data(mut chunk) => {
                // Whatever else is queued already: a backlog, if there is one.
                let mut backlog = false;
                while threaded && chunk.len() < BACKLOG_MAX {
                    match rx.try_recv() {
                        Ok(Msg::Data(more)) => {
                            chunk.extend_from_slice(&more);
                            backlog = true;
                        }
                        Ok(other) => {
                            deferred = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if backlog {
                    if workers.is_none() {
                        workers = Some(crate::parallel::Workers::new(config.threads)?);
                    }
                    let workers = workers.as_ref().expect("started above");
                    stage.feed_backlog(&chunk, config, rules, workers)?;
                } else {
                    stage.feed(&chunk)?;
                }
                stage.ledger.flush()?;
                held = true;
            }
            Msg::End => return Ok(Ended::Eof),
            Msg::Failed(source) => {
                return Err(Error::Input {
                    path: opened.name,
                    source,
                });
            }
            Msg::Signal(sig) if sig == signal_hook::consts::SIGHUP => {
                stage.ledger.flush()?;
                stage.ledger.reopen()?;
            }
            Msg::Signal(sig) => return Ok(Ended::Signal(sig)),
        }
    }
}

fn spawn_reader(
    mut reader: Box<dyn std::io::Read + Send>,
    read_size: usize,
    tx: mpsc::SyncSender<Msg>,
) {
    std::thread::spawn(move || {
        // One buffer to read into, zeroed once; each message is a copy of what a read gave
        // (a pipe read gives at most 64 KiB), not a fresh zeroed buffer of the full read size.
        let mut buf = vec![0; read_size];
        loop {
            let msg = match reader.read(&mut buf) {
                Ok(0) => Msg::End,
                Ok(n) => Msg::Data(buf[..n].to_vec()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Msg::Failed(e),
            };
            let done = !matches!(msg, Msg::Data(_));
            if tx.send(msg).is_err() || done {
                return;
            }
        }
    });
}

fn spawn_signal_forwarder(tx: mpsc::SyncSender<Msg>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if tx.send(Msg::Signal(sig)).is_err() {
                return;
            }
        }
    });
    Ok(())
}
