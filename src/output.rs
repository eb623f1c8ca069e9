//! The output: one buffer, written in large blocks and flushed once per input batch.
//!
//! Flushing per batch (not per line) is what lets a trickle from a pipe show up at once while a
//! flood is written in big writes. Every write error becomes an [`Error::Output`] naming the
//! destination, so a full disk is reported, never swallowed.
//!
//! In front of a server ([`Output::keep_going`], pipe mode) a failed write must not end the
//! filter: the server's log pipe has no other reader, and a JVM whose `System.out` once got
//! EPIPE stays broken until it restarts. There the output holds what it could not write (at
//! most [`HOLD`] bytes), then drops whole lines and counts them, retries on a backoff (and at
//! once on SIGHUP's reopen), and when writing works again ends any torn line and writes one
//! line saying what was lost, before anything else:
//!
//! ```text
//! [TIMESTAMP ' '] 'resetsquash: lost ' N ' lines, ' M ' bytes (' K ' client aborts counted) from ' T1 ' to ' T2 ': ' REASON EOL
//! ```
//!
//! `TIMESTAMP` is the log's clock, as for a summary line; `T1` and `T2` are the wall-clock
//! times (UTC, RFC 3339) of the first failed and the first good write again; `K` is the client
//! aborts counted in the summary lines among what was lost, so that the counts still add up.
//! The run then ends with exit status 1 ([`Error::Lost`]). A closed output pipe (EPIPE) is not
//! such a failure: whoever read the output went away on purpose (`| head`), and the run ends.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::error::Error;
use crate::linebuf::line_start;

/// Where the output goes, and whether it can be reopened (SIGHUP after logrotate moved it).
pub trait Destination {
    /// Starts writing to the file at the destination's path anew; a no-op for streams.
    fn reopen(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Destination for Vec<u8> {}
impl Destination for std::io::StdoutLock<'_> {}
impl<W: Write> Destination for std::io::BufWriter<W> {}
impl<W: Write> Destination for flate2::write::GzEncoder<W> {}

/// `-o FILE`: a log file opened for appending, as rotatelogs writes one, that can be reopened.
/// Appending makes a restart continue the file instead of overwriting it.
pub struct AppendFile {
    path: PathBuf,
    file: File,
    /// The file ends inside a line (a run before this one was killed mid-line): the first
    /// write ends that line first, so that this run's first line is not glued onto it.
    torn: bool,
}

impl AppendFile {
    pub fn open(path: &Path) -> std::io::Result<AppendFile> {
        let (file, torn) = Self::open_file(path)?;
        Ok(AppendFile {
            path: path.to_path_buf(),
            file,
            torn,
        })
    }

    fn open_file(path: &Path) -> std::io::Result<(File, bool)> {
        use std::io::{Read, Seek, SeekFrom};
        let file = match OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
        {
            Ok(file) => file,
            // Writable but not readable: its last byte cannot be looked at.
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                let file = OpenOptions::new().create(true).append(true).open(path)?;
                return Ok((file, false));
            }
            Err(e) => return Err(e),
        };
        let mut reader = &file;
        let torn = file.metadata()?.len() > 0 && {
            let mut last = [0u8];
            reader.seek(SeekFrom::End(-1))?;
            reader.read_exact(&mut last)?;
            last[0] != b'\n'
        };
        Ok((file, torn))
    }
}

impl Write for AppendFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.torn && !buf.is_empty() {
            self.file.write_all(b"\n")?;
            self.torn = false;
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Destination for AppendFile {
    /// Opens the file at the path anew; if that fails, the old file stays open and in use.
    fn reopen(&mut self) -> std::io::Result<()> {
        (self.file, self.torn) = Self::open_file(&self.path)?;
        Ok(())
    }
}

/// Buffered, error-reporting writer.
pub struct Output<W: Write> {
    inner: W,
    buf: Vec<u8>,
    /// How the destination is named in errors (`standard output`, a path).
    name: String,
    /// A failed write holds and counts instead of ending the run (pipe mode).
    keep_going: bool,
    /// Writes are failing now.
    trouble: Option<Trouble>,
    /// What was lost over the whole run, for the exit status.
    lost: Lost,
    /// The log's clock, to start a loss line with (kept only with `keep_going`).
    stamp: Vec<u8>,
    /// The last byte that reached the destination was a line terminator (or none did yet).
    at_line_start: bool,
}

/// The most bytes held while writes fail; past it, whole lines are dropped and counted.
pub const HOLD: usize = 4 << 20;

/// How much is gathered before a write: a few large writes, not one per line.
const WRITE_SIZE: usize = 256 * 1024;

/// First and longest wait before writing is tried again.
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_MOST: Duration = Duration::from_secs(5);

/// One stretch of failing writes.
struct Trouble {
    /// When the first write failed, on the wall clock.
    since: SystemTime,
    /// What the system said of it, as the loss line and standard error say it.
    reason: String,
    /// Bytes not written yet, in order, contiguous with what was written (so it may begin
    /// inside a line).
    held: Vec<u8>,
    /// The hold overflowed: everything is dropped until writing works again, so that what is
    /// lost is one stretch of whole lines.
    dropping: bool,
    /// What was dropped last ends inside a line: writing is not tried again before its end
    /// has been dropped too.
    skipping: bool,
    lost: Lost,
    next_try: Instant,
    backoff: Duration,
}

/// What could not be written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lost {
    pub lines: u64,
    pub bytes: u64,
    /// Client aborts counted in summary lines that were among what was lost.
    pub aborts: u64,
}

impl<W: Write> Output<W> {
    pub fn new(inner: W, name: impl Into<String>) -> Self {
        Output {
            inner,
            buf: Vec::with_capacity(WRITE_SIZE),
            name: name.into(),
            keep_going: false,
            trouble: None,
            lost: Lost::default(),
            stamp: Vec::new(),
            at_line_start: true,
        }
    }

