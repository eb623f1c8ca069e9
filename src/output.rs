//! The output: one buffer, written in large blocks and flushed once per input batch.
//!
//! Flushing per batch (not per line) is what lets a trickle from a pipe show up at once while a
//! flood is written in big writes. Every write error becomes an [`Error::Output`] naming the
//! destination, so a full disk is reported, never swallowed.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

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
}

impl AppendFile {
    pub fn open(path: &Path) -> std::io::Result<AppendFile> {
        Ok(AppendFile {
            path: path.to_path_buf(),
            file: Self::open_file(path)?,
        })
    }

    fn open_file(path: &Path) -> std::io::Result<File> {
        OpenOptions::new().create(true).append(true).open(path)
    }
}

impl Write for AppendFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Destination for AppendFile {
    fn reopen(&mut self) -> std::io::Result<()> {
        self.file = Self::open_file(&self.path)?;
        Ok(())
    }
}

/// Buffered, error-reporting writer.
pub struct Output<W: Write> {
    inner: W,
    buf: Vec<u8>,
    /// How the destination is named in errors (`standard output`, a path).
    name: String,
}

/// How much is gathered before a write.
const BLOCK: usize = 256 * 1024;

impl<W: Write> Output<W> {
    pub fn new(inner: W, name: impl Into<String>) -> Self {
        Output {
            inner,
            buf: Vec::with_capacity(BLOCK),
            name: name.into(),
        }
    }

    /// Queues `data`; writes through when the block is full.
    pub fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.buf.len() + data.len() > BLOCK {
            self.drain()?;
            if data.len() >= BLOCK {
                return self.write_inner(data);
            }
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Writes everything queued and flushes the destination.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.drain()?;
        self.inner.flush().map_err(|source| self.error(source))
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
        self.inner
            .write_all(data)
            .map_err(|source| self.error(source))
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

impl<W: Write + Destination> Output<W> {
    /// Writes out what is queued, then reopens the destination.
    pub fn reopen(&mut self) -> Result<(), Error> {
        self.flush()?;
        self.inner.reopen().map_err(|source| self.error(source))
    }
}
