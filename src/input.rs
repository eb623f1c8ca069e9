//! Opening inputs: a path or standard input, gzip recognised by its magic bytes.
//!
//! Gzip is told by content, never by name, because logrotate hands compressors an anonymous
//! stream and rotated files are renamed freely. Concatenated gzip members (what `cat a.gz b.gz`
//! and some rotation schemes produce) are read whole.
//!
//! Damaged gzip (a file cut short by a full disk or a crash, or corrupt) ends its input where
//! the damage is, as `zcat` does: every byte decoded before it goes through the filter like any
//! input, and the damage is kept in [`Opened::damage`] for the driver to report once that
//! input's records are decided and written. A driver that reads an input to its end must look
//! there: the damage is never an end of input that counts as success.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use crate::error::{Damage, Error, STDIN_NAME, Salvage};

/// Where to read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Stdin,
    Path(PathBuf),
}

impl Source {
    /// How errors name this input.
    pub fn name(&self) -> PathBuf {
        match self {
            Source::Stdin => PathBuf::from(STDIN_NAME),
            Source::Path(p) => p.clone(),
        }
    }
}

/// An opened input.
pub struct Opened<'c> {
    pub reader: Box<dyn Read + Send + 'c>,
    /// A pipe or terminal: data may pause, so the reader must not wait for a record's end
    /// forever. Regular files never pause.
    pub live: bool,
    pub name: PathBuf,
    /// Set when the input is gzip and damaged: [`Opened::reader`] then ended where the damage
    /// is. Shared, so that it can be looked at after the reader was handed to a thread.
    pub damage: DamageSlot,
}

/// Where a gzip reader leaves the damage it met (see [`Opened::damage`]).
#[derive(Clone, Debug, Default)]
pub struct DamageSlot(Arc<OnceLock<Damage>>);

impl DamageSlot {
    /// The damage, once the reader has met it.
    pub fn get(&self) -> Option<&Damage> {
        self.0.get()
    }
}

impl Opened<'_> {
    /// Reads what is there into `buf` (0 at the end), retrying a read a signal interrupted;
    /// an error names the input.
    pub fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        loop {
            match self.reader.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(Error::Input {
                        path: self.name.clone(),
                        source,
                    });
                }
                Ok(n) => return Ok(n),
            }
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `source` is a pipe or terminal (see [`Opened::live`]), without opening it. An input
/// that cannot be examined counts as not live; opening it will report the error.
pub fn is_live(source: &Source) -> bool {
    match source {
        Source::Stdin => !stdin_is_regular_file(),
        Source::Path(p) => std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()),
    }
}

/// Opens `source`, unwrapping gzip.
pub fn open(source: &Source, read_size: usize) -> Result<Opened<'static>, Error> {
    /// Counts for no one.
    static UNCOUNTED: AtomicU64 = AtomicU64::new(0);
    open_counting(source, read_size, &UNCOUNTED)
}

/// Opens `source` as [`open`] does, adding the bytes read from it (before gzip is unwrapped,
/// so that they compare with the file's size) to `counter`, for a progress bar.
pub fn open_counting<'c>(
    source: &Source,
    read_size: usize,
    counter: &'c AtomicU64,
) -> Result<Opened<'c>, Error> {
    let name = source.name();
    let input_err = |e: std::io::Error| Error::Input {
        path: name.clone(),
        source: e,
    };
    let (raw, live): (Box<dyn Read + Send + 'c>, bool) = match source {
        Source::Stdin => (Box::new(std::io::stdin()), !stdin_is_regular_file()),
        Source::Path(path) => {
            let file = File::open(path).map_err(input_err)?;
            let meta = file.metadata().map_err(input_err)?;
            if meta.is_dir() {
                return Err(input_err(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory",
                )));
            }
            (
                Box::new(Counted {
                    inner: file,
                    counter,
                }),
                !meta.is_file(),
            )
        }
    };
    let buffered = BufReader::with_capacity(read_size.max(2), raw);
    let damage = DamageSlot::default();
    let reader: Box<dyn Read + Send + 'c> = if live {
        // A pipe may give its first byte much later (a server that has not logged yet): told
        // on the first read, on the thread that reads it, so that nothing waits for it here.
        Box::new(Sniff::Pending {
            buffered,
            damage: damage.clone(),
            name: name.clone(),
        })
    } else {
        unwrap(buffered, &damage, &name).map_err(input_err)?
    };
    Ok(Opened {
        reader,
        live,
        name,
        damage,
    })
}

