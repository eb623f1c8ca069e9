//! Keeping the threads busy: chunks decided as tasks on a pool, a few per thread in flight,
//! replayed into the ledger in input order as soon as each and all before it are decided.

use std::io::Write;

use crate::config::Config;
use crate::error::{Damage, Error};
use crate::ledger::Ledger;
use crate::linebuf::{self, LineSplitter};
use crate::output::Output;
use crate::prefilter;
use crate::rules::{BodyCache, RuleSet};
use crate::sink::Stats;

use super::cut::{self, Chunk, Chunker};
use super::replay::{Recording, decide_chunk};

/// Filters `config`'s inputs (none of them live) on `config.threads` threads into `out`; the
/// counts, the output, and the damage found in gzip inputs (the run went on past it).
pub fn run<W: Write>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W, Vec<Damage>), Error> {
    let threads = config.threads.max(1);
    let workers = Workers::new(threads)?;
    let (pool, caches) = (&workers.pool, &workers.caches);
    let mut ledger = Ledger::new(
        rules,
        &config.windows,
        config.explain,
        Output::new(out, out_name),
    );
    let mut stats = Stats::default();
    let mut chunker = Chunker::new(config, rules.follows().clone());
    // Chunks read and not yet replayed. Each chunk is its own task, replayed as soon as it and
    // every chunk before it are decided: a chunk of long traces costs many times a chunk of
    // access lines, and waiting for a whole batch left threads idle behind the slowest chunk.
    let in_flight = 3 * threads;
    let (tx, rx) = std::sync::mpsc::channel::<Decided>();
    let rest = pool.in_place_scope(|scope| -> Result<Option<Vec<u8>>, Error> {
        let mut read = 0usize;
        let mut replayed = 0usize;
        let mut ended: Option<Option<Vec<u8>>> = None;
        // Decided out of order, waiting for the chunks before them.
        let mut waiting: std::collections::BTreeMap<usize, (Vec<u8>, Recording)> =
            std::collections::BTreeMap::new();
        loop {
            while ended.is_none() && read - replayed < in_flight {
                let chunk = match chunker.next_chunk()? {
                    Some(Chunk::Cut(c)) => c,
                    Some(Chunk::Last(c)) => {
                        ended = Some(None);
                        c
                    }
                    Some(Chunk::Uncuttable(head)) => {
                        ended = Some(Some(head));
                        break;
                    }
                    None => {
                        ended = Some(None);
                        break;
                    }
                };
                let tx = tx.clone();
                let index = read;
                scope.spawn(move |_| {
                    let decided = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        caches.decide(config, rules, &chunk)
                    }));
                    // The receiver is gone only when the run already failed.
                    let _ = tx.send((index, chunk, decided));
                });
                read += 1;
            }
            if replayed == read {
                return Ok(ended.flatten());
            }
            let (index, chunk, decided) = rx.recv().expect("a sender is held until the end");
            let recording = match decided {
                Ok(recording) => recording?,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            waiting.insert(index, (chunk, recording));
            while let Some((chunk, recording)) = waiting.remove(&replayed) {
                stats.add(&recording.stats);
                recording.replay(&chunk, &mut ledger)?;
                chunker.recycle(chunk);
                replayed += 1;
            }
            ledger.flush()?;
        }
    })?;
    if let Some(head) = rest {
        // Too many bytes with no place to cut: everything before is replayed; the rest
        // streams through on this thread.
        let rest = finish_sequentially(config, rules, head, &mut chunker, &mut ledger)?;
        stats.add(&rest);
    }
    let (stats, out) = ledger.finish(stats)?;
    Ok((stats, out, chunker.damaged))
}

/// A decided chunk: its index in the input, its bytes, and its decisions (or the first error,
/// or the panic of the thread that decided it).
type Decided = (
    usize,
    Vec<u8>,
    std::thread::Result<Result<Recording, Error>>,
);