    /// In front of a server: a failed write holds, drops and counts, and is retried, instead
    /// of ending the run (see the module's doc).
    pub fn keep_going(mut self, on: bool) -> Self {
        self.keep_going = on;
        self
    }

    /// Whether a failed write holds and counts: the ledger then keeps the log's clock here,
    /// for a loss line.
    pub fn keeps_going(&self) -> bool {
        self.keep_going
    }

    /// The log's clock text, to start a loss line with.
    pub fn stamp(&mut self, text: &[u8]) {
        self.stamp.clear();
        self.stamp.extend_from_slice(text);
    }

    /// Queues `data`; writes through when the block is full.
    pub fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        self.queue(data, 0)
    }

    /// Queues a summary line that stands for `records` client aborts: if it is lost, they are
    /// said to be in the loss line.
    pub fn write_summary(&mut self, line: &[u8], records: u64) -> Result<(), Error> {
        self.queue(line, records)
    }

    /// Queues `data`, standing for `aborts` client aborts; while writes fail, holds it instead.
    fn queue(&mut self, data: &[u8], aborts: u64) -> Result<(), Error> {
        if self.trouble.is_some() {
            self.retry_if_due();
            if let Some(t) = &mut self.trouble {
                t.hold(data, aborts);
                return Ok(());
            }
        }
        if self.buf.len() + data.len() > WRITE_SIZE {
            self.drain()?;
            if data.len() >= WRITE_SIZE {
                return self.write_inner(data);
            }
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Writes everything queued and flushes the destination.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.drain()?;
        if self.trouble.is_some() {
            self.retry_if_due();
            return Ok(());
        }
        match self.inner.flush() {
            Ok(()) => Ok(()),
            Err(source) => self.failed(source, &[]),
        }
    }

    /// From a quiet pipe: tries writing again if it is time to.
    pub fn retry_if_due(&mut self) {
        if self
            .trouble
            .as_ref()
            .is_some_and(|t| Instant::now() >= t.next_try)
        {
            self.retry();
        }
    }

    /// When a retry is due, for a quiet pipe's wait.
    pub fn retry_due(&self) -> Option<Instant> {
        self.trouble.as_ref().map(|t| t.next_try)
    }

    /// End of the run: what could still not be written is lost; anything lost over the run is
    /// an error, after everything else was written.
    pub fn finish(&mut self) -> Result<(), Error> {
        self.flush()?;
        // A last few tries, for a disk that is being cleaned up right now.
        for _ in 0..5 {
            let Some(t) = &mut self.trouble else { break };
            // No more input: nothing is left of a line whose start was dropped.
            t.skipping = false;
            t.next_try = Instant::now();
            std::thread::sleep(Duration::from_millis(100));
            self.retry();
        }
        let reason = match self.trouble.take() {
            Some(mut t) => {
                t.drop_held();
                self.lost.add(&t.lost);
                t.reason
            }
            None if self.lost.bytes > 0 => "writes failed".into(),
            None => return Ok(()),
        };
        Err(Error::Lost {
            what: self.name.clone(),
            lines: self.lost.lines,
            bytes: self.lost.bytes,
            reason,
        })
    }

    fn drain(&mut self) -> Result<(), Error> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let buf = std::mem::take(&mut self.buf);
        let result = self.write_inner(&buf);
        self.buf = buf;
        self.buf.clear();
        result
    }

