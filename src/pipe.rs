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
//! - with `--metrics`, the counts so far are added to the metrics file every
//!   [`crate::metrics::Target::every`] of wall-clock time (a failure is told once, and the run
//!   goes on);
//! - SIGTERM and SIGINT end the run like end of input (last record decided, every count
//!   written), after which the binary re-raises the signal. A server being stopped is sent the
//!   same signal at the same time (systemd signals every process of a unit) and writes its last
//!   lines after it, so the input is read on until it ends or has been quiet for
//!   [`TERM_QUIET`] (at most [`TERM_DRAIN`] in all). Should the output block for longer than
//!   [`TERM_GRACE`] after the signal, the process ends by it anyway;
//! - SIGHUP reopens `-o FILE` (logrotate's `create` + `postrotate kill -HUP`); a reopen that
//!   fails keeps the old file;
//! - the signals are caught from the start of the run ([`Signals::catch`]), before the first
//!   byte is read, so that a SIGHUP then does not end it.

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::input;
use crate::metrics;
use crate::output::Destination;
use crate::parallel;
use crate::rules::RuleSet;
use crate::sequential::Sequential;
use crate::sink::Sink;

/// Buffers the reader may queue with one thread. Pipe reads return what is buffered (at most
/// 64 KiB on Linux), so with several threads the queue is deeper: a backlog (a log replayed
/// through a pipe, a server catching up) is then handed over in megabytes at a time and its
/// records decided on all threads (see [`feed_backlog`]).
const QUEUE: usize = 4;
const QUEUE_THREADED: usize = 16;
/// The most bytes of backlog taken at once (memory: the backlog, its decisions, the queue).
const BACKLOG_MAX: usize = 2 << 20;

/// After SIGTERM: the input is read on until it has been quiet this long…
pub const TERM_QUIET: Duration = Duration::from_millis(300);
/// …or for this long in all.
pub const TERM_DRAIN: Duration = Duration::from_secs(3);
/// After SIGTERM, the process ends by it after this long whatever it is waiting for (an
/// output that blocks, an input that never gave a byte).
pub const TERM_GRACE: Duration = Duration::from_secs(5);

/// The signals a live run acts on, caught from the start of the run.
pub(crate) struct Signals {
    /// What the catching thread heard, in order.
    heard: mpsc::Receiver<i32>,
}

/// Signals caught before the run began (see [`Signals::catch_early`]), for it to take.
static EARLY: std::sync::Mutex<Option<Signals>> = std::sync::Mutex::new(None);

impl Signals {
    /// Catches the signals of a run that will read a pipe or terminal from now on, before
    /// anything slow happens (loading the rules): systemd's SIGTERM, or logrotate's SIGHUP, at
    /// the moment a server and its filter start must not end the filter by the signal's
    /// default action while the server goes on logging into a closed pipe. The run takes them
    /// over when it starts ([`Signals::catch`]).
    pub(crate) fn catch_early(config: &Config) -> Result<(), Error> {
        if config.handle_signals && config.inputs.iter().any(input::is_live) {
            let signals = Signals::catch_now()?;
            *EARLY.lock().unwrap_or_else(|e| e.into_inner()) = Some(signals);
        }
        Ok(())
    }

    /// The signals caught early, or caught from now on.
    pub(crate) fn catch() -> Result<Signals, Error> {
        match EARLY.lock().unwrap_or_else(|e| e.into_inner()).take() {
            Some(early) => Ok(early),
            None => Signals::catch_now(),
        }
    }

    /// Catches SIGTERM, SIGINT and SIGHUP from now on. A terminating signal also starts the
    /// clock of [`TERM_GRACE`].
    fn catch_now() -> Result<Signals, Error> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])
            .map_err(|e| Error::Setup(format!("cannot handle signals: {e}")))?;
        let (tx, heard) = mpsc::channel();
        std::thread::spawn(move || {
            let mut grace_started = false;
            for sig in signals.forever() {
                if sig != SIGHUP && !grace_started {
                    grace_started = true;
                    std::thread::spawn(move || {
                        std::thread::sleep(TERM_GRACE);
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                    });
                }
                if tx.send(sig).is_err() {
                    return;
                }
            }
        });
        Ok(Signals { heard })
    }
}

