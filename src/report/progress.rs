//! A progress bar for a report of large files on a terminal.
//!
//! It only reads a byte counter the scanning threads add to, so that scanning never waits
//! for the terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::numbers::size;

/// A progress bar on standard error, redrawn five times a second from a byte counter.
pub struct Progress {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Progress {
    pub fn start(done: Arc<AtomicU64>, total: u64) -> Progress {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            use std::io::Write;
            let mut drawn = false;
            while !flag.load(Ordering::Relaxed) {
                let d = done.load(Ordering::Relaxed).min(total);
                let width = 30;
                let filled = (d as u128 * width as u128 / total.max(1) as u128) as usize;
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r[{}{}] {:>3}%  {} of {}",
                    "#".repeat(filled),
                    "-".repeat(width - filled),
                    d * 100 / total.max(1),
                    size(d),
                    size(total)
                );
                drawn = true;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            if drawn {
                // Clear the bar, so the report starts on a clean line.
                let _ = write!(std::io::stderr().lock(), "\r{:60}\r", "");
            }
        });
        Progress { stop, thread }
    }

    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}