/// Gzip or not, told by the first bytes.
fn unwrap<'c>(
    mut buffered: BufReader<Box<dyn Read + Send + 'c>>,
    damage: &DamageSlot,
    name: &std::path::Path,
) -> std::io::Result<Box<dyn Read + Send + 'c>> {
    let head = buffered.fill_buf()?;
    Ok(if head.starts_with(&GZIP_MAGIC) {
        Box::new(Gunzip {
            decoder: flate2::read::MultiGzDecoder::new(Consumed {
                inner: buffered,
                consumed: 0,
                failed: false,
            }),
            decoded: 0,
            damage: damage.clone(),
            name: name.to_path_buf(),
        })
    } else {
        Box::new(buffered)
    })
}

/// A live input whose first bytes are not read yet.
enum Sniff<'c> {
    Pending {
        buffered: BufReader<Box<dyn Read + Send + 'c>>,
        damage: DamageSlot,
        name: PathBuf,
    },
    Known(Box<dyn Read + Send + 'c>),
    /// Only for the moment the first bytes are told.
    Taken,
}

impl Read for Sniff<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Sniff::Pending { buffered, .. } = self {
            // Waits for the first bytes; a failure leaves it pending, to be tried again.
            loop {
                match buffered.fill_buf() {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                    Ok(_) => break,
                }
            }
            let Sniff::Pending {
                buffered,
                damage,
                name,
            } = std::mem::replace(self, Sniff::Taken)
            else {
                unreachable!("matched above")
            };
            // The bytes are buffered now: telling gzip from them reads nothing more.
            *self = Sniff::Known(unwrap(buffered, &damage, &name)?);
        }
        match self {
            Sniff::Known(reader) => reader.read(buf),
            // Telling gzip failed once: nothing more to read.
            _ => Ok(0),
        }
    }
}

/// A gzip decoder that ends at damage instead of failing, leaving the damage in its slot, so
/// that what was decoded before it is filtered as a whole input is.
struct Gunzip<R: BufRead> {
    decoder: flate2::read::MultiGzDecoder<Consumed<R>>,
    /// Decompressed bytes handed out.
    decoded: u64,
    damage: DamageSlot,
    name: PathBuf,
}

impl<R: BufRead> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.damage.get().is_some() {
            return Ok(0);
        }
        match self.decoder.read(buf) {
            Ok(n) => {
                self.decoded += n as u64;
                Ok(n)
            }
            // The file itself could not be read (or a signal came): not damage, an I/O error
            // (or a retry) as for any input.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(e) if self.decoder.get_ref().failed => Err(e),
            Err(e) => {
                let compressed = self.decoder.get_ref().consumed;
                let _ = self.damage.0.set(Damage {
                    path: self.name.clone(),
                    // The decoder stops short of the end only where the data is wrong; a
                    // stream that ran out of bytes was read to the end of the file.
                    truncated: e.kind() == std::io::ErrorKind::UnexpectedEof,
                    compressed_offset: compressed,
                    decoded: self.decoded,
                    reason: e.to_string(),
                    salvage: Salvage::Written,
                });
                Ok(0)
            }
        }
    }
}

/// A buffered reader that counts the bytes its user consumed, which for a decoder is how far
/// into the compressed data it got; and notes whether reading the file itself failed.
struct Consumed<R> {
    inner: R,
    consumed: u64,
    failed: bool,
}

impl<R: BufRead> Read for Consumed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).inspect_err(|_| self.failed = true)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Consumed<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf().inspect_err(|_| self.failed = true)
    }

    fn consume(&mut self, n: usize) {
        self.consumed += n as u64;
        self.inner.consume(n);
    }
}

/// A reader that adds what it reads to a counter.
struct Counted<'c, R> {
    inner: R,
    counter: &'c AtomicU64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(unix)]
fn stdin_is_regular_file() -> bool {
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return false;
    };
    File::from(fd).metadata().is_ok_and(|m| m.is_file())
}

#[cfg(not(unix))]
fn stdin_is_regular_file() -> bool {
    false
}

/// Whether the file at `path` starts with the gzip magic bytes.
pub fn is_gzip_file(path: &std::path::Path) -> std::io::Result<bool> {
    let mut head = [0u8; 2];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < 2 {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n == 2 && head == GZIP_MAGIC)
}