    fn write_inner(&mut self, data: &[u8]) -> Result<(), Error> {
        if let Some(t) = &mut self.trouble {
            t.hold(data, 0);
            return Ok(());
        }
        let (written, result) = put(&mut self.inner, &mut self.at_line_start, data);
        match result {
            Ok(()) => Ok(()),
            Err(source) => self.failed(source, &data[written..]),
        }
    }

    /// A write failed with `rest` not written: the end of the run, or with `keep_going` the
    /// start of a stretch of trouble.
    fn failed(&mut self, source: std::io::Error, rest: &[u8]) -> Result<(), Error> {
        if !self.keep_going || source.kind() == std::io::ErrorKind::BrokenPipe {
            return Err(self.error(source));
        }
        let reason = crate::error::Advice::words(&source);
        eprintln!(
            "resetsquash: cannot write {}: {reason}; holding up to {} MiB and counting what has \
             to be dropped, trying again every few seconds (and on SIGHUP)",
            self.name,
            HOLD >> 20
        );
        let mut t = Trouble {
            since: SystemTime::now(),
            reason,
            held: Vec::new(),
            dropping: false,
            skipping: false,
            lost: Lost::default(),
            next_try: Instant::now() + RETRY_FIRST,
            backoff: RETRY_FIRST,
        };
        t.hold(rest, 0);
        self.trouble = Some(t);
        Ok(())
    }

    /// Tries to write what is held; once it is all out, says what was lost.
    fn retry(&mut self) {
        let Some(t) = &mut self.trouble else { return };
        if t.skipping {
            // Inside a line whose start was dropped: its end goes too, first.
            return;
        }
        let (written, result) = put(&mut self.inner, &mut self.at_line_start, &t.held);
        t.held.drain(..written);
        let result = result.and_then(|()| self.inner.flush());
        if let Err(e) = result {
            t.reason = crate::error::Advice::words(&e);
            t.backoff = (t.backoff * 2).min(RETRY_MOST);
            t.next_try = Instant::now() + t.backoff;
            return;
        }
        let t = self.trouble.take().expect("in trouble");
        let took = t.since.elapsed().unwrap_or_default();
        if t.lost.bytes == 0 {
            eprintln!(
                "resetsquash: writing {} again after {:.1} s; nothing was lost",
                self.name,
                took.as_secs_f64()
            );
            return;
        }
        let mut line = Vec::new();
        if !self.at_line_start {
            line.push(b'\n');
        }
        if !self.stamp.is_empty() {
            line.extend_from_slice(&self.stamp);
            line.push(b' ');
        }
        line.extend_from_slice(
            format!(
                "resetsquash: lost {}, {} bytes ({} client aborts counted) from {} to {}: {}\n",
                crate::words::counted(t.lost.lines, "line", "lines"),
                t.lost.bytes,
                t.lost.aborts,
                rfc3339(t.since),
                rfc3339(SystemTime::now()),
                t.reason
            )
            .as_bytes(),
        );
        eprintln!(
            "resetsquash: writing {} again after {:.1} s; lost {}, {} bytes, said in the log",
            self.name,
            took.as_secs_f64(),
            crate::words::counted(t.lost.lines, "line", "lines"),
            t.lost.bytes
        );
        self.lost.add(&t.lost);
        let reason = t.reason.clone();
        // Back in trouble at once if even this fails: the line is held again.
        let (written, result) = put(&mut self.inner, &mut self.at_line_start, &line);
        if let Err(e) = result {
            let _ = self.failed(e, &line[written..]);
            if let Some(t) = &mut self.trouble {
                t.reason = reason;
            }
        }
    }

