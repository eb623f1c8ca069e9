//! Rotated logs: squash a file in place, safely (`--in-place`, for logrotate's `postrotate`).
//!
//! The squashed copy is written to a temporary file in the same directory, synced to disk,
//! given the original's owner, mode and modification time, and renamed over the original; then
//! the directory entry is synced. Until the rename nothing touches the original, and the rename
//! is atomic, so a crash, `kill -9` or a full disk at any moment leaves the original intact (at
//! worst a stray `.NAME.resetsquash-*` file remains). A gzip original gets a gzip copy.
//!
//! A damaged gzip original (cut short, corrupt) is not replaced: its squashed copy would hold
//! only the part before the damage, and the rest, which `gzip` tools may still partly recover,
//! would be gone. The copy is removed and the run fails naming the damage.
//!
//! Nor is a file replaced when replacing it would lose something:
//! - one that changed while it was read (a writer still appends to it, as in a `copytruncate`
//!   race): what it wrote since would be gone with the old file;
//! - one with other hard links, unless asked ([`Config::break_hard_links`]): the other names
//!   would keep the unsquashed original;
//! - one whose extended attributes (ACLs among them) cannot all be set on the copy.
//!
//! A symbolic link is followed: the file it names is squashed, and the link stays a link. A
//! SIGTERM, SIGINT or SIGHUP while a file is squashed removes the temporary copy before the
//! process ends by the signal.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use crate::config::Config;
use crate::driver::run;
use crate::error::{Error, Salvage};
use crate::input::Source;
use crate::metrics;
use crate::rules::RuleSet;
use crate::sink::Stats;

/// The temporary copy being written, to remove if a signal ends the process first.
static TEMPORARY: Mutex<Option<PathBuf>> = Mutex::new(None);

