//! The output: one buffer, written in large blocks and flushed once per input batch.
//!
//! Flushing per batch (not per line) is what lets a trickle from a pipe show up at once while a
//! flood is written in big writes. Every write error becomes an [`Error::Output`] naming the
//! destination, so a full disk is reported, never swallowed.

use std::io::Write;

use crate::error::Error;

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