    fn error(&self, source: std::io::Error) -> Error {
        Error::Output {
            what: self.name.clone(),
            source,
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl Lost {
    fn add(&mut self, o: &Lost) {
        self.lines += o.lines;
        self.bytes += o.bytes;
        self.aborts += o.aborts;
    }
}

impl Trouble {
    /// Holds `data` (standing for `aborts` client aborts, if a summary line) while it fits;
    /// from the first that does not, drops everything until writing works again.
    fn hold(&mut self, data: &[u8], aborts: u64) {
        if data.is_empty() {
            return;
        }
        if !self.dropping && self.held.len() + data.len() <= HOLD {
            self.held.extend_from_slice(data);
            return;
        }
        if !self.dropping {
            // Full: what is held ends at a line's end; the line it was in is dropped whole.
            self.dropping = true;
            let keep = line_start(&self.held, self.held.len());
            let partial = self.held.split_off(keep);
            self.lose(&partial, 0);
        }
        self.lose(data, aborts);
        self.skipping = !data.ends_with(b"\n");
    }

    /// Everything held is lost too (the run ends while writes still fail).
    fn drop_held(&mut self) {
        let held = std::mem::take(&mut self.held);
        self.lose(&held, 0);
        if !held.is_empty() && !held.ends_with(b"\n") {
            self.lost.lines += 1;
        }
    }

    fn lose(&mut self, data: &[u8], aborts: u64) {
        self.lost.bytes += data.len() as u64;
        self.lost.lines += memchr::memchr_iter(b'\n', data).count() as u64;
        self.lost.aborts += aborts;
    }
}

/// Writes as much of `data` as `w` takes, noting in `at_line_start` whether what reached it
/// ends a line: how much, and the error that stopped it.
fn put<W: Write>(w: &mut W, at_line_start: &mut bool, data: &[u8]) -> (usize, std::io::Result<()>) {
    let (written, result) = write_all(w, data);
    if written > 0 {
        *at_line_start = data[written - 1] == b'\n';
    }
    (written, result)
}

/// Writes as much of `data` as the destination takes: how much, and the error that stopped it.
fn write_all<W: Write>(w: &mut W, data: &[u8]) -> (usize, std::io::Result<()>) {
    let mut done = 0;
    while done < data.len() {
        match w.write(&data[done..]) {
            Ok(0) => {
                return (
                    done,
                    Err(std::io::Error::new(
                        std::io::ErrorKind::WriteZero,
                        "the destination took no more bytes",
                    )),
                );
            }
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return (done, Err(e)),
        }
    }
    (done, Ok(()))
}

/// `2026-12-03T13:05:02Z`.
fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, mo, d, h, mi, s) = crate::header::civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

impl<W: Write + Destination> Output<W> {
    /// Writes out what is queued, then reopens the destination. With `keep_going`, a reopen
    /// that fails keeps the old destination (said on standard error), and a reopen that works
    /// is tried at once if writes were failing.
    pub fn reopen(&mut self) -> Result<(), Error> {
        self.flush()?;
        match self.inner.reopen() {
            Ok(()) => {
                if let Some(t) = &mut self.trouble {
                    t.next_try = Instant::now();
                    self.retry();
                }
                Ok(())
            }
            Err(source) if self.keep_going => {
                eprintln!(
                    "resetsquash: cannot reopen {}: {}; still writing to the file it had open",
                    self.name,
                    crate::error::Advice::words(&source)
                );
                Ok(())
            }
            Err(source) => Err(self.error(source)),
        }
    }
}