/// `--in-place` over several files: every file is tried, and one that fails is left exactly as
/// it was. The counts are those of the files squashed; the first failure is returned after all
/// were tried, and each later one is handed to `also_failed` (to be reported) as it happens.
pub fn squash_all_in_place(
    config: &Config,
    rules: &RuleSet,
    paths: &[PathBuf],
    mut also_failed: impl FnMut(Error),
) -> Result<Stats, Error> {
    if let Some(t) = &config.metrics {
        // Before any file is touched: a metrics file we may not add to stops the run here.
        metrics::Writer::open(&t.path, String::new(), 0)?;
    }
    let mut total = Stats::default();
    let mut first_error = None;
    for path in paths {
        match squash_in_place(config, rules, path) {
            Ok(stats) => total.add(&stats),
            Err(e) if first_error.is_none() => first_error = Some(e),
            Err(e) => also_failed(e),
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(total),
    }
}

/// Squashes `path` in place with `config` (whose inputs are ignored).
///
/// With `--metrics`, its counts are added to the metrics file once it is in place, under the
/// `log` label given or its own name (`app.log.1` is `app`, as `app.log` is).
pub fn squash_in_place(config: &Config, rules: &RuleSet, path: &Path) -> Result<Stats, Error> {
    let metrics_to = config.metrics.as_ref().map(|t| {
        let log = t.log.clone();
        (
            t.path.clone(),
            log.unwrap_or_else(|| metrics::log_name(Some(path))),
        )
    });
    let input_err = |source: std::io::Error| Error::Input {
        path: path.to_path_buf(),
        source,
    };
    let refused = |why: String| input_err(std::io::Error::other(why));
    // A link is followed: the file it names is replaced, in its own directory.
    let link = fs::symlink_metadata(path).map_err(input_err)?.is_symlink();
    let target = if link {
        fs::canonicalize(path).map_err(input_err)?
    } else {
        path.to_path_buf()
    };
    let path = target.as_path();
    let meta = fs::metadata(path).map_err(input_err)?;
    if !meta.is_file() {
        return Err(input_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.nlink() > 1 && !config.break_hard_links {
        return Err(refused(format!(
            "left as it was: it has {} other hard links, which would keep the unsquashed \
             original; give --break-hard-links to squash this name alone",
            meta.nlink() - 1
        )));
    }
    let attributes = Attributes::read(path).map_err(input_err)?;
    let gzip = crate::input::is_gzip_file(path).map_err(input_err)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "log".into(), |n| n.to_string_lossy().into_owned());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}.resetsquash-"))
        .tempfile_in(dir)
        .map_err(|source| output_error(dir, source))?;
    let temp_path: PathBuf = temp.path().to_path_buf();
    remove_on_signal(&temp_path);
    let out_err = |source: std::io::Error| output_error(&temp_path, source);
    let file = temp.as_file().try_clone().map_err(out_err)?;
    let config = Config {
        inputs: vec![Source::Path(path.to_path_buf())],
        metrics: None,
        ..config.clone()
    };
    let shown = temp_path.display().to_string();
    let stats = if gzip {
        let encoder =
            flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        let (stats, encoder) = run(&config, rules, encoder, &shown).map_err(left_as_it_was)?;
        let mut inner = encoder.finish().map_err(out_err)?;
        inner.flush().map_err(out_err)?;
        stats
    } else {
        let (stats, mut file) =
            run(&config, rules, BufWriter::new(file), &shown).map_err(left_as_it_was)?;
        file.flush().map_err(out_err)?;
        stats
    };
    let file = temp.as_file();
    // Keep the owner where we may (as root, which logrotate usually is); otherwise the file
    // stays ours, which is what a non-root rotation gives anyway. Owner, then mode, then the
    // attributes: a chown may clear bits, and a chmod rewrites an ACL's mask.
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    file.set_permissions(meta.permissions()).map_err(out_err)?;
    attributes.write(&temp_path).map_err(|(name, e)| {
        refused(format!(
            "left as it was: its extended attribute `{name}` cannot be kept on the squashed \
             copy ({})",
            crate::error::Advice::words(&e)
        ))
    })?;
    if let Ok(modified) = meta.modified() {
        file.set_modified(modified).map_err(out_err)?;
    }
    file.sync_all().map_err(out_err)?;
    // Nothing may have written to it meanwhile: that would be lost with the old file.
    let now = fs::metadata(path).map_err(input_err)?;
    if (now.ino(), now.len(), now.mtime(), now.mtime_nsec())
        != (meta.ino(), meta.len(), meta.mtime(), meta.mtime_nsec())
    {
        return Err(refused(format!(
            "left as it was: it changed while it was squashed (from {} to {} bytes): something \
             still writes to it; have the server reopen its log first (postrotate), or squash \
             it once nothing writes to it",
            meta.len(),
            now.len()
        )));
    }
    {
        let mut pending = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
        temp.persist(path)
            .map_err(|e| output_error(path, e.error))?;
        *pending = None;
    }
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    if let Some((file, log)) = metrics_to {
        metrics::Writer::open(&file, log, rules.rules().len())?.write(&stats)?;
    }
    Ok(stats)
}

/// A file's extended attributes (ACLs are `system.posix_acl_*` among them), to set again on
/// its squashed copy.
struct Attributes(Vec<(std::ffi::OsString, Vec<u8>)>);

impl Attributes {
    fn read(path: &Path) -> std::io::Result<Attributes> {
        let names = match xattr::list(path) {
            Ok(names) => names,
            // A file system without them: there are none to keep.
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => return Ok(Attributes(vec![])),
            Err(e) => return Err(e),
        };
        let mut all = Vec::new();
        for name in names {
            if let Some(value) = xattr::get(path, &name)? {
                all.push((name, value));
            }
        }
        Ok(Attributes(all))
    }

    /// Sets every attribute on `path`; the first that cannot be set, and why.
    fn write(&self, path: &Path) -> Result<(), (String, std::io::Error)> {
        for (name, value) in &self.0 {
            xattr::set(path, name, value).map_err(|e| (name.to_string_lossy().into_owned(), e))?;
        }
        Ok(())
    }
}

/// From now until it is renamed, `temp` is removed if SIGTERM, SIGINT or SIGHUP comes; the
/// process then ends by that signal.
fn remove_on_signal(temp: &Path) {
    static CATCHING: Once = Once::new();
    *TEMPORARY.lock().unwrap_or_else(|e| e.into_inner()) = Some(temp.to_path_buf());
    CATCHING.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Held until the process ends: no rename can happen after the removal.
                let mut pending = TEMPORARY.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(temp) = pending.take() {
                    let _ = fs::remove_file(temp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(sig);
            }
        });
    });
}

/// Damage found while squashing: the temporary copy is dropped (and so removed) unrenamed.
fn left_as_it_was(e: Error) -> Error {
    match e {
        Error::Damaged(mut damaged) => {
            for d in &mut damaged {
                d.salvage = Salvage::LeftAsItWas;
            }
            Error::Damaged(damaged)
        }
        e => e,
    }
}

fn output_error(path: &Path, source: std::io::Error) -> Error {
    Error::Output {
        what: path.display().to_string(),
        source,
    }
}
