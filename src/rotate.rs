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

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Salvage};
use crate::input::Source;
use crate::rules::RuleSet;
use crate::squash::Stats;
use crate::{Config, run};

/// Squashes `path` in place with `config` (whose inputs are ignored).
pub fn squash_in_place(config: &Config, rules: &RuleSet, path: &Path) -> Result<Stats, Error> {
    let input_err = |source: std::io::Error| Error::Input {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(input_err)?;
    if !meta.is_file() {
        return Err(input_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
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
    let out_err = |source: std::io::Error| output_error(&temp_path, source);
    let file = temp.as_file().try_clone().map_err(out_err)?;
    let config = Config {
        inputs: vec![Source::Path(path.to_path_buf())],
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
    file.sync_all().map_err(out_err)?;
    file.set_permissions(meta.permissions()).map_err(out_err)?;
    // Keep the owner where we may (as root, which logrotate usually is); otherwise the file
    // stays ours, which is what a non-root rotation gives anyway.
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    if let Ok(modified) = meta.modified() {
        file.set_modified(modified).map_err(out_err)?;
    }
    temp.persist(path)
        .map_err(|e| output_error(path, e.error))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(stats)
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