/// The threads that decide chunks, with the caches they hand on.
pub(crate) struct Workers {
    pool: rayon::ThreadPool,
    caches: Caches,
}

impl Workers {
    pub(crate) fn new(threads: usize) -> Result<Workers, Error> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Setup(format!("cannot start {threads} threads: {e}")))?;
        Ok(Workers {
            pool,
            caches: Caches::default(),
        })
    }
}

/// Caches of what the rules found in records' lines after the first (see
/// [`crate::rules::BodyCache`]), handed from one chunk to the next: a chunk's records repeat
/// the traces of the chunks before it.
#[derive(Default)]
struct Caches(std::sync::Mutex<Vec<BodyCache>>);

impl Caches {
    fn take(&self) -> BodyCache {
        self.0
            .lock()
            .map(|mut v| v.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn give_back(&self, cache: BodyCache) {
        if let Ok(mut v) = self.0.lock() {
            v.push(cache);
        }
    }

    /// Decides `chunk` with a cache taken from here, and gives the cache back.
    fn decide(&self, config: &Config, rules: &RuleSet, chunk: &[u8]) -> Result<Recording, Error> {
        let (recording, cache) = decide_chunk(config, rules, chunk, self.take())?;
        self.give_back(cache);
        Ok(recording)
    }
}

/// The rest of the input on one thread, from `head` (which starts at a record boundary).
fn finish_sequentially<W: Write>(
    config: &Config,
    rules: &RuleSet,
    head: Vec<u8>,
    chunker: &mut Chunker<'_>,
    ledger: &mut Ledger<'_, W>,
) -> Result<Stats, Error> {
    let mut assembler = config.assembler(rules);
    let mut lines = LineSplitter::new(config.max_line);
    prefilter::feed(&mut assembler, &mut lines, &head, ledger)?;
    let mut block = Vec::with_capacity(config.chunk_size);
    while chunker.read_into(&mut block)? > 0 {
        prefilter::feed(&mut assembler, &mut lines, &block, ledger)?;
        ledger.flush()?;
        block.clear();
    }
    lines.finish(&mut |p| assembler.piece(p, ledger))?;
    assembler.finish(ledger)?;
    Ok(assembler.stats())
}

/// Decides `data`, which starts at a record-starting line and ends right before one, on
/// `workers` in chunks cut at record-starting lines, and replays the decisions in
/// order into `ledger`: the same bytes one assembler would give, as for a file's chunks.
pub(crate) fn decide_span<W: Write>(
    workers: &Workers,
    config: &Config,
    rules: &RuleSet,
    data: &[u8],
    ledger: &mut Ledger<'_, W>,
    stats: &mut Stats,
) -> Result<(), Error> {
    use rayon::prelude::*;
    // Several chunks per thread, so that a thread done early takes another.
    let size = (data.len() / (4 * workers.pool.current_num_threads().max(1)))
        .max(config.chunk_size.max(1) / 8);
    let follows = rules.follows();
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let end = if data.len() - start <= size {
            data.len()
        } else {
            let from = start + size;
            // The first whole line from `from` on (or, inside a first line longer than the
            // chunk, the line after it).
            let mut line_start = linebuf::line_start(data, from);
            if line_start <= start {
                line_start = linebuf::line_end(data, start);
            }
            cut::next_cut(config, follows, data, line_start, true).unwrap_or(data.len())
        };
        chunks.push(start..end);
        start = end;
    }
    let (pool, caches) = (&workers.pool, &workers.caches);
    let recordings = pool.install(|| {
        chunks
            .par_iter()
            .map(|r| caches.decide(config, rules, &data[r.clone()]))
            .collect::<Vec<_>>()
    });
    for (recording, r) in recordings.into_iter().zip(chunks) {
        let recording = recording?;
        stats.add(&recording.stats);
        recording.replay(&data[r], ledger)?;
    }
    Ok(())
}