/// What the filter's loop hears about.
enum Msg {
    Data(Vec<u8>),
    End,
    Failed(std::io::Error),
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
    stage: &mut Sequential<'_, W>,
    signals: Option<&Signals>,
    mut metrics: Option<&mut metrics::Writer>,
) -> Result<Ended, Error> {
    // `--explain` numbers lines, which only one assembler over the whole input can do.
    let threaded = config.threads > 1 && !config.explain;
    // Started at the first backlog: a quiet pipe never needs them.
    let mut workers: Option<parallel::Workers> = None;
    let queue = if threaded { QUEUE_THREADED } else { QUEUE };
    let (tx, rx) = mpsc::sync_channel::<Msg>(queue);
    spawn_reader(opened.reader, config.read_size.max(1), tx.clone());
    drop(tx);
    let mut held = false;
    // A terminating signal, and when it came; the input is read on for a while (TERM_QUIET).
    let mut terminating: Option<(i32, Instant)> = None;
    let mut last_data = Instant::now();
    // A message taken from the queue while gathering a backlog, to act on next.
    let mut deferred: Option<Msg> = None;
    let mut next_flush = config.flush_every.map(|d| Instant::now() + d);
    let metrics_every = config
        .metrics
        .as_ref()
        .map(|t| t.every)
        .filter(|d| !d.is_zero());
    let mut next_metrics = metrics
        .as_ref()
        .and(metrics_every)
        .map(|d| Instant::now() + d);
    let mut metrics_failing = false;
    loop {
        // Signals first: they are few, and one may end the wait below.
        while let Some(sig) = signals.and_then(|s| s.heard.try_recv().ok()) {
            if sig == signal_hook::consts::SIGHUP {
                stage.ledger.flush()?;
                stage.ledger.reopen()?;
            } else if terminating.is_some() {
                // A second one: no more waiting for the input.
                return Ok(Ended::Signal(sig));
            } else {
                terminating = Some((sig, Instant::now()));
            }
        }
        let now = Instant::now();
        if let Some((sig, at)) = terminating {
            let quiet = now.saturating_duration_since(last_data.max(at));
            if quiet >= TERM_QUIET || now.saturating_duration_since(at) >= TERM_DRAIN {
                return Ok(Ended::Signal(sig));
            }
        }
        stage.ledger.retry_if_due();
        if let (Some(due), Some(every)) = (next_flush, config.flush_every)
            && now >= due
        {
            // Only between records: a summary must never land inside one.
            if stage.between_records() {
                stage.ledger.summaries_now()?;
                stage.ledger.flush()?;
            }
            next_flush = Some(now + every);
        }
        if let (Some(due), Some(every), Some(m)) = (next_metrics, metrics_every, &mut metrics)
            && now >= due
        {
            match m.write(&stage.counts_now()) {
                Ok(()) => metrics_failing = false,
                Err(e) if !metrics_failing => {
                    eprintln!("resetsquash: {e}; trying again every {}s", every.as_secs());
                    metrics_failing = true;
                }
                Err(_) => {}
            }
            next_metrics = Some(now + every);
        }
        // When the record held is decided without its end: the input has been quiet so long.
        let idle_at = held.then(|| {
            last_data
                + if stage.holds_trace() {
                    config.idle_in_trace
                } else {
                    config.idle
                }
        });
        let idle_due = idle_at.map(|at| at.saturating_duration_since(now));
        let flush_due = [next_flush, next_metrics]
            .into_iter()
            .flatten()
            .min()
            .map(|d| d.saturating_duration_since(now));
        // Other things to wake for: a retry of failing writes, the end of a SIGTERM's wait,
        // and a look at the signals now and then.
        let other_due = [
            stage
                .ledger
                .retry_due()
                .map(|d| d.saturating_duration_since(now)),
            terminating.map(|_| TERM_QUIET / 3),
            signals.map(|_| SIGNAL_LOOK),
        ]
        .into_iter()
        .flatten()
        .min();
        let wait = [idle_due, flush_due, other_due].into_iter().flatten().min();
        let msg = match (deferred.take(), wait) {
            (Some(m), _) => m,
            (None, Some(wait)) => match rx.recv_timeout(wait) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if idle_at.is_some_and(|at| Instant::now() >= at) {
                        held = !stage.idle()?;
                        stage.ledger.flush()?;
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(ended(terminating)),
            },
            (None, None) => match rx.recv() {
                Ok(m) => m,
                Err(_) => return Ok(ended(terminating)),
            },
        };
        match msg {
            Msg::Data(mut chunk) => {
                last_data = Instant::now();
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
                        workers = Some(parallel::Workers::new(config.threads)?);
                    }
                    let workers = workers.as_ref().expect("started above");
                    feed_backlog(stage, &chunk, config, rules, workers)?;
                } else {
                    stage.feed(&chunk)?;
                }
                stage.ledger.flush()?;
                held = true;
            }
            Msg::End => return Ok(ended(terminating)),
            Msg::Failed(source) => {
                return Err(Error::Input {
                    path: opened.name,
                    source,
                });
            }
        }
    }
}

/// How often a loop waiting for a quiet input looks at the signals.
const SIGNAL_LOOK: Duration = Duration::from_millis(50);

/// End of input, after a terminating signal or not.
fn ended(terminating: Option<(i32, Instant)>) -> Ended {
    match terminating {
        Some((sig, _)) => Ended::Signal(sig),
        None => Ended::Eof,
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

/// A backlog of live input (more than the reader could hand over at once): the records
/// between its first and last record-starting lines are decided on `workers`, as a file's
/// chunks are; the bytes before and after go through `stage` as usual.
fn feed_backlog<W: Write>(
    stage: &mut Sequential<'_, W>,
    data: &[u8],
    config: &Config,
    rules: &RuleSet,
    workers: &parallel::Workers,
) -> Result<(), Error> {
    // A prefixed log's streams are decided on this thread, in one queue.
    let span = stage
        .is_plain()
        .then(|| parallel::backlog_span(config, rules.follows(), data))
        .flatten();
    let Some((start, end)) = span else {
        return stage.feed(data);
    };
    stage.feed(&data[..start])?;
    stage.assembler.end_record(&mut stage.ledger)?;
    parallel::decide_span(
        workers,
        config,
        rules,
        &data[start..end],
        &mut stage.ledger,
        &mut stage.decided_elsewhere,
    )?;
    stage.feed(&data[end..])
}
