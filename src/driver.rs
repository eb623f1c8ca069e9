//! The driver: every input in order, like `cat`, into one output, through the record stage.
//!
//! It picks the way to run: files on several threads ([`crate::parallel`]), or one sequential
//! stage ([`crate::sequential`]) fed from files or, for a live input, by [`crate::pipe`].

use std::io::Write;

use crate::config::Config;
use crate::error::{self, Damage, Error};
use crate::input::{self, Source};
use crate::metrics;
use crate::output::{Destination, Output};
use crate::parallel;
use crate::pipe;
use crate::rules::RuleSet;
use crate::sequential::Sequential;
use crate::sink::Stats;

/// Filters every input of `config` into `out`, named `out_name` in errors.
///
/// With more than one thread and no live input, the work is spread over threads by
/// [`parallel::run`]; the output is the same byte for byte.
///
/// A damaged gzip input ends where the damage is; the run goes on, and fails at its end with
/// [`Error::Damaged`], after `out` was given and flushed everything read (so a caller writing
/// to a temporary file must not keep it).
pub fn run<W: Write + Destination>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    let live = config.inputs.iter().any(input::is_live);
    let mut metrics = open_metrics(config, rules, live)?;
    let parallel = config.threads > 1 && !config.explain && !live && !prefixed(config)?;
    let (stats, out, damaged) = if parallel {
        parallel::run(config, rules, out, out_name)?
    } else {
        sequentially(config, rules, out, out_name, live, metrics.as_mut())?
    };
    if let Some(m) = &mut metrics {
        // Written before a damage error ends the run: what was read was counted.
        match m.write(&stats) {
            Err(e) if live => eprintln!("resetsquash: {e}"),
            result => result?,
        }
    }
    error::end_of_run(stats, out, out_name, damaged)
}

/// Catches the signals a run of `config` acts on from now on, if it will read a pipe or
/// terminal: called before the rules are loaded, so that a SIGTERM or SIGHUP in the first
/// moments is acted on as it would be later (see `pipe`), not by its default action.
pub fn catch_signals_early(config: &Config) -> Result<(), Error> {
    pipe::Signals::catch_early(config)
}

/// Whether the run's lines carry a shipper's prefix (see [`crate::shipped`]), as its first
/// input's first lines say: such a log's streams are decided in one queue, on one thread.
fn prefixed(config: &Config) -> Result<bool, Error> {
    let Some(first) = config.inputs.first() else {
        return Ok(false);
    };
    if config.prefix == crate::shipped::Choice::None
        && matches!(
            config.json,
            crate::shipped::Structured::Auto | crate::shipped::Structured::None
        )
    {
        return Ok(false);
    }
    let mut head = vec![0; crate::shipped::SNIFF_BYTES];
    let mut len = 0;
    let mut at_end = false;
    match first {
        Source::Path(_) => {
            let mut opened = input::open(first, crate::shipped::SNIFF_BYTES)?;
            while len < head.len() {
                let n = opened.read_some(&mut head[len..])?;
                if n == 0 {
                    at_end = true;
                    break;
                }
                len += n;
            }
        }
        // A file on standard input (`< app.log`), read where it stands without moving it: what
        // is read here must still be there for the run.
        Source::Stdin => {
            let stdin = std::io::stdin();
            let at = rustix::fs::seek(&stdin, rustix::fs::SeekFrom::Current(0));
            let Ok(at) = at else { return Ok(true) };
            while len < head.len() {
                match rustix::io::pread(&stdin, &mut head[len..], at + len as u64) {
                    Ok(0) => {
                        at_end = true;
                        break;
                    }
                    Ok(n) => len += n,
                    Err(rustix::io::Errno::INTR) => {}
                    Err(_) => return Ok(true),
                }
            }
            // Compressed: what its lines are is only known once it is read.
            if head[..len].starts_with(&[0x1f, 0x8b]) {
                return Ok(true);
            }
        }
    }
    Ok(!config
        .prefix
        .decide_with(config.json, &head[..len], at_end)
        .is_plain())
}

/// The run's `--metrics` writer, if it asks for one. In front of a server (a live input), a
/// file that cannot be added to is told of and the run goes on without it: the server's log
/// matters more than its counts.
fn open_metrics(
    config: &Config,
    rules: &RuleSet,
    live: bool,
) -> Result<Option<metrics::Writer>, Error> {
    let Some(target) = &config.metrics else {
        return Ok(None);
    };
    let log = target.log.clone().unwrap_or_else(|| {
        metrics::log_name(config.inputs.first().and_then(|s| match s {
            Source::Path(p) => Some(p.as_path()),
            Source::Stdin => None,
        }))
    });
    match metrics::Writer::open(&target.path, log, rules.rules().len()) {
        Ok(w) => Ok(Some(w)),
        Err(e) if live => {
            eprintln!("resetsquash: {e}; squashing goes on without writing metrics");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// One sequential stage over every input; a live one is read by [`pipe::read_live`].
fn sequentially<W: Write + Destination>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
    live: bool,
    mut metrics: Option<&mut metrics::Writer>,
) -> Result<(Stats, W, Vec<Damage>), Error> {
    let out = Output::new(out, out_name).keep_going(live && config.keep_going);
    let mut stage = Sequential::new(config, rules, out);
    // Caught before the first input is opened: opening reads its first bytes, and a SIGHUP
    // or SIGTERM while a server has written nothing yet must not end the run by default.
    let signals = if live && config.handle_signals {
        Some(pipe::Signals::catch()?)
    } else {
        None
    };
    let name_inputs = config.explain && config.inputs.len() > 1;
    let mut damaged = Vec::new();
    for source in &config.inputs {
        let mut opened = input::open(source, config.read_size)?;
        let damage = opened.damage.clone();
        if name_inputs {
            stage.begin_input(source);
        }
        if opened.live {
            let signals = signals.as_ref();
            let metrics = metrics.as_deref_mut();
            if let pipe::Ended::Signal(sig) =
                pipe::read_live(opened, config, rules, &mut stage, signals, metrics)?
            {
                let (mut stats, out) = stage.finish()?;
                stats.signal = Some(sig);
                damaged.extend(damage.get().cloned());
                return Ok((stats, out, damaged));
            }
        } else {
            let mut buf = vec![0; config.read_size.max(1)];
            loop {
                let n = opened.read_some(&mut buf)?;
                if n == 0 {
                    break;
                }
                stage.feed(&buf[..n])?;
                stage.ledger.flush()?;
            }
        }
        damaged.extend(damage.get().cloned());
    }
    let (stats, out) = stage.finish()?;
    Ok((stats, out, damaged))
}

/// [`run`], with the output gzip-compressed into `out`: the stream is finished (its trailer
/// written) and `out` flushed before the counts are handed back.
pub fn run_gzip<W: Write>(
    config: &Config,
    rules: &RuleSet,
    out: W,
    out_name: &str,
) -> Result<(Stats, W), Error> {
    let encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let (stats, encoder) = run(config, rules, encoder, out_name)?;
    let out = encoder
        .finish()
        .and_then(|mut out| out.flush().map(|()| out))
        .map_err(|source| Error::Output {
            what: out_name.to_string(),
            source,
        })?;
    Ok((stats, out))
}
